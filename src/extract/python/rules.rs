//! The strong contexts of Python (SPEC "What counts as a model reference"):
//! which argument of which call names a model.

/// A call whose argument names a model. `callee` is matched as a dotted suffix
/// of the call's qualified name (imports expanded): `from_pretrained` matches
/// `AutoModel.from_pretrained`, `clip.load` matches `clip.load` but not `open_clip.load`.
#[derive(Debug)]
pub struct CallRule {
    pub callee: &'static str,
    /// The positional argument that names the model.
    pub positional: Option<usize>,
    /// Keyword arguments that name the model.
    pub keywords: &'static [&'static str],
    pub provider: Option<&'static str>,
    /// Only when the call also passes `pretrained=True` (timm loads no weights otherwise).
    pub needs_pretrained_true: bool,
}

const fn rule(
    callee: &'static str,
    positional: Option<usize>,
    keywords: &'static [&'static str],
    provider: Option<&'static str>,
) -> CallRule {
    CallRule {
        callee,
        positional,
        keywords,
        provider,
        needs_pretrained_true: false,
    }
}

const HF: Option<&str> = Some("huggingface");
const OPENAI: Option<&str> = Some("openai");
const ANTHROPIC: Option<&str> = Some("anthropic");
const GOOGLE: Option<&str> = Some("google");
const OLLAMA: Option<&str> = Some("ollama");
const BEDROCK: Option<&str> = Some("bedrock");
const VERTEX: Option<&str> = Some("vertex");

