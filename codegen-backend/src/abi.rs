//! Sheave's calling convention (`sheave_opcodes::abi`, its one source), as
//! the register allocator sees it.

use regalloc2::{MachineEnv, PReg, PRegSet, RegClass};
pub use sheave_opcodes::abi::ARG_REGS;
use sheave_opcodes::abi::{CALLEE_SAVED_F, CALLEE_SAVED_X, REGS_PER_CLASS};

pub fn x(i: usize) -> PReg {
    PReg::new(i, RegClass::Int)
}
pub fn f(i: usize) -> PReg {
    PReg::new(i, RegClass::Float)
}
pub fn v(i: usize) -> PReg {
    PReg::new(i, RegClass::Vector)
}

/// The register CLIF's `get_pinned_reg`/`set_pinned_reg` use when the
/// `enable_pinned_reg` setting is on; it is then never allocated.
pub const PINNED: usize = sheave_opcodes::abi::PINNED_X;

/// The allocator's view of the registers.
pub fn machine_env(pinned: bool) -> MachineEnv {
    let set = |range: std::ops::Range<usize>, mk: fn(usize) -> PReg| {
        range.fold(PRegSet::empty(), |s, i| s.with(mk(i)))
    };
    MachineEnv {
        // Caller-saved registers first: using them costs no save/restore.
        preferred_regs_by_class: [
            set(0..CALLEE_SAVED_X.start, x),
            set(0..CALLEE_SAVED_F.start, f),
            set(0..REGS_PER_CLASS, v),
        ],
        non_preferred_regs_by_class: [
            set(CALLEE_SAVED_X.start..if pinned { PINNED } else { CALLEE_SAVED_X.end }, x),
            set(CALLEE_SAVED_F, f),
            PRegSet::empty(),
        ],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: vec![],
    }
}

/// Registers a call may overwrite.
pub fn caller_saved() -> PRegSet {
    let mut s = PRegSet::empty();
    for i in 0..CALLEE_SAVED_X.start {
        s.add(x(i));
    }
    for i in 0..CALLEE_SAVED_F.start {
        s.add(f(i));
    }
    for i in 0..REGS_PER_CLASS {
        s.add(v(i));
    }
    s
}

/// Whether the callee must preserve `r`.
pub fn is_callee_saved(r: PReg) -> bool {
    match r.class() {
        RegClass::Int => sheave_opcodes::abi::is_callee_saved_x(r.hw_enc()),
        RegClass::Float => sheave_opcodes::abi::is_callee_saved_f(r.hw_enc()),
        RegClass::Vector => false,
    }
}

/// A libcall's signature (as a call or a `func_addr` declares it) must
/// pass what its builtin takes, in the same registers, and return nothing
/// or what it returns: the builtin reads and writes exactly those.
pub fn check_builtin_signature(
    name: &str,
    builtin: sheave_opcodes::Builtin,
    signature: &cranelift_codegen::ir::Signature,
) -> Result<(), String> {
    let float = |p: &cranelift_codegen::ir::AbiParam| p.value_type.is_float();
    let params: Vec<bool> = signature.params.iter().map(float).collect();
    let returns: Vec<bool> = signature.returns.iter().map(float).collect();
    let want_params: Vec<bool> = builtin.params().iter().map(|t| t.is_float()).collect();
    let want_returns: Vec<bool> = builtin.results().iter().map(|t| t.is_float()).collect();
    let ints_fit = signature.params.iter().chain(&signature.returns).all(|p| p.value_type.bits() <= 64);
    if params != want_params || !(returns.is_empty() || returns == want_returns) || !ints_fit {
        return Err(format!(
            "libcall {name} is declared as {signature}, which does not match its builtin ({:?} -> {:?})",
            builtin.params(),
            builtin.results()
        ));
    }
    Ok(())
}
