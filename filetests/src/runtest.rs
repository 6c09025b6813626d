//! Running Cranelift runtest files (`test run` / `test interpret` with
//! `; run:` lines) on Sheave: compile every function of the file, link
//! them, and check each run line's results bit for bit.

use crate::low_stack::{self, low_stack};
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::types;
use cranelift_reader::{IsaSpec, ParseOptions, parse_run_command, parse_test};
use sheave_codegen::{ModuleBuilder, Target, compile};
use sheave_format::{Module, ScalarType};
use sheave_interp::{DoneReason, Val, ValType, Vm};
use std::ptr::NonNull;

/// Why a program could not be made, or a call could not be made (a call
/// that traps is an [`Outcome`], not an error).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The functions do not compile or link.
    Compile(sheave_codegen::Error),
    /// The module has 32-bit pointers and this host cannot map a VM stack
    /// below 4 GiB.
    NoLowStack,
    /// The module has no function of that name.
    NoFunction(String),
    /// The call cannot be made as asked (argument types, a type the
    /// harness cannot pass, or a host function only an embedder has).
    Call {
        /// The function.
        function: String,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Compile(_) => f.write_str("the program does not compile"),
            Error::NoLowStack => f.write_str(low_stack::UNAVAILABLE),
            Error::NoFunction(name) => write!(f, "no function {name}"),
            Error::Call { function, reason } => write!(f, "cannot call {function}: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Compile(e) => Some(e),
            _ => None,
        }
    }
}

/// `e` and its sources, as one message: `outer: inner: innermost`.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

/// What happened to one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Run lines that passed.
    pub passed: usize,
    /// Failing run lines, each with expected versus got.
    pub failures: Vec<String>,
    /// Why the file could not be run at all (parse or compile error,
    /// unsupported feature), if it could not.
    pub error: Option<String>,
    /// Whether the file has run lines for us (`test run` / `test interpret`).
    pub has_run_tests: bool,
}

impl FileReport {
    /// A file passes when it ran and every run line passed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }
}

/// Run the test file whose text is `text`.
///
/// # Safety
/// The file's functions run as compiled code does, accessing the memory
/// at the addresses they compute: the file must be one you trust to access
/// only memory valid for it (Cranelift's runtests use their stack slots).
pub unsafe fn run_file(text: &str) -> FileReport {
    let mut report = FileReport::default();
    // SAFETY: forwarded: the caller trusts the file.
    if let Err(e) = unsafe { run_file_inner(text, &mut report) } {
        report.error = Some(e);
    }
    report
}

/// `text` with its non-Pulley `target` lines commented out (line numbers
/// kept). The reader turns a `target` line into an ISA only when this build
/// of Cranelift includes that backend and silently skips it otherwise, so
/// without this the same file would mean different things in different
/// builds: a workspace build that also compiles the host backend (for the
/// benchmarks' native engine) saw `target x86_64` lines and then refused
/// files whose later `set` lines only applied to targets it lacked.
fn pulley_targets_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let mut words = line.split_whitespace();
        if words.next() == Some("target") && !words.next().is_some_and(|t| t.starts_with("pulley")) {
            out.push_str("; ");
        }
        out.push_str(line);
    }
    out
}

/// # Safety
/// As [`run_file`].
unsafe fn run_file_inner(text: &str, report: &mut FileReport) -> Result<(), String> {
    let text = &pulley_targets_only(text);
    let test = parse_test(text, ParseOptions::default()).map_err(|e| format!("parse error: {e}"))?;
    report.has_run_tests = test.commands.iter().any(|c| c.command == "run" || c.command == "interpret");
    if !report.has_run_tests {
        return Err("no `test run` or `test interpret` command".into());
    }
    // One configuration per Pulley `target` line (pointer width and
    // byte order); without one, the file's flags on 64-bit little-endian.
    let mut targets: Vec<Target> = match &test.isa_spec {
        IsaSpec::None(flags) => vec![Target::new(flags.clone(), 64, false).map_err(|e| chain(&e))?],
        IsaSpec::Some(isas) => {
            isas.iter().map(|isa| Target::like(&**isa)).collect::<Result<_, _>>().map_err(|e| chain(&e))?
        }
    };
    // 32-bit targets need a stack below 4 GiB; where none can be had, run
    // the others, and refuse the file only if none is left.
    targets.retain(|t| t.pointer_bits() == 64 || low_stack::available());
    if targets.is_empty() {
        return Err(low_stack::UNAVAILABLE.into());
    }
    // A file only for the interpreter may mix pointer widths.
    let interpret_only = !test.commands.iter().any(|c| c.command == "run");
    let funcs: Vec<_> = test.functions.iter().map(|(f, _)| f.clone()).collect();
    for target in targets {
        let target = match interpret_only && target.pointer_bits() == 32 {
            true => target.with_64_bit_addresses().map_err(|e| chain(&e))?,
            false => target,
        };
        // SAFETY: the caller of `run_file` trusts the file.
        let mut program = unsafe { Program::compile(&funcs, &target) }.map_err(|e| chain(&e))?;
        for (func, details) in &test.functions {
            for comment in &details.comments {
                let command = match parse_run_command(comment.text, &func.signature) {
                    Ok(Some(c)) => c,
                    Ok(None) => continue,
                    Err(e) => return Err(format!("bad run line `{}`: {e}", comment.text)),
                };
                // As in Cranelift's runner, a run line calls the function it
                // follows, whatever name it gives (a bare `; run` gives none).
                let name = func.name.to_string();
                let result = command.run(|_, args| program.run_line(name.trim_start_matches('%'), args));
                match result {
                    Ok(()) => report.passed += 1,
                    Err(e) => {
                        report.failures.push(format!("{}: {e}", comment.text.trim_start_matches(';').trim()))
                    }
                }
            }
        }
    }
    Ok(())
}

