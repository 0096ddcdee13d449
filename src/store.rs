//! Writing to the data directory. Files the tool creates are private to
//! their owner (mode 0600 on Unix), and appear whole or not at all.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Opens a new file for writing with owner-only permissions.
pub fn private_file(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
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

/// Creates `path` with `content` unless it exists. The file appears whole
/// or not at all (written aside, then linked into place, which fails
/// rather than overwrite). Returns false when the file already existed.
pub fn create_new(path: &Path, content: &[u8]) -> Result<bool, Error> {
    if path.exists() {
        return Ok(false);
    }
    let tmp = temp_beside(path);
    let result = (|| {
        let mut f = private_file(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| Error::io(path, e))
}
