//! Parses the command line, runs the command, and turns the result into
//! messages and an exit status. A closed pipe (`rounds due | head`) ends
//! quietly with status 0.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use rounds::cli::{self, Cli};
use rounds::cmd::{self, Outcome, check::render_problem};
use rounds::error::Error;
use rounds::i18n::Msg;

/// How many data problems a failing command prints before it points to
/// `rounds check` for the rest.
const SHOWN_PROBLEMS: usize = 20;

fn main() -> ExitCode {
    let cli = Cli::parse_with_origins();
    let mut lang = cli::early_lang(&cli);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = cmd::run(cli, &mut out, &mut lang);
    let flushed = out.flush();
    let result = match (result, flushed) {
        (Ok(_), Err(e)) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output(e)),
        (r, _) => r,
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Flagged) => ExitCode::from(1),
        Ok(Outcome::InvalidData) => ExitCode::from(3),
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            if let Error::Invalid(problems) = &err {
                for p in problems.iter().take(SHOWN_PROBLEMS) {
                    let _ = writeln!(stderr, "{}", render_problem(lang, p));
                }
                if problems.len() > SHOWN_PROBLEMS {
                    let more = Msg::MoreProblems(problems.len() - SHOWN_PROBLEMS);
                    let _ = writeln!(stderr, "{}", lang.msg(&more));
                }
            }
            let _ = writeln!(stderr, "rounds: {}", lang.error(&err));
            ExitCode::from(err.exit_code())
        }
    }
}
