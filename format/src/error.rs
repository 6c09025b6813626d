//! Why a module was refused.

use alloc::string::String;
use core::fmt;

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
