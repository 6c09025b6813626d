//! The fuzz targets on stable Rust with seeded inputs: a few thousand
//! cases each in every `cargo test`. A failure prints the case (for the
//! differential target, its CLIF program with a `; run:` line).

use sheave_fuzzing::{compile, differential, load, roundtrip, seeded_bytes};

/// Cases per target.
const CASES: u64 = 2000;

#[test]
fn differential_against_cranelift_interpreter() {
    use sheave_fuzzing::clif_gen::{self, Config, PulleyTarget};
    use std::collections::BTreeMap;
    // Per target: cases, cases compared and agreed, skips by reason.
    let mut tally = BTreeMap::<PulleyTarget, (u64, u64, BTreeMap<String, usize>)>::new();
    let mut no_program = 0;
    for seed in 0..CASES {
        let data = seeded_bytes(seed, 64 + (seed as usize % 8) * 128);
        // What `differential::run` does, keeping the program's target
        // (which the bytes choose first).
        let program = match clif_gen::generate(&mut arbitrary::Unstructured::new(&data), &Config::default()) {
            Ok(program) => program,
            Err(_) => {
                no_program += 1;
                continue;
            }
        };
        let (cases, agreed, skipped) = tally.entry(program.target).or_default();
        *cases += 1;
        match differential::check(&program) {
            Ok(differential::Verdict::Agreed) => *agreed += 1,
            Ok(differential::Verdict::Skipped(why)) => {
                // Group reasons by their first words.
                let key: String = why.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
                *skipped.entry(key).or_default() += 1;
            }
            Err(e) => panic!("seed {seed}: engines disagree\n{e}"),
        }
    }
    let figures: Vec<String> =
        tally.iter().map(|(target, (cases, agreed, _))| format!("{target} {agreed} of {cases}")).collect();
    let skipped: BTreeMap<_, _> = tally.iter().map(|(target, (.., skipped))| (target, skipped)).collect();
    eprintln!(
        "differential: {} compared and agreed (of {CASES} cases; {no_program} made no program); skipped: {skipped:#?}",
        figures.join(", ")
    );
    let total: u64 = tally.values().map(|(_, agreed, _)| agreed).sum();
    for target in PulleyTarget::ALL {
        let (cases, agreed, _) = tally.get(&target).cloned().unwrap_or_default();
        if target.pointer_type() == cranelift_codegen::ir::types::I32
            && !sheave_filetests::low_stack::available()
        {
            eprintln!("differential: {target} skipped: {}", sheave_filetests::low_stack::UNAVAILABLE);
            continue;
        }
        // Most cases of every target must really compare, or this test
        // proves little.
        assert!(
            agreed * 10 >= cases * 7 && cases * 8 >= CASES,
            "{target}: only {agreed} of {cases} cases were compared"
        );
    }
    assert!(total > 0, "no case was compared");
}

#[test]
fn compile_never_panics() {
    let compiled =
        (0..CASES).filter(|&seed| compile::run(&seeded_bytes(seed, 256 + (seed as usize % 8) * 256))).count();
    eprintln!("compile: {compiled} of {CASES} generated programs compiled");
    assert!(compiled as u64 * 10 >= CASES * 7, "only {compiled} of {CASES} compiled");
}

