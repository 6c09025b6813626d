//! The differential target: a generated program runs in
//! `cranelift-interpreter` (the reference: it walks the CLIF) and in Sheave
//! (compiled, with Cranelift's mid-end first); results and trap codes must
//! agree.
//!
//! Each program is for one of the four Pulley targets
//! ([`PulleyTarget`]): Sheave compiles it for that target, and the
//! reference runs with the target's byte order as its native one
//! (`InterpreterState::native_endianness`; it takes pointer widths from
//! the types of `stack_addr` and `func_addr`). Programs for 32-bit targets
//! need a VM stack below 4 GiB; a host that cannot map one skips them.
//!
//! One adjustment, reference side only: on 32-bit targets the reference
//! runs a copy of the functions whose `stack_addr`s and `func_addr`s make
//! `i64` addresses (Sheave runs them as generated). cranelift-interpreter
//! 0.135 cannot run two things through 32-bit addresses: `call_indirect`
//! and `return_call_indirect` decode every callee as a 64-bit address, so
//! a `func_addr.i32` function (its region in bits 30 and 31) is not found;
//! and `uload32`/`sload32`, whose only type variable is the address's,
//! extend to that type instead of `i64` (`sload32` panics, `uload32`
//! yields an `i32` where the CLIF has an `i64`). Generated programs
//! never compute with, store or return an address, and its width changes
//! nothing else in the reference's model, so the results must still agree.

use crate::Finding;
use crate::clif_gen::{self, Config, Program, PulleyTarget};
use arbitrary::Unstructured;
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::{Function, Opcode, types};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_interpreter::environment::FunctionStore;
use cranelift_interpreter::interpreter::{Interpreter, InterpreterError, InterpreterState};
use cranelift_interpreter::step::{ControlFlow, CraneliftTrap};
use sheave_codegen::Target;
use sheave_filetests::low_stack;
use sheave_filetests::runtest::{self, Outcome};
use std::borrow::Cow;
use std::sync::LazyLock;

/// Instructions the reference may execute before a case is given up.
const REFERENCE_FUEL: u64 = 200_000;

/// What one case did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Both engines ran it and agreed.
    Agreed,
    /// It was not compared, and why (the bytes ran out, the reference
    /// does not implement an op, Sheave cannot compile an op yet...).
    Skipped(String),
}

/// How a run ended, comparable across engines.
#[derive(Clone, Debug)]
enum Ending {
    Returned(Vec<DataValue>),
    /// The raw CLIF trap code.
    Trapped(u8),
}

/// Run one case from fuzzer bytes. `Err` is a disagreement: a bug, with
/// the program (as CLIF with a `; run:` line) and both outcomes.
pub fn run(data: &[u8]) -> Result<Verdict, Finding> {
    let mut u = Unstructured::new(data);
    let program = match clif_gen::generate(&mut u, &Config::default()) {
        Ok(p) => p,
        Err(e) => return Ok(Verdict::Skipped(format!("generator: {e}"))),
    };
    check(&program)
}

/// Cranelift's ISA for each of [`PulleyTarget::ALL`], to verify programs
/// with (pointer widths included).
static ISAS: LazyLock<Vec<OwnedTargetIsa>> = LazyLock::new(|| {
    let flags = cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder());
    PulleyTarget::ALL
        .iter()
        .map(|t| {
            let builder = cranelift_codegen::isa::lookup_by_name(t.name()).expect("Pulley is built in");
            builder.finish(flags.clone()).expect("default flags suit Pulley")
        })
        .collect()
});

fn isa(target: PulleyTarget) -> &'static dyn cranelift_codegen::isa::TargetIsa {
    let i = PulleyTarget::ALL.iter().position(|&t| t == target).expect("every target is listed");
    &*ISAS[i]
}

/// Compare the engines on `program`.
pub fn check(program: &Program) -> Result<Verdict, Finding> {
    for f in &program.functions {
        if let Err(e) = cranelift_codegen::verify_function(f, isa(program.target)) {
            // The generator's bug, not Sheave's: report it as such.
            let text = program.to_clif(Err("(not run: invalid)".into()));
            return Err(Finding(format!("the generator made invalid CLIF: {e}\n{text}")));
        }
    }
    if program.target.pointer_type() == types::I32 && !low_stack::available() {
        return Ok(Verdict::Skipped(format!("{}: {}", program.target, low_stack::UNAVAILABLE)));
    }
    let target = program.target;
    let reference = match reference(&program.functions, target, "f0", &program.args, REFERENCE_FUEL) {
        Ok(ending) => ending,
        Err(why) => return Ok(Verdict::Skipped(why)),
    };
    let ours = match sheave(&program.functions, target, "f0", &program.args) {
        Ok(ending) => ending,
        Err(why) => return Ok(Verdict::Skipped(why)),
    };
    if agree(&reference, &ours) {
        Ok(Verdict::Agreed)
    } else {
        let expected = match &reference {
            Ending::Returned(values) => Ok(&values[..]),
            Ending::Trapped(code) => Err(sheave_interp::TrapCode(*code).to_string()),
        };
        Err(Finding(format!(
            "target {target}\ncranelift-interpreter: {reference:?}\nsheave:                {ours:?}\n{}",
            program.to_clif(expected)
        )))
    }
}

/// What `%f0` returns in the reference, or `None` if it traps or cannot
/// run there.
pub fn reference_values(program: &Program) -> Option<Vec<DataValue>> {
    match reference(&program.functions, program.target, "f0", &program.args, REFERENCE_FUEL) {
        Ok(Ending::Returned(values)) => Some(values),
        _ => None,
    }
}

