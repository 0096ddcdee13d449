//! `rounds config`: the settings in force and where each came from; and
//! rounds.toml errors that name the key and the line.

mod common;
use common::Workdir;

fn settings(run: &common::Run) -> Vec<serde_json::Value> {
    run.json().as_array().unwrap().clone()
}

fn find<'a>(s: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    s.iter()
        .find(|x| x["setting"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn each_setting_says_where_it_came_from() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\n").write(
        "rounds.toml",
        "# settings\nname = \"东岗社区\"\nwindow = 3\n\n[levels]\n\"黄\" = \"month\"\n",
    );
    // No `start` set: none is shown (the rules then have none).
    let none = w.run(&["config", "--format", "json"]).ok();
    assert!(
        settings(&none).iter().all(|x| x["setting"] != "start"),
        "{}",
        none.stdout()
    );
    w.write(
        "rounds.toml",
        "# settings\nname = \"东岗社区\"\nwindow = 3\nstart = 2020-03-01\n[levels]\n\"黄\" = \"month\"\n",
    );
    let dir = w.path().display().to_string();
    let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let run = w
        .run_raw(
            &all(&[
                "--data",
                &dir,
                "--today",
                "2020-07-20",
                "config",
                "--format",
                "json",
            ]),
            &[("LANG", "zh_CN.UTF-8")],
        )
        .ok();
    let s = settings(&run);
    assert_eq!(find(&s, "data")["source"], "flag");
    assert_eq!(find(&s, "today")["value"], "2020-07-20");
    assert_eq!(find(&s, "today")["source"], "flag");
    assert_eq!(find(&s, "lang")["value"], "zh");
    assert_eq!(find(&s, "lang")["source"], "locale");
    assert_eq!(find(&s, "lang")["where"], "LANG");
    assert_eq!(find(&s, "window")["value"], "3");
    assert_eq!(find(&s, "window")["where"], "rounds.toml:3");
    assert_eq!(find(&s, "start")["value"], "2020-03-01");
    assert_eq!(find(&s, "start")["where"], "rounds.toml:4");
    assert_eq!(find(&s, "levels.yellow")["value"], "month");
    assert_eq!(find(&s, "levels.yellow")["where"], "rounds.toml:6");
    assert_eq!(find(&s, "levels.red")["source"], "default");
    assert_eq!(find(&s, "policy")["source"], "default");
    assert_eq!(find(&s, "color")["source"], "default");

    // The environment: ROUNDS_DATA, NO_COLOR, LC_ALL.
    let run = w
        .run_raw(
            &all(&["config", "--format", "json"]),
            &[
                ("ROUNDS_DATA", &dir),
                ("NO_COLOR", "1"),
                ("LC_ALL", "zh_TW.UTF-8"),
                ("ROUNDS_CACHE", "0"),
            ],
        )
        .ok();
    let s = settings(&run);
    assert_eq!(find(&s, "cache")["value"], "0");
    assert_eq!(find(&s, "cache")["where"], "ROUNDS_CACHE");
    assert_eq!(find(&s, "data")["source"], "env");
    assert_eq!(find(&s, "data")["where"], "ROUNDS_DATA");
    assert_eq!(find(&s, "color")["value"], "never");
    assert_eq!(find(&s, "color")["where"], "NO_COLOR");
    assert_eq!(find(&s, "lang")["where"], "LC_ALL");
    assert_eq!(find(&s, "today")["source"], "clock");

    // rounds.toml's lang beats the locale; the flag beats both.
    w.write("rounds.toml", "lang = \"en\"\n");
    let run = w
        .run_raw(
            &all(&["--data", &dir, "config", "--format", "json"]),
            &[("LANG", "zh_CN.UTF-8")],
        )
        .ok();
    let s = settings(&run);
    assert_eq!(find(&s, "lang")["value"], "en");
    assert_eq!(find(&s, "lang")["where"], "rounds.toml:1");
    w.write("rounds.toml", "window = 5\n");
    let run = w.run(&["--lang", "zh", "config"]).ok();
    run.stdout_has("设置")
        .stdout_has("命令行")
        .stdout_has("rounds.toml 第 1 行");
}

#[test]
fn a_missing_directory_is_shown_and_explained() {
    let w = Workdir::new();
    let missing = w.join("new-community").display().to_string();
    let run = w
        .run_raw(&["--data".into(), missing.clone(), "config".into()], &[])
        .ok();
    run.stdout_has(&missing)
        .stderr_has(&format!("create one with: rounds init {missing}"));
}

