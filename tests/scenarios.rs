//! `modelgate check` on the scenario repositories of `fixtures/repos/`: each
//! states its expected findings inline (`# expect: MG002 MG006`, or `// expect:`, on the line a
//! finding points at, in code and in the policy file); a harness compares the
//! set of (file, line, code) with what `check --format json` reports, so both
//! missing and extra findings fail. Exit codes are asserted per scenario.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name)
}

fn check(name: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .arg("check")
        .arg(scenario(name))
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("modelgate runs")
}

fn json(name: &str) -> (Value, i32) {
    let output = check(name, &["--format", "json"]);
    let code = output.status.code().expect("exit code");
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&output.stderr)));
    (value, code)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// (path relative to the scenario, line, code) of every `expect:` marker.
fn expected(name: &str) -> BTreeSet<(String, u64, String)> {
    let root = scenario(name);
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut set = BTreeSet::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // A sidecar `<binary file>.expect` lists `LINE CODE…` for a file without comments.
        if let Some(target) = relative.strip_suffix(".expect") {
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            {
                let mut words = line.split_whitespace();
                let line_no: u64 = words.next().unwrap().parse().unwrap();
                for code in words {
                    set.insert((target.to_string(), line_no, code.to_string()));
                }
            }
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let marker = line.find("# expect: ").map(|at| at + "# expect: ".len());
            let marker =
                marker.or_else(|| line.find("// expect: ").map(|at| at + "// expect: ".len()));
            if let Some(at) = marker {
                for code in line[at..].split_whitespace() {
                    set.insert((relative.clone(), n as u64 + 1, code.to_string()));
                }
            }
        }
    }
    set
}

fn reported(value: &Value) -> BTreeSet<(String, u64, String)> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("waived").is_none())
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_scenario(name: &str, exit: i32) -> Value {
    let (value, code) = json(name);
    let expected = expected(name);
    let reported = reported(&value);
    assert_eq!(
        (
            reported.difference(&expected).collect::<Vec<_>>(),
            expected.difference(&reported).collect::<Vec<_>>()
        ),
        (vec![], vec![]),
        "{name}: (extra findings, missing findings)"
    );
    assert_eq!(code, exit, "{name}: exit code");
    value
}

#[test]
fn commercial_product_fails_with_every_licence_code() {
    let value = assert_scenario("commercial", 1);
    assert_eq!(value["policy"], "modelgate.toml");
    assert_eq!(value["summary"]["errors"], 7);
}

#[test]
fn the_research_twin_passes() {
    assert_scenario("research", 0);
}

#[test]
fn user_thresholds_on_both_sides_of_700_million() {
    assert_scenario("users-below", 0);
    assert_scenario("users-above", 1);
}

/// One reference, one error: a research-only licence used commercially is
/// MG003, with the commercial-use verdict (MG002) as its note.
#[test]
fn a_research_only_model_used_commercially_is_one_error() {
    let (value, _) = json("denied");
    let on_line_2: Vec<&Value> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "app.py" && f["line"] == 2 && f["severity"] == "error")
        .collect();
    assert_eq!(on_line_2.len(), 1, "{on_line_2:?}");
    assert_eq!(on_line_2[0]["code"], "MG003");
    assert_eq!(
        on_line_2[0]["notes"][0],
        "Mistral AI Research License (MRL-0.1) does not grant commercial use either (MG002)"
    );
}

#[test]
fn a_monthly_revenue_limit_is_passed_above_twelve_months_of_it() {
    let (value, _) = json("revenue-monthly-above");
    let finding = &value["findings"][0];
    assert_eq!(
        finding["message"],
        "`mistralai/Devstral-2-123B-Instruct-2512` allows at most USD 20,000,000 revenue in a month (licence `mistral-modified-mit`)"
    );
    assert_eq!(
        finding["notes"][1],
        "more than twelve months at USD 20,000,000: at least one month is above the limit"
    );
    assert_scenario("revenue-monthly-above", 1);
    assert_scenario("revenue-monthly-below", 0);
}

