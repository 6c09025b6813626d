//! The `raise` builtin reaching the embedding API as a trap with its code
//! and backtrace.

use sheave_embed::{Linker, Module, ModuleFunction, ModuleParts, ScalarType, TrapCode};
use sheave_opcodes::{Builtin, XReg, encode};

#[test]
fn raise_unwinds_to_the_entry_with_a_backtrace() {
    // %inner: x0 = 5; raise(x0).  %outer: call %inner; ret.
    let mut code = Vec::new();
    encode::xconst8(&mut code, XReg::new(0).unwrap(), 5);
    encode::call_indirect_host(&mut code, Builtin::Raise.id());
    encode::ret(&mut code);
    let outer = code.len();
    encode::push_frame(&mut code);
    let call_at = code.len();
    encode::call(&mut code, sheave_opcodes::PcRel(-(call_at as i32)));
    encode::pop_frame(&mut code);
    encode::ret(&mut code);
    let function = |name: &str, range| ModuleFunction {
        name: name.into(),
        params: vec![],
        results: vec![ScalarType::I32],
        range,
    };
    let module = Module::new(ModuleParts {
        target: Default::default(),
        functions: vec![function("%inner", 0..outer), function("%outer", outer..code.len())],
        code,
        ..Default::default()
    })
    .unwrap();
    // SAFETY: the code touches only the VM stack.
    let mut instance = unsafe { Linker::<()>::new().instantiate(&module, ()) }.unwrap();
    let f = instance.get_typed_func::<(), i32>("outer").unwrap();
    let trap = f.call(&mut instance, ()).unwrap_err();
    assert_eq!(trap.trap_code(), Some(TrapCode(5)));
    let frames: Vec<String> = trap.backtrace().iter().map(|f| f.to_string()).collect();
    assert_eq!(frames, ["%inner+0x3", "%outer+0x6"]);
    assert_eq!(trap.to_string(), "trapped at %inner+0x3: user5");
    assert_eq!(instance.vm().suspended_entries(), 0);
}
