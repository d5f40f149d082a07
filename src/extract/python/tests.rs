use super::*;

/// `text@context` of every admitted reference, in order.
fn texts(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    extract(src, &mut out);
    out.retain(|f| candidate::admit(f, &candidate::Known::NOTHING));
    out.iter()
        .map(|f| {
            assert_eq!(&src[f.span.clone()], f.text, "span and text agree");
            format!("{}@{}", f.text, f.context)
        })
        .collect()
}

#[test]
fn strong_calls() {
    let src = r#"
from transformers import AutoModel, pipeline
m = AutoModel.from_pretrained("bert-base-uncased")
p = pipeline("text-generation", "gpt2")
q = pipeline(task="fill-mask", model="distilroberta-base")
import whisper
w = whisper.load_model("large-v3")
"#;
    assert_eq!(
        texts(src),
        [
            "bert-base-uncased@from_pretrained",
            "gpt2@pipeline",
            "distilroberta-base@pipeline",
            "large-v3@whisper.load_model"
        ]
    );
}

#[test]
fn spans_are_the_string_content() {
    let src = "x = AutoTokenizer.from_pretrained('org/name')\n";
    let mut out = Vec::new();
    extract(src, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].span, 35..43);
    assert_eq!(out[0].provider, Some("huggingface"));
    assert_eq!(out[0].kind, RefKind::Code);
}

#[test]
fn comments_docstrings_and_class_names_never_count() {
    let src = r#"
"""Load with AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")."""
# model = AutoModel.from_pretrained("gpt2")
class Loader:
    '''from_pretrained("org/name")'''
    def load(self):
        return LlamaForCausalLM.from_pretrained(self.path)
see = "https://arxiv.org/abs/2307.09288"
"#;
    // Only the untraced argument, as a run-time reference: never the class name.
    assert_eq!(texts(src), ["self.path@from_pretrained"]);
}

#[test]
fn import_aliases_are_followed() {
    let src = "from whisper import load_model as lm\nimport clip as c\nlm('base')\nc.load('ViT-B/32')\nload_model('tiny')\n";
    assert_eq!(
        texts(src),
        ["base@whisper.load_model", "ViT-B/32@clip.load"]
    );
}

#[test]
fn keyword_arguments_and_defaults() {
    let src = r#"
client.chat.completions.create(model="gpt-4o", messages=[])
anthropic_client.messages.create(model="claude-3-5-sonnet-20241022")
Agent(model="gpt-4o-mini", temperature=0)
def load(model_name: str = "sentence-transformers/all-MiniLM-L6-v2", other="x"):
    pass
"#;
    assert_eq!(
        texts(src),
        [
            "gpt-4o@chat.completions.create",
            "claude-3-5-sonnet-20241022@messages.create",
            "gpt-4o-mini@Agent(model=)",
            "sentence-transformers/all-MiniLM-L6-v2@default:model_name",
        ]
    );
}

#[test]
fn constants_passed_to_strong_contexts_are_reported_at_the_literal() {
    let src = r#"
CHECKPOINT = "gpt2"
def build():
    local = "distilgpt2"
    a = AutoModel.from_pretrained(local)
    return AutoModel.from_pretrained(CHECKPOINT)
def late():
    return SentenceTransformer(EMBEDDER)
EMBEDDER = "all-MiniLM-L6-v2"
"#;
    let mut out = Vec::new();
    extract(src, &mut out);
    let got: Vec<_> = out
        .iter()
        .map(|f| (f.text.as_str(), f.context.as_str(), f.strength))
        .collect();
    assert_eq!(
        got,
        [
            ("gpt2", "from_pretrained", Strength::Strong),
            ("distilgpt2", "from_pretrained", Strength::Strong),
            ("all-MiniLM-L6-v2", "SentenceTransformer", Strength::Strong),
        ]
    );
    assert_eq!(&src[out[0].span.clone()], "gpt2");
}

#[test]
fn function_scopes_do_not_leak() {
    let src = "def a():\n    name = 'gpt2'\ndef b():\n    return AutoModel.from_pretrained(name)\n";
    // `name` in b() is not a()'s: a run-time reference, never 'gpt2'.
    assert_eq!(texts(src), ["name@from_pretrained"]);
}

#[test]
fn weak_assignments_need_a_model_shape() {
    let src = "MODEL = 'gpt2'\nDEFAULT_MODEL = 'gpt-4o'\nBASE_MODEL = 'meta-llama/Llama-2-7b-hf'\nDATASET = 'tatsu-lab/alpaca'\nself.model_name = 'org/x'\n";
    assert_eq!(
        texts(src),
        [
            "gpt-4o@assign:DEFAULT_MODEL",
            "meta-llama/Llama-2-7b-hf@assign:BASE_MODEL",
            "org/x@assign:model_name"
        ]
    );
}

#[test]
fn dynamic_references() {
    let src = r#"
import os
a = AutoModel.from_pretrained(f"{org}/llama-{size}")
b = AutoModel.from_pretrained("org/" + name)
c = AutoModel.from_pretrained(os.environ["MODEL_ID"])
d = AutoModel.from_pretrained("org/{}".format(size))
e = AutoModel.from_pretrained(f"constant")
ENV_MODEL = os.getenv("LLM_MODEL", "gpt-4o-mini")
client.chat.completions.create(model=ENV_MODEL)
g = AutoModel.from_pretrained(args.model_name_or_path)
"#;
    let mut out = Vec::new();
    extract(src, &mut out);
    out.retain(|f| f.strength != Strength::Named);
    let got: Vec<_> = out.iter().map(|f| (f.text.as_str(), f.dynamic)).collect();
    assert_eq!(
        got,
        [
            ("f\"{org}/llama-{size}\"", true),
            ("\"org/\" + name", true),
            ("os.environ[\"MODEL_ID\"]", true),
            ("\"org/{}\".format(size)", true),
            ("constant", false),
            ("gpt-4o-mini", false),
            ("ENV_MODEL", true),
            // A command-line argument in a known API (SPEC "Dynamic references").
            ("args.model_name_or_path", true),
        ]
    );
}

