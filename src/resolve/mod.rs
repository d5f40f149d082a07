//! Stage 3, resolve: each reference's model, licence and lineage from the
//! catalog; for what the catalog does not know, from local sources — a
//! `[[clarify]]` of the policy, a model card in a folder of the tree, a weight
//! file's header, `config.json` or `LICENSE`, the local Hugging Face cache.
//! Weak candidates that neither have a model shape nor resolve are dropped
//! here (they were never references). Never the network; never prints.

pub mod cards;
pub mod hub;
pub mod license_file;

use std::path::Path;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, HfLicense};
use crate::extract::candidate;
use crate::model::ModelRef;
use crate::model::{ArtifactInfo, RefKind};
use cards::{Card, Cards};

/// Where a reference's licence came from (the JSON `license_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseSource {
    Catalog,
    ModelCard,
    GgufHeader,
    ConfigJson,
    LicenseFile,
    /// Addition: a `[[clarify]]` entry of the policy.
    Clarified,
    HfCache,
    /// `--online`: the Hugging Face Hub's API.
    HubApi,
}

impl LicenseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LicenseSource::Catalog => "catalog",
            LicenseSource::ModelCard => "model-card",
            LicenseSource::GgufHeader => "gguf-header",
            LicenseSource::ConfigJson => "config-json",
            LicenseSource::LicenseFile => "license-file",
            LicenseSource::Clarified => "clarified",
            LicenseSource::HfCache => "hf-cache",
            LicenseSource::HubApi => "hub-api",
        }
    }
}

/// A reference with what the catalog says about it.
#[derive(Debug, Clone)]
pub struct ResolvedRef {
    pub reference: ModelRef,
    /// The concrete model id (`None` when unresolved or dynamic).
    pub model: Option<String>,
    pub license: Option<String>,
    pub license_source: Option<LicenseSource>,
    /// Model ids from the reference to its root, then the licence id.
    pub lineage: Vec<String>,
    /// What a judgement of this reference must mention: a relicensing, an
    /// uncertain catalog entry.
    pub notes: Vec<String>,
}

impl ResolvedRef {
    /// The model a message names: the catalog's id, or what was written when
    /// the catalog knows it only as a family's pattern (`llama3.1:8b`, never
    /// `meta-llama/Llama-3.1-*`) or not at all.
    pub fn shown_name(&self) -> &str {
        self.model
            .as_deref()
            .filter(|m| !crate::catalog::is_glob(m))
            .unwrap_or(&self.reference.text)
    }
}

/// Resolves every reference; `as_of` (`YYYY-MM-DD`, the policy's
/// `licenses_as_of`) selects the licence in force that day for relicensed models.
pub fn resolve(
    references: Vec<ModelRef>,
    catalog: &Catalog,
    as_of: Option<&str>,
    local: Option<Cards>,
    artifacts: &BTreeMap<String, ArtifactInfo>,
) -> Vec<ResolvedRef> {
    let mut cards = local;
    let known = candidate::Known {
        any: &|t| catalog.knows(t),
        exactly: &|t| catalog.knows_unambiguously(t),
    };
    references
        .into_iter()
        .filter_map(|reference| {
            // A checkpoint file counts when an entry lists it, and names that entry.
            let checkpoint_of = match reference.kind {
                RefKind::CheckpointFile => Some(catalog.by_file(&reference.text)?.id.as_str()),
                _ if candidate::counts(
                    reference.dynamic,
                    reference.strength,
                    &reference.text,
                    &known,
                ) =>
                {
                    None
                }
                _ => return None,
            };
            Some((reference, checkpoint_of))
        })
        .map(|(reference, checkpoint_of)| {
            let resolved = resolve_one(reference, checkpoint_of, catalog, as_of);
            if let Some(info) = artifacts
                .get(&resolved.reference.path)
                .filter(|_| resolved.reference.kind == RefKind::Artifact)
            {
                return from_artifact(resolved, info, catalog, cards.as_mut());
            }
            match cards.as_mut() {
                Some(cards) if resolved.model.is_none() && !resolved.reference.dynamic => {
                    from_card(resolved, catalog, cards)
                }
                _ => resolved,
            }
        })
        .collect()
}