#[test]
fn unknown_keys_in_rounds_toml_name_key_and_line() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\n")
        .write("rounds.toml", "policy = \"calendar\"\n\nwindw = 3\n");
    for cmd in [&["due"][..], &["config"], &["report"]] {
        let run = w.run(cmd).expect(3);
        run.stderr_has("rounds.toml:3").stderr_has("windw");
    }
    w.run(&["check"])
        .expect(3)
        .stdout_has("rounds.toml:3")
        .stdout_has("unknown key 'windw' — did you mean window?");
    w.run(&["check", "--lang", "zh"])
        .expect(3)
        .stdout_has("未知的设置项“windw”——是不是 window？");
    w.write("rounds.toml", "[levels]\nyelow = \"month\"\n");
    w.run(&["due"])
        .expect(3)
        .stderr_has("rounds.toml:2")
        .stderr_has("'yelow' is not a level — did you mean yellow?");
}

/// Sets the data files' modification time into the past: the cache is
/// written only for files that have not just changed.
fn settle(w: &Workdir) {
    common::age_files(w, &["residents.csv", "visits.csv"], 600);
}

fn with_env(w: &Workdir, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut all = vec!["--data".to_string(), w.path().display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    w.run_raw(&all, env)
}

#[test]
fn rounds_cache_false_turns_the_cache_off_and_config_says_so() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\nA2,green\n")
        .write("visits.csv", "date,household\n2020-07-01,A1\n");
    settle(&w);
    let commands: [&[&str]; 3] = [
        &["--today", "2020-07-20", "due", "--format", "csv"],
        &["--today", "2020-07-20", "check"],
        &["--today", "2020-07-20", "report", "--format", "json"],
    ];
    for off in ["false", "FALSE", "0", "no", "Off"] {
        for command in commands {
            with_env(&w, command, &[("ROUNDS_CACHE", off)]).ok();
        }
        assert!(
            !w.join(".rounds-cache").exists(),
            "ROUNDS_CACHE={off} wrote a cache"
        );
        let run = with_env(
            &w,
            &["config", "--format", "json"],
            &[("ROUNDS_CACHE", off)],
        )
        .ok();
        let s = settings(&run);
        assert_eq!(find(&s, "cache")["value"], "0", "{off}");
        assert_eq!(find(&s, "cache")["source"], "env", "{off}");
        assert_eq!(find(&s, "cache")["where"], "ROUNDS_CACHE", "{off}");
        // The table names the variable, in both languages.
        with_env(&w, &["config"], &[("ROUNDS_CACHE", off)])
            .ok()
            .stdout_has("environment (ROUNDS_CACHE)")
            .never_says("(?)");
        with_env(&w, &["--lang", "zh", "config"], &[("ROUNDS_CACHE", off)])
            .ok()
            .stdout_has("环境变量（ROUNDS_CACHE）");
    }
    // On, spelt any usual way, the cache is used and written.
    for on in ["true", "Yes", "ON", "1"] {
        let run = with_env(&w, &["config", "--format", "json"], &[("ROUNDS_CACHE", on)]).ok();
        assert_eq!(find(&settings(&run), "cache")["value"], "1", "{on}");
    }
    with_env(&w, commands[0], &[("ROUNDS_CACHE", "TRUE")]).ok();
    assert!(w.join(".rounds-cache").exists());
    // And the fast path's switch takes the same words, and `must`.
    let run = with_env(
        &w,
        &["config", "--format", "json"],
        &[("ROUNDS_FAST", "no")],
    )
    .ok();
    assert_eq!(find(&settings(&run), "fast_path")["value"], "0");
    assert_eq!(find(&settings(&run), "fast_path")["where"], "ROUNDS_FAST");
    let run = with_env(
        &w,
        &["config", "--format", "json"],
        &[("ROUNDS_FAST", "Must")],
    )
    .ok();
    assert_eq!(find(&settings(&run), "fast_path")["value"], "must");
    let run = with_env(&w, &["config", "--format", "json"], &[]).ok();
    assert_eq!(find(&settings(&run), "cache")["source"], "default");
}

#[test]
fn a_switch_in_the_environment_it_does_not_take_is_refused() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\n")
        .write("visits.csv", "date,household\n");
    for (var, value) in [
        ("ROUNDS_CACHE", "disabled"),
        ("ROUNDS_CACHE", "2"),
        ("ROUNDS_FAST", "fast"),
    ] {
        for command in [&["due"][..], &["config"], &["report"], &["check"]] {
            let run = with_env(&w, command, &[(var, value)]).expect(2);
            assert!(run.stdout().is_empty(), "{}", run.stdout());
            run.stderr_has(&format!("{var}='{value}' is not understood"))
                .stderr_has("0, 1, false, true, no, yes, off, on");
        }
        with_env(&w, &["--lang", "zh", "due"], &[(var, value)])
            .expect(2)
            .stderr_has(&format!("环境变量 {var} 的值“{value}”无法识别"))
            .stderr_has("0, 1, false, true, no, yes, off, on");
    }
    with_env(&w, &["due"], &[("ROUNDS_FAST", "fast")])
        .expect(2)
        .stderr_has("on, must");
    assert!(!w.join(".rounds-cache").exists());
}
