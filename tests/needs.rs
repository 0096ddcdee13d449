//! The needs ledger (needs.csv): `need add`, `need update`, `need
//! follow-up`, `needs`, needs opened by an import's `need` column, the
//! `open_needs` of `due`, the needs sections of `report`, and bad input
//! refused with nothing written.

mod common;

use common::{Workdir, community, example_copy, run_example};
use serde_json::Value;

const RESIDENTS: &str = "id,household,name,level,grid,building,visitor\n\
    R1,H1,张三,red,东岗,1,王建国\n\
    R2,H2,李四,green,东岗,2,王建国\n\
    R3,H3,赵五,yellow,西岗,1,李秀兰\n\
    R4,H4,钱六,orange,西岗,2,李秀兰\n";

const VISITS: &str = "date,household,visitor,kind,note,persons\n\
    2020-06-01,H1,王建国,入户,,1\n\
    2020-06-08,H1,王建国,入户,,1\n\
    2020-06-10,H3,李秀兰,入户,,1\n\
    2020-05-20,H4,李秀兰,入户,,1\n";

/// A ledger whose June 2020 figures are worked out by hand in
/// `the_report_section_adds_up`.
const LEDGER: &str = "id,household,raised,raised_by,category,text,status,started,resolved,resolution,follow_up,satisfaction\n\
    N0001,H1,2020-06-02,王建国,生活困难,暖气不热,resolved,2020-06-03,2020-06-12,换阀门,2020-06-20,满意\n\
    N0002,H2,2020-06-05,王建国,矛盾纠纷,邻里纠纷,resolved,,2020-06-09,调解,2020-06-15,不满意\n\
    N0003,H3,2020-06-10,李秀兰,政策咨询,医保,in_progress,2020-06-11,,,,\n\
    N0004,H4,2020-06-20,李秀兰,环境设施,楼道灯,open,,,,,\n\
    N0005,H3,2020-04-01,李秀兰,环境设施,屋顶漏雨,resolved,2020-04-02,2020-06-25,修好,,\n\
    N0006,H1,2020-05-01,王建国,医疗健康,送药,open,,,,,\n\
    N0007,H2,2020-06-15,王建国,其他,志愿服务,resolved,2020-06-16,2020-07-05,已登记,,\n\
    N0008,H4,2020-07-02,李秀兰,其他,讲座,open,,,,,\n";

fn with_ledger() -> Workdir {
    community(RESIDENTS, VISITS).with("needs.csv", LEDGER)
}

fn ledger_rows(wd: &Workdir) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = String::from_utf8(wd.read("needs.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn need_add_prints_a_short_id_and_keeps_the_need() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H1",
        "--text",
        "暖气不热",
        "--category",
        "生活困难",
        "--date",
        "2020/7/3",
        "--by",
        "马春英",
    ])
    .ok()
    .stdout_has("opened need N0001 for H1");
    wd.run(&[
        "--today",
        "2020-07-20",
        "--lang",
        "zh",
        "need",
        "add",
        "R3",
        "--text",
        "想咨询医保",
    ])
    .ok()
    .stdout_has("已登记诉求 N0002（H3）");
    let rows = ledger_rows(&wd);
    assert_eq!(rows.len(), 2);
    let (a, b) = (&rows[0], &rows[1]);
    assert_eq!(
        (
            a["id"].as_str(),
            a["household"].as_str(),
            a["raised"].as_str()
        ),
        ("N0001", "H1", "2020-07-03")
    );
    assert_eq!(
        (a["raised_by"].as_str(), a["category"].as_str()),
        ("马春英", "生活困难")
    );
    assert_eq!(
        (a["text"].as_str(), a["status"].as_str()),
        ("暖气不热", "open")
    );
    // A resident's id stands for the household; the defaults: --today,
    // the worker in charge, the last configured category.
    assert_eq!(
        (
            b["household"].as_str(),
            b["raised"].as_str(),
            b["raised_by"].as_str(),
            b["category"].as_str()
        ),
        ("H3", "2020-07-20", "李秀兰", "其他")
    );
    #[cfg(unix)]
    {
        // A new ledger follows the umask, as a file written here does.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode();
        wd.write("probe", "");
        assert_eq!(
            mode(&wd.join("needs.csv")) & 0o777,
            mode(&wd.join("probe")) & 0o777
        );
    }
}

#[test]
fn a_need_is_handled_resolved_and_followed_up() {
    let wd = community(RESIDENTS, VISITS);
    let t = ["--today", "2020-07-20"];
    let run = |args: &[&str]| wd.run(&[&t[..], args].concat());
    run(&[
        "need",
        "add",
        "H2",
        "--text",
        "邻居装修噪音",
        "--category",
        "矛盾纠纷",
        "--date",
        "2020-06-01",
    ])
    .ok();
    run(&[
        "need",
        "update",
        "N0001",
        "--status",
        "in_progress",
        "--date",
        "2020-06-02",
    ])
    .ok()
    .stdout_has("need N0001 is now in progress");
    run(&[
        "need",
        "update",
        "N0001",
        "--status",
        "resolved",
        "--resolution",
        "调解室调解，约定施工时间",
        "--date",
        "20200610",
    ])
    .ok()
    .stdout_has("need N0001 is now resolved");
    run(&[
        "need",
        "follow-up",
        "N0001",
        "--satisfaction",
        "基本满意",
        "--date",
        "2020年6月20日",
    ])
    .ok()
    .stdout_has("recorded the follow-up of need N0001: basically satisfied");
    let row = &ledger_rows(&wd)[0];
    assert_eq!(row["status"], "resolved");
    assert_eq!(row["started"], "2020-06-02");
    assert_eq!(row["resolved"], "2020-06-10");
    assert_eq!(row["resolution"], "调解室调解，约定施工时间");
    assert_eq!(row["follow_up"], "2020-06-20");
    assert_eq!(row["satisfaction"], "基本满意");
    let listed = run(&["needs", "--format", "json"]).ok().json();
    let n = &listed[0];
    assert_eq!(n["status"], "resolved");
    assert_eq!(n["satisfaction"], "basically_satisfied");
    assert_eq!(n["days_open"], 9);
    // As of a day in between, the need was still being handled.
    let then = wd
        .run(&["--today", "2020-06-05", "needs", "--format", "json"])
        .ok()
        .json();
    assert_eq!(then[0]["status"], "in_progress");
    assert_eq!(then[0]["resolved"], Value::Null);
    assert_eq!(then[0]["days_open"], 4);
}

