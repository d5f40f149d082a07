//! Command lines inside Python (SPEC signal 3): argv lists
//! (`["vllm", "serve", X]`, `subprocess.run([..., "--model", X])`) and command
//! strings (`os.system("ollama pull X")`, `f"vllm serve {model}"`), handed to
//! the shell extractor; what it finds is placed back on the Python source.

use std::ops::Range;

use super::tokenize::{Token, TokenKind};
use crate::extract::embedded::{self, ArgvWord};
use crate::model::{Found, RefKind};

/// An argv list whose elements fill `elements`: when it runs a known program
/// or passes an option, the references its command line holds.
pub fn argv(src: &str, tokens: &[Token], elements: &[Range<usize>], out: &mut Vec<Found>) {
    // Most lists are data: told apart from their string elements before
    // anything is built (this runs for every list display of a scan).
    let literal_text = |range: &Range<usize>| {
        let mut code = tokens[range.clone()]
            .iter()
            .filter(|t| t.kind != TokenKind::Comment);
        match (code.next(), code.next()) {
            (Some(token), None) => token
                .string
                .as_ref()
                .filter(|info| !info.has_fields)
                .and_then(|info| src.get(info.content())),
            _ => None,
        }
    };
    let may_be_argv = elements.len() >= 2
        && (elements
            .first()
            .and_then(literal_text)
            .is_some_and(embedded::is_program)
            || elements
                .iter()
                .any(|e| literal_text(e).is_some_and(|t| t.starts_with("--"))));
    if !may_be_argv {
        return;
    }
    let mut words = Vec::with_capacity(elements.len());
    for range in elements {
        let code: Vec<&Token> = tokens[range.clone()]
            .iter()
            .filter(|t| t.kind != TokenKind::Comment)
            .collect();
        let (Some(first), Some(last)) = (code.first(), code.last()) else {
            continue;
        };
        let literal = match (code.len(), &first.string) {
            (1, Some(info)) if !info.has_fields && !first.text(src).contains('\\') => {
                Some(info.content())
            }
            _ => None,
        };
        words.push(match literal {
            Some(content) => ArgvWord::literal(src, content),
            None if first.kind == TokenKind::Number && code.len() == 1 => {
                ArgvWord::literal(src, first.range())
            }
            None => ArgvWord::dynamic(first.range().start..last.range().end),
        });
    }
    embedded::argv_references(src, &words, RefKind::Code, out);
}

/// Whether the string token's content starts with a known program's name
/// (a cheap look before anything is built).
pub fn may_be_a_command(src: &str, token: &Token) -> bool {
    token
        .string
        .as_ref()
        .and_then(|info| src.get(info.content()))
        .is_some_and(embedded::starts_with_program)
}

/// A string literal holding a command line of a known program: the references
/// in it. An f-string's replacement fields are run-time words.
pub fn command_string(src: &str, token: &Token, out: &mut Vec<Found>) {
    let Some(info) = &token.string else { return };
    let content = info.content();
    let Some(text) = src.get(content.clone()) else {
        return;
    };
    if text.contains('\\') {
        return;
    }
    // Fields become `$___…` of the same length: offsets stay those of the source.
    let line = if info.has_fields {
        embedded::blank_fields(text)
    } else {
        text.to_string()
    };
    embedded::command_references(src, content.start, &line, RefKind::Code, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_length() {
        let text = "vllm serve {model} --port {{8000}} {a[{'k': 1}]}é";
        let blanked = embedded::blank_fields(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "vllm serve $______ --port {{8000}} $____________é");
    }
}
