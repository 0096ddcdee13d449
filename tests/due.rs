//! `rounds due`: every option and format, on small communities written by
//! the tests, with results computed by hand.

mod common;

use common::{Workdir, community, run_example};

/// As of Wednesday 2020-07-15 (ISO week Mon 07-13 .. Sun 07-19):
/// H1 red, visited 07-08            -> deadline 07-19, due, 4 days left
/// H2 orange, visited 05-20         -> deadline 06-30, overdue 15 days
/// H3 yellow, visited 04-02         -> deadline 09-30, ok, 77 days left
/// H4 green, never (a visit on 07-20 is after today) -> overdue, −∞
/// H5 green, registered 07-01       -> deadline 12-31, ok
/// H6 its red member moved out 07-01, so it is green; visited 01-10, in
///    the half-year before: deadline 12-31, ok
/// H7 everyone moved out 06-01      -> inactive, never listed
const RESIDENTS: &str = "\
id,household,name,level,grid,building,unit,room,phone,id_number,visitor,since,until
R1,H1,张三,red,G1,9栋,1单元,2-1001,13812345678,110105196106084776,王芳,,
R2,H2,李四,orange,G1,9栋,1单元,2-101,13912345678,110105196106084777,王芳,,
R3,H3,王五,yellow,G2,1栋,1单元,101,13712345678,,赵强,,
R4,H4,赵六,green,G2,1栋,1单元,102,,,赵强,,
R5,H5,钱七,green,G1,10栋,1单元,1,,,王芳,2020-07-01,
R6,H6,孙八,red,G1,10栋,1单元,2,,,王芳,,2020-07-01
R7,H6,周九,green,G1,10栋,1单元,2,,,王芳,,
R8,H7,吴十,red,G2,2栋,1单元,1,,,赵强,,2020-06-01
";

const VISITS: &str = "\
date,household,visitor,kind,note,persons
2020-01-10,H6,王芳,入户,,
2020-04-02,H3,赵强,入户,,2
2020-05-20,H2,王芳,电话,,1
2020-07-08,H1,王芳,入户,\"血压偏高, 已提醒\",1
2020-07-20,H4,赵强,入户,,1
";

fn households(run: &common::Run) -> Vec<String> {
    run.csv()
        .into_iter()
        .map(|r| r["household"].clone())
        .collect()
}

const T: &str = "2020-07-15";

#[test]
fn default_lists_overdue_and_due_in_order() {
    let run = community(RESIDENTS, VISITS)
        .run(&["--today", T, "due", "--format", "csv"])
        .ok();
    let rows = run.csv();
    assert_eq!(households(&run), ["H4", "H2", "H1"]);
    let h4 = &rows[0];
    assert_eq!(
        (
            h4["level"].as_str(),
            h4["last_visit"].as_str(),
            h4["deadline"].as_str(),
            h4["status"].as_str()
        ),
        ("green", "", "", "overdue")
    );
    assert_eq!(
        (h4["days_overdue"].as_str(), h4["days_left"].as_str()),
        ("", "")
    );
    let h2 = &rows[1];
    assert_eq!(
        (
            h2["deadline"].as_str(),
            h2["status"].as_str(),
            h2["days_overdue"].as_str(),
            h2["days_left"].as_str()
        ),
        ("2020-06-30", "overdue", "15", "")
    );
    let h1 = &rows[2];
    assert_eq!(
        (
            h1["last_visit"].as_str(),
            h1["deadline"].as_str(),
            h1["status"].as_str(),
            h1["days_left"].as_str()
        ),
        ("2020-07-08", "2020-07-19", "due", "4")
    );
    assert_eq!(
        (
            h1["grid"].as_str(),
            h1["building"].as_str(),
            h1["visitor"].as_str()
        ),
        ("G1", "9栋", "王芳")
    );
}

#[test]
fn all_lists_every_active_household() {
    let run = community(RESIDENTS, VISITS)
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok();
    // Ok households follow by deadline: H3 09-30, then H5 and H6 on 12-31 by id.
    assert_eq!(households(&run), ["H4", "H2", "H1", "H3", "H5", "H6"]);
    let rows = run.csv();
    assert_eq!(
        rows[5]["level"], "green",
        "the red member of H6 moved out on 07-01"
    );
    assert_eq!(
        (rows[3]["status"].as_str(), rows[3]["days_left"].as_str()),
        ("ok", "77")
    );
}

#[test]
fn within_widens_and_narrows_the_window() {
    let wd = community(RESIDENTS, VISITS);
    let run = wd
        .run(&["--today", T, "due", "--within", "3", "--format", "csv"])
        .ok();
    assert_eq!(households(&run), ["H4", "H2"]);
    let run = wd
        .run(&["--today", T, "due", "--within", "77", "--format", "csv"])
        .ok();
    assert_eq!(households(&run), ["H4", "H2", "H1", "H3"]);
    // rounds.toml's window is the default.
    wd.write("rounds.toml", "window = 3\n");
    let run = wd.run(&["--today", T, "due", "--format", "csv"]).ok();
    assert_eq!(households(&run), ["H4", "H2"]);
}

