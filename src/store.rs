//! Writing to the data directory, safely.
//!
//! - **One lock.** Every write holds an exclusive `flock` on `.rounds.lock`
//!   in the data directory; readers hold a shared one, so a reader never
//!   sees a write half done. A second writer waits, and says so.
//! - **Appends that roll back.** An append first records the file's length
//!   in a journal (`.visits.csv.journal`, written aside and renamed into
//!   place), then appends and syncs, then removes the journal. A process
//!   killed at any instant leaves either no journal (the append is whole) or
//!   a journal that the next `rounds` to take the lock uses to cut the file
//!   back to its old length; until then readers read only that many bytes.
//!   This is SQLite's rollback journal, for a CSV file.
//! - **Files replaced together.** Several files that must change together
//!   (the roster and history.csv) are replaced all or none (`commit`).
//! - **Files appear whole.** New files are written aside and linked or
//!   renamed into place.
//! - **Files keep who may read them.** A file written anew over an old one
//!   (needs.csv on `need update`, visits.csv, a report) keeps the old one's
//!   mode, and its owner and group where the process may set them: a
//!   ledger shared by an office group stays shared. A new file follows the
//!   umask, as any program's would; only what must stay private (a report
//!   with `--reveal`) is made owner-only (0600 on Unix).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

pub mod commit;

pub const LOCK_FILE: &str = ".rounds.lock";

/// Who may read and write a file the tool writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A new file follows the umask; one written over an old file keeps
    /// the old file's mode, owner and group.
    Usual,
    /// Owner-only (0600 on Unix), whatever the umask and the old file:
    /// a file that shows personal data in full.
    Private,
}

/// Opens a new file for writing. `mode` is what the file may at most
/// allow (the umask takes from it); `None`: 0666, the usual.
fn new_file(path: &Path, mode: Option<u32>) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    o.open(path)
}

/// The mode a new file written over `old` is created with: never more
/// than the old file allowed, nor than `access` allows.
fn creation_mode(old: Option<&std::fs::Metadata>, access: Access) -> Option<u32> {
    match (access, old) {
        (Access::Private, _) => Some(0o600),
        #[cfg(unix)]
        (Access::Usual, Some(old)) => {
            use std::os::unix::fs::PermissionsExt;
            Some(old.permissions().mode() & 0o777)
        }
        _ => None,
    }
}

/// Gives `file`, written to replace a file with metadata `old`, the old
/// file's owner, group and mode, as far as the process may: only root can
/// give a file away, a member of the group can set the group; what cannot
/// be set is left (the file was created with no more than the old mode).
#[cfg(unix)]
fn keep_access(file: &File, old: &std::fs::Metadata) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    if let Ok(new) = file.metadata()
        && (new.uid(), new.gid()) != (old.uid(), old.gid())
        && fchown(file, Some(old.uid()), Some(old.gid())).is_err()
    {
        let _ = fchown(file, None, Some(old.gid()));
    }
    // The umask took from the mode it was created with; give it back.
    let _ = file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777));
}

/// What a write is about to do to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Write into it (an append).
    Write,
    /// Replace it with a file renamed over it, or move it away.
    Replace,
}

/// Fails with `Error::InUse` when another program holds `path` open so
/// that it cannot be used as `how` says. Excel and WPS keep a file they
/// show open and share it for reading only: Windows then refuses to
/// write, replace or move it. A write looks first, so that it stops before
/// anything is written rather than half way. A file that does not exist
/// is free; elsewhere than on Windows every file is.
pub fn ensure_free(path: &Path, how: Use) -> Result<(), Error> {
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // Replacing a file or moving it away takes DELETE access to it;
        // the share mode stays the default (read, write and delete).
        const DELETE: u32 = 0x0001_0000;
        let mut o = OpenOptions::new();
        match how {
            Use::Write => o.write(true),
            Use::Replace => o.access_mode(DELETE),
        };
        match o.open(path) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(path, e)),
        }
    }
    #[cfg(not(windows))]
    {
        let _ = (path, how);
        Ok(())
    }
}

