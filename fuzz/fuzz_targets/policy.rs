//! The policy loader on arbitrary text (body: `modelgate::fuzzing::policy`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("modelgate-fuzz-policy-{}", std::process::id()));
    modelgate::fuzzing::policy(data, &dir);
});
