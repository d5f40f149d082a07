//! Markdown (only with `--include-docs`): fenced code blocks go to the
//! extractor of their language; prose and inline code never count.

use crate::classify::Family;
use crate::extract::{extract as extract_family, shift, ExtractOptions};
use crate::model::{Found, RefKind};
use crate::text::lines_with_offsets;

/// A model card (`README.md` with YAML front matter): its `base_model` values
/// (a string or a list, possibly hub URLs) name the models it derives from.
pub fn model_card(text: &str, out: &mut Vec<Found>) {
    let Some((front, offset)) = front_matter(text) else {
        return;
    };
    let mut found = Vec::new();
    // A broken front matter costs only the card.
    let _ = crate::extract::config::yaml::extract(front, &mut found);
    shift(&mut found, offset);
    for mut f in found.into_iter().filter(|f| f.context == "key:base_model") {
        f.kind = RefKind::ModelCard;
        f.context = "base_model".to_string();
        f.strength = crate::model::Strength::Strong;
        out.push(f);
    }
}

/// The YAML between a leading `---` line and the next `---` line, with its offset.
pub fn front_matter(text: &str) -> Option<(&str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let start = text.len() - rest.len();
    let mut offset = start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&text[start..offset], start));
        }
        offset += line.len();
    }
    None
}

pub fn extract(text: &str, out: &mut Vec<Found>) {
    for block in fenced_blocks(text) {
        let Some(family) = family_of(&block.info) else {
            continue;
        };
        let code = prompt_free(&text[block.body.clone()], &block.info);
        let mut found = Vec::new();
        // A broken snippet in the docs costs that snippet only.
        let _ = extract_family(family, &code, ExtractOptions::default(), "", &mut found);
        shift(&mut found, block.body.start);
        for mut f in found {
            f.kind = RefKind::Docs;
            out.push(f);
        }
    }
}

struct Block {
    info: String,
    body: std::ops::Range<usize>,
}

/// ``` and ~~~ fences (three or more), closed by a fence of the same kind at
/// least as long; an unclosed fence runs to the end of the file.
fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, String, usize)> = None;
    for (offset, line) in lines_with_offsets(text) {
        let trimmed = line.trim_start_matches(' ');
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        let after = &text[offset + line.len()..];
        let ending = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        let next_line = offset + line.len() + ending;
        match (&open, fence_char) {
            (None, Some(c)) if fence_len >= 3 && line.len() - trimmed.len() <= 3 => {
                let info = trimmed[fence_len..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                open = Some((c, fence_len, info, next_line));
            }
            (Some((c, len, _, _)), Some(f))
                if f == *c && fence_len >= *len && trimmed[fence_len..].trim().is_empty() =>
            {
                if let Some((_, _, info, start)) = open.take() {
                    blocks.push(Block {
                        info,
                        body: start..offset.max(start),
                    });
                }
            }
            _ => {}
        }
    }
    if let Some((_, _, info, start)) = open {
        blocks.push(Block {
            info,
            body: start.min(text.len())..text.len(),
        });
    }
    blocks
}

fn family_of(info: &str) -> Option<Family> {
    Some(match info.trim_start_matches('{').trim_end_matches('}') {
        "python" | "py" | "python3" | "ipython" | "pycon" => Family::Python,
        "javascript" | "js" | "typescript" | "ts" | "jsx" | "tsx" => Family::JavaScript,
        "bash" | "sh" | "shell" | "console" | "zsh" | "shell-session" => Family::Shell,
        "yaml" | "yml" => Family::Yaml,
        "json" | "jsonc" => Family::Json,
        "toml" => Family::Toml,
        "dockerfile" | "docker" => Family::Dockerfile,
        "dotenv" | "env" => Family::Dotenv,
        "ini" | "cfg" => Family::Ini,
        "makefile" | "make" => Family::Makefile,
        _ => return None,
    })
}

/// In `console` and `pycon` blocks, prompts (`$ `, `>>> `, `... `) are not
/// code and output lines are not commands; both become spaces, so offsets stay.
fn prompt_free(code: &str, info: &str) -> String {
    let prompts: &[&str] = match info {
        "console" | "shell-session" => &["$ ", "# "],
        "pycon" => &[">>> ", "... "],
        _ => return code.to_string(),
    };
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        match prompts.iter().find(|p| line.starts_with(**p)) {
            Some(p) => {
                out.push_str(&" ".repeat(p.len()));
                out.push_str(&line[p.len()..]);
            }
            None => out.extend(
                line.chars()
                    .map(|c| if c == '\n' || c == '\r' { c } else { ' ' }),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fenced_code_counts() {
        let text = "Use `from_pretrained(\"org/inline\")` or ollama pull llama3.\n\n```python\nm = AutoModel.from_pretrained(\"org/py\")\n```\n\n~~~bash\nollama pull phi3\n~~~\n\n```console\n$ vllm serve org/served\nollama pull org/output-line\n```\n\n```text\nollama pull org/text\n```\n\n```yaml\nmodel: org/yaml\n```\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.kind))
            .collect();
        let texts: Vec<_> = got.iter().map(|(t, _)| *t).collect();
        assert!(
            texts.starts_with(&["org/py", "phi3", "org/served"]),
            "{texts:?}"
        );
        assert!(got.iter().all(|(_, k)| *k == RefKind::Docs));
        assert!(
            !texts.contains(&"org/inline")
                && !texts.contains(&"org/text")
                && !texts.contains(&"org/output-line")
        );
    }

    #[test]
    fn model_card_base_models() {
        let text = "---\nlicense: apache-2.0\nbase_model:\n  - meta-llama/Llama-2-7b-chat-hf\n  - https://huggingface.co/org/other\nmodel_name: Support Bot\ntags: [model: x]\n---\n# Support bot\nFine-tuned from `base_model: org/prose`.\n";
        let mut out = Vec::new();
        model_card(text, &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.kind, f.context.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "meta-llama/Llama-2-7b-chat-hf",
                    RefKind::ModelCard,
                    "base_model"
                ),
                (
                    "https://huggingface.co/org/other",
                    RefKind::ModelCard,
                    "base_model"
                ),
            ]
        );
        let mut none = Vec::new();
        model_card("# No front matter\nbase_model: org/x\n", &mut none);
        model_card("---\nbase_model: org/unclosed\n", &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn unclosed_fences_run_to_the_end() {
        let text = "```python\r\nAutoModel.from_pretrained(\"org/x\")\r\n";
        let mut out = Vec::new();
        extract(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&text[out[0].span.clone()], "org/x");
    }
}
