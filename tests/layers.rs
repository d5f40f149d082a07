//! The modules form one order, the pipeline's, and every import points down
//! it: a stage never imports a later stage or the command layer. A new
//! `crate::` import that points up fails here with the file that makes it.

use std::path::Path;

/// Lowest first. A module may import only modules before it.
const ORDER: &[&str] = &[
    "model",
    "text",
    "codes",
    "settings_file",
    "excerpt",
    "progress",
    "catalog",
    "classify",
    "extract",
    "walk",
    "resolve",
    "policy",
    "evaluate",
    "pipeline",
    "report",
    "cli",
    "app",
    "fuzzing",
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_import_points_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    let mut seen_modules = std::collections::BTreeSet::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = relative
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if matches!(module.as_str(), "lib" | "main") || relative.ends_with("/tests.rs") {
            continue;
        }
        seen_modules.insert(module.clone());
        let rank = ORDER
            .iter()
            .position(|m| *m == module)
            .unwrap_or_else(|| panic!("{relative}: module `{module}` is not in ORDER"));
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere; they sit at the end of their file.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            for (at, _) in line.match_indices("crate::") {
                let used: String = line[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let Some(used_rank) = ORDER.iter().position(|m| *m == used) else {
                    continue;
                };
                if used_rank > rank {
                    upward.push(format!("src/{relative}:{}: {module} imports {used}", n + 1));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports pointing up:\n{}",
        upward.join("\n")
    );
    // The order names every module, and only modules that exist.
    for module in ORDER {
        assert!(
            seen_modules.contains(*module),
            "`{module}` is in ORDER but not in src/"
        );
    }
}
