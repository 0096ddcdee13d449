//! What `rounds import` keeps of a log's columns that are not visit fields
//! (照片, 经度, 纬度, anything): visits.csv gains them, byte for byte the
//! rest of the file as it was; coordinates are checked; `history` shows
//! them; a kill while the file widens leaves the old file or the new one.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::{Workdir, community, example, example_copy};
use serde_json::json;

const T: &str = "2020-07-31";

const RESIDENTS: &str = "id,household,level,name,phone\n\
R1,H1,red,张三,13800000001\n\
R2,H2,green,李四,\n\
R3,H3,yellow,王五,\n";

const VISITS: &str = "date,household,visitor,kind,note,persons\n\
2020-07-01,H1,王,入户,ok,1\n";

const LOG: &str = "日期,户号,走访人,照片,经度,纬度,天气\n\
2020-07-10,H1,王,a.jpg,116.397,39.916,晴\n\
2020-07-11,H2,李,https://img.example/2.png,,,\"多云, 微风\"\n\
2020-07-12,H3,李,,116.5,39.9,\n";

/// The store after importing LOG into VISITS: the header gains the four
/// columns, the old row four empty cells, every other byte as it was.
const AFTER_LOG: &str = "date,household,visitor,kind,note,persons,照片,经度,纬度,天气\n\
2020-07-01,H1,王,入户,ok,1,,,,\n\
2020-07-10,H1,王,,,,a.jpg,116.397,39.916,晴\n\
2020-07-11,H2,李,,,,https://img.example/2.png,,,\"多云, 微风\"\n\
2020-07-12,H3,李,,,,,116.5,39.9,\n";

/// Sets the data files' modification time a minute into the past: a cache
/// is written only for files that have not changed in the last moments.
fn age_all(wd: &Workdir) {
    common::age_files(wd, &["residents.csv", "visits.csv", "history.csv"], 60);
}

fn import(wd: &Workdir, args: &[&str]) -> common::Run {
    let mut all = vec!["--today", T, "import"];
    all.extend(args);
    wd.run(&all)
}

fn text(wd: &Workdir, name: &str) -> String {
    String::from_utf8(wd.read(name)).unwrap()
}

