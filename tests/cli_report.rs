//! `modelgate report` end to end: every format on the report fixture, the
//! escaping of hostile names, writing to a file, exit codes. (The validators
//! and the browser that consume these outputs are in `consumers.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use base64::Engine as _;
use common::hostile_repo;
use sha2::Digest;

/// A fixed clock: 2023-11-14T22:13:20Z for the report's date, a fixed "today"
/// for waiver expiry.
const EPOCH: &str = "1700000000";

fn modelgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("MODELGATE_TODAY", "2026-11-23")
        .output()
        .expect("modelgate runs")
}

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn report(format: &str) -> (String, String, Option<i32>) {
    let output = modelgate(
        here(),
        &["report", "fixtures/repos/report", "--format", format],
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code(),
    )
}

/// The rule set's version changes with every catalog edit; snapshots hold a placeholder.
fn without_rules_version(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("+rules.") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        out.push_str("+rules.<version>");
        let end = tail[7..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .map_or(tail.len(), |i| i + 7);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn assert_snapshot(name: &str, actual: &str) {
    let path = here().join("tests/snapshots").join(name);
    let actual = without_rules_version(actual);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}", path.display()));
    if expected != actual {
        for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
            assert_eq!(e, a, "{name}: line {} differs", i + 1);
        }
        assert_eq!(expected, actual, "{name}: length differs");
    }
}

#[test]
fn markdown_report_matches_the_snapshot() {
    let (markdown, stderr, code) = report("markdown");
    assert_eq!(
        code,
        Some(0),
        "a report is written whatever it finds: {stderr}"
    );
    assert_snapshot("report.md", &markdown);
}

#[test]
fn markdown_report_groups_uses_and_shows_waivers_with_expiry() {
    let (markdown, _, _) = report("markdown");
    let lines: Vec<&str> = markdown.lines().collect();
    for expected in [
        "Generated 2023-11-14 by modelgate 0.1.0 (rule set `0.1.0+rules.<version>`), judged against the policy `modelgate.toml`.",
        "The check **fails**: 7 models in 7 references across 3 files scanned (0 skipped).",
        "| non-commercial | 2 |",
        "| unknown | 1 |",
        "| dynamic | 1 |",
        "| waived | 2 |",
        "| use | commercial |",
        "| distribution | saas |",
        "| monthly active users | 50,000 |",
        "| error | MG002 non-commercial | `src/app.py:7:48` | `chavinlo/alpaca-native` | `chavinlo/alpaca-native` may not be used commercially (licence `cc-by-nc-4.0`) |",
        "| `chavinlo/alpaca-native` | `cc-by-nc-4.0` | non-commercial | 1 | error |",
        "| `llama3.1:8b` | `llama3.1` | open-weights | 1 | note |",
        "| `acme-internal/tagger-v2` | — | unknown | 1 | ok |",
        "| `os.environ[\"CHAT_MODEL\"]` | — | dynamic | 1 | warning |",
        "  - `src/app.py:6:46` — code, `from_pretrained`, written `meta-llama/Meta-Llama-3.1-8B-Instruct`",
        "- **Lineage:** `tatsu-lab/alpaca-7b-wdiff` → `huggyllama/llama-7b`",
        "- **Lineage:** `llama3.1:8b` → `meta-llama/Llama-3.1-*`",
        "  - user-threshold: Above 700,000,000 monthly active users a separate licence from the licensor is required.",
        "| MG002 non-commercial | `research/eval.py:3:50` | exception in modelgate.toml | research notebooks are never shipped | 2099-12-31 |",
        "| MG009 unknown-model | `src/app.py:9:48` | suppression at src/app.py:9 | our own model, trained in-house | — |",
    ] {
        let expected = expected.replace("0.1.0+rules.<version>", "");
        assert!(
            lines
                .iter()
                .any(|l| without_rules_version(l).replace("0.1.0+rules.<version>", "") == expected),
            "missing line: {expected}"
        );
    }
}