/// The error of a failed replacement of `path`. Windows refuses to
/// rename over a file another program holds open with "access denied",
/// which also means a read-only file: asked again, the file says which.
fn replace_failed(path: &Path, e: std::io::Error) -> Error {
    if cfg!(windows)
        && e.raw_os_error() == Some(5)
        && let Err(held @ Error::InUse(_)) = ensure_free(path, Use::Replace)
    {
        return held;
    }
    Error::io(path, e)
}

/// A temporary name beside `path`, unique to this process.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    path.with_file_name(format!(".{name}.{}.{stamp}.tmp", std::process::id()))
}

/// Makes a rename or unlink in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `path` with `content` unless it exists. The file appears whole
/// or not at all (written aside, then linked into place, which fails
/// rather than overwrite). Returns false when the file already existed.
pub fn create_new(path: &Path, content: &[u8]) -> Result<bool, Error> {
    if path.exists() {
        return Ok(false);
    }
    let tmp = temp_beside(path);
    let result = (|| {
        let mut f = new_file(&tmp, None)?;
        f.write_all(content)?;
        f.sync_all()?;
        let linked = match std::fs::hard_link(&tmp, path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            // A file system without hard links (FAT on a USB stick, some
            // shares): create the file directly; create_new still refuses
            // to overwrite.
            Err(_) => match new_file(path, None) {
                Ok(mut f) => {
                    f.write_all(content)?;
                    f.sync_all()?;
                    true
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                Err(e) => return Err(e),
            },
        };
        sync_dir(parent(path))?;
        Ok(linked)
    })();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| Error::io(path, e))
}

/// The `n`th name a file called `name` may take in a folder where the
/// names before it are taken: `day.csv`, `day-2.csv`, `day-3.csv` …
fn nth_name(name: &std::ffi::OsStr, n: u32) -> std::ffi::OsString {
    if n <= 1 {
        return name.to_owned();
    }
    let path = Path::new(name);
    match (path.file_stem(), path.extension()) {
        (Some(stem), Some(ext)) => {
            let mut s = stem.to_owned();
            s.push(format!("-{n}."));
            s.push(ext);
            s
        }
        _ => {
            let mut s = name.to_owned();
            s.push(format!("-{n}"));
            s
        }
    }
}

/// How many numbered names `create_free` and `move_free` try.
const MAX_NAMES: u32 = 10_000;

/// Creates a file named `name` in `dir` (made if missing) with `content`,
/// never over a file there: when `name` is taken, the first free one of
/// `stem-2.ext`, `stem-3.ext` … The file appears whole. Returns its path.
pub fn create_free(dir: &Path, name: &str, content: &[u8]) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for n in 1..=MAX_NAMES {
        let path = dir.join(nth_name(name.as_ref(), n));
        if create_new(&path, content)? {
            return Ok(path);
        }
    }
    Err(Error::io(
        dir.join(name),
        std::io::ErrorKind::AlreadyExists.into(),
    ))
}

/// Moves the file `from` into `dir` (made if missing) under its own name,
/// or the first free numbered one (`create_free`): never over a file
/// there. A file already in `dir` stays where it is. Across file systems
/// it is copied, synced, and only then removed. Returns where it went.
pub fn move_free(from: &Path, dir: &Path) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let source_dir = parent(from);
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(source_dir, dir) {
        return Ok(from.to_path_buf());
    }
    ensure_free(from, Use::Replace)?;
    let name = from
        .file_name()
        .ok_or_else(|| Error::io(from, std::io::ErrorKind::InvalidInput.into()))?;
    for n in 1..=MAX_NAMES {
        let to = dir.join(nth_name(name, n));
        // A link, unlike a rename, never replaces a file of that name.
        let placed = match std::fs::hard_link(from, &to) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // Another file system, or one without hard links: a copy.
            Err(_) => copy_new(from, &to),
        };
        match placed {
            Ok(()) => {
                sync_dir(dir).map_err(|e| Error::io(dir, e))?;
                std::fs::remove_file(from).map_err(|e| Error::io(from, e))?;
                sync_dir(source_dir).map_err(|e| Error::io(source_dir, e))?;
                return Ok(to);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&to, e)),
        }
    }
    Err(Error::io(
        dir.join(name),
        std::io::ErrorKind::AlreadyExists.into(),
    ))
}

