//! The embedding API on compiled CLIF: host functions of every value type,
//! typed and untyped calls, traps raised by the guest and by the host,
//! re-entrancy, backtraces, and every misuse answered with an error.

use sheave_codegen::compile_clif;
use sheave_embed::{
    Caller, Error, HostBuffer, Instance, Linker, Trap, TrapCode, TrapKind, TrapReason, Val, ValType,
};

fn instantiate<T>(linker: &Linker<T>, clif: &str, data: T) -> Instance<T> {
    let module = compile_clif(clif).unwrap();
    // SAFETY: the test programs only touch their own stack slots and the
    // host buffers the tests pass them.
    unsafe { linker.instantiate(&module, data) }.unwrap()
}

const HOST_TYPES: &str = r#"
function %ints(i32, i64) -> i64 {
    fn0 = %add_i32(i32, i32) -> i32
    fn1 = %mul_i64(i64, i64) -> i64
block0(v0: i32, v1: i64):
    v2 = call fn0(v0, v0)
    v3 = sextend.i64 v2
    v4 = call fn1(v3, v1)
    return v4
}

function %floats(f32, f64) -> f64 {
    fn0 = %scale_f32(f32, f32) -> f32
    fn1 = %hypot(f64, f64) -> f64
block0(v0: f32, v1: f64):
    v2 = f32const 0x1.0p1
    v3 = call fn0(v0, v2)
    v4 = fpromote.f64 v3
    v5 = call fn1(v4, v1)
    return v5
}

; The host writes through a pointer it is given; the guest reads it back.
function %pointer(i64) -> i64 {
    fn0 = %fill(i64, i64)
block0(v0: i64):
    v1 = iconst.i64 0x1234
    call fn0(v0, v1)
    v2 = load.i64 v0+8
    return v2
}

; Many arguments of both classes, interleaved.
function %mixed(i32, f64, i64, f32) -> f64 {
    fn0 = %combine(i32, f64, i64, f32) -> f64
block0(v0: i32, v1: f64, v2: i64, v3: f32):
    v4 = call fn0(v0, v1, v2, v3)
    return v4
}
"#;

fn host_types_linker() -> Linker<Vec<String>> {
    let mut linker = Linker::new();
    linker
        .func_wrap("add_i32", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap()
        .func_wrap("mul_i64", |mut caller: Caller<'_, Vec<String>>, a: i64, b: i64| {
            caller.data_mut().push(format!("mul {a} {b}"));
            a.wrapping_mul(b)
        })
        .unwrap()
        .func_wrap("scale_f32", |a: f32, b: f32| a * b)
        .unwrap()
        .func_wrap("hypot", |a: f64, b: f64| a.hypot(b))
        .unwrap()
        .func_wrap("fill", |addr: u64, value: i64| {
            // SAFETY: the test passes the address of a live 16-byte buffer.
            unsafe { (addr as *mut i64).add(1).write_unaligned(value) };
        })
        .unwrap()
        .func_wrap("combine", |a: i32, b: f64, c: i64, d: f32| {
            a as f64 * 1000.0 + b * 100.0 + c as f64 * 10.0 + d as f64
        })
        .unwrap();
    linker
}

#[test]
fn host_functions_of_every_value_type() {
    let mut instance = instantiate(&host_types_linker(), HOST_TYPES, Vec::new());

    let ints = instance.get_typed_func::<(i32, i64), i64>("ints").unwrap();
    assert_eq!(ints.call(&mut instance, (21, 3)).unwrap(), 126);
    assert_eq!(ints.call(&mut instance, (-1, i64::MAX)).unwrap(), (-2i64).wrapping_mul(i64::MAX));
    assert_eq!(instance.data(), &["mul 42 3".to_string(), format!("mul -2 {}", i64::MAX)]);

    let floats = instance.get_typed_func::<(f32, f64), f64>("floats").unwrap();
    assert_eq!(floats.call(&mut instance, (1.5, 4.0)).unwrap(), 5.0);

    let buffer = HostBuffer::new(16).unwrap();
    let pointer = instance.get_typed_func::<u64, i64>("pointer").unwrap();
    assert_eq!(pointer.call(&mut instance, buffer.addr()).unwrap(), 0x1234);
    assert_eq!(buffer.read_i64(8).unwrap(), 0x1234);

    let mixed = instance.get_typed_func::<(i32, f64, i64, f32), f64>("mixed").unwrap();
    assert_eq!(mixed.call(&mut instance, (1, 2.0, 3, 4.0)).unwrap(), 1234.0);
}

