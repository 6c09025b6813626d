//! Constants that cost an op, moved out of loops.
//!
//! Cranelift's mid-end deliberately rematerializes constants next to their
//! uses, inside loops too: on a native target a constant is a cheap move
//! or an immediate. Here a constant that no op can take as an immediate (a
//! 64-bit integer outside the `i32` range, or any float) is an op of its
//! own, run on every trip. Moving it to the entry block runs it once and
//! keeps it in a register, which costs a register for the whole function:
//! so only a few are moved, innermost loops first, and equal constants
//! share one definition.

use cranelift_codegen::ir::{Function, Inst, InstructionData, Opcode, Type, Value};
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
