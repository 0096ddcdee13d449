//! `rounds import` and `rounds visit`: logs of every kind in, nothing lost,
//! nothing doubled, the store's own conventions kept.

mod common;

use common::{Workdir, community, conformance};
use serde_json::Value;

const T: &str = "2020-07-31";

/// A fresh copy of the zh conformance community.
fn zh() -> Workdir {
    let read = |f: &str| std::fs::read(conformance("zh").join(f)).unwrap();
    community(read("residents.csv"), read("visits.csv"))
}

/// The stored visits, header excluded, as read by a plain CSV reader.
fn stored(wd: &Workdir) -> Vec<Vec<String>> {
    let bytes = wd.read("visits.csv");
    let text = match String::from_utf8(bytes.clone()) {
        Ok(t) => t,
        Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn import(wd: &Workdir, files: &[&str]) -> common::Run {
    let mut args = vec!["--today", T, "import"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| wd.join(f).display().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    wd.run(&args)
}

// ---------------------------------------------------------------------------
// The shared conformance cases, as ../shared/conformance/check runs them.

fn expected() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(conformance("import").join("expected.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn conformance_each_log_alone() {
    let exp = expected();
    for (log, e) in exp["alone"].as_object().unwrap() {
        let wd = zh();
        std::fs::copy(conformance("import").join(log), wd.join(log)).unwrap();
        let before = stored(&wd);
        let mut run = import(&wd, &[log]).expect(e["exit_status"].as_i64().unwrap() as i32);
        let after = stored(&wd);
        let added = &after[before.len()..];
        assert_eq!(added.len() as u64, e["accepted"].as_u64().unwrap(), "{log}");
        // The appended rows, field by field, in order.
        for (got, want) in added.iter().zip(e["appended"].as_array().unwrap()) {
            let want: Vec<&str> = ["date", "household", "visitor", "kind", "note", "persons"]
                .iter()
                .map(|k| want[*k].as_str().unwrap())
                .collect();
            assert_eq!(got, &want, "{log}");
        }
        assert_eq!(
            &after[..before.len()],
            &before[..],
            "{log}: old rows unchanged"
        );
        // Rejected rows on stderr, the summary on stdout.
        for r in e["rejects"].as_array().unwrap() {
            let line = r["line"].as_u64().unwrap();
            run = run.stderr_has(&format!("{log}:{line}: rejected"));
        }
        let plural = |n: &serde_json::Value, one: &str, many: &str| match n.as_u64() {
            Some(1) => format!("1 {one}"),
            _ => format!("{n} {many}"),
        };
        run.stdout_has(&format!(
            "{} · {} imported · {} skipped · {} rejected",
            plural(&e["rows"], "row", "rows"),
            e["accepted"],
            plural(&e["skipped"], "duplicate", "duplicates"),
            e["rejected"]
        ));
    }
}

#[test]
fn conformance_all_logs_in_one_run_then_the_expected_outputs() {
    let exp = expected();
    let wd = zh();
    let logs: Vec<&str> = exp["alone"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for log in &logs {
        std::fs::copy(conformance("import").join(log), wd.join(log)).unwrap();
    }
    import(&wd, &logs).expect(exp["combined"]["exit_status"].as_i64().unwrap() as i32);
    assert_eq!(
        stored(&wd).len() as u64,
        exp["visits_after_combined"].as_u64().unwrap()
    );
    // due and report after the import, as the expected files say.
    let manifest =
        std::fs::read_to_string(conformance("import").join("expected/MANIFEST.tsv")).unwrap();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (name, args) = line.split_once('\t').unwrap();
        let args: Vec<&str> = args.split_whitespace().collect();
        let run = wd.run(&args).ok();
        let want =
            std::fs::read_to_string(conformance("import").join("expected").join(name)).unwrap();
        if name.ends_with(".json") {
            let want: Value = serde_json::from_str(&want).unwrap();
            let got = run.json();
            for (k, v) in want.as_object().unwrap() {
                assert_eq!(&got[k], v, "{name}: {k}");
            }
        } else {
            let mut r = csv::Reader::from_reader(want.as_bytes());
            let cols: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
            let want: Vec<Vec<String>> = r
                .records()
                .map(|x| x.unwrap().iter().map(str::to_string).collect())
                .collect();
            let got = run.csv();
            assert_eq!(got.len(), want.len(), "{name}");
            for (g, w) in got.iter().zip(&want) {
                for (c, v) in cols.iter().zip(w) {
                    assert_eq!(&g[c], v, "{name}: {c}");
                }
            }
        }
    }
}

#[test]
fn importing_the_same_log_twice_adds_nothing() {
    let wd = zh();
    std::fs::copy(
        conformance("import").join("clean.csv"),
        wd.join("clean.csv"),
    )
    .unwrap();
    import(&wd, &["clean.csv"]).ok();
    let once = wd.read("visits.csv");
    import(&wd, &["clean.csv"])
        .ok()
        .stdout_has("30 rows · 0 imported · 30 duplicates skipped · 0 rejected");
    assert_eq!(wd.read("visits.csv"), once);
}

// ---------------------------------------------------------------------------
// Logs of every kind.

/// A small community with an English store.
fn small() -> Workdir {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level\nR1,H1,red\nR2,H2,green\nR3,,yellow\n",
    );
    wd.write(
        "visits.csv",
        "date,household,visitor,kind,note,persons\n2020-07-01,H1,王,入户,,1\n",
    );
    wd
}

#[test]
fn gbk_crlf_log_with_chinese_dates() {
    let wd = small();
    let log = "日期,户号,走访人,走访方式,走访情况,人数\r\n2020年7月3日,H1,王,入户,\"反映楼道灯坏了,已报物业\",2\r\n2020/7/4,R3,李,电话,,\r\n";
    wd.write("log.csv", encoding_rs::GB18030.encode(log).0);
    import(&wd, &["log.csv"]).ok().stdout_has("2 imported");
    let rows = stored(&wd);
    assert_eq!(
        rows[1],
        [
            "2020-07-03",
            "H1",
            "王",
            "入户",
            "反映楼道灯坏了,已报物业",
            "2"
        ]
    );
    assert_eq!(rows[2], ["2020-07-04", "R3", "李", "电话", "", ""]);
}

#[test]
fn bom_log() {
    let wd = small();
    wd.write(
        "log.csv",
        "\u{feff}走访日期,户号,走访人\n2020-07-05,H2,王\n",
    );
    import(&wd, &["log.csv"]).ok().stdout_has("1 imported");
    assert_eq!(stored(&wd)[1][..3], ["2020-07-05", "H2", "王"]);
}

#[test]
fn json_array_and_one_object_per_line() {
    let wd = small();
    wd.write(
        "a.json",
        "[\n  {\"date\": \"2020-07-06\", \"household\": \"H1\", \"visitor\": \"王\", \"persons\": 2},\n  {\"date\": \"2020/7/7\",\n   \"household\": \"H2\"},\n  {\"date\": \"2020-02-30\", \"household\": \"H2\"}\n]\n",
    );
    let run = import(&wd, &["a.json"]).expect(1);
    let a = wd.join("a.json").display().to_string();
    run.stdout_has("3 rows · 2 imported")
        .stderr_has(&format!("{a}:5: rejected: invalid date '2020-02-30'"));
    wd.write(
        "b.jsonl",
        "{\"date\":\"2020-07-08\",\"resident\":\"R3\",\"note\":\"ok\"}\n\n{\"date\":\"2020-07-09\",\"household\":\"NOPE\"}\n{\"date\":\"2020-07-10\",\"household\":\"H1\",\"persons\":[1]}\n",
    );
    let run = import(&wd, &["b.jsonl"]).expect(1);
    let b = wd.join("b.jsonl").display().to_string();
    run.stderr_has(&format!("{b}:3: rejected: unknown household 'NOPE'"))
        .stderr_has(&format!("{b}:4: rejected: 'persons' holds a list"));
    let rows = stored(&wd);
    assert_eq!(rows.len(), 1 + 2 + 1);
    assert_eq!(rows[1], ["2020-07-06", "H1", "王", "", "", "2"]);
    assert_eq!(rows[3], ["2020-07-08", "R3", "", "", "ok", ""]);
}

#[test]
fn xlsx_with_date_cells_serials_and_text_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let wd = small();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    for (c, h) in ["走访日期", "户号", "走访人", "人数"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    // Row 3: a real date cell; row 4: a bare serial number; rows 5–6: text.
    sheet
        .write_datetime_with_format(
            2,
            0,
            ExcelDateTime::from_ymd(2020, 7, 11).unwrap(),
            &date_format,
        )
        .unwrap();
    sheet.write_string(2, 1, "H1").unwrap();
    sheet.write_number(2, 3, 2.0).unwrap();
    sheet.write_number(3, 0, 44024.0).unwrap(); // 2020-07-12
    sheet.write_string(3, 1, "H2").unwrap();
    sheet.write_string(4, 0, "2020年7月13日").unwrap();
    sheet.write_string(4, 1, "R3").unwrap();
    sheet.write_string(5, 0, "2020/7/32").unwrap();
    sheet.write_string(5, 1, "H1").unwrap();
    book.save(wd.join("log.xlsx")).unwrap();
    let run = import(&wd, &["log.xlsx"]).expect(1);
    let log = wd.join("log.xlsx").display().to_string();
    run.stdout_has("4 rows · 3 imported")
        .stderr_has(&format!("{log}:6: rejected: invalid date '2020/7/32'"));
    let rows = stored(&wd);
    assert_eq!(rows[1], ["2020-07-11", "H1", "", "", "", "2"]);
    assert_eq!(rows[2][..2], ["2020-07-12", "H2"]);
    assert_eq!(rows[3][..2], ["2020-07-13", "R3"]);
    // The rejects file keeps the row for fixing.
    let rejects = String::from_utf8(wd.read("rejects/log.xlsx.rejects.csv")).unwrap();
    assert!(rejects.contains("2020/7/32,H1"), "{rejects}");
}

#[test]
fn serial_numbers_only_from_spreadsheets() {
    let wd = small();
    wd.write("log.csv", "date,household\n44024,H1\n");
    import(&wd, &["log.csv"])
        .expect(1)
        .stderr_has("'44024' is not a date");
}

// ---------------------------------------------------------------------------
// Column mapping.

#[test]
fn map_option_and_settings_map_unknown_headers() {
    let wd = small();
    wd.write("log.csv", "走访时间,门牌,工作人员\n2020-07-14,H1,王\n");
    let run = import(&wd, &["log.csv"]).expect(3);
    run.stderr_has("missing column date")
        .stderr_has("date/日期/走访日期")
        .stderr_has("the header has: 走访时间, 门牌, 工作人员");
    assert_eq!(stored(&wd).len(), 1, "nothing written");
    let log = wd.join("log.csv").display().to_string();
    wd.run(&[
        "--today",
        T,
        "import",
        &log,
        "--map",
        "走访时间=date",
        "--map",
        "门牌=household",
        "--map",
        "工作人员=走访人",
    ])
    .ok()
    .stdout_has("1 imported");
    assert_eq!(stored(&wd)[1][..3], ["2020-07-14", "H1", "王"]);
    // The same mapping from rounds.toml.
    wd.write("log2.csv", "走访时间,门牌,工作人员\n2020-07-15,H2,李\n");
    wd.write("rounds.toml", "[import.columns]\n\"走访时间\" = \"date\"\n\"门牌\" = \"household\"\n\"工作人员\" = \"visitor\"\n");
    import(&wd, &["log2.csv"]).ok().stdout_has("1 imported");
    assert_eq!(stored(&wd)[2][..3], ["2020-07-15", "H2", "李"]);
    wd.run(&["import", &log, "--map", "x=when"])
        .expect(2)
        .stderr_has("not a field");
}

// ---------------------------------------------------------------------------
// Dry runs, rejects files, conventions of the store.

#[test]
fn dry_run_changes_nothing() {
    let wd = zh();
    std::fs::copy(conformance("import").join("bad.csv"), wd.join("bad.csv")).unwrap();
    let before: Vec<(String, Vec<u8>)> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let run = wd
        .run(&[
            "--today",
            T,
            "import",
            "--dry-run",
            wd.join("bad.csv").to_str().unwrap(),
        ])
        .expect(1);
    run.stdout_has("12 rows · 4 imported · 3 duplicates skipped · 5 rejected")
        .stderr_has("bad.csv:3: rejected")
        .stdout_has("dry run");
    for (name, bytes) in &before {
        assert_eq!(&wd.read(name), bytes, "{name} changed");
    }
    // No file is created but the (empty) lock file that every reader
    // takes and what the first reader of a directory keeps of the roster
    // (`.rounds/seen`, as `due` would).
    let after: Vec<String> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".rounds.lock" && n != ".rounds")
        .collect();
    assert_eq!(
        after.len(),
        before.len(),
        "a dry run creates no file: {after:?}"
    );
}

#[test]
fn rejects_file_keeps_rows_with_line_and_reason() {
    let wd = zh();
    std::fs::copy(conformance("import").join("bad.csv"), wd.join("bad.csv")).unwrap();
    let run = import(&wd, &["bad.csv"]).expect(1);
    let path = wd.join("rejects/bad.rejects.csv");
    run.stderr_has(&path.display().to_string());
    let text = String::from_utf8(wd.read("rejects/bad.rejects.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..2], ["line", "reason"]);
    assert_eq!(header[2], "日期");
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    let lines: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(lines, ["3", "4", "5", "6", "12"]);
    assert!(rows[0][1].contains("2020-02-30"));
    // Fixed and imported again, the rejected rows come in.
    let fixed = text
        .replace("2020-02-30", "2020-07-30")
        .replace("ZZ99-9-9999", "HQ01-1-0101");
    wd.write("bad.rejects.csv", fixed);
    import(&wd, &["bad.rejects.csv"])
        .expect(1)
        .stdout_has("5 rows · 2 imported");
}

#[test]
fn new_rows_follow_the_store() {
    // A GBK store with CRLF, its own column order, an extra column and no
    // line break at its end.
    let wd = Workdir::new();
    wd.write("residents.csv", "id,household,level\nR1,H1,red\n");
    let store = "户号,备注,日期,自定义,走访人\r\nH1,旧记录,2020-07-01,x,王";
    wd.write("visits.csv", encoding_rs::GB18030.encode(store).0);
    wd.write(
        "log.csv",
        "date,household,visitor,note\n2020/7/2,H1,李,\"新, 记录\"\n",
    );
    import(&wd, &["log.csv"]).ok();
    let bytes = wd.read("visits.csv");
    assert!(std::str::from_utf8(&bytes).is_err(), "still GB18030");
    let text = encoding_rs::GB18030.decode(&bytes).0.into_owned();
    assert_eq!(
        text,
        "户号,备注,日期,自定义,走访人\r\nH1,旧记录,2020-07-01,x,王\r\nH1,\"新, 记录\",2020-07-02,,李\r\n"
    );
    // A column the store lacks stops the import rather than lose the value.
    wd.write("log2.csv", "date,household,persons\n2020-07-03,H1,2\n");
    import(&wd, &["log2.csv"])
        .expect(3)
        .stderr_has("no persons column");
    assert_eq!(wd.read("visits.csv"), bytes);
}

#[test]
fn a_missing_store_is_created_with_a_header() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nR1,red\n");
    wd.write("log.csv", "date,household\n2020-07-02,R1\n");
    wd.run(&[
        "--today",
        T,
        "--lang",
        "zh",
        "import",
        wd.join("log.csv").to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        String::from_utf8(wd.read("visits.csv")).unwrap(),
        "\u{feff}日期,户号,走访人,走访方式,走访情况,人数\r\n2020-07-02,R1,,,,\r\n"
    );
}

#[test]
fn a_log_that_cannot_be_read_stops_the_whole_run() {
    let wd = small();
    wd.write("good.csv", "date,household\n2020-07-02,H1\n");
    wd.write("broken.csv", "date,household\n2020-07-03,\"H2\n");
    let before = wd.read("visits.csv");
    import(&wd, &["good.csv", "broken.csv"])
        .expect(3)
        .stderr_has("never closed");
    assert_eq!(wd.read("visits.csv"), before);
}

#[test]
fn waits_for_the_lock() {
    let wd = small();
    wd.write("log.csv", "date,household\n2020-07-02,H1\n");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(wd.join(".rounds.lock"))
        .unwrap();
    lock.lock().unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rounds"))
        .args([
            "--data",
            wd.path().to_str().unwrap(),
            "--today",
            T,
            "import",
            wd.join("log.csv").to_str().unwrap(),
        ])
        .env("LANG", "C")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1800));
    assert_eq!(
        stored(&wd).len(),
        1,
        "nothing written while the lock is held"
    );
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("waiting: another rounds is writing"));
    assert_eq!(stored(&wd).len(), 2);
}

// ---------------------------------------------------------------------------
// rounds visit

#[test]
fn visit_records_one_visit() {
    let wd = small();
    wd.run(&[
        "--today",
        T,
        "visit",
        "H2",
        "--date",
        "2020/7/20",
        "--visitor",
        "王",
        "--kind",
        "入户",
        "--note",
        "正常",
        "--persons",
        "1",
    ])
    .ok()
    .stdout_has("recorded the visit of 2020-07-20 to H2");
    assert_eq!(
        stored(&wd)[1],
        ["2020-07-20", "H2", "王", "入户", "正常", "1"]
    );
    // Again: nothing added.
    wd.run(&[
        "--today",
        T,
        "visit",
        "H2",
        "--date",
        "2020-07-20",
        "--visitor",
        "王",
    ])
    .ok()
    .stdout_has("already recorded");
    assert_eq!(stored(&wd).len(), 2);
    // A resident's id stands for the household; the date defaults to today.
    wd.run(&["--today", T, "visit", "R3"]).ok();
    assert_eq!(stored(&wd)[2][..2], ["2020-07-31", "R3"]);
    wd.run(&["--today", T, "visit", "R1"]).ok();
    assert_eq!(stored(&wd)[3][..2], ["2020-07-31", "H1"]);
    // Refused: unknown (exit 2, as `need add`); rejected: future, bad persons.
    wd.run(&["--today", T, "visit", "H9"])
        .expect(2)
        .stderr_has("no household or resident 'H9' in the roster — did you mean H1?");
    wd.run(&["--today", T, "visit", "H1", "--date", "2020-08-01"])
        .expect(1)
        .stderr_has("after today");
    wd.run(&["--today", T, "visit", "H1", "--persons", "-2"])
        .expect(1)
        .stderr_has("persons '-2'");
    assert_eq!(stored(&wd).len(), 4);
}

/// A visit recorded without `--visitor` is the worker in charge's, as a
/// need taken up without `--by` is: the key (date, household, visitor)
/// of the stored row names who is responsible, and the report credits it.
#[test]
fn a_visit_without_a_visitor_is_the_worker_in_charges() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,visitor\nR1,H1,red,\nR2,H1,red,赵卫东\nR3,H2,green,\n",
    );
    wd.write("visits.csv", "date,household,visitor,kind,note,persons\n");
    let visit = |args: &[&str]| {
        let mut all = vec!["--today", T, "visit"];
        all.extend_from_slice(args);
        wd.run(&all)
    };
    visit(&["H1", "--date", "2020-07-20"]).ok();
    assert_eq!(stored(&wd)[0][..3], ["2020-07-20", "H1", "赵卫东"]);
    // By a resident's id, and with an empty --visitor, the same.
    visit(&["R1", "--date", "2020-07-21", "--visitor", " "]).ok();
    assert_eq!(stored(&wd)[1][..3], ["2020-07-21", "H1", "赵卫东"]);
    // Again: the same key, nothing added.
    visit(&["H1", "--date", "2020-07-20"])
        .ok()
        .stdout_has("already recorded");
    // Someone else named: theirs.
    visit(&["H1", "--date", "2020-07-20", "--visitor", "王"]).ok();
    assert_eq!(stored(&wd)[2][..3], ["2020-07-20", "H1", "王"]);
    // A household with no worker in charge: no one.
    visit(&["H2", "--date", "2020-07-22"]).ok();
    assert_eq!(stored(&wd)[3][..3], ["2020-07-22", "H2", ""]);
    assert_eq!(stored(&wd).len(), 4);
    // `need add` takes the same worker.
    wd.run(&[
        "--today", T, "--format", "csv", "need", "add", "H1", "--text", "x",
    ])
    .ok()
    .stdout_has(",赵卫东,");
}