/// Copies `from` to `to`, which must not exist, whole and synced, with
/// the mode of `from`; nothing is left at `to` if it fails.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = File::open(from)?;
    let mut copy = new_file(to, None)?;
    let result = (|| {
        std::io::copy(&mut source, &mut copy)?;
        let _ = copy.set_permissions(source.metadata()?.permissions());
        copy.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(to);
    }
    result
}

/// Writes `path` whole, replacing what was there: written aside, synced,
/// then renamed into place. It keeps the mode, owner and group of the
/// file it replaces; a new file follows the umask.
pub fn replace(path: &Path, content: &[u8]) -> Result<(), Error> {
    replace_as(path, content, Access::Usual)
}

/// `replace`, with the access given.
pub fn replace_as(path: &Path, content: &[u8], access: Access) -> Result<(), Error> {
    replace_with(path, access, |f| f.write_all(content))
}

/// How much of a new file one write hands the kernel at most.
pub const WRITE_PIECE: usize = 64 << 10;

/// Writes `bytes` to a new file a piece (`WRITE_PIECE`) at a time. The
/// kernel gives a file's cache pages as large as the write that fills
/// them, and large pages are slow to come by where memory is short or
/// goes back to a virtual machine's host: a city's first `due`, which
/// writes some 600 MB of cache, took 3.25 s in writes of a megabyte and
/// 2.83 s in these (its time in the kernel 1.56 against 1.02 s).
pub fn write_pieces(out: &mut (impl Write + ?Sized), bytes: &[u8]) -> std::io::Result<()> {
    for piece in bytes.chunks(WRITE_PIECE) {
        out.write_all(piece)?;
    }
    Ok(())
}

/// `replace`, with the new content written by `write` into the file
/// aside (a file too large to hold in memory whole).
pub fn replace_with(
    path: &Path,
    access: Access,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let tmp = temp_beside(path);
    let old = match std::fs::metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e)),
    };
    ensure_free(path, Use::Replace)?;
    let result = (|| {
        let mut f = new_file(&tmp, creation_mode(old.as_ref(), access))?;
        #[cfg(unix)]
        if let (Access::Usual, Some(old)) = (access, &old) {
            keep_access(&f, old);
        }
        write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(parent(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| replace_failed(path, e))
}

/// A held lock on the data directory; released when dropped.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

fn lock_path(dir: &Path) -> PathBuf {
    dir.join(LOCK_FILE)
}

/// The lock file, opened for reading: `flock` needs no more, so every
/// account that may read the directory can take the lock (cron under one
/// user, a worker under another). It is empty and holds nothing personal,
/// so it is created readable by all (0644).
fn open_lock_file(dir: &Path) -> std::io::Result<File> {
    let path = lock_path(dir);
    match File::open(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut o = OpenOptions::new();
            o.write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o644);
            }
            o.open(&path)?;
            File::open(&path)
        }
        other => other,
    }
}

