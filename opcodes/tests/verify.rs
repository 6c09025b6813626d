//! The verifier accepts well-formed functions and rejects each kind of
//! malformation with the offset of the offending op.

use sheave_opcodes::*;

fn x(i: u8) -> XReg {
    XReg::new(i).unwrap()
}

fn err(code: &[u8], functions: &[core::ops::Range<usize>]) -> VerifyError {
    let e = verify(code, functions).expect_err("verification should fail");
    // Every error renders with its offset.
    assert!(e.to_string().contains(&format!("{:#x}", e.offset)), "{e}");
    e
}

/// f: a loop with a jump table and a call to g; g: returns.
fn valid_module() -> (Vec<u8>, Vec<core::ops::Range<usize>>) {
    let mut a = Assembler::new();
    let (top, l1, l2, g, exit) = (a.label(), a.label(), a.label(), a.label(), a.label());
    a.bind(top);
    a.op(ops::BrTable32 { idx: x(0), len: 2 });
    a.branch(ops::Jump { offset: PcRel(0) }, l1).unwrap();
    a.branch(ops::Jump { offset: PcRel(0) }, l2).unwrap();
    a.bind(l1);
    a.branch(ops::Call { offset: PcRel(0) }, g).unwrap();
    a.branch(ops::BrIfXult64I { a: x(0), imm: 10, offset: PcRel(0) }, top).unwrap();
    a.bind(l2);
    a.branch(ops::BrIf32 { cond: x(1), offset: PcRel(0) }, exit).unwrap();
    a.op(ops::CallIndirectHost { id: 3 });
    a.bind(exit);
    a.op(ops::Ret {});
    let split = a.offset();
    a.bind(g);
    a.op(ops::PushFrameSave { amt: 16, regs: RegMask(0b11) });
    a.op(ops::PopFrameRestore { amt: 16, regs: RegMask(0b11) });
    a.op(ops::Ret {});
    let code = a.finish().unwrap();
    let len = code.len();
    (code, vec![0..split, split..len])
}

#[test]
fn accepts_well_formed_functions() {
    let (code, funcs) = valid_module();
    verify(&code, &funcs).unwrap();
    // Order of the ranges does not matter.
    verify(&code, &[funcs[1].clone(), funcs[0].clone()]).unwrap();
}

#[test]
fn rejects_bad_function_ranges() {
    let (code, funcs) = valid_module();
    let e = err(&code, &[0..0]);
    assert!(matches!(e.kind, VerifyErrorKind::BadFunctionRange { .. }));
    let e = err(&code, &[0..code.len() + 1]);
    assert!(matches!(e.kind, VerifyErrorKind::BadFunctionRange { .. }));
    let e = err(&code, &[funcs[0].clone(), funcs[0].start + 1..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::OverlappingFunctions);
}

#[test]
fn rejects_undecodable_and_truncated_ops() {
    let mut code = Vec::new();
    encode::xconst8(&mut code, x(0), 1);
    // An extended opcode past its table's end (the hot table is full).
    let n = ExtOpcode::COUNT as u16;
    code.extend([ESCAPE, n as u8, (n >> 8) as u8]);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.offset, 3);
    assert_eq!(e.kind, VerifyErrorKind::Decode(DecodeErrorKind::UnknownExtOpcode(n)));

    // An op cut by the end of its function (though the buffer goes on).
    let mut code = Vec::new();
    encode::xconst64(&mut code, x(0), 1);
    encode::ret(&mut code);
    let e = err(&code, &[0..5]);
    assert_eq!(e.offset, 0);
    assert!(matches!(e.kind, VerifyErrorKind::Decode(DecodeErrorKind::Truncated { op: "xconst64", .. })));
}

#[test]
fn rejects_branches_outside_the_function_or_into_an_op() {
    let mut code = Vec::new();
    encode::xconst8(&mut code, x(0), 0); // 3 bytes
    encode::br_if64(&mut code, x(0), PcRel(-2)); // into the middle of xconst8
    encode::ret(&mut code);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.offset, 3);
    assert_eq!(e.kind, VerifyErrorKind::BadBranchTarget { op: "br_if64", target: 1 });

    let mut code = Vec::new();
    encode::jump(&mut code, PcRel(-8)); // before the code
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::BadBranchTarget { op: "jump", target: -8 });

    // A jump into another function is not a branch.
    let mut code = Vec::new();
    encode::jump(&mut code, PcRel(5));
    encode::ret(&mut code);
    let e = err(&code, &[0..5, 5..6]);
    assert_eq!(e.kind, VerifyErrorKind::BadBranchTarget { op: "jump", target: 5 });
}

