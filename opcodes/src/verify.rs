//! Structural verification of bytecode, run before anything executes it.
//!
//! The interpreter decodes operands without bounds checks and trusts branch
//! targets, so everything it relies on is checked here: each function's
//! bytes decode into whole ops with valid operands, every branch lands on an
//! op boundary inside its own function, every pc-relative call lands on the
//! start of a function, each jump table (`br_table32`,
//! `br_table32_xload8_u_ix`) is followed by its jumps, and no function can
//! run off its end.

use crate::{DecodeErrorKind, Op};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

/// A verification failure: where, and what.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifyError {
    /// Offset in the code buffer of the offending op (or function start).
    pub offset: usize,
    /// What is wrong.
    pub kind: VerifyErrorKind,
}

/// What [`verify`] found wrong.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VerifyErrorKind {
    /// A function range is empty, reversed, or outside the code.
    BadFunctionRange {
        /// The range given.
        range: Range<usize>,
        /// Length of the code buffer.
        code_len: usize,
    },
    /// Two function ranges overlap.
    OverlappingFunctions,
    /// An op failed to decode.
    Decode(DecodeErrorKind),
    /// A branch goes outside its function or into the middle of an op.
    BadBranchTarget {
        /// The op.
        op: &'static str,
        /// Where it would go (may be negative or past the end).
        target: i64,
    },
    /// A pc-relative call does not land on the start of a function.
    BadCallTarget {
        /// The op.
        op: &'static str,
        /// Where it would go.
        target: i64,
    },
    /// A jump table op with no entries, or not followed by its `len` jumps.
    BadJumpTable {
        /// Entries the table declares.
        len: u32,
    },
    /// A `push_frame_save`/`pop_frame_restore` whose frame cannot hold the
    /// registers it saves.
    FrameTooSmall {
        /// Bytes reserved.
        amt: u16,
        /// Registers saved (8 bytes each).
        saved: u32,
    },
    /// The last op of a function can fall through past its end.
    FallsOffEnd {
        /// The last op.
        op: &'static str,
    },
}

