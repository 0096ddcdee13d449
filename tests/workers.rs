//! workers.csv (工作人员名册): its errors, `check`'s warnings for visitor
//! names it lacks, the report joined with it (the worker section, the
//! party branches and groups), `rounds workers`, and its phones masked.

mod common;

use common::{Workdir, run_example};

/// Two households. H1 (red, weekly) is 王芳's until 2020-05-13, then
/// 李强's (history.csv); H2 (green) is 王芳's. 王芳 and 赵敏 are of branch
/// 一支部, 李强 and 孙丽 of 二支部; 王方 (a slip for 王芳) visited in April.
fn community() -> Workdir {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "编号,户号,关注等级,负责人\nR1,H1,红,李强\nR2,H2,绿,王芳\nR3,H2,绿,王芳\n",
    );
    wd.write(
        "history.csv",
        "变更日期,编号,变更项,变更前,变更后\n2020-05-13,R1,负责人,王芳,李强\n",
    );
    wd.write(
        "visits.csv",
        "日期,户号,走访人,人数\n\
         2020-04-02,H2,王方,1\n\
         2020-05-05,H1,王芳,2\n\
         2020-05-20,H1,李强,\n\
         2020-05-21,H2,赵敏,3\n",
    );
    wd.write(
        "workers.csv",
        "姓名,联系电话,职务,党支部,党小组,是否党员\n\
         王芳,13800001111,网格员,一支部,1栋党小组,是\n\
         李强,13900002222,党员志愿者,二支部,2栋党小组,是\n\
         赵敏,,楼栋长,一支部,1栋党小组,否\n\
         孙丽,,党员志愿者,二支部,2栋党小组,yes\n",
    );
    wd
}

#[test]
fn errors_name_their_lines() {
    let wd = community();
    wd.write(
        "workers.csv",
        "name,phone,party_member\n\
         王芳,13800001111,是\n\
         ,13900002222,否\n\
         李强,,maybe\n\
         王芳,,no\n",
    );
    let run = wd.run(&["--today", "2020-05-31", "check"]).expect(3);
    let file = wd.join("workers.csv").display().to_string();
    let out = run.stdout();
    for line in [
        format!("{file}:3: error: empty name"),
        format!(
            "{file}:4: error: party_member 'maybe' is not yes or no (use 是/否, yes/no, y/n, true/false or 1/0)"
        ),
        format!("{file}:5: error: worker '王芳' is listed again (first on line 2)"),
    ] {
        assert!(out.contains(&line), "missing {line:?} in:\n{out}");
    }
    // A missing name column is one error on the header line.
    wd.write("workers.csv", "电话,职务\n1,网格员\n");
    wd.run(&["--today", "2020-05-31", "check"])
        .expect(3)
        .stdout_has(&format!("{file}:1: error: missing column"));
    // Other commands refuse to count with a broken workers.csv.
    wd.run(&["--today", "2020-05-31", "report"]).expect(3);
}

