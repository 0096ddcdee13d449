//! The language: --lang, else rounds.toml, else the locale (LC_ALL, then
//! LC_MESSAGES, then LANG; zh* is Chinese). Only human output changes.

mod common;
use common::{Workdir, community};

const RESIDENTS: &str =
    "id,household,name,level,grid,building\nA1,H1,张三,red,东岗,1栋\nA2,H2,李四,green,东岗,2栋\n";
const VISITS: &str = "date,household\n2020-07-01,H2\n";

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
    let w = community(RESIDENTS, VISITS).with("rounds.toml", "lang = \"en\"\n");
    assert_eq!(
        spoken(&w, &["--lang", "zh"], &[("LC_ALL", "en_US.UTF-8")]),
        "zh"
    );
    let w = community(RESIDENTS, VISITS).with("rounds.toml", "lang = \"zh\"\n");
    assert_eq!(
        spoken(&w, &["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]),
        "en"
    );
}

#[test]
fn rounds_toml_wins_over_the_locale() {
    let w = community(RESIDENTS, VISITS).with("rounds.toml", "lang = \"zh\"\n");
    assert_eq!(spoken(&w, &[], &[]), "zh");
    let w = community(RESIDENTS, VISITS).with("rounds.toml", "lang = \"en\"\n");
    assert_eq!(spoken(&w, &[], &[("LC_ALL", "zh_CN.UTF-8")]), "en");
}

#[test]
fn the_locale_lc_all_then_lc_messages_then_lang() {
    let w = community(RESIDENTS, VISITS);
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
    let w = community(RESIDENTS, VISITS);
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
    let c = community(RESIDENTS, VISITS);
    c.run(&["--today", "2020-13-01", "due", "--lang", "zh"])
        .expect(2)
        .stderr_has("不是日期");
    c.run(&["--today", "2020-13-01", "due"])
        .expect(2)
        .stderr_has("is not a date");
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
    let zh = run(&["--lang", "zh", "help", "help"], &[]).stdout();
    assert!(zh.starts_with("显示本帮助，或所给子命令的帮助"), "{zh}");
    assert!(
        !zh.contains("退出状态"),
        "only rounds itself has the epilogue:\n{zh}"
    );
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

/// Runs the binary with `args` as given; no data directory is needed for
/// a command line clap refuses.
fn raw(args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    Workdir::new().run_raw(&args, env)
}

#[test]
fn command_line_errors_from_clap_speak_chinese_with_status_2() {
    let zh = raw(&["--lang", "zh", "due", "--zzz"], &[]).expect(2);
    assert!(zh.stdout().is_empty());
    let err = zh.stderr();
    assert!(err.starts_with("错误：无法识别的参数“--zzz”"), "{err}");
    assert!(err.contains("用法：rounds due [OPTIONS]"), "{err}");
    assert!(!err.contains("error:") && !err.contains("Usage:"), "{err}");
    // The locale alone picks Chinese for clap's errors too.
    let zh = raw(&["due", "--zzz"], &[("LANG", "zh_CN.UTF-8")]).expect(2);
    assert!(
        zh.stderr().starts_with("错误：无法识别的参数"),
        "{}",
        zh.stderr()
    );
    // English keeps clap's words.
    let en = raw(&["due", "--zzz"], &[]).expect(2);
    assert!(
        en.stderr()
            .starts_with("error: unexpected argument '--zzz' found"),
        "{}",
        en.stderr()
    );
    assert!(en.stderr().contains("Usage: rounds due [OPTIONS]"));
}

#[test]
fn clap_error_kinds_and_their_hints_in_chinese() {
    let zh = |args: &[&str]| {
        let mut all = vec!["--lang", "zh"];
        all.extend(args);
        raw(&all, &[]).expect(2).stderr()
    };
    let err = zh(&["reprt"]);
    assert!(err.contains("无法识别的子命令“reprt”"), "{err}");
    assert!(
        err.contains("提示：有相近的子命令：“import”、“export”、“report”"),
        "{err}"
    );
    let err = zh(&["report", "--mnth", "2020-01"]);
    assert!(err.contains("提示：有相近的参数：“--month”"), "{err}");
    let err = zh(&["due", "--format", "pdf"]);
    assert!(
        err.contains("“pdf”不是 --format <FORMAT> 的有效取值"),
        "{err}"
    );
    assert!(
        err.contains("[可用的值：table、csv、json、md、html、xlsx]"),
        "{err}"
    );
    let err = zh(&["due", "--within", "abc"]);
    assert!(err.contains("需要一个非负整数"), "{err}");
    let err = zh(&["due", "--within", "99999999999"]);
    assert!(err.contains("数值太大"), "{err}");
    let err = zh(&["import"]);
    assert!(err.contains("缺少必需的参数：\n  <FILE>..."), "{err}");
    let err = zh(&["report", "--month", "2020-01", "--year", "2020"]);
    assert!(err.contains("不能与 --year <YYYY> 同时使用"), "{err}");
    let err = zh(&["visit", "--persons"]);
    assert!(err.contains("--persons <N> 需要一个值"), "{err}");
    let err = zh(&["--", "due"]);
    assert!(
        err.contains("存在子命令“due”；要使用它，请去掉它前面的“--”"),
        "{err}"
    );
    // clap words its tips in English only; each shape it has is said in
    // Chinese (a new clap wording fails here).
    let err = zh(&["visit", "--foo"]);
    assert!(
        err.contains("提示：若要把“--foo”作为值传入，请写成“-- --foo”"),
        "{err}"
    );
    let err = zh(&["--within", "3", "due"]);
    assert!(
        err.contains("提示：这个参数属于子命令：“due --within”"),
        "{err}"
    );
    for err in [err, zh(&["due", "--lang", "xx"])] {
        assert!(!err.contains("tip:") && !err.contains("error:"), "{err}");
    }
}

#[test]
fn help_and_version_still_go_to_stdout_with_status_0_under_zh() {
    let help = raw(&["--lang", "zh", "due", "--help"], &[]).ok();
    assert!(help.stdout().contains("用法：rounds due") && help.stderr().is_empty());
    let version = raw(&["--version"], &[("LANG", "zh_CN.UTF-8")]).ok();
    assert!(
        version.stdout().starts_with("rounds "),
        "{}",
        version.stdout()
    );
    assert!(version.stderr().is_empty());
    // A command that needs a subcommand prints its help on stderr, status 2.
    let need = raw(&["--lang", "zh", "need"], &[]).expect(2);
    assert!(need.stderr().contains("命令："), "{}", need.stderr());
}

#[test]
fn rounds_toml_errors_in_chinese() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "window = \"x\"\n",
            "rounds.toml 第 1 行不是有效的 TOML 设置（toml 的说明：invalid type",
            "rounds.toml:1: error: invalid type",
        ),
        (
            "name = \"东岗\"\nlang = \"fr\"\n",
            "rounds.toml:2: 错误: “fr”不是这项设置可用的值（可用：en、zh）",
            "rounds.toml:2: error: 'fr' is not a value of this setting (use en or zh)",
        ),
        (
            "[needs]\ncategories = []\n",
            "rounds.toml:2: 错误: [needs]：categories 应是由非空名称组成的列表",
            "[needs]: categories must be a list of non-empty names",
        ),
        (
            "[needs]\ncategories = [\"生活困难\", \"生活困难\"]\n",
            "[needs]：类别“生活困难”列出了两次",
            "[needs]: category '生活困难' is listed twice",
        ),
        (
            "window = 7\npolicy = \n",
            "rounds.toml 第 2 行不是有效的 TOML 设置",
            "rounds.toml:2: error:",
        ),
    ];
    // rounds.toml that cannot be read at all.
    let w = community(RESIDENTS, VISITS);
    std::fs::create_dir(w.join("rounds.toml")).unwrap();
    w.run(&["--today", "2020-07-20", "due", "--lang", "zh"])
        .expect(3)
        .stderr_has("无法读取 rounds.toml：这是一个目录，不是文件");
    for (toml, zh, en) in cases {
        let w = community(RESIDENTS, VISITS).with("rounds.toml", toml);
        w.run(&["--today", "2020-07-20", "due", "--lang", "zh"])
            .expect(3)
            .stderr_has(zh)
            .stderr_has("已停止");
        w.run(&["--today", "2020-07-20", "check", "--lang", "en"])
            .expect(3)
            .stdout_has(en);
    }
}

