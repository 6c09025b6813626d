//! Integer instructions up to 64 bits.

use super::*;

impl Lower<'_> {
    /// A register whose low 32 (or 64, for i64) bits are the condition `v`.
    pub(super) fn condition(&mut self, v: Value) -> LowerResult<VReg> {
        let ty = self.func.dfg.value_type(v);
        if ty == types::I128 {
            let (lo, hi) = self.pair(v)?;
            let d = self.new_vreg(RegClass::Int);
            self.emit(vop::xbor64(d, lo, hi));
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
    pub(super) fn extend(&mut self, r: VReg, bits: u32, signed: bool) -> VReg {
        let d = self.new_vreg(RegClass::Int);
        let op = match (bits, signed) {
            (8, false) => vop::xzext8,
            (16, false) => vop::xzext16,
            (32, false) => vop::xzext32,
            (8, true) => vop::xsext8,
            (16, true) => vop::xsext16,
            (32, true) => vop::xsext32,
            _ => return r,
        };
        self.emit(op(d, r));
        d
    }

    /// A 64-bit-valid copy of integer `v` (extended if narrower).
    pub(super) fn extended(&mut self, v: Value, signed: bool) -> LowerResult<VReg> {
        let bits = self.func.dfg.value_type(v).bits();
        let r = self.reg(v)?;
        Ok(if bits < 64 { self.extend(r, bits, signed) } else { r })
    }

    pub(super) fn iconst(&mut self, d: VReg, v: i64) {
        if v == 0 {
            self.emit(vop::xzero(d));
        } else if let Ok(v) = i8::try_from(v) {
            self.emit(vop::xconst8(d, v));
        } else if let Ok(v) = i16::try_from(v) {
            self.emit(vop::xconst16(d, v));
        } else if let Ok(v) = i32::try_from(v) {
            self.emit(vop::xconst32(d, v));
        } else {
            self.emit(vop::xconst64(d, v));
        }
    }

    pub(super) fn int_binary(
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
                let op = if signed { vop::xmulhi64_s } else { vop::xmulhi64_u };
                self.emit(op(d, ra, rb));
            } else {
                // Narrow: the full product fits in 64 bits; shift it down.
                let (ra, rb) = (self.extended(a, signed)?, self.extended(b, signed)?);
                let p = self.new_vreg(RegClass::Int);
                self.emit(vop::xmul64(p, ra, rb));
                self.emit(vop::xshr64_u_i(d, p, bits as u8));
            }
            return Ok(());
        }
        if bits < 32 && matches!(opcode, Opcode::Rotl | Opcode::Rotr) {
            let amount = self.reg(b)?;
            return self.narrow_rotate(d, opcode == Opcode::Rotl, a, amount, bits);
        }
        macro_rules! xop {
            ($o32:ident, $o64:ident) => {
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        // Ops whose result's low bits depend only on the operands' low bits.
        let plain = match opcode {
            Opcode::Iadd => Some(xop!(xadd32, xadd64)),
            Opcode::Isub => Some(xop!(xsub32, xsub64)),
            Opcode::Imul => Some(xop!(xmul32, xmul64)),
            Opcode::Band => Some(xop!(xband32, xband64)),
            Opcode::Bor => Some(xop!(xbor32, xbor64)),
            Opcode::Bxor => Some(xop!(xbxor32, xbxor64)),
            _ => None,
        };
        if let Some(imm) = self.alu_imm[inst] {
            return self.int_binary_imm(opcode, d, a, imm, w);
        }
        if let Some(op) = plain {
            let (ra, rb) = (self.reg(a)?, self.reg(b)?);
            self.emit(op(d, ra, rb));
            return Ok(());
        }
        self.int_binary_extended(opcode, d, a, b, ty)
    }

    /// `d = a op imm` for an integer op whose second operand is the
    /// constant `imm` (the short form when it fits in a byte).
    fn int_binary_imm(&mut self, opcode: Opcode, d: VReg, a: Value, imm: i64, w: bool) -> LowerResult<()> {
        let ra = self.reg(a)?;
        let imm32 = imm as i32;
        macro_rules! xi {
            ($o32:ident, $o64:ident, $s32:ident, $s64:ident) => {
                match i8::try_from(imm) {
                    Ok(i) if w => vop::$s64(d, ra, i),
                    Ok(i) => vop::$s32(d, ra, i),
                    Err(_) if w => vop::$o64(d, ra, imm32),
                    Err(_) => vop::$o32(d, ra, imm32),
                }
            };
        }
        macro_rules! sh {
            ($o32:ident, $o64:ident) => {
                if w { vop::$o64(d, ra, (imm & 63) as u8) } else { vop::$o32(d, ra, (imm & 31) as u8) }
            };
        }
        let op = match opcode {
            Opcode::Iadd | Opcode::Isub => xi!(xadd32_i, xadd64_i, xadd32_i8, xadd64_i8),
            Opcode::Imul => xi!(xmul32_i, xmul64_i, xmul32_i8, xmul64_i8),
            Opcode::Band => xi!(xband32_i, xband64_i, xband32_i8, xband64_i8),
            Opcode::Bor => xi!(xbor32_i, xbor64_i, xbor32_i8, xbor64_i8),
            Opcode::Bxor => xi!(xbxor32_i, xbxor64_i, xbxor32_i8, xbxor64_i8),
            Opcode::Ishl => sh!(xshl32_i, xshl64_i),
            Opcode::Ushr => sh!(xshr32_u_i, xshr64_u_i),
            Opcode::Sshr => sh!(xshr32_s_i, xshr64_s_i),
            Opcode::Rotl => sh!(xrotl32_i, xrotl64_i),
            // Rotating right by k is rotating left by -k (mod the width).
            _ => {
                let left = imm.wrapping_neg();
                if w {
                    vop::xrotl64_i(d, ra, (left & 63) as u8)
                } else {
                    vop::xrotl32_i(d, ra, (left & 31) as u8)
                }
            }
        };
        self.emit(op);
        Ok(())
    }

    /// `plain ^ (shifted >> amt)` (or `<<`): a `bxor` and its shift.
    pub(super) fn xor_shift(&mut self, inst: ir::Inst, x: XorShift, w: bool) -> LowerResult<()> {
        let (a, b, d) = (self.reg(x.plain)?, self.reg(x.shifted)?, self.result(inst)?);
        let op = match (x.left, w) {
            (false, true) => vop::xbxor_shr64_u(d, a, b, x.amt),
            (true, true) => vop::xbxor_shl64(d, a, b, x.amt),
            (false, false) => vop::xbxor_shr32_u(d, a, b, x.amt),
            (true, false) => return Err("no 32-bit xor of a left shift".into()),
        };
        self.emit(op);
        Ok(())
    }

    /// `d = a op b` for the ops that need the operands' upper bits defined
    /// (division, shifts, rotates, min/max): narrow types are extended and
    /// computed with 32-bit ops.
    fn int_binary_extended(
        &mut self,
        opcode: Opcode,
        d: VReg,
        a: Value,
        b: Value,
        ty: Type,
    ) -> LowerResult<()> {
        let bits = ty.bits();
        let w = bits == 64;
        macro_rules! xop {
            ($o32:ident, $o64:ident) => {
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        let signed =
            matches!(opcode, Opcode::Sdiv | Opcode::Srem | Opcode::Sshr | Opcode::Smin | Opcode::Smax);
        let (ra, rb) = if bits < 32 {
            let ra = self.extended(a, signed)?;
            let rb = if matches!(opcode, Opcode::Ishl | Opcode::Ushr | Opcode::Sshr) {
                // CLIF masks the shift amount to the type's width.
                let amount = self.reg(b)?;
                let m = self.new_vreg(RegClass::Int);
                self.emit(vop::xband32_i(m, amount, bits as i32 - 1));
                m
            } else {
                self.extended(b, signed)?
            };
            (ra, rb)
        } else {
            (self.reg(a)?, self.reg(b)?)
        };
        let op = match opcode {
            Opcode::Udiv => xop!(xdiv32_u, xdiv64_u),
            Opcode::Sdiv => xop!(xdiv32_s, xdiv64_s),
            Opcode::Urem => xop!(xrem32_u, xrem64_u),
            Opcode::Srem => xop!(xrem32_s, xrem64_s),
            Opcode::Ishl => xop!(xshl32, xshl64),
            Opcode::Ushr => xop!(xshr32_u, xshr64_u),
            Opcode::Sshr => xop!(xshr32_s, xshr64_s),
            Opcode::Rotl if bits >= 32 => xop!(xrotl32, xrotl64),
            Opcode::Rotr if bits >= 32 => xop!(xrotr32, xrotr64),
            Opcode::Smin => xop!(xmin32_s, xmin64_s),
            Opcode::Smax => xop!(xmax32_s, xmax64_s),
            Opcode::Umin => xop!(xmin32_u, xmin64_u),
            Opcode::Umax => xop!(xmax32_u, xmax64_u),
            _ => return Err(format!("`{opcode}` on {ty} is not supported yet")),
        };
        // Narrow signed min/max/div compare sign-extended values with 32-bit
        // ops, which is exact; the results' low bits are the answer.
        if opcode == Opcode::Sdiv && bits < 32 {
            // But `MIN / -1` does not overflow 32 bits: its quotient (128 or
            // 32768) is the one that does not fit the type, and CLIF traps.
            let q = self.new_vreg(RegClass::Int);
            self.emit(op(q, ra, rb));
            let sext = if bits == 8 { vop::xsext8 } else { vop::xsext16 };
            self.emit(sext(d, q));
            let differs = self.new_vreg(RegClass::Int);
            self.emit(vop::xneq32(differs, d, q));
            let code = cranelift_codegen::ir::TrapCode::INTEGER_OVERFLOW.as_raw().get();
            self.emit(vop::trap_if_nonzero32(differs, code));
            return Ok(());
        }
        self.emit(op(d, ra, rb));
        Ok(())
    }

    /// `(result, overflowed)` of an add/sub/mul. 32/64-bit types have ops
    /// for it; narrower ones compute exactly in 32 bits (no 8/16-bit add, sub
    /// or mul overflows 32 bits) and check that the result fits the type.
    pub(super) fn overflow(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        a: Value,
        b: Value,
        bits: u32,
    ) -> LowerResult<()> {
        let results = self.func.dfg.inst_results(inst).to_vec();
        let (d, of) = (self.reg(results[0])?, self.reg(results[1])?);
        let signed = matches!(opcode, Opcode::SaddOverflow | Opcode::SsubOverflow | Opcode::SmulOverflow);
        macro_rules! ov {
            ($o32:ident, $o64:ident) => {
                if bits == 64 { vop::$o64 } else { vop::$o32 }
            };
        }
        if bits >= 32 {
            let op = match opcode {
                Opcode::UaddOverflow => ov!(xadd32_uof, xadd64_uof),
                Opcode::SaddOverflow => ov!(xadd32_sof, xadd64_sof),
                Opcode::UsubOverflow => ov!(xsub32_uof, xsub64_uof),
                Opcode::SsubOverflow => ov!(xsub32_sof, xsub64_sof),
                Opcode::UmulOverflow => ov!(xmul32_uof, xmul64_uof),
                _ => ov!(xmul32_sof, xmul64_sof),
            };
            let (ra, rb) = (self.reg(a)?, self.reg(b)?);
            self.emit(op(d, of, ra, rb));
            return Ok(());
        }
        let (ra, rb) = (self.extended(a, signed)?, self.extended(b, signed)?);
        let op = match opcode {
            Opcode::UaddOverflow | Opcode::SaddOverflow => vop::xadd32,
            Opcode::UsubOverflow | Opcode::SsubOverflow => vop::xsub32,
            _ => vop::xmul32,
        };
        self.emit(op(d, ra, rb));
        // Overflowed when re-extending the low bits changes the value.
        let wide = self.extend(d, 32, signed);
        let fitted = self.extend(d, bits, signed);
        self.emit(vop::xneq64(of, fitted, wide));
        Ok(())
    }

    /// rotl/rotr on i8/i16: `(x << n) | (x >> (bits - n))` on the zero-extended value.
    pub(super) fn narrow_rotate(
        &mut self,
        d: VReg,
        left: bool,
        a: Value,
        amount: VReg,
        bits: u32,
    ) -> LowerResult<()> {
        let x = self.extended(a, false)?;
        let n = self.new_vreg(RegClass::Int);
        self.emit(vop::xband32_i(n, amount, bits as i32 - 1));
        let width = self.new_vreg(RegClass::Int);
        self.iconst(width, bits as i64);
        let m = self.new_vreg(RegClass::Int);
        self.emit(vop::xsub32(m, width, n));
        let (l_amt, r_amt) = if left { (n, m) } else { (m, n) };
        let (l, r) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int));
        self.emit(vop::xshl32(l, x, l_amt));
        // When n == 0 the other shift is by `bits`, which moves a zero-extended
        // 8/16-bit value entirely out of (right) or above (left) the type.
        self.emit(vop::xshr32_u(r, x, r_amt));
        self.emit(vop::xbor32(d, l, r));
        Ok(())
    }

    pub(super) fn icmp(&mut self, d: VReg, cond: IntCC, a: Value, b: Value) -> LowerResult<()> {
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
                if w { vop::$o64 } else { vop::$o32 }
            };
        }
        let op = match cond {
            Equal => cmp!(xeq32, xeq64),
            NotEqual => cmp!(xneq32, xneq64),
            SignedLessThan => cmp!(xslt32, xslt64),
            SignedLessThanOrEqual => cmp!(xslteq32, xslteq64),
            UnsignedLessThan => cmp!(xult32, xult64),
            UnsignedLessThanOrEqual => cmp!(xulteq32, xulteq64),
            _ => unreachable!("greater-than conditions were swapped"),
        };
        self.emit(op(d, ra, rb));
        Ok(())
    }

    /// clz, ctz, cls, popcnt, bswap, bitrev, iabs on integers up to 64 bits.
    pub(super) fn int_unary(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        arg: Value,
        bits: u32,
    ) -> LowerResult<()> {
        let d = self.result(inst)?;
        let w = bits == 64;
        macro_rules! un {
            ($o32:ident, $o64:ident) => {
                if w { vop::$o64 } else { vop::$o32 }
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
                let op = if signed { un!(xcls32, xcls64) } else { un!(xclz32, xclz64) };
                if narrow {
                    let t = self.new_vreg(RegClass::Int);
                    self.emit(op(t, a));
                    self.emit(vop::xadd32_i8(d, t, -(correction as i8)));
                } else {
                    self.emit(op(d, a));
                }
            }
            Opcode::Ctz => {
                let a = self.reg(arg)?;
                if narrow {
                    // Set the bit just above the type so ctz stops there.
                    let t = self.new_vreg(RegClass::Int);
                    self.emit(vop::xbor32_i(t, a, 1 << bits));
                    self.emit(vop::xctz32(d, t));
                } else {
                    self.emit(un!(xctz32, xctz64)(d, a));
                }
            }
            Opcode::Popcnt => {
                let a = if narrow { self.extended(arg, false)? } else { self.reg(arg)? };
                self.emit(un!(xpopcnt32, xpopcnt64)(d, a));
            }
            Opcode::Iabs => {
                let a = if narrow { self.extended(arg, true)? } else { self.reg(arg)? };
                self.emit(un!(xabs32, xabs64)(d, a));
            }
            Opcode::Bswap | Opcode::Bitrev => {
                let a = self.reg(arg)?;
                let op =
                    if opcode == Opcode::Bswap { un!(xbswap32, xbswap64) } else { un!(xbitrev32, xbitrev64) };
                if narrow {
                    let t = self.new_vreg(RegClass::Int);
                    self.emit(op(t, a));
                    self.emit(vop::xshr32_u_i(d, t, correction as u8));
                } else {
                    self.emit(op(d, a));
                }
            }
            _ => unreachable!("only called for the ops above"),
        }
        Ok(())
    }

    /// `(a + b + carry, overflowed)` and `(a - b - borrow, overflowed)`: the
    /// 64-bit unsigned forms have ops; narrower types compute exactly in 64
    /// bits and check the fit; signed 64-bit uses the sign-bit formula.
    pub(super) fn overflow_with_carry(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
        bits: u32,
    ) -> LowerResult<()> {
        let results = self.func.dfg.inst_results(inst).to_vec();
        let (d, of) = (self.reg(results[0])?, self.reg(results[1])?);
        let add = matches!(opcode, Opcode::UaddOverflowCin | Opcode::SaddOverflowCin);
        let signed = matches!(opcode, Opcode::SaddOverflowCin | Opcode::SsubOverflowBin);
        let int = RegClass::Int;
        if bits == 64 && !signed {
            let c = self.reg(args[2])?;
            let (a, b) = (self.reg(args[0])?, self.reg(args[1])?);
            let op = if add { vop::xadd64_carry } else { vop::xsub64_borrow };
            self.emit(op(d, of, a, b, c));
            return Ok(());
        }
        let (a, b) = (self.extended(args[0], signed)?, self.extended(args[1], signed)?);
        // CLIF's carry/borrow input counts when it is not zero.
        let (cz, zero, bit, t) =
            (self.extended(args[2], false)?, self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
        self.emit(vop::xzero(zero));
        self.emit(vop::xneq64(bit, cz, zero));
        let sum = self.new_vreg(int);
        if add {
            self.emit(vop::xadd64(t, a, b));
            self.emit(vop::xadd64(sum, t, bit));
        } else {
            self.emit(vop::xsub64(t, a, b));
            self.emit(vop::xsub64(sum, t, bit));
        }
        if bits == 64 {
            // Signed overflow: for a sum, a and b agree in sign and the
            // result differs; for a difference, a and b differ and a and the
            // result differ.
            let (x1, x2, both) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
            if add {
                self.emit(vop::xbxor64(x1, a, sum));
                self.emit(vop::xbxor64(x2, b, sum));
            } else {
                self.emit(vop::xbxor64(x1, a, b));
                self.emit(vop::xbxor64(x2, a, sum));
            }
            self.emit(vop::xband64(both, x1, x2));
            self.emit(vop::xshr64_u_i(of, both, 63));
        } else {
            // Exact in 64 bits: overflowed when the narrow type cannot hold it.
            let fitted = self.extend(sum, bits, signed);
            self.emit(vop::xneq64(of, fitted, sum));
        }
        self.alias_regs(d, sum);
        Ok(())
    }
}
