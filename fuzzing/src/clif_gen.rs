//! Random, verifier-valid CLIF programs from fuzzer bytes.
//!
//! A program is 1 to 3 functions of the `tail` convention, sometimes with
//! more arguments than registers; function `k` may call, call indirectly or
//! tail-call functions after it (never itself or earlier ones, so calls
//! cannot recurse). Each function
//! keeps a few `cranelift-frontend` variables of every scalar type, and its
//! blocks read and redefine them, so any value can flow anywhere without
//! dominance bookkeeping. Every block but the entry starts with a fuel
//! check (`fuel -= 1; if fuel == 0 return`), so loops, however they are
//! wired, end. Floats are canonicalized before they are stored or bitcast
//! to integers: CLIF leaves NaN payloads open, and only there could they
//! become visible as bits.

use arbitrary::{Result, Unstructured};
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    AbiParam, Block, ExtFuncData, ExternalName, FuncRef, Function, InstBuilder, JumpTableData, MemFlagsData,
    Signature, StackSlot, StackSlotData, StackSlotKind, TrapCode, Type, UserFuncName, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};

/// Bounds of a generated program.
#[derive(Clone, Debug)]
pub struct Config {
    /// Functions in a program.
    pub max_functions: usize,
    /// Blocks per function, besides the entry and the return block.
    pub max_blocks: usize,
    /// Instructions per block, before its terminator.
    pub max_insts: usize,
    /// Block entries each call of a function may make before it returns.
    pub fuel: i32,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_functions: 3, max_blocks: 6, max_insts: 12, fuel: 12 }
    }
}

/// A generated program and the arguments to call its first function with.
pub struct Program {
    /// The functions; `functions[0]` (`%f0`) is the one called.
    pub functions: Vec<Function>,
    /// Arguments for `%f0`.
    pub args: Vec<DataValue>,
}

impl Program {
    /// The program as CLIF text. With the results `%f0` should return, it
    /// ends with a `; run:` line that `sheave test` checks; without (the
    /// call should trap), with a comment giving the call and the trap, for
    /// `sheave run FILE --invoke f0 ARGS`.
    pub fn to_clif(&self, expected: Result<&[DataValue], String>) -> String {
        let mut out = String::from("test interpret\ntest run\n\n");
        // `%f0` last: a `; run:` line belongs to the function before it.
        for f in self.functions.iter().rev() {
            out.push_str(&f.display().to_string());
            out.push('\n');
        }
        let args: Vec<String> = self.args.iter().map(|a| a.to_string()).collect();
        let call = format!("%f0({})", args.join(", "));
        match expected {
            Ok([one]) => out.push_str(&format!("; run: {call} == {one}\n")),
            Ok(values) => {
                let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                out.push_str(&format!("; run: {call} == [{}]\n", values.join(", ")));
            }
            Err(trap) => out.push_str(&format!("; {call} should trap: {trap}\n")),
        }
        out
    }
}

const INTS: [Type; 5] = [types::I8, types::I16, types::I32, types::I64, types::I128];
const FLOATS: [Type; 2] = [types::F32, types::F64];
const ALL: [Type; 7] = [types::I8, types::I16, types::I32, types::I64, types::I128, types::F32, types::F64];
/// The 128-bit vector types: variables of each, and sometimes in signatures.
const VECS: [Type; 6] = [types::I8X16, types::I16X8, types::I32X4, types::I64X2, types::F32X4, types::F64X2];
const INT_VECS: [Type; 4] = [types::I8X16, types::I16X8, types::I32X4, types::I64X2];
/// Variables kept per type.
const VARS_PER_TYPE: usize = 2;
/// Bytes of the stack slot loads and stores use.
const SLOT_BYTES: u32 = 64;

/// Whether `ty` holds floats (scalar or in its lanes).
fn is_float(ty: Type) -> bool {
    ty.lane_type().is_float()
}

/// Flags for a bitcast between vector types: little-endian lane order.
fn little() -> MemFlagsData {
    let mut flags = MemFlagsData::new();
    flags.set_endianness(cranelift_codegen::ir::Endianness::Little);
    flags
}

/// A type for a signature: mostly a scalar, sometimes a vector, but never
/// more vectors than the 16 v-registers that pass them (`vectors` counts
/// them): Sheave passes no vectors on the stack.
fn signature_type(u: &mut Unstructured, vectors: &mut usize) -> Result<Type> {
    if *vectors < 16 && u.ratio(1, 5)? {
        *vectors += 1;
        u.choose(&VECS).copied()
    } else {
        u.choose(&ALL).copied()
    }
}

/// Generate a program.
pub fn generate(u: &mut Unstructured, config: &Config) -> Result<Program> {
    let count = u.int_in_range(1..=config.max_functions.max(1))?;
    let mut signatures: Vec<Signature> = Vec::new();
    for _ in 0..count {
        // `tail` everywhere, so that any function may tail-call a later one.
        let mut sig = Signature::new(CallConv::Tail);
        // Sometimes more arguments than registers: stack arguments.
        let params = if u.ratio(1, 5)? { u.int_in_range(17..=26)? } else { u.int_in_range(0..=4)? };
        let mut vectors = 0;
        for _ in 0..params {
            sig.params.push(AbiParam::new(signature_type(u, &mut vectors)?));
        }
        // Sharing the previous function's results lets it tail-call this one.
        match signatures.last() {
            Some(prev) if u.ratio(1, 2)? => sig.returns = prev.returns.clone(),
            _ => {
                let mut vectors = 0;
                for _ in 0..u.int_in_range(1..=3)? {
                    sig.returns.push(AbiParam::new(signature_type(u, &mut vectors)?));
                }
            }
        }
        signatures.push(sig);
    }
    let mut functions = Vec::new();
    for k in 0..count {
        functions.push(FnGen::build(u, config, k, &signatures)?);
    }
    let args =
        signatures[0].params.iter().map(|p| arbitrary_value(u, p.value_type)).collect::<Result<_>>()?;
    Ok(Program { functions, args })
}

