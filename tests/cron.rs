//! The README's crontab, run as cron runs it (`sh -c` of each line), over
//! three nights of an office's inbox: a log with good and bad rows, an
//! empty inbox, then the fixed rejects file back with a new log of the
//! same name as the first. Every visit is stored once, no log is read
//! twice, no rejects file is taken for a log, and what the office is
//! mailed is on the stream the README says.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The commands of the README's crontab (the ```cron block of its "In
/// cron" section) that import, without their schedule.
fn crontab_imports() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("\n## In cron\n").expect("an In cron section")..];
    let block = section
        .split("```cron\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```cron block");
    let commands: Vec<String> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        // MAILTO=… and other settings.
        .filter(|l| !l.split_whitespace().next().unwrap().contains('='))
        .map(|l| {
            // The command is what follows the five schedule fields.
            let mut rest = l.trim_start();
            for _ in 0..5 {
                let end = rest.find(char::is_whitespace).unwrap();
                rest = rest[end..].trim_start();
            }
            rest.to_string()
        })
        .filter(|c| c.split_whitespace().any(|w| w == "import"))
        .collect();
    assert!(!commands.is_empty(), "no import line in:\n{block}");
    commands
}

struct Night {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs the crontab's import lines as cron would on `today`: each under
/// `sh -c`, /srv/rounds being `root`, rounds on the PATH.
fn night(root: &Path, today: &str) -> Vec<Night> {
    let bin = Path::new(env!("CARGO_BIN_EXE_rounds")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    crontab_imports()
        .iter()
        .map(|line| {
            let line = line
                .replace("/srv/rounds", &root.display().to_string())
                .replacen("rounds ", &format!("rounds --today {today} "), 1);
            let Output {
                status,
                stdout,
                stderr,
            } = Command::new("/bin/sh")
                .arg("-c")
                .arg(&line)
                .current_dir(root)
                .env("PATH", &path)
                .env_remove("ROUNDS_DATA")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES")
                .env("LANG", "C")
                .output()
                .unwrap();
            Night {
                status: status.code().unwrap_or(-1),
                stdout: String::from_utf8(stdout).unwrap(),
                stderr: String::from_utf8(stderr).unwrap(),
            }
        })
        .collect()
}

/// (date, household, visitor) of every stored visit, in file order.
fn stored(data: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(data.join("visits.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].to_string(), rec[2].to_string())
        })
        .collect()
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every file of the inbox and of `done/`, relative to `root`, sorted.
fn filed(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|f| !f.starts_with("nongjiang"))
        .collect()
}

fn visit(date: &str, household: &str, visitor: &str) -> (String, String, String) {
    (date.into(), household.into(), visitor.into())
}

#[test]
fn the_readme_crontab_survives_three_nights() {
    let wd = common::Workdir::new();
    let root = wd.path();
    let data: PathBuf = root.join("nongjiang");
    std::fs::create_dir_all(&data).unwrap();
    for f in ["residents.csv", "visits.csv", "needs.csv", "rounds.toml"] {
        std::fs::copy(common::example("nongjiang").join(f), data.join(f)).unwrap();
    }
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let before = stored(&data);
    let shown = |p: PathBuf| p.display().to_string();

    // Night 1: a worker's log with two good rows and two bad ones.
    let first_log = "日期,户号,走访人,走访方式,走访情况\n\
                     2020-07-21,DG01-1-0101,王建国,入户,情况正常\n\
                     2020-07-21,ZZ99-9-9999,王建国,入户,情况正常\n\
                     2020-02-30,DG02-2-0502,王建国,入户,情况正常\n\
                     2020-07-21,XG04-2-0202,陈海涛,电话,情况稳定\n";
    std::fs::write(inbox.join("wang.csv"), first_log).unwrap();
    let runs = night(root, "2020-07-21");
    let n = &runs[0];
    assert_eq!(n.status, 1, "rows were rejected: status 1\n{}", n.stderr);
    let log = shown(inbox.join("wang.csv"));
    let rejects = shown(inbox.join("rejects").join("wang.rejects.csv"));
    // stdout: the summary, and where the log went.
    assert!(
        n.stdout.contains(&format!(
            "{log}: 4 rows · 2 imported · 0 duplicates skipped · 2 rejected"
        )),
        "{}",
        n.stdout
    );
    assert!(
        n.stdout
            .contains(&format!("moved to {}", shown(root.join("done/wang.csv")))),
        "{}",
        n.stdout
    );
    assert!(n.stdout.contains("2 visits added to"), "{}", n.stdout);
    assert!(!n.stdout.contains("rejected:"), "{}", n.stdout);
    assert!(!n.stdout.contains(&rejects), "{}", n.stdout);
    // stderr: each rejected row, and where they were kept.
    assert_eq!(
        n.stderr,
        format!(
            "{log}:3: rejected: unknown household 'ZZ99-9-9999'\n\
             {log}:4: rejected: invalid date '2020-02-30' in date: no such day\n\
             rejected rows, with their line and reason: {rejects} (fix them there and import that file)\n"
        )
    );
    let mut expected = before.clone();
    expected.push(visit("2020-07-21", "DG01-1-0101", "王建国"));
    expected.push(visit("2020-07-21", "XG04-2-0202", "陈海涛"));
    assert_eq!(stored(&data), expected);
    assert_eq!(
        filed(root),
        ["done/wang.csv", "inbox/rejects/wang.rejects.csv"]
    );
    assert_eq!(
        std::fs::read_to_string(root.join("done/wang.csv")).unwrap(),
        first_log
    );

    // Night 2: nothing came in. The shell passes the pattern itself.
    let runs = night(root, "2020-07-22");
    let n = &runs[0];
    assert_eq!(n.status, 0, "{}", n.stderr);
    assert_eq!(
        n.stderr,
        format!(
            "no file matches {}: nothing to import from it\n",
            shown(inbox.join("*.csv"))
        )
    );
    assert!(n.stdout.contains("0 visits added to"), "{}", n.stdout);
    assert_eq!(stored(&data), expected);
    assert_eq!(
        filed(root),
        ["done/wang.csv", "inbox/rejects/wang.rejects.csv"],
        "nothing moved, no rejects of rejects"
    );

    // Night 3: the rejected rows fixed (in a spreadsheet) and the file put
    // back in the inbox, and the worker's next log, named as the first,
    // with one new visit and one already stored.
    let kept = inbox.join("rejects").join("wang.rejects.csv");
    let fixed = std::fs::read_to_string(&kept)
        .unwrap()
        .replace("ZZ99-9-9999", "HW06-2-0302")
        .replace("2020-02-30", "2020-07-20");
    std::fs::write(inbox.join("wang.rejects.csv"), &fixed).unwrap();
    std::fs::remove_file(&kept).unwrap();
    let next_log = "日期,户号,走访人\n\
                    2020-07-23,DG02-2-0502,王建国\n\
                    2020-07-21,DG01-1-0101,王建国\n";
    std::fs::write(inbox.join("wang.csv"), next_log).unwrap();
    let runs = night(root, "2020-07-23");
    let n = &runs[0];
    assert_eq!(n.status, 0, "{}\n{}", n.stdout, n.stderr);
    assert_eq!(n.stderr, "", "nothing rejected, nothing to say");
    for line in [
        format!("{log}: 2 rows · 1 imported · 1 duplicate skipped · 0 rejected"),
        format!(
            "{}: 2 rows · 2 imported · 0 duplicates skipped · 0 rejected",
            shown(inbox.join("wang.rejects.csv"))
        ),
        format!("moved to {}", shown(root.join("done/wang-2.csv"))),
        format!("moved to {}", shown(root.join("done/wang.rejects.csv"))),
        "3 visits added to".to_string(),
    ] {
        assert!(n.stdout.contains(&line), "{line:?} in:\n{}", n.stdout);
    }
    expected.push(visit("2020-07-23", "DG02-2-0502", "王建国"));
    expected.push(visit("2020-07-21", "HW06-2-0302", "王建国"));
    expected.push(visit("2020-07-20", "DG02-2-0502", "王建国"));
    let now = stored(&data);
    assert_eq!(now.len(), expected.len(), "{:?}", &now[before.len()..]);
    let mut added: Vec<_> = now[before.len()..].to_vec();
    let mut want: Vec<_> = expected[before.len()..].to_vec();
    added.sort();
    want.sort();
    assert_eq!(added, want, "each visit once");
    // Every log filed, none over another; no rejects left, none of rejects.
    assert_eq!(
        filed(root),
        ["done/wang-2.csv", "done/wang.csv", "done/wang.rejects.csv"]
    );
    assert_eq!(
        std::fs::read_to_string(root.join("done/wang.csv")).unwrap(),
        first_log
    );
    assert_eq!(
        std::fs::read_to_string(root.join("done/wang-2.csv")).unwrap(),
        next_log
    );
}
