//! `modelgate check`: the pipeline's findings, in the chosen format.

use std::io::Write;

use crate::app::{baseline, pipeline_failed, request, AppError, Outcome};
use crate::cli::{CheckArgs, CheckFormat};
use crate::codes::Severity;
use crate::evaluate::CheckRun;
use crate::pipeline;
use crate::report;

pub fn run(args: &CheckArgs) -> Result<Outcome, AppError> {
    let mut run = check(args)?;
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &run)?;
        report::short::note(&format!(
            "wrote {} to the baseline {}",
            crate::text::count(count, "finding", "findings"),
            path.display()
        ))?;
        return Ok(Outcome::Clean);
    }
    if let Some(path) = &args.baseline {
        let stale = baseline::apply(path, &mut run)?;
        if stale > 0 {
            report::short::note(&format!(
                "{} no longer {} in {}: rerun with --write-baseline to drop them",
                crate::text::count(stale, "baseline entry", "baseline entries"),
                if stale == 1 { "occurs" } else { "occur" },
                path.display()
            ))?;
        }
    }
    match &args.output {
        Some(path) => {
            let mut rendered = Vec::new();
            write_findings(&mut rendered, &run, args)?;
            super::report::write_file(path, &rendered)?;
        }
        None if args.format == CheckFormat::Human => {
            report::human::write(&run, args.color, human_options(args))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            write_findings(&mut out, &run, args)?;
            out.flush()?;
        }
    }
    let failed = run
        .findings
        .iter()
        .any(|f| f.waived.is_none() && f.severity == Severity::Error);
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn human_options(args: &CheckArgs) -> report::human::HumanOptions {
    report::human::HumanOptions {
        verbose: args.scan.verbose,
        include_info: args.include_info,
        quiet: args.quiet,
        min_severity: args.min_severity.severity(),
    }
}

/// The findings in any format, without colour (the human format is coloured
/// only when written to a terminal, by `report::human::write`).
fn write_findings(out: &mut dyn Write, run: &CheckRun, args: &CheckArgs) -> std::io::Result<()> {
    match args.format {
        CheckFormat::Json => report::json::write_check(out, run),
        CheckFormat::Short => report::short::write(
            out,
            run,
            args.scan.verbose && !args.quiet,
            args.min_severity.severity(),
        ),
        CheckFormat::Github => report::github::write(out, run),
        CheckFormat::Sarif => report::sarif::write(out, run, args.include_info),
        CheckFormat::Human => {
            out.write_all(report::human::render_plain(run, human_options(args)).as_bytes())
        }
    }
}

/// The whole pipeline, without printing anything but configuration errors.
pub fn check(args: &CheckArgs) -> Result<CheckRun, AppError> {
    let mut request = request(&args.scan, &args.rules);
    request.config = args.config.clone();
    request.deny_warnings = args.deny_warnings;
    request.keep_excerpts = args.format == CheckFormat::Human;
    // modelgate's own files are never scanned.
    request.walk.own_files.extend(
        [&args.output, &args.baseline, &args.write_baseline]
            .into_iter()
            .flatten()
            .cloned(),
    );
    pipeline::check(&request).map_err(|e| pipeline_failed(e, args.color))
}
