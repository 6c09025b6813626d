//! Host-to-guest entries in a loop, for counting their instructions:
//!
//! ```text
//! cargo build --release -p sheave-benches --example entry_cost
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_run*' \
//!     target/release/examples/entry_cost typed 10000
//! ```
//!
//! `typed` calls the empty function through a `TypedFunc`, `raw` through
//! `Vm::call_prepared`; the second argument is the number of calls.

use sheave_benches::host_calls::instance;
use std::hint::black_box;
use std::time::Instant;

#[inline(never)]
fn measured_run(calls: u64, mut call: impl FnMut()) {
    for _ in 0..calls {
        call();
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "typed".into());
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let mut inst = instance();
    let start = Instant::now();
    match kind.as_str() {
        "typed" => {
            let empty = inst.get_typed_func::<(), ()>("empty").expect("%empty is exported");
            measured_run(calls, || empty.call(&mut inst, ()).expect("returns"));
        }
        "raw" => {
            let code = inst.module().code().to_vec();
            let entry = inst.module().function("empty").expect("%empty is exported").range.start;
            let mut vm = sheave_interp::Vm::new();
            measured_run(calls, || {
                let entry = std::ptr::NonNull::from(&code[entry]);
                // SAFETY: verified code (the module validated) that touches only the stack.
                black_box(unsafe { vm.call_prepared(entry) }.expect("an entry"));
            });
        }
        other => {
            eprintln!("entry_cost: unknown kind {other:?} (typed or raw)");
            std::process::exit(2);
        }
    }
    let ns = start.elapsed().as_secs_f64() * 1e9 / calls as f64;
    println!("{kind}: {ns:.1} ns per call");
}
