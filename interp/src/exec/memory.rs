//! Loads and stores at host addresses `x[base] + offset` (and, for the
//! indexed `_ix` forms, `x[base] + x[index] + offset`).
//!
//! Addresses come from the guest, like in compiled code: the embedder that
//! runs bytecode promises (by calling the `unsafe` entry points) that the
//! code was compiled from valid CLIF and that the memory it reaches is
//! valid, or runs it in checked mode, where `State::access` checks every
//! access against the stack and the granted regions first (see
//! `checked.rs`). Accesses are unaligned-safe and little-endian unless `_be`.

use crate::state::{At, Flow, State, Stop};
use sheave_opcodes::{FReg, VReg, XReg};

impl State {
    /// `x[base] + offset`, for an access of `len` bytes (checked in
    /// checked mode).
    #[inline(always)]
    fn addr(&mut self, at: At, base: XReg, offset: i32, len: usize) -> Result<*mut u8, Stop> {
        let addr = self.x64(base).wrapping_add(offset as i64 as u64);
        self.access(at, addr, len)
    }

    /// `x[base] + x[index] + offset`, the address of the indexed ops.
    #[inline(always)]
    fn addr_ix(&mut self, at: At, base: XReg, index: XReg, offset: i32, len: usize) -> Result<*mut u8, Stop> {
        let addr = self.x64(base).wrapping_add(self.x64(index)).wrapping_add(offset as i64 as u64);
        self.access(at, addr, len)
    }

    /// `br_table32` on the byte `xload8_u_ix` would read.
    #[inline(always)]
    pub fn br_table32_xload8_u_ix(&mut self, at: At, base: XReg, index: XReg, offset: i32, len: u32) -> Flow {
        let [byte] = read::<1>(self.addr_ix(at, base, index, offset, 1)?);
        self.table_jump(at, byte.into(), len)
    }
}

/// `N` bytes at a guest address.
#[inline(always)]
fn read<const N: usize>(p: *mut u8) -> [u8; N] {
    // SAFETY: the guest's address is valid for `N` bytes by the contract
    // of the entry points, or checked mode checked it (see the module
    // docs); no alignment is assumed.
    unsafe { p.cast::<[u8; N]>().read_unaligned() }
}

/// Write `N` bytes at a guest address.
#[inline(always)]
fn write<const N: usize>(p: *mut u8, bytes: [u8; N]) {
    // SAFETY: as in `read`.
    unsafe { p.cast::<[u8; N]>().write_unaligned(bytes) }
}

/// Loads into x-registers: `name [/ indexed name]: N bytes, decode, extend`.
/// A row with a second name also defines its `_ix` form, which addresses
/// `x[base] + x[index] + offset`.
macro_rules! xloads {
    ($($name:ident $(/ $ix:ident)?: $n:literal, $from:ident, |$v:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, dst: XReg, base: XReg, offset: i32) -> Flow {
            let $v = $from(read::<$n>(self.addr(at, base, offset, $n)?));
            self.set_x64(dst, $e);
            Ok(at.next)
        }
        $(
            #[inline(always)]
            pub fn $ix(&mut self, at: At, dst: XReg, base: XReg, index: XReg, offset: i32) -> Flow {
                let $v = $from(read::<$n>(self.addr_ix(at, base, index, offset, $n)?));
                self.set_x64(dst, $e);
                Ok(at.next)
            }
        )?
    )*};
}

/// Stores from x-registers, with optional indexed forms as in [`xloads!`].
macro_rules! xstores {
    ($($name:ident $(/ $ix:ident)?: $t:ty, $to:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(&mut self, at: At, base: XReg, offset: i32, src: XReg) -> Flow {
            write(self.addr(at, base, offset, size_of::<$t>())?, (self.x64(src) as $t).$to());
            Ok(at.next)
        }
        $(
            #[inline(always)]
            pub fn $ix(&mut self, at: At, base: XReg, index: XReg, offset: i32, src: XReg) -> Flow {
                write(self.addr_ix(at, base, index, offset, size_of::<$t>())?, (self.x64(src) as $t).$to());
                Ok(at.next)
            }
        )?
    )*};
}

