//! The settings in force for one run, each with where it came from (the
//! command line, an environment variable, rounds.toml at its line, the
//! locale, the clock, the default). They are worked out here once: the
//! commands run on them and `rounds config` prints them (`Settings::rows`),
//! so what `config` says is what the commands do. The values the command
//! line gives (`Given`) come in as plain values, whatever parsed them; the
//! kinds of value some settings take (`Format`, `ColorChoice`) are here
//! too, for the command line and the renderers to share.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{Config, key_line};
use crate::error::Usage;
use crate::error::{Error, Problem};
use crate::i18n::{self, Lang, Msg};
use crate::model::Level;
use crate::model::date::{self, iso};
use crate::schedule::{Cadence, Interval, Policy};

/// Where a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    /// The environment variable named.
    Env(&'static str),
    /// rounds.toml, at its line when it is known.
    Toml(Option<u64>),
    /// The locale variable named.
    Locale(&'static str),
    Clock,
    Default,
}

/// A value in force and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn new(value: T, origin: Origin) -> Self {
        Setting { value, origin }
    }
}

/// Whether to take the parallel fast path over visits.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastPath {
    Off,
    On,
    /// The fast path or an error (for tests).
    Must,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, in the chosen language.
    Table,
    /// Comma-separated values with English headers (stable for scripts).
    Csv,
    /// JSON with English keys (stable for scripts).
    Json,
    /// Markdown, to paste into a message or a document (report).
    Md,
    /// One self-contained web page with charts, printable on A4 (report).
    Html,
    /// An Excel workbook (report; needs -o FILE or a pipe).
    Xlsx,
}

/// The formats of the commands that list things (everything but `report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    /// The formats a command writes, by its path ("due", "need add"):
    /// what `--format` may say to it (the completion scripts offer these).
    /// The commands that write nothing to format (`visit`, `init`, `man`,
    /// `completions`) ignore `--format`.
    pub fn of_command(path: &str) -> &'static [Format] {
        use Format::*;
        match path {
            "report" => &[Table, Csv, Json, Md, Html, Xlsx],
            "due" => &[Table, Csv, Json, Md, Html],
            "visit" | "init" | "man" | "completions" | "help" => &[],
            _ => &[Table, Csv, Json],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool, no_color: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color && ansi_ready(),
        }
    }
}

/// Whether the terminal reads colour codes. A Windows console does once
/// it is told to (virtual terminal processing, Windows 10 and later); an
/// older one would print them as `←[31m`, so it gets no colour.
fn ansi_ready() -> bool {
    anstyle_query::windows::enable_ansi_colors().unwrap_or(true)
}

/// How many days ahead `due` lists households as due, unless rounds.toml
/// (`window`) or `--within` say otherwise.
pub const DEFAULT_WINDOW: u32 = 7;

/// The words a switch in the environment takes, in any case.
const ON: [&str; 4] = ["1", "true", "yes", "on"];
const OFF: [&str; 4] = ["0", "false", "no", "off"];

/// What the command line gave for the settings it can set (built from
/// the parsed command line in `cli`), each `None` when not given.
#[derive(Debug, Clone)]
pub struct Given {
    /// --data (or `ROUNDS_DATA`).
    pub data: Option<PathBuf>,
    /// Where --data came from: `Flag`, `Env("ROUNDS_DATA")` or `Default`.
    pub data_origin: Origin,
    /// --today as written.
    pub today: Option<String>,
    pub format: Option<Format>,
    pub lang: Option<Lang>,
    /// --color, its default when not given.
    pub color: ColorChoice,
    /// Where --color came from: `Flag` or `Default`.
    pub color_origin: Origin,
}

