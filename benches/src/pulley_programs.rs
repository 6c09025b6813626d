//! The Pulley side of Sheave's dispatch micro-benchmark.
//!
//! Four small programs are hand-encoded as Pulley bytecode (the interpreter
//! used by Wasmtime) and run with `pulley-interpreter` 48.0.8. They are
//! encoded the way Cranelift would emit them for Pulley: fused
//! compare-and-branch at the bottom of each loop, immediate forms where Pulley
//! has them, constants hoisted out of loops, and the Pulley ABI (arguments and
//! results in `x0..`/`f0..`, `x16..x29` callee-saved).
//!
//! How a program gets back to the host: `Vm::call` puts a sentinel in the link
//! register `lr`, so the outermost function's plain `ret` ends execution with
//! `DoneReason::ReturnToHost`, and the results are read from `x0`/`f0`.

use core::ptr::NonNull;

use cranelift_bitset::ScalarBitSet;
use pulley_interpreter::encode;
use pulley_interpreter::interp::{DoneReason, RegType, TrapKind, Val, Vm};
use pulley_interpreter::{AddrO32, BinaryOperands, FReg, PcRelOffset, U6, UpperRegSet, XReg};

use FReg::*;
use XReg::*;

/// A forward or backward branch target inside one program being assembled.
#[derive(Clone, Copy)]
struct Label(usize);

/// A minimal assembler: the `encode::*` functions write instructions, and this
/// adds labels so branch offsets need not be counted by hand.
#[derive(Default)]
struct Asm {
    code: Vec<u8>,
    /// Bound byte position of each label (`None` until bound).
    labels: Vec<Option<usize>>,
    /// `(instruction start, offset field position, label)` of each branch,
    /// patched in `finish`.
    fixups: Vec<(usize, usize, Label)>,
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    fn bind(&mut self, label: Label) {
        assert!(self.labels[label.0].is_none(), "label bound twice");
        self.labels[label.0] = Some(self.code.len());
    }

    /// Emits one instruction that has no label operand.
    fn emit(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        f(&mut self.code);
    }

    /// Emits a branch or call to `target`. `f` encodes the instruction with a
    /// placeholder offset; in every Pulley branch and call the `PcRelOffset`
    /// is the last field, so it occupies the instruction's last 4 bytes.
    fn branch(&mut self, target: Label, f: impl FnOnce(&mut Vec<u8>, PcRelOffset)) {
        let start = self.code.len();
        f(&mut self.code, PcRelOffset::from(0));
        self.fixups.push((start, self.code.len() - 4, target));
    }

    /// Resolves branch offsets. Pulley offsets are relative to the *start* of
    /// the branching instruction (not to the next one).
    fn finish(mut self) -> Vec<u8> {
        for &(start, field, label) in &self.fixups {
            let target = self.labels[label.0].expect("branch to an unbound label");
            let offset = i32::try_from(target as i64 - start as i64).unwrap();
            self.code[field..field + 4].copy_from_slice(&offset.to_le_bytes());
        }
        self.code
    }
}

/// The four benchmark programs and the interpreter that runs them.
pub struct PulleyPrograms {
    vm: Vm,
    int_code: Vec<u8>,
    float_code: Vec<u8>,
    mem_code: Vec<u8>,
    call_code: Vec<u8>,
}

impl Default for PulleyPrograms {
    fn default() -> Self {
        Self::new()
    }
}

impl PulleyPrograms {
    /// Encodes the four programs and creates a VM (default 1 MiB stack).
    pub fn new() -> Self {
        Self {
            vm: Vm::new().expect("allocating the Pulley VM stack"),
            int_code: encode_int_loop(),
            float_code: encode_float_loop(),
            mem_code: encode_mem_loop(),
            call_code: encode_call_loop(),
        }
    }

