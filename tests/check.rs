//! `rounds check`: every problem of every file, each with its file and line.

mod common;

use common::{Workdir, run_example};

#[test]
fn the_example_community_is_clean() {
    // residents.csv, visits.csv, needs.csv, history.csv, workers.csv and rounds.toml.
    run_example("nongjiang", &["--today", "2020-07-20", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings in 6 files");
}

#[test]
fn every_problem_is_listed_with_its_line() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "编号,户号,关注等级,网格,楼栋,登记日期\n\
         A1,H1,红,东岗,1栋,\n\
         A2,H1,绿,西岗,1栋,\n\
         A3,H3,紫,东岗,2栋,\n\
         A1,H4,绿,东岗,2栋,\n\
         A5,H5,绿,东岗,2栋,2020-02-30\n\
         ,H6,绿,东岗,2栋,\n\
         A7,H7,3,东岗,2栋,2020-01-01,extra\n",
    );
    wd.write(
        "visits.csv",
        "日期,户号,走访人,人数\n\
         2020-07-01,H1,王,1\n\
         2020-07-02,ZZ9,王,1\n\
         2020-09-01,H1,王,1\n\
         ,H1,王,\n\
         2020-07-03,,王,-1\n",
    );
    let run = wd.run(&["--today", "2020-07-20", "check"]).expect(3);
    let out = run.stdout();
    let res = wd.join("residents.csv").display().to_string();
    let vis = wd.join("visits.csv").display().to_string();
    let expect = [
        format!(
            "{res}:3: warning: household 'H1': members disagree on grid ('东岗' is used, this row says '西岗')"
        ),
        format!("{res}:4: error: unknown level '紫'"),
        format!("{res}:5: error: resident id 'A1' is used again (first on line 2)"),
        format!("{res}:6: error: invalid date '2020-02-30' in since"),
        format!("{res}:7: error: empty id"),
        format!("{res}:8: error: 7 cells but the header has 6 columns"),
        format!("{vis}:3: warning: unknown household 'ZZ9'"),
        format!("{vis}:4: warning: date 2020-09-01 is after today 2020-07-20"),
        format!("{vis}:5: error: empty date"),
        format!("{vis}:6: error: empty household"),
        format!("{vis}:6: error: persons '-1' is not a whole number of 0 or more"),
    ];
    for line in &expect {
        assert!(out.contains(line.as_str()), "missing {line:?} in:\n{out}");
    }
    assert!(out.contains("8 errors, 3 warnings in 2 files"), "{out}");
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\n");
    wd.write("visits.csv", "date,household\n2020-07-01,NOPE\n");
    wd.run(&["--today", "2020-07-20", "check"])
        .ok()
        .stdout_has("0 errors, 1 warning");
    wd.run(&["--today", "2020-07-20", "check", "--strict"])
        .expect(3)
        .stdout_has("1 error, 0 warnings");
}

