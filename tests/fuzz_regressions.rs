//! Replays every input kept under `fuzz/regressions/<target>/` through the
//! fuzz target's body: the crashes fuzzing found, and hostile inputs found
//! by hand, stay fixed. (Fuzzing itself runs with `cargo fuzz`; see
//! `fuzz/README.md`.)

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| !name.ends_with(".md"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no regression inputs for {target}");
    inputs
}

#[test]
fn extract_regressions() {
    for (_name, data) in inputs("extract") {
        modelgate::fuzzing::extract(&data);
    }
}

#[test]
fn rules_regressions() {
    for (_name, data) in inputs("rules") {
        modelgate::fuzzing::rules(&data);
    }
}

#[test]
fn policy_regressions() {
    let dir = tempfile::tempdir().unwrap();
    for (_name, data) in inputs("policy") {
        modelgate::fuzzing::policy(&data, dir.path());
    }
}

#[test]
fn resolve_regressions() {
    for (_name, data) in inputs("resolve") {
        modelgate::fuzzing::resolve(&data);
    }
}

#[test]
fn pipeline_regressions() {
    let dir = tempfile::tempdir().unwrap();
    for (_name, data) in inputs("pipeline") {
        modelgate::fuzzing::pipeline(&data, &dir.path().join("tree"));
    }
}
