//! `rounds man`
//!
//! Prints the manual page in roff, made from the same definitions as
//! `--help`: `rounds man | man -l -` reads it now, `rounds man >
//! /usr/local/share/man/man1/rounds.1` installs it. Its SUBCOMMANDS
//! section lists every command; `rounds help COMMAND` gives its flags.

use std::io::Write;

use clap::CommandFactory;

use super::Outcome;
use crate::cli::Cli;
use crate::error::Error;

pub fn run(out: &mut dyn Write) -> Result<Outcome, Error> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd)
        .render(out)
        .map_err(Error::Output)?;
    Ok(Outcome::Success)
}