#[test]
fn strict_makes_every_warning_an_error_for_cron() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\n");
    wd.write("visits.csv", "date,household\n2020-07-01,A1\n");
    // Clean data passes, strict or not.
    wd.run(&["--today", "2020-07-20", "check", "--strict"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    // A warning of each kind: a file in two encodings, members who
    // disagree, a resident never active, an unknown household, a visit
    // after today.
    // (In a directory of their own: over the roster above, these rows
    // would also be edits not recorded.)
    let wd = Workdir::new();
    let mut roster = "id,household,level,grid,since,until\nA1,H1,red,东岗,,\nA2,H1,red,西岗,,\nA3,,red,东岗,2020-02-01,2020-01-01\n"
        .as_bytes()
        .to_vec();
    roster.extend_from_slice(&encoding_rs::GB18030.encode("A4,,绿,东岗,,\n").0);
    wd.write("residents.csv", roster);
    wd.write(
        "visits.csv",
        "date,household\n2020-07-01,NOPE\n2020-09-01,H1\n",
    );
    let lax = wd.run(&["--today", "2020-07-20", "check"]).ok();
    assert!(
        lax.stdout().contains("0 errors, 5 warnings"),
        "{}",
        lax.stdout()
    );
    let strict = wd
        .run(&["--today", "2020-07-20", "check", "--strict"])
        .expect(3);
    let out = strict.stdout();
    assert!(out.contains("5 errors, 0 warnings"), "{out}");
    assert!(!out.contains(": warning: "), "{out}");
    assert_eq!(out.matches(": error: ").count(), 5, "{out}");
    let json = wd
        .run(&[
            "--today",
            "2020-07-20",
            "check",
            "--strict",
            "--format",
            "json",
        ])
        .expect(3)
        .json();
    let problems = json.as_array().unwrap();
    assert_eq!(problems.len(), 5);
    assert!(problems.iter().all(|p| p["severity"] == "error"));
    // Every other command reads warnings as warnings.
    wd.run(&["--today", "2020-07-20", "due"]).ok();
}

#[test]
fn encodings_and_quotes_are_checked() {
    let wd = Workdir::new();
    let mut roster = "id,level,name\nA1,red,张三\n".as_bytes().to_vec();
    roster.extend_from_slice(&encoding_rs::GB18030.encode("A2,red,李四\n").0);
    wd.write("residents.csv", roster);
    wd.write(
        "visits.csv",
        "date,household,note\n2020-07-01,A1,ok\n2020-07-02,A1,\"never closed\n2020-07-03,A1,x\n",
    );
    let run = wd.run(&["--today", "2020-07-20", "check"]).expect(3);
    let res = wd.join("residents.csv").display().to_string();
    let vis = wd.join("visits.csv").display().to_string();
    // Not all UTF-8, so GB18030 (SPEC); the UTF-8 line stands out.
    run.stdout_has(&format!(
        "{res}:2: warning: the file is GB18030 (GBK) but this line reads as UTF-8"
    ))
    .stdout_has(&format!(
        "{vis}:3: error: a quoted cell starts here and is never closed"
    ));
    // Bytes that are neither name the line where their record starts.
    let mut roster = b"id,level,note\nA1,red,\"x\n".to_vec();
    roster.extend_from_slice(b"\xFF\xFF\"\nA2,red,\n");
    wd.write("residents.csv", roster);
    wd.run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout_has(&format!(
            "{res}:2: error: bytes that are neither UTF-8 nor GB18030"
        ));
}

#[test]
fn missing_columns_list_what_was_found() {
    let wd = Workdir::new();
    wd.write("residents.csv", "编号,姓名\nA1,张三\n");
    wd.write("visits.csv", "date,household\n");
    wd.run(&["check"])
        .expect(3)
        .stdout_has("residents.csv:1: error: missing column level (expected a header named level/关注等级/等级/關注等級/等級); the header has: 编号, 姓名");
}

#[test]
fn bad_settings_are_reported_with_their_line() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\n");
    wd.write("visits.csv", "date,household\n");
    wd.write("rounds.toml", "policy = \"calendar\"\nwindwo = 3\n");
    wd.run(&["check"])
        .expect(3)
        .stdout_has("rounds.toml:2: error: unknown key 'windwo' — did you mean window?");
    // Other commands refuse to run on settings they cannot trust.
    wd.run(&["due"]).expect(3).stderr_has("rounds.toml:2");
}

#[test]
fn json_lists_problems_for_scripts() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\nA2,blue\n");
    wd.write("visits.csv", "date,household\n");
    let run = wd.run(&["check", "--format", "json"]).expect(3);
    let v = run.json();
    assert_eq!(v[0]["line"], 3);
    assert_eq!(v[0]["severity"], "error");
    assert!(
        v[0]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown level 'blue'")
    );
}

#[test]
fn personal_data_stays_out_of_messages() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,level,name,phone,id_number\nA1,bad,张三,13812345678,110105196106084776\n",
    );
    wd.write("visits.csv", "date,household\n");
    wd.run(&["check"])
        .expect(3)
        .never_says("张三")
        .never_says("13812345678")
        .never_says("110105196106084776");
}

