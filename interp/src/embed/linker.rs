//! [`Linker`]: host functions by name, bound to a module's imports when it
//! is instantiated.

use super::error::{Error, signature};
use super::instance::{AsInstanceMut, Instance, Token};
use super::trap::Trap;
use super::values::{RegCursor, Value, ValueList};
use crate::module::Module;
use crate::val::{Val, ValType};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Deref;

/// The calling side of a host function: the instance whose guest called
/// it. Through it a host function reads or changes the embedder's data
/// ([`Caller::data_mut`]), looks up functions (it derefs to [`Instance`])
/// and calls back into the guest (re-entrancy): `f.call(&mut caller, args)`.
///
/// It gives no `&mut Instance`: replacing the instance or its VM while its
/// guest is suspended in this call would free the code and stack the guest
/// resumes into.
pub struct Caller<'a, T> {
    instance: &'a mut Instance<T>,
}

impl<T> Caller<'_, T> {
    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.instance.data_mut()
    }
}

impl<T> Deref for Caller<'_, T> {
    type Target = Instance<T>;
    fn deref(&self) -> &Instance<T> {
        self.instance
    }
}

impl<T> AsInstanceMut for Caller<'_, T> {
    type Data = T;
    fn as_instance_mut(&mut self, _: Token) -> &mut Instance<T> {
        self.instance
    }
}

/// What a host function runs: reads its arguments from the argument
/// registers, writes its results to the result registers.
pub(crate) type HostCallable<T> = dyn Fn(&mut Instance<T>) -> Result<(), Trap> + Send + Sync;

/// A host function and its signature (made by [`IntoFunc`]; opaque).
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
                HostFunc {
                    params: alloc::vec![$($a::TYPE),*],
                    results: R::Values::types(),
                    call: Arc::new(move |instance: &mut Instance<T>| {
                        let mut at = RegCursor::default();
                        $( let $a: $a = at.take(instance.vm()); )*
                        let results = (self)($($a),*).into_result()?;
                        results.store(instance.vm_mut());
                        Ok(())
                    }),
                }
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
                HostFunc {
                    params: alloc::vec![$($a::TYPE),*],
                    results: R::Values::types(),
                    call: Arc::new(move |instance: &mut Instance<T>| {
                        let mut at = RegCursor::default();
                        $( let $a: $a = at.take(instance.vm()); )*
                        let results = (self)(Caller { instance: &mut *instance }, $($a),*).into_result()?;
                        results.store(instance.vm_mut());
                        Ok(())
                    }),
                }
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

/// Host functions by name, for the imports of modules.
///
/// An import binds to the function of its exact name, or of its name
/// without CLIF's `%`: `fn0 = %log_i64(i64)` binds to `log_i64`, and a user
/// external name `fn0 = u0:5(i64)` (what `cranelift-frontend` users
/// declare) to `u0:5`. A host function should not panic: with
/// `panic = "abort"` (Sheave's release profile) that ends the process;
/// with unwinding, the panic leaves the instance through the call that
/// entered the guest. A host function that catches a panic out of a nested
/// call may go on: the instance unwinds the entries left suspended.
///
/// ```
/// use sheave_interp::{Linker, Trap, TrapCode};
/// let mut linker = Linker::<Vec<i64>>::new();
/// linker
///     .func_wrap("log_i64", |mut caller: sheave_interp::Caller<'_, Vec<i64>>, x: i64| caller.data_mut().push(x))?
///     .func_wrap("half", |x: f64| x / 2.0)?
///     .func_wrap("checked_div", |a: i32, b: i32| {
///         a.checked_div(b).ok_or(Trap::raise(TrapCode::INTEGER_DIVISION_BY_ZERO))
///     })?;
/// # Ok::<(), sheave_interp::Error>(())
/// ```
pub struct Linker<T> {
    funcs: BTreeMap<String, HostFunc<T>>,
}

impl<T> Default for Linker<T> {
    fn default() -> Self {
        Linker::new()
    }
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new() -> Linker<T> {
        Linker { funcs: BTreeMap::new() }
    }

