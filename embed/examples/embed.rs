//! Embedding Sheave: build a CLIF function with `cranelift-frontend`,
//! compile it to a Sheave module, link it to a Rust host function, and call
//! it with typed arguments; then watch a trap come back as a value.
//!
//! ```sh
//! cargo run --release -p sheave-codegen --example embed
//! ```

use cranelift_codegen::ir::{
    AbiParam, ExtFuncData, ExternalName, Function, InstBuilder, MemFlagsData, Signature, UserFuncName,
    condcodes::IntCC, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use sheave_codegen::{Target, compile_module};
use sheave_embed::{Caller, HostBuffer, Linker};

/// `weighted_sum(data: *const i32, len: i64, weight: f64) -> f64`: the sum
/// of `data[i] * weight`, reporting each partial sum to the host function
/// `report(i: i64, partial: f64)`; and `average(total: i64, count: i64)`,
/// which traps (`int_divz`) when `count` is 0.
fn build(target: &Target) -> Vec<Function> {
    let mut sig = Signature::new(CallConv::Fast);
    sig.params.extend([AbiParam::new(types::I64), AbiParam::new(types::I64), AbiParam::new(types::F64)]);
    sig.returns.push(AbiParam::new(types::F64));
    let mut func = Function::with_name_signature(UserFuncName::testcase("weighted_sum"), sig);
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut ctx);

    let mut report_sig = Signature::new(CallConv::Fast);
    report_sig.params.extend([AbiParam::new(types::I64), AbiParam::new(types::F64)]);
    let report_sig = b.import_signature(report_sig);
    let report = b.import_function(ExtFuncData {
        // Bound by name to the linker's `report`.
        name: ExternalName::testcase("report"),
        signature: report_sig,
        colocated: false,
        patchable: false,
    });

    let entry = b.create_block();
    let header = b.create_block();
    let body = b.create_block();
    let exit = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.append_block_param(header, types::I64); // i
    b.append_block_param(header, types::F64); // acc
    b.append_block_param(exit, types::F64);

    b.switch_to_block(entry);
    let [data, len, weight] = b.block_params(entry).try_into().unwrap();
    let zero = b.ins().iconst(types::I64, 0);
    let fzero = b.ins().f64const(0.0);
    b.ins().jump(header, &[zero.into(), fzero.into()]);

    b.switch_to_block(header);
    let [i, acc] = b.block_params(header).try_into().unwrap();
    let more = b.ins().icmp(IntCC::SignedLessThan, i, len);
    b.ins().brif(more, body, &[], exit, &[acc.into()]);

    b.switch_to_block(body);
    let four = b.ins().iconst(types::I64, 4);
    let offset = b.ins().imul(i, four);
    let addr = b.ins().iadd(data, offset);
    let x = b.ins().load(types::I32, MemFlagsData::trusted(), addr, 0);
    let x = b.ins().fcvt_from_sint(types::F64, x);
    let acc = b.ins().fma(x, weight, acc);
    b.ins().call(report, &[i, acc]);
    let next = b.ins().iadd_imm_s(i, 1);
    b.ins().jump(header, &[next.into(), acc.into()]);

    b.switch_to_block(exit);
    let result = b.block_params(exit)[0];
    b.ins().return_(&[result]);
    b.seal_all_blocks();
    b.finalize(target.frontend_config());

    let mut sig = Signature::new(CallConv::Fast);
    sig.params.extend([AbiParam::new(types::I64), AbiParam::new(types::I64)]);
    sig.returns.push(AbiParam::new(types::I64));
    let mut average = Function::with_name_signature(UserFuncName::testcase("average"), sig);
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut average, &mut ctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let [total, count] = b.block_params(entry).try_into().unwrap();
    let q = b.ins().sdiv(total, count);
    b.ins().return_(&[q]);
    b.seal_all_blocks();
    b.finalize(target.frontend_config());

    vec![func, average]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Compile for a 64-bit little-endian host. The module could be written
    // to a `.shv` file (`module.to_bytes()`) and run where only
    // `sheave-interp` is available.
    let target = Target::default_64();
    let module = compile_module(&build(&target), &target)?;
    println!(
        "compiled {} functions, {} bytes of bytecode, imports: {:?}",
        module.functions().len(),
        module.code().len(),
        module.imports().iter().map(|i| &i.name).collect::<Vec<_>>()
    );

    // The host function keeps what it is told in the instance's data.
    let mut linker = Linker::<Vec<(i64, f64)>>::new();
    linker.func_wrap("report", |mut caller: Caller<'_, Vec<(i64, f64)>>, i: i64, partial: f64| {
        caller.data_mut().push((i, partial));
    })?;
    // SAFETY: the code reads only `data`, which outlives every call below,
    // within the length it is given.
    let mut instance = unsafe { linker.instantiate(&module, Vec::new()) }?;

    // Guest memory is the embedder's: four i32s in a host buffer.
    let mut data = HostBuffer::new(16)?;
    for (k, v) in [3, 1, 4, 1].into_iter().enumerate() {
        data.write_i32(4 * k, v)?;
    }

    // Signature checked once; the call itself moves values straight into registers.
    let weighted_sum = instance.get_typed_func::<(u64, i64, f64), f64>("weighted_sum")?;
    let sum = weighted_sum.call(&mut instance, (data.addr(), 4, 0.5))?;
    println!("weighted_sum = {sum}");
    println!("reports: {:?}", instance.data());
    assert_eq!(sum, 4.5);

    // Traps are values, with the CLIF trap code and a guest backtrace.
    let average = instance.get_typed_func::<(i64, i64), i64>("average")?;
    println!("average(10, 4) = {}", average.call(&mut instance, (10, 4))?);
    match average.call(&mut instance, (10, 0)) {
        Ok(v) => println!("unexpected: {v}"),
        Err(trap) => println!("average(10, 0): {trap:#}"),
    }

    // Misuse is an error, not a panic.
    if let Err(e) = instance.get_typed_func::<i32, i32>("average") {
        println!("wrong signature: {e}");
    }
    Ok(())
}
