//! The visit rows cache, for `report` and for a past day of `due`:
//! `.rounds-cache/visit-rows` holds every visit of visits.csv to a
//! household of the roster as a row of ten bytes (the household's place
//! in the roster, the day, the visitor's number and the persons met), up
//! to a byte offset of the file. A report (or `due` of a day before the
//! log's last visit) reads these rows instead of parsing the CSV, and the
//! CSV only from where the cache ends; when rows were appended it writes
//! the cache anew.
//!
//! The rows are kept in groups of `GROUP_ROWS`, each with its first and
//! last day and its own hash: a reader that needs only some days (a
//! month's report, once every household's latest visit is known) reads
//! the groups that hold them and nothing else.
//!
//! It is checked against visits.csv as the last-visit cache is (same file,
//! the same sampled bytes, and when the file is not exactly as the cache
//! saw it, the same hash of all the bytes it covers) and against the
//! roster (rows name households by their place in it: a roster read from
//! another residents.csv is no match). It holds no names of residents,
//! phones or ID numbers: household places, days, the visitors' names as
//! the log writes them, and counts. Its content is hashed; a cache found
//! damaged while it is read is thrown away and the CSV read instead.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use std::fs::{self, File, Metadata};
use std::hash::Hasher;
use std::io::{Read, Write};
use std::ops::RangeInclusive;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::DIR;
use super::file::{CHUNK, head, make_private_dir, private_file};
use super::stamp::{Prefix, Stamp, hash_on, hasher, racy, samples, stamp, still_matches};
use crate::data::{bin, fast};
use crate::error::Error;
use crate::model::roster::Roster;

pub(super) const ROWS: &str = "visit-rows";
pub(super) const ROWS_MAGIC: &[u8] = b"rounds visit-rows cache 3\n";
/// Bytes of a row: household u32, day u16, visitor u16, persons u16.
const ROW: usize = 10;
/// The days a row can hold: 65,535 from 1900-01-01 (through 2079).
const FIRST_YEAR: i32 = 1900;
const NO_PERSONS: u16 = u16::MAX;
/// Visitor numbers fit 16 bits; past this, no cache is written.
const MAX_VISITORS: usize = u16::MAX as usize;
/// The trailer: origin, households, rows, and the hash of the visitors,
/// the groups' index and the trailer before it (u64 each).
const TRAILER: usize = 32;
/// Rows of a group (the last may hold fewer).
const GROUP_ROWS: usize = 1 << 14;
const GROUP_BYTES: usize = GROUP_ROWS * ROW;
/// A group in the index: first and last day (as rows hold days), hash.
const GROUP_ENTRY: usize = 12;

/// A visit to a household of the roster, as the cache gives it.
#[derive(Debug, Clone, Copy)]
pub struct RowVisit {
    /// Index of the household in the roster.
    pub household: usize,
    /// Days from the common era.
    pub day: i32,
    /// Index into `Rows::visitors`.
    pub visitor: u32,
    pub persons: Option<u32>,
}

/// What the workers folded, and the visitors their rows name.
pub struct Rows<S> {
    pub states: Vec<S>,
    pub visitors: Vec<String>,
}

fn base() -> i32 {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)
        .expect("a date")
        .num_days_from_ce()
}

/// Every visit of visits.csv (its first `limit` bytes) to a household of
/// the roster, folded on all cores into states made by `init`: from the
/// cache where it matches the file, from the CSV after it. Visits on days
/// outside `wanted` (days from the common era) may be left out: the
/// caller makes nothing of them. `Ok(None)`: the fast path does not take
/// the file; the caller reads it the simple way.
#[allow(clippy::too_many_arguments)]
pub fn rows<S: Send>(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    wanted: RangeInclusive<i32>,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, &RowVisit) + Sync,
) -> Result<Option<Rows<S>>, Error> {
    let Ok(meta) = fs::metadata(visits) else {
        return Ok(None);
    };
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    let origin = roster.origin.filter(|o| *o != 0);
    let old = origin.and_then(|o| Old::open(dir, visits, &meta, end, o, roster));
    let folding = |old| fold(dir, visits, &meta, end, roster, old, &wanted, &init, &visit);
    match folding(old)? {
        Folded::Done(rows) => Ok(rows),
        Folded::Damaged => {
            // Nothing of what was folded counts: read it all again.
            let _ = fs::remove_file(dir.join(DIR).join(ROWS));
            match folding(None)? {
                Folded::Done(rows) => Ok(rows),
                Folded::Damaged => unreachable!("no cache was read"),
            }
        }
    }
}

