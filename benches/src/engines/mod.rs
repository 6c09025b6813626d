//! The four engines a suite program runs on, behind one interface:
//! Sheave, Pulley (Cranelift's `pulley64` backend + `pulley-interpreter`),
//! native code (Cranelift's host backend through `cranelift-jit`), and
//! `cranelift-interpreter` (the reference; it walks CLIF).
//!
//! Every engine compiles the same parsed functions with `opt_level=speed`;
//! compile time is measured from parsed CLIF to linked code (see
//! [`Compiled::compile_time`]).

mod clif_interp;
mod native;
mod pulley;

pub use pulley::disassemble as pulley_disassembly;
mod sheave;

use crate::suite::{Program, Returns};
use cranelift_codegen::ir::Function;
use std::fmt;
use std::time::Duration;

/// Why an engine could not compile or run a program (or the engines
/// disagree): a message naming the engine and the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError(pub String);

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EngineError {}

impl From<String> for EngineError {
    fn from(message: String) -> EngineError {
        EngineError(message)
    }
}

impl From<&str> for EngineError {
    fn from(message: &str) -> EngineError {
        EngineError(message.into())
    }
}

/// An engine of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Sheave's backend, module and embedding API.
    Sheave,
    /// Cranelift's `pulley64` backend run by `pulley-interpreter`.
    Pulley,
    /// Cranelift's host backend through `cranelift-jit`.
    Native,
    /// `cranelift-interpreter`, the reference.
    ClifInterp,
}

impl Engine {
    /// Every engine, in report order.
    pub const ALL: [Engine; 4] = [Engine::Sheave, Engine::Pulley, Engine::Native, Engine::ClifInterp];

    /// Its name on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sheave => "sheave",
            Engine::Pulley => "pulley",
            Engine::Native => "native",
            Engine::ClifInterp => "clif-interp",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What `%main` returned. Floats compare by bits: every engine must
/// compute exactly the same value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// An `i64` result.
    I64(i64),
    /// An `f64` result's bits.
    F64Bits(u64),
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Output::I64(v) => write!(f, "{v}"),
            Output::F64Bits(bits) => write!(f, "{} ({bits:#x})", f64::from_bits(bits)),
        }
    }
}

/// A program compiled for one engine, ready to run `%main(n)`.
pub trait Runner {
    /// Run `%main(n)`; `Err` with a message if it trapped or failed.
    fn run(&mut self, n: i64) -> Result<Output, EngineError>;
}

/// A compiled program with what compiling it cost.
pub struct Compiled {
    /// What runs it.
    pub runner: Box<dyn Runner>,
    /// From parsed CLIF to code in memory, linked: Sheave's module,
    /// Pulley's linked bytecode, native code finalized in executable
    /// memory. Creating the interpreter (its stack) and binding host
    /// functions are not included. Zero for cranelift-interpreter.
    pub compile_time: Duration,
    /// Bytes of code: bytecode for the interpreters, machine code for
    /// native, `None` where there is no code (cranelift-interpreter).
    pub code_size: Option<usize>,
}

/// Why an engine cannot run a program at all (as opposed to failing on it).
pub const UNSUPPORTED: &str = "unsupported";

/// Parse a program's CLIF.
pub fn parse(program: &Program) -> Result<Vec<Function>, String> {
    cranelift_reader::parse_functions(program.clif).map_err(|e| format!("{}.clif: {e}", program.name))
}

/// Compile `program` for `engine`. cranelift-interpreter cannot call host
/// functions, so it refuses `host_loop` with [`UNSUPPORTED`].
pub fn compile(engine: Engine, program: &Program) -> Result<Compiled, EngineError> {
    let functions = parse(program)?;
    let (runner, compile_time, code_size): (Box<dyn Runner>, Duration, Option<usize>) = match engine {
        Engine::Sheave => {
            let (r, time, size) = sheave::compile(&functions, program.returns, false)?;
            (Box::new(r), time, Some(size))
        }
        Engine::Pulley => {
            let (r, time, size) = pulley::compile(&functions, program.returns)?;
            (Box::new(r), time, Some(size))
        }
        Engine::Native => {
            let (r, time, size) = native::compile(&functions, program.returns)?;
            (Box::new(r), time, Some(size))
        }
        Engine::ClifInterp => {
            if program.calls_host {
                return Err(UNSUPPORTED.into());
            }
            (Box::new(clif_interp::compile(functions, program.returns)?), Duration::ZERO, None)
        }
    };
    Ok(Compiled { runner, compile_time, code_size })
}

/// Compile `program` for Sheave in checked mode
/// (`Linker::instantiate_checked`): what the checks cost.
pub fn compile_checked(program: &Program) -> Result<Compiled, EngineError> {
    let functions = parse(program)?;
    let (r, compile_time, size) = sheave::compile(&functions, program.returns, true)?;
    Ok(Compiled { runner: Box::new(r), compile_time, code_size: Some(size) })
}

/// Run `program` once at size `n` on Sheave with the profiling dispatcher:
/// how often each op, and each pair of consecutive ops, ran.
pub fn profile_ops(program: &Program, n: i64) -> Result<sheave_interp::OpProfile, EngineError> {
    let functions = parse(program)?;
    let (mut runner, _, _) = sheave::compile(&functions, program.returns, false)?;
    runner.vm_mut().set_dispatch(sheave_interp::Dispatch::Profile);
    runner.run(n)?;
    Ok(runner.vm_mut().op_profile().cloned().unwrap_or_default())
}

/// A defined function's name without CLIF's `%` (`%fib` is `fib`).
fn function_name(func: &Function) -> String {
    func.name.to_string().trim_start_matches('%').to_string()
}

/// A callee's name without CLIF's `%`; the suite's programs name every
/// callee (`fn0 = colocated %fib(i64) -> i64`).
fn callee_name(name: &cranelift_codegen::ir::ExternalName) -> Result<String, String> {
    match name {
        cranelift_codegen::ir::ExternalName::TestCase(name) => {
            Ok(name.to_string().trim_start_matches('%').to_string())
        }
        other => Err(format!("unexpected callee {other:?}")),
    }
}

/// The engines' result types for `%main`, as an [`Output`].
fn output(returns: Returns, bits: u64) -> Output {
    match returns {
        Returns::I64 => Output::I64(bits as i64),
        Returns::F64 => Output::F64Bits(bits),
    }
}

/// Run `program` at its reference size on every engine that supports it and
/// check they all return the same value; the value, or what disagreed.
pub fn check_agreement(program: &Program) -> Result<Output, EngineError> {
    let mut seen: Option<(Engine, Output)> = None;
    for engine in Engine::ALL {
        let mut compiled = match compile(engine, program) {
            Ok(c) => c,
            Err(e) if e.0 == UNSUPPORTED => continue,
            Err(e) => return Err(format!("{}: {engine} cannot compile it: {e}", program.name).into()),
        };
        let out = compiled
            .runner
            .run(program.n_reference)
            .map_err(|e| format!("{}({}) on {engine}: {e}", program.name, program.n_reference))?;
        match seen {
            None => seen = Some((engine, out)),
            Some((first, expected)) if expected != out => {
                return Err(format!(
                    "{}({}): {first} returned {expected}, {engine} returned {out}",
                    program.name, program.n_reference
                )
                .into());
            }
            Some(_) => {}
        }
    }
    seen.map(|(_, out)| out).ok_or_else(|| format!("{}: no engine ran it", program.name).into())
}
