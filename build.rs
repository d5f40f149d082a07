//! Embeds every file under `rules/` into the binary, so the tool works with
//! nothing but itself. Generates `builtin_rules.rs`: a sorted list of
//! (virtual path, contents).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules = manifest.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    for family in ["licenses", "models"] {
        collect(&rules.join(family), &mut files);
        println!("cargo:rerun-if-changed=rules/{family}");
    }
    files.sort();
    // FNV-1a over names and contents: a catalog update changes the rule-set version.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let name = file
            .strip_prefix(&manifest)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        let contents = std::fs::read(file).expect("rule file is readable");
        for byte in name.bytes().chain(contents) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let mut code = format!("/// Identifies the built-in rule set's contents.\npub const BUILTIN_RULES_HASH: &str = \"{:08x}\";\n", hash >> 32);
    // For `--version`, which clap takes as a literal.
    println!("cargo:rustc-env=MODELGATE_RULES_HASH={:08x}", hash >> 32);
    code.push_str("/// Built-in rule files: (virtual path, contents).\npub static BUILTIN_RULES: &[(&str, &str)] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&manifest)
            .expect("under the manifest dir");
        let virtual_path = format!(
            "<builtin>/{}",
            relative.to_string_lossy().replace('\\', "/")
        );
        println!("cargo:rerun-if-changed={}", file.display());
        writeln!(
            code,
            "    ({virtual_path:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("write to String");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}
