//! Personal data and spreadsheet safety, format by format: names, phones
//! and ID numbers masked in every human output unless `--reveal`; cells a
//! spreadsheet would run as formulas written as text in every CSV the
//! tool writes (real negative numbers stay numbers) and as strings in
//! xlsx; the files the tool creates follow the umask, and a report with
//! `--reveal` is its owner's alone (tests/permissions.rs has the rest).

mod common;

use common::{Workdir, community};

const T: &str = "2020-07-31";

/// A community whose cells try every trick: a household id, grid and
/// worker that look like formulas, a room that is a negative number.
const RESIDENTS: &str = "id,household,name,level,grid,building,unit,room,phone,id_number,visitor,since\n\
    R1,=HYPERLINK(1),张三丰,red,+G1,@B1,-U,-12,13812345678,110101199001011234,@马,2020-01-01\n\
    R2,H2,李四,green,G2,B2,1,101,13900001111,110101198002023456,牛,\n";
const VISITS: &str = "date,household,visitor,kind,note,persons\n\
    2020-07-01,H2,=1+2,入户,正常,1\n";

const PERSONAL: [&str; 5] = [
    "张三丰",
    "13812345678",
    "110101199001011234",
    "13900001111",
    "110101198002023456",
];

/// What a command that succeeds prints: its data, on stdout, and nothing
/// on stderr (so what stdout lacks, the run never showed).
fn text_of(wd: &Workdir, args: &[&str]) -> String {
    let mut all = vec!["--today", T];
    all.extend(args);
    let run = wd.run(&all).ok().stderr_is_empty();
    run.stdout()
}

#[test]
fn due_table_masks_names_and_phones_unless_revealed() {
    let wd = community(RESIDENTS, VISITS);
    let out = text_of(&wd, &["due", "--all"]);
    assert!(out.contains("张** 138****5678"), "{out}");
    assert!(out.contains("李* 139****1111"), "{out}");
    for p in PERSONAL {
        assert!(!out.contains(p), "{p} in:\n{out}");
    }
    let out = text_of(&wd, &["due", "--all", "--reveal"]);
    assert!(out.contains("张三丰 13812345678"), "{out}");
    // ID numbers are in no output at all.
    assert!(!out.contains("1101011990"), "{out}");
    assert!(!out.contains("110***"), "{out}");
}

#[test]
fn machine_formats_of_due_carry_no_personal_field() {
    let wd = community(RESIDENTS, VISITS);
    for format in ["csv", "json"] {
        for reveal in [&[][..], &["--reveal"]] {
            let mut args = vec!["due", "--all", "--format", format];
            args.extend(reveal);
            let out = text_of(&wd, &args);
            for p in PERSONAL.iter().chain(&["张*", "138****"]) {
                assert!(!out.contains(p), "{p} in due --format {format}:\n{out}");
            }
        }
    }
}

#[test]
fn every_report_format_masks_names_unless_revealed() {
    let wd = community(RESIDENTS, VISITS);
    for format in ["table", "md", "html", "json"] {
        let out = text_of(&wd, &["report", "--month", "2020-07", "--format", format]);
        assert!(out.contains("张**"), "no masked name in {format}:\n{out}");
        for p in PERSONAL {
            assert!(!out.contains(p), "{p} in {format}:\n{out}");
        }
        let out = text_of(
            &wd,
            &[
                "report", "--month", "2020-07", "--format", format, "--reveal",
            ],
        );
        assert!(
            out.contains("张三丰"),
            "--reveal hides the name in {format}"
        );
        for p in &PERSONAL[1..] {
            assert!(!out.contains(p), "{p} in {format} --reveal");
        }
    }
    let csv = text_of(
        &wd,
        &[
            "report",
            "--month",
            "2020-07",
            "--format",
            "csv",
            "--section",
            "overdue",
        ],
    );
    assert!(csv.contains("张**"), "{csv}");
    assert!(!csv.contains("张三丰"), "{csv}");
    let xlsx = wd.join("r.xlsx");
    let xlsx_arg = xlsx.to_str().unwrap();
    for (reveal, shown, hidden) in [(false, "张**", "张三丰"), (true, "张三丰", "张**")] {
        let mut args = vec!["--today", T, "report", "--month", "2020-07", "-o", xlsx_arg];
        if reveal {
            args.push("--reveal");
        }
        wd.run(&args).ok();
        let cells = xlsx_strings(&xlsx);
        assert!(cells.iter().any(|c| c == shown), "{cells:?}");
        assert!(!cells.iter().any(|c| c.contains(hidden)), "{cells:?}");
        for p in &PERSONAL[1..] {
            assert!(!cells.iter().any(|c| c.contains(p)), "{p} in xlsx");
        }
        std::fs::remove_file(&xlsx).unwrap();
    }
}

