//! `modelgate list` end to end: walking rules, skips, exit codes, determinism.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::write;

fn modelgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("modelgate runs")
}

fn json(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

fn texts(value: &Value) -> Vec<String> {
    value["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{} {}",
                r["path"].as_str().unwrap(),
                r["line"],
                r["column"],
                r["text"].as_str().unwrap()
            )
        })
        .collect()
}

fn skipped(value: &Value) -> Vec<String> {
    value["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect()
}

const USE_GPT2: &[u8] = b"m = AutoModel.from_pretrained(\"gpt2\")\n";

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = modelgate(dir.path(), &["list", "does-not-exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("path does not exist: does-not-exist"));
}

#[test]
fn gitignored_files_are_skipped_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", b"generated/\n");
    write(dir.path(), "generated/a.py", USE_GPT2);
    write(dir.path(), "src/b.py", USE_GPT2);
    let walked = json(&modelgate(dir.path(), &["list", ".", "--format", "json"]));
    assert_eq!(texts(&walked), ["src/b.py:1:32 gpt2"]);
    let named = json(&modelgate(
        dir.path(),
        &["list", "generated/a.py", "--format", "json"],
    ));
    assert_eq!(texts(&named), ["generated/a.py:1:32 gpt2"]);
}

#[test]
fn exclude_globs_apply_to_walked_and_named_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "third_party/x/a.py", USE_GPT2);
    write(dir.path(), "nb/b.py", USE_GPT2);
    write(dir.path(), "c.py", USE_GPT2);
    let out = json(&modelgate(
        dir.path(),
        &[
            "list",
            "--exclude",
            "third_party/**",
            "--exclude",
            "b.py",
            "--format",
            "json",
        ],
    ));
    assert_eq!(texts(&out), ["c.py:1:32 gpt2"]);
    let named = json(&modelgate(
        dir.path(),
        &[
            "list",
            "third_party/x/a.py",
            "c.py",
            "--exclude",
            "third_party/**",
            "--format",
            "json",
        ],
    ));
    assert_eq!(texts(&named), ["c.py:1:32 gpt2"]);
}

#[test]
fn hidden_files_and_ci_folders_are_scanned_but_git_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".hidden/a.py", USE_GPT2);
    write(dir.path(), ".git/b.py", USE_GPT2);
    let out = json(&modelgate(dir.path(), &["list", "--format", "json"]));
    assert_eq!(texts(&out), [".hidden/a.py:1:32 gpt2"]);
}

#[test]
fn skips_are_recorded_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "binary.py",
        b"AutoModel.from_pretrained(\"gpt2\")\0\x01",
    );
    write(
        dir.path(),
        "latin1.py",
        b"# caf\xe9\nAutoModel.from_pretrained(\"gpt2\")\n",
    );
    write(dir.path(), "utf16.py", b"\xff\xfea\0");
    write(dir.path(), "big.py", &vec![b'#'; 2048]);
    write(dir.path(), "ok.py", USE_GPT2);
    write(dir.path(), "image.png", b"\x89PNG\0\0");
    let output = modelgate(
        dir.path(),
        &["list", "--max-file-size", "1KiB", "--format", "json"],
    );
    let out = json(&output);
    assert_eq!(texts(&out), ["ok.py:1:32 gpt2"]);
    assert_eq!(
        skipped(&out),
        [
            "big.py too-large",
            "binary.py binary",
            "latin1.py not-utf8",
            "utf16.py not-utf8"
        ]
    );
    assert_eq!(out["summary"]["files_skipped"], 4);
    assert_eq!(out["summary"]["files_scanned"], 1);
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened_and_links_never_leave_the_root() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.py", USE_GPT2);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real.py", USE_GPT2);
    let fifo = dir.path().join("pipe.py");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        dir.path().join("escape.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("outside_dir")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.py"), dir.path().join("alias.py")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let out = json(&modelgate(dir.path(), &["list", "--format", "json"]));
    assert_eq!(texts(&out), ["real.py:1:32 gpt2"]);
    assert_eq!(
        skipped(&out),
        [
            "escape.py symlink-outside-root",
            "outside_dir symlink-outside-root",
            "pipe.py not-regular-file"
        ]
    );
    let named = json(&modelgate(
        dir.path(),
        &[
            "list",
            "pipe.py",
            "escape.py",
            "alias.py",
            "--format",
            "json",
        ],
    ));
    assert_eq!(texts(&named), ["alias.py:1:32 gpt2"]);
    assert_eq!(
        skipped(&named),
        ["escape.py symlink-outside-root", "pipe.py not-regular-file"]
    );
}