#[test]
fn gbk_text_that_looks_like_utf8_is_read_as_gbk() {
    // 住院 and 叶伟 saved as GBK are valid UTF-8 on their own; the whole
    // file decides.
    let wd = Workdir::new();
    let roster = "id,name,level,grid\nA1,叶伟,red,园\nA2,张三,red,园\n";
    wd.write("residents.csv", encoding_rs::GB18030.encode(roster).0);
    wd.write(
        "visits.csv",
        encoding_rs::GB18030
            .encode("date,household,note\n2020-06-29,A1,住院\n2020-06-30,A1,正常\n")
            .0,
    );
    wd.run(&["--today", "2020-07-01", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    let run = wd
        .run(&["--today", "2020-07-01", "due", "--all", "--format", "csv"])
        .ok();
    assert_eq!(run.csv()[0]["grid"], "园");
}

#[test]
fn lines_are_counted_with_cr_only_endings() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        b"id,level\rA1,red\rA2,red\rA3,\xff\xfe\xff\r",
    );
    wd.write("visits.csv", "date,household\r");
    wd.run(&["check"])
        .expect(3)
        .stdout_has("residents.csv:4: error: bytes that are neither");
}

#[test]
fn a_headerless_roster_or_shifted_columns_leak_no_personal_data() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "A1,张三丰,red,13812345678,110105196106084776\n",
    );
    wd.write("visits.csv", "date,household\n");
    wd.run(&["check"])
        .expect(3)
        .stdout_has("the first line looks like a row of data, not a header")
        .never_says("张三丰")
        .never_says("13812345678")
        .never_says("110105196106084776");
    // Columns shifted by one: names, phones and ID numbers land in level
    // and since.
    wd.write(
        "residents.csv",
        "id,level,since\nA1,李四,13812345678\nA2,13912345678,110105196106084776\n",
    );
    wd.run(&["check"])
        .expect(3)
        .stdout_has("unknown level '李*'")
        .stdout_has("139****5678")
        .never_says("李四")
        .never_says("13812345678")
        .never_says("13912345678")
        .never_says("110105196106084776");
}

#[test]
fn worker_aliases_serve_in_every_file() {
    let wd = Workdir::new();
    wd.write("residents.csv", "编号,关注等级,走访人\nA1,red,王芳\n");
    wd.write("visits.csv", "日期,户号,网格员\n2020-06-29,A1,王芳\n");
    let run = wd
        .run(&[
            "--today",
            "2020-07-01",
            "report",
            "--month",
            "2020-06",
            "--format",
            "json",
        ])
        .ok();
    assert_eq!(
        run.json()["visits_by_visitor"],
        serde_json::json!({"王芳": 1})
    );
    let run = wd
        .run(&["--today", "2020-07-01", "due", "--all", "--format", "csv"])
        .ok();
    assert_eq!(run.csv()[0]["visitor"], "王芳");
}

#[test]
fn rows_beyond_any_spreadsheet_are_refused() {
    let wd = Workdir::new();
    let mut roster = String::from("id,level\nA1,red\n");
    roster.push_str(&",".repeat(100_000));
    roster.push('\n');
    wd.write("residents.csv", roster);
    wd.write(
        "visits.csv",
        "date,household,persons\n2020-07-01,A1,99999999999\n",
    );
    wd.run(&["check"])
        .expect(3)
        .stdout_has("residents.csv:3: error: more than 16,384 cells in one row")
        .stdout_has("too large to be a count of people");
}

