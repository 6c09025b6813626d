//! [`HostBuffer`]: memory the embedder owns and hands to guest code by
//! address.

use crate::error::Error;
use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use core::ptr::NonNull;

/// A zeroed, 16-byte-aligned block of host memory whose address guest code
/// may use (pass [`HostBuffer::addr`] as a pointer argument or as the
/// `vmctx` of a function that reads its context through `global_value`s).
///
/// The host reads and writes it by copying ([`HostBuffer::read`],
/// [`HostBuffer::write`] and the typed helpers), never through long-lived
/// references, so the guest writing it between host accesses is sound.
/// The typed helpers use the host's byte order: what guest loads and
/// stores without an explicit byte order use when the module was compiled
/// for this host's endianness (`sheave_codegen::Target`).
///
/// ```
/// let mut buf = sheave_embed::HostBuffer::new(64)?;
/// buf.write_u32(4, 7)?;
/// assert_eq!(buf.read_u32(4)?, 7);
/// assert!(buf.read_u32(62).is_err()); // past the end: an error, not a panic
/// let address: u64 = buf.addr(); // for the guest
/// # let _ = address;
/// # Ok::<(), sheave_embed::Error>(())
/// ```
pub struct HostBuffer {
    ptr: NonNull<u8>,
    len: usize,
    layout: Layout,
}

// SAFETY: a `HostBuffer` owns its memory, like a `Vec<u8>`; moving it to
// another thread moves that ownership.
unsafe impl Send for HostBuffer {}

macro_rules! typed_access {
    ($($read:ident $write:ident: $t:ty;)*) => {$(
        #[doc = concat!("Read a `", stringify!($t), "` at byte `offset`.")]
        pub fn $read(&self, offset: usize) -> Result<$t, Error> {
            let mut bytes = [0u8; core::mem::size_of::<$t>()];
            self.read(offset, &mut bytes)?;
            Ok(<$t>::from_ne_bytes(bytes))
        }
        #[doc = concat!("Write a `", stringify!($t), "` at byte `offset`.")]
        pub fn $write(&mut self, offset: usize, value: $t) -> Result<(), Error> {
            self.write(offset, &value.to_ne_bytes())
        }
    )*};
}

impl HostBuffer {
    /// `len` zeroed bytes; an error if no allocation can be that large
    /// (running out of memory aborts, as for a `Vec`).
    pub fn new(len: usize) -> Result<HostBuffer, Error> {
        // At least one byte: a zero-sized allocation is not allowed.
        let layout = Layout::from_size_align(len.max(1), 16).map_err(|_| Error::BufferTooLarge(len))?;
        // SAFETY: `layout` has a non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(ptr) else { alloc::alloc::handle_alloc_error(layout) };
        // Guest code reaches the buffer through its integer address.
        let _ = ptr.as_ptr().expose_provenance();
        Ok(HostBuffer { ptr, len, layout })
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its address, as guest code uses it.
    pub fn addr(&self) -> u64 {
        self.ptr.as_ptr().addr() as u64
    }

    fn check(&self, offset: usize, len: usize) -> Result<(), Error> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(Error::OutOfBounds { offset, len, size: self.len }),
        }
    }

    /// Copy `out.len()` bytes from `offset` into `out`.
    pub fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error> {
        self.check(offset, out.len())?;
        // SAFETY: in bounds (checked); no reference into the buffer outlives
        // this copy, and the guest is not running while the host runs.
        unsafe { core::ptr::copy_nonoverlapping(self.ptr.as_ptr().add(offset), out.as_mut_ptr(), out.len()) };
        Ok(())
    }

    /// Copy `bytes` to `offset`.
    pub fn write(&mut self, offset: usize, bytes: &[u8]) -> Result<(), Error> {
        self.check(offset, bytes.len())?;
        // SAFETY: as in `read`.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.as_ptr().add(offset), bytes.len()) };
        Ok(())
    }

    /// All its bytes, copied.
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0; self.len];
        // Reading the whole buffer is in bounds.
        let _ = self.read(0, &mut out);
        out
    }

    typed_access! {
        read_u8 write_u8: u8;
        read_u16 write_u16: u16;
        read_u32 write_u32: u32;
        read_u64 write_u64: u64;
        read_i32 write_i32: i32;
        read_i64 write_i64: i64;
        read_f32 write_f32: f32;
        read_f64 write_f64: f64;
    }
}

impl Drop for HostBuffer {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr.as_ptr(), self.layout) };
    }
}
