//! The module loader and verifier take any bytes. See `sheave_fuzzing::load`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = sheave_fuzzing::load::run(data) {
        panic!("{e}");
    }
});
