//! The embedder-facing machine: owns the registers and the stack, enters
//! guest code, and keeps the entry snapshots.

use crate::DEFAULT_STACK_SIZE;
use crate::HostCallServer;
use crate::dispatch::{self, Dispatch};
use crate::profile::OpProfile;
use crate::snapshot::SnapshotStack;
use crate::stack::{GuestStack, StackMemory};
use crate::state::{Done, State};
use crate::trap::TrapKind;
use crate::val::{Val, ValType};
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::ptr::NonNull;
use sheave_opcodes::abi::{ARG_REGS, FP, SP};
use sheave_opcodes::{FReg, VReg, XReg};

/// Why a run stopped.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum DoneReason {
    /// The entered function returned; read its results with
    /// [`Vm::results`].
    Returned,
    /// The guest trapped at `pc`. The entry's snapshot has been restored.
    Trap {
        /// Address of the op that trapped.
        pc: NonNull<u8>,
        /// What went wrong.
        kind: TrapKind,
    },
    /// The guest asked the host to run function `id` (`call_indirect_host`
    /// with an id that is not a builtin: builtins run inside the VM).
    /// Arguments are in the argument registers. Put the results in the
    /// result registers and call [`Vm::resume`] with `resume`, or give up
    /// with [`Vm::abandon`].
    HostCall {
        /// Which host function: `HOST_FUNC_BASE` + its import index, or
        /// any other id that is not a builtin's.
        id: u16,
        /// The op that made the call (`call_indirect_host`, a
        /// `call_host` family op, or the foreign call's): where a
        /// backtrace places it.
        at: NonNull<u8>,
        /// Where to continue.
        resume: NonNull<u8>,
    },
}

/// An entry could not start, or results could not be read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum CallError {
    /// More values of one register class than there are argument registers.
    TooManyValues {
        /// The class ("integer", "float" or "vector").
        class: &'static str,
        /// How many were given.
        count: usize,
    },
    /// [`Vm::resume`] or [`Vm::abandon`] without a suspended entry.
    NotSuspended,
    /// The stack arguments do not fit in the VM's stack.
    StackArgsTooLarge,
    /// `sp` was moved outside the VM's stack (with [`Vm::set_x`]).
    StackPointerOutsideStack,
    /// [`Vm::results_into`] was given a slice of another length than the types.
    ResultSlots {
        /// Types asked for.
        types: usize,
        /// Slots given.
        slots: usize,
    },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::TooManyValues { class, count } => write!(
                f,
                "{count} {class} values, but only {ARG_REGS} {class} registers pass arguments and results"
            ),
            CallError::NotSuspended => f.write_str("no guest entry is suspended in a host call"),
            CallError::StackArgsTooLarge => f.write_str("the stack arguments do not fit in the VM's stack"),
            CallError::StackPointerOutsideStack => f.write_str("sp lies outside the VM's stack"),
            CallError::ResultSlots { types, slots } => {
                write!(f, "{slots} result slots for {types} result types")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CallError {}

/// A Sheave virtual machine.
///
/// ```
/// use sheave_interp::{Vm, Val, ValType, DoneReason};
/// use sheave_opcodes::{encode, XReg, verify};
///
/// // fn(a, b) = a + b
/// let x = |i| XReg::new(i).unwrap();
/// let mut code = Vec::new();
/// encode::xadd64(&mut code, x(0), x(0), x(1));
/// encode::ret(&mut code);
/// verify(&code, &[0..code.len()]).unwrap();
///
/// let mut vm = Vm::new();
/// let entry = std::ptr::NonNull::new(code.as_mut_ptr()).unwrap();
/// // SAFETY: `code` is verified and touches no memory.
/// let done = unsafe { vm.call(entry, &[Val::I64(2), Val::I64(40)]) }.unwrap();
/// assert_eq!(done, DoneReason::Returned);
/// assert_eq!(vm.results(&[ValType::I64]).unwrap(), [Val::I64(42)]);
/// ```
pub struct Vm {
    state: State,
    /// The guest stack.
    stack: GuestStack,
    /// One per active entry, innermost last.
    snapshots: SnapshotStack,
    dispatch: Dispatch,
    /// What [`Dispatch::Profile`] counted.
    profile: Option<Box<OpProfile>>,
    /// Callee-saved x-registers the guest uses as globals (see
    /// [`Vm::set_global_register`]).
    global_regs: sheave_opcodes::RegMask,
    /// The last entry's argument/result area: address and 8-byte slots.
    entry_area: (u64, usize),
    /// Where the last trap happened, captured before its snapshot was restored.
    last_trap: Option<TrapSite>,
    /// Checked mode's checks, kept alive while the state points into them.
    checks: Option<alloc::sync::Arc<crate::Checks>>,
    /// Whether an entry from the host may take a snapshot without the
    /// callee-saved registers: [`Vm::set_trap_restores_callee_saved`] said
    /// no, and there are no global registers.
    light_snapshots: bool,
    /// What [`Vm::set_trap_restores_callee_saved`] said.
    restore_callee_saved: bool,
}

/// Where a trap happened: the raw material of a guest backtrace.
///
/// `callers` are the return addresses found by walking the chain of frame
/// records (`push_frame`: saved `fp`, saved `lr`) from `fp` until a record
/// that returns to the host. Whether `lr` or `callers[0]` is the innermost
/// function's return address depends on whether that function had pushed a
/// frame when it stopped, which only the code's owner knows (a leaf
/// function may run without one).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct TrapSite {
    /// Address of the op that stopped.
    pub pc: usize,
    /// The link register then (0: returns to the host).
    pub lr: usize,
    /// Return addresses from the frame records, innermost first.
    pub callers: Vec<usize>,
}

