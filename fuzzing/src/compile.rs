//! The compile target: verifier-valid CLIF never panics the backend; it
//! compiles (and links and verifies) for the target it was generated for,
//! or returns an error.

use crate::clif_gen::{self, Config};
use arbitrary::Unstructured;

/// Compile a generated program. `Ok(true)` if it compiled, `Ok(false)` if
/// the backend refused it with an error or the bytes ran out; a panic is
/// the bug this target looks for.
pub fn run(data: &[u8]) -> bool {
    let mut u = Unstructured::new(data);
    // Larger functions than the differential target's: no reference runs
    // them, so size costs little.
    let config = Config { max_blocks: 10, max_insts: 24, ..Config::default() };
    let Ok(program) = clif_gen::generate(&mut u, &config) else { return false };
    let target =
        sheave_codegen::Target::named(program.target.name()).expect("the Pulley targets are built in");
    sheave_codegen::compile_module(&program.functions, &target).is_ok()
}
