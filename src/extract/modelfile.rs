//! Ollama `Modelfile`: `FROM X` and `ADAPTER X` name the model it builds on
//! (a local path there is a file, dropped by the candidate rules).

use crate::extract::candidate;
use crate::model::{Found, RefKind, Strength};
use crate::text::lines_with_offsets;

pub fn extract(text: &str, out: &mut Vec<Found>) {
    for (offset, line) in lines_with_offsets(text) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let Some((instruction, rest)) = trimmed.split_once([' ', '\t']) else {
            continue;
        };
        let instruction = instruction.to_ascii_uppercase();
        if instruction != "FROM" && instruction != "ADAPTER" {
            continue;
        }
        // One argument: the first word (what follows it is not part of the name).
        let value = rest.split_whitespace().next().unwrap_or("");
        if value.is_empty() || value.starts_with('#') {
            continue;
        }
        let start =
            offset + indent + instruction.len() + (rest.len() - rest.trim_start().len()) + 1;
        let (value, start) = unquote(value, start);
        out.push(Found {
            span: start..start + value.len(),
            text: value.to_string(),
            kind: RefKind::Modelfile,
            context: instruction,
            provider: Some(candidate::provider_from_shape(value).unwrap_or("ollama")),
            dynamic: false,
            strength: Strength::Strong,
            weights: None,
        });
    }
}

fn unquote(value: &str, start: usize) -> (&str, usize) {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => (inner, start + 1),
        None => (value, start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_and_adapter() {
        let text = "# FROM llama2\nFROM llama3.2:3b\nPARAMETER temperature 0.2\nadapter   hf.co/org/lora-GGUF:Q8_0\nFROM ./weights.gguf\r\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str(), f.provider))
            .collect();
        assert_eq!(
            got,
            [
                ("llama3.2:3b", "FROM", Some("ollama")),
                ("hf.co/org/lora-GGUF:Q8_0", "ADAPTER", Some("huggingface")),
                ("./weights.gguf", "FROM", Some("ollama")),
            ]
        );
        // The caller's candidate rules drop the local path.
        assert!(!candidate::is_candidate(&out[2]));
    }
}