/// Every setting in force.
#[derive(Debug)]
pub struct Settings {
    pub dir: Setting<PathBuf>,
    /// The as-of date: --today, else the local date.
    pub today: Setting<NaiveDate>,
    pub lang: Setting<Lang>,
    /// --format as given (each command has its own default).
    pub format: Setting<Option<Format>>,
    /// --color, or `never` when it was not given and NO_COLOR is set.
    pub color: Setting<ColorChoice>,
    /// `ROUNDS_FAST`: the fast path over visits.csv (on by default; tests
    /// use `0` to hold both paths to one output, `must` to be sure it ran).
    pub fast_path: Setting<FastPath>,
    /// `ROUNDS_CACHE`: the cache in .rounds-cache/ (`data::cache`), on by
    /// default.
    pub cache: Setting<bool>,
    /// rounds.toml as read (the defaults when there is none or it is
    /// unusable), and where each of its values came from.
    pub config: Config,
    pub name: Option<Setting<String>>,
    pub policy: Origin,
    /// `start`: the day the community began keeping its visits here.
    pub start: Option<Setting<NaiveDate>>,
    pub window: Setting<u32>,
    /// Per level (by `Level::index`), its cadence's origin.
    pub levels: [Origin; 4],
    /// `[import.columns]`: each header's line.
    pub import_columns: Vec<Origin>,
    /// rounds.toml could not be used: the defaults are in force, and every
    /// command but `check` (which reports it) and `init` fails.
    pub config_problem: Option<Problem>,
}

