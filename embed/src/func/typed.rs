//! [`TypedFunc`]: a guest function whose signature was checked once.

use super::Func;
use crate::store::{AsStoreMut, Token};
use crate::trap::Trap;
use crate::values::ValueList;
use core::marker::PhantomData;

/// A function of an [`crate::Instance`] whose signature was checked once,
/// when it was looked up ([`crate::Store::get_typed_func`]): calls move Rust
/// values straight into registers and back.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        TypedFunc { func: self.func.clone(), _types: PhantomData }
    }
}

impl<Params: ValueList, Results: ValueList> TypedFunc<Params, Results> {
    /// A typed handle for `func`, whose signature the caller checked.
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc { func, _types: PhantomData }
    }

    /// The untyped handle.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Call it in the instance it came from (or that instance's
    /// [`super::Caller`], from a host function).
    #[inline]
    pub fn call(&self, ctx: &mut impl AsStoreMut, params: Params) -> Result<Results, Trap> {
        self.func.call_typed(ctx.as_store_mut(Token(())), params)
    }
}
