//! Instruction selection: CLIF instructions to Sheave ops over virtual
//! registers ([`VCode`]).
//!
//! Value representation: an integer of up to 64 bits lives in one
//! x-register; bits above its width are undefined, so ops that look at them
//! (compares, division, right shifts, extends, conditions) extend first.
//! f32/f64 live in f-registers. f16 and f128 have no arithmetic here: an
//! f16 is carried as its bits in an x-register (like an i16), an f128 as
//! its bits in a pair like an i128, and only the ops that move bits apply
//! to them ([`moves_bits`]). Critical edges are split here, because the
//! register allocator needs them split, and each block is placed after one
//! of its predecessors, because regalloc2's checker needs that order.

use crate::abi::{self, ARG_REGS};
use crate::error::LowerResult;
use crate::vcode::{Special, TableLoad, VBlock, VCode, VInst, VInstKind};
use crate::vops::{self as vop, VOp};
use cranelift_codegen::entity::{EntitySet, SecondaryMap};
use cranelift_codegen::ir::{
    self, Function, InstructionData, Opcode, Type, Value,
    condcodes::{CondCode, FloatCC, IntCC},
    types,
};
use regalloc2::{Block as VBlockId, Operand, PRegSet, RegClass, VReg};
use sheave_opcodes::PcRel;
use std::collections::HashMap;

mod calls;
mod dead;
mod float;
mod fusion;
mod i128;
mod int;
mod memory;
mod vector;

const P: PcRel = PcRel(0);

/// Whether `t` is carried as a register pair `[lo, hi]` (i128, and f128 as its bits).
fn is_pair(t: Type) -> bool {
    t == types::I128 || t == types::F128
}

/// The ops that only move a value's bits (so apply to f16 and f128, which
/// are carried as bits in x-registers, with no arithmetic): constants,
/// loads, stores, bitcasts, selects and calls. Block arguments, returns and
/// tail calls are terminators and move any type.
fn moves_bits(opcode: Opcode) -> bool {
    use Opcode::*;
    matches!(
        opcode,
        F16const
            | F128const
            | Load
            | Store
            | Bitcast
            | Select
            | SelectSpectreGuard
            | Call
            | CallIndirect
            | Nop
    )
}

/// The `select` op for a result of register class `class`: a value's class
/// (not whether its type is a float) says which registers hold it, and f16
/// lives in an x-register.
fn select_op(class: RegClass) -> fn(VReg, VReg, VReg, VReg) -> VOp {
    match class {
        RegClass::Int => vop::xselect,
        RegClass::Float => vop::fselect,
        RegClass::Vector => vop::vselect,
    }
}

/// What `lower` produces besides the code: the functions called directly.
pub struct Lowered {
    pub vcode: VCode,
    /// Names of directly called functions, indexed by `VInstKind::Call::callee`.
    pub callees: Vec<ir::ExternalName>,
}

pub fn lower(func: &Function, big_endian_target: bool, pinned_reg: bool) -> LowerResult<Lowered> {
    let mut l = Lower {
        func,
        big_endian_target,
        pinned_reg,
        vcode: VCode::default(),
        values: SecondaryMap::new(),
        block_ids: HashMap::new(),
        callees: Vec::new(),
        slot_offsets: HashMap::new(),
        fused: SecondaryMap::new(),
        folded_consts: Default::default(),
        dead: Default::default(),
        alu_imm: SecondaryMap::new(),
        indexed: SecondaryMap::new(),
        absorbed: Default::default(),
        mul_adds: SecondaryMap::new(),
        xor_shifts: SecondaryMap::new(),
        shift_adds: SecondaryMap::new(),
        int_mul_adds: SecondaryMap::new(),
        xor_muls: SecondaryMap::new(),
        bit_tests: SecondaryMap::new(),
        sp_based: SecondaryMap::new(),
        table_loads: SecondaryMap::new(),
    };
    l.lower_function()?;
    Ok(Lowered { vcode: l.vcode, callees: l.callees })
}

/// How a fused `icmp` compares: its condition and whether its second
/// operand became an immediate.
#[derive(Clone, Copy)]
struct FusedCompare {
    cond: IntCC,
    imm: Option<i64>,
}

