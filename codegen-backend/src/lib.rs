//! Cranelift IR to Sheave bytecode.
//!
//! [`compile_module`] turns CLIF functions into a verified
//! [`sheave_format::Module`], which `sheave-embed` runs (or which is written
//! to a portable `.shv` file with `Module::to_bytes`). The phases, one
//! module each: [`midend`] (Cranelift's verifier and optimizer), `lower`
//! (instruction selection into `vcode`, ops over virtual registers),
//! register allocation with `regalloc2`, and `emit` (frame layout and
//! bytecode). [`link`] puts compiled functions together, resolves their
//! calls and makes imports of the callees none of them defines.
//!
//! It compiles integer ops (i8 to i128), f32/f64, f16 and f128 as values
//! (no arithmetic), 64- and 128-bit vectors, loads and stores in both byte
//! orders, stack slots, branches, jump tables, calls and tail calls,
//! atomics, libcalls and host calls, for the four Pulley targets (32- or
//! 64-bit pointers, either byte order). What it cannot compile it refuses
//! with an [`Error`] that names the phase and, where there are ones, the
//! function and the instruction at fault.
//!
//! ```
//! use cranelift_codegen::ir::{AbiParam, Function, InstBuilder, Signature, UserFuncName, types};
//! use cranelift_codegen::isa::CallConv;
//! use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
//!
//! // fn add1(x: i64) -> i64 { x + 1 }, built with cranelift-frontend.
//! let target = sheave_codegen::Target::default_64();
//! let mut sig = Signature::new(CallConv::Fast);
//! sig.params.push(AbiParam::new(types::I64));
//! sig.returns.push(AbiParam::new(types::I64));
//! let mut func = Function::with_name_signature(UserFuncName::testcase("add1"), sig);
//! let mut ctx = FunctionBuilderContext::new();
//! let mut b = FunctionBuilder::new(&mut func, &mut ctx);
//! let block = b.create_block();
//! b.append_block_params_for_function_params(block);
//! b.switch_to_block(block);
//! let x = b.block_params(block)[0];
//! let y = b.ins().iadd_imm(x, 1);
//! b.ins().return_(&[y]);
//! b.seal_all_blocks();
//! b.finalize(target.frontend_config());
//!
//! let module = sheave_codegen::compile_module(&[func], &target)?;
//! assert_eq!(module.functions()[0].name, "%add1");
//! # Ok::<(), sheave_codegen::Error>(())
//! ```

pub(crate) mod abi;
mod coalesce;
mod emit;
mod error;
mod hoist;
pub mod link;
mod lower;
pub mod midend;
mod sink;
mod vcode;
mod vops;

pub use error::Error;
pub use link::{ModuleBuilder, scalar_type};
pub use midend::Target;

use cranelift_codegen::ir::Function;

/// A compiled function, before linking.
#[derive(Clone)]
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
    /// Its indirect call ops: (op start, the signature they call with).
    pub indirect_calls: Vec<(usize, cranelift_codegen::ir::Signature)>,
    /// Addresses of symbols (`symbol_value`, data objects) to fill in when
    /// linking: (offset of an 8-byte little-endian immediate, symbol name,
    /// addend).
    pub symbol_refs: Vec<(usize, String, i64)>,
    /// Every function it refers to: what an import (a callee no function
    /// of the module defines) or a libcall stub is checked against.
    pub callees: Vec<Callee>,
    /// The pointer width and byte order it was compiled for.
    pub target: sheave_format::ModuleTarget,
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

std::thread_local! {
    /// regalloc2's working memory, kept between the functions a thread
    /// compiles: made afresh for each, its tables were allocated and grown
    /// again every time (about an eighth of compiling a small function).
    static REGALLOC_CONTEXT: std::cell::RefCell<regalloc2::Ctx> = std::cell::RefCell::new(regalloc2::Ctx::default());
}

