//! Vector instructions: 128-bit vectors and the 64-bit ones CLIF allows.
//!
//! A vector lives in a v-register with lane 0 in the low bits. A 64-bit
//! vector (`i8x8`, `i16x4`, `i32x2`, `f32x2`) uses the low half; its high
//! half is undefined, like the bits above an integer's width, so lane-wise
//! ops run on the whole register and only ops that look across lanes
//! (reductions, pairwise, narrowing, high halves) treat it specially.

use super::*;
use sheave_opcodes::VReg as VR;

pub(super) const V0: VR = match VR::new(0) {
    Some(r) => r,
    None => unreachable!(),
};

/// Pick the op for an integer lane width: `int_op!(bits, [A8, A16, A32, A64] { fields })`.
macro_rules! int_op {
    ($bits:expr, [$o8:ident, $o16:ident, $o32:ident, $o64:ident] { $($f:ident: $v:expr),* }) => {
        match $bits {
            8 => Op::from(ops::$o8 { $($f: $v),* }),
            16 => Op::from(ops::$o16 { $($f: $v),* }),
            32 => Op::from(ops::$o32 { $($f: $v),* }),
            _ => Op::from(ops::$o64 { $($f: $v),* }),
        }
    };
}

/// Pick the op for a float lane type: `float_op!(is_f64, [F32x4, F64x2] { fields })`.
macro_rules! float_op {
    ($f64:expr, [$o32:ident, $o64:ident] { $($f:ident: $v:expr),* }) => {
        if $f64 { Op::from(ops::$o64 { $($f: $v),* }) } else { Op::from(ops::$o32 { $($f: $v),* }) }
    };
}

