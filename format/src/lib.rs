//! Sheave's portable module format.
//!
//! A [`Module`] is verified bytecode plus what an embedder needs to call
//! it: its functions (name, signature, code range), the host functions it
//! imports, and the [`ModuleTarget`] it was compiled for. The compiler
//! (`sheave-codegen`) makes modules; the embedding API (`sheave-embed`)
//! runs them; neither needs the other, and a device that only runs
//! modules needs neither the compiler nor Cranelift.
//!
//! - [`ModuleParts`] is the unchecked description, with public fields.
//! - [`Module::new`] verifies parts; [`Module::from_bytes`] reads a `.shv`
//!   file and verifies it; [`Module::to_bytes`] writes one. A `Module`
//!   cannot be made any other way, so its code is always verified.
//!
//! The file layout is in the [`file`](mod@file) module's documentation. Like
//! `sheave-opcodes`, this crate is `no_std` (with `alloc`); its `std`
//! feature only adds `std::error::Error` for [`ModuleError`].

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod error;
pub mod file;
mod module;
mod types;

pub use error::ModuleError;
pub use file::MODULE_FORMAT_VERSION;
pub use module::{ImportAbi, IndirectCall, Module, ModuleFunction, ModuleImport, ModuleParts};
pub use types::{ModuleTarget, ParamAbi, ScalarType};
