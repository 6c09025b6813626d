//! Typed values: the Rust types that cross between host and guest, and
//! lists of them (a function's parameters or results), moved straight
//! between Rust and the argument registers with no [`Val`] in between.

use alloc::vec::Vec;
use sheave_interp::Vm;
use sheave_interp::{Val, ValType};

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that a guest function takes or returns: `i32`, `u32`
/// (CLIF `i32`), `i64`, `u64` (CLIF `i64`; also pointers), `f32`, `f64`.
pub trait Value: Copy + sealed::Sealed + 'static {
    /// Its CLIF type.
    const TYPE: ValType;
    /// As a [`Val`].
    fn to_val(self) -> Val;
    /// From a [`Val`] of type [`Value::TYPE`].
    fn from_val(v: Val) -> Option<Self>;
    #[doc(hidden)]
    fn to_bits(self) -> u64;
    #[doc(hidden)]
    fn from_bits(bits: u64) -> Self;
}

macro_rules! values {
    ($($t:ty = $ty:ident, |$v:ident| to $to:expr, from $from:expr, bits $bits:expr, unbits |$b:ident| $unbits:expr;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Value for $t {
            const TYPE: ValType = ValType::$ty;
            #[inline]
            fn to_val(self) -> Val {
                let $v = self;
                $to
            }
            #[inline]
            fn from_val(v: Val) -> Option<Self> {
                match v {
                    Val::$ty($v) => Some($from),
                    _ => None,
                }
            }
            #[inline]
            fn to_bits(self) -> u64 {
                let $v = self;
                $bits
            }
            #[inline]
            fn from_bits($b: u64) -> Self {
                $unbits
            }
        }
    )*};
}

values! {
    i32 = I32, |v| to Val::I32(v), from v, bits v as u32 as u64, unbits |b| b as u32 as i32;
    u32 = I32, |v| to Val::I32(v as i32), from v as u32, bits v as u64, unbits |b| b as u32;
    i64 = I64, |v| to Val::I64(v), from v, bits v as u64, unbits |b| b as i64;
    u64 = I64, |v| to Val::I64(v as i64), from v as u64, bits v, unbits |b| b;
    f32 = F32, |v| to Val::F32(v.to_bits()), from f32::from_bits(v), bits v.to_bits() as u64, unbits |b| f32::from_bits(b as u32);
    f64 = F64, |v| to Val::F64(v.to_bits()), from f64::from_bits(v), bits v.to_bits(), unbits |b| f64::from_bits(b);
}

/// Where the next value of each register class goes (or comes from).
#[derive(Default)]
pub(crate) struct RegCursor {
    x: usize,
    f: usize,
}

impl RegCursor {
    #[inline]
    pub(crate) fn put<V: Value>(&mut self, vm: &mut Vm, v: V) {
        if is_float(V::TYPE) {
            vm.set_fi(self.f, v.to_bits());
            self.f += 1;
        } else {
            vm.set_xi(self.x, v.to_bits());
            self.x += 1;
        }
    }
    #[inline]
    pub(crate) fn take<V: Value>(&mut self, vm: &Vm) -> V {
        if is_float(V::TYPE) {
            self.f += 1;
            V::from_bits(vm.fi(self.f - 1))
        } else {
            self.x += 1;
            V::from_bits(vm.xi(self.x - 1))
        }
    }
}

#[inline]
fn is_float(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64)
}

/// A list of [`Value`]s: a function's parameters or results. Implemented
/// for `()`, each [`Value`] type alone, and tuples of up to 10 of them.
/// At most 10 values, so they always fit the 16 registers of each class.
pub trait ValueList: Sized + 'static {
    /// The types, in order.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn store(self, vm: &mut Vm);
    #[doc(hidden)]
    fn load(vm: &Vm) -> Self;
}

impl<V: Value> ValueList for V {
    fn types() -> Vec<ValType> {
        alloc::vec![V::TYPE]
    }
    #[inline]
    fn store(self, vm: &mut Vm) {
        RegCursor::default().put(vm, self);
    }
    #[inline]
    fn load(vm: &Vm) -> Self {
        RegCursor::default().take(vm)
    }
}

macro_rules! tuples {
    ($(($($v:ident),*))*) => {$(
        impl<$($v: Value),*> ValueList for ($($v,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($v::TYPE),*]
            }
            #[inline]
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn store(self, vm: &mut Vm) {
                let mut at = RegCursor::default();
                let ($($v,)*) = self;
                $( at.put(vm, $v); )*
            }
            #[inline]
            #[allow(unused_mut, unused_variables, clippy::unused_unit)]
            fn load(vm: &Vm) -> Self {
                let mut at = RegCursor::default();
                ($( at.take::<$v>(vm), )*)
            }
        }
    )*};
}

tuples! {
    ()
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
}
