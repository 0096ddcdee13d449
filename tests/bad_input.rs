//! The corpus of bad input under tests/bad/ (its README.md has the table):
//! every case goes through `check`, `due`, `report` and `import`, each run
//! under a 1 GiB address-space limit. Whatever the case, no command
//! panics, an error names its file and line, a failed command leaves every
//! file of the data directory as it was, and no output shows a resident's
//! name, phone or ID number in full.
//!
//! A file named `residents-*` stands in for the roster of a small clean
//! community, `visits-*` for its visit log, and `log-*` is imported into
//! it. Cases too big to commit (a 10 MB cell, 100,000 columns) are made
//! here.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Workdir;

const TODAY: &str = "2020-07-31";

const ROSTER: &str = "id,household,name,level,grid,building,phone,id_number,since,until\n\
    R1,H1,张三,red,G1,B1,13812345678,110101199001011234,2020-01-01,\n\
    R2,H1,李四,green,G1,B1,,,,\n\
    R3,H2,王五,yellow,G2,B2,13900001111,,,\n";
const VISITS: &str = "date,household,visitor,kind,note,persons\n2020-07-01,H1,马,入户,正常,2\n";
const GOOD_LOG: &str = "date,household,visitor\n2020-07-20,H2,牛\n";

/// What no output may show without `--reveal`.
const PERSONAL: [&str; 4] = ["张三", "13812345678", "110101199001011234", "13900001111"];

/// What the tool must do with a case.
#[derive(Clone, Copy)]
enum Must {
    /// A roster or visit log the tool reads: every command succeeds; the
    /// texts are warnings `check` prints, as `LINE: warning: TEXT`.
    Accept(&'static [(u64, &'static str)]),
    /// A data file with errors: `check`, `due`, `report` and `import` exit
    /// with 3 and print `FILE:LINE: error: TEXT` (no line for the whole
    /// file: 0; on stdout for `check`, whose findings are its output, on
    /// stderr for the others), and change nothing.
    Refuse(u64, &'static str),
    /// Rows of the stored visit log with errors: `check`, `due` and
    /// `report` refuse as above; `import` reads only the keys of stored
    /// visits (to skip repeats), so it still appends, and the error stays
    /// for `check` to report.
    RefuseRows(u64, &'static str),
    /// A log to import: the exit status, the messages it prints (`LINE:
    /// rejected: TEXT`, or an error, on stderr; line 0: its summary, on
    /// stdout), how many visits it adds.
    Import {
        status: i32,
        says: &'static [(u64, &'static str)],
        added: usize,
    },
}

use Must::*;

const FORMS: &str = "is not a date (use YYYY-MM-DD";

