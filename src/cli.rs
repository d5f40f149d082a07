//! The command line (SPEC "Command line").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::diagnostics::ColorWhen;

#[derive(Debug, Parser)]
#[command(
    name = "modelgate",
    // The rule set is part of what a run decides: name it with the tool's version.
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (rule set ",
        env!("CARGO_PKG_VERSION"),
        "+rules.",
        env!("MODELGATE_RULES_HASH"),
        ")"
    ),
    about = "Finds the AI models a repository uses and checks them against their licences."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command's result goes to standard output (`check -o`,
    /// `report -o` and baseline writes go to files).
    pub fn writes_to_stdout(&self) -> bool {
        match &self.command {
            Command::Check(args) => args.output.is_none() && args.write_baseline.is_none(),
            Command::Report(args) => args.output.is_none(),
            Command::List(_)
            | Command::Explain(_)
            | Command::Show(_)
            | Command::Licenses(_)
            | Command::Completions(_)
            | Command::Manpage => true,
            Command::Init(_) | Command::Rules(_) => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every model reference against the licence terms and the project's policy.
    Check(CheckArgs),
    /// List every model reference in the given paths (an inventory; no policy).
    List(ListArgs),
    /// A compliance report: every model, its licence, obligations, violations and waivers.
    Report(ReportArgs),
    /// Print the long explanation of a diagnostic code (MG001…MG015).
    Explain(ExplainArgs),
    /// Write a fully commented modelgate.toml into the current directory.
    Init(InitArgs),
    /// What the rule set knows about one model: entry, lineage, licence terms.
    Show(ShowArgs),
    /// Work with rule files.
    Rules(RulesArgs),
    /// List the licence families of the rule set with their category and commercial-use verdict.
    Licenses(LicensesArgs),
    /// Print a shell completion script (`modelgate completions bash > /etc/bash_completion.d/modelgate`).
    Completions(CompletionsArgs),
    /// Print the manual page in roff (`modelgate manpage > modelgate.1; man ./modelgate.1`).
    Manpage,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// Resolve as in a place of this provider (`ollama`, `huggingface`,
    /// `mistral`, …): the name's meaning there, as `check` resolves a
    /// reference in an Ollama call or behind a routing prefix.
    #[arg(long, value_name = "PROVIDER", conflicts_with = "search")]
    pub provider: Option<String>,
    /// Extra rule files or directories (add entries or override built-in ones).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    #[command(flatten)]
    pub hub: HubArgs,
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
    /// A rule directory (`licenses/`, `models/`, `hf-licenses.toml`, and a
    /// `names.tsv` list whose every name must resolve) or rule files; without
    /// it, the built-in rule set.
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
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub exclude: Vec<String>,
    /// Worker threads, at most 256 (default, or 0: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0, hide_default_value = true, value_parser = parse_threads)]
    pub threads: usize,
    /// Files larger than this are skipped and reported (e.g. 8MiB, 512KiB, 1000000;
    /// from 1KiB to 4GiB).
    #[arg(long, value_name = "SIZE", default_value = "8MiB", value_parser = crate::settings_file::parse_size)]
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
    #[command(flatten)]
    pub hub: HubArgs,
}

/// The Hugging Face Hub lookups, shared by check, list, report and show.
#[derive(Debug, Args, Clone)]
pub struct HubArgs {
    /// Look up `org/name` references the catalog does not know on the Hugging
    /// Face Hub (HF_ENDPOINT, else huggingface.co; HF_TOKEN for gated and
    /// private repositories). Only the model id is sent; answers are cached.
    /// Also MODELGATE_ONLINE=1 or `[scan] online = true`.
    #[arg(long, conflicts_with = "offline")]
    pub online: bool,
    /// Answer from the Hub lookup cache only, whatever its age; never connect.
    #[arg(long)]
    pub offline: bool,
    /// Cached Hub answers younger than this are used without a request
    /// (e.g. 7d, 12h, 30m, 90s).
    #[arg(long, value_name = "AGE", default_value = "7d", value_parser = crate::settings_file::parse_age)]
    pub online_max_age: std::time::Duration,
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
    /// Print info-level findings (obligations: attribution, use restrictions …)
    /// in full; by default the human format summarises them in one line per
    /// model, and SARIF leaves them out.
    #[arg(long)]
    pub include_info: bool,
    /// Findings only: no summary line, no skipped files.
    #[arg(short, long)]
    pub quiet: bool,
    /// Leave out findings below this severity (human and short formats).
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = MinSeverity::Info)]
    pub min_severity: MinSeverity,
    /// Report only findings that are not in this baseline (matched by fingerprint,
    /// robust to line shifts); baseline entries that no longer occur are listed.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings as the baseline and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Write the findings to FILE instead of stdout (without colour); the
    /// exit code is the same.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    /// Everything (the default).
    #[value(alias = "note")]
    Info,
    /// Warnings and errors.
    #[value(alias = "warning")]
    Warn,
    Error,
}

impl MinSeverity {
    pub fn severity(self) -> crate::codes::Severity {
        match self {
            MinSeverity::Info => crate::codes::Severity::Info,
            MinSeverity::Warn => crate::codes::Severity::Warn,
            MinSeverity::Error => crate::codes::Severity::Error,
        }
    }
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

/// More threads than this only cost start-up time (and memory for stacks).
pub const MAX_THREADS: usize = 256;

/// `--threads N`: 0 (one per core) to [`MAX_THREADS`].
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        Ok(_) => Err(format!("at most {MAX_THREADS} threads (0: one per core)")),
        Err(_) => Err(format!("`{text}` is not a number of threads")),
    }
}

/// `--exclude GLOB`: an empty glob would exclude everything.
fn parse_glob(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("an empty glob would exclude every file".to_string())
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_and_globs() {
        assert_eq!(parse_threads("0"), Ok(0));
        assert_eq!(parse_threads("256"), Ok(256));
        assert!(parse_threads("257").is_err());
        assert!(parse_threads("4294967296").is_err());
        assert!(parse_glob("").is_err());
        assert!(parse_glob("  ").is_err());
        assert_eq!(parse_glob("vendor/**"), Ok("vendor/**".to_string()));
    }
}
