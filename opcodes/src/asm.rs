//! A small assembler: ops appended in order, branches to labels patched
//! once the labels are bound. Used by the code generator's emission phase,
//! by tests and by hand-written bytecode.

use crate::{Op, PcRel};
use alloc::vec::Vec;
use core::fmt;

/// A position in the code, bound with [`Assembler::bind`].
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Label(usize);

/// Builds bytecode with forward and backward branches.
#[derive(Default)]
pub struct Assembler {
    code: Vec<u8>,
    labels: Vec<Option<usize>>,
    /// (op start, op end, label): the op's displacement is its last 4 bytes.
    fixups: Vec<(usize, usize, Label)>,
}

/// [`Assembler::finish`] found a label used but never bound, or an op
/// passed to [`Assembler::branch`] without a displacement.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AsmError {
    /// A label was branched to but never bound.
    UnboundLabel(usize),
    /// The op has no branch displacement.
    NotABranch(&'static str),
    /// The displacement does not fit in 32 bits.
    OutOfRange,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsmError::UnboundLabel(l) => write!(f, "label {l} is used but never bound"),
            AsmError::NotABranch(op) => write!(f, "`{op}` has no branch displacement to patch"),
            AsmError::OutOfRange => f.write_str("branch displacement does not fit in 32 bits"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for AsmError {}

impl Assembler {
    /// An empty assembler.
    pub fn new() -> Self {
        Self::default()
    }
    /// A fresh, unbound label.
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }
    /// Bind `label` to the current position.
    pub fn bind(&mut self, label: Label) {
        self.labels[label.0] = Some(self.code.len());
    }
    /// Current position (offset of the next op).
    pub fn offset(&self) -> usize {
        self.code.len()
    }
    /// Append an op.
    pub fn op(&mut self, op: impl Into<Op>) -> &mut Self {
        op.into().encode(&mut self.code);
        self
    }
    /// Append an op whose displacement (its `PcRel` operand, the last
    /// operand of every branch and call) will point at `target`.
    pub fn branch(&mut self, op: impl Into<Op>, target: Label) -> Result<&mut Self, AsmError> {
        let op = op.into();
        if op.pc_rel().is_none() {
            return Err(AsmError::NotABranch(op.name()));
        }
        let start = self.code.len();
        op.encode(&mut self.code);
        self.fixups.push((start, self.code.len(), target));
        Ok(self)
    }
    /// Patch every branch and return the code.
    pub fn finish(mut self) -> Result<Vec<u8>, AsmError> {
        for &(start, end, label) in &self.fixups {
            let target = self.labels[label.0].ok_or(AsmError::UnboundLabel(label.0))?;
            let rel = i32::try_from(target as i64 - start as i64).map_err(|_| AsmError::OutOfRange)?;
            self.code[end - 4..end].copy_from_slice(&PcRel(rel).0.to_le_bytes());
        }
        Ok(self.code)
    }
}
