//! Reading history.csv (名册变更记录) and checking it against the roster
//! (SPEC "history.csv"). Its meaning is `model::history`'s.

use std::path::Path;

use chrono::NaiveDate;

use super::headers;
use super::table::Table;
use crate::error::{Error, Problem, Reason};
use crate::model::date;
use crate::model::history::{Change, Field, History};
use crate::model::roster::Roster;

pub const FILE: &str = "history.csv";

/// Reads history.csv; a missing file is an empty history. Rows with
/// errors (an empty required cell, an impossible date, an unknown field)
/// are reported and left out.
pub fn read(path: &Path, problems: &mut Vec<Problem>) -> Result<History, Error> {
    let mut history = History::default();
    let Some(mut table) = Table::open(path, None)? else {
        return Ok(history);
    };
    problems.extend(table.encoding_warning());
    let cols = match table.header() {
        Ok((line, header)) => {
            let cells: Vec<&str> = header.iter().map(String::as_str).collect();
            match headers::map(&headers::HISTORY, &cells, &[]) {
                Ok(c) => c,
                Err(reason) => {
                    problems.push(Problem::error(path, Some(line), reason));
                    return Ok(history);
                }
            }
        }
        Err(p) => {
            problems.push(p);
            return Ok(history);
        }
    };
    loop {
        let row = match table.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                break;
            }
        };
        let get = |f| row.get(cols.get(f));
        let mut reasons = Vec::new();
        for f in ["date", "id", "field"] {
            if get(f).is_empty() {
                reasons.push(Reason::Empty(f));
            }
        }
        let day = match get("date") {
            "" => None,
            text => match date::parse(text) {
                Ok(d) => Some(d),
                Err(why) => {
                    reasons.push(Reason::BadDate {
                        field: "date",
                        value: crate::privacy::shown_value(text),
                        why,
                    });
                    None
                }
            },
        };
        let field = match get("field") {
            "" => None,
            text => {
                let f = Field::parse(text);
                if f.is_none() {
                    reasons.push(Reason::UnknownHistoryField(crate::privacy::shown_value(
                        text,
                    )));
                }
                f
            }
        };
        if let Some(f) = field {
            for value in [get("from"), get("to")] {
                if !f.valid(value) {
                    reasons.push(Reason::BadHistoryValue {
                        field: f.word(),
                        value: crate::privacy::shown_value(value),
                        level: f == Field::Level,
                    });
                }
            }
        }
        reasons.extend(cols.extra_cells(row.used_len()));
        match (day, field) {
            (Some(date), Some(field)) if reasons.is_empty() => history.changes.push(Change {
                line: row.line,
                date,
                resident: get("id").to_string(),
                field,
                from: get("from").to_string(),
                to: get("to").to_string(),
                reason: get("reason").to_string(),
                by: get("by").to_string(),
            }),
            _ => {
                for r in reasons {
                    problems.push(Problem::error(path, Some(row.line), r));
                }
            }
        }
    }
    Ok(history)
}

/// The checks that need the roster (as the file lists it, before the
/// history is applied) and the as-of date: unknown residents and broken
/// chains are errors; a change after `today` is a warning. (A roster value
/// that is not the latest change's `to` is an edit not recorded, found
/// with the others by `data::seen::unrecorded`.)
pub fn check(
    path: &Path,
    history: &History,
    roster: &Roster,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) {
    let mut found = Vec::new();
    for c in &history.changes {
        if roster.find_resident_id(&c.resident).is_none() && !roster.cut_short() {
            found.push(Problem::error(
                path,
                Some(c.line),
                Reason::UnknownResident(c.resident.clone()),
            ));
        }
        if c.date > today {
            found.push(Problem::warning(
                path,
                Some(c.line),
                Reason::ChangeAfterToday {
                    date: date::iso(c.date),
                    today: date::iso(today),
                },
            ));
        }
    }
    for ((id, field), chain) in history.chains() {
        for pair in chain.windows(2) {
            let (before, c) = (pair[0], pair[1]);
            if !field.same(&before.to, &c.from) {
                found.push(Problem::error(
                    path,
                    Some(c.line),
                    Reason::BrokenChain {
                        id: id.to_string(),
                        field: field.word(),
                        from: shown(field, &c.from),
                        before: shown(field, &before.to),
                        before_line: before.line,
                    },
                ));
            }
        }
    }
    found.sort_by_key(|p| p.line);
    problems.extend(found);
}

/// A value as a message shows it: tracked fields are no personal data,
/// but a cell typed into the wrong column may be.
pub(crate) fn shown(field: Field, value: &str) -> String {
    match field {
        Field::Level | Field::Since | Field::Until => value.to_string(),
        _ => crate::privacy::shown_place(value),
    }
}