#[test]
fn a_csv_log_keeps_every_cell_through_import_and_import_again() {
    let wd = community(RESIDENTS, VISITS).with("log.csv", LOG);
    import(&wd, &["log.csv"])
        .ok()
        .stdout_has("log.csv: 3 rows · 3 imported")
        .stdout_has("kept column '照片': added to visits.csv")
        .stdout_has("kept column '天气': added to visits.csv");
    assert_eq!(text(&wd, "visits.csv"), AFTER_LOG);
    // Again: nothing doubled, nothing widened, not a byte changed.
    import(&wd, &["log.csv"])
        .ok()
        .stdout_has("3 rows · 0 imported · 3 duplicates skipped")
        .stdout_has("kept column '照片': visits.csv has this column");
    assert_eq!(text(&wd, "visits.csv"), AFTER_LOG);
    // The store reads clean.
    wd.run(&["--today", T, "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");

    // A second log: a new column (录音) widens again, a column the store
    // has (照片, here 照片 written after 录音) is filled; its repeat of a
    // stored visit is skipped, not stored twice.
    wd.write(
        "log2.csv",
        "走访日期,户号,走访人,录音,照片\n\
         2020-07-13,H2,李,rec1.m4a,b.jpg\n\
         2020-07-10,H1,王,rec0.m4a,\n",
    );
    let run = import(&wd, &["log2.csv", "--format", "json"]).ok();
    assert_eq!(
        run.json()["kept_columns"],
        json!([
            {"name": "录音", "visits_csv": "added", "personal": false},
            {"name": "照片", "visits_csv": "present", "personal": false},
        ])
    );
    assert_eq!(run.json()["imported"], 1);
    let want = "date,household,visitor,kind,note,persons,照片,经度,纬度,天气,录音\n\
2020-07-01,H1,王,入户,ok,1,,,,,\n\
2020-07-10,H1,王,,,,a.jpg,116.397,39.916,晴,\n\
2020-07-11,H2,李,,,,https://img.example/2.png,,,\"多云, 微风\",\n\
2020-07-12,H3,李,,,,,116.5,39.9,,\n\
2020-07-13,H2,李,,,,b.jpg,,,,rec1.m4a\n";
    assert_eq!(text(&wd, "visits.csv"), want);
    import(&wd, &["log.csv", "log2.csv"])
        .ok()
        .stdout_has("0 visits added");
    assert_eq!(text(&wd, "visits.csv"), want);

    // `rounds visit` writes the kept columns empty.
    wd.run(&[
        "--today",
        T,
        "visit",
        "H3",
        "--date",
        "2020-07-20",
        "--visitor",
        "李",
    ])
    .ok();
    assert!(
        text(&wd, "visits.csv").ends_with("\n2020-07-20,H3,李,,,,,,,,\n"),
        "{}",
        text(&wd, "visits.csv")
    );
}

#[test]
fn names_match_after_trimming_and_in_either_case() {
    let wd = community(RESIDENTS, VISITS).with(
        "a.csv",
        "date,household,visitor,Photo\n2020-07-10,H1,王,a.jpg\n",
    );
    wd.write(
        "b.csv",
        "date,household,visitor, PHOTO \n2020-07-11,H2,李,b.jpg\n",
    );
    import(&wd, &["a.csv", "b.csv"]).ok();
    let rows = text(&wd, "visits.csv");
    assert!(rows.starts_with("date,household,visitor,kind,note,persons,Photo\n"));
    assert!(rows.ends_with("2020-07-10,H1,王,,,,a.jpg\n2020-07-11,H2,李,,,,b.jpg\n"));
}

#[test]
fn an_xlsx_log_keeps_every_cell() {
    use rust_xlsxwriter::Workbook;
    let wd = community(RESIDENTS, VISITS);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["日期", "户号", "走访人", "照片", "经度", "纬度", "天气"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "2020-07-10").unwrap();
    sheet.write_string(1, 1, "H1").unwrap();
    sheet.write_string(1, 2, "王").unwrap();
    sheet.write_string(1, 3, "a.jpg").unwrap();
    sheet.write_number(1, 4, 116.397).unwrap();
    sheet.write_number(1, 5, 39.916).unwrap();
    sheet.write_string(1, 6, "晴").unwrap();
    sheet.write_string(2, 0, "2020-07-11").unwrap();
    sheet.write_string(2, 1, "H2").unwrap();
    sheet.write_string(2, 2, "李").unwrap();
    sheet
        .write_string(2, 3, "https://img.example/2.png")
        .unwrap();
    sheet.write_string(2, 6, "多云, 微风").unwrap();
    sheet.write_string(3, 0, "2020-07-12").unwrap();
    sheet.write_string(3, 1, "H3").unwrap();
    sheet.write_string(3, 2, "李").unwrap();
    sheet.write_number(3, 4, 116.5).unwrap();
    sheet.write_number(3, 5, 39.9).unwrap();
    book.save(wd.join("log.xlsx")).unwrap();
    import(&wd, &["log.xlsx"]).ok().stdout_has("3 imported");
    assert_eq!(text(&wd, "visits.csv"), AFTER_LOG);
    import(&wd, &["log.xlsx"])
        .ok()
        .stdout_has("0 imported · 3 duplicates skipped");
    assert_eq!(text(&wd, "visits.csv"), AFTER_LOG);
}

#[test]
fn a_gb18030_crlf_store_is_widened_keeping_its_bytes() {
    let gbk = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
    let old = "日期,户号,走访人,走访方式,走访情况,人数\r\n\
2020-07-01,H1,王,入户,\"多行\r\n备注\",1\r\n\
\r\n\
2020-07-02,H2,李,电话,,\r\n";
    let wd = community(RESIDENTS, gbk(old));
    wd.write(
        "log.csv",
        "日期,户号,走访人,照片\n2020-07-10,H1,王,门牌.jpg\n",
    );
    import(&wd, &["log.csv"]).ok().stdout_has("1 imported");
    let want = "日期,户号,走访人,走访方式,走访情况,人数,照片\r\n\
2020-07-01,H1,王,入户,\"多行\r\n备注\",1,\r\n\
\r\n\
2020-07-02,H2,李,电话,,,\r\n\
2020-07-10,H1,王,,,,门牌.jpg\r\n";
    assert_eq!(wd.read("visits.csv"), gbk(want));
    // Appends after widening follow it.
    wd.write("log2.csv", "日期,户号,走访人\n2020-07-11,H3,李\n");
    import(&wd, &["log2.csv"]).ok();
    assert_eq!(
        wd.read("visits.csv"),
        gbk(&format!("{want}2020-07-11,H3,李,,,,\r\n"))
    );
    wd.run(&["--today", T, "history", "H1", "--format", "csv"])
        .ok()
        .stdout_has("照片")
        .stdout_has("门牌.jpg");
}

#[test]
fn a_bom_store_keeps_its_bom_and_an_ascii_one_gains_one() {
    let wd = community(RESIDENTS, format!("\u{feff}{VISITS}"));
    wd.write(
        "log.csv",
        "date,household,visitor,照片\n2020-07-10,H1,王,a.jpg\n",
    );
    import(&wd, &["log.csv"]).ok();
    assert_eq!(
        text(&wd, "visits.csv"),
        "\u{feff}date,household,visitor,kind,note,persons,照片\n\
         2020-07-01,H1,王,入户,ok,1,\n2020-07-10,H1,王,,,,a.jpg\n"
    );
    // An ASCII store (UTF-8 and GBK at once) gains a BOM with its first
    // Chinese header, as with its first Chinese rows.
    let wd = community(RESIDENTS, "date,household,visitor\r\n2020-07-01,H1,W\r\n");
    wd.write(
        "log.csv",
        "date,household,visitor,照片\n2020-07-10,H1,W,a.jpg\n",
    );
    import(&wd, &["log.csv"]).ok();
    assert_eq!(
        text(&wd, "visits.csv"),
        "\u{feff}date,household,visitor,照片\r\n2020-07-01,H1,W,\r\n2020-07-10,H1,W,a.jpg\r\n"
    );
    // A new store starts with the columns.
    let wd = Workdir::new().with("residents.csv", RESIDENTS);
    wd.write("log.csv", LOG);
    import(&wd, &["log.csv"]).ok();
    assert!(text(&wd, "visits.csv").starts_with(
        "\u{feff}date,household,visitor,kind,note,persons,照片,经度,纬度,天气\r\n\
         2020-07-10,H1,王,,,,a.jpg,116.397,39.916,晴\r\n"
    ));
}

#[test]
fn coordinates_out_of_range_or_not_numbers_are_rejected_with_reasons() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.csv",
        "日期,户号,走访人,经度,纬度,经纬度\n\
         2020-07-10,H1,王,116.4,39.9,\"116.4,39.9\"\n\
         2020-07-11,H2,李,181,39.9,\n\
         2020-07-12,H3,李,116.4,-91,\n\
         2020-07-13,H1,赵,东经116度,,\n\
         2020-07-14,H2,赵,,,\"39.9,116.4\"\n\
         2020-07-15,H3,赵,-73.98,40.75,\n",
    );
    let log = "log.csv";
    let run = import(&wd, &["log.csv"]).expect(1);
    run.stdout_has("6 rows · 2 imported · 0 duplicates skipped · 4 rejected")
        .stderr_has(&format!(
            "{log}:3: rejected: 经度 '181' is out of range for a longitude (a number from -180 to 180)"
        ))
        .stderr_has(&format!(
            "{log}:4: rejected: 纬度 '-91' is out of range for a latitude (a number from -90 to 90)"
        ))
        .stderr_has(&format!(
            "{log}:5: rejected: 经度 '东经116度' is not a longitude"
        ))
        .stderr_has(&format!(
            "{log}:6: rejected: 经纬度 '39.9,116.4' is out of range for a position"
        ));
    let rejects = text(&wd, "rejects/log.rejects.csv");
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 5, "{rejects}");
    assert!(
        lines[1].starts_with("3,经度 '181' is out of range"),
        "{rejects}"
    );
    assert!(
        lines[1].ends_with(",2020-07-11,H2,李,181,39.9,"),
        "{rejects}"
    );
    assert!(
        lines[3].starts_with("5,经度 '东经116度' is not"),
        "{rejects}"
    );
    let stored = text(&wd, "visits.csv");
    assert!(stored.ends_with(
        "2020-07-10,H1,王,,,,116.4,39.9,\"116.4,39.9\"\n2020-07-15,H3,赵,,,,-73.98,40.75,\n"
    ));
    // In Chinese too.
    let wd = community(RESIDENTS, VISITS);
    wd.write("log.csv", "日期,户号,纬度\n2020-07-10,H1,95\n");
    wd.run(&["--today", T, "--lang", "zh", "import", "log.csv"])
        .expect(1)
        .stderr_has("纬度“95”超出范围，应为纬度（-90 到 90 之间的数）");
}

