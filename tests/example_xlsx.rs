//! examples/nongjiang-xlsx is the bundled example with its roster kept in
//! Excel (written by `cargo run --example gen_xlsx_roster`): its workbook
//! holds residents.csv cell for cell, its other files are the example's,
//! and every command answers on it exactly as on the CSV example.

mod common;

use calamine::{Data, Reader};

const FIXED: [&str; 5] = [
    "visits.csv",
    "history.csv",
    "needs.csv",
    "workers.csv",
    "rounds.toml",
];

#[test]
fn the_workbook_holds_the_csv_roster_cell_for_cell() {
    let csv_path = common::example("nongjiang").join("residents.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&csv_path)
        .unwrap();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
                .collect()
        })
        .collect();
    let path = common::example("nongjiang-xlsx").join("residents.xlsx");
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(book.sheet_names()[0], "居民名册");
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let sheet: Vec<&[Data]> = range.rows().collect();
    assert_eq!(sheet.len(), rows.len(), "one sheet row per CSV line");
    let (mut date_cells, mut text_dates, mut numbers) = (0, 0, 0);
    for (r, (want, got)) in rows.iter().zip(&sheet).enumerate() {
        for c in 0..want.len().max(got.len()) {
            let want = want.get(c).map_or("", String::as_str);
            let cell = got.get(c).unwrap_or(&Data::Empty);
            let text = match cell {
                Data::Empty => String::new(),
                Data::String(s) => {
                    if rounds::model::date::parse(s).is_ok() && r > 0 && c >= 12 {
                        text_dates += 1;
                    }
                    s.clone()
                }
                Data::Float(f) => {
                    numbers += 1;
                    assert_eq!(f.fract(), 0.0);
                    format!("{}", *f as i64)
                }
                Data::DateTime(d) => {
                    date_cells += 1;
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    // A date cell holds the day the CSV's text means.
                    let csv_day = rounds::model::date::parse(want).unwrap();
                    assert_eq!(
                        rounds::model::date::iso(csv_day),
                        format!("{y:04}-{m:02}-{day:02}")
                    );
                    continue;
                }
                other => panic!("row {} column {c}: {other:?}", r + 1),
            };
            assert_eq!(text, want, "row {} column {c}", r + 1);
        }
    }
    // Most dates are date cells, some stay text; rooms are numbers.
    assert!(
        date_cells > 4 * text_dates && text_dates > 0,
        "{date_cells} {text_dates}"
    );
    assert!(numbers > 100, "{numbers}");
}

#[test]
fn the_other_files_are_the_examples() {
    for f in FIXED {
        let a = std::fs::read(common::example("nongjiang").join(f)).unwrap();
        let b = std::fs::read(common::example("nongjiang-xlsx").join(f)).unwrap();
        assert!(a == b, "{f} differs from examples/nongjiang/{f}");
    }
    assert!(
        !common::example("nongjiang-xlsx")
            .join("residents.csv")
            .exists()
    );
}

#[test]
fn every_command_answers_as_on_the_csv_roster() {
    let csv = common::example_copy("nongjiang");
    let xlsx = common::example_copy("nongjiang-xlsx");
    let commands: &[&[&str]] = &[
        &["due"],
        &["due", "--format", "csv"],
        &["due", "--format", "json"],
        &["due", "--reveal"],
        &["households"],
        &["households", "--format", "json"],
        &["needs"],
        &["report", "--format", "json"],
        &["report", "--format", "md"],
        &["report", "--format", "csv"],
        &["report", "--month", "2020-05", "--format", "md"],
        &["history", "DG01-1-0101"],
        &["history", "NJ0003"],
        &["check"],
        &["--lang", "zh", "due"],
    ];
    for today in ["2020-07-01", "2020-07-20"] {
        for args in commands {
            let mut all = vec!["--today", today];
            all.extend_from_slice(args);
            // Twice: the second answers from the caches.
            for _ in 0..2 {
                let a = csv.run(&all);
                let b = xlsx.run(&all);
                let strip =
                    |s: String, dir: &std::path::Path| s.replace(&dir.display().to_string(), "DIR");
                assert_eq!(a.status(), b.status(), "{all:?}");
                assert_eq!(
                    strip(a.stdout(), csv.path()),
                    strip(b.stdout(), xlsx.path()),
                    "{all:?}"
                );
                assert_eq!(
                    strip(a.stderr(), csv.path()),
                    strip(b.stderr(), xlsx.path()),
                    "{all:?}"
                );
            }
        }
    }
}
