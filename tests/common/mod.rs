//! A fresh directory per test, files written into it, and the real binary
//! run there. On failure the helpers panic with the command, the directory,
//! the status and both outputs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub output: Output,
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
    fn other(self) -> Stream {
        match self {
            Stream::Stdout => Stream::Stderr,
            Stream::Stderr => Stream::Stdout,
        }
    }
}

impl Run {
    pub fn status(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    fn describe(&self) -> String {
        format!(
            "rounds {}\n  in {}\n  status {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.dir.display(),
            self.status(),
            self.stdout(),
            self.stderr()
        )
    }
    /// Asserts the exit status and returns self.
    #[track_caller]
    pub fn expect(self, status: i32) -> Self {
        assert_eq!(
            self.status(),
            status,
            "unexpected status:\n{}",
            self.describe()
        );
        self
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        self.expect(0)
    }
    /// Asserts stdout, where the command's data goes (tables, csv, json,
    /// reports, summaries), contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Self {
        self.has(Stream::Stdout, text)
    }
    /// Asserts stderr, where diagnostics go (errors, warnings, rejected rows,
    /// notes, progress), contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        self.has(Stream::Stderr, text)
    }
    #[track_caller]
    pub fn stdout_lacks(self, text: &str) -> Self {
        self.lacks(Stream::Stdout, text)
    }
    #[track_caller]
    pub fn stderr_lacks(self, text: &str) -> Self {
        self.lacks(Stream::Stderr, text)
    }
    /// Asserts nothing was printed on stdout.
    #[track_caller]
    pub fn stdout_is_empty(self) -> Self {
        assert!(
            self.output.stdout.is_empty(),
            "stdout is not empty:\n{}",
            self.describe()
        );
        self
    }
    /// Asserts nothing was printed on stderr: no warning, note or error.
    #[track_caller]
    pub fn stderr_is_empty(self) -> Self {
        assert!(
            self.output.stderr.is_empty(),
            "stderr is not empty:\n{}",
            self.describe()
        );
        self
    }
    /// Asserts `text` is on neither stream: for what must appear nowhere
    /// (personal data, a panic, a message that must not be given at all).
    #[track_caller]
    pub fn never_says(self, text: &str) -> Self {
        self.lacks(Stream::Stdout, text).lacks(Stream::Stderr, text)
    }
    fn stream(&self, stream: Stream) -> String {
        match stream {
            Stream::Stdout => self.stdout(),
            Stream::Stderr => self.stderr(),
        }
    }
    #[track_caller]
    fn has(self, stream: Stream, text: &str) -> Self {
        if !self.stream(stream).contains(text) {
            let other = stream.other();
            let elsewhere = if self.stream(other).contains(text) {
                format!(" (it is on {}, the wrong stream)", other.name())
            } else {
                String::new()
            };
            panic!(
                "{} lacks {text:?}{elsewhere}:\n{}",
                stream.name(),
                self.describe()
            );
        }
        self
    }
    #[track_caller]
    fn lacks(self, stream: Stream, text: &str) -> Self {
        assert!(
            !self.stream(stream).contains(text),
            "{} has {text:?}:\n{}",
            stream.name(),
            self.describe()
        );
        self
    }
    /// stdout parsed as CSV: header-keyed rows.
    pub fn csv(&self) -> Vec<std::collections::BTreeMap<String, String>> {
        let text = self.stdout();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = r.headers().expect("csv header").clone();
        r.records()
            .map(|rec| {
                let rec = rec.expect("csv record");
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.describe()))
    }
}

impl Workdir {
    pub fn new() -> Self {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("rounds-test-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `name` under the work directory; a `/` in it separates directories
    /// the platform's way (`\` on Windows), as rounds prints them.
    pub fn join(&self, name: &str) -> PathBuf {
        name.split('/')
            .fold(self.dir.path().to_path_buf(), |path, part| path.join(part))
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
        self
    }

    /// Writes one more file, for a fixture built in one expression:
    /// `community(RESIDENTS, VISITS).with("needs.csv", LEDGER)`.
    pub fn with(self, name: &str, content: impl AsRef<[u8]>) -> Self {
        self.write(name, content);
        self
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.join(name)).unwrap()
    }

    /// Copies every file of `src` into the work directory.
    pub fn copy_from(&self, src: &Path) -> &Self {
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(
                    entry.path(),
                    self.join(&entry.file_name().to_string_lossy()),
                )
                .unwrap();
            }
        }
        self
    }

    /// Runs `rounds --data DIR ARGS...` with a clean environment for
    /// language, colour and width.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--data".to_string(), self.path().display().to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        self.run_raw(&all, &[])
    }

    /// Runs the binary with exactly `args` and extra environment.
    pub fn run_raw(&self, args: &[String], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = output_of(&mut cmd);
        Run {
            args: args.to_vec(),
            dir: self.path().to_path_buf(),
            output,
        }
    }

    /// The binary with exactly `args`, in the work directory, with a clean
    /// environment for language, colour and width: to spawn it and talk
    /// to it while it runs.
    pub fn command(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rounds"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("ROUNDS_DATA")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .env("LANG", "C");
        cmd
    }
}

/// A fresh data directory holding a community: its `residents.csv` and
/// `visits.csv` as given (add more files with `Workdir::with`).
/// Sets a file's modification time `secs` seconds into the past: the
/// cache is kept only for files that have not just changed (a later change
/// could carry the same time stamp).
pub fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
        .unwrap();
}

/// `age` of each of the files `names` of `wd` that exists.
pub fn age_files(wd: &Workdir, names: &[&str], secs: u64) {
    for name in names {
        if wd.join(name).exists() {
            age(&wd.join(name), secs);
        }
    }
}

pub fn community(residents: impl AsRef<[u8]>, visits: impl AsRef<[u8]>) -> Workdir {
    Workdir::new()
        .with("residents.csv", residents)
        .with("visits.csv", visits)
}

/// A fresh copy of the example community `examples/NAME`, to change.
pub fn example_copy(name: &str) -> Workdir {
    let wd = Workdir::new();
    wd.copy_from(&example(name));
    wd
}

/// Runs `rounds --data examples/NAME ARGS...` (read only: no copy).
pub fn run_example(name: &str, args: &[&str]) -> Run {
    let mut all = vec!["--data".to_string(), example(name).display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    Workdir::new().run_raw(&all, &[])
}

/// The directory of a copied conformance dataset.
pub fn conformance(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(name)
}

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// A relative path written with `/`, as rounds prints it on this platform.
pub fn native(path: &str) -> String {
    path.replace('/', std::path::MAIN_SEPARATOR_STR)
}

/// splitmix64: a small deterministic generator for the test data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The output of `cmd`. Under Wine, starting a process now and then fails
/// with ERROR_INTERNAL_ERROR (1359) before the program runs at all: that
/// start is tried again (a few times), any other failure is the test's.
fn output_of(cmd: &mut Command) -> std::process::Output {
    let mut tries = 0;
    loop {
        match cmd.output() {
            Ok(output) => return output,
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(1359) && tries < 3 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => panic!("run rounds: {e:?}"),
        }
    }
}
