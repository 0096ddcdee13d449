//! The visit rows cache, for `report` and for a past day of `due`:
//! `.rounds-cache/visit-rows` holds every visit of visits.csv to a
//! household of the roster as a row of ten bytes (the household's place
//! in the roster, the day, the visitor's number and the persons met), up
//! to a byte offset of the file. A report (or `due` of a day before the
//! log's last visit) reads these rows instead of parsing the CSV, and the
//! CSV only from where the cache ends; when rows were appended it writes
//! the cache anew.
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
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::DIR;
use super::file::{CHUNK, Sealed, head, make_private_dir, private_file};
use super::stamp::{Prefix, Stamp, hash_on, hasher, racy, samples, stamp, still_matches};
use crate::data::{bin, fast};
use crate::error::Error;
use crate::model::roster::Roster;

const ROWS: &str = "visit-rows";
const ROWS_MAGIC: &[u8] = b"rounds visit-rows cache 2\n";
/// Bytes of a row: household u32, day u16, visitor u16, persons u16.
const ROW: usize = 10;
/// The days a row can hold: 65,535 from 1900-01-01 (through 2079).
const FIRST_YEAR: i32 = 1900;
const NO_PERSONS: u16 = u16::MAX;
/// Visitor numbers fit 16 bits; past this, no cache is written.
const MAX_VISITORS: usize = u16::MAX as usize;
/// The trailer: origin, households, rows (u64 each), before the hash.
const TRAILER: usize = 24;

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
/// cache where it matches the file, from the CSV after it. `Ok(None)`: the
/// fast path does not take the file; the caller reads it the simple way.
pub fn rows<S: Send>(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, &RowVisit) + Sync,
) -> Result<Option<Rows<S>>, Error> {
    let Ok(meta) = fs::metadata(visits) else {
        return Ok(None);
    };
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    let origin = roster.origin.filter(|o| *o != 0);
    let old = origin.and_then(|o| Old::open(dir, visits, &meta, end, o, roster));
    match fold(dir, visits, &meta, end, roster, old, &init, &visit)? {
        Folded::Done(rows) => Ok(rows),
        Folded::Damaged => {
            // Nothing of what was folded counts: read it all again.
            let _ = fs::remove_file(dir.join(DIR).join(ROWS));
            match fold(dir, visits, &meta, end, roster, None, &init, &visit)? {
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
        match old.fold(init, visit, &out)? {
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

/// A cache being written, under a temporary name until it is whole.
struct New {
    temp: std::path::PathBuf,
    out: Sealed<std::io::BufWriter<File>>,
    /// Bytes of rows written.
    bytes: u64,
    /// The hash of the bytes of visits.csv it covers.
    whole: u64,
}

/// The file: the head (what it is, the state of visits.csv it covers) and
/// its hash; then the body: the rows, the visitors, the trailer (the
/// roster's origin and size, the number of rows), and the body's hash.
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
        let mut file = std::io::BufWriter::with_capacity(CHUNK, private_file(&temp)?);
        // The head is written last, over these bytes: the stamp and the
        // samples of visits.csv are taken once all is read.
        file.write_all(&vec![0u8; head_len()])?;
        Ok(New {
            temp,
            out: Sealed::new(file),
            bytes: 0,
            whole,
        })
    }

    fn rows(&mut self, rows: &[u8]) -> std::io::Result<()> {
        self.bytes += rows.len() as u64;
        self.out.write_all(rows)
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
            let mut w = bin::Writer::default();
            w.u64(visitors.len() as u64);
            for v in visitors {
                w.text(v);
            }
            w.u64(roster.origin.unwrap_or(0));
            w.u64(roster.households_len() as u64);
            w.u64(self.bytes / ROW as u64);
            self.out.write_all(&w.bytes)?;
            let mut file = self
                .out
                .finish()?
                .into_inner()
                .map_err(|e| e.into_error())?;
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
    len: u64,
    covered: u64,
    /// The hash of the covered bytes, when they were hashed to trust it.
    prefix: Option<Prefix>,
    rows: u64,
    households: usize,
    visitors: Vec<String>,
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
        let mut r = bin::Reader { bytes: head };
        (r.take(ROWS_MAGIC.len())? == ROWS_MAGIC).then_some(())?;
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        (r.take(version.len() + 1)? == [version, b"\n"].concat()).then_some(())?;
        let then = Stamp {
            dev: r.u64()?,
            ino: r.u64()?,
            mtime: r.u64()? as i64,
            ctime: r.u64()? as i64,
        };
        let covered = r.u64()?;
        let sampled = r.u64()?;
        let whole = r.u64()?;
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
        // The trailer, then the visitors before it.
        let trailer_at = len.checked_sub(8 + TRAILER as u64)?;
        file.seek(std::io::SeekFrom::Start(trailer_at)).ok()?;
        let mut trailer = [0u8; TRAILER];
        file.read_exact(&mut trailer).ok()?;
        let mut r = bin::Reader { bytes: &trailer };
        (r.u64()? == origin && r.u64()? == roster.households_len() as u64).then_some(())?;
        let rows = r.u64()?;
        let table_at = head_len.checked_add(rows.checked_mul(ROW as u64)?)?;
        let table_len = usize::try_from(trailer_at.checked_sub(table_at)?).ok()?;
        file.seek(std::io::SeekFrom::Start(table_at)).ok()?;
        let mut table = vec![0u8; table_len];
        file.read_exact(&mut table).ok()?;
        let mut r = bin::Reader { bytes: &table };
        let n = r.count(8)?;
        let mut visitors = Vec::with_capacity(n);
        for _ in 0..n {
            visitors.push(r.text()?.to_string());
        }
        r.bytes.is_empty().then_some(())?;
        file.seek(std::io::SeekFrom::Start(head_len)).ok()?;
        Some(Old {
            file,
            len,
            covered,
            prefix,
            rows,
            households: roster.households_len(),
            visitors,
        })
    }

    /// Folds the rows on all cores (and copies them to `out`, when a new
    /// cache is written); `None` when the content is not what its hash
    /// says.
    fn fold<S: Send>(
        mut self,
        init: &(impl Fn() -> S + Sync),
        visit: &(impl Fn(&mut S, &RowVisit) + Sync),
        out: &Mutex<Option<New>>,
    ) -> Result<Option<Vec<S>>, Error> {
        let households = self.households;
        let base = base();
        let n_visitors = self.visitors.len() as u32;
        let bad = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let rx = Mutex::new(rx);
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let rows_at = head_len() as u64;
        if self.len < rows_at + 8 {
            return Ok(None);
        }
        let rows_end = rows_at + self.rows * ROW as u64;
        let hash_end = self.len - 8;
        let (states, read) = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut state = init();
                        while let Ok(block) = rx.lock().expect("no panic").recv() {
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
                        }
                        state
                    })
                })
                .collect();
            let read = (|| -> std::io::Result<bool> {
                let mut h = hasher();
                let mut buf = vec![0u8; CHUNK];
                let mut at = rows_at;
                let mut carry: Vec<u8> = Vec::new();
                while at < hash_end {
                    let n = (hash_end - at).min(CHUNK as u64) as usize;
                    self.file.read_exact(&mut buf[..n])?;
                    h.write(&buf[..n]);
                    // The part of this piece that holds rows.
                    let to = rows_end.clamp(at, at + n as u64);
                    if at < to {
                        let piece = &buf[..(to - at) as usize];
                        copy(out, piece);
                        carry.extend_from_slice(piece);
                        let whole = carry.len() - carry.len() % ROW;
                        let rest = carry.split_off(whole);
                        if tx.send(std::mem::replace(&mut carry, rest)).is_err() {
                            return Ok(false);
                        }
                    }
                    at += n as u64;
                }
                let mut stored = [0u8; 8];
                self.file.read_exact(&mut stored)?;
                Ok(carry.is_empty() && h.finish().to_le_bytes() == stored)
            })();
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