#[test]
fn waivers_apply_expire_and_go_unused() {
    let value = assert_scenario("waivers", 1);
    let waived: Vec<(String, String)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f.get("waived").map(|w| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    w["reason"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    assert_eq!(
        waived,
        [
            (
                "research/eval.py".to_string(),
                "research notebooks are never shipped".to_string()
            ),
            (
                "src/app.py".to_string(),
                "licensed separately from the authors, contract 2026-04".to_string()
            ),
        ]
    );
}

#[test]
fn denied_licences_categories_and_models() {
    assert_scenario("denied", 1);
}

#[test]
fn pyproject_tool_section_is_discovered() {
    let value = assert_scenario("pyproject", 1);
    assert_eq!(value["policy"], "pyproject.toml");
}

#[test]
fn osi_approved_only() {
    assert_scenario("osi-only", 1);
}

#[test]
fn a_broken_policy_is_a_diagnostic_with_a_span_and_exit_2() {
    let output = check("broken-policy", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: unknown licence `cc-by-nc`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken-policy/modelgate.toml:6:9"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `cc-by-nc-4.0`?"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_broken_rules_file_is_a_diagnostic_with_a_span_and_exit_2() {
    let output = check("broken-rules", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: model `acme/support-bot` names unknown licence `apache2`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken-rules/rules/extra.toml:4:11"),
        "{stderr}"
    );
}

#[test]
fn human_output_labels_the_reference_and_the_policy_line() {
    let output = check("users-above", &["--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    // Findings are the check's output: stdout, with nothing on stderr.
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The code's location as the root was given (here absolute), like the policy's.
    let root = scenario("users-above");
    let expected = format!(
        "\
error[MG004]: `meta-llama/Llama-3.1-8B-Instruct` allows at most 700,000,000 monthly active users without a separate licence (licence `llama3.1`)
  ┌─ {}/app.py:1:47
  │
1 │ model = AutoModelForCausalLM.from_pretrained(\"meta-llama/Llama-3.1-8B-Instruct\")  # expect: MG004 MG006
  │                                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ from_pretrained (code)
  │
  ┌─ ",
        root.display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert!(stdout.contains("modelgate.toml:5:24\n  │\n5 │ monthly_active_users = 700_000_001\n  │                        ----------- declared here"), "{stdout}");
    assert!(
        stdout.contains("= the project declares 700,000,001 monthly active users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("= help: request a licence from the licensor"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!(
            "1 error, 0 warnings, 1 note (0 waived) in 1 reference; 1 file scanned, 0 skipped; policy: {}/modelgate.toml\n",
            root.display()
        )),
        "{stdout}"
    );
}

#[test]
fn short_output_is_one_line_per_finding() {
    let output = check("users-above", &["--format", "short"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "app.py:1:47: error[MG004] `meta-llama/Llama-3.1-8B-Instruct` allows at most 700,000,000 monthly active users without a separate licence (licence `llama3.1`)\n\
         app.py:1:47: note[MG006] `meta-llama/Llama-3.1-8B-Instruct` requires attribution (licence `llama3.1`)\n"
    );
}

#[test]
fn severity_overrides_and_deny_warnings() {
    let (value, code) = json("research");
    assert_eq!((code, value["summary"]["warnings"].as_u64()), (0, Some(2)));
    let output = check("research", &["--format", "json", "--deny-warnings"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "warnings fail the check with --deny-warnings"
    );
}

#[test]
fn findings_json_snapshot() {
    let (value, _) = json("commercial");
    let findings = serde_json::to_string_pretty(&value["findings"]).unwrap() + "\n";
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/commercial-findings.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &findings).unwrap();
    }
    let snapshot =
        std::fs::read_to_string(&path).expect("snapshot exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        findings, snapshot,
        "findings changed; review and rerun with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn check_output_is_identical_across_thread_counts() {
    let run =
        |threads: &str| check("commercial", &["--format", "json", "--threads", threads]).stdout;
    let one = run("1");
    assert_eq!(run("8"), one);
}

#[test]
fn relicensed_models_are_judged_by_the_pinned_date() {
    let value = assert_scenario("relicensed", 1);
    let notes = value["findings"][0]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().starts_with(
            "relicensed: tii-falcon-llm until 2023-06-01; judged by `tii-falcon-llm`"
        )),
        "{notes:?}"
    );
}

#[test]
fn a_fine_tune_folder_inherits_its_base_licence_through_its_model_card() {
    let value = assert_scenario("fine-tune", 1);
    let bot = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["text"] == "models/support-bot")
        .expect("the folder reference");
    assert_eq!(bot["license"], "llama2");
    assert_eq!(bot["license_source"], "model-card");
    assert_eq!(
        bot["lineage"],
        serde_json::json!([
            "models/support-bot",
            "meta-llama/Llama-2-7b-chat-hf",
            "llama2"
        ])
    );
    let gguf = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "artifact")
        .expect("the GGUF file");
    assert_eq!(
        (gguf["license"].as_str(), gguf["license_source"].as_str()),
        (Some("cc-by-nc-4.0"), Some("gguf-header"))
    );
    let skipped = value["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        (skipped[0]["path"].as_str(), skipped[0]["reason"].as_str()),
        (
            Some("models/llama-2-7b-chat.Q8_0.gguf"),
            Some("lfs-pointer")
        )
    );
    let card = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "model-card")
        .expect("the card's base_model");
    assert_eq!(card["path"], "models/support-bot/README.md");
    assert_eq!(card["context"], "base_model");
}

#[test]
fn a_clarification_sets_a_local_folder_licence_and_goes_stale_with_its_file() {
    let value = assert_scenario("clarified", 1);
    let bot = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["text"] == "models/bot")
        .unwrap();
    assert_eq!(
        (bot["license"].as_str(), bot["license_source"].as_str()),
        (Some("apache-2.0"), Some("clarified"))
    );
    let output = check("clarify-stale", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: stale [[clarify]]: the file it was made for has changed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("clarify-stale/modelgate.toml:11:10"),
        "{stderr}"
    );
}

/// With -v, waived findings are listed in the human and short formats too,
/// marked as waived, with the waiver and its reason.
#[test]
fn waived_findings_are_marked_with_their_reason() {
    let short = check("waivers", &["--format", "short", "-v"]);
    let stdout = String::from_utf8(short.stdout).unwrap();
    assert!(
        stdout.contains("src/app.py:3:48: waived[MG002] `tatsu-lab/alpaca-7b-wdiff` may not be used commercially (licence `cc-by-nc-4.0`) (waived by suppression at src/app.py:2: licensed separately from the authors, contract 2026-04)\n"),
        "{stdout}"
    );
    let quiet = check("waivers", &["--format", "short"]);
    assert!(!String::from_utf8(quiet.stdout).unwrap().contains("waived["));
    let human = check("waivers", &["-v", "--color", "never"]);
    let stdout = String::from_utf8(human.stdout).unwrap();
    assert!(
        stdout.contains(
            "note[MG002]: waived: `tatsu-lab/alpaca-7b-wdiff` may not be used commercially"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("= waived by suppression at src/app.py:2: licensed separately from the authors, contract 2026-04"),
        "{stdout}"
    );
}
