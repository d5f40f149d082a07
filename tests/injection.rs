//! Names from a scanned repository never reach a terminal or a log as
//! control characters: file names with an ANSI colour sequence, an OSC 8
//! hyperlink, BEL, CR and LF, and GitHub workflow-command syntax, in every
//! output format. Human, short, table and github output show them escaped;
//! JSON and SARIF stay valid and keep the name exact (JSON) or percent-encoded
//! (SARIF). (HTML and Markdown reports: tests/cli_report.rs.)

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};

/// An ANSI colour, an OSC 8 hyperlink opener with BEL, a CR and a LF.
const EVIL: &str = "e\u{1b}[31mvil\u{1b}]8;;http:x.test\u{7}\r\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("src")).unwrap();
    // MG002 (non-commercial) in a file with the hostile name.
    std::fs::write(
        root.join(format!("src/{EVIL}.py")),
        "m = AutoModel.from_pretrained(\"chavinlo/alpaca-native\")\n",
    )
    .unwrap();
    // Workflow-command syntax in a file name.
    std::fs::write(
        root.join("src/a,b:c%0A::error title=x::pwned.py"),
        "m = AutoModel.from_pretrained(\"chavinlo/alpaca-native\")\n",
    )
    .unwrap();
    // Escape sequences in the quoted source line itself.
    std::fs::write(
        root.join("src/content.py"),
        "m = AutoModel.from_pretrained(\"chavinlo/alpaca-native\")  # \u{1b}[2J\u{1b}]8;;http:x\u{7}\rX\n",
    )
    .unwrap();
    // Escape sequences and quotes in a model id (which is then no model id).
    std::fs::write(
        root.join("src/model_id.py"),
        "m = AutoModel.from_pretrained(\"org/x\u{1b}]8;;http:y\u{7}\\\"<script>\")\n",
    )
    .unwrap();
    // A skipped file with the hostile name (binary), for -v.
    std::fs::write(root.join(format!("{EVIL}.json")), b"{\"model\": \"x\"}\0").unwrap();
    dir
}

fn modelgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("modelgate runs")
}

fn assert_no_control_characters(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, line) in text.lines().enumerate() {
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{what}, line {}: raw control character in {line:?}",
            i + 1
        );
    }
    assert!(!text.contains('\r'), "{what}: raw CR");
}

#[test]
fn human_short_and_table_output_show_control_characters_escaped() {
    let dir = repo();
    for args in [
        &["check", ".", "--color", "never", "-v"][..],
        &["check", ".", "--format", "short", "-v"],
        &["list", ".", "-v"],
    ] {
        let output = modelgate(dir.path(), args);
        assert!(matches!(output.status.code(), Some(0 | 1)), "{args:?}");
        let what = format!("{args:?}");
        assert_no_control_characters(&format!("{what} stdout"), &output.stdout);
        assert_no_control_characters(&format!("{what} stderr"), &output.stderr);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            all.contains("e\\u{1b}[31mvil\\u{1b}]8;;http:x.test\\u{7}\\r\\n.py"),
            "{what}: the name is shown escaped:\n{all}"
        );
        assert!(
            all.contains("e\\u{1b}[31mvil\\u{1b}]8;;http:x.test\\u{7}\\r\\n.json"),
            "{what}: the skipped file is listed escaped:\n{all}"
        );
    }
}

#[test]
fn github_workflow_commands_cannot_be_split_or_forged() {
    let dir = repo();
    let output = modelgate(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    assert_no_control_characters("github", &output.stdout);
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // One command per finding, nothing else.
    assert!(lines.iter().all(|l| l.starts_with("::")), "{text}");
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), 3, "{text}");
    // Properties escape `,` and `:` (and `%`), data escapes CR and LF.
    assert!(
        errors.iter().any(|l| l.starts_with(
            "::error file=src/a%2Cb%3Ac%250A%3A%3Aerror title=x%3A%3Apwned.py,line=1,col=32,title=MG002 non-commercial::"
        )),
        "{text}"
    );
    assert!(
        errors.iter().any(|l| l
            .contains("file=src/e\\u{1b}[31mvil\\u{1b}]8;;http%3Ax.test\\u{7}%0D%0A.py,line=1")),
        "{text}"
    );
}

#[test]
fn json_and_sarif_stay_valid_and_keep_the_names() {
    let dir = repo();
    let output = modelgate(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let evil_path = format!("src/{EVIL}.py");
    assert!(paths.contains(&evil_path.as_str()), "{paths:?}");
    // serde_json writes control characters as \u escapes: the raw bytes never appear.
    assert!(!output.stdout.contains(&0x1b) && !output.stdout.contains(&0x07));

    let output = modelgate(
        dir.path(),
        &["check", ".", "--format", "sarif", "--include-info"],
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("valid SARIF JSON");
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"src/e%1B%5B31mvil%1B%5D8%3B%3Bhttp%3Ax.test%07%0D%0A.py"),
        "{uris:?}"
    );
    assert!(uris.iter().all(|u| u
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b))));
}