#[test]
fn dry_run_names_the_columns_it_keeps_in_both_languages() {
    let wd = community(RESIDENTS, VISITS).with("log.csv", LOG);
    wd.write(
        "log2.csv",
        "date,household,visitor,照片,备用\n2020-07-13,H2,李,b.jpg,\n",
    );
    import(&wd, &["--dry-run", "log.csv", "log2.csv"])
        .ok()
        .stdout_has("kept column '照片': would be added to visits.csv")
        .stdout_has("kept column '经度': would be added to visits.csv")
        .stdout_has("kept column '纬度': would be added to visits.csv")
        .stdout_has("kept column '天气': would be added to visits.csv")
        // A column with nothing to store in it is not added.
        .stdout_has(
            "kept column '备用': not added to visits.csv: no row to store has a value in it",
        );
    assert_eq!(text(&wd, "visits.csv"), VISITS, "a dry run writes nothing");
    wd.run(&[
        "--today",
        T,
        "--lang",
        "zh",
        "import",
        "--dry-run",
        "-v",
        "log.csv",
    ])
    .ok()
    .stdout_has("保留列“照片”：visits.csv 将新增此列")
    .stdout_has("保留列“天气”：visits.csv 将新增此列");
    let json = import(&wd, &["--dry-run", "--format", "json", "log.csv"])
        .ok()
        .json();
    assert_eq!(json["dry_run"], true);
    let names: Vec<&str> = json["kept_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["照片", "经度", "纬度", "天气"]);
    assert_eq!(text(&wd, "visits.csv"), VISITS);
    // Once stored, a dry run says the store has them.
    import(&wd, &["log.csv"]).ok();
    wd.run(&[
        "--today",
        T,
        "--lang",
        "zh",
        "import",
        "--dry-run",
        "log.csv",
    ])
    .ok()
    .stdout_has("保留列“照片”：visits.csv 已有此列");
}

/// Display width of a line: CJK and full-width characters take two cells.
fn width(line: &str) -> usize {
    line.chars()
        .map(|c| match c {
            '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF60}' => 2,
            _ => 1,
        })
        .sum()
}

#[test]
fn history_shows_the_kept_cells() {
    let wd = community(RESIDENTS, VISITS).with("log.csv", LOG);
    import(&wd, &["log.csv"]).ok();
    let run = wd.run_raw(
        &[
            "--data".into(),
            wd.path().display().to_string(),
            "--today".into(),
            T.into(),
            "history".into(),
            "H1".into(),
        ],
        &[("COLUMNS", "80")],
    );
    let out = run.ok().stdout();
    assert!(out.lines().all(|l| width(l) <= 80), "{out}");
    let flat: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("照片: a.jpg · 经度: 116.397 · 纬度: 39.916 · 天气: 晴"),
        "{out}"
    );
    // The kept cells come right under their visit's row.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines.iter().position(|l| l.contains("2020-07-10")).unwrap();
    assert!(lines[at + 1].contains("照片: a.jpg"), "{out}");

    let csv = wd
        .run(&["--today", T, "history", "H2", "--format", "csv"])
        .ok()
        .stdout();
    assert_eq!(
        csv,
        "date,household,visitor,kind,persons,note,照片,天气\n\
         2020-07-11,H2,李,,,,https://img.example/2.png,\"多云, 微风\"\n"
    );
    let json = wd
        .run(&["--today", T, "history", "H1", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        json[0]["extra"],
        json!({"照片": "a.jpg", "经度": "116.397", "纬度": "39.916", "天气": "晴"})
    );
    // The visit before the columns were kept has none; empty cells are
    // left out.
    assert_eq!(json[1]["date"], "2020-07-01");
    assert_eq!(json[1]["extra"], json!({}));
    let h3 = wd
        .run(&["--today", T, "history", "H3", "--format", "json"])
        .ok()
        .json();
    assert_eq!(h3[0]["extra"], json!({"经度": "116.5", "纬度": "39.9"}));
    // In Chinese.
    wd.run(&["--today", T, "--lang", "zh", "history", "H1"])
        .ok()
        .stdout_has("照片：a.jpg");
}

#[test]
fn personal_columns_are_kept_masked_and_never_cached() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.csv",
        "日期,户号,走访人,姓名,联系电话,身份证号,照片\n\
         2020-07-10,H1,王,张三丰,13912345678,110105196106084776,a.jpg\n",
    );
    let run = import(&wd, &["log.csv"]).ok();
    run.stdout_has(
        "kept column '姓名': added to visits.csv (personal data: masked in output unless --reveal)",
    )
    .stdout_has("kept column '联系电话': added to visits.csv (personal data")
    .stdout_has("kept column '身份证号': added to visits.csv (personal data")
    .stdout_lacks("kept column '照片': added to visits.csv (personal");
    assert!(
        text(&wd, "visits.csv")
            .ends_with("2020-07-10,H1,王,,,,张三丰,13912345678,110105196106084776,a.jpg\n")
    );
    let json = import(&wd, &["--dry-run", "--format", "json", "log.csv"])
        .ok()
        .json();
    assert_eq!(json["kept_columns"][1]["personal"], true);
    assert_eq!(json["kept_columns"][3]["personal"], false);
    for format in ["table", "csv", "json"] {
        let shown = wd
            .run(&["--today", T, "history", "H1", "--format", format])
            .ok()
            .stdout();
        assert!(shown.contains("张**"), "{format}: {shown}");
        assert!(shown.contains("139****5678"), "{format}: {shown}");
        assert!(shown.contains("110***********4776"), "{format}: {shown}");
        for full in ["张三丰", "13912345678", "110105196106084776"] {
            assert!(!shown.contains(full), "{format}: {shown}");
        }
        let revealed = wd
            .run(&[
                "--today", T, "history", "H1", "--format", format, "--reveal",
            ])
            .ok()
            .stdout();
        assert!(revealed.contains("张三丰") && revealed.contains("13912345678"));
    }
    // Every command that caches ran; no cache holds them.
    age_all(&wd);
    for args in [
        vec!["due", "--all"],
        vec!["report", "--month", "2020-07"],
        vec!["check"],
    ] {
        let mut all = vec!["--today", T];
        all.extend(args);
        wd.run(&all);
    }
    let cache = wd.join(".rounds-cache");
    assert!(cache.exists());
    for entry in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        for full in ["张三丰", "13912345678", "110105196106084776", "a.jpg"] {
            assert!(
                !bytes.windows(full.len()).any(|w| w == full.as_bytes()),
                "{} holds {full}",
                entry.path().display()
            );
        }
    }
}

