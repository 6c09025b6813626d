//! Emission: allocated VCode to bytecode, with the frame around it.
//!
//! Frame (when the function needs one: it calls, spills, or uses a
//! callee-saved register): `push_frame_save` saves `lr`/`fp` and the
//! callee-saved registers it uses just below `fp`; spill slots lie below
//! those, and the stack slots lie at `sp`, below everything. A frame over
//! 64 KiB (the `push_frame_save` amount is 16 bits) reserves the saved
//! registers and spills there and the rest with a `stack_alloc32`. Every
//! `Ret` becomes `pop_frame_restore; ret` (`sp = fp` frees both parts). The
//! `_x` forms of the two ops, two bytes shorter, serve frames that save no
//! f-register.

use crate::abi;
use crate::coalesce;
use crate::vcode::{Special, TableLoad, VCode, VInstKind};
use regalloc2::{Allocation, Block, Edit, Function, InstOrEdit, Output, PReg, RegClass};
use sheave_opcodes::{
    Assembler, FReg, Label, Op, PcRel, RegFieldMut, RegMask, VReg as SVReg, XReg, XRegMask, ops,
};

/// A function's bytecode, with the direct calls still to be linked.
pub struct Emitted {
    pub code: Vec<u8>,
    /// Ops that refer to a function: (op start, op end, index of the
    /// callee in the lowering's callees). The displacement, relative to the
    /// op's start, is the op's last 4 bytes.
    pub call_sites: Vec<(usize, usize, usize)>,
    /// Indirect call ops: (op start, index of the CLIF signature).
    pub indirect_calls: Vec<(usize, u32)>,
    /// Symbol addresses to fill in: (offset of an 8-byte little-endian
    /// immediate, index of the symbol in the lowering's callees, addend).
    pub symbol_refs: Vec<(usize, usize, i64)>,
}

struct Frame {
    needed: bool,
    saved: RegMask,
    /// Bytes below `fp`: saved registers, spill slots, stack slots.
    size: u32,
    /// The part `push_frame_save` reserves when the whole frame does not
    /// fit its 16-bit amount (the rest is a `stack_alloc32`): saved
    /// registers and spill slots.
    head: u16,
    /// `fp`-relative offset of spill slot 0.
    spill_base: i32,
}

impl Frame {
    /// The amount `push_frame_save` reserves: the whole frame when it
    /// fits 16 bits, else `head` (and a `stack_alloc32` the rest).
    fn saved_amount(&self) -> u16 {
        u16::try_from(self.size).unwrap_or(self.head)
    }
}

fn pinned() -> XReg {
    XReg::new(abi::PINNED as u8).expect("register below 32")
}

fn xreg(p: PReg) -> XReg {
    XReg::new(p.hw_enc() as u8).expect("allocatable x-register")
}
fn freg(p: PReg) -> FReg {
    FReg::new(p.hw_enc() as u8).expect("allocatable f-register")
}
fn vreg(p: PReg) -> SVReg {
    SVReg::new(p.hw_enc() as u8).expect("allocatable v-register")
}

