//! Dead code: pure instructions none of whose results are used. Cranelift's
//! mid-end can leave some behind (the e-graph elaborator rematerializes
//! constants next to their uses and keeps the originals in the entry
//! block), and Cranelift's own backends skip them when lowering; so do we.

use super::Lower;
use cranelift_codegen::entity::{EntitySet, SecondaryMap};
use cranelift_codegen::ir::{self, Value};

/// Uses of each value (aliases resolved), by instructions that are lowered.
pub(super) type UseCounts = SecondaryMap<Value, u32>;

impl Lower<'_> {
    /// The instructions of `order`'s blocks that can be left out, and the
    /// use counts of values by the instructions that stay.
    pub(super) fn dead_insts(&self, order: &[ir::Block]) -> (EntitySet<ir::Inst>, UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        let mut uses = UseCounts::with_capacity(dfg.num_values());
        let mut candidates = Vec::new();
        for &b in order {
            for inst in func.layout.block_insts(b) {
                for v in dfg.inst_values(inst) {
                    uses[dfg.resolve_aliases(v)] += 1;
                }
                if removable(dfg, inst) {
                    candidates.push(inst);
                }
            }
        }
        let unused = |uses: &UseCounts, inst| dfg.inst_results(inst).iter().all(|&r| uses[r] == 0);
        let mut dead = EntitySet::with_capacity(dfg.num_insts());
        let mut work: Vec<ir::Inst> = candidates.into_iter().filter(|&i| unused(&uses, i)).collect();
        while let Some(inst) = work.pop() {
            if !dead.insert(inst) {
                continue;
            }
            // Its operands lose a use; a removable definition left unused dies too.
            for v in dfg.inst_values(inst) {
                let v = dfg.resolve_aliases(v);
                uses[v] -= 1;
                if uses[v] == 0
                    && let ir::ValueDef::Result(def, _) = dfg.value_def(v)
                    && removable(dfg, def)
                    && unused(&uses, def)
                {
                    work.push(def);
                }
            }
        }
        (dead, uses)
    }
}

/// Whether leaving `inst` out changes nothing but its results: no memory
/// access (a load may trap), no trap, call, branch or other effect.
fn removable(dfg: &ir::DataFlowGraph, inst: ir::Inst) -> bool {
    let op = dfg.insts[inst].opcode();
    !dfg.inst_results(inst).is_empty()
        && !(op.other_side_effects()
            || op.can_trap()
            || op.can_load()
            || op.can_store()
            || op.is_call()
            || op.is_branch()
            || op.is_terminator())
}
