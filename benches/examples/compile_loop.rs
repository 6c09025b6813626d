//! Compiles every suite program many times on one engine, for profiling
//! compile time: `cargo run --release -p sheave-benches --example compile_loop -- sheave 200`
//! (under `perf record` or callgrind). Prints the mean per program.

use sheave_benches::engines::{Engine, compile};
use sheave_benches::suite::PROGRAMS;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let engine = args.next().unwrap_or_else(|| "sheave".into());
    let Some(engine) = Engine::ALL.into_iter().find(|e| e.name() == engine) else {
        eprintln!("compile_loop: no engine {engine:?} (sheave, pulley, native)");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().map_or(100, |n| n.parse().expect("a number of rounds"));
    let mut total = Duration::ZERO;
    for program in PROGRAMS {
        let start = Instant::now();
        for _ in 0..rounds {
            compile(engine, program).expect("compiles");
        }
        total += start.elapsed();
    }
    println!(
        "{engine}: {:.1} µs per program",
        total.as_secs_f64() * 1e6 / (rounds as f64 * PROGRAMS.len() as f64)
    );
}