#[test]
fn needs_lists_with_every_filter() {
    let wd = with_ledger();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--today", "2020-07-20", "needs", "--format", "csv"];
        all.extend_from_slice(args);
        wd.run(&all)
            .ok()
            .csv()
            .iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    assert_eq!(ids(&[]).len(), 8);
    assert_eq!(ids(&["--open"]), ["N0006", "N0003", "N0004", "N0008"]);
    assert_eq!(
        ids(&["--grid", "西岗"]),
        ["N0005", "N0003", "N0004", "N0008"]
    );
    assert_eq!(
        ids(&["--visitor", "王建国"]),
        ["N0006", "N0001", "N0002", "N0007"]
    );
    assert_eq!(
        ids(&["--category", "其他,环境设施"]),
        ["N0005", "N0007", "N0004", "N0008"]
    );
    // Raised more than 40 days before 2020-07-20 (2020-06-10 is 40 days).
    assert_eq!(
        ids(&["--older-than", "40"]),
        ["N0005", "N0006", "N0001", "N0002"]
    );
    assert_eq!(
        ids(&["--open", "--older-than", "30", "--grid", "西岗"]),
        ["N0003"]
    );
    // Needs raised after --today are not listed yet.
    let early = wd
        .run(&["--today", "2020-06-30", "needs", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(early.len(), 7);
    let n7 = early.iter().find(|r| r["id"] == "N0007").unwrap();
    assert_eq!(
        (n7["status"].as_str(), n7["resolved"].as_str()),
        ("in_progress", "")
    );
    let csv = wd
        .run(&["--today", "2020-07-20", "needs", "--format", "csv"])
        .ok()
        .stdout();
    assert!(csv.starts_with(
        "id,household,grid,raised,raised_by,category,text,status,started,resolved,resolution,follow_up,satisfaction,days_open\n"
    ));
    let json = wd
        .run(&[
            "--today",
            "2020-07-20",
            "needs",
            "--format",
            "json",
            "--open",
        ])
        .ok()
        .json();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[0]["grid"], "东岗");
    assert_eq!(json[0]["days_open"], 80);
    wd.run(&["--today", "2020-07-20", "--lang", "zh", "needs", "--open"])
        .ok()
        .stdout_has("N0006")
        .stdout_has("待办理")
        .stdout_has("办理中")
        .stdout_has("列出 4 条诉求，其中未办结 4 条")
        .never_says("N0001");
    wd.run(&["--today", "2020-07-20", "needs", "--category", "天气"])
        .expect(2)
        .stderr_has("unknown category '天*'");
    // A community without a ledger has no needs, and that is no error.
    community(RESIDENTS, VISITS)
        .run(&["--today", "2020-07-20", "needs"])
        .ok()
        .stdout_has("No need is listed.");
}

#[test]
fn an_import_opens_the_needs_of_its_need_column_once() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "log.csv",
        "日期,户号,走访人,走访情况,诉求,诉求类别\n\
         2020-07-01,H1,王建国,正常,楼道灯坏了,环境设施\n\
         2020-07-02,H2,王建国,正常,,\n\
         2020-07-02,H4,李秀兰,正常,咨询低保,\n",
    );
    wd.run(&["--today", "2020-07-20", "import", "log.csv"])
        .ok()
        .stdout_has("3 visits added")
        .stdout_has("2 needs opened in needs.csv: N0001, N0002");
    let rows = ledger_rows(&wd);
    assert_eq!(rows.len(), 2);
    // Linked to its visit: the visit's household, day and worker.
    assert_eq!(
        (
            rows[0]["household"].as_str(),
            rows[0]["raised"].as_str(),
            rows[0]["raised_by"].as_str(),
            rows[0]["category"].as_str(),
            rows[0]["text"].as_str()
        ),
        ("H1", "2020-07-01", "王建国", "环境设施", "楼道灯坏了")
    );
    assert_eq!(
        (rows[1]["household"].as_str(), rows[1]["category"].as_str()),
        ("H4", "其他")
    );
    // Importing the same log again adds no visit and opens no need.
    let before = (wd.read("visits.csv"), wd.read("needs.csv"));
    let again = wd
        .run(&[
            "--today",
            "2020-07-20",
            "--format",
            "json",
            "import",
            "log.csv",
        ])
        .ok()
        .json();
    assert_eq!(again["imported"], 0);
    assert_eq!(again["needs_opened"], serde_json::json!([]));
    assert_eq!((wd.read("visits.csv"), wd.read("needs.csv")), before);
    // A log without a need column says nothing of needs.
    wd.write("plain.csv", "date,household\n2020-07-03,H3\n");
    wd.run(&["--today", "2020-07-20", "import", "plain.csv"])
        .ok()
        .never_says("need");
    // A JSON log too; an empty visitor leaves the need to the worker in charge.
    wd.write(
        "log.json",
        r#"[{"date": "2020-07-05", "household": "H3", "need": "门禁坏了", "need_category": "环境设施"}]"#,
    );
    wd.run(&["--today", "2020-07-20", "import", "log.json"])
        .ok()
        .stdout_has("1 need opened in needs.csv: N0003");
    let n3 = ledger_rows(&wd).pop().unwrap();
    assert_eq!(
        (
            n3["household"].as_str(),
            n3["raised_by"].as_str(),
            n3["text"].as_str()
        ),
        ("H3", "李秀兰", "门禁坏了")
    );
    // An unknown category rejects the row, visit and need alike.
    wd.write(
        "bad.csv",
        "date,household,need,need_category\n2020-07-04,H3,漏水,天气\n",
    );
    wd.run(&["--today", "2020-07-20", "import", "bad.csv"])
        .expect(1)
        .stderr_has("bad.csv:2: rejected: unknown category '天*'");
    assert_eq!(ledger_rows(&wd).len(), 3);
    assert!(
        !String::from_utf8(wd.read("visits.csv"))
            .unwrap()
            .contains("2020-07-04")
    );
}

