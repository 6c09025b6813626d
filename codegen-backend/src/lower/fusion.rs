//! Super-instruction selection: an `icmp` feeding the `brif` that ends its
//! block becomes one compare-and-branch op, and constants become
//! immediates (a constant all of whose uses did needs no register).

use super::*;

impl Lower<'_> {
    /// Find each `brif` whose condition is an `icmp` of at most 64 bits in
    /// the same block, used nowhere else: it becomes one compare-and-branch
    /// op. A constant second operand becomes its immediate, and so does the
    /// constant operand of ALU ops that have immediate forms. `uses` counts
    /// the uses by instructions that are lowered (dead ones excluded).
    pub(super) fn find_fusions(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        // Uses of each constant turned into an immediate.
        let mut folded_uses: HashMap<ir::Inst, u32> = HashMap::new();
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
            if func.layout.inst_block(icmp) != Some(b) || uses[arg] != 1 || ty.bits() > 64 {
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
                        *folded_uses.entry(k).or_default() += 1;
                    }
                }
            }
            self.fused.insert(icmp, FusedCompare { cond, imm });
        }
        // ALU ops with a constant second operand.
        for &b in order {
            for inst in func.layout.block_insts(b).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode, args: [_, y] } = dfg.insts[inst] else {
                    continue;
                };
                let ty = dfg.ctrl_typevar(inst);
                let shift = matches!(
                    opcode,
                    Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr
                );
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
                let mut v = imm.bits();
                if opcode == Opcode::Isub {
                    v = v.wrapping_neg();
                }
                // 64-bit ops sign-extend a 32-bit immediate; 32-bit ops use its bits.
                let fits = if ty.bits() == 64 { i32::try_from(v).is_ok() } else { true };
                if fits {
                    self.alu_imm.insert(inst, if ty.bits() == 64 { v } else { v as i32 as i64 });
                    *folded_uses.entry(k).or_default() += 1;
                }
            }
        }
        // Loads and stores (little-endian, scalar) whose address is a 64-bit
        // `iadd` used only there: one indexed op, and the add is not lowered.
        for &b in order {
            for inst in func.layout.block_insts(b).filter(|&i| !self.dead.contains(i)) {
                let (addr, ty, flags) = match dfg.insts[inst] {
                    InstructionData::Load { opcode, arg, flags, .. }
                        if matches!(
                            opcode,
                            Opcode::Load
                                | Opcode::Uload8
                                | Opcode::Sload8
                                | Opcode::Uload16
                                | Opcode::Sload16
                                | Opcode::Uload32
                                | Opcode::Sload32
                        ) =>
                    {
                        (arg, dfg.value_type(dfg.first_result(inst)), flags)
                    }
                    InstructionData::Store { opcode, args: [value, addr], flags, .. }
                        if matches!(
                            opcode,
                            Opcode::Store | Opcode::Istore8 | Opcode::Istore16 | Opcode::Istore32
                        ) =>
                    {
                        (addr, dfg.value_type(value), flags)
                    }
                    _ => continue,
                };
                let scalar = matches!(
                    ty,
                    types::I8 | types::I16 | types::I32 | types::I64 | types::F16 | types::F32 | types::F64
                );
                if !scalar || self.big_endian(flags) {
                    continue;
                }
                let addr = dfg.resolve_aliases(addr);
                let ir::ValueDef::Result(add, 0) = dfg.value_def(addr) else { continue };
                let InstructionData::Binary { opcode: Opcode::Iadd, args: [x, y] } = dfg.insts[add] else {
                    continue;
                };
                if dfg.value_type(addr) != types::I64 || uses[addr] != 1 || self.alu_imm.contains_key(&add) {
                    continue;
                }
                self.indexed.insert(inst, (x, y));
                self.index_adds.insert(add);
            }
        }
        // A constant every use of which became an immediate needs no register.
        for (k, n) in folded_uses {
            if uses[dfg.first_result(k)] == n {
                self.folded_consts.insert(k);
            }
        }
    }

    /// The fused `icmp` defining `v`, if any.
    pub(super) fn fused_def(&self, v: Value) -> Option<ir::Inst> {
        let dfg = &self.func.dfg;
        match dfg.value_def(dfg.resolve_aliases(v)) {
            ir::ValueDef::Result(i, 0) if self.fused.contains_key(&i) => Some(i),
            _ => None,
        }
    }

    /// The compare-and-branch op for fused `icmp` and its register operands.
    pub(super) fn fused_branch(&mut self, icmp: ir::Inst) -> LowerResult<(Op, Vec<VReg>)> {
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
}
