//! The cache (`.rounds-cache/`: the roster, the last visit of each
//! household, the visit rows the report reads) must never change an
//! answer. `due`, `check` and `report` with the cache and with
//! `ROUNDS_CACHE=0` are held to byte-identical output over random histories
//! and every way the files change under it: rows appended by `import`,
//! `visit` or another program, a visit edited in place at the same length,
//! a file replaced, a roster edited, a damaged cache, visits after the
//! as-of date.

mod common;

use std::path::Path;

use common::{Rng, Workdir, age};

/// The same status, output and errors from a run with the cache and one
/// without.
fn alike(cached: &common::Run, plain: &common::Run, what: String) {
    assert_eq!(
        (cached.status(), cached.stdout(), cached.stderr()),
        (plain.status(), plain.stdout(), plain.stderr()),
        "{what}"
    );
}

fn age_all(wd: &Workdir, secs: u64) {
    common::age_files(wd, &["residents.csv", "visits.csv"], secs);
}

fn day(n: u64) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2019, 12, 30).unwrap() + chrono::Duration::days(n as i64)
}

/// A random residents.csv (with names and phones, which the cache must
/// not keep) and its household ids.
fn random_roster(rng: &mut Rng) -> (String, Vec<String>) {
    let mut residents = String::from("id,household,name,phone,level,grid,building,since,until\n");
    let mut ids = Vec::new();
    let mut r = 0;
    for h in 0..10 + rng.below(60) {
        let id = format!("H{}-{}", h % 4, 100 + h);
        for _ in 0..1 + rng.below(3) {
            r += 1;
            let level = rng.pick(&["red", "orange", "yellow", "green"]);
            let since = match rng.below(5) {
                0 => day(rng.below(400)).to_string(),
                _ => String::new(),
            };
            residents.push_str(&format!(
                "R{r},{id},张{r},1380000{r:04},{level},G{},B{},{since},\n",
                h % 3,
                h % 5
            ));
        }
        ids.push(id);
    }
    (residents, ids)
}

/// Visit rows: edge dates (leap days, year ends) among random ones, some to
/// households the roster lacks (which a later roster may add).
fn visits(rng: &mut Rng, ids: &[String], n: u64) -> String {
    let mut out = String::new();
    for _ in 0..n {
        let d = match rng.below(10) {
            0 => rng
                .pick(&["2020-02-29", "2020-12-31", "2021-01-01", "2020-03-01"])
                .to_string(),
            _ => day(rng.below(740)).to_string(),
        };
        let household = if rng.below(15) == 0 {
            format!("H9-{}", 900 + rng.below(3))
        } else {
            ids[rng.below(ids.len() as u64) as usize].clone()
        };
        let visitor = rng.pick(&["王芳", "赵强", ""]);
        out.push_str(&format!(
            "{d},{household},{visitor},入户,,{}\n",
            rng.below(3)
        ));
    }
    out
}

const TODAYS: [&str; 3] = ["2020-06-30", "2021-12-31", "2022-03-01"];

/// `due --all` as csv and json, `check`, and the report of the month and
/// of the quarter, with the cache and again without it.
fn agree(wd: &Workdir, what: &str) {
    let dir = wd.path().display().to_string();
    for today in TODAYS {
        let month = format!("report --month {} --format json", &today[..7]);
        for command in [
            "due --all --format csv",
            "due --all --format json",
            "check",
            &month,
            "report --quarter 2020-Q2 --format json",
        ] {
            let args: Vec<String> = ["--data", &dir, "--today", today]
                .into_iter()
                .chain(command.split(' '))
                .map(|s| s.to_string())
                .collect();
            let cached = wd.run_raw(&args, &[]);
            let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
            alike(
                &cached,
                &plain,
                format!("{what}: {command} on {today} with and without the cache"),
            );
        }
    }
}

