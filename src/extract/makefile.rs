//! Makefiles: recipe lines through the shell extractor (`$(VAR)` makes a word
//! dynamic, as `$` does for the shell) and model variables (`MODEL ?= org/x`).

use crate::extract::{candidate, shell, shift};
use crate::model::{Found, RefKind, Strength};
use crate::text::lines_with_offsets;

pub fn extract(text: &str, out: &mut Vec<Found>) {
    let mut continued_recipe: Option<usize> = None;
    for (offset, line) in lines_with_offsets(text) {
        let is_recipe = line.starts_with('\t') || continued_recipe.is_some();
        if is_recipe {
            recipe_line(line, offset, out);
            continued_recipe = line.ends_with('\\').then_some(offset);
        } else if !line.trim_start().starts_with('#') {
            assignment(line, offset, out);
        }
    }
}

/// One recipe line: `@`, `-` and `+` prefixes are make's, not the shell's.
fn recipe_line(line: &str, offset: usize, out: &mut Vec<Found>) {
    let body = line.trim_start_matches('\t');
    let body = body.trim_start_matches(['@', '-', '+']);
    let start = offset + (line.len() - body.len());
    let mut found = Vec::new();
    shell::extract(body.strip_suffix('\\').unwrap_or(body), &mut found);
    shift(&mut found, start);
    out.extend(found);
}

/// `NAME = v`, `NAME := v`, `NAME ?= v`, `NAME += v`, `export NAME = v`.
fn assignment(line: &str, offset: usize, out: &mut Vec<Found>) {
    let Some(eq) = line.find('=') else { return };
    let head = line[..eq].trim_end_matches([':', '?', '+', '!']).trim();
    let name = head.strip_prefix("export ").map_or(head, str::trim);
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || !candidate::is_model_variable(name)
    {
        return;
    }
    let value_part = &line[eq + 1..];
    let value = value_part.split('#').next().unwrap_or("").trim();
    if value.is_empty() {
        return;
    }
    let start = offset + eq + 1 + (value_part.len() - value_part.trim_start().len());
    out.push(Found {
        span: start..start + value.len(),
        text: value.to_string(),
        kind: RefKind::Shell,
        context: format!("make:{name}"),
        provider: candidate::provider_from_shape(value),
        dynamic: value.contains('$'),
        strength: Strength::Weak,
        weights: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_and_variables() {
        let text = "BASE_MODEL ?= meta-llama/Llama-2-7b-hf  # default\nPORT := 8000\n# ollama pull llama3\nserve:\n\t@vllm serve $(BASE_MODEL) --port $(PORT)\n\tollama pull phi3 && \\\n\t  ollama run mistral\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str(), f.dynamic))
            .collect();
        assert_eq!(
            got,
            [
                ("meta-llama/Llama-2-7b-hf", "make:BASE_MODEL", false),
                ("$(BASE_MODEL)", "vllm serve", true),
                ("phi3", "ollama pull", false),
                ("mistral", "ollama run", false),
            ]
        );
    }
}
