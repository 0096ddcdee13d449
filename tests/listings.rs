//! `households`, `history` and the round sheet (`due --format md|html`),
//! and `due --quiet`.

mod common;
use common::{Workdir, community, run_example};

const RESIDENTS: &str = "id,household,name,level,grid,building,unit,room,phone,visitor,since,until
A1,H1,张三丰,green,东岗,10栋,1单元,101,13812345678,马春英,,
A2,H1,李四,red,东岗,10栋,1单元,101,,马春英,,
A3,H2,王五,yellow,东岗,9栋,2单元,1001,,马春英,,
A4,H3,赵六,green,东岗,9栋,2单元,201,,马春英,,
A5,H4,钱七,orange,西岗,1栋,1单元,101,,刘洋,,
A6,H5,孙八,red,东岗,9栋,2单元,201,,马春英,2019-01-01,2020-01-01
";
const VISITS: &str = "date,household,visitor,kind,note,persons
2020-07-01,H1,马春英,入户,情况正常,2
2020-07-10,H1,马春英,电话,\"血压偏高, 已提醒\",1
2020-07-10,H1,马春英,入户,第二次,1
2020-07-25,H1,马春英,入户,未来的走访,1
2020-03-01,H2,马春英,入户,,
";

const T: [&str; 2] = ["--today", "2020-07-20"];

fn args<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = T.to_vec();
    v.extend_from_slice(rest);
    v
}

#[test]
fn households_lists_members_levels_and_last_visit_in_walking_order() {
    let w = community(RESIDENTS, VISITS);
    let run = w.run(&args(&["households"])).ok();
    let out = run.stdout();
    // 9栋 before 10栋, room 201 before 1001; H5 moved out and is left out.
    let order: Vec<usize> = ["H3", "H2", "H1", "H4"]
        .iter()
        .map(|h| {
            out.find(&format!(" {h} "))
                .unwrap_or_else(|| panic!("{h}:\n{out}"))
        })
        .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{out}");
    assert!(!out.contains(" H5 "), "{out}");
    // Both members with their own levels; names masked; the last visit up to today.
    assert!(out.contains("张** green, 李* red"), "{out}");
    assert!(out.contains("2020-07-10"), "{out}");
    assert!(!out.contains("2020-07-25"), "{out}");
    assert!(!out.contains("张三丰"), "{out}");
    assert!(out.contains("4 households · 5 residents"), "{out}");
    w.run(&args(&["households", "--reveal"]))
        .ok()
        .stdout_has("张三丰 green");
}

#[test]
fn households_filters_and_machine_formats() {
    let w = community(RESIDENTS, VISITS);
    let rows = w
        .run(&args(&[
            "households",
            "--grid",
            "东岗",
            "--level",
            "红,黄",
            "--format",
            "csv",
        ]))
        .ok()
        .csv();
    let households: Vec<&str> = rows.iter().map(|r| r["household"].as_str()).collect();
    assert_eq!(households, ["H2", "H1", "H1"]);
    assert_eq!(rows[1]["household_level"], "red");
    assert_eq!(rows[1]["level"], "green");
    assert_eq!(rows[1]["name"], "张**");
    assert_eq!(rows[1]["last_visit"], "2020-07-10");
    // --all brings in the household that moved out, with no level.
    let json = w
        .run(&args(&[
            "households",
            "--all",
            "--building",
            "9栋",
            "--format",
            "json",
        ]))
        .ok()
        .json();
    let h5 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["household"] == "H5")
        .expect("H5 with --all");
    assert!(h5["level"].is_null());
    assert_eq!(h5["residents"][0]["active"], false);
    assert_eq!(h5["residents"][0]["until"], "2020-01-01");
    w.run(&args(&["households", "--visitor", "刘洋"]))
        .ok()
        .stdout_has("H4")
        .never_says("H1");
    w.run(&args(&["households", "--level", "gren"]))
        .expect(2)
        .stderr_has("did you mean green")
        .never_says("panicked");
}