#[test]
fn check_warns_once_per_unregistered_name_with_a_suggestion() {
    let wd = community();
    // 王方 twice more in the log, and 周强 in charge of a resident.
    wd.write(
        "visits.csv",
        "日期,户号,走访人,人数\n\
         2020-04-02,H2,王方,1\n\
         2020-05-05,H1,王芳,2\n\
         2020-05-06,H2,王方,1\n\
         2020-05-07,H2,王方,1\n",
    );
    wd.write(
        "residents.csv",
        "编号,户号,关注等级,负责人\nR1,H1,红,李强\nR2,H2,绿,王芳\nR3,H2,绿,周强\n",
    );
    let run = wd.run(&["--today", "2020-05-31", "check"]).ok();
    let out = run.stdout();
    let vis = wd.join("visits.csv").display().to_string();
    let res = wd.join("residents.csv").display().to_string();
    assert!(
        out.contains(&format!(
            "{vis}:2: warning: visitor '王方' is not in workers.csv (3 rows) — did you mean '王芳'?"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{res}:4: warning: visitor '周强' is not in workers.csv (1 row) — did you mean '李强'?"
        )),
        "{out}"
    );
    assert_eq!(out.matches("王方").count(), 1, "{out}");
    assert!(out.contains("0 errors, 2 warnings in 4 files"), "{out}");
    wd.run(&["--today", "2020-05-31", "check", "--lang", "zh"])
        .ok()
        .stdout_has("走访人“王方”不在 workers.csv 中（共 3 行）——是不是“王芳”？");
    // Without workers.csv nobody is unregistered.
    std::fs::remove_file(wd.join("workers.csv")).unwrap();
    wd.run(&["--today", "2020-05-31", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings in 3 files");
}

#[test]
fn the_report_joins_workers_and_counts_branches_and_groups() {
    let wd = community();
    let json = wd
        .run(&[
            "--today",
            "2020-06-10",
            "report",
            "--month",
            "2020-05",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let worker = |name: &str| {
        json["workers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["worker"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let wang = worker("王芳");
    assert_eq!(wang["role"], "网格员");
    assert_eq!(wang["branch"], "一支部");
    assert_eq!(wang["party_group"], "1栋党小组");
    assert_eq!(wang["party_member"], true);
    assert_eq!(worker("赵敏")["party_member"], false);
    // H1's weeks ending May 3 and 10 are 王芳's (the 10th's met by the
    // visit of the 5th); those ending May 17, 24 and 31 are 李强's (the
    // 24th's met by the visit of the 20th).
    assert_eq!(wang["compliance_in_charge"]["required"], 2);
    assert_eq!(wang["compliance_in_charge"]["met"], 1);
    assert_eq!(worker("李强")["compliance_in_charge"]["required"], 3);
    assert!(!json.to_string().contains("13800001111"));
    assert!(!json.to_string().contains("1380"));

    let branches = json["by_branch"].as_array().unwrap();
    assert_eq!(branches.len(), 2);
    let one = &branches[0];
    assert_eq!(one["branch"], "一支部");
    // 王芳 and 赵敏 both visited; only 王芳 is a party member.
    assert_eq!(one["members"], 2);
    assert_eq!(one["members_serving"], 2);
    assert_eq!(one["party_members_serving"], 1);
    // H2 on May 31; H1 is 李强's by then.
    assert_eq!(one["households_in_charge"], 1);
    assert_eq!(one["visits"], 2);
    // 2 persons on the 5th, 3 on the 21st.
    assert_eq!(one["person_times"], 5);
    assert_eq!(one["compliance_in_charge"]["required"], 2);
    assert_eq!(one["compliance_in_charge"]["met"], 1);
    assert_eq!(one["compliance_rate"], 0.5);
    let two = &branches[1];
    assert_eq!(two["branch"], "二支部");
    // 孙丽 made no visit.
    assert_eq!(two["members"], 2);
    assert_eq!(two["members_serving"], 1);
    assert_eq!(two["party_members_serving"], 1);
    assert_eq!(two["households_in_charge"], 1);
    assert_eq!(two["visits"], 1);
    // No persons written: H1's one resident.
    assert_eq!(two["person_times"], 1);
    assert_eq!(two["compliance_in_charge"]["required"], 3);
    assert_eq!(two["compliance_in_charge"]["met"], 1);
    // Without a needs ledger, no needs figures.
    assert!(one.get("needs_raised").is_none());

    let groups = json["by_party_group"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["party_group"], "1栋党小组");
    assert_eq!(groups[0]["members"], 2);
    assert_eq!(groups[0]["visits"], 2);

    // The sections in csv, and for people in both languages.
    let csv = wd
        .run(&[
            "--today",
            "2020-06-10",
            "report",
            "--month",
            "2020-05",
            "--format",
            "csv",
            "--section",
            "branch",
        ])
        .ok()
        .stdout();
    assert_eq!(
        csv,
        "branch,members,members_serving,party_members_serving,households_in_charge,visits,person_times,required,met,compliance_rate\n\
         一支部,2,2,1,1,2,5,2,1,0.5000\n\
         二支部,2,1,1,1,1,1,3,1,0.3333\n"
    );
    let workers = wd
        .run(&[
            "--today",
            "2020-06-10",
            "report",
            "--month",
            "2020-05",
            "--format",
            "csv",
            "--section",
            "workers",
        ])
        .ok()
        .csv();
    let wang = workers.iter().find(|r| r["worker"] == "王芳").unwrap();
    assert_eq!(
        (
            wang["role"].as_str(),
            wang["branch"].as_str(),
            wang["party_member"].as_str()
        ),
        ("网格员", "一支部", "yes")
    );
    wd.run(&[
        "--today",
        "2020-06-10",
        "report",
        "--month",
        "2020-05",
        "--lang",
        "zh",
    ])
    .ok()
    .stdout_has("党支部服务次数与效果")
    .stdout_has("党小组服务次数与效果");
    wd.run(&[
        "--today",
        "2020-06-10",
        "report",
        "--month",
        "2020-05",
        "--format",
        "md",
    ])
    .ok()
    .stdout_has("Party branches: service and results");
}

#[test]
fn branch_needs_follow_the_worker_they_belong_to() {
    let wd = community();
    // N1 taken up by 王芳 and resolved in May; N2 without a taker, raised
    // for H1 on the 22nd, when 李强 is in charge; N3 raised in April.
    wd.write(
        "needs.csv",
        "编号,户号,提出日期,登记人,类别,诉求,状态,办结日期\n\
         N1,H1,2020-05-06,王芳,生活困难,修水管,已办结,2020-05-25\n\
         N2,H1,2020-05-22,,政策咨询,问低保,待办理,\n\
         N3,H2,2020-04-20,赵敏,其他,问路灯,已办结,2020-05-02\n",
    );
    let json = wd
        .run(&[
            "--today",
            "2020-06-10",
            "report",
            "--month",
            "2020-05",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let b = &json["by_branch"];
    assert_eq!(b[0]["needs_raised"], 1);
    assert_eq!(b[0]["needs_resolved"], 2);
    assert_eq!(b[1]["needs_raised"], 1);
    assert_eq!(b[1]["needs_resolved"], 0);
}

#[test]
fn rounds_workers_lists_registered_then_unregistered() {
    let wd = community();
    // As of May 20: H1 is 李强's, H2 王芳's (visited on April 2: its
    // half-year is held, nothing is overdue).
    let rows = wd
        .run(&["--today", "2020-05-20", "workers", "--format", "csv"])
        .ok()
        .csv();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["王芳", "李强", "赵敏", "孙丽", "王方"]);
    let wang = &rows[0];
    assert_eq!(wang["phone"], "138****1111");
    assert_eq!(wang["households_in_charge"], "1");
    assert_eq!(wang["visits"], "1");
    assert_eq!(wang["overdue_in_charge"], "0");
    // Weeks ending May 3 and 10 are his; the 10th's was met.
    assert_eq!(
        (wang["required"].as_str(), wang["met"].as_str()),
        ("2", "1")
    );
    assert_eq!(wang["compliance_rate"], "0.5000");
    let li = &rows[1];
    // The week ending May 17 is 李强's, and was not met.
    assert_eq!(
        (
            li["households_in_charge"].as_str(),
            li["visits"].as_str(),
            li["required"].as_str(),
            li["met"].as_str()
        ),
        ("1", "1", "1", "0")
    );
    assert_eq!(rows[4]["registered"], "no");
    assert_eq!(rows[4]["visits"], "0");

    let json = wd
        .run(&[
            "--today",
            "2020-05-20",
            "workers",
            "--format",
            "json",
            "--branch",
            "二支部",
        ])
        .ok()
        .json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "李强");
    assert_eq!(list[0]["phone"], "139****2222");
    assert_eq!(list[1]["name"], "孙丽");
    assert_eq!(list[1]["party_member"], true);
    let json = wd
        .run(&[
            "--today",
            "2020-05-20",
            "workers",
            "--format",
            "json",
            "--party-group",
            "1栋党小组",
            "--reveal",
        ])
        .ok()
        .json();
    assert_eq!(json[0]["phone"], "13800001111");
    assert_eq!(json.as_array().unwrap().len(), 2);

    // For people, in both languages, within 80 columns.
    for lang in ["en", "zh"] {
        let out = wd
            .run_raw(
                &["--today", "2020-05-20", "workers", "--lang", lang].map(String::from),
                &[("COLUMNS", "80")],
            )
            .ok()
            .stdout();
        assert!(out.contains("王方"), "{out}");
        for line in out.lines() {
            assert!(common_width(line) <= 80, "too wide: {line}");
        }
    }
    wd.run(&["--today", "2020-05-20", "workers", "--lang", "zh"])
        .ok()
        .stdout_has("（未登记）");

    // Without workers.csv, the visitor names still.
    std::fs::remove_file(wd.join("workers.csv")).unwrap();
    let rows = wd
        .run(&["--today", "2020-05-20", "workers", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(rows.len(), 4, "王芳, 李强, 赵敏, 王方");
    assert!(rows.iter().all(|r| r["registered"] == "no"));
}

/// Display width: CJK characters take two columns.
fn common_width(line: &str) -> usize {
    line.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !('─'..='╿').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn phones_never_reach_a_cache_or_a_report() {
    let wd = community();
    for args in [
        &["--today", "2020-05-31", "due"][..],
        &["--today", "2020-05-31", "report", "--format", "json"],
        &["--today", "2020-05-31", "check"],
        &["--today", "2020-05-31", "workers"],
    ] {
        wd.run(args)
            .ok()
            .stdout_lacks("13800001111")
            .stdout_lacks("13900002222");
    }
    wd.run(&[
        "--today",
        "2020-05-31",
        "report",
        "--reveal",
        "--format",
        "json",
    ])
    .ok()
    .stdout_lacks("13800001111");
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, found);
            } else if p.file_name().is_some_and(|n| n != "workers.csv") {
                let bytes = std::fs::read(&p).unwrap();
                if bytes.windows(11).any(|w| w == b"13800001111") {
                    found.push(p);
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(wd.path(), &mut found);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_example_lists_its_workers_by_branch() {
    let json = run_example(
        "nongjiang",
        &[
            "--today",
            "2020-07-31",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ],
    )
    .ok()
    .json();
    let branches = json["by_branch"].as_array().unwrap();
    assert!(branches.len() >= 4, "{branches:?}");
    let visits: u64 = branches.iter().map(|b| b["visits"].as_u64().unwrap()).sum();
    // Every visit of June was made by a grid worker, each of one branch.
    assert_eq!(visits, json["visits"].as_u64().unwrap());
}
