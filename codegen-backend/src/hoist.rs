//! Work moved out of loops that Cranelift's mid-end leaves in them.
//!
//! Cranelift deliberately rematerializes cheap values next to their uses,
//! inside loops too: on a native target a constant is an immediate and
//! `x - i` one instruction that spares a register. Here each is an op of
//! its own, dispatched on every trip, so two passes undo it:
//!
//! - [`hoist_loop_constants`]: a constant that no op can take as an
//!   immediate (a 64-bit integer outside the `i32` range, or any float)
//!   moves to the entry block. That costs a register for the whole
//!   function, so only a few are moved, innermost loops first, and equal
//!   constants share one definition.
//! - [`hoist_invariant_ops`]: a pure op whose operands are all defined
//!   outside its loop (Cranelift's LICM had hoisted it, and its
//!   elaboration put a copy back at the use) moves to the block that
//!   dominates the loop, and on outwards while it stays invariant.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::ir::{
    Block, Function, Inst, InstBuilderBase, InstructionData, Opcode, Type, Value, ValueDef, types,
};
use cranelift_codegen::loop_analysis::LoopAnalysis;
use std::collections::HashMap;

/// At most this many constants of each register class are moved: each
/// holds a register from the entry on, and spilling a loop's values would
/// cost more than the ops saved.
const MAX_PER_CLASS: usize = 4;

/// A constant's identity: its type and bits.
type Key = (Type, u128);

/// The constant `inst` defines, if it is one that needs an op of its own.
fn costly_constant(func: &Function, inst: Inst) -> Option<Key> {
    // The result's type (`ctrl_typevar` is `INVALID` for the float
    // constants, which are not polymorphic).
    let ty = func.dfg.value_type(*func.dfg.inst_results(inst).first()?);
    match func.dfg.insts[inst] {
        InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => {
            let v = imm.bits();
            // Narrower types and `i32`-range values fit the ops' immediates.
            (ty.bits() == 64 && i32::try_from(v).is_err()).then_some((ty, v as u64 as u128))
        }
        InstructionData::UnaryIeee32 { opcode: Opcode::F32const, imm } => Some((ty, imm.bits().into())),
        InstructionData::UnaryIeee64 { opcode: Opcode::F64const, imm } => Some((ty, imm.bits().into())),
        _ => None,
    }
}

/// Move the costly constants of `func`'s loops to the end of its entry
/// block (before the terminator), up to [`MAX_PER_CLASS`] per class.
///
/// `loops` is the analysis the mid-end's e-graph pass computed: its branch
/// rewrites may since have broken a loop, but moving a constant out of a
/// block that no longer loops is still correct (the entry block dominates
/// every block), so it is reused rather than computed again.
pub fn hoist_loop_constants(func: &mut Function, loops: &LoopAnalysis) {
    let Some(entry) = func.layout.entry_block() else { return };
    if !loops.is_valid() {
        return;
    }
    // (loop depth, key, inst) of every costly constant inside a loop.
    let mut found: Vec<(usize, Key, Inst)> = Vec::new();
    for block in func.layout.blocks() {
        let depth = loops.loop_level(block).level();
        if depth == 0 {
            continue;
        }
        for inst in func.layout.block_insts(block) {
            if let Some(key) = costly_constant(func, inst) {
                found.push((depth, key, inst));
            }
        }
    }
    if found.is_empty() {
        return;
    }
    // Innermost first; the sort is stable, so program order breaks ties.
    found.sort_by_key(|&(depth, ..)| std::cmp::Reverse(depth));
    let Some(terminator) = func.layout.last_inst(entry) else { return };
    let mut kept: HashMap<Key, Value> = HashMap::new();
    let (mut ints, mut floats) = (0, 0);
    let mut aliased = false;
    for (_, key, inst) in found {
        let value = func.dfg.first_result(inst);
        if let Some(&shared) = kept.get(&key) {
            // An equal constant already moved: this one becomes an alias.
            func.layout.remove_inst(inst);
            func.dfg.detach_inst_results(inst);
            func.dfg.change_to_alias(value, shared);
            aliased = true;
            continue;
        }
        let count = if key.0.is_float() { &mut floats } else { &mut ints };
        if *count == MAX_PER_CLASS {
            continue;
        }
        *count += 1;
        func.layout.remove_inst(inst);
        func.layout.insert_inst(inst, terminator);
        kept.insert(key, value);
    }
    if aliased {
        func.dfg.resolve_all_aliases();
    }
}