/// Every string cell of every sheet; panics on a formula cell.
fn xlsx_strings(path: &std::path::Path) -> Vec<String> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in sheet {name}"
        );
        for row in book.worksheet_range(&name).unwrap().rows() {
            for cell in row {
                if let Data::String(s) = cell {
                    out.push(s.clone());
                }
            }
        }
    }
    out
}

#[test]
fn csv_cells_that_look_like_formulas_are_text_and_numbers_stay_numbers() {
    let wd = community(RESIDENTS, VISITS);
    let due = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok();
    let rows = due.csv();
    let first = rows
        .iter()
        .find(|r| r["household"].contains("HYPERLINK"))
        .unwrap();
    assert_eq!(first["household"], "'=HYPERLINK(1)");
    assert_eq!(first["grid"], "'+G1");
    assert_eq!(first["building"], "'@B1");
    assert_eq!(first["unit"], "'-U");
    assert_eq!(first["room"], "-12");
    assert_eq!(first["visitor"], "'@马");
    // Each report section the same way.
    for section in ["grids", "workers", "overdue"] {
        let run = wd
            .run(&[
                "--today",
                T,
                "report",
                "--month",
                "2020-07",
                "--format",
                "csv",
                "--section",
                section,
            ])
            .ok();
        for row in run.csv() {
            for (k, v) in row {
                let risky = v.starts_with(['=', '+', '@', '\t', '\r'])
                    || (v.starts_with('-') && v.parse::<f64>().is_err());
                assert!(!risky, "{section}: {k} = {v:?}");
            }
        }
        if section == "workers" {
            assert!(run.stdout().contains("'=1+2"), "{}", run.stdout());
        }
    }
    // In a workbook they are strings, never formulas.
    let xlsx = wd.join("r.xlsx");
    wd.run(&[
        "--today",
        T,
        "report",
        "--month",
        "2020-07",
        "-o",
        xlsx.to_str().unwrap(),
    ])
    .ok();
    let cells = xlsx_strings(&xlsx);
    assert!(cells.iter().any(|c| c == "=HYPERLINK(1)"), "{cells:?}");
}

#[test]
fn import_stores_formula_looking_text_as_text_and_stays_idempotent() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.csv",
        "date,household,visitor,kind,note,persons\n\
         2020-07-20,H2,@王,+电话,\"=HYPERLINK(\"\"http://x\"\")\",1\n\
         2020-07-21,H2,王,入户,-5,2\n\
         2020-07-22,H2,-1+1,\"\t=cmd\",note,0\n\
         2020-02-30,H2,=bad,,,-3\n",
    );
    let log = wd.join("log.csv").display().to_string();
    wd.run(&["--today", T, "import", &log]).expect(1);
    let stored = String::from_utf8(wd.read("visits.csv")).unwrap();
    let lines: Vec<&str> = stored.lines().collect();
    assert_eq!(
        lines[2..],
        [
            "2020-07-20,H2,'@王,'+电话,\"'=HYPERLINK(\"\"http://x\"\")\",1",
            "2020-07-21,H2,王,入户,-5,2",
            "2020-07-22,H2,'-1+1,'=cmd,note,0",
        ]
    );
    // The same log again adds nothing, and neither does a hand-typed
    // store whose visitor was written without the apostrophe.
    wd.run(&["--today", T, "import", &log]).expect(1);
    assert_eq!(String::from_utf8(wd.read("visits.csv")).unwrap(), stored);
    // Read back, the texts are as typed: the apostrophe is for spreadsheets.
    let history = wd
        .run(&["--today", T, "history", "H2", "--format", "json"])
        .ok()
        .stdout();
    for typed in ["@王", "+电话", "-1+1", "=cmd"] {
        assert!(
            history.contains(&format!("\"{typed}\"")),
            "{typed}: {history}"
        );
        assert!(
            !history.contains(&format!("'{typed}")),
            "{typed}: {history}"
        );
    }
    let report = wd
        .run(&[
            "--today", T, "report", "--month", "2020-07", "--format", "json",
        ])
        .ok()
        .json();
    let by_visitor = report["visits_by_visitor"].as_object().unwrap();
    assert!(by_visitor.contains_key("@王"), "{by_visitor:?}");
    assert!(
        !by_visitor.keys().any(|k| k.starts_with('\'')),
        "{by_visitor:?}"
    );
    wd.write("visits.csv", "date,household,visitor\n2020-07-20,H2,@王\n");
    wd.write("again.csv", "date,household,visitor\n2020-07-20,H2,@王\n");
    let again = wd.join("again.csv").display().to_string();
    wd.run(&["--today", T, "import", &again])
        .ok()
        .stdout_has("1 duplicate skipped");
    // The rejects file is for a spreadsheet too.
    let rejects = String::from_utf8(wd.read("rejects/log.rejects.csv")).unwrap();
    assert!(rejects.contains(",'=bad,"), "{rejects}");
    assert!(rejects.contains(",-3"), "{rejects}");
    assert!(!rejects.contains(",=bad"), "{rejects}");
}

