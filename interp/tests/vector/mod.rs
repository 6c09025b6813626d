//! The 128-bit vector ops (ISA v11) at edge values, through encode, verify,
//! decode and execute. `semantics.rs` includes this module, so that
//! `every_op_is_exercised` counts these cases too.
//!
//! Expected values are written out lane by lane, or computed per lane by
//! the scalar references below in wide (`i128`/`u128`) arithmetic, never
//! through the interpreter's own helpers. Lane `i` of an `NxM` shape is
//! bits `[i*N, (i+1)*N)` of the register; the tables give the lanes
//! distinct values, so that a lane mix-up shows.

use crate::common::*;
use crate::{PAYLOAD32, PAYLOAD64};
use sheave_interp::{Val, ValType};
use sheave_opcodes::{FloatCC, Op, ops};

const NAN32: f32 = f32::NAN;
const NAN64: f64 = f64::NAN;
const INF32: f32 = f32::INFINITY;
const INF64: f64 = f64::INFINITY;
/// A lane mask: all ones (`Y`) or zero (`N`).
const Y: i128 = -1;
const N: i128 = 0;

// ---------------------------------------------------------------------------
// Lanes.

/// All ones in a `w`-bit lane.
fn ones(w: u32) -> u128 {
    u128::MAX >> (128 - w)
}

/// The register whose `w`-bit lanes are `lanes` (lane 0 in the low bits).
fn join(w: u32, lanes: &[u128]) -> u128 {
    assert_eq!(lanes.len() as u32 * w, 128, "a {w}-bit shape has {} lanes", 128 / w);
    lanes.iter().enumerate().fold(0, |acc, (i, &l)| acc | (l & ones(w)) << (i as u32 * w))
}

/// [`join`] for lanes written as signed or unsigned numbers (truncated).
fn pack(w: u32, lanes: &[i128]) -> u128 {
    join(w, &lanes.iter().map(|&l| l as u128).collect::<Vec<_>>())
}

/// Lane `i` of `v`, `w` bits wide.
fn lane(w: u32, v: u128, i: usize) -> u128 {
    v >> (i as u32 * w) & ones(w)
}

/// A `w`-bit lane, sign-extended.
fn sx(w: u32, x: u128) -> i128 {
    ((x << (128 - w)) as i128) >> (128 - w)
}

/// `x` clamped to the signed / unsigned range of a `w`-bit lane.
fn sat_s(w: u32, x: i128) -> u128 {
    let max = (1i128 << (w - 1)) - 1;
    x.clamp(-max - 1, max) as u128
}
fn sat_u(w: u32, x: i128) -> u128 {
    x.clamp(0, ones(w) as i128) as u128
}

/// All ones in a `w`-bit lane when `b`.
fn mask(w: u32, b: bool) -> u128 {
    if b { ones(w) } else { 0 }
}

/// A float lane type.
trait Float: Copy {
    const W: u32;
    fn raw(self) -> u128;
}
impl Float for f32 {
    const W: u32 = 32;
    fn raw(self) -> u128 {
        self.to_bits() as u128
    }
}
impl Float for f64 {
    const W: u32 = 64;
    fn raw(self) -> u128 {
        self.to_bits() as u128
    }
}

/// The register whose float lanes are `lanes`, bit for bit.
fn fl<T: Float>(lanes: &[T]) -> u128 {
    join(T::W, &lanes.iter().map(|x| x.raw()).collect::<Vec<_>>())
}

/// How a register is read in messages and compared: integer or float lanes.
#[derive(Copy, Clone, Debug)]
enum Sh {
    I(u32),
    F(u32),
}

impl Sh {
    fn w(self) -> u32 {
        match self {
            Sh::I(w) | Sh::F(w) => w,
        }
    }
    fn is_nan(self, x: u128) -> bool {
        match self {
            Sh::F(32) => f32::from_bits(x as u32).is_nan(),
            Sh::F(64) => f64::from_bits(x as u64).is_nan(),
            _ => false,
        }
    }
    fn show(self, v: u128) -> String {
        let w = self.w();
        let lanes: Vec<String> = (0..(128 / w) as usize)
            .map(|i| {
                let x = lane(w, v, i);
                match self {
                    Sh::F(_) if self.is_nan(x) => format!("NaN({x:#x})"),
                    Sh::F(32) => format!("{:?}", f32::from_bits(x as u32)),
                    Sh::F(_) => format!("{:?}", f64::from_bits(x as u64)),
                    Sh::I(_) => format!("{x:#x}"),
                }
            })
            .collect();
        format!("[{}]", lanes.join(", "))
    }
}

/// Whether an expected NaN lane must match bit for bit (`Exact`) or any
/// NaN will do (`Any`: hardware NaNs from arithmetic differ by host).
#[derive(Copy, Clone, PartialEq, Eq)]
enum Nan {
    Exact,
    Any,
}
use Nan::*;

/// Run `ops` (then `ret`); the one v-register result.
fn run_v(h: &mut Harness, ops: &[Op], args: &[Val]) -> u128 {
    match h.run(ops, args, &[ValType::V128]).unwrap_or_else(|e| panic!("{}: trapped: {e:?}", ops[0]))[..] {
        [Val::V128(r)] => r,
        ref other => panic!("{}: results {other:?}", ops[0]),
    }
}

/// Run `op`; the one x-register result.
fn run_x(h: &mut Harness, op: Op, args: &[Val]) -> u64 {
    h.run(&[op], args, &[ValType::I64]).unwrap_or_else(|e| panic!("{op}: trapped: {e:?}"))[0].i64().unwrap()
        as u64
}

/// Run `op` and compare its v-register result with `want`, lane by lane
/// as `out`; v-register arguments are shown as `input` on failure.
fn check(h: &mut Harness, op: Op, args: &[Val], input: Sh, out: Sh, want: u128, nan: Nan) {
    let got = run_v(h, &[op], args);
    let w = out.w();
    let same = (0..(128 / w) as usize).all(|i| {
        let (g, x) = (lane(w, got, i), lane(w, want, i));
        g == x || (nan == Any && out.is_nan(x) && out.is_nan(g))
    });
    if !same {
        let shown: Vec<String> = args
            .iter()
            .map(|a| match *a {
                Val::V128(v) => input.show(v),
                other => other.to_string(),
            })
            .collect();
        panic!("{}({}):\n   got {}\n  want {}", op.name(), shown.join(", "), out.show(got), out.show(want));
    }
}

