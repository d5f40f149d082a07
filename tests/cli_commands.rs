//! `show`, `explain`, `init` and `rules check` end to end.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::scratch;

fn modelgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("modelgate runs")
}

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn show_json(model: &str) -> (serde_json::Value, Option<i32>) {
    let output = modelgate(here(), &["show", model, "--format", "json"]);
    (
        serde_json::from_slice(&output.stdout).unwrap(),
        output.status.code(),
    )
}

#[test]
fn show_prints_the_terms_and_lineage_of_the_seed_examples() {
    let (gpt, code) = show_json("gpt-3.5-turbo");
    assert_eq!(code, Some(0));
    assert_eq!(gpt["license"]["id"], "openai-api-terms");
    assert_eq!(gpt["license"]["hosted_only"], true);
    assert_eq!(gpt["license"]["category"], "proprietary");
    let (alpaca, _) = show_json("tatsu-lab/alpaca-7b-wdiff");
    assert_eq!(alpaca["license"]["id"], "cc-by-nc-4.0");
    assert_eq!(alpaca["license"]["commercial_use"], "forbidden");
    assert_eq!(
        alpaca["lineage"],
        serde_json::json!([
            "tatsu-lab/alpaca-7b-wdiff",
            "huggyllama/llama-7b",
            "cc-by-nc-4.0"
        ])
    );
    let (gguf, _) = show_json("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF");
    assert_eq!(gguf["model"]["entry"], "bartowski/Meta-Llama-3.1-*-GGUF");
    assert_eq!(gguf["model"]["matched"], "pattern");
    assert_eq!(
        gguf["lineage"],
        serde_json::json!([
            "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
            "meta-llama/Llama-3.1-8B-Instruct",
            "llama3.1"
        ])
    );
    assert_eq!(gguf["license"]["monthly_active_users_limit"], 700_000_000);
    assert_eq!(
        gguf["license"]["outputs_may_train_other_models"],
        "allowed-with-naming"
    );
}

#[test]
fn show_exits_1_for_an_unknown_model() {
    let (unknown, code) = show_json("acme/unknown-model");
    assert_eq!(code, Some(1));
    assert_eq!(unknown["model"], serde_json::Value::Null);
    let human = modelgate(here(), &["show", "acme/unknown-model"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&human.stdout)
        .starts_with("acme/unknown-model: not in the catalog"));
}