#[cfg(unix)]
#[test]
fn files_the_tool_creates_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let wd = community(RESIDENTS, VISITS);
    // What the umask of this process (and of the rounds it runs) leaves
    // of 0666: the mode of any new file.
    wd.write("probe", "");
    let usual = mode(&wd.join("probe"));
    std::fs::remove_file(wd.join("visits.csv")).unwrap();
    wd.write("log.csv", "date,household\n2020-07-20,H2\n2020-02-30,H2\n");
    let log = wd.join("log.csv").display().to_string();
    wd.run(&["--today", T, "import", &log]).expect(1);
    assert_eq!(mode(&wd.join("visits.csv")), usual, "a new visits.csv");
    assert_eq!(mode(&wd.join("rejects/log.rejects.csv")), usual, "rejects");
    for ext in ["md", "html", "json", "csv", "xlsx", "txt"] {
        let out = wd.join(&format!("report.{ext}"));
        let mut args = vec!["--today", T, "report", "--month", "2020-07"];
        if ext == "txt" {
            args.extend(["--format", "table"]);
        }
        args.extend(["-o", out.to_str().unwrap()]);
        wd.run(&args).ok();
    }
    // csv writes one file per section (report-grids.csv, …).
    let reports: Vec<_> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("report")
        })
        .collect();
    assert_eq!(reports.len(), 5 + 5, "{reports:?}");
    for p in reports {
        assert_eq!(mode(&p), usual, "{}", p.display());
    }
    // With names and phones in full, a report is its owner's alone.
    let revealed = wd.join("revealed.html");
    wd.run(&[
        "--today",
        T,
        "report",
        "--month",
        "2020-07",
        "--reveal",
        "-o",
        revealed.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(mode(&revealed), 0o600, "a report with --reveal");
    let fresh = wd.join("fresh");
    wd.run(&["init", fresh.to_str().unwrap()]).ok();
    for f in ["residents.csv", "visits.csv", "rounds.toml"] {
        assert_eq!(mode(&fresh.join(f)), usual, "init {f}");
    }
}

#[test]
fn messages_show_ids_never_personal_fields() {
    let wd = Workdir::new();
    // Columns shifted by one: phones where the building belongs, names
    // where the level belongs, an ID number in a date column.
    wd.write(
        "residents.csv",
        "id,household,level,grid,building,since\n\
         R1,H1,red,G1,B1,\n\
         R2,H1,green,G1,13812345678,\n\
         R3,H3,张三丰,G1,B1,\n\
         R4,H4,red,G1,B1,110101199001011234\n",
    );
    wd.write(
        "visits.csv",
        "date,household,persons\n13900001111,H1,\n2020-07-01,H1,110101198002023456\n",
    );
    let mut run = wd.run(&["--today", T, "check"]).expect(3);
    for p in PERSONAL {
        run = run.never_says(p);
    }
    let out = run.stdout();
    for line in [
        "residents.csv:3: warning",
        "residents.csv:4: error",
        "residents.csv:5: error",
    ] {
        assert!(out.contains(line), "{line} missing in:\n{out}");
    }
    let due = wd.run(&["--today", T, "due"]).expect(3);
    for p in PERSONAL {
        assert!(!due.stderr().contains(p), "{p} in:\n{}", due.stderr());
    }
}

#[test]
fn a_visit_from_the_command_line_is_stored_the_same_way() {
    let wd = community(RESIDENTS, VISITS);
    let args = [
        "--today",
        T,
        "visit",
        "H2",
        "--date",
        "2020-07-30",
        "--visitor",
        "@王",
        "--note",
        "=SUM(1)",
        "--kind=-电话",
    ];
    wd.run(&args).ok();
    let stored = String::from_utf8(wd.read("visits.csv")).unwrap();
    assert!(
        stored.ends_with("2020-07-30,H2,'@王,'-电话,'=SUM(1),\n"),
        "{stored}"
    );
    wd.run(&args).ok();
    assert_eq!(String::from_utf8(wd.read("visits.csv")).unwrap(), stored);
}

/// A phone or ID number typed into a visit's note, kind or visitor (or a
/// worker's name in the needs ledger) is masked by `history` and `report`
/// in every format unless `--reveal`, as a need's text is; other numbers
/// (amounts, rooms, dates) stay; visits.csv keeps what was written.
#[test]
fn numbers_typed_into_visit_texts_are_masked_unless_revealed() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,name,level,grid,building,visitor\n\
         R1,H1,张三,red,G1,B1,王芳\n\
         R2,H2,李四,green,G1,B1,王芳13600004444\n",
    );
    wd.write(
        "visits.csv",
        "date,household,visitor,kind,note,persons\n\
         2020-07-01,H1,王芳15900002222,电话13700003333,请回电13812345678 身份证11010119900101123X,1\n\
         2020-07-02,H1,王芳,入户,补贴 1200 元 3号楼2-1001 2020-07-02,1\n",
    );
    wd.write(
        "needs.csv",
        "id,household,raised,raised_by,category,text,status\n\
         N0001,H1,2020-07-01,王芳15900002222,其他,修灯,open\n",
    );
    let stored = wd.read("visits.csv");
    let full = [
        "15900002222",
        "13700003333",
        "13812345678",
        "11010119900101123X",
        "13600004444",
    ];
    let masked = [
        "159****2222",
        "137****3333",
        "138****5678",
        "110***********123X",
    ];
    let plain = "补贴 1200 元 3号楼2-1001 2020-07-02";
    let history = |format: &str, reveal: bool| {
        let mut args = vec!["history", "H1", "--format", format];
        if reveal {
            args.push("--reveal");
        }
        text_of(&wd, &args)
    };
    for format in ["table", "csv", "json"] {
        let out = history(format, false);
        for m in masked {
            assert!(out.contains(m), "no {m} in history {format}:\n{out}");
        }
        assert!(out.contains(plain), "history {format}:\n{out}");
        for p in full {
            assert!(!out.contains(p), "{p} in history {format}:\n{out}");
        }
        let out = history(format, true);
        for p in &full[..4] {
            assert!(out.contains(p), "{p} hidden by history {format} --reveal");
        }
    }

    // The report names workers: the log's visitor, the worker in charge,
    // the worker of a need.
    let report = |format: &str, reveal: bool| {
        let mut args = vec!["report", "--month", "2020-07", "--format", format];
        if reveal {
            args.push("--reveal");
        }
        text_of(&wd, &args)
    };
    for format in ["table", "md", "html", "json"] {
        let out = report(format, false);
        assert!(out.contains("王芳159****2222"), "report {format}:\n{out}");
        assert!(out.contains("王芳136****4444"), "report {format}:\n{out}");
        for p in full {
            assert!(!out.contains(p), "{p} in report {format}:\n{out}");
        }
        let out = report(format, true);
        assert!(out.contains("王芳15900002222"), "report {format} --reveal");
        assert!(out.contains("王芳13600004444"), "report {format} --reveal");
    }
    let json: serde_json::Value = serde_json::from_str(&report("json", false)).unwrap();
    assert_eq!(json["visits_by_visitor"]["王芳159****2222"], 1);
    let csv = wd.join("out/r.csv");
    std::fs::create_dir_all(csv.parent().unwrap()).unwrap();
    let xlsx = wd.join("out/r.xlsx");
    for reveal in [false, true] {
        for file in [&csv, &xlsx] {
            let mut args = vec!["--today", T, "report", "--month", "2020-07"];
            args.extend(["-o", file.to_str().unwrap()]);
            if reveal {
                args.push("--reveal");
            }
            wd.run(&args).ok();
        }
        let mut texts = xlsx_strings(&xlsx);
        for entry in std::fs::read_dir(wd.join("out")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                texts.push(std::fs::read_to_string(&path).unwrap());
            }
        }
        let all = texts.join("\n");
        assert_eq!(all.contains("王芳159****2222"), !reveal, "{all}");
        assert_eq!(all.contains("王芳15900002222"), reveal, "{all}");
        assert_eq!(all.contains("13600004444"), reveal, "{all}");
        std::fs::remove_dir_all(wd.join("out")).unwrap();
        std::fs::create_dir_all(wd.join("out")).unwrap();
    }
    assert_eq!(wd.read("visits.csv"), stored);
}