/// A reference to a folder of the tree with a model card: the card's
/// `base_model` lineage decides the licence (a leaf card can declare more
/// than its base allows); the card's own `license` when it names no base.
fn from_card(mut resolved: ResolvedRef, catalog: &Catalog, cards: &mut Cards) -> ResolvedRef {
    if let Some((license, reason)) = cards.clarified(&resolved.reference.text) {
        return clarified(resolved, license, &reason);
    }
    let (card, source) = match cards.for_folder(&resolved.reference.text) {
        Some(card) => (card, LicenseSource::ModelCard),
        None => match cards.from_hf_cache(&crate::catalog::normalise::canonical(
            &resolved.reference.text,
        )) {
            Some(card) => (card, LicenseSource::HfCache),
            None => return resolved,
        },
    };
    let name = resolved.reference.text.clone();
    let base = card.base_models.iter().find_map(|b| catalog.resolve(b));
    let (lineage, license, conflict) = inherit(
        &name,
        card_license(&card, catalog),
        base.map(Base::from_catalog),
        &format!("the card {}", card.path),
    );
    resolved.notes.extend(conflict);
    resolved.lineage = lineage;
    resolved.license = license;
    resolved.model = Some(name);
    resolved.license_source = resolved.license.as_ref().map(|_| source);
    resolved
        .notes
        .push(match (&resolved.license, card.named_license()) {
            (Some(_), _) => format!("licence from the model card {}", card.path),
            (None, Some(id)) => format!(
                "the model card {} declares `{id}`, which the rule set does not know",
                card.path
            ),
            (None, None) => format!("the model card {} declares no licence", card.path),
        });
    resolved
}

/// A weight file: its header's base models decide the licence (as for a
/// card, a leaf can declare more than its base allows), then its own
/// `general.license`, then the model card of its folder.
fn from_artifact(
    mut resolved: ResolvedRef,
    info: &ArtifactInfo,
    catalog: &Catalog,
    cards: Option<&mut Cards>,
) -> ResolvedRef {
    let name = info
        .name
        .clone()
        .unwrap_or_else(|| resolved.reference.text.clone());
    let declared = info.license.as_deref().and_then(|l| license_id(l, catalog));
    let unknown_declared = info.license.is_some() && declared.is_none();
    let base = info.base_models.iter().find_map(|b| catalog.resolve(b));
    if base.is_some() || declared.is_some() {
        let (lineage, license, conflict) = inherit(
            &name,
            declared,
            base.map(Base::from_catalog),
            "the GGUF header",
        );
        resolved.notes.extend(conflict);
        resolved.lineage = lineage;
        resolved.license = license;
    } else if let Some(folder) = Path::new(&resolved.reference.path)
        .parent()
        .and_then(|p| p.to_str())
        .filter(|p| !p.is_empty())
    {
        let Some(cards) = cards else { return resolved };
        if let Some((license, reason)) = cards.clarified(folder) {
            resolved.model = Some(name.clone());
            return clarified(resolved, license, &reason);
        }
        let found = match cards.for_folder(folder) {
            Some(card) => {
                card_license(&card, catalog).map(|l| (l, LicenseSource::ModelCard, card.path))
            }
            None => license_file::identify(&cards.root().join(folder), catalog)
                .map(|(l, file)| (l, LicenseSource::LicenseFile, format!("{folder}/{file}"))),
        };
        if let Some((license, source, from)) = found {
            resolved.lineage = vec![name.clone(), license.clone()];
            resolved.license = Some(license);
            resolved.license_source = Some(source);
            resolved.notes.push(format!("licence from {from}"));
            resolved.model = Some(name);
            return resolved;
        }
    }
    if unknown_declared {
        resolved.notes.push(format!(
            "the GGUF header's licence `{}` is not in the rule set",
            info.license.as_deref().unwrap_or("")
        ));
    }
    let source = if info.source == "config-json" {
        LicenseSource::ConfigJson
    } else {
        LicenseSource::GgufHeader
    };
    resolved.license_source = resolved.license.as_ref().map(|_| source);
    resolved.model = Some(name);
    resolved
}

/// The policy's `[[clarify]]` decides the licence of a local model folder.
fn clarified(mut resolved: ResolvedRef, license: String, reason: &str) -> ResolvedRef {
    let name = resolved
        .model
        .clone()
        .unwrap_or_else(|| resolved.reference.text.clone());
    resolved.lineage = vec![name.clone(), license.clone()];
    resolved.license = Some(license);
    resolved.license_source = Some(LicenseSource::Clarified);
    resolved
        .notes
        .push(format!("licence clarified in the policy: {reason}"));
    resolved.model = Some(name);
    resolved
}

