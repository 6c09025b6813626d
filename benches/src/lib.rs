//! Benchmarks of Sheave against its peers.
//!
//! [`micro`] holds the dispatch micro-benchmark programs: four small loops
//! hand-encoded for both Sheave ([`sheave_programs`]) and Pulley
//! ([`pulley_programs`]), with the same shape on both (fused compare-and-
//! branch at the bottom of each loop, immediates where the ISA has them,
//! constants hoisted), so that the ratio measures the interpreters.
//! [`host_calls`] holds the embedding benchmark's module.

pub mod host_calls;
pub mod pulley_programs;
pub mod reference;
pub mod sheave_programs;
