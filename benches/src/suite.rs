//! The benchmark suite: CLIF programs written for Sheave's benchmarks
//! (`benches/clif/`), each exporting `%main(i64 n)` that does `n` units of
//! one kind of work and returns a checksum.
//!
//! The sizes are picked so that one timed run takes tens of milliseconds on
//! Sheave, which keeps timer resolution and per-call entry costs out of the
//! figures; `quick` sizes are for `report --quick` and for the agreement
//! check, `reference` sizes for cranelift-interpreter, which is hundreds of
//! times slower than native code.

/// What `%main` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    /// An `i64`.
    I64,
    /// An `f64`.
    F64,
}

/// One benchmark program.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// Its file name in `benches/clif/`, without `.clif`.
    pub name: &'static str,
    /// What it stresses, for the report.
    pub stresses: &'static str,
    /// The CLIF text.
    pub clif: &'static str,
    /// What `%main` returns.
    pub returns: Returns,
    /// `n` for timed runs.
    pub n: i64,
    /// `n` for `--quick` timed runs.
    pub n_quick: i64,
    /// `n` for cranelift-interpreter and for the cross-engine agreement check.
    pub n_reference: i64,
    /// Whether it imports `%host_add` (see [`host_add`]).
    pub calls_host: bool,
}

/// The host function that `host_loop.clif` imports, on every engine.
pub fn host_add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

macro_rules! program {
    ($name:literal, $stresses:literal, $returns:ident, n = $n:expr, quick = $quick:expr, reference = $reference:expr $(, $host:ident)?) => {
        Program {
            name: $name,
            stresses: $stresses,
            clif: include_str!(concat!("../clif/", $name, ".clif")),
            returns: Returns::$returns,
            n: $n,
            n_quick: $quick,
            n_reference: $reference,
            calls_host: program!(@host $($host)?),
        }
    };
    (@host) => { false };
    (@host host) => { true };
}

/// Every program of the suite, in report order.
pub const PROGRAMS: &[Program] = &[
    program!("fib", "recursion and calls", I64, n = 25, quick = 20, reference = 12),
    program!("call_loop", "a loop calling a leaf", I64, n = 1_000_000, quick = 100_000, reference = 2_000),
    program!("int_loop", "tight integer loop", I64, n = 3_000_000, quick = 300_000, reference = 5_000),
    program!("hash", "xor/shift/rotate/multiply", I64, n = 1_000_000, quick = 100_000, reference = 2_000),
    program!("collatz", "division and branches", I64, n = 20_000, quick = 2_000, reference = 30),
    program!("sieve", "byte loads and stores", I64, n = 20, quick = 2, reference = 1),
    program!("sort", "i32 array, branches", I64, n = 20, quick = 2, reference = 1),
    program!("copy", "8-byte memory copying", I64, n = 1_000, quick = 100, reference = 2),
    program!("crc32", "bitwise CRC-32", I64, n = 100_000, quick = 10_000, reference = 50),
    program!("matmul", "f64 matrix multiply", F64, n = 100, quick = 10, reference = 1),
    program!("mandelbrot", "f64 escape-time loop", I64, n = 100, quick = 30, reference = 8),
    program!("nbody", "f64 arithmetic and sqrt", F64, n = 300_000, quick = 30_000, reference = 200),
    program!("interp", "br_table dispatch", I64, n = 300_000, quick = 30_000, reference = 100),
    program!("i128", "128-bit arithmetic", I64, n = 1_000_000, quick = 100_000, reference = 1_000),
    program!(
        "host_loop",
        "host calls in a loop",
        I64,
        n = 1_000_000,
        quick = 100_000,
        reference = 1_000,
        host
    ),
    program!("simd_bytes", "i8x16/i16x8/i32x4 widening sums", I64, n = 5_000, quick = 500, reference = 2),
    program!(
        "hashtable",
        "string hash, probing on loaded data",
        I64,
        n = 200_000,
        quick = 20_000,
        reference = 300
    ),
    program!(
        "fnptr_interp",
        "dispatch through a function-pointer table",
        I64,
        n = 200_000,
        quick = 20_000,
        reference = 50
    ),
    program!("image_filter", "f32 3x3 blur", F64, n = 300, quick = 30, reference = 1),
];

/// The program called `name`.
pub fn program(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clif_file_is_in_the_suite_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("clif");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().to_string_lossy().strip_suffix(".clif").map(String::from))
            .collect();
        files.sort();
        let mut names: Vec<String> = PROGRAMS.iter().map(|p| p.name.to_string()).collect();
        names.sort();
        assert_eq!(files, names);
        assert!(PROGRAMS.len() >= 12);
    }
}
