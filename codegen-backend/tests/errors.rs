//! CLIF the backend cannot or must not compile gives an error that says
//! why, never a panic.

use sheave_codegen::{Error, compile_clif};

#[test]
fn invalid_clif_reports_the_verifier_errors() {
    // Parses, but block0 has no terminator.
    let err =
        compile_clif("function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iadd v0, v0\n}\n").unwrap_err();
    assert!(matches!(&err, Error::Verifier { function, .. } if function == "%f"), "{err:?}");
    assert_eq!(err.function(), Some("%f"));
    let err = err.to_string();
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
    assert!(matches!(&err, Error::Unsupported { .. }), "{err:?}");
    let err = err.to_string();
    // 32-bit vectors have no register form.
    assert!(err.contains("%f"), "{err}");
    assert!(err.contains("bitcast.i16x2"), "{err}");
    assert!(err.contains("not supported"), "{err}");
    // Vectors wider than the v-registers.
    let err = compile_clif(
        "function %g(i32) -> i32x8 {\nblock0(v0: i32):\n    v1 = splat.i32x8 v0\n    return v1\n}\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("%g") && err.contains("i32x8") && err.contains("not supported"), "{err}");
}

#[test]
fn a_return_call_indirect_with_every_argument_register_full_is_refused() {
    // 16 integer and 16 float arguments: no register is left for the target.
    let params: Vec<&str> = [["i64"; 16], ["f64"; 16]].concat();
    let params = params.join(", ");
    let block_params: Vec<String> =
        (0..32).map(|i| format!("v{i}: {}", if i < 16 { "i64" } else { "f64" })).collect();
    let args: Vec<String> = (0..32).map(|i| format!("v{i}")).collect();
    let clif = format!(
        "function %f({params}) -> i64 tail {{\n    sig0 = ({params}) -> i64 tail\n    fn0 = %f({params}) -> i64 tail\nblock0({}):\n    v40 = func_addr.i64 fn0\n    return_call_indirect sig0, v40({})\n}}\n",
        block_params.join(", "),
        args.join(", ")
    );
    let err = compile_clif(&clif).unwrap_err().to_string();
    assert!(
        err.contains("passing 16 integer and 16 float values leaves no register for its target"),
        "{err}"
    );
}

#[test]
fn parse_errors_keep_the_parser_error_as_their_source() {
    let err = compile_clif("function %f( {").unwrap_err();
    assert!(matches!(err, Error::Parse(_)), "{err:?}");
    assert_eq!(err.to_string(), "cannot parse the CLIF text");
    let source = std::error::Error::source(&err).expect("the parser's error");
    assert!(source.to_string().contains("1:"), "the parser's error gives the line: {source}");
}

#[test]
fn link_errors_name_the_function() {
    // One callee declared with two signatures by two functions.
    let err = compile_clif(
        "function %a(i64) -> i64 {\n    fn0 = %h(i64) -> i64\nblock0(v0: i64):\n    v1 = call fn0(v0)\n    return v1\n}\n\
         function %b(i32) -> i32 {\n    fn0 = %h(i32) -> i32\nblock0(v0: i32):\n    v1 = call fn0(v0)\n    return v1\n}\n",
    )
    .unwrap_err();
    assert!(matches!(&err, Error::Link { function: Some(_), .. }), "{err:?}");
    assert!(err.to_string().contains("%h is declared with two signatures"), "{err}");
}

#[test]
fn bad_targets_are_typed_errors() {
    let err = sheave_codegen::Target::named("x86").err().expect("refused");
    assert!(matches!(&err, Error::Target { .. }), "{err:?}");
    assert!(err.to_string().contains("unknown target `x86`"), "{err}");
}

#[test]
fn arithmetic_on_f16_and_f128_is_refused_by_name() {
    // f16 and f128 are carried as bits: moves only. Each op that would
    // compute on them is refused, naming itself, rather than miscompiled
    // with the f32/f64 ops.
    for (ty, body) in [
        ("f16", "v2 = fadd v0, v1"),
        ("f16", "v2 = fneg v0"),
        ("f16", "v2 = fcopysign v0, v1"),
        ("f16", "v2 = fcmp eq v0, v1"),
        ("f128", "v2 = fadd v0, v1"),
        ("f128", "v2 = fabs v0"),
        ("f128", "v2 = fcmp lt v0, v1"),
    ] {
        let opcode = body.split_whitespace().nth(2).unwrap();
        let ret = if body.contains("fcmp") { "i8" } else { ty };
        let text = format!(
            "function %f({ty}, {ty}) -> {ret} {{\nblock0(v0: {ty}, v1: {ty}):\n    {body}\n    return v2\n}}\n"
        );
        let err = compile_clif(&text).unwrap_err();
        assert!(matches!(&err, Error::Unsupported { .. }), "{text}: {err:?}");
        let err = err.to_string();
        assert!(err.contains(&format!("`{opcode}` of {ty} values is not supported")), "{err}");
        assert!(err.contains(&format!("(in `v2 = {opcode}")), "{err}");
    }
    // A conversion from f16 too.
    let err = compile_clif(
        "function %g(f16) -> f32 {\nblock0(v0: f16):\n    v1 = fpromote.f32 v0\n    return v1\n}\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`fpromote` of f16 values is not supported"), "{err}");
}

#[test]
fn a_tail_call_moving_stack_results_is_refused() {
    // %g receives no stack arguments and returns 20 integers (4 on the
    // stack); its tail call passes two stack arguments, so the callee would
    // write those 4 results 16 bytes from where %g's caller reads them.
    let results = ["i64"; 20].join(", ");
    let params = ["i64"; 18].join(", ");
    let args = ["v0"; 18].join(", ");
    for (decl, call, what) in [
        ("", "return_call fn0", "`return_call`"),
        ("    v1 = func_addr.i64 fn0\n", "return_call_indirect sig0, v1", "`return_call_indirect`"),
    ] {
        let clif = format!(
            "function %g(i64) -> {results} tail {{\n    sig0 = ({params}) -> {results} tail\n    fn0 = %h({params}) -> {results} tail\nblock0(v0: i64):\n{decl}    {call}({args})\n}}\n"
        );
        let err = compile_clif(&clif).unwrap_err().to_string();
        assert!(err.contains(what), "{err}");
        assert!(err.contains("4 results beyond the result registers"), "{err}");
        assert!(err.contains("(0, not 16)"), "{err}");
    }
}