/// Verify, optimize and compile one function for `target`; [`ModuleBuilder`]
/// links compiled functions into a module.
pub fn compile(func: &Function, target: &Target) -> Result<CompiledFunction, Error> {
    let name = func.name.to_string();
    let unsupported = |reason: String| Error::Unsupported { function: name.clone(), reason };
    let func = midend::optimize(func, target)?;
    let lowered = lower::lower(&func, target.big_endian(), target.pinned_reg()).map_err(unsupported)?;
    let env = abi::machine_env(target.pinned_reg());
    let options = regalloc2::RegallocOptions {
        verbose_log: false,
        validate_ssa: cfg!(debug_assertions),
        ..Default::default()
    };
    let allocate_and_emit = |ctx: &mut regalloc2::Ctx| {
        let out = regalloc2::run_with_ctx(&lowered.vcode, &env, &options, ctx)
            .map_err(|e| Error::RegisterAllocation { function: name.clone(), reason: format!("{e:?}") })?;
        #[cfg(any(debug_assertions, feature = "regalloc-checker"))]
        vcode::check_allocation(&lowered.vcode, &env, out)
            .map_err(|reason| Error::RegisterAllocation { function: name.clone(), reason })?;
        emit::emit(&lowered.vcode, out).map_err(unsupported)
    };
    // The thread's allocator context, unless it is in use (it never is:
    // compiling does not re-enter itself; a fresh one is only a fallback).
    let emitted = REGALLOC_CONTEXT.with(|ctx| match ctx.try_borrow_mut() {
        Ok(mut ctx) => allocate_and_emit(&mut ctx),
        Err(_) => allocate_and_emit(&mut regalloc2::Ctx::default()),
    })?;
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
    let indirect_calls = emitted
        .indirect_calls
        .iter()
        .map(|&(at, sig)| (at, func.dfg.signatures[cranelift_codegen::ir::SigRef::from_u32(sig)].clone()))
        .collect();
    let symbol_refs = emitted
        .symbol_refs
        .iter()
        .map(|&(at, symbol, addend)| {
            (at, lowered.callees[symbol].display(Some(&func.params)).to_string(), addend)
        })
        .collect();
    let target = target.module_target();
    Ok(CompiledFunction {
        name,
        signature: func.signature.clone(),
        code: emitted.code,
        calls,
        indirect_calls,
        symbol_refs,
        callees,
        target,
    })
}

/// Compile `funcs` for `target` and link them into a verified module:
/// calls between them are resolved, and callees none of them defines become
/// the module's imports (host functions bound by `sheave_embed::Linker`).
///
/// ```
/// use sheave_codegen::{Target, compile_module};
/// let funcs = cranelift_reader::parse_functions(
///     "function %twice(i32) -> i32 {
///          fn0 = %log(i32)
///      block0(v0: i32):
///          call fn0(v0)
///          v1 = iadd v0, v0
///          return v1
///      }",
/// )?;
/// let module = compile_module(&funcs, &Target::named("pulley32be")?)?;
/// assert_eq!(module.target().to_string(), "32-bit big-endian");
/// assert_eq!(module.imports()[0].name, "%log"); // bound by name when instantiated
/// // A function the backend cannot compile is an error naming it.
/// let bad = cranelift_reader::parse_functions(
///     "function %wide(i32) -> i32x8 {\nblock0(v0: i32):\n    v1 = splat.i32x8 v0\n    return v1\n}",
/// )?;
/// let err = compile_module(&bad, &Target::default_64()).unwrap_err();
/// assert_eq!(err.function(), Some("%wide"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_module(funcs: &[Function], target: &Target) -> Result<sheave_format::Module, Error> {
    let mut builder = ModuleBuilder::new();
    for func in funcs {
        builder.add(compile(func, target)?);
    }
    builder.finish()
}

/// Parse CLIF text (one or more functions) and compile it with
/// [`compile_module`] for a 64-bit little-endian host (feature `clif-text`,
/// on by default).
///
/// ```
/// use sheave_embed::{Caller, Linker, Trap, TrapCode};
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
#[cfg(feature = "clif-text")]
pub fn compile_clif(text: &str) -> Result<sheave_format::Module, Error> {
    let funcs = cranelift_reader::parse_functions(text).map_err(Error::Parse)?;
    compile_module(&funcs, &Target::default_64())
}

/// The CLIF trap code a Sheave trap stands for, as Cranelift prints it
/// (`int_divz`, `user7`); see [`sheave_interp::TrapKind::clif_code`].
///
/// ```
/// use sheave_interp::{TrapCode, TrapKind};
/// assert_eq!(sheave_codegen::clif_trap_code(TrapKind::DivisionByZero), "int_divz");
/// assert_eq!(sheave_codegen::clif_trap_code(TrapKind::Explicit(TrapCode(7).0)), "user7");
/// ```
pub fn clif_trap_code(kind: sheave_interp::TrapKind) -> String {
    match kind.clif_code() {
        Some(code) => code.to_string(),
        None if kind == sheave_interp::TrapKind::InvalidOpcode => "invalid_opcode".into(),
        None if kind == sheave_interp::TrapKind::OutOfFuel => "out_of_fuel".into(),
        None => "trap 0".into(),
    }
}
