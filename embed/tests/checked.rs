//! Checked instances: a module that tries to reach memory it was not
//! given, to call into the middle of a function, to return through a
//! forged address, or to run forever, traps instead, and the host goes on.

use sheave_codegen::compile_clif;
use sheave_embed::{Error, HostBuffer, Instance, Linker, TrapCode, TrapKind, TrapReason};

fn checked(clif: &str) -> Instance<()> {
    // `get_frame_pointer` needs `preserve_frame_pointers`.
    use cranelift_codegen::settings::{self, Configurable};
    let mut flags = settings::builder();
    flags.set("preserve_frame_pointers", "true").unwrap();
    let target = sheave_codegen::Target::new(settings::Flags::new(flags), 64, false).unwrap();
    let funcs = cranelift_reader::parse_functions(clif).unwrap();
    let module = sheave_codegen::compile_module(&funcs, &target).unwrap();
    // No `unsafe`: the checks make running any verified module safe.
    Linker::<()>::new().instantiate_checked(&module, ()).unwrap()
}

fn kind(trap: &sheave_embed::Trap) -> TrapKind {
    match trap.reason() {
        TrapReason::Guest(kind) => *kind,
        other => panic!("expected a guest trap, got {other:?}"),
    }
}

const MEMORY: &str = r#"
function %load(i64) -> i64 {
block0(v0: i64):
    v1 = load.i64 v0
    return v1
}
function %store(i64, i64) {
block0(v0: i64, v1: i64):
    store v1, v0+8
    return
}
function %stack_sum(i64) -> i64 {
    ss0 = explicit_slot 16
block0(v0: i64):
    v4 = stack_addr.i64 ss0
    store v0, v4
    store v0, v4+8
    v1 = load.i64 v4
    v2 = load.i64 v4+8
    v3 = iadd v1, v2
    return v3
}
function %copy(i64, i64, i64) {
    fn0 = %Memcpy(i64, i64, i64) -> i64
block0(v0: i64, v1: i64, v2: i64):
    v3 = call fn0(v0, v1, v2)
    return
}
"#;

#[test]
fn memory_outside_the_stack_and_granted_buffers_traps() {
    let mut instance = checked(MEMORY);
    assert!(instance.is_checked());
    let load = instance.get_typed_func::<u64, i64>("load").unwrap();
    // Address 0, and the host's own memory: heap_oob, with where.
    for addr in [0u64, &instance as *const _ as u64, u64::MAX - 3] {
        let trap = load.call(&mut instance, addr).unwrap_err();
        assert_eq!(trap.trap_code(), Some(TrapCode::HEAP_OUT_OF_BOUNDS), "{trap}");
        assert_eq!(trap.function(), Some("%load"), "{trap}");
    }
    // The stack is the guest's.
    let stack_sum = instance.get_typed_func::<i64, i64>("stack_sum").unwrap();
    assert_eq!(stack_sum.call(&mut instance, 21).unwrap(), 42);
    // A granted buffer is too, exactly its bytes.
    let mut buffer = HostBuffer::new(16).unwrap();
    buffer.write_i64(8, 1234).unwrap();
    let granted = instance.grant(buffer);
    let base = instance.buffer(granted).addr();
    assert_eq!(load.call(&mut instance, base + 8).unwrap(), 1234);
    let trap = load.call(&mut instance, base + 9).unwrap_err();
    assert_eq!(kind(&trap), TrapKind::MemoryOutOfBounds, "one byte past the end");
    let store = instance.get_typed_func::<(u64, i64), ()>("store").unwrap();
    store.call(&mut instance, (base, 77)).unwrap();
    assert_eq!(instance.buffer(granted).read_i64(8).unwrap(), 77);
    assert!(store.call(&mut instance, (base + 1, 77)).is_err());
    // Memory of the embedder's own, granted by range.
    let own = Box::leak(Box::new([5i64, 6, 7]));
    let own_addr = own.as_ptr() as u64;
    // SAFETY: leaked, so valid for the instance's life; only the guest uses it.
    unsafe { instance.grant_region(own_addr as usize..own_addr as usize + 24) };
    assert_eq!(load.call(&mut instance, own_addr + 16).unwrap(), 7);
    assert!(load.call(&mut instance, own_addr + 17).is_err());
    // Builtins check the memory they touch.
    let copy = instance.get_typed_func::<(u64, u64, u64), ()>("copy").unwrap();
    copy.call(&mut instance, (base, base + 8, 8)).unwrap();
    assert_eq!(instance.buffer(granted).read_i64(0).unwrap(), 77);
    let trap = copy.call(&mut instance, (base, 0x1000, 8)).unwrap_err();
    assert_eq!(kind(&trap), TrapKind::MemoryOutOfBounds, "{trap}");
    let trap = copy.call(&mut instance, (base, base, 17)).unwrap_err();
    assert_eq!(kind(&trap), TrapKind::MemoryOutOfBounds, "{trap}");
}

