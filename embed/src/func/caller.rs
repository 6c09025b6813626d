//! [`Caller`]: what a host function sees of the guest that called it.

use crate::store::{AsStoreMut, Store, Token};
use core::ops::Deref;

/// The calling side of a host function: the store whose guest called it.
/// Through it a host function reads or changes the embedder's data
/// ([`Caller::data_mut`]), looks up functions (it derefs to [`Store`]) and
/// calls back into the guest (re-entrancy): `f.call(&mut caller, args)`.
///
/// It gives no `&mut Store`: replacing the store's VM or imports while its
/// guest is suspended in this call would free the stack the guest resumes
/// on and the closures it is running.
pub struct Caller<'a, T> {
    store: &'a mut Store<T>,
}

impl<'a, T> Caller<'a, T> {
    pub(crate) fn new(store: &'a mut Store<T>) -> Self {
        Caller { store }
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// A buffer granted to the instance, mutably (to fill in what the guest
    /// asked for).
    pub fn buffer_mut(&mut self, buffer: crate::GrantedBuffer) -> &mut crate::HostBuffer {
        self.store.buffer_mut(buffer)
    }
}

impl<T> Deref for Caller<'_, T> {
    type Target = Store<T>;
    fn deref(&self) -> &Store<T> {
        self.store
    }
}

impl<T> crate::store::sealed::Sealed for Caller<'_, T> {}

impl<T> AsStoreMut for Caller<'_, T> {
    type Data = T;
    fn as_store_mut(&mut self, _: Token) -> &mut Store<T> {
        self.store
    }
}
