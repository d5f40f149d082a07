//! Known names anywhere (SPEC signal 2): each string literal of a Python
//! text that could be a catalog name, outside the negative places —
//! docstrings, comparisons and membership tests, dict keys and subscripts
//! (lookup tables), messages (`print`, logging, exceptions, `assert`,
//! `raise`) and string methods. Reported as `Strength::Named`: resolution
//! keeps only those the catalog knows by id or alias.

use crate::extract::candidate;
use crate::model::{Found, RefKind, Strength};

use super::tokenize::{Token, TokenKind};

/// Calls whose string arguments are text, a key or a pattern, never a model.
const TEXT_CALLS: &[&str] = &[
    "print",
    "startswith",
    "endswith",
    "replace",
    "split",
    "rsplit",
    "removeprefix",
    "removesuffix",
    "index",
    "find",
    "rfind",
    "count",
    "get",
    "pop",
    "setdefault",
    "format",
    "join",
    "strip",
    "lstrip",
    "rstrip",
    "warn",
    "warning",
    "info",
    "debug",
    "error",
    "exception",
    "critical",
    "log",
    "isinstance",
    "getattr",
    "hasattr",
    "setattr",
    "match",
    "search",
    "sub",
    "fullmatch",
    "compile",
    "skip",
    "skipif",
    "xfail",
    "mark",
    "environ",
    "getenv",
    "encoding_for_model",
    "load_dataset",
    // Publishing targets (SPEC negative places).
    "push_to_hub",
    "create_repo",
    "upload_folder",
    "upload_file",
];

/// Statements whose strings are messages.
const MESSAGE_STATEMENTS: &[&str] = &["assert", "raise", "del", "import", "from", "global"];

/// Reports the string token at `at` when it may be a catalog name in a place
/// that is not negative. `opener` is the innermost open bracket, `line_start`
/// the first token of the logical line (the caller tracks both).
pub fn consider(
    src: &str,
    tokens: &[Token],
    at: usize,
    opener: Option<usize>,
    line_start: usize,
    out: &mut Vec<Found>,
) {
    if let Some(info) = tokens[at]
        .string
        .as_ref()
        .filter(|i| !i.has_fields && !i.raw)
    {
        key_value_pairs(src, info.content(), out);
    }
    let command = super::commands::may_be_a_command(src, &tokens[at]);
    let checkpoint = names_a_checkpoint(src, &tokens[at]);
    if !command && !checkpoint && !may_be_a_name(src, &tokens[at]) {
        return;
    }
    let code = |i: &usize| tokens[*i].kind != TokenKind::Comment;
    let previous = (line_start..at).rev().find(code);
    let next = (at + 1..tokens.len()).find(code);
    if command || checkpoint {
        if !in_message_place(src, tokens, previous, next, opener, line_start) {
            if command {
                super::commands::command_string(src, &tokens[at], out);
            }
            if let Some(info) = tokens[at].string.as_ref().filter(|_| checkpoint) {
                let content = info.content();
                let text = src.get(content.clone()).unwrap_or("");
                crate::extract::checkpoint::find_in_literal(text, content.start, out);
            }
        }
        return;
    }
    if is_candidate_literal(src, tokens, at, previous, next, opener, line_start) {
        push(src, &tokens[at], out);
    }
}

/// `"pretrained=org/name,dtype=float32"` (lm-eval's `model_args`, vLLM and
/// similar option strings): the values of lexicon names, as weak references.
fn key_value_pairs(src: &str, content: std::ops::Range<usize>, out: &mut Vec<Found>) {
    let Some(text) = src.get(content.clone()) else {
        return;
    };
    if !text.contains('=') || text.len() > 1024 || text.contains(char::is_whitespace) {
        return;
    }
    let mut offset = content.start;
    for pair in text.split(',') {
        if let Some((key, value)) = pair.split_once('=') {
            let is_key =
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if is_key && !value.is_empty() && candidate::name_strength(key).is_some() {
                let start = offset + key.len() + 1;
                out.push(Found {
                    provider: candidate::provider_from_shape(value),
                    text: value.to_string(),
                    span: start..start + value.len(),
                    kind: RefKind::Code,
                    context: format!("{key}="),
                    dynamic: false,
                    strength: Strength::Weak,
                    weights: None,
                });
            }
        }
        offset += pair.len() + 1;
    }
}

