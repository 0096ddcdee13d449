//! `--grid`, `--building` and `--visitor` of `due`, `households` and
//! `needs`: a value that names nothing in the data is a usage error (exit
//! 2) with what was meant, never an empty all-clear; a value that is in
//! the data but lets no household through still prints the all-clear.

mod common;

use common::{Workdir, run_example};

const T: &str = "2020-07-20";

/// The bundled community (grids 东岗网格, 河湾网格, 西岗网格; buildings
/// 1栋–9栋; workers 赵卫东, 王建国 …), read in place.
fn example(args: &[&str]) -> common::Run {
    let mut all = vec!["--today", T];
    all.extend_from_slice(args);
    run_example("nongjiang", &all)
}

/// Refused with exit 2, `says` on stderr, nothing on stdout.
fn refused(args: &[&str], says: &str) {
    let run = example(args).expect(2).stderr_has(says);
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(
        run.stderr().contains(says),
        "not on stderr: {}",
        run.stderr()
    );
}

#[test]
fn a_misspelled_filter_is_refused_with_what_was_meant() {
    for command in [&["due"][..], &["households"], &["due", "--format", "csv"]] {
        let with = |rest: &[&'static str]| [command, rest].concat();
        refused(
            &with(&["--grid", "西岗"]),
            "--grid '西岗' names no grid in the data — did you mean 西岗网格?",
        );
        refused(
            &with(&["--visitor", "赵卫"]),
            "--visitor '赵卫' names no worker in the data — did you mean 赵卫东?",
        );
        refused(
            &with(&["--building", "3"]),
            "--building '3' names no building in the data — did you mean 3栋?",
        );
        refused(
            &with(&["--building", "3号楼"]),
            "--building '3号楼' names no building in the data — did you mean 3栋?",
        );
        refused(&with(&["--grid", "河湾网络"]), "did you mean 河湾网格?");
    }
    refused(
        &["needs", "--grid", "河湾"],
        "--grid '河湾' names no grid in the data — did you mean 河湾网格?",
    );
    refused(
        &["needs", "--visitor", "赵卫冬"],
        "--visitor '赵卫冬' names no worker in the data — did you mean 赵卫东?",
    );
    // With nothing near, the values there are; one bad value among good
    // ones is named.
    refused(
        &["due", "--grid", "西岗网格,北山"],
        "--grid '北山' names no grid in the data (the grids there are: 东岗网格, 河湾网格, 西岗网格)",
    );
    refused(
        &["due", "--building", "12栋"],
        "(the buildings there are: 1栋, 2栋, 3栋, 4栋, 5栋, 6栋, 7栋, 8栋, 9栋)",
    );
    // Nothing silly: a single character, another number.
    let run = example(&["due", "--building", "栋"]).expect(2);
    run.never_says("did you mean");
    // In cron: quiet prints nothing but the refusal, and the status says
    // something is wrong.
    let run = example(&["due", "--quiet", "--exit-code", "--grid", "西岗"]).expect(2);
    assert!(run.stdout().is_empty());
    // The round sheet too.
    refused(
        &["due", "--format", "html", "--visitor", "赵卫"],
        "did you mean 赵卫东?",
    );
    // In Chinese.
    refused(
        &["--lang", "zh", "due", "--grid", "西岗"],
        "--grid“西岗”：数据中没有这个网格——是不是 西岗网格？",
    );
    refused(
        &["--lang", "zh", "needs", "--visitor", "老赵"],
        "--visitor“老赵”：数据中没有这个网格员（现有网格员：刘桂芳、",
    );
}

#[test]
fn a_filter_that_names_something_keeps_its_answer() {
    // The right names list what they always did.
    example(&["due", "--grid", "西岗网格", "--visitor", "赵卫东"]).ok();
    example(&["due", "--building", "3栋", "--grid", " 西岗网格 "]).ok();
    example(&["needs", "--grid", "河湾网格", "--visitor", "王建国"]).ok();

    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,grid,building,visitor,until\n\
         R1,H1,red,G1,B1,王芳,\n\
         R2,H2,green,G2,B2,赵强,2020-06-01\n",
    )
    .write("visits.csv", "date,household,visitor\n2020-07-20,H1,王芳\n")
    .write(
        "needs.csv",
        "id,household,raised,raised_by,category,text,status\n\
         N0001,H1,2020-07-01,志愿者小李,其他,修灯,open\n",
    );
    let run = |args: &[&str]| {
        let mut all = vec!["--today", T];
        all.extend_from_slice(args);
        wd.run(&all)
    };
    // G1 is in the data and nothing in it is due: the all-clear, exit 0,
    // and with --exit-code too.
    run(&["due", "--grid", "G1", "--exit-code"])
        .ok()
        .stdout_has("No household is overdue or due.");
    // G2's only household moved out: it is in the data, and lists nothing.
    run(&[
        "due",
        "--grid",
        "G2",
        "--visitor",
        "赵强",
        "--building",
        "B2",
    ])
    .ok()
    .stdout_has("No household is overdue or due.");
    // A worker who raised a need without being in charge of a household
    // is a worker for `needs`.
    run(&["needs", "--visitor", "志愿者小李", "--format", "csv"])
        .ok()
        .stdout_has("N0001");
    // ... but not in charge of any household for `due`.
    run(&["due", "--visitor", "志愿者小李"])
        .expect(2)
        .stderr_has("--visitor '志愿者小李' names no worker in the data");
    // Many values: the first in natural order, and how many there are.
    let many = Workdir::new();
    let roster: String = (1..=15).map(|i| format!("R{i},red,B{i}\n")).collect();
    many.write("residents.csv", format!("id,level,building\n{roster}"))
        .write("visits.csv", "date,household\n");
    many.run(&["--today", T, "due", "--building", "Z"])
        .expect(2)
        .stderr_has(
            "(there are 15 buildings: B1, B2, B3, B4, B5, B6, B7, B8, B9, B10, B11, B12, …)",
        );
    many.run(&["--lang", "zh", "--today", T, "due", "--building", "Z"])
        .expect(2)
        .stderr_has("（现有楼栋 15 个：B1、B2、");
    // A roster without the column: nothing to filter by.
    let bare = Workdir::new();
    bare.write("residents.csv", "id,level\nR1,red\n")
        .write("visits.csv", "date,household\n");
    bare.run(&["--today", T, "due", "--grid", "G1"])
        .expect(2)
        .stderr_has("--grid 'G1' names no grid in the data (the data names no grid)");
}
