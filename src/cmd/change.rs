//! `rounds change ID [--level L] [--visitor V] [--household H] [--grid G]
//! [--building B] [--unit U] [--room R] [--tags T] [--since D] [--until D]
//! [--date D] [--reason R] [--by B]`
//!
//! Records each changed field of a resident as a row of history.csv,
//! dated `--date` (default: today), from the value in force that day to
//! the new one, and writes the new values into the resident's cells of
//! residents.csv: both files or neither (`store::commit`), under the data
//! directory's exclusive lock. The roster keeps every other byte
//! (`data::rewrite`); a field whose column the roster lacks is refused,
//! never added. history.csv is created when missing, its header in the
//! roster's language. Refused with nothing written (exit 2): an unknown
//! resident, a value the field cannot hold, a bad date, a date after today
//! or before the field's latest recorded change, a value already in force,
//! no field at all (see `compute::change`).
//!
//! `--record` records the roster's hand edits instead (`cmd::record`).

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::ChangeArgs;
use crate::compute::change::{Planned, nearest_id, plan};
use crate::data::headers::{self, RESIDENTS};
use crate::data::rewrite::CsvFile;
use crate::data::{history, roster};
use crate::error::{ChangeRefusal, Error, Reason, Usage};
use crate::i18n::{Lang, Msg, Word};
use crate::model::history::Field;
use crate::model::{Level, date};

