//! `report --format markdown`: the compliance report as GitHub-flavoured
//! Markdown — headings and tables that render on a code hosting site and fit a
//! pull-request comment. Every string from the scanned repository goes through
//! `text` or `code`, so it can neither break a table nor inject HTML.

use crate::text::count;
use std::fmt::Write as _;
use std::io::Write;

use crate::evaluate::Finding;
use crate::report::inventory::{location, Inventory, ModelGroup, Status};

pub fn write(out: &mut dyn Write, inv: &Inventory<'_>) -> std::io::Result<()> {
    out.write_all(render(inv).as_bytes())
}

pub fn render(inv: &Inventory<'_>) -> String {
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut md, inv);
    md
}

fn render_into(md: &mut String, inv: &Inventory<'_>) -> std::fmt::Result {
    let run = inv.run;
    let s = &inv.summary;
    writeln!(
        md,
        "# Model compliance report: {}\n",
        code(&inv.title, false)
    )?;
    writeln!(
        md,
        "Generated {} by modelgate {} (rule set {}), judged against the policy {}.\n",
        inv.generated,
        env!("CARGO_PKG_VERSION"),
        code(&inv.rules_version, false),
        code(&run.policy_display, false)
    )?;

    writeln!(md, "## Summary\n")?;
    let verdict = if s.errors > 0 { "**fails**" } else { "passes" };
    writeln!(
        md,
        "The check {verdict}: {} in {} across {} scanned ({} skipped).\n",
        count(s.models, "model", "models"),
        count(s.references, "reference", "references"),
        count(s.files_scanned, "file", "files"),
        s.files_skipped
    )?;
    writeln!(md, "| Licence category | Models |\n|---|---:|")?;
    for (category, count) in &s.by_category {
        writeln!(md, "| {category} | {count} |")?;
    }
    writeln!(md, "\n| Severity | Findings |\n|---|---:|")?;
    writeln!(md, "| error | {} |", s.errors)?;
    writeln!(md, "| warning | {} |", s.warnings)?;
    writeln!(md, "| note | {} |", s.infos)?;
    writeln!(md, "| waived | {} |\n", s.waived)?;

    writeln!(md, "## Policy profile\n")?;
    writeln!(md, "| Setting | Value |\n|---|---|")?;
    for (setting, value) in &inv.profile {
        writeln!(md, "| {setting} | {} |", text(value))?;
    }

    writeln!(md, "\n## Violations\n")?;
    let violations: Vec<&Finding> = run
        .findings
        .iter()
        .filter(|f| f.waived.is_none() && f.severity != crate::codes::Severity::Info)
        .collect();
    if violations.is_empty() {
        writeln!(md, "None.")?;
    } else {
        writeln!(
            md,
            "| Severity | Code | Location | Model | Message |\n|---|---|---|---|---|"
        )?;
        for f in violations {
            writeln!(
                md,
                "| {} | {} {} | {} | {} | {} |",
                f.severity.word(),
                f.code.info().id,
                f.code.info().name,
                code(&location(f), true),
                f.model
                    .as_deref()
                    .map_or("—".to_string(), |m| code(m, true)),
                message(&f.message, true)
            )?;
        }
    }

    writeln!(md, "\n## Models\n")?;
    if inv.models.is_empty() {
        writeln!(md, "No model references were found.")?;
    } else {
        writeln!(
            md,
            "| Model | Licence | Category | Uses | Status |\n|---|---|---|---:|---|"
        )?;
        for m in &inv.models {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                code(&m.name, true),
                m.license_id.map_or("—".to_string(), |l| code(l, true)),
                m.category,
                m.uses.len(),
                m.status_word()
            )?;
        }
        for m in &inv.models {
            model_section(md, m)?;
        }
    }

    writeln!(md, "\n## Waivers\n")?;
    let waived: Vec<&Finding> = run.findings.iter().filter(|f| f.waived.is_some()).collect();
    if waived.is_empty() && run.policy.exceptions.is_empty() {
        writeln!(md, "None.")?;
    }
    if !waived.is_empty() {
        writeln!(
            md,
            "| Finding | Location | Waived by | Reason | Expires |\n|---|---|---|---|---|"
        )?;
        for f in &waived {
            let Some(w) = &f.waived else { continue };
            writeln!(
                md,
                "| {} {} | {} | {} | {} | {} |",
                f.code.info().id,
                f.code.info().name,
                code(&location(f), true),
                text(&w.by),
                text(&w.reason),
                w.expires.as_deref().map_or("—".to_string(), text)
            )?;
        }
    }
    if !run.policy.exceptions.is_empty() {
        writeln!(md, "\nExceptions declared in the policy:\n")?;
        writeln!(md, "| Reason | Expires |\n|---|---|")?;
        for e in &run.policy.exceptions {
            writeln!(
                md,
                "| {} | {} |",
                text(&e.reason),
                e.expires.as_deref().map_or("—".to_string(), text)
            )?;
        }
    }
    if !inv.policy_findings.is_empty() {
        writeln!(md, "\nProblems with the waivers:\n")?;
        for f in &inv.policy_findings {
            writeln!(
                md,
                "- **{} {}** {}: {}",
                f.severity.word(),
                f.code.info().id,
                code(&location(f), false),
                message(&f.message, false)
            )?;
        }
    }

    if !run.scan.skipped.is_empty() {
        writeln!(md, "\n## Skipped files\n")?;
        writeln!(md, "| Path | Reason |\n|---|---|")?;
        for skipped in &run.scan.skipped {
            writeln!(
                md,
                "| {} | {} |",
                code(&skipped.path, true),
                text(&skipped.reason.to_string())
            )?;
        }
    }
    Ok(())
}

