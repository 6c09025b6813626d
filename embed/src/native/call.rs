//! Calls from the guest to C: an import bound to a C function pointer
//! becomes a host function that moves the arguments from the VM's
//! registers into libffi's argument slots, calls through the CIF built
//! when binding, and moves the result back.

use super::signature::{ArgPlan, CallPlan, NativeType, Reg, ResultPlan, read_result, write_scalar};
use crate::store::{HostCallable, Store};
use crate::trap::Trap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::mem::MaybeUninit;
use sheave_opcodes::abi::ARG_REGS;

/// Most native arguments a call can have: every argument register of both
/// classes.
const MAX_ARGS: usize = 2 * ARG_REGS;

/// One argument's bytes, aligned for any scalar.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot([u8; 16]);

/// An import bound to a C function.
pub(crate) struct NativeImport {
    pub(crate) name: String,
    pub(crate) function: *const c_void,
    pub(crate) plan: CallPlan,
    /// The library the function is in, kept loaded while it can be called.
    pub(crate) library: Option<Arc<super::library::NativeLibrary>>,
}

// SAFETY: the function pointer is code, callable from any thread; the plan
// is read-only (see `CallPlan`); the library handle is shared read-only.
unsafe impl Send for NativeImport {}
// SAFETY: as for `Send`.
unsafe impl Sync for NativeImport {}

impl NativeImport {
    /// The host function the store calls for this import.
    pub(crate) fn into_callable<T>(self) -> Result<Arc<HostCallable<T>>, String> {
        if self.plan.args.len() > MAX_ARGS {
            return Err(alloc::format!("more than {MAX_ARGS} arguments"));
        }
        let _ = &self.library;
        let import = self;
        Ok(Arc::new(move |store: &mut Store<T>| {
            let import = &import;
            call(store, &import.name, import.function, &import.plan)
        }))
    }
}

/// Call C function `function` (named `name` in messages) as `plan` says,
/// with the arguments in the VM's registers, leaving its result there.
pub(crate) fn call<T>(
    store: &mut Store<T>,
    name: &str,
    function: *const c_void,
    plan: &CallPlan,
) -> Result<(), Trap> {
    // Only the first `plan.args.len()` of each are written and read.
    let mut slots = [const { MaybeUninit::<Slot>::uninit() }; MAX_ARGS];
    let mut values = [const { MaybeUninit::<*mut c_void>::uninit() }; MAX_ARGS];
    for (k, arg) in plan.args.iter().enumerate() {
        match arg {
            ArgPlan::Scalar { reg, ty, address } => {
                let mut v = match *reg {
                    Reg::X(i) => store.vm.xi(i),
                    Reg::F(i) => store.vm.fi(i),
                };
                if *address {
                    v = store.native_address(v).map_err(|e| {
                        Trap::new(alloc::format!("argument {k} of native function `{name}`: {e}"))
                    })?;
                }
                let slot = slots[k].as_mut_ptr().cast::<u8>();
                // SAFETY: a slot has room for any scalar, aligned.
                unsafe { write_scalar(ty, slot, v) };
                values[k].write(slot.cast());
            }
            // The struct's bytes are where the guest's pointer says; libffi
            // copies them as the C ABI passes the struct.
            ArgPlan::Struct { reg } => {
                values[k].write(core::ptr::with_exposed_provenance_mut(store.vm.xi(*reg) as usize));
            }
        }
    }
    // Results: a scalar in `ret`; a struct in `buffer`, then copied to
    // where the guest's `sret` pointer says.
    let mut ret = MaybeUninit::<Slot>::uninit();
    let mut large: Vec<Slot> = Vec::new();
    let rvalue: *mut Slot = match plan.result {
        ResultPlan::Struct { size, .. } if size > core::mem::size_of::<Slot>() => {
            large.resize(size.div_ceil(16), Slot([0; 16]));
            large.as_mut_ptr()
        }
        _ => ret.as_mut_ptr(),
    };
    // Register inputs are read before C runs: a callback reuses the
    // registers.
    let sret_address = match plan.result {
        ResultPlan::Struct { sret, .. } => store.vm.xi(sret),
        _ => 0,
    };
    let hub: *const super::callback::Hub = Arc::as_ptr(&store.native.hub);
    // SAFETY: the hub lives as long as the store (which holds an `Arc` of
    // it), and nothing replaces the store's native state during a call.
    let hub = unsafe { &*hub };
    let saved = hub.enter((store as *mut Store<T>).cast());
    // SAFETY: the CIF was built from this function's C signature when it
    // was bound (the embedder vouched for it with `func_native`, or it is
    // the symbol of that name with the import's signature); `values` holds
    // one pointer per parameter to a value of its C type; `rvalue` has room
    // for the result, at least an `ffi_arg`. The store stays published for
    // callbacks until C returns.
    unsafe {
        libffi::raw::ffi_call(
            plan.cif.as_raw_ptr(),
            Some(core::mem::transmute::<*const c_void, unsafe extern "C" fn()>(function)),
            rvalue.cast(),
            values.as_mut_ptr().cast(),
        )
    };
    hub.leave(saved);
    if let Some(trap) = hub.take_trap() {
        return Err(trap);
    }
    match &plan.result {
        ResultPlan::Void => {}
        ResultPlan::Scalar { ty, address } => {
            // SAFETY: `ffi_call` wrote a result of type `ty` to `ret`.
            let mut v = unsafe { read_result(ty, rvalue.cast_const().cast()) };
            if *address {
                v = store.guest_address(v);
            }
            if matches!(ty, NativeType::F32 | NativeType::F64) {
                store.vm.set_fi(0, v);
            } else {
                store.vm.set_xi(0, v);
            }
        }
        ResultPlan::Struct { size, echo, .. } => {
            let to = sret_address;
            let dst: *mut u8 = core::ptr::with_exposed_provenance_mut(to as usize);
            // SAFETY: the guest passed `dst` as where the struct it asked
            // for goes (`sret`), of the struct's size: the guest's memory
            // accesses are the instance's contract, as for a store.
            unsafe { core::ptr::copy_nonoverlapping(rvalue.cast_const().cast::<u8>(), dst, *size) };
            if *echo {
                store.vm.set_xi(0, to);
            }
        }
    }
    Ok(())
}