pub(crate) fn emit(vcode: &VCode, out: &Output) -> Result<Emitted, String> {
    let frame = layout_frame(vcode, out)?;
    let mut asm = Assembler::new();
    let labels: Vec<Label> = (0..vcode.blocks.len()).map(|_| asm.label()).collect();
    let mut call_sites = Vec::new();
    let mut indirect_calls = Vec::new();
    let mut symbol_refs = Vec::new();

    let early_exit = if frame.needed { early_exit(vcode, out)? } else { None };
    if frame.needed && early_exit.is_none() {
        push_frame(&mut asm, &frame);
    }
    let forward = forwarding(vcode, out);
    let uses = coalesce::Uses::of(vcode);
    let tests = loop_tests(vcode, out, &forward, early_exit.is_some())?;
    for b in 0..vcode.blocks.len() {
        if forward[b] != b {
            // A block that only jumps: branches go straight to its target.
            continue;
        }
        asm.bind(labels[b]);
        let next_block = (b + 1..vcode.blocks.len()).find(|&n| forward[n] == n).unwrap_or(usize::MAX);
        let succs: Vec<Block> =
            vcode.block_succs(Block::new(b)).iter().map(|s| Block::new(forward[s.index()])).collect();
        let items: Vec<InstOrEdit> = out.block_insts_and_edits(vcode, Block::new(b)).collect();
        let (folded_moves, call_args) = fold_call_moves(vcode, &items);
        let mut retargets = coalesce::retarget(vcode, out, &items, &uses);
        if succs.first().is_some_and(|s| s.index() != next_block) {
            coalesce::sink_step(vcode, out, &items, &mut retargets);
        }
        coalesce::forward_moves(vcode, out, &items, &mut retargets);
        coalesce::forward_sp(vcode, out, &items, &uses, &mut retargets);
        coalesce::forward_copies(vcode, out, &items, &folded_moves, &mut retargets);
        let jump_fusion = fuse_jump(vcode, out, &items, &retargets, &succs, next_block)?;
        for &i in &retargets.order {
            let item = &items[i];
            if let Some((at, fused)) = jump_fusion {
                if i == at {
                    match rotated_latch(fused, tests[succs[0].index()]) {
                        Some((step, test)) => {
                            asm.branch(step, labels[test.stay]).map_err(|e| e.to_string())?;
                            if test.exit != next_block {
                                asm.branch(ops::Jump { offset: PcRel(0) }, labels[test.exit])
                                    .map_err(|e| e.to_string())?;
                            }
                        }
                        None => {
                            asm.branch(fused, labels[succs[0].index()]).map_err(|e| e.to_string())?;
                        }
                    }
                    continue;
                }
                if i == items.len() - 1 {
                    // The jump, already made by the fused op.
                    continue;
                }
            }
            match item {
                InstOrEdit::Edit(_) if folded_moves.contains(&i) => {}
                InstOrEdit::Edit(Edit::Move { from, to }) => match retargets.moves.get(&i) {
                    Some(&(from, to)) => {
                        emit_move(&mut asm, &frame, Allocation::reg(from), Allocation::reg(to))?
                    }
                    None => emit_move(&mut asm, &frame, *from, *to)?,
                },
                InstOrEdit::Inst(inst) => {
                    let inst = *inst;
                    let vinst = &vcode.insts[inst.index()];
                    let allocs = out.inst_allocs(inst);
                    match &vinst.kind {
                        VInstKind::Op(op) => {
                            asm.op(rewrite(*op, &retargets.allocs(i, allocs))?);
                        }
                        VInstKind::Args => {}
                        VInstKind::Ret => {
                            // The early exit returns before the frame is pushed.
                            if frame.needed && early_exit.is_none_or(|e| e.exit != b) {
                                pop_frame(&mut asm, &frame);
                            }
                            if vcode.callee_pops > 0 {
                                asm.op(ops::StackFree32 { amt: vcode.callee_pops });
                            }
                            asm.op(ops::Ret {});
                        }
                        VInstKind::Jump => {
                            if succs[0].index() != next_block {
                                asm.branch(ops::Jump { offset: PcRel(0) }, labels[succs[0].index()])
                                    .map_err(|e| e.to_string())?;
                            }
                        }
                        VInstKind::CondBr(_) if b == 0 && early_exit.is_some() => {
                            let e = early_exit.expect("checked");
                            // Branch to the exit first, then push the frame
                            // for the rest of the function.
                            asm.branch(e.branch, labels[e.exit]).map_err(|e| e.to_string())?;
                            push_frame(&mut asm, &frame);
                            if e.body != next_block {
                                asm.branch(ops::Jump { offset: PcRel(0) }, labels[e.body])
                                    .map_err(|e| e.to_string())?;
                            }
                        }
                        VInstKind::CondBr(op) => {
                            let op = rewrite(*op, allocs)?;
                            let (branch, target, jump) =
                                laid_out_branch(op, succs[0].index(), succs[1].index(), next_block);
                            asm.branch(branch, labels[target]).map_err(|e| e.to_string())?;
                            if let Some(other) = jump {
                                asm.branch(ops::Jump { offset: PcRel(0) }, labels[other])
                                    .map_err(|e| e.to_string())?;
                            }
                        }
                        VInstKind::Call { callee } => {
                            let start = asm.offset();
                            let x = |k: usize, a: &[Option<XReg>; 3]| {
                                a[k].unwrap_or_else(|| XReg::new(k as u8).expect("argument register"))
                            };
                            let offset = PcRel(0);
                            match call_args.get(&i) {
                                None => asm.op(ops::Call { offset }),
                                Some(a) if a[1].is_none() && a[2].is_none() => {
                                    asm.op(ops::Call1 { a0: x(0, a), offset })
                                }
                                Some(a) if a[2].is_none() => {
                                    asm.op(ops::Call2 { a0: x(0, a), a1: x(1, a), offset })
                                }
                                Some(a) => {
                                    asm.op(ops::Call3 { a0: x(0, a), a1: x(1, a), a2: x(2, a), offset })
                                }
                            };
                            call_sites.push((start, asm.offset(), *callee));
                        }
                        VInstKind::ReturnCall { callee, stack_args } => {
                            tail_call_epilogue(&mut asm, &frame, vcode.callee_pops, *stack_args)?;
                            let start = asm.offset();
                            asm.op(ops::ReturnCall { offset: PcRel(0) });
                            call_sites.push((start, asm.offset(), *callee));
                        }
                        VInstKind::ReturnCallIndirect { stack_args, sig } => {
                            let target = allocs[0].as_reg().ok_or("call target not in a register")?;
                            tail_call_epilogue(&mut asm, &frame, vcode.callee_pops, *stack_args)?;
                            indirect_calls.push((asm.offset(), *sig));
                            // An f-register carries it when the x ones all carry arguments.
                            match target.class() {
                                RegClass::Float => asm.op(ops::ReturnCallIndirectF { target: freg(target) }),
                                _ => asm.op(ops::ReturnCallIndirect { target: xreg(target) }),
                            };
                        }
                        VInstKind::HostCall { id } => {
                            asm.op(ops::CallIndirectHost { id: *id });
                        }
                        VInstKind::CallIndirect { sig } => {
                            let target = allocs[0].as_reg().ok_or("call target not in a register")?;
                            indirect_calls.push((asm.offset(), *sig));
                            asm.op(ops::CallIndirect { target: xreg(target) });
                        }
                        VInstKind::FuncAddr { callee } => {
                            let dst = allocs[0].as_reg().ok_or("func_addr result not in a register")?;
                            let start = asm.offset();
                            asm.op(ops::Xpcadd { dst: xreg(dst), offset: PcRel(0) });
                            call_sites.push((start, asm.offset(), *callee));
                        }
                        VInstKind::SymbolValue { symbol, addend } => {
                            let dst = allocs[0].as_reg().ok_or("symbol_value result not in a register")?;
                            asm.op(ops::Xconst64 { dst: xreg(dst), imm: 0 });
                            symbol_refs.push((asm.offset() - 8, *symbol, *addend));
                        }
                        VInstKind::BrTable { load } => {
                            let reg = |k: usize| {
                                allocs[k].as_reg().map(xreg).ok_or("br_table operand not in a register")
                            };
                            let len = u32::try_from(succs.len()).map_err(|_| "jump table too large")?;
                            match load {
                                None => asm.op(ops::BrTable32 { idx: reg(0)?, len }),
                                Some(TableLoad { offset, sp_base }) => {
                                    let (base, index) =
                                        if *sp_base { (XReg::SP, reg(0)?) } else { (reg(0)?, reg(1)?) };
                                    asm.op(ops::BrTable32Xload8UIx { base, index, offset: *offset, len })
                                }
                            };
                            // Entries first, the default (successor 0) last.
                            for s in succs[1..].iter().chain(&succs[..1]) {
                                asm.branch(ops::Jump { offset: PcRel(0) }, labels[s.index()])
                                    .map_err(|e| e.to_string())?;
                            }
                        }
                        VInstKind::Trap(op) => {
                            asm.op(*op);
                        }
                        VInstKind::LoadIncoming { offset } => {
                            let dst = allocs[0].as_reg().ok_or("stack argument not in a register")?;
                            match dst.class() {
                                RegClass::Int => {
                                    asm.op(ops::Xload64 { dst: xreg(dst), base: XReg::FP, offset: *offset })
                                }
                                _ => asm.op(ops::Fload64 { dst: freg(dst), base: XReg::FP, offset: *offset }),
                            };
                        }
                        VInstKind::StoreIncoming { offset } => {
                            let src = allocs[0].as_reg().ok_or("stack argument not in a register")?;
                            match src.class() {
                                RegClass::Int => {
                                    asm.op(ops::Xstore64 { base: XReg::FP, offset: *offset, src: xreg(src) })
                                }
                                _ => {
                                    asm.op(ops::Fstore64 { base: XReg::FP, offset: *offset, src: freg(src) })
                                }
                            };
                        }
                        VInstKind::LoadOutgoing { offset } => {
                            let dst = allocs[0].as_reg().ok_or("stack result not in a register")?;
                            match dst.class() {
                                RegClass::Int => {
                                    asm.op(ops::Xload64 { dst: xreg(dst), base: XReg::SP, offset: *offset })
                                }
                                _ => asm.op(ops::Fload64 { dst: freg(dst), base: XReg::SP, offset: *offset }),
                            };
                        }
                        VInstKind::StoreOutgoing { offset } => {
                            let src = allocs[0].as_reg().ok_or("stack argument not in a register")?;
                            match src.class() {
                                RegClass::Int => {
                                    asm.op(ops::Xstore64 { base: XReg::SP, offset: *offset, src: xreg(src) })
                                }
                                _ => {
                                    asm.op(ops::Fstore64 { base: XReg::SP, offset: *offset, src: freg(src) })
                                }
                            };
                        }
                        VInstKind::AdjustSp { grow, bytes } => {
                            if *grow {
                                asm.op(ops::StackAlloc32 { amt: *bytes });
                            } else {
                                asm.op(ops::StackFree32 { amt: *bytes });
                            }
                        }
                        VInstKind::WritePinned => {
                            let src = xreg(allocs[0].as_reg().ok_or("pinned value not in a register")?);
                            asm.op(ops::Xmov { dst: pinned(), src });
                        }
                        VInstKind::ReadSpecial(which) => {
                            let dst = xreg(allocs[0].as_reg().ok_or("result not in a register")?);
                            match which {
                                Special::Sp => asm.op(ops::Xmov { dst, src: XReg::SP }),
                                Special::Fp => asm.op(ops::Xmov { dst, src: XReg::FP }),
                                Special::Lr => asm.op(ops::GetLr { dst }),
                                Special::Pinned => asm.op(ops::Xmov { dst, src: pinned() }),
                            };
                        }
                        VInstKind::StackAddr { offset } => {
                            let dst = allocs[0].as_reg().ok_or("stack_addr result not in a register")?;
                            match i8::try_from(*offset) {
                                Ok(0) => asm.op(ops::Xmov { dst: xreg(dst), src: XReg::SP }),
                                Ok(imm) => asm.op(ops::Xadd64I8 { dst: xreg(dst), a: XReg::SP, imm }),
                                Err(_) => asm.op(ops::Xadd64I { dst: xreg(dst), a: XReg::SP, imm: *offset }),
                            };
                        }
                    }
                }
            }
        }
    }
    let code = asm.finish().map_err(|e| e.to_string())?;
    Ok(Emitted { code, call_sites, indirect_calls, symbol_refs })
}

