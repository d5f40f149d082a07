//! The cheap first look at a file's bytes: only files that contain a trigger
//! word of their family are tokenized or parsed.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::classify::Family;

/// Every way a Python or notebook reference can be written contains one of these.
const PYTHON_TRIGGERS: &[&str] = &[
    "model",
    "pretrained",
    "pipeline",
    "checkpoint",
    "repo_id",
    "download",
    "clip",
    "hub",
    "llm",
    "ollama",
    "sentencetransformer",
    "crossencoder",
];
/// Keys of the SPEC's config row, plus the shell patterns of CI `run:` blocks.
const CONFIG_TRIGGERS: &[&str] = &[
    "model",
    "tokenizer",
    "repo",
    "name_or_path",
    "download",
    "ollama",
    "vllm",
    "-hf",
];
const SHELL_TRIGGERS: &[&str] = &["model", "download", "ollama", "vllm", "-hf"];
/// JavaScript references are pipeline/from_pretrained calls and model…
/// properties, and command lines of `ollama`, `vllm` (has `llm`), the Hub CLIs.
const JS_TRIGGERS: &[&str] = &["model", "pretrained", "pipeline", "ollama", "huggingface"];

/// The family's trigger words and the lexicon's, lower case.
fn searcher(words: &[&str]) -> Searcher {
    // Checkpoint file names (`.ckpt` is a lexicon trigger already).
    const CHECKPOINT_TRIGGERS: &[&str] = &["safetensors", "gguf"];
    let words: Vec<String> = words
        .iter()
        .chain(crate::extract::lexicon::TRIGGERS)
        .chain(CHECKPOINT_TRIGGERS)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    // Teddy (SIMD) where the CPU has it, Rabin-Karp otherwise: many times the
    // speed of an automaton walked byte by byte, which case-insensitivity
    // would force (it rules out the SIMD searchers). Hence the lower-casing
    // of the text below, which vectorizes.
    let packed = aho_corasick::packed::Config::new()
        .builder()
        .extend(&words)
        .build();
    let longest = words.iter().map(String::len).max().unwrap_or(1);
    let kind = match packed {
        Some(packed) => SearchKind::Packed(packed),
        None => SearchKind::Automaton(
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&words)
                .expect("static trigger words build an automaton"),
        ),
    };
    Searcher { kind, longest }
}

struct Searcher {
    kind: SearchKind,
    /// The longest word's length: consecutive chunks overlap by one less.
    longest: usize,
}

enum SearchKind {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Searcher {
    /// Searches `bytes` lower-cased, a chunk at a time: the copy stays small
    /// (and in cache) whatever the file's size.
    fn is_match(&self, bytes: &[u8]) -> bool {
        const CHUNK: usize = 64 * 1024;
        thread_local! {
            static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        LOWER.with_borrow_mut(|lower| {
            let mut start = 0;
            loop {
                let end = (start + CHUNK).min(bytes.len());
                lower.clear();
                lower.extend(bytes[start..end].iter().map(u8::to_ascii_lowercase));
                let found = match &self.kind {
                    SearchKind::Packed(packed) => packed.find(&lower[..]).is_some(),
                    SearchKind::Automaton(automaton) => automaton.is_match(&lower[..]),
                };
                if found {
                    return true;
                }
                if end == bytes.len() {
                    return false;
                }
                start = end - (self.longest - 1).min(end - start - 1);
            }
        })
    }
}

/// Whether `bytes` may hold a reference of `family`; `false` means certainly not.
pub fn may_contain_reference(family: crate::classify::Family, bytes: &[u8]) -> bool {
    static PYTHON: OnceLock<Searcher> = OnceLock::new();
    static CONFIG: OnceLock<Searcher> = OnceLock::new();
    static SHELL: OnceLock<Searcher> = OnceLock::new();
    static JS: OnceLock<Searcher> = OnceLock::new();
    let searcher = match family {
        Family::Python | Family::Notebook => PYTHON.get_or_init(|| searcher(PYTHON_TRIGGERS)),
        Family::JavaScript => JS.get_or_init(|| searcher(JS_TRIGGERS)),
        Family::Yaml | Family::Json | Family::Toml | Family::Ini | Family::Dotenv => {
            CONFIG.get_or_init(|| searcher(CONFIG_TRIGGERS))
        }
        Family::Shell | Family::Dockerfile | Family::Makefile => {
            SHELL.get_or_init(|| searcher(SHELL_TRIGGERS))
        }
        Family::Modelfile | Family::Markdown => return true,
    };
    searcher.is_match(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_in_any_case_and_across_chunk_boundaries() {
        assert!(may_contain_reference(Family::Python, b"x = AutoMoDeL()"));
        assert!(may_contain_reference(
            Family::JavaScript,
            b"FROM_PRETRAINED"
        ));
        assert!(!may_contain_reference(Family::Python, b"print('hello')"));
        assert!(!may_contain_reference(Family::Yaml, b""));
        // A word cut by every possible chunk boundary is still found once.
        for cut in 1.."sentencetransformer".len() {
            let mut text = vec![b' '; 64 * 1024 - cut];
            text.extend_from_slice(b"SentenceTransformer");
            text.extend(std::iter::repeat_n(b' ', 100));
            assert!(may_contain_reference(Family::Python, &text), "{cut}");
        }
        let mut long = vec![b'x'; 3 * 64 * 1024];
        assert!(!may_contain_reference(Family::Shell, &long));
        long.extend_from_slice(b"OLLAMA");
        assert!(may_contain_reference(Family::Shell, &long));
    }
}
