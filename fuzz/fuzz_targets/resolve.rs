//! Resolution on arbitrary strings: normalisation (idempotent), catalog
//! lookup and lineage (the body is `modelgate::fuzzing::resolve`, which
//! `tests/fuzz_regressions.rs` replays).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| modelgate::fuzzing::resolve(data));