#[test]
fn due_counts_open_needs_only_with_a_ledger() {
    let wd = community(RESIDENTS, VISITS);
    let plain = wd
        .run(&["--today", "2020-07-20", "due", "--all", "--format", "csv"])
        .ok()
        .stdout();
    assert_eq!(
        plain.lines().next().unwrap(),
        "household,level,grid,building,unit,room,visitor,last_visit,deadline,status,days_overdue,days_left,tags"
    );
    let json = wd
        .run(&["--today", "2020-07-20", "due", "--all", "--format", "json"])
        .ok()
        .json();
    assert!(json[0].get("open_needs").is_none());
    wd.write("needs.csv", LEDGER);
    let run = wd
        .run(&["--today", "2020-07-20", "due", "--all", "--format", "csv"])
        .ok();
    assert!(
        run.stdout()
            .lines()
            .next()
            .unwrap()
            .ends_with(",days_left,open_needs,tags")
    );
    let open: std::collections::BTreeMap<String, String> = run
        .csv()
        .into_iter()
        .map(|r| (r["household"].clone(), r["open_needs"].clone()))
        .collect();
    // H1: N0006; H2: N0007 resolved on 07-05; H3: N0003; H4: N0004, N0008.
    assert_eq!(open["H1"], "1");
    assert_eq!(open["H2"], "0");
    assert_eq!(open["H3"], "1");
    assert_eq!(open["H4"], "2");
    let json = wd
        .run(&["--today", "2020-07-20", "due", "--all", "--format", "json"])
        .ok()
        .json();
    let h4 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household"] == "H4")
        .unwrap();
    assert_eq!(h4["open_needs"], 2);
    // The table marks households with open needs, and flags one whose
    // need has been open past the limit (30 days: H1's 80, H3's 40; H4's
    // oldest is exactly 30).
    let table = wd
        .run(&["--today", "2020-07-20", "due", "--all"])
        .ok()
        .stdout();
    let line = |h: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(h))
            .unwrap()
            .to_string()
    };
    assert!(line("H1").contains("1 open, 80 d!"), "{table}");
    assert!(line("H3").contains("1 open, 40 d!"), "{table}");
    assert!(
        line("H4").contains("2 open") && !line("H4").contains('!'),
        "{table}"
    );
    assert!(!line("H2").contains("open"), "{table}");
    assert!(table.contains("open needs: 3 listed households (2 open more than 30 days, marked !)"));
    // The limit comes from rounds.toml.
    wd.write("rounds.toml", "[needs]\nflag_after_days = 50\n");
    let table = wd
        .run(&["--today", "2020-07-20", "--lang", "zh", "due", "--all"])
        .ok()
        .stdout();
    assert!(table.contains("1 件未办结，已 80 天！"), "{table}");
    assert!(table.contains("（其中 1 户超过 50 天，标有！）"), "{table}");
}

