//! [`Error`]: everything the embedding API refuses, as a value.

use crate::trap::Trap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use sheave_format::{ModuleError, ModuleTarget};
use sheave_interp::ValType;

/// A signature as text: `(i32, i64) -> f64`.
pub(crate) fn signature(params: &[ValType], results: &[ValType]) -> String {
    let list = |types: &[ValType]| types.iter().map(|t| alloc::format!("{t}")).collect::<Vec<_>>().join(", ");
    match results {
        [] => alloc::format!("({})", list(params)),
        [one] => alloc::format!("({}) -> {one}", list(params)),
        more => alloc::format!("({}) -> ({})", list(params), list(more)),
    }
}

/// Why the embedding API refused a request.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The module has no function of that name.
    FunctionNotFound(String),
    /// A typed function was asked for with the wrong signature.
    SignatureMismatch {
        /// The function.
        function: String,
        /// Its signature.
        actual: String,
        /// The signature asked for.
        requested: String,
    },
    /// A call with the wrong number of arguments or result slots.
    ArityMismatch {
        /// The function.
        function: String,
        /// "arguments" or "results".
        what: &'static str,
        /// How many it has.
        expected: usize,
        /// How many were given.
        given: usize,
    },
    /// A call with an argument of the wrong type.
    ArgumentType {
        /// The function.
        function: String,
        /// Which argument (from 0).
        index: usize,
        /// Its type.
        expected: ValType,
        /// The type given.
        given: ValType,
    },
    /// A host function returned a result of the wrong type.
    ResultType {
        /// The host function.
        function: String,
        /// Which result (from 0).
        index: usize,
        /// Its declared type.
        expected: ValType,
        /// The type it returned.
        given: ValType,
    },
    /// The function's signature uses a type the embedding API cannot pass
    /// (i8, i16, i128, f16, f128, vectors), or more values than registers.
    UnsupportedSignature {
        /// The function or import.
        function: String,
        /// Why.
        reason: String,
    },
    /// The module imports a host function the linker does not define.
    UnresolvedImport {
        /// The import's name.
        name: String,
        /// Its signature.
        signature: String,
    },
    /// The linker's function for an import has another signature.
    ImportTypeMismatch {
        /// The import's name.
        name: String,
        /// The signature the module expects.
        expected: String,
        /// The linker's function's signature.
        defined: String,
    },
    /// The linker already defines a function of that name.
    DuplicateDefinition(String),
    /// A [`crate::Func`] or [`crate::TypedFunc`] used with an instance
    /// other than the one it came from.
    ForeignFunction(String),
    /// A module was refused (when loading or verifying it).
    Module(ModuleError),
    /// An access to a [`crate::HostBuffer`] outside its bytes.
    OutOfBounds {
        /// First byte of the access.
        offset: usize,
        /// Its length.
        len: usize,
        /// The buffer's size.
        size: usize,
    },
    /// The guest trapped.
    Trap(Trap),
    /// A [`crate::HostBuffer`] of that many bytes cannot exist.
    BufferTooLarge(usize),
    /// This process has made as many instances as instance ids can count.
    TooManyInstances,
    /// An import could not be bound to a native (C) function: no symbol of
    /// its name, or a signature C or libffi cannot express.
    NativeImport {
        /// The import's name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A native library could not be opened.
    NativeLibrary {
        /// Its path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A guest function cannot become a C function pointer.
    NativeCallback {
        /// The function.
        function: String,
        /// Why.
        reason: String,
    },
    /// The module was compiled for pointers too narrow to address the
    /// instance's VM stack (32-bit pointers, a stack above 4 GiB).
    StackOutOfReach {
        /// The module's target.
        target: ModuleTarget,
        /// The address just past the stack.
        stack_end: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::FunctionNotFound(name) => write!(f, "the module has no function named `{name}`"),
            Error::SignatureMismatch { function, actual, requested } => {
                write!(f, "`{function}` has signature {actual}, not the requested {requested}")
            }
            Error::ArityMismatch { function, what, expected, given } => {
                write!(f, "`{function}` has {expected} {what}, but {given} were given")
            }
            Error::ArgumentType { function, index, expected, given } => {
                write!(f, "argument {index} of `{function}` must be {expected}, not {given}")
            }
            Error::ResultType { function, index, expected, given } => {
                write!(
                    f,
                    "host function `{function}` returned {given} as result {index}, declared {expected}"
                )
            }
            Error::UnsupportedSignature { function, reason } => write!(f, "`{function}`: {reason}"),
            Error::UnresolvedImport { name, signature } => {
                write!(
                    f,
                    "unresolved import: the module needs host function `{name}` {signature}, which the linker does not define"
                )
            }
            Error::ImportTypeMismatch { name, expected, defined } => write!(
                f,
                "import `{name}`: the module expects signature {expected}, the linker defines {defined}"
            ),
            Error::DuplicateDefinition(name) => write!(f, "the linker already defines `{name}`"),
            Error::ForeignFunction(name) => {
                write!(f, "`{name}` belongs to another instance; look it up in the instance you call")
            }
            Error::Module(e) => e.fmt(f),
            Error::OutOfBounds { offset, len, size } => {
                write!(f, "access of {len} bytes at offset {offset} is outside the buffer's {size} bytes")
            }
            Error::Trap(trap) => trap.fmt(f),
            Error::BufferTooLarge(len) => write!(f, "a buffer of {len} bytes is larger than memory can be"),
            Error::TooManyInstances => f.write_str("instance ids are exhausted"),
            Error::NativeImport { name, reason } => {
                write!(f, "cannot bind import `{name}` to a native function: {reason}")
            }
            Error::NativeLibrary { path, reason } => write!(f, "cannot open native library {path}: {reason}"),
            Error::NativeCallback { function, reason } => {
                write!(f, "cannot make `{function}` a native callback: {reason}")
            }
            Error::StackOutOfReach { target, stack_end } => write!(
                f,
                "the module was compiled for a {target} target, whose pointers cannot reach a VM stack ending at {stack_end:#x}: give the instance a stack below 4 GiB (Vm::with_stack_memory)"
            ),
        }
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Error {
        Error::Trap(trap)
    }
}

impl From<ModuleError> for Error {
    fn from(e: ModuleError) -> Error {
        Error::Module(e)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // `Module` and `Trap` are transparent: their `Display` is the
        // inner error's, so the chain goes on from the inner one's source.
        match self {
            Error::Module(e) => std::error::Error::source(e),
            Error::Trap(trap) => std::error::Error::source(trap),
            _ => None,
        }
    }
}
