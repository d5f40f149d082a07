//! `modelgate check`: walk, extract, resolve, evaluate against the policy, report.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{
    baseline, list::local_sources, list::walk_options, rules, AppError, Outcome, UsageError,
};
use crate::catalog::load::Loaded as LoadedRules;
use crate::cli::{CheckArgs, CheckFormat};
use crate::codes::Severity;
use crate::evaluate::waivers::{self, Suppressions, WaiverInput};
use crate::evaluate::{self, suppress, Context, Finding};
use crate::model::RefKind;
use crate::policy::{self, Policy, PolicyOrigin};
use crate::report::excerpt::Excerpt;
use crate::report::{self, diagnostics};
use crate::resolve::{self, ResolvedRef};
use crate::settings_file::FileDb;
use crate::walk::{self, Targets};

/// Everything a report of a check needs.
pub struct CheckRun {
    pub root: String,
    /// The scan root, absolute.
    pub root_path: PathBuf,
    pub policy: Policy,
    pub policy_display: String,
    pub rules: LoadedRules,
    pub references: Vec<ResolvedRef>,
    pub findings: Vec<Finding>,
    pub scan: crate::model::Scan,
    /// Policy and rules files, for labels.
    pub files: FileDb,
    /// Reference index → the excerpt of its file that diagnostics quote
    /// (human format only).
    pub excerpts: std::collections::BTreeMap<usize, Excerpt>,
}

pub fn run(args: &CheckArgs) -> Result<Outcome, AppError> {
    let mut run = check(args)?;
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &run)?;
        report::short::note(&format!(
            "wrote {} to the baseline {}",
            crate::text::count(count, "finding", "findings"),
            path.display()
        ))?;
        return Ok(Outcome::Clean);
    }
    if let Some(path) = &args.baseline {
        let stale = baseline::apply(path, &mut run)?;
        if stale > 0 {
            report::short::note(&format!(
                "{} no longer {} in {}: rerun with --write-baseline to drop them",
                crate::text::count(stale, "baseline entry", "baseline entries"),
                if stale == 1 { "occurs" } else { "occur" },
                path.display()
            ))?;
        }
    }
    match &args.output {
        Some(path) => {
            let mut rendered = Vec::new();
            write_findings(&mut rendered, &run, args)?;
            super::report::write_file(path, &rendered)?;
        }
        None if args.format == CheckFormat::Human => {
            report::human::write(&run, args.color, human_options(args))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            write_findings(&mut out, &run, args)?;
            out.flush()?;
        }
    }
    let failed = run
        .findings
        .iter()
        .any(|f| f.waived.is_none() && f.severity == Severity::Error);
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn human_options(args: &CheckArgs) -> report::human::HumanOptions {
    report::human::HumanOptions {
        verbose: args.scan.verbose,
        include_info: args.include_info,
        quiet: args.quiet,
        min_severity: args.min_severity.severity(),
    }
}

/// The findings in any format, without colour (the human format is coloured
/// only when written to a terminal, by `report::human::write`).
fn write_findings(out: &mut dyn Write, run: &CheckRun, args: &CheckArgs) -> std::io::Result<()> {
    match args.format {
        CheckFormat::Json => report::json::write_check(out, run),
        CheckFormat::Short => report::short::write(
            out,
            run,
            args.scan.verbose && !args.quiet,
            args.min_severity.severity(),
        ),
        CheckFormat::Github => report::github::write(out, run),
        CheckFormat::Sarif => report::sarif::write(out, run, args.include_info),
        CheckFormat::Human => {
            out.write_all(report::human::render_plain(run, human_options(args)).as_bytes())
        }
    }
}