/// A licence as files write it (a Hub id, a rule-set id or an SPDX id), as a rule-set id.
fn license_id(text: &str, catalog: &Catalog) -> Option<String> {
    let lower = text.trim().to_ascii_lowercase();
    if let Some(HfLicense::Mapped(id)) = catalog.hf_licenses.get(&lower) {
        return Some(id.clone());
    }
    if catalog.licenses.contains_key(&lower) {
        return Some(lower);
    }
    catalog
        .licenses
        .values()
        .find(|l| {
            l.spdx
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(text.trim()))
        })
        .map(|l| l.id.clone())
}

/// The licence a card declares, as a licence id of the rule set.
fn card_license(card: &Card, catalog: &Catalog) -> Option<String> {
    card.named_license().and_then(|id| license_id(id, catalog))
}

/// A base a leaf names, as resolved: its id, lineage and licence.
struct Base {
    id: String,
    lineage: Vec<String>,
    license: Option<String>,
}

impl Base {
    fn from_catalog(resolved: crate::catalog::Resolved<'_>) -> Base {
        Base {
            id: resolved.model_id.clone(),
            license: resolved.license.map(|l| l.id.clone()),
            lineage: resolved.lineage,
        }
    }
}

/// A leaf's lineage and licence from what `declarer` (a card, a header)
/// declares and the base it names: the base's licence decides (a leaf can
/// declare more than its base allows), and a different declaration is
/// noted; without a base, the declaration.
fn inherit(
    name: &str,
    declared: Option<String>,
    base: Option<Base>,
    declarer: &str,
) -> (Vec<String>, Option<String>, Option<String>) {
    let Some(base) = base else {
        let lineage = std::iter::once(name.to_string())
            .chain(declared.clone())
            .collect();
        return (lineage, declared, None);
    };
    let conflict = match (&declared, &base.license) {
        (Some(declared), Some(inherited)) if declared != inherited => Some(format!(
            "{declarer} declares `{declared}`, but its base `{}` is under `{inherited}`: the base's licence applies",
            base.id
        )),
        _ => None,
    };
    let lineage = std::iter::once(name.to_string())
        .chain(base.lineage)
        .collect();
    (lineage, base.license.or(declared), conflict)
}

/// Resolves `reference`; a checkpoint file as the entry `checkpoint_of` that lists it.
fn resolve_one(
    reference: ModelRef,
    checkpoint_of: Option<&str>,
    catalog: &Catalog,
    as_of: Option<&str>,
) -> ResolvedRef {
    let name = checkpoint_of.unwrap_or(&reference.text);
    // An architecture with its weights' tag (open_clip) is looked up as the
    // pair `ARCH/TAG` first: the tag decides whose weights, and their licence.
    let resolved = Some(name).filter(|_| !reference.dynamic).and_then(|name| {
        let pair = reference
            .weights
            .as_ref()
            .map(|tag| format!("{name}/{tag}"));
        pair.and_then(|pair| catalog.resolve_as_of_for(&pair, reference.provider, as_of))
            .or_else(|| catalog.resolve_as_of_for(name, reference.provider, as_of))
    });
    let Some(resolved) = resolved else {
        return ResolvedRef {
            reference,
            model: None,
            license: None,
            license_source: None,
            lineage: Vec::new(),
            notes: Vec::new(),
        };
    };
    let license = resolved.license.map(|l| l.id.clone());
    ResolvedRef {
        model: Some(resolved.model_id.clone()),
        license_source: license.as_ref().map(|_| LicenseSource::Catalog),
        license,
        notes: resolution_notes(&resolved, as_of),
        lineage: resolved.lineage,
        reference,
    }
}

fn resolution_notes(resolved: &crate::catalog::Resolved<'_>, as_of: Option<&str>) -> Vec<String> {
    let mut notes: Vec<String> = relicensing_note(resolved, as_of).into_iter().collect();
    if resolved.model.confidence == Some(crate::catalog::Confidence::U) {
        notes.push(format!(
            "the catalog entry `{}` is marked uncertain (confidence U): confirm it at {}",
            resolved.model.id, resolved.model.source
        ));
    }
    notes
}

