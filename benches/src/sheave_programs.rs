//! The Sheave side of the dispatch micro-benchmark: the four programs of
//! [`crate::reference`], hand-assembled the way Sheave's backend emits code.

use sheave_interp::{Dispatch, DoneReason, Val, ValType, Vm};
use sheave_opcodes::{Assembler, FReg, PcRel, RegMask, XReg, ops, verify};
use std::ptr::NonNull;

fn x(i: u8) -> XReg {
    XReg::new(i).expect("register index below 32")
}
fn f(i: u8) -> FReg {
    FReg::new(i).expect("register index below 32")
}
const P: PcRel = PcRel(0);

/// The four programs, verified, and a VM to run them.
pub struct SheavePrograms {
    vm: Vm,
    int_code: Vec<u8>,
    float_code: Vec<u8>,
    mem_code: Vec<u8>,
    call_code: Vec<u8>,
}

impl Default for SheavePrograms {
    fn default() -> Self {
        Self::new()
    }
}

impl SheavePrograms {
    /// Assemble and verify the programs; create a VM with the default dispatcher.
    pub fn new() -> Self {
        Self::with_super_instructions(true)
    }

    /// The same programs without super-instructions when `fused` is false:
    /// loops end in a compare into a register plus `br_if64` instead of a
    /// fused compare-and-branch, and calls move their arguments with `xmov`
    /// instead of `call2`. Measures what the super-instructions buy.
    pub fn with_super_instructions(fused: bool) -> Self {
        let programs = SheavePrograms {
            vm: Vm::new(),
            int_code: int_loop_code(fused),
            float_code: float_loop_code(fused),
            mem_code: mem_loop_code(fused),
            call_code: call_loop_parts(fused).0,
        };
        for code in [&programs.int_code, &programs.float_code, &programs.mem_code] {
            verify(code, &[0..code.len()]).expect("benchmark program verifies");
        }
        let split = call_loop_parts(fused).1;
        verify(&programs.call_code, &[0..split, split..programs.call_code.len()])
            .expect("benchmark program verifies");
        programs
    }

    /// Use another dispatcher (to compare them).
    pub fn set_dispatch(&mut self, dispatch: Dispatch) {
        self.vm.set_dispatch(dispatch);
    }

    fn run(&mut self, code: &[u8], args: &[Val], ret: ValType) -> Val {
        // SAFETY: every program was verified in `new`; the only memory they
        // touch is the VM stack and, for `mem_loop`, the caller's buffer,
        // whose pointer and length are passed together below.
        let done =
            unsafe { self.vm.call(NonNull::from(&code[0]), args) }.expect("arguments fit in registers");
        assert_eq!(done, DoneReason::Returned, "benchmark program must return");
        self.vm.results(&[ret]).expect("one result")[0]
    }

    /// `acc = 0; for i in 0..n { acc = (acc + i) ^ (i << 1) }` (u64, wrapping).
    pub fn int_loop(&mut self, n: u64) -> u64 {
        let code = std::mem::take(&mut self.int_code);
        let r = self.run(&code, &[Val::I64(n as i64)], ValType::I64);
        self.int_code = code;
        r.i64().expect("i64 result") as u64
    }

    /// `x = 0; s = 0; for _ in 0..n { x = x * 0.5 + 1.0; s += x }` (f64).
    pub fn float_loop(&mut self, n: u64) -> f64 {
        let code = std::mem::take(&mut self.float_code);
        let r = self.run(&code, &[Val::I64(n as i64)], ValType::F64);
        self.float_code = code;
        r.f64().expect("f64 result")
    }

    /// `for p in buf { *p += 1; acc += *p }` through the guest's loads and stores.
    pub fn mem_loop(&mut self, buf: &mut [u64]) -> u64 {
        let code = std::mem::take(&mut self.mem_code);
        let ptr = buf.as_mut_ptr().expose_provenance() as i64;
        let r = self.run(&code, &[Val::I64(ptr), Val::I64(buf.len() as i64)], ValType::I64);
        self.mem_code = code;
        r.i64().expect("i64 result") as u64
    }

