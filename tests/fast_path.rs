//! The parallel fast path over visits.csv and the simple path must give
//! byte-identical output on any data: random communities with random
//! histories, edge dates, quoted notes, CRLF, a BOM, visits to unknown
//! households and bad rows (where the fast path hands over to the simple
//! one, which reports them).

mod common;

use common::{Rng, Workdir};

fn day(n: u64) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2019, 12, 1).unwrap() + chrono::Duration::days(n as i64)
}

/// The residents.csv and visits.csv of a random community; `bad` adds a
/// row the simple path reports.
fn random_files(seed: u64, bad: bool) -> (String, Vec<u8>) {
    random_files_with(seed, bad, true)
}

/// `unknown`: some visits go to households the roster does not have.
fn random_files_with(seed: u64, bad: bool, unknown: bool) -> (String, Vec<u8>) {
    let mut rng = Rng(seed);
    let households = 20 + rng.below(200);
    let mut residents = String::from("id,household,level,grid,building,since,until\n");
    let mut ids = Vec::new();
    let mut r = 0;
    for h in 0..households {
        let id = format!("G{}-B{}-{}", h % 3, h % 7, 100 + h);
        ids.push(id.clone());
        for _ in 0..1 + rng.below(3) {
            r += 1;
            let level = rng.pick(&["red", "orange", "yellow", "green", "红", "3", "一般"]);
            let since = if rng.below(4) == 0 {
                day(rng.below(500)).to_string()
            } else {
                String::new()
            };
            let until = if rng.below(8) == 0 {
                day(rng.below(700)).to_string()
            } else {
                String::new()
            };
            residents.push_str(&format!(
                "R{r},{id},{level},G{},B{},{since},{until}\n",
                h % 3,
                h % 7
            ));
        }
    }
    let crlf = rng.below(2) == 0;
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut visits: Vec<u8> = Vec::new();
    if rng.below(2) == 0 {
        visits.extend_from_slice(b"\xEF\xBB\xBF");
    }
    visits.extend_from_slice(format!("date,household,visitor,kind,note,persons{nl}").as_bytes());
    for _ in 0..rng.below(3000) {
        let d = day(rng.below(760));
        let date = match rng.below(6) {
            0 => d.format("%Y/%-m/%-d").to_string(),
            1 => d.format("%Y年%-m月%-d日").to_string(),
            _ => d.to_string(),
        };
        let household = if unknown && rng.below(30) == 0 {
            format!("NOPE{}", rng.below(5))
        } else {
            ids[rng.below(ids.len() as u64) as usize].clone()
        };
        let note = match rng.below(8) {
            0 => "\"情况正常, 已送慰问品\"".to_string(),
            1 => format!("\"多行{nl}备注\"\"引号\"\"\""),
            2 => " 正常 ".to_string(),
            _ => String::new(),
        };
        let persons = if rng.below(5) == 0 {
            String::new()
        } else {
            rng.below(4).to_string()
        };
        let visitor = rng.pick(&["王芳", "赵强", "", "\"李, 四\""]);
        visits.extend_from_slice(
            format!("{date},{household},{visitor},入户,{note},{persons}{nl}").as_bytes(),
        );
        if rng.below(50) == 0 {
            visits.extend_from_slice(format!(",,,,,{nl}").as_bytes());
        }
    }
    if bad {
        visits.extend_from_slice(format!("2020-02-30,{},,,,{nl}", ids[0]).as_bytes());
    }
    (residents, visits)
}

