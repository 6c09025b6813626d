//! Compiles a `.clif` file and prints each function's bytecode:
//! `cargo run -p sheave-codegen --example disas_clif -- FILE`.
//! (A stand-in until `sheave disas` exists.)

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: disas_clif FILE.clif")?;
    let text = std::fs::read_to_string(&path)?;
    let funcs = cranelift_reader::parse_functions(&text)?;
    let target = sheave_codegen::Target::default_64();
    for func in &funcs {
        let compiled = sheave_codegen::compile(func, &target)?;
        println!("{}:", compiled.name);
        let mut out = String::new();
        sheave_opcodes::disassemble(&compiled.code, Default::default(), &mut out)?;
        print!("{out}");
    }
    Ok(())
}
