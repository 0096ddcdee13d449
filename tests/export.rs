//! `rounds export --out DIR`: the data directory as Parquet tables, read
//! back here with the parquet crate's own reader.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Workdir, community, native};
use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

const RESIDENTS: &str = "id,household,name,phone,id_number,level,grid,building,unit,room,visitor,tags,since\n\
    R1,H1,张三,13800138000,110101194001011234,red,东岗,1,1,101,王建国,独居老人,\n\
    R2,H1,张小三,,,green,东岗,1,1,101,王建国,,2019-05-01\n\
    R3,H2,李四,13900139000,,green,东岗,2,1,201,王建国,,\n\
    R4,H3,赵五,,,yellow,西岗,1,2,302,李秀兰,,\n\
    R5,H4,钱六,,,orange,西岗,2,1,102,李秀兰,,\n";

/// As of 2020-06-30: H1 (red) last seen Monday 06-08, due by the end of
/// the next ISO week (Sunday 06-21), 9 days overdue; H2 (green) seen in
/// the first half of 2020, H3 (yellow) in its second quarter: neither is
/// overdue; H4 (orange) seen in May, due by the end of June.
const VISITS: &str = "date,household,visitor,kind,note,persons\n\
    2020-06-01,H1,王建国,入户,,1\n\
    2020-06-08,H1,王建国,入户,送药,2\n\
    2020-03-01,H2,王建国,电话,,\n\
    2020-06-10,H3,李秀兰,入户,,1\n\
    2020-05-20,H4,李秀兰,入户,,1\n";

const HISTORY: &str = "变更日期,编号,变更项,变更前,变更后,原因,经办人\n\
    2020-02-03,R4,关注等级,橙色,黄色,子女返乡照料,李秀兰\n";

const NEEDS: &str = "id,household,raised,raised_by,category,text,status,started,resolved,resolution,follow_up,satisfaction\n\
    N0001,H1,2020-06-02,王建国,生活困难,暖气不热,resolved,2020-06-03,2020-06-12,换阀门,2020-06-20,满意\n\
    N0002,H3,2020-06-10,李秀兰,政策咨询,医保,in_progress,2020-06-11,,,,\n";

fn fixture() -> Workdir {
    community(RESIDENTS, VISITS)
        .with("history.csv", HISTORY)
        .with("needs.csv", NEEDS)
        .with("rounds.toml", "name = \"东岗社区\"\n")
}

const T1: &str = "2020-06-30";
const T2: &str = "2020-07-01";

fn table(wd: &Workdir, table: &str, day: &str) -> std::path::PathBuf {
    wd.join(&format!("out/{table}/export_date={day}/东岗社区.parquet"))
}

/// (column name, physical type, logical type, nullable) of each column.
fn schema(path: &Path) -> Vec<(String, Physical, Option<LogicalType>, bool)> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let descr = reader.metadata().file_metadata().schema_descr_ptr();
    descr
        .columns()
        .iter()
        .map(|c| {
            (
                c.name().to_string(),
                c.physical_type(),
                c.logical_type_ref().cloned(),
                c.self_type().is_optional(),
            )
        })
        .collect()
}

/// Every row, column name to value as text ("null" for a null, dates
/// as YYYY-MM-DD).
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(name, field)| {
                    let text = match field {
                        Field::Null => "null".to_string(),
                        Field::Str(s) => s.clone(),
                        Field::Date(d) => {
                            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                            (epoch + chrono::Duration::days(i64::from(*d))).to_string()
                        }
                        other => other.to_string(),
                    };
                    (name.clone(), text)
                })
                .collect()
        })
        .collect()
}

fn column<'a>(
    s: &'a [(String, Physical, Option<LogicalType>, bool)],
    name: &str,
) -> &'a (String, Physical, Option<LogicalType>, bool) {
    s.iter()
        .find(|c| c.0 == name)
        .unwrap_or_else(|| panic!("no column {name} in {s:?}"))
}

#[test]
fn every_table_is_written_with_its_rows_and_says_so() {
    let wd = fixture();
    let run = wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    // 5 residents, 1 change, 5 visits, 2 needs, 4 households due --all,
    // the settings and the four levels.
    for (name, count) in [
        ("residents", "5 rows"),
        ("history", "1 row)"),
        ("visits", "5 rows"),
        ("needs", "2 rows"),
        ("due", "4 rows"),
        ("settings", "1 row)"),
        ("levels", "4 rows"),
    ] {
        let path = table(&wd, name, T1);
        assert_eq!(
            rows(&path).len(),
            count.split(' ').next().unwrap().parse::<usize>().unwrap()
        );
        let shown = native(&format!("out/{name}/export_date={T1}/东岗社区.parquet"));
        let line = format!("wrote {shown} ({count}");
        assert!(run.stdout().contains(&line), "{line}\n{}", run.stdout());
        for row in rows(&path) {
            assert_eq!(row["community"], "东岗社区", "{name}");
        }
    }
    assert_eq!(run.stdout().lines().count(), 7);
}

