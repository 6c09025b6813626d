//! Float arithmetic, comparisons, rounding, conversions and bitcasts.

use crate::float as fl;
use crate::state::{At, Flow, State};
use crate::trap::TrapKind;
use sheave_opcodes::{FReg, FloatCC, XReg};

/// `dst = f(a, b)` on f32 or f64.
macro_rules! fbinops {
    ($($name:ident: $get:ident $set:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: FReg, a: FReg, b: FReg) -> Flow {
            let ($a, $b) = (self.$get(a), self.$get(b));
            self.$set(dst, $e);
            Ok(at.next)
        }
    )*};
}

/// `dst = f(a)` on f32 or f64.
macro_rules! funops {
    ($($name:ident: $get:ident $set:ident, |$a:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: FReg, a: FReg) -> Flow {
            let $a = self.$get(a);
            self.$set(dst, $e);
            Ok(at.next)
        }
    )*};
}

/// `dst = f(a, b) as u64` for comparisons.
macro_rules! fcmpops {
    ($($name:ident: $get:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: FReg, b: FReg) -> Flow {
            let ($a, $b) = (self.$get(a), self.$get(b));
            let r: bool = $e;
            self.set_x64(dst, r as u64);
            Ok(at.next)
        }
    )*};
}

/// Float-to-int conversions that trap. The bounds are the exclusive limits
/// of the integer type, exactly representable as f64 (every f32 converts to
/// f64 exactly, so one check serves both).
macro_rules! to_int_trapping {
    ($($name:ident: $get:ident, $int:ty, $set:ident, $lo:expr, $hi:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: FReg) -> Flow {
            let x = self.$get(a) as f64;
            if x.is_nan() {
                return self.trap_with(at, TrapKind::BadConversionToInteger);
            }
            if !(x > $lo && x < $hi) {
                return self.trap_with(at, TrapKind::IntegerOverflow);
            }
            self.$set(dst, x as $int as _);
            Ok(at.next)
        }
    )*};
}

/// Float-to-int conversions that saturate (Rust's `as` does exactly that,
/// with NaN giving 0, which is CLIF's `fcvt_to_*_sat`).
macro_rules! to_int_sat {
    ($($name:ident: $get:ident, $int:ty, $set:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: FReg) -> Flow {
            let x = self.$get(a);
            self.$set(dst, x as $int as _);
            Ok(at.next)
        }
    )*};
}

/// Int-to-float conversions.
macro_rules! from_int {
    ($($name:ident: $get:ident as $int:ty, $set:ident as $float:ty;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: FReg, a: XReg) -> Flow {
            let x = self.$get(a) as $int;
            self.$set(dst, x as $float);
            Ok(at.next)
        }
    )*};
}

const F32_SIGN: u32 = 1 << 31;
const F64_SIGN: u64 = 1 << 63;

/// CLIF's `fmin`/`fmax`: NaN in gives the canonical NaN out, and
/// `-0.0` orders below `+0.0`.
macro_rules! min_max {
    ($min:ident, $max:ident, $t:ty) => {
        pub(super) fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                <$t>::NAN
            } else if a == 0.0 && b == 0.0 {
                if a.is_sign_negative() { a } else { b }
            } else if a <= b {
                a
            } else {
                b
            }
        }
        pub(super) fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                <$t>::NAN
            } else if a == 0.0 && b == 0.0 {
                if a.is_sign_positive() { a } else { b }
            } else if a >= b {
                a
            } else {
                b
            }
        }
    };
}
min_max!(fmin_f32, fmax_f32, f32);
min_max!(fmin_f64, fmax_f64, f64);

