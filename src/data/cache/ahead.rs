//! The visit log's hash, taken ahead. A cache written for the log keeps
//! the hash of the bytes it covers, and a cache that covers a part of a
//! log that changed is checked by the hash of that part (`stamp`): for a
//! city's log, a pass over a gigabyte on one core, which would hold up
//! the first command after the log was replaced or added to. Started as
//! the command starts, on a thread of its own, the pass runs while the
//! roster is read (which leaves a core free much of the time), and the
//! hashes are ready when the cache asks for them.
//!
//! A hash taken ahead answers only for the file exactly as it was when the
//! pass started (the same stamp and length now); else the cache hashes
//! the file itself, as it would have without it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::DIR;
use super::file::CHUNK;
use super::stamp::{Prefix, Stamp, racy, stamp};

/// The passes of this process: one for each log (a command may read the
/// logs of several communities, a few at a time). Waiting for one pass
/// holds only its own lock.
static AHEAD: Mutex<Vec<Arc<Ahead>>> = Mutex::new(Vec::new());

struct Ahead {
    path: PathBuf,
    stamp: Stamp,
    len: u64,
    /// The lengths hashed, in order.
    at: Vec<u64>,
    hashes: Mutex<Hashes>,
}

enum Hashes {
    Running(JoinHandle<Option<Vec<u64>>>),
    /// The hash of the first `at[k]` bytes for each `k`; `None` when the
    /// file could not be read to the end of them.
    Done(Option<Vec<u64>>),
}

/// Starts hashing the visit log at `path` (its first `limit` bytes at
/// most) when a command with the cache in `dir` will need the hashes:
/// when a cache of the log stands for another state of it, or there is
/// none. Hashes the lengths the caches cover and the length to read.
pub fn start(dir: &Path, path: &Path, limit: Option<u64>) {
    let Ok(meta) = fs::metadata(path) else {
        return;
    };
    // A log written moments ago gets no cache (`racy`): nothing to hash.
    if racy(&meta) {
        return;
    }
    let now = stamp(&meta);
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    let mut at = vec![end];
    let mut needed = false;
    for (name, magic) in super::visits::LOG_CACHES {
        match covered(&dir.join(DIR).join(name), magic) {
            // Exactly as the cache saw it: no hash is taken.
            Some((then, covered)) if then == now && covered == end => {}
            Some((then, covered)) => {
                needed = true;
                let same_file = (then.dev, then.ino) == (now.dev, now.ino);
                if same_file && covered < end {
                    at.push(covered);
                }
            }
            None => needed = true,
        }
    }
    if !needed {
        return;
    }
    at.sort_unstable();
    at.dedup();
    let (file, lengths) = (path.to_path_buf(), at.clone());
    let pass = std::thread::spawn(move || {
        let mut p = Prefix::default();
        let mut hashes = Vec::with_capacity(lengths.len());
        for len in lengths {
            if !p.extend(&file, len).ok()? {
                return None;
            }
            hashes.push(p.digest());
        }
        Some(hashes)
    });
    if let Ok(mut passes) = AHEAD.lock() {
        passes.retain(|a| a.path != path);
        passes.push(Arc::new(Ahead {
            path: path.to_path_buf(),
            stamp: now,
            len: meta.len(),
            at,
            hashes: Mutex::new(Hashes::Running(pass)),
        }));
    }
}

/// The hash of the first `len` bytes of the log at `path`, when taken
/// ahead of the file as it is now; waits for the pass to end.
pub(super) fn hash(path: &Path, len: u64) -> Option<u64> {
    let ahead = {
        let passes = AHEAD.lock().ok()?;
        Arc::clone(passes.iter().find(|a| a.path == path)?)
    };
    let k = ahead.at.iter().position(|&a| a == len)?;
    let meta = fs::metadata(path).ok()?;
    if (stamp(&meta), meta.len()) != (ahead.stamp, ahead.len) {
        return None;
    }
    let mut hashes = ahead.hashes.lock().ok()?;
    if let Hashes::Running(_) = *hashes {
        let Hashes::Running(pass) = std::mem::replace(&mut *hashes, Hashes::Done(None)) else {
            unreachable!("matched above")
        };
        *hashes = Hashes::Done(pass.join().ok().flatten());
    }
    match &*hashes {
        Hashes::Done(hashes) => hashes.as_ref()?.get(k).copied(),
        Hashes::Running(_) => None,
    }
}

/// The state of the log a cache file stands for and the length it covers,
/// from its head alone (a hint of what to hash: the cache itself is
/// checked whole when it is read).
fn covered(path: &Path, magic: &[u8]) -> Option<(Stamp, u64)> {
    use std::io::Read;
    let mut head = vec![0u8; 4096.min(CHUNK)];
    let n = fs::File::open(path).ok()?.read(&mut head).ok()?;
    let f = super::file::head_of(&head[..n], magic)?;
    Some((f.stamp, f.covered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_taken_ahead_are_the_hashes_taken_then_and_only_for_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("visits.csv");
        let text: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&log, &text).unwrap();
        // Settled, as a log is when a cache is written for it.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        fs::File::options()
            .write(true)
            .open(&log)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let direct = |len: u64| {
            let mut p = Prefix::default();
            assert!(p.extend(&log, len).unwrap());
            p.digest()
        };
        // No cache: the whole log, or the part to read, is hashed.
        start(dir.path(), &log, Some(2_500_000));
        assert_eq!(hash(&log, 2_500_000), Some(direct(2_500_000)));
        assert_eq!(hash(&log, 1_000), None, "a length not hashed");
        assert_eq!(hash(&dir.path().join("other.csv"), 2_500_000), None);
        start(dir.path(), &log, None);
        assert_eq!(hash(&log, 3_000_000), Some(direct(3_000_000)));
        // A cache that covers the first part of the log (written before
        // rows were added to it): that part is hashed too, to check it.
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        let mut cache = super::super::file::head(
            super::super::visits::LOG_CACHES[0].1,
            stamp(&fs::metadata(&log).unwrap()),
            1_234_567,
            0,
            0,
        );
        cache.extend_from_slice(&[0; 64]);
        fs::write(
            dir.path()
                .join(DIR)
                .join(super::super::visits::LOG_CACHES[0].0),
            &cache,
        )
        .unwrap();
        start(dir.path(), &log, None);
        assert_eq!(hash(&log, 1_234_567), Some(direct(1_234_567)));
        assert_eq!(hash(&log, 3_000_000), Some(direct(3_000_000)));
        // Another community's log, hashed beside this one: each its own.
        let other = tempfile::tempdir().unwrap();
        let other_log = other.path().join("visits.csv");
        fs::write(&other_log, &text[..2_000_000]).unwrap();
        fs::File::options()
            .write(true)
            .open(&other_log)
            .unwrap()
            .set_modified(old)
            .unwrap();
        start(other.path(), &other_log, None);
        start(dir.path(), &log, None);
        assert_eq!(hash(&other_log, 2_000_000), Some(direct(2_000_000)));
        assert_eq!(hash(&log, 3_000_000), Some(direct(3_000_000)));
        assert_eq!(hash(&other_log, 3_000_000), None);
        // Changed since: the hash is not given.
        fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"more"))
            .unwrap();
        assert_eq!(hash(&log, 3_000_000), None);
    }
}
