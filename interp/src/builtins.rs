//! The `call_indirect_host` dispatcher for builtins, generated from
//! [`sheave_opcodes::for_each_builtin!`]: it reads each builtin's arguments
//! from the argument registers by its signature, runs it, and writes its
//! result. The VM runs builtins itself, without returning to the host.

use crate::float as fl;
use crate::state::State;
use crate::trap::TrapKind;
use sheave_opcodes::Builtin;

/// Argument registers consumed so far, per class.
#[derive(Default)]
struct Regs {
    x: usize,
    f: usize,
}

/// How each builtin type leaves and enters registers. Pointer-sized values
/// are the host's `usize`: the low bits of the x-register on 32-bit hosts.
macro_rules! reg_type {
    (I32) => {
        i32
    };
    (I64) => {
        i64
    };
    (F32) => {
        f32
    };
    (F64) => {
        f64
    };
    (Ptr) => {
        usize
    };
    (Size) => {
        usize
    };
}

macro_rules! read_arg {
    (I32, $s:ident, $r:ident) => {{
        $r.x += 1;
        $s.x[$r.x - 1] as u32 as i32
    }};
    (I64, $s:ident, $r:ident) => {{
        $r.x += 1;
        $s.x[$r.x - 1] as i64
    }};
    (Ptr, $s:ident, $r:ident) => {{
        $r.x += 1;
        $s.x[$r.x - 1] as usize
    }};
    (Size, $s:ident, $r:ident) => {{
        $r.x += 1;
        $s.x[$r.x - 1] as usize
    }};
    (F32, $s:ident, $r:ident) => {{
        $r.f += 1;
        f32::from_bits($s.f[$r.f - 1] as u32)
    }};
    (F64, $s:ident, $r:ident) => {{
        $r.f += 1;
        f64::from_bits($s.f[$r.f - 1])
    }};
}

macro_rules! write_result {
    (I32, $s:ident, $v:expr) => {
        $s.x[0] = $v as u32 as u64
    };
    (I64, $s:ident, $v:expr) => {
        $s.x[0] = $v as u64
    };
    (Ptr, $s:ident, $v:expr) => {
        $s.x[0] = $v as u64
    };
    (Size, $s:ident, $v:expr) => {
        $s.x[0] = $v as u64
    };
    (F32, $s:ident, $v:expr) => {
        $s.f[0] = $v.to_bits() as u64
    };
    (F64, $s:ident, $v:expr) => {
        $s.f[0] = $v.to_bits()
    };
}

macro_rules! define_dispatcher {
    ($( $(#[$doc:meta])* $Camel:ident = $snake:ident ( $($arg:ident : $aty:ident),* ) -> [ $($rty:ident)? ]; )*) => {
        /// Run builtin `b` on the argument registers of `s`, leaving its
        /// result in the result register; or say why it traps.
        pub(crate) fn call(s: &mut State, b: Builtin) -> Result<(), TrapKind> {
            if s.checked && !memory_granted(s, b) {
                return Err(TrapKind::MemoryOutOfBounds);
            }
            match b {
                $( Builtin::$Camel => {
                    let mut regs = Regs::default();
                    $( let $arg: reg_type!($aty) = read_arg!($aty, s, regs); )*
                    let _ = &mut regs;
                    #[allow(clippy::let_unit_value, unused_variables)]
                    let result = impls::$snake($($arg),*)?;
                    $( write_result!($rty, s, result); )?
                    Ok(())
                } )*
            }
        }
    };
}

sheave_opcodes::for_each_builtin!(define_dispatcher);

/// In checked mode: whether the memory a builtin will touch (the ranges
/// its pointer and length arguments name) is granted.
fn memory_granted(s: &State, b: Builtin) -> bool {
    let (p0, p1, len) = (s.x[0], s.x[1], s.x[2] as usize);
    match b {
        Builtin::Memcpy | Builtin::Memmove | Builtin::Memcmp => s.granted(p0, len) && s.granted(p1, len),
        Builtin::Memset => s.granted(p0, len),
        _ => true,
    }
}

/// One function per builtin, named as in the table.
mod impls {
    use super::*;

    type R<T> = Result<T, TrapKind>;

    /// Builtins that are a float function of the interpreter's own.
    macro_rules! float_builtins {
        ($($name:ident($($a:ident),*): $t:ty = $f:path;)*) => {$(
            pub fn $name($($a: $t),*) -> R<$t> {
                Ok($f($($a),*))
            }
        )*};
    }
    float_builtins! {
        ceil_f32(a): f32 = fl::ceil32;
        ceil_f64(a): f64 = fl::ceil64;
        floor_f32(a): f32 = fl::floor32;
        floor_f64(a): f64 = fl::floor64;
        trunc_f32(a): f32 = fl::trunc32;
        trunc_f64(a): f64 = fl::trunc64;
        nearest_f32(a): f32 = fl::nearest32;
        nearest_f64(a): f64 = fl::nearest64;
        fma_f32(a, b, c): f32 = fl::fma32;
        fma_f64(a, b, c): f64 = fl::fma64;
    }

    pub fn memcpy(dst: usize, src: usize, len: usize) -> R<usize> {
        memmove(dst, src, len)
    }
    pub fn memmove(dst: usize, src: usize, len: usize) -> R<usize> {
        if len > 0 {
            let (d, s) = (ptr_mut(dst), ptr(src));
            // SAFETY: guest memory accesses are the embedder's contract
            // (`Vm::call`): the addresses the guest computes are valid for
            // the accesses it makes. `copy` allows overlap.
            unsafe { core::ptr::copy(s, d, len) };
        }
        Ok(dst)
    }
    pub fn memset(dst: usize, byte: i32, len: usize) -> R<usize> {
        if len > 0 {
            // SAFETY: as in `memmove`.
            unsafe { core::ptr::write_bytes(ptr_mut(dst), byte as u8, len) };
        }
        Ok(dst)
    }
    pub fn memcmp(a: usize, b: usize, len: usize) -> R<i32> {
        if len == 0 {
            return Ok(0);
        }
        // SAFETY: as in `memmove`; the slices live only during this call,
        // while the guest is stopped, and both are only read.
        let (a, b) =
            unsafe { (core::slice::from_raw_parts(ptr(a), len), core::slice::from_raw_parts(ptr(b), len)) };
        Ok(match a.cmp(b) {
            core::cmp::Ordering::Less => -1,
            core::cmp::Ordering::Equal => 0,
            core::cmp::Ordering::Greater => 1,
        })
    }
    pub fn raise(code: i32) -> R<()> {
        Err(TrapKind::Explicit(code as u8))
    }

    fn ptr(addr: usize) -> *const u8 {
        core::ptr::with_exposed_provenance(addr)
    }
    fn ptr_mut(addr: usize) -> *mut u8 {
        core::ptr::with_exposed_provenance_mut(addr)
    }
}
