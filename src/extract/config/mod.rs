//! Config files: values under model-ish keys (SPEC "config" row) with their
//! exact positions. Each format walks its document (iteratively where the
//! parser allows, so deep nesting cannot overflow the stack) and hands every
//! string value with its key path to `value_under`.

pub mod dotenv;
pub mod ini;
pub mod json;
pub mod toml;
pub mod yaml;

use std::ops::Range;

use crate::extract::candidate;
use crate::model::{Found, RefKind};

/// A string value under the key path `keys` (list items keep their list's key).
/// Reports it when the last key names a model.
fn value_under(keys: &[String], text: &str, span: Range<usize>, out: &mut Vec<Found>) {
    let Some(key) = keys.last() else { return };
    let Some(strength) = candidate::name_strength(key) else {
        return;
    };
    out.push(Found {
        span,
        text: text.to_string(),
        kind: RefKind::Config,
        context: format!("key:{}", keys.join(".")),
        provider: candidate::provider_from_shape(text),
        dynamic: false,
        strength,
        weights: None,
    });
}

/// The byte span of a decoded value inside the raw source of its scalar: where
/// the value occurs verbatim, else the whole scalar.
fn locate(source: &str, raw: Range<usize>, value: &str) -> Range<usize> {
    let Some(slice) = source.get(raw.clone()) else {
        return raw;
    };
    match slice.find(value) {
        Some(at) if !value.is_empty() => raw.start + at..raw.start + at + value.len(),
        _ => raw,
    }
}

/// Moves the spans of references found in a decoded `value` (say, a shell
/// script in a YAML block scalar) into the raw source region of that value:
/// the k-th occurrence of a text in the value is its k-th occurrence in the source.
fn relocate(found: &mut [Found], value: &str, source: &str, raw: Range<usize>) {
    let region = source.get(raw.clone()).unwrap_or("");
    for f in found {
        let k = value[..f.span.start.min(value.len())]
            .matches(f.text.as_str())
            .count();
        f.span = match region.match_indices(f.text.as_str()).nth(k) {
            Some((at, _)) => raw.start + at..raw.start + at + f.text.len(),
            None => raw.start..raw.start,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocation_follows_occurrences() {
        let source = "run: |\n  ollama pull a\n  ollama pull b\n";
        let value = "ollama pull a\nollama pull b\n";
        let mut found = Vec::new();
        crate::extract::shell::extract(value, &mut found);
        relocate(&mut found, value, source, 5..source.len());
        let spans: Vec<_> = found.iter().map(|f| &source[f.span.clone()]).collect();
        assert_eq!(spans, ["a", "b"]);
        assert_eq!(found[1].span.start, source.rfind('b').unwrap());
    }
}
