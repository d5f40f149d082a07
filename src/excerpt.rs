//! Excerpts of scanned files for the diagnostics that quote them: the lines of
//! one reference, each cut to a window around it, with the file's real line
//! and column numbers. A 10 MB minified line is shown as a few dozen
//! characters (`…` where it was cut), and a weight file as its header facts,
//! never as raw bytes. Cut by the pipeline as it reads a file for its
//! suppression comments (one read), quoted by the human format.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{Error, Files, Location};

use crate::text::{display_safe_source, visible};

/// Lines up to this many bytes are shown whole.
const WHOLE_LINE_BYTES: usize = 160;
/// Bytes shown on each side of a reference on a longer line.
const CONTEXT_BYTES: usize = 60;
/// A reference spread over more lines is cut after this many.
const MAX_LINES: usize = 8;
const ELLIPSIS: &str = "…";

/// One reference's lines, cut to a window around it, display-safe.
#[derive(Debug, Clone)]
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ExcerptLine>,
    /// The reference within `text`.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
struct ExcerptLine {
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Where the quoted source starts (after a leading `…`).
    content_start: usize,
    /// 1-based line number in the file.
    number: usize,
    /// 0-based column (chars) in the file of the first quoted character.
    column: usize,
}

impl Excerpt {
    /// The excerpt of `span` in `text`, whose start is at 1-based `line` and
    /// `column` (known from the scan, so nothing before the window is counted).
    pub fn of_source(
        path: &str,
        text: &str,
        span: Range<usize>,
        line: usize,
        column: usize,
        line_starts: &[usize],
    ) -> Excerpt {
        let mut excerpt = Excerpt {
            name: visible(path).into_owned(),
            text: String::new(),
            lines: Vec::new(),
            span: 0..0,
        };
        let span =
            span.start.min(text.len())..span.end.clamp(span.start.min(text.len()), text.len());
        let first = line
            .saturating_sub(1)
            .min(line_starts.len().saturating_sub(1));
        for index in first..(first + MAX_LINES).min(line_starts.len()) {
            // A UTF-8 byte order mark is no column.
            let line_start = match line_starts[index] {
                0 if text.starts_with('\u{feff}') => '\u{feff}'.len_utf8(),
                start => start,
            };
            if index > first && line_start >= span.end {
                break;
            }
            let line_end = line_starts
                .get(index + 1)
                .map_or(text.len(), |&next| next - 1);
            let line_end = if text.as_bytes().get(line_end.wrapping_sub(1)) == Some(&b'\r')
                && line_end > line_start
            {
                line_end - 1
            } else {
                line_end
            };
            let from = span.start.max(line_start).min(line_end);
            let to = span.end.clamp(from, line_end);
            let (window, cut_before, cut_after) = window(text, line_start..line_end, from..to);
            let content_start = excerpt.text.len() + if cut_before { ELLIPSIS.len() } else { 0 };
            let quoted_column = if index == first {
                let before = text
                    .get(window.start..from)
                    .map_or(0, |s| s.chars().count());
                column.saturating_sub(1).saturating_sub(before)
            } else {
                0
            };
            excerpt.lines.push(ExcerptLine {
                start: excerpt.text.len(),
                content_start,
                number: index + 1,
                column: quoted_column,
            });
            if cut_before {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.text.push_str(&display_safe_source(
                text.get(window.clone()).unwrap_or("").to_string(),
            ));
            if cut_after {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.text.push('\n');
            if index == first {
                excerpt.span.start = content_start + (from - window.start);
            }
            excerpt.span.end =
                content_start + (to.min(window.end).max(window.start) - window.start);
        }
        excerpt.span.end = excerpt.span.end.max(excerpt.span.start);
        excerpt
    }

    /// A weight file: its header facts stand where a source line would.
    pub fn of_artifact(path: &str, facts: &str, line: usize) -> Excerpt {
        let text = format!("{}\n", visible(facts));
        Excerpt {
            name: visible(path).into_owned(),
            span: 0..text.len() - 1,
            lines: vec![ExcerptLine {
                start: 0,
                content_start: 0,
                number: line.max(1),
                column: 0,
            }],
            text,
        }
    }

    fn line_index(&self, byte: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= byte)
            .saturating_sub(1)
    }
}

/// The part of a line to show around `target`, on character boundaries, and
/// whether it was cut before and after.
fn window(text: &str, line: Range<usize>, target: Range<usize>) -> (Range<usize>, bool, bool) {
    if line.len() <= WHOLE_LINE_BYTES {
        return (line, false, false);
    }
    let start = floor_boundary(
        text,
        target.start.saturating_sub(CONTEXT_BYTES).max(line.start),
    );
    let end = target.end.min(target.start + WHOLE_LINE_BYTES);
    let end = ceil_boundary(text, (end + CONTEXT_BYTES).min(line.end));
    (start..end, start > line.start, end < line.end)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Reference index → the excerpt of its file that its diagnostics quote.
pub type Excerpts = BTreeMap<usize, Excerpt>;

/// What a weight file's header (or its sibling `config.json`) said, in one line.
pub fn artifact_facts(info: &crate::model::ArtifactInfo) -> String {
    let mut facts = Vec::new();
    if let Some(name) = &info.name {
        facts.push(format!("name {name}"));
    }
    if let Some(license) = &info.license {
        facts.push(format!("license {license}"));
    }
    if !info.base_models.is_empty() {
        facts.push(format!("base model {}", info.base_models.join(", ")));
    }
    match (info.source, facts.is_empty()) {
        ("", _) | (_, true) => "weight file: header names no model or licence".to_string(),
        (source, false) => format!("{source}: {}", facts.join("; ")),
    }
}

/// Excerpt ids start here, above every policy and rules file id.
pub const EXCERPT_IDS: usize = usize::MAX / 2;

/// The policy and rules files (ids below [`EXCERPT_IDS`]) and the excerpts
/// of references (`EXCERPT_IDS + reference index`), for codespan.
pub struct ReportFiles<'a> {
    pub files: &'a crate::settings_file::FileDb,
    pub excerpts: &'a Excerpts,
    /// Put before a scanned file's root-relative path (the root as the user
    /// wrote it), so that a location is relative to the current directory as
    /// a policy file's is; `None` when the root is `.`.
    pub root: Option<&'a str>,
}

impl ReportFiles<'_> {
    fn excerpt(&self, id: usize) -> Result<Option<&Excerpt>, Error> {
        if id < EXCERPT_IDS {
            return Ok(None);
        }
        self.excerpts
            .get(&(id - EXCERPT_IDS))
            .map(Some)
            .ok_or(Error::FileMissing)
    }
}

