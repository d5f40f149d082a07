//! Which strings may be model references at all, and what shape says about them.
//! Shared by every extractor so that "local path" or "model shape" means one thing.

use crate::model::{Found, Strength};

/// Prefixes of hosted-API model names (weak contexts accept them without a catalog hit).
const API_PREFIXES: &[(&str, &str)] = &[
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("text-embedding-", "openai"),
    ("text-davinci-", "openai"),
    ("dall-e-", "openai"),
    ("davinci-", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "google"),
    ("text-bison", "google"),
    ("chat-bison", "google"),
    ("command-", "cohere"),
    ("embed-english-", "cohere"),
    ("embed-multilingual-", "cohere"),
    ("rerank-", "cohere"),
    ("mistral-", "mistral"),
    ("open-mistral-", "mistral"),
    ("open-mixtral-", "mistral"),
    ("codestral-", "mistral"),
    ("pixtral-", "mistral"),
    ("ministral-", "mistral"),
    ("magistral-", "mistral"),
    ("devstral-", "mistral"),
    ("deepseek-", "deepseek"),
    ("grok-", "xai"),
    ("whisper-1", "openai"),
    ("tts-1", "openai"),
    ("omni-moderation-", "openai"),
    ("text-moderation-", "openai"),
    ("computer-use-preview", "openai"),
    ("codex-mini", "openai"),
    // Fireworks' model paths (`accounts/fireworks/models/llama-v3p1-8b-instruct`).
    ("accounts/fireworks/models/", "fireworks"),
    ("textembedding-gecko", "google"),
    ("text-multilingual-embedding-", "google"),
    ("multimodalembedding", "google"),
    ("imagen-", "google"),
    ("voyage-", "voyage"),
    ("jina-", "jina"),
    ("palmyra-", "writer"),
    ("luminous-", "aleph-alpha"),
    ("j2-", "ai21"),
    ("jamba-", "ai21"),
    ("abab", "minimax"),
    ("embo-", "minimax"),
    ("hunyuan-", "tencent"),
    ("qwen-", "alibaba"),
    // Meta's Llama under the names hosts serve it by (Groq, Cerebras,
    // Friendli, Gradient): `llama-3.3-70b`, `llama3-8b-8192`, `llama2-7b-chat`.
    ("llama-2", "meta"),
    ("llama-3", "meta"),
    ("llama-4", "meta"),
    ("llama2-", "meta"),
    ("llama3-", "meta"),
    ("meta-llama-3", "meta"),
    ("mixtral-", "mistral"),
    ("moonshot-", "moonshot"),
    ("sonar-", "perplexity"),
    // Bedrock model ids and cross-region inference profiles.
    ("amazon.", "bedrock"),
    ("anthropic.", "bedrock"),
    ("cohere.", "bedrock"),
    ("ai21.", "bedrock"),
    ("meta.llama", "bedrock"),
    ("mistral.", "bedrock"),
    ("us.anthropic.", "bedrock"),
    ("eu.anthropic.", "bedrock"),
    ("apac.anthropic.", "bedrock"),
];

const HUB_URL_PREFIXES: &[&str] = &[
    "https://huggingface.co/",
    "http://huggingface.co/",
    "huggingface.co/",
    "https://hf.co/",
    "http://hf.co/",
    "hf.co/",
];

/// File endings that make a string a file path rather than a hub id.
const FILE_ENDINGS: &[&str] = &[
    ".pt",
    ".pth",
    ".bin",
    ".ckpt",
    ".safetensors",
    ".gguf",
    ".ggml",
    ".onnx",
    ".h5",
    ".pkl",
    ".pickle",
    ".joblib",
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".txt",
    ".csv",
    ".npz",
    ".npy",
    ".tflite",
    ".mlmodel",
    ".model",
    ".zip",
    ".tar",
    ".gz",
    ".py",
];

/// First folders of relative paths that training tools write to and read
/// back (`saves/qwen3-4b/sft`, `models/Llama-2-7b`, `outputs/run1`): no hub
/// organisation of these names is in use.
const LOCAL_FOLDERS: &[&str] = &[
    "saves",
    "models",
    "outputs",
    "output",
    "checkpoints",
    "ckpts",
    "runs",
    "weights",
    "exp",
    "experiments",
    "tmp",
];

