//! Show and run one input of the checked fuzz target:
//! `cargo run -p sheave-fuzzing --example checked_case -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("an input file");
    let data = std::fs::read(path).expect("readable");
    if let Some(code) = sheave_fuzzing::checked::function_code(&data) {
        let mut text = String::new();
        sheave_opcodes::disassemble(&code, sheave_opcodes::DisasOptions::default(), &mut text)
            .expect("disassembles");
        println!("{text}");
    }
    println!("{:?}", sheave_fuzzing::checked::run(&data));
}