impl<'a> Files<'a> for ReportFiles<'a> {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, Error> {
        match (self.excerpt(id)?, self.root) {
            (Some(e), Some(root)) => Ok(format!("{}/{}", root.trim_end_matches('/'), e.name)),
            (Some(e), None) => Ok(e.name.clone()),
            (None, _) => self.files.name(id),
        }
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        match self.excerpt(id)? {
            Some(e) => Ok(&e.text),
            None => self.files.source(id),
        }
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        match self.excerpt(id)? {
            Some(e) => Ok(e.line_index(byte_index)),
            None => self.files.line_index(id, byte_index),
        }
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, Error> {
        match self.excerpt(id)? {
            Some(e) => Ok(e.lines.first().map_or(1, |l| l.number) + line_index),
            None => self.files.line_number(id, line_index),
        }
    }

    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, Error> {
        let Some(e) = self.excerpt(id)? else {
            return self.files.location(id, byte_index);
        };
        let line = e
            .lines
            .get(e.line_index(byte_index))
            .ok_or(Error::FileMissing)?;
        let quoted = e
            .text
            .get(line.content_start..byte_index.max(line.content_start))
            .map_or(0, |s| s.chars().count());
        Ok(Location {
            line_number: line.number,
            column_number: line.column + quoted + 1,
        })
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let Some(e) = self.excerpt(id)? else {
            return self.files.line_range(id, line_index);
        };
        let line = e.lines.get(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: e.lines.len().saturating_sub(1),
        })?;
        let end = e
            .lines
            .get(line_index + 1)
            .map_or(e.text.len(), |l| l.start);
        Ok(line.start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::diagnostic::{Diagnostic, Label};

    fn render(text: &str, needle: &str) -> String {
        let start = text.find(needle).unwrap();
        let index = crate::text::LineIndex::new(text);
        let (line, column) = index.position(text, start);
        let starts: Vec<usize> = (0..).map_while(|l| index.line_start(l)).collect();
        let excerpt = Excerpt::of_source(
            "a.js",
            text,
            start..start + needle.len(),
            line.0 as usize,
            column.0 as usize,
            &starts,
        );
        let files = crate::settings_file::FileDb::new();
        let excerpts = std::collections::BTreeMap::from([(0, excerpt.clone())]);
        let report_files = ReportFiles {
            files: &files,
            excerpts: &excerpts,
            root: None,
        };
        assert_eq!(&excerpt.text[excerpt.span.clone()], needle);
        let d = Diagnostic::warning()
            .with_message("m")
            .with_labels(vec![Label::primary(EXCERPT_IDS, excerpt.span.clone())]);
        crate::report::diagnostics::render_plain(&report_files, &[d])
    }

    #[test]
    fn a_long_line_is_cut_around_the_reference_with_exact_line_and_column() {
        let text = format!(
            "first\nvar a=\"{}\",m=\"gpt-4o\",b=\"{}\";\nlast\n",
            "x".repeat(5_000),
            "é".repeat(5_000)
        );
        let out = render(&text, "gpt-4o");
        assert!(out.contains("a.js:2:5013"), "{out}");
        assert!(out.contains("…"), "{out}");
        assert!(out.len() < 600, "{} bytes: {out}", out.len());
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let out = render("x = 1\nm = load(\"org/模型-7b\")\n", "org/模型-7b");
        assert!(out.contains("a.js:2:11"), "{out}");
        assert!(out.contains("m = load(\"org/模型-7b\")"), "{out}");
        assert!(!out.contains('…'), "{out}");
    }

    #[test]
    fn artifacts_show_their_header_facts() {
        let excerpt = Excerpt::of_artifact("m.gguf", "GGUF header: general.name = x\u{202e}", 1);
        assert_eq!(excerpt.text, "GGUF header: general.name = x\\u{202e}\n");
        assert_eq!(excerpt.span, 0..excerpt.text.len() - 1);
    }
}
