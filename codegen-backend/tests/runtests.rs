//! The project's own `.clif` tests (every file must pass), and Cranelift's
//! runtests from `../shared/runtests` when that folder exists.

use sheave_codegen::runtest::run_file;
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clif");
    let mut failed = Vec::new();
    for path in clif_files(&dir) {
        let report = run_file(&std::fs::read_to_string(&path).unwrap());
        if !report.passed() || report.passed == 0 {
            failed.push(format!("{}: {:?} {:?}", path.display(), report.error, report.failures));
        }
    }
    assert!(failed.is_empty(), "failing files:\n{}", failed.join("\n"));
}

/// Cranelift's runtests, SIMD files included: report the counts and the
/// failing files, and never fall below the number that passed when this
/// floor was last raised.
#[test]
fn shared_runtests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/runtests");
    if !root.exists() {
        eprintln!("skipping: {} does not exist", root.display());
        return;
    }
    for (folder, floor) in [("pulley64", PULLEY64_FLOOR), ("beyond", BEYOND_FLOOR)] {
        let (mut passed, mut failed) = (0, Vec::new());
        let mut total = 0;
        for path in clif_files(&root.join(folder)) {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            total += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            // A panic in the backend is a bug, but must not hide the counts.
            let report = std::panic::catch_unwind(|| run_file(&text));
            if matches!(report, Ok(ref r) if r.passed()) {
                passed += 1;
            } else {
                failed.push(name);
            }
        }
        eprintln!("{folder}: {passed} of {total} files pass; failing: {failed:?}");
        assert!(
            passed >= floor,
            "{folder}: {passed} files pass, fewer than the floor of {floor}; failing: {failed:?}"
        );
    }
}

const PULLEY64_FLOOR: usize = 151;
const BEYOND_FLOOR: usize = 86;