    /// `for i in 0..n { acc = add(acc, i) }` with `add` a separate function.
    pub fn call_loop(&mut self, n: u64) -> u64 {
        let code = std::mem::take(&mut self.call_code);
        let r = self.run(&code, &[Val::I64(n as i64)], ValType::I64);
        self.call_code = code;
        r.i64().expect("i64 result") as u64
    }

    /// Bytes of bytecode of each program: `[int, float, mem, call]`.
    pub fn code_sizes(&self) -> [usize; 4] {
        [self.int_code.len(), self.float_code.len(), self.mem_code.len(), self.call_code.len()]
    }
}

/// `if a < b (unsigned) goto top`, fused or as a compare plus a branch.
fn loop_back(a: &mut Assembler, fused: bool, lhs: XReg, rhs: XReg, top: sheave_opcodes::Label) {
    if fused {
        a.branch(ops::BrIfXult64 { a: lhs, b: rhs, offset: P }, top).unwrap();
    } else {
        a.op(ops::Xult64 { dst: x(4), a: lhs, b: rhs });
        a.branch(ops::BrIf64 { cond: x(4), offset: P }, top).unwrap();
    }
}

fn int_loop_code(fused: bool) -> Vec<u8> {
    let mut a = Assembler::new();
    let (top, done) = (a.label(), a.label());
    a.op(ops::Xzero { dst: x(1) });
    a.branch(ops::BrIfXeq64I8 { a: x(0), imm: 0, offset: P }, done).unwrap();
    a.op(ops::Xzero { dst: x(2) });
    a.bind(top);
    a.op(ops::Xshl64I { dst: x(3), a: x(2), amt: 1 });
    a.op(ops::Xadd64 { dst: x(1), a: x(1), b: x(2) });
    a.op(ops::Xbxor64 { dst: x(1), a: x(1), b: x(3) });
    a.op(ops::Xadd64I8 { dst: x(2), a: x(2), imm: 1 });
    loop_back(&mut a, fused, x(2), x(0), top);
    a.bind(done);
    a.op(ops::Xmov { dst: x(0), src: x(1) });
    a.op(ops::Ret {});
    a.finish().unwrap()
}

fn float_loop_code(fused: bool) -> Vec<u8> {
    let mut a = Assembler::new();
    let (top, done) = (a.label(), a.label());
    a.op(ops::Fconst64 { dst: f(0), bits: 0.0f64.to_bits() });
    a.branch(ops::BrIfXeq64I8 { a: x(0), imm: 0, offset: P }, done).unwrap();
    a.op(ops::Fconst64 { dst: f(2), bits: 0.5f64.to_bits() });
    a.op(ops::Fconst64 { dst: f(3), bits: 1.0f64.to_bits() });
    a.op(ops::Fmov { dst: f(1), src: f(0) });
    a.op(ops::Xzero { dst: x(2) });
    a.bind(top);
    a.op(ops::Fmul64 { dst: f(1), a: f(1), b: f(2) });
    a.op(ops::Fadd64 { dst: f(1), a: f(1), b: f(3) });
    a.op(ops::Fadd64 { dst: f(0), a: f(0), b: f(1) });
    a.op(ops::Xadd64I8 { dst: x(2), a: x(2), imm: 1 });
    loop_back(&mut a, fused, x(2), x(0), top);
    a.bind(done);
    a.op(ops::Ret {});
    a.finish().unwrap()
}