#[test]
fn indirect_calls_and_returns_only_reach_where_the_code_says() {
    let clif = r#"
function %target(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 1
    v2 = iadd v0, v1
    return v2
}
; Calls %target's address plus `skew`.
function %call_skewed(i64, i64) -> i64 {
    sig0 = (i64) -> i64
    fn0 = %target sig0
block0(v0: i64, v1: i64):
    v2 = func_addr.i64 fn0
    v3 = iadd v2, v0
    v4 = call_indirect sig0, v3(v1)
    return v4
}
; Overwrites its own saved return address, then returns.
function %forge_return(i64) -> i64 {
    fn0 = %target(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = get_frame_pointer.i64
    store v0, v2+8
    return v1
}
; Moves the stack pointer into host memory, then calls.
function %caller(i64) -> i64 {
    fn0 = %forge_return(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    return v1
}
"#;
    let mut instance = checked(clif);
    let call = instance.get_typed_func::<(i64, i64), i64>("call_skewed").unwrap();
    assert_eq!(call.call(&mut instance, (0, 41)).unwrap(), 42);
    for skew in [1, 2, 5, -1, 1 << 40] {
        let trap = call.call(&mut instance, (skew, 41)).unwrap_err();
        assert!(
            matches!(kind(&trap), TrapKind::BadCallTarget | TrapKind::MemoryOutOfBounds),
            "skew {skew}: {trap}"
        );
    }
    let caller = instance.get_typed_func::<i64, i64>("caller").unwrap();
    let trap = caller.call(&mut instance, 12345).unwrap_err();
    assert_eq!(kind(&trap), TrapKind::BadCallTarget, "{trap}");
    // The instance goes on.
    assert_eq!(call.call(&mut instance, (0, 1)).unwrap(), 2);
}

#[test]
fn fuel_bounds_how_long_a_guest_runs() {
    let clif = r#"
function %spin(i64) -> i64 {
block0(v0: i64):
    jump block1(v0)
block1(v1: i64):
    v2 = iconst.i64 1
    v3 = iadd v1, v2
    jump block1(v3)
}
function %count(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v1)
block1(v2: i64):
    v3 = icmp ult v2, v0
    brif v3, block2, block3
block2:
    v4 = iconst.i64 1
    v5 = iadd v2, v4
    jump block1(v5)
block3:
    return v2
}
"#;
    let mut instance = checked(clif);
    assert_eq!(instance.fuel(), None);
    instance.set_fuel(Some(10_000));
    let count = instance.get_typed_func::<i64, i64>("count").unwrap();
    assert_eq!(count.call(&mut instance, 100).unwrap(), 100);
    let left = instance.fuel().unwrap();
    assert!(left < 10_000 && left > 9_000, "{left}");
    let spin = instance.get_typed_func::<i64, i64>("spin").unwrap();
    let trap = spin.call(&mut instance, 0).unwrap_err();
    assert_eq!(kind(&trap), TrapKind::OutOfFuel, "{trap}");
    assert_eq!(instance.fuel(), Some(0));
    instance.set_fuel(Some(1_000_000));
    assert_eq!(count.call(&mut instance, 1000).unwrap(), 1000);
    instance.set_fuel(None);
    assert_eq!(count.call(&mut instance, 100_000).unwrap(), 100_000);
}

#[test]
fn checked_instances_bind_imports_to_rust_only() {
    let clif = "function %f(i64) -> i64 {\n    fn0 = %strlen(i64) -> i64\nblock0(v0: i64):\n    v1 = call fn0(v0)\n    return v1\n}\n";
    let module = compile_clif(clif).unwrap();
    let mut linker = Linker::<()>::new();
    linker.native_process().unwrap();
    let e = linker.instantiate_checked(&module, ()).err().unwrap();
    assert!(matches!(e, Error::UnresolvedImport { .. }), "{e}");
    assert!(e.to_string().contains("Rust host functions only"), "{e}");
    let mut linker = Linker::<()>::new();
    linker.func_wrap("strlen", |_: i64| 3i64).unwrap();
    let mut instance = linker.instantiate_checked(&module, ()).unwrap();
    let f = instance.get_typed_func::<i64, i64>("f").unwrap();
    assert_eq!(f.call(&mut instance, 0).unwrap(), 3);
}