/// Evaluate a CLIF float condition.
pub(super) fn float_cc<T: PartialOrd>(cc: FloatCC, a: T, b: T) -> bool {
    use core::cmp::Ordering::*;
    let ord = a.partial_cmp(&b);
    match cc {
        FloatCC::ORDERED => ord.is_some(),
        FloatCC::UNORDERED => ord.is_none(),
        FloatCC::EQUAL => ord == Some(Equal),
        FloatCC::NOT_EQUAL => ord != Some(Equal),
        FloatCC::ORDERED_NOT_EQUAL => matches!(ord, Some(Less | Greater)),
        FloatCC::UNORDERED_OR_EQUAL => matches!(ord, None | Some(Equal)),
        FloatCC::LESS_THAN => ord == Some(Less),
        FloatCC::LESS_THAN_OR_EQUAL => matches!(ord, Some(Less | Equal)),
        FloatCC::GREATER_THAN => ord == Some(Greater),
        FloatCC::GREATER_THAN_OR_EQUAL => matches!(ord, Some(Greater | Equal)),
        FloatCC::UNORDERED_OR_LESS_THAN => matches!(ord, None | Some(Less)),
        FloatCC::UNORDERED_OR_LESS_THAN_OR_EQUAL => matches!(ord, None | Some(Less | Equal)),
        FloatCC::UNORDERED_OR_GREATER_THAN => matches!(ord, None | Some(Greater)),
        FloatCC::UNORDERED_OR_GREATER_THAN_OR_EQUAL => matches!(ord, None | Some(Greater | Equal)),
        // The verifier rejects other codes.
        _ => false,
    }
}

impl State {
    fbinops! {
        fadd32: f32 set_f32, |a, b| a + b;
        fadd64: f64 set_f64, |a, b| a + b;
        fsub32: f32 set_f32, |a, b| a - b;
        fsub64: f64 set_f64, |a, b| a - b;
        fmul32: f32 set_f32, |a, b| a * b;
        fmul64: f64 set_f64, |a, b| a * b;
        fdiv32: f32 set_f32, |a, b| a / b;
        fdiv64: f64 set_f64, |a, b| a / b;
        fmin32: f32 set_f32, |a, b| fmin_f32(a, b);
        fmin64: f64 set_f64, |a, b| fmin_f64(a, b);
        fmax32: f32 set_f32, |a, b| fmax_f32(a, b);
        fmax64: f64 set_f64, |a, b| fmax_f64(a, b);
        fcopysign32: f32 set_f32, |a, b| f32::from_bits(a.to_bits() & !F32_SIGN | b.to_bits() & F32_SIGN);
        fcopysign64: f64 set_f64, |a, b| f64::from_bits(a.to_bits() & !F64_SIGN | b.to_bits() & F64_SIGN);
    }

