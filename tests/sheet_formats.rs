//! A roster kept as `.ods` (LibreOffice, WPS) or `.xls` (Excel 97-2003) is
//! read in place like `residents.xlsx`: the files under tests/sheets were
//! saved by LibreOffice Calc from the workbook of the same rows as
//! tests/sheets/residents.csv (text ids and phones, numeric rooms, date
//! cells and hand-typed dates), and every command answers on each as on
//! the CSV.

mod common;
use common::Workdir;

const VISITS: &str = "date,household,visitor\n\
                      2020-07-01,DG01-1-0101,王建国\n\
                      2020-07-02,DG01-1-0102,王建国\n";

fn roster(file: &str) -> Workdir {
    let dir = Workdir::new();
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sheets");
    dir.write(file, std::fs::read(here.join(file)).unwrap());
    dir.write("visits.csv", VISITS);
    dir
}

#[test]
fn ods_and_xls_rosters_answer_as_the_csv() {
    let csv = roster("residents.csv");
    for file in ["residents.ods", "residents.xls"] {
        let sheet = roster(file);
        for args in [
            &["--today", "2020-07-20", "due", "--all", "--format", "csv"][..],
            &[
                "--today",
                "2020-07-20",
                "households",
                "--all",
                "--format",
                "json",
                "--reveal",
            ],
            &[
                "--today",
                "2020-07-20",
                "due",
                "--tag",
                "残疾人",
                "--format",
                "csv",
            ],
            &[
                "--today",
                "2020-07-20",
                "report",
                "--month",
                "2020-07",
                "--format",
                "json",
            ],
        ] {
            let want = csv.run(args).ok().stdout();
            let got = sheet.run(args).ok().stdout();
            assert!(!want.trim().is_empty());
            assert_eq!(got, want, "{file}: {args:?}");
        }
        // Forty residents, no problem found.
        sheet
            .run(&["--today", "2020-07-20", "check"])
            .ok()
            .stdout_has("0 errors, 0 warnings");
    }
}

#[test]
fn an_ods_roster_beside_a_csv_one_is_an_error_naming_both() {
    let dir = roster("residents.ods");
    let csv = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sheets/residents.csv"),
    )
    .unwrap();
    dir.write("residents.csv", csv);
    let run = dir.run(&["--today", "2020-07-20", "due"]);
    assert!(run.status() >= 2, "{}", run.stderr());
    let err = run.stderr();
    assert!(
        err.contains("residents.csv") && err.contains("residents.ods"),
        "{err}"
    );
}
