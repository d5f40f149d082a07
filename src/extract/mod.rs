//! Stage 2, extract: turns the text of one file into model references.
//!
//! One module per file family. Extractors see only text and return byte spans
//! into it; they never resolve a name against the catalog and never print.

pub mod candidate;
pub mod checkpoint;
pub mod config;
pub mod dockerfile;
pub mod embedded;
pub mod gguf;
pub mod javascript;
pub mod lexicon;
pub mod makefile;
pub mod markdown;
pub mod modelfile;
pub mod notebook;
pub mod prefilter;
pub mod python;
pub mod shell;

use crate::classify::Family;
use crate::model::Found;

/// Options that change what an extractor reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtractOptions {
    /// Scan fenced code blocks of Markdown files.
    pub include_docs: bool,
}

/// A file whose syntax is broken. References found before the break are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl Malformed {
    /// A parser's message placed at a byte offset of the text: `line L, column C: …`.
    pub fn at(text: &str, offset: usize, message: &str) -> Malformed {
        let (line, column) = crate::text::LineIndex::new(text).position(text, offset);
        Malformed(format!(
            "line {}, column {}: {}",
            line.0,
            column.0,
            message.trim()
        ))
    }
}

pub type ExtractResult = Result<(), Malformed>;

/// Runs the extractor of `family` over `text`, appending what it finds to `out`.
/// Spans in `out` are byte offsets into `text`. `path` is the file's path
/// relative to the scan root, `/`-separated (Python's relative imports
/// resolve against its package).
pub fn extract(
    family: Family,
    text: &str,
    options: ExtractOptions,
    path: &str,
    out: &mut Vec<Found>,
) -> ExtractResult {
    if !prefilter::may_contain_reference(family, text.as_bytes()) {
        // Nothing to find, but a broken notebook or JSON file is still a
        // skipped file, not a scanned one: a fast strict check first, the
        // extractor (which allows comments in JSON) only to confirm and say where.
        let json = matches!(family, Family::Json | Family::Notebook);
        if json && serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            return extract_unfiltered(family, text, options, path, &mut Vec::new());
        }
        return Ok(());
    }
    extract_unfiltered(family, text, options, path, out)
}

fn extract_unfiltered(
    family: Family,
    text: &str,
    options: ExtractOptions,
    path: &str,
    out: &mut Vec<Found>,
) -> ExtractResult {
    let first = out.len();
    let result = extract_family(family, text, options, path, out);
    // Shell-style `${VAR:-default}` in shell and configuration files (in
    // JavaScript `${a-b}` is arithmetic).
    if !matches!(
        family,
        Family::Python | Family::JavaScript | Family::Notebook | Family::Markdown
    ) {
        embedded::split_expansions(text, out, first);
    }
    // Markdown delegates its fenced blocks here; a Modelfile's FROM is its
    // own; Python and JavaScript look in their string literals only.
    if !matches!(
        family,
        Family::Markdown
            | Family::Modelfile
            | Family::Notebook
            | Family::Python
            | Family::JavaScript
    ) {
        checkpoint::find(text, out);
    }
    result
}

fn extract_family(
    family: Family,
    text: &str,
    options: ExtractOptions,
    path: &str,
    out: &mut Vec<Found>,
) -> ExtractResult {
    match family {
        Family::Python if text.len() >= python::tokenize::MAX_TEXT_LEN => Err(Malformed(
            "4 GiB or more: too large to tokenize".to_string(),
        )),
        Family::Python => {
            python::extract_in(text, path, out);
            Ok(())
        }
        Family::JavaScript => {
            javascript::extract(text, out);
            Ok(())
        }
        Family::Notebook => notebook::extract(text, out),
        Family::Yaml => config::yaml::extract(text, out),
        Family::Json => config::json::extract(text, out),
        Family::Toml => config::toml::extract(text, out),
        Family::Dotenv => {
            config::dotenv::extract(text, out);
            Ok(())
        }
        Family::Ini => {
            config::ini::extract(text, out);
            Ok(())
        }
        Family::Shell => {
            shell::extract(text, out);
            Ok(())
        }
        Family::Dockerfile => {
            dockerfile::extract(text, out);
            Ok(())
        }
        Family::Makefile => {
            makefile::extract(text, out);
            Ok(())
        }
        Family::Modelfile => {
            modelfile::extract(text, out);
            Ok(())
        }
        Family::Markdown => {
            // A model card's front matter always counts; prose only with --include-docs.
            markdown::model_card(text, out);
            if options.include_docs {
                markdown::extract(text, out);
            }
            Ok(())
        }
    }
}

/// Moves every span in `found` by `offset` bytes (an embedded text's start in its file).
pub fn shift(found: &mut [Found], offset: usize) {
    for f in found {
        f.span = f.span.start + offset..f.span.end + offset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FAMILIES: &[Family] = &Family::ALL;

    /// Every span an extractor returns must slice the text it was given.
    fn check_all_families(text: &str) -> Result<(), TestCaseError> {
        let options = ExtractOptions { include_docs: true };
        for family in FAMILIES {
            let mut out = Vec::new();
            let _ = extract(*family, text, options, "pkg/file", &mut out);
            for found in &out {
                prop_assert!(
                    text.get(found.span.clone()).is_some(),
                    "{family:?}: {found:?}"
                );
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn every_extractor_survives_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            check_all_families(&String::from_utf8_lossy(&bytes))?;
        }

        #[test]
        fn every_extractor_survives_model_flavoured_noise(
            parts in proptest::collection::vec(prop_oneof![
                Just("model: "), Just("--model "), Just("from_pretrained("), Just("\""), Just("'"),
                Just("\n"), Just("\r\n"), Just("{"), Just("}"), Just("["), Just("]"), Just("#"),
                Just("org/name"), Just("```python\n"), Just("```"), Just("\\"), Just("${X}"),
                Just("FROM "), Just("\t"), Just("ollama pull "), Just("é"), Just("=")
            ], 0..60)
        ) {
            check_all_families(&parts.concat())?;
        }
    }
}
