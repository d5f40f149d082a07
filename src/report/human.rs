//! `check --format human`: compiler-style diagnostics (codespan-reporting) on
//! stdout, with the reference labelled in its file and, where a policy line
//! causes the finding, that line as a secondary label; then a summary.

use codespan_reporting::diagnostic::{Diagnostic, Label};

use crate::app::check::CheckRun;
use crate::codes::Severity;
use crate::evaluate::Finding;
use crate::report::diagnostics::{self, ColorWhen};
use crate::report::excerpt::{ReportFiles, EXCERPT_IDS};
use crate::report::visible;

/// The findings and the summary on stdout, with the rest of a check's output
/// (`check > out.txt`, `| less`, `| grep MG002` see them).
pub fn write(run: &CheckRun, color: ColorWhen, verbose: bool) -> std::io::Result<()> {
    diagnostics::emit_to_stdout(&files(run), &shown(run, verbose), color)?;
    let mut out = std::io::stdout().lock();
    summary(&mut out, run, verbose)
}

/// The same text without colour, for tests and fuzzing.
pub fn render_plain(run: &CheckRun, verbose: bool) -> String {
    let mut out = diagnostics::render_plain(&files(run), &shown(run, verbose));
    let mut tail = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = summary(&mut tail, run, verbose);
    out.push_str(&String::from_utf8_lossy(&tail));
    out
}

fn shown(run: &CheckRun, verbose: bool) -> Vec<Diagnostic<usize>> {
    run.findings
        .iter()
        .filter(|f| verbose || f.waived.is_none())
        .map(|f| diagnostic(f, run))
        .collect()
}

fn files(run: &CheckRun) -> ReportFiles<'_> {
    ReportFiles {
        files: &run.files,
        excerpts: &run.excerpts,
    }
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
        notes.push(format!(
            "waived by {}: {}",
            visible(&w.by),
            visible(&w.reason)
        ));
    }
    base.with_code(f.code.info().id)
        .with_message(visible(&f.message).into_owned())
        .with_labels(labels)
        .with_notes(notes)
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
        "{}, {}, {} ({waived} waived) in {}; {} scanned, {} skipped; policy: {}",
        n(count(Severity::Error), "error", "errors"),
        n(count(Severity::Warn), "warning", "warnings"),
        n(count(Severity::Info), "info", "infos"),
        n(run.references.len(), "reference", "references"),
        n(run.scan.files_scanned, "file", "files"),
        run.scan.skipped.len(),
        visible(&run.policy_display)
    )
}
