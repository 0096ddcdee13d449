//! Changing cells of a CSV file the user keeps (the roster) and adding a
//! row to one the tool keeps (history.csv) while every other byte stays
//! as it was: the header's order and names, the encoding (UTF-8 with or
//! without a BOM, or GB18030, written back as GB18030), the line ends,
//! the quoting of other cells, unknown columns and every other row.
//!
//! The file is split into cells at the byte level, as `data::records`
//! reads it (quotes at a cell's start, records ending at LF, CRLF or a
//! lone CR). That is exact for UTF-8 and for GB18030 alike: no byte of a
//! GB18030 multi-byte character is a comma, a quote or a line end.

use std::ops::Range;

use super::decode::{Encoding, sniff_bytes};

/// A CSV file split into records and cells, by byte ranges.
pub struct CsvFile {
    bytes: Vec<u8>,
    pub encoding: Encoding,
    /// The records that are not fully blank, the header first.
    records: Vec<Record>,
    /// The file's line ends are CRLF (its first line end, or none).
    pub crlf: bool,
}

struct Record {
    cells: Vec<Range<usize>>,
}

/// A file that cannot be rewritten cell by cell: its bytes are neither
/// UTF-8 nor GB18030, or a quote is never closed.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable;

impl CsvFile {
    pub fn parse(bytes: Vec<u8>) -> Result<CsvFile, Unreadable> {
        let encoding = sniff_bytes(&bytes).encoding;
        let start = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
        if decode(encoding, &bytes[start..]).is_none() {
            return Err(Unreadable);
        }
        let mut file = CsvFile {
            crlf: first_line_end(&bytes[start..]) == Some(b"\r\n".as_slice()),
            encoding,
            records: Vec::new(),
            bytes,
        };
        let mut at = start;
        while at < file.bytes.len() {
            let (cells, next) = split_record(&file.bytes, at)?;
            let record = Record { cells };
            if (0..record.cells.len()).any(|i| !file.text_of(&record, i).is_empty()) {
                file.records.push(record);
            }
            at = next;
        }
        Ok(file)
    }

    /// The header's cells, trimmed (empty without a header).
    pub fn header(&self) -> Vec<String> {
        self.records
            .first()
            .map(|r| (0..r.cells.len()).map(|i| self.text_of(r, i)).collect())
            .unwrap_or_default()
    }

    /// How many rows there are below the header.
    pub fn rows(&self) -> usize {
        self.records.len().saturating_sub(1)
    }

    /// The trimmed text of row `row`'s cell in column `col` ("" when the
    /// row is short).
    pub fn cell(&self, row: usize, col: usize) -> String {
        self.text_of(&self.records[row + 1], col)
    }

    fn text_of(&self, record: &Record, col: usize) -> String {
        let Some(range) = record.cells.get(col) else {
            return String::new();
        };
        let raw = &self.bytes[range.clone()];
        let text = decode(self.encoding, raw).unwrap_or_default();
        unquote(&text).trim().to_string()
    }

    /// The whole file with the cells of row `row` given in `cells`
    /// (column, new text) replaced, and nothing else changed. A row
    /// shorter than a column is lengthened with empty cells.
    pub fn with_cells(&self, row: usize, cells: &[(usize, String)]) -> Vec<u8> {
        let record = &self.records[row + 1];
        let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
        let end = record.cells.last().map_or(0, |c| c.end);
        let mut padding = Vec::new();
        let mut padded: Vec<(usize, &String)> = Vec::new();
        for (col, text) in cells {
            match record.cells.get(*col) {
                Some(range) => {
                    let quoted = self.bytes.get(range.start) == Some(&b'"');
                    edits.push((range.clone(), self.encode_cell(text, quoted)));
                }
                None => padded.push((*col, text)),
            }
        }
        padded.sort_by_key(|(c, _)| *c);
        let mut width = record.cells.len();
        for (col, text) in padded {
            while width < col {
                padding.push(b',');
                width += 1;
            }
            padding.push(b',');
            padding.extend(self.encode_cell(text, false));
            width += 1;
        }
        if !padding.is_empty() {
            edits.push((end..end, padding));
        }
        edits.sort_by_key(|(r, _)| r.start);
        let mut out = Vec::with_capacity(self.bytes.len() + 64);
        let mut at = 0;
        for (range, new) in edits {
            out.extend_from_slice(&self.bytes[at..range.start]);
            out.extend(new);
            at = range.end;
        }
        out.extend_from_slice(&self.bytes[at..]);
        out
    }

    fn encode_cell(&self, text: &str, quoted: bool) -> Vec<u8> {
        cell_bytes(self.encoding, text, quoted)
    }

    /// The bytes of the file as read.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the file ends with a line end (or is empty).
    pub fn ends_with_line_end(&self) -> bool {
        let start = if self.encoding == Encoding::Utf8Bom {
            3
        } else {
            0
        };
        self.bytes.len() <= start || matches!(self.bytes.last(), Some(b'\n' | b'\r'))
    }

