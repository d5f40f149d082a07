//! Languages inside other languages (SPEC signal 3) that every extractor
//! shares: `${VAR:-default}` expansions, whose default is a literal reference
//! and whose variable is a run-time choice, and template expressions
//! (Helm/Jinja `{{ … }}`, `{% … %}`, `{# … #}`) blanked so that the YAML
//! around them can be read.

use std::ops::Range;

use crate::extract::{candidate, shell};
use crate::model::{Found, RefKind};

/// The byte ranges of the defaults of `${NAME:-default}`, `${NAME-default}`,
/// `${NAME:=default}`, `${NAME=default}` and `${NAME:default}` in `text`, for
/// defaults that are plain text (no expansion of their own, not empty).
/// A default that is itself an expansion (`${A:-${B:-x}}`) yields the inner one's.
pub fn expansion_defaults(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut defaults = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"${").map(|i| from + i) {
        from = at + 2;
        let name_len = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let starts_like_a_name = bytes
            .get(from)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if name_len == 0 || !starts_like_a_name {
            continue;
        }
        let mut start = from + name_len;
        for operator in [&b":-"[..], b":=", b"-", b"=", b":"] {
            if bytes[start..].starts_with(operator) {
                start += operator.len();
                break;
            }
        }
        if start == from + name_len {
            continue;
        }
        // The default runs to the `}` closing this expansion.
        let Some(end) = closing_brace(bytes, at + 1) else {
            break;
        };
        let default = &text[start..end];
        // A nested expansion is found by the next turn of the loop.
        if !default.is_empty() && !default.contains(['$', '{', '}']) {
            let trimmed = default.trim_matches(['"', '\'']);
            let lead = default.find(trimmed).unwrap_or(0);
            if !trimmed.is_empty() {
                defaults.push(start + lead..start + lead + trimmed.len());
            }
        }
    }
    defaults
}

/// For each reference appended to `out` after `first` whose text is its own
/// source (`source[span] == text`) and holds `${…}`: the reference becomes
/// dynamic, and each plain default in it a literal reference of its own.
pub fn split_expansions(source: &str, out: &mut Vec<Found>, first: usize) {
    let mut defaults = Vec::new();
    for found in out.iter_mut().skip(first) {
        if !found.text.contains("${") || source.get(found.span.clone()) != Some(&found.text) {
            continue;
        }
        found.dynamic = true;
        for range in expansion_defaults(&found.text) {
            let text = found.text[range.clone()].to_string();
            defaults.push(Found {
                span: found.span.start + range.start..found.span.start + range.end,
                provider: found
                    .provider
                    .or_else(|| candidate::provider_from_shape(&text)),
                text,
                kind: found.kind,
                context: found.context.clone(),
                dynamic: false,
                strength: found.strength,
                weights: None,
            });
        }
    }
    out.extend(defaults);
}

/// `text` with every template expression (`{{ … }}`, `{% … %}`, `{# … #}`)
/// blanked to spaces, newlines kept, so offsets, lines and columns do not
/// move. A Helm `default "X"` inside an expression is kept in place, quotes
/// included, as it is the value the template renders when nothing is set.
/// `None` when the text holds no template expression.
pub fn blank_templates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut changed = false;
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[from..]).map(|i| from + i) {
        let close: &[u8] = match bytes.get(at + 1) {
            Some(b'{') => b"}}",
            Some(b'%') => b"%}",
            Some(b'#') => b"#}",
            _ => {
                from = at + 1;
                continue;
            }
        };
        // GitHub Actions' `${{ … }}` is read by YAML as it is.
        if at > 0 && bytes[at - 1] == b'$' {
            from = at + 2;
            continue;
        }
        let Some(end) = memchr::memmem::find(&bytes[at + 2..], close).map(|i| at + 2 + i + 2)
        else {
            break;
        };
        let kept = helm_default(&text[at..end]).map(|r| at + r.start..at + r.end);
        for (i, byte) in out.iter_mut().enumerate().take(end).skip(at) {
            let keep = kept.as_ref().is_some_and(|k| k.contains(&i));
            if !keep && *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
        changed = true;
        from = end;
    }
    // Only ASCII bytes inside expressions were replaced by ASCII spaces, but
    // a multi-byte character inside one is cut: fall back to a lossless check.
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// The range (within `expression`) of the quoted argument of a Helm
/// `default "X"`, quotes included.
fn helm_default(expression: &str) -> Option<Range<usize>> {
    let at = expression.find("default ")?;
    let rest = &expression[at + "default ".len()..];
    let lead = rest.len() - rest.trim_start().len();
    let quote = rest[lead..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))?;
    let inner = &rest[lead + 1..];
    let len = inner.find(quote)?;
    let start = at + "default ".len() + lead;
    Some(start..start + len + 2)
}

