//! A roster kept as a spreadsheet (residents.xlsx): read in place with the
//! rules of residents.csv, every problem at its sheet, row and column; two
//! rosters refused; `change` recording without rewriting the workbook and
//! naming the cells to update; the roster cache over a workbook.

mod common;

use common::{Workdir, age};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};

/// One cell of a test workbook.
#[derive(Clone)]
enum C {
    /// Text.
    S(&'static str),
    /// A number.
    N(f64),
    /// A date cell.
    D(u16, u8, u8),
    /// A formula and its cached value.
    F(&'static str, &'static str),
    /// Nothing.
    E,
}
use C::*;

/// A workbook whose first sheet is `sheet`, its rows from row 1 (a row
/// of no cells is an empty row).
fn book(sheet: &str, rows: &[Vec<C>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2020, 1, 1).unwrap()),
    );
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                F(f, v) => {
                    ws.write_formula(r, c, Formula::new(*f).set_result(*v))
                        .unwrap();
                }
                E => {}
            }
        }
    }
    // A second sheet, which the roster never reads.
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "id")
        .unwrap();
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<C> {
    vec![
        S("编号"),
        S("户号"),
        S("姓名"),
        S("关注等级"),
        S("房号"),
        S("联系电话"),
        S("登记日期"),
        S("迁出日期"),
    ]
}

/// A good roster: date cells, serials, text dates, numbers as ids,
/// rooms and phones, a formula's cached level; the header on row 3
/// after two empty rows, an empty row among the residents.
fn good() -> Vec<Vec<C>> {
    vec![
        vec![],
        vec![],
        header(),
        vec![
            S("A1"),
            S("H1"),
            S("张三"),
            S("红"),
            N(101.0),
            N(13812345678.0),
            D(2020, 1, 6),
            E,
        ],
        vec![
            S("A2"),
            S("H1"),
            S("李四"),
            S("绿"),
            N(101.0),
            E,
            N(43831.0),
            E,
        ],
        vec![],
        vec![
            N(1003.0),
            N(2002.0),
            S("王五"),
            F("=\"黄\"", "黄"),
            N(12.0),
            E,
            S("2020/1/3"),
            S("20200601"),
        ],
    ]
}

