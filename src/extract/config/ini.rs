//! INI and `.cfg` files: `[section]`, `key = value` / `key: value`, `;` and `#`
//! comments (also after white space at the end of a value), indented
//! continuation lines (a value that is a list, one item a line).

use super::value_under;
use crate::model::Found;
use crate::text::lines_with_offsets;

pub fn extract(text: &str, out: &mut Vec<Found>) {
    let mut section = String::new();
    let mut key: Option<String> = None;
    for (offset, line) in lines_with_offsets(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if let (true, Some(k)) = (indented, &key) {
            // A continuation line: one more item of the current value.
            push(&section, k, line, offset, out);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = name.trim().to_string();
            key = None;
            continue;
        }
        let Some(sep) = line.find(['=', ':']) else {
            key = None;
            continue;
        };
        let k = line[..sep].trim().to_string();
        push(&section, &k, &line[sep + 1..], offset + sep + 1, out);
        key = Some(k);
    }
}

fn push(section: &str, key: &str, value_part: &str, offset: usize, out: &mut Vec<Found>) {
    let value = strip_inline_comment(value_part);
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = offset + (value.len() - value.trim_start().len());
    let keys: Vec<String> = [section, key]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect();
    value_under(&keys, trimmed, start..start + trimmed.len(), out);
}

fn strip_inline_comment(value: &str) -> &str {
    let cut = [" ;", "\t;", " #", "\t#"]
        .iter()
        .filter_map(|m| value.find(m))
        .min();
    cut.map_or(value, |at| &value[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_continuations() {
        let text = "[metadata]\nname = app\n; model = org/commented\n[train]\nmodel_name_or_path = org/a  ; inline comment\nbase_model:\n    org/b\n    org/c\nmodel_type = llama\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("org/a", "key:train.model_name_or_path"),
                ("org/b", "key:train.base_model"),
                ("org/c", "key:train.base_model"),
            ]
        );
    }
}
