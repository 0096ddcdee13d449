//! Edits made to the roster in a spreadsheet (Excel and WPS save a new
//! file and rename it over the old one) are caught: `check` names each
//! edited field with its line, old and new value; `due` on the day takes
//! the roster as it is; a report on an earlier month is what it was and
//! says how many edits are not recorded. What rounds keeps of the roster
//! to see this (`.rounds/seen`) holds no personal data and is private.

mod common;

use std::path::Path;

use common::{Workdir, community};
use serde_json::Value;

const T: &str = "2020-07-20";

const RESIDENTS: &str = "\
编号,户号,姓名,关注等级,网格,楼栋,联系电话,身份证号,负责人,登记日期
JM0001,H1,张三,黄色,东岗,1栋,13812345678,110101199001011234,王芳,2020-01-01
JM0002,H2,李四,绿色,东岗,2栋,13900001111,110101198002024321,王芳,2020-01-01
JM0003,H3,王五,绿色,西岗,3栋,13700002222,110101197003035678,赵强,2020-01-01
";

const VISITS: &str = "\
date,household,visitor
2020-05-12,H1,王芳
2020-06-10,H2,王芳
2020-06-11,H3,赵强
";

/// Noon (UTC) of a day: the same local date in every time zone that
/// tests run in.
fn noon(day: &str) -> std::time::SystemTime {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let secs = d.and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64)
}

fn set_saved(path: &Path, day: &str) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(noon(day)).unwrap();
}

/// Saves `content` as a spreadsheet program does: a new file, renamed
/// over the old one; its modification time is noon of `day`.
fn save_as_spreadsheet(wd: &Workdir, name: &str, content: &[u8], day: &str) {
    let new = wd.join(&format!("~${name}.tmp"));
    std::fs::write(&new, content).unwrap();
    set_saved(&new, day);
    std::fs::rename(&new, wd.join(name)).unwrap();
}

/// A community whose roster rounds has seen (saved on 2020-06-01).
fn seen_community() -> Workdir {
    let wd = community(RESIDENTS, VISITS);
    set_saved(&wd.join("residents.csv"), "2020-06-01");
    wd.run(&["--today", T, "due"]).ok();
    assert!(
        wd.join(".rounds/seen").is_file(),
        "the first reader's baseline"
    );
    wd
}

fn report_json(wd: &Workdir, month: &str) -> Value {
    wd.run(&["--today", T, "report", "--month", month, "--format", "json"])
        .ok()
        .json()
}

#[test]
fn an_edit_saved_by_a_spreadsheet_is_caught_by_check() {
    let wd = seen_community();
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings in 2 files\n");
    let edited = RESIDENTS.replace("JM0002,H2,李四,绿色", "JM0002,H2,李四,红色");
    save_as_spreadsheet(&wd, "residents.csv", edited.as_bytes(), "2020-07-15");
    let roster = wd.join("residents.csv");
    let run = wd.run(&["--today", T, "check"]).ok();
    assert_eq!(
        run.stdout(),
        format!(
            "{}:3: warning: JM0002's level changed 绿色 → 红色 in the roster without a record in history.csv (rounds change --record records it)\n\
             0 errors, 1 warning in 2 files\n",
            roster.display()
        )
    );
    // In Chinese, with the field's Chinese name.
    wd.run(&["--today", T, "--lang", "zh", "check"])
        .ok()
        .stdout_has(
            ":3: 警告: 居民“JM0002”的关注等级在名册中由 绿色 改为 红色，history.csv 中没有记录",
        );
    // Every command keeps seeing it until it is recorded.
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 1 warning in 2 files");
}

#[test]
fn due_on_the_day_takes_the_roster_as_it_is() {
    let wd = seen_community();
    let before = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let h2 = before.iter().find(|r| r["household"] == "H2").unwrap();
    assert_eq!(
        (h2["level"].as_str(), h2["status"].as_str()),
        ("green", "ok")
    );
    let edited = RESIDENTS.replace("JM0002,H2,李四,绿色", "JM0002,H2,李四,红色");
    save_as_spreadsheet(&wd, "residents.csv", edited.as_bytes(), "2020-07-15");
    let after = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let h2 = after.iter().find(|r| r["household"] == "H2").unwrap();
    // Red from the day the roster was saved: its week (13–19 July) had
    // no visit.
    assert_eq!(h2["level"], "red");
    assert_eq!(h2["deadline"], "2020-07-19");
    assert_eq!(h2["status"], "overdue");
}

#[test]
fn a_report_on_an_earlier_month_is_unchanged_and_says_so() {
    let wd = seen_community();
    let before = report_json(&wd, "2020-06");
    assert!(before.get("unrecorded_edits").is_none(), "{before}");
    let edited = RESIDENTS.replace("JM0002,H2,李四,绿色", "JM0002,H2,李四,红色");
    save_as_spreadsheet(&wd, "residents.csv", edited.as_bytes(), "2020-07-15");
    let mut after = report_json(&wd, "2020-06");
    assert_eq!(after["unrecorded_edits"], 1);
    after.as_object_mut().unwrap().remove("unrecorded_edits");
    assert_eq!(after, before);
    // People read it in one line.
    wd.run(&["--today", T, "report", "--month", "2020-06"])
        .ok()
        .stdout_has("1 edit of the roster is not recorded in history.csv");
    wd.run(&[
        "--today", T, "--lang", "zh", "report", "--month", "2020-06", "--format", "md",
    ])
    .ok()
    .stdout_has("名册有 1 处修改未记入 history.csv");
}

