//! The micro-benchmark programs in plain Rust: what both VMs must compute.

/// See [`crate::sheave_programs::SheavePrograms::int_loop`].
pub fn int_loop(n: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..n {
        let t = i << 1;
        acc = acc.wrapping_add(i) ^ t;
    }
    acc
}

/// See [`crate::sheave_programs::SheavePrograms::float_loop`].
pub fn float_loop(n: u64) -> f64 {
    let (mut x, mut s) = (0.0f64, 0.0f64);
    for _ in 0..n {
        x = x * 0.5 + 1.0;
        s += x;
    }
    s
}

/// See [`crate::sheave_programs::SheavePrograms::mem_loop`].
pub fn mem_loop(buf: &mut [u64]) -> u64 {
    let mut acc = 0u64;
    for p in buf {
        *p = p.wrapping_add(1);
        acc = acc.wrapping_add(*p);
    }
    acc
}

/// See [`crate::sheave_programs::SheavePrograms::call_loop`].
pub fn call_loop(n: u64) -> u64 {
    (0..n).fold(0u64, |acc, i| acc.wrapping_add(i))
}