#[test]
fn untyped_calls_and_untyped_host_functions() {
    let clif = r#"
function %twice(i64, f32) -> i64, f32 {
    fn0 = %pair(i64, f32) -> i64, f32
block0(v0: i64, v1: f32):
    v2, v3 = call fn0(v0, v1)
    return v2, v3
}
"#;
    let mut linker = Linker::<u32>::new();
    linker
        .func_new(
            "pair",
            &[ValType::I64, ValType::F32],
            &[ValType::I64, ValType::F32],
            |mut caller, args, results| {
                *caller.data_mut() += 1;
                results[0] = Val::I64(args[0].i64().unwrap() * 2);
                results[1] = Val::from_f32(args[1].f32().unwrap() * 2.0);
                Ok(())
            },
        )
        .unwrap();
    let mut instance = instantiate(&linker, clif, 0);
    let twice = instance.get_func("%twice").unwrap();
    assert_eq!(twice.params(), [ValType::I64, ValType::F32]);
    let mut results = [Val::I64(0), Val::F32(0)];
    twice.call(&mut instance, &[Val::I64(21), Val::from_f32(0.25)], &mut results).unwrap();
    assert_eq!(results, [Val::I64(42), Val::from_f32(0.5)]);
    assert_eq!(*instance.data(), 1);

    // Misuse is an error naming the problem, never a panic.
    let err = twice.call(&mut instance, &[Val::I64(1)], &mut results).unwrap_err();
    assert_eq!(err.to_string(), "`%twice` has 2 arguments, but 1 were given");
    let err = twice.call(&mut instance, &[Val::I32(1), Val::F32(0)], &mut results).unwrap_err();
    assert_eq!(err.to_string(), "argument 0 of `%twice` must be i64, not i32");
    let err = twice.call(&mut instance, &[Val::I64(1), Val::F32(0)], &mut results[..1]).unwrap_err();
    assert!(matches!(err, Error::ArityMismatch { what: "results", expected: 2, given: 1, .. }), "{err}");
}

#[test]
fn an_untyped_host_function_returning_the_wrong_type_traps() {
    let clif = r#"
function %f() -> i64 {
    fn0 = %bad() -> i64
block0:
    v0 = call fn0()
    return v0
}
"#;
    let mut linker = Linker::<()>::new();
    linker
        .func_new("bad", &[], &[ValType::I64], |_, _, results| {
            results[0] = Val::I32(1);
            Ok(())
        })
        .unwrap();
    let mut instance = instantiate(&linker, clif, ());
    let trap = instance.get_typed_func::<(), i64>("f").unwrap().call(&mut instance, ()).unwrap_err();
    assert!(
        trap.to_string().contains("host function `bad` returned i32 as result 0, declared i64"),
        "{trap}"
    );
}

const TRAPS: &str = r#"
function %divide(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = udiv v0, v1
    return v2
}

function %outer(i32, i32) -> i32 {
    fn0 = colocated %divide(i32, i32) -> i32
block0(v0: i32, v1: i32):
    v2 = call fn0(v0, v1)
    v101 = iconst.i32 1
    v3 = iadd v2, v101
    return v3
}

function %calls_host(i32) -> i32 {
    fn0 = %check(i32) -> i32
block0(v0: i32):
    v1 = call fn0(v0)
    v102 = iconst.i32 1
    v2 = iadd v1, v102
    return v2
}