#[test]
fn json_report_adds_the_inventory_to_the_check_schema() {
    let (json, _, code) = report("json");
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "modelgate/v1");
    assert_eq!(v["generated"], "2023-11-14");
    assert_eq!(v["profile"]["distribution"], "saas");
    assert_eq!(v["summary"]["errors"], 1);
    let models = v["models"].as_array().unwrap();
    let names: Vec<&str> = models.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "chavinlo/alpaca-native",
            "llama3.1:8b",
            "meta-llama/Llama-3.1-8B-Instruct",
            "openai/whisper-large-v3",
            "tatsu-lab/alpaca-7b-wdiff",
            "acme-internal/tagger-v2",
            "os.environ[\"CHAT_MODEL\"]",
        ]
    );
    let alpaca = &models[0];
    assert_eq!(alpaca["license"], "cc-by-nc-4.0");
    assert_eq!(alpaca["category"], "non-commercial");
    assert_eq!(
        alpaca["ancestors"],
        serde_json::json!(["huggyllama/llama-7b"])
    );
    assert_eq!(
        alpaca["uses"],
        serde_json::json!([{"path": "src/app.py", "line": 7, "column": 48, "text": "chavinlo/alpaca-native"}])
    );
    let codes: Vec<&str> = alpaca["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            v["findings"][i.as_u64().unwrap() as usize]["code"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(codes, ["MG002", "MG006"]);
    assert_eq!(models[6]["status"], "dynamic");
    assert_eq!(models[5]["status"], "unknown");
}

#[test]
fn notice_holds_the_required_notices_verbatim() {
    let (notice, stderr, code) = report("notice");
    assert_eq!(code, Some(0));
    assert!(notice.starts_with("THIRD-PARTY MODEL NOTICES\n"));
    let llama = notice
        .split("Llama 3.1 Community License Agreement\n")
        .nth(1)
        .expect("a Llama 3.1 block");
    assert!(llama.starts_with(
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE\n"
    ));
    assert!(llama.contains("Models:\n  llama3.1:8b\n  meta-llama/Llama-3.1-8B-Instruct\n"));
    // The notice's words, verbatim; its lines wrapped to 80 columns.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words(llama).contains("NOTICE: \"Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.\""));
    assert!(
        notice
            .lines()
            .all(|l| l.chars().count() <= 80 || !l.contains(' ')),
        "{notice}"
    );
    assert!(notice.contains("Creative Commons Attribution-NonCommercial 4.0 International\n"));
    assert!(notice.contains("  chavinlo/alpaca-native\n  tatsu-lab/alpaca-7b-wdiff\n"));
    assert!(
        stderr.contains("2 models have no known licence, so their notices are not included: acme-internal/tagger-v2, os.environ[\"CHAT_MODEL\"]"),
        "{stderr}"
    );
    assert!(stderr.contains(
        "the Llama 3.1 Community License Agreement must be shipped with the models it covers"
    ));
}

#[test]
fn cyclonedx_bom_has_models_purls_licences_lineage_and_occurrences() {
    let (json, _, code) = report("cyclonedx");
    assert_eq!(code, Some(0));
    let bom: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert!(
        bom["metadata"]["tools"]["components"][0]["properties"][0]["value"]
            .as_str()
            .unwrap()
            .contains("+rules.")
    );
    let components = bom["components"].as_array().unwrap();
    // Dynamic references name no model: six components for seven groups.
    assert_eq!(components.len(), 6);
    assert!(components
        .iter()
        .all(|c| c["type"] == "machine-learning-model"));
    let alpaca = &components[0];
    assert_eq!(alpaca["purl"], "pkg:huggingface/chavinlo/alpaca-native");
    assert_eq!(alpaca["group"], "chavinlo");
    assert_eq!(alpaca["name"], "alpaca-native");
    assert_eq!(
        alpaca["licenses"],
        serde_json::json!([{"license": {"id": "CC-BY-NC-4.0", "url": "https://creativecommons.org/licenses/by-nc/4.0/legalcode", "acknowledgement": "concluded"}}])
    );
    assert_eq!(
        alpaca["pedigree"]["ancestors"][0]["purl"],
        "pkg:huggingface/huggyllama/llama-7b"
    );
    assert_eq!(
        alpaca["evidence"]["occurrences"],
        serde_json::json!([{"location": "src/app.py", "line": 7, "symbol": "chavinlo/alpaca-native", "additionalContext": "column 48, code reference in from_pretrained"}])
    );
    let llama = components
        .iter()
        .find(|c| c["bom-ref"] == "model:meta-llama/Llama-3.1-8B-Instruct")
        .unwrap();
    // No SPDX id for a community licence: name and URL.
    assert_eq!(
        llama["licenses"][0]["license"]["name"],
        "Llama 3.1 Community License Agreement"
    );
    assert!(llama["licenses"][0]["license"].get("id").is_none());
    // An Ollama tag is no Hub repository: no purl.
    let tag = components
        .iter()
        .find(|c| c["bom-ref"] == "model:llama3.1:8b")
        .unwrap();
    assert!(tag.get("purl").is_none());
    let unknown = components
        .iter()
        .find(|c| c["bom-ref"] == "model:acme-internal/tagger-v2")
        .unwrap();
    assert!(unknown.get("licenses").is_none());
    // The same clock gives the same document, serial number included.
    let (again, _, _) = report("cyclonedx");
    assert_eq!(json, again);
    assert!(bom["serialNumber"]
        .as_str()
        .unwrap()
        .starts_with("urn:uuid:"));
}

