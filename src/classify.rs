//! Stage 1b, classify: which extractor (if any) reads a file, from its name alone
//! (or, for a file without an extension, its `#!` line).

use std::path::Path;

/// The families of files modelgate reads. Files of no family are never opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Python,
    JavaScript,
    Notebook,
    Yaml,
    Json,
    Toml,
    Dotenv,
    Ini,
    Shell,
    Dockerfile,
    Makefile,
    Modelfile,
    Markdown,
}

impl Family {
    /// Every family, in declaration order (property tests and fuzzing feed each).
    pub const ALL: [Family; 13] = [
        Family::Python,
        Family::JavaScript,
        Family::Notebook,
        Family::Yaml,
        Family::Json,
        Family::Toml,
        Family::Dotenv,
        Family::Ini,
        Family::Shell,
        Family::Dockerfile,
        Family::Makefile,
        Family::Modelfile,
        Family::Markdown,
    ];
}

/// The family of a file by its name; `None` for names that need a look at the
/// first line (no extension) or that no extractor reads.
pub fn by_name(path: &Path) -> Option<Family> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    // The policy names models to deny or allow; it does not use them.
    if lower == "modelgate.toml" {
        return None;
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Some(Family::Dotenv);
    }
    if lower.starts_with("dockerfile") || lower.ends_with(".dockerfile") || lower == "containerfile"
    {
        return Some(Family::Dockerfile);
    }
    if matches!(lower.as_str(), "makefile" | "gnumakefile") || lower.ends_with(".mk") {
        return Some(Family::Makefile);
    }
    if lower == "modelfile" || lower.ends_with(".modelfile") {
        return Some(Family::Modelfile);
    }
    let extension = lower.rsplit_once('.').map(|(_, ext)| ext)?;
    Some(match extension {
        "py" | "pyi" => Family::Python,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Family::JavaScript,
        "ipynb" => Family::Notebook,
        "yaml" | "yml" => Family::Yaml,
        "json" => Family::Json,
        "toml" => Family::Toml,
        "ini" | "cfg" => Family::Ini,
        "sh" | "bash" | "zsh" => Family::Shell,
        "md" | "mdx" | "markdown" => Family::Markdown,
        _ => return None,
    })
}

/// A weight file: a reference in itself. Only a GGUF header is ever read; the
/// others are identified by their folder (`config.json`, a model card).
/// `.pt`, `.pth` and `.bin` count only beside a `config.json` (they are
/// common for other data).
pub fn artifact_format(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    let format = match extension.as_str() {
        "gguf" => "gguf",
        "safetensors" => "safetensors",
        "onnx" => "onnx",
        "tflite" => "tflite",
        "mlmodel" => "mlmodel",
        "pt" | "pth" | "bin" => "pytorch",
        _ => return None,
    };
    if format == "pytorch" && !path.with_file_name("config.json").is_file() {
        return None;
    }
    Some(format)
}

/// Whether a file's family can only be told from its first line.
pub fn needs_shebang(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| !name.contains('.'))
}

/// The family a `#!` line names (`python`, `sh`, `bash`, `zsh`, `dash`).
pub fn by_shebang(first_bytes: &[u8]) -> Option<Family> {
    let line = first_bytes.strip_prefix(b"#!")?;
    let end = memchr::memchr(b'\n', line).unwrap_or(line.len());
    let line = std::str::from_utf8(&line[..end]).ok()?;
    let mut words = line.split_whitespace();
    let program = words.next()?.rsplit('/').next()?;
    let program = if program == "env" {
        words.find(|w| !w.starts_with('-'))?
    } else {
        program
    };
    if program.starts_with("python") {
        Some(Family::Python)
    } else if matches!(program, "sh" | "bash" | "zsh" | "dash" | "ksh") {
        Some(Family::Shell)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_families() {
        let cases = [
            ("src/app.py", Some(Family::Python)),
            ("web/chat.tsx", Some(Family::JavaScript)),
            ("lib/index.mjs", Some(Family::JavaScript)),
            ("a/b.ipynb", Some(Family::Notebook)),
            (".env", Some(Family::Dotenv)),
            (".env.production", Some(Family::Dotenv)),
            ("Dockerfile.gpu", Some(Family::Dockerfile)),
            ("GNUmakefile", Some(Family::Makefile)),
            ("Modelfile", Some(Family::Modelfile)),
            ("setup.cfg", Some(Family::Ini)),
            ("ci.YML", Some(Family::Yaml)),
            ("README.md", Some(Family::Markdown)),
            ("main.rs", None),
            ("LICENSE", None),
            ("modelgate.toml", None),
        ];
        for (path, family) in cases {
            assert_eq!(by_name(Path::new(path)), family, "{path}");
        }
    }

    #[test]
    fn shebangs_name_interpreters() {
        assert_eq!(
            by_shebang(b"#!/usr/bin/env python3\nx"),
            Some(Family::Python)
        );
        assert_eq!(by_shebang(b"#!/bin/bash -e\n"), Some(Family::Shell));
        assert_eq!(by_shebang(b"#!/usr/bin/env -S node\n"), None);
        assert_eq!(by_shebang(b"no shebang"), None);
    }
}
