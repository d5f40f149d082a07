//! The catalog: licences and models from the rule set, validated, and the
//! lookup that resolves a referenced name to a model, its lineage and licence.
//! Loading and validation live in `load`; this module never reads files.

pub mod load;
pub mod names;
pub mod normalise;
pub mod schema;

use std::collections::{BTreeMap, HashMap};

use globset::GlobMatcher;

pub use schema::{
    Category, CommercialUse, Confidence, OutputTraining, RevenuePeriod, TerritoryScope,
};

/// A licence with its machine-checkable terms.
#[derive(Debug, Clone)]
pub struct License {
    pub id: String,
    pub name: String,
    pub url: String,
    pub version: String,
    pub spdx: Option<String>,
    pub category: Category,
    pub osi_approved: bool,
    pub commercial_use: CommercialUse,
    pub monthly_active_users_limit: u64,
    pub revenue_limit_usd: u64,
    pub revenue_limit_period: RevenuePeriod,
    pub research_only: bool,
    pub use_restrictions: bool,
    pub outputs_may_train_other_models: OutputTraining,
    pub share_alike: bool,
    pub hosted_only: bool,
    pub flow_down: bool,
    pub territory_restriction: String,
    pub territory_applies_to: TerritoryScope,
    pub attribution: String,
    pub licensor: Option<String>,
    pub confidence: Confidence,
    pub source: String,
    pub notes: Vec<String>,
    /// The rule file (in the load's file database) and the byte span of its id.
    pub origin: Origin,
}

/// A catalog entry: an exact model id or a glob of ids.
#[derive(Debug, Clone)]
pub struct Model {
    pub id: String,
    pub provider: String,
    /// The entry's own licence; `None` means inherited from `base_model`.
    pub license: Option<String>,
    pub aliases: Vec<String>,
    pub base_model: Option<String>,
    pub source: String,
    pub confidence: Option<Confidence>,
    pub notes: Vec<String>,
    /// Earlier licences, oldest first.
    pub history: Vec<Relicensing>,
    /// Single-file checkpoint names (rules `files`).
    pub files: Vec<String>,
    /// Names of the entry that count only in a model place (rules `ambiguous`).
    pub ambiguous: Vec<String>,
    /// `(provider, name)`: names that mean this entry in that provider's places.
    pub provider_aliases: Vec<(String, String)>,
    /// Takes images or other media as well as text (rules `multimodal`).
    pub multimodal: bool,
    pub origin: Origin,
}

/// A licence a model had before: in force until `until` (exclusive) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relicensing {
    pub license: String,
    pub until: Option<String>,
    pub source: String,
}

impl Model {
    pub fn is_pattern(&self) -> bool {
        is_glob(&self.id)
    }
}

/// Where an entry was defined: a file of the load's database and a byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub span: std::ops::Range<usize>,
}

pub fn is_glob(id: &str) -> bool {
    id.contains(['*', '?', '[', '{'])
}

/// A glob entry, ranked: more literal characters is more specific; with as many,
/// fewer wildcards wins; `rules check` rejects two equal patterns matching one id.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub matcher: GlobMatcher,
    pub specificity: Specificity,
    pub model: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    pub literal_chars: usize,
    pub fewer_wildcards: std::cmp::Reverse<usize>,
}

impl Specificity {
    pub fn of(glob: &str) -> Self {
        let wildcards = glob
            .chars()
            .filter(|c| matches!(c, '*' | '?' | '[' | '{'))
            .count();
        let literal_chars = glob
            .chars()
            .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | ','))
            .count();
        Specificity {
            literal_chars,
            fewer_wildcards: std::cmp::Reverse(wildcards),
        }
    }
}

/// What the rule set says about a Hugging Face licence identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HfLicense {
    /// The id of a licence of the rule set.
    Mapped(String),
    /// Not supported, with the reason.
    Unsupported(String),
}

