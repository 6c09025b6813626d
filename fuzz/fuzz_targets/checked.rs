//! Random verified bytecode in a checked instance never crashes the host.
//! See `sheave_fuzzing::checked`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = sheave_fuzzing::checked::run(data) {
        panic!("{e}");
    }
});
