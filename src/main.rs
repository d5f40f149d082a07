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
    if cli.writes_to_stdout() && stdout_probe::closed_at_start() {
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

/// Whether descriptor 1 was closed when the process started (`>&-`).
///
/// The Rust runtime reopens a closed standard descriptor on `/dev/null`
/// before `main` runs, after which a closed stdout cannot be told from a
/// harness's own `/dev/null`; a gate would then "pass" having written nothing.
/// So the descriptor is looked at once, earlier: from an `.init_array`
/// constructor, which the C runtime calls before the Rust runtime's set-up.
/// This is the crate's only `unsafe` item: placing a plain function pointer
/// in `.init_array` (the attribute is what the lint counts as unsafe).
#[cfg(all(target_os = "linux", not(miri)))]
mod stdout_probe {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

    pub fn closed_at_start() -> bool {
        CLOSED_AT_START.load(Ordering::Relaxed)
    }

    /// Runs before `main`: only system calls through `std::fs`, no output,
    /// no panics. Without `/proc` nothing is concluded.
    extern "C" fn probe() {
        let fds = std::path::Path::new("/proc/self/fd");
        let closed = fds.is_dir() && std::fs::symlink_metadata(fds.join("1")).is_err();
        CLOSED_AT_START.store(closed, Ordering::Relaxed);
    }

    #[allow(unsafe_code)]
    #[used]
    #[link_section = ".init_array"]
    static PROBE: extern "C" fn() = probe;
}

#[cfg(not(all(target_os = "linux", not(miri))))]
mod stdout_probe {
    /// Elsewhere the runtime's reopening cannot be seen; nothing is concluded.
    pub fn closed_at_start() -> bool {
        false
    }
}