#[test]
fn filters() {
    let wd = community(RESIDENTS, VISITS);
    let ids = |args: &[&str]| {
        let mut all = vec!["--today", T, "due", "--all", "--format", "csv"];
        all.extend_from_slice(args);
        households(&wd.run(&all).ok())
    };
    assert_eq!(ids(&["--grid", "G2"]), ["H4", "H3"]);
    assert_eq!(ids(&["--building", "10栋"]), ["H5", "H6"]);
    assert_eq!(ids(&["--visitor", "赵强"]), ["H4", "H3"]);
    assert_eq!(ids(&["--level", "红"]), ["H1"]);
    assert_eq!(ids(&["--level", "orange,3"]), ["H2", "H3"]);
    assert_eq!(ids(&["--level", "green", "--grid", "G1"]), ["H5", "H6"]);
    assert_eq!(
        ids(&["--grid", "G1", "--grid", "G2", "--level", "yellow"]),
        ["H3"]
    );
    // A grid that is not in the data is refused (tests/filters.rs).
    wd.run(&["--today", T, "due", "--grid", "nowhere"])
        .expect(2)
        .stderr_has("--grid 'nowhere' names no grid in the data (the grids there are: G1, G2)");
}

#[test]
fn unknown_level_filter_is_a_usage_error_with_a_hint() {
    community(RESIDENTS, VISITS)
        .run(&["due", "--level", "rde"])
        .expect(2)
        .stderr_has("did you mean red");
}

#[test]
fn exit_code_flags_overdue() {
    let wd = community(RESIDENTS, VISITS);
    wd.run(&["--today", T, "due", "--exit-code"]).expect(1);
    wd.run(&["--today", T, "due"]).ok();
    // Nothing overdue among yellow households.
    wd.run(&["--today", T, "due", "--exit-code", "--level", "yellow"])
        .ok();
}

#[test]
fn sort_address_is_a_walking_order() {
    let run = community(RESIDENTS, VISITS)
        .run(&[
            "--today", T, "due", "--all", "--sort", "address", "--format", "csv",
        ])
        .ok();
    // G1: 9栋 2-101 before 2-1001, then 10栋 rooms 1 and 2; G2: 1栋 101, 102.
    assert_eq!(households(&run), ["H2", "H1", "H5", "H6", "H3", "H4"]);
}

#[test]
fn json_is_typed() {
    let run = community(RESIDENTS, VISITS)
        .run(&["--today", T, "due", "--format", "json"])
        .ok();
    let v = run.json();
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["household"], "H4");
    assert!(rows[0]["deadline"].is_null() && rows[0]["last_visit"].is_null());
    assert!(rows[0]["days_overdue"].is_null() && rows[0]["days_left"].is_null());
    assert_eq!(rows[1]["days_overdue"], 15);
    assert_eq!(rows[2]["days_left"], 4);
    assert_eq!(rows[2]["level"], "red");
    assert_eq!(rows[2]["status"], "due");
    // Machine words stay English whatever the language.
    let zh = community(RESIDENTS, VISITS)
        .run(&["--today", T, "--lang", "zh", "due", "--format", "json"])
        .ok();
    assert_eq!(zh.json()[2]["status"], "due");
}

