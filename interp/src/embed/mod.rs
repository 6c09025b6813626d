//! The embedding API: call compiled modules from Rust, and let them call
//! Rust.
//!
//! - A [`Linker`] holds host functions by name: typed Rust closures
//!   ([`Linker::func_wrap`]) or untyped ones over [`crate::Val`]s
//!   ([`Linker::func_new`]). A closure may take a [`Caller`] first, to reach
//!   the embedder's data or call back into the guest.
//! - [`Linker::instantiate`] binds a [`crate::Module`]'s imports to them and
//!   gives an [`Instance`]: the module, a VM, and the embedder's data.
//! - [`Instance::get_typed_func`] checks a function's signature once;
//!   [`TypedFunc::call`] then moves Rust values straight into registers.
//!   [`Instance::get_func`] gives a [`Func`] called with `Val`s, checked on
//!   every call.
//! - A guest trap, or a host function's error, comes back as a [`Trap`]
//!   with the CLIF trap code and the guest backtrace. A trap in a nested
//!   call (host -> guest -> host -> guest) unwinds only the innermost entry.
//! - Memory the guest reaches through pointers is the embedder's; a
//!   [`HostBuffer`] is an easy way to make some and pass its address.
//!
//! Host functions are called through the array-call entry: the guest's
//! `call_indirect_host` with an import's id stops the VM, and the instance
//! gathers the arguments from the argument registers by the import's
//! signature (straight into Rust values for typed closures, into a `[Val]`
//! for untyped ones), calls the closure and puts its results in the result
//! registers. Builtins (`Memcpy`, `CeilF32`, ...) never leave the VM.

mod buffer;
mod error;
mod instance;
mod linker;
mod trap;
mod values;

pub use buffer::HostBuffer;
pub use error::Error;
pub use instance::{AsInstanceMut, Func, Instance, TypedFunc};
pub use linker::{Caller, HostResult, IntoFunc, Linker, WithCaller};
pub use trap::{FrameInfo, Trap, TrapReason};
pub use values::{Value, ValueList};