/// Integer `Op { dst: v0, a: v0, b: v1 }`: the `$w`-bit lanes of `a` and
/// `b` => the lanes of the result (`$rw` bits wide if given).
macro_rules! vbin {
    ($h:expr; $($Op:ident $w:literal $(-> $rw:literal)?: [$(
        ([$($a:expr),* $(,)?], [$($b:expr),* $(,)?]) => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let rw: u32 = *[$w $(, $rw)?].last().unwrap();
        let op = Op::from(ops::$Op { dst: v(0), a: v(0), b: v(1) });
        $({
            let args = [Val::V128(pack($w, &[$($a as i128),*])), Val::V128(pack($w, &[$($b as i128),*]))];
            check($h, op, &args, Sh::I($w), Sh::I(rw), pack(rw, &[$($want as i128),*]), Exact);
        })*
    })*};
}

/// Integer `Op { dst: v0, a: v0 }`.
macro_rules! vun {
    ($h:expr; $($Op:ident $w:literal $(-> $rw:literal)?: [$(
        [$($a:expr),* $(,)?] => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let rw: u32 = *[$w $(, $rw)?].last().unwrap();
        let op = Op::from(ops::$Op { dst: v(0), a: v(0) });
        $({
            let args = [Val::V128(pack($w, &[$($a as i128),*]))];
            check($h, op, &args, Sh::I($w), Sh::I(rw), pack(rw, &[$($want as i128),*]), Exact);
        })*
    })*};
}

/// Shifts `Op { dst: v0, a: v0, amt: x0 }`.
macro_rules! vshift {
    ($h:expr; $($Op:ident $w:literal: [$(
        ([$($a:expr),* $(,)?], $amt:expr) => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let op = Op::from(ops::$Op { dst: v(0), a: v(0), amt: x(0) });
        $({
            let args = [Val::V128(pack($w, &[$($a as i128),*])), Val::I64($amt as u64 as i64)];
            check($h, op, &args, Sh::I($w), Sh::I($w), pack($w, &[$($want as i128),*]), Exact);
        })*
    })*};
}

/// Float `Op { dst: v0, a: v0, b: v1 }` on lanes of type `$t`.
macro_rules! vfbin {
    ($h:expr; $($Op:ident $t:ident $nan:ident: [$(
        ([$($a:expr),* $(,)?], [$($b:expr),* $(,)?]) => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let (op, sh) = (Op::from(ops::$Op { dst: v(0), a: v(0), b: v(1) }), Sh::F(<$t as Float>::W));
        $({
            let args = [Val::V128(fl::<$t>(&[$($a),*])), Val::V128(fl::<$t>(&[$($b),*]))];
            check($h, op, &args, sh, sh, fl::<$t>(&[$($want),*]), $nan);
        })*
    })*};
}

/// Float `Op { dst: v0, a: v0 }` from lanes of type `$t` to lanes of `$rt`.
macro_rules! vfun {
    ($h:expr; $($Op:ident $t:ident -> $rt:ident $nan:ident: [$(
        [$($a:expr),* $(,)?] => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let op = Op::from(ops::$Op { dst: v(0), a: v(0) });
        $({
            let args = [Val::V128(fl::<$t>(&[$($a),*]))];
            let (input, out) = (Sh::F(<$t as Float>::W), Sh::F(<$rt as Float>::W));
            check($h, op, &args, input, out, fl::<$rt>(&[$($want),*]), $nan);
        })*
    })*};
}

/// Integer lanes to float lanes, `Op { dst: v0, a: v0 }`.
macro_rules! vi2f {
    ($h:expr; $($Op:ident $w:literal -> $rt:ident: [$(
        [$($a:expr),* $(,)?] => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let op = Op::from(ops::$Op { dst: v(0), a: v(0) });
        $({
            let args = [Val::V128(pack($w, &[$($a as i128),*]))];
            check($h, op, &args, Sh::I($w), Sh::F(<$rt as Float>::W), fl::<$rt>(&[$($want),*]), Exact);
        })*
    })*};
}

/// Float lanes to integer lanes, `Op { dst: v0, a: v0 }`.
macro_rules! vf2i {
    ($h:expr; $($Op:ident $t:ident -> $rw:literal: [$(
        [$($a:expr),* $(,)?] => [$($want:expr),* $(,)?]
    ),* $(,)?];)*) => {$({
        let op = Op::from(ops::$Op { dst: v(0), a: v(0) });
        $({
            let args = [Val::V128(fl::<$t>(&[$($a),*]))];
            check($h, op, &args, Sh::F(<$t as Float>::W), Sh::I($rw), pack($rw, &[$($want as i128),*]), Exact);
        })*
    })*};
}

/// Reductions to x0, `Op { dst: x0, a: v0 }`; x0 starts as all ones.
macro_rules! vreduce {
    ($h:expr; $($Op:ident: [$($a:expr => $want:expr),* $(,)?];)*) => {$($({
        let a: u128 = $a;
        let got = run_x($h, ops::$Op { dst: x(0), a: v(0) }.into(), &[Val::V128(a), Val::I64(-1)]);
        assert_eq!(got, $want, "{}({a:#034x})", stringify!($Op));
    })*)*};
}

// ---------------------------------------------------------------------------
// Scalar references, swept over edge values.

/// Sixteen distinct `w`-bit lane values: small numbers, the signed and
/// unsigned bounds and their neighbours, and bit patterns.
fn pool(w: u32) -> [u128; 16] {
    let m = ones(w);
    let sign = 1u128 << (w - 1);
    let quarter = 1u128 << (w - 2);
    [
        0,
        1,
        2,
        3,
        sign - 2,
        sign - 1,
        sign,
        sign + 1,
        m,
        m - 1,
        quarter,
        quarter - 1,
        m / 3,
        m / 3 * 2,
        m - quarter + 1,
        7,
    ]
}

type Bin = fn(u32, u128, u128) -> u128;
type Un = fn(u32, u128) -> u128;
type Shift = fn(u32, u128, u32) -> u128;
type Reduce = fn(u32, &[u128]) -> u64;

/// `op` on `w`-bit lanes against `reference` (whose result is truncated
/// to the lane), for every pair of pool values, each lane distinct.
fn sweep_bin(h: &mut Harness, w: u32, op: Op, reference: Bin) {
    let (p, n) = (pool(w), (128 / w) as usize);
    for base in (0..16).step_by(n) {
        for k in 0..16 {
            let a: Vec<u128> = (0..n).map(|i| p[base + i]).collect();
            let b: Vec<u128> = (0..n).map(|i| p[(base + i + k) % 16]).collect();
            let want: Vec<u128> = a.iter().zip(&b).map(|(&a, &b)| reference(w, a, b)).collect();
            let args = [Val::V128(join(w, &a)), Val::V128(join(w, &b))];
            check(h, op, &args, Sh::I(w), Sh::I(w), join(w, &want), Exact);
        }
    }
}

/// Every pool value in every lane.
fn rotations(w: u32) -> impl Iterator<Item = Vec<u128>> {
    let (p, n) = (pool(w), (128 / w) as usize);
    (0..16).map(move |k| (0..n).map(|i| p[(i + k) % 16]).collect())
}

fn sweep_un(h: &mut Harness, w: u32, op: Op, reference: Un) {
    for a in rotations(w) {
        let want: Vec<u128> = a.iter().map(|&a| reference(w, a)).collect();
        check(h, op, &[Val::V128(join(w, &a))], Sh::I(w), Sh::I(w), join(w, &want), Exact);
    }
}

/// Shift amounts: in range, the width itself and beyond, and with high
/// bits set (only `amt % w` counts).
fn sweep_shift(h: &mut Harness, w: u32, op: Op, reference: Shift) {
    let w64 = w as u64;
    for amt in [0, 1, w64 - 1, w64, w64 + 1, 2 * w64 + 3, u64::MAX, 1 << 32 | 5, 1 << 63 | (w64 + 2)] {
        for a in rotations(w) {
            let want: Vec<u128> = a.iter().map(|&a| reference(w, a, (amt % w64) as u32)).collect();
            let args = [Val::V128(join(w, &a)), Val::I64(amt as i64)];
            check(h, op, &args, Sh::I(w), Sh::I(w), join(w, &want), Exact);
        }
    }
}

/// Reductions, on the rotations and on them with every lane made non-zero.
fn sweep_reduce(h: &mut Harness, w: u32, op: Op, reference: Reduce) {
    for a in rotations(w).flat_map(|a| [a.clone(), a.iter().map(|&x| x | 1).collect()]) {
        let v = join(w, &a);
        let got = run_x(h, op, &[Val::V128(v), Val::I64(-1)]);
        assert_eq!(got, reference(w, &a), "{}({})", op.name(), Sh::I(w).show(v));
    }
}

/// `sweep_fn RefType { operands }; [Op lane_bits, ...] reference;`
macro_rules! sweep {
    ($h:expr; $sweep:ident $ty:ident $operands:tt; $([$($Op:ident $w:literal),* $(,)?] $reference:expr;)*) => {$({
        let reference: $ty = $reference;
        $( $sweep($h, $w, ops::$Op $operands.into(), reference); )*
    })*};
}

fn integer_sweeps(h: &mut Harness) {
    sweep! { h; sweep_bin Bin { dst: v(0), a: v(0), b: v(1) };
        [VaddI8x16 8, VaddI16x8 16, VaddI32x4 32, VaddI64x2 64] |w, a, b| (a + b) & ones(w);
        [VsubI8x16 8, VsubI16x8 16, VsubI32x4 32, VsubI64x2 64] |w, a, b| a.wrapping_sub(b) & ones(w);
        [VmulI8x16 8, VmulI16x8 16, VmulI32x4 32, VmulI64x2 64] |w, a, b| (a * b) & ones(w);
        [VminSI8x16 8, VminSI16x8 16, VminSI32x4 32, VminSI64x2 64] |w, a, b| if sx(w, a) <= sx(w, b) { a } else { b };
        [VminUI8x16 8, VminUI16x8 16, VminUI32x4 32, VminUI64x2 64] |_, a, b| if a <= b { a } else { b };
        [VmaxSI8x16 8, VmaxSI16x8 16, VmaxSI32x4 32, VmaxSI64x2 64] |w, a, b| if sx(w, a) >= sx(w, b) { a } else { b };
        [VmaxUI8x16 8, VmaxUI16x8 16, VmaxUI32x4 32, VmaxUI64x2 64] |_, a, b| if a >= b { a } else { b };
        [VaddSatSI8x16 8, VaddSatSI16x8 16, VaddSatSI32x4 32, VaddSatSI64x2 64]
            |w, a, b| sat_s(w, sx(w, a) + sx(w, b)) & ones(w);
        [VaddSatUI8x16 8, VaddSatUI16x8 16, VaddSatUI32x4 32, VaddSatUI64x2 64] |w, a, b| sat_u(w, (a + b) as i128);
        [VsubSatSI8x16 8, VsubSatSI16x8 16, VsubSatSI32x4 32, VsubSatSI64x2 64]
            |w, a, b| sat_s(w, sx(w, a) - sx(w, b)) & ones(w);
        [VsubSatUI8x16 8, VsubSatUI16x8 16, VsubSatUI32x4 32, VsubSatUI64x2 64] |w, a, b| sat_u(w, a as i128 - b as i128);
        [VavgRoundUI8x16 8, VavgRoundUI16x8 16, VavgRoundUI32x4 32, VavgRoundUI64x2 64] |_, a, b| (a + b + 1) >> 1;
        [VmulhiSI8x16 8, VmulhiSI16x8 16, VmulhiSI32x4 32, VmulhiSI64x2 64]
            |w, a, b| ((sx(w, a) * sx(w, b)) >> w) as u128 & ones(w);
        [VmulhiUI8x16 8, VmulhiUI16x8 16, VmulhiUI32x4 32, VmulhiUI64x2 64] |w, a, b| (a * b) >> w;
        [VeqI8x16 8, VeqI16x8 16, VeqI32x4 32, VeqI64x2 64] |w, a, b| mask(w, a == b);
        [VneI8x16 8, VneI16x8 16, VneI32x4 32, VneI64x2 64] |w, a, b| mask(w, a != b);
        [VsltI8x16 8, VsltI16x8 16, VsltI32x4 32, VsltI64x2 64] |w, a, b| mask(w, sx(w, a) < sx(w, b));
        [VsleI8x16 8, VsleI16x8 16, VsleI32x4 32, VsleI64x2 64] |w, a, b| mask(w, sx(w, a) <= sx(w, b));
        [VultI8x16 8, VultI16x8 16, VultI32x4 32, VultI64x2 64] |w, a, b| mask(w, a < b);
        [VuleI8x16 8, VuleI16x8 16, VuleI32x4 32, VuleI64x2 64] |w, a, b| mask(w, a <= b);
        // (a * b + 2^(w-2)) >> (w-1), signed, saturated.
        [VqmulRoundSatI16x8 16, VqmulRoundSatI32x4 32]
            |w, a, b| sat_s(w, (sx(w, a) * sx(w, b) + (1 << (w - 2))) >> (w - 1)) & ones(w);
    }
    sweep! { h; sweep_un Un { dst: v(0), a: v(0) };
        [VnegI8x16 8, VnegI16x8 16, VnegI32x4 32, VnegI64x2 64] |w, a| (-sx(w, a)) as u128 & ones(w);
        [VabsI8x16 8, VabsI16x8 16, VabsI32x4 32, VabsI64x2 64] |w, a| sx(w, a).unsigned_abs() & ones(w);
        [VpopcntI8x16 8, VpopcntI16x8 16, VpopcntI32x4 32, VpopcntI64x2 64]
            |w, a| (0..w).filter(|&i| a >> i & 1 == 1).count() as u128;
    }
    sweep! { h; sweep_shift Shift { dst: v(0), a: v(0), amt: x(0) };
        [VshlI8x16 8, VshlI16x8 16, VshlI32x4 32, VshlI64x2 64] |w, a, s| a << s & ones(w);
        [VshrUI8x16 8, VshrUI16x8 16, VshrUI32x4 32, VshrUI64x2 64] |_, a, s| a >> s;
        [VshrSI8x16 8, VshrSI16x8 16, VshrSI32x4 32, VshrSI64x2 64] |w, a, s| (sx(w, a) >> s) as u128 & ones(w);
    }
    sweep! { h; sweep_reduce Reduce { dst: x(0), a: v(0) };
        [VallTrueI8x16 8, VallTrueI16x8 16, VallTrueI32x4 32, VallTrueI64x2 64] |_, l| l.iter().all(|&x| x != 0) as u64;
        [VhighBitsI8x16 8, VhighBitsI16x8 16, VhighBitsI32x4 32, VhighBitsI64x2 64]
            |w, l| l.iter().enumerate().map(|(i, &x)| ((x >> (w - 1)) as u64) << i).sum();
    }
}

// ---------------------------------------------------------------------------
// Constants, lanes, whole-register ops, memory.

/// Byte `i` is `i`, with the top bit set in the odd bytes: every lane of
/// every shape differs, and some have their top bit set.
const LANES: u128 = 0x8F0E_8D0C_8B0A_8908_8706_8504_8302_8100;

pub fn lanes_and_bits(h: &mut Harness) {
    for bits in [LANES, 1 << 127 | 1, u128::MAX] {
        assert_eq!(run_v(h, &[ops::Vconst { dst: v(0), bits }.into()], &[]), bits, "vconst {bits:#x}");
    }

    // Splats take the low bits of the source register.
    let xs = Val::I64(0xDEAD_BEEF_8765_4381u64 as i64);
    let splats: [(Op, Val, u128); 6] = [
        (ops::VsplatI8x16 { dst: v(0), src: x(0) }.into(), xs, 0x8181_8181_8181_8181_8181_8181_8181_8181),
        (ops::VsplatI16x8 { dst: v(0), src: x(0) }.into(), xs, 0x4381_4381_4381_4381_4381_4381_4381_4381),
        (ops::VsplatI32x4 { dst: v(0), src: x(0) }.into(), xs, 0x8765_4381_8765_4381_8765_4381_8765_4381),
        (ops::VsplatI64x2 { dst: v(0), src: x(0) }.into(), xs, 0xDEAD_BEEF_8765_4381_DEAD_BEEF_8765_4381),
        // An f32 is the low half of its f-register; NaN payloads are kept.
        (
            ops::VsplatF32x4 { dst: v(0), src: f(0) }.into(),
            Val::F64(0xDEAD_BEEF_0000_0000 | PAYLOAD32 as u64),
            0xFFC0_1234_FFC0_1234_FFC0_1234_FFC0_1234,
        ),
        (
            ops::VsplatF64x2 { dst: v(0), src: f(0) }.into(),
            Val::F64(PAYLOAD64),
            0xFFF8_0000_0000_1234_FFF8_0000_0000_1234,
        ),
    ];
    for (op, arg, want) in splats {
        let got = run_v(h, &[op], &[Val::V128(u128::MAX), arg]);
        assert_eq!(got, want, "{op} of {arg}: got {got:#034x}");
    }

    // Extracts zero-extend (the destination starts as all ones); the lane
    // index is taken modulo the lane count.
    let extracts: [(Op, u64); 22] = [
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 0 }.into(), 0x00),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 1 }.into(), 0x81),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 7 }.into(), 0x87),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 15 }.into(), 0x8F),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 16 }.into(), 0x00),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 17 }.into(), 0x81),
        (ops::VextractI8x16 { dst: x(0), a: v(0), lane: 255 }.into(), 0x8F),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 0 }.into(), 0x8100),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 3 }.into(), 0x8706),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 7 }.into(), 0x8F0E),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 8 }.into(), 0x8100),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 11 }.into(), 0x8706),
        (ops::VextractI16x8 { dst: x(0), a: v(0), lane: 255 }.into(), 0x8F0E),
        (ops::VextractI32x4 { dst: x(0), a: v(0), lane: 0 }.into(), 0x8302_8100),
        (ops::VextractI32x4 { dst: x(0), a: v(0), lane: 2 }.into(), 0x8B0A_8908),
        (ops::VextractI32x4 { dst: x(0), a: v(0), lane: 5 }.into(), 0x8706_8504),
        (ops::VextractI32x4 { dst: x(0), a: v(0), lane: 255 }.into(), 0x8F0E_8D0C),
        (ops::VextractI64x2 { dst: x(0), a: v(0), lane: 0 }.into(), 0x8706_8504_8302_8100),
        (ops::VextractI64x2 { dst: x(0), a: v(0), lane: 1 }.into(), 0x8F0E_8D0C_8B0A_8908),
        (ops::VextractI64x2 { dst: x(0), a: v(0), lane: 2 }.into(), 0x8706_8504_8302_8100),
        (ops::VextractI64x2 { dst: x(0), a: v(0), lane: 255 }.into(), 0x8F0E_8D0C_8B0A_8908),
        (ops::VextractI64x2 { dst: x(0), a: v(0), lane: 3 }.into(), 0x8F0E_8D0C_8B0A_8908),
    ];
    for (op, want) in extracts {
        let got = run_x(h, op, &[Val::V128(LANES), Val::I64(-1)]);
        assert_eq!(got, want, "{op} of {LANES:#034x}");
    }
    let payload_lane2 = LANES & !(0xFFFF_FFFFu128 << 64) | (PAYLOAD32 as u128) << 64;
    let fextracts: [(Op, u128, Val); 8] = [
        (ops::VextractF32x4 { dst: f(0), a: v(0), lane: 0 }.into(), LANES, Val::F32(0x8302_8100)),
        (ops::VextractF32x4 { dst: f(0), a: v(0), lane: 3 }.into(), LANES, Val::F32(0x8F0E_8D0C)),
        (ops::VextractF32x4 { dst: f(0), a: v(0), lane: 2 }.into(), payload_lane2, Val::F32(PAYLOAD32)),
        (ops::VextractF32x4 { dst: f(0), a: v(0), lane: 6 }.into(), payload_lane2, Val::F32(PAYLOAD32)),
        (ops::VextractF32x4 { dst: f(0), a: v(0), lane: 253 }.into(), LANES, Val::F32(0x8706_8504)),
        (ops::VextractF64x2 { dst: f(0), a: v(0), lane: 0 }.into(), LANES, Val::F64(0x8706_8504_8302_8100)),
        (ops::VextractF64x2 { dst: f(0), a: v(0), lane: 255 }.into(), LANES, Val::F64(0x8F0E_8D0C_8B0A_8908)),
        (
            ops::VextractF64x2 { dst: f(0), a: v(0), lane: 4 }.into(),
            PAYLOAD64 as u128 | 5 << 64,
            Val::F64(PAYLOAD64),
        ),
    ];
    for (op, a, want) in fextracts {
        let ty = if matches!(want, Val::F32(_)) { ValType::F32 } else { ValType::F64 };
        let got = h.run(&[op], &[Val::V128(a)], &[ty]).unwrap();
        assert_eq!(got, [want], "{op} of {a:#034x}");
    }

    // Inserts replace one lane (index modulo the lane count) with the low
    // bits of the source and keep the others.
    let xsrc = |bits: u64| Val::I64(bits as i64);
    let inserts: [(Op, Val, u128); 15] = [
        (
            ops::VinsertI8x16 { dst: v(0), a: v(0), src: x(0), lane: 3 }.into(),
            xsrc(0xFFFF_FFFF_FFFF_FF5A),
            0x8F0E_8D0C_8B0A_8908_8706_8504_5A02_8100,
        ),
        (
            ops::VinsertI8x16 { dst: v(0), a: v(0), src: x(0), lane: 19 }.into(),
            xsrc(0xFFFF_FFFF_FFFF_FF5A),
            0x8F0E_8D0C_8B0A_8908_8706_8504_5A02_8100,
        ),
        (
            ops::VinsertI8x16 { dst: v(0), a: v(0), src: x(0), lane: 255 }.into(),
            xsrc(0x5A),
            0x5A0E_8D0C_8B0A_8908_8706_8504_8302_8100,
        ),
        (
            ops::VinsertI16x8 { dst: v(0), a: v(0), src: x(0), lane: 5 }.into(),
            xsrc(0xFFFF_FFFF_FFFF_1234),
            0x8F0E_8D0C_1234_8908_8706_8504_8302_8100,
        ),
        (
            ops::VinsertI16x8 { dst: v(0), a: v(0), src: x(0), lane: 13 }.into(),
            xsrc(0x1234),
            0x8F0E_8D0C_1234_8908_8706_8504_8302_8100,
        ),
        (
            ops::VinsertI16x8 { dst: v(0), a: v(0), src: x(0), lane: 0 }.into(),
            xsrc(0xABCD_0000),
            0x8F0E_8D0C_8B0A_8908_8706_8504_8302_0000,
        ),
        (
            ops::VinsertI32x4 { dst: v(0), a: v(0), src: x(0), lane: 1 }.into(),
            xsrc(0xFFFF_FFFF_CAFE_F00D),
            0x8F0E_8D0C_8B0A_8908_CAFE_F00D_8302_8100,
        ),
        (
            ops::VinsertI32x4 { dst: v(0), a: v(0), src: x(0), lane: 6 }.into(),
            xsrc(0xCAFE_F00D),
            0x8F0E_8D0C_CAFE_F00D_8706_8504_8302_8100,
        ),
        (
            ops::VinsertI64x2 { dst: v(0), a: v(0), src: x(0), lane: 1 }.into(),
            xsrc(0x0123_4567_89AB_CDEF),
            0x0123_4567_89AB_CDEF_8706_8504_8302_8100,
        ),
        (
            ops::VinsertI64x2 { dst: v(0), a: v(0), src: x(0), lane: 2 }.into(),
            xsrc(0x0123_4567_89AB_CDEF),
            0x8F0E_8D0C_8B0A_8908_0123_4567_89AB_CDEF,
        ),
        // An f32 is the low half of its f-register.
        (
            ops::VinsertF32x4 { dst: v(0), a: v(0), src: f(0), lane: 3 }.into(),
            Val::F64(0xDEAD_BEEF_0000_0000 | PAYLOAD32 as u64),
            0xFFC0_1234_8B0A_8908_8706_8504_8302_8100,
        ),
        (
            ops::VinsertF32x4 { dst: v(0), a: v(0), src: f(0), lane: 4 }.into(),
            Val::F32(PAYLOAD32),
            0x8F0E_8D0C_8B0A_8908_8706_8504_FFC0_1234,
        ),
        (
            ops::VinsertF64x2 { dst: v(0), a: v(0), src: f(0), lane: 0 }.into(),
            Val::F64(PAYLOAD64),
            0x8F0E_8D0C_8B0A_8908_FFF8_0000_0000_1234,
        ),
        (
            ops::VinsertF64x2 { dst: v(0), a: v(0), src: f(0), lane: 3 }.into(),
            Val::F64(PAYLOAD64),
            0xFFF8_0000_0000_1234_8706_8504_8302_8100,
        ),
        (
            ops::VinsertF64x2 { dst: v(0), a: v(0), src: f(0), lane: 254 }.into(),
            Val::F64(0),
            0x8F0E_8D0C_8B0A_8908_0000_0000_0000_0000,
        ),
    ];
    for (op, src, want) in inserts {
        let got = run_v(h, &[op], &[Val::V128(LANES), src]);
        assert_eq!(got, want, "{op} of {LANES:#034x}, {src}: got {got:#034x}");
    }

    // Shuffle: mask bytes 0..15 pick from a, 16..31 from b, larger give 0.
    let a = u128::from_le_bytes(core::array::from_fn(|i| 0xA0 + i as u8));
    let b = u128::from_le_bytes(core::array::from_fn(|i| 0xB0 + i as u8));
    let shuffles: [([u8; 16], [u8; 16]); 4] = [
        (
            [0, 15, 16, 31, 32, 255, 1, 17, 14, 30, 5, 21, 128, 63, 8, 24],
            [0xA0, 0xAF, 0xB0, 0xBF, 0, 0, 0xA1, 0xB1, 0xAE, 0xBE, 0xA5, 0xB5, 0, 0, 0xA8, 0xB8],
        ),
        (core::array::from_fn(|i| i as u8), core::array::from_fn(|i| 0xA0 + i as u8)),
        (core::array::from_fn(|i| 31 - i as u8), core::array::from_fn(|i| 0xBF - i as u8)),
        ([33; 16], [0; 16]),
    ];
    for (m, want) in shuffles {
        let op = Op::from(ops::Vshuffle { dst: v(0), a: v(0), b: v(1), mask: u128::from_le_bytes(m) });
        let got = run_v(h, &[op], &[Val::V128(a), Val::V128(b)]);
        assert_eq!(got.to_le_bytes(), want, "{op}");
    }
    // Swizzle: index bytes above 15 give 0.
    let swizzles: [([u8; 16], [u8; 16]); 2] = [
        (
            [15, 0, 16, 255, 1, 14, 2, 13, 3, 12, 128, 4, 11, 5, 10, 0x10],
            [0xAF, 0xA0, 0, 0, 0xA1, 0xAE, 0xA2, 0xAD, 0xA3, 0xAC, 0, 0xA4, 0xAB, 0xA5, 0xAA, 0],
        ),
        ([7; 16], [0xA7; 16]),
    ];
    for (idx, want) in swizzles {
        let op = Op::from(ops::Vswizzle { dst: v(0), a: v(0), b: v(1) });
        let got = run_v(h, &[op], &[Val::V128(a), Val::V128(u128::from_le_bytes(idx))]);
        assert_eq!(got.to_le_bytes(), want, "vswizzle by {idx:?}");
    }

    // Select on any set bit of the 64-bit condition.
    let sel = Op::from(ops::Vselect { dst: v(0), cond: x(0), a: v(0), b: v(1) });
    for (cond, want) in [(1u64 << 63, a), (1 << 32, a), (1, a), (0, b)] {
        let got = run_v(h, &[sel], &[Val::V128(a), Val::V128(b), Val::I64(cond as i64)]);
        assert_eq!(got, want, "vselect cond {cond:#x}");
    }

    // Register pairs.
    let got = run_v(
        h,
        &[ops::VfromX128 { dst: v(0), lo: x(0), hi: x(1) }.into()],
        &i64s(&[0x8706_8504_8302_8100, 0x8F0E_8D0C_8B0A_8908]),
    );
    assert_eq!(got, LANES, "vfrom_x128");
    let got = h
        .run(
            &[ops::VtoX128 { dst_lo: x(0), dst_hi: x(1), a: v(0) }.into()],
            &[Val::V128(LANES)],
            &[ValType::I64, ValType::I64],
        )
        .unwrap();
    assert_eq!(got, i64s(&[0x8706_8504_8302_8100, 0x8F0E_8D0C_8B0A_8908]), "vto_x128");

    // Bitwise.
    let p = 0xFFFF_0000_FFFF_0000_1234_5678_9ABC_DEF0u128;
    let q = 0x0F0F_0F0F_F0F0_F0F0_FFFF_0000_0000_FFFFu128;
    let bitwise: [(Op, u128); 3] = [
        (ops::Vband { dst: v(0), a: v(0), b: v(1) }.into(), 0x0F0F_0000_F0F0_0000_1234_0000_0000_DEF0),
        (ops::Vbor { dst: v(0), a: v(0), b: v(1) }.into(), 0xFFFF_0F0F_FFFF_F0F0_FFFF_5678_9ABC_FFFF),
        (ops::Vbxor { dst: v(0), a: v(0), b: v(1) }.into(), 0xF0F0_0F0F_0F0F_F0F0_EDCB_5678_9ABC_210F),
    ];
    for (op, want) in bitwise {
        assert_eq!(run_v(h, &[op], &[Val::V128(p), Val::V128(q)]), want, "{op}");
    }
    let not = Op::from(ops::Vbnot { dst: v(0), a: v(0) });
    assert_eq!(run_v(h, &[not], &[Val::V128(p)]), 0x0000_FFFF_0000_FFFF_EDCB_A987_6543_210F, "vbnot");
    assert_eq!(run_v(h, &[not], &[Val::V128(0)]), u128::MAX, "vbnot 0");
    // (a & c) | (b & !c), with c in v0, a in v1, b in v2.
    let bitsel = Op::from(ops::Vbitselect { dst: v(0), c: v(0), a: v(1), b: v(2) });
    let c = 0xFF00_FF00_0000_0000_FFFF_FFFF_0F0F_0F0Fu128;
    let (ones_a, ones_b) = (u128::from_le_bytes([0xAA; 16]), u128::from_le_bytes([0x55; 16]));
    let got = run_v(h, &[bitsel], &[Val::V128(c), Val::V128(ones_a), Val::V128(ones_b)]);
    assert_eq!(got, 0xAA55_AA55_5555_5555_AAAA_AAAA_5A5A_5A5A, "vbitselect: got {got:#034x}");
    vreduce! { h;
        VanyTrue: [0 => 0, 1 => 1, 1 << 127 => 1, 1 << 64 => 1, u128::MAX => 1];
    }

    // Byte swaps within each 16/32/64-bit lane; byte i of the input is i.
    let bytes = u128::from_le_bytes(core::array::from_fn(|i| i as u8));
    let bswaps: [(Op, u128); 3] = [
        (ops::Vbswap16 { dst: v(0), a: v(0) }.into(), 0x0E0F_0C0D_0A0B_0809_0607_0405_0203_0001),
        (ops::Vbswap32 { dst: v(0), a: v(0) }.into(), 0x0C0D_0E0F_0809_0A0B_0405_0607_0001_0203),
        (ops::Vbswap64 { dst: v(0), a: v(0) }.into(), 0x0809_0A0B_0C0D_0E0F_0001_0203_0405_0607),
    ];
    for (op, want) in bswaps {
        let got = run_v(h, &[op], &[Val::V128(bytes)]);
        assert_eq!(got, want, "{op}: got {got:#034x}");
    }

    // 64-bit loads zero the high half (v0 starts as all ones); stores write
    // exactly the low 8 bytes.
    let mut buf: [u8; 32] = core::array::from_fn(|i| 0x80 | i as u8);
    let base = buf.as_mut_ptr().expose_provenance() as u64;
    let load = |h: &mut Harness, at: u64, offset: i32| {
        let op = Op::from(ops::Vload64 { dst: v(0), base: x(0), offset });
        run_v(h, &[op], &[Val::V128(u128::MAX), Val::I64(at as i64)])
    };
    assert_eq!(load(h, base + 8, -5), 0x8A89_8887_8685_8483, "vload64 of bytes 3..11");
    assert_eq!(load(h, base, 19), 0x9A99_9897_9695_9493, "vload64 of bytes 19..27");
    buf.fill(0xEE);
    let base = buf.as_mut_ptr().expose_provenance() as u64;
    let src = 0xFFEE_DDCC_BBAA_9988_0807_0605_0403_0201u128;
    let store = Op::from(ops::Vstore64 { base: x(0), offset: -3, src: v(0) });
    h.run(&[store], &[Val::V128(src), Val::I64((base + 16) as i64)], &[]).unwrap();
    let mut want = [0xEE; 32];
    want[13..21].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(buf, want, "vstore64 at byte 13");

    // Operands come from the registers named, not from fixed positions:
    // inputs in v1.., result moved from a high register to v0.
    let junk = Val::V128(0x5A5A_5A5A_5A5A_5A5A_5A5A_5A5A_5A5A_5A5A);
    let (i4, j4) = (pack(32, &[10, 20, 30, 40]), pack(32, &[1, 2, 3, 4]));
    let (aa, fives) = (u128::from_le_bytes([0xAA; 16]), u128::from_le_bytes([0x55; 16]));
    let cases: [(Op, u8, Vec<Val>, u128); 6] = [
        (
            ops::VsubI32x4 { dst: v(7), a: v(2), b: v(1) }.into(),
            7,
            vec![junk, Val::V128(j4), Val::V128(i4)],
            pack(32, &[9, 18, 27, 36]),
        ),
        (
            ops::VfmaF32x4 { dst: v(9), a: v(3), b: v(2), c: v(1) }.into(),
            9,
            vec![
                junk,
                Val::V128(fl(&[1.0f32, 2.0, 3.0, 4.0])),
                Val::V128(fl(&[2.0f32; 4])),
                Val::V128(fl(&[10.0f32; 4])),
            ],
            fl(&[21.0f32, 22.0, 23.0, 24.0]),
        ),
        (
            ops::Vbitselect { dst: v(8), c: v(3), a: v(1), b: v(2) }.into(),
            8,
            vec![junk, Val::V128(aa), Val::V128(fives), Val::V128(LANES)],
            aa & LANES | fives & !LANES,
        ),
        (
            ops::Vselect { dst: v(6), cond: x(2), a: v(2), b: v(1) }.into(),
            6,
            vec![junk, Val::V128(j4), Val::V128(i4), Val::I64(0), Val::I64(0), Val::I64(1)],
            i4,
        ),
        (
            ops::VfcmpF64x2 { dst: v(5), a: v(2), b: v(1), cc: FloatCC::LESS_THAN }.into(),
            5,
            vec![junk, Val::V128(fl(&[1.0f64, 1.0])), Val::V128(fl(&[0.0f64, 2.0]))],
            pack(64, &[Y, N]),
        ),
        (
            ops::VinsertI8x16 { dst: v(4), a: v(1), src: x(1), lane: 1 }.into(),
            4,
            vec![junk, Val::V128(0), Val::I64(0x11), Val::I64(0x22)],
            0x2200,
        ),
    ];
    for (op, dst, args, want) in cases {
        let got = run_v(h, &[op, ops::Vmov { dst: v(0), src: v(dst) }.into()], &args);
        assert_eq!(got, want, "{op}: got {got:#034x}");
    }
}

