//! The same client code, generic over `M: cranelift_module::Module`, on
//! `SheaveModule` and on cranelift-jit's `JITModule`: recursion, data
//! objects read-only and writable, relocations of function and data
//! addresses in data, calls through a table of function pointers, libc,
//! and functions defined after a first finalization calling earlier ones.
//! Both must agree. Then what `SheaveModule` refuses, with errors.

use cranelift_codegen::Context;
use cranelift_codegen::ir::{AbiParam, InstBuilder, MemFlagsData, Signature, condcodes::IntCC, types};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{
    DataDescription, DataId, FuncId, Linkage, Module, ModuleError, default_libcall_names,
};
use sheave_module::{SheaveBuilder, SheaveModule};

/// What differs between the two: finalizing and getting pointers.
trait Finalize: Module {
    fn finalize(&mut self);
    fn function(&self, id: FuncId) -> *const u8;
    fn data(&self, id: DataId) -> (*const u8, usize);
}

impl Finalize for SheaveModule {
    fn finalize(&mut self) {
        self.finalize_definitions().unwrap();
    }
    fn function(&self, id: FuncId) -> *const u8 {
        self.get_finalized_function(id)
    }
    fn data(&self, id: DataId) -> (*const u8, usize) {
        self.get_finalized_data(id)
    }
}

impl Finalize for JITModule {
    fn finalize(&mut self) {
        self.finalize_definitions().unwrap();
    }
    fn function(&self, id: FuncId) -> *const u8 {
        self.get_finalized_function(id)
    }
    fn data(&self, id: DataId) -> (*const u8, usize) {
        self.get_finalized_data(id)
    }
}

fn sig<M: Module>(m: &M, params: &[types::Type], returns: &[types::Type]) -> Signature {
    let mut s = m.make_signature();
    s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
    s.returns.extend(returns.iter().map(|t| AbiParam::new(*t)));
    s
}

/// Define function `id` with `body(builder, module, params) -> results`.
fn define<M: Module>(
    m: &mut M,
    id: FuncId,
    signature: Signature,
    body: impl FnOnce(
        &mut FunctionBuilder,
        &mut M,
        &[cranelift_codegen::ir::Value],
    ) -> Vec<cranelift_codegen::ir::Value>,
) {
    let config = m.target_config();
    let mut ctx = Context::new();
    ctx.func.signature = signature;
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let results = body(&mut b, m, &params);
    b.ins().return_(&results);
    b.seal_all_blocks();
    b.finalize(config);
    m.define_function(id, &mut ctx).unwrap();
}

/// A data object of the host's, imported by name.
static MAGIC: i64 = 4242;

struct Program {
    read_magic: FuncId,
    fib: FuncId,
    greeting_len: FuncId,
    bump: FuncId,
    apply_table: FuncId,
    tail_len: FuncId,
    fma: FuncId,
    counter: DataId,
    greeting: DataId,
}

