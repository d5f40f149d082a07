//! Stage 5, report: pure functions from results to text. Only these modules print.

pub mod cyclonedx;
pub mod diagnostics;
pub mod fingerprint;
pub mod github;
pub mod html;
pub mod human;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod notice;
pub mod sarif;
pub mod short;
pub mod show;
pub mod table;

/// `skipped PATH: REASON`, one a line (`-v` of every human format).
pub fn write_skipped(
    err: &mut dyn std::io::Write,
    skipped: &[crate::model::Skipped],
) -> std::io::Result<()> {
    for s in skipped {
        writeln!(
            err,
            "skipped {}: {}",
            visible(&s.path),
            visible(&s.reason.to_string())
        )?;
    }
    Ok(())
}

/// Makes control characters from scanned files visible (`\u{1b}`), so that a
/// model id can never move the cursor, set a hyperlink or ring a terminal's bell.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Source text for diagnostics that quote it: every control character but
/// tab, LF and the CR of a CRLF becomes `?` (C1 controls `??`), so byte
/// offsets and spans stay valid and a quoted line cannot drive the terminal.
pub fn display_safe_source(text: String) -> String {
    let unsafe_char = |(i, c): (usize, char)| {
        c.is_control() && c != '\t' && c != '\n' && !(c == '\r' && text[i + 1..].starts_with('\n'))
    };
    if !text.char_indices().any(unsafe_char) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if unsafe_char((i, c)) {
            out.push_str(&"?".repeat(c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_source_keeps_its_offsets_without_control_characters() {
        let text = "a\u{1b}[31mb\r\nc\rd\u{85}e\u{7}\n".to_string();
        let safe = super::display_safe_source(text.clone());
        assert_eq!(safe, "a?[31mb\r\nc?d??e?\n");
        assert_eq!(safe.len(), text.len());
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::visible("gpt-4"), "gpt-4");
        assert_eq!(
            super::visible("a\u{1b}[31mb\u{7}\n"),
            "a\\u{1b}[31mb\\u{7}\\n"
        );
    }
}
