//! `sheave`: run, test and disassemble Cranelift IR (`.clif`) on Sheave.

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{AbiParam, Signature};
use cranelift_codegen::isa::CallConv;
use cranelift_reader::{RunCommand, parse_functions, parse_run_command};
use sheave_codegen::{Target, compile};
use sheave_filetests::runtest::{Outcome, Program, clif_type, run_file};
use sheave_format::Module;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Print a line to stdout; a closed pipe (`sheave ... | head`) ends the
/// program quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        say_raw(&format!("{}\n", format_args!($($arg)*)))
    };
}

fn say_raw(text: &str) {
    use std::io::Write;
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        std::process::exit(1);
    }
}

#[derive(Parser)]
#[command(name = "sheave", version, about = "Run Cranelift IR anywhere, on the Sheave interpreter")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Call a function of a .clif file (compiled first) or a .shv module, printing the results.
    Run {
        /// The .clif or .shv file.
        file: PathBuf,
        /// Function to call (without `%`); defaults to the first function.
        #[arg(long)]
        invoke: Option<String>,
        /// Arguments, in CLIF syntax (`1`, `-5`, `0x1.8p1` for 3.0, ...).
        args: Vec<String>,
        /// A shared library to bind the program's imports to (by name), before
        /// the process's own symbols (libc, libm); may be given more than once.
        #[arg(long = "lib", value_name = "PATH")]
        libs: Vec<PathBuf>,
        /// Run checked: the code may only touch its own stack, and call and
        /// return only where its functions are; anything else traps (heap_oob).
        /// The default for .shv files.
        #[arg(long, conflicts_with = "trusted")]
        safe: bool,
        /// Run a .shv file unchecked, as compiled code runs: only for modules you trust.
        #[arg(long)]
        trusted: bool,
        #[command(flatten)]
        target: TargetArg,
    },
    /// Run Cranelift runtest files (`test run` / `test interpret` with `; run:` lines).
    Test {
        /// Files, or folders whose .clif files are all run.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Compile a .clif file into a portable module file (.shv).
    Compile {
        /// The .clif file.
        file: PathBuf,
        /// Where to write the module.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        target: TargetArg,
    },
    /// Print each function's bytecode: offsets, encoded bytes and ops.
    Disas {
        /// The .clif file (compiled first) or .shv module.
        file: PathBuf,
        #[command(flatten)]
        target: TargetArg,
        /// Also print each function's CLIF as lowering sees it: after
        /// Cranelift's mid-end and Sheave's moves of constants out of loops.
        #[arg(long)]
        clif: bool,
    },
}

/// What CLIF is compiled for: the pointer width and default byte order
/// of the host that will run the bytecode (the bytecode format is the same).
#[derive(clap::Args)]
struct TargetArg {
    /// pulley64 (the default), pulley64be, pulley32 or pulley32be. A .shv
    /// module records its own; given with one, it must match.
    #[arg(long = "target")]
    name: Option<String>,
}

impl TargetArg {
    fn get(&self) -> Result<Target> {
        Ok(Target::named(self.name.as_deref().unwrap_or("pulley64"))?)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { file, invoke, args, libs, safe, trusted, target } => {
            // A module file may come from anyone; CLIF compiled here is the user's.
            let checked = safe || (is_module_file(&file) && !trusted);
            run(&file, invoke.as_deref(), &args, &libs, checked, &target)
        }
        Command::Test { paths } => test(&paths),
        Command::Disas { file, target, clif } => disas(&file, &target, clif),
        Command::Compile { file, output, target } => compile_file(&file, &output, &target),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // The whole chain: what failed, and each cause below it.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn is_module_file(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == "shv")
}

/// Load a .shv module, which records its own target; `target`, if given,
/// must be the same.
fn load_module(file: &Path, target: &TargetArg) -> Result<Module> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let module = Module::from_bytes(&bytes).with_context(|| format!("cannot load {}", file.display()))?;
    if let Some(name) = &target.name
        && target.get()?.module_target() != module.target()
    {
        bail!("{} was compiled for {}, not {name}", file.display(), module.target());
    }
    Ok(module)
}

/// Parse the functions of a .clif file.
fn parse_clif(file: &Path) -> Result<Vec<cranelift_codegen::ir::Function>> {
    let text = read(file)?;
    parse_functions(&text).with_context(|| format!("cannot parse {}", file.display()))
}

