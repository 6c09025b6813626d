//! `sheave-module`: a [`cranelift_module::Module`] whose functions run on
//! the Sheave interpreter, for code written against cranelift-jit where
//! generating native code is not allowed (iOS and other W^X platforms,
//! SELinux policies against `mprotect`) or not possible (architectures
//! Cranelift has no backend for).
//!
//! Moving from cranelift-jit is changing the types: [`SheaveBuilder`] for
//! `JITBuilder` (same `new`, `with_flags`, `symbol`, `symbols`,
//! `symbol_lookup_fn`), [`SheaveModule`] for `JITModule` (same
//! `finalize_definitions`, `get_finalized_function`, `get_finalized_data`,
//! `free_memory`). `get_finalized_function` gives a real C function
//! pointer (a libffi closure that enters the interpreter), so code that
//! transmutes it to `extern "C" fn(..)` and calls it works unchanged;
//! [`SheaveModule::get_typed_func`] is the safe alternative.
//!
//! - Functions are compiled to bytecode by `sheave-codegen` when defined;
//!   an unsupported instruction is an error from `define_function`.
//! - Data objects live in the process's memory: `symbol_value` in code and
//!   `write_data_addr` in data give their real addresses, and
//!   `write_function_addr` a function's C pointer.
//! - Imports resolve to Rust closures ([`SheaveBuilder::func_wrap`]), then
//!   `symbol`s, lookup functions and the process's own symbols, and C
//!   functions are called through libffi with the C signature derived from
//!   the CLIF one (`uext`/`sext` decide signedness).
//! - Each `finalize_definitions` links all functions defined so far into
//!   one module and instantiates it: functions defined later call earlier
//!   ones, and earlier pointers stay valid while the module lives.
//!
//! Not supported: `define_function_bytes` (there is no machine code),
//! thread-local data, and calls of a module's function pointers from
//! another thread than the one using the module (they abort with a
//! message).

// `cranelift_module::ModuleError` is the error the `Module` trait and
// cranelift-jit's API return; mirroring them means returning it, large as it is.
#![allow(clippy::result_large_err)]

mod builder;
mod data;
mod module;

pub use builder::{Lookup, SheaveBuilder};
pub use module::{SheaveFunc, SheaveModule};
