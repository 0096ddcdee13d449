//! `rounds change`: a change recorded in history.csv and written into the
//! roster, both or neither; every refusal leaves both files as they were;
//! the roster keeps its encoding, BOM, line ends, quoting and other rows;
//! a change cut short at any step leaves both files old or both new.

mod common;

use common::{Workdir, community};

const T: &str = "2020-07-20";

/// H1 green, visited 04-01: ok for the half-year. H2 yellow, visited
/// 07-01: ok for the quarter.
const RESIDENTS: &str = "\
id,household,name,level,grid,visitor,note
R1,H1,张三,green,G1,王芳,\"独居, 腿脚不便\"
R2,H1,李四,green,G1,王芳,
R3,H2,王五,yellow,G2,赵强,
";

const VISITS: &str = "\
date,household,visitor
2020-04-01,H1,王芳
2020-07-01,H2,赵强
";

/// (household, level, status) of every active household, by household.
fn due_csv(wd: &Workdir) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .csv()
        .into_iter()
        .map(|r| {
            (
                r["household"].clone(),
                r["level"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_level_change_is_recorded_and_due_follows_it() {
    let wd = community(RESIDENTS, VISITS);
    assert_eq!(
        due_csv(&wd),
        [
            ("H1".into(), "green".into(), "ok".into()),
            ("H2".into(), "yellow".into(), "ok".into())
        ]
    );
    // Re-rated red on Monday 07-13: that week needed a visit.
    wd.run(&[
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "red",
        "--date",
        "2020-07-13",
        "--reason",
        "独居老人",
        "--by",
        "刘主任",
    ])
    .ok()
    .stdout_has("recorded: R1 level: green → red, from 2020-07-13")
    .never_says("张三")
    .stderr_is_empty();
    assert_eq!(
        String::from_utf8(wd.read("residents.csv")).unwrap(),
        RESIDENTS.replace("R1,H1,张三,green", "R1,H1,张三,red")
    );
    assert_eq!(
        String::from_utf8(wd.read("history.csv")).unwrap(),
        "\u{feff}date,id,field,from,to,reason,by\n2020-07-13,R1,level,green,red,独居老人,刘主任\n"
    );
    assert_eq!(
        due_csv(&wd),
        [
            ("H1".into(), "red".into(), "overdue".into()),
            ("H2".into(), "yellow".into(), "ok".into())
        ]
    );
    // As of a day before the change, the household was green.
    wd.run(&["--today", "2020-07-12", "due", "--all", "--format", "csv"])
        .ok()
        .stdout_has("H1,green");
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    // A second change appends, in the file's own way; several fields at once.
    wd.run(&[
        "--today",
        T,
        "change",
        "R3",
        "--visitor",
        "王芳",
        "--grid",
        "G1",
        "--lang",
        "zh",
    ])
    .ok()
    .stdout_has("已记录：R3 负责人：赵强 → 王芳，自 2020-07-20 起")
    .stdout_has("已记录：R3 网格：G2 → G1，自 2020-07-20 起");
    let history = String::from_utf8(wd.read("history.csv")).unwrap();
    assert!(
        history.ends_with(
            "2020-07-13,R1,level,green,red,独居老人,刘主任\n\
             2020-07-20,R3,visitor,赵强,王芳,,\n2020-07-20,R3,grid,G2,G1,,\n"
        ),
        "{history}"
    );
    wd.run(&[
        "--today",
        T,
        "due",
        "--visitor",
        "王芳",
        "--all",
        "--format",
        "csv",
    ])
    .ok()
    .stdout_has("H2");
}

/// Runs a change that must be refused: exit 2, the message in English
/// and in Chinese, and both files byte for byte as they were.
#[track_caller]
fn refused(wd: &Workdir, args: &[&str], en: &str, zh: &str) {
    let files = ["residents.csv", "history.csv"];
    let before: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|f| std::fs::read(wd.join(f)).ok())
        .collect();
    for (lang, says) in [("en", en), ("zh", zh)] {
        let mut all = vec!["--today", T, "--lang", lang, "change"];
        all.extend_from_slice(args);
        wd.run(&all).expect(2).stderr_has(says).stdout_is_empty();
        let after: Vec<Option<Vec<u8>>> = files
            .iter()
            .map(|f| std::fs::read(wd.join(f)).ok())
            .collect();
        assert_eq!(before, after, "{args:?} changed a file");
    }
    let left: Vec<String> = std::fs::read_dir(wd.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("commit"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn every_refusal_writes_nothing() {
    let wd = community(RESIDENTS, VISITS);
    // Without a history yet, and with one.
    refused(
        &wd,
        &["R9", "--level", "red"],
        "no resident 'R9' in the roster — did you mean R1?",
        "居民名册中没有居民编号“R9”",
    );
    wd.run(&[
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "red",
        "--date",
        "2020-07-13",
    ])
    .ok();
    refused(
        &wd,
        &["R9", "--level", "red"],
        "did you mean R1?",
        "是不是 R1？",
    );
    refused(
        &wd,
        &["R2", "--level", "rde"],
        "--level 'rde' is not a level — did you mean red?",
        "rde",
    );
    refused(
        &wd,
        &["R2", "--level", "red", "--date", "2020-02-30"],
        "invalid date '2020-02-30' in --date: no such day",
        "2020-02-30",
    );
    refused(
        &wd,
        &["R2", "--level", "red", "--date", "July 1"],
        "is not a date",
        "July 1",
    );
    refused(
        &wd,
        &["R2", "--since", "someday"],
        "--since 'someday' is not a date",
        "someday",
    );
    refused(
        &wd,
        &["R2", "--level", "red", "--date", "2020-07-21"],
        "--date 2020-07-21 is after today (2020-07-20)",
        "晚于今天",
    );
    refused(
        &wd,
        &["R1", "--level", "yellow", "--date", "2020-07-01"],
        "before the latest recorded change of level (2020-07-13, history.csv line 2)",
        "早于关注等级最近一次记录的变更",
    );
    refused(
        &wd,
        &["R1", "--level", "1"],
        "level is already 'red' on that day",
        "无需变更",
    );
    refused(
        &wd,
        &["R2", "--grid", "G1"],
        "grid is already 'G1'",
        "无需变更",
    );
    refused(&wd, &["R2"], "nothing to change", "没有要变更的项");
    refused(
        &wd,
        &["R2", "--room", "101"],
        "the roster has no room column",
        "名册没有“房号”一列",
    );
    // One bad field among good ones: none of them is written.
    refused(
        &wd,
        &["R2", "--visitor", "赵强", "--level", "purple"],
        "'purple' is not a level",
        "purple",
    );
    // A roster with errors is refused as every command refuses it.
    let bad = community(format!("{RESIDENTS}R4,H3,孙八,purple,G2,赵强,\n"), VISITS);
    bad.run(&["--today", T, "change", "R1", "--level", "red"])
        .expect(3)
        .stderr_has("residents.csv:5");
    assert!(!bad.join("history.csv").exists());
}

#[test]
fn record_is_apart_from_the_fields() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", T, "change", "--record"])
        .ok()
        .stdout_has("nothing to record");
    wd.run(&["--today", T, "change", "--record", "R1", "--level", "red"])
        .expect(2)
        .stderr_has("--record");
    wd.run(&["--today", T, "change"]).expect(2);
    assert!(!wd.join("history.csv").exists());
}

/// A roster as Excel saves it on a Chinese system: GB18030, CRLF, Chinese
/// headers, quoted cells, a column rounds does not know, a blank line.
const GBK_ROSTER: &str = "编号,户号,姓名,关注等级,网格,楼栋,单元,房号,电话,负责人,登记日期,备注\r\n\
R1,H1,张三,绿色,东岗网格,3栋,1单元,101,13812345678,王芳,2019/3/1,\"低保, 独居\"\r\n\
\r\n\
R2,H2,\"李四\",黄色,东岗网格,3栋,1单元,102,13912345678,王芳,,\r\n";

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

#[test]
fn a_gbk_crlf_roster_stays_gbk_crlf() {
    let wd = community(gbk(GBK_ROSTER), "日期,户号\r\n");
    wd.run(&[
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "红",
        "--room",
        "201",
        "--since",
        "2019年3月2日",
        "--lang",
        "zh",
    ])
    .ok()
    .stdout_has("已记录：R1 关注等级：绿 → 红，自 2020-07-20 起")
    .stdout_has("已记录：R1 登记日期：2019-03-01 → 2019-03-02");
    let want = GBK_ROSTER
        .replace("绿色,东岗网格,3栋,1单元,101", "红色,东岗网格,3栋,1单元,201")
        .replace("2019/3/1", "2019-03-02");
    assert_eq!(wd.read("residents.csv"), gbk(&want));
    assert_eq!(
        wd.read("history.csv"),
        gbk("变更日期,编号,变更项,变更前,变更后,原因,经办人\r\n\
             2020-07-20,R1,关注等级,绿色,红色,,\r\n\
             2020-07-20,R1,房号,101,201,,\r\n\
             2020-07-20,R1,登记日期,2019-03-01,2019-03-02,,\r\n")
    );
    wd.run(&["--today", T, "check"]).ok().stdout_has("0 errors");
    wd.run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .stdout_has("H1,red");
    // The next change appends to history.csv in GB18030 and CRLF; a value
    // with a comma is quoted.
    wd.run(&[
        "--today",
        T,
        "change",
        "R2",
        "--tags",
        "低保,独居",
        "--by",
        "刘",
    ])
    .expect(2)
    .stderr_has("no tags column");
    wd.run(&[
        "--today",
        T,
        "change",
        "R2",
        "--unit",
        "2单元, 东",
        "--by",
        "刘",
    ])
    .ok();
    let want = want.replace("3栋,1单元,102", "3栋,\"2单元, 东\",102");
    assert_eq!(wd.read("residents.csv"), gbk(&want));
    let history = wd.read("history.csv");
    assert!(history.ends_with(&gbk("2020-07-20,R2,单元,1单元,\"2单元, 东\",,刘\r\n")));
}

#[test]
fn a_bom_is_kept_and_an_existing_history_keeps_its_ways() {
    let roster = format!("\u{feff}{}", RESIDENTS.replace('\n', "\r\n"));
    // history.csv as a user keeps it: Chinese header in another order, an
    // extra column, no line end at its end, no BOM.
    let history = "编号,变更日期,变更项,变更前,变更后,备注\n\
                   R3,2020-01-05,关注等级,green,yellow,复查";
    let wd = community(&roster, VISITS).with("history.csv", history);
    wd.run(&["--today", T, "change", "R3", "--level", "orange"])
        .ok()
        .stdout_has("recorded: R3 level: yellow → orange, from 2020-07-20");
    assert_eq!(
        String::from_utf8(wd.read("residents.csv")).unwrap(),
        roster.replace("R3,H2,王五,yellow", "R3,H2,王五,orange")
    );
    assert_eq!(
        String::from_utf8(wd.read("history.csv")).unwrap(),
        format!("{history}\nR3,2020-07-20,level,yellow,orange,\n")
    );
    // A reason that history.csv has no column for is refused.
    refused(
        &wd,
        &["R3", "--level", "red", "--reason", "复查"],
        "history.csv has no 'reason' column",
        "history.csv 没有“原因”一列",
    );
}

#[test]
fn a_chinese_roster_gets_a_chinese_history() {
    let roster = "\u{feff}编号,户号,姓名,等级,负责人\nR1,H1,张三,一般关注,王芳\n";
    let wd = community(roster, "日期,户号\n");
    wd.run(&[
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "2",
        "--visitor",
        "赵强",
    ])
    .ok();
    assert_eq!(
        String::from_utf8(wd.read("residents.csv")).unwrap(),
        "\u{feff}编号,户号,姓名,等级,负责人\nR1,H1,张三,二级关注,赵强\n"
    );
    assert_eq!(
        String::from_utf8(wd.read("history.csv")).unwrap(),
        "\u{feff}变更日期,编号,变更项,变更前,变更后,原因,经办人\n\
         2020-07-20,R1,关注等级,一般关注,二级关注,,\n\
         2020-07-20,R1,负责人,王芳,赵强,,\n"
    );
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
}

/// The roster and history of `wd` as (residents.csv, history.csv or None).
fn state(wd: &Workdir) -> (Vec<u8>, Option<Vec<u8>>) {
    (
        wd.read("residents.csv"),
        std::fs::read(wd.join("history.csv")).ok(),
    )
}

#[test]
fn a_change_cut_short_at_any_step_leaves_both_old_or_both_new() {
    // The new state, as a whole change leaves it.
    let whole = community(RESIDENTS, VISITS);
    let old = state(&whole);
    let change = [
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "red",
        "--date",
        "2020-07-13",
    ];
    whole.run(&change).ok();
    let new = state(&whole);
    let files = [
        ("residents.csv", new.0.as_slice()),
        ("history.csv", new.1.as_deref().unwrap()),
    ];
    // Two files aside, the intent, two renames, the intent's removal: the
    // commit stopped after each step as a killed process stops.
    for steps in 0..=6 {
        for reader in [&["check"][..], &["due", "--all", "--format", "csv"]] {
            let wd = community(RESIDENTS, VISITS);
            let lock = rounds::store::write_lock(wd.path(), || {}).unwrap();
            rounds::store::commit::interrupted(wd.path(), &files, steps, &lock).unwrap();
            drop(lock);
            let mut args = vec!["--today", T];
            args.extend_from_slice(reader);
            let run = wd.run(&args).ok();
            let now = state(&wd);
            assert!(
                now == old || now == new,
                "after {steps} steps: neither state"
            );
            assert_eq!(now == new, steps >= 3, "after {steps} steps");
            if reader[0] == "due" {
                let level = if now == new { "red" } else { "green" };
                let h1 = run.csv().into_iter().find(|r| r["household"] == "H1");
                assert_eq!(h1.unwrap()["level"], level, "after {steps} steps");
            }
            // A change after it goes through, and leaves nothing aside.
            wd.run(&["--today", T, "change", "R3", "--level", "red"])
                .ok();
            let left: Vec<String> = std::fs::read_dir(wd.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("commit"))
                .collect();
            assert!(left.is_empty(), "after {steps} steps: {left:?}");
        }
    }
}

#[test]
fn a_change_killed_at_any_moment_leaves_both_old_or_both_new() {
    let whole = community(RESIDENTS, VISITS);
    let old = state(&whole);
    let change = [
        "--today",
        T,
        "change",
        "R1",
        "--level",
        "red",
        "--date",
        "2020-07-13",
    ];
    let args: Vec<String> = ["--data", "."]
        .iter()
        .chain(&change)
        .map(|s| s.to_string())
        .collect();
    // One run to the end, for the time it takes and the files it leaves.
    let started = std::time::Instant::now();
    let status = whole.command(&args).status().unwrap();
    let took = started.elapsed();
    assert!(status.success());
    let new = state(&whole);
    let wd = community(RESIDENTS, VISITS);
    let mut outcomes = [0; 2];
    // Kills spread over such a run (the moments are not asserted: wherever
    // a kill lands, the files must be in one state or the other).
    for i in 0..20u32 {
        let mut child = wd.command(&args).spawn().unwrap();
        std::thread::sleep(took.mul_f64(f64::from(i) / 19.0));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        wd.run(&["--today", T, "check"]).ok();
        let now = state(&wd);
        assert!(now == old || now == new, "kill {i}: neither state");
        outcomes[usize::from(now == new)] += 1;
        wd.write("residents.csv", &old.0);
        let _ = std::fs::remove_file(wd.join("history.csv"));
    }
    eprintln!(
        "kills that left the old state: {}, the new: {}",
        outcomes[0], outcomes[1]
    );
}

#[test]
fn a_household_of_one_is_the_residents_own() {
    let wd = community(
        "id,household,level\nR1,,red\nR2,H2,green\n",
        "date,household\n",
    );
    wd.run(&[
        "--today",
        T,
        "change",
        "R1",
        "--household",
        "H2",
        "--date",
        "2020-07-13",
    ])
    .ok()
    .stdout_has("recorded: R1 household: R1 → H2, from 2020-07-13");
    wd.run(&["--today", "2020-07-12", "due", "--all", "--format", "csv"])
        .ok()
        .stdout_has("\nR1,red");
    wd.run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .stdout_has("\nH2,red")
        .stdout_lacks("\nR1,");
    // Back on their own: the roster names the household.
    wd.run(&["--today", T, "change", "R1", "--household", ""])
        .ok();
    assert_eq!(
        String::from_utf8(wd.read("residents.csv")).unwrap(),
        "id,household,level\nR1,R1,red\nR2,H2,green\n"
    );
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    wd.run(&["--today", T, "change", "R1", "--household", "R1"])
        .expect(2)
        .stderr_has("household is already 'R1'");
}

/// An edit made by saving the roster as a spreadsheet program does (a new
/// file renamed over the old): `check` warns, `change --record` records it
/// dated the day the file was saved, leaves the roster as it is, and then
/// there is nothing left to record.
#[test]
fn record_records_an_edit_made_in_a_spreadsheet() {
    let wd = community(RESIDENTS, VISITS);
    // rounds sees the roster once (its baseline).
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 warnings");
    let edited = RESIDENTS.replace("R3,H2,王五,yellow", "R3,H2,王五,red");
    wd.write("saved.tmp", &edited);
    let saved = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_594_900_000);
    std::fs::File::options()
        .write(true)
        .open(wd.join("saved.tmp"))
        .unwrap()
        .set_modified(saved)
        .unwrap();
    std::fs::rename(wd.join("saved.tmp"), wd.join("residents.csv")).unwrap();
    let day = chrono::DateTime::<chrono::Local>::from(saved)
        .date_naive()
        .to_string();
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("residents.csv:4: warning: R3's level changed yellow → red");
    // A date after today or a bad one: nothing written.
    wd.run(&["--today", T, "change", "--record", "--date", "2020-07-21"])
        .expect(2);
    assert!(!wd.join("history.csv").exists());
    let roster = wd.read("residents.csv");
    wd.run(&["--today", T, "change", "--record"])
        .ok()
        .stdout_has(&format!("recorded: R3 level: yellow → red, from {day}"));
    assert_eq!(
        wd.read("residents.csv"),
        roster,
        "the roster is not touched"
    );
    let history = String::from_utf8(wd.read("history.csv")).unwrap();
    assert_eq!(
        history,
        format!(
            "date,id,field,from,to,reason,by\n{day},R3,level,yellow,red,edited in the roster file,\n"
        )
    );
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    wd.run(&["--today", T, "change", "--record"])
        .ok()
        .stdout_has("nothing to record");
    assert_eq!(String::from_utf8(wd.read("history.csv")).unwrap(), history);
    // Recorded before the day it was saved? Not before its latest record.
    wd.write("residents.csv", RESIDENTS);
    wd.run(&["--today", T, "change", "--record", "--date", "2020-01-01"])
        .expect(2)
        .stderr_has("before the latest recorded change");
    assert_eq!(String::from_utf8(wd.read("history.csv")).unwrap(), history);
}
