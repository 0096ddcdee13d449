//! `rounds report`: the monthly figures, checked by hand on a small
//! community and for consistency on the example one.

mod common;

use common::{Workdir, community, run_example};

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

#[test]
fn june_by_hand() {
    let run = community(RESIDENTS, VISITS)
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
    let run = community(RESIDENTS, VISITS)
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
    community(RESIDENTS, VISITS)
        .run(&["--today", "2020-06-16", "report", "--month", "2020-07"])
        .expect(2)
        .stderr_has("2020-07");
    community(RESIDENTS, VISITS)
        .run(&["report", "--month", "2020-13"])
        .expect(2)
        .stderr_has("YYYY-MM");
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
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", "2020-07-10", "report", "--month", "2020-06"])
        .ok()
        .stdout_has("Visits report, June 2020")
        .stdout_has("as of 2020-06-30")
        .stdout_has("66.7%");
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
    .stdout_has("2020年6月走访工作报告")
    .stdout_has("走访户次 8");
}

fn june(wd: &Workdir, extra: &[&str]) -> common::Run {
    let mut args = vec!["--today", "2020-07-10", "report", "--month", "2020-06"];
    args.extend_from_slice(extra);
    wd.run(&args).ok()
}

/// 走访覆盖率 and the change against the month before, by hand.
#[test]
fn coverage_and_change_by_hand() {
    let wd = community(RESIDENTS, VISITS);
    let r = june(&wd, &["--format", "json"]).json();
    // Active on 06-30: H1, H2, H3, H4 and H5 (H6 moved out on 06-10).
    // Visited in June: H1, H4, H5 and H6; of the active ones H1, H4, H5.
    assert_eq!(r["households_visited"], 4);
    assert_eq!(
        r["coverage"],
        serde_json::json!({"households": 5, "visited": 3, "rate": 0.6})
    );
    let trend = r["trend"].as_array().unwrap();
    let months: Vec<&str> = trend.iter().map(|t| t["month"].as_str().unwrap()).collect();
    assert_eq!(
        months,
        [
            "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"
        ]
    );
    // April: H3 once. Red H1, weeks ending 04-05, 12, 19, 26, and orange
    // H2: 0 of 5. May: H1 on 05-31 meets the week ending that day;
    // weeks ending 05-03 … 05-31 and H2's May: 1 of 6.
    // June: 8 visits, 6 of 9 (see june_by_hand).
    let may = &trend[4];
    assert_eq!(
        (
            &may["visits"],
            &may["visits_change"],
            &may["visits_change_rate"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(0),
            &serde_json::json!(0.0)
        )
    );
    assert_eq!(may["compliance_rate_change"], 0.1667);
    let june_row = &trend[5];
    assert_eq!(june_row["visits"], 8);
    assert_eq!(june_row["visits_change"], 7);
    assert_eq!(june_row["visits_change_rate"], 7.0);
    // 6/9 − 1/6 = 0.5.
    assert_eq!(june_row["compliance_rate_change"], 0.5);
    // March had no visit at all: April is not compared with it.
    assert!(trend[3]["visits_change"].is_null());
    assert!(trend[3]["compliance_rate_change"].is_null());
    // As people read them: the rate beside its counts, the changes beside
    // their figures (+700.0% visits, 66.7% − 16.7% = +50.0 points).
    june(&wd, &["--lang", "en"])
        .stdout_has("coverage 60.0% (3/5) · compliance 66.7% (6/9)")
        .stdout_has("+700.0%")
        .stdout_has("+50.0");
    june(&wd, &["--lang", "zh", "--format", "md"])
        .stdout_has("- 走访覆盖率: **60.0%** (3/5)")
        .stdout_has("- 完成率: **66.7%** (6/9)")
        .stdout_has("| 2020-06 | 8 | +700.0% | 4 | 9 | 6 | 66.7% | +50.0 |");
    let csv = june(&wd, &["--format", "csv", "--section", "summary"]).csv();
    let metric = |m: &str| {
        csv.iter()
            .find(|r| r["metric"] == m)
            .unwrap_or_else(|| panic!("{m}"))["value"]
            .clone()
    };
    assert_eq!(
        (metric("coverage_visited"), metric("coverage_rate")),
        ("3".to_string(), "0.6000".to_string())
    );
    let trend = june(&wd, &["--format", "csv", "--section", "trend"]).csv();
    assert_eq!(trend[5]["visits_change"], "7");
    assert_eq!(trend[5]["visits_change_rate"], "7.0000");
    assert_eq!(trend[5]["compliance_rate_change"], "0.5000");
    assert_eq!(trend[3]["visits_change"], "");
}

/// A longer span's trend is its own months (a year's from January).
#[test]
fn a_longer_span_trends_over_its_own_months() {
    let wd = community(RESIDENTS, VISITS);
    let months = |span: &[&str]| -> Vec<String> {
        let mut args = vec!["--today", "2020-07-10", "report", "--format", "json"];
        args.extend_from_slice(span);
        wd.run(&args).ok().json()["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["month"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        months(&["--year", "2020"]),
        [
            "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"
        ]
    );
    assert_eq!(
        months(&["--half", "2020-H1"]),
        [
            "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"
        ]
    );
    assert_eq!(
        months(&["--quarter", "2020-Q2"]),
        ["2020-04", "2020-05", "2020-06"]
    );
    assert_eq!(months(&["--quarter", "2020-Q3"]), ["2020-07"]);
    // A month keeps its six.
    assert_eq!(months(&["--month", "2020-03"]).first().unwrap(), "2019-10");
    wd.run(&[
        "--today",
        "2020-07-10",
        "--lang",
        "zh",
        "report",
        "--year",
        "2020",
    ])
    .ok()
    .stdout_has("本期逐月走访趋势")
    .never_says("近六个月");
}

/// Every figure is defined once; the printed page numbers its pages and
/// ends with the line to sign.
#[test]
fn figures_defined_once_and_a_line_to_sign() {
    let wd = community(RESIDENTS, VISITS);
    let md = june(&wd, &["--lang", "zh", "--format", "md"]).stdout();
    let notes = md.split("## 指标说明").nth(1).expect("the notes");
    for term in [
        "在册户数",
        "走访户次",
        "走访户数",
        "走访人次",
        "走访覆盖率",
        "逾期户数",
        "应访户次",
        "已访户次",
        "完成率",
        "环比",
    ] {
        assert_eq!(
            notes.matches(&format!("- **{term}**: ")).count(),
            1,
            "{term}"
        );
    }
    // Without a needs ledger, no needs rate is defined or shown.
    assert!(!md.contains("办结率"), "{md}");
    let html = june(&wd, &["--lang", "zh", "--format", "html"]).stdout();
    assert_eq!(html.matches("<dt>应访户次</dt>").count(), 1);
    assert!(html.contains("<dt>完成率</dt><dd>已访户次 ÷ 应访户次</dd>"));
    assert!(html.contains("content: \"第 \" counter(page) \" 页，共 \" counter(pages) \" 页\""));
    assert!(html.contains("<span>制表人：</span><span>审核人：</span><span>日期：</span>"));
    let en = june(&wd, &["--lang", "en", "--format", "html"]).stdout();
    assert!(en.contains("content: \"Page \" counter(page) \" of \" counter(pages) \"\""));
    assert!(en.contains("<span>Prepared by:</span><span>Checked by:</span><span>Date:</span>"));
    june(&wd, &["--lang", "en"])
        .stdout_has("What the figures mean")
        .stdout_has(
            "coverage: of the households on the as-of date, the share visited in the period",
        );
}

/// A report over thousands of households (their visits are added in
/// buckets of households, several here, each filled and emptied many
/// times) counts every visit once: the month's visits, the households
/// visited, each trend month's visits and the weekly compliance of red
/// households, worked out here from the rows, with the cache (the visit
/// rows) and without it (the log parsed). Over 65,536 households, the
/// threads' counts are put together on every core.
#[test]
fn a_city_sized_report_counts_every_visit_once() {
    city_sized_report(6000, 20);
    city_sized_report(70_000, 3);
}

fn city_sized_report(households: u64, per_household: u64) {
    use chrono::{Datelike, NaiveDate};
    let mut rng = common::Rng(4242);
    let mut residents = String::from("id,household,level,grid\n");
    for h in 0..households {
        residents.push_str(&format!("R{h},H{h:05},red,G{}\n", h % 7));
    }
    let first = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let mut visits = String::from("date,household,visitor,persons\n");
    let mut rows = Vec::new();
    for _ in 0..households * per_household {
        let day = first + chrono::Days::new(rng.below(245));
        let h = rng.below(households);
        visits.push_str(&format!("{day},H{h:05},W{},1\n", h % 5));
        rows.push((day, h));
    }
    let wd = Workdir::new();
    wd.write("residents.csv", &residents)
        .write("visits.csv", &visits);
    // Files older than a moment, which the cache is kept for.
    common::age_files(&wd, &["residents.csv", "visits.csv"], 600);
    let dir = wd.path().display().to_string();
    let month = |d: NaiveDate| (d.year(), d.month());
    let dec = (2024, 12);
    let in_dec: Vec<&(NaiveDate, u64)> = rows.iter().filter(|(d, _)| month(*d) == dec).collect();
    let visited: std::collections::HashSet<u64> = in_dec.iter().map(|(_, h)| *h).collect();
    // Weeks (Monday to Sunday) belong to the month of their Sunday: in
    // December 2024 the Sundays 1, 8, 15, 22 and 29.
    let week_of =
        |d: NaiveDate| d + chrono::Days::new(u64::from(6 - d.weekday().num_days_from_monday()));
    let met_weeks: std::collections::HashSet<(NaiveDate, u64)> =
        rows.iter().map(|&(d, h)| (week_of(d), h)).collect();
    let met: std::collections::HashSet<&(NaiveDate, u64)> = met_weeks
        .iter()
        .filter(|(sunday, _)| month(*sunday) == dec)
        .collect();
    for env in [&[][..], &[("ROUNDS_CACHE", "0")][..]] {
        for run in 0..2 {
            let args = [
                "--data",
                &dir,
                "--today",
                "2024-12-31",
                "report",
                "--month",
                "2024-12",
                "--format",
                "json",
            ]
            .map(String::from);
            let r = wd.run_raw(&args, env);
            let json = r.json();
            let what = format!("{households} households, {env:?}, run {run}");
            assert_eq!(json["visits"], in_dec.len() as u64, "{what}");
            assert_eq!(json["households_visited"], visited.len() as u64, "{what}");
            assert_eq!(
                json["compliance"]["red"]["required"],
                households * 5,
                "{what}"
            );
            assert_eq!(json["compliance"]["red"]["met"], met.len() as u64, "{what}");
            assert!(json["trend"].as_array().unwrap().len() >= 6, "{what}");
            for t in json["trend"].as_array().unwrap() {
                let m = t["month"].as_str().unwrap();
                let (y, mo) = (m[..4].parse().unwrap(), m[5..].parse().unwrap());
                let n = rows.iter().filter(|(d, _)| month(*d) == (y, mo)).count();
                assert_eq!(t["visits"], n as u64, "{what}: {m}");
                // Each red household owes the month its weeks (those whose
                // Sunday falls in it), and met those it was visited in.
                let sundays = (1..=31)
                    .filter_map(|d| NaiveDate::from_ymd_opt(y, mo, d))
                    .filter(|d| d.weekday() == chrono::Weekday::Sun)
                    .count() as u64;
                let met = met_weeks
                    .iter()
                    .filter(|(s, _)| month(*s) == (y, mo))
                    .count();
                let red = &t["compliance"]["red"];
                assert_eq!(red["required"], households * sundays, "{what}: {m}");
                assert_eq!(red["met"], met as u64, "{what}: {m}");
            }
        }
        if env.is_empty() {
            assert!(
                wd.join(".rounds-cache/visit-rows").exists(),
                "the visit rows kept"
            );
        }
    }
}
