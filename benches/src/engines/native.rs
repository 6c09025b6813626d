//! Native code: Cranelift's backend for this machine, through
//! `cranelift-jit`. The CLIF's callees are renamed to the JIT module's
//! function ids; `%main` and the host import get the platform's C calling
//! convention so Rust can call `%main` and `%host_add` can be a Rust
//! `extern "C"` function.

use super::{EngineError, Output, Runner, callee_name, function_name};
use crate::suite::{Returns, host_add};
use cranelift_codegen::ir::{ExternalName, FuncRef, Function, UserExternalName};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use std::collections::HashMap;
use std::time::{Duration, Instant};

extern "C" fn host_add_native(a: i64, b: i64) -> i64 {
    host_add(a, b)
}

enum Entry {
    I64(extern "C" fn(i64) -> i64),
    F64(extern "C" fn(i64) -> f64),
}

pub(super) struct NativeRunner {
    /// Owns the executable memory `entry` points into; freed on drop.
    module: Option<JITModule>,
    entry: Entry,
}

impl Drop for NativeRunner {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the only pointer into the module's memory is `entry`,
            // which dies with this runner.
            unsafe { module.free_memory() };
        }
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The runner, the compile time (to finalized code) and its size.
pub(super) fn compile(
    functions: &[Function],
    returns: Returns,
) -> Result<(NativeRunner, Duration, usize), String> {
    let start = Instant::now();
    let mut builder =
        JITBuilder::with_flags(&[("opt_level", "speed")], default_libcall_names()).map_err(err)?;
    builder.symbol("host_add", host_add_native as *const u8);
    let mut module = JITModule::new(builder);
    let c_call_conv = module.isa().default_call_conv();

    let mut funcs = functions.to_vec();
    let mut ids: HashMap<String, FuncId> = HashMap::new();
    for func in &mut funcs {
        let name = function_name(func);
        if name == "main" {
            func.signature.call_conv = c_call_conv;
        }
        let id = module.declare_function(&name, Linkage::Local, &func.signature).map_err(err)?;
        ids.insert(name, id);
    }
    for func in &mut funcs {
        let refs: Vec<FuncRef> = func.dfg.ext_funcs.keys().collect();
        for fref in refs {
            let data = func.dfg.ext_funcs[fref].clone();
            let callee = callee_name(&data.name)?;
            let id = match ids.get(&callee) {
                Some(&id) => id,
                None if callee == "host_add" => {
                    func.dfg.signatures[data.signature].call_conv = c_call_conv;
                    let signature = func.dfg.signatures[data.signature].clone();
                    let id = module.declare_function(&callee, Linkage::Import, &signature).map_err(err)?;
                    ids.insert(callee, id);
                    id
                }
                None => return Err(format!("call of undefined %{callee}")),
            };
            let user =
                func.declare_imported_user_function(UserExternalName { namespace: 0, index: id.as_u32() });
            func.dfg.ext_funcs[fref].name = ExternalName::User(user);
        }
    }
    let mut size = 0;
    for func in funcs {
        let id = ids[&function_name(&func)];
        let mut ctx = module.make_context();
        ctx.func = func;
        module.define_function(id, &mut ctx).map_err(|e| format!("{e:?}"))?;
        size += ctx.compiled_code().map_or(0, |c| c.code_info().total_size as usize);
    }
    module.finalize_definitions().map_err(err)?;
    let compile_time = start.elapsed();
    let main = *ids.get("main").ok_or("no %main")?;
    let code = module.get_finalized_function(main);
    // SAFETY: `code` is `%main`, finalized (executable), with the C calling
    // convention set above and the signature `(i64) -> i64` or `(i64) -> f64`
    // that the suite declares for it (`returns`).
    let entry = unsafe {
        match returns {
            Returns::I64 => Entry::I64(std::mem::transmute::<*const u8, extern "C" fn(i64) -> i64>(code)),
            Returns::F64 => Entry::F64(std::mem::transmute::<*const u8, extern "C" fn(i64) -> f64>(code)),
        }
    };
    Ok((NativeRunner { module: Some(module), entry }, compile_time, size))
}

impl Runner for NativeRunner {
    fn run(&mut self, n: i64) -> Result<Output, EngineError> {
        // Native code has no trap recovery here: the suite's programs don't trap.
        Ok(match self.entry {
            Entry::I64(f) => Output::I64(f(n)),
            Entry::F64(f) => Output::F64Bits(f(n).to_bits()),
        })
    }
}