function %user_trap() {
block0:
    trap user7
}

function %guarded(i32, i32) -> i32 {
    fn0 = colocated %divide(i32, i32) -> i32
block0(v0: i32, v1: i32):
    brif v0, block1, block2
block1:
    v2 = call fn0(v0, v0)
    v3 = udiv v0, v1
    v4 = iadd v2, v3
    return v4
block2:
    return v1
}
"#;

#[test]
fn guest_traps_carry_the_clif_code_and_a_backtrace() {
    let mut linker = Linker::<()>::new();
    linker.func_wrap("check", |x: i32| x).unwrap();
    let mut instance = instantiate(&linker, TRAPS, ());
    let outer = instance.get_typed_func::<(i32, i32), i32>("outer").unwrap();
    assert_eq!(outer.call(&mut instance, (10, 2)).unwrap(), 6);

    let trap = outer.call(&mut instance, (10, 0)).unwrap_err();
    assert_eq!(trap.reason(), &TrapReason::Guest(TrapKind::DivisionByZero));
    assert_eq!(trap.trap_code(), Some(TrapCode::INTEGER_DIVISION_BY_ZERO));
    assert_eq!(trap.function(), Some("%divide"));
    let frames: Vec<_> = trap.backtrace().iter().map(|f| f.function.clone().unwrap()).collect();
    assert_eq!(frames, ["%divide", "%outer"]);
    let shown = trap.to_string();
    assert!(shown.starts_with("trapped at %divide+0x") && shown.ends_with(": int_divz"), "{shown}");
    let long = format!("{trap:#}");
    assert!(
        long.contains("guest backtrace:\n  0: %divide+0x") && long.contains("\n  1: %outer+0x"),
        "{long}"
    );

    // The instance is as good as new.
    assert_eq!(outer.call(&mut instance, (9, 3)).unwrap(), 4);

    // A function whose entry branches to an early exit before it pushes its
    // frame (the compiler's shrink-wrapping): both paths, and a trap in its
    // body after a call, which shows it once.
    let guarded = instance.get_typed_func::<(i32, i32), i32>("guarded").unwrap();
    assert_eq!(guarded.call(&mut instance, (0, 5)).unwrap(), 5);
    assert_eq!(guarded.call(&mut instance, (12, 3)).unwrap(), 1 + 4);
    let trap = guarded.call(&mut instance, (12, 0)).unwrap_err();
    assert_eq!(trap.function(), Some("%guarded"));
    let frames: Vec<_> = trap.backtrace().iter().map(|f| f.function.clone().unwrap()).collect();
    assert_eq!(frames, ["%guarded"]);

    let user = instance.get_typed_func::<(), ()>("user_trap").unwrap().call(&mut instance, ()).unwrap_err();
    assert_eq!(user.trap_code(), Some(TrapCode(7)));
    assert_eq!(user.to_string(), "trapped at %user_trap+0x0: user7");
}

#[test]
fn host_functions_make_the_guest_trap() {
    let mut linker = Linker::<()>::new();
    linker
        .func_wrap("check", |x: i32| {
            if x < 0 {
                Err(Trap::new(format!("negative input {x}")))
            } else if x == 0 {
                Err(Trap::raise(TrapCode(42)))
            } else {
                Ok(x * 10)
            }
        })
        .unwrap();
    let mut instance = instantiate(&linker, TRAPS, ());
    let f = instance.get_typed_func::<i32, i32>("calls_host").unwrap();
    assert_eq!(f.call(&mut instance, 4).unwrap(), 41);

    let failed = f.call(&mut instance, -3).unwrap_err();
    assert_eq!(failed.reason(), &TrapReason::Host("negative input -3".into()));
    let frames: Vec<_> = failed.backtrace().iter().map(|f| f.function.clone().unwrap()).collect();
    assert_eq!(frames, ["%check", "%calls_host"]);
    assert!(failed.to_string().starts_with("host function failed, called at %check+0x0: negative input -3"));

    let raised = f.call(&mut instance, 0).unwrap_err();
    assert_eq!(raised.trap_code(), Some(TrapCode(42)));
    assert_eq!(raised.to_string(), "trapped at %check+0x0: user42");

    assert_eq!(f.call(&mut instance, 1).unwrap(), 11);
    assert_eq!(instance.vm().suspended_entries(), 0);
}