/// The validated rule set.
#[derive(Debug, Default)]
pub struct Catalog {
    pub licenses: BTreeMap<String, License>,
    pub models: Vec<Model>,
    /// Hugging Face licence identifiers (`license:` of model cards).
    pub hf_licenses: BTreeMap<String, HfLicense>,
    /// Lower-cased exact ids and aliases → model index.
    exact: HashMap<String, usize>,
    /// Checkpoint file names, lower case.
    files: HashMap<String, usize>,
    /// Lower-cased names marked `ambiguous`.
    ambiguous: std::collections::HashSet<String>,
    /// Provider → lower-cased name → model index (rules `provider_aliases`).
    scoped: HashMap<String, HashMap<String, usize>>,
    /// The name part of exact Hub ids (`mistral-7b-instruct-v0.2` of
    /// `mistralai/Mistral-7B-Instruct-v0.2`), lower case, for GGUF file names;
    /// `None` where two entries share it.
    name_parts: HashMap<String, Option<usize>>,
    /// Most specific first; compiled on first use, as a run whose names all
    /// resolve exactly never needs them (start-up time).
    patterns: std::sync::OnceLock<Vec<Pattern>>,
    /// The same globs, in the same order, as one set: a name is matched
    /// against all of them at once.
    /// (`None` if the set cannot be built: each glob is then tried in turn.)
    pattern_set: std::sync::OnceLock<Option<globset::GlobSet>>,
}

/// How a name was found in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    Alias,
    Pattern,
}

/// A referenced name resolved: the entry, the chain of bases, the effective licence.
#[derive(Debug, Clone)]
pub struct Resolved<'c> {
    pub model: &'c Model,
    /// The concrete id this reference stands for (a pattern's match is the referenced name).
    pub model_id: String,
    pub matched: MatchKind,
    /// From the referenced model to its root, by `base_model` (concrete ids).
    pub lineage: Vec<String>,
    pub license: Option<&'c License>,
    /// The model was relicensed: what applied before (a note, or the licence
    /// in force on the pinned date).
    pub history: &'c [Relicensing],
}

impl Resolved<'_> {
    /// The lineage's model ids, without the licence id that ends it.
    pub fn model_lineage(&self) -> &[String] {
        let models = self.lineage.len() - usize::from(self.license.is_some());
        &self.lineage[..models]
    }
}

const MAX_LINEAGE: usize = 16;

/// Name fragments that plainly embed a model family, most specific first, the
/// family's name, and a catalog entry of that family (whose licence the
/// family's models share; its size is not the name's). Families whose licence differs by size
/// (Qwen2.5) are left out: a guess there would mislead.
const FAMILY_HINTS: &[(&[&str], &str, &str)] = &[
    (
        &["llama-3.3", "llama3.3"],
        "Llama 3.3",
        "meta-llama/Llama-3.3-70B-Instruct",
    ),
    (
        &["llama-3.2", "llama3.2"],
        "Llama 3.2",
        "meta-llama/Llama-3.2-1B",
    ),
    (
        &["llama-3.1", "llama3.1"],
        "Llama 3.1",
        "meta-llama/Llama-3.1-8B",
    ),
    (
        &["llama-3", "llama3"],
        "Llama 3",
        "meta-llama/Meta-Llama-3-8B",
    ),
    (
        &["llama-2", "llama2"],
        "Llama 2",
        "meta-llama/Llama-2-7b-hf",
    ),
    (
        &["codellama", "code-llama"],
        "Code Llama",
        "meta-llama/CodeLlama-7b-hf",
    ),
    (&["mixtral"], "Mixtral", "mistralai/Mixtral-8x7B-v0.1"),
    (&["mistral-7b"], "Mistral 7B", "mistralai/Mistral-7B-v0.1"),
    (&["gemma-2", "gemma2"], "Gemma 2", "google/gemma-2-9b"),
    (
        &["vicuna-7b-v1.5", "vicuna-13b-v1.5"],
        "Vicuna v1.5",
        "lmsys/vicuna-7b-v1.5",
    ),
    (&["alpaca"], "Alpaca", "tatsu-lab/alpaca-7b-wdiff"),
    (
        &["flux.1-dev", "flux1-dev", "flux-dev"],
        "FLUX.1 [dev]",
        "black-forest-labs/FLUX.1-dev",
    ),
    (
        &["flux.1-schnell", "flux-schnell"],
        "FLUX.1 [schnell]",
        "black-forest-labs/FLUX.1-schnell",
    ),
    (&["falcon-180b"], "Falcon 180B", "tiiuae/falcon-180B"),
    (&["mpt-7b-chat"], "MPT-7B-Chat", "mosaicml/mpt-7b-chat"),
    (
        &["command-r"],
        "C4AI Command R",
        "CohereForAI/c4ai-command-r-v01",
    ),
    (
        &["stable-diffusion-v1-5", "sd-v1-5", "sd15"],
        "Stable Diffusion 1.5",
        "runwayml/stable-diffusion-v1-5",
    ),
    (
        &["whisper-large-v3"],
        "Whisper large-v3",
        "openai/whisper-large-v3",
    ),
];

