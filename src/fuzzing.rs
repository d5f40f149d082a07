//! The fuzz targets' bodies (`fuzz/fuzz_targets/*.rs`), here so that the
//! inputs fuzzing ever found are replayed by `cargo test`
//! (`tests/fuzz_regressions.rs`) through exactly the same code.

use std::sync::OnceLock;

use crate::catalog::load::{builtin_files, load, FileDb, Loaded, Provenance, RuleFile};
use crate::classify::Family;
use crate::extract::{extract as run_extractor, gguf, ExtractOptions};
use crate::text::{decode, LineIndex};

const FAMILIES: [Family; 13] = Family::ALL;

/// Every extractor, the GGUF header reader and the suppression parser: the
/// first byte picks which; the rest is decoded as the walker decodes files.
/// Spans must slice the text and map to a line and column.
pub fn extract(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let choice = usize::from(selector) % (FAMILIES.len() + 1);
    if choice == FAMILIES.len() {
        let _ = gguf::read_header(&mut &rest[..]);
        return;
    }
    let Ok(source) = decode(rest) else {
        return;
    };
    let text = source.text;
    let mut out = Vec::new();
    let _ = run_extractor(
        FAMILIES[choice],
        text,
        ExtractOptions { include_docs: true },
        &mut out,
    );
    let index = LineIndex::new(text);
    for found in &out {
        assert!(text.get(found.span.clone()).is_some(), "{found:?}");
        let _ = index.position(text, found.span.start);
        let _ = index.position(text, found.span.end);
    }
    let _ = crate::evaluate::suppress::parse(text);
}

/// The rule-file loader on one file: a licence file, a model file or the Hub
/// licence map (first byte). Labels must point inside the file.
pub fn rules(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match selector % 3 {
        0 => "fuzz/licenses/input.toml",
        1 => "fuzz/models/input.toml",
        _ => "fuzz/hf-licenses.toml",
    };
    let loaded = load(vec![RuleFile {
        name: name.to_string(),
        text: text.to_string(),
        provenance: Provenance::Extra,
    }]);
    for diagnostic in &loaded.diagnostics {
        for label in &diagnostic.labels {
            assert!(
                label.range.start <= label.range.end && label.range.end <= text.len(),
                "{label:?}"
            );
        }
    }
    if let Some(model) = loaded.catalog.models.first() {
        let _ = loaded.catalog.resolve(&model.id);
    }
}

/// The policy loader on one file (written where `dir` says), against the
/// built-in rule set.
pub fn policy(data: &[u8], dir: &std::path::Path) {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    let rules = RULES.get_or_init(|| load(builtin_files()));
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join("modelgate.toml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut files = FileDb::new();
    let _ = crate::policy::load(
        &crate::policy::Found::Modelgate(path),
        &rules.catalog,
        &mut files,
    );
}
