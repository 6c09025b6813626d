//! The types a module's signatures name, and the target it was compiled for.

use crate::ModuleError;
use core::fmt;

/// How an import's parameter or result is passed, beyond its type: what a
/// binding to a native (C) function needs to know that CLIF says with
/// `uext`, `sext`, `sarg` and `sret`. Bytecode calls ignore it (the
/// compiler already extended or copied what it had to).
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub enum ParamAbi {
    /// Passed as its type says.
    #[default]
    Plain,
    /// `uext`: an integer narrower than a register, zero-extended.
    Uext,
    /// `sext`: an integer narrower than a register, sign-extended.
    Sext,
    /// `sarg(size)`: the value is the address of `size` bytes passed by
    /// value (a C struct argument).
    StructArgument(u32),
    /// `sret`: the value is the address where the callee writes the struct
    /// it returns.
    StructReturn,
}

/// The type of a parameter or result, as CLIF names it.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ScalarType {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `i128` (two x-registers, low half first)
    I128,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `f16` (its bits in an x-register)
    F16,
    /// `f128` (its bits in two x-registers, low half first)
    F128,
    /// `i8x16` (a v-register, lane 0 in the low bits; so are all vectors)
    I8x16,
    /// `i16x8`
    I16x8,
    /// `i32x4`
    I32x4,
    /// `i64x2`
    I64x2,
    /// `f32x4`
    F32x4,
    /// `f64x2`
    F64x2,
    /// `i8x8` (the low half of a v-register; so are all 64-bit vectors)
    I8x8,
    /// `i16x4`
    I16x4,
    /// `i32x2`
    I32x2,
    /// `f32x2`
    F32x2,
}

impl ScalarType {
    // Codes are positions here: append only.
    const ALL: [ScalarType; 19] = [
        Self::I8,
        Self::I16,
        Self::I32,
        Self::I64,
        Self::I128,
        Self::F32,
        Self::F64,
        Self::F16,
        Self::F128,
        Self::I8x16,
        Self::I16x8,
        Self::I32x4,
        Self::I64x2,
        Self::F32x4,
        Self::F64x2,
        Self::I8x8,
        Self::I16x4,
        Self::I32x2,
        Self::F32x2,
    ];
    /// Whether values of this type travel in a v-register.
    pub fn is_vector(self) -> bool {
        self.code() >= Self::I8x16.code()
    }
    pub(crate) fn code(self) -> u8 {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0) as u8
    }
    pub(crate) fn from_code(c: u8) -> Option<ScalarType> {
        Self::ALL.get(c as usize).copied()
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::I8 => "i8",
            Self::I16 => "i16",
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::I128 => "i128",
            Self::F32 => "f32",
            Self::F64 => "f64",
            Self::F16 => "f16",
            Self::F128 => "f128",
            Self::I8x16 => "i8x16",
            Self::I16x8 => "i16x8",
            Self::I32x4 => "i32x4",
            Self::I64x2 => "i64x2",
            Self::F32x4 => "f32x4",
            Self::F64x2 => "f64x2",
            Self::I8x8 => "i8x8",
            Self::I16x4 => "i16x4",
            Self::I32x2 => "i32x2",
            Self::F32x2 => "f32x2",
        })
    }
}

/// What the functions were compiled for: CLIF's pointer width and
/// default byte order. The bytecode is the same on every host; these tell
/// what its data means. A module for 32-bit pointers keeps addresses in
/// 32 bits, so on a 64-bit host the memory it addresses (its VM stack
/// first of all, which an instance checks) must lie below 4 GiB. Function
/// addresses (`func_addr`) are the exception there: they are host
/// addresses of the bytecode, kept whole in registers, and lose their
/// upper bits if stored through an `i32`.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct ModuleTarget {
    /// 32 or 64.
    pub pointer_bits: u8,
    /// Whether loads and stores without an explicit byte order are big-endian.
    pub big_endian: bool,
}

impl Default for ModuleTarget {
    /// 64-bit pointers, little-endian.
    fn default() -> Self {
        ModuleTarget { pointer_bits: 64, big_endian: false }
    }
}

impl ModuleTarget {
    pub(crate) fn to_byte(self) -> u8 {
        u8::from(self.pointer_bits == 32) | u8::from(self.big_endian) << 1
    }

    pub(crate) fn from_byte(b: u8) -> Result<ModuleTarget, ModuleError> {
        if b & !3 != 0 {
            return Err(ModuleError::Malformed(alloc::format!("unknown target bits {b:#04x}")));
        }
        Ok(ModuleTarget { pointer_bits: if b & 1 != 0 { 32 } else { 64 }, big_endian: b & 2 != 0 })
    }

    pub(crate) fn check(self) -> Result<(), ModuleError> {
        match self.pointer_bits {
            32 | 64 => Ok(()),
            n => Err(ModuleError::Malformed(alloc::format!("pointer width {n}: only 32 and 64 bits exist"))),
        }
    }

    /// Whether a VM stack ending at address `stack_end` (exclusive) is
    /// addressable by this target's pointers.
    pub fn reaches(self, stack_end: usize) -> bool {
        self.pointer_bits >= 64 || stack_end as u64 <= 1 << self.pointer_bits
    }
}

impl fmt::Display for ModuleTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = if self.big_endian { "big" } else { "little" };
        write!(f, "{}-bit {order}-endian", self.pointer_bits)
    }
}
