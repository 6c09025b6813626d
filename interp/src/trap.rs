//! Why guest code stopped abnormally.

use core::fmt;

/// The kind of a trap, decoded from what went wrong.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum TrapKind {
    /// Signed division overflow, overflow-checked arithmetic, or a float
    /// out of range of the integer type it converts to.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    DivisionByZero,
    /// A NaN converted to an integer.
    BadConversionToInteger,
    /// A `bounds_check` failed.
    MemoryOutOfBounds,
    /// The guest needed more stack than the [`crate::Vm`] has.
    StackOverflow,
    /// A `trap` or conditional trap op, with its code.
    Explicit(u8),
    /// An opcode with no op. Verified bytecode never reaches this.
    InvalidOpcode,
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::IntegerOverflow => f.write_str("integer overflow"),
            TrapKind::DivisionByZero => f.write_str("integer division by zero"),
            TrapKind::BadConversionToInteger => f.write_str("invalid conversion to integer"),
            TrapKind::MemoryOutOfBounds => f.write_str("out of bounds memory access"),
            TrapKind::StackOverflow => f.write_str("stack overflow"),
            TrapKind::Explicit(code) => write!(f, "trap with code {code}"),
            TrapKind::InvalidOpcode => f.write_str("invalid opcode (unverified bytecode)"),
        }
    }
}
