//! Waivers and the final severity pass: `[[exceptions]]` and inline
//! suppressions mark the findings they cover (tracking hits, so unused ones
//! become MG012 and expired exceptions MG013), then `[severity]` overrides and
//! `--deny-warnings` are applied in one place, and findings are sorted.

use std::collections::BTreeMap;

use super::suppress::{Malformed, Suppression, SYNTAX};
use super::{Finding, PolicyLabel, Waived};
use crate::codes::{Code, Severity};
use crate::policy::{Exception, Policy, SeverityOverride};
use crate::resolve::ResolvedRef;

/// Suppression comments of the scanned files that have references.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub by_path: BTreeMap<String, (Vec<Suppression>, Vec<Malformed>)>,
}

pub struct WaiverInput<'a> {
    pub policy: &'a Policy,
    pub references: &'a [ResolvedRef],
    pub suppressions: &'a Suppressions,
    /// `YYYY-MM-DD`.
    pub today: &'a str,
    /// Explicit file arguments (pre-commit): unused waivers are not reported.
    pub partial_scan: bool,
    /// The policy file's path relative to the root, for waiver findings.
    pub policy_path: &'a str,
}

/// Marks waived findings and adds MG012/MG013 (and malformed-suppression) findings.
pub fn apply_waivers(findings: &mut Vec<Finding>, input: &WaiverInput<'_>) {
    let exceptions = &input.policy.exceptions;
    let mut exception_hits = vec![0usize; exceptions.len()];
    let expired: Vec<bool> = exceptions
        .iter()
        .map(|e| e.expires.as_deref().is_some_and(|d| d < input.today))
        .collect();
    let mut suppression_hits: BTreeMap<(String, u32), usize> = BTreeMap::new();
    for finding in findings.iter_mut() {
        if let Some(waived) = suppression_for(finding, input.suppressions, &mut suppression_hits) {
            finding.waived = Some(waived);
            continue;
        }
        let model = finding.model.clone().or_else(|| {
            finding
                .reference
                .map(|i| input.references[i].reference.text.clone())
        });
        for (i, exception) in exceptions.iter().enumerate() {
            if expired[i] || !exception_matches(exception, finding, model.as_deref()) {
                continue;
            }
            exception_hits[i] += 1;
            finding.waived = Some(Waived {
                reason: exception.reason.clone(),
                by: format!("exception in {}", input.policy_path),
                expires: exception.expires.clone(),
                in_source: false,
            });
            break;
        }
    }
    for (i, exception) in exceptions.iter().enumerate() {
        if expired[i] {
            findings.push(waiver_finding(
                Code::ExpiredWaiver,
                exception,
                input,
                format!(
                    "exception expired on {}",
                    exception.expires.as_deref().unwrap_or("")
                ),
            ));
        } else if exception_hits[i] == 0 && !input.partial_scan {
            findings.push(waiver_finding(
                Code::UnusedWaiver,
                exception,
                input,
                "exception matched no finding".to_string(),
            ));
        }
    }
    report_suppressions(findings, input, &suppression_hits);
}

fn exception_matches(exception: &Exception, finding: &Finding, model: Option<&str>) -> bool {
    if matches!(finding.code, Code::UnusedWaiver | Code::ExpiredWaiver) {
        return false;
    }
    let model_ok = exception.models.is_empty()
        || model.is_some_and(|m| {
            exception
                .models
                .iter()
                .any(|g| g.is_match(m.to_ascii_lowercase()))
        });
    let path_ok =
        exception.paths.is_empty() || exception.paths.iter().any(|g| g.is_match(&finding.path));
    let code_ok = exception.codes.is_empty() || exception.codes.contains(&finding.code);
    model_ok && path_ok && code_ok
}

/// A suppression on the finding's line, or alone on the line above, naming its code.
fn suppression_for(
    finding: &Finding,
    suppressions: &Suppressions,
    hits: &mut BTreeMap<(String, u32), usize>,
) -> Option<Waived> {
    let (good, _) = suppressions.by_path.get(&finding.path)?;
    let s = good.iter().find(|s| {
        (s.line == finding.line || (s.standalone && s.line + 1 == finding.line))
            && s.codes.contains(&finding.code)
    })?;
    *hits.entry((finding.path.clone(), s.line)).or_default() += 1;
    Some(Waived {
        reason: s.reason.clone(),
        by: format!("suppression at {}:{}", finding.path, s.line),
        expires: None,
        in_source: true,
    })
}

fn report_suppressions(
    findings: &mut Vec<Finding>,
    input: &WaiverInput<'_>,
    hits: &BTreeMap<(String, u32), usize>,
) {
    for (path, (good, bad)) in &input.suppressions.by_path {
        for s in good {
            if !input.partial_scan && !hits.contains_key(&(path.clone(), s.line)) {
                let message = "suppression matched no finding".to_string();
                findings.push(
                    location_finding(Code::UnusedWaiver, message, path, s.line, s.column)
                        .help("delete the comment, or move it onto the line it is meant for"),
                );
            }
        }
        for m in bad {
            let message = format!("malformed suppression, never applies: {}", m.problem);
            findings.push(
                location_finding(Code::UnusedWaiver, message, path, m.line, m.column)
                    .help(format!("write it as `{SYNTAX}`")),
            );
        }
    }
}

fn location_finding(code: Code, message: String, path: &str, line: u32, column: u32) -> Finding {
    Finding {
        code,
        severity: code.info().severity,
        message,
        reference: None,
        path: path.to_string(),
        line,
        column,
        model: None,
        license: None,
        notes: Vec::new(),
        help: None,
        policy_label: None,
        waived: None,
    }
}

fn waiver_finding(
    code: Code,
    exception: &Exception,
    input: &WaiverInput<'_>,
    message: String,
) -> Finding {
    let mut finding = location_finding(code, message, input.policy_path, 0, 0)
        .note(format!("reason given: {}", exception.reason));
    finding.help = Some(match code {
        Code::ExpiredWaiver => "renew the exception with a new date and reason, or remove it and fix the findings it waived".to_string(),
        _ => "delete the exception, or narrow it to what it is meant for".to_string(),
    });
    let (file, span, message) = match (&code, &exception.expires_at) {
        (Code::ExpiredWaiver, Some((file, span))) => (*file, span.clone(), "expired"),
        _ => (exception.at.0, exception.at.1.clone(), "this exception"),
    };
    finding.policy_label = Some(PolicyLabel {
        file,
        span,
        message: message.to_string(),
    });
    finding
}

/// `[severity]` overrides and `--deny-warnings`, in one pass; `off` drops a
/// finding. Then the one sort of every output.
pub fn finalize(
    findings: &mut Vec<Finding>,
    overrides: &BTreeMap<Code, SeverityOverride>,
    deny_warnings: bool,
) {
    findings.retain_mut(|f| {
        match overrides.get(&f.code) {
            Some(SeverityOverride::Off) => return false,
            Some(SeverityOverride::Set(severity)) => f.severity = *severity,
            None => {}
        }
        if deny_warnings && f.severity == Severity::Warn {
            f.severity = Severity::Error;
        }
        true
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

/// Today's date in UTC as `YYYY-MM-DD` (`MODELGATE_TODAY` overrides it, for tests).
pub fn today() -> String {
    if let Ok(date) = std::env::var("MODELGATE_TODAY") {
        if crate::settings_file::is_iso_date(&date) {
            return date;
        }
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since the epoch → `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn iso_datetime(seconds: u64) -> String {
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    let rest = seconds % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_datetimes() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_datetime(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
