//! A Python tokenizer that is exact about what matters here: where strings,
//! comments and logical lines begin and end. Strings of every form (single,
//! triple, raw, byte, f-strings with nested replacement fields as in PEP 701)
//! are one token each, so text inside a comment or docstring can never look
//! like code. Never fails: broken input yields tokens up to where it breaks.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Name,
    Number,
    String,
    /// Operators and punctuation; the token's text says which.
    Op,
    /// End of a logical line (outside brackets).
    Newline,
    Comment,
}

/// Facts about a string literal token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringInfo {
    /// Between the quotes (byte offsets; `content()` gives the range).
    content_start: u32,
    content_end: u32,
    pub raw: bool,
    /// An f-string (or t-string) with at least one replacement field: built at run time.
    pub has_fields: bool,
    pub terminated: bool,
}

impl StringInfo {
    /// Between the quotes.
    pub fn content(&self) -> Range<usize> {
        self.content_start as usize..self.content_end as usize
    }
}

/// One token, 32 bytes: offsets are `u32` (the extractor refuses texts of
/// 4 GiB or more), as a large file has millions of tokens in memory at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Bracket depth before this token.
    pub depth: u32,
    start: u32,
    end: u32,
    /// For the first token of a logical line: its column in bytes; else `NOT_FIRST`.
    indent: u32,
    pub string: Option<StringInfo>,
}

const NOT_FIRST: u32 = u32::MAX;

/// Texts this long or longer cannot be tokenized (offsets are `u32`).
pub const MAX_TEXT_LEN: usize = u32::MAX as usize;

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// For the first token of a logical line: its column in bytes (the indentation).
    pub fn line_indent(&self) -> Option<usize> {
        (self.indent != NOT_FIRST).then_some(self.indent as usize)
    }

    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.range()).unwrap_or("")
    }

    pub fn is_op(&self, src: &str, op: &str) -> bool {
        self.kind == TokenKind::Op && self.text(src) == op
    }
}

/// Deepest f-string nesting followed; deeper ones are scanned as plain strings.
const MAX_FSTRING_NESTING: u32 = 32;

pub fn tokenize(src: &str) -> Vec<Token> {
    Tokenizer::new(src).run()
}

struct Tokenizer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    at_line_start: bool,
    line_start_offset: usize,
    tokens: Vec<Token>,
}

