//! Cranelift IR to Sheave bytecode.
//!
//! The phases, one module each: [`midend`] (Cranelift's verifier and
//! optimizer), [`lower`] (instruction selection into [`vcode`]), register
//! allocation with `regalloc2`, and [`emit`] (frame layout and bytecode).
//! [`link`] puts compiled functions together and resolves their calls.
//!
//! Work in progress: integer ops up to 64 bits, f32/f64 arithmetic,
//! branches and direct calls are lowered; anything else is reported as an
//! error naming the instruction.

pub(crate) mod abi;
mod emit;
mod error;
pub mod link;
mod lower;
pub mod midend;
pub mod runtest;
mod vcode;

pub use error::CompileError;
pub use link::{ModuleBuilder, scalar_type};
pub use midend::Target;

use cranelift_codegen::ir::Function;

/// A compiled function, before linking.
pub struct CompiledFunction {
    /// The function's name as CLIF prints it (`%name` or `u0:1`).
    pub name: String,
    /// Its signature.
    pub signature: cranelift_codegen::ir::Signature,
    /// Its bytecode.
    pub code: Vec<u8>,
    /// References to other functions to link: (op start, op end, callee
    /// name); the op's last 4 bytes are the displacement from its start.
    pub calls: Vec<(usize, usize, String)>,
}

/// Verify, optimize and compile one function for `target`.
pub fn compile(func: &Function, target: &Target) -> Result<CompiledFunction, CompileError> {
    let name = func.name.to_string();
    let fail = |message: String| CompileError { function: name.clone(), message };
    let func = midend::optimize(func, target).map_err(&fail)?;
    let lowered = lower::lower(&func, target.big_endian(), target.pinned_reg()).map_err(&fail)?;
    let env = abi::machine_env(target.pinned_reg());
    let options = regalloc2::RegallocOptions {
        verbose_log: false,
        validate_ssa: cfg!(debug_assertions),
        ..Default::default()
    };
    let out = regalloc2::run(&lowered.vcode, &env, &options)
        .map_err(|e| fail(format!("register allocation failed: {e:?}")))?;
    let emitted = emit::emit(&lowered.vcode, &out).map_err(&fail)?;
    let calls = emitted
        .call_sites
        .iter()
        .map(|&(start, end, callee)| {
            (start, end, lowered.callees[callee].display(Some(&func.params)).to_string())
        })
        .collect();
    Ok(CompiledFunction { name, signature: func.signature.clone(), code: emitted.code, calls })
}

/// The CLIF trap code a Sheave trap stands for: the VM's own trap kinds map
/// to Cranelift's reserved codes, and explicit traps carry the CLIF code's
/// raw value as their operand.
pub fn clif_trap_code(kind: sheave_interp::TrapKind) -> String {
    use cranelift_codegen::ir::TrapCode;
    use sheave_interp::TrapKind as K;
    let code = match kind {
        K::IntegerOverflow => TrapCode::INTEGER_OVERFLOW,
        K::DivisionByZero => TrapCode::INTEGER_DIVISION_BY_ZERO,
        K::BadConversionToInteger => TrapCode::BAD_CONVERSION_TO_INTEGER,
        K::MemoryOutOfBounds => TrapCode::HEAP_OUT_OF_BOUNDS,
        K::StackOverflow => TrapCode::STACK_OVERFLOW,
        K::Explicit(raw) => match std::num::NonZeroU8::new(raw) {
            Some(raw) => TrapCode::from_raw(raw),
            None => return "trap 0".into(),
        },
        K::InvalidOpcode => return "invalid_opcode".into(),
    };
    code.to_string()
}