/// The host values a CLIF value travels as (an i128 is two i64 halves, low first).
fn val_types(ty: cranelift_codegen::ir::Type) -> Result<Vec<ValType>, String> {
    Ok(match ty {
        types::I8 | types::I16 | types::I32 => vec![ValType::I32],
        types::I64 => vec![ValType::I64],
        types::I128 | types::F128 => vec![ValType::I64, ValType::I64],
        types::F16 => vec![ValType::I32],
        types::F32 => vec![ValType::F32],
        types::F64 => vec![ValType::F64],
        t if t.is_vector() && (t.bits() == 128 || t.bits() == 64) => vec![ValType::V128],
        _ => {
            return Err(format!("values of type {ty} cannot be passed to or from the host yet"));
        }
    })
}

fn to_vals(v: &DataValue) -> Result<Vec<Val>, String> {
    Ok(match *v {
        DataValue::I8(x) => vec![Val::I32(x as i32)],
        DataValue::I16(x) => vec![Val::I32(x as i32)],
        DataValue::I32(x) => vec![Val::I32(x)],
        DataValue::I64(x) => vec![Val::I64(x)],
        DataValue::I128(x) => vec![Val::I64(x as i64), Val::I64((x >> 64) as i64)],
        DataValue::F16(x) => vec![Val::I32(x.bits() as i32)],
        DataValue::F128(x) => {
            let b = x.bits();
            vec![Val::I64(b as i64), Val::I64((b >> 64) as i64)]
        }
        DataValue::F32(x) => vec![Val::F32(x.bits())],
        DataValue::F64(x) => vec![Val::F64(x.bits())],
        // Vectors: the bytes are in lane order, lane 0 first.
        DataValue::V128(bytes) => vec![Val::V128(u128::from_le_bytes(bytes))],
        DataValue::V64(bytes) => vec![Val::V128(u64::from_le_bytes(bytes) as u128)],
        ref other => {
            return Err(format!("argument {other} of type {} is not supported yet", other.ty()));
        }
    })
}

fn from_vals(v: &[Val], ty: cranelift_codegen::ir::Type) -> Result<DataValue, String> {
    use cranelift_codegen::ir::immediates::{Ieee16, Ieee32, Ieee64, Ieee128};
    Ok(match (v, ty) {
        ([Val::I32(x)], types::I8) => DataValue::I8(*x as i8),
        ([Val::I32(x)], types::I16) => DataValue::I16(*x as i16),
        ([Val::I32(x)], types::I32) => DataValue::I32(*x),
        ([Val::I64(x)], types::I64) => DataValue::I64(*x),
        ([Val::I64(lo), Val::I64(hi)], types::I128) => {
            DataValue::I128((*lo as u64 as u128 | (*hi as u64 as u128) << 64) as i128)
        }
        ([Val::I32(x)], types::F16) => DataValue::F16(Ieee16::with_bits(*x as u16)),
        ([Val::I64(lo), Val::I64(hi)], types::F128) => {
            DataValue::F128(Ieee128::with_bits(*lo as u64 as u128 | (*hi as u64 as u128) << 64))
        }
        ([Val::F32(x)], types::F32) => DataValue::F32(Ieee32::with_bits(*x)),
        ([Val::F64(x)], types::F64) => DataValue::F64(Ieee64::with_bits(*x)),
        // A 64-bit vector is the low half of its register.
        ([Val::V128(x)], t) if t.is_vector() && t.bits() == 128 => DataValue::V128(x.to_le_bytes()),
        ([Val::V128(x)], t) if t.is_vector() && t.bits() == 64 => DataValue::V64((*x as u64).to_le_bytes()),
        _ => return Err(format!("cannot read a {ty} result")),
    })
}

