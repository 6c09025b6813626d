//! The instruction set, written once.
//!
//! Each table is a higher-order macro: it calls the macro it is given with
//! every op as `/// doc  name = Camel { field: Type, ... };`. Everything else
//! (opcode enums, encoder, decoder, visitor, disassembler, sizes, the
//! interpreter's handler tables) is generated from these two lists.
//!
//! Conventions:
//! * the position of an op is its opcode number; append new ops at the end
//!   and bump [`crate::ISA_VERSION`] when a number changes (a test checks);
//! * `32`-suffixed integer ops read the low 32 bits of their operands and
//!   write a zero-extended 32-bit result; `64` ops use the whole register;
//! * `f32` values live in the low 32 bits of an f-register, upper bits zero;
//! * branch and call offsets are relative to the first byte of the op;
//! * memory operands are host addresses `x[base] + offset`;
//! * a register field the op writes has type [`crate::XDst`], [`crate::FDst`]
//!   or [`crate::VDst`] (aliases of the register types, so consumers that
//!   only encode or decode see no difference; the code generator reads
//!   them as the op's outputs); every other register field is only read.
//!   Every op reads all of its inputs before it writes an output.

/// The hot ops: one opcode byte each. Opcode `0xFF` is the escape that
/// introduces an op of [`for_each_extended_op!`](crate::for_each_extended_op).
#[macro_export]
macro_rules! for_each_op {
    ($m:ident $(, $($pre:tt)*)?) => {
        $m! {
            $($($pre)*)?
            /// Return to the address in `lr` (to the host when it is the host sentinel).
            ret = Ret {};
            /// Jump to `pc + offset`.
            jump = Jump { offset: PcRel };
            /// Jump when the low 32 bits of `cond` are not zero.
            br_if32 = BrIf32 { cond: XReg, offset: PcRel };
            /// Jump when the low 32 bits of `cond` are zero.
            br_ifnot32 = BrIfNot32 { cond: XReg, offset: PcRel };
            /// Jump when `cond` is not zero.
            br_if64 = BrIf64 { cond: XReg, offset: PcRel };
            /// Jump when `cond` is zero.
            br_ifnot64 = BrIfNot64 { cond: XReg, offset: PcRel };

            /// Jump when `a == b` (32-bit).
            br_if_xeq32 = BrIfXeq32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a != b` (32-bit).
            br_if_xneq32 = BrIfXneq32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a < b`, signed 32-bit.
            br_if_xslt32 = BrIfXslt32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a <= b`, signed 32-bit.
            br_if_xslteq32 = BrIfXslteq32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a < b`, unsigned 32-bit.
            br_if_xult32 = BrIfXult32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a <= b`, unsigned 32-bit.
            br_if_xulteq32 = BrIfXulteq32 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a == b` (64-bit).
            br_if_xeq64 = BrIfXeq64 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a != b` (64-bit).
            br_if_xneq64 = BrIfXneq64 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a < b`, signed 64-bit.
            br_if_xslt64 = BrIfXslt64 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a <= b`, signed 64-bit.
            br_if_xslteq64 = BrIfXslteq64 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a < b`, unsigned 64-bit.
            br_if_xult64 = BrIfXult64 { a: XReg, b: XReg, offset: PcRel };
            /// Jump when `a <= b`, unsigned 64-bit.
            br_if_xulteq64 = BrIfXulteq64 { a: XReg, b: XReg, offset: PcRel };

            /// Jump when `a == imm` (32-bit).
            br_if_xeq32_i = BrIfXeq32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a != imm` (32-bit).
            br_if_xneq32_i = BrIfXneq32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a < imm`, signed 32-bit.
            br_if_xslt32_i = BrIfXslt32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a <= imm`, signed 32-bit.
            br_if_xslteq32_i = BrIfXslteq32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a < imm`, unsigned 32-bit (`imm` read as `u32`).
            br_if_xult32_i = BrIfXult32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a >= imm`, unsigned 32-bit.
            br_if_xugteq32_i = BrIfXugteq32I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a == imm` (64-bit, `imm` sign-extended).
            br_if_xeq64_i = BrIfXeq64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a != imm` (64-bit).
            br_if_xneq64_i = BrIfXneq64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a < imm`, signed 64-bit.
            br_if_xslt64_i = BrIfXslt64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a <= imm`, signed 64-bit.
            br_if_xslteq64_i = BrIfXslteq64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a > imm`, signed 64-bit.
            br_if_xsgt64_i = BrIfXsgt64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a >= imm`, signed 64-bit.
            br_if_xsgteq64_i = BrIfXsgteq64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a < imm`, unsigned 64-bit (`imm` sign-extended, then unsigned).
            br_if_xult64_i = BrIfXult64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a <= imm`, unsigned 64-bit.
            br_if_xulteq64_i = BrIfXulteq64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a > imm`, unsigned 64-bit.
            br_if_xugt64_i = BrIfXugt64I { a: XReg, imm: i32, offset: PcRel };
            /// Jump when `a >= imm`, unsigned 64-bit.
            br_if_xugteq64_i = BrIfXugteq64I { a: XReg, imm: i32, offset: PcRel };

            /// Jump when `a == imm`, 32-bit, `imm` sign-extended (short form).
            br_if_xeq32_i8 = BrIfXeq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a != imm`, 32-bit, `imm` sign-extended (short form).
            br_if_xneq32_i8 = BrIfXneq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a < imm`, signed 32-bit, `imm` sign-extended (short form).
            br_if_xslt32_i8 = BrIfXslt32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a <= imm`, signed 32-bit, `imm` sign-extended (short form).
            br_if_xslteq32_i8 = BrIfXslteq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a > imm`, signed 32-bit, `imm` sign-extended (short form).
            br_if_xsgt32_i8 = BrIfXsgt32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a >= imm`, signed 32-bit, `imm` sign-extended (short form).
            br_if_xsgteq32_i8 = BrIfXsgteq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a < imm`, unsigned 32-bit, `imm` sign-extended (short form).
            br_if_xult32_i8 = BrIfXult32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a <= imm`, unsigned 32-bit, `imm` sign-extended (short form).
            br_if_xulteq32_i8 = BrIfXulteq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a > imm`, unsigned 32-bit, `imm` sign-extended (short form).
            br_if_xugt32_i8 = BrIfXugt32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a >= imm`, unsigned 32-bit, `imm` sign-extended (short form).
            br_if_xugteq32_i8 = BrIfXugteq32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a == imm`, 64-bit, `imm` sign-extended (short form).
            br_if_xeq64_i8 = BrIfXeq64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a != imm`, 64-bit, `imm` sign-extended (short form).
            br_if_xneq64_i8 = BrIfXneq64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a < imm`, signed 64-bit, `imm` sign-extended (short form).
            br_if_xslt64_i8 = BrIfXslt64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a <= imm`, signed 64-bit, `imm` sign-extended (short form).
            br_if_xslteq64_i8 = BrIfXslteq64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a > imm`, signed 64-bit, `imm` sign-extended (short form).
            br_if_xsgt64_i8 = BrIfXsgt64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a >= imm`, signed 64-bit, `imm` sign-extended (short form).
            br_if_xsgteq64_i8 = BrIfXsgteq64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a < imm`, unsigned 64-bit, `imm` sign-extended (short form).
            br_if_xult64_i8 = BrIfXult64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a <= imm`, unsigned 64-bit, `imm` sign-extended (short form).
            br_if_xulteq64_i8 = BrIfXulteq64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a > imm`, unsigned 64-bit, `imm` sign-extended (short form).
            br_if_xugt64_i8 = BrIfXugt64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a >= imm`, unsigned 64-bit, `imm` sign-extended (short form).
            br_if_xugteq64_i8 = BrIfXugteq64I8 { a: XReg, imm: i8, offset: PcRel };

            /// Jump when `a == b` (f32, false on NaN).
            br_if_feq32 = BrIfFeq32 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a != b` (f32, true on NaN).
            br_if_fneq32 = BrIfFneq32 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a < b` (f32, false on NaN).
            br_if_flt32 = BrIfFlt32 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a <= b` (f32, false on NaN).
            br_if_flteq32 = BrIfFlteq32 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a == b` (f64, false on NaN).
            br_if_feq64 = BrIfFeq64 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a != b` (f64, true on NaN).
            br_if_fneq64 = BrIfFneq64 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a < b` (f64, false on NaN).
            br_if_flt64 = BrIfFlt64 { a: FReg, b: FReg, offset: PcRel };
            /// Jump when `a <= b` (f64, false on NaN).
            br_if_flteq64 = BrIfFlteq64 { a: FReg, b: FReg, offset: PcRel };

            /// Jump table: followed by `len` `jump` ops; jumps through entry
            /// `min(idx as u32, len - 1)` (the last entry is the default).
            br_table32 = BrTable32 { idx: XReg, len: u32 };

            /// Call `pc + offset`; `lr` gets the address of the next op.
            call = Call { offset: PcRel };
            /// `x0 = a0`, then `call`.
            call1 = Call1 { a0: XReg, offset: PcRel };
            /// `x0, x1 = a0, a1` (a parallel move), then `call`.
            call2 = Call2 { a0: XReg, a1: XReg, offset: PcRel };
            /// `x0, x1, x2 = a0, a1, a2` (a parallel move), then `call`.
            call3 = Call3 { a0: XReg, a1: XReg, a2: XReg, offset: PcRel };
            /// Call the bytecode address in `target`.
            call_indirect = CallIndirect { target: XReg };
            /// Tail call: jump to the function at `pc + offset` (frame already popped).
            return_call = ReturnCall { offset: PcRel };
            /// Tail call to the bytecode address in `target`.
            return_call_indirect = ReturnCallIndirect { target: XReg };
            /// Stop and ask the host to run builtin `id`; it resumes at the next op.
            call_indirect_host = CallIndirectHost { id: u16 };

            /// Push `lr` and `fp`, then `fp = sp`.
            push_frame = PushFrame {};
            /// `sp = fp`, then pop `fp` and `lr`.
            pop_frame = PopFrame {};
            /// `push_frame`, reserve `amt` bytes, and store the callee-saved
            /// registers in `regs` (see [`crate::RegMask`]) just below `fp`.
            /// Bigger frames add a `stack_alloc32`.
            push_frame_save = PushFrameSave { amt: u16, regs: RegMask };
            /// Reload the registers saved by `push_frame_save`, then `pop_frame`.
            pop_frame_restore = PopFrameRestore { amt: u16, regs: RegMask };
            /// `sp -= amt`, trapping on stack overflow.
            stack_alloc32 = StackAlloc32 { amt: u32 };
            /// `sp += amt`.
            stack_free32 = StackFree32 { amt: u32 };

            /// `dst = 0`.
            xzero = Xzero { dst: XDst };
            /// `dst = src` (x-registers).
            xmov = Xmov { dst: XDst, src: XReg };
            /// `dst = src` (f-registers).
            fmov = Fmov { dst: FDst, src: FReg };
            /// `dst = imm` sign-extended to 64 bits.
            xconst8 = Xconst8 { dst: XDst, imm: i8 };
            /// `dst = imm` sign-extended to 64 bits.
            xconst16 = Xconst16 { dst: XDst, imm: i16 };
            /// `dst = imm` sign-extended to 64 bits.
            xconst32 = Xconst32 { dst: XDst, imm: i32 };
            /// `dst = imm`.
            xconst64 = Xconst64 { dst: XDst, imm: i64 };
            /// `dst = f32::from_bits(bits)`.
            fconst32 = Fconst32 { dst: FDst, bits: u32 };
            /// `dst = f64::from_bits(bits)`.
            fconst64 = Fconst64 { dst: FDst, bits: u64 };

            /// `dst = a + b` (wrapping, 32-bit).
            xadd32 = Xadd32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a + b` (wrapping, 64-bit).
            xadd64 = Xadd64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a - b` (wrapping, 32-bit).
            xsub32 = Xsub32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a - b` (wrapping, 64-bit).
            xsub64 = Xsub64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a * b` (wrapping, 32-bit).
            xmul32 = Xmul32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a * b` (wrapping, 64-bit).
            xmul64 = Xmul64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a & b` (32-bit).
            xband32 = Xband32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a & b` (64-bit).
            xband64 = Xband64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a | b` (32-bit).
            xbor32 = Xbor32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a | b` (64-bit).
            xbor64 = Xbor64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a ^ b` (32-bit).
            xbxor32 = Xbxor32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a ^ b` (64-bit).
            xbxor64 = Xbxor64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a << (b & 31)`.
            xshl32 = Xshl32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a << (b & 63)`.
            xshl64 = Xshl64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a >> (b & 31)`, logical.
            xshr32_u = Xshr32U { dst: XDst, a: XReg, b: XReg };
            /// `dst = a >> (b & 63)`, logical.
            xshr64_u = Xshr64U { dst: XDst, a: XReg, b: XReg };
            /// `dst = a >> (b & 31)`, arithmetic.
            xshr32_s = Xshr32S { dst: XDst, a: XReg, b: XReg };
            /// `dst = a >> (b & 63)`, arithmetic.
            xshr64_s = Xshr64S { dst: XDst, a: XReg, b: XReg };
            /// `dst = a.rotate_left(b & 63)`.
            xrotl64 = Xrotl64 { dst: XDst, a: XReg, b: XReg };

            /// `dst = a + imm` (32-bit).
            xadd32_i = Xadd32I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a + imm` (64-bit, `imm` sign-extended).
            xadd64_i = Xadd64I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a + imm` (32-bit, short form).
            xadd32_i8 = Xadd32I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a + imm` (64-bit, `imm` sign-extended, short form).
            xadd64_i8 = Xadd64I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a * imm` (32-bit).
            xmul32_i = Xmul32I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a * imm` (64-bit, `imm` sign-extended).
            xmul64_i = Xmul64I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a & imm` (32-bit).
            xband32_i = Xband32I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a & imm` (64-bit, `imm` sign-extended).
            xband64_i = Xband64I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a | imm` (32-bit).
            xbor32_i = Xbor32I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a | imm` (64-bit, `imm` sign-extended).
            xbor64_i = Xbor64I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a ^ imm` (32-bit).
            xbxor32_i = Xbxor32I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a ^ imm` (64-bit, `imm` sign-extended).
            xbxor64_i = Xbxor64I { dst: XDst, a: XReg, imm: i32 };
            /// `dst = a << (amt & 31)`.
            xshl32_i = Xshl32I { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a << (amt & 63)`.
            xshl64_i = Xshl64I { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a >> (amt & 31)`, logical.
            xshr32_u_i = Xshr32UI { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a >> (amt & 63)`, logical.
            xshr64_u_i = Xshr64UI { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a >> (amt & 31)`, arithmetic.
            xshr32_s_i = Xshr32SI { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a >> (amt & 63)`, arithmetic.
            xshr64_s_i = Xshr64SI { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a.rotate_left(amt & 31)`.
            xrotl32_i = Xrotl32I { dst: XDst, a: XReg, amt: u8 };
            /// `dst = a.rotate_left(amt & 63)`.
            xrotl64_i = Xrotl64I { dst: XDst, a: XReg, amt: u8 };

            /// `dst = -a` (wrapping, 32-bit).
            xneg32 = Xneg32 { dst: XDst, a: XReg };
            /// `dst = -a` (wrapping, 64-bit).
            xneg64 = Xneg64 { dst: XDst, a: XReg };
            /// `dst = !a` (32-bit).
            xbnot32 = Xbnot32 { dst: XDst, a: XReg };
            /// `dst = !a` (64-bit).
            xbnot64 = Xbnot64 { dst: XDst, a: XReg };

            /// Signed division; traps on `b == 0` and on `MIN / -1`.
            xdiv32_s = Xdiv32S { dst: XDst, a: XReg, b: XReg };
            /// Signed division; traps on `b == 0` and on `MIN / -1`.
            xdiv64_s = Xdiv64S { dst: XDst, a: XReg, b: XReg };
            /// Unsigned division; traps on `b == 0`.
            xdiv32_u = Xdiv32U { dst: XDst, a: XReg, b: XReg };
            /// Unsigned division; traps on `b == 0`.
            xdiv64_u = Xdiv64U { dst: XDst, a: XReg, b: XReg };
            /// Signed remainder (sign of `a`); traps on `b == 0`; `MIN % -1 == 0`.
            xrem32_s = Xrem32S { dst: XDst, a: XReg, b: XReg };
            /// Signed remainder (sign of `a`); traps on `b == 0`; `MIN % -1 == 0`.
            xrem64_s = Xrem64S { dst: XDst, a: XReg, b: XReg };
            /// Unsigned remainder; traps on `b == 0`.
            xrem32_u = Xrem32U { dst: XDst, a: XReg, b: XReg };
            /// Unsigned remainder; traps on `b == 0`.
            xrem64_u = Xrem64U { dst: XDst, a: XReg, b: XReg };

            /// `dst = a as i8 as i64`.
            xsext8 = Xsext8 { dst: XDst, a: XReg };
            /// `dst = a as i16 as i64`.
            xsext16 = Xsext16 { dst: XDst, a: XReg };
            /// `dst = a as i32 as i64`.
            xsext32 = Xsext32 { dst: XDst, a: XReg };
            /// `dst = a as u8`.
            xzext8 = Xzext8 { dst: XDst, a: XReg };
            /// `dst = a as u16`.
            xzext16 = Xzext16 { dst: XDst, a: XReg };
            /// `dst = a as u32`.
            xzext32 = Xzext32 { dst: XDst, a: XReg };

            /// `dst = (a == b) as u64` (32-bit).
            xeq32 = Xeq32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a != b) as u64` (32-bit).
            xneq32 = Xneq32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a < b) as u64`, signed 32-bit.
            xslt32 = Xslt32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a <= b) as u64`, signed 32-bit.
            xslteq32 = Xslteq32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a < b) as u64`, unsigned 32-bit.
            xult32 = Xult32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a <= b) as u64`, unsigned 32-bit.
            xulteq32 = Xulteq32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a == b) as u64` (64-bit).
            xeq64 = Xeq64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a != b) as u64` (64-bit).
            xneq64 = Xneq64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a < b) as u64`, signed 64-bit.
            xslt64 = Xslt64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a <= b) as u64`, signed 64-bit.
            xslteq64 = Xslteq64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a < b) as u64`, unsigned 64-bit.
            xult64 = Xult64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a <= b) as u64`, unsigned 64-bit.
            xulteq64 = Xulteq64 { dst: XDst, a: XReg, b: XReg };

            /// `dst = if cond != 0 { a } else { b }` (`cond` 64-bit).
            xselect = Xselect { dst: XDst, cond: XReg, a: XReg, b: XReg };
            /// `dst = if cond != 0 { a } else { b }` (`cond` 64-bit).
            fselect = Fselect { dst: FDst, cond: XReg, a: FReg, b: FReg };


            /// `dst = a + b` (f32).
            fadd32 = Fadd32 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a + b` (f64).
            fadd64 = Fadd64 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a - b` (f32).
            fsub32 = Fsub32 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a - b` (f64).
            fsub64 = Fsub64 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a * b` (f32).
            fmul32 = Fmul32 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a * b` (f64).
            fmul64 = Fmul64 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a / b` (f32).
            fdiv32 = Fdiv32 { dst: FDst, a: FReg, b: FReg };
            /// `dst = a / b` (f64).
            fdiv64 = Fdiv64 { dst: FDst, a: FReg, b: FReg };
            /// CLIF `fmin` (f32): NaN if either is NaN, `-0.0 < +0.0`.
            fmin32 = Fmin32 { dst: FDst, a: FReg, b: FReg };
            /// CLIF `fmin` (f64).
            fmin64 = Fmin64 { dst: FDst, a: FReg, b: FReg };
            /// CLIF `fmax` (f32): NaN if either is NaN, `-0.0 < +0.0`.
            fmax32 = Fmax32 { dst: FDst, a: FReg, b: FReg };
            /// CLIF `fmax` (f64).
            fmax64 = Fmax64 { dst: FDst, a: FReg, b: FReg };
            /// `dst = -a` (sign bit flipped, f32).
            fneg32 = Fneg32 { dst: FDst, a: FReg };
            /// `dst = -a` (sign bit flipped, f64).
            fneg64 = Fneg64 { dst: FDst, a: FReg };
            /// `dst = |a|` (sign bit cleared, f32).
            fabs32 = Fabs32 { dst: FDst, a: FReg };
            /// `dst = |a|` (sign bit cleared, f64).
            fabs64 = Fabs64 { dst: FDst, a: FReg };
            /// `dst = sqrt(a)` (f32).
            fsqrt32 = Fsqrt32 { dst: FDst, a: FReg };
            /// `dst = sqrt(a)` (f64).
            fsqrt64 = Fsqrt64 { dst: FDst, a: FReg };

            /// `dst = (a == b) as u64` (f32).
            feq32 = Feq32 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a != b) as u64` (f32, true on NaN).
            fneq32 = Fneq32 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a < b) as u64` (f32).
            flt32 = Flt32 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a <= b) as u64` (f32).
            flteq32 = Flteq32 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a == b) as u64` (f64).
            feq64 = Feq64 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a != b) as u64` (f64, true on NaN).
            fneq64 = Fneq64 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a < b) as u64` (f64).
            flt64 = Flt64 { dst: XDst, a: FReg, b: FReg };
            /// `dst = (a <= b) as u64` (f64).
            flteq64 = Flteq64 { dst: XDst, a: FReg, b: FReg };

            /// `dst = a as f64` (exact).
            fpromote = Fpromote { dst: FDst, a: FReg };
            /// `dst = a as f32` (rounded).
            fdemote = Fdemote { dst: FDst, a: FReg };

            /// `dst = *(base + offset) as u8`, zero-extended.
            xload8_u = Xload8U { dst: XDst, base: XReg, offset: i32 };
            /// `dst = *(base + offset) as i8`, sign-extended.
            xload8_s = Xload8S { dst: XDst, base: XReg, offset: i32 };
            /// 16-bit little-endian load, zero-extended.
            xload16_u = Xload16U { dst: XDst, base: XReg, offset: i32 };
            /// 16-bit little-endian load, sign-extended.
            xload16_s = Xload16S { dst: XDst, base: XReg, offset: i32 };
            /// 32-bit little-endian load, zero-extended.
            xload32_u = Xload32U { dst: XDst, base: XReg, offset: i32 };
            /// 32-bit little-endian load, sign-extended.
            xload32_s = Xload32S { dst: XDst, base: XReg, offset: i32 };
            /// 64-bit little-endian load.
            xload64 = Xload64 { dst: XDst, base: XReg, offset: i32 };
            /// Store the low 8 bits of `src`.
            xstore8 = Xstore8 { base: XReg, offset: i32, src: XReg };
            /// Store the low 16 bits of `src`, little-endian.
            xstore16 = Xstore16 { base: XReg, offset: i32, src: XReg };
            /// Store the low 32 bits of `src`, little-endian.
            xstore32 = Xstore32 { base: XReg, offset: i32, src: XReg };
            /// Store `src`, little-endian.
            xstore64 = Xstore64 { base: XReg, offset: i32, src: XReg };
            /// Load an f32, little-endian.
            fload32 = Fload32 { dst: FDst, base: XReg, offset: i32 };
            /// Load an f64, little-endian.
            fload64 = Fload64 { dst: FDst, base: XReg, offset: i32 };
            /// Store an f32, little-endian.
            fstore32 = Fstore32 { base: XReg, offset: i32, src: FReg };
            /// Store an f64, little-endian.
            fstore64 = Fstore64 { base: XReg, offset: i32, src: FReg };

            /// Trap unconditionally with `code`.
            trap = Trap { code: u8 };
            /// Trap with `code` when the low 32 bits of `cond` are zero.
            trap_if_zero32 = TrapIfZero32 { cond: XReg, code: u8 };
            /// Trap with `code` when `cond` is zero.
            trap_if_zero64 = TrapIfZero64 { cond: XReg, code: u8 };
            /// Trap with `code` when the low 32 bits of `cond` are not zero.
            trap_if_nonzero32 = TrapIfNonzero32 { cond: XReg, code: u8 };
            /// Trap with `code` when `cond` is not zero.
            trap_if_nonzero64 = TrapIfNonzero64 { cond: XReg, code: u8 };

            // ISA v9: short-immediate forms of the ALU ops with immediates,
            // for small constants (masks, multipliers, flags).
            /// `dst = a * imm` (32-bit, short form).
            xmul32_i8 = Xmul32I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a * imm` (64-bit, `imm` sign-extended, short form).
            xmul64_i8 = Xmul64I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a & imm` (32-bit, short form).
            xband32_i8 = Xband32I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a & imm` (64-bit, `imm` sign-extended, short form).
            xband64_i8 = Xband64I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a | imm` (32-bit, short form).
            xbor32_i8 = Xbor32I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a | imm` (64-bit, `imm` sign-extended, short form).
            xbor64_i8 = Xbor64I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a ^ imm` (32-bit, short form).
            xbxor32_i8 = Xbxor32I8 { dst: XDst, a: XReg, imm: i8 };
            /// `dst = a ^ imm` (64-bit, `imm` sign-extended, short form).
            xbxor64_i8 = Xbxor64I8 { dst: XDst, a: XReg, imm: i8 };

            // ISA v10: indexed addressing, `x[base] + x[index] + offset`
            // (64-bit wrapping add), little-endian: a load or store whose
            // address is a sum of two registers is one op.
            /// `dst = *(base + index + offset) as u8`, zero-extended.
            xload8_u_ix = Xload8UIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// `dst = *(base + index + offset) as i8`, sign-extended.
            xload8_s_ix = Xload8SIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// 16-bit load at `base + index + offset`, zero-extended.
            xload16_u_ix = Xload16UIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// 16-bit load at `base + index + offset`, sign-extended.
            xload16_s_ix = Xload16SIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// 32-bit load at `base + index + offset`, zero-extended.
            xload32_u_ix = Xload32UIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// 32-bit load at `base + index + offset`, sign-extended.
            xload32_s_ix = Xload32SIx { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// 64-bit load at `base + index + offset`.
            xload64_ix = Xload64Ix { dst: XDst, base: XReg, index: XReg, offset: i32 };
            /// Store the low 8 bits of `src` at `base + index + offset`.
            xstore8_ix = Xstore8Ix { base: XReg, index: XReg, offset: i32, src: XReg };
            /// Store the low 16 bits of `src` at `base + index + offset`.
            xstore16_ix = Xstore16Ix { base: XReg, index: XReg, offset: i32, src: XReg };
            /// Store the low 32 bits of `src` at `base + index + offset`.
            xstore32_ix = Xstore32Ix { base: XReg, index: XReg, offset: i32, src: XReg };
            /// Store `src` at `base + index + offset`.
            xstore64_ix = Xstore64Ix { base: XReg, index: XReg, offset: i32, src: XReg };
            /// Load an f32 from `base + index + offset`.
            fload32_ix = Fload32Ix { dst: FDst, base: XReg, index: XReg, offset: i32 };
            /// Load an f64 from `base + index + offset`.
            fload64_ix = Fload64Ix { dst: FDst, base: XReg, index: XReg, offset: i32 };
            /// Store an f32 at `base + index + offset`.
            fstore32_ix = Fstore32Ix { base: XReg, index: XReg, offset: i32, src: FReg };
            /// Store an f64 at `base + index + offset`.
            fstore64_ix = Fstore64Ix { base: XReg, index: XReg, offset: i32, src: FReg };

            /// `xadd64_i8` then `jump`: a loop's counter step and back edge
            /// in one op (the most frequent pair of the benchmark suite).
            xadd64_i8_jump = Xadd64I8Jump { dst: XDst, a: XReg, imm: i8, offset: PcRel };
            /// `xmov` then `jump`: a block argument's move and the jump.
            xmov_jump = XmovJump { dst: XDst, src: XReg, offset: PcRel };
            /// `xadd32_i8` then `jump`: a 32-bit counter's step and back edge.
            xadd32_i8_jump = Xadd32I8Jump { dst: XDst, a: XReg, imm: i8, offset: PcRel };

            /// `a * b + c` on f32, rounded after the multiply and after the
            /// add (`fmul32` then `fadd32`, not a fused multiply-add).
            fmuladd32 = Fmuladd32 { dst: FDst, a: FReg, b: FReg, c: FReg };
            /// `a * b + c` on f64, rounded twice (`fmul64` then `fadd64`).
            fmuladd64 = Fmuladd64 { dst: FDst, a: FReg, b: FReg, c: FReg };
            /// `c + a * b` on f32, rounded twice: the add's operands in
            /// that order (which NaN comes out when both are NaNs).
            faddmul32 = Faddmul32 { dst: FDst, c: FReg, a: FReg, b: FReg };
            /// `c + a * b` on f64, rounded twice.
            faddmul64 = Faddmul64 { dst: FDst, c: FReg, a: FReg, b: FReg };

            /// `push_frame_save` of x-registers only (two bytes shorter).
            push_frame_save_x = PushFrameSaveX { amt: u16, regs: XRegMask };
            /// `pop_frame_restore` of x-registers only.
            pop_frame_restore_x = PopFrameRestoreX { amt: u16, regs: XRegMask };

            /// `a ^ (b >> amt)`, unsigned shift, 64-bit: `xshr64_u_i` then
            /// `xbxor64` (xorshift steps and hash finalizers, `x ^= x >> k`).
            xbxor_shr64_u = XbxorShr64U { dst: XDst, a: XReg, b: XReg, amt: u8 };
            /// `a ^ (b << amt)`, 64-bit: `xshl64_i` then `xbxor64`.
            xbxor_shl64 = XbxorShl64 { dst: XDst, a: XReg, b: XReg, amt: u8 };
            /// `a ^ (b >> amt)`, unsigned shift, 32-bit (a bitwise CRC's step).
            xbxor_shr32_u = XbxorShr32U { dst: XDst, a: XReg, b: XReg, amt: u8 };

            // Moved from the extended table in ISA 14: division by a constant
            // becomes a multiply-high (the mid-end rewrites `udiv`/`urem`).
            /// `dst = (a * b) >> 64`, signed.
            xmulhi64_s = Xmulhi64S { dst: XDst, a: XReg, b: XReg };
            /// `dst = (a * b) >> 64`, unsigned.
            xmulhi64_u = Xmulhi64U { dst: XDst, a: XReg, b: XReg };

            /// Jump when `a & imm != 0` (64-bit, `imm` sign-extended): a
            /// bit test, `xband64_i8` then `br_if64`.
            br_if_xband64_i8 = BrIfXband64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a & imm == 0` (64-bit, `imm` sign-extended).
            br_ifnot_xband64_i8 = BrIfnotXband64I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a & imm != 0` (32-bit, `imm` sign-extended).
            br_if_xband32_i8 = BrIfXband32I8 { a: XReg, imm: i8, offset: PcRel };
            /// Jump when `a & imm == 0` (32-bit, `imm` sign-extended).
            br_ifnot_xband32_i8 = BrIfnotXband32I8 { a: XReg, imm: i8, offset: PcRel };
            /// `a + (b << amt)` (64-bit): `xshl64_i` then `xadd64`, an array
            /// element's address or a row-major index.
            xadd_shl64 = XaddShl64 { dst: XDst, a: XReg, b: XReg, amt: u8 };
            /// `a * b + c`, wrapping (64-bit): `xmul64` then `xadd64`.
            xmadd64 = Xmadd64 { dst: XDst, a: XReg, b: XReg, c: XReg };
            /// `a * b + imm`, wrapping (64-bit, `imm` sign-extended).
            xmadd64_i8 = Xmadd64I8 { dst: XDst, a: XReg, b: XReg, imm: i8 };
            /// `dst = a + imm` (64-bit, `imm` sign-extended), then jump when
            /// `dst < n` unsigned (`n` read after `dst` is written): a
            /// counted loop's step and test in one op at its bottom, where
            /// it would jump back to a test at the top (`xadd64_i8_jump`
            /// to `br_if_xulteq64`).
            xadd64_i8_br_if_xult64 = Xadd64I8BrIfXult64 { dst: XDst, a: XReg, n: XReg, imm: i8, offset: PcRel };
            /// `dst = a + imm`, then jump when `dst < bound` unsigned (both
            /// 64-bit, sign-extended): the same for a constant bound
            /// (`xadd64_i8_jump` to `br_if_xugteq64_i8`).
            xadd64_i8_br_if_xult64_i8 = Xadd64I8BrIfXult64I8 { dst: XDst, a: XReg, imm: i8, bound: i8, offset: PcRel };
            /// `dst = a + imm`, then jump when `dst < bound` unsigned (both
            /// 32-bit, `bound` sign-extended to 32 bits): a 32-bit counted
            /// loop's step and test at its bottom (`xadd32_i8_jump` to
            /// `br_if_xugteq32_i8`).
            xadd32_i8_br_if_xult32_i8 = Xadd32I8BrIfXult32I8 { dst: XDst, a: XReg, imm: i8, bound: i8, offset: PcRel };
            /// `dst = a + imm`, then jump when `dst < bound` unsigned (both
            /// 64-bit, sign-extended): a counted loop to a constant beyond
            /// `i8` (`xadd64_i8_jump` to `br_if_xugteq64_i`).
            xadd64_i8_br_if_xult64_i = Xadd64I8BrIfXult64I { dst: XDst, a: XReg, imm: i8, bound: i32, offset: PcRel };
            /// `(a ^ b) * c`, wrapping (64-bit): `xbxor64` then `xmul64`,
            /// the step of an FNV-1a hash (`h = (h ^ byte) * prime`).
            xbxor_mul64 = XbxorMul64 { dst: XDst, a: XReg, b: XReg, c: XReg };
            /// `br_table32` on the byte at `base + index + offset`, read as
            /// `xload8_u_ix` reads it (and trapping as it does): a bytecode
            /// interpreter's dispatch on its next opcode. Followed by `len`
            /// `jump` ops.
            br_table32_xload8_u_ix = BrTable32Xload8UIx { base: XReg, index: XReg, offset: i32, len: u32 };
        }
    };
}

/// The cold ops: escape byte `0xFF`, then a 16-bit little-endian opcode.
#[macro_export]
macro_rules! for_each_extended_op {
    ($m:ident $(, $($pre:tt)*)?) => {
        $m! {
            $($($pre)*)?
            /// Do nothing.
            nop = Nop {};
            /// `dst = src` (v-registers).
            vmov = Vmov { dst: VDst, src: VReg };
            /// `dst = pc + offset`: the address of the function starting there.
            xpcadd = Xpcadd { dst: XDst, offset: PcRel };
            /// `dst = lr`.
            get_lr = GetLr { dst: XDst };
            /// Trap with "memory out of bounds" unless `addr + size <= bound`
            /// (unsigned, without wrapping).
            bounds_check = BoundsCheck { addr: XReg, bound: XReg, size: u32 };

            /// Full 64x64->128 signed multiply.
            xmul_wide64_s = XmulWide64S { dst_lo: XDst, dst_hi: XDst, a: XReg, b: XReg };
            /// Full 64x64->128 unsigned multiply.
            xmul_wide64_u = XmulWide64U { dst_lo: XDst, dst_hi: XDst, a: XReg, b: XReg };
            /// 128-bit add of register pairs.
            xadd128 = Xadd128 { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// 128-bit subtract of register pairs.
            xsub128 = Xsub128 { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// 128-bit unsigned division of register pairs; traps on division by zero.
            xdiv128_u = Xdiv128U { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// 128-bit signed division; traps on division by zero and `MIN / -1`.
            xdiv128_s = Xdiv128S { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// 128-bit unsigned remainder; traps on division by zero.
            xrem128_u = Xrem128U { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// 128-bit signed remainder (sign of `a`); traps on division by zero; `MIN % -1 == 0`.
            xrem128_s = Xrem128S { dst_lo: XDst, dst_hi: XDst, a_lo: XReg, a_hi: XReg, b_lo: XReg, b_hi: XReg };
            /// `dst = a + b + (carry_in != 0)`, `carry_out` = unsigned carry (64-bit).
            xadd64_carry = Xadd64Carry { dst: XDst, carry_out: XDst, a: XReg, b: XReg, carry_in: XReg };
            /// `dst = a - b - (borrow_in != 0)`, `borrow_out` = unsigned borrow (64-bit).
            xsub64_borrow = Xsub64Borrow { dst: XDst, borrow_out: XDst, a: XReg, b: XReg, borrow_in: XReg };

            /// Unsigned add (32-bit); `of = 1` on overflow.
            xadd32_uof = Xadd32Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Unsigned add (64-bit); `of = 1` on overflow.
            xadd64_uof = Xadd64Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed add (32-bit); `of = 1` on overflow.
            xadd32_sof = Xadd32Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed add (64-bit); `of = 1` on overflow.
            xadd64_sof = Xadd64Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Unsigned subtract (32-bit); `of = 1` on borrow.
            xsub32_uof = Xsub32Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Unsigned subtract (64-bit); `of = 1` on borrow.
            xsub64_uof = Xsub64Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed subtract (32-bit); `of = 1` on overflow.
            xsub32_sof = Xsub32Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed subtract (64-bit); `of = 1` on overflow.
            xsub64_sof = Xsub64Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Unsigned multiply (32-bit); `of = 1` on overflow.
            xmul32_uof = Xmul32Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Unsigned multiply (64-bit); `of = 1` on overflow.
            xmul64_uof = Xmul64Uof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed multiply (32-bit); `of = 1` on overflow.
            xmul32_sof = Xmul32Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// Signed multiply (64-bit); `of = 1` on overflow.
            xmul64_sof = Xmul64Sof { dst: XDst, of: XDst, a: XReg, b: XReg };
            /// `dst = a + b`, trapping with "integer overflow" on unsigned overflow (32-bit).
            xadd32_u_trap = Xadd32UTrap { dst: XDst, a: XReg, b: XReg };
            /// `dst = a + b`, trapping with "integer overflow" on unsigned overflow (64-bit).
            xadd64_u_trap = Xadd64UTrap { dst: XDst, a: XReg, b: XReg };

            /// Signed minimum (32-bit).
            xmin32_s = Xmin32S { dst: XDst, a: XReg, b: XReg };
            /// Signed minimum (64-bit).
            xmin64_s = Xmin64S { dst: XDst, a: XReg, b: XReg };
            /// Unsigned minimum (32-bit).
            xmin32_u = Xmin32U { dst: XDst, a: XReg, b: XReg };
            /// Unsigned minimum (64-bit).
            xmin64_u = Xmin64U { dst: XDst, a: XReg, b: XReg };
            /// Signed maximum (32-bit).
            xmax32_s = Xmax32S { dst: XDst, a: XReg, b: XReg };
            /// Signed maximum (64-bit).
            xmax64_s = Xmax64S { dst: XDst, a: XReg, b: XReg };
            /// Unsigned maximum (32-bit).
            xmax32_u = Xmax32U { dst: XDst, a: XReg, b: XReg };
            /// Unsigned maximum (64-bit).
            xmax64_u = Xmax64U { dst: XDst, a: XReg, b: XReg };
            /// `dst = |a|` (wrapping, 32-bit).
            xabs32 = Xabs32 { dst: XDst, a: XReg };
            /// `dst = |a|` (wrapping, 64-bit).
            xabs64 = Xabs64 { dst: XDst, a: XReg };

            /// Count leading sign bits, not counting the sign bit (32-bit).
            xcls32 = Xcls32 { dst: XDst, a: XReg };
            /// Count leading sign bits, not counting the sign bit (64-bit).
            xcls64 = Xcls64 { dst: XDst, a: XReg };
            /// Swap the two low bytes; result zero-extended.
            xbswap16 = Xbswap16 { dst: XDst, a: XReg };
            /// Reverse the bytes of the low 32 bits.
            xbswap32 = Xbswap32 { dst: XDst, a: XReg };
            /// Reverse the bytes of the register.
            xbswap64 = Xbswap64 { dst: XDst, a: XReg };
            /// Reverse the bits of the low 32 bits.
            xbitrev32 = Xbitrev32 { dst: XDst, a: XReg };
            /// Reverse the bits of the register.
            xbitrev64 = Xbitrev64 { dst: XDst, a: XReg };

            /// General f32 compare into `dst`; `cc` is a [`crate::FloatCC`].
            fcmp32 = Fcmp32 { dst: XDst, a: FReg, b: FReg, cc: FloatCC };
            /// General f64 compare into `dst`; `cc` is a [`crate::FloatCC`].
            fcmp64 = Fcmp64 { dst: XDst, a: FReg, b: FReg, cc: FloatCC };
            /// Magnitude of `a` with the sign of `b` (f32).
            fcopysign32 = Fcopysign32 { dst: FDst, a: FReg, b: FReg };
            /// Magnitude of `a` with the sign of `b` (f64).
            fcopysign64 = Fcopysign64 { dst: FDst, a: FReg, b: FReg };
            /// Round toward +inf (f32).
            fceil32 = Fceil32 { dst: FDst, a: FReg };
            /// Round toward +inf (f64).
            fceil64 = Fceil64 { dst: FDst, a: FReg };
            /// Round toward -inf (f32).
            ffloor32 = Ffloor32 { dst: FDst, a: FReg };
            /// Round toward -inf (f64).
            ffloor64 = Ffloor64 { dst: FDst, a: FReg };
            /// Round toward zero (f32).
            ftrunc32 = Ftrunc32 { dst: FDst, a: FReg };
            /// Round toward zero (f64).
            ftrunc64 = Ftrunc64 { dst: FDst, a: FReg };
            /// Round to nearest, ties to even (f32).
            fnearest32 = Fnearest32 { dst: FDst, a: FReg };
            /// Round to nearest, ties to even (f64).
            fnearest64 = Fnearest64 { dst: FDst, a: FReg };

            /// f32 -> i32, trapping on NaN ("bad conversion") or out of range ("overflow").
            x32_from_f32_s = X32FromF32S { dst: XDst, a: FReg };
            /// f32 -> u32, trapping.
            x32_from_f32_u = X32FromF32U { dst: XDst, a: FReg };
            /// f64 -> i32, trapping.
            x32_from_f64_s = X32FromF64S { dst: XDst, a: FReg };
            /// f64 -> u32, trapping.
            x32_from_f64_u = X32FromF64U { dst: XDst, a: FReg };
            /// f32 -> i64, trapping.
            x64_from_f32_s = X64FromF32S { dst: XDst, a: FReg };
            /// f32 -> u64, trapping.
            x64_from_f32_u = X64FromF32U { dst: XDst, a: FReg };
            /// f64 -> i64, trapping.
            x64_from_f64_s = X64FromF64S { dst: XDst, a: FReg };
            /// f64 -> u64, trapping.
            x64_from_f64_u = X64FromF64U { dst: XDst, a: FReg };
            /// f32 -> i32, saturating (NaN -> 0).
            x32_from_f32_s_sat = X32FromF32SSat { dst: XDst, a: FReg };
            /// f32 -> u32, saturating.
            x32_from_f32_u_sat = X32FromF32USat { dst: XDst, a: FReg };
            /// f64 -> i32, saturating.
            x32_from_f64_s_sat = X32FromF64SSat { dst: XDst, a: FReg };
            /// f64 -> u32, saturating.
            x32_from_f64_u_sat = X32FromF64USat { dst: XDst, a: FReg };
            /// f32 -> i64, saturating.
            x64_from_f32_s_sat = X64FromF32SSat { dst: XDst, a: FReg };
            /// f32 -> u64, saturating.
            x64_from_f32_u_sat = X64FromF32USat { dst: XDst, a: FReg };
            /// f64 -> i64, saturating.
            x64_from_f64_s_sat = X64FromF64SSat { dst: XDst, a: FReg };
            /// f64 -> u64, saturating.
            x64_from_f64_u_sat = X64FromF64USat { dst: XDst, a: FReg };
            /// i32 -> f32.
            f32_from_x32_s = F32FromX32S { dst: FDst, a: XReg };
            /// u32 -> f32.
            f32_from_x32_u = F32FromX32U { dst: FDst, a: XReg };
            /// i64 -> f32.
            f32_from_x64_s = F32FromX64S { dst: FDst, a: XReg };
            /// u64 -> f32.
            f32_from_x64_u = F32FromX64U { dst: FDst, a: XReg };
            /// i32 -> f64.
            f64_from_x32_s = F64FromX32S { dst: FDst, a: XReg };
            /// u32 -> f64.
            f64_from_x32_u = F64FromX32U { dst: FDst, a: XReg };
            /// i64 -> f64.
            f64_from_x64_s = F64FromX64S { dst: FDst, a: XReg };
            /// u64 -> f64.
            f64_from_x64_u = F64FromX64U { dst: FDst, a: XReg };
            /// f32 -> i128 pair, trapping like the 64-bit forms.
            x128_from_f32_s = X128FromF32S { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// f32 -> i128 pair, saturating (NaN -> 0).
            x128_from_f32_s_sat = X128FromF32SSat { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// i128 pair -> f32, rounded to nearest.
            f32_from_x128_s = F32FromX128S { dst: FDst, a_lo: XReg, a_hi: XReg };
            /// f32 -> u128 pair, trapping like the 64-bit forms.
            x128_from_f32_u = X128FromF32U { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// f32 -> u128 pair, saturating (NaN -> 0).
            x128_from_f32_u_sat = X128FromF32USat { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// u128 pair -> f32, rounded to nearest.
            f32_from_x128_u = F32FromX128U { dst: FDst, a_lo: XReg, a_hi: XReg };
            /// f64 -> i128 pair, trapping like the 64-bit forms.
            x128_from_f64_s = X128FromF64S { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// f64 -> i128 pair, saturating (NaN -> 0).
            x128_from_f64_s_sat = X128FromF64SSat { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// i128 pair -> f64, rounded to nearest.
            f64_from_x128_s = F64FromX128S { dst: FDst, a_lo: XReg, a_hi: XReg };
            /// f64 -> u128 pair, trapping like the 64-bit forms.
            x128_from_f64_u = X128FromF64U { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// f64 -> u128 pair, saturating (NaN -> 0).
            x128_from_f64_u_sat = X128FromF64USat { dst_lo: XDst, dst_hi: XDst, a: FReg };
            /// u128 pair -> f64, rounded to nearest.
            f64_from_x128_u = F64FromX128U { dst: FDst, a_lo: XReg, a_hi: XReg };
            /// Move the bits of an f32 into an x-register (zero-extended).
            bitcast_x_from_f32 = BitcastXFromF32 { dst: XDst, a: FReg };
            /// Move the bits of an f64 into an x-register.
            bitcast_x_from_f64 = BitcastXFromF64 { dst: XDst, a: FReg };
            /// Move the low 32 bits of an x-register into an f-register as an f32.
            bitcast_f32_from_x = BitcastF32FromX { dst: FDst, a: XReg };
            /// Move an x-register's bits into an f-register as an f64.
            bitcast_f64_from_x = BitcastF64FromX { dst: FDst, a: XReg };

            /// 16-bit big-endian load, zero-extended.
            xload16_be_u = Xload16BeU { dst: XDst, base: XReg, offset: i32 };
            /// 16-bit big-endian load, sign-extended.
            xload16_be_s = Xload16BeS { dst: XDst, base: XReg, offset: i32 };
            /// 32-bit big-endian load, zero-extended.
            xload32_be_u = Xload32BeU { dst: XDst, base: XReg, offset: i32 };
            /// 32-bit big-endian load, sign-extended.
            xload32_be_s = Xload32BeS { dst: XDst, base: XReg, offset: i32 };
            /// 64-bit big-endian load.
            xload64_be = Xload64Be { dst: XDst, base: XReg, offset: i32 };
            /// Store the low 16 bits of `src`, big-endian.
            xstore16_be = Xstore16Be { base: XReg, offset: i32, src: XReg };
            /// Store the low 32 bits of `src`, big-endian.
            xstore32_be = Xstore32Be { base: XReg, offset: i32, src: XReg };
            /// Store `src`, big-endian.
            xstore64_be = Xstore64Be { base: XReg, offset: i32, src: XReg };
            /// Load an f32, big-endian.
            fload32_be = Fload32Be { dst: FDst, base: XReg, offset: i32 };
            /// Load an f64, big-endian.
            fload64_be = Fload64Be { dst: FDst, base: XReg, offset: i32 };
            /// Store an f32, big-endian.
            fstore32_be = Fstore32Be { base: XReg, offset: i32, src: FReg };
            /// Store an f64, big-endian.
            fstore64_be = Fstore64Be { base: XReg, offset: i32, src: FReg };
            /// Load 128 bits, little-endian.
            vload128 = Vload128 { dst: VDst, base: XReg, offset: i32 };
            /// Store 128 bits, little-endian.
            vstore128 = Vstore128 { base: XReg, offset: i32, src: VReg };
            /// Move `bytes` bytes of stack from `sp + from` to `sp + to`
            /// (overlap allowed), then `sp += to`; traps with "stack
            /// overflow" if either range or the new `sp` leaves the VM's
            /// stack. Tail calls use it to put the callee's stack arguments
            /// at the top of the caller's incoming area.
            stack_shuffle = StackShuffle { from: i32, to: i32, bytes: u32 };

            // 128-bit vectors: lane `i` of an `NxM` shape is bits `[i*N, (i+1)*N)`
            // of the register, so lane 0 is the lowest address in memory.
            /// `dst = bits`; lane 0 is in the low bits.
            vconst = Vconst { dst: VDst, bits: u128 };
            /// Every i8 lane = the low bits of `src`.
            vsplat_i8x16 = VsplatI8x16 { dst: VDst, src: XReg };
            /// Every i16 lane = the low bits of `src`.
            vsplat_i16x8 = VsplatI16x8 { dst: VDst, src: XReg };
            /// Every i32 lane = the low bits of `src`.
            vsplat_i32x4 = VsplatI32x4 { dst: VDst, src: XReg };
            /// Every i64 lane = the low bits of `src`.
            vsplat_i64x2 = VsplatI64x2 { dst: VDst, src: XReg };
            /// Every f32 lane = `src`.
            vsplat_f32x4 = VsplatF32x4 { dst: VDst, src: FReg };
            /// Every f64 lane = `src`.
            vsplat_f64x2 = VsplatF64x2 { dst: VDst, src: FReg };
            /// `dst` = i8 lane `lane % 16` of `a`, zero-extended.
            vextract_i8x16 = VextractI8x16 { dst: XDst, a: VReg, lane: u8 };
            /// `dst` = i16 lane `lane % 8` of `a`, zero-extended.
            vextract_i16x8 = VextractI16x8 { dst: XDst, a: VReg, lane: u8 };
            /// `dst` = i32 lane `lane % 4` of `a`, zero-extended.
            vextract_i32x4 = VextractI32x4 { dst: XDst, a: VReg, lane: u8 };
            /// `dst` = i64 lane `lane % 2` of `a`, zero-extended.
            vextract_i64x2 = VextractI64x2 { dst: XDst, a: VReg, lane: u8 };
            /// `dst` = f32 lane `lane % 4` of `a`.
            vextract_f32x4 = VextractF32x4 { dst: FDst, a: VReg, lane: u8 };
            /// `dst` = f64 lane `lane % 2` of `a`.
            vextract_f64x2 = VextractF64x2 { dst: FDst, a: VReg, lane: u8 };
            /// `dst` = `a` with i8 lane `lane % 16` replaced by the low bits of `src`.
            vinsert_i8x16 = VinsertI8x16 { dst: VDst, a: VReg, src: XReg, lane: u8 };
            /// `dst` = `a` with i16 lane `lane % 8` replaced by the low bits of `src`.
            vinsert_i16x8 = VinsertI16x8 { dst: VDst, a: VReg, src: XReg, lane: u8 };
            /// `dst` = `a` with i32 lane `lane % 4` replaced by the low bits of `src`.
            vinsert_i32x4 = VinsertI32x4 { dst: VDst, a: VReg, src: XReg, lane: u8 };
            /// `dst` = `a` with i64 lane `lane % 2` replaced by the low bits of `src`.
            vinsert_i64x2 = VinsertI64x2 { dst: VDst, a: VReg, src: XReg, lane: u8 };
            /// `dst` = `a` with f32 lane `lane % 4` replaced by `src`.
            vinsert_f32x4 = VinsertF32x4 { dst: VDst, a: VReg, src: FReg, lane: u8 };
            /// `dst` = `a` with f64 lane `lane % 2` replaced by `src`.
            vinsert_f64x2 = VinsertF64x2 { dst: VDst, a: VReg, src: FReg, lane: u8 };
            /// Byte `i` of `dst` = byte `mask[i]` of the 32 bytes `a` then `b`; 0 when `mask[i] > 31`.
            vshuffle = Vshuffle { dst: VDst, a: VReg, b: VReg, mask: u128 };
            /// Byte `i` of `dst` = byte `b[i]` of `a`; 0 when `b[i] > 15`.
            vswizzle = Vswizzle { dst: VDst, a: VReg, b: VReg };
            /// `dst = cond != 0 ? a : b` (whole register).
            vselect = Vselect { dst: VDst, cond: XReg, a: VReg, b: VReg };
            /// `dst = hi:lo`.
            vfrom_x128 = VfromX128 { dst: VDst, lo: XReg, hi: XReg };
            /// `dst_hi:dst_lo = a`.
            vto_x128 = VtoX128 { dst_lo: XDst, dst_hi: XDst, a: VReg };
            /// `dst = a & b`.
            vband = Vband { dst: VDst, a: VReg, b: VReg };
            /// `dst = a | b`.
            vbor = Vbor { dst: VDst, a: VReg, b: VReg };
            /// `dst = a ^ b`.
            vbxor = Vbxor { dst: VDst, a: VReg, b: VReg };
            /// `dst = !a`.
            vbnot = Vbnot { dst: VDst, a: VReg };
            /// `dst = (a & c) | (b & !c)`.
            vbitselect = Vbitselect { dst: VDst, c: VReg, a: VReg, b: VReg };
            /// `dst = 1` if any bit of `a` is set, else 0.
            vany_true = VanyTrue { dst: XDst, a: VReg };
            /// Lane-wise wrapping add (i8x16).
            vadd_i8x16 = VaddI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping subtract (i8x16).
            vsub_i8x16 = VsubI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping multiply (i8x16).
            vmul_i8x16 = VmulI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed minimum (i8x16).
            vmin_s_i8x16 = VminSI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned minimum (i8x16).
            vmin_u_i8x16 = VminUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed maximum (i8x16).
            vmax_s_i8x16 = VmaxSI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned maximum (i8x16).
            vmax_u_i8x16 = VmaxUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating add (i8x16).
            vadd_sat_s_i8x16 = VaddSatSI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating add (i8x16).
            vadd_sat_u_i8x16 = VaddSatUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating subtract (i8x16).
            vsub_sat_s_i8x16 = VsubSatSI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating subtract (i8x16).
            vsub_sat_u_i8x16 = VsubSatUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned rounding average `(a + b + 1) >> 1` (i8x16).
            vavg_round_u_i8x16 = VavgRoundUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the signed product (i8x16).
            vmulhi_s_i8x16 = VmulhiSI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the unsigned product (i8x16).
            vmulhi_u_i8x16 = VmulhiUI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a == b` (i8x16).
            veq_i8x16 = VeqI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a != b` (i8x16).
            vne_i8x16 = VneI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, signed (i8x16).
            vslt_i8x16 = VsltI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, signed (i8x16).
            vsle_i8x16 = VsleI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, unsigned (i8x16).
            vult_i8x16 = VultI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, unsigned (i8x16).
            vule_i8x16 = VuleI8x16 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping negate (i8x16).
            vneg_i8x16 = VnegI8x16 { dst: VDst, a: VReg };
            /// Lane-wise wrapping absolute value (i8x16).
            vabs_i8x16 = VabsI8x16 { dst: VDst, a: VReg };
            /// Lane-wise population count (i8x16).
            vpopcnt_i8x16 = VpopcntI8x16 { dst: VDst, a: VReg };
            /// Shift each i8 lane left by `amt % 8`.
            vshl_i8x16 = VshlI8x16 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i8 lane right by `amt % 8`, unsigned.
            vshr_u_i8x16 = VshrUI8x16 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i8 lane right by `amt % 8`, signed.
            vshr_s_i8x16 = VshrSI8x16 { dst: VDst, a: VReg, amt: XReg };
            /// `dst = 1` if every i8 lane of `a` is non-zero, else 0.
            vall_true_i8x16 = VallTrueI8x16 { dst: XDst, a: VReg };
            /// Bit `i` of `dst` = the top bit of i8 lane `i` of `a`.
            vhigh_bits_i8x16 = VhighBitsI8x16 { dst: XDst, a: VReg };
            /// Lane-wise wrapping add (i16x8).
            vadd_i16x8 = VaddI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping subtract (i16x8).
            vsub_i16x8 = VsubI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping multiply (i16x8).
            vmul_i16x8 = VmulI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed minimum (i16x8).
            vmin_s_i16x8 = VminSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned minimum (i16x8).
            vmin_u_i16x8 = VminUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed maximum (i16x8).
            vmax_s_i16x8 = VmaxSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned maximum (i16x8).
            vmax_u_i16x8 = VmaxUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating add (i16x8).
            vadd_sat_s_i16x8 = VaddSatSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating add (i16x8).
            vadd_sat_u_i16x8 = VaddSatUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating subtract (i16x8).
            vsub_sat_s_i16x8 = VsubSatSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating subtract (i16x8).
            vsub_sat_u_i16x8 = VsubSatUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned rounding average `(a + b + 1) >> 1` (i16x8).
            vavg_round_u_i16x8 = VavgRoundUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the signed product (i16x8).
            vmulhi_s_i16x8 = VmulhiSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the unsigned product (i16x8).
            vmulhi_u_i16x8 = VmulhiUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a == b` (i16x8).
            veq_i16x8 = VeqI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a != b` (i16x8).
            vne_i16x8 = VneI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, signed (i16x8).
            vslt_i16x8 = VsltI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, signed (i16x8).
            vsle_i16x8 = VsleI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, unsigned (i16x8).
            vult_i16x8 = VultI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, unsigned (i16x8).
            vule_i16x8 = VuleI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping negate (i16x8).
            vneg_i16x8 = VnegI16x8 { dst: VDst, a: VReg };
            /// Lane-wise wrapping absolute value (i16x8).
            vabs_i16x8 = VabsI16x8 { dst: VDst, a: VReg };
            /// Lane-wise population count (i16x8).
            vpopcnt_i16x8 = VpopcntI16x8 { dst: VDst, a: VReg };
            /// Shift each i16 lane left by `amt % 16`.
            vshl_i16x8 = VshlI16x8 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i16 lane right by `amt % 16`, unsigned.
            vshr_u_i16x8 = VshrUI16x8 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i16 lane right by `amt % 16`, signed.
            vshr_s_i16x8 = VshrSI16x8 { dst: VDst, a: VReg, amt: XReg };
            /// `dst = 1` if every i16 lane of `a` is non-zero, else 0.
            vall_true_i16x8 = VallTrueI16x8 { dst: XDst, a: VReg };
            /// Bit `i` of `dst` = the top bit of i16 lane `i` of `a`.
            vhigh_bits_i16x8 = VhighBitsI16x8 { dst: XDst, a: VReg };
            /// Lane-wise wrapping add (i32x4).
            vadd_i32x4 = VaddI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping subtract (i32x4).
            vsub_i32x4 = VsubI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping multiply (i32x4).
            vmul_i32x4 = VmulI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed minimum (i32x4).
            vmin_s_i32x4 = VminSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned minimum (i32x4).
            vmin_u_i32x4 = VminUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed maximum (i32x4).
            vmax_s_i32x4 = VmaxSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned maximum (i32x4).
            vmax_u_i32x4 = VmaxUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating add (i32x4).
            vadd_sat_s_i32x4 = VaddSatSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating add (i32x4).
            vadd_sat_u_i32x4 = VaddSatUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating subtract (i32x4).
            vsub_sat_s_i32x4 = VsubSatSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating subtract (i32x4).
            vsub_sat_u_i32x4 = VsubSatUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned rounding average `(a + b + 1) >> 1` (i32x4).
            vavg_round_u_i32x4 = VavgRoundUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the signed product (i32x4).
            vmulhi_s_i32x4 = VmulhiSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the unsigned product (i32x4).
            vmulhi_u_i32x4 = VmulhiUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a == b` (i32x4).
            veq_i32x4 = VeqI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a != b` (i32x4).
            vne_i32x4 = VneI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, signed (i32x4).
            vslt_i32x4 = VsltI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, signed (i32x4).
            vsle_i32x4 = VsleI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, unsigned (i32x4).
            vult_i32x4 = VultI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, unsigned (i32x4).
            vule_i32x4 = VuleI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping negate (i32x4).
            vneg_i32x4 = VnegI32x4 { dst: VDst, a: VReg };
            /// Lane-wise wrapping absolute value (i32x4).
            vabs_i32x4 = VabsI32x4 { dst: VDst, a: VReg };
            /// Lane-wise population count (i32x4).
            vpopcnt_i32x4 = VpopcntI32x4 { dst: VDst, a: VReg };
            /// Shift each i32 lane left by `amt % 32`.
            vshl_i32x4 = VshlI32x4 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i32 lane right by `amt % 32`, unsigned.
            vshr_u_i32x4 = VshrUI32x4 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i32 lane right by `amt % 32`, signed.
            vshr_s_i32x4 = VshrSI32x4 { dst: VDst, a: VReg, amt: XReg };
            /// `dst = 1` if every i32 lane of `a` is non-zero, else 0.
            vall_true_i32x4 = VallTrueI32x4 { dst: XDst, a: VReg };
            /// Bit `i` of `dst` = the top bit of i32 lane `i` of `a`.
            vhigh_bits_i32x4 = VhighBitsI32x4 { dst: XDst, a: VReg };
            /// Lane-wise wrapping add (i64x2).
            vadd_i64x2 = VaddI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping subtract (i64x2).
            vsub_i64x2 = VsubI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping multiply (i64x2).
            vmul_i64x2 = VmulI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed minimum (i64x2).
            vmin_s_i64x2 = VminSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned minimum (i64x2).
            vmin_u_i64x2 = VminUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed maximum (i64x2).
            vmax_s_i64x2 = VmaxSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned maximum (i64x2).
            vmax_u_i64x2 = VmaxUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating add (i64x2).
            vadd_sat_s_i64x2 = VaddSatSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating add (i64x2).
            vadd_sat_u_i64x2 = VaddSatUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise signed saturating subtract (i64x2).
            vsub_sat_s_i64x2 = VsubSatSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned saturating subtract (i64x2).
            vsub_sat_u_i64x2 = VsubSatUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise unsigned rounding average `(a + b + 1) >> 1` (i64x2).
            vavg_round_u_i64x2 = VavgRoundUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the signed product (i64x2).
            vmulhi_s_i64x2 = VmulhiSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise high half of the unsigned product (i64x2).
            vmulhi_u_i64x2 = VmulhiUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a == b` (i64x2).
            veq_i64x2 = VeqI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a != b` (i64x2).
            vne_i64x2 = VneI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, signed (i64x2).
            vslt_i64x2 = VsltI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, signed (i64x2).
            vsle_i64x2 = VsleI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a < b`, unsigned (i64x2).
            vult_i64x2 = VultI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise all ones where `a <= b`, unsigned (i64x2).
            vule_i64x2 = VuleI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise wrapping negate (i64x2).
            vneg_i64x2 = VnegI64x2 { dst: VDst, a: VReg };
            /// Lane-wise wrapping absolute value (i64x2).
            vabs_i64x2 = VabsI64x2 { dst: VDst, a: VReg };
            /// Lane-wise population count (i64x2).
            vpopcnt_i64x2 = VpopcntI64x2 { dst: VDst, a: VReg };
            /// Shift each i64 lane left by `amt % 64`.
            vshl_i64x2 = VshlI64x2 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i64 lane right by `amt % 64`, unsigned.
            vshr_u_i64x2 = VshrUI64x2 { dst: VDst, a: VReg, amt: XReg };
            /// Shift each i64 lane right by `amt % 64`, signed.
            vshr_s_i64x2 = VshrSI64x2 { dst: VDst, a: VReg, amt: XReg };
            /// `dst = 1` if every i64 lane of `a` is non-zero, else 0.
            vall_true_i64x2 = VallTrueI64x2 { dst: XDst, a: VReg };
            /// Bit `i` of `dst` = the top bit of i64 lane `i` of `a`.
            vhigh_bits_i64x2 = VhighBitsI64x2 { dst: XDst, a: VReg };
            /// `dst` = sums of adjacent i8 lane pairs of `a`, then of `b`.
            vadd_pairwise_i8x16 = VaddPairwiseI8x16 { dst: VDst, a: VReg, b: VReg };
            /// `dst` = sums of adjacent i16 lane pairs of `a`, then of `b`.
            vadd_pairwise_i16x8 = VaddPairwiseI16x8 { dst: VDst, a: VReg, b: VReg };
            /// `dst` = sums of adjacent i32 lane pairs of `a`, then of `b`.
            vadd_pairwise_i32x4 = VaddPairwiseI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise `(a * b + 2^14) >> 15`, signed saturating (i16x8).
            vqmul_round_sat_i16x8 = VqmulRoundSatI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise `(a * b + 2^30) >> 31`, signed saturating (i32x4).
            vqmul_round_sat_i32x4 = VqmulRoundSatI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Sign-extend the low half of the i8 lanes of `a` to i16x8.
            vwiden_low_s_i8x16 = VwidenLowSI8x16 { dst: VDst, a: VReg };
            /// Zero-extend the low half of the i8 lanes of `a` to i16x8.
            vwiden_low_u_i8x16 = VwidenLowUI8x16 { dst: VDst, a: VReg };
            /// Sign-extend the high half of the i8 lanes of `a` to i16x8.
            vwiden_high_s_i8x16 = VwidenHighSI8x16 { dst: VDst, a: VReg };
            /// Zero-extend the high half of the i8 lanes of `a` to i16x8.
            vwiden_high_u_i8x16 = VwidenHighUI8x16 { dst: VDst, a: VReg };
            /// Sign-extend the low half of the i16 lanes of `a` to i32x4.
            vwiden_low_s_i16x8 = VwidenLowSI16x8 { dst: VDst, a: VReg };
            /// Zero-extend the low half of the i16 lanes of `a` to i32x4.
            vwiden_low_u_i16x8 = VwidenLowUI16x8 { dst: VDst, a: VReg };
            /// Sign-extend the high half of the i16 lanes of `a` to i32x4.
            vwiden_high_s_i16x8 = VwidenHighSI16x8 { dst: VDst, a: VReg };
            /// Zero-extend the high half of the i16 lanes of `a` to i32x4.
            vwiden_high_u_i16x8 = VwidenHighUI16x8 { dst: VDst, a: VReg };
            /// Sign-extend the low half of the i32 lanes of `a` to i64x2.
            vwiden_low_s_i32x4 = VwidenLowSI32x4 { dst: VDst, a: VReg };
            /// Zero-extend the low half of the i32 lanes of `a` to i64x2.
            vwiden_low_u_i32x4 = VwidenLowUI32x4 { dst: VDst, a: VReg };
            /// Sign-extend the high half of the i32 lanes of `a` to i64x2.
            vwiden_high_s_i32x4 = VwidenHighSI32x4 { dst: VDst, a: VReg };
            /// Zero-extend the high half of the i32 lanes of `a` to i64x2.
            vwiden_high_u_i32x4 = VwidenHighUI32x4 { dst: VDst, a: VReg };
            /// Narrow the i16 lanes of `a` then `b` to i8x16, signed saturating.
            vnarrow_s_i16x8 = VnarrowSI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Narrow signed i16 lanes of `a` then `b` to i8x16, unsigned saturating.
            vnarrow_su_i16x8 = VnarrowSuI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Narrow unsigned i16 lanes of `a` then `b` to i8x16, unsigned saturating.
            vnarrow_u_i16x8 = VnarrowUI16x8 { dst: VDst, a: VReg, b: VReg };
            /// Narrow the i32 lanes of `a` then `b` to i16x8, signed saturating.
            vnarrow_s_i32x4 = VnarrowSI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Narrow signed i32 lanes of `a` then `b` to i16x8, unsigned saturating.
            vnarrow_su_i32x4 = VnarrowSuI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Narrow unsigned i32 lanes of `a` then `b` to i16x8, unsigned saturating.
            vnarrow_u_i32x4 = VnarrowUI32x4 { dst: VDst, a: VReg, b: VReg };
            /// Narrow the i64 lanes of `a` then `b` to i32x4, signed saturating.
            vnarrow_s_i64x2 = VnarrowSI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Narrow signed i64 lanes of `a` then `b` to i32x4, unsigned saturating.
            vnarrow_su_i64x2 = VnarrowSuI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Narrow unsigned i64 lanes of `a` then `b` to i32x4, unsigned saturating.
            vnarrow_u_i64x2 = VnarrowUI64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise add (f32x4).
            vfadd_f32x4 = VfaddF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise subtract (f32x4).
            vfsub_f32x4 = VfsubF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise multiply (f32x4).
            vfmul_f32x4 = VfmulF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise divide (f32x4).
            vfdiv_f32x4 = VfdivF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise minimum (NaN if either is NaN; -0 below +0) (f32x4).
            vfmin_f32x4 = VfminF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise maximum (NaN if either is NaN; -0 below +0) (f32x4).
            vfmax_f32x4 = VfmaxF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise magnitude of `a`, sign of `b` (f32x4).
            vfcopysign_f32x4 = VfcopysignF32x4 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise negate (f32x4).
            vfneg_f32x4 = VfnegF32x4 { dst: VDst, a: VReg };
            /// Lane-wise absolute value (f32x4).
            vfabs_f32x4 = VfabsF32x4 { dst: VDst, a: VReg };
            /// Lane-wise square root (f32x4).
            vfsqrt_f32x4 = VfsqrtF32x4 { dst: VDst, a: VReg };
            /// Lane-wise round toward +inf (f32x4).
            vfceil_f32x4 = VfceilF32x4 { dst: VDst, a: VReg };
            /// Lane-wise round toward -inf (f32x4).
            vffloor_f32x4 = VffloorF32x4 { dst: VDst, a: VReg };
            /// Lane-wise round toward zero (f32x4).
            vftrunc_f32x4 = VftruncF32x4 { dst: VDst, a: VReg };
            /// Lane-wise round to nearest, ties to even (f32x4).
            vfnearest_f32x4 = VfnearestF32x4 { dst: VDst, a: VReg };
            /// Lane-wise fused `a * b + c` (f32x4).
            vfma_f32x4 = VfmaF32x4 { dst: VDst, a: VReg, b: VReg, c: VReg };
            /// All ones in each lane where `a cc b` (f32x4).
            vfcmp_f32x4 = VfcmpF32x4 { dst: VDst, a: VReg, b: VReg, cc: FloatCC };
            /// Lane-wise add (f64x2).
            vfadd_f64x2 = VfaddF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise subtract (f64x2).
            vfsub_f64x2 = VfsubF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise multiply (f64x2).
            vfmul_f64x2 = VfmulF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise divide (f64x2).
            vfdiv_f64x2 = VfdivF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise minimum (NaN if either is NaN; -0 below +0) (f64x2).
            vfmin_f64x2 = VfminF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise maximum (NaN if either is NaN; -0 below +0) (f64x2).
            vfmax_f64x2 = VfmaxF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise magnitude of `a`, sign of `b` (f64x2).
            vfcopysign_f64x2 = VfcopysignF64x2 { dst: VDst, a: VReg, b: VReg };
            /// Lane-wise negate (f64x2).
            vfneg_f64x2 = VfnegF64x2 { dst: VDst, a: VReg };
            /// Lane-wise absolute value (f64x2).
            vfabs_f64x2 = VfabsF64x2 { dst: VDst, a: VReg };
            /// Lane-wise square root (f64x2).
            vfsqrt_f64x2 = VfsqrtF64x2 { dst: VDst, a: VReg };
            /// Lane-wise round toward +inf (f64x2).
            vfceil_f64x2 = VfceilF64x2 { dst: VDst, a: VReg };
            /// Lane-wise round toward -inf (f64x2).
            vffloor_f64x2 = VffloorF64x2 { dst: VDst, a: VReg };
            /// Lane-wise round toward zero (f64x2).
            vftrunc_f64x2 = VftruncF64x2 { dst: VDst, a: VReg };
            /// Lane-wise round to nearest, ties to even (f64x2).
            vfnearest_f64x2 = VfnearestF64x2 { dst: VDst, a: VReg };
            /// Lane-wise fused `a * b + c` (f64x2).
            vfma_f64x2 = VfmaF64x2 { dst: VDst, a: VReg, b: VReg, c: VReg };
            /// All ones in each lane where `a cc b` (f64x2).
            vfcmp_f64x2 = VfcmpF64x2 { dst: VDst, a: VReg, b: VReg, cc: FloatCC };
            /// Convert signed i32 lanes to f32.
            vf32x4_from_i32x4_s = Vf32x4FromI32x4S { dst: VDst, a: VReg };
            /// Convert unsigned i32 lanes to f32.
            vf32x4_from_i32x4_u = Vf32x4FromI32x4U { dst: VDst, a: VReg };
            /// Convert signed i64 lanes to f64.
            vf64x2_from_i64x2_s = Vf64x2FromI64x2S { dst: VDst, a: VReg };
            /// Convert unsigned i64 lanes to f64.
            vf64x2_from_i64x2_u = Vf64x2FromI64x2U { dst: VDst, a: VReg };
            /// Convert f32 lanes to i32, saturating (NaN -> 0).
            vi32x4_from_f32x4_s_sat = Vi32x4FromF32x4SSat { dst: VDst, a: VReg };
            /// Convert f32 lanes to u32, saturating (NaN -> 0).
            vi32x4_from_f32x4_u_sat = Vi32x4FromF32x4USat { dst: VDst, a: VReg };
            /// Convert f64 lanes to i64, saturating (NaN -> 0).
            vi64x2_from_f64x2_s_sat = Vi64x2FromF64x2SSat { dst: VDst, a: VReg };
            /// Convert f64 lanes to u64, saturating (NaN -> 0).
            vi64x2_from_f64x2_u_sat = Vi64x2FromF64x2USat { dst: VDst, a: VReg };
            /// The two low f32 lanes of `a`, as f64x2.
            vfpromote_low = VfpromoteLow { dst: VDst, a: VReg };
            /// The f64 lanes of `a` as f32 in lanes 0 and 1; lanes 2 and 3 zero.
            vfdemote = Vfdemote { dst: VDst, a: VReg };
            /// Load 64 bits, little-endian, into the low half; the high half is zero.
            vload64 = Vload64 { dst: VDst, base: XReg, offset: i32 };
            /// Store the low 64 bits of `src`, little-endian.
            vstore64 = Vstore64 { base: XReg, offset: i32, src: VReg };
            /// Reverse the bytes of each 16-bit lane (big-endian lane images).
            vbswap16 = Vbswap16 { dst: VDst, a: VReg };
            /// Reverse the bytes of each 32-bit lane (big-endian lane images).
            vbswap32 = Vbswap32 { dst: VDst, a: VReg };
            /// Reverse the bytes of each 64-bit lane (big-endian lane images).
            vbswap64 = Vbswap64 { dst: VDst, a: VReg };
            /// Tail call to the bytecode address held in the bits of
            /// f-register `target`: for when every x argument register
            /// carries an argument and the callee-saved ones are restored.
            return_call_indirect_f = ReturnCallIndirectF { target: FReg };

            // Moved from the hot table in ISA 14, to make room for fused ops:
            // register rotates right (constant ones become `xrotl*_i`), bit
            // counts and fused multiply-adds, rare in hot loops.
            /// `dst = a.rotate_right(b & 31)`.
            xrotr32 = Xrotr32 { dst: XDst, a: XReg, b: XReg };
            /// `dst = a.rotate_right(b & 63)`.
            xrotr64 = Xrotr64 { dst: XDst, a: XReg, b: XReg };
            /// `dst = clz(a)` (32-bit).
            xclz32 = Xclz32 { dst: XDst, a: XReg };
            /// `dst = clz(a)` (64-bit).
            xclz64 = Xclz64 { dst: XDst, a: XReg };
            /// `dst = ctz(a)` (32-bit).
            xctz32 = Xctz32 { dst: XDst, a: XReg };
            /// `dst = ctz(a)` (64-bit).
            xctz64 = Xctz64 { dst: XDst, a: XReg };
            /// `dst = popcnt(a)` (32-bit).
            xpopcnt32 = Xpopcnt32 { dst: XDst, a: XReg };
            /// `dst = popcnt(a)` (64-bit).
            xpopcnt64 = Xpopcnt64 { dst: XDst, a: XReg };
            /// `dst = a * b + c`, one rounding (f32).
            fma32 = Fma32 { dst: FDst, a: FReg, b: FReg, c: FReg };
            /// `dst = a * b + c`, one rounding (f64).
            fma64 = Fma64 { dst: FDst, a: FReg, b: FReg, c: FReg };
            // Demoted from the hot table to make room for
            // `xadd64_i8_br_if_xult64_i8` (no benchmark program uses it).
            /// Jump when `a <= imm`, unsigned 32-bit.
            br_if_xulteq32_i = BrIfXulteq32I { a: XReg, imm: i32, offset: PcRel };
            // Demoted from the hot table to make room for
            // `xadd32_i8_br_if_xult32_i8` (no benchmark program uses it;
            // rotations by a constant, `xrotl32_i`, stay hot).
            /// `dst = a.rotate_left(b & 31)`.
            xrotl32 = Xrotl32 { dst: XDst, a: XReg, b: XReg };
            // Demoted from the hot table to make room for
            // `xadd64_i8_br_if_xult64_i`: the inverse of
            // `br_if_xulteq32_i`, already here, and used by no benchmark.
            /// Jump when `a > imm`, unsigned 32-bit.
            br_if_xugt32_i = BrIfXugt32I { a: XReg, imm: i32, offset: PcRel };
            // Demoted from the hot table to make room for `xbxor_mul64`:
            // signed 32-bit tests against constants beyond `i8` are rare
            // (no benchmark program has one), and its `i8` form stays hot.
            /// Jump when `a >= imm`, signed 32-bit.
            br_if_xsgteq32_i = BrIfXsgteq32I { a: XReg, imm: i32, offset: PcRel };
            // Demoted from the hot table to make room for
            // `br_table32_xload8_u_ix`, for the same reason as the last.
            /// Jump when `a > imm`, signed 32-bit.
            br_if_xsgt32_i = BrIfXsgt32I { a: XReg, imm: i32, offset: PcRel };

            // Calls of an import, made where the guest calls it: the linker
            // rewrites a `call`..`call3` of the import's stub into these,
            // which are the same size, so nothing else moves.
            /// `call_indirect_host id` without the stub: `lr` is unchanged
            /// and the guest goes on with the next op.
            call_host = CallHost { id: u16 };
            /// `x0 = a0`, then `call_host id`.
            call1_host = Call1Host { a0: XReg, id: u16 };
            /// `x0, x1 = a0, a1` (a parallel move), then `call_host id`.
            call2_host = Call2Host { a0: XReg, a1: XReg, id: u16 };
            /// `x0, x1, x2 = a0, a1, a2` (a parallel move), then `call_host id`.
            call3_host = Call3Host { a0: XReg, a1: XReg, a2: XReg, id: u16 };
        }
    };
}