    /// `acc = 0; i = 0; while i < n { t = i << 1; acc = acc.wrapping_add(i);
    /// acc ^= t; i += 1 }; acc` (all `u64`).
    pub fn int_loop(&mut self, n: u64) -> u64 {
        // SAFETY: `int_code` is a complete function built by `encode_int_loop`
        // taking one x-register argument (n) and returning one x-register;
        // the arguments and result types below match it. It touches no memory.
        unsafe { run(&mut self.vm, &self.int_code, &[Val::from(n)], RegType::XReg) }.get_u64()
    }

    /// `x = 0.0; s = 0.0; for _ in 0..n { x = x * 0.5 + 1.0; s = s + x }; s`
    /// (separate multiply and add, no fused multiply-add).
    pub fn float_loop(&mut self, n: u64) -> f64 {
        // SAFETY: `float_code` is a complete function built by
        // `encode_float_loop` taking one x-register argument (n) and returning
        // one f-register; the types below match it. It touches no memory.
        unsafe { run(&mut self.vm, &self.float_code, &[Val::from(n)], RegType::FReg) }.get_f64()
    }

    /// `acc = 0; for p in buf { *p += 1; acc = acc.wrapping_add(*p) }; acc`.
    /// Bytecode signature: `(ptr: x0, len: x1) -> x0`.
    pub fn mem_loop(&mut self, buf: &mut [u64]) -> u64 {
        let ptr = buf.as_mut_ptr();
        let len = buf.len() as u64;
        // SAFETY: `mem_code` (from `encode_mem_loop`) takes (ptr, len) in x
        // registers and returns one x-register, matching the arguments below.
        // It reads and writes exactly the `len` little-endian u64s at `ptr`
        // (none when `len == 0`): they are `buf`, which is live and exclusively
        // borrowed for the whole call, and `u64` is aligned as the loads need.
        unsafe { run(&mut self.vm, &self.mem_code, &[Val::from(ptr), Val::from(len)], RegType::XReg) }
            .get_u64()
    }

    /// `acc = 0; for i in 0..n { acc = add(acc, i) }; acc`, where `add` is a
    /// separate bytecode function reached by a pc-relative `call`.
    pub fn call_loop(&mut self, n: u64) -> u64 {
        // SAFETY: `call_code` starts with the `main` function built by
        // `encode_call_loop` (one x-register argument n, one x-register
        // result); its only memory traffic is to the VM's own stack, which
        // `push_frame*` bounds-checks (16 + 16 bytes of frame per level, two
        // levels, far below the 1 MiB stack).
        unsafe { run(&mut self.vm, &self.call_code, &[Val::from(n)], RegType::XReg) }.get_u64()
    }

    /// Encoded size in bytes of each program: `[int, float, mem, call]`
    /// (`call` includes both functions).
    pub fn code_sizes(&self) -> [usize; 4] {
        [self.int_code.len(), self.float_code.len(), self.mem_code.len(), self.call_code.len()]
    }

    /// Pulley's own disassembly of each program, `[int, float, mem, call]`,
    /// for eyeballing the encoding.
    pub fn disassembly(&self) -> [String; 4] {
        [&self.int_code, &self.float_code, &self.mem_code, &self.call_code].map(|code| {
            pulley_interpreter::disas::Disassembler::disassemble_all(code)
                .expect("hand-encoded bytecode must decode")
        })
    }
}

/// The single value a finished program returned.
enum Ret {
    X(u64),
    F(f64),
}

impl Ret {
    fn get_u64(self) -> u64 {
        match self {
            Ret::X(v) => v,
            Ret::F(_) => unreachable!("program returned a float"),
        }
    }

    fn get_f64(self) -> f64 {
        match self {
            Ret::F(v) => v,
            Ret::X(_) => unreachable!("program returned an integer"),
        }
    }
}

