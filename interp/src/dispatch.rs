//! From decoded ops to [`State`] methods, and the two run loops.
//!
//! Every op gets a *step* function (generated from the op tables): decode
//! the operands at `pc` without checks, call the op's method, return the
//! next pc or stop. Two loops drive the steps:
//!
//! * **tail calls** (release builds): each op has a *handler* that runs its
//!   step and then calls the next op's handler through a 256-entry table as
//!   its last action. LLVM turns that call into an indirect jump, so every
//!   op ends in its own dispatch jump (better branch prediction than one
//!   shared jump) and no loop state is kept. Stable Rust does not guarantee
//!   the tail call; `tests/tail_calls.rs` fails when LLVM stops making it.
//! * **loop** (debug builds, and on request): a plain loop calling steps
//!   through a table. Unoptimized builds never turn calls into jumps, so
//!   the tail-call chain would overflow the host stack there.

use crate::profile::{OpKind, OpProfile};
use crate::state::{Done, Flow, State, Stop};
use crate::trap::TrapKind;
use sheave_opcodes::{ESCAPE, ExtOpcode, OpInfo, Opcode, for_each_extended_op, for_each_op, ops};

/// How the interpreter moves from one op to the next.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Dispatch {
    /// Handlers chained by tail calls through a table (fastest; used by
    /// default when compiled with optimizations).
    TailCall,
    /// A loop over a table of op functions (used in debug builds, where the
    /// tail calls are not optimized into jumps).
    Loop,
    /// The loop, counting every op and fusable pair of ops into the VM's
    /// [`OpProfile`](crate::OpProfile) (slow; for choosing super-instructions).
    Profile,
}

impl Default for Dispatch {
    fn default() -> Self {
        if cfg!(debug_assertions) { Dispatch::Loop } else { Dispatch::TailCall }
    }
}

type StepFn = unsafe fn(&mut State, *const u8) -> Flow;

