//! The portable module file (`.shv`): bytecode, its functions and their
//! signatures, written by the compiler and loaded (and verified) anywhere.
//!
//! Layout, all integers little-endian:
//! ```text
//! magic        8 bytes  "\0sheave\n"
//! format       u32      MODULE_FORMAT_VERSION
//! isa          u32      sheave_opcodes::ISA_VERSION
//! target       u8       bit 0: 32-bit pointers; bit 1: big-endian
//! functions    u32      count, then per function:
//!   name       u16 length + UTF-8 bytes
//!   params     u8 count + one type byte each
//!   results    u8 count + one type byte each
//!   range      u32 start, u32 end (byte offsets into the code)
//! imports      u32      count, then per import (host function):
//!   name       u16 length + UTF-8 bytes
//!   params     u8 count + one type byte each
//!   results    u8 count + one type byte each
//!   param abi  u8 count (0 or the parameter count) + one flag each
//!   result abi u8 count (0 or the result count) + one flag each
//!              flag: 0 plain, 1 uext, 2 sext, 3 sarg (then u32 size), 4 sret
//! indirect     u32      count, then per call_indirect site (ascending):
//!   offset     u32 (byte offset of the op in the code)
//!   params     u8 count + one type byte each
//!   results    u8 count + one type byte each
//!   param abi, result abi as for imports
//! code         u32 length + bytes
//! checksum     u64      FNV-1a of every byte before it
//! ```
//! Loading ([`crate::Module::from_bytes`]) checks every length and offset,
//! the versions and the checksum, then runs the bytecode verifier and
//! checks that every host call names a builtin or one of the module's
//! imports: a truncated, corrupted or version-mismatched file is an error,
//! never a crash.

use crate::{
    ImportAbi, IndirectCall, ModuleError, ModuleFunction, ModuleImport, ModuleParts, ModuleTarget, ParamAbi,
    ScalarType,
};
use alloc::string::String;
use alloc::vec::Vec;

const MAGIC: &[u8; 8] = b"\0sheave\n";
/// Version of the file layout above.
pub const MODULE_FORMAT_VERSION: u32 = 4;

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

impl ModuleParts {
    /// Serialize to the file format.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModuleError> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&MODULE_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&sheave_opcodes::ISA_VERSION.to_le_bytes());
        self.target.check()?;
        out.push(self.target.to_byte());
        let count =
            u32::try_from(self.functions.len()).map_err(|_| ModuleError::TooLarge("function count"))?;
        out.extend_from_slice(&count.to_le_bytes());
        for f in &self.functions {
            write_name(&mut out, &f.name, "function name")?;
            write_signature(&mut out, &f.params, &f.results)?;
            for bound in [f.range.start, f.range.end] {
                let b = u32::try_from(bound).map_err(|_| ModuleError::TooLarge("code offset"))?;
                out.extend_from_slice(&b.to_le_bytes());
            }
        }
        let count = u32::try_from(self.imports.len()).map_err(|_| ModuleError::TooLarge("import count"))?;
        out.extend_from_slice(&count.to_le_bytes());
        for import in &self.imports {
            write_name(&mut out, &import.name, "import name")?;
            write_signature(&mut out, &import.params, &import.results)?;
            write_abi(&mut out, &import.abi)?;
        }
        let count =
            u32::try_from(self.indirect_calls.len()).map_err(|_| ModuleError::TooLarge("call sites"))?;
        out.extend_from_slice(&count.to_le_bytes());
        for call in &self.indirect_calls {
            let offset = u32::try_from(call.offset).map_err(|_| ModuleError::TooLarge("code offset"))?;
            out.extend_from_slice(&offset.to_le_bytes());
            write_signature(&mut out, &call.params, &call.results)?;
            write_abi(&mut out, &call.abi)?;
        }
        let len = u32::try_from(self.code.len()).map_err(|_| ModuleError::TooLarge("code"))?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&self.code);
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Parse a module file, checking its layout, versions and checksum but
    /// not its bytecode (see [`crate::Module::from_bytes`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<ModuleParts, ModuleError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ModuleError::BadMagic);
        }
        let mut r = Reader { bytes, at: MAGIC.len() };
        let format = r.u32("format version")?;
        if format != MODULE_FORMAT_VERSION {
            return Err(ModuleError::VersionMismatch {
                what: "file format",
                found: format,
                expected: MODULE_FORMAT_VERSION,
            });
        }
        let isa = r.u32("ISA version")?;
        if isa != sheave_opcodes::ISA_VERSION {
            return Err(ModuleError::VersionMismatch {
                what: "instruction set",
                found: isa,
                expected: sheave_opcodes::ISA_VERSION,
            });
        }
        // Check the checksum before trusting any length.
        if bytes.len() < r.at + 8 {
            return Err(ModuleError::Truncated { reading: "checksum" });
        }
        let body_end = bytes.len() - 8;
        let stored = u64::from_le_bytes(
            bytes[body_end..].try_into().map_err(|_| ModuleError::Truncated { reading: "checksum" })?,
        );
        if fnv1a(&bytes[..body_end]) != stored {
            return Err(ModuleError::ChecksumMismatch);
        }
        let mut r = Reader { bytes: &bytes[..body_end], at: r.at };
        let target = ModuleTarget::from_byte(r.take(1, "target")?[0])?;
        let count = r.u32("function count")? as usize;
        let mut functions = Vec::new();
        for _ in 0..count {
            let name = r.name("function name")?;
            let [params, results] = r.signature()?;
            let start = r.u32("function range")? as usize;
            let end = r.u32("function range")? as usize;
            functions.push(ModuleFunction { name, params, results, range: start..end });
        }
        let count = r.u32("import count")? as usize;
        let mut imports = Vec::new();
        for _ in 0..count {
            let name = r.name("import name")?;
            let [params, results] = r.signature()?;
            let abi = ImportAbi { params: r.abi_flags()?, results: r.abi_flags()? };
            imports.push(ModuleImport { name, params, results, abi });
        }
        let count = r.u32("call site count")? as usize;
        let mut indirect_calls = Vec::new();
        for _ in 0..count {
            let offset = r.u32("call site")? as usize;
            let [params, results] = r.signature()?;
            let abi = ImportAbi { params: r.abi_flags()?, results: r.abi_flags()? };
            indirect_calls.push(IndirectCall { offset, params, results, abi });
        }
        let code_len = r.u32("code length")? as usize;
        let code = r.take(code_len, "code")?.to_vec();
        if r.at != r.bytes.len() {
            return Err(ModuleError::Malformed("bytes after the code".into()));
        }
        Ok(ModuleParts { target, code, functions, imports, indirect_calls })
    }
}

