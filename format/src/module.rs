//! A module's parts, and [`Module`]: parts whose bytecode passed the
//! verifier.

use crate::{ModuleError, ModuleTarget, ScalarType};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

/// A function of a module.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModuleFunction {
    /// Its name (as CLIF prints it, e.g. `%fib`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
    /// Its bytes within [`Module::code`] (or [`ModuleParts::code`]).
    pub range: Range<usize>,
}

/// A host function a module needs, bound by name when it is instantiated.
/// Its code calls it with `call_indirect_host` id
/// [`sheave_opcodes::HOST_FUNC_BASE`] + its index in [`Module::imports`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModuleImport {
    /// Its name (as CLIF prints it, e.g. `%log_i64` or `u0:3`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
}

/// What a module is made of: bytecode, the functions in it and the host
/// functions it imports, for a target. Nothing here is checked; making a
/// [`Module`] of it ([`Module::new`]) verifies it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ModuleParts {
    /// What it was compiled for.
    pub target: ModuleTarget,
    /// All functions' bytecode, one after another.
    pub code: Vec<u8>,
    /// The functions.
    pub functions: Vec<ModuleFunction>,
    /// The host functions it calls.
    pub imports: Vec<ModuleImport>,
}

/// Verified bytecode and the functions in it: what an interpreter may run.
///
/// The only ways to make one are [`Module::new`] and
/// [`Module::from_bytes`], and both run the bytecode verifier and check
/// the functions' ranges, the target and every host call, so holding a
/// `Module` is the proof that its code is well formed (every `unsafe` entry
/// into it relies on that). Its parts cannot be changed afterwards. It is
/// shared, not copied: cloning it, or instantiating it many times, costs a
/// reference count.
///
/// ```
/// use sheave_format::{Module, ModuleFunction, ModuleParts, ScalarType};
/// use sheave_opcodes::{XReg, encode};
///
/// let mut code = Vec::new();
/// encode::xadd64(&mut code, XReg::new(0).unwrap(), XReg::new(0).unwrap(), XReg::new(1).unwrap());
/// encode::ret(&mut code);
/// let add = ModuleFunction {
///     name: "%add".into(),
///     params: vec![ScalarType::I64, ScalarType::I64],
///     results: vec![ScalarType::I64],
///     range: 0..code.len(),
/// };
/// let module = Module::new(ModuleParts { code, functions: vec![add], ..Default::default() })?;
/// let file = module.to_bytes()?;
/// assert_eq!(Module::from_bytes(&file)?, module);
/// # Ok::<(), sheave_format::ModuleError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Module {
    parts: Arc<ModuleParts>,
}

impl Module {
    /// Verify `parts` and make a module of them: the target must be one
    /// that exists, every function's range must lie in the code and hold
    /// whole ops, the bytecode must pass [`sheave_opcodes::verify`], and
    /// every host call must name a builtin or one of the imports.
    pub fn new(parts: ModuleParts) -> Result<Module, ModuleError> {
        parts.validate()?;
        Ok(Module { parts: Arc::new(parts) })
    }

    /// The parts, read-only.
    pub fn parts(&self) -> &ModuleParts {
        &self.parts
    }

    /// The parts, to change and verify again (copied if the module is shared).
    pub fn into_parts(self) -> ModuleParts {
        Arc::unwrap_or_clone(self.parts)
    }

    /// What it was compiled for.
    pub fn target(&self) -> ModuleTarget {
        self.parts.target
    }

    /// All functions' bytecode, one after another.
    pub fn code(&self) -> &[u8] {
        &self.parts.code
    }

    /// The functions.
    pub fn functions(&self) -> &[ModuleFunction] {
        &self.parts.functions
    }

    /// The host functions it calls.
    pub fn imports(&self) -> &[ModuleImport] {
        &self.parts.imports
    }

    /// The index in [`Module::imports`] of the import that host-call `id`
    /// names (`HOST_FUNC_BASE` + index), if it names one.
    pub fn import_index(&self, id: u16) -> Option<usize> {
        self.parts.import_index(id)
    }

    /// The function named `name`; a leading `%` may be left out.
    pub fn function(&self, name: &str) -> Option<&ModuleFunction> {
        self.function_index(name).map(|i| &self.parts.functions[i])
    }

    /// The index of the function named `name`; a leading `%` may be left out.
    pub fn function_index(&self, name: &str) -> Option<usize> {
        let bare = |n: &str| n.strip_prefix('%').map(String::from).unwrap_or_else(|| n.into());
        let wanted = bare(name);
        let functions = &self.parts.functions;
        functions
            .iter()
            .position(|f| f.name == name)
            .or_else(|| functions.iter().position(|f| bare(&f.name) == wanted))
    }

    /// The function whose code holds byte `offset`, and its index.
    pub fn function_at(&self, offset: usize) -> Option<(usize, &ModuleFunction)> {
        self.parts.functions.iter().enumerate().find(|(_, f)| f.range.contains(&offset))
    }

    /// Serialize to the file format.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModuleError> {
        self.parts.to_bytes()
    }

    /// Parse a module file and verify it as [`Module::new`] does. A
    /// truncated, damaged or version-mismatched file is an error, never a
    /// crash.
    ///
    /// ```
    /// use sheave_format::{Module, ModuleError};
    /// assert_eq!(Module::from_bytes(b"not a module"), Err(ModuleError::BadMagic));
    /// let empty = Module::new(Default::default())?;
    /// let mut file = empty.to_bytes()?;
    /// assert_eq!(Module::from_bytes(&file)?, empty);
    /// file[20] ^= 1; // damage it
    /// assert_eq!(Module::from_bytes(&file), Err(ModuleError::ChecksumMismatch));
    /// # Ok::<(), ModuleError>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Module, ModuleError> {
        Module::new(ModuleParts::from_bytes(bytes)?)
    }
}

impl ModuleParts {
    /// Check what [`Module::new`] checks, without making a module.
    pub fn validate(&self) -> Result<(), ModuleError> {
        self.target.check()?;
        let ranges: Vec<Range<usize>> = self.functions.iter().map(|f| f.range.clone()).collect();
        sheave_opcodes::verify(&self.code, &ranges).map_err(ModuleError::Verify)?;
        for f in &self.functions {
            // Verified: every op of the range decodes.
            let ops = sheave_opcodes::decode_all(&self.code[f.range.clone()])
                .map_err(|e| ModuleError::Malformed(alloc::format!("{}: {e}", f.name)))?;
            for (offset, op) in ops {
                let sheave_opcodes::Op::CallIndirectHost(call) = op else { continue };
                let known = sheave_opcodes::Builtin::from_id(call.id).is_some()
                    || self.import_index(call.id).is_some();
                if !known {
                    return Err(ModuleError::Malformed(alloc::format!(
                        "{}+{offset:#x} calls host function {}, which is neither a builtin nor one of the module's {} imports",
                        f.name,
                        call.id,
                        self.imports.len()
                    )));
                }
            }
        }
        Ok(())
    }

    /// The index in [`ModuleParts::imports`] of the import that host-call
    /// `id` names, if it names one.
    pub fn import_index(&self, id: u16) -> Option<usize> {
        id.checked_sub(sheave_opcodes::HOST_FUNC_BASE).map(usize::from).filter(|&k| k < self.imports.len())
    }
}
