//! Memory for the guest stack: the VM's own, or a region the embedder
//! provides (e.g. one mapped below 4 GiB, so that bytecode compiled for
//! 32-bit pointers can address its stack slots on a 64-bit host).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ptr::NonNull;

/// A region the VM uses as its guest stack.
///
/// # Safety
///
/// The first call of [`StackMemory::region`] gives the region, and it must
/// stay valid for reads and writes, and be used by nothing else, until the
/// value is dropped: the VM keeps its address in registers and guest code
/// writes through it between calls. (The VM never moves the value after
/// that call, and never calls `region` again.)
pub unsafe trait StackMemory {
    /// The region, as 16-byte words.
    fn region(&mut self) -> &mut [u128];
}

// SAFETY: a `Vec`'s buffer is its own allocation, valid until the `Vec`
// drops, and the VM never grows or shrinks it.
unsafe impl StackMemory for Vec<u128> {
    fn region(&mut self) -> &mut [u128] {
        self
    }
}

// SAFETY: a `Box<[u128]>`'s buffer is its own allocation, valid until drop.
unsafe impl StackMemory for Box<[u128]> {
    fn region(&mut self) -> &mut [u128] {
        self
    }
}

/// The stack a `Vm` owns.
pub(crate) struct GuestStack {
    /// Owns the region. Held as a raw pointer (from `Box::into_raw`), so
    /// that reaching the region through `lo` never conflicts with a live
    /// `Box` (the region may lie inside the value itself).
    memory: NonNull<dyn StackMemory>,
    /// The region's 16-byte-aligned start and its size in bytes from there.
    lo: *mut u8,
    bytes: usize,
}

impl GuestStack {
    pub(crate) fn new(memory: Box<dyn StackMemory>) -> GuestStack {
        let memory = NonNull::from(Box::leak(memory));
        // SAFETY: `memory` came from a `Box` just leaked, so it is valid and
        // unique; the borrow ends before anything else reaches it.
        let region = unsafe { (*memory.as_ptr()).region() };
        let (start, len) = (region.as_mut_ptr().cast::<u8>(), region.len() * 16);
        // `u128` is only 8-byte aligned on some hosts: start at the first
        // 16-byte boundary, as `sp` must stay 16-byte aligned.
        let skip = start.align_offset(16).min(len);
        // SAFETY: `skip <= len`, so the pointer stays inside the region.
        let lo = unsafe { start.add(skip) };
        GuestStack { memory, lo, bytes: (len - skip) & !15 }
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
        // SAFETY: `StackMemory`'s contract keeps the region valid and used by
        // nothing else while `memory` lives; `lo..lo + bytes` lies inside it,
        // and `u8` has no alignment need.
        unsafe { core::slice::from_raw_parts(self.lo, self.bytes) }
    }

    /// The stack as bytes, mutably.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.lo, self.bytes) }
    }
}

impl Drop for GuestStack {
    fn drop(&mut self) {
        // SAFETY: `memory` came from `Box::leak` in `new` and is dropped once.
        drop(unsafe { Box::from_raw(self.memory.as_ptr()) });
    }
}