// ---------------------------------------------------------------------------
// Integer lanes, written out.

pub fn integers(h: &mut Harness) {
    integer_sweeps(h);

    // Wrapping arithmetic.
    vbin! { h;
        VaddI8x16 8: [
            ([127, -128, -1, 0, 1, 2, 100, -100, 0x55, -86, 64, -64, 10, 20, 30, 40],
             [1, -1, 1, 0, -1, 126, 100, -100, 0x55, -86, 64, -65, -11, 21, 31, 41])
            => [-128, 127, 0, 0, 0, -128, -56, 56, -86, 0x54, -128, 127, -1, 41, 61, 81],
        ];
        VaddI16x8 16: [
            ([0x7FFF, -0x8000, -1, 1, 0x1234, -2, 300, 0x4000], [1, -1, 1, -2, 0x4321, -3, -301, 0x4000])
            => [-0x8000, 0x7FFF, 0, -1, 0x5555, -5, -1, -0x8000],
        ];
        VaddI32x4 32: [([i32::MAX, i32::MIN, -1, 0x1234_5678], [1, -1, 2, 0x1111_1111]) => [i32::MIN, i32::MAX, 1, 0x2345_6789]];
        VaddI64x2 64: [([i64::MAX, -1], [1, 1]) => [i64::MIN, 0], ([i64::MIN, 5], [-1, 7]) => [i64::MAX, 12]];
        VsubI8x16 8: [
            ([-128, 127, 0, 1, -1, 100, -100, 85, 3, 4, 5, 6, 7, 8, 9, 10],
             [1, -1, 1, 2, 127, -100, 100, -86, 0, 5, -5, 6, -7, 8, 20, 17])
            => [127, -128, -1, -1, -128, -56, 56, -85, 3, -1, 10, 0, 14, 0, -11, -7],
        ];
        VsubI16x8 16: [
            ([-0x8000, 0x7FFF, 0, 5, 1000, -1000, 0x1234, 7], [1, -1, 1, 7, -1000, 1000, 0x1234, -9])
            => [0x7FFF, -0x8000, -1, -2, 2000, -2000, 0, 16],
        ];
        VsubI32x4 32: [([i32::MIN, i32::MAX, 0, 10], [1, -1, 1, 3]) => [i32::MAX, i32::MIN, -1, 7]];
        VsubI64x2 64: [([i64::MIN, 0], [1, 1]) => [i64::MAX, -1]];
        VmulI8x16 8: [
            ([16, -128, -1, 127, 3, -3, 11, 0x0F, 2, 64, -64, 5, 7, -7, 100, 0],
             [16, -1, -1, 127, 5, 7, -13, 0x11, 0x40, 2, 2, -5, 9, -9, 3, 99])
            => [0, -128, 1, 1, 15, -21, 113, -1, -128, -128, -128, -25, 63, 63, 44, 0],
        ];
        VmulI16x8 16: [
            ([0x100, -0x8000, 0x7FFF, -1, 300, -300, 0x1234, 3], [0x100, -1, 0x7FFF, -1, 300, 301, 0x10, -4])
            => [0, -0x8000, 1, 1, 24464, -24764, 0x2340, -12],
        ];
        VmulI32x4 32: [([0x10000, i32::MIN, i32::MAX, -3], [0x10000, -1, i32::MAX, 5]) => [0, i32::MIN, 1, -15]];
        VmulI64x2 64: [
            ([1i64 << 32, i64::MIN], [1i64 << 32, -1]) => [0, i64::MIN],
            ([i64::MAX, -3], [i64::MAX, 7]) => [1, -21],
        ];
    }

    // Minimum and maximum: the same bits, signed and unsigned.
    vbin! { h;
        VminSI8x16 8: [
            ([0, -1, 127, -128, 1, 0x55, -86, 5, -5, 100, -100, 2, -2, 64, -64, 9],
             [-1, 0, -128, 127, 1, -86, 0x55, -5, 5, -100, 100, -2, 2, -64, 64, 10])
            => [-1, -1, -128, -128, 1, -86, -86, -5, -5, -100, -100, -2, -2, -64, -64, 9],
        ];
        VmaxSI8x16 8: [
            ([0, -1, 127, -128, 1, 0x55, -86, 5, -5, 100, -100, 2, -2, 64, -64, 9],
             [-1, 0, -128, 127, 1, -86, 0x55, -5, 5, -100, 100, -2, 2, -64, 64, 10])
            => [0, 0, 127, 127, 1, 85, 85, 5, 5, 100, 100, 2, 2, 64, 64, 10],
        ];
        VminUI8x16 8: [
            ([0, 255, 127, 128, 1, 85, 170, 5, 251, 100, 156, 2, 254, 64, 192, 9],
             [255, 0, 128, 127, 1, 170, 85, 251, 5, 156, 100, 254, 2, 192, 64, 10])
            => [0, 0, 127, 127, 1, 85, 85, 5, 5, 100, 100, 2, 2, 64, 64, 9],
        ];
        VmaxUI8x16 8: [
            ([0, 255, 127, 128, 1, 85, 170, 5, 251, 100, 156, 2, 254, 64, 192, 9],
             [255, 0, 128, 127, 1, 170, 85, 251, 5, 156, 100, 254, 2, 192, 64, 10])
            => [255, 255, 128, 128, 1, 170, 170, 251, 251, 156, 156, 254, 254, 192, 192, 10],
        ];
        VminSI16x8 16: [
            ([0, -1, 0x7FFF, -0x8000, 300, -300, 0x1234, 7], [-1, 0, -0x8000, 0x7FFF, -300, 300, 0x1234, -7])
            => [-1, -1, -0x8000, -0x8000, -300, -300, 0x1234, -7],
        ];
        VmaxSI16x8 16: [
            ([0, -1, 0x7FFF, -0x8000, 300, -300, 0x1234, 7], [-1, 0, -0x8000, 0x7FFF, -300, 300, 0x1234, -7])
            => [0, 0, 0x7FFF, 0x7FFF, 300, 300, 0x1234, 7],
        ];
        VminUI16x8 16: [
            ([0, -1, 0x7FFF, -0x8000, 300, -300, 0x1234, 7], [-1, 0, -0x8000, 0x7FFF, -300, 300, 0x1234, -7])
            => [0, 0, 0x7FFF, 0x7FFF, 300, 300, 0x1234, 7],
        ];
        VmaxUI16x8 16: [
            ([0, -1, 0x7FFF, -0x8000, 300, -300, 0x1234, 7], [-1, 0, -0x8000, 0x7FFF, -300, 300, 0x1234, -7])
            => [-1, -1, -0x8000, -0x8000, -300, -300, 0x1234, -7],
        ];
        VminSI32x4 32: [([0, i32::MAX, -5, 7], [-1, i32::MIN, 5, 8]) => [-1, i32::MIN, -5, 7]];
        VmaxSI32x4 32: [([0, i32::MAX, -5, 7], [-1, i32::MIN, 5, 8]) => [0, i32::MAX, 5, 8]];
        VminUI32x4 32: [([0, i32::MAX, -5, 7], [-1, i32::MIN, 5, 8]) => [0, i32::MAX, 5, 7]];
        VmaxUI32x4 32: [([0, i32::MAX, -5, 7], [-1, i32::MIN, 5, 8]) => [-1, i32::MIN, -5, 8]];
        VminSI64x2 64: [([0, i64::MAX], [-1, i64::MIN]) => [-1, i64::MIN], ([-5, 3], [5, 4]) => [-5, 3]];
        VmaxSI64x2 64: [([0, i64::MAX], [-1, i64::MIN]) => [0, i64::MAX], ([-5, 3], [5, 4]) => [5, 4]];
        VminUI64x2 64: [([0, i64::MAX], [-1, i64::MIN]) => [0, i64::MAX], ([-5, 3], [5, 4]) => [5, 3]];
        VmaxUI64x2 64: [([0, i64::MAX], [-1, i64::MIN]) => [-1, i64::MIN], ([-5, 3], [5, 4]) => [-5, 4]];
    }

    // Saturating arithmetic: at and past both bounds, signed and unsigned.
    vbin! { h;
        VaddSatSI8x16 8: [
            ([127, -128, 100, -100, 1, -1, 64, -64, 0x55, -86, 127, -128, 0, 50, -50, 10],
             [1, -1, 100, -100, -1, 1, 64, -65, 0x55, -86, -128, 127, 0, -60, 60, 20])
            => [127, -128, 127, -128, 0, 0, 127, -128, 127, -128, -1, -1, 0, -10, 10, 30],
        ];
        VaddSatUI8x16 8: [
            ([127, 128, 100, 156, 1, 255, 64, 192, 85, 170, 127, 128, 0, 50, 206, 10],
             [1, 255, 100, 156, 255, 1, 64, 191, 85, 170, 128, 127, 0, 196, 60, 20])
            => [128, 255, 200, 255, 255, 255, 128, 255, 170, 255, 255, 255, 0, 246, 255, 30],
        ];
        VsubSatSI8x16 8: [
            ([-128, 127, -100, 100, 0, -1, 0, 1, 0x55, -86, 5, -5, 0, 50, -50, 10],
             [1, -1, 100, -100, -128, 127, 127, -127, -86, 0x55, 7, -7, 0, 60, -60, 20])
            => [-128, 127, -128, 127, 127, -128, -127, 127, 127, -128, -2, 2, 0, -10, 10, -10],
        ];
        VsubSatUI8x16 8: [
            ([128, 127, 156, 100, 0, 255, 0, 1, 85, 170, 5, 251, 0, 50, 206, 10],
             [1, 255, 100, 156, 128, 127, 127, 129, 170, 85, 7, 249, 0, 60, 196, 20])
            => [127, 0, 56, 0, 0, 128, 0, 0, 0, 85, 0, 2, 0, 0, 10, 0],
        ];
        VaddSatSI16x8 16: [
            ([0x7FFF, -0x8000, 0x4000, -0x4000, 1, -1, 0x7FFF, 100], [1, -1, 0x4000, -0x4001, -1, 1, -0x8000, -200])
            => [0x7FFF, -0x8000, 0x7FFF, -0x8000, 0, 0, -1, -100],
        ];
        VaddSatUI16x8 16: [
            ([0xFFFF, 0x8000, 1, 0x7FFF, 0xFFFE, 0, 0x1234, 100], [1, 0x8000, 0xFFFF, 0x8000, 1, 0, 0xF000, 200])
            => [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0, 0xFFFF, 300],
        ];
        VsubSatSI16x8 16: [
            ([-0x8000, 0x7FFF, 0, -1, 0, 5, -0x4000, 100], [1, -1, -0x8000, 0x7FFF, 0x7FFF, 7, 0x4001, -200])
            => [-0x8000, 0x7FFF, 0x7FFF, -0x8000, -0x7FFF, -2, -0x8000, 300],
        ];
        VsubSatUI16x8 16: [
            ([0, 0x8000, 0xFFFF, 5, 0x1234, 0x8000, 1, 300], [1, 0x7FFF, 0xFFFF, 7, 0x0234, 0x8001, 0, 100])
            => [0, 1, 0, 0, 0x1000, 0, 1, 200],
        ];
        VaddSatSI32x4 32: [([i32::MAX, i32::MIN, -1, 0x4000_0000], [1, -1, -2, 0x4000_0000]) => [i32::MAX, i32::MIN, -3, i32::MAX]];
        VaddSatUI32x4 32: [
            ([0xFFFF_FFFFu32, 0x8000_0000u32, 1, 5], [1, 0x8000_0000u32, 0xFFFF_FFFEu32, 6])
            => [0xFFFF_FFFFu32, 0xFFFF_FFFFu32, 0xFFFF_FFFFu32, 11],
        ];
        VsubSatSI32x4 32: [([i32::MIN, i32::MAX, 0, -5], [1, -1, i32::MIN, 6]) => [i32::MIN, i32::MAX, i32::MAX, -11]];
        VsubSatUI32x4 32: [([0, 0x8000_0000u32, 5, 0xFFFF_FFFFu32], [1, 0x7FFF_FFFF, 6, 1]) => [0, 1, 0, 0xFFFF_FFFEu32]];
        VaddSatSI64x2 64: [([i64::MAX, i64::MIN], [1, -1]) => [i64::MAX, i64::MIN], ([-1, 5], [-2, -7]) => [-3, -2]];
        VaddSatUI64x2 64: [
            ([u64::MAX, 1u64 << 63], [1, 1u64 << 63]) => [u64::MAX, u64::MAX],
            ([1, 5], [2, u64::MAX - 5]) => [3, u64::MAX],
        ];
        VsubSatSI64x2 64: [([i64::MIN, i64::MAX], [1, -1]) => [i64::MIN, i64::MAX], ([0, -5], [i64::MIN, 6]) => [i64::MAX, -11]];
        VsubSatUI64x2 64: [
            ([0, 1u64 << 63], [1, (1u64 << 63) - 1]) => [0, 1],
            ([5, u64::MAX], [6, 1]) => [0, u64::MAX - 1],
        ];
    }

    // Rounding average (a + b + 1) >> 1, unsigned and without overflow.
    vbin! { h;
        VavgRoundUI8x16 8: [
            ([0xFF, 0xFF, 0, 0, 1, 2, 0x80, 0x7F, 254, 3, 10, 100, 200, 0x55, 0xAA, 0xFF],
             [0xFF, 0xFE, 0, 1, 2, 2, 0x80, 0x80, 255, 4, 13, 101, 201, 0xAA, 0x55, 1])
            => [255, 255, 0, 1, 2, 2, 128, 128, 255, 4, 12, 101, 201, 128, 128, 128],
        ];
        VavgRoundUI16x8 16: [
            ([0xFFFF, 0xFFFF, 0, 1, 0x8000, 0x7FFF, 0xFFFF, 1000], [0xFFFF, 0xFFFE, 1, 2, 0x8000, 0x8000, 1, 1001])
            => [0xFFFF, 0xFFFF, 1, 2, 0x8000, 0x8000, 0x8000, 1001],
        ];
        VavgRoundUI32x4 32: [
            ([0xFFFF_FFFFu32, 0xFFFF_FFFFu32, 0, 0xFFFF_FFFFu32], [0xFFFF_FFFFu32, 0xFFFF_FFFEu32, 1, 1])
            => [0xFFFF_FFFFu32, 0xFFFF_FFFFu32, 1, 0x8000_0000u32],
        ];
        VavgRoundUI64x2 64: [
            ([u64::MAX, u64::MAX], [u64::MAX, u64::MAX - 1]) => [u64::MAX, u64::MAX],
            ([u64::MAX, 2], [1, 5]) => [1u64 << 63, 4],
        ];
    }

    // High half of the full product, signed and unsigned.
    vbin! { h;
        VmulhiSI8x16 8: [
            ([-128, -128, 127, -1, -1, 64, 2, 100, -100, 16, 0x55, 1, 0, 127, -64, 3],
             [-128, 127, 127, -1, 1, 2, 64, 100, 100, 16, 0x55, -1, 5, -128, -64, -3])
            => [64, -64, 63, 0, -1, 0, 0, 39, -40, 1, 28, -1, 0, -64, 16, -1],
        ];
        VmulhiUI8x16 8: [
            ([128, 128, 127, 255, 255, 64, 2, 100, 156, 16, 85, 1, 0, 127, 192, 3],
             [128, 127, 127, 255, 1, 2, 64, 100, 100, 16, 85, 255, 5, 128, 192, 253])
            => [64, 63, 63, 254, 0, 0, 0, 39, 60, 1, 28, 0, 0, 63, 144, 2],
        ];
        VmulhiSI16x8 16: [
            ([-0x8000, -0x8000, 0x7FFF, -1, 0x4000, 300, -300, 0x1234], [-0x8000, 0x7FFF, 0x7FFF, -1, 4, 300, 300, -0x10])
            => [0x4000, -0x4000, 0x3FFF, 0, 1, 1, -2, -2],
        ];
        VmulhiUI16x8 16: [
            ([0x8000, 0x8000, 0x7FFF, 0xFFFF, 0x4000, 300, 65236, 0x1234], [0x8000, 0x7FFF, 0x7FFF, 0xFFFF, 4, 300, 300, 0xFFF0])
            => [0x4000, 0x3FFF, 0x3FFF, 0xFFFE, 1, 1, 298, 0x1232],
        ];
        VmulhiSI32x4 32: [([i32::MIN, i32::MIN, -1, 0x10000], [i32::MIN, i32::MAX, -1, -0x10000]) => [0x4000_0000, -0x4000_0000, 0, -1]];
        VmulhiUI32x4 32: [
            ([0x8000_0000u32, 0x8000_0000u32, 0xFFFF_FFFFu32, 0x10000], [0x8000_0000u32, 0x7FFF_FFFF, 0xFFFF_FFFFu32, 0xFFFF_0000u32])
            => [0x4000_0000, 0x3FFF_FFFF, 0xFFFF_FFFEu32, 0xFFFF],
        ];
        VmulhiSI64x2 64: [
            ([i64::MIN, -1], [i64::MIN, -1]) => [1i64 << 62, 0],
            ([i64::MIN, 1i64 << 32], [i64::MAX, -(1i64 << 32)]) => [-(1i64 << 62), -1],
        ];
        VmulhiUI64x2 64: [
            ([1u64 << 63, u64::MAX], [1u64 << 63, u64::MAX]) => [1u64 << 62, u64::MAX - 1],
            ([1u64 << 63, 1u64 << 32], [i64::MAX, 0xFFFF_FFFF_0000_0000u64]) => [(1u64 << 62) - 1, 0xFFFF_FFFFu32],
        ];
    }

    // Compares give all-ones lanes; the same bits compared signed and unsigned.
    vbin! { h;
        VeqI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [Y, N, N, N, Y, N, Y, N, N, N, N, Y, N, N, N, N],
        ];
        VneI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [N, Y, Y, Y, N, Y, N, Y, Y, Y, Y, N, Y, Y, Y, Y],
        ];
        VsltI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [N, Y, N, Y, N, Y, N, N, N, Y, N, N, Y, N, Y, N],
        ];
        VsleI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [Y, Y, N, Y, Y, Y, Y, N, N, Y, N, Y, Y, N, Y, N],
        ];
        VultI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [N, N, Y, N, N, Y, N, Y, Y, N, Y, N, N, Y, N, N],
        ];
        VuleI8x16 8: [
            ([0, -1, 127, -128, 5, 5, -5, 1, 0x55, -86, 0, 100, -100, 2, -2, 64],
             [0, 0, -128, 127, 5, 6, -5, -1, -86, 0x55, -1, 100, 100, -2, 2, 63])
            => [Y, N, Y, N, Y, Y, Y, Y, Y, N, Y, Y, N, Y, N, N],
        ];
        VeqI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [Y, N, N, N, N, N, Y, N]];
        VneI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [N, Y, Y, Y, Y, Y, N, Y]];
        VsltI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [N, Y, N, Y, N, Y, N, Y]];
        VsleI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [Y, Y, N, Y, N, Y, Y, Y]];
        VultI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [N, N, Y, N, Y, N, N, Y]];
        VuleI16x8 16: [([0, -1, 0x7FFF, -0x8000, 300, -300, 7, 7], [0, 1, -0x8000, 0x7FFF, -300, 300, 7, 8]) => [Y, N, Y, N, Y, N, Y, Y]];
        VeqI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [N, N, Y, N], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [N, N, N, Y]];
        VneI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [Y, Y, N, Y], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [Y, Y, Y, N]];
        VsltI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [Y, Y, N, N], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [N, N, Y, N]];
        VsleI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [Y, Y, Y, N], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [N, N, Y, Y]];
        VultI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [N, N, N, N], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [Y, Y, Y, N]];
        VuleI32x4 32: [([-1, i32::MIN, 5, 6], [1, i32::MAX, 5, 5]) => [N, N, Y, N], ([1, i32::MAX, -6, 0], [-1, i32::MIN, -5, 0]) => [Y, Y, Y, Y]];
        VeqI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [N, N], ([5, 1], [5, -1]) => [Y, N]];
        VneI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [Y, Y], ([5, 1], [5, -1]) => [N, Y]];
        VsltI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [Y, Y], ([5, 1], [5, -1]) => [N, N]];
        VsleI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [Y, Y], ([5, 1], [5, -1]) => [Y, N]];
        VultI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [N, N], ([5, 1], [5, -1]) => [N, Y]];
        VuleI64x2 64: [([-1, i64::MIN], [1, i64::MAX]) => [N, N], ([5, 1], [5, -1]) => [Y, Y]];
    }

    // Negate and abs wrap at the minimum; popcnt counts within the lane.
    vun! { h;
        VnegI8x16 8: [[0, 1, -1, 127, -128, 100, -100, 0x55, -86, 2, -3, 64, -64, 15, -16, 0x7E]
                      => [0, -1, 1, -127, -128, -100, 100, -85, 86, -2, 3, -64, 64, -15, 16, -126]];
        VabsI8x16 8: [[0, 1, -1, 127, -128, 100, -100, 0x55, -86, 2, -3, 64, -64, 15, -16, 0x7E]
                      => [0, 1, 1, 127, -128, 100, 100, 85, 86, 2, 3, 64, 64, 15, 16, 126]];
        VpopcntI8x16 8: [[0, 1, -1, 127, -128, 100, -100, 0x55, -86, 2, -3, 64, -64, 15, -16, 0x7E]
                         => [0, 1, 8, 7, 1, 3, 4, 4, 4, 1, 7, 1, 2, 4, 4, 6]];
        VnegI16x8 16: [[0, 1, -1, 0x7FFF, -0x8000, 300, -300, 0x1234] => [0, -1, 1, -0x7FFF, -0x8000, -300, 300, -0x1234]];
        VabsI16x8 16: [[0, 1, -1, 0x7FFF, -0x8000, 300, -300, 0x1234] => [0, 1, 1, 0x7FFF, -0x8000, 300, 300, 0x1234]];
        VpopcntI16x8 16: [[0, 1, -1, 0x7FFF, -0x8000, 300, -300, 0x1234] => [0, 1, 16, 15, 1, 4, 11, 5]];
        VnegI32x4 32: [[i32::MIN, -1, i32::MAX, -0x1234_5678] => [i32::MIN, 1, -i32::MAX, 0x1234_5678]];
        VabsI32x4 32: [[i32::MIN, -1, i32::MAX, -0x1234_5678] => [i32::MIN, 1, i32::MAX, 0x1234_5678]];
        VpopcntI32x4 32: [[i32::MIN, -1, i32::MAX, -0x1234_5678] => [1, 32, 31, 17]];
        VnegI64x2 64: [[i64::MIN, -1] => [i64::MIN, 1], [0x0123_4567_89AB_CDEFi64, -5] => [-0x0123_4567_89AB_CDEFi64, 5]];
        VabsI64x2 64: [[i64::MIN, -1] => [i64::MIN, 1], [0x0123_4567_89AB_CDEFi64, -5] => [0x0123_4567_89AB_CDEFi64, 5]];
        VpopcntI64x2 64: [[i64::MIN, -1] => [1, 64], [0x0123_4567_89AB_CDEFi64, -5] => [32, 63]];
    }

    // Shifts by the amount modulo the lane width (the width itself is 0).
    let b8 = [0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE];
    let id8 = || pack(8, &b8.map(|x| x as i128));
    for (amt, op) in [
        (8u64, Op::from(ops::VshlI8x16 { dst: v(0), a: v(0), amt: x(0) })),
        (16, ops::VshrUI8x16 { dst: v(0), a: v(0), amt: x(0) }.into()),
        (1 << 32, ops::VshrSI8x16 { dst: v(0), a: v(0), amt: x(0) }.into()),
    ] {
        let args = [Val::V128(id8()), Val::I64(amt as i64)];
        check(h, op, &args, Sh::I(8), Sh::I(8), id8(), Exact);
    }
    vshift! { h;
        VshlI8x16 8: [
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 9)
            => [0x02, 0xFE, 0x02, 0xFE, 0x00, 0x80, 0xAA, 0x54, 0x20, 0x10, 0x86, 0x78, 0x04, 0xFC, 0x22, 0xDC],
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 7)
            => [0x80, 0x80, 0x80, 0x80, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0],
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 0x1_0000_0003u64)
            => [0x08, 0xF8, 0x08, 0xF8, 0x00, 0x00, 0xA8, 0x50, 0x80, 0x40, 0x18, 0xE0, 0x10, 0xF0, 0x88, 0x70],
        ];
        VshrUI8x16 8: [
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 1)
            => [0x40, 0x3F, 0x00, 0x7F, 0x40, 0x20, 0x2A, 0x55, 0x08, 0x04, 0x61, 0x1E, 0x01, 0x7F, 0x08, 0x77],
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 15)
            => [1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1],
        ];
        VshrSI8x16 8: [
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], 1)
            => [0xC0, 0x3F, 0x00, 0xFF, 0xC0, 0x20, 0x2A, 0xD5, 0x08, 0x04, 0xE1, 0x1E, 0x01, 0xFF, 0x08, 0xF7],
            ([0x81, 0x7F, 0x01, 0xFF, 0x80, 0x40, 0x55, 0xAA, 0x10, 0x08, 0xC3, 0x3C, 0x02, 0xFE, 0x11, 0xEE], u64::MAX)
            => [Y, 0, 0, Y, Y, 0, 0, Y, 0, 0, Y, 0, 0, Y, 0, Y],
        ];
        VshlI16x8 16: [
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 17)
            => [0x0002, 0xFFFE, 0x0002, 0xFFFE, 0x0000, 0x2468, 0xE1E0, 0x8000],
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 15)
            => [0x8000, 0x8000, 0x8000, 0x8000, 0, 0, 0, 0],
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 16)
            => [0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000],
        ];
        VshrUI16x8 16: [
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 20)
            => [0x0800, 0x07FF, 0x0000, 0x0FFF, 0x0800, 0x0123, 0x0F0F, 0x0400],
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 32)
            => [0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000],
        ];
        VshrSI16x8 16: [
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 4)
            => [0xF800, 0x07FF, 0x0000, 0xFFFF, 0xF800, 0x0123, 0xFF0F, 0x0400],
            ([0x8001, 0x7FFF, 0x0001, 0xFFFF, 0x8000, 0x1234, 0xF0F0, 0x4000], 15)
            => [Y, 0, 0, Y, Y, 0, Y, 0],
        ];
        VshlI32x4 32: [
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 36)
            => [0x0000_0010, 0xFFFF_FFF0u32, 0x0000_00F0, 0x2345_6780],
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 31)
            => [0x8000_0000u32, 0x8000_0000u32, 0x8000_0000u32, 0],
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 32)
            => [0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678],
        ];
        VshrUI32x4 32: [
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 4)
            => [0x0800_0000, 0x07FF_FFFF, 0x0F00_0000, 0x0123_4567],
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], u64::MAX)
            => [1, 0, 1, 0],
        ];
        VshrSI32x4 32: [
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 68)
            => [0xF800_0000u32, 0x07FF_FFFF, 0xFF00_0000u32, 0x0123_4567],
            ([0x8000_0001u32, 0x7FFF_FFFF, 0xF000_000Fu32, 0x1234_5678], 31)
            => [Y, 0, Y, 0],
        ];
        // 32 is a real shift for 64-bit lanes.
        VshlI64x2 64: [
            ([0x8000_0000_0000_0001u64, i64::MAX], 65) => [2, -2],
            ([0x8000_0000_0000_0001u64, i64::MAX], 32) => [0x1_0000_0000i64, 0xFFFF_FFFF_0000_0000u64],
            ([0x8000_0000_0000_0001u64, i64::MAX], 64) => [0x8000_0000_0000_0001u64, i64::MAX],
        ];
        VshrUI64x2 64: [
            ([0x8000_0000_0000_0001u64, i64::MAX], 1) => [0x4000_0000_0000_0000i64, 0x3FFF_FFFF_FFFF_FFFFi64],
            ([0x8000_0000_0000_0001u64, i64::MAX], 32) => [0x8000_0000i64, 0x7FFF_FFFFi64],
        ];
        VshrSI64x2 64: [
            ([0x8000_0000_0000_0001u64, i64::MAX], 1) => [0xC000_0000_0000_0000u64, 0x3FFF_FFFF_FFFF_FFFFi64],
            ([0x8000_0000_0000_0001u64, i64::MAX], 127) => [Y, 0],
        ];
    }

    // Reductions; x0 starts as all ones, so the result must replace it.
    let high8 =
        u128::from_le_bytes([0x80, 0x7F, 0x01, 0xFF, 0xC0, 0, 0x40, 0x7F, 0, 0, 0, 0, 0, 0, 0x70, 0x81]);
    vreduce! { h;
        VallTrueI8x16: [
            u128::from_le_bytes(core::array::from_fn(|i| i as u8 + 1)) => 1,
            u128::from_le_bytes(core::array::from_fn(|i| if i == 15 { 0 } else { 0x80 })) => 0,
            u128::from_le_bytes(core::array::from_fn(|i| if i == 0 { 0 } else { 1 })) => 0,
            0x0001_0001_0001_0001_0001_0001_0001_0001 => 0,
            u128::MAX => 1,
            0 => 0,
        ];
        VallTrueI16x8: [
            0x0001_0001_0001_0001_0001_0001_0001_0001 => 1,
            0x0100_0100_0100_0100_0100_0100_0100_0100 => 1,
            0x0000_0001_0000_0001_0000_0001_0000_0001 => 0,
            0x0000_0001_0001_0001_0001_0001_0001_0001 => 0,
        ];
        VallTrueI32x4: [
            0x0000_0001_0000_0001_0000_0001_0000_0001 => 1,
            0x8000_0000_0001_0000_0000_0100_0000_0001 => 1,
            0x0000_0000_0000_0001_0000_0000_0000_0001 => 0,
            0x0000_0001_0000_0001_0000_0001_0000_0000 => 0,
        ];
        VallTrueI64x2: [
            0x0000_0000_0000_0001_0000_0000_0000_0001 => 1,
            1 << 127 | 1 << 32 => 1,
            1 => 0,
            1 << 64 => 0,
        ];
        VhighBitsI8x16: [high8 => 0x8019, u128::MAX => 0xFFFF, 0 => 0, u128::from_le_bytes([0x7F, 0x80].repeat(8).try_into().unwrap()) => 0xAAAA];
        VhighBitsI16x8: [
            pack(16, &[0x7FFF, 0x8000, 0, 0xFFFF, 0x00FF, 0x1234, 0x4000, 0x8001]) => 0x8A,
            u128::MAX => 0xFF,
            high8 => 0x82,
        ];
        VhighBitsI32x4: [pack(32, &[0x8000_0000, 0x7FFF_FFFF, 0x0000_8000, 0xFFFF_FFFF]) => 0b1001, u128::MAX => 0xF];
        VhighBitsI64x2: [pack(64, &[0x8000_0000, 1 << 63]) => 0b10, u128::MAX => 0b11, 1 << 63 => 0b01];
    }

    // Pairwise sums: a's pairs in the low half, b's in the high half.
    vbin! { h;
        VaddPairwiseI8x16 8: [
            ([1, 2, 0x7F, 1, 0xFF, 0xFF, 0x80, 0x80, 10, 20, 0x55, 0xAA, 3, 0xFD, 100, 27],
             [5, 6, 0x40, 0x40, 0xF0, 0x0F, 9, 0x81, 0x70, 0x10, 1, 1, 2, 4, 8, 16])
            => [3, 0x80, 0xFE, 0, 30, 0xFF, 0, 127, 11, 0x80, 0xFF, 0x8A, 0x80, 2, 6, 24],
        ];
        VaddPairwiseI16x8 16: [
            ([1, 2, 0x7FFF, 1, 0xFFFF, 0xFFFF, 0x1234, 0x4321], [0x8000, 0x8000, 10, 20, 0xFFFF, 2, 300, 400])
            => [3, 0x8000, 0xFFFE, 0x5555, 0, 30, 1, 700],
        ];
        VaddPairwiseI32x4 32: [
            ([1, 2, 0xFFFF_FFFFu32, 0xFFFF_FFFFu32], [0x8000_0000u32, 0x8000_0000u32, 0x7FFF_FFFF, 5])
            => [3, 0xFFFF_FFFEu32, 0, 0x8000_0004u32],
        ];
    }

    // sqmul_round_sat: (a * b + 2^(w-2)) >> (w-1), rounding half up, and
    // MIN * MIN saturating to MAX.
    vbin! { h;
        VqmulRoundSatI16x8 16: [
            ([-0x8000, -0x8000, 0x7FFF, 0x4000, 1, 1, -1, -1], [-0x8000, 0x7FFF, 0x7FFF, 0x4000, 0x4000, 0x3FFF, 0x4000, 0x4001])
            => [0x7FFF, -0x7FFF, 0x7FFE, 0x2000, 1, 0, 0, -1],
            ([1, -1, 0xC0, -0xC0, 0x80, -0x80, 0x1234, 3], [0x7FFF, 0x7FFF, 0x80, 0x80, 0x80, 0x80, 0x2000, -0x4000])
            => [1, -1, 1, -1, 1, 0, 0x48D, -1],
        ];
        VqmulRoundSatI32x4 32: [
            ([i32::MIN, i32::MIN, i32::MAX, 1 << 30], [i32::MIN, i32::MAX, i32::MAX, 1 << 30])
            => [i32::MAX, -i32::MAX, 0x7FFF_FFFE, 1 << 29],
            ([1 << 15, -(1 << 15), -1, 1], [1 << 15, 1 << 15, (1 << 30) + 1, 1 << 30]) => [1, 0, -1, 1],
        ];
    }

    // Widening: the low or high half of the lanes, sign- or zero-extended.
    vun! { h;
        VwidenLowSI8x16 8 -> 16: [[0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE, 0x40, 0xC0, 0x81, 0x7E, 0x02, 0xFD, 0x10, 0xF0, 0x55, 0xAA]
                                  => [0, 127, -128, -1, 1, -2, 64, -64]];
        VwidenLowUI8x16 8 -> 16: [[0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE, 0x40, 0xC0, 0x81, 0x7E, 0x02, 0xFD, 0x10, 0xF0, 0x55, 0xAA]
                                  => [0, 127, 128, 255, 1, 254, 64, 192]];
        VwidenHighSI8x16 8 -> 16: [[0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE, 0x40, 0xC0, 0x81, 0x7E, 0x02, 0xFD, 0x10, 0xF0, 0x55, 0xAA]
                                   => [-127, 126, 2, -3, 16, -16, 85, -86]];
        VwidenHighUI8x16 8 -> 16: [[0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE, 0x40, 0xC0, 0x81, 0x7E, 0x02, 0xFD, 0x10, 0xF0, 0x55, 0xAA]
                                   => [129, 126, 2, 253, 16, 240, 85, 170]];
        VwidenLowSI16x8 16 -> 32: [[0x0000, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xFEDC, 0x8001, 0x0102] => [0, 0x7FFF, -0x8000, -1]];
        VwidenLowUI16x8 16 -> 32: [[0x0000, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xFEDC, 0x8001, 0x0102] => [0, 0x7FFF, 0x8000, 0xFFFF]];
        VwidenHighSI16x8 16 -> 32: [[0x0000, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xFEDC, 0x8001, 0x0102] => [0x1234, -0x124, -0x7FFF, 0x102]];
        VwidenHighUI16x8 16 -> 32: [[0x0000, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xFEDC, 0x8001, 0x0102] => [0x1234, 0xFEDC, 0x8001, 0x102]];
        VwidenLowSI32x4 32 -> 64: [[0x8000_0000u32, 0x7FFF_FFFF, 0xFFFF_FFFEu32, 0x1234_5678] => [i32::MIN, i32::MAX]];
        VwidenLowUI32x4 32 -> 64: [[0x8000_0000u32, 0x7FFF_FFFF, 0xFFFF_FFFEu32, 0x1234_5678] => [0x8000_0000u32, 0x7FFF_FFFF]];
        VwidenHighSI32x4 32 -> 64: [[0x8000_0000u32, 0x7FFF_FFFF, 0xFFFF_FFFEu32, 0x1234_5678] => [-2, 0x1234_5678]];
        VwidenHighUI32x4 32 -> 64: [[0x8000_0000u32, 0x7FFF_FFFF, 0xFFFF_FFFEu32, 0x1234_5678] => [0xFFFF_FFFEu32, 0x1234_5678]];
    }

    // Narrowing a's lanes then b's: snarrow (signed to signed), unarrow
    // (signed to unsigned: negatives give 0), uunarrow (unsigned to unsigned:
    // "negatives" are large and give the maximum).
    vbin! { h;
        VnarrowSI16x8 16 -> 8: [
            ([0, 127, 128, -128, -129, 0x7FFF, -0x8000, -1], [1, 2, 300, -300, 126, -127, 0xFF, 0x100])
            => [0, 127, 127, -128, -128, 127, -128, -1, 1, 2, 127, -128, 126, -127, 127, 127],
        ];
        VnarrowSuI16x8 16 -> 8: [
            ([0, 127, 128, -128, -129, 0x7FFF, -0x8000, -1], [1, 2, 300, -300, 126, -127, 0xFF, 0x100])
            => [0, 127, 128, 0, 0, 255, 0, 0, 1, 2, 255, 0, 126, 0, 255, 255],
        ];
        VnarrowUI16x8 16 -> 8: [
            ([0, 127, 128, -128, -129, 0x7FFF, -0x8000, -1], [1, 2, 300, -300, 126, -127, 0xFF, 0x100])
            => [0, 127, 128, 255, 255, 255, 255, 255, 1, 2, 255, 255, 126, 255, 255, 255],
        ];
        VnarrowSI32x4 32 -> 16: [
            ([0x7FFF, 0x8000, -0x8000, -0x8001], [0xFFFF, 0x10000, -1, 0x1234])
            => [0x7FFF, 0x7FFF, -0x8000, -0x8000, 0x7FFF, 0x7FFF, -1, 0x1234],
        ];
        VnarrowSuI32x4 32 -> 16: [
            ([0x7FFF, 0x8000, -0x8000, -0x8001], [0xFFFF, 0x10000, -1, 0x1234])
            => [0x7FFF, 0x8000, 0, 0, 0xFFFF, 0xFFFF, 0, 0x1234],
        ];
        VnarrowUI32x4 32 -> 16: [
            ([0x7FFF, 0x8000, -0x8000, -0x8001], [0xFFFF, 0x10000, -1, 0x1234])
            => [0x7FFF, 0x8000, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0x1234],
        ];
        VnarrowSI64x2 64 -> 32: [
            ([i32::MAX as i64 + 1, i32::MIN as i64 - 1], [-1, 0x1_0000_0000i64]) => [i32::MAX, i32::MIN, -1, i32::MAX],
            ([5, i32::MAX], [u32::MAX, i64::MIN]) => [5, i32::MAX, i32::MAX, i32::MIN],
        ];
        VnarrowSuI64x2 64 -> 32: [
            ([i32::MAX as i64 + 1, i32::MIN as i64 - 1], [-1, 0x1_0000_0000i64]) => [0x8000_0000u32, 0, 0, u32::MAX],
            ([5, i32::MAX], [u32::MAX, i64::MIN]) => [5, i32::MAX, u32::MAX, 0],
        ];
        VnarrowUI64x2 64 -> 32: [
            ([i32::MAX as i64 + 1, i32::MIN as i64 - 1], [-1, 0x1_0000_0000i64]) => [0x8000_0000u32, u32::MAX, u32::MAX, u32::MAX],
            ([5, i32::MAX], [u32::MAX, i64::MIN]) => [5, i32::MAX, u32::MAX, u32::MAX],
        ];
    }
}

