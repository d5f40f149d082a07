//! TOML: the spanned document of the `toml` crate, walked with an explicit stack.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{locate, value_under};
use crate::extract::{ExtractResult, Malformed};
use crate::model::Found;

pub fn extract(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let error = match DeTable::parse(text) {
        Ok(table) => {
            walk(text, table.get_ref(), out);
            return Ok(());
        }
        Err(e) => e,
    };
    let at = error.span().map_or(0, |s| s.start).min(text.len());
    // The lines before the broken one are kept: a TOML document cut at a line
    // start is usually still a document (spans stay offsets into `text`).
    // By bytes: the error offset need not fall on a character boundary.
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1);
    if line_start > 0 {
        if let Ok(table) = DeTable::parse(&text[..line_start]) {
            walk(text, table.get_ref(), out);
        }
    }
    Err(Malformed::at(text, at, error.message()))
}

fn walk(text: &str, table: &DeTable<'_>, out: &mut Vec<Found>) {
    let mut work: Vec<(Vec<String>, &Spanned<DeValue<'_>>)> = Vec::new();
    push_table(&[], table, &mut work);
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
    fn the_lines_before_a_syntax_error_are_still_read() {
        let text = "model = \"google/flan-t5-large\"\n[unclosed\nmodel_name = \"org/after\"\n";
        let mut out = Vec::new();
        assert!(extract(text, &mut out).is_err());
        let texts: Vec<&str> = out.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["google/flan-t5-large"]);
        assert_eq!(&text[out[0].span.clone()], "google/flan-t5-large");
    }

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
