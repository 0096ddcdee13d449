//! The cache in `.rounds-cache/` of the data directory: what a command
//! learnt of the data files, kept so that a later command need not parse
//! them again. One file each: the last visit of every household
//! (`visits`), the visit rows of `report` (`rows`), the roster and the
//! roster with its history applied (`roster`), and each worker's part of
//! the latter (`slices`), which a worker's own list reads alone.
//!
//! The cache is an optimisation and never the truth: it is used only when
//! it matches the file — same file (device and inode), at least as long as
//! the part the cache covers, and the same bytes at the start, the end and
//! every 4 MiB of the covered part. When the file is not exactly as the
//! cache last saw it (its modification or change time or its length
//! differ: rows appended, or an edit anywhere), the whole covered part is
//! hashed (xxh3, far cheaper than parsing it) and must equal the hash the
//! cache keeps of it (`stamp`). Anything else (a file edited in place or
//! rewritten, a cache cut short or from another version) and the whole
//! file is read again and the cache written anew. No cache holds the
//! residents' names, phones or ID numbers. Each is written whole under a
//! new name, then renamed into place, so a reader never sees half of one
//! (`file`). `ROUNDS_CACHE=0` turns the cache off; deleting the folder is
//! always safe.

mod ahead;
mod file;
mod roster;
mod rows;
mod slices;
mod stamp;
mod visits;

pub use ahead::start as hash_visits_ahead;
pub use roster::{Unsaved, applied, keep_applied, roster, save as save_roster};
pub use rows::{RowVisit, Rows, rows};
pub use slices::Slice;
pub use slices::{fresh as slices_fresh, keep as keep_slices, lines as roster_lines, slice};
pub use visits::{clean, last_visits, latest, slice_latest};

pub const DIR: &str = ".rounds-cache";
