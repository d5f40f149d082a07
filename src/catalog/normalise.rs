//! How a referenced name is turned into catalog lookup keys (SPEC "Pipeline →
//! resolve"): hub URLs and `hf.co/` stripped, revisions and quantisation tags
//! dropped, API date snapshots removed, hub ids compared without case.

/// The lookup keys for a referenced name, most exact first. Every key is lower case.
pub fn lookup_keys(text: &str) -> Vec<String> {
    let base = normalise(text);
    let mut keys = vec![base.clone()];
    let mut push = |key: String| {
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    };
    // A routing prefix (`openai/gpt-4o`, `openai:gpt-4o`, `bedrock/…`) names
    // the provider, not the model: the name after it is looked up too.
    if let Some(routed) = strip_route(&base) {
        push(routed.to_string());
        // `openrouter/openai/gpt-4o`: a router's route to a provider's.
        let routed = strip_route(routed)
            .inspect(|inner| push(inner.to_string()))
            .unwrap_or(routed);
        if let Some(undated) = strip_date_snapshot(routed) {
            push(undated);
        }
    }
    // Ollama `name:tag`: the tagged name first, then the bare name.
    if let Some((name, _tag)) = base.split_once(':') {
        push(name.to_string());
    }
    // Snapshots of a hosted API's names share its terms; a Hub repository's
    // suffix (`DeepSeek-V3-0324`, `DeepSeek-R1-0528`) names another release.
    if !base.contains('/') {
        if let Some(undated) = strip_date_snapshot(&base) {
            push(undated);
        }
    }
    keys
}

/// The canonical form of a name, lower case: what catalog lookups compare.
pub fn normalise(text: &str) -> String {
    canonical(text).to_ascii_lowercase()
}

