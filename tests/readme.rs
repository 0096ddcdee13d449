//! The README's walk-through runs as written. Every `$ rounds …` line of
//! README.md runs, in the README's order, from a temporary copy of the
//! repository's root (the bundled examples under `examples/nongjiang`, logs
//! included, and `examples/nongjiang-xlsx`), so the commands that write (import, visit, need) change the
//! copy and never the repository. `rounds` is the binary built for the
//! tests; the line is run by `sh -c`, so its quotes, globs and redirections
//! mean what they mean in a shell. Each command must exit with 0 or 1, and
//! the lines the README shows under it (up to the next `$ ` line or the end
//! of the block; a line that is only `…` stands for lines left out) must be
//! lines of its stdout or stderr, in the order shown. The environment is
//! that of an 80-column terminal in an English locale, as the README says.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

/// One `$ rounds …` line of the README and the output shown under it.
struct Example {
    /// The README's line number, for the failure message.
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// The `$ rounds` lines of fenced code blocks, each with the lines shown
/// under it.
fn examples(readme: &str) -> Vec<Example> {
    let mut found: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut collecting = false;
    for (i, line) in readme.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            collecting = false;
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            assert!(
                in_block,
                "README.md:{}: a `$ ` line outside a code block",
                i + 1
            );
            collecting = command.starts_with("rounds ");
            if collecting {
                found.push(Example {
                    line: i + 1,
                    command: command.to_string(),
                    shown: Vec::new(),
                });
            }
            continue;
        }
        if in_block && collecting {
            found.last_mut().unwrap().shown.push(line.to_string());
        }
    }
    assert!(!in_block, "README.md: a code block is never closed");
    found
}

/// Copies `from` into `to`, subfolders included, leaving out what the tool
/// keeps beside the data (`.rounds-cache/`, `.rounds.lock`) from runs in
/// the repository.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// Whether every shown line (trailing spaces aside) is a line of stdout or
/// of stderr, the lines of each stream in the order shown. Returns the
/// first line that is not.
fn missing<'a>(shown: &'a [String], stdout: &str, stderr: &str) -> Option<&'a str> {
    let out: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    let err: Vec<&str> = stderr.lines().map(str::trim_end).collect();
    let (mut o, mut e) = (0, 0);
    for line in shown {
        let want = line.trim_end();
        if want.trim() == "…" {
            continue;
        }
        if let Some(k) = out[o..].iter().position(|l| *l == want) {
            o += k + 1;
        } else if let Some(k) = err[e..].iter().position(|l| *l == want) {
            e += k + 1;
        } else {
            return Some(line);
        }
    }
    None
}

#[test]
fn every_rounds_line_of_the_readme_runs_and_prints_what_is_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    // The walk-through has a few dozen commands; far fewer means the
    // README's blocks are no longer read as they are written.
    assert!(
        examples.len() >= 15,
        "only {} `$ rounds` lines found in README.md",
        examples.len()
    );
    assert!(
        examples.iter().filter(|x| !x.shown.is_empty()).count() >= 10,
        "too few commands of README.md show their output"
    );

    let work = tempfile::Builder::new()
        .prefix("rounds-readme-")
        .tempdir()
        .unwrap();
    copy_tree(
        &root.join("examples/nongjiang"),
        &work.path().join("examples/nongjiang"),
    );
    copy_tree(
        &root.join("examples/nongjiang-xlsx"),
        &work.path().join("examples/nongjiang-xlsx"),
    );
    let bin = env!("CARGO_BIN_EXE_rounds");
    assert!(!bin.contains('\''), "binary path {bin} has a quote");

    for x in &examples {
        let rest = x.command.strip_prefix("rounds").unwrap();
        let script = format!("'{bin}'{rest}");
        let output = Command::new("sh")
            .arg("-c")
            .arg(&script)
            .current_dir(work.path())
            .env_remove("ROUNDS_DATA")
            .env_remove("ROUNDS_CACHE")
            .env_remove("ROUNDS_FAST")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env_remove("NO_COLOR")
            .env("LANG", "C")
            .env("COLUMNS", "80")
            .output()
            .expect("run sh");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let describe = || {
            format!(
                "README.md:{}: $ {}\n  in {}\n  status {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                x.line,
                x.command,
                work.path().display(),
                output.status.code()
            )
        };
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "exit status neither 0 nor 1:\n{}",
            describe()
        );
        if let Some(line) = missing(&x.shown, &stdout, &stderr) {
            panic!(
                "the README shows {line:?}, which is not printed:\n{}",
                describe()
            );
        }
    }
}

#[test]
fn shown_lines_are_matched_whole_and_in_order() {
    let shown: Vec<String> = ["a", " …", "c  ", "x"].map(String::from).to_vec();
    assert_eq!(missing(&shown, "a\nb\nc\n", "x\n"), None);
    assert_eq!(missing(&shown, "c\na\n", "x\n"), Some("c  "));
    assert_eq!(missing(&shown, "ab\nc\n", "x\n"), Some("a"));
    assert_eq!(missing(&shown, "a\nc\n", ""), Some("x"));
}

#[test]
fn the_readme_blocks_are_read_as_commands_and_output() {
    let text = "text\n$ not read\n```console\n$ rounds a\none\n\n$ ls\nnot shown\n$ rounds b\n```\nafter\n";
    let found = std::panic::catch_unwind(|| examples(text));
    assert!(found.is_err(), "a `$ ` line outside a block is refused");
    let text = "```console\n$ rounds a\none\n\n$ ls\nnot shown\n$ rounds b\n```\nafter\n";
    let found = examples(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].command, "rounds a");
    assert_eq!(found[0].shown, ["one", ""]);
    assert_eq!(found[1].command, "rounds b");
    assert!(found[1].shown.is_empty());
}
