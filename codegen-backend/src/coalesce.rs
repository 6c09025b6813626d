//! Rewrites of an allocated block before it is emitted, for what
//! regalloc2 leaves behind. Each is checked on physical registers and on
//! the use counts of virtual ones, never assumed:
//!
//! - [`retarget`]: a value only passed to a block parameter is often given
//!   a register of its own and moved into the parameter's just before the
//!   jump (`xadd64_i8 x8, x3, 1; ...; xmov x3, x8; jump`); the op writes
//!   the parameter's register itself and the move goes.
//! - [`sink_step`]: a counter step moves down to the closing jump, where
//!   it fuses with it ([`jump_form`]).
//! - [`forward_moves`]: `a <- b` before an op that overwrites `a` and
//!   reads it (just before, or past moves that the op can move up past):
//!   the op reads `b`, where the move was.
//! - [`forward_sp`]: a copy of `sp` read by one op: the op reads `sp`.
//! - [`forward_copies`]: `t <- s`, ops reading `t`, then `d <- t` with `t`
//!   dead: `d <- s` first, the ops read `d`, and the second move goes.
//!
//! `retarget`'s conditions, in one block ending in `jump`, with a register
//! move `dst <- tmp` followed only by moves that do not read `tmp`:
//! - the op defining `tmp` must define nothing else, be free to use any
//!   register, and its value must have no use but one branch argument, so
//!   no one reads `tmp` for it later (in this block or past the jump);
//! - nothing between the op and the move may touch `tmp`;
//! - then the op writes `dst` where it is, if nothing between touches
//!   `dst`; or where the move was, if it cannot trap, nothing between
//!   writes its inputs and only plain ops and moves lie between.
//!
//! Reading `tmp` or `dst` itself is fine: an op reads its inputs before
//! it writes.

use crate::vcode::{VCode, VInst, VInstKind};
use regalloc2::{Allocation, Edit, InstOrEdit, OperandConstraint, OperandKind, Output, PReg, PRegSet, VReg};
use sheave_opcodes::{Op, PcRel, ops};
use std::collections::HashMap;

/// How often each vreg is read, by operands and by branch arguments.
pub(crate) struct Uses {
    operands: Vec<u32>,
    branch_args: Vec<u32>,
}

impl Uses {
    pub(crate) fn of(vcode: &VCode) -> Uses {
        let mut uses = Uses { operands: vec![0; vcode.num_vregs], branch_args: vec![0; vcode.num_vregs] };
        for op in vcode.insts.iter().flat_map(|inst| &inst.operands) {
            if op.kind() == OperandKind::Use {
                uses.operands[op.vreg().vreg()] += 1;
            }
        }
        for arg in vcode.blocks.iter().flat_map(|b| b.branch_args.iter().flatten()) {
            uses.branch_args[arg.vreg()] += 1;
        }
        uses
    }

    /// Whether `v`'s one use is an op's operand.
    fn one_operand(&self, v: VReg) -> bool {
        self.operands.get(v.vreg()) == Some(&1) && self.branch_args.get(v.vreg()) == Some(&0)
    }

    /// Whether `v`'s one use is a branch argument.
    fn one_branch_arg(&self, v: VReg) -> bool {
        self.operands.get(v.vreg()) == Some(&0) && self.branch_args.get(v.vreg()) == Some(&1)
    }
}

/// The op of `vinst` if it is a plain op: one op with no clobbers (not a
/// call, a frame or stack adjustment, or a branch).
fn plain(vinst: &VInst) -> Option<&Op> {
    match &vinst.kind {
        VInstKind::Op(op) if vinst.clobbers == PRegSet::empty() => Some(op),
        _ => None,
    }
}

