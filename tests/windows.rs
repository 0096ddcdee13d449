//! What an office on Windows meets: a data folder named as offices name
//! them (a space and Chinese: `网格 数据\农江社区`), given with the
//! platform's separator, absolute and through `ROUNDS_DATA`, with every
//! command run on it; the exact commands of the README's Task Scheduler
//! lines; and, where a file can be held open the way Excel holds it
//! (Windows, and Wine in CI), every write stopped by it with a message
//! that says what to do, and nothing changed.
//!
//! These tests run on every platform; CI runs them under Wine as well,
//! with the Windows build (see `.ci/run`).

mod common;

#[cfg(windows)]
use std::path::PathBuf;
use std::path::{MAIN_SEPARATOR, MAIN_SEPARATOR_STR, Path};

use common::Workdir;

const TODAY: &str = "2020-07-31";

/// `a`, `b` … joined by the platform's separator, as a user types it
/// (on Windows `网格 数据\农江社区`).
fn typed(parts: &[&str]) -> String {
    parts.join(MAIN_SEPARATOR_STR)
}

/// A work directory with the example community in `网格 数据\农江社区`
/// and a day's log (one good row, one rejected) in `网格 数据\收件箱`.
fn office() -> Workdir {
    let wd = Workdir::new();
    let data = wd.path().join("网格 数据").join("农江社区");
    std::fs::create_dir_all(&data).unwrap();
    let example = common::example("nongjiang");
    for name in [
        "residents.csv",
        "visits.csv",
        "history.csv",
        "needs.csv",
        "workers.csv",
        "rounds.toml",
    ] {
        std::fs::copy(example.join(name), data.join(name)).unwrap();
    }
    wd.write(
        "网格 数据/收件箱/走访 记录.csv",
        "\u{feff}日期,户号,走访人,走访方式,走访情况\r\n\
         2020-07-30,DG01-1-0101,王建国,入户,送去降温用品\r\n\
         2020-07-30,XX99-9-9999,王建国,入户,户号写错了\r\n",
    );
    wd
}

/// Runs `rounds ARGS` in the work directory (the language English).
fn run(wd: &Workdir, args: &[&str]) -> common::Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    wd.run_raw(&args, &[])
}

/// `--data 网格 数据\农江社区 --today 2020-07-31 ARGS`, relative to the
/// work directory, as typed.
fn in_office(wd: &Workdir, args: &[&str]) -> common::Run {
    let data = typed(&["网格 数据", "农江社区"]);
    let mut all = vec!["--data", data.as_str(), "--today", TODAY];
    all.extend_from_slice(args);
    run(wd, &all)
}

