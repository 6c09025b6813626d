//! Compiles every suite program (or only the one named third) many times on
//! one engine, for profiling compile time:
//! `cargo run --release -p sheave-benches --example compile_loop -- sheave 200 [mandelbrot]`
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
    let rounds: u32 = match args.next().map(|n| n.parse::<u32>()) {
        None => 100,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("compile_loop: the number of rounds must be a positive integer");
            std::process::exit(2);
        }
    };
    let only = args.next();
    let programs: Vec<_> = PROGRAMS.iter().filter(|p| only.as_deref().is_none_or(|o| o == p.name)).collect();
    if programs.is_empty() {
        eprintln!("compile_loop: no program {:?} in the suite", only.unwrap_or_default());
        std::process::exit(2);
    }
    let mut total = Duration::ZERO;
    for program in &programs {
        let start = Instant::now();
        for _ in 0..rounds {
            if let Err(e) = compile(engine, program) {
                eprintln!("compile_loop: {}: {e}", program.name);
                std::process::exit(1);
            }
        }
        total += start.elapsed();
    }
    println!(
        "{engine}: {:.1} µs per program",
        total.as_secs_f64() * 1e6 / (rounds as f64 * programs.len() as f64)
    );
}
