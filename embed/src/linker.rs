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
    /// C functions by name, with their C signatures.
    #[cfg(feature = "ffi")]
    natives: BTreeMap<String, (crate::native::NativeFn, Option<crate::native::NativeSignature>)>,
    /// Libraries (and the process) to bind still-unresolved imports from,
    /// in order.
    #[cfg(feature = "ffi")]
    libraries: Vec<alloc::sync::Arc<crate::native::NativeLibrary>>,
}

impl<T> Default for Linker<T> {
    fn default() -> Self {
        Linker::new()
    }
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new() -> Linker<T> {
        Linker {
            funcs: BTreeMap::new(),
            #[cfg(feature = "ffi")]
            natives: BTreeMap::new(),
            #[cfg(feature = "ffi")]
            libraries: Vec::new(),
        }
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
        self.check_new(name)?;
        self.funcs.insert(name.into(), f);
        Ok(self)
    }

    fn check_new(&self, name: &str) -> Result<(), Error> {
        #[cfg(feature = "ffi")]
        let native = self.natives.contains_key(name);
        #[cfg(not(feature = "ffi"))]
        let native = false;
        if self.funcs.contains_key(name) || native {
            return Err(Error::DuplicateDefinition(name.into()));
        }
        Ok(())
    }

    /// Whether the linker defines `name` (a host function or a C function).
    pub fn defines(&self, name: &str) -> bool {
        self.check_new(name).is_err()
    }

    /// The host function an import named `name` binds to: its exact name,
    /// or without CLIF's `%` (`%log_i64` binds to `log_i64`).
    fn lookup(&self, name: &str) -> Option<&HostFunc<T>> {
        self.funcs.get(name).or_else(|| self.funcs.get(name.strip_prefix('%')?))
    }

    /// Bind `module`'s imports to this linker's functions and make an
    /// instance of it holding `data`.
    ///
    /// Each import binds to a host function of its name; else (feature
    /// `ffi`) to a C function given by [`Linker::func_native`]; else to
    /// the symbol of its name in the first library added by
    /// [`Linker::native_library`] or [`Linker::native_process`] that has
    /// one.
    ///
    /// Errors: an import nothing defines, or a host function defines with
    /// another signature; an import whose types host functions cannot take;
    /// a C function whose signature does not fit the import's. The module
    /// itself was verified when it was made, and is shared, not copied.
    ///
    /// # Safety
    /// The module's code accesses memory at the addresses it computes, as
    /// compiled code does: every call made through the instance must only
    /// make it access memory that is valid for those accesses (in practice:
    /// the module comes from CLIF you trust, and every pointer you pass in,
    /// such as a [`crate::HostBuffer`]'s address or a `vmctx`, points to live
    /// memory of the size that code expects). The VM's own stack is checked.
    /// A C function bound by name must have the C signature derived from
    /// the import's (see [`crate::native`]), as a C compiler would trust a
    /// prototype.
    pub unsafe fn instantiate(&self, module: &Module, data: T) -> Result<Instance<T>, Error> {
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let Some(f) = self.lookup(&import.name) else {
                #[cfg(feature = "ffi")]
                if let Some(native) = self.native_binding(import, module.target())? {
                    imports.push(native);
                    continue;
                }
                let params = val_types(&import.name, &import.params)?;
                let results = val_types(&import.name, &import.results)?;
                return Err(Error::UnresolvedImport {
                    name: import.name.clone(),
                    signature: signature(&params, &results),
                });
            };
            let params = val_types(&import.name, &import.params)?;
            let results = val_types(&import.name, &import.results)?;
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

    /// Instantiate `module` in checked mode: a module from anyone, safely.
    /// Its code may only access its VM stack and the buffers granted to it
    /// ([`Store::grant`]); an access anywhere else traps with `heap_oob`
    /// (naming the function and offset) before it happens. Its indirect
    /// calls may only reach its functions' starts (so bound imports too,
    /// through their stubs), its returns only the ops after its calls, and
    /// its frame records only its stack. Combine with
    /// [`Store::set_fuel`] to bound how long it runs.
    ///
    /// Imports bind only to Rust host functions (safe code): an import that
    /// would bind to native code is an error, since C reaches all memory.
    pub fn instantiate_checked(&self, module: &Module, data: T) -> Result<Instance<T>, Error> {
        for import in module.imports() {
            if self.lookup(&import.name).is_none() {
                let params = val_types(&import.name, &import.params)?;
                let results = val_types(&import.name, &import.results)?;
                return Err(Error::UnresolvedImport {
                    name: import.name.clone(),
                    signature: alloc::format!(
                        "{} (a checked instance binds imports to Rust host functions only)",
                        signature(&params, &results)
                    ),
                });
            }
        }
        // SAFETY: checked mode checks every memory access, indirect call,
        // return and frame record of the guest against its own stack, code
        // and granted buffers before it happens, and its imports are safe
        // Rust closures (checked above), so the guest cannot touch memory
        // it was not given, whatever its code computes.
        let mut instance = unsafe { self.instantiate(module, data) }?;
        instance.enable_checks();
        Ok(instance)
    }
}

#[cfg(feature = "ffi")]
impl<T> Linker<T> {
    /// Define `name` as the C function at `function`, of C signature
    /// `signature`. An import of that name (or that name with CLIF's `%`)
    /// binds to it if the signatures fit: each CLIF parameter is a C
    /// parameter of its width and class, `sarg(n)` a C struct of `n` bytes
    /// by value, and `sret` the C function's struct result.
    ///
    /// ```
    /// use sheave_embed::{Linker, NativeSignature, NativeType};
    /// extern "C" fn add(a: i64, b: i64) -> i64 {
    ///     a + b
    /// }
    /// let mut linker = Linker::<()>::new();
    /// let signature = NativeSignature::new([NativeType::I64, NativeType::I64], Some(NativeType::I64));
    /// // SAFETY: `add` has that signature and lives as long as the program.
    /// unsafe { linker.func_native("add", add as *const _, signature) }?;
    /// # Ok::<(), sheave_embed::Error>(())
    /// ```
    ///
    /// # Safety
    /// `function` is a C function of that signature, callable for as long
    /// as instances made by this linker live.
    pub unsafe fn func_native(
        &mut self,
        name: &str,
        function: *const core::ffi::c_void,
        signature: crate::native::NativeSignature,
    ) -> Result<&mut Self, Error> {
        self.check_new(name)?;
        self.natives.insert(name.into(), (crate::native::NativeFn(function), Some(signature)));
        Ok(self)
    }