/// g(n) = n == 0 ? trap user9 : recurse(n) + 1, where the host's `recurse`
/// calls g(n - 1) again: guest -> host -> guest, n levels deep.
const NESTED: &str = r#"
function %g(i64) -> i64 {
    fn0 = %recurse(i64) -> i64
block0(v0: i64):
    brif v0, block1, block2
block1:
    v1 = call fn0(v0)
    v103 = iconst.i64 1
    v2 = iadd v1, v103
    return v2
block2:
    trap user9
}
"#;

#[test]
fn nesting_100_deep_with_a_trap_at_the_bottom() {
    // `data` says whether a host level that sees its nested call trap
    // handles it (returning 1000) or passes it up.
    let mut linker = Linker::<bool>::new();
    linker
        .func_wrap("recurse", |mut caller: Caller<'_, bool>, n: i64| -> Result<i64, Trap> {
            let g = caller.get_typed_func::<i64, i64>("g").map_err(|e| Trap::new(e.to_string()))?;
            match g.call(&mut caller, n - 1) {
                Ok(v) => Ok(v),
                Err(trap) if *caller.data() && trap.trap_code() == Some(TrapCode(9)) => Ok(1000),
                Err(trap) => Err(trap),
            }
        })
        .unwrap();
    let mut instance = instantiate(&linker, NESTED, false);
    let g = instance.get_typed_func::<i64, i64>("g").unwrap();
    let sp = instance.vm().x(sheave_opcodes::XReg::SP);

    // Passed up through every level: the trap's backtrace holds the bottom
    // frame, then each level's guest frames.
    let trap = g.call(&mut instance, 100).unwrap_err();
    assert_eq!(trap.trap_code(), Some(TrapCode(9)));
    let g_frames = trap.backtrace().iter().filter(|f| f.function.as_deref() == Some("%g")).count();
    assert_eq!(g_frames, 101, "{trap:#}");
    assert_eq!(instance.vm().suspended_entries(), 0);
    assert_eq!(instance.vm().x(sheave_opcodes::XReg::SP), sp);

    // Handled one level up: only the bottom entry unwinds.
    *instance.data_mut() = true;
    assert_eq!(g.call(&mut instance, 100).unwrap(), 1000 + 100);
    assert_eq!(instance.vm().suspended_entries(), 0);
    assert_eq!(instance.vm().x(sheave_opcodes::XReg::SP), sp);

    // And the instance is reusable.
    assert_eq!(g.call(&mut instance, 3).unwrap(), 1003);
    *instance.data_mut() = false;
    assert!(g.call(&mut instance, 5).is_err());
    assert_eq!(g.call(&mut instance, 0).unwrap_err().function(), Some("%g"));
}

#[test]
fn typed_signature_mismatches_are_errors() {
    let mut linker = Linker::<()>::new();
    linker.func_wrap("check", |x: i32| x).unwrap();
    let instance = instantiate(&linker, TRAPS, ());
    let err = instance.get_typed_func::<(i64, i64), i32>("outer").err().unwrap();
    assert_eq!(
        err.to_string(),
        "`%outer` has signature (i32, i32) -> i32, not the requested (i64, i64) -> i32"
    );
    let err = instance.get_typed_func::<(i32, i32), ()>("outer").err().unwrap();
    assert!(matches!(err, Error::SignatureMismatch { .. }));
    let err = instance.get_typed_func::<(i32, i32), f32>("%outer").err().unwrap();
    assert!(err.to_string().ends_with("not the requested (i32, i32) -> f32"));
    // Unsigned Rust types pass as CLIF's integers of their width.
    assert!(instance.get_typed_func::<(u32, u32), u32>("outer").is_ok());
    let err = instance.get_func("nope").unwrap_err();
    assert_eq!(err.to_string(), "the module has no function named `nope`");
}

