//! `.env` files: `NAME=value` and `export NAME=value`, quoted or not, with
//! `#` comments; variables named `…MODEL`, `…MODEL_NAME`, `…MODEL_ID` (and the
//! config keys) hold models.

use crate::extract::candidate;
use crate::model::{Found, RefKind, Strength};
use crate::text::lines_with_offsets;

pub fn extract(text: &str, out: &mut Vec<Found>) {
    for (offset, line) in lines_with_offsets(text) {
        if let Some(found) = variable(line, offset) {
            out.push(found);
        }
    }
}

fn variable(line: &str, offset: usize) -> Option<Found> {
    let body = line.trim_start();
    let body = body.strip_prefix("export ").map_or(body, str::trim_start);
    let (name, rest) = body.split_once('=')?;
    let name = name.trim();
    if name.is_empty()
        || name.starts_with('#')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let strength = if candidate::has_model_suffix(name) {
        Strength::Strong
    } else {
        candidate::name_strength(name)?
    };
    let value_start = offset + line.len() - rest.len();
    let (value, at) = value_of(rest);
    if value.is_empty() {
        return None;
    }
    Some(Found {
        span: value_start + at..value_start + at + value.len(),
        text: value.to_string(),
        kind: RefKind::Dotenv,
        context: format!("env:{name}"),
        provider: candidate::provider_from_shape(value),
        dynamic: false,
        strength,
        weights: None,
    })
}

/// The value and its offset in `rest`: quoted (up to the closing quote) or
/// unquoted (up to ` #`, trimmed).
fn value_of(rest: &str) -> (&str, usize) {
    let lead = rest.len() - rest.trim_start().len();
    let trimmed = &rest[lead..];
    for quote in ['"', '\''] {
        if let Some(inner) = trimmed.strip_prefix(quote) {
            let end = inner.find(quote).unwrap_or(inner.len());
            return (&inner[..end], lead + 1);
        }
    }
    let end = trimmed
        .find(" #")
        .or_else(|| trimmed.find("\t#"))
        .unwrap_or(trimmed.len());
    (trimmed[..end].trim_end(), lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_variables() {
        let text = "# OPENAI_MODEL=gpt-3.5-turbo\nOPENAI_MODEL=gpt-4o # expect\nexport EMBEDDING_MODEL_NAME=\"org/embed\"\nMODEL_ID = 'org/id'\r\nAPI_KEY=sk-123\nLLM_MODEL=\nmodel_name_or_path=org/k\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("gpt-4o", "env:OPENAI_MODEL"),
                ("org/embed", "env:EMBEDDING_MODEL_NAME"),
                ("org/id", "env:MODEL_ID"),
                ("org/k", "env:model_name_or_path"),
            ]
        );
    }
}
