//! Each op's semantics at edge values, through encode, verify, decode and
//! execute. `every_op_is_exercised` checks that the cases together run every
//! op of both tables.

mod common;
/// The 128-bit vector ops (ISA v11).
mod vector;
use common::*;
use sheave_interp::{TrapKind, TrapKind::*, Val, ValType};
use sheave_opcodes::{Assembler, FloatCC, OP_SIGNATURES, Op, PcRel, RegMask, XRegMask, ops};

type R = Result<u64, TrapKind>;

/// `Op { dst: x0, a: x0, b: x1 }` on integer arguments (a, b).
macro_rules! xbin {
    ($h:expr; $($Op:ident: [$(($a:expr, $b:expr) => $want:expr),* $(,)?];)*) => {$($({
        let (a, b) = ($a as u64, $b as u64);
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), a: x(0), b: x(1) })], &i64s(&[a, b]), &[ValType::I64])
            .map(|r| r[0].i64().unwrap() as u64);
        let want: R = $want;
        assert_eq!(got, want, "{}({a:#x}, {b:#x})", stringify!($Op));
    })*)*};
}

/// `Op { dst: x0, a: x0, imm/amt }`.
macro_rules! ximm {
    ($h:expr; $($Op:ident $field:ident: [$(($a:expr, $imm:expr) => $want:expr),* $(,)?];)*) => {$($({
        let a = $a as u64;
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), a: x(0), $field: $imm })], &i64s(&[a]), &[ValType::I64])
            .map(|r| r[0].i64().unwrap() as u64);
        let want: R = Ok($want as u64);
        assert_eq!(got, want, "{}({a:#x}, {})", stringify!($Op), $imm);
    })*)*};
}

/// `Op { dst: x0, a: x0 }`.
macro_rules! xun {
    ($h:expr; $($Op:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let a = $a as u64;
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), a: x(0) })], &i64s(&[a]), &[ValType::I64])
            .map(|r| r[0].i64().unwrap() as u64);
        let want: R = Ok($want as u64);
        assert_eq!(got, want, "{}({a:#x})", stringify!($Op));
    })*)*};
}

/// `Op { dst: x0, a: x0, b: x1, amt }` on integer arguments (a, b).
macro_rules! xbin_amt {
    ($h:expr; $($Op:ident: [$(($a:expr, $b:expr, $amt:expr) => $want:expr),* $(,)?];)*) => {$($({
        let (a, b) = ($a as u64, $b as u64);
        let op = Op::from(ops::$Op { dst: x(0), a: x(0), b: x(1), amt: $amt });
        let got = $h.run(&[op], &i64s(&[a, b]), &[ValType::I64]).map(|r| r[0].i64().unwrap() as u64);
        let want: R = Ok($want as u64);
        assert_eq!(got, want, "{}({a:#x}, {b:#x}, {})", stringify!($Op), $amt);
    })*)*};
}

/// Ops with two integer outputs: `Op { dst: x0, $second: x1, a: x0, b: x1 }`.
macro_rules! xbin2 {
    ($h:expr; $($Op:ident $second:ident: [$(($a:expr, $b:expr) => ($w0:expr, $w1:expr)),* $(,)?];)*) => {$($({
        let (a, b) = ($a as u64, $b as u64);
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), $second: x(1), a: x(0), b: x(1) })], &i64s(&[a, b]), &[ValType::I64, ValType::I64]);
        let want = Ok(vec![Val::I64($w0 as u64 as i64), Val::I64($w1 as u64 as i64)]);
        assert_eq!(got, want, "{}({a:#x}, {b:#x})", stringify!($Op));
    })*)*};
}

/// A branch op: returns whether it was taken.
fn taken(h: &mut Harness, op: Op, args: &[Val]) -> bool {
    let mut asm = Assembler::new();
    let yes = asm.label();
    asm.branch(op, yes).unwrap();
    asm.op(ops::Xconst8 { dst: x(0), imm: 0 });
    asm.op(ops::Ret {});
    asm.bind(yes);
    asm.op(ops::Xconst8 { dst: x(0), imm: 1 });
    asm.op(ops::Ret {});
    let r = h.run_asm(asm, |n| vec![0..n], args, &[ValType::I64]).unwrap();
    r[0] == Val::I64(1)
}

macro_rules! xbr {
    ($h:expr; $($Op:ident: [$(($a:expr, $b:expr) => $want:expr),* $(,)?];)*) => {$($({
        let (a, b) = ($a as u64, $b as u64);
        let op = Op::from(ops::$Op { a: x(0), b: x(1), offset: PcRel(0) });
        assert_eq!(taken($h, op, &i64s(&[a, b])), $want, "{}({a:#x}, {b:#x})", stringify!($Op));
    })*)*};
}
macro_rules! xbr_imm {
    ($h:expr; $($Op:ident: [$(($a:expr, $imm:expr) => $want:expr),* $(,)?];)*) => {$($({
        let a = $a as u64;
        let op = Op::from(ops::$Op { a: x(0), imm: $imm, offset: PcRel(0) });
        assert_eq!(taken($h, op, &i64s(&[a])), $want, "{}({a:#x}, {})", stringify!($Op), $imm);
    })*)*};
}
macro_rules! xbr1 {
    ($h:expr; $($Op:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let a = $a as u64;
        let op = Op::from(ops::$Op { cond: x(0), offset: PcRel(0) });
        assert_eq!(taken($h, op, &i64s(&[a])), $want, "{}({a:#x})", stringify!($Op));
    })*)*};
}

const NAN32: f32 = f32::NAN;
const NAN64: f64 = f64::NAN;
/// A NaN with a payload and the sign bit set, to see payloads survive.
const PAYLOAD32: u32 = 0xFFC0_1234;
const PAYLOAD64: u64 = 0xFFF8_0000_0000_1234;

macro_rules! fbr {
    ($h:expr; $($Op:ident $ctor:ident: [$(($a:expr, $b:expr) => $want:expr),* $(,)?];)*) => {$($({
        let op = Op::from(ops::$Op { a: f(0), b: f(1), offset: PcRel(0) });
        let args = [Val::$ctor($a), Val::$ctor($b)];
        assert_eq!(taken($h, op, &args), $want, "{}({:?}, {:?})", stringify!($Op), $a, $b);
    })*)*};
}

/// Float ops `Op { dst: f0, a: f0, b: f1 }`, compared bit for bit.
macro_rules! fbin {
    ($h:expr; $($Op:ident $ctor:ident $ty:ident: [$(($a:expr, $b:expr) => $want:expr),* $(,)?];)*) => {$($({
        let got = $h.run(&[Op::from(ops::$Op { dst: f(0), a: f(0), b: f(1) })], &[Val::$ctor($a), Val::$ctor($b)], &[ValType::$ty]).unwrap();
        assert_eq!(got, [Val::$ctor($want)], "{}({:?}, {:?})", stringify!($Op), $a, $b);
    })*)*};
}
macro_rules! fun {
    ($h:expr; $($Op:ident $ctor:ident $ty:ident -> $rctor:ident $rty:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let got = $h.run(&[Op::from(ops::$Op { dst: f(0), a: f(0) })], &[Val::$ctor($a)], &[ValType::$rty]).unwrap();
        assert_eq!(got, [Val::$rctor($want)], "{}({:?})", stringify!($Op), $a);
    })*)*};
}
/// Float comparisons into x0.
macro_rules! fcmp {
    ($h:expr; $($Op:ident $ctor:ident: [$(($a:expr, $b:expr) => $want:expr),* $(,)?];)*) => {$($({
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), a: f(0), b: f(1) })], &[Val::$ctor($a), Val::$ctor($b)], &[ValType::I64]).unwrap();
        assert_eq!(got, [Val::I64($want as i64)], "{}({:?}, {:?})", stringify!($Op), $a, $b);
    })*)*};
}
/// Float-to-int conversions `Op { dst: x0, a: f0 }`.
macro_rules! f2x {
    ($h:expr; $($Op:ident $ctor:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let got = $h.run(&[Op::from(ops::$Op { dst: x(0), a: f(0) })], &[Val::$ctor($a)], &[ValType::I64])
            .map(|r| r[0].i64().unwrap() as u64);
        let want: R = $want;
        assert_eq!(got, want, "{}({:?})", stringify!($Op), $a);
    })*)*};
}
/// Int-to-float conversions `Op { dst: f0, a: x0 }`.
macro_rules! x2f {
    ($h:expr; $($Op:ident $rctor:ident $rty:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let got = $h.run(&[Op::from(ops::$Op { dst: f(0), a: x(0) })], &i64s(&[$a as u64]), &[ValType::$rty]).unwrap();
        assert_eq!(got, [Val::$rctor($want)], "{}({:#x})", stringify!($Op), $a as u64);
    })*)*};
}

const M32: u64 = 0xFFFF_FFFF;
const HI: u64 = 0xDEAD_BEEF_0000_0000;

