//! `check --format human`: compiler-style diagnostics (codespan-reporting) on
//! stdout, with the reference labelled in its file and, where a policy line
//! causes the finding, that line as a secondary label; then a summary.

use codespan_reporting::diagnostic::{Diagnostic, Label};

use crate::codes::Severity;
use crate::evaluate::CheckRun;
use crate::evaluate::Finding;
use crate::excerpt::{ReportFiles, EXCERPT_IDS};
use crate::policy::PolicyOrigin;
use crate::report::diagnostics::{self, ColorWhen};
use crate::report::visible;

/// What the human format shows: every finding (`verbose`), info findings
/// in full (`include_info`), the summary line (`!quiet`), findings from
/// `min_severity` up.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub verbose: bool,
    pub include_info: bool,
    pub quiet: bool,
    pub min_severity: Severity,
}

impl HumanOptions {
    /// Everything, as `-v` shows it.
    pub fn everything() -> Self {
        HumanOptions {
            verbose: true,
            include_info: true,
            quiet: false,
            min_severity: Severity::Info,
        }
    }
}

/// Findings of one code about one model shown in full before the rest of
/// them are counted in a note (`-v` shows every one).
const SHOWN_PER_GROUP: usize = 3;

/// The findings and the summary on stdout, with the rest of a check's output
/// (`check > out.txt`, `| less`, `| grep MG002` see them).
pub fn write(run: &CheckRun, color: ColorWhen, options: HumanOptions) -> std::io::Result<()> {
    let shown = shown(run, options);
    diagnostics::emit_to_stdout(&files(run), &shown.diagnostics, color)?;
    let mut out = std::io::stdout().lock();
    tail(&mut out, run, options, &shown)
}

/// The same text without colour, for files (`-o`), tests and fuzzing.
pub fn render_plain(run: &CheckRun, options: HumanOptions) -> String {
    let shown = shown(run, options);
    let mut out = diagnostics::render_plain(&files(run), &shown.diagnostics);
    let mut rest = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = tail(&mut rest, run, options, &shown);
    out.push_str(&String::from_utf8_lossy(&rest));
    out
}

/// The diagnostics to print, and the one-line-per-model summary of the info
/// findings they leave out.
struct Shown {
    diagnostics: Vec<Diagnostic<usize>>,
    infos: Vec<String>,
}

fn shown(run: &CheckRun, options: HumanOptions) -> Shown {
    let mut findings: Vec<&Finding> = run
        .findings
        .iter()
        .filter(|f| options.verbose || f.waived.is_none())
        .filter(|f| f.severity >= options.min_severity)
        .collect();
    // Errors first, then warnings, then infos; by place within each.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let full_infos = options.verbose || options.include_info;
    let (infos, findings): (Vec<&Finding>, Vec<&Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Info && f.waived.is_none() && !full_infos);
    let diagnostics = if options.verbose {
        findings.iter().map(|f| diagnostic(f, run)).collect()
    } else {
        grouped(&findings, run)
    };
    Shown {
        diagnostics,
        infos: info_lines(&infos, run),
    }
}

/// The model a finding is about, as its groups key it and its message names
/// it (`ResolvedRef::shown_name`).
fn subject<'f>(f: &'f Finding, run: &'f CheckRun) -> &'f str {
    match f.reference {
        Some(i) => run.references[i].shown_name(),
        None => f.model.as_deref().unwrap_or(""),
    }
}

/// Findings of one code about one model, in their order: the first ones in
/// full, the others counted in a note on the last of those.
fn grouped(findings: &[&Finding], run: &CheckRun) -> Vec<Diagnostic<usize>> {
    // (code, model, waived) → the group's place in `groups`, first seen first.
    type Key<'a> = (crate::codes::Code, &'a str, bool);
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut index: std::collections::HashMap<Key<'_>, usize> = std::collections::HashMap::new();
    for f in findings {
        let key = (f.code, subject(f, run), f.waived.is_some());
        match index.get(&key) {
            Some(&i) => groups[i].push(f),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![f]);
            }
        }
    }
    let mut out = Vec::new();
    for group in groups {
        let shown = group.len().min(SHOWN_PER_GROUP);
        for (n, f) in group.iter().take(shown).enumerate() {
            let mut d = diagnostic(f, run);
            if n + 1 == shown && group.len() > shown {
                d.notes.push(format!(
                    "{} more like this ({} places in all); `-v` lists every one",
                    group.len() - shown,
                    group.len()
                ));
            }
            out.push(d);
        }
    }
    out
}

/// One line per model for the info findings left out: the obligations that
/// come with it (attribution, use restrictions …) and how many places use it.
fn info_lines(infos: &[&Finding], run: &CheckRun) -> Vec<String> {
    let mut by_model: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in infos {
        let model = subject(f, run).to_string();
        match by_model.iter_mut().find(|(m, _)| *m == model) {
            Some((_, list)) => list.push(f),
            None => by_model.push((model, vec![f])),
        }
    }
    by_model
        .into_iter()
        .map(|(model, list)| {
            let mut codes: Vec<&'static str> = Vec::new();
            for f in &list {
                let info = f.code.info();
                if !codes.contains(&info.name) {
                    codes.push(info.name);
                }
            }
            let places: std::collections::BTreeSet<(&str, u32)> =
                list.iter().map(|f| (f.path.as_str(), f.line)).collect();
            format!(
                "note: `{}`: {} ({})",
                visible(&model),
                codes.join(", "),
                crate::text::count(places.len(), "place", "places")
            )
        })
        .collect()
}

