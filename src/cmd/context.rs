//! The context every command shares: the settings in force, the data
//! directory's snapshot, progress and the output format.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::Config;
use crate::data::snapshot::{Paths, Snapshot};
use crate::error::Usage;
use crate::error::{Error, Problem};
use crate::i18n::{Lang, Word};
use crate::progress::{self, Progress};
use crate::render::{ColorChoice, Format, ListFormat};
use crate::settings::{FastPath, Settings};

/// What every command needs to know: the values of the settings in force
/// (`settings::Settings`, where `rounds config` reads them too).
pub struct Ctx {
    pub dir: PathBuf,
    pub today: NaiveDate,
    pub format: Option<Format>,
    pub lang: Lang,
    pub color: bool,
    pub terminal: bool,
    /// The width tables for people are fitted to (`table_width`).
    pub width: Option<u16>,
    pub config: Config,
    /// How many days ahead `due` lists households as due (rounds.toml's
    /// `window`, else 7; `--within` overrides it).
    pub window: u32,
    /// Whether to try the parallel fast path over visits.csv (`ROUNDS_FAST`).
    pub fast_path: FastPath,
    /// Whether to use the cache in .rounds-cache/ (`ROUNDS_CACHE`).
    pub cache: bool,
    /// rounds.toml could not be used: the defaults are in force, and every
    /// command but `check` (which reports it) fails.
    pub config_problem: Option<Problem>,
    /// `--color` in force (`never` under NO_COLOR when not given); the
    /// progress bar on stderr decides with it for itself.
    pub color_choice: ColorChoice,
}

impl Ctx {
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// A progress bar over the roster and the visit log (and `more`
    /// files), drawn on stderr once the command has run for a second, on
    /// a terminal only, never with `quiet`. Drop it before printing.
    pub fn progress(&self, quiet: bool, more: &[PathBuf]) -> Progress {
        let mut files = vec![
            crate::data::roster_sheet::path_in(&self.dir),
            self.path(crate::data::visits::FILE),
        ];
        files.extend(more.iter().cloned());
        Progress::start(
            self.lang.word(Word::Reading).to_string(),
            progress::size_of(&files),
            progress::wanted(quiet),
            self.color_choice
                .enabled(std::io::stderr().is_terminal(), false),
        )
    }

    /// The output format for a command that writes table, csv or json.
    pub fn format(&self) -> Result<ListFormat, Error> {
        list_format(self.format)
    }

    /// The data directory under its shared lock, for a command that
    /// reads (see `data::snapshot`).
    pub fn snapshot(&self) -> Result<Snapshot, Error> {
        Snapshot::read(&self.dir, self.paths(), || self.say_lock_wait())
    }

    /// The data directory under its exclusive lock, for a command that
    /// writes.
    pub fn snapshot_for_write(&self) -> Result<Snapshot, Error> {
        Snapshot::write(&self.dir, self.paths(), || self.say_lock_wait())
    }

    fn paths(&self) -> Paths {
        Paths {
            fast_path: self.fast_path,
            cache: self.cache,
            today: self.today,
        }
    }

    fn say_lock_wait(&self) {
        eprintln!("{}", self.lang.lock_wait(&self.dir.display().to_string()));
    }

    /// Fails with every error among `problems` (warnings are for `check`).
    pub fn fail_on_errors(&self, problems: Vec<Problem>) -> Result<(), Error> {
        if problems.iter().any(Problem::is_error) {
            return Err(Error::Invalid(
                problems.into_iter().filter(Problem::is_error).collect(),
            ));
        }
        Ok(())
    }
}

/// The context of a command that reads the data directory: the settings'
/// values.
pub(super) fn context(settings: Settings) -> Result<Ctx, Error> {
    let dir = settings.dir.value;
    if !dir.is_dir() {
        return Err(Error::NoData { dir, file: None });
    }
    let terminal = std::io::stdout().is_terminal();
    Ok(Ctx {
        dir,
        today: settings.today.value,
        format: settings.format.value,
        lang: settings.lang.value,
        color: settings.color.value.enabled(terminal, false),
        terminal,
        width: crate::settings::table_width(terminal),
        config: settings.config,
        window: settings.window.value,
        config_problem: settings.config_problem,
        color_choice: settings.color.value,
        fast_path: settings.fast_path.value,
        cache: settings.cache.value,
    })
}

/// A format for a command that writes table, csv or json.
pub fn list_format(format: Option<Format>) -> Result<ListFormat, Error> {
    match format.unwrap_or(Format::Table) {
        Format::Table => Ok(ListFormat::Table),
        Format::Csv => Ok(ListFormat::Csv),
        Format::Json => Ok(ListFormat::Json),
        other => Err(Error::Usage(Usage::FormatNotHere {
            format: other.name(),
            allowed: "table, csv, json",
        })),
    }
}
