//! Reading one CSV data file: decoding, the header, and records with the
//! physical line where each starts (the header being line 1). Cells are
//! trimmed; fully blank rows are skipped.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::decode::{self, Decode, Encoding, EncodingError, Sniff};
use super::records::{RecordError, Records, Run};
use crate::error::{Error, Problem, Reason};
use crate::progress::Counted;

pub struct Table<R: Read> {
    path: PathBuf,
    records: Records<BufReader<Decode<Counted<R>>>>,
    sniffed: Sniff,
    failed: bool,
}

/// One record of a table.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub line: u64,
    text: &'a str,
    ends: &'a [usize],
    /// Bytes between a cell's end and the next one's start: 1 where the
    /// text keeps the record's separators, 0 where cells are laid end to
    /// end.
    sep: usize,
}

impl<'a> Row<'a> {
    /// A row over `text`, cell `i` ending at `ends[i]` (a spreadsheet's
    /// row laid out as a record is).
    pub fn new(line: u64, text: &'a str, ends: &'a [usize]) -> Row<'a> {
        Row {
            line,
            text,
            ends,
            sep: 0,
        }
    }

    fn raw(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.sep
        };
        self.text.get(start..end)
    }

    /// The trimmed cell in column `col`, or "" when the column is absent or
    /// the row is short.
    pub fn get(&self, col: Option<usize>) -> &'a str {
        col.and_then(|c| self.raw(c)).map_or("", trim)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// About the bytes the record takes in its file: its cells and a
    /// separator after each.
    pub fn bytes(&self) -> usize {
        self.text.len() - self.ends.len().saturating_sub(1) * self.sep + self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many cells the row has, ignoring empty cells at its end.
    pub fn used_len(&self) -> usize {
        (0..self.len())
            .rev()
            .find(|&i| !self.get(Some(i)).is_empty())
            .map_or(0, |i| i + 1)
    }

    pub fn cells(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(Some(i)))
    }
}

/// How many of `cells` a row uses, ignoring empty cells at its end.
pub fn used_len<S: AsRef<str>>(cells: &[S]) -> usize {
    cells
        .iter()
        .rposition(|c| !trim(c.as_ref()).is_empty())
        .map_or(0, |i| i + 1)
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends
/// with a visible ASCII character.
pub fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// What a roster is read from: a CSV table, or a spreadsheet's first
/// sheet laid out as records (`data::roster_sheet`).
pub trait Rows {
    fn path(&self) -> &Path;
    /// The header's cells and where it is.
    fn header(&mut self) -> Result<(u64, Vec<String>), Problem>;
    /// The next row that is not fully blank.
    fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem>;
    /// A warning about the file as a whole, before its rows.
    fn encoding_warning(&self) -> Option<Problem> {
        None
    }
    /// Problems the source found on rows it left out (a spreadsheet's
    /// error cells), once every row is read.
    fn take_problems(&mut self) -> Vec<Problem> {
        Vec::new()
    }
    /// Whether a number in a date column is an Excel serial date (only a
    /// spreadsheet's cell may be one).
    fn serials(&self) -> bool {
        false
    }
    /// The size of the file the rows are read from, as a hint of how many
    /// rows are to come.
    fn bytes_hint(&self) -> Option<u64> {
        None
    }
    /// The row `k` rows after the one `next_row` gives next, if it is
    /// already at hand (to start loading what it will need).
    fn peek(&self, _k: usize) -> Option<Row<'_>> {
        None
    }
    /// Reads the rows `next_row` would give into `held` until it holds
    /// `max`; `Some` with how the table ended once it has (its end, or
    /// the problem that ended it).
    fn next_rows(&mut self, held: &mut Held, max: usize) -> Option<Result<(), Problem>> {
        while held.rows.len() < max {
            match self.next_row() {
                Ok(Some(row)) => held.push(&row),
                Ok(None) => return Some(Ok(())),
                Err(p) => return Some(Err(p)),
            }
        }
        None
    }
}