/// `visit` and `need add` (and `history`) refuse a household the roster
/// lacks in the same words and with the same status, with the nearest
/// household id when one is near, and write nothing.
#[test]
fn visit_and_need_add_refuse_an_unknown_household_alike() {
    let wd = small();
    let visits = wd.read("visits.csv");
    for lang in ["en", "zh"] {
        for (id, says) in [("H9", Some("H1")), ("XYZ-000", None), ("13812345678", None)] {
            let run = |args: &[&str]| {
                let mut all = vec!["--lang", lang, "--today", T];
                all.extend_from_slice(args);
                wd.run(&all).expect(2)
            };
            let visit = run(&["visit", id, "--visitor", "王"]);
            let need = run(&["need", "add", id, "--text", "x"]);
            let history = run(&["history", id]);
            assert_eq!(visit.stderr(), need.stderr(), "{lang} {id}");
            assert_eq!(visit.stderr(), history.stderr(), "{lang} {id}");
            let visit = match says {
                Some(h) if lang == "en" => visit.stderr_has(&format!("did you mean {h}?")),
                Some(h) => visit.stderr_has(&format!("是不是 {h}？")),
                None => visit.never_says("did you mean").never_says("是不是"),
            };
            // A phone number typed for a household is not echoed in full.
            visit.never_says("13812345678");
        }
    }
    assert_eq!(wd.read("visits.csv"), visits);
    assert!(!wd.join("needs.csv").exists());
}

