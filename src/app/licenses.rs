//! `modelgate licenses`: the licence families of the rule set.

use std::io::Write;

use crate::app::{rules, AppError, Outcome};
use crate::cli::{LicensesArgs, ShowFormat};
use crate::report;
use crate::report::diagnostics::ColorWhen;

pub fn run(args: &LicensesArgs) -> Result<Outcome, AppError> {
    let loaded = rules::load_rule_set(&args.rules, ColorWhen::Auto)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ShowFormat::Json => report::show::write_licenses_json(&mut out, &loaded.catalog)?,
        ShowFormat::Human => report::show::write_licenses_human(&mut out, &loaded.catalog)?,
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
