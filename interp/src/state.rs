//! The machine state that every op handler works on.

use crate::trap::TrapKind;
use sheave_opcodes::{FReg, VReg, XReg};

/// Why the run loop stopped; written by the op that stopped it.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Done {
    Returned,
    Trap { pc: *const u8, kind: TrapKind },
    HostCall { id: u16, at: *const u8, resume: *const u8 },
}

/// Registers and stack bounds. Handlers get `&mut State` and the pc.
pub(crate) struct State {
    pub x: [u64; 32],
    pub f: [u64; 32],
    pub v: [u128; 32],
    /// Return address; null means "return to the host".
    pub lr: *const u8,
    /// Lowest address the stack pointer may reach.
    pub stack_lo: usize,
    /// One past the highest stack address (the initial `sp`).
    pub stack_hi: usize,
    pub done: Done,
    /// The code indirect calls may enter: `code_lo..code_lo + code_len`
    /// (everything until the embedder says otherwise). A target outside it
    /// stops the VM with host call `FOREIGN_CALL_ID`.
    pub code_lo: usize,
    pub code_len: usize,
    /// The last foreign call's target and the op that made it.
    pub foreign_target: u64,
    pub foreign_site: *const u8,
    /// Checked mode (see `checked.rs`): accesses, calls and returns are
    /// checked against `checks`.
    pub checked: bool,
    pub checks: crate::checked::Installed,
    /// Fuel metering: whether on, and the units left.
    pub metered: bool,
    pub fuel: u64,
    /// Serves host calls in place for the current run, if set (see
    /// `server.rs`); entries set and restore it.
    pub host: Option<crate::HostCallServer>,
}

/// The position of the op being executed: its first byte and the next op.
#[derive(Copy, Clone)]
pub(crate) struct At {
    pub pc: *const u8,
    pub next: *const u8,
}

impl At {
    /// The address `rel` bytes from this op's start.
    #[inline(always)]
    pub fn rel(self, rel: sheave_opcodes::PcRel) -> *const u8 {
        self.pc.wrapping_offset(rel.0 as isize)
    }
}

/// The run loop stopped; the reason is in [`State::done`].
pub(crate) struct Stop;

/// What an op handler returns: the next pc, or stop.
pub(crate) type Flow = Result<*const u8, Stop>;

impl State {
    pub fn new() -> Self {
        State {
            x: [0; 32],
            f: [0; 32],
            v: [0; 32],
            lr: core::ptr::null(),
            stack_lo: 0,
            stack_hi: 0,
            done: Done::Returned,
            code_lo: 0,
            code_len: usize::MAX,
            foreign_target: 0,
            foreign_site: core::ptr::null(),
            checked: false,
            checks: crate::checked::Installed::NONE,
            metered: false,
            fuel: 0,
            host: None,
        }
    }

    #[inline(always)]
    pub fn x64(&self, r: XReg) -> u64 {
        self.x[r.index()]
    }
    #[inline(always)]
    pub fn x32(&self, r: XReg) -> u32 {
        self.x[r.index()] as u32
    }
    #[inline(always)]
    pub fn set_x64(&mut self, r: XReg, v: u64) {
        self.x[r.index()] = v;
    }
    /// 32-bit results are stored zero-extended.
    #[inline(always)]
    pub fn set_x32(&mut self, r: XReg, v: u32) {
        self.x[r.index()] = v as u64;
    }
    #[inline(always)]
    pub fn f32(&self, r: FReg) -> f32 {
        f32::from_bits(self.f[r.index()] as u32)
    }
    #[inline(always)]
    pub fn f64(&self, r: FReg) -> f64 {
        f64::from_bits(self.f[r.index()])
    }
    #[inline(always)]
    pub fn set_f32(&mut self, r: FReg, v: f32) {
        self.f[r.index()] = v.to_bits() as u64;
    }
    #[inline(always)]
    pub fn set_f64(&mut self, r: FReg, v: f64) {
        self.f[r.index()] = v.to_bits();
    }
    #[inline(always)]
    pub fn v(&self, r: VReg) -> u128 {
        self.v[r.index()]
    }
    #[inline(always)]
    pub fn set_v(&mut self, r: VReg, v: u128) {
        self.v[r.index()] = v;
    }

    /// Stop with a trap at `at`.
    #[cold]
    #[inline(never)]
    pub fn trap_with(&mut self, at: At, kind: TrapKind) -> Flow {
        self.done = Done::Trap { pc: at.pc, kind };
        Err(Stop)
    }
}
