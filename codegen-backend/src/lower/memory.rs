//! Loads, stores, stack slots and atomics.

use super::*;

/// Where a load or store goes: `x[base] + offset`, or with an index
/// register `x[base] + x[index] + offset` (the `_ix` ops).
#[derive(Clone, Copy)]
pub(super) enum Addr {
    Base(VReg),
    Indexed(VReg, VReg),
}

impl Lower<'_> {
    /// The address operand of load or store `inst` whose address is `addr`.
    pub(super) fn address(&mut self, inst: ir::Inst, addr: Value) -> LowerResult<Addr> {
        Ok(match self.indexed.get(&inst).copied() {
            Some((a, b)) => Addr::Indexed(self.reg(a)?, self.reg(b)?),
            None => Addr::Base(self.reg(addr)?),
        })
    }

    pub(super) fn stack_addr(&mut self, slot: ir::StackSlot, offset: i32) -> LowerResult<VReg> {
        let base = *self.slot_offsets.get(&slot).ok_or("unknown stack slot")?;
        let offset = i32::try_from(base as i64 + offset as i64).map_err(|_| "stack slot offset overflows")?;
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
        let base = match addr {
            Addr::Base(base) => base,
            Addr::Indexed(base, index) => {
                let d = self.result(inst)?;
                let (x, f) = (X0, F0);
                let op: Op = match (opcode, ty) {
                    (Opcode::Load, types::I8) | (Opcode::Uload8, _) => {
                        ops::Xload8UIx { dst: x, base: x, index: x, offset }.into()
                    }
                    (Opcode::Sload8, _) => ops::Xload8SIx { dst: x, base: x, index: x, offset }.into(),
                    (Opcode::Load, types::I16 | types::F16) | (Opcode::Uload16, _) => {
                        ops::Xload16UIx { dst: x, base: x, index: x, offset }.into()
                    }
                    (Opcode::Sload16, _) => ops::Xload16SIx { dst: x, base: x, index: x, offset }.into(),
                    (Opcode::Load, types::I32) | (Opcode::Uload32, _) => {
                        ops::Xload32UIx { dst: x, base: x, index: x, offset }.into()
                    }
                    (Opcode::Sload32, _) => ops::Xload32SIx { dst: x, base: x, index: x, offset }.into(),
                    (Opcode::Load, types::I64) => ops::Xload64Ix { dst: x, base: x, index: x, offset }.into(),
                    (Opcode::Load, types::F32) => ops::Fload32Ix { dst: f, base: x, index: x, offset }.into(),
                    (Opcode::Load, types::F64) => ops::Fload64Ix { dst: f, base: x, index: x, offset }.into(),
                    _ => return Err(format!("indexed `{opcode}` of {ty}: fusion and lowering disagree")),
                };
                self.op(op, &[d, base, index]);
                return Ok(());
            }
        };
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
            (Opcode::Load, types::I16 | types::F16) | (Opcode::Uload16, _) => x!(Xload16U, Xload16BeU),
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
        let base = match addr {
            Addr::Base(base) => base,
            Addr::Indexed(base, index) => {
                let (x, f) = (X0, F0);
                let op: Op = match (opcode, ty) {
                    (Opcode::Store, types::I8) | (Opcode::Istore8, _) => {
                        ops::Xstore8Ix { base: x, index: x, offset, src: x }.into()
                    }
                    (Opcode::Store, types::I16 | types::F16) | (Opcode::Istore16, _) => {
                        ops::Xstore16Ix { base: x, index: x, offset, src: x }.into()
                    }
                    (Opcode::Store, types::I32) | (Opcode::Istore32, _) => {
                        ops::Xstore32Ix { base: x, index: x, offset, src: x }.into()
                    }
                    (Opcode::Store, types::I64) => {
                        ops::Xstore64Ix { base: x, index: x, offset, src: x }.into()
                    }
                    (Opcode::Store, types::F32) => {
                        ops::Fstore32Ix { base: x, index: x, offset, src: f }.into()
                    }
                    (Opcode::Store, types::F64) => {
                        ops::Fstore64Ix { base: x, index: x, offset, src: f }.into()
                    }
                    _ => return Err(format!("indexed `{opcode}` of {ty}: fusion and lowering disagree")),
                };
                self.op(op, &[base, index, v]);
                return Ok(());
            }
        };
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
            (Opcode::Store, types::I16 | types::F16) | (Opcode::Istore16, _) => x!(Xstore16, Xstore16Be),
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
    pub(super) fn store_reg(
        &mut self,
        v: VReg,
        ty: Type,
        base: VReg,
        flags: ir::MemFlags,
    ) -> LowerResult<()> {
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
}
