//! Issue 12's regressions, one test per gap, inputs generated here: model ids
//! with CJK and bidi characters through every command and format, one long
//! line of references, huge sparse weight files, `report -o` onto links, FIFOs
//! and full devices, closed and full output streams, nonsensical scan options,
//! policy problems that must point at a line.

#![cfg(unix)]

mod common;

use common::{skipped, write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A hang guard for a loaded CI machine, not a timing: the quadratic and
/// whole-file behaviours these tests catch took minutes.
const DEADLINE: Duration = Duration::from_secs(90);

/// Runs modelgate in `dir` with a deadline; stdout and stderr captured.
fn run(dir: &Path, args: &[&str]) -> Output {
    run_env(dir, args, &[])
}

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelgate"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env.iter().copied());
    common::output_with_deadline(command, DEADLINE)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Characters that must never reach a reader raw (other than newline and tab).
fn raw_hidden(output: &str) -> Vec<char> {
    output
        .chars()
        .filter(|&c| c != '\n' && c != '\t' && c != '\r' && modelgate::report::is_hidden(c))
        .collect()
}

const NON_ASCII_IDS: &[&str] = &[
    "org/模型-7b",
    "shibing624/text2vec-base-中文",
    "evil/\u{202e}gnp.exe",
    "org/zero\u{200b}width-\u{2066}iso\u{2069}",
    "org/line\u{2028}sep-\u{feff}bom",
];

/// A repository using the ids above in Python, JS, YAML, JSON, TOML and .env.
fn non_ascii_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut python = String::from("from transformers import AutoModel\n");
    let mut js = String::new();
    let mut yaml = String::new();
    let mut json = Vec::new();
    let mut toml = String::new();
    let mut dotenv = String::new();
    for (i, id) in NON_ASCII_IDS.iter().enumerate() {
        python.push_str(&format!("m{i} = AutoModel.from_pretrained(\"{id}\")\n"));
        js.push_str(&format!(
            "const r{i} = await client.chat.completions.create({{ model: \"{id}\" }});\n"
        ));
        yaml.push_str(&format!("model_{i}: \"{id}\"\n"));
        json.push(format!("\"model_{i}\": \"{id}\""));
        toml.push_str(&format!("model_{i} = \"{id}\"\n"));
        dotenv.push_str(&format!("MODEL_{i}={id}\n"));
    }
    write(root, "app.py", python.as_bytes());
    write(root, "web/chat.js", js.as_bytes());
    write(root, "config.yaml", yaml.as_bytes());
    write(
        root,
        "models.json",
        format!("{{{}}}\n", json.join(", ")).as_bytes(),
    );
    write(root, "models.toml", toml.as_bytes());
    write(root, ".env", dotenv.as_bytes());
    write(root, "more.yaml", "model: \"助手-v1\"\n".as_bytes());
    write(root, "api.env", "OPENAI_MODEL=gpt-4o-微调\n".as_bytes());
    dir
}

