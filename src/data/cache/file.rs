//! The layout of a cache file (a head that says what it is and the state
//! of the file it stands for, the body, a hash of all that) and how one
//! is written: whole under a new name, then renamed into place, in a
//! folder and a file only the user can read.

use std::fs::{self, File};
use std::hash::Hasher;
use std::io::Write;
use std::path::Path;

use super::DIR;
use super::stamp::{Stamp, hasher};
use crate::data::bin;

/// A cache file: what it is, the state of the file it stands for (stamp,
/// the length covered, the samples hash and the hash of all the covered
/// bytes), the body, and a hash of all that, so that a file cut short or
/// damaged is no cache.
pub(super) struct Framed<'a> {
    pub(super) stamp: Stamp,
    pub(super) covered: u64,
    pub(super) sampled: u64,
    pub(super) whole: u64,
    pub(super) body: &'a [u8],
}

/// Cache files are hashed in chunks of this size (so that a writer can
/// hash as it goes, and a reader the same way).
pub(super) const CHUNK: usize = 1 << 20;

/// Writes a cache file's content in chunks, hashing each, and ends it with
/// the hash.
pub(super) struct Sealed<W: Write> {
    out: W,
    buf: Vec<u8>,
    hash: foldhash::quality::FoldHasher<'static>,
}

impl<W: Write> Sealed<W> {
    pub(super) fn new(out: W) -> Self {
        Sealed {
            out,
            buf: Vec::with_capacity(CHUNK),
            hash: hasher(),
        }
    }

    fn chunk(&mut self) -> std::io::Result<()> {
        self.hash.write(&self.buf);
        crate::store::write_pieces(&mut self.out, &self.buf)?;
        self.buf.clear();
        Ok(())
    }

    pub(super) fn finish(mut self) -> std::io::Result<W> {
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
pub(super) fn head(magic: &[u8], stamp: Stamp, covered: u64, sampled: u64, whole: u64) -> Vec<u8> {
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

pub(super) fn unframe<'a>(bytes: &'a [u8], magic: &[u8]) -> Option<Framed<'a>> {
    let end = bytes.len().checked_sub(8)?;
    let mut h = hasher();
    for chunk in bytes[..end].chunks(CHUNK) {
        h.write(chunk);
    }
    if h.finish().to_le_bytes() != bytes[end..] {
        return None;
    }
    head_of(&bytes[..end], magic)
}

/// A cache file's head as `head` writes it, read from the start of
/// `bytes` (not checked against any hash); the rest is its body.
pub(super) fn head_of<'a>(bytes: &'a [u8], magic: &[u8]) -> Option<Framed<'a>> {
    let mut r = bin::Reader { bytes };
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

/// A cache file's bytes: mapped into memory where that is safe to do
/// (a cache file is never changed in place, only replaced by a rename,
/// so the mapped bytes cannot change under the reader), else read.
pub(super) enum Bytes {
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

/// The bytes of the cache file at `path`, if it can be read. Large files
/// are mapped (on Unix), sparing a copy of a city's roster; on Windows a
/// mapped file could not be replaced while mapped, so it is read.
pub(super) fn bytes(path: &Path) -> Option<Bytes> {
    #[cfg(unix)]
    {
        let file = File::open(path).ok()?;
        if file.metadata().ok()?.len() >= 1 << 20 {
            // SAFETY: cache files are written whole under another name and
            // renamed into place (`write_atomic`), never written in place
            // or cut short, so the bytes of the mapped file stay as they are
            // for as long as the map lives (a replacement is a new file).
            let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
            return Some(Bytes::Mapped(map));
        }
    }
    fs::read(path).ok().map(Bytes::Read)
}

/// Writes a cache file whole under a new name, then renames it into place.
pub(super) fn write_atomic(
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

pub(super) fn make_private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    let b = {
        use std::os::unix::fs::DirBuilderExt;
        let mut b = fs::DirBuilder::new();
        b.mode(0o700);
        b
    };
    #[cfg(not(unix))]
    let b = fs::DirBuilder::new();
    match b.create(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

pub(super) fn private_file(path: &Path) -> std::io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}
