use super::*;
use crate::catalog::load::{load as load_rules, Provenance, RuleFile};

fn catalog() -> Catalog {
    let license = |id: &str| {
        RuleFile {
        name: format!("<builtin>/rules/licenses/{id}.toml"),
        text: format!(
            "id = \"{id}\"\nname = \"{id}\"\nurl = \"https://x.org/{id}\"\nversion = \"1\"\ncategory = \"open-weights\"\nosi_approved = false\ncommercial_use = \"conditional\"\nmonthly_active_users_limit = 0\nrevenue_limit_usd = 0\nresearch_only = false\nuse_restrictions = false\noutputs_may_train_other_models = \"silent\"\nshare_alike = false\nhosted_only = false\nflow_down = false\nterritory_restriction = \"\"\nattribution = \"\"\nconfidence = \"V\"\nsource = \"https://x.org/{id}\"\n"
        ),
        provenance: Provenance::Builtin,
    }
    };
    load_rules(vec![license("llama2"), license("cc-by-nc-4.0")]).catalog
}

fn load_text(text: &str) -> (Loaded, FileDb) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("modelgate.toml");
    std::fs::write(&path, text).unwrap();
    // The extra rule file the full policy names (its presence is checked).
    std::fs::create_dir(dir.path().join("compliance")).unwrap();
    std::fs::write(dir.path().join("compliance/extra.toml"), "").unwrap();
    let mut files = FileDb::new();
    let loaded = load(&Found::Modelgate(path), &catalog(), &mut files);
    (loaded, files)
}

fn errors(text: &str) -> Vec<(String, String, String)> {
    let (loaded, _) = load_text(text);
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let label = d
                .labels
                .first()
                .map(|l| (text[l.range.clone()].to_string(), l.message.clone()))
                .unwrap_or_default();
            (d.message.clone(), label.0, label.1)
        })
        .collect()
}

#[test]
fn a_full_policy_loads() {
    let (loaded, _) = load_text(
        r#"
[project]
use = "research"
distribution = "internal"
monthly_active_users = 699_999_999
annual_revenue_usd = 5_000_000
trains_on_model_outputs = true
open_weights_only = true

[licenses]
deny = ["cc-by-nc-4.0"]
deny_categories = ["proprietary"]
unknown = "deny"
dynamic = "allow"

[models]
deny = [{ model = "deepseek-ai/*", reason = "vendor not approved", use_instead = "mistralai/Mistral-7B-Instruct-v0.3" }, "acme/*"]

[[exceptions]]
models = ["meta-llama/Llama-2-*"]
paths = ["research/**"]
reason = "research notebooks are never shipped"
expires = "2027-06-30"

[severity]
MG006 = "warn"
MG009 = "off"

[scan]
exclude = ["third_party/**"]
max_file_size = "1MiB"
rules = ["compliance/extra.toml"]
"#,
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let p = loaded.policy;
    assert_eq!(p.use_.value, Use::Research);
    assert_eq!(p.distribution.value, Distribution::Internal);
    assert_eq!(p.monthly_active_users.unwrap().value, 699_999_999);
    assert_eq!(p.deny_models.len(), 2);
    assert_eq!(
        p.deny_models[0].use_instead.as_deref(),
        Some("mistralai/Mistral-7B-Instruct-v0.3")
    );
    assert_eq!(p.exceptions[0].expires.as_deref(), Some("2027-06-30"));
    assert_eq!(
        p.severity.get(&Code::UnknownModel),
        Some(&SeverityOverride::Off)
    );
    assert_eq!(p.max_file_size, Some(1 << 20));
    assert!(p.rules[0].ends_with("compliance/extra.toml"));
}

#[test]
fn the_default_profile_is_commercial_and_distributed() {
    let p = Policy::default();
    assert_eq!(
        (p.use_.value, p.distribution.value, p.unknown.value),
        (Use::Commercial, Distribution::Distributed, Level::Warn)
    );
    assert_eq!(p.origin, PolicyOrigin::Builtin);
}

#[test]
fn every_problem_is_a_diagnostic_with_a_span() {
    let got = errors(
        r#"
[project]
use = "comercial"

[licenses]
deny = ["cc-by-nc-4"]

[[exceptions]]
models = ["x/*"]

[[exceptions]]
paths = ["a/**"]
reason = "ok"
expires = "2027-13-01"

[severity]
MG02 = "warn"
MG003 = "loud"
"#,
    );
    assert_eq!(
        got,
        [
            (
                "`comercial` is not one of: commercial, non-commercial, research".into(),
                "\"comercial\"".into(),
                "did you mean `commercial`? expected one of: commercial, non-commercial, research"
                    .into()
            ),
            (
                "unknown licence `cc-by-nc-4`".into(),
                "\"cc-by-nc-4\"".into(),
                "did you mean `cc-by-nc-4.0`?".into()
            ),
            (
                "an exception needs a `reason`".into(),
                "\"x/*\"".into(),
                "add reason = \"…\" to this [[exceptions]] entry".into()
            ),
            (
                "`2027-13-01` is not a date".into(),
                "\"2027-13-01\"".into(),
                "expected YYYY-MM-DD, e.g. \"2027-06-30\"".into()
            ),
            (
                "`loud` is not one of: error, warn, info, off".into(),
                "\"loud\"".into(),
                "expected one of: error, warn, info, off".into()
            ),
            (
                "unknown code `MG02`".into(),
                "MG02".into(),
                "did you mean `MG002`? the codes are MG001…MG015".into()
            ),
        ]
    );
}

#[test]
fn unknown_keys_and_syntax_errors_point_at_the_text() {
    let got = errors("[project]\nuses = \"commercial\"\n");
    assert_eq!(got.len(), 1);
    assert!(
        got[0].0.starts_with("invalid policy: unknown field `uses`"),
        "{got:?}"
    );
    assert_eq!(got[0].1, "uses");
    assert!(
        got[0]
            .2
            .starts_with("did you mean `use`? valid keys: `use`, `distribution`"),
        "{got:?}"
    );
    let got = errors("[project\n");
    assert!(got[0].0.starts_with("invalid policy:"), "{got:?}");
    let got = errors("[project]\nmonthly_active_users = \"many\"\n");
    assert!(got[0].0.contains("invalid type"), "{got:?}");
    assert_eq!(got[0].1, "\"many\"");
}

#[test]
fn discovery_walks_up_and_reads_pyproject() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    assert_eq!(discover(&dir.path().join("a/b")), None);
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n",
    )
    .unwrap();
    assert_eq!(
        discover(&dir.path().join("a/b")),
        None,
        "a pyproject.toml without [tool.modelgate] is not a policy"
    );
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.modelgate.project]\nuse = \"research\"\n",
    )
    .unwrap();
    let found = discover(&dir.path().join("a/b")).unwrap();
    assert!(matches!(found, Found::Pyproject(_)));
    let mut files = FileDb::new();
    let loaded = load(&found, &catalog(), &mut files);
    assert!(loaded.diagnostics.is_empty());
    assert_eq!(loaded.policy.use_.value, Use::Research);
    std::fs::write(dir.path().join("a/modelgate.toml"), "").unwrap();
    assert!(matches!(
        discover(&dir.path().join("a/b")).unwrap(),
        Found::Modelgate(_)
    ));
}

