//! Host functions: Rust closures the guest calls, typed
//! ([`IntoFunc`], from the closure's own signature) or untyped (over
//! [`Val`]s, with a signature given at run time).

use super::Caller;
use crate::error::Error;
use crate::store::{HostCallable, Store};
use crate::trap::Trap;
use crate::values::{RegCursor, Value, ValueList};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use sheave_interp::{Val, ValType};
use sheave_opcodes::abi::ARG_REGS;

/// A host function and its signature (made by [`IntoFunc`] or
/// [`crate::Linker::func_new`]; opaque).
#[doc(hidden)]
pub struct HostFunc<T> {
    pub(crate) params: Vec<ValType>,
    pub(crate) results: Vec<ValType>,
    pub(crate) call: Arc<HostCallable<T>>,
}

impl<T> Clone for HostFunc<T> {
    fn clone(&self) -> Self {
        HostFunc { params: self.params.clone(), results: self.results.clone(), call: self.call.clone() }
    }
}

impl<T> HostFunc<T> {
    /// An untyped host function `name` of signature `params -> results`
    /// running `f`, which takes and returns [`Val`]s: `results` arrives
    /// holding zeros of the result types and must leave holding values of
    /// those types.
    pub(crate) fn untyped(
        name: &str,
        params: &[ValType],
        results: &[ValType],
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<HostFunc<T>, Error> {
        for ty in params.iter().chain(results) {
            if *ty == ValType::V128 {
                return Err(Error::UnsupportedSignature {
                    function: name.into(),
                    reason: "vector values cannot cross to host functions yet".into(),
                });
            }
        }
        let count =
            |class: &dyn Fn(&ValType) -> bool, types: &[ValType]| types.iter().filter(|t| class(t)).count();
        let float = |t: &ValType| matches!(t, ValType::F32 | ValType::F64);
        let int = |t: &ValType| !float(t);
        for types in [params, results] {
            if count(&float, types) > ARG_REGS || count(&int, types) > ARG_REGS {
                return Err(Error::UnsupportedSignature {
                    function: name.into(),
                    reason: alloc::format!(
                        "host functions take and return at most {} values of each register class",
                        ARG_REGS
                    ),
                });
            }
        }
        let (param_types, result_types) = (params.to_vec(), results.to_vec());
        let fname = String::from(name);
        let call = move |store: &mut Store<T>| -> Result<(), Trap> {
            let args = store.vm.results(&param_types).map_err(|e| Trap::new(alloc::format!("{e}")))?;
            let mut results: Vec<Val> = result_types.iter().map(|t| zero(*t)).collect();
            f(Caller::new(&mut *store), &args, &mut results)?;
            for (index, (v, ty)) in results.iter().zip(&result_types).enumerate() {
                if v.ty() != *ty {
                    let e =
                        Error::ResultType { function: fname.clone(), index, expected: *ty, given: v.ty() };
                    return Err(Trap::new(alloc::format!("{e}")));
                }
            }
            store.vm.set_values(&results).map_err(|e| Trap::new(alloc::format!("{e}")))
        };
        Ok(HostFunc { params: params.to_vec(), results: results.to_vec(), call: Arc::new(call) })
    }
}

/// What a host closure may return: its results (a [`ValueList`]), or a
/// `Result` of them whose error makes the calling guest trap.
pub trait HostResult: 'static {
    /// The results.
    type Values: ValueList;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Values, Trap>;
}

impl<V: ValueList> HostResult for V {
    type Values = V;
    #[inline]
    fn into_result(self) -> Result<V, Trap> {
        Ok(self)
    }
}

impl<V: ValueList> HostResult for Result<V, Trap> {
    type Values = V;
    #[inline]
    fn into_result(self) -> Result<V, Trap> {
        self
    }
}

/// A Rust closure usable as a host function: `Fn(A, B, ...) -> R` or
/// `Fn(Caller<T>, A, B, ...) -> R`, with up to 10 [`Value`] arguments and
/// `R` a [`HostResult`]. `Params` only tells the two forms apart.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> HostFunc<T>;
}

/// Marks the closures whose first argument is a [`Caller`].
pub struct WithCaller;

/// The host function of a typed closure call `$call` of arguments `$a`:
/// each argument taken from its class's next argument register, the
/// results (`R`) stored to the result registers. `$store` names the store
/// inside `$call`.
macro_rules! typed_host_func {
    ($T:ident, $R:ident, |$store:ident $(, $a:ident)*| $call:expr) => {
        HostFunc {
            params: alloc::vec![$($a::TYPE),*],
            results: $R::Values::types(),
            call: Arc::new(move |$store: &mut Store<$T>| {
                let mut at = RegCursor::default();
                $( let $a: $a = at.take(&$store.vm); )*
                let results = $call.into_result()?;
                results.store(&mut $store.vm);
                Ok(())
            }),
        }
    };
}

macro_rules! into_func {
    ($(($($a:ident),*))*) => {$(
        impl<T, F, R, $($a,)*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            $($a: Value,)*
            R: HostResult,
        {
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn into_func(self) -> HostFunc<T> {
                typed_host_func!(T, R, |store $(, $a)*| (self)($($a),*))
            }
        }

        impl<T, F, R, $($a,)*> IntoFunc<T, (WithCaller, $($a,)*), R> for F
        where
            F: for<'a> Fn(Caller<'a, T>, $($a),*) -> R + Send + Sync + 'static,
            $($a: Value,)*
            R: HostResult,
        {
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn into_func(self) -> HostFunc<T> {
                typed_host_func!(T, R, |store $(, $a)*| (self)(Caller::new(&mut *store), $($a),*))
            }
        }
    )*};
}

into_func! {
    ()
    (A1)
    (A1, A2)
    (A1, A2, A3)
    (A1, A2, A3, A4)
    (A1, A2, A3, A4, A5)
    (A1, A2, A3, A4, A5, A6)
    (A1, A2, A3, A4, A5, A6, A7)
    (A1, A2, A3, A4, A5, A6, A7, A8)
    (A1, A2, A3, A4, A5, A6, A7, A8, A9)
    (A1, A2, A3, A4, A5, A6, A7, A8, A9, A10)
}

fn zero(ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::V128 => Val::V128(0),
    }
}