#[cfg(unix)]
#[test]
fn what_rounds_keeps_is_private_and_holds_no_personal_data() {
    use std::os::unix::fs::PermissionsExt;
    let wd = seen_community();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&wd.join(".rounds")), 0o700);
    assert_eq!(mode(&wd.join(".rounds/seen")), 0o600);
    let seen = String::from_utf8(wd.read(".rounds/seen")).unwrap();
    for personal in [
        "张三",
        "李四",
        "王五",
        "13812345678",
        "1101011990",
        "139",
        "1101",
    ] {
        assert!(!seen.contains(personal), "{personal} in {seen}");
    }
    // What it does keep: the ids and the tracked fields.
    assert!(seen.contains("JM0002\t绿色\tH2\t王芳\t东岗\t2栋"), "{seen}");
    // Written again (a roster saved with no edit), it stays private.
    save_as_spreadsheet(&wd, "residents.csv", RESIDENTS.as_bytes(), "2020-07-15");
    wd.run(&["--today", T, "check"]).ok();
    assert_eq!(mode(&wd.join(".rounds/seen")), 0o600);
    assert!(String::from_utf8(wd.read(".rounds/seen")).unwrap() != seen);
}

#[test]
fn a_save_with_no_edit_and_changes_by_meaning_are_no_edits() {
    let wd = seen_community();
    // Levels compare by rank and dates as dates; a new resident is none,
    // nor is one gone from the roster.
    let resaved = RESIDENTS
        .replace("JM0001,H1,张三,黄色", "JM0001,H1,张三,三级")
        .replace("赵强,2020-01-01", "赵强,2020/1/1")
        .replace(
            "JM0002,H2,李四,绿色,东岗,2栋,13900001111,110101198002024321,王芳,2020-01-01\n",
            "",
        )
        + "JM0004,H4,钱六,红,西岗,4栋,13600003333,,赵强,2020-07-01\n";
    save_as_spreadsheet(&wd, "residents.csv", resaved.as_bytes(), "2020-07-15");
    // (H2's visit is now to a household the roster lacks.)
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_lacks(" changed ")
        .stdout_has("0 errors, 1 warning in 2 files\n");
    // The new resident is seen from now on: an edit of it is caught.
    let edited = resaved.replace("JM0004,H4,钱六,红,西岗,4栋", "JM0004,H4,钱六,红,西岗,5栋");
    save_as_spreadsheet(&wd, "residents.csv", edited.as_bytes(), "2020-07-16");
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has(":4: warning: JM0004's building changed 4栋 → 5栋 in the roster");
}

#[test]
fn a_gbk_roster_with_quotes_is_compared_by_its_cells() {
    let quoted = RESIDENTS.replace(
        "JM0003,H3,王五,绿色,西岗,3栋",
        "JM0003,H3,\"王五\",绿色,\"西岗\",3栋",
    );
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    let wd = community(gbk(&quoted), VISITS);
    set_saved(&wd.join("residents.csv"), "2020-06-01");
    wd.run(&["--today", T, "due"]).ok();
    let edited = quoted.replace("\"西岗\",3栋", "\"北岗\",3栋");
    save_as_spreadsheet(&wd, "residents.csv", &gbk(&edited), "2020-07-15");
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has(":4: warning: JM0003's grid changed 西岗 → 北岗 in the roster")
        .stdout_has("0 errors, 1 warning in 2 files");
}

#[test]
fn an_edit_against_the_history_is_caught_and_history_csv_is_checked() {
    let wd = community(RESIDENTS, VISITS).with(
        "history.csv",
        "变更日期,编号,变更项,变更前,变更后\n2020-03-02,JM0003,关注等级,黄,绿色\n",
    );
    set_saved(&wd.join("residents.csv"), "2020-06-01");
    // No seen file yet: the roster against the latest change.
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings in 3 files\n");
    let edited = RESIDENTS.replace("JM0003,H3,王五,绿色", "JM0003,H3,王五,orange");
    save_as_spreadsheet(&wd, "residents.csv", edited.as_bytes(), "2020-07-15");
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has(":4: warning: JM0003's level changed 绿色 → orange in the roster")
        .stdout_has("0 errors, 1 warning in 3 files");
    // The history still holds before the edit: yellow in February.
    let rows = wd
        .run(&["--today", "2020-02-20", "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let h3 = rows.iter().find(|r| r["household"] == "H3").unwrap();
    assert_eq!(h3["level"], "yellow");
    let rows = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let h3 = rows.iter().find(|r| r["household"] == "H3").unwrap();
    assert_eq!(h3["level"], "orange");
}

#[test]
fn while_the_roster_is_unchanged_nothing_more_is_read() {
    let wd = seen_community();
    // What rounds saw, altered behind its back: the roster's stamp is the
    // one it stored, so the values are not compared.
    let seen = String::from_utf8(wd.read(".rounds/seen")).unwrap();
    std::fs::write(wd.join(".rounds/seen"), seen.replace("绿色", "红色")).unwrap();
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings in 2 files\n");
    // Once the roster is saved again, they are.
    save_as_spreadsheet(&wd, "residents.csv", RESIDENTS.as_bytes(), "2020-07-15");
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("JM0002's level changed 红色 → 绿色");
}
