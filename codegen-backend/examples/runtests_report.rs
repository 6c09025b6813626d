//! Runs every `.clif` file in the folders given and prints, per failing
//! file, why: `cargo run -p sheave-codegen --example runtests_report -- DIR...`.
//! (A stand-in until the `sheave test` command exists.)

fn main() {
    let mut passed = 0;
    let mut failed = 0;
    for dir in std::env::args().skip(1) {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "clif"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let report = std::panic::catch_unwind(|| sheave_codegen::runtest::run_file(&text));
            let name = path.display();
            match report {
                Ok(r) if r.passed() => {
                    passed += 1;
                    println!("PASS {name}");
                }
                Ok(r) => {
                    failed += 1;
                    let why = r
                        .error
                        .clone()
                        .unwrap_or_else(|| r.failures.first().cloned().unwrap_or_default());
                    println!("FAIL {name}: {}", why.lines().next().unwrap_or(""));
                }
                Err(_) => {
                    failed += 1;
                    println!("FAIL {name}: panicked");
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
}
