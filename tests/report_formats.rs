//! `rounds report` in every format, read back: the numbers each format
//! holds are the JSON's, and the JSON's add up.

mod common;

use std::collections::BTreeMap;

use common::{Workdir, example_copy};
use serde_json::Value;

const T: &str = "2020-07-20";

fn json(wd: &Workdir, span: &[&str]) -> Value {
    let mut args = vec!["--today", T, "report", "--format", "json"];
    args.extend_from_slice(span);
    wd.run(&args).ok().json()
}

fn sum(v: &Value) -> u64 {
    v.as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum()
}

#[test]
fn json_figures_add_up() {
    let wd = example_copy("nongjiang");
    for span in [
        vec!["--month", "2020-06"],
        vec!["--month", "2020-02"],
        vec!["--quarter", "2020-Q2"],
        vec!["--half", "2020-H1"],
        vec!["--year", "2020"],
    ] {
        let r = json(&wd, &span);
        let what = span.join(" ");
        assert_eq!(r["schema_version"], 1, "{what}");
        let visits = r["visits"].as_u64().unwrap();
        assert_eq!(sum(&r["visits_by_grid"]), visits, "{what}");
        assert_eq!(sum(&r["visits_by_visitor"]), visits, "{what}");
        // A column of a per-row section, added up.
        let column = |section: &str, key: &str| -> u64 {
            r[section]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row[key].as_u64().unwrap())
                .sum()
        };
        assert_eq!(column("grids", "visits"), visits, "{what}");
        assert_eq!(
            column("grids", "households"),
            sum(&r["households"]),
            "{what}"
        );
        assert_eq!(column("workers", "visits"), visits, "{what}");
        assert_eq!(
            column("workers", "households_in_charge"),
            sum(&r["households"]),
            "{what}"
        );
        let grids = r["grids"].as_array().unwrap();
        assert_eq!(
            r["overdue_list"].as_array().unwrap().len() as u64,
            sum(&r["overdue"]),
            "{what}"
        );
        for level in ["red", "orange", "yellow", "green"] {
            let c = &r["compliance"][level];
            assert!(
                c["met"].as_u64() <= c["required"].as_u64(),
                "{what} {level}"
            );
            let per_grid: u64 = grids
                .iter()
                .map(|g| g["compliance"][level]["required"].as_u64().unwrap())
                .sum();
            assert_eq!(per_grid, c["required"].as_u64().unwrap(), "{what} {level}");
        }
        // Six months for a month, else the span's own months to today.
        let months = match span[1] {
            "2020-Q2" => 3,
            "2020" => 7,
            _ => 6,
        };
        assert_eq!(r["trend"].as_array().unwrap().len(), months, "{what}");
    }
}

#[test]
fn longer_spans_sum_their_months() {
    let wd = example_copy("nongjiang");
    let q = json(&wd, &["--quarter", "2020-Q2"]);
    assert_eq!(q["period"]["label"], "2020-Q2");
    assert!(q.get("month").is_none(), "month is for month reports");
    let months: Vec<Value> = ["2020-04", "2020-05", "2020-06"]
        .iter()
        .map(|m| json(&wd, &["--month", m]))
        .collect();
    assert_eq!(
        q["visits"].as_u64().unwrap(),
        months
            .iter()
            .map(|m| m["visits"].as_u64().unwrap())
            .sum::<u64>()
    );
    assert_eq!(
        q["person_times"].as_u64().unwrap(),
        months
            .iter()
            .map(|m| m["person_times"].as_u64().unwrap())
            .sum::<u64>()
    );
    // Red weeks and orange months of the quarter are those of its months;
    // yellow and green periods end in June.
    for level in ["red", "orange", "yellow", "green"] {
        let months_required: u64 = months
            .iter()
            .map(|m| m["compliance"][level]["required"].as_u64().unwrap())
            .sum();
        assert_eq!(
            q["compliance"][level]["required"].as_u64().unwrap(),
            months_required,
            "{level}"
        );
    }
    // The trend is the quarter's months, each the month's own report.
    let june = &months[2];
    assert_eq!(q["trend"].as_array().unwrap().len(), 3);
    for (m, row) in months.iter().zip(q["trend"].as_array().unwrap()) {
        assert_eq!(row["month"], m["month"]);
        assert_eq!(row["visits"], m["visits"]);
    }
    let last = &q["trend"][2];
    assert_eq!(last["month"], "2020-06");
    assert_eq!(last["visits"], june["visits"]);
    assert_eq!(last["compliance"], june["compliance"]);
    // A year in progress is as of today.
    let y = json(&wd, &["--year", "2020"]);
    assert_eq!(
        (y["as_of"].as_str(), y["period"]["last"].as_str()),
        (Some(T), Some("2020-12-31"))
    );
    wd.run(&["--today", T, "report", "--quarter", "2020-Q5"])
        .expect(2)
        .stderr_has("YYYY-Qn");
    wd.run(&["--today", T, "report", "--year", "2021"])
        .expect(2)
        .stderr_has("after today");
    wd.run(&[
        "--today", T, "report", "--month", "2020-06", "--year", "2020",
    ])
    .expect(2);
}

