//! Integer arithmetic, logic, shifts, counts, extends and comparisons.

use crate::state::{At, Flow, State};
use crate::trap::TrapKind;
use sheave_opcodes::XReg;

/// `dst = f(a, b)` on 32-bit or 64-bit operands.
macro_rules! binops {
    ($($name:ident: $w:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg, b: XReg) -> Flow {
            binops!(@apply self dst a b $w |$a, $b| $e);
            Ok(at.next)
        }
    )*};
    (@apply $s:ident $dst:ident $ra:ident $rb:ident w32 |$a:ident, $b:ident| $e:expr) => {{
        let ($a, $b) = ($s.x32($ra), $s.x32($rb));
        let r: u32 = $e;
        $s.set_x32($dst, r);
    }};
    (@apply $s:ident $dst:ident $ra:ident $rb:ident w64 |$a:ident, $b:ident| $e:expr) => {{
        let ($a, $b) = ($s.x64($ra), $s.x64($rb));
        let r: u64 = $e;
        $s.set_x64($dst, r);
    }};
}

/// `dst = f(a, imm)`.
macro_rules! immops {
    ($($name:ident: $w:ident, $imm_ty:ty, |$a:ident, $i:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg, $i: $imm_ty) -> Flow {
            immops!(@apply self dst a $w |$a| $e);
            Ok(at.next)
        }
    )*};
    (@apply $s:ident $dst:ident $ra:ident w32 |$a:ident| $e:expr) => {{
        let $a = $s.x32($ra);
        let r: u32 = $e;
        $s.set_x32($dst, r);
    }};
    (@apply $s:ident $dst:ident $ra:ident w64 |$a:ident| $e:expr) => {{
        let $a = $s.x64($ra);
        let r: u64 = $e;
        $s.set_x64($dst, r);
    }};
}

/// `dst = f(a)`.
macro_rules! unops {
    ($($name:ident: $w:ident, |$a:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg) -> Flow {
            immops!(@apply self dst a $w |$a| $e);
            Ok(at.next)
        }
    )*};
}

/// `dst = f(a, b) as u64` for comparisons.
macro_rules! cmpops {
    ($($name:ident: $w:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg, b: XReg) -> Flow {
            let ($a, $b) = cmpops!(@read self a b $w);
            let r: bool = $e;
            self.set_x64(dst, r as u64);
            Ok(at.next)
        }
    )*};
    (@read $s:ident $a:ident $b:ident w32) => { ($s.x32($a), $s.x32($b)) };
    (@read $s:ident $a:ident $b:ident w64) => { ($s.x64($a), $s.x64($b)) };
}

/// Ops that write a result and an overflow flag.
macro_rules! overflow_ops {
    ($($name:ident: $w:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, of: XReg, a: XReg, b: XReg) -> Flow {
            let ($a, $b) = cmpops!(@read self a b $w);
            let (r, o) = $e;
            overflow_ops!(@write self dst r $w);
            self.set_x64(of, o as u64);
            Ok(at.next)
        }
    )*};
    (@write $s:ident $dst:ident $r:ident w32) => { $s.set_x32($dst, $r as u32) };
    (@write $s:ident $dst:ident $r:ident w64) => { $s.set_x64($dst, $r as u64) };
}

/// Trapping division and remainder.
macro_rules! divops {
    ($($name:ident: $w:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, a: XReg, b: XReg) -> Flow {
            let ($a, $b) = cmpops!(@read self a b $w);
            if $b == 0 {
                return self.trap_with(at, TrapKind::DivisionByZero);
            }
            match $e {
                Some(r) => overflow_ops!(@write self dst r $w),
                None => return self.trap_with(at, TrapKind::IntegerOverflow),
            }
            Ok(at.next)
        }
    )*};
}