struct Lower<'f> {
    func: &'f Function,
    /// Native byte order of the target (for loads/stores without explicit endianness).
    big_endian_target: bool,
    /// Whether the pinned register is reserved (`enable_pinned_reg`).
    pinned_reg: bool,
    vcode: VCode,
    /// The registers of each value lowered or used so far (dense: this
    /// is looked up for every operand).
    values: SecondaryMap<Value, ValueRegs>,
    block_ids: HashMap<ir::Block, VBlockId>,
    callees: Vec<ir::ExternalName>,
    slot_offsets: HashMap<ir::StackSlot, u32>,
    /// `icmp`s lowered into the `brif` that ends their block.
    fused: SecondaryMap<ir::Inst, Option<FusedCompare>>,
    /// `iconst`s whose only use became an immediate of a fused compare.
    folded_consts: EntitySet<ir::Inst>,
    /// Pure instructions whose results nothing uses: not lowered.
    dead: EntitySet<ir::Inst>,
    /// Integer ops whose second operand is a constant folded into an immediate.
    alu_imm: SecondaryMap<ir::Inst, Option<i64>>,
    /// Loads and stores whose address is the sum of these two values: one
    /// indexed op (see [`Self::find_fusions`]).
    indexed: SecondaryMap<ir::Inst, Option<(Value, Value)>>,
    /// Instructions lowered as part of another op (the `iadd`s of indexed
    /// addresses, the `fmul`s of multiply-adds): not lowered themselves.
    absorbed: EntitySet<ir::Inst>,
    /// `fadd`s of an `fmul` of their block used only there: the multiply's
    /// operands, the addend, and whether the product is the add's first
    /// operand (see [`Self::find_fusions`]).
    mul_adds: SecondaryMap<ir::Inst, Option<MulAdd>>,
    /// `bxor`s of a constant shift of their block used only there (see
    /// [`Self::find_fusions`]).
    xor_shifts: SecondaryMap<ir::Inst, Option<XorShift>>,
    /// 64-bit `iadd`s of a constant left shift of their block used only
    /// there: `(plain, shifted, amt)`, one `xadd_shl64`.
    shift_adds: SecondaryMap<ir::Inst, Option<(Value, Value, u8)>>,
    /// 64-bit `iadd`s of an `imul` (of two registers) of their block used
    /// only there: the factors and the addend, a register or an `i8`.
    int_mul_adds: SecondaryMap<ir::Inst, Option<IntMulAdd>>,
    /// `(a ^ b) * c` as one `xbxor_mul64`: the `imul`'s `a`, `b` (of the
    /// `bxor` it absorbed) and `c`.
    xor_muls: SecondaryMap<ir::Inst, Option<(Value, Value, Value)>>,
    /// `brif`s on a `band` with a small constant of their block used only
    /// there: the value tested and the mask, one bit-test branch.
    bit_tests: SecondaryMap<ir::Inst, Option<(Value, i8)>>,
    /// Loads and stores whose base is a `stack_addr`: `sp` itself is the
    /// base, with the slot's offset added to the access's (see
    /// [`Self::find_fusions`]).
    sp_based: SecondaryMap<ir::Inst, Option<SpBase>>,
    /// `br_table`s whose index is a byte load they absorbed (that load).
    table_loads: SecondaryMap<ir::Inst, Option<ir::Inst>>,
}

/// A load or store addressed from `sp`: `sp + index + offset` (the slot's
/// offset and the `stack_addr`'s included).
#[derive(Clone, Copy)]
pub(super) struct SpBase {
    pub index: Option<Value>,
    pub offset: i32,
}

/// `a * b + c` (or `c + a * b`): an `fadd` and the `fmul` it absorbed.
#[derive(Clone, Copy)]
pub(super) struct MulAdd {
    pub a: Value,
    pub b: Value,
    pub c: Value,
    pub product_first: bool,
}

/// `a * b + addend`: an `iadd` and the `imul` it absorbed.
#[derive(Clone, Copy)]
pub(super) struct IntMulAdd {
    pub a: Value,
    pub b: Value,
    pub addend: Result<Value, i8>,
}

/// `plain ^ (shifted >> amt)` or `plain ^ (shifted << amt)`: a `bxor` and
/// the constant shift it absorbed.
#[derive(Clone, Copy)]
pub(super) struct XorShift {
    pub plain: Value,
    pub shifted: Value,
    pub amt: u8,
    pub left: bool,
}

/// The virtual registers of one value: one, or two (low first) for an
/// i128 or f128; none while the value has no registers yet.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct ValueRegs {
    regs: [VReg; 2],
    len: u8,
}

