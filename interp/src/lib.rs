//! Sheave's interpreter: a register machine for verified Sheave bytecode.
//!
//! The machine has 32 integer registers (`x0`..`x31`, 64-bit; `x30` is the
//! frame pointer and `x31` the stack pointer), 32 float registers and 32
//! 128-bit vector registers, a link register and a stack that the [`Vm`]
//! owns. Bytecode addresses and memory addresses are host addresses, like
//! compiled code: running bytecode is `unsafe`, and only bytecode that
//! passed [`sheave_opcodes::verify`] may run.
//!
//! # Calling convention
//! Arguments and results are placed in the low registers of their class:
//! integers in `x0`..`x15`, floats in `f0`..`f15`, vectors in `v0`..`v15`,
//! each class numbered from 0. `x16`..`x29` and `f16`..`f31` are
//! callee-saved; everything else is caller-saved.

#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builtins;
mod dispatch;
mod embed;
mod exec;
mod float;
mod module;
mod snapshot;
mod stack;
mod state;
mod trap;
mod val;
mod vm;

pub use dispatch::Dispatch;
pub use embed::{
    AsInstanceMut, Caller, Error, FrameInfo, Func, HostBuffer, HostResult, Instance, IntoFunc, Linker, Trap,
    TrapReason, TypedFunc, Value, ValueList, WithCaller,
};
pub use module::{
    MODULE_FORMAT_VERSION, Module, ModuleError, ModuleFunction, ModuleImport, ModuleTarget, ScalarType,
};
pub use stack::StackMemory;
pub use trap::{TrapCode, TrapKind};
pub use val::{Val, ValType};
pub use vm::{CallError, DoneReason, TrapSite, Vm};

/// Registers used to pass arguments and results, per class.
pub const ARG_REGS: usize = 16;
/// Default size of a [`Vm`]'s stack: 1 MiB.
pub const DEFAULT_STACK_SIZE: usize = 1 << 20;