/// Before a tail call: pop the frame, then put the callee's `stack_args`
/// bytes of arguments (stored at `sp` below the frame) at the top of this
/// function's incoming area of `incoming` bytes, with `sp` at their start:
/// the callee finds them above its frame record and releases them when it
/// returns, leaving `sp` where this function's caller expects it.
/// The register moves just before a direct call that the call can make
/// itself: `call1`..`call3` copy up to three registers into `x0..x2` (all
/// read before any is written). Returns the indices of those moves in
/// `items` and, per call's index, the source for each of `x0..x2`.
///
/// Only a trailing run of int register-to-register moves into distinct
/// `x0..x2` folds, and only while no folded move writes a register that a
/// later folded move reads: then doing them at once equals doing them in
/// order.
fn fold_call_moves(
    vcode: &VCode,
    items: &[InstOrEdit],
) -> (std::collections::HashSet<usize>, std::collections::HashMap<usize, [Option<XReg>; 3]>) {
    let mut folded = std::collections::HashSet::new();
    let mut calls = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let InstOrEdit::Inst(inst) = item else { continue };
        if !matches!(vcode.insts[inst.index()].kind, VInstKind::Call { .. }) {
            continue;
        }
        let mut args: [Option<XReg>; 3] = [None; 3];
        let mut j = i;
        while j > 0 {
            let InstOrEdit::Edit(Edit::Move { from, to }) = items[j - 1] else { break };
            let (Some(src), Some(dst)) = (from.as_reg(), to.as_reg()) else { break };
            if src.class() != RegClass::Int || dst.class() != RegClass::Int {
                break;
            }
            let d = dst.hw_enc();
            let writes_a_later_source = args.iter().flatten().any(|r| r.index() == d);
            if d >= 3 || args[d].is_some() || writes_a_later_source {
                break;
            }
            args[d] = Some(xreg(src));
            folded.insert(j - 1);
            j -= 1;
        }
        if args.iter().any(Option::is_some) {
            calls.insert(i, args);
        }
    }
    (folded, calls)
}