/// A name as the file stores it: u16 length, then UTF-8 bytes.
fn write_name(out: &mut Vec<u8>, name: &str, what: &'static str) -> Result<(), ModuleError> {
    let len = u16::try_from(name.len()).map_err(|_| ModuleError::TooLarge(what))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

/// ABI flags of parameters, then of results: each a u8 count, then a flag
/// each (a `sarg` flag followed by its size).
fn write_abi(out: &mut Vec<u8>, abi: &ImportAbi) -> Result<(), ModuleError> {
    for flags in [&abi.params, &abi.results] {
        out.push(u8::try_from(flags.len()).map_err(|_| ModuleError::TooLarge("signature"))?);
        for flag in flags {
            match flag {
                ParamAbi::Plain => out.push(0),
                ParamAbi::Uext => out.push(1),
                ParamAbi::Sext => out.push(2),
                ParamAbi::StructArgument(size) => {
                    out.push(3);
                    out.extend_from_slice(&size.to_le_bytes());
                }
                ParamAbi::StructReturn => out.push(4),
            }
        }
    }
    Ok(())
}

/// Parameter and result types: each a u8 count, then a type byte each.
fn write_signature(
    out: &mut Vec<u8>,
    params: &[ScalarType],
    results: &[ScalarType],
) -> Result<(), ModuleError> {
    for types in [params, results] {
        out.push(u8::try_from(types.len()).map_err(|_| ModuleError::TooLarge("signature"))?);
        out.extend(types.iter().map(|t| t.code()));
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, reading: &'static str) -> Result<&'a [u8], ModuleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(ModuleError::Truncated { reading })?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn name(&mut self, reading: &'static str) -> Result<String, ModuleError> {
        let len = self.u16(reading)? as usize;
        let bytes = self.take(len, reading)?;
        let name = core::str::from_utf8(bytes)
            .map_err(|_| ModuleError::Malformed(alloc::format!("{reading} is not UTF-8")))?;
        Ok(name.into())
    }
    /// Parameter and result types.
    fn signature(&mut self) -> Result<[Vec<ScalarType>; 2], ModuleError> {
        let mut sig = [Vec::new(), Vec::new()];
        for types in &mut sig {
            let n = self.u8("signature")? as usize;
            for &c in self.take(n, "signature")? {
                let ty = ScalarType::from_code(c)
                    .ok_or_else(|| ModuleError::Malformed(alloc::format!("unknown type code {c}")))?;
                types.push(ty);
            }
        }
        Ok(sig)
    }
    /// An import's ABI flags for its parameters or results.
    fn abi_flags(&mut self) -> Result<Vec<ParamAbi>, ModuleError> {
        let n = self.u8("import abi")?;
        (0..n)
            .map(|_| match self.u8("import abi")? {
                0 => Ok(ParamAbi::Plain),
                1 => Ok(ParamAbi::Uext),
                2 => Ok(ParamAbi::Sext),
                3 => Ok(ParamAbi::StructArgument(self.u32("import abi")?)),
                4 => Ok(ParamAbi::StructReturn),
                c => Err(ModuleError::Malformed(alloc::format!("unknown ABI flag {c}"))),
            })
            .collect()
    }
    fn u8(&mut self, reading: &'static str) -> Result<u8, ModuleError> {
        Ok(self.take(1, reading)?[0])
    }
    fn u16(&mut self, reading: &'static str) -> Result<u16, ModuleError> {
        let b = self.take(2, reading)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self, reading: &'static str) -> Result<u32, ModuleError> {
        let b = self.take(4, reading)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
