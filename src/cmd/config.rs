//! `rounds config [--format table|csv|json]`
//!
//! Prints the settings in force and where each came from: the command line,
//! an environment variable, rounds.toml (with its line), the locale, or the
//! default. It prints the very `Settings` the other commands run on, so it
//! says what they do. Runs even where the data directory does not exist yet
//! (it says so), and fails like every command on a rounds.toml it cannot
//! use or a setting in the environment it does not understand.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use super::Outcome;
use crate::config;
use crate::error::Error;
use crate::error::Usage;
use crate::i18n::{Lang, Msg, Word};
use crate::model::Level;
use crate::model::date::iso;
use crate::render::Format;
use crate::schedule::{Cadence, Interval, Policy};
use crate::settings::{FastPath, Origin, Settings};

/// Where a setting came from, as scripts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Flag,
    Env,
    Toml,
    Locale,
    Clock,
    Default,
}

/// One setting in force.
#[derive(Debug, Serialize)]
pub struct Setting {
    pub setting: String,
    pub value: String,
    pub source: Source,
    /// The variable or the rounds.toml line, when there is one.
    #[serde(rename = "where")]
    pub place: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Outcome, Error> {
    let exists = settings.dir().is_dir();
    if let Some(p) = &settings.config_problem {
        return Err(Error::Invalid(vec![p.clone()]));
    }
    let lang = settings.lang.value;
    let rows = rows(settings);
    let format = settings.format.value.unwrap_or(Format::Table);
    let written = match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, &rows)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut table = vec![["setting", "value", "source", "where"].map(String::from)];
            for s in &rows {
                table.push([
                    s.setting.clone(),
                    s.value.clone(),
                    serde_json::to_value(s.source)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    s.place.clone().unwrap_or_default(),
                ]);
            }
            table
                .iter()
                .try_for_each(|r| {
                    w.write_record(r.iter().map(|c| crate::guard::safe_cell(c).into_owned()))
                })
                .and_then(|_| w.flush().map_err(csv::Error::from))
                .map_err(crate::render::csv::io_error)
        }
        Format::Table => crate::render::table::settings(
            out,
            &rows,
            lang,
            super::table_width(std::io::stdout().is_terminal()),
        ),
        other => {
            return Err(Error::Usage(Usage::FormatNotHere {
                format: other.name(),
                allowed: "table, csv, json",
            }));
        }
    };
    written.map_err(Error::Output)?;
    if !exists {
        let missing = Error::NoData {
            dir: settings.dir().to_path_buf(),
            file: None,
        };
        eprintln!("rounds: {}", lang.error(&missing));
    }
    Ok(Outcome::Success)
}

/// The settings in force as rows: each value as rounds.toml or the
/// environment would write it, with its source.
pub fn rows(settings: &Settings) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: String, origin: Origin| {
        let (source, place) = match origin {
            Origin::Flag => (Source::Flag, None),
            Origin::Env(var) => (Source::Env, Some(var.to_string())),
            Origin::Toml(line) => (Source::Toml, line.map(|l| format!("{}:{l}", config::FILE))),
            Origin::Locale(var) => (Source::Locale, Some(var.to_string())),
            Origin::Clock => (Source::Clock, None),
            Origin::Default => (Source::Default, None),
        };
        out.push(Setting {
            setting: name.to_string(),
            value,
            source,
            place,
            origin,
        })
    };
    let s = settings;
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

/// Where a setting came from, in the user's language.
pub fn source_text(s: &Setting, lang: Lang) -> String {
    match s.origin {
        Origin::Flag => lang.word(Word::FromFlag).into(),
        Origin::Env(var) => lang.msg(&Msg::FromEnv(var)),
        Origin::Toml(Some(line)) => lang.msg(&Msg::FromTomlLine(line)),
        Origin::Toml(None) => lang.word(Word::FromToml).into(),
        Origin::Locale(var) => lang.msg(&Msg::FromLocale(var)),
        Origin::Clock => lang.word(Word::Clock).into(),
        Origin::Default => lang.word(Word::FromDefault).into(),
    }
}