impl<T: Rows + ?Sized> Rows for &mut T {
    fn path(&self) -> &Path {
        (**self).path()
    }
    fn header(&mut self) -> Result<(u64, Vec<String>), Problem> {
        (**self).header()
    }
    fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        (**self).next_row()
    }
    fn encoding_warning(&self) -> Option<Problem> {
        (**self).encoding_warning()
    }
    fn take_problems(&mut self) -> Vec<Problem> {
        (**self).take_problems()
    }
    fn bytes_hint(&self) -> Option<u64> {
        (**self).bytes_hint()
    }
    fn peek(&self, k: usize) -> Option<Row<'_>> {
        (**self).peek(k)
    }
    fn serials(&self) -> bool {
        (**self).serials()
    }
    fn next_rows(&mut self, held: &mut Held, max: usize) -> Option<Result<(), Problem>> {
        (**self).next_rows(held, max)
    }
}

impl<R: Read> Rows for Table<R> {
    fn path(&self) -> &Path {
        Table::path(self)
    }
    fn header(&mut self) -> Result<(u64, Vec<String>), Problem> {
        Table::header(self)
    }
    fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        Table::next_row(self)
    }
    fn encoding_warning(&self) -> Option<Problem> {
        Table::encoding_warning(self)
    }
    /// Runs of plain records straight from what is buffered
    /// (`Records::plain`), each other record through `next_row`.
    fn next_rows(&mut self, held: &mut Held, max: usize) -> Option<Result<(), Problem>> {
        held.sep = 1;
        while held.rows.len() < max {
            if self.failed {
                return Some(Ok(()));
            }
            let mut run = Run {
                text: &mut held.text,
                ends: &mut held.ends,
                rows: &mut held.rows,
            };
            if let Err(e) = self.records.plain(&mut run, max) {
                self.failed = true;
                return Some(Err(self.problem(e)));
            }
            if held.rows.len() >= max {
                break;
            }
            match self.next_row() {
                Ok(Some(row)) => held.push(&row),
                Ok(None) => return Some(Ok(())),
                Err(p) => return Some(Err(p)),
            }
        }
        None
    }
}

impl Table<std::io::Take<File>> {
    /// Opens `path` to read at most `limit` bytes of it; `Ok(None)` when
    /// the file does not exist. The file is read once to settle its
    /// encoding (see `decode`), then read for its records.
    pub fn open(path: &Path, limit: Option<u64>) -> Result<Option<Self>, Error> {
        let limit = limit.unwrap_or(u64::MAX);
        let open = || -> std::io::Result<std::io::Take<File>> {
            let f = File::open(path)?;
            if f.metadata()?.is_dir() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory, not a file",
                ));
            }
            Ok(f.take(limit))
        };
        let first = match open() {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let sniffed = decode::sniff(first, open).map_err(|e| Error::io(path, e))?;
        let input = open().map_err(|e| Error::io(path, e))?;
        Ok(Some(Table::with(path, input, sniffed)))
    }
}

