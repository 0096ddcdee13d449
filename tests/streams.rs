//! What the README promises about the two streams and the exit status:
//! a command's data (tables, csv, json, reports, the import summary, the
//! id of a new need) on stdout; errors, rejected rows, where they were
//! kept and notes such as a wait for the lock on stderr; 0 success, 1 for
//! `due --exit-code` with something overdue or an import that rejected
//! rows, 2 bad usage, 3 invalid data, 4 a file that cannot be read. The
//! tests run with both streams piped, as in cron: no colour, no progress
//! bar. (The crontab itself, empty inbox included, is tests/cron.rs.)

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use common::{Workdir, community, example_copy};

/// Three red and green households of one worker. On 2020-07-20 (a Monday)
/// nothing is overdue and H1 is due by Sunday; on 2020-07-27 H1 is a day
/// overdue and H3 due.
const RESIDENTS: &str = "id,household,name,level,grid,building,phone,visitor\n\
    R1,H1,张三,red,G1,B1,13812345678,王芳\n\
    R2,H2,李四,green,G1,B1,13900001111,王芳\n\
    R3,H3,王五,red,G1,B2,,王芳\n";
const VISITS: &str = "date,household,visitor\n\
    2020-07-13,H1,王芳\n\
    2020-07-01,H2,王芳\n\
    2020-07-20,H3,王芳\n";

/// Nothing overdue, H1 due.
const DUE_ONLY: &str = "2020-07-20";
/// H1 overdue, H3 due.
const OVERDUE: &str = "2020-07-27";

/// The community with an unknown level on line 5 of its roster.
fn broken() -> Workdir {
    community(
        format!("{RESIDENTS}R4,H4,赵六,purple,G1,B1,,王芳\n"),
        VISITS,
    )
}

#[test]
fn every_data_command_writes_its_data_on_stdout_and_nothing_on_stderr() {
    let wd = example_copy("nongjiang");
    let commands: &[&[&str]] = &[
        &["due"],
        &["due", "--format", "csv"],
        &["due", "--format", "json"],
        &["due", "--format", "md"],
        &["due", "--visitor", "赵卫东", "--format", "html"],
        &["households", "--building", "3栋"],
        &["households", "--format", "csv"],
        &["households", "--format", "json"],
        &["history", "HW01-1-0202"],
        &["history", "HW01-1-0202", "--format", "json"],
        &["needs", "--open"],
        &["needs", "--format", "csv"],
        &["needs", "--format", "json"],
        &["report", "--month", "2020-06"],
        &["report", "--month", "2020-06", "--format", "md"],
        &["report", "--month", "2020-06", "--format", "html"],
        &["report", "--month", "2020-06", "--format", "csv"],
        &["report", "--month", "2020-06", "--format", "json"],
        &["check"],
        &["config"],
        &["config", "--format", "json"],
        // `rounds man > rounds.1`, `source <(rounds completions bash)`.
        &["man"],
        &["completions", "bash"],
    ];
    for args in commands {
        let mut all = vec!["--today", "2020-07-20"];
        all.extend_from_slice(args);
        let run = wd.run(&all).ok().stderr_is_empty();
        assert!(!run.stdout().trim().is_empty(), "{args:?}: no data");
        // In a pipe there is no colour.
        let run = run.stdout_lacks("\u{1b}[");
        if args.contains(&"json") {
            run.json();
        }
    }
}

#[test]
fn due_shows_its_list_and_summary_on_stdout() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", OVERDUE, "due"])
        .ok()
        .stderr_is_empty()
        .stdout_has("1 d overdue")
        .stdout_has("due (6 d left)")
        .stdout_has("overdue 1 (red 1) · due 1 (red 1) · 2 listed of 3 active households");
    let run = wd
        .run(&["--today", OVERDUE, "due", "--format", "csv"])
        .ok()
        .stderr_is_empty();
    let rows = run.csv();
    let listed: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["household"].as_str(), r["status"].as_str()))
        .collect();
    assert_eq!(listed, [("H1", "overdue"), ("H3", "due")]);
}

#[test]
fn due_quiet_prints_nothing_until_a_household_is_overdue() {
    let wd = community(RESIDENTS, VISITS);
    // H1 is due, nothing is overdue: not a word, on either stream.
    wd.run(&["--today", DUE_ONLY, "due", "--quiet"])
        .ok()
        .stdout_is_empty()
        .stderr_is_empty();
    // One overdue: the usual list, the due household with it.
    wd.run(&["--today", OVERDUE, "due", "--quiet"])
        .ok()
        .stderr_is_empty()
        .stdout_has("H1")
        .stdout_has("1 d overdue")
        .stdout_has("H3")
        .stdout_has("due (6 d left)");
}

