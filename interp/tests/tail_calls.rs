//! The tail-call dispatcher relies on LLVM turning each handler's call of
//! the next handler into a jump; stable Rust does not promise it. If it
//! stops happening, every executed op leaves a host stack frame behind and
//! a long loop overflows a small thread stack: these tests then crash.
//! They mean something only in optimized builds (`cargo test --release`),
//! which is how CI runs them; debug builds use the loop dispatcher.

mod common;
use common::*;
use sheave_interp::{Dispatch, DoneReason, TrapKind, Val, ValType, Vm};
use sheave_opcodes::{Assembler, PcRel, RegMask, ops, verify};
use std::ptr::NonNull;

/// 50 million ops (10 million iterations of a 5-op loop), and 2 million
/// guest calls, on a thread with a 64 KiB host stack: with checked mode off
/// (the fast handler set) and on (the general one).
#[test]
fn long_runs_need_no_host_stack() {
    long_run(false);
}

#[test]
fn long_checked_runs_need_no_host_stack() {
    long_run(true);
}

fn long_run(checked: bool) {
    // Debug builds run the loop dispatcher slowly; keep their run short.
    let scale = if cfg!(debug_assertions) { 100 } else { 1 };
    let n: u64 = 10_000_000 / scale;
    let mut a = Assembler::new();
    let (top, callee) = (a.label(), a.label());
    let saved = RegMask::default().with_x(x(16)).unwrap();
    a.op(ops::PushFrameSave { amt: 8, regs: saved });
    a.op(ops::Xconst8 { dst: x(1), imm: 0 });
    a.op(ops::Xconst8 { dst: x(2), imm: 0 });
    a.bind(top);
    a.op(ops::Xadd64 { dst: x(1), a: x(1), b: x(2) });
    a.op(ops::Xshl64I { dst: x(3), a: x(2), amt: 1 });
    a.op(ops::Xbxor64 { dst: x(1), a: x(1), b: x(3) });
    a.op(ops::Xadd64I { dst: x(2), a: x(2), imm: 1 });
    a.branch(ops::BrIfXult64 { a: x(2), b: x(0), offset: PcRel(0) }, top).unwrap();
    // Then 2 million calls.
    a.op(ops::Xmov { dst: x(16), src: x(1) });
    a.op(ops::Xconst32 { dst: x(2), imm: 2_000_000 / scale as i32 });
    let calls = a.label();
    a.bind(calls);
    a.branch(ops::Call { offset: PcRel(0) }, callee).unwrap();
    a.op(ops::Xadd64I { dst: x(2), a: x(2), imm: -1 });
    a.branch(ops::BrIfXneq64I { a: x(2), imm: 0, offset: PcRel(0) }, calls).unwrap();
    a.op(ops::Xmov { dst: x(0), src: x(16) });
    a.op(ops::PopFrameRestore { amt: 8, regs: saved });
    a.op(ops::Ret {});
    let split = a.offset();
    a.bind(callee);
    a.op(ops::PushFrame {});
    a.op(ops::PopFrame {});
    a.op(ops::Ret {});
    let code = a.finish().unwrap();
    let functions = [0..split, split..code.len()];
    verify(&code, &functions).unwrap();
    let checks = checked.then(|| std::sync::Arc::new(sheave_interp::Checks::new(&code, &functions, &[])));

    let want = (0..n).fold(0u64, |acc, i| acc.wrapping_add(i) ^ (i << 1));
    let got = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            let mut vm = Vm::new();
            vm.set_dispatch(Dispatch::TailCall);
            vm.set_checks(checks);
            // SAFETY: verified; touches only the VM stack.
            let done = unsafe { vm.call(NonNull::from(&code[0]), &i64s(&[n])) }.unwrap();
            assert_eq!(done, DoneReason::Returned);
            vm.results(&[ValType::I64]).unwrap()[0]
        })
        .unwrap()
        .join()
        .expect("the interpreter thread finished");
    assert_eq!(got, Val::I64(want as i64));
}

#[test]
fn optimized_builds_default_to_tail_calls() {
    let want = if cfg!(debug_assertions) { Dispatch::Loop } else { Dispatch::TailCall };
    assert_eq!(Vm::new().dispatch(), want);
}

