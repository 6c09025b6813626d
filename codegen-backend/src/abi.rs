//! Sheave's calling convention, as the register allocator sees it.
//!
//! It matches the interpreter's entry snapshot: arguments and results in
//! `x0..x15` / `f0..f15` / `v0..v15` (each class counted from 0),
//! `x16..x29` and `f16..f31` callee-saved, everything else caller-saved.
//! `x30` (fp) and `x31` (sp) are never allocated.

use regalloc2::{MachineEnv, PReg, PRegSet, RegClass};

/// Registers per class that pass arguments and results.
pub const ARG_REGS: usize = 16;

pub fn x(i: usize) -> PReg {
    PReg::new(i, RegClass::Int)
}
pub fn f(i: usize) -> PReg {
    PReg::new(i, RegClass::Float)
}
pub fn v(i: usize) -> PReg {
    PReg::new(i, RegClass::Vector)
}

/// The allocator's view of the registers.
/// The register CLIF's `get_pinned_reg`/`set_pinned_reg` use when the
/// `enable_pinned_reg` setting is on; it is then never allocated.
pub const PINNED: usize = 29;

pub fn machine_env(pinned: bool) -> MachineEnv {
    let set = |range: std::ops::Range<usize>, mk: fn(usize) -> PReg| {
        range.fold(PRegSet::empty(), |s, i| s.with(mk(i)))
    };
    MachineEnv {
        // Caller-saved registers first: using them costs no save/restore.
        preferred_regs_by_class: [set(0..16, x), set(0..16, f), set(0..32, v)],
        non_preferred_regs_by_class: [
            set(16..if pinned { PINNED } else { 30 }, x),
            set(16..32, f),
            PRegSet::empty(),
        ],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: vec![],
    }
}

/// Registers a call may overwrite.
pub fn caller_saved() -> PRegSet {
    let mut s = PRegSet::empty();
    for i in 0..16 {
        s.add(x(i));
        s.add(f(i));
    }
    for i in 0..32 {
        s.add(v(i));
    }
    s
}

/// Whether the callee must preserve `r`.
pub fn is_callee_saved(r: PReg) -> bool {
    match r.class() {
        RegClass::Int => (16..30).contains(&r.hw_enc()),
        RegClass::Float => r.hw_enc() >= 16,
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