/// A block that ends in a jump the code makes (not to the next block),
/// just after an `xadd64_i8` or an integer register move: that op and the
/// jump become one super-instruction (`xadd64_i8_jump`, `xmov_jump`; the
/// first and second most frequent pairs of ops over the benchmark suite,
/// `report --profile-ops`). Returns the index of that op in `items` and the
/// fused op, whose offset is still to be patched.
fn fuse_jump(
    vcode: &VCode,
    out: &Output,
    items: &[InstOrEdit],
    retargets: &coalesce::Retargets,
    succs: &[Block],
    next_block: usize,
) -> Result<Option<(usize, Op)>, String> {
    let Some(InstOrEdit::Inst(last)) = items.last() else { return Ok(None) };
    if !matches!(vcode.insts[last.index()].kind, VInstKind::Jump) || succs[0].index() == next_block {
        return Ok(None);
    }
    // The last item emitted before the jump.
    let [.., at, _] = retargets.order[..] else { return Ok(None) };
    let before = &items[at];
    let offset = PcRel(0);
    let fused = match before {
        InstOrEdit::Edit(Edit::Move { .. }) => match retargets.reg_move(at, items) {
            Some((f, t)) if f != t && f.class() == RegClass::Int => {
                Op::XmovJump(ops::XmovJump { dst: xreg(t), src: xreg(f), offset })
            }
            _ => return Ok(None),
        },
        InstOrEdit::Inst(inst) => match &vcode.insts[inst.index()].kind {
            VInstKind::Op(op) => match coalesce::jump_form(
                rewrite(*op, &retargets.allocs(at, out.inst_allocs(*inst)))?,
                offset,
            ) {
                Some(fused) => fused,
                None => return Ok(None),
            },
            _ => return Ok(None),
        },
    };
    Ok(Some((at, fused)))
}

/// How conditional branch `op` to `taken`, else to `not_taken`, is laid
/// out before block `next`: the branch op, its target, and the block a
/// `jump` after it goes to, if one is needed. It falls through to the next
/// block whichever way that is reached: a taken branch to the next block
/// becomes the inverted branch to the other one.
fn laid_out_branch(op: Op, taken: usize, not_taken: usize, next: usize) -> (Op, usize, Option<usize>) {
    match inverted_branch(op) {
        Some(inverse) if taken == next && not_taken != next => (inverse, not_taken, None),
        _ => (op, taken, (not_taken != next).then_some(not_taken)),
    }
}

/// A block whose whole code is one unsigned test `r < n` that stays
/// (falls through to the next block) while it holds and jumps out
/// otherwise: a counted loop's header, `br_if_xulteq64 n, r`,
/// `br_if_xugteq64_i8 r, n`, `br_if_xugteq64_i r, n` or (32-bit)
/// `br_if_xugteq32_i8 r, n`.
#[derive(Clone, Copy)]
struct LoopTest {
    r: XReg,
    n: Bound,
    /// Whether the test compares the low 32 bits (a 32-bit counter).
    narrow: bool,
    /// The block reached while `r < n` (the next one in the layout).
    stay: usize,
    /// The block reached otherwise.
    exit: usize,
}

/// A [`LoopTest`]'s `n`.
#[derive(Clone, Copy)]
enum Bound {
    Reg(XReg),
    /// A constant, sign-extended.
    Imm8(i8),
    /// A constant beyond `i8`, sign-extended.
    Imm32(i32),
}

