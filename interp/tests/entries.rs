//! Entering and leaving the guest: every trap kind, snapshots restored on
//! traps, host calls, nested entries, and reuse of the VM afterwards.

mod common;
use common::*;
use sheave_interp::{CallError, DoneReason, HostCallServer, TrapKind, Val, ValType, Vm};
use sheave_opcodes::{Assembler, FReg, PcRel, RegMask, XReg, ops, verify};
use std::ptr::NonNull;

/// One verified function, kept alive with its entry pointer.
struct Func {
    code: Vec<u8>,
}

impl Func {
    fn new(asm: Assembler) -> Func {
        let code = asm.finish().unwrap();
        verify(&code, &[0..code.len()]).unwrap();
        Func { code }
    }
    fn entry(&self) -> NonNull<u8> {
        NonNull::from(&self.code[0])
    }
    fn offset_of(&self, pc: NonNull<u8>) -> usize {
        pc.as_ptr() as usize - self.code.as_ptr() as usize
    }
}

/// Runs `func` on a fresh VM and returns the trap kind and its offset.
fn trap_of(func: &Func, args: &[Val]) -> (TrapKind, usize) {
    let mut vm = Vm::new();
    // SAFETY: verified, touches no memory but the VM stack.
    match unsafe { vm.call(func.entry(), args) }.unwrap() {
        DoneReason::Trap { pc, kind } => (kind, func.offset_of(pc)),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn each_trap_kind_with_the_pc_of_the_trapping_op() {
    let one = |op: ops::Xdiv64S| {
        let mut a = Assembler::new();
        a.op(ops::Xconst8 { dst: x(2), imm: 0 }); // 3 bytes
        a.op(op);
        a.op(ops::Ret {});
        Func::new(a)
    };
    let div = one(ops::Xdiv64S { dst: x(0), a: x(0), b: x(1) });
    assert_eq!(trap_of(&div, &i64s(&[1, 0])), (TrapKind::DivisionByZero, 3));
    assert_eq!(trap_of(&div, &i64s(&[i64::MIN as u64, u64::MAX])), (TrapKind::IntegerOverflow, 3));

    let mut a = Assembler::new();
    a.op(ops::X32FromF64S { dst: x(0), a: f(0) });
    a.op(ops::Ret {});
    let cvt = Func::new(a);
    assert_eq!(trap_of(&cvt, &[Val::from_f64(f64::NAN)]), (TrapKind::BadConversionToInteger, 0));
    assert_eq!(trap_of(&cvt, &[Val::from_f64(1e10)]), (TrapKind::IntegerOverflow, 0));

    let mut a = Assembler::new();
    a.op(ops::BoundsCheck { addr: x(0), bound: x(1), size: 4 });
    a.op(ops::Ret {});
    assert_eq!(trap_of(&Func::new(a), &i64s(&[13, 16])), (TrapKind::MemoryOutOfBounds, 0));

    let mut a = Assembler::new();
    a.op(ops::Xconst8 { dst: x(0), imm: 1 });
    a.op(ops::Trap { code: 200 });
    assert_eq!(trap_of(&Func::new(a), &[]), (TrapKind::Explicit(200), 3));
}

/// f(n) = f(n + 1), forever: recursion until the stack runs out.
fn runaway_recursion() -> Func {
    let mut a = Assembler::new();
    let f = a.label();
    a.bind(f);
    a.op(ops::PushFrame {});
    a.op(ops::Xadd64I { dst: x(0), a: x(0), imm: 1 });
    a.branch(ops::Call { offset: PcRel(0) }, f).unwrap();
    a.op(ops::PopFrame {});
    a.op(ops::Ret {});
    Func::new(a)
}

#[test]
fn stack_overflow_is_a_trap_and_the_vm_is_reusable() {
    let func = runaway_recursion();
    let mut vm = Vm::with_stack_size(64 * 1024);
    for _ in 0..3 {
        // SAFETY: verified; touches only the VM stack.
        let done = unsafe { vm.call(func.entry(), &i64s(&[0])) }.unwrap();
        assert!(matches!(done, DoneReason::Trap { kind: TrapKind::StackOverflow, .. }), "{done:?}");
        // 16 bytes per frame: about 4096 frames deep.
        let depth = vm.x(x(0));
        assert!((4000..=4096).contains(&depth), "depth {depth}");
    }
    // stack_alloc32 past the end also traps.
    let mut a = Assembler::new();
    a.op(ops::StackAlloc32 { amt: 64 * 1024 + 16 });
    a.op(ops::Ret {});
    let big = Func::new(a);
    // SAFETY: verified; touches only the VM stack.
    let done = unsafe { vm.call(big.entry(), &[]) }.unwrap();
    assert!(matches!(done, DoneReason::Trap { kind: TrapKind::StackOverflow, .. }), "{done:?}");
}

#[test]
fn a_trap_restores_the_entry_snapshot() {
    // The guest breaks every callee-saved promise, then traps.
    let mut a = Assembler::new();
    a.op(ops::PushFrame {});
    a.op(ops::StackAlloc32 { amt: 256 });
    for i in 16..30 {
        a.op(ops::Xconst8 { dst: x(i), imm: -1 });
    }
    for i in 16..32 {
        a.op(ops::Fconst64 { dst: f(i), bits: u64::MAX });
    }
    a.op(ops::Xconst8 { dst: XReg::FP, imm: 0 });
    a.op(ops::Trap { code: 1 });
    let func = Func::new(a);
    let mut vm = Vm::new();
    for i in 16..30 {
        vm.set_x(x(i), i as u64);
    }
    for i in 16..32 {
        vm.set_f_bits(f(i), 100 + i as u64);
    }
    let sp = vm.x(XReg::SP);
    let fp = vm.x(XReg::FP);
    // SAFETY: verified; touches only the VM stack.
    let done = unsafe { vm.call(func.entry(), &[]) }.unwrap();
    assert!(matches!(done, DoneReason::Trap { kind: TrapKind::Explicit(1), .. }));
    for i in 16..30 {
        assert_eq!(vm.x(x(i)), i as u64, "x{i} restored");
    }
    for i in 16..32 {
        assert_eq!(vm.f_bits(f(i)), 100 + i as u64, "f{i} restored");
    }
    assert_eq!((vm.x(XReg::SP), vm.x(XReg::FP)), (sp, fp));
    assert_eq!(vm.suspended_entries(), 0);
}

/// g(n): if n == 0 trap 9; else host call 0 (the host re-enters g(n - 1))
/// and return the host's result + 1. It keeps n in callee-saved x16 across
/// the host call, so a broken snapshot would show.
fn reentrant() -> Func {
    let mut a = Assembler::new();
    let zero = a.label();
    let saved = RegMask::default().with_x(x(16)).unwrap().with_f(FReg::new(16).unwrap()).unwrap();
    a.branch(ops::BrIfXeq64I { a: x(0), imm: 0, offset: PcRel(0) }, zero).unwrap();
    a.op(ops::PushFrameSave { amt: 16, regs: saved });
    a.op(ops::Xmov { dst: x(16), src: x(0) });
    a.op(ops::F64FromX64U { dst: f(16), a: x(0) });
    a.op(ops::CallIndirectHost { id: sheave_opcodes::HOST_FUNC_BASE });
    a.op(ops::Xadd64I { dst: x(0), a: x(0), imm: 1 });
    // Check that x16 and f16 survived the nested entries: trap 8 if not.
    a.op(ops::F64FromX64U { dst: f(0), a: x(16) });
    a.op(ops::Fneq64 { dst: x(1), a: f(0), b: f(16) });
    a.op(ops::TrapIfNonzero64 { cond: x(1), code: 8 });
    a.op(ops::PopFrameRestore { amt: 16, regs: saved });
    a.op(ops::Ret {});
    a.bind(zero);
    a.op(ops::Trap { code: 9 });
    Func::new(a)
}

/// Host side of `reentrant`: call g(n) and serve its host calls by
/// re-entering. `handle_bottom_trap` decides what a host does when its
/// nested call traps: give the guest 1000 and resume (true) or abandon
/// its own entry and pass the trap up (false).
fn call_g(vm: &mut Vm, g: &Func, n: u64, handle_bottom_trap: bool) -> Result<u64, TrapKind> {
    // SAFETY: verified; touches only the VM stack.
    let mut done = unsafe { vm.call(g.entry(), &i64s(&[n])) }.unwrap();
    loop {
        match done {
            DoneReason::Returned => return Ok(vm.results(&[ValType::I64]).unwrap()[0].i64().unwrap() as u64),
            DoneReason::Trap { kind, .. } => return Err(kind),
            DoneReason::HostCall { id, resume, .. } => {
                assert_eq!(id, sheave_opcodes::HOST_FUNC_BASE);
                let arg = vm.results(&[ValType::I64]).unwrap()[0].i64().unwrap() as u64;
                let inner = call_g(vm, g, arg - 1, handle_bottom_trap);
                let result = match inner {
                    Ok(v) => v,
                    Err(TrapKind::Explicit(9)) if handle_bottom_trap => 1000,
                    Err(kind) => {
                        vm.abandon().unwrap();
                        return Err(kind);
                    }
                };
                vm.set_values(&i64s(&[result])).unwrap();
                // SAFETY: `resume` came from this VM's host call on `g`.
                done = unsafe { vm.resume(resume) }.unwrap();
            }
        }
    }
}

#[test]
fn nested_entries_100_deep_with_a_trap_at_the_bottom() {
    let g = reentrant();
    let mut vm = Vm::new();
    vm.set_x(x(16), 0x1616);
    let sp = vm.x(XReg::SP);

    // The trap at the bottom unwinds every level.
    assert_eq!(call_g(&mut vm, &g, 100, false), Err(TrapKind::Explicit(9)));
    assert_eq!(vm.suspended_entries(), 0);
    assert_eq!(vm.x(x(16)), 0x1616);
    assert_eq!(vm.x(XReg::SP), sp);

    // The bottom trap unwinds only its own entry: the host above handles
    // it and every outer level completes.
    assert_eq!(call_g(&mut vm, &g, 100, true), Ok(1000 + 100));
    assert_eq!(vm.suspended_entries(), 0);
    assert_eq!(vm.x(x(16)), 0x1616);
    assert_eq!(vm.x(XReg::SP), sp);

    // And the VM is as good as new.
    assert_eq!(call_g(&mut vm, &g, 3, true), Ok(1003));
    let recursion = runaway_recursion();
    // SAFETY: verified; touches only the VM stack.
    let done = unsafe { vm.call(recursion.entry(), &i64s(&[0])) }.unwrap();
    assert!(matches!(done, DoneReason::Trap { kind: TrapKind::StackOverflow, .. }));
    assert_eq!(call_g(&mut vm, &g, 50, true), Ok(1050));
}

/// What `serve_g` works with: the VM, reached only through this pointer
/// while runs last, g's entry, and what the host does with a trap at the
/// bottom (as in `call_g`).
struct Served {
    vm: *mut Vm,
    g: NonNull<u8>,
    handle_bottom_trap: bool,
    /// Host calls served in place.
    calls: u64,
    /// The trap a refusing server passes up.
    failed: Option<TrapKind>,
}

/// `call_g` with host calls served inside the run loop by `serve_g`.
///
/// # Safety
/// `cx` is valid and no reference to it or its VM is live.
unsafe fn call_g_serving(cx: *mut Served, n: u64) -> Result<u64, TrapKind> {
    // SAFETY: the caller's promise; the references end with the statements.
    let (vm, g) = unsafe { ((*cx).vm, (*cx).g) };
    // SAFETY: as above.
    unsafe { (*vm).set_x(x(0), n) };
    // SAFETY: `serve_g` reaches the VM only through `cx`, as this does.
    let server = unsafe { HostCallServer::new(serve_g, cx.cast()) };
    // SAFETY: g is verified and touches only the VM stack.
    match unsafe { Vm::call_prepared_serving(vm, g, server) }.unwrap() {
        // SAFETY: the run is over.
        DoneReason::Returned => Ok(unsafe { (*vm).x(x(0)) }),
        DoneReason::Trap { kind, .. } => Err(kind),
        DoneReason::HostCall { id, .. } => {
            // The server refused: pass its trap up, unwinding this entry.
            assert_eq!(id, sheave_opcodes::HOST_FUNC_BASE);
            // SAFETY: the run is over.
            unsafe {
                (*vm).abandon().unwrap();
                Err((*cx).failed.take().expect("a refusing server says why"))
            }
        }
    }
}

/// The host function g calls, served in place: g(n - 1) again.
unsafe fn serve_g(cx: *mut (), id: u16) -> bool {
    let cx = cx.cast::<Served>();
    assert_eq!(id, sheave_opcodes::HOST_FUNC_BASE);
    // SAFETY: `cx` is the `Served` the run was entered with, and the run
    // loop holds no reference to it or to the VM while it serves.
    let (vm, handle_bottom_trap) = unsafe { ((*cx).vm, (*cx).handle_bottom_trap) };
    // SAFETY: as above.
    let arg = unsafe {
        (*cx).calls += 1;
        (*vm).x(x(0))
    };
    // SAFETY: as above.
    let result = match unsafe { call_g_serving(cx, arg - 1) } {
        Ok(v) => v,
        Err(TrapKind::Explicit(9)) if handle_bottom_trap => 1000,
        Err(kind) => {
            // SAFETY: as above.
            unsafe { (*cx).failed = Some(kind) };
            return false;
        }
    };
    // SAFETY: as above.
    unsafe { (*vm).set_x(x(0), result) };
    true
}

#[test]
fn host_calls_served_in_place_nest_100_deep_with_a_trap_at_the_bottom() {
    let g = reentrant();
    let mut vm = Vm::new();
    vm.set_x(x(16), 0x1616);
    let sp = vm.x(XReg::SP);
    let mut served = Served { vm: &mut vm, g: g.entry(), handle_bottom_trap: false, calls: 0, failed: None };
    let cx: *mut Served = &mut served;

    // Refused at every level: the trap at the bottom unwinds them all.
    // SAFETY: nothing else refers to `served` or `vm` while it runs.
    assert_eq!(unsafe { call_g_serving(cx, 100) }, Err(TrapKind::Explicit(9)));
    // The bottom handled by the host above it: every outer level completes.
    // SAFETY: as above.
    let handled = unsafe {
        (*cx).handle_bottom_trap = true;
        call_g_serving(cx, 100)
    };
    assert_eq!(handled, Ok(1000 + 100));
    assert_eq!(served.calls, 200);
    assert_eq!(vm.suspended_entries(), 0);
    assert_eq!(vm.x(x(16)), 0x1616);
    assert_eq!(vm.x(XReg::SP), sp);

    // A run without a server stops at the host call, as before.
    // SAFETY: verified; touches only the VM stack.
    let done = unsafe { vm.call(g.entry(), &i64s(&[1])) }.unwrap();
    assert!(matches!(done, DoneReason::HostCall { .. }), "{done:?}");
    vm.abandon().unwrap();
    assert_eq!(vm.suspended_entries(), 0);
}

#[test]
fn light_snapshots_restore_the_frame_and_nested_entries() {
    let mut vm = Vm::new();
    vm.set_trap_restores_callee_saved(false);
    vm.set_x(x(16), 0x1616);
    let (sp, fp) = (vm.x(XReg::SP), vm.x(XReg::FP));

    // A top-level entry that clobbers x16 and fp, then traps: the frame
    // registers come back; x16 is the guest's (release builds take no copy
    // of it; debug builds always do, to check returning guests).
    let mut a = Assembler::new();
    a.op(ops::Xconst8 { dst: x(16), imm: -1 });
    a.op(ops::Xconst8 { dst: XReg::FP, imm: 0 });
    a.op(ops::Trap { code: 1 });
    let clobber = Func::new(a);
    // SAFETY: verified; touches only registers.
    let done = unsafe { vm.call(clobber.entry(), &[]) }.unwrap();
    assert!(matches!(done, DoneReason::Trap { kind: TrapKind::Explicit(1), .. }));
    assert_eq!((vm.x(XReg::SP), vm.x(XReg::FP)), (sp, fp));
    let expected = if cfg!(debug_assertions) { 0x1616 } else { u64::MAX };
    assert_eq!(vm.x(x(16)), expected);

    // Entries nested in host calls still restore everything: the guest
    // suspended above a trapped entry finds its x16 and f16 (g checks them).
    let g = reentrant();
    assert_eq!(call_g(&mut vm, &g, 100, true), Ok(1000 + 100));
    assert_eq!(call_g(&mut vm, &g, 100, false), Err(TrapKind::Explicit(9)));
    assert_eq!(vm.suspended_entries(), 0);
    assert_eq!(vm.x(XReg::SP), sp);

    // Global registers keep the whole snapshot: a trap restores them.
    let mut vm = Vm::new();
    vm.set_trap_restores_callee_saved(false);
    assert!(vm.set_global_register(x(16)));
    vm.set_x(x(16), 0x1616);
    // SAFETY: as above.
    let done = unsafe { vm.call(clobber.entry(), &[]) }.unwrap();
    assert!(matches!(done, DoneReason::Trap { .. }));
    assert_eq!(vm.x(x(16)), 0x1616);
}

#[test]
fn call_errors_are_values() {
    let mut vm = Vm::new();
    let too_many = vec![Val::I64(0); 17];
    assert_eq!(vm.set_values(&too_many), Err(CallError::TooManyValues { class: "integer", count: 17 }));
    let too_many = vec![ValType::F64; 17];
    assert_eq!(vm.results(&too_many), Err(CallError::TooManyValues { class: "float", count: 17 }));
    let g = reentrant();
    // SAFETY: no code runs: the arguments are rejected first.
    let e = unsafe { vm.call(g.entry(), &vec![Val::V128(0); 17]) }.unwrap_err();
    assert!(e.to_string().contains("17 vector values"), "{e}");
    // Arguments beyond the registers go on the stack, which must hold them.
    let mut small = Vm::with_stack_size(64);
    // SAFETY: as above.
    let e = unsafe { small.call(g.entry(), &vec![Val::I64(0); 16 + 9]) }.unwrap_err();
    assert_eq!(e, CallError::StackArgsTooLarge);
    assert_eq!(vm.suspended_entries(), 0);
    // SAFETY: rejected before anything runs.
    assert_eq!(unsafe { vm.resume(g.entry()) }, Err(CallError::NotSuspended));
    assert_eq!(vm.abandon(), Err(CallError::NotSuspended));
}

#[test]
fn values_of_each_class_go_to_their_own_registers() {
    // (i32, f64, i64, f32, v128) -> the same, rotated through the registers.
    let mut a = Assembler::new();
    a.op(ops::Xadd32I { dst: x(0), a: x(0), imm: 1 });
    a.op(ops::Xadd64I { dst: x(1), a: x(1), imm: 1 });
    a.op(ops::Fneg64 { dst: f(0), a: f(0) });
    a.op(ops::Fneg32 { dst: f(1), a: f(1) });
    a.op(ops::Vmov { dst: v(0), src: v(0) });
    a.op(ops::Ret {});
    let func = Func::new(a);
    let mut vm = Vm::new();
    let args = [Val::I32(-1), Val::from_f64(1.5), Val::I64(41), Val::from_f32(2.5), Val::V128(7)];
    // SAFETY: verified; touches no memory.
    assert_eq!(unsafe { vm.call(func.entry(), &args) }, Ok(DoneReason::Returned));
    let types: Vec<ValType> = args.iter().map(Val::ty).collect();
    assert_eq!(
        vm.results(&types).unwrap(),
        [Val::I32(0), Val::from_f64(-1.5), Val::I64(42), Val::from_f32(-2.5), Val::V128(7)]
    );
}

#[test]
fn arguments_beyond_the_registers_are_passed_on_the_stack() {
    // f(x0..x15, s0, s1) = s0 - s1, reading the stack arguments above its frame.
    let mut a = Assembler::new();
    a.op(ops::PushFrame {});
    a.op(ops::Xload64 { dst: x(0), base: XReg::FP, offset: 16 });
    a.op(ops::Xload64 { dst: x(1), base: XReg::FP, offset: 24 });
    a.op(ops::Xsub64 { dst: x(0), a: x(0), b: x(1) });
    a.op(ops::PopFrame {});
    a.op(ops::Ret {});
    let func = Func::new(a);
    let mut vm = Vm::new();
    let sp = vm.x(XReg::SP);
    let mut args = i64s(&[0; 16]);
    args.extend(i64s(&[100, 58]));
    // SAFETY: verified; reads only its own stack arguments.
    assert_eq!(unsafe { vm.call(func.entry(), &args) }, Ok(DoneReason::Returned));
    assert_eq!(vm.results(&[ValType::I64]).unwrap(), [Val::I64(42)]);
    assert_eq!(vm.x(XReg::SP), sp, "the argument area is released");
}

#[test]
fn global_registers_keep_the_guests_value() {
    // Writes x29 and returns: with x29 declared global the value stays.
    let mut a = Assembler::new();
    a.op(ops::Xconst8 { dst: x(29), imm: 7 });
    a.op(ops::Ret {});
    let func = Func::new(a);
    let mut vm = Vm::new();
    assert!(vm.set_global_register(x(29)));
    assert!(!vm.set_global_register(x(3)), "only callee-saved registers can be global");
    // SAFETY: verified; touches no memory.
    assert_eq!(unsafe { vm.call(func.entry(), &[]) }, Ok(DoneReason::Returned));
    assert_eq!(vm.x(x(29)), 7);
}

#[test]
fn results_beyond_the_registers_come_back_through_memory() {
    // Returns 17 integers: x0..x15 = 0..15, the 17th written above the frame record.
    let mut a = Assembler::new();
    a.op(ops::PushFrame {});
    a.op(ops::Xconst8 { dst: x(0), imm: 99 });
    a.op(ops::Xstore64 { base: XReg::FP, offset: 16, src: x(0) });
    for i in 0..16 {
        a.op(ops::Xconst8 { dst: x(i), imm: i as i8 });
    }
    a.op(ops::PopFrame {});
    a.op(ops::Ret {});
    let func = Func::new(a);
    let mut vm = Vm::new();
    // SAFETY: verified; writes only its result slot in the VM stack.
    let done = unsafe { vm.call_with_stack_results(func.entry(), &[], 1) }.unwrap();
    assert_eq!(done, DoneReason::Returned);
    let results = vm.results(&[ValType::I64; 17]).unwrap();
    assert_eq!(results[15], Val::I64(15));
    assert_eq!(results[16], Val::I64(99));
    assert!(vm.results(&[ValType::I64; 18]).is_err(), "only one result slot was reserved");
}

/// `callN_host` with its arguments in x7, x5, x6 (set to 3, 1, 2 first),
/// then `ret`; the op starts at offset 9.
fn direct_host_call(n: usize) -> Func {
    let id = sheave_opcodes::HOST_FUNC_BASE;
    let mut a = Assembler::new();
    a.op(ops::Xconst8 { dst: x(5), imm: 1 });
    a.op(ops::Xconst8 { dst: x(6), imm: 2 });
    a.op(ops::Xconst8 { dst: x(7), imm: 3 });
    match n {
        0 => a.op(ops::CallHost { id }),
        1 => a.op(ops::Call1Host { a0: x(7), id }),
        2 => a.op(ops::Call2Host { a0: x(7), a1: x(5), id }),
        _ => a.op(ops::Call3Host { a0: x(7), a1: x(5), a2: x(6), id }),
    };
    a.op(ops::Ret {});
    Func::new(a)
}

/// The host function of `direct_host_call`: x0 + 10 x1 + 100 x2.
fn weighted_sum(vm: &Vm) -> u64 {
    vm.x(x(0)) + 10 * vm.x(x(1)) + 100 * vm.x(x(2))
}

/// What `serve_weighted_sum` works with.
struct Summing {
    vm: *mut Vm,
    /// Run this function in a nested entry, then refuse.
    nest_then_refuse: Option<NonNull<u8>>,
    calls: u64,
}

/// Serves `weighted_sum`, or enters the guest again and refuses.
unsafe fn serve_weighted_sum(cx: *mut (), id: u16) -> bool {
    let cx = cx.cast::<Summing>();
    assert_eq!(id, sheave_opcodes::HOST_FUNC_BASE);
    // SAFETY: `cx` is the `Summing` the run was entered with, and the run
    // loop holds no reference to it or to the VM while it serves.
    unsafe {
        (*cx).calls += 1;
        let vm = (*cx).vm;
        if let Some(nested) = (*cx).nest_then_refuse {
            let server = HostCallServer::new(serve_weighted_sum, cx.cast());
            let done = Vm::call_prepared_serving(vm, nested, server).unwrap();
            assert_eq!(done, DoneReason::Returned);
            return false;
        }
        let sum = weighted_sum(&*vm);
        (*vm).set_x(x(0), sum);
    }
    true
}

#[test]
fn direct_host_calls_move_their_arguments_then_stop_or_are_served() {
    // x0..x2 = 4, 5, 6 on entry; each op moves its arguments over them.
    let want = [4 + 50 + 600, 3 + 50 + 600, 3 + 10 + 600, 3 + 10 + 200];
    for (n, want) in want.into_iter().enumerate() {
        let func = direct_host_call(n);
        // Without a server the run stops at the op, arguments moved.
        let mut vm = Vm::new();
        // SAFETY: verified; touches only registers.
        let done = unsafe { vm.call(func.entry(), &i64s(&[4, 5, 6])) }.unwrap();
        let DoneReason::HostCall { id, at, resume } = done else { panic!("call{n}_host: {done:?}") };
        assert_eq!(id, sheave_opcodes::HOST_FUNC_BASE);
        assert_eq!((func.offset_of(at), func.offset_of(resume)), (9, func.code.len() - 1), "call{n}_host");
        vm.set_x(x(0), weighted_sum(&vm));
        // SAFETY: resumes the host call it stopped at.
        assert_eq!(unsafe { vm.resume(resume) }, Ok(DoneReason::Returned));
        assert_eq!(vm.x(x(0)), want, "call{n}_host stopped");

        // Served in place, the guest goes on to its `ret`.
        let mut vm = Vm::new();
        vm.set_values(&i64s(&[4, 5, 6])).unwrap();
        let mut summing = Summing { vm: &mut vm, nest_then_refuse: None, calls: 0 };
        let cx: *mut Summing = &mut summing;
        // SAFETY: the server reaches the VM only through `cx`; verified code.
        let done = unsafe {
            let server = HostCallServer::new(serve_weighted_sum, cx.cast());
            Vm::call_prepared_serving((*cx).vm, func.entry(), server).unwrap()
        };
        assert_eq!(done, DoneReason::Returned);
        assert_eq!((summing.calls, vm.x(x(0))), (1, want), "call{n}_host served");
    }

    // A server that enters the guest again and then refuses: the outer run
    // stops at its own host call, not with the nested entry's return.
    let mut a = Assembler::new();
    a.op(ops::Ret {});
    let leaf = Func::new(a);
    let func = direct_host_call(2);
    let mut vm = Vm::new();
    let mut summing = Summing { vm: &mut vm, nest_then_refuse: Some(leaf.entry()), calls: 0 };
    let cx: *mut Summing = &mut summing;
    // SAFETY: as above.
    let done = unsafe {
        let server = HostCallServer::new(serve_weighted_sum, cx.cast());
        Vm::call_prepared_serving((*cx).vm, func.entry(), server).unwrap()
    };
    let DoneReason::HostCall { at, .. } = done else { panic!("{done:?}") };
    assert_eq!(func.offset_of(at), 9);
    vm.abandon().unwrap();
    assert_eq!(vm.suspended_entries(), 0);
}
