//! Stage 3, resolve: each reference's model, licence and lineage from the
//! catalog. Weak candidates that neither have a model shape nor resolve are
//! dropped here (they were never references). Never reads files, never prints.

use crate::catalog::Catalog;
use crate::extract::candidate;
use crate::model::{ModelRef, Strength};

/// Where a reference's licence came from (the JSON `license_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseSource {
    Catalog,
}

impl LicenseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LicenseSource::Catalog => "catalog",
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

/// Resolves every reference; `as_of` (`YYYY-MM-DD`, the policy's
/// `licenses_as_of`) selects the licence in force that day for relicensed models.
pub fn resolve(
    references: Vec<ModelRef>,
    catalog: &Catalog,
    as_of: Option<&str>,
) -> Vec<ResolvedRef> {
    references
        .into_iter()
        .filter(|r| {
            r.dynamic
                || r.strength == Strength::Strong
                || candidate::weak_text_counts(&r.text, &|t| catalog.knows(t))
        })
        .map(|reference| resolve_one(reference, catalog, as_of))
        .collect()
}

fn resolve_one(reference: ModelRef, catalog: &Catalog, as_of: Option<&str>) -> ResolvedRef {
    let resolved = (!reference.dynamic)
        .then(|| catalog.resolve_as_of(&reference.text, as_of))
        .flatten();
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