#[test]
fn rejects_calls_that_miss_function_starts() {
    // f = [call g+1; ret] at 0..6, g = [xconst8; ret] at 6..10.
    let mut code = Vec::new();
    encode::call(&mut code, PcRel(7));
    encode::ret(&mut code);
    encode::xconst8(&mut code, x(0), 0);
    encode::ret(&mut code);
    let e = err(&code, &[0..6, 6..code.len()]);
    assert_eq!(e.offset, 0);
    assert_eq!(e.kind, VerifyErrorKind::BadCallTarget { op: "call", target: 7 });

    // Calling g's start is fine, but only when g is a function.
    let mut ok = Vec::new();
    encode::call(&mut ok, PcRel(6));
    encode::ret(&mut ok);
    encode::ret(&mut ok);
    verify(&ok, &[0..6, 6..7]).unwrap();
    let e = err(&ok, &[0..7]);
    assert!(matches!(e.kind, VerifyErrorKind::BadCallTarget { .. }));
}

#[test]
fn rejects_malformed_jump_tables() {
    let mut code = Vec::new();
    encode::br_table32(&mut code, x(0), 0);
    encode::ret(&mut code);
    assert_eq!(err(&code, &[0..code.len()]).kind, VerifyErrorKind::BadJumpTable { len: 0 });

    // Two entries declared, one jump then something else.
    let mut code = Vec::new();
    encode::br_table32(&mut code, x(0), 2);
    encode::jump(&mut code, PcRel(10));
    encode::ret(&mut code);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.offset, 11);
    assert_eq!(e.kind, VerifyErrorKind::BadJumpTable { len: 1 });

    // The function ends before the table does.
    let mut code = Vec::new();
    encode::br_table32(&mut code, x(0), 3);
    encode::jump(&mut code, PcRel(0));
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::BadJumpTable { len: 2 });

    // The same for the table that loads its index.
    let mut code = Vec::new();
    encode::br_table32_xload8_u_ix(&mut code, x(1), x(2), -4, 0);
    encode::ret(&mut code);
    assert_eq!(err(&code, &[0..code.len()]).kind, VerifyErrorKind::BadJumpTable { len: 0 });
    let mut code = Vec::new();
    encode::br_table32_xload8_u_ix(&mut code, x(1), x(2), 0, 2);
    encode::jump(&mut code, PcRel(16));
    encode::ret(&mut code);
    assert_eq!(err(&code, &[0..code.len()]).kind, VerifyErrorKind::BadJumpTable { len: 1 });
    let mut code = Vec::new();
    encode::br_table32_xload8_u_ix(&mut code, x(1), x(2), 0, 2);
    encode::jump(&mut code, PcRel(10));
    encode::jump(&mut code, PcRel(5));
    encode::ret(&mut code);
    verify(&code, &[0..code.len()]).unwrap();
}

#[test]
fn rejects_functions_that_run_off_their_end() {
    let mut code = Vec::new();
    encode::xconst8(&mut code, x(0), 0);
    encode::call_indirect_host(&mut code, 1);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.offset, 3);
    assert_eq!(e.kind, VerifyErrorKind::FallsOffEnd { op: "call_indirect_host" });
}

#[test]
fn fused_jumps_end_a_function_and_their_targets_are_checked() {
    // A loop whose back edge is a fused op: `xzero; xadd64_i8_jump -> 0`.
    let mut code = Vec::new();
    encode::xzero(&mut code, x(0));
    encode::xadd64_i8_jump(&mut code, x(0), x(0), 1, PcRel(-2));
    assert!(verify(&code, &[0..code.len()]).is_ok());
    let mut code = Vec::new();
    encode::xzero(&mut code, x(0));
    encode::xmov_jump(&mut code, x(1), x(0), PcRel(-2));
    assert!(verify(&code, &[0..code.len()]).is_ok());
    // Into the middle of the `xzero`.
    let mut code = Vec::new();
    encode::xzero(&mut code, x(0));
    encode::xmov_jump(&mut code, x(1), x(0), PcRel(-1));
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::BadBranchTarget { op: "xmov_jump", target: 1 });
}

#[test]
fn rejects_frames_too_small_for_their_saves() {
    let mut code = Vec::new();
    encode::push_frame_save(&mut code, 8, RegMask(0b11));
    encode::ret(&mut code);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::FrameTooSmall { amt: 8, saved: 2 });
    // The x-only forms, both ways.
    let mut code = Vec::new();
    encode::push_frame_save_x(&mut code, 16, XRegMask(0b111));
    encode::ret(&mut code);
    let e = err(&code, &[0..code.len()]);
    assert_eq!(e.kind, VerifyErrorKind::FrameTooSmall { amt: 16, saved: 3 });
    let mut code = Vec::new();
    encode::push_frame_save_x(&mut code, 24, XRegMask(0b111));
    encode::pop_frame_restore_x(&mut code, 8, XRegMask(0b111));
    encode::ret(&mut code);
    let e = err(&code, &[0..code.len()]);
    assert_eq!((e.offset, e.kind), (5, VerifyErrorKind::FrameTooSmall { amt: 8, saved: 3 }));
    // Bits 14 and 15 name no register.
    let mut code = Vec::new();
    encode::push_frame_save_x(&mut code, 64, XRegMask(1 << 14));
    encode::ret(&mut code);
    assert!(matches!(err(&code, &[0..code.len()]).kind, VerifyErrorKind::Decode(_)));
}
