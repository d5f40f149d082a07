//! `report --format html`: one self-contained page — styles and script inline,
//! no external asset, works offline and prints — with a models table that
//! can be filtered by licence category and status and sorted by any column.
//! Every string from the scanned repository goes through `escape`; a
//! Content-Security-Policy allows only the page's own style and script (by
//! hash), so even a missed escape could not run code.

use crate::text::count;
use std::fmt::Write as _;
use std::io::Write;

use base64::Engine as _;
use sha2::Digest;

use crate::codes::Severity;
use crate::evaluate::Finding;
use crate::report::inventory::{location, Inventory, ModelGroup, Status, CATEGORIES};

const STYLE: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

pub fn write(out: &mut dyn Write, inv: &Inventory<'_>) -> std::io::Result<()> {
    out.write_all(render(inv).as_bytes())
}

pub fn render(inv: &Inventory<'_>) -> String {
    let mut html = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut html, inv);
    html
}

fn render_into(h: &mut String, inv: &Inventory<'_>) -> std::fmt::Result {
    let run = inv.run;
    let s = &inv.summary;
    writeln!(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    writeln!(h, "<meta charset=\"utf-8\">")?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        h,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; script-src '{}'\">",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )?;
    writeln!(
        h,
        "<meta name=\"generator\" content=\"modelgate {}\">",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        h,
        "<title>Model compliance report: {}</title>",
        escape(&inv.title)
    )?;
    writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>")?;

    writeln!(h, "<header>")?;
    writeln!(
        h,
        "<h1>Model compliance report: <code>{}</code></h1>",
        escape(&inv.title)
    )?;
    writeln!(
        h,
        "<p class=\"meta\">Generated {} by modelgate {} (rule set <code id=\"rules-version\">{}</code>), judged against the policy <code>{}</code>.</p>",
        escape(&inv.generated),
        env!("CARGO_PKG_VERSION"),
        escape(&inv.rules_version),
        escape(&run.policy_display)
    )?;
    writeln!(h, "</header>\n<main>")?;

    writeln!(h, "<section id=\"summary\">\n<h2>Summary</h2>")?;
    let (class, verdict) = if s.errors > 0 {
        ("fail", "The check fails")
    } else {
        ("pass", "The check passes")
    };
    writeln!(
        h,
        "<p class=\"verdict {class}\">{verdict}: {} in {} across {} scanned ({} skipped).</p>",
        count(s.models, "model", "models"),
        count(s.references, "reference", "references"),
        count(s.files_scanned, "file", "files"),
        s.files_skipped
    )?;
    writeln!(h, "<div class=\"cards\">")?;
    writeln!(
        h,
        "<table id=\"summary-categories\"><thead><tr><th>Licence category</th><th class=\"number\">Models</th></tr></thead><tbody>"
    )?;
    for (category, count) in &s.by_category {
        writeln!(
            h,
            "<tr><td>{category}</td><td class=\"number\">{count}</td></tr>"
        )?;
    }
    writeln!(h, "</tbody></table>")?;
    writeln!(
        h,
        "<table id=\"summary-severities\"><thead><tr><th>Severity</th><th class=\"number\">Findings</th></tr></thead><tbody>"
    )?;
    for (label, count) in [
        ("error", s.errors),
        ("warning", s.warnings),
        ("note", s.infos),
        ("waived", s.waived),
    ] {
        writeln!(
            h,
            "<tr><td>{label}</td><td class=\"number\">{count}</td></tr>"
        )?;
    }
    writeln!(h, "</tbody></table>\n</div>\n</section>")?;

    writeln!(h, "<section id=\"policy\">\n<h2>Policy profile</h2>")?;
    writeln!(h, "<table><tbody>")?;
    for (setting, value) in &inv.profile {
        writeln!(h, "<tr><th>{setting}</th><td>{}</td></tr>", escape(value))?;
    }
    writeln!(h, "</tbody></table>\n</section>")?;

    violations(h, inv)?;
    models_table(h, inv)?;
    waivers(h, inv)?;

    if !run.scan.skipped.is_empty() {
        writeln!(h, "<section id=\"skipped\">\n<h2>Skipped files</h2>")?;
        writeln!(
            h,
            "<table><thead><tr><th>Path</th><th>Reason</th></tr></thead><tbody>"
        )?;
        for skipped in &run.scan.skipped {
            writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                escape(&skipped.path),
                escape(&skipped.reason.to_string())
            )?;
        }
        writeln!(h, "</tbody></table>\n</section>")?;
    }
    writeln!(h, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>")
}