enum Folded<S> {
    Done(Option<Rows<S>>),
    Damaged,
}

#[allow(clippy::too_many_arguments)]
fn fold<S: Send>(
    dir: &Path,
    visits: &Path,
    meta: &Metadata,
    end: u64,
    roster: &Roster,
    old: Option<Old>,
    wanted: &RangeInclusive<i32>,
    init: &(impl Fn() -> S + Sync),
    visit: &(impl Fn(&mut S, &RowVisit) + Sync),
) -> Result<Folded<S>, Error> {
    let mut old = old;
    let from = old.as_ref().map_or(0, |o| o.covered);
    let writing = roster.origin.is_some_and(|o| o != 0) && from < end && !racy(meta);
    // The hash of the bytes the new cache covers, taken before they are
    // parsed (see `cache::read`).
    let whole = if writing {
        hash_on(old.as_mut().and_then(|o| o.prefix.take()), visits, end)
    } else {
        None
    };
    let out = match whole {
        Some(whole) => New::create(dir, whole).ok(),
        None => None,
    };
    let out = Mutex::new(out);
    let visitors = Mutex::new(Visitors::default());
    let mut states = Vec::new();
    if let Some(old) = old {
        visitors.lock().expect("no panic").seed(&old.visitors);
        match old.fold(init, visit, &out, wanted)? {
            Some(s) => states.extend(s),
            None => {
                if let Some(new) = out.into_inner().expect("no panic") {
                    new.abandon();
                }
                return Ok(Folded::Damaged);
            }
        }
    }
    let spoiled = AtomicBool::new(false);
    let base = base();
    let tail = fast::scan_from(
        visits,
        from,
        Some(end),
        roster,
        || (init(), Local::default()),
        |(state, local), v| {
            let Some(h) = v.household else {
                return;
            };
            let id = local.id(v.visitor, &visitors);
            let day = v.date.num_days_from_ce();
            visit(
                state,
                &RowVisit {
                    household: h,
                    day,
                    visitor: id,
                    persons: v.persons,
                },
            );
            if writing {
                local.push(h, day - base, id, v.persons, &out, &spoiled);
            }
        },
    )?;
    let Some(tail) = tail else {
        if let Some(new) = out.into_inner().expect("no panic") {
            new.abandon();
        }
        return Ok(Folded::Done(None));
    };
    for (state, mut local) in tail {
        local.spill(&out);
        states.push(state);
    }
    let visitors = visitors.into_inner().expect("no panic").names;
    if let Some(new) = out.into_inner().expect("no panic") {
        if spoiled.load(Ordering::Relaxed) || visitors.len() > MAX_VISITORS {
            new.abandon();
        } else {
            // A cache that cannot be written (a read-only folder) is no loss.
            let _ = new.finish(dir, visits, meta, end, roster, &visitors);
        }
    }
    Ok(Folded::Done(Some(Rows { states, visitors })))
}

/// The visitors' numbers, shared by the workers.
#[derive(Default)]
struct Visitors {
    names: Vec<String>,
    ids: hashbrown::HashMap<String, u32, foldhash::fast::FixedState>,
}

