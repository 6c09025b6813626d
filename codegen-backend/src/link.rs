//! Putting compiled functions into one code buffer and resolving the
//! direct calls between them.

use crate::{Callee, CompiledFunction, Error};
use cranelift_codegen::ir::{Type, types};
use sheave_format::{
    ImportAbi, IndirectCall, Module, ModuleFunction, ModuleImport, ModuleParts, ModuleTarget, ParamAbi,
    ScalarType,
};

/// The module file's name for a CLIF type.
pub fn scalar_type(ty: Type) -> Result<ScalarType, Error> {
    Ok(match ty {
        types::I8 => ScalarType::I8,
        types::I16 => ScalarType::I16,
        types::I32 => ScalarType::I32,
        types::I64 => ScalarType::I64,
        types::I128 => ScalarType::I128,
        types::F32 => ScalarType::F32,
        types::F64 => ScalarType::F64,
        types::F16 => ScalarType::F16,
        types::F128 => ScalarType::F128,
        types::I8X16 => ScalarType::I8x16,
        types::I16X8 => ScalarType::I16x8,
        types::I32X4 => ScalarType::I32x4,
        types::I64X2 => ScalarType::I64x2,
        types::F32X4 => ScalarType::F32x4,
        types::F64X2 => ScalarType::F64x2,
        types::I8X8 => ScalarType::I8x8,
        types::I16X4 => ScalarType::I16x4,
        types::I32X2 => ScalarType::I32x2,
        types::F32X2 => ScalarType::F32x2,
        _ => {
            return Err(Error::link(
                None,
                format!("values of type {ty} cannot cross a module's boundary yet"),
            ));
        }
    })
}

/// The module file's names for the types of a signature's parameters or results.
fn scalar_types(
    function: &str,
    params: &[cranelift_codegen::ir::AbiParam],
) -> Result<Vec<ScalarType>, Error> {
    let with_function = |e| match e {
        Error::Link { reason, .. } => Error::link(Some(function), reason),
        other => other,
    };
    params.iter().map(|p| scalar_type(p.value_type).map_err(with_function)).collect()
}

/// Compiled functions on their way to one [`Module`].
///
/// ```
/// use sheave_codegen::{ModuleBuilder, Target, compile};
/// let funcs = cranelift_reader::parse_functions(
///     "function %one() -> i64 {\nblock0:\n    v0 = iconst.i64 1\n    return v0\n}\n",
/// )?;
/// let mut builder = ModuleBuilder::new();
/// builder.add(compile(&funcs[0], &Target::default_64())?);
/// let module = builder.finish()?;
/// assert_eq!(module.functions()[0].name, "%one");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct ModuleBuilder {
    functions: Vec<CompiledFunction>,
    /// Addresses of the symbols `symbol_value` names (data objects).
    symbols: std::collections::BTreeMap<String, u64>,
}

