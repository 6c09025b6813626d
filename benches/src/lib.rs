//! Benchmarks of Sheave against its peers.
//!
//! The dispatch micro-benchmark programs are four small loops
//! hand-encoded for both Sheave ([`sheave_programs`]) and Pulley
//! ([`pulley_programs`]), with the same shape on both (fused compare-and-
//! branch at the bottom of each loop, immediates where the ISA has them,
//! constants hoisted), so that the ratio measures the interpreters.
//! [`host_calls`] holds the embedding benchmark's module, and
//! [`call_table`] the call benchmarks' harness.
//!
//! [`suite`] is the program suite (CLIF written for these benchmarks), and
//! [`engines`] runs it on Sheave, Pulley, native Cranelift and
//! cranelift-interpreter; the `report` binary and the `programs` criterion
//! benchmark time it.

pub mod call_table;
pub mod engines;
pub mod host_calls;
pub mod pulley_programs;
pub mod reference;
pub mod sheave_programs;
pub mod suite;
