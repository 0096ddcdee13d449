//! The last-visit cache: `.rounds-cache/last-visits` in the data
//! directory holds the latest visit date of every household id in
//! visits.csv, up to a byte offset of the file. visits.csv only grows (an
//! import appends), so a later command validates the cache against the
//! file and reads only the rows appended since.
//!
//! The cache is an optimisation and never the truth: it is used only when
//! it matches the file — same file (device and inode), at least as long as
//! the part the cache covers, and the same bytes at the start, the end and
//! every 4 MiB of the covered part. When the file is not exactly as the
//! cache last saw it (its modification or change time or its length
//! differ: rows appended, or an edit anywhere), the whole covered part is
//! hashed (xxh3, far cheaper than parsing it) and must equal the hash the
//! cache keeps of it. Anything else (a file edited in place or rewritten, a
//! cache cut short or from another version) and the whole file is read
//! again and the cache written anew. It holds household ids and dates only, no
//! personal data, and is written whole under a new name, then renamed into
//! place, so a reader never sees half of one. `ROUNDS_CACHE=0` turns it
//! off; deleting the folder is always safe.

use std::fs::{self, File, Metadata};
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::path::Path;

use chrono::NaiveDate;

use super::bin;
use super::fast;
use super::roster::Load;
use crate::error::{Error, Problem};
use crate::model::roster::Roster;

mod roster;
mod rows;

pub use rows::{RowVisit, Rows, rows};

pub const DIR: &str = ".rounds-cache";
const VISITS: &str = "last-visits";
const VISITS_MAGIC: &[u8] = b"rounds last-visits cache 2\n";
const ROSTER: &str = "roster";
const ROSTER_MAGIC: &[u8] = b"rounds roster cache 2\n";
/// Past this many ids that the roster lacks, no cache is written.
const MAX_OTHERS: usize = 100_000;
/// A file changed this recently may change again within the same
/// timestamp; no cache is written for it.
const RACY_SECS: u64 = 2;

