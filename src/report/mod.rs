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

/// The hidden-character guards live in `text`, below every stage that shows
/// scanned text.
pub use crate::text::{display_safe_source, is_hidden, visible};

/// `; Hugging Face Hub: 3 looked up, 12 cached, 1 failed` for a summary line
/// (nothing without `--online`/`--offline`).
pub fn hub_summary(hub: Option<crate::model::HubLookups>) -> String {
    hub.map_or_else(String::new, |h| {
        format!(
            "; Hugging Face Hub: {} looked up, {} cached, {} failed",
            h.looked_up, h.cached, h.failed
        )
    })
}

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

/// Writes pretty JSON in which no hidden character appears raw: they are
/// written as `\uXXXX` escapes, which every JSON reader decodes to the same
/// string, so a terminal or log viewer that shows the JSON cannot be fooled.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        out,
        HiddenEscaping(serde_json::ser::PrettyFormatter::new()),
    );
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
}

/// serde_json's pretty layout, with hidden characters escaped in strings.
struct HiddenEscaping<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for HiddenEscaping<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices().filter(|&(_, c)| is_hidden(c)) {
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
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
        assert_eq!(
            super::visible("evil/\u{202e}gnp.exe\u{200b}\u{2028}"),
            "evil/\\u{202e}gnp.exe\\u{200b}\\u{2028}"
        );
    }

    #[test]
    fn quoted_source_hides_bidi_controls_without_moving_columns() {
        let text = "m = \"evil/\u{202e}gnp.exe\"\n".to_string();
        let safe = super::display_safe_source(text.clone());
        assert_eq!(safe, "m = \"evil/\u{fffd}gnp.exe\"\n");
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe.chars().count(), text.chars().count());
    }

    #[test]
    fn json_escapes_hidden_characters_and_reads_back_the_same() {
        let value = serde_json::json!({"id": "evil/\u{202e}gnp.exe\u{1b}\u{e0041}", "n": [1]});
        let mut out = Vec::new();
        super::write_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| c != '\n' && super::is_hidden(c)),
            "{text}"
        );
        assert!(text.contains("\\u202e"), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
