//! Sheave's calling convention: the one place its register facts are
//! written. The interpreter's entries and snapshots, the backend's register
//! allocator environment and the frame ops' [`crate::RegMask`] all read
//! them from here.
//!
//! - Arguments and results go in the low registers of their class,
//!   counted from 0 per class: integers in `x0..x15`, floats in `f0..f15`,
//!   vectors in `v0..v15`. Values beyond those travel on the stack.
//! - `x16..x29` and `f16..f31` are callee-saved; every other allocatable
//!   register (and every v-register) is caller-saved.
//! - `x30` is the frame pointer and `x31` the stack pointer; neither is
//!   ever allocated.

use core::ops::Range;

/// Registers per class (x, f, v) that pass arguments and results.
pub const ARG_REGS: usize = 16;

/// The callee-saved x-registers.
pub const CALLEE_SAVED_X: Range<usize> = 16..30;

/// The callee-saved f-registers.
pub const CALLEE_SAVED_F: Range<usize> = 16..32;

/// The frame pointer's register number (`x30`).
pub const FP: usize = 30;

/// The stack pointer's register number (`x31`).
pub const SP: usize = 31;

/// Registers per class.
pub const REGS_PER_CLASS: usize = 32;

/// The x-register CLIF's `get_pinned_reg`/`set_pinned_reg` use when the
/// `enable_pinned_reg` setting is on (the last callee-saved one); it is then
/// never allocated.
pub const PINNED_X: usize = 29;

/// Whether x-register `index` is callee-saved.
pub const fn is_callee_saved_x(index: usize) -> bool {
    index >= CALLEE_SAVED_X.start && index < CALLEE_SAVED_X.end
}

/// Whether f-register `index` is callee-saved.
pub const fn is_callee_saved_f(index: usize) -> bool {
    index >= CALLEE_SAVED_F.start && index < CALLEE_SAVED_F.end
}

// The layout above, checked when this crate compiles.
const _: () = {
    assert!(!is_callee_saved_x(FP) && !is_callee_saved_x(SP));
    assert!(CALLEE_SAVED_X.end <= FP && FP < SP && SP < REGS_PER_CLASS);
    assert!(ARG_REGS <= CALLEE_SAVED_X.start && ARG_REGS <= CALLEE_SAVED_F.start);
    assert!(PINNED_X >= CALLEE_SAVED_X.start && PINNED_X < CALLEE_SAVED_X.end);
};