impl Catalog {
    pub fn new(licenses: BTreeMap<String, License>, models: Vec<Model>) -> Catalog {
        let mut catalog = Catalog {
            licenses,
            models,
            ..Catalog::default()
        };
        catalog.index();
        catalog
    }

    fn index(&mut self) {
        for (i, model) in self.models.iter().enumerate() {
            if !model.is_pattern() {
                self.exact.entry(model.id.to_ascii_lowercase()).or_insert(i);
            }
        }
        for (i, model) in self.models.iter().enumerate() {
            for alias in &model.aliases {
                self.exact.entry(alias.to_ascii_lowercase()).or_insert(i);
            }
            for file in &model.files {
                self.files.entry(file.to_ascii_lowercase()).or_insert(i);
            }
            self.ambiguous
                .extend(model.ambiguous.iter().map(|name| name.to_ascii_lowercase()));
            for (provider, name) in &model.provider_aliases {
                self.scoped
                    .entry(provider.clone())
                    .or_default()
                    .entry(name.to_ascii_lowercase())
                    .or_insert(i);
            }
            if let Some((_, name)) = model.id.split_once('/').filter(|_| !model.is_pattern()) {
                self.name_parts
                    .entry(name.to_ascii_lowercase())
                    .and_modify(|shared| *shared = None)
                    .or_insert(Some(i));
            }
        }
    }

    /// The entry whose checkpoint file name `name` is (any case): listed in
    /// its `files`, or a GGUF conversion named `<model>.<quantisation>.gguf`
    /// (`mistral-7b-instruct-v0.2.Q5_K_M.gguf`) of one entry's model name.
    pub fn by_file(&self, name: &str) -> Option<&Model> {
        let lower = name.to_ascii_lowercase();
        if let Some(&i) = self.files.get(&lower) {
            return Some(&self.models[i]);
        }
        let stem = normalise::gguf_model_stem(&lower)?;
        let index = (*self.name_parts.get(stem)?)?;
        Some(&self.models[index])
    }

    /// The pattern entries' globs as one set, in the order of `patterns`.
    fn pattern_set(&self) -> Option<&globset::GlobSet> {
        self.pattern_set
            .get_or_init(|| {
                let mut set = globset::GlobSetBuilder::new();
                for pattern in self.patterns() {
                    set.add(pattern.matcher.glob().clone());
                }
                set.build().ok()
            })
            .as_ref()
    }

    /// The pattern entries, most specific first.
    pub fn patterns(&self) -> &[Pattern] {
        self.patterns.get_or_init(|| {
            let mut patterns: Vec<Pattern> = self
                .models
                .iter()
                .enumerate()
                .filter(|(_, model)| model.is_pattern())
                .filter_map(|(i, model)| {
                    let glob = globset::GlobBuilder::new(&model.id.to_ascii_lowercase())
                        .literal_separator(true)
                        .build()
                        .ok()?;
                    Some(Pattern {
                        matcher: glob.compile_matcher(),
                        specificity: Specificity::of(&model.id),
                        model: i,
                    })
                })
                .collect();
            let models = &self.models;
            patterns.sort_by(|a, b| {
                b.specificity
                    .cmp(&a.specificity)
                    .then_with(|| models[a.model].id.cmp(&models[b.model].id))
            });
            patterns
        })
    }

    /// Entries whose id or an alias contains `text` (case-insensitive), in id order.
    pub fn search(&self, text: &str) -> Vec<&Model> {
        let needle = text.to_ascii_lowercase();
        let mut found: Vec<&Model> = self
            .models
            .iter()
            .filter(|m| {
                std::iter::once(&m.id)
                    .chain(&m.aliases)
                    .any(|n| n.to_ascii_lowercase().contains(&needle))
            })
            .collect();
        found.sort_by_key(|m| m.id.to_ascii_lowercase());
        found
    }

    /// The licence an entry stands for: its own, or the first up its `base_model` chain.
    pub fn license_of(&self, model: &Model) -> Option<&License> {
        let probe = model.id.replacen('*', "x", 1);
        match &model.license {
            Some(id) => self.licenses.get(id),
            None => self.resolve(&probe).and_then(|r| r.license),
        }
    }

