//! `modelgate check`: walk, extract, resolve, evaluate against the policy, report.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{
    baseline, list::local_sources, list::walk_options, rules, AppError, Outcome, UsageError,
};
use crate::catalog::load::{FileDb, Loaded as LoadedRules};
use crate::cli::{CheckArgs, CheckFormat};
use crate::codes::Severity;
use crate::evaluate::waivers::{self, Suppressions, WaiverInput};
use crate::evaluate::{self, suppress, Context, Finding};
use crate::policy::{self, Policy, PolicyOrigin};
use crate::report::{self, diagnostics};
use crate::resolve::{self, ResolvedRef};
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
    /// Policy files and scanned files with findings, for labels.
    pub files: FileDb,
    /// Scanned path → file id in `files`.
    pub file_ids: std::collections::BTreeMap<String, usize>,
}

pub fn run(args: &CheckArgs) -> Result<Outcome, AppError> {
    let mut run = check(args)?;
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &run)?;
        report::short::note(&format!(
            "wrote {count} findings to the baseline {}",
            path.display()
        ))?;
        return Ok(Outcome::Clean);
    }
    if let Some(path) = &args.baseline {
        let stale = baseline::apply(path, &mut run)?;
        if stale > 0 {
            report::short::note(&format!(
                "{stale} baseline entries no longer occur in {}: rerun with --write-baseline to drop them",
                path.display()
            ))?;
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        CheckFormat::Json => report::json::write_check(&mut out, &run)?,
        CheckFormat::Short => report::short::write(&mut out, &run, args.scan.verbose)?,
        CheckFormat::Github => report::github::write(&mut out, &run)?,
        CheckFormat::Sarif => report::sarif::write(&mut out, &run, args.include_info)?,
        CheckFormat::Human => report::human::write(&run, args.color, args.scan.verbose)?,
    }
    out.flush()?;
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
    let mut files = files;
    // Only the human format quotes source lines; the others need the
    // suppression comments alone, so no file text is kept (memory).
    let keep_sources = args.format == CheckFormat::Human;
    let (suppressions, file_ids) =
        read_scanned_files(&targets.root, &references, &mut files, keep_sources);
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
        file_ids,
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
            "{} problems in the policy",
            loaded.diagnostics.len()
        ))));
    }
    Ok((rules, loaded.policy, files))
}

/// Reads the files that have references (again) for their suppression
/// comments and, with `keep_sources`, for diagnostics that quote them.
fn read_scanned_files(
    root: &Path,
    references: &[ResolvedRef],
    files: &mut FileDb,
    keep_sources: bool,
) -> (Suppressions, std::collections::BTreeMap<String, usize>) {
    let mut suppressions = Suppressions::default();
    let mut ids = std::collections::BTreeMap::new();
    for r in references {
        let path = &r.reference.path;
        if suppressions.by_path.contains_key(path) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        suppressions
            .by_path
            .insert(path.clone(), suppress::parse(&text));
        if keep_sources {
            let file = files.add(
                crate::report::visible(path).into_owned(),
                crate::report::display_safe_source(text),
            );
            ids.insert(path.clone(), file);
        }
    }
    (suppressions, ids)
}

fn relative_to(path: &Path, root: &Path) -> String {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match canonical.strip_prefix(&canonical_root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => path.display().to_string(),
    }
}
