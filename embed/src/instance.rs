//! [`Instance`]: a module bound to its host functions, owning the
//! [`Store`] its calls run on.

use crate::store::{AsStoreMut, Store, Token};
use alloc::boxed::Box;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;
use sheave_interp::Vm;

/// A module ready to run: made by [`crate::Linker::instantiate`]. It owns
/// its [`Store`] (the VM, the module, the bound imports and the embedder's
/// data `T`) and derefs to it, so [`Store::get_func`],
/// [`Store::get_typed_func`], [`Store::data_mut`] and the rest are called
/// on the instance.
///
/// ```
/// use sheave_embed::{Linker, Module, ModuleFunction, ModuleParts, ScalarType, Val, Vm};
/// use sheave_opcodes::{XReg, encode};
///
/// // %add(i64, i64) -> i64, hand-assembled (sheave-codegen makes these from CLIF).
/// let x = |i| XReg::new(i).unwrap();
/// let mut code = Vec::new();
/// encode::xadd64(&mut code, x(0), x(0), x(1));
/// encode::ret(&mut code);
/// let add = ModuleFunction {
///     name: "%add".into(),
///     params: vec![ScalarType::I64, ScalarType::I64],
///     results: vec![ScalarType::I64],
///     range: 0..code.len(),
/// };
/// let module = Module::new(ModuleParts { code, functions: vec![add], ..Default::default() })?;
///
/// // SAFETY: the code touches no memory.
/// let mut instance = unsafe { Linker::<()>::new().instantiate(&module, ()) }?;
/// let typed = instance.get_typed_func::<(i64, i64), i64>("add")?;
/// assert_eq!(typed.call(&mut instance, (2, 40))?, 42);
/// // Untyped, checked on every call.
/// let mut results = [Val::I64(0)];
/// instance.get_func("add")?.call(&mut instance, &[Val::I64(1), Val::I64(2)], &mut results)?;
/// assert_eq!(results, [Val::I64(3)]);
/// // A smaller stack, between calls.
/// *instance.vm_mut() = Vm::with_stack_size(64 << 10);
/// assert_eq!(typed.call(&mut instance, (5, 5))?, 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Instance<T> {
    /// Owned (from `Box::into_raw`; freed by `Drop`), at an address that
    /// stays put while native callbacks may enter it; every reference to
    /// the store is derived from this pointer, so one it handed to the
    /// callbacks stays valid.
    store: NonNull<Store<T>>,
    _owns: PhantomData<Store<T>>,
}

impl<T> Drop for Instance<T> {
    fn drop(&mut self) {
        // SAFETY: `store` came from `Box::into_raw` and is freed once, here.
        drop(unsafe { Box::from_raw(self.store.as_ptr()) });
    }
}

impl<T> Instance<T> {
    pub(crate) fn new(store: Store<T>) -> Instance<T> {
        Instance { store: NonNull::from(Box::leak(Box::new(store))), _owns: PhantomData }
    }

    /// Take the embedder's data back.
    pub fn into_data(self) -> T {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `store` came from `Box::into_raw`; `this` is never
        // dropped, so it is freed once, here.
        let store = unsafe { Box::from_raw(this.store.as_ptr()) };
        store.into_data()
    }

    /// Let C call this instance's callbacks ([`Store::native_callback`])
    /// also while no call of it is running: from Rust code holding a
    /// function pointer, say, as cranelift-jit's users call compiled
    /// functions. Such a call takes the instance for its thread; one made
    /// while another thread is using the instance, or while a call of it
    /// runs on this thread outside a native call, aborts with a message.
    /// A trap in it is kept for [`Store::take_callback_trap`].
    ///
    /// Calling a callback while holding a borrow of the instance (of its
    /// data, say) breaks that borrow's guarantees, as a C function touching
    /// the same data would: don't.
    #[cfg(feature = "ffi")]
    pub fn allow_idle_callbacks(&mut self) {
        // SAFETY: the store lives at `self.store` until the instance drops
        // it, and every reference to it is derived from that pointer.
        unsafe { Store::set_idle_home(self.store.as_ptr()) };
    }

    /// The VM, mutably: to choose its dispatcher or stack
    /// (`*instance.vm_mut() = Vm::with_stack_size(..)`, or
    /// `Vm::with_stack_memory(..)` for a stack below 4 GiB, between calls).
    /// Only the owner of an instance has this; a host function's
    /// [`crate::Caller`] does not, since its guest is suspended on the VM.
    pub fn vm_mut(&mut self) -> &mut Vm {
        let store = self.deref_mut();
        // The next entry sets the new VM up for this store's code.
        store.vm_ready = false;
        &mut store.vm
    }
}

impl<T> Deref for Instance<T> {
    type Target = Store<T>;
    fn deref(&self) -> &Store<T> {
        // SAFETY: the instance owns the store, alive until it drops it;
        // the borrow of `self` keeps others from mutating it meanwhile.
        unsafe { self.store.as_ref() }
    }
}

impl<T> DerefMut for Instance<T> {
    fn deref_mut(&mut self) -> &mut Store<T> {
        // SAFETY: as for `deref`, mutably: `&mut self` is exclusive.
        unsafe { self.store.as_mut() }
    }
}

impl<T> crate::store::sealed::Sealed for Instance<T> {}

impl<T> AsStoreMut for Instance<T> {
    type Data = T;
    fn as_store_mut(&mut self, _: Token) -> &mut Store<T> {
        self.deref_mut()
    }
}
