//! Every input the fuzzers kept (tests/fuzz/corpus/TARGET/) and every input
//! that once crashed one (tests/fuzz/crashes/TARGET/) goes through the same
//! checks as in the fuzz targets, on the stable toolchain.

#[path = "fuzz/checks.rs"]
mod checks;

use std::path::Path;

const TARGETS: [&str; 4] = ["date", "level", "header", "read"];

fn inputs(kind: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_input_passes_its_target() {
    for target in TARGETS {
        let check = checks::by_name(target);
        let corpus = inputs("corpus", target);
        assert!(!corpus.is_empty(), "no corpus for {target}");
        for path in corpus.iter().chain(&inputs("crashes", target)) {
            // A fuzzer at work may remove a file it has bettered.
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target} fails on {}", path.display());
        }
    }
}