impl fmt::Display for VerifyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyErrorKind::BadFunctionRange { range, code_len } => write!(
                f,
                "function range {:#x}..{:#x} is empty or outside the code ({code_len:#x} bytes)",
                range.start, range.end
            ),
            VerifyErrorKind::OverlappingFunctions => f.write_str("function overlaps the previous one"),
            VerifyErrorKind::Decode(kind) => kind.fmt(f),
            VerifyErrorKind::BadBranchTarget { op, target } => write!(
                f,
                "`{op}` branches to {target:#x}, which is not the start of an op in the same function"
            ),
            VerifyErrorKind::BadCallTarget { op, target } => {
                write!(f, "`{op}` calls {target:#x}, which is not the start of a function")
            }
            VerifyErrorKind::BadJumpTable { len } => write!(
                f,
                "a jump table with {len} entries must have at least one and be followed by that many `jump` ops"
            ),
            VerifyErrorKind::FrameTooSmall { amt, saved } => {
                write!(f, "frame of {amt} bytes cannot hold the {saved} registers it saves (8 bytes each)")
            }
            VerifyErrorKind::FallsOffEnd { op } => {
                write!(f, "function ends with `{op}`, which can continue past its end")
            }
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bytecode offset {:#x}: {}", self.offset, self.kind)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

/// Verify the functions at `functions` (byte ranges of `code`).
///
/// Code outside every range is never checked, so it must never be reached:
/// the verifier guarantees that control flow starting at a function start
/// stays inside verified functions (calls through registers are checked by
/// whoever produces their targets).
pub fn verify(code: &[u8], functions: &[Range<usize>]) -> Result<(), VerifyError> {
    let mut sorted: Vec<Range<usize>> = functions.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut previous_end = 0;
    for range in &sorted {
        if range.start >= range.end || range.end > code.len() {
            return Err(VerifyError {
                offset: range.start,
                kind: VerifyErrorKind::BadFunctionRange { range: range.clone(), code_len: code.len() },
            });
        }
        if range.start < previous_end {
            return Err(VerifyError { offset: range.start, kind: VerifyErrorKind::OverlappingFunctions });
        }
        previous_end = range.end;
    }
    let is_function_start = |target: i64| sorted.binary_search_by_key(&target, |r| r.start as i64).is_ok();
    for range in &sorted {
        verify_function(code, range.clone(), &is_function_start)?;
    }
    Ok(())
}

fn verify_function(
    code: &[u8],
    range: Range<usize>,
    is_function_start: &dyn Fn(i64) -> bool,
) -> Result<(), VerifyError> {
    let body = &code[range.clone()];
    // Which bytes start an op, and the branches to check once all are known.
    let mut op_start = vec![false; body.len()];
    let mut branches: Vec<(usize, &'static str, i64)> = Vec::new();
    let mut at = 0;
    let mut last: Option<Op> = None;
    // `jump`s still owed to the last jump table op.
    let mut table_jumps_left = 0u32;
    while at < body.len() {
        let offset = range.start + at;
        let fail = |kind| VerifyError { offset, kind };
        let (op, size) = Op::decode(&body[at..]).map_err(|k| fail(VerifyErrorKind::Decode(k)))?;
        op_start[at] = true;
        if table_jumps_left > 0 {
            if !matches!(op, Op::Jump(_)) {
                return Err(VerifyError {
                    offset,
                    kind: VerifyErrorKind::BadJumpTable { len: table_jumps_left },
                });
            }
            table_jumps_left -= 1;
        }
        let table_len = match op {
            Op::BrTable32(t) => Some(t.len),
            Op::BrTable32Xload8UIx(t) => Some(t.len),
            _ => None,
        };
        if let Some(len) = table_len {
            if len == 0 {
                return Err(fail(VerifyErrorKind::BadJumpTable { len: 0 }));
            }
            table_jumps_left = len;
        }
        let frame = match op {
            Op::PushFrameSave(crate::ops::PushFrameSave { amt, regs })
            | Op::PopFrameRestore(crate::ops::PopFrameRestore { amt, regs }) => Some((amt, regs)),
            Op::PushFrameSaveX(crate::ops::PushFrameSaveX { amt, regs })
            | Op::PopFrameRestoreX(crate::ops::PopFrameRestoreX { amt, regs }) => Some((amt, regs.to_mask())),
            _ => None,
        };
        if let Some((amt, regs)) = frame
            && (amt as u64) < 8 * regs.count() as u64
        {
            return Err(fail(VerifyErrorKind::FrameTooSmall { amt, saved: regs.count() }));
        }
        if let Some(rel) = op.pc_rel() {
            let target = offset as i64 + rel.0 as i64;
            match op {
                Op::Call(_)
                | Op::Call1(_)
                | Op::Call2(_)
                | Op::Call3(_)
                | Op::ReturnCall(_)
                | Op::Xpcadd(_) => {
                    if !is_function_start(target) {
                        return Err(fail(VerifyErrorKind::BadCallTarget { op: op.name(), target }));
                    }
                }
                _ => branches.push((offset, op.name(), target)),
            }
        }
        last = Some(op);
        at += size;
    }
    if table_jumps_left > 0 {
        return Err(VerifyError {
            offset: range.end,
            kind: VerifyErrorKind::BadJumpTable { len: table_jumps_left },
        });
    }
    // The loop ran at least once: ranges are non-empty.
    if let Some(op) = last {
        let ends_flow = matches!(
            op,
            Op::Ret(_)
                | Op::Jump(_)
                | Op::Xadd64I8Jump(_)
                | Op::Xadd32I8Jump(_)
                | Op::XmovJump(_)
                | Op::ReturnCall(_)
                | Op::ReturnCallIndirect(_)
                | Op::ReturnCallIndirectF(_)
                | Op::Trap(_)
        );
        if !ends_flow {
            let offset = range.start + at - op.size();
            return Err(VerifyError { offset, kind: VerifyErrorKind::FallsOffEnd { op: op.name() } });
        }
    }
    for (offset, op, target) in branches {
        let inside = target >= range.start as i64 && target < range.end as i64;
        if !inside || !op_start[(target - range.start as i64) as usize] {
            return Err(VerifyError { offset, kind: VerifyErrorKind::BadBranchTarget { op, target } });
        }
    }
    Ok(())
}
