//! `modelgate init`: writes the commented policy template.

use std::io::Write;

use crate::app::{AppError, Outcome, UsageError};
use crate::cli::InitArgs;

/// The template, kept as a file and parsed in a test so it never rots.
pub const TEMPLATE: &str = include_str!("templates/modelgate.toml");

pub fn run(args: &InitArgs) -> Result<Outcome, AppError> {
    let path = std::path::Path::new("modelgate.toml");
    if path.exists() && !args.force {
        return Err(AppError::Usage(UsageError(
            "modelgate.toml already exists (use --force to replace it)".to_string(),
        )));
    }
    std::fs::write(path, TEMPLATE)
        .map_err(|e| AppError::Usage(UsageError(format!("cannot write modelgate.toml: {e}"))))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "wrote modelgate.toml: review [project] and [licenses], then run `modelgate check`"
    )?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use crate::catalog::load::{builtin_files, load};
    use crate::policy::{self, Distribution, Use};
    use crate::settings_file::FileDb;

    #[test]
    fn the_template_is_a_valid_policy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modelgate.toml");
        std::fs::write(&path, super::TEMPLATE).unwrap();
        let catalog = load(builtin_files()).catalog;
        let mut files = FileDb::new();
        let loaded = policy::load(&policy::Found::Modelgate(path), &catalog, &mut files);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.policy.use_.value, Use::Commercial);
        // What it writes is the built-in profile it describes.
        let builtin = policy::Policy::default();
        assert_eq!(loaded.policy.distribution.value, Distribution::Distributed);
        assert_eq!(loaded.policy.distribution.value, builtin.distribution.value);
    }
}
