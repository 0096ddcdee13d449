//! Properties of the whole import path, on the real binary: for random
//! logs (good rows in every date form, repeats, bad rows) imported in
//! random runs and orders, the stored visits are exactly the good rows
//! imported, each key once; and importing any log again adds nothing.

mod common;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use common::Workdir;

const TODAY: &str = "2020-07-31";
const ROSTER: &str =
    "id,household,level\nR1,H1,red\nR2,H1,green\nR3,H2,yellow\nR4,,orange\nR5,H5,green\n";
/// Who stands for which household in a log: households by id, and
/// residents (R4 is a household of one).
const WHO: [(&str, &str, &str); 7] = [
    ("household", "H1", "H1"),
    ("household", "H2", "H2"),
    ("household", "R4", "R4"),
    ("household", "H5", "H5"),
    ("resident", "R1", "H1"),
    ("resident", "R2", "H1"),
    ("resident", "R3", "H2"),
];
/// Visitors, one of them written as text by the store.
const VISITORS: [&str; 3] = ["马", "牛", "@王"];

#[derive(Debug, Clone)]
enum Row {
    Good {
        day: u32,
        form: usize,
        who: usize,
        visitor: usize,
        persons: Option<u8>,
    },
    /// An impossible date, a date after today, an unknown household, a
    /// bad `persons`, an empty household.
    Bad(usize),
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        4 => (0..20u32, 0..4usize, 0..WHO.len(), 0..VISITORS.len(), proptest::option::of(0..5u8))
            .prop_map(|(day, form, who, visitor, persons)| Row::Good { day, form, who, visitor, persons }),
        1 => (0..5usize).prop_map(Row::Bad),
    ]
}

fn date_text(day: u32, form: usize) -> String {
    let d = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap() + chrono::Duration::days(day.into());
    let (y, m, dd) = (d.year(), d.month(), d.day());
    match form {
        0 => format!("{y}-{m:02}-{dd:02}"),
        1 => format!("{y}/{m}/{dd}"),
        2 => format!("{y}年{m}月{dd}日"),
        _ => format!("{y}{m:02}{dd:02}"),
    }
}

/// The log's text and the keys of its good rows (date, household, visitor
/// as stored).
fn log(rows: &[Row]) -> (String, Vec<(String, String, String)>) {
    let mut text = String::from("date,household,resident,visitor,persons\n");
    let mut keys = Vec::new();
    for r in rows {
        match r {
            Row::Good {
                day,
                form,
                who,
                visitor,
                persons,
            } => {
                let (column, id, household) = WHO[*who];
                let (h, res) = if column == "household" {
                    (id, "")
                } else {
                    ("", id)
                };
                let v = VISITORS[*visitor];
                let p = persons.map(|p| p.to_string()).unwrap_or_default();
                text.push_str(&format!("{},{h},{res},{v},{p}\n", date_text(*day, *form)));
                let stored_visitor = if v.starts_with('@') {
                    format!("'{v}")
                } else {
                    v.to_string()
                };
                keys.push((date_text(*day, 0), household.to_string(), stored_visitor));
            }
            Row::Bad(kind) => text.push_str(match kind {
                0 => "2020-02-30,H1,,马,\n",
                1 => "2020-08-15,H1,,马,\n",
                2 => "2020-07-02,NOPE,,马,\n",
                3 => "2020-07-02,H1,,马,-1\n",
                _ => "2020-07-02,,,马,\n",
            }),
        }
    }
    (text, keys)
}

fn stored(wd: &Workdir) -> Vec<(String, String, String)> {
    let bytes = wd.read("visits.csv");
    let text = String::from_utf8(bytes).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].to_string(), rec[2].to_string())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stored_visits_are_the_good_rows_imported_once(
        logs in proptest::collection::vec(proptest::collection::vec(row(), 0..12), 1..4),
        runs in proptest::collection::vec(proptest::collection::vec(0..3usize, 1..4), 1..4),
    ) {
        let wd = Workdir::new();
        wd.write("residents.csv", ROSTER);
        let mut all_keys = Vec::new();
        for (i, rows) in logs.iter().enumerate() {
            let (text, keys) = log(rows);
            wd.write(&format!("log{i}.csv"), text);
            all_keys.push(keys);
        }
        let mut expected = BTreeSet::new();
        for run in &runs {
            let files: Vec<String> = run
                .iter()
                .map(|i| i % logs.len())
                .map(|i| wd.join(&format!("log{i}.csv")).display().to_string())
                .collect();
            let mut args = vec!["--today", TODAY, "import"];
            args.extend(files.iter().map(String::as_str));
            let result = wd.run(&args);
            let bad = run.iter().any(|i| logs[i % logs.len()].iter().any(|r| matches!(r, Row::Bad(_))));
            prop_assert_eq!(result.status(), if bad { 1 } else { 0 }, "{}", result.stderr());
            for i in run {
                expected.extend(all_keys[i % logs.len()].iter().cloned());
            }
            if !wd.join("visits.csv").exists() {
                prop_assert!(expected.is_empty());
                continue;
            }
            let got = stored(&wd);
            let set: BTreeSet<_> = got.iter().cloned().collect();
            prop_assert_eq!(set.len(), got.len(), "a visit stored twice: {:?}", got);
            prop_assert_eq!(&set, &expected);
        }
        // Every log together: the logs not imported yet add their rows,
        // the others nothing; and once more, nothing at all.
        let mut args = vec!["--today".to_string(), TODAY.to_string(), "import".to_string()];
        args.extend((0..logs.len()).map(|i| wd.join(&format!("log{i}.csv")).display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let all: BTreeSet<_> = all_keys.concat().into_iter().collect();
        let before = wd.join("visits.csv").exists().then(|| wd.read("visits.csv"));
        let together = wd.run(&args);
        prop_assert!(together.status() <= 1, "{}", together.stderr());
        if all.is_empty() {
            continue_if_empty(&wd, before.as_deref())?;
            return Ok(());
        }
        let got = stored(&wd);
        prop_assert_eq!(got.len(), all.len(), "a visit stored twice: {:?}", got);
        prop_assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), all.clone());
        if all == expected {
            prop_assert_eq!(before, Some(wd.read("visits.csv")));
        }
        let once_more = wd.read("visits.csv");
        wd.run(&args);
        prop_assert_eq!(once_more, wd.read("visits.csv"));
    }
}

/// Logs without a good row leave the store as it was.
fn continue_if_empty(wd: &Workdir, before: Option<&[u8]>) -> Result<(), TestCaseError> {
    let now = wd
        .join("visits.csv")
        .exists()
        .then(|| wd.read("visits.csv"));
    prop_assert_eq!(before, now.as_deref());
    Ok(())
}
