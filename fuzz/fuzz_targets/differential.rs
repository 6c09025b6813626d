//! A generated CLIF program must give the same results and traps in
//! cranelift-interpreter and in Sheave. See `sheave_fuzzing::differential`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(disagreement) = sheave_fuzzing::differential::run(data) {
        panic!("{disagreement}");
    }
});