// ---------------------------------------------------------------------------
// Edges of the store and of the logs.

#[test]
fn a_store_with_nothing_in_it_gets_a_header() {
    for empty in [&b""[..], b"\xEF\xBB\xBF", b"\r\n", b"\n\n"] {
        let wd = small();
        wd.write("visits.csv", empty);
        wd.write("log.csv", "date,household,visitor\n2021-01-05,H1,王\n");
        wd.run(&[
            "--today",
            "2021-12-31",
            "import",
            wd.join("log.csv").to_str().unwrap(),
        ])
        .ok();
        let text = String::from_utf8(wd.read("visits.csv")).unwrap();
        assert!(
            text.starts_with("\u{feff}date,household,visitor,kind,note,persons\r\n"),
            "{empty:?}: {text:?}"
        );
        assert_eq!(
            stored(&wd),
            [["2021-01-05", "H1", "王", "", "", ""]],
            "{empty:?}"
        );
        wd.run(&["--today", "2021-12-31", "check"]).ok();
    }
}

#[test]
fn an_ascii_store_gains_a_bom_with_its_first_chinese_rows() {
    let wd = small();
    wd.write(
        "visits.csv",
        "date,household,visitor,note\r\n2021-01-01,H1,w,ok\r\n",
    );
    wd.write(
        "log.csv",
        "date,household,visitor,note\n2021-01-05,H1,王,入户\n",
    );
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("log.csv").to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        String::from_utf8(wd.read("visits.csv")).unwrap(),
        "\u{feff}date,household,visitor,note\r\n2021-01-01,H1,w,ok\r\n2021-01-05,H1,王,入户\r\n"
    );
}

