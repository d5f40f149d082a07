//! The compliance report's content, whatever the format: every model the scan
//! found, grouped with the places it is used, its licence, lineage and the
//! obligations it brings, the findings about it with the waivers that apply;
//! the summary counts; the policy profile. The renderers (`markdown`, `html`,
//! `json`, `cyclonedx`, `notice`) only lay this out.

use std::collections::BTreeMap;

use crate::catalog::{CommercialUse, License, OutputTraining, RevenuePeriod};
use crate::codes::Severity;
use crate::evaluate::CheckRun;
use crate::evaluate::Finding;
use crate::resolve::{LicenseSource, ResolvedRef};
use crate::text::group_thousands;

/// What the scan could say about a group of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The rule set or a local source gave a licence.
    Resolved,
    /// A model name nothing resolves.
    Unknown,
    /// A name computed at run time (an f-string, an environment variable).
    Dynamic,
}

/// Licence categories in the order the summary lists them; the last two are
/// the groups without a licence.
pub const CATEGORIES: [&str; 6] = [
    "open-source",
    "open-weights",
    "non-commercial",
    "proprietary",
    "unknown",
    "dynamic",
];

/// One thing a licence asks of whoever uses or ships the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation {
    /// `attribution`, `use-restrictions`, `flow-down`, `naming`,
    /// `user-threshold`, `revenue-threshold`, `territory`, `non-commercial`,
    /// `research-only`, `share-alike` or `api-terms`.
    pub kind: &'static str,
    pub text: String,
}

/// Every reference to one model under one licence.
#[derive(Debug)]
pub struct ModelGroup<'a> {
    /// The model id, or the name as written when unresolved or dynamic.
    pub name: String,
    pub status: Status,
    pub provider: Option<&'a str>,
    pub license_id: Option<&'a str>,
    /// The licence's terms, when the rule set has them.
    pub license: Option<&'a License>,
    pub license_source: Option<LicenseSource>,
    /// One of `CATEGORIES`.
    pub category: &'static str,
    /// The bases the model derives from, nearest first (the model and the
    /// licence id left out).
    pub ancestors: Vec<&'a str>,
    /// In the scan's order (path, line, column).
    pub uses: Vec<&'a ResolvedRef>,
    /// Findings about these references, waived ones included.
    pub findings: Vec<&'a Finding>,
    /// Their indices in the run's findings.
    pub finding_indices: Vec<usize>,
    pub obligations: Vec<Obligation>,
    /// What resolution had to say (relicensing, uncertain entries), once each.
    pub notes: Vec<&'a str>,
}

impl ModelGroup<'_> {
    /// The highest severity among the findings no waiver covers.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.waived.is_none())
            .map(|f| f.severity)
            .max()
    }

    /// `error`, `warn`, `info` or `ok`, for tables.
    /// The status as a setting spells it (data attributes, CycloneDX).
    pub fn status_label(&self) -> &'static str {
        self.worst().map_or("ok", Severity::as_str)
    }

    /// The status as the text formats print it.
    pub fn status_word(&self) -> &'static str {
        self.worst().map_or("ok", Severity::word)
    }
}

#[derive(Debug, Default)]
pub struct Summary {
    pub models: usize,
    pub references: usize,
    /// Models per category, in `CATEGORIES` order, zeros included.
    pub by_category: Vec<(&'static str, usize)>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub files_scanned: usize,
    pub files_skipped: usize,
}

pub struct Inventory<'a> {
    pub run: &'a CheckRun,
    pub models: Vec<ModelGroup<'a>>,
    /// Findings about the policy itself: unused or expired waivers.
    pub policy_findings: Vec<&'a Finding>,
    pub summary: Summary,
    /// The policy's profile as (setting, value) rows.
    pub profile: Vec<(&'static str, String)>,
    /// What the report is about: the root as given, or the folder's name
    /// for `.`.
    pub title: String,
    /// `YYYY-MM-DD`, from `SOURCE_DATE_EPOCH` when set.
    pub generated: String,
    pub rules_version: String,
}

pub fn build(run: &CheckRun) -> Inventory<'_> {
    let mut groups: BTreeMap<(Status, String, Option<String>), ModelGroup<'_>> = BTreeMap::new();
    let mut group_of_reference = Vec::with_capacity(run.references.len());
    for resolved in &run.references {
        let key = group_key(resolved);
        group_of_reference.push(key.clone());
        let group = groups
            .entry(key)
            .or_insert_with(|| new_group(resolved, run));
        group.uses.push(resolved);
        for note in &resolved.notes {
            if !group.notes.contains(&note.as_str()) {
                group.notes.push(note);
            }
        }
    }
    let mut policy_findings = Vec::new();
    for (index, finding) in run.findings.iter().enumerate() {
        match finding.reference.and_then(|i| group_of_reference.get(i)) {
            Some(key) => {
                if let Some(group) = groups.get_mut(key) {
                    group.findings.push(finding);
                    group.finding_indices.push(index);
                }
            }
            None => policy_findings.push(finding),
        }
    }
    let models: Vec<ModelGroup<'_>> = groups.into_values().collect();
    let summary = summarize(run, &models);
    Inventory {
        run,
        summary,
        policy_findings,
        profile: profile(run),
        title: title(run),
        generated: generated_date(),
        rules_version: crate::catalog::load::rules_version(),
        models,
    }
}

