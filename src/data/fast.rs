//! The fast path over visits.csv, for logs of city size: the file is read
//! in large blocks cut at record boundaries (quote-aware), and the blocks
//! are parsed on every core with no allocation per row. It takes the
//! common case only (UTF-8, every row valid): on anything else (GB18030,
//! a row the simple path would report, a header it cannot map) it answers
//! `None` and the caller reads the file the simple way, which gives the
//! same result, or the problems. Tests hold the two paths to the same
//! output.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use super::headers;
use super::marks::Marks;
use super::table::{Table, trim};
use super::visits::parse_persons;
use crate::error::Error;
use crate::model::date;
use crate::model::roster::Roster;

/// One visit as the fast path hands it out.
#[derive(Debug, Clone, Copy)]
pub struct FastVisit<'a> {
    pub date: NaiveDate,
    /// Index of the household in the roster; `None` for a household the
    /// roster does not have.
    pub household: Option<usize>,
    /// The household id as written (trimmed).
    pub key: &'a str,
    pub visitor: &'a str,
    pub persons: Option<u32>,
}

/// Bytes read at a time: a block the workers parse while it is still in
/// the cache it was read into.
const BLOCK: usize = 1 << 20;

/// The columns the fast path reads.
#[derive(Debug, Clone, Copy)]
struct Cols {
    date: usize,
    household: usize,
    visitor: Option<usize>,
    persons: Option<usize>,
    width: usize,
}

/// Scans the visit log at `path` (at most `limit` bytes) on all cores.
/// Each worker folds the visits into its own state, made by `init`; the
/// states are returned for the caller to merge. `Ok(None)`: the fast path
/// does not take this file (see the module docs), or it does not exist.
pub fn scan<S: Send>(
    path: &Path,
    limit: Option<u64>,
    roster: &Roster,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, &FastVisit<'_>) + Sync,
) -> Result<Option<Vec<S>>, Error> {
    scan_touching(path, limit, roster, init, |_, _| {}, visit)
}

