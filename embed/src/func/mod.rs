//! Functions: guest functions to call ([`Func`], checked on every call,
//! and [`TypedFunc`], checked once), and host functions the guest calls
//! ([`HostFunc`], [`IntoFunc`]), which see the guest through a [`Caller`].

mod caller;
pub(crate) mod host;
mod typed;

pub use caller::Caller;
pub use host::{HostFunc, HostResult, IntoFunc, WithCaller};
pub use typed::TypedFunc;

use crate::error::{Error, signature};
use crate::store::{AsStoreMut, Store, Token};
use crate::trap::Trap;
use crate::values::ValueList;
use alloc::string::String;
use alloc::vec::Vec;
use sheave_format::ScalarType;
use sheave_interp::{Val, ValType, Vm};

/// The CLIF types a function passes, as the embedding API's [`ValType`]s.
pub(crate) fn val_types(function: &str, types: &[ScalarType]) -> Result<Vec<ValType>, Error> {
    types
        .iter()
        .map(|t| match t {
            ScalarType::I32 => Ok(ValType::I32),
            ScalarType::I64 => Ok(ValType::I64),
            ScalarType::F32 => Ok(ValType::F32),
            ScalarType::F64 => Ok(ValType::F64),
            ScalarType::I8x16
            | ScalarType::I16x8
            | ScalarType::I32x4
            | ScalarType::I64x2
            | ScalarType::F32x4
            | ScalarType::F64x2 => Ok(ValType::V128),
            other => Err(Error::UnsupportedSignature {
                function: function.into(),
                reason: alloc::format!(
                    "values of type {other} cannot be passed by the embedding API yet (use i32, i64, f32, f64 or a 128-bit vector)"
                ),
            }),
        })
        .collect()
}

impl<T> Store<T> {
    /// The function named `name` (`fib` or `%fib`), for calls with [`Val`]s.
    pub fn get_func(&self, name: &str) -> Result<Func, Error> {
        let index = self.module.function_index(name).ok_or_else(|| Error::FunctionNotFound(name.into()))?;
        let f = &self.module.functions()[index];
        let params = val_types(&f.name, &f.params)?;
        let results = val_types(&f.name, &f.results)?;
        Ok(Func { store: self.id, index, name: f.name.clone(), params, results })
    }

    /// The function named `name`, checked once against the signature
    /// `Params -> Results` (e.g. `get_typed_func::<(i32, i64), f64>`), so
    /// that its calls need no checks.
    pub fn get_typed_func<Params: ValueList, Results: ValueList>(
        &self,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let func = self.get_func(name)?;
        let (params, results) = (Params::types(), Results::types());
        if func.params != params || func.results != results {
            return Err(Error::SignatureMismatch {
                function: func.name.clone(),
                actual: signature(&func.params, &func.results),
                requested: signature(&params, &results),
            });
        }
        Ok(TypedFunc::new(func))
    }
}

/// A function of an [`crate::Instance`], called with [`Val`]s; its
/// arguments are checked on every call. For calls without checks use
/// [`TypedFunc`].
#[derive(Clone, Debug)]
pub struct Func {
    /// The id of the store it belongs to.
    store: usize,
    index: usize,
    name: String,
    params: Vec<ValType>,
    results: Vec<ValType>,
}

impl Func {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// Its result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// Its function index in `store`, or an error if it belongs to another.
    #[cfg(feature = "ffi")]
    pub(crate) fn index_in<T>(&self, store: &Store<T>) -> Result<usize, Error> {
        if store.id != self.store {
            return Err(Error::ForeignFunction(self.name.clone()));
        }
        Ok(self.index)
    }

    /// The store it belongs to, or an error if `store` is another one.
    fn check_store<'s, T>(&self, store: &'s mut Store<T>) -> Result<&'s mut Store<T>, Error> {
        if store.id != self.store {
            return Err(Error::ForeignFunction(self.name.clone()));
        }
        Ok(store)
    }

    /// Call it in the instance it came from (or that instance's
    /// [`Caller`], from a host function) with `args`, writing its results
    /// to `results` (as many slots as it has results).
    pub fn call(&self, ctx: &mut impl AsStoreMut, args: &[Val], results: &mut [Val]) -> Result<(), Error> {
        let store = self.check_store(ctx.as_store_mut(Token(())))?;
        let arity = |what, expected, given| Error::ArityMismatch {
            function: self.name.clone(),
            what,
            expected,
            given,
        };
        if args.len() != self.params.len() {
            return Err(arity("arguments", self.params.len(), args.len()));
        }
        if results.len() != self.results.len() {
            return Err(arity("results", self.results.len(), results.len()));
        }
        for (index, (arg, ty)) in args.iter().zip(&self.params).enumerate() {
            if arg.ty() != *ty {
                return Err(Error::ArgumentType {
                    function: self.name.clone(),
                    index,
                    expected: *ty,
                    given: arg.ty(),
                });
            }
        }
        #[cfg(feature = "ffi")]
        let _claim = store.claim()?;
        let entry = store.entry(self.index)?;
        // The stack-result slots of functions with more than 16 results of
        // a class travel in the entry's area, like stack arguments.
        let stack_results = Vm::stack_values(&self.results);
        // SAFETY: `entry` starts a function of this store's verified
        // module, which it holds; memory safety of the guest's accesses is
        // the contract of `Linker::instantiate`.
        unsafe { store.run_with_values(entry, args, stack_results) }?;
        store.vm.results_into(&self.results, results).map_err(Trap::entry)?;
        Ok(())
    }

    /// Call it with typed arguments, as [`TypedFunc::call`] (whose
    /// signature check it relies on).
    #[inline]
    fn call_typed<T, Params: ValueList, Results: ValueList>(
        &self,
        store: &mut Store<T>,
        params: Params,
    ) -> Result<Results, Trap> {
        let store = self.check_store(store).map_err(Trap::entry)?;
        #[cfg(feature = "ffi")]
        let _claim = store.claim()?;
        params.store(&mut store.vm);
        let entry = store.entry(self.index)?;
        // SAFETY: as in `Func::call`; the signature was checked when the
        // typed handle was made, and value lists never exceed the registers.
        unsafe { store.run_prepared(entry) }?;
        Ok(Results::load(&store.vm))
    }
}
