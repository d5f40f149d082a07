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

/// Writes every diagnostic to stderr, coloured when it is a terminal (or when asked).
pub fn emit_to_stderr<'f, F: Files<'f, FileId = usize>>(
    files: &'f F,
    diagnostics: &[Diagnostic<usize>],
    color: ColorWhen,
) -> std::io::Result<()> {
    let choice = match color {
        ColorWhen::Always => termcolor::ColorChoice::Always,
        ColorWhen::Never => termcolor::ColorChoice::Never,
        ColorWhen::Auto if std::io::stderr().is_terminal() => termcolor::ColorChoice::Auto,
        ColorWhen::Auto => termcolor::ColorChoice::Never,
    };
    let stream = termcolor::StandardStream::stderr(choice);
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