/// The super-instruction `op` followed by a `jump` makes, if there is one
/// (`xadd64_i8_jump`, `xadd32_i8_jump`; `xmov_jump` is made from a move).
pub(crate) fn jump_form(op: Op, offset: PcRel) -> Option<Op> {
    Some(match op {
        Op::Xadd64I8(ops::Xadd64I8 { dst, a, imm }) => {
            Op::Xadd64I8Jump(ops::Xadd64I8Jump { dst, a, imm, offset })
        }
        Op::Xadd32I8(ops::Xadd32I8 { dst, a, imm }) => {
            Op::Xadd32I8Jump(ops::Xadd32I8Jump { dst, a, imm, offset })
        }
        _ => return None,
    })
}

/// Rewrites for one block's items (as `Output::block_insts_and_edits` gives them).
pub(crate) struct Retargets {
    /// The items to emit, by index, in order: all of them unless a move
    /// was removed or an op moved down to where its move was.
    pub order: Vec<usize>,
    /// Per index of an op to emit: operand indices and the registers that
    /// replace their allocations.
    pub regs: HashMap<usize, Vec<(usize, PReg)>>,
    /// Per index of a register move to emit: the `(from, to)` that
    /// replaces it ([`forward_copies`]).
    pub moves: HashMap<usize, (PReg, PReg)>,
}

impl Retargets {
    /// The register move `(from, to)` to emit at item `i`, if it is one:
    /// its rewrite, or the move regalloc2 made.
    pub fn reg_move(&self, i: usize, items: &[InstOrEdit]) -> Option<(PReg, PReg)> {
        if let Some(&m) = self.moves.get(&i) {
            return Some(m);
        }
        match items[i] {
            InstOrEdit::Edit(Edit::Move { from, to }) => Some((from.as_reg()?, to.as_reg()?)),
            InstOrEdit::Inst(_) => None,
        }
    }

    /// The allocations to emit the op at item `i` with.
    pub fn allocs<'a>(&self, i: usize, allocs: &'a [Allocation]) -> std::borrow::Cow<'a, [Allocation]> {
        match self.regs.get(&i) {
            Some(changes) => {
                let mut owned = allocs.to_vec();
                for &(k, reg) in changes {
                    owned[k] = Allocation::reg(reg);
                }
                owned.into()
            }
            None => allocs.into(),
        }
    }
}

/// The rewrites' starting point for a block, with `retarget`'s (see the
/// module docs) made if one applies.
pub(crate) fn retarget(vcode: &VCode, out: &Output, items: &[InstOrEdit], uses: &Uses) -> Retargets {
    let mut r = Retargets { order: (0..items.len()).collect(), regs: HashMap::new(), moves: HashMap::new() };
    let Some(InstOrEdit::Inst(last)) = items.last() else { return r };
    if !matches!(vcode.insts[last.index()].kind, VInstKind::Jump) {
        return r;
    }
    let end = items.len() - 1;
    // Items after the move may be nothing but moves that do not read
    // `tmp`: walk back from the jump over moves, trying each as `dst <- tmp`.
    let mut tail_start = end;
    while tail_start > 0 && matches!(items[tail_start - 1], InstOrEdit::Edit(_)) {
        tail_start -= 1;
    }
    for m in tail_start..end {
        let InstOrEdit::Edit(Edit::Move { from, to }) = items[m] else { continue };
        let (Some(tmp), Some(dst)) = (from.as_reg(), to.as_reg()) else { continue };
        if tmp == dst || tmp.class() != dst.class() {
            continue;
        }
        let reads_tmp = |item: &InstOrEdit| match item {
            InstOrEdit::Edit(Edit::Move { from, .. }) => from.as_reg() == Some(tmp),
            InstOrEdit::Inst(_) => true,
        };
        if items[m + 1..end].iter().any(reads_tmp) {
            continue;
        }
        if let Some(d) = defining_op(vcode, out, items, m, tmp, dst, uses) {
            r.regs.insert(d.at, vec![(d.operand, dst)]);
            r.order.retain(|&j| j != m && j != d.at);
            let place = if d.sink { m } else { d.at };
            let pos = r.order.iter().position(|&j| j > place).unwrap_or(r.order.len());
            r.order.insert(pos, d.at);
            // One rewrite per block keeps the conditions simple to check.
            break;
        }
    }
    r
}