#[test]
fn history_is_newest_first_with_notes_up_to_today() {
    let w = community(RESIDENTS, VISITS);
    let rows = w
        .run(&args(&["history", "H1", "--format", "csv"]))
        .ok()
        .csv();
    let seen: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["date"].as_str(), r["note"].as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("2020-07-10", "第二次"),
            ("2020-07-10", "血压偏高, 已提醒"),
            ("2020-07-01", "情况正常")
        ]
    );
    // A resident's id finds their household; the table names its members.
    let table = w.run(&args(&["history", "A2", "--lang", "zh"])).ok();
    table
        .stdout_has("H1 · 红 · 东岗 10栋 1单元 101 · 马春英")
        .stdout_has("成员：张** 绿, 李* 红")
        .stdout_has("共 3 次走访")
        .never_says("张三丰");
    w.run(&args(&["history", "H4"]))
        .ok()
        .stdout_has("No visit recorded.");
}

#[test]
fn history_of_an_unknown_household_suggests_the_nearest() {
    let w = community(RESIDENTS, VISITS);
    w.run(&args(&["history", "H9"]))
        .expect(2)
        .stderr_has("no household or resident 'H9'")
        .stderr_has("did you mean H1?");
    w.run(&args(&["history", "XYZ-000"]))
        .expect(2)
        .never_says("did you mean");
}

#[test]
fn round_sheet_groups_by_building_in_walking_order() {
    let w = community(RESIDENTS, VISITS);
    let md = w
        .run(&args(&[
            "due",
            "--visitor",
            "马春英",
            "--format",
            "md",
            "--all",
        ]))
        .ok()
        .stdout();
    assert!(
        md.starts_with("# Round sheet of 马春英, 2020-07-20\n"),
        "{md}"
    );
    let b9 = md.find("## 东岗 9栋").expect("building 9");
    let b10 = md.find("## 东岗 10栋").expect("building 10");
    assert!(b9 < b10, "{md}");
    assert!(!md.contains("西岗"), "{md}");
    // Within building 9, room 201 before room 1001 (numbers as numbers).
    let (h3, h2) = (md.find("| H3 |").unwrap(), md.find("| H2 |").unwrap());
    assert!(h3 < h2, "{md}");
    // A header with a note column and rows that end in an empty cell.
    assert!(md.contains("| note |"), "{md}");
    let row = md.lines().find(|l| l.contains("| H1 |")).unwrap();
    assert!(row.ends_with("|   |"), "{row}");
    assert!(row.contains("张** 138****5678"), "{row}");

    let html = w
        .run(&args(&[
            "due",
            "--visitor",
            "马春英",
            "--format",
            "html",
            "--lang",
            "zh",
        ]))
        .ok()
        .stdout();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<title>马春英 走访单 · 2020-07-20</title>"),
        "{html}"
    );
    assert!(html.contains("<th>走访情况</th>"));
    assert!(html.contains("<td class=\"note\"></td>"));
    assert!(!html.contains("13812345678"));
    // The page is well-formed XML.
    let mut reader = quick_xml::Reader::from_str(html.trim_start_matches("<!DOCTYPE html>"));
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
}

#[test]
fn other_commands_refuse_page_formats() {
    let w = community(RESIDENTS, VISITS);
    w.run(&args(&["households", "--format", "html"]))
        .expect(2)
        .stderr_has("--format html");
}

#[test]
fn quiet_prints_only_when_something_is_overdue() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\n")
        .write("visits.csv", "date,household\n2020-07-20,A1\n");
    // Nothing overdue: nothing printed, status 0, even with --exit-code.
    let run = w.run(&args(&["due", "--quiet", "--all"])).ok();
    assert_eq!((run.stdout(), run.stderr()), (String::new(), String::new()));
    let run = w.run(&args(&["due", "-q", "--exit-code"])).ok();
    assert!(run.stdout().is_empty());
    // Overdue: the usual list, and --exit-code says 1.
    let late = [
        "--today",
        "2020-08-20",
        "due",
        "-q",
        "--exit-code",
        "--format",
        "csv",
    ];
    let run = w.run(&late).expect(1);
    assert!(run.stdout().contains("A1,red"), "{}", run.stdout());
    // In the example community something is overdue.
    run_example("nongjiang", &["--today", "2020-07-20", "due", "--quiet"])
        .ok()
        .stdout_has("overdue 49");
}
