//! The roster as of any day (history.csv, 名册变更记录, and the `start`
//! setting): each scenario computed by hand from the SPEC's rules.

mod common;

use common::{Run, Workdir};

fn due_row(run: &Run, household: &str) -> std::collections::BTreeMap<String, String> {
    run.csv()
        .into_iter()
        .find(|r| r["household"] == household)
        .unwrap_or_else(|| panic!("{household} not listed:\n{}", run.stdout()))
}

fn worker<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["worker"] == name)
        .unwrap_or_else(|| panic!("no worker {name}: {report}"))
}

/// A green household re-rated red on Wednesday 2020-05-13: the ISO week
/// holding that day (11–17 May) must hold a visit; the weeks before were
/// green's and are never overdue for red.
#[test]
fn a_re_rating_to_red_on_a_wednesday() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,visitor,since\nR1,H1,red,王,2019-01-01\n",
    );
    wd.write(
        "history.csv",
        "date,id,field,from,to,reason,by\n2020-05-13,R1,level,green,red,病情加重,李\n",
    );
    wd.write(
        "visits.csv",
        "date,household,visitor\n2020-03-02,H1,王\n2020-05-14,H1,王\n",
    );
    let run = wd
        .run(&["--today", "2020-05-13", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H1");
    assert_eq!(row["level"], "red");
    assert_eq!(row["deadline"], "2020-05-17", "the week of the re-rating");
    assert_eq!(row["status"], "due");
    assert_eq!(row["days_left"], "4");
    // The day before, it was green, visited in its half-year.
    let run = wd
        .run(&["--today", "2020-05-12", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H1");
    assert_eq!(row["level"], "green");
    assert_eq!(row["deadline"], "2020-12-31");
    assert_eq!(row["status"], "ok");
    // May's report: red weeks are those whose Sunday is red (17, 24, 31
    // May), not the two before; the visit of the 14th meets the first.
    let report = wd
        .run(&[
            "--today",
            "2020-05-31",
            "report",
            "--month",
            "2020-05",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(report["compliance"]["red"]["required"], 3);
    assert_eq!(report["compliance"]["red"]["met"], 1);
    assert_eq!(report["compliance"]["green"]["required"], 0);
    // Its history shows the re-rating between the visits, on its day.
    let table = wd
        .run(&["--today", "2020-05-31", "history", "H1"])
        .ok()
        .stdout();
    let rows: Vec<&str> = table.lines().filter(|l| l.contains("2020-0")).collect();
    assert_eq!(rows.len(), 3, "{table}");
    assert!(rows[0].contains("2020-05-14"), "{table}");
    assert!(
        rows[1].contains("2020-05-13")
            && rows[1].contains("roster change")
            && rows[1].contains("R1 level: green → red (病情加重)"),
        "{table}"
    );
    assert!(rows[2].contains("2020-03-02"), "{table}");
    // The households of any day.
    let before = wd
        .run(&["--as-of", "2020-05-12", "households", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(before[0]["level"], "green");
    // April's report, run later, still counts it green: nothing required.
    let report = wd
        .run(&[
            "--today",
            "2020-05-31",
            "report",
            "--month",
            "2020-04",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(report["compliance"]["red"]["required"], 0);
    assert_eq!(report["households"]["green"], 1);
    assert_eq!(report["overdue"]["red"], 0);
}

/// A red household lowered to green on Wednesday 2020-05-13: the red weeks
/// before it stay required; from then on it is judged as green.
#[test]
fn a_re_rating_down_on_a_wednesday() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,since\nR2,H2,green,2019-01-01\n",
    );
    wd.write(
        "history.csv",
        "date,id,field,from,to\n2020-05-13,R2,level,red,green\n",
    );
    wd.write("visits.csv", "date,household\n2020-05-04,H2\n");
    let report = wd
        .run(&[
            "--today",
            "2020-05-31",
            "report",
            "--month",
            "2020-05",
            "--format",
            "json",
        ])
        .ok()
        .json();
    // Sundays 3 and 10 May were red; 17, 24 and 31 May green.
    assert_eq!(report["compliance"]["red"]["required"], 2);
    assert_eq!(report["compliance"]["red"]["met"], 1, "the week of 4 May");
    let run = wd
        .run(&["--today", "2020-05-13", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H2");
    assert_eq!(row["level"], "green");
    // The visit of 4 May lies in the green half-year of the run's start.
    assert_eq!(row["deadline"], "2020-12-31");
    assert_eq!(row["status"], "ok");
}

/// A household handed from 王 to 李 on Monday 15 June: the weeks whose
/// Sunday was before it are 王's, the rest 李's; the household in charge
/// at the month's end is 李's alone.
#[test]
fn a_reassignment_mid_month() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,visitor\nR3,H3,red,李\nR4,H4,green,王\n",
    );
    wd.write(
        "history.csv",
        "date,id,field,from,to\n2020-06-15,R3,visitor,王,李\n",
    );
    wd.write(
        "visits.csv",
        "date,household,visitor\n2020-06-03,H3,王\n2020-06-20,H3,李\n",
    );
    let report = wd
        .run(&[
            "--today",
            "2020-06-30",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(report["compliance"]["red"]["required"], 4);
    assert_eq!(report["compliance"]["red"]["met"], 2);
    let wang = worker(&report, "王");
    // H3's weeks of 7 and 14 June (the first visited), and H4's half-year.
    assert_eq!(wang["compliance_in_charge"]["required"], 3);
    assert_eq!(wang["compliance_in_charge"]["met"], 1);
    assert_eq!(wang["households_in_charge"], 1, "H4 only");
    let li = worker(&report, "李");
    assert_eq!(
        li["compliance_in_charge"]["required"], 2,
        "weeks of 21 and 28 June"
    );
    assert_eq!(li["compliance_in_charge"]["met"], 1);
    assert_eq!(li["households_in_charge"], 1);
    // May's report, rerun, gives H3 to 王.
    let report = wd
        .run(&[
            "--today",
            "2020-06-30",
            "report",
            "--month",
            "2020-05",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(worker(&report, "王")["households_in_charge"], 2);
    assert!(
        report["workers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["worker"] != "李"),
        "{report}"
    );
}

/// A red resident moving into a green household on Wednesday 2020-04-08:
/// red from that week on, not overdue for every red week before.
#[test]
fn a_red_member_moving_in() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,since\nR5,H5,green,2015-03-01\nR6,H5,red,2020-04-08\n",
    );
    wd.write("visits.csv", "date,household\n2020-01-10,H5\n");
    let run = wd
        .run(&["--today", "2020-04-08", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H5");
    assert_eq!(row["level"], "red");
    assert_eq!(row["deadline"], "2020-04-12");
    assert_eq!(row["status"], "due");
    assert_eq!(row["days_overdue"], "");
    assert_eq!(row["days_left"], "4");
    let run = wd
        .run(&["--today", "2020-04-14", "due", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H5");
    assert_eq!(row["status"], "overdue");
    assert_eq!(row["days_overdue"], "2");
}

/// The same move recorded in history.csv: the resident's household changes
/// on the day, and a visit logged by resident id goes to the household of
/// the visit's day.
#[test]
fn a_move_between_households_and_import_by_resident() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,grid,since\nR7,H7,green,东岗,2015-03-01\nR8,H8,red,西岗,2015-03-01\nR9,H8,green,西岗,2015-03-01\n",
    );
    wd.write(
        "history.csv",
        "date,id,field,from,to\n2020-04-08,R8,household,H7,H8\n2020-04-08,R8,grid,东岗,西岗\n",
    );
    wd.write("visits.csv", "date,household,visitor\n");
    wd.write(
        "log.csv",
        "date,resident,visitor\n2020-04-01,R8,王\n2020-04-09,R8,王\n",
    );
    wd.run(&["--today", "2020-04-20", "import", "log.csv"]).ok();
    let stored = String::from_utf8(wd.read("visits.csv")).unwrap();
    assert!(stored.contains("2020-04-01,H7,王"), "{stored}");
    assert!(stored.contains("2020-04-09,H8,王"), "{stored}");
    // Before the move H7 was red (R8 in it); after it, H8 is red.
    let run = wd
        .run(&["--today", "2020-04-07", "due", "--all", "--format", "csv"])
        .ok();
    assert_eq!(due_row(&run, "H7")["level"], "red");
    assert_eq!(due_row(&run, "H8")["level"], "green");
    let run = wd
        .run(&["--today", "2020-04-20", "due", "--all", "--format", "csv"])
        .ok();
    assert_eq!(due_row(&run, "H7")["level"], "green");
    assert_eq!(due_row(&run, "H8")["level"], "red");
    // April's visits by grid: each to the grid of its day.
    let report = wd
        .run(&[
            "--today",
            "2020-04-20",
            "report",
            "--month",
            "2020-04",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(report["visits_by_grid"]["东岗"], 1);
    assert_eq!(report["visits_by_grid"]["西岗"], 1);
}

/// `start` in rounds.toml: a community that starts today is not overdue
/// for years before it.
#[test]
fn the_start_setting() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,household,level\nR1,H1,green\n");
    wd.write("visits.csv", "date,household\n");
    let run = wd
        .run(&["--today", "2020-06-10", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H1");
    assert_eq!(
        (row["deadline"].as_str(), row["status"].as_str()),
        ("", "overdue")
    );
    wd.write("rounds.toml", "start = 2020-06-01\n");
    let run = wd
        .run(&["--today", "2020-06-10", "due", "--all", "--format", "csv"])
        .ok();
    let row = due_row(&run, "H1");
    assert_eq!(
        row["deadline"], "2020-06-30",
        "the half-year holding the start"
    );
    assert_eq!(row["status"], "ok");
    assert_eq!(row["days_left"], "20");
    // A quoted date in any accepted form works too; a bad one is an error
    // naming the line.
    wd.write("rounds.toml", "# rounds\nstart = \"2020年6月1日\"\n");
    let run = wd
        .run(&["--today", "2020-06-10", "due", "--all", "--format", "csv"])
        .ok();
    assert_eq!(due_row(&run, "H1")["deadline"], "2020-06-30");
    wd.write("rounds.toml", "# rounds\nstart = \"2020-02-30\"\n");
    wd.run(&["--today", "2020-06-10", "due"])
        .expect(3)
        .stderr_has("rounds.toml:2: error: invalid date '2020-02-30' in start");
}

#[test]
fn init_writes_todays_start() {
    let wd = Workdir::new();
    wd.run(&["--today", "2026-12-04", "init", "c"]).ok();
    let toml = String::from_utf8(wd.read("c/rounds.toml")).unwrap();
    assert!(
        toml.lines().any(|l| l.trim() == "start = 2026-12-04"),
        "{toml}"
    );
}

/// Every check of history.csv, each with its line.
#[test]
fn check_reports_every_history_problem() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,visitor\nR1,H1,red,王\nR2,H2,green,李\n",
    );
    wd.write("visits.csv", "date,household\n");
    wd.write(
        "history.csv",
        "date,id,field,from,to\n\
         2020-03-01,R1,level,green,yellow\n\
         2020-04-01,R1,level,orange,red\n\
         2020-02-30,R1,visitor,李,王\n\
         2020-03-01,R9,level,green,red\n\
         2020-03-01,R2,colour,green,red\n\
         2020-03-01,R2,level,green,purple\n\
         2020-03-01,R2,until,,2020-13-01\n\
         2020-08-01,R2,visitor,赵,李\n\
         2020-03-05,R2,grid,东,西\n",
    );
    let run = wd.run(&["--today", "2020-07-01", "check"]).expect(3);
    let out = run.stdout();
    let h = wd.join("history.csv").display().to_string();
    let has = |line: u32, text: &str| {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{h}:{line}:")) && l.contains(text)),
            "line {line} should say {text}:\n{out}"
        )
    };
    has(3, "broken chain");
    has(3, "line 2");
    has(4, "2020-02-30");
    has(5, "unknown resident 'R9'");
    has(6, "unknown field 'colour'");
    has(7, "'purple' is not a level");
    has(8, "'2020-13-01' is not a date");
    has(9, "after today");
    // The roster lacks the grid the history gave R2 last: an edit without a
    // record, named at the roster's line.
    let res = wd.join("residents.csv").display().to_string();
    assert!(
        out.lines().any(
            |l| l.starts_with(&format!("{res}:3: warning: R2's grid changed 西 → "))
                && l.contains("without a record in history.csv")
        ),
        "{out}"
    );
}
