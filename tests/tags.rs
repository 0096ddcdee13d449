//! Special groups (tags, 重点人群): each of the SPEC's separators and no
//! other, a household's tags as the union of its active members' on the
//! day (history.csv and moving out included), `--tag` on `due`,
//! `households` and `needs`, the tags column in every format, and
//! `check`'s warning of a mark that separates nothing.

mod common;

use common::{Run, Workdir, community};

/// H1: 独居老人 and 低保 (`;`, history.csv), losing 低保 on 2020-03-10.
/// H2: R2 without tags, R3 with 残疾人 and 低保 (`,` in a quoted cell),
/// moving out on 2020-03-10. H3: 党员, 志愿者 (`;`, `|`) and one word
/// 低保，残疾人 (`，` separates nothing). H4: 高龄, 独居老人 and 党员
/// (`；`, `、`). H5: no tag, gaining 低保 on 2020-03-10. The roster holds
/// the values after the history's changes.
const RESIDENTS: &str = "id,household,level,grid,building,unit,room,tags,visitor,since,until\n\
    R1,H1,red,G1,1,1,101,独居老人,A,,\n\
    R2,H2,green,G1,1,1,102,,A,,\n\
    R3,H2,yellow,G1,1,1,102,\"残疾人,低保\",A,,2020-03-10\n\
    R4,H3,orange,G1,1,1,103,党员;志愿者|低保，残疾人,B,,\n\
    R5,H4,green,G1,1,1,104,高龄；独居老人、党员,B,,\n\
    R6,H5,green,G2,2,1,201,低保,B,,\n";

const HISTORY: &str = "date,id,field,from,to,reason,by\n\
    2020-03-10,R1,tags,独居老人;低保,独居老人,收入核定,李\n\
    2020-03-10,R6,tags,,低保,低保审批,李\n";

fn wd() -> Workdir {
    community(RESIDENTS, "date,household,visitor\n").with("history.csv", HISTORY)
}

