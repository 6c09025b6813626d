//! [`SheaveModule`]: the `cranelift_module::Module` whose functions run on
//! Sheave.
//!
//! Defining a function compiles it to bytecode at once (errors come back
//! from `define_function`); defining a data object allocates and fills its
//! memory. `finalize_definitions` links every function defined so far into
//! one verified module, with the data objects' addresses in its code, binds
//! its imports (Rust closures, then `symbol`s, lookup functions and the
//! process's symbols, through libffi), instantiates it, and writes the new
//! data objects' relocations. Each finalization makes a new instance over
//! all functions so far, so new code calls old; earlier instances stay
//! alive, so pointers handed out before keep working.

use crate::builder::{Address, Lookup, SheaveBuilder};
use crate::data::DataObject;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, LibCall, UserFuncName};
use cranelift_codegen::{Context, isa};
use cranelift_module::{
    DataDescription, DataId, FuncId, Linkage, Module, ModuleDeclarations, ModuleError, ModuleRelocTarget,
    ModuleResult,
};
use sheave_codegen::{CompiledFunction, ModuleBuilder, Target};
use sheave_embed::{Instance, Linker, NativeCallback, Trap, TypedFunc, ValueList};
use std::collections::{BTreeMap, HashMap};

fn backend(e: impl Into<anyhow::Error>) -> ModuleError {
    ModuleError::Backend(e.into())
}

fn backend_msg(message: String) -> ModuleError {
    ModuleError::Backend(anyhow::Error::msg(message))
}

/// The name a function or data object has in the bytecode module: CLIF's
/// user name `u0:N` (functions) or `u1:N` (data), as `cranelift-module`
/// declares them in the functions that refer to them.
fn user_name(namespace: u32, index: u32) -> String {
    format!("u{namespace}:{index}")
}

/// `u{namespace}:N` back to `N`.
fn parse_user(name: &str, namespace: u32) -> Option<u32> {
    name.strip_prefix(&format!("u{namespace}:"))?.parse().ok()
}

/// A `cranelift_module::Module` whose functions are compiled to Sheave
/// bytecode and run on its interpreter: a drop-in for cranelift-jit's
/// `JITModule` where native code may not be generated.
///
/// ```
/// use cranelift_codegen::ir::{AbiParam, InstBuilder, types};
/// use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
/// use cranelift_module::{Linkage, Module, default_libcall_names};
/// use sheave_module::{SheaveBuilder, SheaveModule};
///
/// let mut module = SheaveModule::new(SheaveBuilder::new(default_libcall_names())?);
/// let mut ctx = module.make_context();
/// ctx.func.signature.params.push(AbiParam::new(types::I64));
/// ctx.func.signature.returns.push(AbiParam::new(types::I64));
/// let id = module.declare_function("double", Linkage::Export, &ctx.func.signature)?;
/// let config = module.target_config();
/// let mut fctx = FunctionBuilderContext::new();
/// let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
/// let block = b.create_block();
/// b.append_block_params_for_function_params(block);
/// b.switch_to_block(block);
/// let x = b.block_params(block)[0];
/// let y = b.ins().iadd(x, x);
/// b.ins().return_(&[y]);
/// b.seal_all_blocks();
/// b.finalize(config);
/// module.define_function(id, &mut ctx)?;
/// module.finalize_definitions()?;
///
/// // As with cranelift-jit: a C function pointer...
/// let double: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(module.get_finalized_function(id)) };
/// assert_eq!(double(21), 42);
/// // ... or a typed handle, without `unsafe`.
/// let typed = module.get_typed_func::<i64, i64>(id)?;
/// assert_eq!(typed.call(&mut module, 5)?, 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SheaveModule {
    target: Target,
    declarations: ModuleDeclarations,
    symbols: HashMap<String, Address>,
    lookups: Vec<Lookup>,
    libcall_names: Box<dyn Fn(LibCall) -> String + Send + Sync>,
    linker: Linker<()>,
    /// Whether the process's symbols were added to the linker.
    process_symbols: bool,
    /// Every defined function, compiled.
    functions: BTreeMap<FuncId, CompiledFunction>,
    /// Functions defined since the last finalization.
    unfinalized: Vec<FuncId>,
    /// The instance of each finalization; the last has every function.
    /// Dropped before the data objects, which their code points into.
    instances: Vec<Instance<()>>,
    /// The C function pointer of each finalized function, in the instance
    /// of its latest finalization.
    callbacks: HashMap<FuncId, NativeCallback>,
    data: BTreeMap<DataId, DataObject>,
}

