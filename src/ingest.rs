//! The path of a new visit into `visits.csv`, shared by `import` and
//! `visit`: validation against the roster and the as-of date, duplicates
//! within the run and against the store, and rows written in the store's
//! own conventions (its header order, line ends and encoding), appended
//! under the directory's write lock.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::data::date::{self, iso};
use crate::data::decode::Encoding;
use crate::data::headers::{self, Columns};
use crate::data::logs::{LogKind, LogRow};
use crate::data::roster::Roster;
use crate::data::table::Table;
use crate::data::visits::{self, parse_persons};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::i18n::Lang;

/// A row that passed validation, borrowing its text from the row.
#[derive(Debug, Clone, Copy)]
pub struct Checked<'a> {
    pub date: NaiveDate,
    pub household: usize,
    pub visitor: &'a str,
    pub kind: &'a str,
    pub note: &'a str,
    pub persons: Option<u32>,
    pub line: u64,
}

/// A visit waiting to be stored. Visitor names and kinds repeat across
/// rows, so they are kept once (see `Batch::text`).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub date: NaiveDate,
    pub household: u32,
    pub visitor: u32,
    pub kind: u32,
    pub note: Box<str>,
    pub persons: Option<u32>,
    /// Which input it came from (an index the caller gives), and its line.
    pub source: u32,
    pub line: u64,
}

/// The duplicate key of the SPEC: date, household, visitor.
type Key = (NaiveDate, u32, u32);

fn key(c: &Candidate) -> Key {
    (c.date, c.household, c.visitor)
}

/// Each distinct short text once.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    fn find(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }
}

/// Checks one row of a log against the roster and the as-of date.
pub fn validate<'a>(
    row: &'a LogRow,
    cols: &Columns,
    kind: LogKind,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Checked<'a>, Vec<Reason>> {
    let mut reasons = Vec::new();
    if let Some(r) = &row.unreadable {
        reasons.push(r.clone());
    }
    let get = |f: FieldName| -> &'a str {
        cols.get(f)
            .and_then(|c| row.cells.get(c))
            .map_or("", |s| s.trim())
    };
    let date_text = get("date");
    let date = if date_text.is_empty() {
        reasons.push(Reason::Empty("date"));
        None
    } else {
        match date::parse(date_text) {
            Ok(d) => Some(d),
            // Only a spreadsheet cell may hold an Excel serial number.
            Err(why) => match (kind, date_text.parse::<f64>()) {
                (LogKind::Sheet, Ok(serial)) => {
                    let d = date::from_excel_serial(serial);
                    if d.is_none() {
                        reasons.push(Reason::BadDate {
                            field: "date",
                            value: crate::privacy::shown_value(date_text),
                            why: date::DateError::Year,
                        });
                    }
                    d
                }
                _ => {
                    reasons.push(Reason::BadDate {
                        field: "date",
                        value: crate::privacy::shown_value(date_text),
                        why,
                    });
                    None
                }
            },
        }
    };
    if let Some(d) = date
        && d > today
    {
        reasons.push(Reason::FutureVisit {
            date: iso(d),
            today: iso(today),
        });
    }
    let household_text = get("household");
    let resident_text = get("resident");
    let household = if !household_text.is_empty() {
        let h = roster.household(household_text);
        if h.is_none() {
            reasons.push(Reason::UnknownHousehold(household_text.to_string()));
        }
        h
    } else if !resident_text.is_empty() {
        let h = roster.household_of_resident(resident_text);
        if h.is_none() {
            reasons.push(Reason::UnknownResident(resident_text.to_string()));
        }
        h
    } else {
        reasons.push(Reason::Empty("household"));
        None
    };
    let persons = parse_persons(get("persons"))
        .map_err(|r| reasons.push(r))
        .ok()
        .flatten();
    let used = row
        .cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    if used > cols.width {
        reasons.push(Reason::ExtraCells {
            cells: used,
            columns: cols.width,
        });
    }
    match (date, household) {
        (Some(date), Some(household)) if reasons.is_empty() => Ok(Checked {
            date,
            household,
            visitor: get("visitor"),
            kind: get("kind"),
            note: get("note"),
            persons,
            line: row.line,
        }),
        _ => Err(reasons),
    }
}