impl Table<File> {
    /// Opens `path` taking it for UTF-8 without reading it first; a caller
    /// that meets an encoding problem reads it again with `open`, which
    /// settles the encoding on the whole file. Saves a pass over a large
    /// file in the usual case.
    pub fn open_utf8(path: &Path) -> Result<Option<Self>, Error> {
        match File::open(path) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => Err(Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory, not a file",
                ),
            )),
            Ok(f) => Ok(Some(Table::with(
                path,
                f,
                Sniff {
                    encoding: Encoding::Utf8,
                    ascii: false,
                    utf8_line: None,
                },
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }
}

impl<'a> Table<&'a [u8]> {
    /// A table over bytes in memory.
    pub fn from_bytes(path: &Path, bytes: &'a [u8]) -> Self {
        Table::with(path, bytes, decode::sniff_bytes(bytes))
    }
}

impl<R: Read> Table<R> {
    fn with(path: &Path, input: R, sniffed: Sniff) -> Self {
        Table {
            path: path.to_path_buf(),
            records: Records::new(BufReader::with_capacity(
                1 << 16,
                Decode::new(Counted(input), sniffed.encoding),
            )),
            sniffed,
            failed: false,
        }
    }

    /// A warning when the file looks saved in two encodings.
    pub fn encoding_warning(&self) -> Option<Problem> {
        self.sniffed
            .utf8_line
            .map(|line| Problem::warning(&self.path, Some(line), Reason::MixedEncoding))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The encoding of the file.
    pub fn encoding(&self) -> Encoding {
        self.sniffed.encoding
    }

    /// What the first read of the file found.
    pub fn sniffed(&self) -> Sniff {
        self.sniffed
    }

    /// Reads the next record that is not fully blank. After an error the
    /// table is exhausted: a file that cannot be decoded or parsed from
    /// some point on cannot be read further.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        if self.failed {
            return Ok(None);
        }
        loop {
            match self.records.read() {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    if self.records.fields().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let (text, ends) = self.records.parts();
                    return Ok(Some(Row {
                        line: self.records.start_line(),
                        text,
                        ends,
                        sep: 1,
                    }));
                }
                Err(e) => {
                    self.failed = true;
                    return Err(self.problem(e));
                }
            }
        }
    }

    /// The header line's cells, or a problem when the file has none.
    pub fn header(&mut self) -> Result<(u64, Vec<String>), Problem> {
        let path = self.path.clone();
        match self.next_row()? {
            Some(row) => Ok((row.line, row.cells().map(str::to_string).collect())),
            None => Err(Problem::error(path, None, Reason::NoHeader)),
        }
    }

    fn problem(&self, e: RecordError) -> Problem {
        match e {
            RecordError::Io(io) => {
                let encoding = io.get_ref().and_then(|r| r.downcast_ref::<EncodingError>());
                if let Some(e) = encoding.filter(|e| e.utf16) {
                    Problem::error(&self.path, Some(1), e.reason())
                } else if encoding.is_some() || io.kind() == std::io::ErrorKind::InvalidData {
                    // The record holding the bad bytes, by where it starts.
                    Problem::error(
                        &self.path,
                        Some(self.records.start_line()),
                        Reason::Encoding,
                    )
                } else {
                    Problem::error(
                        &self.path,
                        Some(self.records.start_line()),
                        Reason::Malformed(io.to_string()),
                    )
                }
            }
            RecordError::Unterminated { line } => {
                Problem::error(&self.path, Some(line), Reason::Unterminated)
            }
            RecordError::TooLong { line } => {
                Problem::error(&self.path, Some(line), Reason::TooLong)
            }
            RecordError::TooManyFields { line } => {
                Problem::error(&self.path, Some(line), Reason::TooManyCells)
            }
        }
    }
}

/// The rows of a table read on a thread of its own, a batch ahead: the
/// bytes are decoded and cut into cells there while the caller makes what
/// it will of the rows before (a city's roster is parsed on two cores).
/// The rows, their lines, a problem that ends the table and the problems
/// of rows left out come in the order the table gives them.
pub struct Ahead<P = ()> {
    path: PathBuf,
    serials: bool,
    warning: Option<Problem>,
    header: Option<Result<(u64, Vec<String>), Problem>>,
    rows: std::sync::mpsc::Receiver<Batch<P>>,
    /// Batches read through, handed back for the reader to fill again.
    spent: std::sync::mpsc::Sender<Batch<P>>,
    batch: Batch<P>,
    next: usize,
    reader: Option<std::thread::JoinHandle<Vec<Problem>>>,
    bytes: Option<u64>,
}

/// Rows held together: each row's text and cell ends, laid one after
/// the other, and per row its line and where its text and ends start.
#[derive(Default)]
pub struct Held {
    text: String,
    ends: Vec<usize>,
    rows: Vec<(u64, usize, usize)>,
    /// The rows' `Row::sep`.
    sep: usize,
}

impl Held {
    fn push(&mut self, row: &Row<'_>) {
        self.rows.push((row.line, self.text.len(), self.ends.len()));
        self.sep = row.sep;
        self.text.push_str(row.text);
        self.ends.extend_from_slice(row.ends);
    }

