//! Everything derived from the op tables: per-op structs with their
//! encoding, the opcode enums, the `Op` enum, the visitor-based decoder and
//! the per-op encoder functions.

use crate::operands::*;
use alloc::vec::Vec;
use core::fmt;

/// Byte that introduces an extended op (followed by a `u16` [`ExtOpcode`]).
pub const ESCAPE: u8 = 0xFF;

/// The shape shared by every op struct.
pub trait OpInfo {
    /// The op's name in disassembly.
    const NAME: &'static str;
    /// Opcode bytes: one for a hot op, three for an extended one.
    const PREFIX_LEN: usize;
    /// Bytes of packed register fields.
    const REG_BYTES: usize;
    /// Bits of packed register fields actually used.
    const REG_BITS: u32;
    /// Encoded size in bytes, opcode included.
    const SIZE: usize;
}

// Per-op structs: fields, size, encode, unchecked and checked decode.
macro_rules! define_op_structs {
    ($prefix_kind:ident; $( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {$(
        $(#[$attr])*
        #[derive(Copy, Clone, PartialEq, Eq, Debug)]
        #[allow(missing_docs)]
        pub struct $Camel { $(pub $field: $ty),* }

        impl OpInfo for $Camel {
            const NAME: &'static str = stringify!($name);
            const PREFIX_LEN: usize = define_op_structs!(@prefix_len $prefix_kind);
            const REG_BITS: u32 = 0 $(+ <$ty as Operand>::REG_BITS)*;
            const REG_BYTES: usize = (Self::REG_BITS as usize).div_ceil(8);
            const SIZE: usize = Self::PREFIX_LEN + Self::REG_BYTES $(+ <$ty as Operand>::IMM_BYTES)*;
        }

        impl $Camel {
            /// Append this op's bytes to `out`.
            #[allow(unused_mut, unused_assignments, unused_variables)]
            pub fn encode(&self, out: &mut Vec<u8>) {
                define_op_structs!(@prefix $prefix_kind $Camel out);
                let mut regs = 0u32;
                let mut shift = 0u32;
                $(
                    regs |= self.$field.reg_field() << shift;
                    shift += <$ty as Operand>::REG_BITS;
                )*
                out.extend_from_slice(&regs.to_le_bytes()[..Self::REG_BYTES]);
                $( self.$field.write_imm(out); )*
            }

            /// Decode the operands that follow the opcode bytes, without checks.
            ///
            /// # Safety
            /// `operands` must be valid for reads of `SIZE - PREFIX_LEN` bytes.
            #[inline(always)]
            #[allow(unused_variables, unused_assignments, unused_mut)]
            pub unsafe fn decode_unchecked(operands: *const u8) -> Self {
                // SAFETY: the caller guarantees the operand bytes are readable,
                // and `REG_BYTES` plus every `IMM_BYTES` add up to that length.
                unsafe {
                    let regs = read_reg_field(operands, Self::REG_BYTES);
                    let mut shift = 0u32;
                    let mut at = Self::REG_BYTES;
                    $(
                        let $field = <$ty as Operand>::read(regs >> shift, operands.add(at));
                        shift += <$ty as Operand>::REG_BITS;
                        at += <$ty as Operand>::IMM_BYTES;
                    )*
                    $Camel { $($field),* }
                }
            }

            /// Decode the operands in `operands` (the bytes after the opcode),
            /// checking length, spare bits and operand values.
            pub fn decode_checked(operands: &[u8]) -> Result<Self, DecodeErrorKind> {
                let needed = Self::SIZE - Self::PREFIX_LEN;
                if operands.len() < needed {
                    return Err(DecodeErrorKind::Truncated { op: Self::NAME, needed: Self::SIZE });
                }
                // SAFETY: we just checked that `needed` bytes are present.
                let regs = unsafe { read_reg_field(operands.as_ptr(), Self::REG_BYTES) };
                if Self::REG_BITS < 32 && regs >> Self::REG_BITS != 0 {
                    return Err(DecodeErrorKind::BadOperand {
                        op: Self::NAME,
                        reason: "spare bits of the register field are not zero",
                    });
                }
                // SAFETY: as above.
                let op = unsafe { Self::decode_unchecked(operands.as_ptr()) };
                $(
                    if let Err(reason) = op.$field.check() {
                        return Err(DecodeErrorKind::BadOperand { op: Self::NAME, reason });
                    }
                )*
                Ok(op)
            }
        }

        impl fmt::Display for $Camel {
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))?;
                let mut sep = " ";
                $(
                    write!(f, "{sep}{}", self.$field)?;
                    sep = ", ";
                )*
                Ok(())
            }
        }
    )*};
    (@prefix_len hot) => { 1 };
    (@prefix_len ext) => { 3 };
    (@prefix hot $Camel:ident $out:ident) => { $out.push(Opcode::$Camel as u8) };
    (@prefix ext $Camel:ident $out:ident) => {{
        $out.push(ESCAPE);
        $out.extend_from_slice(&(ExtOpcode::$Camel as u16).to_le_bytes());
    }};
}