/// An argument value of type `ty`: mostly edge values, sometimes anything.
fn arbitrary_value(u: &mut Unstructured, ty: Type) -> Result<DataValue> {
    let edge = u.ratio(1, 3)?;
    Ok(match ty {
        types::I8 => {
            DataValue::I8(if edge { *u.choose(&[0, 1, -1, i8::MIN, i8::MAX])? } else { u.arbitrary()? })
        }
        types::I16 => {
            DataValue::I16(if edge { *u.choose(&[0, 1, -1, i16::MIN, i16::MAX])? } else { u.arbitrary()? })
        }
        types::I32 => {
            DataValue::I32(if edge { *u.choose(&[0, 1, -1, i32::MIN, i32::MAX])? } else { u.arbitrary()? })
        }
        types::I64 => {
            DataValue::I64(if edge { *u.choose(&[0, 1, -1, i64::MIN, i64::MAX])? } else { u.arbitrary()? })
        }
        types::I128 => {
            DataValue::I128(if edge { *u.choose(&[0, 1, -1, i128::MIN, i128::MAX])? } else { u.arbitrary()? })
        }
        t if t.is_vector() => {
            // Edge lanes (all zeros, all ones, one sign bit per lane) or any bits.
            let bytes: [u8; 16] = if edge {
                let lane = t.lane_bits() / 8;
                match u.int_in_range(0..=2)? {
                    0 => [0; 16],
                    1 => [0xff; 16],
                    _ => core::array::from_fn(|i| if i as u32 % lane == lane - 1 { 0x80 } else { 0 }),
                }
            } else {
                u.arbitrary()?
            };
            DataValue::V128(bytes)
        }
        types::F32 => DataValue::F32(Ieee32::with_bits(if edge {
            [0f32, -0.0, 1.0, -1.5, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, f32::MAX, 2147483648.0]
                [u.choose_index(9)?]
            .to_bits()
        } else {
            u.arbitrary()?
        })),
        _ => DataValue::F64(Ieee64::with_bits(if edge {
            [0f64, -0.0, 1.0, -1.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MAX, 9.3e18]
                [u.choose_index(9)?]
            .to_bits()
        } else {
            u.arbitrary()?
        })),
    })
}

/// Lay the blocks out in reverse postorder and drop unreachable ones, so
/// that every value is defined above its uses in the printed text (the
/// CLIF reader infers types in text order). Blocks are created in another
/// order than the jumps between them make them dominate each other.
fn dominance_layout(func: &mut Function) {
    let cfg = cranelift_codegen::flowgraph::ControlFlowGraph::with_function(func);
    let domtree = cranelift_codegen::dominator_tree::DominatorTree::with_function(func, &cfg);
    let order: Vec<Block> = domtree.cfg_rpo().copied().collect();
    let moved: Vec<(Block, Vec<cranelift_codegen::ir::Inst>)> =
        order.iter().map(|&b| (b, func.layout.block_insts(b).collect())).collect();
    let all: Vec<Block> = func.layout.blocks().collect();
    for b in all {
        func.layout.remove_block_and_insts(b);
    }
    for (b, insts) in moved {
        func.layout.append_block(b);
        for i in insts {
            func.layout.append_inst(i, b);
        }
    }
}

struct FnGen<'u, 'd, 'f> {
    u: &'u mut Unstructured<'d>,
    b: FunctionBuilder<'f>,
    config: &'u Config,
    /// Variables by type.
    vars: Vec<(Type, Variable)>,
    fuel: Variable,
    slot: StackSlot,
    callees: Vec<(FuncRef, Signature)>,
    /// Block entries (each starts with the fuel check).
    headers: Vec<Block>,
    ret: Block,
}