/// The same three-register op for each integer lane width.
macro_rules! int_bin {
    ($bits:expr, $o8:ident, $o16:ident, $o32:ident, $o64:ident) => {
        int_op!($bits, [$o8, $o16, $o32, $o64] { dst: V0, a: V0, b: V0 })
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
fn lanewise_binary(opcode: Opcode, lane: Type) -> Option<Op> {
    let (bits, is_f64) = (lane.bits(), lane == types::F64);
    macro_rules! i {
        ($o8:ident, $o16:ident, $o32:ident, $o64:ident) => {
            int_bin!(bits, $o8, $o16, $o32, $o64)
        };
    }
    macro_rules! f {
        ($o32:ident, $o64:ident) => {
            float_op!(is_f64, [$o32, $o64] { dst: V0, a: V0, b: V0 })
        };
    }
    Some(match (opcode, lane.is_float()) {
        (Opcode::Iadd, false) => i!(VaddI8x16, VaddI16x8, VaddI32x4, VaddI64x2),
        (Opcode::Isub, false) => i!(VsubI8x16, VsubI16x8, VsubI32x4, VsubI64x2),
        (Opcode::Imul, false) => i!(VmulI8x16, VmulI16x8, VmulI32x4, VmulI64x2),
        (Opcode::Smin, false) => i!(VminSI8x16, VminSI16x8, VminSI32x4, VminSI64x2),
        (Opcode::Umin, false) => i!(VminUI8x16, VminUI16x8, VminUI32x4, VminUI64x2),
        (Opcode::Smax, false) => i!(VmaxSI8x16, VmaxSI16x8, VmaxSI32x4, VmaxSI64x2),
        (Opcode::Umax, false) => i!(VmaxUI8x16, VmaxUI16x8, VmaxUI32x4, VmaxUI64x2),
        (Opcode::SaddSat, false) => i!(VaddSatSI8x16, VaddSatSI16x8, VaddSatSI32x4, VaddSatSI64x2),
        (Opcode::UaddSat, false) => i!(VaddSatUI8x16, VaddSatUI16x8, VaddSatUI32x4, VaddSatUI64x2),
        (Opcode::SsubSat, false) => i!(VsubSatSI8x16, VsubSatSI16x8, VsubSatSI32x4, VsubSatSI64x2),
        (Opcode::UsubSat, false) => i!(VsubSatUI8x16, VsubSatUI16x8, VsubSatUI32x4, VsubSatUI64x2),
        (Opcode::AvgRound, false) => i!(VavgRoundUI8x16, VavgRoundUI16x8, VavgRoundUI32x4, VavgRoundUI64x2),
        (Opcode::Smulhi, false) => i!(VmulhiSI8x16, VmulhiSI16x8, VmulhiSI32x4, VmulhiSI64x2),
        (Opcode::Umulhi, false) => i!(VmulhiUI8x16, VmulhiUI16x8, VmulhiUI32x4, VmulhiUI64x2),
        (Opcode::SqmulRoundSat, false) if bits == 16 => {
            ops::VqmulRoundSatI16x8 { dst: V0, a: V0, b: V0 }.into()
        }
        (Opcode::SqmulRoundSat, false) if bits == 32 => {
            ops::VqmulRoundSatI32x4 { dst: V0, a: V0, b: V0 }.into()
        }
        (Opcode::Fadd, true) => f!(VfaddF32x4, VfaddF64x2),
        (Opcode::Fsub, true) => f!(VfsubF32x4, VfsubF64x2),
        (Opcode::Fmul, true) => f!(VfmulF32x4, VfmulF64x2),
        (Opcode::Fdiv, true) => f!(VfdivF32x4, VfdivF64x2),
        (Opcode::Fmin, true) => f!(VfminF32x4, VfminF64x2),
        (Opcode::Fmax, true) => f!(VfmaxF32x4, VfmaxF64x2),
        (Opcode::Fcopysign, true) => f!(VfcopysignF32x4, VfcopysignF64x2),
        _ => return None,
    })
}

/// The op for a lane-wise `op a` of `lane`-typed lanes, if `opcode` is one.
fn lanewise_unary(opcode: Opcode, lane: Type) -> Option<Op> {
    let (bits, is_f64) = (lane.bits(), lane == types::F64);
    macro_rules! i {
        ($o8:ident, $o16:ident, $o32:ident, $o64:ident) => {
            int_op!(bits, [$o8, $o16, $o32, $o64] { dst: V0, a: V0 })
        };
    }
    macro_rules! f {
        ($o32:ident, $o64:ident) => {
            float_op!(is_f64, [$o32, $o64] { dst: V0, a: V0 })
        };
    }
    Some(match (opcode, lane.is_float()) {
        (Opcode::Ineg, false) => i!(VnegI8x16, VnegI16x8, VnegI32x4, VnegI64x2),
        (Opcode::Iabs, false) => i!(VabsI8x16, VabsI16x8, VabsI32x4, VabsI64x2),
        (Opcode::Popcnt, false) => i!(VpopcntI8x16, VpopcntI16x8, VpopcntI32x4, VpopcntI64x2),
        (Opcode::Fneg, true) => f!(VfnegF32x4, VfnegF64x2),
        (Opcode::Fabs, true) => f!(VfabsF32x4, VfabsF64x2),
        (Opcode::Sqrt, true) => f!(VfsqrtF32x4, VfsqrtF64x2),
        (Opcode::Ceil, true) => f!(VfceilF32x4, VfceilF64x2),
        (Opcode::Floor, true) => f!(VffloorF32x4, VffloorF64x2),
        (Opcode::Trunc, true) => f!(VftruncF32x4, VftruncF64x2),
        (Opcode::Nearest, true) => f!(VfnearestF32x4, VfnearestF64x2),
        _ => return None,
    })
}

impl Lower<'_> {
    pub(super) fn lower_vector(&mut self, inst: ir::Inst, opcode: Opcode, args: &[Value]) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let data = dfg.insts[inst];
        let ctrl = dfg.ctrl_typevar(inst);
        let arg_ty = |i: usize| dfg.value_type(args[i]);
        // The vector type the op works on: its result's, or its first operand's.
        let vty = if ctrl.is_vector() {
            ctrl
        } else {
            args.iter().map(|&a| dfg.value_type(a)).find(|t| t.is_vector()).unwrap_or(ctrl)
        };
        let lane = vty.lane_type();
        let bits = lane.bits();
        let is_f64 = lane == types::F64;
        if vty.is_vector() && !(vty.bits() == 128 || vty.bits() == 64) {
            return Err(format!("vectors of type {vty} are not supported (only 64- and 128-bit vectors)"));
        }
        // Results that are one more register of the same kind as the op's operands.
        let unary = |l: &mut Self, op: Op| -> LowerResult<()> {
            let (a, d) = (l.reg(args[0])?, l.result(inst)?);
            l.op(op, &[d, a]);
            Ok(())
        };
        let binary = |l: &mut Self, op: Op| -> LowerResult<()> {
            let (a, b, d) = (l.reg(args[0])?, l.reg(args[1])?, l.result(inst)?);
            l.op(op, &[d, a, b]);
            Ok(())
        };
        if let Some(op) = lanewise_binary(opcode, lane) {
            return binary(self, op);
        }
        if let Some(op) = lanewise_unary(opcode, lane) {
            return unary(self, op);
        }
        match (opcode, data) {
            (Opcode::Vconst, InstructionData::UnaryConst { constant_handle, .. }) => {
                let bytes = dfg.constants.get(constant_handle).as_slice();
                if bytes.len() > 16 {
                    return Err(format!("a {}-byte vector constant", bytes.len()));
                }
                let mut raw = [0u8; 16];
                raw[..bytes.len()].copy_from_slice(bytes);
                let d = self.result(inst)?;
                self.op(ops::Vconst { dst: V0, bits: u128::from_le_bytes(raw) }, &[d]);
            }
            (Opcode::Splat, _) => {
                let op = if lane.is_float() {
                    float_op!(is_f64, [VsplatF32x4, VsplatF64x2] { dst: V0, src: F0 })
                } else {
                    int_op!(bits, [VsplatI8x16, VsplatI16x8, VsplatI32x4, VsplatI64x2] { dst: V0, src: X0 })
                };
                unary(self, op)?;
            }
            (Opcode::Extractlane, InstructionData::BinaryImm8 { imm, .. }) => {
                let op = if lane.is_float() {
                    float_op!(is_f64, [VextractF32x4, VextractF64x2] { dst: F0, a: V0, lane: imm })
                } else {
                    int_op!(bits, [VextractI8x16, VextractI16x8, VextractI32x4, VextractI64x2] { dst: X0, a: V0, lane: imm })
                };
                unary(self, op)?;
            }
            (Opcode::Insertlane, InstructionData::TernaryImm8 { imm, .. }) => {
                let op = self.insert_op(lane, imm);
                binary(self, op)?;
            }
            (Opcode::ScalarToVector, _) => {
                let (zero, s, d) = (self.new_vreg(RegClass::Vector), self.reg(args[0])?, self.result(inst)?);
                self.op(ops::Vconst { dst: V0, bits: 0 }, &[zero]);
                let op = self.insert_op(lane, 0);
                self.op(op, &[d, zero, s]);
            }
            (Opcode::Bitcast, _) => self.vector_bitcast(inst, args[0])?,
            (Opcode::Band | Opcode::Bor | Opcode::Bxor, _) => {
                let op: Op = match opcode {
                    Opcode::Band => ops::Vband { dst: V0, a: V0, b: V0 }.into(),
                    Opcode::Bor => ops::Vbor { dst: V0, a: V0, b: V0 }.into(),
                    _ => ops::Vbxor { dst: V0, a: V0, b: V0 }.into(),
                };
                binary(self, op)?;
            }
            (Opcode::Bnot, _) => unary(self, ops::Vbnot { dst: V0, a: V0 }.into())?,
            (Opcode::Bitselect, _) => {
                let (c, a, b, d) =
                    (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                self.op(ops::Vbitselect { dst: V0, c: V0, a: V0, b: V0 }, &[d, c, a, b]);
            }
            (Opcode::Select | Opcode::SelectSpectreGuard, _) => {
                // The op tests all 64 bits: an i128 condition is its halves or'd.
                let c = if arg_ty(0) == types::I128 {
                    self.condition(args[0])?
                } else {
                    self.extended(args[0], false)?
                };
                let (a, b, d) = (self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                self.op(ops::Vselect { dst: V0, cond: X0, a: V0, b: V0 }, &[d, c, a, b]);
            }
            (Opcode::IaddPairwise, _) if bits <= 32 => {
                let op: Op = match bits {
                    8 => ops::VaddPairwiseI8x16 { dst: V0, a: V0, b: V0 }.into(),
                    16 => ops::VaddPairwiseI16x8 { dst: V0, a: V0, b: V0 }.into(),
                    _ => ops::VaddPairwiseI32x4 { dst: V0, a: V0, b: V0 }.into(),
                };
                self.pairs_of_halves(inst, op, args)?;
            }
            (Opcode::Ishl | Opcode::Ushr | Opcode::Sshr, _) if arg_ty(1).is_int() => {
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                // The interpreter takes the amount modulo the lane width,
                // which only looks at its low 6 bits; an i128 amount's low
                // half is enough.
                let amt = self.regs(args[1])?[0];
                let op = match opcode {
                    Opcode::Ishl => {
                        int_op!(bits, [VshlI8x16, VshlI16x8, VshlI32x4, VshlI64x2] { dst: V0, a: V0, amt: X0 })
                    }
                    Opcode::Ushr => int_op!(bits, [VshrUI8x16, VshrUI16x8, VshrUI32x4, VshrUI64x2] {
                        dst: V0, a: V0, amt: X0
                    }),
                    _ => int_op!(bits, [VshrSI8x16, VshrSI16x8, VshrSI32x4, VshrSI64x2] {
                        dst: V0, a: V0, amt: X0
                    }),
                };
                self.op(op, &[d, a, amt]);
            }
            (Opcode::Rotl | Opcode::Rotr, _) if arg_ty(1).is_int() => {
                // `rotl x, n = (x << n) | (x >> -n)`: the shifts take their
                // amounts modulo the lane width, so `-n` is `width - n` (and a
                // rotate by 0 ors `x` with itself).
                let (a, d) = (self.reg(args[0])?, self.result(inst)?);
                let amt = self.regs(args[1])?[0];
                let neg = self.new_vreg(RegClass::Int);
                self.op(ops::Xneg64 { dst: X0, a: X0 }, &[neg, amt]);
                let (left_amt, right_amt) = if opcode == Opcode::Rotl { (amt, neg) } else { (neg, amt) };
                let (l, r) = (self.new_vreg(RegClass::Vector), self.new_vreg(RegClass::Vector));
                let shl =
                    int_op!(bits, [VshlI8x16, VshlI16x8, VshlI32x4, VshlI64x2] { dst: V0, a: V0, amt: X0 });
                let shr = int_op!(bits, [VshrUI8x16, VshrUI16x8, VshrUI32x4, VshrUI64x2] { dst: V0, a: V0, amt: X0 });
                self.op(shl, &[l, a, left_amt]);
                self.op(shr, &[r, a, right_amt]);
                self.op(ops::Vbor { dst: V0, a: V0, b: V0 }, &[d, l, r]);
            }
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
                    IntCC::Equal => int_bin!(bits, VeqI8x16, VeqI16x8, VeqI32x4, VeqI64x2),
                    IntCC::NotEqual => int_bin!(bits, VneI8x16, VneI16x8, VneI32x4, VneI64x2),
                    IntCC::SignedLessThan => int_bin!(bits, VsltI8x16, VsltI16x8, VsltI32x4, VsltI64x2),
                    IntCC::SignedLessThanOrEqual => {
                        int_bin!(bits, VsleI8x16, VsleI16x8, VsleI32x4, VsleI64x2)
                    }
                    IntCC::UnsignedLessThan => int_bin!(bits, VultI8x16, VultI16x8, VultI32x4, VultI64x2),
                    _ => int_bin!(bits, VuleI8x16, VuleI16x8, VuleI32x4, VuleI64x2),
                };
                self.op(op, &[d, a, b]);
            }
            (Opcode::Fcmp, InstructionData::FloatCompare { cond, .. }) => {
                let is_f64 = dfg.value_type(args[0]).lane_type() == types::F64;
                let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                let cc = super::float::float_cc(cond);
                let op = float_op!(is_f64, [VfcmpF32x4, VfcmpF64x2] { dst: V0, a: V0, b: V0, cc: cc });
                self.op(op, &[d, a, b]);
            }
            (Opcode::Fma, _) => {
                let (a, b, c, d) =
                    (self.reg(args[0])?, self.reg(args[1])?, self.reg(args[2])?, self.result(inst)?);
                let op = float_op!(is_f64, [VfmaF32x4, VfmaF64x2] { dst: V0, a: V0, b: V0, c: V0 });
                self.op(op, &[d, a, b, c]);
            }
            (Opcode::FcvtFromSint | Opcode::FcvtFromUint, _) if ctrl.lane_bits() == arg_ty(0).lane_bits() => {
                let signed = opcode == Opcode::FcvtFromSint;
                let op: Op = match (is_f64, signed) {
                    (false, true) => ops::Vf32x4FromI32x4S { dst: V0, a: V0 }.into(),
                    (false, false) => ops::Vf32x4FromI32x4U { dst: V0, a: V0 }.into(),
                    (true, true) => ops::Vf64x2FromI64x2S { dst: V0, a: V0 }.into(),
                    (true, false) => ops::Vf64x2FromI64x2U { dst: V0, a: V0 }.into(),
                };
                unary(self, op)?;
            }
            (Opcode::FcvtToSintSat | Opcode::FcvtToUintSat, _)
                if ctrl.lane_bits() == arg_ty(0).lane_bits() =>
            {
                let signed = opcode == Opcode::FcvtToSintSat;
                let op: Op = match (bits == 64, signed) {
                    (false, true) => ops::Vi32x4FromF32x4SSat { dst: V0, a: V0 }.into(),
                    (false, false) => ops::Vi32x4FromF32x4USat { dst: V0, a: V0 }.into(),
                    (true, true) => ops::Vi64x2FromF64x2SSat { dst: V0, a: V0 }.into(),
                    (true, false) => ops::Vi64x2FromF64x2USat { dst: V0, a: V0 }.into(),
                };
                unary(self, op)?;
            }
            (Opcode::FvpromoteLow, _) => unary(self, ops::VfpromoteLow { dst: V0, a: V0 }.into())?,
            (Opcode::Fvdemote, _) => unary(self, ops::Vfdemote { dst: V0, a: V0 }.into())?,
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
                    self.op(ops::Vshuffle { dst: V0, a: V0, b: V0, mask }, &[moved, a, a]);
                    let op = self.widen_op(from.lane_bits(), false, signed)?;
                    self.op(op, &[d, moved]);
                } else {
                    let op = self.widen_op(from.lane_bits(), high, signed)?;
                    unary(self, op)?;
                }
            }
            (Opcode::Snarrow | Opcode::Unarrow | Opcode::Uunarrow, _) => {
                let from = arg_ty(0);
                let op: Op = match (opcode, from.lane_bits()) {
                    (Opcode::Snarrow, 16) => ops::VnarrowSI16x8 { dst: V0, a: V0, b: V0 }.into(),
                    (Opcode::Snarrow, 32) => ops::VnarrowSI32x4 { dst: V0, a: V0, b: V0 }.into(),
                    (Opcode::Snarrow, _) => ops::VnarrowSI64x2 { dst: V0, a: V0, b: V0 }.into(),
                    (Opcode::Unarrow, 16) => ops::VnarrowSuI16x8 { dst: V0, a: V0, b: V0 }.into(),
                    (Opcode::Unarrow, 32) => ops::VnarrowSuI32x4 { dst: V0, a: V0, b: V0 }.into(),
                    (Opcode::Unarrow, _) => ops::VnarrowSuI64x2 { dst: V0, a: V0, b: V0 }.into(),
                    (_, 16) => ops::VnarrowUI16x8 { dst: V0, a: V0, b: V0 }.into(),
                    (_, 32) => ops::VnarrowUI32x4 { dst: V0, a: V0, b: V0 }.into(),
                    _ => ops::VnarrowUI64x2 { dst: V0, a: V0, b: V0 }.into(),
                };
                self.pairs_of_halves(inst, op, args)?;
            }
            (Opcode::VanyTrue | Opcode::VallTrue | Opcode::VhighBits, _) => {
                self.vector_reduce(inst, opcode, args[0])?
            }
            // The verifier allows only i8x16.
            (Opcode::Swizzle, _) => binary(self, ops::Vswizzle { dst: V0, a: V0, b: V0 }.into())?,
            (Opcode::Shuffle, InstructionData::Shuffle { imm, .. }) => {
                let bytes = dfg.immediates.get(imm).ok_or("shuffle without its mask")?.as_slice();
                let mut raw = [0xffu8; 16];
                raw[..bytes.len().min(16)].copy_from_slice(&bytes[..bytes.len().min(16)]);
                let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
                self.op(ops::Vshuffle { dst: V0, a: V0, b: V0, mask: u128::from_le_bytes(raw) }, &[d, a, b]);
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

    /// A two-operand op whose result takes lanes from `a` then `b` (pairwise
    /// adds, narrowing). For 64-bit vectors the two low halves are joined
    /// into one register first, whose result's low half is the answer.
    fn pairs_of_halves(&mut self, inst: ir::Inst, op: Op, args: &[Value]) -> LowerResult<()> {
        let (a, b, d) = (self.reg(args[0])?, self.reg(args[1])?, self.result(inst)?);
        if self.func.dfg.value_type(args[0]).bits() == 128 {
            self.op(op, &[d, a, b]);
            return Ok(());
        }
        let joined = self.new_vreg(RegClass::Vector);
        let mask = u128::from_le_bytes(core::array::from_fn(|i| if i < 8 { i as u8 } else { 8 + i as u8 }));
        self.op(ops::Vshuffle { dst: V0, a: V0, b: V0, mask }, &[joined, a, b]);
        self.op(op, &[d, joined, joined]);
        Ok(())
    }

    fn insert_op(&self, lane: Type, imm: u8) -> Op {
        if lane.is_float() {
            float_op!(lane == types::F64, [VinsertF32x4, VinsertF64x2] { dst: V0, a: V0, src: F0, lane: imm })
        } else {
            int_op!(lane.bits(), [VinsertI8x16, VinsertI16x8, VinsertI32x4, VinsertI64x2] {
                dst: V0, a: V0, src: X0, lane: imm
            })
        }
    }

    fn widen_op(&self, from_bits: u32, high: bool, signed: bool) -> LowerResult<Op> {
        Ok(match (from_bits, high, signed) {
            (8, false, true) => ops::VwidenLowSI8x16 { dst: V0, a: V0 }.into(),
            (8, false, false) => ops::VwidenLowUI8x16 { dst: V0, a: V0 }.into(),
            (8, true, true) => ops::VwidenHighSI8x16 { dst: V0, a: V0 }.into(),
            (8, true, false) => ops::VwidenHighUI8x16 { dst: V0, a: V0 }.into(),
            (16, false, true) => ops::VwidenLowSI16x8 { dst: V0, a: V0 }.into(),
            (16, false, false) => ops::VwidenLowUI16x8 { dst: V0, a: V0 }.into(),
            (16, true, true) => ops::VwidenHighSI16x8 { dst: V0, a: V0 }.into(),
            (16, true, false) => ops::VwidenHighUI16x8 { dst: V0, a: V0 }.into(),
            (32, false, true) => ops::VwidenLowSI32x4 { dst: V0, a: V0 }.into(),
            (32, false, false) => ops::VwidenLowUI32x4 { dst: V0, a: V0 }.into(),
            (32, true, true) => ops::VwidenHighSI32x4 { dst: V0, a: V0 }.into(),
            (32, true, false) => ops::VwidenHighUI32x4 { dst: V0, a: V0 }.into(),
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
            self.op(ops::VinsertI64x2 { dst: V0, a: V0, src: X0, lane: 1 }, &[w, a, fill]);
            a = w;
        }
        let op = match opcode {
            Opcode::VanyTrue => ops::VanyTrue { dst: X0, a: V0 }.into(),
            Opcode::VallTrue => {
                int_op!(bits, [VallTrueI8x16, VallTrueI16x8, VallTrueI32x4, VallTrueI64x2] { dst: X0, a: V0 })
            }
            _ => {
                int_op!(bits, [VhighBitsI8x16, VhighBitsI16x8, VhighBitsI32x4, VhighBitsI64x2] { dst: X0, a: V0 })
            }
        };
        if opcode == Opcode::VhighBits && ty.bits() == 64 {
            // Only the low lanes' bits count.
            let all = self.new_vreg(RegClass::Int);
            self.op(op, &[all, a]);
            let lanes = ty.lane_count();
            self.op(ops::Xband64I { dst: X0, a: X0, imm: ((1u32 << lanes) - 1) as i32 }, &[d, all]);
        } else {
            self.op(op, &[d, a]);
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
                types::I128 => self.op(ops::VfromX128 { dst: V0, lo: X0, hi: X0 }, &[v, a[0], a[1]]),
                types::I64 => self.op(ops::VsplatI64x2 { dst: V0, src: X0 }, &[v, a[0]]),
                types::F64 => self.op(ops::VsplatF64x2 { dst: V0, src: F0 }, &[v, a[0]]),
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
            types::I128 => self.op(ops::VtoX128 { dst_lo: X0, dst_hi: X0, a: V0 }, &[d[0], d[1], v]),
            types::I64 => self.op(ops::VextractI64x2 { dst: X0, a: V0, lane: 0 }, &[d[0], v]),
            types::F64 => self.op(ops::VextractF64x2 { dst: F0, a: V0, lane: 0 }, &[d[0], v]),
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
            16 => self.op(ops::Vbswap16 { dst: V0, a: V0 }, &[dst, src]),
            32 => self.op(ops::Vbswap32 { dst: V0, a: V0 }, &[dst, src]),
            64 => self.op(ops::Vbswap64 { dst: V0, a: V0 }, &[dst, src]),
            _ => {
                let mask = u128::from_le_bytes(core::array::from_fn(|i| 15 - i as u8));
                self.op(ops::Vshuffle { dst: V0, a: V0, b: V0, mask }, &[dst, src, src]);
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
            self.op(ops::Vload64 { dst: V0, base: X0, offset }, &[raw, base]);
        } else {
            self.op(ops::Vload128 { dst: V0, base: X0, offset }, &[raw, base]);
        }
        match (swap, from_bits) {
            (false, 0) => {}
            (true, 0) => self.byte_swap_into(lane_bits, d, raw),
            (_, _) => {
                let raw = if swap { self.byte_swapped(lane_bits, raw) } else { raw };
                let widen = self.widen_op(from_bits, false, signed)?;
                self.op(widen, &[d, raw]);
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
            self.op(ops::Vstore64 { base: X0, offset, src: V0 }, &[base, v]);
        } else {
            self.op(ops::Vstore128 { base: X0, offset, src: V0 }, &[base, v]);
        }
        Ok(())
    }
}