/// Each block's [`LoopTest`], if it is one. The entry block never is when
/// it holds an early exit (its branch is emitted before the frame).
fn loop_tests(
    vcode: &VCode,
    out: &Output,
    forward: &[usize],
    early_exit: bool,
) -> Result<Vec<Option<LoopTest>>, String> {
    let n = vcode.blocks.len();
    let next_of = |b: usize| (b + 1..n).find(|&k| forward[k] == k).unwrap_or(usize::MAX);
    let mut tests = vec![None; n];
    for b in 0..n {
        if forward[b] != b || (b == 0 && early_exit) {
            continue;
        }
        let mut items = out.block_insts_and_edits(vcode, Block::new(b));
        let (Some(InstOrEdit::Inst(inst)), None) = (items.next(), items.next()) else { continue };
        let VInstKind::CondBr(op) = vcode.insts[inst.index()].kind else { continue };
        let succs: Vec<usize> = vcode.block_succs(Block::new(b)).iter().map(|s| forward[s.index()]).collect();
        let (taken, not_taken, next) = (succs[0], succs[1], next_of(b));
        // The branch as emitted: it must jump out and fall through to the
        // next block.
        let (branch, exit, None) =
            laid_out_branch(rewrite(op, out.inst_allocs(inst))?, taken, not_taken, next)
        else {
            continue;
        };
        if exit == next {
            continue;
        }
        let (r, n, narrow) = match branch {
            Op::BrIfXulteq64(ops::BrIfXulteq64 { a, b, .. }) => (b, Bound::Reg(a), false),
            Op::BrIfXugteq64I8(ops::BrIfXugteq64I8 { a, imm, .. }) => (a, Bound::Imm8(imm), false),
            Op::BrIfXugteq64I(ops::BrIfXugteq64I { a, imm, .. }) => (a, Bound::Imm32(imm), false),
            Op::BrIfXugteq32I8(ops::BrIfXugteq32I8 { a, imm, .. }) => (a, Bound::Imm8(imm), true),
            _ => continue,
        };
        tests[b] = Some(LoopTest { r, n, narrow, stay: next, exit });
    }
    Ok(tests)
}

/// A loop's back edge `xadd64_i8_jump r, r, imm` to a [`LoopTest`] on `r`:
/// the step and the test become one op at the bottom,
/// `xadd64_i8_br_if_xult64` (or `_i8`, `_i`), branching to the loop's body, which saves the
/// header's op on every trip (the header still runs on entry). The loop's
/// exit then takes a `jump` after it, unless the exit comes next. A 32-bit
/// counter (`xadd32_i8_jump` to a 32-bit test) becomes
/// `xadd32_i8_br_if_xult32_i8`; the widths of step and test must agree.
fn rotated_latch(fused: Op, test: Option<LoopTest>) -> Option<(Op, LoopTest)> {
    let test = test?;
    let offset = PcRel(0);
    let (dst, step) = match (fused, test.narrow, test.n) {
        (Op::Xadd64I8Jump(ops::Xadd64I8Jump { dst, a, imm, .. }), false, Bound::Reg(n)) => {
            (dst, Op::Xadd64I8BrIfXult64(ops::Xadd64I8BrIfXult64 { dst, a, n, imm, offset }))
        }
        (Op::Xadd64I8Jump(ops::Xadd64I8Jump { dst, a, imm, .. }), false, Bound::Imm8(bound)) => {
            (dst, Op::Xadd64I8BrIfXult64I8(ops::Xadd64I8BrIfXult64I8 { dst, a, imm, bound, offset }))
        }
        (Op::Xadd64I8Jump(ops::Xadd64I8Jump { dst, a, imm, .. }), false, Bound::Imm32(bound)) => {
            (dst, Op::Xadd64I8BrIfXult64I(ops::Xadd64I8BrIfXult64I { dst, a, imm, bound, offset }))
        }
        (Op::Xadd32I8Jump(ops::Xadd32I8Jump { dst, a, imm, .. }), true, Bound::Imm8(bound)) => {
            (dst, Op::Xadd32I8BrIfXult32I8(ops::Xadd32I8BrIfXult32I8 { dst, a, imm, bound, offset }))
        }
        _ => return None,
    };
    (dst == test.r).then_some((step, test))
}

/// For each block, the block its code really starts at: a block (other
/// than the entry) whose only content is a jump, with no moves (typically
/// an edge block of a critical edge that needed none), forwards to its
/// jump's target, followed through chains; other blocks map to themselves.
fn forwarding(vcode: &VCode, out: &Output) -> Vec<usize> {
    let n = vcode.blocks.len();
    let jump_only = |b: usize| -> Option<usize> {
        if b == 0 {
            return None;
        }
        let mut items = out.block_insts_and_edits(vcode, Block::new(b));
        match (items.next(), items.next()) {
            (Some(InstOrEdit::Inst(inst)), None)
                if matches!(vcode.insts[inst.index()].kind, VInstKind::Jump) =>
            {
                Some(vcode.block_succs(Block::new(b))[0].index())
            }
            _ => None,
        }
    };
    let direct: Vec<Option<usize>> = (0..n).map(jump_only).collect();
    (0..n)
        .map(|b| {
            // Follow at most n links: a cycle of empty blocks (an empty
            // infinite loop) keeps its first block.
            let mut at = b;
            for _ in 0..n {
                match direct[at] {
                    Some(next) if next != b => at = next,
                    _ => break,
                }
            }
            if direct[at].is_some() { b } else { at }
        })
        .collect()
}

/// An entry block that only tests its arguments and branches to a block
/// that only returns: the branch runs before the frame is pushed, and that
/// return pops none (shrink-wrapping the common early exit, such as the
/// base case of a recursion).
#[derive(Clone, Copy)]
struct EarlyExit {
    /// The entry's branch, taken to `exit`.
    branch: Op,
    /// The returning block.
    exit: usize,
    /// The entry's other successor.
    body: usize,
}