    /// Define `name` as the C function at `function`, whose C signature is
    /// the one derived from the importing module's CLIF signature, as for a
    /// symbol found by [`Linker::native_library`] (what cranelift-jit's
    /// users give with `JITBuilder::symbol`).
    ///
    /// # Safety
    /// `function` is a C function of the signature derived from the import
    /// that binds to it, callable for as long as instances made by this
    /// linker live.
    pub unsafe fn func_native_symbol(
        &mut self,
        name: &str,
        function: *const core::ffi::c_void,
    ) -> Result<&mut Self, Error> {
        self.check_new(name)?;
        self.natives.insert(name.into(), (crate::native::NativeFn(function), None));
        Ok(self)
    }

    /// Bind imports that nothing else defines to the functions of that
    /// name in the shared library at `path` (and only there: a symbol the
    /// library finds in one of its own dependencies is not taken). The
    /// library stays loaded while an instance uses it.
    ///
    /// # Safety
    /// Opening a library runs its initialization code. The functions bound
    /// must have the C signatures derived from the imports' (see
    /// [`Linker::instantiate`]).
    pub unsafe fn native_library(&mut self, path: impl AsRef<std::path::Path>) -> Result<&mut Self, Error> {
        let path = path.as_ref();
        // SAFETY: forwarded from the caller.
        let library = unsafe { crate::native::NativeLibrary::open(path) }
            .map_err(|reason| Error::NativeLibrary { path: alloc::format!("{}", path.display()), reason })?;
        self.libraries.push(alloc::sync::Arc::new(library));
        Ok(self)
    }

    /// Bind imports that nothing else defines to the functions of that
    /// name in the running process: the C library, the executable's own
    /// exported functions, every library it loaded, and the C math library
    /// (opened here where it is a library of its own, as glibc's
    /// `libm.so.6` is). This is what cranelift-jit does by default.
    pub fn native_process(&mut self) -> Result<&mut Self, Error> {
        let process = crate::native::NativeLibrary::process()
            .map_err(|reason| Error::NativeLibrary { path: "the process".into(), reason })?;
        self.libraries.push(alloc::sync::Arc::new(process));
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: the C math library is part of the C runtime, whose
        // initialization the process has already run for libc.
        if let Ok(libm) = unsafe { crate::native::NativeLibrary::open(std::path::Path::new("libm.so.6")) } {
            self.libraries.push(alloc::sync::Arc::new(libm));
        }
        Ok(self)
    }

    /// The C function `import` binds to, if the linker has one for it.
    fn native_binding(
        &self,
        import: &sheave_format::ModuleImport,
        target: sheave_format::ModuleTarget,
    ) -> Result<Option<alloc::sync::Arc<crate::store::HostCallable<T>>>, Error> {
        let bare = import.name.strip_prefix('%');
        let given = self.natives.get(&import.name).or_else(|| self.natives.get(bare?));
        if let Some((function, signature)) = given {
            return crate::native::bind(import, target, function.0, signature.as_ref(), None).map(Some);
        }
        // Only CLIF's `%name`s are symbol names (`u0:5` is not).
        let Some(symbol) = bare else { return Ok(None) };
        if self.libraries.is_empty() {
            return Ok(None);
        }
        for library in &self.libraries {
            if let Some(function) = library.symbol(symbol) {
                return crate::native::bind(import, target, function, None, Some(library.clone())).map(Some);
            }
        }
        let searched: Vec<String> = self.libraries.iter().map(|l| l.describe()).collect();
        Err(Error::NativeImport {
            name: import.name.clone(),
            reason: alloc::format!(
                "no host function of that name, and no symbol `{symbol}` in {}",
                searched.join(", ")
            ),
        })
    }
}
