//! `rounds init`: a working data directory, never overwriting a file.

mod common;

use common::Workdir;

#[test]
fn creates_a_data_directory_that_works() {
    let wd = Workdir::new();
    let dir = wd.join("community");
    let args = |rest: &[&str]| {
        let mut v: Vec<String> = vec!["--data".into(), dir.display().to_string()];
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    };
    wd.run_raw(&args(&["--lang", "zh", "init"]), &[])
        .ok()
        .stdout_has("residents.csv")
        .stdout_has("visits.csv")
        .stdout_has("rounds.toml");
    let residents = std::fs::read_to_string(dir.join("residents.csv")).unwrap();
    assert!(
        residents.starts_with("\u{feff}编号,户号,姓名,关注等级"),
        "{residents}"
    );
    let visits = std::fs::read_to_string(dir.join("visits.csv")).unwrap();
    assert!(visits.starts_with("\u{feff}日期,户号,走访人"), "{visits}");
    // The new directory checks clean and lists nobody, in Chinese (its
    // rounds.toml says so) though the locale is C.
    wd.run_raw(&args(&["check"]), &[])
        .ok()
        .stdout_has("3 个文件中有 0 处错误、0 处警告");
    wd.run_raw(&args(&["due"]), &[])
        .ok()
        .stdout_has("没有逾期或待访的住户。");
    // Every line of the settings but the language and the start (the day
    // the directory was made) is a comment: the defaults are in force.
    let toml = std::fs::read_to_string(dir.join("rounds.toml")).unwrap();
    assert!(
        toml.lines().all(|l| l.is_empty()
            || l.starts_with('#')
            || l == "lang = \"zh\""
            || l.starts_with("start = 20")),
        "{toml}"
    );
}

/// A community set up in Chinese stays in Chinese on a colleague's
/// machine with an English locale; one set up in English leaves the
/// language to each machine.
#[test]
fn the_language_of_init_is_kept_in_rounds_toml() {
    let wd = Workdir::new();
    let zh = wd.join("zh");
    let en = wd.join("en");
    let english_locale = [("LANG", "en_US.UTF-8")];
    let chinese_locale = [("LANG", "zh_CN.UTF-8")];
    let run = |dir: &std::path::Path, rest: &[&str], env: &[(&str, &str)]| {
        let mut v: Vec<String> = vec!["--data".into(), dir.display().to_string()];
        v.extend(rest.iter().map(|s| s.to_string()));
        wd.run_raw(&v, env)
    };
    let init = |dir: &std::path::Path, lang: &str| {
        let args = ["init".to_string(), dir.display().to_string()];
        wd.run_raw(&[&args[..], &["--lang".into(), lang.into()]].concat(), &[])
            .ok();
    };
    init(&zh, "zh");
    let toml = std::fs::read_to_string(zh.join("rounds.toml")).unwrap();
    assert!(toml.lines().any(|l| l == "lang = \"zh\""), "{toml}");
    run(&zh, &["due"], &english_locale)
        .ok()
        .stdout_has("没有逾期或待访的住户。");
    run(&zh, &["config"], &english_locale).ok().stdout_has("zh");

    init(&en, "en");
    let toml = std::fs::read_to_string(en.join("rounds.toml")).unwrap();
    assert!(toml.contains("# lang = \"en\""), "{toml}");
    assert!(
        toml.lines()
            .all(|l| l.is_empty() || l.starts_with('#') || l.starts_with("start = 20")),
        "{toml}"
    );
    run(&en, &["due"], &english_locale)
        .ok()
        .stdout_has("No household is overdue or due.");
    run(&en, &["due"], &chinese_locale)
        .ok()
        .stdout_has("没有逾期或待访的住户。");
}

#[test]
fn never_overwrites() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\n");
    let run = wd
        .run(&["--lang", "en", "init", wd.path().to_str().unwrap()])
        .ok();
    run.stdout_has("kept").stdout_has("created");
    assert_eq!(wd.read("residents.csv"), b"id,level\nA1,red\n");
    let visits = wd.read("visits.csv");
    let again = wd
        .run(&["--lang", "en", "init", wd.path().to_str().unwrap()])
        .ok();
    again.never_says("created");
    assert_eq!(wd.read("visits.csv"), visits);
    assert_eq!(wd.read("residents.csv"), b"id,level\nA1,red\n");
    // English headers in English.
    assert!(
        String::from_utf8(visits)
            .unwrap()
            .contains("date,household,visitor")
    );
}

#[cfg(unix)]
#[test]
fn created_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What the umask leaves of 0666, as for any new file.
    let elsewhere = Workdir::new();
    elsewhere.write("probe", "");
    let usual = mode(&elsewhere.join("probe"));
    wd.run(&["init", wd.path().to_str().unwrap()]).ok();
    for f in ["residents.csv", "visits.csv", "rounds.toml"] {
        assert_eq!(mode(&wd.join(f)), usual, "{f}");
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}
