//! Finding identities that survive unrelated edits: the code, the file, the
//! referenced text and its context, the model, and which occurrence of those
//! it is — no line numbers, no tool version. Used by SARIF's
//! `partialFingerprints` and by baselines.

use std::collections::BTreeMap;

use sha2::Digest;

use crate::evaluate::Finding;
use crate::resolve::ResolvedRef;

/// One fingerprint per finding, in the findings' order.
pub fn fingerprints(findings: &[Finding], references: &[ResolvedRef]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let key = identity(f, references);
            let occurrence = *seen.entry(key.clone()).and_modify(|n| *n += 1).or_insert(0);
            hash(&format!("{key}\0{occurrence}"))
        })
        .collect()
}

fn identity(f: &Finding, references: &[ResolvedRef]) -> String {
    let reference = f.reference.map(|i| &references[i].reference);
    format!(
        "{}\0{}\0{}\0{}\0{}\0{}",
        f.code.info().id,
        f.path,
        reference.map_or("", |r| r.text.as_str()),
        reference.map_or("", |r| r.context.as_str()),
        f.model.as_deref().unwrap_or(""),
        if reference.is_none() {
            f.message.as_str()
        } else {
            ""
        },
    )
}

fn hash(key: &str) -> String {
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}