fn mem_loop_code(fused: bool) -> Vec<u8> {
    // (ptr: x0, len: x1) -> x0; walks a pointer to `end = ptr + len * 8`.
    let mut a = Assembler::new();
    let (top, done) = (a.label(), a.label());
    a.op(ops::Xzero { dst: x(2) });
    a.branch(ops::BrIfXeq64I8 { a: x(1), imm: 0, offset: P }, done).unwrap();
    a.op(ops::Xshl64I { dst: x(1), a: x(1), amt: 3 });
    a.op(ops::Xadd64 { dst: x(1), a: x(0), b: x(1) });
    a.bind(top);
    a.op(ops::Xload64 { dst: x(3), base: x(0), offset: 0 });
    a.op(ops::Xadd64I8 { dst: x(3), a: x(3), imm: 1 });
    a.op(ops::Xstore64 { base: x(0), offset: 0, src: x(3) });
    a.op(ops::Xadd64 { dst: x(2), a: x(2), b: x(3) });
    a.op(ops::Xadd64I8 { dst: x(0), a: x(0), imm: 8 });
    loop_back(&mut a, fused, x(0), x(1), top);
    a.bind(done);
    a.op(ops::Xmov { dst: x(0), src: x(2) });
    a.op(ops::Ret {});
    a.finish().unwrap()
}

/// `main(n)` keeps `n` and `i` in callee-saved x16/x17 across the calls;
/// `acc` lives in x0, argument and result of `add`.
fn call_loop_parts(fused: bool) -> (Vec<u8>, usize) {
    let saved = RegMask::default().with_x(x(16)).and_then(|m| m.with_x(x(17))).unwrap();
    let mut a = Assembler::new();
    let (top, done, add) = (a.label(), a.label(), a.label());
    a.op(ops::PushFrameSave { amt: 16, regs: saved });
    a.op(ops::Xmov { dst: x(16), src: x(0) });
    a.op(ops::Xzero { dst: x(0) });
    a.branch(ops::BrIfXeq64I8 { a: x(16), imm: 0, offset: P }, done).unwrap();
    a.op(ops::Xzero { dst: x(17) });
    a.bind(top);
    if fused {
        a.branch(ops::Call2 { a0: x(0), a1: x(17), offset: P }, add).unwrap();
    } else {
        a.op(ops::Xmov { dst: x(1), src: x(17) });
        a.branch(ops::Call { offset: P }, add).unwrap();
    }
    a.op(ops::Xadd64I8 { dst: x(17), a: x(17), imm: 1 });
    loop_back(&mut a, fused, x(17), x(16), top);
    a.bind(done);
    a.op(ops::PopFrameRestore { amt: 16, regs: saved });
    a.op(ops::Ret {});
    let split = a.offset();
    a.bind(add);
    a.op(ops::PushFrame {});
    a.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(1) });
    a.op(ops::PopFrame {});
    a.op(ops::Ret {});
    (a.finish().unwrap(), split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulley_programs::PulleyPrograms;
    use crate::reference;

    #[test]
    fn both_vms_agree_with_the_reference() {
        let mut dispatches = vec![Dispatch::Loop];
        if !cfg!(debug_assertions) {
            dispatches.push(Dispatch::TailCall);
        }
        for (dispatch, fused) in dispatches.into_iter().flat_map(|d| [(d, true), (d, false)]) {
            let mut sheave = SheavePrograms::with_super_instructions(fused);
            sheave.set_dispatch(dispatch);
            let mut pulley = PulleyPrograms::new();
            for n in [0u64, 1, 2, 3, 1000] {
                assert_eq!(sheave.int_loop(n), reference::int_loop(n), "int_loop({n})");
                assert_eq!(pulley.int_loop(n), reference::int_loop(n), "pulley int_loop({n})");
                assert_eq!(
                    sheave.float_loop(n).to_bits(),
                    reference::float_loop(n).to_bits(),
                    "float_loop({n})"
                );
                assert_eq!(sheave.call_loop(n), reference::call_loop(n), "call_loop({n})");
            }
            for len in [0usize, 1, 7, 100] {
                let mut a: Vec<u64> = (0..len as u64).map(|i| i * 3).collect();
                let mut b = a.clone();
                assert_eq!(sheave.mem_loop(&mut a), reference::mem_loop(&mut b), "mem_loop(len {len})");
                assert_eq!(a, b);
            }
        }
    }
}
