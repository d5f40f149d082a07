//! `report --format cyclonedx`: a CycloneDX 1.6 ML-BOM (SPEC "Conventions for
//! the other formats"). One `machine-learning-model` component per model, with
//! a `pkg:huggingface/ORG/NAME` purl for Hub models; licences by SPDX `id`
//! only where the rule set records an exact SPDX id, else `name` + `url`;
//! `acknowledgement` "concluded" for catalog facts and "declared" for what a
//! model card or weight file says; lineage as `pedigree.ancestors`; every
//! reference in `evidence.occurrences`. Dynamic references name no model and
//! are counted in a BOM property instead.

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::{json, Map, Value};
use sha2::Digest;

use crate::catalog::Catalog;
use crate::report::inventory::{generated_epoch, Inventory, ModelGroup, Status};
use crate::resolve::LicenseSource;

pub fn write(out: &mut dyn Write, inv: &Inventory<'_>) -> std::io::Result<()> {
    crate::report::write_json(&mut *out, &bom(inv))?;
    writeln!(out)
}

pub fn bom(inv: &Inventory<'_>) -> Value {
    let catalog = &inv.run.rules.catalog;
    let timestamp = crate::evaluate::waivers::iso_datetime(generated_epoch());
    let mut refs = BTreeSet::new();
    let mut components = Vec::new();
    for group in inv.models.iter().filter(|m| m.status != Status::Dynamic) {
        components.push(component(group, catalog, &mut refs));
    }
    let dynamic = inv
        .models
        .iter()
        .filter(|m| m.status == Status::Dynamic)
        .map(|m| m.uses.len())
        .sum::<usize>();
    let model_refs: Vec<Value> = components
        .iter()
        .filter_map(|c| c.get("bom-ref").cloned())
        .collect();
    let folder = inv
        .title
        .rsplit('/')
        .next()
        .unwrap_or(&inv.title)
        .to_string();
    let (root_name, root_version) = project_identity(&inv.run.root_path).unwrap_or((folder, None));
    let mut root = json!({
        "type": "application",
        "bom-ref": "root",
        "name": root_name,
    });
    if let (Some(version), Value::Object(map)) = (root_version, &mut root) {
        map.insert("version".to_string(), Value::String(version));
    }
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {
                "components": [{
                    "type": "application",
                    "name": "modelgate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "properties": [
                        {"name": "modelgate:rules-version", "value": inv.rules_version},
                    ],
                }],
            },
            "component": root,
            "properties": [
                {"name": "modelgate:policy", "value": inv.run.policy_display},
                {"name": "modelgate:rules-version", "value": inv.rules_version},
                {"name": "modelgate:dynamic-references", "value": dynamic.to_string()},
                {"name": "modelgate:errors", "value": inv.summary.errors.to_string()},
                {"name": "modelgate:warnings", "value": inv.summary.warnings.to_string()},
            ],
        },
        "components": components,
        "dependencies": [
            {"ref": "root", "dependsOn": model_refs},
        ],
    });
    let serial = serial_number(&bom);
    if let Value::Object(map) = &mut bom {
        map.insert("serialNumber".to_string(), Value::String(serial));
    }
    bom
}