/// `./x`, `../x`, `/x`, `~/x`, `C:\x`, `file://…`, `x.pt`, `saves/x`: a path on
/// disk, never a hub reference.
pub fn is_local_path(text: &str) -> bool {
    let bytes = text.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    let lower = text.to_ascii_lowercase();
    text.starts_with("./")
        || text.starts_with("../")
        || text.starts_with('/')
        || text.starts_with('~')
        || text.starts_with('\\')
        || text.starts_with(".\\")
        || text == "."
        || text == ".."
        || windows_drive
        || lower.starts_with("file:")
        || FILE_ENDINGS.iter().any(|end| lower.ends_with(end))
        || lower
            .split_once('/')
            .is_some_and(|(first, rest)| !rest.is_empty() && LOCAL_FOLDERS.contains(&first))
}

/// A hub URL (`https://huggingface.co/org/name`, `hf.co/org/name`).
pub fn is_hub_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    HUB_URL_PREFIXES
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len())
}

/// A string that can name a model at all: short, no white space or control
/// characters, something other than punctuation and digits, and not a URL
/// to anywhere but the hub.
pub fn is_identifier_like(text: &str) -> bool {
    if text.is_empty() || text.len() > 256 {
        return false;
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if !text.chars().any(|c| c.is_alphabetic()) {
        return false;
    }
    if text.contains("://") && !is_hub_url(text) {
        return false;
    }
    // Template placeholders and shell expansions are never literal ids.
    !(text.contains("{{") || text.contains("${") || text.starts_with('$') || text.starts_with('<'))
}

fn is_hub_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// `org/name`, optionally with `@revision` or `:tag`, in the hub's character set.
pub fn is_org_name(text: &str) -> bool {
    let core = text.split(['@', ':']).next().unwrap_or("");
    let Some((org, name)) = core.split_once('/') else {
        return false;
    };
    let valid = |part: &str| {
        !part.is_empty()
            && part.len() <= 96
            && part.chars().all(is_hub_char)
            && part
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && !part.contains("..")
    };
    valid(org) && valid(name) && org.chars().any(|c| c.is_ascii_alphabetic())
}

/// The hosted-API provider whose naming scheme `text` follows, if any.
pub fn api_provider(text: &str) -> Option<&'static str> {
    // Prefixes compared in place (no lower-cased copy): this runs for every candidate.
    let bytes = text.as_bytes();
    if let Some((_, provider)) = API_PREFIXES.iter().find(|(p, _)| {
        bytes.len() >= p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    }) {
        return Some(provider);
    }
    // OpenAI's reasoning models: o1, o3-mini, o4-mini-2025-04-16, ...
    match bytes {
        [b'o' | b'O', digit] if digit.is_ascii_digit() => Some("openai"),
        [b'o' | b'O', digit, b'-', ..] if digit.is_ascii_digit() => Some("openai"),
        _ => None,
    }
}

/// A model shape: a hub id or URL, or a known hosted-API name.
pub fn has_model_shape(text: &str) -> bool {
    is_hub_url(text) || is_org_name(text) || api_provider(text).is_some()
}

/// The provider a string's shape suggests, when the context gave none: a
/// routing prefix's (`openrouter/…`, `bedrock/…`, `openai:gpt-4o`), the Hub's
/// for `org/name`, a hosted API's for its names.
pub fn provider_from_shape(text: &str) -> Option<&'static str> {
    if let Some((route, rest)) = crate::catalog::normalise::split_route(text) {
        // `openai/clip-vit-base-patch32` and `google/gemma-2b` are Hub ids of
        // organisations that share a route's name: a route only before an API name.
        let hub_org = matches!(route, "openai" | "google" | "huggingface")
            && text.as_bytes().get(route.len()) == Some(&b'/');
        if !hub_org || api_provider(rest).is_some() {
            return Some(crate::catalog::normalise::route_provider(route));
        }
    }
    if is_hub_url(text) || is_org_name(text) {
        Some("huggingface")
    } else {
        api_provider(text)
    }
}