impl SheaveModule {
    /// A module from a builder.
    pub fn new(builder: SheaveBuilder) -> SheaveModule {
        SheaveModule {
            target: builder.target,
            declarations: ModuleDeclarations::default(),
            symbols: builder.symbols,
            lookups: builder.lookups,
            libcall_names: builder.libcall_names,
            linker: builder.linker,
            process_symbols: false,
            functions: BTreeMap::new(),
            unfinalized: Vec::new(),
            instances: Vec::new(),
            callbacks: HashMap::new(),
            data: BTreeMap::new(),
        }
    }

    /// The address a symbol `name` of the embedder's resolves to:
    /// `symbol`s, then the lookup functions (latest first), then the
    /// process.
    fn lookup_symbol(&self, name: &str) -> Option<*const u8> {
        if let Some(a) = self.symbols.get(name) {
            return Some(a.0);
        }
        if let Some(found) = self.lookups.iter().rev().find_map(|f| f(name)) {
            return Some(found);
        }
        process_symbol(name)
    }

    fn function_declared(&self, id: FuncId) -> bool {
        self.declarations.get_functions().any(|(declared, _)| declared == id)
    }

    fn data_declared(&self, id: DataId) -> bool {
        self.declarations.get_data_objects().any(|(declared, _)| declared == id)
    }

    /// The address of a data object (defined here, or an import).
    fn data_address(&self, id: DataId) -> ModuleResult<*const u8> {
        if let Some(object) = self.data.get(&id) {
            return Ok(object.address());
        }
        if !self.data_declared(id) {
            return Err(ModuleError::Undeclared(format!("data object {id}")));
        }
        let decl = self.declarations.get_data_decl(id);
        let name = decl.linkage_name(id).into_owned();
        if decl.linkage != Linkage::Import {
            return Err(backend_msg(format!("data object `{name}` is declared but not defined")));
        }
        self.lookup_symbol(&name)
            .ok_or_else(|| backend_msg(format!("imported data object `{name}`: no symbol of that name")))
    }

    /// The address a relocation in a data object names.
    fn reloc_address(&self, target: &ModuleRelocTarget) -> ModuleResult<*const u8> {
        match *target {
            ModuleRelocTarget::User { namespace: 0, index } => {
                let id = FuncId::from_u32(index);
                if let Some(callback) = self.callbacks.get(&id) {
                    return Ok(callback.as_ptr().cast());
                }
                if !self.function_declared(id) {
                    return Err(ModuleError::Undeclared(format!("function {id}")));
                }
                let decl = self.declarations.get_function_decl(id);
                let name = decl.linkage_name(id).into_owned();
                if self.functions.contains_key(&id) {
                    return Err(backend_msg(format!(
                        "function `{name}` cannot be called from C, so its address cannot be stored in data"
                    )));
                }
                if decl.linkage != Linkage::Import {
                    return Err(backend_msg(format!("function `{name}` is declared but not defined")));
                }
                self.lookup_symbol(&name)
                    .ok_or_else(|| backend_msg(format!("imported function `{name}`: no symbol of that name")))
            }
            ModuleRelocTarget::User { namespace: 1, index } => self.data_address(DataId::from_u32(index)),
            ModuleRelocTarget::LibCall(libcall) => {
                let name = (self.libcall_names)(libcall);
                self.lookup_symbol(&name)
                    .ok_or_else(|| backend_msg(format!("libcall `{name}`: no symbol of that name")))
            }
            ref other => Err(backend_msg(format!("relocations to {other} are not supported"))),
        }
    }