#[test]
fn dates_are_dates_and_levels_have_a_rank() {
    let wd = fixture();
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let residents = schema(&table(&wd, "residents", T1));
    let since = column(&residents, "since");
    assert_eq!(
        (since.1, since.2.clone(), since.3),
        (Physical::INT32, Some(LogicalType::Date), true)
    );
    let rank = column(&residents, "level_rank");
    assert_eq!((rank.1, rank.2.clone()), (Physical::INT32, None));
    let community = column(&residents, "community");
    assert_eq!(
        (community.1, community.2.clone(), community.3),
        (Physical::BYTE_ARRAY, Some(LogicalType::String), false)
    );
    let due = schema(&table(&wd, "due", T1));
    for date in ["as_of", "last_visit", "deadline"] {
        let c = column(&due, date);
        assert_eq!(
            (c.1, c.2.clone()),
            (Physical::INT32, Some(LogicalType::Date)),
            "{date}"
        );
    }
    for days in ["days_overdue", "days_left", "level_rank"] {
        assert_eq!(column(&due, days).1, Physical::INT32, "{days}");
    }
    let visits = schema(&table(&wd, "visits", T1));
    assert_eq!(column(&visits, "date").2, Some(LogicalType::Date));
    assert_eq!(column(&visits, "persons").1, Physical::INT32);
    let history = schema(&table(&wd, "history", T1));
    assert_eq!(column(&history, "date").2, Some(LogicalType::Date));
    let needs = schema(&table(&wd, "needs", T1));
    for date in ["raised", "started", "resolved", "follow_up"] {
        assert_eq!(column(&needs, date).2, Some(LogicalType::Date), "{date}");
    }

    let levels: Vec<(String, String)> = rows(&table(&wd, "residents", T1))
        .into_iter()
        .map(|r| (r["level"].clone(), r["level_rank"].clone()))
        .collect();
    let want = [
        ("red", "1"),
        ("green", "4"),
        ("green", "4"),
        ("yellow", "3"),
        ("orange", "2"),
    ];
    assert_eq!(
        levels,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
    let r2 = &rows(&table(&wd, "residents", T1))[1];
    assert_eq!(
        (r2["id"].as_str(), r2["since"].as_str()),
        ("R2", "2019-05-01")
    );
    assert_eq!(rows(&table(&wd, "residents", T1))[0]["since"], "null");
    assert_eq!(rows(&table(&wd, "residents", T1))[0]["tags"], "独居老人");
    let visit = &rows(&table(&wd, "visits", T1))[1];
    assert_eq!(
        (
            visit["date"].as_str(),
            visit["household"].as_str(),
            visit["note"].as_str(),
            visit["persons"].as_str()
        ),
        ("2020-06-08", "H1", "送药", "2")
    );
    assert_eq!(rows(&table(&wd, "visits", T1))[2]["persons"], "null");
    let change = &rows(&table(&wd, "history", T1))[0];
    assert_eq!(
        (
            change["date"].as_str(),
            change["resident"].as_str(),
            change["field"].as_str()
        ),
        ("2020-02-03", "R4", "level")
    );
    // The values by their meaning beside the text as written, and the
    // change's line in history.csv.
    assert_eq!(
        (
            change["from_value"].as_str(),
            change["to_value"].as_str(),
            change["from_text"].as_str(),
            change["to_text"].as_str(),
            change["line"].as_str(),
        ),
        ("orange", "yellow", "橙色", "黄色", "2")
    );
    let lines: Vec<String> = rows(&table(&wd, "residents", T1))
        .iter()
        .map(|r| format!("{}:{}", r["id"], r["line"]))
        .collect();
    assert_eq!(lines, ["R1:2", "R2:3", "R3:4", "R4:5", "R5:6"]);
    let need = &rows(&table(&wd, "needs", T1))[1];
    assert_eq!(
        (
            need["id"].as_str(),
            need["started"].as_str(),
            need["resolved"].as_str(),
            need["status"].as_str()
        ),
        ("N0002", "2020-06-11", "null", "in_progress")
    );
}

#[test]
fn residents_lack_personal_data_unless_revealed() {
    let wd = fixture();
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let path = table(&wd, "residents", T1);
    let names: Vec<String> = schema(&path).into_iter().map(|c| c.0).collect();
    for personal in ["name", "phone", "id_number"] {
        assert!(!names.contains(&personal.to_string()), "{names:?}");
    }
    let bytes = std::fs::read(&path).unwrap();
    for secret in ["张三", "13800138000", "110101194001011234"] {
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains(secret), "{secret} in the file");
    }

    wd.run(&["--today", T1, "export", "--out", "out", "--reveal"])
        .ok();
    let first = &rows(&path)[0];
    assert_eq!(
        (
            first["name"].as_str(),
            first["phone"].as_str(),
            first["id_number"].as_str()
        ),
        ("张三", "13800138000", "110101194001011234")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn due_rows_are_those_of_due_all() {
    let wd = fixture();
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let csv = wd
        .run(&["--today", T1, "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let exported = rows(&table(&wd, "due", T1));
    let pick = |r: &BTreeMap<String, String>| {
        let null = |s: &str| {
            if s == "null" {
                String::new()
            } else {
                s.to_string()
            }
        };
        [
            r["household"].clone(),
            r["status"].clone(),
            null(&r["deadline"]),
            null(&r["days_overdue"]),
        ]
    };
    assert_eq!(
        exported.iter().map(pick).collect::<Vec<_>>(),
        csv.iter().map(pick).collect::<Vec<_>>()
    );
    // Worked out by hand: H1 red, last visit Monday 06-08 (ISO week 24),
    // due in week 25, which ends Sunday 06-21: 9 days overdue on 06-30.
    assert_eq!(exported.len(), 4);
    let h1 = exported.iter().find(|r| r["household"] == "H1").unwrap();
    assert_eq!(
        (
            h1["deadline"].as_str(),
            h1["status"].as_str(),
            h1["days_overdue"].as_str(),
            h1["as_of"].as_str()
        ),
        ("2020-06-21", "overdue", "9", T1)
    );
    assert!(exported.iter().all(|r| r["as_of"] == T1));
}

#[test]
fn another_day_adds_a_partition_and_the_same_day_replaces_its_own() {
    let wd = fixture();
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let first = table(&wd, "visits", T1);
    let before = std::fs::read(&first).unwrap();

    wd.write(
        "visits.csv",
        format!("{VISITS}2020-07-01,H4,李秀兰,入户,,1\n"),
    );
    wd.run(&["--today", T2, "export", "--out", "out"]).ok();
    assert_eq!(
        std::fs::read(&first).unwrap(),
        before,
        "the first day's file changed"
    );
    assert_eq!(rows(&table(&wd, "visits", T2)).len(), 6);
    let days: Vec<String> = std::fs::read_dir(wd.join("out/due"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        days,
        [format!("export_date={T1}"), format!("export_date={T2}")]
    );

    // The first day again, a visit of 06-29 recorded late: its file is
    // replaced (the visit of 07-01 is after the day, left out), nothing
    // added beside it.
    wd.write(
        "visits.csv",
        format!("{VISITS}2020-07-01,H4,李秀兰,入户,,1\n2020-06-29,H3,李秀兰,入户,,1\n"),
    );
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let dates: Vec<String> = rows(&first)
        .into_iter()
        .map(|r| r["date"].clone())
        .collect();
    assert_eq!(dates.len(), 6);
    assert_eq!(dates.last().unwrap(), "2020-06-29");
    let files = std::fs::read_dir(first.parent().unwrap()).unwrap().count();
    assert_eq!(files, 1);
}

#[test]
fn without_a_ledger_there_is_no_needs_table() {
    let wd = community(RESIDENTS, VISITS);
    let run = wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    assert_eq!(run.stdout().lines().count(), 6);
    assert!(!wd.join("out/needs").exists());
    // Without a name in rounds.toml the community is the directory's.
    let dir = std::fs::canonicalize(wd.path()).unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let path = wd.join(&format!("out/due/export_date={T1}/{name}.parquet"));
    assert!(rows(&path).iter().all(|r| r["community"] == name));
}

#[test]
fn export_speaks_chinese() {
    let wd = fixture();
    wd.run(&["--today", T1, "--lang", "zh", "export", "--out", "out"])
        .ok()
        .stdout_has("（5 行）");
}

#[test]
fn settings_and_levels_are_the_rules_of_rounds_toml() {
    let wd = community(RESIDENTS, VISITS).with(
        "rounds.toml",
        "name = \"东岗社区\"\npolicy = \"rolling\"\nstart = 2020-03-01\nwindow = 3\n\
         [levels]\nred = \"10 days\"\nyellow = \"month\"\n",
    );
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let settings = rows(&table(&wd, "settings", T1));
    assert_eq!(settings.len(), 1);
    assert_eq!(
        (
            settings[0]["policy"].as_str(),
            settings[0]["start"].as_str(),
            settings[0]["within"].as_str()
        ),
        ("rolling", "2020-03-01", "3")
    );
    let levels: Vec<String> = rows(&table(&wd, "levels", T1))
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {}",
                r["level"],
                r["level_rank"],
                r["period"],
                r["period_months"],
                r["interval_days"],
                r["interval_months"]
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            // 10 days: the report counts calendar months for it.
            "red 1 month 1 10 null",
            "orange 2 month 1 null 1",
            "yellow 3 month 1 null 1",
            "green 4 half-year 6 null 6",
        ]
    );
}

/// Runs rounds with exactly `args` in the work directory.
fn raw(wd: &Workdir, args: &[&str]) -> common::Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    wd.run_raw(&args, &[])
}

/// Two communities sharing household ids, and a third whose roster has
/// an error.
fn district() -> Workdir {
    let wd = Workdir::new();
    for (dir, name) in [("d/a", "东岗社区"), ("d/b", "西岗社区")] {
        wd.write(&format!("{dir}/residents.csv"), RESIDENTS);
        wd.write(&format!("{dir}/visits.csv"), VISITS);
        wd.write(
            &format!("{dir}/rounds.toml"),
            format!("name = \"{name}\"\n"),
        );
    }
    wd.write("bad/residents.csv", "id,household,level\nR1,H1,purple\n");
    wd.write("bad/visits.csv", "date,household\n");
    wd
}

#[test]
fn several_communities_are_exported_each_to_its_own_files() {
    let wd = district();
    let run = raw(
        &wd,
        &["--today", T1, "--data", "d", "export", "--out", "out"],
    )
    .ok();
    // 7 tables of each community (no needs ledger): 2 × 6 files.
    assert_eq!(run.stdout().lines().count(), 12, "{}", run.stdout());
    for name in ["东岗社区", "西岗社区"] {
        let path = wd.join(&format!("out/due/export_date={T1}/{name}.parquet"));
        let due = rows(&path);
        // The same household ids in both, each under its own community.
        assert_eq!(due.len(), 4);
        assert!(due.iter().all(|r| r["community"] == name));
        let residents = rows(&wd.join(&format!("out/residents/export_date={T1}/{name}.parquet")));
        assert_eq!(residents.len(), 5);
        assert!(residents.iter().all(|r| r["community"] == name));
    }
}

#[test]
fn a_community_with_errors_stops_the_export_unless_skipped() {
    let wd = district();
    raw(
        &wd,
        &[
            "--today", T1, "--data", "d/a", "--data", "bad", "export", "--out", "out",
        ],
    )
    .expect(3)
    .stderr_has("purple");
    assert!(!wd.join("out").exists(), "nothing is written");
    raw(
        &wd,
        &[
            "--today",
            T1,
            "--data",
            "d/a",
            "--data",
            "bad",
            "export",
            "--out",
            "out",
            "--skip-invalid",
        ],
    )
    .ok()
    .stderr_has("left out: bad");
    assert!(
        wd.join(&format!("out/due/export_date={T1}/东岗社区.parquet"))
            .exists()
    );
    assert!(
        !wd.join(&format!("out/due/export_date={T1}/bad.parquet"))
            .exists()
    );
}

#[test]
fn numbers_typed_into_texts_are_masked_unless_revealed() {
    let wd = community(
        RESIDENTS,
        "date,household,visitor,kind,note,persons\n\
         2020-06-08,H1,王建国,入户,女儿电话13912345678，身份证110101194001011234,1\n",
    )
    .with(
        "history.csv",
        "date,id,field,from,to,reason\n2020-02-03,R4,level,orange,yellow,家属来电13700001111\n",
    )
    .with(
        "needs.csv",
        "id,household,raised,raised_by,category,text,status\n\
         N1,H1,2020-06-08,王建国,生活困难,联系13655556666,open\n",
    )
    .with("rounds.toml", "name = \"东岗社区\"\n");
    let texts = |wd: &Workdir| {
        let visit = rows(&table(wd, "visits", T1)).remove(0)["note"].clone();
        let change = rows(&table(wd, "history", T1)).remove(0)["reason"].clone();
        let need = rows(&table(wd, "needs", T1)).remove(0)["text"].clone();
        format!("{visit} | {change} | {need}")
    };
    wd.run(&["--today", T1, "export", "--out", "out"]).ok();
    let masked = texts(&wd);
    for secret in [
        "13912345678",
        "110101194001011234",
        "13700001111",
        "13655556666",
    ] {
        assert!(!masked.contains(secret), "{secret} in {masked}");
    }
    assert!(masked.contains("女儿电话139"), "{masked}");
    assert!(masked.contains("****"), "{masked}");
    wd.run(&["--today", T1, "export", "--out", "out", "--reveal"])
        .ok();
    assert_eq!(
        texts(&wd),
        "女儿电话13912345678，身份证110101194001011234 | 家属来电13700001111 | 联系13655556666"
    );
}