impl<'a> Tokenizer<'a> {
    fn new(src: &'a str) -> Self {
        Tokenizer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            depth: 0,
            at_line_start: true,
            line_start_offset: 0,
            tokens: Vec::with_capacity(src.len() / 6),
        }
    }

    fn run(mut self) -> Vec<Token> {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\x0c' => {
                    self.pos += 1;
                    while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\x0c')) {
                        self.pos += 1;
                    }
                }
                b'\\' if self.newline_len(self.pos + 1) > 0 => {
                    self.pos += 1 + self.newline_len(self.pos + 1);
                }
                b'\n' | b'\r' => self.newline(),
                b'#' => self.comment(),
                b'0'..=b'9' => self.number(),
                b'.' if self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit) => {
                    self.number()
                }
                b'"' | b'\'' => self.string(self.pos, self.pos),
                _ if is_name_start(self.src, self.pos) => self.name_or_prefixed_string(),
                _ => self.op(),
            }
        }
        self.push_newline(self.pos);
        self.tokens
    }

    fn newline_len(&self, at: usize) -> usize {
        match (self.bytes.get(at), self.bytes.get(at + 1)) {
            (Some(b'\r'), Some(b'\n')) => 2,
            (Some(b'\n' | b'\r'), _) => 1,
            _ => 0,
        }
    }

    fn newline(&mut self) {
        let len = self.newline_len(self.pos).max(1);
        if self.depth == 0 {
            self.push_newline(self.pos);
        }
        self.pos += len;
        self.line_start_offset = self.pos;
    }

    /// Ends the logical line, if it has any token.
    fn push_newline(&mut self, at: usize) {
        if !self.at_line_start {
            self.tokens.push(Token {
                kind: TokenKind::Newline,
                depth: 0,
                start: at as u32,
                end: at as u32,
                indent: NOT_FIRST,
                string: None,
            });
            self.at_line_start = true;
        }
    }

    fn push(&mut self, kind: TokenKind, range: Range<usize>, string: Option<StringInfo>) {
        let indent = if self.at_line_start && kind != TokenKind::Comment {
            range.start.saturating_sub(self.line_start_offset) as u32
        } else {
            NOT_FIRST
        };
        if kind != TokenKind::Comment {
            self.at_line_start = false;
        }
        self.tokens.push(Token {
            kind,
            depth: self.depth,
            start: range.start as u32,
            end: range.end as u32,
            indent,
            string,
        });
    }

    fn comment(&mut self) {
        let start = self.pos;
        let end = memchr::memchr2(b'\n', b'\r', &self.bytes[start..])
            .map_or(self.bytes.len(), |i| start + i);
        self.pos = end;
        self.push(TokenKind::Comment, start..end, None);
    }

    fn number(&mut self) {
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            let exponent_sign = (b == b'+' || b == b'-')
                && matches!(self.bytes.get(self.pos - 1), Some(b'e' | b'E'))
                && !self.src[start..self.pos].starts_with("0x");
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.push(TokenKind::Number, start..self.pos, None);
    }

    fn name_or_prefixed_string(&mut self) {
        let start = self.pos;
        // ASCII names (nearly all) byte by byte; a non-ASCII character sends
        // the rest of the name through the Unicode rules.
        let mut end = start;
        while self
            .bytes
            .get(end)
            .is_some_and(|&b| ASCII_NAME_BYTE[usize::from(b)])
        {
            end += 1;
        }
        if self.bytes.get(end).is_some_and(|b| !b.is_ascii()) {
            let base = end;
            for (i, c) in self.src[base..].char_indices() {
                if c == '_' || c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) {
                    end = base + i + c.len_utf8();
                } else {
                    break;
                }
            }
        }
        let end = end.max(start + 1);
        let word = &self.src[start..end];
        if matches!(self.bytes.get(end), Some(b'"' | b'\'')) && is_string_prefix(word) {
            self.string(start, end);
        } else {
            self.pos = end;
            self.push(TokenKind::Name, start..end, None);
        }
    }

    fn op(&mut self) {
        let start = self.pos;
        match self.bytes[start] {
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                self.push(TokenKind::Op, start..start + 1, None);
                self.depth = self.depth.saturating_add(1);
                return;
            }
            b')' | b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                self.pos += 1;
                self.push(TokenKind::Op, start..start + 1, None);
                return;
            }
            _ => {}
        }
        let len = operator_len(&self.bytes[start..])
            .unwrap_or_else(|| self.src[start..].chars().next().map_or(1, char::len_utf8));
        self.pos = start + len;
        self.push(TokenKind::Op, start..start + len, None);
    }

    /// A string literal whose prefix starts at `start` and whose quote is at `quote_at`.
    fn string(&mut self, start: usize, quote_at: usize) {
        let prefix = &self.bytes[start..quote_at];
        let raw = prefix.iter().any(|b| b.eq_ignore_ascii_case(&b'r'));
        let formatted = prefix
            .iter()
            .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'));
        let scanned = scan_string(self.bytes, quote_at, formatted, 0);
        self.pos = scanned.end;
        let info = StringInfo {
            content_start: scanned.content.start as u32,
            content_end: scanned.content.end as u32,
            raw,
            has_fields: scanned.has_fields,
            terminated: scanned.terminated,
        };
        self.push(TokenKind::String, start..scanned.end, Some(info));
    }
}

struct ScannedString {
    content: Range<usize>,
    end: usize,
    has_fields: bool,
    terminated: bool,
}

