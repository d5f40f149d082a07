//! YAML: an event walk (saphyr-parser) with an explicit stack, so any nesting
//! depth is safe and aliases are never expanded (an alias bomb costs nothing).
//! Values under shell keys (`run`, `script`, `command`, `args`, …) are shell
//! commands: CI steps, docker-compose services, Kubernetes containers.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{locate, relocate, value_under};
use crate::extract::{shell, ExtractResult, Malformed};
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
        matches!(self.stack.last(), Some(Frame::Mapping { key: Some(k), expecting_key: false }) if SHELL_KEYS.contains(&k.as_str()))
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, span: Span) {
        if let Some(Frame::Mapping { key, expecting_key }) = self.stack.last_mut() {
            if *expecting_key {
                *key = Some(value.to_string());
                *expecting_key = false;
                return;
            }
        }
        let raw = self.byte_range(&span);
        let plain_null =
            style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "true" | "false");
        if let Some(Frame::Sequence {
            shell_items: Some(items),
            ..
        }) = self.stack.last_mut()
        {
            items.push((value.to_string(), raw));
        } else if self.under_shell_key() {
            self.shell_value(value, raw);
        } else if !plain_null {
            let span = locate(self.text, raw, value);
            value_under(&self.keys(), value, span, self.out);
        }
        self.value_done();
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
        let mut line = String::new();
        let mut starts = Vec::new();
        for (value, _) in items {
            starts.push(line.len());
            line.push_str(&shell_quote(value));
            line.push(' ');
        }
        let mut found = Vec::new();
        shell::extract(&line, &mut found);
        for mut f in found {
            let item = starts
                .partition_point(|&s| s <= f.span.start)
                .saturating_sub(1);
            let Some((_, raw)) = items.get(item) else {
                continue;
            };
            f.span = locate(self.text, raw.clone(), &f.text);
            self.out.push(f);
        }
    }
}

/// Quotes a list item as one shell word.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
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