#[test]
fn a_stored_row_with_a_bad_cell_still_counts_as_stored() {
    let wd = small();
    wd.write(
        "visits.csv",
        "date,household,visitor,kind,note,persons\n2021-01-05,H1,wang,,,两\n",
    );
    wd.write("log.csv", "date,resident,visitor\n2021/1/5,R1,wang\n");
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("log.csv").to_str().unwrap(),
    ])
    .ok()
    .stdout_has("1 duplicate skipped");
    assert_eq!(stored(&wd).len(), 1);
}

#[test]
fn logs_with_one_stem_keep_their_own_rejects() {
    let wd = small();
    wd.write("day.csv", "date,household\n2021-01-05,H1\n2021-02-30,H1\n");
    wd.write(
        "day.json",
        "[{\"date\":\"2021-01-06\",\"household\":\"NOPE\"}]",
    );
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("day.csv").to_str().unwrap(),
        wd.join("day.json").to_str().unwrap(),
    ])
    .expect(1);
    assert!(
        String::from_utf8(wd.read("rejects/day.rejects.csv"))
            .unwrap()
            .contains("2021-02-30")
    );
    assert!(
        String::from_utf8(wd.read("rejects/day.json.rejects.csv"))
            .unwrap()
            .contains("NOPE")
    );
}

