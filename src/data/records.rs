//! A streaming RFC 4180 record reader that knows the physical line where
//! each record starts, which error messages must name (the `csv` crate's
//! positions drift over blank lines and CRLF endings). Records end at LF,
//! CRLF or a lone CR; quoted fields may hold separators, doubled quotes and
//! line breaks. A quote that is never closed is an error naming the line
//! where its field starts, never a silently swallowed rest of the file.
//!
//! Quotes are taken leniently where spreadsheets write them loosely: a
//! quote inside an unquoted field is a literal character, and text after a
//! closing quote is kept.

use std::io::{self, BufRead};

use super::marks::Marks;

#[derive(Debug)]
pub enum RecordError {
    Io(io::Error),
    /// A quoted field that starts on `line` is never closed.
    Unterminated {
        line: u64,
    },
    /// A record longer than the reader accepts (a runaway quote, most likely).
    TooLong {
        line: u64,
    },
    /// More fields in one record than any spreadsheet has.
    TooManyFields {
        line: u64,
    },
}

/// Records longer than this are refused: no real row is this long, and a
/// runaway quote should not take the whole file into memory.
pub const MAX_RECORD: usize = 16 << 20;

/// Excel's and WPS's column limit; more fields than this in one record are
/// refused, so that a line of commas cannot take the memory either.
pub const MAX_FIELDS: usize = 16_384;

/// Where `Records::plain` puts the records it reads: their text laid end
/// to end, their field ends, and per record its line and where its text
/// and its ends start.
pub struct Run<'a> {
    pub text: &'a mut String,
    pub ends: &'a mut Vec<usize>,
    pub rows: &'a mut Vec<(u64, usize, usize)>,
}

pub struct Records<R> {
    inner: R,
    /// Physical line of the read cursor.
    line: u64,
    /// Start line of the current record.
    start: u64,
    /// The last record ended at a CR at the end of a chunk: an LF that
    /// starts the next chunk belongs to it.
    skip_lf: bool,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a closing quote, or the
    /// first of a doubled one.
    QuoteInQuoted,
}

impl<R: BufRead> Records<R> {
    pub fn new(inner: R) -> Self {
        Records {
            inner,
            line: 1,
            start: 1,
            skip_lf: false,
            bytes: Vec::with_capacity(256),
            ends: Vec::with_capacity(32),
            text: String::new(),
        }
    }

    /// The physical line where the current record starts (1-based).
    pub fn start_line(&self) -> u64 {
        self.start
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        self.text.get(start..end)
    }

