//! The checked target: random bytecode that passes the verifier runs in a
//! checked instance, with fuel, and the host survives it. Every run ends in
//! a result or a trap; a crash (a load the checks let through) ends the
//! fuzzer.
//!
//! Ops are drawn from the whole table (hot and extended), with random
//! registers (the stack and frame pointers included: the guest may do any
//! arithmetic on them), random immediates, and branch targets that land on
//! op starts of the function. The entry's four arguments point into a
//! granted buffer and at random addresses, so accesses both in and out of
//! bounds are tried.

use crate::Finding;
use arbitrary::{Result as ArbResult, Unstructured};
use sheave_embed::{HostBuffer, Linker, Module, ModuleFunction, ModuleParts, ScalarType, Val};
use sheave_opcodes::{
    Assembler, FDst, FReg, FloatCC, Op, PcRel, RegMask, VDst, VReg, XDst, XReg, XRegMask,
    for_each_extended_op, for_each_op, ops,
};

/// Fuel per run: enough for loops to do something, short enough to stop.
const FUEL: u64 = 20_000;

/// How a run ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// The bytes made no module the verifier accepts.
    Rejected,
    /// The guest returned.
    Returned,
    /// The guest trapped (out of bounds, out of fuel, or its own trap).
    Trapped,
}

/// A random value of an operand type.
trait Gen: Sized {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self>;
}

impl Gen for XReg {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(XReg::new(u.int_in_range(0..=31)?).expect("below 32"))
    }
}
impl Gen for FReg {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(FReg::new(u.int_in_range(0..=31)?).expect("below 32"))
    }
}
impl Gen for VReg {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(VReg::new(u.int_in_range(0..=31)?).expect("below 32"))
    }
}
impl Gen for FloatCC {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(*u.choose(FloatCC::ALL)?)
    }
}
impl Gen for RegMask {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(RegMask(u.arbitrary()?))
    }
}
impl Gen for XRegMask {
    fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
        Ok(XRegMask(u.arbitrary()?))
    }
}
/// Patched to a real target by the assembler.
impl Gen for PcRel {
    fn gen_from(_: &mut Unstructured) -> ArbResult<Self> {
        Ok(PcRel(0))
    }
}
macro_rules! gen_ints {
    ($($t:ty)*) => {$(
        impl Gen for $t {
            fn gen_from(u: &mut Unstructured) -> ArbResult<Self> {
                // Small values often: offsets near a pointer, counts, lanes.
                if u.ratio(1, 2)? { Ok(u.int_in_range(0..=16)? as $t) } else { u.arbitrary() }
            }
        }
    )*};
}
gen_ints!(i8 i16 i32 i64 u8 u16 u32 u64 u128);

macro_rules! op_generator {
    ($fname:ident, $count:ident; $( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {
        const $count: usize = [$(stringify!($name)),*].len();
        /// Op `k` of the table, with random operands.
        fn $fname(k: usize, u: &mut Unstructured) -> ArbResult<Op> {
            let mut i = 0;
            $(
                if k == i {
                    return Ok(ops::$Camel { $($field: <$ty as Gen>::gen_from(u)?),* }.into());
                }
                i += 1;
            )*
            let _ = i;
            Err(arbitrary::Error::IncorrectFormat)
        }
    };
}
for_each_op!(op_generator, hot_op, HOT_OPS;);
for_each_extended_op!(op_generator, extended_op, EXTENDED_OPS;);

/// A random function: up to 48 ops, branches to op starts, ending in `ret`.
fn function(u: &mut Unstructured) -> ArbResult<Vec<u8>> {
    let n = u.int_in_range(1..=48)?;
    let mut asm = Assembler::new();
    let labels: Vec<_> = (0..=n).map(|_| asm.label()).collect();
    for label in labels.iter().take(n) {
        asm.bind(*label);
        let k = u.int_in_range(0..=HOT_OPS + EXTENDED_OPS - 1)?;
        let op = if k < HOT_OPS { hot_op(k, u)? } else { extended_op(k - HOT_OPS, u)? };
        if op.pc_rel().is_some() {
            let target = labels[u.int_in_range(0..=n)?];
            asm.branch(op, target).map_err(|_| arbitrary::Error::IncorrectFormat)?;
        } else {
            asm.op(op);
        }
    }
    asm.bind(labels[n]);
    asm.op(ops::Ret {});
    asm.finish().map_err(|_| arbitrary::Error::IncorrectFormat)
}

/// The function an input makes, if it makes one (to show a case).
pub fn function_code(data: &[u8]) -> Option<Vec<u8>> {
    function(&mut Unstructured::new(data)).ok()
}

/// Run one case.
pub fn run(data: &[u8]) -> Result<Outcome, Finding> {
    let mut u = Unstructured::new(data);
    let Ok(code) = function(&mut u) else { return Ok(Outcome::Rejected) };
    run_function(code, &mut u)
}

/// Run `code` as the case's function, its arguments drawn from `arg_data`
/// (as [`run`] draws them from what is left after the function). Regression
/// cases use it with bytecode written out, which stays the same when the op
/// table grows (the generator's choice of op from the same bytes does not).
pub fn run_code(code: Vec<u8>, arg_data: &[u8]) -> Result<Outcome, Finding> {
    run_function(code, &mut Unstructured::new(arg_data))
}

fn run_function(code: Vec<u8>, u: &mut Unstructured) -> Result<Outcome, Finding> {
    let i64s = vec![ScalarType::I64; 4];
    let main = ModuleFunction { name: "%f".into(), params: i64s, results: vec![], range: 0..code.len() };
    let Ok(module) = Module::new(ModuleParts { code, functions: vec![main], ..Default::default() }) else {
        return Ok(Outcome::Rejected);
    };
    let mut instance = Linker::<()>::new()
        .instantiate_checked(&module, ())
        .map_err(|e| Finding(format!("a verified module without imports was refused: {e}")))?;
    let buffer = instance.grant(HostBuffer::new(256).map_err(|e| Finding(e.to_string()))?);
    let base = instance.buffer(buffer).addr();
    instance.set_fuel(Some(FUEL));
    let mut arg = || -> i64 {
        match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => (base + u.int_in_range(0..=255u64).unwrap_or(0)) as i64,
            1 => u.arbitrary().unwrap_or(0),
            2 => 0,
            _ => base as i64 - u.int_in_range(0..=64i64).unwrap_or(0),
        }
    };
    let args = [Val::I64(arg()), Val::I64(arg()), Val::I64(arg()), Val::I64(arg())];
    let f = instance.get_func("f").map_err(|e| Finding(e.to_string()))?;
    match f.call(&mut instance, &args, &mut []) {
        Ok(()) => Ok(Outcome::Returned),
        Err(sheave_embed::Error::Trap(_)) => Ok(Outcome::Trapped),
        Err(e) => Err(Finding(format!("a checked call failed without trapping: {e}"))),
    }
}
