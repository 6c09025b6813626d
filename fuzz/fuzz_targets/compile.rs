//! Verifier-valid CLIF never panics the backend. See `sheave_fuzzing::compile`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sheave_fuzzing::compile::run(data);
});