fn integer_arithmetic(h: &mut Harness) {
    // a ^ (b shifted by amt); amounts are masked to the width, and the
    // 32-bit op ignores the upper halves and zero-extends.
    xbin_amt! { h;
        XbxorShr64U: [(0xff, 1u64 << 63, 63) => 0xfe, (0, u64::MAX, 0) => u64::MAX, (1, 0x200, 72) => 3];
        XbxorShl64: [(0, 1, 63) => 1u64 << 63, (u64::MAX, 0xf, 4) => !0xf0u64, (0, 1, 65) => 2];
        XbxorShr32U: [(HI | 1, HI | 0x8000_0000, 31) => 0, (0, M32, 36) => 0x0fff_ffff, (HI, 3, 0) => 3];
        XaddShl64: [(0x1000, 3, 2) => 0x100c, (u64::MAX, 1, 0) => 0, (1, 1, 64) => 2, (0, 1, 63) => 1u64 << 63];
    }
    // a * b + c, wrapping: `Op { dst: x0, a: x0, b: x1, c: x2 }` and the `i8` form.
    for (a, b, c, want) in [(3u64, 5u64, 7u64, 22u64), (u64::MAX, 2, 1, u64::MAX), (1 << 32, 1 << 32, 5, 5)] {
        let op = Op::from(ops::Xmadd64 { dst: x(0), a: x(0), b: x(1), c: x(2) });
        let got = h.run(&[op], &i64s(&[a, b, c]), &[ValType::I64]).map(|r| r[0].i64().unwrap() as u64);
        assert_eq!(got, Ok(want), "xmadd64({a:#x}, {b:#x}, {c:#x})");
    }
    // (a ^ b) * c, wrapping; the factor `c` may be the register written.
    for (a, b, c, want) in
        [(6u64, 3u64, 7u64, 35u64), (u64::MAX, 0, 2, u64::MAX - 1), (1 << 63, 0, 3, 1 << 63)]
    {
        let op = Op::from(ops::XbxorMul64 { dst: x(0), a: x(1), b: x(2), c: x(0) });
        let got = h.run(&[op], &i64s(&[c, a, b]), &[ValType::I64]).map(|r| r[0].i64().unwrap() as u64);
        assert_eq!(got, Ok(want), "xbxor_mul64({a:#x}, {b:#x}, {c:#x})");
    }
    for (a, b, imm, want) in
        [(3u64, 5u64, 7i8, 22u64), (0, 9, -1, u64::MAX), (u64::MAX, u64::MAX, -128, -127i64 as u64)]
    {
        let op = Op::from(ops::Xmadd64I8 { dst: x(0), a: x(0), b: x(1), imm });
        let got = h.run(&[op], &i64s(&[a, b]), &[ValType::I64]).map(|r| r[0].i64().unwrap() as u64);
        assert_eq!(got, Ok(want), "xmadd64_i8({a:#x}, {b:#x}, {imm})");
    }
    xbin! { h;
        // 32-bit ops ignore the upper halves and zero-extend the result.
        Xadd32: [(M32, 1) => Ok(0), (HI | 2, HI | 3) => Ok(5), (i32::MAX, 1) => Ok(0x8000_0000)];
        Xadd64: [(u64::MAX, 1) => Ok(0), (i64::MAX, 1) => Ok(1u64 << 63)];
        Xsub32: [(0, 1) => Ok(M32), (HI, 0) => Ok(0)];
        Xsub64: [(0, 1) => Ok(u64::MAX), (i64::MIN, 1) => Ok(i64::MAX as u64)];
        Xmul32: [(0x10000, 0x10000) => Ok(0), (M32, M32) => Ok(1), (HI | 3, 5) => Ok(15)];
        Xmul64: [(1u64 << 32, 1u64 << 32) => Ok(0), (u64::MAX, u64::MAX) => Ok(1), (i64::MIN, -1i64) => Ok(i64::MIN as u64)];
        Xband32: [(HI | 0xF0F0, 0xFF00) => Ok(0xF000)];
        Xband64: [(u64::MAX, HI) => Ok(HI)];
        Xbor32: [(HI | 1, 2) => Ok(3)];
        Xbor64: [(HI, 1) => Ok(HI | 1)];
        Xbxor32: [(M32, HI | 1) => Ok(M32 - 1)];
        Xbxor64: [(u64::MAX, HI) => Ok(!HI)];
        // Shift amounts are masked to the width, as CLIF says.
        Xshl32: [(1, 31) => Ok(1u64 << 31), (1, 32) => Ok(1), (1, 33) => Ok(2), (3, 0xFFFF_FF21u64) => Ok(6)];
        Xshl64: [(1, 63) => Ok(1u64 << 63), (1, 64) => Ok(1), (1, 65) => Ok(2)];
        Xshr32U: [(0x8000_0000u64, 31) => Ok(1), (0x8000_0000u64, 32) => Ok(0x8000_0000), (HI | 4, 1) => Ok(2)];
        Xshr64U: [(1u64 << 63, 63) => Ok(1), (1u64 << 63, 64) => Ok(1u64 << 63)];
        Xshr32S: [(0x8000_0000u64, 31) => Ok(M32), (0x8000_0000u64, 32) => Ok(0x8000_0000), (0x4000_0000, 30) => Ok(1)];
        Xshr64S: [(i64::MIN, 63) => Ok(u64::MAX), (i64::MIN, 64) => Ok(i64::MIN as u64), (-8i64, 1) => Ok(-4i64 as u64)];
        Xrotl32: [(0x8000_0001u64, 1) => Ok(3), (0x8000_0001u64, 33) => Ok(3), (1, 32) => Ok(1)];
        Xrotl64: [(1u64 << 63 | 1, 1) => Ok(3), (1, 64) => Ok(1), (1, 65) => Ok(2)];
        Xrotr32: [(3, 1) => Ok(0x8000_0001), (3, 33) => Ok(0x8000_0001)];
        Xrotr64: [(3, 1) => Ok(1u64 << 63 | 1), (3, 65) => Ok(1u64 << 63 | 1)];
        Xmulhi64S: [(-1i64, -1i64) => Ok(0), (i64::MIN, i64::MIN) => Ok(1u64 << 62), (-1i64, 2) => Ok(u64::MAX)];
        Xmulhi64U: [(u64::MAX, u64::MAX) => Ok(u64::MAX - 1), (1u64 << 32, 1u64 << 32) => Ok(1)];
        Xmin32S: [(M32, 1) => Ok(M32), (0x8000_0000u64, 0x7FFF_FFFF) => Ok(0x8000_0000)];
        Xmin64S: [(u64::MAX, 1) => Ok(u64::MAX), (i64::MIN, i64::MAX) => Ok(i64::MIN as u64)];
        Xmin32U: [(M32, 1) => Ok(1), (HI, 5) => Ok(0)];
        Xmin64U: [(u64::MAX, 1) => Ok(1)];
        Xmax32S: [(M32, 1) => Ok(1), (0x8000_0000u64, 0x7FFF_FFFF) => Ok(0x7FFF_FFFF)];
        Xmax64S: [(u64::MAX, 1) => Ok(1), (i64::MIN, i64::MAX) => Ok(i64::MAX as u64)];
        Xmax32U: [(M32, 1) => Ok(M32)];
        Xmax64U: [(u64::MAX, 1) => Ok(u64::MAX)];
        Xadd32UTrap: [(M32 - 1, 1) => Ok(M32), (M32, 1) => Err(IntegerOverflow)];
        Xadd64UTrap: [(u64::MAX - 1, 1) => Ok(u64::MAX), (u64::MAX, 1) => Err(IntegerOverflow)];
    }
    xbin! { h;
        // Division: by zero traps; signed MIN / -1 overflows; MIN % -1 is 0.
        Xdiv32S: [(7, 2) => Ok(3), (-7i32 as u32 as u64, 2) => Ok(-3i32 as u32 as u64), (1, 0) => Err(DivisionByZero),
                  (0x8000_0000u64, M32) => Err(IntegerOverflow), (0x8000_0000u64, 1) => Ok(0x8000_0000), (5, HI) => Err(DivisionByZero)];
        Xdiv64S: [(-7i64, 2) => Ok(-3i64 as u64), (1, 0) => Err(DivisionByZero), (i64::MIN, -1i64) => Err(IntegerOverflow)];
        Xdiv32U: [(M32, 2) => Ok(0x7FFF_FFFF), (1, 0) => Err(DivisionByZero), (HI | 9, 3) => Ok(3)];
        Xdiv64U: [(u64::MAX, 2) => Ok(u64::MAX / 2), (0, 0) => Err(DivisionByZero)];
        Xrem32S: [(-7i32 as u32 as u64, 2) => Ok(M32), (0x8000_0000u64, M32) => Ok(0), (1, 0) => Err(DivisionByZero)];
        Xrem64S: [(-7i64, 2) => Ok(u64::MAX), (7, -2i64) => Ok(1), (i64::MIN, -1i64) => Ok(0), (1, 0) => Err(DivisionByZero)];
        Xrem32U: [(M32, 10) => Ok(5), (1, 0) => Err(DivisionByZero)];
        Xrem64U: [(u64::MAX, 10) => Ok(5), (1, 0) => Err(DivisionByZero)];
    }
    ximm! { h;
        Xadd32I imm: [(M32, 1) => 0, (5, -6) => M32];
        Xadd64I imm: [(5, -6) => u64::MAX, (u64::MAX, i32::MIN) => (i32::MIN as i64 - 1) as u64];
        Xadd32I8 imm: [(M32, 1i8) => 0, (5, -6i8) => M32, (HI, -128i8) => M32 - 127];
        Xadd64I8 imm: [(5, -6i8) => u64::MAX, (u64::MAX, 127i8) => 126];
        Xmul32I imm: [(M32, -1) => 1, (0x8000_0000u64, 2) => 0];
        Xmul64I imm: [(3, -1) => -3i64 as u64];
        Xband32I imm: [(HI | 0xFF, -16) => 0xF0];
        Xband64I imm: [(u64::MAX, -16) => u64::MAX - 15];
        Xbor32I imm: [(HI, 1) => 1];
        Xbor64I imm: [(0, i32::MIN) => i32::MIN as i64 as u64];
        Xbxor32I imm: [(0, -1) => M32];
        Xbxor64I imm: [(0, -1) => u64::MAX];
        Xmul32I8 imm: [(M32, -1i8) => 1, (0x8000_0000u64, 2i8) => 0, (HI | 3, 5i8) => 15];
        Xmul64I8 imm: [(3, -1i8) => -3i64 as u64, (u64::MAX, 127i8) => -127i64 as u64];
        Xband32I8 imm: [(HI | 0xFF, -16i8) => 0xF0, (M32, 0x7Fi8) => 0x7F];
        Xband64I8 imm: [(u64::MAX, -16i8) => u64::MAX - 15, (u64::MAX, 1i8) => 1];
        Xbor32I8 imm: [(HI, 1i8) => 1, (0, -128i8) => 0xFFFF_FF80];
        Xbor64I8 imm: [(0, -128i8) => -128i64 as u64];
        Xbxor32I8 imm: [(0, -1i8) => M32, (HI | 5, 1i8) => 4];
        Xbxor64I8 imm: [(0, -1i8) => u64::MAX, (6, 3i8) => 5];
        Xshl32I amt: [(1, 31) => 1u64 << 31, (1, 32) => 1, (1, 255) => 1u64 << 31];
        Xshl64I amt: [(1, 63) => 1u64 << 63, (1, 64) => 1];
        Xshr32UI amt: [(M32, 31) => 1, (M32, 32) => M32];
        Xshr64UI amt: [(u64::MAX, 63) => 1, (u64::MAX, 64) => u64::MAX];
        Xshr32SI amt: [(0x8000_0000u64, 31) => M32, (0x8000_0000u64, 63) => M32];
        Xshr64SI amt: [(i64::MIN, 63) => u64::MAX, (i64::MIN, 64) => i64::MIN as u64];
        Xrotl32I amt: [(0x8000_0000u64, 1) => 1, (1, 32) => 1];
        Xrotl64I amt: [(1u64 << 63, 1) => 1, (1, 64) => 1];
    }
    xun! { h;
        Xneg32: [1 => M32, 0x8000_0000u64 => 0x8000_0000u64, 0 => 0];
        Xneg64: [1 => u64::MAX, i64::MIN => i64::MIN];
        Xbnot32: [HI => M32];
        Xbnot64: [0 => u64::MAX];
        Xabs32: [M32 => 1, 0x8000_0000u64 => 0x8000_0000u64];
        Xabs64: [-5i64 => 5, i64::MIN => i64::MIN];
        Xsext8: [0x80 => -128i64, 0x17F => 127];
        Xsext16: [0x8000 => -32768i64, 0x1_7FFF => 0x7FFF];
        Xsext32: [0x8000_0000u64 => i32::MIN as i64, HI | 5 => 5];
        Xzext8: [u64::MAX => 0xFF];
        Xzext16: [u64::MAX => 0xFFFF];
        Xzext32: [u64::MAX => M32];
        Xclz32: [0 => 32, 1 => 31, HI | 0x8000_0000 => 0];
        Xclz64: [0 => 64, 1 => 63, u64::MAX => 0];
        Xctz32: [0 => 32, HI => 32, 0x8000_0000u64 => 31];
        Xctz64: [0 => 64, 1u64 << 63 => 63];
        Xpopcnt32: [u64::MAX => 32, 0 => 0];
        Xpopcnt64: [u64::MAX => 64, 0x8000_0000_0000_0001u64 => 2];
        // Leading bits that copy the sign bit, the sign bit itself excluded.
        Xcls32: [0 => 31, M32 => 31, 1 => 30, 0x8000_0000u64 => 0, HI | 0x4000_0000 => 0];
        Xcls64: [0 => 63, u64::MAX => 63, 1 => 62, i64::MIN => 0];
        Xbswap16: [0x1234 => 0x3412, 0xFFFF_0080 => 0x8000];
        Xbswap32: [0x1234_5678 => 0x7856_3412, HI | 0xFF => 0xFF00_0000u64];
        Xbswap64: [0x0102_0304_0506_0708u64 => 0x0807_0605_0403_0201u64];
        Xbitrev32: [1 => 0x8000_0000u64, HI | 3 => 0xC000_0000u64];
        Xbitrev64: [1 => 1u64 << 63, 0xF0 => 0x0F00_0000_0000_0000u64];
    }
    xbin! { h;
        Xeq32: [(HI | 1, 1) => Ok(1), (1, 2) => Ok(0)];
        Xneq32: [(HI | 1, 1) => Ok(0), (1, 2) => Ok(1)];
        Xslt32: [(M32, 0) => Ok(1), (0, M32) => Ok(0), (0x8000_0000u64, 0x7FFF_FFFF) => Ok(1)];
        Xslteq32: [(5, 5) => Ok(1), (0, M32) => Ok(0)];
        Xult32: [(M32, 0) => Ok(0), (0, M32) => Ok(1), (HI, 1) => Ok(1)];
        Xulteq32: [(5, 5) => Ok(1), (M32, 0) => Ok(0)];
        Xeq64: [(HI | 1, 1) => Ok(0), (u64::MAX, u64::MAX) => Ok(1)];
        Xneq64: [(HI | 1, 1) => Ok(1)];
        Xslt64: [(u64::MAX, 0) => Ok(1), (i64::MAX, i64::MIN) => Ok(0)];
        Xslteq64: [(i64::MIN, i64::MIN) => Ok(1), (0, u64::MAX) => Ok(0)];
        Xult64: [(u64::MAX, 0) => Ok(0), (0, u64::MAX) => Ok(1)];
        Xulteq64: [(u64::MAX, u64::MAX) => Ok(1), (1, 0) => Ok(0)];
    }
    xbin2! { h;
        Xadd32Uof of: [(M32, 1) => (0, 1), (HI | 1, 1) => (2, 0)];
        Xadd64Uof of: [(u64::MAX, 1) => (0, 1), (1, 1) => (2, 0)];
        Xadd32Sof of: [(0x7FFF_FFFF, 1) => (0x8000_0000u64, 1), (M32, 1) => (0, 0)];
        Xadd64Sof of: [(i64::MAX, 1) => (i64::MIN, 1), (u64::MAX, 1) => (0, 0)];
        Xsub32Uof of: [(0, 1) => (M32, 1), (2, 1) => (1, 0)];
        Xsub64Uof of: [(0, 1) => (u64::MAX, 1), (2, 1) => (1, 0)];
        Xsub32Sof of: [(0x8000_0000u64, 1) => (0x7FFF_FFFF, 1), (0, 1) => (M32, 0)];
        Xsub64Sof of: [(i64::MIN, 1) => (i64::MAX, 1), (0, 1) => (u64::MAX, 0)];
        Xmul32Uof of: [(0x10000, 0x10000) => (0, 1), (0xFFFF, 0x10001) => (M32, 0)];
        Xmul64Uof of: [(1u64 << 32, 1u64 << 32) => (0, 1), (M32, M32) => (0xFFFF_FFFE_0000_0001u64, 0)];
        Xmul32Sof of: [(0x8000_0000u64, M32) => (0x8000_0000u64, 1), (M32, M32) => (1, 0)];
        Xmul64Sof of: [(i64::MIN, -1i64) => (i64::MIN, 1), (-1i64, -1i64) => (1, 0)];
    }
    // Full multiplies name their outputs dst_lo/dst_hi.
    let got = h.run(
        &[Op::from(ops::XmulWide64S { dst_lo: x(0), dst_hi: x(1), a: x(0), b: x(1) })],
        &i64s(&[i64::MIN as u64, 2]),
        &[ValType::I64, ValType::I64],
    );
    assert_eq!(got, Ok(i64s(&[0, u64::MAX])));
    let got = h.run(
        &[Op::from(ops::XmulWide64S { dst_lo: x(0), dst_hi: x(1), a: x(0), b: x(1) })],
        &i64s(&[u64::MAX, u64::MAX]),
        &[ValType::I64, ValType::I64],
    );
    assert_eq!(got, Ok(i64s(&[1, 0])));
    let got = h.run(
        &[Op::from(ops::XmulWide64U { dst_lo: x(0), dst_hi: x(1), a: x(0), b: x(1) })],
        &i64s(&[u64::MAX, u64::MAX]),
        &[ValType::I64, ValType::I64],
    );
    assert_eq!(got, Ok(i64s(&[1, u64::MAX - 1])));
    // i128 as register pairs.
    let wide = |h: &mut Harness, op: Op, a: u128, b: u128| -> u128 {
        let args = i64s(&[a as u64, (a >> 64) as u64, b as u64, (b >> 64) as u64]);
        let r = h.run(&[op], &args, &[ValType::I64, ValType::I64]).unwrap();
        r[0].i64().unwrap() as u64 as u128 | (r[1].i64().unwrap() as u64 as u128) << 64
    };
    let add =
        Op::from(ops::Xadd128 { dst_lo: x(0), dst_hi: x(1), a_lo: x(0), a_hi: x(1), b_lo: x(2), b_hi: x(3) });
    let sub =
        Op::from(ops::Xsub128 { dst_lo: x(0), dst_hi: x(1), a_lo: x(0), a_hi: x(1), b_lo: x(2), b_hi: x(3) });
    assert_eq!(wide(h, add, u64::MAX as u128, 1), 1u128 << 64);
    assert_eq!(wide(h, add, u128::MAX, 1), 0);
    assert_eq!(wide(h, sub, 0, 1), u128::MAX);
    assert_eq!(wide(h, sub, 1u128 << 64, 1), u64::MAX as u128);
    // 128-bit division: traps like the 64-bit ops.
    let div = |h: &mut Harness, op: Op, a: u128, b: u128| -> Result<u128, TrapKind> {
        let args = i64s(&[a as u64, (a >> 64) as u64, b as u64, (b >> 64) as u64]);
        let r = h.run(&[op], &args, &[ValType::I64, ValType::I64])?;
        Ok(r[0].i64().unwrap() as u64 as u128 | (r[1].i64().unwrap() as u64 as u128) << 64)
    };
    macro_rules! op128 {
        ($op:ident) => {
            Op::from(ops::$op { dst_lo: x(0), dst_hi: x(1), a_lo: x(0), a_hi: x(1), b_lo: x(2), b_hi: x(3) })
        };
    }
    let (du, ds, ru, rs) = (op128!(Xdiv128U), op128!(Xdiv128S), op128!(Xrem128U), op128!(Xrem128S));
    let min = 1u128 << 127;
    assert_eq!(div(h, du, u128::MAX, 1u128 << 64), Ok(u64::MAX as u128));
    assert_eq!(div(h, du, 1, 0), Err(DivisionByZero));
    assert_eq!(div(h, ds, (-7i128) as u128, 2), Ok((-3i128) as u128));
    assert_eq!(div(h, ds, min, u128::MAX), Err(IntegerOverflow), "MIN / -1");
    assert_eq!(div(h, ds, 1, 0), Err(DivisionByZero));
    assert_eq!(div(h, ru, u128::MAX, 10), Ok(5));
    assert_eq!(div(h, ru, 1, 0), Err(DivisionByZero));
    assert_eq!(div(h, rs, (-7i128) as u128, 2), Ok(u128::MAX), "sign of the dividend");
    assert_eq!(div(h, rs, min, u128::MAX), Ok(0), "MIN % -1 is 0");
    assert_eq!(div(h, rs, 1, 0), Err(DivisionByZero));
    // Carry chains.
    let carry = |h: &mut Harness, op: Op, a: u64, b: u64, c: u64| {
        h.run(&[op], &i64s(&[a, b, c]), &[ValType::I64, ValType::I64]).unwrap()
    };
    let addc = Op::from(ops::Xadd64Carry { dst: x(0), carry_out: x(1), a: x(0), b: x(1), carry_in: x(2) });
    let subb = Op::from(ops::Xsub64Borrow { dst: x(0), borrow_out: x(1), a: x(0), b: x(1), borrow_in: x(2) });
    assert_eq!(carry(h, addc, u64::MAX, 0, 1), i64s(&[0, 1]));
    assert_eq!(carry(h, addc, u64::MAX, u64::MAX, 1), i64s(&[u64::MAX, 1]));
    assert_eq!(carry(h, addc, 1, 2, 0xFE), i64s(&[4, 0]), "any nonzero carry_in counts as 1");
    assert_eq!(carry(h, subb, 5, 3, 0x100), i64s(&[1, 0]), "any nonzero borrow_in counts as 1");
    assert_eq!(carry(h, subb, 0, 0, 1), i64s(&[u64::MAX, 1]));
    assert_eq!(carry(h, subb, 5, 3, 1), i64s(&[1, 0]));
}