impl ValueRegs {
    fn one(r: VReg) -> ValueRegs {
        ValueRegs { regs: [r, VReg::invalid()], len: 1 }
    }
    fn two(lo: VReg, hi: VReg) -> ValueRegs {
        ValueRegs { regs: [lo, hi], len: 2 }
    }
    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for ValueRegs {
    fn default() -> ValueRegs {
        ValueRegs { regs: [VReg::invalid(); 2], len: 0 }
    }
}

impl std::ops::Deref for ValueRegs {
    type Target = [VReg];
    fn deref(&self) -> &[VReg] {
        &self.regs[..self.len as usize]
    }
}

impl IntoIterator for ValueRegs {
    type Item = VReg;
    type IntoIter = std::iter::Take<std::array::IntoIter<VReg, 2>>;
    fn into_iter(self) -> Self::IntoIter {
        self.regs.into_iter().take(self.len as usize)
    }
}

/// One CFG edge out of a block: target block and the arguments it passes.
struct Edge {
    target: ir::Block,
    args: Vec<Value>,
}

impl<'f> Lower<'f> {
    fn class_of(ty: Type) -> LowerResult<RegClass> {
        // f16 is carried as its bits in an x-register (no f16 arithmetic).
        if (ty.is_int() && ty.bits() <= 64) || ty == types::F16 {
            Ok(RegClass::Int)
        } else if ty == types::F32 || ty == types::F64 {
            Ok(RegClass::Float)
        } else if ty.is_vector() && (ty.bits() == 128 || ty.bits() == 64) {
            Ok(RegClass::Vector)
        } else {
            Err(format!("values of type {ty} are not supported yet"))
        }
    }

    fn new_vreg(&mut self, class: RegClass) -> VReg {
        let v = VReg::new(self.vcode.num_vregs, class);
        self.vcode.num_vregs += 1;
        v
    }

    /// The virtual register holding scalar `v` (not an i128).
    fn reg(&mut self, v: Value) -> LowerResult<VReg> {
        let ty = self.func.dfg.value_type(v);
        if ty == types::I128 || ty == types::F128 {
            return Err(format!("this use of an {ty} value is not supported yet"));
        }
        Ok(self.regs(v)?[0])
    }

    /// The virtual registers holding `v`: one, or `[lo, hi]` for an i128.
    fn regs(&mut self, v: Value) -> LowerResult<ValueRegs> {
        let v = self.func.dfg.resolve_aliases(v);
        let known = self.values[v];
        if !known.is_empty() {
            return Ok(known);
        }
        let ty = self.func.dfg.value_type(v);
        // f128 is carried as its bits in a pair, like i128.
        let regs = if ty == types::I128 || ty == types::F128 {
            ValueRegs::two(self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int))
        } else {
            ValueRegs::one(self.new_vreg(Self::class_of(ty)?))
        };
        self.values[v] = regs;
        Ok(regs)
    }

    /// The registers of `vals`, flattened (an i128 takes two, low first).
    fn flat_regs(&mut self, vals: &[Value]) -> LowerResult<Vec<VReg>> {
        let mut out = Vec::new();
        for &v in vals {
            out.extend(self.regs(v)?);
        }
        Ok(out)
    }

    /// `[lo, hi]` of an i128 value.
    fn pair(&mut self, v: Value) -> LowerResult<(VReg, VReg)> {
        let r = self.regs(v)?;
        match r[..] {
            [lo, hi] => Ok((lo, hi)),
            _ => Err("expected an i128 or f128 value".into()),
        }
    }

    /// Make `result` be the same register as `source` (for no-op conversions).
    /// (If `result` was already used, by a block lowered earlier than its
    /// definition, it has its own register: copy into that instead.)
    fn alias(&mut self, result: Value, source: VReg) {
        match self.values.get(result).filter(|r| !r.is_empty()) {
            Some(existing) => {
                let d = existing[0];
                match source.class() {
                    RegClass::Int => self.emit(vop::xmov(d, source)),
                    RegClass::Float => self.emit(vop::fmov(d, source)),
                    RegClass::Vector => self.emit(vop::vmov(d, source)),
                }
            }
            None => {
                self.values[result] = ValueRegs::one(source);
            }
        }
    }

    fn edges(&self, inst: ir::Inst) -> Vec<Edge> {
        let dfg = &self.func.dfg;
        dfg.insts[inst]
            .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
            .iter()
            .map(|call| Edge {
                target: call.block(&dfg.value_lists),
                args: call.args(&dfg.value_lists).filter_map(|a| a.as_value()).collect(),
            })
            .collect()
    }

