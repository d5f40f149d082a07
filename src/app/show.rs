//! `modelgate show MODEL`: what the rule set knows about one model.

use std::io::Write;

use crate::app::{rules, AppError, Outcome};
use crate::cli::{ShowArgs, ShowFormat};
use crate::report;
use crate::report::diagnostics::ColorWhen;

pub fn run(args: &ShowArgs) -> Result<Outcome, AppError> {
    let loaded = rules::load_rule_set(&args.rules, ColorWhen::Auto)?;
    let resolved = loaded.catalog.resolve(&args.model);
    let mut out = std::io::stdout().lock();
    match args.format {
        ShowFormat::Json => report::show::write_json(&mut out, &args.model, resolved.as_ref())?,
        ShowFormat::Human => report::show::write_human(&mut out, &args.model, resolved.as_ref())?,
    }
    out.flush()?;
    // An unknown model is a finding for whoever asked: exit 1.
    Ok(if resolved.is_some() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