/// The function's [`EarlyExit`], if it has one. The entry block must be
/// its arguments and one conditional branch on registers that are not
/// callee-saved, with no moves, and no block may branch back to it; the
/// exit block must be reached only from the entry and hold only moves and
/// constants into registers that are not callee-saved, then the return. Then
/// nothing before the frame is pushed touches the stack or a register the
/// frame would save.
fn early_exit(vcode: &VCode, out: &Output) -> Result<Option<EarlyExit>, String> {
    let entry = Block::new(0);
    if !vcode.block_preds(entry).is_empty() {
        return Ok(None);
    }
    let plain = |a: Allocation| a.as_reg().is_some_and(|p| !abi::is_callee_saved(p));
    let mut items = out.block_insts_and_edits(vcode, entry);
    let branch = match (items.next(), items.next(), items.next()) {
        (Some(InstOrEdit::Inst(args)), Some(InstOrEdit::Inst(br)), None)
            if matches!(vcode.insts[args.index()].kind, VInstKind::Args) =>
        {
            let VInstKind::CondBr(op) = vcode.insts[br.index()].kind else { return Ok(None) };
            let allocs = out.inst_allocs(br);
            if !allocs.iter().all(|&a| plain(a)) {
                return Ok(None);
            }
            rewrite(op, allocs)?
        }
        _ => return Ok(None),
    };
    let succs = vcode.block_succs(entry);
    let returns_only = |b: Block| {
        vcode.block_preds(b) == [entry]
            && out.block_insts_and_edits(vcode, b).all(|item| match item {
                InstOrEdit::Edit(Edit::Move { from, to }) => plain(*from) && plain(*to),
                InstOrEdit::Inst(inst) => match vcode.insts[inst.index()].kind {
                    VInstKind::Ret => true,
                    // Constants into registers the frame would not save
                    // (they cannot trap, nor touch the stack).
                    VInstKind::Op(
                        Op::Xzero(_)
                        | Op::Xconst8(_)
                        | Op::Xconst16(_)
                        | Op::Xconst32(_)
                        | Op::Xconst64(_)
                        | Op::Fconst32(_)
                        | Op::Fconst64(_),
                    ) => out.inst_allocs(inst).iter().all(|&a| plain(a)),
                    _ => false,
                },
            })
    };
    let (taken, not_taken) = (succs[0], succs[1]);
    Ok(if taken != not_taken && returns_only(taken) {
        Some(EarlyExit { branch, exit: taken.index(), body: not_taken.index() })
    } else if taken != not_taken && returns_only(not_taken) {
        inverted_branch(branch).map(|inverse| EarlyExit {
            branch: inverse,
            exit: not_taken.index(),
            body: taken.index(),
        })
    } else {
        None
    })
}

/// The prologue: the one-byte `push_frame` when the frame is only the
/// frame record (a function that calls but keeps nothing across calls).
fn push_frame(asm: &mut Assembler, frame: &Frame) {
    if frame.size == 0 && frame.saved == RegMask::default() {
        asm.op(ops::PushFrame {});
    } else {
        let amt = frame.saved_amount();
        // The short form when no f-register is saved.
        match XRegMask::from_mask(frame.saved) {
            Some(regs) => asm.op(ops::PushFrameSaveX { amt, regs }),
            None => asm.op(ops::PushFrameSave { amt, regs: frame.saved }),
        };
        if frame.size > u32::from(amt) {
            asm.op(ops::StackAlloc32 { amt: frame.size - u32::from(amt) });
        }
    }
}

/// The epilogue matching [`push_frame`].
fn pop_frame(asm: &mut Assembler, frame: &Frame) {
    if frame.size == 0 && frame.saved == RegMask::default() {
        asm.op(ops::PopFrame {});
    } else {
        // `sp = fp` frees a `stack_alloc32` part too.
        let amt = frame.saved_amount();
        match XRegMask::from_mask(frame.saved) {
            Some(regs) => asm.op(ops::PopFrameRestoreX { amt, regs }),
            None => asm.op(ops::PopFrameRestore { amt, regs: frame.saved }),
        };
    }
}

fn tail_call_epilogue(
    asm: &mut Assembler,
    frame: &Frame,
    incoming: u32,
    stack_args: u32,
) -> Result<(), String> {
    let too_big = || "tail call stack arguments too large".to_string();
    let (b, a) =
        (i32::try_from(stack_args).map_err(|_| too_big())?, i32::try_from(incoming).map_err(|_| too_big())?);
    let from = if frame.needed {
        pop_frame(asm, frame);
        // sp is back at this function's entry sp; the arguments lie below
        // the frame record and the frame.
        -(16 + i32::try_from(frame.size).map_err(|_| too_big())? + b)
    } else {
        // sp still points at the arguments.
        0
    };
    let to = if frame.needed { a - b } else { a };
    if to != 0 || b > 0 {
        asm.op(ops::StackShuffle { from, to, bytes: stack_args });
    }
    Ok(())
}

