//! The function between instruction selection and emission: Sheave ops
//! over virtual registers, in blocks, with the operand constraints the
//! register allocator needs. Implements [`regalloc2::Function`].

use regalloc2::{Block, Inst, InstRange, Operand, PRegSet, RegClass, VReg};
use sheave_opcodes::Op;

/// What a [`VInst`] becomes when emitted.
#[derive(Clone, Debug)]
pub enum VInstKind {
    /// One op. Its register fields, in declaration order, are the
    /// instruction's operands (as `crate::vops` builds them).
    Op(Op),
    /// Defines the function's arguments in their ABI registers.
    Args,
    /// Epilogue and return; uses the results in their ABI registers.
    Ret,
    /// Unconditional jump to the block's only successor.
    Jump,
    /// A conditional branch op (register fields as in `Op`) to successor 0,
    /// falling through or jumping to successor 1.
    CondBr(Op),
    /// A direct call of function `callee` (an index into the module's
    /// call targets); arguments and results are fixed-register operands.
    Call { callee: usize },
    /// Trap unconditionally (ends the block).
    Trap(Op),
    /// Jump table on successor order `[default, entries...]`; one operand,
    /// the index, or with `load` the registers of the address of the byte
    /// that is the index (`base` unless it is `sp`, then `index`).
    BrTable { load: Option<TableLoad> },
    /// Tail call of function `callee`: epilogue, then `return_call`. Its
    /// `stack_args` bytes of stack arguments were stored at `sp` (below the
    /// frame); the epilogue moves them to the top of this function's
    /// incoming area (see `stack_shuffle`).
    ReturnCall { callee: usize, stack_args: u32 },
    /// Tail call through a register (operand 0: an x-register, or an
    /// f-register holding the address's bits), as `ReturnCall`.
    /// `sig`: the CLIF signature's index (`SigRef`), recorded for calls
    /// through pointers that are not bytecode.
    ReturnCallIndirect { stack_args: u32, sig: u32 },
    /// Call through a register (operand 0), arguments as for `Call`, of
    /// CLIF signature `sig` (a `SigRef`'s index).
    CallIndirect { sig: u32 },
    /// `call_indirect_host id`: a builtin, arguments and results as for `Call`.
    HostCall { id: u16 },
    /// `dst = address of function callee`.
    FuncAddr { callee: usize },
    /// `dst = address of symbol + addend` (`symbol_value`): a constant
    /// whose value the linker fills in.
    SymbolValue { symbol: usize, addend: i64 },
    /// `pinned = operand 0` (`set_pinned_reg`).
    WritePinned,
    /// `dst = incoming stack argument at fp + offset`.
    LoadIncoming { offset: i32 },
    /// `sp -= bytes` (grow) or `sp += bytes`, around calls with stack arguments.
    AdjustSp { grow: bool, bytes: u32 },
    /// Store operand 0 at `fp + offset` (a tail call's stack argument, in
    /// this function's incoming area).
    StoreIncoming { offset: i32 },
    /// Store operand 0 at `sp + offset` (an outgoing stack argument).
    StoreOutgoing { offset: i32 },
    /// `dst = sp + offset`'s 8 bytes: a call's result that the callee
    /// wrote to the outgoing area (a stack result).
    LoadOutgoing { offset: i32 },
    /// `dst = sp`, `dst = fp` or `dst = lr`: registers outside allocation.
    ReadSpecial(Special),
    /// `dst = sp + offset`: the address of a stack slot (the slot area is
    /// the bottom of the frame, so its offsets are known before allocation).
    StackAddr { offset: i32 },
}

/// A jump table's index read from memory (`br_table32_xload8_u_ix`): the
/// byte at `base + index + offset`, `base` being `sp` when `sp_base`.
#[derive(Clone, Copy, Debug)]
pub struct TableLoad {
    pub offset: i32,
    pub sp_base: bool,
}