#[test]
fn narrow_types_are_refused_with_a_reason() {
    let clif = r#"
function %narrow(i8) -> i8 {
block0(v0: i8):
    return v0
}
"#;
    let instance = instantiate(&Linker::<()>::new(), clif, ());
    let err = instance.get_func("narrow").unwrap_err();
    assert!(err.to_string().contains("values of type i8 cannot be passed by the embedding API yet"), "{err}");
}

#[test]
fn unresolved_and_mistyped_imports_are_errors() {
    let module = compile_clif(TRAPS).unwrap();
    assert_eq!(module.imports().len(), 1);
    let empty = Linker::<()>::new();
    // SAFETY: instantiation fails before anything runs.
    let err = unsafe { empty.instantiate(&module, ()) }.err().unwrap();
    assert_eq!(
        err.to_string(),
        "unresolved import: the module needs host function `%check` (i32) -> i32, which the linker does not define"
    );

    let mut wrong = Linker::<()>::new();
    wrong.func_wrap("check", |x: i64| x).unwrap();
    // SAFETY: as above.
    let err = unsafe { wrong.instantiate(&module, ()) }.err().unwrap();
    assert_eq!(
        err.to_string(),
        "import `%check`: the module expects signature (i32) -> i32, the linker defines (i64) -> i64"
    );

    let err = wrong.func_wrap("check", |x: i32| x).err().unwrap();
    assert_eq!(err, Error::DuplicateDefinition("check".into()));
}

#[test]
fn functions_belong_to_their_instance() {
    let mut linker = Linker::<()>::new();
    linker.func_wrap("check", |x: i32| x).unwrap();
    let a = instantiate(&linker, TRAPS, ());
    let mut b = instantiate(&linker, TRAPS, ());
    let typed = a.get_typed_func::<(i32, i32), i32>("outer").unwrap();
    let trap = typed.call(&mut b, (1, 1)).unwrap_err();
    assert!(trap.to_string().contains("`%outer` belongs to another instance"), "{trap}");
    let untyped = a.get_func("outer").unwrap();
    let err = untyped.call(&mut b, &[Val::I32(1), Val::I32(1)], &mut [Val::I32(0)]).unwrap_err();
    assert_eq!(err, Error::ForeignFunction("%outer".into()));
}

#[test]
fn vmctx_points_at_embedder_memory() {
    // A context struct: a base pointer at 0 and a length at 8; the guest
    // sums the i32s it points to.
    let clif = r#"
function %sum(i64 vmctx) -> i32 {
    gv0 = vmctx
block0(v0: i64):
    v1 = load.i64 notrap aligned v0
    v2 = load.i64 notrap aligned v0+8
    v3 = iconst.i32 0
    jump block1(v1, v2, v3)
block1(v4: i64, v5: i64, v6: i32):
    brif v5, block2, block3
block2:
    v7 = load.i32 v4
    v8 = iadd v6, v7
    v104 = iconst.i64 4
    v9 = iadd v4, v104
    v105 = iconst.i64 -1
    v10 = iadd v5, v105
    jump block1(v9, v10, v8)
block3:
    return v6
}
"#;
    let mut instance = instantiate(&Linker::<()>::new(), clif, ());
    let mut data = HostBuffer::new(4 * 5).unwrap();
    for i in 0..5 {
        data.write_i32(4 * i, (i as i32 + 1) * 10).unwrap();
    }
    let mut ctx = HostBuffer::new(16).unwrap();
    ctx.write_u64(0, data.addr()).unwrap();
    ctx.write_u64(8, 5).unwrap();
    let sum = instance.get_typed_func::<u64, i32>("sum").unwrap();
    assert_eq!(sum.call(&mut instance, ctx.addr()).unwrap(), 150);
    assert!(matches!(ctx.read_u64(12), Err(Error::OutOfBounds { offset: 12, len: 8, size: 16 })));
}

