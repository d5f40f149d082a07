//! Well-known checkpoint files (SPEC signal 4): a path in code or
//! configuration whose file name has a weights extension
//! (`models/sd_xl_base_1.0.safetensors`). Each is a candidate of kind
//! `checkpoint-file` whose text is the file name; resolution keeps those a
//! catalog entry lists in its `files`, and resolves them to that entry.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::model::{Found, RefKind, Strength};

pub use crate::model::CHECKPOINT_EXTENSIONS as EXTENSIONS;

/// Appends a candidate for every file name with a weights extension in
/// `text`, outside whole-line and trailing comments.
pub fn find(text: &str, out: &mut Vec<Found>) {
    static SEARCHER: OnceLock<AhoCorasick> = OnceLock::new();
    let searcher = SEARCHER.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(EXTENSIONS)
            .expect("static extensions build an automaton")
    });
    let bytes = text.as_bytes();
    for m in searcher.find_iter(text) {
        // The extension ends the name: `x.pt` but not `x.ptx`, `x.bin_y`.
        if bytes.get(m.end()).is_some_and(|&b| is_name_byte(b)) {
            continue;
        }
        let start = bytes[..m.start()]
            .iter()
            .rposition(|&b| !is_name_byte(b))
            .map_or(0, |i| i + 1);
        if start == m.start() || in_comment(&text[..start]) {
            continue;
        }
        let name = &text[start..m.end()];
        out.push(Found {
            span: start..m.end(),
            text: name.to_string(),
            kind: RefKind::CheckpointFile,
            context: "file".to_string(),
            provider: None,
            dynamic: false,
            strength: Strength::Named,
            weights: None,
        });
    }
}

/// The candidates in a string literal's content at `offset` of the source
/// (no comment can be inside it).
pub fn find_in_literal(content: &str, offset: usize, out: &mut Vec<Found>) {
    let lower_has_extension = EXTENSIONS.iter().any(|ext| {
        content
            .as_bytes()
            .windows(ext.len())
            .any(|w| w.eq_ignore_ascii_case(ext.as_bytes()))
    });
    if !lower_has_extension {
        return;
    }
    let first = out.len();
    find(content, out);
    for f in &mut out[first..] {
        f.span = f.span.start + offset..f.span.end + offset;
    }
}

/// Characters of a file name.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

/// Whether the line `before` ends in is inside a `#` or `//` comment (one
/// that starts the line or follows white space; `https://` is no comment).
fn in_comment(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or(before);
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") {
        return true;
    }
    line.match_indices([' ', '\t'])
        .any(|(i, _)| line[i + 1..].starts_with("# ") || line[i + 1..].starts_with("// "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(&text[f.span.clone()], f.text);
                &text[f.span.clone()]
            })
            .collect()
    }

    #[test]
    fn file_names_with_weights_extensions() {
        assert_eq!(
            names(
                "load('models/sd_xl_base_1.0.safetensors')\nckpt: C:\\w\\flux1-dev.SAFETENSORS\n"
            ),
            ["sd_xl_base_1.0.safetensors", "flux1-dev.SAFETENSORS"]
        );
        assert_eq!(names("x = 'a.ptx' + 'b.bin_c' + '.pt'"), Vec::<&str>::new());
        assert_eq!(
            names("# get v1-5-pruned.ckpt\nurl = 'https://h/x/svd.safetensors'  # svd_xt.safetensors\n"),
            ["svd.safetensors"]
        );
    }
}
