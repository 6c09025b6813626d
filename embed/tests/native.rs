//! Native interop: guest code calling a C library built by the tests
//! (`filetests/native/sheave_native_test.c`) and libc, with every scalar
//! type, stack arguments, structs by value, and guest callbacks called by
//! C (libc's `qsort` included), nested and trapping.

use sheave_codegen::compile_clif;
use sheave_embed::{Caller, Error, HostBuffer, Instance, Linker, NativeSignature, NativeType, TrapCode};
use sheave_filetests::native_test_library;

/// A linker binding from the test library, then the process.
fn native_linker<T>() -> Linker<T> {
    let mut linker = Linker::new();
    // SAFETY: the test library's functions have the signatures the test
    // programs declare for them; its initializers do nothing.
    unsafe { linker.native_library(native_test_library()) }.unwrap();
    linker.native_process().unwrap();
    linker
}

fn instantiate<T>(linker: &Linker<T>, clif: &str, data: T) -> Instance<T> {
    let module = compile_clif(clif).unwrap();
    // SAFETY: the programs only touch their stack slots and the buffers
    // the tests pass, and the C functions they call are declared with
    // their C signatures.
    unsafe { linker.instantiate(&module, data) }.unwrap()
}

fn instantiate_err<T>(linker: &Linker<T>, clif: &str, data: T) -> Error {
    let module = compile_clif(clif).unwrap();
    // SAFETY: nothing runs; instantiation fails.
    match unsafe { linker.instantiate(&module, data) } {
        Ok(_) => panic!("instantiation should fail"),
        Err(e) => e,
    }
}

/// A guest function `%t_NAME(i64) -> i64` calling C function `NAME`
/// with CLIF type `ty` (and extension `ext`), narrowing its argument and
/// widening its result with `widen`.
fn scalar_caller(name: &str, ty: &str, ext: &str, widen: &str) -> String {
    let (narrow, wide) = match ty {
        "i64" => (String::new(), "v2".to_string()),
        _ => (format!("v1 = ireduce.{ty} v0\n"), format!("v3 = {widen}.i64 v2\n    return v3")),
    };
    let arg = if ty == "i64" { "v0" } else { "v1" };
    let ret = if ty == "i64" { "return v2".to_string() } else { wide.clone() };
    format!(
        "function %t_{name}(i64) -> i64 {{\n    fn0 = %{name}({ty}{ext}) -> {ty}{ext}\nblock0(v0: i64):\n    {narrow}    v2 = call fn0({arg})\n    {ret}\n}}\n"
    )
}

#[test]
fn every_integer_type_as_argument_and_result() {
    let mut clif = String::new();
    for (name, ty, ext, widen) in [
        ("neg_i8", "i8", " sext", "sextend"),
        ("inc_u8", "i8", " uext", "uextend"),
        ("neg_i16", "i16", " sext", "sextend"),
        ("inc_u16", "i16", " uext", "uextend"),
        ("neg_i32", "i32", " sext", "sextend"),
        ("inc_u32", "i32", " uext", "uextend"),
        ("neg_i64", "i64", "", ""),
        ("inc_u64", "i64", "", ""),
    ] {
        clif += &scalar_caller(name, ty, ext, widen);
    }
    let mut instance = instantiate(&native_linker(), &clif, ());
    let mut call = |name: &str, x: i64| {
        let f = instance.get_typed_func::<i64, i64>(&format!("t_{name}")).unwrap();
        f.call(&mut instance, x).unwrap()
    };
    assert_eq!(call("neg_i8", 5), -5);
    assert_eq!(call("neg_i8", -128), -128);
    assert_eq!(call("inc_u8", 7), 8);
    assert_eq!(call("inc_u8", 255), 0);
    assert_eq!(call("neg_i16", 300), -300);
    assert_eq!(call("inc_u16", 65535), 0);
    assert_eq!(call("neg_i32", -7), 7);
    assert_eq!(call("inc_u32", 0xffff_fffe), 0xffff_ffff);
    assert_eq!(call("neg_i64", i64::MIN + 1), i64::MAX);
    assert_eq!(call("inc_u64", -1), 0);
}