/// Frame records a backtrace walks at most.
const MAX_BACKTRACE: usize = 4096;

impl Default for Vm {
    fn default() -> Self {
        Vm::new()
    }
}

impl Vm {
    /// A VM with a 1 MiB stack.
    pub fn new() -> Vm {
        Vm::with_stack_size(DEFAULT_STACK_SIZE)
    }

    /// A VM with a stack of `bytes` (rounded up to 16). Like `Vec`, it
    /// panics if that much memory cannot be asked for at all.
    pub fn with_stack_size(bytes: usize) -> Vm {
        Vm::with_stack_memory(Box::new(vec![0u128; bytes.div_ceil(16)]))
    }

    /// A VM whose guest stack is `memory`, a region the embedder chose:
    /// for instance one mapped below 4 GiB, so that bytecode compiled for
    /// 32-bit pointers can run on a 64-bit host (its stack addresses must
    /// fit in 32 bits).
    pub fn with_stack_memory(memory: Box<dyn StackMemory>) -> Vm {
        let stack = GuestStack::new(memory);
        let lo = stack.lo();
        let mut state = State::new();
        state.stack_lo = lo;
        state.stack_hi = lo + stack.len();
        state.x[SP] = state.stack_hi as u64;
        Vm {
            state,
            stack,
            snapshots: SnapshotStack::default(),
            dispatch: Dispatch::default(),
            profile: None,
            global_regs: sheave_opcodes::RegMask::default(),
            entry_area: (0, 0),
            last_trap: None,
            checks: None,
            light_snapshots: false,
            restore_callee_saved: true,
        }
    }

    /// Run in checked mode against `checks` (see [`crate::Checks`]), or
    /// trusted with `None`. In checked mode a guest cannot touch memory
    /// outside the VM's stack and the regions `checks` grants, nor jump
    /// anywhere but function starts and return sites of its code: the
    /// accesses and jumps it tries trap first.
    pub fn set_checks(&mut self, checks: Option<alloc::sync::Arc<crate::Checks>>) {
        self.state.checked = checks.is_some();
        self.state.checks =
            checks.as_ref().map_or(crate::checked::Installed::NONE, crate::checked::Installed::of);
        self.checks = checks;
    }

    /// The checks the VM runs with, if it is in checked mode.
    pub fn checks(&self) -> Option<&alloc::sync::Arc<crate::Checks>> {
        self.checks.as_ref()
    }

