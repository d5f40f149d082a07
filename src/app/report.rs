//! `modelgate report`: the check's pipeline, laid out as a compliance report.
//! A report is a document, not a gate: it exits 0 once written, whatever it
//! found (exit 2 for a policy, rules or usage error, as `check`).

use std::io::Write;
use std::path::Path;

use crate::app::{check, AppError, Outcome, UsageError};
use crate::cli::{CheckArgs, CheckFormat, ReportArgs, ReportFormat};
use crate::report::{self, cyclonedx, html, inventory, json, markdown, notice};

pub fn run(args: ReportArgs) -> Result<Outcome, AppError> {
    let check_args = CheckArgs {
        scan: args.scan,
        config: args.config,
        format: CheckFormat::Json,
        color: args.color,
        rules: args.rules,
        deny_warnings: false,
        include_info: true,
        baseline: None,
        write_baseline: None,
    };
    let run = check::check(&check_args)?;
    let inv = inventory::build(&run);
    let mut rendered = Vec::new();
    match args.format {
        ReportFormat::Markdown => markdown::write(&mut rendered, &inv)?,
        ReportFormat::Html => html::write(&mut rendered, &inv)?,
        ReportFormat::Json => json::write_report(&mut rendered, &inv)?,
        ReportFormat::Cyclonedx => cyclonedx::write(&mut rendered, &inv)?,
        ReportFormat::Notice => {
            notice::write(&mut rendered, &inv)?;
            let uncovered = notice::uncovered(&inv);
            if !uncovered.is_empty() {
                report::short::note(&format!(
                    "{} models have no known licence, so their notices are not included: {}",
                    uncovered.len(),
                    uncovered.join(", ")
                ))?;
            }
            for (name, url) in notice::licence_copies_required(&inv) {
                report::short::note(&format!(
                    "the {name} must be shipped with the models it covers: {url}"
                ))?;
            }
        }
    }
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            out.write_all(&rendered)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

/// Writes next to the target, then renames: a failed run never leaves half a report.
fn write_file(path: &Path, content: &[u8]) -> Result<(), AppError> {
    let fail = |e: std::io::Error| {
        AppError::Usage(UsageError(format!(
            "cannot write the report to {}: {e}",
            path.display()
        )))
    };
    let name = path
        .file_name()
        .ok_or_else(|| fail(std::io::Error::other("not a file name")))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    std::fs::write(&temporary, content).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail(e)
    })
}