/// The candidates of one run, without repeats.
#[derive(Default)]
pub struct Batch {
    pub candidates: Vec<Candidate>,
    /// Each key's candidate (an index into `candidates`).
    seen: HashMap<Key, usize>,
    texts: Interner,
}

impl Batch {
    /// A visitor name or kind of a candidate.
    pub fn text(&self, id: u32) -> &str {
        &self.texts.texts[id as usize]
    }

    /// Adds a checked row from input `source`; returns (source, line) of
    /// the earlier row of the run it repeats, if it does (then it is not
    /// added).
    pub fn offer(&mut self, c: &Checked<'_>, source: usize) -> Option<(usize, u64)> {
        let candidate = Candidate {
            date: c.date,
            household: c.household as u32,
            visitor: self.texts.id(c.visitor),
            kind: self.texts.id(c.kind),
            note: c.note.into(),
            persons: c.persons,
            source: source as u32,
            line: c.line,
        };
        let k = key(&candidate);
        if let Some(&first) = self.seen.get(&k) {
            let first = &self.candidates[first];
            return Some((first.source as usize, first.line));
        }
        self.seen.insert(k, self.candidates.len());
        self.candidates.push(candidate);
        None
    }

    /// Removes the candidates that repeat a visit stored in `store` (read
    /// whole, with the write lock held) and returns them. The scan also
    /// settles the store's encoding, which new rows follow.
    pub fn drop_stored(
        &mut self,
        store: &mut StoreFormat,
        roster: &Roster,
    ) -> Result<Vec<Candidate>, Error> {
        if !store.exists || self.candidates.is_empty() {
            return Ok(Vec::new());
        }
        let mut stored = vec![false; self.candidates.len()];
        let table = Table::open(&store.path, None)?.ok_or_else(|| {
            Error::io(
                &store.path,
                std::io::Error::other("visits.csv disappeared during the import"),
            )
        })?;
        let mut problems = Vec::new();
        let (seen, texts) = (&self.seen, &self.texts);
        let encoding = visits::scan_table(table, &mut problems, |v| {
            if let (Some(h), Some(visitor)) = (roster.household(v.household), texts.find(v.visitor))
                && let Some(&i) = seen.get(&(v.date, h as u32, visitor))
            {
                stored[i] = true;
            }
        });
        if store.encoding != Encoding::Utf8Bom {
            store.encoding = encoding;
        }
        // Rows of the store that cannot be read as visits cannot repeat a
        // new one; but a store that cannot be read to its end would let
        // duplicates through.
        if let Some(p) = problems.into_iter().find(|p| is_file_level(&p.reason)) {
            return Err(Error::Invalid(vec![p]));
        }
        let mut dropped = Vec::new();
        let mut kept = Vec::new();
        for (c, s) in std::mem::take(&mut self.candidates).into_iter().zip(stored) {
            if s { dropped.push(c) } else { kept.push(c) }
        }
        self.candidates = kept;
        self.seen.clear();
        Ok(dropped)
    }
}

/// Problems that stop a file from being read to its end.
fn is_file_level(r: &Reason) -> bool {
    matches!(
        r,
        Reason::Encoding
            | Reason::Unterminated
            | Reason::TooLong
            | Reason::TooManyCells
            | Reason::Malformed(_)
            | Reason::HeaderIsData { .. }
            | Reason::MissingColumns { .. }
            | Reason::DuplicateColumn { .. }
    )
}

/// How visits.csv is written, so that new rows follow it.
#[derive(Debug, Clone)]
pub struct StoreFormat {
    pub path: std::path::PathBuf,
    pub exists: bool,
    /// The field of each header column (None for columns the tool does
    /// not know, which new rows leave empty).
    pub columns: Vec<Option<FieldName>>,
    pub crlf: bool,
    pub encoding: Encoding,
    pub ends_with_newline: bool,
}

