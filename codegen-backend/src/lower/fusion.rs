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
        let dfg = &self.func.dfg;
        // Uses of each constant turned into an immediate.
        let mut folded_uses: SecondaryMap<ir::Inst, u32> = SecondaryMap::new();
        self.fuse_compares_into_branches(order, uses, &mut folded_uses);
        self.fold_alu_immediates(order, &mut folded_uses);
        self.fuse_indexed_addresses(order, uses);
        self.fuse_multiply_adds(order, uses);
        self.fuse_xor_shifts(order, uses);
        self.fuse_shift_adds(order, uses);
        self.fuse_int_multiply_adds(order, uses);
        self.fuse_xor_multiplies(order, uses);
        self.fuse_bit_tests(order, uses);
        self.fold_stack_bases(order, uses);
        self.fuse_table_loads(order, uses);
        // A constant every use of which became an immediate needs no register.
        for (k, &n) in folded_uses.iter() {
            if n > 0 && uses[dfg.first_result(k)] == n {
                self.folded_consts.insert(k);
            }
        }
    }

    /// `brif`s on an `icmp` of their own block used nowhere else: the
    /// compare becomes the branch (with an immediate for a small constant).
    fn fuse_compares_into_branches(
        &mut self,
        order: &[ir::Block],
        uses: &super::dead::UseCounts,
        folded_uses: &mut SecondaryMap<ir::Inst, u32>,
    ) {
        let func = self.func;
        let dfg = &func.dfg;
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
            if let ir::ValueDef::Result(k, 0) = dfg.value_def(y)
                && let InstructionData::UnaryImm { opcode: Opcode::Iconst, imm: value } = dfg.insts[k]
            {
                // Immediates compare against 32- and 64-bit registers.
                let v = match ty.bits() {
                    64 => Some(value.bits()),
                    32 => Some(value.bits() as i32 as i64),
                    _ => None,
                };
                if let Some(v) = v.filter(|v| i32::try_from(*v).is_ok()) {
                    imm = Some(v);
                    folded_uses[k] += 1;
                }
            }
            self.fused[icmp] = Some(FusedCompare { cond, imm });
        }
    }

    /// ALU ops with a constant second operand: the constant becomes an immediate.
    fn fold_alu_immediates(&mut self, order: &[ir::Block], folded_uses: &mut SecondaryMap<ir::Inst, u32>) {
        let func = self.func;
        let dfg = &func.dfg;
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
                    self.alu_imm[inst] = Some(if ty.bits() == 64 { v } else { v as i32 as i64 });
                    folded_uses[k] += 1;
                }
            }
        }
    }

    /// Loads and stores (little-endian, scalar) whose address is a 64-bit
    /// `iadd` used only as their addresses: each becomes one indexed op,
    /// and the add is not lowered. An address two accesses share (a load
    /// and a store back to it, `a[i] += x`) goes into both: the indexed
    /// ops add for free, where the shared add costs an op.
    fn fuse_indexed_addresses(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        // (access, its address, the add) of every access that could fuse,
        // and how many of them each address has.
        let mut candidates: Vec<(ir::Inst, Value, ir::Inst, Value, Value)> = Vec::new();
        let mut accesses: std::collections::HashMap<Value, u32> = std::collections::HashMap::new();
        for &b in order {
            for inst in func.layout.block_insts(b).filter(|&i| !self.dead.contains(i)) {
                let (addr, ty, flags) = match dfg.insts[inst] {
                    InstructionData::Load {
                        opcode:
                            Opcode::Load
                            | Opcode::Uload8
                            | Opcode::Sload8
                            | Opcode::Uload16
                            | Opcode::Sload16
                            | Opcode::Uload32
                            | Opcode::Sload32,
                        arg,
                        flags,
                        ..
                    } => (arg, dfg.value_type(dfg.first_result(inst)), flags),
                    InstructionData::Store {
                        opcode: Opcode::Store | Opcode::Istore8 | Opcode::Istore16 | Opcode::Istore32,
                        args: [value, addr],
                        flags,
                        ..
                    } => (addr, dfg.value_type(value), flags),
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
                if dfg.value_type(addr) != types::I64 || self.alu_imm[add].is_some() {
                    continue;
                }
                candidates.push((inst, addr, add, x, y));
                *accesses.entry(addr).or_default() += 1;
            }
        }
        // Only where every use of the address is one of these accesses'
        // address (not, say, a value stored), so the add has no other user.
        // An indexed access costs more than a plain one (a register more
        // to read, an add), so a shared address goes into at most two, and
        // not when the add would be a shift-and-add: callgrind, one shared
        // add into nine float loads: image_filter +5.5%; a shift-add into
        // four accesses: sort +6.4%; into two: copy -16%.
        for (inst, addr, add, x, y) in candidates {
            let n = accesses[&addr];
            let block = func.layout.inst_block(add).expect("the add is in the layout");
            let shift_add =
                [x, y].iter().any(|&v| self.constant_shift(v, Opcode::Ishl, block, uses).is_some());
            if n == uses[addr] && (n == 1 || (n == 2 && !shift_add)) {
                self.indexed[inst] = Some((x, y));
                self.absorbed.insert(add);
            }
        }
    }

    /// Scalar `fadd`s with an operand that is an `fmul` of the same block
    /// used only there: one multiply-add op (rounded after each step, as
    /// the two ops are), and the multiply is not lowered.
    fn fuse_multiply_adds(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode: Opcode::Fadd, args: [x, y] } = dfg.insts[inst] else {
                    continue;
                };
                if !matches!(dfg.ctrl_typevar(inst), types::F32 | types::F64) {
                    continue;
                }
                let product = |v: Value| {
                    let v = dfg.resolve_aliases(v);
                    let ir::ValueDef::Result(mul, 0) = dfg.value_def(v) else { return None };
                    let InstructionData::Binary { opcode: Opcode::Fmul, args: [a, b] } = dfg.insts[mul]
                    else {
                        return None;
                    };
                    let mine = func.layout.inst_block(mul) == Some(block) && uses[v] == 1;
                    (mine && !self.absorbed.contains(mul)).then_some((mul, a, b))
                };
                let (mul, a, b, c, product_first) = match (product(x), product(y)) {
                    (Some((mul, a, b)), _) => (mul, a, b, y, true),
                    (None, Some((mul, a, b))) => (mul, a, b, x, false),
                    (None, None) => continue,
                };
                self.mul_adds[inst] = Some(MulAdd { a, b, c, product_first });
                self.absorbed.insert(mul);
            }
        }
    }

    /// `bxor`s (i64, or i32 with a right shift) with an operand that is a
    /// shift by a constant of the same block used only there: one op
    /// (`x ^= x >> k`, a CRC's `(crc >> 1) ^ mask`), and the shift is not
    /// lowered.
    fn fuse_xor_shifts(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode: Opcode::Bxor, args: [x, y] } = dfg.insts[inst] else {
                    continue;
                };
                let ty = dfg.ctrl_typevar(inst);
                if !matches!(ty, types::I32 | types::I64) || self.alu_imm[inst].is_some() {
                    continue;
                }
                // No 32-bit op for left shifts (the hot opcodes ran out).
                let shift = |v| {
                    let right = self
                        .constant_shift(v, Opcode::Ushr, block, uses)
                        .map(|(s, a, amt)| (s, a, amt, false));
                    let left = || {
                        self.constant_shift(v, Opcode::Ishl, block, uses).map(|(s, a, amt)| (s, a, amt, true))
                    };
                    right.or_else(|| if ty == types::I64 { left() } else { None })
                };
                let (s, shifted, amt, left, plain) = match (shift(y), shift(x)) {
                    (Some((s, a, amt, left)), _) => (s, a, amt, left, x),
                    (None, Some((s, a, amt, left))) => (s, a, amt, left, y),
                    (None, None) => continue,
                };
                self.xor_shifts[inst] = Some(XorShift { plain, shifted, amt, left });
                self.absorbed.insert(s);
            }
        }
    }

    /// The constant shift defining `v`, if it is one of `block` used only
    /// there and not absorbed yet: the shift, its operand and its amount
    /// (masked to the width).
    fn constant_shift(
        &self,
        v: Value,
        opcode: Opcode,
        block: ir::Block,
        uses: &super::dead::UseCounts,
    ) -> Option<(ir::Inst, Value, u8)> {
        let dfg = &self.func.dfg;
        let v = dfg.resolve_aliases(v);
        let ir::ValueDef::Result(s, 0) = dfg.value_def(v) else { return None };
        let InstructionData::Binary { opcode: found, args: [a, _] } = dfg.insts[s] else { return None };
        let bits = i64::from(dfg.value_type(v).bits());
        let amt = self.alu_imm[s]? & (bits - 1);
        let mine = found == opcode && self.func.layout.inst_block(s) == Some(block) && uses[v] == 1;
        (mine && !self.absorbed.contains(s)).then_some((s, a, amt as u8))
    }

    /// 64-bit `iadd`s (not already part of an indexed address) with an
    /// operand that is a constant `ishl` of the same block used only there:
    /// one `xadd_shl64` (`base + (i << k)`, `row << k + column`).
    fn fuse_shift_adds(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode: Opcode::Iadd, args: [x, y] } = dfg.insts[inst] else {
                    continue;
                };
                if dfg.ctrl_typevar(inst) != types::I64
                    || self.alu_imm[inst].is_some()
                    || self.absorbed.contains(inst)
                {
                    continue;
                }
                let shift = |v| self.constant_shift(v, Opcode::Ishl, block, uses);
                let (s, shifted, amt, plain) = match (shift(y), shift(x)) {
                    (Some((s, a, amt)), _) => (s, a, amt, x),
                    (None, Some((s, a, amt))) => (s, a, amt, y),
                    (None, None) => continue,
                };
                self.shift_adds[inst] = Some((plain, shifted, amt));
                self.absorbed.insert(s);
            }
        }
    }

    /// 64-bit `iadd`s (not part of an indexed address or a shift-add) of
    /// an `imul` of two registers of the same block used only there, plus
    /// a register or a constant that fits an `i8`: one `xmadd64` or
    /// `xmadd64_i8`, and the multiply is not lowered.
    fn fuse_int_multiply_adds(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode: Opcode::Iadd, args: [x, y] } = dfg.insts[inst] else {
                    continue;
                };
                let plain = dfg.ctrl_typevar(inst) == types::I64
                    && !self.absorbed.contains(inst)
                    && self.shift_adds[inst].is_none();
                if !plain {
                    continue;
                }
                let product = |v: Value| {
                    let v = dfg.resolve_aliases(v);
                    let ir::ValueDef::Result(mul, 0) = dfg.value_def(v) else { return None };
                    let InstructionData::Binary { opcode: Opcode::Imul, args: [a, b] } = dfg.insts[mul]
                    else {
                        return None;
                    };
                    let mine = func.layout.inst_block(mul) == Some(block) && uses[v] == 1;
                    (mine && self.alu_imm[mul].is_none() && !self.absorbed.contains(mul))
                        .then_some((mul, a, b))
                };
                let (mul, a, b, other) = match (product(x), product(y)) {
                    (Some((mul, a, b)), _) => (mul, a, b, y),
                    (None, Some((mul, a, b))) => (mul, a, b, x),
                    (None, None) => continue,
                };
                let addend = match self.alu_imm[inst] {
                    None => Ok(other),
                    Some(k) => match i8::try_from(k) {
                        Ok(k) => Err(k),
                        Err(_) => continue,
                    },
                };
                self.int_mul_adds[inst] = Some(IntMulAdd { a, b, addend });
                self.absorbed.insert(mul);
            }
        }
    }

    /// 64-bit `imul`s of two registers (no immediate) where one factor
    /// is a `bxor` of two registers of the same block used only there:
    /// one `xbxor_mul64` (an FNV-1a step), and the `bxor` is not lowered.
    fn fuse_xor_multiplies(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let InstructionData::Binary { opcode: Opcode::Imul, args: [x, y] } = dfg.insts[inst] else {
                    continue;
                };
                if dfg.ctrl_typevar(inst) != types::I64
                    || self.alu_imm[inst].is_some()
                    || self.absorbed.contains(inst)
                {
                    continue;
                }
                let xor = |v: Value| {
                    let v = dfg.resolve_aliases(v);
                    let ir::ValueDef::Result(xor, 0) = dfg.value_def(v) else { return None };
                    let InstructionData::Binary { opcode: Opcode::Bxor, args: [a, b] } = dfg.insts[xor]
                    else {
                        return None;
                    };
                    let mine = func.layout.inst_block(xor) == Some(block) && uses[v] == 1;
                    let plain = self.alu_imm[xor].is_none()
                        && self.xor_shifts[xor].is_none()
                        && !self.absorbed.contains(xor);
                    (mine && plain).then_some((xor, a, b))
                };
                let (xor, a, b, c) = match (xor(x), xor(y)) {
                    (Some((xor, a, b)), _) => (xor, a, b, y),
                    (None, Some((xor, a, b))) => (xor, a, b, x),
                    (None, None) => continue,
                };
                self.xor_muls[inst] = Some((a, b, c));
                self.absorbed.insert(xor);
            }
        }
    }

    /// `br_table`s on a `uload8` of an indexed address (`base + index`,
    /// after `fuse_indexed_addresses` and `fold_stack_bases`) of their own
    /// block, used only there, with nothing between the load and the
    /// `br_table` that touches memory, traps or has effects: the load moves
    /// into the branch (`br_table32_xload8_u_ix`), so it may run later, and
    /// is not lowered itself.
    fn fuse_table_loads(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            let Some(last) = func.layout.last_inst(block) else { continue };
            let InstructionData::BranchTable { arg, .. } = dfg.insts[last] else { continue };
            let arg = dfg.resolve_aliases(arg);
            let ir::ValueDef::Result(load, 0) = dfg.value_def(arg) else { continue };
            let InstructionData::Load { opcode: Opcode::Uload8, .. } = dfg.insts[load] else { continue };
            let indexed =
                self.indexed[load].is_some() || self.sp_based[load].is_some_and(|sp| sp.index.is_some());
            let mine = func.layout.inst_block(load) == Some(block)
                && uses[arg] == 1
                && !self.dead.contains(load)
                && !self.absorbed.contains(load);
            if !(indexed && mine) {
                continue;
            }
            let quiet = |i: ir::Inst| crate::hoist::free_to_move(dfg.insts[i].opcode());
            let between = func.layout.block_insts(block).skip_while(|&i| i != load).skip(1);
            if !between.take_while(|&i| i != last).all(quiet) {
                continue;
            }
            self.table_loads[last] = Some(load);
            self.absorbed.insert(load);
        }
    }

    /// `brif`s whose condition is a 32- or 64-bit `band` with a constant
    /// that fits an `i8`, of the same block and used only there: one
    /// bit-test branch, and the `band` is not lowered.
    fn fuse_bit_tests(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        for &block in order {
            let Some(last) = func.layout.last_inst(block) else { continue };
            let InstructionData::Brif { arg, .. } = dfg.insts[last] else { continue };
            let arg = dfg.resolve_aliases(arg);
            let ir::ValueDef::Result(band, 0) = dfg.value_def(arg) else { continue };
            let InstructionData::Binary { opcode: Opcode::Band, args: [tested, _] } = dfg.insts[band] else {
                continue;
            };
            let Some(mask) = self.alu_imm[band].and_then(|m| i8::try_from(m).ok()) else { continue };
            let mine = func.layout.inst_block(band) == Some(block) && uses[arg] == 1;
            if !matches!(dfg.value_type(arg), types::I32 | types::I64)
                || !mine
                || self.absorbed.contains(band)
            {
                continue;
            }
            self.bit_tests[last] = Some((tested, mask));
            self.absorbed.insert(band);
        }
    }

    /// Loads and stores (as `fuse_indexed_addresses` finds them, big-endian
    /// ones too) whose base is a `stack_addr`: they address from `sp`, and
    /// a `stack_addr` all of whose uses did so is not lowered (it was an
    /// `xmov x, sp` before each access that Cranelift rematerializes).
    fn fold_stack_bases(&mut self, order: &[ir::Block], uses: &super::dead::UseCounts) {
        let func = self.func;
        let dfg = &func.dfg;
        let mut folded: SecondaryMap<ir::Inst, u32> = SecondaryMap::new();
        // Per fused add with a `stack_addr` operand: that `stack_addr`, and
        // how many accesses through the add address from `sp`.
        let mut via_add: std::collections::HashMap<ir::Inst, (ir::Inst, u32)> =
            std::collections::HashMap::new();
        for &block in order {
            for inst in func.layout.block_insts(block).filter(|&i| !self.dead.contains(i)) {
                let (addr, offset, ty) = match dfg.insts[inst] {
                    InstructionData::Load { arg, offset, .. } => {
                        (arg, i32::from(offset), dfg.value_type(dfg.first_result(inst)))
                    }
                    InstructionData::Store { args: [value, addr], offset, .. } => {
                        (addr, i32::from(offset), dfg.value_type(value))
                    }
                    _ => continue,
                };
                if ty.is_vector() || ty.bits() > 64 {
                    continue;
                }
                let (k, slot, index) = match self.indexed[inst] {
                    Some((x, y)) => match (self.stack_addr_def(x), self.stack_addr_def(y)) {
                        (Some((k, o)), _) => (k, o, Some(y)),
                        (None, Some((k, o))) => (k, o, Some(x)),
                        (None, None) => continue,
                    },
                    None => match self.stack_addr_def(addr) {
                        Some((k, o)) => (k, o, None),
                        None => continue,
                    },
                };
                let Ok(offset) = i32::try_from(slot + offset as i64) else { continue };
                self.sp_based[inst] = Some(SpBase { index, offset });
                match index {
                    // The `stack_addr` is used by the fused add, which the
                    // accesses sharing it must all have folded.
                    Some(_) => {
                        let ir::ValueDef::Result(add, 0) = dfg.value_def(dfg.resolve_aliases(addr)) else {
                            unreachable!("an indexed access's address is an add's result")
                        };
                        via_add.entry(add).or_insert((k, 0)).1 += 1;
                    }
                    None => folded[k] += 1,
                }
            }
        }
        for (add, (k, n)) in via_add {
            if uses[dfg.first_result(add)] == n {
                folded[k] += 1;
            }
        }
        for (k, &n) in folded.iter() {
            if n > 0 && uses[dfg.first_result(k)] == n {
                self.absorbed.insert(k);
            }
        }
    }

    /// The `stack_addr` defining `v`, if one does, and the `sp` offset it
    /// stands for.
    fn stack_addr_def(&self, v: Value) -> Option<(ir::Inst, i64)> {
        let dfg = &self.func.dfg;
        let ir::ValueDef::Result(k, 0) = dfg.value_def(dfg.resolve_aliases(v)) else { return None };
        let InstructionData::StackAddr { stack_slot, offset, .. } = dfg.insts[k] else { return None };
        Some((k, self.slot_address(stack_slot, i32::from(offset).into())?))
    }

    /// The fused `icmp` defining `v`, if any.
    pub(super) fn fused_def(&self, v: Value) -> Option<ir::Inst> {
        let dfg = &self.func.dfg;
        match dfg.value_def(dfg.resolve_aliases(v)) {
            ir::ValueDef::Result(i, 0) if self.fused[i].is_some() => Some(i),
            _ => None,
        }
    }

    /// The compare-and-branch op for fused `icmp`.
    pub(super) fn fused_branch(&mut self, icmp: ir::Inst) -> LowerResult<VOp> {
        use IntCC::*;
        let FusedCompare { cond, imm } = self.fused[icmp].expect("a fused compare");
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
                        (Ok(i), false) => vop::$o32s(a, i, P),
                        (Ok(i), true) => vop::$o64s(a, i, P),
                        (Err(_), false) => vop::$o32(a, imm as i32, P),
                        (Err(_), true) => vop::$o64(a, imm as i32, P),
                    }
                }};
            }
            let branch = match cond {
                Equal => bi!(br_if_xeq32_i, br_if_xeq64_i, br_if_xeq32_i8, br_if_xeq64_i8),
                NotEqual => bi!(br_if_xneq32_i, br_if_xneq64_i, br_if_xneq32_i8, br_if_xneq64_i8),
                SignedLessThan => bi!(br_if_xslt32_i, br_if_xslt64_i, br_if_xslt32_i8, br_if_xslt64_i8),
                SignedLessThanOrEqual => {
                    bi!(br_if_xslteq32_i, br_if_xslteq64_i, br_if_xslteq32_i8, br_if_xslteq64_i8)
                }
                SignedGreaterThan => bi!(br_if_xsgt32_i, br_if_xsgt64_i, br_if_xsgt32_i8, br_if_xsgt64_i8),
                SignedGreaterThanOrEqual => {
                    bi!(br_if_xsgteq32_i, br_if_xsgteq64_i, br_if_xsgteq32_i8, br_if_xsgteq64_i8)
                }
                UnsignedLessThan => bi!(br_if_xult32_i, br_if_xult64_i, br_if_xult32_i8, br_if_xult64_i8),
                UnsignedLessThanOrEqual => {
                    bi!(br_if_xulteq32_i, br_if_xulteq64_i, br_if_xulteq32_i8, br_if_xulteq64_i8)
                }
                UnsignedGreaterThan => bi!(br_if_xugt32_i, br_if_xugt64_i, br_if_xugt32_i8, br_if_xugt64_i8),
                UnsignedGreaterThanOrEqual => {
                    bi!(br_if_xugteq32_i, br_if_xugteq64_i, br_if_xugteq32_i8, br_if_xugteq64_i8)
                }
            };
            return Ok(branch);
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
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        let op = match cond {
            Equal => br!(br_if_xeq32, br_if_xeq64),
            NotEqual => br!(br_if_xneq32, br_if_xneq64),
            SignedLessThan => br!(br_if_xslt32, br_if_xslt64),
            SignedLessThanOrEqual => br!(br_if_xslteq32, br_if_xslteq64),
            UnsignedLessThan => br!(br_if_xult32, br_if_xult64),
            UnsignedLessThanOrEqual => br!(br_if_xulteq32, br_if_xulteq64),
            _ => unreachable!("greater-than conditions were swapped"),
        };
        Ok(op(a, b, P))
    }
}
