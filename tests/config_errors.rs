//! Every way to get `modelgate.toml` or a rule file wrong is a diagnostic:
//! exit 2, the file, line and column, and the valid choices where there is a
//! fixed set. One case per kind of mistake.

use std::path::Path;
use std::process::Command;

struct Case {
    name: &'static str,
    file: &'static str,
    text: &'static str,
    /// `file:line:column` as printed.
    at: &'static str,
    /// Every one of these must be printed.
    says: &'static [&'static str],
}

fn run_case(case: &Case, rules: bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("app.py"),
        "m = AutoModel.from_pretrained(\"gpt2\")\n",
    )
    .unwrap();
    let path = root.join(case.file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, case.text).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelgate"));
    command
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(["check", "."]);
    if rules {
        command.args(["--rules", "extra"]);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{}: {stderr}", case.name);
    assert!(
        output.stdout.is_empty(),
        "{}: no report on a config error",
        case.name
    );
    assert!(
        stderr.contains(&format!("┌─ {}", case.at)),
        "{}: expected a label at {}:\n{stderr}",
        case.name,
        case.at
    );
    for text in case.says {
        assert!(
            stderr.contains(text),
            "{}: expected {text:?}:\n{stderr}",
            case.name
        );
    }
}

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_policy_mistake_is_located_and_explained() {
    let cases = [
        Case {
            name: "syntax",
            file: "modelgate.toml",
            text: "[project\nuse = \"commercial\"\n",
            at: "modelgate.toml:1:9",
            says: &["invalid policy"],
        },
        Case {
            name: "unknown key",
            file: "modelgate.toml",
            text: "[project]\nuses = \"commercial\"\n",
            at: "modelgate.toml:2:1",
            says: &[
                "unknown field `uses`",
                "did you mean `use`?",
                "valid keys: `use`",
            ],
        },
        Case {
            name: "wrong type",
            file: "modelgate.toml",
            text: "[project]\nuse = 3\n",
            at: "modelgate.toml:2:7",
            says: &[
                "invalid type: integer `3`",
                "expected one of: \"commercial\", \"non-commercial\", \"research\"",
            ],
        },
        Case {
            name: "wrong value",
            file: "modelgate.toml",
            text: "[project]\ndistribution = \"public\"\n",
            at: "modelgate.toml:2:16",
            says: &["`public` is not one of: none, internal, saas, distributed"],
        },
        Case {
            name: "unknown code in [severity]",
            file: "modelgate.toml",
            text: "[severity]\nMG020 = \"warn\"\n",
            at: "modelgate.toml:2:1",
            says: &["unknown code `MG020`", "the codes are MG001…MG015"],
        },
        Case {
            name: "wrong severity",
            file: "modelgate.toml",
            text: "[severity]\nMG002 = \"loud\"\n",
            at: "modelgate.toml:2:9",
            says: &["`loud` is not one of: error, warn, info, off"],
        },
        Case {
            name: "bad glob",
            file: "modelgate.toml",
            text: "[[exceptions]]\nmodels = [\"meta-llama/[x\"]\nreason = \"r\"\n",
            at: "modelgate.toml:2:11",
            says: &["invalid glob `meta-llama/[x`", "unclosed character class"],
        },
        Case {
            name: "bad date",
            file: "modelgate.toml",
            text: "[[exceptions]]\nmodels = [\"gpt2\"]\nreason = \"r\"\nexpires = \"2027-02-30\"\n",
            at: "modelgate.toml:4:11",
            says: &["`2027-02-30` is not a date", "expected YYYY-MM-DD"],
        },
        Case {
            name: "exception without reason",
            file: "modelgate.toml",
            text: "[[exceptions]]\nmodels = [\"gpt2\"]\n",
            at: "modelgate.toml:2:11",
            says: &["an exception needs a `reason`"],
        },
        Case {
            name: "unknown licence",
            file: "modelgate.toml",
            text: "[licenses]\ndeny = [\"cc-by-nc\"]\n",
            at: "modelgate.toml:2:9",
            says: &["unknown licence `cc-by-nc`", "did you mean `cc-by-nc-4.0`?"],
        },
        Case {
            name: "pyproject",
            file: "pyproject.toml",
            text: "[project]\nname = \"x\"\n\n[tool.modelgate.project]\nuse = \"commercal\"\n",
            at: "pyproject.toml:5:7",
            says: &["`commercal` is not one of", "did you mean `commercial`?"],
        },
    ];
    for case in &cases {
        run_case(case, false);
    }
}

#[test]
fn every_rules_mistake_is_located_and_explained() {
    let licence = std::fs::read_to_string(here().join("rules/licenses/mit.toml")).unwrap();
    let cases = [
        Case {
            name: "syntax",
            file: "extra/models/x.toml",
            text: "[[model]\nid = \"org/x\"\n",
            at: "extra/models/x.toml:1:9",
            says: &["error"],
        },
        Case {
            name: "unknown key",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/x\"\nprovider = \"huggingface\"\nlicence = \"mit\"\nsource = \"https://example.org\"\n",
            at: "extra/models/x.toml:4:1",
            says: &["unknown field `licence`", "did you mean `license`?"],
        },
        Case {
            name: "unknown licence",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/x\"\nprovider = \"huggingface\"\nlicense = \"apache2\"\nsource = \"https://example.org\"\n",
            at: "extra/models/x.toml:4:11",
            says: &["apache2"],
        },
        Case {
            name: "missing source",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/x\"\nprovider = \"huggingface\"\nlicense = \"mit\"\n",
            at: "extra/models/x.toml:2:6",
            says: &["source"],
        },
        Case {
            name: "wrong type",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/x\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://example.org\"\naliases = \"x\"\n",
            at: "extra/models/x.toml:6:11",
            says: &["invalid type: string \"x\", expected a sequence"],
        },
        Case {
            name: "bad glob",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/[x\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://example.org\"\n",
            at: "extra/models/x.toml:2:6",
            says: &["invalid pattern `org/[x`", "unclosed character class"],
        },
        Case {
            name: "bad date",
            file: "extra/models/x.toml",
            text: "[[model]]\nid = \"org/x\"\nprovider = \"huggingface\"\nlicense = \"mit\"\nsource = \"https://example.org\"\n[[model.history]]\nlicense = \"apache-2.0\"\nuntil = \"2024-02-30\"\nsource = \"https://example.org\"\n",
            at: "extra/models/x.toml:8:9",
            says: &["`2024-02-30` is not a date", "expected YYYY-MM-DD"],
        },
        Case {
            name: "wrong enum value",
            file: "extra/licenses/mit2.toml",
            text: Box::leak(
                licence
                    .replace("id = \"mit\"", "id = \"mit2\"")
                    .replace("category = \"open-source\"", "category = \"permissive\"")
                    .into_boxed_str(),
            ),
            at: "extra/licenses/mit2.toml:",
            says: &["unknown variant `permissive`", "open-source", "open-weights", "non-commercial", "proprietary"],
        },
    ];
    for case in &cases {
        run_case(case, true);
    }
}
