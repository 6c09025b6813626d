//! `Dispatch::Profile` counts each op and each pair of ops that ran one
//! straight after the other, and computes what the other dispatchers do.

mod common;
use common::*;
use sheave_interp::{Dispatch, DoneReason, OpKind, Val, ValType, Vm};
use sheave_opcodes::{Assembler, Opcode, PcRel, ops, verify};
use std::ptr::NonNull;

/// `acc = 0; for i in 0..n { acc += i }` as a 3-op loop.
fn sum_loop() -> Vec<u8> {
    let mut a = Assembler::new();
    let top = a.label();
    a.op(ops::Xzero { dst: x(1) });
    a.op(ops::Xzero { dst: x(2) });
    a.bind(top);
    a.op(ops::Xadd64 { dst: x(1), a: x(1), b: x(2) });
    a.op(ops::Xadd64I8 { dst: x(2), a: x(2), imm: 1 });
    a.branch(ops::BrIfXult64 { a: x(2), b: x(0), offset: PcRel(0) }, top).unwrap();
    a.op(ops::Xmov { dst: x(0), src: x(1) });
    a.op(ops::Ret {});
    let code = a.finish().unwrap();
    verify(&code, &[0..code.len()]).unwrap();
    code
}

#[test]
fn counts_ops_and_fusable_pairs() {
    let code = sum_loop();
    let mut vm = Vm::new();
    assert!(vm.op_profile().is_none(), "no profile before one is asked for");
    vm.set_dispatch(Dispatch::Profile);
    // SAFETY: verified; touches only registers.
    let done = unsafe { vm.call(NonNull::from(&code[0]), &i64s(&[10])) }.unwrap();
    assert_eq!(done, DoneReason::Returned);
    assert_eq!(vm.results(&[ValType::I64]).unwrap(), [Val::I64(45)]);

    let profile = vm.op_profile().expect("a profile");
    let hot = |op| OpKind::Hot(op);
    let count = |op| profile.ops().into_iter().find(|&(k, _)| k == hot(op)).map_or(0, |(_, n)| n);
    assert_eq!(count(Opcode::Xzero), 2);
    assert_eq!(count(Opcode::Xadd64), 10);
    assert_eq!(count(Opcode::BrIfXult64), 10);
    assert_eq!(count(Opcode::Ret), 1);
    assert_eq!(profile.total(), 2 + 3 * 10 + 2);
    assert_eq!(profile.ops()[0].1, 10, "most frequent first");

    let pair = |a, b| profile.pairs().into_iter().find(|&(k, _)| k == (hot(a), hot(b))).map_or(0, |(_, n)| n);
    assert_eq!(pair(Opcode::Xadd64, Opcode::Xadd64I8), 10);
    assert_eq!(pair(Opcode::Xadd64I8, Opcode::BrIfXult64), 10);
    // The taken back edge jumps: it is no pair. The last test falls through.
    assert_eq!(pair(Opcode::BrIfXult64, Opcode::Xadd64), 0);
    assert_eq!(pair(Opcode::BrIfXult64, Opcode::Xmov), 1);
    assert_eq!(pair(Opcode::Xzero, Opcode::Xadd64), 1);
    assert_eq!(hot(Opcode::BrIfXult64).name(), "br_if_xult64");

    vm.op_profile_mut().unwrap().clear();
    assert_eq!(vm.op_profile().unwrap().total(), 0);
}

#[test]
fn other_dispatchers_count_nothing() {
    let code = sum_loop();
    let mut vm = Vm::new();
    vm.set_dispatch(Dispatch::Loop);
    // SAFETY: verified; touches only registers.
    unsafe { vm.call(NonNull::from(&code[0]), &i64s(&[10])) }.unwrap();
    assert!(vm.op_profile().is_none());
    vm.set_dispatch(Dispatch::Profile);
    vm.set_dispatch(Dispatch::default());
    // SAFETY: as above.
    unsafe { vm.call(NonNull::from(&code[0]), &i64s(&[10])) }.unwrap();
    assert_eq!(vm.op_profile().unwrap().total(), 0, "counted only while profiling");
}