fn cache_files(wd: &Workdir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(wd.join(".rounds-cache"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_cache_is_written_private_and_without_personal_data() {
    let mut rng = Rng(1);
    let (residents, ids) = random_roster(&mut rng);
    let wd = Workdir::new();
    wd.write("residents.csv", &residents).write(
        "visits.csv",
        format!(
            "date,household,visitor,kind,note,persons\n{}",
            visits(&mut rng, &ids, 400)
        ),
    );
    // Files just written: no cache yet, and the answers are right.
    agree(&wd, "fresh files");
    assert!(cache_files(&wd).is_empty(), "{:?}", cache_files(&wd));
    age_all(&wd, 60);
    agree(&wd, "aged files");
    assert_eq!(cache_files(&wd), ["last-visits", "roster", "visit-rows"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&wd.join(".rounds-cache")), 0o700);
        for f in cache_files(&wd) {
            assert_eq!(mode(&wd.join(".rounds-cache").join(&f)), 0o600, "{f}");
        }
    }
    for f in cache_files(&wd) {
        let bytes = wd.read(&format!(".rounds-cache/{f}"));
        let text = String::from_utf8_lossy(&bytes);
        // The visit rows name households by their place in the roster.
        assert_eq!(text.contains("H1-101"), f != "visit-rows", "{f}: the ids");
        assert!(
            !text.contains("张1") && !text.contains("13800000001"),
            "{f}: personal data"
        );
    }
    // The table shows names, so it reads the roster itself; it agrees too.
    let table = |env: &[(&str, &str)]| {
        let args: Vec<String> = [
            "--data",
            &wd.path().display().to_string(),
            "--today",
            "2021-12-31",
            "due",
            "--reveal",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        wd.run_raw(&args, env).ok().stdout()
    };
    assert_eq!(table(&[]), table(&[("ROUNDS_CACHE", "0")]));
}

#[test]
fn every_change_to_the_files_is_seen() {
    for seed in 0..10 {
        let mut rng = Rng(100 + seed);
        let (residents, ids) = random_roster(&mut rng);
        let wd = Workdir::new();
        let header = HEADER;
        wd.write("residents.csv", &residents).write(
            "visits.csv",
            format!("{header}{}", {
                let n = 50 + rng.below(500);
                visits(&mut rng, &ids, n)
            }),
        );
        age_all(&wd, 600);
        agree(&wd, "start");
        for step in 0..6 {
            let what = format!("seed {seed} step {step}");
            let path = wd.join("visits.csv");
            match rng.below(8) {
                // Another program appends rows.
                0 => {
                    let mut text = std::fs::read_to_string(&path).unwrap();
                    text.push_str(&{
                        let n = 1 + rng.below(40);
                        visits(&mut rng, &ids, n)
                    });
                    std::fs::write(&path, text).unwrap();
                }
                // rounds imports a log (its own locked append).
                1 => {
                    let log = format!("{header}{}", {
                        let n = 1 + rng.below(40);
                        visits(&mut rng, &ids, n)
                    });
                    wd.write("log.csv", log);
                    let dir = wd.path().display().to_string();
                    let args: Vec<String> =
                        ["--data", &dir, "--today", "2022-03-01", "import", "log.csv"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect();
                    let r = wd.run_raw(&args, &[]);
                    assert!(r.status() <= 1, "{what}: {}", r.stderr());
                }
                // A visit's date edited in place (same length, same file)
                // to a late one, so that it becomes its household's last.
                2 => {
                    let mut bytes = std::fs::read(&path).unwrap();
                    let rows: Vec<usize> = (header.len()..bytes.len())
                        .filter(|&i| bytes[i - 1] == b'\n' && bytes[i].is_ascii_digit())
                        .collect();
                    let at = rows[rng.below(rows.len() as u64) as usize];
                    bytes[at..at + 10].copy_from_slice(b"2021-12-30");
                    let mut f = std::fs::File::options().write(true).open(&path).unwrap();
                    std::io::Write::write_all(&mut f, &bytes).unwrap();
                }
                // Rewritten in place (same file) with a row changed and
                // rows added.
                6 => {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let (_, rows) = text.split_at(header.len());
                    let extra = {
                        let n = 1 + rng.below(5);
                        visits(&mut rng, &ids, n)
                    };
                    let edited = format!("{header}2021-12-30{}{extra}", &rows[10..]);
                    let mut f = std::fs::File::options()
                        .write(true)
                        .truncate(true)
                        .open(&path)
                        .unwrap();
                    std::io::Write::write_all(&mut f, edited.as_bytes()).unwrap();
                }
                // The file replaced by a copy of itself plus rows.
                3 => {
                    let mut text = std::fs::read_to_string(&path).unwrap();
                    text.push_str(&{
                        let n = rng.below(5);
                        visits(&mut rng, &ids, n)
                    });
                    let temp = wd.join("visits.new");
                    std::fs::write(&temp, text).unwrap();
                    std::fs::rename(&temp, &path).unwrap();
                }
                // The roster edited: a level changed, a household added
                // (one that visits already named), at the end or at the
                // start (where it moves every other household's place).
                4 => {
                    let text = std::fs::read_to_string(wd.join("residents.csv")).unwrap();
                    let text = text.replacen(",red,", ",green,", 1);
                    let (head, rows) = text.split_at(text.find('\n').unwrap() + 1);
                    let added = format!("X{step},H9-90{},新,,red,G1,B1,,\n", step % 3);
                    let text = if rng.below(2) == 0 {
                        format!("{head}{rows}{added}")
                    } else {
                        format!("{head}{added}{rows}")
                    };
                    wd.write("residents.csv", text);
                }
                // The cache damaged: cut short, or a byte changed in
                // its middle.
                5 => {
                    let cut = rng.below(2) == 0;
                    for f in cache_files(&wd) {
                        let p = wd.join(&format!(".rounds-cache/{f}"));
                        let mut bytes = std::fs::read(&p).unwrap();
                        if cut {
                            bytes.truncate(bytes.len() / 2);
                        } else {
                            let at = bytes.len() / 2;
                            bytes[at] ^= 0x41;
                        }
                        std::fs::write(&p, &bytes).unwrap();
                    }
                }
                // Nothing changes.
                _ => {}
            }
            // Changed just now (the cache is not written), then settled.
            agree(&wd, &format!("{what}, fresh"));
            age_all(&wd, 300 - step * 20);
            agree(&wd, &format!("{what}, aged"));
        }
    }
}

const HEADER: &str = "date,household,visitor,kind,note,persons\n";

/// A random community with `n` visits, its files settled and its cache
/// written by a first round of commands; the household ids and the rows.
fn settled(seed: u64, n: u64) -> (Workdir, Vec<String>, String) {
    let mut rng = Rng(seed);
    let (residents, ids) = random_roster(&mut rng);
    let body = visits(&mut rng, &ids, n);
    let wd = Workdir::new();
    wd.write("residents.csv", &residents)
        .write("visits.csv", format!("{HEADER}{body}"));
    age_all(&wd, 600);
    agree(&wd, "start");
    assert_eq!(cache_files(&wd), ["last-visits", "roster", "visit-rows"]);
    (wd, ids, body)
}

#[test]
fn an_edit_between_the_sampled_bytes_is_seen_by_the_time_stamps() {
    // A log of about 1.5 MB: an edit in its middle is outside the bytes
    // the cache compares, and only the file's times tell of it.
    let (wd, _, _) = settled(7, 40_000);
    // The household of the middle row, now visited late: its last visit
    // must move.
    let path = wd.join("visits.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    let mut at = bytes.len() / 2;
    while bytes[at - 1] != b'\n' {
        at += 1;
    }
    let row = String::from_utf8_lossy(&bytes[at..at + 40]).into_owned();
    let household = row.split(',').nth(1).unwrap().to_string();
    bytes[at..at + 10].copy_from_slice(b"2022-02-28");
    let mut f = std::fs::File::options().write(true).open(&path).unwrap();
    std::io::Write::write_all(&mut f, &bytes).unwrap();
    drop(f);
    age(&path, 300);
    agree(&wd, "edited in the middle");
    let out = wd
        .run(&["--today", "2022-03-01", "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let mine = out.iter().find(|r| r["household"] == household).unwrap();
    assert_eq!(mine["last_visit"], "2022-02-28", "{household}");
}

#[test]
fn an_import_after_the_cache_still_finds_every_repeated_visit() {
    let (wd, ids, body) = settled(11, 300);
    let header = HEADER;
    // A row appended after the cache was written, by another program.
    let appended = format!("2022-02-01,{},王芳,入户,,1\n", ids[0]);
    let mut text = String::from_utf8(wd.read("visits.csv")).unwrap();
    text.push_str(&appended);
    wd.write("visits.csv", &text);
    age_all(&wd, 300);
    let import = |log: &str| {
        wd.write("log.csv", format!("{header}{log}"));
        wd.run(&["--today", "2022-03-01", "import", "log.csv"])
            .ok()
            .stdout()
    };
    // Every row of this log is later than its household's last cached
    // visit: only the rows after the cache are read for repeats, and the
    // appended one is found there.
    let new = format!("2022-02-02,{},王芳,入户,,1\n", ids[0]);
    let said = import(&format!("{appended}{new}"));
    assert!(
        said.contains("1 imported") && said.contains("1 duplicate"),
        "{said}"
    );
    // A row from the start of the log, already stored.
    let old = body.lines().next().unwrap();
    let said = import(&format!("{old}\n"));
    assert!(
        said.contains("0 imported") && said.contains("1 duplicate"),
        "{said}"
    );
    let stored = String::from_utf8(wd.read("visits.csv")).unwrap();
    assert_eq!(stored.matches(&appended).count(), 1);
    assert_eq!(stored.matches(&new).count(), 1);
    assert!(stored.ends_with(&new));
    agree(&wd, "after the imports");
}

#[test]
fn a_roster_in_another_order_is_no_match_for_the_visit_rows() {
    // The visit rows name households by their place in the roster: the
    // same households in another order must not take them as they are.
    let (wd, _, _) = settled(13, 2_000);
    let text = String::from_utf8(wd.read("residents.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    wd.write("residents.csv", lines.join("\n") + "\n");
    // visits.csv is left as it is: its cache still matches it.
    age(&wd.join("residents.csv"), 300);
    agree(&wd, "the roster reversed");
    assert_eq!(cache_files(&wd), ["last-visits", "roster", "visit-rows"]);
}

#[test]
fn a_damaged_visit_rows_cache_is_never_believed() {
    // A byte changed anywhere in the cache of visit rows (its head, its
    // rows, its visitors, its trailer, its hash): the answers stay right and
    // the cache is written anew.
    let (wd, _, _) = settled(17, 3_000);
    let path = wd.join(".rounds-cache/visit-rows");
    let good = std::fs::read(&path).unwrap();
    let n = good.len();
    for at in [3, 40, 100, n / 3, n / 2, n - 60, n - 30, n - 12, n - 3] {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        std::fs::write(&path, &bad).unwrap();
        agree(&wd, &format!("visit-rows damaged at byte {at} of {n}"));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            good,
            "rewritten after byte {at}"
        );
    }
}

/// `base` followed by the words of `command`.
fn with_words(base: &[&str], command: &str) -> Vec<String> {
    (base.iter().copied())
        .chain(command.split(' '))
        .map(str::to_string)
        .collect()
}

/// `rounds ARGS` with the cache and with `ROUNDS_CACHE=0`: the same status
/// and output; the output.
fn same_with_and_without(wd: &Workdir, args: &[&str], what: &str) -> String {
    let args: Vec<String> = ["--data", &wd.path().display().to_string()]
        .into_iter()
        .chain(args.iter().copied())
        .map(str::to_string)
        .collect();
    let cached = wd.run_raw(&args, &[]);
    let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0")]);
    alike(
        &cached,
        &plain,
        format!("{what}: {args:?} with and without the cache"),
    );
    cached.stdout()
}

/// The start of the row that holds byte `at` (or the first row after the
/// header, for a byte of the header).
fn row_start(bytes: &[u8], at: usize) -> usize {
    let header = HEADER.len();
    let mut at = at.max(header);
    while at > header && bytes[at - 1] != b'\n' {
        at -= 1;
    }
    at
}

/// Writes `bytes` over visits.csv in place (the same file, one write):
/// what an editor or a script that edits and appends at once does.
fn write_in_place(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::File::options().write(true).open(path).unwrap();
    std::io::Write::write_all(&mut f, bytes).unwrap();
}

#[test]
fn an_edit_in_the_middle_and_an_append_in_one_write_are_both_seen() {
    // A log of about 1.5 MB: the middle is outside the bytes the cache
    // samples. One visit's date there is edited in place (same length) and
    // a row appended in the same write: the file only grew, yet the bytes
    // the cache covers changed.
    let (wd, ids, _) = settled(19, 40_000);
    let path = wd.join("visits.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = row_start(&bytes, bytes.len() / 2);
    let row = String::from_utf8_lossy(&bytes[at..at + 40]).into_owned();
    let household = row.split(',').nth(1).unwrap().to_string();
    bytes[at..at + 10].copy_from_slice(b"2022-02-28");
    let other = ids.iter().find(|id| **id != household).unwrap();
    bytes.extend_from_slice(format!("2020-03-03,{other},王芳,入户,,1\n").as_bytes());
    write_in_place(&path, &bytes);
    let before = |name: &str| wd.read(&format!(".rounds-cache/{name}"));
    let (last_visits, visit_rows) = (before("last-visits"), before("visit-rows"));
    for settled in [false, true] {
        if settled {
            // Now old enough for the cache to be written anew.
            age(&path, 300);
        }
        let what = format!("edited and appended (settled: {settled})");
        let due = same_with_and_without(
            &wd,
            &["--today", "2022-03-01", "due", "--all", "--format", "csv"],
            &what,
        );
        let last = due
            .lines()
            .find(|l| l.starts_with(&format!("{household},")))
            .unwrap_or_else(|| panic!("{household} in {due}"));
        assert!(last.contains(",2022-02-28,"), "{what}: {last}");
        // The report reads the visit rows cache: February 2022 holds the
        // edited visit.
        let report = same_with_and_without(
            &wd,
            &[
                "--today",
                "2022-03-01",
                "report",
                "--month",
                "2022-02",
                "--format",
                "json",
            ],
            &what,
        );
        let report: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert!(report["visits"].as_u64().unwrap() >= 1, "{what}: {report}");
        agree(&wd, &what);
    }
    // Both caches were found wrong and written anew, and now hold.
    assert_ne!(before("last-visits"), last_visits);
    assert_ne!(before("visit-rows"), visit_rows);
    agree(&wd, "the caches written anew");
}

#[test]
fn edits_at_random_offsets_with_or_without_an_append_are_seen() {
    // A visit's date or household changed at a random place of a log of
    // about 0.8 MB (the same length: only the bytes tell), with a row
    // appended in the same write or not, the file's times then settled or
    // not: every answer equals the one without the cache.
    let (wd, ids, _) = settled(23, 20_000);
    let mut rng = Rng(23);
    let path = wd.join("visits.csv");
    for step in 0..10 {
        let mut bytes = std::fs::read(&path).unwrap();
        let at = row_start(&bytes, rng.below(bytes.len() as u64) as usize);
        if rng.below(2) == 0 {
            bytes[at..at + 10].copy_from_slice(day(rng.below(800)).to_string().as_bytes());
        } else {
            // Another household of the same length in place of this one.
            let len = bytes[at + 11..].iter().position(|b| *b == b',').unwrap();
            let same: Vec<&String> = ids.iter().filter(|id| id.len() == len).collect();
            let id = same[rng.below(same.len() as u64) as usize];
            bytes[at + 11..at + 11 + len].copy_from_slice(id.as_bytes());
        }
        let appended = rng.below(3) != 0;
        if appended {
            bytes.extend_from_slice(visits(&mut rng, &ids, 1).as_bytes());
        }
        write_in_place(&path, &bytes);
        let what = format!("step {step}: edited at byte {at} (appended: {appended})");
        agree(&wd, &format!("{what}, fresh"));
        age(&path, 200 - step * 10);
        agree(&wd, &format!("{what}, settled"));
    }
}

/// A roster history added, changed or removed under a warm cache: the
/// cache was built without it (or with another), and never answers for
/// it. A move into a household only the history knows brings its visits
/// into `due` and `report`.
#[test]
fn a_roster_history_is_never_answered_for_by_a_cache_built_without_it() {
    let wd = Workdir::new();
    wd.write(
        "residents.csv",
        "id,household,level,since\nR1,H1,red,2020-01-01\nR2,H2,green,2020-01-01\n",
    );
    wd.write(
        "visits.csv",
        "date,household,visitor\n2020-03-02,H1,王\n2020-03-09,H9,王\n2020-03-16,H9,王\n",
    );
    age_all(&wd, 60);
    let args = ["--today", "2020-03-20", "due", "--all", "--format", "csv"];
    let report = [
        "--today",
        "2020-03-20",
        "report",
        "--month",
        "2020-03",
        "--format",
        "json",
    ];
    // Warm the caches without a history.
    let before = same_with_and_without(&wd, &args, "no history");
    same_with_and_without(&wd, &report, "no history");
    assert!(!before.contains("H9"));
    assert!(!cache_files(&wd).is_empty(), "the cache was written");
    // R1 moved to H9 on 2020-03-05 (the roster says so, the history since
    // when): H9 is red from then on, visited twice.
    wd.write(
        "residents.csv",
        "id,household,level,since\nR1,H9,red,2020-01-01\nR2,H2,green,2020-01-01\n",
    );
    wd.write(
        "history.csv",
        "date,id,field,from,to\n2020-03-05,R1,household,H1,H9\n",
    );
    let with = same_with_and_without(&wd, &args, "a move");
    assert!(
        with.contains("H9,red,,,,,,2020-03-16,2020-03-29,ok,,9"),
        "{with}"
    );
    let r = same_with_and_without(&wd, &report, "a move");
    assert!(r.contains("\"visits\": 3"), "{r}");
    // Settled, the roster with its history applied is cached, and answers.
    age_all(&wd, 60);
    age(&wd.join("history.csv"), 60);
    std::fs::remove_dir_all(wd.join(".rounds-cache")).unwrap();
    assert_eq!(same_with_and_without(&wd, &args, "settled"), with);
    // Both, written by that one run: the roster as listed (kept while the history was checked
    // against it) and the roster with its history applied.
    for kept in ["roster", "roster-history"] {
        assert!(
            cache_files(&wd).iter().any(|f| f == kept),
            "{kept}: {:?}",
            cache_files(&wd)
        );
    }
    assert_eq!(same_with_and_without(&wd, &args, "from the cache"), with);
    // It holds what the history changed of the roster as listed: without
    // that roster, it answers nothing.
    std::fs::remove_file(wd.join(".rounds-cache").join("roster")).unwrap();
    assert_eq!(
        same_with_and_without(&wd, &args, "the roster as listed gone"),
        with
    );
    // A report keeps it too (written while the log is read).
    std::fs::remove_dir_all(wd.join(".rounds-cache")).unwrap();
    assert_eq!(same_with_and_without(&wd, &report, "settled, a report"), r);
    assert!(
        cache_files(&wd).iter().any(|f| f == "roster-history"),
        "{:?}",
        cache_files(&wd)
    );
    let on_11 = ["--today", "2020-03-11", "due", "--all", "--format", "csv"];
    let moved_on_5 = same_with_and_without(&wd, &on_11, "from the cache, the 11th");
    assert!(moved_on_5.contains("H9,red"), "{moved_on_5}");
    // The same history, another date, at the same length and time stamp:
    // the visit of the 9th was to H9 before R1 came, and H9 was not red.
    wd.write(
        "history.csv",
        "date,id,field,from,to\n2020-03-12,R1,household,H1,H9\n",
    );
    age(&wd.join("history.csv"), 60);
    let redated = same_with_and_without(&wd, &on_11, "the move redated");
    assert!(!redated.contains("H9"), "{redated}");
    same_with_and_without(&wd, &args, "the move redated");
    same_with_and_without(&wd, &report, "the move redated");
    // A replay before the history's latest change is not answered by the
    // cache either (check warns of a change after the as-of day).
    let early = ["--today", "2020-03-10", "check"];
    same_with_and_without(&wd, &early, "a day before the change");
    std::fs::remove_file(wd.join("history.csv")).unwrap();
    same_with_and_without(&wd, &args, "history removed");
    same_with_and_without(&wd, &report, "history removed");
}

/// A roster history of random re-ratings, moves out and back, dated among
/// the visits.
fn random_history(rng: &mut Rng, residents: &str) -> String {
    let ids: Vec<&str> = residents
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let levels = ["red", "orange", "yellow", "green"];
    let mut out = String::from("date,id,field,from,to\n");
    let mut level: std::collections::HashMap<&str, &str> = residents
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0], cells[4])
        })
        .collect();
    let mut dates: Vec<chrono::NaiveDate> =
        (0..rng.below(12)).map(|_| day(rng.below(740))).collect();
    dates.sort();
    // Each change continues the chain of its resident: history is written
    // in date order, the roster holding the values of the last change.
    for d in dates {
        let id = ids[rng.below(ids.len() as u64) as usize];
        let to = rng.pick(&levels);
        let from = level.insert(id, to).unwrap();
        out.push_str(&format!("{d},{id},level,{from},{to}\n"));
    }
    out
}

#[test]
fn a_past_day_replayed_through_the_cache_is_the_day_itself() {
    for seed in 0..8 {
        let mut rng = Rng(700 + seed);
        let (residents, ids) = random_roster(&mut rng);
        let wd = Workdir::new();
        let n = 100 + rng.below(400);
        let log = visits(&mut rng, &ids, n);
        let history = random_history(&mut rng, &residents);
        // The roster as the history leaves it.
        let mut roster = residents.clone();
        for line in history.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            roster = roster
                .lines()
                .map(|l| {
                    let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                    if cells[0] == c[1] {
                        cells[4] = c[4].to_string();
                    }
                    cells.join(",") + "\n"
                })
                .collect();
        }
        wd.write("residents.csv", &roster)
            .write("visits.csv", format!("{HEADER}{log}"));
        if seed % 2 == 0 {
            wd.write("history.csv", &history);
        }
        age_all(&wd, 600);
        let mut days: Vec<chrono::NaiveDate> =
            log.lines().map(|l| l[..10].parse().unwrap()).collect();
        days.sort();
        let (first, last) = (days[0], days[days.len() - 1]);
        let one = chrono::Duration::days(1);
        // The log's end (the latest-visits cache answers), then days
        // before it (the visit rows answer): the day before the first
        // visit, the first, a visit's day and the day before it, the day
        // before the last, a Sunday and a Monday, a year's end.
        let mut todays = vec![last, first - one, first, days[days.len() / 2]];
        todays.extend([days[days.len() / 2] - one, last - one]);
        todays.extend(
            ["2020-12-27", "2020-12-28", "2020-12-31"]
                .map(|d| d.parse::<chrono::NaiveDate>().unwrap()),
        );
        let dir = wd.path().display().to_string();
        for today in todays {
            let today = today.to_string();
            let args: Vec<String> = [
                "--data", &dir, "--today", &today, "due", "--all", "--format", "csv",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
            // Twice: the first run may write the visit rows, the second reads them.
            for run in ["first", "second"] {
                let cached = wd.run_raw(&args, &[]);
                alike(
                    &cached,
                    &plain,
                    format!("seed {seed}, {today}, {run} run with the cache"),
                );
            }
        }
        assert!(
            cache_files(&wd).contains(&"visit-rows".to_string()),
            "seed {seed}: a past day keeps the visit rows: {:?}",
            cache_files(&wd)
        );
    }
}

/// A roster whose households are in the charge of a few workers (a few
/// households with members naming different ones), with names and phones,
/// and a history of re-ratings, reassignments and moves, each continuing
/// its chain; the roster holds the values of the latest changes. Returns
/// the roster and the history.
fn roster_with_workers(rng: &mut Rng) -> (String, String, Vec<String>) {
    let workers = ["W1", "W2", "W3", ""];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut ids = Vec::new();
    for h in 0..8 + rng.below(40) {
        let id = format!("H{}-{}", h % 4, 100 + h);
        let worker = rng.pick(&workers[..3]);
        for _ in 0..1 + rng.below(3) {
            let r = rows.len() + 1;
            let visitor = if rng.below(6) == 0 {
                rng.pick(&workers)
            } else {
                worker
            };
            let since = match rng.below(5) {
                0 => day(rng.below(400)).to_string(),
                _ => String::new(),
            };
            rows.push(
                [
                    format!("R{r}"),
                    id.clone(),
                    format!("张{r}"),
                    format!("1380000{r:04}"),
                    rng.pick(&["red", "orange", "yellow", "green"]).to_string(),
                    format!("G{}", h % 3),
                    format!("B{}", h % 5),
                    visitor.to_string(),
                    since,
                    String::new(),
                ]
                .to_vec(),
            );
        }
        ids.push(id);
    }
    let mut history = String::from("date,id,field,from,to\n");
    let mut dates: Vec<chrono::NaiveDate> =
        (0..rng.below(16)).map(|_| day(rng.below(740))).collect();
    dates.sort();
    for d in dates {
        let r = rng.below(rows.len() as u64) as usize;
        let (field, col, to) = match rng.below(3) {
            0 => (
                "level",
                4,
                rng.pick(&["red", "orange", "yellow", "green"]).to_string(),
            ),
            1 => ("visitor", 7, rng.pick(&workers).to_string()),
            _ => (
                "household",
                1,
                ids[rng.below(ids.len() as u64) as usize].clone(),
            ),
        };
        if rows[r][col] == to {
            continue;
        }
        let from = std::mem::replace(&mut rows[r][col], to.clone());
        if field == "household" {
            // The new household's address comes along (no disagreement).
            let h: u64 = to.rsplit('-').next().unwrap().parse::<u64>().unwrap() - 100;
            rows[r][5] = format!("G{}", h % 3);
            rows[r][6] = format!("B{}", h % 5);
        }
        history.push_str(&format!("{d},R{},{field},{from},{to}\n", r + 1));
    }
    let mut roster =
        String::from("id,household,name,phone,level,grid,building,visitor,since,until\n");
    for row in rows {
        roster.push_str(&(row.join(",") + "\n"));
    }
    (roster, history, ids)
}

/// Ages every data file and the baseline `rounds` keeps of the roster, so
/// that the cache may be written for them.
fn age_everything(wd: &Workdir) {
    for name in ["residents.csv", "visits.csv", "history.csv", ".rounds/seen"] {
        if wd.join(name).exists() {
            age(&wd.join(name), 600);
        }
    }
}

/// Ages the files and runs `due` until the caches are written: the first
/// run after the roster's stamp changed renews the baseline, which then
/// ages too.
fn settle(wd: &Workdir, today: &str) {
    age_everything(wd);
    wd.run(&["--today", today, "due", "--all", "--format", "csv"]);
    age(&wd.join(".rounds/seen"), 600);
    wd.run(&["--today", today, "due", "--all", "--format", "csv"]);
}

#[test]
fn a_workers_own_list_through_their_slice_is_the_list_of_the_whole_roster() {
    let mut sliced = 0;
    for seed in 0..10 {
        let mut rng = Rng(900 + seed);
        let (roster, history, ids) = roster_with_workers(&mut rng);
        let wd = Workdir::new();
        let n = 50 + rng.below(300);
        let log = visits(&mut rng, &ids, n);
        wd.write("residents.csv", &roster)
            .write("visits.csv", format!("{HEADER}{log}"));
        if seed % 3 != 0 {
            wd.write("history.csv", &history);
        }
        let dir = wd.path().display().to_string();
        let mut days: Vec<&str> = log.lines().map(|l| &l[..10]).collect();
        days.sort();
        let last = days[days.len() - 1].to_string();
        let todays = [
            last.as_str(),
            "2021-12-31",
            "2022-03-01",
            days[days.len() / 2],
        ];
        let compare = |what: &str| {
            for today in todays {
                for worker in ["W1", "W2", "W3", " W2 ", "W9"] {
                    for extra in [
                        &[][..],
                        &["--format", "csv"],
                        &["--format", "json", "--all"],
                        &["--reveal", "--all"],
                        &["--level", "red", "--within", "40"],
                        &["--format", "html"],
                    ] {
                        let mut args: Vec<String> = ["--data", &dir, "--today", today, "due"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect();
                        args.extend(["--visitor".to_string(), worker.to_string()]);
                        args.extend(extra.iter().map(|s| s.to_string()));
                        let plain =
                            wd.run_raw(&args, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
                        let cached = wd.run_raw(&args, &[]);
                        alike(
                            &cached,
                            &plain,
                            format!(
                                "seed {seed}, {what}: due --visitor {worker:?} {extra:?} on {today}"
                            ),
                        );
                    }
                }
            }
        };
        // Fresh files: nothing is cached yet.
        compare("fresh files");
        // Aged: the first run writes the caches and the slices, the
        // others read them.
        settle(&wd, &last);
        sliced += usize::from(wd.join(".rounds-cache/workers").exists());
        compare("aged files");
        // Visits appended after the cache: the slice folds them in.
        let more = visits(&mut rng, &ids, 20);
        let mut all = wd.read("visits.csv");
        all.extend_from_slice(more.as_bytes());
        wd.write("visits.csv", all);
        age(&wd.join("visits.csv"), 300);
        compare("visits appended");
        // The roster edited with the history recording it: the slices no
        // longer stand for it.
        let edited = String::from_utf8(wd.read("residents.csv"))
            .unwrap()
            .replacen(",W1,", ",W3,", 1);
        wd.write("residents.csv", edited);
        age(&wd.join("residents.csv"), 200);
        compare("roster edited");
    }
    assert!(sliced >= 5, "slices written for {sliced} of 10 directories");
}

#[test]
fn every_worker_of_a_city_gets_their_own_slice() {
    // 70,000 households (a city's size: the slices are made on every
    // core, a few workers at a time) in the charge of 21 workers, each
    // worker's households spread over the whole roster.
    let mut rng = Rng(4711);
    let mut roster = String::from("id,household,level,grid,visitor\n");
    let mut ids = Vec::new();
    for h in 0..70_000u64 {
        let level = rng.pick(&["red", "orange", "yellow", "green"]);
        let id = format!("H{h:05}");
        roster.push_str(&format!(
            "R{h},{id},{level},G{},W{:02}\n",
            h % 7,
            h * 7919 % 21
        ));
        ids.push(id);
    }
    // Visits to households of the roster only: the slices answer.
    let mut log = String::from(HEADER);
    for _ in 0..5_000 {
        let h = &ids[rng.below(ids.len() as u64) as usize];
        log.push_str(&format!("{},{h},王芳,入户,,1\n", day(rng.below(540))));
    }
    let wd = Workdir::new();
    wd.write("residents.csv", &roster).write("visits.csv", log);
    let today = "2021-06-30";
    settle(&wd, today);
    assert!(wd.join(".rounds-cache/workers").exists(), "no slices kept");
    let dir = wd.path().display().to_string();
    for worker in ["W00", "W07", "W08", "W15", "W20"] {
        let base = ["--data", &dir, "--today", today];
        let csv = with_words(&base, &format!("due --all --visitor {worker} --format csv"));
        let plain = wd.run_raw(&csv, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
        let cached = wd.run_raw(&csv, &[]);
        alike(&cached, &plain, format!("due --visitor {worker}"));
        assert!(
            plain.stdout().lines().count() > 3_000,
            "{worker}'s list: {} lines",
            plain.stdout().lines().count()
        );
    }
}

#[test]
fn the_worker_slices_hold_no_personal_data_and_a_quoted_roster_is_read_whole() {
    let mut rng = Rng(77);
    let (roster, _, ids) = roster_with_workers(&mut rng);
    // A name with a comma in quotes: its line cannot be read on its own.
    let quoted = roster.replacen("张1,", "\"张,1\",", 1);
    let wd = Workdir::new();
    wd.write("residents.csv", &quoted).write(
        "visits.csv",
        format!("{HEADER}{}", visits(&mut rng, &ids, 200)),
    );
    wd.run(&["--today", "2021-12-31", "check"]);
    settle(&wd, "2021-12-31");
    let slices = wd.read(".rounds-cache/workers");
    let text = String::from_utf8_lossy(&slices);
    assert!(
        text.contains("H1-101") && text.contains("W2"),
        "ids and workers"
    );
    assert!(
        !text.contains("张") && !text.contains("13800000"),
        "personal data"
    );
    let mut shown = String::new();
    for worker in ["W1", "W2", "W3"] {
        let args: Vec<String> = [
            "--data",
            &wd.path().display().to_string(),
            "--today",
            "2021-12-31",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(["due", "--reveal", "--all", "--visitor", worker].map(String::from))
        .collect();
        let cached = wd.run_raw(&args, &[]).ok().stdout();
        let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0")]).ok().stdout();
        assert_eq!(cached, plain, "{worker}");
        shown.push_str(&cached);
    }
    assert!(shown.contains("张,1"), "{shown}");
    // The report's overdue list names its contacts in full with --reveal:
    // the quoted line is read with the names column, the same names.
    let report = |env: &[(&str, &str)]| {
        let args: Vec<String> = [
            "--data",
            &wd.path().display().to_string(),
            "--today",
            "2021-12-31",
            "report",
            "--month",
            "2021-12",
            "--reveal",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        wd.run_raw(&args, env).ok().stdout()
    };
    let (cached, plain) = (report(&[]), report(&[("ROUNDS_CACHE", "0")]));
    assert_eq!(cached, plain);
    assert!(cached.contains("\"contact\": \"张"), "{cached}");
}

/// A report made when the cache knows every household's latest visit
/// (written by a `due` before it) skips the visits older than anything the
/// report counts: it must be the report made from every visit, for a day
/// after the log's end (when the latest visits are known) and for days
/// within it (when they are not), with and without `--tag`.
#[test]
fn a_report_that_knows_the_latest_visits_is_the_report_of_every_visit() {
    for seed in 0..6 {
        let mut rng = Rng(1300 + seed);
        let (residents, ids) = random_roster(&mut rng);
        // The same roster with special groups on some residents.
        let mut tagged = String::new();
        for (i, line) in residents.lines().enumerate() {
            let tags = match (i, rng.below(3)) {
                (0, _) => "tags",
                (_, 0) => "独居老人",
                (_, 1) => "低保;独居老人",
                _ => "",
            };
            tagged.push_str(&format!("{line},{tags}\n"));
        }
        let wd = Workdir::new();
        let n = 200 + rng.below(600);
        wd.write("residents.csv", &tagged).write(
            "visits.csv",
            format!("{HEADER}{}", visits(&mut rng, &ids, n)),
        );
        age_all(&wd, 600);
        let dir = wd.path().display().to_string();
        // After the log's end (2022-01-08 at the latest), then within it.
        for today in ["2022-01-31", "2022-06-30", "2021-06-15", "2020-12-31"] {
            let base = ["--data", dir.as_str(), "--today", today];
            let due: Vec<String> = base
                .iter()
                .chain(&["due", "--all", "--format", "csv"])
                .map(|s| s.to_string())
                .collect();
            // Writes the latest visits of the log for the reports to know.
            assert_eq!(wd.run_raw(&due, &[]).status(), 0, "seed {seed}");
            let month = &today[..7];
            for command in [
                format!("report --month {month} --format json"),
                format!("report --month {month} --format json --tag 独居老人"),
                format!("report --quarter {}-Q1 --format json", &today[..4]),
                format!("report --year {} --format json --reveal", &today[..4]),
                format!("report --month {month} --section overdue --format csv --reveal"),
            ] {
                let args = with_words(&base, &command);
                let cached = wd.run_raw(&args, &[]);
                let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
                alike(
                    &cached,
                    &plain,
                    format!("seed {seed}: {command} on {today}"),
                );
            }
        }
        assert!(
            cache_files(&wd).contains(&"last-visits".to_string()),
            "seed {seed}: {:?}",
            cache_files(&wd)
        );
    }
}

/// The visit rows are kept in groups, each with its first and last day: a
/// report reads only the groups that hold days it counts (and, while the
/// latest visits are not known, every earlier one), a past day's `due`
/// none after it. A log of several groups in date order, with old visits
/// entered late among them, must give every answer the whole log gives:
/// for days after its end, within it and before most of it.
#[test]
fn a_long_log_read_in_part_is_the_log_read_whole() {
    let mut rng = Rng(2212);
    let (residents, ids) = random_roster(&mut rng);
    let n = 70_000;
    let mut body = String::new();
    for i in 0..n {
        let d = match rng.below(20_000) {
            0 => day(rng.below(740)),
            _ => day(i * 740 / n),
        };
        // The last five households are visited once each, in the log's
        // first year: long before the days most reports count.
        let (often, once) = ids.split_at(ids.len() - 5);
        let household = match [1_000, 5_000, 10_000, 15_000, 20_000]
            .iter()
            .position(|&k| k == i)
        {
            Some(k) => &once[k],
            None => &often[rng.below(often.len() as u64) as usize],
        };
        let visitor = rng.pick(&["王芳", "赵强", "李娜"]);
        body.push_str(&format!(
            "{d},{household},{visitor},入户,,{}\n",
            rng.below(3)
        ));
    }
    let wd = Workdir::new();
    wd.write("residents.csv", &residents)
        .write("visits.csv", format!("{HEADER}{body}"));
    age_all(&wd, 600);
    let dir = wd.path().display().to_string();
    for today in ["2022-01-31", "2021-10-20", "2020-06-30", "2020-01-15"] {
        let base = ["--data", dir.as_str(), "--today", today];
        let year = &today[..4];
        for command in [
            "due --all --format csv".to_string(),
            format!("report --month {} --format json", &today[..7]),
            format!("report --quarter {year}-Q1 --format json --reveal"),
            format!("report --year {year} --format json"),
            format!(
                "report --month {} --section overdue --format csv --reveal",
                &today[..7]
            ),
        ] {
            let args = with_words(&base, &command);
            let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0"), ("ROUNDS_FAST", "0")]);
            // The first run may write the caches; the second reads them.
            for run in ["first", "second"] {
                let cached = wd.run_raw(&args, &[]);
                alike(&cached, &plain, format!("{command} on {today}, {run} run"));
            }
        }
    }
    assert!(
        cache_files(&wd).contains(&"visit-rows".to_string()),
        "{:?}",
        cache_files(&wd)
    );
}

/// Where each resident's line starts is kept beside the worker slices, so
/// that a report's overdue list reads its contacts' lines alone. The kept
/// offsets hold no personal data, and a kept file that no longer stands
/// for the roster (edited since, or damaged) is never believed: the names
/// are those of the roster as it is.
#[test]
fn a_report_names_its_contacts_from_the_kept_lines_only_while_they_stand() {
    let mut rng = Rng(91);
    let (roster, _, ids) = roster_with_workers(&mut rng);
    let wd = Workdir::new();
    wd.write("residents.csv", &roster).write(
        "visits.csv",
        format!("{HEADER}{}", visits(&mut rng, &ids, 300)),
    );
    settle(&wd, "2021-12-31");
    let kept = wd.join(".rounds-cache/lines");
    let old = std::fs::read(&kept).expect("the lines are kept with the slices");
    let text = String::from_utf8_lossy(&old);
    assert!(
        !text.contains("张") && !text.contains("13800000") && !text.contains("H1-101"),
        "personal data"
    );
    let dir = wd.path().display().to_string();
    let report = |what: &str| {
        let args: Vec<String> = ["--data", dir.as_str(), "--today", "2021-12-31"]
            .iter()
            .chain(&[
                "report", "--month", "2021-12", "--reveal", "--format", "json",
            ])
            .map(|s| s.to_string())
            .collect();
        let cached = wd.run_raw(&args, &[]);
        let plain = wd.run_raw(&args, &[("ROUNDS_CACHE", "0")]);
        alike(&cached, &plain, what.to_string());
        cached.stdout()
    };
    let before = report("kept lines");
    assert!(before.contains("\"contact\": \"张"), "{before}");
    // A resident added at the top with every name changed: each line
    // moves. The old offsets put back over the new ones stand for another
    // roster.
    let mut lines: Vec<String> = roster.lines().map(|l| l.replace('张', "李")).collect();
    let mut first: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    first[0] = "R0".to_string();
    lines.insert(1, first.join(","));
    wd.write("residents.csv", lines.join("\n") + "\n");
    settle(&wd, "2021-12-31");
    std::fs::write(&kept, &old).unwrap();
    let after = report("old lines over an edited roster");
    assert!(
        after.contains("\"contact\": \"李") && !after.contains("\"contact\": \"张"),
        "{after}"
    );
    // Damaged anywhere: head, offsets or hash.
    settle(&wd, "2021-12-31");
    let good = std::fs::read(&kept).unwrap();
    for at in [5, good.len() / 2, good.len() - 12, good.len() - 3] {
        let mut bad = good.clone();
        bad[at] ^= 0x21;
        std::fs::write(&kept, &bad).unwrap();
        assert_eq!(report(&format!("lines damaged at byte {at}")), after);
    }
}