/// The whole pipeline, without printing anything but configuration errors.
pub fn check(args: &CheckArgs) -> Result<CheckRun, AppError> {
    let targets = Targets::from_args(&args.scan.paths)?;
    let found = match &args.config {
        Some(path) if path.is_file() => Some(config_kind(path)),
        Some(path) => {
            return Err(AppError::Usage(UsageError(format!(
                "config file does not exist: {}",
                path.display()
            ))))
        }
        None => policy::discover(&targets.root),
    };
    let (rules, policy, files) = load_policy_and_rules(found.as_ref(), &args.rules, args)?;
    let mut options = walk_options(&args.scan);
    options.exclude.extend(policy.exclude.iter().cloned());
    options.own_files.extend(
        [&args.output, &args.baseline, &args.write_baseline]
            .into_iter()
            .flatten()
            .cloned(),
    );
    options.extract.include_docs |= policy.include_docs.unwrap_or(false);
    if let Some(size) = policy.max_file_size {
        options.max_file_size = size;
    }
    let mut scan = walk::scan(&targets, &options)?;
    let references = resolve::resolve(
        std::mem::take(&mut scan.references),
        &rules.catalog,
        policy.licenses_as_of.as_deref(),
        Some(
            local_sources(&targets, &args.scan)
                .with_clarifications(clarifications(&policy, &targets)),
        ),
        &scan.artifacts,
    );
    let mut findings = evaluate::evaluate(
        &references,
        &Context {
            policy: &policy,
            catalog: &rules.catalog,
        },
    );
    findings.extend(Finding::nothing_scanned(&scan));
    // Only the human format quotes source lines; the others need the
    // suppression comments alone, so no file text is kept (memory).
    let keep_excerpts = args.format == CheckFormat::Human;
    let (suppressions, excerpts) = read_scanned_files(
        &targets.root,
        &references,
        &scan.artifacts,
        options.max_file_size,
        keep_excerpts,
    );
    let policy_display = match &policy.origin {
        PolicyOrigin::Builtin => "built-in default".to_string(),
        PolicyOrigin::File(path) => relative_to(path, &targets.root),
    };
    let today = waivers::today();
    waivers::apply_waivers(
        &mut findings,
        &WaiverInput {
            policy: &policy,
            references: &references,
            suppressions: &suppressions,
            today: &today,
            partial_scan: !targets.files.is_empty(),
            policy_path: &policy_display,
        },
    );
    locate_policy_findings(&mut findings, &files);
    waivers::finalize(&mut findings, &policy.severity, args.deny_warnings);
    Ok(CheckRun {
        root: targets.root_display.clone(),
        root_path: targets.root.clone(),
        policy,
        policy_display,
        rules,
        references,
        findings,
        scan,
        files,
        excerpts,
    })
}