// ---------------------------------------------------------------------------
// Float lanes.

pub fn floats(h: &mut Harness) {
    let p32 = f32::from_bits(PAYLOAD32);
    let p64 = f64::from_bits(PAYLOAD64);
    // Arithmetic: where a NaN is expected any NaN will do (hosts differ).
    vfbin! { h;
        VfaddF32x4 f32 Any: [
            ([1.5, -0.0, f32::MAX, 1.0], [2.25, -0.0, f32::MAX, NAN32]) => [3.75, -0.0, INF32, NAN32],
            // Subnormals are not flushed; 2^24 + 1 rounds to even.
            ([0.0, INF32, f32::from_bits(1), 16777216.0], [-0.0, -INF32, f32::from_bits(1), 1.0])
            => [0.0, NAN32, f32::from_bits(2), 16777216.0],
        ];
        VfsubF32x4 f32 Any: [([1.0, -0.0, INF32, 3.0], [1.0, 0.0, INF32, -0.5]) => [0.0, -0.0, NAN32, 3.5]];
        VfmulF32x4 f32 Any: [([-2.0, 1e30, INF32, 1.5], [0.0, 1e30, 0.0, -4.0]) => [-0.0, INF32, NAN32, -6.0]];
        VfdivF32x4 f32 Any: [([1.0, -1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 4.0]) => [INF32, -INF32, NAN32, 0.25]];
        VfaddF64x2 f64 Any: [
            ([0.1, -0.0], [0.2, -0.0]) => [0.30000000000000004, -0.0],
            ([INF64, 1.0], [-INF64, NAN64]) => [NAN64, NAN64],
            ([f64::MAX, 9007199254740992.0], [f64::MAX, 1.0]) => [INF64, 9007199254740992.0],
        ];
        VfsubF64x2 f64 Any: [([1.0, -0.0], [3.0, 0.0]) => [-2.0, -0.0]];
        VfmulF64x2 f64 Any: [([3.0, -2.0], [0.5, 0.0]) => [1.5, -0.0]];
        VfdivF64x2 f64 Any: [([1.0, 1.0], [-0.0, 3.0]) => [-INF64, 1.0 / 3.0], ([0.0, -8.0], [0.0, INF64]) => [NAN64, -0.0]];
    }
    // CLIF fmin/fmax: -0.0 below +0.0 in either order; a NaN operand (any
    // payload, either side) gives the canonical NaN.
    vfbin! { h;
        VfminF32x4 f32 Exact: [
            ([0.0, -0.0, 1.0, p32], [-0.0, 0.0, p32, 1.0]) => [-0.0, -0.0, NAN32, NAN32],
            ([1.0, -INF32, 3.0, -1.0], [2.0, 0.0, -3.0, -1.0]) => [1.0, -INF32, -3.0, -1.0],
        ];
        VfmaxF32x4 f32 Exact: [
            ([0.0, -0.0, 1.0, p32], [-0.0, 0.0, p32, 1.0]) => [0.0, 0.0, NAN32, NAN32],
            ([1.0, -INF32, 3.0, -0.0], [2.0, 0.0, -3.0, -0.0]) => [2.0, 0.0, 3.0, -0.0],
        ];
        VfminF64x2 f64 Exact: [
            ([0.0, -0.0], [-0.0, 0.0]) => [-0.0, -0.0],
            ([p64, 1.0], [1.0, p64]) => [NAN64, NAN64],
            ([3.0, -INF64], [-3.0, INF64]) => [-3.0, -INF64],
        ];
        VfmaxF64x2 f64 Exact: [
            ([0.0, -0.0], [-0.0, 0.0]) => [0.0, 0.0],
            ([p64, 1.0], [1.0, p64]) => [NAN64, NAN64],
            ([3.0, -INF64], [-3.0, INF64]) => [3.0, INF64],
        ];
        // Sign operations work on the bits and keep NaN payloads.
        VfcopysignF32x4 f32 Exact: [
            ([1.5, -2.0, p32, 0.0], [-0.0, 1.0, 1.0, f32::from_bits(0xFFC0_0000)])
            => [-1.5, 2.0, f32::from_bits(PAYLOAD32 & !(1 << 31)), -0.0],
        ];
        VfcopysignF64x2 f64 Exact: [
            ([1.5, p64], [-0.0, 2.0]) => [-1.5, f64::from_bits(PAYLOAD64 & !(1 << 63))],
            ([-2.0, INF64], [0.0, -1.0]) => [2.0, -INF64],
        ];
    }
    vfun! { h;
        VfnegF32x4 f32 -> f32 Exact: [[p32, 0.0, -1.5, INF32] => [f32::from_bits(PAYLOAD32 ^ 1 << 31), -0.0, 1.5, -INF32]];
        VfnegF64x2 f64 -> f64 Exact: [[p64, 0.0] => [f64::from_bits(PAYLOAD64 ^ 1 << 63), -0.0], [-1.5, -INF64] => [1.5, INF64]];
        VfabsF32x4 f32 -> f32 Exact: [[p32, -0.0, -1.5, -INF32] => [f32::from_bits(PAYLOAD32 & !(1 << 31)), 0.0, 1.5, INF32]];
        VfabsF64x2 f64 -> f64 Exact: [[p64, -0.0] => [f64::from_bits(PAYLOAD64 & !(1 << 63)), 0.0], [-1.5, -INF64] => [1.5, INF64]];
    }
    vfun! { h;
        VfsqrtF32x4 f32 -> f32 Any: [
            [4.0, -0.0, INF32, -1.0] => [2.0, -0.0, INF32, NAN32],
            [0.25, 2.0, 16.0, 0.0] => [0.5, std::f32::consts::SQRT_2, 4.0, 0.0],
        ];
        VfsqrtF64x2 f64 -> f64 Any: [[2.0, -0.0] => [std::f64::consts::SQRT_2, -0.0], [-1.0, 0.25] => [NAN64, 0.5]];
        VfceilF32x4 f32 -> f32 Any: [
            [1.1, -0.5, -1.5, 8388609.0] => [2.0, -0.0, -1.0, 8388609.0],
            [NAN32, INF32, -0.0, 0.1] => [NAN32, INF32, -0.0, 1.0],
        ];
        VfceilF64x2 f64 -> f64 Any: [[1.0000001, -0.5] => [2.0, -0.0], [4503599627370497.0, -INF64] => [4503599627370497.0, -INF64]];
        VffloorF32x4 f32 -> f32 Any: [[-1.1, 0.5, -0.0, 2.5] => [-2.0, 0.0, -0.0, 2.0]];
        VffloorF64x2 f64 -> f64 Any: [[-1.1, 1.9] => [-2.0, 1.0], [-0.5, INF64] => [-1.0, INF64], [NAN64, 0.5] => [NAN64, 0.0]];
        VftruncF32x4 f32 -> f32 Any: [[-1.9, 1.9, -0.3, 1e10] => [-1.0, 1.0, -0.0, 1e10]];
        VftruncF64x2 f64 -> f64 Any: [[-1.9, -INF64] => [-1.0, -INF64], [0.7, -0.7] => [0.0, -0.0]];
        // Ties to even; the largest float below 0.5 rounds down.
        VfnearestF32x4 f32 -> f32 Any: [
            [0.5, 1.5, 2.5, -0.5] => [0.0, 2.0, 2.0, -0.0],
            [-1.5, 3.5, 8388609.0, 0.49999997] => [-2.0, 4.0, 8388609.0, 0.0],
        ];
        VfnearestF64x2 f64 -> f64 Any: [
            [0.5, 2.5] => [0.0, 2.0],
            [4503599627370497.0, -2.5] => [4503599627370497.0, -2.0],
            [-0.5, 0.49999999999999994] => [-0.0, 0.0],
        ];
    }

    // Fused multiply-add rounds once: (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 is
    // exact in f32, while a separate multiply would lose the 2^-24 term
    // (likewise (1 + 2^-27)^2 - 1 in f64).
    let fma32 = Op::from(ops::VfmaF32x4 { dst: v(0), a: v(0), b: v(1), c: v(2) });
    let e = 1.0f32 + 1.0 / 4096.0;
    let args =
        [fl(&[e, 2.0, INF32, -1.0]), fl(&[e, 3.0, 0.0, 0.0]), fl(&[-1.0f32, 1.0, 1.0, -0.0])].map(Val::V128);
    let want = fl(&[1.0f32 / 2048.0 + 1.0 / 16777216.0, 7.0, NAN32, -0.0]);
    check(h, fma32, &args, Sh::F(32), Sh::F(32), want, Any);
    let fma64 = Op::from(ops::VfmaF64x2 { dst: v(0), a: v(0), b: v(1), c: v(2) });
    let e = 1.0f64 + 1.0 / 134217728.0;
    let args = [fl(&[e, INF64]), fl(&[e, 0.0]), fl(&[-1.0f64, 1.0])].map(Val::V128);
    let want = fl(&[1.0f64 / 67108864.0 + 1.0 / 18014398509481984.0, NAN64]);
    check(h, fma64, &args, Sh::F(64), Sh::F(64), want, Any);
    let args = [fl(&[2.0f64, -1.0]), fl(&[3.0f64, 0.0]), fl(&[1.0f64, -0.0])].map(Val::V128);
    check(h, fma64, &args, Sh::F(64), Sh::F(64), fl(&[7.0f64, -0.0]), Any);

    // Every condition code, on lanes that compare less, equal, greater and
    // unordered: [<, ==, >, unordered].
    let ccs: [(FloatCC, [bool; 4]); 14] = [
        (FloatCC::ORDERED, [true, true, true, false]),
        (FloatCC::UNORDERED, [false, false, false, true]),
        (FloatCC::EQUAL, [false, true, false, false]),
        (FloatCC::NOT_EQUAL, [true, false, true, true]),
        (FloatCC::ORDERED_NOT_EQUAL, [true, false, true, false]),
        (FloatCC::UNORDERED_OR_EQUAL, [false, true, false, true]),
        (FloatCC::LESS_THAN, [true, false, false, false]),
        (FloatCC::LESS_THAN_OR_EQUAL, [true, true, false, false]),
        (FloatCC::GREATER_THAN, [false, false, true, false]),
        (FloatCC::GREATER_THAN_OR_EQUAL, [false, true, true, false]),
        (FloatCC::UNORDERED_OR_LESS_THAN, [true, false, false, true]),
        (FloatCC::UNORDERED_OR_LESS_THAN_OR_EQUAL, [true, true, false, true]),
        (FloatCC::UNORDERED_OR_GREATER_THAN, [false, false, true, true]),
        (FloatCC::UNORDERED_OR_GREATER_THAN_OR_EQUAL, [false, true, true, true]),
    ];
    assert_eq!(ccs.len(), FloatCC::ALL.len(), "every condition code");
    for (cc, [lt, eq, gt, un]) in ccs {
        let m = |w: u32, lanes: &[bool]| join(w, &lanes.iter().map(|&b| mask(w, b)).collect::<Vec<_>>());
        let op32 = Op::from(ops::VfcmpF32x4 { dst: v(0), a: v(0), b: v(1), cc });
        // 1 < 2, -0 == +0, 3 > 2, NaN ? 2; then the same outcomes in another lane order.
        let cases32 = [
            (fl(&[1.0f32, -0.0, 3.0, NAN32]), fl(&[2.0f32, 0.0, 2.0, 2.0]), m(32, &[lt, eq, gt, un])),
            (
                fl(&[1.0f32, INF32, -INF32, 5.0]),
                fl(&[p32, f32::MAX, f32::MIN, 5.0]),
                m(32, &[un, gt, lt, eq]),
            ),
        ];
        for (a, b, want) in cases32 {
            check(h, op32, &[Val::V128(a), Val::V128(b)], Sh::F(32), Sh::I(32), want, Exact);
        }
        let op64 = Op::from(ops::VfcmpF64x2 { dst: v(0), a: v(0), b: v(1), cc });
        let cases64 = [
            (fl(&[1.0f64, 0.0]), fl(&[2.0f64, -0.0]), m(64, &[lt, eq])),
            (fl(&[3.0f64, NAN64]), fl(&[2.0f64, 2.0]), m(64, &[gt, un])),
            (fl(&[-INF64, 1.0]), fl(&[p64, -1.0]), m(64, &[un, gt])),
        ];
        for (a, b, want) in cases64 {
            check(h, op64, &[Val::V128(a), Val::V128(b)], Sh::F(64), Sh::I(64), want, Exact);
        }
    }
}

