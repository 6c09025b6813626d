//! Operand types and how each is packed into bytecode.
//!
//! An op's operands are encoded as: every register field packed 5 bits each,
//! least significant first, into the fewest whole bytes (spare bits zero);
//! then every immediate, little-endian, in declaration order.

use alloc::vec::Vec;
use core::fmt;

/// How one operand type is encoded. Implemented for registers (5-bit
/// fields) and immediates (whole little-endian bytes).
pub trait Operand: Copy + fmt::Display {
    /// Bits this operand takes in the packed register field (0 or 5).
    const REG_BITS: u32;
    /// Bytes this operand takes in the immediate area.
    const IMM_BYTES: usize;
    /// The value to pack into the register field (registers only).
    fn reg_field(self) -> u32 {
        0
    }
    /// Append the immediate bytes (immediates only).
    fn write_imm(self, _out: &mut Vec<u8>) {}
    /// Rebuild the operand from its register field (already shifted down)
    /// and a pointer to its immediate bytes.
    ///
    /// # Safety
    /// `imm` must be valid for reads of `IMM_BYTES` bytes.
    unsafe fn read(reg_field: u32, imm: *const u8) -> Self;
    /// Whether a decoded value is allowed (e.g. a known condition code).
    fn check(self) -> Result<(), &'static str> {
        Ok(())
    }
    /// The displacement, if this operand is a branch or call target.
    fn pc_rel(self) -> Option<PcRel> {
        None
    }
    /// Hand this operand to `f` if it is a register field.
    fn visit_reg_mut(&mut self, _name: &'static str, _f: &mut dyn FnMut(&'static str, RegFieldMut<'_>)) {}
}