/// A string that ends in a weights extension (`….safetensors`, `….ckpt`).
fn names_a_checkpoint(src: &str, token: &Token) -> bool {
    token
        .string
        .as_ref()
        .and_then(|info| src.get(info.content()))
        .is_some_and(|text| {
            // Compared in place: this runs for every string literal.
            let bytes = text.trim_end().as_bytes();
            crate::extract::checkpoint::EXTENSIONS.iter().any(|ext| {
                bytes.len() > ext.len()
                    && bytes[bytes.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
            })
        })
}

/// A cheap look at a string's bytes: short, with a separator (names without
/// one are ordinary words), without white space; no f-string.
fn may_be_a_name(src: &str, token: &Token) -> bool {
    let Some(info) = token.string.as_ref() else {
        return false;
    };
    let content = info.content();
    let Some(bytes) = src.as_bytes().get(content) else {
        return false;
    };
    !info.has_fields
        && !bytes.is_empty()
        && bytes.len() <= 128
        && bytes
            .iter()
            .any(|b| matches!(b, b'-' | b'/' | b':' | b'.' | b'@'))
        && !bytes.iter().any(|b| b.is_ascii_whitespace() || *b == b'{')
}

fn is_candidate_literal(
    src: &str,
    tokens: &[Token],
    at: usize,
    previous: Option<usize>,
    next: Option<usize>,
    opener: Option<usize>,
    line_start: usize,
) -> bool {
    let text = |i: usize| tokens[i].text(src);
    let kind = |i: usize| tokens[i].kind;
    let Some(info) = tokens[at].string.as_ref() else {
        return false;
    };
    if info.has_fields {
        return false;
    }
    let content = src.get(info.content()).unwrap_or("");
    if content.len() > 128
        || candidate::is_ordinary_word(content)
        || !candidate::is_identifier_like(content)
    {
        return false;
    }
    // Implicit concatenation, a docstring or a bare expression statement.
    if previous.is_some_and(|p| kind(p) == TokenKind::String)
        || next.is_some_and(|n| kind(n) == TokenKind::String)
        || (previous.is_none() && next.is_none_or(|n| kind(n) == TokenKind::Newline))
    {
        return false;
    }
    let comparison = |i: usize| {
        matches!(
            text(i),
            "==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "is" | "not" | "%"
        )
    };
    if previous.is_some_and(comparison) || next.is_some_and(comparison) {
        return false;
    }
    // A dict key: `{"gpt-4o": 128_000}` is a table about models, not a use.
    if next.is_some_and(|n| text(n) == ":") && opener.is_some_and(|o| text(o) == "{") {
        return false;
    }
    if is_message_statement(src, tokens, line_start) {
        return false;
    }
    let Some(open) = opener else {
        return true;
    };
    let before = open.checked_sub(1).filter(|&b| b >= line_start);
    match (text(open), before) {
        // `x in ["gpt-4", "gpt-4o"]`: membership.
        (_, Some(b)) if matches!(text(b), "in" | "not") => false,
        // `table["gpt-4o"]`: a lookup.
        ("[", Some(b)) => {
            let indexed = (kind(b) == TokenKind::Name && !is_keyword(text(b)))
                || matches!(text(b), ")" | "]");
            !indexed
        }
        ("(", Some(b)) if kind(b) == TokenKind::Name => {
            let callee = text(b);
            // The default of a lookup is a value: `os.getenv("M", "org/x")`.
            let lookup_default = matches!(callee, "getenv" | "get" | "pop" | "setdefault")
                && previous.is_some_and(|p| text(p) == ",");
            lookup_default || !is_text_call(callee)
        }
        _ => true,
    }
}

/// A docstring, a message (`print`, logging, exceptions, `assert`, `raise`)
/// or a comparison: where a command line is text, not a command.
fn in_message_place(
    src: &str,
    tokens: &[Token],
    previous: Option<usize>,
    next: Option<usize>,
    opener: Option<usize>,
    line_start: usize,
) -> bool {
    let text = |i: usize| tokens[i].text(src);
    let kind = |i: usize| tokens[i].kind;
    let docstring = previous.is_none() && next.is_none_or(|n| kind(n) == TokenKind::Newline);
    let comparison = |i: usize| matches!(text(i), "==" | "!=" | "in" | "not");
    let message_statement = is_message_statement(src, tokens, line_start);
    let text_call = opener
        .and_then(|open| open.checked_sub(1).filter(|&b| b >= line_start))
        .is_some_and(|b| kind(b) == TokenKind::Name && is_text_call(text(b)));
    docstring
        || previous.is_some_and(comparison)
        || next.is_some_and(comparison)
        || message_statement
        || text_call
}

/// A line of `assert`, `raise`, `import`, …: its strings are messages or names.
fn is_message_statement(src: &str, tokens: &[Token], line_start: usize) -> bool {
    tokens
        .get(line_start)
        .is_some_and(|t| t.kind == TokenKind::Name && MESSAGE_STATEMENTS.contains(&t.text(src)))
}

/// A call whose string arguments are text, a key or a pattern: string
/// methods, logging, exceptions, publishing.
fn is_text_call(callee: &str) -> bool {
    TEXT_CALLS.contains(&callee)
        || callee.ends_with("Error")
        || callee.ends_with("Exception")
        || callee.ends_with("Warning")
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "return" | "yield" | "and" | "or" | "if" | "else" | "for" | "lambda" | "await"
    )
}

fn push(src: &str, token: &Token, out: &mut Vec<Found>) {
    let Some(info) = token.string.as_ref() else {
        return;
    };
    let span = info.content();
    let value = super::decode_string(src.get(span.clone()).unwrap_or(""), info.raw);
    out.push(Found {
        provider: candidate::provider_from_shape(&value),
        text: value,
        span,
        kind: RefKind::Code,
        context: "literal".to_string(),
        dynamic: false,
        strength: Strength::Named,
        weights: None,
    });
}