/// The latest visit on or before `today` of each household of the roster,
/// through the cache when it matches the file. `Ok(None)`: the fast path
/// does not take the file; the caller reads it the simple way.
pub fn last_visits(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Vec<Option<NaiveDate>>>, Error> {
    let Some(seen) = read(dir, visits, limit, roster, today)? else {
        return Ok(None);
    };
    if seen.max.is_none_or(|m| m <= today) {
        return Ok(Some(seen.seen.latest));
    }
    if seen.whole {
        return Ok(Some(seen.seen.upto));
    }
    // Visits after the as-of date: the cache knows only the latest.
    fast::last_visits(visits, limit, roster, today)
}

/// Whether every visit is to a household of the roster and on or before
/// `today`, every row valid (what `check` asks of a clean log). `None`:
/// the fast path does not take the file.
pub fn clean(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<bool>, Error> {
    Ok(read(dir, visits, limit, roster, today)?
        .map(|s| s.others == 0 && s.max.is_none_or(|m| m <= today)))
}

/// From the cache alone, when it matches the file: the length of the
/// file it covers, and the latest visit of each household within it.
pub fn latest(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
) -> Option<(u64, Vec<Option<NaiveDate>>)> {
    let meta = fs::metadata(visits).ok()?;
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    load(dir, visits, &meta, end, roster).map(|c| (c.covered, c.seen.latest))
}

/// What visits.csv says, the cache and the rows after it together.
struct Found {
    seen: Seen,
    /// Whether every row was read now (so `seen.upto` is complete).
    whole: bool,
    max: Option<NaiveDate>,
    /// How many ids the roster lacks (at least).
    others: usize,
}

fn read(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Found>, Error> {
    let meta = fs::metadata(visits).ok();
    let end = limit
        .unwrap_or(u64::MAX)
        .min(meta.as_ref().map_or(u64::MAX, Metadata::len));
    let mut cached = meta
        .as_ref()
        .and_then(|meta| load(dir, visits, meta, end, roster));
    let from = cached.as_ref().map_or(0, |c| c.covered);
    // A new cache is written for what is read now; the hash of the bytes
    // it covers is taken before they are parsed, so that it never vouches
    // for bytes that changed after the hash (they differ from the hash).
    let writing = meta.as_ref().is_some_and(|m| !racy(m)) && (cached.is_none() || from < end);
    let whole_hash = if writing {
        hash_on(cached.as_mut().and_then(|c| c.prefix.take()), visits, end)
    } else {
        None
    };
    let n = roster.households_len();
    let Some(states) = fast::scan_from(
        visits,
        from,
        Some(end),
        roster,
        || Seen::new(n),
        |s: &mut Seen, v| s.add(v, today),
    )?
    else {
        return Ok(None);
    };
    let mut seen = states
        .into_iter()
        .reduce(Seen::merge)
        .unwrap_or_else(|| Seen::new(n));
    let whole = cached.is_none();
    if let Some(c) = cached {
        seen = seen.merge(c.seen);
    }
    if let Some(meta) = meta
        && let Some(whole_hash) = whole_hash
        && !seen.overflow
    {
        // A cache that cannot be written (a read-only folder) is no loss.
        let _ = store(dir, visits, &meta, end, whole_hash, &seen, roster);
    }
    Ok(Some(Found {
        whole,
        max: seen.max,
        others: if seen.overflow {
            usize::MAX
        } else {
            seen.others.len()
        },
        seen,
    }))
}

/// What a run of visits says of each household.
struct Seen {
    /// The latest visit of each roster household.
    latest: Vec<Option<NaiveDate>>,
    /// The latest on or before the as-of date (complete only when the
    /// whole file was read).
    upto: Vec<Option<NaiveDate>>,
    /// The latest visit of each id the roster lacks.
    others: hashbrown::HashMap<String, NaiveDate, foldhash::fast::FixedState>,
    overflow: bool,
    max: Option<NaiveDate>,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            latest: vec![None; n],
            upto: vec![None; n],
            others: Default::default(),
            overflow: false,
            max: None,
        }
    }

    fn add(&mut self, v: &fast::FastVisit<'_>, today: NaiveDate) {
        let day = Some(v.date);
        if day > self.max {
            self.max = day;
        }
        match v.household {
            Some(h) => {
                if day > self.latest[h] {
                    self.latest[h] = day;
                }
                if v.date <= today && day > self.upto[h] {
                    self.upto[h] = day;
                }
            }
            None => self.other(v.key, v.date),
        }
    }

    fn other(&mut self, key: &str, date: NaiveDate) {
        let full = self.others.len() >= MAX_OTHERS;
        match self.others.get_mut(key) {
            Some(d) => *d = (*d).max(date),
            None if !full => {
                self.others.insert(key.to_string(), date);
            }
            None => self.overflow = true,
        }
    }

    fn merge(mut self, other: Seen) -> Seen {
        for (a, b) in self.latest.iter_mut().zip(other.latest) {
            *a = (*a).max(b);
        }
        for (a, b) in self.upto.iter_mut().zip(other.upto) {
            *a = (*a).max(b);
        }
        for (k, d) in other.others {
            self.other(&k, d);
        }
        self.overflow |= other.overflow;
        self.max = self.max.max(other.max);
        self
    }
}

/// What identifies a state of visits.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    mtime: i64,
    ctime: i64,
}

#[cfg(unix)]
fn stamp(meta: &Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        dev: meta.dev(),
        ino: meta.ino(),
        mtime: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
        ctime: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
    }
}

#[cfg(not(unix))]
fn stamp(meta: &Metadata) -> Stamp {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    Stamp {
        dev: 0,
        ino: 0,
        mtime,
        ctime: 0,
    }
}

fn hasher() -> foldhash::quality::FoldHasher<'static> {
    foldhash::quality::FixedState::with_seed(0x7265_636f_7264).build_hasher()
}