fn moves_and_constants(h: &mut Harness) {
    let r = |h: &mut Harness, ops: &[Op], args: &[u64]| h.run(ops, &i64s(args), &[ValType::I64]).unwrap()[0];
    assert_eq!(r(h, &[ops::Xzero { dst: x(0) }.into()], &[u64::MAX]), Val::I64(0));
    assert_eq!(r(h, &[ops::Xmov { dst: x(0), src: x(29) }.into()], &[]), Val::I64(0));
    assert_eq!(r(h, &[ops::Xmov { dst: x(0), src: x(1) }.into()], &[1, 7]), Val::I64(7));
    assert_eq!(r(h, &[ops::Xconst8 { dst: x(0), imm: -128 }.into()], &[]), Val::I64(-128));
    assert_eq!(r(h, &[ops::Xconst16 { dst: x(0), imm: i16::MIN }.into()], &[]), Val::I64(i16::MIN as i64));
    assert_eq!(r(h, &[ops::Xconst32 { dst: x(0), imm: i32::MIN }.into()], &[]), Val::I64(i32::MIN as i64));
    assert_eq!(r(h, &[ops::Xconst64 { dst: x(0), imm: i64::MIN }.into()], &[]), Val::I64(i64::MIN));
    let sel = Op::from(ops::Xselect { dst: x(0), cond: x(0), a: x(1), b: x(2) });
    assert_eq!(r(h, &[sel], &[1u64 << 63, 10, 20]), Val::I64(10), "any set bit of the 64-bit condition");
    assert_eq!(r(h, &[sel], &[0, 10, 20]), Val::I64(20));
    let fr = |h: &mut Harness, ops: &[Op], args: &[Val], ty| h.run(ops, args, &[ty]).unwrap()[0];
    assert_eq!(
        fr(h, &[ops::Fconst32 { dst: f(0), bits: PAYLOAD32 }.into()], &[], ValType::F32),
        Val::F32(PAYLOAD32)
    );
    assert_eq!(
        fr(h, &[ops::Fconst64 { dst: f(0), bits: PAYLOAD64 }.into()], &[], ValType::F64),
        Val::F64(PAYLOAD64)
    );
    assert_eq!(
        fr(
            h,
            &[ops::Fmov { dst: f(0), src: f(1) }.into()],
            &[Val::F64(0), Val::F64(PAYLOAD64)],
            ValType::F64
        ),
        Val::F64(PAYLOAD64)
    );
    let fsel = Op::from(ops::Fselect { dst: f(0), cond: x(0), a: f(0), b: f(1) });
    assert_eq!(
        fr(h, &[fsel], &[Val::I64(0), Val::from_f64(1.0), Val::from_f64(2.0)], ValType::F64),
        Val::from_f64(2.0)
    );
    assert_eq!(
        fr(h, &[fsel], &[Val::I64(2), Val::from_f64(1.0), Val::from_f64(2.0)], ValType::F64),
        Val::from_f64(1.0)
    );
    let vm = Op::from(ops::Vmov { dst: v(0), src: v(1) });
    assert_eq!(fr(h, &[vm], &[Val::V128(1), Val::V128(u128::MAX)], ValType::V128), Val::V128(u128::MAX));
}