    /// The record's text and the end offset of each field in it; each
    /// field but the last is followed by one separator.
    pub fn parts(&self) -> (&str, &[usize]) {
        (&self.text, &self.ends)
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Reads the next record; `Ok(false)` at the end of the input. An empty
    /// line is a record of one empty field.
    pub fn read(&mut self) -> Result<bool, RecordError> {
        self.bytes.clear();
        self.ends.clear();
        if self.skip_lf {
            // The last record ended at a CR that closed a chunk.
            self.skip_lf = false;
            let next = loop {
                match self.inner.fill_buf() {
                    Ok(b) => break b.first().copied(),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(RecordError::Io(e)),
                }
            };
            if next == Some(b'\n') {
                self.inner.consume(1);
            }
        }
        self.start = self.line;
        let mut state = State::FieldStart;
        let mut any = false;
        // A CR inside quotes counts as a line break unless an LF follows.
        let mut quoted_cr = false;
        loop {
            let mut line = self.line;
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(RecordError::Io(e)),
            };
            if buf.is_empty() {
                return match state {
                    State::Quoted => Err(RecordError::Unterminated { line: self.start }),
                    _ if !any => Ok(false),
                    _ => {
                        self.finish_field();
                        self.finish_record()?;
                        Ok(true)
                    }
                };
            }
            let n = buf.len();
            let mut i = 0;
            let mut end = false;
            any = true;
            while i < n {
                match state {
                    State::FieldStart if buf[i] == b'"' => {
                        state = State::Quoted;
                        i += 1;
                    }
                    State::FieldStart | State::Unquoted => {
                        // Unquoted fields up to a line break or a quote,
                        // copied as they stand with their separators.
                        let rest = &buf[i..];
                        let base = self.bytes.len();
                        let mut run = rest.len();
                        for at in Marks::at(rest, 0) {
                            if rest[at] != b',' {
                                run = at;
                                break;
                            }
                            self.ends.push(base + at);
                            if self.ends.len() >= MAX_FIELDS {
                                return Err(RecordError::TooManyFields { line: self.start });
                            }
                        }
                        self.bytes.extend_from_slice(&rest[..run]);
                        if run > 0 {
                            state = if rest[run - 1] == b',' {
                                State::FieldStart
                            } else {
                                State::Unquoted
                            };
                        }
                        i += run;
                        if i == n {
                            break;
                        }
                        let c = buf[i];
                        match c {
                            // A quote that opens a field is the arm above's.
                            b'"' if state == State::FieldStart => continue,
                            // Inside a field it is a literal character.
                            b'"' => {
                                self.bytes.push(b'"');
                                state = State::Unquoted;
                                i += 1;
                            }
                            b'\n' => {
                                i += 1;
                                line += 1;
                                end = true;
                                break;
                            }
                            _ => {
                                i += 1;
                                line += 1;
                                if i < n {
                                    if buf[i] == b'\n' {
                                        i += 1;
                                    }
                                } else {
                                    self.skip_lf = true;
                                }
                                end = true;
                                break;
                            }
                        }
                    }
                    State::Quoted => {
                        let run = buf[i..].iter().position(|&c| c == b'"').unwrap_or(n - i);
                        for &c in &buf[i..i + run] {
                            if c == b'\n' || quoted_cr {
                                line += 1;
                            }
                            quoted_cr = c == b'\r';
                        }
                        self.bytes.extend_from_slice(&buf[i..i + run]);
                        i += run;
                        if i < n {
                            if quoted_cr {
                                line += 1;
                                quoted_cr = false;
                            }
                            state = State::QuoteInQuoted;
                            i += 1;
                        }
                    }
                    State::QuoteInQuoted => {
                        if buf[i] == b'"' {
                            self.bytes.push(b'"');
                            state = State::Quoted;
                            i += 1;
                        } else {
                            // The closing quote; anything up to the next
                            // separator is kept as it stands.
                            state = State::Unquoted;
                        }
                    }
                }
                // (Each field but the last is followed by its separator.)
                if self.bytes.len() - self.ends.len() > MAX_RECORD {
                    return Err(RecordError::TooLong { line: self.start });
                }
            }
            self.inner.consume(i);
            self.line = line;
            if end {
                self.finish_field();
                self.finish_record()?;
                return Ok(true);
            }
        }
    }