const CASES: &[(&str, Must)] = &[
    (
        "residents-binary.csv",
        Refuse(1, "missing columns id, level"),
    ),
    ("residents-cr-line-ends.csv", Accept(&[])),
    ("residents-date-9999.csv", Accept(&[])),
    (
        "residents-date-compact-month13.csv",
        Refuse(2, "invalid date '20201301' in since: no such day"),
    ),
    (
        "residents-date-feb30.csv",
        Refuse(2, "invalid date '2020-02-30' in since: no such day"),
    ),
    (
        "residents-date-month13.csv",
        Refuse(2, "invalid date '2020-13-01' in since: no such day"),
    ),
    (
        "residents-date-year0.csv",
        Refuse(2, "since '0000-01-01': the year is out of range"),
    ),
    (
        "residents-duplicate-alias-headers.csv",
        Refuse(1, "columns 'level' and '等级' both mean level; keep one"),
    ),
    (
        "residents-duplicate-headers.csv",
        Refuse(1, "columns 'id' and 'ID' both mean id; keep one"),
    ),
    (
        "residents-duplicate-ids.csv",
        Refuse(5, "resident id 'R1' is used again (first on line 2)"),
    ),
    (
        "residents-empty.csv",
        Refuse(0, "the file has no header line"),
    ),
    (
        "residents-excel-serial.csv",
        Refuse(2, "since '43985' is not a date"),
    ),
    (
        "residents-extra-cells.csv",
        Refuse(2, "11 cells but the header has 10 columns"),
    ),
    ("residents-formula-cells.csv", Accept(&[])),
    ("residents-gbk.csv", Accept(&[])),
    ("residents-header-only.csv", Accept(&[])),
    (
        "residents-invalid-utf8.csv",
        Refuse(2, "bytes that are neither UTF-8 nor GB18030"),
    ),
    (
        "residents-lone-bom.csv",
        Refuse(0, "the file has no header line"),
    ),
    (
        "residents-members-disagree.csv",
        Accept(&[(3, "household 'H1': members disagree on grid")]),
    ),
    (
        "residents-missing-level-column.csv",
        Refuse(1, "missing column level"),
    ),
    (
        "residents-mixed-encodings.csv",
        Accept(&[(2, "the file is GB18030 (GBK) but this line reads as UTF-8")]),
    ),
    (
        "residents-no-header.csv",
        Refuse(1, "the first line looks like a row of data, not a header"),
    ),
    ("residents-nul-bytes.csv", Accept(&[])),
    (
        "residents-since-after-until.csv",
        Accept(&[(2, "resident 'R1' moved out before registering")]),
    ),
    ("residents-traditional-headers.csv", Accept(&[])),
    ("residents-truncated-utf8.csv", Refuse(5, "empty level")),
    (
        "residents-two-households.csv",
        Refuse(3, "resident id 'R1' is used again (first on line 2)"),
    ),
    (
        "residents-unknown-levels.csv",
        Refuse(3, "unknown level 'redd' — did you mean red?"),
    ),
    (
        "residents-unterminated-quote.csv",
        Refuse(2, "a quoted cell starts here and is never closed"),
    ),
    (
        "residents-utf16.csv",
        Refuse(1, "the file is UTF-16 (Excel's \"Unicode text\")"),
    ),
    ("residents-10mb-field.csv", Accept(&[])),
    (
        "residents-100k-columns.csv",
        Refuse(1, "more than 16,384 cells in one row"),
    ),
    (
        "visits-bad-dates.csv",
        RefuseRows(4, "invalid date '2020-13-01' in date: no such day"),
    ),
    (
        "visits-date-9999.csv",
        Accept(&[(2, "date 9999-12-31 is after today 2020-07-31")]),
    ),
    (
        "visits-excel-serial.csv",
        RefuseRows(2, "date '43985' is not a date"),
    ),
    ("visits-formula-note.csv", Accept(&[])),
    (
        "visits-future.csv",
        Accept(&[(2, "date 2020-08-01 is after today 2020-07-31")]),
    ),
    (
        "visits-huge-persons.csv",
        RefuseRows(
            3,
            "persons '429***7296' is too large to be a count of people",
        ),
    ),
    (
        "visits-invalid-utf8.csv",
        Refuse(2, "bytes that are neither UTF-8 nor GB18030"),
    ),
    ("visits-lone-bom.csv", Accept(&[])),
    (
        "visits-missing-household-column.csv",
        Refuse(1, "missing column household"),
    ),
    (
        "visits-negative-persons.csv",
        RefuseRows(2, "persons '-1' is not a whole number of 0 or more"),
    ),
    (
        "visits-no-header.csv",
        Refuse(1, "the first line looks like a row of data, not a header"),
    ),
    ("visits-nul-bytes.csv", Accept(&[])),
    (
        "visits-unknown-household.csv",
        Accept(&[(2, "unknown household 'NOPE'")]),
    ),
    (
        "visits-unterminated-quote.csv",
        Refuse(2, "a quoted cell starts here and is never closed"),
    ),
    ("visits-10mb-field.csv", Accept(&[])),
    (
        "visits-100k-columns.csv",
        Refuse(1, "more than 16,384 cells in one row"),
    ),
    (
        "log-bad-rows.csv",
        Import {
            status: 1,
            says: &[
                (3, "invalid date '2020-02-30' in date: no such day"),
                (4, "date '0000-01-01': the year is out of range"),
                (5, "date 9999-12-31 is after today 2020-07-31"),
                (6, "invalid date '2020-13-01' in date: no such day"),
                (7, "invalid date '20201301' in date: no such day"),
                (8, "persons '-1' is not a whole number of 0 or more"),
                (9, "persons '999*************9999' is too large"),
                (10, "unknown household 'NOPE'"),
                (11, "unknown resident 'NOBODY'"),
                (12, "empty date"),
                (13, "empty household"),
            ],
            // Line 2 repeats the stored visit; line 14 is new.
            added: 1,
        },
    ),
    (
        "log-bad.json",
        Import {
            status: 3,
            says: &[(2, "not readable JSON")],
            added: 0,
        },
    ),
    (
        "log-bare-number.json",
        Import {
            status: 3,
            says: &[(1, "not a visit log: the file holds a bare JSON number")],
            added: 0,
        },
    ),
    (
        "log-duplicate-headers.csv",
        Import {
            status: 3,
            says: &[(1, "columns 'date' and '日期' both mean date")],
            added: 0,
        },
    ),
    (
        "log-duplicates.csv",
        Import {
            status: 0,
            says: &[(0, "5 rows · 2 imported · 3 duplicates skipped · 0 rejected")],
            added: 2,
        },
    ),
    (
        "log-excel-serial.csv",
        Import {
            status: 1,
            says: &[(2, FORMS)],
            added: 0,
        },
    ),
    (
        "log-extra-cells.csv",
        Import {
            status: 1,
            says: &[(2, "8 cells but the header has 7 columns")],
            added: 0,
        },
    ),
    (
        "log-formula-cells.csv",
        Import {
            status: 0,
            says: &[],
            added: 2,
        },
    ),
    (
        "log-header-only.csv",
        Import {
            status: 0,
            says: &[(0, "0 rows · 0 imported")],
            added: 0,
        },
    ),
    (
        "log-invalid-utf8.csv",
        Import {
            status: 3,
            says: &[(2, "bytes that are neither UTF-8 nor GB18030")],
            added: 0,
        },
    ),
    (
        "log-lone-bom.csv",
        Import {
            status: 0,
            says: &[(0, "0 rows · 0 imported")],
            added: 0,
        },
    ),
    (
        "log-mixed-encodings.csv",
        Import {
            status: 3,
            says: &[(2, "bytes that are neither UTF-8 nor GB18030")],
            added: 0,
        },
    ),
    (
        "log-no-header.csv",
        Import {
            status: 3,
            says: &[(1, "the first line looks like a row of data")],
            added: 0,
        },
    ),
    (
        "log-not-objects.json",
        Import {
            status: 1,
            says: &[
                (2, "the entry is not a JSON object"),
                (3, "'household' holds a list or an object"),
                (4, FORMS),
                (5, "persons '-2' is not a whole number"),
            ],
            added: 1,
        },
    ),
    (
        "log-nul-bytes.csv",
        Import {
            status: 1,
            says: &[(2, "unknown household 'H1\u{fffd}'")],
            added: 1,
        },
    ),
    (
        "log-traditional-headers.csv",
        Import {
            status: 0,
            says: &[],
            added: 1,
        },
    ),
    (
        "log-unterminated-quote.csv",
        Import {
            status: 3,
            says: &[(2, "a quoted cell starts here and is never closed")],
            added: 0,
        },
    ),
    (
        "log-10mb-field.csv",
        Import {
            status: 0,
            says: &[],
            added: 1,
        },
    ),
    (
        "log-serials.xlsx",
        Import {
            status: 1,
            says: &[
                (4, "date '-1': the year is out of range"),
                (5, "date '0': the year is out of range"),
                (6, "date '60': the year is out of range"),
                (7, "date '100*0000': the year is out of range"),
                (8, "date '29*****': the year is out of range"),
                (9, "persons '-2' is not a whole number"),
                (10, "is too large to be a count of people"),
            ],
            added: 2,
        },
    ),
    (
        "log-100k-columns.csv",
        Import {
            status: 3,
            says: &[(1, "more than 16,384 cells in one row")],
            added: 0,
        },
    ),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

/// The bytes of a case: from tests/bad/, or made here for the big ones.
fn case_bytes(name: &str) -> Vec<u8> {
    let big = "x".repeat(10 << 20);
    let wide: String = (0..100_000).map(|i| format!(",c{i}")).collect();
    match name {
        "residents-10mb-field.csv" => {
            format!("{}R4,H4,{big},green,G1,B1,,,,\n", ROSTER).into_bytes()
        }
        "residents-100k-columns.csv" => format!("id,level{wide}\nR1,red\n").into_bytes(),
        "visits-10mb-field.csv" => format!("{VISITS}2020-07-02,H2,牛,入户,{big},1\n").into_bytes(),
        "visits-100k-columns.csv" => format!("date,household{wide}\n2020-07-01,H1\n").into_bytes(),
        "log-10mb-field.csv" => format!("date,household,note\n2020-07-21,H2,{big}\n").into_bytes(),
        "log-100k-columns.csv" => format!("date,household{wide}\n2020-07-21,H2\n").into_bytes(),
        "log-serials.xlsx" => serials_workbook(),
        _ => std::fs::read(corpus().join(name)).unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

/// A sheet whose date column holds serial numbers, good and out of range,
/// and whose `persons` column holds a negative and a huge number.
fn serials_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["走访日期", "户号", "走访人", "人数", "情况"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [(f64, f64); 8] = [
        (44024.0, 1.0), // 2020-07-12
        (-1.0, 1.0),
        (0.0, 1.0),
        (60.0, 1.0), // Excel's 1900-02-29, a day that never was
        (1e7, 1.0),
        (2_958_466.0, 1.0), // the day after 9999-12-31
        (44025.0, -2.0),
        (44026.0, 1e20),
    ];
    for (i, (serial, persons)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        sheet.write_number(r, 0, *serial).unwrap();
        sheet.write_string(r, 1, "H2").unwrap();
        sheet.write_string(r, 2, format!("v{i}")).unwrap();
        sheet.write_number(r, 3, *persons).unwrap();
    }
    // Text that a spreadsheet would run, in a string cell.
    sheet.write_string(10, 0, "2020-07-15").unwrap();
    sheet.write_string(10, 1, "H1").unwrap();
    sheet
        .write_string(10, 4, "=HYPERLINK(\"http://x\")")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// Every file of a directory (not its subdirectories) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        // The lock file is made by any command, and stays empty.
        .filter(|e| e.file_name() != ".rounds.lock" || e.metadata().unwrap().len() > 0)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

struct Ran {
    what: String,
    /// `check` prints its findings as its output, on stdout; every other
    /// command prints its errors and rejected rows on stderr.
    check: bool,
    status: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
    /// Where the command prints the problems it found.
    fn problems(&self) -> &str {
        if self.check {
            &self.stdout
        } else {
            &self.stderr
        }
    }
    fn fail(&self, why: &str) -> ! {
        panic!(
            "{why}\n{} (status {})\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.status,
            truncate(&self.stdout),
            truncate(&self.stderr)
        )
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(3000) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Runs `rounds --data DATA --today TODAY ARGS` under a memory limit and
/// checks what holds for every run.
fn run(case: &str, data: &Path, args: &[&str]) -> Ran {
    let before = snapshot(data);
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_rounds"))
        .arg("--data")
        .arg(data)
        .args(["--today", TODAY])
        .args(args)
        .env_remove("ROUNDS_DATA")
        .env_remove("LC_ALL")
        .env("LANG", "C")
        .output()
        .expect("run rounds");
    let ran = Ran {
        what: format!("{case}: rounds {}", args.join(" ")),
        check: args.first() == Some(&"check"),
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    if ran.status == 101 || ran.stderr.contains("panicked") {
        ran.fail("a panic");
    }
    if ran.status < 0 {
        ran.fail("killed by a signal (out of memory?)");
    }
    if ran.status >= 2 {
        if snapshot(data) != before {
            ran.fail("a failed command changed the data directory");
        }
        // A clear message: a file (and a line, where there is one), then
        // the reason.
        if !ran
            .problems()
            .lines()
            .any(|l| l.starts_with('/') && l.contains(": error: "))
        {
            ran.fail("no `file:line: error: reason`");
        }
    }
    for value in PERSONAL {
        if ran.text().contains(value) {
            ran.fail(&format!("shows {value} in full"));
        }
    }
    ran
}

fn expect_line(ran: &Ran, file: &Path, line: u64, kind: &str, text: &str) {
    let place = if line == 0 {
        format!("{}: {kind}: ", file.display())
    } else {
        format!("{}:{line}: {kind}: ", file.display())
    };
    if !ran
        .problems()
        .lines()
        .any(|l| l.starts_with(&place) && l.contains(text))
    {
        ran.fail(&format!("expected `{place}…{text}…`"));
    }
}

fn lines(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| {
        b.split(|&c| c == b'\n').filter(|l| !l.is_empty()).count()
    })
}

fn one_case(name: &str, must: Must) {
    let wd = Workdir::new();
    let data = wd.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(wd.join("logs")).unwrap();
    std::fs::write(data.join("residents.csv"), ROSTER).unwrap();
    std::fs::write(data.join("visits.csv"), VISITS).unwrap();
    let bytes = case_bytes(name);
    let good_log = wd.join("logs/good.csv");
    std::fs::write(&good_log, GOOD_LOG).unwrap();
    let target = if name.starts_with("residents-") {
        data.join("residents.csv")
    } else if name.starts_with("visits-") {
        data.join("visits.csv")
    } else {
        wd.join("logs").join(name)
    };
    std::fs::write(&target, &bytes).unwrap();

    let report = ["report", "--month", "2020-07"];
    match must {
        Accept(warnings) => {
            let check = run(name, &data, &["check"]);
            if check.status != 0 {
                check.fail("check refused a case it must accept");
            }
            for (line, text) in warnings {
                expect_line(&check, &target, *line, "warning", text);
            }
            for args in [&["due"][..], &report, &["due", "--format", "csv"]] {
                let ran = run(name, &data, args);
                if ran.status != 0 {
                    ran.fail("refused a case it must accept");
                }
            }
            let log = good_log.display().to_string();
            let import = run(name, &data, &["import", &log]);
            if import.status > 1 {
                import.fail("import refused a case it must accept");
            }
        }
        Refuse(line, text) | RefuseRows(line, text) => {
            let log = good_log.display().to_string();
            let appends = matches!(must, RefuseRows(..));
            for args in [&["check"][..], &["due"], &report, &["import", &log]] {
                let ran = run(name, &data, args);
                if appends && args[0] == "import" {
                    if ran.status != 0 {
                        ran.fail("expected the import to go through");
                    }
                    continue;
                }
                if ran.status != 3 {
                    ran.fail("expected status 3");
                }
                expect_line(&ran, &target, line, "error", text);
            }
            let strict = run(name, &data, &["check", "--strict"]);
            if strict.status != 3 {
                strict.fail("expected status 3");
            }
        }
        Import {
            status,
            says,
            added,
        } => {
            let stored = lines(&data.join("visits.csv"));
            let log = target.display().to_string();
            let ran = run(name, &data, &["import", &log]);
            if ran.status != status {
                ran.fail(&format!("expected status {status}"));
            }
            let kind = if status == 3 { "error" } else { "rejected" };
            for (line, text) in says {
                if *line == 0 {
                    if !ran.stdout.contains(text) {
                        ran.fail(&format!("expected {text:?} on stdout"));
                    }
                } else {
                    expect_line(&ran, &target, *line, kind, text);
                }
            }
            let now = lines(&data.join("visits.csv"));
            if now != stored + added {
                ran.fail(&format!(
                    "{stored} visits before, {now} after, {added} expected to be added"
                ));
            }
            // Rejected rows are kept, one per message, with their line,
            // in the rejects folder beside the log.
            let file = target.file_name().unwrap().to_string_lossy();
            let rejects = target.with_file_name("rejects").join(format!(
                "{}.rejects.csv",
                file.strip_suffix(".csv").unwrap_or(&file)
            ));
            if status == 1 {
                let rejected = ran.stderr.matches(": rejected: ").count();
                if lines(&rejects) != rejected + 1 {
                    ran.fail(&format!("{} lacks rows", rejects.display()));
                }
            } else if rejects.exists() {
                ran.fail("a rejects file without rejected rows");
            }
            // What was stored is sound: every command reads it, and a
            // second import adds nothing.
            for args in [&["check"][..], &["due"], &report] {
                let after = run(name, &data, args);
                if after.status != 0 {
                    after.fail("the store is not clean after the import");
                }
            }
            if status < 2 {
                let again = run(name, &data, &["import", &log]);
                if lines(&data.join("visits.csv")) != now {
                    again.fail("a second import added visits");
                }
            }
        }
    }
}

#[test]
fn every_case_is_listed_and_documented() {
    let readme = std::fs::read_to_string(corpus().join("README.md")).unwrap();
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    for name in &on_disk {
        assert!(
            CASES.iter().any(|(c, _)| c == name),
            "tests/bad/{name} has no case"
        );
    }
    for (name, _) in CASES {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "tests/bad/README.md lacks {name}"
        );
    }
    assert!(CASES.len() >= 40);
}

#[test]
fn roster_cases() {
    for (name, must) in CASES.iter().filter(|(n, _)| n.starts_with("residents-")) {
        one_case(name, *must);
    }
}

#[test]
fn visit_log_cases() {
    for (name, must) in CASES.iter().filter(|(n, _)| n.starts_with("visits-")) {
        one_case(name, *must);
    }
}

#[test]
fn import_cases() {
    for (name, must) in CASES.iter().filter(|(n, _)| n.starts_with("log-")) {
        one_case(name, *must);
    }
}
