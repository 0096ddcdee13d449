//! `rounds report`: the monthly figures, checked by hand on a small
//! community and for consistency on the example one.

mod common;

use common::{Workdir, run_example};

/// June 2020 has four weeks that end in it (Sundays 7, 14, 21, 28); the
/// week of June 29 ends on July 5 and belongs to July.
const RESIDENTS: &str = "\
id,household,level,grid,since,until
R1,H1,red,G1,,
R2,H2,orange,G1,,
R3,H3,yellow,G2,,
R4,H4,green,G2,,
R5,H4,green,G2,,
R6,H5,red,,2020-06-20,
R7,H6,green,G2,,2020-06-10
";

const VISITS: &str = "\
date,household,visitor,persons
2020-05-31,H1,王,1
2020-06-01,H1,王,1
2020-06-09,H1,王,
2020-06-20,H1,王,1
2020-06-29,H1,王,1
2020-04-15,H3,赵,1
2020-06-05,H4,赵,
2020-06-06,H4,,3
2020-06-21,H5,李,0
2020-06-08,H6,赵,
2020-06-15,NOPE,赵,1
2020-07-01,H2,王,1
";

fn community() -> Workdir {
    let wd = Workdir::new();
    wd.write("residents.csv", RESIDENTS)
        .write("visits.csv", VISITS);
    wd
}

#[test]
fn june_by_hand() {
    let run = community()
        .run(&[
            "--today",
            "2020-07-10",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ])
        .ok();
    let r = run.json();
    assert_eq!(r["month"], "2020-06");
    assert_eq!(r["as_of"], "2020-06-30");
    assert_eq!(
        r["households"],
        serde_json::json!({"red": 2, "orange": 1, "yellow": 1, "green": 1})
    );
    // In June up to as_of, known households: H1 x4, H4 x2, H5, H6 (the visit
    // to NOPE is ignored, the one of July 1 is after as_of).
    assert_eq!(r["visits"], 8);
    assert_eq!(r["households_visited"], 4);
    // H1: 1 + 1 (empty: 1 active) + 1 + 1; H4: 2 (empty: 2 active) + 3; H5: 0; H6: 1 active on 06-08.
    assert_eq!(r["person_times"], 4 + 5 + 1);
    assert_eq!(
        r["visits_by_grid"],
        serde_json::json!({"G1": 4, "G2": 3, "": 1})
    );
    assert_eq!(
        r["visits_by_visitor"],
        serde_json::json!({"王": 4, "赵": 2, "": 1, "李": 1})
    );
    // Red, H1 over the four June weeks: 06-01..07 holds 06-01, 06-08..14
    // holds 06-09, 06-15..21 holds 06-20, 06-22..28 holds none: 3 of 4.
    // H5, registered 06-20, is active on the Sundays 06-21 and 06-28: its
    // visit of 06-21 meets the first week, nothing the second: 1 of 2.
    assert_eq!(
        r["compliance"]["red"],
        serde_json::json!({"required": 6, "met": 4})
    );
    // Orange: H2 has no June visit.
    assert_eq!(
        r["compliance"]["orange"],
        serde_json::json!({"required": 1, "met": 0})
    );
    // Yellow: Q2 holds the visit of 04-15.
    assert_eq!(
        r["compliance"]["yellow"],
        serde_json::json!({"required": 1, "met": 1})
    );
    // Green: H4 visited in H1; H6 moved out before 06-30 and does not count.
    assert_eq!(
        r["compliance"]["green"],
        serde_json::json!({"required": 1, "met": 1})
    );
    // Overdue on 06-30: H1 red was last visited 06-20 (week ending 06-28 missed);
    // H2 orange last visited never -> overdue.
    assert_eq!(
        r["overdue"],
        serde_json::json!({"red": 1, "orange": 1, "yellow": 0, "green": 0})
    );
}

#[test]
fn as_of_is_today_inside_the_month() {
    let run = community()
        .run(&[
            "--today",
            "2020-06-16",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ])
        .ok();
    let r = run.json();
    assert_eq!(r["as_of"], "2020-06-16");
    // Only the weeks ending 06-07 and 06-14 have ended.
    assert_eq!(
        r["compliance"]["red"],
        serde_json::json!({"required": 2, "met": 2})
    );
    assert_eq!(r["visits"], 5);
}

#[test]
fn month_after_today_is_an_error() {
    community()
        .run(&["--today", "2020-06-16", "report", "--month", "2020-07"])
        .expect(2)
        .says("2020-07");
    community()
        .run(&["report", "--month", "2020-13"])
        .expect(2)
        .says("YYYY-MM");
}

#[test]
fn example_figures_add_up() {
    for month in ["2020-01", "2020-02", "2020-03", "2020-06", "2020-07"] {
        let r = run_example(
            "nongjiang",
            &[
                "--today",
                "2020-07-20",
                "report",
                "--month",
                month,
                "--format",
                "json",
            ],
        )
        .ok()
        .json();
        let sum = |v: &serde_json::Value| {
            v.as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum::<u64>()
        };
        let visits = r["visits"].as_u64().unwrap();
        assert_eq!(sum(&r["visits_by_grid"]), visits, "{month}");
        assert_eq!(sum(&r["visits_by_visitor"]), visits, "{month}");
        assert!(r["households_visited"].as_u64().unwrap() <= visits);
        for level in ["red", "orange", "yellow", "green"] {
            let c = &r["compliance"][level];
            assert!(
                c["met"].as_u64() <= c["required"].as_u64(),
                "{month} {level}"
            );
            assert!(r["overdue"][level].as_u64() <= r["households"][level].as_u64());
        }
    }
}

#[test]
fn table_in_both_languages() {
    let wd = community();
    wd.run(&["--today", "2020-07-10", "report", "--month", "2020-06"])
        .ok()
        .says("Visits report, June 2020")
        .says("as of 2020-06-30")
        .says("66.7%");
    wd.run(&[
        "--today",
        "2020-07-10",
        "--lang",
        "zh",
        "report",
        "--month",
        "2020-06",
    ])
    .ok()
    .says("2020年6月走访工作报告")
    .says("走访户次 8");
}