    /// Reads the plain records at the head of what is buffered, as `read`
    /// would read them one by one, into `run`, up to `max` rows there: a
    /// plain record has no quote and no CR but one before its line feed,
    /// ends within the buffer, has fewer than `MAX_FIELDS` fields and a
    /// visible ASCII character outside its separators (so that it is not
    /// a blank row, which the table leaves out). Each row's text is the
    /// record as it stands, line break and all, its field ends counted from
    /// its start. It stops at the first record that is not plain, or whose
    /// bytes are not UTF-8, and leaves it to `read`; after a record that
    /// ended at a CR closing a chunk, it reads nothing.
    pub fn plain(&mut self, run: &mut Run<'_>, max: usize) -> Result<(), RecordError> {
        if self.skip_lf {
            return Ok(());
        }
        // A problem here is the next record's, as in `read`.
        self.start = self.line;
        let buf = loop {
            match self.inner.fill_buf() {
                Ok(b) => break b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(RecordError::Io(e)),
            }
        };
        let base = run.text.len();
        let first_row = run.rows.len();
        // The end of the last whole record, in `buf` and in `run.ends`.
        let (mut done, mut ends_done) = (0, run.ends.len());
        let mut line = self.line;
        let mut marks = Marks::at(buf, 0);
        'records: while run.rows.len() < max {
            loop {
                let Some(at) = marks.next() else {
                    break 'records;
                };
                match buf[at] {
                    b',' => {
                        run.ends.push(at - done);
                        if run.ends.len() - ends_done >= MAX_FIELDS {
                            break 'records;
                        }
                    }
                    b'\n' => {
                        let end = if at > done && buf[at - 1] == b'\r' {
                            at - 1
                        } else {
                            at
                        };
                        let record = &buf[done..end];
                        let visible = |b: &u8| b.is_ascii_graphic() && *b != b',';
                        if !record.first().is_some_and(visible) && !record.iter().any(visible) {
                            break 'records;
                        }
                        run.ends.push(end - done);
                        run.rows.push((line, base + done, ends_done));
                        line += 1;
                        (done, ends_done) = (at + 1, run.ends.len());
                        continue 'records;
                    }
                    // A CR of a CR LF: the line feed ends the record.
                    b'\r' if buf.get(at + 1) == Some(&b'\n') => {}
                    _ => break 'records,
                }
            }
        }
        run.ends.truncate(ends_done);
        let text = match std::str::from_utf8(&buf[..done]) {
            Ok(text) => text,
            Err(e) => {
                // The records before the first that is not UTF-8 (each
                // starts after a line feed, on a character's start).
                let bad = e.valid_up_to();
                let rows = &run.rows[first_row..];
                let k = first_row + rows.partition_point(|&(_, at, _)| at - base <= bad) - 1;
                let (at_line, at, ends_at) = run.rows[k];
                run.rows.truncate(k);
                run.ends.truncate(ends_at);
                (done, line) = (at - base, at_line);
                std::str::from_utf8(&buf[..done]).expect("UTF-8 up to the bad record")
            }
        };
        run.text.push_str(text);
        self.inner.consume(done);
        self.line = line;
        self.start = line;
        Ok(())
    }

    fn finish_field(&mut self) {
        self.ends.push(self.bytes.len());
    }

    fn finish_record(&mut self) -> Result<(), RecordError> {
        // The bytes become the text, and the text's room the next bytes'.
        match String::from_utf8(std::mem::take(&mut self.bytes)) {
            Ok(text) => {
                self.bytes = std::mem::replace(&mut self.text, text).into_bytes();
                Ok(())
            }
            Err(e) => {
                self.bytes = e.into_bytes();
                Err(RecordError::Io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "record is not UTF-8",
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, cap: usize) -> Vec<(u64, Vec<String>)> {
        let mut r = Records::new(std::io::BufReader::with_capacity(cap, text.as_bytes()));
        let mut out = Vec::new();
        while r.read().unwrap() {
            out.push((r.start_line(), r.fields().map(String::from).collect()));
        }
        out
    }

    fn v(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lines_over_blank_lines_crlf_and_quoted_breaks() {
        for cap in [1, 2, 3, 5, 64, 4096] {
            for nl in ["\n", "\r\n", "\r"] {
                let text = "h,x\na,1\n\"b\nc\",2\nd,\"q\"\"q\"\n\ne,\n".replace('\n', nl);
                let got = all(&text, cap);
                let b = format!("b{nl}c");
                assert_eq!(
                    got,
                    vec![
                        (1, v(&["h", "x"])),
                        (2, v(&["a", "1"])),
                        (3, v(&[&b, "2"])),
                        (5, v(&["d", "q\"q"])),
                        (6, v(&[""])),
                        (7, v(&["e", ""])),
                    ],
                    "cap {cap} nl {nl:?}"
                );
            }
        }
    }

    #[test]
    fn no_final_newline_and_empty_input() {
        assert_eq!(all("a,b", 4), vec![(1, v(&["a", "b"]))]);
        assert_eq!(all("", 4), vec![]);
        assert_eq!(all("a,\"\"", 4), vec![(1, v(&["a", ""]))]);
        assert_eq!(all("\"x\"y,z\n", 2), vec![(1, v(&["xy", "z"]))]);
        assert_eq!(all("a\"b,c\n", 2), vec![(1, v(&["a\"b", "c"]))]);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let mut r = Records::new("h\nok\n\"never closed\nmore\n".as_bytes());
        assert!(r.read().unwrap());
        assert!(r.read().unwrap());
        match r.read() {
            Err(RecordError::Unterminated { line }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    /// Everything `text` reads as, record by record, with a buffer of
    /// `cap` bytes: the records, or where reading failed.
    fn outcome(text: &[u8], cap: usize) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut r = Records::new(std::io::BufReader::with_capacity(cap, text));
        let mut out = Vec::new();
        while read_one(&mut r, &mut out) {}
        out
    }

    /// Reads one record onto `out` (or where reading failed); false at
    /// the end.
    fn read_one<R: std::io::BufRead>(
        r: &mut Records<R>,
        out: &mut Vec<Result<(u64, Vec<String>), String>>,
    ) -> bool {
        match r.read() {
            Ok(true) => {
                out.push(Ok((r.start_line(), r.fields().map(String::from).collect())));
                true
            }
            Ok(false) => false,
            Err(e) => {
                out.push(Err(format!("{e:?}")));
                false
            }
        }
    }

    #[test]
    fn records_are_the_same_however_the_input_is_cut() {
        let mut rng = crate::testing::Rng(0x853c_49e6_748f_ea9b);
        for _ in 0..3000 {
            let text: Vec<u8> = (0..rng.below(90))
                .map(|_| b"ab,,\"\n\r "[rng.below(8)])
                .collect();
            let whole = outcome(&text, 1 << 16);
            for cap in [1, 2, 3, 5, 7, 16, 63, 64, 65] {
                assert_eq!(
                    outcome(&text, cap),
                    whole,
                    "{:?} cap {cap}",
                    String::from_utf8_lossy(&text)
                );
            }
            // Each field but the last is followed by its separator.
            let mut r = Records::new(text.as_slice());
            while let Ok(true) = r.read() {
                let (text, ends) = r.parts();
                for w in ends.windows(2) {
                    assert!(w[0] < w[1] && text.as_bytes()[w[0]] == b',');
                }
            }
        }
    }

    /// `outcome`, with every run of plain records read by `plain` (at most
    /// `max` at a time) and the others by `read`.
    fn outcome_plain(
        text: &[u8],
        cap: usize,
        max: usize,
    ) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut r = Records::new(std::io::BufReader::with_capacity(cap, text));
        let (mut all, mut ends, mut rows) = (String::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        loop {
            let from = rows.len();
            let mut run = Run {
                text: &mut all,
                ends: &mut ends,
                rows: &mut rows,
            };
            if let Err(e) = r.plain(&mut run, from + max) {
                out.push(Err(format!("{e:?}")));
                return out;
            }
            assert!(rows.len() <= from + max);
            for i in from..rows.len() {
                let (line, at, ends_at) = rows[i];
                let (to, ends_to) = rows
                    .get(i + 1)
                    .map_or((all.len(), ends.len()), |&(_, t, e)| (t, e));
                let (text, ends) = (&all[at..to], &ends[ends_at..ends_to]);
                let fields = (0..ends.len())
                    .map(|k| text[if k == 0 { 0 } else { ends[k - 1] + 1 }..ends[k]].to_string())
                    .collect();
                out.push(Ok((line, fields)));
            }
            if !read_one(&mut r, &mut out) {
                return out;
            }
        }
    }

    #[test]
    fn plain_runs_read_as_records_read_one_by_one() {
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        let pieces: [&[u8]; 13] = [
            b"a",
            b"b",
            b"7",
            b",",
            b",",
            b"\"",
            b"\n",
            b"\n",
            b"\r",
            b"\r\n",
            b" ",
            "一".as_bytes(),
            "\u{3000}".as_bytes(),
        ];
        for round in 0..3000 {
            let mut text: Vec<u8> = Vec::new();
            for _ in 0..rng.below(120) {
                text.extend_from_slice(pieces[rng.below(pieces.len())]);
            }
            // Now and then a byte that is no UTF-8.
            if round % 8 == 0 && !text.is_empty() {
                let at = rng.below(text.len());
                text.insert(at, 0xFF);
            }
            let whole = outcome(&text, 1 << 16);
            for cap in [1, 2, 3, 5, 16, 64, 65, 1 << 16] {
                for max in [1, 2, 64] {
                    assert_eq!(
                        outcome_plain(&text, cap, max),
                        whole,
                        "{:?} cap {cap} max {max}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
        // A record of more fields than any spreadsheet has is refused
        // where it starts, after the plain records before it.
        let mut text = b"a,b\nc,d\n".to_vec();
        text.extend(std::iter::repeat_n(b',', MAX_FIELDS));
        text.extend_from_slice(b"x\ne\n");
        let got = outcome_plain(&text, 1 << 20, 64);
        assert_eq!(got, outcome(&text, 1 << 20));
        assert_eq!(got.len(), 3);
        assert!(matches!(&got[2], Err(e) if e.contains("TooManyFields")));
    }
}
