//! One function per code: each decides whether its code applies to a
//! reference and words the finding. Messages live here and nowhere else.

use super::{license_of, Context, Finding};
use crate::catalog::{Category, CommercialUse, Confidence, License, OutputTraining, RevenuePeriod};
use crate::codes::{Code, Severity};
use crate::model::RefKind;
use crate::policy::{Distribution, Level, Use};
use crate::resolve::ResolvedRef;
use crate::text::group_thousands;

/// A licence check: `None` when its code does not apply.
type LicenseCheck = fn(usize, &ResolvedRef, &License, &Context<'_>) -> Option<Finding>;

pub fn check_reference(index: usize, r: &ResolvedRef, cx: &Context<'_>, out: &mut Vec<Finding>) {
    if r.reference.dynamic {
        out.extend(dynamic_reference(index, r, cx));
        return;
    }
    out.extend(denied_model(index, r, cx));
    let Some(license) = license_of(r, cx.catalog) else {
        out.extend(unknown_model(index, r, cx));
        return;
    };
    // Test weights (SPEC signal 6) are inventoried, not judged.
    if license.category == Category::Test {
        return;
    }
    let checks: [LicenseCheck; 11] = [
        license_denied,
        non_commercial,
        research_only,
        user_threshold,
        revenue_threshold,
        attribution_required,
        use_restrictions,
        output_training,
        closed_model,
        share_alike,
        model_not_allowed,
    ];
    for check in checks {
        if let Some(finding) = check(index, r, license, cx) {
            out.push(with_terms(finding, r, license));
        }
    }
}

/// Notes every licence finding carries: the lineage and how sure the facts are.
fn with_terms(mut finding: Finding, r: &ResolvedRef, license: &License) -> Finding {
    finding.notes.extend(r.notes.iter().cloned());
    if r.lineage.len() > 2 {
        finding
            .notes
            .push(format!("lineage: {}", r.lineage.join(" → ")));
    }
    finding.notes.push(format!(
        "{} ({}): {}",
        license.name, license.version, license.url
    ));
    if license.confidence == Confidence::U {
        finding.notes.push("these licence facts are marked uncertain in the rule set (confidence U): confirm them at the source".to_string());
    }
    finding
}

/// Code in a message, in backticks; a JS template literal already has its
/// own (`` `gpt-${v}` ``, never ``` ``gpt-${v}`` ```).
fn quoted(text: &str) -> String {
    if text.len() >= 2 && text.starts_with('`') && text.ends_with('`') {
        text.to_string()
    } else {
        format!("`{text}`")
    }
}

fn model_text(r: &ResolvedRef) -> &str {
    r.shown_name()
}

fn waiver_help(code: Code) -> String {
    format!(
        "if this use is reviewed and accepted, waive it with a reason: `# modelgate: allow({}) reason=\"…\"` on the line, or an [[exceptions]] entry in modelgate.toml",
        code.info().id
    )
}

fn level_severity(level: Level, default: Severity) -> Option<Severity> {
    match level {
        Level::Allow => None,
        Level::Warn => Some(default),
        Level::Deny => Some(Severity::Error),
    }
}

fn dynamic_reference(index: usize, r: &ResolvedRef, cx: &Context<'_>) -> Option<Finding> {
    let severity = level_severity(cx.policy.dynamic.value, Severity::Warn)?;
    let message = format!(
        "model id computed at run time: {}",
        quoted(&r.reference.text)
    );
    Some(
        Finding::about(Code::DynamicReference, message, index, r)
            .with_severity(severity)
            .note("the model that runs depends on values modelgate cannot see")
            .help("name the model in code or config, or list the allowed ones in [models] allow and suppress this line with a reason")
            .label(&cx.policy.dynamic, "dynamic references are judged by this setting"),
    )
}

fn unknown_model(index: usize, r: &ResolvedRef, cx: &Context<'_>) -> Option<Finding> {
    let severity = level_severity(cx.policy.unknown.value, Severity::Warn)?;
    // A re-upload's pattern names its base; the base is what the catalog lacks.
    let missing_base = r
        .lineage
        .last()
        .filter(|base| r.lineage.len() > 1 && cx.catalog.lookup(base).is_none());
    let finding = match (&r.model, missing_base) {
        (Some(model), Some(base)) => Finding::about(
            Code::UnknownModel,
            format!(
                "`{model}` is derived from `{base}`, which is not in the catalog: its licence cannot be checked"
            ),
            index,
            r,
        )
        .note(format!(
            "the catalog knows `{model}` as a re-upload of `{base}`, whose terms apply"
        )),
        // A name without a licence: say where the name came from, since
        // that is where the licence is missing.
        (Some(model), None) if cx.catalog.lookup(model).is_some() => Finding::about(
            Code::UnknownModel,
            format!("`{model}` is in the catalog, but no licence is recorded for it"),
            index,
            r,
        ),
        (Some(model), None) if r.reference.kind == RefKind::Artifact => {
            let file = r.reference.path.rsplit('/').next().unwrap_or(model);
            let named = if model == file {
                String::new()
            } else {
                format!(" (`{model}`)")
            };
            Finding::about(
                Code::UnknownModel,
                format!("the weight file `{file}`{named} has no licence modelgate can find: its licence cannot be checked"),
                index,
                r,
            )
            .note("looked in: the file's header, the base model in its folder's config.json, the folder's model card (README.md) and LICENSE file")
            .notes(&r.notes)
        }
        (Some(model), None) => Finding::about(
            Code::UnknownModel,
            format!("`{model}` has a model card, but it names no licence or base model the rule set knows: its licence cannot be checked"),
            index,
            r,
        )
        .notes(&r.notes),
        (None, _) => Finding::about(
            Code::UnknownModel,
            format!(
                "`{}` is not in the catalog: its licence cannot be checked",
                r.reference.text
            ),
            index,
            r,
        )
        // What a Hub lookup answered, when one was made.
        .notes(&r.notes),
    };
    let finding = match cx.catalog.suggest(&r.reference.text) {
        Some((family, license)) => finding.note(format!(
            "the name suggests the {family} family (licence {}); add a catalog entry or a model card to confirm",
            license.map_or("unknown", |l| l.id.as_str())
        )),
        None => finding,
    };
    Some(
        finding
            .with_severity(severity)
            .help("add a catalog entry with its source ([scan] rules = [\"…\"]) or record the licence with [[clarify]]")
            .label(&cx.policy.unknown, "unknown models are judged by this setting"),
    )
}

fn denied_model(index: usize, r: &ResolvedRef, cx: &Context<'_>) -> Option<Finding> {
    let candidates = [r.model.as_deref(), Some(r.reference.text.as_str())];
    let rule = cx.policy.deny_models.iter().find(|rule| {
        candidates
            .iter()
            .flatten()
            .any(|name| rule.matcher.is_match(name.to_ascii_lowercase()))
    })?;
    let mut finding = Finding::about(
        Code::LicenseDenied,
        format!(
            "`{}` is denied by the policy's [models] deny",
            model_text(r)
        ),
        index,
        r,
    );
    if let Some(reason) = &rule.reason {
        finding = finding.note(format!("reason: {reason}"));
    }
    finding = match &rule.use_instead {
        Some(alternative) => finding.help(format!("use `{alternative}` instead")),
        None => finding.help(waiver_help(Code::LicenseDenied)),
    };
    finding.policy_label = Some(super::PolicyLabel {
        file: rule.at.0,
        span: rule.at.1.clone(),
        message: format!("`{}` denied here", rule.pattern),
    });
    Some(finding)
}

fn model_not_allowed(
    index: usize,
    r: &ResolvedRef,
    _license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let allow = &cx.policy.allow_models;
    if allow.is_empty() {
        return None;
    }
    let names = [r.model.as_deref(), Some(r.reference.text.as_str())];
    let allowed = allow.iter().any(|rule| {
        names
            .iter()
            .flatten()
            .any(|n| rule.matcher.is_match(n.to_ascii_lowercase()))
    });
    if allowed {
        return None;
    }
    let mut finding = Finding::about(
        Code::LicenseDenied,
        format!("`{}` is not in the policy's [models] allow", model_text(r)),
        index,
        r,
    )
    .help("add the model to [models] allow after review, or use an allowed one");
    finding.policy_label = Some(super::PolicyLabel {
        file: allow[0].at.0,
        span: allow[0].at.1.clone(),
        message: "only these models may be used".to_string(),
    });
    Some(finding)
}

fn license_denied(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let p = cx.policy;
    if let Some(denied) = p.deny_licenses.iter().find(|d| d.value == license.id) {
        let message = format!(
            "`{}` is licensed under `{}`, which the policy denies",
            model_text(r),
            license.id
        );
        return Some(
            Finding::about(Code::LicenseDenied, message, index, r)
                .help(alternative_help(r, license, cx))
                .label(denied, "denied here"),
        );
    }
    if let Some(category) = p
        .deny_categories
        .iter()
        .find(|c| c.value == license.category)
    {
        let message = format!(
            "`{}` is licensed under `{}`, a {} licence the policy denies",
            model_text(r),
            license.id,
            license.category.as_str()
        );
        return Some(
            Finding::about(Code::LicenseDenied, message, index, r)
                .help(alternative_help(r, license, cx))
                .label(category, "category denied here"),
        );
    }
    if !p.allow_licenses.is_empty() && !p.allow_licenses.iter().any(|a| a.value == license.id) {
        let message = format!(
            "`{}` is licensed under `{}`, which is not in the policy's allow list",
            model_text(r),
            license.id
        );
        return Some(
            Finding::about(Code::LicenseDenied, message, index, r)
                .help(alternative_help(r, license, cx))
                .label(&p.allow_licenses[0], "only these licences are allowed"),
        );
    }
    None
}

fn non_commercial(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    // A research-only licence used commercially is one finding, the more
    // specific MG003, which carries this one as a note (one reference, one error).
    if cx.policy.use_.value != Use::Commercial
        || license.commercial_use != CommercialUse::Forbidden
        || license.research_only
    {
        return None;
    }
    let message = format!(
        "`{}` may not be used commercially (licence `{}`)",
        model_text(r),
        license.id
    );
    Some(
        Finding::about(Code::NonCommercial, message, index, r)
            .note(format!("{} does not grant commercial use", license.name))
            .help(alternative_help(r, license, cx))
            .label(&cx.policy.use_, "the project is declared commercial here"),
    )
}

fn research_only(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    if cx.policy.use_.value == Use::Research || !license.research_only {
        return None;
    }
    let message = format!(
        "`{}` is licensed for research only (licence `{}`)",
        model_text(r),
        license.id
    );
    let mut finding = Finding::about(Code::ResearchOnly, message, index, r);
    if cx.policy.use_.value == Use::Commercial && license.commercial_use == CommercialUse::Forbidden
    {
        finding = finding.note(format!(
            "{} does not grant commercial use either ({})",
            license.name,
            Code::NonCommercial.info().id
        ));
    }
    Some(
        finding
            .help(alternative_help(r, license, cx))
            .label(&cx.policy.use_, "the project is not declared research here"),
    )
}

fn user_threshold(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let limit = license.monthly_active_users_limit;
    if limit == 0 {
        return None;
    }
    let Some(declared) = &cx.policy.monthly_active_users else {
        let message = format!(
            "`{}` has a limit of {} monthly active users (licence `{}`); the policy declares none",
            model_text(r),
            group_thousands(limit),
            license.id
        );
        return Some(
            Finding::about(Code::UserThreshold, message, index, r)
                .with_severity(Severity::Info)
                .note("declare [project] monthly_active_users in modelgate.toml to have the limit checked"),
        );
    };
    // "greater than": exactly at the limit is within it.
    if declared.value <= limit {
        return None;
    }
    let message = format!(
        "`{}` allows at most {} monthly active users without a separate licence (licence `{}`)",
        model_text(r),
        group_thousands(limit),
        license.id
    );
    Some(
        Finding::about(Code::UserThreshold, message, index, r)
            .note(format!("the project declares {} monthly active users", group_thousands(declared.value)))
            .help("request a licence from the licensor and record it as an exception with its reason, or use a model without a user limit")
            .label(declared, "declared here"),
    )
}

fn revenue_threshold(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let limit = license.revenue_limit_usd;
    let declared = cx.policy.annual_revenue_usd.as_ref()?;
    // The policy declares a year's revenue. A monthly limit is certainly
    // passed when the year is above twelve months at the limit: some month
    // then is; below that, the months' split is unknown and nothing is said.
    let (annual_limit, period) = match license.revenue_limit_period {
        RevenuePeriod::Year => (limit, "annual revenue"),
        RevenuePeriod::Month => (limit.saturating_mul(12), "revenue in a month"),
    };
    if limit == 0 || declared.value <= annual_limit {
        return None;
    }
    let message = format!(
        "`{}` allows at most USD {} {period} (licence `{}`)",
        model_text(r),
        group_thousands(limit),
        license.id
    );
    let mut finding = Finding::about(Code::RevenueThreshold, message, index, r).note(format!(
        "the project declares USD {} annual revenue",
        group_thousands(declared.value)
    ));
    if license.revenue_limit_period == RevenuePeriod::Month {
        finding = finding.note(format!(
            "more than twelve months at USD {}: at least one month is above the limit",
            group_thousands(limit)
        ));
    }
    Some(
        finding
            .help("take an enterprise licence from the licensor and record it as an exception, or use a model without a revenue limit")
            .label(declared, "declared here"),
    )
}

fn attribution_required(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    _cx: &Context<'_>,
) -> Option<Finding> {
    if license.attribution.is_empty() {
        return None;
    }
    let message = format!(
        "`{}` requires attribution (licence `{}`)",
        model_text(r),
        license.id
    );
    let mut finding = Finding::about(Code::AttributionRequired, message, index, r)
        .note(format!("required notice: {}", license.attribution));
    if license.outputs_may_train_other_models == OutputTraining::AllowedWithNaming {
        finding = finding.note("a model trained on this model or its outputs that is distributed must carry the licensor's name");
    }
    Some(
        finding.help("ship the notice with the product (NOTICE file, about page or documentation)"),
    )
}

fn use_restrictions(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let passes_on = matches!(
        cx.policy.distribution.value,
        Distribution::Saas | Distribution::Distributed
    );
    if !license.use_restrictions || !passes_on {
        return None;
    }
    let message = format!(
        "`{}` comes with use restrictions that must be passed on to users (licence `{}`)",
        model_text(r),
        license.id
    );
    Some(
        Finding::about(Code::UseRestrictions, message, index, r)
            .help("put the licence's use restrictions into your terms of service and ship a copy of the licence")
            .label(&cx.policy.distribution, "the product reaches users"),
    )
}

fn output_training(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    if !cx.policy.trains_on_model_outputs.value {
        return None;
    }
    let (forbidden, help) = match license.outputs_may_train_other_models {
        OutputTraining::Forbidden => (
            "forbid using its outputs to train other models",
            "generate training data with a model whose terms allow it, or record the permission you have as an exception",
        ),
        OutputTraining::CompetingForbidden => (
            "forbid using its outputs to train models that compete with the licensor's",
            "if the models you train do not compete with the licensor's products, record that as an exception with its reason; otherwise generate training data with a model whose terms allow it",
        ),
        _ => return None,
    };
    let message = format!(
        "the terms of `{}` {forbidden} (licence `{}`)",
        model_text(r),
        license.id
    );
    Some(
        Finding::about(Code::OutputTraining, message, index, r)
            .help(help)
            .label(
                &cx.policy.trains_on_model_outputs,
                "the project trains on model outputs",
            ),
    )
}

fn closed_model(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    let p = cx.policy;
    if p.open_weights_only.value && license.hosted_only {
        let message = format!(
            "`{}` is a hosted-only model; the policy requires open weights",
            model_text(r)
        );
        return Some(
            Finding::about(Code::ClosedModel, message, index, r)
                .help(alternative_help(r, license, cx))
                .label(&p.open_weights_only, "required here"),
        );
    }
    if p.osi_approved_only.value && !license.osi_approved {
        let message = format!(
            "`{}` is not under an OSI-approved licence (`{}`)",
            model_text(r),
            license.id
        );
        return Some(
            Finding::about(Code::ClosedModel, message, index, r)
                .help(alternative_help(r, license, cx))
                .label(&p.osi_approved_only, "required here"),
        );
    }
    None
}

fn share_alike(
    index: usize,
    r: &ResolvedRef,
    license: &License,
    cx: &Context<'_>,
) -> Option<Finding> {
    if !license.share_alike || cx.policy.distribution.value != Distribution::Distributed {
        return None;
    }
    let message = format!(
        "`{}` is under a share-alike licence (`{}`) in a distributed product",
        model_text(r),
        license.id
    );
    Some(
        Finding::about(Code::ShareAlike, message, index, r)
            .help("adapted material you ship must carry the same licence; check that it can")
            .label(&cx.policy.distribution, "distributed"),
    )
}

/// Permissively licensed stand-ins by kind of model, suggested when the catalog
/// has them under a permissive licence.
const ALTERNATIVES: &[(&str, &[&str])] = &[
    ("image", &["black-forest-labs/FLUX.1-schnell"]),
    ("speech", &["openai/whisper-large-v3"]),
    (
        "embedding",
        &[
            "BAAI/bge-small-en-v1.5",
            "sentence-transformers/all-MiniLM-L6-v2",
        ],
    ),
    (
        "text",
        &[
            "mistralai/Mistral-7B-Instruct-v0.3",
            "mistralai/Mixtral-8x7B-Instruct-v0.1",
        ],
    ),
];

/// What a model does, guessed from its name, to suggest an alternative of the same kind.
fn kind_of(name: &str) -> &'static str {
    let name = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["diffusion", "flux", "sdxl", "dall-e", "image"]) {
        "image"
    } else if has(&["whisper", "speech", "tts"]) {
        "speech"
    } else if has(&["embed", "bge", "minilm", "mpnet", "e5-", "gte-"]) {
        "embedding"
    } else {
        "text"
    }
}

/// A permissively licensed model of the same kind from the catalog, or the waiver syntax.
fn alternative_help(r: &ResolvedRef, license: &License, cx: &Context<'_>) -> String {
    let kind = kind_of(model_text(r));
    let candidates = ALTERNATIVES
        .iter()
        .filter(|(k, _)| *k == kind)
        .flat_map(|(_, ids)| ids.iter());
    let permissive = candidates
        .filter_map(|id| cx.catalog.resolve(id))
        .find(|alt| {
            alt.license.is_some_and(|l| {
                l.id != license.id && l.commercial_use == CommercialUse::Allowed && !l.hosted_only
            })
        });
    match permissive {
        Some(alt) => format!(
            "consider a permissively licensed model such as `{}` ({}); `modelgate show` prints its terms",
            alt.model_id,
            alt.license.map_or("", |l| l.id.as_str())
        ),
        None => waiver_help_text(),
    }
}

fn waiver_help_text() -> String {
    "use a model under a licence the policy accepts, or waive a reviewed use with a reason (`# modelgate: allow(CODE) reason=\"…\"`)".to_string()
}