/// Float loads and stores of the raw bits, with optional indexed forms as
/// in [`xloads!`].
macro_rules! fmem {
    ($($load:ident, $store:ident $(/ $load_ix:ident, $store_ix:ident)?: $t:ty, $from:ident, $to:ident;)*) => {$(
        #[inline(always)]
        pub fn $load(&mut self, at: At, dst: FReg, base: XReg, offset: i32) -> Flow {
            self.f[dst.index()] = <$t>::$from(read(self.addr(at, base, offset, size_of::<$t>())?)) as u64;
            Ok(at.next)
        }
        #[inline(always)]
        pub fn $store(&mut self, at: At, base: XReg, offset: i32, src: FReg) -> Flow {
            write(self.addr(at, base, offset, size_of::<$t>())?, (self.f[src.index()] as $t).$to());
            Ok(at.next)
        }
        $(
            #[inline(always)]
            pub fn $load_ix(&mut self, at: At, dst: FReg, base: XReg, index: XReg, offset: i32) -> Flow {
                self.f[dst.index()] = <$t>::$from(read(self.addr_ix(at, base, index, offset, size_of::<$t>())?)) as u64;
                Ok(at.next)
            }
            #[inline(always)]
            pub fn $store_ix(&mut self, at: At, base: XReg, index: XReg, offset: i32, src: FReg) -> Flow {
                write(self.addr_ix(at, base, index, offset, size_of::<$t>())?, (self.f[src.index()] as $t).$to());
                Ok(at.next)
            }
        )?
    )*};
}

fn u8_le(b: [u8; 1]) -> u8 {
    b[0]
}
fn u16_le(b: [u8; 2]) -> u16 {
    u16::from_le_bytes(b)
}
fn u32_le(b: [u8; 4]) -> u32 {
    u32::from_le_bytes(b)
}
fn u64_le(b: [u8; 8]) -> u64 {
    u64::from_le_bytes(b)
}
fn u16_be(b: [u8; 2]) -> u16 {
    u16::from_be_bytes(b)
}
fn u32_be(b: [u8; 4]) -> u32 {
    u32::from_be_bytes(b)
}
fn u64_be(b: [u8; 8]) -> u64 {
    u64::from_be_bytes(b)
}

impl State {
    xloads! {
        xload8_u / xload8_u_ix: 1, u8_le, |v| v as u64;
        xload8_s / xload8_s_ix: 1, u8_le, |v| v as i8 as i64 as u64;
        xload16_u / xload16_u_ix: 2, u16_le, |v| v as u64;
        xload16_s / xload16_s_ix: 2, u16_le, |v| v as i16 as i64 as u64;
        xload32_u / xload32_u_ix: 4, u32_le, |v| v as u64;
        xload32_s / xload32_s_ix: 4, u32_le, |v| v as i32 as i64 as u64;
        xload64 / xload64_ix: 8, u64_le, |v| v;
        xload16_be_u: 2, u16_be, |v| v as u64;
        xload16_be_s: 2, u16_be, |v| v as i16 as i64 as u64;
        xload32_be_u: 4, u32_be, |v| v as u64;
        xload32_be_s: 4, u32_be, |v| v as i32 as i64 as u64;
        xload64_be: 8, u64_be, |v| v;
    }

    xstores! {
        xstore8 / xstore8_ix: u8, to_le_bytes;
        xstore16 / xstore16_ix: u16, to_le_bytes;
        xstore32 / xstore32_ix: u32, to_le_bytes;
        xstore64 / xstore64_ix: u64, to_le_bytes;
        xstore16_be: u16, to_be_bytes;
        xstore32_be: u32, to_be_bytes;
        xstore64_be: u64, to_be_bytes;
    }

    fmem! {
        fload32, fstore32 / fload32_ix, fstore32_ix: u32, from_le_bytes, to_le_bytes;
        fload64, fstore64 / fload64_ix, fstore64_ix: u64, from_le_bytes, to_le_bytes;
        fload32_be, fstore32_be: u32, from_be_bytes, to_be_bytes;
        fload64_be, fstore64_be: u64, from_be_bytes, to_be_bytes;
    }

    #[inline(always)]
    pub fn vload128(&mut self, at: At, dst: VReg, base: XReg, offset: i32) -> Flow {
        let v = u128::from_le_bytes(read(self.addr(at, base, offset, 16)?));
        self.set_v(dst, v);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vstore128(&mut self, at: At, base: XReg, offset: i32, src: VReg) -> Flow {
        write(self.addr(at, base, offset, 16)?, self.v(src).to_le_bytes());
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vload64(&mut self, at: At, dst: VReg, base: XReg, offset: i32) -> Flow {
        let v = u64::from_le_bytes(read(self.addr(at, base, offset, 8)?)) as u128;
        self.set_v(dst, v);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vstore64(&mut self, at: At, base: XReg, offset: i32, src: VReg) -> Flow {
        write(self.addr(at, base, offset, 8)?, (self.v(src) as u64).to_le_bytes());
        Ok(at.next)
    }
}
