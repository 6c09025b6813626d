//! Memory for the guest stack: the VM's own, or a region the embedder
//! provides (e.g. one mapped below 4 GiB, so that bytecode compiled for
//! 32-bit pointers can address its stack slots on a 64-bit host).

use alloc::boxed::Box;
use alloc::vec::Vec;

/// A region the VM uses as its guest stack.
///
/// # Safety
///
/// [`StackMemory::region`] must return the same region every time it is
/// called, and that region must stay valid for reads and writes, and be
/// used by nothing else, until the value is dropped: the VM keeps its
/// address in registers and guest code writes through it between calls.
pub unsafe trait StackMemory {
    /// The region, as 16-byte-aligned words.
    fn region(&mut self) -> &mut [u128];
}

// SAFETY: a `Vec`'s buffer does not move when the `Vec` does, and the VM
// never grows or shrinks it, so every call returns the same region.
unsafe impl StackMemory for Vec<u128> {
    fn region(&mut self) -> &mut [u128] {
        self
    }
}

// SAFETY: a `Box<[u128]>` owns its buffer, which does not move with the box.
unsafe impl StackMemory for Box<[u128]> {
    fn region(&mut self) -> &mut [u128] {
        self
    }
}

/// The stack a `Vm` owns.
pub(crate) struct GuestStack {
    /// Owns the region; only kept alive, it is reached through `lo`.
    _memory: Box<dyn StackMemory>,
    /// The region's start and size in bytes, read once.
    lo: *mut u8,
    bytes: usize,
}

impl GuestStack {
    pub(crate) fn new(mut memory: Box<dyn StackMemory>) -> GuestStack {
        let region = memory.region();
        let bytes = region.len() * 16;
        let lo = region.as_mut_ptr().cast::<u8>();
        GuestStack { _memory: memory, lo, bytes }
    }

    /// Address of the lowest byte.
    pub(crate) fn lo(&self) -> usize {
        self.lo.expose_provenance()
    }

    /// Size in bytes.
    pub(crate) fn len(&self) -> usize {
        self.bytes
    }

    /// The stack as bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `StackMemory`'s contract keeps the region valid and
        // unmoved while `memory` lives, and `u8` has no alignment need.
        unsafe { core::slice::from_raw_parts(self.lo, self.bytes) }
    }

    /// The stack as bytes, mutably.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.lo, self.bytes) }
    }
}
