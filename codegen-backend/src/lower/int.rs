//! Integer instructions up to 64 bits.

use super::*;

impl Lower<'_> {
    /// A register whose low 32 (or 64, for i64) bits are the condition `v`.
    pub(super) fn condition(&mut self, v: Value) -> LowerResult<VReg> {
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
    pub(super) fn extend(&mut self, r: VReg, bits: u32, signed: bool) -> VReg {
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
    pub(super) fn extended(&mut self, v: Value, signed: bool) -> LowerResult<VReg> {
        let bits = self.func.dfg.value_type(v).bits();
        let r = self.reg(v)?;
        Ok(if bits < 64 { self.extend(r, bits, signed) } else { r })
    }

    pub(super) fn iconst(&mut self, d: VReg, v: i64) {
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
            let amount = self.reg(b)?;
            return self.narrow_rotate(d, opcode == Opcode::Rotl, a, amount, bits);
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
            // The short form when the immediate fits in a byte.
            macro_rules! xi {
                ($o32:ident, $o64:ident, $s32:ident, $s64:ident) => {
                    match i8::try_from(imm) {
                        Ok(i) if w => Op::from(ops::$s64 { dst: X0, a: X0, imm: i }),
                        Ok(i) => Op::from(ops::$s32 { dst: X0, a: X0, imm: i }),
                        Err(_) if w => Op::from(ops::$o64 { dst: X0, a: X0, imm: imm32 }),
                        Err(_) => Op::from(ops::$o32 { dst: X0, a: X0, imm: imm32 }),
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
                Opcode::Iadd | Opcode::Isub => xi!(Xadd32I, Xadd64I, Xadd32I8, Xadd64I8),
                Opcode::Imul => xi!(Xmul32I, Xmul64I, Xmul32I8, Xmul64I8),
                Opcode::Band => xi!(Xband32I, Xband64I, Xband32I8, Xband64I8),
                Opcode::Bor => xi!(Xbor32I, Xbor64I, Xbor32I8, Xbor64I8),
                Opcode::Bxor => xi!(Xbxor32I, Xbxor64I, Xbxor32I8, Xbxor64I8),
                Opcode::Ishl => sh!(Xshl32I, Xshl64I),
                Opcode::Ushr => sh!(Xshr32UI, Xshr64UI),
                Opcode::Sshr => sh!(Xshr32SI, Xshr64SI),
                Opcode::Rotl => sh!(Xrotl32I, Xrotl64I),
                // Rotating right by k is rotating left by -k (mod the width).
                _ => {
                    let left = imm.wrapping_neg();
                    if w {
                        Op::from(ops::Xrotl64I { dst: X0, a: X0, amt: (left & 63) as u8 })
                    } else {
                        Op::from(ops::Xrotl32I { dst: X0, a: X0, amt: (left & 31) as u8 })
                    }
                }
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
        if opcode == Opcode::Sdiv && bits < 32 {
            // But `MIN / -1` does not overflow 32 bits: its quotient (128 or
            // 32768) is the one that does not fit the type, and CLIF traps.
            let q = self.new_vreg(RegClass::Int);
            self.op(op, &[q, ra, rb]);
            let sext: Op = if bits == 8 {
                ops::Xsext8 { dst: X0, a: X0 }.into()
            } else {
                ops::Xsext16 { dst: X0, a: X0 }.into()
            };
            self.op(sext, &[d, q]);
            let differs = self.new_vreg(RegClass::Int);
            self.op(ops::Xneq32 { dst: X0, a: X0, b: X0 }, &[differs, d, q]);
            let code = cranelift_codegen::ir::TrapCode::INTEGER_OVERFLOW.as_raw().get();
            self.op(ops::TrapIfNonzero32 { cond: X0, code }, &[differs]);
            return Ok(());
        }
        self.op(op, &[d, ra, rb]);
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
            let op: Op = if add {
                ops::Xadd64Carry { dst: X0, carry_out: X0, a: X0, b: X0, carry_in: X0 }.into()
            } else {
                ops::Xsub64Borrow { dst: X0, borrow_out: X0, a: X0, b: X0, borrow_in: X0 }.into()
            };
            self.op(op, &[d, of, a, b, c]);
            return Ok(());
        }
        let (a, b) = (self.extended(args[0], signed)?, self.extended(args[1], signed)?);
        // CLIF's carry/borrow input counts when it is not zero.
        let (cz, zero, bit, t) =
            (self.extended(args[2], false)?, self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
        self.op(ops::Xzero { dst: X0 }, &[zero]);
        self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[bit, cz, zero]);
        let sum = self.new_vreg(int);
        if add {
            self.op(ops::Xadd64 { dst: X0, a: X0, b: X0 }, &[t, a, b]);
            self.op(ops::Xadd64 { dst: X0, a: X0, b: X0 }, &[sum, t, bit]);
        } else {
            self.op(ops::Xsub64 { dst: X0, a: X0, b: X0 }, &[t, a, b]);
            self.op(ops::Xsub64 { dst: X0, a: X0, b: X0 }, &[sum, t, bit]);
        }
        if bits == 64 {
            // Signed overflow: for a sum, a and b agree in sign and the
            // result differs; for a difference, a and b differ and a and the
            // result differ.
            let (x1, x2, both) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
            if add {
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x1, a, sum]);
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x2, b, sum]);
            } else {
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x1, a, b]);
                self.op(ops::Xbxor64 { dst: X0, a: X0, b: X0 }, &[x2, a, sum]);
            }
            self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[both, x1, x2]);
            self.op(ops::Xshr64UI { dst: X0, a: X0, amt: 63 }, &[of, both]);
        } else {
            // Exact in 64 bits: overflowed when the narrow type cannot hold it.
            let fitted = self.extend(sum, bits, signed);
            self.op(ops::Xneq64 { dst: X0, a: X0, b: X0 }, &[of, fitted, sum]);
        }
        self.alias_regs(d, sum);
        Ok(())
    }
}
