//! Checked mode: bytecode from a stranger, run without trusting it.
//!
//! In checked mode every memory access must fall in the VM's stack or in a
//! region the embedder granted ([`Checks::new`]), indirect calls must land
//! on function starts, returns on the op after a call, and frame records on
//! the stack; anything else traps (`heap_oob`) before touching memory.
//! Fuel ([`crate::Vm::set_fuel`]) bounds how long a guest runs: every taken
//! branch, call and return burns one unit, and running out traps.
//!
//! The checks are one flag test in trusted mode: a memory op, a frame op or
//! an indirect call loads `State::checked` (next to the registers, so in
//! cache) and, when clear, goes on as before.

use crate::state::{At, State, Stop};
use crate::trap::TrapKind;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;
use sheave_opcodes::Op;

/// A code map byte's bits.
const CALL_TARGET: u8 = 1;
const RETURN_SITE: u8 = 2;

/// What checked mode checks against: the code (which offsets start a
/// function, which follow a call) and the memory regions granted besides
/// the VM's stack.
#[derive(Clone, Debug)]
pub struct Checks {
    code: *const u8,
    /// One byte per code byte: `CALL_TARGET`, `RETURN_SITE` (shared by the
    /// checks of one code with different regions).
    map: Arc<[u8]>,
    regions: Vec<(usize, usize)>,
}

// SAFETY: `code` is only compared against and used as a base for offsets,
// never dereferenced; the rest is owned data.
unsafe impl Send for Checks {}
// SAFETY: as for `Send`: nothing is mutated through a shared `Checks`.
unsafe impl Sync for Checks {}

impl Checks {
    /// Checks for `code` (verified bytecode: every function range holds
    /// whole ops) whose functions start at `functions`' starts, with the
    /// memory `regions` granted (address ranges, besides the VM's stack).
    pub fn new(code: &[u8], functions: &[Range<usize>], regions: &[Range<usize>]) -> Checks {
        let mut map = alloc::vec![0u8; code.len()];
        for f in functions {
            if let Some(byte) = map.get_mut(f.start) {
                *byte |= CALL_TARGET;
            }
            let Some(body) = code.get(f.clone()) else { continue };
            let Ok(ops) = sheave_opcodes::decode_all(body) else { continue };
            for (k, (_, op)) in ops.iter().enumerate() {
                let is_call = matches!(
                    op,
                    Op::Call(_) | Op::Call1(_) | Op::Call2(_) | Op::Call3(_) | Op::CallIndirect(_)
                );
                let next = ops.get(k + 1).map_or(body.len(), |(next, _)| *next);
                if is_call && let Some(byte) = map.get_mut(f.start + next) {
                    *byte |= RETURN_SITE;
                }
            }
        }
        let regions = regions.iter().map(|r| (r.start, r.end)).collect();
        Checks { code: code.as_ptr(), map: map.into(), regions }
    }

    /// The same checks with `regions` granted instead.
    pub fn with_regions(&self, regions: &[Range<usize>]) -> Checks {
        Checks {
            code: self.code,
            map: self.map.clone(),
            regions: regions.iter().map(|r| (r.start, r.end)).collect(),
        }
    }

    /// The granted regions.
    pub fn regions(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.regions.iter().map(|&(lo, hi)| lo..hi)
    }

    fn code_range(&self) -> Range<usize> {
        let lo = self.code.expose_provenance();
        lo..lo + self.map.len()
    }
}

/// The checks a [`State`] reads: raw views of an `Arc<Checks>` the VM
/// keeps alive while they are installed.
#[derive(Clone, Copy)]
pub(crate) struct Installed {
    code_lo: usize,
    map: *const u8,
    map_len: usize,
    regions: *const (usize, usize),
    region_count: usize,
}

impl Installed {
    pub(crate) const NONE: Installed = Installed {
        code_lo: 0,
        map: core::ptr::null(),
        map_len: 0,
        regions: core::ptr::null(),
        region_count: 0,
    };