fn layout_frame(vcode: &VCode, out: &Output) -> Result<Frame, String> {
    let mut saved = RegMask::default();
    let mut note = |a: Allocation| {
        if let Some(p) = a.as_reg()
            && abi::is_callee_saved(p)
        {
            saved = match p.class() {
                RegClass::Int => saved.with_x(xreg(p)),
                _ => saved.with_f(freg(p)),
            }
            .expect("callee-saved registers fit the mask");
        }
    };
    for &a in &out.allocs {
        note(a);
    }
    for (_, Edit::Move { to, .. }) in &out.edits {
        note(*to);
    }
    let calls = vcode.insts.iter().any(|i| {
        matches!(
            i.kind,
            VInstKind::Call { .. }
                | VInstKind::CallIndirect { .. }
                | VInstKind::LoadIncoming { .. }
                | VInstKind::StoreIncoming { .. }
        )
    });
    // Below fp: saved registers, spill slots, padding, then the stack
    // slots at sp. The total keeps sp 16-byte aligned.
    let spill_bytes = out.num_spillslots * 8;
    let save_bytes = saved.count() as usize * 8;
    let total = (save_bytes + spill_bytes + vcode.stack_slots_size as usize).next_multiple_of(16);
    let head = (save_bytes + spill_bytes).next_multiple_of(16);
    let too_large =
        |what: &str, n: usize, limit: u64| format!("{what} of {n} bytes is too large (limit {limit})");
    let head = u16::try_from(head).map_err(|_| too_large("register save and spill area", head, 65535))?;
    // Frames stay well inside the 32-bit offsets that address them.
    let size = u32::try_from(total)
        .ok()
        .filter(|&s| s <= i32::MAX as u32 / 2)
        .ok_or_else(|| too_large("frame", total, i32::MAX as u64 / 2))?;
    Ok(Frame {
        needed: calls || size > 0,
        saved,
        size,
        head,
        spill_base: -((save_bytes + spill_bytes) as i32),
    })
}

/// Replace the placeholder registers of `op` by the allocated ones.
fn rewrite(mut op: Op, allocs: &[Allocation]) -> Result<Op, String> {
    let mut i = 0;
    let mut error = None;
    op.for_each_reg_field(|_, field| {
        // Lowering put `sp` in a field that addresses from it, and gave
        // the field no operand (placeholders are `fp`).
        if matches!(&field, RegFieldMut::X(r) if **r == XReg::SP) {
            return;
        }
        let Some(p) = allocs.get(i).and_then(|a| a.as_reg()) else {
            error = Some("an operand was not given a register".to_string());
            return;
        };
        match field {
            RegFieldMut::X(r) => *r = xreg(p),
            RegFieldMut::F(r) => *r = freg(p),
            RegFieldMut::V(r) => *r = vreg(p),
        }
        i += 1;
    });
    match error {
        Some(e) => Err(e),
        None => Ok(op),
    }
}

