//! The shell: completions, the man page, colour, and no progress bar
//! where stderr is not a terminal.

mod common;
use common::{Workdir, run_example};

fn raw(args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    Workdir::new().run_raw(&all, env)
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef rounds"),
        ("fish", "complete -c rounds"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = raw(&["completions", shell], &[]).ok();
        let out = run.stdout();
        assert!(out.contains(marker), "{shell}: {out}");
        for word in [
            "households",
            "history",
            "change",
            "due",
            "visitor",
            "quiet",
            "completions",
        ] {
            assert!(out.contains(word), "{shell} lacks {word}");
        }
    }
    raw(&["completions", "tcsh"], &[]).expect(2);
}

#[test]
fn bash_completion_completes_subcommands() {
    // Load the script in a real bash and ask it for `rounds hi<TAB>`.
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let w = Workdir::new();
    let script = raw(&["completions", "bash"], &[]).ok().stdout();
    w.write("rounds.bash", script);
    let probe = r#"source ./rounds.bash
COMP_WORDS=(rounds hi); COMP_CWORD=1; COMP_LINE="rounds hi"; COMP_POINT=${#COMP_LINE}
_rounds rounds hi rounds
printf '%s\n' "${COMPREPLY[@]}""#;
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(probe)
        .current_dir(w.path())
        .output()
        .unwrap();
    let reply = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        reply.trim(),
        "history",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the bash completion script offers for the last of `words` (the
/// word being typed, maybe empty), loaded in a real bash; `None` without
/// bash.
fn bash_offers(words: &[&str]) -> Option<Vec<String>> {
    std::process::Command::new("bash")
        .arg("--version")
        .output()
        .ok()?;
    let w = Workdir::new();
    w.write(
        "rounds.bash",
        raw(&["completions", "bash"], &[]).ok().stdout(),
    );
    let quoted: Vec<String> = words.iter().map(|x| format!("'{x}'")).collect();
    let (cur, prev) = (words[words.len() - 1], words[words.len() - 2]);
    let probe = format!(
        "source ./rounds.bash\nCOMP_WORDS=({}); COMP_CWORD={}; COMP_LINE=\"{}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _rounds rounds '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(probe)
        .current_dir(w.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    )
}

#[test]
fn completion_offers_each_command_its_own_formats() {
    for (words, formats) in [
        (
            &["rounds", "due", "--format", ""][..],
            "table csv json md html",
        ),
        (
            &["rounds", "report", "--format", ""],
            "table csv json md html xlsx",
        ),
        (&["rounds", "households", "--format", ""], "table csv json"),
        (&["rounds", "history", "--format", ""], "table csv json"),
        (&["rounds", "needs", "--format", ""], "table csv json"),
        (&["rounds", "need", "add", "--format", ""], "table csv json"),
        (&["rounds", "check", "--format", ""], "table csv json"),
        (&["rounds", "config", "--format", ""], "table csv json"),
        (&["rounds", "import", "--format", ""], "table csv json"),
        (&["rounds", "visit", "--format", ""], ""),
        (&["rounds", "init", "--format", ""], ""),
        // Before the command, every format is still to be had.
        (&["rounds", "--format", ""], "table csv json md html xlsx"),
        (&["rounds", "report", "--format", "x"], "xlsx"),
        (&["rounds", "due", "--format", "x"], ""),
    ] {
        let Some(offered) = bash_offers(words) else {
            return;
        };
        assert_eq!(offered.join(" "), formats, "{words:?}");
    }
}

#[test]
fn each_command_takes_the_formats_completion_offers() {
    use rounds::render::Format;
    let w = Workdir::new();
    w.write(
        "residents.csv",
        "id,household,name,level,visitor\nA1,H1,张三丰,red,马春英\n",
    )
    .write(
        "visits.csv",
        "date,household,visitor\n2020-07-01,H1,马春英\n",
    );
    let all = ["table", "csv", "json", "md", "html", "xlsx"];
    for command in [
        &["due"][..],
        &["report"],
        &["households"],
        &["history", "H1"],
        &["needs"],
        &["check"],
    ] {
        let takes = Format::of_command(command[0]);
        for format in all {
            let mut args = vec!["--today", "2020-07-20", "--format", format];
            args.extend_from_slice(command);
            let status = if takes.iter().any(|f| f.name() == format) {
                0
            } else {
                2
            };
            w.run(&args).expect(status);
        }
    }
}

#[test]
fn man_page_in_roff() {
    let run = raw(&["man"], &[]).ok();
    let out = run.stdout();
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &out[..80.min(out.len())]
    );
    assert!(out.contains(".TH rounds 1"));
    assert!(out.contains("households"));
    assert!(out.contains("\\-\\-data"));
    // In Chinese under --lang zh, as --help is.
    let zh = raw(&["--lang", "zh", "man"], &[]).ok().stdout();
    assert!(zh.contains(".TH rounds 1"));
    assert!(zh.contains("\\-\\-data"));
    assert!(
        zh.contains("数据目录") && !zh.contains("The data directory"),
        "{zh}"
    );
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let args = ["--today", "2020-07-20", "due"];
    // Not a terminal: auto means no colour.
    let plain = run_example("nongjiang", &args).ok().stdout();
    assert!(!plain.contains('\x1b'));
    let mut always = args.to_vec();
    always.extend(["--color", "always"]);
    let coloured = run_example("nongjiang", &always).ok().stdout();
    assert!(
        coloured.contains("\x1b["),
        "no escape codes with --color always"
    );
    let mut never = args.to_vec();
    never.extend(["--color", "never"]);
    assert!(
        !run_example("nongjiang", &never)
            .ok()
            .stdout()
            .contains('\x1b')
    );
    // NO_COLOR leaves auto uncoloured; an explicit --color always still wins.
    let data = common::example("nongjiang").display().to_string();
    let run = raw(
        &[
            "--data",
            &data,
            "--today",
            "2020-07-20",
            "due",
            "--color",
            "auto",
        ],
        &[("NO_COLOR", "1")],
    )
    .ok();
    assert!(!run.stdout().contains('\x1b'));
}

#[test]
fn no_progress_bar_in_a_pipe() {
    // stderr is a pipe here: whatever the command, nothing but its output.
    for args in [
        &["--today", "2020-07-20", "due", "--all"][..],
        &["--today", "2020-07-20", "report", "--month", "2020-06"],
        &["--today", "2020-07-20", "check"],
        &["--today", "2020-07-20", "households"],
    ] {
        let run = run_example("nongjiang", args).ok();
        assert!(run.stderr().is_empty(), "{args:?}: {}", run.stderr());
    }
}
