//! Vector instructions: 128-bit vectors and the 64-bit ones CLIF allows.
//!
//! A vector lives in a v-register with lane 0 in the low bits. A 64-bit
//! vector (`i8x8`, `i16x4`, `i32x2`, `f32x2`) uses the low half; its high
//! half is undefined, like the bits above an integer's width, so lane-wise
//! ops run on the whole register and only ops that look across lanes
//! (reductions, pairwise, narrowing, high halves) treat it specially.

use super::*;
use crate::vops::{Binary, Unary};

/// Pick the op for an integer lane width: `int_op!(bits, [a8, a16, a32, a64])`.
macro_rules! int_op {
    ($bits:expr, [$o8:ident, $o16:ident, $o32:ident, $o64:ident]) => {
        match $bits {
            8 => vop::$o8,
            16 => vop::$o16,
            32 => vop::$o32,
            _ => vop::$o64,
        }
    };
}

/// Pick the op for a float lane type: `float_op!(is_f64, [f32x4, f64x2])`.
macro_rules! float_op {
    ($f64:expr, [$o32:ident, $o64:ident]) => {
        if $f64 { vop::$o64 } else { vop::$o32 }
    };
}

/// Whether the instruction needs this module: it has a vector operand or result.
pub(super) fn touches_vectors(func: &Function, inst: ir::Inst) -> bool {
    let dfg = &func.dfg;
    dfg.ctrl_typevar(inst).is_vector()
        || dfg.inst_args(inst).iter().any(|&a| dfg.value_type(a).is_vector())
        || dfg.inst_results(inst).iter().any(|&r| dfg.value_type(r).is_vector())
}

/// The op for a lane-wise `a op b` of `lane`-typed lanes, if `opcode` is one.
fn lanewise_binary(opcode: Opcode, lane: Type) -> Option<Binary> {
    let (bits, is_f64) = (lane.bits(), lane == types::F64);
    macro_rules! i {
        ($o8:ident, $o16:ident, $o32:ident, $o64:ident) => {
            int_op!(bits, [$o8, $o16, $o32, $o64])
        };
    }
    macro_rules! f {
        ($o32:ident, $o64:ident) => {
            float_op!(is_f64, [$o32, $o64])
        };
    }
    Some(match (opcode, lane.is_float()) {
        (Opcode::Iadd, false) => i!(vadd_i8x16, vadd_i16x8, vadd_i32x4, vadd_i64x2),
        (Opcode::Isub, false) => i!(vsub_i8x16, vsub_i16x8, vsub_i32x4, vsub_i64x2),
        (Opcode::Imul, false) => i!(vmul_i8x16, vmul_i16x8, vmul_i32x4, vmul_i64x2),
        (Opcode::Smin, false) => i!(vmin_s_i8x16, vmin_s_i16x8, vmin_s_i32x4, vmin_s_i64x2),
        (Opcode::Umin, false) => i!(vmin_u_i8x16, vmin_u_i16x8, vmin_u_i32x4, vmin_u_i64x2),
        (Opcode::Smax, false) => i!(vmax_s_i8x16, vmax_s_i16x8, vmax_s_i32x4, vmax_s_i64x2),
        (Opcode::Umax, false) => i!(vmax_u_i8x16, vmax_u_i16x8, vmax_u_i32x4, vmax_u_i64x2),
        (Opcode::SaddSat, false) => {
            i!(vadd_sat_s_i8x16, vadd_sat_s_i16x8, vadd_sat_s_i32x4, vadd_sat_s_i64x2)
        }
        (Opcode::UaddSat, false) => {
            i!(vadd_sat_u_i8x16, vadd_sat_u_i16x8, vadd_sat_u_i32x4, vadd_sat_u_i64x2)
        }
        (Opcode::SsubSat, false) => {
            i!(vsub_sat_s_i8x16, vsub_sat_s_i16x8, vsub_sat_s_i32x4, vsub_sat_s_i64x2)
        }
        (Opcode::UsubSat, false) => {
            i!(vsub_sat_u_i8x16, vsub_sat_u_i16x8, vsub_sat_u_i32x4, vsub_sat_u_i64x2)
        }
        (Opcode::AvgRound, false) => {
            i!(vavg_round_u_i8x16, vavg_round_u_i16x8, vavg_round_u_i32x4, vavg_round_u_i64x2)
        }
        (Opcode::Smulhi, false) => i!(vmulhi_s_i8x16, vmulhi_s_i16x8, vmulhi_s_i32x4, vmulhi_s_i64x2),
        (Opcode::Umulhi, false) => i!(vmulhi_u_i8x16, vmulhi_u_i16x8, vmulhi_u_i32x4, vmulhi_u_i64x2),
        (Opcode::SqmulRoundSat, false) if bits == 16 => vop::vqmul_round_sat_i16x8,
        (Opcode::SqmulRoundSat, false) if bits == 32 => vop::vqmul_round_sat_i32x4,
        (Opcode::Fadd, true) => f!(vfadd_f32x4, vfadd_f64x2),
        (Opcode::Fsub, true) => f!(vfsub_f32x4, vfsub_f64x2),
        (Opcode::Fmul, true) => f!(vfmul_f32x4, vfmul_f64x2),
        (Opcode::Fdiv, true) => f!(vfdiv_f32x4, vfdiv_f64x2),
        (Opcode::Fmin, true) => f!(vfmin_f32x4, vfmin_f64x2),
        (Opcode::Fmax, true) => f!(vfmax_f32x4, vfmax_f64x2),
        (Opcode::Fcopysign, true) => f!(vfcopysign_f32x4, vfcopysign_f64x2),
        _ => return None,
    })
}

