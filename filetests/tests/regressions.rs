//! Bugs the fuzzers found, each as the smallest program that showed it.

use cranelift_codegen::data_value::DataValue;
use sheave_codegen::Target;
use sheave_filetests::runtest::{Outcome, Program};
use sheave_interp::TrapCode;

fn run(clif: &str, name: &str, args: &[DataValue]) -> Outcome {
    let funcs = cranelift_reader::parse_functions(clif).unwrap();
    // SAFETY: these programs only access their own stack slots.
    unsafe { Program::compile(&funcs, &Target::default_64()) }.unwrap().run(name, args).unwrap()
}

/// The CLIF trap code it trapped with.
fn trap_code(o: Outcome) -> Option<TrapCode> {
    match o {
        Outcome::Trapped { kind, .. } => kind.clif_code(),
        Outcome::Returned(_) => None,
    }
}

/// Differential fuzzer, seed 996: narrow `sdiv` was a 32-bit division of
/// sign-extended operands, where `MIN / -1` does not overflow, so it
/// returned MIN instead of trapping with `int_ovf`.
#[test]
fn narrow_sdiv_of_min_by_minus_one_traps() {
    let clif = r#"
function %d8(i8, i8) -> i8 {
block0(v0: i8, v1: i8):
    v2 = sdiv v0, v1
    return v2
}
function %d16(i16, i16) -> i16 {
block0(v0: i16, v1: i16):
    v2 = sdiv v0, v1
    return v2
}
"#;
    use DataValue::{I8, I16};
    assert_eq!(trap_code(run(clif, "d8", &[I8(i8::MIN), I8(-1)])), Some(TrapCode::INTEGER_OVERFLOW));
    assert_eq!(trap_code(run(clif, "d16", &[I16(i16::MIN), I16(-1)])), Some(TrapCode::INTEGER_OVERFLOW));
    assert_eq!(run(clif, "d8", &[I8(i8::MIN), I8(1)]), Outcome::Returned(vec![I8(i8::MIN)]));
    assert_eq!(run(clif, "d8", &[I8(100), I8(-1)]), Outcome::Returned(vec![I8(-100)]));
    assert_eq!(run(clif, "d16", &[I16(i16::MIN), I16(2)]), Outcome::Returned(vec![I16(-16384)]));
}

/// Seeded fuzz case (seed 18, found while adding dead-code removal):
/// without the mid-end (`opt_level=none`) a dead `rotr` by a constant
/// still counted as a use folded into an immediate, so the constant, also
/// used by a live `bitrev`, was never put in a register.
#[test]
fn a_dead_use_does_not_fold_away_a_live_constant() {
    use cranelift_codegen::settings::{self, Configurable};
    let clif = r#"
function %f(i64) -> i8 {
block0(v0: i64):
    v1 = iconst.i8 -44
    v2 = rotr v0, v1
    v3 = bitrev v1
    return v3
}
"#;
    let mut flags = settings::builder();
    flags.set("opt_level", "none").unwrap();
    let target = Target::new(settings::Flags::new(flags), 64, false).unwrap();
    let funcs = cranelift_reader::parse_functions(clif).unwrap();
    // SAFETY: as above.
    let out = unsafe { Program::compile(&funcs, &target) }.unwrap().run("f", &[DataValue::I64(5)]).unwrap();
    // bitrev(0b1101_0100) = 0b0010_1011
    assert_eq!(out, Outcome::Returned(vec![DataValue::I8(0x2b)]));
}