/// The CLIF type a module type stands for.
pub fn clif_type(t: ScalarType) -> cranelift_codegen::ir::Type {
    match t {
        ScalarType::I8 => types::I8,
        ScalarType::I16 => types::I16,
        ScalarType::I32 => types::I32,
        ScalarType::I64 => types::I64,
        ScalarType::I128 => types::I128,
        ScalarType::F32 => types::F32,
        ScalarType::F64 => types::F64,
        ScalarType::F16 => types::F16,
        ScalarType::F128 => types::F128,
        ScalarType::I8x16 => types::I8X16,
        ScalarType::I16x8 => types::I16X8,
        ScalarType::I32x4 => types::I32X4,
        ScalarType::I64x2 => types::I64X2,
        ScalarType::F32x4 => types::F32X4,
        ScalarType::F64x2 => types::F64X2,
        ScalarType::I8x8 => types::I8X8,
        ScalarType::I16x4 => types::I16X4,
        ScalarType::I32x2 => types::I32X2,
        ScalarType::F32x2 => types::F32X2,
    }
}

/// The runner's VM stack: like a native thread's, so that tests with
/// megabyte stack slots fit (memory is only committed where touched).
const RUNTEST_STACK_SIZE: usize = 8 << 20;

/// A verified module and a VM to run it: call functions by name with CLIF values.
pub struct Program {
    module: Module,
    vm: Vm,
}

impl Program {
    /// Compile every function of `funcs` for `target` and link them.
    ///
    /// # Safety
    /// The code accesses memory at the addresses it computes, as compiled
    /// code does (see `sheave_embed::Linker::instantiate`): every call made
    /// through the program must only access memory valid for it. Runtest
    /// files touch only their stack slots unless they are given pointers.
    pub unsafe fn compile(
        funcs: &[cranelift_codegen::ir::Function],
        target: &Target,
    ) -> Result<Program, Error> {
        let mut builder = ModuleBuilder::new();
        for func in funcs {
            builder.add(compile(func, target).map_err(Error::Compile)?);
        }
        let module = builder.finish().map_err(Error::Compile)?;
        let mut vm = vm_for(&module)?;
        if target.pinned_reg() {
            let pinned =
                sheave_opcodes::XReg::new(sheave_opcodes::abi::PINNED_X as u8).expect("register below 32");
            vm.set_global_register(pinned);
        }
        Ok(Program { module, vm })
    }

    /// Run a loaded module (`Module::from_bytes` has verified it).
    ///
    /// # Safety
    /// The code accesses memory at the addresses it computes, as compiled
    /// code does (see `sheave_embed::Linker::instantiate`): every call made
    /// through the program must only access memory valid for it. Runtest
    /// files touch only their stack slots unless they are given pointers.
    pub unsafe fn from_module(module: Module) -> Result<Program, Error> {
        let vm = vm_for(&module)?;
        Ok(Program { module, vm })
    }

    /// Run a module in checked mode (see `sheave_interp::Checks`): any
    /// module, safely. Its code may only touch its VM stack, and may only
    /// call and return where its functions and calls are; anything else
    /// traps (`heap_oob`).
    pub fn checked(module: Module) -> Result<Program, Error> {
        let mut vm = vm_for(&module)?;
        let functions: Vec<std::ops::Range<usize>> =
            module.functions().iter().map(|f| f.range.clone()).collect();
        let checks = sheave_interp::Checks::new(module.code(), &functions, &[]);
        vm.set_checks(Some(std::sync::Arc::new(checks)));
        Ok(Program { module, vm })
    }

    /// The module (compiled and linked, or loaded). Read-only: the VM's
    /// stack was chosen for its target.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Call function `name` as a run line does: its results, or a message
    /// for a trap or a call that cannot be made.
    fn run_line(&mut self, name: &str, args: &[DataValue]) -> Result<Vec<DataValue>, String> {
        match self.run(name, args).map_err(|e| chain(&e))? {
            Outcome::Returned(values) => Ok(values),
            Outcome::Trapped { kind, at } => {
                Err(format!("trapped at {at}: {} ({kind})", sheave_codegen::clif_trap_code(kind)))
            }
        }
    }

