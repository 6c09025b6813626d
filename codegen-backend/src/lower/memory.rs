//! Loads, stores, stack slots and atomics.

use super::*;

/// Where a load or store goes: `x[base] + offset`, or with an index
/// register `x[base] + x[index] + offset` (the `_ix` ops).
#[derive(Clone, Copy)]
pub(super) enum Addr {
    Base(VReg),
    Indexed(VReg, VReg),
    /// `sp + index + offset`, this offset replacing the access's own (it
    /// includes it; see `fold_stack_bases`).
    Sp {
        index: Option<VReg>,
        offset: i32,
    },
}

/// `v` with its register operand `k` (an x-register field) replaced by
/// `sp`: the field holds `sp`, which emission leaves as it is, and the
/// operand goes (`sp` is not allocated).
fn sp_operand(mut v: VOp, k: usize) -> VOp {
    let mut i = 0;
    v.op.for_each_reg_field(|_, field| {
        if i == k
            && let sheave_opcodes::RegFieldMut::X(r) = field
        {
            *r = sheave_opcodes::XReg::SP;
        }
        i += 1;
    });
    v.operands.remove(k);
    v
}

/// A register standing in for `sp` while an op is built (`sp_operand`
/// then removes its operand).
const SP_STAND_IN: VReg = VReg::new(0, RegClass::Int);

/// An `sp`-based address as the base or indexed form with `sp`'s stand-in
/// as the base, with the offset to use and whether the op's base operand
/// is then to become `sp`; any other address as it is, with `offset`.
fn with_sp_stand_in(addr: Addr, offset: i32) -> (Addr, i32, bool) {
    match addr {
        Addr::Sp { index: Some(index), offset } => (Addr::Indexed(SP_STAND_IN, index), offset, true),
        Addr::Sp { index: None, offset } => (Addr::Base(SP_STAND_IN), offset, true),
        _ => (addr, offset, false),
    }
}

