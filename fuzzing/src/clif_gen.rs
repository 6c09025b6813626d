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
//! become visible as bits. (Not f16 and f128: only moves take them, and
//! moves keep payloads, so their bits are compared exactly.)
//!
//! A program is generated for one of the four Pulley targets (the first
//! choice the bytes make, among [`Config::targets`]): pointer-typed values
//! (`stack_addr`, `func_addr`, the callees of indirect calls) have its
//! pointer type, and loads and stores without an explicit byte order mean
//! its byte order. Vector loads and stores are the exception: on a
//! big-endian target they say `little`, because cranelift-interpreter
//! 0.135 reverses all 16 bytes of a big-endian vector (lane order too),
//! where Sheave keeps the lane order and reverses the bytes of each lane
//! (Cranelift's own Pulley backend only takes little-endian vector
//! accesses).
//!
//! Instructions come from a table of operations (`clif_gen/ops.rs`): one row per
//! opcode and type signature, with the shape of builder call it needs. A
//! block picks a family of rows by weight, then one of its rows whose
//! types have variables, and inserts it on variables of those types.
//! Rules that keep the two engines comparable (guards on values the
//! reference treats differently, ops it lacks) live in the rows and
//! shapes.

mod ops;
#[cfg(test)]
mod tests;

use arbitrary::{Result, Unstructured};
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee16, Ieee32, Ieee64, Ieee128};
use cranelift_codegen::ir::instructions::InstructionFormat;
use cranelift_codegen::ir::{
    AbiParam, Block, Endianness, ExtFuncData, ExternalName, FuncRef, Function, InstBuilder, InstBuilderBase,
    InstructionData, JumpTableData, MemFlags, MemFlagsData, Signature, StackSlot, StackSlotData,
    StackSlotKind, TrapCode, Type, UserFuncName, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use std::sync::LazyLock;

/// A Pulley target a program is generated for: a pointer width and a
/// default byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PulleyTarget {
    /// 64-bit pointers, little-endian.
    Pulley64,
    /// 32-bit pointers, little-endian.
    Pulley32,
    /// 64-bit pointers, big-endian.
    Pulley64be,
    /// 32-bit pointers, big-endian.
    Pulley32be,
}

impl PulleyTarget {
    /// All four.
    pub const ALL: [PulleyTarget; 4] =
        [PulleyTarget::Pulley64, PulleyTarget::Pulley32, PulleyTarget::Pulley64be, PulleyTarget::Pulley32be];

    /// Its triple's name (`pulley32be`), as a `target` line gives it.
    pub fn name(self) -> &'static str {
        match self {
            PulleyTarget::Pulley64 => "pulley64",
            PulleyTarget::Pulley32 => "pulley32",
            PulleyTarget::Pulley64be => "pulley64be",
            PulleyTarget::Pulley32be => "pulley32be",
        }
    }

    /// The type of its pointers.
    pub fn pointer_type(self) -> Type {
        match self {
            PulleyTarget::Pulley64 | PulleyTarget::Pulley64be => types::I64,
            PulleyTarget::Pulley32 | PulleyTarget::Pulley32be => types::I32,
        }
    }

    /// Whether loads and stores without a byte order are big-endian.
    pub fn big_endian(self) -> bool {
        matches!(self, PulleyTarget::Pulley64be | PulleyTarget::Pulley32be)
    }

    /// The byte order of loads and stores without one.
    pub fn endianness(self) -> Endianness {
        if self.big_endian() { Endianness::Big } else { Endianness::Little }
    }
}

impl std::fmt::Display for PulleyTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Bounds of a generated program.
#[derive(Clone, Debug)]
pub struct Config {
    /// The targets a program may be generated for; the bytes choose one
    /// first.
    pub targets: Vec<PulleyTarget>,
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
        Config {
            targets: PulleyTarget::ALL.to_vec(),
            max_functions: 3,
            max_blocks: 6,
            max_insts: 12,
            fuel: 12,
        }
    }
}

/// A generated program and the arguments to call its first function with.
pub struct Program {
    /// The target it is CLIF for.
    pub target: PulleyTarget,
    /// The functions; `functions[0]` (`%f0`) is the one called.
    pub functions: Vec<Function>,
    /// Arguments for `%f0`.
    pub args: Vec<DataValue>,
}

impl Program {
    /// The program as CLIF text, with a `target` line naming its target.
    /// With the results `%f0` should return, it ends with a `; run:` line
    /// that `sheave test` checks; without (the call should trap), with a
    /// comment giving the call and the trap, for `sheave run FILE --target
    /// TARGET --invoke f0 ARGS`.
    pub fn to_clif(&self, expected: Result<&[DataValue], String>) -> String {
        let mut out = format!("test interpret\ntest run\ntarget {}\n\n", self.target);
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
            Err(trap) => out.push_str(&format!("; {call} should trap on {}: {trap}\n", self.target)),
        }
        out
    }
}

