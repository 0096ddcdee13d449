//! `rounds report` under any period per level in rounds.toml (`[levels]`),
//! over any span: compliance is held to counts made here, independently of
//! the tool, on a small community with hand-placed visits. A year of four
//! weekly levels counts 212 windows; no setting may crash the report.

mod common;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use common::{Workdir, community};
use serde_json::{Value, json};

/// Households of one or two members; H7's red member moves in on
/// 2020-05-13 (green before, red after), H8 moves out on 2020-09-01, H9
/// arrives on 2020-11-20.
const RESIDENTS: &str = "\
id,household,level,grid,since,until
R1,H1,red,G1,,
R2,H2,orange,G1,,
R3,H3,yellow,G1,,
R4,H4,green,G2,,
R5,H5,red,G2,,
R6,H5,green,G2,,
R7,H6,yellow,G2,,
R8,H7,green,G3,,
R9,H7,red,G3,2020-05-13,
R10,H8,orange,G3,,2020-09-01
R11,H9,green,G3,2020-11-20,
";

/// Visits on the edges of weeks, months, quarters and halves: 2019-12-30
/// is in the first ISO week of 2020, 2020-12-28 in the week that ends on
/// 2021-01-03, Sundays and Mondays, the last and first days of months.
const VISITS: &[(&str, &str)] = &[
    ("2019-12-30", "H1"),
    ("2020-01-05", "H1"),
    ("2020-01-06", "H1"),
    ("2020-01-31", "H1"),
    ("2020-02-29", "H1"),
    ("2020-03-01", "H1"),
    ("2020-03-31", "H1"),
    ("2020-06-28", "H1"),
    ("2020-06-29", "H1"),
    ("2020-07-01", "H1"),
    ("2020-09-30", "H1"),
    ("2020-12-27", "H1"),
    ("2020-12-28", "H1"),
    ("2019-12-31", "H2"),
    ("2020-01-15", "H2"),
    ("2020-04-30", "H2"),
    ("2020-05-01", "H2"),
    ("2020-08-15", "H2"),
    ("2020-12-31", "H2"),
    ("2020-03-31", "H3"),
    ("2020-04-01", "H3"),
    ("2020-10-10", "H3"),
    ("2020-06-30", "H4"),
    ("2020-07-01", "H4"),
    ("2020-01-01", "H5"),
    ("2020-01-12", "H5"),
    ("2020-01-13", "H5"),
    ("2020-02-14", "H5"),
    ("2020-05-17", "H5"),
    ("2020-08-02", "H5"),
    ("2020-11-11", "H5"),
    ("2020-12-20", "H5"),
    ("2020-02-02", "H6"),
    ("2020-05-12", "H7"),
    ("2020-05-13", "H7"),
    ("2020-05-17", "H7"),
    ("2020-05-18", "H7"),
    ("2020-06-01", "H7"),
    ("2020-07-19", "H7"),
    ("2020-12-06", "H7"),
    ("2020-02-10", "H8"),
    ("2020-08-31", "H8"),
    ("2020-09-01", "H8"),
    ("2020-11-22", "H9"),
    ("2020-12-31", "H9"),
];

const LEVELS: [&str; 4] = ["red", "orange", "yellow", "green"];
const PERIODS: [&str; 5] = ["week", "month", "quarter", "half-year", "year"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// visits.csv: every visit of VISITS, by 王, meeting one person.
fn visits_csv() -> String {
    let mut visits = String::from("date,household,visitor,persons\n");
    for (date, household) in VISITS {
        visits.push_str(&format!("{date},{household},王,1\n"));
    }
    visits
}

/// The period of kind `period` that holds `day`, as a key.
fn period_key(period: &str, day: NaiveDate) -> (i32, u32) {
    match period {
        "week" => (day.iso_week().year(), day.iso_week().week()),
        "month" => (day.year(), day.month()),
        "quarter" => (day.year(), (day.month() - 1) / 3),
        "half-year" => (day.year(), (day.month() - 1) / 6),
        "year" => (day.year(), 0),
        other => panic!("{other}"),
    }
}

/// Every period of kind `period` whose last day falls in `first..=last`,
/// as (first day, last day): the days grouped by their period, walked one
/// by one.
fn periods(period: &str, first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut day = first - chrono::Days::new(400);
    let mut start = day;
    while day <= last {
        let next = day.succ_opt().unwrap();
        if period_key(period, next) != period_key(period, day) {
            if day >= first {
                out.push((start, day));
            }
            start = next;
        }
        day = next;
    }
    out
}

/// Residents as (household, rank of level, since, until).
fn members() -> Vec<(String, usize, Option<NaiveDate>, Option<NaiveDate>)> {
    RESIDENTS
        .lines()
        .skip(1)
        .map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            let rank = LEVELS.iter().position(|l| *l == c[2]).unwrap();
            let date = |s: &str| (!s.is_empty()).then(|| d(s));
            (c[1].to_string(), rank, date(c[4]), date(c[5]))
        })
        .collect()
}

/// The level (rank) of each household on `day`, when it is active.
fn levels_on(day: NaiveDate) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    for (household, rank, since, until) in members() {
        let active = since.is_none_or(|s| s <= day) && until.is_none_or(|u| day < u);
        if active {
            let e = out.entry(household).or_insert(rank);
            *e = (*e).min(rank);
        }
    }
    out
}

