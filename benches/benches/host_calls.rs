//! The embedding API's call costs: host-to-guest calls (typed, untyped, and
//! the raw `Vm` entry underneath), and guest-to-host-to-guest round trips
//! (to a Rust closure through the instance, and to a builtin inside the VM).
//!
//! `cargo bench -p sheave-benches --bench host_calls`; `-- --table-only`
//! skips criterion and prints the side-by-side table (medians of
//! interleaved rounds in one process, ns per call).

use sheave_benches::host_calls::instance;
use sheave_interp::Val;
use std::hint::black_box;

/// Guest-to-host calls per `%ping` run; the time per round trip is the run's
/// time divided by this.
const PINGS: i64 = 1000;

use sheave_benches::call_table::Case;

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();

    let mut inst = instance();
    let empty = inst.get_typed_func::<(), ()>("empty").unwrap();
    cases.push(("host->guest empty (typed)", 1, Box::new(move || empty.call(&mut inst, ()).unwrap())));

    let mut inst = instance();
    let add = inst.get_typed_func::<(i64, i64), i64>("add").unwrap();
    cases.push((
        "host->guest add(i64, i64) (typed)",
        1,
        Box::new(move || {
            black_box(add.call(&mut inst, (black_box(40), 2)).unwrap());
        }),
    ));

    let mut inst = instance();
    let add = inst.get_func("add").unwrap();
    let mut out = [Val::I64(0)];
    cases.push((
        "host->guest add(i64, i64) (untyped)",
        1,
        Box::new(move || add.call(&mut inst, &[Val::I64(black_box(40)), Val::I64(2)], &mut out).unwrap()),
    ));

    // The raw entry underneath: arguments set by hand, no host-call loop.
    let inst = instance();
    let code = inst.module().code().to_vec();
    let start = inst.module().function("empty").unwrap().range.start;
    let mut vm = sheave_interp::Vm::new();
    cases.push((
        "host->guest empty (raw Vm::call_prepared)",
        1,
        Box::new(move || {
            let entry = std::ptr::NonNull::from(&code[start]);
            // SAFETY: verified code (the module validated) that touches only the stack.
            black_box(unsafe { vm.call_prepared(entry) }.unwrap());
        }),
    ));

    let mut inst = instance();
    let ping = inst.get_typed_func::<i64, i64>("ping").unwrap();
    cases.push((
        "guest->host->guest round trip (Rust closure)",
        PINGS as u64,
        Box::new(move || assert_eq!(ping.call(&mut inst, PINGS).unwrap(), PINGS)),
    ));

    let mut inst = instance();
    let ping = inst.get_typed_func::<i64, i64>("ping_builtin").unwrap();
    cases.push((
        "guest->builtin->guest round trip (Memset, in the VM)",
        PINGS as u64,
        Box::new(move || assert_eq!(ping.call(&mut inst, PINGS).unwrap(), 0)),
    ));
    cases
}

fn main() {
    sheave_benches::call_table::main(cases, 20_000);
}