use ops::{Access, FAMILIES, INTS, Row, SCALARS, Shape, TABLE, VECS};

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
    flags.set_endianness(Endianness::Little);
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
        u.choose(&SCALARS).copied()
    }
}

/// Generate a program.
pub fn generate(u: &mut Unstructured, config: &Config) -> Result<Program> {
    generate_recording(u, config, &mut Vec::new())
}

/// Generate a program, appending to `used` the index in `TABLE` of each
/// row inserted.
fn generate_recording(u: &mut Unstructured, config: &Config, used: &mut Vec<usize>) -> Result<Program> {
    let target = *u.choose(&config.targets)?;
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
        functions.push(FnGen::build(u, config, target, k, &signatures, used)?);
    }
    let args =
        signatures[0].params.iter().map(|p| arbitrary_value(u, p.value_type)).collect::<Result<_>>()?;
    Ok(Program { target, functions, args })
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
        // Floats that only move: any bits do, NaNs with payloads too.
        types::F16 => DataValue::F16(Ieee16::with_bits(if edge {
            *u.choose(&[0, 0x8000, 0x3c00, 0xc200, 0x7c00, 0xfc00, 0x7e00, 0x7e01, 0x7c01, 0x0001, 0x7bff])?
        } else {
            u.arbitrary()?
        })),
        types::F128 => DataValue::F128(Ieee128::with_bits(if edge {
            *u.choose(&[
                0,
                1 << 127,
                0x3fff << 112,
                0x7fff << 112,
                0x7fff_8000 << 96,
                0x7fff_8000 << 96 | 1,
                0x7fff << 112 | 1,
                1,
            ])?
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
    target: PulleyTarget,
    /// Variables by type.
    vars: Vec<(Type, Variable)>,
    fuel: Variable,
    slot: StackSlot,
    callees: Vec<(FuncRef, Signature)>,
    /// Block entries (each starts with the fuel check).
    headers: Vec<Block>,
    ret: Block,
    /// The rows this function may use: (weight, row indices) by family.
    menu: &'static [(u32, Vec<usize>)],
    /// Rows inserted, by index in `TABLE`.
    used: &'u mut Vec<usize>,
}

impl<'u, 'd, 'f> FnGen<'u, 'd, 'f> {
    fn build(
        u: &'u mut Unstructured<'d>,
        config: &'u Config,
        target: PulleyTarget,
        k: usize,
        sigs: &[Signature],
        used: &'u mut Vec<usize>,
    ) -> Result<Function> {
        let mut func =
            Function::with_name_signature(UserFuncName::testcase(format!("f{k}")), sigs[k].clone());
        let mut ctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut ctx);
        let callees: Vec<(FuncRef, Signature)> = (k + 1..sigs.len())
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
        for ty in var_types() {
            for _ in 0..VARS_PER_TYPE {
                vars.push((ty, b.declare_var(ty)));
            }
        }
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        let blocks = u.int_in_range(1..=config.max_blocks.max(1))?;
        let headers = (0..blocks).map(|_| b.create_block()).collect();
        let ret = b.create_block();
        let menu = if callees.is_empty() { &MENUS.0 } else { &MENUS.1 };
        let mut g = FnGen { u, b, config, target, vars, fuel, slot, callees, headers, ret, menu, used };
        g.entry(entry)?;
        for i in 0..blocks {
            g.block(i)?;
        }
        g.ret_block();
        g.b.seal_all_blocks();
        g.b.finalize(cranelift_codegen::isa::TargetFrontendConfig {
            default_call_conv: CallConv::Fast,
            pointer_width: match target.pointer_type() {
                types::I32 => target_lexicon::PointerWidth::U32,
                _ => target_lexicon::PointerWidth::U64,
            },
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
            self.b.ins().stack_store(self.target.pointer_type(), zero, self.slot, off as i32);
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
            DataValue::F16(x) => self.b.ins().f16const(x),
            DataValue::F128(x) => {
                let c = self.b.func.dfg.constants.insert(x.into());
                self.b.ins().f128const(c)
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

    /// `x`, with any NaN (or NaN lane) replaced by the canonical one. An
    /// f16 or f128 stays as it is: nothing computes on them, so their NaN
    /// payloads are the ones given, and both engines must keep them.
    fn canonical(&mut self, x: Value) -> Value {
        let ty = self.b.func.dfg.value_type(x);
        if ty == types::F16 || ty == types::F128 {
            return x;
        }
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
                    let addr = self.b.ins().func_addr(self.target.pointer_type(), f);
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

    /// One instruction (or a few, for a guarded or compound operation):
    /// a row of the table, inserted.
    fn inst(&mut self) -> Result<()> {
        let row = self.pick_row()?;
        self.used.push(row);
        self.insert(&TABLE[row])
    }

    /// A family by weight, then one of its usable rows.
    fn pick_row(&mut self) -> Result<usize> {
        let total: u32 = self.menu.iter().map(|(weight, _)| weight).sum();
        let mut x = self.u.int_in_range(0..=total - 1)?;
        for (weight, rows) in self.menu {
            if x < *weight {
                return Ok(*self.u.choose(rows)?);
            }
            x -= weight;
        }
        unreachable!("x is below the total weight")
    }

    fn insert(&mut self, row: &Row) -> Result<()> {
        match row.shape {
            Shape::Constant => {
                let c = self.constant(row.results[0])?;
                self.set(c)
            }
            Shape::Call => self.call(false),
            Shape::CallIndirect => self.call(true),
            Shape::Load { access, bytes } => {
                let (p, offset, flags) = self.address(access, row.results[0], bytes)?;
                let data = InstructionData::Load { opcode: row.opcode, arg: p, flags, offset: offset.into() };
                self.emit(data, row)
            }
            Shape::Store { access, bytes } => {
                let x = self.storable(row.args[0])?;
                let (p, offset, flags) = self.address(access, row.args[0], bytes)?;
                let data =
                    InstructionData::Store { opcode: row.opcode, args: [x, p], flags, offset: offset.into() };
                self.emit(data, row)
            }
            _ => {
                let args = row.args.iter().map(|&ty| self.get(ty)).collect::<Result<Vec<_>>>()?;
                let data = self.with_operands(row, &args)?;
                self.emit(data, row)
            }
        }
    }

    /// The instruction of `row` on `a`, with the immediates its shape needs.
    fn with_operands(&mut self, row: &Row, a: &[Value]) -> Result<InstructionData> {
        let opcode = row.opcode;
        Ok(match row.shape {
            Shape::Operands => match opcode.format() {
                InstructionFormat::Unary => InstructionData::Unary { opcode, arg: a[0] },
                InstructionFormat::Binary => InstructionData::Binary { opcode, args: [a[0], a[1]] },
                InstructionFormat::Ternary => InstructionData::Ternary { opcode, args: [a[0], a[1], a[2]] },
                f => panic!("{opcode} has format {f:?}: its row needs another shape"),
            },
            Shape::InvertSecond => {
                let not_b = self.b.ins().bnot(a[1]);
                InstructionData::Binary { opcode, args: [a[0], not_b] }
            }
            Shape::SremGuarded => {
                let b = self.avoid_min_by_minus_one(a[0], a[1]);
                InstructionData::Binary { opcode, args: [a[0], b] }
            }
            Shape::IntCompare(codes) => {
                InstructionData::IntCompare { opcode, args: [a[0], a[1]], cond: *self.u.choose(codes)? }
            }
            Shape::FloatCompare(codes) => {
                InstructionData::FloatCompare { opcode, args: [a[0], a[1]], cond: *self.u.choose(codes)? }
            }
            Shape::Lane => {
                let imm = self.u.int_in_range(0..=row.args[0].lane_count() as u8 - 1)?;
                match opcode.format() {
                    InstructionFormat::BinaryImm8 => InstructionData::BinaryImm8 { opcode, arg: a[0], imm },
                    _ => InstructionData::TernaryImm8 { opcode, args: [a[0], a[1]], imm },
                }
            }
            Shape::Shuffle => {
                // Byte indices into the first operand then the second.
                let mut mask = [0u8; 16];
                for m in &mut mask {
                    *m = self.u.int_in_range(0..=31)?;
                }
                let imm = self.b.func.dfg.immediates.push(mask.to_vec().into());
                InstructionData::Shuffle { opcode, args: [a[0], a[1]], imm }
            }
            Shape::Bitcast => {
                let x = if is_float(row.args[0]) { self.canonical(a[0]) } else { a[0] };
                let flags = if row.args[0].is_vector() { little() } else { MemFlagsData::new() };
                let flags = self.b.func.dfg.mem_flags.insert_unchecked(flags);
                InstructionData::LoadNoOffset { opcode, arg: x, flags }
            }
            Shape::CondTrap => {
                let code = TrapCode::unwrap_user(self.u.int_in_range(1..=9)?);
                InstructionData::CondTrap { opcode, arg: a[0], code }
            }
            Shape::AddTrap => {
                InstructionData::IntAddTrap { opcode, args: [a[0], a[1]], code: TrapCode::INTEGER_OVERFLOW }
            }
            Shape::Constant
            | Shape::Call
            | Shape::CallIndirect
            | Shape::Load { .. }
            | Shape::Store { .. } => {
                unreachable!("inserted without operands")
            }
        })
    }

    /// Insert `data` and store its results in variables.
    fn emit(&mut self, data: InstructionData, row: &Row) -> Result<()> {
        let ctrl = self.ctrl_type(&data, &row.results);
        let (inst, dfg) = self.b.ins().build(data, ctrl);
        let results = dfg.inst_results(inst).to_vec();
        debug_assert_eq!(
            results.iter().map(|&r| dfg.value_type(r)).collect::<Vec<_>>(),
            row.results,
            "{row:?} results"
        );
        for r in results {
            self.set(r)?;
        }
        Ok(())
    }

    /// The controlling type of `data`: its typevar operand's type where
    /// the opcode infers it from there, else its first result's.
    fn ctrl_type(&self, data: &InstructionData, results: &[Type]) -> Type {
        let constraints = data.opcode().constraints();
        if !constraints.is_polymorphic() {
            return types::INVALID;
        }
        let dfg = &self.b.func.dfg;
        match data.typevar_operand(&dfg.value_lists) {
            Some(v) if constraints.use_typevar_operand() => dfg.value_type(v),
            _ => results[0],
        }
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

    /// The address, offset and flags of an access of `bytes` of type `ty`
    /// to the slot.
    fn address(&mut self, access: Access, ty: Type, bytes: u32) -> Result<(Value, i32, MemFlags)> {
        let off = self.offset(bytes)?;
        let ptr = self.target.pointer_type();
        let (p, off, flags) = match access {
            // What `stack_load` and `stack_store` expand to.
            Access::Stack => {
                (self.b.ins().stack_addr(ptr, self.slot, off), 0, MemFlagsData::new().with_notrap())
            }
            Access::Ordered => {
                let mut flags = MemFlagsData::trusted();
                let order = [Endianness::Big, Endianness::Little];
                flags.set_endianness(*self.u.choose(&order)?);
                (self.b.ins().stack_addr(ptr, self.slot, 0), off, flags)
            }
            Access::Native => {
                let mut flags = MemFlagsData::trusted();
                // cranelift-interpreter 0.135 reverses a big-endian vector
                // whole (see the module doc): not CLIF's meaning, so vectors
                // are accessed little-endian on big-endian targets.
                if ty.is_vector() && self.target.big_endian() {
                    flags.set_endianness(Endianness::Little);
                }
                (self.b.ins().stack_addr(ptr, self.slot, 0), off, flags)
            }
        };
        Ok((p, off, self.b.func.dfg.mem_flags.insert_unchecked(flags)))
    }

    fn call(&mut self, indirect: bool) -> Result<()> {
        let (f, sig) = self.callees[self.u.choose_index(self.callees.len())?].clone();
        let args = sig.params.iter().map(|p| self.get(p.value_type)).collect::<Result<Vec<_>>>()?;
        let call = if indirect {
            let sig_ref = self.b.import_signature(sig);
            let addr = self.b.ins().func_addr(self.target.pointer_type(), f);
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
}

/// The types functions keep variables of.
fn var_types() -> impl Iterator<Item = Type> {
    SCALARS.iter().copied().chain(VECS)
}

/// The menus of functions without and with functions to call.
static MENUS: LazyLock<(Menu, Menu)> = LazyLock::new(|| (menu(false), menu(true)));

/// Rows a function can use, grouped by family with the family's weight.
type Menu = Vec<(u32, Vec<usize>)>;

/// The rows whose types all have variables, and calls only where there is
/// a function to call.
fn menu(has_callees: bool) -> Menu {
    let var_types: Vec<Type> = var_types().collect();
    let mut menu: Menu = FAMILIES.iter().map(|f| (f.1, Vec::new())).collect();
    for (i, row) in TABLE.iter().enumerate() {
        let is_call = matches!(row.shape, Shape::Call | Shape::CallIndirect);
        if row.args.iter().chain(&row.results).all(|ty| var_types.contains(ty)) && (has_callees || !is_call) {
            let family = FAMILIES.iter().position(|f| f.0 == row.family).expect("every family is listed");
            menu[family].1.push(i);
        }
    }
    menu.retain(|(_, rows)| !rows.is_empty());
    menu
}