/// A hash of the first and last 64 KiB of the file's first `len` bytes
/// and of 4 KiB at every 4 MiB between.
fn samples(path: &Path, len: u64) -> std::io::Result<u64> {
    const EDGE: u64 = 64 << 10;
    const STEP: u64 = 4 << 20;
    const PIECE: u64 = 4 << 10;
    let mut file = File::open(path)?;
    let mut h = hasher();
    let mut buf = vec![0u8; EDGE as usize];
    let mut piece = |file: &mut File, at: u64, n: u64| -> std::io::Result<()> {
        use std::io::Seek;
        let n = n.min(len.saturating_sub(at)) as usize;
        file.seek(std::io::SeekFrom::Start(at))?;
        file.read_exact(&mut buf[..n])?;
        h.write_u64(at);
        h.write(&buf[..n]);
        Ok(())
    };
    piece(&mut file, 0, EDGE)?;
    let mut at = STEP;
    while at < len {
        piece(&mut file, at, PIECE)?;
        at += STEP;
    }
    piece(&mut file, len.saturating_sub(EDGE), EDGE)?;
    h.write_u64(len);
    Ok(h.finish())
}

/// A running hash (xxh3) of the first bytes of a file: what a cache keeps
/// of the bytes it covers, so that a file whose stamp changed (rows
/// appended, or an edit anywhere, of any length) is trusted only when the
/// part the cache stands for is byte for byte the one it saw.
#[derive(Default)]
struct Prefix {
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl Prefix {
    /// Hashes on, up to byte `to` of the file; false when the file ends
    /// before it.
    fn extend(&mut self, path: &Path, to: u64) -> std::io::Result<bool> {
        use std::io::Seek;
        if to <= self.len {
            return Ok(to == self.len);
        }
        let mut file = File::open(path)?;
        file.seek(std::io::SeekFrom::Start(self.len))?;
        let mut input = file.take(to - self.len);
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.hash.update(&buf[..n]);
            self.len += n as u64;
        }
        Ok(self.len == to)
    }

    fn digest(&self) -> u64 {
        self.hash.digest()
    }
}

/// The hash of the file's first `len` bytes, when it has that many.
fn prefix(path: &Path, len: u64) -> Option<Prefix> {
    let mut p = Prefix::default();
    p.extend(path, len).ok()?.then_some(p)
}

/// The hash of the file's first `end` bytes for a new cache, hashing on
/// from `verified` (the bytes an old cache covers, hashed to trust it)
/// when there is one; `None` when the file ends before.
fn hash_on(verified: Option<Prefix>, path: &Path, end: u64) -> Option<u64> {
    let mut p = verified.unwrap_or_default();
    p.extend(path, end).ok()?.then(|| p.digest())
}

/// A cache file: what it is, the state of the file it stands for (stamp,
/// the length covered, the samples hash and the hash of all the covered
/// bytes), the body, and a hash of all that, so that a file cut short or
/// damaged is no cache.
struct Framed<'a> {
    stamp: Stamp,
    covered: u64,
    sampled: u64,
    whole: u64,
    body: &'a [u8],
}

/// Cache files are hashed in chunks of this size (so that a writer can
/// hash as it goes, and a reader the same way).
const CHUNK: usize = 1 << 20;

/// Writes a cache file's content in chunks, hashing each, and ends it with
/// the hash.
struct Sealed<W: Write> {
    out: W,
    buf: Vec<u8>,
    hash: foldhash::quality::FoldHasher<'static>,
}

impl<W: Write> Sealed<W> {
    fn new(out: W) -> Self {
        Sealed {
            out,
            buf: Vec::with_capacity(CHUNK),
            hash: hasher(),
        }
    }

