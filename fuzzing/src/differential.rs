//! The differential target: a generated program runs in
//! `cranelift-interpreter` (the reference: it walks the CLIF) and in Sheave
//! (compiled, with Cranelift's mid-end first); results and trap codes must
//! agree.

use crate::Finding;
use crate::clif_gen::{self, Config, Program};
use arbitrary::Unstructured;
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::Function;
use cranelift_interpreter::environment::FunctionStore;
use cranelift_interpreter::interpreter::{Interpreter, InterpreterError, InterpreterState};
use cranelift_interpreter::step::{ControlFlow, CraneliftTrap};
use sheave_codegen::Target;
use sheave_filetests::runtest::{self, Outcome};

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

/// Compare the engines on `program`.
pub fn check(program: &Program) -> Result<Verdict, Finding> {
    let flags = cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder());
    for f in &program.functions {
        if let Err(e) = cranelift_codegen::verify_function(f, &flags) {
            // The generator's bug, not Sheave's: report it as such.
            let text = program.to_clif(Err("(not run: invalid)".into()));
            return Err(Finding(format!("the generator made invalid CLIF: {e}\n{text}")));
        }
    }
    let reference = match reference(&program.functions, "f0", &program.args, REFERENCE_FUEL) {
        Ok(ending) => ending,
        Err(why) => return Ok(Verdict::Skipped(why)),
    };
    let ours = match sheave(&program.functions, "f0", &program.args) {
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
            "cranelift-interpreter: {reference:?}\nsheave:                {ours:?}\n{}",
            program.to_clif(expected)
        )))
    }
}

/// What `%f0` returns in the reference, or `None` if it traps or cannot
/// run there.
pub fn reference_values(program: &Program) -> Option<Vec<DataValue>> {
    match reference(&program.functions, "f0", &program.args, REFERENCE_FUEL) {
        Ok(Ending::Returned(values)) => Some(values),
        _ => None,
    }
}

/// Run `name` (without `%`) of `functions` in both engines: `Ok` with
/// both results if they agree, `Err` describing the difference (or why a
/// run failed).
/// The reference may execute `fuel` instructions.
pub fn compare(
    functions: &[Function],
    name: &str,
    args: &[DataValue],
    fuel: u64,
) -> Result<Vec<DataValue>, String> {
    let reference = reference(functions, name, args, fuel)?;
    let ours = sheave(functions, name, args)?;
    match (&reference, agree(&reference, &ours)) {
        (Ending::Returned(values), true) => Ok(values.clone()),
        _ => Err(format!("cranelift-interpreter: {reference:?}, sheave: {ours:?}")),
    }
}

fn reference(functions: &[Function], name: &str, args: &[DataValue], fuel: u64) -> Result<Ending, String> {
    let mut store = FunctionStore::default();
    for f in functions {
        store.add(f.name.to_string(), f);
    }
    let state = InterpreterState::default().with_function_store(store);
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

fn sheave(functions: &[Function], name: &str, args: &[DataValue]) -> Result<Ending, String> {
    let mut compiled = runtest::Program::compile(functions, &Target::default_64())
        .map_err(|e| format!("sheave cannot compile: {}", runtest::chain(&e)))?;
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