#[test]
fn builtins_run_inside_the_vm() {
    // A guest memcpy into a host buffer, through the embedding API.
    let clif = r#"
function %copy(i64, i64, i64) -> i64 {
    fn0 = %Memcpy(i64, i64, i64) -> i64
block0(v0: i64, v1: i64, v2: i64):
    v3 = call fn0(v0, v1, v2)
    return v3
}
"#;
    let mut instance = instantiate(&Linker::<()>::new(), clif, ());
    assert!(instance.module().imports().is_empty());
    let mut src = HostBuffer::new(8).unwrap();
    src.write(0, b"sheave!!").unwrap();
    let dst = HostBuffer::new(8).unwrap();
    let copy = instance.get_typed_func::<(u64, u64, u64), u64>("copy").unwrap();
    assert_eq!(copy.call(&mut instance, (dst.addr(), src.addr(), 6)).unwrap(), dst.addr());
    assert_eq!(dst.to_vec(), b"sheave\0\0");
}

#[test]
fn host_functions_return_pointers_and_bind_user_external_names() {
    // `u0:5` is how cranelift-frontend users name imports
    // (`UserExternalName { namespace: 0, index: 5 }`); it binds by that name.
    let clif = r#"
function %store_via_host(i64) -> i64 {
    fn0 = u0:5() -> i64
block0(v0: i64):
    v1 = call fn0()
    store v0, v1+8
    v2 = load.i64 v1
    return v2
}
"#;
    let mut buffer = HostBuffer::new(16).unwrap();
    buffer.write_i64(0, 77).unwrap();
    let addr = buffer.addr();
    let mut linker = Linker::<()>::new();
    linker.func_wrap("u0:5", move || addr).unwrap();
    let mut instance = instantiate(&linker, clif, ());
    assert_eq!(instance.module().imports()[0].name, "u0:5");
    let f = instance.get_typed_func::<i64, i64>("store_via_host").unwrap();
    assert_eq!(f.call(&mut instance, -5).unwrap(), 77);
    assert_eq!(buffer.read_i64(8).unwrap(), -5);
}

#[test]
fn host_buffers_too_large_to_exist_are_errors() {
    assert_eq!(HostBuffer::new(usize::MAX).err(), Some(Error::BufferTooLarge(usize::MAX)));
    assert_eq!(HostBuffer::new(0).unwrap().len(), 0);
}

#[test]
fn an_entry_refuses_a_stack_pointer_outside_the_stack() {
    let mut linker = Linker::<()>::new();
    linker.func_wrap("check", |x: i32| x).unwrap();
    let mut instance = instantiate(&linker, TRAPS, ());
    let outer = instance.get_typed_func::<(i32, i32), i32>("outer").unwrap();
    let sp = sheave_opcodes::XReg::SP;
    let top = instance.vm().x(sp);
    instance.vm_mut().set_x(sp, top + 4096);
    let trap = outer.call(&mut instance, (1, 1)).unwrap_err();
    assert_eq!(trap.to_string(), "cannot call into the guest: sp lies outside the VM's stack");
    let untyped = instance.get_func("outer").unwrap();
    let err = untyped.call(&mut instance, &[Val::I32(1), Val::I32(1)], &mut [Val::I32(0)]).unwrap_err();
    assert!(err.to_string().contains("sp lies outside the VM's stack"), "{err}");
    instance.vm_mut().set_x(sp, top);
    assert_eq!(outer.call(&mut instance, (6, 3)).unwrap(), 3);
}