/// Checked mode is the one mode the tail-call dispatcher runs with its
/// general handler set; entering with checks on must still check. The same
/// load runs unchecked first (on the fast set) and reads the value.
#[test]
fn checked_mode_checks_under_every_dispatcher() {
    let mut a = Assembler::new();
    a.op(ops::Xload64 { dst: x(0), base: x(0), offset: 0 });
    a.op(ops::Ret {});
    let word = Box::new(0x5eed_u64);
    let addr = &*word as *const u64 as u64;
    read_unchecked_then_stopped_checked(a, &[addr], |vm| {
        assert_eq!(vm.results(&[ValType::I64]).unwrap()[0], Val::I64(0x5eed));
    });
}

/// Run the code `a` assembles with `args` under each dispatcher: without
/// checks it returns (then `unchecked` looks at the VM), in checked mode
/// its memory access traps. `args` must make the access read live memory.
fn read_unchecked_then_stopped_checked(a: Assembler, args: &[u64], unchecked: impl Fn(&mut Vm)) {
    let code = a.finish().unwrap();
    let functions = [0..code.len()];
    verify(&code, &functions).unwrap();
    for dispatch in [Dispatch::TailCall, Dispatch::Loop] {
        let mut vm = Vm::new();
        vm.set_dispatch(dispatch);
        // SAFETY: verified; the caller's arguments make the access read live memory.
        let done = unsafe { vm.call(NonNull::from(&code[0]), &i64s(args)) }.unwrap();
        assert_eq!(done, DoneReason::Returned, "{dispatch:?} unchecked");
        unchecked(&mut vm);

        vm.set_checks(Some(std::sync::Arc::new(sheave_interp::Checks::new(&code, &functions, &[]))));
        // SAFETY: verified; checked mode stops the access to memory it was not granted.
        let done = unsafe { vm.call(NonNull::from(&code[0]), &i64s(args)) }.unwrap();
        assert!(
            matches!(done, DoneReason::Trap { kind: TrapKind::MemoryOutOfBounds, .. }),
            "{dispatch:?} checked: {done:?}"
        );
    }
}

/// A jump table that loads its index reads memory as a load does: checked
/// mode stops it at memory it was not granted.
#[test]
fn checked_mode_checks_a_jump_tables_load() {
    let mut a = Assembler::new();
    let out = a.label();
    a.op(ops::BrTable32Xload8UIx { base: x(0), index: x(1), offset: 0, len: 1 });
    a.branch(ops::Jump { offset: PcRel(0) }, out).unwrap();
    a.bind(out);
    a.op(ops::Ret {});
    let byte = Box::new(0u8);
    read_unchecked_then_stopped_checked(a, &[&*byte as *const u8 as u64, 0], |_| {});
}

/// Fuel metering, like checked mode, runs on the general handler set: a
/// 5000-trip loop closed by a fused jump (which the fast set leaves
/// unmetered) must run out of 1000 units, and a metered call that has
/// enough must return.
#[test]
fn fuel_is_metered_under_every_dispatcher() {
    let mut a = Assembler::new();
    let (top, exit) = (a.label(), a.label());
    a.bind(top);
    a.branch(ops::BrIfNot64 { cond: x(0), offset: PcRel(0) }, exit).unwrap();
    a.branch(ops::Xadd64I8Jump { dst: x(0), a: x(0), imm: -1, offset: PcRel(0) }, top).unwrap();
    a.bind(exit);
    a.op(ops::Ret {});
    let long = a.finish().unwrap();
    verify(&long, &[0..long.len()]).unwrap();
    let mut a = Assembler::new();
    a.op(ops::Xadd64I8 { dst: x(0), a: x(0), imm: 1 });
    a.op(ops::Ret {});
    let short = a.finish().unwrap();
    verify(&short, &[0..short.len()]).unwrap();
    for dispatch in [Dispatch::TailCall, Dispatch::Loop] {
        let mut vm = Vm::new();
        vm.set_dispatch(dispatch);
        vm.set_fuel(Some(1000));
        // SAFETY: verified; touches nothing but registers.
        let done = unsafe { vm.call(NonNull::from(&long[0]), &i64s(&[5000])) }.unwrap();
        assert!(matches!(done, DoneReason::Trap { kind: TrapKind::OutOfFuel, .. }), "{dispatch:?}: {done:?}");
        assert_eq!(vm.fuel(), Some(0), "{dispatch:?}");
        vm.set_fuel(Some(1));
        // SAFETY: as above.
        let done = unsafe { vm.call(NonNull::from(&short[0]), &i64s(&[41])) }.unwrap();
        assert_eq!(done, DoneReason::Returned, "{dispatch:?}");
        assert_eq!(vm.results(&[ValType::I64]).unwrap()[0], Val::I64(42));
    }
}
