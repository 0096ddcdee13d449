//! Whether a cache still stands for its file: the file's stamp, samples
//! of its bytes, and a hash of all the bytes the cache covers.

use std::fs::{File, Metadata};
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::path::Path;

use super::file::CHUNK;

/// A file changed this recently may change again within the same
/// timestamp; no cache is written for it.
const RACY_SECS: u64 = 2;

/// What identifies a state of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) mtime: i64,
    pub(super) ctime: i64,
}

#[cfg(unix)]
pub(super) fn stamp(meta: &Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        dev: meta.dev(),
        ino: meta.ino(),
        mtime: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
        ctime: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
    }
}

#[cfg(not(unix))]
pub(super) fn stamp(meta: &Metadata) -> Stamp {
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

pub(super) fn hasher() -> foldhash::quality::FoldHasher<'static> {
    foldhash::quality::FixedState::with_seed(0x7265_636f_7264).build_hasher()
}

/// A hash of the first and last 64 KiB of the file's first `len` bytes
/// and of 4 KiB at every 4 MiB between.
pub(super) fn samples(path: &Path, len: u64) -> std::io::Result<u64> {
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
pub(super) struct Prefix {
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
    /// The hash of the first `len` bytes, taken ahead (`ahead`): `hash`
    /// holds nothing of them, and going on starts over.
    known: Option<u64>,
}

impl Prefix {
    /// Hashes on, up to byte `to` of the file; false when the file ends
    /// before it.
    pub(super) fn extend(&mut self, path: &Path, to: u64) -> std::io::Result<bool> {
        use std::io::Seek;
        if to <= self.len {
            return Ok(to == self.len);
        }
        if self.known.is_some() {
            *self = Prefix::default();
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

    pub(super) fn digest(&self) -> u64 {
        self.known.unwrap_or_else(|| self.hash.digest())
    }
}

/// The hash of the file's first `len` bytes, when it has that many.
fn prefix(path: &Path, len: u64) -> Option<Prefix> {
    if let Some(hash) = super::ahead::hash(path, len) {
        return Some(Prefix {
            len,
            known: Some(hash),
            ..Prefix::default()
        });
    }
    let mut p = Prefix::default();
    p.extend(path, len).ok()?.then_some(p)
}

/// The hash of the file's first `end` bytes for a new cache, hashing on
/// from `verified` (the bytes an old cache covers, hashed to trust it)
/// when there is one; `None` when the file ends before.
pub(super) fn hash_on(verified: Option<Prefix>, path: &Path, end: u64) -> Option<u64> {
    if let Some(hash) = super::ahead::hash(path, end) {
        return Some(hash);
    }
    let mut p = verified.unwrap_or_default();
    p.extend(path, end).ok()?.then(|| p.digest())
}

/// Whether a cache of the first `covered` bytes of a file, made when the
/// file had `then` as its stamp, still stands for the file (`now`, `len`
/// bytes, of which `end` are to be read): `Some` with the hash of the
/// covered bytes when they had to be hashed (the file is not exactly as
/// the cache saw it), `Some(None)` when the file is exactly as it was.
#[allow(clippy::too_many_arguments)]
pub(super) fn still_matches(
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

/// Whether a file changed too recently for its stamp to tell a later
/// change within the same tick of the clock.
pub(super) fn racy(meta: &Metadata) -> bool {
    let age = meta.modified().ok().map(|m| {
        std::time::SystemTime::now()
            .duration_since(m)
            .unwrap_or_default()
    });
    age.is_none_or(|a| a.as_secs() < RACY_SECS)
}