#[test]
fn the_report_section_adds_up() {
    let wd = with_ledger();
    let r = wd
        .run(&[
            "--today",
            "2020-07-20",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let n = &r["needs"];
    let get = |v: &Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k}: {v}"));
    // Raised in June: N1, N2, N3, N4, N7; at the end of June N1 and N2
    // were resolved, N3 and N7 in progress (N7 resolved in July), N4 open.
    assert_eq!(get(n, "raised"), 5);
    assert_eq!(
        get(n, "raised"),
        get(n, "raised_resolved") + get(n, "raised_in_progress") + get(n, "raised_open")
    );
    assert_eq!(
        (
            get(n, "raised_resolved"),
            get(n, "raised_in_progress"),
            get(n, "raised_open")
        ),
        (2, 2, 1)
    );
    // Resolved in June: N1 (10 days), N2 (4), N5 (85): median 10.
    assert_eq!(get(n, "resolved"), 3);
    assert_eq!(n["median_days_to_resolve"], 10.0);
    // Unresolved on 06-30: N3, N7 in progress; N4, N6 open; N6 for 60 days.
    assert_eq!(get(n, "unresolved_at_end"), 4);
    assert_eq!(
        get(n, "unresolved_at_end"),
        get(n, "in_progress_at_end") + get(n, "open_at_end")
    );
    assert_eq!(get(n, "unresolved_over_limit"), 1);
    // Follow-ups in June: N1 satisfied, N2 dissatisfied.
    assert_eq!(get(n, "follow_ups"), 2);
    assert_eq!((get(n, "satisfied"), get(n, "dissatisfied")), (1, 1));
    assert_eq!(n["satisfaction_rate"], 0.5);
    // By category and by grid, the rows add up to the total.
    for (list, key) in [("by_category", "category"), ("by_grid", "grid")] {
        let rows = n[list].as_array().unwrap();
        for field in [
            "raised",
            "resolved",
            "unresolved_at_end",
            "follow_ups",
            "raised_open",
        ] {
            let sum: u64 = rows.iter().map(|x| get(x, field)).sum();
            assert_eq!(sum, get(n, field), "{list} {field}");
        }
        assert!(rows.iter().all(|x| x[key].is_string()));
    }
    let grids = n["by_grid"].as_array().unwrap();
    assert_eq!(
        (grids[0]["grid"].as_str(), get(&grids[0], "raised")),
        (Some("东岗"), 3)
    );
    assert_eq!(
        (grids[1]["grid"].as_str(), get(&grids[1], "resolved")),
        (Some("西岗"), 1)
    );
    let categories: Vec<&str> = n["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            "生活困难",
            "矛盾纠纷",
            "政策咨询",
            "医疗健康",
            "环境设施",
            "其他"
        ]
    );
    // Per worker: the June visits next to the needs they took up.
    let workers = n["workers"].as_array().unwrap();
    let w = |name: &str| {
        workers
            .iter()
            .find(|x| x["worker"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            get(&w("王建国"), "visits"),
            get(&w("王建国"), "raised"),
            get(&w("王建国"), "resolved")
        ),
        (2, 3, 2)
    );
    assert_eq!(
        (
            get(&w("李秀兰"), "visits"),
            get(&w("李秀兰"), "raised"),
            get(&w("李秀兰"), "resolved")
        ),
        (1, 2, 1)
    );
    for (name, visits) in r["visits_by_visitor"].as_object().unwrap() {
        assert_eq!(get(&w(name), "visits"), visits.as_u64().unwrap());
    }
    // The keys the report had before are all still there.
    for key in [
        "month",
        "as_of",
        "households",
        "visits",
        "overdue",
        "compliance",
        "trend",
    ] {
        assert!(r.get(key).is_some(), "{key}");
    }
}

#[test]
fn every_report_format_has_the_needs_sections() {
    let wd = with_ledger();
    let base = ["--today", "2020-07-20", "report", "--month", "2020-06"];
    let run = |extra: &[&str]| wd.run(&[&base[..], extra].concat()).ok().stdout();
    let table = run(&["--lang", "zh"]);
    assert!(table.contains("诉求办理情况（分类别）"));
    assert!(table.contains("诉求办理情况（分网格）"));
    assert!(table.contains("服务次数与效果"));
    let md = run(&["--format", "md"]);
    assert!(md.contains("## Needs by category"));
    assert!(md.contains("## Service and results by worker"));
    assert!(
        md.contains("| total | 5 | 2 | 2 | 1 | 40.0% | 3 | 4 | 1 | 10.0 | 2 | 50.0% |"),
        "{md}"
    );
    let html = run(&["--format", "html"]);
    assert!(html.contains("<h2>Needs by grid</h2>"));
    let csv = wd
        .run(&[&base[..], &["--format", "csv", "--section", "needs"]].concat())
        .ok()
        .csv();
    let total = csv.iter().find(|r| r["category"].is_empty()).unwrap();
    assert_eq!(total["raised"], "5");
    assert_eq!(total["median_days_to_resolve"], "10");
    assert_eq!(total["satisfaction_rate"], "0.5000");
    let workers = wd
        .run(&[&base[..], &["--format", "csv", "--section", "need-workers"]].concat())
        .ok()
        .csv();
    assert_eq!(workers.len(), 2);
    assert!(workers[0].contains_key("visits"));
    // -o FILE.csv writes the needs sections beside the others.
    wd.run(&[&base[..], &["-o", "june.csv"]].concat()).ok();
    for s in ["needs", "need-grids", "need-workers"] {
        assert!(wd.join(&format!("june-{s}.csv")).exists(), "{s}");
    }
    wd.run(&[&base[..], &["-o", "june.xlsx", "--lang", "zh"]].concat())
        .ok();
    assert!(wd.join("june.xlsx").exists());
    // Without a ledger the report is as it was: no needs key, no section.
    let plain = community(RESIDENTS, VISITS);
    let r = plain
        .run(&[&base[..], &["--format", "json"]].concat())
        .ok()
        .json();
    assert!(r.get("needs").is_none());
    let table = plain.run(&base).ok().stdout();
    assert!(!table.contains("Needs by category"));
}

#[test]
fn the_example_june_report_shows_its_needs() {
    let r = run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-20",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    let n = &r["needs"];
    let get = |k: &str| n[k].as_u64().unwrap();
    assert!(get("raised") > 0 && get("resolved") > 0 && get("follow_ups") > 0);
    assert!(get("unresolved_at_end") > 0, "some needs are still open");
    assert_eq!(
        get("raised"),
        get("raised_resolved") + get("raised_in_progress") + get("raised_open")
    );
    run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-20",
            "--lang",
            "zh",
            "report",
            "--month",
            "2020-06",
        ],
    )
    .ok()
    .stdout_has("诉求办理情况（分类别）")
    .stdout_has("服务次数与效果");
    // Mediated disputes with follow-ups, over the half-year.
    let half = run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-20",
            "report",
            "--half",
            "2020-H1",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    let disputes = half["needs"]["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "矛盾纠纷")
        .unwrap()
        .clone();
    assert!(disputes["resolved"].as_u64().unwrap() > 0);
    assert!(disputes["follow_ups"].as_u64().unwrap() > 0);
    assert!(
        half["needs"]["raised"].as_u64().unwrap() >= 24,
        "a few dozen needs"
    );
}

