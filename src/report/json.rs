//! JSON output, schema `modelgate/v1` (SPEC "JSON output"). The wire types here
//! borrow from the domain types so a refactor cannot silently change the schema.

use std::io::Write;

use serde::Serialize;

use crate::model::{OneIndexed, RefKind, Scan, SkipReason, Skipped};
use crate::resolve::ResolvedRef;

pub const SCHEMA: &str = "modelgate/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    root: &'a str,
    references: Vec<Reference<'a>>,
    findings: Vec<()>,
    /// Addition to the SPEC's schema: the files not scanned, with their reasons.
    skipped: Vec<SkippedFile<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Reference<'a> {
    path: &'a str,
    line: OneIndexed,
    column: OneIndexed,
    end_line: OneIndexed,
    end_column: OneIndexed,
    text: &'a str,
    kind: RefKind,
    context: &'a str,
    provider: Option<&'a str>,
    dynamic: bool,
    model: Option<&'a str>,
    license: Option<&'a str>,
    license_source: Option<&'a str>,
    lineage: Vec<&'a str>,
}

#[derive(Serialize)]
struct SkippedFile<'a> {
    path: &'a str,
    #[serde(flatten)]
    reason: &'a SkipReason,
    message: String,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    files_skipped: usize,
    references: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

fn reference(resolved: &ResolvedRef) -> Reference<'_> {
    let r = &resolved.reference;
    Reference {
        path: &r.path,
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        text: &r.text,
        kind: r.kind,
        context: &r.context,
        provider: r.provider,
        dynamic: r.dynamic,
        model: resolved.model.as_deref(),
        license: resolved.license.as_deref(),
        license_source: resolved.license_source.map(|s| s.as_str()),
        lineage: resolved.lineage.iter().map(String::as_str).collect(),
    }
}

fn skipped(s: &Skipped) -> SkippedFile<'_> {
    SkippedFile {
        path: &s.path,
        reason: &s.reason,
        message: s.reason.to_string(),
    }
}

/// `modelgate list --format json`.
pub fn write_list(
    out: &mut dyn Write,
    root: &str,
    references: &[ResolvedRef],
    scan: &Scan,
) -> std::io::Result<()> {
    let report = Report {
        schema: SCHEMA,
        tool: Tool {
            name: "modelgate",
            version: env!("CARGO_PKG_VERSION"),
        },
        root,
        references: references.iter().map(reference).collect(),
        findings: Vec::new(),
        skipped: scan.skipped.iter().map(skipped).collect(),
        summary: Summary {
            files_scanned: scan.files_scanned,
            files_skipped: scan.skipped.len(),
            references: references.len(),
            errors: 0,
            warnings: 0,
            infos: 0,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