impl<'u, 'd, 'f> FnGen<'u, 'd, 'f> {
    fn build(
        u: &'u mut Unstructured<'d>,
        config: &'u Config,
        k: usize,
        sigs: &[Signature],
    ) -> Result<Function> {
        let mut func =
            Function::with_name_signature(UserFuncName::testcase(format!("f{k}")), sigs[k].clone());
        let mut ctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut ctx);
        let callees = (k + 1..sigs.len())
            .map(|j| {
                let signature = b.import_signature(sigs[j].clone());
                let f = b.import_function(ExtFuncData {
                    name: ExternalName::testcase(format!("f{j}")),
                    signature,
                    colocated: true,
                    patchable: false,
                });
                (f, sigs[j].clone())
            })
            .collect();
        let slot = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, SLOT_BYTES, 4));
        let fuel = b.declare_var(types::I32);
        let mut vars = Vec::new();
        for ty in ALL.into_iter().chain(VECS) {
            for _ in 0..VARS_PER_TYPE {
                vars.push((ty, b.declare_var(ty)));
            }
        }
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        let blocks = u.int_in_range(1..=config.max_blocks.max(1))?;
        let headers = (0..blocks).map(|_| b.create_block()).collect();
        let ret = b.create_block();
        let mut g = FnGen { u, b, config, vars, fuel, slot, callees, headers, ret };
        g.entry(entry)?;
        for i in 0..blocks {
            g.block(i)?;
        }
        g.ret_block();
        g.b.seal_all_blocks();
        g.b.finalize(cranelift_codegen::isa::TargetFrontendConfig {
            default_call_conv: CallConv::Fast,
            pointer_width: target_lexicon::PointerWidth::U64,
            page_size_align_log2: 12,
        });
        dominance_layout(&mut func);
        Ok(func)
    }

    fn entry(&mut self, entry: Block) -> Result<()> {
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        let fuel = self.b.ins().iconst(types::I32, self.config.fuel as i64);
        self.b.def_var(self.fuel, fuel);
        // Every variable starts as a parameter of its type or a constant.
        for i in 0..self.vars.len() {
            let (ty, var) = self.vars[i];
            let same: Vec<Value> =
                params.iter().copied().filter(|&p| self.b.func.dfg.value_type(p) == ty).collect();
            let v = if !same.is_empty() && self.u.ratio(2, 3)? {
                *self.u.choose(&same)?
            } else {
                self.constant(ty)?
            };
            self.b.def_var(var, v);
        }
        // Loads never see what an earlier run left on the stack.
        let zero = self.b.ins().iconst(types::I64, 0);
        for off in (0..SLOT_BYTES).step_by(8) {
            self.b.ins().stack_store(types::I64, zero, self.slot, off as i32);
        }
        let first = self.headers[0];
        self.b.ins().jump(first, &[]);
        Ok(())
    }

    fn constant(&mut self, ty: Type) -> Result<Value> {
        let v = arbitrary_value(self.u, ty)?;
        Ok(match v {
            DataValue::I8(x) => self.b.ins().iconst(ty, x as i64),
            DataValue::I16(x) => self.b.ins().iconst(ty, x as i64),
            DataValue::I32(x) => self.b.ins().iconst(ty, x as i64),
            DataValue::I64(x) => self.b.ins().iconst(ty, x),
            DataValue::I128(x) => {
                let lo = self.b.ins().iconst(types::I64, x as i64);
                let hi = self.b.ins().iconst(types::I64, (x >> 64) as i64);
                self.b.ins().iconcat(lo, hi)
            }
            DataValue::F32(x) => self.b.ins().f32const(x),
            DataValue::F64(x) => self.b.ins().f64const(x),
            DataValue::V128(bytes) => {
                let c = self.b.func.dfg.constants.insert(bytes.to_vec().into());
                self.b.ins().vconst(ty, c)
            }
            _ => unreachable!("scalars and 128-bit vectors only"),
        })
    }

    /// A variable of type `ty`.
    fn var(&mut self, ty: Type) -> Result<Variable> {
        let i = self.u.choose_index(VARS_PER_TYPE)?;
        Ok(self
            .vars
            .iter()
            .filter(|(t, _)| *t == ty)
            .nth(i)
            .map(|(_, v)| *v)
            .expect("every type has variables"))
    }

    fn get(&mut self, ty: Type) -> Result<Value> {
        let v = self.var(ty)?;
        Ok(self.b.use_var(v))
    }

    fn set(&mut self, value: Value) -> Result<()> {
        let ty = self.b.func.dfg.value_type(value);
        let v = self.var(ty)?;
        self.b.def_var(v, value);
        Ok(())
    }

    /// `x`, with any NaN (or NaN lane) replaced by the canonical one.
    fn canonical(&mut self, x: Value) -> Value {
        let ty = self.b.func.dfg.value_type(x);
        if ty.is_vector() {
            let lane = ty.lane_type();
            let nan = if lane == types::F32 {
                self.b.ins().f32const(Ieee32::with_bits(0x7fc0_0000))
            } else {
                self.b.ins().f64const(Ieee64::with_bits(0x7ff8_0000_0000_0000))
            };
            let nan = self.b.ins().splat(ty, nan);
            let is_nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
            let is_nan = self.b.ins().bitcast(ty, little(), is_nan);
            return self.b.ins().bitselect(is_nan, nan, x);
        }
        let nan = if ty == types::F32 {
            self.b.ins().f32const(Ieee32::with_bits(0x7fc0_0000))
        } else {
            self.b.ins().f64const(Ieee64::with_bits(0x7ff8_0000_0000_0000))
        };
        let is_nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.b.ins().select(is_nan, nan, x)
    }

    fn block(&mut self, i: usize) -> Result<()> {
        let header = self.headers[i];
        self.b.switch_to_block(header);
        let fuel = self.b.use_var(self.fuel);
        let fuel = self.b.ins().iadd_imm_s(fuel, -1);
        self.b.def_var(self.fuel, fuel);
        let body = self.b.create_block();
        let ret = self.ret;
        self.b.ins().brif(fuel, body, &[], ret, &[]);
        self.b.switch_to_block(body);
        for _ in 0..self.u.int_in_range(0..=self.config.max_insts)? {
            if self.u.is_empty() {
                break;
            }
            self.inst()?;
        }
        self.terminator()
    }

    fn target(&mut self) -> Result<Block> {
        Ok(*self.u.choose(&self.headers)?)
    }

    fn terminator(&mut self) -> Result<()> {
        match self.u.int_in_range(0..=9)? {
            0..=3 => {
                let t = self.target()?;
                self.b.ins().jump(t, &[]);
            }
            4..=6 => {
                let ty = *self.u.choose(&INTS)?;
                let c = self.get(ty)?;
                let (t, e) = (self.target()?, self.target()?);
                self.b.ins().brif(c, t, &[], e, &[]);
            }
            7 => {
                let idx = self.get(types::I32)?;
                let n = self.u.int_in_range(1..=5)?;
                let mut entries = Vec::new();
                for _ in 0..n {
                    let t = self.target()?;
                    entries.push(self.b.func.dfg.block_call(t, &[]));
                }
                let d = self.target()?;
                let default = self.b.func.dfg.block_call(d, &[]);
                let jt = self.b.create_jump_table(JumpTableData::new(default, &entries));
                self.b.ins().br_table(idx, jt);
            }
            8 if self.u.ratio(1, 4)? => {
                let code = TrapCode::unwrap_user(self.u.int_in_range(1..=9)?);
                self.b.ins().trap(code);
            }
            8 => {
                // A tail call of a later function returning what this one does.
                let returns = self.b.func.signature.returns.clone();
                let same: Vec<usize> =
                    (0..self.callees.len()).filter(|&i| self.callees[i].1.returns == returns).collect();
                if same.is_empty() {
                    let ret = self.ret;
                    self.b.ins().jump(ret, &[]);
                    return Ok(());
                }
                let (f, sig) = self.callees[*self.u.choose(&same)?].clone();
                let args = sig.params.iter().map(|p| self.get(p.value_type)).collect::<Result<Vec<_>>>()?;
                if self.u.ratio(1, 3)? {
                    let sig_ref = self.b.import_signature(sig);
                    let addr = self.b.ins().func_addr(types::I64, f);
                    self.b.ins().return_call_indirect(sig_ref, addr, &args);
                } else {
                    self.b.ins().return_call(f, &args);
                }
            }
            _ => {
                let ret = self.ret;
                self.b.ins().jump(ret, &[]);
            }
        }
        Ok(())
    }

    fn ret_block(&mut self) {
        let ret = self.ret;
        self.b.switch_to_block(ret);
        let types: Vec<Type> = self.b.func.signature.returns.iter().map(|p| p.value_type).collect();
        // The return block reads the first variable of each type: no
        // bytes are left to choose with once the body is done.
        let values: Vec<Value> = types
            .iter()
            .map(|&ty| {
                let var = self
                    .vars
                    .iter()
                    .find(|(t, _)| *t == ty)
                    .map(|(_, v)| *v)
                    .expect("every type has variables");
                let v = self.b.use_var(var);
                // A float vector's NaN payloads would show in its bytes.
                if ty.is_vector() && is_float(ty) { self.canonical(v) } else { v }
            })
            .collect();
        self.b.ins().return_(&values);
    }

    /// One instruction (or a few, for a compound operation).
    fn inst(&mut self) -> Result<()> {
        let ins_kind = self.u.int_in_range(0..=22)?;
        match ins_kind {
            19..=21 => self.vector(),
            0..=3 => self.int_binary(),
            4 => self.int_div(),
            5 => self.int_unary(),
            6 => self.compare_select(),
            7 => self.int_convert(),
            8 => self.overflow(),
            9..=10 => self.float_binary(),
            11 => self.float_unary(),
            12 => self.float_convert(),
            13 => self.bitcast(),
            14..=15 => self.memory(),
            16 => self.conditional_trap(),
            17 => self.call(),
            18 => self.i128_parts(),
            _ => {
                let ty = *self.u.choose(&ALL)?;
                let c = self.constant(ty)?;
                self.set(c)
            }
        }
    }

    fn int_binary(&mut self) -> Result<()> {
        let ty = *self.u.choose(&INTS)?;
        let (a, b) = (self.get(ty)?, self.get(ty)?);
        let ins = self.b.ins();
        let r = match self.u.int_in_range(0..=19)? {
            0 => ins.iadd(a, b),
            1 => ins.isub(a, b),
            2 => ins.imul(a, b),
            3 => ins.band(a, b),
            4 => ins.bor(a, b),
            5 => ins.bxor(a, b),
            6 => ins.band_not(a, b),
            7 => ins.bor_not(a, b),
            8 => ins.bxor_not(a, b),
            9 => ins.smin(a, b),
            10 => ins.smax(a, b),
            11 => ins.umin(a, b),
            12 => ins.umax(a, b),
            13 if ty != types::I128 => ins.umulhi(a, b),
            14 if ty != types::I128 => ins.smulhi(a, b),
            k => {
                // Shifts and rotates by an amount of any integer type.
                let amt_ty = *self.u.choose(&INTS)?;
                let amt = self.get(amt_ty)?;
                let ins = self.b.ins();
                match k % 5 {
                    0 => ins.ishl(a, amt),
                    1 => ins.ushr(a, amt),
                    2 => ins.sshr(a, amt),
                    3 => ins.rotl(a, amt),
                    _ => ins.rotr(a, amt),
                }
            }
        };
        self.set(r)
    }

    fn int_div(&mut self) -> Result<()> {
        let ty = *self.u.choose(&INTS)?;
        let (a, b) = (self.get(ty)?, self.get(ty)?);
        let r = match self.u.int_in_range(0..=3)? {
            0 => self.b.ins().udiv(a, b),
            1 => self.b.ins().sdiv(a, b),
            2 => self.b.ins().urem(a, b),
            _ => {
                // CLIF defines `srem MIN, -1` as 0 (Cranelift's runtest
                // div-checks.clif, passed by every native backend), but
                // cranelift-interpreter 0.135 traps there: divide by 1
                // instead in just that case, so the reference stays right.
                let b = self.avoid_min_by_minus_one(a, b);
                self.b.ins().srem(a, b)
            }
        };
        self.set(r)
    }

    /// `b`, or 1 where `a` is the type's minimum and `b` is -1.
    fn avoid_min_by_minus_one(&mut self, a: Value, b: Value) -> Value {
        let ty = self.b.func.dfg.value_type(a);
        let (min, minus_one, one) = if ty == types::I128 {
            let zero = self.b.ins().iconst(types::I64, 0);
            let top = self.b.ins().iconst(types::I64, i64::MIN);
            let all = self.b.ins().iconst(types::I64, -1);
            let lo1 = self.b.ins().iconst(types::I64, 1);
            (self.b.ins().iconcat(zero, top), self.b.ins().iconcat(all, all), self.b.ins().iconcat(lo1, zero))
        } else {
            let min = i64::MIN >> (64 - ty.bits());
            (self.b.ins().iconst(ty, min), self.b.ins().iconst(ty, -1), self.b.ins().iconst(ty, 1))
        };
        let is_min = self.b.ins().icmp(IntCC::Equal, a, min);
        let is_minus_one = self.b.ins().icmp(IntCC::Equal, b, minus_one);
        let both = self.b.ins().band(is_min, is_minus_one);
        self.b.ins().select(both, one, b)
    }

    fn int_unary(&mut self) -> Result<()> {
        let ty = *self.u.choose(&INTS)?;
        let a = self.get(ty)?;
        let ins = self.b.ins();
        let r = match self.u.int_in_range(0..=8)? {
            0 => ins.ineg(a),
            1 => ins.bnot(a),
            2 => ins.clz(a),
            3 => ins.ctz(a),
            4 => ins.popcnt(a),
            5 => ins.cls(a),
            6 => ins.bitrev(a),
            7 if ty != types::I8 => ins.bswap(a),
            _ => ins.iabs(a),
        };
        self.set(r)
    }

    fn compare_select(&mut self) -> Result<()> {
        const ICC: [IntCC; 10] = [
            IntCC::Equal,
            IntCC::NotEqual,
            IntCC::SignedLessThan,
            IntCC::SignedGreaterThanOrEqual,
            IntCC::SignedGreaterThan,
            IntCC::SignedLessThanOrEqual,
            IntCC::UnsignedLessThan,
            IntCC::UnsignedGreaterThanOrEqual,
            IntCC::UnsignedGreaterThan,
            IntCC::UnsignedLessThanOrEqual,
        ];
        const FCC: [FloatCC; 14] = [
            FloatCC::Ordered,
            FloatCC::Unordered,
            FloatCC::Equal,
            FloatCC::NotEqual,
            FloatCC::OrderedNotEqual,
            FloatCC::UnorderedOrEqual,
            FloatCC::LessThan,
            FloatCC::LessThanOrEqual,
            FloatCC::GreaterThan,
            FloatCC::GreaterThanOrEqual,
            FloatCC::UnorderedOrLessThan,
            FloatCC::UnorderedOrLessThanOrEqual,
            FloatCC::UnorderedOrGreaterThan,
            FloatCC::UnorderedOrGreaterThanOrEqual,
        ];
        let ty = *self.u.choose(&ALL)?;
        let (a, b) = (self.get(ty)?, self.get(ty)?);
        let cond = if is_float(ty) {
            let cc = *self.u.choose(&FCC)?;
            self.b.ins().fcmp(cc, a, b)
        } else {
            let cc = *self.u.choose(&ICC)?;
            self.b.ins().icmp(cc, a, b)
        };
        if self.u.ratio(1, 2)? {
            return self.set(cond);
        }
        // A select on that condition, or on any integer.
        let any = *self.u.choose(&INTS)?;
        let cond = if self.u.ratio(1, 2)? { cond } else { self.get(any)? };
        let ty = *self.u.choose(&ALL)?;
        let (x, y) = (self.get(ty)?, self.get(ty)?);
        let r = if self.u.ratio(1, 4)? {
            self.b.ins().select_spectre_guard(cond, x, y)
        } else {
            self.b.ins().select(cond, x, y)
        };
        self.set(r)
    }

    fn int_convert(&mut self) -> Result<()> {
        let (from, to) = (*self.u.choose(&INTS)?, *self.u.choose(&INTS)?);
        let a = self.get(from)?;
        let r = if from.bits() < to.bits() {
            if self.u.ratio(1, 2)? { self.b.ins().uextend(to, a) } else { self.b.ins().sextend(to, a) }
        } else if from.bits() > to.bits() {
            self.b.ins().ireduce(to, a)
        } else {
            self.b.ins().bmask(*self.u.choose(&INTS)?, a)
        };
        self.set(r)
    }

    fn overflow(&mut self) -> Result<()> {
        let ty = *self.u.choose(&INTS[..4])?;
        let (a, b) = (self.get(ty)?, self.get(ty)?);
        let ins = self.b.ins();
        let (r, of) = match self.u.int_in_range(0..=6)? {
            0 => ins.uadd_overflow(a, b),
            1 => ins.sadd_overflow(a, b),
            2 => ins.usub_overflow(a, b),
            3 => ins.ssub_overflow(a, b),
            4 => ins.umul_overflow(a, b),
            5 => ins.smul_overflow(a, b),
            _ if ty == types::I32 || ty == types::I64 => {
                let r = ins.uadd_overflow_trap(a, b, TrapCode::INTEGER_OVERFLOW);
                return self.set(r);
            }
            _ => ins.uadd_overflow(a, b),
        };
        self.set(r)?;
        self.set(of)
    }

    fn float_binary(&mut self) -> Result<()> {
        let ty = *self.u.choose(&FLOATS)?;
        self.float_binary_of(ty)
    }

    /// A float binary op (or `fma`) on `ty`, a float or float vector type.
    fn float_binary_of(&mut self, ty: Type) -> Result<()> {
        let (a, b) = (self.get(ty)?, self.get(ty)?);
        let ins = self.b.ins();
        let r = match self.u.int_in_range(0..=7)? {
            0 => ins.fadd(a, b),
            1 => ins.fsub(a, b),
            2 => ins.fmul(a, b),
            3 => ins.fdiv(a, b),
            4 => ins.fmin(a, b),
            5 => ins.fmax(a, b),
            6 => ins.fcopysign(a, b),
            _ => {
                let c = self.get(ty)?;
                self.b.ins().fma(a, b, c)
            }
        };
        self.set(r)
    }

    fn float_unary(&mut self) -> Result<()> {
        let ty = *self.u.choose(&FLOATS)?;
        self.float_unary_of(ty)
    }

    /// A float unary op on `ty`, a float or float vector type.
    fn float_unary_of(&mut self, ty: Type) -> Result<()> {
        let a = self.get(ty)?;
        let ins = self.b.ins();
        let r = match self.u.int_in_range(0..=6)? {
            0 => ins.fneg(a),
            1 => ins.fabs(a),
            2 => ins.sqrt(a),
            3 => ins.ceil(a),
            4 => ins.floor(a),
            5 => ins.trunc(a),
            _ => ins.nearest(a),
        };
        self.set(r)
    }

    /// Int↔float conversion `k` (0..=3: from signed, from unsigned, to
    /// signed saturating, to unsigned saturating) between `it` and `ft`,
    /// scalars or vectors alike.
    fn int_float_convert(&mut self, k: u32, it: Type, ft: Type) -> Result<Value> {
        Ok(match k {
            0 => {
                let a = self.get(it)?;
                self.b.ins().fcvt_from_sint(ft, a)
            }
            1 => {
                let a = self.get(it)?;
                self.b.ins().fcvt_from_uint(ft, a)
            }
            2 => {
                let a = self.get(ft)?;
                self.b.ins().fcvt_to_sint_sat(it, a)
            }
            _ => {
                let a = self.get(ft)?;
                self.b.ins().fcvt_to_uint_sat(it, a)
            }
        })
    }

    fn float_convert(&mut self) -> Result<()> {
        let ft = *self.u.choose(&FLOATS)?;
        let it = *self.u.choose(&[types::I32, types::I64])?;
        let r = match self.u.int_in_range(0..=6)? {
            k @ 0..=3 => self.int_float_convert(k, it, ft)?,
            4 => {
                let a = self.get(ft)?;
                self.b.ins().fcvt_to_sint(it, a)
            }
            5 => {
                let a = self.get(ft)?;
                self.b.ins().fcvt_to_uint(it, a)
            }
            _ => {
                if ft == types::F32 {
                    let a = self.get(types::F32)?;
                    self.b.ins().fpromote(types::F64, a)
                } else {
                    let a = self.get(types::F64)?;
                    self.b.ins().fdemote(types::F32, a)
                }
            }
        };
        self.set(r)
    }

    fn bitcast(&mut self) -> Result<()> {
        let (ft, it) = *self.u.choose(&[(types::F32, types::I32), (types::F64, types::I64)])?;
        let r = if self.u.ratio(1, 2)? {
            let a = self.get(it)?;
            self.b.ins().bitcast(ft, MemFlagsData::new(), a)
        } else {
            let a = self.get(ft)?;
            let a = self.canonical(a);
            self.b.ins().bitcast(it, MemFlagsData::new(), a)
        };
        self.set(r)
    }

    /// An offset in the slot for an access of `bytes`, aligned to them.
    fn offset(&mut self, bytes: u32) -> Result<i32> {
        let slots = SLOT_BYTES / bytes;
        Ok((self.u.choose_index(slots as usize)? as u32 * bytes) as i32)
    }

    /// A value of `ty` to store: floats canonicalized, so that no NaN
    /// payload can be read back as integer bits.
    fn storable(&mut self, ty: Type) -> Result<Value> {
        let x = self.get(ty)?;
        Ok(if is_float(ty) { self.canonical(x) } else { x })
    }

    /// The slot's address, an aligned offset for `bytes`, and flags with an
    /// explicit byte order.
    fn ordered_access(&mut self, bytes: u32) -> Result<(Value, i32, MemFlagsData)> {
        let off = self.offset(bytes)?;
        let p = self.b.ins().stack_addr(types::I64, self.slot, 0);
        let mut flags = MemFlagsData::trusted();
        let order = [cranelift_codegen::ir::Endianness::Big, cranelift_codegen::ir::Endianness::Little];
        flags.set_endianness(*self.u.choose(&order)?);
        Ok((p, off, flags))
    }

    fn memory(&mut self) -> Result<()> {
        let ty = *self.u.choose(&ALL)?;
        let bytes = ty.bytes();
        match self.u.int_in_range(0..=5)? {
            0 => {
                let x = self.storable(ty)?;
                let off = self.offset(bytes)?;
                self.b.ins().stack_store(types::I64, x, self.slot, off);
                Ok(())
            }
            1 => {
                let off = self.offset(bytes)?;
                let r = self.b.ins().stack_load(types::I64, ty, self.slot, off);
                self.set(r)
            }
            2 => {
                // Through an address, with an explicit byte order.
                let x = self.storable(ty)?;
                let (p, off, flags) = self.ordered_access(bytes)?;
                self.b.ins().store(flags, x, p, off);
                Ok(())
            }
            3 => {
                let (p, off, flags) = self.ordered_access(bytes)?;
                let r = self.b.ins().load(ty, flags, p, off);
                self.set(r)
            }
            4 => {
                // Narrow stores.
                let ty = *self.u.choose(&[types::I16, types::I32, types::I64])?;
                let x = self.get(ty)?;
                let p = self.b.ins().stack_addr(types::I64, self.slot, 0);
                let flags = MemFlagsData::trusted();
                let width = self.u.int_in_range(0..=2)?;
                match width {
                    0 => {
                        let off = self.offset(1)?;
                        self.b.ins().istore8(flags, x, p, off);
                    }
                    1 if ty.bits() > 16 => {
                        let off = self.offset(2)?;
                        self.b.ins().istore16(flags, x, p, off);
                    }
                    _ if ty == types::I64 => {
                        let off = self.offset(4)?;
                        self.b.ins().istore32(flags, x, p, off);
                    }
                    _ => {
                        let off = self.offset(1)?;
                        self.b.ins().istore8(flags, x, p, off);
                    }
                }
                Ok(())
            }
            _ => {
                // Extending loads.
                let ty = *self.u.choose(&[types::I16, types::I32, types::I64])?;
                let p = self.b.ins().stack_addr(types::I64, self.slot, 0);
                let flags = MemFlagsData::trusted();
                let signed = self.u.ratio(1, 2)?;
                let r = match self.u.int_in_range(0..=2)? {
                    1 if ty.bits() > 16 => {
                        let off = self.offset(2)?;
                        if signed {
                            self.b.ins().sload16(ty, flags, p, off)
                        } else {
                            self.b.ins().uload16(ty, flags, p, off)
                        }
                    }
                    2 if ty == types::I64 => {
                        let off = self.offset(4)?;
                        if signed {
                            self.b.ins().sload32(flags, p, off)
                        } else {
                            self.b.ins().uload32(flags, p, off)
                        }
                    }
                    _ => {
                        let off = self.offset(1)?;
                        if signed {
                            self.b.ins().sload8(ty, flags, p, off)
                        } else {
                            self.b.ins().uload8(ty, flags, p, off)
                        }
                    }
                };
                self.set(r)
            }
        }
    }

    fn conditional_trap(&mut self) -> Result<()> {
        let ty = *self.u.choose(&INTS)?;
        let c = self.get(ty)?;
        let code = TrapCode::unwrap_user(self.u.int_in_range(1..=9)?);
        if self.u.ratio(1, 2)? {
            self.b.ins().trapz(c, code);
        } else {
            self.b.ins().trapnz(c, code);
        }
        Ok(())
    }

    fn call(&mut self) -> Result<()> {
        if self.callees.is_empty() {
            return Ok(());
        }
        let (f, sig) = self.callees[self.u.choose_index(self.callees.len())?].clone();
        let args = sig.params.iter().map(|p| self.get(p.value_type)).collect::<Result<Vec<_>>>()?;
        let call = if self.u.ratio(1, 3)? {
            let sig_ref = self.b.import_signature(sig);
            let addr = self.b.ins().func_addr(types::I64, f);
            self.b.ins().call_indirect(sig_ref, addr, &args)
        } else {
            self.b.ins().call(f, &args)
        };
        let results = self.b.inst_results(call).to_vec();
        for r in results {
            self.set(r)?;
        }
        Ok(())
    }

    fn i128_parts(&mut self) -> Result<()> {
        if self.u.ratio(1, 2)? {
            let a = self.get(types::I128)?;
            let (lo, hi) = self.b.ins().isplit(a);
            self.set(lo)?;
            self.set(hi)
        } else {
            let (lo, hi) = (self.get(types::I64)?, self.get(types::I64)?);
            let r = self.b.ins().iconcat(lo, hi);
            self.set(r)
        }
    }

    /// One vector instruction (or a few) on the vector variables.
    fn vector(&mut self) -> Result<()> {
        let ty = *self.u.choose(&VECS)?;
        let lane = ty.lane_type();
        let float = lane.is_float();
        match self.u.int_in_range(0..=11)? {
            0 | 1 if !float => {
                let (a, b) = (self.get(ty)?, self.get(ty)?);
                let ins = self.b.ins();
                let r = match self.u.int_in_range(0..=17)? {
                    0 => ins.iadd(a, b),
                    1 => ins.isub(a, b),
                    2 => ins.imul(a, b),
                    3 => ins.smin(a, b),
                    4 => ins.smax(a, b),
                    5 => ins.umin(a, b),
                    6 => ins.umax(a, b),
                    7 => ins.uadd_sat(a, b),
                    8 => ins.sadd_sat(a, b),
                    9 => ins.usub_sat(a, b),
                    10 => ins.ssub_sat(a, b),
                    // (No `avg_round`: cranelift-interpreter 0.135 lacks it on vectors.)
                    11 => ins.band_not(a, b),
                    12 => ins.band(a, b),
                    13 => ins.bor(a, b),
                    14 => ins.bxor(a, b),
                    15 => ins.smulhi(a, b),
                    16 => ins.umulhi(a, b),
                    _ if lane == types::I16 || lane == types::I32 => ins.sqmul_round_sat(a, b),
                    _ => ins.band_not(a, b),
                };
                self.set(r)
            }
            0 | 1 => self.float_binary_of(ty),
            2 if !float => {
                let a = self.get(ty)?;
                let ins = self.b.ins();
                let r = match self.u.int_in_range(0..=3)? {
                    0 => ins.ineg(a),
                    1 => ins.iabs(a),
                    2 => ins.bnot(a),
                    _ => ins.popcnt(a),
                };
                self.set(r)
            }
            2 if self.u.ratio(1, 8)? => {
                let a = self.get(ty)?;
                let r = self.b.ins().bnot(a);
                self.set(r)
            }
            2 => self.float_unary_of(ty),
            3 if !float => {
                // Shifts by a scalar of any width up to 64 bits.
                let a = self.get(ty)?;
                let amt_ty = *self.u.choose(&INTS[..4])?;
                let amt = self.get(amt_ty)?;
                let ins = self.b.ins();
                let r = match self.u.int_in_range(0..=2)? {
                    0 => ins.ishl(a, amt),
                    1 => ins.ushr(a, amt),
                    _ => ins.sshr(a, amt),
                };
                self.set(r)
            }
            3 | 4 => {
                // Compare into a lane mask.
                let (a, b) = (self.get(ty)?, self.get(ty)?);
                let r = if float {
                    let cc = *self.u.choose(&[
                        FloatCC::Ordered,
                        FloatCC::Unordered,
                        FloatCC::Equal,
                        FloatCC::NotEqual,
                        FloatCC::LessThan,
                        FloatCC::GreaterThanOrEqual,
                        FloatCC::UnorderedOrLessThan,
                        FloatCC::OrderedNotEqual,
                    ])?;
                    self.b.ins().fcmp(cc, a, b)
                } else {
                    let cc = *self.u.choose(&[
                        IntCC::Equal,
                        IntCC::NotEqual,
                        IntCC::SignedLessThan,
                        IntCC::SignedGreaterThanOrEqual,
                        IntCC::SignedGreaterThan,
                        IntCC::SignedLessThanOrEqual,
                        IntCC::UnsignedLessThan,
                        IntCC::UnsignedGreaterThanOrEqual,
                        IntCC::UnsignedGreaterThan,
                        IntCC::UnsignedLessThanOrEqual,
                    ])?;
                    self.b.ins().icmp(cc, a, b)
                };
                self.set(r)
            }
            5 => {
                let lanes = ty.lane_count() as u8;
                let idx = self.u.int_in_range(0..=lanes - 1)?;
                match self.u.int_in_range(0..=2)? {
                    0 => {
                        let x = self.get(lane)?;
                        let r = self.b.ins().splat(ty, x);
                        self.set(r)
                    }
                    1 => {
                        let v = self.get(ty)?;
                        let r = self.b.ins().extractlane(v, idx);
                        self.set(r)
                    }
                    _ => {
                        let (v, x) = (self.get(ty)?, self.get(lane)?);
                        let r = self.b.ins().insertlane(v, x, idx);
                        self.set(r)
                    }
                }
            }
            6 => {
                // Widen, narrow and pairwise add between integer shapes.
                let narrow = *self.u.choose(&INT_VECS[..3])?;
                let wide = *self.u.choose(&INT_VECS[1..])?;
                let r = match self.u.int_in_range(0..=7)? {
                    0 => {
                        let a = self.get(narrow)?;
                        self.b.ins().swiden_low(a)
                    }
                    1 => {
                        let a = self.get(narrow)?;
                        self.b.ins().swiden_high(a)
                    }
                    2 => {
                        let a = self.get(narrow)?;
                        self.b.ins().uwiden_low(a)
                    }
                    3 => {
                        let a = self.get(narrow)?;
                        self.b.ins().uwiden_high(a)
                    }
                    4 => {
                        let (a, b) = (self.get(wide)?, self.get(wide)?);
                        self.b.ins().snarrow(a, b)
                    }
                    5 => {
                        let (a, b) = (self.get(wide)?, self.get(wide)?);
                        self.b.ins().unarrow(a, b)
                    }
                    6 => {
                        let (a, b) = (self.get(wide)?, self.get(wide)?);
                        self.b.ins().uunarrow(a, b)
                    }
                    _ => {
                        let (a, b) = (self.get(narrow)?, self.get(narrow)?);
                        self.b.ins().iadd_pairwise(a, b)
                    }
                };
                self.set(r)
            }
            7 => {
                // Conversions between the 32- and 64-bit lane shapes.
                let (it, ft) =
                    *self.u.choose(&[(types::I32X4, types::F32X4), (types::I64X2, types::F64X2)])?;
                let r = match self.u.int_in_range(0..=5)? {
                    k @ 0..=3 => self.int_float_convert(k, it, ft)?,
                    4 => {
                        let a = self.get(types::F32X4)?;
                        self.b.ins().fvpromote_low(a)
                    }
                    _ => {
                        let a = self.get(types::F64X2)?;
                        self.b.ins().fvdemote(a)
                    }
                };
                self.set(r)
            }
            8 => {
                // Reductions to a scalar.
                let ty = *self.u.choose(&INT_VECS)?;
                let a = self.get(ty)?;
                let r = match self.u.int_in_range(0..=2)? {
                    0 => self.b.ins().vany_true(a),
                    1 => self.b.ins().vall_true(a),
                    _ => {
                        let to = *self.u.choose(&INTS[..4])?;
                        self.b.ins().vhigh_bits(to, a)
                    }
                };
                self.set(r)
            }
            9 => {
                let (a, b) = (self.get(ty)?, self.get(ty)?);
                let r = if self.u.ratio(1, 2)? {
                    let c = self.get(ty)?;
                    self.b.ins().bitselect(c, a, b)
                } else {
                    let cty = *self.u.choose(&INTS)?;
                    let c = self.get(cty)?;
                    self.b.ins().select(c, a, b)
                };
                self.set(r)
            }
            10 => {
                let (a, b) = (self.get(types::I8X16)?, self.get(types::I8X16)?);
                let r = if self.u.ratio(1, 2)? {
                    // Byte indices into `a` then `b`.
                    let mut mask = [0u8; 16];
                    for m in &mut mask {
                        *m = self.u.int_in_range(0..=31)?;
                    }
                    let imm = self.b.func.dfg.immediates.push(mask.to_vec().into());
                    self.b.ins().shuffle(a, b, imm)
                } else {
                    self.b.ins().swizzle(a, b)
                };
                self.set(r)
            }
            _ => {
                // Bitcasts between vector shapes, and loads and stores.
                // (cranelift-interpreter 0.135 has no extending vector loads.)
                match self.u.int_in_range(0..=2)? {
                    0 => {
                        let to = *self.u.choose(&VECS)?;
                        let a = self.get(ty)?;
                        let a = if float { self.canonical(a) } else { a };
                        let r = self.b.ins().bitcast(to, little(), a);
                        self.set(r)
                    }
                    1 => {
                        let x = self.storable(ty)?;
                        let off = self.offset(16)?;
                        let p = self.b.ins().stack_addr(types::I64, self.slot, 0);
                        self.b.ins().store(MemFlagsData::trusted(), x, p, off);
                        Ok(())
                    }
                    _ => {
                        let off = self.offset(16)?;
                        let p = self.b.ins().stack_addr(types::I64, self.slot, 0);
                        let r = self.b.ins().load(ty, MemFlagsData::trusted(), p, off);
                        self.set(r)
                    }
                }
            }
        }
    }
}