/// The index of the `}` that closes the `{` at `open` (nested braces
/// counted), if the text closes it.
pub fn closing_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Programs whose argv lists and command strings (in Python, JavaScript)
/// are read as shell command lines.
const PROGRAMS: &[&str] = &[
    "ollama",
    "vllm",
    "huggingface-cli",
    "hf",
    "python",
    "python3",
    "curl",
    "lm_eval",
    "lm-eval",
    "llamafactory-cli",
    "torchrun",
    "accelerate",
    "deepspeed",
    "mlx_lm.generate",
    "mlx_lm.server",
    "mlx_lm.lora",
    "mlx_lm.convert",
    "llama-server",
    "llama-cli",
    "text-generation-launcher",
    "sglang",
];

/// The first bytes of [`PROGRAMS`].
const PROGRAM_FIRST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < PROGRAMS.len() {
        table[PROGRAMS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `word` names a known program.
pub fn is_program(word: &str) -> bool {
    PROGRAMS.contains(&word)
}

/// Whether `text` is a command line of a known program (its first word).
pub fn starts_with_program(text: &str) -> bool {
    // A look at the first byte first: this runs for every string literal.
    let text = text.trim_start();
    if !text
        .as_bytes()
        .first()
        .is_some_and(|&b| PROGRAM_FIRST_BYTES[usize::from(b)])
    {
        return false;
    }
    let text = text.trim_end();
    let first_word = text.split([' ', '\t']).next().unwrap_or("");
    first_word.len() < text.len() && PROGRAMS.contains(&first_word)
}

/// One element of an argv list in code: a literal word (its source span is
/// its text, verbatim) or an expression known at run time.
pub struct ArgvWord {
    word: String,
    span: Range<usize>,
    dynamic: bool,
}

impl ArgvWord {
    /// A literal whose text is `src[span]`.
    pub fn literal(src: &str, span: Range<usize>) -> ArgvWord {
        ArgvWord {
            word: src.get(span.clone()).unwrap_or("").to_string(),
            span,
            dynamic: false,
        }
    }

    /// An expression at `span`, its value unknown.
    pub fn dynamic(span: Range<usize>) -> ArgvWord {
        ArgvWord {
            word: "$MODELGATE_VALUE".to_string(),
            span,
            dynamic: true,
        }
    }
}

/// An argv list: when it runs a known program or passes an option, the
/// references of its command line, placed on the source (`kind` is the
/// host language's).
pub fn argv_references(src: &str, words: &[ArgvWord], kind: RefKind, out: &mut Vec<Found>) {
    let runs_a_program = words
        .first()
        .is_some_and(|w| !w.dynamic && PROGRAMS.contains(&w.word.as_str()));
    let passes_an_option = words.iter().any(|w| !w.dynamic && w.word.starts_with("--"));
    if words.len() < 2 || !(runs_a_program || passes_an_option) {
        return;
    }
    let line_words = words.iter().map(|w| (w.word.as_str(), w.dynamic));
    for (index, mut f) in word_references(line_words) {
        let Some(element) = words.get(index) else {
            continue;
        };
        if element.dynamic {
            f.text = src.get(element.span.clone()).unwrap_or("").to_string();
            f.span = element.span.clone();
        } else {
            let Some(at) = element.word.find(&f.text) else {
                continue;
            };
            f.span = element.span.start + at..element.span.start + at + f.text.len();
        }
        f.kind = kind;
        out.push(f);
    }
}

/// Quotes a literal as one shell word.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// The references of the command line made of `words` (each a literal,
/// quoted as one shell word, or a run-time `$VARIABLE`), each with the index
/// of the word it lies in; spans are into that line, for the caller to place.
pub fn word_references<'w>(words: impl Iterator<Item = (&'w str, bool)>) -> Vec<(usize, Found)> {
    let mut line = String::new();
    let mut starts = Vec::new();
    for (word, dynamic) in words {
        starts.push(line.len());
        if dynamic {
            line.push_str(word);
        } else {
            line.push_str(&shell_quote(word));
        }
        line.push(' ');
    }
    let mut found = Vec::new();
    shell::extract(&line, &mut found);
    found
        .into_iter()
        .map(|f| {
            let index = starts
                .partition_point(|&s| s <= f.span.start)
                .saturating_sub(1);
            (index, f)
        })
        .collect()
}

