//! Worker slices: `.rounds-cache/workers` holds, for each worker the
//! roster names, the households any membership names them for, as a
//! roster of their own (`Roster::subset`), so that a worker's own list
//! reads a few kilobytes instead of the whole city. They are cut from the
//! roster as commands see it (its history applied) when it was read with
//! no problem at all, and stand while residents.csv, history.csv and the
//! roster's baseline (`data::seen`) are exactly as they were then.
//!
//! No personal data: where a list for people needs names and phones, the
//! byte offset of each resident's line in residents.csv lets it read just
//! the lines it shows (`Roster::personal_at`). The offsets of all the
//! roster's residents are kept beside the slices, in `.rounds-cache/lines`
//! (for a report's overdue list, which may name anyone).
//!
//! Layout: the head (what it is, the state of the files it stands for),
//! the slices one after another, then the index (each worker's name, the
//! place, length and hash of their slice) and a trailer (where the index
//! is, its length and a hash of the head and the index). A reader reads
//! the head, the trailer, the index and the one slice it wants.

use std::fs::{self, File};
use std::hash::Hasher;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::DIR;
use super::file::write_atomic;
use super::roster::history_state;
use super::stamp::{hasher, racy, samples, stamp};
use crate::data::bin;
use crate::model::roster::Roster;

const SLICES: &str = "workers";
const MAGIC: &[u8] = b"rounds worker slices 2\n";
const LINES: &str = "lines";
const LINES_MAGIC: &[u8] = b"rounds roster lines 1\n";
/// Offsets written (and hashed) at a time.
const LINES_PIECE: usize = 8192;
/// The trailer: the index's offset and length, the hash of head and index.
const TRAILER: u64 = 24;
/// The hash `write_atomic` ends every cache file with.
const SEAL: u64 = 8;

/// One worker's households as a roster of their own.
pub struct Slice {
    pub roster: Roster,
    /// Each household's index in the whole roster.
    pub households: Vec<u32>,
    /// Where each resident's line starts in residents.csv (`u64::MAX`:
    /// not known, as for a spreadsheet).
    pub offsets: Vec<u64>,
    /// The whole roster's origin and number of households (what the
    /// last-visit cache is aligned with).
    pub origin: u64,
    pub whole: usize,
}

/// The state of the files the slices stand for: residents.csv (stamp,
/// length, samples), history.csv (or none) and the baseline (or none).
fn state(dir: &Path, roster: &Path, history: &Path, writing: bool) -> Option<Vec<u8>> {
    let meta = fs::metadata(roster).ok()?;
    let mut w = bin::Writer::default();
    let s = stamp(&meta);
    for v in [s.dev, s.ino, s.mtime as u64, s.ctime as u64, meta.len()] {
        w.u64(v);
    }
    w.u64(samples(roster, meta.len()).ok()?);
    let mut racy_now = racy(&meta);
    match fs::metadata(history) {
        Ok(h) => {
            racy_now |= racy(&h);
            w.u32(1);
            for v in history_state(history, &h)? {
                w.u64(v);
            }
        }
        Err(_) => w.u32(0),
    }
    match fs::metadata(crate::data::seen::path(dir)) {
        Ok(b) => {
            racy_now |= racy(&b);
            let s = stamp(&b);
            w.u32(1);
            for v in [s.dev, s.ino, s.mtime as u64, s.ctime as u64, b.len()] {
                w.u64(v);
            }
        }
        Err(_) => w.u32(0),
    }
    (!(writing && racy_now)).then_some(w.bytes)
}

fn head(state: &[u8], origin: u64, whole: usize) -> Vec<u8> {
    let mut w = bin::Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    w.bytes
        .extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    w.bytes.push(b'\n');
    w.u64(state.len() as u64);
    w.bytes.extend_from_slice(state);
    w.u64(origin);
    w.u64(whole as u64);
    w.bytes
}

/// Whether the slices in the cache stand for the files as they are now.
pub fn fresh(dir: &Path, roster: &Path, history: &Path) -> bool {
    let Some(state) = state(dir, roster, history, false) else {
        return false;
    };
    open(dir).is_some_and(|(_, h)| h.state == state) && lines_stand_for(dir, &state)
}

/// Whether the kept offsets of the residents' lines were taken of the
/// files in `state` (their head alone is read).
fn lines_stand_for(dir: &Path, state: &[u8]) -> bool {
    // The head without its last two numbers (origin, residents).
    let mut expected = LINES_MAGIC.to_vec();
    let full = head(state, 0, 0);
    expected.extend_from_slice(&full[..full.len() - 16]);
    let mut start = vec![0u8; expected.len()];
    File::open(dir.join(DIR).join(LINES)).is_ok_and(|mut f| f.read_exact(&mut start).is_ok())
        && start == expected
}

