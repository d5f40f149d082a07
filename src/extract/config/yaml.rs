//! YAML: an event walk (saphyr-parser) with an explicit stack, so any nesting
//! depth is safe and aliases are never expanded (an alias bomb costs nothing).
//! Values under shell keys (`run`, `script`, `command`, `args`, …) are shell
//! commands: CI steps, docker-compose services, Kubernetes containers.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{json, locate, relocate, value_under};
use crate::extract::candidate;
use crate::extract::{embedded, shell, ExtractResult, Malformed};
use crate::model::Found;
use crate::text::LineIndex;

/// Keys whose string values (or lists of strings) are shell commands.
const SHELL_KEYS: &[&str] = &[
    "run",
    "script",
    "before_script",
    "after_script",
    "command",
    "entrypoint",
    "args",
];
/// Of those, the ones whose list items are argument words of one command
/// (docker-compose, Kubernetes); the others list whole command lines (GitLab).
const ARGV_KEYS: &[&str] = &["command", "entrypoint", "args"];

pub fn extract(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let first = out.len();
    match extract_document(text, out) {
        // A Helm or Jinja template is no YAML until rendered: read again with
        // its template expressions blanked (positions unchanged).
        Err(malformed) => match embedded::blank_templates(text) {
            Some(blanked) => {
                out.truncate(first);
                extract_document(&blanked, out)
            }
            None => Err(malformed),
        },
        Ok(()) => Ok(()),
    }
}

fn extract_document(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let index = LineIndex::new(text);
    let mut walk = Walk {
        text,
        index: &index,
        stack: Vec::new(),
        out,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => walk.event(event, span),
            Err(e) => {
                let at = e.marker();
                return Err(Malformed(format!(
                    "line {}, column {}: {}",
                    at.line(),
                    at.col() + 1,
                    e.info()
                )));
            }
        }
    }
    Ok(())
}

enum Frame {
    Mapping {
        key: Option<String>,
        expecting_key: bool,
        /// In a Kubernetes `env:` list item, the variable its `name:` gives
        /// (its `value:` is that variable's value).
        env_name: Option<String>,
    },
    /// A sequence; under a shell key its string items are gathered and
    /// scanned as one command (`args: ["--model", "org/x"]`) or as lines.
    Sequence {
        shell_items: Option<Vec<(String, Range<usize>)>>,
        argv: bool,
    },
}

struct Walk<'a, 'o> {
    text: &'a str,
    index: &'a LineIndex,
    stack: Vec<Frame>,
    out: &'o mut Vec<Found>,
}