/// A host function that catches a panic out of a nested call and goes on:
/// the nested entry it left suspended is unwound, so the outer guest
/// resumes with its own registers.
#[test]
fn a_caught_panic_in_a_nested_call_leaves_the_outer_guest_intact() {
    let clif = r#"
function %outer(i64) -> i64 {
    fn0 = %catcher(i64) -> i64
block0(v0: i64):
    v1 = iconst.i64 1000
    v2 = iadd v0, v1
    v3 = call fn0(v0)
    v4 = iadd v2, v3
    return v4
}
function %inner(i64) -> i64 {
    fn0 = %boom(i64) -> i64
block0(v0: i64):
    v1 = iconst.i64 77
    v2 = imul v0, v1
    v3 = call fn0(v2)
    v4 = iadd v2, v3
    return v4
}
"#;
    let mut linker = Linker::<()>::new();
    linker
        .func_wrap("boom", |_: i64| -> i64 { panic!("host function panicked") })
        .unwrap()
        .func_wrap("catcher", |mut caller: Caller<'_, ()>, x: i64| -> i64 {
            let inner = caller.get_typed_func::<i64, i64>("inner").unwrap();
            let caught =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.call(&mut caller, x)));
            assert!(caught.is_err());
            5
        })
        .unwrap();
    let mut instance = instantiate(&linker, clif, ());
    let outer = instance.get_typed_func::<i64, i64>("outer").unwrap();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = outer.call(&mut instance, 3);
    std::panic::set_hook(hook);
    // 3 + 1000 kept in the outer guest's registers across the call, + 5.
    assert_eq!(result.unwrap(), 1008);
    assert_eq!(instance.vm().suspended_entries(), 0);
}

/// An untyped call of a function with more results than registers, whose
/// guest calls back in through a host function: the nested entry must not
/// lose the outer entry's result area.
#[test]
fn stack_results_survive_nested_entries() {
    let results = vec!["i64"; 18].join(", ");
    let values: Vec<String> = (0..18).map(|i| format!("v{}", i + 10)).collect();
    let consts: String = (0..18).map(|i| format!("    v{} = iconst.i64 {}\n", i + 10, i * 3)).collect();
    let clif = format!(
        r#"
function %many(i64) -> {results} {{
    fn0 = %nest(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
{consts}    v9 = iadd v10, v1
    return v9, {}
}}
function %noop(i64) -> i64 {{
block0(v0: i64):
    return v0
}}
"#,
        values[1..].join(", ")
    );
    let mut linker = Linker::<()>::new();
    linker
        .func_wrap("nest", |mut caller: Caller<'_, ()>, x: i64| -> Result<i64, Trap> {
            let noop = caller.get_typed_func::<i64, i64>("noop").map_err(|e| Trap::new(e.to_string()))?;
            noop.call(&mut caller, x + 1)
        })
        .unwrap();
    let mut instance = instantiate(&linker, &clif, ());
    let many = instance.get_func("many").unwrap();
    let mut out = vec![Val::I64(0); 18];
    many.call(&mut instance, &[Val::I64(41)], &mut out).unwrap();
    let want: Vec<Val> = std::iter::once(Val::I64(42)).chain((1..18).map(|i| Val::I64(i * 3))).collect();
    assert_eq!(out, want);
}

