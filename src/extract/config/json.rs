//! JSON (and JSON with comments): the token stream of jsonc-parser's scanner
//! walked with an explicit stack, so any nesting depth is safe.

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use super::{locate, value_under};
use crate::extract::{candidate, ExtractResult, Malformed};
use crate::model::Found;

enum Frame {
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    Array,
}

pub fn extract(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let mut scanner = Scanner::new(text, &ScannerOptions::default());
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let token = match scanner.scan() {
            Ok(Some(token)) => token,
            Ok(None) if stack.is_empty() => return Ok(()),
            Ok(None) => {
                return Err(Malformed::at(
                    text,
                    text.len(),
                    "unexpected end of file: a bracket is not closed",
                ))
            }
            Err(e) => return Err(Malformed::at(text, scanner.token_start(), &e.to_string())),
        };
        let raw = scanner.token_start()..scanner.token_end();
        match token {
            Token::OpenBrace => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            Token::OpenBracket => stack.push(Frame::Array),
            Token::CloseBrace | Token::CloseBracket => {
                let matches = matches!(
                    (&token, stack.pop()),
                    (Token::CloseBrace, Some(Frame::Object { .. }))
                        | (Token::CloseBracket, Some(Frame::Array))
                );
                if !matches {
                    return Err(Malformed::at(
                        text,
                        raw.start,
                        "a closing bracket does not match",
                    ));
                }
            }
            Token::Comma => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = true;
                }
            }
            Token::String(value) => {
                if let Some(Frame::Object {
                    key,
                    expecting_key: expecting @ true,
                }) = stack.last_mut()
                {
                    *key = Some(value.into_owned());
                    *expecting = false;
                    continue;
                }
                // Most values are under keys that name no model: told before
                // the value is located and the key path built.
                let innermost_key = stack.iter().rev().find_map(|f| match f {
                    Frame::Object { key: Some(k), .. } => Some(k.as_str()),
                    _ => None,
                });
                if innermost_key.is_none_or(|k| candidate::name_strength(k).is_none()) {
                    continue;
                }
                let inner = raw.start + 1..raw.end.saturating_sub(1).max(raw.start + 1);
                let span = locate(text, inner, &value);
                value_under(&keys(&stack), &value, span, out);
            }
            _ => {}
        }
    }
}

fn keys(stack: &[Frame]) -> Vec<String> {
    stack
        .iter()
        .filter_map(|f| match f {
            Frame::Object { key: Some(k), .. } => Some(k.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strength;

    #[test]
    fn values_under_model_keys() {
        let text = "{\n  // a comment: \"model\": \"org/commented\"\n  \"_name_or_path\": \"meta-llama/Llama-2-7b-hf\",\n  \"model_type\": \"llama\",\n  \"config\": {\"model\": \"gpt-4o\", \"models\": [\"org/n\"]},\n  \"base_model\": [\"org/a\", \"org/b\"],\n  \"x\": \"caf\\u00e9\", \"model_id\": \"org/esc\\/aped\"\n}";
        let mut out = Vec::new();
        extract(text, &mut out).unwrap();
        let got: Vec<_> = out
            .iter()
            .map(|f| {
                (
                    f.text.as_str(),
                    &text[f.span.clone()],
                    f.context.as_str(),
                    f.strength,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "meta-llama/Llama-2-7b-hf",
                    "meta-llama/Llama-2-7b-hf",
                    "key:_name_or_path",
                    Strength::Strong
                ),
                ("gpt-4o", "gpt-4o", "key:config.model", Strength::Weak),
                // `models` is a lexicon word (a list of models counts).
                ("org/n", "org/n", "key:config.models", Strength::Weak),
                ("org/a", "org/a", "key:base_model", Strength::Strong),
                ("org/b", "org/b", "key:base_model", Strength::Strong),
                (
                    "org/esc/aped",
                    "org/esc\\/aped",
                    "key:model_id",
                    Strength::Strong
                ),
            ]
        );
    }

    #[test]
    fn malformed_json_keeps_earlier_values() {
        let mut out = Vec::new();
        let result = extract("{\"model\": \"org/x\", \"b\": [1, }", &mut out);
        assert!(result.is_err());
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn deep_nesting_is_iterative() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut out = Vec::new();
        assert!(extract(&text, &mut out).is_ok());
    }
}
