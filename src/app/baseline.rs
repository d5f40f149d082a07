//! Baselines for adoption: `--write-baseline FILE` records today's findings by
//! fingerprint; `--baseline FILE` waives those and reports only new ones.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::app::{AppError, UsageError};
use crate::evaluate::CheckRun;
use crate::evaluate::Waived;
use crate::report::fingerprint::fingerprints;

const SCHEMA: &str = "modelgate-baseline/v1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Baseline {
    schema: String,
    findings: Vec<Entry>,
}

/// The fingerprint decides; the rest is for people reading the file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    code: String,
    path: String,
    message: String,
}

/// Writes the unwaived findings of `run`; returns how many.
pub fn write(path: &Path, run: &CheckRun) -> Result<usize, AppError> {
    let fps = fingerprints(&run.findings, &run.references);
    let mut findings: Vec<Entry> = run
        .findings
        .iter()
        .zip(fps)
        .filter(|(f, _)| f.waived.is_none())
        .map(|(f, fingerprint)| Entry {
            fingerprint,
            code: f.code.info().id.to_string(),
            path: f.path.clone(),
            message: f.message.clone(),
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
    });
    let count = findings.len();
    let text = serde_json::to_string_pretty(&Baseline {
        schema: SCHEMA.to_string(),
        findings,
    })
    .map_err(|e| usage(path, &e.to_string()))?;
    std::fs::write(path, text + "\n").map_err(|e| usage(path, &e.to_string()))?;
    Ok(count)
}

/// Waives the findings the baseline has; returns how many of its entries no longer occur.
pub fn apply(path: &Path, run: &mut CheckRun) -> Result<usize, AppError> {
    let text = std::fs::read_to_string(path).map_err(|e| usage(path, &e.to_string()))?;
    let baseline: Baseline = serde_json::from_str(&text)
        .map_err(|e| usage(path, &format!("not a modelgate baseline: {e}")))?;
    if baseline.schema != SCHEMA {
        return Err(usage(
            path,
            &format!("schema `{}`, expected `{SCHEMA}`", baseline.schema),
        ));
    }
    let known: BTreeSet<&str> = baseline
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let mut matched = BTreeSet::new();
    let fps = fingerprints(&run.findings, &run.references);
    for (finding, fingerprint) in run.findings.iter_mut().zip(fps) {
        if finding.waived.is_none() && known.contains(fingerprint.as_str()) {
            finding.waived = Some(Waived {
                reason: "recorded in the baseline".to_string(),
                by: format!("baseline {}", path.display()),
                expires: None,
                in_source: false,
            });
            matched.insert(fingerprint);
        }
    }
    Ok(known.len() - matched.len())
}

fn usage(path: &Path, why: &str) -> AppError {
    AppError::Usage(UsageError(format!("baseline {}: {why}", path.display())))
}