    fn row(&self, i: usize) -> Option<Row<'_>> {
        let &(line, text_at, ends_at) = self.rows.get(i)?;
        let (text_end, ends_end) = self
            .rows
            .get(i + 1)
            .map_or((self.text.len(), self.ends.len()), |&(_, t, e)| (t, e));
        Some(Row {
            line,
            text: &self.text[text_at..text_end],
            ends: &self.ends[ends_at..ends_end],
            sep: self.sep,
        })
    }
}

/// Rows as the reading thread hands them over.
struct Batch<P> {
    held: Held,
    /// What the reading thread made of each row.
    ready: Vec<P>,
    /// After the last row: the table's end, or the problem that ended it.
    end: Option<Result<(), Problem>>,
}

/// Rows handed over at a time.
const BATCH_ROWS: usize = 4096;

impl<P> Default for Batch<P> {
    fn default() -> Self {
        Batch {
            held: Held::default(),
            ready: Vec::new(),
            end: None,
        }
    }
}

impl<P> Batch<P> {
    /// The batch with no rows, its memory kept.
    fn emptied(mut self) -> Self {
        self.held.text.clear();
        self.held.ends.clear();
        self.held.rows.clear();
        self.ready.clear();
        self.end = None;
        self
    }
}

impl<P: Send + 'static> Ahead<P> {
    /// Reads `table`'s header here, and its rows on a thread of their own,
    /// where `prepare` (made from the header) makes what it will of each
    /// row too, ahead of the caller.
    pub fn new<T, F>(
        mut table: T,
        prepare: impl FnOnce(&Result<(u64, Vec<String>), Problem>) -> F,
    ) -> Ahead<P>
    where
        T: Rows + Send + 'static,
        F: FnMut(&Row<'_>) -> P + Send + 'static,
    {
        let path = table.path().to_path_buf();
        let bytes = std::fs::metadata(&path).ok().map(|m| m.len());
        let serials = table.serials();
        let warning = table.encoding_warning();
        let header = table.header();
        let mut prepare = prepare(&header);
        let (tx, rows) = std::sync::mpsc::sync_channel::<Batch<P>>(2);
        let (spent, back) = std::sync::mpsc::channel::<Batch<P>>();
        let reader = header.is_ok().then(|| {
            std::thread::spawn(move || {
                // Each batch gets the room the last one took, and a little
                // more: grown from nothing, its text would be copied over
                // again at every doubling. A batch read through comes
                // back to be filled again, its memory already in place.
                let mut room = (0, 0);
                loop {
                    let mut batch = back
                        .try_recv()
                        .map_or_else(|_| Batch::default(), Batch::emptied);
                    batch.held.text.reserve(room.0 + room.0 / 8);
                    batch.held.ends.reserve(room.1 + room.1 / 8);
                    batch.held.rows.reserve(BATCH_ROWS);
                    batch.ready.reserve(BATCH_ROWS);
                    // A few rows at a time, made ready while their text is
                    // still in the cache it was read into.
                    while batch.end.is_none() && batch.held.rows.len() < BATCH_ROWS {
                        let from = batch.held.rows.len();
                        batch.end = table.next_rows(&mut batch.held, (from + 64).min(BATCH_ROWS));
                        let held = &batch.held;
                        let rows = (from..held.rows.len()).map_while(|i| held.row(i));
                        batch.ready.extend(rows.map(|row| prepare(&row)));
                    }
                    room = (batch.held.text.len(), batch.held.ends.len());
                    let last = batch.end.is_some();
                    // A caller that stopped reading wants no more.
                    if tx.send(batch).is_err() || last {
                        break;
                    }
                }
                table.take_problems()
            })
        });
        Ahead {
            path,
            serials,
            warning,
            header: Some(header),
            rows,
            spent,
            batch: Batch::default(),
            next: 0,
            reader,
            bytes,
        }
    }
}

impl<P> Ahead<P> {
    /// What the reading thread made of the row `k` rows after the one
    /// `next_row` gave last (0: that row), if it is at hand.
    pub fn ready(&self, k: usize) -> Option<&P> {
        self.batch.ready.get((self.next + k).checked_sub(1)?)
    }
}

