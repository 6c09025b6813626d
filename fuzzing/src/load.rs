//! The load target: the module loader and the bytecode verifier take
//! arbitrary bytes without panicking, and whatever they accept decodes,
//! disassembles and writes back to the same bytes.
//!
//! Random bytes rarely get past the magic and the checksum, so half of the
//! cases edit a valid module instead and fix its checksum up: that reaches
//! the section parsing and the verifier.

use crate::Finding;
use sheave_format::{Module, ModuleFunction, ModuleImport, ModuleParts, ScalarType};
use sheave_opcodes::{DisasOptions, disassemble, encode};

/// A small valid module with two functions, a call, a builtin call and an import.
fn seed_module() -> Vec<u8> {
    let x = |i| sheave_opcodes::XReg::new(i).expect("register below 32");
    let mut code = Vec::new();
    encode::xadd64(&mut code, x(0), x(0), x(1));
    encode::ret(&mut code);
    let second = code.len();
    encode::push_frame(&mut code);
    let here = code.len();
    encode::call(&mut code, sheave_opcodes::PcRel(-(here as i32)));
    encode::call_indirect_host(&mut code, sheave_opcodes::Builtin::CeilF64.id());
    encode::pop_frame(&mut code);
    encode::ret(&mut code);
    let stub = code.len();
    encode::call_indirect_host(&mut code, sheave_opcodes::HOST_FUNC_BASE);
    encode::ret(&mut code);
    let f = |name: &str, range| ModuleFunction {
        name: name.into(),
        params: vec![ScalarType::I64, ScalarType::I64],
        results: vec![ScalarType::I64],
        range,
    };
    let module = ModuleParts {
        target: Default::default(),
        functions: vec![f("%add", 0..second), f("%twice", second..stub), f("%host", stub..code.len())],
        imports: vec![ModuleImport {
            name: "%host".into(),
            params: vec![ScalarType::F64],
            ..Default::default()
        }],
        code,
        indirect_calls: vec![],
    };
    module.to_bytes().expect("a small module")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Load `data` (or a valid module edited by it). `Ok(true)` if the loader
/// accepted it; `Err` if it accepted something broken.
pub fn run(data: &[u8]) -> Result<bool, Finding> {
    let bytes = match data.split_first() {
        Some((&mode, edits)) if mode & 1 == 1 => {
            let mut bytes = seed_module();
            // Edits: (position, value) pairs.
            for pair in edits.chunks(3) {
                if let [hi, lo, value] = *pair {
                    let at = (hi as usize) << 8 | lo as usize;
                    if at < bytes.len() - 8 {
                        bytes[at] = value;
                    }
                }
            }
            let body = bytes.len() - 8;
            let sum = fnv1a(&bytes[..body]);
            bytes[body..].copy_from_slice(&sum.to_le_bytes());
            bytes
        }
        _ => data.to_vec(),
    };
    let Ok(module) = Module::from_bytes(&bytes) else { return Ok(false) };
    for f in module.functions() {
        let code = &module.code()[f.range.clone()];
        sheave_opcodes::decode_all(code).map_err(|e| format!("accepted {} fails to decode: {e}", f.name))?;
        disassemble(code, DisasOptions::default(), &mut String::new())
            .map_err(|e| format!("accepted {} fails to disassemble: {e}", f.name))?;
    }
    let again = module.to_bytes().map_err(|e| format!("accepted module cannot be written back: {e}"))?;
    if again != bytes {
        return Err("an accepted module writes back to different bytes".into());
    }
    Ok(true)
}
