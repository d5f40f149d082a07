//! The fuzz targets' bodies (`fuzz/fuzz_targets/*.rs`), here so that the
//! inputs fuzzing ever found are replayed by `cargo test`
//! (`tests/fuzz_regressions.rs`) through exactly the same code.

use std::sync::OnceLock;

use crate::catalog::load::{builtin_files, load, Loaded, Provenance, RuleFile};
use crate::classify::Family;
use crate::extract::{extract as run_extractor, gguf, ExtractOptions};
use crate::settings_file::FileDb;
use crate::text::{decode, LineIndex};

const FAMILIES: [Family; 13] = Family::ALL;

/// Every extractor, the GGUF header reader and the suppression parser: the
/// first byte picks which; the rest is decoded as the walker decodes files.
/// Spans must slice the text and map to a line and column.
pub fn extract(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let choice = usize::from(selector) % (FAMILIES.len() + 1);
    if choice == FAMILIES.len() {
        let _ = gguf::read_header(&mut &rest[..]);
        return;
    }
    let Ok(source) = decode(rest) else {
        return;
    };
    let text = source.text;
    let mut out = Vec::new();
    let _ = run_extractor(
        FAMILIES[choice],
        text,
        ExtractOptions { include_docs: true },
        "fuzz/input",
        &mut out,
    );
    let index = LineIndex::new(text);
    for found in &out {
        assert!(text.get(found.span.clone()).is_some(), "{found:?}");
        let _ = index.position(text, found.span.start);
        let _ = index.position(text, found.span.end);
    }
    let _ = crate::evaluate::suppress::parse(text);
}

/// The rule-file loader on one file: a licence file, a model file or the Hub
/// licence map (first byte). Labels must point inside the file.
pub fn rules(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match selector % 3 {
        0 => "fuzz/licenses/input.toml",
        1 => "fuzz/models/input.toml",
        _ => "fuzz/hf-licenses.toml",
    };
    let loaded = load(vec![RuleFile {
        name: name.to_string(),
        text: text.to_string(),
        provenance: Provenance::Extra,
    }]);
    for diagnostic in &loaded.diagnostics {
        for label in &diagnostic.labels {
            assert!(
                label.range.start <= label.range.end && label.range.end <= text.len(),
                "{label:?}"
            );
        }
    }
    if let Some(model) = loaded.catalog.models.first() {
        let _ = loaded.catalog.resolve(&model.id);
    }
}

/// The policy loader on one file (written where `dir` says), against the
/// built-in rule set.
pub fn policy(data: &[u8], dir: &std::path::Path) {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    let rules = RULES.get_or_init(|| load(builtin_files()));
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join("modelgate.toml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut files = FileDb::new();
    let _ = crate::policy::load(
        &crate::policy::Found::Modelgate(path),
        &rules.catalog,
        &mut files,
    );
}

fn builtin_rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(|| load(builtin_files()))
}

/// Resolution on any string: normalisation, catalog lookup and lineage, as a
/// reference of each kind and strength. Normalising is idempotent.
pub fn resolve(data: &[u8]) {
    use crate::catalog::normalise;
    use crate::model::{ModelRef, OneIndexed, RefKind, Strength};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let catalog = &builtin_rules().catalog;
    let once = normalise::normalise(text);
    assert_eq!(normalise::normalise(&once), once, "{text:?}");
    let _ = normalise::lookup_keys(text);
    let _ = normalise::strip_quant_suffixes(text);
    let _ = normalise::strip_date_snapshot(text);
    let _ = normalise::gguf_model_stem(&text.to_ascii_lowercase());
    let _ = catalog.by_file(text);
    let _ = catalog.knows_unambiguously(text);
    let _ = catalog.resolve(text);
    let references = [
        RefKind::Code,
        RefKind::Config,
        RefKind::Artifact,
        RefKind::Modelfile,
        RefKind::CheckpointFile,
    ]
    .into_iter()
    .zip([Strength::Strong, Strength::Weak].into_iter().cycle())
    .map(|(kind, strength)| ModelRef {
        path: "fuzz.py".to_string(),
        span: 0..text.len(),
        line: OneIndexed(1),
        column: OneIndexed(1),
        end_line: OneIndexed(1),
        end_column: OneIndexed(1),
        text: text.to_string(),
        kind,
        context: text.to_string(),
        provider: Some("ollama"),
        dynamic: false,
        strength,
        weights: None,
    })
    .collect();
    let resolved = crate::resolve::resolve(references, catalog, None, None, &Default::default());
    for r in &resolved {
        for ancestor in &r.lineage {
            let _ = catalog.resolve(ancestor);
        }
    }
}

/// File names a pipeline input can write to: every family, a weight file and
/// the policy.
const TREE_NAMES: [&str; 16] = [
    "app.py",
    "web/chat.ts",
    "config.yaml",
    "models.json",
    "settings.toml",
    ".env",
    "setup.cfg",
    "scripts/run.sh",
    "Dockerfile",
    "Makefile",
    "Modelfile",
    "notebooks/explore.ipynb",
    "models/bot/README.md",
    "models/bot/model.gguf",
    "docs/guide.md",
    "modelgate.toml",
];

/// An arbitrary small tree: the input is cut at `\0\0`; each part's first
/// byte picks the file it becomes (see `TREE_NAMES`), the rest is its content.
pub fn pipeline(data: &[u8], dir: &std::path::Path) {
    let mut files: Vec<(&str, &[u8])> = Vec::new();
    let mut rest = data;
    while let Some((&selector, body)) = rest.split_first() {
        let end = memchr::memmem::find(body, b"\0\0").unwrap_or(body.len());
        files.push((
            TREE_NAMES[usize::from(selector) % TREE_NAMES.len()],
            &body[..end],
        ));
        rest = body.get(end + 2..).unwrap_or(&[]);
        if files.len() == 8 {
            break;
        }
    }
    pipeline_tree(&files, dir);
}