struct Head {
    state: Vec<u8>,
    origin: u64,
    whole: usize,
    index: Vec<u8>,
}

/// The file and its head and index, checked against their hash.
fn open(dir: &Path) -> Option<(File, Head)> {
    let mut file = File::open(dir.join(DIR).join(SLICES)).ok()?;
    let len = file.metadata().ok()?.len();
    let mut start = vec![0u8; (len.min(4096)) as usize];
    file.read_exact(&mut start).ok()?;
    let mut r = bin::Reader { bytes: &start };
    (r.take(MAGIC.len())? == MAGIC).then_some(())?;
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    (r.take(version.len() + 1)? == [version, b"\n"].concat()).then_some(())?;
    let n = r.count(1)?;
    let state = r.take(n)?.to_vec();
    let origin = r.u64()?;
    let whole = usize::try_from(r.u64()?).ok()?;
    let head_len = start.len() - r.bytes.len();
    let end = len.checked_sub(SEAL + TRAILER)?;
    file.seek(SeekFrom::Start(end)).ok()?;
    let mut trailer = [0u8; TRAILER as usize];
    file.read_exact(&mut trailer).ok()?;
    let mut t = bin::Reader { bytes: &trailer };
    let (at, n, hash) = (t.u64()?, t.u64()?, t.u64()?);
    (at.checked_add(n)? <= end).then_some(())?;
    file.seek(SeekFrom::Start(at)).ok()?;
    let mut index = vec![0u8; usize::try_from(n).ok()?];
    file.read_exact(&mut index).ok()?;
    let mut h = hasher();
    h.write(&start[..head_len]);
    h.write(&index);
    (h.finish() == hash).then_some(())?;
    Some((
        file,
        Head {
            state,
            origin,
            whole,
            index,
        },
    ))
}

/// The slice of `worker` when the cache stands for the files as they are
/// (the roster with its history applied is the same for every as-of
/// day); `None` otherwise, or for a worker the roster does not name.
pub fn slice(dir: &Path, roster: &Path, history: &Path, worker: &str) -> Option<Slice> {
    let (mut file, head) = open(dir)?;
    (state(dir, roster, history, false)? == head.state).then_some(())?;
    let mut r = bin::Reader { bytes: &head.index };
    let mut found = None;
    for _ in 0..r.count(32)? {
        let name = r.text()?;
        let (at, n, hash) = (r.u64()?, r.u64()?, r.u64()?);
        if name == worker {
            found = Some((at, n, hash));
            break;
        }
    }
    let (at, n, hash) = found?;
    file.seek(SeekFrom::Start(at)).ok()?;
    let mut bytes = vec![0u8; usize::try_from(n).ok()?];
    file.read_exact(&mut bytes).ok()?;
    let mut h = hasher();
    h.write(&bytes);
    (h.finish() == hash).then_some(())?;
    let mut r = bin::Reader { bytes: &bytes };
    let n = r.count(1)?;
    let roster = Roster::from_bytes(r.take(n)?)?;
    let mut households = Vec::with_capacity(roster.households_len());
    for _ in 0..r.count(4)? {
        let k = r.u32()?;
        ((k as usize) < head.whole).then_some(())?;
        households.push(k);
    }
    let mut offsets = Vec::with_capacity(roster.residents_len());
    for _ in 0..r.count(8)? {
        offsets.push(r.u64()?);
    }
    let fits = households.len() == roster.households_len()
        && offsets.len() == roster.residents_len()
        && r.bytes.is_empty();
    fits.then_some(Slice {
        roster,
        households,
        offsets,
        origin: head.origin,
        whole: head.whole,
    })
}

/// Where each resident of `roster` (read from the cache) starts its line
/// in residents.csv, when the kept offsets stand for the files as they
/// are; `None` otherwise, or when none could be kept.
pub fn lines(dir: &Path, roster_path: &Path, history: &Path, roster: &Roster) -> Option<Vec<u64>> {
    let state = state(dir, roster_path, history, false)?;
    let origin = roster.origin?;
    let bytes = fs::read(dir.join(DIR).join(LINES)).ok()?;
    // The file's seal, then the hash of all before it: of the head, then
    // of each piece of offsets.
    let body = bytes.get(..bytes.len().checked_sub(SEAL as usize + 8)?)?;
    let stored = bytes.get(body.len()..body.len() + 8)?;
    let mut r = bin::Reader { bytes: body };
    (r.take(LINES_MAGIC.len())? == LINES_MAGIC).then_some(())?;
    let expected = head(&state, origin, roster.residents_len());
    (r.take(expected.len())? == expected).then_some(())?;
    let n = r.count(8)?;
    (n == roster.residents_len() && r.bytes.len() == n * 8).then_some(())?;
    let mut h = hasher();
    h.write(&body[..body.len() - r.bytes.len()]);
    for piece in r.bytes.chunks(LINES_PIECE * 8) {
        h.write(piece);
    }
    if h.finish().to_le_bytes() != stored {
        // Damaged: thrown away, for the next `due` to keep anew.
        let _ = fs::remove_file(dir.join(DIR).join(LINES));
        return None;
    }
    let lines = r.bytes.chunks_exact(8);
    Some(
        lines
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect(),
    )
}