pub fn run(ctx: &Ctx, args: &ChangeArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    if args.record {
        return super::record::run(ctx, args.date.as_deref(), out);
    }
    let id = args.id.as_deref().unwrap_or_default().trim();
    let asked = asked(args);
    let day = match &args.date {
        Some(text) => date::parse(text).map_err(|why| {
            Error::Usage(Usage::Refused(Reason::BadDate {
                field: "--date",
                value: crate::privacy::shown_value(text),
                why,
            }))
        })?,
        None => ctx.today,
    };
    let snapshot = ctx.snapshot_for_write()?;
    let mut problems = Vec::new();
    snapshot.roster_from_file(roster::Load::default(), &mut problems)?;
    let history_path = ctx.path(history::FILE);
    let changes = history::read(&history_path, &mut problems)?;
    ctx.fail_on_errors(problems)?;

    let unreadable = || Error::Usage(Usage::Change(ChangeRefusal::RosterUnreadable));
    let roster_path = snapshot.roster_path().to_path_buf();
    let (file, cols, sheet) = roster_file(&roster_path)?;
    let header = file.header();
    let id_col = cols.get("id").ok_or_else(unreadable)?;
    let row = (0..file.rows())
        .find(|&r| file.cell(r, id_col) == id)
        .ok_or_else(|| {
            let ids: Vec<String> = (0..file.rows()).map(|r| file.cell(r, id_col)).collect();
            Error::Usage(Usage::NoSuchResident {
                id: crate::privacy::shown_value(id),
                suggestion: nearest_id(ids.iter().map(String::as_str), id),
            })
        })?;
    let column = |f: Field| cols.get(f.word());
    let planned = plan(
        id,
        &asked,
        day,
        ctx.today,
        |f| column(f).map(|c| file.cell(row, c)),
        &changes,
    )?;

    let edits: Vec<(usize, String)> = planned
        .iter()
        .filter_map(|p| Some((column(p.field)?, p.to.clone())))
        .collect();
    let new_roster = file.with_cells(row, &edits);
    let chinese = column(Field::Level).is_some_and(|c| !header[c].is_ascii());
    let rows: Vec<[String; 7]> = planned
        .iter()
        .map(|p| {
            let field = if chinese {
                p.field.zh()
            } else {
                p.field.word()
            };
            [
                date::iso(day),
                id.to_string(),
                field.to_string(),
                p.from.clone(),
                p.to.clone(),
                args.reason
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                args.by.as_deref().unwrap_or_default().trim().to_string(),
            ]
        })
        .collect();
    let new_history = history_with_rows(ctx, &file, chinese, &rows)?;
    // A spreadsheet is never rewritten: the change is recorded, and the
    // cells to update are named.
    let files: &[(&str, &[u8])] = match &sheet {
        Some(_) => &[(history::FILE, &new_history)],
        None => &[(roster::FILE, &new_roster), (history::FILE, &new_history)],
    };
    crate::store::commit::replace_all(snapshot.dir(), files, snapshot.write_lock())?;
    // What rounds has seen of the roster is now the roster as written.
    crate::data::seen::remember(snapshot.dir(), &roster_path)?;
    drop(snapshot);

    for p in &planned {
        let line = ctx.lang.msg(&recorded(ctx, id, day, p));
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    if let Some(sheet) = &sheet {
        let file = roster_path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        for p in &planned {
            let cell = sheet.rows.cell_name(sheet.lines[row], p.field.word());
            let msg = Msg::UpdateCell {
                cell: format!("{file}:{cell}"),
                // The value as recorded: what the cell is to hold.
                to: match p.to.trim() {
                    "" => ctx.lang.word(Word::EmptyValue).to_string(),
                    v => v.to_string(),
                },
            };
            writeln!(out, "{}", ctx.lang.msg(&msg)).map_err(Error::Output)?;
        }
    }
    Ok(Outcome::Success)
}

/// The fields given, in the roster's order of fields.
fn asked(args: &ChangeArgs) -> Vec<(Field, &str)> {
    let given = |f: Field| match f {
        Field::Level => &args.level,
        Field::Household => &args.household,
        Field::Visitor => &args.visitor,
        Field::Grid => &args.grid,
        Field::Building => &args.building,
        Field::Unit => &args.unit,
        Field::Room => &args.room,
        Field::Tags => &args.tags,
        Field::Since => &args.since,
        Field::Until => &args.until,
    };
    Field::ALL
        .into_iter()
        .filter_map(|f| given(f).as_deref().map(|v| (f, v)))
        .collect()
}

/// The confirmation of one change, its values as shown.
fn recorded(ctx: &Ctx, id: &str, day: chrono::NaiveDate, p: &Planned) -> Msg {
    Msg::ChangeRecorded {
        id: id.to_string(),
        field: p.field,
        from: shown(ctx.lang, p.field, &p.from),
        to: shown(ctx.lang, p.field, &p.to),
        date: date::iso(day),
    }
}

/// A value as a confirmation shows it: levels in the language, places
/// masked where they hold numbers that may be personal.
pub(super) fn shown(lang: Lang, field: Field, v: &str) -> String {
    match (v.trim(), Level::parse(v)) {
        ("", _) => lang.word(Word::EmptyValue).to_string(),
        (_, Some(l)) if field == Field::Level => lang.level(l).to_string(),
        (v, _) => crate::privacy::shown_place(v),
    }
}

/// A spreadsheet roster laid out as a CSV file: the sheet, and the sheet
/// row of each of the file's rows.
pub(super) struct SheetRoster {
    pub rows: crate::data::roster_sheet::SheetRows,
    pub lines: Vec<u64>,
}

/// The roster as a file to rewrite cell by cell, and its columns; a
/// spreadsheet roster (never rewritten) as a CSV file of its cells, with
/// where each row is in the sheet.
pub(super) fn roster_file(
    path: &std::path::Path,
) -> Result<(CsvFile, headers::Columns, Option<SheetRoster>), Error> {
    let unreadable = || Error::Usage(Usage::Change(ChangeRefusal::RosterUnreadable));
    let (bytes, sheet) = if crate::data::roster_sheet::is_sheet(path) {
        let (bytes, sheet) = sheet_as_csv(path).ok_or_else(unreadable)?;
        (bytes, Some(sheet))
    } else {
        (std::fs::read(path).map_err(|e| Error::io(path, e))?, None)
    };
    let file = CsvFile::parse(bytes).map_err(|_| unreadable())?;
    let header = file.header();
    let cells: Vec<&str> = header.iter().map(String::as_str).collect();
    let cols = headers::map(&RESIDENTS, &cells, &[]).map_err(|_| unreadable())?;
    Ok((file, cols, sheet))
}

/// The cells of a spreadsheet roster as CSV (UTF-8 with a BOM, CRLF line
/// ends, as Excel saves CSV), and the sheet row of each data row.
fn sheet_as_csv(path: &std::path::Path) -> Option<(Vec<u8>, SheetRoster)> {
    use crate::data::table::Rows;
    let mut rows = crate::data::roster_sheet::SheetRows::open(path);
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let (_, header) = rows.header().ok()?;
    w.write_record(&header).ok()?;
    let mut lines = Vec::new();
    while let Ok(Some(row)) = rows.next_row() {
        let cells: Vec<&str> = row.cells().collect();
        w.write_record(&cells).ok()?;
        lines.push(row.line);
    }
    let bytes = w.into_inner().ok()?;
    Some((bytes, SheetRoster { rows, lines }))
}

/// history.csv with `rows` appended (see `history::with_rows`; a new
/// file takes after the roster `like`).
pub(super) fn history_with_rows(
    ctx: &Ctx,
    like: &CsvFile,
    chinese: bool,
    rows: &[[String; 7]],
) -> Result<Vec<u8>, Error> {
    let path = ctx.path(history::FILE);
    let old = match std::fs::read(&path) {
        Ok(b) => Some(
            CsvFile::parse(b)
                .map_err(|_| Error::Usage(Usage::Change(ChangeRefusal::RosterUnreadable)))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&path, e)),
    };
    history::with_rows(old.as_ref(), like, chinese, rows)
        .map_err(|c| Error::Usage(Usage::Change(ChangeRefusal::HistoryLacks(c))))
}