#[test]
fn show_human_output() {
    let output = modelgate(here(), &["show", "llama2:7b-chat"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("meta-llama/Llama-2-7b-chat-hf\n  catalog entry:  meta-llama/Llama-2-7b-chat-hf (matched as alias)\n"), "{stdout}");
    assert!(
        stdout.contains("  user limit:     700,000,000 monthly active users\n"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("  attribution:    Llama 2 is licensed under the LLAMA 2 Community License"),
        "{stdout}"
    );
}

#[test]
fn show_says_whether_the_eu_clause_covers_the_model() {
    let (text, _) = show_json("meta-llama/Llama-3.2-1B-Instruct");
    assert_eq!(text["license"]["territory_applies_to"], "multimodal");
    assert_eq!(text["model"]["multimodal"], false);
    assert_eq!(text["territory_applies"], false);
    let (vision, _) = show_json("meta-llama/Llama-3.2-90B-Vision-Instruct");
    assert_eq!(vision["territory_applies"], true);
    let (scout, _) = show_json("meta-llama/Llama-4-Scout-17B-16E-Instruct");
    assert_eq!(scout["territory_applies"], true);
    // Llama 3.3 has no multimodal model: the clause is in its terms, never in force.
    let (llama33, _) = show_json("llama3.3:70b");
    assert_eq!(llama33["territory_applies"], false);
    let (mit, _) = show_json("microsoft/phi-2");
    assert_eq!(mit["territory_applies"], serde_json::Value::Null);
    let human = modelgate(here(), &["show", "llama3.2:3b"]);
    let stdout = String::from_utf8(human.stdout).unwrap();
    assert!(
        stdout.contains("European Union; end users of a product that incorporates them are exempt (Acceptable Use Policy). (multimodal models only; not this model)\n"),
        "{stdout}"
    );
}

#[test]
fn explain_prints_each_code_and_rejects_unknown_ones() {
    for code in ["MG001", "mg014", "non-commercial"] {
        let output = modelgate(here(), &["explain", code]);
        assert_eq!(output.status.code(), Some(0), "{code}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("## How to fix"));
    }
    let output = modelgate(here(), &["explain", "MG099"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown code `MG099`"));
}

#[test]
fn init_writes_the_template_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = modelgate(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("modelgate.toml")).unwrap();
    assert!(written.contains("[project]\n") && written.contains("use = \"commercial\""));
    assert_eq!(
        modelgate(dir.path(), &["init"]).status.code(),
        Some(2),
        "an existing policy is kept"
    );
    std::fs::write(
        dir.path().join("app.py"),
        "m = AutoModel.from_pretrained(\"mistralai/Mistral-7B-v0.1\")\n",
    )
    .unwrap();
    let check = modelgate(dir.path(), &["check", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// `rules check DIR` holds `DIR/names.tsv` to the catalog: every name resolves
/// to licence terms and says where it was seen.
#[test]
fn rules_check_requires_the_names_list_to_resolve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("names.tsv"),
        "# names\nname\tcategory\tsource\n\
         gpt-4o\topenai\thttps://x.org/a\n\
         acme/never-heard-of\thub\thttps://x.org/b\n\
         grok-3\txai\tseen somewhere\n",
    )
    .unwrap();
    let output = modelgate(dir.path(), &["rules", "check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "error: `acme/never-heard-of` of the names list does not resolve to licence terms",
        "names.tsv:4:1",
        "not in the catalog",
        "error: malformed row in the names list",
        "names.tsv:5:1",
        "every name says where it was seen: an http(s) URL",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("`gpt-4o`"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).ends_with(": invalid\n"));
}

#[test]
fn rules_check_validates_the_repository_rules_and_user_files() {
    let output = modelgate(here(), &["rules", "check", "rules"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).ends_with(": ok\n"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("extra.toml"), "[[model]]\nid = \"acme/bot\"\nprovider = \"huggingface\"\nlicence = \"mit\"\nsource = \"https://x.org\"\n").unwrap();
    let output = modelgate(dir.path(), &["rules", "check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown field `licence`"), "{stderr}");
    assert!(stderr.contains("did you mean `license`?"), "{stderr}");
    assert!(stderr.contains("extra.toml:4:1"), "{stderr}");

    // Checkpoint files: bare names with a weights extension, sourced, one entry each.
    let entry = |id: &str, files: &str, source: &str| {
        format!("[[model]]\nid = \"{id}\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://x.org\"\nfiles = [{files}]\n{source}")
    };
    std::fs::write(
        dir.path().join("extra.toml"),
        entry("acme/a", "\"w/a.safetensors\", \"a.txt\"", "")
            + &entry(
                "acme/b",
                "\"b.ckpt\"",
                "files_source = \"https://huggingface.co/acme/b/tree/main\"\n",
            )
            + &entry(
                "acme/c",
                "\"B.CKPT\"",
                "files_source = \"https://huggingface.co/acme/c/tree/main\"\n",
            ),
    )
    .unwrap();
    let output = modelgate(dir.path(), &["rules", "check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "checkpoint file `w/a.safetensors` of `acme/a` is not a bare file name",
        "extra.toml:6:10",
        "checkpoint file `a.txt` of `acme/a` is not a bare file name",
        "checkpoint files of `acme/a`",
        "duplicate checkpoint file `b.ckpt`",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[test]
fn ambiguous_names_count_only_in_model_places() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let entry = "[[model]]\nid = \"acme/speech-large\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://x.org\"\naliases = [\"large-v9\", \"speech-xl\"]\n";
    std::fs::write(
        rules.join("extra.toml"),
        format!("{entry}ambiguous = [\"large-v9\"]\n"),
    )
    .unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("app.py"),
        "SIZES = [\"large-v9\", \"speech-xl\"]\nmodel = load_model(model_name=\"large-v9\")\n",
    )
    .unwrap();
    let output = modelgate(
        dir.path(),
        &["list", "project", "--rules", "rules", "--format", "json"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(u64, u64, &str)> = json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["text"].as_str().unwrap(),
            )
        })
        .collect();
    // The bare `large-v9` in a list is no reference; in a model place it is.
    // The unambiguous alias counts anywhere.
    assert_eq!(found, [(1, 23, "speech-xl"), (2, 32, "large-v9")]);

    // A name marked ambiguous must be one of the entry's own names.
    std::fs::write(
        rules.join("extra.toml"),
        format!("{entry}ambiguous = [\"medium\"]\n"),
    )
    .unwrap();
    let output = modelgate(dir.path(), &["rules", "check", "rules"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "`medium` is marked ambiguous but is not a name of `acme/speech-large`",
        "extra.toml:7:14",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[test]
fn a_reupload_whose_base_is_unknown_names_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("extra.toml"),
        "[[model]]\nid = \"acme-quant/*-GGUF\"\nprovider = \"huggingface\"\nbase_model = \"acme/*\"\nsource = \"https://x.org\"\n\n[[model]]\nid = \"acme/Chat-1B\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://x.org\"\n",
    )
    .unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("app.py"),
        "model = load_model(model_name=\"acme-quant/Chat-9B-GGUF\")\n",
    )
    .unwrap();
    let output = modelgate(dir.path(), &["check", "project", "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("warning[MG009]: `acme-quant/Chat-9B-GGUF` is derived from `acme/Chat-9B`, which is not in the catalog"),
        "{stdout}"
    );
    let output = modelgate(
        dir.path(),
        &["check", "project", "--rules", "rules", "--deny-warnings"],
    );
    assert_eq!(output.status.code(), Some(1));
    let output = modelgate(
        dir.path(),
        &["show", "acme-quant/Chat-9B-GGUF", "--rules", "rules"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("licence:        unknown (the lineage ends at `acme/Chat-9B`, which has no licence in the catalog)"),
        "{stdout}"
    );
}

#[test]
fn a_references_place_decides_which_entry_a_name_is() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("setup.sh"),
        "#!/bin/sh\nollama pull command-r\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("agent.py"),
        "from transformers import AutoModel\nimport litellm\n\nreply = litellm.completion(model=\"command-r\", messages=[])\nweights = AutoModel.from_pretrained(\"mistral-large-2411\")\nremote = litellm.completion(model=\"mistral-large-2411\", messages=[])\n",
    )
    .unwrap();
    let output = modelgate(dir.path(), &["list", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, u64, String, String)> = json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["model"].as_str().unwrap_or("-").to_string(),
                r["license"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    let row = |path: &str, line: u64, model: &str, license: &str| {
        (
            path.to_string(),
            line,
            model.to_string(),
            license.to_string(),
        )
    };
    assert_eq!(
        found,
        [
            row("agent.py", 4, "command-r", "cohere-api-terms"),
            row(
                "agent.py",
                5,
                "mistralai/Mistral-Large-Instruct-2411",
                "mrl"
            ),
            row("agent.py", 6, "mistral-large-2411", "mistral-api-terms"),
            row(
                "setup.sh",
                2,
                "CohereForAI/c4ai-command-r-v01",
                "c4ai-cc-by-nc-4.0"
            ),
        ]
    );
    // `show --provider` makes the same choice.
    let output = modelgate(dir.path(), &["show", "command-r", "--provider", "ollama"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("CohereForAI/c4ai-command-r-v01\n"),
        "{stdout}"
    );
    let output = modelgate(dir.path(), &["show", "command-r"]);
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("command-r\n"));
}

#[test]
fn provider_aliases_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |id: &str, scoped: &str| {
        format!("[[model]]\nid = \"{id}\"\nprovider = \"huggingface\"\nlicense = \"mit\"\naliases = [\"{id}-alias\"]\nprovider_aliases = [{scoped}]\nsource = \"https://x.org\"\n\n")
    };
    std::fs::write(
        dir.path().join("extra.toml"),
        entry(
            "acme/a",
            "{ name = \"acme/a-alias\", provider = \"ollama\" }",
        ) + &entry("acme/b", "{ name = \"chat\", provider = \"Ollama!\" }")
            + &entry("acme/c", "{ name = \"bot\", provider = \"ollama\" }")
            + &entry("acme/d", "{ name = \"BOT\", provider = \"ollama\" }"),
    )
    .unwrap();
    let output = modelgate(dir.path(), &["rules", "check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "provider alias `acme/a-alias` of `acme/a` is already one of its names",
        "provider `Ollama!` of a provider alias of `acme/b` is not a provider name",
        "duplicate provider alias `ollama:bot`",
        "extra.toml:6:30",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

/// The README states the rule set's size: the figures must be the ones
/// `rules check` counts.
#[test]
fn the_readme_counts_are_the_rule_sets() {
    let output = modelgate(here(), &["rules", "check"]);
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    // `58 licences, 713 models (639 exact ids, 74 patterns, 166 aliases), …`
    let number_before = |text: &str, word: &str| -> String {
        let at = text.find(word).unwrap_or_else(|| panic!("{word}: {text}"));
        text[..at]
            .trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .to_string()
    };
    let licences = number_before(&stdout, " licences");
    let models = number_before(&stdout, " models");
    let aliases = number_before(&stdout, " aliases");
    let readme = std::fs::read_to_string(here().join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        format!("The built-in set has {licences} licences"),
        format!("{models} catalog entries with {aliases} aliases"),
    ] {
        assert!(readme.contains(&expected), "README lacks `{expected}`");
    }
}

#[test]
fn a_missing_config_file_is_a_usage_error() {
    let output = modelgate(
        here(),
        &["check", "fixtures/demo", "--config", "no-such.toml"],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn show_search_lists_matching_entries() {
    let output = modelgate(here(), &["show", "--search", "VICUNA"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let license_of = |id: &str| {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id));
        line.and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_string)
    };
    assert_eq!(
        license_of("lmsys/vicuna-7b-v1.3").as_deref(),
        Some("llama-1-research"),
        "{stdout}"
    );
    assert_eq!(
        license_of("lmsys/vicuna-7b-v1.5").as_deref(),
        Some("llama2"),
        "{stdout}"
    );
    assert!(stdout.ends_with("11 entries\n"), "{stdout}");
    let none = modelgate(here(), &["show", "--search", "no-such-model-anywhere"]);
    assert_eq!(none.status.code(), Some(1));
    let json = modelgate(here(), &["show", "--search", "dolly", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["models"].as_array().unwrap().len(), 3);
    assert_eq!(value["models"][0]["license"], "mit");
}

#[test]
fn licenses_lists_every_family_with_its_verdict() {
    let output = modelgate(here(), &["licenses"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let llama2 = stdout.lines().find(|l| l.starts_with("llama2 ")).unwrap();
    assert!(
        llama2.contains("open-weights") && llama2.contains("conditional"),
        "{llama2}"
    );
    let json = modelgate(here(), &["licenses", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value.as_array().unwrap().len() >= 40);
}

#[test]
fn github_format_puts_errors_first_and_respects_the_annotation_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut code = String::new();
    for i in 0..12 {
        code.push_str(&format!(
            "m{i} = AutoModel.from_pretrained(\"acme/unknown-{i}\")\n"
        ));
    }
    code.push_str("bad = AutoModel.from_pretrained(\"tatsu-lab/alpaca-7b-wdiff\")\n");
    std::fs::write(dir.path().join("app.py"), code).unwrap();
    let summary = dir.path().join("summary.md");
    let output = Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir.path())
        .args(["check", ".", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("::error file=app.py,line=13,col=34,title=MG002 non-commercial::"),
        "{stdout}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("::notice title=modelgate::2 more findings are not shown"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.starts_with("## modelgate: "), "{summary}");
    assert!(
        summary.contains("| warning | MG009 | `app.py:12:34` |"),
        "{summary}"
    );
}

#[test]
fn sarif_lines_match_the_human_output_and_fingerprints_survive_line_shifts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("modelgate.toml"),
        "[project]\nuse = \"commercial\"\nmonthly_active_users = 800_000_000\n",
    )
    .unwrap();
    let code = "m = AutoModel.from_pretrained(\"meta-llama/Llama-2-7b-hf\")\n";
    std::fs::write(dir.path().join("app.py"), code).unwrap();
    let sarif = |dir: &Path| -> serde_json::Value {
        let output = modelgate(dir, &["check", ".", "--format", "sarif"]);
        assert_eq!(output.status.code(), Some(1));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let before = sarif(dir.path());
    let run = &before["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 15);
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(
            rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty())
                && rule["helpUri"].is_string()
                && rule["shortDescription"]["text"].is_string()
        );
    }
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "MG004");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    // The human output says app.py:1:32.
    let human =
        String::from_utf8(modelgate(dir.path(), &["check", ".", "--format", "short"]).stdout)
            .unwrap();
    assert!(human.starts_with("app.py:1:32: error[MG004]"), "{human}");
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(32))
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    // Info findings only with --include-info.
    assert!(run["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["level"] != "note"));
    std::fs::write(dir.path().join("app.py"), format!("import os\n\n{code}")).unwrap();
    let after = sarif(dir.path());
    let shifted = &after["runs"][0]["results"][0];
    assert_eq!(
        shifted["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(
        shifted["partialFingerprints"],
        result["partialFingerprints"]
    );
}

#[test]
fn a_baseline_hides_known_findings_and_reports_new_and_gone_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("modelgate.toml"),
        "[project]\nuse = \"commercial\"\ndistribution = \"internal\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.py"), "a = AutoModel.from_pretrained(\"tatsu-lab/alpaca-7b-wdiff\")\nb = AutoModel.from_pretrained(\"lmsys/vicuna-7b-v1.3\")\n").unwrap();
    let written = modelgate(
        dir.path(),
        &["check", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(written.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&written.stderr)
        .contains("wrote 3 findings to the baseline baseline.json"));
    // Lines shift, alpaca goes, a new non-commercial model arrives.
    std::fs::write(dir.path().join("app.py"), "import os\n\nb = AutoModel.from_pretrained(\"lmsys/vicuna-7b-v1.3\")\nc = AutoModel.from_pretrained(\"mosaicml/mpt-7b-chat\")\n").unwrap();
    let output = modelgate(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "short",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().filter(|l| l.contains("error[")).collect::<Vec<_>>(), ["app.py:4:32: error[MG002] `mosaicml/mpt-7b-chat` may not be used commercially (licence `cc-by-nc-sa-4.0`)"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 baseline entries no longer occur in baseline.json"),
        "{stderr}"
    );
    std::fs::write(dir.path().join("broken.json"), "{}").unwrap();
    assert_eq!(
        modelgate(dir.path(), &["check", ".", "--baseline", "broken.json"])
            .status
            .code(),
        Some(2)
    );
}

/// SPEC signal 6: a tiny random test model is listed with the `test-weights`
/// licence, and `check` gives it no finding (no MG009, no verdict), while an
/// unknown model beside it is still MG009.
#[test]
fn test_models_are_listed_and_never_judged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("test_load.py"),
        "from transformers import AutoModel\nAutoModel.from_pretrained(\"hf-internal-testing/tiny-random-gpt2\")\nAutoModel.from_pretrained(\"acme/unknown-chat\")\nCASES = [\"llamafactory/tiny-random-Llama-3\"]\n",
    )
    .unwrap();
    let list = modelgate(dir.path(), &["list", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let licences: Vec<(String, String)> = json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["text"].as_str().unwrap().to_string(),
                r["license"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert_eq!(
        licences,
        [
            (
                "hf-internal-testing/tiny-random-gpt2".to_string(),
                "test-weights".to_string()
            ),
            ("acme/unknown-chat".to_string(), "-".to_string()),
            (
                "llamafactory/tiny-random-Llama-3".to_string(),
                "test-weights".to_string()
            ),
        ]
    );
    let check = modelgate(
        dir.path(),
        &["check", ".", "--format", "json", "--deny-warnings"],
    );
    assert_eq!(check.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let findings: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings, [("MG009".to_string(), 3)]);
}

/// `--version` names the rule set too: the same version the outputs record.
#[test]
fn version_names_the_rule_set() {
    let version = modelgate(here(), &["--version"]);
    assert_eq!(version.status.code(), Some(0));
    let list = modelgate(here(), &["list", "fixtures/demo", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let rules = json["tool"]["rules_version"].as_str().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!(
            "modelgate {} (rule set {rules})\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// Completion scripts and the manual page come from the command line's own
/// definition (loading them in the shells and groff: tests/consumers.rs).
#[test]
fn completions_and_manpage_are_printed_on_stdout() {
    let bash = modelgate(here(), &["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    assert!(String::from_utf8(bash.stdout)
        .unwrap()
        .starts_with("_modelgate() {\n"));
    let unknown = modelgate(here(), &["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
    let man = modelgate(here(), &["manpage"]);
    assert_eq!(man.status.code(), Some(0));
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(page.contains(".TH modelgate 1"), "{page}");
    assert!(page.contains("modelgate\\-completions(1)"), "{page}");
}

/// `check -o FILE` writes the findings there, in any format, with the exit
/// code of the check; a later run never scans that file (or a baseline).
#[test]
fn check_writes_to_a_file_and_never_scans_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "m = AutoModel.from_pretrained(\"tatsu-lab/alpaca-7b-wdiff\")\n",
    )
    .unwrap();
    let human = modelgate(dir.path(), &["check", ".", "-o", "findings.txt"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(human.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("findings.txt")).unwrap();
    assert!(
        written
            .starts_with("error[MG002]: `tatsu-lab/alpaca-7b-wdiff` may not be used commercially"),
        "{written}"
    );
    assert!(!written.contains('\u{1b}'), "no colour in a file");
    // A JSON findings file names the model under a `model` key; a run that
    // writes it again does not take it for configuration.
    for _ in 0..2 {
        let json = modelgate(
            dir.path(),
            &["check", ".", "--format", "json", "-o", "findings.json"],
        );
        assert_eq!(json.status.code(), Some(1));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("findings.json")).unwrap()).unwrap();
    assert_eq!(value["summary"]["files_scanned"], 1, "{value}");
    let paths: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| *p == "app.py"), "{paths:?}");
    std::fs::remove_file(dir.path().join("findings.json")).unwrap();
    let wrote = modelgate(
        dir.path(),
        &["check", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(wrote.status.code(), Some(0));
    let listed = modelgate(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(value["summary"]["files_scanned"], 1, "{value}");
    // `list` names no own file: the baseline is scanned there, as any JSON.
    let list = modelgate(dir.path(), &["list", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(value["summary"]["files_scanned"], 2, "{value}");
}

/// The human format puts errors first, summarises info findings in one line
/// per model, and shows three findings of one code about one model before
/// counting the rest; `-v` and `--include-info` show everything; `--quiet`
/// leaves out the summary; `--min-severity` the findings below it.
#[test]
fn human_output_keeps_the_signal_and_counts_the_noise() {
    let dir = tempfile::tempdir().unwrap();
    let mut code =
        String::from("m = AutoModel.from_pretrained(\"meta-llama/Llama-2-7b-chat-hf\")\n");
    for n in 0..5 {
        code.push_str(&format!(
            "u{n} = AutoModel.from_pretrained(\"acme/unknown-chat\")\n"
        ));
    }
    code.push_str("a = AutoModel.from_pretrained(\"tatsu-lab/alpaca-7b-wdiff\")\n");
    std::fs::write(dir.path().join("app.py"), code).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["check", ".", "--color", "never"];
        all.extend_from_slice(args);
        let output = modelgate(dir.path(), &all);
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8(output.stdout).unwrap()
    };
    let headlines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with(' ') && !l.contains('│') && !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let default = run(&[]);
    assert_eq!(
        headlines(&default),
        [
            "error[MG002]: `tatsu-lab/alpaca-7b-wdiff` may not be used commercially (licence `cc-by-nc-4.0`)",
            "warning[MG009]: `acme/unknown-chat` is not in the catalog: its licence cannot be checked",
            "warning[MG009]: `acme/unknown-chat` is not in the catalog: its licence cannot be checked",
            "warning[MG009]: `acme/unknown-chat` is not in the catalog: its licence cannot be checked",
            "note: `meta-llama/Llama-2-7b-chat-hf`: user-threshold, attribution-required, use-restrictions (1 place)",
            "note: `tatsu-lab/alpaca-7b-wdiff`: attribution-required (1 place)",
            "(obligations of the models above, summarised; `--include-info` or `-v` prints them in full)",
            "1 error, 5 warnings, 4 notes (0 waived) in 7 references; 1 file scanned, 0 skipped; policy: built-in default",
        ]
    );
    assert!(
        default.contains("= 2 more like this (5 places in all); `-v` lists every one"),
        "{default}"
    );
    let verbose = run(&["-v"]);
    assert_eq!(verbose.matches("warning[MG009]").count(), 5);
    assert_eq!(verbose.matches("note[MG006]").count(), 2);
    let infos = run(&["--include-info"]);
    assert_eq!(infos.matches("warning[MG009]").count(), 3);
    assert_eq!(infos.matches("note[MG007]").count(), 1);
    assert!(!infos.contains("note: `"), "{infos}");
    let quiet = run(&["--quiet", "--min-severity", "error"]);
    assert_eq!(
        headlines(&quiet),
        ["error[MG002]: `tatsu-lab/alpaca-7b-wdiff` may not be used commercially (licence `cc-by-nc-4.0`)"]
    );
    // The printed word works as the level too.
    for level in ["warn", "warning"] {
        let short = run(&["--format", "short", "--min-severity", level]);
        assert_eq!(short.lines().count(), 6, "{short}");
        assert!(short.lines().all(|l| !l.contains("note[")), "{short}");
    }
}

/// `rules check --help` says what DIR may be.
#[test]
fn rules_check_documents_its_dir() {
    let help = modelgate(here(), &["rules", "check", "--help"]);
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(
        text.contains("[DIR]  A rule directory (`licenses/`, `models/`, `hf-licenses.toml`, and a `names.tsv` list whose every name must resolve) or rule files; without it, the built-in rule set"),
        "{text}"
    );
}

/// The README stands alone: it points at nothing outside the repository.
#[test]
fn the_readme_refers_to_nothing_outside_the_repository() {
    let readme = std::fs::read_to_string(here().join("README.md")).unwrap();
    for outside in ["../", "shared/"] {
        assert!(!readme.contains(outside), "README mentions `{outside}`");
    }
}

/// A JS template literal keeps its own backticks in a message, never doubled.
#[test]
fn a_template_literal_is_quoted_once() {
    let dir = scratch(&[(
        "a.js",
        "const v = process.env.V;\nawait openai.chat.completions.create({ model: `gpt-4o-${v}`, messages: [] });\n",
    )]);
    let output = modelgate(dir.path(), &["check", ".", "--format", "short"]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "a.js:2:47: warning[MG011] model id computed at run time: `gpt-4o-${v}`\n"
    );
}

/// Every text format says `error`, `warning` and `note` (SARIF's levels too);
/// JSON keeps the settings' spelling (`warn`, `info`), as the schema says.
#[test]
fn the_text_formats_share_one_word_per_severity() {
    let dir = scratch(&[(
        "app.py",
        "a = AutoModel.from_pretrained(\"chavinlo/alpaca-native\")\nb = AutoModel.from_pretrained(\"acme/unknown-chat\")\n",
    )]);
    let out = |args: &[&str]| {
        let output = modelgate(dir.path(), args);
        // `check` fails on the error; `report` describes and exits 0.
        assert_eq!(output.status.code(), Some(i32::from(args[0] == "check")));
        String::from_utf8(output.stdout).unwrap()
    };
    let short = out(&["check", ".", "--format", "short"]);
    assert_eq!(
        short
            .lines()
            .map(|l| l.split(' ').nth(1).unwrap())
            .collect::<Vec<_>>(),
        ["error[MG002]", "note[MG006]", "warning[MG009]"],
        "{short}"
    );
    let human = out(&["check", ".", "--include-info"]);
    for word in [
        "error[MG002]",
        "warning[MG009]",
        "note[MG006]",
        "1 error, 1 warning, 1 note",
    ] {
        assert!(human.contains(word), "{word}: {human}");
    }
    let markdown = out(&["report", ".", "--format", "markdown"]);
    for row in ["| error | 1 |", "| warning | 1 |", "| note | 1 |"] {
        assert!(markdown.contains(row), "{row}: {markdown}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&out(&["check", ".", "--format", "json"])).unwrap();
    let severities: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "info", "warn"]);
}

/// MG009 says where the licence is missing: a weight file with nothing
/// beside it, or a local model card that names none.
#[test]
fn an_unknown_licence_says_where_it_was_looked_for() {
    let dir = scratch(&[
        ("models/bot/model.safetensors", "\x08\0\0\0\0\0\0\0{}      "),
        (
            "local/m/README.md",
            "---\nlicense: other\nlicense_name: acme-1\n---\n# m\n",
        ),
        ("app.py", "AutoModel.from_pretrained(\"./local/m\")\n"),
    ]);
    let root = dir.path();
    let output = modelgate(root, &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings: Vec<(&str, &str, Vec<&str>)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                f["notes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            (
                "app.py",
                "`./local/m` has a model card, but it names no licence or base model the rule set knows: its licence cannot be checked",
                vec!["the model card local/m/README.md declares `acme-1`, which the rule set does not know"]
            ),
            (
                "models/bot/model.safetensors",
                "the weight file `model.safetensors` has no licence modelgate can find: its licence cannot be checked",
                vec!["looked in: the file's header, the base model in its folder's config.json, the folder's model card (README.md) and LICENSE file"]
            ),
        ]
    );
}

/// The README's `check` session is the output as it is today.
#[test]
fn the_readme_check_session_is_real() {
    let readme = std::fs::read_to_string(here().join("README.md")).unwrap();
    let command = "$ modelgate check fixtures/repos/users-above\n";
    let start = readme.find(command).expect("the session") + command.len();
    let end = start + readme[start..].find("$ echo $?\n").expect("its exit code");
    let output = modelgate(here(), &["check", "fixtures/repos/users-above"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        &readme[start..end]
    );
}

/// A waived finding is marked, with who waived it and why, in SARIF (a
/// suppression: in source for a comment, external for an exception) and in
/// the GitHub job summary; it is never an annotation.
#[test]
fn waived_findings_are_marked_in_sarif_and_the_github_summary() {
    let root = here().join("fixtures/repos/waivers");
    let sarif = modelgate(&root, &["check", ".", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let suppressed: Vec<(String, serde_json::Value)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["suppressions"].clone(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            (
                "research/eval.py".to_string(),
                serde_json::json!([{"kind": "external", "status": "accepted",
                    "justification": "research notebooks are never shipped (waived by exception in modelgate.toml)"}])
            ),
            (
                "src/app.py".to_string(),
                serde_json::json!([{"kind": "inSource", "status": "accepted",
                    "justification": "licensed separately from the authors, contract 2026-04 (waived by suppression at src/app.py:2)"}])
            ),
        ]
    );
    let scratch = tempfile::tempdir().unwrap();
    let summary = scratch.path().join("summary.md");
    let github = Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(&root)
        .args(["check", ".", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let annotations = String::from_utf8(github.stdout).unwrap();
    assert!(!annotations.contains("research/eval.py"), "{annotations}");
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("## modelgate: 6 findings (2 waived)\n"),
        "{summary}"
    );
    assert!(
        summary.contains("| waived | MG002 | `src/app.py:3:48` | `tatsu-lab/alpaca-7b-wdiff` may not be used commercially (licence `cc-by-nc-4.0`) (waived by suppression at src/app.py:2: licensed separately from the authors, contract 2026-04) |"),
        "{summary}"
    );
}