#[test]
fn empty_logs_hold_no_visits() {
    let wd = small();
    wd.write("a.json", "[]")
        .write("b.csv", "")
        .write("c.csv", "date,household\n");
    wd.write("d.csv", "date,household\n2021-01-05,H1\n");
    let files: Vec<String> = ["a.json", "b.csv", "c.csv", "d.csv"]
        .iter()
        .map(|f| wd.join(f).display().to_string())
        .collect();
    let mut args = vec!["--today", "2021-12-31", "import"];
    args.extend(files.iter().map(String::as_str));
    wd.run(&args)
        .ok()
        .stdout_has("a.json: 0 rows")
        .stdout_has("1 visit added");
}

/// A JSON file of bare values is no visit log: the file is refused whole
/// (exit 3, its name and line in the error), not counted as a rejected
/// row; nothing is written, no rejects file made. A good log given with
/// it is not imported either (every log is checked before anything is
/// written), and `[]`, an empty file and an array of bare values stay
/// what they are.
#[test]
fn a_json_file_of_bare_values_is_no_log() {
    for (text, line, found) in [
        ("42", 1, "a bare JSON number"),
        ("\n\n\"x\"\n", 3, "a bare JSON string"),
        ("true", 1, "a bare JSON true or false"),
        ("null\n", 1, "a bare JSON null"),
        ("42\n43\n", 1, "a bare JSON number"),
    ] {
        let wd = small();
        wd.write("log.json", text);
        wd.write("good.csv", "date,household\n2020-07-05,H2\n");
        let before = wd.read("visits.csv");
        let log = wd.join("log.json").display().to_string();
        let run = import(&wd, &["log.json", "good.csv"]).expect(3);
        run.stderr_has(&format!(
            "{log}:{line}: error: not a visit log: the file holds {found}"
        ))
        .stderr_has("not an array of objects or one object per line")
        .never_says("rejected");
        assert_eq!(wd.read("visits.csv"), before, "{text:?}");
        assert!(!wd.join("log.json.rejects.csv").exists(), "{text:?}");
        // Chinese too.
        wd.run(&["--lang", "zh", "--today", T, "import", &log])
            .expect(3)
            .stderr_has("不是走访记录：文件里只有 JSON");
    }
    // What was a log stays one.
    let wd = small();
    wd.write("empty.json", "").write("none.json", "[]");
    import(&wd, &["empty.json", "none.json"])
        .ok()
        .stdout_has("empty.json: 0 rows")
        .stdout_has("none.json: 0 rows");
    wd.write("numbers.json", "[42]");
    import(&wd, &["numbers.json"])
        .expect(1)
        .stderr_has("numbers.json:1: rejected: the entry is not a JSON object");
    wd.write(
        "mixed.jsonl",
        "42\n{\"date\": \"2020-07-05\", \"household\": \"H2\"}\n",
    );
    import(&wd, &["mixed.jsonl"])
        .expect(1)
        .stderr_has("mixed.jsonl:1: rejected: the entry is not a JSON object")
        .stdout_has("1 imported");
}