#[test]
fn imports_and_libcall_stubs_are_checked_when_linking() {
    let two_signatures = r#"
function %a(i64) -> i64 {
    fn0 = %ext(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    return v1
}
function %b(i32) -> i32 {
    fn0 = %ext(i32) -> i32
block0(v0: i32):
    v1 = call fn0(v0)
    return v1
}
"#;
    let err = compile_clif(two_signatures).err().unwrap();
    assert!(err.to_string().contains("%ext is declared with two signatures"), "{err}");

    // A builtin reached through its address must be declared as it is.
    let wrong_builtin = r#"
function %f() -> i64 {
    fn0 = %Memset(i64, i64) -> i64
block0:
    v0 = func_addr.i64 fn0
    return v0
}
"#;
    let err = compile_clif(wrong_builtin).err().unwrap();
    assert!(err.to_string().contains("libcall %Memset is declared as (i64, i64) -> i64"), "{err}");

    let wrong_float = r#"
function %f() -> i64 {
    fn0 = %CeilF32(f64) -> f64
block0:
    v0 = func_addr.i64 fn0
    return v0
}
"#;
    let err = compile_clif(wrong_float).err().unwrap();
    assert!(err.to_string().contains("libcall %CeilF32 is declared as (f64) -> f64"), "{err}");
}

/// An untyped host function calls back into the guest untyped, through
/// its `Caller`.
#[test]
fn untyped_calls_back_into_the_guest_through_the_caller() {
    let clif = r#"
function %outer(i64) -> i64 {
    fn0 = %back(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iconst.i64 1
    v3 = iadd v1, v2
    return v3
}
function %double(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}
"#;
    let mut linker = Linker::<()>::new();
    linker
        .func_new("back", &[ValType::I64], &[ValType::I64], |mut caller, args, results| {
            let double = caller.get_func("double").map_err(|e| Trap::new(e.to_string()))?;
            double.call(&mut caller, args, results).map_err(|e| Trap::new(e.to_string()))
        })
        .unwrap();
    let mut instance = instantiate(&linker, clif, ());
    let outer = instance.get_typed_func::<i64, i64>("outer").unwrap();
    assert_eq!(outer.call(&mut instance, 20).unwrap(), 41);
    assert_eq!(instance.vm().suspended_entries(), 0);
}

/// A direct call of a libcall declared with the wrong signature is refused
/// by the same check as its address (`imports_and_libcall_stubs_are_checked_when_linking`).
#[test]
fn a_mis_declared_libcall_call_is_refused() {
    let clif = r#"
function %f(i64) -> i64 {
    fn0 = %Memset(i64, f64, i64) -> i64
block0(v0: i64):
    v1 = f64const 0.0
    v2 = call fn0(v0, v1, v0)
    return v2
}
"#;
    let err = compile_clif(clif).err().unwrap();
    assert!(err.to_string().contains("libcall %Memset is declared as (i64, f64, i64) -> i64"), "{err}");
}

/// A module for 32-bit pointers keeps stack addresses in 32 bits: it runs
/// only on a VM stack below 4 GiB, and says so instead of writing through
/// a truncated address.
#[test]
fn a_module_for_32_bit_pointers_needs_a_stack_below_4_gib() {
    let funcs = cranelift_reader::parse_functions(
        r#"
        function %slot(i32) -> i32 {
            ss0 = explicit_slot 100000
        block0(v0: i32):
            v1 = stack_addr.i32 ss0+99996
            store.i32 v0, v1
            v2 = stack_addr.i32 ss0
            v3 = iconst.i32 99996
            v4 = iadd v2, v3
            v5 = load.i32 v4
            return v5
        }
        "#,
    )
    .unwrap();
    let target = sheave_codegen::Target::named("pulley32be").unwrap();
    let module = sheave_codegen::compile_module(&funcs, &target).unwrap();
    assert_eq!(module.target().to_string(), "32-bit big-endian");
    let module = sheave_embed::Module::from_bytes(&module.to_bytes().unwrap()).unwrap();
    // SAFETY: the function only touches its own stack slot.
    let mut instance = unsafe { Linker::new().instantiate(&module, ()) }.unwrap();
    let slot = instance.get_typed_func::<i32, i32>("slot").unwrap();
    let stack_end = instance.vm().stack_base() + instance.vm().stack_size();
    if stack_end as u64 > 1 << 32 {
        let err = slot.call(&mut instance, 5).unwrap_err().to_string();
        assert!(
            err.contains("compiled for a 32-bit big-endian target, whose pointers cannot reach"),
            "{err}"
        );
    }
    let Some(low) = sheave_filetests::low_stack::low_stack(1 << 20) else {
        eprintln!("skipped the rest: {}", sheave_filetests::low_stack::UNAVAILABLE);
        return;
    };
    *instance.vm_mut() = sheave_embed::Vm::with_stack_memory(low);
    assert_eq!(slot.call(&mut instance, 5).unwrap(), 5);
    assert_eq!(slot.call(&mut instance, -77).unwrap(), -77);
}