/// "relicensed: …" for models with a licence history.
fn relicensing_note(
    resolved: &crate::catalog::Resolved<'_>,
    as_of: Option<&str>,
) -> Option<String> {
    if resolved.history.is_empty() {
        return None;
    }
    let earlier: Vec<String> = resolved
        .history
        .iter()
        .map(|h| match &h.until {
            Some(until) => format!("{} until {until}", h.license),
            None => format!("{} earlier (date unknown)", h.license),
        })
        .collect();
    let current = resolved.license.map_or("unknown", |l| l.id.as_str());
    let judged = match as_of {
        Some(date) => format!("judged by `{current}`, the licence in force on {date} ([project] licenses_as_of)"),
        None => format!(
            "the current licence `{current}` applies; set [project] licenses_as_of to judge by the licence of the day the models were reviewed"
        ),
    };
    Some(format!("relicensed: {}; {judged}", earlier.join(", ")))
}

/// How many Hub answers deep a lineage is followed: a fine-tune of a merge of
/// a quantisation … of a catalog model.
const HUB_DEPTH: usize = 5;

/// `--online`/`--offline`: the references still unknown after the catalog and
/// the local sources whose name is a Hub id are looked up on the Hugging Face
/// Hub; a base the catalog does not know is looked up in turn. The nearest
/// base the catalog knows decides the licence, as for local cards.
pub fn from_hub(
    references: &mut [ResolvedRef],
    catalog: &Catalog,
    options: &hub::HubOptions,
    root: &Path,
) -> hub::HubCounts {
    // A name that is a folder of the scanned tree is the project's own
    // model, never sent to the Hub.
    let asked = |r: &ResolvedRef| {
        r.model.is_none()
            && !r.reference.dynamic
            && r.reference.kind != RefKind::Artifact
            && r.reference.provider.is_none_or(|p| p == "huggingface")
            && !root.join(&r.reference.text).is_dir()
    };
    // (reference index, Hub id), each reference checked once.
    let wanted: Vec<(usize, String)> = references
        .iter()
        .enumerate()
        .filter(|(_, r)| asked(r))
        .map(|(i, r)| (i, crate::catalog::normalise::canonical(&r.reference.text)))
        .filter(|(_, id)| hub::is_hub_id(id))
        .collect();
    let ids: std::collections::BTreeSet<String> = wanted.iter().map(|(_, id)| id.clone()).collect();
    let (answers, counts) = ask_hub(ids.into_iter().collect(), catalog, options);
    for (i, id) in wanted {
        apply_hub_answer(
            &mut references[i],
            &id,
            &answers,
            catalog,
            &options.endpoint,
        );
    }
    counts
}

/// The Hub's answers for `ids` and, in turn, for the bases of theirs the
/// catalog does not know, up to [`HUB_DEPTH`] deep.
pub fn ask_hub(
    ids: Vec<String>,
    catalog: &Catalog,
    options: &hub::HubOptions,
) -> (hub::Answers, hub::HubCounts) {
    let mut round = ids;
    let mut answers = hub::Answers::new();
    let mut counts = hub::HubCounts::default();
    for _ in 0..HUB_DEPTH {
        if round.is_empty() {
            break;
        }
        let (got, c) = hub::look_up(&round, options);
        counts.looked_up += c.looked_up;
        counts.cached += c.cached;
        counts.failed += c.failed;
        answers.extend(got);
        // Bases the catalog does not know, not asked yet.
        round = answers
            .values()
            .filter_map(|a| match a {
                hub::Answer::Found(m) => Some(m),
                _ => None,
            })
            .filter(|m| !m.base_models.iter().any(|b| catalog.resolve(b).is_some()))
            .flat_map(|m| m.base_models.iter())
            .map(|b| crate::catalog::normalise::canonical(b))
            .filter(|b| hub::is_hub_id(b) && !answers.contains_key(b))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
    }
    (answers, counts)
}

/// What the Hub's answers say about one id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HubResolution {
    /// The id, when the Hub answered for it (even without a licence).
    pub model: Option<String>,
    pub license: Option<String>,
    pub lineage: Vec<String>,
    pub notes: Vec<String>,
}

