//! Rendering codespan diagnostics (rules and policy errors, findings) to a terminal.

use std::io::IsTerminal;

use codespan_reporting::diagnostic::Diagnostic;
use codespan_reporting::files::Files;
use codespan_reporting::term::{self, termcolor};

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// Writes every diagnostic to stderr, coloured when it is a terminal (or when
/// asked): the tool's own errors (rules, policy).
pub fn emit_to_stderr<'f, F: Files<'f, FileId = usize>>(
    files: &'f F,
    diagnostics: &[Diagnostic<usize>],
    color: ColorWhen,
) -> std::io::Result<()> {
    let choice = choice(color, std::io::stderr().is_terminal());
    emit(
        &termcolor::StandardStream::stderr(choice),
        files,
        diagnostics,
    )
}

/// Writes every diagnostic to stdout, coloured when it is a terminal (or when
/// asked): a check's findings, which belong with its output.
pub fn emit_to_stdout<'f, F: Files<'f, FileId = usize>>(
    files: &'f F,
    diagnostics: &[Diagnostic<usize>],
    color: ColorWhen,
) -> std::io::Result<()> {
    let choice = choice(color, std::io::stdout().is_terminal());
    emit(
        &termcolor::StandardStream::stdout(choice),
        files,
        diagnostics,
    )
}

fn choice(color: ColorWhen, terminal: bool) -> termcolor::ColorChoice {
    match color {
        ColorWhen::Always => termcolor::ColorChoice::Always,
        ColorWhen::Never => termcolor::ColorChoice::Never,
        ColorWhen::Auto if terminal => termcolor::ColorChoice::Auto,
        ColorWhen::Auto => termcolor::ColorChoice::Never,
    }
}

fn emit<'f, F: Files<'f, FileId = usize>>(
    stream: &termcolor::StandardStream,
    files: &'f F,
    diagnostics: &[Diagnostic<usize>],
) -> std::io::Result<()> {
    let mut lock = stream.lock();
    let config = term::Config::default();
    for diagnostic in diagnostics {
        term::emit_to_write_style(&mut lock, &config, files, diagnostic)
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The plain rendering, for tests and files.
pub fn render_plain<'f, F: Files<'f, FileId = usize>>(
    files: &'f F,
    diagnostics: &[Diagnostic<usize>],
) -> String {
    let config = term::Config::default();
    diagnostics
        .iter()
        .map(|d| {
            term::emit_into_string(&config, files, d)
                .unwrap_or_else(|e| format!("error: {}\n ({e})\n", d.message))
        })
        .collect()
}
