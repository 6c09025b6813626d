//! Dispatch micro-benchmark: the same four hand-encoded loops on Sheave
//! (both dispatchers) and on pulley-interpreter 48.0.8.
//!
//! `cargo bench -p sheave-benches --bench dispatch` runs criterion, then
//! prints a side-by-side table of Sheave/Pulley ratios measured interleaved
//! in one process (medians of alternating runs), which is what to quote on
//! a shared, noisy machine. `-- --ratios-only` skips criterion.

use criterion::Criterion;
use sheave_benches::{pulley_programs::PulleyPrograms, reference, sheave_programs::SheavePrograms};
use sheave_interp::Dispatch;
use std::hint::black_box;
use std::time::{Duration, Instant};

const N: u64 = 10_000;
const MEM_LEN: usize = 10_000;

/// One program on one engine, as a closure that runs it once.
type Runner<'a> = Box<dyn FnMut() -> u64 + 'a>;

struct Engines {
    tail: SheavePrograms,
    looped: SheavePrograms,
    unfused: SheavePrograms,
    pulley: PulleyPrograms,
    buf: Vec<u64>,
}

impl Engines {
    fn new() -> Self {
        let mut looped = SheavePrograms::new();
        looped.set_dispatch(Dispatch::Loop);
        let mut tail = SheavePrograms::new();
        tail.set_dispatch(Dispatch::TailCall);
        let mut unfused = SheavePrograms::with_super_instructions(false);
        unfused.set_dispatch(Dispatch::TailCall);
        Engines { tail, looped, unfused, pulley: PulleyPrograms::new(), buf: vec![0; MEM_LEN] }
    }
}

const PROGRAMS: [&str; 4] = ["int_loop", "float_loop", "mem_loop", "call_loop"];
/// `sheave-unfused` runs without super-instructions (see `with_super_instructions`).
const ENGINES: [&str; 4] = ["sheave", "sheave-loop", "sheave-unfused", "pulley"];

fn runner<'a>(e: &'a mut Engines, program: &str, engine: &str) -> Runner<'a> {
    let Engines { tail, looped, unfused, pulley, buf } = e;
    macro_rules! pick {
        ($method:ident, $arg:expr, $conv:expr) => {
            match engine {
                "sheave" => Box::new(move || $conv(tail.$method($arg))),
                "sheave-loop" => Box::new(move || $conv(looped.$method($arg))),
                "sheave-unfused" => Box::new(move || $conv(unfused.$method($arg))),
                _ => Box::new(move || $conv(pulley.$method($arg))),
            }
        };
    }
    match program {
        "int_loop" => pick!(int_loop, black_box(N), |r: u64| r),
        "float_loop" => pick!(float_loop, black_box(N), |r: f64| r.to_bits()),
        "mem_loop" => pick!(mem_loop, &mut *buf, |r: u64| r),
        _ => pick!(call_loop, black_box(N), |r: u64| r),
    }
}

fn criterion_benches(c: &mut Criterion) {
    let mut engines = Engines::new();
    for program in PROGRAMS {
        let mut group = c.benchmark_group(program);
        for engine in ENGINES {
            let mut run = runner(&mut engines, program, engine);
            group.bench_function(engine, |b| b.iter(|| black_box(run())));
        }
        group.finish();
    }
}

/// Median time of `rounds` alternating runs of each engine.
fn interleaved(engines: &mut Engines, program: &str, rounds: usize) -> Vec<Duration> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); ENGINES.len()];
    for _ in 0..rounds {
        for (i, engine) in ENGINES.iter().enumerate() {
            let mut run = runner(engines, program, engine);
            let start = Instant::now();
            for _ in 0..10 {
                black_box(run());
            }
            samples[i].push(start.elapsed() / 10);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

fn check_results(engines: &mut Engines) {
    let expected = [
        reference::int_loop(N),
        reference::float_loop(N).to_bits(),
        0, // mem_loop mutates its buffer; checked in the crate's tests
        reference::call_loop(N),
    ];
    for (program, want) in PROGRAMS.iter().zip(expected) {
        if *program == "mem_loop" {
            continue;
        }
        for engine in ENGINES {
            let got = runner(engines, program, engine)();
            assert_eq!(got, want, "{engine} computes {program} wrongly");
        }
    }
}

fn print_ratios(rounds: usize) {
    let mut engines = Engines::new();
    check_results(&mut engines);
    println!("\nSide by side, median of {rounds} interleaved rounds (n = {N}):");
    print!("{:<12}", "program");
    for engine in ENGINES {
        print!(" {engine:>14}");
    }
    println!(" {:>14} {:>14} {:>14}", "sheave/pulley", "loop/pulley", "fused/unfused");
    let mut logs = [0.0f64; 3];
    for program in PROGRAMS {
        let t: Vec<f64> =
            interleaved(&mut engines, program, rounds).iter().map(Duration::as_secs_f64).collect();
        let (tail, looped, unfused, pulley) = (t[0], t[1], t[2], t[3]);
        let ratios = [tail / pulley, looped / pulley, tail / unfused];
        print!("{program:<12}");
        for time in &t {
            print!(" {:>12.1}us", time * 1e6);
        }
        for (log, r) in logs.iter_mut().zip(ratios) {
            *log += r.ln();
            print!(" {r:>14.3}");
        }
        println!();
    }
    let g = |log: f64| (log / PROGRAMS.len() as f64).exp();
    println!(
        "geomean sheave/pulley={:.3} sheave-loop/pulley={:.3} fused/unfused={:.3}",
        g(logs[0]),
        g(logs[1]),
        g(logs[2])
    );
}

fn main() {
    let ratios_only = std::env::args().any(|a| a == "--ratios-only");
    if !ratios_only {
        let mut c = Criterion::default().configure_from_args();
        criterion_benches(&mut c);
        c.final_summary();
    }
    // `cargo test --benches` passes `--bench`-less args; keep that run short.
    let quick = std::env::args().all(|a| a != "--bench") && !ratios_only;
    print_ratios(if quick { 3 } else { 101 });
}