    /// For a name the catalog does not know, the family its name plainly
    /// embeds (`acme/Llama-2-7B-support-GGUF` → Llama 2): a hint, never a verdict.
    /// The family's name and licence; the entry stands for the family, so a
    /// hint never names a size the name does not carry.
    pub fn suggest(&self, name: &str) -> Option<(&'static str, Option<&License>)> {
        let lower = name.to_ascii_lowercase().replace('_', "-");
        FAMILY_HINTS
            .iter()
            .find(|(words, _, _)| words.iter().any(|w| lower.contains(w)))
            .and_then(|(_, family, id)| Some((*family, self.resolve(id)?.license)))
    }

    /// Whether the catalog knows a name at all (weak contexts admit those).
    pub fn knows(&self, text: &str) -> bool {
        self.lookup(text).is_some()
    }

    /// Whether a name is an entry's id or alias (no pattern is tried).
    pub fn knows_exactly(&self, text: &str) -> bool {
        normalise::lookup_keys(text)
            .iter()
            .any(|key| self.exact.contains_key(key))
    }

    /// Whether a name is an entry's id or alias that names the model wherever
    /// it is written: the first of its lookup keys the catalog knows is not
    /// marked `ambiguous` (SPEC signal 2).
    pub fn knows_unambiguously(&self, text: &str) -> bool {
        normalise::lookup_keys(text)
            .iter()
            .find(|key| self.exact.contains_key(key.as_str()))
            .is_some_and(|key| !self.ambiguous.contains(key.as_str()))
    }

    /// The entry a name resolves to: exact ids and aliases first, for each
    /// lookup key in turn; then the most specific pattern.
    pub fn lookup(&self, text: &str) -> Option<(usize, MatchKind, String)> {
        self.lookup_by_keys(text, &normalise::lookup_keys(text))
    }

    /// `lookup` with the name's lookup keys already made.
    fn lookup_by_keys(&self, text: &str, keys: &[String]) -> Option<(usize, MatchKind, String)> {
        for key in keys {
            if let Some(&i) = self.exact.get(key) {
                let kind = if self.models[i].id.eq_ignore_ascii_case(key) {
                    MatchKind::Exact
                } else {
                    MatchKind::Alias
                };
                return Some((i, kind, self.models[i].id.clone()));
            }
        }
        // `vicuna-7b-v1.5` for `lmsys/vicuna-7b-v1.5`: a Hub repository's name
        // without its organisation, when one entry has that name and it reads
        // as a model's (a digit and a dash; not a word like `base`).
        if !text.contains('/') {
            for key in keys {
                let model_like = key.contains('-') && key.bytes().any(|b| b.is_ascii_digit());
                if let Some(&Some(i)) = self.name_parts.get(key).filter(|_| model_like) {
                    return Some((i, MatchKind::Alias, self.models[i].id.clone()));
                }
            }
        }
        let canonical = normalise::canonical(text);
        for key in keys {
            // The most specific: the first in the sorted order.
            let first = match self.pattern_set() {
                Some(set) => set.matches(key).into_iter().min(),
                None => self.patterns().iter().position(|p| p.matcher.is_match(key)),
            };
            if let Some(p) = first.and_then(|i| self.patterns().get(i)) {
                // The reference names a concrete model: keep its spelling.
                let id = if key.eq_ignore_ascii_case(&canonical) {
                    canonical.clone()
                } else {
                    key.clone()
                };
                return Some((p.model, MatchKind::Pattern, id));
            }
        }
        None
    }