impl Walk<'_, '_> {
    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Scalar(value, style, _, _) => self.scalar(&value, style, span),
            Event::Alias(_) => self.value_done(),
            Event::MappingStart(..) => self.stack.push(Frame::Mapping {
                key: None,
                expecting_key: true,
                env_name: None,
            }),
            Event::SequenceStart(..) => {
                let shell_items = self.under_shell_key().then(Vec::new);
                let argv = matches!(self.stack.last(), Some(Frame::Mapping { key: Some(k), .. }) if ARGV_KEYS.contains(&k.as_str()));
                self.stack.push(Frame::Sequence { shell_items, argv });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                match self.stack.pop() {
                    Some(Frame::Sequence {
                        shell_items: Some(items),
                        argv: true,
                    }) => self.shell_argv(&items),
                    Some(Frame::Sequence {
                        shell_items: Some(items),
                        argv: false,
                    }) => {
                        for (value, raw) in items {
                            self.shell_value(&value, raw);
                        }
                    }
                    _ => {}
                }
                self.value_done();
            }
            Event::DocumentStart(_) | Event::DocumentEnd => self.stack.clear(),
            _ => {}
        }
    }

    fn byte_range(&self, span: &Span) -> Range<usize> {
        let start = self
            .index
            .offset_of(self.text, span.start.line(), span.start.col());
        let end = self
            .index
            .offset_of(self.text, span.end.line(), span.end.col());
        start..end.max(start)
    }

    /// The key path: the keys of the enclosing mappings.
    fn keys(&self) -> Vec<String> {
        self.stack
            .iter()
            .filter_map(|f| match f {
                Frame::Mapping { key: Some(k), .. } => Some(k.clone()),
                _ => None,
            })
            .collect()
    }

    fn under_shell_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: Some(k), expecting_key: false, .. }) if SHELL_KEYS.contains(&k.as_str()))
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, span: Span) {
        if let Some(Frame::Mapping {
            key, expecting_key, ..
        }) = self.stack.last_mut()
        {
            if *expecting_key {
                *key = Some(value.to_string());
                *expecting_key = false;
                return;
            }
        }
        let raw = self.byte_range(&span);
        let plain_null =
            style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "true" | "false");
        let in_env_list = self.in_env_list();
        if let Some(Frame::Sequence {
            shell_items: Some(items),
            ..
        }) = self.stack.last_mut()
        {
            items.push((value.to_string(), raw));
        } else if self.under_shell_key() {
            self.shell_value(value, raw);
        } else if let Some((name, assigned)) = self.environment_item(value) {
            // docker-compose `environment: ["NAME=value"]`.
            let mut keys = self.keys();
            keys.push(name.to_string());
            let span = locate(self.text, raw, assigned);
            value_under(&keys, assigned, span, self.out);
        } else if in_env_list && self.current_key() == Some("name") {
            if let Some(Frame::Mapping { env_name, .. }) = self.stack.last_mut() {
                *env_name = Some(value.to_string());
            }
        } else if in_env_list && self.current_key() == Some("value") {
            // Kubernetes `env: [{name: NAME, value: X}]`: X under NAME.
            let env_name = match self.stack.last() {
                Some(Frame::Mapping { env_name, .. }) => env_name.clone(),
                _ => None,
            };
            if let (Some(name), false) = (env_name, plain_null) {
                let mut keys = self.keys();
                keys.pop();
                keys.push(name);
                let span = locate(self.text, raw, value);
                value_under(&keys, value, span, self.out);
            }
        } else if !plain_null && !self.embedded_json(value, raw.clone()) {
            let span = locate(self.text, raw, value);
            value_under(&self.keys(), value, span, self.out);
        }
        self.value_done();
    }

    /// A JSON list or object as the value of a model-ish key (`MODELS: >`
    /// followed by `["org/a", "org/b"]`, Helm values): its strings under that
    /// key. Whether it was one.
    fn embedded_json(&mut self, value: &str, raw: Range<usize>) -> bool {
        let trimmed = value.trim_start();
        if !(trimmed.starts_with('[') || trimmed.starts_with('{')) {
            return false;
        }
        let keys = self.keys();
        let Some(key) = keys.last() else {
            return false;
        };
        if candidate::name_strength(key).is_none() {
            return false;
        }
        // Under a model key, so that the list's own strings are reported.
        let prefix = "{\"model\": ";
        let wrapped = format!("{prefix}{value}}}");
        let mut found = Vec::new();
        if json::extract(&wrapped, &mut found).is_err() {
            return false;
        }
        let mut under_key = Vec::new();
        for f in found {
            if f.span.start < prefix.len() {
                continue;
            }
            let span = f.span.start - prefix.len()..f.span.end - prefix.len();
            value_under(&keys, &f.text, span, &mut under_key);
        }
        relocate(&mut under_key, value, self.text, raw);
        self.out.extend(under_key);
        true
    }

    /// The key whose value is being read.
    fn current_key(&self) -> Option<&str> {
        match self.stack.last() {
            Some(Frame::Mapping {
                key: Some(k),
                expecting_key: false,
                ..
            }) => Some(k),
            _ => None,
        }
    }

    /// Whether the current mapping is an item of an `env:` list (Kubernetes,
    /// GitHub Actions services).
    fn in_env_list(&self) -> bool {
        let n = self.stack.len();
        n >= 3
            && matches!(self.stack[n - 2], Frame::Sequence { .. })
            && matches!(&self.stack[n - 3], Frame::Mapping { key: Some(k), .. } if k == "env")
    }

    /// A `NAME=value` item of a compose `environment:` list.
    fn environment_item<'v>(&self, value: &'v str) -> Option<(&'v str, &'v str)> {
        let n = self.stack.len();
        let in_list = n >= 2
            && matches!(self.stack[n - 1], Frame::Sequence { .. })
            && matches!(&self.stack[n - 2], Frame::Mapping { key: Some(k), .. } if k == "environment");
        if !in_list {
            return None;
        }
        let (name, assigned) = value.split_once('=')?;
        let is_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        (is_name && !assigned.is_empty()).then_some((name, assigned))
    }

    /// After a value, the enclosing mapping expects its next key.
    fn value_done(&mut self) {
        if let Some(Frame::Mapping { expecting_key, .. }) = self.stack.last_mut() {
            *expecting_key = true;
        }
    }

    fn shell_value(&mut self, value: &str, raw: Range<usize>) {
        let mut found = Vec::new();
        shell::extract(value, &mut found);
        relocate(&mut found, value, self.text, raw);
        self.out.extend(found);
    }

    /// A list of argument words: one command line of its items (exec form).
    fn shell_argv(&mut self, items: &[(String, Range<usize>)]) {
        let words = items.iter().map(|(value, _)| (value.as_str(), false));
        for (item, mut f) in embedded::word_references(words) {
            let Some((_, raw)) = items.get(item) else {
                continue;
            };
            f.span = locate(self.text, raw.clone(), &f.text);
            self.out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RefKind, Strength};

    fn found(text: &str) -> Vec<(String, String, Strength)> {
        let mut out = Vec::new();
        extract(text, &mut out).unwrap();
        out.iter()
            .map(|f| {
                assert_eq!(&text[f.span.clone()], f.text, "span of {}", f.text);
                (f.text.clone(), f.context.clone(), f.strength)
            })
            .collect()
    }

    #[test]
    fn values_and_lists_under_model_keys() {
        let text = "# model: commented/out\nmodel: gpt-4o\nllm:\n  model_name: \"org/quoted\"\n  model_type: llama\n  base_model:\n    - org/a\n    - 'org/b'\nrepo-id: org/c\nother: org/d\nmodel: resnet\nnested: {tokenizer: org/e}\n";
        assert_eq!(
            found(text),
            [
                ("gpt-4o".into(), "key:model".into(), Strength::Weak),
                (
                    "org/quoted".into(),
                    "key:llm.model_name".into(),
                    Strength::Strong
                ),
                (
                    "org/a".into(),
                    "key:llm.base_model".into(),
                    Strength::Strong
                ),
                (
                    "org/b".into(),
                    "key:llm.base_model".into(),
                    Strength::Strong
                ),
                ("org/c".into(), "key:repo-id".into(), Strength::Strong),
                ("resnet".into(), "key:model".into(), Strength::Weak),
                (
                    "org/e".into(),
                    "key:nested.tokenizer".into(),
                    Strength::Weak
                ),
            ]
        );
    }

    #[test]
    fn shell_keys_in_ci_compose_and_kubernetes() {
        let text = "jobs:\n  get:\n    steps:\n      - run: |\n          pip install x\n          huggingface-cli download org/weights\n      - run: ollama pull llama3\nservices:\n  vllm:\n    command: --model org/served --port 8000\n    args: [\"--model\", \"org/k8s\"]\nscript:\n  - ollama pull phi3\n";
        let mut out = Vec::new();
        extract(text, &mut out).unwrap();
        let got: Vec<_> = out
            .iter()
            .map(|f| (&text[f.span.clone()], f.context.as_str(), f.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("org/weights", "huggingface-cli download", RefKind::Shell),
                ("llama3", "ollama pull", RefKind::Shell),
                ("org/served", "--model", RefKind::Shell),
                ("org/k8s", "--model", RefKind::Shell),
                ("phi3", "ollama pull", RefKind::Shell),
            ]
        );
    }

    #[test]
    fn crlf_non_ascii_and_multiple_documents() {
        let text = "name: café crème\r\nmodel: org/x\r\n---\r\nmodel: org/y\r\n";
        let got: Vec<_> = found(text).into_iter().map(|(t, ..)| t).collect();
        assert_eq!(got, ["org/x", "org/y"]);
    }

    #[test]
    fn malformed_yaml_keeps_what_came_before() {
        let mut out = Vec::new();
        let result = extract("model: org/x\nkey: [unclosed\n", &mut out);
        assert!(result.is_err());
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_cheap() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut out = Vec::new();
        let _ = extract(&deep, &mut out);
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 0..9u8 {
            let (prev, next) = ((b'a' + i) as char, (b'b' + i) as char);
            bomb.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("model: *j\n");
        let started = std::time::Instant::now();
        assert!(extract(&bomb, &mut out).is_ok());
        assert!(started.elapsed().as_secs() < 5);
    }
}