/// Move a counter step (`xadd64_i8`, `xadd32_i8`) down to just before the
/// block's closing jump, where it fuses with it, when it cannot be seen to
/// move: no later op or move reads or writes its result or writes its input,
/// and only plain ops and moves come after it.
pub(crate) fn sink_step(vcode: &VCode, out: &Output, items: &[InstOrEdit], r: &mut Retargets) {
    let is_step = |i: usize| match items[i] {
        InstOrEdit::Inst(inst) => {
            plain(&vcode.insts[inst.index()]).is_some_and(|op| jump_form(*op, PcRel(0)).is_some())
        }
        InstOrEdit::Edit(_) => false,
    };
    let n = r.order.len();
    let ends_in_jump = matches!(items.last(), Some(InstOrEdit::Inst(last))
        if matches!(vcode.insts[last.index()].kind, VInstKind::Jump));
    if !ends_in_jump || n < 2 || r.order[n - 1] != items.len() - 1 || is_step(r.order[n - 2]) {
        return;
    }
    // Registers the items after the candidate read and write.
    let (mut read, mut written): (Vec<PReg>, Vec<PReg>) = (Vec::new(), Vec::new());
    for p in (0..n - 1).rev() {
        let i = r.order[p];
        match items[i] {
            InstOrEdit::Edit(Edit::Move { from, to }) => {
                read.extend(from.as_reg());
                written.extend(to.as_reg());
            }
            InstOrEdit::Inst(inst) => {
                let vinst = &vcode.insts[inst.index()];
                if plain(vinst).is_none() {
                    return;
                }
                let allocs = r.allocs(i, out.inst_allocs(inst));
                let mut regs =
                    vinst.operands.iter().zip(allocs.iter()).filter_map(|(o, a)| Some((o, a.as_reg()?)));
                if is_step(i) && p < n - 2 {
                    let (dst, src) = (
                        regs.clone().find(|(o, _)| o.kind() == OperandKind::Def),
                        regs.clone().find(|(o, _)| o.kind() == OperandKind::Use),
                    );
                    if let (Some((_, dst)), Some((_, src))) = (dst, src)
                        && !read.contains(&dst)
                        && !written.contains(&dst)
                        && !written.contains(&src)
                    {
                        r.order.remove(p);
                        r.order.insert(n - 2, i);
                        return;
                    }
                }
                for (o, reg) in &mut regs {
                    match o.kind() {
                        OperandKind::Def => written.push(reg),
                        OperandKind::Use => read.push(reg),
                    }
                }
            }
        }
    }
}

/// `sp` (a `stack_addr` of offset 0, `xmov x, sp`) read by one op alone,
/// later in the block past only plain ops and moves that do not read the
/// register: the op reads `sp` itself and the `xmov` goes. (`sp` only
/// changes in calls, frame ops and stack adjustments, none of them plain.)
pub(crate) fn forward_sp(vcode: &VCode, out: &Output, items: &[InstOrEdit], uses: &Uses, r: &mut Retargets) {
    let mut p = 0;
    while p < r.order.len() {
        let s = r.order[p];
        p += 1;
        let InstOrEdit::Inst(sp_inst) = &items[s] else { continue };
        let def = &vcode.insts[sp_inst.index()];
        if !matches!(def.kind, VInstKind::StackAddr { offset: 0 }) {
            continue;
        }
        let v = def.operands[0].vreg();
        let Some(reg) = out.inst_allocs(*sp_inst)[0].as_reg() else { continue };
        if !uses.one_operand(v) {
            continue;
        }
        // The op that reads `v`, and its operand index.
        let mut reader = None;
        for &i in &r.order[p..] {
            match &items[i] {
                InstOrEdit::Edit(Edit::Move { from, .. }) => {
                    if from.as_reg() == Some(reg) {
                        break;
                    }
                }
                InstOrEdit::Inst(inst) => {
                    let vinst = &vcode.insts[inst.index()];
                    if plain(vinst).is_none() {
                        break;
                    }
                    let use_of_v =
                        vinst.operands.iter().position(|o| o.kind() == OperandKind::Use && o.vreg() == v);
                    if let Some(k) = use_of_v {
                        let ok = !r.regs.contains_key(&i) && out.inst_allocs(*inst)[k].as_reg() == Some(reg);
                        reader = ok.then_some((i, k));
                        break;
                    }
                }
            }
        }
        if let Some((i, k)) = reader {
            r.regs.insert(i, vec![(k, PReg::new(sheave_opcodes::abi::SP, regalloc2::RegClass::Int))]);
            r.order.remove(p - 1);
            p -= 1;
        }
    }
}

