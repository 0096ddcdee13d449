//! `rounds report --data A --data B …`: a district's roll-up of several
//! communities, checked by hand on three small ones (two of which use the
//! same household ids) and against the sum of their own reports.

mod common;

use common::{Run, Workdir};
use serde_json::{Value, json};

/// 东社区: H1 red, visited in three of June's four weeks (Sundays 7, 14,
/// 21, 28: the week of the 22nd has none, so H1 is overdue on the 30th);
/// H2 green, visited in the half-year. Person-times 1 + 2 + 1 + 1 = 5.
const EAST: &str = "\
id,household,level,grid
E1,H1,red,G1
E2,H2,green,G1
";
const EAST_VISITS: &str = "\
date,household,visitor,persons
2020-06-01,H1,王,
2020-06-09,H1,王,2
2020-06-20,H1,王,
2020-06-05,H2,王,
";

/// west (no rounds.toml: named after its directory), with households H1
/// and H2 as 东社区 has: H1 orange visited in June, H2 orange never
/// visited (overdue, never visited), H3 yellow visited. Person-times 1 + 3.
const WEST: &str = "\
id,household,level,grid
W1,H1,orange,G1
W2,H2,orange,G1
W3,H3,yellow,G2
";
const WEST_VISITS: &str = "\
date,household,visitor,persons
2020-06-10,H1,李,
2020-06-11,H3,李,3
";

/// 南社区: one green household never visited.
const SOUTH: &str = "\
id,household,level
S1,H9,green
";

/// A district of three communities under `district/`.
fn district() -> Workdir {
    let wd = Workdir::new();
    wd.write("district/east/rounds.toml", "name = \"东社区\"\n")
        .write("district/east/residents.csv", EAST)
        .write("district/east/visits.csv", EAST_VISITS)
        .write("district/west/residents.csv", WEST)
        .write("district/west/visits.csv", WEST_VISITS)
        .write("district/south/rounds.toml", "name = \"南社区\"\n")
        .write("district/south/residents.csv", SOUTH)
        .write(
            "district/south/visits.csv",
            "date,household,visitor,persons\n",
        );
    wd
}

fn run(wd: &Workdir, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    wd.run_raw(&args, &[])
}

/// The June 2020 report of the communities in `dirs`, as of 2020-07-10
/// (in json unless `more` says otherwise).
fn june(wd: &Workdir, dirs: &[&str], more: &[&str]) -> Run {
    let mut args = Vec::new();
    for d in dirs {
        args.extend(["--data", d]);
    }
    args.extend(["--today", "2020-07-10", "report", "--month", "2020-06"]);
    if !more.iter().any(|a| *a == "--format" || *a == "-o") {
        args.extend(["--format", "json"]);
    }
    args.extend(more);
    run(wd, &args)
}

const THREE: [&str; 3] = ["district/east", "district/west", "district/south"];