/// Runs a command that must be refused, and checks that no file changed.
fn refused(wd: &Workdir, args: &[&str], says: &str) {
    let files = ["needs.csv", "visits.csv", "residents.csv"];
    let before: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|f| std::fs::read(wd.join(f)).ok())
        .collect();
    let mut all = vec!["--today", "2020-07-20"];
    all.extend_from_slice(args);
    wd.run(&all).expect(2).stderr_has(says);
    let after: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|f| std::fs::read(wd.join(f)).ok())
        .collect();
    assert_eq!(before, after, "rounds {args:?} changed a file");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let wd = with_ledger();
    refused(
        &wd,
        &["need", "update", "N0099", "--status", "resolved"],
        "no need has the id 'N0099'",
    );
    refused(
        &wd,
        &["need", "follow-up", "N0099", "--satisfaction", "满意"],
        "no need has the id 'N0099'",
    );
    refused(
        &wd,
        &["need", "add", "H1", "--text", "x", "--category", "天气"],
        "unknown category '天*' (use one of 生活困难",
    );
    refused(
        &wd,
        &[
            "need",
            "update",
            "N0004",
            "--status",
            "resolved",
            "--date",
            "2020-06-19",
        ],
        "resolved 2020-06-19 is before raised 2020-06-20",
    );
    refused(
        &wd,
        &[
            "need",
            "update",
            "N0004",
            "--status",
            "resolved",
            "--date",
            "2020-02-30",
        ],
        "invalid date '2020-02-30' in date: no such day",
    );
    refused(
        &wd,
        &["need", "add", "H1", "--text", "x", "--date", "2020-13-01"],
        "no such day",
    );
    refused(
        &wd,
        &["need", "add", "H1", "--text", "x", "--date", "soon"],
        "is not a date",
    );
    refused(
        &wd,
        &["need", "add", "H1", "--text", "x", "--date", "2020-08-01"],
        "after today",
    );
    refused(
        &wd,
        &["need", "add", "ZZ9", "--text", "x"],
        "no household or resident 'ZZ9' in the roster",
    );
    refused(&wd, &["need", "add", "H1", "--text", "  "], "empty text");
    refused(
        &wd,
        &["need", "update", "N0004", "--status", "done"],
        "status 'done' is not",
    );
    refused(
        &wd,
        &["need", "update", "N0004", "--status", "open"],
        "status 'open' is not",
    );
    refused(
        &wd,
        &["need", "follow-up", "N0004", "--satisfaction", "满意"],
        "a follow-up of a need that is not resolved",
    );
    refused(
        &wd,
        &["need", "follow-up", "N0001", "--satisfaction", "很好"],
        "satisfaction '很*' is not one of",
    );
    refused(
        &wd,
        &[
            "need",
            "follow-up",
            "N0001",
            "--satisfaction",
            "满意",
            "--date",
            "2020-06-11",
        ],
        "follow_up 2020-06-11 is before resolved 2020-06-12",
    );
    refused(
        &wd,
        &["need", "update", "N0001", "--status", "in_progress"],
        "already resolved on 2020-06-12",
    );
    // In Chinese too.
    refused(
        &wd,
        &[
            "--lang", "zh", "need", "update", "N0099", "--status", "resolved",
        ],
        "没有编号为“N0099”的诉求",
    );
    // Without a ledger, a refused add creates none.
    let plain = community(RESIDENTS, VISITS);
    refused(
        &plain,
        &["need", "add", "ZZ9", "--text", "x"],
        "no household or resident 'ZZ9'",
    );
    assert!(!plain.join("needs.csv").exists());
}

#[test]
fn a_broken_ledger_is_named_by_check_and_stops_the_others() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "needs.csv",
        "编号,户号,提出日期,类别,诉求,状态,办结日期\n\
         N0001,H1,2020/6/1,其他,a,已办结,2020年6月3日\n\
         N0002,H1,2020-06-31,其他,b,,\n\
         N0003,H9,2020-06-01,其他,c,,\n\
         N0001,H2,2020-06-02,其他,d,,\n",
    );
    let out = wd
        .run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout();
    assert!(
        out.contains("needs.csv:3: error: invalid date '2020-06-31' in raised: no such day"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:4: warning: unknown household 'H9'"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:5: error: need id 'N0001' is used again (first on line 2)"),
        "{out}"
    );
    assert!(out.contains("in 3 files"), "{out}");
    wd.run(&["--today", "2020-07-20", "due"])
        .expect(3)
        .stderr_has("needs.csv:3");
    wd.run(&["--today", "2020-07-20", "report", "--month", "2020-06"])
        .expect(3);
    let before = wd.read("needs.csv");
    wd.run(&["--today", "2020-07-20", "need", "add", "H1", "--text", "x"])
        .expect(3);
    assert_eq!(wd.read("needs.csv"), before);
}

#[test]
fn categories_and_the_flag_limit_come_from_rounds_toml() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "rounds.toml",
        "[needs]\ncategories = [\"水电暖\", \"邻里\", \"其它\"]\nflag_after_days = 7\n",
    );
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H1",
        "--text",
        "停水",
        "--category",
        "水电暖",
    ])
    .ok();
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H1",
        "--text",
        "咨询",
    ])
    .ok();
    let rows = ledger_rows(&wd);
    assert_eq!(
        (rows[0]["category"].as_str(), rows[1]["category"].as_str()),
        ("水电暖", "其它")
    );
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H1",
        "--text",
        "x",
        "--category",
        "生活困难",
    ])
    .expect(2)
    .stderr_has("use one of 水电暖, 邻里, 其它");
    wd.write(
        "rounds.toml",
        "[needs]\ncategories = [\"a\"]\nflag_after = 7\n",
    );
    wd.run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout_has("rounds.toml:3");
}

#[test]
fn a_hand_kept_ledger_in_chinese_with_any_date_form() {
    let wd = community(RESIDENTS, VISITS);
    let text = "编号,户号,提出日期,登记人,类别,诉求,状态,办理日期,办结日期,办理结果,回访日期,满意度,备注\r\n\
                A-7,H2,2020年5月3日,王建国,矛盾纠纷,漏水,已办结,2020.5.4,20200510,调解,2020/5/20,满意,纸质台账补录\r\n";
    let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
    wd.write("needs.csv", &gbk);
    let listed = wd
        .run(&["--today", "2020-07-20", "needs", "--format", "json"])
        .ok()
        .json();
    assert_eq!(listed[0]["id"], "A-7");
    assert_eq!(listed[0]["raised"], "2020-05-03");
    assert_eq!(listed[0]["started"], "2020-05-04");
    assert_eq!(listed[0]["follow_up"], "2020-05-20");
    // A new need follows the file: its encoding, line ends and columns,
    // the unknown column kept.
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H3",
        "--text",
        "路灯",
    ])
    .ok()
    .stdout_has("N0001");
    let bytes = wd.read("needs.csv");
    let (back, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    assert!(back.starts_with(text), "{back}");
    // Its status in the words of the Chinese header.
    assert!(
        back.ends_with("N0001,H3,2020-07-20,李秀兰,其他,路灯,待办理,,,,,,\r\n"),
        "{back}"
    );
    wd.run(&[
        "--today",
        "2020-07-21",
        "need",
        "update",
        "N0001",
        "--status",
        "in_progress",
    ])
    .ok();
    let bytes = wd.read("needs.csv");
    let (back, _, _) = encoding_rs::GB18030.decode(&bytes);
    assert!(
        back.ends_with("N0001,H3,2020-07-20,李秀兰,其他,路灯,办理中,2020-07-21,,,,,\r\n"),
        "{back}"
    );
    assert!(back.contains(",已办结,"), "{back}");
    // Scripts still read the machine words.
    let listed = wd
        .run(&["--today", "2020-07-21", "needs", "--format", "json"])
        .ok()
        .json();
    assert_eq!(listed[1]["status"], "in_progress");
}