fn component(group: &ModelGroup<'_>, catalog: &Catalog, refs: &mut BTreeSet<String>) -> Value {
    let mut bom_ref = format!("model:{}", group.name);
    if !refs.insert(bom_ref.clone()) {
        // The same name under another licence (a clarified folder, say).
        bom_ref = format!("{bom_ref}#{}", group.license_id.unwrap_or("unknown"));
        refs.insert(bom_ref.clone());
    }
    let mut c = Map::new();
    c.insert("type".into(), json!("machine-learning-model"));
    c.insert("bom-ref".into(), json!(bom_ref));
    let (namespace, name) = split_name(&group.name);
    if let Some(namespace) = namespace {
        c.insert("group".into(), json!(namespace));
    }
    c.insert("name".into(), json!(name));
    if let Some(supplier) = licensor(group, catalog) {
        c.insert("supplier".into(), json!({ "name": supplier }));
    }
    if let Some(purl) = purl(&group.name, provider(group, catalog)) {
        c.insert("purl".into(), json!(purl));
    }
    if let Some(license) = license(group) {
        c.insert("licenses".into(), json!([license]));
    }
    if !group.ancestors.is_empty() {
        let ancestors: Vec<Value> = group
            .ancestors
            .iter()
            .map(|id| {
                let mut a = Map::new();
                a.insert("type".into(), json!("machine-learning-model"));
                let (namespace, name) = split_name(id);
                if let Some(namespace) = namespace {
                    a.insert("group".into(), json!(namespace));
                }
                a.insert("name".into(), json!(name));
                let ancestor_provider = catalog.resolve(id).map(|r| r.model.provider.as_str());
                if let Some(purl) = purl(id, ancestor_provider) {
                    a.insert("purl".into(), json!(purl));
                }
                Value::Object(a)
            })
            .collect();
        c.insert("pedigree".into(), json!({ "ancestors": ancestors }));
    }
    let occurrences: Vec<Value> = group
        .uses
        .iter()
        .map(|r| {
            let r = &r.reference;
            json!({
                "location": r.path,
                "line": r.line.0,
                "symbol": r.text,
                "additionalContext": format!("column {}, {} reference in {}", r.column.0, r.kind.as_str(), r.context),
            })
        })
        .collect();
    c.insert("evidence".into(), json!({ "occurrences": occurrences }));
    let mut properties = vec![
        json!({"name": "modelgate:license-category", "value": group.category}),
        json!({"name": "modelgate:status", "value": group.status_label()}),
    ];
    if let Some(source) = group.license_source {
        properties.push(json!({"name": "modelgate:license-source", "value": source.as_str()}));
    }
    for f in &group.findings {
        let info = f.code.info();
        let waived = if f.waived.is_some() { ", waived" } else { "" };
        properties.push(json!({
            "name": "modelgate:finding",
            "value": format!("{} {} ({}{waived}) at {}:{}:{}", info.id, info.name, f.severity.as_str(), f.path, f.line, f.column),
        }));
    }
    for o in &group.obligations {
        properties
            .push(json!({"name": format!("modelgate:obligation:{}", o.kind), "value": o.text}));
    }
    c.insert("properties".into(), Value::Array(properties));
    Value::Object(c)
}

fn provider<'a>(group: &'a ModelGroup<'_>, catalog: &'a Catalog) -> Option<&'a str> {
    if group.status != Status::Resolved || group.provider == Some("ollama") {
        return group.provider;
    }
    catalog
        .resolve(&group.name)
        .map(|r| r.model.provider.as_str())
        .or(group.provider)
}

/// The scanned project's name and version, from the first of `Cargo.toml`
/// (`[package]`), `pyproject.toml` (`[project]`, then `[tool.poetry]`) and
/// `package.json` at the root that names it; `None` when none does (the
/// folder's name is used then). An unreadable or malformed manifest is passed over.
fn project_identity(root: &std::path::Path) -> Option<(String, Option<String>)> {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    let from_toml = |text: String, tables: &[&[&str]]| {
        let value: toml::Value = toml::from_str(&text).ok()?;
        tables.iter().find_map(|path| {
            let table = path.iter().try_fold(&value, |v, key| v.get(key))?;
            let name = table.get("name")?.as_str()?.to_string();
            let version = table
                .get("version")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            Some((name, version))
        })
    };
    let named = |identity: &(String, Option<String>)| !identity.0.trim().is_empty();
    read("Cargo.toml")
        .and_then(|t| from_toml(t, &[&["package"]]))
        .filter(named)
        .or_else(|| {
            read("pyproject.toml")
                .and_then(|t| from_toml(t, &[&["project"], &["tool", "poetry"]]))
                .filter(named)
        })
        .or_else(|| {
            let value: Value = serde_json::from_str(&read("package.json")?).ok()?;
            let name = value.get("name")?.as_str()?.to_string();
            let version = value
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_string);
            Some((name, version)).filter(named)
        })
}

