//! A module's parts, and [`Module`]: parts whose bytecode passed the
//! verifier.

use crate::{ModuleError, ModuleTarget, ParamAbi, ScalarType};
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
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ModuleImport {
    /// Its name (as CLIF prints it, e.g. `%log_i64` or `u0:3`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
    /// How each value is passed to a native function (`uext`, `sarg`, ...).
    pub abi: ImportAbi,
}

/// How each parameter and result of an import is passed, beyond its type.
/// An empty list means every value of it is [`ParamAbi::Plain`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ImportAbi {
    /// One per parameter, or none.
    pub params: Vec<ParamAbi>,
    /// One per result, or none.
    pub results: Vec<ParamAbi>,
}

impl ImportAbi {
    /// How parameter `index` is passed.
    pub fn param(&self, index: usize) -> ParamAbi {
        self.params.get(index).copied().unwrap_or_default()
    }

    /// How result `index` is passed.
    pub fn result(&self, index: usize) -> ParamAbi {
        self.results.get(index).copied().unwrap_or_default()
    }
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
    /// The signatures of its indirect call sites, by offset (ascending).
    pub indirect_calls: Vec<IndirectCall>,
}

/// The signature a `call_indirect` or `return_call_indirect` op calls
/// with: what a call through a pointer that is not the module's code (a C
/// function pointer) needs.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct IndirectCall {
    /// Byte offset of the op in the code.
    pub offset: usize,
    /// Parameter types.
    pub params: Vec<ScalarType>,
    /// Result types.
    pub results: Vec<ScalarType>,
    /// How each value is passed to a native function.
    pub abi: ImportAbi,
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
        // Ids from `FOREIGN_CALL_ID` up are the VM's own.
        if self.imports.len() > usize::from(sheave_opcodes::FOREIGN_CALL_ID - sheave_opcodes::HOST_FUNC_BASE)
        {
            return Err(ModuleError::Malformed(alloc::format!("{} imports is too many", self.imports.len())));
        }
        for import in &self.imports {
            validate_abi(
                &alloc::format!("import {}", import.name),
                &import.params,
                &import.results,
                &import.abi,
                self.target,
            )?;
        }
        for (k, call) in self.indirect_calls.iter().enumerate() {
            if k > 0 && self.indirect_calls[k - 1].offset >= call.offset {
                return Err(ModuleError::Malformed("indirect call sites out of order".into()));
            }
            let what = alloc::format!("indirect call at {:#x}", call.offset);
            validate_abi(&what, &call.params, &call.results, &call.abi, self.target)?;
        }
        let mut indirect_ops = Vec::new();
        let ranges: Vec<Range<usize>> = self.functions.iter().map(|f| f.range.clone()).collect();
        sheave_opcodes::verify(&self.code, &ranges).map_err(ModuleError::Verify)?;
        for f in &self.functions {
            // Verified: every op of the range decodes.
            let ops = sheave_opcodes::decode_all(&self.code[f.range.clone()])
                .map_err(|e| ModuleError::Malformed(alloc::format!("{}: {e}", f.name)))?;
            for (offset, op) in ops {
                if matches!(
                    op,
                    sheave_opcodes::Op::CallIndirect(_)
                        | sheave_opcodes::Op::ReturnCallIndirect(_)
                        | sheave_opcodes::Op::ReturnCallIndirectF(_)
                ) {
                    indirect_ops.push(f.range.start + offset);
                }
                let Some(id) = op.host_call_id() else { continue };
                let known = sheave_opcodes::Builtin::from_id(id).is_some() || self.import_index(id).is_some();
                if !known {
                    return Err(ModuleError::Malformed(alloc::format!(
                        "{}+{offset:#x} calls host function {}, which is neither a builtin nor one of the module's {} imports",
                        f.name,
                        id,
                        self.imports.len()
                    )));
                }
            }
        }
        indirect_ops.sort_unstable();
        for call in &self.indirect_calls {
            if indirect_ops.binary_search(&call.offset).is_err() {
                return Err(ModuleError::Malformed(alloc::format!(
                    "indirect call site {:#x} is not a call_indirect op",
                    call.offset
                )));
            }
        }
        Ok(())
    }

    /// The signature of the indirect call op at `offset`, if it has one.
    pub fn indirect_call(&self, offset: usize) -> Option<&IndirectCall> {
        let k = self.indirect_calls.binary_search_by_key(&offset, |c| c.offset).ok()?;
        self.indirect_calls.get(k)
    }

    /// The index in [`ModuleParts::imports`] of the import that host-call
    /// `id` names, if it names one.
    pub fn import_index(&self, id: u16) -> Option<usize> {
        id.checked_sub(sheave_opcodes::HOST_FUNC_BASE).map(usize::from).filter(|&k| k < self.imports.len())
    }
}

/// ABI flags fit their values' types: one per value (or none), extensions
/// only on integers narrower than 64 bits, `sarg` and `sret` only on
/// parameters of the target's pointer type, and at most one `sret`.
fn validate_abi(
    name: &str,
    params: &[ScalarType],
    results: &[ScalarType],
    abi: &ImportAbi,
    target: ModuleTarget,
) -> Result<(), ModuleError> {
    let bad = |why: alloc::string::String| Err(ModuleError::Malformed(alloc::format!("{name}: {why}")));
    {
        for (what, abi, types) in [("parameter", &abi.params, params), ("result", &abi.results, results)] {
            if !abi.is_empty() && abi.len() != types.len() {
                return bad(alloc::format!("{} {what} flags for {} {what}s", abi.len(), types.len()));
            }
            for (index, (flag, ty)) in abi.iter().zip(types.iter()).enumerate() {
                let narrow_int = matches!(ty, ScalarType::I8 | ScalarType::I16 | ScalarType::I32);
                let pointer =
                    *ty == if target.pointer_bits == 32 { ScalarType::I32 } else { ScalarType::I64 };
                let fits = match flag {
                    ParamAbi::Plain => true,
                    ParamAbi::Uext | ParamAbi::Sext => narrow_int,
                    ParamAbi::StructArgument(size) => what == "parameter" && pointer && *size > 0,
                    ParamAbi::StructReturn => what == "parameter" && pointer,
                };
                if !fits {
                    return bad(alloc::format!("{what} {index} of type {ty} cannot be passed as {flag:?}"));
                }
            }
        }
        if abi.params.iter().filter(|f| **f == ParamAbi::StructReturn).count() > 1 {
            return bad("more than one sret parameter".into());
        }
        Ok(())
    }
}