fn violations(h: &mut String, inv: &Inventory<'_>) -> std::fmt::Result {
    writeln!(h, "<section id=\"violations\">\n<h2>Violations</h2>")?;
    let shown: Vec<&Finding> = inv
        .run
        .findings
        .iter()
        .filter(|f| f.waived.is_none() && f.severity != Severity::Info)
        .collect();
    if shown.is_empty() {
        return writeln!(h, "<p>None.</p>\n</section>");
    }
    writeln!(
        h,
        "<table id=\"violations-table\"><thead><tr><th>Severity</th><th>Code</th><th>Location</th><th>Model</th><th>Message</th></tr></thead><tbody>"
    )?;
    for f in shown {
        let info = f.code.info();
        writeln!(
            h,
            "<tr><td class=\"status-{sev}\">{word}</td><td>{} {}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            info.id,
            info.name,
            escape(&location(f)),
            f.model
                .as_deref()
                .map_or("—".to_string(), |m| format!("<code>{}</code>", escape(m))),
            message(&f.message),
            sev = f.severity.as_str(),
                word = f.severity.word(),
        )?;
    }
    writeln!(h, "</tbody></table>\n</section>")
}

fn models_table(h: &mut String, inv: &Inventory<'_>) -> std::fmt::Result {
    writeln!(h, "<section id=\"models\">\n<h2>Models</h2>")?;
    if inv.models.is_empty() {
        return writeln!(h, "<p>No model references were found.</p>\n</section>");
    }
    writeln!(h, "<div class=\"controls\" id=\"filter-controls\" hidden>")?;
    writeln!(
        h,
        "<label>Licence category <select id=\"category-filter\"><option value=\"\">all</option>"
    )?;
    for category in CATEGORIES {
        writeln!(h, "<option value=\"{category}\">{category}</option>")?;
    }
    writeln!(h, "</select></label>")?;
    writeln!(
        h,
        "<label>Status <select id=\"status-filter\"><option value=\"\">all</option>"
    )?;
    for (status, word) in [
        ("error", "error"),
        ("warn", "warning"),
        ("info", "note"),
        ("ok", "ok"),
    ] {
        writeln!(h, "<option value=\"{status}\">{word}</option>")?;
    }
    writeln!(h, "</select></label>")?;
    writeln!(
        h,
        "<span id=\"shown-count\" aria-live=\"polite\">{n} of {n} models shown</span>\n</div>",
        n = inv.models.len()
    )?;
    writeln!(h, "<table id=\"model-table\"><thead><tr>")?;
    for (label, kind) in [
        ("Model", "text"),
        ("Licence", "text"),
        ("Category", "text"),
        ("Uses", "number"),
        ("Status", "number"),
    ] {
        let class = if kind == "number" {
            " class=\"number\""
        } else {
            ""
        };
        writeln!(
            h,
            "<th data-sort=\"{kind}\" aria-sort=\"none\"{class}><button type=\"button\">{label}</button></th>"
        )?;
    }
    writeln!(h, "</tr></thead><tbody>")?;
    for (i, m) in inv.models.iter().enumerate() {
        let status = m.status_label();
        let license = m.license_id.unwrap_or("");
        writeln!(
            h,
            "<tr data-index=\"{i}\" data-category=\"{cat}\" data-status=\"{status}\"><td data-value=\"{name}\"><a href=\"#model-{i}\"><code>{name}</code></a></td><td data-value=\"{lic}\">{lic_shown}</td><td data-value=\"{cat}\">{cat}</td><td class=\"number\" data-value=\"{uses}\">{uses}</td><td data-value=\"{rank}\" class=\"status-{status}\">{word}</td></tr>",
            cat = m.category,
            name = escape(&m.name),
            lic = escape(license),
            lic_shown = if license.is_empty() {
                "—".to_string()
            } else {
                format!("<code>{}</code>", escape(license))
            },
            uses = m.uses.len(),
            rank = m.worst().map_or(0, |s| s as u8 + 1),
            word = m.status_word(),
        )?;
    }
    writeln!(h, "</tbody></table>")?;
    for (i, m) in inv.models.iter().enumerate() {
        model_details(h, i, m)?;
    }
    writeln!(h, "</section>")
}

