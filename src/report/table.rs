//! `list --format table`: one aligned line per reference, summary on stderr.

use std::io::Write;

use crate::model::Scan;
use crate::report::visible;
use crate::resolve::ResolvedRef;

pub fn write(out: &mut dyn Write, references: &[ResolvedRef]) -> std::io::Result<()> {
    let rows: Vec<[String; 5]> = references
        .iter()
        .map(|resolved| {
            let r = &resolved.reference;
            let text = if r.dynamic {
                format!("{} (dynamic)", visible(&r.text))
            } else {
                visible(&r.text).into_owned()
            };
            [
                format!("{}:{}:{}", visible(&r.path), r.line.0, r.column.0),
                r.kind.as_str().to_string(),
                visible(&r.context).into_owned(),
                text,
                resolved.license.clone().unwrap_or_else(|| "-".to_string()),
            ]
        })
        .collect();
    let header = ["LOCATION", "KIND", "CONTEXT", "REFERENCE", "LICENSE"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )?;
    }
    Ok(())
}

pub fn write_summary(
    err: &mut dyn Write,
    references: usize,
    scan: &Scan,
    verbose: bool,
) -> std::io::Result<()> {
    if verbose {
        crate::report::write_skipped(err, &scan.skipped)?;
    }
    let hint = if !verbose && !scan.skipped.is_empty() {
        " (-v lists them)"
    } else {
        ""
    };
    use crate::text::count;
    writeln!(
        err,
        "{} in {} scanned; {} skipped{hint}{}",
        count(references, "reference", "references"),
        count(scan.files_scanned, "file", "files"),
        count(scan.skipped.len(), "file", "files"),
        crate::report::hub_summary(scan.hub)
    )
}