/// Who grants the licence of a catalog model: the licence's own licensor
/// (API terms: OpenAI, Anthropic …), else the organisation of the entry in
/// the lineage that carries the licence (`meta-llama` for a GGUF of Llama,
/// `tatsu-lab` for Alpaca's diff).
fn licensor(group: &ModelGroup<'_>, catalog: &Catalog) -> Option<String> {
    if group.status != Status::Resolved || group.license_source != Some(LicenseSource::Catalog) {
        return None;
    }
    if let Some(licensor) = group.license.and_then(|l| l.licensor.clone()) {
        return Some(licensor);
    }
    let resolved = catalog.resolve(&group.name)?;
    let (model, id) = resolved.model_lineage().iter().find_map(|id| {
        let (index, _, concrete) = catalog.lookup(id)?;
        let model = &catalog.models[index];
        model.license.is_some().then_some((model, concrete))
    })?;
    let (org, _) = split_name(&id);
    org.filter(|_| model.provider == "huggingface")
        .map(str::to_string)
}

/// The licence entry: an SPDX `id` only when the rule set records one.
fn license(group: &ModelGroup<'_>) -> Option<Value> {
    let acknowledgement = match group.license_source {
        Some(LicenseSource::Catalog | LicenseSource::Clarified) | None => "concluded",
        Some(_) => "declared",
    };
    let value = match (group.license, group.license_id) {
        (Some(l), _) => match &l.spdx {
            Some(spdx) => json!({"id": spdx, "url": l.url, "acknowledgement": acknowledgement}),
            None => json!({"name": l.name, "url": l.url, "acknowledgement": acknowledgement}),
        },
        (None, Some(id)) => json!({"name": id, "acknowledgement": acknowledgement}),
        (None, None) => return None,
    };
    Some(json!({ "license": value }))
}

/// `org/name` → (Some(org), name); a bare name has no group.
fn split_name(id: &str) -> (Option<&str>, &str) {
    match id.split_once('/') {
        Some((org, name)) if !org.is_empty() && !name.is_empty() && !name.contains('/') => {
            (Some(org), name)
        }
        _ => (None, id),
    }
}

/// `pkg:huggingface/ORG/NAME` for a concrete Hub model id: a Hub provider
/// and a repository name the Hub allows (letters, digits, `-`, `_`, `.`),
/// so an Ollama tag (`llama3.1:8b`) or a pattern gets none.
fn purl(id: &str, provider: Option<&str>) -> Option<String> {
    if provider != Some("huggingface") {
        return None;
    }
    let parts: Vec<&str> = id.split('/').collect();
    let hub_name = |p: &&str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if parts.len() > 2 || !parts.iter().all(hub_name) {
        return None;
    }
    Some(format!("pkg:huggingface/{id}"))
}

/// A UUID from the BOM's content (its timestamp included), so the same scan
/// at the same `SOURCE_DATE_EPOCH` gives the same document, and any other
/// run a new serial number. Marked as a name-based (version 5) UUID.
fn serial_number(bom: &Value) -> String {
    let digest = sha2::Sha256::digest(bom.to_string().as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(
            purl("meta-llama/Llama-2-7b-hf", Some("huggingface")).as_deref(),
            Some("pkg:huggingface/meta-llama/Llama-2-7b-hf")
        );
        assert_eq!(
            purl("gpt2", Some("huggingface")).as_deref(),
            Some("pkg:huggingface/gpt2")
        );
        assert_eq!(purl("gpt-4o", Some("openai")), None);
        assert_eq!(purl("meta-llama/Llama-2-*", Some("huggingface")), None);
        assert_eq!(purl("a/b/c", Some("huggingface")), None);
        assert_eq!(purl("org/na me", Some("huggingface")), None);
        assert_eq!(purl("llama3.1:8b", Some("huggingface")), None);
    }

    #[test]
    fn serial_numbers_are_uuid_shaped() {
        let serial = serial_number(&json!({"a": 1}));
        let uuid = serial.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "5");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(serial, serial_number(&json!({"a": 1})));
    }
}
