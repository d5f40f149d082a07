//! evaluate's output: a finished check — the findings with everything they
//! were judged by, which every format of `check` and `report` lays out.

use std::path::PathBuf;

use crate::catalog::load::Loaded as LoadedRules;
use crate::evaluate::Finding;
use crate::model::Scan;
use crate::policy::Policy;
use crate::resolve::ResolvedRef;
use crate::settings_file::FileDb;

pub struct CheckRun {
    /// The scan root as the user wrote it.
    pub root: String,
    /// The scan root, absolute.
    pub root_path: PathBuf,
    /// The size limit the scan read files under (a report quoting them
    /// reads within the same limit).
    pub max_file_size: u64,
    pub policy: Policy,
    pub policy_display: String,
    pub rules: LoadedRules,
    pub references: Vec<ResolvedRef>,
    pub findings: Vec<Finding>,
    pub scan: Scan,
    /// Policy and rules files, for labels.
    pub files: FileDb,
}