/// Resolved references group by model and licence, the others by the text
/// as written; the status comes first so unresolved groups sort last.
fn group_key(resolved: &ResolvedRef) -> (Status, String, Option<String>) {
    let status = status_of(resolved);
    (
        status,
        display_name(resolved, status),
        resolved.license.clone(),
    )
}

/// The model id; the name as written when unresolved, dynamic, or matched
/// only by a family pattern (`llama2:13b` rather than `meta-llama/Llama-2-*`).
fn display_name(resolved: &ResolvedRef, status: Status) -> String {
    match (&resolved.model, status) {
        (Some(model), Status::Resolved) if !crate::catalog::is_glob(model) => model.clone(),
        _ => resolved.reference.text.clone(),
    }
}

fn status_of(resolved: &ResolvedRef) -> Status {
    if resolved.reference.dynamic {
        Status::Dynamic
    } else if resolved.license.is_some() {
        Status::Resolved
    } else {
        Status::Unknown
    }
}

fn new_group<'a>(resolved: &'a ResolvedRef, run: &'a CheckRun) -> ModelGroup<'a> {
    let status = status_of(resolved);
    let license_id = resolved.license.as_deref();
    let license = license_id.and_then(|id| run.rules.catalog.licenses.get(id));
    let category = match (status, license) {
        (Status::Dynamic, _) => "dynamic",
        (_, Some(license)) => license.category.as_str(),
        _ => "unknown",
    };
    let name = display_name(resolved, status);
    // The lineage starts at the model itself, unless it is shown as written.
    let shown_as_model = usize::from(resolved.model.as_deref() == Some(name.as_str()));
    let lineage = &resolved.lineage;
    let models_in_lineage = match (lineage.last(), license_id) {
        (Some(last), Some(id)) if last == id => &lineage[..lineage.len() - 1],
        _ => &lineage[..],
    };
    ModelGroup {
        name,
        status,
        provider: resolved.reference.provider,
        license_id,
        license,
        license_source: resolved.license_source,
        category,
        ancestors: models_in_lineage
            .iter()
            .skip(shown_as_model)
            .map(String::as_str)
            .collect(),
        uses: Vec::new(),
        findings: Vec::new(),
        finding_indices: Vec::new(),
        obligations: license
            .map(|l| obligations(l, run.rules.catalog.territory_applies(l, models_in_lineage)))
            .unwrap_or_default(),
        notes: Vec::new(),
    }
}

/// What the licence's terms ask of a user, from the rule set's fields only;
/// `territory_applies`: the licence's territory clause covers this model
/// (`Catalog::territory_applies`).
pub fn obligations(license: &License, territory_applies: bool) -> Vec<Obligation> {
    let mut out = Vec::new();
    let mut add = |kind: &'static str, text: String| out.push(Obligation { kind, text });
    if !license.attribution.is_empty() {
        add("attribution", license.attribution.clone());
    }
    if license.use_restrictions {
        add(
            "use-restrictions",
            format!(
                "Use is bound by the licence's use restrictions or acceptable-use policy ({}); the product's own use and its users' must comply.",
                license.url
            ),
        );
    }
    if license.flow_down {
        add(
            "flow-down",
            if license.use_restrictions {
                "Whoever receives the model or a derivative must get a copy of the licence and be bound by its use restrictions."
            } else {
                "Whoever receives the model or a derivative must get a copy of the licence."
            }
            .to_string(),
        );
    }
    if license.outputs_may_train_other_models == OutputTraining::AllowedWithNaming {
        add(
            "naming",
            "A model trained on its outputs or built from it must follow the licence's naming rule (see the notice).".to_string(),
        );
    }
    if license.monthly_active_users_limit > 0 {
        add(
            "user-threshold",
            format!(
                "Above {} monthly active users a separate licence from the licensor is required.",
                group_thousands(license.monthly_active_users_limit)
            ),
        );
    }
    if license.revenue_limit_usd > 0 {
        add(
            "revenue-threshold",
            format!(
                "Above USD {} of {} a separate licence from the licensor is required.",
                group_thousands(license.revenue_limit_usd),
                match license.revenue_limit_period {
                    RevenuePeriod::Year => "annual revenue",
                    RevenuePeriod::Month => "revenue in any month",
                }
            ),
        );
    }
    if territory_applies {
        add("territory", license.territory_restriction.clone());
    }
    if license.commercial_use == CommercialUse::Forbidden {
        add("non-commercial", "No commercial use.".to_string());
    }
    if license.research_only {
        add("research-only", "Research use only.".to_string());
    }
    if license.share_alike {
        add(
            "share-alike",
            "Adaptations must be shared under the same licence.".to_string(),
        );
    }
    if license.hosted_only {
        add(
            "api-terms",
            format!(
                "A hosted API: the provider's terms ({}) govern every call.",
                license.url
            ),
        );
    }
    out
}

