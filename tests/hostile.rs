//! A hostile repository, built by the test: binary files with model-like
//! strings, Latin-1 and UTF-16 text, unterminated strings, JSON and YAML
//! nested 100,000 deep, a YAML alias bomb, malformed JSON/TOML/notebooks, a
//! 50 MB file, a 10 MB line, an empty file, a FIFO named `x.py`, symlink
//! loops, a symlink to a folder outside the root, odd file names — and among
//! them ordinary files (CRLF, BOM) with real references. The run must end
//! (a child with a deadline), exit 0 or 1, report exactly the legitimate
//! references at their lines, record every skipped file with its reason,
//! and never read outside the root.

#![cfg(unix)]

use std::collections::BTreeMap;
mod common;

use common::{skipped, write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Long enough for a loaded CI machine; a hang is what it catches.
const DEADLINE: Duration = Duration::from_secs(120);

fn hostile_tree(root: &Path, outside: &Path) {
    // Ordinary files with real references.
    write(
        root,
        "src/app.py",
        b"from transformers import AutoModel\r\n\r\nm = AutoModel.from_pretrained(\"gpt2\")\r\n",
    );
    write(
        root,
        "src/bom.py",
        b"\xEF\xBB\xBFm = AutoModel.from_pretrained(\"mistralai/Mistral-7B-v0.1\")\n",
    );
    write(
        root,
        "src/with space.py",
        b"m = AutoModel.from_pretrained(\"bert-base-uncased\")\n",
    );
    write(
        root,
        "src/\u{fc}n\u{ef}c\u{f8}d\u{e9}.py",
        b"m = AutoModel.from_pretrained(\"distilbert-base-uncased\")\n",
    );
    write(
        root,
        "src/new\nline.py",
        b"m = AutoModel.from_pretrained(\"roberta-base\")\n",
    );
    // An unterminated string ends at its line; an unterminated triple quote
    // swallows the rest of the file.
    write(
        root,
        "src/unterminated.py",
        b"x = \"never closed\nm = AutoModel.from_pretrained(\"t5-small\")\ns = \"\"\"open\nn = AutoModel.from_pretrained(\"gpt2-xl\")\n",
    );
    write(root, "src/empty.py", b"");
    // A reference at the end of a 10 MB line.
    let mut long = b"x = \"".to_vec();
    long.extend(std::iter::repeat_n(b'a', 10 << 20));
    long.extend_from_slice(b"\"; m = AutoModel.from_pretrained(\"gpt2-medium\")\n");
    write(root, "src/long_line.py", &long);
    // 50 MB: over the default --max-file-size.
    let big: Vec<u8> = b"# filler line of a very large generated file\n"
        .iter()
        .copied()
        .cycle()
        .take(50 << 20)
        .collect();
    write(root, "src/big.py", &big);

    // Binary files with model-like strings.
    write(
        root,
        "weights.py",
        b"\x00\x01from_pretrained(\"meta-llama/Llama-2-7b-hf\")\x00",
    );
    write(
        root,
        "config/blob.json",
        b"{\"model\": \"gpt-4o\"}\x00\x00\x00",
    );
    // Not UTF-8.
    write(
        root,
        "src/latin1.py",
        b"# caf\xE9\nm = AutoModel.from_pretrained(\"gpt2\")\n",
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "m = AutoModel.from_pretrained(\"gpt2\")\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    write(root, "src/utf16.py", &utf16);

    // Deep nesting and an alias bomb: no stack overflow, no expansion.
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    write(root, "config/deep.json", deep_json.as_bytes());
    let deep_yaml = format!(
        "model: gpt-4o\nk: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    write(root, "config/deep.yaml", deep_yaml.as_bytes());
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
        ));
    }
    bomb.push_str("model: meta-llama/Llama-2-7b-chat-hf\n");
    write(root, "config/bomb.yaml", bomb.as_bytes());

    // Malformed files: what comes before the break is still read.
    write(
        root,
        "config/broken.json",
        b"{\"model\": \"google/flan-t5-base\", \"x\": [1, 2,",
    );
    write(
        root,
        "config/broken.toml",
        b"model = \"google/flan-t5-large\"\n[unclosed\n",
    );
    write(
        root,
        "notebooks/broken.ipynb",
        b"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"from_pretrained(",
    );

    // A FIFO named like a Python file: never opened (opening it would block).
    let fifo = root.join("x.py");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // Symlink loops, and a link to a folder outside the root.
    std::os::unix::fs::symlink("loop_b.py", root.join("loop_a.py")).unwrap();
    std::os::unix::fs::symlink("loop_a.py", root.join("loop_b.py")).unwrap();
    std::fs::create_dir_all(root.join("nest")).unwrap();
    std::os::unix::fs::symlink("..", root.join("nest/up")).unwrap();
    std::os::unix::fs::symlink(outside, root.join("outside")).unwrap();
    write(
        outside,
        "secret.py",
        b"m = AutoModel.from_pretrained(\"outside/never-read\")\n",
    );
}

/// Runs modelgate with a deadline; returns (exit code, stdout, time taken).
fn run_with_deadline(root: &Path, extra: &[&str]) -> (i32, Vec<u8>, Duration) {
    let started = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelgate"));
    command
        .current_dir(root)
        .args(["check", ".", "--format", "json"])
        .args(extra)
        .env("NO_COLOR", "1");
    let output = common::output_with_deadline(command, DEADLINE);
    (
        output.status.code().unwrap_or(-1),
        output.stdout,
        started.elapsed(),
    )
}

fn references(json: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_hostile_repository_costs_its_bad_files_never_the_run() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    hostile_tree(root.path(), outside.path());

    let (code, stdout, _) = run_with_deadline(root.path(), &[]);
    assert!(matches!(code, 0 | 1), "exit {code}");
    let json: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
    let found = references(&json);
    let expected: Vec<(String, u64, u64, String)> = [
        ("config/bomb.yaml", 10, 8, "meta-llama/Llama-2-7b-chat-hf"),
        ("config/broken.json", 1, 12, "google/flan-t5-base"),
        ("config/broken.toml", 1, 10, "google/flan-t5-large"),
        ("config/deep.yaml", 1, 8, "gpt-4o"),
        ("src/app.py", 3, 32, "gpt2"),
        ("src/bom.py", 1, 32, "mistralai/Mistral-7B-v0.1"),
        ("src/new\nline.py", 1, 32, "roberta-base"),
        ("src/unterminated.py", 2, 32, "t5-small"),
        ("src/with space.py", 1, 32, "bert-base-uncased"),
        (
            "src/\u{fc}n\u{ef}c\u{f8}d\u{e9}.py",
            1,
            32,
            "distilbert-base-uncased",
        ),
    ]
    .iter()
    .map(|(p, l, c, t)| (p.to_string(), *l, *c, t.to_string()))
    .collect();
    let skips = skipped(&json);
    assert_eq!(found, expected, "skipped: {skips:?}");
    assert!(
        !String::from_utf8_lossy(&stdout).contains("outside/never-read"),
        "read a file outside the root"
    );

    let expected_skips: BTreeMap<String, String> = [
        ("config/blob.json", "binary"),
        ("config/broken.json", "malformed"),
        ("config/broken.toml", "malformed"),
        ("config/deep.yaml", "malformed"),
        ("loop_a.py", "symlink-loop"),
        ("loop_b.py", "symlink-loop"),
        ("notebooks/broken.ipynb", "malformed"),
        ("outside", "symlink-outside-root"),
        ("src/big.py", "too-large"),
        ("src/latin1.py", "not-utf8"),
        ("src/long_line.py", "too-large"),
        ("src/utf16.py", "not-utf8"),
        ("weights.py", "binary"),
        ("x.py", "not-regular-file"),
    ]
    .iter()
    .map(|(p, r)| (p.to_string(), r.to_string()))
    .collect();
    assert_eq!(skips, expected_skips);
    assert_eq!(
        json["summary"]["files_skipped"].as_u64().unwrap() as usize,
        expected_skips.len()
    );

    // With a higher size limit the 50 MB file and the 10 MB line are read too.
    let (code, stdout, _) = run_with_deadline(root.path(), &["--max-file-size", "64MiB"]);
    assert!(matches!(code, 0 | 1), "exit {code}");
    let json: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
    let column = "x = \"".len() + (10 << 20) + "\"; m = AutoModel.from_pretrained(\"".len() + 1;
    assert!(references(&json).contains(&(
        "src/long_line.py".to_string(),
        1,
        column as u64,
        "gpt2-medium".to_string()
    )));
    let skips = skipped(&json);
    assert!(!skips.contains_key("src/big.py") && !skips.contains_key("src/long_line.py"));
    assert_eq!(skips.len(), expected_skips.len() - 2);
}
