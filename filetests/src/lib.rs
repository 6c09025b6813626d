//! Sheave's test harness, shared by the `sheave test` command, the
//! workspace's tests and the fuzzers.
//!
//! - [`runtest`] runs Cranelift runtest files (`test run` / `test
//!   interpret` with `; run:` lines) on Sheave, on every Pulley target a
//!   file names, and calls compiled functions with CLIF values.
//! - [`low_stack`] maps a VM stack below 4 GiB, which 32-bit-pointer
//!   bytecode needs on a 64-bit host.
//!
//! It is kept out of `sheave-codegen` so that the compiler's public API
//! holds only the compiler, and platform code (`mmap`) only lives here.

pub mod low_stack;
pub mod runtest;

/// The C library the native-interop tests call (`native/sheave_native_test.c`,
/// built as a shared library by this crate's build script).
pub fn native_test_library() -> &'static std::path::Path {
    std::path::Path::new(env!("SHEAVE_NATIVE_TEST_LIB"))
}