/// Registers the allocator never hands out.
#[derive(Copy, Clone, Debug)]
pub enum Special {
    Sp,
    Fp,
    Lr,
    /// The pinned register (`get_pinned_reg`).
    Pinned,
}

#[derive(Clone, Debug)]
pub struct VInst {
    pub kind: VInstKind,
    pub operands: Vec<Operand>,
    pub clobbers: PRegSet,
}

#[derive(Clone, Debug, Default)]
pub struct VBlock {
    pub first_inst: usize,
    pub end_inst: usize,
    pub succs: Vec<Block>,
    pub preds: Vec<Block>,
    pub params: Vec<VReg>,
    /// Per successor, the values passed to its parameters.
    pub branch_args: Vec<Vec<VReg>>,
}

#[derive(Clone, Debug, Default)]
pub struct VCode {
    pub insts: Vec<VInst>,
    pub blocks: Vec<VBlock>,
    pub num_vregs: usize,
    /// Bytes of explicit stack slots at the bottom of the frame.
    pub stack_slots_size: u32,
    /// Bytes of incoming stack arguments this function releases when it
    /// returns (the `tail` convention is callee-pops, so that tail calls
    /// can change the size of the argument area).
    pub callee_pops: u32,
}

impl regalloc2::Function for VCode {
    fn num_insts(&self) -> usize {
        self.insts.len()
    }
    fn num_blocks(&self) -> usize {
        self.blocks.len()
    }
    fn entry_block(&self) -> Block {
        Block::new(0)
    }
    fn block_insns(&self, block: Block) -> InstRange {
        let b = &self.blocks[block.index()];
        InstRange::new(Inst::new(b.first_inst), Inst::new(b.end_inst))
    }
    fn block_succs(&self, block: Block) -> &[Block] {
        &self.blocks[block.index()].succs
    }
    fn block_preds(&self, block: Block) -> &[Block] {
        &self.blocks[block.index()].preds
    }
    fn block_params(&self, block: Block) -> &[VReg] {
        &self.blocks[block.index()].params
    }
    fn is_ret(&self, insn: Inst) -> bool {
        matches!(
            self.insts[insn.index()].kind,
            VInstKind::Ret
                | VInstKind::Trap(_)
                | VInstKind::ReturnCall { .. }
                | VInstKind::ReturnCallIndirect { .. }
        )
    }
    fn is_branch(&self, insn: Inst) -> bool {
        matches!(
            self.insts[insn.index()].kind,
            VInstKind::Jump | VInstKind::CondBr(_) | VInstKind::BrTable { .. }
        )
    }
    fn branch_blockparams(&self, block: Block, _insn: Inst, succ_idx: usize) -> &[VReg] {
        &self.blocks[block.index()].branch_args[succ_idx]
    }
    fn inst_operands(&self, insn: Inst) -> &[Operand] {
        &self.insts[insn.index()].operands
    }
    fn inst_clobbers(&self, insn: Inst) -> PRegSet {
        self.insts[insn.index()].clobbers
    }
    fn num_vregs(&self) -> usize {
        self.num_vregs
    }
    fn spillslot_size(&self, regclass: RegClass) -> usize {
        // Slots are 8 bytes; a vector takes two.
        match regclass {
            RegClass::Vector => 2,
            _ => 1,
        }
    }
}

