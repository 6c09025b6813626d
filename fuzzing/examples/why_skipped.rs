//! Print why seeded differential cases were skipped (a triage aid).
fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let mut reasons = std::collections::BTreeMap::<String, (usize, u64)>::new();
    for seed in 0..n {
        let data = sheave_fuzzing::seeded_bytes(seed, 64 + (seed as usize % 8) * 128);
        if let Ok(sheave_fuzzing::differential::Verdict::Skipped(why)) =
            sheave_fuzzing::differential::run(&data)
        {
            let key = why.split(": ").skip(2).collect::<Vec<_>>().join(": ");
            reasons.entry(key).or_insert((0, seed)).0 += 1;
        }
    }
    for (why, (count, seed)) in reasons {
        println!("{count:5}  (seed {seed})  {why}");
    }
}
