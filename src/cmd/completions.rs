//! `rounds completions bash|zsh|fish|powershell|elvish`
//!
//! Prints the shell's completion script for every subcommand and flag, made
//! from the same definitions as `--help`. Load it for this session with
//! `source <(rounds completions bash)`, or save it where the shell looks
//! (e.g. `rounds completions bash > /etc/bash_completion.d/rounds`).

use std::io::Write;

use clap::builder::PossibleValuesParser;
use clap::{Command, CommandFactory};

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;
use crate::render::Format;

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut cmd = Cli::command();
    // Built first, so that the global --format is in every subcommand,
    // where it can offer that command's own formats.
    cmd.build();
    let mut cmd = own_formats(cmd, "");
    clap_complete::generate(args.shell, &mut cmd, "rounds", out);
    Ok(Outcome::Success)
}

/// Each subcommand's `--format` offering only the formats it writes
/// (`Format::of_command`), and not offered where it writes none.
fn own_formats(cmd: Command, path: &str) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        let path = format!("{path} {name}").trim().to_string();
        cmd.mut_subcommand(name, |sub| {
            let formats = Format::of_command(&path);
            let sub = sub.mut_args(|arg| {
                if arg.get_id() != "format" {
                    return arg;
                }
                let values: Vec<_> = arg
                    .get_possible_values()
                    .into_iter()
                    .filter(|v| formats.iter().any(|f| v.matches(f.name(), false)))
                    .collect();
                arg.hide(formats.is_empty())
                    .value_parser(PossibleValuesParser::new(values))
            });
            own_formats(sub, &path)
        })
    })
}