impl ModuleBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a compiled function.
    pub fn add(&mut self, f: CompiledFunction) {
        self.functions.push(f);
    }

    /// Give symbol `name` (as CLIF prints it: `%name`, `u1:3`) the address
    /// `address`, for the functions' `symbol_value`s of it. A module holds
    /// no data: its symbols are addresses in the memory of the process
    /// that runs it (a data object the embedder allocated), which makes the
    /// module good for this process only.
    pub fn define_symbol(&mut self, name: &str, address: u64) {
        self.symbols.insert(name.to_string(), address);
    }

    /// Lay out the functions, resolve the calls between them, make imports
    /// of the callees none of them defines, and verify the bytecode.
    pub fn finish(mut self) -> Result<Module, Error> {
        // One target for the whole module (the first function's).
        let target = self.functions.first().map_or_else(ModuleTarget::default, |f| f.target);
        if let Some(f) = self.functions.iter().find(|f| f.target != target) {
            let reason = format!(
                "it was compiled for a {} target, {} for a {target} one: a module has one target",
                f.target, self.functions[0].name
            );
            return Err(Error::link(Some(&f.name), reason));
        }
        // A callee that no function of the module defines gets a small
        // bytecode function of its own: one op for libcalls the ISA has an
        // op for, a host call for the other builtins, and a host call of an
        // import (bound to a host function at instantiation) for the rest.
        let mut stubs = Vec::new();
        let mut imports = Vec::new();
        // The host-call id of each import's stub, by callee name.
        let mut import_ids: std::collections::HashMap<String, u16> = std::collections::HashMap::new();
        for f in &self.functions {
            for (_, _, callee) in &f.calls {
                let defined = self.functions.iter().any(|g| &g.name == callee);
                let stubbed = stubs.iter().any(|s: &CompiledFunction| &s.name == callee);
                if defined || stubbed {
                    continue;
                }
                let refs: Vec<&Callee> =
                    self.functions.iter().flat_map(|g| &g.callees).filter(|c| &c.name == callee).collect();
                let Some(first) = refs.first() else {
                    return Err(Error::link(
                        Some(&f.name),
                        format!("it refers to {callee} without a signature"),
                    ));
                };
                // Every reference must call it the same way: they all reach one stub.
                if let Some(other) = refs.iter().find(|c| c.signature != first.signature) {
                    let reason = format!(
                        "{callee} is declared with two signatures: {} and {}",
                        first.signature, other.signature
                    );
                    return Err(Error::link(Some(&f.name), reason));
                }
                let signature = first.signature.clone();
                if first.libcall {
                    let builtin = sheave_opcodes::Builtin::from_name(callee).ok_or_else(|| {
                        Error::link(Some(&f.name), format!("the libcall {callee} has no builtin"))
                    })?;
                    crate::abi::check_builtin_signature(callee, builtin, &signature)
                        .map_err(|e| Error::link(Some(&f.name), e))?;
                    match libcall_stub(callee, &signature, target)
                        .map_err(|e| Error::link(Some(&f.name), e))?
                    {
                        Some(stub) => stubs.push(stub),
                        None => stubs.push(host_call_stub(callee, builtin.id(), signature, target)),
                    }
                } else {
                    let import = import_of(callee, &signature)?;
                    let id = u16::try_from(imports.len())
                        .ok()
                        .and_then(|k| sheave_opcodes::HOST_FUNC_BASE.checked_add(k))
                        .ok_or_else(|| Error::link(None, "too many imports"))?;
                    imports.push(import);
                    import_ids.insert(callee.clone(), id);
                    stubs.push(host_call_stub(callee, id, signature, target));
                }
            }
        }
        self.functions.extend(stubs);
        let mut code = Vec::new();
        let mut functions = Vec::new();
        let mut indirect_calls = Vec::new();
        for f in &self.functions {
            let start = code.len();
            code.extend_from_slice(&f.code);
            functions.push((f.name.clone(), start..code.len(), f.signature.clone()));
            // A site whose signature has no module types (none today) is
            // left out: a foreign call from it traps.
            for (at, signature) in &f.indirect_calls {
                let (Ok(params), Ok(results)) =
                    (scalar_types(&f.name, &signature.params), scalar_types(&f.name, &signature.returns))
                else {
                    continue;
                };
                let abi = ImportAbi {
                    params: param_abi(&signature.params),
                    results: param_abi(&signature.returns),
                };
                indirect_calls.push(IndirectCall { offset: start + at, params, results, abi });
            }
        }
        for (f, (_, range, _)) in self.functions.iter().zip(&functions) {
            for (at, symbol, addend) in &f.symbol_refs {
                let address = self.symbols.get(symbol).ok_or_else(|| {
                    Error::link(
                        Some(&f.name),
                        format!(
                            "it takes the address of {symbol}, which no data object defines (ModuleBuilder::define_symbol gives symbols their addresses)"
                        ),
                    )
                })?;
                let start = range.start + at;
                let slot = code
                    .get_mut(start..start + 8)
                    .filter(|_| start + 8 <= range.end)
                    .ok_or_else(|| Error::link(Some(&f.name), "a symbol reference lies outside its code"))?;
                slot.copy_from_slice(&address.wrapping_add_signed(*addend).to_le_bytes());
            }
            for (start, end, callee) in &f.calls {
                let target = functions.iter().find(|(name, _, _)| name == callee).ok_or_else(|| {
                    Error::link(Some(&f.name), format!("it refers to {callee}, which is not in the module"))
                })?;
                let (start, end) = (range.start + start, range.start + end);
                let rel = target.1.start as i64 - start as i64;
                let rel = i32::try_from(rel)
                    .map_err(|_| Error::link(Some(&f.name), "a call displacement exceeds 32 bits"))?;
                let slot = code
                    .get_mut(end.wrapping_sub(4)..end)
                    .filter(|_| start + 4 <= end && end <= range.end)
                    .ok_or_else(|| Error::link(Some(&f.name), "a call site lies outside its code"))?;
                slot.copy_from_slice(&rel.to_le_bytes());
                if let Some(&id) = import_ids.get(callee) {
                    call_host_in_place(&mut code[start..end], id)
                        .map_err(|e| Error::link(Some(&f.name), e))?;
                }
            }
        }
        let functions = functions
            .into_iter()
            .map(|(name, range, sig)| {
                let params = scalar_types(&name, &sig.params)?;
                let results = scalar_types(&name, &sig.returns)?;
                Ok(ModuleFunction { name, params, results, range })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Module::new(ModuleParts { target, code, functions, imports, indirect_calls }).map_err(Error::Module)
    }
}

/// A call of an import's stub, rewritten into the `call_host` op of the
/// same size and operands: the host function runs where the guest calls
/// it, without the stub's call, `call_indirect_host` and `ret` (the stub
/// stays, for `func_addr`, tail calls and indirect calls of the import).
/// Other ops at a call site (`xpcadd`, `return_call`) are left alone.
fn call_host_in_place(site: &mut [u8], id: u16) -> Result<(), String> {
    use sheave_opcodes::{Op, ops};
    let (op, len) = Op::decode(site).map_err(|e| format!("a call site does not decode: {e}"))?;
    let direct: Op = match op {
        Op::Call(_) => ops::CallHost { id }.into(),
        Op::Call1(c) => ops::Call1Host { a0: c.a0, id }.into(),
        Op::Call2(c) => ops::Call2Host { a0: c.a0, a1: c.a1, id }.into(),
        Op::Call3(c) => ops::Call3Host { a0: c.a0, a1: c.a1, a2: c.a2, id }.into(),
        _ => return Ok(()),
    };
    let mut bytes = Vec::new();
    direct.encode(&mut bytes);
    if len != site.len() || bytes.len() != len {
        return Err(format!(
            "`{op}` ({len} bytes) cannot become `{direct}` ({} bytes) in place",
            bytes.len()
        ));
    }
    site.copy_from_slice(&bytes);
    Ok(())
}

/// The import a call of `name` with `signature` needs.
fn import_of(name: &str, signature: &cranelift_codegen::ir::Signature) -> Result<ModuleImport, Error> {
    let params = scalar_types(name, &signature.params)?;
    let results = scalar_types(name, &signature.returns)?;
    if params.iter().chain(&results).any(|t| t.is_vector()) {
        return Err(Error::link(Some(name), "vectors cannot be passed to or from host functions yet"));
    }
    for (what, list) in [("arguments", &params), ("results", &results)] {
        let regs = |float: bool| {
            list.iter()
                .filter(|t| matches!(t, ScalarType::F32 | ScalarType::F64) == float)
                .map(|t| if matches!(t, ScalarType::I128 | ScalarType::F128) { 2 } else { 1 })
                .sum::<usize>()
        };
        if regs(true) > crate::abi::ARG_REGS || regs(false) > crate::abi::ARG_REGS {
            let reason =
                format!("host functions take at most {} {what} of each register class", crate::abi::ARG_REGS);
            return Err(Error::link(Some(name), reason));
        }
    }
    let abi = ImportAbi { params: param_abi(&signature.params), results: param_abi(&signature.returns) };
    Ok(ModuleImport { name: name.to_string(), params, results, abi })
}

/// What a native binding of an import needs to know of each value beyond
/// its type: CLIF's `uext`/`sext`, `sarg` and `sret` (none if all plain).
fn param_abi(params: &[cranelift_codegen::ir::AbiParam]) -> Vec<ParamAbi> {
    use cranelift_codegen::ir::{ArgumentExtension, ArgumentPurpose};
    let flags: Vec<ParamAbi> = params
        .iter()
        .map(|p| match (p.purpose, p.extension) {
            (ArgumentPurpose::StructArgument(size), _) => ParamAbi::StructArgument(size),
            (ArgumentPurpose::StructReturn, _) => ParamAbi::StructReturn,
            // Extensions of a full register are no-ops.
            (_, ArgumentExtension::Uext) if p.value_type.is_int() && p.value_type.bits() < 64 => {
                ParamAbi::Uext
            }
            (_, ArgumentExtension::Sext) if p.value_type.is_int() && p.value_type.bits() < 64 => {
                ParamAbi::Sext
            }
            _ => ParamAbi::Plain,
        })
        .collect();
    if flags.iter().all(|f| *f == ParamAbi::Plain) { Vec::new() } else { flags }
}

/// `call_indirect_host id; ret`: the function through which calls of a
/// builtin or an import (and their `func_addr`) reach the host.
fn host_call_stub(
    name: &str,
    id: u16,
    signature: cranelift_codegen::ir::Signature,
    target: ModuleTarget,
) -> CompiledFunction {
    one_op_stub(name, signature, sheave_opcodes::ops::CallIndirectHost { id }.into(), target)
}

/// A function of one op and `ret`, calling nothing.
fn one_op_stub(
    name: &str,
    signature: cranelift_codegen::ir::Signature,
    op: sheave_opcodes::Op,
    target: ModuleTarget,
) -> CompiledFunction {
    let mut code = Vec::new();
    op.encode(&mut code);
    sheave_opcodes::encode::ret(&mut code);
    CompiledFunction {
        name: name.to_string(),
        signature,
        code,
        calls: Vec::new(),
        indirect_calls: Vec::new(),
        symbol_refs: Vec::new(),
        callees: Vec::new(),
        target,
    }
}

/// A bytecode function implementing libcall `name` with one op, if the ISA
/// has that op: arguments arrive in f0, f1, f2 and the result leaves in f0.
fn libcall_stub(
    name: &str,
    declared: &cranelift_codegen::ir::Signature,
    target: ModuleTarget,
) -> Result<Option<CompiledFunction>, String> {
    use cranelift_codegen::ir::{AbiParam, Signature, types};
    use cranelift_codegen::isa::CallConv;
    use sheave_opcodes::{FReg, Op, ops};
    let f = |i| FReg::new(i).expect("register below 32");
    let (op, ty, arity): (Op, Type, usize) = match name {
        "%CeilF32" => (ops::Fceil32 { dst: f(0), a: f(0) }.into(), types::F32, 1),
        "%CeilF64" => (ops::Fceil64 { dst: f(0), a: f(0) }.into(), types::F64, 1),
        "%FloorF32" => (ops::Ffloor32 { dst: f(0), a: f(0) }.into(), types::F32, 1),
        "%FloorF64" => (ops::Ffloor64 { dst: f(0), a: f(0) }.into(), types::F64, 1),
        "%TruncF32" => (ops::Ftrunc32 { dst: f(0), a: f(0) }.into(), types::F32, 1),
        "%TruncF64" => (ops::Ftrunc64 { dst: f(0), a: f(0) }.into(), types::F64, 1),
        "%NearestF32" => (ops::Fnearest32 { dst: f(0), a: f(0) }.into(), types::F32, 1),
        "%NearestF64" => (ops::Fnearest64 { dst: f(0), a: f(0) }.into(), types::F64, 1),
        "%FmaF32" => (ops::Fma32 { dst: f(0), a: f(0), b: f(1), c: f(2) }.into(), types::F32, 3),
        "%FmaF64" => (ops::Fma64 { dst: f(0), a: f(0), b: f(1), c: f(2) }.into(), types::F64, 3),
        _ => return Ok(None),
    };
    let mut signature = Signature::new(CallConv::Fast);
    signature.params.extend((0..arity).map(|_| AbiParam::new(ty)));
    signature.returns.push(AbiParam::new(ty));
    let types = |params: &[AbiParam]| params.iter().map(|p| p.value_type).collect::<Vec<_>>();
    if types(&declared.params) != types(&signature.params)
        || types(&declared.returns) != types(&signature.returns)
    {
        return Err(format!("libcall {name} is declared as {declared}, not as {signature}"));
    }
    Ok(Some(one_op_stub(name, signature, op, target)))
}
