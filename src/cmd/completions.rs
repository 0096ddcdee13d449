//! `rounds completions bash|zsh|fish|powershell|elvish`
//!
//! Prints the shell's completion script for every subcommand and flag, made
//! from the same definitions as `--help`. Load it for this session with
//! `source <(rounds completions bash)`, or save it where the shell looks
//! (e.g. `rounds completions bash > /etc/bash_completion.d/rounds`).

use std::io::Write;

use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "rounds", out);
    Ok(Outcome::Success)
}
