//! Visit logs to import: CSV (UTF-8 or GB18030, like every data file),
//! JSON (an array of objects, or one object per line) and spreadsheets
//! (.xlsx, .xls, .ods through calamine). Each becomes a header and rows of
//! cell texts with the line (or sheet row) where each row starts.
//!
//! Spreadsheet cells keep what the sheet means: a date cell becomes an ISO
//! date, and a number stays a number (`persons` 2.0 reads as 2); whether a
//! number in the date column is an Excel serial date is the importer's call,
//! because only spreadsheet cells may carry serials.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::decode;
use super::table::Table;
use crate::error::{Error, JsonKind, Problem, Reason};

/// What kind of file a log is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Csv,
    Json,
    Sheet,
}

/// One row of a log: the cells in header order.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub line: u64,
    pub cells: Vec<String>,
    /// Why the row cannot be read at all (a JSON value that is not a plain
    /// value, a spreadsheet error cell).
    pub unreadable: Option<Reason>,
}

/// A log being read: its header, then its rows one by one (a CSV log is
/// streamed; JSON and spreadsheets are read whole by their parsers).
pub struct Log {
    pub path: PathBuf,
    pub kind: LogKind,
    pub header_line: u64,
    pub header: Vec<String>,
    rows: Rows,
}

enum Rows {
    Csv(Box<Table<std::io::Take<File>>>),
    Read(std::vec::IntoIter<LogRow>),
}

impl Log {
    /// The next row; a problem when the rest of the file cannot be read.
    pub fn next_row(&mut self) -> Result<Option<LogRow>, Problem> {
        match &mut self.rows {
            Rows::Read(rows) => Ok(rows.next()),
            Rows::Csv(table) => Ok(table.next_row()?.map(|row| LogRow {
                line: row.line,
                cells: row.cells().map(str::to_string).collect(),
                unreadable: None,
            })),
        }
    }
}

/// Guesses the kind from the extension, else from the first bytes.
pub fn kind_of(path: &Path) -> LogKind {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => LogKind::Csv,
        "json" | "jsonl" | "ndjson" => LogKind::Json,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => LogKind::Sheet,
        _ => {
            let mut head = [0u8; 8];
            let n = File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            let head = &head[..n];
            if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                LogKind::Sheet
            } else if head
                .iter()
                .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
                .is_some_and(|b| *b == b'[' || *b == b'{')
            {
                LogKind::Json
            } else {
                LogKind::Csv
            }
        }
    }
}

/// Reads a log. `Err(Error)` when the file cannot be opened; a problem
/// when its content cannot be read as a log at all.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Result<Log, Problem>, Error> {
    match kind_of(path) {
        LogKind::Csv => read_csv(path),
        LogKind::Json => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            Ok(parse_json(path, &bytes))
        }
        LogKind::Sheet => Ok(calamine::open_workbook_auto(path)
            .map_err(|e| bad_workbook(path, e.to_string()))
            .and_then(|book| read_sheet(path, book, sheet))),
    }
}

/// Reads a log held in memory, of the kind given; what `read` does with a
/// file, without the file (the fuzz targets and their regression test
/// feed it bytes).
pub fn parse(
    path: &Path,
    kind: LogKind,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Log, Problem> {
    match kind {
        LogKind::Csv => {
            let mut table = Table::from_bytes(path, bytes);
            let (header_line, header) = match table.header() {
                Ok(h) => h,
                Err(p) if *p.reason == Reason::NoHeader => (1, Vec::new()),
                Err(p) => return Err(p),
            };
            let mut rows = Vec::new();
            while let Some(row) = table.next_row()? {
                rows.push(LogRow {
                    line: row.line,
                    cells: row.cells().map(str::to_string).collect(),
                    unreadable: None,
                });
            }
            Ok(Log {
                path: path.to_path_buf(),
                kind,
                header_line,
                header,
                rows: Rows::Read(rows.into_iter()),
            })
        }
        LogKind::Json => parse_json(path, bytes),
        LogKind::Sheet => calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| bad_workbook(path, e.to_string()))
            .and_then(|book| read_sheet(path, book, sheet)),
    }
}

fn bad_workbook(path: &Path, message: String) -> Problem {
    Problem::error(path, None, Reason::BadWorkbook(message))
}

