//! i128 values as register pairs `[lo, hi]`.

use super::*;

impl Lower<'_> {
    /// Instructions with an i128 operand or result: register pairs.
    pub(super) fn lower_i128(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
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
            Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem => {
                let ((alo, ahi), (blo, bhi)) = (self.pair(args[0])?, self.pair(args[1])?);
                let (dlo, dhi) = self.pair(results[0])?;
                macro_rules! div {
                    ($op:ident) => {
                        ops::$op { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 }.into()
                    };
                }
                let op: Op = match opcode {
                    Opcode::Udiv => div!(Xdiv128U),
                    Opcode::Sdiv => div!(Xdiv128S),
                    Opcode::Urem => div!(Xrem128U),
                    _ => div!(Xrem128S),
                };
                self.op(op, &[dlo, dhi, alo, ahi, blo, bhi]);
            }
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
                let a = self.reg(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let f64_in = dfg.value_type(args[0]) == types::F64;
                macro_rules! cv {
                    ($o:ident) => {
                        Op::from(ops::$o { dst_lo: X0, dst_hi: X0, a: F0 })
                    };
                }
                let op = match (opcode, f64_in) {
                    (Opcode::FcvtToSint, false) => cv!(X128FromF32S),
                    (Opcode::FcvtToSint, true) => cv!(X128FromF64S),
                    (Opcode::FcvtToUint, false) => cv!(X128FromF32U),
                    (Opcode::FcvtToUint, true) => cv!(X128FromF64U),
                    (Opcode::FcvtToSintSat, false) => cv!(X128FromF32SSat),
                    (Opcode::FcvtToSintSat, true) => cv!(X128FromF64SSat),
                    (_, false) => cv!(X128FromF32USat),
                    (_, true) => cv!(X128FromF64USat),
                };
                self.op(op, &[dlo, dhi, a]);
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint => {
                let (lo, hi) = self.pair(args[0])?;
                let d = self.reg(results[0])?;
                let to64 = dfg.value_type(results[0]) == types::F64;
                macro_rules! cv {
                    ($o:ident) => {
                        Op::from(ops::$o { dst: F0, a_lo: X0, a_hi: X0 })
                    };
                }
                let op = match (opcode, to64) {
                    (Opcode::FcvtFromSint, false) => cv!(F32FromX128S),
                    (Opcode::FcvtFromSint, true) => cv!(F64FromX128S),
                    (_, false) => cv!(F32FromX128U),
                    (_, true) => cv!(F64FromX128U),
                };
                self.op(op, &[d, lo, hi]);
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
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[new.0, eq, r.0, old.0]);
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[new.1, eq, r.1, old.1]);
                self.store_pair(base, flags, 0, new)?;
                self.alias_pair(results[0], old.0, old.1);
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
                self.op(ops::Xband32I { dst: X0, a: X0, imm: bits as i32 - 1 }, &[n, amount]);
                let op: Op = match opcode {
                    Opcode::Ishl => ops::Xshl32 { dst: X0, a: X0, b: X0 }.into(),
                    Opcode::Ushr => ops::Xshr32U { dst: X0, a: X0, b: X0 }.into(),
                    _ => ops::Xshr32S { dst: X0, a: X0, b: X0 }.into(),
                };
                self.op(op, &[d, a, n]);
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
            // i128 <-> f128 (and same-type) bitcasts move nothing.
            Opcode::Bitcast => {
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
            Opcode::Clz | Opcode::Ctz | Opcode::Cls | Opcode::Popcnt => {
                let (mut lo, mut hi) = self.pair(args[0])?;
                let (dlo, dhi) = self.pair(results[0])?;
                let zero = self.new_vreg(int);
                self.op(ops::Xzero { dst: X0 }, &[zero]);
                if opcode == Opcode::Popcnt {
                    let (plo, phi) = (self.new_vreg(int), self.new_vreg(int));
                    self.op(ops::Xpopcnt64 { dst: X0, a: X0 }, &[plo, lo]);
                    self.op(ops::Xpopcnt64 { dst: X0, a: X0 }, &[phi, hi]);
                    bin64!(Xadd64, dlo, plo, phi);
                } else {
                    if opcode == Opcode::Cls {
                        // cls(x) = clz(x ^ sign) - 1, sign = x >> 127 (arithmetic).
                        let (sign, ylo, yhi) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                        self.op(ops::Xshr64SI { dst: X0, a: X0, amt: 63 }, &[sign, hi]);
                        bin64!(Xbxor64, ylo, lo, sign);
                        bin64!(Xbxor64, yhi, hi, sign);
                        (lo, hi) = (ylo, yhi);
                    }
                    // Count in the half that decides; if it is zero, 64 plus
                    // the count in the other half.
                    let (first, second) = if opcode == Opcode::Ctz { (lo, hi) } else { (hi, lo) };
                    let count = |me: &mut Self, x: VReg| {
                        let c = me.new_vreg(int);
                        let op: Op = if opcode == Opcode::Ctz {
                            ops::Xctz64 { dst: X0, a: X0 }.into()
                        } else {
                            ops::Xclz64 { dst: X0, a: X0 }.into()
                        };
                        me.op(op, &[c, x]);
                        c
                    };
                    let (c1, c2) = (count(self, first), count(self, second));
                    let (c2_64, nonzero, n) = (self.new_vreg(int), self.new_vreg(int), self.new_vreg(int));
                    self.op(ops::Xadd64I8 { dst: X0, a: X0, imm: 64 }, &[c2_64, c2]);
                    bin64!(Xneq64, nonzero, first, zero);
                    self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[n, nonzero, c1, c2_64]);
                    if opcode == Opcode::Cls {
                        self.op(ops::Xadd64I8 { dst: X0, a: X0, imm: -1 }, &[dlo, n]);
                    } else {
                        self.alias_regs(dlo, n);
                    }
                }
                self.alias_regs(dhi, zero);
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
    pub(super) fn alias_pair(&mut self, result: Value, lo: VReg, hi: VReg) {
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
    pub(super) fn alias_regs(&mut self, dst: VReg, src: VReg) {
        self.op(ops::Xmov { dst: X0, src: X0 }, &[dst, src]);
    }

    /// A 128-bit shift by `amount & 127`, branch-free. Returns `(lo, hi)`.
    pub(super) fn shift128(&mut self, opcode: Opcode, lo: VReg, hi: VReg, amount: VReg) -> (VReg, VReg) {
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
            self.op(ops::Xload64Be { dst: X0, base: X0, offset: off }, &[first, base]);
            self.op(ops::Xload64Be { dst: X0, base: X0, offset: hi_off }, &[second, base]);
        } else {
            self.op(ops::Xload64 { dst: X0, base: X0, offset: off }, &[first, base]);
            self.op(ops::Xload64 { dst: X0, base: X0, offset: hi_off }, &[second, base]);
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
            self.op(ops::Xstore64Be { base: X0, offset: off, src: X0 }, &[base, first]);
            self.op(ops::Xstore64Be { base: X0, offset: hi_off, src: X0 }, &[base, second]);
        } else {
            self.op(ops::Xstore64 { base: X0, offset: off, src: X0 }, &[base, first]);
            self.op(ops::Xstore64 { base: X0, offset: hi_off, src: X0 }, &[base, second]);
        }
        Ok(())
    }

    /// The new value of an i128 read-modify-write.
    fn rmw128(&mut self, op: ir::AtomicRmwOp, a: (VReg, VReg), b: (VReg, VReg)) -> (VReg, VReg) {
        use ir::AtomicRmwOp as A;
        let int = RegClass::Int;
        let d = (self.new_vreg(int), self.new_vreg(int));
        let pairwise = |s: &mut Self, o: fn() -> Op| {
            s.op(o(), &[d.0, a.0, b.0]);
            s.op(o(), &[d.1, a.1, b.1]);
        };
        match op {
            A::Add => self.op(
                ops::Xadd128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                &[d.0, d.1, a.0, a.1, b.0, b.1],
            ),
            A::Sub => self.op(
                ops::Xsub128 { dst_lo: X0, dst_hi: X0, a_lo: X0, a_hi: X0, b_lo: X0, b_hi: X0 },
                &[d.0, d.1, a.0, a.1, b.0, b.1],
            ),
            A::And => pairwise(self, || ops::Xband64 { dst: X0, a: X0, b: X0 }.into()),
            A::Or => pairwise(self, || ops::Xbor64 { dst: X0, a: X0, b: X0 }.into()),
            A::Xor => pairwise(self, || ops::Xbxor64 { dst: X0, a: X0, b: X0 }.into()),
            A::Nand => {
                let t = (self.new_vreg(int), self.new_vreg(int));
                self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[t.0, a.0, b.0]);
                self.op(ops::Xband64 { dst: X0, a: X0, b: X0 }, &[t.1, a.1, b.1]);
                self.op(ops::Xbnot64 { dst: X0, a: X0 }, &[d.0, t.0]);
                self.op(ops::Xbnot64 { dst: X0, a: X0 }, &[d.1, t.1]);
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
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[d.0, pick_a, a.0, b.0]);
                self.op(ops::Xselect { dst: X0, cond: X0, a: X0, b: X0 }, &[d.1, pick_a, a.1, b.1]);
            }
        }
        d
    }
}
