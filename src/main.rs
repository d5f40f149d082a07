//! The `modelgate` binary: parses the command line, runs it, maps the result to
//! an exit code (0 clean, 1 error-level findings, 2 usage/config/rules error).

use std::process::ExitCode;

use clap::Parser;
use modelgate::app::{self, AppError, Outcome};
use modelgate::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match app::run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(AppError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(AppError::Output(e)) => {
            report_error(&format!("cannot write output: {e}"));
            ExitCode::from(2)
        }
        Err(AppError::Usage(e)) => {
            report_error(&e.to_string());
            ExitCode::from(2)
        }
    }
}

/// The last word of a failed run; if even stderr cannot take it, the exit
/// code alone says it (never a panic).
fn report_error(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}