    // Multiply, round, add, round: what `fmul` then `fadd` give (Rust
    // never contracts the two into one fused multiply-add).
    #[inline(always)]
    pub fn fmuladd32(&mut self, at: At, dst: FReg, a: FReg, b: FReg, c: FReg) -> Flow {
        let p = self.f32(a) * self.f32(b);
        self.set_f32(dst, p + self.f32(c));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fmuladd64(&mut self, at: At, dst: FReg, a: FReg, b: FReg, c: FReg) -> Flow {
        let p = self.f64(a) * self.f64(b);
        self.set_f64(dst, p + self.f64(c));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn faddmul32(&mut self, at: At, dst: FReg, c: FReg, a: FReg, b: FReg) -> Flow {
        let p = self.f32(a) * self.f32(b);
        self.set_f32(dst, self.f32(c) + p);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn faddmul64(&mut self, at: At, dst: FReg, c: FReg, a: FReg, b: FReg) -> Flow {
        let p = self.f64(a) * self.f64(b);
        self.set_f64(dst, self.f64(c) + p);
        Ok(at.next)
    }

    funops! {
        // Sign-bit operations never touch a NaN's payload.
        fneg32: f32 set_f32, |a| f32::from_bits(a.to_bits() ^ F32_SIGN);
        fneg64: f64 set_f64, |a| f64::from_bits(a.to_bits() ^ F64_SIGN);
        fabs32: f32 set_f32, |a| f32::from_bits(a.to_bits() & !F32_SIGN);
        fabs64: f64 set_f64, |a| f64::from_bits(a.to_bits() & !F64_SIGN);
        fsqrt32: f32 set_f32, |a| fl::sqrt32(a);
        fsqrt64: f64 set_f64, |a| fl::sqrt64(a);
        fceil32: f32 set_f32, |a| fl::ceil32(a);
        fceil64: f64 set_f64, |a| fl::ceil64(a);
        ffloor32: f32 set_f32, |a| fl::floor32(a);
        ffloor64: f64 set_f64, |a| fl::floor64(a);
        ftrunc32: f32 set_f32, |a| fl::trunc32(a);
        ftrunc64: f64 set_f64, |a| fl::trunc64(a);
        fnearest32: f32 set_f32, |a| fl::nearest32(a);
        fnearest64: f64 set_f64, |a| fl::nearest64(a);
        fpromote: f32 set_f64, |a| a as f64;
        fdemote: f64 set_f32, |a| a as f32;
    }

    fcmpops! {
        feq32: f32, |a, b| a == b;
        fneq32: f32, |a, b| a != b;
        flt32: f32, |a, b| a < b;
        flteq32: f32, |a, b| a <= b;
        feq64: f64, |a, b| a == b;
        fneq64: f64, |a, b| a != b;
        flt64: f64, |a, b| a < b;
        flteq64: f64, |a, b| a <= b;
    }

    #[inline(always)]
    pub fn fma32(&mut self, at: At, dst: FReg, a: FReg, b: FReg, c: FReg) -> Flow {
        self.set_f32(dst, fl::fma32(self.f32(a), self.f32(b), self.f32(c)));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fma64(&mut self, at: At, dst: FReg, a: FReg, b: FReg, c: FReg) -> Flow {
        self.set_f64(dst, fl::fma64(self.f64(a), self.f64(b), self.f64(c)));
        Ok(at.next)
    }
    pub fn fcmp32(&mut self, at: At, dst: XReg, a: FReg, b: FReg, cc: FloatCC) -> Flow {
        self.set_x64(dst, float_cc(cc, self.f32(a), self.f32(b)) as u64);
        Ok(at.next)
    }
    pub fn fcmp64(&mut self, at: At, dst: XReg, a: FReg, b: FReg, cc: FloatCC) -> Flow {
        self.set_x64(dst, float_cc(cc, self.f64(a), self.f64(b)) as u64);
        Ok(at.next)
    }

    to_int_trapping! {
        x32_from_f32_s: f32, i32, set_x32, -2147483649.0, 2147483648.0;
        x32_from_f64_s: f64, i32, set_x32, -2147483649.0, 2147483648.0;
        x32_from_f32_u: f32, u32, set_x32, -1.0, 4294967296.0;
        x32_from_f64_u: f64, u32, set_x32, -1.0, 4294967296.0;
        // -2^63 itself is in range; the next f64 below it is not, and no
        // f64 lies strictly between, so `> -2^63 - 1` is `>= -2^63`.
        x64_from_f32_s: f32, i64, set_x64, -9223372036854777856.0, 9223372036854775808.0;
        x64_from_f64_s: f64, i64, set_x64, -9223372036854777856.0, 9223372036854775808.0;
        x64_from_f32_u: f32, u64, set_x64, -1.0, 18446744073709551616.0;
        x64_from_f64_u: f64, u64, set_x64, -1.0, 18446744073709551616.0;
    }

    to_int_sat! {
        x32_from_f32_s_sat: f32, i32, set_x32;
        x32_from_f32_u_sat: f32, u32, set_x32;
        x32_from_f64_s_sat: f64, i32, set_x32;
        x32_from_f64_u_sat: f64, u32, set_x32;
        x64_from_f32_s_sat: f32, i64, set_x64;
        x64_from_f32_u_sat: f32, u64, set_x64;
        x64_from_f64_s_sat: f64, i64, set_x64;
        x64_from_f64_u_sat: f64, u64, set_x64;
    }

    from_int! {
        f32_from_x32_s: x32 as i32, set_f32 as f32;
        f32_from_x32_u: x32 as u32, set_f32 as f32;
        f32_from_x64_s: x64 as i64, set_f32 as f32;
        f32_from_x64_u: x64 as u64, set_f32 as f32;
        f64_from_x32_s: x32 as i32, set_f64 as f64;
        f64_from_x32_u: x32 as u32, set_f64 as f64;
        f64_from_x64_s: x64 as i64, set_f64 as f64;
        f64_from_x64_u: x64 as u64, set_f64 as f64;
    }

    #[inline(always)]
    pub fn bitcast_x_from_f32(&mut self, at: At, dst: XReg, a: FReg) -> Flow {
        self.set_x64(dst, self.f[a.index()] as u32 as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn bitcast_x_from_f64(&mut self, at: At, dst: XReg, a: FReg) -> Flow {
        self.set_x64(dst, self.f[a.index()]);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn bitcast_f32_from_x(&mut self, at: At, dst: FReg, a: XReg) -> Flow {
        self.f[dst.index()] = self.x32(a) as u64;
        Ok(at.next)
    }
    #[inline(always)]
    pub fn bitcast_f64_from_x(&mut self, at: At, dst: FReg, a: XReg) -> Flow {
        self.f[dst.index()] = self.x64(a);
        Ok(at.next)
    }

    fn set_pair(&mut self, lo: XReg, hi: XReg, v: u128) {
        self.set_x64(hi, (v >> 64) as u64);
        self.set_x64(lo, v as u64);
    }
    fn get_pair(&self, lo: XReg, hi: XReg) -> u128 {
        self.x64(lo) as u128 | (self.x64(hi) as u128) << 64
    }
    /// Float to 128-bit integer; `signed` picks the range, `sat` saturates.
    fn convert_to_x128(&mut self, at: At, dst: (XReg, XReg), x: f64, signed: bool, sat: bool) -> Flow {
        if !sat {
            if x.is_nan() {
                return self.trap_with(at, TrapKind::BadConversionToInteger);
            }
            // -2^127 is in range; 2^127 (signed) and 2^128 (unsigned) are not.
            let in_range = if signed {
                (-170141183460469231731687303715884105728.0..170141183460469231731687303715884105728.0)
                    .contains(&x)
            } else {
                x > -1.0 && x < 340282366920938463463374607431768211456.0
            };
            if !in_range {
                return self.trap_with(at, TrapKind::IntegerOverflow);
            }
        }
        // `as` saturates and maps NaN to 0.
        let v = if signed { x as i128 as u128 } else { x as u128 };
        self.set_pair(dst.0, dst.1, v);
        Ok(at.next)
    }
    pub fn x128_from_f32_s(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f32(a) as f64;
        self.convert_to_x128(at, (dst_lo, dst_hi), x, true, false)
    }
    pub fn x128_from_f32_s_sat(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f32(a) as f64;
        self.convert_to_x128(at, (dst_lo, dst_hi), x, true, true)
    }
    pub fn f32_from_x128_s(&mut self, at: At, dst: FReg, a_lo: XReg, a_hi: XReg) -> Flow {
        let v = self.get_pair(a_lo, a_hi);
        let f = v as i128 as f32;
        self.set_f32(dst, f);
        Ok(at.next)
    }
    pub fn x128_from_f32_u(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f32(a) as f64;
        self.convert_to_x128(at, (dst_lo, dst_hi), x, false, false)
    }
    pub fn x128_from_f32_u_sat(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f32(a) as f64;
        self.convert_to_x128(at, (dst_lo, dst_hi), x, false, true)
    }
    pub fn f32_from_x128_u(&mut self, at: At, dst: FReg, a_lo: XReg, a_hi: XReg) -> Flow {
        let v = self.get_pair(a_lo, a_hi);
        let f = v as f32;
        self.set_f32(dst, f);
        Ok(at.next)
    }
    pub fn x128_from_f64_s(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f64(a);
        self.convert_to_x128(at, (dst_lo, dst_hi), x, true, false)
    }
    pub fn x128_from_f64_s_sat(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f64(a);
        self.convert_to_x128(at, (dst_lo, dst_hi), x, true, true)
    }
    pub fn f64_from_x128_s(&mut self, at: At, dst: FReg, a_lo: XReg, a_hi: XReg) -> Flow {
        let v = self.get_pair(a_lo, a_hi);
        let f = v as i128 as f64;
        self.set_f64(dst, f);
        Ok(at.next)
    }
    pub fn x128_from_f64_u(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f64(a);
        self.convert_to_x128(at, (dst_lo, dst_hi), x, false, false)
    }
    pub fn x128_from_f64_u_sat(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: FReg) -> Flow {
        let x = self.f64(a);
        self.convert_to_x128(at, (dst_lo, dst_hi), x, false, true)
    }
    pub fn f64_from_x128_u(&mut self, at: At, dst: FReg, a_lo: XReg, a_hi: XReg) -> Flow {
        let v = self.get_pair(a_lo, a_hi);
        let f = v as f64;
        self.set_f64(dst, f);
        Ok(at.next)
    }
}
