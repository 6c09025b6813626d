//! Sheave's interpreter: a register machine for verified Sheave bytecode.
//!
//! This crate is the bare VM: registers, stack, the run loop, traps, entry
//! snapshots and builtins. It knows nothing of module files
//! (`sheave-format`) or of host functions bound by name (`sheave-embed`,
//! the embedding API most users want); those build on it.
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
//! callee-saved; everything else is caller-saved. [`sheave_opcodes::abi`]
//! is where these facts are written, for the VM and the compiler alike.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builtins;
mod checked;
mod dispatch;
mod exec;
mod float;
mod profile;
mod server;
mod snapshot;
mod stack;
mod state;
mod trap;
mod val;
mod vm;

pub use checked::Checks;
pub use dispatch::Dispatch;
pub use profile::{OpKind, OpProfile};
pub use server::HostCallServer;
pub use stack::StackMemory;
pub use trap::{TrapCode, TrapKind};
pub use val::{Val, ValType};
pub use vm::{CallError, DoneReason, TrapSite, Vm};

/// Default size of a [`Vm`]'s stack: 1 MiB.
pub const DEFAULT_STACK_SIZE: usize = 1 << 20;