#[test]
fn extra_cells_and_serial_dates_come_back_fixable() {
    let wd = small();
    wd.write("log.csv", "date,household\n2021-01-05,H1,oops\n");
    import(&wd, &["log.csv"]).expect(1);
    let text = String::from_utf8(wd.read("rejects/log.rejects.csv")).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rec = r.records().next().unwrap().unwrap();
    assert_eq!(
        (&rec[0], &rec[2], &rec[3], &rec[4]),
        ("2", "2021-01-05", "H1", "oops")
    );
    assert!(rec[1].contains("3 cells"));
    // A serial date in a sheet's rejected row comes back as a date.
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "date").unwrap();
    sheet.write_string(0, 1, "household").unwrap();
    sheet.write_string(0, 2, "persons").unwrap();
    sheet.write_number(1, 0, 44202.0).unwrap();
    sheet.write_string(1, 1, "H1").unwrap();
    sheet.write_number(1, 2, 1.5).unwrap();
    book.save(wd.join("x.xlsx")).unwrap();
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("x.xlsx").to_str().unwrap(),
    ])
    .expect(1);
    let text = String::from_utf8(wd.read("rejects/x.xlsx.rejects.csv")).unwrap();
    assert!(text.contains(",2021-01-06,H1,1.5"), "{text}");
    let fixed = text.replace(",1.5", ",1");
    wd.write("x.xlsx.rejects.csv", fixed);
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("x.xlsx.rejects.csv").to_str().unwrap(),
    ])
    .ok()
    .stdout_has("1 imported");
    // A small number in a sheet's date column is not taken for a date.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "date").unwrap();
    sheet.write_string(0, 1, "household").unwrap();
    sheet.write_number(1, 0, 100.0).unwrap();
    sheet.write_string(1, 1, "H1").unwrap();
    book.save(wd.join("y.xlsx")).unwrap();
    wd.run(&[
        "--today",
        "2021-12-31",
        "import",
        wd.join("y.xlsx").to_str().unwrap(),
    ])
    .expect(1)
    .stderr_has("year is out of range");
}

#[test]
fn repeats_of_a_stored_visit_say_so() {
    let wd = small();
    wd.write(
        "a.csv",
        "date,household,visitor\n2020-07-01,H1,王\n2020-07-01,H1,王\n",
    );
    let run = wd
        .run(&[
            "--today",
            T,
            "import",
            "-v",
            wd.join("a.csv").to_str().unwrap(),
        ])
        .ok();
    let a = wd.join("a.csv").display().to_string();
    run.stderr_has(&format!("{a}:2: skipped: repeats a stored visit"))
        .stderr_has(&format!("{a}:3: skipped: repeats a stored visit"));
}

