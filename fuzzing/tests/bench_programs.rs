//! The benchmark suite's CLIF programs (`benches/clif/`) give the same
//! results in cranelift-interpreter and in Sheave at small sizes: they are
//! known to compute what they claim before anything times them.

use cranelift_codegen::data_value::DataValue;
use sheave_fuzzing::differential::compare;
use std::path::Path;

/// (program, n, expected result where it is known independently)
const CASES: &[(&str, i64, Option<i64>)] = &[
    ("fib", 15, Some(610)),
    ("int_loop", 500, None),
    ("call_loop", 300, None),
    ("hash", 300, None),
    ("collatz", 10, Some(67)),
    ("sieve", 1, Some(1900)),
    ("sort", 1, None),
    ("copy", 2, None),
    ("crc32", 10, Some(0x456c_d746)),
    ("matmul", 1, None),
    ("mandelbrot", 12, None),
    ("nbody", 50, None),
    ("interp", 20, None),
    ("i128", 200, None),
    // Three passes of the SIMD checksum, computed lane by lane in Python.
    ("simd_bytes", 3, Some(136_005_190_310_946_816)),
    // 2500 steps over 1000 keys: 1000 count 1, 1000 count 2, 500 count 3.
    ("hashtable", 2500, Some(4500)),
    // Twenty runs of the 8-op program, computed in Python.
    ("fnptr_interp", 20, Some(8_923_625_180_711_747_582)),
    ("image_filter", 2, None),
];

#[test]
fn benchmark_programs_agree_with_cranelift_interpreter() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/clif");
    for &(name, n, expected) in CASES {
        let text = std::fs::read_to_string(dir.join(format!("{name}.clif"))).unwrap();
        let functions = cranelift_reader::parse_functions(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let result = compare(&functions, "main", &[DataValue::I64(n)], 50_000_000)
            .unwrap_or_else(|e| panic!("{name}({n}): {e}"));
        if let Some(want) = expected {
            assert_eq!(result, [DataValue::I64(want)], "{name}({n})");
        }
    }
    // Every program in the folder has a case (host_loop needs a host; see below).
    let files = std::fs::read_dir(&dir).unwrap().filter_map(|e| {
        let name = e.unwrap().file_name().to_string_lossy().strip_suffix(".clif")?.to_string();
        Some(name)
    });
    for name in files {
        assert!(name == "host_loop" || CASES.iter().any(|c| c.0 == name), "{name}.clif has no case here");
    }
}

#[test]
fn the_host_call_program_calls_the_host() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/clif");
    let module =
        sheave_codegen::compile_clif(&std::fs::read_to_string(dir.join("host_loop.clif")).unwrap()).unwrap();
    let mut linker = sheave_embed::Linker::<u64>::new();
    linker
        .func_wrap("host_add", |mut caller: sheave_embed::Caller<'_, u64>, a: i64, b: i64| {
            *caller.data_mut() += 1;
            a + b
        })
        .unwrap();
    // SAFETY: the program touches only its stack.
    let mut instance = unsafe { linker.instantiate(&module, 0) }.unwrap();
    let main = instance.get_typed_func::<i64, i64>("main").unwrap();
    assert_eq!(main.call(&mut instance, 1000).unwrap(), 1000 * 999 / 2);
    assert_eq!(*instance.data(), 1000);
}