/// The households listed and their `tags` cells.
fn tags_of(run: &Run) -> Vec<(String, String)> {
    run.csv()
        .into_iter()
        .map(|r| (r["household"].clone(), r["tags"].clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(h, t)| (h.to_string(), t.to_string()))
        .collect()
}

fn due_csv(wd: &Workdir, today: &str, more: &[&str]) -> Run {
    let mut args = vec!["--today", today, "due", "--all", "--sort", "address"];
    args.extend_from_slice(&["--format", "csv"]);
    args.extend_from_slice(more);
    wd.run(&args).ok()
}

#[test]
fn the_spec_separators_and_the_union_of_the_active_members() {
    let wd = wd();
    // The tags column comes after the SPEC's columns.
    let run = due_csv(&wd, "2020-03-04", &[]);
    let header = run.stdout().lines().next().unwrap().to_string();
    assert!(header.ends_with(",days_left,tags"), "{header}");
    assert_eq!(
        tags_of(&run),
        pairs(&[
            ("H1", "独居老人;低保"),
            ("H2", "残疾人;低保"),
            ("H3", "党员;志愿者;低保，残疾人"),
            ("H4", "高龄;独居老人;党员"),
            ("H5", ""),
        ])
    );
    // From 2020-03-10: R1 lost 低保, R3 moved out with hers, R6 gained 低保.
    let run = due_csv(&wd, "2020-03-12", &[]);
    assert_eq!(
        tags_of(&run),
        pairs(&[
            ("H1", "独居老人"),
            ("H2", ""),
            ("H3", "党员;志愿者;低保，残疾人"),
            ("H4", "高龄;独居老人;党员"),
            ("H5", "低保"),
        ])
    );
    // The same from the roster cache the first runs wrote.
    let again = due_csv(&wd, "2020-03-12", &[]);
    assert_eq!(tags_of(&again), tags_of(&run));
    let before = due_csv(&wd, "2020-03-04", &[]);
    assert_eq!(tags_of(&before)[1], ("H2".into(), "残疾人;低保".into()));
}

#[test]
fn tag_filters_due_on_the_day() {
    let wd = wd();
    let listed = |run: &Run| -> Vec<String> { tags_of(run).into_iter().map(|(h, _)| h).collect() };
    // 低保: H1 and H2 on the 4th (H3's word is 低保，残疾人, not 低保) ...
    let run = due_csv(&wd, "2020-03-04", &["--tag", "低保"]);
    assert_eq!(listed(&run), ["H1", "H2"]);
    // ... only H5 on the 12th.
    let run = due_csv(&wd, "2020-03-12", &["--tag", " 低保 "]);
    assert_eq!(listed(&run), ["H5"]);
    // Any of several.
    let run = due_csv(&wd, "2020-03-12", &["--tag", "党员", "--tag", "高龄"]);
    assert_eq!(listed(&run), ["H3", "H4"]);
    // With the other filters.
    let run = due_csv(&wd, "2020-03-04", &["--tag", "低保", "--level", "red"]);
    assert_eq!(listed(&run), ["H1"]);
    // The summary counts only the households let through.
    wd.run(&["--today", "2020-03-04", "due", "--tag", "独居老人"])
        .ok()
        .stdout_has("2 listed of 2 active households");
}

#[test]
fn an_unknown_tag_is_refused_with_what_was_meant() {
    let wd = wd();
    for command in ["due", "households", "needs"] {
        let run = wd
            .run(&["--today", "2020-03-04", command, "--tag", "低保户"])
            .expect(2);
        assert!(run.stdout().is_empty());
        assert!(
            run.stderr()
                .contains("--tag '低保户' names no special group in the data — did you mean 低保?"),
            "{}",
            run.stderr()
        );
    }
    // A word in the data that no household carries today lists nothing.
    wd.run(&["--today", "2020-03-12", "households", "--tag", "残疾人"])
        .ok()
        .stdout_lacks("H2");
}

#[test]
fn households_json_and_table() {
    let wd = wd();
    let run = wd
        .run(&[
            "--today",
            "2020-03-04",
            "households",
            "--tag",
            "残疾人",
            "--format",
            "json",
        ])
        .ok();
    let json = run.json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1, "{json}");
    assert_eq!(list[0]["household"], "H2");
    assert_eq!(list[0]["tags"], serde_json::json!(["残疾人", "低保"]));
    // Every row of the csv carries its household's tags.
    let run = wd
        .run(&["--today", "2020-03-04", "households", "--format", "csv"])
        .ok();
    let rows = run.csv();
    let r2 = rows.iter().find(|r| r["resident"] == "R2").unwrap();
    assert_eq!(r2["tags"], "残疾人;低保");
    // The table, in both languages; at 80 columns the special groups are
    // shown only where they cost no line.
    let table = |columns: &str| {
        wd.run_raw(
            &[
                "--data".into(),
                wd.path().display().to_string(),
                "--today".into(),
                "2020-03-04".into(),
                "households".into(),
            ],
            &[("COLUMNS", columns)],
        )
        .ok()
        .stdout()
    };
    let narrow = table("80");
    assert!(narrow.lines().all(|l| console_width(l) <= 80), "{narrow}");
    let out = table("120");
    assert!(out.contains("special groups"), "{out}");
    let h4 = out.lines().find(|l| l.contains("H4")).unwrap();
    assert!(h4.contains("高龄 独居老人 党员"), "{out}");
    wd.run(&["--today", "2020-03-04", "--lang", "zh", "households"])
        .ok()
        .stdout_has("重点人群")
        .stdout_has("党员 志愿者 低保，残疾人");
}

/// Display width: a Chinese character is two columns.
fn console_width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