fn read_csv(path: &Path) -> Result<Result<Log, Problem>, Error> {
    let mut table = Table::open(path, None)?
        .ok_or_else(|| Error::io(path, std::io::ErrorKind::NotFound.into()))?;
    let (header_line, header) = match table.header() {
        Ok(h) => h,
        // An empty log holds no visits.
        Err(p) if *p.reason == Reason::NoHeader => (1, Vec::new()),
        Err(p) => return Ok(Err(p)),
    };
    Ok(Ok(Log {
        path: path.to_path_buf(),
        kind: LogKind::Csv,
        header_line,
        header,
        rows: Rows::Csv(Box::new(table)),
    }))
}

fn parse_json(path: &Path, bytes: &[u8]) -> Result<Log, Problem> {
    let text = match decode::decode_all(bytes) {
        Ok((t, _)) => t,
        Err(e) => return Err(Problem::error(path, Some(e.line), e.reason())),
    };
    // (line, object) pairs.
    let mut objects: Vec<(u64, Value)> = Vec::new();
    let trimmed = text.trim_start();
    // Lines are counted forward from the last offset asked for (offsets
    // come in increasing order), so a log of many objects is read in one
    // pass, not one pass per object.
    let mut counted = (0usize, 1u64);
    let mut line_at = |offset: usize| {
        let (from, line) = counted;
        let offset = offset.clamp(from, text.len());
        let line = line + memchr::memchr_iter(b'\n', &text.as_bytes()[from..offset]).count() as u64;
        counted = (offset, line);
        line
    };
    if trimmed.starts_with('[') {
        let all: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                let line = e.line() as u64;
                return Err(Problem::error(
                    path,
                    Some(line),
                    Reason::BadJson(e.to_string()),
                ));
            }
        };
        let starts = element_starts(&text);
        let Value::Array(items) = all else {
            return Err(Problem::error(path, Some(1), Reason::NotAnArray));
        };
        for (i, item) in items.into_iter().enumerate() {
            let line = starts.get(i).map_or(1, |&o| line_at(o));
            objects.push((line, item));
        }
    } else {
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let mut offset = 0;
        loop {
            // The start of the next value: past the whitespace after the last.
            let start = offset
                + text[offset..]
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(text.len() - offset);
            match stream.next() {
                None => break,
                Some(Ok(v)) => {
                    objects.push((line_at(start), v));
                    offset = stream.byte_offset();
                }
                Some(Err(e)) => {
                    return Err(Problem::error(
                        path,
                        Some(e.line() as u64),
                        Reason::BadJson(e.to_string()),
                    ));
                }
            }
        }
    }
    // One object per line (or several on a line) makes a log; a file of
    // bare values (`42`, `"x"`, `true`, `null`) is no log at all, and is
    // refused whole rather than counted as a rejected row. An array, even
    // of bare values, is a log whose entries are rejected one by one.
    if !trimmed.starts_with('[')
        && let Some((line, first)) = objects.first()
        && !objects.iter().any(|(_, v)| v.is_object())
    {
        return Err(Problem::error(
            path,
            Some(*line),
            Reason::JsonNotALog(json_kind(first)),
        ));
    }
    // The header: keys in order of first appearance.
    let mut header: Vec<String> = Vec::new();
    let mut known = std::collections::HashSet::new();
    for (_, v) in &objects {
        if let Value::Object(map) = v {
            for k in map.keys() {
                if known.insert(k.as_str()) {
                    header.push(k.clone());
                }
            }
        }
    }
    let rows: Vec<LogRow> = objects
        .into_iter()
        .map(|(line, v)| match v {
            Value::Object(map) => {
                let mut unreadable = None;
                let cells = header
                    .iter()
                    .map(|h| match map.get(h) {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(s)) => s.trim().to_string(),
                        Some(Value::Bool(b)) => b.to_string(),
                        Some(Value::Number(n)) => {
                            number_text(n.as_f64().unwrap_or(f64::NAN), &n.to_string())
                        }
                        Some(_) => {
                            unreadable = Some(Reason::NotPlain(h.clone()));
                            String::new()
                        }
                    })
                    .collect();
                LogRow {
                    line,
                    cells,
                    unreadable,
                }
            }
            _ => LogRow {
                line,
                cells: vec![String::new(); header.len()],
                unreadable: Some(Reason::NotAnObject),
            },
        })
        .collect();
    Ok(Log {
        path: path.to_path_buf(),
        kind: LogKind::Json,
        header_line: 1,
        header,
        rows: Rows::Read(rows.into_iter()),
    })
}