#[test]
fn data_and_file_errors_in_chinese() {
    let w = community(RESIDENTS, VISITS);
    std::fs::create_dir(w.join("logs.csv")).unwrap();
    w.run(&["--lang", "zh", "import", "logs.csv"])
        .expect(4)
        .stderr_has("logs.csv：这是一个目录，不是文件");
    w.run(&["import", "logs.csv"])
        .expect(4)
        .stderr_has("logs.csv: is a directory, not a file");
    w.write("broken.xlsx", "not a zip");
    w.run(&["--lang", "zh", "import", "broken.xlsx"])
        .expect(3)
        .stderr_has("broken.xlsx: 错误: 无法读取的 Excel 工作簿：")
        .never_says("CSV");
    // A real workbook, written by `report`, asked for a sheet it lacks.
    w.run(&["--today", "2020-07-20", "report", "-o", "r.xlsx"])
        .ok();
    let zh = w
        .run(&["--lang", "zh", "import", "r.xlsx", "--sheet", "走访"])
        .expect(3);
    assert!(
        zh.stderr()
            .contains("工作簿中没有名为“走访”的工作表（现有："),
        "{}",
        zh.stderr()
    );
    w.run(&["import", "r.xlsx", "--sheet", "走访"])
        .expect(3)
        .stderr_has("the workbook has no sheet '走访' (its sheets: ");
    // A journal rounds did not write stops every write, in both languages.
    w.write(".visits.csv.journal", "something else\n");
    let before = w.read("visits.csv");
    w.run(&["--lang", "zh", "--today", "2020-07-20", "visit", "H1"])
        .expect(4)
        .stderr_has(".visits.csv.journal：不是 rounds 写下的日志文件");
    w.run(&["--today", "2020-07-20", "visit", "H1"])
        .expect(4)
        .stderr_has("not a rounds journal; move it away to go on");
    assert_eq!(w.read("visits.csv"), before);
}

