//! Float compares, unary ops, conversions and bitwise ops on float bits.

use super::*;

impl Lower<'_> {
    /// `result = a op b` on f32 (or f64 when `w`).
    pub(super) fn float_binary(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        a: Value,
        b: Value,
        w: bool,
    ) -> LowerResult<()> {
        let (ra, rb, d) = (self.reg(a)?, self.reg(b)?, self.result(inst)?);
        macro_rules! fop {
            ($a32:ident, $a64:ident) => {
                if w { vop::$a64 } else { vop::$a32 }
            };
        }
        let op = match opcode {
            Opcode::Fadd => fop!(fadd32, fadd64),
            Opcode::Fsub => fop!(fsub32, fsub64),
            Opcode::Fmul => fop!(fmul32, fmul64),
            Opcode::Fdiv => fop!(fdiv32, fdiv64),
            Opcode::Fmin => fop!(fmin32, fmin64),
            Opcode::Fmax => fop!(fmax32, fmax64),
            Opcode::Fcopysign => fop!(fcopysign32, fcopysign64),
            Opcode::Band | Opcode::Bor | Opcode::Bxor => {
                return self.float_bitwise(opcode, d, Some((ra, rb)), w);
            }
            _ => return Err(format!("`{opcode}` is not supported yet")),
        };
        self.emit(op(d, ra, rb));
        Ok(())
    }

    /// `result = a * b + c` (or `c + a * b`), rounded after each step.
    pub(super) fn mul_add(&mut self, inst: ir::Inst, m: MulAdd, w: bool) -> LowerResult<()> {
        let (a, b, c, d) = (self.reg(m.a)?, self.reg(m.b)?, self.reg(m.c)?, self.result(inst)?);
        let op = match (m.product_first, w) {
            (true, false) => vop::fmuladd32(d, a, b, c),
            (true, true) => vop::fmuladd64(d, a, b, c),
            (false, false) => vop::faddmul32(d, c, a, b),
            (false, true) => vop::faddmul64(d, c, a, b),
        };
        self.emit(op);
        Ok(())
    }

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
            let op = if w { vop::bitcast_x_from_f64 } else { vop::bitcast_x_from_f32 };
            s.emit(op(x, f));
            x
        };
        let (xa, xb, r) = (to_x(self, a), to_x(self, b), self.new_vreg(int));
        if opcode == Opcode::Bnot {
            self.emit(vop::xbnot64(r, xa));
        } else {
            let op = match opcode {
                Opcode::Band => vop::xband64,
                Opcode::Bor => vop::xbor64,
                _ => vop::xbxor64,
            };
            self.emit(op(r, xa, xb));
        }
        let back = if w { vop::bitcast_f64_from_x } else { vop::bitcast_f32_from_x };
        self.emit(back(d, r));
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
        let op = match (f64_in, signed, sat) {
            (false, true, false) => vop::x32_from_f32_s,
            (false, false, false) => vop::x32_from_f32_u,
            (true, true, false) => vop::x32_from_f64_s,
            (true, false, false) => vop::x32_from_f64_u,
            (false, true, true) => vop::x32_from_f32_s_sat,
            (false, false, true) => vop::x32_from_f32_u_sat,
            (true, true, true) => vop::x32_from_f64_s_sat,
            (true, false, true) => vop::x32_from_f64_u_sat,
        };
        self.emit(op(r, a));
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
                self.emit(vop::xmax32_s(t, r, klo));
                self.emit(vop::xmin32_s(d, t, khi));
            } else {
                self.emit(vop::xmin32_u(d, r, khi));
            }
        } else {
            // Fits when extending its low bits gives the 32-bit value back.
            let wide = self.extend(r, 32, signed);
            let fitted = self.extend(r, bits, signed);
            let ne = self.new_vreg(int);
            self.emit(vop::xneq64(ne, fitted, wide));
            let code = cranelift_codegen::ir::TrapCode::INTEGER_OVERFLOW.as_raw().get();
            self.emit(vop::trap_if_nonzero64(ne, code));
            self.alias_regs(d, r);
        }
        Ok(())
    }

    pub(super) fn fcmp(&mut self, d: VReg, cond: FloatCC, a: Value, b: Value) -> LowerResult<()> {
        let w = self.func.dfg.value_type(a) == types::F64;
        let (mut ra, mut rb) = (self.reg(a)?, self.reg(b)?);
        macro_rules! cmp {
            ($o32:ident, $o64:ident) => {
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        let op = match cond {
            FloatCC::Equal => cmp!(feq32, feq64),
            FloatCC::NotEqual => cmp!(fneq32, fneq64),
            FloatCC::LessThan => cmp!(flt32, flt64),
            FloatCC::LessThanOrEqual => cmp!(flteq32, flteq64),
            FloatCC::GreaterThan => {
                std::mem::swap(&mut ra, &mut rb);
                cmp!(flt32, flt64)
            }
            FloatCC::GreaterThanOrEqual => {
                std::mem::swap(&mut ra, &mut rb);
                cmp!(flteq32, flteq64)
            }
            other => {
                let fcmp = if w { vop::fcmp64 } else { vop::fcmp32 };
                self.emit(fcmp(d, ra, rb, float_cc(other)));
                return Ok(());
            }
        };
        self.emit(op(d, ra, rb));
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
                if f64_in { vop::$o64 } else { vop::$o32 }
            };
        }
        let to64 = to.bits() == 64;
        let op = match opcode {
            Opcode::Fneg if from.is_float() => ff!(fneg32, fneg64),
            Opcode::Fabs => ff!(fabs32, fabs64),
            Opcode::Sqrt => ff!(fsqrt32, fsqrt64),
            Opcode::Ceil => ff!(fceil32, fceil64),
            Opcode::Floor => ff!(ffloor32, ffloor64),
            Opcode::Trunc => ff!(ftrunc32, ftrunc64),
            Opcode::Nearest => ff!(fnearest32, fnearest64),
            Opcode::Fpromote => vop::fpromote,
            Opcode::Fdemote => vop::fdemote,
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
                    (false, false, true, false) => vop::x32_from_f32_s,
                    (false, false, false, false) => vop::x32_from_f32_u,
                    (false, true, true, false) => vop::x32_from_f64_s,
                    (false, true, false, false) => vop::x32_from_f64_u,
                    (true, false, true, false) => vop::x64_from_f32_s,
                    (true, false, false, false) => vop::x64_from_f32_u,
                    (true, true, true, false) => vop::x64_from_f64_s,
                    (true, true, false, false) => vop::x64_from_f64_u,
                    (false, false, true, true) => vop::x32_from_f32_s_sat,
                    (false, false, false, true) => vop::x32_from_f32_u_sat,
                    (false, true, true, true) => vop::x32_from_f64_s_sat,
                    (false, true, false, true) => vop::x32_from_f64_u_sat,
                    (true, false, true, true) => vop::x64_from_f32_s_sat,
                    (true, false, false, true) => vop::x64_from_f32_u_sat,
                    (true, true, true, true) => vop::x64_from_f64_s_sat,
                    (true, true, false, true) => vop::x64_from_f64_u_sat,
                }
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint if from.is_int() && from.bits() <= 64 => {
                let signed = opcode == Opcode::FcvtFromSint;
                // Narrow sources are extended to 32 bits first.
                let src = if from.bits() < 32 { self.extended(arg, signed)? } else { self.reg(arg)? };
                let from64 = from.bits() == 64;
                let op = match (to == types::F64, from64, signed) {
                    (false, false, true) => vop::f32_from_x32_s,
                    (false, false, false) => vop::f32_from_x32_u,
                    (false, true, true) => vop::f32_from_x64_s,
                    (false, true, false) => vop::f32_from_x64_u,
                    (true, false, true) => vop::f64_from_x32_s,
                    (true, false, false) => vop::f64_from_x32_u,
                    (true, true, true) => vop::f64_from_x64_s,
                    (true, true, false) => vop::f64_from_x64_u,
                };
                let d = self.result(inst)?;
                self.emit(op(d, src));
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let (src, d) = (self.reg(arg)?, self.result(inst)?);
        self.emit(op(d, src));
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
