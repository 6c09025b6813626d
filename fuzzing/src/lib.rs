//! Sheave's fuzzers, as a library: the cargo-fuzz targets in `fuzz/` are
//! thin wrappers over these functions, and `tests/seeded.rs` runs the same
//! functions on stable Rust with a seeded generator in every `cargo test`.
//!
//! - [`differential`]: a generated CLIF program, for one of the four
//!   Pulley targets, runs in `cranelift-interpreter` and in Sheave;
//!   results and trap codes agree.
//! - [`compile`]: verifier-valid CLIF never panics the backend.
//! - [`roundtrip`]: ops decode, encode back and disassemble.
//! - [`load`]: the module loader and verifier take any bytes.
//! - [`checked`]: random verified bytecode in a checked instance never
//!   crashes the host.
//!
//! A failing differential case prints its program as CLIF with a `; run:`
//! line: save it as `case.clif`, and `sheave run case.clif --invoke f0 ARGS`
//! or `sheave test case.clif` reproduces it (see the README).

/// What a fuzz target found: a property that does not hold (engines that
/// disagree, a loader that accepted something broken, an op that does not
/// round-trip), with the case and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding(pub String);

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Finding {}

impl From<String> for Finding {
    fn from(message: String) -> Finding {
        Finding(message)
    }
}

impl From<&str> for Finding {
    fn from(message: &str) -> Finding {
        Finding(message.into())
    }
}

pub mod checked;
pub mod clif_gen;
pub mod compile;
pub mod differential;
pub mod load;
pub mod roundtrip;

/// `len` pseudo-random bytes from `seed` (xorshift64*): fuzzer-like input
/// for the seeded runs, the same on every machine.
pub fn seeded_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}