/// The provider of a reference: a routing prefix written in the text
/// (`ollama/llama3`) first, then the place's (an Ollama call, `from_pretrained`),
/// then what the name's shape suggests (`mistral-large-2411` looks like
/// Mistral's API, but in `from_pretrained` it names Hub weights).
pub fn reference_provider(text: &str, place: Option<&'static str>) -> Option<&'static str> {
    let routed = crate::catalog::normalise::split_route(text).is_some();
    match place {
        Some(place) if !routed => Some(place),
        _ => provider_from_shape(text).or(place),
    }
}

/// Whether an extractor's candidate can be a reference at all: a dynamic
/// expression, or an identifier-like string that is not a local path nor a
/// placeholder.
pub fn is_candidate(found: &Found) -> bool {
    found.dynamic
        || (is_identifier_like(&found.text)
            && !is_local_path(&found.text)
            && !is_placeholder(&found.text))
}

/// Names tests, examples and templates use for "some model" (SPEC negative
/// places): `test-model`, `mock-model-id`, `org/name`, `your-org/your-model`,
/// `my-model`, `model`.
pub fn is_placeholder(text: &str) -> bool {
    const EXACT: &[&str] = &[
        "model",
        "models",
        "test",
        "test-model",
        "test_model",
        "my-model",
        "my_model",
        "some-model",
        "model-name",
        "model_name",
        "model-id",
        "model_id",
        "org/name",
        "org/model",
        "test/model",
        "user/model",
        "your-model",
        "dummy",
        "mock",
        "fake",
    ];
    const PREFIXES: &[&str] = &[
        "mock-",
        "mock_",
        "dummy-",
        "dummy_",
        "fake-",
        "fake_",
        "your-",
        "your_",
        "my-org/",
        "example-org/",
    ];
    let lower = text.to_ascii_lowercase();
    EXACT.contains(&lower.as_str())
        || PREFIXES.iter().any(|p| lower.starts_with(p))
        || lower.starts_with("model-group")
}

/// What the catalog knows of names: `any` by an id, alias or pattern;
/// `exactly` by an id or alias only (cheaper: no pattern is tried).
pub struct Known<'a> {
    pub any: &'a dyn Fn(&str) -> bool,
    pub exactly: &'a dyn Fn(&str) -> bool,
}

impl Known<'_> {
    /// Knows nothing (extractor tests).
    pub const NOTHING: Known<'static> = Known {
        any: &|_| false,
        exactly: &|_| false,
    };
}

/// Whether a candidate counts as a reference: dynamic and strong ones always;
/// a weak one when it has a model shape or the catalog knows it; a bare
/// literal (signal 2) when the catalog knows it exactly and it is no
/// ordinary word (`gpt2`, `mistral`, `phi` name other things too).
pub fn counts(dynamic: bool, strength: Strength, text: &str, known: &Known<'_>) -> bool {
    match strength {
        _ if dynamic => true,
        Strength::Strong => true,
        Strength::Weak => has_model_shape(text) || (known.any)(text),
        Strength::Named => {
            !is_ordinary_word(text) && ((known.exactly)(text) || is_test_model(text))
        }
    }
}

/// A tiny random model of a test suite (SPEC signal 6): an
/// `…-internal-testing` organisation's repository or a name containing
/// `tiny-random`. The rule set's `test` entries resolve the same names.
pub fn is_test_model(text: &str) -> bool {
    let text = crate::catalog::normalise::strip_route(text).unwrap_or(text);
    let Some((org, name)) = text.split_once('/') else {
        return false;
    };
    let lower_org = org.to_ascii_lowercase();
    let lower_name = name.to_ascii_lowercase();
    is_org_name(text)
        && (lower_org.ends_with("-internal-testing") || lower_name.contains("tiny-random"))
}

/// A name that is also an ordinary word or class name: no separator at all
/// (`gpt2`, `llama3`, `mistral`, `bert`), so only a place makes it a model.
pub fn is_ordinary_word(text: &str) -> bool {
    !text.contains(['-', '/', ':', '.', '@'])
}

/// `is_candidate` and `counts` together.
pub fn admit(found: &Found, known: &Known<'_>) -> bool {
    is_candidate(found) && counts(found.dynamic, found.strength, &found.text, known)
}

/// Whether a config key, keyword, field or variable names a model, and how
/// strongly (the lexicon, `crate::extract::lexicon`).
pub fn name_strength(name: &str) -> Option<Strength> {
    crate::extract::lexicon::strength(name)
}

/// Environment-variable style names that hold a model whatever its value
/// looks like: `…MODEL`, `…MODEL_NAME`, `…MODEL_ID`.
pub fn has_model_suffix(name: &str) -> bool {
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    (ends_with("MODEL") || ends_with("MODEL_NAME") || ends_with("MODEL_ID"))
        && !crate::extract::lexicon::holds_something_else(name)
}