/// A register move `a <- b` just before an op that reads `a`, where `a` is
/// dead after the op (the op writes it, or see [`dead_after`]): the op
/// reads `b` instead and the move goes. regalloc2 leaves these where a
/// value lives on in `b` and the op's result takes `a`, and where a value
/// kept in a callee-saved register across calls is copied out for its
/// last use (`fib`'s `xmov x12, x16; xadd64 x0, x12, x0`).
pub(crate) fn forward_moves(vcode: &VCode, out: &Output, items: &[InstOrEdit], r: &mut Retargets) {
    let mut p = 0;
    while p + 1 < r.order.len() {
        let m = r.order[p];
        p += 1;
        let InstOrEdit::Edit(Edit::Move { from, to }) = items[m] else { continue };
        let (Some(b), Some(a)) = (from.as_reg(), to.as_reg()) else { continue };
        // The op: the next item, or past moves that do not touch `a` (a
        // parallel move regalloc2 sequenced: `xmov x1, x0; xmov x0, x16;
        // xmov x16, x1; xadd64_i8 x0, x0, -2` in `fib`), to which the op
        // then moves up.
        let mut q = p;
        let touches_a = |k: usize| match items[k] {
            InstOrEdit::Edit(Edit::Move { from, to }) => from.as_reg() == Some(a) || to.as_reg() == Some(a),
            InstOrEdit::Inst(_) => true,
        };
        while q < r.order.len() && matches!(items[r.order[q]], InstOrEdit::Edit(_)) && !touches_a(r.order[q])
        {
            q += 1;
        }
        let Some(&i) = r.order.get(q) else { continue };
        let InstOrEdit::Inst(inst) = items[i] else { continue };
        let vinst = &vcode.insts[inst.index()];
        if a == b || a.class() != b.class() || plain(vinst).is_none() || r.regs.contains_key(&i) {
            continue;
        }
        let allocs = out.inst_allocs(inst);
        let at = |kind: OperandKind| {
            vinst
                .operands
                .iter()
                .zip(allocs)
                .enumerate()
                .filter(move |(_, (o, a))| o.kind() == kind && a.as_reg().is_some())
                .map(|(k, (_, a))| (k, a.as_reg().expect("filtered")))
        };
        let writes_a = at(OperandKind::Def).count() == 1 && at(OperandKind::Def).all(|(_, reg)| reg == a);
        let reads_a: Vec<(usize, PReg)> =
            at(OperandKind::Use).filter(|&(_, reg)| reg == a).map(|(k, _)| (k, b)).collect();
        if reads_a.is_empty() || !(writes_a || dead_after(vcode, out, items, r, q + 1, a)) {
            continue;
        }
        if q > p {
            // Moving up past the moves between must not change what the op
            // reads or what they read: none writes an input of the op, and
            // none reads or writes an output; and the op cannot trap (the
            // moves would not have run).
            let (ins, outs): (Vec<PReg>, Vec<PReg>) = (
                at(OperandKind::Use).map(|(_, r)| r).collect(),
                at(OperandKind::Def).map(|(_, r)| r).collect(),
            );
            let independent = r.order[p..q].iter().all(|&k| match items[k] {
                InstOrEdit::Edit(Edit::Move { from, to }) => {
                    let (f, t) = (from.as_reg(), to.as_reg());
                    t.is_some_and(|t| !ins.contains(&t) && !outs.contains(&t))
                        && f.is_none_or(|f| !outs.contains(&f))
                }
                InstOrEdit::Inst(_) => false,
            });
            if !independent || !cannot_trap(plain(vinst).expect("checked")) {
                continue;
            }
        }
        r.regs.insert(i, reads_a);
        // The op takes the move's place.
        r.order.remove(q);
        r.order[p - 1] = i;
    }
}