#[test]
fn narrow_arguments_arrive_extended_as_their_c_type() {
    // `sext`/`uext` choose the C type (int8_t / uint8_t), which the C
    // callee sees widened by its own rules.
    let clif = r#"
function %t_widen_i8(i32) -> i32 {
    fn0 = %widen_i8(i8 sext) -> i32
block0(v0: i32):
    v1 = ireduce.i8 v0
    v2 = call fn0(v1)
    return v2
}
function %t_widen_u8(i32) -> i32 {
    fn0 = %widen_u8(i8 uext) -> i32
block0(v0: i32):
    v1 = ireduce.i8 v0
    v2 = call fn0(v1)
    return v2
}
function %t_widen_i16(i32) -> i32 {
    fn0 = %widen_i16(i16 sext) -> i32
block0(v0: i32):
    v1 = ireduce.i16 v0
    v2 = call fn0(v1)
    return v2
}
"#;
    let mut instance = instantiate(&native_linker(), clif, ());
    for (name, arg, expected) in
        [("widen_i8", 0xff, -1), ("widen_u8", 0x1ff, 255), ("widen_i16", 0x8000, -32768)]
    {
        let f = instance.get_typed_func::<i32, i32>(&format!("t_{name}")).unwrap();
        assert_eq!(f.call(&mut instance, arg).unwrap(), expected, "{name}");
    }
}

#[test]
fn floats_and_void() {
    let clif = r#"
function %t_floats(f32, f64) -> f64 {
    fn0 = %half_f32(f32) -> f32
    fn1 = %half_f64(f64) -> f64
    fn2 = %nothing()
block0(v0: f32, v1: f64):
    v2 = call fn0(v0)
    v3 = call fn1(v1)
    call fn2()
    v4 = fpromote.f64 v2
    v5 = fadd v4, v3
    return v5
}
"#;
    let mut instance = instantiate(&native_linker(), clif, ());
    let f = instance.get_typed_func::<(f32, f64), f64>("t_floats").unwrap();
    assert_eq!(f.call(&mut instance, (3.0, 5.0)).unwrap(), 4.0);
}

#[test]
fn more_arguments_than_native_registers() {
    // Ten integers (of four widths) and ten floats, interleaved: some go
    // on the native stack on every common ABI.
    let clif = r#"
function %t_mixed20() -> f64 {
    fn0 = %mixed20(i64, f64, i32, f64, i64, f64, i8 sext, f64, i64, f64, i16 uext, f64, i64, f64, i64, f32, i64, f64, i64, f64) -> f64
block0:
    v0 = iconst.i64 1
    v1 = f64const 0x1.0p0
    v2 = iconst.i32 -2
    v3 = f64const 0x1.0p1
    v4 = iconst.i64 3
    v5 = f64const 0x1.0p2
    v6 = iconst.i8 -4
    v7 = f64const 0x1.0p3
    v8 = iconst.i64 5
    v9 = f64const 0x1.0p4
    v10 = iconst.i16 60000
    v11 = f64const 0x1.0p5
    v12 = iconst.i64 7
    v13 = f64const 0x1.0p6
    v14 = iconst.i64 8
    v15 = f32const 0x1.0p7
    v16 = iconst.i64 9
    v17 = f64const 0x1.0p8
    v18 = iconst.i64 10
    v19 = f64const 0x1.0p9
    v20 = call fn0(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19)
    return v20
}
"#;
    let mut instance = instantiate(&native_linker(), clif, ());
    let f = instance.get_typed_func::<(), f64>("t_mixed20").unwrap();
    let ints: i64 = 1 - 2 * 2 + 3 * 3 - 4 * 4 + 5 * 5 + 6 * 60000 + 7 * 7 + 8 * 8 + 9 * 9 + 10 * 10;
    assert_eq!(f.call(&mut instance, ()).unwrap(), ints as f64 + 10.0);
}

/// The address of `name` in the test library.
fn test_symbol(name: &str) -> *const std::ffi::c_void {
    // SAFETY: the test library's initializers do nothing; the handle is
    // leaked so the address stays valid for the test's life.
    let library = Box::leak(Box::new(unsafe { libloading::Library::new(native_test_library()) }.unwrap()));
    // SAFETY: only the address is read.
    *unsafe { library.get::<*const std::ffi::c_void>(name.as_bytes()) }.unwrap()
}