/// Runs `command` as of 2020-07-20 with the fast reader on ("1") or off.
fn by_reader(wd: &Workdir, fast: &str, command: &str) -> common::Run {
    let args: Vec<String> = [
        "--data",
        wd.path().to_str().unwrap(),
        "--today",
        "2020-07-20",
        command,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    wd.run_raw(&args, &[("ROUNDS_FAST", fast)])
}

/// The example community with its roster as given.
fn example_with_roster(roster: &[u8]) -> Workdir {
    common::example_copy("nongjiang").with("residents.csv", roster)
}

#[test]
fn one_bad_byte_in_the_roster_is_said_once() {
    // A byte that is neither UTF-8 nor GB18030 on line 7 of the roster.
    let good = std::fs::read(common::example("nongjiang").join("residents.csv")).unwrap();
    let mut lines: Vec<Vec<u8>> = good.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines[6].insert(3, 0xFF);
    let wd = example_with_roster(&lines.join(&b'\n'));
    let res = wd.join("residents.csv").display().to_string();
    let vis = wd.join("visits.csv").display().to_string();
    for fast in ["1", "0"] {
        let run = by_reader(&wd, fast, "check").expect(3);
        let out = run.stdout();
        assert!(
            out.contains(&format!(
                "{res}:7: error: bytes that are neither UTF-8 nor GB18030"
            )),
            "{out}"
        );
        // 2045 visit rows and 42 needs of the example were not checked
        // against a roster read only in part.
        assert!(
            out.contains(&format!(
                "{vis}: warning: roster unreadable: 2087 visit and need checks skipped"
            )),
            "{out}"
        );
        assert!(!out.contains("unknown household"), "{out}");
        assert!(out.contains("1 error, 1 warning in 6 files"), "{out}");
        assert_eq!(out.lines().count(), 3, "{out}");
    }
    let zh = wd
        .run(&["--today", "2020-07-20", "--lang", "zh", "check"])
        .expect(3);
    assert!(
        zh.stdout()
            .contains("名册无法读取：跳过了 2087 项走访和诉求检查"),
        "{}",
        zh.stdout()
    );
    // A roster that reads to its end, with a bad row, still has its
    // visits checked: only a cut-short roster skips them.
    let mut lines: Vec<Vec<u8>> = good.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines.push("NJ9999,ZZ99,某,purple\r".as_bytes().to_vec());
    let wd = example_with_roster(&lines.join(&b'\n'));
    wd.run(&["--today", "2020-07-20", "check"])
        .expect(3)
        .stdout_has("unknown level 'purple'")
        .never_says("roster unreadable");
}

#[test]
fn a_roster_without_a_required_column_is_said_once() {
    let wd = example_with_roster("编号,户号,网格\nNJ0001,DG01-1-0101,东岗网格\n".as_bytes());
    let run = wd.run(&["--today", "2020-07-20", "check"]).expect(3);
    let out = run.stdout();
    assert!(out.contains("missing column level"), "{out}");
    assert!(
        out.contains("roster unreadable: 2087 visit and need checks skipped"),
        "{out}"
    );
    assert!(!out.contains("unknown household"), "{out}");
}

#[test]
fn utf16_files_are_named_as_utf16() {
    let utf16 = |text: &str, bom: bool, big_endian: bool| -> Vec<u8> {
        let mut out = Vec::new();
        let units = std::iter::once(0xFEFF_u16)
            .filter(|_| bom)
            .chain(text.encode_utf16());
        for u in units {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    };
    let roster = "编号\t户号\t关注等级\r\nA1\tH1\t红\r\n";
    let visits = "日期,户号\r\n2020-07-01,H1\r\n";
    // Excel's "Unicode text": UTF-16 LE with its byte order mark, and
    // without it; big-endian too.
    for (bom, be) in [(true, false), (false, false), (false, true)] {
        let wd = Workdir::new();
        wd.write("residents.csv", utf16(roster, bom, be))
            .write("visits.csv", visits);
        wd.run(&["--today", "2020-07-20", "check"])
            .expect(3)
            .stdout_has("residents.csv:1: error: the file is UTF-16 (Excel's \"Unicode text\")")
            .stdout_has("save it as \"CSV UTF-8 (Comma delimited)\"")
            .never_says("missing column");
        wd.run(&["--today", "2020-07-20", "--lang", "zh", "due"])
            .expect(3)
            .stderr_has("文件是 UTF-16 编码")
            .stderr_has("另存为“CSV UTF-8(逗号分隔)”");

        // The visit log, by either reader.
        let wd = Workdir::new();
        wd.write("residents.csv", "id,household,level\nA1,H1,red\n")
            .write("visits.csv", utf16(visits, bom, be));
        for fast in ["1", "0"] {
            by_reader(&wd, fast, "due")
                .expect(3)
                .stderr_has("visits.csv:1: error: the file is UTF-16");
        }

        // A log to import, CSV (or Excel's .txt) and JSON alike.
        wd.write("visits.csv", visits)
            .write(
                "log.txt",
                utf16("日期\t户号\r\n2020-07-02\tH1\r\n", bom, be),
            )
            .write(
                "log.json",
                utf16(r#"[{"date":"2020-07-02","household":"H1"}]"#, bom, be),
            );
        let before = wd.read("visits.csv");
        for log in ["log.txt", "log.json"] {
            wd.run(&[
                "--today",
                "2020-07-20",
                "import",
                wd.join(log).to_str().unwrap(),
            ])
            .expect(3)
            .stderr_has(&format!("{log}:1: error: the file is UTF-16"));
        }
        assert_eq!(wd.read("visits.csv"), before);
    }
}
