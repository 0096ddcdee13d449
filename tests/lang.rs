//! The language: --lang, else rounds.toml, else the locale (LC_ALL, then
//! LC_MESSAGES, then LANG; zh* is Chinese). Only human output changes.

mod common;
use common::Workdir;

const RESIDENTS: &str =
    "id,household,name,level,grid,building\nA1,H1,张三,red,东岗,1栋\nA2,H2,李四,green,东岗,2栋\n";
const VISITS: &str = "date,household\n2020-07-01,H2\n";

fn community(toml: Option<&str>) -> Workdir {
    let w = Workdir::new();
    w.write("residents.csv", RESIDENTS)
        .write("visits.csv", VISITS);
    if let Some(t) = toml {
        w.write("rounds.toml", t);
    }
    w
}

/// Runs `due` with the environment given; says which language it spoke.
fn spoken(w: &Workdir, extra: &[&str], env: &[(&str, &str)]) -> &'static str {
    let mut args = vec![
        "--data".to_string(),
        w.path().display().to_string(),
        "--today".into(),
        "2020-07-20".into(),
        "due".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = w.run_raw(&args, env).ok().stdout();
    match (out.contains("逾期"), out.contains("overdue")) {
        (true, false) => "zh",
        (false, true) => "en",
        _ => panic!("neither or both languages:\n{out}"),
    }
}