impl<P: Send + 'static> Rows for Ahead<P> {
    fn path(&self) -> &Path {
        &self.path
    }

    fn header(&mut self) -> Result<(u64, Vec<String>), Problem> {
        self.header
            .take()
            .unwrap_or_else(|| Err(Problem::error(&self.path, None, Reason::NoHeader)))
    }

    fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        while self.next == self.batch.held.rows.len() {
            match self.batch.end.take() {
                Some(Ok(())) => return Ok(None),
                Some(Err(p)) => return Err(p),
                None => {}
            }
            match self.rows.recv() {
                Ok(batch) => {
                    let _ = self.spent.send(std::mem::replace(&mut self.batch, batch));
                    self.next = 0;
                }
                // No reader (no header), or the table is done with.
                Err(_) => return Ok(None),
            }
        }
        self.next += 1;
        Ok(self.batch.held.row(self.next - 1))
    }

    fn bytes_hint(&self) -> Option<u64> {
        self.bytes
    }

    fn peek(&self, k: usize) -> Option<Row<'_>> {
        self.batch.held.row(self.next + k)
    }

    fn encoding_warning(&self) -> Option<Problem> {
        self.warning.clone()
    }

    fn take_problems(&mut self) -> Vec<Problem> {
        // A reader still reading (the caller stopped early) stops at its
        // next batch: nobody takes it.
        let (_, none) = std::sync::mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.rows, none));
        self.reader
            .take()
            .map(|r| r.join().expect("the roster's reading thread"))
            .unwrap_or_default()
    }

    fn serials(&self) -> bool {
        self.serials
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (
        Result<(u64, Vec<String>), Problem>,
        Vec<(u64, Vec<String>)>,
        Option<Problem>,
    );

    /// The header, every row (its line and cells) and how the rows ended.
    fn all(mut rows: impl Rows) -> Read {
        let header = rows.header();
        let mut out = Vec::new();
        let end = loop {
            match rows.next_row() {
                Ok(Some(r)) => out.push((r.line, r.cells().map(str::to_string).collect())),
                Ok(None) => break None,
                Err(p) => break Some(p),
            }
        };
        (header, out, end)
    }

    /// The rows read ahead, each made ready as its line and its first
    /// cell; what was made ready of a row must be that row's, whether
    /// asked for before it is read or after.
    fn all_ahead(table: Table<&'static [u8]>) -> Read {
        let mut rows = Ahead::new(table, |header| {
            let width = header.as_ref().map_or(0, |(_, h)| h.len());
            move |row: &Row<'_>| (row.line, row.get(Some(0)).to_string(), width)
        });
        let header = rows.header();
        let mut out: Vec<(u64, Vec<String>)> = Vec::new();
        let mut made = 0;
        let end = loop {
            let before = rows.ready(1).cloned();
            match rows.next_row() {
                Ok(Some(r)) => out.push((r.line, r.cells().map(str::to_string).collect())),
                Ok(None) => break None,
                Err(p) => break Some(p),
            }
            let (line, cells) = out.last().expect("just read");
            let now = rows.ready(0).cloned();
            let wanted = (*line, cells[0].clone(), 3);
            assert_eq!(now.as_ref(), Some(&wanted));
            assert!(before.is_none_or(|b| b == wanted));
            made += 1;
        };
        assert_eq!(made, out.len());
        (header, out, end)
    }

    fn leak(text: String) -> &'static [u8] {
        Box::leak(text.into_bytes().into_boxed_slice())
    }

    #[test]
    fn rows_read_ahead_are_the_rows_read_here() {
        // Ten batches (so that the reader fills batches handed back):
        // quoted cells over two lines, blank rows, and (the second time)
        // a quote left open that ends the table.
        let mut text = String::from("id,household,note\n");
        for i in 0..40_000 {
            match i % 997 {
                0 => text.push_str(",,\n"),
                1 => text.push_str(&format!("R{i},H{i},\"two\nlines, \"\"quoted\"\"\"\n")),
                _ => text.push_str(&format!("R{i},H{},x\n", i / 3)),
            }
        }
        let path = Path::new("residents.csv");
        for ending in ["", "R-end,H,\"open\nand on\n"] {
            let bytes = leak(format!("{text}{ending}"));
            let here = all(Table::from_bytes(path, bytes));
            let ahead = all_ahead(Table::from_bytes(path, bytes));
            assert!(here.1.len() > 9 * BATCH_ROWS);
            assert_eq!(here.2.is_some(), !ending.is_empty(), "{:?}", here.2);
            assert_eq!(here, ahead);
        }
        // No header at all.
        let empty = leak(String::new());
        assert_eq!(
            all(Table::from_bytes(path, empty)),
            all_ahead(Table::from_bytes(path, empty))
        );
    }

    #[test]
    fn random_tables_read_ahead_are_the_tables_read_here() {
        // Runs of plain records, and between them every kind the plain
        // run leaves to the record reader: blank rows (of separators,
        // spaces, a full-width space), rows with no visible ASCII, quotes,
        // a lone CR, and now and then a byte that is no UTF-8, which ends
        // the table; over more than one buffer of the file.
        let path = Path::new("residents.csv");
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..24 {
            let mut text = b"id,household,note\n".to_vec();
            for i in 0..2_000 + rng.below(3_000) {
                let line: Vec<u8> = match rng.below(40) {
                    0 => b",,".to_vec(),
                    1 => b" , \t,".to_vec(),
                    2 => "\u{3000},".into(),
                    3 => "一,二,三".into(),
                    4 => format!("R{i},\"H,{i}\",x").into(),
                    5 => format!("R{i},H{i},\"two\nlines\"").into(),
                    6 => format!("R{i},H{i}\rx,y").into(),
                    7 if round % 3 == 0 && i > 1_500 => format!("R{i},H\u{FF}{i},x").into(),
                    8 => format!("R{i},{}", ",".repeat(rng.below(30))).into(),
                    _ => format!("R{i},H{},街{}号", i / 3, rng.below(99)).into(),
                };
                let line = if line.contains(&0xC3) {
                    // The byte 0xFF alone, not the character.
                    String::from_utf8(line)
                        .expect("text")
                        .replace('\u{FF}', "\u{1}")
                        .into_bytes()
                        .into_iter()
                        .map(|b| if b == 1 { 0xFF } else { b })
                        .collect()
                } else {
                    line
                };
                text.extend_from_slice(&line);
                text.extend_from_slice(if rng.below(4) == 0 { b"\r\n" } else { b"\n" });
            }
            let bytes: &'static [u8] = Box::leak(text.into_boxed_slice());
            // Taken for UTF-8 as a roster is (`open_utf8`).
            let utf8 = || {
                let sniff = Sniff {
                    encoding: Encoding::Utf8,
                    ascii: false,
                    utf8_line: None,
                };
                Table::with(path, bytes, sniff)
            };
            let here = all(utf8());
            assert!(here.1.len() > 100, "round {round}: {:?}", here.2);
            assert_eq!(
                here.2.is_some(),
                bytes.contains(&0xFF),
                "round {round}: {:?}",
                here.2
            );
            assert_eq!(here, all_ahead(utf8()), "round {round}");
        }
    }

    #[test]
    fn a_caller_that_stops_early_is_not_kept_waiting() {
        let bytes = leak("id\n".to_string() + &"R\n".repeat(50_000));
        let mut ahead = Ahead::new(Table::from_bytes(Path::new("r.csv"), bytes), |_| {
            |row: &Row<'_>| row.line
        });
        assert!(ahead.header().is_ok());
        assert_eq!(ahead.next_row().unwrap().map(|r| r.line), Some(2));
        assert_eq!(ahead.ready(0), Some(&2));
        // The reader, blocked on the batches nobody takes, stops.
        assert_eq!(ahead.take_problems(), Vec::new());
        assert_eq!(ahead.next_row().unwrap().map(|r| r.line), Some(3));
    }
}
