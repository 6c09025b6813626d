//! [`SheaveBuilder`]: what a [`crate::SheaveModule`] starts from, as
//! cranelift-jit's `JITBuilder` is for a `JITModule`.

use cranelift_codegen::ir::LibCall;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_module::{ModuleError, ModuleResult};
use sheave_codegen::Target;
use sheave_embed::{IntoFunc, Linker};
use std::collections::HashMap;

/// An address given by the embedder (a C function or a data object).
#[derive(Clone, Copy)]
pub(crate) struct Address(pub(crate) *const u8);

// SAFETY: an address is only read and handed to the code that uses it; the
// embedder who gave it vouched for what is there (as with cranelift-jit).
unsafe impl Send for Address {}

/// A symbol lookup function, as `JITBuilder::symbol_lookup_fn` takes:
/// the address of a name, if it knows one.
pub type Lookup = Box<dyn Fn(&str) -> Option<*const u8> + Send>;

/// How to make a [`crate::SheaveModule`]: the target's Cranelift flags,
/// the names imports resolve to (`symbol`, `symbol_lookup_fn`, then the
/// process's own symbols, as cranelift-jit does), and Rust host functions
/// (`func_wrap`).
pub struct SheaveBuilder {
    pub(crate) target: Target,
    pub(crate) symbols: HashMap<String, Address>,
    pub(crate) lookups: Vec<Lookup>,
    pub(crate) libcall_names: Box<dyn Fn(LibCall) -> String + Send + Sync>,
    pub(crate) linker: Linker<()>,
}

impl SheaveBuilder {
    /// A builder for the host's pointer width and byte order, with
    /// `opt_level=speed`. `libcall_names` names the libcalls Sheave has no
    /// builtin for (`cranelift_module::default_libcall_names()` does).
    pub fn new(libcall_names: Box<dyn Fn(LibCall) -> String + Send + Sync>) -> ModuleResult<Self> {
        Self::with_flags(&[], libcall_names)
    }

    /// As [`SheaveBuilder::new`], with Cranelift settings
    /// (`("opt_level", "none")`, ...).
    pub fn with_flags(
        flags: &[(&str, &str)],
        libcall_names: Box<dyn Fn(LibCall) -> String + Send + Sync>,
    ) -> ModuleResult<Self> {
        let mut builder = settings::builder();
        builder.set("opt_level", "speed")?;
        for (name, value) in flags {
            builder.set(name, value)?;
        }
        let pointer_bits = (8 * std::mem::size_of::<usize>()) as u8;
        let target = Target::new(settings::Flags::new(builder), pointer_bits, cfg!(target_endian = "big"))
            .map_err(|e| ModuleError::Backend(anyhow::Error::new(e)))?;
        Ok(SheaveBuilder {
            target,
            symbols: HashMap::new(),
            lookups: Vec::new(),
            libcall_names,
            linker: Linker::new(),
        })
    }

    /// Give symbol `name` the address `ptr`: a C function an import of
    /// that name calls (through libffi, with the C signature derived from
    /// the import's CLIF signature), or a data object. The latest
    /// definition of a name wins.
    pub fn symbol<K: Into<String>>(&mut self, name: K, ptr: *const u8) -> &mut Self {
        self.symbols.insert(name.into(), Address(ptr));
        self
    }

    /// [`SheaveBuilder::symbol`] for each pair.
    pub fn symbols<It, K>(&mut self, symbols: It) -> &mut Self
    where
        It: IntoIterator<Item = (K, *const u8)>,
        K: Into<String>,
    {
        for (name, ptr) in symbols {
            self.symbol(name, ptr);
        }
        self
    }

    /// Look up names [`SheaveBuilder::symbol`] does not give; lookup
    /// functions are asked latest first, before the process's symbols.
    pub fn symbol_lookup_fn(&mut self, lookup: Lookup) -> &mut Self {
        self.lookups.push(lookup);
        self
    }

    /// Bind imports named `name` to a Rust closure (as
    /// `sheave_embed::Linker::func_wrap` does), before any C symbol.
    pub fn func_wrap<Params, Results>(
        &mut self,
        name: &str,
        f: impl IntoFunc<(), Params, Results>,
    ) -> ModuleResult<&mut Self> {
        self.linker.func_wrap(name, f).map_err(|e| ModuleError::Backend(anyhow::Error::new(e)))?;
        Ok(self)
    }
}
