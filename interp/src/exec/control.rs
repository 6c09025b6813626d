//! Branches, calls, returns, frames, host calls and traps.

use crate::state::{At, Done, Flow, State, Stop};
use crate::trap::TrapKind;
use sheave_opcodes::{FReg, OpInfo, PcRel, RegMask, XReg, XRegMask, ops};

/// One `ret` op: where a foreign tail call made by an entry's outermost
/// function resumes, so that the native callee's results return to the host.
static RETURN_TO_HOST: [u8; ops::Ret::SIZE] = [sheave_opcodes::Opcode::Ret as u8];

/// Conditional branches: `name: |state, operands...| condition`.
macro_rules! branches {
    ($($name:ident($($arg:ident: $t:ty),*) = |$s:ident| $cond:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, $($arg: $t,)* offset: PcRel) -> Flow {
            let $s = &*self;
            let cond = $cond;
            self.branch_if(at, cond, offset)
        }
    )*};
}

/// Counted loops' latches to a constant: `name(bound) = step, |state, dst|
/// condition`: the step `dst = a + imm`, then a branch while the condition
/// holds (the new `dst` below `bound`, unsigned at the op's width).
macro_rules! latches_to_a_constant {
    ($($name:ident($bound:ident: $t:ty) = $step:ident, |$s:ident, $dst:ident| $cond:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg, imm: i8, $bound: $t, offset: PcRel) -> Flow {
            self.$step(at, dst, a, imm)?;
            let ($s, $dst) = (&*self, dst);
            let cond = $cond;
            self.branch_if(at, cond, offset)
        }
    )*};
}

const SP: usize = 31;
const FP: usize = 30;

