//! Float compares, unary ops, conversions and bitwise ops on float bits.

use super::*;

impl Lower<'_> {
    /// band/bor/bxor/bnot on float bits: through x-registers.
    pub(super) fn float_bitwise(
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
    pub(super) fn narrow_fcvt(
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

    pub(super) fn fcmp(&mut self, d: VReg, cond: FloatCC, a: Value, b: Value) -> LowerResult<()> {
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
                let cc = float_cc(other);
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
    pub(super) fn float_unary(&mut self, inst: ir::Inst, opcode: Opcode, arg: Value) -> LowerResult<bool> {
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
            _ => return Ok(false),
        };
        let (src, d) = (self.reg(arg)?, self.result(inst)?);
        self.op(op, &[d, src]);
        Ok(true)
    }
}

/// Map CLIF's float condition to the ISA's.
pub(super) fn float_cc(cond: FloatCC) -> sheave_opcodes::FloatCC {
    use sheave_opcodes::FloatCC as S;
    match cond {
        FloatCC::Ordered => S::ORDERED,
        FloatCC::Unordered => S::UNORDERED,
        FloatCC::Equal => S::EQUAL,
        FloatCC::NotEqual => S::NOT_EQUAL,
        FloatCC::OrderedNotEqual => S::ORDERED_NOT_EQUAL,
        FloatCC::UnorderedOrEqual => S::UNORDERED_OR_EQUAL,
        FloatCC::LessThan => S::LESS_THAN,
        FloatCC::LessThanOrEqual => S::LESS_THAN_OR_EQUAL,
        FloatCC::GreaterThan => S::GREATER_THAN,
        FloatCC::GreaterThanOrEqual => S::GREATER_THAN_OR_EQUAL,
        FloatCC::UnorderedOrLessThan => S::UNORDERED_OR_LESS_THAN,
        FloatCC::UnorderedOrLessThanOrEqual => S::UNORDERED_OR_LESS_THAN_OR_EQUAL,
        FloatCC::UnorderedOrGreaterThan => S::UNORDERED_OR_GREATER_THAN,
        FloatCC::UnorderedOrGreaterThanOrEqual => S::UNORDERED_OR_GREATER_THAN_OR_EQUAL,
    }
}
