//! `rounds config [--format table|csv|json]`
//!
//! Prints the settings in force and where each came from: the command line,
//! an environment variable, rounds.toml (with its line), the locale, or the
//! default. It prints the very `Settings` the other commands run on, so it
//! says what they do. Runs even where the data directory does not exist yet
//! (it says so), and fails like every command on a rounds.toml it cannot
//! use or a setting in the environment it does not understand.

use std::io::{IsTerminal, Write};

use super::Outcome;
use crate::error::Error;
use crate::error::Usage;
use crate::render::Format;
use crate::settings::Settings;

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<Outcome, Error> {
    let exists = settings.dir().is_dir();
    if let Some(p) = &settings.config_problem {
        return Err(Error::Invalid(vec![p.clone()]));
    }
    let lang = settings.lang.value;
    let rows = settings.rows();
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
            crate::settings::table_width(std::io::stdout().is_terminal()),
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
