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
/// JavaScript references are pipeline/from_pretrained calls and model… properties.
const JS_TRIGGERS: &[&str] = &["model", "pretrained", "pipeline"];

/// The family's trigger words and the lexicon's.
fn matcher(words: &[&str]) -> AhoCorasick {
    // A full DFA: a few hundred states for these words, and the fastest
    // search when case-insensitivity rules out the SIMD prefilters.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words.iter().chain(crate::extract::lexicon::TRIGGERS))
        .expect("static trigger words build an automaton")
}

/// Whether `bytes` may hold a reference of `family`; `false` means certainly not.
pub fn may_contain_reference(family: crate::classify::Family, bytes: &[u8]) -> bool {
    static PYTHON: OnceLock<AhoCorasick> = OnceLock::new();
    static CONFIG: OnceLock<AhoCorasick> = OnceLock::new();
    static SHELL: OnceLock<AhoCorasick> = OnceLock::new();
    static JS: OnceLock<AhoCorasick> = OnceLock::new();
    let automaton = match family {
        Family::Python | Family::Notebook => PYTHON.get_or_init(|| matcher(PYTHON_TRIGGERS)),
        Family::JavaScript => JS.get_or_init(|| matcher(JS_TRIGGERS)),
        Family::Yaml | Family::Json | Family::Toml | Family::Ini | Family::Dotenv => {
            CONFIG.get_or_init(|| matcher(CONFIG_TRIGGERS))
        }
        Family::Shell | Family::Dockerfile | Family::Makefile => {
            SHELL.get_or_init(|| matcher(SHELL_TRIGGERS))
        }
        Family::Modelfile | Family::Markdown => return true,
    };
    automaton.is_match(bytes)
}
