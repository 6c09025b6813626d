//! The project's own `.clif` tests (every file must pass), and Cranelift's
//! runtests from `../shared/runtests` when that folder exists.

use sheave_filetests::runtest::run_file;
use std::path::{Path, PathBuf};

fn clif_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "clif"))
        .collect();
    files.sort();
    files
}

#[test]
fn own_clif_tests_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen-backend/tests/clif");
    let mut failed = Vec::new();
    for path in clif_files(&dir) {
        // SAFETY: the project's own test files use only their stack slots.
        let report = unsafe { run_file(&std::fs::read_to_string(&path).unwrap()) };
        if !report.passed() || report.passed == 0 {
            failed.push(format!("{}: {:?} {:?}", path.display(), report.error, report.failures));
        }
    }
    assert!(failed.is_empty(), "failing files:\n{}", failed.join("\n"));
}

/// Cranelift's runtests, SIMD files included, on every Pulley target a
/// file names (32- and 64-bit, little- and big-endian): report the counts,
/// and fail on any failing file that is not a known, explained failure,
/// or on a known failure that now passes (so the list stays true).
#[test]
fn shared_runtests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/runtests");
    if !root.exists() {
        eprintln!("skipping: {} does not exist", root.display());
        return;
    }
    let mut surprises = Vec::new();
    for folder in ["pulley64", "beyond"] {
        let (mut passed, mut failed) = (0, Vec::new());
        let mut total = 0;
        for path in clif_files(&root.join(folder)) {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            total += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            // A panic in the backend is a bug, but must not hide the counts.
            // SAFETY: Cranelift's runtests use only their stack slots.
            let report = std::panic::catch_unwind(|| unsafe { run_file(&text) });
            let known = KNOWN_FAILURES.iter().find(|&&(f, n, _)| f == folder && n == name);
            match report {
                Ok(r) if r.passed() => {
                    passed += 1;
                    if known.is_some() {
                        surprises.push(format!("{folder}/{name} passes now: remove it from KNOWN_FAILURES"));
                    }
                }
                Ok(r) => {
                    match known {
                        Some((_, _, why)) => eprintln!("{folder}/{name}: known failure: {why}"),
                        None => surprises.push(format!("{folder}/{name}: {:?} {:?}", r.error, r.failures)),
                    }
                    failed.push(name);
                }
                Err(_) => {
                    surprises.push(format!("{folder}/{name}: the runner panicked"));
                    failed.push(name);
                }
            }
        }
        eprintln!("{folder}: {passed} of {total} files pass; failing: {failed:?}");
    }
    assert!(surprises.is_empty(), "unexpected results:\n{}", surprises.join("\n"));
}

/// Files expected to fail, each with the reason.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[(
    "beyond",
    "i128-conversion.clif",
    "3 run lines expect i128::MAX from fcvt_to_{u,s}int{,_sat}.i128 of f32::MAX, which is \
     cranelift-interpreter's saturating `as i128` cast; CLIF says fcvt_to_sint traps (f32::MAX \
     exceeds i128::MAX) and the unsigned forms give 2^128 - 2^104, as Sheave does",
)];