fn model_details(h: &mut String, i: usize, m: &ModelGroup<'_>) -> std::fmt::Result {
    writeln!(
        h,
        "<section class=\"model\" id=\"model-{i}\">\n<h3><code>{}</code></h3>\n<dl class=\"facts\">",
        escape(&m.name)
    )?;
    let license = match (m.status, m.license, m.license_id) {
        (Status::Dynamic, ..) => "unknown: the name is computed at run time".to_string(),
        (_, Some(l), _) => format!(
            "{} (<code>{}</code>), {}; from the {}",
            link(&l.url, &escape(&l.name)),
            escape(&l.id),
            l.category.as_str(),
            m.license_source.map_or("rule set", |s| s.as_str())
        ),
        (_, None, Some(id)) => format!("<code>{}</code>", escape(id)),
        (_, None, None) => "unknown: not in the rule set".to_string(),
    };
    writeln!(h, "<dt>Licence</dt><dd>{license}</dd>")?;
    if let Some(provider) = m.provider {
        writeln!(h, "<dt>Provider</dt><dd>{}</dd>", escape(provider))?;
    }
    if !m.ancestors.is_empty() {
        let chain: Vec<String> = std::iter::once(m.name.as_str())
            .chain(m.ancestors.iter().copied())
            .map(|id| format!("<code>{}</code>", escape(id)))
            .collect();
        writeln!(h, "<dt>Lineage</dt><dd>{}</dd>", chain.join(" → "))?;
    }
    writeln!(h, "<dt>Used at</dt><dd><ul>")?;
    for r in &m.uses {
        let r = &r.reference;
        let written = if r.text != m.name {
            format!(", written <code>{}</code>", escape(&r.text))
        } else {
            String::new()
        };
        writeln!(
            h,
            "<li><code>{}:{}:{}</code> — {}, <code>{}</code>{written}</li>",
            escape(&r.path),
            r.line.0,
            r.column.0,
            r.kind.as_str(),
            escape(&r.context)
        )?;
    }
    writeln!(h, "</ul></dd>")?;
    if !m.obligations.is_empty() {
        writeln!(h, "<dt>Obligations</dt><dd><ul>")?;
        for o in &m.obligations {
            writeln!(
                h,
                "<li><strong>{}</strong>: {}</li>",
                o.kind,
                escape(&o.text)
            )?;
        }
        writeln!(h, "</ul></dd>")?;
    }
    if !m.findings.is_empty() {
        writeln!(h, "<dt>Findings</dt><dd><ul>")?;
        for f in &m.findings {
            let info = f.code.info();
            let waived = f.waived.as_ref().map_or(String::new(), |w| {
                format!(
                    " — waived by {}: {}{}",
                    escape(&w.by),
                    escape(&w.reason),
                    w.expires
                        .as_deref()
                        .map_or(String::new(), |e| format!(" (expires {})", escape(e)))
                )
            });
            writeln!(
                h,
                "<li class=\"{}\"><span class=\"status-{sev}\">{word}</span> {} {} at <code>{}</code>: {}{waived}</li>",
                if f.waived.is_some() { "waived" } else { "" },
                info.id,
                info.name,
                escape(&location(f)),
                message(&f.message),
                sev = f.severity.as_str(),
                word = f.severity.word(),
            )?;
        }
        writeln!(h, "</ul></dd>")?;
    }
    if !m.notes.is_empty() {
        writeln!(h, "<dt>Notes</dt><dd><ul>")?;
        for note in &m.notes {
            writeln!(h, "<li>{}</li>", message(note))?;
        }
        writeln!(h, "</ul></dd>")?;
    }
    writeln!(h, "</dl>\n</section>")
}

fn waivers(h: &mut String, inv: &Inventory<'_>) -> std::fmt::Result {
    let run = inv.run;
    writeln!(h, "<section id=\"waivers\">\n<h2>Waivers</h2>")?;
    let waived: Vec<&Finding> = run.findings.iter().filter(|f| f.waived.is_some()).collect();
    if waived.is_empty() && run.policy.exceptions.is_empty() && inv.policy_findings.is_empty() {
        return writeln!(h, "<p>None.</p>\n</section>");
    }
    if !waived.is_empty() {
        writeln!(
            h,
            "<table id=\"waivers-table\"><thead><tr><th>Finding</th><th>Location</th><th>Waived by</th><th>Reason</th><th>Expires</th></tr></thead><tbody>"
        )?;
        for f in waived {
            let Some(w) = &f.waived else { continue };
            writeln!(
                h,
                "<tr><td>{} {}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.code.info().id,
                f.code.info().name,
                escape(&location(f)),
                escape(&w.by),
                escape(&w.reason),
                w.expires.as_deref().map_or("—".to_string(), escape)
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    if !run.policy.exceptions.is_empty() {
        writeln!(
            h,
            "<p>Exceptions declared in the policy:</p>\n<table><thead><tr><th>Reason</th><th>Expires</th></tr></thead><tbody>"
        )?;
        for e in &run.policy.exceptions {
            writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&e.reason),
                e.expires.as_deref().map_or("—".to_string(), escape)
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    if !inv.policy_findings.is_empty() {
        writeln!(h, "<p>Problems with the waivers:</p>\n<ul>")?;
        for f in &inv.policy_findings {
            writeln!(
                h,
                "<li><span class=\"status-{sev}\">{word}</span> {} at <code>{}</code>: {}</li>",
                f.code.info().id,
                escape(&location(f)),
                message(&f.message),
                sev = f.severity.as_str(),
                word = f.severity.word(),
            )?;
        }
        writeln!(h, "</ul>")?;
    }
    writeln!(h, "</section>")
}

/// A link to a rule set URL: only http(s); anything else is shown as text.
fn link(url: &str, label_html: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\">{label_html}</a>", escape(url))
    } else {
        label_html.to_string()
    }
}

/// Text or attribute value: the five HTML-significant characters as
/// entities, control characters made visible (`\u{1b}`).
pub fn escape(text: &str) -> String {
    let visible = crate::report::visible(text);
    let mut out = String::with_capacity(visible.len() + 8);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One of modelgate's own messages: its `quoted` names as `<code>`.
fn message(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// A CSP source for an inline element's exact text.
fn csp_hash(content: &str) -> String {
    let digest = sha2::Sha256::digest(content.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<script>alert('x')</script>&\"\u{1b}]8;;"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\\u{1b}]8;;"
        );
    }

    #[test]
    fn csp_hash_is_base64_sha256() {
        // sha256("") in base64, as browsers compute it for an empty element.
        assert_eq!(
            csp_hash(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
