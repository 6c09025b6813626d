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
//! code         u32 length + bytes
//! checksum     u64      FNV-1a of every byte before it
//! ```
//! Loading checks every length and offset, the versions and the checksum,
//! then runs the bytecode verifier and checks that every host call names a
//! builtin or one of the module's imports: a truncated, corrupted or
//! version-mismatched file is an error, never a crash.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

const MAGIC: &[u8; 8] = b"\0sheave\n";
/// Version of the file layout above.
pub const MODULE_FORMAT_VERSION: u32 = 3;

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
    fn code(self) -> u8 {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0) as u8
    }
    fn from_code(c: u8) -> Option<ScalarType> {
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

/// A function of a module.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModuleFunction {
    /// Its name (as CLIF prints it, e.g. `%fib`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
    /// Its bytes within [`Module::code`].
    pub range: Range<usize>,
}

/// A host function a module needs, bound by name when it is instantiated.
/// Its code calls it with `call_indirect_host` id
/// [`sheave_opcodes::HOST_FUNC_BASE`] + its index in [`Module::imports`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModuleImport {
    /// Its name (as CLIF prints it, e.g. `%log_i64` or `u0:3`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
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
    fn to_byte(self) -> u8 {
        u8::from(self.pointer_bits == 32) | u8::from(self.big_endian) << 1
    }

    fn from_byte(b: u8) -> Result<ModuleTarget, ModuleError> {
        if b & !3 != 0 {
            return Err(ModuleError::Malformed(alloc::format!("unknown target bits {b:#04x}")));
        }
        Ok(ModuleTarget { pointer_bits: if b & 1 != 0 { 32 } else { 64 }, big_endian: b & 2 != 0 })
    }

    fn check(self) -> Result<(), ModuleError> {
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

/// Bytecode and the functions in it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Module {
    /// What it was compiled for.
    pub target: ModuleTarget,
    /// All functions' bytecode, one after another.
    pub code: Vec<u8>,
    /// The functions.
    pub functions: Vec<ModuleFunction>,
    /// The host functions it calls.
    pub imports: Vec<ModuleImport>,
}

/// Why a module file was refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ModuleError {
    /// Not a Sheave module.
    BadMagic,
    /// Written for another file format or instruction set.
    VersionMismatch {
        /// "file format" or "instruction set".
        what: &'static str,
        /// The file's version.
        found: u32,
        /// This build's.
        expected: u32,
    },
    /// The file ends early.
    Truncated {
        /// What was being read.
        reading: &'static str,
    },
    /// The checksum does not match: the file was changed or damaged.
    ChecksumMismatch,
    /// A field holds an impossible value.
    Malformed(String),
    /// The bytecode failed verification.
    Verify(sheave_opcodes::VerifyError),
    /// The module cannot be written (a field exceeds the format's limits).
    TooLarge(&'static str),
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleError::BadMagic => f.write_str("not a Sheave module (bad magic bytes)"),
            ModuleError::VersionMismatch { what, found, expected } => {
                write!(f, "module built for {what} version {found}; this build reads version {expected}")
            }
            ModuleError::Truncated { reading } => write!(f, "module file ends early (reading {reading})"),
            ModuleError::ChecksumMismatch => f.write_str("module checksum mismatch: the file is corrupted"),
            ModuleError::Malformed(m) => write!(f, "malformed module: {m}"),
            ModuleError::Verify(e) => write!(f, "module bytecode fails verification: {e}"),
            ModuleError::TooLarge(what) => write!(f, "module too large to write: {what}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ModuleError {}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

impl Module {
    /// Check the target and the functions' ranges, verify the bytecode, and check that
    /// every host call names a builtin or one of [`Module::imports`].
    pub fn validate(&self) -> Result<(), ModuleError> {
        self.target.check()?;
        let ranges: Vec<Range<usize>> = self.functions.iter().map(|f| f.range.clone()).collect();
        sheave_opcodes::verify(&self.code, &ranges).map_err(ModuleError::Verify)?;
        for f in &self.functions {
            // Verified: every op of the range decodes.
            let ops = sheave_opcodes::decode_all(&self.code[f.range.clone()])
                .map_err(|e| ModuleError::Malformed(alloc::format!("{}: {e}", f.name)))?;
            for (offset, op) in ops {
                let sheave_opcodes::Op::CallIndirectHost(call) = op else { continue };
                let known = sheave_opcodes::Builtin::from_id(call.id).is_some()
                    || self.import_index(call.id).is_some();
                if !known {
                    return Err(ModuleError::Malformed(alloc::format!(
                        "{}+{offset:#x} calls host function {}, which is neither a builtin nor one of the module's {} imports",
                        f.name,
                        call.id,
                        self.imports.len()
                    )));
                }
            }
        }
        Ok(())
    }

    /// The index in [`Module::imports`] of the import that host-call `id`
    /// names (`HOST_FUNC_BASE` + index), if it names one.
    pub fn import_index(&self, id: u16) -> Option<usize> {
        id.checked_sub(sheave_opcodes::HOST_FUNC_BASE).map(usize::from).filter(|&k| k < self.imports.len())
    }

    /// The function named `name`; a leading `%` may be left out.
    pub fn function(&self, name: &str) -> Option<&ModuleFunction> {
        self.function_index(name).map(|i| &self.functions[i])
    }

    /// The index of the function named `name`; a leading `%` may be left out.
    pub fn function_index(&self, name: &str) -> Option<usize> {
        let bare = |n: &str| n.strip_prefix('%').map(String::from).unwrap_or_else(|| n.into());
        let wanted = bare(name);
        self.functions
            .iter()
            .position(|f| f.name == name)
            .or_else(|| self.functions.iter().position(|f| bare(&f.name) == wanted))
    }

    /// The function whose code holds byte `offset`, and its index.
    pub fn function_at(&self, offset: usize) -> Option<(usize, &ModuleFunction)> {
        self.functions.iter().enumerate().find(|(_, f)| f.range.contains(&offset))
    }

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
        }
        let len = u32::try_from(self.code.len()).map_err(|_| ModuleError::TooLarge("code"))?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&self.code);
        let sum = fnv1a(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Parse and validate a module file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Module, ModuleError> {
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
            imports.push(ModuleImport { name, params, results });
        }
        let code_len = r.u32("code length")? as usize;
        let code = r.take(code_len, "code")?.to_vec();
        if r.at != r.bytes.len() {
            return Err(ModuleError::Malformed("bytes after the code".into()));
        }
        let module = Module { target, code, functions, imports };
        module.validate()?;
        Ok(module)
    }
}

/// A name as the file stores it: u16 length, then UTF-8 bytes.
fn write_name(out: &mut Vec<u8>, name: &str, what: &'static str) -> Result<(), ModuleError> {
    let len = u16::try_from(name.len()).map_err(|_| ModuleError::TooLarge(what))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
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