/// Compliance per level of the span `first..=span_last` as of `as_of`,
/// with `config[level]` the period of each level: every period of the
/// level that ends in the span and by as_of, for every household active
/// and of that level on its last day; met when a visit falls in it.
fn expected(config: &[&str; 4], first: NaiveDate, span_last: NaiveDate, as_of: NaiveDate) -> Value {
    let mut out = serde_json::Map::new();
    for (rank, level) in LEVELS.iter().enumerate() {
        let (mut required, mut met) = (0, 0);
        for (start, end) in periods(config[rank], first, span_last.min(as_of)) {
            for (household, r) in levels_on(end) {
                if r != rank {
                    continue;
                }
                required += 1;
                met += u64::from(
                    VISITS
                        .iter()
                        .any(|(date, h)| *h == household && (start..=end).contains(&d(date))),
                );
            }
        }
        out.insert(level.to_string(), json!({"required": required, "met": met}));
    }
    Value::Object(out)
}

fn write_config(wd: &Workdir, config: &[&str; 4]) {
    let mut toml = String::from("[levels]\n");
    for (level, period) in LEVELS.iter().zip(config) {
        toml.push_str(&format!("{level} = \"{period}\"\n"));
    }
    wd.write("rounds.toml", toml);
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    (first + chrono::Months::new(1)).pred_opt().unwrap()
}

/// The report of `span` (a flag and its value) on `today`, its compliance
/// and every trend month's held to the counts made here.
fn check(wd: &Workdir, config: &[&str; 4], span: (&str, &str), today: &str) {
    let run = wd
        .run(&[
            "--today", today, "report", span.0, span.1, "--format", "json",
        ])
        .ok();
    let r = run.json();
    let as_of = d(r["as_of"].as_str().unwrap());
    let first = d(r["period"]["first"].as_str().unwrap());
    let last = d(r["period"]["last"].as_str().unwrap());
    assert_eq!(as_of, last.min(d(today)), "{config:?} {span:?}");
    assert_eq!(
        r["compliance"],
        expected(config, first, last, as_of),
        "{config:?} {span:?} on {today}"
    );
    let trend = r["trend"].as_array().unwrap();
    assert!(!trend.is_empty());
    for month in trend {
        let first = d(&format!("{}-01", month["month"].as_str().unwrap()));
        let as_of = d(month["as_of"].as_str().unwrap());
        assert_eq!(
            month["compliance"],
            expected(config, first, last_of_month(first), as_of),
            "{config:?} {span:?} on {today}: trend month {}",
            month["month"]
        );
    }
}

#[test]
fn a_year_with_periods_set_per_level_counts_every_period() {
    let wd = community(RESIDENTS, visits_csv());
    let configs: [[&str; 4]; 5] = [
        // The line `init` suggests.
        ["week", "month", "month", "half-year"],
        // Every level weekly: 53 ISO weeks x 4 levels to look at.
        ["week", "week", "week", "week"],
        // A mix, every level on another period than its own.
        ["month", "week", "year", "quarter"],
        ["quarter", "half-year", "week", "month"],
        ["year", "year", "half-year", "week"],
    ];
    for config in &configs {
        write_config(&wd, config);
        for today in ["2021-02-01", "2020-08-20", "2020-12-29"] {
            check(&wd, config, ("--year", "2020"), today);
        }
    }
    // The year of four weekly levels by hand, which the counts above
    // agree with: the 52 weeks whose Sunday is in 2020 (2019-12-30 counts
    // for the week of 2020-01-05, 2020-12-28 for that of 2021-01-03).
    // Red: H1 and H5 all year, H7 from the week of 2020-05-17 (the first
    // Sunday it is red) on: 52 + 52 + 33. Met: H1 in 9 weeks (W1, 2, 5, 9,
    // 14, 26, 27, 40, 52), H5 in 8 (W1, 2, 3, 7, 20, 31, 46, 51), H7 in 5
    // (W20, 21, 23, 29, 49). Green: H4 52 weeks (met in W27), H7 19 (before
    // it turned red; none met), H9 6 from W47 (met in W47).
    write_config(&wd, &["week"; 4]);
    let r = wd
        .run(&[
            "--today",
            "2021-02-01",
            "report",
            "--year",
            "2020",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        r["compliance"]["red"],
        json!({"required": 52 + 52 + 33, "met": 9 + 8 + 5})
    );
    assert_eq!(
        r["compliance"]["green"],
        json!({"required": 52 + 19 + 6, "met": 2})
    );
}

#[test]
fn no_setting_of_periods_crashes_a_report_of_any_span() {
    let wd = community(RESIDENTS, visits_csv());
    let spans = [
        ("--month", "2020-12"),
        ("--quarter", "2020-Q4"),
        ("--half", "2020-H2"),
        ("--year", "2020"),
    ];
    let mut tried = 0;
    for a in PERIODS {
        for b in PERIODS {
            for c in PERIODS {
                for e in PERIODS {
                    let config = [a, b, c, e];
                    write_config(&wd, &config);
                    for span in spans {
                        check(&wd, &config, span, "2021-01-10");
                        tried += 1;
                    }
                }
            }
        }
    }
    assert_eq!(tried, 625 * 4);
}