    /// The blocks reachable from `entry`, in the order they become VCode
    /// blocks: layout order, except that a block waits until one of its
    /// predecessors has been placed (it then comes at its layout place
    /// among the blocks that may go next). So every block but the entry
    /// follows one of its predecessors, which regalloc2's checker assumes
    /// of the block order: it makes one pass over the blocks in order
    /// before iterating to a fixpoint, and a block it reaches before any
    /// of its predecessors starts from an empty state (nothing known to
    /// be in any register), which then flows to its successors and can
    /// never be undone, so correct uses there are reported as
    /// `UnknownValueInAllocation`. A layout in which every block already
    /// follows a predecessor (the usual case) is kept as it is.
    fn block_order(&self, entry: ir::Block) -> Vec<ir::Block> {
        use std::cmp::Reverse;
        use std::collections::{BinaryHeap, HashSet};
        let layout = &self.func.layout;
        let position: HashMap<ir::Block, usize> = layout.blocks().enumerate().map(|(i, b)| (b, i)).collect();
        // Blocks that may go next (a predecessor is placed), by layout position.
        let mut ready = BinaryHeap::from([Reverse((position[&entry], entry))]);
        let mut seen = HashSet::from([entry]);
        let mut order = Vec::new();
        while let Some(Reverse((_, b))) = ready.pop() {
            order.push(b);
            if let Some(last) = layout.last_inst(b) {
                for e in self.edges(last) {
                    if seen.insert(e.target) {
                        ready.push(Reverse((position[&e.target], e.target)));
                    }
                }
            }
        }
        order
    }