    /// Define host function `name` from a Rust closure; its signature comes
    /// from the closure's argument and result types.
    pub fn func_wrap<Params, Results>(
        &mut self,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        self.define(name, f.into_func())
    }

    /// Define host function `name` with an explicit signature, taking and
    /// returning [`Val`]s: `results` arrives holding zeros of the result
    /// types and must leave holding values of those types.
    pub fn func_new(
        &mut self,
        name: &str,
        params: &[ValType],
        results: &[ValType],
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
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
            if count(&float, types) > crate::ARG_REGS || count(&int, types) > crate::ARG_REGS {
                return Err(Error::UnsupportedSignature {
                    function: name.into(),
                    reason: alloc::format!(
                        "host functions take and return at most {} values of each register class",
                        crate::ARG_REGS
                    ),
                });
            }
        }
        let (param_types, result_types) = (params.to_vec(), results.to_vec());
        let fname = String::from(name);
        let call = move |instance: &mut Instance<T>| -> Result<(), Trap> {
            let args = instance.vm().results(&param_types).map_err(|e| Trap::new(alloc::format!("{e}")))?;
            let mut results: Vec<Val> = result_types.iter().map(|t| zero(*t)).collect();
            f(Caller { instance: &mut *instance }, &args, &mut results)?;
            for (index, (v, ty)) in results.iter().zip(&result_types).enumerate() {
                if v.ty() != *ty {
                    let e =
                        Error::ResultType { function: fname.clone(), index, expected: *ty, given: v.ty() };
                    return Err(Trap::new(alloc::format!("{e}")));
                }
            }
            instance.vm_mut().set_values(&results).map_err(|e| Trap::new(alloc::format!("{e}")))
        };
        self.define(
            name,
            HostFunc { params: params.to_vec(), results: results.to_vec(), call: Arc::new(call) },
        )
    }

    fn define(&mut self, name: &str, f: HostFunc<T>) -> Result<&mut Self, Error> {
        if self.funcs.contains_key(name) {
            return Err(Error::DuplicateDefinition(name.into()));
        }
        self.funcs.insert(name.into(), f);
        Ok(self)
    }

    /// The host function an import named `name` binds to: its exact name,
    /// or without CLIF's `%` (`%log_i64` binds to `log_i64`).
    fn lookup(&self, name: &str) -> Option<&HostFunc<T>> {
        self.funcs.get(name).or_else(|| self.funcs.get(name.strip_prefix('%')?))
    }

    /// Bind `module`'s imports to this linker's functions and make an
    /// instance of it holding `data`.
    ///
    /// Errors: an import the linker does not define, or defines with
    /// another signature; an import whose types host functions cannot take;
    /// a module that fails validation.
    ///
    /// # Safety
    /// The module's code accesses memory at the addresses it computes, as
    /// compiled code does: every call made through the instance must only
    /// make it access memory that is valid for those accesses (in practice:
    /// the module comes from CLIF you trust, and every pointer you pass in,
    /// such as a [`super::HostBuffer`]'s address or a `vmctx`, points to live
    /// memory of the size that code expects). The VM's own stack is checked.
    pub unsafe fn instantiate(&self, module: &Module, data: T) -> Result<Instance<T>, Error> {
        module.validate()?;
        let mut imports = Vec::with_capacity(module.imports.len());
        for import in &module.imports {
            let params = super::instance::val_types(&import.name, &import.params)?;
            let results = super::instance::val_types(&import.name, &import.results)?;
            let Some(f) = self.lookup(&import.name) else {
                return Err(Error::UnresolvedImport {
                    name: import.name.clone(),
                    signature: signature(&params, &results),
                });
            };
            if f.params != params || f.results != results {
                return Err(Error::ImportTypeMismatch {
                    name: import.name.clone(),
                    expected: signature(&params, &results),
                    defined: signature(&f.params, &f.results),
                });
            }
            imports.push(f.clone());
        }
        let id = Instance::<T>::next_id().ok_or(Error::TooManyInstances)?;
        Ok(Instance::new(module.clone(), imports, data, id))
    }
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
