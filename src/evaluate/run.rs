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
    pub policy: Policy,
    pub policy_display: String,
    pub rules: LoadedRules,
    pub references: Vec<ResolvedRef>,
    pub findings: Vec<Finding>,
    pub scan: Scan,
    /// Policy and rules files, for labels.
    pub files: FileDb,
    /// Reference index → the excerpt its diagnostics quote (cut only for
    /// the human format, for references with findings).
    pub excerpts: crate::excerpt::Excerpts,
}