impl State {
    branches! {
        br_if32(cond: XReg) = |s| s.x32(cond) != 0;
        br_ifnot32(cond: XReg) = |s| s.x32(cond) == 0;
        br_if64(cond: XReg) = |s| s.x64(cond) != 0;
        br_ifnot64(cond: XReg) = |s| s.x64(cond) == 0;
        br_if_xeq32(a: XReg, b: XReg) = |s| s.x32(a) == s.x32(b);
        br_if_xneq32(a: XReg, b: XReg) = |s| s.x32(a) != s.x32(b);
        br_if_xslt32(a: XReg, b: XReg) = |s| (s.x32(a) as i32) < s.x32(b) as i32;
        br_if_xslteq32(a: XReg, b: XReg) = |s| (s.x32(a) as i32) <= s.x32(b) as i32;
        br_if_xult32(a: XReg, b: XReg) = |s| s.x32(a) < s.x32(b);
        br_if_xulteq32(a: XReg, b: XReg) = |s| s.x32(a) <= s.x32(b);
        br_if_xeq64(a: XReg, b: XReg) = |s| s.x64(a) == s.x64(b);
        br_if_xneq64(a: XReg, b: XReg) = |s| s.x64(a) != s.x64(b);
        br_if_xslt64(a: XReg, b: XReg) = |s| (s.x64(a) as i64) < s.x64(b) as i64;
        br_if_xslteq64(a: XReg, b: XReg) = |s| (s.x64(a) as i64) <= s.x64(b) as i64;
        br_if_xult64(a: XReg, b: XReg) = |s| s.x64(a) < s.x64(b);
        br_if_xulteq64(a: XReg, b: XReg) = |s| s.x64(a) <= s.x64(b);
        br_if_xeq32_i(a: XReg, imm: i32) = |s| s.x32(a) == imm as u32;
        br_if_xneq32_i(a: XReg, imm: i32) = |s| s.x32(a) != imm as u32;
        br_if_xslt32_i(a: XReg, imm: i32) = |s| (s.x32(a) as i32) < imm;
        br_if_xslteq32_i(a: XReg, imm: i32) = |s| (s.x32(a) as i32) <= imm;
        br_if_xsgt32_i(a: XReg, imm: i32) = |s| (s.x32(a) as i32) > imm;
        br_if_xsgteq32_i(a: XReg, imm: i32) = |s| (s.x32(a) as i32) >= imm;
        br_if_xult32_i(a: XReg, imm: i32) = |s| s.x32(a) < imm as u32;
        br_if_xulteq32_i(a: XReg, imm: i32) = |s| s.x32(a) <= imm as u32;
        br_if_xugt32_i(a: XReg, imm: i32) = |s| s.x32(a) > imm as u32;
        br_if_xugteq32_i(a: XReg, imm: i32) = |s| s.x32(a) >= imm as u32;
        br_if_xeq64_i(a: XReg, imm: i32) = |s| s.x64(a) == imm as i64 as u64;
        br_if_xneq64_i(a: XReg, imm: i32) = |s| s.x64(a) != imm as i64 as u64;
        br_if_xslt64_i(a: XReg, imm: i32) = |s| (s.x64(a) as i64) < imm as i64;
        br_if_xslteq64_i(a: XReg, imm: i32) = |s| (s.x64(a) as i64) <= imm as i64;
        br_if_xsgt64_i(a: XReg, imm: i32) = |s| (s.x64(a) as i64) > imm as i64;
        br_if_xsgteq64_i(a: XReg, imm: i32) = |s| (s.x64(a) as i64) >= imm as i64;
        br_if_xult64_i(a: XReg, imm: i32) = |s| s.x64(a) < imm as i64 as u64;
        br_if_xulteq64_i(a: XReg, imm: i32) = |s| s.x64(a) <= imm as i64 as u64;
        br_if_xugt64_i(a: XReg, imm: i32) = |s| s.x64(a) > imm as i64 as u64;
        br_if_xugteq64_i(a: XReg, imm: i32) = |s| s.x64(a) >= imm as i64 as u64;
        br_if_xeq32_i8(a: XReg, imm: i8) = |s| s.x32(a) == imm as i32 as u32;
        br_if_xneq32_i8(a: XReg, imm: i8) = |s| s.x32(a) != imm as i32 as u32;
        br_if_xslt32_i8(a: XReg, imm: i8) = |s| (s.x32(a) as i32) < imm as i32;
        br_if_xslteq32_i8(a: XReg, imm: i8) = |s| (s.x32(a) as i32) <= imm as i32;
        br_if_xsgt32_i8(a: XReg, imm: i8) = |s| (s.x32(a) as i32) > imm as i32;
        br_if_xsgteq32_i8(a: XReg, imm: i8) = |s| (s.x32(a) as i32) >= imm as i32;
        br_if_xult32_i8(a: XReg, imm: i8) = |s| s.x32(a) < imm as i32 as u32;
        br_if_xulteq32_i8(a: XReg, imm: i8) = |s| s.x32(a) <= imm as i32 as u32;
        br_if_xugt32_i8(a: XReg, imm: i8) = |s| s.x32(a) > imm as i32 as u32;
        br_if_xugteq32_i8(a: XReg, imm: i8) = |s| s.x32(a) >= imm as i32 as u32;
        br_if_xband64_i8(a: XReg, imm: i8) = |s| s.x64(a) & imm as i64 as u64 != 0;
        br_ifnot_xband64_i8(a: XReg, imm: i8) = |s| s.x64(a) & imm as i64 as u64 == 0;
        br_if_xband32_i8(a: XReg, imm: i8) = |s| s.x32(a) & imm as i32 as u32 != 0;
        br_ifnot_xband32_i8(a: XReg, imm: i8) = |s| s.x32(a) & imm as i32 as u32 == 0;
        br_if_xeq64_i8(a: XReg, imm: i8) = |s| s.x64(a) == imm as i64 as u64;
        br_if_xneq64_i8(a: XReg, imm: i8) = |s| s.x64(a) != imm as i64 as u64;
        br_if_xslt64_i8(a: XReg, imm: i8) = |s| (s.x64(a) as i64) < imm as i64;
        br_if_xslteq64_i8(a: XReg, imm: i8) = |s| (s.x64(a) as i64) <= imm as i64;
        br_if_xsgt64_i8(a: XReg, imm: i8) = |s| (s.x64(a) as i64) > imm as i64;
        br_if_xsgteq64_i8(a: XReg, imm: i8) = |s| (s.x64(a) as i64) >= imm as i64;
        br_if_xult64_i8(a: XReg, imm: i8) = |s| s.x64(a) < imm as i64 as u64;
        br_if_xulteq64_i8(a: XReg, imm: i8) = |s| s.x64(a) <= imm as i64 as u64;
        br_if_xugt64_i8(a: XReg, imm: i8) = |s| s.x64(a) > imm as i64 as u64;
        br_if_xugteq64_i8(a: XReg, imm: i8) = |s| s.x64(a) >= imm as i64 as u64;
        br_if_feq32(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f32(a) == s.f32(b);
        br_if_fneq32(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f32(a) != s.f32(b);
        br_if_flt32(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f32(a) < s.f32(b);
        br_if_flteq32(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f32(a) <= s.f32(b);
        br_if_feq64(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f64(a) == s.f64(b);
        br_if_fneq64(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f64(a) != s.f64(b);
        br_if_flt64(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f64(a) < s.f64(b);
        br_if_flteq64(a: sheave_opcodes::FReg, b: sheave_opcodes::FReg) = |s| s.f64(a) <= s.f64(b);
    }

    /// The two exits of every conditional branch: to `offset` when `cond`
    /// holds, else on.
    #[inline(always)]
    fn branch_if(&mut self, at: At, cond: bool, offset: PcRel) -> Flow {
        if cond {
            self.burn(at)?;
            Ok(at.rel(offset))
        } else {
            // A hint that keeps this a real branch: as a `cmov`, the next
            // op's operand reads would wait for the comparison instead of
            // running ahead on the predicted path.
            core::hint::cold_path();
            Ok(at.next)
        }
    }

    #[inline(always)]
    pub fn jump(&mut self, at: At, offset: PcRel) -> Flow {
        self.burn(at)?;
        Ok(at.rel(offset))
    }

    #[inline(always)]
    pub fn xadd64_i8_jump(&mut self, at: At, dst: XReg, a: XReg, imm: i8, offset: PcRel) -> Flow {
        self.xadd64_i8(at, dst, a, imm)?;
        self.jump(at, offset)
    }
    #[inline(always)]
    pub fn xadd32_i8_jump(&mut self, at: At, dst: XReg, a: XReg, imm: i8, offset: PcRel) -> Flow {
        self.xadd32_i8(at, dst, a, imm)?;
        self.jump(at, offset)
    }
    #[inline(always)]
    pub fn xadd64_i8_br_if_xult64(
        &mut self,
        at: At,
        dst: XReg,
        a: XReg,
        n: XReg,
        imm: i8,
        offset: PcRel,
    ) -> Flow {
        self.xadd64_i8(at, dst, a, imm)?;
        self.branch_if(at, self.x64(dst) < self.x64(n), offset)
    }
    latches_to_a_constant! {
        xadd64_i8_br_if_xult64_i8(bound: i8) = xadd64_i8, |s, dst| s.x64(dst) < bound as i64 as u64;
        xadd64_i8_br_if_xult64_i(bound: i32) = xadd64_i8, |s, dst| s.x64(dst) < bound as i64 as u64;
        xadd32_i8_br_if_xult32_i8(bound: i8) = xadd32_i8, |s, dst| s.x32(dst) < bound as i32 as u32;
    }
    #[inline(always)]
    pub fn xmov_jump(&mut self, at: At, dst: XReg, src: XReg, offset: PcRel) -> Flow {
        self.xmov(at, dst, src)?;
        self.jump(at, offset)
    }

    #[inline(always)]
    pub fn br_table32(&mut self, at: At, idx: XReg, len: u32) -> Flow {
        self.table_jump(at, self.x32(idx), len)
    }

    /// Jump through entry `min(idx, len - 1)` of the table after a jump
    /// table op.
    #[inline(always)]
    pub(crate) fn table_jump(&mut self, at: At, idx: u32, len: u32) -> Flow {
        // The verifier guarantees `len >= 1` `jump` ops follow; go straight
        // to the selected jump's target instead of dispatching the jump.
        // The jump is not run, so the table burns its fuel.
        self.burn(at)?;
        let i = idx.min(len - 1) as usize;
        let entry = at.next.wrapping_add(i * ops::Jump::SIZE);
        // SAFETY: `entry` is a verified `jump` op; its operands follow the opcode byte.
        let jump = unsafe { ops::Jump::decode_unchecked(entry.add(ops::Jump::PREFIX_LEN)) };
        Ok(entry.wrapping_offset(jump.offset.0 as isize))
    }

    #[inline(always)]
    pub fn ret(&mut self, at: At) -> Flow {
        if self.lr.is_null() {
            self.done = Done::Returned;
            return Err(Stop);
        }
        // A return burns fuel too: `ret` does not change `lr`, so returning
        // to a `ret` loops without a branch or a call.
        self.burn(at)?;
        Ok(self.lr)
    }

    #[inline(always)]
    pub fn call(&mut self, at: At, offset: PcRel) -> Flow {
        self.burn(at)?;
        self.lr = at.next;
        Ok(at.rel(offset))
    }
    /// `x0.. = regs`, a parallel move: every register is read before any
    /// is written (the argument moves of `call1`..`call3` and their host
    /// forms).
    #[inline(always)]
    pub(crate) fn move_args<const N: usize>(&mut self, regs: [XReg; N]) {
        let values = regs.map(|r| self.x64(r));
        self.x[..N].copy_from_slice(&values);
    }
    #[inline(always)]
    pub fn call1(&mut self, at: At, a0: XReg, offset: PcRel) -> Flow {
        self.move_args([a0]);
        self.call(at, offset)
    }
    #[inline(always)]
    pub fn call2(&mut self, at: At, a0: XReg, a1: XReg, offset: PcRel) -> Flow {
        self.move_args([a0, a1]);
        self.call(at, offset)
    }
    #[inline(always)]
    pub fn call3(&mut self, at: At, a0: XReg, a1: XReg, a2: XReg, offset: PcRel) -> Flow {
        self.move_args([a0, a1, a2]);
        self.call(at, offset)
    }
    #[inline(always)]
    pub fn call_indirect(&mut self, at: At, target: XReg) -> Flow {
        let target = self.x64(target);
        if self.is_foreign(target) {
            return self.foreign_call(at, target, at.next);
        }
        self.check_call_target(at, target)?;
        self.burn(at)?;
        self.lr = at.next;
        Ok(core::ptr::with_exposed_provenance(target as usize))
    }
    #[inline(always)]
    pub fn return_call(&mut self, at: At, offset: PcRel) -> Flow {
        self.burn(at)?;
        Ok(at.rel(offset))
    }
    #[inline(always)]
    pub fn return_call_indirect(&mut self, at: At, target: XReg) -> Flow {
        self.tail_call_to(at, self.x64(target))
    }
    #[inline(always)]
    pub fn return_call_indirect_f(&mut self, at: At, target: FReg) -> Flow {
        self.tail_call_to(at, self.f[target.index()])
    }
    #[inline(always)]
    fn tail_call_to(&mut self, at: At, target: u64) -> Flow {
        if self.is_foreign(target) {
            // The epilogue has run: the native callee's results go to this
            // function's caller, at `lr` (or to the host).
            let resume = if self.lr.is_null() { RETURN_TO_HOST.as_ptr() } else { self.lr };
            return self.foreign_call(at, target, resume);
        }
        self.check_call_target(at, target)?;
        self.burn(at)?;
        Ok(core::ptr::with_exposed_provenance(target as usize))
    }
    /// Whether an indirect call's target lies outside the code the VM was
    /// given.
    #[inline(always)]
    fn is_foreign(&self, target: u64) -> bool {
        (target as usize).wrapping_sub(self.code_lo) >= self.code_len
    }
    /// Stop for the embedder to call `target` (not bytecode) and continue
    /// at `resume`; in checked mode, trap: outside code is out of reach.
    #[cold]
    fn foreign_call(&mut self, at: At, target: u64, resume: *const u8) -> Flow {
        if self.checked {
            return self.trap_with(at, TrapKind::BadCallTarget);
        }
        self.foreign_target = target;
        self.foreign_site = at.pc;
        self.done = Done::HostCall { id: sheave_opcodes::FOREIGN_CALL_ID, at: at.pc, resume };
        Err(Stop)
    }
    /// A builtin runs here, inside the op, and the guest goes on with the
    /// next op: stopping the dispatch chain and entering it again costs
    /// more than most builtins. Any other id stops the VM for the host.
    #[inline(always)]
    pub fn call_indirect_host(&mut self, at: At, id: u16) -> Flow {
        if let Some(builtin) = sheave_opcodes::Builtin::from_id(id) {
            return self.builtin(at, builtin);
        }
        self.done = Done::HostCall { id, at: at.pc, resume: at.next };
        Err(Stop)
    }

    /// `call_host id`: `call_indirect_host id` in the caller's frame, as
    /// the linker rewrites a call of an import's stub (same size, no `lr`
    /// change, no stub to run and return from).
    #[inline(always)]
    pub fn call_host(&mut self, at: At, id: u16) -> Flow {
        self.call_indirect_host(at, id)
    }
    /// `x0 = a0`, then `call_host id`.
    #[inline(always)]
    pub fn call1_host(&mut self, at: At, a0: XReg, id: u16) -> Flow {
        self.move_args([a0]);
        self.call_indirect_host(at, id)
    }
    /// `x0, x1 = a0, a1` (a parallel move), then `call_host id`.
    #[inline(always)]
    pub fn call2_host(&mut self, at: At, a0: XReg, a1: XReg, id: u16) -> Flow {
        self.move_args([a0, a1]);
        self.call_indirect_host(at, id)
    }
    /// `x0, x1, x2 = a0, a1, a2` (a parallel move), then `call_host id`.
    #[inline(always)]
    pub fn call3_host(&mut self, at: At, a0: XReg, a1: XReg, a2: XReg, id: u16) -> Flow {
        self.move_args([a0, a1, a2]);
        self.call_indirect_host(at, id)
    }

    #[inline(never)]
    fn builtin(&mut self, at: At, builtin: sheave_opcodes::Builtin) -> Flow {
        match crate::builtins::call(self, builtin) {
            Ok(()) => Ok(at.next),
            Err(kind) => self.trap_with(at, kind),
        }
    }

    /// Move `sp` down by `bytes`, or trap if that leaves the stack.
    #[inline(always)]
    fn grow_stack(&mut self, at: At, bytes: u64) -> Result<u64, Stop> {
        // Checked mode: `sp` may have been moved above the stack by
        // arbitrary arithmetic on x31.
        self.check_stack(at, self.x[SP], 0)?;
        match self.x[SP].checked_sub(bytes) {
            Some(sp) if sp >= self.stack_lo as u64 => {
                self.x[SP] = sp;
                Ok(sp)
            }
            _ => self.trap_with(at, TrapKind::StackOverflow).map(|_| 0),
        }
    }

    #[inline(always)]
    fn stack_slot(addr: u64) -> *mut u64 {
        core::ptr::with_exposed_provenance_mut(addr as usize)
    }

    #[inline(always)]
    pub fn push_frame(&mut self, at: At) -> Flow {
        let sp = self.grow_stack(at, 16)?;
        // SAFETY: `grow_stack` checked that `sp..sp + 16` lies in the VM's stack.
        unsafe { self.write_frame_record(sp) };
        Ok(at.next)
    }

    /// Save `fp` and `lr` at `at` and point `fp` there.
    ///
    /// # Safety
    /// `at..at + 16` lies in the VM's stack, whose provenance was exposed
    /// when the VM was created.
    #[inline(always)]
    unsafe fn write_frame_record(&mut self, at: u64) {
        // SAFETY: forwarded from the caller.
        unsafe {
            Self::stack_slot(at).write_unaligned(self.x[FP]);
            Self::stack_slot(at + 8).write_unaligned(self.lr.expose_provenance() as u64);
        }
        self.x[FP] = at;
    }

    #[inline(always)]
    pub fn pop_frame(&mut self, at: At) -> Flow {
        let fp = self.x[FP];
        self.check_stack(at, fp, 16)?;
        // SAFETY: `fp` points at the frame record written by `push_frame`,
        // inside the stack (callee-saved `fp` is only changed by frame ops
        // in compiled code; checked mode checked it, as the guest may have
        // changed it).
        unsafe {
            self.x[FP] = Self::stack_slot(fp).read_unaligned();
            self.lr = core::ptr::with_exposed_provenance(Self::stack_slot(fp + 8).read_unaligned() as usize);
        }
        self.check_return_address(at)?;
        self.x[SP] = fp + 16;
        Ok(at.next)
    }

    #[inline(always)]
    pub fn push_frame_save(&mut self, at: At, amt: u16, regs: RegMask) -> Flow {
        // One check for the whole frame, so that a stack overflow traps
        // before anything is pushed (a backtrace never sees half a frame).
        self.check_stack(at, self.x[SP], 0)?;
        let Some(bottom) = self.x[SP].checked_sub(16 + amt as u64).filter(|&sp| sp >= self.stack_lo as u64)
        else {
            return self.trap_with(at, TrapKind::StackOverflow);
        };
        let fp = bottom + amt as u64;
        // SAFETY: `fp..fp + 16` lies between `bottom`, checked above, and
        // the old `sp`, both inside the VM's stack.
        unsafe { self.write_frame_record(fp) };
        self.x[SP] = bottom;
        let mut slot = fp;
        for r in regs.xregs() {
            slot -= 8;
            // SAFETY: the verifier checks `amt >= 8 * regs.count()`, so every
            // slot lies in the `amt` bytes just reserved below `fp`.
            unsafe { Self::stack_slot(slot).write_unaligned(self.x64(r)) };
        }
        for r in regs.fregs() {
            slot -= 8;
            // SAFETY: as above.
            unsafe { Self::stack_slot(slot).write_unaligned(self.f[r.index()]) };
        }
        Ok(at.next)
    }

    #[inline(always)]
    pub fn pop_frame_restore(&mut self, at: At, amt: u16, regs: RegMask) -> Flow {
        let mut slot = self.x[FP];
        // The saved registers lie in the `amt` bytes below the record.
        self.check_stack(at, slot.wrapping_sub(amt as u64), amt as u64 + 16)?;
        for r in regs.xregs() {
            slot -= 8;
            // SAFETY: the slots written by the matching `push_frame_save`.
            self.x[r.index()] = unsafe { Self::stack_slot(slot).read_unaligned() };
        }
        for r in regs.fregs() {
            slot -= 8;
            // SAFETY: as above.
            self.f[r.index()] = unsafe { Self::stack_slot(slot).read_unaligned() };
        }
        self.pop_frame(at)
    }

    #[inline(always)]
    pub fn push_frame_save_x(&mut self, at: At, amt: u16, regs: XRegMask) -> Flow {
        self.push_frame_save(at, amt, regs.to_mask())
    }

    #[inline(always)]
    pub fn pop_frame_restore_x(&mut self, at: At, amt: u16, regs: XRegMask) -> Flow {
        self.pop_frame_restore(at, amt, regs.to_mask())
    }

    #[inline(always)]
    pub fn stack_alloc32(&mut self, at: At, amt: u32) -> Flow {
        self.grow_stack(at, amt as u64)?;
        Ok(at.next)
    }
    pub fn stack_shuffle(&mut self, at: At, from: i32, to: i32, bytes: u32) -> Flow {
        let (lo, hi) = (self.stack_lo as u64, self.stack_hi as u64);
        let sp = self.x[SP];
        let inside = |off: i32, len: u64| {
            sp.checked_add_signed(off as i64)
                .filter(|&a| a >= lo && a.checked_add(len).is_some_and(|end| end <= hi))
        };
        let (Some(src), Some(dst), Some(new_sp)) =
            (inside(from, bytes as u64), inside(to, bytes as u64), inside(to, 0))
        else {
            return self.trap_with(at, TrapKind::StackOverflow);
        };
        // SAFETY: both ranges lie inside the VM's stack (checked above),
        // whose provenance was exposed when the VM was created; `copy`
        // allows them to overlap.
        unsafe {
            core::ptr::copy(
                core::ptr::with_exposed_provenance::<u8>(src as usize),
                core::ptr::with_exposed_provenance_mut::<u8>(dst as usize),
                bytes as usize,
            )
        };
        self.x[SP] = new_sp;
        Ok(at.next)
    }

    #[inline(always)]
    pub fn stack_free32(&mut self, at: At, amt: u32) -> Flow {
        self.x[SP] = self.x[SP].wrapping_add(amt as u64);
        Ok(at.next)
    }

    pub fn trap(&mut self, at: At, code: u8) -> Flow {
        self.trap_with(at, TrapKind::Explicit(code))
    }

    #[inline(always)]
    pub fn trap_if_zero32(&mut self, at: At, cond: XReg, code: u8) -> Flow {
        if self.x32(cond) == 0 { self.trap_with(at, TrapKind::Explicit(code)) } else { Ok(at.next) }
    }
    #[inline(always)]
    pub fn trap_if_zero64(&mut self, at: At, cond: XReg, code: u8) -> Flow {
        if self.x64(cond) == 0 { self.trap_with(at, TrapKind::Explicit(code)) } else { Ok(at.next) }
    }
    #[inline(always)]
    pub fn trap_if_nonzero32(&mut self, at: At, cond: XReg, code: u8) -> Flow {
        if self.x32(cond) != 0 { self.trap_with(at, TrapKind::Explicit(code)) } else { Ok(at.next) }
    }
    #[inline(always)]
    pub fn trap_if_nonzero64(&mut self, at: At, cond: XReg, code: u8) -> Flow {
        if self.x64(cond) != 0 { self.trap_with(at, TrapKind::Explicit(code)) } else { Ok(at.next) }
    }
    pub fn bounds_check(&mut self, at: At, addr: XReg, bound: XReg, size: u32) -> Flow {
        match self.x64(addr).checked_add(size as u64) {
            Some(end) if end <= self.x64(bound) => Ok(at.next),
            _ => self.trap_with(at, TrapKind::MemoryOutOfBounds),
        }
    }
    pub fn nop(&mut self, at: At) -> Flow {
        Ok(at.next)
    }
    pub fn get_lr(&mut self, at: At, dst: XReg) -> Flow {
        self.set_x64(dst, self.lr.expose_provenance() as u64);
        Ok(at.next)
    }
}