/// A copy passed on: `t <- s`, then later `d <- t` where `t` is dead
/// after it, becomes `d <- s` where the first move was, with the ops in
/// between reading `d` for `t` (`fib`'s `xmov x12, x0; xadd64_i8 x0, x12,
/// -1; xmov x16, x12` is `xmov x16, x0; xadd64_i8 x0, x16, -1`): one move
/// fewer. In between lie only moves and plain ops not already rewritten;
/// none may write `t` or touch `d` (so `d`'s old value is dead from the
/// first move on), and no move may read `t` (moves are emitted as they
/// are). Moves folded into a call's arguments (`folded`) are left alone.
pub(crate) fn forward_copies(
    vcode: &VCode,
    out: &Output,
    items: &[InstOrEdit],
    folded: &std::collections::HashSet<usize>,
    r: &mut Retargets,
) {
    let mut p = 0;
    while p < r.order.len() {
        let m1 = r.order[p];
        p += 1;
        if folded.contains(&m1) || r.moves.contains_key(&m1) {
            continue;
        }
        let InstOrEdit::Edit(Edit::Move { from, to }) = items[m1] else { continue };
        let (Some(s), Some(t)) = (from.as_reg(), to.as_reg()) else { continue };
        if s == t {
            continue;
        }
        // Walk on to `d <- t`, collecting the ops that read `t`.
        let mut readers: Vec<(usize, Vec<(usize, PReg)>)> = Vec::new();
        let mut found = None;
        for (q, &k) in r.order.iter().enumerate().skip(p) {
            match items[k] {
                InstOrEdit::Edit(Edit::Move { from, to }) => {
                    let (Some(from), Some(to)) = (from.as_reg(), to.as_reg()) else { break };
                    if from == t {
                        let d = to;
                        let fits = d != t && d != s && d.class() == t.class() && !folded.contains(&k);
                        if fits && !r.moves.contains_key(&k) {
                            found = Some((q, d));
                        }
                        break;
                    }
                    if to == t {
                        break;
                    }
                    // `d` is not known yet: remember what this move
                    // touches by checking it against `d` below.
                    readers.push((k, Vec::new()));
                }
                InstOrEdit::Inst(inst) => {
                    let vinst = &vcode.insts[inst.index()];
                    if plain(vinst).is_none() || r.regs.contains_key(&k) {
                        break;
                    }
                    let allocs = out.inst_allocs(inst);
                    let writes_t = vinst
                        .operands
                        .iter()
                        .zip(allocs)
                        .any(|(o, a)| o.kind() == OperandKind::Def && a.as_reg() == Some(t));
                    if writes_t {
                        break;
                    }
                    let reads: Vec<(usize, PReg)> = vinst
                        .operands
                        .iter()
                        .zip(allocs)
                        .enumerate()
                        .filter(|(_, (o, a))| o.kind() == OperandKind::Use && a.as_reg() == Some(t))
                        .map(|(n, _)| (n, t))
                        .collect();
                    readers.push((k, reads));
                }
            }
        }
        let Some((q, d)) = found else { continue };
        // Nothing between may touch `d`.
        let touches_d = |k: usize| match items[k] {
            InstOrEdit::Edit(Edit::Move { from, to }) => from.as_reg() == Some(d) || to.as_reg() == Some(d),
            InstOrEdit::Inst(inst) => out.inst_allocs(inst).iter().any(|a| a.as_reg() == Some(d)),
        };
        if readers.iter().any(|&(k, _)| touches_d(k)) || !dead_after(vcode, out, items, r, q + 1, t) {
            continue;
        }
        let m2 = r.order[q];
        r.moves.insert(m1, (s, d));
        for (k, reads) in readers {
            if !reads.is_empty() {
                r.regs.insert(k, reads.into_iter().map(|(n, _)| (n, d)).collect());
            }
        }
        r.order.retain(|&j| j != m2);
    }
}