#[test]
fn html_report_is_self_contained_and_escapes_the_repository() {
    let repo = hostile_repo();
    let output = modelgate(repo.path(), &["report", ".", "--format", "html"]);
    assert_eq!(output.status.code(), Some(0));
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No external asset of any kind.
    for external in ["src=\"http", "href=\"//", "@import", "url(", "<link"] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    // The scanned names are shown, escaped, never as markup.
    assert!(!html.contains("<img"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(html.contains("evil/&lt;script&gt;window.pwned=2&lt;/script&gt;"));
    assert!(html.contains("a&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;.py"));
    assert!(!html.contains('\u{1b}') && !html.contains('\u{7}'));
    assert!(html.contains("src/b\\u{1b}]8;;http:\\u{7}.py:2:32"));
    // The CSP admits exactly the inline style and script, by hash.
    let inline = |open: &str, close: &str| {
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find(close).unwrap();
        let digest = sha2::Sha256::digest(&html.as_bytes()[start..end]);
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}",
        inline("<style>", "</style>"),
        inline("<script>", "</script>")
    );
    assert!(html.contains(&csp), "CSP with the inline hashes");
}

#[test]
fn markdown_report_cannot_be_broken_by_the_repository() {
    let repo = hostile_repo();
    let output = modelgate(repo.path(), &["report", ".", "--format", "markdown"]);
    let markdown = String::from_utf8(output.stdout).unwrap();
    // Markup from the repository appears only inside code spans, where
    // Markdown shows it as text.
    for line in markdown.lines() {
        let outside: String = line.split('`').step_by(2).collect();
        assert!(!outside.contains('<'), "markup outside a code span: {line}");
    }
    assert!(
        markdown.contains("| `evil/<script>window.pwned=2</script>` | — | unknown | 1 | warning |")
    );
    assert!(markdown.contains("`src/b\\u{1b}]8;;http:\\u{7}.py:2:32`"));
    assert!(!markdown.contains('\u{1b}') && !markdown.contains('\u{7}'));
    // Every table row keeps its column count.
    for line in markdown.lines().filter(|l| l.starts_with("| `evil")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 6, "{line}");
    }
}

