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
    if cli.writes_to_stdout() && stdout_is_closed() {
        report_error("cannot write output: standard output is closed");
        return ExitCode::from(2);
    }
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

/// Whether standard output was closed when the program started (`>&-`).
/// The Rust runtime reopens a closed descriptor 1 on `/dev/null` read-write
/// before `main`, so a gate printing to it would pass with nothing written.
/// A shell's `> /dev/null` opens it write-only, which is how the two differ.
fn stdout_is_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let on_null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|p| p == std::path::Path::new("/dev/null"));
        let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .is_some_and(|flags| flags & 0o3 == 0o2)
        });
        on_null && read_write
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        use std::os::fd::AsFd;
        std::io::stdout().as_fd().try_clone_to_owned().is_err()
    }
    #[cfg(not(unix))]
    {
        false
    }
}