    fn chunk(&mut self) -> std::io::Result<()> {
        self.hash.write(&self.buf);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<W> {
        if !self.buf.is_empty() {
            self.chunk()?;
        }
        self.out.write_all(&self.hash.finish().to_le_bytes())?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealed<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.chunk()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The head of a cache file: what it is and the state of its file.
fn head(magic: &[u8], stamp: Stamp, covered: u64, sampled: u64, whole: u64) -> Vec<u8> {
    let mut w = bin::Writer::default();
    w.bytes.extend_from_slice(magic);
    w.bytes
        .extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    w.bytes.push(b'\n');
    for v in [
        stamp.dev,
        stamp.ino,
        stamp.mtime as u64,
        stamp.ctime as u64,
        covered,
        sampled,
        whole,
    ] {
        w.u64(v);
    }
    w.bytes
}

fn unframe<'a>(bytes: &'a [u8], magic: &[u8]) -> Option<Framed<'a>> {
    let end = bytes.len().checked_sub(8)?;
    let mut h = hasher();
    for chunk in bytes[..end].chunks(CHUNK) {
        h.write(chunk);
    }
    if h.finish().to_le_bytes() != bytes[end..] {
        return None;
    }
    let mut r = bin::Reader {
        bytes: &bytes[..end],
    };
    (r.take(magic.len())? == magic).then_some(())?;
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    (r.take(version.len() + 1)? == [version, b"\n"].concat()).then_some(())?;
    let stamp = Stamp {
        dev: r.u64()?,
        ino: r.u64()?,
        mtime: r.u64()? as i64,
        ctime: r.u64()? as i64,
    };
    Some(Framed {
        stamp,
        covered: r.u64()?,
        sampled: r.u64()?,
        whole: r.u64()?,
        body: r.bytes,
    })
}

/// Whether a cache of the first `covered` bytes of a file, made when the
/// file had `then` as its stamp, still stands for the file (`now`, `len`
/// bytes, of which `end` are to be read): `Some` with the hash of the
/// covered bytes when they had to be hashed (the file is not exactly as
/// the cache saw it), `Some(None)` when the file is exactly as it was.
#[allow(clippy::too_many_arguments)]
fn still_matches(
    path: &Path,
    then: Stamp,
    now: Stamp,
    len: u64,
    end: u64,
    covered: u64,
    sampled: u64,
    whole: u64,
) -> Option<Option<Prefix>> {
    if (then.dev, then.ino) != (now.dev, now.ino) || covered > end {
        return None;
    }
    // The samples first: most changes show there, at little cost.
    if samples(path, covered).ok()? != sampled {
        return None;
    }
    if then == now && covered == len {
        return Some(None);
    }
    let p = prefix(path, covered)?;
    (p.digest() == whole).then_some(Some(p))
}

struct Cached {
    covered: u64,
    seen: Seen,
    /// The hash of the covered bytes, when they were hashed to trust the
    /// cache (a new cache hashes on from there).
    prefix: Option<Prefix>,
}

/// The visits cache, if there is one and it matches the file.
fn load(dir: &Path, visits: &Path, meta: &Metadata, end: u64, roster: &Roster) -> Option<Cached> {
    let bytes = fs::read(dir.join(DIR).join(VISITS)).ok()?;
    let f = unframe(&bytes, VISITS_MAGIC)?;
    let prefix = still_matches(
        visits,
        f.stamp,
        stamp(meta),
        meta.len(),
        end,
        f.covered,
        f.sampled,
        f.whole,
    )?;
    let mut r = bin::Reader { bytes: f.body };
    let mut seen = Seen::new(roster.households_len());
    seen.max = r.date()?;
    // Written for a roster of the same origin, the dates are in its order.
    let origin = r.u64()?;
    let aligned = roster.origin == Some(origin) && origin != 0;
    let ordered = r.count(12)?;
    if aligned && ordered != roster.households_len() {
        return None;
    }
    for k in 0..ordered {
        let date = r.date()?;
        let id = r.text()?;
        if aligned {
            seen.latest[k] = date;
        } else if let Some(date) = date {
            match roster.find(id) {
                Some(h) => seen.latest[h] = Some(date),
                None => seen.other(id, date),
            }
        }
    }
    for _ in 0..r.count(12)? {
        let date = r.date()??;
        let id = r.text()?;
        match roster.find(id) {
            Some(h) => seen.latest[h] = Some(date),
            None => seen.other(id, date),
        }
    }
    (r.bytes.is_empty() && !seen.overflow).then_some(Cached {
        covered: f.covered,
        seen,
        prefix,
    })
}

/// Whether a file changed too recently for its stamp to tell a later
/// change within the same tick of the clock.
fn racy(meta: &Metadata) -> bool {
    let age = meta.modified().ok().map(|m| {
        std::time::SystemTime::now()
            .duration_since(m)
            .unwrap_or_default()
    });
    age.is_none_or(|a| a.as_secs() < RACY_SECS)
}

/// Writes the visits cache for the first `covered` bytes of the file,
/// whose hash is `whole`.
fn store(
    dir: &Path,
    visits: &Path,
    meta: &Metadata,
    covered: u64,
    whole: u64,
    seen: &Seen,
    roster: &Roster,
) -> std::io::Result<()> {
    if racy(meta) {
        return Ok(());
    }
    let sampled = samples(visits, covered)?;
    let head = head(VISITS_MAGIC, stamp(meta), covered, sampled, whole);
    write_atomic(dir, VISITS, |out| {
        out.write_all(&head)?;
        let mut w = bin::Writer::default();
        w.date(seen.max);
        // Every household of the roster in its order (a later roster of
        // the same origin takes the dates as they are; any other looks up
        // the ids), then the ids the roster lacks.
        w.u64(roster.origin.unwrap_or(0));
        w.u64(roster.households_len() as u64);
        for h in roster.households() {
            w.date(seen.latest[h.index()]);
            w.text(h.id());
            w.spill(out)?;
        }
        w.u64(seen.others.len() as u64);
        for (id, d) in &seen.others {
            w.date(Some(*d));
            w.text(id);
            w.spill(out)?;
        }
        out.write_all(&w.bytes)
    })
}

/// The roster of residents.csv for a command that shows no personal data:
/// from the cache when the file is exactly as the cache saw it (same
/// stamp and length, same sampled bytes), else read (and cached, when the
/// file has no problem at all). The roster is read whole or not at all,
/// so a roster whose stamp changed is always read again.
pub fn roster(dir: &Path, path: &Path, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
    let meta = fs::metadata(path).ok();
    if let Some(meta) = &meta
        && let Some(roster) = load_roster(dir, path, meta)
    {
        return Ok(roster);
    }
    let mut found = Vec::new();
    let mut roster = crate::data::roster::read(path, Load::default(), &mut found)?;
    if found.is_empty()
        && let Some(meta) = meta
        && !racy(&meta)
        && roster.cacheable()
        && let Ok(sampled) = samples(path, meta.len())
    {
        let stamp = stamp(&meta);
        let head = head(ROSTER_MAGIC, stamp, meta.len(), sampled, 0);
        let written = write_atomic(dir, ROSTER, |out| {
            out.write_all(&head)?;
            roster.write_cache(out)
        });
        if written.is_ok() {
            roster.origin = Some(origin(stamp, meta.len(), sampled));
        }
    }
    problems.extend(found);
    Ok(roster)
}

fn load_roster(dir: &Path, path: &Path, meta: &Metadata) -> Option<Roster> {
    let bytes = fs::read(dir.join(DIR).join(ROSTER)).ok()?;
    let f = unframe(&bytes, ROSTER_MAGIC)?;
    (f.stamp == stamp(meta) && f.covered == meta.len()).then_some(())?;
    (samples(path, f.covered).ok()? == f.sampled).then_some(())?;
    let mut roster = Roster::from_bytes(f.body)?;
    roster.origin = Some(origin(f.stamp, f.covered, f.sampled));
    Some(roster)
}

/// Names the state of residents.csv a roster was read from.
fn origin(stamp: Stamp, len: u64, sampled: u64) -> u64 {
    let mut h = hasher();
    for v in [
        stamp.dev,
        stamp.ino,
        stamp.mtime as u64,
        stamp.ctime as u64,
        len,
        sampled,
    ] {
        h.write_u64(v);
    }
    h.finish()
}

/// Writes a cache file whole under a new name, then renames it into place.
fn write_atomic(
    dir: &Path,
    name: &str,
    content: impl FnOnce(&mut Sealed<std::io::BufWriter<File>>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = dir.join(DIR);
    make_private_dir(&folder)?;
    let temp = folder.join(format!("{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut out = Sealed::new(std::io::BufWriter::new(private_file(&temp)?));
        content(&mut out)?;
        out.finish()?.flush()?;
        fs::rename(&temp, folder.join(name))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

fn make_private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    match b.create(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

fn private_file(path: &Path) -> std::io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}