    pub(crate) fn of(checks: &Arc<Checks>) -> Installed {
        Installed {
            code_lo: checks.code_range().start,
            map: checks.map.as_ptr(),
            map_len: checks.map.len(),
            regions: checks.regions.as_ptr(),
            region_count: checks.regions.len(),
        }
    }

    fn map_bits(&self, addr: usize) -> u8 {
        let offset = addr.wrapping_sub(self.code_lo);
        if offset >= self.map_len {
            return 0;
        }
        // SAFETY: `offset` is below the map's length, and the map lives in
        // the `Arc<Checks>` the VM holds while these are installed.
        unsafe { *self.map.add(offset) }
    }

    fn regions(&self) -> &[(usize, usize)] {
        if self.region_count == 0 {
            return &[];
        }
        // SAFETY: the regions live in the `Arc<Checks>` the VM holds while
        // these are installed.
        unsafe { core::slice::from_raw_parts(self.regions, self.region_count) }
    }
}

impl State {
    /// Whether `len` bytes at `addr` lie in the stack or a granted region.
    #[inline]
    pub(crate) fn granted(&self, addr: u64, len: usize) -> bool {
        let (addr, Some(end)) = (addr as usize, (addr as usize).checked_add(len)) else { return false };
        if addr >= self.stack_lo && end <= self.stack_hi {
            return true;
        }
        self.checks.regions().iter().any(|&(lo, hi)| addr >= lo && end <= hi)
    }

    /// The host address of a guest access of `len` bytes at `addr`, or (in
    /// checked mode, outside every granted region) a `heap_oob` trap.
    #[inline(always)]
    pub(crate) fn access(&mut self, at: At, addr: u64, len: usize) -> Result<*mut u8, Stop> {
        if self.checked && !self.granted(addr, len) {
            self.trap_with(at, TrapKind::MemoryOutOfBounds)?;
        }
        Ok(core::ptr::with_exposed_provenance_mut(addr as usize))
    }

    // The frame and call checks below are on every call's path; they stay
    // small and inline (an out-of-line check makes the handlers save
    // registers around the call on every run, trusted or not).

    /// In checked mode, trap unless `len` bytes at `addr` lie in the stack
    /// (frame records, saved registers).
    #[inline(always)]
    pub(crate) fn check_stack(&mut self, at: At, addr: u64, len: u64) -> Result<(), Stop> {
        if self.checked {
            let inside = addr >= self.stack_lo as u64
                && addr.checked_add(len).is_some_and(|end| end <= self.stack_hi as u64);
            if !inside {
                self.trap_with(at, TrapKind::MemoryOutOfBounds)?;
            }
        }
        Ok(())
    }

    /// In checked mode, trap unless `target` starts a function.
    #[inline(always)]
    pub(crate) fn check_call_target(&mut self, at: At, target: u64) -> Result<(), Stop> {
        if self.checked && self.checks.map_bits(target as usize) & CALL_TARGET == 0 {
            self.trap_with(at, TrapKind::BadCallTarget)?;
        }
        Ok(())
    }

    /// In checked mode, trap unless the return address `lr` just loaded
    /// from a frame record follows a call (or returns to the host).
    #[inline(always)]
    pub(crate) fn check_return_address(&mut self, at: At) -> Result<(), Stop> {
        if self.checked && !self.lr.is_null() && self.checks.map_bits(self.lr.addr()) & RETURN_SITE == 0 {
            self.trap_with(at, TrapKind::BadCallTarget)?;
        }
        Ok(())
    }

    /// With fuel on, burn one unit, or trap when none is left.
    #[inline(always)]
    pub(crate) fn burn(&mut self, at: At) -> Result<(), Stop> {
        if self.metered {
            if self.fuel == 0 {
                self.trap_with(at, TrapKind::OutOfFuel)?;
            }
            self.fuel -= 1;
        }
        Ok(())
    }
}