#[test]
fn extends_overlays_a_shared_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("org.toml"), "[project]\nuse = \"commercial\"\nmonthly_active_users = 5\n[licenses]\ndeny = [\"cc-by-nc-4.0\"]\n").unwrap();
    std::fs::write(dir.path().join("modelgate.toml"), "extends = \"org.toml\"\n[project]\nmonthly_active_users = 9\n[licenses]\ndeny = [\"llama2\"]\n").unwrap();
    let mut files = FileDb::new();
    let loaded = load(
        &Found::Modelgate(dir.path().join("modelgate.toml")),
        &catalog(),
        &mut files,
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.policy.monthly_active_users.unwrap().value, 9);
    let denied: Vec<_> = loaded
        .policy
        .deny_licenses
        .iter()
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(denied, ["cc-by-nc-4.0", "llama2"]);
    std::fs::write(
        dir.path().join("org.toml"),
        "extends = \"modelgate.toml\"\n",
    )
    .unwrap();
    let mut files = FileDb::new();
    let looped = load(
        &Found::Modelgate(dir.path().join("modelgate.toml")),
        &catalog(),
        &mut files,
    );
    assert!(
        looped.diagnostics[0].message.starts_with("`extends` loops"),
        "{:?}",
        looped.diagnostics
    );
}

/// The words the text formats print (`warning`, `note`) set a severity too.
#[test]
fn a_severity_may_be_written_as_the_output_prints_it() {
    let (loaded, _) = load_text("[severity]\nMG006 = \"warning\"\nMG011 = \"note\"\n");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let p = loaded.policy;
    assert_eq!(
        (
            p.severity.get(&Code::AttributionRequired),
            p.severity.get(&Code::DynamicReference)
        ),
        (
            Some(&SeverityOverride::Set(Severity::Warn)),
            Some(&SeverityOverride::Set(Severity::Info))
        )
    );
}