#[test]
fn table_for_people_masks_personal_data() {
    let wd = community(RESIDENTS, VISITS);
    let run = wd.run(&["--today", T, "due"]).ok();
    run.stdout_has("H2")
        .stdout_has("139****5678")
        .stdout_has("李*")
        .never_says("13912345678")
        .never_says("李四")
        .never_says("110105196106084777")
        .stdout_has("overdue 2 (orange 1, green 1)")
        .stdout_has("due 1 (red 1)")
        .never_says("\u{1b}[");
    wd.run(&["--today", T, "due", "--reveal"])
        .ok()
        .stdout_has("13912345678")
        .stdout_has("李四");
    let zh = wd.run(&["--today", T, "--lang", "zh", "due"]).ok();
    zh.stdout_has("逾期 2 户")
        .stdout_has("橙")
        .stdout_has("从未走访")
        .stdout_has("剩 4 天");
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let wd = community(RESIDENTS, VISITS);
    let mut args: Vec<String> = ["--data", wd.path().to_str().unwrap(), "--today", T, "due"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Not a terminal: no colour by default.
    assert!(!wd.run_raw(&args, &[]).stdout().contains('\u{1b}'));
    args.push("--color=always".into());
    assert!(wd.run_raw(&args, &[]).stdout().contains("\u{1b}["));
    args.pop();
    args.push("--color=never".into());
    assert!(
        !wd.run_raw(&args, &[("NO_COLOR", "1")])
            .stdout()
            .contains('\u{1b}')
    );
}

#[test]
fn today_replays_the_past() {
    // On 2020-07-21 the visit of 07-20 counts for H4: the half-year after
    // the one that holds it ends 2021-06-30.
    let run = community(RESIDENTS, VISITS)
        .run(&["--today", "2020-07-21", "due", "--all", "--format", "csv"])
        .ok();
    let rows = run.csv();
    let h4 = rows.iter().find(|r| r["household"] == "H4").unwrap();
    assert_eq!(
        (h4["last_visit"].as_str(), h4["deadline"].as_str()),
        ("2020-07-20", "2021-06-30")
    );
    // Dates in every accepted form work for --today too.
    community(RESIDENTS, VISITS)
        .run(&["--today", "2020年7月15日", "due"])
        .ok()
        .stdout_has("H2");
    community(RESIDENTS, VISITS)
        .run(&["--today", "2020-07-32", "due"])
        .expect(2)
        .stderr_has("--today");
}

#[test]
fn rolling_policy_and_level_overrides() {
    let wd = community(RESIDENTS, VISITS);
    wd.write("rounds.toml", "policy = \"rolling\"\n");
    let run = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok();
    let rows = run.csv();
    let get = |h: &str| rows.iter().find(|r| r["household"] == h).unwrap().clone();
    assert_eq!(get("H1")["deadline"], "2020-07-15"); // 07-08 + 7 days
    assert_eq!(get("H2")["deadline"], "2020-06-20"); // 05-20 + 1 month
    assert_eq!(get("H5")["deadline"], "2021-01-01"); // since 07-01 + 6 months
    // A community that visits yellow households monthly.
    wd.write("rounds.toml", "[levels]\nyellow = \"month\"\n");
    let run = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok();
    let h3 = run
        .csv()
        .into_iter()
        .find(|r| r["household"] == "H3")
        .unwrap();
    assert_eq!(
        (h3["deadline"].as_str(), h3["status"].as_str()),
        ("2020-05-31", "overdue")
    );
}

#[test]
fn chinese_headers_gbk_crlf_and_every_date_form() {
    let wd = Workdir::new();
    let residents = "编号,户号,姓名,关注等级,网格,楼栋,登记日期,迁出日期,备注\r\n\
        A1,,张三,一级关注,东岗网格,1栋,2020/7/1,,\"独居,行动不便\r\n需定期上门\"\r\n\
        A2,H2,李四,二级,东岗网格,1栋,2020.7.1,,\r\n\
        A3,H3,王五,三级关注,东岗网格,1栋,20200701,,\r\n\
        A4,H4,赵六,一般,东岗网格,1栋,2020年7月1日,,\r\n";
    let visits = "日期,户号,走访人\r\n2020年7月14日,A1,王\r\n2020/7/2,H2,王\r\n20200703,H3,王\r\n2020.7.4,H4,王\r\n";
    wd.write("residents.csv", encoding_rs::GB18030.encode(residents).0);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(visits.as_bytes());
    wd.write("visits.csv", bom);
    let run = wd
        .run(&["--today", T, "due", "--all", "--format", "csv"])
        .ok();
    let rows = run.csv();
    assert_eq!(households(&run), ["A1", "H2", "H3", "H4"]);
    let a1 = rows.iter().find(|r| r["household"] == "A1").unwrap();
    assert_eq!(
        (
            a1["level"].as_str(),
            a1["grid"].as_str(),
            a1["deadline"].as_str()
        ),
        ("red", "东岗网格", "2020-07-26")
    );
    let h2 = &rows[1];
    assert_eq!(
        (
            h2["level"].as_str(),
            h2["last_visit"].as_str(),
            h2["deadline"].as_str()
        ),
        ("orange", "2020-07-02", "2020-08-31")
    );
}

#[test]
fn bad_data_names_file_line_and_reason() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,level,since\nA1,red,\nA2,purple,\nA3,green,2020-02-30\n\"A4\",\"green\nx\",\nA5,1,\n",
    );
    wd.write(
        "visits.csv",
        "date,household\n2020-07-01,A1\n2020-13-01,A1\n",
    );
    let run = wd.run(&["--today", T, "due"]).expect(3);
    let err = run.stderr();
    let res = wd.join("residents.csv").display().to_string();
    let vis = wd.join("visits.csv").display().to_string();
    assert!(
        err.contains(&format!("{res}:3: error: unknown level 'purple'")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{res}:4: error: invalid date '2020-02-30'")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{res}:5: error: unknown level")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{vis}:3: error: invalid date '2020-13-01'")),
        "{err}"
    );
    assert!(run.stdout().is_empty(), "nothing computed from bad data");
}

