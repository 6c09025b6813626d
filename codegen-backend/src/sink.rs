//! Counter steps moved down into the branch edge that passes them on.
//!
//! A loop body often computes `i + 1` before a two-way branch and passes it
//! to the loop header on one edge only (the other edge, when Cranelift
//! rematerialized the step there, computes its own copy):
//!
//! ```text
//! v32 = iadd v24, 1
//! brif v31, block9, block5(v32)
//! ```
//!
//! Every trip pays for the step, and the edge that passes it needs a move
//! into the header's parameter. Moved into a block of its own on that edge
//! (`brif v31, block9, new; new: v32 = iadd v24, 1; jump block5(v32)`), the
//! step runs only on that edge, where it fuses with the jump
//! (`xadd64_i8_jump`) or with the header's test into a rotated latch.
//! Only steps by an `i8` immediate move: those are the ops with a jump
//! form, so the edge never gains an op.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{
    BlockArg, BlockCall, Function, Inst, InstBuilder, InstructionData, Opcode, Value, ValueDef, types,
};
use std::collections::HashMap;

/// Move each counter step whose one use is an argument of one edge of its
/// block's `brif` into a new block on that edge.
pub fn sink_steps_into_edges(func: &mut Function) {
    let mut uses: HashMap<Value, u32> = HashMap::new();
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            for v in func.dfg.inst_values(inst) {
                *uses.entry(v).or_default() += 1;
            }
        }
    }
    let blocks: Vec<_> = func.layout.blocks().collect();
    for block in blocks {
        let Some(term) = func.layout.last_inst(block) else { continue };
        let InstructionData::Brif { arg: cond, blocks: edges, .. } = func.dfg.insts[term] else { continue };
        for (edge, call) in edges.into_iter().enumerate() {
            let steps: Vec<Inst> = call
                .args(&func.dfg.value_lists)
                .filter_map(|a| a.as_value())
                .filter(|&v| v != cond && uses.get(&v) == Some(&1))
                .filter_map(|v| match func.dfg.value_def(v) {
                    ValueDef::Result(def, _)
                        if func.layout.inst_block(def) == Some(block) && is_step(func, def) =>
                    {
                        Some(def)
                    }
                    _ => None,
                })
                .collect();
            if steps.is_empty() {
                continue;
            }
            let target = call.block(&func.dfg.value_lists);
            let args: Vec<BlockArg> = call.args(&func.dfg.value_lists).collect();
            let new = func.dfg.make_block();
            func.layout.insert_block_after(new, block);
            for &step in &steps {
                func.layout.remove_inst(step);
                func.layout.append_inst(step, new);
            }
            FuncCursor::new(func).at_bottom(new).ins().jump(target, &args);
            let to_new = BlockCall::new(new, [], &mut func.dfg.value_lists);
            let dfg = &mut func.dfg;
            dfg.insts[term].branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables)[edge] =
                to_new;
        }
    }
}

/// Whether `inst` is `iadd` of a 32- or 64-bit integer and a constant that
/// fits in an `i8`.
fn is_step(func: &Function, inst: Inst) -> bool {
    let InstructionData::Binary { opcode: Opcode::Iadd, args } = func.dfg.insts[inst] else { return false };
    let ty = func.dfg.value_type(func.dfg.first_result(inst));
    if ty != types::I64 && ty != types::I32 {
        return false;
    }
    args.iter().any(|&a| match func.dfg.value_def(a) {
        ValueDef::Result(def, _) => match func.dfg.insts[def] {
            InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => {
                let bits = imm.bits();
                let value = if ty == types::I32 { bits as i32 as i64 } else { bits };
                i8::try_from(value).is_ok()
            }
            _ => false,
        },
        _ => false,
    })
}