/// A variable that holds a model: a model suffix, or a lexicon name
/// (`MODEL_PATH`, `SMART_LLM`, `EMBEDDING_MODEL_REPO`).
pub fn is_model_variable(name: &str) -> bool {
    has_model_suffix(name) || crate::extract::lexicon::is_model_ish(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_recognised() {
        for path in [
            "./m",
            "../m",
            "/opt/m",
            "~/m",
            "C:\\m",
            "c:/m",
            "file:///m",
            "best.pt",
            "w.GGUF",
        ] {
            assert!(is_local_path(path), "{path}");
        }
        for id in ["gpt2", "org/name", "Qwen/Qwen2.5-7B", "microsoft/phi-1_5"] {
            assert!(!is_local_path(id), "{id}");
        }
        for path in [
            "saves/qwen3-4b/full/sft",
            "models/Llama-2-7b",
            "outputs/run1",
        ] {
            assert!(is_local_path(path), "{path}");
        }
        assert!(!is_local_path("models/"));
    }

    #[test]
    fn placeholders_are_no_models() {
        for text in [
            "test-model",
            "mock-model-id",
            "Model",
            "org/name",
            "your-org/your-model",
            "model-group-1",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
        for id in ["gpt-4o", "acme-labs/test-model-v2", "mockingbird/x"] {
            assert!(!is_placeholder(id), "{id}");
        }
    }

    #[test]
    fn routes_name_the_provider_except_hub_organisations() {
        for (text, provider) in [
            ("openrouter/anthropic/claude-3.5-sonnet", Some("openrouter")),
            (
                "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
                Some("bedrock"),
            ),
            ("openai:gpt-4o", Some("openai")),
            ("openai/gpt-4o-mini", Some("openai")),
            ("vertex_ai/gemini-1.5-pro", Some("vertex")),
            ("ollama_chat/llama3.1", Some("ollama")),
            ("openai/clip-vit-base-patch32", Some("huggingface")),
            ("google/gemma-2-9b-it", Some("huggingface")),
            ("meta-llama/Llama-3.1-8B", Some("huggingface")),
            ("gpt-4o", Some("openai")),
            ("resnet", None),
        ] {
            assert_eq!(provider_from_shape(text), provider, "{text}");
        }
    }

    #[test]
    fn model_shapes() {
        for id in [
            "meta-llama/Llama-2-7b-hf",
            "org/name@main",
            "https://huggingface.co/org/name",
            "hf.co/org/name:Q4_K_M",
            "gpt-4o",
            "o1",
            "o3-mini",
            "claude-3-5-sonnet-20241022",
            "gemini-1.5-pro",
        ] {
            assert!(has_model_shape(id), "{id}");
        }
        for text in [
            "gpt2",
            "bert-base-uncased",
            "resnet",
            "a/b/c",
            "1/2",
            "https://arxiv.org/abs/1",
            "org/",
            "/name",
            "ollama",
        ] {
            assert!(!has_model_shape(text), "{text}");
        }
    }

    #[test]
    fn identifiers_exclude_prose_and_templates() {
        assert!(is_identifier_like("gpt2"));
        for text in [
            "",
            "two words",
            "${MODEL}",
            "{{ model }}",
            "$MODEL",
            "123",
            "https://arxiv.org/abs/2307.09288",
        ] {
            assert!(!is_identifier_like(text), "{text:?}");
        }
    }

    #[test]
    fn config_keys_ignore_case_and_separators() {
        assert_eq!(name_strength("Model-Name"), Some(Strength::Strong));
        assert_eq!(name_strength("_name_or_path"), Some(Strength::Strong));
        assert_eq!(name_strength("MODEL"), Some(Strength::Weak));
        assert_eq!(name_strength("model_type"), None);
        assert!(is_model_variable("OPENAI_MODEL") && is_model_variable("embed_model_id"));
        assert!(!is_model_variable("MODEL_PATH_DIR"));
        assert!(is_model_variable("MODEL_PATH") && is_model_variable("SMART_LLM"));
        assert_eq!(name_strength("tokenizer_repo"), Some(Strength::Weak));
        assert_eq!(name_strength("model_type"), None);
    }
}