impl Visitors {
    fn seed(&mut self, names: &[String]) {
        for n in names {
            self.id(n);
        }
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

/// A worker's own: the visitors it has met, and the rows it has yet to
/// hand to the writer.
#[derive(Default)]
struct Local {
    ids: hashbrown::HashMap<String, u32, foldhash::fast::FixedState>,
    buf: Vec<u8>,
}

impl Local {
    fn id(&mut self, name: &str, shared: &Mutex<Visitors>) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = shared.lock().expect("no panic").id(name);
        self.ids.insert(name.to_string(), id);
        id
    }

    fn push(
        &mut self,
        h: usize,
        day: i32,
        visitor: u32,
        persons: Option<u32>,
        out: &Mutex<Option<New>>,
        spoiled: &AtomicBool,
    ) {
        let persons = match persons {
            None => Some(NO_PERSONS),
            Some(p) => u16::try_from(p).ok().filter(|p| *p != NO_PERSONS),
        };
        match (
            u32::try_from(h),
            u16::try_from(day),
            u16::try_from(visitor),
            persons,
        ) {
            (Ok(h), Ok(day), Ok(visitor), Some(persons)) => {
                self.buf.extend_from_slice(&h.to_le_bytes());
                self.buf.extend_from_slice(&day.to_le_bytes());
                self.buf.extend_from_slice(&visitor.to_le_bytes());
                self.buf.extend_from_slice(&persons.to_le_bytes());
            }
            _ => spoiled.store(true, Ordering::Relaxed),
        }
        if self.buf.len() >= CHUNK {
            self.spill(out);
        }
    }

    fn spill(&mut self, out: &Mutex<Option<New>>) {
        copy(out, &self.buf);
        self.buf.clear();
    }
}

/// The first and last day of a group's rows (as rows hold days).
fn group_days(rows: &[u8]) -> (u16, u16) {
    rows.chunks_exact(ROW)
        .map(|r| u16::from_le_bytes([r[4], r[5]]))
        .fold((u16::MAX, 0), |(lo, hi), d| (lo.min(d), hi.max(d)))
}

fn group_hash(rows: &[u8]) -> u64 {
    let mut h = hasher();
    h.write(rows);
    h.finish()
}

/// One group of rows as the index gives it.
#[derive(Clone, Copy)]
struct Group {
    first: i32,
    last: i32,
    hash: u64,
}

/// A cache being written, under a temporary name until it is whole.
struct New {
    temp: std::path::PathBuf,
    out: std::io::BufWriter<File>,
    /// Bytes of rows written.
    bytes: u64,
    /// The hash of the bytes of visits.csv it covers.
    whole: u64,
    /// The rows of the group being gathered, and the index of the groups
    /// written.
    group: Vec<u8>,
    index: Vec<u8>,
}

/// The file: the head (what it is, the state of visits.csv it covers) and
/// its hash; the rows in groups (each checked by its entry in the index);
/// then the visitors, the index of the groups (first and last day, hash),
/// the trailer (the roster's origin and size, the number of rows) and one
/// hash of those last three.
fn head_len() -> usize {
    let zero = Stamp {
        dev: 0,
        ino: 0,
        mtime: 0,
        ctime: 0,
    };
    head(ROWS_MAGIC, zero, 0, 0, 0).len() + 8
}

impl New {
    fn create(dir: &Path, whole: u64) -> std::io::Result<New> {
        let folder = dir.join(DIR);
        make_private_dir(&folder)?;
        let temp = folder.join(format!("{ROWS}.{}.tmp", std::process::id()));
        let _ = fs::remove_file(&temp);
        let file = private_file(&temp)?;
        let mut file = std::io::BufWriter::with_capacity(crate::store::WRITE_PIECE, file);
        // The head is written last, over these bytes: the stamp and the
        // samples of visits.csv are taken once all is read.
        file.write_all(&vec![0u8; head_len()])?;
        Ok(New {
            temp,
            out: file,
            bytes: 0,
            whole,
            group: Vec::with_capacity(GROUP_BYTES),
            index: Vec::new(),
        })
    }

    /// Rows, in pieces of any length: those of an old cache in its order,
    /// then those the workers read after it, as they hand them over.
    fn rows(&mut self, mut rows: &[u8]) -> std::io::Result<()> {
        self.bytes += rows.len() as u64;
        while !rows.is_empty() {
            let n = rows.len().min(GROUP_BYTES - self.group.len());
            self.group.extend_from_slice(&rows[..n]);
            rows = &rows[n..];
            if self.group.len() == GROUP_BYTES {
                self.end_group()?;
            }
        }
        Ok(())
    }

    /// Writes the group gathered and its entry in the index.
    fn end_group(&mut self) -> std::io::Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let (first, last) = group_days(&self.group);
        self.index.extend_from_slice(&first.to_le_bytes());
        self.index.extend_from_slice(&last.to_le_bytes());
        self.index
            .extend_from_slice(&group_hash(&self.group).to_le_bytes());
        crate::store::write_pieces(&mut self.out, &self.group)?;
        self.group.clear();
        Ok(())
    }

    fn abandon(self) {
        let _ = fs::remove_file(&self.temp);
    }

