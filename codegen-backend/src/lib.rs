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
pub mod low_stack;
mod lower;
pub mod midend;
pub mod runtest;
mod vcode;
mod vops;

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
    /// Every function it refers to: what an import (a callee no function
    /// of the module defines) or a libcall stub is checked against.
    pub callees: Vec<Callee>,
    /// The pointer width and byte order it was compiled for.
    pub target: sheave_interp::ModuleTarget,
}

/// A function a compiled function refers to (`fn0 = ...`).
#[derive(Clone, Debug)]
pub struct Callee {
    /// Its name as CLIF prints it.
    pub name: String,
    /// The signature it is called with.
    pub signature: cranelift_codegen::ir::Signature,
    /// Whether it names one of CLIF's libcalls (`%Memcpy`), not a function
    /// that merely has such a name.
    pub libcall: bool,
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
    #[cfg(any(debug_assertions, feature = "regalloc-checker"))]
    vcode::check_allocation(&lowered.vcode, &env, &out).map_err(&fail)?;
    let emitted = emit::emit(&lowered.vcode, &out).map_err(&fail)?;
    let calls = emitted
        .call_sites
        .iter()
        .map(|&(start, end, callee)| {
            (start, end, lowered.callees[callee].display(Some(&func.params)).to_string())
        })
        .collect();
    let callees = func
        .dfg
        .ext_funcs
        .values()
        .map(|ext| Callee {
            name: ext.name.display(Some(&func.params)).to_string(),
            signature: func.dfg.signatures[ext.signature].clone(),
            libcall: matches!(ext.name, cranelift_codegen::ir::ExternalName::LibCall(_)),
        })
        .collect();
    let target =
        sheave_interp::ModuleTarget { pointer_bits: target.pointer_bits(), big_endian: target.big_endian() };
    Ok(CompiledFunction {
        name,
        signature: func.signature.clone(),
        code: emitted.code,
        calls,
        callees,
        target,
    })
}

/// Compile `funcs` for `target` and link them into a verified module:
/// calls between them are resolved, and callees none of them defines become
/// the module's imports (host functions bound by `sheave_interp::Linker`).
pub fn compile_module(funcs: &[Function], target: &Target) -> Result<sheave_interp::Module, String> {
    let mut builder = ModuleBuilder::new();
    for func in funcs {
        builder.add(compile(func, target).map_err(|e| e.to_string())?);
    }
    builder.finish()
}

/// Parse CLIF text (one or more functions) and compile it with
/// [`compile_module`] for a 64-bit little-endian host.
///
/// ```
/// use sheave_interp::{Caller, Linker, Trap, TrapCode};
///
/// let module = sheave_codegen::compile_clif(r#"
///     function %scaled(i64) -> i64 {
///         fn0 = %scale(i64) -> i64          ; not defined here: an import
///     block0(v0: i64):
///         v1 = call fn0(v0)
///         v2 = iconst.i64 1
///         v3 = iadd v1, v2
///         return v3
///     }
/// "#)?;
/// let mut linker = Linker::<u32>::new();
/// linker.func_wrap("scale", |mut caller: Caller<'_, u32>, x: i64| {
///     *caller.data_mut() += 1;
///     if x < 0 { Err(Trap::raise(TrapCode(7))) } else { Ok(x * 10) }
/// })?;
/// // SAFETY: this code touches no memory but its own stack.
/// let mut instance = unsafe { linker.instantiate(&module, 0) }?;
/// let scaled = instance.get_typed_func::<i64, i64>("scaled")?;
/// assert_eq!(scaled.call(&mut instance, 4)?, 41);
/// let trap = scaled.call(&mut instance, -1).unwrap_err();
/// assert_eq!(trap.to_string(), "trapped at %scale+0x0: user7");
/// assert_eq!(*instance.data(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_clif(text: &str) -> Result<sheave_interp::Module, String> {
    let funcs = cranelift_reader::parse_functions(text).map_err(|e| format!("CLIF parse error: {e}"))?;
    compile_module(&funcs, &Target::default_64())
}

/// The CLIF trap code a Sheave trap stands for, as Cranelift prints it
/// (`int_divz`, `user7`); see [`sheave_interp::TrapKind::clif_code`].
pub fn clif_trap_code(kind: sheave_interp::TrapKind) -> String {
    match kind.clif_code() {
        Some(code) => code.to_string(),
        None if kind == sheave_interp::TrapKind::InvalidOpcode => "invalid_opcode".into(),
        None => "trap 0".into(),
    }
}
