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
        quiet: false,
        min_severity: crate::cli::MinSeverity::Info,
        baseline: None,
        write_baseline: None,
        // Not written by the check: named so that it is never scanned.
        output: args.output.clone(),
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

/// Writes the report to `path` as a user would expect of `> path`, but without
/// ever leaving half a report in a regular file: a symlink is written through
/// to its target, a FIFO or device (`/dev/stdout`, `/dev/null`) is written to
/// directly, a file with other hard links is rewritten in place (so every link
/// sees the report); any other regular file is replaced by a temporary file
/// renamed over it, with the old file's permissions.
pub(crate) fn write_file(path: &Path, content: &[u8]) -> Result<(), AppError> {
    let fail = |e: std::io::Error| {
        AppError::Usage(UsageError(format!(
            "cannot write to {}: {e}",
            path.display()
        )))
    };
    // A dangling symlink is written through too, creating its target.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() || has_other_links(&meta) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).truncate(meta.is_file());
            let mut file = options.open(&target).map_err(fail)?;
            file.write_all(content)
                .and_then(|()| file.flush())
                .map_err(fail)
        }
        Ok(meta) => replace_regular_file(&target, content, Some(meta.permissions())).map_err(fail),
        Err(_) if std::fs::symlink_metadata(path).is_ok() => {
            std::fs::write(path, content).map_err(fail)
        }
        Err(_) => replace_regular_file(&target, content, None).map_err(fail),
    }
}

#[cfg(unix)]
fn has_other_links(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Writes beside `path`, then renames over it: a failed run never leaves half
/// a report.
fn replace_regular_file(
    path: &Path,
    content: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written = std::fs::write(&temporary, content)
        .and_then(|()| match permissions {
            Some(permissions) => std::fs::set_permissions(&temporary, permissions),
            None => Ok(()),
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
