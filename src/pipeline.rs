//! The stages in order, for every command that scans: the rule set and the
//! policy → walk and extract → resolve → (for a check) evaluate, waivers and
//! severities. `list` stops after resolve; `check` and `report` go on to the
//! findings ([`CheckRun`], evaluate's output). Nothing is printed here:
//! problems come back as a [`PipelineError`] for the command layer to show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::Diagnostic;

use crate::catalog::load::{self, Loaded as LoadedRules, Provenance, RuleFile};
use crate::evaluate::waivers::{self, Suppressions, WaiverInput};
use crate::evaluate::{self, suppress, CheckRun, Context, Finding};
use crate::excerpt::{self, Excerpt, Excerpts};
use crate::model::{RefKind, Scan};
use crate::policy::{self, Policy, PolicyOrigin};
use crate::resolve::cards::Cards;
use crate::resolve::hub;
use crate::resolve::{self, ResolvedRef};
use crate::settings_file::FileDb;
use crate::walk::{self, Targets, WalkError, WalkOptions};

/// What to scan and with which rules: the command line's scan options.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    /// `--config`: the policy file instead of the one discovered at the root.
    pub config: Option<PathBuf>,
    /// `--rules`: rule files or folders besides the built-in rule set.
    pub rules: Vec<PathBuf>,
    pub walk: WalkOptions,
    /// Also look up model cards in the local Hugging Face cache.
    pub hf_cache: bool,
    /// `--deny-warnings`: warnings count as errors.
    pub deny_warnings: bool,
    /// `--online`/`MODELGATE_ONLINE` or `--offline`; `None` leaves it to
    /// the policy's `[scan] online` (never online for `list`).
    pub hub: Option<hub::Mode>,
    /// `--online-max-age`.
    pub hub_max_age: std::time::Duration,
    /// Cut the excerpts the human format quotes (the other formats quote
    /// nothing, so no file text is kept for them).
    pub keep_excerpts: bool,
}

/// Why a scan could not run (exit 2).
pub enum PipelineError {
    /// A missing path, an unreadable rules folder, a bad glob …
    Usage(String),
    /// The rule files have problems: `files` is what the diagnostics point into.
    Rules {
        files: FileDb,
        diagnostics: Vec<Diagnostic<usize>>,
    },
    /// The policy has problems.
    Policy {
        files: FileDb,
        diagnostics: Vec<Diagnostic<usize>>,
    },
}

impl From<WalkError> for PipelineError {
    fn from(e: WalkError) -> Self {
        PipelineError::Usage(e.to_string())
    }
}

/// `list`'s result: every reference, resolved, with the scan's counts.
pub struct Listed {
    pub root_display: String,
    pub references: Vec<ResolvedRef>,
    pub scan: Scan,
}

/// The built-in rule set plus `extra` files (fully validated when there are any).
pub fn rule_set(extra: &[PathBuf]) -> Result<LoadedRules, PipelineError> {
    let mut files = load::builtin_files();
    for path in extra {
        files.extend(rule_files_at(path, Provenance::Extra)?);
    }
    let validation = if extra.is_empty() {
        load::Validation::BuiltinOnly
    } else {
        load::Validation::Full
    };
    let loaded = load::load_with(files, validation);
    if loaded.has_errors() {
        return Err(PipelineError::Rules {
            files: loaded.files,
            diagnostics: loaded.diagnostics,
        });
    }
    Ok(loaded)
}

pub fn rule_files_at(path: &Path, provenance: Provenance) -> Result<Vec<RuleFile>, PipelineError> {
    load::files_at(path, provenance)
        .map_err(|e| PipelineError::Usage(format!("cannot read rules at {}: {e}", path.display())))
}

/// Walk, extract and resolve, without a policy.
pub fn list(request: &Request) -> Result<Listed, PipelineError> {
    let targets = Targets::from_args(&request.paths)?;
    let rules = rule_set(&request.rules)?;
    let mut scan = walk::scan(&targets, &request.walk)?;
    let mut references = resolve::resolve(
        std::mem::take(&mut scan.references),
        &rules.catalog,
        None,
        Some(local_sources(&targets, request.hf_cache)),
        &scan.artifacts,
    );
    scan.hub = request
        .hub
        .map(|mode| on_hub(mode, request, &mut references, &rules.catalog, &targets));
    Ok(Listed {
        root_display: targets.root_display,
        references,
        scan,
    })
}

