//! Replacing several files of the data directory together, all or none
//! (`rounds change` writes the roster and history.csv).
//!
//! Each new file is written aside (`.NAME.commit`) and synced; then an
//! intent (`.rounds.commit`), itself written aside and renamed into place,
//! names them; then each is renamed over its file; then the intent is
//! removed. A process killed before the intent is in place leaves the old
//! files and stray files aside, which the next writer removes. One killed
//! after it leaves the intent, and every file it names is whole and synced
//! by then: the next `rounds` to take the lock (`store::write_lock`, or a
//! reader, which waits for the exclusive lock to do so: `store::read_lock`)
//! carries the renames out before any file is read. Either way every reader sees all old files or all new.
//! (A reader without write access to the directory takes no lock and
//! cannot carry them out: it reads the files as they are.)

use std::path::Path;

use super::{Access, DirLock, creation_mode, new_file, replace, sync_dir};
use crate::error::Error;
use std::io::Write;

/// The intent: the files whose new contents wait aside.
pub const INTENT: &str = ".rounds.commit";

const HEAD: &str = "rounds commit 1";

/// Where the new contents of `file` wait.
fn aside(file: &str) -> String {
    format!(".{file}.commit")
}

/// Whether a commit was left unfinished in `dir`.
pub fn pending(dir: &Path) -> bool {
    dir.join(INTENT).exists()
}

/// Replaces each `(name, contents)` in `dir`, all or none (see the module
/// docs). A file keeps the mode, owner and group of the one it replaces.
/// The caller holds the write lock.
pub fn replace_all(dir: &Path, files: &[(&str, &[u8])], lock: &DirLock) -> Result<(), Error> {
    interrupted(dir, files, usize::MAX, lock)
}

/// `replace_all`, stopped after its first `steps` steps as a process killed
/// there would stop (for the tests of the recovery): 1 writes the first
/// file aside, … , `files.len()` the last; then the intent; then one step
/// per rename; then the intent's removal.
#[doc(hidden)]
pub fn interrupted(
    dir: &Path,
    files: &[(&str, &[u8])],
    steps: usize,
    _lock: &DirLock,
) -> Result<(), Error> {
    // A file open in Excel stops the commit before anything is written.
    for (name, _) in files {
        super::ensure_free(&dir.join(name), super::Use::Replace)?;
    }
    let mut step = 0;
    let mut go = || {
        step += 1;
        step <= steps
    };
    for (name, contents) in files {
        if !go() {
            return Ok(());
        }
        write_aside(dir, name, contents)?;
    }
    sync_dir(dir).map_err(|e| Error::io(dir, e))?;
    if !go() {
        return Ok(());
    }
    let mut intent = format!("{HEAD}\n");
    for (name, _) in files {
        intent.push_str(name);
        intent.push('\n');
    }
    replace(&dir.join(INTENT), intent.as_bytes())?;
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    finish(dir, &names, &mut go)
}

/// Writes `contents` aside for `name`, synced, with the access of the
/// file it will replace.
fn write_aside(dir: &Path, name: &str, contents: &[u8]) -> Result<(), Error> {
    let path = dir.join(name);
    let tmp = dir.join(aside(name));
    let old = match std::fs::metadata(&path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&path, e)),
    };
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = new_file(&tmp, creation_mode(old.as_ref(), Access::Usual))?;
        #[cfg(unix)]
        if let Some(old) = &old {
            super::keep_access(&f, old);
        }
        f.write_all(contents)?;
        f.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::io(&tmp, e))
}

/// Renames every file named in the intent that still waits aside, then
/// removes the intent.
fn finish(dir: &Path, names: &[&str], go: &mut dyn FnMut() -> bool) -> Result<(), Error> {
    for name in names {
        if !go() {
            return Ok(());
        }
        let tmp = dir.join(aside(name));
        match std::fs::rename(&tmp, dir.join(name)) {
            Ok(()) => {}
            // Renamed before a crash.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(super::replace_failed(&dir.join(name), e)),
        }
    }
    sync_dir(dir).map_err(|e| Error::io(dir, e))?;
    if !go() {
        return Ok(());
    }
    let intent = dir.join(INTENT);
    std::fs::remove_file(&intent).map_err(|e| Error::io(&intent, e))?;
    sync_dir(dir).map_err(|e| Error::io(dir, e))
}

/// Completes a commit a killed process left with its intent in place, or
/// removes the files it left aside before that. Called with the write
/// lock held.
pub(super) fn recover(dir: &Path) -> Result<(), Error> {
    let intent = dir.join(INTENT);
    match std::fs::read_to_string(&intent) {
        Ok(text) => {
            let mut lines = text.lines();
            let names: Vec<&str> = match lines.next() {
                Some(HEAD) => lines.filter(|l| !l.is_empty()).collect(),
                _ => return Err(Error::BadJournal(intent)),
            };
            if names
                .iter()
                .any(|n| n.contains(['/', '\\']) || n.starts_with('.'))
            {
                return Err(Error::BadJournal(intent));
            }
            finish(dir, &names, &mut || true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let stray = (name.starts_with('.') && name.ends_with(".commit"))
                        || (name.starts_with(&format!(".{INTENT}.")) && name.ends_with(".tmp"));
                    if stray && name != INTENT {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            Ok(())
        }
        Err(e) => Err(Error::io(&intent, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn killed_at_any_step_the_files_are_all_old_or_all_new() {
        let old = [("a.csv", b"old a".as_slice()), ("b.csv", b"old b")];
        let new = [("a.csv", b"new a".as_slice()), ("b.csv", b"new b")];
        // Two asides, the intent, two renames, the intent's removal.
        for steps in 0..=6 {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("a.csv"), old[0].1).unwrap();
            // b.csv does not exist yet: a new file counts as old when absent.
            let lock = super::super::write_lock(dir.path(), || {}).unwrap();
            interrupted(dir.path(), &new, steps, &lock).unwrap();
            drop(lock);
            let lock = super::super::write_lock(dir.path(), || {}).unwrap();
            let read = |n: &str| std::fs::read(dir.path().join(n)).ok();
            let state = (read("a.csv"), read("b.csv"));
            let all_old = (Some(old[0].1.to_vec()), None);
            let all_new = (Some(new[0].1.to_vec()), Some(new[1].1.to_vec()));
            assert!(
                state == all_old || state == all_new,
                "stopped after {steps} steps: {state:?}"
            );
            assert_eq!(state == all_new, steps >= 3, "stopped after {steps} steps");
            let left: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n != super::super::LOCK_FILE)
                .collect();
            assert!(left.is_empty(), "left behind: {left:?}");
            drop(lock);
        }
    }

    #[test]
    fn a_foreign_intent_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(INTENT), "rounds commit 1\n../etc/passwd\n").unwrap();
        assert!(super::super::write_lock(dir.path(), || {}).is_err());
        assert!(pending(dir.path()));
    }
}
