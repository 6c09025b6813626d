//! Native interop (feature `ffi`): imports bound to C functions, called
//! through libffi, and guest functions handed to C as function pointers.
//!
//! - Binding: [`crate::Linker::func_native`] binds an import to a C
//!   function pointer with an explicit [`NativeSignature`];
//!   [`crate::Linker::native_library`] and
//!   [`crate::Linker::native_process`] bind imports by name from a shared
//!   library or from the running process, deriving the C signature from
//!   the CLIF one (integers by their width and `uext`/`sext`, floats as
//!   themselves). The CIF is built once, when instantiating; a signature
//!   that does not fit, or a symbol that is missing, is an error then,
//!   naming the import.
//! - Calls: the import's arguments move from the VM's argument registers
//!   into libffi's argument slots, `ffi_call` calls the function, and the
//!   result moves back (small integers extended as their C type says).
//! - Callbacks: C calls a guest function through a libffi closure
//!   ([`NativeCallback`], from [`crate::Store::native_callback`]) that
//!   enters the VM re-entrantly. A guest function's own address (CLIF
//!   `func_addr`) passed to C as a pointer-sized argument is replaced by
//!   its closure, made on first use and kept by the instance; a closure
//!   address coming back from C (a result, or a callback's argument)
//!   becomes the guest address again, so `call_indirect` on it works.
//!   Addresses stored in memory are not translated: hand C a
//!   [`NativeCallback`]'s pointer for those.
//! - A trap in a callback is not unwound through C: it is recorded, the
//!   callback returns zero to C, and the native call raises it in the
//!   guest when C returns.

mod call;
mod callback;
mod library;
mod signature;

pub use callback::NativeCallback;
pub use signature::{NativeSignature, NativeType};

pub(crate) use call::NativeImport;
pub(crate) use callback::NativeState;
pub(crate) use library::NativeLibrary;

use crate::error::Error;
use crate::func::Func;
use crate::store::{HostCallable, Store};
use crate::trap::Trap;
use alloc::sync::Arc;
use core::ffi::c_void;
use sheave_format::{ModuleImport, ModuleTarget};

impl<T> Store<T> {
    /// Guest function `func` as a C function pointer, for C code to call
    /// back while this instance's guest is in a native call (see
    /// [`NativeCallback`] for when it may be called). The instance keeps
    /// the closure as long as it lives; the same function always gives the
    /// same pointer.
    ///
    /// Errors: `func` belongs to another instance, or its signature has no
    /// C equivalent (more than one result, `i128`, vectors).
    pub fn native_callback(&mut self, func: &Func) -> Result<NativeCallback, Error> {
        let index = func.index_in(self)?;
        self.closure(index).map_err(|reason| Error::NativeCallback { function: func.name().into(), reason })
    }
}

/// A C function's address.
#[derive(Clone, Copy)]
pub(crate) struct NativeFn(pub(crate) *const c_void);

// SAFETY: code can be called from any thread; whoever gave the address
// vouched for it being a C function (`Linker::func_native`).
unsafe impl Send for NativeFn {}
// SAFETY: as for `Send`: the address is only read.
unsafe impl Sync for NativeFn {}

/// Bind `import` to the C function at `function`, of C signature
/// `explicit` or, without one, the one derived from the import's.
pub(crate) fn bind<T>(
    import: &ModuleImport,
    target: ModuleTarget,
    function: *const c_void,
    explicit: Option<&NativeSignature>,
    library: Option<Arc<NativeLibrary>>,
) -> Result<Arc<HostCallable<T>>, Error> {
    let error = |reason: alloc::string::String| Error::NativeImport { name: import.name.clone(), reason };
    let host = ModuleTarget {
        pointer_bits: (8 * core::mem::size_of::<usize>()) as u8,
        big_endian: cfg!(target_endian = "big"),
    };
    if target != host {
        return Err(error(alloc::format!(
            "the module was compiled for a {target} target and native code here is {host}: pointers and memory would not agree"
        )));
    }
    let signature = match explicit {
        Some(s) => s.clone(),
        None => signature::derive(&import.params, &import.results, &import.abi).map_err(error)?,
    };
    let plan = signature::plan(&import.params, &import.results, &import.abi, &signature).map_err(error)?;
    NativeImport { name: import.name.clone(), function, plan, library }.into_callable().map_err(error)
}

/// Native code and the module agree on pointers and memory: the module was
/// compiled for this host's pointer width and byte order.
pub(crate) fn check_host_target(target: ModuleTarget) -> Result<(), alloc::string::String> {
    let host = ModuleTarget {
        pointer_bits: (8 * core::mem::size_of::<usize>()) as u8,
        big_endian: cfg!(target_endian = "big"),
    };
    if target != host {
        return Err(alloc::format!(
            "the module was compiled for a {target} target and native code here is {host}: pointers and memory would not agree"
        ));
    }
    Ok(())
}

/// An indirect call from the op at `site` to `target`, which is not the
/// module's code: one of this store's closures runs its guest function;
/// anything else is called as a C function of the call site's signature.
pub(crate) fn call_foreign<T>(store: &mut Store<T>, target: u64, site: *const u8) -> Result<(), Trap> {
    let offset = (site as usize).wrapping_sub(store.module.code().as_ptr() as usize);
    if target == 0 {
        return Err(Trap::new("call_indirect to address 0"));
    }
    check_host_target(store.module.target()).map_err(Trap::new)?;
    let guest = store.guest_address(target);
    if guest != target {
        // C gave the guest one of its own functions back as a closure.
        let index = store
            .module
            .function_at(guest as usize - store.module.code().as_ptr() as usize)
            .map(|(k, _)| k)
            .ok_or_else(|| Trap::new("a closure of this store has no function"))?;
        let entry = store.entry(index)?;
        // SAFETY: `entry` starts a function of the store's verified module;
        // the arguments are in the registers, as the call site put them.
        return unsafe { store.run_prepared(entry) };
    }
    let plan = match store.native.sites.get(&offset) {
        Some(plan) => plan.clone(),
        None => {
            let site = store.module.parts().indirect_call(offset).ok_or_else(|| {
                Trap::new(alloc::format!(
                    "call_indirect to {target:#x}, outside the module's code, from a call site without a signature"
                ))
            })?;
            let why = |e: alloc::string::String| {
                Trap::new(alloc::format!("call_indirect to native code at {target:#x}: {e}"))
            };
            let signature = signature::derive(&site.params, &site.results, &site.abi).map_err(why)?;
            let plan =
                Arc::new(signature::plan(&site.params, &site.results, &site.abi, &signature).map_err(why)?);
            store.native.sites.insert(offset, plan.clone());
            plan
        }
    };
    call::call(store, "(function pointer)", core::ptr::with_exposed_provenance(target as usize), &plan)
}