/// Move each pure op of a loop whose operands are all defined outside it
/// to the end of the loop header's immediate dominator, repeatedly, so an
/// op invariant in several nested loops leaves them all.
///
/// Only ops that cannot trap, touch memory or have other effects move:
/// the dominator may run when the loop does not (a branch around it), so
/// the op runs speculatively there. An operand that is a constant defined
/// inside the loop (Cranelift rematerializes those too) gets a copy next
/// to the moved op. Correctness does not rest on `loops` being current
/// (the mid-end's branch rewrites may have broken a loop since it was
/// computed): every move is checked against `domtree`, which is current.
pub fn hoist_invariant_ops(func: &mut Function, domtree: &DominatorTree, loops: &LoopAnalysis) {
    if !loops.is_valid() || loops.loops().next().is_none() {
        return;
    }
    let blocks: Vec<Block> = func.layout.blocks().collect();
    for block in blocks {
        if loops.innermost_loop(block).is_none() {
            continue;
        }
        let insts: Vec<Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            if !movable(func, inst) {
                continue;
            }
            while let Some(to) = destination(func, domtree, loops, inst) {
                move_before_terminator(func, domtree, inst, to);
            }
        }
    }
}

/// Whether `inst` is an op that may run anywhere its operands are defined:
/// pure, not a constant (those are `hoist_loop_constants`' and free as
/// immediates), with a result and at least one operand.
fn movable(func: &Function, inst: Inst) -> bool {
    let op = func.dfg.insts[inst].opcode();
    free_to_move(op)
        && !op.is_terminator()
        && !func.dfg.inst_results(inst).is_empty()
        && !func.dfg.inst_args(inst).is_empty()
}

/// Whether an instruction of opcode `op` may run earlier or later than
/// written: it cannot trap, touch memory, call, or have another effect.
/// (Also what lowering asks of the instructions a fused load moves past.)
pub(crate) fn free_to_move(op: Opcode) -> bool {
    !(op.can_trap() || op.can_load() || op.can_store() || op.is_call() || op.other_side_effects())
}

/// The block `inst` can move to from its loop, if it is invariant there.
fn destination(func: &Function, domtree: &DominatorTree, loops: &LoopAnalysis, inst: Inst) -> Option<Block> {
    let block = func.layout.inst_block(inst)?;
    let lp = loops.innermost_loop(block)?;
    let to = domtree.idom(loops.loop_header(lp))?;
    if loops.is_in_loop(to, lp) || !domtree.dominates(to, block, &func.layout) {
        return None;
    }
    let end = func.layout.last_inst(to)?;
    let available = |v: Value| match func.dfg.value_def(v) {
        ValueDef::Result(def, _) => {
            domtree.dominates(def, end, &func.layout) && def != end || local_constant(func, def).is_some()
        }
        ValueDef::Param(b, _) => domtree.dominates(b, to, &func.layout),
        ValueDef::Union(..) => false,
    };
    func.dfg.inst_args(inst).iter().all(|&v| available(v)).then_some(to)
}

/// The constant `def` defines, if it is a constant op.
fn local_constant(func: &Function, def: Inst) -> Option<InstructionData> {
    let data = func.dfg.insts[def];
    matches!(data.opcode(), Opcode::Iconst | Opcode::F32const | Opcode::F64const).then_some(data)
}

/// Move `inst` before the terminator of `to`, with copies of the constant
/// operands that are not defined where it lands.
fn move_before_terminator(func: &mut Function, domtree: &DominatorTree, inst: Inst, to: Block) {
    let end = func.layout.last_inst(to).expect("a dominating block has a terminator");
    func.layout.remove_inst(inst);
    func.layout.insert_inst(inst, end);
    for i in 0..func.dfg.inst_args(inst).len() {
        let arg = func.dfg.inst_args(inst)[i];
        let ValueDef::Result(def, _) = func.dfg.value_def(arg) else { continue };
        if domtree.dominates(def, inst, &func.layout) && def != inst {
            continue;
        }
        let data = local_constant(func, def).expect("only constant operands may be defined after the move");
        // Float constants are not polymorphic: no controlling type.
        let ty = if data.opcode() == Opcode::Iconst { func.dfg.value_type(arg) } else { types::INVALID };
        let mut pos = FuncCursor::new(func).at_inst(inst);
        let copy = pos.ins().build(data, ty).0;
        let value = pos.func.dfg.first_result(copy);
        pos.func.dfg.inst_args_mut(inst)[i] = value;
    }
}
