//! Every extractor, the GGUF header reader and the suppression-comment parser
//! on arbitrary input (the body is `modelgate::fuzzing::extract`, which
//! `tests/fuzz_regressions.rs` replays).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| modelgate::fuzzing::extract(data));
