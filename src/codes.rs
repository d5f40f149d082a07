//! The diagnostic codes: one table row per code — its kebab name, default
//! severity, one-line summary and long explanation (`modelgate explain CODE`).
//! Codes are never reused or renumbered.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }

    /// The word people read in every text format (human, short, Markdown,
    /// HTML): the compiler words, which are also SARIF's levels. `as_str` is
    /// the setting's spelling (policy file, JSON); both are accepted as input.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "note",
            Severity::Warn => "warning",
            Severity::Error => "error",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Severity::Info => "notes",
            Severity::Warn => "warnings",
            Severity::Error => "errors",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    LicenseDenied,
    NonCommercial,
    ResearchOnly,
    UserThreshold,
    RevenueThreshold,
    AttributionRequired,
    UseRestrictions,
    OutputTraining,
    UnknownModel,
    ClosedModel,
    DynamicReference,
    UnusedWaiver,
    ExpiredWaiver,
    ShareAlike,
    NothingScanned,
}

/// One row of the code table.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explain: &'static str,
}

macro_rules! row {
    ($code:ident, $id:literal, $name:literal, $severity:ident, $summary:literal) => {
        CodeInfo {
            code: Code::$code,
            id: $id,
            name: $name,
            severity: Severity::$severity,
            summary: $summary,
            explain: include_str!(concat!("explain/", $id, ".md")),
        }
    };
}

pub static CODES: &[CodeInfo] = &[
    row!(
        LicenseDenied,
        "MG001",
        "license-denied",
        Error,
        "licence in `deny`, or not in a non-empty `allow`"
    ),
    row!(
        NonCommercial,
        "MG002",
        "non-commercial",
        Error,
        "commercial project, licence forbids commercial use"
    ),
    row!(
        ResearchOnly,
        "MG003",
        "research-only",
        Error,
        "non-research project, research-only or non-production licence"
    ),
    row!(
        UserThreshold,
        "MG004",
        "user-threshold",
        Error,
        "declared monthly active users above the licence limit"
    ),
    row!(
        RevenueThreshold,
        "MG005",
        "revenue-threshold",
        Error,
        "declared annual revenue above the licence limit"
    ),
    row!(
        AttributionRequired,
        "MG006",
        "attribution-required",
        Info,
        "licence requires a notice or naming"
    ),
    row!(
        UseRestrictions,
        "MG007",
        "use-restrictions",
        Info,
        "use restrictions must flow to users when distributing"
    ),
    row!(
        OutputTraining,
        "MG008",
        "output-training",
        Error,
        "project trains on outputs, licence forbids it"
    ),
    row!(
        UnknownModel,
        "MG009",
        "unknown-model",
        Warn,
        "reference not in the catalog"
    ),
    row!(
        ClosedModel,
        "MG010",
        "closed-model",
        Error,
        "hosted-only or non-OSI model where the policy requires open weights"
    ),
    row!(
        DynamicReference,
        "MG011",
        "dynamic-reference",
        Warn,
        "model id computed at run time"
    ),
    row!(
        UnusedWaiver,
        "MG012",
        "unused-waiver",
        Warn,
        "an exception or suppression matched nothing"
    ),
    row!(
        ExpiredWaiver,
        "MG013",
        "expired-waiver",
        Error,
        "an exception past its `expires` date"
    ),
    row!(
        ShareAlike,
        "MG014",
        "share-alike",
        Warn,
        "share-alike licence in a distributed product"
    ),
    row!(
        NothingScanned,
        "MG015",
        "nothing-scanned",
        Warn,
        "files were found, but every one was skipped or excluded"
    ),
];

impl Code {
    pub fn info(self) -> &'static CodeInfo {
        CODES
            .iter()
            .find(|row| row.code == self)
            .expect("every code has a table row (tested)")
    }

    /// `MG002`, `mg002` or `non-commercial`.
    pub fn parse(text: &str) -> Option<Code> {
        CODES
            .iter()
            .find(|row| row.id.eq_ignore_ascii_case(text) || row.name == text)
            .map(|row| row.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Code; 15] = [
        Code::LicenseDenied,
        Code::NonCommercial,
        Code::ResearchOnly,
        Code::UserThreshold,
        Code::RevenueThreshold,
        Code::AttributionRequired,
        Code::UseRestrictions,
        Code::OutputTraining,
        Code::UnknownModel,
        Code::ClosedModel,
        Code::DynamicReference,
        Code::UnusedWaiver,
        Code::ExpiredWaiver,
        Code::ShareAlike,
        Code::NothingScanned,
    ];

    #[test]
    fn every_code_has_one_row_numbered_in_order() {
        assert_eq!(CODES.len(), ALL.len());
        for (n, code) in ALL.iter().enumerate() {
            let row = code.info();
            assert_eq!(row.id, format!("MG{:03}", n + 1));
            assert_eq!(Code::parse(row.id), Some(*code));
            assert_eq!(Code::parse(row.name), Some(*code));
        }
    }

    #[test]
    fn every_explain_text_has_its_sections() {
        for row in CODES {
            assert!(
                row.explain
                    .starts_with(&format!("# {} {}\n", row.id, row.name)),
                "{}",
                row.id
            );
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## How to fix",
                "## Configuration",
            ] {
                assert!(row.explain.contains(section), "{} lacks {section}", row.id);
            }
        }
    }

    #[test]
    fn every_explain_file_belongs_to_a_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/explain");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let id = name.strip_suffix(".md").unwrap();
            assert!(Code::parse(id).is_some(), "{name} has no code");
        }
    }
}