#[test]
fn due_exit_code_is_1_when_something_is_overdue_and_no_error_is_said() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", DUE_ONLY, "due", "--exit-code"])
        .ok()
        .stderr_is_empty()
        .stdout_has("due (6 d left)");
    for args in [
        &["due", "--exit-code"][..],
        &["due", "--exit-code", "--format", "csv"],
        &["due", "--exit-code", "--quiet"],
    ] {
        let mut all = vec!["--today", OVERDUE];
        all.extend_from_slice(args);
        wd.run(&all).expect(1).stderr_is_empty().stdout_has("H1");
    }
}

#[test]
fn invalid_data_stops_every_command_with_status_3_said_on_stderr() {
    let wd = broken();
    std::fs::write(wd.join("log.csv"), "date,household\n2020-07-21,H2\n").unwrap();
    let visits = wd.read("visits.csv");
    for args in [
        &["due"][..],
        &["due", "--format", "json"],
        &["households"],
        &["report", "--month", "2020-06"],
        &["import", "log.csv"],
        &["visit", "H2"],
    ] {
        let mut all = vec!["--today", DUE_ONLY];
        all.extend_from_slice(args);
        wd.run(&all)
            .expect(3)
            .stdout_is_empty()
            .stderr_has("residents.csv:5: error: unknown level 'purple'")
            .stderr_has("rounds: stopped: 1 error in the data, nothing was changed");
    }
    assert_eq!(wd.read("visits.csv"), visits, "nothing was changed");
}

#[test]
fn check_reports_its_findings_on_stdout_with_status_3_for_errors() {
    // The problems are what `check` was asked for: its output.
    broken()
        .run(&["--today", DUE_ONLY, "check"])
        .expect(3)
        .stderr_is_empty()
        .stdout_has("residents.csv:5: error: unknown level 'purple'")
        .stdout_has("1 error, 0 warnings in 2 files");
    // A warning alone passes, except with --strict.
    let wd = community(RESIDENTS, format!("{VISITS}2020-07-02,ZZ,王芳\n"));
    wd.run(&["--today", DUE_ONLY, "check"])
        .ok()
        .stderr_is_empty()
        .stdout_has("visits.csv:5: warning: unknown household 'ZZ'")
        .stdout_has("0 errors, 1 warning in 2 files");
    wd.run(&["--today", DUE_ONLY, "check", "--strict"])
        .expect(3)
        .stderr_is_empty()
        .stdout_has("visits.csv:5: error: unknown household 'ZZ'");
}

#[test]
fn import_summary_on_stdout_rejected_rows_and_their_file_on_stderr() {
    let wd = community(RESIDENTS, VISITS).with(
        "log.csv",
        "date,household,visitor\n\
         2020-07-21,H2,王芳\n\
         2020-02-30,H1,王芳\n\
         2020-07-22,NOPE,王芳\n",
    );
    let visits = wd.read("visits.csv");
    // --dry-run: the same summary, and nothing written.
    wd.run(&["--today", OVERDUE, "import", "--dry-run", "log.csv"])
        .expect(1)
        .stdout_has("log.csv: 3 rows · 1 imported · 0 duplicates skipped · 2 rejected")
        .stdout_has("dry run: 1 visit would be added")
        .stdout_lacks("rejected:")
        .stderr_has("log.csv:3: rejected: invalid date '2020-02-30' in date: no such day")
        .stderr_has("log.csv:4: rejected: unknown household 'NOPE'")
        .stderr_lacks(" rows · ");
    assert_eq!(wd.read("visits.csv"), visits);
    assert!(!wd.join("rejects").exists(), "a dry run keeps no rejects");

    wd.run(&["--today", OVERDUE, "import", "log.csv"])
        .expect(1)
        .stdout_has("log.csv: 3 rows · 1 imported · 0 duplicates skipped · 2 rejected")
        .stdout_has("1 visit added to")
        .stdout_lacks("rejected:")
        .stdout_lacks("log.rejects.csv")
        .stderr_has("log.csv:3: rejected: invalid date '2020-02-30' in date: no such day")
        .stderr_has("log.csv:4: rejected: unknown household 'NOPE'")
        .stderr_has("rejected rows, with their line and reason: ")
        .stderr_has("rejects/log.rejects.csv (fix them there and import that file)")
        .stderr_lacks(" rows · ");
    assert!(wd.join("rejects/log.rejects.csv").exists());
}

#[test]
fn a_clean_import_and_a_visit_say_nothing_on_stderr() {
    let wd = community(RESIDENTS, VISITS).with("log.csv", "date,household\n2020-07-21,H2\n");
    wd.run(&["--today", OVERDUE, "import", "log.csv"])
        .ok()
        .stderr_is_empty()
        .stdout_has("log.csv: 1 row · 1 imported · 0 duplicates skipped · 0 rejected");
    // Twice: a duplicate skipped is no error either.
    wd.run(&["--today", OVERDUE, "import", "log.csv"])
        .ok()
        .stderr_is_empty()
        .stdout_has("1 duplicate skipped");
    wd.run(&["--today", OVERDUE, "visit", "H1", "--visitor", "王芳"])
        .ok()
        .stderr_is_empty()
        .stdout_has("recorded the visit of 2020-07-27 to H1");
}