/// After the diagnostics: the info summary, then (unless quiet) the skipped
/// files (with `-v`) and the counts.
fn tail(
    out: &mut dyn std::io::Write,
    run: &CheckRun,
    options: HumanOptions,
    shown: &Shown,
) -> std::io::Result<()> {
    for line in &shown.infos {
        writeln!(out, "{line}")?;
    }
    if !shown.infos.is_empty() {
        writeln!(
            out,
            "(obligations of the models above, summarised; `--include-info` or `-v` prints them in full)"
        )?;
    }
    if options.quiet {
        return Ok(());
    }
    summary(out, run, options.verbose)
}

fn files(run: &CheckRun) -> ReportFiles<'_> {
    ReportFiles {
        files: &run.files,
        excerpts: &run.excerpts,
        root: shown_root(run),
    }
}

/// The root put before scanned files' paths so that they are relative to the
/// current directory, like the policy file's path; `None` for `.`.
fn shown_root(run: &CheckRun) -> Option<&str> {
    let root = run.root.trim_end_matches('/');
    (!root.is_empty() && root != "." && root != "./").then_some(root)
}

/// One finding as a codespan diagnostic.
pub fn diagnostic(f: &Finding, run: &CheckRun) -> Diagnostic<usize> {
    let base = match (f.waived.is_some(), f.severity) {
        (true, _) => Diagnostic::note(),
        (false, Severity::Error) => Diagnostic::error(),
        (false, Severity::Warn) => Diagnostic::warning(),
        (false, Severity::Info) => Diagnostic::note(),
    };
    let mut labels = Vec::new();
    if let Some(index) = f.reference {
        let r = &run.references[index].reference;
        if let Some(excerpt) = run.excerpts.get(&index) {
            let what = if r.dynamic {
                "built at run time"
            } else {
                r.kind.as_str()
            };
            labels.push(
                Label::primary(EXCERPT_IDS + index, excerpt.span.clone())
                    .with_message(format!("{} ({what})", visible(&r.context))),
            );
        }
    }
    if let Some(p) = &f.policy_label {
        let label = if labels.is_empty() {
            Label::primary(p.file, p.span.clone())
        } else {
            Label::secondary(p.file, p.span.clone())
        };
        labels.push(label.with_message(visible(&p.message).into_owned()));
    }
    let mut notes: Vec<String> = f.notes.iter().map(|n| visible(n).into_owned()).collect();
    if labels.is_empty() {
        notes.insert(
            0,
            format!("at {}", visible(&crate::report::inventory::location(f))),
        );
    }
    if let Some(help) = &f.help {
        notes.push(format!("help: {}", visible(help)));
    }
    if let Some(w) = &f.waived {
        notes.push(visible(&w.describe()).into_owned());
    }
    // A waived finding (shown with -v) says so before anything else.
    let message = match &f.waived {
        Some(_) => format!("waived: {}", visible(&f.message)),
        None => visible(&f.message).into_owned(),
    };
    base.with_code(f.code.info().id)
        .with_message(message)
        .with_labels(labels)
        .with_notes(notes)
}

/// The policy as the summary names it: relative to the current directory,
/// like every location the diagnostics show (the outputs for machines keep it
/// relative to the scanned root).
fn policy_path(run: &CheckRun) -> String {
    match shown_root(run) {
        Some(root)
            if !matches!(run.policy.origin, PolicyOrigin::Builtin)
                && !run.policy_display.starts_with('/') =>
        {
            format!("{root}/{}", run.policy_display)
        }
        _ => run.policy_display.clone(),
    }
}

fn summary(err: &mut dyn std::io::Write, run: &CheckRun, verbose: bool) -> std::io::Result<()> {
    let count = |s: Severity| {
        run.findings
            .iter()
            .filter(|f| f.waived.is_none() && f.severity == s)
            .count()
    };
    let waived = run.findings.iter().filter(|f| f.waived.is_some()).count();
    if verbose {
        crate::report::write_skipped(err, &run.scan.skipped)?;
    }
    use crate::text::count as n;
    writeln!(
        err,
        "{}, {}, {} ({waived} waived) in {}; {} scanned, {} skipped{}; policy: {}",
        n(
            count(Severity::Error),
            Severity::Error.word(),
            Severity::Error.plural()
        ),
        n(
            count(Severity::Warn),
            Severity::Warn.word(),
            Severity::Warn.plural()
        ),
        n(
            count(Severity::Info),
            Severity::Info.word(),
            Severity::Info.plural()
        ),
        n(run.references.len(), "reference", "references"),
        n(run.scan.files_scanned, "file", "files"),
        run.scan.skipped.len(),
        crate::report::hub_summary(run.scan.hub),
        visible(&policy_path(run))
    )
}
