//! `rounds config [--format table|csv|json]`
//!
//! Prints the settings in force and where each came from: the command line,
//! an environment variable, rounds.toml (with its line), the locale, or the
//! default. Runs even where the data directory does not exist yet (it says
//! so), and fails like every command on a rounds.toml it cannot use.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use super::Outcome;
use crate::cli::{Cli, Origin};
use crate::config::{self, Config, key_line};
use crate::error::Error;
use crate::i18n::{Lang, Msg, Word};
use crate::model::Level;
use crate::render::Format;
use crate::schedule::{Cadence, Interval, Policy};

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
}

pub fn run(cli: &Cli, dir: &Path, lang: &mut Lang, out: &mut dyn Write) -> Result<Outcome, Error> {
    let exists = dir.is_dir();
    let text = std::fs::read(dir.join(config::FILE))
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let config = if exists {
        Config::load(dir).map_err(|p| Error::Invalid(vec![p]))?
    } else {
        Config::default()
    };
    let env = |k: &str| std::env::var(k).ok();
    *lang = cli
        .lang
        .or(config.lang)
        .unwrap_or_else(|| Lang::from_locale(env));
    let settings = settings(cli, dir, &config, text.as_deref(), env);
    let format = cli.format.unwrap_or(Format::Table);
    let written = match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, &settings)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut rows = vec![["setting", "value", "source", "where"].map(String::from)];
            for s in &settings {
                rows.push([
                    s.setting.clone(),
                    s.value.clone(),
                    serde_json::to_value(s.source)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    s.place.clone().unwrap_or_default(),
                ]);
            }
            rows.iter()
                .try_for_each(|r| {
                    w.write_record(
                        r.iter()
                            .map(|c| crate::render::csv::safe_cell(c).into_owned()),
                    )
                })
                .and_then(|_| w.flush().map_err(csv::Error::from))
                .map_err(crate::render::csv::io_error)
        }
        Format::Table => crate::render::table::settings(
            out,
            &settings,
            *lang,
            super::table_width(std::io::stdout().is_terminal()),
        ),
        other => {
            return Err(Error::Usage(lang.msg(&Msg::FormatNotHere {
                format: other.name(),
                allowed: "table, csv, json",
            })));
        }
    };
    written.map_err(Error::Output)?;
    if !exists {
        let missing = Error::NoData {
            dir: dir.to_path_buf(),
            file: None,
        };
        eprintln!("rounds: {}", lang.error(&missing));
    }
    Ok(Outcome::Success)
}