    /// Link, bind and instantiate every function defined so far, and write
    /// the relocations of the data objects defined since the last time.
    /// Functions may be defined after this (and this called again); calls
    /// between the functions of different rounds work.
    pub fn finalize_definitions(&mut self) -> ModuleResult<()> {
        if !self.unfinalized.is_empty() {
            self.link_functions()?;
        }
        let pending: Vec<DataId> =
            self.data.iter().filter(|(_, d)| !d.finalized).map(|(id, _)| *id).collect();
        for id in pending {
            let description = self.data[&id].description.clone();
            let mut writes = Vec::new();
            for (offset, func) in &description.function_relocs {
                writes.push((*offset, self.reloc_address(&description.function_decls[*func])? as usize));
            }
            for (offset, gv, addend) in &description.data_relocs {
                let base = self.reloc_address(&description.data_decls[*gv])? as usize;
                writes.push((*offset, base.wrapping_add_signed(*addend as isize)));
            }
            let name = self.declarations.get_data_decl(id).linkage_name(id).into_owned();
            let object = self.data.get_mut(&id).expect("listed above");
            for (offset, value) in writes {
                object
                    .write_pointer(offset as usize, value)
                    .map_err(|e| backend_msg(format!("data object `{name}`: {e}")))?;
            }
            object.finalized = true;
        }
        Ok(())
    }

    fn link_functions(&mut self) -> ModuleResult<()> {
        let mut builder = ModuleBuilder::new();
        let mut symbols = Vec::new();
        for f in self.functions.values() {
            builder.add(f.clone());
            symbols.extend(f.symbol_refs.iter().map(|(_, name, _)| name.clone()));
        }
        symbols.sort();
        symbols.dedup();
        for symbol in symbols {
            let Some(index) = parse_user(&symbol, 1) else {
                return Err(backend_msg(format!(
                    "`symbol_value` of {symbol}, which is not a data object of this module"
                )));
            };
            let address = self.data_address(DataId::from_u32(index))?;
            builder.define_symbol(&symbol, address as u64);
        }
        let module = builder.finish().map_err(backend)?;
        // Imports are named as the functions that call them declared them
        // (`u0:N`); bind them by their declarations' names.
        let mut parts = module.into_parts();
        for import in &mut parts.imports {
            let Some(index) = parse_user(&import.name, 0) else { continue };
            let id = FuncId::from_u32(index);
            if !self.function_declared(id) {
                return Err(ModuleError::Undeclared(format!("function {id} (called as {})", import.name)));
            }
            let decl = self.declarations.get_function_decl(id);
            let name = decl.linkage_name(id).into_owned();
            if decl.linkage != Linkage::Import {
                return Err(backend_msg(format!("function `{name}` is called but not defined")));
            }
            let given = || {
                self.symbols
                    .get(&name)
                    .map(|a| a.0)
                    .or_else(|| self.lookups.iter().rev().find_map(|f| f(&name)))
            };
            if let Some(address) = (!self.linker.defines(&name)).then(given).flatten() {
                // SAFETY: the embedder gave this address for this name, as
                // cranelift-jit's users do: a C function with the signature
                // the code declares for it.
                unsafe { self.linker.func_native_symbol(&name, address.cast()) }.map_err(backend)?;
            }
            import.name = format!("%{name}");
        }
        if !self.process_symbols {
            self.linker.native_process().map_err(backend)?;
            self.process_symbols = true;
        }
        let module = sheave_format::Module::new(parts).map_err(backend)?;
        // SAFETY: the code is the embedder's CLIF, whose memory accesses are
        // theirs to vouch for, as with cranelift-jit (where it would run
        // natively); its imports are bound to what the embedder named.
        let mut instance = unsafe { self.linker.instantiate(&module, ()) }.map_err(backend)?;
        // Client code calls the functions' pointers directly, while the
        // instance is idle.
        instance.allow_idle_callbacks();
        for &id in self.functions.keys() {
            let func = instance.get_func(&user_name(0, id.as_u32())).map_err(backend)?;
            // A function C cannot call (several results, i128, vectors) has
            // no pointer; `get_typed_func` still reaches it.
            if let Ok(callback) = instance.native_callback(&func) {
                self.callbacks.insert(id, callback);
            } else {
                self.callbacks.remove(&id);
            }
        }
        self.instances.push(instance);
        self.unfinalized.clear();
        Ok(())
    }