/// The canonical form of a name with its case kept: no URL prefix, no
/// revision, no hub quantisation tag, no `models/` prefix of Google's REST names.
/// Repeated until nothing changes (a stripped prefix can uncover white space or
/// another prefix), so that canonicalising is idempotent.
pub fn canonical(text: &str) -> String {
    let mut current = canonical_once(text);
    // Every step that changes the text shortens it, so this ends; the bound
    // only makes that plain.
    for _ in 0..=text.len() {
        let next = canonical_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn canonical_once(text: &str) -> String {
    let mut s = text.trim();
    for prefix in ["https://", "http://", "www."] {
        s = strip_prefix_ignore_case(s, prefix).unwrap_or(s);
    }
    let mut s = s.to_string();
    for host in ["huggingface.co/", "hf.co/"] {
        if let Some(rest) = strip_prefix_ignore_case(&s, host) {
            // `org/name/resolve/main/x.gguf`, `org/name/tree/rev`: keep `org/name`.
            let mut parts = rest.splitn(3, '/');
            let kept = match (parts.next(), parts.next()) {
                (Some(org), Some(name)) => format!("{org}/{name}"),
                _ => rest.to_string(),
            };
            // `hf.co/org/name:Q4_K_M`: the quantisation is not part of the model.
            s = kept.split(':').next().unwrap_or("").to_string();
            break;
        }
    }
    if let Some(rest) = strip_prefix_ignore_case(&s, "models/") {
        s = rest.to_string();
    }
    // A Vertex AI resource name, `projects/P/locations/L/publishers/google/models/M`:
    // the publisher's path names the model.
    if strip_prefix_ignore_case(&s, "projects/").is_some() {
        if let Some(at) = s.to_ascii_lowercase().find("/publishers/") {
            s = s[at + 1..].to_string();
        }
    }
    // `org/name@rev` pins a revision; `ViT-L/14@336px` is a CLIP name.
    if let Some((name, revision)) = s.split_once('@') {
        if !revision.eq_ignore_ascii_case("336px") {
            s = name.to_string();
        }
    }
    s.trim_end_matches('/').to_string()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// LiteLLM / OpenRouter provider routes and LangChain `provider:` prefixes
/// (SPEC "Names with a route or a file"), lower case.
const ROUTES: &[&str] = &[
    "openai",
    "azure",
    "azure_ai",
    "bedrock",
    "vertex_ai",
    "gemini",
    "anthropic",
    "mistral",
    "cohere",
    "groq",
    "together_ai",
    "fireworks_ai",
    "deepseek",
    "xai",
    "openrouter",
    "huggingface",
    "ollama",
    "ollama_chat",
    "google_genai",
    "google",
    "text-completion-openai",
    // open_clip's prefix for a Hub repository.
    "hf-hub",
];

/// The model name after a routing prefix (`openai/gpt-4o` → `gpt-4o`), if any.
pub fn strip_route(name: &str) -> Option<&str> {
    split_route(name).map(|(_, rest)| rest)
}

/// A routing prefix and the name after it: `("openrouter", "anthropic/claude-3.5-sonnet")`.
pub fn split_route(name: &str) -> Option<(&str, &str)> {
    let at = name.find(['/', ':'])?;
    let (route, rest) = (&name[..at], &name[at + 1..]);
    (ROUTES.contains(&route) && !rest.is_empty()).then_some((route, rest))
}

/// The provider a routing prefix names, as references record providers
/// (`vertex_ai` → `vertex`, `ollama_chat` → `ollama`, `gemini` → `google`).
pub fn route_provider(route: &str) -> &'static str {
    match route {
        "openai" | "text-completion-openai" => "openai",
        "azure" | "azure_ai" => "azure",
        "bedrock" => "bedrock",
        "vertex_ai" => "vertex",
        "gemini" | "google" | "google_genai" => "google",
        "anthropic" => "anthropic",
        "mistral" => "mistral",
        "cohere" => "cohere",
        "groq" => "groq",
        "together_ai" => "together",
        "fireworks_ai" => "fireworks",
        "deepseek" => "deepseek",
        "xai" => "xai",
        "openrouter" => "openrouter",
        "ollama" | "ollama_chat" => "ollama",
        _ => "huggingface",
    }
}

/// How a provider names a publisher's models in full, where its own terms
/// cover them: a name written bare in a Vertex AI place is looked up under
/// `publishers/google/models/` first (Gemini on Vertex is Google Cloud's).
pub fn provider_namespace(provider: &str) -> Option<&'static str> {
    match provider {
        "vertex" => Some("publishers/google/models/"),
        _ => None,
    }
}

/// Name suffixes of quantised or converted uploads (shared/reference §4.1).
const QUANT_SUFFIXES: &[&str] = &[
    "-gguf",
    "-gptq",
    "-awq",
    "-exl2",
    "-bnb-4bit",
    "-4bit",
    "-8bit",
    "-fp8",
    "-int4",
    "-int8",
    "-mlx",
    "-onnx",
    "-llamafile",
    "-gptq-int4",
    "-gptq-int8",
];

/// `Mistral-7B-Instruct-v0.3-4bit` → `Mistral-7B-Instruct-v0.3`: a base named
/// by what a quantiser's pattern matched, without the quantisation suffixes.
pub fn strip_quant_suffixes(name: &str) -> Option<String> {
    let mut current = name.to_string();
    loop {
        let lower = current.to_ascii_lowercase();
        let Some(suffix) = QUANT_SUFFIXES
            .iter()
            .filter(|s| lower.ends_with(*s))
            .max_by_key(|s| s.len())
        else {
            break;
        };
        current.truncate(current.len() - suffix.len());
    }
    (current != name && !current.is_empty()).then_some(current)
}

/// `gpt-4o-2024-08-06` → `gpt-4o`, `claude-3-5-sonnet-20241022` → `claude-3-5-sonnet`,
/// `gpt-4-0613` → `gpt-4`: API snapshots resolve to their family's entry.
pub fn strip_date_snapshot(name: &str) -> Option<String> {
    // Compared as bytes: the name may end in any characters, and every cut
    // below is just before an ASCII `-`, so it is a character boundary.
    let bytes = name.as_bytes();
    let n = bytes.len();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    // -YYYY-MM-DD: dashes at n-11, n-6 and n-3.
    if n > 11
        && bytes[n - 11] == b'-'
        && bytes[n - 6] == b'-'
        && bytes[n - 3] == b'-'
        && digits(n - 10..n - 6)
        && digits(n - 5..n - 3)
        && digits(n - 2..n)
    {
        return Some(name[..n - 11].to_string());
    }
    // -preview-MM-DD (Gemini's dated previews)
    if n > 14
        && bytes[n - 14..n - 5] == *b"-preview-"
        && digits(n - 5..n - 3)
        && bytes[n - 3] == b'-'
        && digits(n - 2..n)
    {
        return Some(name[..n - 14].to_string());
    }
    // -YYYYMMDD or -MMDD (OpenAI's legacy 4-digit snapshots)
    for width in [8, 4] {
        if n > width + 1 && digits(n - width..n) && bytes[n - width - 1] == b'-' {
            return Some(name[..n - width - 1].to_string());
        }
    }
    None
}

/// The model name of a GGUF file named after its model and quantisation
/// (`mistral-7b-instruct-v0.2.q5_k_m.gguf`, `llama-3-8b-instruct-q4_0.gguf`,
/// lower case): the name without the extension and the quantisation.
pub fn gguf_model_stem(lower_file: &str) -> Option<&str> {
    let stem = lower_file.strip_suffix(".gguf")?;
    let cut = stem.rfind(['.', '-'])?;
    let quantisation = &stem[cut + 1..];
    let is_quantisation = {
        let digits_after = |prefix: &str| {
            quantisation
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        };
        digits_after("q")
            || digits_after("iq")
            || matches!(quantisation, "f16" | "f32" | "bf16" | "fp16" | "fp32")
    };
    (is_quantisation && cut > 0).then(|| &stem[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gguf_file_names_give_their_model_name() {
        for (file, stem) in [
            (
                "mistral-7b-instruct-v0.2.q5_k_m.gguf",
                Some("mistral-7b-instruct-v0.2"),
            ),
            ("phi-2.q4_k_m.gguf", Some("phi-2")),
            (
                "llama-3-8b-instruct-iq4_xs.gguf",
                Some("llama-3-8b-instruct"),
            ),
            ("qwen2-7b-instruct-bf16.gguf", Some("qwen2-7b-instruct")),
            ("model-v0.2.gguf", None),
            ("q4_0.gguf", None),
            (".q4_0.gguf", None),
            ("phi-2.q4_k_m.safetensors", None),
        ] {
            assert_eq!(gguf_model_stem(file), stem, "{file}");
        }
    }

    #[test]
    fn urls_revisions_and_case() {
        assert_eq!(
            normalise("https://huggingface.co/Meta-Llama/Llama-2-7b-hf"),
            "meta-llama/llama-2-7b-hf"
        );
        assert_eq!(
            normalise("hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q8_0"),
            "bartowski/llama-3.2-3b-instruct-gguf"
        );
        assert_eq!(
            normalise("https://huggingface.co/org/name/resolve/main/model.gguf"),
            "org/name"
        );
        assert_eq!(normalise("org/name@a1b2c3"), "org/name");
        assert_eq!(normalise("models/gemini-1.5-flash"), "gemini-1.5-flash");
        assert_eq!(normalise("ViT-L/14@336px"), "vit-l/14@336px");
    }

    #[test]
    fn canonical_keeps_case() {
        assert_eq!(canonical("HF.co/Org/Name-GGUF:Q4_K_M"), "Org/Name-GGUF");
        assert_eq!(
            canonical("https://huggingface.co/Org/Name/tree/main"),
            "Org/Name"
        );
    }

    #[test]
    fn snapshots_and_tags() {
        assert_eq!(
            lookup_keys("gpt-4o-2024-08-06"),
            ["gpt-4o-2024-08-06", "gpt-4o"]
        );
        assert_eq!(
            lookup_keys("claude-3-5-sonnet-20241022"),
            ["claude-3-5-sonnet-20241022", "claude-3-5-sonnet"]
        );
        assert_eq!(
            lookup_keys("gpt-3.5-turbo-0125"),
            ["gpt-3.5-turbo-0125", "gpt-3.5-turbo"]
        );
        assert_eq!(lookup_keys("llama2:7b-chat"), ["llama2:7b-chat", "llama2"]);
        assert_eq!(lookup_keys("gpt-4o"), ["gpt-4o"]);
        assert_eq!(
            lookup_keys("openai/gpt-4o-2024-08-06"),
            ["openai/gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"]
        );
        // A router's route to a provider's route.
        assert_eq!(
            lookup_keys("openrouter/openai/gpt-4o"),
            ["openrouter/openai/gpt-4o", "openai/gpt-4o", "gpt-4o"]
        );
        // Gemini's dated previews share the model's terms.
        assert_eq!(
            lookup_keys("gemini-2.5-flash-preview-05-20"),
            ["gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"]
        );
        assert_eq!(
            lookup_keys("gemini-2.5-pro-preview"),
            ["gemini-2.5-pro-preview"]
        );
        // A Hub repository's date suffix names another release, not a snapshot.
        assert_eq!(
            lookup_keys("deepseek-ai/DeepSeek-R1-0528"),
            ["deepseek-ai/deepseek-r1-0528"]
        );
        assert_eq!(
            lookup_keys("anthropic:claude-3-5-haiku-20241022")[1],
            "claude-3-5-haiku-20241022"
        );
        assert_eq!(strip_route("meta-llama/Llama-2-7b-hf"), None);
    }

    #[test]
    fn names_ending_in_multibyte_characters_have_no_snapshot() {
        for name in [
            "org/模型-7b",
            "shibing624/text2vec-base-中文",
            "助手-v1",
            "gpt-4o-微调",
            "evil/\u{202e}gnp.exe",
            "é-2024-08-0é",
            "x-1234é",
        ] {
            assert_eq!(strip_date_snapshot(name), None, "{name}");
            assert_eq!(lookup_keys(name)[0], normalise(name));
        }
        assert_eq!(
            strip_date_snapshot("模型-2024-08-06").as_deref(),
            Some("模型")
        );
    }

    #[test]
    fn quantisation_suffixes() {
        assert_eq!(
            strip_quant_suffixes("org/Mistral-7B-Instruct-v0.3-4bit").as_deref(),
            Some("org/Mistral-7B-Instruct-v0.3")
        );
        assert_eq!(
            strip_quant_suffixes("x-Instruct-GPTQ-Int4").as_deref(),
            Some("x-Instruct")
        );
        assert_eq!(strip_quant_suffixes("org/plain"), None);
    }

    #[test]
    fn normalising_is_idempotent() {
        for text in [
            "https://huggingface.co/Org/Name@rev",
            "hf.co/a/b:Q4_K_M",
            "GPT-4o-2024-08-06",
            "ViT-B/32",
            "llama3:8b",
        ] {
            let once = normalise(text);
            assert_eq!(normalise(&once), once, "{text}");
        }
    }
}
