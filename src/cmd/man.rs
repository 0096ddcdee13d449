//! `rounds man`
//!
//! Prints the manual page in roff, made from the same definitions as
//! `--help`: `rounds man | man -l -` reads it now, `rounds man >
//! /usr/local/share/man/man1/rounds.1` installs it. Its SUBCOMMANDS
//! section lists every command; `rounds help COMMAND` gives its flags.
//! Its words are in the language in force, as `--help`'s are (the roff
//! section names stay as man pages have them).

use std::io::Write;

use super::Outcome;
use crate::cli::Cli;
use crate::error::Error;
use crate::i18n::Lang;

pub fn run(lang: Lang, out: &mut dyn Write) -> Result<Outcome, Error> {
    let cmd = Cli::command_in(lang);
    clap_mangen::Man::new(cmd)
        .render(out)
        .map_err(Error::Output)?;
    Ok(Outcome::Success)
}