#[test]
fn structs_by_value_both_ways() -> Result<(), Box<dyn std::error::Error>> {
    use NativeType::{F64, I32, I64};
    let pair = NativeType::Struct(vec![I64, F64]);
    let big = NativeType::Struct(vec![I64, I64, I64, I64, I32]);
    assert_eq!(big.layout(), (40, 8));
    let mut linker = Linker::<()>::new();
    // SAFETY: these are the C signatures of these functions.
    unsafe {
        linker.func_native(
            "pair_sum",
            test_symbol("pair_sum"),
            NativeSignature::new([pair.clone()], Some(F64)),
        )?;
        linker.func_native(
            "make_pair",
            test_symbol("make_pair"),
            NativeSignature::new([I64, F64], Some(pair)),
        )?;
        linker.func_native(
            "big_sum",
            test_symbol("big_sum"),
            NativeSignature::new([big.clone()], Some(I64)),
        )?;
        linker.func_native("make_big", test_symbol("make_big"), NativeSignature::new([I64], Some(big)))?;
    }
    let clif = r#"
function %t_pair(i64, f64) -> f64 {
    ss0 = explicit_slot 16
    ss1 = explicit_slot 16
    fn0 = %pair_sum(i64 sarg(16)) -> f64
    fn1 = %make_pair(i64 sret, i64, f64)
block0(v0: i64, v1: f64):
    ; make_pair(a, b) into ss1, then pair_sum of a copy with a doubled.
    v2 = stack_addr.i64 ss1
    call fn1(v2, v0, v1)
    v3 = load.i64 v2
    v4 = load.f64 v2+8
    v5 = iadd v3, v3
    v6 = stack_addr.i64 ss0
    store v5, v6
    store v4, v6+8
    v7 = call fn0(v6)
    return v7
}
function %t_big(i64) -> i64 {
    ss0 = explicit_slot 40
    fn0 = %big_sum(i64 sarg(40)) -> i64
    fn1 = %make_big(i64 sret, i64)
block0(v0: i64):
    v1 = stack_addr.i64 ss0
    call fn1(v1, v0)
    v2 = load.i64 v1+24
    v3 = load.i32 v1+32
    v4 = call fn0(v1)
    v5 = uextend.i64 v3
    v6 = imul v5, v2
    v7 = iadd v4, v6
    return v7
}
"#;
    let mut instance = instantiate(&linker, clif, ());
    let pair = instance.get_typed_func::<(i64, f64), f64>("t_pair")?;
    assert_eq!(pair.call(&mut instance, (20, 0.5))?, 40.5);
    let big = instance.get_typed_func::<i64, i64>("t_big")?;
    // big_sum(make_big(3)) = 3 + 6 + 9 + 12 + 7, plus tag (7) * v[3] (12).
    assert_eq!(big.call(&mut instance, 3)?, 37 + 7 * 12);
    Ok(())
}

