//! Data objects: memory of the process, allocated when a data object is
//! defined (so its address is known to the code that takes it), holding
//! its contents; relocations are written when it is finalized.

use cranelift_module::{DataDescription, Init, ModuleError, ModuleResult};
use std::alloc::Layout;
use std::ptr::NonNull;

/// A defined data object's memory and description.
pub(crate) struct DataObject {
    memory: NonNull<u8>,
    layout: Layout,
    size: usize,
    pub(crate) description: DataDescription,
    pub(crate) finalized: bool,
}

impl DataObject {
    /// Allocate and fill data object `name` as `description` says.
    pub(crate) fn new(name: &str, description: &DataDescription) -> ModuleResult<DataObject> {
        let backend = |why: String| ModuleError::Backend(anyhow::anyhow!("data object `{name}`: {why}"));
        let size = match &description.init {
            Init::Uninitialized => {
                return Err(backend(
                    "it has no contents (DataDescription::define or define_zeroinit)".into(),
                ));
            }
            Init::Zeros { size } => *size,
            Init::Bytes { contents } => contents.len(),
        };
        // Pointer alignment at least, so that relocations can be written
        // with aligned stores.
        let align = description.align.unwrap_or(1).max(std::mem::align_of::<usize>() as u64);
        let align = usize::try_from(align).map_err(|_| backend(format!("alignment {align} is too large")))?;
        let layout = Layout::from_size_align(size.max(1), align)
            .map_err(|_| backend(format!("{size} bytes aligned to {align} is not a valid allocation")))?;
        // SAFETY: the layout's size is not zero.
        let memory = NonNull::new(unsafe { std::alloc::alloc_zeroed(layout) })
            .ok_or_else(|| backend(format!("cannot allocate {size} bytes")))?;
        if let Init::Bytes { contents } = &description.init {
            // SAFETY: the allocation has `size` bytes, as many as `contents`.
            unsafe { std::ptr::copy_nonoverlapping(contents.as_ptr(), memory.as_ptr(), size) };
        }
        Ok(DataObject { memory, layout, size, description: description.clone(), finalized: false })
    }

    pub(crate) fn address(&self) -> *mut u8 {
        self.memory.as_ptr()
    }

    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Write pointer `value` at byte `offset`.
    pub(crate) fn write_pointer(&mut self, offset: usize, value: usize) -> Result<(), String> {
        let width = std::mem::size_of::<usize>();
        if offset.checked_add(width).is_none_or(|end| end > self.size) {
            return Err(format!("a relocation at offset {offset} does not fit its {} bytes", self.size));
        }
        // SAFETY: checked above that `offset..offset + width` lies in the
        // allocation; the store is unaligned-safe.
        unsafe { self.memory.as_ptr().add(offset).cast::<usize>().write_unaligned(value) };
        Ok(())
    }
}

impl Drop for DataObject {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout, freed once.
        unsafe { std::alloc::dealloc(self.memory.as_ptr(), self.layout) };
    }
}
