//! Before anything is timed, every engine must compute the same result for
//! every program of the suite (cranelift-interpreter included, except for
//! the host-call program it cannot run).

use sheave_benches::engines::{Engine, Output, check_agreement, compile};
use sheave_benches::suite::{PROGRAMS, program};

#[test]
fn every_engine_agrees_on_every_program() {
    let mut failures = Vec::new();
    for program in PROGRAMS {
        if let Err(e) = check_agreement(program) {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "disagreements:\n{}", failures.join("\n"));
}

#[test]
fn agreement_is_on_known_answers() {
    // fib(12) = 144 and the sieve finds 1900 primes below 16384: the
    // engines agree on the right value, not merely on the same one.
    assert_eq!(check_agreement(program("fib").unwrap()), Ok(Output::I64(144)));
    assert_eq!(check_agreement(program("sieve").unwrap()), Ok(Output::I64(1900)));
    // Two passes of the SIMD checksum, computed lane by lane in Python.
    assert_eq!(check_agreement(program("simd_bytes").unwrap()), Ok(Output::I64(2779565396062208)));
    // Computed in Python: 300 steps over 300 distinct keys count 1 each.
    assert_eq!(check_agreement(program("hashtable").unwrap()), Ok(Output::I64(300)));
    let host = program("host_loop").unwrap();
    assert_eq!(check_agreement(host), Ok(Output::I64(host.n_reference * (host.n_reference - 1) / 2)));
}

#[test]
fn every_engine_reports_a_code_size_except_the_clif_interpreter() {
    let fib = program("fib").unwrap();
    for engine in Engine::ALL {
        let compiled = compile(engine, fib).unwrap();
        match engine {
            Engine::ClifInterp => assert_eq!(compiled.code_size, None),
            _ => assert!(compiled.code_size.unwrap() > 20, "{engine}: {:?}", compiled.code_size),
        }
    }
}

#[test]
fn pulley_disassembly_shows_every_function() {
    let fib = program("fib").unwrap();
    let functions = sheave_benches::engines::parse(fib).unwrap();
    let text = sheave_benches::engines::pulley_disassembly(&functions).unwrap();
    assert!(text.contains("%fib (") && text.contains("%main ("), "{text}");
    assert!(text.contains("call") && text.contains("ret"), "{text}");
}
