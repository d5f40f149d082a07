//! Dockerfiles: `RUN`, `CMD` and `ENTRYPOINT` commands through the shell
//! extractor (shell and exec forms), `ENV`/`ARG` model variables.

use crate::extract::{candidate, shell, shift};
use crate::model::{Found, RefKind, Strength};

pub fn extract(text: &str, out: &mut Vec<Found>) {
    let escape = escape_char(text);
    for (start, instruction) in instructions(text, escape) {
        let body = &text[start..instruction.end];
        let trimmed = body.trim_start();
        let Some((keyword, args)) = trimmed.split_once(char::is_whitespace) else {
            continue;
        };
        let args_start = instruction.end - args.len();
        let mut found = Vec::new();
        match keyword.to_ascii_uppercase().as_str() {
            "RUN" | "CMD" | "ENTRYPOINT" => commands(args, escape, &mut found),
            "ENV" | "ARG" => variables(&keyword.to_ascii_uppercase(), args, &mut found),
            _ => {}
        }
        shift(&mut found, args_start);
        for mut f in found {
            f.kind = RefKind::Docker;
            out.push(f);
        }
    }
}

/// The `# escape=` parser directive (default `\`).
fn escape_char(text: &str) -> char {
    for line in text.lines() {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        if let Some(value) = directive.trim().strip_prefix("escape=") {
            return value.trim().chars().next().unwrap_or('\\');
        }
    }
    '\\'
}

/// Instructions with their continuation lines: (start, start..end) byte ranges.
fn instructions(text: &str, escape: char) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut result = Vec::new();
    let mut current: Option<usize> = None;
    for (offset, line) in crate::text::lines_with_offsets(text) {
        let trimmed = line.trim();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let start = *current.get_or_insert(offset);
        if trimmed.ends_with(escape) {
            continue;
        }
        result.push((start, start..offset + line.len()));
        current = None;
    }
    if let Some(start) = current {
        result.push((start, start..text.len()));
    }
    result
}

/// Shell form goes to the shell extractor; exec form (`["a", "b"]`) is a word list.
fn commands(args: &str, escape: char, found: &mut Vec<Found>) {
    let trimmed = args.trim_start();
    if trimmed.starts_with('[') {
        exec_form(args, found);
    } else {
        // Continuation escapes become spaces for the shell (same byte length).
        let pad = |n: usize| " ".repeat(n);
        let joined = args
            .replace(&format!("{escape}\r\n"), &pad(escape.len_utf8() + 2))
            .replace(&format!("{escape}\n"), &pad(escape.len_utf8() + 1));
        shell::extract(&joined, found);
    }
}

/// `["vllm", "serve", "org/x"]`: the strings, quoted as a shell line of the same layout.
fn exec_form(args: &str, found: &mut Vec<Found>) {
    // Replace the JSON punctuation by spaces so offsets stay; strings keep their quotes.
    let mut line = String::with_capacity(args.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in args.chars() {
        let keep = in_string || c == '"';
        if c == '"' && !escaped {
            in_string = !in_string;
        }
        escaped = in_string && c == '\\' && !escaped;
        if keep {
            line.push(c);
        } else {
            line.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    shell::extract(&line, found);
}

/// `ENV NAME=value …`, `ENV NAME value`, `ARG NAME=default`.
fn variables(keyword: &str, args: &str, found: &mut Vec<Found>) {
    let mut words = Vec::new();
    shell::commands(args)
        .into_iter()
        .for_each(|c| words.extend(c));
    let legacy = words.len() >= 2 && !words[0].value.contains('=');
    if legacy {
        // `ENV NAME value`: everything after the name is the value.
        let name = &words[0].value;
        if candidate::is_model_variable(name) {
            push_value(keyword, name, &words[1], 0, args, found);
        }
        return;
    }
    for word in &words {
        let Some((name, _)) = word.value.split_once('=') else {
            continue;
        };
        if candidate::is_model_variable(name) {
            push_value(keyword, name, word, name.len() + 1, args, found);
        }
    }
}

fn push_value(
    keyword: &str,
    name: &str,
    word: &shell::Word,
    skip: usize,
    args: &str,
    found: &mut Vec<Found>,
) {
    let Some(value) = word.value.get(skip..).filter(|v| !v.is_empty()) else {
        return;
    };
    let span = word.span_of(skip..word.value.len(), args);
    found.push(Found {
        span,
        text: value.to_string(),
        kind: RefKind::Docker,
        context: format!("{keyword}:{name}"),
        provider: candidate::provider_from_shape(value),
        dynamic: word.dynamic,
        strength: Strength::Weak,
        weights: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        extract(text, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(f.kind, RefKind::Docker);
                assert_eq!(&text[f.span.clone()], f.text, "span of {}", f.text);
                (f.text.clone(), f.context.clone())
            })
            .collect()
    }

    #[test]
    fn run_cmd_entrypoint_env_arg() {
        let text = "FROM python:3.11\n# RUN ollama pull llama3\nARG BASE_MODEL=meta-llama/Llama-2-7b-hf\nENV LLM_MODEL=gpt-4o PORT=80\nENV EMBED_MODEL org/embed\nRUN pip install x && \\\n    huggingface-cli download org/weights\nCMD [\"vllm\", \"serve\", \"org/served\", \"--port\", \"8000\"]\nentrypoint [\"python\", \"-m\", \"app\", \"--model=org/flag\"]\n";
        assert_eq!(
            found(text),
            [
                ("meta-llama/Llama-2-7b-hf".into(), "ARG:BASE_MODEL".into()),
                ("gpt-4o".into(), "ENV:LLM_MODEL".into()),
                ("org/embed".into(), "ENV:EMBED_MODEL".into()),
                ("org/weights".into(), "huggingface-cli download".into()),
                ("org/served".into(), "vllm serve".into()),
                ("org/flag".into(), "--model".into()),
            ]
        );
    }

    #[test]
    fn escape_directive_and_crlf() {
        let text = "# escape=`\r\nRUN ollama pull `\r\n  phi3\r\n";
        assert_eq!(found(text), [("phi3".into(), "ollama pull".into())]);
    }
}
