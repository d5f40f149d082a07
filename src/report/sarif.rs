//! `check --format sarif`: SARIF 2.1.0 for code scanning. Serialize-only wire
//! types; 1-based lines and columns equal to the human output, columns in
//! Unicode code points; relative URIs against `%SRCROOT%`; a fingerprint that
//! ignores line numbers and the tool version; the policy line as a related
//! location. Info-level findings only with `--include-info`.

use std::collections::BTreeMap;
use std::io::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::codes::{Severity, CODES};
use crate::evaluate::CheckRun;
use crate::evaluate::Finding;

/// A relative path keeps its unreserved characters and `/`; everything else
/// is percent-encoded (a `:` in a first segment would read as a scheme).
const PATH_KEEPS: AsciiSet = NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');
/// The root's `file://` URI may keep a drive letter's `:`.
const ROOT_KEEPS: AsciiSet = PATH_KEEPS.remove(b':');

fn uri_path(path: &str, keeps: &'static AsciiSet) -> String {
    utf8_percent_encode(path, keeps).to_string()
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const HELP_URI: &str = "https://github.com/modelgate/modelgate/blob/main/src/explain/";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    original_uri_base_ids: BTreeMap<&'static str, Uri>,
    results: Vec<ResultObject>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
    properties: DriverProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties {
    rules_version: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Uri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// A waived finding: accepted, with who waived it and why (GitHub shows
    /// it as a closed alert).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suppression {
    /// `inSource` for a comment beside the reference, `external` for an
    /// exception in the policy file.
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    /// Percent-encoded: SARIF URIs must conform to RFC 3986.
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

/// `license-denied` → `LicenseDenied`.
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rules() -> Vec<Rule> {
    CODES
        .iter()
        .map(|c| {
            let why = c
                .explain
                .split("## What it does")
                .nth(1)
                .and_then(|s| s.split("##").next())
                .unwrap_or(c.summary)
                .trim()
                .to_string();
            Rule {
                id: c.id,
                name: pascal(c.name),
                short_description: Text {
                    text: c.summary.to_string(),
                },
                full_description: Text { text: why },
                help: Help {
                    text: c.explain.to_string(),
                    markdown: c.explain.to_string(),
                },
                help_uri: format!("{HELP_URI}{}.md", c.id),
                default_configuration: Configuration {
                    level: level(c.severity),
                },
            }
        })
        .collect()
}

pub fn write(out: &mut dyn Write, run: &CheckRun, include_info: bool) -> std::io::Result<()> {
    let fingerprints = crate::report::fingerprint::fingerprints(&run.findings, &run.references);
    let results = run
        .findings
        .iter()
        .zip(fingerprints)
        .filter(|(f, _)| include_info || f.severity != Severity::Info)
        .map(|(f, fingerprint)| result(f, run, fingerprint))
        .collect();
    let mut bases = BTreeMap::new();
    let root = run
        .root_path
        .canonicalize()
        .unwrap_or_else(|_| run.root_path.clone());
    let root = uri_path(&root.to_string_lossy().replace('\\', "/"), &ROOT_KEEPS);
    bases.insert(
        "%SRCROOT%",
        Uri {
            uri: format!("file://{}/", root.trim_end_matches('/')),
        },
    );
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "modelgate",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/modelgate/modelgate",
                    rules: rules(),
                    properties: DriverProperties {
                        rules_version: crate::catalog::load::rules_version(),
                    },
                },
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: bases,
            results,
        }],
    };
    crate::report::write_json(&mut *out, &log)?;
    writeln!(out)
}

fn result<'a>(f: &'a Finding, run: &'a CheckRun, fingerprint: String) -> ResultObject {
    let reference = f.reference.map(|i| &run.references[i].reference);
    let region = match reference {
        Some(r) => Region {
            start_line: r.line.0,
            start_column: r.column.0,
            end_line: Some(r.end_line.0),
            end_column: Some(r.end_column.0),
        },
        None => Region {
            start_line: f.line.max(1),
            start_column: f.column.max(1),
            end_line: None,
            end_column: None,
        },
    };
    let related = f
        .policy_label
        .as_ref()
        .filter(|_| reference.is_some())
        .map(|label| Location {
            id: Some(1),
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri_path(&run.policy_display, &PATH_KEEPS),
                    uri_base_id: "%SRCROOT%",
                },
                region: policy_region(run, label.file, label.span.start),
            },
            message: Some(Text {
                text: label.message.clone(),
            }),
        })
        .into_iter()
        .collect();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("modelgate/v1", fingerprint);
    ResultObject {
        rule_id: f.code.info().id,
        rule_index: CODES.iter().position(|c| c.code == f.code).unwrap_or(0),
        level: level(f.severity),
        message: Text {
            text: f.message.clone(),
        },
        locations: vec![Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri_path(&f.path, &PATH_KEEPS),
                    uri_base_id: "%SRCROOT%",
                },
                region,
            },
            message: None,
        }],
        related_locations: related,
        partial_fingerprints: fingerprints,
        suppressions: f
            .waived
            .iter()
            .map(|w| Suppression {
                kind: if w.in_source { "inSource" } else { "external" },
                status: "accepted",
                justification: format!("{} (waived by {})", w.reason, w.by),
            })
            .collect(),
    }
}

fn policy_region(run: &CheckRun, file: usize, offset: usize) -> Region {
    use codespan_reporting::files::Files;
    let (line, column) = run
        .files
        .location(file, offset)
        .map_or((1, 1), |l| (l.line_number as u32, l.column_number as u32));
    Region {
        start_line: line,
        start_column: column,
        end_line: None,
        end_column: None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pascal_case_names() {
        assert_eq!(super::pascal("license-denied"), "LicenseDenied");
        assert_eq!(super::pascal("unknown-model"), "UnknownModel");
    }
}