/// How many times the body of a loop closed by `latch` runs: the body
/// counts in x2, and `latch` steps x1 (from `start`) and branches back to
/// it; x0 holds `n` for a latch with a register bound.
fn latch_trips(h: &mut Harness, latch: impl Into<Op>, n: i64, start: i64) -> i64 {
    let mut a = Assembler::new();
    let body = a.label();
    a.op(ops::Xzero { dst: x(2) });
    a.bind(body);
    a.op(ops::Xadd64I8 { dst: x(2), a: x(2), imm: 1 });
    a.branch(latch, body).unwrap();
    a.op(ops::Xmov { dst: x(0), src: x(2) });
    a.op(ops::Ret {});
    let r = h.run_asm(a, |n| vec![0..n], &[Val::I64(n), Val::I64(start)], &[ValType::I64]).unwrap();
    r[0].i64().expect("an i64 result")
}

fn branches(h: &mut Harness) {
    xbr1! { h;
        BrIf32: [HI => false, HI | 1 => true];
        BrIfNot32: [HI => true, 1 => false];
        BrIf64: [HI => true, 0 => false];
        BrIfNot64: [HI => false, 0 => true];
    }
    xbr! { h;
        BrIfXeq32: [(HI | 1, 1) => true, (1, 2) => false];
        BrIfXneq32: [(HI | 1, 1) => false, (1, 2) => true];
        BrIfXslt32: [(M32, 0) => true, (0, M32) => false];
        BrIfXslteq32: [(M32, M32) => true, (0, M32) => false];
        BrIfXult32: [(M32, 0) => false, (HI, 1) => true];
        BrIfXulteq32: [(M32, M32) => true, (M32, 0) => false];
        BrIfXeq64: [(HI | 1, 1) => false, (HI, HI) => true];
        BrIfXneq64: [(HI | 1, 1) => true, (HI, HI) => false];
        BrIfXslt64: [(u64::MAX, 0) => true, (i64::MAX, i64::MIN) => false];
        BrIfXslteq64: [(i64::MIN, i64::MIN) => true, (0, u64::MAX) => false];
        BrIfXult64: [(u64::MAX, 0) => false, (0, u64::MAX) => true];
        BrIfXulteq64: [(u64::MAX, u64::MAX) => true, (1, 0) => false];
    }
    // Bit tests: the mask is sign-extended; 32-bit ones ignore the upper half.
    xbr_imm! { h;
        BrIfXband64I8: [(2, 3) => true, (4, 3) => false, (1u64 << 63, -128) => true, (0x7f, -128) => false];
        BrIfnotXband64I8: [(2, 3) => false, (4, 3) => true, (1u64 << 40, -1) => false, (0, -1) => true];
        BrIfXband32I8: [(HI, -1) => false, (HI | 0x8000_0000, -128) => true, (1, 1) => true];
        BrIfnotXband32I8: [(HI, -1) => true, (HI | 0x40, 0x40) => false, (2, 1) => true];
    }
    xbr_imm! { h;
        BrIfXeq32I: [(HI | M32, -1) => true, (0, -1) => false];
        BrIfXneq32I: [(HI | M32, -1) => false, (0, -1) => true];
        BrIfXslt32I: [(M32, 0) => true, (0, -1) => false];
        BrIfXslteq32I: [(M32, -1) => true, (0, -1) => false];
        BrIfXsgt32I: [(0, -1) => true, (M32, 0) => false];
        BrIfXsgteq32I: [(M32, -1) => true, (M32, 0) => false];
        BrIfXult32I: [(5, -1) => true, (M32, -1) => false];
        BrIfXulteq32I: [(M32, -1) => true, (5, 4) => false];
        BrIfXugt32I: [(M32, 5) => true, (5, -1) => false];
        BrIfXugteq32I: [(M32, -1) => true, (0, 1) => false];
        BrIfXeq64I: [(u64::MAX, -1) => true, (M32, -1) => false];
        BrIfXneq64I: [(u64::MAX, -1) => false, (M32, -1) => true];
        BrIfXslt64I: [(u64::MAX, 0) => true, (M32, 0) => false];
        BrIfXslteq64I: [(u64::MAX, -1) => true, (0, -1) => false];
        BrIfXsgt64I: [(M32, 0) => true, (u64::MAX, 0) => false];
        BrIfXsgteq64I: [(u64::MAX, -1) => true, (u64::MAX, 0) => false];
        // Unsigned 64-bit compares against the sign-extended immediate.
        BrIfXult64I: [(M32, -1) => true, (u64::MAX, -1) => false];
        BrIfXulteq64I: [(u64::MAX, -1) => true, (5, 4) => false];
        BrIfXugt64I: [(u64::MAX, 5) => true, (M32, -1) => false];
        BrIfXugteq64I: [(u64::MAX, -1) => true, (0, 1) => false];
        // Short forms: the same, with an 8-bit sign-extended immediate.
        BrIfXeq32I8: [(HI | M32, -1) => true, (0, -1) => false];
        BrIfXneq32I8: [(HI | M32, -1) => false, (0, -1) => true];
        BrIfXslt32I8: [(M32, 0) => true, (0, -128) => false];
        BrIfXslteq32I8: [(M32, -1) => true, (0, -1) => false];
        BrIfXsgt32I8: [(0, -1) => true, (M32, 0) => false];
        BrIfXsgteq32I8: [(M32, -1) => true, (M32, 0) => false];
        BrIfXult32I8: [(5, -1) => true, (M32, -1) => false];
        BrIfXulteq32I8: [(M32, -1) => true, (5, 4) => false];
        BrIfXugt32I8: [(M32, 127) => true, (5, -1) => false];
        BrIfXugteq32I8: [(M32, -1) => true, (0, 1) => false];
        BrIfXeq64I8: [(u64::MAX, -1) => true, (M32, -1) => false];
        BrIfXneq64I8: [(u64::MAX, -1) => false, (M32, -1) => true];
        BrIfXslt64I8: [(u64::MAX, 0) => true, (M32, 0) => false];
        BrIfXslteq64I8: [(u64::MAX, -1) => true, (0, -1) => false];
        BrIfXsgt64I8: [(M32, 0) => true, (u64::MAX, 0) => false];
        BrIfXsgteq64I8: [(u64::MAX, -1) => true, (u64::MAX, 0) => false];
        BrIfXult64I8: [(M32, -1) => true, (u64::MAX, -1) => false];
        BrIfXulteq64I8: [(u64::MAX, -1) => true, (5, 4) => false];
        BrIfXugt64I8: [(u64::MAX, 5) => true, (M32, -1) => false];
        BrIfXugteq64I8: [(u64::MAX, -1) => true, (0, 1) => false];
    }
    fbr! { h;
        // Ordered comparisons are false on NaN; `!=` is true.
        BrIfFeq32 from_f32: [(1.0, 1.0) => true, (NAN32, NAN32) => false, (0.0, -0.0) => true];
        BrIfFneq32 from_f32: [(1.0, 1.0) => false, (NAN32, NAN32) => true];
        BrIfFlt32 from_f32: [(1.0, 2.0) => true, (NAN32, 2.0) => false, (-0.0, 0.0) => false];
        BrIfFlteq32 from_f32: [(2.0, 2.0) => true, (2.0, NAN32) => false];
        BrIfFeq64 from_f64: [(1.0, 1.0) => true, (NAN64, 1.0) => false];
        BrIfFneq64 from_f64: [(1.0, 1.0) => false, (NAN64, 1.0) => true];
        BrIfFlt64 from_f64: [(f64::NEG_INFINITY, f64::MIN) => true, (NAN64, 2.0) => false];
        BrIfFlteq64 from_f64: [(-0.0, 0.0) => true, (2.0, NAN64) => false];
    }
    // A jump table `op` of three entries, the last the default: entry i
    // returns 10 + i.
    let table = |op: Op| {
        let mut a = Assembler::new();
        let targets: Vec<_> = (0..3).map(|_| a.label()).collect();
        a.op(op);
        for &t in &targets {
            a.branch(ops::Jump { offset: PcRel(0) }, t).unwrap();
        }
        for (i, &t) in targets.iter().enumerate() {
            a.bind(t);
            a.op(ops::Xconst8 { dst: x(0), imm: 10 + i as i8 });
            a.op(ops::Ret {});
        }
        a
    };
    // Indices clamp to the default.
    for (idx, want) in [(0u64, 10), (1, 11), (2, 12), (3, 12), (u32::MAX as u64, 12), (HI, 10)] {
        let a = table(ops::BrTable32 { idx: x(0), len: 3 }.into());
        let r = h.run_asm(a, |n| vec![0..n], &i64s(&[idx]), &[ValType::I64]).unwrap();
        assert_eq!(r, [Val::I64(want)], "br_table32 index {idx:#x}");
    }
    // On a loaded byte: the byte at x1 + x2 + 1 picks the entry, clamped
    // to the default like the register form's index.
    let bytes: [u8; 4] = [0, 2, 1, 200];
    for (k, want) in [(0u64, 12), (1, 11), (2, 12), (u64::MAX, 10)] {
        let a = table(ops::BrTable32Xload8UIx { base: x(1), index: x(2), offset: 1, len: 3 }.into());
        let args = i64s(&[0, bytes.as_ptr() as u64, k]);
        let r = h.run_asm(a, |n| vec![0..n], &args, &[ValType::I64]).unwrap();
        assert_eq!(r, [Val::I64(want)], "br_table32_xload8_u_ix at index {k}");
    }
    // The fused jumps: a loop whose back edge adds (x1 += 3, n times), and
    // a move whose jump skips an op.
    for n in [0u64, 1, 5] {
        let mut a = Assembler::new();
        let (top, out) = (a.label(), a.label());
        a.op(ops::Xzero { dst: x(1) });
        a.bind(top);
        a.branch(ops::BrIfXeq64I8 { a: x(0), imm: 0, offset: PcRel(0) }, out).unwrap();
        a.op(ops::Xadd64I8 { dst: x(0), a: x(0), imm: -1 });
        a.branch(ops::Xadd64I8Jump { dst: x(1), a: x(1), imm: 3, offset: PcRel(0) }, top).unwrap();
        a.bind(out);
        a.op(ops::Xmov { dst: x(0), src: x(1) });
        a.op(ops::Ret {});
        let r = h.run_asm(a, |n| vec![0..n], &i64s(&[n]), &[ValType::I64]).unwrap();
        assert_eq!(r, [Val::I64(3 * n as i64)], "xadd64_i8_jump loop of {n}");
    }
    // The 32-bit step wraps and zero-extends.
    let mut a = Assembler::new();
    let (top, out) = (a.label(), a.label());
    a.bind(top);
    a.branch(ops::BrIfXeq64I8 { a: x(0), imm: 0, offset: PcRel(0) }, out).unwrap();
    a.op(ops::Xadd64I8 { dst: x(0), a: x(0), imm: -1 });
    a.branch(ops::Xadd32I8Jump { dst: x(1), a: x(1), imm: 1, offset: PcRel(0) }, top).unwrap();
    a.bind(out);
    a.op(ops::Xmov { dst: x(0), src: x(1) });
    a.op(ops::Ret {});
    let r = h.run_asm(a, |n| vec![0..n], &i64s(&[2, HI | (u32::MAX as u64)]), &[ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(1)], "xadd32_i8_jump");
    let mut a = Assembler::new();
    let out = a.label();
    a.branch(ops::XmovJump { dst: x(0), src: x(1), offset: PcRel(0) }, out).unwrap();
    a.op(ops::Xconst8 { dst: x(0), imm: 99 });
    a.bind(out);
    a.op(ops::Ret {});
    let r = h.run_asm(a, |n| vec![0..n], &i64s(&[1, 42]), &[ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(42)], "xmov_jump");
    // The rotated loop's step and test: x2 counts trips of i = x1, x1 + 2,
    // ... while i < n (unsigned); the body runs once before the first test.
    // From -6 by 2 below -2: two trips. From -4 below 3: -2 is not below 3
    // unsigned (it would be signed), so one trip.
    for (start, n, trips) in [(0i64, 1i64, 1i64), (0, 10, 5), (0, 11, 6), (-6, -2, 2), (-4, 3, 1), (7, 3, 1)]
    {
        let latch = ops::Xadd64I8BrIfXult64 { dst: x(1), a: x(1), n: x(0), imm: 2, offset: PcRel(0) };
        assert_eq!(latch_trips(h, latch, n, start), trips, "xadd64_i8_br_if_xult64 from {start} below {n}");
    }
    // The same with a constant bound (sign-extended): i = x1, x1 + 3, ...
    // below 10; below -2 (u64::MAX - 1) from -8: -8 and -5, then -2 is not.
    for (start, bound, trips) in [(0i64, 10i8, 4i64), (9, 10, 1), (12, 10, 1), (-8, -2, 2)] {
        let latch = ops::Xadd64I8BrIfXult64I8 { dst: x(1), a: x(1), imm: 3, bound, offset: PcRel(0) };
        assert_eq!(
            latch_trips(h, latch, 0, start),
            trips,
            "xadd64_i8_br_if_xult64_i8 from {start} below {bound}"
        );
    }
    // A bound beyond i8 (sign-extended to 64 bits): below 4096 from 4090,
    // two trips; below -2 (u64::MAX - 1) from -8, two trips.
    for (start, bound, trips) in [(0i64, 4096i32, 1366i64), (4090, 4096, 2), (5000, 4096, 1), (-8, -2, 2)] {
        let latch = ops::Xadd64I8BrIfXult64I { dst: x(1), a: x(1), imm: 3, bound, offset: PcRel(0) };
        assert_eq!(
            latch_trips(h, latch, 0, start),
            trips,
            "xadd64_i8_br_if_xult64_i from {start} below {bound}"
        );
    }
    // 32-bit: i = x1, x1 + 3, ... below a 32-bit bound (the i8
    // sign-extended to 32 bits: -2 is 0xffff_fffe); the step wraps at 2^32
    // and the upper half of x1 is ignored.
    for (start, bound, trips) in
        [(0i64, 10i8, 4i64), (9, 10, 1), (12, 10, 1), (0xffff_fff8, -2, 2), (0x1_0000_0000, 1, 1), (-1, 2, 1)]
    {
        let latch = ops::Xadd32I8BrIfXult32I8 { dst: x(1), a: x(1), imm: 3, bound, offset: PcRel(0) };
        assert_eq!(
            latch_trips(h, latch, 0, start),
            trips,
            "xadd32_i8_br_if_xult32_i8 from {start:#x} below {bound}"
        );
    }
    // `n` is read after `dst` is written: with n = dst, never below.
    let mut a = Assembler::new();
    let taken = a.label();
    a.branch(ops::Xadd64I8BrIfXult64 { dst: x(0), a: x(0), n: x(0), imm: 1, offset: PcRel(0) }, taken)
        .unwrap();
    a.op(ops::Ret {});
    a.bind(taken);
    a.op(ops::Xconst8 { dst: x(0), imm: -1 });
    a.op(ops::Ret {});
    let r = h.run_asm(a, |n| vec![0..n], &i64s(&[5]), &[ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(6)], "xadd64_i8_br_if_xult64 with n = dst");
}