#[test]
fn help_and_clap_errors_follow_rounds_toml_too() {
    let w = community(RESIDENTS, VISITS).with("rounds.toml", "lang = \"zh\"\n");
    let data = w.path().display().to_string();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        w.run_raw(&args, env)
    };
    run(
        &["--data", &data, "due", "--zzz"],
        &[("LC_ALL", "en_US.UTF-8")],
    )
    .expect(2)
    .stderr_has("错误：无法识别的参数“--zzz”");
    run(&[&format!("--data={data}"), "due", "--help"], &[])
        .ok()
        .stdout_has("只列出该网格的住户");
    // $ROUNDS_DATA names the directory too; the current one is the last resort.
    run(&["due", "--zzz"], &[("ROUNDS_DATA", &data)])
        .expect(2)
        .stderr_has("错误：");
    run(&["due", "--zzz"], &[]).expect(2).stderr_has("错误：");
    // The flag still wins.
    run(&["--data", &data, "--lang", "en", "due", "--zzz"], &[])
        .expect(2)
        .stderr_has("error: unexpected argument '--zzz' found");
}

#[test]
fn workers_in_pinyin_order_under_zh() {
    // The example's workers: 陈 chen, 李 li, 刘 liu, 王 wang, 杨 yang,
    // 张 zhang, 赵 zhao, 周 zhou. In English, and for scripts, the order of
    // their code points as before.
    let pinyin = [
        "陈海涛",
        "李秀兰",
        "刘桂芳",
        "王建国",
        "杨丽娟",
        "张志强",
        "赵卫东",
        "周晓梅",
    ];
    let code_points = [
        "刘桂芳",
        "周晓梅",
        "张志强",
        "李秀兰",
        "杨丽娟",
        "王建国",
        "赵卫东",
        "陈海涛",
    ];
    let order = |text: &str, after: &str| -> Vec<&'static str> {
        let start = text
            .find(after)
            .unwrap_or_else(|| panic!("{after}:\n{text}"));
        let section = &text[start..];
        let mut found: Vec<(usize, &'static str)> = pinyin
            .iter()
            .map(|n| {
                (
                    section.find(n).unwrap_or_else(|| panic!("{n}:\n{section}")),
                    *n,
                )
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect()
    };
    let report = |lang: &str, format: &str| {
        common::run_example(
            "nongjiang",
            &[
                "--today",
                "2020-07-20",
                "--lang",
                lang,
                "report",
                "--month",
                "2020-06",
                "--format",
                format,
            ],
        )
        .ok()
        .stdout()
    };
    for format in ["table", "md", "html"] {
        let zh = report("zh", format);
        assert_eq!(order(&zh, "工作人员走访情况"), pinyin, "{format}");
        assert_eq!(order(&zh, "服务次数与效果"), pinyin, "{format}");
        let en = report("en", format);
        assert_eq!(order(&en, "By worker"), code_points, "{format}");
    }
    // The csv, whatever the language, keeps the report's order.
    let csv = common::run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-20",
            "--lang",
            "zh",
            "report",
            "--month",
            "2020-06",
            "--format",
            "csv",
            "--section",
            "workers",
        ],
    )
    .ok()
    .stdout();
    assert_eq!(order(&csv, "worker"), code_points);
}

