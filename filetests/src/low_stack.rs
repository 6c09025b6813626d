//! A guest stack below 4 GiB, for running bytecode compiled for 32-bit
//! pointers on a 64-bit host: its `stack_addr` results are 32-bit values,
//! so the stack they point into must have 32-bit addresses.

use sheave_interp::StackMemory;

/// Why no stack below 4 GiB could be had here.
pub const UNAVAILABLE: &str = "32-bit pointers need a VM stack below 4 GiB, which this host cannot map";

/// Whether this host can have such a stack at all (a mapping can still
/// fail when memory below 4 GiB runs out).
pub fn available() -> bool {
    cfg!(any(target_pointer_width = "32", all(target_os = "linux", target_pointer_width = "64")))
}

/// A stack of `bytes` (rounded up to 16) whose every address fits in 32
/// bits, or `None` where none can be mapped. On a 32-bit host every stack
/// qualifies.
pub fn low_stack(bytes: usize) -> Option<Box<dyn StackMemory>> {
    let words = bytes.div_ceil(16);
    if cfg!(target_pointer_width = "32") {
        return Some(Box::new(vec![0u128; words]));
    }
    map_low(words)
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn map_low(words: usize) -> Option<Box<dyn StackMemory>> {
    let len = words.checked_mul(16)?;
    // Ask for a fixed place between 256 MiB and 4 GiB, trying spots a
    // stack's size apart, never replacing a mapping; a kernel that ignores
    // MAP_FIXED_NOREPLACE takes the address as a hint, so check the result.
    let step = len.next_multiple_of(1 << 24);
    for hint in (1usize << 28..1 << 32).step_by(step) {
        if hint.checked_add(len)? > 1 << 32 {
            break;
        }
        // SAFETY: an anonymous private mapping at an address no existing
        // mapping occupies (MAP_FIXED_NOREPLACE) touches no other memory.
        let at = unsafe {
            libc::mmap(
                hint as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if at == libc::MAP_FAILED {
            continue;
        }
        if (at as usize).checked_add(len).is_some_and(|end| end <= 1 << 32) {
            return Some(Box::new(LowMapping { at: at.cast(), words }));
        }
        // SAFETY: `at` is the mapping just made, of `len` bytes.
        unsafe { libc::munmap(at, len) };
    }
    None
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn map_low(_words: usize) -> Option<Box<dyn StackMemory>> {
    None
}

/// An anonymous mapping below 4 GiB, unmapped on drop.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
struct LowMapping {
    at: *mut u128,
    words: usize,
}

// SAFETY: the mapping is this value's alone from `mmap` to `munmap` in
// `drop`, and `region` always returns all of it.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
unsafe impl StackMemory for LowMapping {
    fn region(&mut self) -> &mut [u128] {
        // SAFETY: `at` is a page-aligned (so 16-byte-aligned), readable and
        // writable mapping of `words` u128s, zero-filled by the kernel.
        unsafe { std::slice::from_raw_parts_mut(self.at, self.words) }
    }
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
impl Drop for LowMapping {
    fn drop(&mut self) {
        // SAFETY: `at` is this value's mapping of `words * 16` bytes, and the
        // VM that used it is gone (it owned this value).
        unsafe { libc::munmap(self.at.cast(), self.words * 16) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_low_stack_lies_below_4_gib() {
        let Some(mut stack) = super::low_stack(1 << 20) else {
            eprintln!("skipped: {}", super::UNAVAILABLE);
            return;
        };
        let region = stack.region();
        assert_eq!(region.len(), 1 << 16);
        let end = region.as_ptr() as usize + region.len() * 16;
        assert!(end <= 1 << 32, "stack ends at {end:#x}");
        region[0] = 7;
        region[(1 << 16) - 1] = 9;
        assert_eq!(region[0] + region[(1 << 16) - 1], 16);
    }
}