/// The example's households, in roster order.
fn households() -> Vec<String> {
    let text = std::fs::read_to_string(example("nongjiang").join("residents.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let h = if rec[1].trim().is_empty() {
            rec[0].trim()
        } else {
            rec[1].trim()
        };
        if !out.iter().any(|x| x == h) {
            out.push(h.to_string());
        }
    }
    out
}

/// A log of `n` visits after the example's last one, with a photo and a
/// position each.
fn log(n: usize) -> String {
    visits_log(n, "w", true)
}

/// A log of `n` visits after the example's last one; `tag` makes the
/// visitors of two logs differ; with a photo and a position each when
/// `kept`.
fn visits_log(n: usize, tag: &str, kept: bool) -> String {
    let hh = households();
    let mut out = String::from("date,household,visitor,kind,note,persons");
    out.push_str(if kept {
        ",照片,经度,纬度\n"
    } else {
        "\n"
    });
    let start = chrono::NaiveDate::from_ymd_opt(2020, 7, 21).unwrap();
    for i in 0..n {
        let day = start + chrono::Duration::days((i / (hh.len() * 2)) as i64);
        let h = &hh[i % hh.len()];
        let visitor = format!("{tag}{}", (i / hh.len()) % 2);
        out.push_str(&format!(
            "{day},{h},{visitor},入户,\"情况正常, 第 {i} 条\",1"
        ));
        if kept {
            out.push_str(&format!(",p{i}.jpg,116.{i},39.9"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_caches_after_widening_give_what_the_file_gives() {
    let wd = example_copy("nongjiang");
    let asked: [&[&str]; 3] = [
        &["due", "--all", "--format", "csv"],
        &["report", "--month", "2020-07", "--format", "json"],
        &["check"],
    ];
    let run = |wd: &Workdir, args: &[&str], cache: &str| {
        let mut all: Vec<String> = vec![
            "--data".into(),
            wd.path().display().to_string(),
            "--today".into(),
            "2020-12-31".into(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        let run = wd.run_raw(&all, &[("ROUNDS_CACHE", cache)]);
        (run.status(), run.stdout())
    };
    // The caches are made from the narrow file.
    age_all(&wd);
    for args in asked {
        run(&wd, args, "1");
    }
    assert!(wd.join(".rounds-cache").exists());
    wd.write("log.csv", log(300));
    let imported = wd.run(&["--today", "2020-12-31", "import", "log.csv"]);
    imported
        .ok()
        .stdout_has("kept column '照片': added to visits.csv");
    let cached_before = std::fs::read_dir(wd.join(".rounds-cache"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap()))
        .collect::<Vec<_>>();
    // Right after the import, and once the widened file is old enough to
    // be cached anew.
    for args in asked {
        assert_eq!(run(&wd, args, "1"), run(&wd, args, "0"), "{args:?}");
    }
    age_all(&wd);
    for args in asked {
        let cached = run(&wd, args, "1");
        let again = run(&wd, args, "1");
        let without = run(&wd, args, "0");
        assert_eq!(cached, without, "{args:?}");
        assert_eq!(again, without, "{args:?}");
    }
    let cached_after = std::fs::read_dir(wd.join(".rounds-cache"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap()))
        .collect::<Vec<_>>();
    assert_ne!(cached_before, cached_after, "the caches were made anew");
    // A visit the widened file holds shows, cached or not: every
    // household of the log was visited on 2020-07-21 or later.
    let due = run(&wd, &["due", "--all", "--format", "csv"], "1").1;
    for h in households().iter().take(300) {
        let row = due.lines().find(|l| l.starts_with(&format!("{h},")));
        if let Some(row) = row {
            let last = row.split(',').nth(7).unwrap_or("");
            assert!(last >= "2020-07-21", "{row}");
        }
    }
}

fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_rounds"))
        .arg("--data")
        .arg(dir)
        .args(["--today", "2021-12-31"])
        .args(args)
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn killed_while_widening_the_store_is_old_or_new_never_half() {
    // A large store (the example and 150,000 visits more), which a log of
    // a few visits with photos and positions widens: most of the run reads
    // the store and writes it anew.
    let full = example_copy("nongjiang");
    full.write("big.csv", visits_log(150_000, "b", false));
    full.run(&["--today", "2021-12-31", "import", "big.csv"])
        .ok();
    let text = log(2_000);
    full.write("log.csv", &text);
    let old = full.read("visits.csv");
    let started = Instant::now();
    let out = spawn(
        full.path(),
        &["import", full.join("log.csv").to_str().unwrap()],
    )
    .wait_with_output()
    .unwrap();
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = full.read("visits.csv");
    assert!(new.len() > old.len());

    let wd = example_copy("nongjiang");
    wd.write("visits.csv", &old);
    wd.write("log.csv", &text);
    let log_path = wd.join("log.csv");
    let mut outcomes = (0, 0);
    let mut mid_write = 0;
    for i in 1..=12u32 {
        // Kill moments spread over the whole run, the rename at its end
        // included.
        let at = took.mul_f64(f64::from(i) / 12.0);
        let mut child = spawn(wd.path(), &["import", log_path.to_str().unwrap()]);
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Before any recovery, the file is one state or the other.
        let raw = wd.read("visits.csv");
        assert!(
            raw == old || raw == new,
            "kill {i} at {at:?}: a half-widened visits.csv is visible"
        );
        // Any rounds command reads it whole.
        let check = wd.run(&["--today", "2021-12-31", "check"]);
        assert_eq!(check.status(), 0, "kill {i}: {}", check.stderr());
        // A kill while the wider file was being written aside leaves that
        // copy, which no reader takes for visits.csv.
        let aside = std::fs::read_dir(wd.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with(".visits.csv") && n.ends_with(".tmp")
            })
            .count();
        mid_write = mid_write.max(aside);
        if raw == old {
            outcomes.0 += 1
        } else {
            outcomes.1 += 1
        }
        wd.write("visits.csv", &old);
    }
    // A new import after a kill completes to the same bytes.
    let run = wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        log_path.to_str().unwrap(),
    ]);
    assert_eq!(run.status(), 0, "{}", run.stderr());
    assert_eq!(wd.read("visits.csv"), new);
    // The next writer removed the copies the killed ones left aside.
    let strays: Vec<String> = std::fs::read_dir(wd.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".visits.csv") && n.ends_with(".tmp"))
        .collect();
    assert!(strays.is_empty(), "left {strays:?}");
    eprintln!(
        "kills that left the old state: {}, the new: {}; copies left aside: {mid_write}",
        outcomes.0, outcomes.1
    );
}

#[test]
fn a_json_log_keeps_its_other_keys() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.json",
        r#"[{"date": "2020-07-10", "household": "H1", "visitor": "王", "photo": "a.jpg", "lat": 39.9, "lng": 116.4},
{"date": "2020-07-11", "household": "H2", "visitor": "李", "photo": "b.jpg", "lat": 95}]"#,
    );
    import(&wd, &["log.json"])
        .expect(1)
        .stdout_has("2 rows · 1 imported")
        .stderr_has("log.json:2: rejected: lat '95' is out of range for a latitude");
    // A JSON object's keys come in the reader's order (by name).
    assert_eq!(
        text(&wd, "visits.csv"),
        "date,household,visitor,kind,note,persons,lat,lng,photo\n\
         2020-07-01,H1,王,入户,ok,1,,,\n\
         2020-07-10,H1,王,,,,39.9,116.4,a.jpg\n"
    );
}

#[test]
fn columns_mapped_by_map_or_settings_are_fields_not_kept() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.csv",
        "走访时间,门牌,工作人员,照片\n2020-07-10,H1,王,a.jpg\n",
    );
    wd.write(
        "rounds.toml",
        "[import.columns]\n\"工作人员\" = \"visitor\"\n",
    );
    let run = import(
        &wd,
        &[
            "log.csv",
            "--map",
            "走访时间=date",
            "--map",
            "门牌=household",
            "--format",
            "json",
        ],
    )
    .ok();
    assert_eq!(
        run.json()["kept_columns"],
        json!([{"name": "照片", "visits_csv": "added", "personal": false}])
    );
    assert!(
        text(&wd, "visits.csv")
            .ends_with("persons,照片\n2020-07-01,H1,王,入户,ok,1,\n2020-07-10,H1,王,,,,a.jpg\n")
    );
}
