//! The rule files as written (`rules/licenses/*.toml`, `rules/models/*.toml`):
//! serde types with spans on everything a diagnostic may point at. Validation
//! turns them into the catalog's own types (`catalog::License`, `catalog::Model`).

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// How a licence is classed for policies (`deny_categories`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    OpenSource,
    OpenWeights,
    NonCommercial,
    Proprietary,
    /// Tiny random weights of test suites (SPEC signal 6): listed, never judged.
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommercialUse {
    Allowed,
    Forbidden,
    /// Allowed under conditions: a user or revenue threshold, registration, an AUP.
    Conditional,
}

/// What the licence says about training other models on the model's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputTraining {
    Allowed,
    /// Forbidden for any model (or any model of the kind the text names).
    Forbidden,
    /// Forbidden only for models that compete with the licensor's products
    /// (the API terms of OpenAI, Anthropic, Google).
    CompetingForbidden,
    /// Allowed, but a model so trained must carry the licensor's name (Llama 3.1+, Qwen).
    AllowedWithNaming,
    /// The text does not say.
    Silent,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::OpenSource => "open-source",
            Category::OpenWeights => "open-weights",
            Category::NonCommercial => "non-commercial",
            Category::Proprietary => "proprietary",
            Category::Test => "test",
        }
    }
}

impl CommercialUse {
    pub fn as_str(self) -> &'static str {
        match self {
            CommercialUse::Allowed => "allowed",
            CommercialUse::Forbidden => "forbidden",
            CommercialUse::Conditional => "conditional",
        }
    }
}

/// The period a revenue limit is counted over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevenuePeriod {
    #[default]
    Year,
    Month,
}

impl RevenuePeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            RevenuePeriod::Year => "year",
            RevenuePeriod::Month => "month",
        }
    }
}

/// The models of a licence that its territory clause covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerritoryScope {
    #[default]
    All,
    /// Only entries marked `multimodal` (or derived from one).
    Multimodal,
}

impl TerritoryScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TerritoryScope::All => "all",
            TerritoryScope::Multimodal => "multimodal",
        }
    }
}

impl OutputTraining {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputTraining::Allowed => "allowed",
            OutputTraining::Forbidden => "forbidden",
            OutputTraining::CompetingForbidden => "competing-forbidden",
            OutputTraining::AllowedWithNaming => "allowed-with-naming",
            OutputTraining::Silent => "silent",
        }
    }
}

/// How well a fact is backed (carried over from `shared/reference/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Confidence {
    /// Verified at the primary source.
    V,
    /// A verbatim copy of the primary source.
    V2,
    /// A secondary source.
    S,
    /// Uncertain: shown as such wherever it is cited.
    U,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLicense {
    pub id: Spanned<String>,
    pub name: String,
    pub url: Spanned<String>,
    /// The date or version of the licence text.
    pub version: String,
    /// The SPDX identifier, only where SPDX has one.
    #[serde(default)]
    pub spdx: Option<String>,
    pub category: Category,
    pub osi_approved: bool,
    pub commercial_use: CommercialUse,
    /// 0 = no limit.
    pub monthly_active_users_limit: u64,
    /// 0 = no limit.
    pub revenue_limit_usd: u64,
    /// The period `revenue_limit_usd` is counted over: a year unless the
    /// text says a month (Mistral's modified MIT licence).
    #[serde(default)]
    pub revenue_limit_period: RevenuePeriod,
    pub research_only: bool,
    /// An acceptable-use policy or RAIL use restrictions apply.
    pub use_restrictions: bool,
    pub outputs_may_train_other_models: OutputTraining,
    pub share_alike: bool,
    /// Weights are not available: an API model.
    pub hosted_only: bool,
    /// Redistribution must carry the licence (a copy of it, its use restrictions) to recipients.
    pub flow_down: bool,
    /// A geographic exclusion, as the text states it; empty if none.
    pub territory_restriction: String,
    /// Which of the licence's models the exclusion covers (the Llama 3.2+
    /// EU clause: multimodal models only); all of them when absent.
    #[serde(default)]
    pub territory_applies_to: TerritoryScope,
    /// The notice the licence requires, verbatim; empty if none.
    pub attribution: String,
    /// Who grants it, where one party does (API terms: `OpenAI`); absent for
    /// licences anyone can use (Apache-2.0: the model's publisher grants it).
    #[serde(default)]
    pub licensor: Option<String>,
    pub confidence: Confidence,
    /// Where the terms were read.
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelFile {
    #[serde(default)]
    pub model: Vec<RawModel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    /// An exact id (`meta-llama/Llama-2-7b-hf`, `gpt-4o`) or a glob (`meta-llama/Llama-2-*`).
    pub id: Spanned<String>,
    pub provider: String,
    /// May be left out when `base_model` is given: the base's licence is inherited.
    #[serde(default)]
    pub license: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub base_model: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// Licences that applied before the current one, oldest first.
    #[serde(default)]
    pub history: Vec<RawHistory>,
    /// File names of the entry's single-file checkpoints (`sd_xl_base_1.0.safetensors`):
    /// a path ending in one is a reference to this entry.
    #[serde(default)]
    pub files: Vec<Spanned<String>>,
    /// Where the file names were read (the repository's file list).
    #[serde(default)]
    pub files_source: Option<Spanned<String>>,
    /// Names that mean this entry only in a place of one provider (SPEC
    /// "Context decides ambiguous names"): `command-r` in an Ollama call is
    /// the CC-BY-NC weights, elsewhere Cohere's API model.
    #[serde(default)]
    pub provider_aliases: Vec<RawProviderAlias>,
    /// Names of this entry (its id or aliases) that are also ordinary words
    /// or other things' names (`large-v2`, `base.en`): they name this model
    /// only in a model place, never as a bare literal (SPEC signal 2).
    #[serde(default)]
    pub ambiguous: Vec<Spanned<String>>,
    /// The model takes images (or other media) as well as text: a licence
    /// clause scoped to multimodal models (`territory_applies_to`) covers it
    /// and every model derived from it.
    #[serde(default)]
    pub multimodal: bool,
}

/// A name of an entry within one provider's places.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProviderAlias {
    pub name: Spanned<String>,
    pub provider: Spanned<String>,
}

/// An earlier licence of a model: in force until `until` (exclusive), when known.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub license: Spanned<String>,
    /// `YYYY-MM-DD`, the day the next licence took over; absent when the sources give no date.
    pub until: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
}

/// `rules/hf-licenses.toml`: every licence identifier of the Hugging Face Hub,
/// mapped to a licence of the rule set or marked unsupported with the reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHfLicenseFile {
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub hf: Vec<RawHfLicense>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHfLicense {
    pub id: Spanned<String>,
    pub license: Option<Spanned<String>>,
    pub unsupported: Option<String>,
}
