//! Stage 4, evaluate: the policy and the licence terms → findings. Every check
//! is a small function emitting the code's default severity (or the level the
//! policy asks for unknown and dynamic references); `[severity]` overrides,
//! waivers and `--deny-warnings` are applied afterwards in `finalize`.

mod checks;
mod run;
pub mod suppress;
pub mod waivers;

pub use run::CheckRun;

use std::ops::Range;

use crate::catalog::{Catalog, License};
use crate::codes::{Code, Severity};
use crate::policy::Policy;
use crate::resolve::ResolvedRef;

/// Where a finding points in the policy file (a secondary label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLabel {
    pub file: usize,
    pub span: Range<usize>,
    pub message: String,
}

/// A waiver that applied to a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    pub reason: String,
    /// `exception` (with its policy location) or `suppression` (with its line).
    pub by: String,
    /// The exception's `expires` date (`YYYY-MM-DD`), if it has one.
    pub expires: Option<String>,
    /// A comment beside the reference, rather than the policy or a baseline.
    pub in_source: bool,
}

impl Waived {
    /// `waived by X: reason`, as the text formats print it (unescaped).
    pub fn describe(&self) -> String {
        format!("waived by {}: {}", self.by, self.reason)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Index into the resolved references, when the finding is about one.
    pub reference: Option<usize>,
    /// Where it is reported: (path relative to the root, line, column); for
    /// waiver findings, the policy file.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub model: Option<String>,
    pub license: Option<String>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub policy_label: Option<PolicyLabel>,
    pub waived: Option<Waived>,
}

impl Finding {
    fn about(code: Code, message: String, index: usize, r: &ResolvedRef) -> Finding {
        // A name matched by a family's pattern (`llama3.1:8b` by
        // `meta-llama/Llama-3.1-*`): the message names what was written, the
        // note the family.
        let family = r
            .model
            .as_deref()
            .filter(|m| crate::catalog::is_glob(m))
            .map(|m| format!("`{}` is of the catalog's family `{m}`", r.reference.text));
        Finding {
            code,
            severity: code.info().severity,
            message,
            reference: Some(index),
            path: r.reference.path.clone(),
            line: r.reference.line.0,
            column: r.reference.column.0,
            model: r.model.clone(),
            license: r.license.clone(),
            notes: family.into_iter().collect(),
            help: None,
            policy_label: None,
            waived: None,
        }
    }

    /// MG015 when files were found but none was scanned: a gate that read
    /// nothing must not look like a clean repository.
    pub fn nothing_scanned(scan: &crate::model::Scan) -> Option<Finding> {
        if scan.files_scanned > 0 || (scan.skipped.is_empty() && scan.excluded == 0) {
            return None;
        }
        let message = format!(
            "no file was scanned: {} skipped, {} excluded",
            scan.skipped.len(),
            scan.excluded
        );
        Some(Finding {
            code: Code::NothingScanned,
            severity: Code::NothingScanned.info().severity,
            message,
            reference: None,
            path: ".".to_string(),
            line: 0,
            column: 0,
            model: None,
            license: None,
            notes: Vec::new(),
            help: Some(
                "run with -v to see why each file was skipped; check --exclude globs and --max-file-size"
                    .to_string(),
            ),
            policy_label: None,
            waived: None,
        })
    }

    fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    fn notes(mut self, notes: &[String]) -> Self {
        self.notes.extend(notes.iter().cloned());
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn label<T>(mut self, located: &crate::policy::Located<T>, message: impl Into<String>) -> Self {
        if let Some((file, span)) = &located.at {
            self.policy_label = Some(PolicyLabel {
                file: *file,
                span: span.clone(),
                message: message.into(),
            });
        }
        self
    }

    /// The one total order of findings in every output.
    pub fn sort_key(&self) -> (&str, u32, u32, Code, Option<&str>, &str) {
        (
            &self.path,
            self.line,
            self.column,
            self.code,
            self.model.as_deref(),
            &self.message,
        )
    }
}

/// Everything evaluation needs besides the references.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub catalog: &'a Catalog,
}

/// Findings for every reference, in reference order (not yet waived or sorted).
pub fn evaluate(references: &[ResolvedRef], context: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, r) in references.iter().enumerate() {
        checks::check_reference(index, r, context, &mut out);
    }
    out
}

/// The licence of a resolved reference, from the catalog.
fn license_of<'c>(r: &ResolvedRef, catalog: &'c Catalog) -> Option<&'c License> {
    r.license.as_deref().and_then(|id| catalog.licenses.get(id))
}

#[cfg(test)]
mod tests;
