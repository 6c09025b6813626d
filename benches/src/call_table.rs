//! The harness of the call benchmarks (`host_calls`, `native_calls`):
//! criterion for each case, then a side-by-side table of medians of
//! interleaved rounds in one process, since these machines are shared and
//! noisy and only ratios measured together mean much.

use criterion::Criterion;
use std::time::Instant;

/// A benchmark case: its name, how many calls one run makes, and the run.
pub type Case = (&'static str, u64, Box<dyn FnMut()>);

/// Medians of `rounds` interleaved rounds of about `calls_per_round` calls
/// each, in ns per call.
pub fn table(cases: &mut [Case], rounds: usize, calls_per_round: u64) -> Vec<f64> {
    let mut samples = vec![Vec::new(); cases.len()];
    for _ in 0..rounds {
        for (i, (_, calls, run)) in cases.iter_mut().enumerate() {
            let reps = (calls_per_round / *calls).max(1);
            let t = Instant::now();
            for _ in 0..reps {
                run();
            }
            samples[i].push(t.elapsed().as_nanos() as f64 / (reps * *calls) as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}

/// What a call benchmark's `main` does: criterion over `cases()` (unless
/// `--table-only` is given), then the table of 31 rounds.
pub fn main(cases: fn() -> Vec<Case>, calls_per_round: u64) {
    let table_only = std::env::args().any(|a| a == "--table-only");
    if !table_only {
        let mut c = Criterion::default().configure_from_args();
        for (name, _, mut run) in cases() {
            c.bench_function(name, |b| b.iter(&mut run));
        }
        c.final_summary();
    }
    let mut cases = cases();
    let medians = table(&mut cases, 31, calls_per_round);
    println!("\n{:<55} {:>10}", "call", "ns/call");
    for ((name, _, _), median) in cases.iter().zip(medians) {
        println!("{name:<55} {median:>10.2}");
    }
}
