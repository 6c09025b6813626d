//! What checked mode costs: every suite program on Sheave trusted and
//! checked (`Linker::instantiate_checked`), timed in interleaved rounds in
//! one process; prints the checked/trusted ratio per program and the
//! geometric mean. `cargo run --release -p sheave-benches --example checked_cost [ROUNDS]`.

use sheave_benches::engines::{Engine, compile, compile_checked};
use sheave_benches::suite::PROGRAMS;
use std::time::{Duration, Instant};

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(7);
    let mut ratios = Vec::new();
    println!("{:<12} {:>12} {:>12} {:>8}", "program", "trusted", "checked", "ratio");
    for program in PROGRAMS {
        let mut trusted = compile(Engine::Sheave, program).expect("compiles");
        let mut checked = compile_checked(program).expect("compiles checked");
        let n = program.n_quick;
        assert_eq!(trusted.runner.run(n).unwrap(), checked.runner.run(n).unwrap(), "{}", program.name);
        let (mut t, mut c): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            for k in 0..2 {
                let which = if (k + round) % 2 == 0 { &mut trusted } else { &mut checked };
                let start = Instant::now();
                which.runner.run(std::hint::black_box(n)).expect("runs");
                let elapsed = start.elapsed();
                if (k + round) % 2 == 0 { t.push(elapsed) } else { c.push(elapsed) }
            }
        }
        t.sort();
        c.sort();
        let (t, c) = (t[t.len() / 2], c[c.len() / 2]);
        let ratio = c.as_secs_f64() / t.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{:<12} {:>9.2} ms {:>9.2} ms {:>8.3}",
            program.name,
            t.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            ratio
        );
    }
    let geomean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    println!("geomean checked/trusted: {geomean:.3}");
}