#[test]
fn every_command_runs_on_a_folder_with_a_space_and_chinese_in_its_name() {
    let wd = office();
    let data = wd.path().join("网格 数据").join("农江社区");
    let sep = MAIN_SEPARATOR;

    in_office(&wd, &["check"]).ok();
    in_office(&wd, &["due"]).ok().stdout_has("overdue");
    in_office(&wd, &["households", "--grid", "东岗网格"])
        .ok()
        .stdout_has("DG01-1-0101");
    in_office(&wd, &["history", "DG01-1-0101"]).ok();
    in_office(&wd, &["needs"]).ok().stdout_has("N0001");
    in_office(&wd, &["workers"]).ok().stdout_has("王建国");
    in_office(&wd, &["config"])
        .ok()
        .stdout_has(&typed(&["网格 数据", "农江社区"]));

    // Files written into the folders, named as typed.
    let list = typed(&["网格 数据", "逾期 名单.csv"]);
    in_office(&wd, &["due", "-o", &list])
        .ok()
        .stdout_has(&format!("wrote {list}"));
    let written = std::fs::read(wd.path().join("网格 数据").join("逾期 名单.csv")).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBFhousehold,"));
    for name in ["六月 报表.html", "六月 报表.xlsx", "六月 报表.md"] {
        let file = typed(&["网格 数据", name]);
        in_office(&wd, &["report", "--month", "2020-06", "-o", &file])
            .ok()
            .stdout_has(&file);
        let bytes = std::fs::read(wd.path().join("网格 数据").join(name)).unwrap();
        assert!(bytes.len() > 1000, "{name}: {} bytes", bytes.len());
    }

    let csv = typed(&["网格 数据", "六月 概况.csv"]);
    in_office(
        &wd,
        &[
            "report",
            "--month",
            "2020-06",
            "--section",
            "summary",
            "-o",
            &csv,
        ],
    )
    .ok();
    let summary = std::fs::read(wd.path().join(&csv)).unwrap();
    assert!(summary.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");

    // An import of a pattern (expanded by rounds itself, as Windows
    // shells leave it): the good row stored, the bad one kept in a rejects
    // file beside the log, the log moved.
    // Excel's lock file of a log it has open, which the pattern matches.
    wd.write("网格 数据/收件箱/~$走访 记录.csv", b"\x07owner");
    let pattern = typed(&["网格 数据", "收件箱", "*.csv"]);
    let done = typed(&["网格 数据", "已导入"]);
    let rejects = typed(&["网格 数据", "收件箱", "rejects", "走访 记录.rejects.csv"]);
    in_office(&wd, &["import", "--move-to", &done, &pattern])
        .expect(1)
        .stdout_has("1 visit added")
        .stderr_has("走访 记录.csv:3: rejected")
        .stderr_has(&rejects)
        .stderr_has(&format!(
            "skipped {}: the lock file Excel or WPS keeps",
            typed(&["网格 数据", "收件箱", "~$走访 记录.csv"])
        ));
    let kept = std::fs::read_to_string(wd.path().join(&rejects)).unwrap();
    assert!(kept.contains("XX99-9-9999"), "{kept}");
    assert!(wd.path().join(&done).join("走访 记录.csv").is_file());
    assert!(!wd.path().join("网格 数据/收件箱/走访 记录.csv").exists());

    in_office(&wd, &["visit", "DG01-1-0102", "--visitor", "王建国"])
        .ok()
        .stdout_has("recorded the visit");
    in_office(&wd, &["need", "add", "DG01-1-0101", "--text", "楼道灯坏了"])
        .ok()
        .stdout_has("opened need N0043");
    in_office(&wd, &["need", "update", "N0043", "--status", "resolved"]).ok();
    in_office(&wd, &["change", "NJ0001", "--level", "red"])
        .ok()
        .stdout_has("NJ0001");
    let history = std::fs::read_to_string(data.join("history.csv")).unwrap();
    assert!(history.contains("NJ0001"), "{history}");
    in_office(&wd, &["change", "--record"]).ok();

    // A new community beside it.
    let new = typed(&["网格 数据", "新 社区"]);
    run(&wd, &["init", &new])
        .ok()
        .stdout_has(&format!("{new}{sep}residents.csv"));
    run(&wd, &["--data", &new, "check"]).ok();

    // Absolute, and from the environment; the shell's own.
    let absolute = data.display().to_string();
    run(&wd, &["--data", &absolute, "--today", TODAY, "due"])
        .ok()
        .stdout_has("overdue");
    let args = ["--today".to_string(), TODAY.to_string(), "due".to_string()];
    wd.run_raw(&args, &[("ROUNDS_DATA", &absolute)])
        .ok()
        .stdout_has("overdue");
    run(&wd, &["completions", "powershell"])
        .ok()
        .stdout_has("rounds");
    run(&wd, &["man"]).ok().stdout_has(".TH");
}

/// The `schtasks /Create` lines of the README, each as the program and
/// arguments Task Scheduler starts (`/TR "…"`, its `\"` quotes undone and
/// the command line split as Windows splits it).
fn scheduled_commands(readme: &str) -> Vec<(String, Vec<String>)> {
    readme
        .lines()
        .filter(|l| l.starts_with("schtasks /Create"))
        .map(|line| {
            let tr = line.split_once("/TR \"").expect("a /TR").1;
            let tr = tr.strip_suffix('"').expect("/TR quoted to the end");
            assert!(tr.chars().count() <= 261, "/TR longer than schtasks takes");
            let command = tr.replace("\\\"", "\"");
            let words = split_command_line(&command);
            (words[0].clone(), words[1..].to_vec())
        })
        .collect()
}

/// Splits a command line on spaces outside double quotes (what
/// `CommandLineToArgvW` does for lines without backslashes before quotes).
fn split_command_line(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[test]
fn the_task_scheduler_commands_of_the_readme_work_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let tasks = scheduled_commands(&readme);
    assert_eq!(tasks.len(), 2, "the nightly import and the Monday list");
    let wd = office();
    // The README's drive folder D:\网格 数据 is this test's.
    let root = wd.path().join("网格 数据").display().to_string();
    let swap = |word: &str| word.replace(r"D:\网格 数据", &root);
    for (program, args) in &tasks {
        assert_eq!(program, r"C:\rounds\rounds.exe");
        let mut args: Vec<String> = args.iter().map(|a| swap(a)).collect();
        if MAIN_SEPARATOR != '\\' {
            for a in &mut args {
                *a = a.replace('\\', "/");
            }
        }
        // Task Scheduler starts a task in C:\Windows\System32: no path
        // may lean on the working directory.
        let elsewhere = Workdir::new();
        let mut all = vec!["--today".to_string(), TODAY.to_string()];
        all.extend(args.iter().cloned());
        let ran = elsewhere.run_raw(&all, &[]);
        match args.iter().any(|a| a == "import") {
            // The log holds a rejected row: status 1, as Task Scheduler's
            // "last run result" 0x1 shows.
            true => {
                ran.expect(1);
                let done = wd
                    .path()
                    .join("网格 数据")
                    .join("已导入")
                    .join("走访 记录.csv");
                assert!(done.is_file(), "the log was moved");
            }
            false => {
                ran.ok().stdout_is_empty();
                let list = std::fs::read(wd.path().join("网格 数据").join("逾期名单.csv"))
                    .expect("the Monday list");
                assert!(list.starts_with(b"\xEF\xBB\xBF"));
                assert!(String::from_utf8_lossy(&list).contains("overdue"));
            }
        }
    }
}

/// Every file under `dir` (hidden ones too, but the lock file and the
/// caches), with its bytes.
#[cfg(windows)]
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut all = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == ".rounds.lock" || name == ".rounds-cache" || name == ".rounds" {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                all.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    all
}

/// Opens `path` as Excel and WPS hold a file they show: read, shared for
/// reading only, so that no other program may write, replace or move it.
#[cfg(windows)]
fn hold_open(path: &Path) -> std::fs::File {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    std::fs::OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ)
        .open(path)
        .unwrap()
}

