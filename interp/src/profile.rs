//! Op counts for choosing super-instructions: [`Dispatch::Profile`] runs the
//! loop dispatcher and counts every op executed and every pair of ops that
//! ran one straight after the other (the second at the first's next byte,
//! so a pair could be fused into one op).
//!
//! [`Dispatch::Profile`]: crate::Dispatch::Profile

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use sheave_opcodes::{ESCAPE, ExtOpcode, Opcode};

/// An op, hot or extended.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum OpKind {
    /// A one-byte op.
    Hot(Opcode),
    /// An op behind the escape byte.
    Ext(ExtOpcode),
}

impl OpKind {
    /// The op's name in disassembly.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Hot(op) => op.name(),
            OpKind::Ext(op) => op.name(),
        }
    }

    /// Encoded size in bytes, opcode bytes included.
    pub fn size(self) -> usize {
        match self {
            OpKind::Hot(op) => op.size(),
            OpKind::Ext(op) => op.size(),
        }
    }

    /// The op at `pc`, or `None` for a byte that starts no op.
    ///
    /// # Safety
    /// `pc` is the first byte of a verified op.
    pub(crate) unsafe fn at(pc: *const u8) -> Option<OpKind> {
        // SAFETY: a verified op has at least its opcode byte at `pc`.
        let first = unsafe { *pc };
        if first != ESCAPE {
            return Opcode::from_number(first).map(OpKind::Hot);
        }
        // SAFETY: a verified extended op has two opcode bytes after the escape.
        let n = unsafe { u16::from_le_bytes(pc.add(1).cast::<[u8; 2]>().read_unaligned()) };
        ExtOpcode::from_number(n).map(OpKind::Ext)
    }
}

/// How many times each op, and each fusable pair of ops, ran.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct OpProfile {
    ops: BTreeMap<OpKind, u64>,
    pairs: BTreeMap<(OpKind, OpKind), u64>,
}

impl OpProfile {
    /// Count one op; `prev` is the op that ran just before it at the
    /// preceding bytes, if it did.
    pub(crate) fn record(&mut self, prev: Option<OpKind>, op: OpKind) {
        *self.ops.entry(op).or_default() += 1;
        if let Some(prev) = prev {
            *self.pairs.entry((prev, op)).or_default() += 1;
        }
    }

    /// Ops executed in all.
    pub fn total(&self) -> u64 {
        self.ops.values().sum()
    }

    /// Every op that ran and how often, most frequent first.
    pub fn ops(&self) -> Vec<(OpKind, u64)> {
        let mut v: Vec<_> = self.ops.iter().map(|(&k, &n)| (k, n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Every pair `(first, second)` where `second` ran straight after
    /// `first` at `first`'s next byte, most frequent first.
    pub fn pairs(&self) -> Vec<((OpKind, OpKind), u64)> {
        let mut v: Vec<_> = self.pairs.iter().map(|(&k, &n)| (k, n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// Forget every count.
    pub fn clear(&mut self) {
        self.ops.clear();
        self.pairs.clear();
    }
}