/// `scan`, where `touch(state, h)` starts loading what a visit to
/// household `h` will read of the state: the households of a batch of
/// visits are found first and touched, then visited, so that the loads
/// overlap instead of queueing (a city's state is larger than the cache).
pub fn scan_touching<S: Send>(
    path: &Path,
    limit: Option<u64>,
    roster: &Roster,
    init: impl Fn() -> S + Sync,
    touch: impl Fn(&S, usize) + Sync,
    visit: impl Fn(&mut S, &FastVisit<'_>) + Sync,
) -> Result<Option<Vec<S>>, Error> {
    scan_inner(path, 0, limit, roster, init, touch, visit)
}

/// `scan` of the rows from byte `from` on, which must be the start of a
/// record (or 0 for every row); the header is read from the file's start.
pub fn scan_from<S: Send>(
    path: &Path,
    from: u64,
    limit: Option<u64>,
    roster: &Roster,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, &FastVisit<'_>) + Sync,
) -> Result<Option<Vec<S>>, Error> {
    scan_inner(path, from, limit, roster, init, |_, _| {}, visit)
}

fn scan_inner<S: Send>(
    path: &Path,
    from: u64,
    limit: Option<u64>,
    roster: &Roster,
    init: impl Fn() -> S + Sync,
    touch: impl Fn(&S, usize) + Sync,
    visit: impl Fn(&mut S, &FastVisit<'_>) + Sync,
) -> Result<Option<Vec<S>>, Error> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(_) => return Ok(None),
    };
    let limit = limit.unwrap_or(u64::MAX);
    // The header, from the first block.
    let mut first = vec![0u8; BLOCK];
    let n = read_full(&mut (&file).take(limit), &mut first).map_err(|e| Error::io(path, e))?;
    first.truncate(n);
    let mut start = if first.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let Some(nl) = memchr::memchr(b'\n', &first[start..]) else {
        return Ok(None);
    };
    let header_bytes = &first[start..start + nl + 1];
    // A plain header only: UTF-8 (the rest is checked block by block, so
    // the whole file is), no quotes, and no CR but one ending the line
    // (a lone CR would end the header earlier for the simple reader).
    let line = header_bytes
        .strip_suffix(b"\r\n")
        .or_else(|| header_bytes.strip_suffix(b"\n"))
        .unwrap_or(header_bytes);
    if std::str::from_utf8(header_bytes).is_err() || line.contains(&b'"') || line.contains(&b'\r') {
        return Ok(None);
    }
    let mut table = Table::from_bytes(path, header_bytes);
    let Ok((_, header)) = table.header() else {
        return Ok(None);
    };
    let cells: Vec<&str> = header.iter().map(String::as_str).collect();
    let Ok(mapped) = headers::map(&headers::VISITS, &cells, &[]) else {
        return Ok(None);
    };
    let cols = Cols {
        date: mapped.get("date").expect("required"),
        household: mapped.get("household").expect("required"),
        visitor: mapped.get("visitor"),
        persons: mapped.get("persons"),
        width: mapped.width,
    };
    start += nl + 1;
    // The rows to read: what is left of the first block, then the rest of
    // the file; or, from an offset past the header, the file from there.
    let read = first.len() as u64;
    let (carry, eof, rest) = if from <= read {
        let at = (from as usize).max(start);
        (first[at..].to_vec(), read < BLOCK as u64, limit - read)
    } else {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(from))
            .map_err(|e| Error::io(path, e))?;
        (Vec::new(), from >= limit, limit - from.min(limit))
    };
    drop(first);
    let mut input = file.take(rest);

    let bail = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Block>(4);
    let rx = Mutex::new(rx);
    // Blocks parsed are handed back to be read into again: a city's log
    // is nine hundred blocks, each otherwise new memory to fault in.
    let (spent_tx, spent) = std::sync::mpsc::channel::<Block>();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let states: Vec<S> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let spent_tx = spent_tx.clone();
                scope.spawn(|| {
                    let spent_tx = spent_tx;
                    let mut state = init();
                    loop {
                        let block = match rx.lock().expect("a worker panicked").recv() {
                            Ok(b) => b,
                            Err(_) => break,
                        };
                        if bail.load(Ordering::Relaxed) {
                            continue;
                        }
                        if !parse_block(block.bytes(), cols, roster, &mut state, (&touch, &visit)) {
                            bail.store(true, Ordering::Relaxed);
                        }
                        let _ = spent_tx.send(block);
                    }
                    state
                })
            })
            .collect();
        drop(spent_tx);
        let carry = Block {
            len: carry.len(),
            buf: carry,
        };
        let read = feed(&mut input, carry, eof, &tx, &spent, &bail);
        drop(tx);
        let states = handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect();
        if let Err(e) = read {
            bail.store(true, Ordering::Relaxed);
            return Err(Error::io(path, e));
        }
        Ok(states)
    })?;
    Ok(if bail.load(Ordering::Relaxed) {
        None
    } else {
        Some(states)
    })
}

fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => {
                n += k;
                crate::progress::advance(k);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A block of the log: the first `len` bytes of `buf`. The bytes after
/// them are left from the block it held before, so that reading into it
/// again needs no zeros written first.
#[derive(Default)]
struct Block {
    buf: Vec<u8>,
    len: usize,
}

impl Block {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Room for `n` more bytes after the block's, to read into.
    fn room(&mut self, n: usize) -> &mut [u8] {
        let end = self.len + n;
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        &mut self.buf[self.len..end]
    }
}

/// Reads the file block by block and sends whole records to the workers.
fn feed(
    input: &mut impl Read,
    mut carry: Block,
    mut eof: bool,
    tx: &std::sync::mpsc::SyncSender<Block>,
    spent: &std::sync::mpsc::Receiver<Block>,
    bail: &AtomicBool,
) -> std::io::Result<()> {
    loop {
        if bail.load(Ordering::Relaxed) {
            return Ok(());
        }
        if !eof {
            let n = read_full(input, carry.room(BLOCK))?;
            carry.len += n;
            eof = n < BLOCK;
        }
        if eof {
            if carry.len > 0 {
                let _ = tx.send(std::mem::take(&mut carry));
            }
            return Ok(());
        }
        match split_point(carry.bytes()) {
            Some(cut) => {
                let mut rest = spent.try_recv().unwrap_or_default();
                rest.len = 0;
                let tail = carry.len - cut;
                rest.room(tail).copy_from_slice(&carry.buf[cut..carry.len]);
                rest.len = tail;
                carry.len = cut;
                if tx.send(std::mem::replace(&mut carry, rest)).is_err() {
                    return Ok(());
                }
            }
            // One record longer than the block: read on, up to the
            // simple reader's bound (what lies beyond is its to report).
            None if carry.len > super::records::MAX_RECORD => {
                bail.store(true, Ordering::Relaxed);
                return Ok(());
            }
            None => {}
        }
    }
}

/// The end of the last whole record in `buf` (just past a line break that
/// is outside quotes); `buf` starts at a record boundary.
fn split_point(buf: &[u8]) -> Option<usize> {
    let quotes = memchr::memchr_iter(b'"', buf).count();
    let mut after = 0usize;
    for pos in memchr::memrchr2_iter(b'\n', b'"', buf) {
        if buf[pos] == b'"' {
            after += 1;
        } else if (quotes - after).is_multiple_of(2) {
            return Some(pos + 1);
        }
    }
    None
}

/// Parses whole records; false when a record needs the simple path.
fn parse_block<S>(
    block: &[u8],
    cols: Cols,
    roster: &Roster,
    state: &mut S,
    fold: (&impl Fn(&S, usize), &impl Fn(&mut S, &FastVisit<'_>)),
) -> bool {
    let Ok(text) = simdutf8::basic::from_utf8(block) else {
        return false;
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut fields: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(cols.width + 2);
    let mut batch: Vec<Pending<'_>> = Vec::with_capacity(BATCH);
    let mut last_date: Option<([u8; 16], usize, NaiveDate)> = None;
    // Where the record's fields end: its commas, then the record's end.
    let mut cuts: Vec<usize> = Vec::with_capacity(cols.width + 2);
    let mut marks = Marks::at(bytes, 0);
    while pos < bytes.len() {
        let record_start = pos;
        fields.clear();
        cuts.clear();
        // A plain record: commas up to its line break, no quote, and no
        // CR but one just before the break (a lone CR would end lines in
        // the simple path). Anything else is read strictly, below.
        let plain = loop {
            let Some(at) = marks.next() else {
                cuts.push(bytes.len());
                pos = bytes.len();
                break true;
            };
            match bytes[at] {
                b',' => {
                    cuts.push(at);
                    // What the simple reader refuses (a row of over
                    // 16,384 cells) is its to report.
                    if cuts.len() >= super::records::MAX_FIELDS {
                        return false;
                    }
                }
                b'\n' => {
                    cuts.push(at);
                    pos = at + 1;
                    break true;
                }
                b'\r' if at + 1 == bytes.len() => {
                    cuts.push(at);
                    pos = bytes.len();
                    break true;
                }
                b'\r' if bytes[at + 1] == b'\n' => {
                    cuts.push(at);
                    pos = at + 2;
                    marks.next(); // the line break
                    break true;
                }
                _ => break false,
            }
        };
        let cells = if plain {
            Cells::Plain {
                text,
                start: record_start,
                cuts: &cuts,
            }
        } else {
            match strict_record(text, record_start, &mut fields) {
                Some(next) => pos = next,
                None => return false,
            }
            marks = Marks::at(bytes, pos);
            Cells::Read(&fields)
        };
        // What the simple reader refuses (a row of over 16,384 cells or
        // 16 MiB) is its to report.
        if cells.len() >= super::records::MAX_FIELDS
            || pos - record_start > super::records::MAX_RECORD
        {
            return false;
        }
        let get = |i: usize| trim(cells.raw(i));
        let used = (0..cells.len())
            .rev()
            .find(|&i| !get(i).is_empty())
            .map_or(0, |i| i + 1);
        if used == 0 {
            continue;
        }
        if used > cols.width {
            return false;
        }
        let date_text = get(cols.date);
        if date_text.is_empty() || get(cols.household).is_empty() {
            return false;
        }
        // Rows of a log come in runs of the same day.
        let day = match last_date {
            Some((t, n, d)) if t[..n] == *date_text.as_bytes() => d,
            _ => match date::parse(date_text) {
                Ok(d) => {
                    let mut t = [0u8; 16];
                    let n = date_text.len().min(16);
                    t[..n].copy_from_slice(&date_text.as_bytes()[..n]);
                    last_date = (n == date_text.len()).then_some((t, n, d));
                    d
                }
                Err(_) => return false,
            },
        };
        let persons = match cols.persons.map(get) {
            None => None,
            Some(text) => match persons_of(text) {
                Some(p) => p,
                None => return false,
            },
        };
        let household = cells.text(cols.household);
        let visitor = cols.visitor.map_or(Text::Borrowed(""), |c| cells.text(c));
        let hash = roster.household_hash(household.as_str());
        roster.touch_household(hash);
        batch.push(Pending {
            date: day,
            household,
            hash,
            visitor,
            persons,
        });
        if batch.len() == BATCH {
            flush(&mut batch, roster, state, fold);
        }
    }
    flush(&mut batch, roster, state, fold);
    true
}

/// A `persons` cell as `parse_persons` reads it; `None` where it refuses
/// it. The one digit most logs write, and an empty cell, are read here,
/// without a call or the refusal's reason made for every row.
#[inline]
fn persons_of(text: &str) -> Option<Option<u32>> {
    match text.as_bytes() {
        [] => Some(None),
        &[d @ b'0'..=b'9'] => Some(Some(u32::from(d - b'0'))),
        _ => parse_persons(text).ok(),
    }
}

/// Rows are looked up in batches: the slots of a whole batch are
/// prefetched first, so that their memory loads overlap instead of queueing.
const BATCH: usize = 32;

/// A record's fields: cut from the block where the record is plain, else
/// as the strict reader unquoted them.
enum Cells<'t, 'f> {
    /// The fields from `start` on, each ending at one of `cuts`.
    Plain {
        text: &'t str,
        start: usize,
        cuts: &'f [usize],
    },
    Read(&'f [std::borrow::Cow<'t, str>]),
}

impl<'t> Cells<'t, '_> {
    fn len(&self) -> usize {
        match self {
            Cells::Plain { cuts, .. } => cuts.len(),
            Cells::Read(fields) => fields.len(),
        }
    }

    /// Field `i` as written; empty past the last.
    fn raw(&self, i: usize) -> &str {
        match *self {
            Cells::Plain { text, start, cuts } => cut(text, start, cuts, i),
            Cells::Read(fields) => fields.get(i).map_or("", |f| f),
        }
    }

    /// Field `i` trimmed, borrowed from the block unless a quoted field
    /// had to be unescaped.
    fn text(&self, i: usize) -> Text<'t> {
        match *self {
            Cells::Plain { text, start, cuts } => Text::Borrowed(trim(cut(text, start, cuts, i))),
            Cells::Read(fields) => match fields.get(i) {
                Some(std::borrow::Cow::Borrowed(s)) => Text::Borrowed(trim(s)),
                Some(std::borrow::Cow::Owned(s)) => Text::Owned(s.trim().to_string()),
                None => Text::Borrowed(""),
            },
        }
    }
}

/// Field `i` of a plain record from `start`, its fields ending at `cuts`;
/// empty past the last.
fn cut<'t>(text: &'t str, start: usize, cuts: &[usize], i: usize) -> &'t str {
    match cuts.get(i) {
        // Commas and line breaks are ASCII: every cut falls between
        // characters.
        Some(&end) => &text[if i == 0 { start } else { cuts[i - 1] + 1 }..end],
        None => "",
    }
}

enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

struct Pending<'a> {
    date: NaiveDate,
    household: Text<'a>,
    hash: u64,
    visitor: Text<'a>,
    persons: Option<u32>,
}

fn flush<S>(
    batch: &mut Vec<Pending<'_>>,
    roster: &Roster,
    state: &mut S,
    (touch, visit): (&impl Fn(&S, usize), &impl Fn(&mut S, &FastVisit<'_>)),
) {
    let mut found = [None; BATCH];
    for (p, h) in batch.iter().zip(&mut found) {
        *h = roster.find_hashed(p.household.as_str(), p.hash);
        if let Some(h) = *h {
            touch(state, h);
        }
    }
    for (p, household) in batch.drain(..).zip(found) {
        visit(
            state,
            &FastVisit {
                date: p.date,
                household,
                key: p.household.as_str(),
                visitor: crate::guard::unguard_cell(p.visitor.as_str()),
                persons: p.persons,
            },
        );
    }
}

/// Reads the quoted record at `pos` into `out` and returns where the next
/// one starts. Strict RFC 4180: a quote may only open a field and close it
/// (a doubled quote inside is one quote); anything the simple path reads
/// leniently (a quote inside a field, text after a closing quote, a lone
/// CR, a quote left open) is `None`, for the simple path to take.
fn strict_record<'a>(
    text: &'a str,
    pos: usize,
    out: &mut Vec<std::borrow::Cow<'a, str>>,
) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = pos;
    loop {
        if i < b.len() && b[i] == b'"' {
            let mut value = String::new();
            let mut j = i + 1;
            loop {
                let k = memchr::memchr(b'"', &b[j..])?;
                let piece = &text[j..j + k];
                if piece.contains('\r') && piece.replace("\r\n", "").contains('\r') {
                    return None;
                }
                value.push_str(piece);
                j += k + 1;
                if j < b.len() && b[j] == b'"' {
                    value.push('"');
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(std::borrow::Cow::Owned(value));
            match b.get(j) {
                Some(b',') => i = j + 1,
                Some(b'\n') => return Some(j + 1),
                Some(b'\r') if b.get(j + 1) == Some(&b'\n') => return Some(j + 2),
                None => return Some(j),
                Some(_) => return None,
            }
        } else {
            let end = memchr::memchr3(b',', b'\n', b'"', &b[i..]).map_or(b.len(), |k| i + k);
            let mut field = &text[i..end];
            match b.get(end) {
                Some(b'"') => return None,
                Some(b',') => {
                    if field.contains('\r') {
                        return None;
                    }
                    out.push(std::borrow::Cow::Borrowed(field));
                    i = end + 1;
                }
                _ => {
                    if let Some(f) = field.strip_suffix('\r') {
                        field = f;
                    }
                    if field.contains('\r') {
                        return None;
                    }
                    out.push(std::borrow::Cow::Borrowed(field));
                    return Some((end + 1).min(b.len()));
                }
            }
        }
    }
}

/// The latest visit on or before `today` of each household, on all cores;
/// `None` when the fast path does not take the file.
pub fn last_visits(
    path: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Vec<Option<NaiveDate>>>, Error> {
    let n = roster.households_len();
    // Each core keeps its latest days as day numbers, four bytes a
    // household (no visit: below every day), so that more of them stay
    // in the cache while twenty million visits land at random.
    const NONE: i32 = i32::MIN;
    let states = scan_touching(
        path,
        limit,
        roster,
        || vec![NONE; n],
        |last, h| crate::model::index::prefetch(&last[h]),
        |last, v| {
            if let Some(h) = v.household
                && v.date <= today
            {
                let slot = &mut last[h];
                *slot = (*slot).max(date::days(v.date));
            }
        },
    )?;
    Ok(states.map(|states| {
        let mut it = states.into_iter();
        let mut last = it.next().unwrap_or_else(|| vec![NONE; n]);
        for other in it {
            for (a, b) in last.iter_mut().zip(other) {
                *a = (*a).max(b);
            }
        }
        last.into_iter()
            .map(|d| (d != NONE).then(|| date::from_days(d)))
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn split_points_respect_quotes() {
        assert_eq!(split_point(b"a,b\nc,d\ne"), Some(8));
        assert_eq!(split_point(b"a,\"b\nc\"\nd"), Some(8));
        assert_eq!(split_point(b"a,\"b\nc"), Some(0).filter(|_| false));
        assert_eq!(split_point(b"x\na,\"b\nc"), Some(2));
    }

    #[test]
    fn quoted_records() {
        let mut out = Vec::new();
        let text = "a,\"b,\"\"c\"\"\",\"x\ny\",\nnext";
        assert_eq!(strict_record(text, 0, &mut out), Some(text.len() - 4));
        assert_eq!(out, ["a", "b,\"c\"", "x\ny", ""]);
        // Lenient quoting is for the simple path.
        for lenient in ["a,\"open", "a,b\"c\n", "\"x\"y,z\n"] {
            out.clear();
            assert_eq!(strict_record(lenient, 0, &mut out), None, "{lenient}");
        }
    }

    type Seen = Vec<(NaiveDate, String, String, Option<u32>)>;

    /// The visits `parse_block` hands out for `rows`, or `None` when it
    /// leaves the block to the simple path.
    fn parsed(rows: &str) -> Option<Seen> {
        let roster = Roster::default();
        let cols = Cols {
            date: 0,
            household: 1,
            visitor: Some(2),
            persons: Some(5),
            width: 6,
        };
        let mut seen = Seen::new();
        let visit = |seen: &mut Seen, v: &FastVisit<'_>| {
            seen.push((v.date, v.key.into(), v.visitor.into(), v.persons));
        };
        parse_block(
            rows.as_bytes(),
            cols,
            &roster,
            &mut seen,
            (&|_, _| {}, &visit),
        )
        .then_some(seen)
    }

    /// The same rows as the simple reader reads them; `None` for a row it
    /// reports.
    fn read_simply(rows: &str) -> Option<Seen> {
        let file = format!("date,household,visitor,kind,note,persons\n{rows}");
        let mut table = Table::from_bytes(Path::new("visits.csv"), file.as_bytes());
        table.header().ok()?;
        let mut seen = Seen::new();
        while let Some(row) = table.next_row().ok()? {
            if row.used_len() > 6 {
                return None;
            }
            let get = |i| row.get(Some(i));
            seen.push((
                date::parse(get(0)).ok()?,
                get(1).into(),
                crate::guard::unguard_cell(get(2)).into(),
                parse_persons(get(5)).ok()?,
            ));
        }
        Some(seen)
    }

    #[test]
    fn blocks_read_as_the_simple_reader_reads_them() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut taken = 0;
        for round in 0..3000 {
            // Every fourth block has something only the simple path reads
            // (a lone CR, a quote inside a field).
            let hostile = round % 4 == 3;
            let mut rows = String::new();
            for _ in 0..rng.below(40) {
                let mut cells = vec![
                    rng.pick(&["2020-01-02", " 2020/1/3 ", "2020年1月4日", "2020-01-02"])
                        .to_string(),
                    rng.pick(&["G1-101", " G1-102", "\"G1-103\"", "G1-1041234567890123"])
                        .to_string(),
                    rng.pick(&["王芳", "", "\"李, 四\"", "'=x", "\"a\"\"b\""])
                        .to_string(),
                    "入户".to_string(),
                    rng.pick(&["", "正常", "\"多行\r\n备注\"", "\"一\n二, 三\"", " "])
                        .to_string(),
                    rng.pick(&["1", "", " 2 ", "3人", "10"]).to_string(),
                ];
                if rng.below(6) == 0 {
                    cells.push(rng.pick(&["", " ", ""]).to_string());
                }
                if hostile && rng.below(5) == 0 {
                    let k = rng.below(cells.len());
                    let at = rng.below(cells[k].len() + 1);
                    if cells[k].is_char_boundary(at) {
                        cells[k].insert(at, if rng.below(2) == 0 { '\r' } else { '"' });
                    }
                }
                rows.push_str(&cells.join(","));
                rows.push_str(rng.pick(&["\n", "\r\n", "\n", "\n,,,,,\n", "\r\n\r\n"]));
            }
            // The file's last line may end with a CR alone, or with nothing.
            match rng.below(4) {
                0 => {
                    rows.pop();
                }
                1 if rows.ends_with("\r\n") => {
                    rows.pop();
                }
                _ => {}
            }
            let fast = parsed(&rows);
            if !hostile {
                assert!(fast.is_some(), "{rows:?}");
            }
            if let Some(fast) = fast {
                taken += 1;
                assert_eq!(Some(fast), read_simply(&rows), "{rows:?}");
            }
        }
        assert!(taken > 2250, "{taken}");
    }
}
