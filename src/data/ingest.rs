//! The path of a new visit into `visits.csv`, shared by `import` and
//! `visit`: validation against the roster and the as-of date, duplicates
//! within the run and against the store, and rows written in the store's
//! own conventions (its header order, line ends and encoding), appended
//! under the directory's write lock.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::data::decode::Encoding;
use crate::data::headers::{self, Columns};
use crate::data::logs::{LogKind, LogRow};
use crate::data::snapshot::Snapshot;
use crate::data::table::Table;
use crate::data::visits::{self, parse_persons};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::guard::safe_cell;
use crate::i18n::Lang;
use crate::model::date::{self, iso};
use crate::model::roster::Roster;

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
    /// A need the residents raised on the visit (the log's `need` column),
    /// and its category; empty when none.
    pub need: &'a str,
    pub need_category: &'a str,
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
    /// The cells of the log's other columns (`Batch::kept`, by index),
    /// the empty ones left out.
    pub extra: Vec<(u16, Box<str>)>,
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
                    // A number in a sheet's date column is an Excel serial
                    // date; one before 1970 (serial 25569) is more likely a
                    // stray count than a visit, and is not taken as a date.
                    let d = date::from_excel_serial(serial)
                        .filter(|d| *d >= NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date"));
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
        let h = roster.find(household_text);
        if h.is_none() {
            reasons.push(Reason::UnknownHousehold(household_text.to_string()));
        }
        h
    } else if !resident_text.is_empty() {
        // The resident's household on the visit's day (as the roster
        // history has it), else today's.
        let h = match date {
            Some(d) => roster.household_of_resident_on(resident_text, d),
            None => roster.household_of_resident(resident_text),
        };
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
    reasons.extend(cols.extra_cells(crate::data::table::used_len(&row.cells)));
    match (date, household) {
        (Some(date), Some(household)) if reasons.is_empty() => Ok(Checked {
            date,
            household,
            visitor: get("visitor"),
            kind: get("kind"),
            note: get("note"),
            persons,
            line: row.line,
            need: get("need"),
            need_category: get("need_category"),
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
    /// The names of the logs' columns that are not visit fields, kept in
    /// visits.csv (see `kept`).
    pub kept: Vec<String>,
}

impl Batch {
    /// A visitor name or kind of a candidate.
    pub fn text(&self, id: u32) -> &str {
        &self.texts.texts[id as usize]
    }

    /// Adds a checked row from input `source`; returns (source, line) of
    /// the earlier row of the run it repeats, if it does (then it is not
    /// added).
    pub fn offer(
        &mut self,
        c: &Checked<'_>,
        source: usize,
        extra: Vec<(u16, Box<str>)>,
    ) -> Option<(usize, u64)> {
        // Texts are kept as the store writes them: a cell a spreadsheet
        // would run as a formula gets its apostrophe (see `safe_cell`), and
        // the duplicate key is on that form, for stored rows too.
        let candidate = Candidate {
            date: c.date,
            household: c.household as u32,
            visitor: self.texts.id(&safe_cell(c.visitor)),
            kind: self.texts.id(&safe_cell(c.kind)),
            note: safe_cell(c.note).into(),
            persons: c.persons,
            source: source as u32,
            line: c.line,
            extra,
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
    /// whole, with the write lock held, or up to its committed length for a
    /// dry run) and returns them. The scan also settles the store's
    /// encoding, which new rows follow.
    ///
    /// `known`, from the cache: the first bytes of the store, all valid
    /// rows, and the latest visit of each household in them. When every
    /// candidate is later than its household's latest, none can repeat a
    /// row there, and only the rows after are read.
    pub fn drop_stored(
        &mut self,
        store: &mut StoreFormat,
        roster: &Roster,
        fast: bool,
        known: Option<(u64, Vec<Option<NaiveDate>>)>,
    ) -> Result<Vec<Candidate>, Error> {
        if !store.exists || self.candidates.is_empty() {
            return Ok(Vec::new());
        }
        if !fast {
            let stored = self.stored_by_simple_scan(store, roster)?;
            return Ok(self.keep_unstored(stored));
        }
        let from = match known {
            Some((covered, latest))
                if self
                    .candidates
                    .iter()
                    .all(|c| latest[c.household as usize].is_none_or(|d| d < c.date)) =>
            {
                covered
            }
            _ => 0,
        };
        let (seen, texts) = (&self.seen, &self.texts);
        let n = self.candidates.len();
        let fast = crate::data::fast::scan_from(
            &store.path,
            from,
            store.limit,
            roster,
            || vec![false; n],
            |stored, v| {
                if let (Some(h), Some(visitor)) = (v.household, texts.find(&safe_cell(v.visitor)))
                    && let Some(&i) = seen.get(&(v.date, h as u32, visitor))
                {
                    stored[i] = true;
                }
            },
        )?;
        let stored = match fast {
            // Every row was valid UTF-8: the store is UTF-8 (a BOM was seen by
            // `detect`); whether it is all ASCII is settled if it matters.
            Some(states) => {
                store.encoding = if store.bom {
                    Encoding::Utf8Bom
                } else {
                    Encoding::Utf8
                };
                store.ascii = None;
                states.into_iter().fold(vec![false; n], |mut all, part| {
                    for (a, b) in all.iter_mut().zip(part) {
                        *a |= b;
                    }
                    all
                })
            }
            None => self.stored_by_simple_scan(store, roster)?,
        };
        Ok(self.keep_unstored(stored))
    }

    /// Keeps the candidates not stored yet; returns the others.
    fn keep_unstored(&mut self, stored: Vec<bool>) -> Vec<Candidate> {
        let mut dropped = Vec::new();
        let mut kept = Vec::new();
        for (c, s) in std::mem::take(&mut self.candidates).into_iter().zip(stored) {
            if s { dropped.push(c) } else { kept.push(c) }
        }
        self.candidates = kept;
        self.seen.clear();
        dropped
    }

    /// Which candidates the store holds, read by the simple reader, which
    /// takes every encoding and counts rows with a bad cell too.
    fn stored_by_simple_scan(
        &self,
        store: &mut StoreFormat,
        roster: &Roster,
    ) -> Result<Vec<bool>, Error> {
        let mut stored = vec![false; self.candidates.len()];
        let table = Table::open(&store.path, store.limit)?.ok_or_else(|| {
            Error::io(
                &store.path,
                std::io::Error::other("visits.csv disappeared during the import"),
            )
        })?;
        let sniffed = table.sniffed();
        let (seen, texts) = (&self.seen, &self.texts);
        let stopped = visits::scan_keys(table, |date, household, visitor| {
            if let (Some(h), Some(visitor)) =
                (roster.find(household), texts.find(&safe_cell(visitor)))
                && let Some(&i) = seen.get(&(date, h as u32, visitor))
            {
                stored[i] = true;
            }
        });
        // A store that cannot be read to its end would let duplicates through.
        if let Some(p) = stopped {
            return Err(Error::Invalid(vec![p]));
        }
        store.encoding = sniffed.encoding;
        store.ascii = Some(sniffed.ascii);
        Ok(stored)
    }
}

/// How visits.csv is written, so that new rows follow it.
#[derive(Debug, Clone)]
pub struct StoreFormat {
    pub path: std::path::PathBuf,
    pub exists: bool,
    /// The field of each header column (None for columns the tool does
    /// not know, which new rows leave empty); empty when the file has no
    /// header yet.
    pub columns: Vec<Option<FieldName>>,
    /// The header's names as written (the columns the tool does not know
    /// are matched by them: the columns kept from logs).
    pub names: Vec<String>,
    pub crlf: bool,
    pub bom: bool,
    /// Settled by `Batch::drop_stored`.
    pub encoding: Encoding,
    /// Whether every byte is ASCII, when known.
    pub ascii: Option<bool>,
    pub ends_with_newline: bool,
    /// Read no further (the committed length, for a dry run).
    pub limit: Option<u64>,
}

/// How new rows reach the store.
pub enum Write {
    /// Append these bytes (the store's conventions kept).
    Append(Vec<u8>),
    /// Write the whole file anew (a new store, one without a header yet,
    /// or an ASCII store that gains a BOM with its first Chinese rows).
    Replace(Vec<u8>),
    /// Write the file anew, wider: its header gains `suffix` (",name,…"
    /// in its encoding), every row `cells` empty cells, then `rows` are
    /// appended; a BOM first when `bom` (an ASCII store that gains
    /// Chinese). Streamed from the old file into the new one aside.
    Widen {
        bom: bool,
        suffix: Vec<u8>,
        cells: usize,
        rows: Vec<u8>,
    },
}

/// Whether every byte of a file is ASCII; stops at the first that is not.
fn all_ascii(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(true);
        }
        if !buf[..n].is_ascii() {
            return Ok(false);
        }
    }
}

impl StoreFormat {
    /// Reads the conventions of `dir/visits.csv` from its first bytes.
    pub fn detect(dir: &Path, limit: Option<u64>) -> Result<StoreFormat, Error> {
        let path = dir.join(visits::FILE);
        let mut format = StoreFormat {
            path: path.clone(),
            exists: false,
            columns: Vec::new(),
            names: Vec::new(),
            crlf: true,
            bom: true,
            encoding: Encoding::Utf8Bom,
            ascii: Some(true),
            ends_with_newline: true,
            limit,
        };
        let len = match std::fs::metadata(&path) {
            Ok(m) => m.len().min(limit.unwrap_or(u64::MAX)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(format),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let io = |e| Error::io(&path, e);
        let head = {
            use std::io::Read;
            let mut buf = Vec::new();
            std::fs::File::open(&path)
                .map_err(io)?
                .take(len.min(1 << 20))
                .read_to_end(&mut buf)
                .map_err(io)?;
            buf
        };
        format.exists = true;
        format.bom = head.starts_with(b"\xEF\xBB\xBF");
        format.encoding = if format.bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        };
        format.crlf = match head.iter().position(|&b| b == b'\n') {
            Some(i) => i > 0 && head[i - 1] == b'\r',
            None => true,
        };
        let mut table = Table::from_bytes(&path, &head);
        format.columns = match table.header() {
            Ok((line, header)) => {
                let cells: Vec<&str> = header.iter().map(String::as_str).collect();
                headers::map(&headers::VISITS, &cells, &[])
                    .map_err(|r| Error::Invalid(vec![Problem::error(&path, Some(line), r)]))?;
                format.names = header.iter().map(|h| h.trim().to_string()).collect();
                header
                    .iter()
                    .map(|h| headers::field_of(&headers::VISITS, h))
                    .collect()
            }
            Err(p) if *p.reason == Reason::NoHeader => Vec::new(),
            Err(p) => return Err(Error::Invalid(vec![p])),
        };
        format.ends_with_newline = matches!(
            crate::store::last_byte(&path, len).map_err(io)?,
            None | Some(b'\n' | b'\r')
        );
        Ok(format)
    }

    /// The conventions of the store of `snapshot`: read whole under the
    /// write lock, or up to its committed length for a dry run.
    pub fn of(snapshot: &Snapshot, dry_run: bool) -> Result<StoreFormat, Error> {
        let limit = if dry_run {
            crate::store::committed_len(snapshot.dir(), visits::FILE)
        } else {
            None
        };
        Self::detect(snapshot.dir(), limit)
    }

    /// The header a new store starts with, in the user's language.
    pub fn new_header(lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => "\u{feff}日期,户号,走访人,走访方式,走访情况,人数\r\n",
            Lang::En => "\u{feff}date,household,visitor,kind,note,persons\r\n",
        }
    }

    /// Where each column the logs keep (`Batch::kept`) goes: the store's
    /// column of that name, or a new one, which the store gains only when
    /// a row to write has something in it.
    pub fn kept_places(&self, batch: &Batch) -> Vec<KeptPlace> {
        let unknown = |i: usize| self.columns.get(i).is_none_or(Option::is_none);
        batch
            .kept
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let there = self
                    .names
                    .iter()
                    .enumerate()
                    .any(|(i, n)| unknown(i) && super::kept::same_name(n, name));
                if there {
                    KeptPlace::Present
                } else if batch
                    .candidates
                    .iter()
                    .any(|c| c.extra.iter().any(|(i, _)| *i as usize == k))
                {
                    KeptPlace::Added
                } else {
                    KeptPlace::NotAdded
                }
            })
            .collect()
    }

    /// How `batch` reaches the store. Fails when a row has a value for a
    /// field the store has no column for. Columns the logs keep that the
    /// store lacks widen it: the file is written anew with them at the end
    /// of its header and an empty cell at the end of every row.
    pub fn plan(&self, batch: &Batch, roster: &Roster, lang: Lang) -> Result<Write, Error> {
        let places = self.kept_places(batch);
        let added: Vec<&str> = batch
            .kept
            .iter()
            .zip(&places)
            .filter(|(_, p)| **p == KeptPlace::Added)
            .map(|(n, _)| n.as_str())
            .collect();
        if !self.exists || self.columns.is_empty() {
            // No store, or one with nothing in it yet (empty, a BOM, blank
            // lines): a whole new file with the header.
            let mut names: Vec<String> =
                ["date", "household", "visitor", "kind", "note", "persons"]
                    .map(String::from)
                    .to_vec();
            names.extend(added.iter().map(|n| n.to_string()));
            let mut columns: Vec<Option<FieldName>> =
                ["date", "household", "visitor", "kind", "note", "persons"]
                    .map(Some)
                    .to_vec();
            columns.extend(added.iter().map(|_| None));
            let fresh = StoreFormat {
                exists: false,
                columns,
                names,
                crlf: true,
                bom: true,
                encoding: Encoding::Utf8Bom,
                ..self.clone()
            };
            let header = Self::new_header(lang);
            let mut bytes = header.trim_end().as_bytes().to_vec();
            bytes.extend(fresh.header_cells(&added)?);
            bytes.extend(b"\r\n");
            bytes.extend(fresh.rows(batch, roster)?);
            return Ok(Write::Replace(bytes));
        }
        let ascii = || -> Result<bool, Error> {
            match self.ascii {
                Some(a) => Ok(a),
                None => all_ascii(&self.path).map_err(|e| Error::io(&self.path, e)),
            }
        };
        if !added.is_empty() {
            let suffix = self.header_cells(&added)?;
            let mut wide = self.clone();
            wide.columns.extend(added.iter().map(|_| None));
            wide.names.extend(added.iter().map(|n| n.to_string()));
            let rows = wide.rows(batch, roster)?;
            let bom = !self.bom && (!rows.is_ascii() || !suffix.is_ascii()) && ascii()?;
            return Ok(Write::Widen {
                bom,
                suffix,
                cells: added.len(),
                rows,
            });
        }
        let rows = self.rows(batch, roster)?;
        if !self.bom && !rows.is_ascii() && ascii()? {
            // An ASCII store is UTF-8 and GBK at once; its first Chinese
            // rows would read as mojibake in Excel without a BOM. Give it one.
            let mut old = std::fs::read(&self.path).map_err(|e| Error::io(&self.path, e))?;
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.append(&mut old);
            bytes.extend(rows);
            return Ok(Write::Replace(bytes));
        }
        Ok(Write::Append(rows))
    }

    /// `,name,name…` for the header, in the store's encoding.
    fn header_cells(&self, names: &[&str]) -> Result<Vec<u8>, Error> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut record = vec![""];
        record.extend(names);
        w.write_record(&record)
            .map_err(|e| Error::Other(e.into()))?;
        let mut text = w
            .into_inner()
            .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
        text.pop();
        Ok(self.encode(text))
    }

    fn encode(&self, text: Vec<u8>) -> Vec<u8> {
        match self.encoding {
            Encoding::Gb18030 => {
                let s = String::from_utf8(text).expect("csv writes what it was given");
                encoding_rs::GB18030.encode(&s).0.into_owned()
            }
            Encoding::Utf8 | Encoding::Utf8Bom => text,
        }
    }

    /// The bytes of the batch's rows as this store writes them.
    fn rows(&self, batch: &Batch, roster: &Roster) -> Result<Vec<u8>, Error> {
        let rows = &batch.candidates;
        let columns: Vec<Option<FieldName>> = if self.columns.is_empty() {
            ["date", "household", "visitor", "kind", "note", "persons"]
                .map(Some)
                .to_vec()
        } else {
            self.columns.clone()
        };
        // The kept column (an index into `batch.kept`) each store column
        // holds; the first of a name when the header repeats it.
        let mut kept_at: Vec<Option<usize>> = vec![None; columns.len()];
        for (k, name) in batch.kept.iter().enumerate() {
            if let Some(i) = (0..columns.len()).find(|&i| {
                columns[i].is_none()
                    && self
                        .names
                        .get(i)
                        .is_some_and(|n| super::kept::same_name(n, name))
            }) {
                kept_at[i] = Some(k);
            }
        }
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
            for ((cell, c), k) in record.iter_mut().zip(&columns).zip(&kept_at) {
                cell.clear();
                match c {
                    Some("date") => cell.push_str(&iso(r.date)),
                    Some("household") => cell.push_str(roster.household(r.household as usize).id()),
                    Some("visitor") => cell.push_str(batch.text(r.visitor)),
                    Some("kind") => cell.push_str(batch.text(r.kind)),
                    Some("note") => cell.push_str(&r.note),
                    Some("persons") => {
                        if let Some(p) = r.persons {
                            cell.push_str(&p.to_string());
                        }
                    }
                    _ => {
                        if let Some(k) = k
                            && let Some((_, v)) = r.extra.iter().find(|(i, _)| *i as usize == *k)
                        {
                            cell.push_str(v);
                        }
                    }
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
        Ok(self.encode(text))
    }
}

/// What becomes of a column a log keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeptPlace {
    /// visits.csv has a column of that name already.
    Present,
    /// visits.csv gains it.
    Added,
    /// No row to write has anything in it: visits.csv does not gain it.
    NotAdded,
}

impl Write {
    /// What the write does to visits.csv.
    pub fn usage(&self) -> crate::store::Use {
        match self {
            Write::Append(_) => crate::store::Use::Write,
            Write::Replace(_) | Write::Widen { .. } => crate::store::Use::Replace,
        }
    }
}

/// Writes the new rows under the held write lock: appended through the
/// journal, or the file replaced whole.
pub fn commit(dir: &Path, write: Write, lock: &crate::store::DirLock) -> Result<(), Error> {
    match write {
        Write::Append(bytes) => crate::store::append(dir, visits::FILE, &bytes, lock),
        Write::Replace(bytes) => crate::store::replace(&dir.join(visits::FILE), &bytes),
        Write::Widen {
            bom,
            suffix,
            cells,
            rows,
        } => {
            let path = dir.join(visits::FILE);
            let old = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            crate::store::replace_with(&path, crate::store::Access::Usual, |f| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
                if bom {
                    std::io::Write::write_all(&mut out, b"\xEF\xBB\xBF")?;
                }
                super::kept::widen_into(old, &mut out, &suffix, cells)?;
                std::io::Write::write_all(&mut out, &rows)?;
                std::io::Write::flush(&mut out)
            })
        }
    }
}

/// For `visit`: one checked row through the same duplicate check and
/// write as an import, under the write lock `snapshot` holds. Returns
/// whether it was stored (false: it repeats a stored visit).
pub fn store_one(
    snapshot: &Snapshot,
    roster: &Roster,
    checked: &Checked<'_>,
    lang: Lang,
) -> Result<bool, Error> {
    let mut batch = Batch::default();
    batch.offer(checked, 0, Vec::new());
    let mut format = StoreFormat::detect(snapshot.dir(), None)?;
    if !snapshot
        .drop_stored(&mut batch, &mut format, roster)?
        .is_empty()
    {
        return Ok(false);
    }
    let write = format.plan(&batch, roster, lang)?;
    commit(snapshot.dir(), write, snapshot.write_lock())?;
    Ok(true)
}
