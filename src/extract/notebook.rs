//! Jupyter notebooks: the code cells go through the Python extractor (and
//! `!command` lines through the shell extractor); every span is mapped back
//! into the `.ipynb` file, through the JSON string escapes, so an editor jumps
//! to the right place in the file itself.

use std::ops::Range;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use crate::extract::{python, shell, ExtractResult, Malformed};
use crate::model::{Found, RefKind};

pub fn extract(text: &str, out: &mut Vec<Found>) -> ExtractResult {
    let (cells, error) = code_cells(text);
    for cell in &cells {
        extract_cell(cell, out);
    }
    error.map_or(Ok(()), Err)
}

/// A code cell's source, decoded, with the file offset of every decoded byte.
#[derive(Debug, Default)]
struct Cell {
    code: String,
    /// `raw_start[i]`/`raw_end[i]`: where decoded byte `i` comes from in the file.
    raw_start: Vec<usize>,
    raw_end: Vec<usize>,
}

impl Cell {
    fn push_string(&mut self, raw_inner: &str, offset: usize) {
        decode_json_string(raw_inner, offset, self);
    }

    /// The file span of a decoded span.
    fn file_span(&self, span: &Range<usize>) -> Option<Range<usize>> {
        let start = *self.raw_start.get(span.start)?;
        let end = *self.raw_end.get(span.end.checked_sub(1)?)?;
        Some(start..end.max(start))
    }
}

fn extract_cell(cell: &Cell, out: &mut Vec<Found>) {
    let mut found = Vec::new();
    python::extract(&cell.code, &mut found);
    shell_lines(&cell.code, &mut found);
    for mut f in found {
        let Some(span) = cell.file_span(&f.span) else {
            continue;
        };
        f.span = span;
        f.kind = RefKind::Notebook;
        out.push(f);
    }
}

/// IPython's `!command` lines run in a shell.
fn shell_lines(code: &str, found: &mut Vec<Found>) {
    for (offset, line) in crate::text::lines_with_offsets(code) {
        let trimmed = line.trim_start();
        let Some(command) = trimmed.strip_prefix('!') else {
            continue;
        };
        let start = offset + (line.len() - command.len());
        let mut commands = Vec::new();
        shell::extract(command, &mut commands);
        crate::extract::shift(&mut commands, start);
        found.extend(commands);
    }
}

/// Where the scanner is in the notebook's JSON.
#[derive(Debug, Clone, PartialEq)]
enum Frame {
    Object { key: Option<String> },
    Array,
}

/// Walks the JSON tokens with an explicit stack (no recursion, so any nesting
/// depth is safe) and collects `cells[*].source` of cells whose `cell_type` is `code`.
fn code_cells(text: &str) -> (Vec<Cell>, Option<Malformed>) {
    let mut scanner = Scanner::new(text, &ScannerOptions::default());
    let mut stack: Vec<Frame> = Vec::new();
    let mut cells = Vec::new();
    let mut cell = Cell::default();
    let mut cell_is_code = false;
    let mut expect_key = false;
    loop {
        let token = match scanner.scan() {
            Ok(Some(token)) => token,
            Ok(None) if stack.is_empty() => return (cells, None),
            Ok(None) => {
                let why = "unexpected end of file: a bracket is not closed";
                return (cells, Some(Malformed::at(text, text.len(), why)));
            }
            Err(e) => {
                let at = scanner.token_start();
                return (cells, Some(Malformed::at(text, at, &e.to_string())));
            }
        };
        let range = scanner.token_start()..scanner.token_end();
        if let Some(why) = not_notebook_json(&token, &stack) {
            return (cells, Some(Malformed::at(text, range.start, why)));
        }
        let in_cell = is_cell(&stack);
        match token {
            Token::OpenBrace => {
                if is_cells_item(&stack) {
                    cell = Cell::default();
                    cell_is_code = false;
                }
                stack.push(Frame::Object { key: None });
                expect_key = true;
            }
            Token::OpenBracket => {
                stack.push(Frame::Array);
                expect_key = false;
            }
            Token::CloseBrace | Token::CloseBracket => {
                let closes_cell = in_cell && matches!(token, Token::CloseBrace);
                stack.pop();
                if closes_cell && cell_is_code {
                    cells.push(std::mem::take(&mut cell));
                }
                expect_key = false;
            }
            Token::Comma => expect_key = matches!(stack.last(), Some(Frame::Object { .. })),
            Token::Colon => expect_key = false,
            Token::String(value) if expect_key => {
                if let Some(Frame::Object { key }) = stack.last_mut() {
                    *key = Some(value.into_owned());
                }
                expect_key = false;
            }
            Token::String(value) => {
                if in_cell && current_key(&stack) == Some("cell_type") {
                    cell_is_code = value == "code";
                } else if is_source_string(&stack) {
                    let inner = range.start + 1..range.end.saturating_sub(1).max(range.start + 1);
                    cell.push_string(text.get(inner.clone()).unwrap_or(""), inner.start);
                }
            }
            _ => {}
        }
    }
}

