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
use crate::data::{history, roster, seen};
use crate::error::{ChangeRefusal, Error, Reason, Usage};
use crate::i18n::Msg;
use crate::model::date;

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
    let roster_path = snapshot.roster_path().to_path_buf();
    // The edits are this command's output, not warnings.
    let edits = seen::unrecorded(snapshot.dir(), &roster_path, &changes, &mut Vec::new())?;
    if edits.is_empty() {
        seen::remember(snapshot.dir(), &roster_path)?;
        writeln!(out, "{}", ctx.lang.msg(&Msg::NothingToRecord)).map_err(Error::Output)?;
        return Ok(Outcome::Success);
    }
    let saved = seen::saved_on(&roster_path).map_or(ctx.today, |d| d.min(ctx.today));
    let chains = changes.chains();
    let (file, cols, _) = super::change::roster_file(&roster_path)?;
    let header = file.header();
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
    let new_history = super::change::history_with_rows(ctx, &file, chinese, &rows)?;
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
            from: super::change::shown(ctx.lang, e.field, &e.from),
            to: super::change::shown(ctx.lang, e.field, &e.to),
            date: date::iso(on),
        };
        writeln!(out, "{}", ctx.lang.msg(&msg)).map_err(Error::Output)?;
    }
    Ok(Outcome::Success)
}