#[test]
fn a_dry_run_reads_only_what_is_committed() {
    let wd = small();
    // A killed import left part of a row and its journal behind.
    let committed = wd.read("visits.csv").len();
    let mut torn = wd.read("visits.csv");
    torn.extend_from_slice(b"2020-07-20,H2,,,,\n2020-07-2");
    wd.write("visits.csv", torn);
    wd.write(
        ".visits.csv.journal",
        format!("rounds journal 1\n{committed}\n"),
    );
    wd.write("log.csv", "date,household\n2020-07-20,H2\n");
    // Another reader holds the shared lock, so the dry run cannot roll back.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(wd.join(".rounds.lock"))
        .unwrap();
    lock.lock_shared().unwrap();
    wd.run(&[
        "--today",
        T,
        "import",
        "--dry-run",
        wd.join("log.csv").to_str().unwrap(),
    ])
    .ok()
    .stdout_has("1 imported · 0 duplicates skipped");
    drop(lock);
}

#[cfg(unix)]
#[test]
fn the_lock_file_serves_every_account() {
    use std::os::unix::fs::PermissionsExt;
    let wd = small();
    wd.run(&["--today", T, "due"]).ok();
    let mode = std::fs::metadata(wd.join(".rounds.lock"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
    // Read access is enough to lock.
    std::fs::set_permissions(
        wd.join(".rounds.lock"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    wd.write("log.csv", "date,household\n2020-07-02,H1\n");
    import(&wd, &["log.csv"]).ok();
}

/// Entries with no field among them leave the log without a header; each
/// is still counted and rejected with its line, never dropped unseen.
#[test]
fn entries_without_any_field_are_rejected_not_dropped() {
    let wd = zh();
    wd.write("odd.json", "[\n1,\n{}\n]\n");
    let before = stored(&wd);
    let run = import(&wd, &["odd.json"]).expect(1);
    run.stdout_has("2 rows · 0 imported · 0 duplicates skipped · 2 rejected")
        .stderr_has("odd.json:2: rejected: the entry is not a JSON object")
        .stderr_has("odd.json:3: rejected: empty date; empty household");
    assert_eq!(stored(&wd), before);
    let rejects = String::from_utf8(wd.read("rejects/odd.json.rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 3, "{rejects}");
}

// ---------------------------------------------------------------------------
// For cron: logs filed away, rejects out of the inbox's way, empty inboxes.

#[test]
fn move_to_files_each_log_away_once_its_rows_are_stored() {
    let wd = small();
    wd.write(
        "inbox/a.csv",
        "date,household\n2020-07-02,H1\n2020-02-30,H2\n",
    )
    .write(
        "inbox/b.json",
        r#"[{"date":"2020-07-03","household":"H2"}]"#,
    );
    let done = wd.join("done");
    let (a, b) = (wd.join("inbox/a.csv"), wd.join("inbox/b.json"));
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["--today", T, "import", "--move-to"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.push(done.display().to_string());
        v.extend(extra.iter().map(|s| s.to_string()));
        v.push(a.display().to_string());
        v.push(b.display().to_string());
        v
    };
    let run = |extra: &[&str]| {
        let args = args(extra);
        wd.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    // A dry run moves nothing.
    run(&["--dry-run"]).expect(1).never_says("moved to");
    assert!(a.exists() && b.exists() && !done.exists());
    // A log that cannot be read stops the run: nothing stored, nothing moved.
    wd.write("inbox/broken.csv", "date,household\n2020-07-03,\"H2\n");
    let broken = wd.join("inbox/broken.csv").display().to_string();
    let before = wd.read("visits.csv");
    run(&[&broken]).expect(3).never_says("moved to");
    assert_eq!(wd.read("visits.csv"), before);
    assert!(a.exists() && b.exists() && !done.exists());
    std::fs::remove_file(wd.join("inbox/broken.csv")).unwrap();
    // Stored, then moved; the JSON says where.
    let json = run(&["--format", "json"]).expect(1).json();
    assert_eq!(json["imported"], 2);
    assert_eq!(
        json["files"][0]["moved_to"],
        done.join("a.csv").display().to_string()
    );
    assert_eq!(
        json["files"][1]["moved_to"],
        done.join("b.json").display().to_string()
    );
    assert!(!a.exists() && !b.exists());
    assert_eq!(stored(&wd).len(), 3);
    // The same names again: never over the files filed before; the csv
    // summary gains a moved_to column with --move-to only.
    wd.write("inbox/a.csv", "date,household\n2020-07-04,H1\n")
        .write("inbox/b.json", "[]");
    let csv = run(&["--format", "csv"]).ok().csv();
    assert_eq!(
        csv.iter()
            .map(|r| r["moved_to"].as_str())
            .collect::<Vec<_>>(),
        [
            done.join("a-2.csv").display().to_string(),
            done.join("b-2.json").display().to_string()
        ]
    );
    assert_eq!(
        String::from_utf8(wd.read("done/a.csv")).unwrap(),
        "date,household\n2020-07-02,H1\n2020-02-30,H2\n"
    );
    wd.write("c.csv", "date,household\n2020-07-05,H1\n");
    let c = wd.join("c.csv").display().to_string();
    let plain = wd
        .run(&["--today", T, "--format", "csv", "import", &c])
        .ok()
        .stdout();
    assert!(
        plain.starts_with("file,rows,imported,skipped,rejected,rejects_file\n"),
        "{plain}"
    );
    assert!(wd.join("c.csv").exists(), "moved only with --move-to");
}

#[test]
fn rejects_stay_out_of_the_inbox_and_are_never_overwritten() {
    let wd = small();
    let bad = "date,household\n2020-07-02,H1\n2020-02-30,H2\n";
    wd.write("inbox/day.csv", bad);
    let log = wd.join("inbox/day.csv").display().to_string();
    let first = wd.join("inbox/rejects/day.rejects.csv");
    // Where the rejects went is on stderr, whatever the format.
    let run = wd
        .run(&["--today", T, "--format", "json", "import", &log])
        .expect(1);
    assert!(
        run.stderr().contains(&format!(
            "rejected rows, with their line and reason: {}",
            first.display()
        )),
        "{}",
        run.stderr()
    );
    let kept = wd.read("inbox/rejects/day.rejects.csv");
    // The same log again: its rejects beside the first ones, not over them.
    wd.run(&["--today", T, "import", &log])
        .expect(1)
        .stderr_has("inbox/rejects/day.rejects-2.csv");
    assert_eq!(wd.read("inbox/rejects/day.rejects.csv"), kept);
    // Fixed where it lies and imported by hand: what is still wrong stays
    // in the rejects folder under the same name, numbered; names never grow.
    let fixed = String::from_utf8(kept)
        .unwrap()
        .replace("2020-02-30", "2020-02-31");
    wd.write("inbox/rejects/day.rejects.csv", fixed);
    let again = wd
        .join("inbox/rejects/day.rejects.csv")
        .display()
        .to_string();
    wd.run(&["--today", T, "import", &again])
        .expect(1)
        .stderr_has("inbox/rejects/day.rejects-3.csv");
    let mut names: Vec<String> = std::fs::read_dir(wd.join("inbox/rejects"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["day.rejects-2.csv", "day.rejects-3.csv", "day.rejects.csv"]
    );
    // The inbox's *.csv is the log alone.
    let csvs: Vec<String> = std::fs::read_dir(wd.join("inbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(csvs, ["day.csv"]);
}

#[test]
fn a_pattern_that_matched_nothing_is_nothing_to_import() {
    let wd = small();
    let before = wd.read("visits.csv");
    let pattern = wd.join("inbox/*.csv").display().to_string();
    let run = wd.run(&["--today", T, "import", &pattern]).ok();
    assert_eq!(
        run.stderr(),
        format!("no file matches {pattern}: nothing to import from it\n")
    );
    assert!(run.stdout().contains("0 visits added"), "{}", run.stdout());
    assert_eq!(wd.read("visits.csv"), before);
    let zh = wd
        .run(&["--today", T, "--lang", "zh", "import", &pattern])
        .ok();
    assert!(zh.stderr().contains("没有与"), "{}", zh.stderr());
    // Beside a log that is there, the log is imported.
    wd.write("day.csv", "date,household\n2020-07-02,H1\n");
    let day = wd.join("day.csv").display().to_string();
    wd.run(&["--today", T, "import", &pattern, &day])
        .ok()
        .stdout_has("1 visit added");
    // A file named plainly that is not there is still an error.
    let missing = wd.join("nope.csv").display().to_string();
    wd.run(&["--today", T, "import", &missing])
        .expect(4)
        .stderr_has("nope.csv");
}

/// `persons` as hand-kept logs write it: "3人", full-width "３", "两人",
/// "十二" are numbers, stored as figures; anything else is rejected with
/// its line and the value as written.
#[test]
fn persons_as_hand_kept_logs_write_them() {
    let wd = community(
        "id,household,level\nR1,H1,red\nR2,H2,red\nR3,H3,red\nR4,H4,red\nR5,H5,red\n",
        "date,household,visitor,persons\n",
    );
    wd.write(
        "log.csv",
        "日期,户号,走访人,人数\n\
         2020-07-01,H1,王,3人\n\
         2020-07-01,H2,王,两人\n\
         2020-07-01,H3,王,３\n\
         2020-07-01,H4,王,十二\n\
         2020-07-01,H5,王,三个\n",
    );
    let run = wd.run(&["--today", T, "import", "log.csv"]).expect(1);
    run.stderr_has("log.csv:6")
        .stderr_has("persons '三个' is not a whole number");
    let rows = stored(&wd);
    let persons: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        persons,
        [("H1", "3"), ("H2", "2"), ("H3", "3"), ("H4", "12")]
    );
    // The person-times of July count them.
    let report = wd
        .run(&[
            "--today", T, "report", "--month", "2020-07", "--format", "json",
        ])
        .ok()
        .json();
    assert_eq!(report["person_times"], 20);
}