/// One step function per op, named after it.
mod step {
    use super::*;
    macro_rules! define_steps {
        ($( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {$(
            /// # Safety
            /// `pc` points at a verified op of this kind.
            #[inline(always)]
            pub unsafe fn $name(s: &mut State, pc: *const u8) -> Flow {
                let ops::$Camel { $($field),* } =
                    // SAFETY: the op at `pc` is verified, so its operand
                    // bytes are all present after the opcode bytes.
                    unsafe { ops::$Camel::decode_unchecked(pc.add(<ops::$Camel as OpInfo>::PREFIX_LEN)) };
                let at = crate::state::At { pc, next: pc.wrapping_add(<ops::$Camel as OpInfo>::SIZE) };
                s.$name(at $(, $field)*)
            }
        )*};
    }
    for_each_op!(define_steps);
    for_each_extended_op!(define_steps);
}

macro_rules! step_list {
    ($( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {
        &[$(step::$name as StepFn),*]
    };
}
const HOT_STEP_LIST: &[StepFn] = for_each_op!(step_list);
static EXT_STEPS: &[StepFn] = for_each_extended_op!(step_list);

#[cold]
unsafe fn invalid_step(s: &mut State, pc: *const u8) -> Flow {
    s.done = Done::Trap { pc, kind: TrapKind::InvalidOpcode };
    Err(Stop)
}

/// Escape byte in the loop: look up the extended op.
unsafe fn escape_step(s: &mut State, pc: *const u8) -> Flow {
    // SAFETY: a verified extended op has its two opcode bytes after the escape.
    let n = unsafe { u16::from_le_bytes(pc.add(1).cast::<[u8; 2]>().read_unaligned()) };
    match EXT_STEPS.get(n as usize) {
        // SAFETY: forwarded: `pc` is a verified op of that kind.
        Some(step) => unsafe { step(s, pc) },
        // SAFETY: `invalid_step` reads nothing at `pc`; it only records it.
        None => unsafe { invalid_step(s, pc) },
    }
}

const fn build_hot_steps() -> [StepFn; 256] {
    let mut table = [invalid_step as StepFn; 256];
    let mut i = 0;
    while i < HOT_STEP_LIST.len() {
        table[i] = HOT_STEP_LIST[i];
        i += 1;
    }
    table[ESCAPE as usize] = escape_step;
    table
}
static HOT_STEPS: [StepFn; 256] = build_hot_steps();

/// Run from `pc` until an op stops, with the loop dispatcher.
///
/// # Safety
/// `pc` starts a verified function, and the guest's memory accesses are
/// valid (see [`crate::Vm::call`]); `s` is valid, and no reference to the
/// state is live while the loop runs (a host-call server reaches it too).
pub(crate) unsafe fn run_loop(s: *mut State, mut pc: *const u8) {
    loop {
        // SAFETY: `pc` is always the start of a verified op.
        let host_call = unsafe { *pc } == Opcode::CallIndirectHost as u8;
        // SAFETY: `pc` is that verified `call_indirect_host`, and no
        // reference to the state is live here.
        if host_call && let Some(resume) = unsafe { serve_in_place(s, pc) } {
            pc = resume;
            continue;
        }
        // SAFETY: `pc` is a verified op, and no reference to the state is
        // live here.
        let next = match unsafe { direct_host_call_at(s, pc) } {
            Some(flow) => flow,
            // SAFETY: as above; the reference lives only during the step.
            None => unsafe { HOT_STEPS[*pc as usize](&mut *s, pc) },
        };
        match next {
            Ok(next) => pc = next,
            Err(Stop) => return,
        }
    }
}

/// The loop dispatcher's way to the `call_host` family: if the op at `pc`
/// is one, run it as the tail-call handlers do ([`direct_host_call`]).
///
/// # Safety
/// `pc` is the start of a verified op; `s` is valid and no reference to
/// the state is live.
#[inline(always)]
unsafe fn direct_host_call_at(s: *mut State, pc: *const u8) -> Option<Flow> {
    // SAFETY: `pc` is the start of a verified op.
    if unsafe { *pc } != ESCAPE {
        return None;
    }
    // SAFETY: a verified op starting with the escape has its two opcode bytes.
    let n = unsafe { u16::from_le_bytes(pc.add(1).cast::<[u8; 2]>().read_unaligned()) };
    let run: unsafe fn(*mut State, *const u8) -> Flow = match ExtOpcode::from_number(n)? {
        ExtOpcode::CallHost => direct_host_call::<_, ops::CallHost>,
        ExtOpcode::Call1Host => direct_host_call::<_, ops::Call1Host>,
        ExtOpcode::Call2Host => direct_host_call::<_, ops::Call2Host>,
        ExtOpcode::Call3Host => direct_host_call::<_, ops::Call3Host>,
        _ => return None,
    };
    // SAFETY: `pc` is a verified op of the kind its opcode names, the one
    // `run` takes; the caller's promises for `s` stand.
    Some(unsafe { run(s, pc) })
}

/// A `call_indirect_host` of a host function (not a builtin) while a
/// server is installed: let the server run it, without stopping, and say
/// where the guest goes on (`None`: the op runs as without a server,
/// stopping the run). Both dispatchers ask before the op's step, so a
/// declining server leaves the step to record the stop.
///
/// # Safety
/// `pc` is a verified `call_indirect_host`; `s` is valid and no reference
/// to the state is live: the server reaches it through the embedder's own
/// pointer to the VM.
#[inline(always)]
unsafe fn serve_in_place(s: *mut State, pc: *const u8) -> Option<*const u8> {
    // SAFETY: a verified op has its operand bytes; `s` is valid.
    let (op, server) = unsafe {
        (
            ops::CallIndirectHost::decode_unchecked(pc.add(<ops::CallIndirectHost as OpInfo>::PREFIX_LEN)),
            (*s).host,
        )
    };
    let server = server.filter(|_| op.id >= sheave_opcodes::HOST_FUNC_BASE)?;
    // SAFETY: the server was installed for this run (`Vm::call_prepared_serving`
    // and its siblings promise its context is valid while the run lasts),
    // and no reference to the state is live across the call.
    unsafe { (server.serve)(server.cx, op.id) }
        .then(|| pc.wrapping_add(<ops::CallIndirectHost as OpInfo>::SIZE))
}

/// The `call_host` family, for both dispatchers: the registers each
/// op moves into `x0..` and its host-call id.
trait DirectHostCall<const N: usize>: OpInfo + Sized {
    /// # Safety
    /// `pc` is a verified op of this kind.
    unsafe fn at(pc: *const u8) -> Self;
    /// The registers moved into `x0..`.
    fn moves(&self) -> [sheave_opcodes::XReg; N];
    fn id(&self) -> u16;
}

macro_rules! direct_host_calls {
    ($($op:ident: $n:literal [$($a:ident),*];)*) => {$(
        impl DirectHostCall<$n> for ops::$op {
            #[inline(always)]
            unsafe fn at(pc: *const u8) -> Self {
                // SAFETY: the caller's promise; operands follow the prefix.
                unsafe { ops::$op::decode_unchecked(pc.add(<ops::$op as OpInfo>::PREFIX_LEN)) }
            }
            #[inline(always)]
            fn moves(&self) -> [sheave_opcodes::XReg; $n] {
                [$(self.$a),*]
            }
            #[inline(always)]
            fn id(&self) -> u16 {
                self.id
            }
        }
    )*};
}
direct_host_calls! {
    CallHost: 0 [];
    Call1Host: 1 [a0];
    Call2Host: 2 [a0, a1];
    Call3Host: 3 [a0, a1, a2];
}

/// A `call_host` family op under either dispatcher: move the arguments,
/// then run a builtin in place, or offer an import to the server (no
/// reference to the state is live while it runs), or stop at the host
/// call. `call_indirect_host` is offered to the server before its step;
/// these move arguments first, and the moves must run once whichever way
/// the call goes, so they are done here rather than by the op's step
/// (which only the profiling dispatcher, serving nothing, runs).
///
/// # Safety
/// `pc` is a verified op of kind `T`; `s` is valid and no reference to
/// the state is live.
#[inline(always)]
unsafe fn direct_host_call<const N: usize, T: DirectHostCall<N>>(
    s: *mut State,
    pc: *const u8,
) -> crate::state::Flow {
    // SAFETY: the caller's promise.
    let op = unsafe { T::at(pc) };
    let next = pc.wrapping_add(T::SIZE);
    {
        // SAFETY: `s` is valid; this reference ends with the block.
        let st = unsafe { &mut *s };
        st.move_args(op.moves());
        if op.id() < sheave_opcodes::HOST_FUNC_BASE {
            return st.call_indirect_host(crate::state::At { pc, next }, op.id());
        }
    }
    // SAFETY: `s` is valid; the read ends at once.
    let server = unsafe { (*s).host };
    if let Some(server) = server {
        // SAFETY: as in `serve_in_place`: the server was installed for this
        // run, and no reference to the state is live across its call.
        if unsafe { (server.serve)(server.cx, op.id()) } {
            return Ok(next);
        }
    }
    // SAFETY: `s` is valid and the server, if any, has returned.
    unsafe { (*s).done = Done::HostCall { id: op.id(), at: pc, resume: next } };
    Err(Stop)
}

/// The loop dispatcher, counting ops into `profile`.
///
/// # Safety
/// As [`run_loop`].
#[inline(never)]
pub(crate) unsafe fn run_profiled(s: &mut State, mut pc: *const u8, profile: &mut OpProfile) {
    // The previous op and its next byte: a pair only counts when the
    // second op starts where the first ended.
    let mut prev: Option<(OpKind, *const u8)> = None;
    loop {
        // SAFETY: `pc` is always the start of a verified op.
        if let Some(op) = unsafe { OpKind::at(pc) } {
            let after = prev.filter(|&(_, next)| next == pc).map(|(op, _)| op);
            profile.record(after, op);
            prev = Some((op, pc.wrapping_add(op.size())));
        }
        // SAFETY: as in `run_loop`.
        let next = unsafe { HOT_STEPS[*pc as usize](s, pc) };
        match next {
            Ok(next) => pc = next,
            Err(Stop) => return,
        }
    }
}

/// Handlers for the tail-call dispatcher: step, then jump to the next handler.
///
/// There are two sets, each chaining only to itself: `general` handles
/// every mode, and `fast` runs when neither checked mode nor fuel metering
/// is on (the usual case). A fast handler tells LLVM that the flags are
/// off (see `assume_mode`), so the checks that test them fold away once
/// the op's method is inlined: a memory access, a call and a return lose
/// their checked-mode test, and jumps, calls and returns their fuel test.
/// The set is chosen each time the run loop starts; the flags only change
/// outside it (`Vm::set_checks`, `Vm::set_fuel`).
#[cfg(not(debug_assertions))]
mod tail {
    use super::*;

    /// A handler takes the state as a raw pointer: a reference would stay
    /// live (and exclusive) while a host-call server, which reaches the
    /// state through the embedder's pointer to the VM, runs.
    type HandlerFn = unsafe fn(*mut State, *const u8);

    /// The handlers of one set: step, then jump through the set's table.
    /// `call_indirect_host` first offers a host function to the installed
    /// host-call server, and goes on without stopping if it ran it.
    macro_rules! define_handlers {
        ($fast:literal; $( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {$(
            pub unsafe fn $name(s: *mut State, pc: *const u8) {
                // The `call_host` family: see `direct_host_call`.
                if const { is_named(stringify!($name), "call_host") } {
                    // SAFETY: `pc` is a verified `call_host`, no reference to
                    // the state is live, and the flow is the next op or a stop.
                    return unsafe { next(s, direct_host_call::<_, ops::CallHost>(s, pc)) };
                }
                if const { is_named(stringify!($name), "call1_host") } {
                    // SAFETY: as for `call_host`.
                    return unsafe { next(s, direct_host_call::<_, ops::Call1Host>(s, pc)) };
                }
                if const { is_named(stringify!($name), "call2_host") } {
                    // SAFETY: as for `call_host`.
                    return unsafe { next(s, direct_host_call::<_, ops::Call2Host>(s, pc)) };
                }
                if const { is_named(stringify!($name), "call3_host") } {
                    // SAFETY: as for `call_host`.
                    return unsafe { next(s, direct_host_call::<_, ops::Call3Host>(s, pc)) };
                }
                if const { is_named(stringify!($name), "call_indirect_host") } {
                    // SAFETY: `pc` is a verified `call_indirect_host`, and
                    // no reference to the state is live.
                    if let Some(resume) = unsafe { serve_in_place(s, pc) } {
                        // SAFETY: `resume` is the op after it.
                        return unsafe { next(s, Ok(resume)) };
                    }
                }
                // SAFETY: `s` is valid and nothing else refers to the state
                // while an op runs; each reference ends with its statement.
                assume_mode::<$fast, { is_conditional_branch(stringify!($name)) }>(unsafe { &*s });
                // SAFETY: `pc` is a verified op of this kind.
                let flow = unsafe { step::$name(&mut *s, pc) };
                // SAFETY: `flow` is the next verified op, or a stop.
                unsafe { next(s, flow) }
            }
        )*};
    }

    macro_rules! handler_list {
        ($( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {
            &[$($name as HandlerFn),*]
        };
    }

    /// Whether the op named `name` is a conditional branch (`br_if*`,
    /// `br_ifnot*`): one with two exits.
    const fn is_conditional_branch(name: &str) -> bool {
        starts_with(name, "br_if")
    }

    /// Whether `name` is `wanted` (a `const` comparison of op names).
    const fn is_named(name: &str, wanted: &str) -> bool {
        name.len() == wanted.len() && starts_with(name, wanted)
    }

    /// `str::starts_with`, in a `const fn`.
    const fn starts_with(name: &str, prefix: &str) -> bool {
        let (name, prefix) = (name.as_bytes(), prefix.as_bytes());
        if name.len() < prefix.len() {
            return false;
        }
        let mut i = 0;
        while i < prefix.len() {
            if name[i] != prefix[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Before a fast handler's step: tell LLVM that checked mode is off
    /// and, except in conditional branches, that fuel metering is.
    ///
    /// A conditional branch keeps its fuel test: without it LLVM merges
    /// the taken and not-taken dispatch tails, which costs the not-taken
    /// side (kept out of line) three instructions more than the test
    /// saves (callgrind: collatz +4%, crc32 +2%).
    #[inline(always)]
    fn assume_mode<const FAST: bool, const CONDITIONAL: bool>(s: &State) {
        if FAST {
            // SAFETY: `tail::run` enters the fast set only when both flags
            // are off, and no op changes them.
            unsafe { core::hint::assert_unchecked(!s.checked) }
            if !CONDITIONAL {
                // SAFETY: as above.
                unsafe { core::hint::assert_unchecked(!s.metered) }
            }
        }
    }

    macro_rules! handler_set {
        ($set:ident, $fast:literal) => {
            mod $set {
                use super::*;

                #[inline(always)]
                unsafe fn next(s: *mut State, flow: Flow) {
                    if let Ok(pc) = flow {
                        // SAFETY: `pc` is the start of a verified op, and
                        // the flags this set relies on have not changed.
                        unsafe { HOT[*pc as usize](s, pc) }
                    }
                }

                for_each_op!(define_handlers, $fast;);
                for_each_extended_op!(define_handlers, $fast;);

                const HOT_LIST: &[HandlerFn] = for_each_op!(handler_list);
                static EXT: &[HandlerFn] = for_each_extended_op!(handler_list);

                unsafe fn invalid(s: *mut State, pc: *const u8) {
                    // SAFETY: `invalid_step` reads nothing from `pc`; `s` is valid.
                    let _ = unsafe { invalid_step(&mut *s, pc) };
                }

                unsafe fn escape(s: *mut State, pc: *const u8) {
                    // SAFETY: a verified extended op has its two opcode bytes after the escape.
                    let n = unsafe { u16::from_le_bytes(pc.add(1).cast::<[u8; 2]>().read_unaligned()) };
                    match EXT.get(n as usize) {
                        // SAFETY: `pc` is a verified op of that kind.
                        Some(handler) => unsafe { handler(s, pc) },
                        // SAFETY: `invalid` reads nothing at `pc`; it only records it.
                        None => unsafe { invalid(s, pc) },
                    }
                }

                const fn build() -> [HandlerFn; 256] {
                    let mut table = [invalid as HandlerFn; 256];
                    let mut i = 0;
                    while i < HOT_LIST.len() {
                        table[i] = HOT_LIST[i];
                        i += 1;
                    }
                    table[ESCAPE as usize] = escape;
                    table
                }
                pub(super) static HOT: [HandlerFn; 256] = build();
            }
        };
    }
    handler_set!(general, false);
    handler_set!(fast, true);

    /// # Safety
    /// As [`run_loop`].
    pub(crate) unsafe fn run(s: *mut State, pc: *const u8) {
        // SAFETY: `s` is valid (the caller's promise); plain reads.
        let table = if unsafe { (*s).checked || (*s).metered } { &general::HOT } else { &fast::HOT };
        // SAFETY: forwarded; the fast set's condition was just tested.
        unsafe { table[*pc as usize](s, pc) }
    }
}

/// Run from `pc` with the chosen dispatcher; `profile` receives the counts
/// of [`Dispatch::Profile`] (without one, that runs as the loop).
///
/// # Safety
/// As [`run_loop`].
#[inline(always)]
pub(crate) unsafe fn run(s: *mut State, pc: *const u8, dispatch: Dispatch, profile: Option<&mut OpProfile>) {
    match (dispatch, profile) {
        #[cfg(not(debug_assertions))]
        // SAFETY: forwarded.
        (Dispatch::TailCall, _) => unsafe { tail::run(s, pc) },
        // SAFETY: forwarded; the profiling loop serves no host calls, so
        // nothing else reaches the state while it holds a reference.
        (Dispatch::Profile, Some(profile)) => unsafe { run_profiled(&mut *s, pc, profile) },
        // SAFETY: forwarded.
        _ => unsafe { run_loop(s, pc) },
    }
}
