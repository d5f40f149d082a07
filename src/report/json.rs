//! JSON output, schema `modelgate/v1` (SPEC "JSON output"). The wire types here
//! borrow from the domain types so a refactor cannot silently change the schema.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::codes::Severity;
use crate::evaluate::CheckRun;
use crate::evaluate::Finding;
use crate::model::{OneIndexed, RefKind, Scan, SkipReason, Skipped};
use crate::report::inventory::{Inventory, Status};
use crate::resolve::ResolvedRef;

pub const SCHEMA: &str = "modelgate/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    root: &'a str,
    /// Addition: the policy the findings were judged by (`built-in default` or a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    references: Vec<Reference<'a>>,
    findings: Vec<FindingJson<'a>>,
    /// Addition to the SPEC's schema: the files not scanned, with their reasons.
    skipped: Vec<SkippedFile<'a>>,
    summary: Summary,
    /// Addition, `report --format json` only: the inventory grouped by model.
    #[serde(skip_serializing_if = "Option::is_none")]
    models: Option<Vec<ModelJson<'a>>>,
    /// Addition, `report --format json` only: the policy profile judged against.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<BTreeMap<&'static str, &'a str>>,
    /// Addition, `report --format json` only: `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<&'a str>,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: &'a str,
    status: &'static str,
    provider: Option<&'a str>,
    license: Option<&'a str>,
    license_name: Option<&'a str>,
    category: &'static str,
    license_source: Option<&'static str>,
    /// The bases, nearest first.
    ancestors: &'a [&'a str],
    uses: Vec<UseJson<'a>>,
    obligations: Vec<ObligationJson<'a>>,
    /// Indices into `findings`.
    findings: Vec<usize>,
    notes: &'a [&'a str],
}

#[derive(Serialize)]
struct UseJson<'a> {
    path: &'a str,
    line: OneIndexed,
    column: OneIndexed,
    text: &'a str,
}

#[derive(Serialize)]
struct ObligationJson<'a> {
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    /// Addition: the built-in rule set's version (extra rule files are not included).
    rules_version: String,
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
struct FindingJson<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    model: Option<&'a str>,
    license: Option<&'a str>,
    notes: &'a [String],
    help: Option<&'a str>,
    /// Addition: the waiver that applied (such findings count toward nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<WaivedJson<'a>>,
}

#[derive(Serialize)]
struct WaivedJson<'a> {
    by: &'a str,
    reason: &'a str,
}

fn finding(f: &Finding) -> FindingJson<'_> {
    let info = f.code.info();
    FindingJson {
        code: info.id,
        name: info.name,
        severity: f.severity.as_str(),
        message: &f.message,
        path: &f.path,
        line: f.line,
        column: f.column,
        model: f.model.as_deref(),
        license: f.license.as_deref(),
        notes: &f.notes,
        help: f.help.as_deref(),
        waived: f.waived.as_ref().map(|w| WaivedJson {
            by: &w.by,
            reason: &w.reason,
        }),
    }
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
    /// Addition: the Hugging Face Hub lookups, with `--online`/`--offline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    hub_lookups: Option<crate::model::HubLookups>,
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
    let report = report(root, None, references, &[], scan);
    emit(out, &report)
}

/// `modelgate check --format json`.
pub fn write_check(out: &mut dyn Write, run: &CheckRun) -> std::io::Result<()> {
    let report = check_report(run);
    emit(out, &report)
}

fn check_report(run: &CheckRun) -> Report<'_> {
    report(
        &run.root,
        Some(run.policy_display.as_str()),
        &run.references,
        &run.findings,
        &run.scan,
    )
}

/// `modelgate report --format json`: the check's document plus the inventory.
pub fn write_report(out: &mut dyn Write, inv: &Inventory<'_>) -> std::io::Result<()> {
    let run = inv.run;
    let mut report = check_report(run);
    report.models = Some(
        inv.models
            .iter()
            .map(|m| ModelJson {
                name: &m.name,
                status: match m.status {
                    Status::Resolved => "resolved",
                    Status::Unknown => "unknown",
                    Status::Dynamic => "dynamic",
                },
                provider: m.provider,
                license: m.license_id,
                license_name: m.license.map(|l| l.name.as_str()),
                category: m.category,
                license_source: m.license_source.map(|s| s.as_str()),
                ancestors: &m.ancestors,
                uses: m
                    .uses
                    .iter()
                    .map(|r| UseJson {
                        path: &r.reference.path,
                        line: r.reference.line,
                        column: r.reference.column,
                        text: &r.reference.text,
                    })
                    .collect(),
                obligations: m
                    .obligations
                    .iter()
                    .map(|o| ObligationJson {
                        kind: o.kind,
                        text: &o.text,
                    })
                    .collect(),
                findings: m.finding_indices.clone(),
                notes: &m.notes,
            })
            .collect(),
    );
    report.profile = Some(inv.profile.iter().map(|(k, v)| (*k, v.as_str())).collect());
    report.generated = Some(&inv.generated);
    emit(out, &report)
}

fn emit(out: &mut dyn Write, report: &Report<'_>) -> std::io::Result<()> {
    crate::report::write_json(&mut *out, report)?;
    writeln!(out)
}

fn report<'a>(
    root: &'a str,
    policy: Option<&'a str>,
    references: &'a [ResolvedRef],
    findings: &'a [Finding],
    scan: &'a Scan,
) -> Report<'a> {
    let count = |s: Severity| {
        findings
            .iter()
            .filter(|f| f.waived.is_none() && f.severity == s)
            .count()
    };
    Report {
        schema: SCHEMA,
        tool: Tool {
            name: "modelgate",
            version: env!("CARGO_PKG_VERSION"),
            rules_version: crate::catalog::load::rules_version(),
        },
        root,
        policy,
        references: references.iter().map(reference).collect(),
        findings: findings.iter().map(finding).collect(),
        skipped: scan.skipped.iter().map(skipped).collect(),
        summary: Summary {
            files_scanned: scan.files_scanned,
            files_skipped: scan.skipped.len(),
            references: references.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warn),
            infos: count(Severity::Info),
            hub_lookups: scan.hub,
        },
        models: None,
        profile: None,
        generated: None,
    }
}
