//! Shared test harness: assemble, verify, run, and record which ops ran.
#![allow(dead_code)]

use sheave_interp::{DoneReason, TrapKind, Val, ValType, Vm};
use sheave_opcodes::{Assembler, FReg, Op, VReg, XReg, verify};
use std::collections::BTreeSet;
use std::ops::Range;
use std::ptr::NonNull;

pub fn x(i: u8) -> XReg {
    XReg::new(i).unwrap()
}
pub fn f(i: u8) -> FReg {
    FReg::new(i).unwrap()
}
pub fn v(i: u8) -> VReg {
    VReg::new(i).unwrap()
}

pub struct Harness {
    pub vm: Vm,
    /// Names of the ops in every program run so far.
    pub covered: BTreeSet<&'static str>,
}

impl Default for Harness {
    fn default() -> Self {
        Harness { vm: Vm::new(), covered: BTreeSet::new() }
    }
}

impl Harness {
    /// Run `ops` followed by `ret` as one function.
    pub fn run(&mut self, ops: &[Op], args: &[Val], rets: &[ValType]) -> Result<Vec<Val>, TrapKind> {
        let mut code = Vec::new();
        for op in ops {
            op.encode(&mut code);
        }
        sheave_opcodes::encode::ret(&mut code);
        let len = code.len();
        self.run_code(&code, &[0..len], 0, args, rets)
    }

    /// Run an assembled program (functions at `funcs`), entering at `entry`.
    pub fn run_asm(
        &mut self,
        asm: Assembler,
        funcs: impl Fn(usize) -> Vec<Range<usize>>,
        args: &[Val],
        rets: &[ValType],
    ) -> Result<Vec<Val>, TrapKind> {
        let code = asm.finish().unwrap();
        let funcs = funcs(code.len());
        self.run_code(&code, &funcs, 0, args, rets)
    }

    pub fn run_code(
        &mut self,
        code: &[u8],
        funcs: &[Range<usize>],
        entry: usize,
        args: &[Val],
        rets: &[ValType],
    ) -> Result<Vec<Val>, TrapKind> {
        verify(code, funcs).unwrap_or_else(|e| panic!("test program fails verification: {e}"));
        for (_, op) in sheave_opcodes::decode_all(code).unwrap() {
            self.covered.insert(op.name());
        }
        // SAFETY: verified above; the tests only touch memory they own and
        // pass to the guest for the duration of the call.
        let done = unsafe { self.vm.call(NonNull::from(&code[entry]), args) }.unwrap();
        match done {
            DoneReason::Returned => Ok(self.vm.results(rets).unwrap()),
            DoneReason::Trap { pc, kind } => {
                let offset = pc.as_ptr() as usize - code.as_ptr() as usize;
                assert!(offset < code.len(), "trap pc inside the code");
                Err(kind)
            }
            DoneReason::HostCall { .. } => panic!("unexpected host call"),
        }
    }
}

pub fn i64s(v: &[u64]) -> Vec<Val> {
    v.iter().map(|&v| Val::I64(v as i64)).collect()
}
