//! The command line (SPEC "Command line").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::diagnostics::ColorWhen;

#[derive(Debug, Parser)]
#[command(
    name = "modelgate",
    version,
    about = "Finds the AI models a repository uses and checks them against their licences."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every model reference against the licence terms and the project's policy.
    Check(CheckArgs),
    /// List every model reference in the given paths (an inventory; no policy).
    List(ListArgs),
    /// A compliance report: every model, its licence, obligations, violations and waivers.
    Report(ReportArgs),
    /// Print the long explanation of a diagnostic code (MG001…MG014).
    Explain(ExplainArgs),
    /// Write a fully commented modelgate.toml into the current directory.
    Init(InitArgs),
    /// What the rule set knows about one model: entry, lineage, licence terms.
    Show(ShowArgs),
    /// Work with rule files.
    Rules(RulesArgs),
    /// List the licence families of the rule set with their category and commercial-use verdict.
    Licenses(LicensesArgs),
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
    /// Extra rule files or directories.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A model id, alias, URL or Ollama tag, as it appears in code.
    #[arg(required_unless_present = "search")]
    pub model: Option<String>,
    /// List the catalog entries whose id or aliases contain this text (case-insensitive).
    #[arg(long, value_name = "TEXT", conflicts_with = "model")]
    pub search: Option<String>,
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
    /// Extra rule files or directories (add entries or override built-in ones).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate rule files. A directory with a `licenses/` folder is checked as a
    /// complete rule set; any other files are checked on top of the built-in set.
    /// Without DIR: the built-in rule set.
    Check(RulesCheckArgs),
}

#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    pub dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Replace an existing modelgate.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code (`MG002`) or its name (`non-commercial`).
    pub code: String,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories or files to scan (default: the current directory). Files named
    /// explicitly are scanned even when ignored by .gitignore.
    pub paths: Vec<PathBuf>,
    /// Skip paths matching this glob (relative to the root; repeatable). A glob
    /// without `/` matches a name at any depth.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Files larger than this are skipped and reported (e.g. 8MiB, 512KiB, 1000000).
    #[arg(long, value_name = "SIZE", default_value = "8MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Also scan fenced code blocks of Markdown files.
    #[arg(long)]
    pub include_docs: bool,
    /// List skipped files with their reasons.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Resolve unknown `org/name` references from the model cards in the local
    /// Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub); offline.
    #[arg(long)]
    pub hf_cache: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// The policy file (default: modelgate.toml or [tool.modelgate] in pyproject.toml,
    /// found walking up from the scanned root; none = the built-in default profile).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Extra rule files or directories (add entries or override built-in ones).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Warnings fail the check too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Include info-level findings in SARIF output.
    #[arg(long)]
    pub include_info: bool,
    /// Report only findings that are not in this baseline (matched by fingerprint,
    /// robust to line shifts); baseline entries that no longer occur are listed.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings as the baseline and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Short,
    Json,
    /// GitHub Actions workflow commands (annotations) and a job summary.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// The policy file (default: found walking up from the scanned root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Extra rule files or directories (add entries or override built-in ones).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Colour of policy diagnostics on stderr.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown, for a pull-request comment or a wiki.
    Markdown,
    /// One self-contained HTML page with a filterable, sortable table.
    Html,
    /// The JSON schema of `check`, plus the inventory grouped by model.
    Json,
    /// A CycloneDX 1.6 ML-BOM.
    Cyclonedx,
    /// The attribution notices the licences require, as a NOTICE file.
    Notice,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Extra rule files or directories (add entries or override built-in ones).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// `8MiB`, `512KiB`, `2MB`, `1000`: binary units with `i` (and bare K/M/G), decimal without.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try 8MiB)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "kb" => 1_000,
        "m" | "mib" => 1 << 20,
        "mb" => 1_000_000,
        "g" | "gib" => 1 << 30,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KiB, MiB, GiB, KB, MB, GB)"
            ))
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1XB").is_err());
    }
}
