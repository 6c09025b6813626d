//! 128-bit vector ops, in portable Rust.
//!
//! A v-register is a `u128` whose lane `i` (of an `NxM` shape) is bits
//! `[i*N, (i+1)*N)`: the little-endian image of the register is the vector
//! in CLIF's lane order, whatever the host's byte order. Lanes are cut out
//! through that byte image, which the compiler turns into plain register
//! moves on little-endian hosts.

use super::float::{float_cc, fmax_f32, fmax_f64, fmin_f32, fmin_f64};
use crate::float as fl;
use crate::state::{At, Flow, State};
use sheave_opcodes::{FReg, FloatCC, VReg, XReg};

/// A lane type: how it is read from and written to a register's byte image.
trait Lane: Copy {
    const BYTES: usize;
    fn get(bytes: &[u8; 16], i: usize) -> Self;
    fn put(self, bytes: &mut [u8; 16], i: usize);
}

macro_rules! lane_types {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const BYTES: usize = core::mem::size_of::<$t>();
            #[inline(always)]
            fn get(bytes: &[u8; 16], i: usize) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                raw.copy_from_slice(&bytes[i * Self::BYTES..(i + 1) * Self::BYTES]);
                <$t>::from_le_bytes(raw)
            }
            #[inline(always)]
            fn put(self, bytes: &mut [u8; 16], i: usize) {
                bytes[i * Self::BYTES..(i + 1) * Self::BYTES].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
lane_types!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

/// The `N` lanes of type `T` in `v`, through its little-endian image.
#[inline(always)]
fn lanes<T: Lane, const N: usize>(v: u128) -> [T; N] {
    let bytes = v.to_le_bytes();
    core::array::from_fn(|i| T::get(&bytes, i))
}

/// The register whose lanes are `l` (unused high bytes zero).
#[inline(always)]
fn pack<T: Lane, const N: usize>(l: [T; N]) -> u128 {
    let mut bytes = [0u8; 16];
    for (i, x) in l.into_iter().enumerate() {
        x.put(&mut bytes, i);
    }
    u128::from_le_bytes(bytes)
}

impl State {
    /// The lanes of register `r`. On little-endian hosts the register's
    /// memory is its lane array, read in place so the compiler can use the
    /// host's vector loads and lane-wise instructions.
    #[inline(always)]
    fn lanes<T: Lane, const N: usize>(&self, r: VReg) -> [T; N] {
        const { assert!(size_of::<[T; N]>() == 16 && align_of::<T>() <= align_of::<u128>()) };
        if cfg!(target_endian = "little") {
            // SAFETY: the array is exactly as large as the `u128` and no
            // more aligned (both checked above), and `Lane` types are plain
            // numbers, valid for any bits.
            unsafe { core::ptr::from_ref(&self.v[r.index()]).cast::<[T; N]>().read() }
        } else {
            lanes(self.v[r.index()])
        }
    }

    /// Set register `r` to the lanes `l` (see [`Self::lanes`]).
    #[inline(always)]
    fn set_lanes<T: Lane, const N: usize>(&mut self, r: VReg, l: [T; N]) {
        const { assert!(size_of::<[T; N]>() == 16 && align_of::<T>() <= align_of::<u128>()) };
        if cfg!(target_endian = "little") {
            // SAFETY: as in `lanes`; any bits are a valid `u128`.
            unsafe { core::ptr::from_mut(&mut self.v[r.index()]).cast::<[T; N]>().write(l) }
        } else {
            self.v[r.index()] = pack(l);
        }
    }
}

/// All ones (as a lane of any integer type) when `b`, else zero.
#[inline(always)]
fn mask<T: From<i8>>(b: bool) -> T {
    T::from(-(b as i8))
}

/// `(a * b + round) >> shift`, saturated to the lane type: `sqmul_round_sat`.
macro_rules! q_round {
    ($a:expr, $b:expr, $t:ty, $w:ty) => {{
        let bits = <$t>::BITS;
        let p = (($a as $w) * ($b as $w) + (1 << (bits - 2))) >> (bits - 1);
        p.clamp(<$t>::MIN as $w, <$t>::MAX as $w) as $t
    }};
}

/// `dst = f(a, b)` lane by lane.
macro_rules! vbin {
    ($($name:ident: [$t:ty; $n:literal], |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg, b: VReg) -> Flow {
            let (x, y) = (self.lanes::<$t, $n>(a), self.lanes::<$t, $n>(b));
            let r: [$t; $n] = core::array::from_fn(|i| {
                let ($a, $b) = (x[i], y[i]);
                $e
            });
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// `dst = f(a)` lane by lane, from lanes of one type to another.
macro_rules! vun {
    ($($name:ident: [$t:ty; $n:literal] -> [$r:ty; $m:literal], |$a:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg) -> Flow {
            let x = self.lanes::<$t, $n>(a);
            let r: [$r; $m] = core::array::from_fn(|i| {
                let $a = x[i];
                $e
            });
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Lane-wise shifts by `x[amt]` modulo the lane width.
macro_rules! vshift {
    ($($name:ident: [$t:ty; $n:literal], $method:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg, amt: XReg) -> Flow {
            let s = self.x32(amt) % <$t>::BITS;
            let r = self.lanes::<$t, $n>(a).map(|x| x.$method(s));
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Reductions to an x-register.
macro_rules! vreduce {
    ($($name:ident: [$t:ty; $n:literal], |$l:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: VReg) -> Flow {
            let $l = self.lanes::<$t, $n>(a);
            self.set_x64(dst, $e);
            Ok(at.next)
        }
    )*};
}

/// Splat, extract and insert for one lane type.
macro_rules! vlane {
    ($($splat:ident, $extract:ident, $insert:ident: [$t:ty; $n:literal], $reg:ident,
       $get:expr, $set:expr;)*) => {$(
        #[inline(always)]
        pub fn $splat(&mut self, at: At, dst: VReg, src: $reg) -> Flow {
            let x: $t = ($get)(&*self, src);
            self.set_lanes(dst, [x; $n]);
            Ok(at.next)
        }
        #[inline(always)]
        pub fn $extract(&mut self, at: At, dst: $reg, a: VReg, lane: u8) -> Flow {
            let x = self.lanes::<$t, $n>(a)[lane as usize % $n];
            ($set)(self, dst, x);
            Ok(at.next)
        }
        #[inline(always)]
        pub fn $insert(&mut self, at: At, dst: VReg, a: VReg, src: $reg, lane: u8) -> Flow {
            let mut l = self.lanes::<$t, $n>(a);
            l[lane as usize % $n] = ($get)(&*self, src);
            self.set_lanes(dst, l);
            Ok(at.next)
        }
    )*};
}

/// Take the low half (`low`) or high half of `N` lanes, widened.
macro_rules! vwiden {
    ($($name:ident: [$t:ty; $n:literal] -> $w:ty, $skip:literal;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg) -> Flow {
            let x = self.lanes::<$t, $n>(a);
            let r: [$w; $n / 2] = core::array::from_fn(|i| x[i + $skip] as $w);
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Narrow the lanes of `a` then `b`, saturating to `[lo, hi]` of the
/// narrow type (`$s` is how the wide lanes are read).
macro_rules! vnarrow {
    ($($name:ident: [$s:ty; $n:literal] -> $t:ty;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg, b: VReg) -> Flow {
            let (x, y) = (self.lanes::<$s, $n>(a), self.lanes::<$s, $n>(b));
            let r: [$t; 2 * $n] = core::array::from_fn(|i| {
                let v = if i < $n { x[i] } else { y[i - $n] };
                v.clamp(<$t>::MIN as $s, <$t>::MAX as $s) as $t
            });
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Sums of adjacent lane pairs: `a`'s first, then `b`'s.
macro_rules! vpairwise {
    ($($name:ident: [$t:ty; $n:literal];)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg, b: VReg) -> Flow {
            let (x, y) = (self.lanes::<$t, $n>(a), self.lanes::<$t, $n>(b));
            let r: [$t; $n] = core::array::from_fn(|i| {
                let (src, j) = if i < $n / 2 { (&x, 2 * i) } else { (&y, 2 * i - $n) };
                src[j].wrapping_add(src[j + 1])
            });
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Float compares into lane masks.
macro_rules! vfcmp {
    ($($name:ident: [$t:ty; $n:literal] -> $m:ty;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: VReg, a: VReg, b: VReg, cc: FloatCC) -> Flow {
            let (x, y) = (self.lanes::<$t, $n>(a), self.lanes::<$t, $n>(b));
            let r: [$m; $n] = core::array::from_fn(|i| mask(float_cc(cc, x[i], y[i])));
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

/// Every integer op, for each of the four integer shapes.
macro_rules! int_shapes {
    ($($s:ident $u:ident $n:literal $w:ident $uw:ident:
       $add:ident $sub:ident $mul:ident $min_s:ident $min_u:ident $max_s:ident $max_u:ident
       $adds:ident $addu:ident $subs:ident $subu:ident $avg:ident $mulhi_s:ident $mulhi_u:ident
       $eq:ident $ne:ident $slt:ident $sle:ident $ult:ident $ule:ident
       $neg:ident $abs:ident $popcnt:ident $shl:ident $shr_u:ident $shr_s:ident
       $all:ident $high:ident;)*) => {$(
        vbin! {
            $add: [$s; $n], |a, b| a.wrapping_add(b);
            $sub: [$s; $n], |a, b| a.wrapping_sub(b);
            $mul: [$s; $n], |a, b| a.wrapping_mul(b);
            $min_s: [$s; $n], |a, b| a.min(b);
            $min_u: [$u; $n], |a, b| a.min(b);
            $max_s: [$s; $n], |a, b| a.max(b);
            $max_u: [$u; $n], |a, b| a.max(b);
            $adds: [$s; $n], |a, b| a.saturating_add(b);
            $addu: [$u; $n], |a, b| a.saturating_add(b);
            $subs: [$s; $n], |a, b| a.saturating_sub(b);
            $subu: [$u; $n], |a, b| a.saturating_sub(b);
            // Rounding up without overflow: (a | b) - ((a ^ b) >> 1).
            $avg: [$u; $n], |a, b| (a | b) - ((a ^ b) >> 1);
            $mulhi_s: [$s; $n], |a, b| ((a as $w * b as $w) >> <$s>::BITS) as $s;
            $mulhi_u: [$u; $n], |a, b| ((a as $uw * b as $uw) >> <$u>::BITS) as $u;
            $eq: [$s; $n], |a, b| mask(a == b);
            $ne: [$s; $n], |a, b| mask(a != b);
            $slt: [$s; $n], |a, b| mask(a < b);
            $sle: [$s; $n], |a, b| mask(a <= b);
            $ult: [$u; $n], |a, b| if a < b { <$u>::MAX } else { 0 };
            $ule: [$u; $n], |a, b| if a <= b { <$u>::MAX } else { 0 };
        }
        vun! {
            $neg: [$s; $n] -> [$s; $n], |a| a.wrapping_neg();
            $abs: [$s; $n] -> [$s; $n], |a| a.wrapping_abs();
            $popcnt: [$u; $n] -> [$u; $n], |a| a.count_ones() as $u;
        }
        vshift! {
            $shl: [$u; $n], wrapping_shl;
            $shr_u: [$u; $n], wrapping_shr;
            $shr_s: [$s; $n], wrapping_shr;
        }
        vreduce! {
            $all: [$u; $n], |l| l.iter().all(|&x| x != 0) as u64;
            $high: [$u; $n], |l| l.iter().enumerate().fold(0u64, |m, (i, &x)| m | ((x >> (<$u>::BITS - 1)) as u64) << i);
        }
    )*};
}

/// Every float op, for f32x4 and f64x2.
macro_rules! float_shapes {
    ($($t:ident $n:literal $fmin:ident $fmax:ident $sqrt:path, $ceil:path, $floor:path, $trunc:path,
       $nearest:path, $fma:path, $sign:literal:
       $add:ident $sub:ident $mul:ident $div:ident $min:ident $max:ident $copysign:ident
       $fneg:ident $fabs:ident $fsqrt:ident $fceil:ident $ffloor:ident $ftrunc:ident $fnearest:ident
       $vfma:ident;)*) => {$(
        vbin! {
            $add: [$t; $n], |a, b| a + b;
            $sub: [$t; $n], |a, b| a - b;
            $mul: [$t; $n], |a, b| a * b;
            $div: [$t; $n], |a, b| a / b;
            $min: [$t; $n], |a, b| $fmin(a, b);
            $max: [$t; $n], |a, b| $fmax(a, b);
            $copysign: [$t; $n], |a, b| <$t>::from_bits(a.to_bits() & !$sign | b.to_bits() & $sign);
        }
        vun! {
            // Sign-bit operations never touch a NaN's payload.
            $fneg: [$t; $n] -> [$t; $n], |a| <$t>::from_bits(a.to_bits() ^ $sign);
            $fabs: [$t; $n] -> [$t; $n], |a| <$t>::from_bits(a.to_bits() & !$sign);
            $fsqrt: [$t; $n] -> [$t; $n], |a| $sqrt(a);
            $fceil: [$t; $n] -> [$t; $n], |a| $ceil(a);
            $ffloor: [$t; $n] -> [$t; $n], |a| $floor(a);
            $ftrunc: [$t; $n] -> [$t; $n], |a| $trunc(a);
            $fnearest: [$t; $n] -> [$t; $n], |a| $nearest(a);
        }
        #[inline(always)]
        pub fn $vfma(&mut self, at: At, dst: VReg, a: VReg, b: VReg, c: VReg) -> Flow {
            let (x, y, z) = (self.lanes::<$t, $n>(a), self.lanes::<$t, $n>(b), self.lanes::<$t, $n>(c));
            let r: [$t; $n] = core::array::from_fn(|i| $fma(x[i], y[i], z[i]));
            self.set_lanes(dst, r);
            Ok(at.next)
        }
    )*};
}

impl State {
    #[inline(always)]
    pub fn vconst(&mut self, at: At, dst: VReg, bits: u128) -> Flow {
        self.set_v(dst, bits);
        Ok(at.next)
    }

    vlane! {
        vsplat_i8x16, vextract_i8x16, vinsert_i8x16: [u8; 16], XReg,
            |s: &State, r| s.x64(r) as u8, |s: &mut State, r, x: u8| s.set_x64(r, x as u64);
        vsplat_i16x8, vextract_i16x8, vinsert_i16x8: [u16; 8], XReg,
            |s: &State, r| s.x64(r) as u16, |s: &mut State, r, x: u16| s.set_x64(r, x as u64);
        vsplat_i32x4, vextract_i32x4, vinsert_i32x4: [u32; 4], XReg,
            |s: &State, r| s.x64(r) as u32, |s: &mut State, r, x: u32| s.set_x64(r, x as u64);
        vsplat_i64x2, vextract_i64x2, vinsert_i64x2: [u64; 2], XReg,
            |s: &State, r| s.x64(r), |s: &mut State, r, x: u64| s.set_x64(r, x);
        vsplat_f32x4, vextract_f32x4, vinsert_f32x4: [u32; 4], FReg,
            |s: &State, r| s.f[FReg::index(r)] as u32, |s: &mut State, r, x: u32| s.f[FReg::index(r)] = x as u64;
        vsplat_f64x2, vextract_f64x2, vinsert_f64x2: [u64; 2], FReg,
            |s: &State, r| s.f[FReg::index(r)], |s: &mut State, r, x: u64| s.f[FReg::index(r)] = x;
    }

    #[inline(always)]
    pub fn vshuffle(&mut self, at: At, dst: VReg, a: VReg, b: VReg, mask: u128) -> Flow {
        let (x, y, m) = (self.v(a).to_le_bytes(), self.v(b).to_le_bytes(), mask.to_le_bytes());
        let r: [u8; 16] = core::array::from_fn(|i| match m[i] {
            j @ 0..16 => x[j as usize],
            j @ 16..32 => y[j as usize - 16],
            _ => 0,
        });
        self.set_v(dst, u128::from_le_bytes(r));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vswizzle(&mut self, at: At, dst: VReg, a: VReg, b: VReg) -> Flow {
        let (x, m) = (self.v(a).to_le_bytes(), self.v(b).to_le_bytes());
        let r: [u8; 16] = core::array::from_fn(|i| x.get(m[i] as usize).copied().unwrap_or(0));
        self.set_v(dst, u128::from_le_bytes(r));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vselect(&mut self, at: At, dst: VReg, cond: XReg, a: VReg, b: VReg) -> Flow {
        self.set_v(dst, if self.x64(cond) != 0 { self.v(a) } else { self.v(b) });
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vfrom_x128(&mut self, at: At, dst: VReg, lo: XReg, hi: XReg) -> Flow {
        self.set_v(dst, (self.x64(hi) as u128) << 64 | self.x64(lo) as u128);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vto_x128(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: VReg) -> Flow {
        let v = self.v(a);
        self.set_x64(dst_lo, v as u64);
        self.set_x64(dst_hi, (v >> 64) as u64);
        Ok(at.next)
    }

    vbin! {
        vband: [u64; 2], |a, b| a & b;
        vbor: [u64; 2], |a, b| a | b;
        vbxor: [u64; 2], |a, b| a ^ b;
    }
    vun! {
        vbnot: [u64; 2] -> [u64; 2], |a| !a;
        vbswap16: [u16; 8] -> [u16; 8], |a| a.swap_bytes();
        vbswap32: [u32; 4] -> [u32; 4], |a| a.swap_bytes();
        vbswap64: [u64; 2] -> [u64; 2], |a| a.swap_bytes();
    }
    #[inline(always)]
    pub fn vbitselect(&mut self, at: At, dst: VReg, c: VReg, a: VReg, b: VReg) -> Flow {
        let m = self.v(c);
        self.set_v(dst, (self.v(a) & m) | (self.v(b) & !m));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vany_true(&mut self, at: At, dst: XReg, a: VReg) -> Flow {
        self.set_x64(dst, (self.v(a) != 0) as u64);
        Ok(at.next)
    }

    int_shapes! {
        i8 u8 16 i16 u16:
            vadd_i8x16 vsub_i8x16 vmul_i8x16 vmin_s_i8x16 vmin_u_i8x16 vmax_s_i8x16 vmax_u_i8x16
            vadd_sat_s_i8x16 vadd_sat_u_i8x16 vsub_sat_s_i8x16 vsub_sat_u_i8x16 vavg_round_u_i8x16
            vmulhi_s_i8x16 vmulhi_u_i8x16
            veq_i8x16 vne_i8x16 vslt_i8x16 vsle_i8x16 vult_i8x16 vule_i8x16
            vneg_i8x16 vabs_i8x16 vpopcnt_i8x16 vshl_i8x16 vshr_u_i8x16 vshr_s_i8x16
            vall_true_i8x16 vhigh_bits_i8x16;
        i16 u16 8 i32 u32:
            vadd_i16x8 vsub_i16x8 vmul_i16x8 vmin_s_i16x8 vmin_u_i16x8 vmax_s_i16x8 vmax_u_i16x8
            vadd_sat_s_i16x8 vadd_sat_u_i16x8 vsub_sat_s_i16x8 vsub_sat_u_i16x8 vavg_round_u_i16x8
            vmulhi_s_i16x8 vmulhi_u_i16x8
            veq_i16x8 vne_i16x8 vslt_i16x8 vsle_i16x8 vult_i16x8 vule_i16x8
            vneg_i16x8 vabs_i16x8 vpopcnt_i16x8 vshl_i16x8 vshr_u_i16x8 vshr_s_i16x8
            vall_true_i16x8 vhigh_bits_i16x8;
        i32 u32 4 i64 u64:
            vadd_i32x4 vsub_i32x4 vmul_i32x4 vmin_s_i32x4 vmin_u_i32x4 vmax_s_i32x4 vmax_u_i32x4
            vadd_sat_s_i32x4 vadd_sat_u_i32x4 vsub_sat_s_i32x4 vsub_sat_u_i32x4 vavg_round_u_i32x4
            vmulhi_s_i32x4 vmulhi_u_i32x4
            veq_i32x4 vne_i32x4 vslt_i32x4 vsle_i32x4 vult_i32x4 vule_i32x4
            vneg_i32x4 vabs_i32x4 vpopcnt_i32x4 vshl_i32x4 vshr_u_i32x4 vshr_s_i32x4
            vall_true_i32x4 vhigh_bits_i32x4;
        i64 u64 2 i128 u128:
            vadd_i64x2 vsub_i64x2 vmul_i64x2 vmin_s_i64x2 vmin_u_i64x2 vmax_s_i64x2 vmax_u_i64x2
            vadd_sat_s_i64x2 vadd_sat_u_i64x2 vsub_sat_s_i64x2 vsub_sat_u_i64x2 vavg_round_u_i64x2
            vmulhi_s_i64x2 vmulhi_u_i64x2
            veq_i64x2 vne_i64x2 vslt_i64x2 vsle_i64x2 vult_i64x2 vule_i64x2
            vneg_i64x2 vabs_i64x2 vpopcnt_i64x2 vshl_i64x2 vshr_u_i64x2 vshr_s_i64x2
            vall_true_i64x2 vhigh_bits_i64x2;
    }

    vpairwise! {
        vadd_pairwise_i8x16: [u8; 16];
        vadd_pairwise_i16x8: [u16; 8];
        vadd_pairwise_i32x4: [u32; 4];
    }

    vbin! {
        vqmul_round_sat_i16x8: [i16; 8], |a, b| q_round!(a, b, i16, i32);
        vqmul_round_sat_i32x4: [i32; 4], |a, b| q_round!(a, b, i32, i64);
    }

    vwiden! {
        vwiden_low_s_i8x16: [i8; 16] -> i16, 0;
        vwiden_low_u_i8x16: [u8; 16] -> u16, 0;
        vwiden_high_s_i8x16: [i8; 16] -> i16, 8;
        vwiden_high_u_i8x16: [u8; 16] -> u16, 8;
        vwiden_low_s_i16x8: [i16; 8] -> i32, 0;
        vwiden_low_u_i16x8: [u16; 8] -> u32, 0;
        vwiden_high_s_i16x8: [i16; 8] -> i32, 4;
        vwiden_high_u_i16x8: [u16; 8] -> u32, 4;
        vwiden_low_s_i32x4: [i32; 4] -> i64, 0;
        vwiden_low_u_i32x4: [u32; 4] -> u64, 0;
        vwiden_high_s_i32x4: [i32; 4] -> i64, 2;
        vwiden_high_u_i32x4: [u32; 4] -> u64, 2;
    }

    vnarrow! {
        vnarrow_s_i16x8: [i16; 8] -> i8;
        vnarrow_su_i16x8: [i16; 8] -> u8;
        vnarrow_u_i16x8: [u16; 8] -> u8;
        vnarrow_s_i32x4: [i32; 4] -> i16;
        vnarrow_su_i32x4: [i32; 4] -> u16;
        vnarrow_u_i32x4: [u32; 4] -> u16;
        vnarrow_s_i64x2: [i64; 2] -> i32;
        vnarrow_su_i64x2: [i64; 2] -> u32;
        vnarrow_u_i64x2: [u64; 2] -> u32;
    }

    float_shapes! {
        f32 4 fmin_f32 fmax_f32 fl::sqrt32, fl::ceil32, fl::floor32, fl::trunc32, fl::nearest32, fl::fma32,
            0x8000_0000u32:
            vfadd_f32x4 vfsub_f32x4 vfmul_f32x4 vfdiv_f32x4 vfmin_f32x4 vfmax_f32x4 vfcopysign_f32x4
            vfneg_f32x4 vfabs_f32x4 vfsqrt_f32x4 vfceil_f32x4 vffloor_f32x4 vftrunc_f32x4 vfnearest_f32x4
            vfma_f32x4;
        f64 2 fmin_f64 fmax_f64 fl::sqrt64, fl::ceil64, fl::floor64, fl::trunc64, fl::nearest64, fl::fma64,
            0x8000_0000_0000_0000u64:
            vfadd_f64x2 vfsub_f64x2 vfmul_f64x2 vfdiv_f64x2 vfmin_f64x2 vfmax_f64x2 vfcopysign_f64x2
            vfneg_f64x2 vfabs_f64x2 vfsqrt_f64x2 vfceil_f64x2 vffloor_f64x2 vftrunc_f64x2 vfnearest_f64x2
            vfma_f64x2;
    }

    vfcmp! {
        vfcmp_f32x4: [f32; 4] -> i32;
        vfcmp_f64x2: [f64; 2] -> i64;
    }

    // Conversions. Rust's float-to-int `as` saturates and maps NaN to 0,
    // which is CLIF's `fcvt_to_*_sat`.
    vun! {
        vf32x4_from_i32x4_s: [i32; 4] -> [f32; 4], |a| a as f32;
        vf32x4_from_i32x4_u: [u32; 4] -> [f32; 4], |a| a as f32;
        vf64x2_from_i64x2_s: [i64; 2] -> [f64; 2], |a| a as f64;
        vf64x2_from_i64x2_u: [u64; 2] -> [f64; 2], |a| a as f64;
        vi32x4_from_f32x4_s_sat: [f32; 4] -> [i32; 4], |a| a as i32;
        vi32x4_from_f32x4_u_sat: [f32; 4] -> [u32; 4], |a| a as u32;
        vi64x2_from_f64x2_s_sat: [f64; 2] -> [i64; 2], |a| a as i64;
        vi64x2_from_f64x2_u_sat: [f64; 2] -> [u64; 2], |a| a as u64;
        vfpromote_low: [f32; 4] -> [f64; 2], |a| a as f64;
    }
    #[inline(always)]
    pub fn vfdemote(&mut self, at: At, dst: VReg, a: VReg) -> Flow {
        let [x, y] = self.lanes::<f64, 2>(a);
        self.set_lanes(dst, [x as f32, y as f32, 0.0, 0.0]);
        Ok(at.next)
    }
}