/// The settings in force, each with its source.
pub fn settings(
    cli: &Cli,
    dir: &Path,
    config: &Config,
    toml: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Vec<Setting> {
    let toml_line = |section: Option<&str>, key: &str| toml.and_then(|t| key_line(t, section, key));
    let from_toml = |line: Option<u64>| Setting {
        setting: String::new(),
        value: String::new(),
        source: Source::Toml,
        place: line.map(|l| format!("rounds.toml:{l}")),
    };
    let plain = |source: Source, place: Option<String>| Setting {
        setting: String::new(),
        value: String::new(),
        source,
        place,
    };
    let mut out = Vec::new();
    let mut push = |name: &str, value: String, s: Setting| {
        out.push(Setting {
            setting: name.to_string(),
            value,
            ..s
        })
    };

    let data = dir.display().to_string();
    let data_source = match cli.origins.data {
        Origin::Flag => plain(Source::Flag, None),
        Origin::Env => plain(Source::Env, Some("ROUNDS_DATA".into())),
        Origin::Default => plain(Source::Default, None),
    };
    push("data", data, data_source);

    match &cli.today {
        Some(t) => push("today", t.clone(), plain(Source::Flag, None)),
        None => push(
            "today",
            crate::data::date::iso(chrono::Local::now().date_naive()),
            plain(Source::Clock, None),
        ),
    }

    let lang_setting = if let Some(l) = cli.lang {
        (l, plain(Source::Flag, None))
    } else if let Some(l) = config.lang {
        (l, from_toml(toml_line(None, "lang")))
    } else if let Some((var, l)) = Lang::locale_source(&env) {
        (l, plain(Source::Locale, Some(var.to_string())))
    } else {
        (Lang::En, plain(Source::Default, None))
    };
    push("lang", lang_setting.0.code().into(), lang_setting.1);

    let format = cli.format.map(|f| f.name()).unwrap_or("table");
    push(
        "format",
        format.into(),
        plain(
            if cli.format.is_some() {
                Source::Flag
            } else {
                Source::Default
            },
            None,
        ),
    );

    let color = format!("{:?}", cli.color).to_lowercase();
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color_source = match cli.origins.color {
        Origin::Flag | Origin::Env => plain(Source::Flag, None),
        Origin::Default if no_color => plain(Source::Env, Some("NO_COLOR".into())),
        Origin::Default => plain(Source::Default, None),
    };
    let color = if cli.origins.color == Origin::Default && no_color {
        "never".to_string()
    } else {
        color
    };
    push("color", color, color_source);

    if let Some(name) = &config.name {
        push("name", name.clone(), from_toml(toml_line(None, "name")));
    }
    let policy = match config.rules.policy {
        Policy::Calendar => "calendar",
        Policy::Rolling => "rolling",
    };
    let policy_line = toml_line(None, "policy");
    push(
        "policy",
        policy.into(),
        if policy_line.is_some() {
            from_toml(policy_line)
        } else {
            plain(Source::Default, None)
        },
    );
    match config.window {
        Some(w) => push(
            "window",
            w.to_string(),
            from_toml(toml_line(None, "window")),
        ),
        None => push("window", "7".into(), plain(Source::Default, None)),
    }

    // [levels]: keys may be any spelling of a level (红, 1, red …).
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
    for level in Level::ALL {
        let cadence = cadence_word(config.rules.cadence(level), config.rules.policy);
        let source = match level_keys.iter().find(|(l, _)| *l == level) {
            Some((_, key)) => from_toml(toml_line(Some("levels"), key)),
            None => plain(Source::Default, None),
        };
        push(&format!("levels.{}", level.word()), cadence, source);
    }
    for (header, field) in &config.import_columns {
        push(
            &format!("import.columns.{header}"),
            field.to_string(),
            from_toml(toml_line(Some("import.columns"), header)),
        );
    }
    match env("ROUNDS_FAST") {
        Some(v) => push(
            "fast_path",
            v,
            plain(Source::Env, Some("ROUNDS_FAST".into())),
        ),
        None => push("fast_path", "1".into(), plain(Source::Default, None)),
    }
    // The cache in .rounds-cache/ (see data::cache): on unless ROUNDS_CACHE=0.
    match env("ROUNDS_CACHE") {
        Some(v) => push("cache", v, plain(Source::Env, Some("ROUNDS_CACHE".into()))),
        None => push("cache", "1".into(), plain(Source::Default, None)),
    }
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
    match (s.source, &s.place) {
        (Source::Flag, _) => lang.word(Word::FromFlag).into(),
        (Source::Env, Some(var)) => lang.msg(&Msg::FromEnv(env_name(var))),
        (Source::Env, None) => lang.msg(&Msg::FromEnv("?")),
        (Source::Toml, Some(place)) => {
            match place.rsplit(':').next().and_then(|n| n.parse().ok()) {
                Some(line) => lang.msg(&Msg::FromTomlLine(line)),
                None => lang.word(Word::FromToml).into(),
            }
        }
        (Source::Toml, None) => lang.word(Word::FromToml).into(),
        (Source::Locale, Some(var)) => lang.msg(&Msg::FromLocale(env_name(var))),
        (Source::Locale, None) => lang.msg(&Msg::FromLocale("LANG")),
        (Source::Clock, _) => lang.word(Word::Clock).into(),
        (Source::Default, _) => lang.word(Word::FromDefault).into(),
    }
}

fn env_name(var: &str) -> &'static str {
    [
        "ROUNDS_DATA",
        "NO_COLOR",
        "ROUNDS_FAST",
        "LC_ALL",
        "LC_MESSAGES",
        "LANG",
    ]
    .into_iter()
    .find(|v| *v == var)
    .unwrap_or("?")
}
