//! Pulley: Cranelift's own `pulley64` backend compiles each function, this
//! module links them into one block of bytecode (resolving the backend's
//! relocations itself, as Wasmtime does), and `pulley-interpreter` runs it.
//!
//! Relocations the backend emits for these programs:
//! - `PulleyPcRel` (direct calls and `func_addr` of colocated functions): a
//!   4-byte field that already holds its distance from the instruction's
//!   start; adding `target + addend - field` makes it the offset from the
//!   instruction to the target.
//! - `PulleyCallIndirectHost` (a call of a function the module doesn't
//!   define): the host-call id of a `call_indirect_host` at the relocation's
//!   offset. The interpreter stops with `DoneReason::CallIndirectHost`, the
//!   host does the call on the VM's registers, and execution resumes.

use super::{EngineError, Output, Runner, callee_name, function_name, output};
use crate::suite::{Returns, host_add};
use cranelift_codegen::Context;
use cranelift_codegen::FinalizedRelocTarget;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use pulley_interpreter::interp::{DoneReason, RegType, Val, Vm};
use pulley_interpreter::{XReg, encode};
use std::collections::HashMap;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

/// The host-call id `%host_add` is given.
const HOST_ADD_ID: u8 = 0;

pub(super) struct PulleyRunner {
    vm: Vm,
    /// All functions' bytecode, linked.
    code: Vec<u8>,
    /// `%main`'s offset in `code`.
    main: usize,
    /// Each function's name and start in `code`, in order.
    layout: Vec<(String, usize)>,
    returns: Returns,
}

fn pulley64() -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").map_err(|e| e.to_string())?;
    isa::lookup_by_name("pulley64")
        .map_err(|e| e.to_string())?
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())
}

/// The byte offset of `call_indirect_host`'s id within the instruction.
fn host_call_id_offset() -> usize {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    encode::call_indirect_host(&mut a, 0);
    encode::call_indirect_host(&mut b, 0xa5);
    a.iter().zip(&b).position(|(x, y)| x != y).expect("the id is encoded")
}

/// The runner, the compile time (to linked bytecode) and its size.
pub(super) fn compile(
    functions: &[Function],
    returns: Returns,
) -> Result<(PulleyRunner, Duration, usize), String> {
    let start = Instant::now();
    let isa = pulley64()?;
    let mut code = Vec::new();
    let mut starts = HashMap::new();
    let mut layout = Vec::new();
    // (function start, relocation) of every function, applied once all are placed.
    let mut relocs = Vec::new();
    for func in functions {
        let name = function_name(func);
        let mut ctx = Context::for_function(func.clone());
        let compiled =
            ctx.compile(&*isa, &mut ControlPlane::default()).map_err(|e| format!("{name}: {:?}", e.inner))?;
        let start = code.len();
        code.extend_from_slice(compiled.code_buffer());
        for reloc in compiled.buffer.relocs() {
            relocs.push((start, reloc.clone()));
        }
        layout.push((name.clone(), start));
        starts.insert(name, start);
    }
    let id_offset = host_call_id_offset();
    for (start, reloc) in relocs {
        let at = start + reloc.offset as usize;
        let target = match &reloc.target {
            FinalizedRelocTarget::ExternalName(name) => callee_name(name)?,
            FinalizedRelocTarget::Func(offset) => {
                return Err(format!("unexpected function-local relocation to {offset}"));
            }
        };
        match reloc.kind {
            Reloc::PulleyPcRel => {
                let dest = *starts.get(&target).ok_or_else(|| format!("call of undefined %{target}"))?;
                let field: [u8; 4] = code
                    .get(at..at + 4)
                    .and_then(|f| f.try_into().ok())
                    .ok_or_else(|| format!("relocation at {at} lies outside the code"))?;
                let delta = (dest as i64 + reloc.addend - at as i64) as i32;
                let value = i32::from_le_bytes(field).wrapping_add(delta);
                code[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
            Reloc::PulleyCallIndirectHost if target == "host_add" => {
                *code
                    .get_mut(at + id_offset)
                    .ok_or_else(|| format!("host call at {at} lies outside the code"))? = HOST_ADD_ID
            }
            Reloc::PulleyCallIndirectHost => return Err(format!("no host function %{target}")),
            other => return Err(format!("unexpected relocation {other}")),
        }
    }
    let compile_time = start.elapsed();
    let main = *starts.get("main").ok_or("no %main")?;
    let size = code.len();
    let vm = Vm::new().map_err(|_| "out of memory for Pulley's stack".to_string())?;
    Ok((PulleyRunner { vm, code, main, layout, returns }, compile_time, size))
}

/// The linked bytecode of `functions`, disassembled, each function headed
/// by its name (for comparing code with Sheave's `sheave disas`).
pub fn disassemble(functions: &[Function]) -> Result<String, EngineError> {
    let (runner, _, _) = compile(functions, Returns::I64)?;
    let mut out = String::new();
    for (i, (name, start)) in runner.layout.iter().enumerate() {
        let end = runner.layout.get(i + 1).map_or(runner.code.len(), |next| next.1);
        let text = pulley_interpreter::disas::Disassembler::disassemble_all(&runner.code[*start..end])
            .map_err(|e| format!("{name}: {e}"))?;
        out.push_str(&format!("%{name} ({} bytes):\n{text}\n", end - start));
    }
    Ok(out)
}

impl Runner for PulleyRunner {
    fn run(&mut self, n: i64) -> Result<Output, EngineError> {
        let entry = NonNull::from(&self.code[self.main..]).cast::<u8>();
        let ret = match self.returns {
            Returns::I64 => RegType::XReg,
            Returns::F64 => RegType::FReg,
        };
        // SAFETY: `code` is the bytecode Cranelift's pulley64 backend
        // emitted, linked above with every relocation resolved, and `main`
        // is the start of `%main(i64)`, which takes the one argument given.
        // The programs touch only the VM's stack. `code` is borrowed
        // for the whole call; host calls are served on the VM's own
        // registers before resuming.
        unsafe {
            let old_lr = self.vm.call_start(&[Val::from(n)]);
            let mut done = self.vm.call_run(entry);
            loop {
                match done {
                    DoneReason::ReturnToHost(()) => break,
                    DoneReason::CallIndirectHost { id: HOST_ADD_ID, resume } => {
                        let a = self.vm[XReg::x0].get_i64();
                        let b = self.vm[XReg::x1].get_i64();
                        self.vm.state_mut()[XReg::x0].set_i64(host_add(a, b));
                        done = self.vm.call_run(resume);
                    }
                    DoneReason::CallIndirectHost { id, .. } => {
                        return Err(format!("unknown host call {id}").into());
                    }
                    DoneReason::Trap { pc, .. } => {
                        let at = pc.as_ptr() as usize - self.code.as_ptr() as usize;
                        return Err(format!("Pulley trapped at byte {at}").into());
                    }
                }
            }
            let result = self.vm.call_end(old_lr, [ret]).next().ok_or("no result")?;
            Ok(match result {
                Val::XReg(v) => output(self.returns, v.get_u64()),
                Val::FReg(v) => output(self.returns, v.get_f64().to_bits()),
                Val::VReg(_) => return Err("vector result".into()),
            })
        }
    }
}