/// Writes `files` under `dir` (emptied first) and runs `list`, `check` and
/// `report` over it in every format. Machine formats must parse; HTML and
/// Markdown must hold no scanned text unescaped; no output may hold a raw
/// control, bidi or format character (tab, LF and CR aside).
pub fn pipeline_tree(files: &[(&str, &[u8])], dir: &std::path::Path) {
    use crate::pipeline::{self, Request};
    use crate::report::{self, inventory};
    let _ = std::fs::remove_dir_all(dir);
    for (name, content) in files {
        let path = dir.join(name);
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(dir));
        let _ = std::fs::write(path, content);
    }
    let request = Request {
        paths: vec![dir.to_path_buf()],
        walk: crate::walk::WalkOptions {
            threads: 1,
            extract: crate::extract::ExtractOptions { include_docs: true },
            ..Default::default()
        },
        // The human view is rendered too.
        keep_excerpts: true,
        ..Default::default()
    };
    // A broken policy is exit 2 with its diagnostics, checked by the policy target.
    let Ok(run) = pipeline::check(&request) else {
        return;
    };
    let inv = inventory::build(&run);
    let mut outputs: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut render = |name, write: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        write(&mut out).expect("writing into memory");
        outputs.push((name, out));
    };
    render("list-json", &|o| {
        report::json::write_list(o, &run.root, &run.references, &run.scan)
    });
    render("list-table", &|o| report::table::write(o, &run.references));
    render("human", &|o| {
        o.extend_from_slice(
            report::human::render_plain(&run, report::human::HumanOptions::everything()).as_bytes(),
        );
        Ok(())
    });
    // The default view too: errors first, groups counted, infos summarised.
    render("human-default", &|o| {
        let options = report::human::HumanOptions {
            verbose: false,
            include_info: false,
            quiet: false,
            min_severity: crate::codes::Severity::Info,
        };
        o.extend_from_slice(report::human::render_plain(&run, options).as_bytes());
        Ok(())
    });
    render("short", &|o| {
        report::short::write(o, &run, false, crate::codes::Severity::Info)
    });
    render("short-verbose", &|o| {
        report::short::write(o, &run, true, crate::codes::Severity::Info)
    });
    render("check-json", &|o| report::json::write_check(o, &run));
    render("github", &|o| report::github::write(o, &run));
    render("sarif", &|o| report::sarif::write(o, &run, true));
    render("markdown", &|o| report::markdown::write(o, &inv));
    render("html", &|o| report::html::write(o, &inv));
    render("report-json", &|o| report::json::write_report(o, &inv));
    render("cyclonedx", &|o| report::cyclonedx::write(o, &inv));
    render("notice", &|o| report::notice::write(o, &inv));
    for (name, out) in &outputs {
        let text = std::str::from_utf8(out).unwrap_or_else(|e| panic!("{name}: {e}"));
        let hidden = text
            .chars()
            .find(|&c| !matches!(c, '\n' | '\t' | '\r') && report::is_hidden(c));
        assert_eq!(hidden, None, "{name} holds a raw hidden character:\n{text}");
        if name.ends_with("json") || *name == "sarif" || *name == "cyclonedx" {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{name} does not parse: {e}\n{text}"));
        }
        if *name == "html" {
            assert_only_report_markup(text);
        }
        if *name == "markdown" {
            let outside = outside_code_spans(text);
            assert!(
                !outside.contains('<'),
                "raw `<` in the Markdown report:\n{text}"
            );
        }
    }
}

/// Every `<` in the HTML report opens one of the report's own elements, and
/// there is exactly the report's one script.
fn assert_only_report_markup(html: &str) {
    const TAGS: &[&str] = &[
        "!DOCTYPE", "a", "body", "button", "code", "dd", "div", "dl", "dt", "h1", "h2", "h3",
        "head", "header", "html", "label", "li", "main", "meta", "option", "p", "script",
        "section", "select", "span", "strong", "style", "table", "tbody", "td", "th", "thead",
        "title", "tr", "ul",
    ];
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    // The report's own style sheet and script are constants, free to use `<`.
    let mut markup = html.to_string();
    for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
        if let (Some(start), Some(end)) = (markup.find(open), markup.find(close)) {
            if start < end {
                markup.replace_range(start + open.len()..end, "");
            }
        }
    }
    for (at, _) in markup.match_indices('<') {
        let rest = &markup[at + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(
            TAGS.contains(&name.as_str()),
            "unexpected markup `<{name}` in:\n{html}"
        );
    }
}

/// The Markdown text outside code spans (runs of n backticks up to the next
/// run of exactly n), where a raw `<` would be HTML.
fn outside_code_spans(markdown: &str) -> String {
    let bytes = markdown.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            let next = memchr::memchr(b'`', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            out.push_str(&markdown[i..next]);
            i = next;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let mut j = i + run;
        let close = loop {
            let Some(n) = memchr::memchr(b'`', &bytes[j..]) else {
                break None;
            };
            let start = j + n;
            let len = bytes[start..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                break Some(start + len);
            }
            j = start + len;
        };
        match close {
            Some(end) => i = end,
            None => {
                out.push_str(&markdown[i..]);
                break;
            }
        }
    }
    out
}