    /// Call function `name` (without the `%`) with `args`: its results or
    /// its trap; `Err` only when the call cannot be made.
    pub fn run(&mut self, name: &str, args: &[DataValue]) -> Result<Outcome, Error> {
        invoke(&mut self.vm, &self.module, name, args)
    }
}

/// A VM for `module`: a stack its pointers reach (below 4 GiB for 32-bit
/// pointers on a 64-bit host).
fn vm_for(module: &Module) -> Result<Vm, Error> {
    if module.target().reaches(usize::MAX) {
        return Ok(Vm::with_stack_size(RUNTEST_STACK_SIZE));
    }
    let stack = low_stack(RUNTEST_STACK_SIZE).ok_or(Error::NoLowStack)?;
    Ok(Vm::with_stack_memory(stack))
}

/// How a call ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It returned these values.
    Returned(Vec<DataValue>),
    /// It trapped.
    Trapped {
        /// Why.
        kind: sheave_interp::TrapKind,
        /// Where: `%function+offset`.
        at: String,
    },
}

fn invoke(vm: &mut Vm, module: &Module, name: &str, args: &[DataValue]) -> Result<Outcome, Error> {
    let wanted = format!("%{name}");
    let func = module.function(&wanted).ok_or_else(|| Error::NoFunction(wanted.clone()))?;
    let fail = |reason: String| Error::Call { function: wanted.clone(), reason };
    // A vector argument carries only its size (its lanes come from the signature).
    let fits = |a: &DataValue, &t: &ScalarType| {
        let t = clif_type(t);
        a.ty() == t || (a.is_vector() && t.is_vector() && a.ty().bits() == t.bits())
    };
    if args.len() != func.params.len() || !args.iter().zip(&func.params).all(|(a, t)| fits(a, t)) {
        let given: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
        let expected: Vec<String> = func.params.iter().map(|t| t.to_string()).collect();
        return Err(fail(format!("it takes ({}), given ({})", expected.join(", "), given.join(", "))));
    }
    let mut vals = Vec::new();
    for a in args {
        vals.extend(to_vals(a).map_err(fail)?);
    }
    let mut ret_types = Vec::new();
    for &r in &func.results {
        ret_types.extend(val_types(clif_type(r)).map_err(fail)?);
    }
    // Results beyond the registers of their class travel in memory.
    let stack_results = Vm::stack_values(&ret_types);
    // SAFETY: the module was verified (when linked or loaded) and lives
    // while it runs, on a stack its pointers reach (`vm_for`, and the module
    // cannot be replaced); the memory it reaches through pointers is what
    // the maker of the `Program` promised (`Program::compile` and
    // `Program::from_module` are `unsafe` for that).
    let done = unsafe {
        vm.call_with_stack_results(NonNull::from(&module.code()[func.range.start]), &vals, stack_results)
    }
    .map_err(|e| fail(e.to_string()))?;
    match done {
        DoneReason::Returned => {
            let vals = vm.results(&ret_types).map_err(|e| fail(e.to_string()))?;
            let mut rest = &vals[..];
            let mut out = Vec::new();
            for &r in &func.results {
                let n = val_types(clif_type(r)).map_err(fail)?.len();
                out.push(from_vals(&rest[..n], clif_type(r)).map_err(fail)?);
                rest = &rest[n..];
            }
            Ok(Outcome::Returned(out))
        }
        DoneReason::Trap { pc, kind } => {
            let at = pc.as_ptr() as usize - module.code().as_ptr() as usize;
            let place = module
                .functions()
                .iter()
                .find(|f| f.range.contains(&at))
                .map(|f| format!("{}+{:#x}", f.name, at - f.range.start))
                .unwrap_or_else(|| format!("offset {at:#x}"));
            Ok(Outcome::Trapped { kind, at: place })
        }
        DoneReason::HostCall { id, .. } => {
            // Unwind the suspended entry so the VM stays usable.
            let _ = vm.abandon();
            let import = module
                .import_index(id)
                .map_or_else(|| format!("host function {id}"), |k| module.imports()[k].name.clone());
            Err(fail(format!(
                "it calls {import}, which no function in the file defines: a host function, which only an embedder (sheave_embed::Linker) can provide"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_pulley_target_lines_reach_the_reader() {
        let text = "test run\ntarget x86_64 has_avx\nset opt_level=speed\ntarget pulley64\n  target s390x\nfunction %f() {}\n";
        assert_eq!(
            super::pulley_targets_only(text),
            "test run\n; target x86_64 has_avx\nset opt_level=speed\ntarget pulley64\n;   target s390x\nfunction %f() {}\n"
        );
    }
}