#[test]
fn due_json_table_and_round_sheet() {
    let wd = wd();
    let run = wd
        .run(&["--today", "2020-03-12", "due", "--all", "--format", "json"])
        .ok();
    let json = run.json();
    let h5 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household"] == "H5")
        .unwrap();
    assert_eq!(h5["tags"], serde_json::json!(["低保"]));
    let h2 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household"] == "H2")
        .unwrap();
    assert_eq!(h2["tags"], serde_json::json!([]));
    wd.run(&["--today", "2020-03-12", "due", "--all"])
        .ok()
        .stdout_has("special groups");
    // The round sheet shows them after the contact.
    let sheet = wd
        .run(&[
            "--today",
            "2020-03-04",
            "due",
            "--visitor",
            "A",
            "--format",
            "md",
        ])
        .ok();
    let out = sheet.stdout();
    assert!(
        out.contains("| room | household | level | contact | special groups | last visit |"),
        "{out}"
    );
    assert!(out.contains("| 独居老人 低保 |"), "{out}");
    let html = wd
        .run(&["--today", "2020-03-04", "due", "--format", "html"])
        .ok();
    assert!(html.stdout().contains("<th>special groups</th>"));
    // Without any tag, the sheet is as it always was.
    let plain = community(
        "id,household,level,visitor\nR1,H1,red,A\n",
        "date,household,visitor\n",
    );
    plain
        .run(&["--today", "2020-03-04", "due", "--format", "md"])
        .ok()
        .stdout_lacks("special groups");
    plain
        .run(&["--today", "2020-03-04", "due"])
        .ok()
        .stdout_lacks("special groups");
}

#[test]
fn needs_of_tagged_households() {
    let wd = wd();
    for (house, text) in [("H1", "暖气不热"), ("H5", "想咨询医保")] {
        wd.run(&[
            "--today",
            "2020-03-04",
            "need",
            "add",
            house,
            "--text",
            text,
            "--date",
            "2020-03-01",
        ])
        .ok();
    }
    let listed = |today: &str| -> Vec<String> {
        wd.run(&[
            "--today", today, "needs", "--tag", "低保", "--format", "csv",
        ])
        .ok()
        .csv()
        .into_iter()
        .map(|r| r["household"].clone())
        .collect()
    };
    assert_eq!(listed("2020-03-04"), ["H1"]);
    assert_eq!(listed("2020-03-12"), ["H5"]);
}

#[test]
fn check_warns_of_a_mark_that_separates_nothing() {
    let wd = wd();
    wd.run(&["--today", "2020-03-04", "check"])
        .ok()
        .stdout_has(
            "residents.csv:5: warning: tags: '低保，残疾人' is one special group, as '，' separates none; to mean several, separate them with 、 or ；",
        );
    wd.run(&["--today", "2020-03-04", "--lang", "zh", "check"])
        .ok()
        .stdout_has("标签“低保，残疾人”被当作一个重点人群");
    let slash = community(
        "id,level,tags\nR1,red,低保\nR2,red,低保/残疾人\nR3,red,低保/残疾人\n",
        "date,household,visitor\n",
    );
    let run = slash.run(&["--today", "2020-03-04", "check"]).ok();
    assert!(
        run.stdout()
            .contains("residents.csv:3: warning: tags: '低保/残疾人'"),
        "{}",
        run.stdout()
    );
    assert_eq!(run.stdout().matches("'低保/残疾人'").count(), 1, "once");
}

/// Visits of March 2020: H1 on the 2nd, H2 on the 5th, H5 on the 11th.
fn with_visits() -> Workdir {
    let wd = wd();
    wd.write(
        "visits.csv",
        "date,household,visitor\n2020-03-02,H1,A\n2020-03-05,H2,A\n2020-03-11,H5,B\n",
    );
    wd
}

fn tag_row<'a>(report: &'a serde_json::Value, tag: &str) -> &'a serde_json::Value {
    report["by_tag"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tag"] == tag)
        .unwrap_or_else(|| panic!("no {tag}: {}", report["by_tag"]))
}

