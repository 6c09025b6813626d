//! Ops decode, encode back to the same bytes, and disassemble. See
//! `sheave_fuzzing::roundtrip`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = sheave_fuzzing::roundtrip::run(data) {
        panic!("{e}");
    }
});