#[test]
fn an_unfinished_change_to_the_ledger_is_rolled_back() {
    let wd = with_ledger();
    // A process was killed after journaling the ledger's length and
    // writing part of a new row.
    wd.write("needs.csv", format!("{LEDGER}N0009,H1,2020-07-0"));
    wd.write(
        ".needs.csv.journal",
        format!("rounds journal 1\n{}\n", LEDGER.len()),
    );
    let listed = wd
        .run(&["--today", "2020-07-20", "needs", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(listed.len(), 8);
    assert_eq!(wd.read("needs.csv"), LEDGER.as_bytes());
    assert!(!wd.join(".needs.csv.journal").exists());
    // A new need is appended whole, through the journal, which is gone after.
    wd.run(&[
        "--today",
        "2020-07-20",
        "need",
        "add",
        "H1",
        "--text",
        "楼道堆物",
    ])
    .ok()
    .stdout_has("N0009");
    let text = String::from_utf8(wd.read("needs.csv")).unwrap();
    assert!(text.starts_with(LEDGER));
    assert!(
        text.ends_with("N0009,H1,2020-07-20,王建国,其他,楼道堆物,open,,,,,\n"),
        "{text}"
    );
    assert!(!wd.join(".needs.csv.journal").exists());
}

/// A copy of the example community, with a visit log whose need and
/// worker would run as spreadsheet formulas.
fn nongjiang_with_formula_log() -> Workdir {
    example_copy("nongjiang").with(
        "log.csv",
        "date,household,visitor,note,need\n\
         2020-06-29,HW08-2-0201,周晓梅,ok,=1+A1 heating\n\
         2020-06-28,DG07-1-0401,+evil,ok,-cmd|calc\n",
    )
}

#[test]
fn guarded_cells_of_the_ledger_read_back_as_their_text() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let wd = nongjiang_with_formula_log();
    let today = ["--today", "2020-06-30"];
    let first = wd
        .run(&[&today[..], &["--format", "json", "import", "log.csv"]].concat())
        .ok()
        .json();
    assert_eq!(first["needs_opened"].as_array().unwrap().len(), 2);
    // The file keeps the guard: a spreadsheet shows these cells as text.
    let stored = String::from_utf8(wd.read("needs.csv")).unwrap();
    assert!(stored.contains(",'=1+A1 heating,"), "{stored}");
    assert!(stored.contains(",'+evil,"), "{stored}");
    // The same log again: the needs read back equal, nothing is opened.
    let before = wd.read("needs.csv");
    let again = wd
        .run(&[&today[..], &["--format", "json", "import", "log.csv"]].concat())
        .ok()
        .json();
    assert_eq!(again["needs_opened"], serde_json::json!([]));
    assert_eq!(wd.read("needs.csv"), before);

    // Outputs show the text as given; csv keeps its own single guard.
    let listed = wd
        .run(
            &[
                &today[..],
                &["--format", "json", "needs", "--visitor=+evil"],
            ]
            .concat(),
        )
        .ok()
        .json();
    let listed = listed.as_array().unwrap();
    assert_eq!(
        listed.len(),
        1,
        "--visitor=+evil matches the ledger's worker"
    );
    assert_eq!(listed[0]["raised_by"], "+evil");
    assert_eq!(listed[0]["text"], "-cmd|calc");
    let table = wd.run(&[&today[..], &["needs", "--open"]].concat()).ok();
    let table = table.stdout_has("=1+A1 heating").never_says("'=1+A1");
    table.never_says("'+evil");
    let csv = wd
        .run(&[&today[..], &["--format", "csv", "needs", "--open"]].concat())
        .ok()
        .stdout();
    assert!(csv.contains(",'=1+A1 heating,"), "{csv}");
    assert!(!csv.contains("''"), "{csv}");

    // The report: one row for the worker, the visits beside the needs.
    let report = ["report", "--month", "2020-06"];
    let json = wd
        .run(&[&today[..], &report[..], &["--format", "json"]].concat())
        .ok()
        .json();
    let evil: Vec<&Value> = json["needs"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["worker"].as_str().unwrap().contains("evil"))
        .collect();
    assert_eq!(evil.len(), 1, "{evil:?}");
    assert_eq!(evil[0]["worker"], "+evil");
    assert_eq!(
        (evil[0]["visits"].as_u64(), evil[0]["raised"].as_u64()),
        (Some(1), Some(1))
    );
    for format in ["md", "html"] {
        let out = wd
            .run(&[&today[..], &report[..], &["--format", format]].concat())
            .ok()
            .stdout();
        assert!(out.contains("+evil"), "{format}");
        assert!(!out.contains("'+evil"), "{format}: {out}");
    }
    let path = wd.join("june.xlsx");
    wd.run(
        &[
            &today[..],
            &["--lang", "zh"],
            &report[..],
            &["-o", path.to_str().unwrap()],
        ]
        .concat(),
    )
    .ok();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let workers = book.worksheet_range("服务次数与效果").unwrap();
    let names: Vec<&Data> = workers
        .rows()
        .filter_map(|r| r.first())
        .filter(|c| c.to_string().contains("evil"))
        .collect();
    assert_eq!(names, [&Data::String("+evil".into())]);
}

#[test]
fn messages_never_echo_a_phone_number_or_a_name() {
    let wd = with_ledger();
    let phone = "13812345678";
    let id_number = "110105196106084776";
    let name = "王秀英";
    // Command arguments: each refused, naming neither the number nor the name.
    let cases: [&[&str]; 6] = [
        &["need", "add", phone, "--text", "x"],
        &["need", "update", id_number, "--status", "resolved"],
        &["need", "follow-up", phone, "--satisfaction", "满意"],
        &[
            "need",
            "add",
            "H1",
            "--text",
            "x",
            "--category",
            "王秀英13812345678",
        ],
        &["need", "follow-up", "N0001", "--satisfaction", name],
        &["need", "update", "N0004", "--status", name],
    ];
    for args in cases {
        for lang in ["en", "zh"] {
            let mut all = vec!["--today", "2020-07-20", "--lang", lang];
            all.extend_from_slice(args);
            let run = wd.run(&all).expect(2);
            let err = run.stderr();
            for secret in [phone, id_number, name, "王秀", "8123"] {
                assert!(!err.contains(secret), "{args:?} says {secret}: {err}");
            }
        }
    }
    wd.run(&["--today", "2020-07-20", "needs", "--category", name])
        .expect(2)
        .stderr_has("'王**'")
        .never_says(name);
    // Cells of needs.csv that hold a name or a number where a category, a
    // status or a satisfaction belongs.
    wd.write(
        "needs.csv",
        "id,household,raised,category,text,status,resolved,follow_up,satisfaction\n\
         N0001,H1,2020-06-01,王秀英,a,,,,\n\
         N0002,H1,2020-06-01,其他,b,13812345678,,,\n\
         N0003,H1,2020-06-01,其他,c,resolved,2020-06-02,2020-06-03,王秀英\n\
         N0004,13812345678,2020-06-01,其他,d,,,,\n",
    );
    let out = wd
        .run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout();
    assert!(
        out.contains("needs.csv:2: error: unknown category '王**'"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:3: error: status '138****5678'"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:4: error: satisfaction '王**'"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:5: warning: unknown household '138****5678'"),
        "{out}"
    );
    assert!(!out.contains(name) && !out.contains(phone), "{out}");
}

#[test]
fn need_update_names_the_statuses_it_takes() {
    let wd = with_ledger();
    for status in ["open", "done"] {
        let en = wd
            .run(&[
                "--today",
                "2020-07-20",
                "need",
                "update",
                "N0004",
                "--status",
                status,
            ])
            .expect(2)
            .stderr_has("(use in_progress or resolved)")
            .stderr();
        assert!(!en.contains("use open"), "{en}");
        wd.run(&[
            "--today",
            "2020-07-20",
            "--lang",
            "zh",
            "need",
            "update",
            "N0004",
            "--status",
            status,
        ])
        .expect(2)
        .stderr_has("（应为 in_progress 办理中 或 resolved 已办结）")
        .never_says("open 待办理");
    }
}

#[test]
fn check_names_every_problem_of_a_ledger_row() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "needs.csv",
        "id,household,raised,category,text,status,resolved,follow_up,satisfaction\n\
         N0001,H1,2020-06-01,天气,a,resolved,,,\n\
         N0002,H1,2020-06-05,其他,b,open,2020-06-01,,很好\n\
         N0003,H1,2020-06-05,天气,c,resolved,2020-06-31,,\n",
    );
    let out = wd
        .run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout();
    let of_line = |n: &str| {
        out.lines()
            .filter(|l| l.contains(&format!("needs.csv:{n}: error")))
            .count()
    };
    // An unknown category and a resolved need without its date.
    assert!(
        out.contains("needs.csv:2: error: unknown category"),
        "{out}"
    );
    assert!(
        out.contains("needs.csv:2: error: status resolved without a resolved date"),
        "{out}"
    );
    assert_eq!(of_line("2"), 2, "{out}");
    // A bad satisfaction, a resolved date before raised, a date on an open need.
    assert_eq!(of_line("3"), 3, "{out}");
    // A date that is not one is not read as missing: no rule on top of it.
    assert_eq!(of_line("4"), 2, "{out}");
}