    /// Meter the guest: every taken branch, call and return burns one unit of
    /// `fuel`, and a guest that runs out traps ([`TrapKind::OutOfFuel`]);
    /// `None` turns metering off. What is left stays across entries.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.state.metered = fuel.is_some();
        self.state.fuel = fuel.unwrap_or(0);
    }

    /// The fuel left, if metering is on.
    pub fn fuel(&self) -> Option<u64> {
        self.state.metered.then_some(self.state.fuel)
    }

    /// Choose the dispatcher. In builds without optimizations
    /// (`debug_assertions`), [`Dispatch::TailCall`] runs as [`Dispatch::Loop`].
    pub fn set_dispatch(&mut self, dispatch: Dispatch) {
        self.dispatch = dispatch;
        if dispatch == Dispatch::Profile && self.profile.is_none() {
            self.profile = Some(Box::default());
        }
    }

    /// The ops counted since [`Dispatch::Profile`] was chosen (or the
    /// profile was last cleared); `None` if it never was.
    pub fn op_profile(&self) -> Option<&OpProfile> {
        self.profile.as_deref()
    }

    /// The profile, to clear it between measurements.
    pub fn op_profile_mut(&mut self) -> Option<&mut OpProfile> {
        self.profile.as_deref_mut()
    }

    /// Treat callee-saved register `r` (x16..x29) as a global the guest may
    /// change across an entry, like Cranelift's pinned register: a normal
    /// return keeps the guest's value (a trap still restores the entry's).
    /// Returns false if `r` is not callee-saved.
    pub fn set_global_register(&mut self, r: XReg) -> bool {
        match self.global_regs.with_x(r) {
            Some(mask) => {
                self.global_regs = mask;
                self.light_snapshots = false;
                true
            }
            None => false,
        }
    }

    /// Whether a trap in an entry made from the host (not one nested in a
    /// host call) puts the callee-saved registers (`x16`..`x29`,
    /// `f16`..`f31`) back as they were at the entry: yes by default. An
    /// embedder that never reads them between entries (sheave-embed does
    /// not) can say no and save copying those 30 registers on every entry;
    /// a trap may then leave them as the guest did. `fp`, `sp` and `lr` are
    /// always restored, and so are the callee-saved registers of entries
    /// nested in host calls (the suspended guest needs them) and of VMs
    /// with global registers. Debug builds always take the whole snapshot,
    /// to check that returning guests preserved those registers.
    pub fn set_trap_restores_callee_saved(&mut self, restore: bool) {
        self.restore_callee_saved = restore;
        self.light_snapshots = !restore && self.global_regs == sheave_opcodes::RegMask::default();
    }

    /// Whether the entry being made needs the callee-saved registers in its
    /// snapshot.
    #[inline(always)]
    fn full_snapshot(&self) -> bool {
        cfg!(debug_assertions) || !self.light_snapshots || self.snapshots.depth() > 0
    }

    /// The dispatcher in use.
    pub fn dispatch(&self) -> Dispatch {
        self.dispatch
    }

    /// Size of the stack in bytes.
    pub fn stack_size(&self) -> usize {
        self.stack.len()
    }

    /// Address of the stack's lowest byte (the stack grows down from
    /// `stack_base() + stack_size()`).
    pub fn stack_base(&self) -> usize {
        self.stack.lo()
    }

    /// Entries currently suspended in host calls.
    pub fn suspended_entries(&self) -> usize {
        self.snapshots.depth()
    }

    /// Enter the function at `func` with `args` placed by the calling
    /// convention, and run until it returns, traps or asks for a host call.
    ///
    /// # Safety
    /// `func` must be the start of a function in bytecode that passed
    /// [`sheave_opcodes::verify`] and stays alive and unmodified while it
    /// runs, and whose address provenance is exposed (it is when it comes
    /// from a `Vec` or slice through `as_ptr`/`NonNull::from`). Every
    /// memory address the guest computes must be valid for its accesses,
    /// as for compiled code; the guest stack is the VM's own.
    pub unsafe fn call(&mut self, func: NonNull<u8>, args: &[Val]) -> Result<DoneReason, CallError> {
        // SAFETY: forwarded from the caller.
        unsafe { self.call_with_stack_results(func, args, 0) }
    }

    /// How many of a function's values of `types` travel in memory: those
    /// beyond the registers of their class (the `stack_results` of
    /// [`Vm::call_with_stack_results`] for its results).
    pub fn stack_values(types: &[ValType]) -> usize {
        let floats = types.iter().filter(|t| matches!(t, ValType::F32 | ValType::F64)).count();
        let ints = types.iter().filter(|t| matches!(t, ValType::I32 | ValType::I64)).count();
        floats.saturating_sub(ARG_REGS) + ints.saturating_sub(ARG_REGS)
    }

    /// [`Vm::call`] for a function returning more values of one class than
    /// there are result registers: `stack_results` is how many of its
    /// results travel in memory. They are written to the entry's argument
    /// area and [`Vm::results`] reads them from there (until the next call).
    ///
    /// # Safety
    /// As [`Vm::call`].
    pub unsafe fn call_with_stack_results(
        &mut self,
        func: NonNull<u8>,
        args: &[Val],
        stack_results: usize,
    ) -> Result<DoneReason, CallError> {
        self.enter(func, args, stack_results)?;
        // SAFETY: forwarded from the caller; no server, so nothing else
        // reaches the VM while `self` is borrowed.
        Ok(unsafe { Vm::run(self, func.as_ptr(), None) })
    }

    /// [`Vm::call_with_stack_results`], serving host calls with `server`
    /// while it runs (see [`HostCallServer`]).
    ///
    /// # Safety
    /// As [`Vm::call`]; `this` is valid and no reference to the VM is live
    /// until this returns, but those the server makes from `this`.
    pub unsafe fn call_with_stack_results_serving(
        this: *mut Vm,
        func: NonNull<u8>,
        args: &[Val],
        stack_results: usize,
        server: HostCallServer,
    ) -> Result<DoneReason, CallError> {
        // SAFETY: `this` is valid; the reference ends with the statement.
        unsafe { (*this).enter(func, args, stack_results)? };
        // SAFETY: forwarded from the caller.
        Ok(unsafe { Vm::run(this, func.as_ptr(), Some(server)) })
    }

    /// Start an entry of `func` with `args`: registers, stack arguments,
    /// the entry's snapshot.
    fn enter(&mut self, func: NonNull<u8>, args: &[Val], stack_results: usize) -> Result<(), CallError> {
        // The common case: everything in registers, nothing to allocate.
        if stack_results == 0 && check_classes(args.iter().map(Val::ty)).is_ok() {
            self.set_values(args)?;
            return self.enter_prepared(func);
        }
        self.check_sp()?;
        // Arguments beyond the registers of their class go to an area at
        // the entry's sp, 8 bytes each in order (the callee reads them
        // above its frame record); the entry's snapshot remembers the sp
        // from before the area, so it is released when the entry ends.
        let caller_sp = self.state.x[SP];
        let (mut xi, mut fi, mut vi) = (0, 0, 0);
        let mut in_regs = Vec::new();
        let mut on_stack = Vec::new();
        for &v in args {
            let (count, bits) = match v {
                Val::I32(i) => (&mut xi, i as u32 as u64),
                Val::I64(i) => (&mut xi, i as u64),
                Val::F32(b) => (&mut fi, b as u64),
                Val::F64(b) => (&mut fi, b),
                Val::V128(_) => (&mut vi, 0),
            };
            *count += 1;
            if *count <= ARG_REGS {
                in_regs.push(v);
            } else if matches!(v, Val::V128(_)) {
                return Err(CallError::TooManyValues { class: "vector", count: vi });
            } else {
                on_stack.push(bits);
            }
        }
        self.set_values(&in_regs)?;
        let mut entry_area = (caller_sp, 0);
        let slots = on_stack.len().max(stack_results);
        if slots > 0 {
            let area = (slots * 8).next_multiple_of(16) as u64;
            let sp = caller_sp.checked_sub(area).filter(|&sp| sp >= self.state.stack_lo as u64);
            let sp = sp.ok_or(CallError::StackArgsTooLarge)?;
            for (i, bits) in on_stack.iter().enumerate() {
                let slot = (sp as usize + 8 * i) - self.state.stack_lo;
                // The area lies inside the VM's stack (checked above).
                let words = self.stack_bytes_mut();
                words[slot..slot + 8].copy_from_slice(&bits.to_le_bytes());
            }
            self.state.x[SP] = sp;
            entry_area = (sp, slots);
        }
        self.entry_area = (0, 0);
        self.snapshots.push(&self.state, caller_sp, entry_area, self.full_snapshot());
        self.state.lr = core::ptr::null();
        let _ = func.as_ptr().expose_provenance();
        Ok(())
    }

    /// Enter the function at `func` with its arguments already in the
    /// argument registers (put there with [`Vm::set_x`], [`Vm::set_f_bits`]
    /// or [`Vm::set_values`]): the cheapest entry, used by typed calls.
    ///
    /// # Safety
    /// As [`Vm::call`].
    pub unsafe fn call_prepared(&mut self, func: NonNull<u8>) -> Result<DoneReason, CallError> {
        self.enter_prepared(func)?;
        // SAFETY: forwarded from the caller; no server, so nothing else
        // reaches the VM while `self` is borrowed.
        Ok(unsafe { Vm::run(self, func.as_ptr(), None) })
    }

    /// [`Vm::call_prepared`], serving host calls with `server` while it
    /// runs (see [`HostCallServer`]): the cheapest entry for an embedder
    /// with host functions.
    ///
    /// # Safety
    /// As [`Vm::call`]; `this` is valid and no reference to the VM is live
    /// until this returns, but those the server makes from `this`.
    #[inline]
    pub unsafe fn call_prepared_serving(
        this: *mut Vm,
        func: NonNull<u8>,
        server: HostCallServer,
    ) -> Result<DoneReason, CallError> {
        // SAFETY: `this` is valid; the reference ends with the statement.
        unsafe { (*this).enter_prepared(func)? };
        // SAFETY: forwarded from the caller.
        Ok(unsafe { Vm::run(this, func.as_ptr(), Some(server)) })
    }

    /// Start an entry whose arguments are in the registers: the snapshot.
    #[inline(always)]
    fn enter_prepared(&mut self, func: NonNull<u8>) -> Result<(), CallError> {
        self.check_sp()?;
        let sp = self.state.x[SP];
        self.entry_area = (0, 0);
        self.snapshots.push(&self.state, sp, (sp, 0), self.full_snapshot());
        self.state.lr = core::ptr::null();
        let _ = func.as_ptr().expose_provenance();
        Ok(())
    }

    /// The guest may only push below `sp` inside the VM's stack: refuse an
    /// entry whose `sp` was moved outside it (with [`Vm::set_x`]).
    #[inline]
    fn check_sp(&self) -> Result<(), CallError> {
        let sp = self.state.x[SP];
        if sp < self.state.stack_lo as u64 || sp > self.state.stack_hi as u64 {
            return Err(CallError::StackPointerOutsideStack);
        }
        Ok(())
    }

    /// Continue a run that stopped with [`DoneReason::HostCall`].
    ///
    /// # Safety
    /// `resume` must be the `resume` address of that `HostCall`, with the
    /// guarantees of [`Vm::call`] still holding.
    #[inline]
    pub unsafe fn resume(&mut self, resume: NonNull<u8>) -> Result<DoneReason, CallError> {
        if self.snapshots.depth() == 0 {
            return Err(CallError::NotSuspended);
        }
        // SAFETY: forwarded from the caller; no server.
        Ok(unsafe { Vm::run(self, resume.as_ptr(), None) })
    }

    /// [`Vm::resume`], serving host calls with `server` while it runs.
    ///
    /// # Safety
    /// As [`Vm::resume`] and [`Vm::call_prepared_serving`].
    #[inline]
    pub unsafe fn resume_serving(
        this: *mut Vm,
        resume: NonNull<u8>,
        server: HostCallServer,
    ) -> Result<DoneReason, CallError> {
        // SAFETY: `this` is valid; a plain read.
        if unsafe { (*this).snapshots.depth() } == 0 {
            return Err(CallError::NotSuspended);
        }
        // SAFETY: forwarded from the caller.
        Ok(unsafe { Vm::run(this, resume.as_ptr(), Some(server)) })
    }

    /// Give up on the innermost entry suspended in a host call (e.g. the host
    /// function failed): restore its snapshot as if it had trapped.
    pub fn abandon(&mut self) -> Result<(), CallError> {
        let snapshot = self.snapshots.pop().ok_or(CallError::NotSuspended)?;
        snapshot.restore(&mut self.state);
        Ok(())
    }

    /// # Safety
    /// As [`Vm::call`]; a snapshot for this entry is on the stack.
    // Inlined into its callers so the `DoneReason` stays in registers: as
    // an out-of-line call it was returned through memory with narrow
    // stores and copied with one wide load, a store-forwarding stall that
    // cost about a third of every guest->host->guest call.
    #[inline(always)]
    unsafe fn run(this: *mut Vm, pc: *const u8, server: Option<HostCallServer>) -> DoneReason {
        // Builtins run inside their `call_indirect_host` op, and host calls
        // too when a server is installed: the run loop only stops for the
        // host, a return or a trap. No reference to the VM is live while
        // the guest runs: the server reaches it through its own pointer.
        // SAFETY: `this` is valid (the caller's promise); the references
        // made here end with their statements, and the profile, the only
        // one the loop keeps, is taken only for the profiling loop, which
        // serves no host calls.
        unsafe {
            let outer = core::mem::replace(&mut (*this).state.host, server);
            let dispatch = (*this).dispatch;
            let profile = match dispatch {
                Dispatch::Profile => (*this).profile.as_deref_mut(),
                _ => None,
            };
            dispatch::run(&raw mut (*this).state, pc, dispatch, profile);
            (*this).state.host = outer;
        }
        // SAFETY: the run is over; this is the only reference.
        let this = unsafe { &mut *this };
        this.finish_run()
    }

    /// What a run's stop means for its entry: a return or a trap ends it
    /// (its snapshot restores what the caller needs), a host call suspends it.
    #[inline(always)]
    fn finish_run(&mut self) -> DoneReason {
        match self.state.done {
            Done::Returned => {
                let snapshot = self.snapshots.pop().expect("an entry is active while the guest runs");
                // A returning guest has preserved the callee-saved registers
                // (the calling convention; debug builds check it), and global
                // registers keep what it left in them: only the frame
                // registers need restoring. Traps restore everything.
                // (Checked mode runs code nobody vouched for: a guest that
                // breaks the convention only hurts itself, so is not a bug
                // of ours.)
                #[cfg(debug_assertions)]
                if !self.state.checked {
                    let mut expected = snapshot.clone();
                    for r in self.global_regs.xregs() {
                        expected.set_x(r, self.state.x[r.index()]);
                    }
                    if let Err(what) = expected.check_preserved(&self.state) {
                        panic!("guest returned without restoring callee-saved state: {what}");
                    }
                }
                snapshot.restore_frame(&mut self.state);
                // Its stack results are where this entry put them.
                self.entry_area = snapshot.area();
                DoneReason::Returned
            }
            Done::Trap { pc, kind } => {
                self.last_trap = Some(self.trap_site(pc));
                let snapshot = self.snapshots.pop().expect("an entry is active while the guest runs");
                snapshot.restore(&mut self.state);
                DoneReason::Trap { pc: non_null(pc), kind }
            }
            Done::HostCall { id, at, resume } => {
                DoneReason::HostCall { id, at: non_null(at), resume: non_null(resume) }
            }
        }
    }

    /// Let indirect calls enter only `code` (a module's bytecode): a
    /// `call_indirect` or `return_call_indirect` to any other address stops
    /// the VM with a [`DoneReason::HostCall`] of id
    /// [`sheave_opcodes::FOREIGN_CALL_ID`], for the embedder to call that
    /// address ([`Vm::foreign_call`]) and resume, or to refuse. Until this
    /// is called every address counts as code.
    pub fn set_code_range(&mut self, code: &[u8]) {
        self.state.code_lo = code.as_ptr().expose_provenance();
        self.state.code_len = code.len();
    }

    /// The last foreign call's target address and the indirect call op
    /// that made it (see [`Vm::set_code_range`]).
    pub fn foreign_call(&self) -> (u64, *const u8) {
        (self.state.foreign_target, self.state.foreign_site)
    }

    /// Where the last trap happened (see [`TrapSite`]); kept until the next trap.
    pub fn last_trap_site(&self) -> Option<&TrapSite> {
        self.last_trap.as_ref()
    }

    /// The [`TrapSite`] of the op at `pc`, from the current registers and
    /// stack. Every read is bounds-checked against the VM's stack, so a
    /// corrupted chain ends the walk, never a wild read.
    pub fn trap_site(&self, pc: *const u8) -> TrapSite {
        let lo = self.state.stack_lo;
        let stack = self.stack_bytes();
        let read = |at: usize| -> Option<u64> {
            let off = at.checked_sub(lo)?;
            let bytes = stack.get(off..off.checked_add(8)?)?;
            Some(u64::from_ne_bytes(bytes.try_into().ok()?))
        };
        let mut callers = Vec::new();
        let mut fp = self.state.x[FP] as usize;
        while callers.len() < MAX_BACKTRACE {
            let (Some(saved_fp), Some(saved_lr)) = (read(fp), fp.checked_add(8).and_then(read)) else {
                break;
            };
            if saved_lr == 0 {
                break;
            }
            callers.push(saved_lr as usize);
            // Records of outer frames lie higher on the stack.
            if saved_fp as usize <= fp {
                break;
            }
            fp = saved_fp as usize;
        }
        TrapSite { pc: pc.addr(), lr: self.state.lr.addr(), callers }
    }

    /// The stack memory as bytes.
    fn stack_bytes(&self) -> &[u8] {
        self.stack.bytes()
    }

    /// The stack memory as bytes, mutably.
    fn stack_bytes_mut(&mut self) -> &mut [u8] {
        self.stack.bytes_mut()
    }

    /// Place `vals` in the argument/result registers, each class from 0.
    pub fn set_values(&mut self, vals: &[Val]) -> Result<(), CallError> {
        check_classes(vals.iter().map(Val::ty))?;
        let (mut xi, mut fi, mut vi) = (0, 0, 0);
        for v in vals {
            match *v {
                Val::I32(i) => (self.state.x[xi], xi) = (i as u32 as u64, xi + 1),
                Val::I64(i) => (self.state.x[xi], xi) = (i as u64, xi + 1),
                Val::F32(b) => (self.state.f[fi], fi) = (b as u64, fi + 1),
                Val::F64(b) => (self.state.f[fi], fi) = (b, fi + 1),
                Val::V128(b) => (self.state.v[vi], vi) = (b, vi + 1),
            }
        }
        Ok(())
    }

    /// Read values of `types` from the argument/result registers, each class
    /// from 0: the results after [`DoneReason::Returned`], or the arguments
    /// of a [`DoneReason::HostCall`].
    /// Values beyond the registers of their class come from the last
    /// entry's area (see [`Vm::call_with_stack_results`]).
    pub fn results(&self, types: &[ValType]) -> Result<Vec<Val>, CallError> {
        let mut out = vec![Val::I32(0); types.len()];
        self.results_into(types, &mut out)?;
        Ok(out)
    }

    /// [`Vm::results`] into `out` (as long as `types`), without allocating.
    pub fn results_into(&self, types: &[ValType], out: &mut [Val]) -> Result<(), CallError> {
        if types.len() != out.len() {
            return Err(CallError::ResultSlots { types: types.len(), slots: out.len() });
        }
        let (mut xi, mut fi, mut vi, mut si) = (0, 0, 0, 0);
        for (&ty, slot) in types.iter().zip(out.iter_mut()) {
            let (count, class) = match ty {
                ValType::I32 | ValType::I64 => (&mut xi, "integer"),
                ValType::F32 | ValType::F64 => (&mut fi, "float"),
                ValType::V128 => (&mut vi, "vector"),
            };
            let i = *count;
            *count += 1;
            let bits = if i < ARG_REGS {
                match ty {
                    ValType::I32 | ValType::I64 => self.state.x[i] as u128,
                    ValType::F32 | ValType::F64 => self.state.f[i] as u128,
                    ValType::V128 => self.state.v[i],
                }
            } else if ty != ValType::V128 && si < self.entry_area.1 {
                let at = (self.entry_area.0 as usize + 8 * si) - self.state.stack_lo;
                si += 1;
                let too_many = CallError::TooManyValues { class, count: i + 1 };
                let bytes: [u8; 8] =
                    self.stack_bytes().get(at..at + 8).and_then(|b| b.try_into().ok()).ok_or(too_many)?;
                u64::from_le_bytes(bytes) as u128
            } else {
                return Err(CallError::TooManyValues { class, count: *count });
            };
            *slot = match ty {
                ValType::I32 => Val::I32(bits as i32),
                ValType::I64 => Val::I64(bits as i64),
                ValType::F32 => Val::F32(bits as u32),
                ValType::F64 => Val::F64(bits as u64),
                ValType::V128 => Val::V128(bits),
            };
        }
        Ok(())
    }

    /// Argument/result register `i` of the integer class (`x[i]`), for
    /// moving values in and out without a [`Val`]. Panics if `i >= 32`.
    #[inline]
    pub fn xi(&self, i: usize) -> u64 {
        self.state.x[i]
    }
    /// Set `x[i]`, as [`Vm::xi`] reads it. Panics if `i >= 32`.
    #[inline]
    pub fn set_xi(&mut self, i: usize, v: u64) {
        self.state.x[i] = v;
    }
    /// Argument/result register `i` of the float class (`f[i]`, its bits).
    /// Panics if `i >= 32`.
    #[inline]
    pub fn fi(&self, i: usize) -> u64 {
        self.state.f[i]
    }
    /// Set `f[i]`'s bits, as [`Vm::fi`] reads them. Panics if `i >= 32`.
    #[inline]
    pub fn set_fi(&mut self, i: usize, v: u64) {
        self.state.f[i] = v;
    }

    /// An x-register.
    pub fn x(&self, r: XReg) -> u64 {
        self.state.x[r.index()]
    }
    /// Set an x-register.
    pub fn set_x(&mut self, r: XReg, v: u64) {
        self.state.x[r.index()] = v;
    }
    /// The bits of an f-register (an f32 is in the low 32 bits).
    pub fn f_bits(&self, r: FReg) -> u64 {
        self.state.f[r.index()]
    }
    /// Set the bits of an f-register.
    pub fn set_f_bits(&mut self, r: FReg, v: u64) {
        self.state.f[r.index()] = v;
    }
    /// A v-register.
    pub fn v(&self, r: VReg) -> u128 {
        self.state.v[r.index()]
    }
    /// Set a v-register.
    pub fn set_v(&mut self, r: VReg, v: u128) {
        self.state.v[r.index()] = v;
    }
}

fn check_classes(types: impl Iterator<Item = ValType>) -> Result<(), CallError> {
    let (mut x, mut f, mut v) = (0, 0, 0);
    for ty in types {
        match ty {
            ValType::I32 | ValType::I64 => x += 1,
            ValType::F32 | ValType::F64 => f += 1,
            ValType::V128 => v += 1,
        }
    }
    for (class, count) in [("integer", x), ("float", f), ("vector", v)] {
        if count > ARG_REGS {
            return Err(CallError::TooManyValues { class, count });
        }
    }
    Ok(())
}

fn non_null(p: *const u8) -> NonNull<u8> {
    // Ops only stop at addresses of real ops, which are never null.
    NonNull::new(p.cast_mut()).unwrap_or(NonNull::dangling())
}
