//! Native interop's call costs: a guest->native call of an
//! `(i64, i64) -> i64` C function and a native->guest callback, each next
//! to the same call made directly from Rust (through a function pointer
//! the optimizer cannot see through) and, for scale, a guest->host call of
//! a Rust closure.
//!
//! `cargo bench -p sheave-benches --bench native_calls`; `-- --table-only`
//! skips criterion and prints the side-by-side table (medians of
//! interleaved rounds in one process, ns per call).

use sheave_embed::{Instance, Linker, NativeSignature, NativeType};
use std::hint::black_box;

/// Calls per run; the time per call is the run's time divided by this.
const CALLS: i64 = 1000;

extern "C" fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// What C code calling a callback `n` times looks like.
extern "C" fn apply_n(f: extern "C" fn(i64) -> i64, n: i64) -> i64 {
    let mut sum = 0i64;
    for i in 0..n {
        sum = sum.wrapping_add(f(i));
    }
    sum
}

extern "C" fn inc(x: i64) -> i64 {
    x + 1
}

const PROGRAMS: &str = r#"
; n calls of %add(i, acc), through whatever the import is bound to.
function %add_loop(i64) -> i64 {
    fn0 = %add(i64, i64) -> i64
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v1, v1)
block1(v2: i64, v3: i64):
    v4 = icmp ult v2, v0
    brif v4, block2, block3
block2:
    v5 = call fn0(v2, v3)
    v6 = iconst.i64 1
    v7 = iadd v2, v6
    jump block1(v7, v5)
block3:
    return v3
}
function %inc(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 1
    v2 = iadd v0, v1
    return v2
}
; n callbacks of %inc from native apply_n.
function %callbacks(i64) -> i64 {
    fn0 = %apply_n(i64, i64) -> i64
    fn1 = %inc(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
"#;

fn instance(native_add: bool) -> Instance<()> {
    let module = sheave_codegen::compile_clif(PROGRAMS).expect("the programs compile");
    let mut linker = Linker::<()>::new();
    let i64s = |n| vec![NativeType::I64; n];
    // SAFETY: `add` and `apply_n` have these C signatures (a callback
    // pointer is an i64 on 64-bit hosts, where these benchmarks run).
    unsafe {
        if native_add {
            linker
                .func_native("add", add as *const _, NativeSignature::new(i64s(2), Some(NativeType::I64)))
                .unwrap();
        }
        linker
            .func_native("apply_n", apply_n as *const _, NativeSignature::new(i64s(2), Some(NativeType::I64)))
            .unwrap();
    }
    if !native_add {
        linker.func_wrap("add", |a: i64, b: i64| a.wrapping_add(b)).unwrap();
    }
    // SAFETY: the programs touch only the VM stack.
    unsafe { linker.instantiate(&module, ()) }.unwrap()
}

use sheave_benches::call_table::Case;

fn expected_sum(n: i64) -> i64 {
    n * (n - 1) / 2
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut inst = instance(true);
    let run = inst.get_typed_func::<i64, i64>("add_loop").unwrap();
    cases.push((
        "guest->native add(i64, i64) (libffi)",
        CALLS as u64,
        Box::new(move || assert_eq!(run.call(&mut inst, CALLS).unwrap(), expected_sum(CALLS))),
    ));
    let mut inst = instance(false);
    let run = inst.get_typed_func::<i64, i64>("add_loop").unwrap();
    cases.push((
        "guest->host add(i64, i64) (Rust closure)",
        CALLS as u64,
        Box::new(move || assert_eq!(run.call(&mut inst, CALLS).unwrap(), expected_sum(CALLS))),
    ));
    let f: extern "C" fn(i64, i64) -> i64 = add;
    cases.push((
        "Rust->native add(i64, i64) (direct)",
        CALLS as u64,
        Box::new(move || {
            let f = black_box(f);
            let mut acc = 0i64;
            for i in 0..CALLS {
                acc = f(black_box(i), acc);
            }
            assert_eq!(acc, expected_sum(CALLS));
        }),
    ));
    let mut inst = instance(true);
    let run = inst.get_typed_func::<i64, i64>("callbacks").unwrap();
    cases.push((
        "native->guest callback inc(i64) (libffi closure)",
        CALLS as u64,
        Box::new(move || assert_eq!(run.call(&mut inst, CALLS).unwrap(), expected_sum(CALLS + 1))),
    ));
    let g: extern "C" fn(i64) -> i64 = inc;
    cases.push((
        "native->native callback inc(i64) (direct)",
        CALLS as u64,
        Box::new(move || assert_eq!(apply_n(black_box(g), black_box(CALLS)), expected_sum(CALLS + 1))),
    ));
    cases
}

fn main() {
    sheave_benches::call_table::main(cases, 200_000);
}