#[test]
fn needs_masks_phone_and_id_numbers_in_free_text_unless_revealed() {
    let wd = community(RESIDENTS, VISITS);
    wd.write(
        "needs.csv",
        "id,household,raised,raised_by,category,text,status,resolved,resolution\n\
         N0001,H1,2020-06-01,,其他,请回电13812345678,resolved,2020-06-03,补办身份证110105196106084776\n\
         N0002,H2,2020-06-02,,其他,3号楼2-1001 补贴1200元,open,,\n\
         N0003,H2,2020-06-02,王芳15900002222,其他,修灯,open,,\n",
    );
    let phone = "13812345678";
    let id_number = "110105196106084776";
    let base = ["--today", "2020-07-20"];
    let run = |extra: &[&str]| wd.run(&[&base[..], extra].concat()).ok().stdout();
    for extra in [
        &["needs"][..],
        &["--lang", "zh", "needs"],
        &["--format", "csv", "needs"],
        &["--format", "json", "needs"],
    ] {
        let out = run(extra);
        assert!(out.contains("请回电138****5678"), "{extra:?}: {out}");
        assert!(
            out.contains("补办身份证110***********4776"),
            "{extra:?}: {out}"
        );
        assert!(
            !out.contains(phone) && !out.contains(id_number),
            "{extra:?}: {out}"
        );
        // Other numbers are left alone.
        assert!(out.contains("3号楼2-1001 补贴1200元"), "{extra:?}: {out}");
        // A worker's name as a visit log gave it, a phone number in it.
        assert!(out.contains("王芳159****2222"), "{extra:?}: {out}");
        assert!(!out.contains("15900002222"), "{extra:?}: {out}");
    }
    for extra in [
        &["needs", "--reveal"][..],
        &["--format", "csv", "needs", "--reveal"],
        &["--format", "json", "needs", "--reveal"],
    ] {
        let out = run(extra);
        assert!(out.contains("请回电13812345678"), "{extra:?}: {out}");
        assert!(
            out.contains("补办身份证110105196106084776"),
            "{extra:?}: {out}"
        );
        assert!(out.contains("王芳15900002222"), "{extra:?}: {out}");
    }
    // The filter takes the worker as written.
    let out = run(&["--format", "csv", "needs", "--visitor", "王芳15900002222"]);
    assert!(out.contains("N0003") && !out.contains("N0001"), "{out}");
    // The ledger itself is kept as written.
    let stored = String::from_utf8(wd.read("needs.csv")).unwrap();
    assert!(stored.contains(phone) && stored.contains(id_number));
}

