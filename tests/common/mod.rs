//! Helpers shared by the integration tests that need them.

#![allow(dead_code)]

use std::path::Path;

/// A repository whose file names and model id try to inject markup and
/// terminal escapes, next to ordinary references.
pub fn hostile_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path()
            .join("src/a<img src=x onerror=\"window.pwned=1\">.py"),
        "from transformers import AutoModel\n\
         m = AutoModel.from_pretrained(\"evil/<script>window.pwned=2</script>\")\n\
         n = AutoModel.from_pretrained(\"chavinlo/alpaca-native\")\n",
    )
    .unwrap();
    // A terminal hyperlink and a bell in a file name.
    std::fs::write(
        dir.path().join("src/b\u{1b}]8;;http:\u{7}.py"),
        "from transformers import AutoModel\nm = AutoModel.from_pretrained(\"gpt2\")\n",
    )
    .unwrap();
    dir
}

/// Runs `command` with stdout and stderr captured and a deadline: a hang is
/// what the hostile-input tests catch, so overrunning it fails the test.
pub fn output_with_deadline(
    mut command: std::process::Command,
    deadline: std::time::Duration,
) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let started = std::time::Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            pipe.read_to_end(&mut buffer).unwrap();
            buffer
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return std::process::Output {
                status,
                stdout: out.join().unwrap(),
                stderr: err.join().unwrap(),
            };
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            panic!("{command:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The `skipped` list of a JSON output: path → reason.
pub fn skipped(json: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    json["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A scratch project holding `files` (path, text).
pub fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

/// Writes `bytes` to `root/name`, creating its folders.
pub fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// Copies a fixture tree into `to` (which exists).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
