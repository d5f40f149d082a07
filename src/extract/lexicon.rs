//! The model-ish-name lexicon (SPEC "What counts as a model reference",
//! signal 1): whether an identifier, keyword argument, parameter, field, key,
//! environment variable or CLI flag names something that holds a model. One
//! list, read by every extractor.
//!
//! A name is split into words at `_`, `-`, `.`, `/` and lower-to-upper case
//! changes (`HF_MODEL_PATH`, `embed-model`, `modelName`, `tokenizer_repo`).
//! It is model-ish when a word is in [`WORDS`] and no word is in
//! [`NOT_A_MODEL`] (`model_type`, `dataset_model`, `hub_model_id`). A value in
//! such a place counts when it has a model shape or the catalog knows it
//! (`Strength::Weak`); the exact names of [`EXACT_NAMES`] say their own strength.

use crate::model::Strength;

/// Words that mark a name as holding a model.
const WORDS: &[&str] = &[
    "model",
    "models",
    "llm",
    "llms",
    "checkpoint",
    "ckpt",
    "tokenizer",
    "embedding",
    "embeddings",
    "embedder",
    "encoder",
    "reranker",
    "tower",
    "teacher",
    "student",
    "judge",
    "generator",
    "pretrained",
];

/// The lexicon words a file must contain (any case) for the prefilter to let
/// it through: the words of [`WORDS`] that are rare outside model code. The
/// common ones (`encoder`, `embedding`, `generator`, `tower`, `judge`,
/// `teacher`, `student`) are in most machine-learning files and would send
/// them all to the parser (measured: +20% time on the large benchmark
/// corpus); a file that uses such a name for a model nearly always says
/// `model` somewhere too.
pub const TRIGGERS: &[&str] = &[
    "model",
    "llm",
    "checkpoint",
    "ckpt",
    "tokenizer",
    "reranker",
    "pretrained",
];

/// Words that make a model-ish name hold something else: a class, a type, a
/// data set, a publishing target, arguments, a revision.
const NOT_A_MODEL: &[&str] = &[
    "type",
    "types",
    "class",
    "classes",
    "cls",
    "kwargs",
    "args",
    "arg",
    "config",
    "configs",
    "cfg",
    "dataset",
    "datasets",
    "data",
    "output",
    "outputs",
    "save",
    "saved",
    "hub",
    "push",
    "upload",
    "revision",
    "version",
    "arch",
    "architecture",
    "family",
    "format",
    "dir",
    "dirs",
    "folder",
    "cache",
    "file",
    "files",
    "prefix",
    "suffix",
    "provider",
    "providers",
    "list",
    "map",
    "mapping",
    "registry",
    "dtype",
    "device",
    "max",
    "min",
    "size",
    "len",
    "length",
    "tokens",
    "token",
    "price",
    "cost",
    "costs",
    "url",
    "urls",
    "endpoint",
    "key",
    "keys",
    "id2label",
    "label",
    "labels",
    "parallel",
    "workers",
    "kind",
];

/// Exact names (lower case, `_` and `-` removed) and their strength: the
/// generic `model` and `tokenizer` are weak (their value must look like a
/// model), the specific ones strong (any value is a model).
const EXACT_NAMES: &[(&str, Strength)] = &[
    ("model", Strength::Weak),
    ("tokenizer", Strength::Weak),
    ("modelname", Strength::Strong),
    ("modelid", Strength::Strong),
    ("modelnameorpath", Strength::Strong),
    ("pretrainedmodelnameorpath", Strength::Strong),
    ("nameorpath", Strength::Strong),
    ("basemodel", Strength::Strong),
    ("embeddingmodel", Strength::Strong),
    ("llmmodel", Strength::Strong),
    ("repoid", Strength::Strong),
    ("modelrepo", Strength::Strong),
    ("modelpath", Strength::Strong),
    ("checkpoint", Strength::Strong),
    ("visiontower", Strength::Strong),
    ("rewardmodel", Strength::Strong),
    // A Hugging Face id by definition, whatever it looks like (`roberta-base`).
    ("hfmodelname", Strength::Strong),
    ("hftokenizername", Strength::Strong),
    ("hfmodelid", Strength::Strong),
];

/// Whether (and how strongly) `name` holds a model.
pub fn strength(name: &str) -> Option<Strength> {
    // Most names hold no lexicon word at all: one automaton pass rejects them
    // (this runs for every keyword, key and assignment of a scan).
    if name.len() > 64 || !may_hold_a_word(name) {
        return None;
    }
    let mut compact = [0u8; 64];
    let mut len = 0;
    for byte in name.bytes().filter(|b| *b != b'_' && *b != b'-') {
        compact[len] = byte.to_ascii_lowercase();
        len += 1;
    }
    let compact = std::str::from_utf8(&compact[..len]).ok()?;
    if let Some(&(_, strength)) = EXACT_NAMES.iter().find(|(exact, _)| *exact == compact) {
        return Some(strength);
    }
    if holds_something_else(name) {
        return None;
    }
    // A plural counts as its word: `RERANKERS`, `checkpoints`.
    let in_lexicon = |word: &str| {
        let singular = word.strip_suffix(['s', 'S']).unwrap_or(word);
        WORDS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word) || w.eq_ignore_ascii_case(singular))
    };
    words(name).any(in_lexicon).then_some(Strength::Weak)
}