/// Check `out`, the allocation of `vcode`, with regalloc2's checker: every
/// use must find its vreg's value in the allocated location (through the
/// allocator's moves and the block parameters' parallel moves), and every
/// operand must meet its constraint. Run in debug builds and with the
/// `regalloc-checker` feature.
///
/// What the checker sees is the `regalloc2::Function` view above: each
/// instruction's operands and clobbers, `is_branch` for the terminators that
/// pass block arguments (`Jump`, `CondBr`, `BrTable`) and `is_ret` for the
/// ones that leave the function. The special kinds (`Args`, `Call`,
/// `ReadSpecial`, `StackAddr`, ...) are described entirely by their
/// operands (fixed-register defs and uses, clobbers), so they are checked
/// like ops. Not checked, because the allocator never sees them: the frame
/// (prologue, epilogue, callee-saved registers), the moves emission folds
/// into `call1`..`call3`, registers outside allocation (`sp`, `fp`, `lr`,
/// the pinned register) and stack arguments, which live in memory.
/// (regalloc2 0.15 has no reference types or safepoints, so there is no
/// `requires_refs_on_stack` to report.)
///
/// The checker also assumes of the block order that every block but the
/// entry comes after one of its predecessors: its first pass visits the
/// blocks in order, and a block visited before any predecessor starts from
/// an empty state that it passes on for good (every use downstream becomes
/// `UnknownValueInAllocation`). Lowering orders the blocks so (see
/// `block_order` in `lower`).
#[cfg(any(debug_assertions, feature = "regalloc-checker"))]
pub fn check_allocation(
    vcode: &VCode,
    env: &regalloc2::MachineEnv,
    out: &regalloc2::Output,
) -> Result<(), String> {
    let mut checker = regalloc2::checker::Checker::new(vcode, env);
    checker.prepare(out);
    checker.run().map_err(|errors| format!("the register allocation fails regalloc2's checker: {errors:?}"))
}

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;
    use regalloc2::{Allocation, PReg};

    fn allocated(clif: &str) -> (VCode, regalloc2::MachineEnv, regalloc2::Output) {
        let func = cranelift_reader::parse_functions(clif).expect("parses").remove(0);
        let vcode = crate::lower::lower(&func, false, false).expect("lowers").vcode;
        let env = crate::abi::machine_env(false);
        let out = regalloc2::run(&vcode, &env, &Default::default()).expect("allocates");
        (vcode, env, out)
    }

    const SUM_OF_PRODUCTS: &str = "
        function %f(i64, i64, i64) -> i64 {
        block0(v0: i64, v1: i64, v2: i64):
            v3 = imul v0, v1
            v4 = imul v1, v2
            v5 = iadd v3, v4
            brif v5, block1(v5), block1(v0)
        block1(v6: i64):
            return v6
        }";

    #[test]
    fn a_correct_allocation_passes() {
        let (vcode, env, out) = allocated(SUM_OF_PRODUCTS);
        assert_eq!(check_allocation(&vcode, &env, &out), Ok(()));
    }

    #[test]
    fn a_block_laid_out_before_its_predecessors_passes() {
        // block1's only predecessor comes after it in the layout. In that
        // order the checker reported `UnknownValueInAllocation` for the
        // `return v0`; lowering places block1 after block3.
        let (vcode, env, out) = allocated(
            "
            function %f(i64, i64) -> i64 {
            block0(v0: i64, v1: i64):
                jump block2(v1)
            block1(v2: i64):
                v3 = iconst.i64 -1
                v4 = iadd v2, v3
                jump block2(v4)
            block2(v5: i64):
                brif v5, block3, block4
            block3:
                jump block1(v5)
            block4:
                return v0
            }",
        );
        for (b, block) in vcode.blocks.iter().enumerate().skip(1) {
            assert!(block.preds.iter().any(|p| p.index() < b), "block{b}: preds {:?}", block.preds);
        }
        assert_eq!(check_allocation(&vcode, &env, &out), Ok(()));
    }

    #[test]
    fn a_use_in_the_wrong_register_is_an_error() {
        let (vcode, env, mut out) = allocated(SUM_OF_PRODUCTS);
        // Point the first operand of the add (a use) at a register nothing
        // wrote. (The add absorbs one of the products: an `xmadd64`.)
        let add = vcode
            .insts
            .iter()
            .position(|i| matches!(i.kind, VInstKind::Op(sheave_opcodes::Op::Xmadd64(_))))
            .expect("an xmadd64");
        let slot = out.inst_alloc_offsets[add] as usize + 1;
        out.allocs[slot] = Allocation::reg(PReg::new(15, RegClass::Int));
        let e = check_allocation(&vcode, &env, &out).unwrap_err();
        assert!(e.contains("checker"), "{e}");
    }
}
