//! Snapshots of what people read: `due` (table, and the md and html round
//! sheets) and `report` (table, md, html) for the example community on a
//! fixed day, in English and in Chinese. A change to any of them shows as a
//! diff in review (`cargo insta review`, or INSTA_UPDATE=always).

mod common;
use common::run_example;

fn output(args: &[&str]) -> String {
    let mut all = vec!["--today", "2020-07-20"];
    all.extend_from_slice(args);
    run_example("nongjiang", &all).ok().stdout()
}

macro_rules! snapshot {
    ($name:literal, $($arg:expr),+) => {
        insta::assert_snapshot!($name, output(&[$($arg),+]));
    };
}

#[test]
fn due_table() {
    snapshot!("due_table_en", "due", "--lang", "en");
    snapshot!("due_table_zh", "due", "--lang", "zh");
}

#[test]
fn due_round_sheet() {
    snapshot!(
        "due_md_en",
        "due",
        "--visitor",
        "赵卫东",
        "--format",
        "md",
        "--lang",
        "en"
    );
    snapshot!(
        "due_md_zh",
        "due",
        "--visitor",
        "赵卫东",
        "--format",
        "md",
        "--lang",
        "zh"
    );
    snapshot!(
        "due_html_en",
        "due",
        "--visitor",
        "赵卫东",
        "--format",
        "html",
        "--lang",
        "en"
    );
    snapshot!(
        "due_html_zh",
        "due",
        "--visitor",
        "赵卫东",
        "--format",
        "html",
        "--lang",
        "zh"
    );
}

#[test]
fn report() {
    for (lang, format) in [
        ("en", "table"),
        ("zh", "table"),
        ("en", "md"),
        ("zh", "md"),
        ("en", "html"),
        ("zh", "html"),
    ] {
        let text = output(&[
            "report", "--month", "2020-06", "--format", format, "--lang", lang,
        ]);
        insta::assert_snapshot!(format!("report_{format}_{lang}"), text);
    }
}

/// `--help` as people read it, at a fixed width: English as cli.rs
/// documents it, Chinese as src/i18n/zh.rs words it.
fn help(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    common::Workdir::new()
        .run_raw(&args, &[("COLUMNS", "100")])
        .ok()
        .stdout()
}

#[test]
fn help_in_both_languages() {
    insta::assert_snapshot!("help_due_en", help(&["due", "--help"]));
    insta::assert_snapshot!("help_due_zh", help(&["--lang", "zh", "due", "--help"]));
    insta::assert_snapshot!("help_need_add_en", help(&["need", "add", "-h"]));
    insta::assert_snapshot!(
        "help_need_add_zh",
        help(&["--lang", "zh", "need", "add", "-h"])
    );
    insta::assert_snapshot!("help_rounds_zh", help(&["--lang", "zh", "-h"]));
}