/// Whether register `a` is dead from item `r.order[from]` on: walking the
/// rest of the block, a move or plain op writes it before anything reads
/// it, an instruction clobbers it without reading it (a call), or the
/// block returns without reading it. Anything else the walk cannot see
/// through (a branch, a trap, an op an earlier rewrite retargeted) or the
/// end of a block that does not return counts as a read. Dropping a write
/// to `a` cannot break a callee-saved register's preservation: only writes
/// do that.
fn dead_after(
    vcode: &VCode,
    out: &Output,
    items: &[InstOrEdit],
    r: &Retargets,
    from: usize,
    a: PReg,
) -> bool {
    for &k in &r.order[from..] {
        match items[k] {
            InstOrEdit::Edit(Edit::Move { from, to }) => {
                if from.as_reg() == Some(a) {
                    return false;
                }
                if to.as_reg() == Some(a) {
                    return true;
                }
            }
            InstOrEdit::Inst(inst) => {
                if r.regs.contains_key(&k) {
                    return false;
                }
                let vinst = &vcode.insts[inst.index()];
                let touches = |kind: OperandKind| {
                    vinst
                        .operands
                        .iter()
                        .zip(out.inst_allocs(inst))
                        .any(|(o, al)| o.kind() == kind && al.as_reg() == Some(a))
                };
                if touches(OperandKind::Use) {
                    return false;
                }
                match vinst.kind {
                    VInstKind::Ret => return true,
                    _ if plain(vinst).is_some() => {
                        if touches(OperandKind::Def) {
                            return true;
                        }
                    }
                    // A call that clobbers `a` without reading it: regalloc2
                    // keeps nothing live in a clobbered register across it.
                    _ if vinst.clobbers.contains(a) => return true,
                    _ => return false,
                }
            }
        }
    }
    false
}

/// The op that defines the moved value.
struct Def {
    /// Its item index.
    at: usize,
    /// The index of its defining operand.
    operand: usize,
    /// Whether it runs where the move was (else where it is).
    sink: bool,
}

/// The op before the move at `m` that defines `tmp` for a value used only
/// by one branch argument, and whether it can write `dst` where it is
/// (nothing in between touches `tmp` or `dst`) or where the move was (it
/// cannot trap, nothing in between writes its inputs or touches `tmp`, and
/// only plain ops and moves lie in between).
fn defining_op(
    vcode: &VCode,
    out: &Output,
    items: &[InstOrEdit],
    m: usize,
    tmp: PReg,
    dst: PReg,
    uses: &Uses,
) -> Option<Def> {
    let is_def = |o: &regalloc2::Operand| o.kind() == OperandKind::Def;
    // What the items between write and read, as found walking back.
    let mut written: Vec<PReg> = Vec::new();
    let mut dst_touched = false;
    for i in (0..m).rev() {
        match items[i] {
            InstOrEdit::Edit(Edit::Move { from, to }) => {
                let (from, to) = (from.as_reg(), to.as_reg());
                if from == Some(tmp) || to == Some(tmp) {
                    return None;
                }
                dst_touched |= from == Some(dst) || to == Some(dst);
                written.extend(to);
            }
            InstOrEdit::Inst(inst) => {
                let vinst = &vcode.insts[inst.index()];
                let allocs = out.inst_allocs(inst);
                let op = plain(vinst)?;
                let operands = &vinst.operands;
                let def_of_tmp =
                    operands.iter().zip(allocs).position(|(o, &a)| is_def(o) && a.as_reg() == Some(tmp));
                let Some(k) = def_of_tmp else {
                    // An op between.
                    if allocs.iter().any(|a| a.as_reg() == Some(tmp)) {
                        return None;
                    }
                    dst_touched |= allocs.iter().any(|a| a.as_reg() == Some(dst));
                    for (o, a) in operands.iter().zip(allocs) {
                        if is_def(o) {
                            written.extend(a.as_reg());
                        }
                    }
                    continue;
                };
                let def = &operands[k];
                let one_def = operands.iter().filter(|o| is_def(o)).count() == 1;
                let free = matches!(def.constraint(), OperandConstraint::Any | OperandConstraint::Reg);
                if !(one_def && free && uses.one_branch_arg(def.vreg())) {
                    return None;
                }
                // Reading `tmp` or `dst` is fine: an op reads its inputs
                // before it writes.
                if !dst_touched {
                    return Some(Def { at: i, operand: k, sink: false });
                }
                let inputs_kept = operands
                    .iter()
                    .zip(allocs)
                    .filter(|(o, _)| !is_def(o))
                    .all(|(_, a)| a.as_reg().is_some_and(|p| !written.contains(&p)));
                return (cannot_trap(op) && inputs_kept).then_some(Def { at: i, operand: k, sink: true });
            }
        }
    }
    None
}

