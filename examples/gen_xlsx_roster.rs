//! Writes a data directory's roster as a spreadsheet: `SRC/residents.csv` becomes
//! `OUT/residents.xlsx` (first sheet 居民名册, the same header, the same rows), and the
//! directory's other files (`visits.csv`, `history.csv`, `needs.csv`, `workers.csv`, `rounds.toml`) are
//! copied beside it byte for byte. `rounds` reads such a roster in place, with the same
//! columns and rules as residents.csv.
//!
//!     cargo run --example gen_xlsx_roster -- examples/nongjiang examples/nongjiang-xlsx
//!     cargo run --release --example gen_xlsx_roster -- /tmp/big /tmp/big-xlsx
//!
//! The cells are what a roster kept in Excel holds: ids, phone and ID numbers as text
//! (Excel would otherwise show 2.39903E+17 and lose digits); a room of plain digits as a
//! number (101); `since` and `until` as real date cells, except every fifth date, which
//! stays text in the form it has in the CSV (2018.1.25, 2018/1/25 …), as hand-typed dates
//! do. The output is deterministic: the workbook's creation date is fixed.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

const COPIED: [&str; 5] = [
    "visits.csv",
    "history.csv",
    "needs.csv",
    "workers.csv",
    "rounds.toml",
];

/// The sheet's name.
const SHEET: &str = "居民名册";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [src, out] = &args[..] else {
        eprintln!("usage: gen_xlsx_roster SRC_DIR OUT_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(Path::new(src), Path::new(out)) {
        eprintln!("gen_xlsx_roster: {e}");
        std::process::exit(1);
    }
}

fn run(src: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(src.join("residents.csv"))?;
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(r) => r?
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        None => return Err("residents.csv is empty".into()),
    };
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let dates = [
        column(&["since", "登记日期"]),
        column(&["until", "注销日期", "迁出日期"]),
    ];
    let room = column(&["room", "房号", "门牌号"]);

    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2020, 7, 20)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h)?;
    }
    let mut nth_date = 0usize;
    for (r, record) in records.enumerate() {
        let record = record?;
        let row = r as u32 + 1;
        for (c, cell) in record.iter().enumerate() {
            let cell = cell.trim();
            let col = c as u16;
            if cell.is_empty() {
                continue;
            }
            if dates.contains(&Some(c)) {
                nth_date += 1;
                if !nth_date.is_multiple_of(5)
                    && let Ok(d) = rounds::model::date::parse(cell)
                {
                    use chrono::Datelike;
                    let d =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(row, col, &d, &date_format)?;
                    continue;
                }
            }
            if Some(c) == room
                && cell.len() <= 6
                && cell.bytes().all(|b| b.is_ascii_digit())
                && !cell.starts_with('0')
            {
                sheet.write_number(row, col, cell.parse::<f64>()?)?;
                continue;
            }
            sheet.write_string(row, col, cell)?;
        }
    }
    book.save(out.join("residents.xlsx"))?;
    for f in COPIED {
        let from = src.join(f);
        if from.exists() {
            std::fs::copy(&from, out.join(f))?;
        }
    }
    Ok(())
}
