//! `rounds change --record [--date D]`: records the edits made to the
//! roster in Excel or WPS since rounds last saw it (`data::seen`): one row
//! of history.csv for each edited field, from the value before the edit to
//! the roster's, dated `--date` or else the day the roster file was saved
//! (never before the field's latest recorded change, never after today).
//! The roster itself is not touched; history.csv is written whole or not
//! at all, under the data directory's exclusive lock, and what rounds has
//! seen of the roster is brought up to date.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::data::rewrite::CsvFile;
use crate::data::{headers, history, roster, seen};
use crate::error::{ChangeRefusal, Error, Reason, Usage};
use crate::i18n::{Lang, Msg, Word};
use crate::model::history::Field;
use crate::model::{Level, date};

pub fn run(ctx: &Ctx, day: Option<&str>, out: &mut dyn Write) -> Result<Outcome, Error> {
    let given = match day {
        Some(text) => Some(date::parse(text).map_err(|why| {
            Error::Usage(Usage::Refused(Reason::BadDate {
                field: "--date",
                value: crate::privacy::shown_value(text),
                why,
            }))
        })?),
        None => None,
    };
    if let Some(d) = given
        && d > ctx.today
    {
        return Err(Error::Usage(Usage::Change(ChangeRefusal::DateAfterToday {
            date: date::iso(d),
            today: date::iso(ctx.today),
        })));
    }
    let snapshot = ctx.snapshot_for_write()?;
    let mut problems = Vec::new();
    snapshot.roster_from_file(roster::Load::default(), &mut problems)?;
    let history_path = ctx.path(history::FILE);
    let changes = history::read(&history_path, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    let roster_path = ctx.path(roster::FILE);
    // The edits are this command's output, not warnings.
    let edits = seen::unrecorded(snapshot.dir(), &roster_path, &changes, &mut Vec::new())?;
    if edits.is_empty() {
        seen::remember(snapshot.dir(), &roster_path)?;
        writeln!(out, "{}", ctx.lang.msg(&Msg::NothingToRecord)).map_err(Error::Output)?;
        return Ok(Outcome::Success);
    }
    let saved = seen::saved_on(&roster_path).map_or(ctx.today, |d| d.min(ctx.today));
    let chains = changes.chains();
    let unreadable = || Error::Usage(Usage::Change(ChangeRefusal::RosterUnreadable));
    let bytes = std::fs::read(&roster_path).map_err(|e| Error::io(&roster_path, e))?;
    let file = CsvFile::parse(bytes).map_err(|_| unreadable())?;
    let header = file.header();
    let cells: Vec<&str> = header.iter().map(String::as_str).collect();
    let cols = headers::map(&headers::RESIDENTS, &cells, &[]).map_err(|_| unreadable())?;
    let chinese = cols.get("level").is_some_and(|c| !header[c].is_ascii());
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut dated = Vec::new();
    for e in &edits {
        let latest = chains
            .get(&(e.resident.as_str(), e.field))
            .and_then(|c| c.last());
        let on = match (given, latest) {
            // A date asked for comes before the field's latest record: refused.
            (Some(d), Some(last)) if d < last.date => {
                return Err(Error::Usage(Usage::Change(ChangeRefusal::BeforeRecorded {
                    field: e.field,
                    date: date::iso(d),
                    latest: date::iso(last.date),
                    line: last.line,
                })));
            }
            (Some(d), _) => d,
            (None, Some(last)) => saved.max(last.date),
            (None, None) => saved,
        };
        let reason = if chinese {
            "表格中修改，补记"
        } else {
            "edited in the roster file"
        };
        rows.push([
            date::iso(on),
            e.resident.clone(),
            if chinese {
                e.field.zh()
            } else {
                e.field.word()
            }
            .to_string(),
            e.from.clone(),
            e.to.clone(),
            reason.to_string(),
            String::new(),
        ]);
        dated.push(on);
    }
    let old_history = match std::fs::read(&history_path) {
        Ok(b) => Some(CsvFile::parse(b).map_err(|_| unreadable())?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&history_path, e)),
    };
    let new_history = history::with_rows(old_history.as_ref(), &file, chinese, &rows)
        .map_err(|c| Error::Usage(Usage::Change(ChangeRefusal::HistoryLacks(c))))?;
    crate::store::commit::replace_all(
        snapshot.dir(),
        &[(history::FILE, &new_history)],
        snapshot.write_lock(),
    )?;
    seen::remember(snapshot.dir(), &roster_path)?;
    drop(snapshot);
    for (e, on) in edits.iter().zip(dated) {
        let msg = Msg::ChangeRecorded {
            id: e.resident.clone(),
            field: e.field,
            from: shown(ctx.lang, e.field, &e.from),
            to: shown(ctx.lang, e.field, &e.to),
            date: date::iso(on),
        };
        writeln!(out, "{}", ctx.lang.msg(&msg)).map_err(Error::Output)?;
    }
    Ok(Outcome::Success)
}

/// A value as the confirmation shows it: levels in the language, places
/// masked where they hold numbers that may be personal.
fn shown(lang: Lang, field: Field, v: &str) -> String {
    match (v.trim(), Level::parse(v)) {
        ("", _) => lang.word(Word::EmptyValue).to_string(),
        (_, Some(l)) if field == Field::Level => lang.level(l).to_string(),
        (v, _) => crate::privacy::shown_place(v),
    }
}
