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
        .says("residents.csv")
        .says("visits.csv")
        .says("rounds.toml");
    let residents = std::fs::read_to_string(dir.join("residents.csv")).unwrap();
    assert!(
        residents.starts_with("\u{feff}编号,户号,姓名,关注等级"),
        "{residents}"
    );
    let visits = std::fs::read_to_string(dir.join("visits.csv")).unwrap();
    assert!(visits.starts_with("\u{feff}日期,户号,走访人"), "{visits}");
    // The new directory checks clean and lists nobody.
    wd.run_raw(&args(&["check"]), &[])
        .ok()
        .says("0 errors, 0 warnings in 3 files");
    wd.run_raw(&args(&["due"]), &[])
        .ok()
        .says("No household is overdue or due.");
    // Every line of the settings is a comment: the defaults are in force.
    let toml = std::fs::read_to_string(dir.join("rounds.toml")).unwrap();
    assert!(
        toml.lines().all(|l| l.is_empty() || l.starts_with('#')),
        "{toml}"
    );
}

#[test]
fn never_overwrites() {
    let wd = Workdir::new();
    wd.write("residents.csv", "id,level\nA1,red\n");
    let run = wd
        .run(&["--lang", "en", "init", wd.path().to_str().unwrap()])
        .ok();
    run.says("kept").says("created");
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
