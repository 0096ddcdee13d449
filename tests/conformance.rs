//! The shared conformance cases (copied under tests/conformance/), run
//! against the real binary and compared the way the shared checker does:
//! due CSVs by column name on the expected file's columns, row by row in
//! order; report JSON on the keys the expected file has.

mod common;

use std::path::Path;

use common::{Workdir, conformance};
use serde_json::Value;

/// Every key of `exp` is in `got` with an equal value.
fn subset(exp: &Value, got: &Value, path: &str) -> Option<String> {
    match (exp, got) {
        (Value::Object(e), Value::Object(g)) => e.iter().find_map(|(k, v)| match g.get(k) {
            None => Some(format!("{path}.{k}: missing")),
            Some(gv) => subset(v, gv, &format!("{path}.{k}")),
        }),
        (Value::Object(_), _) => Some(format!("{path}: expected an object, got {got}")),
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            ((a - b).abs() >= 1e-9).then(|| format!("{path}: expected {a}, got {b}"))
        }
        _ => (exp != got).then(|| format!("{path}: expected {exp}, got {got}")),
    }
}

fn rows(text: &str) -> Vec<Vec<(String, String)>> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

/// Runs every MANIFEST line of `dataset` (data in `data`); returns failures.
fn check_manifest(
    data: &Path,
    expected: &Path,
    filter: impl Fn(&str) -> bool,
) -> (usize, Vec<String>) {
    let wd = Workdir::new();
    wd.copy_from(data);
    let manifest = std::fs::read_to_string(expected.join("MANIFEST.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (name, args) = line.split_once('\t').unwrap();
        if !filter(args) {
            continue;
        }
        ran += 1;
        let args: Vec<&str> = args.split_whitespace().collect();
        let run = wd.run(&args);
        let what = format!("rounds {}", args.join(" "));
        if run.status() != 0 {
            failures.push(format!("{what}: exit {}: {}", run.status(), run.stderr()));
            continue;
        }
        let exp_text = std::fs::read_to_string(expected.join(name)).unwrap();
        if name.ends_with(".json") {
            let exp: Value = serde_json::from_str(&exp_text).unwrap();
            if let Some(d) = subset(&exp, &run.json(), "") {
                failures.push(format!("{what}: {d}"));
            }
        } else {
            let (exp, got) = (rows(&exp_text), rows(&run.stdout()));
            if exp.len() != got.len() {
                failures.push(format!(
                    "{what}: {} rows, expected {}",
                    got.len(),
                    exp.len()
                ));
                continue;
            }
            for (i, (e, g)) in exp.iter().zip(&got).enumerate() {
                let bad = e.iter().find(|(col, val)| {
                    g.iter()
                        .find(|(c, _)| c == col)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or("")
                        != val
                });
                if let Some((col, val)) = bad {
                    failures.push(format!(
                        "{what}: row {} column {col}: expected {val:?}, got {g:?}",
                        i + 1
                    ));
                    break;
                }
            }
        }
    }
    (ran, failures)
}

fn assert_dataset(name: &str, filter: impl Fn(&str) -> bool) {
    let dir = conformance(name);
    let (ran, failures) = check_manifest(&dir, &dir.join("expected"), filter);
    assert!(ran > 0, "no cases ran for {name}");
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn zh_due() {
    assert_dataset("zh", |args| args.starts_with("due"));
}

#[test]
fn zh_report() {
    assert_dataset("zh", |args| args.starts_with("report"));
}

#[test]
fn rolling_every_case() {
    assert_dataset("rolling", |_| true);
}

#[test]
fn history_due() {
    assert_dataset("history", |args| args.starts_with("due"));
}

#[test]
fn history_report() {
    assert_dataset("history", |args| args.starts_with("report"));
}
