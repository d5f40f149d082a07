//! The rule-file loader on arbitrary text (body: `modelgate::fuzzing::rules`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| modelgate::fuzzing::rules(data));