/// Compile a .clif file for `target`, or load a .shv module, to run checked
/// or not.
fn load(file: &Path, target: &TargetArg, checked: bool) -> Result<Program> {
    if is_module_file(file) {
        let module = load_module(file, target)?;
        if checked {
            return Ok(Program::checked(module)?);
        }
        // SAFETY: running a module unchecked is running code, as a native
        // binary does: the user chose this file and asked (`--trusted`).
        return Ok(unsafe { Program::from_module(module) }?);
    }
    let target = target.get()?;
    let funcs = parse_clif(file)?;
    if checked {
        let module = sheave_codegen::compile_module(&funcs, &target)
            .with_context(|| format!("cannot compile {}", file.display()))?;
        return Ok(Program::checked(module)?);
    }
    // SAFETY: as for a module: the user chose to run this CLIF.
    unsafe { Program::compile(&funcs, &target) }.with_context(|| format!("cannot compile {}", file.display()))
}

fn run(
    file: &Path,
    invoke: Option<&str>,
    args: &[String],
    libs: &[PathBuf],
    checked: bool,
    target: &TargetArg,
) -> Result<ExitCode> {
    let mut program = load(file, target, checked)?;
    if !libs.is_empty() && program.module().imports().is_empty() {
        bail!("{} imports nothing: --lib has nothing to bind", file.display());
    }
    let func = match invoke {
        Some(name) => program
            .module()
            .function(&format!("%{name}"))
            .ok_or_else(|| anyhow!("{} has no function %{name}", file.display()))?,
        None => program
            .module()
            .functions()
            .first()
            .ok_or_else(|| anyhow!("{} has no functions", file.display()))?,
    };
    let name = func
        .name
        .strip_prefix('%')
        .ok_or_else(|| anyhow!("function {} has no %name to call it by", func.name))?
        .to_string();
    // Parse the arguments with the run-line parser, against the signature.
    let mut signature = Signature::new(CallConv::SystemV);
    signature.params.extend(func.params.iter().map(|&t| AbiParam::new(clif_type(t))));
    signature.returns.extend(func.results.iter().map(|&t| AbiParam::new(clif_type(t))));
    let line = format!("print: %{name}({})", args.join(", "));
    let Some(RunCommand::Print(invocation)) = parse_run_command(&line, &signature)
        .with_context(|| format!("cannot parse the arguments of %{name} ({signature})"))?
    else {
        bail!("cannot parse the arguments of %{name}");
    };
    if !program.module().imports().is_empty() {
        if checked {
            bail!(
                "{} imports functions, which bind to native code, out of a checked run's reach: if you trust it, run it {}",
                file.display(),
                if is_module_file(file) { "with --trusted" } else { "without --safe" }
            );
        }
        return run_linked(program.module(), &name, &invocation.args, libs);
    }
    match program.run(&name, &invocation.args)? {
        Outcome::Returned(results) => {
            let shown: Vec<String> = results.iter().map(|v| v.to_string()).collect();
            say!("{}", shown.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Trapped { kind, at } => {
            eprintln!("%{name}: trapped at {at}: {} ({kind})", sheave_codegen::clif_trap_code(kind));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Run function `name` of a module that imports functions, binding them to
/// `libs` and then to the process (libc, libm) through the embedding API.
fn run_linked(module: &Module, name: &str, args: &[DataValue], libs: &[PathBuf]) -> Result<ExitCode> {
    use sheave_embed::{Linker, Val};
    let mut linker = Linker::<()>::new();
    for lib in libs {
        // SAFETY: the user chose to load this library, as with a native
        // program linked against it.
        unsafe { linker.native_library(lib) }?;
    }
    linker.native_process()?;
    // SAFETY: the user chose to run this program, whose imports bind to
    // the C functions of those names.
    let mut instance = unsafe { linker.instantiate(module, ()) }?;
    let func = instance.get_func(name)?;
    let vals = args
        .iter()
        .map(|a| match a {
            DataValue::I32(v) => Ok(Val::I32(*v)),
            DataValue::I64(v) => Ok(Val::I64(*v)),
            DataValue::F32(v) => Ok(Val::F32(v.bits())),
            DataValue::F64(v) => Ok(Val::F64(v.bits())),
            other => bail!("a program with imports takes i32, i64, f32 and f64 arguments, not {other}"),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut results: Vec<Val> = func.results().iter().map(|_| Val::I64(0)).collect();
    for (slot, ty) in results.iter_mut().zip(func.results()) {
        *slot = match ty {
            sheave_embed::ValType::I32 => Val::I32(0),
            sheave_embed::ValType::F32 => Val::F32(0),
            sheave_embed::ValType::F64 => Val::F64(0),
            sheave_embed::ValType::V128 => Val::V128(0),
            _ => Val::I64(0),
        };
    }
    let outcome = func.call(&mut instance, &vals, &mut results);
    // What the guest printed through C's stdio comes before the results.
    // SAFETY: flushing every C stream is always allowed.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    match outcome {
        Ok(()) => {
            let shown: Vec<String> = results
                .iter()
                .map(|v| match *v {
                    Val::I32(x) => DataValue::I32(x).to_string(),
                    Val::I64(x) => DataValue::I64(x).to_string(),
                    Val::F32(b) => DataValue::F32(Ieee32::with_bits(b)).to_string(),
                    Val::F64(b) => DataValue::F64(Ieee64::with_bits(b)).to_string(),
                    Val::V128(b) => DataValue::V128(b.to_le_bytes()).to_string(),
                })
                .collect();
            say!("{}", shown.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Err(sheave_embed::Error::Trap(trap)) => {
            eprintln!("%{name}: {trap}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

fn compile_file(file: &Path, output: &Path, target: &TargetArg) -> Result<ExitCode> {
    // Only compiled or loaded here, not run.
    let program = load(file, target, false)?;
    let bytes = program.module().to_bytes().context("cannot write the module")?;
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    say!(
        "{}: {} functions for {}, {} bytes of bytecode, {} bytes written",
        output.display(),
        program.module().functions().len(),
        program.module().target(),
        program.module().code().len(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn clif_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot read folder {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "clif"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn test(paths: &[PathBuf]) -> Result<ExitCode> {
    let (mut passed, mut failed) = (0, 0);
    for file in clif_files(paths)? {
        let report = match read(&file) {
            // SAFETY: test files are code the user chose to run.
            Ok(text) => unsafe { run_file(&text) },
            Err(e) => {
                say!("FAIL {e:#}");
                failed += 1;
                continue;
            }
        };
        if report.passed() {
            passed += 1;
            say!("PASS {} ({} run lines)", file.display(), report.passed);
        } else {
            failed += 1;
            match &report.error {
                Some(e) => {
                    // The first line on the FAIL line; the rest (e.g. each
                    // verifier error) indented below it.
                    let mut lines = e.lines();
                    say!("FAIL {}: {}", file.display(), lines.next().unwrap_or(""));
                    for line in lines {
                        say!("    {line}");
                    }
                }
                None => say!(
                    "FAIL {}: {} of {} run lines failed",
                    file.display(),
                    report.failures.len(),
                    report.failures.len() + report.passed
                ),
            }
            for f in &report.failures {
                say!("    {f}");
            }
        }
    }
    say!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn disas(file: &Path, target: &TargetArg, clif: bool) -> Result<ExitCode> {
    if is_module_file(file) {
        if clif {
            bail!("{} is a module: it holds bytecode, not CLIF (--clif needs a .clif file)", file.display());
        }
        let module = load_module(file, target)?;
        for f in module.functions() {
            disas_function(&f.name, &module.code()[f.range.clone()])?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let target = target.get()?;
    for func in &parse_clif(file)? {
        if clif {
            let optimized = sheave_codegen::midend::optimize(func, &target)
                .with_context(|| format!("cannot compile {}", file.display()))?;
            say_raw(&optimized.display().to_string());
        }
        let compiled =
            compile(func, &target).with_context(|| format!("cannot compile {}", file.display()))?;
        disas_function(&compiled.name, &compiled.code)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn disas_function(name: &str, code: &[u8]) -> Result<()> {
    say!("{name} ({} bytes):", code.len());
    let mut out = String::new();
    sheave_opcodes::disassemble(code, Default::default(), &mut out)
        .with_context(|| format!("cannot disassemble {name}"))?;
    say_raw(&out);
    Ok(())
}
