//! [`Instance`]: a module bound to its host functions, owning the
//! [`Store`] its calls run on.

use crate::store::{AsContextMut, Store, Token};
use core::ops::{Deref, DerefMut};
use sheave_interp::Vm;

/// A module ready to run: made by [`crate::Linker::instantiate`]. It owns
/// its [`Store`] (the VM, the module, the bound imports and the embedder's
/// data `T`) and derefs to it, so [`Store::get_func`],
/// [`Store::get_typed_func`], [`Store::data_mut`] and the rest are called
/// on the instance.
pub struct Instance<T> {
    store: Store<T>,
}

impl<T> Instance<T> {
    pub(crate) fn new(store: Store<T>) -> Instance<T> {
        Instance { store }
    }

    /// Take the embedder's data back.
    pub fn into_data(self) -> T {
        self.store.into_data()
    }

    /// The VM, mutably: to choose its dispatcher or stack
    /// (`*instance.vm_mut() = Vm::with_stack_size(..)`, or
    /// `Vm::with_stack_memory(..)` for a stack below 4 GiB, between calls).
    /// Only the owner of an instance has this; a host function's
    /// [`crate::Caller`] does not, since its guest is suspended on the VM.
    pub fn vm_mut(&mut self) -> &mut Vm {
        &mut self.store.vm
    }
}

impl<T> Deref for Instance<T> {
    type Target = Store<T>;
    fn deref(&self) -> &Store<T> {
        &self.store
    }
}

impl<T> DerefMut for Instance<T> {
    fn deref_mut(&mut self) -> &mut Store<T> {
        &mut self.store
    }
}

impl<T> AsContextMut for Instance<T> {
    type Data = T;
    fn as_context_mut(&mut self, _: Token) -> &mut Store<T> {
        &mut self.store
    }
}
