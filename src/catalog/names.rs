//! The names list (`rules/names.tsv`): model names real code uses, one a row
//! with where each was seen (`name<TAB>category<TAB>source`). It is data about
//! the catalog, not part of it: `rules check DIR` requires every name in
//! `DIR/names.tsv` to resolve to licence terms.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};

use super::load::Loaded;
use super::Catalog;

/// One row of the list, with its byte span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRow<'t> {
    pub name: &'t str,
    pub category: &'t str,
    pub source: &'t str,
    pub span: Range<usize>,
}

/// A row that is not `name<TAB>category<TAB>source` with an http(s) source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub message: String,
    pub span: Range<usize>,
}

/// The rows of the list: comment lines (`#`) and blank lines are skipped, and
/// so is the first other line, the header.
pub fn rows(text: &str) -> (Vec<NameRow<'_>>, Vec<BadRow>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut header_seen = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let row = line.trim_end_matches(['\n', '\r']);
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        if !std::mem::replace(&mut header_seen, true) {
            continue;
        }
        let span = start..start + row.len();
        match row.split('\t').collect::<Vec<_>>()[..] {
            [name, category, source]
                if !name.is_empty()
                    && (source.starts_with("https://") || source.starts_with("http://")) =>
            {
                good.push(NameRow {
                    name,
                    category,
                    source,
                    span,
                });
            }
            [_, _, _] => bad.push(BadRow {
                message: "every name says where it was seen: an http(s) URL".to_string(),
                span,
            }),
            _ => bad.push(BadRow {
                message: "a row is `name<TAB>category<TAB>source`".to_string(),
                span,
            }),
        }
    }
    (good, bad)
}

/// The names of the list that do not resolve to licence terms in `catalog`.
pub fn unresolved<'r, 't>(catalog: &Catalog, rows: &'r [NameRow<'t>]) -> Vec<&'r NameRow<'t>> {
    rows.iter()
        .filter(|row| {
            catalog
                .resolve(row.name)
                .is_none_or(|resolved| resolved.license.is_none())
        })
        .collect()
}

/// Checks the list against the loaded rule set: malformed rows and names
/// that do not resolve become errors pointing into the list.
pub fn check(loaded: &mut Loaded, file_name: String, text: String) {
    // (message, span, label) of each problem; the file is added only if there is one.
    let found: Vec<(String, Range<usize>, String)> = {
        let (good, bad) = rows(&text);
        let malformed = bad.into_iter().map(|row| {
            let message = "malformed row in the names list".to_string();
            (message, row.span, row.message)
        });
        let unresolved = unresolved(&loaded.catalog, &good).into_iter().map(|row| {
            let why = match loaded.catalog.resolve(row.name) {
                None => "not in the catalog",
                Some(_) => "the catalog has it, but its lineage ends without a licence",
            };
            let message = format!(
                "`{}` of the names list does not resolve to licence terms",
                row.name
            );
            (message, row.span.clone(), why.to_string())
        });
        malformed.chain(unresolved).collect()
    };
    if found.is_empty() {
        return;
    }
    let file = loaded.files.add(file_name, text);
    loaded
        .diagnostics
        .extend(found.into_iter().map(|(message, span, label)| {
            Diagnostic::error()
                .with_message(message)
                .with_labels(vec![Label::primary(file, span).with_message(label)])
        }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_skip_comments_and_the_header_and_keep_spans() {
        let text = "# a comment\nname\tcategory\tsource\ngpt-4o\topenai\thttps://x.org/a\n\nbad row\nx\ty\tnot-a-url\n";
        let (good, bad) = rows(text);
        assert_eq!(
            good,
            [NameRow {
                name: "gpt-4o",
                category: "openai",
                source: "https://x.org/a",
                span: 33..62,
            }]
        );
        assert_eq!(
            &text[good[0].span.clone()],
            "gpt-4o\topenai\thttps://x.org/a"
        );
        assert_eq!(bad.len(), 2);
        assert_eq!(&text[bad[0].span.clone()], "bad row");
        assert_eq!(bad[0].message, "a row is `name<TAB>category<TAB>source`");
        assert_eq!(&text[bad[1].span.clone()], "x\ty\tnot-a-url");
    }
}