/// Whether `name` contains a lexicon word or a strong name, in any case and
/// with any separators: a superset of the names [`strength`] accepts.
fn may_hold_a_word(name: &str) -> bool {
    use aho_corasick::automaton::Automaton;
    use aho_corasick::{dfa::DFA, Anchored};
    static AUTOMATON: std::sync::OnceLock<DFA> = std::sync::OnceLock::new();
    let dfa = AUTOMATON.get_or_init(|| {
        let extra = [
            "repo_id",
            "repoid",
            "repo-id",
            "name_or_path",
            "nameorpath",
            "name-or-path",
        ];
        DFA::builder()
            .ascii_case_insensitive(true)
            .build(WORDS.iter().copied().chain(extra))
            .expect("static words build an automaton")
    });
    // The DFA walked by hand: names are short and this runs for every
    // keyword, key and assignment of a scan, where a search call's set-up
    // cost more than the walk.
    let Ok(mut state) = dfa.start_state(Anchored::No) else {
        return true;
    };
    for &byte in name.as_bytes() {
        state = dfa.next_state(Anchored::No, state, byte);
        if dfa.is_special(state) {
            if dfa.is_match(state) {
                return true;
            }
            if dfa.is_dead(state) {
                return false;
            }
        }
    }
    false
}

/// Whether `name` is model-ish at all.
pub fn is_model_ish(name: &str) -> bool {
    strength(name).is_some()
}

/// Whether a word of `name` says it holds something else than a model
/// (`hub_model_id`, `MODEL_TYPE`, `dataset_model`).
pub fn holds_something_else(name: &str) -> bool {
    words(name).any(|word| NOT_A_MODEL.iter().any(|w| w.eq_ignore_ascii_case(word)))
}

/// The words of a name: split at separators and lower-to-upper case changes.
fn words(name: &str) -> impl Iterator<Item = &str> {
    let bytes = name.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i <= bytes.len() {
            let at = i;
            i += 1;
            let boundary = at == bytes.len()
                || matches!(bytes[at], b'_' | b'-' | b'.' | b'/' | b' ')
                || (at > start
                    && bytes[at].is_ascii_uppercase()
                    && bytes[at - 1].is_ascii_lowercase());
            if !boundary {
                continue;
            }
            let word = &name[start..at];
            start = if at < bytes.len() && bytes[at].is_ascii_uppercase() {
                at
            } else {
                at + 1
            };
            if !word.is_empty() {
                return Some(word);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_case_changes() {
        let split = |n| words(n).collect::<Vec<_>>();
        assert_eq!(split("HF_MODEL_PATH"), ["HF", "MODEL", "PATH"]);
        assert_eq!(split("modelName"), ["model", "Name"]);
        assert_eq!(split("tokenizer-repo.x"), ["tokenizer", "repo", "x"]);
        assert_eq!(split("getEmbeddingsModel"), ["get", "Embeddings", "Model"]);
        assert_eq!(split("__x__"), ["x"]);
        assert_eq!(split("模型_model"), ["模型", "model"]);
    }

    #[test]
    fn model_ish_names() {
        for name in [
            "model",
            "HF_MODEL_PATH",
            "tokenizer_repo",
            "SUPPORTED_MODELS",
            "judge_model",
            "embedModel",
            "DEFAULT_LLM",
            "teacher",
            "smart_llm",
            "--vision-tower",
            "reranker_name",
        ] {
            assert!(is_model_ish(name), "{name}");
        }
        for name in [
            "model_type",
            "modelClass",
            "dataset_name",
            "hub_model_id",
            "output_model_dir",
            "model_kwargs",
            "max_model_len",
            "name",
            "remodel",
            "models_dir",
            "model_config",
        ] {
            assert!(!is_model_ish(name), "{name}");
        }
        assert_eq!(strength("model_name"), Some(Strength::Strong));
        assert_eq!(strength("Model-Id"), Some(Strength::Strong));
        assert_eq!(strength("model"), Some(Strength::Weak));
        assert_eq!(strength(&"m".repeat(65)), None);
    }

    #[test]
    fn the_automaton_finds_words_anywhere_in_any_case() {
        for name in [
            "x_MoDeL",
            "ckpt",
            "aREPO_IDb",
            "LLM",
            "name-or-path",
            "judge",
        ] {
            assert!(may_hold_a_word(name), "{name}");
        }
        for name in ["", "mode", "l", "modl", "repo", "nameorpat", "模型"] {
            assert!(!may_hold_a_word(name), "{name}");
        }
    }
}