fn run(wd: &Workdir, fast: &str, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<String> = vec!["--data".into(), wd.path().display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let r = wd.run_raw(&all, &[("ROUNDS_FAST", fast)]);
    (r.status(), r.stdout(), r.stderr())
}

#[test]
fn fast_and_simple_paths_agree() {
    let todays = [
        "2019-12-29",
        "2020-01-05",
        "2020-06-30",
        "2020-12-31",
        "2021-01-03",
        "2021-12-31",
    ];
    for seed in 0..12 {
        let (residents, visits) = random_files(seed, false);
        let wd = Workdir::new();
        wd.write("residents.csv", &residents)
            .write("visits.csv", &visits);
        for today in todays {
            for format in ["csv", "json"] {
                let args = ["--today", today, "due", "--all", "--format", format];
                let fast = run(&wd, "must", &args);
                let simple = run(&wd, "0", &args);
                assert_eq!(fast.0, 0, "seed {seed} {today}: {}", fast.2);
                assert_eq!(fast, simple, "seed {seed} {today} {format}");
            }
            for span in [
                ["--month", &today[..7]],
                ["--quarter", "2020-Q2"],
                ["--year", &today[..4]],
            ] {
                let args = [
                    "--today", today, "report", span[0], span[1], "--format", "json",
                ];
                let fast = run(&wd, "must", &args);
                let simple = run(&wd, "0", &args);
                if simple.0 == 2 {
                    continue; // a span after today
                }
                assert_eq!(fast.0, 0, "seed {seed} {today} {span:?}: {}", fast.2);
                assert_eq!(fast, simple, "seed {seed} {today} {span:?}");
            }
        }
    }
}

#[test]
fn bad_rows_are_reported_the_same() {
    for seed in 100..104 {
        let (residents, visits) = random_files(seed, true);
        let wd = Workdir::new();
        wd.write("residents.csv", &residents)
            .write("visits.csv", &visits);
        let args = ["--today", "2021-12-31", "due", "--format", "csv"];
        let fast = run(&wd, "1", &args);
        let simple = run(&wd, "0", &args);
        assert_eq!(fast.0, 3, "seed {seed}");
        assert!(fast.2.contains("invalid date '2020-02-30'"), "{}", fast.2);
        assert_eq!(fast, simple, "seed {seed}");
    }
}

#[test]
fn large_logs_cross_block_boundaries() {
    // Many blocks, with quoted line breaks everywhere.
    let mut residents = String::from("id,level\n");
    for i in 0..2000 {
        residents.push_str(&format!(
            "H{i},{}\n",
            ["red", "orange", "yellow", "green"][i % 4]
        ));
    }
    let mut visits = String::from("date,household,visitor,note\n");
    let mut rng = Rng(7);
    while visits.len() < 20 << 20 {
        let d = day(rng.below(700));
        let h = rng.below(2100);
        visits.push_str(&format!(
            "{d},H{h},w{},\"第一行\n第二行, 有逗号 \"\"引号\"\"\"\n",
            rng.below(3)
        ));
    }
    let wd = Workdir::new();
    wd.write("residents.csv", &residents)
        .write("visits.csv", &visits);
    let args = ["--today", "2021-10-01", "due", "--all", "--format", "csv"];
    let fast = run(&wd, "must", &args);
    let simple = run(&wd, "0", &args);
    assert_eq!(fast.0, 0, "{}", fast.2);
    assert_eq!(fast, simple);
}

#[test]
fn a_record_longer_than_a_block_is_read_on() {
    // A note of 3 MiB (over the blocks the log is read in, under the
    // simple reader's 16 MiB), with line breaks and commas in its quotes.
    let residents = "id,level\nH1,red\nH2,green\n";
    let note = "长备注, 第一行\n".repeat((3 << 20) / 21 + 1);
    let visits = format!(
        "date,household,visitor,note\n2021-01-04,H1,w,\n2021-06-01,H2,w,\"{note}\"\n2021-09-27,H1,w,x\n"
    );
    assert!(visits.len() > 3 << 20);
    let wd = Workdir::new();
    wd.write("residents.csv", residents)
        .write("visits.csv", &visits);
    let args = ["--today", "2021-10-01", "due", "--all", "--format", "csv"];
    let fast = run(&wd, "must", &args);
    let simple = run(&wd, "0", &args);
    assert_eq!(fast.0, 0, "{}", fast.2);
    assert!(fast.1.contains("H2,green,,,,,,2021-06-01,"), "{}", fast.1);
    assert!(fast.1.contains("H1,red,,,,,,2021-09-27,"), "{}", fast.1);
    assert_eq!(fast, simple);
}

#[test]
fn check_agrees_on_clean_and_unclean_logs() {
    for (seed, unknown) in [(200, false), (201, false), (202, true), (203, true)] {
        let (residents, visits) = random_files_with(seed, false, unknown);
        let wd = Workdir::new();
        wd.write("residents.csv", &residents)
            .write("visits.csv", &visits);
        for today in ["2021-12-31", "2020-06-30"] {
            for format in ["table", "json"] {
                let args = ["--today", today, "check", "--format", format];
                let fast = run(&wd, "1", &args);
                let simple = run(&wd, "0", &args);
                assert_eq!(fast, simple, "seed {seed} {today} {format}");
            }
        }
    }
}

/// Headers the fast path once took wrongly: a GBK header over UTF-8 rows,
/// a BOM before a GBK header, a header ended by a lone CR; and rows with
/// a lone CR inside, which ends the row for the simple reader.
#[test]
fn odd_headers_are_left_to_the_simple_path() {
    let cases: [(&[u8], &[u8]); 7] = [
        (
            b"id,level\n\xe5\xbc\xa0,red\n",
            b"\xc8\xd5\xc6\xda,\xbb\xa7\xba\xc5\n2021-06-01,\xe5\xbc\xa0\n",
        ),
        (
            b"id,level\nH1,red\n",
            b"\xef\xbb\xbf\xc8\xd5\xc6\xda,\xbb\xa7\xba\xc5\n2021-06-01,H1\n",
        ),
        (b"id,level\nH1,red\n", b"date,household\r2021-06-01,H1\r\n"),
        (b"id,level\n", b"date,household\r2021-11-15,H1\r\n"),
        (
            b"id,level\nH1,red\nH2,green\n",
            b"date,household\n2021-06-01,H2\r2021-06-02,H1\n",
        ),
        (
            b"id,level\nH1,red\nH2,green\n",
            b"date,household\r\n2021-06-01,H1\r\n2021-06-03,H2\r2021-06-02,H1\r\n",
        ),
        (
            b"id,level\nH1,red\nH2,green\n",
            b"date,household,visitor\n2021-06-01,H2\r2021-06-02,H1\n",
        ),
    ];
    for (i, (residents, visits)) in cases.iter().enumerate() {
        let wd = Workdir::new();
        wd.write("residents.csv", residents)
            .write("visits.csv", visits);
        for args in [
            &["--today", "2021-06-30", "due", "--all", "--format", "csv"][..],
            &[
                "--today",
                "2021-06-30",
                "report",
                "--month",
                "2021-06",
                "--format",
                "json",
            ],
            &["--today", "2021-06-30", "check", "--format", "json"],
        ] {
            assert_eq!(
                run(&wd, "1", args),
                run(&wd, "0", args),
                "case {i}: {args:?}"
            );
        }
    }
}

/// Imports through both paths leave the same store.
#[test]
fn imports_agree() {
    let stores: [&[u8]; 3] = [
        b"\xc8\xd5\xc6\xda,\xbb\xa7\xba\xc5,\xd7\xdf\xb7\xc3\xc8\xcb\n2021-06-01,H1,a\n",
        b"date,household\r2021-06-01,H1\r\n",
        b"date,household,visitor\n2021-06-01,H1,\n",
    ];
    for (i, store) in stores.iter().enumerate() {
        let mut results = Vec::new();
        for fast in ["1", "0"] {
            let wd = Workdir::new();
            wd.write("residents.csv", "id,level\nH1,red\n")
                .write("visits.csv", store);
            wd.write(
                "log.csv",
                "date,household,visitor\n2021-06-01,H1,\n2021-06-02,H1,\u{9a6c}\n",
            );
            let log = wd.join("log.csv").display().to_string();
            let out = run(&wd, fast, &["--today", "2021-06-30", "import", &log]);
            results.push((out.0, wd.read("visits.csv")));
        }
        assert_eq!(results[0], results[1], "store {i}");
    }
}

/// A random history of re-ratings and reassignments for `residents`
/// (columns id,household,name,phone,level,grid,building,visitor), each
/// continuing its chain; returns the history and the roster as it leaves it.
fn random_history(rng: &mut Rng, residents: &str) -> (String, String, Vec<chrono::NaiveDate>) {
    let mut rows: Vec<Vec<String>> = residents
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut dates: Vec<chrono::NaiveDate> = (0..5 + rng.below(20))
        .map(|_| day(rng.below(760)))
        .collect();
    dates.sort();
    let mut history = String::from("date,id,field,from,to\n");
    for &d in &dates {
        let r = rng.below(rows.len() as u64) as usize;
        let (field, col, to) = if rng.below(2) == 0 {
            ("level", 4, rng.pick(&["red", "orange", "yellow", "green"]))
        } else {
            ("visitor", 7, rng.pick(&["王芳", "赵强", "孙丽"]))
        };
        if rows[r][col] == to {
            continue;
        }
        let from = std::mem::replace(&mut rows[r][col], to.to_string());
        history.push_str(&format!("{d},{},{field},{from},{to}\n", rows[r][0]));
    }
    let mut roster = residents.lines().next().unwrap().to_string() + "\n";
    for row in rows {
        roster.push_str(&(row.join(",") + "\n"));
    }
    (history, roster, dates)
}

#[test]
fn replayed_days_with_a_roster_history_agree() {
    for seed in 0..6 {
        let (plain, visits) = random_files_with(300 + seed, false, true);
        // Names, phones and workers for the lists people read.
        let mut residents = String::from("id,household,name,phone,level,grid,building,visitor\n");
        for (k, line) in plain.lines().skip(1).enumerate() {
            let c: Vec<&str> = line.split(',').collect();
            let level = ["red", "orange", "yellow", "green"][k % 4];
            let worker = ["王芳", "赵强", "孙丽"][k % 3];
            residents.push_str(&format!(
                "{},{},张{k},1390000{k:04},{level},{},{},{worker}\n",
                c[0], c[1], c[3], c[4]
            ));
        }
        let mut rng = Rng(400 + seed);
        let (history, roster, dates) = random_history(&mut rng, &residents);
        let wd = Workdir::new();
        wd.write("residents.csv", &roster)
            .write("visits.csv", &visits)
            .write("history.csv", &history);
        for f in ["residents.csv", "visits.csv", "history.csv"] {
            common::age(&wd.join(f), 600);
        }
        let one = chrono::Duration::days(1);
        let mut todays: Vec<chrono::NaiveDate> = vec![
            dates[0] - one,
            dates[dates.len() / 2],
            dates[dates.len() / 2] - one,
            dates[dates.len() - 1],
            day(759),
        ];
        todays
            .extend(["2020-12-31", "2021-01-03"].map(|d| d.parse::<chrono::NaiveDate>().unwrap()));
        // The last day first: it writes the caches the earlier days read.
        todays.reverse();
        for today in todays {
            let today = today.to_string();
            for args in [
                &["due", "--all", "--format", "csv"][..],
                &["due", "--reveal"],
                &["due", "--visitor", "赵强", "--all", "--format", "json"],
            ] {
                let mut all = vec!["--today", today.as_str()];
                all.extend(args);
                let simple = run(&wd, "0", &all);
                for pass in ["first", "second"] {
                    let fast = run(&wd, "1", &all);
                    assert_eq!(fast, simple, "seed {seed} {today} {args:?}, {pass} pass");
                }
            }
        }
    }
}
