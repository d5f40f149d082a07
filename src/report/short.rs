//! `check --format short`: `path:line:col: severity[CODE] message`, one a line.

use std::io::Write;

use crate::evaluate::CheckRun;
use crate::report::visible;

/// A one-line message on stderr (not part of any machine output).
#[allow(clippy::print_stderr)]
pub fn note(message: &str) -> std::io::Result<()> {
    writeln!(std::io::stderr().lock(), "modelgate: {}", visible(message))
}

/// With `verbose`, the skipped files follow on stderr, one a line.
pub fn write(
    out: &mut dyn Write,
    run: &CheckRun,
    verbose: bool,
    min_severity: crate::codes::Severity,
) -> std::io::Result<()> {
    if verbose {
        crate::report::write_skipped(&mut std::io::stderr().lock(), &run.scan.skipped)?;
    }
    let shown = run
        .findings
        .iter()
        .filter(|f| (verbose || f.waived.is_none()) && f.severity >= min_severity);
    for f in shown {
        // -v lists waived findings too, marked, with the waiver's reason.
        if let Some(w) = &f.waived {
            writeln!(
                out,
                "{}: waived[{}] {} ({})",
                visible(&crate::report::inventory::location(f)),
                f.code.info().id,
                visible(&f.message),
                visible(&w.describe())
            )?;
            continue;
        }
        writeln!(
            out,
            "{}: {}[{}] {}",
            visible(&crate::report::inventory::location(f)),
            f.severity.word(),
            f.code.info().id,
            visible(&f.message)
        )?;
    }
    Ok(())
}