/// A register field of an op, for code that rewrites registers (e.g. a
/// register allocator replacing virtual registers by real ones).
#[derive(Debug)]
pub enum RegFieldMut<'a> {
    /// An x-register field.
    X(&'a mut XReg),
    /// An f-register field.
    F(&'a mut FReg),
    /// A v-register field.
    V(&'a mut VReg),
}

macro_rules! register_type {
    ($(#[$m:meta])* $name:ident, $prefix:literal, $field:ident) => {
        $(#[$m])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub struct $name(u8);

        impl $name {
            /// Number of registers of this class.
            pub const COUNT: u8 = 32;
            /// The register with this index, if it is below 32.
            pub const fn new(index: u8) -> Option<Self> {
                if index < Self::COUNT { Some(Self(index)) } else { None }
            }
            /// The register's index, 0 to 31.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl Operand for $name {
            const REG_BITS: u32 = 5;
            const IMM_BYTES: usize = 0;
            fn reg_field(self) -> u32 {
                self.0 as u32
            }
            #[inline(always)]
            unsafe fn read(reg_field: u32, _imm: *const u8) -> Self {
                Self((reg_field & 31) as u8)
            }
            fn visit_reg_mut(&mut self, name: &'static str, f: &mut dyn FnMut(&'static str, RegFieldMut<'_>)) {
                f(name, RegFieldMut::$field(self))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match (*self, stringify!($name)) {
                    (r, "XReg") if r.0 == 30 => f.write_str("fp"),
                    (r, "XReg") if r.0 == 31 => f.write_str("sp"),
                    _ => write!(f, concat!($prefix, "{}"), self.0),
                }
            }
        }
    };
}

register_type!(
    /// An integer register, `x0`..`x31`, 64 bits wide. `x30` is the frame
    /// pointer (`fp`) and `x31` the stack pointer (`sp`).
    XReg, "x", X
);
register_type!(
    /// A float register, `f0`..`f31`, holding an f32 or f64.
    FReg, "f", F
);
register_type!(
    /// A 128-bit vector register, `v0`..`v31`.
    VReg, "v", V
);

/// An x-register the op writes: an output field in the op tables. The
/// same type as [`XReg`] (the encoding does not distinguish inputs from
/// outputs); the name tells the code generator which fields are defs.
pub type XDst = XReg;
/// An f-register the op writes (see [`XDst`]).
pub type FDst = FReg;
/// A v-register the op writes (see [`XDst`]).
pub type VDst = VReg;

impl XReg {
    /// The frame pointer.
    pub const FP: XReg = XReg(crate::abi::FP as u8);
    /// The stack pointer.
    pub const SP: XReg = XReg(crate::abi::SP as u8);
}

macro_rules! immediate_type {
    ($($ty:ty),*) => {$(
        impl Operand for $ty {
            const REG_BITS: u32 = 0;
            const IMM_BYTES: usize = core::mem::size_of::<$ty>();
            fn write_imm(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            #[inline(always)]
            unsafe fn read(_reg_field: u32, imm: *const u8) -> Self {
                // SAFETY: the caller guarantees `IMM_BYTES` readable bytes;
                // `read_unaligned` has no alignment requirement.
                let raw = unsafe { imm.cast::<[u8; core::mem::size_of::<$ty>()]>().read_unaligned() };
                <$ty>::from_le_bytes(raw)
            }
        }
    )*};
}
immediate_type!(u8, u16, u32, u64, u128, i8, i16, i32, i64);

/// A branch or call displacement in bytes, relative to the first byte of
/// the op that holds it.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct PcRel(pub i32);

impl Operand for PcRel {
    const REG_BITS: u32 = 0;
    const IMM_BYTES: usize = 4;
    fn write_imm(self, out: &mut Vec<u8>) {
        self.0.write_imm(out)
    }
    #[inline(always)]
    unsafe fn read(reg_field: u32, imm: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        PcRel(unsafe { i32::read(reg_field, imm) })
    }
    fn pc_rel(self) -> Option<PcRel> {
        Some(self)
    }
}

impl fmt::Display for PcRel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pc{:+}", self.0)
    }
}

/// The callee-saved registers a `push_frame_save` stores: bit `i` (0..14)
/// is `x(16 + i)`, bit `14 + i` (0..16) is `f(16 + i)`. Bits 30 and 31 must
/// be zero.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct RegMask(pub u32);

impl RegMask {
    /// First x-register a mask can name: the first callee-saved one.
    pub const FIRST_X: usize = crate::abi::CALLEE_SAVED_X.start;
    /// Number of x-registers a mask can name (`x16`..=`x29`).
    pub const X_COUNT: usize = crate::abi::CALLEE_SAVED_X.end - crate::abi::CALLEE_SAVED_X.start;
    /// First f-register a mask can name: the first callee-saved one.
    pub const FIRST_F: usize = crate::abi::CALLEE_SAVED_F.start;
    /// Number of f-registers a mask can name (`f16`..=`f31`).
    pub const F_COUNT: usize = crate::abi::CALLEE_SAVED_F.end - crate::abi::CALLEE_SAVED_F.start;

    /// The x-registers in the mask, lowest first.
    #[inline(always)]
    pub fn xregs(self) -> impl Iterator<Item = XReg> {
        SetBits(self.0 & ((1 << Self::X_COUNT) - 1)).map(|i| XReg((Self::FIRST_X + i) as u8))
    }
    /// The f-registers in the mask, lowest first.
    #[inline(always)]
    pub fn fregs(self) -> impl Iterator<Item = FReg> {
        SetBits((self.0 >> Self::X_COUNT) & ((1 << Self::F_COUNT) - 1))
            .map(|i| FReg((Self::FIRST_F + i) as u8))
    }
    /// Number of registers saved, each taking 8 bytes.
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }
    /// A mask with the given x-register added; `None` if it is not callee-saved.
    pub fn with_x(self, r: XReg) -> Option<Self> {
        let i = r.index().checked_sub(Self::FIRST_X)?;
        (i < Self::X_COUNT).then(|| RegMask(self.0 | 1 << i))
    }
    /// A mask with the given f-register added; `None` if it is not callee-saved.
    pub fn with_f(self, r: FReg) -> Option<Self> {
        let i = r.index().checked_sub(Self::FIRST_F)?;
        (i < Self::F_COUNT).then(|| RegMask(self.0 | 1 << (Self::X_COUNT + i)))
    }
}

/// The indices of a word's set bits, lowest first: one step per set bit
/// (frame ops run on every call, and most masks name few registers).
struct SetBits(u32);

impl Iterator for SetBits {
    type Item = usize;
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(i)
    }
}

impl Operand for RegMask {
    const REG_BITS: u32 = 0;
    const IMM_BYTES: usize = 4;
    fn write_imm(self, out: &mut Vec<u8>) {
        self.0.write_imm(out)
    }
    #[inline(always)]
    unsafe fn read(reg_field: u32, imm: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        RegMask(unsafe { u32::read(reg_field, imm) })
    }
    fn check(self) -> Result<(), &'static str> {
        if self.0 >> 30 == 0 { Ok(()) } else { Err("register mask sets bits 30/31, which name no register") }
    }
}

impl fmt::Display for RegMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        let mut first = true;
        for r in self.xregs() {
            write!(f, "{}{r}", if first { "" } else { "," })?;
            first = false;
        }
        for r in self.fregs() {
            write!(f, "{}{r}", if first { "" } else { "," })?;
            first = false;
        }
        f.write_str("}")
    }
}

