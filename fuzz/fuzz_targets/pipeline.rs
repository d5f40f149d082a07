//! An arbitrary small tree of files through list, check and report in every
//! format (the body is `modelgate::fuzzing::pipeline`, which
//! `tests/fuzz_regressions.rs` replays).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("modelgate-fuzz-pipeline-{}", std::process::id()));
    modelgate::fuzzing::pipeline(data, &dir);
});
