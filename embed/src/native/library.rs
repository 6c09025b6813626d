//! Native libraries to bind imports from: a shared library opened by path
//! (each symbol checked to come from that library itself, not one it
//! depends on), or the running process.

use alloc::string::String;
use core::ffi::c_void;
use std::path::{Path, PathBuf};

/// An open library, or the process's own symbols.
pub(crate) struct NativeLibrary {
    library: libloading::Library,
    /// The path it was opened by, or `None` for the process.
    path: Option<PathBuf>,
}

impl NativeLibrary {
    /// Open the shared library at `path`.
    ///
    /// # Safety
    /// Opening a library runs its initializers.
    pub(crate) unsafe fn open(path: &Path) -> Result<NativeLibrary, String> {
        // SAFETY: forwarded from the caller.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| alloc::format!("{e}"))?;
        Ok(NativeLibrary { library, path: Some(path.into()) })
    }

    /// The running process's symbols: the executable's exported ones and
    /// those of every library it loaded (libc among them).
    pub(crate) fn process() -> Result<NativeLibrary, String> {
        #[cfg(unix)]
        let library = libloading::Library::from(libloading::os::unix::Library::this());
        #[cfg(windows)]
        let library = libloading::Library::from(
            libloading::os::windows::Library::this().map_err(|e| alloc::format!("{e}"))?,
        );
        Ok(NativeLibrary { library, path: None })
    }

    /// What binding names it: its path, or "the process".
    pub(crate) fn describe(&self) -> String {
        match &self.path {
            Some(p) => alloc::format!("{}", p.display()),
            None => "the process".into(),
        }
    }

    /// The address of symbol `name`, if this library defines it.
    pub(crate) fn symbol(&self, name: &str) -> Option<*const c_void> {
        // SAFETY: the symbol is only read as an address here; calling it is
        // the binding's business, with the import's signature.
        let symbol = unsafe { self.library.get::<*const c_void>(name.as_bytes()) }.ok()?;
        let address = *symbol;
        if address.is_null() {
            return None;
        }
        match &self.path {
            Some(path) if !defined_in(address, path) => None,
            _ => Some(address),
        }
    }
}

/// Whether `address` lies in the shared object loaded from `path` (a
/// library's handle also finds the symbols of the libraries it depends on,
/// which binding to "that library" must not take).
#[cfg(unix)]
fn defined_in(address: *const c_void, path: &Path) -> bool {
    let mut info = libc::Dl_info {
        dli_fname: core::ptr::null(),
        dli_fbase: core::ptr::null_mut(),
        dli_sname: core::ptr::null(),
        dli_saddr: core::ptr::null_mut(),
    };
    // SAFETY: `dladdr` only reads the address and fills `info`.
    if unsafe { libc::dladdr(address, &mut info) } == 0 || info.dli_fname.is_null() {
        return false;
    }
    // SAFETY: `dladdr` succeeded, so `dli_fname` is a C string owned by the
    // dynamic linker, alive while the object is loaded.
    let found = unsafe { core::ffi::CStr::from_ptr(info.dli_fname) };
    let Ok(found) = found.to_str() else { return false };
    let found = Path::new(found);
    match (std::fs::canonicalize(path), std::fs::canonicalize(found)) {
        (Ok(a), Ok(b)) => a == b,
        // Opened by bare name (`libm.so.6`), found by the search path.
        _ => path.file_name().is_some() && path.file_name() == found.file_name(),
    }
}

/// Elsewhere a library's handle finds only its own symbols.
#[cfg(not(unix))]
fn defined_in(_: *const c_void, _: &Path) -> bool {
    true
}
