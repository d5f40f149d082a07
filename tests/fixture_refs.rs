//! The fixture corpus states its own expectations (fixtures/README.md): every
//! reference marked in `fixtures/refs` must be listed at its exact position,
//! and nothing else may be.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// (path, line, column, end_column for single-line static refs, text, dynamic)
type Expected = (String, u64, u64, Option<u64>, String, bool);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/refs")
}

fn list_json(root: &Path, extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_modelgate"))
        .arg("list")
        .arg(root)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("modelgate runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(corpus())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Markers `expect-ref: A B` and `expect-dynamic: EXPR` on each line of a file.
fn inline_expectations(path: &Path, out: &mut BTreeSet<Expected>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line_no = n as u64 + 1;
        if let Some(at) = line.find("expect-ref:") {
            let code = &line[..at];
            let mut from = 0;
            // Ids run to the end of the line or to an `expect-dynamic:` marker after them.
            let ids = line[at + "expect-ref:".len()..]
                .split_whitespace()
                .take_while(|w| !w.starts_with("expect-"));
            for id in ids {
                let found = code[from..].find(id).unwrap_or_else(|| {
                    panic!(
                        "{}:{line_no}: marker text `{id}` is not on the line",
                        relative(path)
                    )
                });
                let byte = from + found;
                let column = code[..byte].chars().count() as u64 + 1;
                let end = column + id.chars().count() as u64;
                out.insert((
                    relative(path),
                    line_no,
                    column,
                    Some(end),
                    id.to_string(),
                    false,
                ));
                from = byte + id.len();
            }
        }
        if let Some(at) = line.find("expect-dynamic:") {
            let expr = line[at + "expect-dynamic:".len()..].trim();
            let code = &line[..line.find("expect-ref:").map_or(at, |r| r.min(at))];
            let byte = expression_at(code, expr).unwrap_or_else(|| {
                panic!(
                    "{}:{line_no}: dynamic marker `{expr}` is not on the line",
                    relative(path)
                )
            });
            let column = code[..byte].chars().count() as u64 + 1;
            out.insert((
                relative(path),
                line_no,
                column,
                None,
                expr.to_string(),
                true,
            ));
        }
    }
}

/// Where `expr` is written as a value on `code`: a whole word, not a keyword
/// argument's name (`model_id=model_id` is the second one) nor a dict key's
/// text (`{"base_model": base_model}`).
fn expression_at(code: &str, expr: &str) -> Option<usize> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(expr).map(|(at, _)| at).find(|&at| {
        let before = code[..at].chars().next_back();
        let after = code[at + expr.len()..].trim_start();
        let dict_key = ["\":", "':"].iter().any(|end| after.starts_with(end));
        !before.is_some_and(word)
            && !after.chars().next().is_some_and(word)
            && (!after.starts_with('=') || after.starts_with("=="))
            && !dict_key
    })
}

/// A sidecar `<file>.expect`: `LINE:COLUMN TEXT` or `LINE:COLUMN dynamic TEXT`.
fn sidecar_expectations(sidecar: &Path, out: &mut BTreeSet<Expected>) {
    let target = sidecar.with_extension("");
    let text = std::fs::read_to_string(sidecar).unwrap();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (position, rest) = line.split_once(' ').expect("LINE:COLUMN TEXT");
        let (l, c) = position.split_once(':').expect("LINE:COLUMN");
        let (dynamic, text) = match rest.strip_prefix("dynamic ") {
            Some(expr) => (true, expr),
            None => (false, rest),
        };
        let column: u64 = c.parse().unwrap();
        let end = (!dynamic).then(|| column + text.chars().count() as u64);
        out.insert((
            relative(&target),
            l.parse().unwrap(),
            column,
            end,
            text.to_string(),
            dynamic,
        ));
    }
}

fn expected() -> BTreeSet<Expected> {
    let mut files = Vec::new();
    files_under(&corpus(), &mut files);
    let mut expected = BTreeSet::new();
    for file in &files {
        let name = file.to_string_lossy();
        if name.ends_with(".expect") {
            sidecar_expectations(file, &mut expected);
        } else if !Path::new(&format!("{name}.expect")).exists() {
            inline_expectations(file, &mut expected);
        }
    }
    expected
}

fn actual(json: &Value) -> BTreeSet<Expected> {
    json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let dynamic = r["dynamic"].as_bool().unwrap();
            let single_line = r["line"] == r["end_line"];
            let end = (!dynamic && single_line).then(|| r["end_column"].as_u64().unwrap());
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                end,
                r["text"].as_str().unwrap().to_string(),
                dynamic,
            )
        })
        .collect()
}

fn show(set: &BTreeSet<&Expected>) -> String {
    set.iter()
        .map(|(p, l, c, _, t, d)| {
            format!("  {p}:{l}:{c} {}{t}\n", if *d { "dynamic " } else { "" })
        })
        .collect()
}

#[test]
fn every_marked_reference_is_listed_and_nothing_else() {
    let json = list_json(&corpus(), &["--include-docs"]);
    let expected = expected();
    let actual = actual(&json);
    let missing: BTreeSet<_> = expected.difference(&actual).collect();
    let extra: BTreeSet<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing references:\n{}extra references:\n{}",
        show(&missing),
        show(&extra)
    );
    assert!(
        expected.len() >= 100,
        "the corpus keeps at least 100 references, has {}",
        expected.len()
    );
}

#[test]
fn markdown_is_only_scanned_with_include_docs() {
    let json = list_json(&corpus(), &[]);
    let docs: Vec<_> = json["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "docs")
        .collect();
    assert!(docs.is_empty(), "{docs:?}");
}

#[test]
fn summary_counts_match_the_lists() {
    let json = list_json(&corpus(), &["--include-docs"]);
    let summary = &json["summary"];
    assert_eq!(
        summary["references"].as_u64().unwrap() as usize,
        json["references"].as_array().unwrap().len()
    );
    assert_eq!(
        summary["files_skipped"].as_u64().unwrap() as usize,
        json["skipped"].as_array().unwrap().len()
    );
    assert_eq!(json["schema"], "modelgate/v1");
}