/// Runs the function at the start of `code` and returns its one result.
///
/// # Safety
///
/// `code` must start with a valid Pulley function (every branch landing on an
/// instruction inside `code`, ending in `ret`) whose parameters match `args`
/// and whose result is one register of class `ret`; any memory it touches
/// must be valid for the whole call.
unsafe fn run(vm: &mut Vm, code: &[u8], args: &[Val], ret: RegType) -> Ret {
    let entry = NonNull::from(code).cast::<u8>();
    // SAFETY: forwarded from this function's contract. The bytecode is only
    // read, and `code` outlives the call because it is borrowed for it.
    let done = unsafe { vm.call(entry, args, [ret]) };
    match done {
        DoneReason::ReturnToHost(mut rets) => match rets.next() {
            Some(Val::XReg(v)) => Ret::X(v.get_u64()),
            Some(Val::FReg(v)) => Ret::F(v.get_f64()),
            other => unreachable!("unexpected result {other:?}"),
        },
        DoneReason::Trap { pc, kind } => {
            let at = pc.as_ptr() as usize - code.as_ptr() as usize;
            panic!("Pulley trap ({}) at byte {at}", trap_name(kind))
        }
        DoneReason::CallIndirectHost { id, .. } => {
            panic!("unexpected host call {id} (programs make none)")
        }
    }
}

/// `TrapKind` has no `Debug` impl in 48.0.8, so name it by hand.
fn trap_name(kind: Option<TrapKind>) -> &'static str {
    match kind {
        None => "unspecified",
        Some(TrapKind::DivideByZero) => "divide by zero",
        Some(TrapKind::IntegerOverflow) => "integer overflow",
        Some(TrapKind::BadConversionToInteger) => "bad conversion to integer",
        Some(TrapKind::MemoryOutOfBounds) => "memory out of bounds",
        Some(TrapKind::DisabledOpcode) => "disabled opcode",
        Some(TrapKind::StackOverflow) => "stack overflow",
    }
}

/// Shorthand for a three-register operand pack.
fn ops<R: pulley_interpreter::Reg>(dst: R, src1: R, src2: R) -> BinaryOperands<R> {
    BinaryOperands { dst, src1, src2 }
}

/// `(n: x0) -> x0`. Registers: x0 = acc, x1 = n, x2 = i, x3 = t.
fn encode_int_loop() -> Vec<u8> {
    let mut a = Asm::default();
    let (top, done) = (a.label(), a.label());
    // n == 0: x0 already holds 0, which is the answer.
    a.branch(done, |c, o| encode::br_if_xeq64_i8(c, x0, 0, o));
    a.emit(|c| encode::xmov(c, x1, x0));
    a.emit(|c| encode::xzero(c, x0));
    a.emit(|c| encode::xzero(c, x2));
    a.bind(top);
    a.emit(|c| encode::xshl64_u6(c, BinaryOperands::new(x3, x2, U6::new(1).unwrap())));
    a.emit(|c| encode::xadd64(c, ops(x0, x0, x2)));
    a.emit(|c| encode::xbxor64(c, ops(x0, x0, x3)));
    a.emit(|c| encode::xadd64_u8(c, x2, x2, 1));
    a.branch(top, |c, o| encode::br_if_xult64(c, x2, x1, o));
    a.bind(done);
    a.emit(encode::ret);
    a.finish()
}

/// `(n: x0) -> f0`. Registers: f0 = s, f1 = x, f2 = 0.5, f3 = 1.0, x1 = i.
/// All float instructions are Pulley "extended" ops (3-byte opcode).
fn encode_float_loop() -> Vec<u8> {
    let mut a = Asm::default();
    let (top, done) = (a.label(), a.label());
    // s = 0.0 first, so the n == 0 exit already has its result in f0.
    a.emit(|c| encode::fconst64(c, f0, 0.0f64.to_bits()));
    a.branch(done, |c, o| encode::br_if_xeq64_i8(c, x0, 0, o));
    // x = 0.0: copying f0 is 5 bytes, a second fconst64 would be 12.
    a.emit(|c| encode::fmov(c, f1, f0));
    a.emit(|c| encode::fconst64(c, f2, 0.5f64.to_bits()));
    a.emit(|c| encode::fconst64(c, f3, 1.0f64.to_bits()));
    a.emit(|c| encode::xzero(c, x1));
    a.bind(top);
    a.emit(|c| encode::fmul64(c, ops(f1, f1, f2)));
    a.emit(|c| encode::fadd64(c, ops(f1, f1, f3)));
    a.emit(|c| encode::fadd64(c, ops(f0, f0, f1)));
    a.emit(|c| encode::xadd64_u8(c, x1, x1, 1));
    a.branch(top, |c, o| encode::br_if_xult64(c, x1, x0, o));
    a.bind(done);
    a.emit(encode::ret);
    a.finish()
}