#[test]
fn verbose_table_lists_skipped_files_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "binary.py", b"\0");
    write(
        dir.path(),
        "ok.py",
        b"m = AutoModel.from_pretrained(\"acme/support-bot\")\n",
    );
    let output = modelgate(dir.path(), &["list", "-v"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "LOCATION    KIND  CONTEXT          REFERENCE         LICENSE\n\
         ok.py:1:32  code  from_pretrained  acme/support-bot  -\n"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "skipped binary.py: binary file (NUL byte in the first 8 KiB)\n1 reference in 1 file scanned; 1 file skipped\n"
    );
}

#[test]
fn extensionless_scripts_are_classified_by_their_shebang() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bin/train",
        b"#!/usr/bin/env python3\nAutoModel.from_pretrained(\"gpt2\")\n",
    );
    write(
        dir.path(),
        "LICENSE",
        b"AutoModel.from_pretrained(\"gpt2\")\n",
    );
    let out = json(&modelgate(dir.path(), &["list", "--format", "json"]));
    assert_eq!(texts(&out), ["bin/train:2:28 gpt2"]);
}

#[test]
fn output_is_byte_identical_across_thread_counts() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/refs");
    let corpus = corpus.to_str().unwrap();
    let run = |threads: &str| {
        let output = modelgate(
            Path::new("."),
            &[
                "list",
                corpus,
                "--include-docs",
                "--format",
                "json",
                "--threads",
                threads,
            ],
        );
        assert_eq!(output.status.code(), Some(0));
        output.stdout
    };
    let one = run("1");
    assert!(one.len() > 1000);
    for _ in 0..3 {
        assert_eq!(run("8"), one);
    }
}

#[test]
fn unknown_models_resolve_from_the_local_hugging_face_cache() {
    let cache = tempfile::tempdir().unwrap();
    let repo = cache.path().join("models--acme--support-bot");
    write(&repo, "refs/main", b"abc123\n");
    write(
        &repo,
        "snapshots/abc123/README.md",
        b"---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-3B-Instruct\n---\n# card\n",
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        b"m = AutoModel.from_pretrained(\"acme/support-bot\")\n",
    );
    let run = |flag: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modelgate"));
        command
            .current_dir(dir.path())
            .args(["list", "--format", "json"])
            .env("HF_HUB_CACHE", cache.path());
        if flag {
            command.arg("--hf-cache");
        }
        json(&command.output().unwrap())
    };
    let without = run(false);
    assert_eq!(without["references"][0]["license"], serde_json::Value::Null);
    let with = run(true);
    let r = &with["references"][0];
    assert_eq!(
        (r["license"].as_str(), r["license_source"].as_str()),
        (Some("qwen-research"), Some("hf-cache"))
    );
    assert_eq!(
        r["lineage"],
        serde_json::json!([
            "acme/support-bot",
            "Qwen/Qwen2.5-3B-Instruct",
            "qwen-research"
        ])
    );
}

