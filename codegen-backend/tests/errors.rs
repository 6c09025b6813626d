//! CLIF the backend cannot or must not compile gives an error that says
//! why, never a panic.

use sheave_codegen::compile_clif;

#[test]
fn invalid_clif_reports_the_verifier_errors() {
    // Parses, but block0 has no terminator.
    let err =
        compile_clif("function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iadd v0, v0\n}\n").unwrap_err();
    assert!(err.contains("verifier errors"), "{err}");
    assert!(err.contains("block0"), "{err}");
}

#[test]
fn invalid_clif_is_refused_with_the_verifier_disabled_too() {
    use cranelift_codegen::settings::{self, Configurable};
    let mut flags = settings::builder();
    flags.set("enable_verifier", "false").unwrap();
    let target = sheave_codegen::Target::new(settings::Flags::new(flags), 64, false).unwrap();
    let funcs = cranelift_reader::parse_functions(
        "function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iadd v0, v0\n}\n",
    )
    .unwrap();
    let err = sheave_codegen::compile(&funcs[0], &target).err().expect("refused");
    assert!(err.to_string().contains("verifier errors"), "{err}");
}

#[test]
fn unsupported_instructions_are_named() {
    let err = compile_clif(
        "function %f(i32) -> i32 {\nblock0(v0: i32):\n    v1 = bitcast.i16x2 little v0\n    v2 = iadd v1, v1\n    v3 = bitcast.i32 little v2\n    return v3\n}\n",
    )
    .unwrap_err();
    // 32-bit vectors have no register form.
    assert!(err.contains("%f"), "{err}");
    assert!(err.contains("bitcast.i16x2"), "{err}");
    assert!(err.contains("not supported"), "{err}");
    // Vectors wider than the v-registers.
    let err = compile_clif(
        "function %g(i32) -> i32x8 {\nblock0(v0: i32):\n    v1 = splat.i32x8 v0\n    return v1\n}\n",
    )
    .unwrap_err();
    assert!(err.contains("%g") && err.contains("i32x8") && err.contains("not supported"), "{err}");
}
