//! Why a function could not be compiled.

use std::fmt;

/// A compile error: which function, and why (naming the instruction when
/// one is at fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The function's name as CLIF prints it.
    pub function: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot compile {}: {}", self.function, self.message)
    }
}

impl std::error::Error for CompileError {}

/// An error inside lowering, before the function name is attached.
pub(crate) type LowerResult<T> = Result<T, String>;