fn floats(h: &mut Harness) {
    let canon32 = f32::NAN.to_bits();
    let canon64 = f64::NAN.to_bits();
    fbin! { h;
        Fadd32 from_f32 F32: [(1.5, 2.25) => 3.75, (f32::MAX, f32::MAX) => f32::INFINITY, (-0.0, -0.0) => -0.0, (0.0, -0.0) => 0.0];
        Fadd64 from_f64 F64: [(0.1, 0.2) => 0.30000000000000004, (f64::INFINITY, 1.0) => f64::INFINITY];
        Fsub32 from_f32 F32: [(1.0, 1.0) => 0.0, (-0.0, 0.0) => -0.0];
        Fsub64 from_f64 F64: [(1.0, 3.0) => -2.0];
        Fmul32 from_f32 F32: [(-2.0, 0.0) => -0.0, (1e30, 1e30) => f32::INFINITY];
        Fmul64 from_f64 F64: [(3.0, 0.5) => 1.5];
        Fdiv32 from_f32 F32: [(1.0, 0.0) => f32::INFINITY, (-1.0, 0.0) => f32::NEG_INFINITY, (1.0, 4.0) => 0.25];
        Fdiv64 from_f64 F64: [(1.0, -0.0) => f64::NEG_INFINITY, (1.0, 3.0) => 1.0 / 3.0];
        // CLIF fmin/fmax: -0.0 < +0.0 in either order.
        Fmin32 from_f32 F32: [(0.0, -0.0) => -0.0, (-0.0, 0.0) => -0.0, (1.0, 2.0) => 1.0, (f32::NEG_INFINITY, 0.0) => f32::NEG_INFINITY];
        Fmin64 from_f64 F64: [(0.0, -0.0) => -0.0, (-0.0, 0.0) => -0.0, (3.0, -3.0) => -3.0];
        Fmax32 from_f32 F32: [(0.0, -0.0) => 0.0, (-0.0, 0.0) => 0.0, (1.0, 2.0) => 2.0];
        Fmax64 from_f64 F64: [(0.0, -0.0) => 0.0, (-0.0, 0.0) => 0.0, (f64::INFINITY, 1.0) => f64::INFINITY];
    }
    // Multiply-adds round the product before adding: 1 - 2^-56 rounds to
    // 1.0, so (1 + 2^-28)(1 - 2^-28) - 1 is 0 here (a fused multiply-add
    // would give -2^-56; the same in f32 with 2^-13). f0 = a, f1 = b, f2 = c.
    let (a64, b64) = (1.0 + 2f64.powi(-28), 1.0 - 2f64.powi(-28));
    let (a32, b32) = (1.0 + 2f32.powi(-13), 1.0 - 2f32.powi(-13));
    let args64 = [Val::from_f64(a64), Val::from_f64(b64), Val::from_f64(-1.0)];
    let args32 = [Val::from_f32(a32), Val::from_f32(b32), Val::from_f32(-1.0)];
    for (op, args, want) in [
        (Op::from(ops::Fmuladd64 { dst: f(0), a: f(0), b: f(1), c: f(2) }), &args64, Val::from_f64(0.0)),
        (Op::from(ops::Faddmul64 { dst: f(0), c: f(2), a: f(0), b: f(1) }), &args64, Val::from_f64(0.0)),
        (Op::from(ops::Fmuladd32 { dst: f(0), a: f(0), b: f(1), c: f(2) }), &args32, Val::from_f32(0.0)),
        (Op::from(ops::Faddmul32 { dst: f(0), c: f(2), a: f(0), b: f(1) }), &args32, Val::from_f32(0.0)),
    ] {
        let ty = if matches!(want, Val::F64(_)) { ValType::F64 } else { ValType::F32 };
        assert_eq!(h.run(&[op], args, &[ty]).unwrap(), [want], "{op}");
    }
    let args = [Val::from_f64(3.0), Val::from_f64(-0.5), Val::from_f64(10.0)];
    let op = Op::from(ops::Fmuladd64 { dst: f(0), a: f(0), b: f(1), c: f(2) });
    assert_eq!(h.run(&[op], &args, &[ValType::F64]).unwrap(), [Val::from_f64(8.5)]);
    let op = Op::from(ops::Faddmul64 { dst: f(3), c: f(2), a: f(1), b: f(1) });
    let got = h.run(&[op, Op::from(ops::Fmov { dst: f(0), src: f(3) })], &args, &[ValType::F64]).unwrap();
    assert_eq!(got, [Val::from_f64(10.25)]);
    // A NaN operand gives the canonical NaN, whatever its payload.
    for (op, ty) in [
        (Op::from(ops::Fmin32 { dst: f(0), a: f(0), b: f(1) }), ValType::F32),
        (Op::from(ops::Fmax32 { dst: f(0), a: f(0), b: f(1) }), ValType::F32),
    ] {
        for args in [[Val::F32(PAYLOAD32), Val::from_f32(1.0)], [Val::from_f32(1.0), Val::F32(PAYLOAD32)]] {
            assert_eq!(h.run(&[op], &args, &[ty]).unwrap(), [Val::F32(canon32)], "{op}");
        }
    }
    for (op, ty) in [
        (Op::from(ops::Fmin64 { dst: f(0), a: f(0), b: f(1) }), ValType::F64),
        (Op::from(ops::Fmax64 { dst: f(0), a: f(0), b: f(1) }), ValType::F64),
    ] {
        for args in [[Val::F64(PAYLOAD64), Val::from_f64(1.0)], [Val::from_f64(-0.0), Val::F64(PAYLOAD64)]] {
            assert_eq!(h.run(&[op], &args, &[ty]).unwrap(), [Val::F64(canon64)], "{op}");
        }
    }
    // Arithmetic on NaN gives a NaN.
    let r = h
        .run(
            &[ops::Fadd64 { dst: f(0), a: f(0), b: f(1) }.into()],
            &[Val::F64(PAYLOAD64), Val::from_f64(1.0)],
            &[ValType::F64],
        )
        .unwrap();
    assert!(r[0].f64().unwrap().is_nan());
    let r = h
        .run(
            &[ops::Fsub32 { dst: f(0), a: f(0), b: f(1) }.into()],
            &[Val::from_f32(f32::INFINITY), Val::from_f32(f32::INFINITY)],
            &[ValType::F32],
        )
        .unwrap();
    assert!(r[0].f32().unwrap().is_nan());
    fbin! { h;
        Fcopysign32 from_f32 F32: [(1.5, -0.0) => -1.5, (-2.0, 1.0) => 2.0];
        Fcopysign64 from_f64 F64: [(1.5, -0.0) => -1.5, (-2.0, 0.0) => 2.0];
    }
    // Sign operations keep NaN payloads.
    let r = h
        .run(
            &[ops::Fcopysign32 { dst: f(0), a: f(0), b: f(1) }.into()],
            &[Val::F32(PAYLOAD32), Val::from_f32(1.0)],
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(r, [Val::F32(PAYLOAD32 & !(1 << 31))]);
    fun! { h;
        Fneg32 F32 F32 -> F32 F32: [PAYLOAD32 => PAYLOAD32 ^ 1 << 31, 0 => 1 << 31];
        Fneg64 F64 F64 -> F64 F64: [PAYLOAD64 => PAYLOAD64 ^ 1 << 63, 0 => 1 << 63];
        Fabs32 F32 F32 -> F32 F32: [PAYLOAD32 => PAYLOAD32 & !(1 << 31), (-1.5f32).to_bits() => 1.5f32.to_bits()];
        Fabs64 F64 F64 -> F64 F64: [PAYLOAD64 => PAYLOAD64 & !(1 << 63), (-0.0f64).to_bits() => 0];
    }
    fun! { h;
        Fsqrt32 from_f32 F32 -> from_f32 F32: [4.0 => 2.0, -0.0 => -0.0, f32::INFINITY => f32::INFINITY];
        Fsqrt64 from_f64 F64 -> from_f64 F64: [2.0 => std::f64::consts::SQRT_2, -0.0 => -0.0];
        Fceil32 from_f32 F32 -> from_f32 F32: [1.1 => 2.0, -0.5 => -0.0, -1.5 => -1.0];
        Fceil64 from_f64 F64 -> from_f64 F64: [1.0000001 => 2.0, -0.5 => -0.0, 4503599627370497.0 => 4503599627370497.0];
        Ffloor32 from_f32 F32 -> from_f32 F32: [-1.1 => -2.0, 0.5 => 0.0, -0.0 => -0.0];
        Ffloor64 from_f64 F64 -> from_f64 F64: [-1.1 => -2.0, 1.9 => 1.0];
        Ftrunc32 from_f32 F32 -> from_f32 F32: [-1.9 => -1.0, 1.9 => 1.0, -0.3 => -0.0];
        Ftrunc64 from_f64 F64 -> from_f64 F64: [-1.9 => -1.0, f64::NEG_INFINITY => f64::NEG_INFINITY];
        // Ties to even.
        Fnearest32 from_f32 F32 -> from_f32 F32: [0.5 => 0.0, 1.5 => 2.0, 2.5 => 2.0, -0.5 => -0.0, -1.5 => -2.0];
        Fnearest64 from_f64 F64 -> from_f64 F64: [0.5 => 0.0, 1.5 => 2.0, 2.5 => 2.0, 4503599627370497.0 => 4503599627370497.0];
        Fpromote from_f32 F32 -> from_f64 F64: [1.5 => 1.5, f32::MAX => f32::MAX as f64, -0.0 => -0.0];
        Fdemote from_f64 F64 -> from_f32 F32: [1.5 => 1.5, 1e300 => f32::INFINITY, 1.0000000000000002 => 1.0];
    }
    {
        let (op, ty) = (Op::from(ops::Fsqrt64 { dst: f(0), a: f(0) }), ValType::F64);
        let r = h.run(&[op], &[Val::from_f64(-1.0)], &[ty]).unwrap();
        assert!(r[0].f64().unwrap().is_nan(), "sqrt(-1) is NaN");
    }
    // Fused multiply-add rounds once: (1 + 2^-52)^2 - 1 keeps the 2^-104 term.
    let e = f64::EPSILON;
    let r = h
        .run(
            &[ops::Fma64 { dst: f(0), a: f(0), b: f(1), c: f(2) }.into()],
            &[Val::from_f64(1.0 + e), Val::from_f64(1.0 + e), Val::from_f64(-1.0)],
            &[ValType::F64],
        )
        .unwrap();
    assert_eq!(r, [Val::from_f64(2.0 * e + e * e)]);
    let e32 = f32::EPSILON;
    let r = h
        .run(
            &[ops::Fma32 { dst: f(0), a: f(0), b: f(1), c: f(2) }.into()],
            &[Val::from_f32(1.0 + e32), Val::from_f32(1.0 + e32), Val::from_f32(-1.0)],
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(r, [Val::from_f32(2.0 * e32 + e32 * e32)]);

    fcmp! { h;
        Feq32 from_f32: [(1.0, 1.0) => 1, (NAN32, NAN32) => 0, (0.0, -0.0) => 1];
        Fneq32 from_f32: [(1.0, 1.0) => 0, (NAN32, 1.0) => 1];
        Flt32 from_f32: [(1.0, 2.0) => 1, (NAN32, 2.0) => 0];
        Flteq32 from_f32: [(2.0, 2.0) => 1, (NAN32, 2.0) => 0];
        Feq64 from_f64: [(1.0, 1.0) => 1, (NAN64, NAN64) => 0];
        Fneq64 from_f64: [(1.0, 1.0) => 0, (NAN64, NAN64) => 1];
        Flt64 from_f64: [(-0.0, 0.0) => 0, (1.0, NAN64) => 0, (-1.0, 0.0) => 1];
        Flteq64 from_f64: [(-0.0, 0.0) => 1, (NAN64, NAN64) => 0];
    }
    // Every CLIF condition code, on ordered-less, equal, greater and unordered operands.
    let cases: [(FloatCC, [u64; 4]); 14] = [
        (FloatCC::ORDERED, [1, 1, 1, 0]),
        (FloatCC::UNORDERED, [0, 0, 0, 1]),
        (FloatCC::EQUAL, [0, 1, 0, 0]),
        (FloatCC::NOT_EQUAL, [1, 0, 1, 1]),
        (FloatCC::ORDERED_NOT_EQUAL, [1, 0, 1, 0]),
        (FloatCC::UNORDERED_OR_EQUAL, [0, 1, 0, 1]),
        (FloatCC::LESS_THAN, [1, 0, 0, 0]),
        (FloatCC::LESS_THAN_OR_EQUAL, [1, 1, 0, 0]),
        (FloatCC::GREATER_THAN, [0, 0, 1, 0]),
        (FloatCC::GREATER_THAN_OR_EQUAL, [0, 1, 1, 0]),
        (FloatCC::UNORDERED_OR_LESS_THAN, [1, 0, 0, 1]),
        (FloatCC::UNORDERED_OR_LESS_THAN_OR_EQUAL, [1, 1, 0, 1]),
        (FloatCC::UNORDERED_OR_GREATER_THAN, [0, 0, 1, 1]),
        (FloatCC::UNORDERED_OR_GREATER_THAN_OR_EQUAL, [0, 1, 1, 1]),
    ];
    let pairs = [(1.0f64, 2.0f64), (2.0, 2.0), (3.0, 2.0), (f64::NAN, 2.0)];
    for (cc, want) in cases {
        for ((a, b), w) in pairs.iter().zip(want) {
            let r32 = h
                .run(
                    &[ops::Fcmp32 { dst: x(0), a: f(0), b: f(1), cc }.into()],
                    &[Val::from_f32(*a as f32), Val::from_f32(*b as f32)],
                    &[ValType::I64],
                )
                .unwrap();
            assert_eq!(r32, [Val::I64(w as i64)], "fcmp32 {cc} {a} {b}");
            let r64 = h
                .run(
                    &[ops::Fcmp64 { dst: x(0), a: f(0), b: f(1), cc }.into()],
                    &[Val::from_f64(*a), Val::from_f64(*b)],
                    &[ValType::I64],
                )
                .unwrap();
            assert_eq!(r64, [Val::I64(w as i64)], "fcmp64 {cc} {a} {b}");
        }
    }
}

fn conversions(h: &mut Harness) {
    f2x! { h;
        X32FromF32S from_f32: [-1.9 => Ok(M32), 2147483520.0 => Ok(2147483520), -2147483648.0 => Ok(0x8000_0000),
            2147483648.0 => Err(IntegerOverflow), NAN32 => Err(BadConversionToInteger), f32::NEG_INFINITY => Err(IntegerOverflow)];
        X32FromF64S from_f64: [2147483647.9 => Ok(0x7FFF_FFFF), -2147483648.9 => Ok(0x8000_0000), -2147483649.0 => Err(IntegerOverflow), NAN64 => Err(BadConversionToInteger)];
        X32FromF32U from_f32: [-0.9 => Ok(0), 4294967040.0 => Ok(4294967040), 4294967296.0 => Err(IntegerOverflow), -1.0 => Err(IntegerOverflow)];
        X32FromF64U from_f64: [4294967295.9 => Ok(M32), -0.99 => Ok(0), 4294967296.0 => Err(IntegerOverflow), NAN64 => Err(BadConversionToInteger)];
        X64FromF32S from_f32: [-9223372036854775808.0 => Ok(i64::MIN as u64), 9223372036854775808.0 => Err(IntegerOverflow), -1.5 => Ok(u64::MAX)];
        X64FromF64S from_f64: [-9223372036854775808.0 => Ok(i64::MIN as u64), 9223372036854774784.0 => Ok(9223372036854774784),
            9223372036854775808.0 => Err(IntegerOverflow), -9223372036854777856.0 => Err(IntegerOverflow), NAN64 => Err(BadConversionToInteger)];
        X64FromF32U from_f32: [18446742974197923840.0 => Ok(18446742974197923840), 18446744073709551616.0 => Err(IntegerOverflow), -0.5 => Ok(0)];
        X64FromF64U from_f64: [18446744073709549568.0 => Ok(18446744073709549568), 18446744073709551616.0 => Err(IntegerOverflow), -1.0 => Err(IntegerOverflow), f64::INFINITY => Err(IntegerOverflow)];
        // Saturating: clamp, NaN gives 0.
        X32FromF32SSat from_f32: [1e10 => Ok(0x7FFF_FFFF), -1e10 => Ok(0x8000_0000), NAN32 => Ok(0), -1.5 => Ok(M32)];
        X32FromF32USat from_f32: [1e10 => Ok(M32), -5.0 => Ok(0), NAN32 => Ok(0)];
        X32FromF64SSat from_f64: [f64::INFINITY => Ok(0x7FFF_FFFF), f64::NEG_INFINITY => Ok(0x8000_0000), NAN64 => Ok(0)];
        X32FromF64USat from_f64: [f64::INFINITY => Ok(M32), -1.0 => Ok(0), 3.9 => Ok(3)];
        X64FromF32SSat from_f32: [f32::INFINITY => Ok(i64::MAX as u64), f32::NEG_INFINITY => Ok(i64::MIN as u64), NAN32 => Ok(0)];
        X64FromF32USat from_f32: [f32::INFINITY => Ok(u64::MAX), -1.0 => Ok(0)];
        X64FromF64SSat from_f64: [1e300 => Ok(i64::MAX as u64), -1e300 => Ok(i64::MIN as u64), NAN64 => Ok(0)];
        X64FromF64USat from_f64: [1e300 => Ok(u64::MAX), -1e300 => Ok(0), NAN64 => Ok(0)];
    }
    x2f! { h;
        F32FromX32S from_f32 F32: [M32 => -1.0, HI | 0x8000_0000 => -2147483648.0];
        F32FromX32U from_f32 F32: [M32 => 4294967296.0, HI | 1 => 1.0];
        F32FromX64S from_f32 F32: [u64::MAX => -1.0, i64::MIN => -9223372036854775808.0];
        // Rounded to nearest even: 2^24 + 1 is not an f32.
        F32FromX64U from_f32 F32: [u64::MAX => 18446744073709551616.0, 16777217u64 => 16777216.0];
        F64FromX32S from_f64 F64: [0x8000_0000u64 => -2147483648.0, HI | 5 => 5.0];
        F64FromX32U from_f64 F64: [M32 => 4294967295.0];
        F64FromX64S from_f64 F64: [i64::MIN => -9223372036854775808.0, u64::MAX => -1.0];
        F64FromX64U from_f64 F64: [u64::MAX => 18446744073709551616.0, (1u64 << 53) + 1 => 9007199254740992.0];
    }
    // 128-bit conversions: results are register pairs.
    let to128 = |h: &mut Harness, op: Op, a: Val| -> Result<u128, TrapKind> {
        let r = h.run(&[op], &[a], &[ValType::I64, ValType::I64])?;
        Ok(r[0].i64().unwrap() as u64 as u128 | (r[1].i64().unwrap() as u64 as u128) << 64)
    };
    macro_rules! t128 {
        ($op:ident) => {
            Op::from(ops::$op { dst_lo: x(0), dst_hi: x(1), a: f(0) })
        };
    }
    let two127 = 170141183460469231731687303715884105728.0f64;
    assert_eq!(to128(h, t128!(X128FromF64S), Val::from_f64(-two127)), Ok(1u128 << 127));
    assert_eq!(to128(h, t128!(X128FromF64S), Val::from_f64(two127)), Err(IntegerOverflow));
    assert_eq!(to128(h, t128!(X128FromF64S), Val::from_f64(-1.5)), Ok(u128::MAX));
    assert_eq!(to128(h, t128!(X128FromF64U), Val::from_f64(two127)), Ok(1u128 << 127));
    assert_eq!(to128(h, t128!(X128FromF64U), Val::from_f64(-1.0)), Err(IntegerOverflow));
    assert_eq!(to128(h, t128!(X128FromF32S), Val::from_f32(f32::NAN)), Err(BadConversionToInteger));
    assert_eq!(to128(h, t128!(X128FromF32U), Val::from_f32(1e38)), Ok(1e38f32 as u128));
    assert_eq!(to128(h, t128!(X128FromF64SSat), Val::from_f64(1e300)), Ok(i128::MAX as u128));
    assert_eq!(to128(h, t128!(X128FromF64USat), Val::from_f64(-5.0)), Ok(0));
    assert_eq!(to128(h, t128!(X128FromF32SSat), Val::from_f32(f32::NAN)), Ok(0));
    assert_eq!(to128(h, t128!(X128FromF32USat), Val::from_f32(f32::INFINITY)), Ok(u128::MAX));
    let from128 = |h: &mut Harness, op: Op, v: u128, ty: ValType| {
        h.run(&[op], &i64s(&[v as u64, (v >> 64) as u64]), &[ty]).unwrap()[0]
    };
    macro_rules! f128op {
        ($op:ident) => {
            Op::from(ops::$op { dst: f(0), a_lo: x(0), a_hi: x(1) })
        };
    }
    assert_eq!(from128(h, f128op!(F64FromX128S), u128::MAX, ValType::F64), Val::from_f64(-1.0));
    assert_eq!(from128(h, f128op!(F64FromX128U), u128::MAX, ValType::F64), Val::from_f64(u128::MAX as f64));
    assert_eq!(
        from128(h, f128op!(F32FromX128S), 1u128 << 127, ValType::F32),
        Val::from_f32(i128::MIN as f32)
    );
    assert_eq!(
        from128(h, f128op!(F32FromX128U), (1u128 << 64) + 1, ValType::F32),
        Val::from_f32(18446744073709551616.0)
    );
    // Bitcasts move bits unchanged, NaN payloads included.
    let r = h
        .run(&[ops::BitcastXFromF32 { dst: x(0), a: f(0) }.into()], &[Val::F32(PAYLOAD32)], &[ValType::I64])
        .unwrap();
    assert_eq!(r, [Val::I64(PAYLOAD32 as i64)]);
    let r = h
        .run(&[ops::BitcastXFromF64 { dst: x(0), a: f(0) }.into()], &[Val::F64(PAYLOAD64)], &[ValType::I64])
        .unwrap();
    assert_eq!(r, [Val::I64(PAYLOAD64 as i64)]);
    let r = h
        .run(
            &[ops::BitcastF32FromX { dst: f(0), a: x(0) }.into()],
            &i64s(&[HI | PAYLOAD32 as u64]),
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(r, [Val::F32(PAYLOAD32)]);
    let r = h
        .run(&[ops::BitcastF64FromX { dst: f(0), a: x(0) }.into()], &i64s(&[PAYLOAD64]), &[ValType::F64])
        .unwrap();
    assert_eq!(r, [Val::F64(PAYLOAD64)]);
}

fn memory(h: &mut Harness) {
    let mut buf: [u8; 32] = core::array::from_fn(|i| 0x80 | i as u8);
    let base = buf.as_mut_ptr().expose_provenance() as u64;
    // Loads at an unaligned offset 3, through a base pointing 8 past the start
    // (so the offset -5 is negative).
    let load = |h: &mut Harness, op: Op| {
        h.run(&[op], &i64s(&[base + 8]), &[ValType::I64]).unwrap()[0].i64().unwrap() as u64
    };
    let le = |n: usize| (0..n).fold(0u64, |acc, i| acc | ((0x83 + i as u64) << (8 * i)));
    let be = |n: usize| (0..n).fold(0u64, |acc, i| acc << 8 | (0x83 + i as u64));
    let sx = |v: u64, bits: u32| ((v << (64 - bits)) as i64 >> (64 - bits)) as u64;
    macro_rules! loads {
        ($($Op:ident => $want:expr;)*) => {$(
            assert_eq!(load(h, ops::$Op { dst: x(0), base: x(0), offset: -5 }.into()), $want, stringify!($Op));
        )*};
    }
    loads! {
        Xload8U => 0x83;
        Xload8S => sx(0x83, 8);
        Xload16U => le(2);
        Xload16S => sx(le(2), 16);
        Xload32U => le(4);
        Xload32S => sx(le(4), 32);
        Xload64 => le(8);
        Xload16BeU => be(2);
        Xload16BeS => sx(be(2), 16);
        Xload32BeU => be(4);
        Xload32BeS => sx(be(4), 32);
        Xload64Be => be(8);
    }
    // The indexed forms: base x0 = buf + 4, index x1 = 4, offset -5 reach
    // the same byte 3.
    let load_ix = |h: &mut Harness, op: Op| {
        h.run(&[op], &i64s(&[base + 4, 4]), &[ValType::I64]).unwrap()[0].i64().unwrap() as u64
    };
    macro_rules! loads_ix {
        ($($Op:ident => $want:expr;)*) => {$(
            assert_eq!(
                load_ix(h, ops::$Op { dst: x(0), base: x(0), index: x(1), offset: -5 }.into()),
                $want,
                stringify!($Op)
            );
        )*};
    }
    loads_ix! {
        Xload8UIx => 0x83;
        Xload8SIx => sx(0x83, 8);
        Xload16UIx => le(2);
        Xload16SIx => sx(le(2), 16);
        Xload32UIx => le(4);
        Xload32SIx => sx(le(4), 32);
        Xload64Ix => le(8);
    }
    let fl = h
        .run(
            &[ops::Fload32Ix { dst: f(0), base: x(0), index: x(1), offset: -5 }.into()],
            &i64s(&[base + 4, 4]),
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(fl, [Val::F32(le(4) as u32)]);
    let fl = h
        .run(
            &[ops::Fload64Ix { dst: f(0), base: x(0), index: x(1), offset: -5 }.into()],
            &i64s(&[base + 4, 4]),
            &[ValType::F64],
        )
        .unwrap();
    assert_eq!(fl, [Val::F64(le(8))]);
    let fl = h
        .run(
            &[ops::Fload32 { dst: f(0), base: x(0), offset: -5 }.into()],
            &i64s(&[base + 8]),
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(fl, [Val::F32(le(4) as u32)]);
    let fl = h
        .run(
            &[ops::Fload64 { dst: f(0), base: x(0), offset: -5 }.into()],
            &i64s(&[base + 8]),
            &[ValType::F64],
        )
        .unwrap();
    assert_eq!(fl, [Val::F64(le(8))]);
    let fl = h
        .run(
            &[ops::Fload32Be { dst: f(0), base: x(0), offset: -5 }.into()],
            &i64s(&[base + 8]),
            &[ValType::F32],
        )
        .unwrap();
    assert_eq!(fl, [Val::F32(be(4) as u32)]);
    let fl = h
        .run(
            &[ops::Fload64Be { dst: f(0), base: x(0), offset: -5 }.into()],
            &i64s(&[base + 8]),
            &[ValType::F64],
        )
        .unwrap();
    assert_eq!(fl, [Val::F64(be(8))]);
    let vl = h
        .run(
            &[ops::Vload128 { dst: v(0), base: x(0), offset: -5 }.into()],
            &i64s(&[base + 8]),
            &[ValType::V128],
        )
        .unwrap();
    let want = (0..16).fold(0u128, |acc, i| acc | ((0x83 + i as u128) << (8 * i)));
    assert_eq!(vl, [Val::V128(want)]);

    // Stores write exactly their width at byte 13 (base + offset).
    let value = 0x0102_0304_0506_0708u64;
    let mut check_store = |h: &mut Harness, op: Op, args: &[Val], want: &[u8], name: &str| {
        buf.fill(0);
        h.run(&[op], args, &[]).unwrap();
        let mut expect = [0u8; 32];
        expect[13..13 + want.len()].copy_from_slice(want);
        assert_eq!(buf, expect, "{name}");
    };
    macro_rules! stores {
        ($($Op:ident $src:ident $arg:expr => $bytes:expr;)*) => {$({
            let args = [Val::I64((base + 16) as i64), $arg];
            let op = ops::$Op { base: x(0), offset: -3, src: $src(if matches!($arg, Val::I64(_)) { 1 } else { 0 }) };
            check_store(h, op.into(), &args, &$bytes, stringify!($Op));
        })*};
    }
    stores! {
        Xstore8 x Val::I64(value as i64) => [0x08];
        Xstore16 x Val::I64(value as i64) => [0x08, 0x07];
        Xstore32 x Val::I64(value as i64) => [0x08, 0x07, 0x06, 0x05];
        Xstore64 x Val::I64(value as i64) => value.to_le_bytes();
        Xstore16Be x Val::I64(value as i64) => [0x07, 0x08];
        Xstore32Be x Val::I64(value as i64) => [0x05, 0x06, 0x07, 0x08];
        Xstore64Be x Val::I64(value as i64) => value.to_be_bytes();
        Fstore32 f Val::F32(0x1122_3344) => [0x44, 0x33, 0x22, 0x11];
        Fstore64 f Val::F64(value) => value.to_le_bytes();
        Fstore32Be f Val::F32(0x1122_3344) => [0x11, 0x22, 0x33, 0x44];
        Fstore64Be f Val::F64(value) => value.to_be_bytes();
        Vstore128 v Val::V128(u128::from_le_bytes(core::array::from_fn(|i| i as u8 + 1))) => core::array::from_fn::<u8, 16, _>(|i| i as u8 + 1);
    }
    // Indexed stores: base x0 = buf + 10, index 6 (in the next free
    // x-register), offset -3: the same byte 13.
    macro_rules! stores_ix {
        ($($Op:ident $src:ident $arg:expr => $bytes:expr;)*) => {$({
            let int_src = matches!($arg, Val::I64(_));
            let args = [Val::I64((base + 10) as i64), $arg, Val::I64(6)];
            let (index, src) = if int_src { (x(2), $src(1)) } else { (x(1), $src(0)) };
            check_store(h, ops::$Op { base: x(0), index, offset: -3, src }.into(), &args, &$bytes, stringify!($Op));
        })*};
    }
    stores_ix! {
        Xstore8Ix x Val::I64(value as i64) => [0x08];
        Xstore16Ix x Val::I64(value as i64) => [0x08, 0x07];
        Xstore32Ix x Val::I64(value as i64) => [0x08, 0x07, 0x06, 0x05];
        Xstore64Ix x Val::I64(value as i64) => value.to_le_bytes();
        Fstore32Ix f Val::F32(0x1122_3344) => [0x44, 0x33, 0x22, 0x11];
        Fstore64Ix f Val::F64(value) => value.to_le_bytes();
    }
}

fn calls_frames_and_traps(h: &mut Harness) {
    let saved = RegMask::default()
        .with_x(x(16))
        .unwrap()
        .with_x(x(20))
        .unwrap()
        .with_x(x(29))
        .unwrap()
        .with_f(f(16))
        .unwrap()
        .with_f(f(31))
        .unwrap();
    // main: saves x16/x29/f16/f31, clobbers them, calls g through every call
    // form, restores them; g adds its three arguments.
    let mut a = Assembler::new();
    let g = a.label();
    a.op(ops::PushFrameSave { amt: 40, regs: saved });
    a.op(ops::Xconst8 { dst: x(16), imm: 1 });
    a.op(ops::Xconst8 { dst: x(29), imm: 2 });
    a.op(ops::Fconst64 { dst: f(16), bits: 3 });
    a.op(ops::Fconst64 { dst: f(31), bits: 4 });
    a.op(ops::Xconst8 { dst: x(5), imm: 10 });
    a.op(ops::Xconst8 { dst: x(6), imm: 20 });
    a.op(ops::Xconst8 { dst: x(7), imm: 30 });
    a.op(ops::Xconst8 { dst: x(1), imm: 0 });
    a.op(ops::Xconst8 { dst: x(2), imm: 0 });
    a.branch(ops::Call1 { a0: x(5), offset: PcRel(0) }, g).unwrap(); // 10
    a.op(ops::Xmov { dst: x(20), src: x(0) });
    a.branch(ops::Call2 { a0: x(6), a1: x(5), offset: PcRel(0) }, g).unwrap(); // 20 + 10 + 0
    a.op(ops::Xadd64 { dst: x(20), a: x(20), b: x(0) });
    // A parallel move: (x0, x1, x2) = (x1, x0, x7) swaps x0 and x1.
    a.op(ops::Xconst8 { dst: x(0), imm: 100 });
    a.op(ops::Xconst8 { dst: x(1), imm: 1 });
    a.branch(ops::Call3 { a0: x(1), a1: x(0), a2: x(7), offset: PcRel(0) }, g).unwrap(); // 131
    a.op(ops::Xadd64 { dst: x(20), a: x(20), b: x(0) });
    a.op(ops::Xconst8 { dst: x(0), imm: 5 });
    a.op(ops::Xconst8 { dst: x(1), imm: 6 });
    a.op(ops::Xconst8 { dst: x(2), imm: 7 });
    a.branch(ops::Call { offset: PcRel(0) }, g).unwrap(); // 18
    a.op(ops::Xadd64 { dst: x(20), a: x(20), b: x(0) });
    // x16 (1) survived g's clobbering it.
    a.op(ops::Xadd64 { dst: x(20), a: x(20), b: x(16) });
    a.op(ops::Xmov { dst: x(0), src: x(20) });
    a.op(ops::PopFrameRestore { amt: 40, regs: saved });
    a.op(ops::Ret {});
    let split = a.offset();
    a.bind(g);
    // g saves x16/x17 with the x-only frame op and clobbers them.
    let g_saved =
        XRegMask::from_mask(RegMask::default().with_x(x(16)).unwrap().with_x(x(17)).unwrap()).unwrap();
    a.op(ops::PushFrameSaveX { amt: 16, regs: g_saved });
    a.op(ops::Xconst8 { dst: x(16), imm: 99 });
    a.op(ops::Xconst8 { dst: x(17), imm: 98 });
    a.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(1) });
    a.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(2) });
    a.op(ops::PopFrameRestoreX { amt: 16, regs: g_saved });
    a.op(ops::Ret {});
    // Give the callee-saved registers values main must preserve.
    h.vm.set_x(x(16), 0xAAAA);
    h.vm.set_f_bits(f(31), 0xBBBB);
    let r = h.run_asm(a, |n| vec![0..split, split..n], &[], &[ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(10 + 30 + 131 + 18 + 1)]);
    assert_eq!(h.vm.x(x(16)), 0xAAAA);
    assert_eq!(h.vm.f_bits(f(31)), 0xBBBB);

    // call_indirect / return_call / return_call_indirect / get_lr / nop /
    // stack_alloc32 / stack_free32: f(p) = p(…) via a tail-called trampoline.
    let code = {
        let mut a = Assembler::new();
        let (t, k) = (a.label(), a.label());
        // f: x0 = address of k (passed in), call it indirectly, then tail-call t.
        a.op(ops::PushFrame {});
        // xpcadd computes k's address too: it must equal the argument.
        a.branch(ops::Xpcadd { dst: x(6), offset: PcRel(0) }, k).unwrap();
        a.op(ops::Xsub64 { dst: x(6), a: x(6), b: x(0) });
        a.op(ops::TrapIfNonzero64 { cond: x(6), code: 77 });
        a.op(ops::StackAlloc32 { amt: 32 });
        a.op(ops::Xstore64 { base: x(31), offset: 0, src: x(0) }); // spill through sp
        a.op(ops::CallIndirect { target: x(0) });
        a.op(ops::Xload64 { dst: x(3), base: x(31), offset: 0 });
        a.op(ops::StackFree32 { amt: 32 });
        a.op(ops::PopFrame {});
        a.op(ops::Nop {});
        a.branch(ops::ReturnCall { offset: PcRel(0) }, t).unwrap();
        let t_at = a.offset();
        a.bind(t);
        // t: x0 += 1000, then tail-call k through a register.
        a.op(ops::Xadd64I { dst: x(0), a: x(0), imm: 1000 });
        a.op(ops::Xmov { dst: x(4), src: x(3) });
        a.op(ops::ReturnCallIndirect { target: x(4) });
        let k_at = a.offset();
        a.bind(k);
        // k: x0 = (lr != 0) + x0 + 1, where x0 starts as k's own address on the
        // first call; make it small first.
        a.op(ops::GetLr { dst: x(1) });
        a.op(ops::Xconst8 { dst: x(2), imm: 0 });
        a.op(ops::Xneq64 { dst: x(1), a: x(1), b: x(2) });
        a.op(ops::Xband64I { dst: x(0), a: x(0), imm: 0xF00 });
        a.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(1) });
        a.op(ops::Ret {});
        let code = a.finish().unwrap();
        (code, t_at, k_at)
    };
    let (code, t_at, k_at) = code;
    let k_addr = code.as_ptr().expose_provenance() as u64 + k_at as u64;
    let r = h
        .run_code(&code, &[0..t_at, t_at..k_at, k_at..code.len()], 0, &i64s(&[k_addr]), &[ValType::I64])
        .unwrap();
    // First k (called, lr set): (k_addr & 0xF00) + 1; t adds 1000; second k
    // (tail-called from the host entry: lr is the host sentinel, 0).
    let first = (k_addr & 0xF00) + 1;
    // The second k adds its lr, 0.
    let want = (first + 1000) & 0xF00;
    assert_eq!(r, [Val::I64(want as i64)]);

    // return_call_indirect_f: a tail call to the address in an f-register's
    // bits, with every x argument register still holding its argument.
    let (code, callee_at) = {
        let mut a = Assembler::new();
        let callee = a.label();
        // (x14's argument is unused, so it may carry the address first.)
        a.branch(ops::Xpcadd { dst: x(14), offset: PcRel(0) }, callee).unwrap();
        a.op(ops::BitcastF64FromX { dst: f(15), a: x(14) });
        a.op(ops::ReturnCallIndirectF { target: f(15) });
        let callee_at = a.offset();
        a.bind(callee);
        // x0 = x0 - x15: both arguments arrived untouched.
        a.op(ops::Xsub64 { dst: x(0), a: x(0), b: x(15) });
        a.op(ops::Ret {});
        (a.finish().unwrap(), callee_at)
    };
    let mut args = vec![0u64; 16];
    args[0] = 100;
    args[15] = 58;
    let r =
        h.run_code(&code, &[0..callee_at, callee_at..code.len()], 0, &i64s(&args), &[ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(42)]);

    // stack_shuffle: move two words up by 16 bytes, sp follows; leaving
    // the stack traps.
    let shuffle = [
        Op::from(ops::StackAlloc32 { amt: 32 }),
        ops::Xstore64 { base: x(31), offset: 0, src: x(0) }.into(),
        ops::Xstore64 { base: x(31), offset: 8, src: x(1) }.into(),
        ops::StackShuffle { from: 0, to: 16, bytes: 16 }.into(),
        ops::Xload64 { dst: x(0), base: x(31), offset: 0 }.into(),
        ops::Xload64 { dst: x(1), base: x(31), offset: 8 }.into(),
        ops::StackFree32 { amt: 16 }.into(),
    ];
    let r = h.run(&shuffle, &i64s(&[7, 9]), &[ValType::I64, ValType::I64]).unwrap();
    assert_eq!(r, [Val::I64(7), Val::I64(9)]);
    let above = Op::from(ops::StackShuffle { from: 0, to: 64, bytes: 8 });
    assert_eq!(h.run(&[above], &[], &[]), Err(StackOverflow));
    let below = Op::from(ops::StackShuffle { from: i32::MIN, to: 0, bytes: 8 });
    assert_eq!(h.run(&[below], &[], &[]), Err(StackOverflow));

    // Traps with codes, conditional and not.
    assert_eq!(h.run(&[ops::Trap { code: 42 }.into()], &[], &[]), Err(Explicit(42)));
    let cond = |h: &mut Harness, op: Op, v: u64| h.run(&[op], &i64s(&[v]), &[]).err();
    let tz32 = Op::from(ops::TrapIfZero32 { cond: x(0), code: 1 });
    let tz64 = Op::from(ops::TrapIfZero64 { cond: x(0), code: 2 });
    let tnz32 = Op::from(ops::TrapIfNonzero32 { cond: x(0), code: 3 });
    let tnz64 = Op::from(ops::TrapIfNonzero64 { cond: x(0), code: 4 });
    assert_eq!(cond(h, tz32, HI), Some(Explicit(1)));
    assert_eq!(cond(h, tz32, 1), None);
    assert_eq!(cond(h, tz64, HI), None);
    assert_eq!(cond(h, tz64, 0), Some(Explicit(2)));
    assert_eq!(cond(h, tnz32, HI), None);
    assert_eq!(cond(h, tnz32, 1), Some(Explicit(3)));
    assert_eq!(cond(h, tnz64, HI), Some(Explicit(4)));
    assert_eq!(cond(h, tnz64, 0), None);
    // Bounds checks: addr + size <= bound, without wrapping.
    let bc = Op::from(ops::BoundsCheck { addr: x(0), bound: x(1), size: 8 });
    let run_bc = |h: &mut Harness, a: u64, b: u64| h.run(&[bc], &i64s(&[a, b]), &[]).err();
    assert_eq!(run_bc(h, 8, 16), None);
    assert_eq!(run_bc(h, 9, 16), Some(MemoryOutOfBounds));
    assert_eq!(run_bc(h, u64::MAX - 3, u64::MAX), Some(MemoryOutOfBounds));
}

