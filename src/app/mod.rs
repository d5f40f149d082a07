//! The command layer: one file per subcommand, orchestration only.

pub mod baseline;
pub mod check;
pub mod explain;
pub mod init;
pub mod licenses;
pub mod list;
pub mod report;
pub mod rules;
pub mod show;

use std::io::Write as _;
use std::path::PathBuf;

use codespan_reporting::diagnostic::Diagnostic;

use crate::cli::{Cli, Command, ScanArgs};
use crate::extract::ExtractOptions;
use crate::pipeline::{PipelineError, Request};
use crate::report::diagnostics::{self, ColorWhen};
use crate::settings_file::FileDb;
use crate::walk::WalkOptions;

/// How a command ended, mapped to the process exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: no error-level finding.
    Clean,
    /// Exit 1: at least one error-level finding.
    Findings,
}

/// A usage, configuration or rules error, or a missing scan path: exit 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

#[derive(Debug)]
pub enum AppError {
    Usage(UsageError),
    /// Writing the output failed (a closed pipe ends the run quietly).
    Output(std::io::Error),
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Output(e)
    }
}

impl From<crate::walk::WalkError> for AppError {
    fn from(e: crate::walk::WalkError) -> Self {
        AppError::Usage(UsageError(e.to_string()))
    }
}

/// The pipeline's request from the command line's scan options.
fn request(scan: &ScanArgs, rules: &[PathBuf]) -> Request {
    Request {
        paths: scan.paths.clone(),
        config: None,
        rules: rules.to_vec(),
        walk: WalkOptions {
            threads: scan.threads,
            max_file_size: scan.max_file_size,
            exclude: scan.exclude.clone(),
            extract: ExtractOptions {
                include_docs: scan.include_docs,
            },
            own_files: Vec::new(),
            progress: crate::progress::wanted_here(),
        },
        hf_cache: scan.hf_cache,
        deny_warnings: false,
        hub: hub_mode(&scan.hub),
        hub_max_age: scan.hub.online_max_age,
        keep_excerpts: false,
    }
}

/// `--offline`, else `--online` or `MODELGATE_ONLINE=1`; `None` leaves it
/// to the policy.
pub(crate) fn hub_mode(args: &crate::cli::HubArgs) -> Option<crate::resolve::hub::Mode> {
    use crate::resolve::hub::Mode;
    let from_env = std::env::var("MODELGATE_ONLINE")
        .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"));
    if args.offline {
        Some(Mode::Offline)
    } else if args.online || from_env {
        Some(Mode::Online)
    } else {
        None
    }
}

/// Shows why the pipeline could not run: rules and policy problems as
/// diagnostics on stderr; every case ends the run with exit 2.
fn pipeline_failed(error: PipelineError, color: ColorWhen) -> AppError {
    let printed = |files: &FileDb, diagnostics: &[Diagnostic<usize>], place: &str| {
        match diagnostics::emit_to_stderr(files, diagnostics, color) {
            Ok(()) => AppError::Usage(UsageError(format!(
                "{} in the {place}",
                crate::text::count(diagnostics.len(), "problem", "problems")
            ))),
            Err(e) => AppError::Output(e),
        }
    };
    match error {
        PipelineError::Usage(message) => AppError::Usage(UsageError(message)),
        PipelineError::Rules { files, diagnostics } => printed(&files, &diagnostics, "rule files"),
        PipelineError::Policy { files, diagnostics } => printed(&files, &diagnostics, "policy"),
    }
}

pub fn run(cli: Cli) -> Result<Outcome, AppError> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::List(args) => list::run(&args),
        Command::Report(args) => report::run(args),
        Command::Explain(args) => explain::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Licenses(args) => licenses::run(&args),
        Command::Completions(args) => completions(args.shell),
        Command::Manpage => manpage(),
    }
}

/// `modelgate completions SHELL`: the completion script clap derives from
/// the command line's definition, so it never falls behind it.
fn completions(shell: clap_complete::Shell) -> Result<Outcome, AppError> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "modelgate", &mut out);
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `modelgate manpage`: modelgate(1) in roff, from the same definition.
fn manpage() -> Result<Outcome, AppError> {
    use clap::CommandFactory;
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