fn summarize(run: &CheckRun, models: &[ModelGroup<'_>]) -> Summary {
    let active = |s: Severity| {
        run.findings
            .iter()
            .filter(|f| f.waived.is_none() && f.severity == s)
            .count()
    };
    Summary {
        models: models.len(),
        references: run.references.len(),
        by_category: CATEGORIES
            .iter()
            .map(|&c| (c, models.iter().filter(|m| m.category == c).count()))
            .collect(),
        errors: active(Severity::Error),
        warnings: active(Severity::Warn),
        infos: active(Severity::Info),
        waived: run.findings.iter().filter(|f| f.waived.is_some()).count(),
        files_scanned: run.scan.files_scanned,
        files_skipped: run.scan.skipped.len(),
    }
}

fn profile(run: &CheckRun) -> Vec<(&'static str, String)> {
    let p = &run.policy;
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "—".to_string()
        } else {
            items.join(", ")
        }
    };
    let number = |n: &Option<crate::policy::Located<u64>>| {
        n.as_ref()
            .map_or("not declared".to_string(), |n| group_thousands(n.value))
    };
    vec![
        ("policy", run.policy_display.clone()),
        ("use", p.use_.value.as_str().to_string()),
        ("distribution", p.distribution.value.as_str().to_string()),
        ("monthly active users", number(&p.monthly_active_users)),
        ("annual revenue (USD)", number(&p.annual_revenue_usd)),
        (
            "trains on model outputs",
            yes_no(p.trains_on_model_outputs.value),
        ),
        ("open weights only", yes_no(p.open_weights_only.value)),
        ("OSI-approved only", yes_no(p.osi_approved_only.value)),
        (
            "licences as of",
            p.licenses_as_of
                .clone()
                .unwrap_or_else(|| "today".to_string()),
        ),
        (
            "allowed licences",
            list(p.allow_licenses.iter().map(|l| l.value.clone()).collect()),
        ),
        (
            "denied licences",
            list(p.deny_licenses.iter().map(|l| l.value.clone()).collect()),
        ),
        (
            "denied categories",
            list(
                p.deny_categories
                    .iter()
                    .map(|c| c.value.as_str().to_string())
                    .collect(),
            ),
        ),
        (
            "denied models",
            list(p.deny_models.iter().map(|m| m.pattern.clone()).collect()),
        ),
        (
            "allowed models",
            list(p.allow_models.iter().map(|m| m.pattern.clone()).collect()),
        ),
        ("unknown models", p.unknown.value.as_str().to_string()),
        ("dynamic references", p.dynamic.value.as_str().to_string()),
        ("exceptions", p.exceptions.len().to_string()),
    ]
}

fn title(run: &CheckRun) -> String {
    let given = run.root.trim_end_matches('/');
    if !given.is_empty() && given != "." && given != ".." {
        return run.root.clone();
    }
    run.root_path
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| run.root.clone())
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

/// Seconds since the epoch of the report: `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention) when set, else now.
pub fn generated_epoch() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// Where a finding points: `path:line:column`, or the path alone when it has no line.
pub fn location(f: &Finding) -> String {
    if f.line == 0 {
        f.path.clone()
    } else {
        format!("{}:{}:{}", f.path, f.line, f.column)
    }
}

fn generated_date() -> String {
    crate::evaluate::waivers::iso_datetime(generated_epoch())[..10].to_string()
}