/// One struct per op, named like the op in CamelCase.
pub mod ops {
    use super::*;
    for_each_op!(define_op_structs, hot;);
    for_each_extended_op!(define_op_structs, ext;);
}
use ops::*;

macro_rules! define_opcode_enum {
    ($Enum:ident, $repr:ty, $doc:literal; $( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {
        #[doc = $doc]
        #[repr($repr)]
        #[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[allow(missing_docs)]
        pub enum $Enum { $($Camel),* }

        impl $Enum {
            /// Every opcode, indexed by its number.
            pub const ALL: &'static [$Enum] = &[$($Enum::$Camel),*];
            /// Number of opcodes.
            pub const COUNT: usize = Self::ALL.len();
            /// The opcode with this number, if any.
            pub fn from_number(n: $repr) -> Option<$Enum> {
                Self::ALL.get(n as usize).copied()
            }
            /// The op's name in disassembly.
            pub const fn name(self) -> &'static str {
                match self { $($Enum::$Camel => stringify!($name)),* }
            }
            /// Encoded size of the op in bytes, opcode included.
            pub const fn size(self) -> usize {
                match self { $($Enum::$Camel => <$Camel as OpInfo>::SIZE),* }
            }
        }
    };
}

for_each_op!(define_opcode_enum, Opcode, u8, "Opcodes of the one-byte (hot) ops.";);
for_each_extended_op!(define_opcode_enum, ExtOpcode, u16, "Opcodes of the ops behind the [`ESCAPE`] byte.";);

// Hot opcodes are 0..COUNT; the last of them must stay below the escape.
const _: () = assert!(Opcode::COUNT <= ESCAPE as usize, "the hot table overflows into the escape byte");

// `Op`, the visitor, the checked decoder and the encoder functions need both
// tables at once: the hot list is passed through the extended table.
macro_rules! define_all {
    (
        [ $( $(#[$hattr:meta])* $hname:ident = $HCamel:ident { $($hfield:ident : $hty:ty),* } ; )* ]
        $( $(#[$eattr:meta])* $ename:ident = $ECamel:ident { $($efield:ident : $ety:ty),* } ; )*
    ) => {
        /// Any op, decoded.
        #[derive(Copy, Clone, PartialEq, Eq, Debug)]
        #[allow(missing_docs)]
        pub enum Op {
            $( $HCamel($HCamel), )*
            $( $ECamel($ECamel), )*
        }

        impl Op {
            /// Append the op's bytes to `out`.
            pub fn encode(&self, out: &mut Vec<u8>) {
                match self {
                    $( Op::$HCamel(op) => op.encode(out), )*
                    $( Op::$ECamel(op) => op.encode(out), )*
                }
            }
            /// Encoded size in bytes.
            pub fn size(&self) -> usize {
                match self {
                    $( Op::$HCamel(_) => <$HCamel as OpInfo>::SIZE, )*
                    $( Op::$ECamel(_) => <$ECamel as OpInfo>::SIZE, )*
                }
            }
            /// The op's branch or call displacement, if it has one.
            #[allow(unreachable_code)]
            pub fn pc_rel(&self) -> Option<PcRel> {
                match self {
                    $( Op::$HCamel(_op) => { $( if let Some(r) = _op.$hfield.pc_rel() { return Some(r); } )* None } )*
                    $( Op::$ECamel(_op) => { $( if let Some(r) = _op.$efield.pc_rel() { return Some(r); } )* None } )*
                }
            }
            /// Call `f` with each register field (its name and a mutable
            /// reference), in declaration order.
            pub fn for_each_reg_field(&mut self, mut f: impl FnMut(&'static str, RegFieldMut<'_>)) {
                match self {
                    $( Op::$HCamel(_op) => { $( _op.$hfield.visit_reg_mut(stringify!($hfield), &mut f); )* } )*
                    $( Op::$ECamel(_op) => { $( _op.$efield.visit_reg_mut(stringify!($efield), &mut f); )* } )*
                }
            }
            /// The op's name in disassembly.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Op::$HCamel(_) => stringify!($hname), )*
                    $( Op::$ECamel(_) => stringify!($ename), )*
                }
            }
        }

        impl fmt::Display for Op {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Op::$HCamel(op) => op.fmt(f), )*
                    $( Op::$ECamel(op) => op.fmt(f), )*
                }
            }
        }

        $( impl From<$HCamel> for Op { fn from(op: $HCamel) -> Op { Op::$HCamel(op) } } )*
        $( impl From<$ECamel> for Op { fn from(op: $ECamel) -> Op { Op::$ECamel(op) } } )*

        /// A consumer of decoded ops: one method per op, taking its operands.
        pub trait OpVisitor {
            /// What each method returns.
            type Output;
            $(
                $(#[$hattr])*
                fn $hname(&mut self $(, $hfield: $hty)*) -> Self::Output;
            )*
            $(
                $(#[$eattr])*
                fn $ename(&mut self $(, $efield: $ety)*) -> Self::Output;
            )*
        }

        /// Decode the op at the start of `bytes` and hand it to `visitor`.
        /// Returns the visitor's output and the op's size.
        pub fn decode_with<V: OpVisitor>(bytes: &[u8], visitor: &mut V) -> Result<(V::Output, usize), DecodeErrorKind> {
            let Some(&first) = bytes.first() else {
                return Err(DecodeErrorKind::Truncated { op: "opcode", needed: 1 });
            };
            if first == ESCAPE {
                let Some(ext) = bytes.get(1..3) else {
                    return Err(DecodeErrorKind::Truncated { op: "extended opcode", needed: 3 });
                };
                let number = u16::from_le_bytes([ext[0], ext[1]]);
                let Some(opcode) = ExtOpcode::from_number(number) else {
                    return Err(DecodeErrorKind::UnknownExtOpcode(number));
                };
                match opcode {
                    $( ExtOpcode::$ECamel => {
                        let op = $ECamel::decode_checked(&bytes[3..])?;
                        let $ECamel { $($efield),* } = op;
                        Ok((visitor.$ename($($efield),*), <$ECamel as OpInfo>::SIZE))
                    } )*
                }
            } else {
                let Some(opcode) = Opcode::from_number(first) else {
                    return Err(DecodeErrorKind::UnknownOpcode(first));
                };
                match opcode {
                    $( Opcode::$HCamel => {
                        let op = $HCamel::decode_checked(&bytes[1..])?;
                        let $HCamel { $($hfield),* } = op;
                        Ok((visitor.$hname($($hfield),*), <$HCamel as OpInfo>::SIZE))
                    } )*
                }
            }
        }

        /// Builds [`Op`] values from a decoder.
        struct OpBuilder;
        impl OpVisitor for OpBuilder {
            type Output = Op;
            $( fn $hname(&mut self $(, $hfield: $hty)*) -> Op { Op::$HCamel($HCamel { $($hfield),* }) } )*
            $( fn $ename(&mut self $(, $efield: $ety)*) -> Op { Op::$ECamel($ECamel { $($efield),* }) } )*
        }

        impl Op {
            /// Decode the op at the start of `bytes`; returns it and its size.
            pub fn decode(bytes: &[u8]) -> Result<(Op, usize), DecodeErrorKind> {
                decode_with(bytes, &mut OpBuilder)
            }
        }

        /// One function per op that appends its encoding to a buffer.
        pub mod encode {
            use super::*;
            $(
                #[doc = concat!("Append a `", stringify!($hname), "` op.")]
                pub fn $hname(out: &mut Vec<u8> $(, $hfield: $hty)*) {
                    $HCamel { $($hfield),* }.encode(out)
                }
            )*
            $(
                #[doc = concat!("Append a `", stringify!($ename), "` op.")]
                pub fn $ename(out: &mut Vec<u8> $(, $efield: $ety)*) {
                    $ECamel { $($efield),* }.encode(out)
                }
            )*
        }

        /// Every op as `(table, number, name, operand types)`, the input of
        /// the ISA fingerprint.
        pub const OP_SIGNATURES: &[(&str, u16, &str, &[&str])] = &[
            $( ("hot", Opcode::$HCamel as u16, stringify!($hname), &[$(concat!(stringify!($hfield), ":", stringify!($hty))),*]), )*
            $( ("ext", ExtOpcode::$ECamel as u16, stringify!($ename), &[$(concat!(stringify!($efield), ":", stringify!($ety))),*]), )*
        ];
    };
}

macro_rules! pass_hot_to_ext {
    ($($hot:tt)*) => {
        for_each_extended_op!(define_all, [ $($hot)* ]);
    };
}
for_each_op!(pass_hot_to_ext);

/// Why bytes failed to decode.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DecodeErrorKind {
    /// The bytes end inside an op.
    Truncated {
        /// The op (or "opcode") being read.
        op: &'static str,
        /// Bytes the op needs.
        needed: usize,
    },
    /// A hot opcode byte with no op.
    UnknownOpcode(u8),
    /// An extended opcode with no op.
    UnknownExtOpcode(u16),
    /// An operand with an invalid value.
    BadOperand {
        /// The op.
        op: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Truncated { op, needed } => {
                write!(f, "bytes end inside `{op}` (it needs {needed} bytes)")
            }
            DecodeErrorKind::UnknownOpcode(b) => write!(f, "unknown opcode 0x{b:02x}"),
            DecodeErrorKind::UnknownExtOpcode(n) => write!(f, "unknown extended opcode {n}"),
            DecodeErrorKind::BadOperand { op, reason } => write!(f, "bad operand of `{op}`: {reason}"),
        }
    }
}