#[test]
fn generic_keywords_are_weak_and_publishing_is_not_use() {
    let src = r#"
migrations.AddField(model_name="article", name="title")
Agent(model="gpt-4o")
Agent(model_id="internal-classifier")
model.push_to_hub(repo_id="my-org/fine-tune")
upload_folder(repo_id="my-org/fine-tune", folder_path=".")
AutoModel.from_pretrained(f"/models/{name}")
AutoModel.from_pretrained("./out/" + name)
config = {"model": f"{org}/x", "model_name": "model_name_or_path"}
"#;
    assert_eq!(
        texts(src),
        [
            "gpt-4o@Agent(model=)",
            "internal-classifier@Agent(model_id=)"
        ]
    );
}

#[test]
fn dataset_repos_and_untrained_timm_are_not_models() {
    let src = r#"
hf_hub_download(repo_id="org/data", repo_type="dataset", filename="x.json")
snapshot_download("acme/model")
timm.create_model("resnet50")
timm.create_model("vit_base_patch16_224", pretrained=True)
"#;
    assert_eq!(
        texts(src),
        [
            "acme/model@snapshot_download",
            "vit_base_patch16_224@timm.create_model"
        ]
    );
}

#[test]
fn dict_entries_under_model_keys() {
    let src = "payload = {\"model\": \"gpt-4o\", \"messages\": [], \"model_name\": \"gpt2\", \"x\": \"org/n\"}\n";
    // Dict values are weak: `gpt2` has no model shape (the catalog will know it).
    assert_eq!(texts(src), ["gpt-4o@key:model"]);
}

#[test]
fn local_paths_are_not_references() {
    let src = "AutoModel.from_pretrained('./checkpoints/run1')\nAutoModel.from_pretrained('/opt/models/x')\ntorch.load('best.pt')\n";
    assert!(texts(src).is_empty());
}

#[test]
fn open_clip_torch_hub_and_dataclass_fields() {
    let src = r#"
import open_clip
open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")
open_clip.create_model_and_transforms("ViT-g-14", pretrained="acme/clip-g-14-weights")
torch.hub.load("facebookresearch/dinov2", "dinov2_vits14")
@dataclass
class Args:
    model_name_or_path: str = field(default="roberta-base")
    base_model: str = "meta-llama/Llama-2-7b-hf"
"#;
    assert_eq!(
        texts(src),
        [
            // A pretrained tag completes the architecture; a Hub id there counts.
            "ViT-B-32@open_clip.create_model_and_transforms",
            "ViT-g-14@open_clip.create_model_and_transforms",
            "acme/clip-g-14-weights@open_clip.create_model_and_transforms:pretrained",
            "dinov2_vits14@torch.hub.load",
            "meta-llama/Llama-2-7b-hf@assign:base_model",
        ]
    );
}

#[test]
fn relative_imports_resolve_against_the_files_package() {
    assert_eq!(package_of("src/mlx_lm/chat.py"), "src.mlx_lm");
    assert_eq!(package_of("chat.py"), "");
    let found = |path: &str, src: &str| {
        let mut out = Vec::new();
        extract_in(src, path, &mut out);
        out.into_iter()
            .map(|f| (f.text, f.dynamic))
            .collect::<Vec<_>>()
    };
    let src = "from .utils import load\nload(repo)\n";
    assert_eq!(found("mlx_lm/chat.py", src), [("repo".to_string(), true)]);
    assert_eq!(
        found("src\\mlx_lm\\chat.py", src),
        [("repo".to_string(), true)]
    );
    // Another package's `utils.load` is no mlx_lm loader.
    assert!(found("acme/chat.py", src).is_empty());
    // `..` climbs one package; above the top nothing resolves.
    let up = "from ..mlx_lm.utils import load\nload(repo)\n";
    assert_eq!(found("src/tools/x.py", up), [("repo".to_string(), true)]);
    assert!(found("tools/x.py", "from ...x import load\nload(repo)\n").is_empty());
}

#[test]
fn unterminated_and_broken_code_is_survived() {
    for src in [
        "from_pretrained('gpt2",
        "f(\"\"\"",
        "))) (((",
        "f'{",
        "x = f'{a['b'",
        "def (",
        "\\",
    ] {
        let mut out = Vec::new();
        extract(src, &mut out);
    }
}

#[test]
fn non_ascii_and_crlf() {
    let src = "# naïve café\r\nm = AutoModel.from_pretrained(\"gpt2\")  # ünïcode\r\n";
    let mut out = Vec::new();
    extract(src, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(&src[out[0].span.clone()], "gpt2");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(src in "\\PC{0,200}") {
            let mut out = Vec::new();
            extract(&src, &mut out);
            for f in &out {
                prop_assert!(src.get(f.span.clone()).is_some());
            }
        }

        #[test]
        fn never_panics_on_python_like_text(src in "[a-z_. ()\\[\\]{}=,+:'\"f#\\n\\\\]{0,120}") {
            let mut out = Vec::new();
            extract(&src, &mut out);
            for f in &out {
                prop_assert!(src.get(f.span.clone()).is_some());
            }
        }
    }
}