// ---------------------------------------------------------------------------
// Conversions.

pub fn conversions(h: &mut Harness) {
    // Integer to float, rounding to nearest even.
    vi2f! { h;
        Vf32x4FromI32x4S 32 -> f32: [
            [-1, i32::MIN, 16777217, i32::MAX] => [-1.0, -2147483648.0, 16777216.0, 2147483648.0],
            [0, 16777219, -16777219, 0xFFFF_FF7Fu32] => [0.0, 16777220.0, -16777220.0, -129.0],
        ];
        Vf32x4FromI32x4U 32 -> f32: [
            [0xFFFF_FFFFu32, 0x8000_0000u32, 16777217, 1] => [4294967296.0, 2147483648.0, 16777216.0, 1.0],
            [0xFFFF_FF7Fu32, 0xFFFF_FF80u32, 0x8000_0080u32, 0x8000_0081u32] => [4294967040.0, 4294967296.0, 2147483648.0, 2147483904.0],
        ];
        Vf64x2FromI64x2S 64 -> f64: [
            [i64::MIN, -1] => [-9223372036854775808.0, -1.0],
            [(1i64 << 53) + 1, i64::MAX] => [9007199254740992.0, 9223372036854775808.0],
        ];
        Vf64x2FromI64x2U 64 -> f64: [
            [u64::MAX, 1u64 << 63] => [18446744073709551616.0, 9223372036854775808.0],
            [(1u64 << 53) + 1, (1u64 << 53) + 3] => [9007199254740992.0, 9007199254740996.0],
        ];
    }
    // Float to integer, saturating; NaN (any sign or payload) gives 0.
    vf2i! { h;
        Vi32x4FromF32x4SSat f32 -> 32: [
            [NAN32, 1e10, -1e10, -1.9] => [0, i32::MAX, i32::MIN, -1],
            [2147483520.0, -2147483648.0, -0.0, 0.99] => [2147483520, i32::MIN, 0, 0],
            [INF32, -INF32, 2147483648.0, f32::from_bits(PAYLOAD32)] => [i32::MAX, i32::MIN, i32::MAX, 0],
        ];
        Vi32x4FromF32x4USat f32 -> 32: [
            [NAN32, -1.0, 1e10, 4294967040.0] => [0, 0, u32::MAX, 4294967040u32],
            [-0.9, 3.9, INF32, -INF32] => [0, 3, u32::MAX, 0],
            [f32::from_bits(PAYLOAD32), 2147483648.0, 0.5, 4294967296.0] => [0, 0x8000_0000u32, 0, u32::MAX],
        ];
        Vi64x2FromF64x2SSat f64 -> 64: [
            [NAN64, 1e300] => [0, i64::MAX],
            [-1e300, -1.5] => [i64::MIN, -1],
            [9223372036854774784.0, -9223372036854775808.0] => [9223372036854774784i64, i64::MIN],
            [INF64, 9223372036854775808.0] => [i64::MAX, i64::MAX],
            [f64::from_bits(PAYLOAD64), -INF64] => [0, i64::MIN],
        ];
        Vi64x2FromF64x2USat f64 -> 64: [
            [NAN64, -1.0] => [0, 0],
            [1e300, 18446744073709549568.0] => [u64::MAX, 18446744073709549568u64],
            [3.9, -0.5] => [3, 0],
            [18446744073709551616.0, 9223372036854775808.0] => [u64::MAX, 1u64 << 63],
        ];
    }
    // Promote the two low f32 lanes (lanes 2 and 3 ignored); demote into
    // lanes 0 and 1 and zero lanes 2 and 3.
    vfun! { h;
        VfpromoteLow f32 -> f64 Any: [
            [1.5, -0.0, 7.0, 9.0] => [1.5, -0.0],
            // f32::MAX and the smallest subnormal, exactly.
            [f32::MAX, f32::from_bits(1), NAN32, 1.0] => [f64::from_bits(0x47EF_FFFF_E000_0000), f64::from_bits(0x36A0_0000_0000_0000)],
            [NAN32, -INF32, 0.0, 0.0] => [NAN64, -INF64],
        ];
        Vfdemote f64 -> f32 Any: [
            [1.5, 1e300] => [1.5, INF32, 0.0, 0.0],
            [1.0000000000000002, -0.0] => [1.0, -0.0, 0.0, 0.0],
            [NAN64, -1e-300] => [NAN32, -0.0, 0.0, 0.0],
            [16777217.0, -3.0] => [16777216.0, -3.0, 0.0, 0.0],
        ];
    }
}

/// Every section, for `every_op_is_exercised`.
pub fn all(h: &mut Harness) {
    lanes_and_bits(h);
    integers(h);
    floats(h);
    conversions(h);
}
