//! The side-by-side report: every suite program on Sheave, Pulley, native
//! Cranelift and cranelift-interpreter, in one process.
//!
//! ```text
//! cargo run --release -p sheave-benches --bin report              # full (a few minutes)
//! cargo run --release -p sheave-benches --bin report -- --quick   # smaller sizes, fewer rounds
//! ```
//!
//! Before timing, every program must give the same result on every engine
//! (at the reference size, and again at the timed size on the three fast
//! engines). Run times are medians over interleaved rounds, the engines'
//! order rotating each round, so a noisy neighbour hurts all engines alike.
//! The last line is machine-readable:
//! `geomean sheave/pulley=R1 sheave/native=R2`.
//!
//! For exact instruction counts, run one program on one engine under
//! callgrind, collecting only the timed calls:
//!
//! ```text
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_run*' \
//!     target/release/report --quick --only fib --engines sheave --rounds 1
//! ```

use sheave_benches::engines::{Compiled, Engine, EngineError, Output, UNSUPPORTED, check_agreement, compile};
use sheave_benches::suite::{PROGRAMS, Program};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: report [--quick] [--rounds N] [--only PROGRAM,...] [--engines ENGINE,...]
  --quick        smaller sizes and fewer rounds (about a minute)
  --rounds N     timed rounds per program (default 11, quick 5)
  --only P,...   only these programs (names as in benches/clif/)
  --engines E,.. only these of sheave, pulley, native, clif-interp
  --pulley-disas P  print Pulley's bytecode for program P and exit
                 (Sheave's: `sheave disas benches/clif/P.clif`)
  --profile-ops  count the ops and pairs of consecutive ops Sheave runs
                 (at the quick sizes, of the --only programs) and exit";

struct Options {
    quick: bool,
    rounds: usize,
    programs: Vec<&'static Program>,
    engines: Vec<Engine>,
}

fn parse_options() -> Result<Options, String> {
    let mut quick = false;
    let mut profile = false;
    let mut rounds = None;
    let mut programs: Vec<&'static Program> = PROGRAMS.iter().collect();
    let mut engines = Engine::ALL.to_vec();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--rounds" => {
                let n = args.next().ok_or("--rounds needs a number")?;
                let n: usize = n.parse().map_err(|_| format!("--rounds: not a number: {n}"))?;
                if n == 0 {
                    return Err("--rounds must be at least 1".into());
                }
                rounds = Some(n);
            }
            "--only" => {
                let list = args.next().ok_or("--only needs program names")?;
                programs = list
                    .split(',')
                    .map(|name| {
                        PROGRAMS.iter().find(|p| p.name == name).ok_or_else(|| {
                            let known: Vec<_> = PROGRAMS.iter().map(|p| p.name).collect();
                            format!("no program {name:?}; there are: {}", known.join(", "))
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--engines" => {
                let list = args.next().ok_or("--engines needs engine names")?;
                engines = list
                    .split(',')
                    .map(|name| {
                        Engine::ALL
                            .into_iter()
                            .find(|e| e.name() == name)
                            .ok_or_else(|| format!("no engine {name:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--pulley-disas" => {
                let name = args.next().ok_or("--pulley-disas needs a program name")?;
                let program =
                    PROGRAMS.iter().find(|p| p.name == name).ok_or_else(|| format!("no program {name:?}"))?;
                let functions = sheave_benches::engines::parse(program)?;
                print!(
                    "{}",
                    sheave_benches::engines::pulley_disassembly(&functions).map_err(|e| e.to_string())?
                );
                std::process::exit(0);
            }
            "--profile-ops" => profile = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            // `cargo bench` passes `--bench` to every target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if profile {
        std::process::exit(match profile_ops(&programs) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("report: {e}");
                1
            }
        });
    }
    Ok(Options { quick, rounds: rounds.unwrap_or(if quick { 5 } else { 11 }), programs, engines })
}

/// `--profile-ops`: per program, the ops and fusable pairs that ran most, as
/// shares of the ops it ran; then the same over the suite, each program
/// weighing the same (as in the geomean the targets are set on).
fn profile_ops(programs: &[&'static Program]) -> Result<(), String> {
    use std::collections::BTreeMap;
    const TOP: usize = 12;
    let mut suite_ops: BTreeMap<String, f64> = BTreeMap::new();
    let mut suite_pairs: BTreeMap<String, f64> = BTreeMap::new();
    let share = |n: u64, total: u64| n as f64 / total.max(1) as f64;
    for program in programs {
        let profile = sheave_benches::engines::profile_ops(program, program.n_quick).map_err(|e| e.0)?;
        let total = profile.total();
        println!("## {} ({total} ops at n = {})", program.name, program.n_quick);
        println!();
        println!("| op | share | pair | share |");
        println!("|---|---:|---|---:|");
        let (ops, pairs) = (profile.ops(), profile.pairs());
        for i in 0..TOP.min(ops.len().max(pairs.len())) {
            let op = ops.get(i).map_or(("".into(), "".into()), |(k, n)| {
                (k.name().to_string(), format!("{:.1}%", 100.0 * share(*n, total)))
            });
            let pair = pairs.get(i).map_or(("".into(), "".into()), |((a, b), n)| {
                (format!("{} → {}", a.name(), b.name()), format!("{:.1}%", 100.0 * share(*n, total)))
            });
            println!("| {} | {} | {} | {} |", op.0, op.1, pair.0, pair.1);
        }
        println!();
        for (k, n) in ops {
            *suite_ops.entry(k.name().to_string()).or_default() += share(n, total) / programs.len() as f64;
        }
        for ((a, b), n) in pairs {
            *suite_pairs.entry(format!("{} → {}", a.name(), b.name())).or_default() +=
                share(n, total) / programs.len() as f64;
        }
    }
    let sorted = |m: BTreeMap<String, f64>| {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    };
    println!("## suite ({} programs, each weighing the same)", programs.len());
    println!();
    println!("| op | share | pair | share |");
    println!("|---|---:|---|---:|");
    let (ops, pairs) = (sorted(suite_ops), sorted(suite_pairs));
    for i in 0..(3 * TOP).min(ops.len().max(pairs.len())) {
        let cell = |v: Option<&(String, f64)>| {
            v.map_or(("".into(), "".into()), |(k, x)| (k.clone(), format!("{:.1}%", 100.0 * x)))
        };
        let (o, p) = (cell(ops.get(i)), cell(pairs.get(i)));
        println!("| {} | {} | {} | {} |", o.0, o.1, p.0, p.1);
    }
    Ok(())
}

/// One timed call: the only code callgrind collects (see the module docs).
#[inline(never)]
fn measured_run(compiled: &mut Compiled, n: i64) -> (Result<Output, EngineError>, Duration) {
    let start = Instant::now();
    let out = compiled.runner.run(std::hint::black_box(n));
    (out, start.elapsed())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn geomean(ratios: &[f64]) -> Option<f64> {
    (!ratios.is_empty()).then(|| (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    Some(a?.as_secs_f64() / b?.as_secs_f64())
}

fn cell<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

/// Per-program figures.
#[derive(Default)]
struct Row {
    /// Median run time at the timed size, per fast engine.
    time: [Option<Duration>; 3],
    /// cranelift-interpreter and Sheave at the reference size.
    reference: Option<(Duration, Duration)>,
    /// Best compile time and code size, per engine (cranelift-interpreter has neither).
    compile: [Option<Duration>; 3],
    size: [Option<usize>; 3],
}

const FAST: [Engine; 3] = [Engine::Sheave, Engine::Pulley, Engine::Native];

fn measure(program: &Program, opts: &Options) -> Result<Row, String> {
    let mut row = Row::default();
    let n = if opts.quick { program.n_quick } else { program.n };
    let wanted: Vec<(usize, Engine)> =
        FAST.iter().copied().enumerate().filter(|(_, e)| opts.engines.contains(e)).collect();

    // Compile time: the best of several compilations (the first one also
    // pays for cold caches and lazy initialization).
    let compiles = if opts.quick { 3 } else { 10 };
    let mut runners = Vec::new();
    for &(i, engine) in &wanted {
        let mut best = None;
        let mut last = None;
        for _ in 0..compiles {
            let c = compile(engine, program).map_err(|e| format!("{engine} cannot compile it: {e}"))?;
            best = Some(best.map_or(c.compile_time, |b: Duration| b.min(c.compile_time)));
            last = Some(c);
        }
        let c = last.expect("compiled at least once");
        row.compile[i] = best;
        row.size[i] = c.code_size;
        runners.push((i, engine, c));
    }

    // Warm up, and check the engines agree at the timed size too.
    let mut expected: Option<(Engine, Output)> = None;
    for (_, engine, c) in &mut runners {
        let out = c.runner.run(n).map_err(|e| format!("{engine}: {e}"))?;
        match expected {
            Some((first, want)) if want != out => {
                return Err(format!("at n = {n}: {first} returned {want}, {engine} returned {out}"));
            }
            None => expected = Some((*engine, out)),
            _ => {}
        }
    }

    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); runners.len()];
    for round in 0..opts.rounds {
        for k in 0..runners.len() {
            let slot = (k + round) % runners.len();
            let (_, engine, c) = &mut runners[slot];
            let (out, t) = measured_run(c, n);
            let out = out.map_err(|e| format!("{engine}: {e}"))?;
            if Some(out) != expected.map(|(_, o)| o) {
                return Err(format!("{engine} returned {out} in round {round}"));
            }
            samples[slot].push(t);
        }
    }
    for (slot, (i, _, _)) in runners.iter().enumerate() {
        row.time[*i] = Some(median(&mut samples[slot]));
    }

    // cranelift-interpreter walks CLIF at the reference size; Sheave is
    // timed there too, for the ratio.
    if opts.engines.contains(&Engine::ClifInterp) {
        match compile(Engine::ClifInterp, program) {
            Err(e) if e.0 == UNSUPPORTED => {}
            Err(e) => return Err(format!("clif-interp: {e}")),
            Ok(mut reference) => {
                let mut sheave = compile(Engine::Sheave, program).map_err(|e| e.to_string())?;
                let repeats = if opts.quick { 1 } else { 3 };
                let (mut ti, mut ts) = (Vec::new(), Vec::new());
                for _ in 0..repeats {
                    let (out, t) = measured_run(&mut reference, program.n_reference);
                    out.map_err(|e| format!("clif-interp: {e}"))?;
                    ti.push(t);
                    let (out, t) = measured_run(&mut sheave, program.n_reference);
                    out.map_err(|e| format!("sheave: {e}"))?;
                    ts.push(t);
                }
                row.reference = Some((median(&mut ti), median(&mut ts)));
            }
        }
    }
    Ok(row)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores, {} {}", std::env::consts::OS, std::env::consts::ARCH)
}

fn main() -> ExitCode {
    let opts = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("report: {e}");
            return ExitCode::from(2);
        }
    };
    if cfg!(debug_assertions) {
        eprintln!("report: warning: a debug build; run with --release for meaningful figures");
    }
    println!("Sheave benchmark report ({} mode): {}", if opts.quick { "quick" } else { "full" }, machine());
    println!(
        "Run time: median of {} interleaved rounds. Compile time: best of {}.",
        opts.rounds,
        if opts.quick { 3 } else { 10 }
    );
    println!();

    // Agreement first: nothing is timed until every engine computes the same.
    for program in &opts.programs {
        if let Err(e) = check_agreement(program) {
            eprintln!("report: engines disagree: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("All engines agree on all {} programs at their reference sizes.", opts.programs.len());
    println!();

    let mut rows = Vec::new();
    for program in &opts.programs {
        if std::io::stderr().is_terminal() {
            eprint!("measuring {:<12}\r", program.name);
        }
        match measure(program, &opts) {
            Ok(row) => rows.push((*program, row)),
            Err(e) => {
                eprintln!("report: {}: {e}", program.name);
                return ExitCode::FAILURE;
            }
        }
    }

    println!(
        "| program | n | stresses | sheave | pulley | native | sheave/pulley | sheave/native | clif-interp/sheave (n) |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|");
    let (mut vs_pulley, mut vs_native, mut interp_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for (program, row) in &rows {
        let [s, p, nat] = row.time;
        let rp = ratio(s, p);
        let rn = ratio(s, nat);
        vs_pulley.extend(rp);
        vs_native.extend(rn);
        let reference = row.reference.map(|(ti, ts)| {
            let r = ti.as_secs_f64() / ts.as_secs_f64();
            interp_ratios.push(r);
            format!("{r:.0}× ({})", program.n_reference)
        });
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            program.name,
            if opts.quick { program.n_quick } else { program.n },
            program.stresses,
            cell(s, ms),
            cell(p, ms),
            cell(nat, ms),
            cell(rp, |r| format!("{r:.2}")),
            cell(rn, |r| format!("{r:.2}")),
            cell(reference, |s| s),
        );
    }
    let (gp, gn) = (geomean(&vs_pulley), geomean(&vs_native));
    println!(
        "| **geomean** | | | | | | **{}** | **{}** | {} |",
        cell(gp, |r| format!("{r:.3}")),
        cell(gn, |r| format!("{r:.2}")),
        cell(geomean(&interp_ratios), |r| format!("{r:.0}×")),
    );
    println!();

    println!(
        "| program | compile: sheave | pulley | native | sheave/pulley | bytes: sheave | pulley | native | sheave/pulley |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (mut compile_ratios, mut size_ratios) = (Vec::new(), Vec::new());
    let us = |d: Duration| format!("{:.0} µs", d.as_secs_f64() * 1e6);
    for (program, row) in &rows {
        let rc = ratio(row.compile[0], row.compile[1]);
        let rs = row.size[0].zip(row.size[1]).map(|(a, b)| a as f64 / b as f64);
        compile_ratios.extend(rc);
        size_ratios.extend(rs);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            program.name,
            cell(row.compile[0], us),
            cell(row.compile[1], us),
            cell(row.compile[2], us),
            cell(rc, |r| format!("{r:.2}")),
            cell(row.size[0], |b| b.to_string()),
            cell(row.size[1], |b| b.to_string()),
            cell(row.size[2], |b| b.to_string()),
            cell(rs, |r| format!("{r:.2}")),
        );
    }
    println!(
        "| **geomean** | | | | **{}** | | | | **{}** |",
        cell(geomean(&compile_ratios), |r| format!("{r:.2}")),
        cell(geomean(&size_ratios), |r| format!("{r:.2}")),
    );
    println!();
    let slower: Vec<&str> = rows
        .iter()
        .filter(|(_, r)| ratio(r.time[0], r.time[1]).is_some_and(|x| x > 1.0))
        .map(|(p, _)| p.name)
        .collect();
    if !slower.is_empty() {
        println!("Slower than Pulley: {}", slower.join(", "));
    }
    println!(
        "geomean sheave/pulley={} sheave/native={}",
        cell(gp, |r| format!("{r:.3}")),
        cell(gn, |r| format!("{r:.3}"))
    );
    ExitCode::SUCCESS
}