/// `(ptr: x0, len: x1) -> x0`. Registers: x0 = acc, x1 = end pointer,
/// x2 = cursor, x3 = element. The index is strength-reduced to a pointer
/// bump (as a compiler would); the bottom test `p < end` is `i < len`.
/// Loads/stores use the `o32` mode: a raw host address plus offset.
fn encode_mem_loop() -> Vec<u8> {
    let mut a = Asm::default();
    let (top, done) = (a.label(), a.label());
    let at = |addr| AddrO32 { addr, offset: 0 };
    a.emit(|c| encode::xmov(c, x2, x0));
    a.emit(|c| encode::xzero(c, x0));
    a.branch(done, |c, o| encode::br_if_xeq64_i8(c, x1, 0, o));
    // end = ptr + len * 8
    a.emit(|c| encode::xshl64_u6(c, BinaryOperands::new(x1, x1, U6::new(3).unwrap())));
    a.emit(|c| encode::xadd64(c, ops(x1, x2, x1)));
    a.bind(top);
    a.emit(|c| encode::xload64le_o32(c, x3, at(x2)));
    a.emit(|c| encode::xadd64_u8(c, x3, x3, 1));
    a.emit(|c| encode::xstore64le_o32(c, at(x2), x3));
    a.emit(|c| encode::xadd64(c, ops(x0, x0, x3)));
    a.emit(|c| encode::xadd64_u8(c, x2, x2, 8));
    a.branch(top, |c, o| encode::br_if_xult64(c, x2, x1, o));
    a.bind(done);
    a.emit(encode::ret);
    a.finish()
}