/// Scans a string literal whose opening quote is at `quote_at`.
fn scan_string(bytes: &[u8], quote_at: usize, formatted: bool, nesting: u32) -> ScannedString {
    let quote = bytes[quote_at];
    let triple = bytes.get(quote_at + 1) == Some(&quote) && bytes.get(quote_at + 2) == Some(&quote);
    let quote_len = if triple { 3 } else { 1 };
    let content_start = quote_at + quote_len;
    let formatted = formatted && nesting < MAX_FSTRING_NESTING;
    let mut pos = content_start;
    let mut has_fields = false;
    while let Some(&b) = bytes.get(pos) {
        // Inside a triple-quoted string (docstrings: most of the bytes of a
        // Python file) only the quote, a backslash and an f-string's `{` matter.
        if triple && b != quote && b != b'\\' && !(formatted && b == b'{') {
            let third = if formatted { b'{' } else { quote };
            match memchr::memchr3(quote, b'\\', third, &bytes[pos..]) {
                Some(skip) => {
                    pos += skip;
                    continue;
                }
                None => {
                    pos = bytes.len();
                    break;
                }
            }
        }
        match b {
            // Even in a raw string a backslash keeps the next quote inside the literal.
            b'\\' => pos += 1 + bytes.get(pos + 1).map_or(0, |_| 1),
            b'\n' | b'\r' if !triple => break,
            _ if b == quote
                && (!triple
                    || (bytes.get(pos + 1) == Some(&quote)
                        && bytes.get(pos + 2) == Some(&quote))) =>
            {
                return ScannedString {
                    content: content_start..pos,
                    end: pos + quote_len,
                    has_fields,
                    terminated: true,
                };
            }
            b'{' if formatted && bytes.get(pos + 1) == Some(&b'{') => pos += 2,
            b'{' if formatted => {
                has_fields = true;
                pos = skip_replacement_field(bytes, pos + 1, triple, nesting);
            }
            _ => pos += 1,
        }
    }
    let end = pos.min(bytes.len());
    ScannedString {
        content: content_start..end,
        end,
        has_fields,
        terminated: false,
    }
}

/// Skips an f-string replacement field starting after its `{`; returns the
/// position after its closing `}` (or where the enclosing string line ends).
fn skip_replacement_field(bytes: &[u8], mut pos: usize, triple: bool, nesting: u32) -> usize {
    let mut depth = 1u32;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'{' | b'(' | b'[' => {
                depth += 1;
                pos += 1;
            }
            b'}' | b')' | b']' => {
                depth -= 1;
                pos += 1;
                if depth == 0 {
                    return pos;
                }
            }
            // A single-quoted f-string's field may span lines only inside brackets.
            b'\n' | b'\r' if !triple && depth <= 1 => return pos,
            b'"' | b'\'' => {
                let prefix_start = string_prefix_start(bytes, pos);
                let formatted = bytes[prefix_start..pos]
                    .iter()
                    .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'));
                let inner = scan_string(bytes, pos, formatted, nesting + 1);
                pos = inner.end.max(pos + 1);
            }
            _ => pos += 1,
        }
    }
    pos
}

fn string_prefix_start(bytes: &[u8], quote_at: usize) -> usize {
    let mut start = quote_at;
    while start > 0 && quote_at - start < 2 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    start
}

fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2
        && word
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'u' | 'f' | 't'))
}

/// The length of the two- or three-character operator `rest` starts with
/// (`**=`, `//=`, `>>=`, `<<=`, `...`, `!==`, `**`, `->`, `:=`, `+=`, …).
fn operator_len(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'*', b'*', b'=', ..]
        | [b'/', b'/', b'=', ..]
        | [b'>', b'>', b'=', ..]
        | [b'<', b'<', b'=', ..]
        | [b'.', b'.', b'.', ..]
        | [b'!', b'=', b'=', ..] => Some(3),
        [b'*', b'*', ..]
        | [b'/', b'/', ..]
        | [b'>', b'>', ..]
        | [b'<', b'<', ..]
        | [b'-', b'>', ..]
        | [b'<' | b'>' | b'=' | b'!' | b':', b'=', ..]
        | [b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'@', b'=', ..] => Some(2),
        _ => None,
    }
}