#[test]
fn integer_ops() {
    integer_arithmetic(&mut Harness::default());
}
#[test]
fn moves_constants_selects() {
    moves_and_constants(&mut Harness::default());
}
#[test]
fn branch_ops() {
    branches(&mut Harness::default());
}
#[test]
fn float_ops() {
    floats(&mut Harness::default());
}
#[test]
fn conversion_ops() {
    conversions(&mut Harness::default());
}
#[test]
fn memory_ops() {
    memory(&mut Harness::default());
}
#[test]
fn call_frame_and_trap_ops() {
    calls_frames_and_traps(&mut Harness::default());
}

#[test]
fn vector_lane_and_bit_ops() {
    vector::lanes_and_bits(&mut Harness::default());
}
#[test]
fn vector_integer_ops() {
    vector::integers(&mut Harness::default());
}
#[test]
fn vector_float_ops() {
    vector::floats(&mut Harness::default());
}
#[test]
fn vector_conversion_ops() {
    vector::conversions(&mut Harness::default());
}

#[test]
fn every_op_is_exercised() {
    let mut h = Harness::default();
    integer_arithmetic(&mut h);
    moves_and_constants(&mut h);
    branches(&mut h);
    floats(&mut h);
    conversions(&mut h);
    memory(&mut h);
    calls_frames_and_traps(&mut h);
    vector::all(&mut h);
    // Host calls (`call_indirect_host`, the `call_host` family) are
    // exercised in tests/entries.rs.
    let missing: Vec<&str> = OP_SIGNATURES
        .iter()
        .map(|(_, _, name, _)| *name)
        .filter(|name| !h.covered.contains(name) && *name != "call_indirect_host" && !name.ends_with("_host"))
        .collect();
    assert!(missing.is_empty(), "ops without a semantics test: {missing:?}");
}