pub static CALL_RULES: &[CallRule] = &[
    // Vertex AI (before the generic `from_pretrained` and `GenerativeModel`):
    // Google's models there fall under Google Cloud's terms, not the Gemini API's.
    rule(
        "generative_models.GenerativeModel",
        Some(0),
        &["model_name"],
        VERTEX,
    ),
    rule(
        "TextEmbeddingModel.from_pretrained",
        Some(0),
        &["model_name"],
        VERTEX,
    ),
    rule("ChatVertexAI", None, &["model", "model_name"], VERTEX),
    rule("VertexAIEmbeddings", None, &["model", "model_name"], VERTEX),
    // PEFT: the first argument is the base model object, the adapter id second.
    rule("PeftModel.from_pretrained", Some(1), &["model_id"], HF),
    rule(
        "from_pretrained",
        Some(0),
        &["pretrained_model_name_or_path"],
        HF,
    ),
    rule("pipeline", Some(1), &["model"], HF),
    rule("SentenceTransformer", Some(0), &["model_name_or_path"], HF),
    rule(
        "CrossEncoder",
        Some(0),
        &["model_name", "model_name_or_path"],
        HF,
    ),
    rule("hf_hub_download", Some(0), &["repo_id"], HF),
    rule("snapshot_download", Some(0), &["repo_id"], HF),
    rule(
        "whisper.load_model",
        Some(0),
        &["name"],
        Some("openai-whisper"),
    ),
    rule("clip.load", Some(0), &["name"], Some("openai-clip")),
    rule(
        "open_clip.create_model_and_transforms",
        Some(0),
        &["model_name", "pretrained"],
        Some("open_clip"),
    ),
    rule(
        "open_clip.create_model_from_pretrained",
        Some(0),
        &["model_name", "pretrained"],
        Some("open_clip"),
    ),
    rule(
        "open_clip.create_model",
        Some(0),
        &["model_name", "pretrained"],
        Some("open_clip"),
    ),
    CallRule {
        needs_pretrained_true: true,
        ..rule("timm.create_model", Some(0), &["model_name"], Some("timm"))
    },
    rule("torch.hub.load", Some(1), &["model"], Some("torch-hub")),
    rule("LLM", Some(0), &["model"], HF),
    rule("GenerativeModel", Some(0), &["model_name"], GOOGLE),
    rule("models.generate_content", None, &["model"], GOOGLE),
    rule("ChatGoogleGenerativeAI", None, &["model"], GOOGLE),
    rule("chat.completions.create", None, &["model"], OPENAI),
    rule("completions.create", None, &["model"], OPENAI),
    rule("embeddings.create", None, &["model"], OPENAI),
    rule("responses.create", None, &["model"], OPENAI),
    rule("images.generate", None, &["model"], OPENAI),
    rule("transcriptions.create", None, &["model"], OPENAI),
    rule("speech.create", None, &["model"], OPENAI),
    rule("ChatOpenAI", None, &["model", "model_name"], OPENAI),
    rule("OpenAIEmbeddings", None, &["model"], OPENAI),
    rule("messages.create", None, &["model"], ANTHROPIC),
    rule("messages.stream", None, &["model"], ANTHROPIC),
    rule("ChatAnthropic", None, &["model", "model_name"], ANTHROPIC),
    rule("ollama.chat", None, &["model"], OLLAMA),
    rule("ollama.generate", None, &["model"], OLLAMA),
    rule("ollama.embed", None, &["model"], OLLAMA),
    rule("ollama.embeddings", None, &["model"], OLLAMA),
    rule("ollama.pull", Some(0), &["model"], OLLAMA),
    rule("ollama.show", Some(0), &["model"], OLLAMA),
    rule("ChatOllama", None, &["model"], OLLAMA),
    rule("HuggingFaceEmbeddings", None, &["model_name"], HF),
    rule("HuggingFaceEndpoint", None, &["repo_id"], HF),
    // SPEC signal 1: MLX, LangChain, LiteLLM, Bedrock.
    rule("mlx_lm.load", Some(0), &["path_or_hf_repo"], HF),
    rule("mlx_lm.utils.load", Some(0), &["path_or_hf_repo"], HF),
    rule("mlx_lm.utils.load_tokenizer", Some(0), &["model_path"], HF),
    rule("mlx_lm.utils.sharded_load", Some(0), &["repo"], HF),
    rule("init_chat_model", Some(0), &["model"], None),
    rule("litellm.completion", None, &["model"], None),
    rule("litellm.acompletion", None, &["model"], None),
    rule("litellm.embedding", None, &["model"], None),
    rule("litellm.aembedding", None, &["model"], None),
    rule("invoke_model", None, &["modelId"], BEDROCK),
    rule(
        "invoke_model_with_response_stream",
        None,
        &["modelId"],
        BEDROCK,
    ),
    rule("converse", None, &["modelId"], BEDROCK),
    rule("converse_stream", None, &["modelId"], BEDROCK),
    rule("ChatBedrock", None, &["model_id", "model"], BEDROCK),
    rule("ChatBedrockConverse", None, &["model", "model_id"], BEDROCK),
    // Fine-tuning jobs start from the model they name.
    rule("fine_tuning.jobs.create", None, &["model"], OPENAI),
    rule(
        "foundation_model.create",
        None,
        &["model"],
        Some("databricks"),
    ),
    // Rerankers (Cohere, Voyage, Jina clients share the shape).
    rule("rerank", None, &["model"], None),
    // google-genai `client.models.embed_content`, google-generativeai `genai.embed_content`.
    rule("embed_content", None, &["model"], GOOGLE),
    rule("InferenceClient", Some(0), &["model"], HF),
    rule("AsyncInferenceClient", Some(0), &["model"], HF),
    rule("litellm.text_completion", None, &["model"], None),
    rule("litellm.atext_completion", None, &["model"], None),
    // smolagents' model classes.
    rule("InferenceClientModel", Some(0), &["model_id"], HF),
    rule("HfApiModel", Some(0), &["model_id"], HF),
    rule("TransformersModel", Some(0), &["model_id"], HF),
    rule("MLXModel", Some(0), &["model_id"], HF),
    rule("VLLMModel", Some(0), &["model_id"], HF),
    rule("LiteLLMModel", Some(0), &["model_id"], None),
    rule("OpenAIServerModel", Some(0), &["model_id"], None),
    rule("OpenAIModel", Some(0), &["model_id"], None),
    rule("AzureOpenAIServerModel", Some(0), &["model_id"], None),
    rule("AmazonBedrockServerModel", Some(0), &["model_id"], BEDROCK),
    // LlamaIndex integrations.
    rule("HuggingFaceEmbedding", None, &["model_name"], HF),
    rule("ClipEmbedding", None, &["model_name"], Some("openai-clip")),
    rule("LlamaCPP", None, &["model_path", "model_url"], None),
    rule(
        "HuggingFaceLLM",
        None,
        &["model_name", "tokenizer_name"],
        HF,
    ),
    rule("OpenAIEmbedding", None, &["model", "model_name"], OPENAI),
];

/// `from_pretrained(model_object, adapter_id)`: the second argument names the model.
pub static ADAPTER_LOADER: CallRule = rule("from_pretrained", Some(1), &["model_id"], HF);