/// The client code: what a cranelift-jit user writes.
fn define_program<M: Module>(m: &mut M) -> Program {
    use types::{F64, I64};
    let i64_i64 = sig(m, &[I64], &[I64]);
    let fib = m.declare_function("fib", Linkage::Export, &i64_i64).unwrap();
    define(m, fib, i64_i64.clone(), |b, m, p| {
        let callee = m.declare_func_in_func(fib, b.func);
        let (recurse, done) = (b.create_block(), b.create_block());
        b.append_block_param(done, I64);
        let small = b.ins().icmp_imm_s(IntCC::SignedLessThan, p[0], 2);
        b.ins().brif(small, done, &[p[0].into()], recurse, &[]);
        b.switch_to_block(recurse);
        let n1 = b.ins().iadd_imm_s(p[0], -1);
        let n2 = b.ins().iadd_imm_s(p[0], -2);
        let c1 = b.ins().call(callee, &[n1]);
        let r1 = b.inst_results(c1)[0];
        let c2 = b.ins().call(callee, &[n2]);
        let r2 = b.inst_results(c2)[0];
        let sum = b.ins().iadd(r1, r2);
        b.ins().jump(done, &[sum.into()]);
        b.switch_to_block(done);
        vec![b.block_params(done)[0]]
    });

    // Read-only data and libc's strlen.
    let greeting = m.declare_data("greeting", Linkage::Local, false, false).unwrap();
    let mut data = DataDescription::new();
    data.define(b"hello, sheave\0".to_vec().into_boxed_slice());
    m.define_data(greeting, &data).unwrap();
    let strlen = m.declare_function("strlen", Linkage::Import, &i64_i64).unwrap();
    let greeting_len = m.declare_function("greeting_len", Linkage::Export, &sig(m, &[], &[I64])).unwrap();
    define(m, greeting_len, sig(m, &[], &[I64]), |b, m, _| {
        let gv = m.declare_data_in_func(greeting, b.func);
        let addr = b.ins().symbol_value(I64, gv);
        let f = m.declare_func_in_func(strlen, b.func);
        let call = b.ins().call(f, &[addr]);
        vec![b.inst_results(call)[0]]
    });

    // Writable data: state kept between calls.
    let counter = m.declare_data("counter", Linkage::Export, true, false).unwrap();
    let mut data = DataDescription::new();
    data.define_zeroinit(8);
    data.set_align(8);
    m.define_data(counter, &data).unwrap();
    let bump = m.declare_function("bump", Linkage::Export, &i64_i64).unwrap();
    define(m, bump, i64_i64.clone(), |b, m, p| {
        let gv = m.declare_data_in_func(counter, b.func);
        let addr = b.ins().symbol_value(I64, gv);
        let old = b.ins().load(I64, MemFlagsData::trusted(), addr, 0);
        let new = b.ins().iadd(old, p[0]);
        b.ins().store(MemFlagsData::trusted(), new, addr, 0);
        vec![new]
    });

    // A table of function pointers (relocations in data), called through.
    let double = m.declare_function("double", Linkage::Local, &i64_i64).unwrap();
    define(m, double, i64_i64.clone(), |b, _, p| vec![b.ins().iadd(p[0], p[0])]);
    let square = m.declare_function("square", Linkage::Local, &i64_i64).unwrap();
    define(m, square, i64_i64.clone(), |b, _, p| vec![b.ins().imul(p[0], p[0])]);
    let table = m.declare_data("table", Linkage::Local, false, false).unwrap();
    let mut data = DataDescription::new();
    data.define_zeroinit(16);
    data.set_align(8);
    let d = m.declare_func_in_data(double, &mut data);
    let s = m.declare_func_in_data(square, &mut data);
    data.write_function_addr(0, d);
    data.write_function_addr(8, s);
    m.define_data(table, &data).unwrap();
    let apply_table =
        m.declare_function("apply_table", Linkage::Export, &sig(m, &[I64, I64], &[I64])).unwrap();
    define(m, apply_table, sig(m, &[I64, I64], &[I64]), |b, m, p| {
        let gv = m.declare_data_in_func(table, b.func);
        let base = b.ins().symbol_value(I64, gv);
        let offset = b.ins().ishl_imm_s(p[0], 3);
        let slot = b.ins().iadd(base, offset);
        let f = b.ins().load(I64, MemFlagsData::trusted(), slot, 0);
        let s = b.import_signature(sig(m, &[I64], &[I64]));
        let call = b.ins().call_indirect(s, f, &[p[1]]);
        vec![b.inst_results(call)[0]]
    });

    // A data address in data: a pointer into `greeting` ("sheave").
    let tail = m.declare_data("tail", Linkage::Local, false, false).unwrap();
    let mut data = DataDescription::new();
    data.define_zeroinit(8);
    data.set_align(8);
    let g = m.declare_data_in_data(greeting, &mut data);
    data.write_data_addr(0, g, 7);
    m.define_data(tail, &data).unwrap();
    let tail_len = m.declare_function("tail_len", Linkage::Export, &sig(m, &[], &[I64])).unwrap();
    define(m, tail_len, sig(m, &[], &[I64]), |b, m, _| {
        let gv = m.declare_data_in_func(tail, b.func);
        let addr = b.ins().symbol_value(I64, gv);
        let ptr = b.ins().load(I64, MemFlagsData::trusted(), addr, 0);
        let f = m.declare_func_in_func(strlen, b.func);
        let call = b.ins().call(f, &[ptr]);
        vec![b.inst_results(call)[0]]
    });

    // Floats.
    let fma = m.declare_function("fma", Linkage::Export, &sig(m, &[F64, F64, F64], &[F64])).unwrap();
    define(m, fma, sig(m, &[F64, F64, F64], &[F64]), |b, _, p| {
        let prod = b.ins().fmul(p[0], p[1]);
        vec![b.ins().fadd(prod, p[2])]
    });
    // Imported data: the host's `MAGIC`, by name.
    let magic = m.declare_data("magic", Linkage::Import, false, false).unwrap();
    let read_magic = m.declare_function("read_magic", Linkage::Export, &sig(m, &[], &[I64])).unwrap();
    define(m, read_magic, sig(m, &[], &[I64]), |b, m, _| {
        let gv = m.declare_data_in_func(magic, b.func);
        let addr = b.ins().symbol_value(I64, gv);
        vec![b.ins().load(I64, MemFlagsData::trusted(), addr, 0)]
    });
    Program { read_magic, fib, greeting_len, bump, apply_table, tail_len, fma, counter, greeting }
}

