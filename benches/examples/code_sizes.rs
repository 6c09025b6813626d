//! Prints the bytecode size of each micro-benchmark program on both VMs:
//! `cargo run -p sheave-benches --example code_sizes`.

use sheave_benches::{pulley_programs::PulleyPrograms, sheave_programs::SheavePrograms};

fn main() {
    let names = ["int_loop", "float_loop", "mem_loop", "call_loop"];
    let fused = SheavePrograms::with_super_instructions(true).code_sizes();
    let unfused = SheavePrograms::with_super_instructions(false).code_sizes();
    let pulley = PulleyPrograms::new().code_sizes();
    println!("{:<12} {:>8} {:>16} {:>8}", "program", "sheave", "sheave-unfused", "pulley");
    for i in 0..4 {
        println!("{:<12} {:>8} {:>16} {:>8}", names[i], fused[i], unfused[i], pulley[i]);
    }
}