    /// A C function pointer to finalized function `id` (cast it to its
    /// `extern "C" fn` type, as with cranelift-jit), or null if it is not
    /// finalized or C cannot call it (several results, `i128`, vectors:
    /// use [`SheaveModule::get_typed_func`]). It stays valid as long as the
    /// module lives; call it from the thread that uses the module.
    pub fn get_finalized_function(&self, id: FuncId) -> *const u8 {
        self.callbacks.get(&id).map_or(std::ptr::null(), |c| c.as_ptr().cast())
    }

    /// The address and size of defined data object `id` (null and 0 if it
    /// is not defined). Its relocations are written once it is finalized.
    pub fn get_finalized_data(&self, id: DataId) -> (*const u8, usize) {
        self.data.get(&id).map_or((std::ptr::null(), 0), |d| (d.address().cast_const(), d.size()))
    }

    /// Finalized function `id` as a typed handle, checked once against
    /// `Params -> Results`; call it with [`SheaveFunc::call`].
    pub fn get_typed_func<Params: ValueList, Results: ValueList>(
        &self,
        id: FuncId,
    ) -> ModuleResult<SheaveFunc<Params, Results>> {
        if !self.function_declared(id) {
            return Err(ModuleError::Undeclared(format!("function {id}")));
        }
        let name = self.declarations.get_function_decl(id).linkage_name(id).into_owned();
        let Some(instance) = self
            .instances
            .last()
            .filter(|_| self.functions.contains_key(&id) && !self.unfinalized.contains(&id))
        else {
            return Err(backend_msg(format!("function `{name}` is not finalized")));
        };
        let func = instance
            .get_typed_func(&user_name(0, id.as_u32()))
            .map_err(|e| backend_msg(format!("`{name}`: {e}")))?;
        Ok(SheaveFunc { instance: self.instances.len() - 1, func })
    }

    /// The trap of the last function called through a pointer from
    /// [`SheaveModule::get_finalized_function`] that trapped (it returned
    /// zero to its caller), if not taken yet.
    pub fn take_trap(&mut self) -> Option<Trap> {
        self.instances.iter_mut().rev().find_map(|i| i.take_callback_trap())
    }

    /// The address a relocation target resolves to (a function's C
    /// pointer, a data object, a symbol), or null, as `JITModule::get_address`.
    pub fn get_address(&self, name: &ModuleRelocTarget) -> *const u8 {
        self.reloc_address(name).unwrap_or(std::ptr::null())
    }

    /// Free everything: the module's code, instances, closures and data
    /// objects (dropping the module does the same).
    ///
    /// # Safety
    /// No pointer the module handed out (functions, data) is used after
    /// this, as with `JITModule::free_memory`.
    pub unsafe fn free_memory(self) {}
}

/// A finalized function of a [`SheaveModule`], with its signature checked.
pub struct SheaveFunc<Params, Results> {
    instance: usize,
    func: TypedFunc<Params, Results>,
}

impl<Params: ValueList, Results: ValueList> SheaveFunc<Params, Results> {
    /// Call it; a trap comes back as an error.
    pub fn call(&self, module: &mut SheaveModule, params: Params) -> Result<Results, Trap> {
        let instance = module
            .instances
            .get_mut(self.instance)
            .ok_or_else(|| Trap::new("the function belongs to another module"))?;
        self.func.call(instance, params)
    }
}