#[test]
fn cells_read_as_written() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    wd.write("visits.csv", "date,household\n");
    let run = wd
        .run(&[
            "--today",
            "2020-03-01",
            "households",
            "--format",
            "json",
            "--reveal",
        ])
        .ok();
    let json = run.json();
    let text = json.to_string();
    // Numbers come out as written: 1003, 2002, 101, 13812345678.
    for want in ["\"1003\"", "\"2002\"", "\"101\""] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("101.0") && !text.contains("e+"), "{text}");
    // The phone, a number cell, in full where it is shown.
    wd.run(&["--today", "2020-03-01", "due", "--reveal"])
        .ok()
        .stdout_has("13812345678");
    // Two households: H1 (red: A1) and 2002 (yellow, the formula's value).
    wd.run(&["--today", "2020-03-01", "households", "--format", "csv"])
        .ok()
        .stdout_has("H1,")
        .stdout_has("2002,");
    wd.run(&["--today", "2020-03-01", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    // 1003 moved out on 2020-06-01 (YYYYMMDD text): inactive after it.
    let after = wd
        .run(&["--today", "2020-06-02", "households", "--format", "csv"])
        .ok();
    assert!(!after.stdout().contains("2002,"), "{}", after.stdout());
    // Since: A2's serial 43831 is 2020-01-01, A1's date cell 2020-01-06,
    // 1003's text 2020/1/3: before the earliest, H1 and 2002 are inactive.
    let before = wd
        .run(&["--today", "2019-12-31", "households", "--format", "csv"])
        .ok();
    assert!(!before.stdout().contains("H1,") && !before.stdout().contains("2002,"));
    let jan1 = wd
        .run(&["--today", "2020-01-01", "households", "--format", "csv"])
        .ok();
    assert!(jan1.stdout().contains("H1,") && !jan1.stdout().contains("2002,"));
}

#[test]
fn every_problem_names_its_cell() {
    let wd = Workdir::new();
    let rows = vec![
        header(),
        // Row 2: a level that is no level (column D).
        vec![S("A1"), S("H1"), S("张三"), S("紫"), E, E, E, E],
        // Row 3: an impossible date (column G).
        vec![
            S("A2"),
            S("H2"),
            S("李四"),
            S("红"),
            E,
            E,
            S("2020-02-30"),
            E,
        ],
        // Row 4: a serial no day has (column H).
        vec![S("A3"), S("H3"), S("王五"), S("红"), E, E, E, N(3000000.0)],
        // Row 5: fine.
        vec![S("A6"), S("H4"), S("赵六"), S("红"), E, E, E, E],
        // Row 6: no level (column D).
        vec![S("A5"), S("H5"), S("孙七"), E, E, E, E, E],
        // Row 7: A6 again (column A).
        vec![S("A6"), S("H6"), S("周八"), S("绿"), E, E, E, E],
    ];
    wd.write("residents.xlsx", book("名册", &rows));
    wd.write("visits.csv", "date,household\n");
    let run = wd.run(&["--today", "2020-03-01", "check"]).expect(3);
    let out = run.stdout();
    let places: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(|l| l.split(": error: ").next().unwrap())
        .collect();
    let at = |cell: &str| format!("{}:名册!{cell}", wd.join("residents.xlsx").display());
    assert_eq!(
        places,
        [at("D2"), at("G3"), at("H4"), at("D6"), at("A7")],
        "{out}"
    );
    assert!(out.contains("5 errors, 0 warnings"), "{out}");
    // The same places in Chinese.
    let zh = wd
        .run(&["--today", "2020-03-01", "--lang", "zh", "check"])
        .expect(3);
    assert!(
        zh.stdout().contains(&format!("{}：错误", at("D2"))) || zh.stdout().contains(&at("D2")),
        "{}",
        zh.stdout()
    );
    // And in JSON, the cell beside the row.
    let json = wd
        .run(&["--today", "2020-03-01", "check", "--format", "json"])
        .expect(3)
        .json();
    assert_eq!(json[0]["line"], 2);
    assert_eq!(json[0]["cell"], "名册!D2");
    // Every other command refuses the roster, naming the first cell.
    wd.run(&["--today", "2020-03-01", "due"])
        .expect(3)
        .stderr_has(&at("D2"));
}

#[test]
fn a_missing_column_names_the_header_row() {
    let wd = Workdir::new();
    let rows = vec![
        vec![],
        vec![S("编号"), S("户号"), S("姓名")],
        vec![S("A1"), S("H1"), S("张三")],
    ];
    wd.write("residents.xlsx", book("Sheet1", &rows));
    let run = wd.run(&["check"]).expect(3);
    let want = format!("{}:Sheet1!2: error: ", wd.join("residents.xlsx").display());
    assert!(run.stdout().contains(&want), "{}", run.stdout());
    assert!(run.stdout().contains("level"), "{}", run.stdout());
}

#[test]
fn two_rosters_are_refused_naming_both() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    wd.write("residents.csv", "id,level\nA1,red\n");
    for args in [
        &["check"][..],
        &["due"],
        &["households"],
        &["report"],
        &["change", "A1", "--level", "green"],
    ] {
        let run = wd.run(args);
        assert!(run.status() >= 2, "{args:?}: {}", run.status());
        let all = run.stdout() + &run.stderr();
        assert!(
            all.contains("residents.csv") && all.contains("residents.xlsx"),
            "{args:?}: {all}"
        );
    }
    // Two spreadsheets as well; the Chinese names both too.
    std::fs::remove_file(wd.join("residents.csv")).unwrap();
    wd.write("residents.ods", b"not really");
    wd.run(&["--lang", "zh", "due"])
        .expect(3)
        .stderr_has("residents.xlsx 和 residents.ods");
}