/// The whole check: findings judged against the policy, waived and with
/// their final severities.
pub fn check(request: &Request) -> Result<CheckRun, PipelineError> {
    let targets = Targets::from_args(&request.paths)?;
    let found = match &request.config {
        Some(path) if path.is_file() => Some(config_kind(path)),
        Some(path) => {
            return Err(PipelineError::Usage(format!(
                "config file does not exist: {}",
                path.display()
            )))
        }
        None => policy::discover(&targets.root),
    };
    let (rules, policy, files) = load_policy_and_rules(found.as_ref(), &request.rules)?;
    let mut options = request.walk.clone();
    options.exclude.extend(policy.exclude.iter().cloned());
    options.extract.include_docs |= policy.include_docs.unwrap_or(false);
    if let Some(size) = policy.max_file_size {
        options.max_file_size = size;
    }
    let mut scan = walk::scan(&targets, &options)?;
    let mut references = resolve::resolve(
        std::mem::take(&mut scan.references),
        &rules.catalog,
        policy.licenses_as_of.as_deref(),
        Some(
            local_sources(&targets, request.hf_cache)
                .with_clarifications(clarifications(&policy, &targets)),
        ),
        &scan.artifacts,
    );
    let hub_mode = request.hub.or(policy.online.then_some(hub::Mode::Online));
    scan.hub =
        hub_mode.map(|mode| on_hub(mode, request, &mut references, &rules.catalog, &targets));
    let mut findings = evaluate::evaluate(
        &references,
        &Context {
            policy: &policy,
            catalog: &rules.catalog,
        },
    );
    findings.extend(Finding::nothing_scanned(&scan));
    let (suppressions, excerpts) = read_scanned_files(
        &targets.root,
        &references,
        &scan,
        &findings,
        options.max_file_size,
        request.keep_excerpts,
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
    waivers::finalize(&mut findings, &policy.severity, request.deny_warnings);
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

/// The references still unknown, looked up on the Hugging Face Hub.
fn on_hub(
    mode: hub::Mode,
    request: &Request,
    references: &mut [ResolvedRef],
    catalog: &crate::catalog::Catalog,
    targets: &Targets,
) -> crate::model::HubLookups {
    let options = hub::HubOptions::from_env(mode, request.hub_max_age);
    resolve::from_hub(references, catalog, &options, &targets.root)
}

/// Where resolution may look besides the catalog: the tree's model cards and,
/// with `hf_cache`, the local Hugging Face cache.
fn local_sources(targets: &Targets, hf_cache: bool) -> Cards {
    let hf_cache = hf_cache
        .then(crate::resolve::cards::default_hf_cache)
        .flatten();
    Cards::new(&targets.root, hf_cache)
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
/// validated policy.
fn load_policy_and_rules(
    found: Option<&policy::Found>,
    cli_rules: &[PathBuf],
) -> Result<(LoadedRules, Policy, FileDb), PipelineError> {
    let mut rules = rule_set(cli_rules)?;
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
        rules = rule_set(&extra)?;
        files = FileDb::new();
        loaded = policy::load(found, &rules.catalog, &mut files);
    }
    let stale = policy::stale_clarifications(&loaded.policy);
    loaded.diagnostics.extend(stale);
    if !loaded.diagnostics.is_empty() {
        return Err(PipelineError::Policy {
            files,
            diagnostics: loaded.diagnostics,
        });
    }
    Ok((rules, loaded.policy, files))
}

/// Reads the files that have references (again, within the scan's size
/// limit), each once, for their suppression comments and, with
/// `keep_excerpts`, cuts the excerpts that the diagnostics of `findings`
/// quote. Weight files are never read again: their excerpt is the header
/// facts the scan recorded.
fn read_scanned_files(
    root: &Path,
    references: &[ResolvedRef],
    scan: &Scan,
    findings: &[Finding],
    max_file_size: u64,
    keep_excerpts: bool,
) -> (Suppressions, Excerpts) {
    let quoted: BTreeSet<usize> = findings
        .iter()
        .filter(|_| keep_excerpts)
        .filter_map(|f| f.reference)
        .collect();
    let mut by_path: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in references.iter().enumerate() {
        by_path
            .entry(r.reference.path.as_str())
            .or_default()
            .push(i);
    }
    let mut suppressions = Suppressions::default();
    let mut excerpts = Excerpts::new();
    for (path, indices) in by_path {
        // A path is a weight file's or a text's, for all its references.
        let is_artifact = references[indices[0]].reference.kind == RefKind::Artifact;
        let quote: Vec<usize> = indices.into_iter().filter(|i| quoted.contains(i)).collect();
        if is_artifact {
            let facts = scan
                .artifacts
                .get(path)
                .map(excerpt::artifact_facts)
                .unwrap_or_default();
            for &i in &quote {
                let line = references[i].reference.line.0 as usize;
                excerpts.insert(i, Excerpt::of_artifact(path, &facts, line));
            }
            continue;
        }
        let Some(text) = walk::read_text(&root.join(path), max_file_size) else {
            continue;
        };
        suppressions
            .by_path
            .insert(path.to_string(), suppress::parse(&text));
        if quote.is_empty() {
            continue;
        }
        let index = crate::text::LineIndex::new(&text);
        let line_starts: Vec<usize> = (0..).map_while(|l| index.line_start(l)).collect();
        for i in quote {
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
    (suppressions, excerpts)
}

fn relative_to(path: &Path, root: &Path) -> String {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match canonical.strip_prefix(&canonical_root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => path.display().to_string(),
    }
}
