//! TOML: the spanned document of the `toml` crate, walked with an explicit stack.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{locate, value_under};
use crate::extract::{ExtractResult, Malformed};
use crate::model::Found;

pub fn extract(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(e) => {
            return Err(Malformed::at(
                text,
                e.span().map_or(0, |s| s.start),
                e.message(),
            ))
        }
    };
    let mut work: Vec<(Vec<String>, &Spanned<DeValue<'_>>)> = Vec::new();
    push_table(&[], table.get_ref(), &mut work);
    while let Some((keys, value)) = work.pop() {
        match value.get_ref() {
            DeValue::String(s) => value_under(&keys, s, locate(text, value.span(), s), out),
            DeValue::Array(items) => {
                work.extend(items.iter().rev().map(|item| (keys.clone(), item)))
            }
            DeValue::Table(t) => push_table(&keys, t, &mut work),
            _ => {}
        }
    }
    Ok(())
}

/// Queues a table's entries (in reverse, so they pop in document order).
fn push_table<'t, 'i>(
    keys: &[String],
    table: &'t DeTable<'i>,
    work: &mut Vec<(Vec<String>, &'t Spanned<DeValue<'i>>)>,
) {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(_, v)| std::cmp::Reverse(v.span().start));
    for (key, value) in entries {
        let mut path = keys.to_vec();
        path.push(key.get_ref().to_string());
        work.push((path, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strength;

    #[test]
    fn values_under_model_keys() {
        let text = "# model = \"org/commented\"\n[tool.train]\nbase_model = 'meta-llama/Llama-2-7b-hf'\nmodel = \"\"\"gpt-4o\"\"\"\nmodel_type = \"llama\"\n\n[[tool.eval.runs]]\nmodel_name_or_path = [\"org/a\", \"org/b\"]\nembedding-model = { repo = \"x\" }\n";
        let mut out = Vec::new();
        extract(text, &mut out).unwrap();
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str(), f.strength))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "meta-llama/Llama-2-7b-hf",
                    "key:tool.train.base_model",
                    Strength::Strong
                ),
                ("gpt-4o", "key:tool.train.model", Strength::Weak),
                (
                    "org/a",
                    "key:tool.eval.runs.model_name_or_path",
                    Strength::Strong
                ),
                (
                    "org/b",
                    "key:tool.eval.runs.model_name_or_path",
                    Strength::Strong
                ),
            ]
        );
    }

    #[test]
    fn syntax_errors_are_malformed() {
        let mut out = Vec::new();
        let err = extract("model = \"org/x\"\n[broken\n", &mut out).unwrap_err();
        assert!(err.0.starts_with("line 2"), "{}", err.0);
    }
}
