//! The `sheave` binary, run as a user would.

use std::process::Command;

fn sheave(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sheave")).args(args).output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

const CLIF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../codegen-backend/tests/clif");

#[test]
fn run_prints_results_and_reports_traps() {
    let file = format!("{CLIF}/control.clif");
    let (ok, out, _) = sheave(&["run", &file, "--invoke", "fib", "20"]);
    assert!(ok);
    assert_eq!(out.trim(), "6765");
    let file = format!("{CLIF}/int-basic.clif");
    let (ok, _, err) = sheave(&["run", &file, "--invoke", "div8", "1", "0"]);
    assert!(!ok, "a trap exits non-zero");
    assert!(err.contains("trapped at %div8+0x") && err.contains("int_divz"), "{err}");
    let (ok, _, err) = sheave(&["run", &file, "--invoke", "nope"]);
    assert!(!ok);
    assert!(err.contains("no function %nope"), "{err}");
    let (ok, _, err) = sheave(&["run", &file, "--invoke", "add", "1"]);
    assert!(!ok, "too few arguments is an error");
    assert!(err.contains("arguments"), "{err}");
}

#[test]
fn test_counts_files_and_shows_expected_versus_got() {
    let (ok, out, _) = sheave(&["test", CLIF]);
    assert!(ok, "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{out}");

    let dir = std::env::temp_dir().join(format!("sheave-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("wrong.clif");
    std::fs::write(
        &bad,
        "test run\nfunction %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n; run: %f(1) == 2\n; run: %f(3) == 3\n",
    )
    .unwrap();
    let (ok, out, _) = sheave(&["test", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(out.contains("FAIL") && out.contains("1 of 2 run lines failed"), "{out}");
    assert!(out.contains("actual: 1"), "expected versus got: {out}");
    assert_eq!(out.lines().last().unwrap(), "0 passed, 1 failed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn disas_shows_offsets_bytes_and_ops() {
    let file = format!("{CLIF}/control.clif");
    let (ok, out, _) = sheave(&["disas", &file]);
    assert!(ok);
    assert!(out.contains("%fib ("), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("0:") && l.contains(' ')), "{out}");
    assert!(out.contains("call "), "{out}");
}

#[test]
fn disas_clif_shows_what_lowering_sees() {
    // The CLIF after the mid-end, before each function's bytecode.
    let file = format!("{CLIF}/loop-invariants.clif");
    let (ok, out, err) = sheave(&["disas", "--clif", &file]);
    assert!(ok, "{err}");
    let clif = out.find("function %nested").expect("the optimized CLIF");
    let bytecode = out.find("%nested (").expect("the bytecode");
    assert!(clif < bytecode, "{out}");
    // A module holds no CLIF to show.
    let dir = std::env::temp_dir().join(format!("sheave-cli-clif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shv = dir.join("invariants.shv");
    let (ok, _, err) = sheave(&["compile", &file, "-o", shv.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = sheave(&["disas", "--clif", shv.to_str().unwrap()]);
    assert!(!ok && err.contains("not CLIF"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compile_writes_a_module_that_runs_and_damage_is_refused() {
    let dir = std::env::temp_dir().join(format!("sheave-cli-shv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shv = dir.join("control.shv");
    let file = format!("{CLIF}/control.clif");
    let (ok, out, err) = sheave(&["compile", &file, "-o", shv.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = sheave(&["run", shv.to_str().unwrap(), "--invoke", "sum", "10"]);
    assert!(ok);
    assert_eq!(out.trim(), "45");
    let (ok, _, err) = sheave(&["run", shv.to_str().unwrap(), "--invoke", "sum", "1", "2"]);
    assert!(!ok, "wrong argument count is an error: {err}");
    // A module disassembles like the CLIF it came from, function by
    // function (but for calls and function addresses, which only the
    // module has linked).
    let (ok, from_module, err) = sheave(&["disas", shv.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (_, from_clif, _) = sheave(&["disas", &file]);
    assert!(from_module.contains("%fib ("), "{from_module}");
    for line in from_clif.lines().filter(|l| !l.contains("call") && !l.contains("xpcadd")) {
        assert!(from_module.contains(line), "{line} is missing from the module's disassembly");
    }
    let mut bytes = std::fs::read(&shv).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&shv, &bytes).unwrap();
    let (ok, _, err) = sheave(&["run", shv.to_str().unwrap(), "--invoke", "sum", "10"]);
    assert!(!ok);
    // The whole chain: which file, then why.
    assert!(err.contains("cannot load") && err.contains("corrupted"), "{err}");
    std::fs::write(&shv, &bytes[..10]).unwrap();
    let (ok, _, err) = sheave(&["run", shv.to_str().unwrap()]);
    assert!(!ok && err.contains("error:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_binds_imports_to_libc_and_to_given_libraries() {
    // libc from the process, with no --lib.
    let hello = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/hello.clif");
    let (ok, out, err) = sheave(&["run", hello, "--invoke", "main"]);
    assert!(ok, "{err}");
    assert_eq!(out, "hello, world\n12\n");
    // A library of the user's.
    let dir = std::env::temp_dir().join(format!("sheave-cli-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("add.clif");
    std::fs::write(
        &file,
        "function %sum(i64, i64) -> i64 {\n    fn0 = %add_i64(i64, i64) -> i64\nblock0(v0: i64, v1: i64):\n    v2 = call fn0(v0, v1)\n    return v2\n}\n",
    )
    .unwrap();
    let lib = sheave_filetests::native_test_library().to_str().unwrap();
    let (ok, out, err) = sheave(&["run", file.to_str().unwrap(), "--lib", lib, "40", "2"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "42");
    // Without the library the import is unresolved, and the error says so.
    let (ok, _, err) = sheave(&["run", file.to_str().unwrap(), "40", "2"]);
    assert!(!ok);
    assert!(err.contains("cannot bind import `%add_i64`") && err.contains("no symbol `add_i64`"), "{err}");
    let (ok, _, err) = sheave(&["run", file.to_str().unwrap(), "--lib", "/no/such.so", "1", "2"]);
    assert!(!ok);
    assert!(err.contains("cannot open native library /no/such.so"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checked_runs_trap_instead_of_touching_host_memory() {
    let dir = std::env::temp_dir().join(format!("sheave-cli-safe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clif = dir.join("peek.clif");
    std::fs::write(
        &clif,
        "function %peek(i64) -> i64 {\nblock0(v0: i64):\n    v1 = load.i64 v0\n    return v1\n}\n",
    )
    .unwrap();
    let clif = clif.to_str().unwrap();
    // Address 0: a trap with the function and offset, exit 1, not SIGSEGV.
    let (ok, _, err) = sheave(&["run", clif, "--safe", "0"]);
    assert!(!ok);
    assert!(err.contains("trapped at %peek+0x0: heap_oob"), "{err}");
    // A .shv file runs checked unless trusted.
    let shv = dir.join("peek.shv");
    let shv = shv.to_str().unwrap();
    let (ok, _, err) = sheave(&["compile", clif, "-o", shv]);
    assert!(ok, "{err}");
    let (ok, _, err) = sheave(&["run", shv, "4096"]);
    assert!(!ok);
    assert!(err.contains("heap_oob"), "{err}");
    // Imports are native code: a checked run refuses them.
    let hello = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/hello.clif");
    let (ok, _, err) = sheave(&["run", hello, "--safe"]);
    assert!(!ok);
    assert!(err.contains("out of a checked run's reach") && err.contains("without --safe"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