impl State {
    binops! {
        xadd32: w32, |a, b| a.wrapping_add(b);
        xadd64: w64, |a, b| a.wrapping_add(b);
        xsub32: w32, |a, b| a.wrapping_sub(b);
        xsub64: w64, |a, b| a.wrapping_sub(b);
        xmul32: w32, |a, b| a.wrapping_mul(b);
        xmul64: w64, |a, b| a.wrapping_mul(b);
        xband32: w32, |a, b| a & b;
        xband64: w64, |a, b| a & b;
        xbor32: w32, |a, b| a | b;
        xbor64: w64, |a, b| a | b;
        xbxor32: w32, |a, b| a ^ b;
        xbxor64: w64, |a, b| a ^ b;
        // `wrapping_sh*` and `rotate_*` mask the amount to the width, as CLIF does.
        xshl32: w32, |a, b| a.wrapping_shl(b);
        xshl64: w64, |a, b| a.wrapping_shl(b as u32);
        xshr32_u: w32, |a, b| a.wrapping_shr(b);
        xshr64_u: w64, |a, b| a.wrapping_shr(b as u32);
        xshr32_s: w32, |a, b| (a as i32).wrapping_shr(b) as u32;
        xshr64_s: w64, |a, b| (a as i64).wrapping_shr(b as u32) as u64;
        xrotl32: w32, |a, b| a.rotate_left(b & 31);
        xrotl64: w64, |a, b| a.rotate_left(b as u32 & 63);
        xrotr32: w32, |a, b| a.rotate_right(b & 31);
        xrotr64: w64, |a, b| a.rotate_right(b as u32 & 63);
        xmulhi64_s: w64, |a, b| ((a as i64 as i128 * b as i64 as i128) >> 64) as u64;
        xmulhi64_u: w64, |a, b| ((a as u128 * b as u128) >> 64) as u64;
        xmin32_s: w32, |a, b| (a as i32).min(b as i32) as u32;
        xmin64_s: w64, |a, b| (a as i64).min(b as i64) as u64;
        xmin32_u: w32, |a, b| a.min(b);
        xmin64_u: w64, |a, b| a.min(b);
        xmax32_s: w32, |a, b| (a as i32).max(b as i32) as u32;
        xmax64_s: w64, |a, b| (a as i64).max(b as i64) as u64;
        xmax32_u: w32, |a, b| a.max(b);
        xmax64_u: w64, |a, b| a.max(b);
    }

    immops! {
        xadd32_i: w32, i32, |a, imm| a.wrapping_add(imm as u32);
        xadd64_i: w64, i32, |a, imm| a.wrapping_add(imm as i64 as u64);
        xadd32_i8: w32, i8, |a, imm| a.wrapping_add(imm as i32 as u32);
        xadd64_i8: w64, i8, |a, imm| a.wrapping_add(imm as i64 as u64);
        xmul32_i: w32, i32, |a, imm| a.wrapping_mul(imm as u32);
        xmul64_i: w64, i32, |a, imm| a.wrapping_mul(imm as i64 as u64);
        xband32_i: w32, i32, |a, imm| a & imm as u32;
        xband64_i: w64, i32, |a, imm| a & imm as i64 as u64;
        xbor32_i: w32, i32, |a, imm| a | imm as u32;
        xbor64_i: w64, i32, |a, imm| a | imm as i64 as u64;
        xbxor32_i: w32, i32, |a, imm| a ^ imm as u32;
        xbxor64_i: w64, i32, |a, imm| a ^ imm as i64 as u64;
        xshl32_i: w32, u8, |a, amt| a.wrapping_shl(amt as u32);
        xshl64_i: w64, u8, |a, amt| a.wrapping_shl(amt as u32);
        xshr32_u_i: w32, u8, |a, amt| a.wrapping_shr(amt as u32);
        xshr64_u_i: w64, u8, |a, amt| a.wrapping_shr(amt as u32);
        xshr32_s_i: w32, u8, |a, amt| (a as i32).wrapping_shr(amt as u32) as u32;
        xshr64_s_i: w64, u8, |a, amt| (a as i64).wrapping_shr(amt as u32) as u64;
        xrotl32_i: w32, u8, |a, amt| a.rotate_left(amt as u32 & 31);
        xrotl64_i: w64, u8, |a, amt| a.rotate_left(amt as u32 & 63);
        xmul32_i8: w32, i8, |a, imm| a.wrapping_mul(imm as i32 as u32);
        xmul64_i8: w64, i8, |a, imm| a.wrapping_mul(imm as i64 as u64);
        xband32_i8: w32, i8, |a, imm| a & imm as i32 as u32;
        xband64_i8: w64, i8, |a, imm| a & imm as i64 as u64;
        xbor32_i8: w32, i8, |a, imm| a | imm as i32 as u32;
        xbor64_i8: w64, i8, |a, imm| a | imm as i64 as u64;
        xbxor32_i8: w32, i8, |a, imm| a ^ imm as i32 as u32;
        xbxor64_i8: w64, i8, |a, imm| a ^ imm as i64 as u64;
    }