impl Settings {
    /// Works out the settings from what the command line gave (`given`),
    /// the environment (`env`), rounds.toml in the data directory (when it
    /// exists) and the clock. `lang_out` is set to the language in force as soon as it is
    /// known: a bad --today or a word a switch does not take in the
    /// environment is a usage error in that language.
    pub fn resolve(
        given: impl Into<Given>,
        env: &dyn Fn(&str) -> Option<String>,
        lang_out: &mut Lang,
    ) -> Result<Settings, Error> {
        let given: Given = given.into();
        let dir = given.data.unwrap_or_else(|| PathBuf::from("."));
        let dir_origin = given.data_origin;
        let (config, config_problem) = if dir.is_dir() {
            match Config::load(&dir) {
                Ok(c) => (c, None),
                Err(p) => (Config::default(), Some(p)),
            }
        } else {
            (Config::default(), None)
        };
        let toml = config.text.as_deref();
        let line = |section: Option<&str>, key: &str| {
            Origin::Toml(toml.and_then(|t| key_line(t, section, key)))
        };

        let lang = if let Some(l) = given.lang {
            Setting::new(l, Origin::Flag)
        } else if let Some(l) = config.lang {
            Setting::new(l, line(None, "lang"))
        } else if let Some((var, l)) = Lang::locale_source(env) {
            Setting::new(l, Origin::Locale(var))
        } else {
            Setting::new(Lang::En, Origin::Default)
        };
        *lang_out = lang.value;
        let today = match &given.today {
            Some(text) => Setting::new(
                date::parse(text).map_err(|_| Error::Usage(Usage::BadToday(text.clone())))?,
                Origin::Flag,
            ),
            None => Setting::new(chrono::Local::now().date_naive(), Origin::Clock),
        };
        let format = Setting::new(
            given.format,
            if given.format.is_some() {
                Origin::Flag
            } else {
                Origin::Default
            },
        );
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match given.color_origin {
            Origin::Default if no_color => {
                Setting::new(ColorChoice::Never, Origin::Env("NO_COLOR"))
            }
            origin => Setting::new(given.color, origin),
        };
        let fast_path = match switch(env, "ROUNDS_FAST", &["must"])? {
            Some((word, origin)) => Setting::new(
                match word {
                    Word::On => FastPath::On,
                    Word::Off => FastPath::Off,
                    Word::Extra(_) => FastPath::Must,
                },
                origin,
            ),
            None => Setting::new(FastPath::On, Origin::Default),
        };
        let cache = match switch(env, "ROUNDS_CACHE", &[])? {
            Some((word, origin)) => Setting::new(word == Word::On, origin),
            None => Setting::new(true, Origin::Default),
        };

        let name = config
            .name
            .clone()
            .map(|n| Setting::new(n, line(None, "name")));
        let policy = match toml.and_then(|t| key_line(t, None, "policy")) {
            Some(l) => Origin::Toml(Some(l)),
            None => Origin::Default,
        };
        let start = config
            .rules
            .start
            .map(|d| Setting::new(d, line(None, "start")));
        let window = match config.window {
            Some(w) => Setting::new(w, line(None, "window")),
            None => Setting::new(DEFAULT_WINDOW, Origin::Default),
        };
        // [levels]: a key may be any spelling of a level (红, 1, red …).
        let level_keys: Vec<(Level, String)> = toml
            .and_then(|t| toml::from_str::<toml::Table>(t).ok())
            .and_then(|t| t.get("levels").and_then(|l| l.as_table()).cloned())
            .map(|levels| {
                levels
                    .keys()
                    .filter_map(|k| Level::parse(k).map(|l| (l, k.clone())))
                    .collect()
            })
            .unwrap_or_default();
        let levels = Level::ALL.map(|level| match level_keys.iter().find(|(l, _)| *l == level) {
            Some((_, key)) => line(Some("levels"), key),
            None => Origin::Default,
        });
        let import_columns = config
            .import_columns
            .iter()
            .map(|(header, _)| line(Some("import.columns"), header))
            .collect();
        Ok(Settings {
            dir: Setting::new(dir, dir_origin),
            today,
            lang,
            format,
            color,
            fast_path,
            cache,
            name,
            policy,
            start,
            window,
            levels,
            import_columns,
            config,
            config_problem,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir.value
    }

    /// A level's cadence, as the rules in force have it.
    pub fn cadence(&self, level: Level) -> Cadence {
        self.config.rules.cadence(level)
    }

    /// The settings in force as rows: each value as rounds.toml or the
    /// environment would write it, with its source.
    pub fn rows(&self) -> Vec<Row> {
        let mut out = Vec::new();
        let mut push = |name: &str, value: String, origin: Origin| {
            let (source, place) = match origin {
                Origin::Flag => (Source::Flag, None),
                Origin::Env(var) => (Source::Env, Some(var.to_string())),
                Origin::Toml(line) => (
                    Source::Toml,
                    line.map(|l| format!("{}:{l}", crate::config::FILE)),
                ),
                Origin::Locale(var) => (Source::Locale, Some(var.to_string())),
                Origin::Clock => (Source::Clock, None),
                Origin::Default => (Source::Default, None),
            };
            out.push(Row {
                setting: name.to_string(),
                value,
                source,
                place,
                origin,
            })
        };
        let s = self;
        push("data", s.dir().display().to_string(), s.dir.origin);
        push("today", iso(s.today.value), s.today.origin);
        push("lang", s.lang.value.code().into(), s.lang.origin);
        let format = s.format.value.map_or("table", |f| f.name());
        push("format", format.into(), s.format.origin);
        push(
            "color",
            format!("{:?}", s.color.value).to_lowercase(),
            s.color.origin,
        );
        if let Some(name) = &s.name {
            push("name", name.value.clone(), name.origin);
        }
        let policy = match s.config.rules.policy {
            Policy::Calendar => "calendar",
            Policy::Rolling => "rolling",
        };
        push("policy", policy.into(), s.policy);
        if let Some(start) = &s.start {
            push("start", iso(start.value), start.origin);
        }
        push("window", s.window.value.to_string(), s.window.origin);
        for level in Level::ALL {
            push(
                &format!("levels.{}", level.word()),
                cadence_word(s.cadence(level), s.config.rules.policy),
                s.levels[level.index()],
            );
        }
        for ((header, field), origin) in s.config.import_columns.iter().zip(&s.import_columns) {
            push(
                &format!("import.columns.{header}"),
                field.to_string(),
                *origin,
            );
        }
        let fast = match s.fast_path.value {
            FastPath::On => "1",
            FastPath::Off => "0",
            FastPath::Must => "must",
        };
        push("fast_path", fast.into(), s.fast_path.origin);
        push(
            "cache",
            if s.cache.value { "1" } else { "0" }.into(),
            s.cache.origin,
        );
        out
    }
}

/// Where a setting came from, as scripts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Flag,
    Env,
    Toml,
    Locale,
    Clock,
    Default,
}

/// One setting in force, as `rounds config` prints it.
#[derive(Debug, serde::Serialize)]
pub struct Row {
    pub setting: String,
    pub value: String,
    pub source: Source,
    /// The variable or the rounds.toml line, when there is one.
    #[serde(rename = "where")]
    pub place: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Row {
    /// Where the setting came from, in the user's language.
    pub fn source_text(&self, lang: Lang) -> String {
        match self.origin {
            Origin::Flag => lang.word(i18n::Word::FromFlag).into(),
            Origin::Env(var) => lang.msg(&Msg::FromEnv(var)),
            Origin::Toml(Some(line)) => lang.msg(&Msg::FromTomlLine(line)),
            Origin::Toml(None) => lang.word(i18n::Word::FromToml).into(),
            Origin::Locale(var) => lang.msg(&Msg::FromLocale(var)),
            Origin::Clock => lang.word(i18n::Word::Clock).into(),
            Origin::Default => lang.word(i18n::Word::FromDefault).into(),
        }
    }
}

/// A level's cadence as rounds.toml writes it.
fn cadence_word(c: Cadence, policy: Policy) -> String {
    match policy {
        Policy::Calendar => c.period.word().to_string(),
        Policy::Rolling => match c.interval {
            Interval::Days(1) => "1 day".into(),
            Interval::Days(n) => format!("{n} days"),
            Interval::Months(1) => "1 month".into(),
            Interval::Months(n) => format!("{n} months"),
        },
    }
}

/// A word of a switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    On,
    Off,
    /// One of the switch's own words besides on and off.
    Extra(&'static str),
}

/// The switch `var` of the environment, when it is set (an empty value is
/// as good as none): on, off, or one of `extra`, in any case. Anything else
/// is a usage error that names the variable, the value and the words.
fn switch(
    env: &dyn Fn(&str) -> Option<String>,
    var: &'static str,
    extra: &[&'static str],
) -> Result<Option<(Word, Origin)>, Error> {
    let Some(value) = env(var).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let word = value.trim().to_ascii_lowercase();
    let found = if ON.contains(&word.as_str()) {
        Some(Word::On)
    } else if OFF.contains(&word.as_str()) {
        Some(Word::Off)
    } else {
        extra.iter().find(|w| **w == word).map(|w| Word::Extra(w))
    };
    match found {
        Some(w) => Ok(Some((w, Origin::Env(var)))),
        None => {
            let accepted: Vec<&str> = ON
                .iter()
                .zip(OFF)
                .flat_map(|(on, off)| [off, *on])
                .chain(extra.iter().copied())
                .collect();
            Err(Error::Usage(Usage::BadSwitch {
                var,
                value,
                accepted: accepted.join(", "),
            }))
        }
    }
}

/// The width tables for people are fitted to: `COLUMNS` when it is set
/// (as `watch` does, or a script that wants a fixed width), else the
/// terminal's; in a pipe or a file without it, none (each row one line).
pub fn table_width(terminal: bool) -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&w| w > 0)
        .or_else(|| {
            if terminal {
                comfy_table::Table::new().width()
            } else {
                None
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn switches_take_the_usual_words_in_any_case() {
        for (value, on) in [
            ("0", false),
            ("1", true),
            ("false", false),
            ("FALSE", false),
            ("True", true),
            ("no", false),
            ("Yes", true),
            ("off", false),
            (" ON ", true),
        ] {
            let env = env_of(&[("ROUNDS_CACHE", value)]);
            let got = switch(&env, "ROUNDS_CACHE", &[]).unwrap();
            assert_eq!(
                got,
                Some((
                    if on { Word::On } else { Word::Off },
                    Origin::Env("ROUNDS_CACHE")
                )),
                "{value}"
            );
        }
        let env = env_of(&[("ROUNDS_FAST", "MUST"), ("ROUNDS_CACHE", "")]);
        assert_eq!(
            switch(&env, "ROUNDS_FAST", &["must"]).unwrap(),
            Some((Word::Extra("must"), Origin::Env("ROUNDS_FAST")))
        );
        assert_eq!(switch(&env, "ROUNDS_CACHE", &[]).unwrap(), None);
    }

    #[test]
    fn a_word_a_switch_does_not_take_is_a_usage_error() {
        let env = env_of(&[("ROUNDS_CACHE", "disabled")]);
        for lang in [Lang::En, Lang::Zh] {
            match switch(&env, "ROUNDS_CACHE", &[]) {
                Err(Error::Usage(u)) => {
                    let m = lang.usage(&u);
                    assert!(m.contains("ROUNDS_CACHE"), "{m}");
                    assert!(m.contains("disabled"), "{m}");
                    assert!(m.contains("0, 1, false, true, no, yes, off, on"), "{m}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(
            switch(
                &env_of(&[("ROUNDS_FAST", "must!")]),
                "ROUNDS_FAST",
                &["must"]
            )
            .is_err()
        );
    }
}