/// Why a token cannot stand where it is in a notebook (a JSON object), if so.
fn not_notebook_json(token: &Token<'_>, stack: &[Frame]) -> Option<&'static str> {
    match token {
        Token::Word(_) => Some("not JSON: an unquoted word"),
        Token::OpenBrace => None,
        _ if stack.is_empty() => Some("not a notebook: the file is not a JSON object"),
        Token::CloseBrace if !matches!(stack.last(), Some(Frame::Object { .. })) => {
            Some("a closing brace does not match")
        }
        Token::CloseBracket if !matches!(stack.last(), Some(Frame::Array)) => {
            Some("a closing bracket does not match")
        }
        _ => None,
    }
}

fn current_key(stack: &[Frame]) -> Option<&str> {
    match stack.last() {
        Some(Frame::Object { key }) => key.as_deref(),
        _ => None,
    }
}

/// Directly inside the top-level `cells` array.
fn is_cells_item(stack: &[Frame]) -> bool {
    matches!(stack, [Frame::Object { key: Some(k) }, Frame::Array] if k == "cells")
}

/// Directly inside a cell object.
fn is_cell(stack: &[Frame]) -> bool {
    stack.len() == 3 && is_cells_item(&stack[..2])
}

/// A cell's `source` string, or an item of its `source` list.
fn is_source_string(stack: &[Frame]) -> bool {
    match stack {
        [a, b, Frame::Object { key: Some(k) }] => {
            k == "source" && is_cells_item(&[a.clone(), b.clone()])
        }
        [a, b, Frame::Object { key: Some(k) }, Frame::Array] => {
            k == "source" && is_cells_item(&[a.clone(), b.clone()])
        }
        _ => false,
    }
}

/// Decodes the inside of a JSON string literal, recording for each decoded byte
/// the file range of the source text it came from.
fn decode_json_string(raw: &str, offset: usize, cell: &mut Cell) {
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let (decoded, raw_len) = if c == '\\' {
            match chars.next() {
                Some((_, 'u')) => decode_unicode_escape(raw, i),
                Some((_, e)) => (json_escape(e), 2),
                None => ('\\', 1),
            }
        } else {
            (c, c.len_utf8())
        };
        // Skip the rest of a multi-character escape.
        while chars.peek().is_some_and(|(j, _)| *j < i + raw_len) {
            chars.next();
        }
        let mut buf = [0u8; 4];
        let bytes = decoded.encode_utf8(&mut buf).len();
        cell.code.push(decoded);
        for _ in 0..bytes {
            cell.raw_start.push(offset + i);
            cell.raw_end.push(offset + i + raw_len);
        }
    }
}