/// `main(n: x0) -> x0` followed by `add(a: x0, b: x1) -> x0`.
///
/// `n` and `i` live across the call, so (per the Pulley ABI, where x0..x15
/// are clobbered by calls) they go in callee-saved x16/x17, which `main` must
/// save: `push_frame_save` is Pulley's fused `push_frame` + stack alloc +
/// register save that Cranelift emits in that case. `acc` stays in x0: it is
/// both `add`'s first argument and its result, so it needs no moves.
fn encode_call_loop() -> Vec<u8> {
    let mut a = Asm::default();
    let (top, done, add) = (a.label(), a.label(), a.label());
    // x16 and x17 are bits 0 and 1 of the "upper half" register set.
    let saved = || UpperRegSet::<XReg>::from_bitset(ScalarBitSet::from(0b11u16));
    const SAVE_BYTES: u16 = 16;

    // main
    a.emit(|c| encode::push_frame_save(c, SAVE_BYTES, saved()));
    a.emit(|c| encode::xmov(c, x16, x0));
    a.emit(|c| encode::xzero(c, x0));
    a.branch(done, |c, o| encode::br_if_xeq64_i8(c, x16, 0, o));
    a.emit(|c| encode::xzero(c, x17));
    a.bind(top);
    // call2 also moves the arguments: x0 = acc (a no-op), x1 = i.
    a.branch(add, |c, o| encode::call2(c, x0, x17, o));
    a.emit(|c| encode::xadd64_u8(c, x17, x17, 1));
    a.branch(top, |c, o| encode::br_if_xult64(c, x17, x16, o));
    a.bind(done);
    a.emit(|c| encode::pop_frame_restore(c, SAVE_BYTES, saved()));
    a.emit(encode::ret);

    // add: a leaf, but it keeps a frame as the benchmark asks (Wasmtime, which
    // preserves frame pointers, would emit the same).
    a.bind(add);
    a.emit(encode::push_frame);
    a.emit(|c| encode::xadd64(c, ops(x0, x0, x1)));
    a.emit(encode::pop_frame);
    a.emit(encode::ret);
    a.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: [u64; 4] = [0, 1, 2, 1000];
    const LENS: [usize; 4] = [0, 1, 7, 100];

    fn int_ref(n: u64) -> u64 {
        let (mut acc, mut i) = (0u64, 0u64);
        while i < n {
            let t = i << 1;
            acc = acc.wrapping_add(i);
            acc ^= t;
            i += 1;
        }
        acc
    }

    fn float_ref(n: u64) -> f64 {
        let (mut x, mut s) = (0.0f64, 0.0f64);
        for _ in 0..n {
            x = x * 0.5 + 1.0;
            s += x;
        }
        s
    }

    fn mem_ref(buf: &mut [u64]) -> u64 {
        let mut acc = 0u64;
        for p in buf {
            *p = p.wrapping_add(1);
            acc = acc.wrapping_add(*p);
        }
        acc
    }

    fn call_ref(n: u64) -> u64 {
        (0..n).fold(0u64, |acc, i| acc.wrapping_add(i))
    }

    #[test]
    fn int_loop_matches_reference() {
        let mut p = PulleyPrograms::new();
        for n in NS {
            assert_eq!(p.int_loop(n), int_ref(n), "n = {n}");
        }
    }

    #[test]
    fn float_loop_matches_reference_bit_for_bit() {
        let mut p = PulleyPrograms::new();
        for n in NS {
            assert_eq!(p.float_loop(n).to_bits(), float_ref(n).to_bits(), "n = {n}");
        }
    }

    #[test]
    fn mem_loop_matches_reference_and_updates_buffer() {
        let mut p = PulleyPrograms::new();
        for len in LENS {
            // Varied values, including ones that wrap on + 1.
            let init: Vec<u64> = (0..len as u64)
                .map(|i| if i % 5 == 4 { u64::MAX } else { i.wrapping_mul(0x9E37_79B9_7F4A_7C15) })
                .collect();
            let (mut got, mut want) = (init.clone(), init);
            assert_eq!(p.mem_loop(&mut got), mem_ref(&mut want), "len = {len}");
            assert_eq!(got, want, "buffer after, len = {len}");
        }
    }

    #[test]
    fn call_loop_matches_reference() {
        let mut p = PulleyPrograms::new();
        for n in NS {
            assert_eq!(p.call_loop(n), call_ref(n), "n = {n}");
        }
    }

    #[test]
    fn vm_is_reusable_across_programs() {
        // Runs every program repeatedly on one VM: frames and `lr` must be
        // restored each time (a leaked frame would show up as wrong results
        // or a stack overflow trap).
        let mut p = PulleyPrograms::new();
        let mut buf = vec![1u64; 7];
        for _ in 0..1000 {
            assert_eq!(p.call_loop(10), 45);
            assert_eq!(p.int_loop(2), int_ref(2));
            assert_eq!(p.float_loop(1), 1.0);
            p.mem_loop(&mut buf);
        }
        assert_eq!(buf, vec![1001u64; 7]);
    }

    #[test]
    fn programs_decode_and_sizes_are_stable() {
        let p = PulleyPrograms::new();
        for d in p.disassembly() {
            // Every byte decodes, and each program ends in `ret`.
            assert!(d.trim_end().ends_with("ret"), "{d}");
            println!("{d}");
        }
        // Pinned so an encoding change is noticed (see the disassembly above).
        assert_eq!(p.code_sizes(), [35, 77, 51, 49]);
    }
}