#[test]
fn ops_round_trip() {
    let mut ops = 0;
    for seed in 0..CASES {
        ops += roundtrip::run(&seeded_bytes(seed, 256)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
    eprintln!("roundtrip: {ops} ops decoded, re-encoded and disassembled");
    assert!(ops > CASES as usize * 10);
}

#[test]
fn loader_takes_any_bytes() {
    let mut accepted = 0;
    for seed in 0..CASES {
        let mut data = seeded_bytes(seed, 1 + (seed as usize % 16) * 3);
        // Odd first byte: edit a valid module. Even: raw bytes.
        if let Some(b) = data.first_mut() {
            *b = seed as u8;
        }
        if load::run(&data).unwrap_or_else(|e| panic!("seed {seed}: {e}")) {
            accepted += 1;
        }
    }
    eprintln!("load: {accepted} of {CASES} inputs accepted");
    assert!(accepted > 0);
}

/// A case prints as a runtest file that `sheave test` (here: its library
/// function) runs and passes: the reproduction path the README describes.
#[test]
fn printed_cases_are_runnable_test_files() {
    let mut checked = 0;
    for seed in 0..200 {
        let data = seeded_bytes(seed, 512);
        let Ok(program) = sheave_fuzzing::clif_gen::generate(
            &mut arbitrary::Unstructured::new(&data),
            &sheave_fuzzing::clif_gen::Config::default(),
        ) else {
            continue;
        };
        // NaN results print as a NaN that a runtest compares bit for bit.
        let Some(values) = differential::reference_values(&program) else { continue };
        if values.iter().any(|v| {
            matches!(v, cranelift_codegen::data_value::DataValue::F32(x) if x.is_nan())
                || matches!(v, cranelift_codegen::data_value::DataValue::F64(x) if x.is_nan())
        }) {
            continue;
        }
        let text = program.to_clif(Ok(&values));
        // SAFETY: the printed programs only access their own stack slots.
        let report = unsafe { sheave_filetests::runtest::run_file(&text) };
        assert!(
            report.passed() && report.passed == 1,
            "seed {seed}: {:?} {:?}\n{text}",
            report.error,
            report.failures
        );
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} printed cases checked");
}

#[test]
fn checked_instances_survive_random_verified_bytecode() {
    use sheave_fuzzing::checked::{self, Outcome};
    let cases = 3000;
    let (mut rejected, mut returned, mut trapped) = (0, 0, 0);
    for seed in 0..cases {
        let data = seeded_bytes(seed ^ 0xc4ec, 64 + (seed as usize % 16) * 48);
        match checked::run(&data) {
            Ok(Outcome::Rejected) => rejected += 1,
            Ok(Outcome::Returned) => returned += 1,
            Ok(Outcome::Trapped) => trapped += 1,
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    eprintln!(
        "checked: {returned} returned, {trapped} trapped, {rejected} rejected by the verifier (of {cases})"
    );
    // Enough must run for the test to mean something.
    assert!((returned + trapped) * 4 >= cases, "only {} of {cases} cases ran", returned + trapped);
}

#[test]
fn checked_fuzz_findings_stay_fixed() {
    use sheave_fuzzing::checked::{self, Outcome};
    use sheave_opcodes::{Assembler, PcRel, XReg, ops};
    let x = |i| XReg::new(i).unwrap();
    // A `ret` to a `ret` loops with no branch or call (`ret` leaves `lr`
    // as it is): it ran forever before returns burned fuel. With no
    // argument data every argument is the buffer's address, so x0 == x2 and
    // the function calls itself; the callee's `ret` returns to the `ret` at
    // 14, which returns to itself.
    let mut asm = Assembler::new();
    let (top, out) = (asm.label(), asm.label());
    asm.bind(top);
    asm.branch(ops::BrIfXneq32 { a: x(0), b: x(2), offset: PcRel(0) }, out).unwrap();
    asm.branch(ops::Call2 { a0: x(7), a1: x(0), offset: PcRel(0) }, top).unwrap();
    asm.op(ops::Ret {});
    asm.bind(out);
    asm.op(ops::Ret {});
    let ret_loop = asm.finish().unwrap();
    // A loop through `br_table`, which goes straight to its entry's target
    // without running the entry's `jump`: it burned no fuel either.
    let mut asm = Assembler::new();
    let top = asm.label();
    asm.bind(top);
    asm.op(ops::Xbxor32I8 { dst: x(14), a: x(14), imm: 0 });
    asm.op(ops::BrTable32 { idx: x(14), len: 1 });
    asm.branch(ops::Jump { offset: PcRel(0) }, top).unwrap();
    asm.op(ops::Ret {});
    let table_loop = asm.finish().unwrap();
    for code in [ret_loop, table_loop] {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(checked::run_code(code, &[])));
        let outcome = wait.recv_timeout(std::time::Duration::from_secs(60)).expect("the case ends");
        assert_eq!(outcome, Ok(Outcome::Trapped));
    }
}
