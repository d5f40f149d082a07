//! `modelgate rules check [DIR]`, and loading the rule set for other commands.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{pipeline_failed, AppError, Outcome, UsageError};
use crate::catalog::load::{self, Loaded, Provenance, RuleFile};
use crate::catalog::names;
use crate::cli::{RulesArgs, RulesCommand};
use crate::pipeline;
use crate::report::diagnostics::{self, ColorWhen};

pub fn run(args: &RulesArgs) -> Result<Outcome, AppError> {
    match &args.command {
        RulesCommand::Check(check) => run_check(check.dir.as_deref(), check.color),
    }
}

fn run_check(dir: Option<&Path>, color: ColorWhen) -> Result<Outcome, AppError> {
    let files = match dir {
        None => load::builtin_files(),
        // A complete rule set (like the repository's own `rules/`) stands alone.
        Some(dir) if dir.join("licenses").is_dir() => read(dir, Provenance::Builtin)?,
        Some(dir) => {
            let mut files = load::builtin_files();
            files.extend(read(dir, Provenance::Extra)?);
            files
        }
    };
    let mut loaded = load::load(files);
    // The names list of a complete rule set must resolve in full (issue 14).
    if let Some(list) = dir.map(|d| d.join("names.tsv")).filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(&list).map_err(|e| {
            AppError::Usage(UsageError(format!("cannot read {}: {e}", list.display())))
        })?;
        names::check(&mut loaded, list.display().to_string(), text);
    }
    report(&loaded, color)?;
    let catalog = &loaded.catalog;
    let patterns = catalog.models.iter().filter(|m| m.is_pattern()).count();
    let aliases: usize = catalog.models.iter().map(|m| m.aliases.len()).sum();
    let mapped = catalog
        .hf_licenses
        .values()
        .filter(|h| matches!(h, crate::catalog::HfLicense::Mapped(_)))
        .count();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} licences, {} models ({} exact ids, {patterns} patterns, {aliases} aliases), {} Hugging Face licence ids ({mapped} mapped): {}",
        catalog.licenses.len(),
        catalog.models.len(),
        catalog.models.len() - patterns,
        catalog.hf_licenses.len(),
        if loaded.has_errors() { "invalid" } else { "ok" }
    )?;
    if loaded.has_errors() {
        return Err(AppError::Usage(UsageError(format!(
            "{} in the rule files",
            crate::text::count(loaded.diagnostics.len(), "problem", "problems")
        ))));
    }
    Ok(Outcome::Clean)
}

fn read(path: &Path, provenance: Provenance) -> Result<Vec<RuleFile>, AppError> {
    pipeline::rule_files_at(path, provenance).map_err(|e| pipeline_failed(e, ColorWhen::Auto))
}

fn report(loaded: &Loaded, color: ColorWhen) -> Result<(), AppError> {
    diagnostics::emit_to_stderr(&loaded.files, &loaded.diagnostics, color)?;
    Ok(())
}

/// The built-in rule set plus extra files; rule errors are printed and end the run (exit 2).
pub fn load_rule_set(extra: &[PathBuf], color: ColorWhen) -> Result<Loaded, AppError> {
    pipeline::rule_set(extra).map_err(|e| pipeline_failed(e, color))
}
