//! [`Trap`]: why a call into the guest did not return, where, and the
//! guest frames it passed through.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use sheave_interp::{TrapCode, TrapKind};

/// A guest call that did not return normally.
///
/// `Display` gives one line, e.g. `trapped at %div+0x6: int_divz`; the
/// alternate form (`{:#}`) adds the guest backtrace, innermost frame first.
/// Host functions fail with one ([`Trap::new`], [`Trap::raise`]) and the
/// guest that called them traps with it.
#[derive(Clone, PartialEq, Eq)]
pub struct Trap {
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    reason: TrapReason,
    backtrace: Vec<FrameInfo>,
}

/// What stopped the guest.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TrapReason {
    /// The guest trapped (a CLIF trap, a VM fault such as stack overflow, or
    /// a host function's [`Trap::raise`]).
    Guest(TrapKind),
    /// A host function failed with this message.
    Host(String),
    /// The call could not start (its stack arguments do not fit, or the
    /// function belongs to another instance).
    Entry(String),
}

/// One guest frame of a backtrace.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FrameInfo {
    /// The function's name as the module records it (`%fib`), or `None` for
    /// an address outside the module.
    pub function: Option<String>,
    /// Byte offset in the function: of the op that stopped for the
    /// innermost frame, of the return address for its callers (or the raw
    /// address when `function` is `None`).
    pub offset: usize,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.function {
            Some(name) => write!(f, "{name}+{:#x}", self.offset),
            None => write!(f, "<outside the module>@{:#x}", self.offset),
        }
    }
}

impl Trap {
    /// A host function's failure, with a message; the guest that called it
    /// traps with it.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap::with_reason(TrapReason::Host(message.into()))
    }

    /// Make the calling guest trap with CLIF trap code `code` (the `raise`
    /// builtin, from the host): as if the guest had executed `trap code`.
    pub fn raise(code: TrapCode) -> Trap {
        Trap::with_reason(TrapReason::Guest(TrapKind::Explicit(code.0)))
    }

    pub(crate) fn with_reason(reason: TrapReason) -> Trap {
        Trap { inner: Box::new(Inner { reason, backtrace: Vec::new() }) }
    }

    /// A call that could not start (or whose results could not be read).
    pub(crate) fn entry(why: impl fmt::Display) -> Trap {
        Trap::with_reason(TrapReason::Entry(alloc::format!("{why}")))
    }

    pub(crate) fn push_frames(&mut self, frames: impl IntoIterator<Item = FrameInfo>) {
        self.inner.backtrace.extend(frames);
    }

    /// What stopped the guest.
    pub fn reason(&self) -> &TrapReason {
        &self.inner.reason
    }

    /// The CLIF trap code, when the guest trapped with one.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match self.inner.reason {
            TrapReason::Guest(kind) => kind.clif_code(),
            _ => None,
        }
    }

    /// The guest frames, innermost first: where it stopped, then each
    /// caller. Frames of outer entries (host -> guest -> host -> guest)
    /// follow those of the inner one.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.inner.backtrace
    }

    /// The innermost frame's function name, if it is in the module.
    pub fn function(&self) -> Option<&str> {
        self.inner.backtrace.first().and_then(|f| f.function.as_deref())
    }

    /// The innermost frame's offset in its function.
    pub fn offset(&self) -> Option<usize> {
        self.inner.backtrace.first().map(|f| f.offset)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.inner.backtrace.first();
        match (&self.inner.reason, at) {
            (TrapReason::Guest(kind), Some(at)) => match kind.clif_code() {
                Some(code) => write!(f, "trapped at {at}: {code}")?,
                None => write!(f, "trapped at {at}: {kind}")?,
            },
            (TrapReason::Guest(kind), None) => match kind.clif_code() {
                Some(code) => write!(f, "trapped: {code}")?,
                None => write!(f, "trapped: {kind}")?,
            },
            (TrapReason::Host(message), Some(at)) => {
                write!(f, "host function failed, called at {at}: {message}")?
            }
            (TrapReason::Host(message), None) => write!(f, "host function failed: {message}")?,
            (TrapReason::Entry(message), _) => write!(f, "cannot call into the guest: {message}")?,
        }
        if f.alternate() && !self.inner.backtrace.is_empty() {
            f.write_str("\nguest backtrace:")?;
            for (i, frame) in self.inner.backtrace.iter().enumerate() {
                write!(f, "\n  {i}: {frame}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:#}")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Trap {}
