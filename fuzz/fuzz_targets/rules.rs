//! The rule-file loader on arbitrary text, as a licence file, a model file or
//! the Hub licence map: any input is a catalog or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelgate::catalog::load::{load, Provenance, RuleFile};

fuzz_target!(|data: &[u8]| {
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
    // Diagnostics must point inside the file they name.
    for diagnostic in &loaded.diagnostics {
        for label in &diagnostic.labels {
            assert!(label.range.start <= label.range.end && label.range.end <= text.len(), "{label:?}");
        }
    }
    if let Some(model) = loaded.catalog.models.first() {
        let _ = loaded.catalog.resolve(&model.id);
    }
});