/// Run `name` (without `%`) of `functions` in both engines, on pulley64:
/// `Ok` with both results if they agree, `Err` describing the difference
/// (or why a run failed).
/// The reference may execute `fuel` instructions.
pub fn compare(
    functions: &[Function],
    name: &str,
    args: &[DataValue],
    fuel: u64,
) -> Result<Vec<DataValue>, String> {
    let target = PulleyTarget::Pulley64;
    let reference = reference(functions, target, name, args, fuel)?;
    let ours = sheave(functions, target, name, args)?;
    match (&reference, agree(&reference, &ours)) {
        (Ending::Returned(values), true) => Ok(values.clone()),
        _ => Err(format!("cranelift-interpreter: {reference:?}, sheave: {ours:?}")),
    }
}

/// `functions` as the reference must see them on `target`: on a 32-bit
/// target, with 64-bit `stack_addr` and `func_addr` results (see the
/// module doc).
fn for_reference(functions: &[Function], target: PulleyTarget) -> Cow<'_, [Function]> {
    if target.pointer_type() == types::I64 {
        return Cow::Borrowed(functions);
    }
    let mut functions = functions.to_vec();
    for f in &mut functions {
        let insts: Vec<_> = f.layout.blocks().flat_map(|b| f.layout.block_insts(b)).collect();
        let mut widened = std::collections::HashMap::new();
        for &inst in &insts {
            if matches!(f.dfg.insts[inst].opcode(), Opcode::FuncAddr | Opcode::StackAddr) {
                let old = f.dfg.first_result(inst);
                widened.insert(old, f.dfg.replace_result(old, types::I64));
            }
        }
        if !widened.is_empty() {
            for &inst in &insts {
                f.dfg.map_inst_values(inst, |v| widened.get(&v).copied().unwrap_or(v));
            }
        }
    }
    Cow::Owned(functions)
}

fn reference(
    functions: &[Function],
    target: PulleyTarget,
    name: &str,
    args: &[DataValue],
    fuel: u64,
) -> Result<Ending, String> {
    let functions = for_reference(functions, target);
    let mut store = FunctionStore::default();
    for f in functions.iter() {
        store.add(f.name.to_string(), f);
    }
    let mut state = InterpreterState::default().with_function_store(store);
    state.native_endianness = target.endianness();
    let mut interpreter = Interpreter::new(state).with_fuel(Some(fuel));
    // cranelift-interpreter panics on the ops it lacks (`unimplemented!`):
    // that is no verdict on Sheave, so the case is skipped.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        interpreter.call_by_name(&format!("%{name}"), args)
    }))
    .map_err(|_| "reference panicked (an op cranelift-interpreter lacks)".to_string())?;
    match outcome {
        Ok(ControlFlow::Return(values)) => Ok(Ending::Returned(values.to_vec())),
        Ok(ControlFlow::Trap(CraneliftTrap::User(code))) => Ok(Ending::Trapped(code.as_raw().get())),
        Ok(other) => Err(format!("reference ended with {other:?}")),
        Err(InterpreterError::FuelExhausted) => Err("reference ran out of fuel".into()),
        Err(e) => Err(format!("reference failed: {e}")),
    }
}

fn sheave(
    functions: &[Function],
    target: PulleyTarget,
    name: &str,
    args: &[DataValue],
) -> Result<Ending, String> {
    let target = Target::named(target.name()).expect("the four Pulley targets are built in");
    // SAFETY: generated programs only access their own stack slots.
    let mut compiled = match unsafe { runtest::Program::compile(functions, &target) } {
        Ok(compiled) => compiled,
        // A host that could not map a low stack this time (memory below
        // 4 GiB ran out): no verdict.
        Err(runtest::Error::NoLowStack) => return Err(low_stack::UNAVAILABLE.into()),
        Err(e) => return Err(format!("sheave cannot compile: {}", runtest::chain(&e))),
    };
    match compiled.run(name, args).map_err(|e| runtest::chain(&e))? {
        Outcome::Returned(values) => Ok(Ending::Returned(values)),
        Outcome::Trapped { kind, .. } => match kind.clif_code() {
            Some(code) => Ok(Ending::Trapped(code.0)),
            None => Ok(Ending::Trapped(0)),
        },
    }
}

fn agree(a: &Ending, b: &Ending) -> bool {
    match (a, b) {
        (Ending::Trapped(x), Ending::Trapped(y)) => x == y,
        (Ending::Returned(xs), Ending::Returned(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_value(x, y))
        }
        _ => false,
    }
}

/// Bit-for-bit equal, except that any f32/f64 NaN equals any NaN: CLIF
/// leaves the payloads and signs of computed NaNs open. f16 and f128 values
/// are only moved, never computed, so their bits must match exactly (their
/// `==` compares as floats, which no NaN passes).
pub fn same_value(x: &DataValue, y: &DataValue) -> bool {
    match (x, y) {
        (DataValue::F16(a), DataValue::F16(b)) => a.bits() == b.bits(),
        (DataValue::F128(a), DataValue::F128(b)) => a.bits() == b.bits(),
        (DataValue::F32(a), DataValue::F32(b)) => (a.is_nan() && b.is_nan()) || a.bits() == b.bits(),
        (DataValue::F64(a), DataValue::F64(b)) => (a.is_nan() && b.is_nan()) || a.bits() == b.bits(),
        _ => x == y,
    }
}
