//! Builds the C library the native-interop tests call (`native/`) as a
//! shared library, and tells the crate where it is.

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let source = "native/sheave_native_test.c";
    println!("cargo:rerun-if-changed={source}");
    let name = if cfg!(target_os = "macos") {
        "libsheave_native_test.dylib"
    } else if cfg!(windows) {
        "sheave_native_test.dll"
    } else {
        "libsheave_native_test.so"
    };
    let library = out.join(name);
    let compiler = cc::Build::new().opt_level(1).pic(true).get_compiler();
    let mut command = compiler.to_command();
    if compiler.is_like_msvc() {
        command.arg(source).arg("/LD").arg(format!("/Fe{}", library.display()));
    } else {
        command.arg("-shared").arg(source).arg("-o").arg(&library);
    }
    let status = command.status().expect("the C compiler runs");
    assert!(status.success(), "compiling {source} failed");
    println!("cargo:rustc-env=SHEAVE_NATIVE_TEST_LIB={}", library.display());
}
