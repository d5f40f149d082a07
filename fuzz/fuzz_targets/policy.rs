//! The policy loader on arbitrary text (written to a file, as policies are
//! read), against the built-in rule set: any input is a policy or
//! diagnostics, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use modelgate::catalog::load::{builtin_files, load, FileDb, Loaded};
use modelgate::policy::{load as load_policy, Found};

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(|| load(builtin_files()))
}

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("modelgate-fuzz-policy-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("modelgate.toml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut files = FileDb::new();
    let _ = load_policy(&Found::Modelgate(path), &rules().catalog, &mut files);
});