    /// `a ^ (b >> amt)`, 64-bit (CLIF masks the amount to the width).
    #[inline(always)]
    pub fn xbxor_shr64_u(&mut self, at: At, dst: XReg, a: XReg, b: XReg, amt: u8) -> Flow {
        let r = self.x64(a) ^ self.x64(b).wrapping_shr(amt as u32);
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `a + (b << amt)`, 64-bit.
    #[inline(always)]
    pub fn xadd_shl64(&mut self, at: At, dst: XReg, a: XReg, b: XReg, amt: u8) -> Flow {
        let r = self.x64(a).wrapping_add(self.x64(b).wrapping_shl(amt as u32));
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `a * b + c`, 64-bit, wrapping.
    #[inline(always)]
    pub fn xmadd64(&mut self, at: At, dst: XReg, a: XReg, b: XReg, c: XReg) -> Flow {
        let r = self.x64(a).wrapping_mul(self.x64(b)).wrapping_add(self.x64(c));
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `(a ^ b) * c`, 64-bit, wrapping.
    #[inline(always)]
    pub fn xbxor_mul64(&mut self, at: At, dst: XReg, a: XReg, b: XReg, c: XReg) -> Flow {
        let r = (self.x64(a) ^ self.x64(b)).wrapping_mul(self.x64(c));
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `a * b + imm`, 64-bit, wrapping.
    #[inline(always)]
    pub fn xmadd64_i8(&mut self, at: At, dst: XReg, a: XReg, b: XReg, imm: i8) -> Flow {
        let r = self.x64(a).wrapping_mul(self.x64(b)).wrapping_add(imm as i64 as u64);
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `a ^ (b << amt)`, 64-bit.
    #[inline(always)]
    pub fn xbxor_shl64(&mut self, at: At, dst: XReg, a: XReg, b: XReg, amt: u8) -> Flow {
        let r = self.x64(a) ^ self.x64(b).wrapping_shl(amt as u32);
        self.set_x64(dst, r);
        Ok(at.next)
    }

    /// `a ^ (b >> amt)`, 32-bit.
    #[inline(always)]
    pub fn xbxor_shr32_u(&mut self, at: At, dst: XReg, a: XReg, b: XReg, amt: u8) -> Flow {
        let r = self.x32(a) ^ self.x32(b).wrapping_shr(amt as u32);
        self.set_x32(dst, r);
        Ok(at.next)
    }

    unops! {
        xneg32: w32, |a| a.wrapping_neg();
        xneg64: w64, |a| a.wrapping_neg();
        xbnot32: w32, |a| !a;
        xbnot64: w64, |a| !a;
        xabs32: w32, |a| (a as i32).wrapping_abs() as u32;
        xabs64: w64, |a| (a as i64).wrapping_abs() as u64;
        xsext8: w64, |a| a as i8 as i64 as u64;
        xsext16: w64, |a| a as i16 as i64 as u64;
        xsext32: w64, |a| a as i32 as i64 as u64;
        xzext8: w64, |a| a as u8 as u64;
        xzext16: w64, |a| a as u16 as u64;
        xzext32: w64, |a| a as u32 as u64;
        xclz32: w32, |a| a.leading_zeros();
        xclz64: w64, |a| a.leading_zeros() as u64;
        xctz32: w32, |a| a.trailing_zeros();
        xctz64: w64, |a| a.trailing_zeros() as u64;
        xpopcnt32: w32, |a| a.count_ones();
        xpopcnt64: w64, |a| a.count_ones() as u64;
        // Leading bits equal to the sign bit, the sign bit itself excluded.
        xcls32: w32, |a| ((a as i32) ^ ((a as i32) >> 31)).leading_zeros() - 1;
        xcls64: w64, |a| (((a as i64) ^ ((a as i64) >> 63)).leading_zeros() - 1) as u64;
        xbswap16: w32, |a| (a as u16).swap_bytes() as u32;
        xbswap32: w32, |a| a.swap_bytes();
        xbswap64: w64, |a| a.swap_bytes();
        xbitrev32: w32, |a| a.reverse_bits();
        xbitrev64: w64, |a| a.reverse_bits();
    }

    cmpops! {
        xeq32: w32, |a, b| a == b;
        xneq32: w32, |a, b| a != b;
        xslt32: w32, |a, b| (a as i32) < (b as i32);
        xslteq32: w32, |a, b| (a as i32) <= (b as i32);
        xult32: w32, |a, b| a < b;
        xulteq32: w32, |a, b| a <= b;
        xeq64: w64, |a, b| a == b;
        xneq64: w64, |a, b| a != b;
        xslt64: w64, |a, b| (a as i64) < (b as i64);
        xslteq64: w64, |a, b| (a as i64) <= (b as i64);
        xult64: w64, |a, b| a < b;
        xulteq64: w64, |a, b| a <= b;
    }

    overflow_ops! {
        xadd32_uof: w32, |a, b| a.overflowing_add(b);
        xadd64_uof: w64, |a, b| a.overflowing_add(b);
        xadd32_sof: w32, |a, b| (a as i32).overflowing_add(b as i32);
        xadd64_sof: w64, |a, b| (a as i64).overflowing_add(b as i64);
        xsub32_uof: w32, |a, b| a.overflowing_sub(b);
        xsub64_uof: w64, |a, b| a.overflowing_sub(b);
        xsub32_sof: w32, |a, b| (a as i32).overflowing_sub(b as i32);
        xsub64_sof: w64, |a, b| (a as i64).overflowing_sub(b as i64);
        xmul32_uof: w32, |a, b| a.overflowing_mul(b);
        xmul64_uof: w64, |a, b| a.overflowing_mul(b);
        xmul32_sof: w32, |a, b| (a as i32).overflowing_mul(b as i32);
        xmul64_sof: w64, |a, b| (a as i64).overflowing_mul(b as i64);
    }

    divops! {
        xdiv32_s: w32, |a, b| (a as i32).checked_div(b as i32);
        xdiv64_s: w64, |a, b| (a as i64).checked_div(b as i64);
        xdiv32_u: w32, |a, b| a.checked_div(b);
        xdiv64_u: w64, |a, b| a.checked_div(b);
        // `MIN % -1` is 0 in CLIF, not an overflow.
        xrem32_s: w32, |a, b| Some((a as i32).wrapping_rem(b as i32));
        xrem64_s: w64, |a, b| Some((a as i64).wrapping_rem(b as i64));
        xrem32_u: w32, |a, b| a.checked_rem(b);
        xrem64_u: w64, |a, b| a.checked_rem(b);
    }

    #[inline(always)]
    pub fn xadd32_u_trap(&mut self, at: At, dst: XReg, a: XReg, b: XReg) -> Flow {
        match self.x32(a).checked_add(self.x32(b)) {
            Some(r) => self.set_x32(dst, r),
            None => return self.trap_with(at, TrapKind::IntegerOverflow),
        }
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xadd64_u_trap(&mut self, at: At, dst: XReg, a: XReg, b: XReg) -> Flow {
        match self.x64(a).checked_add(self.x64(b)) {
            Some(r) => self.set_x64(dst, r),
            None => return self.trap_with(at, TrapKind::IntegerOverflow),
        }
        Ok(at.next)
    }

    #[inline(always)]
    pub fn xmul_wide64_s(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: XReg, b: XReg) -> Flow {
        let r = (self.x64(a) as i64 as i128).wrapping_mul(self.x64(b) as i64 as i128) as u128;
        self.set_x64(dst_lo, r as u64);
        self.set_x64(dst_hi, (r >> 64) as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xmul_wide64_u(&mut self, at: At, dst_lo: XReg, dst_hi: XReg, a: XReg, b: XReg) -> Flow {
        let r = self.x64(a) as u128 * self.x64(b) as u128;
        self.set_x64(dst_lo, r as u64);
        self.set_x64(dst_hi, (r >> 64) as u64);
        Ok(at.next)
    }

    fn pair(&self, lo: XReg, hi: XReg) -> u128 {
        self.x64(lo) as u128 | (self.x64(hi) as u128) << 64
    }

    #[allow(clippy::too_many_arguments)]
    pub fn xadd128(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        let r = self.pair(a_lo, a_hi).wrapping_add(self.pair(b_lo, b_hi));
        self.set_x64(dst_hi, (r >> 64) as u64);
        self.set_x64(dst_lo, r as u64);
        Ok(at.next)
    }
    #[allow(clippy::too_many_arguments)]
    pub fn xsub128(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        let r = self.pair(a_lo, a_hi).wrapping_sub(self.pair(b_lo, b_hi));
        self.set_x64(dst_hi, (r >> 64) as u64);
        self.set_x64(dst_lo, r as u64);
        Ok(at.next)
    }
    pub fn xadd64_carry(
        &mut self,
        at: At,
        dst: XReg,
        carry_out: XReg,
        a: XReg,
        b: XReg,
        carry_in: XReg,
    ) -> Flow {
        let (r1, c1) = self.x64(a).overflowing_add(self.x64(b));
        let (r2, c2) = r1.overflowing_add((self.x64(carry_in) != 0) as u64);
        self.set_x64(dst, r2);
        self.set_x64(carry_out, (c1 | c2) as u64);
        Ok(at.next)
    }
    pub fn xsub64_borrow(
        &mut self,
        at: At,
        dst: XReg,
        borrow_out: XReg,
        a: XReg,
        b: XReg,
        borrow_in: XReg,
    ) -> Flow {
        let (r1, c1) = self.x64(a).overflowing_sub(self.x64(b));
        let (r2, c2) = r1.overflowing_sub((self.x64(borrow_in) != 0) as u64);
        self.set_x64(dst, r2);
        self.set_x64(borrow_out, (c1 | c2) as u64);
        Ok(at.next)
    }

    #[allow(clippy::too_many_arguments)]
    fn div128(
        &mut self,
        at: At,
        (dst_lo, dst_hi): (XReg, XReg),
        (a_lo, a_hi): (XReg, XReg),
        (b_lo, b_hi): (XReg, XReg),
        f: fn(u128, u128) -> Option<u128>,
    ) -> Flow {
        let (a, b) = (self.pair(a_lo, a_hi), self.pair(b_lo, b_hi));
        if b == 0 {
            return self.trap_with(at, TrapKind::DivisionByZero);
        }
        match f(a, b) {
            Some(r) => {
                self.set_x64(dst_hi, (r >> 64) as u64);
                self.set_x64(dst_lo, r as u64);
                Ok(at.next)
            }
            None => self.trap_with(at, TrapKind::IntegerOverflow),
        }
    }
    #[allow(clippy::too_many_arguments)]
    pub fn xdiv128_u(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        self.div128(at, (dst_lo, dst_hi), (a_lo, a_hi), (b_lo, b_hi), |a, b| a.checked_div(b))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn xdiv128_s(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        self.div128(at, (dst_lo, dst_hi), (a_lo, a_hi), (b_lo, b_hi), |a, b| {
            (a as i128).checked_div(b as i128).map(|r| r as u128)
        })
    }
    #[allow(clippy::too_many_arguments)]
    pub fn xrem128_u(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        self.div128(at, (dst_lo, dst_hi), (a_lo, a_hi), (b_lo, b_hi), |a, b| a.checked_rem(b))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn xrem128_s(
        &mut self,
        at: At,
        dst_lo: XReg,
        dst_hi: XReg,
        a_lo: XReg,
        a_hi: XReg,
        b_lo: XReg,
        b_hi: XReg,
    ) -> Flow {
        // `MIN % -1` is 0 in CLIF, not an overflow.
        self.div128(at, (dst_lo, dst_hi), (a_lo, a_hi), (b_lo, b_hi), |a, b| {
            Some((a as i128).wrapping_rem(b as i128) as u128)
        })
    }
}