#[test]
fn one_word_for_the_visitor_and_one_for_the_worker_in_charge() {
    // Who made a visit is the visitor (走访人); the worker a household is
    // given to is its worker in charge (负责人): the same words in every
    // command that shows them.
    let header = |lang: &str, args: &[&str], first: &str| -> String {
        let mut all = vec!["--today", "2020-07-20", "--lang", lang];
        all.extend_from_slice(args);
        let out = common::run_example("nongjiang", &all).ok().stdout();
        out.lines()
            .find(|l| l.trim_start().starts_with(first))
            .unwrap_or_else(|| panic!("{first}:\n{out}"))
            .to_string()
    };
    for (lang, visitor, in_charge, household, date) in [
        ("en", "visitor", "worker in charge", "household", "date"),
        ("zh", "走访人", "负责人", "户号", "日期"),
    ] {
        let history = header(lang, &["history", "HW01-1-0202"], date);
        assert!(history.contains(visitor), "{history}");
        assert!(!history.contains(in_charge), "{history}");
        for args in [&["due"][..], &["households"]] {
            let line = header(lang, args, household);
            assert!(
                line.contains(in_charge) && !line.contains(visitor),
                "{line}"
            );
        }
        let report = header(
            lang,
            &["report", "--month", "2020-06", "--format", "md"],
            &format!("| {household} |"),
        );
        assert!(report.contains(in_charge), "{report}");
    }
    // The visit log's column is its 走访人, in a message too.
    let w = Workdir::new();
    w.write("residents.csv", RESIDENTS)
        .write("visits.csv", "date,household\n")
        .write("log.csv", "日期,户号,走访人\n2020-07-01,H1,马春英\n");
    w.run(&["--today", "2020-07-20", "--lang", "zh", "import", "log.csv"])
        .expect(3)
        .stderr_has("visits.csv 没有走访人列")
        .never_says("负责人");
}

/// Every line of `text` as wide as a terminal shows it (a Chinese
/// character takes two columns).
fn widest(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Chinese help at 80 columns: clap breaks lines only at spaces, which
/// Chinese lacks; every line of every command's help fits, and the words
/// are those of the help at any width, in the same order.
#[test]
fn help_in_chinese_fits_80_columns_and_loses_nothing() {
    let help = |args: &[&str], columns: &str| {
        let out = raw(args, &[("COLUMNS", columns)]);
        let out = if args.len() == 3 && args[2] == "need" {
            out.expect(2).stderr()
        } else {
            out.ok().stdout()
        };
        out.to_string()
    };
    let root = help(&["--lang", "zh", "--help"], "80");
    let commands: Vec<String> = root
        .split("命令：")
        .nth(1)
        .expect("the commands")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's name at two spaces; its help's further lines deeper.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(
        commands.len() > 10 && commands.contains(&"report".to_string()),
        "{root}"
    );
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    for command in (commands.iter().map(String::as_str))
        .filter(|c| *c != "help")
        .chain([""])
    {
        let args: Vec<&str> = ["--lang", "zh", command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let narrow = help(&args, "80");
        assert!(widest(&narrow) <= 80, "{command}:\n{narrow}");
        let wide = help(&args, "400");
        assert_eq!(bare(&narrow), bare(&wide), "{command}");
        let short: Vec<&str> = (args.iter())
            .map(|&a| if a == "--help" { "-h" } else { a })
            .collect();
        let short = help(&short, "60");
        assert!(widest(&short) <= 60, "{command}:\n{short}");
    }
    // `help COMMAND` is the same help, fitted the same.
    let via = help(&["--lang", "zh", "help", "report"], "80");
    assert_eq!(via, help(&["--lang", "zh", "report", "--help"], "80"));
    // A command given without its subcommand shows its help on stderr, fitted too.
    let need = help(&["--lang", "zh", "need"], "80");
    assert!(widest(&need) <= 80 && need.contains("命令："), "{need}");
}