#[test]
fn weight_files_are_references_identified_by_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "models/bot/model-00001-of-00002.safetensors",
        b"\x08\0\0\0\0\0\0\0{}      ",
    );
    write(
        dir.path(),
        "models/bot/config.json",
        b"{\"_name_or_path\": \"mistralai/Mistral-7B-v0.1\", \"model_type\": \"mistral\"}",
    );
    write(dir.path(), "models/vision/model.onnx", b"\x08\x07onnx");
    write(
        dir.path(),
        "models/vision/README.md",
        b"---\nlicense: mit\n---\n# vision\n",
    );
    write(dir.path(), "data/cache.bin", b"\0\0\0 not a model");
    write(dir.path(), "models/tts/voice.tflite", b"TFL3");
    write(dir.path(), "models/tts/LICENSE", b"Llama 3.2 Community License Agreement\n\nLlama 3.2 Version Release Date: September 25, 2024\n");
    write(
        dir.path(),
        "models/lfs/model.safetensors",
        b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n",
    );
    let out = json(&modelgate(dir.path(), &["list", "--format", "json"]));
    let artifacts: Vec<(String, String, String, String)> = out["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "artifact")
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
            (s("path"), s("context"), s("license"), s("license_source"))
        })
        .collect();
    assert_eq!(
        artifacts,
        [
            (
                "models/bot/model-00001-of-00002.safetensors".into(),
                "safetensors".into(),
                "apache-2.0".into(),
                "config-json".into()
            ),
            (
                "models/tts/voice.tflite".into(),
                "tflite".into(),
                "llama3.2".into(),
                "license-file".into()
            ),
            (
                "models/vision/model.onnx".into(),
                "onnx".into(),
                "mit".into(),
                "model-card".into()
            ),
        ]
    );
    assert_eq!(skipped(&out), ["models/lfs/model.safetensors lfs-pointer"]);
}

/// Gemini through Vertex AI is a Google Cloud service: the `vertexai` SDK,
/// LangChain's ChatVertexAI, a `vertex_ai/` route and a publisher path give
/// Google Cloud's terms; the same name through the Gemini API SDK keeps the
/// Gemini API's.
#[test]
fn gemini_in_a_vertex_place_falls_under_google_clouds_terms() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("app.py"),
        "from vertexai.generative_models import GenerativeModel\n\
         from langchain_google_vertexai import ChatVertexAI\n\
         import google.generativeai as genai\n\
         import litellm\n\
         vertex = GenerativeModel(\"gemini-1.5-pro\")\n\
         chat = ChatVertexAI(model=\"gemini-2.0-flash-001\")\n\
         routed = litellm.completion(model=\"vertex_ai/gemini-1.5-flash\", messages=[])\n\
         model_name = \"projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro\"\n\
         studio = genai.GenerativeModel(\"gemini-1.5-pro\")\n",
    )
    .unwrap();
    let value = json(&modelgate(repo.path(), &["list", ".", "--format", "json"]));
    let licences: Vec<(i64, &str, &str)> = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["provider"].as_str().unwrap_or("-"),
                r["license"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        licences,
        [
            (5, "vertex", "google-cloud-vertex-terms"),
            (6, "vertex", "google-cloud-vertex-terms"),
            (7, "vertex", "google-cloud-vertex-terms"),
            (8, "-", "google-cloud-vertex-terms"),
            (9, "google", "google-gemini-api-terms"),
        ]
    );
}

/// An open_clip architecture name does not say whose weights load: the
/// `pretrained=` tag does. With LAION's tag the reference is LAION's MIT
/// model; with another tag, or none, it stays unresolved.
#[test]
fn open_clip_architecture_and_tag_resolve_together() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("clip.py"),
        "import open_clip\n\
         a = open_clip.create_model_and_transforms(\"ViT-H-14\", pretrained=\"laion2b_s32b_b79k\")\n\
         b = open_clip.create_model(model_name=\"ViT-bigG-14\", pretrained=\"laion2b_s39b_b160k\")\n\
         c = open_clip.create_model_and_transforms(\"ViT-H-14\", pretrained=\"dfn5b\")\n\
         d = open_clip.create_model_and_transforms(\"ViT-H-14\")\n",
    )
    .unwrap();
    let value = json(&modelgate(repo.path(), &["list", ".", "--format", "json"]));
    let models: Vec<(i64, &str, &str)> = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["text"].as_str().unwrap(),
                r["model"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        models,
        [
            (2, "ViT-H-14", "laion/CLIP-ViT-H-14-laion2B-s32B-b79K"),
            (3, "ViT-bigG-14", "laion/CLIP-ViT-bigG-14-laion2B-39B-b160k"),
            (4, "ViT-H-14", "-"),
            (5, "ViT-H-14", "-"),
        ]
    );
}