/// The op for a lane-wise `op a` of `lane`-typed lanes, if `opcode` is one.
fn lanewise_unary(opcode: Opcode, lane: Type) -> Option<Unary> {
    let (bits, is_f64) = (lane.bits(), lane == types::F64);
    macro_rules! i {
        ($o8:ident, $o16:ident, $o32:ident, $o64:ident) => {
            int_op!(bits, [$o8, $o16, $o32, $o64])
        };
    }
    macro_rules! f {
        ($o32:ident, $o64:ident) => {
            float_op!(is_f64, [$o32, $o64])
        };
    }
    Some(match (opcode, lane.is_float()) {
        (Opcode::Ineg, false) => i!(vneg_i8x16, vneg_i16x8, vneg_i32x4, vneg_i64x2),
        (Opcode::Iabs, false) => i!(vabs_i8x16, vabs_i16x8, vabs_i32x4, vabs_i64x2),
        (Opcode::Popcnt, false) => i!(vpopcnt_i8x16, vpopcnt_i16x8, vpopcnt_i32x4, vpopcnt_i64x2),
        (Opcode::Fneg, true) => f!(vfneg_f32x4, vfneg_f64x2),
        (Opcode::Fabs, true) => f!(vfabs_f32x4, vfabs_f64x2),
        (Opcode::Sqrt, true) => f!(vfsqrt_f32x4, vfsqrt_f64x2),
        (Opcode::Ceil, true) => f!(vfceil_f32x4, vfceil_f64x2),
        (Opcode::Floor, true) => f!(vffloor_f32x4, vffloor_f64x2),
        (Opcode::Trunc, true) => f!(vftrunc_f32x4, vftrunc_f64x2),
        (Opcode::Nearest, true) => f!(vfnearest_f32x4, vfnearest_f64x2),
        _ => return None,
    })
}

/// `dst = a` with lane `lane` replaced by the scalar `src`.
fn insert_op(lane: Type) -> fn(VReg, VReg, VReg, u8) -> VOp {
    if lane.is_float() {
        float_op!(lane == types::F64, [vinsert_f32x4, vinsert_f64x2])
    } else {
        int_op!(lane.bits(), [vinsert_i8x16, vinsert_i16x8, vinsert_i32x4, vinsert_i64x2])
    }
}

