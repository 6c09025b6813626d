//! The `calc` example's language, compiled through `SheaveModule`: its
//! program runs (strings in data objects, libc, a Rust closure, recursion),
//! and bad programs are errors, not crashes.

#[allow(dead_code)]
#[path = "../examples/calc.rs"]
mod calc;

use cranelift_module::default_libcall_names;
use sheave_module::{SheaveBuilder, SheaveModule};
use std::sync::{Arc, Mutex};

fn module(printed: &Arc<Mutex<Vec<i64>>>) -> SheaveModule {
    let mut builder = SheaveBuilder::new(default_libcall_names()).unwrap();
    let printed = printed.clone();
    builder
        .func_wrap("print", move |x: i64| {
            printed.lock().unwrap().push(x);
            x
        })
        .unwrap();
    SheaveModule::new(builder)
}

#[test]
fn the_example_program_runs() {
    let printed = Arc::new(Mutex::new(Vec::new()));
    let mut m = module(&printed);
    assert_eq!(calc::run(&mut m, calc::PROGRAM).unwrap(), 110);
    assert_eq!(*printed.lock().unwrap(), [12, 6765]);
}

#[test]
fn bad_programs_are_errors() {
    let printed = Arc::new(Mutex::new(Vec::new()));
    for (program, expected) in [
        ("fn main() = nope(1);", "unknown function `nope`"),
        ("fn main() = x;", "unknown variable `x`"),
        ("fn main() = (1 + ;", "unexpected"),
        ("fn main() = 1 / 0;", "int_divz"),
        ("extern no_such_c_function(x); fn main() = no_such_c_function(1);", "no_such_c_function"),
    ] {
        let mut m = module(&printed);
        let e = calc::run(&mut m, program).unwrap_err();
        assert!(format!("{e:?} {e}").contains(expected), "{program}: {e:?}");
    }
}
