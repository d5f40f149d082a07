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

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::visible("gpt-4"), "gpt-4");
        assert_eq!(
            super::visible("a\u{1b}[31mb\u{7}\n"),
            "a\\u{1b}[31mb\\u{7}\\n"
        );
    }
}