/// ASCII letters, digits and `_`: one load per byte in the name loop, the
/// tokenizer's hottest.
const ASCII_NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

fn is_name_start(src: &str, pos: usize) -> bool {
    if let Some(&b) = src.as_bytes().get(pos).filter(|b| b.is_ascii()) {
        return b.is_ascii_alphabetic() || b == b'_';
    }
    src[pos..]
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic() || (!c.is_ascii() && !c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .iter()
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn strings_of_every_form_are_single_tokens() {
        let src = r#"a = 'x' + "y" + r'\d' + b"z" + f"{v}" + """doc
still doc""" + Rb'q'"#;
        let strings: Vec<_> = tokenize(src)
            .into_iter()
            .filter(|t| t.kind == TokenKind::String)
            .map(|t| t.text(src).to_string())
            .collect();
        assert_eq!(
            strings,
            [
                "'x'",
                "\"y\"",
                r"r'\d'",
                "b\"z\"",
                "f\"{v}\"",
                "\"\"\"doc\nstill doc\"\"\"",
                "Rb'q'"
            ]
        );
    }

    #[test]
    fn comments_hide_code() {
        let src = "x = 1  # from_pretrained('gpt2')\n";
        assert_eq!(
            kinds_and_texts(src),
            [
                (TokenKind::Name, "x"),
                (TokenKind::Op, "="),
                (TokenKind::Number, "1"),
                (TokenKind::Comment, "# from_pretrained('gpt2')"),
                (TokenKind::Newline, ""),
            ]
        );
    }

    #[test]
    fn fstring_fields_with_nested_quotes() {
        let src = "f\"{d[\"k\"]}/{x:>{w}}\" + 'after'";
        let tokens = tokenize(src);
        let first = tokens[0].string.as_ref().unwrap();
        assert!(first.has_fields && first.terminated);
        assert_eq!(tokens[0].text(src), "f\"{d[\"k\"]}/{x:>{w}}\"");
        assert_eq!(tokens[2].text(src), "'after'");
        let plain = tokenize("f'{{literal}}'");
        assert!(!plain[0].string.as_ref().unwrap().has_fields);
    }

    #[test]
    fn newlines_inside_brackets_are_not_logical() {
        let src = "f(\n  'a',\n)\ny";
        let newlines = tokenize(src)
            .iter()
            .filter(|t| t.kind == TokenKind::Newline)
            .count();
        assert_eq!(newlines, 2);
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        let src = "x = 'abc\ny = \"\"\"never closed";
        let tokens = tokenize(src);
        let strings: Vec<_> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::String)
            .collect();
        assert_eq!(strings.len(), 2);
        assert!(!strings[0].string.as_ref().unwrap().terminated);
        assert_eq!(strings[0].text(src), "'abc");
        assert_eq!(
            tokens
                .iter()
                .find(|t| t.text(src) == "y")
                .unwrap()
                .line_indent(),
            Some(0)
        );
    }

    #[test]
    fn crlf_and_continuations() {
        let src = "a = \\\r\n  'x'\r\nb = 2\r\n";
        let tokens = tokenize(src);
        assert_eq!(
            tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Newline)
                .count(),
            2
        );
        assert_eq!(
            tokens
                .iter()
                .find(|t| t.text(src) == "b")
                .unwrap()
                .line_indent(),
            Some(0)
        );
    }

    #[test]
    fn indentation_is_recorded() {
        let src = "def f():\n    return 1\n";
        let ret = tokenize(src)
            .into_iter()
            .find(|t| t.text(src) == "return")
            .unwrap();
        assert_eq!(ret.line_indent(), Some(4));
    }

    #[test]
    fn operators_use_maximal_munch() {
        let ops: Vec<_> = kinds_and_texts("a == b != c := d -> e **= f")
            .into_iter()
            .filter(|(k, _)| *k == TokenKind::Op)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(ops, ["==", "!=", ":=", "->", "**="]);
    }
}
