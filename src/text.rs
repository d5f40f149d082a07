//! Decoding file bytes to text and turning byte offsets into 1-based lines and
//! columns (columns count Unicode scalar values, as the JSON schema promises).

use crate::model::OneIndexed;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text with its UTF-8 BOM (if any) removed; `bom_len` bytes were dropped.
#[derive(Debug)]
pub struct SourceText<'a> {
    pub text: &'a str,
    pub bom_len: usize,
}

/// Why bytes are not text we scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Utf16Bom,
    InvalidUtf8 { byte_offset: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Utf16Bom => write!(f, "UTF-16 byte order mark"),
            DecodeError::InvalidUtf8 { byte_offset } => {
                write!(f, "invalid byte sequence at byte {byte_offset}")
            }
        }
    }
}

/// Strips a UTF-8 BOM and validates the rest as UTF-8.
pub fn decode(bytes: &[u8]) -> Result<SourceText<'_>, DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError::Utf16Bom);
    }
    let bom_len = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    match std::str::from_utf8(&bytes[bom_len..]) {
        Ok(text) => Ok(SourceText { text, bom_len }),
        Err(e) => Err(DecodeError::InvalidUtf8 {
            byte_offset: bom_len + e.valid_up_to(),
        }),
    }
}

/// Line starts of a text, for offset → (line, column) conversion.
///
/// Lines end at `\n` (a `\r` before it belongs to the line end, never to a column).
///
/// Columns are counted from the last position asked for when it lies earlier on
/// the same line, so locating every reference of one long line (a minified
/// JSON file) costs one pass over the line, not one pass per reference.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// The last (byte offset, 0-based char column) computed.
    last: std::cell::Cell<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            line_starts,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    /// Where to start counting characters towards `offset` on the line that
    /// starts at `start`: the last position when it is on that line, before
    /// `offset` and on a character boundary; else the line start.
    fn count_from(&self, text: &str, start: usize, offset: usize) -> (usize, usize) {
        let (last_offset, last_column) = self.last.get();
        if (start..=offset).contains(&last_offset) && text.is_char_boundary(last_offset) {
            (last_offset, last_column)
        } else {
            (start, 0)
        }
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// Byte offset where 0-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// 1-based line and column (in chars) of a byte offset into `text`.
    /// An offset inside a multi-byte char counts as that char.
    pub fn position(&self, text: &str, offset: usize) -> (OneIndexed, OneIndexed) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let (from, from_column) = self.count_from(text, start, offset);
        let column = from_column
            + text
                .get(from..)
                .unwrap_or("")
                .char_indices()
                .take_while(|(i, _)| from + i < offset)
                .count();
        // Remember a boundary only: an offset inside a character counts as it.
        if text.is_char_boundary(offset) {
            self.last.set((offset, column));
        }
        (OneIndexed(line as u32 + 1), OneIndexed(column as u32 + 1))
    }

    /// Byte offset of 1-based `line` and 0-based char `column`; clamped to the text.
    pub fn offset_of(&self, text: &str, line: usize, column_chars: usize) -> usize {
        let Some(start) = line.checked_sub(1).and_then(|l| self.line_start(l)) else {
            return text.len();
        };
        let (last_offset, last_column) = self.last.get();
        let (from, skip) = if (start..=text.len()).contains(&last_offset)
            && self.line_of(last_offset) + 1 == line
            && last_column <= column_chars
            && text.is_char_boundary(last_offset)
        {
            (last_offset, column_chars - last_column)
        } else {
            (start, column_chars)
        };
        let offset = text[from..]
            .char_indices()
            .nth(skip)
            .map_or(text.len(), |(i, _)| from + i);
        if offset < text.len() {
            self.last.set((offset, column_chars));
        }
        offset
    }
}

/// `700000000` → `700,000,000`, for limits in messages.
/// `1 error`, `2 errors`, `1 baseline entry`: a count with its noun in the
/// right number (`plural` is the noun's plural form).
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Byte offsets of the lines of `text` (each line without its `\n`/`\r\n`).
pub fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Whether a character from a scanned file must never reach a reader raw:
/// control characters (they move the cursor, set hyperlinks, ring bells),
/// bidirectional overrides and isolates (they reorder what a reviewer sees,
/// the "trojan source" trick), zero-width and other invisible format
/// characters, and the line and paragraph separators.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Makes hidden characters from scanned files visible (`\u{1b}`, `\u{202e}`),
/// so that a model id can never drive a terminal or read differently from
/// what the file holds.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Source text for diagnostics that quote it: every hidden character but
/// tab, LF and the CR of a CRLF is replaced by as many bytes of `?` (a
/// three-byte one, such as a bidi override, by one `\u{fffd}`), so byte
/// offsets and spans stay valid and a quoted line can neither drive the
/// terminal nor reorder what the reader sees.
pub fn display_safe_source(text: String) -> String {
    let unsafe_char = |(i, c): (usize, char)| {
        is_hidden(c)
            && c != '\t'
            && c != '\n'
            && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(unsafe_char) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if !unsafe_char((i, c)) {
            out.push(c);
        } else if c.len_utf8() == 3 {
            out.push('\u{fffd}');
        } else {
            out.push_str(&"?".repeat(c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed_and_reported() {
        let src = decode(b"\xEF\xBB\xBFx = 1").unwrap();
        assert_eq!(src.text, "x = 1");
        assert_eq!(src.bom_len, 3);
    }

    #[test]
    fn utf16_and_invalid_bytes_are_errors() {
        assert_eq!(decode(b"\xFF\xFEx\0").unwrap_err(), DecodeError::Utf16Bom);
        assert_eq!(
            decode(b"ab\xE9cd").unwrap_err(),
            DecodeError::InvalidUtf8 { byte_offset: 2 }
        );
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        let text = "a\r\n\u{e9}\u{e9}x = \"gpt-4\"\n";
        let index = LineIndex::new(text);
        let offset = text.find("gpt").unwrap();
        assert_eq!(index.position(text, offset), (OneIndexed(2), OneIndexed(8)));
        assert_eq!(index.offset_of(text, 2, 7), offset);
    }

    #[test]
    fn positions_in_any_order_agree_with_a_count_from_the_line_start() {
        let text = "ab\u{e9}c\u{1f600}d\nx\u{e9}y\n\u{2028}z";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len()).collect();
        let expected = |offset: usize| {
            let before = &text.as_bytes()[..offset.min(text.len())];
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = text[start..]
                .char_indices()
                .take_while(|(i, _)| start + i < offset)
                .count();
            (OneIndexed(line as u32), OneIndexed(column as u32 + 1))
        };
        for &offset in offsets
            .iter()
            .chain(offsets.iter().rev())
            .chain([3, 1, 9, 2].iter())
        {
            assert_eq!(index.position(text, offset), expected(offset), "{offset}");
        }
        for (offset, c) in text.char_indices().chain(text.char_indices().rev()) {
            if c == '\n' {
                continue;
            }
            let (line, column) = expected(offset);
            assert_eq!(
                index.offset_of(text, line.0 as usize, column.0 as usize - 1),
                offset
            );
        }
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(700_000_000), "700,000,000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
    }

    #[test]
    fn crlf_lines_exclude_the_carriage_return() {
        let lines: Vec<_> = lines_with_offsets("a\r\nbc\nd").collect();
        assert_eq!(lines, vec![(0, "a"), (3, "bc"), (6, "d")]);
    }
}