/// A function defined after the first finalization, calling an earlier one.
fn define_later<M: Module>(m: &mut M, fib: FuncId) -> FuncId {
    use types::I64;
    let s = sig(m, &[I64], &[I64]);
    let fib_plus = m.declare_function("fib_plus", Linkage::Export, &s).unwrap();
    define(m, fib_plus, s, |b, m, p| {
        let f = m.declare_func_in_func(fib, b.func);
        let call = b.ins().call(f, &[p[0]]);
        let r = b.inst_results(call)[0];
        vec![b.ins().iadd_imm_s(r, 1000)]
    });
    fib_plus
}

/// Run the program on `m`, as client code does: through C pointers.
fn run<M: Finalize>(m: &mut M) -> Vec<String> {
    let p = define_program(m);
    m.finalize();
    let mut out = Vec::new();
    // SAFETY: each pointer is a finalized function of the signature it is
    // cast to, in the C ABI (for both modules).
    unsafe {
        let fib: extern "C" fn(i64) -> i64 = std::mem::transmute(m.function(p.fib));
        out.push(format!("fib(20) = {}", fib(20)));
        let greeting_len: extern "C" fn() -> i64 = std::mem::transmute(m.function(p.greeting_len));
        out.push(format!("greeting_len() = {}", greeting_len()));
        let bump: extern "C" fn(i64) -> i64 = std::mem::transmute(m.function(p.bump));
        out.push(format!("bump: {} {} {}", bump(5), bump(10), bump(-1)));
        let apply: extern "C" fn(i64, i64) -> i64 = std::mem::transmute(m.function(p.apply_table));
        out.push(format!("table: {} {}", apply(0, 21), apply(1, 12)));
        let tail_len: extern "C" fn() -> i64 = std::mem::transmute(m.function(p.tail_len));
        out.push(format!("tail_len() = {}", tail_len()));
        let fma: extern "C" fn(f64, f64, f64) -> f64 = std::mem::transmute(m.function(p.fma));
        out.push(format!("fma = {}", fma(1.5, 4.0, 0.25)));
        let read_magic: extern "C" fn() -> i64 = std::mem::transmute(m.function(p.read_magic));
        out.push(format!("magic = {}", read_magic()));
    }
    let (counter, size) = m.data(p.counter);
    // SAFETY: `counter` is 8 bytes, aligned, written by `bump`.
    out.push(format!("counter = {} ({size} bytes)", unsafe { *counter.cast::<i64>() }));
    let (greeting, size) = m.data(p.greeting);
    // SAFETY: `greeting` is `size` bytes.
    out.push(format!("greeting = {:?}", unsafe { std::slice::from_raw_parts(greeting, size) }));
    // Incremental: new code calling old, old pointers still good.
    let fib_plus = define_later(m, p.fib);
    m.finalize();
    // SAFETY: as above.
    unsafe {
        let fib_plus: extern "C" fn(i64) -> i64 = std::mem::transmute(m.function(fib_plus));
        out.push(format!("fib_plus(10) = {}", fib_plus(10)));
        let bump: extern "C" fn(i64) -> i64 = std::mem::transmute(m.function(p.bump));
        out.push(format!("bump after = {}", bump(100)));
    }
    out
}