/// The branch taken exactly when `op` is not, with the same operands;
/// `None` for float compares (with a NaN both `a < b` and `a >= b` are
/// false, so neither is the other's inverse).
fn inverted_branch(op: Op) -> Option<Op> {
    use ops::*;
    macro_rules! same {
        ($op:ident, $inv:ident, $v:ident) => {
            Op::$inv($inv { a: $v.a, b: $v.b, offset: $v.offset })
        };
    }
    macro_rules! swapped {
        ($inv:ident, $v:ident) => {
            Op::$inv($inv { a: $v.b, b: $v.a, offset: $v.offset })
        };
    }
    macro_rules! imm {
        ($inv:ident, $v:ident) => {
            Op::$inv($inv { a: $v.a, imm: $v.imm, offset: $v.offset })
        };
    }
    Some(match op {
        Op::BrIf32(v) => Op::BrIfNot32(BrIfNot32 { cond: v.cond, offset: v.offset }),
        Op::BrIfNot32(v) => Op::BrIf32(BrIf32 { cond: v.cond, offset: v.offset }),
        Op::BrIf64(v) => Op::BrIfNot64(BrIfNot64 { cond: v.cond, offset: v.offset }),
        Op::BrIfNot64(v) => Op::BrIf64(BrIf64 { cond: v.cond, offset: v.offset }),
        Op::BrIfXband64I8(v) => imm!(BrIfnotXband64I8, v),
        Op::BrIfnotXband64I8(v) => imm!(BrIfXband64I8, v),
        Op::BrIfXband32I8(v) => imm!(BrIfnotXband32I8, v),
        Op::BrIfnotXband32I8(v) => imm!(BrIfXband32I8, v),
        // Register pairs: equality flips; `a < b` fails exactly when `b <= a`.
        Op::BrIfXeq32(v) => same!(BrIfXeq32, BrIfXneq32, v),
        Op::BrIfXneq32(v) => same!(BrIfXneq32, BrIfXeq32, v),
        Op::BrIfXeq64(v) => same!(BrIfXeq64, BrIfXneq64, v),
        Op::BrIfXneq64(v) => same!(BrIfXneq64, BrIfXeq64, v),
        Op::BrIfXslt32(v) => swapped!(BrIfXslteq32, v),
        Op::BrIfXslteq32(v) => swapped!(BrIfXslt32, v),
        Op::BrIfXult32(v) => swapped!(BrIfXulteq32, v),
        Op::BrIfXulteq32(v) => swapped!(BrIfXult32, v),
        Op::BrIfXslt64(v) => swapped!(BrIfXslteq64, v),
        Op::BrIfXslteq64(v) => swapped!(BrIfXslt64, v),
        Op::BrIfXult64(v) => swapped!(BrIfXulteq64, v),
        Op::BrIfXulteq64(v) => swapped!(BrIfXult64, v),
        // Immediates: every condition has its complement.
        Op::BrIfXeq32I(v) => imm!(BrIfXneq32I, v),
        Op::BrIfXneq32I(v) => imm!(BrIfXeq32I, v),
        Op::BrIfXslt32I(v) => imm!(BrIfXsgteq32I, v),
        Op::BrIfXsgteq32I(v) => imm!(BrIfXslt32I, v),
        Op::BrIfXslteq32I(v) => imm!(BrIfXsgt32I, v),
        Op::BrIfXsgt32I(v) => imm!(BrIfXslteq32I, v),
        Op::BrIfXult32I(v) => imm!(BrIfXugteq32I, v),
        Op::BrIfXugteq32I(v) => imm!(BrIfXult32I, v),
        Op::BrIfXulteq32I(v) => imm!(BrIfXugt32I, v),
        Op::BrIfXugt32I(v) => imm!(BrIfXulteq32I, v),
        Op::BrIfXeq64I(v) => imm!(BrIfXneq64I, v),
        Op::BrIfXneq64I(v) => imm!(BrIfXeq64I, v),
        Op::BrIfXslt64I(v) => imm!(BrIfXsgteq64I, v),
        Op::BrIfXsgteq64I(v) => imm!(BrIfXslt64I, v),
        Op::BrIfXslteq64I(v) => imm!(BrIfXsgt64I, v),
        Op::BrIfXsgt64I(v) => imm!(BrIfXslteq64I, v),
        Op::BrIfXult64I(v) => imm!(BrIfXugteq64I, v),
        Op::BrIfXugteq64I(v) => imm!(BrIfXult64I, v),
        Op::BrIfXulteq64I(v) => imm!(BrIfXugt64I, v),
        Op::BrIfXugt64I(v) => imm!(BrIfXulteq64I, v),
        Op::BrIfXeq32I8(v) => imm!(BrIfXneq32I8, v),
        Op::BrIfXneq32I8(v) => imm!(BrIfXeq32I8, v),
        Op::BrIfXslt32I8(v) => imm!(BrIfXsgteq32I8, v),
        Op::BrIfXsgteq32I8(v) => imm!(BrIfXslt32I8, v),
        Op::BrIfXslteq32I8(v) => imm!(BrIfXsgt32I8, v),
        Op::BrIfXsgt32I8(v) => imm!(BrIfXslteq32I8, v),
        Op::BrIfXult32I8(v) => imm!(BrIfXugteq32I8, v),
        Op::BrIfXugteq32I8(v) => imm!(BrIfXult32I8, v),
        Op::BrIfXulteq32I8(v) => imm!(BrIfXugt32I8, v),
        Op::BrIfXugt32I8(v) => imm!(BrIfXulteq32I8, v),
        Op::BrIfXeq64I8(v) => imm!(BrIfXneq64I8, v),
        Op::BrIfXneq64I8(v) => imm!(BrIfXeq64I8, v),
        Op::BrIfXslt64I8(v) => imm!(BrIfXsgteq64I8, v),
        Op::BrIfXsgteq64I8(v) => imm!(BrIfXslt64I8, v),
        Op::BrIfXslteq64I8(v) => imm!(BrIfXsgt64I8, v),
        Op::BrIfXsgt64I8(v) => imm!(BrIfXslteq64I8, v),
        Op::BrIfXult64I8(v) => imm!(BrIfXugteq64I8, v),
        Op::BrIfXugteq64I8(v) => imm!(BrIfXult64I8, v),
        Op::BrIfXulteq64I8(v) => imm!(BrIfXugt64I8, v),
        Op::BrIfXugt64I8(v) => imm!(BrIfXulteq64I8, v),
        _ => return None,
    })
}

fn emit_move(asm: &mut Assembler, frame: &Frame, from: Allocation, to: Allocation) -> Result<(), String> {
    let slot = |a: Allocation| a.as_stack().map(|s| frame.spill_base + 8 * s.index() as i32);
    match (from.as_reg(), to.as_reg(), slot(from), slot(to)) {
        (Some(f), Some(t), _, _) if f == t => {}
        (Some(f), Some(t), _, _) => match f.class() {
            RegClass::Int => {
                asm.op(ops::Xmov { dst: xreg(t), src: xreg(f) });
            }
            RegClass::Float => {
                asm.op(ops::Fmov { dst: freg(t), src: freg(f) });
            }
            RegClass::Vector => {
                asm.op(ops::Vmov { dst: vreg(t), src: vreg(f) });
            }
        },
        (None, Some(t), Some(offset), _) => match t.class() {
            RegClass::Int => {
                asm.op(ops::Xload64 { dst: xreg(t), base: XReg::FP, offset });
            }
            RegClass::Float => {
                asm.op(ops::Fload64 { dst: freg(t), base: XReg::FP, offset });
            }
            RegClass::Vector => {
                asm.op(ops::Vload128 { dst: vreg(t), base: XReg::FP, offset });
            }
        },
        (Some(f), None, _, Some(offset)) => match f.class() {
            RegClass::Int => {
                asm.op(ops::Xstore64 { base: XReg::FP, offset, src: xreg(f) });
            }
            RegClass::Float => {
                asm.op(ops::Fstore64 { base: XReg::FP, offset, src: freg(f) });
            }
            RegClass::Vector => {
                asm.op(ops::Vstore128 { base: XReg::FP, offset, src: vreg(f) });
            }
        },
        _ => return Err(format!("unexpected move from {from} to {to}")),
    }
    Ok(())
}
