//! Every output checked by the real program that consumes it: Microsoft's
//! SARIF Multitool with GitHub's ingestion rules, the strict CycloneDX 1.6
//! validator, headless Chromium on the HTML report, and pre-commit running the
//! hook in a git repository. They need programs from Debian, PyPI and npm that
//! `ci/install-consumers` installs, so a plain `cargo test` skips them
//! (`#[ignore]`) and `.ci/run` runs them with `--ignored`; a missing program
//! fails them.
//!
//! Each validator is also shown a broken document, so a validator that
//! silently checks nothing fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_tree, hostile_repo};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tools() -> PathBuf {
    std::env::var_os("MODELGATE_CONSUMER_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| here().join("target/consumer-tools"))
}

fn tool(relative: &str) -> PathBuf {
    let path = tools().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run ci/install-consumers",
        path.display()
    );
    path
}

/// Where the tests keep what a person may want to look at afterwards.
fn artefacts() -> PathBuf {
    let dir = here().join("target/consumer-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn modelgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("MODELGATE_TODAY", "2026-11-23")
        .output()
        .expect("modelgate runs")
}

fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repositories every format is validated on: the demo, waivers (related
/// locations, waived findings), the report fixture, and a hostile one.
fn repositories() -> (Vec<(String, PathBuf)>, tempfile::TempDir) {
    let hostile = hostile_repo();
    let repos = vec![
        ("demo".to_string(), here().join("fixtures/demo")),
        ("waivers".to_string(), here().join("fixtures/repos/waivers")),
        ("report".to_string(), here().join("fixtures/repos/report")),
        ("hostile".to_string(), hostile.path().to_path_buf()),
        // A project that names itself (pyproject.toml): the BOM's metadata.component.
        (
            "pyproject".to_string(),
            here().join("fixtures/repos/pyproject"),
        ),
    ];
    (repos, hostile)
}

/// Runs the Multitool's `validate` with the SARIF and GitHub rules; returns
/// the error- and warning-level results of its log as `RULE: message`. (It
/// exits 0 even when it finds errors, so only its log tells.)
fn multitool_problems(sarif: &Path) -> Vec<String> {
    let log = sarif.with_extension("validation.sarif");
    let output = run(Command::new(tool(
        "npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
    ))
    .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
    .args([
        "validate",
        "--rule-kind",
        "Sarif;Gh",
        "--level",
        "Error;Warning;Note",
    ])
    .args(["--log", "ForceOverwrite", "--output"])
    .arg(&log)
    .arg(sarif));
    assert!(
        output.status.success(),
        "the Multitool failed: {}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).expect("the Multitool's log")).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        // SARIF's default level is warning.
        .filter(|r| {
            matches!(
                r["level"].as_str().unwrap_or("warning"),
                "error" | "warning"
            )
        })
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect()
}

#[test]
#[ignore = "needs the SARIF Multitool: run by .ci/run"]
fn sarif_passes_the_multitool_with_githubs_ingestion_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (repos, _hostile) = repositories();
    for (name, repo) in &repos {
        let output = modelgate(repo, &["check", ".", "--format", "sarif", "--include-info"]);
        assert!(matches!(output.status.code(), Some(0 | 1)), "{name}");
        let sarif = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&sarif, &output.stdout).unwrap();
        let problems = multitool_problems(&sarif);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    // The control: without help text and locations GitHub rejects a log.
    let good: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("demo.sarif")).unwrap()).unwrap();
    let mut broken = good.clone();
    broken["runs"][0]["tool"]["driver"]["rules"][0]
        .as_object_mut()
        .unwrap()
        .remove("help");
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("locations");
    let sarif = dir.path().join("broken.sarif");
    std::fs::write(&sarif, broken.to_string()).unwrap();
    let problems = multitool_problems(&sarif);
    assert!(
        problems.iter().any(|p| p.contains("MissingHelp")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("MissingLocationsArray")),
        "{problems:#?}"
    );
}

fn validate_cyclonedx(files: &[PathBuf]) -> Output {
    run(Command::new(tool("venv/bin/python"))
        .arg(here().join("tests/consumers/validate_cyclonedx.py"))
        .args(files))
}

