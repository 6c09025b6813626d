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
    /// Checked mode: an indirect call to an address that does not start a
    /// function, or a return to one that does not follow a call.
    BadCallTarget,
    /// The fuel given with `Vm::set_fuel` ran out.
    OutOfFuel,
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
            TrapKind::BadCallTarget => {
                f.write_str("call or return to an address that is not a function start or a return site")
            }
            TrapKind::OutOfFuel => f.write_str("out of fuel"),
        }
    }
}

/// A CLIF trap code, numbered and printed as Cranelift does: user codes
/// `user1`..`user250`, and the reserved codes `stk_ovf`, `int_ovf`,
/// `heap_oob`, `int_divz` and `bad_toint` (251..=255).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct TrapCode(pub u8);

impl TrapCode {
    /// `stk_ovf`
    pub const STACK_OVERFLOW: TrapCode = TrapCode(251);
    /// `int_ovf`
    pub const INTEGER_OVERFLOW: TrapCode = TrapCode(252);
    /// `heap_oob`
    pub const HEAP_OUT_OF_BOUNDS: TrapCode = TrapCode(253);
    /// `int_divz`
    pub const INTEGER_DIVISION_BY_ZERO: TrapCode = TrapCode(254);
    /// `bad_toint`
    pub const BAD_CONVERSION_TO_INTEGER: TrapCode = TrapCode(255);
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TrapCode::STACK_OVERFLOW => f.write_str("stk_ovf"),
            TrapCode::INTEGER_OVERFLOW => f.write_str("int_ovf"),
            TrapCode::HEAP_OUT_OF_BOUNDS => f.write_str("heap_oob"),
            TrapCode::INTEGER_DIVISION_BY_ZERO => f.write_str("int_divz"),
            TrapCode::BAD_CONVERSION_TO_INTEGER => f.write_str("bad_toint"),
            TrapCode(n) => write!(f, "user{n}"),
        }
    }
}

impl TrapKind {
    /// The CLIF trap code this trap stands for: the VM's own kinds map to
    /// Cranelift's reserved codes, explicit traps carry theirs. `None` for
    /// a trap no CLIF code describes (an invalid opcode, or code 0).
    pub fn clif_code(self) -> Option<TrapCode> {
        Some(match self {
            TrapKind::IntegerOverflow => TrapCode::INTEGER_OVERFLOW,
            TrapKind::DivisionByZero => TrapCode::INTEGER_DIVISION_BY_ZERO,
            TrapKind::BadConversionToInteger => TrapCode::BAD_CONVERSION_TO_INTEGER,
            TrapKind::MemoryOutOfBounds | TrapKind::BadCallTarget => TrapCode::HEAP_OUT_OF_BOUNDS,
            TrapKind::StackOverflow => TrapCode::STACK_OVERFLOW,
            TrapKind::Explicit(0) | TrapKind::InvalidOpcode | TrapKind::OutOfFuel => return None,
            TrapKind::Explicit(raw) => TrapCode(raw),
        })
    }
}