#[test]
fn sheave_module_agrees_with_cranelift_jit() {
    let magic = &MAGIC as *const i64 as *const u8;
    let mut builder = JITBuilder::new(default_libcall_names()).unwrap();
    builder.symbol("magic", magic);
    let mut jit = JITModule::new(builder);
    let expected = run(&mut jit);
    let mut builder = SheaveBuilder::new(default_libcall_names()).unwrap();
    builder.symbol("magic", magic);
    let mut sheave = SheaveModule::new(builder);
    let got = run(&mut sheave);
    assert_eq!(got, expected);
    assert_eq!(got[0], "fib(20) = 6765");
    assert_eq!(got[2], "bump: 5 15 14");
    assert_eq!(got[3], "table: 42 144");
    assert_eq!(got[4], "tail_len() = 6");
    assert_eq!(got[6], "magic = 4242");
    assert_eq!(got[9], "fib_plus(10) = 1055");
    assert_eq!(got[10], "bump after = 114");
    // The address of the host's data, as the JIT gives it.
    let target = cranelift_module::ModuleRelocTarget::user(1, 4);
    assert_eq!(sheave.get_address(&target), jit.get_address(&target));
    assert_eq!(sheave.get_address(&target), magic);
    // An id nothing declared is null, not a panic.
    assert!(sheave.get_address(&cranelift_module::ModuleRelocTarget::user(1, 99)).is_null());
    // SAFETY: no pointer of either module is used after this.
    unsafe {
        sheave.free_memory();
        jit.free_memory();
    }
}

#[test]
fn typed_entry_points_and_host_closures() {
    use types::I64;
    let mut builder = SheaveBuilder::new(default_libcall_names()).unwrap();
    builder.func_wrap("triple", |x: i64| x * 3).unwrap();
    let mut m = SheaveModule::new(builder);
    let s = sig(&m, &[I64], &[I64]);
    let triple = m.declare_function("triple", Linkage::Import, &s).unwrap();
    let f = m.declare_function("f", Linkage::Export, &s).unwrap();
    define(&mut m, f, s.clone(), |b, m, p| {
        let callee = m.declare_func_in_func(triple, b.func);
        let call = b.ins().call(callee, &[p[0]]);
        let r = b.inst_results(call)[0];
        vec![b.ins().iadd_imm_s(r, 1)]
    });
    // Two results: no C pointer, but a typed handle.
    let two = m.declare_function("two", Linkage::Export, &sig(&m, &[I64], &[I64, I64])).unwrap();
    let two_sig = sig(&m, &[I64], &[I64, I64]);
    define(&mut m, two, two_sig, |b, _, p| vec![p[0], b.ins().ineg(p[0])]);
    // A trap, seen through a pointer and through a typed handle.
    let div = m.declare_function("div", Linkage::Export, &sig(&m, &[I64, I64], &[I64])).unwrap();
    let div_sig = sig(&m, &[I64, I64], &[I64]);
    define(&mut m, div, div_sig, |b, _, p| vec![b.ins().sdiv(p[0], p[1])]);
    // Anonymous function and data.
    let anon_data = m.declare_anonymous_data(false, false).unwrap();
    let mut data = DataDescription::new();
    data.define(7i64.to_ne_bytes().to_vec().into_boxed_slice());
    data.set_align(8);
    m.define_data(anon_data, &data).unwrap();
    let anon = m.declare_anonymous_function(&s).unwrap();
    define(&mut m, anon, s.clone(), |b, m, p| {
        let gv = m.declare_data_in_func(anon_data, b.func);
        let addr = b.ins().symbol_value(I64, gv);
        let seven = b.ins().load(I64, MemFlagsData::trusted(), addr, 0);
        vec![b.ins().imul(p[0], seven)]
    });
    m.finalize_definitions().unwrap();
    // SAFETY: `anon` is (i64) -> i64.
    let anon: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(m.get_finalized_function(anon)) };
    assert_eq!(anon(6), 42);
    let typed = m.get_typed_func::<i64, i64>(f).unwrap();
    assert_eq!(typed.call(&mut m, 4).unwrap(), 13);
    assert!(m.get_finalized_function(two).is_null());
    let two = m.get_typed_func::<i64, (i64, i64)>(two).unwrap();
    assert_eq!(two.call(&mut m, 7).unwrap(), (7, -7));
    assert!(matches!(m.get_typed_func::<i64, i64>(FuncId::from_u32(99)), Err(ModuleError::Undeclared(_))));
    assert!(m.get_finalized_function(FuncId::from_u32(99)).is_null());
    let e = m.get_typed_func::<i64, i64>(div).err().unwrap();
    assert!(e.to_string().contains("`div`"), "{e}");
    let typed_div = m.get_typed_func::<(i64, i64), i64>(div).unwrap();
    let trap = typed_div.call(&mut m, (1, 0)).unwrap_err();
    assert!(trap.to_string().contains("int_divz"), "{trap}");
    // SAFETY: `div` is (i64, i64) -> i64.
    let div: extern "C" fn(i64, i64) -> i64 = unsafe { std::mem::transmute(m.get_finalized_function(div)) };
    assert_eq!(div(7, 2), 3);
    assert_eq!(div(1, 0), 0, "a trapping call returns zero");
    let trap = m.take_trap().expect("the trap is kept");
    assert!(trap.to_string().contains("int_divz"), "{trap}");
    assert!(m.take_trap().is_none());
}