    fn lower_function(&mut self) -> LowerResult<()> {
        let func = self.func;
        // Explicit stack slots, at the bottom of the frame (sp-relative).
        let mut offset = 0u32;
        for (slot, data) in func.sized_stack_slots.iter() {
            let align = 1u32 << data.align_shift.min(4);
            offset = offset.next_multiple_of(align);
            self.slot_offsets.insert(slot, offset);
            offset = offset.checked_add(data.size).ok_or("stack slots exceed 4 GiB")?;
        }
        self.vcode.stack_slots_size = offset;
        let entry = func.layout.entry_block().ok_or("the function has no blocks")?;
        let order = self.block_order(entry);
        let (dead, uses) = self.dead_insts(&order);
        self.dead = dead;
        self.find_fusions(&order, &uses);
        // Count predecessors (one per edge) to find critical edges.
        let mut pred_count: HashMap<ir::Block, usize> = HashMap::new();
        for &b in &order {
            for e in self.edges(func.layout.last_inst(b).ok_or("empty block")?) {
                *pred_count.entry(e.target).or_default() += 1;
            }
        }
        // Allocate VCode block ids: each CLIF block, then its edge blocks.
        let mut plan: Vec<(ir::Block, Vec<Option<VBlockId>>)> = Vec::new();
        let mut next = 0usize;
        for &b in &order {
            self.block_ids.insert(b, VBlockId::new(next));
            next += 1;
            let edges = self.edges(func.layout.last_inst(b).unwrap());
            let split: Vec<Option<VBlockId>> = edges
                .iter()
                .map(|e| {
                    (edges.len() > 1 && pred_count[&e.target] > 1).then(|| {
                        next += 1;
                        VBlockId::new(next - 1)
                    })
                })
                .collect();
            plan.push((b, split));
        }
        self.vcode.blocks = vec![VBlock::default(); next];

        for (b, split) in plan {
            let id = self.block_ids[&b];
            self.vcode.blocks[id.index()].first_inst = self.vcode.insts.len();
            let params: Vec<VReg> = self.flat_regs(func.dfg.block_params(b))?;
            self.vcode.blocks[id.index()].params = params;
            if b == entry {
                self.lower_args()?;
            }
            let last = func.layout.last_inst(b).unwrap();
            for inst in func.layout.block_insts(b) {
                if inst == last {
                    break;
                }
                if self.fused[inst].is_some()
                    || self.folded_consts.contains(inst)
                    || self.dead.contains(inst)
                    || self.absorbed.contains(inst)
                {
                    continue;
                }
                self.lower_inst(inst).map_err(|e| format!("{e} (in `{}`)", func.dfg.display_inst(inst)))?;
            }
            // The terminator, with its edges redirected through edge blocks.
            let edges = self.edges(last);
            let mut succs = Vec::new();
            let mut args = Vec::new();
            for (e, via) in edges.iter().zip(&split) {
                match via {
                    Some(edge_block) => {
                        succs.push(*edge_block);
                        args.push(Vec::new());
                    }
                    None => {
                        succs.push(self.block_ids[&e.target]);
                        args.push(self.flat_regs(&e.args)?);
                    }
                }
            }
            self.lower_terminator(last, &succs)
                .map_err(|e| format!("{e} (in `{}`)", func.dfg.display_inst(last)))?;
            let vb = &mut self.vcode.blocks[id.index()];
            vb.end_inst = self.vcode.insts.len();
            vb.succs = succs.clone();
            vb.branch_args = args;
            for s in &succs {
                self.vcode.blocks[s.index()].preds.push(id);
            }
            // Edge blocks: a jump passing the edge's arguments.
            for (e, via) in edges.iter().zip(&split) {
                if let Some(edge_block) = via {
                    let target = self.block_ids[&e.target];
                    let args: Vec<VReg> = self.flat_regs(&e.args)?;
                    let first = self.vcode.insts.len();
                    self.push(VInstKind::Jump, vec![], PRegSet::empty());
                    let eb = &mut self.vcode.blocks[edge_block.index()];
                    eb.first_inst = first;
                    eb.end_inst = first + 1;
                    eb.succs = vec![target];
                    eb.branch_args = vec![args];
                    self.vcode.blocks[target.index()].preds.push(*edge_block);
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, kind: VInstKind, operands: Vec<Operand>, clobbers: PRegSet) {
        self.vcode.insts.push(VInst { kind, operands, clobbers });
    }

    /// Emit an op (built by a [`vop`] constructor, which gives its operands).
    fn emit(&mut self, op: VOp) {
        self.push(VInstKind::Op(op.op), op.operands, PRegSet::empty());
    }

    /// End the block with a conditional branch op to successor 0.
    fn cond_br(&mut self, branch: VOp) {
        self.push(VInstKind::CondBr(branch.op), branch.operands, PRegSet::empty());
    }

    fn lower_terminator(&mut self, inst: ir::Inst, succs: &[VBlockId]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        match dfg.insts[inst] {
            InstructionData::Jump { .. } => self.push(VInstKind::Jump, vec![], PRegSet::empty()),
            InstructionData::BranchTable { arg, .. } => match self.table_loads[inst] {
                Some(load) => {
                    let (base, index, offset) = self.table_load(load)?;
                    let operands = base.into_iter().chain([index]).map(Operand::reg_use).collect();
                    let load = Some(TableLoad { offset, sp_base: base.is_none() });
                    self.push(VInstKind::BrTable { load }, operands, PRegSet::empty());
                }
                None => {
                    let idx = self.reg(arg)?;
                    self.push(
                        VInstKind::BrTable { load: None },
                        vec![Operand::reg_use(idx)],
                        PRegSet::empty(),
                    );
                }
            },
            InstructionData::Call { opcode: Opcode::ReturnCall, .. } => self.return_call(inst)?,
            InstructionData::CallIndirect { opcode: Opcode::ReturnCallIndirect, .. } => {
                self.return_call_indirect(inst)?;
            }
            InstructionData::Brif { .. } if self.bit_tests[inst].is_some() => {
                let (tested, mask) = self.bit_tests[inst].expect("checked");
                let a = self.reg(tested)?;
                let br = if dfg.value_type(tested) == types::I64 {
                    vop::br_if_xband64_i8
                } else {
                    vop::br_if_xband32_i8
                };
                self.cond_br(br(a, mask, P));
            }
            InstructionData::Brif { arg, .. } if self.fused_def(arg).is_some() => {
                let icmp = self.fused_def(arg).expect("checked");
                let branch = self.fused_branch(icmp)?;
                self.cond_br(branch);
            }
            InstructionData::Brif { arg, .. } => {
                let cond = self.condition(arg)?;
                let ty = dfg.value_type(arg);
                let br_if = if ty.bits() >= 64 { vop::br_if64 } else { vop::br_if32 };
                self.cond_br(br_if(cond, P));
                debug_assert_eq!(succs.len(), 2);
            }
            InstructionData::MultiAry { opcode: Opcode::Return, .. } => {
                let vals: Vec<VReg> = self.flat_regs(dfg.inst_args(inst))?;
                // Results beyond the registers go to the caller's area above
                // the frame record, like stack arguments.
                let (operands, rest) = self.call_args(&vals)?;
                for (slot, &r) in rest.iter().enumerate() {
                    let offset = 16 + 8 * slot as i32;
                    self.push(
                        VInstKind::StoreIncoming { offset },
                        vec![Operand::reg_use(r)],
                        PRegSet::empty(),
                    );
                }
                self.push(VInstKind::Ret, operands, PRegSet::empty());
            }
            InstructionData::Trap { code, .. } => {
                self.push(VInstKind::Trap(vop::trap(code.as_raw().get()).op), vec![], PRegSet::empty())
            }
            _ => {
                return Err(format!("terminator `{}` is not supported yet", dfg.insts[inst].opcode()));
            }
        }
        Ok(())
    }

    fn result(&mut self, inst: ir::Inst) -> LowerResult<VReg> {
        let v = *self.func.dfg.inst_results(inst).first().ok_or("the instruction has no result")?;
        self.reg(v)
    }

    fn lower_inst(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let opcode = data.opcode();
        let args: Vec<Value> = dfg.inst_args(inst).to_vec();
        let ctrl = dfg.ctrl_typevar(inst);
        if !matches!(opcode, Opcode::Call | Opcode::CallIndirect) && vector::touches_vectors(self.func, inst)
        {
            return self.lower_vector(inst, opcode, &args);
        }
        let touches = |is: fn(Type) -> bool| {
            is(ctrl)
                || args.iter().any(|&a| is(dfg.value_type(a)))
                || dfg.inst_results(inst).iter().any(|&r| is(dfg.value_type(r)))
        };
        if touches(|t| t == types::F16) && !moves_bits(opcode) {
            return Err(format!(
                "`{opcode}` of f16 values is not supported (f16 is carried as its bits: moves, loads, stores, bitcasts and selects only)"
            ));
        }
        if touches(|t| t == types::F128) && !moves_bits(opcode) {
            return Err(format!(
                "`{opcode}` of f128 values is not supported (f128 is carried as its bits: moves, loads, stores, bitcasts and selects only)"
            ));
        }
        let touches_i128 = touches(is_pair);
        if touches_i128 && !matches!(opcode, Opcode::Call | Opcode::CallIndirect) {
            return self.lower_i128(inst, opcode, &args);
        }
        if self.memory_access(inst, data, ctrl)? {
            return Ok(());
        }
        match data {
            InstructionData::UnaryImm { imm, .. } => {
                let d = self.result(inst)?;
                let v = imm.bits();
                self.iconst(d, v);
            }
            InstructionData::UnaryIeee16 { imm, .. } => {
                let d = self.result(inst)?;
                self.iconst(d, imm.bits() as i64);
            }
            InstructionData::UnaryIeee32 { imm, .. } => {
                let d = self.result(inst)?;
                self.emit(vop::fconst32(d, imm.bits()));
            }
            InstructionData::UnaryIeee64 { imm, .. } => {
                let d = self.result(inst)?;
                self.emit(vop::fconst64(d, imm.bits()));
            }
            InstructionData::Binary { .. } if self.int_mul_adds[inst].is_some() => {
                let m = self.int_mul_adds[inst].expect("checked");
                let (a, b) = (self.reg(m.a)?, self.reg(m.b)?);
                let op = match m.addend {
                    Ok(c) => {
                        let c = self.reg(c)?;
                        vop::xmadd64(self.result(inst)?, a, b, c)
                    }
                    Err(imm) => vop::xmadd64_i8(self.result(inst)?, a, b, imm),
                };
                self.emit(op);
            }
            InstructionData::Binary { .. } if self.xor_muls[inst].is_some() => {
                let (a, b, c) = self.xor_muls[inst].expect("checked");
                let (a, b, c, d) = (self.reg(a)?, self.reg(b)?, self.reg(c)?, self.result(inst)?);
                self.emit(vop::xbxor_mul64(d, a, b, c));
            }
            InstructionData::Binary { .. } if self.shift_adds[inst].is_some() => {
                let (plain, shifted, amt) = self.shift_adds[inst].expect("checked");
                let (a, b, d) = (self.reg(plain)?, self.reg(shifted)?, self.result(inst)?);
                self.emit(vop::xadd_shl64(d, a, b, amt));
            }
            InstructionData::Binary { .. } if self.xor_shifts[inst].is_some() => {
                self.xor_shift(inst, self.xor_shifts[inst].expect("checked"), ctrl == types::I64)?;
            }
            InstructionData::Binary { opcode, args: [a, b] } if ctrl.is_int() => {
                self.int_binary(inst, opcode, a, b, ctrl)?;
            }
            InstructionData::Binary { .. } if self.mul_adds[inst].is_some() => {
                self.mul_add(inst, self.mul_adds[inst].expect("checked"), ctrl == types::F64)?;
            }
            InstructionData::Binary { opcode, args: [a, b] } if ctrl.is_float() => {
                self.float_binary(inst, opcode, a, b, ctrl == types::F64)?;
            }
            InstructionData::IntCompare { cond, args: [a, b], .. } => {
                let d = self.result(inst)?;
                self.icmp(d, cond, a, b)?;
            }
            InstructionData::FloatCompare { cond, args: [a, b], .. } => {
                let d = self.result(inst)?;
                self.fcmp(d, cond, a, b)?;
            }
            InstructionData::Unary { opcode, arg } if self.float_unary(inst, opcode, arg)? => {}
            _ => match opcode {
                Opcode::Uextend
                | Opcode::Sextend
                | Opcode::Ireduce
                | Opcode::Select
                | Opcode::Bitcast
                | Opcode::Bmask
                | Opcode::SelectSpectreGuard => self.scalar_moves(inst, opcode, &args)?,
                Opcode::Bnot
                | Opcode::Ineg
                | Opcode::Clz
                | Opcode::Ctz
                | Opcode::Cls
                | Opcode::Popcnt
                | Opcode::Bswap
                | Opcode::Bitrev
                | Opcode::Iabs
                | Opcode::Fma
                | Opcode::UaddOverflowCin
                | Opcode::SaddOverflowCin
                | Opcode::UsubOverflowBin
                | Opcode::SsubOverflowBin
                | Opcode::UaddOverflowTrap => self.scalar_arithmetic(inst, opcode, &args)?,
                Opcode::Call
                | Opcode::CallIndirect
                | Opcode::GetPinnedReg
                | Opcode::SetPinnedReg
                | Opcode::GetStackPointer
                | Opcode::GetFramePointer
                | Opcode::GetReturnAddress
                | Opcode::FuncAddr
                | Opcode::SymbolValue
                | Opcode::Trapz
                | Opcode::Trapnz => self.calls_traps_and_registers(inst, opcode, &args)?,
                Opcode::Nop => {}
                _ => return Err(format!("`{opcode}` is not supported yet")),
            },
        }
        Ok(())
    }

    /// Extends, reductions, bitcasts, selects and `bmask` of scalars.
    fn scalar_moves(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let ctrl = dfg.ctrl_typevar(inst);
        match opcode {
            Opcode::Uextend | Opcode::Sextend => {
                let from = dfg.value_type(args[0]).bits();
                let r = self.reg(args[0])?;
                let e = self.extend(r, from, opcode == Opcode::Sextend);
                self.alias(dfg.first_result(inst), e);
            }
            Opcode::Ireduce => {
                let r = self.reg(args[0])?;
                self.alias(dfg.first_result(inst), r);
            }
            Opcode::Select | Opcode::SelectSpectreGuard if ctrl.is_int() || ctrl.is_float() => {
                let c = self.extended(args[0], false)?;
                let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                self.emit(select_op(d.class())(d, c, a, b));
            }
            Opcode::Bitcast
                if ctrl.bits() == dfg.value_type(args[0]).bits()
                    && (dfg.value_type(args[0]) == ctrl
                        || ctrl == types::F16
                        || dfg.value_type(args[0]) == types::F16) =>
            {
                let r = self.reg(args[0])?;
                self.alias(dfg.first_result(inst), r);
            }
            Opcode::Bitcast if ctrl.bits() == dfg.value_type(args[0]).bits() => {
                // Between an f32/f64 and an integer of the same width.
                let from = dfg.value_type(args[0]);
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                let op = match (from, ctrl) {
                    (types::F32, types::I32) => vop::bitcast_x_from_f32,
                    (types::F64, types::I64) => vop::bitcast_x_from_f64,
                    (types::I32, types::F32) => vop::bitcast_f32_from_x,
                    (types::I64, types::F64) => vop::bitcast_f64_from_x,
                    _ => return Err(format!("`bitcast` from {from} to {ctrl} is not supported yet")),
                };
                self.emit(op(d, a));
            }
            Opcode::Bmask if ctrl.bits() <= 64 && dfg.value_type(args[0]).bits() <= 64 => {
                // All ones when the input is not zero: -(x != 0).
                let x = self.extended(args[0], false)?;
                let (z, ne, d) =
                    (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int), self.result(inst)?);
                self.emit(vop::xzero(z));
                self.emit(vop::xneq64(ne, x, z));
                self.emit(vop::xneg64(d, ne));
            }
            _ => return Err(format!("`{opcode}` is not supported yet")),
        }
        Ok(())
    }

    /// Negation, `bnot`, bit counts, `fma`, the carry-in adds and `uadd_overflow_trap` of scalars.
    fn scalar_arithmetic(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let ctrl = dfg.ctrl_typevar(inst);
        let wide = ctrl.bits() == 64;
        match opcode {
            Opcode::Bnot if ctrl == types::F32 || ctrl == types::F64 => {
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                self.float_bitwise(opcode, d, Some((a, a)), ctrl == types::F64)?;
            }
            Opcode::Ineg | Opcode::Bnot if ctrl.is_int() && ctrl.bits() <= 64 => {
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                let op = match (opcode, wide) {
                    (Opcode::Ineg, false) => vop::xneg32,
                    (Opcode::Ineg, true) => vop::xneg64,
                    (_, false) => vop::xbnot32,
                    (_, true) => vop::xbnot64,
                };
                self.emit(op(d, a));
            }
            Opcode::Clz
            | Opcode::Ctz
            | Opcode::Cls
            | Opcode::Popcnt
            | Opcode::Bswap
            | Opcode::Bitrev
            | Opcode::Iabs
                if ctrl.is_int() && ctrl.bits() <= 64 =>
            {
                self.int_unary(inst, opcode, args[0], ctrl.bits())?;
            }
            Opcode::Fma if ctrl == types::F32 || ctrl == types::F64 => {
                let (a, b, c, d) =
                    (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                let fma = if ctrl == types::F64 { vop::fma64 } else { vop::fma32 };
                self.emit(fma(d, a, b, c));
            }
            Opcode::UaddOverflowCin
            | Opcode::SaddOverflowCin
            | Opcode::UsubOverflowBin
            | Opcode::SsubOverflowBin
                if ctrl.bits() <= 64 =>
            {
                self.overflow_with_carry(inst, opcode, args, ctrl.bits())?;
            }
            Opcode::UaddOverflowTrap if ctrl.bits() >= 32 && ctrl.bits() <= 64 => {
                let InstructionData::IntAddTrap { code, .. } = data else { unreachable!() };
                let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                let of = self.new_vreg(RegClass::Int);
                let add = if wide { vop::xadd64_uof } else { vop::xadd32_uof };
                self.emit(add(d, of, a, b));
                self.emit(vop::trap_if_nonzero64(of, code.as_raw().get()));
            }
            _ => return Err(format!("`{opcode}` is not supported yet")),
        }
        Ok(())
    }

    /// Calls, function addresses, conditional traps and the registers outside allocation (pinned, sp, fp, lr).
    fn calls_traps_and_registers(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
    ) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        match opcode {
            Opcode::Call => self.call(inst)?,
            Opcode::CallIndirect => self.call_indirect(inst)?,
            Opcode::GetPinnedReg | Opcode::SetPinnedReg if !self.pinned_reg => {
                return Err("the pinned register needs the `enable_pinned_reg` setting".into());
            }
            Opcode::GetPinnedReg => {
                let d = self.result(inst)?;
                self.push(
                    VInstKind::ReadSpecial(Special::Pinned),
                    vec![Operand::reg_def(d)],
                    PRegSet::empty(),
                );
            }
            Opcode::SetPinnedReg => {
                let v = self.reg(args[0])?;
                self.push(VInstKind::WritePinned, vec![Operand::reg_use(v)], PRegSet::empty());
            }
            Opcode::GetStackPointer | Opcode::GetFramePointer | Opcode::GetReturnAddress => {
                let which = match opcode {
                    Opcode::GetStackPointer => Special::Sp,
                    Opcode::GetFramePointer => Special::Fp,
                    _ => Special::Lr,
                };
                let d = self.result(inst)?;
                self.push(VInstKind::ReadSpecial(which), vec![Operand::reg_def(d)], PRegSet::empty());
            }
            Opcode::FuncAddr => {
                let InstructionData::FuncAddr { func_ref, .. } = data else { unreachable!() };
                let name = dfg.ext_funcs[func_ref].name.clone();
                let callee = self.callee_index(name);
                let d = self.result(inst)?;
                self.push(VInstKind::FuncAddr { callee }, vec![Operand::reg_def(d)], PRegSet::empty());
            }
            Opcode::SymbolValue => {
                let InstructionData::UnaryGlobalValue { global_value, .. } = data else { unreachable!() };
                let ir::GlobalValueData::Symbol { name, offset, tls: false, .. } =
                    &self.func.global_values[global_value]
                else {
                    return Err(format!(
                        "`symbol_value` of {} is not supported (only of non-TLS symbols)",
                        self.func.global_values[global_value]
                    ));
                };
                let symbol = self.callee_index(name.clone());
                let d = self.result(inst)?;
                let addend = offset.bits();
                self.push(
                    VInstKind::SymbolValue { symbol, addend },
                    vec![Operand::reg_def(d)],
                    PRegSet::empty(),
                );
            }
            Opcode::Trapz | Opcode::Trapnz => {
                let InstructionData::CondTrap { code, .. } = data else { unreachable!() };
                let c = self.condition(args[0])?;
                let code = code.as_raw().get();
                let bits64 = dfg.value_type(args[0]).bits() == 64;
                let trap_if = match (opcode, bits64) {
                    (Opcode::Trapz, false) => vop::trap_if_zero32,
                    (Opcode::Trapz, true) => vop::trap_if_zero64,
                    (_, false) => vop::trap_if_nonzero32,
                    (_, true) => vop::trap_if_nonzero64,
                };
                self.emit(trap_if(c, code));
            }
            _ => return Err(format!("`{opcode}` is not supported yet")),
        }
        Ok(())
    }
}
