//! setjmp/longjmp for guest entries: the callee-saved state at the moment
//! the host entered the guest, restored when the entry traps so that the
//! VM is usable again and an outer entry (suspended in a host call) resumes
//! exactly where it was.

use crate::state::State;
use sheave_opcodes::RegMask;
use sheave_opcodes::abi::{FP, SP};

const X_FIRST: usize = RegMask::FIRST_X;
const X_LEN: usize = RegMask::X_COUNT;
const F_FIRST: usize = RegMask::FIRST_F;
const F_LEN: usize = RegMask::F_COUNT;

/// Callee-saved x and f registers, `fp`, `sp` and `lr`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Snapshot {
    x: [u64; X_LEN],
    f: [u64; F_LEN],
    fp: u64,
    sp: u64,
    lr: *const u8,
    /// The sp to go back to when the entry ends (above its stack arguments).
    caller_sp: u64,
    /// The entry's own argument/result area: address and 8-byte slots.
    area: (u64, usize),
    /// Whether `x` and `f` were taken: a light snapshot (see
    /// `Vm::set_trap_restores_callee_saved`) restores only the frame.
    full: bool,
}

impl Snapshot {
    pub fn take(s: &State) -> Snapshot {
        let mut snapshot = Snapshot {
            x: [0; X_LEN],
            f: [0; F_LEN],
            fp: 0,
            sp: 0,
            lr: core::ptr::null(),
            caller_sp: 0,
            area: (0, 0),
            full: true,
        };
        snapshot.fill(s, true);
        snapshot
    }

    /// Overwrite this snapshot with `s`'s state, in place; the callee-saved
    /// registers only if `full`.
    #[inline]
    pub fn fill(&mut self, s: &State, full: bool) {
        if full {
            self.x.copy_from_slice(&s.x[X_FIRST..X_FIRST + X_LEN]);
            self.f.copy_from_slice(&s.f[F_FIRST..F_FIRST + F_LEN]);
        }
        self.full = full;
        (self.fp, self.sp, self.lr, self.caller_sp) = (s.x[FP], s.x[SP], s.lr, s.x[SP]);
    }

    /// Overwrite the saved value of callee-saved x-register `r`.
    #[cfg(debug_assertions)]
    pub fn set_x(&mut self, r: sheave_opcodes::XReg, value: u64) {
        if let Some(i) = r.index().checked_sub(X_FIRST).filter(|&i| i < X_LEN) {
            self.x[i] = value;
        }
    }

    /// Restore `fp`, `sp` and `lr` only: what an entry that returned
    /// normally needs (it preserved the callee-saved registers itself).
    #[inline]
    pub fn restore_frame(&self, s: &mut State) {
        s.x[FP] = self.fp;
        s.x[SP] = self.caller_sp;
        s.lr = self.lr;
    }

    /// The entry's argument/result area.
    pub fn area(&self) -> (u64, usize) {
        self.area
    }

    pub fn restore(&self, s: &mut State) {
        if self.full {
            s.x[X_FIRST..X_FIRST + X_LEN].copy_from_slice(&self.x);
            s.f[F_FIRST..F_FIRST + F_LEN].copy_from_slice(&self.f);
        }
        s.x[FP] = self.fp;
        s.x[SP] = self.caller_sp;
        s.lr = self.lr;
    }

    /// Whether the guest kept its promise to preserve callee-saved state
    /// (`lr` is the caller's to restore, so it is not compared).
    /// Returns the first register that differs.
    #[cfg(debug_assertions)]
    pub(crate) fn check_preserved(&self, s: &State) -> Result<(), alloc::string::String> {
        use alloc::format;
        let now = Snapshot::take(s);
        for i in 0..X_LEN {
            if now.x[i] != self.x[i] {
                return Err(format!("x{} was {:#x}, is {:#x}", X_FIRST + i, self.x[i], now.x[i]));
            }
        }
        for i in 0..F_LEN {
            if now.f[i] != self.f[i] {
                return Err(format!("f{} was {:#x}, is {:#x}", F_FIRST + i, self.f[i], now.f[i]));
            }
        }
        // A callee-pops (`tail`) function returns with its stack arguments
        // released: sp anywhere from the entry's sp up to the caller's.
        if now.fp != self.fp || now.sp < self.sp || now.sp > self.caller_sp {
            return Err(format!("fp/sp were {:#x}/{:#x}, are {:#x}/{:#x}", self.fp, self.sp, now.fp, now.sp));
        }
        Ok(())
    }
}

/// The snapshots of the active entries, innermost last. Slots are reused:
/// an entry fills its slot in place from the registers, and leaving it only
/// moves the depth, so entering and leaving the guest never allocates or
/// copies a snapshot around once the stack has grown to its deepest.
#[derive(Default)]
pub(crate) struct SnapshotStack {
    slots: alloc::vec::Vec<Snapshot>,
    depth: usize,
}

impl SnapshotStack {
    /// Snapshot `s` for a new entry whose stack arguments start below
    /// `caller_sp`; the callee-saved registers too if `full`.
    #[inline]
    pub fn push(&mut self, s: &State, caller_sp: u64, area: (u64, usize), full: bool) {
        match self.slots.get_mut(self.depth) {
            Some(slot) => slot.fill(s, full),
            None => {
                let mut snapshot = Snapshot::take(s);
                snapshot.full = full;
                self.slots.push(snapshot)
            }
        }
        let slot = &mut self.slots[self.depth];
        (slot.caller_sp, slot.area) = (caller_sp, area);
        self.depth += 1;
    }

    /// Leave the innermost entry; its snapshot stays readable until the next push.
    #[inline]
    pub fn pop(&mut self) -> Option<&Snapshot> {
        self.depth = self.depth.checked_sub(1)?;
        Some(&self.slots[self.depth])
    }

    /// Active entries.
    pub fn depth(&self) -> usize {
        self.depth
    }
}