/// The licence, lineage and notes `answers` give `id`.
pub fn hub_resolution(
    id: &str,
    answers: &hub::Answers,
    catalog: &Catalog,
    endpoint: &str,
) -> HubResolution {
    let mut resolution = HubResolution::default();
    let model = match answers.get(id) {
        Some(hub::Answer::Found(model)) => model,
        Some(hub::Answer::NotOnHub) => {
            resolution
                .notes
                .push(format!("not on the Hugging Face Hub ({endpoint}/{id})"));
            return resolution;
        }
        Some(hub::Answer::Denied { status }) => {
            resolution.notes.push(format!(
                "the Hugging Face Hub refused the lookup (HTTP {status}): the repository is gated or private; set HF_TOKEN to a token with access"
            ));
            return resolution;
        }
        Some(hub::Answer::Failed { reason }) => {
            resolution
                .notes
                .push(format!("the Hugging Face Hub lookup failed: {reason}"));
            return resolution;
        }
        None => return resolution,
    };
    let (lineage, license, notes) = hub_lineage(id, model, answers, catalog, endpoint, 0);
    if model.id != id {
        resolution.notes.push(format!(
            "renamed on the Hugging Face Hub: `{id}` is now `{}`",
            model.id
        ));
    }
    resolution.notes.extend(notes);
    if model.gated {
        resolution
            .notes
            .push("gated on the Hugging Face Hub: its terms are accepted per user".to_string());
    }
    resolution.model = Some(id.to_string());
    resolution.license = license;
    resolution.lineage = lineage;
    resolution
}

fn apply_hub_answer(
    r: &mut ResolvedRef,
    id: &str,
    answers: &hub::Answers,
    catalog: &Catalog,
    endpoint: &str,
) {
    let resolution = hub_resolution(id, answers, catalog, endpoint);
    r.notes.extend(resolution.notes);
    if resolution.model.is_some() {
        r.model = resolution.model;
        r.license_source = resolution.license.as_ref().map(|_| LicenseSource::HubApi);
        r.license = resolution.license;
        r.lineage = resolution.lineage;
    }
}

/// The lineage and licence of a Hub model: through the first base the
/// catalog knows, else through a base the Hub answered for, else its own
/// card's licence.
fn hub_lineage(
    id: &str,
    model: &hub::HubModel,
    answers: &hub::Answers,
    catalog: &Catalog,
    endpoint: &str,
    depth: usize,
) -> (Vec<String>, Option<String>, Vec<String>) {
    let card = model.card(endpoint);
    let declared = card_license(&card, catalog);
    let declarer = format!("the Hugging Face Hub card {}", card.path);
    let mut notes: Vec<String> = model
        .base_model_relation
        .iter()
        .map(|relation| {
            let bases: Vec<String> = model.base_models.iter().map(|b| format!("`{b}`")).collect();
            format!(
                "the Hugging Face Hub names it a {relation} of {}",
                bases.join(", ")
            )
        })
        .collect();
    if let Some(base) = model.base_models.iter().find_map(|b| catalog.resolve(b)) {
        let (lineage, license, conflict) =
            inherit(id, declared, Some(Base::from_catalog(base)), &declarer);
        notes.extend(conflict);
        notes.push(format!(
            "licence from the Hugging Face Hub: {}, base model in the catalog",
            card.path
        ));
        return (lineage, license, notes);
    }
    // A base the catalog lacks, through the Hub's answer for it.
    let via_hub = (depth < HUB_DEPTH)
        .then(|| {
            model.base_models.iter().find_map(|base| {
                let key = crate::catalog::normalise::canonical(base);
                let hub::Answer::Found(base_model) = answers.get(&key)? else {
                    return None;
                };
                let (lineage, license, notes) =
                    hub_lineage(&key, base_model, answers, catalog, endpoint, depth + 1);
                license.is_some().then_some((key, lineage, license, notes))
            })
        })
        .flatten();
    if let Some((key, lineage, license, base_notes)) = via_hub {
        let base = Base {
            id: key,
            lineage,
            license,
        };
        let (lineage, license, conflict) = inherit(id, declared, Some(base), &declarer);
        notes.extend(conflict);
        notes.extend(base_notes);
        return (lineage, license, notes);
    }
    notes.push(match (&declared, card.named_license()) {
        (Some(license), _) => format!(
            "licence from the Hugging Face Hub: {} declares `{license}`",
            card.path
        ),
        (None, Some(written)) => {
            let link = model
                .license_link
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            format!("{declarer} declares `{written}`{link}, which the rule set does not map")
        }
        (None, None) => format!("{declarer} declares no licence"),
    });
    let (lineage, license, _) = inherit(id, declared, None, &declarer);
    (lineage, license, notes)
}
