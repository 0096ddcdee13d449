//! The safety of `import`: killed at any moment it leaves the old visits or
//! the old plus all the new, never part of them; two imports at once both
//! land in full; a reader during an import sees one state or the other.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Workdir, example, example_copy};

const T: &str = "2021-12-31";

/// The example community's households, in roster order.
fn households() -> Vec<String> {
    let text = std::fs::read_to_string(example("nongjiang").join("residents.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let h = if rec[1].trim().is_empty() {
            rec[0].trim()
        } else {
            rec[1].trim()
        };
        if !out.iter().any(|x| x == h) {
            out.push(h.to_string());
        }
    }
    out
}

/// A log of `n` distinct visits after the example's last one; `tag` makes
/// the visitors of two logs differ.
fn log(n: usize, tag: &str) -> String {
    let hh = households();
    let mut out = String::from("date,household,visitor,kind,note,persons\n");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 7, 21).unwrap();
    for i in 0..n {
        let day = start + chrono::Duration::days((i / (hh.len() * 2)) as i64);
        let h = &hh[i % hh.len()];
        let visitor = format!("{tag}{}", (i / hh.len()) % 2);
        out.push_str(&format!(
            "{day},{h},{visitor},入户,\"情况正常, 第 {i} 条\",1\n"
        ));
    }
    out
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rounds"))
        .arg("--data")
        .arg(dir)
        .args(["--today", T])
        .args(args)
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Parses visits.csv as any CSV reader would: (date, household, visitor).
fn parse(bytes: &[u8]) -> Vec<(String, String, String)> {
    let text = std::str::from_utf8(bytes).expect("the store stays UTF-8");
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.expect("every stored row parses");
            assert_eq!(rec.len(), 6, "a whole row: {rec:?}");
            (rec[0].to_string(), rec[1].to_string(), rec[2].to_string())
        })
        .collect()
}

#[test]
fn killed_at_twenty_moments_the_store_is_old_or_old_plus_all_new() {
    let rows = 200_000;
    let text = log(rows, "w");
    // One run to the end, for the time it takes and the bytes it leaves.
    let full = example_copy("nongjiang");
    full.write("log.csv", &text);
    let old = full.read("visits.csv");
    let started = Instant::now();
    let out = spawn(
        full.path(),
        &["import", full.join("log.csv").to_str().unwrap()],
    )
    .wait_with_output()
    .unwrap();
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = full.read("visits.csv");
    assert_eq!(parse(&new).len(), parse(&old).len() + rows);

    let wd = example_copy("nongjiang");
    wd.write("log.csv", &text);
    let log_path = wd.join("log.csv");
    let mut outcomes = (0, 0);
    for i in 1..=20u32 {
        // Kill moments spread over the whole run, the append at its end included.
        let at = took.mul_f64(f64::from(i) / 20.0);
        let mut child = spawn(wd.path(), &["import", log_path.to_str().unwrap()]);
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // What a reader that honours the journal sees, before any recovery.
        let raw = wd.read("visits.csv");
        let committed = std::fs::read_to_string(wd.join(".visits.csv.journal"))
            .ok()
            .and_then(|j| j.lines().nth(1).map(|n| n.parse::<usize>().unwrap()));
        let seen = &raw[..committed.unwrap_or(raw.len())];
        assert!(
            seen == old.as_slice() || seen == new.as_slice(),
            "kill {i} at {at:?}: a partial import is visible"
        );
        // Any rounds command rolls an unfinished append back; then the
        // file itself is whole for every reader.
        let check = wd.run(&["--today", T, "check"]);
        assert_eq!(check.status(), 0, "kill {i}: {}", check.stderr());
        let after = wd.read("visits.csv");
        assert!(
            after == old || after == new,
            "kill {i} at {at:?}: visits.csv is neither state"
        );
        assert!(!wd.join(".visits.csv.journal").exists());
        parse(&after);
        if after == old {
            outcomes.0 += 1
        } else {
            outcomes.1 += 1
        }
        // Start over from the old state for the next kill.
        wd.write("visits.csv", &old);
    }
    // A new import after a kill completes.
    let mut child = spawn(wd.path(), &["import", log_path.to_str().unwrap()]);
    std::thread::sleep(took / 2);
    let _ = child.kill();
    let _ = child.wait();
    let run = wd.run(&["--today", T, "import", log_path.to_str().unwrap()]);
    assert_eq!(run.status(), 0, "{}", run.stderr());
    assert_eq!(wd.read("visits.csv"), new);
    eprintln!(
        "kills that left the old state: {}, the new: {}",
        outcomes.0, outcomes.1
    );
}

#[test]
fn two_imports_at_once_both_land_and_readers_see_one_state() {
    let wd = example_copy("nongjiang");
    let (a, b) = (log(30_000, "甲"), log(30_000, "乙"));
    wd.write("a.csv", &a).write("b.csv", &b);
    let old = parse(&wd.read("visits.csv"));
    // The example's last visit to the first household, before and after.
    let first = households()[0].clone();
    let due = |wd: &Workdir| {
        let run = wd.run(&["--today", T, "due", "--all", "--format", "csv"]);
        assert_eq!(
            run.status(),
            0,
            "a reader during an import: {}",
            run.stderr()
        );
        run.csv()
            .into_iter()
            .find(|r| r["household"] == first)
            .map(|r| r["last_visit"].clone())
    };
    let before = due(&wd);
    let ia = spawn(wd.path(), &["import", wd.join("a.csv").to_str().unwrap()]);
    let ib = spawn(wd.path(), &["import", wd.join("b.csv").to_str().unwrap()]);
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut ia, mut ib) = (Some(ia), Some(ib));
    while (ia.is_some() || ib.is_some()) && Instant::now() < deadline {
        seen.push(due(&wd));
        for c in [&mut ia, &mut ib] {
            if let Some(child) = c
                && child.try_wait().unwrap().is_some()
            {
                let out = c.take().unwrap().wait_with_output().unwrap();
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    assert!(ia.is_none() && ib.is_none(), "the imports finished");
    let after = parse(&wd.read("visits.csv"));
    assert_eq!(after.len(), old.len() + 60_000, "no row lost or doubled");
    let mut keys = after.clone();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), after.len(), "no row doubled");
    let last = due(&wd);
    // Both logs visit the first household on 2020-07-21 first and later
    // days after; any reader saw the old date or a date an import wrote.
    for s in &seen {
        assert!(s == &before || s.as_deref() > before.as_deref(), "{s:?}");
        assert!(s.as_deref() <= last.as_deref());
    }
}
