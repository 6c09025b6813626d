//! Instruction selection: CLIF instructions to Sheave ops over virtual
//! registers ([`VCode`]).
//!
//! Value representation: an integer of up to 64 bits lives in one
//! x-register; bits above its width are undefined, so ops that look at them
//! (compares, division, right shifts, extends, conditions) extend first.
//! f32/f64 live in f-registers. Critical edges are split here, because the
//! register allocator needs them split.

use crate::abi::{self, ARG_REGS};
use crate::error::LowerResult;
use crate::vcode::{Special, VBlock, VCode, VInst, VInstKind, reg_fields};
use cranelift_codegen::ir::{
    self, Function, InstructionData, Opcode, Type, Value,
    condcodes::{CondCode, FloatCC, IntCC},
    types,
};
use regalloc2::{Block as VBlockId, Operand, PRegSet, RegClass, VReg};
use sheave_opcodes::{FReg, Op, PcRel, XReg, ops};
use std::collections::HashMap;

const X0: XReg = XReg::FP; // placeholder: every register field is rewritten
const F0: FReg = match FReg::new(0) {
    Some(r) => r,
    None => unreachable!(),
};
const P: PcRel = PcRel(0);

/// What `lower` produces besides the code: the functions called directly.
pub struct Lowered {
    pub vcode: VCode,
    /// Names of directly called functions, indexed by `VInstKind::Call::callee`.
    pub callees: Vec<ir::ExternalName>,
}

