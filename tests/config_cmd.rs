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
    run.says("设置").says("命令行").says("rounds.toml 第 1 行");
}

#[test]
fn a_missing_directory_is_shown_and_explained() {
    let w = Workdir::new();
    let missing = w.join("new-community").display().to_string();
    let run = w
        .run_raw(&["--data".into(), missing.clone(), "config".into()], &[])
        .ok();
    run.says(&missing)
        .says(&format!("create one with: rounds init {missing}"));
}

#[test]
fn unknown_keys_in_rounds_toml_name_key_and_line() {
    let w = Workdir::new();
    w.write("residents.csv", "id,level\nA1,red\n")
        .write("rounds.toml", "policy = \"calendar\"\n\nwindw = 3\n");
    for cmd in [&["due"][..], &["config"], &["report"]] {
        let run = w.run(cmd).expect(3);
        run.says("rounds.toml:3").says("windw");
    }
    w.run(&["check"])
        .expect(3)
        .says("rounds.toml:3")
        .says("unknown key 'windw' — did you mean window?");
    w.run(&["check", "--lang", "zh"])
        .expect(3)
        .says("未知的设置项“windw”——是不是 window？");
    w.write("rounds.toml", "[levels]\nyelow = \"month\"\n");
    w.run(&["due"])
        .expect(3)
        .says("rounds.toml:2")
        .says("'yelow' is not a level — did you mean yellow?");
}