fn model_section(md: &mut String, m: &ModelGroup<'_>) -> std::fmt::Result {
    writeln!(md, "\n### {}\n", code(&m.name, false))?;
    match (m.status, m.license, m.license_id) {
        (Status::Dynamic, ..) => writeln!(
            md,
            "- **Licence:** unknown — the name is computed at run time"
        )?,
        (_, Some(l), _) => writeln!(
            md,
            "- **Licence:** [{}]({}) ({}), {}; from the {}",
            text(&l.name),
            link_target(&l.url),
            code(&l.id, false),
            l.category.as_str(),
            m.license_source.map_or("rule set", |s| s.as_str())
        )?,
        (_, None, Some(id)) => writeln!(md, "- **Licence:** {}", code(id, false))?,
        (_, None, None) => writeln!(md, "- **Licence:** unknown — not in the rule set")?,
    }
    if let Some(provider) = m.provider {
        writeln!(md, "- **Provider:** {}", text(provider))?;
    }
    if !m.ancestors.is_empty() {
        let chain: Vec<String> = std::iter::once(m.name.as_str())
            .chain(m.ancestors.iter().copied())
            .map(|id| code(id, false))
            .collect();
        writeln!(md, "- **Lineage:** {}", chain.join(" → "))?;
    }
    writeln!(md, "- **Used at:**")?;
    for r in &m.uses {
        let r = &r.reference;
        writeln!(
            md,
            "  - {} — {}, {}{}",
            code(&format!("{}:{}:{}", r.path, r.line.0, r.column.0), false),
            r.kind.as_str(),
            code(&r.context, false),
            if r.text != m.name {
                format!(", written {}", code(&r.text, false))
            } else {
                String::new()
            }
        )?;
    }
    if !m.obligations.is_empty() {
        writeln!(md, "- **Obligations:**")?;
        for o in &m.obligations {
            writeln!(md, "  - {}: {}", o.kind, text(&o.text))?;
        }
    }
    if !m.findings.is_empty() {
        writeln!(md, "- **Findings:**")?;
        for f in &m.findings {
            write!(
                md,
                "  - {} {} {} at {}: {}",
                f.severity.word(),
                f.code.info().id,
                f.code.info().name,
                code(&location(f), false),
                message(&f.message, false)
            )?;
            match &f.waived {
                Some(w) => writeln!(
                    md,
                    " — *waived* by {}: {}{}",
                    text(&w.by),
                    text(&w.reason),
                    w.expires
                        .as_deref()
                        .map_or(String::new(), |e| format!(" (expires {})", text(e)))
                )?,
                None => writeln!(md)?,
            }
        }
    }
    if !m.notes.is_empty() {
        writeln!(md, "- **Notes:**")?;
        for note in &m.notes {
            writeln!(md, "  - {}", message(note, false))?;
        }
    }
    Ok(())
}

/// Inline text: the characters that start Markdown emphasis, code, links,
/// tables or strikethrough backslash-escaped, `<`/`>`/`&` as entities (no
/// HTML), a leading block marker (`#`, `-`, `1.`) defused, control characters
/// made visible; always one line.
pub fn text(s: &str) -> String {
    let visible = crate::report::visible(s);
    let mut out = String::with_capacity(visible.len() + 8);
    for (i, c) in visible.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if !out.is_empty() && out.chars().all(|d| d.is_ascii_digit()) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// One of modelgate's own messages: its `quoted` names as code spans, the
/// rest as text.
pub fn message(s: &str, in_table: bool) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                code(part, in_table)
            } else {
                text(part)
            }
        })
        .collect()
}

/// A code span that holds any text: a backtick fence longer than any run in
/// it, control characters made visible; in a table, `|` escaped (GitHub splits
/// cells before it parses code spans).
pub fn code(s: &str, in_table: bool) -> String {
    let visible = crate::report::visible(s);
    let body = if in_table {
        visible.replace('|', "\\|")
    } else {
        visible.into_owned()
    };
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A link target from the rule set: only http(s) URLs, with the characters
/// that would end a Markdown link target percent-encoded.
fn link_target(url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return "#".to_string();
    }
    url.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("gpt-4", false), "`gpt-4`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a\u{1b}[31m", false), "`a\\u{1b}[31m`");
    }

    #[test]
    fn text_cannot_inject_markup() {
        assert_eq!(
            text("<script>*x*|[a](b)\n"),
            "&lt;script&gt;\\*x\\*\\|\\[a\\](b)\\\\n"
        );
        assert_eq!(text("# not a heading"), "\\# not a heading");
        assert_eq!(text("1. not a list"), "1\\. not a list");
        assert_eq!(text("v1.5"), "v1.5");
    }

    #[test]
    fn messages_quote_names_as_code() {
        assert_eq!(
            message("`a_b` may not be used (licence `x|y`)", true),
            "`a_b` may not be used (licence `x\\|y`)"
        );
    }
}