#[test]
fn need_changes_are_told_in_the_format_asked_for() {
    let wd = community(RESIDENTS, VISITS);
    let base = ["--today", "2020-07-20"];
    let added = wd
        .run(
            &[
                &base[..],
                &[
                    "--format",
                    "json",
                    "need",
                    "add",
                    "H3",
                    "--text",
                    "门禁坏了",
                    "--date",
                    "2020-07-01",
                ],
            ]
            .concat(),
        )
        .ok()
        .json();
    assert_eq!(added["id"], "N0001");
    assert_eq!(added["household"], "H3");
    assert_eq!(added["grid"], "西岗");
    assert_eq!(added["raised"], "2020-07-01");
    assert_eq!(added["raised_by"], "李秀兰");
    assert_eq!(added["category"], "其他");
    assert_eq!(added["text"], "门禁坏了");
    assert_eq!(added["status"], "open");
    assert_eq!(added["days_open"], 19);
    let updated = wd
        .run(
            &[
                &base[..],
                &[
                    "--format",
                    "csv",
                    "need",
                    "update",
                    "N0001",
                    "--status",
                    "resolved",
                    "--resolution",
                    "换锁",
                    "--date",
                    "2020-07-03",
                ],
            ]
            .concat(),
        )
        .ok()
        .csv();
    assert_eq!(updated.len(), 1);
    assert_eq!(
        (
            updated[0]["id"].as_str(),
            updated[0]["status"].as_str(),
            updated[0]["resolved"].as_str(),
            updated[0]["resolution"].as_str(),
            updated[0]["days_open"].as_str()
        ),
        ("N0001", "resolved", "2020-07-03", "换锁", "2")
    );
    let followed = wd
        .run(
            &[
                &base[..],
                &[
                    "--format",
                    "json",
                    "need",
                    "follow-up",
                    "N0001",
                    "--satisfaction",
                    "基本满意",
                ],
            ]
            .concat(),
        )
        .ok()
        .json();
    assert_eq!(followed["follow_up"], "2020-07-20");
    assert_eq!(followed["satisfaction"], "basically_satisfied");
    // The table is the sentence.
    wd.run(&[&base[..], &["need", "add", "H1", "--text", "x"]].concat())
        .ok()
        .stdout_has("opened need N0002 for H1");
    // A format that is no list's is refused before anything is written.
    for format in ["md", "html", "xlsx"] {
        let before = wd.read("needs.csv");
        wd.run(
            &[
                &base[..],
                &["--format", format, "need", "add", "H1", "--text", "y"],
            ]
            .concat(),
        )
        .expect(2)
        .stderr_has("table, csv, json");
        assert_eq!(wd.read("needs.csv"), before, "{format}");
    }
}

/// 办结率 and 回访满意率 beside their counts, by hand (the ledger of
/// `the_report_section_adds_up`).
#[test]
fn resolution_and_satisfaction_rates_beside_their_counts() {
    let wd = with_ledger();
    let base = ["--today", "2020-07-20", "report", "--month", "2020-06"];
    let run = |extra: &[&str]| wd.run(&[&base[..], extra].concat()).ok();
    let r = run(&["--format", "json"]).json();
    let n = &r["needs"];
    // Raised in June: N1, N2, N3, N4, N7; resolved by 06-30: N1 and N2.
    assert_eq!(n["resolution_rate"], 0.4);
    // Follow-ups in June: N1 satisfied, N2 dissatisfied.
    assert_eq!(n["satisfaction_rate"], 0.5);
    // 东岗 raised N1, N2, N7 (resolved 07-05): 2 of 3; 西岗 N3, N4: none.
    let grids = n["by_grid"].as_array().unwrap();
    assert_eq!(
        (grids[0]["grid"].as_str(), &grids[0]["resolution_rate"]),
        (Some("东岗"), &serde_json::json!(0.6667))
    );
    assert_eq!(grids[1]["resolution_rate"], 0.0);
    // A category with nothing raised in June has no rate (环境设施 raised
    // N4 in June and N5 in April).
    let categories = n["by_category"].as_array().unwrap();
    let health = categories
        .iter()
        .find(|c| c["category"] == "医疗健康")
        .unwrap();
    assert!(health["resolution_rate"].is_null(), "{health}");
    run(&["--lang", "zh"])
        .stdout_has("办结率 40.0% (2/5) · 回访满意率 50.0% (1/2)")
        .stdout_has("办结率: 本期新提出的诉求中");
    run(&["--format", "md"])
        .stdout_has("- resolution rate: **40.0%** (2/5)")
        .stdout_has("- follow-up satisfaction: **50.0%** (1/2)");
    let html = run(&["--format", "html", "--lang", "zh"]).stdout();
    assert!(
        html.contains(
            "<div class=\"n\">40.0%<small>2/5</small></div><div class=\"l\">办结率</div>"
        )
    );
    assert!(html.contains(
        "<div class=\"n\">50.0%<small>1/2</small></div><div class=\"l\">回访满意率</div>"
    ));
    let csv = run(&["--format", "csv", "--section", "summary"]).csv();
    let metric = |m: &str| csv.iter().find(|r| r["metric"] == m).unwrap()["value"].clone();
    assert_eq!(metric("resolution_rate"), "0.4000");
    assert_eq!(metric("satisfaction_rate"), "0.5000");
    let needs = run(&["--format", "csv", "--section", "need-grids"]).csv();
    assert_eq!(needs[0]["resolution_rate"], "0.6667");
}