#[test]
fn report_writes_to_a_file_and_fails_cleanly_when_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let target: PathBuf = dir.path().join("models.html");
    let output = modelgate(
        here(),
        &[
            "report",
            "fixtures/repos/report",
            "--format",
            "html",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.ends_with("</html>\n"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );

    let missing = dir.path().join("no/such/dir/report.md");
    let output = modelgate(
        here(),
        &[
            "report",
            "fixtures/repos/report",
            "-o",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write to"));
}

#[test]
fn report_stops_on_a_broken_policy() {
    let output = modelgate(here(), &["report", "fixtures/repos/broken-policy"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

/// The EU clause of the Llama 3.2 licence covers its multimodal models only:
/// the vision model, and a Bedrock id served from it, carry the `territory`
/// obligation; the 3B text model under the same licence does not.
#[test]
fn the_eu_clause_is_an_obligation_of_multimodal_llama_models_only() {
    let repo = tempfile::tempdir().unwrap();
    common::write(
        repo.path(),
        "app.py",
        b"from transformers import AutoModel\n\
          text = AutoModel.from_pretrained(\"meta-llama/Llama-3.2-3B-Instruct\")\n\
          vision = AutoModel.from_pretrained(\"meta-llama/Llama-3.2-11B-Vision-Instruct\")\n\
          import boto3\n\
          boto3.client(\"bedrock-runtime\").converse(modelId=\"meta.llama3-2-90b-instruct-v1:0\", messages=[])\n",
    );
    let output = modelgate(repo.path(), &["report", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let kinds = |name: &str| -> Vec<String> {
        let model = v["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {}", v["models"]));
        model["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let has_territory = |name: &str| kinds(name).iter().any(|k| k == "territory");
    assert!(!has_territory("meta-llama/Llama-3.2-3B-Instruct"));
    assert!(has_territory("meta-llama/Llama-3.2-11B-Vision-Instruct"));
    assert!(has_territory("meta.llama3-2-90b-instruct-v1:0"));
    // The rest of the licence's obligations stay with the text model.
    assert!(kinds("meta-llama/Llama-3.2-3B-Instruct")
        .iter()
        .any(|k| k == "user-threshold"));
}

/// The BOM names the scanned project (Cargo.toml, pyproject.toml or
/// package.json, else the folder) and each catalog model's licensor.
#[test]
fn cyclonedx_names_the_project_and_each_models_licensor() {
    let bom = |repo: &Path| -> serde_json::Value {
        let output = modelgate(repo, &["report", ".", "--format", "cyclonedx"]);
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let pyproject = bom(&here().join("fixtures/repos/pyproject"));
    assert_eq!(
        pyproject["metadata"]["component"],
        serde_json::json!({"type": "application", "bom-ref": "root", "name": "notebook-lab", "version": "0.1.0"})
    );

    let repo = tempfile::tempdir().unwrap();
    common::write(
        repo.path(),
        "app.py",
        b"from openai import OpenAI\nOpenAI().chat.completions.create(model=\"gpt-4o\", messages=[])\nAutoModel.from_pretrained(\"TheBloke/Llama-2-7B-Chat-GGUF\")\n",
    );
    common::write(
        repo.path(),
        "package.json",
        br#"{"name": "chat-app", "version": "2.1.0"}"#,
    );
    let v = bom(repo.path());
    assert_eq!(v["metadata"]["component"]["name"], "chat-app");
    assert_eq!(v["metadata"]["component"]["version"], "2.1.0");
    let suppliers: Vec<(String, String)> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["supplier"]["name"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert_eq!(
        suppliers,
        [
            ("Llama-2-7B-Chat-GGUF".to_string(), "meta-llama".to_string()),
            ("gpt-4o".to_string(), "OpenAI".to_string()),
        ]
    );
    // Cargo.toml comes first; a malformed one is passed over for the next.
    common::write(
        repo.path(),
        "Cargo.toml",
        b"[package]\nname = \"chat-core\"\nversion = \"0.3.0\"\n",
    );
    assert_eq!(
        bom(repo.path())["metadata"]["component"]["name"],
        "chat-core"
    );
    common::write(repo.path(), "Cargo.toml", b"[package\nname = ");
    assert_eq!(
        bom(repo.path())["metadata"]["component"]["name"],
        "chat-app"
    );
    std::fs::remove_file(repo.path().join("package.json")).unwrap();
    let folder = repo
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let v = bom(repo.path());
    assert_eq!(v["metadata"]["component"]["name"], folder.as_str());
    assert!(v["metadata"]["component"].get("version").is_none());
}

/// A name the catalog knows by a family's pattern is named as written, the
/// family in a note (never "`meta-llama/Llama-3.1-*` requires attribution").
#[test]
fn findings_name_what_was_written_and_note_the_family() {
    let output = modelgate(
        here(),
        &["check", "fixtures/repos/report", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "deploy/Modelfile" && f["code"] == "MG006")
        .expect("MG006 on the Modelfile");
    assert_eq!(
        finding["message"],
        "`llama3.1:8b` requires attribution (licence `llama3.1`)"
    );
    assert_eq!(
        finding["notes"][0],
        "`llama3.1:8b` is of the catalog's family `meta-llama/Llama-3.1-*`"
    );
}
