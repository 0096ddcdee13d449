//! Reading history.csv (名册变更记录) and checking it against the roster
//! (SPEC "history.csv"). Its meaning is `model::history`'s.

use std::path::Path;

use chrono::NaiveDate;

use super::decode::Encoding;
use super::headers;
use super::rewrite::{CsvFile, cell_bytes};
use super::table::Table;
use crate::error::{Error, FieldName, Problem, Reason};
use crate::model::asof::Found;
use crate::model::date;
use crate::model::history::{Chains, Change, Field, History};
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
                resident: get("id").into(),
                field,
                from: get("from").into(),
                to: get("to").into(),
                reason: get("reason").into(),
                by: get("by").into(),
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
/// with the others by `data::seen::unrecorded`.) Changes of line 0 are
/// such edits, added by the snapshot: they are not checked.
///
/// `chains` are the history's, `residents` the residents they name
/// (`Roster::find_residents`).
pub fn check(
    path: &Path,
    history: &History,
    chains: &Chains<'_>,
    residents: &Found<'_>,
    roster: &Roster,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
) {
    let mut found = Vec::new();
    // The chains come in the order of the residents' ids, as `residents`
    // holds them: each resident is looked for once.
    if !roster.cut_short() {
        let mut resident = residents.cursor();
        for ((id, _), chain) in chains.iter() {
            if resident(id).is_some() {
                continue;
            }
            for c in chain.iter().filter(|c| c.line != 0) {
                found.push(Problem::error(
                    path,
                    Some(c.line),
                    Reason::UnknownResident(c.resident.to_string()),
                ));
            }
        }
    }
    for c in history.changes.iter().filter(|c| c.line != 0) {
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
    for ((id, field), chain) in chains.iter() {
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

/// The header of a new history.csv, in English or in Chinese.
const HEADER_EN: [&str; 7] = ["date", "id", "field", "from", "to", "reason", "by"];
const HEADER_ZH: [&str; 7] = [
    "变更日期",
    "编号",
    "变更项",
    "变更前",
    "变更后",
    "原因",
    "经办人",
];

/// history.csv with `rows` appended, each its cells in the order of a new
/// file's header (date, id, field, from, to, reason, by). An existing file
/// (`old`) keeps its bytes, its encoding, BOM, line ends and column order;
/// a new one gets the header in Chinese when `chinese`, and the encoding
/// and line ends of the roster (`like`), with a BOM when it holds Chinese
/// in UTF-8. `Err`: the column an existing file lacks for a cell given.
pub fn with_rows(
    old: Option<&CsvFile>,
    like: &CsvFile,
    chinese: bool,
    rows: &[[String; 7]],
) -> Result<Vec<u8>, FieldName> {
    let crlf = match old {
        Some(o) if o.has_line_end() => o.crlf,
        _ => like.crlf,
    };
    let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let line = |encoding: Encoding, cells: &[&str]| -> Vec<u8> {
        let mut out = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend(cell_bytes(encoding, c, false));
        }
        out.extend_from_slice(end);
        out
    };
    if let Some(old) = old.filter(|o| !o.header().is_empty()) {
        let header = old.header();
        let cells: Vec<&str> = header.iter().map(String::as_str).collect();
        // A header that does not map was refused when the file was read.
        let cols = headers::map(&headers::HISTORY, &cells, &[]).map_err(|_| "date")?;
        let mut out = old.bytes().to_vec();
        if !old.ends_with_line_end() {
            out.extend_from_slice(end);
        }
        for row in rows {
            let mut cells = vec![""; header.len()];
            for (field, value) in HEADER_EN.iter().zip(row) {
                match cols.get(field) {
                    Some(c) => cells[c] = value,
                    None if value.is_empty() => {}
                    None => return Err(field),
                }
            }
            out.extend(line(old.encoding, &cells));
        }
        return Ok(out);
    }
    let header = if chinese { HEADER_ZH } else { HEADER_EN };
    let chinese_text = chinese || rows.iter().flatten().any(|c| !c.is_ascii());
    let encoding = match like.encoding {
        Encoding::Gb18030 => Encoding::Gb18030,
        Encoding::Utf8Bom => Encoding::Utf8Bom,
        Encoding::Utf8 if chinese_text => Encoding::Utf8Bom,
        Encoding::Utf8 => Encoding::Utf8,
    };
    let mut out = match encoding {
        Encoding::Utf8Bom => b"\xEF\xBB\xBF".to_vec(),
        _ => Vec::new(),
    };
    out.extend(line(encoding, &header));
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        out.extend(line(encoding, &cells));
    }
    Ok(out)
}

/// A value as a message shows it: tracked fields are no personal data,
/// but a cell typed into the wrong column may be.
pub(crate) fn shown(field: Field, value: &str) -> String {
    match field {
        Field::Level | Field::Since | Field::Until => value.to_string(),
        _ => crate::privacy::shown_place(value),
    }
}