/// Ops with no effect but their result: moving one later is unobservable.
fn cannot_trap(op: &Op) -> bool {
    matches!(
        op,
        Op::Xzero(_)
            | Op::Xmov(_)
            | Op::Fmov(_)
            | Op::Xconst8(_)
            | Op::Xconst16(_)
            | Op::Xconst32(_)
            | Op::Xconst64(_)
            | Op::Fconst32(_)
            | Op::Fconst64(_)
            | Op::Xadd32(_)
            | Op::Xadd64(_)
            | Op::Xsub32(_)
            | Op::Xsub64(_)
            | Op::Xmul32(_)
            | Op::Xmul64(_)
            | Op::Xband32(_)
            | Op::Xband64(_)
            | Op::Xbor32(_)
            | Op::Xbor64(_)
            | Op::Xbxor32(_)
            | Op::Xbxor64(_)
            | Op::XbxorShr64U(_)
            | Op::XbxorShl64(_)
            | Op::XbxorShr32U(_)
            | Op::XaddShl64(_)
            | Op::Xmadd64(_)
            | Op::Xmadd64I8(_)
            | Op::XbxorMul64(_)
            | Op::Xshl32(_)
            | Op::Xshl64(_)
            | Op::Xshr32U(_)
            | Op::Xshr64U(_)
            | Op::Xshr32S(_)
            | Op::Xshr64S(_)
            | Op::Xrotl32(_)
            | Op::Xrotl64(_)
            | Op::Xrotr32(_)
            | Op::Xrotr64(_)
            | Op::Xadd32I(_)
            | Op::Xadd64I(_)
            | Op::Xadd32I8(_)
            | Op::Xadd64I8(_)
            | Op::Xmul32I(_)
            | Op::Xmul64I(_)
            | Op::Xband32I(_)
            | Op::Xband64I(_)
            | Op::Xbor32I(_)
            | Op::Xbor64I(_)
            | Op::Xbxor32I(_)
            | Op::Xbxor64I(_)
            | Op::Xshl32I(_)
            | Op::Xshl64I(_)
            | Op::Xshr32UI(_)
            | Op::Xshr64UI(_)
            | Op::Xshr32SI(_)
            | Op::Xshr64SI(_)
            | Op::Xrotl32I(_)
            | Op::Xrotl64I(_)
            | Op::Xneg32(_)
            | Op::Xneg64(_)
            | Op::Xbnot32(_)
            | Op::Xbnot64(_)
            | Op::Fadd32(_)
            | Op::Fadd64(_)
            | Op::Fsub32(_)
            | Op::Fsub64(_)
            | Op::Fmul32(_)
            | Op::Fmul64(_)
            | Op::Fneg32(_)
            | Op::Fneg64(_)
            | Op::Fabs32(_)
            | Op::Fabs64(_)
            | Op::Xmul32I8(_)
            | Op::Xmul64I8(_)
            | Op::Xband32I8(_)
            | Op::Xband64I8(_)
            | Op::Xbor32I8(_)
            | Op::Xbor64I8(_)
            | Op::Xbxor32I8(_)
            | Op::Xbxor64I8(_)
    )
}
