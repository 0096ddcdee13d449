//! Who may read the files rounds writes. A file written anew over an old
//! one keeps the old one's mode (and its owner and group, where the
//! process may set them), so a folder an office shares stays shared; new
//! files follow the umask; the cache and reports with `--reveal` are the
//! owner's alone.

#![cfg(unix)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use common::{Run, Workdir, community};

const T: &str = "2020-07-31";

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs `rounds --data DIR ARGS...` under `umask`.
fn run_umask(wd: &Workdir, umask: &str, args: &[&str]) -> Run {
    let mut all = vec!["--data".to_string(), wd.path().display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let output = Command::new("sh")
        .arg("-c")
        .arg("umask \"$0\" && exec \"$@\"")
        .arg(umask)
        .arg(env!("CARGO_BIN_EXE_rounds"))
        .args(&all)
        .current_dir(wd.path())
        .env_remove("ROUNDS_DATA")
        .env_remove("LC_ALL")
        .env("LANG", "C")
        .output()
        .expect("run rounds under sh");
    Run {
        args: all,
        dir: wd.path().to_path_buf(),
        output,
    }
}

/// Whether this process may give files away (root): then the owner and
/// group of a rewritten file are checked too.
fn may_chown(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    std::fs::write(&probe, "").unwrap();
    let root = std::os::unix::fs::chown(&probe, Some(4321), None).is_ok();
    std::fs::remove_file(probe).unwrap();
    root
}

/// An ASCII community: its first Chinese rows make rounds write
/// visits.csv anew (with a BOM) rather than append to it.
const RESIDENTS: &str = "id,household,level,visitor\nR1,H1,red,Wang\nR2,H2,green,Li\n";
const VISITS: &str = "date,household,visitor,kind,note,persons\n2020-07-01,H1,Wang,,,\n";

#[test]
fn a_shared_ledger_stays_shared_after_need_update() {
    let wd = community(RESIDENTS, VISITS);
    run_umask(
        &wd,
        "022",
        &["--today", T, "need", "add", "H1", "--text", "leaking roof"],
    )
    .ok();
    let ledger = wd.join("needs.csv");
    chmod(&ledger, 0o664);
    let chown = may_chown(wd.path());
    if chown {
        std::os::unix::fs::chown(&ledger, Some(4321), Some(4322)).unwrap();
    }
    // A umask that would make a new file owner-only: the mode is the old
    // file's, not the umask's.
    run_umask(
        &wd,
        "077",
        &[
            "--today",
            T,
            "need",
            "update",
            "N0001",
            "--status",
            "in_progress",
        ],
    )
    .ok();
    assert!(
        String::from_utf8(wd.read("needs.csv"))
            .unwrap()
            .contains("in_progress"),
        "the ledger was rewritten"
    );
    assert_eq!(mode(&ledger), 0o664, "needs.csv after need update");
    if chown {
        let meta = std::fs::metadata(&ledger).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322), "owner and group");
    }
}

#[test]
fn visits_csv_keeps_its_mode_when_written_anew() {
    let wd = community(RESIDENTS, VISITS);
    let visits = wd.join("visits.csv");
    chmod(&visits, 0o664);
    let chown = may_chown(wd.path());
    if chown {
        std::os::unix::fs::chown(&visits, Some(4321), Some(4322)).unwrap();
    }
    wd.write("log.csv", "date,household,visitor\n2020-07-02,H2,王芳\n");
    let log = wd.join("log.csv").display().to_string();
    run_umask(&wd, "077", &["--today", T, "import", &log]).ok();
    let bytes = wd.read("visits.csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "written anew, with a BOM"
    );
    assert_eq!(mode(&visits), 0o664, "visits.csv after import");
    if chown {
        let meta = std::fs::metadata(&visits).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322), "owner and group");
    }

    // `visit` over an ASCII store writes it anew too.
    let wd = community(RESIDENTS, VISITS);
    let visits = wd.join("visits.csv");
    chmod(&visits, 0o640);
    run_umask(
        &wd,
        "000",
        &[
            "--today",
            T,
            "visit",
            "H2",
            "--date",
            "2020-07-03",
            "--visitor",
            "李明",
        ],
    )
    .ok();
    assert!(wd.read("visits.csv").starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(mode(&visits), 0o640, "visits.csv after visit");
    // An append keeps it as well.
    run_umask(
        &wd,
        "077",
        &[
            "--today",
            T,
            "visit",
            "H1",
            "--date",
            "2020-07-04",
            "--visitor",
            "李明",
        ],
    )
    .ok();
    assert_eq!(mode(&visits), 0o640, "visits.csv after an append");
}

#[test]
fn new_files_follow_the_umask() {
    let wd = Workdir::new();
    let fresh = wd.join("fresh");
    let fresh_arg = fresh.display().to_string();
    run_umask(&wd, "002", &["init", &fresh_arg]).ok();
    for f in ["residents.csv", "visits.csv", "rounds.toml"] {
        assert_eq!(mode(&fresh.join(f)), 0o664, "init {f} under umask 002");
    }
    let wd = community(RESIDENTS, VISITS);
    std::fs::remove_file(wd.join("visits.csv")).unwrap();
    run_umask(
        &wd,
        "027",
        &["--today", T, "need", "add", "H1", "--text", "x"],
    )
    .ok();
    assert_eq!(mode(&wd.join("needs.csv")), 0o640, "a new needs.csv");
    run_umask(
        &wd,
        "027",
        &["--today", T, "visit", "H1", "--date", "2020-07-03"],
    )
    .ok();
    assert_eq!(mode(&wd.join("visits.csv")), 0o640, "a new visits.csv");
    let report = wd.join("report.html");
    let report_arg = report.display().to_string();
    let write_report = |umask| {
        let args = [
            "--today",
            T,
            "report",
            "--month",
            "2020-07",
            "-o",
            &report_arg,
        ];
        run_umask(&wd, umask, &args).ok();
    };
    write_report("002");
    assert_eq!(mode(&report), 0o664, "a new report");
    // A report written over an old one keeps the old one's mode.
    chmod(&report, 0o640);
    write_report("000");
    assert_eq!(mode(&report), 0o640, "a report written again");
}

#[test]
fn revealed_reports_and_the_cache_are_the_owners_alone() {
    let wd = community(RESIDENTS, VISITS);
    for ext in ["html", "xlsx", "csv"] {
        let out = wd.join(&format!("revealed.{ext}"));
        if ext != "csv" {
            // Written over an old report open to all.
            std::fs::write(&out, "old").unwrap();
            chmod(&out, 0o644);
        }
        let out_arg = out.display().to_string();
        run_umask(
            &wd,
            "000",
            &[
                "--today", T, "report", "--month", "2020-07", "--reveal", "-o", &out_arg,
            ],
        )
        .ok();
    }
    let written: Vec<_> = std::fs::read_dir(wd.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("revealed")
        })
        .collect();
    // csv writes one file per section beside the one named.
    assert!(written.len() > 3, "{written:?}");
    for p in &written {
        assert_eq!(mode(p), 0o600, "{}", p.display());
    }
    // The cache (kept only for files that are not being written right
    // now), under a umask that takes nothing away.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for f in ["residents.csv", "visits.csv"] {
        let file = std::fs::File::options()
            .write(true)
            .open(wd.join(f))
            .unwrap();
        file.set_modified(past).unwrap();
    }
    run_umask(&wd, "000", &["--today", T, "due"]).ok();
    let cache = wd.join(".rounds-cache");
    assert_eq!(mode(&cache), 0o700, "the cache folder");
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}