/// The callee-saved x-registers a `push_frame_save_x` stores: bit `i`
/// (0..14) is `x(16 + i)`, as in [`RegMask`]; bits 14 and 15 must be zero.
/// Two bytes where a [`RegMask`] takes four: most frames save no
/// f-register.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct XRegMask(pub u16);

impl XRegMask {
    /// The same registers as a [`RegMask`].
    #[inline(always)]
    pub fn to_mask(self) -> RegMask {
        // Masked so that the compiler sees no f-register in it.
        RegMask(u32::from(self.0) & ((1 << RegMask::X_COUNT) - 1))
    }
    /// The x-registers of `mask`, if it names no f-register.
    pub fn from_mask(mask: RegMask) -> Option<Self> {
        mask.fregs().next().is_none().then_some(XRegMask(mask.0 as u16))
    }
}

impl Operand for XRegMask {
    const REG_BITS: u32 = 0;
    const IMM_BYTES: usize = 2;
    fn write_imm(self, out: &mut Vec<u8>) {
        self.0.write_imm(out)
    }
    #[inline(always)]
    unsafe fn read(reg_field: u32, imm: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        XRegMask(unsafe { u16::read(reg_field, imm) })
    }
    fn check(self) -> Result<(), &'static str> {
        if self.0 >> RegMask::X_COUNT == 0 {
            Ok(())
        } else {
            Err("x-register mask sets bits 14/15, which name no register")
        }
    }
}

impl fmt::Display for XRegMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_mask().fmt(f)
    }
}

/// A float comparison condition, CLIF's `FloatCC`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct FloatCC(u8);

macro_rules! float_ccs {
    ($($name:ident = $v:literal, $text:literal;)*) => {
        impl FloatCC {
            $(
                #[doc = concat!("`", $text, "`")]
                pub const $name: FloatCC = FloatCC($v);
            )*
            /// Every condition, in encoding order.
            pub const ALL: &'static [FloatCC] = &[$(FloatCC::$name),*];
            /// The encoded value.
            pub const fn bits(self) -> u8 {
                self.0
            }
            /// The condition with this encoding, if any.
            pub const fn from_bits(bits: u8) -> Option<FloatCC> {
                if (bits as usize) < Self::ALL.len() { Some(FloatCC(bits)) } else { None }
            }
            /// CLIF's name for the condition.
            pub const fn name(self) -> &'static str {
                match self.0 {
                    $($v => $text,)*
                    _ => "invalid",
                }
            }
        }
    };
}

float_ccs! {
    ORDERED = 0, "ord";
    UNORDERED = 1, "uno";
    EQUAL = 2, "eq";
    NOT_EQUAL = 3, "ne";
    ORDERED_NOT_EQUAL = 4, "one";
    UNORDERED_OR_EQUAL = 5, "ueq";
    LESS_THAN = 6, "lt";
    LESS_THAN_OR_EQUAL = 7, "le";
    GREATER_THAN = 8, "gt";
    GREATER_THAN_OR_EQUAL = 9, "ge";
    UNORDERED_OR_LESS_THAN = 10, "ult";
    UNORDERED_OR_LESS_THAN_OR_EQUAL = 11, "ule";
    UNORDERED_OR_GREATER_THAN = 12, "ugt";
    UNORDERED_OR_GREATER_THAN_OR_EQUAL = 13, "uge";
}

impl Operand for FloatCC {
    const REG_BITS: u32 = 0;
    const IMM_BYTES: usize = 1;
    fn write_imm(self, out: &mut Vec<u8>) {
        out.push(self.0)
    }
    #[inline(always)]
    unsafe fn read(reg_field: u32, imm: *const u8) -> Self {
        // SAFETY: forwarded from the caller.
        FloatCC(unsafe { u8::read(reg_field, imm) })
    }
    fn check(self) -> Result<(), &'static str> {
        if FloatCC::from_bits(self.0).is_some() { Ok(()) } else { Err("unknown float condition code") }
    }
}

impl fmt::Display for FloatCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Read `n` (0..=4) little-endian bytes as the packed register field.
///
/// # Safety
/// `p` must be valid for reads of `n` bytes.
#[inline(always)]
pub unsafe fn read_reg_field(p: *const u8, n: usize) -> u32 {
    // SAFETY: each arm reads exactly `n` bytes, which the caller guarantees.
    unsafe {
        match n {
            0 => 0,
            1 => *p as u32,
            2 => u16::from_le_bytes(p.cast::<[u8; 2]>().read_unaligned()) as u32,
            3 => u16::from_le_bytes(p.cast::<[u8; 2]>().read_unaligned()) as u32 | (*p.add(2) as u32) << 16,
            _ => u32::from_le_bytes(p.cast::<[u8; 4]>().read_unaligned()),
        }
    }
}
