//! One module per subcommand, and the context they share: the data
//! directory, the as-of date, the language and the output.

mod across;
pub mod change;
pub mod check;
pub mod completions;
pub mod config;
pub mod due;
pub mod export;
pub mod history;
pub mod households;
pub mod import;
pub mod init;
pub mod man;
pub mod need;
pub mod needs;
pub mod record;
pub mod report;
pub mod visit;
pub mod workers;

mod context;

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::i18n::Lang;
use crate::settings::Settings;

pub use context::Ctx;
use context::context;

pub use crate::settings::FastPath;

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Exit status 1: `due --exit-code` found overdue households, or an
    /// import rejected rows.
    Flagged,
    /// Exit status 3, the problems already printed (`check`).
    InvalidData,
}

/// Runs the parsed command line, writing results to `out`.
pub fn run(cli: Cli, out: &mut dyn Write, lang: &mut Lang) -> Result<Outcome, Error> {
    // Several communities (--data A --data B, or a district's directory)
    // make a roll-up of `report`, and one list of `due` and `needs`.
    if let Some(dirs) = report::communities(&cli.data) {
        match &cli.command {
            Command::Report(args) => return report::run_rollup(&cli, &dirs, args, out, lang),
            Command::Due(args) => return due::run_across(&cli, &dirs, args, out, lang),
            Command::Needs(args) => return needs::run_across(&cli, &dirs, args, out, lang),
            Command::Export(args) => return export::run_across(&cli, &dirs, args, out, lang),
            _ => {}
        }
    }
    if cli.data.len() > 1 {
        return Err(Error::Usage(crate::error::Usage::SeveralData));
    }
    let dir = cli
        .data
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    match &cli.command {
        Command::Init(args) => {
            let target = args.dir.clone().unwrap_or(dir);
            let today = match &cli.today {
                Some(text) => crate::model::date::parse(text)
                    .map_err(|_| Error::Usage(crate::error::Usage::BadToday(text.clone())))?,
                None => chrono::Local::now().date_naive(),
            };
            return init::run(&target, *lang, today, out);
        }
        Command::Completions(args) => return completions::run(args, out),
        Command::Man => return man::run(*lang, out),
        _ => {}
    }
    let env = |k: &str| std::env::var(k).ok();
    let settings = Settings::resolve(&cli, &env, lang)?;
    if let Command::Config = cli.command {
        return config::run(&settings, out);
    }
    let ctx = context(settings)?;
    if let (Some(p), false) = (
        &ctx.config_problem,
        matches!(cli.command, Command::Check(_)),
    ) {
        return Err(Error::Invalid(vec![p.clone()]));
    }
    match cli.command {
        Command::Due(args) => due::run(&ctx, &args, out),
        Command::Check(args) => check::run(&ctx, &args, out),
        Command::Report(args) => report::run(&ctx, &args, out),
        Command::Import(args) => import::run(&ctx, &args, out),
        Command::Visit(args) => visit::run(&ctx, &args, out),
        Command::Need(args) => need::run(&ctx, &args, out),
        Command::Needs(args) => needs::run(&ctx, &args, out),
        Command::Households(args) => households::run(&ctx, &args, out),
        Command::History(args) => history::run(&ctx, &args, out),
        Command::Change(args) => change::run(&ctx, &args, out),
        Command::Workers(args) => workers::run(&ctx, &args, out),
        Command::Export(args) => export::run(&ctx, &args, out),
        Command::Init(_) | Command::Completions(_) | Command::Man | Command::Config => {
            unreachable!("handled above")
        }
    }
}