const CALLBACKS: &str = r#"
function %square(i64) -> i64 {
block0(v0: i64):
    v1 = imul v0, v0
    return v1
}
function %t_apply(i64) -> i64 {
    fn0 = %apply(i64, i64) -> i64
    fn1 = %square(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
function %t_apply_sum(i64) -> i64 {
    fn0 = %apply_sum(i64, i64) -> i64
    fn1 = %square(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
; Native and guest frames alternate: down(d) = nest(down, d - 1) until 0.
function %down(i64) -> i64 {
    fn0 = %nest(i64, i64) -> i64
    fn1 = %down(i64) -> i64
block0(v0: i64):
    brif v0, block1, block2
block1:
    v1 = iconst.i64 1
    v2 = isub v0, v1
    v3 = func_addr.i64 fn1
    v4 = call fn0(v3, v2)
    return v4
block2:
    v5 = iconst.i64 1
    return v5
}
function %scale(f64, i32) -> f64 {
block0(v0: f64, v1: i32):
    v2 = fcvt_from_sint.f64 v1
    v3 = fmul v0, v2
    return v3
}
function %t_apply_f64(f64) -> f64 {
    fn0 = %apply_f64(i64, f64) -> f64
    fn1 = %scale(f64, i32) -> f64
block0(v0: f64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
; A callback C keeps and gives back becomes a guest address again.
function %t_round_trip(i64) -> i64 {
    sig0 = (i64) -> i64
    fn0 = %save_callback(i64)
    fn1 = %saved_callback() -> i64
    fn2 = %square(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn2
    call fn0(v1)
    v2 = call fn1()
    v3 = call_indirect sig0, v2(v0)
    v4 = icmp eq v1, v2
    v5 = uextend.i64 v4
    v6 = iadd v3, v5
    return v6
}
; Passes a pointer C got from Store::native_callback.
function %t_apply_ptr(i64, i64) -> i64 {
    fn0 = %apply(i64, i64) -> i64
block0(v0: i64, v1: i64):
    v2 = call fn0(v0, v1)
    return v2
}
"#;

#[test]
fn guest_functions_as_c_callbacks() {
    let mut instance = instantiate(&native_linker(), CALLBACKS, ());
    let apply = instance.get_typed_func::<i64, i64>("t_apply").unwrap();
    assert_eq!(apply.call(&mut instance, 12).unwrap(), 144);
    let apply_sum = instance.get_typed_func::<i64, i64>("t_apply_sum").unwrap();
    assert_eq!(apply_sum.call(&mut instance, 1000).unwrap(), (0..1000).map(|i: i64| i * i).sum::<i64>());
    let apply_f64 = instance.get_typed_func::<f64, f64>("t_apply_f64").unwrap();
    assert_eq!(apply_f64.call(&mut instance, 1.5).unwrap(), 4.5);
    let round_trip = instance.get_typed_func::<i64, i64>("t_round_trip").unwrap();
    assert_eq!(round_trip.call(&mut instance, 9).unwrap(), 81 + 1);
}

#[test]
fn callbacks_nest_through_native_frames() {
    let mut instance = instantiate(&native_linker(), CALLBACKS, ());
    let down = instance.get_typed_func::<i64, i64>("down").unwrap();
    // down(0) = 1, down(d) = nest(down, d - 1) = 10 * down(d - 1) + d - 1.
    assert_eq!(down.call(&mut instance, 1).unwrap(), 10);
    assert_eq!(down.call(&mut instance, 3).unwrap(), 1012);
    // Deeper: 8 native frames between guest ones.
    assert_eq!(down.call(&mut instance, 8).unwrap(), 101_234_567);
}

#[test]
fn native_callback_pointers() {
    let mut instance = instantiate(&native_linker(), CALLBACKS, ());
    let square = instance.get_func("square").unwrap();
    let callback = instance.native_callback(&square).unwrap();
    assert_eq!(callback.signature(), &NativeSignature::new([NativeType::I64], Some(NativeType::I64)));
    // The same function gives the same closure, whichever way it is asked for.
    assert_eq!(instance.native_callback(&square).unwrap().as_ptr(), callback.as_ptr());
    let apply = instance.get_typed_func::<(i64, i64), i64>("t_apply_ptr").unwrap();
    assert_eq!(apply.call(&mut instance, (callback.as_ptr() as i64, 7)).unwrap(), 49);
    // A function of two results has no C form.
    let clif = "function %two() -> i64, i64 {\nblock0:\n    v0 = iconst.i64 1\n    return v0, v0\n}\n";
    let mut other = instantiate(&Linker::<()>::new(), clif, ());
    let two = other.get_func("two").unwrap();
    let e = other.native_callback(&two).unwrap_err();
    assert!(e.to_string().contains("C functions return one value, not 2"), "{e}");
    // A function of another instance is refused.
    assert!(matches!(other.native_callback(&square), Err(Error::ForeignFunction(_))));
}

#[test]
fn guest_calls_through_native_function_pointers() {
    let clif = r#"
function %t_add(i64, i64) -> i64 {
    sig0 = (i64, i64) -> i64
    fn0 = %get_add() -> i64
block0(v0: i64, v1: i64):
    v2 = call fn0()
    v3 = call_indirect sig0, v2(v0, v1)
    return v3
}
function %t_tail_add(i64, i64) -> i64 tail {
    sig0 = (i64, i64) -> i64 tail
    fn0 = %get_add() -> i64
block0(v0: i64, v1: i64):
    v2 = call fn0()
    return_call_indirect sig0, v2(v0, v1)
}
function %t_tail_caller(i64) -> i64 {
    fn0 = %t_tail_add(i64, i64) -> i64 tail
block0(v0: i64):
    v1 = call fn0(v0, v0)
    v2 = iconst.i64 1
    v3 = iadd v1, v2
    return v3
}
function %t_mixed() -> f64 {
    sig0 = (i64, f64, i32, f64, i64, f64, i8 sext, f64, i64, f64, i16 uext, f64, i64, f64, i64, f32, i64, f64, i64, f64) -> f64
    fn0 = %get_mixed20() -> i64
block0:
    v0 = iconst.i64 1
    v1 = f64const 0x1.0p0
    v2 = iconst.i32 2
    v3 = iconst.i8 3
    v4 = iconst.i16 4
    v5 = f32const 0x1.0p0
    v6 = call fn0()
    v7 = call_indirect sig0, v6(v0, v1, v2, v1, v0, v1, v3, v1, v0, v1, v4, v1, v0, v1, v0, v5, v0, v1, v0, v1)
    return v7
}
; Calls what it is given: a guest closure's C pointer comes back to the guest.
function %t_call_ptr(i64, i64) -> i64 {
    sig0 = (i64) -> i64
block0(v0: i64, v1: i64):
    v2 = call_indirect sig0, v0(v1)
    return v2
}
function %square(i64) -> i64 {
block0(v0: i64):
    v1 = imul v0, v0
    return v1
}
"#;
    let mut instance = instantiate(&native_linker(), clif, ());
    let add = instance.get_typed_func::<(i64, i64), i64>("t_add").unwrap();
    assert_eq!(add.call(&mut instance, (40, 2)).unwrap(), 42);
    // A tail call to C returns C's result to the guest's caller.
    let tail = instance.get_typed_func::<i64, i64>("t_tail_caller").unwrap();
    assert_eq!(tail.call(&mut instance, 20).unwrap(), 41);
    // ... and to the host when the entry itself tail-calls.
    let tail = instance.get_typed_func::<(i64, i64), i64>("t_tail_add").unwrap();
    assert_eq!(tail.call(&mut instance, (5, 6)).unwrap(), 11);
    let mixed = instance.get_typed_func::<(), f64>("t_mixed").unwrap();
    let ints = 1 + 2 * 2 + 3 + 4 * 3 + 5 + 6 * 4 + 7 + 8 + 9 + 10;
    let floats = 1.0
        + 0.5
        + 0.25
        + 0.125
        + 1.0 / 16.0
        + 1.0 / 32.0
        + 1.0 / 64.0
        + 1.0 / 128.0
        + 1.0 / 256.0
        + 1.0 / 512.0;
    assert_eq!(mixed.call(&mut instance, ()).unwrap(), ints as f64 + floats);
    let square = instance.get_func("square").unwrap();
    let callback = instance.native_callback(&square).unwrap();
    let call_ptr = instance.get_typed_func::<(i64, i64), i64>("t_call_ptr").unwrap();
    assert_eq!(call_ptr.call(&mut instance, (callback.as_ptr() as i64, 12)).unwrap(), 144);
    // A null pointer traps instead of being called.
    let trap = call_ptr.call(&mut instance, (0, 12)).unwrap_err();
    assert!(trap.to_string().contains("call_indirect to address 0"), "{trap}");
}

#[test]
fn qsort_sorts_a_guest_array_with_a_guest_comparator() {
    let clif = r#"
; Compares two i64s, counting the calls through the host.
function %compare(i64, i64) -> i32 {
    fn0 = %tick()
block0(v0: i64, v1: i64):
    call fn0()
    v2 = load.i64 v0
    v3 = load.i64 v1
    v4 = icmp slt v2, v3
    v5 = icmp sgt v2, v3
    v6 = uextend.i32 v5
    v7 = uextend.i32 v4
    v8 = isub v6, v7
    return v8
}
function %sort(i64, i64) {
    fn0 = %qsort(i64, i64, i64, i64)
    fn1 = %compare(i64, i64) -> i32
block0(v0: i64, v1: i64):
    v2 = iconst.i64 8
    v3 = func_addr.i64 fn1
    call fn0(v0, v1, v2, v3)
    return
}
"#;
    let mut linker = Linker::<u64>::new();
    linker.func_wrap("tick", |mut caller: Caller<'_, u64>| *caller.data_mut() += 1).unwrap();
    linker.native_process().unwrap();
    let mut instance = instantiate(&linker, clif, 0);
    let n = 2000usize;
    let mut buffer = HostBuffer::new(8 * n).unwrap();
    let mut x = 12345u64;
    let mut values = Vec::new();
    for i in 0..n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let v = (x >> 20) as i64 - (1 << 42);
        values.push(v);
        buffer.write_i64(8 * i, v).unwrap();
    }
    let sort = instance.get_typed_func::<(u64, u64), ()>("sort").unwrap();
    sort.call(&mut instance, (buffer.addr(), n as u64)).unwrap();
    values.sort();
    let sorted: Vec<i64> = (0..n).map(|i| buffer.read_i64(8 * i).unwrap()).collect();
    assert_eq!(sorted, values);
    assert!(*instance.data() > n as u64, "the comparator ran {} times", instance.data());
}

#[test]
fn a_trap_in_a_callback_is_raised_when_c_returns() {
    let clif = r#"
function %divide(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 100
    v2 = sdiv v1, v0
    return v2
}
function %t_apply_sum(i64) -> i64 {
    fn0 = %apply_sum(i64, i64) -> i64
    fn1 = %divide(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
"#;
    let mut instance = instantiate(&native_linker(), clif, ());
    let f = instance.get_typed_func::<i64, i64>("t_apply_sum").unwrap();
    // apply_sum calls divide(0) first: the trap is recorded, C goes on
    // with 0 and returns, and the guest traps then.
    let trap = f.call(&mut instance, 5).unwrap_err();
    assert_eq!(trap.trap_code(), Some(TrapCode::INTEGER_DIVISION_BY_ZERO), "{trap}");
    let frames: Vec<&str> = trap.backtrace().iter().filter_map(|f| f.function.as_deref()).collect();
    assert_eq!(frames.first(), Some(&"%divide"), "{trap}");
    assert!(frames.contains(&"%t_apply_sum"), "{trap}");
    // The instance goes on working.
    let ok = instance.get_typed_func::<i64, i64>("divide").unwrap();
    assert_eq!(ok.call(&mut instance, 7).unwrap(), 14);
}

#[test]
fn binding_errors_name_the_import_and_the_reason() {
    let linker = native_linker::<()>();
    // A call through a C pointer with more values of a class than there
    // are argument registers (the rest would be on the guest's stack).
    let params = vec!["i64"; 17].join(", ");
    let args = vec!["v1"; 17].join(", ");
    let many = format!(
        "function %f() -> i64 {{\n    sig0 = ({params}) -> i64\n    fn0 = %get_add() -> i64\nblock0:\n    v0 = call fn0()\n    v1 = iconst.i64 1\n    v2 = call_indirect sig0, v0({args})\n    return v2\n}}\n"
    );
    let mut instance = instantiate(&linker, &many, ());
    let f = instance.get_typed_func::<(), i64>("f").unwrap();
    let trap = f.call(&mut instance, ()).unwrap_err();
    assert!(trap.to_string().contains("more than 16 values of one register class"), "{trap}");
    let missing = "function %f() {\n    fn0 = %no_such_function()\nblock0:\n    call fn0()\n    return\n}\n";
    let e = instantiate_err(&linker, missing, ());
    assert!(matches!(&e, Error::NativeImport { name, .. } if name == "%no_such_function"), "{e}");
    assert!(e.to_string().contains("no symbol `no_such_function`"), "{e}");
    let wide = "function %f(i128) -> i128 {\n    fn0 = %neg_i64(i128) -> i128\nblock0(v0: i128):\n    v1 = call fn0(v0)\n    return v1\n}\n";
    let e = instantiate_err(&linker, wide, ());
    assert!(e.to_string().contains("cannot bind import `%neg_i64`"), "{e}");
    assert!(e.to_string().contains("i128"), "{e}");
    // A struct by value needs its C layout.
    let sarg = "function %f(i64) -> f64 {\n    fn0 = %pair_sum(i64 sarg(16)) -> f64\nblock0(v0: i64):\n    v1 = call fn0(v0)\n    return v1\n}\n";
    let e = instantiate_err(&linker, sarg, ());
    assert!(e.to_string().contains("Linker::func_native"), "{e}");
    // A library's handle also finds its dependencies' symbols (libc's
    // `puts` here); binding to that library does not take them.
    let mut only_test_library = Linker::<()>::new();
    // SAFETY: as in `native_linker`.
    unsafe { only_test_library.native_library(native_test_library()) }.unwrap();
    let puts = "function %f(i64) -> i32 {\n    fn0 = %puts(i64) -> i32\nblock0(v0: i64):\n    v1 = call fn0(v0)\n    return v1\n}\n";
    let e = instantiate_err(&only_test_library, puts, ());
    assert!(e.to_string().contains("no symbol `puts`"), "{e}");
    // An explicit signature that does not fit the import's.
    let mut explicit = Linker::<()>::new();
    // SAFETY: never called: binding fails.
    unsafe {
        explicit.func_native("neg_i64", test_symbol("neg_i64"), NativeSignature::new([NativeType::F64], None))
    }
    .unwrap();
    let neg = "function %f(i64) -> i64 {\n    fn0 = %neg_i64(i64) -> i64\nblock0(v0: i64):\n    v1 = call fn0(v0)\n    return v1\n}\n";
    let e = instantiate_err(&explicit, neg, ());
    assert!(e.to_string().contains("parameter 0: CLIF i64 cannot be passed as C double"), "{e}");
    // A library that is not there.
    let mut linker = Linker::<()>::new();
    // SAFETY: opening fails.
    let e = unsafe { linker.native_library("/no/such/library.so") }.err().unwrap();
    assert!(matches!(e, Error::NativeLibrary { .. }), "{e}");
}

#[test]
fn libc_and_libm_from_the_process() {
    let clif = r#"
function %len(i64) -> i64 {
    fn0 = %strlen(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    return v1
}
function %root(f64) -> f64 {
    fn0 = %sqrt(f64) -> f64
block0(v0: f64):
    v1 = call fn0(v0)
    return v1
}
"#;
    let mut linker = Linker::<()>::new();
    linker.native_process().unwrap();
    let mut instance = instantiate(&linker, clif, ());
    let mut text = HostBuffer::new(16).unwrap();
    text.write(0, b"sheave\0").unwrap();
    let len = instance.get_typed_func::<u64, i64>("len").unwrap();
    assert_eq!(len.call(&mut instance, text.addr()).unwrap(), 6);
    let root = instance.get_typed_func::<f64, f64>("root").unwrap();
    assert_eq!(root.call(&mut instance, 2.25).unwrap(), 1.5);
}

/// Run test `name` of this binary in a child process (with
/// `SHEAVE_ABORT_CHILD` set, so that it does its work) and return its
/// exit status and standard error.
fn run_child(name: &str) -> (std::process::ExitStatus, String) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"])
        .env("SHEAVE_ABORT_CHILD", "1")
        .output()
        .unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into())
}

fn is_child() -> bool {
    std::env::var_os("SHEAVE_ABORT_CHILD").is_some()
}

#[test]
#[ignore = "run by callbacks_out_of_their_time_abort_with_a_message, in a child process"]
fn child_calls_a_callback_of_a_dropped_instance() {
    if !is_child() {
        return;
    }
    let mut instance = instantiate(&native_linker(), CALLBACKS, ());
    let square = instance.get_func("square").unwrap();
    let callback = instance.native_callback(&square).unwrap();
    drop(instance);
    // SAFETY: the closure is alive (the handle holds it); its instance is
    // not, which it detects and reports by aborting.
    let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(callback.as_ptr()) };
    f(3);
}

#[test]
#[ignore = "run by callbacks_out_of_their_time_abort_with_a_message, in a child process"]
fn child_calls_a_callback_outside_a_native_call() {
    if !is_child() {
        return;
    }
    let mut instance = instantiate(&native_linker(), CALLBACKS, ());
    let square = instance.get_func("square").unwrap();
    let callback = instance.native_callback(&square).unwrap();
    // SAFETY: as above; no native call of the instance is running.
    let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(callback.as_ptr()) };
    f(3);
}

#[test]
#[ignore = "run by callbacks_out_of_their_time_abort_with_a_message, in a child process"]
fn child_host_function_calls_back_through_c() {
    if !is_child() {
        return;
    }
    // guest -> C apply -> callback %outer -> Rust host function -> C apply
    // -> callback %square: the host function holds the store, so the
    // second callback must not take it.
    let clif = r#"
function %square(i64) -> i64 {
block0(v0: i64):
    v1 = imul v0, v0
    return v1
}
function %outer(i64) -> i64 {
    fn0 = %host(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    return v1
}
function %start(i64) -> i64 {
    fn0 = %apply(i64, i64) -> i64
    fn1 = %outer(i64) -> i64
block0(v0: i64):
    v1 = func_addr.i64 fn1
    v2 = call fn0(v1, v0)
    return v2
}
"#;
    let apply = test_symbol("apply") as usize;
    let square = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let pointer = square.clone();
    let mut linker = native_linker::<()>();
    linker
        .func_wrap("host", move |x: i64| {
            // SAFETY: `apply` is (int64_t (*)(int64_t), int64_t) -> int64_t.
            let apply: extern "C" fn(usize, i64) -> i64 = unsafe { std::mem::transmute(apply) };
            apply(*pointer.lock().unwrap(), x)
        })
        .unwrap();
    let mut instance = instantiate(&linker, clif, ());
    let f = instance.get_func("square").unwrap();
    *square.lock().unwrap() = instance.native_callback(&f).unwrap().as_ptr() as usize;
    let start = instance.get_typed_func::<i64, i64>("start").unwrap();
    let _ = start.call(&mut instance, 3);
}

#[test]
fn callbacks_out_of_their_time_abort_with_a_message() {
    for (child, message) in [
        (
            "child_host_function_calls_back_through_c",
            "native callback `%square` was called while its instance's guest is not in a native call",
        ),
        (
            "child_calls_a_callback_of_a_dropped_instance",
            "native callback `%square` was called after its instance was dropped",
        ),
        (
            "child_calls_a_callback_outside_a_native_call",
            "was called while its instance's guest is not in a native call",
        ),
    ] {
        let (status, stderr) = run_child(child);
        assert!(!status.success(), "{child}: {status}");
        assert!(stderr.contains(message), "{child}: {stderr}");
    }
}

#[test]
fn idle_callbacks_run_when_the_instance_allows_them() {
    let clif = r#"
function %square(i64) -> i64 {
block0(v0: i64):
    v1 = imul v0, v0
    return v1
}
function %divide(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 100
    v2 = sdiv v1, v0
    return v2
}
"#;
    let mut instance = instantiate(&Linker::<()>::new(), clif, ());
    instance.allow_idle_callbacks();
    let square = instance.get_func("square").unwrap();
    let square = instance.native_callback(&square).unwrap();
    let divide = instance.get_func("divide").unwrap();
    let divide = instance.native_callback(&divide).unwrap();
    type Unary = extern "C" fn(i64) -> i64;
    // SAFETY: both are (i64) -> i64 closures of a live instance that allows
    // idle calls, and no borrow of it is held across the calls.
    let (square, divide) = unsafe {
        (
            std::mem::transmute::<*const std::ffi::c_void, Unary>(square.as_ptr()),
            std::mem::transmute::<*const std::ffi::c_void, Unary>(divide.as_ptr()),
        )
    };
    assert_eq!(square(12), 144);
    assert_eq!(divide(5), 20);
    assert!(instance.take_callback_trap().is_none());
    // A trap returns zero to C and is kept for the embedder.
    assert_eq!(divide(0), 0);
    let trap = instance.take_callback_trap().expect("kept");
    assert_eq!(trap.trap_code(), Some(TrapCode::INTEGER_DIVISION_BY_ZERO));
    // Typed calls still work between them.
    let f = instance.get_typed_func::<i64, i64>("square").unwrap();
    assert_eq!(f.call(&mut instance, 3).unwrap(), 9);
    assert_eq!(square(3), 9);
}