#[test]
fn what_it_refuses_is_an_error() {
    use types::I64;
    let mut m = SheaveModule::new(SheaveBuilder::new(default_libcall_names()).unwrap());
    let s = sig(&m, &[I64], &[I64]);
    let f = m.declare_function("f", Linkage::Export, &s).unwrap();
    let e = m.define_function_bytes(f, 1, &[0xc3], &[]).unwrap_err();
    assert!(e.to_string().contains("cannot take machine code"), "{e}");
    let import = m.declare_function("imported", Linkage::Import, &s).unwrap();
    let mut ctx = Context::new();
    ctx.func.signature = s.clone();
    assert!(matches!(m.define_function(import, &mut ctx), Err(ModuleError::InvalidImportDefinition(_))));
    define(&mut m, f, s.clone(), |_, _, p| vec![p[0]]);
    let mut ctx = Context::new();
    ctx.func.signature = s.clone();
    assert!(matches!(m.define_function(f, &mut ctx), Err(ModuleError::DuplicateDefinition(_))));
    let g = m.declare_function("g", Linkage::Export, &s).unwrap();
    let mut ctx = Context::new();
    ctx.func.signature = sig(&m, &[], &[]);
    assert!(matches!(m.define_function(g, &mut ctx), Err(ModuleError::IncompatibleSignature(..))));
    assert!(m.declare_data("t", Linkage::Export, true, true).is_err(), "TLS is refused");
    let d = m.declare_data("d", Linkage::Export, true, false).unwrap();
    let e = m.define_data(d, &DataDescription::new()).unwrap_err();
    assert!(e.to_string().contains("has no contents"), "{e}");
    // A call of a function with no symbol anywhere: the finalization says which.
    let missing = m.declare_function("no_such_symbol_anywhere", Linkage::Import, &s).unwrap();
    define(&mut m, g, s.clone(), |b, m, p| {
        let callee = m.declare_func_in_func(missing, b.func);
        let call = b.ins().call(callee, &[p[0]]);
        vec![b.inst_results(call)[0]]
    });
    let e = m.finalize_definitions().unwrap_err();
    assert!(format!("{e:?}").contains("no_such_symbol_anywhere"), "{e:?}");
}
