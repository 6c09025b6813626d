//! Programs for the embedding benchmark (`benches/host_calls.rs`): the cost
//! of entering the guest from the host, and of a guest calling the host.
//!
//! The module is hand-assembled (what the compiler emits for the same CLIF,
//! minus the compiler) so that the benchmark's release build does not link
//! Cranelift:
//! - `%empty()`: returns at once: a host-to-guest call and nothing else.
//! - `%add(a: i64, b: i64) -> i64`.
//! - `%ping(n: i64) -> i64`: calls host function `inc(i64) -> i64` `n` times,
//!   threading a counter through it: `n` guest-to-host-to-guest round trips.
//! - `%ping_builtin(n: i64) -> i64`: the same loop calling the `Memset`
//!   builtin (with length 0), which the VM runs without leaving the run loop.

use sheave_embed::{Instance, Linker, Module, ModuleFunction, ModuleImport, ModuleParts, ScalarType};
use sheave_opcodes::{Assembler, Builtin, HOST_FUNC_BASE, PcRel, RegMask, XReg, ops};

fn x(i: u8) -> XReg {
    XReg::new(i).expect("register below 32")
}

/// `%name(n)`: `acc = 0; while n != 0 { acc = callee(acc); n -= 1 } acc`.
fn counted_loop(a: &mut Assembler, callee: sheave_opcodes::Label) {
    let saved = RegMask::default().with_x(x(16)).and_then(|m| m.with_x(x(17))).expect("callee-saved");
    let (top, done) = (a.label(), a.label());
    a.op(ops::PushFrameSave { amt: 16, regs: saved });
    a.op(ops::Xmov { dst: x(16), src: x(0) });
    a.op(ops::Xzero { dst: x(17) });
    a.bind(top);
    a.branch(ops::BrIfXeq64I8 { a: x(16), imm: 0, offset: PcRel(0) }, done).expect("a branch");
    a.op(ops::Xmov { dst: x(0), src: x(17) });
    a.branch(ops::Call { offset: PcRel(0) }, callee).expect("a call");
    a.op(ops::Xmov { dst: x(17), src: x(0) });
    a.op(ops::Xadd64I8 { dst: x(16), a: x(16), imm: -1 });
    a.branch(ops::Jump { offset: PcRel(0) }, top).expect("a branch");
    a.bind(done);
    a.op(ops::Xmov { dst: x(0), src: x(17) });
    a.op(ops::PopFrameRestore { amt: 16, regs: saved });
    a.op(ops::Ret {});
}

/// The module described above.
pub fn module() -> Module {
    let mut a = Assembler::new();
    let mut functions = Vec::new();
    let mut function = |a: &Assembler, start: usize, name: &str, params: usize, results: usize| {
        functions.push(ModuleFunction {
            name: name.into(),
            params: vec![ScalarType::I64; params],
            results: vec![ScalarType::I64; results],
            range: start..a.offset(),
        });
    };
    let (inc_stub, builtin_stub) = (a.label(), a.label());

    let start = a.offset();
    a.op(ops::Ret {});
    function(&a, start, "%empty", 0, 0);

    let start = a.offset();
    a.op(ops::Xadd64 { dst: x(0), a: x(0), b: x(1) });
    a.op(ops::Ret {});
    function(&a, start, "%add", 2, 1);

    let start = a.offset();
    counted_loop(&mut a, inc_stub);
    function(&a, start, "%ping", 1, 1);

    let start = a.offset();
    counted_loop(&mut a, builtin_stub);
    function(&a, start, "%ping_builtin", 1, 1);

    // The import's stub, as the compiler links it.
    let start = a.offset();
    a.bind(inc_stub);
    a.op(ops::CallIndirectHost { id: HOST_FUNC_BASE });
    a.op(ops::Ret {});
    function(&a, start, "%inc", 1, 1);

    // memset(x0, 0, 0) returns x0 unchanged: a builtin that does nothing.
    let start = a.offset();
    a.bind(builtin_stub);
    a.op(ops::Xzero { dst: x(1) });
    a.op(ops::Xzero { dst: x(2) });
    a.op(ops::CallIndirectHost { id: Builtin::Memset.id() });
    a.op(ops::Ret {});
    function(&a, start, "%memset0", 1, 1);

    let code = a.finish().expect("labels bound");
    let imports = vec![ModuleImport {
        name: "%inc".into(),
        params: vec![ScalarType::I64],
        results: vec![ScalarType::I64],
        abi: Default::default(),
    }];
    Module::new(ModuleParts { target: Default::default(), code, functions, imports, indirect_calls: vec![] })
        .expect("hand-assembled module verifies")
}

/// The module instantiated with `inc(x) = x + 1`; the data counts host calls.
pub fn instance() -> Instance<u64> {
    let mut linker = Linker::<u64>::new();
    linker
        .func_wrap("inc", |mut caller: sheave_embed::Caller<'_, u64>, v: i64| {
            *caller.data_mut() += 1;
            v + 1
        })
        .expect("a fresh linker");
    // SAFETY: the module touches only the VM stack.
    unsafe { linker.instantiate(&module(), 0) }.expect("the import is defined")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_programs_compute_what_they_claim() {
        let mut inst = instance();
        inst.get_typed_func::<(), ()>("empty").unwrap().call(&mut inst, ()).unwrap();
        assert_eq!(
            inst.get_typed_func::<(i64, i64), i64>("add").unwrap().call(&mut inst, (40, 2)).unwrap(),
            42
        );
        assert_eq!(inst.get_typed_func::<i64, i64>("ping").unwrap().call(&mut inst, 1000).unwrap(), 1000);
        assert_eq!(*inst.data(), 1000, "one host call per iteration");
        assert_eq!(
            inst.get_typed_func::<i64, i64>("ping_builtin").unwrap().call(&mut inst, 1000).unwrap(),
            0
        );
        assert_eq!(*inst.data(), 1000, "builtins never reach the host");
        assert_eq!(inst.vm().suspended_entries(), 0);
    }
}