#[test]
fn an_unreadable_workbook_is_named_never_a_panic() {
    let wd = Workdir::new();
    // A zip that is no workbook, a truncated workbook, random bytes.
    let mut truncated = book("名册", &good());
    truncated.truncate(truncated.len() / 2);
    for bytes in [
        b"PK\x03\x04garbage".to_vec(),
        truncated,
        vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3],
    ] {
        wd.write("residents.xlsx", &bytes);
        for args in [&["check"][..], &["due"]] {
            let run = wd.run(args).expect(3);
            let all = run.stdout() + &run.stderr();
            assert!(
                all.contains("residents.xlsx") && all.contains("not a readable workbook"),
                "{all}"
            );
            assert!(!all.contains("panicked"), "{all}");
        }
    }
}

/// The history after one change: its rows.
fn history_rows(wd: &Workdir) -> Vec<String> {
    String::from_utf8(wd.read("history.csv"))
        .unwrap()
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}').to_string())
        .collect()
}

#[test]
fn change_records_and_names_the_cells_to_update() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    wd.write("visits.csv", "date,household\n");
    age(&wd.join("residents.xlsx"), 60);
    let before = wd.read("residents.xlsx");
    let run = wd
        .run(&[
            "--today",
            "2020-03-01",
            "change",
            "A2",
            "--level",
            "红",
            "--room",
            "102",
        ])
        .ok();
    let file = "residents.xlsx:名册";
    run.stdout_has("recorded: A2 level: green → red, from 2020-03-01")
        .stdout_has(&format!("update {file}!D5 to 红"))
        .stdout_has(&format!("update {file}!E5 to 102"));
    assert_eq!(
        wd.read("residents.xlsx"),
        before,
        "the workbook is never rewritten"
    );
    assert_eq!(
        history_rows(&wd),
        [
            "变更日期,编号,变更项,变更前,变更后,原因,经办人",
            "2020-03-01,A2,关注等级,绿,红,,",
            "2020-03-01,A2,房号,101,102,,",
        ]
    );
    // The change is in force at once: A2 is red.
    let json = wd
        .run(&["--today", "2020-03-02", "households", "--format", "json"])
        .ok()
        .json();
    let text = json.to_string();
    assert!(text.contains("\"id\":\"A2\",\"level\":\"red\""), "{text}");
    // check warns, naming each cell, until the workbook says so.
    let check = wd.run(&["--today", "2020-03-02", "check"]).ok();
    let out = check.stdout();
    assert!(out.contains(&format!("{file}!D5: warning: ")), "{out}");
    assert!(out.contains(&format!("{file}!D5: warning: A2's level is 绿 in the roster but 红 in history.csv (rounds change): update the cell to 红")), "{out}");
    assert!(out.contains(&format!("{file}!E5: warning: ")), "{out}");
    assert!(out.contains("0 errors, 2 warnings"), "{out}");
    wd.run(&["--today", "2020-03-02", "--lang", "zh", "check"])
        .ok()
        .stdout_has(&format!("{file}!D5: 警告: 居民“A2”的关注等级在名册中是 绿，history.csv 记录为 红（rounds change）：请把该单元格改为 红"));
    // Nothing to record: the cells are behind, not edited.
    wd.run(&["--today", "2020-03-02", "change", "--record"])
        .ok()
        .stdout_has("nothing");
    // The cells updated in Excel: no warning left.
    let mut rows = good();
    rows[4][3] = S("红");
    rows[4][4] = N(102.0);
    wd.write("residents.xlsx", book("名册", &rows));
    age(&wd.join("residents.xlsx"), 30);
    wd.run(&["--today", "2020-03-02", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
}

#[test]
fn edits_made_in_excel_are_caught_and_recorded() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    wd.write("visits.csv", "date,household\n");
    age(&wd.join("residents.xlsx"), 120);
    wd.write(
        "history.csv",
        "date,id,field,from,to,reason,by\n2020-01-10,A1,level,orange,red,,\n",
    );
    age(&wd.join("history.csv"), 120);
    // The first look remembers the workbook.
    wd.run(&["--today", "2020-03-01", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    // A2's level edited in Excel, with no record.
    let mut rows = good();
    rows[4][3] = S("橙");
    wd.write("residents.xlsx", book("名册", &rows));
    age(&wd.join("residents.xlsx"), 60);
    let file = "residents.xlsx:名册";
    wd.run(&["--today", "2020-03-01", "check"])
        .ok()
        .stdout_has(&format!("{file}!D5: warning: A2's level changed 绿 → 橙"));
    let xlsx = wd.read("residents.xlsx");
    wd.run(&["--today", "2020-03-01", "change", "--record"])
        .ok()
        .stdout_has("recorded: A2 level: green → orange");
    assert_eq!(wd.read("residents.xlsx"), xlsx);
    assert!(
        history_rows(&wd)
            .last()
            .unwrap()
            .starts_with("2020-03-01,A2,关注等级,绿,橙,"),
        "{:?}",
        history_rows(&wd)
    );
    wd.run(&["--today", "2020-03-01", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
}

#[test]
fn the_cache_answers_for_an_unchanged_workbook_and_follows_a_changed_one() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    wd.write("visits.csv", "date,household\n2020-02-03,H1\n");
    age(&wd.join("residents.xlsx"), 60);
    age(&wd.join("visits.csv"), 60);
    let due = |wd: &Workdir| {
        let cached = wd
            .run(&["--today", "2020-03-01", "due", "--format", "csv"])
            .ok();
        let plain = wd.run_raw(
            &[
                "--data".into(),
                wd.path().display().to_string(),
                "--today".into(),
                "2020-03-01".into(),
                "due".into(),
                "--format".into(),
                "csv".into(),
            ],
            &[("ROUNDS_CACHE", "0")],
        );
        assert_eq!(cached.stdout(), plain.stdout());
        cached.stdout()
    };
    let cold = due(&wd);
    let cache = wd.join(".rounds-cache/roster");
    assert!(cache.exists(), "the workbook's roster is cached");
    let stamp = std::fs::metadata(&cache).unwrap().modified().unwrap();
    // Warm: the same answer from the cache, which is not written again.
    assert_eq!(due(&wd), cold);
    assert_eq!(
        std::fs::metadata(&cache).unwrap().modified().unwrap(),
        stamp
    );
    // The cache holds no name.
    let bytes = std::fs::read(&cache).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("张三"));
    // A changed workbook is read again: 2002 red now.
    assert!(!cold.contains("2002,"), "{cold}");
    let mut rows = good();
    rows[6][3] = S("红");
    wd.write("residents.xlsx", book("名册", &rows));
    age(&wd.join("residents.xlsx"), 30);
    let warm = due(&wd);
    assert!(warm.contains("2002,"), "{warm}");
}

#[test]
fn init_keeps_a_workbook_as_the_roster() {
    let wd = Workdir::new();
    wd.write("residents.xlsx", book("名册", &good()));
    let before = wd.read("residents.xlsx");
    wd.run(&["init", wd.path().to_str().unwrap()])
        .ok()
        .stdout_has("residents.xlsx");
    assert!(!wd.join("residents.csv").exists());
    assert_eq!(wd.read("residents.xlsx"), before);
    wd.run(&["--today", "2020-03-01", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
}

#[test]
fn a_formula_is_its_cached_value_and_an_error_cell_is_named() {
    let wd = Workdir::new();
    let mut rows = good();
    // Row 5's level: a lookup Excel saved as #N/A.
    rows[4][3] = F("=VLOOKUP(A5,等级!A:B,2,FALSE)", "#N/A");
    wd.write("residents.xlsx", book("名册", &rows));
    wd.write("visits.csv", "date,household\n");
    let run = wd.run(&["--today", "2020-03-01", "check"]).expect(3);
    let want = format!(
        "{}:名册!D5: error: a cell holds the spreadsheet error #N/A",
        wd.join("residents.xlsx").display()
    );
    assert!(run.stdout().contains(&want), "{}", run.stdout());
    assert!(
        run.stdout().contains("1 error, 0 warnings"),
        "{}",
        run.stdout()
    );
}
