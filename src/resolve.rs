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
}

pub fn resolve(references: Vec<ModelRef>, catalog: &Catalog) -> Vec<ResolvedRef> {
    references
        .into_iter()
        .filter(|r| {
            r.dynamic
                || r.strength == Strength::Strong
                || candidate::weak_text_counts(&r.text, &|t| catalog.knows(t))
        })
        .map(|reference| resolve_one(reference, catalog))
        .collect()
}

fn resolve_one(reference: ModelRef, catalog: &Catalog) -> ResolvedRef {
    let resolved = (!reference.dynamic)
        .then(|| catalog.resolve(&reference.text))
        .flatten();
    let Some(resolved) = resolved else {
        return ResolvedRef {
            reference,
            model: None,
            license: None,
            license_source: None,
            lineage: Vec::new(),
        };
    };
    let license = resolved.license.map(|l| l.id.clone());
    ResolvedRef {
        model: Some(resolved.model_id.clone()),
        license_source: license.as_ref().map(|_| LicenseSource::Catalog),
        license,
        lineage: resolved.lineage,
        reference,
    }
}