/// Item 1 and 2: every command and format ends normally on non-ASCII ids,
/// human formats show hidden characters escaped, JSON formats escape them and
/// read back the id as written.
#[test]
fn non_ascii_and_bidi_ids_pass_through_every_command_and_format_escaped() {
    let dir = non_ascii_repo();
    let root = dir.path();
    let mut runs: Vec<(Vec<&str>, bool)> = vec![
        (vec!["list", "."], false),
        (vec!["list", ".", "--format", "json"], true),
    ];
    for format in ["human", "short", "json", "github", "sarif"] {
        runs.push((
            vec!["check", ".", "--format", format, "-v"],
            matches!(format, "json" | "sarif"),
        ));
    }
    for format in ["markdown", "html", "json", "cyclonedx", "notice"] {
        runs.push((
            vec!["report", ".", "--format", format],
            matches!(format, "json" | "cyclonedx"),
        ));
    }
    for (args, is_json) in runs {
        let output = run(root, &args);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?} exited {code:?}: {}",
            text(&output.stderr)
        );
        for stream in [&output.stdout, &output.stderr] {
            let shown = text(stream);
            assert_eq!(raw_hidden(&shown), Vec::<char>::new(), "{args:?}: {shown}");
        }
        if is_json {
            let json: serde_json::Value =
                serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert!(
                json.to_string().contains("evil/\u{202e}gnp.exe"),
                "{args:?}"
            );
            let written = text(&output.stdout);
            for id in ["evil/\\u202egnp.exe", "org/模型-7b"] {
                assert!(written.contains(id), "{args:?} lacks {id}");
            }
        }
    }
    let list = run(root, &["list", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let texts: Vec<&str> = json["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "app.py")
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    // The last id is not model-shaped (a line separator cannot be in a Hub
    // id); it is in the tree to be passed over without harm.
    assert_eq!(texts, NON_ASCII_IDS[..4]);
    let table = text(&run(root, &["list", "."]).stdout);
    assert!(table.contains("evil/\\u{202e}gnp.exe"), "{table}");
    assert!(table.contains("shibing624/text2vec-base-中文"), "{table}");
}

/// Item 3: 200,000 references on one line (a 7.8 MB minified JSON) are
/// located in one pass; the last one at its exact column.
#[test]
fn one_long_line_of_references_is_located_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let item = "{\"model\": \"meta-llama/Llama-2-7b-hf\"}";
    let line = format!("[{}]", vec![item; 200_000].join(","));
    write(dir.path(), "models.json", line.as_bytes());
    let output = run(dir.path(), &["list", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let references = json["references"].as_array().unwrap();
    assert_eq!(references.len(), 200_000);
    let last = &references[199_999];
    let column = line.rfind("meta-llama").unwrap() + 1;
    assert_eq!(
        (last["line"].as_u64(), last["column"].as_u64()),
        (Some(1), Some(column as u64))
    );
}

/// Item 4: a diagnostic on a 4.9 MB minified line quotes a window of it,
/// with the real line and column.
#[test]
fn a_diagnostic_on_a_minified_line_quotes_a_window_with_the_exact_column() {
    let dir = tempfile::tempdir().unwrap();
    let padding = "x".repeat(4_900_000);
    let source = format!("var a=\"{padding}\",m={{model:\"chavinlo/alpaca-native\"}},z=1;\n");
    write(dir.path(), "app.min.js", source.as_bytes());
    let output = run(dir.path(), &["check", ".", "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    let err = text(&output.stdout);
    let column = source.find("chavinlo").unwrap() + 1;
    assert!(
        err.contains(&format!("app.min.js:1:{column}")),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.contains("…"), "no ellipsis");
    assert!(err.len() < 20_000, "{} bytes of diagnostics", err.len());
}

/// Item 5: huge weight files are never read whole; a diagnostic on one shows
/// the header facts.
#[test]
fn huge_weight_files_are_never_read_and_diagnostics_show_their_header_facts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "models/bot/config.json",
        b"{\"_name_or_path\": \"chavinlo/alpaca-native\"}\n",
    );
    for name in [
        "models/bot/model.safetensors",
        "models/bot/pytorch_model.bin",
    ] {
        let file = std::fs::File::create(root.join(name)).unwrap();
        // Sparse: 6 GB of zeros (valid UTF-8) that take no disk.
        file.set_len(6_000_000_000).unwrap();
    }
    let output = run(root, &["check", ".", "--color", "never"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let err = text(&output.stdout);
    assert!(
        err.contains("config-json: base model chavinlo/alpaca-native"),
        "{err}"
    );
    assert!(err.len() < 20_000, "{} bytes of diagnostics", err.len());
    let report = run(root, &["report", ".", "--format", "json"]);
    assert_eq!(report.status.code(), Some(0));
}

/// Item 6: `report -o` writes through a symlink, into a FIFO, in place for a
/// hard link, and keeps a replaced file's mode.
#[test]
fn report_output_keeps_symlinks_fifos_hard_links_and_modes() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = non_ascii_repo();
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    write(o, "real.md", b"old");
    std::fs::set_permissions(o.join("real.md"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.md", o.join("link.md")).unwrap();
    std::fs::hard_link(o.join("real.md"), o.join("hard.md")).unwrap();
    let report = |target: &Path| run(dir.path(), &["report", ".", "-o", target.to_str().unwrap()]);
    assert_eq!(report(&o.join("link.md")).status.code(), Some(0));
    assert!(std::fs::symlink_metadata(o.join("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    let meta = std::fs::metadata(o.join("real.md")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert_eq!(meta.nlink(), 2);
    assert!(std::fs::read_to_string(o.join("hard.md"))
        .unwrap()
        .starts_with("# Model compliance report"));
    std::fs::write(o.join("hard.md"), "old").unwrap();
    assert_eq!(report(&o.join("hard.md")).status.code(), Some(0));
    assert!(std::fs::read_to_string(o.join("real.md"))
        .unwrap()
        .starts_with("# Model compliance report"));
    // A FIFO is written to, never replaced.
    let fifo = o.join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    assert_eq!(report(&fifo).status.code(), Some(0));
    assert!(reader
        .join()
        .unwrap()
        .starts_with("# Model compliance report"));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo_like());
    // A full device is an error naming it.
    let full = report(Path::new("/dev/full"));
    assert_eq!(full.status.code(), Some(2));
    assert!(
        text(&full.stderr).contains("/dev/full"),
        "{}",
        text(&full.stderr)
    );
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

/// Item 7: a failed write of any output is exit 2; a closed pipe stays quiet.
#[test]
fn failed_writes_are_exit_2_and_name_the_file() {
    let dir = non_ascii_repo();
    let root = dir.path();
    let exe = env!("CARGO_BIN_EXE_modelgate");
    let shell = |script: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(exe)
            .current_dir(root)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    for script in [
        "\"$1\" list . --format json > /dev/full",
        "\"$1\" check . --format short > /dev/full",
        "\"$1\" check . > /dev/full",
        "\"$1\" check . >&-",
        "\"$1\" check . --format json >&-",
        "\"$1\" list . >&-",
        "\"$1\" report . >&-",
    ] {
        let output = shell(script);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{script}: {}",
            text(&output.stderr)
        );
    }
    // Closed stdout is only an error for what writes there: `check -o` and
    // `report -o` write to their file.
    assert_eq!(
        shell("\"$1\" report . -o out.md >&-").status.code(),
        Some(0)
    );
    assert_eq!(
        shell("\"$1\" check . -o out.txt >&-").status.code(),
        Some(0)
    );
    let closed = shell("\"$1\" check . --format json >&-");
    assert_eq!(
        text(&closed.stderr),
        "error: cannot write output: standard output is closed\n"
    );
    // The gate's own exit code with stdout on /dev/null, as before.
    assert_eq!(
        shell("\"$1\" check . --format json > /dev/null")
            .status
            .code(),
        Some(0)
    );
    // A harness's /dev/null opened read-write (Python's subprocess.DEVNULL,
    // Rust's Stdio::null) is no closed stdout: the gate's own code.
    let status = Command::new(exe)
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let summary = run_env(
        root,
        &["check", ".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", "/dev/full")],
    );
    assert_eq!(summary.status.code(), Some(2));
    assert!(
        text(&summary.stderr).contains("$GITHUB_STEP_SUMMARY /dev/full"),
        "{}",
        text(&summary.stderr)
    );
    // A reader that goes away early is no error.
    let closed = shell("\"$1\" list . --format json | head -c 1 > /dev/null; exit 0");
    assert!(closed.stderr.is_empty(), "{}", text(&closed.stderr));
}

/// Item 8: nonsensical scan options are refused; a scan that read nothing
/// warns, and --deny-warnings fails on it.
#[test]
fn nonsensical_options_are_refused_and_an_empty_scan_warns() {
    let dir = non_ascii_repo();
    let root = dir.path();
    for args in [
        ["--max-file-size", "0"],
        ["--max-file-size", "1"],
        ["--max-file-size", "1B"],
        ["--max-file-size", "18446744073709551615"],
        ["--exclude", ""],
    ] {
        let output = run(root, &["check", ".", args[0], args[1]]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    write(root, "modelgate.toml", b"[scan]\nexclude = [\"\"]\n");
    let policy = run(root, &["check", "."]);
    assert_eq!(policy.status.code(), Some(2));
    assert!(
        text(&policy.stderr).contains("modelgate.toml:2:12"),
        "{}",
        text(&policy.stderr)
    );
    std::fs::remove_file(root.join("modelgate.toml")).unwrap();

    let everything = run(
        root,
        &["check", ".", "--exclude", "**", "--format", "short"],
    );
    assert_eq!(everything.status.code(), Some(0));
    assert!(text(&everything.stdout).contains(".: warning[MG015] no file was scanned: 0 skipped,"));
    let denied = run(root, &["check", ".", "--exclude", "**", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    // A sole explicit file that cannot be read.
    assert!(Command::new("mkfifo")
        .arg(root.join("pipe.py"))
        .status()
        .unwrap()
        .success());
    let sole = run(
        root,
        &["check", "pipe.py", "--format", "json", "--deny-warnings"],
    );
    assert_eq!(sole.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&sole.stdout).unwrap();
    assert_eq!(json["findings"][0]["code"], "MG015");
    // An empty tree, or one with nothing modelgate reads, is no warning.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "logo.png", b"\x89PNG");
    assert_eq!(
        run(empty.path(), &["check", ".", "--deny-warnings"])
            .status
            .code(),
        Some(0)
    );
}

/// Item 9: thread counts are bounded and the help says what the default is.
#[test]
fn thread_counts_are_bounded() {
    let dir = non_ascii_repo();
    for threads in ["100000", "4294967296", "257"] {
        let output = run(dir.path(), &["list", ".", "--threads", threads]);
        assert_eq!(output.status.code(), Some(2), "{threads}");
        assert!(
            text(&output.stderr).contains("at most 256"),
            "{}",
            text(&output.stderr)
        );
    }
    assert_eq!(
        run(dir.path(), &["list", ".", "--threads", "256"])
            .status
            .code(),
        Some(0)
    );
    let help = text(&run(dir.path(), &["list", "--help"]).stdout);
    assert!(
        help.contains("one per core") && !help.contains("[default: 0]"),
        "{help}"
    );
}

/// Item 10: policy problems point at file:line:column; broken notebooks and
/// JSON are skipped as malformed; a symlink loop is called one.
#[test]
fn policy_problems_point_at_their_line_and_broken_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "x.py", b"m = AutoModel.from_pretrained(\"gpt2\")\n");
    let check_error = |policy: &[u8], location: &str| {
        write(root, "modelgate.toml", policy);
        let output = run(root, &["check", ".", "--color", "never"]);
        assert_eq!(output.status.code(), Some(2));
        let err = text(&output.stderr);
        assert!(err.contains(location), "expected {location}: {err}");
    };
    check_error(
        b"[project]\nuse = \"commercial\"\nextends = \"modelgate.toml\"\n",
        "modelgate.toml:3:11",
    );
    write(root, "org/base.toml", b"extends = \"../modelgate.toml\"\n");
    check_error(b"extends = \"org/base.toml\"\n", "org/base.toml:1:11");
    std::fs::remove_dir_all(root.join("org")).unwrap();
    check_error(
        b"[scan]\nrules = [\"missing.toml\"]\n",
        "modelgate.toml:2:10",
    );
    check_error(
        b"[project]\nuse = \"comm\xe9rcial\"\n",
        "modelgate.toml:2:12",
    );
    std::fs::remove_file(root.join("modelgate.toml")).unwrap();

    write(
        root,
        "broken.ipynb",
        b"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"x = 1\"",
    );
    write(root, "words.ipynb", b"not json at all");
    write(root, "broken.json", b"{\"name\": \"x\", ");
    std::os::unix::fs::symlink("loop_b.py", root.join("loop_a.py")).unwrap();
    std::os::unix::fs::symlink("loop_a.py", root.join("loop_b.py")).unwrap();
    let output = run(root, &["list", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = [
        ("broken.ipynb", "malformed"),
        ("broken.json", "malformed"),
        ("loop_a.py", "symlink-loop"),
        ("loop_b.py", "symlink-loop"),
        ("words.ipynb", "malformed"),
    ];
    let expected: std::collections::BTreeMap<String, String> = expected
        .iter()
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect();
    assert_eq!(skipped(&json), expected);
    assert_eq!(json["summary"]["files_scanned"], 1);
}

mod any_id {
    use proptest::prelude::*;

    /// Characters from every class that has hurt: ASCII id parts, CJK, bidi
    /// controls and isolates, zero-width and format characters, C0 and C1
    /// controls, line separators, quotes, backslashes, markup, emoji.
    fn id_char() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => prop::sample::select("abcxyz-_./:0123456789".chars().collect::<Vec<_>>()),
            1 => prop::sample::select(vec!['模', '型', '中', '文', '助', '手', 'é', 'ß']),
            1 => prop::sample::select(vec![
                '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}',
                '\u{2067}', '\u{2068}', '\u{2069}', '\u{061c}',
            ]),
            1 => prop::sample::select(vec![
                '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{feff}',
                '\u{00ad}', '\u{2060}', '\u{e0041}', '\u{fff9}',
            ]),
            1 => prop::sample::select(vec!['\u{1b}', '\u{7}', '\u{0}', '\r', '\n', '\t', '\u{85}', '\u{9b}']),
            1 => prop::sample::select(vec!['\u{2028}', '\u{2029}', '"', '\'', '\\', '`', '<', '>', '&', '|', '😀']),
        ]
    }

    fn any_id() -> impl Strategy<Value = String> {
        (any::<bool>(), prop::collection::vec(id_char(), 1..24)).prop_map(|(org, chars)| {
            let name: String = chars.into_iter().collect();
            if org {
                format!("org/{name}")
            } else {
                name
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Any string as a model id in Python, JS, YAML, JSON, TOML and .env:
        /// no panic, and every output escapes what must be escaped (checked
        /// by the pipeline fuzz target's body).
        #[test]
        fn any_model_id_in_any_file_is_escaped_in_every_output(id in any_id()) {
            let json_string = serde_json::to_string(&id).unwrap();
            let python = format!("from transformers import AutoModel\nm = AutoModel.from_pretrained(\"{id}\")\nn = AutoModel.from_pretrained({json_string})\n");
            let js = format!("await openai.chat.completions.create({{ model: {json_string} }});\nconst m = \"{id}\";\n");
            let yaml = format!("model: \"{id}\"\nembedding_model: {json_string}\n");
            let json = format!("{{\"model\": {json_string}}}\n");
            let toml = format!("model = {json_string}\n");
            let dotenv = format!("OPENAI_MODEL={id}\n");
            let files: Vec<(&str, &[u8])> = vec![
                ("app.py", python.as_bytes()),
                ("web/chat.js", js.as_bytes()),
                ("config.yaml", yaml.as_bytes()),
                ("models.json", json.as_bytes()),
                ("settings.toml", toml.as_bytes()),
                (".env", dotenv.as_bytes()),
            ];
            let dir = tempfile::tempdir().unwrap();
            modelgate::fuzzing::pipeline_tree(&files, &dir.path().join("tree"));
        }
    }
}