    /// Whether the file has a line end at all (else its line ends are
    /// not known).
    pub fn has_line_end(&self) -> bool {
        self.bytes.iter().any(|&b| b == b'\n' || b == b'\r')
    }
}

/// A cell's bytes in `encoding`, quoted when it must be or when `quoted`
/// (the cell it replaces was).
pub fn cell_bytes(encoding: Encoding, text: &str, quoted: bool) -> Vec<u8> {
    let needs = text.contains([',', '"', '\r', '\n']) || text.trim() != text;
    let text = if needs || quoted {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    };
    encode(encoding, &text)
}

/// `text` in `encoding`.
pub fn encode(encoding: Encoding, text: &str) -> Vec<u8> {
    match encoding {
        Encoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
        Encoding::Utf8 | Encoding::Utf8Bom => text.as_bytes().to_vec(),
    }
}

fn decode(encoding: Encoding, bytes: &[u8]) -> Option<String> {
    match encoding {
        Encoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| s.into_owned()),
        Encoding::Utf8 | Encoding::Utf8Bom => std::str::from_utf8(bytes).ok().map(str::to_string),
    }
}

/// A cell's text without its quotes (doubled quotes undone); text after
/// a closing quote is kept, as the reader keeps it.
fn unquote(raw: &str) -> String {
    let Some(rest) = raw.strip_prefix('"') else {
        return raw.to_string();
    };
    let mut out = String::with_capacity(rest.len());
    let mut chars = rest.chars().peekable();
    let mut closed = false;
    while let Some(c) = chars.next() {
        if c == '"' && !closed {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                closed = true;
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn first_line_end(bytes: &[u8]) -> Option<&[u8]> {
    let at = bytes.iter().position(|&b| b == b'\n' || b == b'\r')?;
    Some(match (bytes[at], bytes.get(at + 1)) {
        (b'\r', Some(b'\n')) => &bytes[at..at + 2],
        _ => &bytes[at..at + 1],
    })
}

/// The cells of the record starting at `at`, and where the next starts.
fn split_record(bytes: &[u8], mut at: usize) -> Result<(Vec<Range<usize>>, usize), Unreadable> {
    let mut cells = Vec::new();
    loop {
        let start = at;
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            loop {
                match bytes.get(at) {
                    None => return Err(Unreadable),
                    Some(b'"') if bytes.get(at + 1) == Some(&b'"') => at += 2,
                    Some(b'"') => {
                        at += 1;
                        break;
                    }
                    Some(_) => at += 1,
                }
            }
        }
        while let Some(&b) = bytes.get(at) {
            if matches!(b, b',' | b'\n' | b'\r') {
                break;
            }
            at += 1;
        }
        cells.push(start..at);
        match bytes.get(at) {
            Some(b',') => at += 1,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => return Ok((cells, at + 2)),
            Some(_) => return Ok((cells, at + 1)),
            None => return Ok((cells, at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cell_changes_and_every_other_byte_stays() {
        let text = "\u{feff}编号,\"姓名\",等级,备注\r\nR1,\"张, 三\",红色,\"x\"\"y\"\r\n\r\nR2,李四,黄\r\n";
        let file = CsvFile::parse(text.as_bytes().to_vec()).unwrap();
        assert_eq!(file.encoding, Encoding::Utf8Bom);
        assert!(file.crlf);
        assert_eq!(file.header(), ["编号", "姓名", "等级", "备注"]);
        assert_eq!(file.rows(), 2);
        assert_eq!(file.cell(0, 1), "张, 三");
        assert_eq!(file.cell(0, 3), "x\"y");
        assert_eq!(file.cell(1, 3), "");
        let out = file.with_cells(0, &[(2, "绿色".into())]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            text.replace("红色", "绿色")
        );
        // A short row gains the cells it lacks.
        let out = file.with_cells(1, &[(3, "a,b".into())]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            text.replace("R2,李四,黄", "R2,李四,黄,\"a,b\"")
        );
    }

    #[test]
    fn gb18030_stays_gb18030() {
        let text = "编号,等级,网格\nR1,红,东岗\nR2,黄,西岗";
        let bytes = encoding_rs::GB18030.encode(text).0.into_owned();
        let file = CsvFile::parse(bytes).unwrap();
        assert_eq!(file.encoding, Encoding::Gb18030);
        assert!(!file.ends_with_line_end());
        assert_eq!(file.cell(1, 2), "西岗");
        let out = file.with_cells(1, &[(1, "绿".into()), (2, "河湾".into())]);
        let want = encoding_rs::GB18030
            .encode("编号,等级,网格\nR1,红,东岗\nR2,绿,河湾")
            .0;
        assert_eq!(out, want.as_ref());
    }

    #[test]
    fn an_unclosed_quote_is_unreadable() {
        assert!(CsvFile::parse(b"id,level\nR1,\"red\n".to_vec()).is_err());
    }
}
