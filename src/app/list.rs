//! `modelgate list`: the inventory of references, no policy.

use std::io::Write;

use crate::app::{pipeline_failed, request, AppError, Outcome};
use crate::cli::{ListArgs, ListFormat};
use crate::pipeline;
use crate::report;
use crate::report::diagnostics::ColorWhen;

pub fn run(args: &ListArgs) -> Result<Outcome, AppError> {
    let listed = pipeline::list(&request(&args.scan, &args.rules))
        .map_err(|e| pipeline_failed(e, ColorWhen::Auto))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ListFormat::Json => report::json::write_list(
            &mut out,
            &listed.root_display,
            &listed.references,
            &listed.scan,
        )?,
        ListFormat::Table => {
            report::table::write(&mut out, &listed.references)?;
            report::table::write_summary(
                &mut std::io::stderr().lock(),
                listed.references.len(),
                &listed.scan,
                args.scan.verbose,
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