impl StoreFormat {
    /// Reads the conventions of `dir/visits.csv`.
    pub fn detect(dir: &Path) -> Result<StoreFormat, Error> {
        let path = dir.join(visits::FILE);
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(StoreFormat {
                    path,
                    exists: false,
                    columns: Vec::new(),
                    crlf: true,
                    encoding: Encoding::Utf8Bom,
                    ends_with_newline: true,
                });
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let io = |e| Error::io(&path, e);
        let head = {
            use std::io::Read;
            let mut buf = vec![0u8; 1 << 16];
            let mut f = std::fs::File::open(&path).map_err(io)?;
            let n = f.read(&mut buf).map_err(io)?;
            buf.truncate(n);
            buf
        };
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let crlf = match head.iter().position(|&b| b == b'\n') {
            Some(i) => i > 0 && head[i - 1] == b'\r',
            None => bom,
        };
        let mut table = Table::open(&path, None)?.expect("the file exists");
        let columns = match table.header() {
            Ok((line, header)) => {
                let cells: Vec<&str> = header.iter().map(String::as_str).collect();
                headers::map(&headers::VISITS, &cells, &[])
                    .map_err(|r| Error::Invalid(vec![Problem::error(&path, Some(line), r)]))?;
                header
                    .iter()
                    .map(|h| headers::field_of(&headers::VISITS, h))
                    .collect()
            }
            Err(p) if *p.reason == Reason::NoHeader => Vec::new(),
            Err(p) => return Err(Error::Invalid(vec![p])),
        };
        let ends_with_newline = matches!(
            crate::store::last_byte(&path, meta.len()).map_err(io)?,
            None | Some(b'\n' | b'\r')
        );
        Ok(StoreFormat {
            path,
            exists: true,
            columns,
            crlf,
            // Settled by the scan for duplicates (`Batch::drop_stored`).
            encoding: if bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            },
            ends_with_newline,
        })
    }

    /// The header a new store starts with, in the user's language.
    pub fn new_header(lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => "\u{feff}日期,户号,走访人,走访方式,走访情况,人数\r\n",
            Lang::En => "\u{feff}date,household,visitor,kind,note,persons\r\n",
        }
    }

    /// The bytes of `rows` as the store writes them. Fails when a row has
    /// a value for a field the store has no column for.
    pub fn render(&self, batch: &Batch, roster: &Roster) -> Result<Vec<u8>, Error> {
        let rows = &batch.candidates;
        let columns: Vec<Option<FieldName>> = if self.columns.is_empty() {
            ["date", "household", "visitor", "kind", "note", "persons"]
                .map(Some)
                .to_vec()
        } else {
            self.columns.clone()
        };
        for (field, has) in [
            (
                "visitor",
                rows.iter().any(|r| !batch.text(r.visitor).is_empty()),
            ),
            ("kind", rows.iter().any(|r| !batch.text(r.kind).is_empty())),
            ("note", rows.iter().any(|r| !r.note.is_empty())),
            ("persons", rows.iter().any(|r| r.persons.is_some())),
        ] {
            if has && !columns.contains(&Some(field)) {
                return Err(Error::Invalid(vec![Problem::error(
                    &self.path,
                    Some(1),
                    Reason::StoreLacksColumn(field),
                )]));
            }
        }
        let terminator = if self.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(terminator)
            .from_writer(Vec::new());
        let mut record: Vec<String> = vec![String::new(); columns.len()];
        for r in rows {
            for (cell, c) in record.iter_mut().zip(&columns) {
                cell.clear();
                match c {
                    Some("date") => cell.push_str(&iso(r.date)),
                    Some("household") => cell.push_str(&roster.households[r.household as usize].id),
                    Some("visitor") => cell.push_str(batch.text(r.visitor)),
                    Some("kind") => cell.push_str(batch.text(r.kind)),
                    Some("note") => cell.push_str(&r.note),
                    Some("persons") => {
                        if let Some(p) = r.persons {
                            cell.push_str(&p.to_string());
                        }
                    }
                    _ => {}
                }
            }
            w.write_record(&record)
                .map_err(|e| Error::Other(e.into()))?;
        }
        let mut text = w
            .into_inner()
            .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
        if self.exists && !self.ends_with_newline {
            let nl: &[u8] = if self.crlf { b"\r\n" } else { b"\n" };
            text.splice(0..0, nl.iter().copied());
        }
        Ok(match self.encoding {
            Encoding::Gb18030 => {
                let s = String::from_utf8(text).expect("csv writes what it was given");
                encoding_rs::GB18030.encode(&s).0.into_owned()
            }
            Encoding::Utf8 | Encoding::Utf8Bom => text,
        })
    }
}