#[test]
fn counts_are_the_sums_worked_out_by_hand() {
    let wd = district();
    let r = june(&wd, &THREE, &[]).ok().json();
    assert_eq!(r["communities"], json!(["东社区", "west", "南社区"]));
    // Six households: H1 and H2 of 东社区 are not H1 and H2 of west.
    assert_eq!(
        r["households"],
        json!({"red": 1, "orange": 2, "yellow": 1, "green": 2})
    );
    assert_eq!(r["visits"], 6);
    assert_eq!(r["households_visited"], 4);
    assert_eq!(r["person_times"], 5 + 4);
    assert_eq!(
        r["overdue"],
        json!({"red": 1, "orange": 1, "yellow": 0, "green": 1})
    );
    assert_eq!(r["never_visited"], 2);
    assert_eq!(
        r["compliance"],
        json!({
            "red": {"required": 4, "met": 3},
            "orange": {"required": 2, "met": 1},
            "yellow": {"required": 1, "met": 1},
            "green": {"required": 2, "met": 1},
        })
    );
    // Rates from the summed counts, never averaged: coverage is 4 of 6
    // (0.6667), not the mean of 2/2, 2/3 and 0/1 (0.5556).
    assert_eq!(
        r["compliance_rate"],
        json!({"red": 0.75, "orange": 0.5, "yellow": 1.0, "green": 0.5})
    );
    assert_eq!(
        r["coverage"],
        json!({"households": 6, "visited": 4, "rate": 0.6667})
    );
    // Grids and visitors stay apart per community.
    assert_eq!(
        r["visits_by_grid"],
        json!({"东社区/G1": 4, "west/G1": 1, "west/G2": 1})
    );
    // The overdue list names the community of each household.
    let overdue: Vec<(String, String)> = (r["overdue_list"].as_array().unwrap().iter())
        .map(|o| {
            (
                o["community"].as_str().unwrap().to_string(),
                o["household"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        overdue,
        [("东社区", "H1"), ("west", "H2"), ("南社区", "H9")]
            .map(|(c, h)| (c.to_string(), h.to_string()))
    );
    let by: Vec<(&str, u64, u64, u64)> = (r["by_community"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["community"].as_str().unwrap(),
                c["households"].as_u64().unwrap(),
                c["required"].as_u64().unwrap(),
                c["met"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [("东社区", 2, 5, 4), ("west", 3, 3, 2), ("南社区", 1, 1, 0)]
    );
    assert_eq!(r["by_community"][1]["directory"], "district/west");
}

/// Adds `v` into `sum`: numbers added, objects key by key.
fn add(sum: &mut Value, v: &Value) {
    match (sum, v) {
        (Value::Number(s), Value::Number(n)) => {
            *s = (s.as_u64().unwrap() + n.as_u64().unwrap()).into();
        }
        (Value::Object(s), Value::Object(o)) => {
            for (k, x) in o {
                let zero = if x.is_object() { json!({}) } else { json!(0) };
                add(s.entry(k.clone()).or_insert(zero), x);
            }
        }
        (s, x) => panic!("cannot add {x} to {s}"),
    }
}

#[test]
fn every_count_of_the_spec_is_the_sum_of_the_single_reports() {
    let wd = district();
    let all = june(&wd, &THREE, &[]).ok().json();
    let singles: Vec<Value> = THREE
        .iter()
        .map(|d| june(&wd, &[d], &[]).ok().json())
        .collect();
    for single in &singles {
        assert!(single.get("communities").is_none(), "{single}");
    }
    for key in [
        "households",
        "visits",
        "households_visited",
        "person_times",
        "overdue",
        "compliance",
        "never_visited",
    ] {
        let mut sum = json!(0);
        if singles[0][key].is_object() {
            sum = json!({});
        }
        for s in &singles {
            add(&mut sum, &s[key]);
        }
        assert_eq!(all[key], sum, "{key}");
    }
    // Per grid and per visitor: each community's, under its name.
    for key in ["visits_by_grid", "visits_by_visitor"] {
        let mut expected = serde_json::Map::new();
        for (s, name) in singles.iter().zip(["东社区", "west", "南社区"]) {
            for (k, n) in s[key].as_object().unwrap() {
                expected.insert(format!("{name}/{k}"), n.clone());
            }
        }
        assert_eq!(all[key], Value::Object(expected), "{key}");
    }
    // Each community's row is its own report's figures.
    for (row, s) in all["by_community"].as_array().unwrap().iter().zip(&singles) {
        for key in [
            "visits",
            "households_visited",
            "person_times",
            "never_visited",
        ] {
            assert_eq!(row[key], s[key], "{key}");
        }
        let total = |v: &Value| {
            v.as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum::<u64>()
        };
        assert_eq!(row["households"], total(&s["households"]));
        assert_eq!(row["overdue"], total(&s["overdue"]));
    }
    // The trend's months add up too.
    for (i, month) in all["trend"].as_array().unwrap().iter().enumerate() {
        let visits: u64 = singles
            .iter()
            .map(|s| s["trend"][i]["visits"].as_u64().unwrap())
            .sum();
        assert_eq!(month["visits"], visits);
    }
}

#[test]
fn one_data_directory_is_one_community_report() {
    let wd = district();
    let r = june(&wd, &["district/east"], &[]).ok().json();
    assert!(r.get("communities").is_none());
    assert!(r.get("by_community").is_none());
    assert!(r["overdue_list"][0].get("community").is_none());
    assert_eq!(r["visits_by_grid"], json!({"G1": 4}));
}

#[test]
fn a_directory_of_communities_stands_for_its_sub_directories_in_name_order() {
    let wd = district();
    let r = june(&wd, &["district"], &[]).ok().json();
    // east, south, west.
    assert_eq!(r["communities"], json!(["东社区", "南社区", "west"]));
    assert_eq!(r["visits"], 6);
    let listed = june(&wd, &THREE, &[]).ok().json();
    assert_eq!(r["households"], listed["households"]);
    assert_eq!(r["compliance"], listed["compliance"]);
}

/// Two communities whose data has errors.
fn with_two_invalid() -> Workdir {
    let wd = district();
    wd.write(
        "district/north/residents.csv",
        "id,household,level\nN1,H1,purple\n",
    )
    .write("district/north/visits.csv", "date,household\n")
    .write(
        "district/centre/residents.csv",
        "id,household,level\nC1,H1,red\n",
    )
    .write(
        "district/centre/visits.csv",
        "date,household\n2020-02-30,H1\n",
    );
    wd
}

#[test]
fn an_invalid_community_stops_the_roll_up_naming_every_community_s_errors() {
    let wd = with_two_invalid();
    let run = june(&wd, &["district"], &[]).expect(3).stdout_is_empty();
    let err = run.stderr();
    assert!(err.contains("district/north/residents.csv"), "{err}");
    assert!(err.contains("purple"), "{err}");
    assert!(err.contains("district/centre/visits.csv"), "{err}");
    assert!(err.contains("2020-02-30"), "{err}");
}

#[test]
fn skip_invalid_reports_the_rest_and_names_what_it_left_out() {
    let wd = with_two_invalid();
    let run = june(&wd, &["district"], &["--skip-invalid"]).ok();
    let err = run.stderr();
    assert!(err.contains("left out: centre (district/centre)"), "{err}");
    assert!(err.contains("left out: north (district/north)"), "{err}");
    let r = run.json();
    assert_eq!(r["communities"], json!(["东社区", "南社区", "west"]));
    assert_eq!(r["visits"], 6);
    assert_eq!(
        r["skipped"],
        json!([
            {"community": "centre", "directory": "district/centre", "errors": 1},
            {"community": "north", "directory": "district/north", "errors": 1},
        ])
    );
}

#[test]
fn every_format_shows_the_communities() {
    let wd = district();
    let table = june(&wd, &THREE, &["--format", "table", "--lang", "zh"])
        .ok()
        .stdout();
    assert!(
        table.starts_with("3个社区汇总 2020年6月走访工作报告"),
        "{table}"
    );
    assert!(table.contains("各社区情况"), "{table}");
    assert!(table.contains(" 东社区 "), "{table}");
    let csv = june(&wd, &THREE, &["--format", "csv", "--section", "community"]).ok();
    let rows = csv.csv();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["community"], "west");
    assert_eq!(rows[1]["households"], "3");
    assert_eq!(rows[1]["overdue"], "1");
    let overdue = june(&wd, &THREE, &["--format", "csv", "--section", "overdue"]).ok();
    let rows = overdue.csv();
    assert_eq!(
        rows.iter()
            .map(|r| r["community"].as_str())
            .collect::<Vec<_>>(),
        ["东社区", "west", "南社区"]
    );
    for format in ["md", "html"] {
        let out = june(&wd, &THREE, &["--format", format]).ok().stdout();
        assert!(out.contains("Communities"), "{format}: {out}");
        assert!(out.contains("南社区"), "{format}");
    }
    june(&wd, &THREE, &["-o", "district.xlsx"]).ok();
    assert!(wd.read("district.xlsx").starts_with(b"PK"));
}

#[test]
fn only_report_due_and_needs_take_several_data_directories() {
    let wd = district();
    run(
        &wd,
        &[
            "--data",
            "district/east",
            "--data",
            "district/west",
            "households",
        ],
    )
    .expect(2)
    .stderr_has("only `report`, `due` and `needs` take --data more than once");
    june(&wd, &["district/east", "district/east"], &[])
        .expect(2)
        .stderr_has("given twice");
}

/// The example community twice, in `a/` and `b/` (the second renamed).
fn example_twice() -> Workdir {
    let wd = Workdir::new();
    let example = common::example("nongjiang");
    for entry in std::fs::read_dir(&example).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let content = std::fs::read(entry.path()).unwrap();
            wd.write(&format!("a/{name}"), &content);
            let content = if name == "rounds.toml" {
                String::from_utf8(content)
                    .unwrap()
                    .replace("农江社区", "东风社区")
                    .into_bytes()
            } else {
                content
            };
            wd.write(&format!("b/{name}"), content);
        }
    }
    wd
}

#[test]
fn needs_changes_tags_and_trend_of_a_community_twice_are_doubled() {
    let wd = example_twice();
    let one = june(&wd, &["a"], &[]).ok().json();
    let two = june(&wd, &["a", "b"], &[]).ok().json();
    assert_eq!(two["communities"], json!(["农江社区", "东风社区"]));
    let double = |v: &Value| v.as_u64().unwrap() * 2;
    for key in [
        "visits",
        "households_visited",
        "person_times",
        "never_visited",
    ] {
        assert_eq!(two[key], double(&one[key]), "{key}");
    }
    for level in ["red", "orange", "yellow", "green"] {
        assert_eq!(two["households"][level], double(&one["households"][level]));
        assert_eq!(two["overdue"][level], double(&one["overdue"][level]));
        for c in ["required", "met"] {
            assert_eq!(
                two["compliance"][level][c],
                double(&one["compliance"][level][c])
            );
        }
        // The same share of twice the counts.
        assert_eq!(two["compliance_rate"][level], one["compliance_rate"][level]);
    }
    assert_eq!(two["coverage"]["rate"], one["coverage"]["rate"]);
    // The needs: counts doubled, the median and the rates as they were.
    for key in [
        "raised",
        "raised_resolved",
        "resolved",
        "unresolved_at_end",
        "follow_ups",
    ] {
        assert_eq!(two["needs"][key], double(&one["needs"][key]), "needs {key}");
    }
    for key in [
        "median_days_to_resolve",
        "resolution_rate",
        "satisfaction_rate",
    ] {
        assert_eq!(two["needs"][key], one["needs"][key], "needs {key}");
    }
    // Categories added up by name; grids and workers kept per community.
    assert_eq!(
        two["needs"]["by_category"].as_array().unwrap().len(),
        one["needs"]["by_category"].as_array().unwrap().len()
    );
    assert_eq!(
        two["needs"]["by_grid"].as_array().unwrap().len(),
        2 * one["needs"]["by_grid"].as_array().unwrap().len()
    );
    // Roster changes: re-ratings per direction summed, the list kept.
    let (c1, c2) = (&one["roster_changes"], &two["roster_changes"]);
    assert_eq!(c2["stricter"], double(&c1["stricter"]));
    assert_eq!(c2["lighter"], double(&c1["lighter"]));
    assert_eq!(
        c2["re_ratings"].as_array().unwrap().len(),
        c1["re_ratings"].as_array().unwrap().len()
    );
    assert_eq!(
        c2["list"].as_array().unwrap().len(),
        2 * c1["list"].as_array().unwrap().len()
    );
    // Special groups added up by name.
    for (t1, t2) in
        (one["by_tag"].as_array().unwrap().iter()).zip(two["by_tag"].as_array().unwrap())
    {
        assert_eq!(t2["tag"], t1["tag"]);
        assert_eq!(t2["households"], double(&t1["households"]));
        assert_eq!(t2["compliance_rate"], t1["compliance_rate"]);
    }
    // The trend: each month's visits doubled, its changes as they were
    // (the first month's against the month before it too).
    for (m1, m2) in (one["trend"].as_array().unwrap().iter()).zip(two["trend"].as_array().unwrap())
    {
        assert_eq!(m2["visits"], double(&m1["visits"]));
        for key in [
            "visits_change_rate",
            "compliance_rate",
            "compliance_rate_change",
        ] {
            assert_eq!(m2[key], m1[key], "{} {key}", m1["month"]);
        }
    }
    // Names stay masked in the roll-up's overdue list.
    let list = two["overdue_list"].as_array().unwrap();
    assert_eq!(
        list.len(),
        2 * one["overdue_list"].as_array().unwrap().len()
    );
    for (o, o1) in list.iter().zip(one["overdue_list"].as_array().unwrap()) {
        assert_eq!(o["contact"], o1["contact"]);
        assert!(o["contact"].as_str().unwrap().contains('*'), "{o}");
    }
}

#[test]
fn a_special_group_of_one_community_counts_in_the_roll_up() {
    let wd = district();
    wd.write(
        "district/west/residents.csv",
        "id,household,level,grid,tags\nW1,H1,orange,G1,独居老人\nW2,H2,orange,G1,\nW3,H3,yellow,G2,\n",
    );
    let r = june(&wd, &THREE, &["--tag", "独居老人"]).ok().json();
    // Only west's H1, visited on June 10th.
    assert_eq!(
        r["households"],
        json!({"red": 0, "orange": 1, "yellow": 0, "green": 0})
    );
    assert_eq!(r["visits"], 1);
    june(&wd, &THREE, &["--tag", "低保"])
        .expect(2)
        .stderr_has("低保");
}
