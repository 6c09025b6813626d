//! The CLIF program suite under criterion: each program on Sheave, Pulley
//! and native Cranelift, at the suite's quick sizes.
//!
//! `cargo bench -p sheave-benches --bench programs` (filter with a program
//! name: `-- fib`). For the side-by-side table with ratios, compile time
//! and code size, use the report:
//! `cargo run --release -p sheave-benches --bin report`.

use criterion::{BenchmarkId, Criterion};
use sheave_benches::engines::{Engine, compile};
use sheave_benches::suite::PROGRAMS;
use std::hint::black_box;
use std::time::Duration;

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for program in PROGRAMS {
        let mut group = c.benchmark_group(program.name);
        for engine in [Engine::Sheave, Engine::Pulley, Engine::Native] {
            let mut compiled =
                compile(engine, program).unwrap_or_else(|e| panic!("{}: {engine}: {e}", program.name));
            let expected = compiled.runner.run(program.n_quick).expect("runs");
            group.bench_function(BenchmarkId::new(engine.name(), program.n_quick), |b| {
                b.iter(|| {
                    let out = compiled.runner.run(black_box(program.n_quick));
                    assert_eq!(out.as_ref(), Ok(&expected));
                    out
                })
            });
        }
        group.finish();
    }
    c.final_summary();
}
