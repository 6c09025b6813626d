//! Values passed between the host and the guest.

use core::fmt;

/// A value in a register. Floats are kept as bits so that NaN payloads
/// survive the trip.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Val {
    /// A 32-bit integer (in an x-register).
    I32(i32),
    /// A 64-bit integer or pointer (in an x-register).
    I64(i64),
    /// The bits of an f32 (in an f-register).
    F32(u32),
    /// The bits of an f64 (in an f-register).
    F64(u64),
    /// A 128-bit vector (in a v-register).
    V128(u128),
}

/// The type of a [`Val`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// f32.
    F32,
    /// f64.
    F64,
    /// 128-bit vector.
    V128,
}

impl Val {
    /// An f32 value.
    pub fn from_f32(x: f32) -> Val {
        Val::F32(x.to_bits())
    }
    /// An f64 value.
    pub fn from_f64(x: f64) -> Val {
        Val::F64(x.to_bits())
    }
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
        }
    }
    /// The integer, if this is an `I32`.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = *self { Some(v) } else { None }
    }
    /// The integer, if this is an `I64`.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = *self { Some(v) } else { None }
    }
    /// The float, if this is an `F32`.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = *self { Some(f32::from_bits(v)) } else { None }
    }
    /// The float, if this is an `F64`.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = *self { Some(f64::from_bits(v)) } else { None }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Val::I32(v) => write!(f, "{v}"),
            Val::I64(v) => write!(f, "{v}"),
            Val::F32(v) => write!(f, "{:?}", f32::from_bits(v)),
            Val::F64(v) => write!(f, "{:?}", f64::from_bits(v)),
            Val::V128(v) => write!(f, "{v:#034x}"),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
        })
    }
}
