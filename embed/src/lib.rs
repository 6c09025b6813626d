//! Sheave's embedding API: run compiled modules from Rust, and let them
//! call Rust.
//!
//! - A [`Module`] is verified bytecode (from `sheave-codegen`, or loaded
//!   from a `.shv` file with [`Module::from_bytes`]).
//! - A [`Linker`] holds host functions by name: typed Rust closures
//!   ([`Linker::func_wrap`]) or untyped ones over [`Val`]s
//!   ([`Linker::func_new`]). A closure may take a [`Caller`] first, to reach
//!   the embedder's data or call back into the guest.
//! - [`Linker::instantiate`] binds a module's imports to them and gives an
//!   [`Instance`], which owns the [`Store`] its calls run on: the module, a
//!   VM, the bound imports and the embedder's data.
//! - [`Store::get_typed_func`] checks a function's signature once;
//!   [`TypedFunc::call`] then moves Rust values straight into registers.
//!   [`Store::get_func`] gives a [`Func`] called with `Val`s, checked on
//!   every call.
//! - A guest trap, or a host function's error, comes back as a [`Trap`]
//!   with the CLIF trap code and the guest backtrace. A trap in a nested
//!   call (host -> guest -> host -> guest) unwinds only the innermost entry.
//! - Memory the guest reaches through pointers is the embedder's; a
//!   [`HostBuffer`] is an easy way to make some and pass its address.
//!
//! ```
//! use sheave_embed::{Caller, Linker, Module, ModuleFunction, ModuleImport, ModuleParts, ScalarType};
//! use sheave_opcodes::{HOST_FUNC_BASE, encode};
//!
//! // A module of one function that calls import 0 (`%twice`) and returns
//! // its result; `sheave-codegen` makes such modules from CLIF.
//! let mut code = Vec::new();
//! encode::call_indirect_host(&mut code, HOST_FUNC_BASE);
//! encode::ret(&mut code);
//! let i64s = || vec![ScalarType::I64];
//! let module = Module::new(ModuleParts {
//!     functions: vec![ModuleFunction { name: "%f".into(), params: i64s(), results: i64s(), range: 0..code.len() }],
//!     imports: vec![ModuleImport { name: "%twice".into(), params: i64s(), results: i64s(), ..Default::default() }],
//!     code,
//!     ..Default::default()
//! })?;
//!
//! let mut linker = Linker::<u32>::new();
//! linker.func_wrap("twice", |mut caller: Caller<'_, u32>, x: i64| {
//!     *caller.data_mut() += 1;
//!     x * 2
//! })?;
//! // SAFETY: this code touches no memory but its own stack.
//! let mut instance = unsafe { linker.instantiate(&module, 0) }?;
//! let f = instance.get_typed_func::<i64, i64>("f")?;
//! assert_eq!(f.call(&mut instance, 21)?, 42);
//! assert_eq!(*instance.data(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it is built
//! Layered, each module importing only those below it: values, traps,
//! errors and buffers; [`Store`] (the VM, the host-call loop, backtraces);
//! functions (`func`: guest functions, host functions, [`Caller`]);
//! [`Instance`]; [`Linker`]. Host functions are called through the
//! array-call entry: the guest's `call_indirect_host` with an import's id
//! stops the VM, and the store calls the import's host function, which
//! reads its arguments from the argument registers by the import's
//! signature (straight into Rust values for typed closures, into a `[Val]`
//! for untyped ones) and puts its results in the result registers. Builtins (`Memcpy`, `CeilF32`, ...)
//! never leave the VM.
//!
//! Like the VM, this crate is `no_std` (with `alloc`); `std` adds the
//! `std::error::Error` impls.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod backtrace;
mod buffer;
mod checked;
mod error;
mod func;
mod instance;
mod linker;
#[cfg(feature = "ffi")]
pub mod native;
mod store;
mod trap;
mod values;

pub use buffer::HostBuffer;
pub use checked::GrantedBuffer;
pub use error::Error;
pub use func::{Caller, Func, HostResult, IntoFunc, TypedFunc, WithCaller};
pub use instance::Instance;
pub use linker::Linker;
#[cfg(feature = "ffi")]
pub use native::{NativeCallback, NativeSignature, NativeType};
pub use store::{AsStoreMut, Store};
pub use trap::{FrameInfo, Trap, TrapReason};
pub use values::{Value, ValueList};

// What an embedder names alongside the API: modules, values, trap codes, the VM.
pub use sheave_format::{
    ImportAbi, Module, ModuleError, ModuleFunction, ModuleImport, ModuleParts, ModuleTarget, ParamAbi,
    ScalarType,
};
pub use sheave_interp::{Checks, Dispatch, StackMemory, TrapCode, TrapKind, Val, ValType, Vm};