impl Lower<'_> {
    pub(super) fn lower_vector(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let ctrl = dfg.ctrl_typevar(inst);
        // The vector type the op works on: its result's, or its first operand's.
        let vty = if ctrl.is_vector() {
            ctrl
        } else {
            args.iter().map(|&a| dfg.value_type(a)).find(|t| t.is_vector()).unwrap_or(ctrl)
        };
        let lane = vty.lane_type();
        if vty.is_vector() && !(vty.bits() == 128 || vty.bits() == 64) {
            return Err(format!("vectors of type {vty} are not supported (only 64- and 128-bit vectors)"));
        }
        if let Some(op) = lanewise_binary(opcode, lane) {
            return self.binary_op(inst, args, op);
        }
        if let Some(op) = lanewise_unary(opcode, lane) {
            return self.unary_op(inst, args, op);
        }
        match (opcode, data) {
            (
                Opcode::Vconst
                | Opcode::Splat
                | Opcode::Extractlane
                | Opcode::Insertlane
                | Opcode::ScalarToVector
                | Opcode::Swizzle
                | Opcode::Shuffle,
                _,
            ) => self.vector_lanes(inst, opcode, args, vty)?,
            (Opcode::Band | Opcode::Bor | Opcode::Bxor | Opcode::Bnot, _) => {
                self.vector_bitwise(inst, opcode, args, vty)?
            }
            (Opcode::Bitselect | Opcode::Select | Opcode::SelectSpectreGuard | Opcode::Fma, _) => {
                self.vector_ternary(inst, opcode, args, vty)?
            }
            (Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr, _) => {
                self.vector_shift(inst, opcode, args, vty)?
            }
            (Opcode::Icmp | Opcode::Fcmp, _) => self.vector_compare(inst, opcode, args, vty)?,
            (
                Opcode::IaddPairwise
                | Opcode::FcvtFromSint
                | Opcode::FcvtFromUint
                | Opcode::FcvtToSintSat
                | Opcode::FcvtToUintSat
                | Opcode::FvpromoteLow
                | Opcode::Fvdemote
                | Opcode::SwidenLow
                | Opcode::SwidenHigh
                | Opcode::UwidenLow
                | Opcode::UwidenHigh
                | Opcode::Snarrow
                | Opcode::Unarrow
                | Opcode::Uunarrow,
                _,
            ) => self.vector_conversion(inst, opcode, args, vty)?,
            (Opcode::Bitcast, _) => self.vector_bitcast(inst, args[0])?,
            (Opcode::VanyTrue | Opcode::VallTrue | Opcode::VhighBits, _) => {
                self.vector_reduce(inst, opcode, args[0])?
            }
            (_, InstructionData::Load { opcode, arg, flags, offset }) => {
                let base = self.reg(arg)?;
                self.vector_load(inst, opcode, base, flags, offset.into())?;
            }
            (_, InstructionData::Store { args: [value, addr], flags, offset, .. }) => {
                let base = self.reg(addr)?;
                self.vector_store(value, base, flags, offset.into())?;
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// Vector constants, splats, lane extracts and inserts, swizzles and shuffles.
    fn vector_lanes(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value], vty: Type) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let lane = vty.lane_type();
        let bits = lane.bits();
        let is_f64 = lane == types::F64;
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::Vconst, InstructionData::UnaryConst { constant_handle, .. }) => {
                let bytes = dfg.constants.get(constant_handle).as_slice();
                if bytes.len() > 16 {
                    return Err(format!("a {}-byte vector constant", bytes.len()));
                }
                let mut raw = [0u8; 16];
                raw[..bytes.len()].copy_from_slice(bytes);
                let d = self.result(inst)?;
                self.emit(vop::vconst(d, u128::from_le_bytes(raw)));
            }
            (Opcode::Splat, _) => {
                let op = if lane.is_float() {
                    float_op!(is_f64, [vsplat_f32x4, vsplat_f64x2])
                } else {
                    int_op!(bits, [vsplat_i8x16, vsplat_i16x8, vsplat_i32x4, vsplat_i64x2])
                };
                self.unary_op(inst, args, op)?;
            }
            (Opcode::Extractlane, InstructionData::BinaryImm8 { imm, .. }) => {
                let op = if lane.is_float() {
                    float_op!(is_f64, [vextract_f32x4, vextract_f64x2])
                } else {
                    int_op!(bits, [vextract_i8x16, vextract_i16x8, vextract_i32x4, vextract_i64x2])
                };
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                self.emit(op(d, a, imm));
            }
            (Opcode::Insertlane, InstructionData::TernaryImm8 { imm, .. }) => {
                let op = insert_op(lane);
                let (a, s, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                self.emit(op(d, a, s, imm));
            }
            (Opcode::ScalarToVector, _) => {
                let (zero, s, d) = (self.new_vreg(RegClass::Vector), self.reg(args[0])?, self.result(inst)?);
                self.emit(vop::vconst(zero, 0));
                let op = insert_op(lane);
                self.emit(op(d, zero, s, 0));
            }
            // The verifier allows only i8x16.
            (Opcode::Swizzle, _) => self.binary_op(inst, args, vop::vswizzle)?,
            (Opcode::Shuffle, InstructionData::Shuffle { imm, .. }) => {
                let bytes = dfg.immediates.get(imm).ok_or("shuffle without its mask")?.as_slice();
                let mut raw = [0xffu8; 16];
                raw[..bytes.len().min(16)].copy_from_slice(&bytes[..bytes.len().min(16)]);
                let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                self.emit(vop::vshuffle(d, a, b, u128::from_le_bytes(raw)));
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// `band`, `bor`, `bxor` and `bnot` on vectors.
    fn vector_bitwise(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
        vty: Type,
    ) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::Band | Opcode::Bor | Opcode::Bxor, _) => {
                let op = match opcode {
                    Opcode::Band => vop::vband,
                    Opcode::Bor => vop::vbor,
                    _ => vop::vbxor,
                };
                self.binary_op(inst, args, op)?;
            }
            (Opcode::Bnot, _) => self.unary_op(inst, args, vop::vbnot)?,
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// `bitselect`, `select` and `fma` on vectors.
    fn vector_ternary(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
        vty: Type,
    ) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let arg_ty = |i: usize| dfg.value_type(args[i]);
        let lane = vty.lane_type();
        let is_f64 = lane == types::F64;
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::Bitselect, _) => {
                let (c, a, b, d) =
                    (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                self.emit(vop::vbitselect(d, c, a, b));
            }
            (Opcode::Select | Opcode::SelectSpectreGuard, _) => {
                // The op tests all 64 bits: an i128 condition is its halves or'd.
                let c = if arg_ty(0) == types::I128 {
                    self.condition(args[0])?
                } else {
                    self.extended(args[0], false)?
                };
                let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                self.emit(vop::vselect(d, c, a, b));
            }
            (Opcode::Fma, _) => {
                let (a, b, c, d) =
                    (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                let op = float_op!(is_f64, [vfma_f32x4, vfma_f64x2]);
                self.emit(op(d, a, b, c));
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// Shifts and rotates of every lane by one scalar amount.
    fn vector_shift(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value], vty: Type) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let arg_ty = |i: usize| dfg.value_type(args[i]);
        let lane = vty.lane_type();
        let bits = lane.bits();
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::Ishl | Opcode::Ushr | Opcode::Sshr, _) if arg_ty(1).is_int() => {
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                // The interpreter takes the amount modulo the lane width,
                // which only looks at its low 6 bits; an i128 amount's low
                // half is enough.
                let amt = self.regs(args[1])?[0];
                let op = match opcode {
                    Opcode::Ishl => {
                        int_op!(bits, [vshl_i8x16, vshl_i16x8, vshl_i32x4, vshl_i64x2])
                    }
                    Opcode::Ushr => int_op!(bits, [vshr_u_i8x16, vshr_u_i16x8, vshr_u_i32x4, vshr_u_i64x2]),
                    _ => int_op!(bits, [vshr_s_i8x16, vshr_s_i16x8, vshr_s_i32x4, vshr_s_i64x2]),
                };
                self.emit(op(d, a, amt));
            }
            (Opcode::Rotl | Opcode::Rotr, _) if arg_ty(1).is_int() => {
                // `rotl x, n = (x << n) | (x >> -n)`: the shifts take their
                // amounts modulo the lane width, so `-n` is `width - n` (and a
                // rotate by 0 ors `x` with itself).
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                let amt = self.regs(args[1])?[0];
                let neg = self.new_vreg(RegClass::Int);
                self.emit(vop::xneg64(neg, amt));
                let (left_amt, right_amt) = if opcode == Opcode::Rotl { (amt, neg) } else { (neg, amt) };
                let (l, r) = (self.new_vreg(RegClass::Vector), self.new_vreg(RegClass::Vector));
                let shl = int_op!(bits, [vshl_i8x16, vshl_i16x8, vshl_i32x4, vshl_i64x2]);
                let shr = int_op!(bits, [vshr_u_i8x16, vshr_u_i16x8, vshr_u_i32x4, vshr_u_i64x2]);
                self.emit(shl(l, a, left_amt));
                self.emit(shr(r, a, right_amt));
                self.emit(vop::vbor(d, l, r));
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// Lane-wise integer and float compares (all-ones lanes where true).
    fn vector_compare(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
        vty: Type,
    ) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::Icmp, InstructionData::IntCompare { cond, .. }) => {
                let (mut a, mut b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                let bits = dfg.value_type(args[0]).lane_bits();
                // `a > b` is `b < a`: swap the operands.
                let cond = match cond {
                    IntCC::SignedGreaterThan
                    | IntCC::SignedGreaterThanOrEqual
                    | IntCC::UnsignedGreaterThan
                    | IntCC::UnsignedGreaterThanOrEqual => {
                        std::mem::swap(&mut a, &mut b);
                        cond.swap_args()
                    }
                    c => c,
                };
                let op = match cond {
                    IntCC::Equal => int_op!(bits, [veq_i8x16, veq_i16x8, veq_i32x4, veq_i64x2]),
                    IntCC::NotEqual => int_op!(bits, [vne_i8x16, vne_i16x8, vne_i32x4, vne_i64x2]),
                    IntCC::SignedLessThan => int_op!(bits, [vslt_i8x16, vslt_i16x8, vslt_i32x4, vslt_i64x2]),
                    IntCC::SignedLessThanOrEqual => {
                        int_op!(bits, [vsle_i8x16, vsle_i16x8, vsle_i32x4, vsle_i64x2])
                    }
                    IntCC::UnsignedLessThan => {
                        int_op!(bits, [vult_i8x16, vult_i16x8, vult_i32x4, vult_i64x2])
                    }
                    _ => int_op!(bits, [vule_i8x16, vule_i16x8, vule_i32x4, vule_i64x2]),
                };
                self.emit(op(d, a, b));
            }
            (Opcode::Fcmp, InstructionData::FloatCompare { cond, .. }) => {
                let is_f64 = dfg.value_type(args[0]).lane_type() == types::F64;
                let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                let cc = super::float::float_cc(cond);
                let op = float_op!(is_f64, [vfcmp_f32x4, vfcmp_f64x2]);
                self.emit(op(d, a, b, cc));
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// Lane type changes: int/float conversions, promote and demote, widening, narrowing and pairwise adds.
    fn vector_conversion(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        args: &[Value],
        vty: Type,
    ) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let ctrl = dfg.ctrl_typevar(inst);
        let arg_ty = |i: usize| dfg.value_type(args[i]);
        let lane = vty.lane_type();
        let bits = lane.bits();
        let is_f64 = lane == types::F64;
        let data = dfg.insts[inst];
        match (opcode, data) {
            (Opcode::IaddPairwise, _) if bits <= 32 => {
                let op = match bits {
                    8 => vop::vadd_pairwise_i8x16,
                    16 => vop::vadd_pairwise_i16x8,
                    _ => vop::vadd_pairwise_i32x4,
                };
                self.pairs_of_halves(inst, op, args)?;
            }
            (Opcode::FcvtFromSint | Opcode::FcvtFromUint, _) if ctrl.lane_bits() == arg_ty(0).lane_bits() => {
                let signed = opcode == Opcode::FcvtFromSint;
                let op = match (is_f64, signed) {
                    (false, true) => vop::vf32x4_from_i32x4_s,
                    (false, false) => vop::vf32x4_from_i32x4_u,
                    (true, true) => vop::vf64x2_from_i64x2_s,
                    (true, false) => vop::vf64x2_from_i64x2_u,
                };
                self.unary_op(inst, args, op)?;
            }
            (Opcode::FcvtToSintSat | Opcode::FcvtToUintSat, _)
                if ctrl.lane_bits() == arg_ty(0).lane_bits() =>
            {
                let signed = opcode == Opcode::FcvtToSintSat;
                let op = match (bits == 64, signed) {
                    (false, true) => vop::vi32x4_from_f32x4_s_sat,
                    (false, false) => vop::vi32x4_from_f32x4_u_sat,
                    (true, true) => vop::vi64x2_from_f64x2_s_sat,
                    (true, false) => vop::vi64x2_from_f64x2_u_sat,
                };
                self.unary_op(inst, args, op)?;
            }
            (Opcode::FvpromoteLow, _) => self.unary_op(inst, args, vop::vfpromote_low)?,
            (Opcode::Fvdemote, _) => self.unary_op(inst, args, vop::vfdemote)?,
            (Opcode::SwidenLow | Opcode::SwidenHigh | Opcode::UwidenLow | Opcode::UwidenHigh, _) => {
                let from = arg_ty(0);
                let high = matches!(opcode, Opcode::SwidenHigh | Opcode::UwidenHigh);
                let signed = matches!(opcode, Opcode::SwidenLow | Opcode::SwidenHigh);
                if high && from.bits() == 64 {
                    // The high half of a 64-bit vector is bytes 4..8: move
                    // them down, then widen the low lanes.
                    let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                    let moved = self.new_vreg(RegClass::Vector);
                    let mask =
                        u128::from_le_bytes(core::array::from_fn(|i| if i < 4 { 4 + i as u8 } else { 0xff }));
                    self.emit(vop::vshuffle(moved, a, a, mask));
                    let op = self.widen_op(from.lane_bits(), false, signed)?;
                    self.emit(op(d, moved));
                } else {
                    let op = self.widen_op(from.lane_bits(), high, signed)?;
                    self.unary_op(inst, args, op)?;
                }
            }
            (Opcode::Snarrow | Opcode::Unarrow | Opcode::Uunarrow, _) => {
                let from = arg_ty(0);
                let op = match (opcode, from.lane_bits()) {
                    (Opcode::Snarrow, 16) => vop::vnarrow_s_i16x8,
                    (Opcode::Snarrow, 32) => vop::vnarrow_s_i32x4,
                    (Opcode::Snarrow, _) => vop::vnarrow_s_i64x2,
                    (Opcode::Unarrow, 16) => vop::vnarrow_su_i16x8,
                    (Opcode::Unarrow, 32) => vop::vnarrow_su_i32x4,
                    (Opcode::Unarrow, _) => vop::vnarrow_su_i64x2,
                    (_, 16) => vop::vnarrow_u_i16x8,
                    (_, 32) => vop::vnarrow_u_i32x4,
                    _ => vop::vnarrow_u_i64x2,
                };
                self.pairs_of_halves(inst, op, args)?;
            }
            _ => return Err(format!("`{opcode}` on {vty} is not supported yet")),
        }
        Ok(())
    }

    /// `result = op(args[0])`.
    fn unary_op(&mut self, inst: ir::Inst, args: &[Value], op: Unary) -> LowerResult<()> {
        let (a, d) = (self.reg(args[0])?, self.result(inst)?);
        self.emit(op(d, a));
        Ok(())
    }

    /// `result = op(args[0], args[1])`.
    fn binary_op(&mut self, inst: ir::Inst, args: &[Value], op: Binary) -> LowerResult<()> {
        let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
        self.emit(op(d, a, b));
        Ok(())
    }

    /// A two-operand op whose result takes lanes from `a` then `b` (pairwise
    /// adds, narrowing). For 64-bit vectors the two low halves are joined
    /// into one register first, whose result's low half is the answer.
    fn pairs_of_halves(&mut self, inst: ir::Inst, op: Binary, args: &[Value]) -> LowerResult<()> {
        let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
        if self.func.dfg.value_type(args[0]).bits() == 128 {
            self.emit(op(d, a, b));
            return Ok(());
        }
        let joined = self.new_vreg(RegClass::Vector);
        let mask = u128::from_le_bytes(core::array::from_fn(|i| if i < 8 { i as u8 } else { 8 + i as u8 }));
        self.emit(vop::vshuffle(joined, a, b, mask));
        self.emit(op(d, joined, joined));
        Ok(())
    }

    fn widen_op(&self, from_bits: u32, high: bool, signed: bool) -> LowerResult<Unary> {
        Ok(match (from_bits, high, signed) {
            (8, false, true) => vop::vwiden_low_s_i8x16,
            (8, false, false) => vop::vwiden_low_u_i8x16,
            (8, true, true) => vop::vwiden_high_s_i8x16,
            (8, true, false) => vop::vwiden_high_u_i8x16,
            (16, false, true) => vop::vwiden_low_s_i16x8,
            (16, false, false) => vop::vwiden_low_u_i16x8,
            (16, true, true) => vop::vwiden_high_s_i16x8,
            (16, true, false) => vop::vwiden_high_u_i16x8,
            (32, false, true) => vop::vwiden_low_s_i32x4,
            (32, false, false) => vop::vwiden_low_u_i32x4,
            (32, true, true) => vop::vwiden_high_s_i32x4,
            (32, true, false) => vop::vwiden_high_u_i32x4,
            _ => return Err(format!("widening {from_bits}-bit lanes is not supported")),
        })
    }

    /// `vany_true`, `vall_true`, `vhigh_bits`. A 64-bit vector's undefined
    /// high half is first set to what cannot change the answer.
    fn vector_reduce(&mut self, inst: ir::Inst, opcode: Opcode, arg: Value) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(arg);
        let bits = ty.lane_bits();
        let mut a = self.reg(arg)?;
        let d = self.result(inst)?;
        if ty.bits() == 64 && opcode != Opcode::VhighBits {
            // All ones for `vall_true`, zero for `vany_true`, in lane 1 of i64x2.
            let (fill, w) = (self.new_vreg(RegClass::Int), self.new_vreg(RegClass::Vector));
            self.iconst(fill, if opcode == Opcode::VallTrue { -1 } else { 0 });
            self.emit(vop::vinsert_i64x2(w, a, fill, 1));
            a = w;
        }
        let op = match opcode {
            Opcode::VanyTrue => vop::vany_true,
            Opcode::VallTrue => {
                int_op!(bits, [vall_true_i8x16, vall_true_i16x8, vall_true_i32x4, vall_true_i64x2])
            }
            _ => {
                int_op!(bits, [vhigh_bits_i8x16, vhigh_bits_i16x8, vhigh_bits_i32x4, vhigh_bits_i64x2])
            }
        };
        if opcode == Opcode::VhighBits && ty.bits() == 64 {
            // Only the low lanes' bits count.
            let all = self.new_vreg(RegClass::Int);
            self.emit(op(all, a));
            let lanes = ty.lane_count();
            self.emit(vop::xband64_i(d, all, ((1u32 << lanes) - 1) as i32));
        } else {
            self.emit(op(d, a));
        }
        Ok(())
    }

    /// `bitcast` to or from a vector: a store then a load with its flags.
    /// Free between vectors of one lane order; with big-endian flags and
    /// lanes of different widths (a scalar is one lane as wide as itself),
    /// the bytes of each source lane are reversed, then those of each
    /// result lane.
    fn vector_bitcast(&mut self, inst: ir::Inst, arg: Value) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let InstructionData::LoadNoOffset { flags, .. } = dfg.insts[inst] else {
            return Err("a bitcast without flags".into());
        };
        let result = dfg.first_result(inst);
        let (from, to) = (dfg.value_type(arg), dfg.value_type(result));
        if from.bits() != to.bits() {
            return Err(format!("`bitcast` from {from} to {to} changes the size"));
        }
        let lane_bits = |t: Type| if t.is_vector() { t.lane_bits() } else { t.bits() };
        let reorder = self.big_endian(flags) && lane_bits(from) != lane_bits(to);
        if from.is_vector() && to.is_vector() && !reorder {
            let a = self.reg(arg)?;
            self.alias(result, a);
            return Ok(());
        }
        // Into a v-register.
        let mut v = if from.is_vector() {
            self.reg(arg)?
        } else {
            let a = self.regs(arg)?;
            let v = self.new_vreg(RegClass::Vector);
            match from {
                types::I128 => self.emit(vop::vfrom_x128(v, a[0], a[1])),
                types::I64 => self.emit(vop::vsplat_i64x2(v, a[0])),
                types::F64 => self.emit(vop::vsplat_f64x2(v, a[0])),
                _ => return Err(format!("`bitcast` from {from} to {to} is not supported yet")),
            }
            v
        };
        if reorder {
            v = self.byte_swapped(lane_bits(from), v);
            v = self.byte_swapped(lane_bits(to), v);
        }
        // Out of it.
        if to.is_vector() {
            self.alias(result, v);
            return Ok(());
        }
        let d = self.regs(result)?;
        match to {
            types::I128 => self.emit(vop::vto_x128(d[0], d[1], v)),
            types::I64 => self.emit(vop::vextract_i64x2(d[0], v, 0)),
            types::F64 => self.emit(vop::vextract_f64x2(d[0], v, 0)),
            _ => return Err(format!("`bitcast` from {from} to {to} is not supported yet")),
        }
        Ok(())
    }

    /// `v` with the bytes of each `bits`-wide lane reversed (`v` itself
    /// for bytes).
    fn byte_swapped(&mut self, bits: u32, v: VReg) -> VReg {
        if bits <= 8 {
            return v;
        }
        let w = self.new_vreg(RegClass::Vector);
        self.byte_swap_into(bits, w, v);
        w
    }

    /// `dst = src` with the bytes of each `bits`-wide lane (16 to 128) reversed.
    fn byte_swap_into(&mut self, bits: u32, dst: VReg, src: VReg) {
        match bits {
            16 => self.emit(vop::vbswap16(dst, src)),
            32 => self.emit(vop::vbswap32(dst, src)),
            64 => self.emit(vop::vbswap64(dst, src)),
            _ => {
                let mask = u128::from_le_bytes(core::array::from_fn(|i| 15 - i as u8));
                self.emit(vop::vshuffle(dst, src, src, mask));
            }
        }
    }

    fn vector_load(
        &mut self,
        inst: ir::Inst,
        opcode: Opcode,
        base: VReg,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(self.func.dfg.first_result(inst));
        let d = self.result(inst)?;
        // Extending loads: 64 bits, then widen the low half.
        let (from_bits, signed) = match opcode {
            Opcode::Load => (0, false),
            Opcode::Uload8x8 => (8, false),
            Opcode::Sload8x8 => (8, true),
            Opcode::Uload16x4 => (16, false),
            Opcode::Sload16x4 => (16, true),
            Opcode::Uload32x2 => (32, false),
            Opcode::Sload32x2 => (32, true),
            _ => return Err(format!("`{opcode}` of {ty} is not supported yet")),
        };
        let lane_bits = if from_bits != 0 { from_bits } else { ty.lane_bits() };
        let swap = self.big_endian(flags) && lane_bits > 8;
        // Load straight into the result unless a swap or a widening follows.
        let raw = if from_bits == 0 && !swap { d } else { self.new_vreg(RegClass::Vector) };
        if from_bits != 0 || ty.bits() == 64 {
            self.emit(vop::vload64(raw, base, offset));
        } else {
            self.emit(vop::vload128(raw, base, offset));
        }
        match (swap, from_bits) {
            (false, 0) => {}
            (true, 0) => self.byte_swap_into(lane_bits, d, raw),
            (_, _) => {
                let raw = if swap { self.byte_swapped(lane_bits, raw) } else { raw };
                let widen = self.widen_op(from_bits, false, signed)?;
                self.emit(widen(d, raw));
            }
        }
        Ok(())
    }

    fn vector_store(
        &mut self,
        value: Value,
        base: VReg,
        flags: ir::MemFlags,
        offset: i32,
    ) -> LowerResult<()> {
        let ty = self.func.dfg.value_type(value);
        let mut v = self.reg(value)?;
        if self.big_endian(flags) {
            v = self.byte_swapped(ty.lane_bits(), v);
        }
        if ty.bits() == 64 {
            self.emit(vop::vstore64(base, offset, v));
        } else {
            self.emit(vop::vstore128(base, offset, v));
        }
        Ok(())
    }
}
