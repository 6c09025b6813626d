//! Recursive Fibonacci, hand-assembled: `cargo run --release -p sheave-interp --example fib -- 30`.

use sheave_interp::{DoneReason, Val, ValType, Vm};
use sheave_opcodes::{Assembler, PcRel, RegMask, XReg, ops, verify};
use std::ptr::NonNull;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: i64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|e| format!("argument {arg:?} is not an integer: {e}"))?,
        None => 30,
    };
    let x = |i| XReg::new(i).expect("register index below 32");
    let saved = RegMask::default().with_x(x(16)).and_then(|m| m.with_x(x(17))).expect("callee-saved");

    // fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
    let mut asm = Assembler::new();
    let (fib, base) = (asm.label(), asm.label());
    asm.bind(fib);
    asm.branch(ops::BrIfXult64I { a: x(0), imm: 2, offset: PcRel(0) }, base)?;
    asm.op(ops::PushFrameSave { amt: 16, regs: saved });
    asm.op(ops::Xmov { dst: x(16), src: x(0) });
    asm.op(ops::Xadd64I { dst: x(0), a: x(16), imm: -1 });
    asm.branch(ops::Call { offset: PcRel(0) }, fib)?;
    asm.op(ops::Xmov { dst: x(17), src: x(0) });
    asm.op(ops::Xadd64I { dst: x(0), a: x(16), imm: -2 });
    asm.branch(ops::Call { offset: PcRel(0) }, fib)?;
    asm.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(17) });
    asm.op(ops::PopFrameRestore { amt: 16, regs: saved });
    asm.op(ops::Ret {});
    asm.bind(base);
    asm.op(ops::Ret {});
    let code = asm.finish()?;
    verify(&code, &[0..code.len()])?;

    let mut vm = Vm::new();
    let start = Instant::now();
    // SAFETY: the code passed verification, lives until the end of `main`,
    // and touches no memory besides the VM's own stack.
    let done = unsafe { vm.call(NonNull::from(&code[0]), &[Val::I64(n)])? };
    let elapsed = start.elapsed();
    match done {
        DoneReason::Returned => {
            let result = vm.results(&[ValType::I64])?[0];
            println!("fib({n}) = {result}  ({elapsed:.2?}, {} bytes of bytecode)", code.len());
        }
        other => return Err(format!("fib({n}) did not return: {other:?}").into()),
    }
    Ok(())
}
