//! `check --format github`: GitHub Actions workflow commands, errors first.
//! GitHub shows at most 10 annotations of each level per step, so past that
//! one notice says how many more there are; with `$GITHUB_STEP_SUMMARY` set, a
//! Markdown table of every finding is appended to the job summary.

use std::io::Write;

use crate::codes::Severity;
use crate::evaluate::CheckRun;
use crate::evaluate::Finding;

/// Annotations GitHub shows per level and step.
const SHOWN_PER_LEVEL: usize = 10;

pub fn write(out: &mut dyn Write, run: &CheckRun) -> std::io::Result<()> {
    let mut hidden = 0;
    for (severity, command) in [
        (Severity::Error, "error"),
        (Severity::Warn, "warning"),
        (Severity::Info, "notice"),
    ] {
        let level: Vec<&Finding> = run
            .findings
            .iter()
            .filter(|f| f.waived.is_none() && f.severity == severity)
            .collect();
        for f in level.iter().take(SHOWN_PER_LEVEL) {
            annotation(out, command, f)?;
        }
        hidden += level.len().saturating_sub(SHOWN_PER_LEVEL);
    }
    if hidden > 0 {
        writeln!(out, "::notice title=modelgate::{}", escape_data(&format!("{hidden} more findings are not shown as annotations (GitHub shows 10 per level); see the job summary or run modelgate check --format short")))?;
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let mut summary = Vec::new();
        write_summary(&mut summary, run)?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(&summary))
            .map_err(|e| {
                let path = std::path::Path::new(&path).display();
                std::io::Error::new(e.kind(), format!("$GITHUB_STEP_SUMMARY {path}: {e}"))
            })?;
    }
    Ok(())
}

fn annotation(out: &mut dyn Write, command: &str, f: &Finding) -> std::io::Result<()> {
    let info = f.code.info();
    let title = format!("{} {}", info.id, info.name);
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    writeln!(
        out,
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(&f.path),
        f.line.max(1),
        f.column.max(1),
        escape_property(&title),
        escape_data(&message)
    )
}

/// The job summary: one table row per finding, the waived ones marked with
/// who waived them and why.
fn write_summary(out: &mut dyn Write, run: &CheckRun) -> std::io::Result<()> {
    let active = run.findings.iter().filter(|f| f.waived.is_none()).count();
    let waived = run.findings.len() - active;
    write!(
        out,
        "## modelgate: {}",
        crate::text::count(active, "finding", "findings")
    )?;
    if waived > 0 {
        write!(out, " ({waived} waived)")?;
    }
    writeln!(out, "\n")?;
    if run.findings.is_empty() {
        return writeln!(
            out,
            "No findings. Policy: {}.",
            markdown_cell(&run.policy_display)
        );
    }
    writeln!(
        out,
        "| severity | code | location | message |\n|---|---|---|---|"
    )?;
    // Active findings first, as in the annotations.
    let mut rows: Vec<&Finding> = run.findings.iter().collect();
    rows.sort_by_key(|f| f.waived.is_some());
    for f in rows {
        let (severity, message) = match &f.waived {
            None => (f.severity.word(), f.message.clone()),
            Some(w) => ("waived", format!("{} ({})", f.message, w.describe())),
        };
        writeln!(
            out,
            "| {} | {} | `{}:{}:{}` | {} |",
            severity,
            f.code.info().id,
            markdown_cell(&f.path).replace('`', "'"),
            f.line,
            f.column,
            markdown_cell(&message)
        )?;
    }
    writeln!(out, "\nPolicy: {}.", markdown_cell(&run.policy_display))
}

/// A table cell: no line breaks, no column separators, no HTML.
fn markdown_cell(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '|' => "\\|".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            c if crate::report::is_hidden(c) => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Workflow-command data: `%`, CR and LF are escaped.
/// Other control characters, which the runner would pass raw into the log
/// (and to whatever terminal shows it), are shown escaped (`\u{1b}`).
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::report::is_hidden(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Workflow-command properties: also `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_data("a\u{1b}[31m\u{7}"), "a\\u{1b}[31m\\u{7}");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(markdown_cell("a|b<script>\n"), "a\\|b&lt;script&gt; ");
    }
}