pub fn lower(func: &Function, big_endian_target: bool) -> LowerResult<Lowered> {
    let mut l = Lower {
        func,
        big_endian_target,
        vcode: VCode::default(),
        values: HashMap::new(),
        block_ids: HashMap::new(),
        callees: Vec::new(),
        slot_offsets: HashMap::new(),
        fused: HashMap::new(),
        folded_consts: Default::default(),
        alu_imm: HashMap::new(),
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
    vcode: VCode,
    values: HashMap<Value, Vec<VReg>>,
    block_ids: HashMap<ir::Block, VBlockId>,
    callees: Vec<ir::ExternalName>,
    slot_offsets: HashMap<ir::StackSlot, u32>,
    /// `icmp`s lowered into the `brif` that ends their block.
    fused: HashMap<ir::Inst, FusedCompare>,
    /// `iconst`s whose only use became an immediate of a fused compare.
    folded_consts: std::collections::HashSet<ir::Inst>,
    /// Integer ops whose second operand is a constant folded into an immediate.
    alu_imm: HashMap<ir::Inst, i64>,
}

/// One CFG edge out of a block: target block and the arguments it passes.
struct Edge {
    target: ir::Block,
    args: Vec<Value>,
}

impl<'f> Lower<'f> {
    fn class_of(ty: Type) -> LowerResult<RegClass> {
        if ty.is_int() && ty.bits() <= 64 {
            Ok(RegClass::Int)
        } else if ty == types::F32 || ty == types::F64 {
            Ok(RegClass::Float)
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
        if ty == types::I128 {
            return Err("this use of an i128 value is not supported yet".into());
        }
        Ok(self.regs(v)?[0])
    }

    /// The virtual registers holding `v`: one, or `[lo, hi]` for an i128.
    fn regs(&mut self, v: Value) -> LowerResult<Vec<VReg>> {
        let v = self.func.dfg.resolve_aliases(v);
        if let Some(r) = self.values.get(&v) {
            return Ok(r.clone());
        }
        let ty = self.func.dfg.value_type(v);
        let regs = if ty == types::I128 {
            vec![self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int)]
        } else {
            vec![self.new_vreg(Self::class_of(ty)?)]
        };
        self.values.insert(v, regs.clone());
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
            _ => Err("expected an i128 value".into()),
        }
    }

    /// Make `result` be the same register as `source` (for no-op conversions).
    /// (If `result` was already used, by a block lowered earlier than its
    /// definition, it has its own register: copy into that instead.)
    fn alias(&mut self, result: Value, source: VReg) {
        match self.values.get(&result) {
            Some(existing) => {
                let d = existing[0];
                match source.class() {
                    RegClass::Int => self.op(ops::Xmov { dst: X0, src: X0 }, &[d, source]),
                    _ => self.op(ops::Fmov { dst: F0, src: F0 }, &[d, source]),
                }
            }
            None => {
                self.values.insert(result, vec![source]);
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
        // Blocks reachable from the entry, in layout order.
        let mut reachable = std::collections::HashSet::new();
        let mut stack = vec![entry];
        while let Some(b) = stack.pop() {
            if reachable.insert(b) {
                if let Some(last) = func.layout.last_inst(b) {
                    stack.extend(self.edges(last).into_iter().map(|e| e.target));
                }
            }
        }
        let order: Vec<ir::Block> = func.layout.blocks().filter(|b| reachable.contains(b)).collect();
        self.find_fusions(&order);
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
            let params: Vec<VReg> = self.flat_regs(&func.dfg.block_params(b).to_vec())?;
            self.vcode.blocks[id.index()].params = params;
            if b == entry {
                self.lower_args()?;
            }
            let last = func.layout.last_inst(b).unwrap();
            for inst in func.layout.block_insts(b) {
                if inst == last {
                    break;
                }
                if self.fused.contains_key(&inst) || self.folded_consts.contains(&inst) {
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

    /// Emit `op`, whose register fields (in declaration order) are `regs`.
    fn op(&mut self, op: impl Into<Op>, regs: &[VReg]) {
        let op = op.into();
        let fields = reg_fields(&op);
        debug_assert_eq!(fields.len(), regs.len(), "{op}: one vreg per register field");
        let operands = fields
            .iter()
            .zip(regs)
            .map(|(&(class, def), &r)| {
                debug_assert_eq!(class, r.class(), "{op}: register class");
                if def { Operand::reg_def(r) } else { Operand::reg_use(r) }
            })
            .collect();
        self.push(VInstKind::Op(op), operands, PRegSet::empty());
    }

    /// Find each `brif` whose condition is an `icmp` of at most 64 bits in
    /// the same block, used nowhere else: it becomes one compare-and-branch
    /// op. A constant second operand (used nowhere else) becomes its immediate.
    fn find_fusions(&mut self, order: &[ir::Block]) {
        let func = self.func;
        let dfg = &func.dfg;
        let mut uses: HashMap<Value, usize> = HashMap::new();
        for &b in order {
            for inst in func.layout.block_insts(b) {
                for v in dfg.inst_values(inst) {
                    *uses.entry(dfg.resolve_aliases(v)).or_default() += 1;
                }
            }
        }
        for &b in order {
            let Some(last) = func.layout.last_inst(b) else {
                continue;
            };
            let InstructionData::Brif { arg, .. } = dfg.insts[last] else {
                continue;
            };
            let arg = dfg.resolve_aliases(arg);
            let ir::ValueDef::Result(icmp, 0) = dfg.value_def(arg) else {
                continue;
            };
            let InstructionData::IntCompare { cond, args: [_, y], .. } = dfg.insts[icmp] else {
                continue;
            };
            let ty = dfg.value_type(dfg.inst_args(icmp)[0]);
            if func.layout.inst_block(icmp) != Some(b) || uses.get(&arg) != Some(&1) || ty.bits() > 64 {
                continue;
            }
            let mut imm = None;
            let y = dfg.resolve_aliases(y);
            if let ir::ValueDef::Result(k, 0) = dfg.value_def(y) {
                if let InstructionData::UnaryImm { opcode: Opcode::Iconst, imm: value } = dfg.insts[k] {
                    // Immediates compare against 32- and 64-bit registers.
                    let v = match ty.bits() {
                        64 => Some(value.bits()),
                        32 => Some(value.bits() as i32 as i64),
                        _ => None,
                    };
                    if let Some(v) = v.filter(|v| i32::try_from(*v).is_ok()) {
                        imm = Some(v);
                        if uses.get(&y) == Some(&1) {
                            self.folded_consts.insert(k);
                        }
                    }
                }
            }
            self.fused.insert(icmp, FusedCompare { cond, imm });
        }
        // ALU ops with a constant second operand used nowhere else.
        for &b in order {
            for inst in func.layout.block_insts(b) {
                let InstructionData::Binary { opcode, args: [_, y] } = dfg.insts[inst] else {
                    continue;
                };
                let ty = dfg.ctrl_typevar(inst);
                let shift = matches!(opcode, Opcode::Ishl | Opcode::Ushr | Opcode::Sshr);
                let foldable = matches!(
                    opcode,
                    Opcode::Iadd | Opcode::Isub | Opcode::Imul | Opcode::Band | Opcode::Bor | Opcode::Bxor
                ) || (shift && ty.bits() >= 32);
                if !foldable || !ty.is_int() || ty.bits() > 64 {
                    continue;
                }
                let y = dfg.resolve_aliases(y);
                let ir::ValueDef::Result(k, 0) = dfg.value_def(y) else {
                    continue;
                };
                let InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } = dfg.insts[k] else {
                    continue;
                };
                if uses.get(&y) != Some(&1) {
                    continue;
                }
                let mut v = imm.bits();
                if opcode == Opcode::Isub {
                    v = v.wrapping_neg();
                }
                // 64-bit ops sign-extend a 32-bit immediate; 32-bit ops use its bits.
                let fits = if ty.bits() == 64 { i32::try_from(v).is_ok() } else { true };
                if fits {
                    self.alu_imm.insert(inst, if ty.bits() == 64 { v } else { v as i32 as i64 });
                    self.folded_consts.insert(k);
                }
            }
        }
    }

    /// The fused `icmp` defining `v`, if any.
    fn fused_def(&self, v: Value) -> Option<ir::Inst> {
        let dfg = &self.func.dfg;
        match dfg.value_def(dfg.resolve_aliases(v)) {
            ir::ValueDef::Result(i, 0) if self.fused.contains_key(&i) => Some(i),
            _ => None,
        }
    }

    /// The compare-and-branch op for fused `icmp` and its register operands.
    fn fused_branch(&mut self, icmp: ir::Inst) -> LowerResult<(Op, Vec<VReg>)> {
        use IntCC::*;
        let FusedCompare { cond, imm } = self.fused[&icmp];
        let args = self.func.dfg.inst_args(icmp).to_vec();
        let bits = self.func.dfg.value_type(args[0]).bits();
        let w = bits == 64;
        let signed = matches!(
            cond,
            SignedLessThan | SignedLessThanOrEqual | SignedGreaterThan | SignedGreaterThanOrEqual
        );
        let reg = |s: &mut Self, v| {
            if bits < 32 { s.extended(v, signed) } else { s.reg(v) }
        };
        let a = reg(self, args[0])?;
        if let Some(imm) = imm {
            macro_rules! bi {
                ($o32:ident, $o64:ident, $o32s:ident, $o64s:ident) => {{
                    match (i8::try_from(imm), w) {
                        (Ok(i), false) => Op::from(ops::$o32s { a: X0, imm: i, offset: P }),
                        (Ok(i), true) => Op::from(ops::$o64s { a: X0, imm: i, offset: P }),
                        (Err(_), false) => Op::from(ops::$o32 { a: X0, imm: imm as i32, offset: P }),
                        (Err(_), true) => Op::from(ops::$o64 { a: X0, imm: imm as i32, offset: P }),
                    }
                }};
            }
            let op = match cond {
                Equal => bi!(BrIfXeq32I, BrIfXeq64I, BrIfXeq32I8, BrIfXeq64I8),
                NotEqual => bi!(BrIfXneq32I, BrIfXneq64I, BrIfXneq32I8, BrIfXneq64I8),
                SignedLessThan => bi!(BrIfXslt32I, BrIfXslt64I, BrIfXslt32I8, BrIfXslt64I8),
                SignedLessThanOrEqual => bi!(BrIfXslteq32I, BrIfXslteq64I, BrIfXslteq32I8, BrIfXslteq64I8),
                SignedGreaterThan => bi!(BrIfXsgt32I, BrIfXsgt64I, BrIfXsgt32I8, BrIfXsgt64I8),
                SignedGreaterThanOrEqual => bi!(BrIfXsgteq32I, BrIfXsgteq64I, BrIfXsgteq32I8, BrIfXsgteq64I8),
                UnsignedLessThan => bi!(BrIfXult32I, BrIfXult64I, BrIfXult32I8, BrIfXult64I8),
                UnsignedLessThanOrEqual => bi!(BrIfXulteq32I, BrIfXulteq64I, BrIfXulteq32I8, BrIfXulteq64I8),
                UnsignedGreaterThan => bi!(BrIfXugt32I, BrIfXugt64I, BrIfXugt32I8, BrIfXugt64I8),
                UnsignedGreaterThanOrEqual => {
                    bi!(BrIfXugteq32I, BrIfXugteq64I, BrIfXugteq32I8, BrIfXugteq64I8)
                }
            };
            return Ok((op, vec![a]));
        }
        let b = reg(self, args[1])?;
        let (cond, a, b) = match cond {
            SignedGreaterThan
            | SignedGreaterThanOrEqual
            | UnsignedGreaterThan
            | UnsignedGreaterThanOrEqual => (cond.swap_args(), b, a),
            c => (c, a, b),
        };
        macro_rules! br {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { a: X0, b: X0, offset: P })
                } else {
                    Op::from(ops::$o32 { a: X0, b: X0, offset: P })
                }
            };
        }
        let op = match cond {
            Equal => br!(BrIfXeq32, BrIfXeq64),
            NotEqual => br!(BrIfXneq32, BrIfXneq64),
            SignedLessThan => br!(BrIfXslt32, BrIfXslt64),
            SignedLessThanOrEqual => br!(BrIfXslteq32, BrIfXslteq64),
            UnsignedLessThan => br!(BrIfXult32, BrIfXult64),
            UnsignedLessThanOrEqual => br!(BrIfXulteq32, BrIfXulteq64),
            _ => unreachable!("greater-than conditions were swapped"),
        };
        Ok((op, vec![a, b]))
    }

    fn lower_args(&mut self) -> LowerResult<()> {
        let params: Vec<Value> = self.func.dfg.block_params(self.func.layout.entry_block().unwrap()).to_vec();
        let mut operands = Vec::new();
        let (mut xi, mut fi) = (0, 0);
        let regs = self.flat_regs(&params)?;
        let mut on_stack = Vec::new();
        for r in regs {
            let preg = match r.class() {
                RegClass::Int => (xi, xi += 1).0,
                RegClass::Float => (fi, fi += 1).0,
                RegClass::Vector => return Err("vector arguments are not supported yet".into()),
            };
            if preg >= ARG_REGS {
                // Beyond the argument registers: in the caller's outgoing area.
                on_stack.push(r);
                continue;
            }
            let preg = if r.class() == RegClass::Int { abi::x(preg) } else { abi::f(preg) };
            operands.push(Operand::reg_fixed_def(r, preg));
        }
        // The entry block's params are defined by this instruction, not by
        // the allocator's block-parameter mechanism.
        let entry = self.block_ids[&self.func.layout.entry_block().unwrap()];
        self.vcode.blocks[entry.index()].params.clear();
        self.push(VInstKind::Args, operands, PRegSet::empty());
        for (slot, r) in on_stack.into_iter().enumerate() {
            let offset = i32::try_from(16 + 8 * slot).map_err(|_| "too many stack arguments")?;
            self.push(VInstKind::LoadIncoming { offset }, vec![Operand::reg_def(r)], PRegSet::empty());
        }
        Ok(())
    }

    /// Split call arguments into fixed-register operands and the rest,
    /// which go to the outgoing area in order.
    fn call_args(&mut self, vals: &[VReg]) -> LowerResult<(Vec<Operand>, Vec<VReg>)> {
        let (mut xi, mut fi) = (0, 0);
        let (mut operands, mut rest) = (Vec::new(), Vec::new());
        for &r in vals {
            let preg = match r.class() {
                RegClass::Int => (xi < ARG_REGS).then(|| abi::x(xi)).inspect(|_| xi += 1),
                RegClass::Float => (fi < ARG_REGS).then(|| abi::f(fi)).inspect(|_| fi += 1),
                RegClass::Vector => return Err("vector values are not supported yet".to_string()),
            };
            match preg {
                Some(p) => operands.push(Operand::reg_fixed_use(r, p)),
                None => rest.push(r),
            }
        }
        Ok((operands, rest))
    }

    /// Reserve the outgoing area and store `rest` into it; returns its size.
    fn store_outgoing(&mut self, rest: &[VReg]) -> LowerResult<u32> {
        if rest.is_empty() {
            return Ok(0);
        }
        let size =
            u32::try_from((8 * rest.len()).next_multiple_of(16)).map_err(|_| "too many stack arguments")?;
        self.push(VInstKind::AdjustSp { grow: true, bytes: size }, vec![], PRegSet::empty());
        for (slot, &r) in rest.iter().enumerate() {
            let offset = 8 * slot as i32;
            self.push(VInstKind::StoreOutgoing { offset }, vec![Operand::reg_use(r)], PRegSet::empty());
        }
        Ok(size)
    }

    /// Fixed-register operands for values passed by the calling convention.
    fn abi_operands(&mut self, vals: &[VReg], def: bool) -> LowerResult<Vec<Operand>> {
        let (mut xi, mut fi) = (0, 0);
        vals.iter()
            .map(|&r| {
                let preg = match r.class() {
                    RegClass::Int => (abi::x(xi), xi += 1).0,
                    RegClass::Float => (abi::f(fi), fi += 1).0,
                    RegClass::Vector => return Err("vector values are not supported yet".to_string()),
                };
                if xi > ARG_REGS || fi > ARG_REGS {
                    return Err(format!("more than {ARG_REGS} values of one register class"));
                }
                Ok(if def { Operand::reg_fixed_def(r, preg) } else { Operand::reg_fixed_use(r, preg) })
            })
            .collect()
    }

    fn lower_terminator(&mut self, inst: ir::Inst, succs: &[VBlockId]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        match dfg.insts[inst] {
            InstructionData::Jump { .. } => self.push(VInstKind::Jump, vec![], PRegSet::empty()),
            InstructionData::BranchTable { arg, .. } => {
                let idx = self.reg(arg)?;
                self.push(VInstKind::BrTable, vec![Operand::reg_use(idx)], PRegSet::empty());
            }
            InstructionData::Call { opcode: Opcode::ReturnCall, func_ref, .. } => {
                let name = dfg.ext_funcs[func_ref].name.clone();
                let args: Vec<VReg> = self.flat_regs(&dfg.inst_args(inst).to_vec())?;
                let operands = self.abi_operands(&args, false)?;
                let callee = self.callee_index(name);
                self.push(VInstKind::ReturnCall { callee }, operands, PRegSet::empty());
            }
            InstructionData::Brif { arg, .. } if self.fused_def(arg).is_some() => {
                let icmp = self.fused_def(arg).expect("checked");
                let (op, regs) = self.fused_branch(icmp)?;
                let operands = regs.into_iter().map(Operand::reg_use).collect();
                self.push(VInstKind::CondBr(op), operands, PRegSet::empty());
            }
            InstructionData::Brif { arg, .. } => {
                let cond = self.condition(arg)?;
                let ty = dfg.value_type(arg);
                let op: Op = if ty.bits() >= 64 {
                    ops::BrIf64 { cond: X0, offset: P }.into()
                } else {
                    ops::BrIf32 { cond: X0, offset: P }.into()
                };
                let operands = vec![Operand::reg_use(cond)];
                self.push(VInstKind::CondBr(op), operands, PRegSet::empty());
                debug_assert_eq!(succs.len(), 2);
            }
            InstructionData::MultiAry { opcode: Opcode::Return, .. } => {
                let vals: Vec<VReg> = self.flat_regs(&dfg.inst_args(inst).to_vec())?;
                let operands = self.abi_operands(&vals, false)?;
                self.push(VInstKind::Ret, operands, PRegSet::empty());
            }
            InstructionData::Trap { code, .. } => self.push(
                VInstKind::Trap(ops::Trap { code: code.as_raw().get() }.into()),
                vec![],
                PRegSet::empty(),
            ),
            _ => {
                return Err(format!("terminator `{}` is not supported yet", dfg.insts[inst].opcode()));
            }
        }
        Ok(())
    }

    /// A register whose low 32 (or 64, for i64) bits are the condition `v`.
    fn condition(&mut self, v: Value) -> LowerResult<VReg> {
        let ty = self.func.dfg.value_type(v);
        if ty == types::I128 {
            let (lo, hi) = self.pair(v)?;
            let d = self.new_vreg(RegClass::Int);
            self.op(ops::Xbor64 { dst: X0, a: X0, b: X0 }, &[d, lo, hi]);
            return Ok(d);
        }
        let r = self.reg(v)?;
        Ok(match ty.bits() {
            32 | 64 => r,
            8 | 16 => self.extend(r, ty.bits(), false),
            _ => return Err(format!("conditions of type {ty} are not supported yet")),
        })
    }

    /// Zero- or sign-extend the low `bits` of `r` into a new 64-bit register.
    fn extend(&mut self, r: VReg, bits: u32, signed: bool) -> VReg {
        let d = self.new_vreg(RegClass::Int);
        let op: Op = match (bits, signed) {
            (8, false) => ops::Xzext8 { dst: X0, a: X0 }.into(),
            (16, false) => ops::Xzext16 { dst: X0, a: X0 }.into(),
            (32, false) => ops::Xzext32 { dst: X0, a: X0 }.into(),
            (8, true) => ops::Xsext8 { dst: X0, a: X0 }.into(),
            (16, true) => ops::Xsext16 { dst: X0, a: X0 }.into(),
            (32, true) => ops::Xsext32 { dst: X0, a: X0 }.into(),
            _ => return r,
        };
        self.op(op, &[d, r]);
        d
    }

    /// A 64-bit-valid copy of integer `v` (extended if narrower).
    fn extended(&mut self, v: Value, signed: bool) -> LowerResult<VReg> {
        let bits = self.func.dfg.value_type(v).bits();
        let r = self.reg(v)?;
        Ok(if bits < 64 { self.extend(r, bits, signed) } else { r })
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
        let wide = ctrl.bits() == 64;
        let touches_i128 = ctrl == types::I128
            || args.iter().any(|&a| dfg.value_type(a) == types::I128)
            || dfg.inst_results(inst).iter().any(|&r| dfg.value_type(r) == types::I128);
        if touches_i128 && !matches!(opcode, Opcode::Call | Opcode::CallIndirect) {
            return self.lower_i128(inst, opcode, &args);
        }
        match data {
            InstructionData::UnaryImm { imm, .. } => {
                let d = self.result(inst)?;
                let v = imm.bits();
                self.iconst(d, v);
            }
            InstructionData::UnaryIeee32 { imm, .. } => {
                let d = self.result(inst)?;
                self.op(ops::Fconst32 { dst: F0, bits: imm.bits() }, &[d]);
            }
            InstructionData::UnaryIeee64 { imm, .. } => {
                let d = self.result(inst)?;
                self.op(ops::Fconst64 { dst: F0, bits: imm.bits() }, &[d]);
            }
            InstructionData::Binary { opcode, args: [a, b] } if ctrl.is_int() => {
                self.int_binary(inst, opcode, a, b, ctrl)?;
            }
            InstructionData::Binary { opcode, args: [a, b] } if ctrl.is_float() => {
                let (ra, rb, d) = (self.reg(a)?, self.reg(b)?, self.result(inst)?);
                let w = ctrl == types::F64;
                macro_rules! fop {
                    ($a32:ident, $a64:ident) => {
                        if w {
                            ops::$a64 { dst: F0, a: F0, b: F0 }.into()
                        } else {
                            ops::$a32 { dst: F0, a: F0, b: F0 }.into()
                        }
                    };
                }
                let op: Op = match opcode {
                    Opcode::Fadd => fop!(Fadd32, Fadd64),
                    Opcode::Fsub => fop!(Fsub32, Fsub64),
                    Opcode::Fmul => fop!(Fmul32, Fmul64),
                    Opcode::Fdiv => fop!(Fdiv32, Fdiv64),
                    Opcode::Fmin => fop!(Fmin32, Fmin64),
                    Opcode::Fmax => fop!(Fmax32, Fmax64),
                    Opcode::Fcopysign => fop!(Fcopysign32, Fcopysign64),
                    Opcode::Band | Opcode::Bor | Opcode::Bxor => {
                        return self.float_bitwise(opcode, d, Some((ra, rb)), w);
                    }
                    _ => return Err(format!("`{opcode}` is not supported yet")),
                };
                self.op(op, &[d, ra, rb]);
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
            InstructionData::Load { opcode, arg, flags, offset } => {
                let base = self.reg(arg)?;
                self.load(inst, opcode, base, flags, offset.into())?;
            }
            InstructionData::Store { opcode, args: [value, addr], flags, offset } => {
                let base = self.reg(addr)?;
                self.store(opcode, value, base, flags, offset.into())?;
            }
            InstructionData::StackAddr { stack_slot, offset, .. } => {
                let a = self.stack_addr(stack_slot, offset.into())?;
                self.alias(dfg.first_result(inst), a);
            }
            // Atomics: one VM runs one guest thread at a time, so plain
            // accesses are atomic with respect to it.
            InstructionData::LoadNoOffset { opcode: Opcode::AtomicLoad, arg, flags } => {
                let base = self.reg(arg)?;
                self.load(inst, Opcode::Load, base, flags, 0)?;
            }
            InstructionData::StoreNoOffset { opcode: Opcode::AtomicStore, args: [value, addr], flags } => {
                let base = self.reg(addr)?;
                self.store(Opcode::Store, value, base, flags, 0)?;
            }
            InstructionData::AtomicRmw { args: [addr, x], flags, op, .. } if ctrl.bits() <= 64 => {
                self.atomic_rmw(inst, addr, x, flags, op, ctrl)?;
            }
            InstructionData::AtomicCas { args: [addr, expected, replacement], flags, .. }
                if ctrl.bits() <= 64 =>
            {
                let base = self.reg(addr)?;
                self.load(inst, Opcode::Load, base, flags, 0)?;
                let old = self.result(inst)?;
                let e = self.extended(expected, false)?;
                let old64 = self.extend(old, ctrl.bits(), false);
                let (eq, new) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int));
                self.op(ops::Xeq64 { dst: X0, a: X0, b: X0 }, &[eq, old64, e]);
                let r = self.reg(replacement)?;
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[new, eq, r, old]);
                self.store_reg(new, ctrl, base, flags)?;
            }
            InstructionData::NullAry { opcode: Opcode::Fence, .. } => {}
            _ => match opcode {
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
                Opcode::Select if ctrl.is_int() || ctrl.is_float() => {
                    let c = self.extended(args[0], false)?;
                    let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                    if ctrl.is_int() {
                        self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[d, c, a, b]);
                    } else {
                        self.op(ops::Fselect { dst: F0, cond: X0, a: F0, b: F0 }, &[d, c, a, b]);
                    }
                }
                Opcode::Bnot if ctrl == types::F32 || ctrl == types::F64 => {
                    let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                    self.float_bitwise(opcode, d, Some((a, a)), ctrl == types::F64)?;
                }
                Opcode::Bitcast if dfg.value_type(args[0]) == ctrl && ctrl.bits() <= 64 => {
                    let r = self.reg(args[0])?;
                    self.alias(dfg.first_result(inst), r);
                }
                Opcode::Ineg | Opcode::Bnot if ctrl.is_int() && ctrl.bits() <= 64 => {
                    let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                    let op: Op = match (opcode, wide) {
                        (Opcode::Ineg, false) => ops::Xneg32 { dst: X0, a: X0 }.into(),
                        (Opcode::Ineg, true) => ops::Xneg64 { dst: X0, a: X0 }.into(),
                        (_, false) => ops::Xbnot32 { dst: X0, a: X0 }.into(),
                        (_, true) => ops::Xbnot64 { dst: X0, a: X0 }.into(),
                    };
                    self.op(op, &[d, a]);
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
                Opcode::Bmask if ctrl.bits() <= 64 && dfg.value_type(args[0]).bits() <= 64 => {
                    // All ones when the input is not zero: -(x != 0).
                    let x = self.extended(args[0], false)?;
                    let (z, ne, d) =
                        (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int), self.result(inst)?);
                    self.op(ops::Xzero { dst: X0 }, &[z]);
                    self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[ne, x, z]);
                    self.op(ops::Xneg64 { dst: X0, a: X0 }, &[d, ne]);
                }
                Opcode::SelectSpectreGuard if ctrl.is_int() || ctrl.is_float() => {
                    let c = self.extended(args[0], false)?;
                    let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                    if ctrl.is_int() {
                        self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[d, c, a, b]);
                    } else {
                        self.op(ops::Fselect { dst: F0, cond: X0, a: F0, b: F0 }, &[d, c, a, b]);
                    }
                }
                Opcode::Fma if ctrl == types::F32 || ctrl == types::F64 => {
                    let (a, b, c, d) =
                        (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                    let op: Op = if ctrl == types::F64 {
                        ops::Fma64 { dst: F0, a: F0, b: F0, c: F0 }.into()
                    } else {
                        ops::Fma32 { dst: F0, a: F0, b: F0, c: F0 }.into()
                    };
                    self.op(op, &[d, a, b, c]);
                }
                Opcode::Call => self.call(inst)?,
                Opcode::CallIndirect => self.call_indirect(inst)?,
                Opcode::GetStackPointer | Opcode::GetFramePointer | Opcode::GetReturnAddress => {
                    let which = match opcode {
                        Opcode::GetStackPointer => Special::Sp,
                        Opcode::GetFramePointer => Special::Fp,
                        _ => Special::Lr,
                    };
                    let d = self.result(inst)?;
                    self.push(VInstKind::ReadSpecial(which), vec![Operand::reg_def(d)], PRegSet::empty());
                }
                Opcode::UaddOverflowTrap if ctrl.bits() >= 32 && ctrl.bits() <= 64 => {
                    let InstructionData::IntAddTrap { code, .. } = data else { unreachable!() };
                    let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                    let of = self.new_vreg(RegClass::Int);
                    let op: Op = if wide {
                        ops::Xadd64Uof { dst: X0, of: X0, a: X0, b: X0 }.into()
                    } else {
                        ops::Xadd32Uof { dst: X0, of: X0, a: X0, b: X0 }.into()
                    };
                    self.op(op, &[d, of, a, b]);
                    self.op(ops::TrapIfNonzero64 { cond: X0, code: code.as_raw().get() }, &[of]);
                }
                Opcode::FuncAddr => {
                    let InstructionData::FuncAddr { func_ref, .. } = data else { unreachable!() };
                    let name = dfg.ext_funcs[func_ref].name.clone();
                    let callee = self.callee_index(name);
                    let d = self.result(inst)?;
                    self.push(VInstKind::FuncAddr { callee }, vec![Operand::reg_def(d)], PRegSet::empty());
                }
                Opcode::Trapz | Opcode::Trapnz => {
                    let InstructionData::CondTrap { code, .. } = data else { unreachable!() };
                    let c = self.condition(args[0])?;
                    let code = code.as_raw().get();
                    let bits64 = dfg.value_type(args[0]).bits() == 64;
                    let op: Op = match (opcode, bits64) {
                        (Opcode::Trapz, false) => ops::TrapIfZero32 { cond: X0, code }.into(),
                        (Opcode::Trapz, true) => ops::TrapIfZero64 { cond: X0, code }.into(),
                        (_, false) => ops::TrapIfNonzero32 { cond: X0, code }.into(),
                        (_, true) => ops::TrapIfNonzero64 { cond: X0, code }.into(),
                    };
                    self.op(op, &[c]);
                }
                Opcode::Nop => {}
                _ => return Err(format!("`{opcode}` is not supported yet")),
            },
        }
        Ok(())
    }

    fn iconst(&mut self, d: VReg, v: i64) {
        if v == 0 {
            self.op(ops::Xzero { dst: X0 }, &[d]);
        } else if let Ok(v) = i8::try_from(v) {
            self.op(ops::Xconst8 { dst: X0, imm: v }, &[d]);
        } else if let Ok(v) = i16::try_from(v) {
            self.op(ops::Xconst16 { dst: X0, imm: v }, &[d]);
        } else if let Ok(v) = i32::try_from(v) {
            self.op(ops::Xconst32 { dst: X0, imm: v }, &[d]);
        } else {
            self.op(ops::Xconst64 { dst: X0, imm: v }, &[d]);
        }
    }

    fn int_binary(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        a: Value,
        b: Value,
        ty: Type,
    ) -> LowerResult<()> {
        let bits = ty.bits();
        if bits > 64 {
            return Err(format!("`{opcode}` on {ty} is not supported yet"));
        }
        let w = bits == 64;
        if matches!(
            opcode,
            Opcode::UaddOverflow
                | Opcode::SaddOverflow
                | Opcode::UsubOverflow
                | Opcode::SsubOverflow
                | Opcode::UmulOverflow
                | Opcode::SmulOverflow
        ) {
            return self.overflow(inst, opcode, a, b, bits);
        }
        let d = self.result(inst)?;
        if matches!(opcode, Opcode::Umulhi | Opcode::Smulhi) {
            let signed = opcode == Opcode::Smulhi;
            if w {
                let (ra, rb) = (self.reg(a)?, self.reg(b)?);
                let op: Op = if signed {
                    ops::Xmulhi64S { dst: X0, a: X0, b: X0 }.into()
                } else {
                    ops::Xmulhi64U { dst: X0, a: X0, b: X0 }.into()
                };
                self.op(op, &[d, ra, rb]);
            } else {
                // Narrow: the full product fits in 64 bits; shift it down.
                let (ra, rb) = (self.extended(a, signed)?, self.extended(b, signed)?);
                let p = self.new_vreg(RegClass::Int);
                self.op(ops::Xmul64 { dst: X0, a: X0, b: X0 }, &[p, ra, rb]);
                self.op(ops::Xshr64UI { dst: X0, a: X0, amt: bits as u8 }, &[d, p]);
            }
            return Ok(());
        }
        if bits < 32 && matches!(opcode, Opcode::Rotl | Opcode::Rotr) {
            return self.narrow_rotate(d, opcode == Opcode::Rotl, a, b, bits);
        }
        macro_rules! xop {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { dst: X0, a: X0, b: X0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, a: X0, b: X0 })
                }
            };
        }
        // Ops whose result's low bits depend only on the operands' low bits.
        let plain = match opcode {
            Opcode::Iadd => Some(xop!(Xadd32, Xadd64)),
            Opcode::Isub => Some(xop!(Xsub32, Xsub64)),
            Opcode::Imul => Some(xop!(Xmul32, Xmul64)),
            Opcode::Band => Some(xop!(Xband32, Xband64)),
            Opcode::Bor => Some(xop!(Xbor32, Xbor64)),
            Opcode::Bxor => Some(xop!(Xbxor32, Xbxor64)),
            _ => None,
        };
        if let Some(&imm) = self.alu_imm.get(&inst) {
            let ra = self.reg(a)?;
            let imm32 = imm as i32;
            macro_rules! xi {
                ($o32:ident, $o64:ident) => {
                    if w {
                        Op::from(ops::$o64 { dst: X0, a: X0, imm: imm32 })
                    } else {
                        Op::from(ops::$o32 { dst: X0, a: X0, imm: imm32 })
                    }
                };
            }
            macro_rules! sh {
                ($o32:ident, $o64:ident) => {
                    if w {
                        Op::from(ops::$o64 { dst: X0, a: X0, amt: (imm & 63) as u8 })
                    } else {
                        Op::from(ops::$o32 { dst: X0, a: X0, amt: (imm & 31) as u8 })
                    }
                };
            }
            let op = match opcode {
                Opcode::Iadd | Opcode::Isub => match i8::try_from(imm) {
                    Ok(i) if w => Op::from(ops::Xadd64I8 { dst: X0, a: X0, imm: i }),
                    Ok(i) => Op::from(ops::Xadd32I8 { dst: X0, a: X0, imm: i }),
                    Err(_) => xi!(Xadd32I, Xadd64I),
                },
                Opcode::Imul => xi!(Xmul32I, Xmul64I),
                Opcode::Band => xi!(Xband32I, Xband64I),
                Opcode::Bor => xi!(Xbor32I, Xbor64I),
                Opcode::Bxor => xi!(Xbxor32I, Xbxor64I),
                Opcode::Ishl => sh!(Xshl32I, Xshl64I),
                Opcode::Ushr => sh!(Xshr32UI, Xshr64UI),
                _ => sh!(Xshr32SI, Xshr64SI),
            };
            self.op(op, &[d, ra]);
            return Ok(());
        }
        if let Some(op) = plain {
            let (ra, rb) = (self.reg(a)?, self.reg(b)?);
            self.op(op, &[d, ra, rb]);
            return Ok(());
        }
        // Ops that need the operands' upper bits defined: narrow types are
        // extended and computed with 32-bit ops.
        let signed =
            matches!(opcode, Opcode::Sdiv | Opcode::Srem | Opcode::Sshr | Opcode::Smin | Opcode::Smax);
        let (ra, rb) = if bits < 32 {
            let ra = self.extended(a, signed)?;
            let rb = if matches!(opcode, Opcode::Ishl | Opcode::Ushr | Opcode::Sshr) {
                // CLIF masks the shift amount to the type's width.
                let amount = self.reg(b)?;
                let m = self.new_vreg(RegClass::Int);
                self.op(ops::Xband32I { dst: X0, a: X0, imm: bits as i32 - 1 }, &[m, amount]);
                m
            } else {
                self.extended(b, signed)?
            };
            (ra, rb)
        } else {
            (self.reg(a)?, self.reg(b)?)
        };
        let op = match opcode {
            Opcode::Udiv => xop!(Xdiv32U, Xdiv64U),
            Opcode::Sdiv => xop!(Xdiv32S, Xdiv64S),
            Opcode::Urem => xop!(Xrem32U, Xrem64U),
            Opcode::Srem => xop!(Xrem32S, Xrem64S),
            Opcode::Ishl => xop!(Xshl32, Xshl64),
            Opcode::Ushr => xop!(Xshr32U, Xshr64U),
            Opcode::Sshr => xop!(Xshr32S, Xshr64S),
            Opcode::Rotl if bits >= 32 => xop!(Xrotl32, Xrotl64),
            Opcode::Rotr if bits >= 32 => xop!(Xrotr32, Xrotr64),
            Opcode::Smin => xop!(Xmin32S, Xmin64S),
            Opcode::Smax => xop!(Xmax32S, Xmax64S),
            Opcode::Umin => xop!(Xmin32U, Xmin64U),
            Opcode::Umax => xop!(Xmax32U, Xmax64U),
            _ => return Err(format!("`{opcode}` on {ty} is not supported yet")),
        };
        // Narrow signed min/max/div compare sign-extended values with 32-bit
        // ops, which is exact; the results' low bits are the answer.
        self.op(op, &[d, ra, rb]);
        Ok(())
    }

    /// Instructions with an i128 operand or result: register pairs.
    fn lower_i128(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        macro_rules! bin64 {
            ($op:ident, $d:expr, $a:expr, $b:expr) => {
                self.op(ops::$op { dst: X0, a: X0, b: X0 }, &[$d, $a, $b])
            };
        }
        match opcode {
            Opcode::Iconcat => {
                let (lo, hi) = (self.reg(args[0])?, self.reg(args[1])?);
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::Isplit => {
                let (lo, hi) = self.pair(args[0])?;
                self.alias(results[0], lo);
                self.alias(results[1], hi);
            }
            Opcode::Iadd | Opcode::Isub | Opcode::Band | Opcode::Bor | Opcode::Bxor | Opcode::Imul => {
                let ((alo, ahi), (blo, bhi)) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                match opcode {
                    Opcode::Iadd => self.op(
                        ops::Xadd128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                        &[dlo, dhi, alo, ahi, blo, bhi],
                    ),
                    Opcode::Isub => self.op(
                        ops::Xsub128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                        &[dlo, dhi, alo, ahi, blo, bhi],
                    ),
                    Opcode::Band => {
                        bin64!(Xband64, dlo, alo, blo);
                        bin64!(Xband64, dhi, ahi, bhi);
                    }
                    Opcode::Bor => {
                        bin64!(Xbor64, dlo, alo, blo);
                        bin64!(Xbor64, dhi, ahi, bhi);
                    }
                    Opcode::Bxor => {
                        bin64!(Xbxor64, dlo, alo, blo);
                        bin64!(Xbxor64, dhi, ahi, bhi);
                    }
                    _ => {
                        // (alo*blo as 128) + ((alo*bhi + ahi*blo) << 64)
                        let (h0, t1, t2, t3) =
                            (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.op(
                            ops::XmulWide64U { dst_lo: X0, dst_hi: X0, a: X0, b: X0 },
                            &[dlo, h0, alo, blo],
                        );
                        bin64!(Xmul64, t1, alo, bhi);
                        bin64!(Xmul64, t2, ahi, blo);
                        bin64!(Xadd64, t3, h0, t1);
                        bin64!(Xadd64, dhi, t3, t2);
                    }
                }
            }
            Opcode::Bnot | Opcode::Ineg => {
                let (alo, ahi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                if opcode == Opcode::Bnot {
                    self.op(ops::Xbnot64 { dst: X0, a: X0 }, &[dlo, alo]);
                    self.op(ops::Xbnot64 { dst: X0, a: X0 }, &[dhi, ahi]);
                } else {
                    let z = self.new_vreg(int);
                    self.op(ops::Xzero { dst: X0 }, &[z]);
                    self.op(
                        ops::Xsub128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                        &[dlo, dhi, z, z, alo, ahi],
                    );
                }
            }
            Opcode::Uextend | Opcode::Sextend => {
                let signed = opcode == Opcode::Sextend;
                let lo = self.extended(args[0], signed)?;
                let hi = self.new_vreg(int);
                if signed {
                    self.op(ops::Xshr64SI { dst: X0, a: X0, amt: 63 }, &[hi, lo]);
                } else {
                    self.op(ops::Xzero { dst: X0 }, &[hi]);
                }
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::Ireduce => {
                let (lo, _) = self.pair(args[0])?;
                self.alias(results[0], lo);
            }
            Opcode::Icmp => {
                let InstructionData::IntCompare { cond, .. } = data else { unreachable!() };
                let d = self.reg(results[0])?;
                self.icmp128(d, cond, args[0], args[1])?;
            }
            Opcode::Select | Opcode::SelectSpectreGuard => {
                let c = self.condition(args[0])?;
                if dfg.value_type(results[0]) == types::I128 {
                    let ((alo, ahi), (blo, bhi)) = (self.pair(args[1])?, self.pair(args[2])?);
                    let (dlo, dhi) = self.pair(results[0])?;
                    self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[dlo, c, alo, blo]);
                    self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[dhi, c, ahi, bhi]);
                } else {
                    let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.reg(results[0])?);
                    let c64 = c;
                    match d.class() {
                        RegClass::Int => {
                            self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[d, c64, a, b])
                        }
                        _ => self.op(ops::Fselect { dst: F0, cond: X0, a: F0, b: F0 }, &[d, c64, a, b]),
                    }
                }
            }
            Opcode::Load => {
                let InstructionData::Load { arg, flags, offset, .. } = data else { unreachable!() };
                let base = self.reg(arg)?;
                let off: i32 = offset.into();
                let be = self.big_endian(flags);
                let (dlo, dhi) = self.pair(results[0])?;
                let (first, second) = if be { (dhi, dlo) } else { (dlo, dhi) };
                let hi_off = off.checked_add(8).ok_or("offset overflows")?;
                if be {
                    self.op(ops::Xload64Be { dst: X0, base: X0, offset: off }, &[first, base]);
                    self.op(ops::Xload64Be { dst: X0, base: X0, offset: hi_off }, &[second, base]);
                } else {
                    self.op(ops::Xload64 { dst: X0, base: X0, offset: off }, &[first, base]);
                    self.op(ops::Xload64 { dst: X0, base: X0, offset: hi_off }, &[second, base]);
                }
            }
            Opcode::Store => {
                let InstructionData::Store { args: [value, addr], flags, offset, .. } = data else {
                    unreachable!()
                };
                let base = self.reg(addr)?;
                let off: i32 = offset.into();
                let be = self.big_endian(flags);
                let (lo, hi) = self.pair(value)?;
                let (first, second) = if be { (hi, lo) } else { (lo, hi) };
                let hi_off = off.checked_add(8).ok_or("offset overflows")?;
                if be {
                    self.op(ops::Xstore64Be { base: X0, offset: off, src: X0 }, &[base, first]);
                    self.op(ops::Xstore64Be { base: X0, offset: hi_off, src: X0 }, &[base, second]);
                } else {
                    self.op(ops::Xstore64 { base: X0, offset: off, src: X0 }, &[base, first]);
                    self.op(ops::Xstore64 { base: X0, offset: hi_off, src: X0 }, &[base, second]);
                }
            }
            Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr
                if dfg.value_type(args[0]) == types::I128 =>
            {
                let (lo, hi) = self.pair(args[0])?;
                let amount = match dfg.value_type(args[1]) {
                    types::I128 => self.pair(args[1])?.0,
                    _ => self.reg(args[1])?,
                };
                let (dlo, dhi) = self.pair(results[0])?;
                match opcode {
                    Opcode::Ishl | Opcode::Ushr | Opcode::Sshr => {
                        let (rlo, rhi) = self.shift128(opcode, lo, hi, amount);
                        self.alias_regs(dlo, rlo);
                        self.alias_regs(dhi, rhi);
                    }
                    _ => {
                        // rotl(x, n) = (x << n) | (x >> ((128 - n) & 127)); rotr mirrored.
                        let k = self.new_vreg(int);
                        self.op(ops::Xneg64 { dst: X0, a: X0 }, &[k, amount]);
                        let (first, second) = if opcode == Opcode::Rotl {
                            (Opcode::Ishl, Opcode::Ushr)
                        } else {
                            (Opcode::Ushr, Opcode::Ishl)
                        };
                        let (alo, ahi) = self.shift128(first, lo, hi, amount);
                        let (blo, bhi) = self.shift128(second, lo, hi, k);
                        bin64!(Xbor64, dlo, alo, blo);
                        bin64!(Xbor64, dhi, ahi, bhi);
                    }
                }
            }
            Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr
                if dfg.value_type(args[0]).bits() >= 32 =>
            {
                // A 32/64-bit value shifted by an i128 amount: the low half counts.
                let (a, amount, d) = (self.reg(args[0])?, self.pair(args[1])?.0, self.reg(results[0])?);
                let w = dfg.value_type(args[0]).bits() == 64;
                macro_rules! xop {
                    ($o32:ident, $o64:ident) => {
                        if w {
                            Op::from(ops::$o64 { dst: X0, a: X0, b: X0 })
                        } else {
                            Op::from(ops::$o32 { dst: X0, a: X0, b: X0 })
                        }
                    };
                }
                let op = match opcode {
                    Opcode::Ishl => xop!(Xshl32, Xshl64),
                    Opcode::Ushr => xop!(Xshr32U, Xshr64U),
                    Opcode::Sshr => xop!(Xshr32S, Xshr64S),
                    Opcode::Rotl => xop!(Xrotl32, Xrotl64),
                    _ => xop!(Xrotr32, Xrotr64),
                };
                self.op(op, &[d, a, amount]);
            }
            Opcode::Trapz | Opcode::Trapnz => {
                let InstructionData::CondTrap { code, .. } = data else { unreachable!() };
                let c = self.condition(args[0])?;
                let code = code.as_raw().get();
                let op: Op = if opcode == Opcode::Trapz {
                    ops::TrapIfZero64 { cond: X0, code }.into()
                } else {
                    ops::TrapIfNonzero64 { cond: X0, code }.into()
                };
                self.op(op, &[c]);
            }
            Opcode::Bitcast
                if dfg.value_type(args[0]) == types::I128 && dfg.value_type(results[0]) == types::I128 =>
            {
                let (lo, hi) = self.pair(args[0])?;
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::Smin | Opcode::Smax | Opcode::Umin | Opcode::Umax => {
                let (a, b) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                let cond = match opcode {
                    Opcode::Smin => IntCC::SignedLessThan,
                    Opcode::Smax => IntCC::SignedGreaterThan,
                    Opcode::Umin => IntCC::UnsignedLessThan,
                    _ => IntCC::UnsignedGreaterThan,
                };
                let pick_a = self.new_vreg(int);
                self.icmp128_regs(pick_a, cond, a, b);
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[dlo, pick_a, a.0, b.0]);
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[dhi, pick_a, a.1, b.1]);
            }
            Opcode::UaddOverflow | Opcode::UsubOverflow | Opcode::SaddOverflow | Opcode::SsubOverflow => {
                let (a, b) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                let of = self.reg(results[1])?;
                let add = matches!(opcode, Opcode::UaddOverflow | Opcode::SaddOverflow);
                let (rlo, rhi) = (self.new_vreg(int), self.new_vreg(int));
                let regs = [rlo, rhi, a.0, a.1, b.0, b.1];
                if add {
                    self.op(
                        ops::Xadd128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                        &regs,
                    );
                } else {
                    self.op(
                        ops::Xsub128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                        &regs,
                    );
                }
                match opcode {
                    // Unsigned: the sum wrapped below a; a borrow when a < b.
                    Opcode::UaddOverflow => self.icmp128_regs(of, IntCC::UnsignedLessThan, (rlo, rhi), a),
                    Opcode::UsubOverflow => self.icmp128_regs(of, IntCC::UnsignedLessThan, a, b),
                    _ => {
                        // Signed: the result's sign differs from a's, and a and
                        // b agree in sign (add) / differ in sign (sub).
                        let (t1, t2, t3) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[t1, rhi, a.1]);
                        if add {
                            self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[t2, rhi, b.1]);
                        } else {
                            self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[t2, a.1, b.1]);
                        }
                        self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[t3, t1, t2]);
                        self.op(ops::Xshr64UI { dst: X0, a: X0, amt: 63 }, &[of, t3]);
                    }
                }
                self.alias_regs(dlo, rlo);
                self.alias_regs(dhi, rhi);
            }
            Opcode::Bswap | Opcode::Bitrev => {
                let (lo, hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let swap = opcode == Opcode::Bswap;
                for (d, a) in [(dlo, hi), (dhi, lo)] {
                    let o: Op = if swap {
                        ops::Xbswap64 { dst: X0, a: X0 }.into()
                    } else {
                        ops::Xbitrev64 { dst: X0, a: X0 }.into()
                    };
                    self.op(o, &[d, a]);
                }
            }
            Opcode::Iabs => {
                // (x ^ sign) - sign, with sign = x >> 127 (arithmetic).
                let (lo, hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let (sign, xlo, xhi) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                self.op(ops::Xshr64SI { dst: X0, a: X0, amt: 63 }, &[sign, hi]);
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[xlo, lo, sign]);
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[xhi, hi, sign]);
                self.op(
                    ops::Xsub128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                    &[dlo, dhi, xlo, xhi, sign, sign],
                );
            }
            Opcode::Bmask => {
                let c = self.condition(args[0])?;
                let (z, ne, m) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                self.op(ops::Xzero { dst: X0 }, &[z]);
                self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[ne, c, z]);
                self.op(ops::Xneg64 { dst: X0, a: X0 }, &[m, ne]);
                if dfg.value_type(results[0]) == types::I128 {
                    self.alias_pair(results[0], m, m);
                } else {
                    self.alias(results[0], m);
                }
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Bind an i128 result to `(lo, hi)` (copying when it already has registers).
    fn alias_pair(&mut self, result: Value, lo: VReg, hi: VReg) {
        match self.values.get(&result).cloned() {
            Some(existing) => {
                self.alias_regs(existing[0], lo);
                self.alias_regs(existing[1], hi);
            }
            None => {
                self.values.insert(result, vec![lo, hi]);
            }
        }
    }

    /// `dst = src` for two integer registers.
    fn alias_regs(&mut self, dst: VReg, src: VReg) {
        self.op(ops::Xmov { dst: X0, src: X0 }, &[dst, src]);
    }

    /// A 128-bit shift by `amount & 127`, branch-free. Returns `(lo, hi)`.
    fn shift128(&mut self, opcode: Opcode, lo: VReg, hi: VReg, amount: VReg) -> (VReg, VReg) {
        let int = RegClass::Int;
        let v = |s: &mut Self| s.new_vreg(int);
        let (m, big, inv) = (v(self), v(self), v(self));
        // m = amount & 63; big = amount & 64; inv = 63 - m = m ^ 63.
        self.op(ops::Xband64I { dst: X0, a: X0, imm: 63 }, &[m, amount]);
        self.op(ops::Xband64I { dst: X0, a: X0, imm: 64 }, &[big, amount]);
        self.op(ops::Xbxor64I { dst: X0, a: X0, imm: 63 }, &[inv, m]);
        let (small_lo, small_hi, big_lo, big_hi) = (v(self), v(self), v(self), v(self));
        let (t1, t2) = (v(self), v(self));
        match opcode {
            Opcode::Ishl => {
                // small: lo << m, (hi << m) | ((lo >> 1) >> (63 - m)); big: 0, lo << m.
                self.op(ops::Xshl64 { dst: X0, a: X0, b: X0 }, &[small_lo, lo, m]);
                self.op(ops::Xshl64 { dst: X0, a: X0, b: X0 }, &[t1, hi, m]);
                self.op(ops::Xshr64UI { dst: X0, a: X0, amt: 1 }, &[t2, lo]);
                let t3 = v(self);
                self.op(ops::Xshr64U { dst: X0, a: X0, b: X0 }, &[t3, t2, inv]);
                self.op(ops::Xbor64 { dst: X0, a: X0, b: X0 }, &[small_hi, t1, t3]);
                self.op(ops::Xzero { dst: X0 }, &[big_lo]);
                self.op(ops::Xshl64 { dst: X0, a: X0, b: X0 }, &[big_hi, lo, m]);
            }
            _ => {
                let signed = opcode == Opcode::Sshr;
                // small: (lo >> m) | ((hi << 1) << (63 - m)), hi >> m;
                // big: hi >> m, and 0 or the sign.
                self.op(ops::Xshr64U { dst: X0, a: X0, b: X0 }, &[t1, lo, m]);
                self.op(ops::Xshl64I { dst: X0, a: X0, amt: 1 }, &[t2, hi]);
                let t3 = v(self);
                self.op(ops::Xshl64 { dst: X0, a: X0, b: X0 }, &[t3, t2, inv]);
                self.op(ops::Xbor64 { dst: X0, a: X0, b: X0 }, &[small_lo, t1, t3]);
                if signed {
                    self.op(ops::Xshr64S { dst: X0, a: X0, b: X0 }, &[small_hi, hi, m]);
                    self.op(ops::Xshr64S { dst: X0, a: X0, b: X0 }, &[big_lo, hi, m]);
                    self.op(ops::Xshr64SI { dst: X0, a: X0, amt: 63 }, &[big_hi, hi]);
                } else {
                    self.op(ops::Xshr64U { dst: X0, a: X0, b: X0 }, &[small_hi, hi, m]);
                    self.op(ops::Xshr64U { dst: X0, a: X0, b: X0 }, &[big_lo, hi, m]);
                    self.op(ops::Xzero { dst: X0 }, &[big_hi]);
                }
            }
        }
        let (rlo, rhi) = (v(self), v(self));
        self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[rlo, big, big_lo, small_lo]);
        self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[rhi, big, big_hi, small_hi]);
        (rlo, rhi)
    }

    /// i128 comparison: equality on both halves; orderings on the high
    /// halves, then unsigned on the low halves when the high ones are equal.
    fn icmp128(&mut self, d: VReg, cond: IntCC, a: Value, b: Value) -> LowerResult<()> {
        let (a, b) = (self.pair(a)?, self.pair(b)?);
        self.icmp128_regs(d, cond, a, b);
        Ok(())
    }

    fn icmp128_regs(&mut self, d: VReg, cond: IntCC, a: (VReg, VReg), b: (VReg, VReg)) {
        use IntCC::*;
        let ((mut alo, mut ahi), (mut blo, mut bhi)) = (a, b);
        let int = RegClass::Int;
        if matches!(cond, Equal | NotEqual) {
            let (x1, x2, or) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
            self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x1, alo, blo]);
            self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x2, ahi, bhi]);
            self.op(ops::Xbor64 { dst: X0, a: X0, b: X0 }, &[or, x1, x2]);
            let z = self.new_vreg(int);
            self.op(ops::Xzero { dst: X0 }, &[z]);
            let op: Op = if cond == Equal {
                ops::Xeq64 { dst: X0, a: X0, b: X0 }.into()
            } else {
                ops::Xneq64 { dst: X0, a: X0, b: X0 }.into()
            };
            self.op(op, &[d, or, z]);
            return;
        }
        let cond = match cond {
            SignedGreaterThan
            | SignedGreaterThanOrEqual
            | UnsignedGreaterThan
            | UnsignedGreaterThanOrEqual => {
                std::mem::swap(&mut alo, &mut blo);
                std::mem::swap(&mut ahi, &mut bhi);
                cond.swap_args()
            }
            c => c,
        };
        let signed = matches!(cond, SignedLessThan | SignedLessThanOrEqual);
        let or_equal = matches!(cond, SignedLessThanOrEqual | UnsignedLessThanOrEqual);
        let (hi_lt, hi_eq, lo_cmp, both, r) =
            (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int), self.new_vreg(int), d);
        let hi_op: Op = if signed {
            ops::Xslt64 { dst: X0, a: X0, b: X0 }.into()
        } else {
            ops::Xult64 { dst: X0, a: X0, b: X0 }.into()
        };
        self.op(hi_op, &[hi_lt, ahi, bhi]);
        self.op(ops::Xeq64 { dst: X0, a: X0, b: X0 }, &[hi_eq, ahi, bhi]);
        let lo_op: Op = if or_equal {
            ops::Xulteq64 { dst: X0, a: X0, b: X0 }.into()
        } else {
            ops::Xult64 { dst: X0, a: X0, b: X0 }.into()
        };
        self.op(lo_op, &[lo_cmp, alo, blo]);
        self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[both, hi_eq, lo_cmp]);
        self.op(ops::Xbor64 { dst: X0, a: X0, b: X0 }, &[r, hi_lt, both]);
    }

    /// `(result, overflowed)` of an add/sub/mul. 32/64-bit types have ops
    /// for it; narrower ones compute exactly in 32 bits (no 8/16-bit add, sub
    /// or mul overflows 32 bits) and check that the result fits the type.
    fn overflow(&mut self, inst: ir::Inst, opcode: Opcode, a: Value, b: Value, bits: u32) -> LowerResult<()> {
        let results = self.func.dfg.inst_results(inst).to_vec();
        let (d, of) = (self.reg(results[0])?, self.reg(results[1])?);
        let signed = matches!(opcode, Opcode::SaddOverflow | Opcode::SsubOverflow | Opcode::SmulOverflow);
        macro_rules! ov {
            ($o32:ident, $o64:ident) => {
                if bits == 64 {
                    Op::from(ops::$o64 { dst: X0, of: X0, a: X0, b: X0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, of: X0, a: X0, b: X0 })
                }
            };
        }
        if bits >= 32 {
            let op = match opcode {
                Opcode::UaddOverflow => ov!(Xadd32Uof, Xadd64Uof),
                Opcode::SaddOverflow => ov!(Xadd32Sof, Xadd64Sof),
                Opcode::UsubOverflow => ov!(Xsub32Uof, Xsub64Uof),
                Opcode::SsubOverflow => ov!(Xsub32Sof, Xsub64Sof),
                Opcode::UmulOverflow => ov!(Xmul32Uof, Xmul64Uof),
                _ => ov!(Xmul32Sof, Xmul64Sof),
            };
            let (ra, rb) = (self.reg(a)?, self.reg(b)?);
            self.op(op, &[d, of, ra, rb]);
            return Ok(());
        }
        let (ra, rb) = (self.extended(a, signed)?, self.extended(b, signed)?);
        let op = match opcode {
            Opcode::UaddOverflow | Opcode::SaddOverflow => Op::from(ops::Xadd32 { dst: X0, a: X0, b: X0 }),
            Opcode::UsubOverflow | Opcode::SsubOverflow => Op::from(ops::Xsub32 { dst: X0, a: X0, b: X0 }),
            _ => Op::from(ops::Xmul32 { dst: X0, a: X0, b: X0 }),
        };
        self.op(op, &[d, ra, rb]);
        // Overflowed when re-extending the low bits changes the value.
        let wide = self.extend(d, 32, signed);
        let fitted = self.extend(d, bits, signed);
        self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[of, fitted, wide]);
        Ok(())
    }

    /// rotl/rotr on i8/i16: `(x << n) | (x >> (bits - n))` on the zero-extended value.
    fn narrow_rotate(&mut self, d: VReg, left: bool, a: Value, b: Value, bits: u32) -> LowerResult<()> {
        let x = self.extended(a, false)?;
        let amount = self.reg(b)?;
        let n = self.new_vreg(RegClass::Int);
        self.op(ops::Xband32I { dst: X0, a: X0, imm: bits as i32 - 1 }, &[n, amount]);
        let width = self.new_vreg(RegClass::Int);
        self.iconst(width, bits as i64);
        let m = self.new_vreg(RegClass::Int);
        self.op(ops::Xsub32 { dst: X0, a: X0, b: X0 }, &[m, width, n]);
        let (l_amt, r_amt) = if left { (n, m) } else { (m, n) };
        let (l, r) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int));
        self.op(ops::Xshl32 { dst: X0, a: X0, b: X0 }, &[l, x, l_amt]);
        // When n == 0 the other shift is by `bits`, which moves a zero-extended
        // 8/16-bit value entirely out of (right) or above (left) the type.
        self.op(ops::Xshr32U { dst: X0, a: X0, b: X0 }, &[r, x, r_amt]);
        self.op(ops::Xbor32 { dst: X0, a: X0, b: X0 }, &[d, l, r]);
        Ok(())
    }

    fn icmp(&mut self, d: VReg, cond: IntCC, a: Value, b: Value) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(a);
        let bits = ty.bits();
        if bits > 64 {
            return Err(format!("`icmp` on {ty} is not supported yet"));
        }
        let signed = matches!(
            cond,
            IntCC::SignedLessThan
                | IntCC::SignedLessThanOrEqual
                | IntCC::SignedGreaterThan
                | IntCC::SignedGreaterThanOrEqual
        );
        let (mut ra, mut rb) = if bits < 32 {
            (self.extended(a, signed)?, self.extended(b, signed)?)
        } else {
            (self.reg(a)?, self.reg(b)?)
        };
        let w = bits == 64;
        // Greater-than forms swap their operands.
        use IntCC::*;
        let cond = match cond {
            SignedGreaterThan
            | SignedGreaterThanOrEqual
            | UnsignedGreaterThan
            | UnsignedGreaterThanOrEqual => {
                std::mem::swap(&mut ra, &mut rb);
                cond.swap_args()
            }
            c => c,
        };
        macro_rules! cmp {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { dst: X0, a: X0, b: X0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, a: X0, b: X0 })
                }
            };
        }
        let op = match cond {
            Equal => cmp!(Xeq32, Xeq64),
            NotEqual => cmp!(Xneq32, Xneq64),
            SignedLessThan => cmp!(Xslt32, Xslt64),
            SignedLessThanOrEqual => cmp!(Xslteq32, Xslteq64),
            UnsignedLessThan => cmp!(Xult32, Xult64),
            UnsignedLessThanOrEqual => cmp!(Xulteq32, Xulteq64),
            _ => unreachable!("greater-than conditions were swapped"),
        };
        self.op(op, &[d, ra, rb]);
        Ok(())
    }

    /// clz, ctz, cls, popcnt, bswap, bitrev, iabs on integers up to 64 bits.
    fn int_unary(&mut self, inst: ir::Inst, opcode: Opcode, arg: Value, bits: u32) -> LowerResult<()> {
        let d = self.result(inst)?;
        let w = bits == 64;
        macro_rules! un {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { dst: X0, a: X0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, a: X0 })
                }
            };
        }
        // Narrow types work on a 32-bit value: zero-extended for counts from
        // the top (then corrected), sign-extended for cls/iabs; bswap/bitrev
        // work on the top of a 32-bit word and shift down.
        let narrow = bits < 32;
        let correction = 32u32.saturating_sub(bits);
        match opcode {
            Opcode::Clz | Opcode::Cls => {
                let signed = opcode == Opcode::Cls;
                let a = if narrow { self.extended(arg, signed)? } else { self.reg(arg)? };
                let op = if signed { un!(Xcls32, Xcls64) } else { un!(Xclz32, Xclz64) };
                if narrow {
                    let t = self.new_vreg(RegClass::Int);
                    self.op(op, &[t, a]);
                    self.op(ops::Xadd32I8 { dst: X0, a: X0, imm: -(correction as i8) }, &[d, t]);
                } else {
                    self.op(op, &[d, a]);
                }
            }
            Opcode::Ctz => {
                let a = self.reg(arg)?;
                if narrow {
                    // Set the bit just above the type so ctz stops there.
                    let t = self.new_vreg(RegClass::Int);
                    self.op(ops::Xbor32I { dst: X0, a: X0, imm: 1 << bits }, &[t, a]);
                    self.op(ops::Xctz32 { dst: X0, a: X0 }, &[d, t]);
                } else {
                    self.op(un!(Xctz32, Xctz64), &[d, a]);
                }
            }
            Opcode::Popcnt => {
                let a = if narrow { self.extended(arg, false)? } else { self.reg(arg)? };
                self.op(un!(Xpopcnt32, Xpopcnt64), &[d, a]);
            }
            Opcode::Iabs => {
                let a = if narrow { self.extended(arg, true)? } else { self.reg(arg)? };
                self.op(un!(Xabs32, Xabs64), &[d, a]);
            }
            Opcode::Bswap | Opcode::Bitrev => {
                let a = self.reg(arg)?;
                let op =
                    if opcode == Opcode::Bswap { un!(Xbswap32, Xbswap64) } else { un!(Xbitrev32, Xbitrev64) };
                if narrow {
                    let t = self.new_vreg(RegClass::Int);
                    self.op(op, &[t, a]);
                    self.op(ops::Xshr32UI { dst: X0, a: X0, amt: correction as u8 }, &[d, t]);
                } else {
                    self.op(op, &[d, a]);
                }
            }
            _ => unreachable!("only called for the ops above"),
        }
        Ok(())
    }

    fn stack_addr(&mut self, slot: ir::StackSlot, offset: i32) -> LowerResult<VReg> {
        let base = *self.slot_offsets.get(&slot).ok_or("unknown stack slot")?;
        let offset = i32::try_from(base as i64 + offset as i64).map_err(|_| "stack slot offset overflows")?;
        let d = self.new_vreg(RegClass::Int);
        self.push(VInstKind::StackAddr { offset }, vec![Operand::reg_def(d)], PRegSet::empty());
        Ok(d)
    }

    fn big_endian(&self, flags: ir::MemFlags) -> bool {
        let native = if self.big_endian_target { ir::Endianness::Big } else { ir::Endianness::Little };
        self.func.dfg.mem_flags[flags].endianness(native) == ir::Endianness::Big
    }

    fn load(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        base: VReg,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty =
            self.func.dfg.value_type(*self.func.dfg.inst_results(inst).first().ok_or("load without result")?);
        let be = self.big_endian(flags);
        let d = self.result(inst)?;
        macro_rules! x {
            ($le:ident, $be:ident) => {
                if be {
                    Op::from(ops::$be { dst: X0, base: X0, offset })
                } else {
                    Op::from(ops::$le { dst: X0, base: X0, offset })
                }
            };
        }
        macro_rules! f {
            ($le:ident, $be:ident) => {
                if be {
                    Op::from(ops::$be { dst: F0, base: X0, offset })
                } else {
                    Op::from(ops::$le { dst: F0, base: X0, offset })
                }
            };
        }
        let op = match (opcode, ty) {
            (Opcode::Load, types::I8) | (Opcode::Uload8, _) => x!(Xload8U, Xload8U),
            (Opcode::Sload8, _) => x!(Xload8S, Xload8S),
            (Opcode::Load, types::I16) | (Opcode::Uload16, _) => x!(Xload16U, Xload16BeU),
            (Opcode::Sload16, _) => x!(Xload16S, Xload16BeS),
            (Opcode::Load, types::I32) | (Opcode::Uload32, _) => x!(Xload32U, Xload32BeU),
            (Opcode::Sload32, _) => x!(Xload32S, Xload32BeS),
            (Opcode::Load, types::I64) => x!(Xload64, Xload64Be),
            (Opcode::Load, types::F32) => f!(Fload32, Fload32Be),
            (Opcode::Load, types::F64) => f!(Fload64, Fload64Be),
            _ => return Err(format!("`{opcode}` of {ty} is not supported yet")),
        };
        self.op(op, &[d, base]);
        Ok(())
    }

    fn store(
        &mut self,
        opcode: Opcode,
        value: Value,
        base: VReg,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(value);
        let be = self.big_endian(flags);
        let v = self.reg(value)?;
        macro_rules! x {
            ($le:ident, $be:ident) => {
                if be {
                    Op::from(ops::$be { base: X0, offset, src: X0 })
                } else {
                    Op::from(ops::$le { base: X0, offset, src: X0 })
                }
            };
        }
        macro_rules! f {
            ($le:ident, $be:ident) => {
                if be {
                    Op::from(ops::$be { base: X0, offset, src: F0 })
                } else {
                    Op::from(ops::$le { base: X0, offset, src: F0 })
                }
            };
        }
        let op = match (opcode, ty) {
            (Opcode::Store, types::I8) | (Opcode::Istore8, _) => x!(Xstore8, Xstore8),
            (Opcode::Store, types::I16) | (Opcode::Istore16, _) => x!(Xstore16, Xstore16Be),
            (Opcode::Store, types::I32) | (Opcode::Istore32, _) => x!(Xstore32, Xstore32Be),
            (Opcode::Store, types::I64) => x!(Xstore64, Xstore64Be),
            (Opcode::Store, types::F32) => f!(Fstore32, Fstore32Be),
            (Opcode::Store, types::F64) => f!(Fstore64, Fstore64Be),
            _ => return Err(format!("`{opcode}` of {ty} is not supported yet")),
        };
        self.op(op, &[base, v]);
        Ok(())
    }

    /// Store register `v` holding a value of integer type `ty`.
    fn store_reg(&mut self, v: VReg, ty: Type, base: VReg, flags: ir::MemFlags) -> LowerResult<()> {
        let be = self.big_endian(flags);
        let offset = 0;
        let op: Op = match (ty.bits(), be) {
            (8, _) => ops::Xstore8 { base: X0, offset, src: X0 }.into(),
            (16, false) => ops::Xstore16 { base: X0, offset, src: X0 }.into(),
            (16, true) => ops::Xstore16Be { base: X0, offset, src: X0 }.into(),
            (32, false) => ops::Xstore32 { base: X0, offset, src: X0 }.into(),
            (32, true) => ops::Xstore32Be { base: X0, offset, src: X0 }.into(),
            (64, false) => ops::Xstore64 { base: X0, offset, src: X0 }.into(),
            (64, true) => ops::Xstore64Be { base: X0, offset, src: X0 }.into(),
            _ => return Err(format!("stores of {ty} are not supported yet")),
        };
        self.op(op, &[base, v]);
        Ok(())
    }

    /// `old = *addr; *addr = op(old, x); result = old`.
    fn atomic_rmw(
        &mut self,
        inst: ir::Inst,
        addr: Value,
        x: Value,
        flags: ir::MemFlags,
        op: ir::AtomicRmwOp,
        ty: Type,
    ) -> LowerResult<()> {
        use ir::AtomicRmwOp as A;
        let base = self.reg(addr)?;
        self.load(inst, Opcode::Load, base, flags, 0)?;
        let old = self.result(inst)?;
        let w = ty.bits() == 64;
        let signed = matches!(op, A::Smin | A::Smax);
        // min/max compare the whole register: extend both sides.
        let (a, b) = if matches!(op, A::Umin | A::Umax | A::Smin | A::Smax) && !w {
            (self.extend(old, ty.bits(), signed), self.extended(x, signed)?)
        } else {
            (old, self.reg(x)?)
        };
        let new = self.new_vreg(RegClass::Int);
        macro_rules! b {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { dst: X0, a: X0, b: X0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, a: X0, b: X0 })
                }
            };
        }
        match op {
            A::Xchg => {
                self.op(ops::Xmov { dst: X0, src: X0 }, &[new, b]);
            }
            A::Nand => {
                let t = self.new_vreg(RegClass::Int);
                self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[t, a, b]);
                self.op(ops::Xbnot64 { dst: X0, a: X0 }, &[new, t]);
            }
            _ => {
                let o = match op {
                    A::Add => b!(Xadd32, Xadd64),
                    A::Sub => b!(Xsub32, Xsub64),
                    A::And => b!(Xband32, Xband64),
                    A::Or => b!(Xbor32, Xbor64),
                    A::Xor => b!(Xbxor32, Xbxor64),
                    A::Umin => Op::from(ops::Xmin64U { dst: X0, a: X0, b: X0 }),
                    A::Umax => Op::from(ops::Xmax64U { dst: X0, a: X0, b: X0 }),
                    A::Smin => Op::from(ops::Xmin64S { dst: X0, a: X0, b: X0 }),
                    _ => Op::from(ops::Xmax64S { dst: X0, a: X0, b: X0 }),
                };
                self.op(o, &[new, a, b]);
            }
        }
        self.store_reg(new, ty, base, flags)
    }

    /// band/bor/bxor/bnot on float bits: through x-registers.
    fn float_bitwise(
        &mut self,
        opcode: Opcode,
        d: VReg,
        operands: Option<(VReg, VReg)>,
        w: bool,
    ) -> LowerResult<()> {
        let (a, b) = operands.ok_or("missing operands")?;
        let int = RegClass::Int;
        let to_x = |s: &mut Self, f: VReg| {
            let x = s.new_vreg(int);
            let op: Op = if w {
                ops::BitcastXFromF64 { dst: X0, a: F0 }.into()
            } else {
                ops::BitcastXFromF32 { dst: X0, a: F0 }.into()
            };
            s.op(op, &[x, f]);
            x
        };
        let (xa, xb, r) = (to_x(self, a), to_x(self, b), self.new_vreg(int));
        let op: Op = match opcode {
            Opcode::Band => ops::Xband64 { dst: X0, a: X0, b: X0 }.into(),
            Opcode::Bor => ops::Xbor64 { dst: X0, a: X0, b: X0 }.into(),
            Opcode::Bxor => ops::Xbxor64 { dst: X0, a: X0, b: X0 }.into(),
            _ => ops::Xbnot64 { dst: X0, a: X0 }.into(),
        };
        if opcode == Opcode::Bnot {
            self.op(op, &[r, xa]);
        } else {
            self.op(op, &[r, xa, xb]);
        }
        let back: Op = if w {
            ops::BitcastF64FromX { dst: F0, a: X0 }.into()
        } else {
            ops::BitcastF32FromX { dst: F0, a: X0 }.into()
        };
        self.op(back, &[d, r]);
        Ok(())
    }

    /// Float to i8/i16: convert to 32 bits, then trap (or clamp, for the
    /// saturating forms) when the value does not fit the narrow type.
    fn narrow_fcvt(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        arg: Value,
        f64_in: bool,
        bits: u32,
    ) -> LowerResult<()> {
        let signed = matches!(opcode, Opcode::FcvtToSint | Opcode::FcvtToSintSat);
        let sat = matches!(opcode, Opcode::FcvtToSintSat | Opcode::FcvtToUintSat);
        let (a, d) = (self.reg(arg)?, self.result(inst)?);
        let int = RegClass::Int;
        let r = self.new_vreg(int);
        let op: Op = match (f64_in, signed, sat) {
            (false, true, false) => ops::X32FromF32S { dst: X0, a: F0 }.into(),
            (false, false, false) => ops::X32FromF32U { dst: X0, a: F0 }.into(),
            (true, true, false) => ops::X32FromF64S { dst: X0, a: F0 }.into(),
            (true, false, false) => ops::X32FromF64U { dst: X0, a: F0 }.into(),
            (false, true, true) => ops::X32FromF32SSat { dst: X0, a: F0 }.into(),
            (false, false, true) => ops::X32FromF32USat { dst: X0, a: F0 }.into(),
            (true, true, true) => ops::X32FromF64SSat { dst: X0, a: F0 }.into(),
            (true, false, true) => ops::X32FromF64USat { dst: X0, a: F0 }.into(),
        };
        self.op(op, &[r, a]);
        if sat {
            let (lo, hi) = if signed {
                (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
            } else {
                (0, (1i64 << bits) - 1)
            };
            let (klo, khi, t) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
            self.iconst(khi, hi);
            if signed {
                self.iconst(klo, lo);
                self.op(ops::Xmax32S { dst: X0, a: X0, b: X0 }, &[t, r, klo]);
                self.op(ops::Xmin32S { dst: X0, a: X0, b: X0 }, &[d, t, khi]);
            } else {
                self.op(ops::Xmin32U { dst: X0, a: X0, b: X0 }, &[d, r, khi]);
            }
        } else {
            // Fits when extending its low bits gives the 32-bit value back.
            let wide = self.extend(r, 32, signed);
            let fitted = self.extend(r, bits, signed);
            let ne = self.new_vreg(int);
            self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[ne, fitted, wide]);
            let code = cranelift_codegen::ir::TrapCode::INTEGER_OVERFLOW.as_raw().get();
            self.op(ops::TrapIfNonzero64 { cond: X0, code }, &[ne]);
            self.alias_regs(d, r);
        }
        Ok(())
    }

    fn fcmp(&mut self, d: VReg, cond: FloatCC, a: Value, b: Value) -> LowerResult<()> {
        let w = self.func.dfg.value_type(a) == types::F64;
        let (mut ra, mut rb) = (self.reg(a)?, self.reg(b)?);
        macro_rules! cmp {
            ($o32:ident, $o64:ident) => {
                if w {
                    Op::from(ops::$o64 { dst: X0, a: F0, b: F0 })
                } else {
                    Op::from(ops::$o32 { dst: X0, a: F0, b: F0 })
                }
            };
        }
        let op = match cond {
            FloatCC::Equal => cmp!(Feq32, Feq64),
            FloatCC::NotEqual => cmp!(Fneq32, Fneq64),
            FloatCC::LessThan => cmp!(Flt32, Flt64),
            FloatCC::LessThanOrEqual => cmp!(Flteq32, Flteq64),
            FloatCC::GreaterThan => {
                std::mem::swap(&mut ra, &mut rb);
                cmp!(Flt32, Flt64)
            }
            FloatCC::GreaterThanOrEqual => {
                std::mem::swap(&mut ra, &mut rb);
                cmp!(Flteq32, Flteq64)
            }
            other => {
                let cc = match other {
                    FloatCC::Ordered => sheave_opcodes::FloatCC::ORDERED,
                    FloatCC::Unordered => sheave_opcodes::FloatCC::UNORDERED,
                    FloatCC::OrderedNotEqual => sheave_opcodes::FloatCC::ORDERED_NOT_EQUAL,
                    FloatCC::UnorderedOrEqual => sheave_opcodes::FloatCC::UNORDERED_OR_EQUAL,
                    FloatCC::UnorderedOrLessThan => sheave_opcodes::FloatCC::UNORDERED_OR_LESS_THAN,
                    FloatCC::UnorderedOrLessThanOrEqual => {
                        sheave_opcodes::FloatCC::UNORDERED_OR_LESS_THAN_OR_EQUAL
                    }
                    FloatCC::UnorderedOrGreaterThan => sheave_opcodes::FloatCC::UNORDERED_OR_GREATER_THAN,
                    FloatCC::UnorderedOrGreaterThanOrEqual => {
                        sheave_opcodes::FloatCC::UNORDERED_OR_GREATER_THAN_OR_EQUAL
                    }
                    _ => unreachable!("handled above"),
                };
                if w {
                    Op::from(ops::Fcmp64 { dst: X0, a: F0, b: F0, cc })
                } else {
                    Op::from(ops::Fcmp32 { dst: X0, a: F0, b: F0, cc })
                }
            }
        };
        self.op(op, &[d, ra, rb]);
        Ok(())
    }

    /// Float unary ops, conversions and bitcasts; `false` if `opcode` is not one.
    fn float_unary(&mut self, inst: ir::Inst, opcode: Opcode, arg: Value) -> LowerResult<bool> {
        let dfg = &self.func.dfg;
        let Some(&result) = dfg.inst_results(inst).first() else {
            return Ok(false);
        };
        let from = dfg.value_type(arg);
        let to = dfg.value_type(result);
        let f64_in = from == types::F64;
        macro_rules! ff {
            ($o32:ident, $o64:ident) => {
                if f64_in {
                    Op::from(ops::$o64 { dst: F0, a: F0 })
                } else {
                    Op::from(ops::$o32 { dst: F0, a: F0 })
                }
            };
        }
        macro_rules! fx {
            ($op:ident) => {
                Op::from(ops::$op { dst: X0, a: F0 })
            };
        }
        macro_rules! xf {
            ($op:ident) => {
                Op::from(ops::$op { dst: F0, a: X0 })
            };
        }
        let to64 = to.bits() == 64;
        let op = match opcode {
            Opcode::Fneg if from.is_float() => ff!(Fneg32, Fneg64),
            Opcode::Fabs => ff!(Fabs32, Fabs64),
            Opcode::Sqrt => ff!(Fsqrt32, Fsqrt64),
            Opcode::Ceil => ff!(Fceil32, Fceil64),
            Opcode::Floor => ff!(Ffloor32, Ffloor64),
            Opcode::Trunc => ff!(Ftrunc32, Ftrunc64),
            Opcode::Nearest => ff!(Fnearest32, Fnearest64),
            Opcode::Fpromote => Op::from(ops::Fpromote { dst: F0, a: F0 }),
            Opcode::Fdemote => Op::from(ops::Fdemote { dst: F0, a: F0 }),
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat
                if to.bits() < 32 =>
            {
                return self.narrow_fcvt(inst, opcode, arg, f64_in, to.bits()).map(|()| true);
            }
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat
                if to.bits() >= 32 =>
            {
                let signed = matches!(opcode, Opcode::FcvtToSint | Opcode::FcvtToSintSat);
                let sat = matches!(opcode, Opcode::FcvtToSintSat | Opcode::FcvtToUintSat);
                match (to64, f64_in, signed, sat) {
                    (false, false, true, false) => fx!(X32FromF32S),
                    (false, false, false, false) => fx!(X32FromF32U),
                    (false, true, true, false) => fx!(X32FromF64S),
                    (false, true, false, false) => fx!(X32FromF64U),
                    (true, false, true, false) => fx!(X64FromF32S),
                    (true, false, false, false) => fx!(X64FromF32U),
                    (true, true, true, false) => fx!(X64FromF64S),
                    (true, true, false, false) => fx!(X64FromF64U),
                    (false, false, true, true) => fx!(X32FromF32SSat),
                    (false, false, false, true) => fx!(X32FromF32USat),
                    (false, true, true, true) => fx!(X32FromF64SSat),
                    (false, true, false, true) => fx!(X32FromF64USat),
                    (true, false, true, true) => fx!(X64FromF32SSat),
                    (true, false, false, true) => fx!(X64FromF32USat),
                    (true, true, true, true) => fx!(X64FromF64SSat),
                    (true, true, false, true) => fx!(X64FromF64USat),
                }
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint if from.is_int() && from.bits() <= 64 => {
                let signed = opcode == Opcode::FcvtFromSint;
                // Narrow sources are extended to 32 bits first.
                let src = if from.bits() < 32 { self.extended(arg, signed)? } else { self.reg(arg)? };
                let from64 = from.bits() == 64;
                let op = match (to == types::F64, from64, signed) {
                    (false, false, true) => xf!(F32FromX32S),
                    (false, false, false) => xf!(F32FromX32U),
                    (false, true, true) => xf!(F32FromX64S),
                    (false, true, false) => xf!(F32FromX64U),
                    (true, false, true) => xf!(F64FromX32S),
                    (true, false, false) => xf!(F64FromX32U),
                    (true, true, true) => xf!(F64FromX64S),
                    (true, true, false) => xf!(F64FromX64U),
                };
                let d = self.result(inst)?;
                self.op(op, &[d, src]);
                return Ok(true);
            }
            Opcode::Bitcast if from.bits() == to.bits() && from.bits() >= 32 => match (from, to) {
                (types::F32, types::I32) => fx!(BitcastXFromF32),
                (types::F64, types::I64) => fx!(BitcastXFromF64),
                (types::I32, types::F32) => xf!(BitcastF32FromX),
                (types::I64, types::F64) => xf!(BitcastF64FromX),
                _ => return Ok(false),
            },
            _ => return Ok(false),
        };
        let (src, d) = (self.reg(arg)?, self.result(inst)?);
        self.op(op, &[d, src]);
        Ok(true)
    }

    fn callee_index(&mut self, name: ir::ExternalName) -> usize {
        match self.callees.iter().position(|c| *c == name) {
            Some(i) => i,
            None => {
                self.callees.push(name);
                self.callees.len() - 1
            }
        }
    }

    /// `call_indirect sig, target(args)`.
    fn call_indirect(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let all = dfg.inst_args(inst).to_vec();
        let target = self.reg(all[0])?;
        let args: Vec<VReg> = self.flat_regs(&all[1..])?;
        let rets: Vec<VReg> = self.flat_regs(&dfg.inst_results(inst).to_vec())?;
        // The target lives in a register no argument uses: a callee-saved one.
        let mut operands = vec![Operand::reg_fixed_use(target, abi::x(29))];
        let (arg_operands, rest) = self.call_args(&args)?;
        operands.extend(arg_operands);
        let outgoing = self.store_outgoing(&rest)?;
        let defs = self.abi_operands(&rets, true)?;
        let mut clobbers = abi::caller_saved();
        for d in &defs {
            if let regalloc2::OperandConstraint::FixedReg(p) = d.constraint() {
                clobbers.remove(p);
            }
        }
        operands.extend(defs);
        self.push(VInstKind::CallIndirect, operands, clobbers);
        if outgoing > 0 {
            self.push(VInstKind::AdjustSp { grow: false, bytes: outgoing }, vec![], PRegSet::empty());
        }
        Ok(())
    }

    fn call(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let InstructionData::Call { func_ref, .. } = dfg.insts[inst] else { unreachable!() };
        let name = dfg.ext_funcs[func_ref].name.clone();
        let args: Vec<VReg> = self.flat_regs(&dfg.inst_args(inst).to_vec())?;
        let rets: Vec<VReg> = self.flat_regs(&dfg.inst_results(inst).to_vec())?;
        let (mut operands, rest) = self.call_args(&args)?;
        let outgoing = self.store_outgoing(&rest)?;
        let defs = self.abi_operands(&rets, true)?;
        // A call clobbers the caller-saved registers, except those it defines.
        let mut clobbers = abi::caller_saved();
        for d in &defs {
            if let regalloc2::OperandConstraint::FixedReg(p) = d.constraint() {
                clobbers.remove(p);
            }
        }
        operands.extend(defs);
        let callee = self.callee_index(name);
        self.push(VInstKind::Call { callee }, operands, clobbers);
        if outgoing > 0 {
            self.push(VInstKind::AdjustSp { grow: false, bytes: outgoing }, vec![], PRegSet::empty());
        }
        Ok(())
    }
}