impl Lower<'_> {
    /// `sp + offset` of byte `offset` of stack slot `slot` (slots lie at
    /// the bottom of the frame, at offsets known before allocation).
    pub(super) fn slot_address(&self, slot: ir::StackSlot, offset: i64) -> Option<i64> {
        Some(*self.slot_offsets.get(&slot)? as i64 + offset)
    }

    /// The address operand of load or store `inst` whose address is `addr`.
    pub(super) fn address(&mut self, inst: ir::Inst, addr: Value) -> LowerResult<Addr> {
        if let Some(sp) = self.sp_based[inst] {
            let index = match sp.index {
                Some(i) => Some(self.reg(i)?),
                None => None,
            };
            return Ok(Addr::Sp { index, offset: sp.offset });
        }
        Ok(match self.indexed[inst] {
            Some((a, b)) => Addr::Indexed(self.reg(a)?, self.reg(b)?),
            None => Addr::Base(self.reg(addr)?),
        })
    }

    /// The address of byte load `load` that a `br_table` absorbed: its
    /// base register (`None`: `sp`), index register and offset.
    pub(super) fn table_load(&mut self, load: ir::Inst) -> LowerResult<(Option<VReg>, VReg, i32)> {
        let InstructionData::Load { arg, offset, .. } = self.func.dfg.insts[load] else {
            return Err("a jump table's index load is not a load".into());
        };
        let (addr, offset, sp) = with_sp_stand_in(self.address(load, arg)?, offset.into());
        match addr {
            Addr::Indexed(base, index) => Ok(((!sp).then_some(base), index, offset)),
            _ => Err("a jump table's index load is not indexed: fusion and lowering disagree".into()),
        }
    }

    /// Loads, stores, stack addresses, scalar atomics and fences: whether
    /// `data` (of `inst`, controlling type `ctrl`) is one and was lowered.
    pub(super) fn memory_access(
        &mut self,
        inst: ir::Inst,
        data: InstructionData,
        ctrl: Type,
    ) -> LowerResult<bool> {
        Ok(match data {
            InstructionData::Load { opcode, arg, flags, offset } => {
                let addr = self.address(inst, arg)?;
                self.load(inst, opcode, addr, flags, offset.into())?;
                true
            }
            InstructionData::Store { opcode, args: [value, addr], flags, offset } => {
                let addr = self.address(inst, addr)?;
                self.store(opcode, value, addr, flags, offset.into())?;
                true
            }
            InstructionData::StackAddr { stack_slot, offset, .. } => {
                let a = self.stack_addr(stack_slot, offset.into())?;
                self.alias(self.func.dfg.first_result(inst), a);
                true
            }
            // Atomics: one VM runs one guest thread at a time, so plain
            // accesses are atomic with respect to it.
            InstructionData::LoadNoOffset { opcode: Opcode::AtomicLoad, arg, flags } => {
                let base = self.reg(arg)?;
                self.load(inst, Opcode::Load, Addr::Base(base), flags, 0)?;
                true
            }
            InstructionData::StoreNoOffset { opcode: Opcode::AtomicStore, args: [value, addr], flags } => {
                let base = self.reg(addr)?;
                self.store(Opcode::Store, value, Addr::Base(base), flags, 0)?;
                true
            }
            InstructionData::AtomicRmw { args: [addr, x], flags, op, .. } if ctrl.bits() <= 64 => {
                self.atomic_rmw(inst, addr, x, flags, op, ctrl)?;
                true
            }
            InstructionData::AtomicCas { args: [addr, expected, replacement], flags, .. }
                if ctrl.bits() <= 64 =>
            {
                self.atomic_cas(inst, addr, expected, replacement, flags, ctrl)?;
                true
            }
            InstructionData::NullAry { opcode: Opcode::Fence, .. } => true,
            _ => false,
        })
    }

    pub(super) fn stack_addr(&mut self, slot: ir::StackSlot, offset: i32) -> LowerResult<VReg> {
        let offset = self.slot_address(slot, offset.into()).ok_or("unknown stack slot")?;
        let offset = i32::try_from(offset).map_err(|_| "stack slot offset overflows")?;
        let d = self.new_vreg(RegClass::Int);
        self.push(VInstKind::StackAddr { offset }, vec![Operand::reg_def(d)], PRegSet::empty());
        Ok(d)
    }

    pub(super) fn big_endian(&self, flags: ir::MemFlags) -> bool {
        let native = if self.big_endian_target { ir::Endianness::Big } else { ir::Endianness::Little };
        self.func.dfg.mem_flags[flags].endianness(native) == ir::Endianness::Big
    }

    pub(super) fn load(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        addr: Addr,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty =
            self.func.dfg.value_type(*self.func.dfg.inst_results(inst).first().ok_or("load without result")?);
        // The base operand's index among the op's operands, and a stand-in
        // register for it when the base is `sp`.
        let (addr, offset, sp) = with_sp_stand_in(addr, offset);
        let at_sp = |v: VOp| if sp { sp_operand(v, 1) } else { v };
        let base = match addr {
            Addr::Base(base) => base,
            Addr::Sp { .. } => unreachable!("replaced above"),
            Addr::Indexed(base, index) => {
                let d = self.result(inst)?;
                let op = match (opcode, ty) {
                    (Opcode::Load, types::I8) | (Opcode::Uload8, _) => vop::xload8_u_ix,
                    (Opcode::Sload8, _) => vop::xload8_s_ix,
                    (Opcode::Load, types::I16 | types::F16) | (Opcode::Uload16, _) => vop::xload16_u_ix,
                    (Opcode::Sload16, _) => vop::xload16_s_ix,
                    (Opcode::Load, types::I32) | (Opcode::Uload32, _) => vop::xload32_u_ix,
                    (Opcode::Sload32, _) => vop::xload32_s_ix,
                    (Opcode::Load, types::I64) => vop::xload64_ix,
                    (Opcode::Load, types::F32) => vop::fload32_ix,
                    (Opcode::Load, types::F64) => vop::fload64_ix,
                    _ => return Err(format!("indexed `{opcode}` of {ty}: fusion and lowering disagree")),
                };
                self.emit(at_sp(op(d, base, index, offset)));
                return Ok(());
            }
        };
        let be = self.big_endian(flags);
        let d = self.result(inst)?;
        // The little-endian op, or the big-endian one for `be` accesses.
        macro_rules! endian {
            ($le:ident, $be:ident) => {
                if be { vop::$be } else { vop::$le }
            };
        }
        let op = match (opcode, ty) {
            (Opcode::Load, types::I8) | (Opcode::Uload8, _) => endian!(xload8_u, xload8_u),
            (Opcode::Sload8, _) => endian!(xload8_s, xload8_s),
            (Opcode::Load, types::I16 | types::F16) | (Opcode::Uload16, _) => {
                endian!(xload16_u, xload16_be_u)
            }
            (Opcode::Sload16, _) => endian!(xload16_s, xload16_be_s),
            (Opcode::Load, types::I32) | (Opcode::Uload32, _) => endian!(xload32_u, xload32_be_u),
            (Opcode::Sload32, _) => endian!(xload32_s, xload32_be_s),
            (Opcode::Load, types::I64) => endian!(xload64, xload64_be),
            (Opcode::Load, types::F32) => endian!(fload32, fload32_be),
            (Opcode::Load, types::F64) => endian!(fload64, fload64_be),
            _ => return Err(format!("`{opcode}` of {ty} is not supported yet")),
        };
        self.emit(at_sp(op(d, base, offset)));
        Ok(())
    }

    pub(super) fn store(
        &mut self,
        opcode: Opcode,
        value: Value,
        addr: Addr,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(value);
        let be = self.big_endian(flags);
        let v = self.reg(value)?;
        let (addr, offset, sp) = with_sp_stand_in(addr, offset);
        let at_sp = |v: VOp| if sp { sp_operand(v, 0) } else { v };
        let base = match addr {
            Addr::Base(base) => base,
            Addr::Sp { .. } => unreachable!("replaced above"),
            Addr::Indexed(base, index) => {
                let op = match (opcode, ty) {
                    (Opcode::Store, types::I8) | (Opcode::Istore8, _) => vop::xstore8_ix,
                    (Opcode::Store, types::I16 | types::F16) | (Opcode::Istore16, _) => vop::xstore16_ix,
                    (Opcode::Store, types::I32) | (Opcode::Istore32, _) => vop::xstore32_ix,
                    (Opcode::Store, types::I64) => vop::xstore64_ix,
                    (Opcode::Store, types::F32) => vop::fstore32_ix,
                    (Opcode::Store, types::F64) => vop::fstore64_ix,
                    _ => return Err(format!("indexed `{opcode}` of {ty}: fusion and lowering disagree")),
                };
                self.emit(at_sp(op(base, index, offset, v)));
                return Ok(());
            }
        };
        // The little-endian op, or the big-endian one for `be` accesses.
        macro_rules! endian {
            ($le:ident, $be:ident) => {
                if be { vop::$be } else { vop::$le }
            };
        }
        let op = match (opcode, ty) {
            (Opcode::Store, types::I8) | (Opcode::Istore8, _) => endian!(xstore8, xstore8),
            (Opcode::Store, types::I16 | types::F16) | (Opcode::Istore16, _) => {
                endian!(xstore16, xstore16_be)
            }
            (Opcode::Store, types::I32) | (Opcode::Istore32, _) => endian!(xstore32, xstore32_be),
            (Opcode::Store, types::I64) => endian!(xstore64, xstore64_be),
            (Opcode::Store, types::F32) => endian!(fstore32, fstore32_be),
            (Opcode::Store, types::F64) => endian!(fstore64, fstore64_be),
            _ => return Err(format!("`{opcode}` of {ty} is not supported yet")),
        };
        self.emit(at_sp(op(base, offset, v)));
        Ok(())
    }

    /// Store register `v` holding a value of integer type `ty`.
    pub(super) fn store_reg(
        &mut self,
        v: VReg,
        ty: Type,
        base: VReg,
        flags: ir::MemFlags,
    ) -> LowerResult<()> {
        let be = self.big_endian(flags);
        let offset = 0;
        let op = match (ty.bits(), be) {
            (8, _) => vop::xstore8,
            (16, false) => vop::xstore16,
            (16, true) => vop::xstore16_be,
            (32, false) => vop::xstore32,
            (32, true) => vop::xstore32_be,
            (64, false) => vop::xstore64,
            (64, true) => vop::xstore64_be,
            _ => return Err(format!("stores of {ty} are not supported yet")),
        };
        self.emit(op(base, offset, v));
        Ok(())
    }

    /// `old = *addr; if old == expected { *addr = replacement }; result = old`
    /// for integers of up to 64 bits.
    pub(super) fn atomic_cas(
        &mut self,
        inst: ir::Inst,
        addr: Value,
        expected: Value,
        replacement: Value,
        flags: ir::MemFlags,
        ty: Type,
    ) -> LowerResult<()> {
        let base = self.reg(addr)?;
        self.load(inst, Opcode::Load, Addr::Base(base), flags, 0)?;
        let old = self.result(inst)?;
        let e = self.extended(expected, false)?;
        let old64 = self.extend(old, ty.bits(), false);
        let (eq, new) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int));
        self.emit(vop::xeq64(eq, old64, e));
        let r = self.reg(replacement)?;
        self.emit(vop::xselect(new, eq, r, old));
        self.store_reg(new, ty, base, flags)
    }

    /// `old = *addr; *addr = op(old, x); result = old`.
    pub(super) fn atomic_rmw(
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
        self.load(inst, Opcode::Load, Addr::Base(base), flags, 0)?;
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
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        match op {
            A::Xchg => {
                self.emit(vop::xmov(new, b));
            }
            A::Nand => {
                let t = self.new_vreg(RegClass::Int);
                self.emit(vop::xband64(t, a, b));
                self.emit(vop::xbnot64(new, t));
            }
            _ => {
                let o = match op {
                    A::Add => b!(xadd32, xadd64),
                    A::Sub => b!(xsub32, xsub64),
                    A::And => b!(xband32, xband64),
                    A::Or => b!(xbor32, xbor64),
                    A::Xor => b!(xbxor32, xbxor64),
                    A::Umin => vop::xmin64_u,
                    A::Umax => vop::xmax64_u,
                    A::Smin => vop::xmin64_s,
                    _ => vop::xmax64_s,
                };
                self.emit(o(new, a, b));
            }
        }
        self.store_reg(new, ty, base, flags)
    }
}