/// What a JSON value is, for the message that refuses it.
fn json_kind(v: &Value) -> JsonKind {
    match v {
        Value::Number(_) => JsonKind::Number,
        Value::String(_) => JsonKind::Text,
        Value::Bool(_) => JsonKind::Boolean,
        Value::Null => JsonKind::Null,
        // Not met: such a file holds no object, and does not start with `[`.
        Value::Array(_) | Value::Object(_) => JsonKind::Array,
    }
}

/// A number as a cell's text: whole numbers without a fraction.
fn number_text(f: f64, shown: &str) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        shown.to_string()
    }
}

/// Byte offsets where the elements of a top-level JSON array start.
fn element_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut expect) = (0usize, false, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if expect && !b.is_ascii_whitespace() && b != b']' {
            starts.push(i);
            expect = false;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth == 1 {
                    expect = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect = true,
            _ => {}
        }
    }
    starts
}

/// A spreadsheet cell as text: a date cell as an ISO date, a whole
/// number without a fraction (101, not 101.0; long digit strings in full),
/// a formula's cached value; an error cell (#N/A …) is a reason.
pub(crate) fn cell_text(c: &calamine::Data) -> Result<String, Reason> {
    use calamine::Data;
    Ok(match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f, &f.to_string()),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            if dt.is_datetime() && y > 0 {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                number_text(dt.as_f64(), &dt.as_f64().to_string())
            }
        }
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(Reason::CellError(format!("{e}"))),
    })
}

/// The first sheet of the workbook at `path`: its name and its cells.
/// A problem (naming the file) when the workbook cannot be read.
pub(crate) fn first_sheet(
    path: &Path,
) -> Result<(String, calamine::Range<calamine::Data>), Problem> {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto(path).map_err(|e| bad_workbook(path, e.to_string()))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| Problem::error(path, None, Reason::NoSheet))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Problem::error(path, None, Reason::NoSheet))?
        .map_err(|e| bad_workbook(path, e.to_string()))?;
    Ok((name, range))
}

fn read_sheet<RS: std::io::Read + std::io::Seek>(
    path: &Path,
    mut book: calamine::Sheets<RS>,
    sheet: Option<&str>,
) -> Result<Log, Problem> {
    use calamine::Reader;
    let fail = |reason: Reason| Problem::error(path, None, reason);
    let range = match sheet {
        Some(name) if !book.sheet_names().iter().any(|s| s == name) => {
            return Err(fail(Reason::UnknownSheet {
                name: name.to_string(),
                sheets: book.sheet_names(),
            }));
        }
        Some(name) => book
            .worksheet_range(name)
            .map_err(|e| bad_workbook(path, e.to_string()))?,
        None => book
            .worksheet_range_at(0)
            .ok_or_else(|| fail(Reason::NoSheet))?
            .map_err(|e| bad_workbook(path, e.to_string()))?,
    };
    let first_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows_iter = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i as u64 + 1, cells));
    // The header is the first row with anything in it.
    let (header_line, header) = loop {
        match rows_iter.next() {
            None => return Err(Problem::error(path, None, Reason::NoHeader)),
            Some((line, cells)) => {
                let texts: Vec<String> = cells
                    .iter()
                    .map(|c| cell_text(c).unwrap_or_default())
                    .collect();
                if texts.iter().any(|t| !t.is_empty()) {
                    break (line, texts);
                }
            }
        }
    };
    let mut rows = Vec::new();
    for (line, cells) in rows_iter {
        let mut unreadable = None;
        let texts: Vec<String> = cells
            .iter()
            .map(|c| {
                cell_text(c).unwrap_or_else(|r| {
                    unreadable = Some(r);
                    String::new()
                })
            })
            .collect();
        if unreadable.is_none() && texts.iter().all(|t| t.is_empty()) {
            continue;
        }
        rows.push(LogRow {
            line,
            cells: texts,
            unreadable,
        });
    }
    Ok(Log {
        path: path.to_path_buf(),
        kind: LogKind::Sheet,
        header_line,
        header,
        rows: Rows::Read(rows.into_iter()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_element_lines() {
        let text = "[\n  {\"a\": \"[,]\"},\n  {\"a\": {\"b\": 1}}, {\"a\": 2}\n]";
        let starts = element_starts(text);
        let lines: Vec<usize> = starts
            .iter()
            .map(|&o| text[..o].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, vec![2, 3, 3]);
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(number_text(2.0, "2.0"), "2");
        assert_eq!(number_text(1.5, "1.5"), "1.5");
        assert_eq!(number_text(-3.0, "-3"), "-3");
    }
}