#[cfg(windows)]
#[test]
fn a_file_open_in_excel_stops_each_write_and_changes_nothing() {
    let wd = office();
    let data = wd.path().join("网格 数据").join("农江社区");
    let inbox = wd.path().join("网格 数据").join("收件箱");
    let log = typed(&["网格 数据", "收件箱", "走访 记录.csv"]);
    let done = typed(&["网格 数据", "已导入"]);
    let cases: [(PathBuf, Vec<&str>); 6] = [
        (
            data.join("visits.csv"),
            vec!["visit", "DG01-1-0102", "--visitor", "王建国"],
        ),
        (data.join("visits.csv"), vec!["import", &log]),
        (
            data.join("needs.csv"),
            vec!["need", "add", "DG01-1-0101", "--text", "楼道灯坏了"],
        ),
        (
            data.join("residents.csv"),
            vec!["change", "NJ0001", "--level", "red"],
        ),
        (
            data.join("history.csv"),
            vec!["change", "NJ0001", "--level", "red"],
        ),
        (
            inbox.join("走访 记录.csv"),
            vec!["import", "--move-to", &done, &log],
        ),
    ];
    for (held, args) in &cases {
        let before = (files(&data), files(&inbox));
        let handle = hold_open(held);
        // Named as the command was given it (relative).
        let name = held.strip_prefix(wd.path()).unwrap().display().to_string();
        in_office(&wd, args)
            .expect(4)
            .stderr_has(&format!(
                "{name} is open in another program (Excel or WPS?), which keeps rounds \
                 from using it: close it there, then run rounds again"
            ))
            .stderr_lacks("os error");
        let mut zh = vec!["--lang", "zh"];
        zh.extend(args.iter().copied());
        in_office(&wd, &zh)
            .expect(4)
            .stderr_has(&format!("{name} 正被另一个程序（Excel 或 WPS？）打开"));
        assert!(
            (files(&data), files(&inbox)) == before,
            "{args:?} with {name} held open changed files"
        );
        // While it is held, reading works (Excel shares it for reading).
        in_office(&wd, &["due"]).ok().stdout_has("overdue");
        in_office(&wd, &["check"]).ok();
        drop(handle);
        // Closed, the same command goes through.
        let status = in_office(&wd, args).status();
        assert!(
            status == 0 || status == 1,
            "{args:?} after closing: {status}"
        );
        assert!(
            files(&data) != before.0,
            "{args:?} wrote nothing after closing"
        );
        // Back to the start for the next case.
        for (path, bytes) in before.0.iter().chain(&before.1) {
            std::fs::write(path, bytes).unwrap();
        }
        for extra in files(&data).keys().chain(files(&inbox).keys()) {
            if !before.0.contains_key(extra) && !before.1.contains_key(extra) {
                std::fs::remove_file(extra).unwrap();
            }
        }
        let _ = std::fs::remove_dir_all(wd.path().join(&done));
        let _ = std::fs::remove_dir_all(data.join(".rounds"));
    }
}