/// `[[clarify]]` entries as (folder relative to the root, licence, reason).
fn clarifications(policy: &Policy, targets: &Targets) -> Vec<(String, String, String)> {
    policy
        .clarify
        .iter()
        .map(|c| {
            let folder = relative_to(&c.absolute, &targets.root);
            (
                folder,
                c.license.clone(),
                c.reason.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Waiver findings point at their line in the policy file.
fn locate_policy_findings(findings: &mut [Finding], files: &FileDb) {
    use codespan_reporting::files::Files;
    for finding in findings
        .iter_mut()
        .filter(|f| f.reference.is_none() && f.line == 0)
    {
        let Some(label) = &finding.policy_label else {
            continue;
        };
        if let Ok(location) = files.location(label.file, label.span.start) {
            finding.line = location.line_number as u32;
            finding.column = location.column_number as u32;
        }
    }
}

fn config_kind(path: &Path) -> policy::Found {
    if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        policy::Found::Pyproject(path.to_path_buf())
    } else {
        policy::Found::Modelgate(path.to_path_buf())
    }
}

/// The rule set (built-in, `--rules`, the policy's `[scan] rules`) and the
/// validated policy; any problem in either is printed and ends the run (exit 2).
fn load_policy_and_rules(
    found: Option<&policy::Found>,
    cli_rules: &[PathBuf],
    args: &CheckArgs,
) -> Result<(LoadedRules, Policy, FileDb), AppError> {
    let mut rules = rules::load_rule_set(cli_rules, args.color)?;
    let Some(found) = found else {
        return Ok((rules, Policy::default(), FileDb::new()));
    };
    let mut files = FileDb::new();
    let mut loaded = policy::load(found, &rules.catalog, &mut files);
    if loaded.diagnostics.is_empty() && !loaded.policy.rules.is_empty() {
        // The policy names more rule files: judge the policy against the full set.
        let extra: Vec<PathBuf> = cli_rules
            .iter()
            .cloned()
            .chain(loaded.policy.rules.iter().cloned())
            .collect();
        rules = rules::load_rule_set(&extra, args.color)?;
        files = FileDb::new();
        loaded = policy::load(found, &rules.catalog, &mut files);
    }
    let stale = policy::stale_clarifications(&loaded.policy);
    loaded.diagnostics.extend(stale);
    if !loaded.diagnostics.is_empty() {
        diagnostics::emit_to_stderr(&files, &loaded.diagnostics, args.color)?;
        return Err(AppError::Usage(UsageError(format!(
            "{} in the policy",
            crate::text::count(loaded.diagnostics.len(), "problem", "problems")
        ))));
    }
    Ok((rules, loaded.policy, files))
}

/// Reads the files that have references (again, within the scan's size
/// limit) for their suppression comments and, with `keep_excerpts`, cuts the
/// excerpts that diagnostics quote. Weight files are never read again: their
/// excerpt is the header facts the scan recorded.
fn read_scanned_files(
    root: &Path,
    references: &[ResolvedRef],
    artifacts: &std::collections::BTreeMap<String, crate::model::ArtifactInfo>,
    max_file_size: u64,
    keep_excerpts: bool,
) -> (Suppressions, std::collections::BTreeMap<usize, Excerpt>) {
    let mut suppressions = Suppressions::default();
    let mut excerpts = std::collections::BTreeMap::new();
    let mut by_path: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, r) in references.iter().enumerate() {
        by_path
            .entry(r.reference.path.as_str())
            .or_default()
            .push(i);
    }
    for (path, indices) in by_path {
        if references[indices[0]].reference.kind == RefKind::Artifact {
            if keep_excerpts {
                let facts = artifacts.get(path).map(artifact_facts).unwrap_or_default();
                for &i in &indices {
                    let line = references[i].reference.line.0 as usize;
                    excerpts.insert(i, Excerpt::of_artifact(path, &facts, line));
                }
            }
            continue;
        }
        let Some(text) = walk::read_text(&root.join(path), max_file_size) else {
            continue;
        };
        suppressions
            .by_path
            .insert(path.to_string(), suppress::parse(&text));
        if keep_excerpts {
            let index = crate::text::LineIndex::new(&text);
            let line_starts: Vec<usize> = (0..).map_while(|l| index.line_start(l)).collect();
            for i in indices {
                let r = &references[i].reference;
                let excerpt = Excerpt::of_source(
                    path,
                    &text,
                    r.span.clone(),
                    r.line.0 as usize,
                    r.column.0 as usize,
                    &line_starts,
                );
                excerpts.insert(i, excerpt);
            }
        }
    }
    (suppressions, excerpts)
}

/// What a weight file's header (or its sibling `config.json`) said, in one line.
fn artifact_facts(info: &crate::model::ArtifactInfo) -> String {
    let mut facts = Vec::new();
    if let Some(name) = &info.name {
        facts.push(format!("name {name}"));
    }
    if let Some(license) = &info.license {
        facts.push(format!("license {license}"));
    }
    if !info.base_models.is_empty() {
        facts.push(format!("base model {}", info.base_models.join(", ")));
    }
    match (info.source, facts.is_empty()) {
        ("", _) | (_, true) => "weight file: header names no model or licence".to_string(),
        (source, false) => format!("{source}: {}", facts.join("; ")),
    }
}

fn relative_to(path: &Path, root: &Path) -> String {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match canonical.strip_prefix(&canonical_root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => path.display().to_string(),
    }
}