#[test]
fn a_rejected_visit_is_said_on_stderr_with_status_1_as_import_does() {
    let wd = community(RESIDENTS, VISITS);
    let visits = wd.read("visits.csv");
    wd.run(&["--today", OVERDUE, "visit", "H1", "--date", "2020-08-01"])
        .expect(1)
        .stdout_is_empty()
        .stderr_has("rejected: date 2020-08-01 is after today 2020-07-27");
    assert_eq!(wd.read("visits.csv"), visits);
}

#[test]
fn need_add_prints_the_new_id_on_stdout() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&[
        "--today",
        OVERDUE,
        "need",
        "add",
        "H1",
        "--text",
        "暖气不热",
    ])
    .ok()
    .stderr_is_empty()
    .stdout_has("opened need N0001 for H1");
    let run = wd
        .run(&[
            "--today", OVERDUE, "--format", "json", "need", "add", "H2", "--text", "x",
        ])
        .ok()
        .stderr_is_empty();
    assert_eq!(run.json()["id"], "N0002");
}

#[test]
fn bad_usage_exits_2_with_the_reason_on_stderr_and_nothing_written() {
    let wd = community(RESIDENTS, VISITS);
    let visits = wd.read("visits.csv");
    for (args, reason) in [
        (&["due", "--zzz"][..], "unexpected argument '--zzz'"),
        (
            &["--today", "2020-13-01", "due"],
            "--today '2020-13-01' is not a date",
        ),
        (&["due", "--level", "purple"], "purple"),
        (
            &["due", "--grid", "nowhere"],
            "--grid 'nowhere' names no grid",
        ),
        (
            &["--today", OVERDUE, "need", "add", "ZZ9", "--text", "x"],
            "no household or resident 'ZZ9' in the roster",
        ),
    ] {
        wd.run(args).expect(2).stdout_is_empty().stderr_has(reason);
    }
    assert_eq!(wd.read("visits.csv"), visits);
    assert!(!wd.join("needs.csv").exists());
}

#[test]
fn a_file_that_cannot_be_read_exits_4_named_on_stderr() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", OVERDUE, "import", "nope.csv"])
        .expect(4)
        .stdout_is_empty()
        .stderr_has("nope.csv");
    let wd = Workdir::new().with("visits.csv", VISITS);
    std::fs::create_dir(wd.join("residents.csv")).unwrap();
    wd.run(&["--today", OVERDUE, "due"])
        .expect(4)
        .stdout_is_empty()
        .stderr_has("residents.csv: is a directory, not a file");
}

#[test]
fn colour_only_when_asked_for_in_a_pipe() {
    let wd = community(RESIDENTS, VISITS);
    let args = ["--today", OVERDUE, "due"];
    wd.run(&args).ok().stdout_lacks("\u{1b}[");
    let mut always = vec!["--color", "always"];
    always.extend_from_slice(&args);
    wd.run(&always).ok().stdout_has("\u{1b}[").stderr_is_empty();
    // NO_COLOR: none, even with --color auto.
    let mut auto: Vec<String> = vec!["--data".into(), wd.path().display().to_string()];
    auto.extend(
        ["--color", "auto"]
            .iter()
            .chain(&args)
            .map(|s| s.to_string()),
    );
    wd.run_raw(&auto, &[("NO_COLOR", "1")])
        .ok()
        .stdout_lacks("\u{1b}[")
        .stdout_has("1 d overdue");
}

#[test]
fn a_writer_that_waits_for_the_lock_says_so_on_stderr() {
    let wd = community(RESIDENTS, VISITS).with("log.csv", "date,household\n2020-07-21,H2\n");
    let visits = wd.read("visits.csv");
    // Another writer holds the data directory's lock.
    let lock = std::fs::File::create(wd.join(".rounds.lock")).unwrap();
    lock.lock().unwrap();
    let args: Vec<String> = [
        "--data",
        &wd.path().display().to_string(),
        "--today",
        OVERDUE,
        "import",
        "log.csv",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut child = wd
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The import says it waits before it writes anything, then waits.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(
        first,
        format!(
            "waiting: another rounds is writing to {} …\n",
            wd.path().display()
        )
    );
    assert_eq!(wd.read("visits.csv"), visits, "written while waiting");
    drop(lock);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stdout}{first}{rest}");
    assert_eq!(rest, "", "nothing more on stderr");
    assert!(
        stdout.contains("log.csv: 1 row · 1 imported · 0 duplicates skipped · 0 rejected"),
        "{stdout}"
    );
    assert!(!stdout.contains("waiting"), "{stdout}");
}
