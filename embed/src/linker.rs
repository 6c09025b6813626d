//! [`Linker`]: host functions by name, bound to a module's imports when it
//! is instantiated.

use crate::error::{Error, signature};
use crate::func::{Caller, HostFunc, IntoFunc, val_types};
use crate::instance::Instance;
use crate::store::Store;
use crate::trap::Trap;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use sheave_format::Module;
use sheave_interp::{Val, ValType};

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
/// use sheave_embed::{Linker, Trap, TrapCode};
/// let mut linker = Linker::<Vec<i64>>::new();
/// linker
///     .func_wrap("log_i64", |mut caller: sheave_embed::Caller<'_, Vec<i64>>, x: i64| caller.data_mut().push(x))?
///     .func_wrap("half", |x: f64| x / 2.0)?
///     .func_wrap("checked_div", |a: i32, b: i32| {
///         a.checked_div(b).ok_or(Trap::raise(TrapCode::INTEGER_DIVISION_BY_ZERO))
///     })?;
/// # Ok::<(), sheave_embed::Error>(())
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
        self.define(name, HostFunc::untyped(name, params, results, f)?)
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
    /// another signature; an import whose types host functions cannot take.
    /// The module itself was verified when it was made, and is shared, not
    /// copied.
    ///
    /// # Safety
    /// The module's code accesses memory at the addresses it computes, as
    /// compiled code does: every call made through the instance must only
    /// make it access memory that is valid for those accesses (in practice:
    /// the module comes from CLIF you trust, and every pointer you pass in,
    /// such as a [`crate::HostBuffer`]'s address or a `vmctx`, points to live
    /// memory of the size that code expects). The VM's own stack is checked.
    pub unsafe fn instantiate(&self, module: &Module, data: T) -> Result<Instance<T>, Error> {
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let params = val_types(&import.name, &import.params)?;
            let results = val_types(&import.name, &import.results)?;
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
            imports.push(f.call.clone());
        }
        // The module was verified when it was made; the instance shares it.
        let store = Store::new(module.clone(), imports, data).ok_or(Error::TooManyInstances)?;
        Ok(Instance::new(store))
    }
}
