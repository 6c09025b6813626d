//! i128 values as register pairs `[lo, hi]`, and f128 values as the pair
//! of their bits (constants, moves, loads, stores, bitcasts and selects).

use super::*;
use crate::vops::Binary;

impl Lower<'_> {
    /// Instructions with an i128 operand or result: register pairs.
    pub(super) fn lower_i128(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        match opcode {
            Opcode::Iconcat
            | Opcode::Isplit
            | Opcode::Uextend
            | Opcode::Sextend
            | Opcode::Ireduce
            | Opcode::Bitcast
            | Opcode::F128const => self.i128_halves(inst, opcode, args),
            Opcode::Iadd
            | Opcode::Isub
            | Opcode::Band
            | Opcode::Bor
            | Opcode::Bxor
            | Opcode::Imul
            | Opcode::Udiv
            | Opcode::Sdiv
            | Opcode::Urem
            | Opcode::Srem
            | Opcode::Bnot
            | Opcode::Ineg
            | Opcode::Iabs => self.i128_arithmetic(inst, opcode, args),
            Opcode::FcvtToSint
            | Opcode::FcvtToUint
            | Opcode::FcvtToSintSat
            | Opcode::FcvtToUintSat
            | Opcode::FcvtFromSint
            | Opcode::FcvtFromUint => self.i128_float_conversion(inst, opcode, args),
            Opcode::Icmp
            | Opcode::Select
            | Opcode::SelectSpectreGuard
            | Opcode::Trapz
            | Opcode::Trapnz
            | Opcode::Smin
            | Opcode::Smax
            | Opcode::Umin
            | Opcode::Umax
            | Opcode::Bmask => self.i128_conditions(inst, opcode, args),
            Opcode::Load
            | Opcode::Store
            | Opcode::AtomicLoad
            | Opcode::AtomicStore
            | Opcode::AtomicRmw
            | Opcode::AtomicCas => self.i128_memory(inst, opcode),
            Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr => {
                self.i128_shift(inst, opcode, args)
            }
            Opcode::UaddOverflow | Opcode::UsubOverflow | Opcode::SaddOverflow | Opcode::SsubOverflow => {
                self.i128_overflow(inst, opcode, args)
            }
            Opcode::Bswap | Opcode::Bitrev | Opcode::Clz | Opcode::Ctz | Opcode::Cls | Opcode::Popcnt => {
                self.i128_bits(inst, opcode, args)
            }
            _ => Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
    }

    /// Moves between an i128 and its halves: `iconcat`, `isplit`, extends, `ireduce`, `bitcast`.
    fn i128_halves(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
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
            Opcode::Uextend | Opcode::Sextend => {
                let signed = opcode == Opcode::Sextend;
                let lo = self.extended(args[0], signed)?;
                let hi = self.new_vreg(int);
                if signed {
                    self.emit(vop::xshr64_s_i(hi, lo, 63));
                } else {
                    self.emit(vop::xzero(hi));
                }
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::Ireduce => {
                let (lo, _) = self.pair(args[0])?;
                self.alias(results[0], lo);
            }
            // i128 <-> f128 (and same-type) bitcasts move nothing.
            Opcode::Bitcast => {
                let (lo, hi) = self.pair(args[0])?;
                self.alias_pair(results[0], lo, hi);
            }
            // The constant's bits (in the pool little-endian), as two halves.
            Opcode::F128const => {
                let InstructionData::UnaryConst { constant_handle, .. } = dfg.insts[inst] else {
                    unreachable!()
                };
                let bits = ir::immediates::Ieee128::try_from(dfg.constants.get(constant_handle))
                    .map_err(|e| format!("an f128 constant that is not 16 bytes: {e}"))?
                    .bits();
                let (lo, hi) = (self.new_vreg(int), self.new_vreg(int));
                self.iconst(lo, bits as u64 as i64);
                self.iconst(hi, (bits >> 64) as u64 as i64);
                self.alias_pair(results[0], lo, hi);
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Arithmetic on pairs: add, subtract, bitwise ops, multiply, divide, negate, absolute value.
    fn i128_arithmetic(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
            Opcode::Iadd | Opcode::Isub | Opcode::Band | Opcode::Bor | Opcode::Bxor | Opcode::Imul => {
                let ((alo, ahi), (blo, bhi)) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                match opcode {
                    Opcode::Iadd => self.emit(vop::xadd128(dlo, dhi, alo, ahi, blo, bhi)),
                    Opcode::Isub => self.emit(vop::xsub128(dlo, dhi, alo, ahi, blo, bhi)),
                    Opcode::Band => {
                        self.emit(vop::xband64(dlo, alo, blo));
                        self.emit(vop::xband64(dhi, ahi, bhi));
                    }
                    Opcode::Bor => {
                        self.emit(vop::xbor64(dlo, alo, blo));
                        self.emit(vop::xbor64(dhi, ahi, bhi));
                    }
                    Opcode::Bxor => {
                        self.emit(vop::xbxor64(dlo, alo, blo));
                        self.emit(vop::xbxor64(dhi, ahi, bhi));
                    }
                    _ => {
                        // (alo*blo as 128) + ((alo*bhi + ahi*blo) << 64)
                        let (h0, t1, t2, t3) =
                            (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.emit(vop::xmul_wide64_u(dlo, h0, alo, blo));
                        self.emit(vop::xmul64(t1, alo, bhi));
                        self.emit(vop::xmul64(t2, ahi, blo));
                        self.emit(vop::xadd64(t3, h0, t1));
                        self.emit(vop::xadd64(dhi, t3, t2));
                    }
                }
            }
            Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem => {
                let ((alo, ahi), (blo, bhi)) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                let op = match opcode {
                    Opcode::Udiv => vop::xdiv128_u,
                    Opcode::Sdiv => vop::xdiv128_s,
                    Opcode::Urem => vop::xrem128_u,
                    _ => vop::xrem128_s,
                };
                self.emit(op(dlo, dhi, alo, ahi, blo, bhi));
            }
            Opcode::Bnot | Opcode::Ineg => {
                let (alo, ahi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                if opcode == Opcode::Bnot {
                    self.emit(vop::xbnot64(dlo, alo));
                    self.emit(vop::xbnot64(dhi, ahi));
                } else {
                    let z = self.new_vreg(int);
                    self.emit(vop::xzero(z));
                    self.emit(vop::xsub128(dlo, dhi, z, z, alo, ahi));
                }
            }
            Opcode::Iabs => {
                // (x ^ sign) - sign, with sign = x >> 127 (arithmetic).
                let (lo, hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let (sign, xlo, xhi) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                self.emit(vop::xshr64_s_i(sign, hi, 63));
                self.emit(vop::xbxor64(xlo, lo, sign));
                self.emit(vop::xbxor64(xhi, hi, sign));
                self.emit(vop::xsub128(dlo, dhi, xlo, xhi, sign, sign));
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Conversions between i128 and f32/f64.
    fn i128_float_conversion(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        match opcode {
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
                let a = self.reg(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let f64_in = dfg.value_type(args[0]) == types::F64;
                let op = match (opcode, f64_in) {
                    (Opcode::FcvtToSint, false) => vop::x128_from_f32_s,
                    (Opcode::FcvtToSint, true) => vop::x128_from_f64_s,
                    (Opcode::FcvtToUint, false) => vop::x128_from_f32_u,
                    (Opcode::FcvtToUint, true) => vop::x128_from_f64_u,
                    (Opcode::FcvtToSintSat, false) => vop::x128_from_f32_s_sat,
                    (Opcode::FcvtToSintSat, true) => vop::x128_from_f64_s_sat,
                    (_, false) => vop::x128_from_f32_u_sat,
                    (_, true) => vop::x128_from_f64_u_sat,
                };
                self.emit(op(dlo, dhi, a));
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint => {
                let (lo, hi) = self.pair(args[0])?;
                let d = self.reg(results[0])?;
                let to64 = dfg.value_type(results[0]) == types::F64;
                let op = match (opcode, to64) {
                    (Opcode::FcvtFromSint, false) => vop::f32_from_x128_s,
                    (Opcode::FcvtFromSint, true) => vop::f64_from_x128_s,
                    (_, false) => vop::f32_from_x128_u,
                    (_, true) => vop::f64_from_x128_u,
                };
                self.emit(op(d, lo, hi));
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Compares, selects, min/max, `bmask` and conditional traps with i128 values.
    fn i128_conditions(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
            Opcode::Icmp => {
                let InstructionData::IntCompare { cond, .. } = data else { unreachable!() };
                let d = self.reg(results[0])?;
                self.icmp128(d, cond, args[0], args[1])?;
            }
            Opcode::Select | Opcode::SelectSpectreGuard => {
                let c = self.condition(args[0])?;
                if is_pair(dfg.value_type(results[0])) {
                    let ((alo, ahi), (blo, bhi)) = (self.pair(args[1])?, self.pair(args[2])?);
                    let (dlo, dhi) = self.pair(results[0])?;
                    self.emit(vop::xselect(dlo, c, alo, blo));
                    self.emit(vop::xselect(dhi, c, ahi, bhi));
                } else {
                    let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.reg(results[0])?);
                    self.emit(select_op(d.class())(d, c, a, b));
                }
            }
            Opcode::Trapz | Opcode::Trapnz => {
                let InstructionData::CondTrap { code, .. } = data else { unreachable!() };
                let c = self.condition(args[0])?;
                let code = code.as_raw().get();
                let op = if opcode == Opcode::Trapz { vop::trap_if_zero64 } else { vop::trap_if_nonzero64 };
                self.emit(op(c, code));
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
                self.emit(vop::xselect(dlo, pick_a, a.0, b.0));
                self.emit(vop::xselect(dhi, pick_a, a.1, b.1));
            }
            Opcode::Bmask => {
                let c = self.condition(args[0])?;
                let (z, ne, m) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                self.emit(vop::xzero(z));
                self.emit(vop::xneq64(ne, c, z));
                self.emit(vop::xneg64(m, ne));
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

    /// Loads, stores and atomics of i128 values.
    fn i128_memory(&mut self, inst: ir::Inst, opcode: Opcode) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
            Opcode::Load => {
                let InstructionData::Load { arg, flags, offset, .. } = data else { unreachable!() };
                let base = self.reg(arg)?;
                let (lo, hi) = self.load_pair(base, flags, offset.into())?;
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::Store => {
                let InstructionData::Store { args: [value, addr], flags, offset, .. } = data else {
                    unreachable!()
                };
                let base = self.reg(addr)?;
                let v = self.pair(value)?;
                self.store_pair(base, flags, offset.into(), v)?;
            }
            // Atomics: one VM runs one guest thread at a time (see memory.rs).
            Opcode::AtomicLoad => {
                let InstructionData::LoadNoOffset { arg, flags, .. } = data else { unreachable!() };
                let base = self.reg(arg)?;
                let (lo, hi) = self.load_pair(base, flags, 0)?;
                self.alias_pair(results[0], lo, hi);
            }
            Opcode::AtomicStore => {
                let InstructionData::StoreNoOffset { args: [value, addr], flags, .. } = data else {
                    unreachable!()
                };
                let base = self.reg(addr)?;
                let v = self.pair(value)?;
                self.store_pair(base, flags, 0, v)?;
            }
            Opcode::AtomicRmw => {
                let InstructionData::AtomicRmw { args: [addr, x], flags, op, .. } = data else {
                    unreachable!()
                };
                let base = self.reg(addr)?;
                let old = self.load_pair(base, flags, 0)?;
                let x = self.pair(x)?;
                let new = self.rmw128(op, old, x);
                self.store_pair(base, flags, 0, new)?;
                self.alias_pair(results[0], old.0, old.1);
            }
            Opcode::AtomicCas => {
                let InstructionData::AtomicCas { args: [addr, expected, replacement], flags, .. } = data
                else {
                    unreachable!()
                };
                let base = self.reg(addr)?;
                let old = self.load_pair(base, flags, 0)?;
                let (e, r) = (self.pair(expected)?, self.pair(replacement)?);
                let eq = self.new_vreg(int);
                self.icmp128_regs(eq, IntCC::Equal, old, e);
                let new = (self.new_vreg(int), self.new_vreg(int));
                self.emit(vop::xselect(new.0, eq, r.0, old.0));
                self.emit(vop::xselect(new.1, eq, r.1, old.1));
                self.store_pair(base, flags, 0, new)?;
                self.alias_pair(results[0], old.0, old.1);
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Shifts and rotates with an i128 value or amount.
    fn i128_shift(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
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
                        self.emit(vop::xneg64(k, amount));
                        let (first, second) = if opcode == Opcode::Rotl {
                            (Opcode::Ishl, Opcode::Ushr)
                        } else {
                            (Opcode::Ushr, Opcode::Ishl)
                        };
                        let (alo, ahi) = self.shift128(first, lo, hi, amount);
                        let (blo, bhi) = self.shift128(second, lo, hi, k);
                        self.emit(vop::xbor64(dlo, alo, blo));
                        self.emit(vop::xbor64(dhi, ahi, bhi));
                    }
                }
            }
            Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr
                if dfg.value_type(args[0]).bits() < 32 =>
            {
                // An 8/16-bit value shifted by an i128 amount: the low half
                // counts, masked to the type's width.
                let bits = dfg.value_type(args[0]).bits();
                let (amount, d) = (self.pair(args[1])?.0, self.reg(results[0])?);
                if matches!(opcode, Opcode::Rotl | Opcode::Rotr) {
                    return self.narrow_rotate(d, opcode == Opcode::Rotl, args[0], amount, bits);
                }
                let a = self.extended(args[0], opcode == Opcode::Sshr)?;
                let n = self.new_vreg(int);
                self.emit(vop::xband32_i(n, amount, bits as i32 - 1));
                let op = match opcode {
                    Opcode::Ishl => vop::xshl32,
                    Opcode::Ushr => vop::xshr32_u,
                    _ => vop::xshr32_s,
                };
                self.emit(op(d, a, n));
            }
            Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr
                if dfg.value_type(args[0]).bits() >= 32 =>
            {
                // A 32/64-bit value shifted by an i128 amount: the low half counts.
                let (a, amount, d) = (self.reg(args[0])?, self.pair(args[1])?.0, self.reg(results[0])?);
                let w = dfg.value_type(args[0]).bits() == 64;
                macro_rules! xop {
                    ($o32:ident, $o64:ident) => {
                        if w { vop::$o64 } else { vop::$o32 }
                    };
                }
                let op = match opcode {
                    Opcode::Ishl => xop!(xshl32, xshl64),
                    Opcode::Ushr => xop!(xshr32_u, xshr64_u),
                    Opcode::Sshr => xop!(xshr32_s, xshr64_s),
                    Opcode::Rotl => xop!(xrotl32, xrotl64),
                    _ => xop!(xrotr32, xrotr64),
                };
                self.emit(op(d, a, amount));
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// `{u,s}{add,sub}_overflow` on i128: the pair and the flag.
    fn i128_overflow(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
            Opcode::UaddOverflow | Opcode::UsubOverflow | Opcode::SaddOverflow | Opcode::SsubOverflow => {
                let (a, b) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                let of = self.reg(results[1])?;
                let add = matches!(opcode, Opcode::UaddOverflow | Opcode::SaddOverflow);
                let (rlo, rhi) = (self.new_vreg(int), self.new_vreg(int));
                let op = if add { vop::xadd128 } else { vop::xsub128 };
                self.emit(op(rlo, rhi, a.0, a.1, b.0, b.1));
                match opcode {
                    // Unsigned: the sum wrapped below a; a borrow when a < b.
                    Opcode::UaddOverflow => self.icmp128_regs(of, IntCC::UnsignedLessThan, (rlo, rhi), a),
                    Opcode::UsubOverflow => self.icmp128_regs(of, IntCC::UnsignedLessThan, a, b),
                    _ => {
                        // Signed: the result's sign differs from a's, and a and
                        // b agree in sign (add) / differ in sign (sub).
                        let (t1, t2, t3) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.emit(vop::xbxor64(t1, rhi, a.1));
                        if add {
                            self.emit(vop::xbxor64(t2, rhi, b.1));
                        } else {
                            self.emit(vop::xbxor64(t2, a.1, b.1));
                        }
                        self.emit(vop::xband64(t3, t1, t2));
                        self.emit(vop::xshr64_u_i(of, t3, 63));
                    }
                }
                self.alias_regs(dlo, rlo);
                self.alias_regs(dhi, rhi);
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Byte swaps, bit reversal and bit counts of i128 values.
    fn i128_bits(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let results = dfg.inst_results(inst).to_vec();
        let int = RegClass::Int;
        match opcode {
            Opcode::Bswap | Opcode::Bitrev => {
                let (lo, hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let swap = opcode == Opcode::Bswap;
                for (d, a) in [(dlo, hi), (dhi, lo)] {
                    let o = if swap { vop::xbswap64 } else { vop::xbitrev64 };
                    self.emit(o(d, a));
                }
            }
            Opcode::Clz | Opcode::Ctz | Opcode::Cls | Opcode::Popcnt => {
                let (mut lo, mut hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let zero = self.new_vreg(int);
                self.emit(vop::xzero(zero));
                if opcode == Opcode::Popcnt {
                    let (plo, phi) = (self.new_vreg(int), self.new_vreg(int));
                    self.emit(vop::xpopcnt64(plo, lo));
                    self.emit(vop::xpopcnt64(phi, hi));
                    self.emit(vop::xadd64(dlo, plo, phi));
                } else {
                    if opcode == Opcode::Cls {
                        // cls(x) = clz(x ^ sign) - 1, sign = x >> 127 (arithmetic).
                        let (sign, ylo, yhi) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.emit(vop::xshr64_s_i(sign, hi, 63));
                        self.emit(vop::xbxor64(ylo, lo, sign));
                        self.emit(vop::xbxor64(yhi, hi, sign));
                        (lo, hi) = (ylo, yhi);
                    }
                    // Count in the half that decides; if it is zero, 64 plus
                    // the count in the other half.
                    let (first, second) = if opcode == Opcode::Ctz { (lo, hi) } else { (hi, lo) };
                    let count = |me: &mut Self, x: VReg| {
                        let c = me.new_vreg(int);
                        let op = if opcode == Opcode::Ctz { vop::xctz64 } else { vop::xclz64 };
                        me.emit(op(c, x));
                        c
                    };
                    let (c1, c2) = (count(self, first), count(self, second));
                    let (c2_64, nonzero, n) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                    self.emit(vop::xadd64_i8(c2_64, c2, 64));
                    self.emit(vop::xneq64(nonzero, first, zero));
                    self.emit(vop::xselect(n, nonzero, c1, c2_64));
                    if opcode == Opcode::Cls {
                        self.emit(vop::xadd64_i8(dlo, n, -1));
                    } else {
                        self.alias_regs(dlo, n);
                    }
                }
                self.alias_regs(dhi, zero);
            }
            _ => return Err(format!("`{opcode}` with i128 values is not supported yet")),
        }
        Ok(())
    }

    /// Bind an i128 result to `(lo, hi)` (copying when it already has registers).
    pub(super) fn alias_pair(&mut self, result: Value, lo: VReg, hi: VReg) {
        match self.values.get(result).copied().filter(|r| !r.is_empty()) {
            Some(existing) => {
                self.alias_regs(existing[0], lo);
                self.alias_regs(existing[1], hi);
            }
            None => {
                self.values[result] = super::ValueRegs::two(lo, hi);
            }
        }
    }

    /// `dst = src` for two integer registers.
    pub(super) fn alias_regs(&mut self, dst: VReg, src: VReg) {
        self.emit(vop::xmov(dst, src));
    }

    /// A 128-bit shift by `amount & 127`, branch-free. Returns `(lo, hi)`.
    pub(super) fn shift128(&mut self, opcode: Opcode, lo: VReg, hi: VReg, amount: VReg) -> (VReg, VReg) {
        let int = RegClass::Int;
        let v = |s: &mut Self| s.new_vreg(int);
        let (m, big, inv) = (v(self), v(self), v(self));
        // m = amount & 63; big = amount & 64; inv = 63 - m = m ^ 63.
        self.emit(vop::xband64_i(m, amount, 63));
        self.emit(vop::xband64_i(big, amount, 64));
        self.emit(vop::xbxor64_i(inv, m, 63));
        let (small_lo, small_hi, big_lo, big_hi) = (v(self), v(self), v(self), v(self));
        let (t1, t2) = (v(self), v(self));
        match opcode {
            Opcode::Ishl => {
                // small: lo << m, (hi << m) | ((lo >> 1) >> (63 - m)); big: 0, lo << m.
                self.emit(vop::xshl64(small_lo, lo, m));
                self.emit(vop::xshl64(t1, hi, m));
                self.emit(vop::xshr64_u_i(t2, lo, 1));
                let t3 = v(self);
                self.emit(vop::xshr64_u(t3, t2, inv));
                self.emit(vop::xbor64(small_hi, t1, t3));
                self.emit(vop::xzero(big_lo));
                self.emit(vop::xshl64(big_hi, lo, m));
            }
            _ => {
                let signed = opcode == Opcode::Sshr;
                // small: (lo >> m) | ((hi << 1) << (63 - m)), hi >> m;
                // big: hi >> m, and 0 or the sign.
                self.emit(vop::xshr64_u(t1, lo, m));
                self.emit(vop::xshl64_i(t2, hi, 1));
                let t3 = v(self);
                self.emit(vop::xshl64(t3, t2, inv));
                self.emit(vop::xbor64(small_lo, t1, t3));
                if signed {
                    self.emit(vop::xshr64_s(small_hi, hi, m));
                    self.emit(vop::xshr64_s(big_lo, hi, m));
                    self.emit(vop::xshr64_s_i(big_hi, hi, 63));
                } else {
                    self.emit(vop::xshr64_u(small_hi, hi, m));
                    self.emit(vop::xshr64_u(big_lo, hi, m));
                    self.emit(vop::xzero(big_hi));
                }
            }
        }
        let (rlo, rhi) = (v(self), v(self));
        self.emit(vop::xselect(rlo, big, big_lo, small_lo));
        self.emit(vop::xselect(rhi, big, big_hi, small_hi));
        (rlo, rhi)
    }

    /// i128 comparison: equality on both halves; orderings on the high
    /// halves, then unsigned on the low halves when the high ones are equal.
    pub(super) fn icmp128(&mut self, d: VReg, cond: IntCC, a: Value, b: Value) -> LowerResult<()> {
        let (a, b) = (self.pair(a)?, self.pair(b)?);
        self.icmp128_regs(d, cond, a, b);
        Ok(())
    }

    pub(super) fn icmp128_regs(&mut self, d: VReg, cond: IntCC, a: (VReg, VReg), b: (VReg, VReg)) {
        use IntCC::*;
        let ((mut alo, mut ahi), (mut blo, mut bhi)) = (a, b);
        let int = RegClass::Int;
        if matches!(cond, Equal | NotEqual) {
            let (x1, x2, or) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
            self.emit(vop::xbxor64(x1, alo, blo));
            self.emit(vop::xbxor64(x2, ahi, bhi));
            self.emit(vop::xbor64(or, x1, x2));
            let z = self.new_vreg(int);
            self.emit(vop::xzero(z));
            let op = if cond == Equal { vop::xeq64 } else { vop::xneq64 };
            self.emit(op(d, or, z));
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
        let hi_op = if signed { vop::xslt64 } else { vop::xult64 };
        self.emit(hi_op(hi_lt, ahi, bhi));
        self.emit(vop::xeq64(hi_eq, ahi, bhi));
        let lo_op = if or_equal { vop::xulteq64 } else { vop::xult64 };
        self.emit(lo_op(lo_cmp, alo, blo));
        self.emit(vop::xband64(both, hi_eq, lo_cmp));
        self.emit(vop::xbor64(r, hi_lt, both));
    }

    /// Load an i128 as two 64-bit halves (in the access's byte order).
    pub(super) fn load_pair(
        &mut self,
        base: VReg,
        flags: ir::MemFlags,
        off: i32,
    ) -> LowerResult<(VReg, VReg)> {
        let be = self.big_endian(flags);
        let (lo, hi) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Int));
        let (first, second) = if be { (hi, lo) } else { (lo, hi) };
        let hi_off = off.checked_add(8).ok_or("offset overflows")?;
        if be {
            self.emit(vop::xload64_be(first, base, off));
            self.emit(vop::xload64_be(second, base, hi_off));
        } else {
            self.emit(vop::xload64(first, base, off));
            self.emit(vop::xload64(second, base, hi_off));
        }
        Ok((lo, hi))
    }

    /// Store an i128 as two 64-bit halves (in the access's byte order).
    pub(super) fn store_pair(
        &mut self,
        base: VReg,
        flags: ir::MemFlags,
        off: i32,
        (lo, hi): (VReg, VReg),
    ) -> LowerResult<()> {
        let be = self.big_endian(flags);
        let (first, second) = if be { (hi, lo) } else { (lo, hi) };
        let hi_off = off.checked_add(8).ok_or("offset overflows")?;
        if be {
            self.emit(vop::xstore64_be(base, off, first));
            self.emit(vop::xstore64_be(base, hi_off, second));
        } else {
            self.emit(vop::xstore64(base, off, first));
            self.emit(vop::xstore64(base, hi_off, second));
        }
        Ok(())
    }

    /// The new value of an i128 read-modify-write.
    fn rmw128(&mut self, op: ir::AtomicRmwOp, a: (VReg, VReg), b: (VReg, VReg)) -> (VReg, VReg) {
        use ir::AtomicRmwOp as A;
        let int = RegClass::Int;
        let d = (self.new_vreg(int), self.new_vreg(int));
        let pairwise = |s: &mut Self, o: Binary| {
            s.emit(o(d.0, a.0, b.0));
            s.emit(o(d.1, a.1, b.1));
        };
        match op {
            A::Add => self.emit(vop::xadd128(d.0, d.1, a.0, a.1, b.0, b.1)),
            A::Sub => self.emit(vop::xsub128(d.0, d.1, a.0, a.1, b.0, b.1)),
            A::And => pairwise(self, vop::xband64),
            A::Or => pairwise(self, vop::xbor64),
            A::Xor => pairwise(self, vop::xbxor64),
            A::Nand => {
                let t = (self.new_vreg(int), self.new_vreg(int));
                self.emit(vop::xband64(t.0, a.0, b.0));
                self.emit(vop::xband64(t.1, a.1, b.1));
                self.emit(vop::xbnot64(d.0, t.0));
                self.emit(vop::xbnot64(d.1, t.1));
            }
            A::Xchg => return b,
            A::Umin | A::Umax | A::Smin | A::Smax => {
                let cond = match op {
                    A::Umin => IntCC::UnsignedLessThan,
                    A::Umax => IntCC::UnsignedGreaterThan,
                    A::Smin => IntCC::SignedLessThan,
                    _ => IntCC::SignedGreaterThan,
                };
                let pick_a = self.new_vreg(int);
                self.icmp128_regs(pick_a, cond, a, b);
                self.emit(vop::xselect(d.0, pick_a, a.0, b.0));
                self.emit(vop::xselect(d.1, pick_a, a.1, b.1));
            }
        }
        d
    }
}