    fn finish(
        mut self,
        dir: &Path,
        visits: &Path,
        meta: &Metadata,
        covered: u64,
        roster: &Roster,
        visitors: &[String],
    ) -> std::io::Result<()> {
        let temp = self.temp.clone();
        let written = (|| {
            self.end_group()?;
            let mut w = bin::Writer::default();
            w.u64(visitors.len() as u64);
            for v in visitors {
                w.text(v);
            }
            w.u64((self.index.len() / GROUP_ENTRY) as u64);
            w.bytes.extend_from_slice(&self.index);
            w.u64(roster.origin.unwrap_or(0));
            w.u64(roster.households_len() as u64);
            w.u64(self.bytes / ROW as u64);
            let hash = group_hash(&w.bytes);
            w.u64(hash);
            self.out.write_all(&w.bytes)?;
            let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
            let sampled = samples(visits, covered)?;
            let mut head = head(ROWS_MAGIC, stamp(meta), covered, sampled, self.whole);
            let mut h = hasher();
            h.write(&head);
            head.extend_from_slice(&h.finish().to_le_bytes());
            use std::io::Seek;
            file.seek(std::io::SeekFrom::Start(0))?;
            file.write_all(&head)?;
            fs::rename(&temp, dir.join(DIR).join(ROWS))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }
}

/// The cache as found, checked as far as can be before its rows are read.
struct Old {
    file: File,
    covered: u64,
    /// The hash of the covered bytes, when they were hashed to trust it.
    prefix: Option<Prefix>,
    rows: u64,
    households: usize,
    visitors: Vec<String>,
    groups: Vec<Group>,
}

impl Old {
    fn open(
        dir: &Path,
        visits: &Path,
        meta: &Metadata,
        end: u64,
        origin: u64,
        roster: &Roster,
    ) -> Option<Old> {
        use std::io::Seek;
        let mut file = File::open(dir.join(DIR).join(ROWS)).ok()?;
        let len = file.metadata().ok()?.len();
        let head_len = head_len() as u64;
        let mut head = vec![0u8; head_len as usize];
        file.read_exact(&mut head).ok()?;
        let (head, hash) = head.split_at(head.len() - 8);
        let mut h = hasher();
        h.write(head);
        (h.finish().to_le_bytes() == hash).then_some(())?;
        let f = super::file::head_of(head, ROWS_MAGIC)?;
        let (then, covered, sampled, whole) = (f.stamp, f.covered, f.sampled, f.whole);
        let prefix = still_matches(
            visits,
            then,
            stamp(meta),
            meta.len(),
            end,
            covered,
            sampled,
            whole,
        )?;
        // The trailer, then the visitors and the index before it, checked
        // with the trailer against their hash.
        let trailer_at = len.checked_sub(TRAILER as u64)?;
        file.seek(std::io::SeekFrom::Start(trailer_at)).ok()?;
        let mut trailer = [0u8; TRAILER];
        file.read_exact(&mut trailer).ok()?;
        let mut r = bin::Reader { bytes: &trailer };
        (r.u64()? == origin && r.u64()? == roster.households_len() as u64).then_some(())?;
        let rows = r.u64()?;
        let table_at = head_len.checked_add(rows.checked_mul(ROW as u64)?)?;
        let hashed = usize::try_from(len.checked_sub(8)?.checked_sub(table_at)?).ok()?;
        file.seek(std::io::SeekFrom::Start(table_at)).ok()?;
        let mut table = vec![0u8; hashed];
        file.read_exact(&mut table).ok()?;
        (group_hash(&table).to_le_bytes() == trailer[TRAILER - 8..]).then_some(())?;
        table.truncate(hashed.checked_sub(TRAILER - 8)?);
        let mut r = bin::Reader { bytes: &table };
        let n = r.count(8)?;
        let mut visitors = Vec::with_capacity(n);
        for _ in 0..n {
            visitors.push(r.text()?.to_string());
        }
        let n = r.count(GROUP_ENTRY)?;
        (n as u64 == rows.div_ceil(GROUP_ROWS as u64)).then_some(())?;
        let base = base();
        let mut groups = Vec::with_capacity(n);
        for _ in 0..n {
            let entry = r.take(GROUP_ENTRY)?;
            let day = |at: usize| base + i32::from(u16::from_le_bytes([entry[at], entry[at + 1]]));
            groups.push(Group {
                first: day(0),
                last: day(2),
                hash: u64::from_le_bytes(entry[4..].try_into().ok()?),
            });
        }
        r.bytes.is_empty().then_some(())?;
        file.seek(std::io::SeekFrom::Start(head_len)).ok()?;
        Some(Old {
            file,
            covered,
            prefix,
            rows,
            households: roster.households_len(),
            visitors,
            groups,
        })
    }

    /// Folds the rows on all cores; `None` when the content is not what
    /// its hashes say. When a new cache is written (`out`), every row is
    /// read and copied to it; else only the groups that hold days of
    /// `wanted`.
    fn fold<S: Send>(
        mut self,
        init: &(impl Fn() -> S + Sync),
        visit: &(impl Fn(&mut S, &RowVisit) + Sync),
        out: &Mutex<Option<New>>,
        wanted: &RangeInclusive<i32>,
    ) -> Result<Option<Vec<S>>, Error> {
        let households = self.households;
        let base = base();
        let n_visitors = self.visitors.len() as u32;
        let bad = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let rx = Mutex::new(rx);
        // Blocks the workers are done with, for the reader to fill again.
        let (back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let rows_at = head_len() as u64;
        let rows_end = rows_at + self.rows * ROW as u64;
        let writing = out.lock().expect("no panic").is_some();
        let (states, read) = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let back = back.clone();
                    let (rx, bad) = (&rx, &bad);
                    scope.spawn(move || {
                        let mut state = init();
                        loop {
                            // The lock is let go before the block is
                            // folded (held through the loop's body, it
                            // would keep the other workers waiting).
                            let next = rx.lock().expect("no panic").recv();
                            let Ok(block) = next else {
                                break;
                            };
                            for row in block.chunks_exact(ROW) {
                                let persons = u16::from_le_bytes([row[8], row[9]]);
                                let v = RowVisit {
                                    household: u32::from_le_bytes([row[0], row[1], row[2], row[3]])
                                        as usize,
                                    day: base + i32::from(u16::from_le_bytes([row[4], row[5]])),
                                    visitor: u32::from(u16::from_le_bytes([row[6], row[7]])),
                                    persons: (persons != NO_PERSONS).then_some(u32::from(persons)),
                                };
                                if v.visitor >= n_visitors || v.household >= households {
                                    bad.store(true, Ordering::Relaxed);
                                    continue;
                                }
                                visit(&mut state, &v);
                            }
                            let _ = back.send(block);
                        }
                        state
                    })
                })
                .collect();
            drop(back);
            // A new cache takes every row.
            let wanted = if writing {
                i32::MIN..=i32::MAX
            } else {
                wanted.clone()
            };
            let read = self.read_groups(rows_at, rows_end, &wanted, &tx, &spare, out);
            drop(tx);
            let states: Vec<S> = handles
                .into_iter()
                .map(|h| h.join().expect("a worker panicked"))
                .collect();
            (states, read)
        });
        // A cache that cannot be read is as good as a damaged one.
        let whole = read.unwrap_or(false);
        Ok((whole && !bad.load(Ordering::Relaxed)).then_some(states))
    }

    /// Sends the groups that hold a day of `wanted` to the workers (and
    /// copies them to `out`, when a new cache is written), each checked
    /// against its hash; whether all were what their hash says.
    fn read_groups(
        &mut self,
        rows_at: u64,
        rows_end: u64,
        wanted: &RangeInclusive<i32>,
        tx: &std::sync::mpsc::SyncSender<Vec<u8>>,
        spare: &std::sync::mpsc::Receiver<Vec<u8>>,
        out: &Mutex<Option<New>>,
    ) -> std::io::Result<bool> {
        use std::io::{Seek, SeekFrom};
        let mut next = rows_at;
        for (g, group) in self.groups.iter().enumerate() {
            let at = rows_at + g as u64 * GROUP_BYTES as u64;
            let len = (rows_end - at).min(GROUP_BYTES as u64) as usize;
            if group.last < *wanted.start() || group.first > *wanted.end() {
                continue;
            }
            if at != next {
                self.file.seek(SeekFrom::Start(at))?;
            }
            let mut block = spare.try_recv().unwrap_or_default();
            block.resize(len, 0);
            self.file.read_exact(&mut block)?;
            next = at + len as u64;
            if group_hash(&block) != group.hash {
                return Ok(false);
            }
            copy(out, &block);
            if tx.send(block).is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Copies rows to the cache being written; one that fails is dropped.
fn copy(out: &Mutex<Option<New>>, rows: &[u8]) {
    let mut out = out.lock().expect("no panic");
    if let Some(new) = out.as_mut()
        && new.rows(rows).is_err()
    {
        out.take().expect("just seen").abandon();
    }
}