    /// Resolves a name with its lineage and effective licence (the first licence
    /// found walking up the `base_model` chain). Cycle-safe.
    pub fn resolve(&self, text: &str) -> Option<Resolved<'_>> {
        self.resolve_for(text, None)
    }

    /// The entry a name resolves to in a place of `provider`: a
    /// `provider_aliases` name of that provider first, then as anywhere.
    pub fn lookup_for(
        &self,
        text: &str,
        provider: Option<&str>,
    ) -> Option<(usize, MatchKind, String)> {
        let keys = normalise::lookup_keys(text);
        if let Some(names) = provider.and_then(|p| self.scoped.get(p)) {
            if let Some(&i) = keys.iter().find_map(|key| names.get(key)) {
                return Some((i, MatchKind::Alias, self.models[i].id.clone()));
            }
        }
        if let Some(namespace) = provider.and_then(normalise::provider_namespace) {
            let bare = keys.iter().filter(|key| !key.contains('/'));
            for key in bare {
                let full = format!("{namespace}{key}");
                if let Some(found) = self.lookup_by_keys(&full, std::slice::from_ref(&full)) {
                    return Some(found);
                }
            }
        }
        self.lookup_by_keys(text, &keys)
    }

    /// `resolve` in a place of `provider` (SPEC "Context decides ambiguous names").
    pub fn resolve_for(&self, text: &str, provider: Option<&str>) -> Option<Resolved<'_>> {
        let (index, matched, model_id) = self.lookup_for(text, provider)?;
        let mut lineage = vec![model_id.clone()];
        let mut license = None;
        let mut current = (index, model_id.clone());
        loop {
            let model = &self.models[current.0];
            if license.is_none() {
                license = model
                    .license
                    .as_deref()
                    .and_then(|id| self.licenses.get(id));
            }
            let Some(base) = self.base_of(model, &current.1) else {
                break;
            };
            let found = self
                .lookup(&base)
                .or_else(|| normalise::strip_quant_suffixes(&base).and_then(|b| self.lookup(&b)));
            let Some((next, _, next_id)) = found else {
                lineage.push(base);
                break;
            };
            if lineage
                .iter()
                .any(|seen| seen.eq_ignore_ascii_case(&next_id))
                || lineage.len() >= MAX_LINEAGE
            {
                break;
            }
            lineage.push(next_id.clone());
            current = (next, next_id);
        }
        if let Some(license) = license {
            lineage.push(license.id.clone());
        }
        Some(Resolved {
            model: &self.models[index],
            model_id,
            matched,
            lineage,
            license,
            history: &self.models[index].history,
        })
    }

    /// Resolves a name as of a date (`YYYY-MM-DD`): where the model was
    /// relicensed, the licence in force that day replaces the current one.
    pub fn resolve_as_of(&self, text: &str, date: Option<&str>) -> Option<Resolved<'_>> {
        self.resolve_as_of_for(text, None, date)
    }

    /// `resolve_as_of` in a place of `provider`.
    pub fn resolve_as_of_for(
        &self,
        text: &str,
        provider: Option<&str>,
        date: Option<&str>,
    ) -> Option<Resolved<'_>> {
        let mut resolved = self.resolve_for(text, provider)?;
        let Some(date) = date else {
            return Some(resolved);
        };
        let earlier = resolved
            .history
            .iter()
            .find(|h| h.until.as_deref().is_some_and(|until| date < until));
        if let Some(license) = earlier.and_then(|h| self.licenses.get(&h.license)) {
            if let Some(last) = resolved.lineage.last_mut() {
                *last = license.id.clone();
            }
            resolved.license = Some(license);
        }
        Some(resolved)
    }

    /// Whether `license`'s territory clause covers a model with this lineage
    /// (model ids from the model to its root): a clause scoped to multimodal
    /// models covers a model when any entry of its lineage is multimodal.
    pub fn territory_applies(&self, license: &License, lineage: &[String]) -> bool {
        if license.territory_restriction.is_empty() {
            return false;
        }
        match license.territory_applies_to {
            TerritoryScope::All => true,
            TerritoryScope::Multimodal => lineage.iter().any(|id| {
                self.lookup(id)
                    .is_some_and(|(index, _, _)| self.models[index].multimodal)
            }),
        }
    }

    /// The base of `model` as matched by `id`: a pattern's single `*` in
    /// `base_model` is filled with what the `*` of the entry's id matched.
    fn base_of(&self, model: &Model, id: &str) -> Option<String> {
        let base = model.base_model.as_deref().filter(|b| !b.is_empty())?;
        if !base.contains('*') {
            return Some(base.to_string());
        }
        let capture = capture_star(&model.id, id)?;
        Some(base.replacen('*', &capture, 1))
    }
}

/// What the single `*` of `pattern` matched in `text` (case-insensitive).
fn capture_star(pattern: &str, text: &str) -> Option<String> {
    let (prefix, suffix) = pattern.split_once('*')?;
    if is_glob(suffix) || text.len() < prefix.len() + suffix.len() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let matches = lower.starts_with(&prefix.to_ascii_lowercase())
        && lower.ends_with(&suffix.to_ascii_lowercase());
    matches.then(|| text[prefix.len()..text.len() - suffix.len()].to_string())
}

#[cfg(test)]
mod tests;