/// Cuts `roster` (as commands see it, read with no problem at all) into
/// the workers' slices and keeps them, unless files changed in the last
/// moments. Best effort: a folder that cannot be written is no loss.
pub fn keep(dir: &Path, roster_path: &Path, history: &Path, roster: &Roster) {
    let (Some(state), Some(origin)) = (state(dir, roster_path, history, true), roster.origin)
    else {
        return;
    };
    let lines = crate::data::names::line_starts(roster_path, roster, 0..roster.residents_len())
        .unwrap_or(None);
    // No offsets (a spreadsheet, a file with a lone CR): none are kept.
    let kept = lines.as_deref().unwrap_or_default();
    let mut w = bin::Writer::default();
    w.bytes.extend_from_slice(LINES_MAGIC);
    w.bytes
        .extend_from_slice(&head(&state, origin, roster.residents_len()));
    w.u64(kept.len() as u64);
    let _ = write_atomic(dir, LINES, |out| {
        // Written and hashed a piece at a time (see `lines`).
        let mut h = hasher();
        h.write(&w.bytes);
        out.write_all(&w.bytes)?;
        for piece in kept.chunks(LINES_PIECE) {
            let bytes: Vec<u8> = piece.iter().flat_map(|at| at.to_le_bytes()).collect();
            h.write(&bytes);
            out.write_all(&bytes)?;
        }
        out.write_all(&h.finish().to_le_bytes())
    });
    let head = head(&state, origin, roster.households_len());
    let _ = write_atomic(dir, SLICES, |out| {
        out.write_all(&head)?;
        let mut at = head.len() as u64;
        let mut index = bin::Writer::default();
        let workers = roster.households_by_worker();
        let named: Vec<&(&str, Vec<u32>)> = workers
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .collect();
        index.u64(named.len() as u64);
        // Each worker's slice made on every core, a few workers at a time
        // (so that only a few slices are held), and written in order.
        let lanes = crate::cores::lanes(roster.households_len());
        let lines = lines.as_deref();
        let make = |(_, list): &&(&str, Vec<u32>)| slice_bytes(roster, list, lines);
        crate::cores::in_rounds(&named, lanes, SLICES_A_LANE, make, |(worker, _), bytes| {
            let bytes = bytes?;
            let mut h = hasher();
            h.write(&bytes);
            out.write_all(&bytes)?;
            index.text(worker);
            index.u64(at);
            index.u64(bytes.len() as u64);
            index.u64(h.finish());
            at += bytes.len() as u64;
            Ok::<_, std::io::Error>(())
        })?;
        let mut h = hasher();
        h.write(&head);
        h.write(&index.bytes);
        out.write_all(&index.bytes)?;
        let mut t = bin::Writer::default();
        t.u64(at);
        t.u64(index.bytes.len() as u64);
        t.u64(h.finish());
        out.write_all(&t.bytes)
    });
}

/// Slices made by one thread at a time (see `keep`).
const SLICES_A_LANE: usize = 4;

/// One worker's slice as `keep` writes it: the subset of the households
/// `list` (roster indices), the indices, and the line offsets of its
/// residents (`u64::MAX` without `lines`).
fn slice_bytes(roster: &Roster, list: &[u32], lines: Option<&[u64]>) -> std::io::Result<Vec<u8>> {
    let part = roster.subset(list);
    let mut w = bin::Writer::default();
    let mut body = Vec::new();
    part.write_cache(&mut body)?;
    w.u64(body.len() as u64);
    w.bytes.extend_from_slice(&body);
    w.u64(list.len() as u64);
    for &k in list {
        w.u32(k);
    }
    // The subset's residents, in the roster's order, are those of its
    // members: their offsets in the same order.
    let mut residents: Vec<u32> = list
        .iter()
        .flat_map(|&h| roster.member_residents_of(h as usize).iter().copied())
        .collect();
    residents.sort_unstable();
    residents.dedup();
    w.u64(residents.len() as u64);
    for r in residents {
        w.u64(lines.map_or(u64::MAX, |l| l[r as usize]));
    }
    Ok(w.bytes)
}