#[test]
fn missing_data_directory_says_how_to_create_one() {
    let wd = Workdir::new();
    let missing = wd.join("nowhere");
    let args: Vec<String> = vec!["--data".into(), missing.display().to_string(), "due".into()];
    wd.run_raw(&args, &[]).expect(4).stderr_has("rounds init");
    // A directory without a roster says the same.
    wd.run(&["due"])
        .expect(4)
        .stderr_has("residents.csv")
        .stderr_has("rounds init");
}

#[test]
fn data_from_the_environment() {
    let wd = community(RESIDENTS, VISITS);
    let args: Vec<String> = vec![
        "--today".into(),
        T.into(),
        "due".into(),
        "--format".into(),
        "csv".into(),
    ];
    let run = wd
        .run_raw(&args, &[("ROUNDS_DATA", wd.path().to_str().unwrap())])
        .ok();
    assert_eq!(households(&run), ["H4", "H2", "H1"]);
}

#[test]
fn example_community_is_believable() {
    let rows = run_example(
        "nongjiang",
        &["--today", "2020-07-20", "due", "--all", "--format", "csv"],
    )
    .ok()
    .csv();
    assert!(rows.len() > 500, "{} active households", rows.len());
    for status in ["overdue", "due", "ok"] {
        assert!(
            rows.iter().any(|r| r["status"] == status),
            "no {status} household"
        );
    }
    for level in ["red", "orange", "yellow", "green"] {
        assert!(
            rows.iter().any(|r| r["level"] == level),
            "no {level} household"
        );
    }
    let overdue = rows.iter().filter(|r| r["status"] == "overdue").count();
    assert!(
        overdue * 5 < rows.len(),
        "most households are kept up with: {overdue} overdue"
    );
}

#[test]
fn a_closed_pipe_is_quiet() {
    use std::io::{BufRead, BufReader};
    let wd = Workdir::new();
    let mut roster = String::from("id,level\n");
    for i in 0..30_000 {
        roster.push_str(&format!("R{i},green\n"));
    }
    wd.write("residents.csv", roster)
        .write("visits.csv", "date,household\n");
    for format in ["csv", "json", "table"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rounds"))
            .args([
                "--data",
                wd.path().to_str().unwrap(),
                "due",
                "--all",
                "--format",
                format,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // stdout is dropped here: the rest of the output meets a closed pipe.
        let out = child.wait_with_output().unwrap();
        if format == "json" {
            assert_eq!(first.trim(), "[");
        }
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,level,grid\nA1,red,\"\u{1b}[31mG\u{7}\"\n",
    );
    wd.write("visits.csv", "date,household\n");
    let run = wd.run(&["--today", T, "due"]).ok();
    assert!(
        !run.stdout().contains('\u{1b}') && !run.stdout().contains('\u{7}'),
        "{}",
        run.stdout()
    );
}

/// Cells holding commas, quotes, line breaks and a formula's first
/// character come out of `--format csv` quoted as a csv reader expects,
/// and a formula defused, whatever their length or row count.
#[test]
fn csv_cells_with_commas_quotes_and_breaks_read_back_as_written() {
    let mut residents = String::from("id,household,level,grid,building,unit,room,visitor,tags\n");
    let rooms = [
        "1,2",
        "say \"hi\"",
        "line\nbreak",
        "=SUM(A1)",
        "plain",
        "-3",
        "\"\"",
    ];
    // Enough rows for the writer to split its work over rounds of parts.
    for i in 0..200_000 {
        let room = rooms[i % rooms.len()];
        let room = format!("\"{}\"", room.replace('"', "\"\""));
        residents.push_str(&format!(
            "R{i},H{i:06},green,G,\"B,{}\",U,{room},W,\"独居老人;低保\"\n",
            i % 3
        ));
    }
    let wd = Workdir::new();
    wd.write("residents.csv", &residents)
        .write("visits.csv", "date,household,visitor,kind,note,persons\n");
    let run = wd
        .run(&["--today", "2020-07-15", "due", "--all", "--format", "csv"])
        .ok();
    let out = run.stdout();
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (room, building, tags) = (col("room"), col("building"), col("tags"));
    let mut seen = 0;
    for (k, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let i: usize = record[0][1..].parse().unwrap();
        let want = match rooms[i % rooms.len()] {
            "=SUM(A1)" => "'=SUM(A1)",
            other => other,
        };
        assert_eq!(&record[room], want, "row {k}");
        assert_eq!(&record[building], format!("B,{}", i % 3), "row {k}");
        assert_eq!(&record[tags], "独居老人;低保", "row {k}");
        seen += 1;
    }
    assert_eq!(seen, 200_000);
}
