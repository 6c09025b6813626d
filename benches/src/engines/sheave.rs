//! Sheave: Sheave's backend compiles the CLIF to a module, the embedding
//! API instantiates it (binding `%host_add` where it is imported) and calls
//! `%main` through a typed function.

use super::{EngineError, Output, Runner};
use crate::suite::{Returns, host_add};
use cranelift_codegen::ir::Function;
use sheave_codegen::{Target, compile_module};
use sheave_embed::{Instance, Linker, TypedFunc};
use std::time::{Duration, Instant};

pub(super) enum SheaveRunner {
    I64(Instance<()>, TypedFunc<i64, i64>),
    F64(Instance<()>, TypedFunc<i64, f64>),
}

/// The runner, the compile time (to a module) and its bytecode size.
pub(super) fn compile(
    functions: &[Function],
    returns: Returns,
    checked: bool,
) -> Result<(SheaveRunner, Duration, usize), String> {
    let start = Instant::now();
    let module = compile_module(functions, &Target::default_64()).map_err(|e| e.to_string())?;
    let compile_time = start.elapsed();
    let code_size = module.code().len();
    let mut linker = Linker::<()>::new();
    if module.imports().iter().any(|i| i.name == "%host_add") {
        linker.func_wrap("host_add", host_add).map_err(|e| e.to_string())?;
    }
    let instance = if checked {
        linker.instantiate_checked(&module, ())
    } else {
        // SAFETY: the suite's programs touch no memory but their own stack
        // slots; they never dereference a pointer they were given.
        unsafe { linker.instantiate(&module, ()) }
    }
    .map_err(|e| e.to_string())?;
    let runner = match returns {
        Returns::I64 => {
            let main = instance.get_typed_func::<i64, i64>("main").map_err(|e| e.to_string())?;
            SheaveRunner::I64(instance, main)
        }
        Returns::F64 => {
            let main = instance.get_typed_func::<i64, f64>("main").map_err(|e| e.to_string())?;
            SheaveRunner::F64(instance, main)
        }
    };
    Ok((runner, compile_time, code_size))
}

impl SheaveRunner {
    /// The instance's VM, to choose its dispatcher.
    pub(super) fn vm_mut(&mut self) -> &mut sheave_interp::Vm {
        match self {
            SheaveRunner::I64(instance, _) | SheaveRunner::F64(instance, _) => instance.vm_mut(),
        }
    }
}

impl Runner for SheaveRunner {
    fn run(&mut self, n: i64) -> Result<Output, EngineError> {
        match self {
            SheaveRunner::I64(instance, main) => main.call(instance, n).map(Output::I64),
            SheaveRunner::F64(instance, main) => main.call(instance, n).map(|v| Output::F64Bits(v.to_bits())),
        }
        .map_err(|trap| EngineError(trap.to_string()))
    }
}