#[test]
fn names_in_the_overdue_list_are_masked_unless_revealed() {
    let wd = example_copy("nongjiang");
    let masked = json(&wd, &["--month", "2020-06"]);
    let contacts: Vec<&str> = masked["overdue_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["contact"].as_str().unwrap())
        .collect();
    assert!(!contacts.is_empty());
    assert!(
        contacts
            .iter()
            .all(|c| c.chars().skip(1).all(|ch| ch == '*')),
        "{contacts:?}"
    );
    let revealed = json(&wd, &["--month", "2020-06", "--reveal"]);
    let first = revealed["overdue_list"][0]["contact"].as_str().unwrap();
    assert!(!first.contains('*'));
    assert_eq!(first.chars().next(), contacts[0].chars().next());
}

/// Every section of a csv report parses, with its machine header.
#[test]
fn csv_sections() {
    let wd = example_copy("nongjiang");
    let r = json(&wd, &["--month", "2020-06"]);
    let section = |name: &str| {
        wd.run(&[
            "--today",
            T,
            "report",
            "--month",
            "2020-06",
            "--format",
            "csv",
            "--section",
            name,
        ])
        .ok()
        .csv()
    };
    let summary = section("summary");
    let get = |metric: &str, level: &str| {
        summary
            .iter()
            .find(|r| r["metric"] == metric && r["level"] == level)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(get("visits", ""), r["visits"].to_string());
    assert_eq!(
        get("required", "red"),
        r["compliance"]["red"]["required"].to_string()
    );
    let grids = section("grids");
    assert_eq!(grids.len(), r["grids"].as_array().unwrap().len());
    assert_eq!(
        grids
            .iter()
            .map(|g| g["visits"].parse::<u64>().unwrap())
            .sum::<u64>(),
        r["visits"].as_u64().unwrap()
    );
    let overdue = section("overdue");
    assert_eq!(overdue.len() as u64, sum(&r["overdue"]));
    assert!(
        overdue
            .iter()
            .all(|o| ["red", "orange", "yellow", "green"].contains(&o["level"].as_str()))
    );
    assert_eq!(section("trend").len(), 6);
    assert!(section("workers")[0].contains_key("households_in_charge"));
    // -o FILE.csv without --section: one file per section.
    let out = wd.join("june.csv");
    wd.run(&[
        "--today",
        T,
        "report",
        "--month",
        "2020-06",
        "-o",
        out.to_str().unwrap(),
    ])
    .ok();
    for s in ["summary", "grids", "workers", "overdue", "trend"] {
        assert!(wd.join(&format!("june-{s}.csv")).exists(), "{s}");
    }
}

/// A sheet's XML inside a workbook (sheets are numbered in order).
fn sheet_xml(path: &std::path::Path, index: usize) -> String {
    part_xml(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

fn part_xml(path: &std::path::Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The attributes of each element `name` of an XML text, and its text.
fn elements(xml: &str, name: &str) -> Vec<(BTreeMap<String, String>, String)> {
    use quick_xml::events::Event;
    use quick_xml::{Reader, XmlVersion};
    let mut reader = Reader::from_str(xml);
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if AsRef::<str>::as_ref(&e.name()) == name => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            AsRef::<str>::as_ref(&a.key).to_string(),
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                found.push((attrs, String::new()));
                open = Some(found.len() - 1);
            }
            Event::Text(t) => {
                if let Some(i) = open {
                    found[i].1.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(i) = open {
                    found[i].1.push_str(match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        _ => "'",
                    });
                }
            }
            Event::End(_) => open = None,
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// The Excel serial number of a day.
fn serial(date: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (d - epoch).num_days() as f64
}

/// The workbook is a spreadsheet: the JSON's numbers as numbers, dates
/// as date cells (an empty cell where there is none, never a dash), each
/// table under a frozen header with an autofilter, a total row on the
/// grid and worker sheets, and every sheet printing landscape on A4, one
/// page wide, with its title rows repeated and page numbers.
#[test]
fn xlsx_is_a_spreadsheet() {
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
    let wd = example_copy("nongjiang");
    let r = json(&wd, &["--month", "2020-06"]);
    let path = wd.join("june.xlsx");
    let run = wd
        .run(&[
            "--today",
            T,
            "--lang",
            "zh",
            "report",
            "--month",
            "2020-06",
            "-o",
            path.to_str().unwrap(),
        ])
        .ok();
    run.stdout_has("june.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "概况",
            "分等级完成情况",
            "分网格情况",
            "工作人员走访情况",
            "逾期及从未走访住户",
            "近六个月走访趋势",
            // The example keeps a needs ledger.
            "诉求办理情况（分类别）",
            "诉求办理情况（分网格）",
            "服务次数与效果",
            // And a roster history with changes in June.
            "等级调整与负责人交接",
            "名册变更明细",
            // And a workers.csv with party branches and groups.
            "党支部服务次数与效果",
            "党小组服务次数与效果",
            // And residents with special groups.
            "重点人群"
        ]
    );
    // The list's dates are dates.
    let list = book.worksheet_range("名册变更明细").unwrap();
    let first = (0..list.height() as u32)
        .find(|&r| matches!(list.get_value((r, 0)), Some(Data::DateTime(_))))
        .expect("a date cell in the change list");
    assert!(matches!(list.get_value((first, 2)), Some(Data::String(s)) if s.starts_with("NJ")));
    let sheet = |book: &mut Xlsx<_>, name: &str| book.worksheet_range(name).unwrap();
    let at = |range: &calamine::Range<Data>, row: u32, col: u32| {
        range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    };
    // The overview: the as-of date as a date, each figure beside its
    // counts and what it means.
    let overview = sheet(&mut book, "概况");
    assert!(matches!(at(&overview, 1, 1), Data::DateTime(d) if d.as_f64() == serial("2020-06-30")));
    let figure = |label: &str| -> Vec<Data> {
        let row = (0..overview.height() as u32)
            .find(|row| at(&overview, *row, 0) == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no {label}"));
        (1..5).map(|col| at(&overview, row, col)).collect()
    };
    assert_eq!(
        figure("走访户次")[0],
        Data::Float(r["visits"].as_f64().unwrap())
    );
    assert_eq!(
        figure("走访人次")[0],
        Data::Float(r["person_times"].as_f64().unwrap())
    );
    let coverage = figure("走访覆盖率");
    assert_eq!(
        coverage[..3],
        [
            Data::Float(r["coverage"]["rate"].as_f64().unwrap()),
            Data::Float(r["coverage"]["visited"].as_f64().unwrap()),
            Data::Float(r["coverage"]["households"].as_f64().unwrap()),
        ]
    );
    assert!(matches!(&coverage[3], Data::String(s) if s.contains("在册户数")));
    // The level table: header on row 3 (0-based 2), red below it.
    let summary = sheet(&mut book, "分等级完成情况");
    assert_eq!(at(&summary, 2, 0), Data::String("关注等级".into()));
    assert_eq!(at(&summary, 3, 0), Data::String("红".into()));
    assert_eq!(
        at(&summary, 3, 3),
        Data::Float(r["compliance"]["red"]["required"].as_f64().unwrap())
    );
    // The overdue list: ids are text; last visit and deadline date cells
    // or empty, never a dash or a word.
    let overdue = sheet(&mut book, "逾期及从未走访住户");
    let list = r["overdue_list"].as_array().unwrap();
    assert_eq!(overdue.height() - 3, list.len());
    for (k, o) in list.iter().enumerate() {
        let row = 3 + k as u32;
        assert_eq!(
            at(&overdue, row, 0),
            Data::String(o["household"].as_str().unwrap().into())
        );
        for (col, key) in [(5, "last_visit"), (6, "deadline")] {
            match (o[key].as_str(), at(&overdue, row, col)) {
                (Some(day), Data::DateTime(d)) => assert_eq!(d.as_f64(), serial(day), "{key}"),
                (None, Data::Empty) => {}
                (want, got) => panic!("row {row} {key}: {want:?} written as {got:?}"),
            }
        }
    }
    assert!(
        list.iter().any(|o| o["deadline"].is_null()),
        "a −∞ deadline is shown"
    );
    assert!(list.iter().any(|o| o["last_visit"].is_string()));
    // The trend's months are dates too, shown as months.
    let trend = sheet(&mut book, "近六个月走访趋势");
    assert!(matches!(at(&trend, 3, 0), Data::DateTime(d) if d.as_f64() == serial("2020-01-01")));
    assert_eq!(
        at(&trend, 8, 1),
        Data::Float(r["trend"][5]["visits"].as_f64().unwrap())
    );
    // The grid and worker sheets end with their totals.
    for (name, column, total) in [
        ("分网格情况", 2, r["visits"].as_f64().unwrap()),
        ("分网格情况", 1, sum(&r["households"]) as f64),
        ("工作人员走访情况", 1, r["visits"].as_f64().unwrap()),
        ("工作人员走访情况", 2, sum(&r["households"]) as f64),
    ] {
        let range = sheet(&mut book, name);
        let last = range.height() as u32 - 1;
        assert_eq!(at(&range, last, 0), Data::String("合计".into()), "{name}");
        assert_eq!(at(&range, last, column), Data::Float(total), "{name}");
        let rows: f64 = (3..last)
            .map(|row| at(&range, row, column).as_f64().unwrap())
            .sum();
        assert_eq!(rows, total, "{name}");
    }
    let grids = sheet(&mut book, "分网格情况");
    let last = grids.height() as u32 - 1;
    let rate = at(&grids, last, 7).as_f64().unwrap();
    let all = r["compliance"].as_object().unwrap();
    let (met, required) = all.values().fold((0.0, 0.0), |(m, q), c| {
        (
            m + c["met"].as_f64().unwrap(),
            q + c["required"].as_f64().unwrap(),
        )
    });
    assert!((rate - met / required).abs() < 1e-9, "{rate}");
    // Dates are numbers in a date style, not text.
    let styles = part_xml(&path, "xl/styles.xml");
    let formats: Vec<String> = elements(&styles, "numFmt")
        .into_iter()
        .map(|(a, _)| a["formatCode"].clone())
        .collect();
    assert!(formats.iter().any(|f| f == "yyyy-mm-dd"), "{formats:?}");
    assert!(formats.iter().any(|f| f == "yyyy-mm"), "{formats:?}");
    // Frozen headers, autofilters and the page setup, sheet by sheet.
    let workbook = part_xml(&path, "xl/workbook.xml");
    let titles: Vec<(BTreeMap<String, String>, String)> = elements(&workbook, "definedName")
        .into_iter()
        .filter(|(a, _)| a["name"] == "_xlnm.Print_Titles")
        .collect();
    assert_eq!(titles.len(), names.len(), "{titles:?}");
    for (i, name) in names.iter().enumerate() {
        let xml = sheet_xml(&path, i);
        let header = if i == 0 { 5 } else { 3 };
        let pane = &elements(&xml, "pane")[0].0;
        assert_eq!(
            (pane["ySplit"].as_str(), pane["state"].as_str()),
            (header.to_string().as_str(), "frozen"),
            "{name}"
        );
        let filter = &elements(&xml, "autoFilter")[0].0["ref"];
        assert!(
            filter.starts_with(&format!("A{header}:")),
            "{name}: {filter}"
        );
        let setup = &elements(&xml, "pageSetup")[0].0;
        assert_eq!(setup["paperSize"], "9", "{name}");
        assert_eq!(setup["orientation"], "landscape", "{name}");
        assert_eq!(setup["fitToHeight"], "0", "{name}");
        assert_eq!(
            elements(&xml, "pageSetUpPr")[0].0["fitToPage"],
            "1",
            "{name}"
        );
        let footer = &elements(&xml, "oddFooter")[0].1;
        assert!(
            footer.contains("&P") && footer.contains("&N"),
            "{name}: {footer}"
        );
        let title = titles
            .iter()
            .find(|(a, _)| a["localSheetId"] == i.to_string())
            .unwrap();
        assert!(
            title.1.ends_with(&format!("!$1:${header}")),
            "{name}: {title:?}"
        );
    }
}

/// The HTML is well-formed (it parses as XML) and holds three SVG charts.
#[test]
fn html_is_well_formed_with_charts() {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let wd = example_copy("nongjiang");
    for lang in ["zh", "en"] {
        let path = wd.join(&format!("june-{lang}.html"));
        wd.run(&[
            "--today",
            T,
            "--lang",
            lang,
            "report",
            "--month",
            "2020-06",
            "-o",
            path.to_str().unwrap(),
        ])
        .ok();
        let html = String::from_utf8(wd.read(&format!("june-{lang}.html"))).unwrap();
        let body = html.strip_prefix("<!DOCTYPE html>\n").expect("a doctype");
        let mut reader = Reader::from_str(body);
        let mut stack: Vec<String> = Vec::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        loop {
            match reader
                .read_event()
                .unwrap_or_else(|e| panic!("{lang}: not well-formed: {e}"))
            {
                Event::Start(e) => {
                    let name = AsRef::<str>::as_ref(&e.name()).to_string();
                    *counts.entry(name.clone()).or_default() += 1;
                    stack.push(name);
                }
                Event::Empty(e) => {
                    let name = AsRef::<str>::as_ref(&e.name()).to_string();
                    *counts.entry(name).or_default() += 1;
                }
                Event::End(e) => {
                    let name = AsRef::<str>::as_ref(&e.name()).to_string();
                    assert_eq!(
                        stack.pop().as_deref(),
                        Some(name.as_str()),
                        "{lang}: unbalanced"
                    );
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(stack.is_empty(), "{lang}: unclosed {stack:?}");
        assert_eq!(counts.get("svg"), Some(&3), "{lang}: three charts");
        assert!(counts.get("rect").is_some_and(|n| *n > 10), "{lang}: bars");
        assert!(!html.contains("<script"), "self-contained, no script");
        // Nothing fetched: the only address is the SVG namespace.
        assert!(!html.contains("https://"));
        assert_eq!(
            html.matches("http://").count(),
            html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        if lang == "zh" {
            assert!(html.contains("农江社区 2020年6月走访工作报告"));
            assert!(html.contains("各等级完成率"));
        } else {
            assert!(html.contains("Visits report, June 2020"));
            assert!(html.contains("Compliance by level"));
        }
    }
}

#[test]
fn markdown_and_table_in_both_languages() {
    let wd = example_copy("nongjiang");
    let r = json(&wd, &["--month", "2020-06"]);
    let md = wd
        .run(&[
            "--today", T, "--lang", "zh", "report", "--month", "2020-06", "--format", "md",
        ])
        .ok()
        .stdout();
    assert!(md.starts_with("# 农江社区 2020年6月走访工作报告\n"), "{md}");
    assert!(md.contains(&format!("- 走访户次: **{}**", r["visits"])));
    assert!(md.contains(&format!("- 走访人次: **{}**", r["person_times"])));
    assert!(md.contains("| 关注等级 | 在册户数 |"));
    // Every line of a table has as many cells as its header.
    let lines: Vec<&str> = md.lines().collect();
    for block in lines
        .split(|l| !l.starts_with('|'))
        .filter(|b| !b.is_empty())
    {
        let width = block[0].matches(" | ").count();
        assert!(block[1].starts_with("| ---"), "{block:?}");
        for line in block {
            assert_eq!(line.matches(" | ").count(), width, "{line}");
        }
    }
    let md_en = wd
        .run(&[
            "--today", T, "--lang", "en", "report", "--month", "2020-06", "--format", "md",
        ])
        .ok()
        .stdout();
    assert!(md_en.contains("## By grid"));
    wd.run(&["--today", T, "--lang", "en", "report", "--month", "2020-06"])
        .ok()
        .stdout_has("Visits report, June 2020")
        .stdout_has(&format!("visits {}", r["visits"]));
    // The locale picks the language when nothing else does.
    let args: Vec<String> = [
        "--data",
        wd.path().to_str().unwrap(),
        "--today",
        T,
        "report",
        "--month",
        "2020-06",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let zh = wd.run_raw(&args, &[("LANG", "zh_CN.UTF-8")]);
    assert!(zh.stdout().contains("走访工作报告"), "{}", zh.stdout());
}

#[test]
fn output_files_follow_the_umask_and_are_whole() {
    let wd = example_copy("nongjiang");
    let path = wd.join("r.json");
    wd.run(&[
        "--today",
        T,
        "report",
        "--month",
        "2020-06",
        "-o",
        path.to_str().unwrap(),
    ])
    .ok();
    let v: Value = serde_json::from_slice(&wd.read("r.json")).unwrap();
    assert_eq!(v["month"], "2020-06");
    #[cfg(unix)]
    {
        // A new report follows the umask, as a file written here does.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode();
        wd.write("probe", "");
        assert_eq!(mode(&path) & 0o777, mode(&wd.join("probe")) & 0o777);
    }
    wd.run(&[
        "--today",
        T,
        "report",
        "-o",
        wd.join("r.pdf").to_str().unwrap(),
    ])
    .expect(2)
    .stderr_has("extension");
    // `due` writes html as a round sheet; `check` writes no page.
    wd.run(&["--today", T, "check", "--format", "html"])
        .expect(2)
        .stderr_has("--format html is not for this command");
}