/// Any call passing both `model=` and `messages=`: a chat request.
pub static CHAT_CALL: CallRule = rule("chat request", None, &["model"], None);

/// Keyword arguments (and parameters with defaults) that name a model in any call.
pub const MODEL_KEYWORDS: &[&str] = &[
    "model",
    "model_name",
    "model_id",
    "model_name_or_path",
    "pretrained_model_name_or_path",
    "repo_id",
    "base_model",
    "checkpoint",
    "embedding_model",
    "llm_model",
];

/// Generic keywords that also name other things (Django's `model_name="article"`):
/// outside a known call they are weak, so only a model-shaped or known id counts.
pub const GENERIC_KEYWORDS: &[&str] = &["model", "model_name"];

/// Hub calls that publish or manage a repository rather than use a model.
pub const PUBLISHING_CALLS: &[&str] = &[
    "push_to_hub",
    "create_repo",
    "delete_repo",
    "move_repo",
    "update_repo_settings",
    "upload_file",
    "upload_folder",
    "upload_large_folder",
    "delete_file",
    "delete_folder",
    "create_commit",
    "create_branch",
    "create_tag",
    "duplicate_space",
];

/// Whether `qualified` (a dotted call name) ends with the dotted `pattern`.
pub fn callee_matches(qualified: &str, pattern: &str) -> bool {
    qualified
        .strip_suffix(pattern)
        .is_some_and(|head| head.is_empty() || head.ends_with('.'))
}

/// Whether some rule's callee ends with `last`: a cheap test before building
/// the qualified name of a call.
pub fn may_match(last: &str) -> bool {
    // `last` is one name (no dot): it matches when it is the last segment of
    // some rule's callee. This runs for every call of every file.
    // Sorted for a binary search, behind a table of the (first byte, length)
    // pairs that occur: most names are rejected by one lookup.
    struct LastSegments {
        sorted: Vec<&'static str>,
        lengths_by_first_byte: [u64; 256],
    }
    static LAST_SEGMENTS: std::sync::OnceLock<LastSegments> = std::sync::OnceLock::new();
    if last.contains('.') {
        return CALL_RULES.iter().any(|r| callee_matches(r.callee, last));
    }
    let segments = LAST_SEGMENTS.get_or_init(|| {
        let mut sorted: Vec<&str> = CALL_RULES
            .iter()
            .map(|r| r.callee.rsplit('.').next().unwrap_or(r.callee))
            .collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut lengths_by_first_byte = [0u64; 256];
        for segment in &sorted {
            if let Some(&first) = segment.as_bytes().first() {
                lengths_by_first_byte[usize::from(first)] |= 1 << segment.len().min(63);
            }
        }
        LastSegments {
            sorted,
            lengths_by_first_byte,
        }
    });
    let Some(&first) = last.as_bytes().first() else {
        return segments.sorted.binary_search(&last).is_ok();
    };
    segments.lengths_by_first_byte[usize::from(first)] & (1 << last.len().min(63)) != 0
        && segments.sorted.binary_search(&last).is_ok()
}

/// The first rule whose callee matches.
pub fn rule_for(qualified: &str) -> Option<&'static CallRule> {
    CALL_RULES
        .iter()
        .find(|r| callee_matches(qualified, r.callee))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn may_match_agrees_with_the_suffix_rule() {
        let names = CALL_RULES.iter().flat_map(|r| r.callee.split('.')).chain([
            "forward",
            "load",
            "create",
            "model",
            "pretrained",
            "",
        ]);
        for name in names {
            let slow = CALL_RULES.iter().any(|r| callee_matches(r.callee, name));
            assert_eq!(may_match(name), slow, "{name}");
        }
    }

    #[test]
    fn callees_match_on_dot_boundaries() {
        assert!(callee_matches(
            "AutoModel.from_pretrained",
            "from_pretrained"
        ));
        assert!(callee_matches("from_pretrained", "from_pretrained"));
        assert!(callee_matches(
            "self.client.chat.completions.create",
            "chat.completions.create"
        ));
        assert!(!callee_matches("open_clip.load", "clip.load"));
        assert!(!callee_matches("my_from_pretrained", "from_pretrained"));
        assert_eq!(
            rule_for("client.chat.completions.create").unwrap().callee,
            "chat.completions.create"
        );
        assert_eq!(
            rule_for("open_clip.create_model").unwrap().callee,
            "open_clip.create_model"
        );
    }
}
