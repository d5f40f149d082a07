//! `modelgate explain CODE`: the long form of a diagnostic code.

use std::io::Write;

use crate::app::{AppError, Outcome, UsageError};
use crate::cli::ExplainArgs;
use crate::codes::{Code, CODES};

pub fn run(args: &ExplainArgs) -> Result<Outcome, AppError> {
    let Some(code) = Code::parse(&args.code) else {
        let known: Vec<String> = CODES
            .iter()
            .map(|c| format!("{} ({})", c.id, c.name))
            .collect();
        return Err(AppError::Usage(UsageError(format!(
            "unknown code `{}`; the codes are: {}",
            args.code,
            known.join(", ")
        ))));
    };
    let mut out = std::io::stdout().lock();
    out.write_all(code.info().explain.as_bytes())?;
    out.flush()?;
    Ok(Outcome::Clean)
}