#[test]
#[ignore = "needs cyclonedx-python-lib: run by .ci/run"]
fn cyclonedx_passes_the_strict_1_6_validator() {
    let dir = tempfile::tempdir().unwrap();
    let (repos, _hostile) = repositories();
    let mut files = Vec::new();
    for (name, repo) in &repos {
        let output = modelgate(repo, &["report", ".", "--format", "cyclonedx"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            text(&output.stderr)
        );
        let file = dir.path().join(format!("{name}.cdx.json"));
        std::fs::write(&file, &output.stdout).unwrap();
        files.push(file);
    }
    let output = validate_cyclonedx(&files);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert_eq!(text(&output.stdout).matches(": OK\n").count(), files.len());

    // The control: a licence id that is not an SPDX id is rejected.
    let mut bom: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[2]).unwrap()).unwrap();
    bom["components"][0]["licenses"][0]["license"]["id"] = "llama3.1".into();
    let broken = dir.path().join("broken.cdx.json");
    std::fs::write(&broken, bom.to_string()).unwrap();
    let output = validate_cyclonedx(&[broken]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("INVALID"));
}

#[test]
#[ignore = "needs Chromium, ChromeDriver and Selenium: run by .ci/run"]
fn html_report_works_in_headless_chromium() {
    // The report fixture plus the hostile files, in one page.
    let repo = hostile_repo();
    copy_tree(&here().join("fixtures/repos/report"), repo.path());
    let html = artefacts().join("report.html");
    let screenshot = artefacts().join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = modelgate(
        repo.path(),
        &[
            "report",
            ".",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = run(Command::new(tool("venv/bin/python"))
        .env("SE_OFFLINE", "true")
        .arg(here().join("tests/consumers/browser.py"))
        .arg(&html)
        .arg(&screenshot));
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // What the page showed, next to the screenshot.
    std::fs::write(artefacts().join("browser.json"), &output.stdout).unwrap();

    assert!(seen["title"]
        .as_str()
        .unwrap()
        .starts_with("Model compliance report: "));
    assert_eq!(
        seen["controls_visible"], true,
        "the script ran under the CSP"
    );
    assert_eq!(seen["console_errors"], serde_json::json!([]));
    let rows = seen["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(seen["shown"], "9 of 9 models shown");
    assert_eq!(rows[0], alpaca_row());
    // Filtering by category, then by status as well.
    let names = |key: &str| -> Vec<String> {
        seen[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[0].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names("non_commercial"),
        ["chavinlo/alpaca-native", "tatsu-lab/alpaca-7b-wdiff"]
    );
    assert_eq!(seen["non_commercial_shown"], "2 of 9 models shown");
    assert_eq!(names("non_commercial_errors"), ["chavinlo/alpaca-native"]);
    assert_eq!(seen["reset_shown"], "9 of 9 models shown");
    // Sorting: by uses, descending (ties keep the report's order), then by name.
    let by_uses: Vec<&str> = seen["by_uses_descending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(by_uses[0], "chavinlo/alpaca-native");
    assert_eq!(seen["uses_sort_state"], "descending");
    let by_name: Vec<String> = seen["by_model_ascending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    // The scanned names are text: nothing ran, no element was injected.
    assert_eq!(seen["pwned"], serde_json::Value::Null);
    assert_eq!(seen["img_elements"], 0);
    assert_eq!(seen["script_elements"], 1);
    assert!(rows
        .iter()
        .any(|r| r[0] == "evil/<script>window.pwned=2</script>"));
    assert_eq!(
        seen["waivers_rows"][0],
        serde_json::json!([
            "MG002 non-commercial",
            "research/eval.py:3:50",
            "exception in modelgate.toml",
            "research notebooks are never shipped",
            "2099-12-31"
        ])
    );
    let png = std::fs::read(&screenshot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"));
}

/// The first row of the models table (alpaca-native: two uses, an error), as
/// the browser and the rendered Markdown both show it.
fn alpaca_row() -> serde_json::Value {
    serde_json::json!([
        "chavinlo/alpaca-native",
        "cc-by-nc-4.0",
        "non-commercial",
        "2",
        "error"
    ])
}

fn render_markdown(file: &Path) -> serde_json::Value {
    let output = run(Command::new(tool("venv/bin/python"))
        .arg(here().join("tests/consumers/render_markdown.py"))
        .arg(file));
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
#[ignore = "needs cmarkgfm: run by .ci/run"]
fn markdown_report_renders_cleanly_with_githubs_cmark_gfm() {
    let repo = hostile_repo();
    copy_tree(&here().join("fixtures/repos/report"), repo.path());
    let output = modelgate(repo.path(), &["report", ".", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0));
    let file = artefacts().join("report.md");
    std::fs::write(&file, &output.stdout).unwrap();
    let page = render_markdown(&file);
    let headings: Vec<&str> = page["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .filter(|h| h.starts_with("h2:"))
        .collect();
    assert_eq!(
        headings,
        [
            "h2:Summary",
            "h2:Policy profile",
            "h2:Violations",
            "h2:Models",
            "h2:Waivers"
        ]
    );
    assert_eq!(page["raw_html_omitted"], 0, "no raw HTML reaches the page");
    let table = |header: &[&str]| {
        page["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["header"] == serde_json::json!(header))
            .unwrap_or_else(|| panic!("a table headed {header:?}"))
            .clone()
    };
    // Every row of the models table is one model, in five intact cells.
    let models = table(&["Model", "Licence", "Category", "Uses", "Status"]);
    let rows = models["rows"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "chavinlo/alpaca-native",
            "llama3.1:8b",
            "meta-llama/Llama-3.1-8B-Instruct",
            "openai-community/gpt2",
            "openai/whisper-large-v3",
            "tatsu-lab/alpaca-7b-wdiff",
            "acme-internal/tagger-v2",
            "evil/<script>window.pwned=2</script>",
            "os.environ[\"CHAT_MODEL\"]",
        ]
    );
    assert_eq!(rows[0], alpaca_row());
    let violations = table(&["Severity", "Code", "Location", "Model", "Message"]);
    let hostile = violations["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[2].as_str().unwrap().contains("onerror"))
        .expect("the hostile finding");
    assert_eq!(
        hostile,
        &serde_json::json!([
            "warning",
            "MG009 unknown-model",
            "src/a<img src=x onerror=\"window.pwned=1\">.py:2:32",
            "—",
            "evil/<script>window.pwned=2</script> is not in the catalog: its licence cannot be checked"
        ])
    );
    // The control: raw HTML is noticed.
    let control = artefacts().join("control.md");
    std::fs::write(&control, "# x\n\n<img src=x>\n").unwrap();
    assert_eq!(render_markdown(&control)["raw_html_omitted"], 1);
}

/// A committer identity, so commits work on a machine without git config.
fn with_git_identity(command: &mut Command) -> &mut Command {
    command
        .env("GIT_AUTHOR_NAME", "modelgate test")
        .env("GIT_AUTHOR_EMAIL", "test@modelgate.invalid")
        .env("GIT_COMMITTER_NAME", "modelgate test")
        .env("GIT_COMMITTER_EMAIL", "test@modelgate.invalid")
}

fn git(dir: &Path, args: &[&str]) -> Output {
    run(with_git_identity(
        Command::new("git").current_dir(dir).args(args),
    ))
}

/// A scratch Git repository whose pre-commit configuration uses `hook` as a
/// user adds it: this repository at its committed HEAD.
fn repository_with_hook(hook: &str) -> tempfile::TempDir {
    let head = text(&git(here(), &["rev-parse", "HEAD"]).stdout)
        .trim()
        .to_string();
    assert_eq!(head.len(), 40, "this repository has a HEAD commit");
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    assert!(git(dir, &["init", "-q", "-b", "main"]).status.success());
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: {hook}\n",
            here().display()
        ),
    )
    .unwrap();
    repo
}

#[test]
#[ignore = "needs pre-commit and git, builds modelgate with cargo install: run by .ci/run"]
fn pre_commit_hook_fails_on_a_violation_and_passes_after_the_fix() {
    let repo = repository_with_hook("modelgate");
    let dir = repo.path();
    // The policy at the root: a commercial SaaS product.
    std::fs::write(
        dir.join("modelgate.toml"),
        "[project]\nuse = \"commercial\"\ndistribution = \"saas\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("src/app.py"),
        "from transformers import AutoModelForCausalLM\n\
         model = AutoModelForCausalLM.from_pretrained(\"chavinlo/alpaca-native\")\n",
    )
    .unwrap();
    let pre_commit = tool("venv/bin/pre-commit");
    let manifest = run(Command::new(&pre_commit)
        .arg("validate-manifest")
        .arg(here().join(".pre-commit-hooks.yaml")));
    assert!(
        manifest.status.success(),
        "{}{}",
        text(&manifest.stdout),
        text(&manifest.stderr)
    );
    let hook_env = |command: &mut Command| {
        command
            .current_dir(dir)
            // Its own cache, so the hook is really installed from the repository.
            .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
            // cargo install shares the build directory between runs.
            .env("CARGO_TARGET_DIR", here().join("target/pre-commit"))
            .env("NO_COLOR", "1");
        with_git_identity(command);
    };
    let mut install = Command::new(&pre_commit);
    install.arg("install");
    hook_env(&mut install);
    let install = run(&mut install);
    assert!(install.status.success(), "{}", text(&install.stderr));
    // Exclude the pre-commit cache from the commit.
    std::fs::write(dir.join(".gitignore"), ".pre-commit-home/\n").unwrap();
    assert!(git(dir, &["add", "."]).status.success());

    let commit = |message: &str| {
        let mut c = Command::new("git");
        c.args(["commit", "-q", "-m", message]);
        hook_env(&mut c);
        run(&mut c)
    };
    let failed = commit("use alpaca");
    let output = format!("{}{}", text(&failed.stdout), text(&failed.stderr));
    assert_eq!(failed.status.code(), Some(1), "{output}");
    assert!(output.contains("modelgate (AI model licences)"), "{output}");
    assert!(
        output.contains(
            "src/app.py:2:47: error[MG002] `chavinlo/alpaca-native` may not be used commercially"
        ),
        "{output}"
    );
    assert!(
        git(dir, &["rev-parse", "--verify", "-q", "HEAD"])
            .stdout
            .is_empty(),
        "nothing was committed"
    );

    std::fs::write(
        dir.join("src/app.py"),
        "from transformers import AutoModelForCausalLM\n\
         model = AutoModelForCausalLM.from_pretrained(\"mistralai/Mistral-7B-Instruct-v0.2\")\n",
    )
    .unwrap();
    assert!(git(dir, &["add", "src/app.py"]).status.success());
    let passed = commit("use mistral");
    let output = format!("{}{}", text(&passed.stdout), text(&passed.stderr));
    assert_eq!(passed.status.code(), Some(0), "{output}");
    assert!(output.contains("Passed"), "{output}");
    assert_eq!(
        text(&git(dir, &["log", "--format=%s"]).stdout).trim(),
        "use mistral"
    );
}

/// The `modelgate-system` hook runs the modelgate on PATH: nothing is built.
#[test]
#[ignore = "needs pre-commit and git: run by .ci/run"]
fn pre_commit_system_hook_runs_the_modelgate_on_path() {
    let repo = repository_with_hook("modelgate-system");
    let dir = repo.path();
    std::fs::write(
        dir.join("app.py"),
        "model = AutoModelForCausalLM.from_pretrained(\"chavinlo/alpaca-native\")\n",
    )
    .unwrap();
    assert!(git(dir, &["add", "."]).status.success());
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_modelgate")).parent().unwrap();
    let path = format!(
        "{}:{}",
        binary_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = run(Command::new(tool("venv/bin/pre-commit"))
        .args(["run", "--all-files"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env("PATH", path)
        .env("NO_COLOR", "1"));
    let printed = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains(
            "app.py:1:47: error[MG002] `chavinlo/alpaca-native` may not be used commercially"
        ),
        "{printed}"
    );
}

/// The completion scripts load in the shells they are for: bash registers the
/// completion function, zsh and fish parse the script without error.
#[test]
#[ignore = "needs bash, zsh and fish: run by .ci/run"]
fn completions_load_in_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    let script = |shell: &str| {
        let output = modelgate(dir.path(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let file = dir.path().join(format!("modelgate.{shell}"));
        std::fs::write(&file, &output.stdout).unwrap();
        file
    };
    let bash = script("bash");
    let output = run(Command::new("bash").arg("-c").arg(format!(
        "source '{}' && complete -p modelgate",
        bash.display()
    )));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "complete -o bashdefault -o default -o nosort -F _modelgate modelgate\n"
    );
    let zsh = script("zsh");
    let output = run(Command::new("zsh").arg("-n").arg(&zsh));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let fish = script("fish");
    let output = run(Command::new("fish").arg("--no-execute").arg(&fish));
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// The manual page renders with groff's man macros without a warning, and
/// lists every command.
#[test]
#[ignore = "needs groff: run by .ci/run"]
fn manpage_renders_with_groff_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let output = modelgate(dir.path(), &["manpage"]);
    assert_eq!(output.status.code(), Some(0));
    let page = dir.path().join("modelgate.1");
    std::fs::write(&page, &output.stdout).unwrap();
    let rendered = run(Command::new("groff")
        // -k: preconv, as man(1) runs it, for the UTF-8 of the help texts.
        .args(["-k", "-man", "-Tutf8", "-ww"])
        .arg(&page)
        .env("GROFF_NO_SGR", "1"));
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    assert_eq!(text(&rendered.stderr), "", "groff warns");
    let page = text(&rendered.stdout);
    for command in [
        "check",
        "list",
        "report",
        "show",
        "rules",
        "completions",
        "manpage",
    ] {
        assert!(
            page.contains(&format!("modelgate-{command}(1)")),
            "{command}: {page}"
        );
    }
}