#[test]
fn the_flag_wins_over_everything() {
    let w = community(Some("lang = \"en\"\n"));
    assert_eq!(
        spoken(&w, &["--lang", "zh"], &[("LC_ALL", "en_US.UTF-8")]),
        "zh"
    );
    let w = community(Some("lang = \"zh\"\n"));
    assert_eq!(
        spoken(&w, &["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]),
        "en"
    );
}

#[test]
fn rounds_toml_wins_over_the_locale() {
    let w = community(Some("lang = \"zh\"\n"));
    assert_eq!(spoken(&w, &[], &[]), "zh");
    let w = community(Some("lang = \"en\"\n"));
    assert_eq!(spoken(&w, &[], &[("LC_ALL", "zh_CN.UTF-8")]), "en");
}

#[test]
fn the_locale_lc_all_then_lc_messages_then_lang() {
    let w = community(None);
    assert_eq!(spoken(&w, &[], &[]), "en", "LANG=C");
    assert_eq!(spoken(&w, &[], &[("LANG", "zh_CN.UTF-8")]), "zh");
    assert_eq!(spoken(&w, &[], &[("LANG", "zh_TW.Big5")]), "zh");
    assert_eq!(
        spoken(
            &w,
            &[],
            &[("LANG", "zh_CN.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]
        ),
        "en"
    );
    assert_eq!(
        spoken(
            &w,
            &[],
            &[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN.UTF-8")]
        ),
        "zh"
    );
    assert_eq!(
        spoken(
            &w,
            &[],
            &[
                ("LC_ALL", "C"),
                ("LC_MESSAGES", "zh_CN.UTF-8"),
                ("LANG", "zh_CN.UTF-8")
            ]
        ),
        "en"
    );
    assert_eq!(
        spoken(
            &w,
            &[],
            &[("LC_ALL", "zh_HK.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]
        ),
        "zh"
    );
    // An empty variable counts as unset.
    assert_eq!(
        spoken(&w, &[], &[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]),
        "zh"
    );
}

#[test]
fn machine_formats_do_not_change() {
    let w = community(None);
    for format in ["csv", "json"] {
        let en = w.run(&[
            "--today",
            "2020-07-20",
            "due",
            "--format",
            format,
            "--lang",
            "en",
        ]);
        let zh = w.run(&[
            "--today",
            "2020-07-20",
            "due",
            "--format",
            format,
            "--lang",
            "zh",
        ]);
        assert_eq!(en.ok().stdout(), zh.ok().stdout(), "{format}");
    }
    let zh = w.run(&[
        "--today",
        "2020-07-20",
        "due",
        "--format",
        "csv",
        "--lang",
        "zh",
    ]);
    assert!(zh.stdout().contains(",red,") && !zh.stdout().contains("红"));
}

#[test]
fn errors_speak_the_language_too() {
    let w = Workdir::new();
    let missing = w.join("nowhere").display().to_string();
    let args = vec!["--data".to_string(), missing.clone(), "due".to_string()];
    let zh = w.run_raw(&args, &[("LANG", "zh_CN.UTF-8")]).expect(4);
    assert!(zh.stderr().contains("不存在"), "{}", zh.stderr());
    assert!(zh.stderr().contains(&format!("rounds init {missing}")));
    let en = w.run_raw(&args, &[]).expect(4);
    assert!(en.stderr().contains("no data directory"), "{}", en.stderr());
    assert!(en.stderr().contains(&format!("rounds init {missing}")));
    // A usage error from a flag, in both languages.
    let c = community(None);
    c.run(&["--today", "2020-13-01", "due", "--lang", "zh"])
        .expect(2)
        .says("不是日期");
    c.run(&["--today", "2020-13-01", "due"])
        .expect(2)
        .says("is not a date");
}

#[test]
fn help_describes_the_commands_in_the_language() {
    let w = Workdir::new();
    let help = |args: &[&str], env: &[(&str, &str)]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        w.run_raw(&args, env).ok().stdout()
    };
    let zh = help(&["--help"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(zh.contains("households   列出住户"), "{zh}");
    let en = help(&["--help"], &[]);
    assert!(en.contains("List households"), "{en}");
    let zh = help(&["--lang", "zh", "history", "--help"], &[]);
    assert!(zh.starts_with("某一户的全部走访记录"), "{zh}");
    let en = help(
        &["history", "--help", "--lang=en"],
        &[("LC_ALL", "zh_CN.UTF-8")],
    );
    assert!(en.starts_with("Every visit to one household"), "{en}");
}

#[test]
fn help_of_every_flag_and_clap_heading_is_chinese_under_zh() {
    let w = Workdir::new();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        w.run_raw(&args, env).ok()
    };
    let zh = run(&["--lang", "zh", "need", "add", "--help"], &[]).stdout();
    for text in [
        "用法：rounds need add",
        "参数：",
        "提出诉求的住户",
        "选项：",
        "居民的诉求，用他们自己的话",
        "数据目录",
        "显示帮助",
    ] {
        assert!(zh.contains(text), "lacks {text:?}:\n{zh}");
    }
    for english in [
        "Usage:",
        "Options:",
        "Arguments:",
        "Print help",
        "default:",
        "[env:",
    ] {
        assert!(!zh.contains(english), "has {english:?}:\n{zh}");
    }
    // The locale alone is enough, and -h gives the short form.
    let zh = run(&["due", "-h"], &[("LANG", "zh_CN.UTF-8")]).stdout();
    assert!(zh.contains("只列出该网格的住户"), "{zh}");
    assert!(zh.contains("deadline（默认）"), "{zh}");
    assert!(!zh.contains("[possible values"), "{zh}");
    let zh = run(&["--lang=zh", "--help"], &[]).stdout();
    assert!(zh.contains("命令：") && zh.contains("显示版本号"), "{zh}");
    assert!(zh.contains("退出状态："), "{zh}");
    let zh = run(&["--lang", "zh", "help", "need"], &[]).stdout();
    assert!(zh.contains("add        登记一户提出的诉求"), "{zh}");
}

#[test]
fn english_help_stays_as_written() {
    let w = Workdir::new();
    let args: Vec<String> = ["need", "add", "--help"].map(String::from).to_vec();
    let en = w.run_raw(&args, &[]).ok().stdout();
    for text in [
        "Open a need raised by a household",
        "Usage: rounds need add [OPTIONS] --text <T> <HOUSEHOLD>",
        "Arguments:",
        "Options:",
        "What the residents need, in their words",
        "[env: ROUNDS_DATA=]",
        "Print help",
    ] {
        assert!(en.contains(text), "lacks {text:?}:\n{en}");
    }
    assert!(!en.contains("用法"), "{en}");
}
