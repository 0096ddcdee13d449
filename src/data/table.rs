//! Reading one CSV data file: decoding, the header, and records with the
//! physical line where each starts (the header being line 1). Cells are
//! trimmed; fully blank rows are skipped.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::decode::{self, Decode, Encoding, EncodingError, Sniff};
use super::records::{RecordError, Records};
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
}

impl<'a> Row<'a> {
    /// A row over `text`, cell `i` ending at `ends[i]` (a spreadsheet's
    /// row laid out as a record is).
    pub fn new(line: u64, text: &'a str, ends: &'a [usize]) -> Row<'a> {
        Row { line, text, ends }
    }

    fn raw(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
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
    fn serials(&self) -> bool {
        (**self).serials()
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