/// A symbol of the running process (what cranelift-jit falls back to).
fn process_symbol(name: &str) -> Option<*const u8> {
    let name = std::ffi::CString::new(name).ok()?;
    #[cfg(unix)]
    {
        // SAFETY: `dlsym` on the default handle only reads the name.
        let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        (!found.is_null()).then_some(found.cast_const().cast())
    }
    #[cfg(not(unix))]
    {
        let _ = name;
        None
    }
}

impl Module for SheaveModule {
    fn isa(&self) -> &dyn isa::TargetIsa {
        self.target.isa()
    }

    fn declarations(&self) -> &ModuleDeclarations {
        &self.declarations
    }

    fn declare_function(
        &mut self,
        name: &str,
        linkage: Linkage,
        signature: &ir::Signature,
    ) -> ModuleResult<FuncId> {
        let (id, _) = self.declarations.declare_function(name, linkage, signature)?;
        Ok(id)
    }

    fn declare_anonymous_function(&mut self, signature: &ir::Signature) -> ModuleResult<FuncId> {
        self.declarations.declare_anonymous_function(signature)
    }

    fn declare_data(
        &mut self,
        name: &str,
        linkage: Linkage,
        writable: bool,
        tls: bool,
    ) -> ModuleResult<DataId> {
        if tls {
            return Err(backend_msg(format!("data object `{name}`: thread-local data is not supported")));
        }
        let (id, _) = self.declarations.declare_data(name, linkage, writable, tls)?;
        Ok(id)
    }

    fn declare_anonymous_data(&mut self, writable: bool, tls: bool) -> ModuleResult<DataId> {
        if tls {
            return Err(backend_msg("thread-local data is not supported".into()));
        }
        self.declarations.declare_anonymous_data(writable, tls)
    }

    fn define_function_with_control_plane(
        &mut self,
        id: FuncId,
        ctx: &mut Context,
        _ctrl_plane: &mut ControlPlane,
    ) -> ModuleResult<()> {
        let decl = self.declarations.get_function_decl(id);
        let name = decl.linkage_name(id).into_owned();
        if !decl.linkage.is_definable() {
            return Err(ModuleError::InvalidImportDefinition(name));
        }
        if self.functions.contains_key(&id) {
            return Err(ModuleError::DuplicateDefinition(name));
        }
        if ctx.func.signature != decl.signature {
            return Err(ModuleError::IncompatibleSignature(
                name,
                decl.signature.clone(),
                ctx.func.signature.clone(),
            ));
        }
        let mut func = ctx.func.clone();
        func.name = UserFuncName::user(0, id.as_u32());
        let compiled = sheave_codegen::compile(&func, &self.target)
            .map_err(|e| backend(anyhow::Error::new(e).context(format!("cannot compile `{name}`"))))?;
        self.functions.insert(id, compiled);
        self.unfinalized.push(id);
        Ok(())
    }

    fn define_function_bytes(
        &mut self,
        id: FuncId,
        _alignment: u64,
        _bytes: &[u8],
        _relocs: &[cranelift_module::ModuleReloc],
    ) -> ModuleResult<()> {
        let name = self.declarations.get_function_decl(id).linkage_name(id).into_owned();
        Err(backend_msg(format!(
            "`{name}`: SheaveModule runs bytecode it compiles from CLIF, and cannot take machine code (define_function_bytes)"
        )))
    }

    fn define_data(&mut self, id: DataId, description: &DataDescription) -> ModuleResult<()> {
        let decl = self.declarations.get_data_decl(id);
        let name = decl.linkage_name(id).into_owned();
        if !decl.linkage.is_definable() {
            return Err(ModuleError::InvalidImportDefinition(name));
        }
        if self.data.contains_key(&id) {
            return Err(ModuleError::DuplicateDefinition(name));
        }
        let object = DataObject::new(&name, description)?;
        self.data.insert(id, object);
        Ok(())
    }
}
