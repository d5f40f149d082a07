//! `modelgate.toml` as written (or `[tool.modelgate]` in `pyproject.toml`):
//! serde types with spans on what diagnostics point at. `validate` turns them
//! into a `Policy`.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// A shared policy this one adds to or overrides (also accepted in `[project]`).
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub project: RawProject,
    #[serde(default)]
    pub licenses: RawLicenses,
    #[serde(default)]
    pub models: RawModels,
    #[serde(default)]
    pub clarify: Vec<RawClarify>,
    #[serde(default)]
    pub exceptions: Vec<RawException>,
    #[serde(default)]
    pub severity: std::collections::BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub scan: RawScan,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    #[serde(rename = "use")]
    pub use_: Option<Spanned<String>>,
    pub distribution: Option<Spanned<String>>,
    pub monthly_active_users: Option<Spanned<u64>>,
    pub annual_revenue_usd: Option<Spanned<u64>>,
    pub trains_on_model_outputs: Option<Spanned<bool>>,
    pub open_weights_only: Option<Spanned<bool>>,
    pub osi_approved_only: Option<Spanned<bool>>,
    pub extends: Option<Spanned<String>>,
    /// The date the project's model licences were reviewed: a relicensed model is
    /// judged by the licence in force that day.
    pub licenses_as_of: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLicenses {
    pub allow: Option<Vec<Spanned<String>>>,
    pub deny: Option<Vec<Spanned<String>>>,
    pub deny_categories: Option<Vec<Spanned<String>>>,
    pub unknown: Option<Spanned<String>>,
    pub dynamic: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModels {
    pub deny: Option<Vec<Spanned<RawModelRule>>>,
    pub allow: Option<Vec<Spanned<RawModelRule>>>,
}

/// `"org/*"` or `{ model = "org/*", reason = "…", use_instead = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawModelRule {
    Glob(String),
    Table(RawModelRuleTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelRuleTable {
    pub model: String,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClarify {
    pub path: Spanned<String>,
    pub license: Spanned<String>,
    pub sha256: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    #[serde(default)]
    pub models: Vec<Spanned<String>>,
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub codes: Vec<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
    pub expires: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub exclude: Option<Vec<Spanned<String>>>,
    pub include_docs: Option<bool>,
    pub online: Option<bool>,
    pub max_file_size: Option<Spanned<String>>,
    pub rules: Option<Vec<Spanned<String>>>,
}