/// Takes a lock on `file`, exclusive or shared, calling `waiting` once if
/// it is not free within a second, then waiting for it.
fn acquire(file: &File, exclusive: bool, waiting: impl FnOnce()) -> std::io::Result<()> {
    let started = Instant::now();
    let mut waiting = Some(waiting);
    loop {
        let attempt = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match attempt {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {
                if started.elapsed() >= Duration::from_secs(1)
                    && let Some(say) = waiting.take()
                {
                    say();
                    return if exclusive {
                        file.lock()
                    } else {
                        file.lock_shared()
                    };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// `file` with its lock let go. Should unlocking fail (Wine refuses to
/// unlock a whole-file lock), the file is closed, which lets go of its
/// locks everywhere, and opened again.
fn unlocked(file: File, dir: &Path) -> std::io::Result<File> {
    match file.unlock() {
        Ok(()) => Ok(file),
        Err(_) if cfg!(windows) => {
            drop(file);
            open_lock_file(dir)
        }
        Err(e) => Err(e),
    }
}

/// Takes the exclusive write lock of `dir`, waiting for another writer
/// (`waiting` is called once if that takes more than a second), and rolls
/// back any append that a killed process left unfinished.
pub fn write_lock(dir: &Path, waiting: impl FnOnce()) -> Result<DirLock, Error> {
    let file = open_lock_file(dir).map_err(|e| Error::io(lock_path(dir), e))?;
    acquire(&file, true, waiting).map_err(|e| Error::io(lock_path(dir), e))?;
    let lock = DirLock { _file: file };
    recover(dir)?;
    Ok(lock)
}

/// Takes a shared lock of `dir` for reading, so that no write is half done
/// while the files are read. If a killed writer left an append unfinished
/// and no one holds the lock, it is rolled back first; while another
/// reader holds it, `committed_len` keeps this one from the append. A
/// commit of several files left unfinished is looked for again under the
/// lock, and always completed before anything is read: the shared lock is
/// traded for the exclusive one (waiting for the readers at work),
/// `recover` runs, and the lock is traded back. Looking before the lock
/// is not enough: a writer this waits for may be killed half way, and
/// whoever else holds the lock when this comes (a reader) may not have
/// completed it. Without write access to the directory (no lock file can
/// be made) it reads unlocked.
pub fn read_lock(dir: &Path, waiting: impl FnOnce()) -> Result<Option<DirLock>, Error> {
    let Ok(mut file) = open_lock_file(dir) else {
        return Ok(None);
    };
    let io = |e| Error::io(lock_path(dir), e);
    let mut waiting = Some(waiting);
    let mut say = || {
        if let Some(say) = waiting.take() {
            say();
        }
    };
    let unfinished =
        JOURNALED.iter().any(|f| journal_path(dir, f).exists()) || commit::pending(dir);
    if unfinished && file.try_lock().is_ok() {
        // Nobody is at work: the leftovers are a crash's.
        recover(dir)?;
        file = unlocked(file, dir).map_err(io)?;
    }
    acquire(&file, false, &mut say).map_err(io)?;
    while commit::pending(dir) {
        // flock(2) trades one lock for another by letting go first, so a
        // writer may get in between either way; the loop looks again.
        file = unlocked(file, dir).map_err(io)?;
        acquire(&file, true, &mut say).map_err(io)?;
        recover(dir)?;
        file = unlocked(file, dir).map_err(io)?;
        acquire(&file, false, &mut say).map_err(io)?;
    }
    Ok(Some(DirLock { _file: file }))
}

/// Files whose appends are journaled.
const JOURNALED: &[&str] = &["visits.csv", "needs.csv"];

fn journal_path(dir: &Path, file: &str) -> PathBuf {
    dir.join(format!(".{file}.journal"))
}

/// The length `file` had before an append that did not finish, if one
/// did not: readers read only that much.
pub fn committed_len(dir: &Path, file: &str) -> Option<u64> {
    let text = std::fs::read_to_string(journal_path(dir, file)).ok()?;
    parse_journal(&text)
}

fn parse_journal(text: &str) -> Option<u64> {
    let mut lines = text.lines();
    (lines.next()? == "rounds journal 1").then_some(())?;
    lines.next()?.trim().parse().ok()
}

/// Rolls back appends that did not finish (a crash, a kill -9), completes
/// a replacement of several files whose intent is in place (`commit`), and
/// removes the temporary files a killed writer left. Called with the
/// write lock held. A journal is removed only once its file is back to
/// its old length.
fn recover(dir: &Path) -> Result<(), Error> {
    commit::recover(dir)?;
    for file in JOURNALED {
        let jpath = journal_path(dir, file);
        let text = match std::fs::read_to_string(&jpath) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(&jpath, e)),
        };
        if jpath.exists() {
            let len = parse_journal(&text).ok_or_else(|| Error::BadJournal(jpath.clone()))?;
            let path = dir.join(file);
            match OpenOptions::new().write(true).open(&path) {
                Ok(f) => {
                    let now = f.metadata().map_err(|e| Error::io(&path, e))?.len();
                    if now > len {
                        f.set_len(len).map_err(|e| Error::io(&path, e))?;
                        f.sync_all().map_err(|e| Error::io(&path, e))?;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            std::fs::remove_file(&jpath).map_err(|e| Error::io(&jpath, e))?;
        }
        // Temporary files of this file and of its journal (`temp_beside`).
        let prefixes = [format!(".{file}."), format!("..{file}.journal.")];
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".tmp") && prefixes.iter().any(|p| name.starts_with(p.as_str())) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    sync_dir(dir).map_err(|e| Error::io(dir, e))
}

/// Appends `bytes` to `dir/file` so that the append is whole or rolled
/// back (see the module docs). The caller holds the write lock.
pub fn append(dir: &Path, file: &str, bytes: &[u8], _lock: &DirLock) -> Result<(), Error> {
    debug_assert!(JOURNALED.contains(&file));
    let path = dir.join(file);
    let io = |e| Error::io(&path, e);
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let jpath = journal_path(dir, file);
    replace(&jpath, format!("rounds journal 1\n{len}\n").as_bytes())?;
    f.seek(SeekFrom::Start(len)).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::remove_file(&jpath).map_err(|e| Error::io(&jpath, e))?;
    sync_dir(dir).map_err(|e| Error::io(dir, e))?;
    Ok(())
}

/// The last byte of a file (to know whether it ends with a line break).
pub fn last_byte(path: &Path, len: u64) -> std::io::Result<Option<u8>> {
    if len == 0 {
        return Ok(None);
    }
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(len - 1))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b)?;
    Ok(Some(b[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_written_whole_a_piece_at_a_time() {
        /// Keeps what is written, and how much each write gave it.
        #[derive(Default)]
        struct Writes(Vec<u8>, Vec<usize>);
        impl Write for Writes {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.extend_from_slice(buf);
                self.1.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        for len in [0, 1, WRITE_PIECE - 1, WRITE_PIECE, 3 * WRITE_PIECE + 7] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut out = Writes::default();
            write_pieces(&mut out, &bytes).unwrap();
            assert_eq!(out.0, bytes, "{len} bytes");
            assert!(
                out.1.iter().all(|&n| n <= WRITE_PIECE),
                "{len}: {:?}",
                out.1
            );
            assert_eq!(out.1.len(), len.div_ceil(WRITE_PIECE), "{len} bytes");
        }
    }

    #[test]
    fn an_unfinished_append_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("visits.csv");
        std::fs::write(&path, "date,household\n2020-01-01,A\n").unwrap();
        // A process died after journaling and writing part of its rows.
        std::fs::write(
            journal_path(dir.path(), "visits.csv"),
            "rounds journal 1\n28\n",
        )
        .unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"2020-01-02,B\n2020-01-0").unwrap();
        assert_eq!(committed_len(dir.path(), "visits.csv"), Some(28));
        let lock = write_lock(dir.path(), || {}).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "date,household\n2020-01-01,A\n"
        );
        assert_eq!(committed_len(dir.path(), "visits.csv"), None);
        // A temporary file a killed writer left behind is gone too.
        let stray = dir.path().join(".visits.csv.123.456.tmp");
        std::fs::write(&stray, "x").unwrap();
        drop(lock);
        let lock = write_lock(dir.path(), || {}).unwrap();
        assert!(!stray.exists());
        append(dir.path(), "visits.csv", b"2020-01-03,C\n", &lock).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "date,household\n2020-01-01,A\n2020-01-03,C\n"
        );
        assert!(!journal_path(dir.path(), "visits.csv").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_written_anew_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("needs.csv");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        replace(&path, b"new").unwrap();
        assert_eq!(
            (std::fs::read(&path).unwrap(), mode(&path)),
            (b"new".to_vec(), 0o664)
        );
        // Owner-only, whatever the old file allowed.
        replace_as(&path, b"private", Access::Private).unwrap();
        assert_eq!(mode(&path), 0o600);
        // And kept so.
        replace(&path, b"again").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn files_are_never_put_over_others() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        let done = dir.path().join("done");
        std::fs::create_dir(&inbox).unwrap();
        for (i, want) in ["day.csv", "day-2.csv", "day-3.csv"].iter().enumerate() {
            let log = inbox.join("day.csv");
            std::fs::write(&log, format!("night {i}")).unwrap();
            assert_eq!(move_free(&log, &done).unwrap(), done.join(want));
            assert!(!log.exists());
        }
        assert_eq!(
            std::fs::read_to_string(done.join("day-2.csv")).unwrap(),
            "night 1"
        );
        // A file already there stays.
        let there = done.join("day.csv");
        assert_eq!(move_free(&there, &done).unwrap(), there);
        assert_eq!(std::fs::read_to_string(&there).unwrap(), "night 0");
        // Names without an extension, and rejects files.
        assert_eq!(nth_name("log".as_ref(), 2), "log-2");
        let rejects = dir.path().join("rejects");
        for want in ["day.rejects.csv", "day.rejects-2.csv"] {
            let path = create_free(&rejects, "day.rejects.csv", b"x").unwrap();
            assert_eq!(path, rejects.join(want));
        }
    }

    #[test]
    fn a_foreign_journal_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("visits.csv"), "date,household\n").unwrap();
        std::fs::write(journal_path(dir.path(), "visits.csv"), "something else\n").unwrap();
        assert!(write_lock(dir.path(), || {}).is_err());
        assert!(journal_path(dir.path(), "visits.csv").exists());
    }

    /// The files a reader of `dir` sees, once `read_lock` returns.
    fn reader(
        dir: &Path,
        waits: std::sync::mpsc::Sender<()>,
    ) -> std::thread::JoinHandle<(Option<String>, Option<String>)> {
        let d = dir.to_path_buf();
        std::thread::spawn(move || {
            let lock = read_lock(&d, move || waits.send(()).unwrap()).unwrap();
            assert!(lock.is_some());
            let read = |n: &str| std::fs::read_to_string(d.join(n)).ok();
            (read("a.csv"), read("b.csv"))
        })
    }

    /// a.csv and b.csv replaced together, stopped after the intent and the
    /// first rename: a.csv is new, b.csv not there yet.
    const NEW: [(&str, &[u8]); 2] = [("a.csv", b"new a"), ("b.csv", b"new b")];
    const STEPS: usize = 4;

    #[test]
    fn a_reader_finishes_a_commit_of_the_writer_it_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        let writer = write_lock(dir.path(), || {}).unwrap();
        let (waits, waiting) = std::sync::mpsc::channel();
        let reader = reader(dir.path(), waits);
        // The reader waits for the writer, which is killed half way.
        waiting.recv().unwrap();
        commit::interrupted(dir.path(), &NEW, STEPS, &writer).unwrap();
        drop(writer);
        let both_new = (Some("new a".to_string()), Some("new b".to_string()));
        assert_eq!(reader.join().unwrap(), both_new);
        assert!(!commit::pending(dir.path()));
    }

    #[test]
    fn a_reader_finishes_a_commit_while_another_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        let writer = write_lock(dir.path(), || {}).unwrap();
        commit::interrupted(dir.path(), &NEW, STEPS, &writer).unwrap();
        drop(writer);
        // Another holds the lock, shared, when the reader comes.
        let other = open_lock_file(dir.path()).unwrap();
        other.lock_shared().unwrap();
        let (waits, waiting) = std::sync::mpsc::channel();
        let reader = reader(dir.path(), waits);
        waiting.recv().unwrap();
        drop(other);
        let both_new = (Some("new a".to_string()), Some("new b".to_string()));
        assert_eq!(reader.join().unwrap(), both_new);
        assert!(!commit::pending(dir.path()));
    }

    #[test]
    fn writers_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_lock(dir.path(), || {}).unwrap();
        let d = dir.path().to_path_buf();
        let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let w = waited.clone();
        let t = std::thread::spawn(move || {
            let _second =
                write_lock(&d, || w.store(true, std::sync::atomic::Ordering::SeqCst)).unwrap();
        });
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            waited.load(std::sync::atomic::Ordering::SeqCst),
            "the second writer said it waits"
        );
        drop(first);
        t.join().unwrap();
    }
}