/// A command line at byte `offset` of `src`, given as `line`: the source
/// text with run-time parts (f-string fields, template substitutions)
/// replaced by `$___…` of the same length. Its references, placed on the
/// source; a word that is one field is reported as the field's expression.
pub fn command_references(
    src: &str,
    offset: usize,
    line: &str,
    kind: RefKind,
    out: &mut Vec<Found>,
) {
    let mut found = Vec::new();
    shell::extract(line, &mut found);
    for mut f in found {
        f.span = offset + f.span.start..offset + f.span.end;
        if f.dynamic {
            let word = src.get(f.span.clone()).unwrap_or("");
            let inner = word
                .strip_prefix("${")
                .or_else(|| word.strip_prefix('{'))
                .and_then(|w| w.strip_suffix('}'));
            if let Some(inner) = inner.filter(|i| !i.is_empty() && !i.contains(['{', '}'])) {
                let start = f.span.end - 1 - inner.len();
                f.span = start..f.span.end - 1;
            }
            f.text = src.get(f.span.clone()).unwrap_or("").to_string();
        }
        f.kind = kind;
        out.push(f);
    }
}

/// A template literal's `${…}` substitutions replaced by `$` and underscores
/// of the same byte length (positions unchanged, each a run-time word).
pub fn blank_substitutions(text: &str) -> String {
    blank_run_time_parts(text, b"${", None)
}

/// A Python f-string's `{expr}` fields (not `{{`) blanked the same way.
pub fn blank_fields(text: &str) -> String {
    blank_run_time_parts(text, b"{", Some(b"{{"))
}

/// Each brace-delimited part opened by `opener` (not by `escape`) replaced by
/// `$` and underscores of the same byte length.
fn blank_run_time_parts(text: &str, opener: &[u8], escape: Option<&[u8]>) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if let Some(escape) = escape.filter(|e| rest.starts_with(e)) {
            out.extend_from_slice(escape);
            i += escape.len();
        } else if rest.starts_with(opener) {
            // The part's `{` is the opener's last byte.
            let brace = i + opener.len() - 1;
            let end = closing_brace(bytes, brace).map_or(bytes.len(), |close| close + 1);
            out.push(b'$');
            out.extend(std::iter::repeat_n(b'_', end - i - 1));
            i = end;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Whole parts (ASCII-delimited) were replaced: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(text: &str) -> Vec<&str> {
        expansion_defaults(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn substitutions_keep_their_length() {
        let text = "vllm serve ${model} --port ${cfg[`p${n}`]} é";
        let blanked = blank_substitutions(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "vllm serve $_______ --port $______________ é");
    }

    #[test]
    fn defaults_of_every_operator() {
        assert_eq!(defaults("${MODEL:-org/a}"), ["org/a"]);
        assert_eq!(
            defaults("x ${M-org/b} ${N:=org/c} ${O=d} ${P:e}"),
            ["org/b", "org/c", "d", "e"]
        );
        assert_eq!(defaults("${A:-${B:-org/inner}}"), ["org/inner"]);
        assert_eq!(defaults("${MODEL:-\"org/q\"}"), ["org/q"]);
        assert!(defaults("${MODEL} $MODEL ${{ inputs.model }} ${1:-x} ${A:-}").is_empty());
        assert!(defaults("${UNCLOSED:-org/x").is_empty());
        assert_eq!(defaults("${模型:-x} ${M:-模型}"), ["模型"]);
    }

    #[test]
    fn templates_are_blanked_in_place() {
        let text = "name: {{ .Release.Name }}\n{{- if .Values.gpu }}\nmodel: {{ .Values.model | default \"org/x\" }}\n{# note #}\nrun: ${{ inputs.m }}\n";
        let blanked = blank_templates(text).unwrap();
        assert_eq!(blanked.len(), text.len());
        let lines: Vec<&str> = blanked.split('\n').collect();
        assert_eq!(lines[0].trim_end(), "name:");
        assert!(lines[1].chars().all(|c| c == ' '));
        // The Helm default stays where it was written, quotes included.
        let at = text.find("\"org/x\"").unwrap();
        assert_eq!(&blanked[at..at + 7], "\"org/x\"");
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["model:", "\"org/x\""]
        );
        assert!(lines[3].chars().all(|c| c == ' '));
        assert_eq!(lines[4], "run: ${{ inputs.m }}");
        assert_eq!(blank_templates("a: {b: c}\n"), None);
        assert_eq!(blank_templates("a: {{ unclosed"), None);
    }
}