fn json_escape(e: char) -> char {
    match e {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        other => other,
    }
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; returns the char and the raw length.
fn decode_unicode_escape(raw: &str, at: usize) -> (char, usize) {
    let unit = |from: usize| {
        raw.get(from..from + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let Some(high) = unit(at + 2) else {
        return (char::REPLACEMENT_CHARACTER, 2);
    };
    if (0xD800..0xDC00).contains(&high) && raw.get(at + 6..at + 8) == Some("\\u") {
        if let Some(low) = unit(at + 8).filter(|l| (0xDC00..0xE000).contains(l)) {
            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return (
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                12,
            );
        }
    }
    (
        char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER),
        6,
    )
}

#[cfg(test)]
mod tests {
    /// What the extractor finds in places: bare literals (signal 2) are left
    /// to resolution, which keeps only catalog names.
    fn extract_placed(text: &str, out: &mut Vec<Found>) {
        extract(text, out).unwrap();
        out.retain(|f| f.strength != crate::model::Strength::Named);
    }

    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        extract_placed(text, &mut out);
        out.iter()
            .map(|f| (f.text.clone(), text[f.span.clone()].to_string()))
            .collect()
    }

    #[test]
    fn code_cells_map_into_the_file() {
        let nb = r#"{"cells": [
  {"cell_type": "markdown", "source": ["from_pretrained(\"org/doc\")"]},
  {"cell_type": "code", "metadata": {}, "source": ["import torch\n", "m = AutoModel.from_pretrained(\"org/model\")\n"]},
  {"source": "pipe = pipeline(\"text-generation\", model=\"gpt2\")", "cell_type": "code"}
], "metadata": {"model": "x"}}"#;
        assert_eq!(
            found(nb),
            [
                ("org/model".into(), "org/model".into()),
                ("gpt2".into(), "gpt2".into())
            ]
        );
    }

    #[test]
    fn escapes_before_a_reference_keep_positions_exact() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": ["s = \"caf\u00e9\\t\"; AutoModel.from_pretrained(\"org/x\")"]}]}"#;
        let mut out = Vec::new();
        extract_placed(nb, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&nb[out[0].span.clone()], "org/x");
        assert_eq!(out[0].kind, RefKind::Notebook);
    }

    #[test]
    fn escaped_quotes_inside_the_reference_span_map_to_raw_text() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": "x = f\"{org}/m\"\nAutoModel.from_pretrained(x + \"-v2\")"}]}"#;
        let mut out = Vec::new();
        extract_placed(nb, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].dynamic);
        assert_eq!(&nb[out[0].span.clone()], r#"x + \"-v2\""#);
    }

    #[test]
    fn shell_escapes_are_scanned() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": ["!ollama pull llama3\n"]}]}"#;
        let texts: Vec<_> = found(nb).into_iter().map(|(t, _)| t).collect();
        // The shell extractor decides what `ollama pull` yields; the notebook maps it.
        assert!(texts.iter().all(|t| t == "llama3"));
    }

    #[test]
    fn malformed_notebooks_keep_earlier_cells() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": ["AutoModel.from_pretrained(\"org/a\")"]}, {"cell_type": "#;
        let mut out = Vec::new();
        let result = extract(nb, &mut out);
        assert!(result.is_err() || out.len() == 1);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let nb = format!(
            "{{\"cells\": [], \"x\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let mut out = Vec::new();
        assert!(extract(&nb, &mut out).is_ok());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics(text in "\\PC{0,200}") {
                let mut out = Vec::new();
                let _ = extract(&text, &mut out);
            }

            #[test]
            fn never_panics_on_notebook_like_text(body in "[a-z\\\\\"u0-9(){}\\[\\],: ]{0,80}") {
                let text = format!("{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"{body}\"]}}]}}");
                let mut out = Vec::new();
                let _ = extract(&text, &mut out);
                for f in &out {
                    prop_assert!(text.get(f.span.clone()).is_some());
                }
            }
        }
    }
}
