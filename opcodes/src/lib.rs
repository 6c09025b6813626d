//! Sheave's instruction set.
//!
//! The ops are listed once, in [`for_each_op!`] (hot ops, one opcode byte)
//! and [`for_each_extended_op!`] (cold ops behind an escape byte). From
//! those tables come the opcode enums ([`Opcode`], [`ExtOpcode`]), one
//! struct per op (in [`ops`]), the [`Op`] enum, the [`encode`] functions, the
//! visitor-based decoder ([`decode_with`], [`OpVisitor`]), the
//! [`disassemble`]r and the structural [`verify`]er. The interpreter derives
//! its handler tables from the same macros. [`for_each_builtin!`] lists the
//! host builtins (`call_indirect_host` ids) the same way.
//!
//! Bytecode is little-endian on every host.

#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[macro_use]
mod table;
pub mod abi;
mod asm;
mod builtins;
mod disas;
mod generated;
mod operands;
mod verify;

pub use asm::{AsmError, Assembler, Label};
pub use builtins::{Builtin, BuiltinType, FOREIGN_CALL_ID, HOST_FUNC_BASE};
pub use disas::{DisasError, DisasOptions, disassemble};
pub use generated::*;
pub use operands::{
    FDst, FReg, FloatCC, Operand, PcRel, RegFieldMut, RegMask, VDst, VReg, XDst, XReg, XRegMask,
    read_reg_field,
};
pub use verify::{VerifyError, VerifyErrorKind, verify};

/// Version of the instruction set. Modules record it; a module built for
/// another version is refused. Bump it whenever an opcode number or an op's
/// operands change (the `isa_fingerprint` test tells you when).
pub const ISA_VERSION: u32 = 20;

/// Fingerprint of the op and builtin tables at [`ISA_VERSION`]; see [`isa_fingerprint`].
pub const ISA_FINGERPRINT: u64 = 0x08691b27f37f3502;

/// FNV-1a hash of every op's table, number, name and operands, and of
/// every builtin's id, name and signature.
pub fn isa_fingerprint() -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        // Separator, so that ("ab","c") and ("a","bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for (table, number, name, operands) in OP_SIGNATURES {
        feed(table.as_bytes());
        feed(&number.to_le_bytes());
        feed(name.as_bytes());
        for operand in *operands {
            feed(encoded_operand(operand).as_bytes());
        }
    }
    for &b in Builtin::ALL {
        feed(&b.id().to_le_bytes());
        feed(b.name().as_bytes());
        for ty in b.params() {
            feed(&[*ty as u8]);
        }
        feed(b"->");
        for ty in b.results() {
            feed(&[*ty as u8]);
        }
    }
    hash
}

/// An operand signature (`name:Type`) as it is encoded: the output aliases
/// (`XDst`, ...) are the register types, so marking an output changes no
/// fingerprint.
fn encoded_operand(operand: &str) -> alloc::string::String {
    match operand.split_once(':') {
        Some((name, ty @ ("XDst" | "FDst" | "VDst"))) => alloc::format!("{name}:{}Reg", &ty[..1]),
        _ => operand.into(),
    }
}

/// An error at an offset in a bytecode buffer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DecodeError {
    /// Offset of the op that failed to decode.
    pub offset: usize,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "at offset {:#x}: {}", self.offset, self.kind)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// Decode every op of `code`, with its offset.
pub fn decode_all(code: &[u8]) -> Result<alloc::vec::Vec<(usize, Op)>, DecodeError> {
    let mut ops = alloc::vec::Vec::new();
    let mut at = 0;
    while at < code.len() {
        let (op, size) = Op::decode(&code[at..]).map_err(|kind| DecodeError { offset: at, kind })?;
        ops.push((at, op));
        at += size;
    }
    Ok(ops)
}