#[test]
fn the_report_counts_each_special_group() {
    let wd = with_visits();
    let run = wd
        .run(&[
            "--today",
            "2020-03-31",
            "report",
            "--month",
            "2020-03",
            "--format",
            "json",
        ])
        .ok();
    let r = run.json();
    // On the 31st: H1 独居老人 (red, visited on the 2nd, overdue: no visit
    // since); H3 党员, 志愿者, 低保，残疾人 (orange, never visited); H4 高龄,
    // 独居老人, 党员 (green, never visited); H5 低保 (green, visited on the
    // 11th). Nobody carries 残疾人 any more: R3 moved out on the 10th.
    let tags: Vec<&str> = r["by_tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        ["独居老人", "低保", "党员", "志愿者", "低保，残疾人", "高龄"]
    );
    let figures = |tag: &str| {
        let t = tag_row(&r, tag);
        (
            t["households"].as_u64().unwrap(),
            t["households_visited"].as_u64().unwrap(),
            t["overdue"].as_u64().unwrap(),
            t["compliance"]["required"].as_u64().unwrap(),
            t["compliance"]["met"].as_u64().unwrap(),
        )
    };
    // H1's five red weeks of March (Sundays 1, 8, 15, 22 and 29), the one
    // of the 2nd met; H4's green half-year ends in June.
    assert_eq!(figures("独居老人"), (2, 1, 2, 5, 1));
    assert_eq!(tag_row(&r, "独居老人")["compliance_rate"], 0.2);
    assert_eq!(figures("低保"), (1, 1, 0, 0, 0));
    assert!(tag_row(&r, "低保")["compliance_rate"].is_null());
    // H3's orange month, not met.
    assert_eq!(figures("党员"), (2, 0, 2, 1, 0));
    assert_eq!(figures("高龄"), (1, 0, 1, 0, 0));
    // In words, in both languages, and as its own csv section.
    wd.run(&["--today", "2020-03-31", "report", "--month", "2020-03"])
        .ok()
        .stdout_has("Special groups");
    let md = wd
        .run(&[
            "--today",
            "2020-03-31",
            "--lang",
            "zh",
            "report",
            "--format",
            "md",
        ])
        .ok();
    assert!(md.stdout().contains("重点人群"), "{}", md.stdout());
    assert!(
        md.stdout()
            .contains("| 独居老人 | 2 | 1 | 2 | 5 | 1 | 20.0% |"),
        "{}",
        md.stdout()
    );
    let csv = wd
        .run(&[
            "--today",
            "2020-03-31",
            "report",
            "--format",
            "csv",
            "--section",
            "tags",
        ])
        .ok();
    let rows = csv.csv();
    assert_eq!(rows[0]["tag"], "独居老人");
    assert_eq!(rows[0]["compliance_rate"], "0.2000");
    assert_eq!(rows.len(), 6);
}

#[test]
fn report_tag_counts_only_the_households_carrying_it() {
    let wd = with_visits();
    let report = |today: &str| {
        wd.run(&[
            "--today", today, "report", "--month", "2020-03", "--tag", "低保", "--format", "json",
        ])
        .ok()
        .json()
    };
    // On the 31st only H5 carries 低保 (gained on the 10th).
    let r = report("2020-03-31");
    assert_eq!(
        r["households"],
        serde_json::json!({"red": 0, "orange": 0, "yellow": 0, "green": 1})
    );
    assert_eq!(
        (r["visits"].as_u64(), r["households_visited"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["overdue"]["green"], 0);
    assert_eq!(r["only_tags"], serde_json::json!(["低保"]));
    // On the 9th, H1 (red, before it lost 低保) and H2 (yellow, R3 not yet
    // moved out) carry it; H5 does not yet.
    let r = report("2020-03-09");
    assert_eq!(
        r["households"],
        serde_json::json!({"red": 1, "orange": 0, "yellow": 1, "green": 0})
    );
    assert_eq!(
        (r["visits"].as_u64(), r["households_visited"].as_u64()),
        (Some(2), Some(2))
    );
    // The header says so.
    wd.run(&["--today", "2020-03-31", "report", "--tag", "低保"])
        .ok()
        .stdout_has("(only the households carrying 低保 on 2020-03-31)");
    wd.run(&["--today", "2020-03-31", "report", "--tag", "低保户"])
        .expect(2)
        .stderr_has("did you mean 低保?");
}

/// `history HOUSEHOLD` names the household's special groups on the day,
/// under its residents: the union of its members' tags, as written.
#[test]
fn history_names_the_special_groups() {
    let en = common::run_example(
        "nongjiang",
        &["--today", "2020-07-20", "history", "HW03-2-0502"],
    )
    .ok();
    en.stdout_has("special groups: 退役军人, 高龄, 独居老人");
    let zh = common::run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-20",
            "--lang",
            "zh",
            "history",
            "HW03-2-0502",
        ],
    )
    .ok();
    zh.stdout_has("重点人群：退役军人、高龄、独居老人");
    // A household without one says nothing of them.
    common::run_example(
        "nongjiang",
        &["--today", "2020-07-20", "history", "DG01-1-0201"],
    )
    .ok()
    .stdout_lacks("special groups");
}
