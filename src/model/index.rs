//! Finding a household (or resident) by its id, fast enough for twenty
//! million visits: an open-addressing table of 64-byte buckets, each one
//! cache line. A household's bucket holds three ids whole (up to 16 bytes
//! each, with their lengths), so a lookup usually reads one line and
//! nothing else; `touch` lets a caller start the memory loads of many
//! lookups at once before doing them.

use std::hash::BuildHasher;

/// A 64-byte bucket of a table: the ids it holds and how a lookup tells
/// them. Every bucket of zeros is empty.
pub trait Bucket: Copy + Default {
    /// Ids a bucket holds.
    const ENTRIES: usize;
    /// What an entry holding a key holds of it, worked out once a lookup.
    type Wanted: Copy;
    fn wanted(key: &str, hash: u64) -> Self::Wanted;
    /// Whether entry `j` is empty.
    fn is_empty(&self, j: usize) -> bool;
    /// Looks for `key` (of which an entry holding it holds `wanted`)
    /// among the bucket's entries, all compared at once; `full` gives the
    /// whole id of an index where the bucket does not hold it.
    fn seek<'a>(&self, key: &str, wanted: Self::Wanted, full: impl Fn(u32) -> &'a str) -> Seen;
    fn index(&self, j: usize) -> u32;
    /// Puts `key`, of this `hash`, under `index` into entry `j`.
    fn set(&mut self, j: usize, key: &str, hash: u64, index: u32);
    /// Puts entry `j` of `from` into entry `k`.
    fn copy(&mut self, k: usize, from: &Self, j: usize);
    /// The hash of the id in entry `j`, to place it again.
    fn hash_of<'a>(&self, j: usize, full: impl Fn(u32) -> &'a str) -> u64;
}

/// What a bucket tells of a key.
pub enum Seen {
    /// It holds the key, under this index.
    Found(u32),
    /// It does not, and its entry `j` is the first empty one: the key is
    /// in no bucket after it either.
    Free(usize),
    /// It does not, and it is full: the walk goes on.
    Full,
}

/// The first of the entries flagged in `hits` for which `holds`, else
/// the first of those flagged in `free`, else `Full`.
#[inline]
fn seen(mut hits: u32, free: u32, index: &[u32], holds: impl Fn(usize) -> bool) -> Seen {
    while hits != 0 {
        let j = hits.trailing_zeros() as usize;
        if holds(j) {
            return Seen::Found(index[j]);
        }
        hits &= hits - 1;
    }
    if free != 0 {
        Seen::Free(free.trailing_zeros() as usize)
    } else {
        Seen::Full
    }
}

/// Bytes of an id a household's bucket holds.
const INLINE: usize = 16;

/// Three ids of up to 16 bytes held whole, zero-padded, with their
/// lengths (a longer id's first 16 bytes, the rest compared through
/// `full`): the households', looked up for every visit.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
pub struct Inline {
    /// Per entry, 0 where empty, else the id's length plus one (at most
    /// 255: ids that long are compared whole anyway).
    lens: [u8; 4],
    index: [u32; 3],
    head: [u128; 3],
}

impl Inline {
    fn len_code(len: usize) -> u8 {
        len.min(254) as u8 + 1
    }
}

impl Bucket for Inline {
    const ENTRIES: usize = 3;
    /// The length code and the first bytes.
    type Wanted = (u8, u128);

    #[inline]
    fn wanted(key: &str, _hash: u64) -> (u8, u128) {
        let bytes = key.as_bytes();
        (Inline::len_code(bytes.len()), head(bytes))
    }

    #[inline]
    fn is_empty(&self, j: usize) -> bool {
        self.lens[j] == 0
    }

    /// Every entry's length and first bytes compared without a branch:
    /// which entry holds a key is anyone's guess, and a guess gone wrong
    /// behind a load from memory would throw away the loads of the
    /// lookups begun after it.
    #[inline]
    fn seek<'a>(&self, key: &str, (len, head): (u8, u128), full: impl Fn(u32) -> &'a str) -> Seen {
        let (mut hits, mut free) = (0, 0);
        for j in 0..3 {
            hits |= u32::from((self.lens[j] == len) & (self.head[j] == head)) << j;
            free |= u32::from(self.lens[j] == 0) << j;
        }
        // Ids longer than 16 bytes may share their first 16.
        seen(hits, free, &self.index, |j| {
            key.len() <= INLINE || full(self.index[j]) == key
        })
    }

    #[inline]
    fn index(&self, j: usize) -> u32 {
        self.index[j]
    }

    fn set(&mut self, j: usize, key: &str, _hash: u64, index: u32) {
        (self.lens[j], self.head[j]) = Inline::wanted(key, 0);
        self.index[j] = index;
    }

    fn copy(&mut self, k: usize, from: &Self, j: usize) {
        self.lens[k] = from.lens[j];
        self.index[k] = from.index[j];
        self.head[k] = from.head[j];
    }

    fn hash_of<'a>(&self, j: usize, full: impl Fn(u32) -> &'a str) -> u64 {
        let len = usize::from(self.lens[j]) - 1;
        if len <= INLINE {
            hash_bytes(&self.head[j].to_le_bytes()[..len])
        } else {
            hash(full(self.index[j]))
        }
    }
}

/// Eight ids known by 32 bits of their hash, each compared through
/// `full` where that matches: the residents', looked up rarely.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
pub struct Tagged {
    /// Per entry, 0 where empty, else `tag(hash)`.
    tags: [u32; 8],
    index: [u32; 8],
}

/// The 32 bits of a hash a `Tagged` bucket keeps, never 0.
#[inline]
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32 | 1
}

impl Bucket for Tagged {
    const ENTRIES: usize = 8;
    type Wanted = u32;

    #[inline]
    fn wanted(_key: &str, hash: u64) -> u32 {
        tag(hash)
    }

    #[inline]
    fn is_empty(&self, j: usize) -> bool {
        self.tags[j] == 0
    }

    #[inline]
    fn seek<'a>(&self, key: &str, tag: u32, full: impl Fn(u32) -> &'a str) -> Seen {
        let (mut hits, mut free) = (0, 0);
        for j in 0..8 {
            hits |= u32::from(self.tags[j] == tag) << j;
            free |= u32::from(self.tags[j] == 0) << j;
        }
        seen(hits, free, &self.index, |j| full(self.index[j]) == key)
    }

    #[inline]
    fn index(&self, j: usize) -> u32 {
        self.index[j]
    }

    fn set(&mut self, j: usize, _key: &str, hash: u64, index: u32) {
        self.tags[j] = tag(hash);
        self.index[j] = index;
    }

    fn copy(&mut self, k: usize, from: &Self, j: usize) {
        self.tags[k] = from.tags[j];
        self.index[k] = from.index[j];
    }

    fn hash_of<'a>(&self, j: usize, full: impl Fn(u32) -> &'a str) -> u64 {
        hash(full(self.index[j]))
    }
}

/// The first `INLINE` bytes of an id, zero-padded: compared as one value.
/// Read in two loads that may overlap (a short id's bytes shifted into
/// place), not copied into a buffer first (a call, and a load that waits
/// for the copy's stores, on every lookup).
#[inline]
fn head(b: &[u8]) -> u128 {
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
    if n >= INLINE {
        u128::from(word(0)) | u128::from(word(8)) << 64
    } else if n >= 8 {
        // The last 8 bytes, the ones past the first 8 shifted down.
        u128::from(word(0)) | (u128::from(word(n - 8)) >> ((16 - n) * 8)) << 64
    } else if n >= 4 {
        u128::from(half(0)) | (u128::from(half(n - 4)) >> ((8 - n) * 8)) << 32
    } else {
        b.iter().rev().fold(0, |h, &x| h << 8 | u128::from(x))
    }
}

/// An index of ids: households keep their ids in the table (`Inline`),
/// residents only part of their hash (`Tagged`).
pub struct IdIndex<B: Bucket = Inline> {
    /// Any number of buckets, at most two thirds of their entries used:
    /// a hash picks its first bucket by multiplying into the count (no
    /// power of two needed, so a table sized ahead is no bigger than
    /// asked), and a walk goes on to the next bucket only from a full one.
    buckets: Buckets<B>,
    len: usize,
    /// Whether the table, once large, asks for huge pages (see `Buckets`).
    huge: bool,
}

impl<B: Bucket> Default for IdIndex<B> {
    fn default() -> Self {
        IdIndex {
            buckets: Buckets::new(4, false),
            len: 0,
            huge: true,
        }
    }
}

impl<B: Bucket> IdIndex<B> {
    /// An index that takes `n` ids without growing.
    pub fn with_capacity(n: usize) -> Self {
        IdIndex {
            buckets: Buckets::new(Self::buckets_for(n), true),
            ..Self::default()
        }
    }

    fn buckets_for(n: usize) -> usize {
        (n.max(8) * 3 / 2).div_ceil(B::ENTRIES) + 1
    }

    /// Whether `n` ids fit the table as it is.
    fn fits(&self, n: usize) -> bool {
        n * 3 <= self.buckets.len() * B::ENTRIES * 2
    }

    /// Makes room for `n` ids in all, in one move, when the table would
    /// otherwise grow on its way there; `full` gives the whole id of an
    /// index, for ids the table does not hold whole.
    pub fn reserve<'a>(&mut self, n: usize, full: impl Fn(u32) -> &'a str) {
        if !self.fits(n) {
            self.resize(Self::buckets_for(n), full);
        }
    }

    /// Grows in ordinary pages from here on: for a table that takes ids
    /// only until one made ahead for them all is ready (`move_into`),
    /// where a fresh huge page would cost more to fault in than it saves.
    pub fn in_ordinary_pages(&mut self) {
        self.huge = false;
    }

    /// Moves every id of this table into `into`, which holds none of
    /// them: the ids taken while `into` was being made.
    pub fn move_into<'a>(self, into: &mut Self, full: impl Fn(u32) -> &'a str + Copy) {
        into.reserve(into.len + self.len, full);
        for b in self.buckets.iter() {
            for j in (0..B::ENTRIES).filter(|&j| !b.is_empty(j)) {
                into.place(b, j, full);
            }
        }
        into.len += self.len;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bucket a walk for `hash` starts at.
    fn start(&self, hash: u64) -> usize {
        ((u128::from(hash) * self.buckets.len() as u128) >> 64) as usize
    }

    fn after(&self, i: usize) -> usize {
        if i + 1 == self.buckets.len() {
            0
        } else {
            i + 1
        }
    }

    pub fn hash(&self, key: &str) -> u64 {
        hash(key)
    }

    /// Asks the processor to start loading the bucket where `hash` would
    /// be found, so that the loads of a batch of lookups overlap.
    pub fn touch(&self, hash: u64) {
        prefetch(&self.buckets[self.start(hash)]);
    }

    /// The index stored under `key`; `full` gives the whole id of an
    /// index, for ids the table does not hold whole.
    pub fn find<'a>(&self, key: &str, hash: u64, full: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.probe(key, hash, full).ok()
    }

    /// Walks the buckets from `hash`: `Ok(index)` where `key` is, or
    /// `Err((bucket, entry))`, the empty entry where it would go.
    #[inline]
    fn probe<'a>(
        &self,
        key: &str,
        hash: u64,
        full: impl Fn(u32) -> &'a str,
    ) -> Result<u32, (usize, usize)> {
        let wanted = B::wanted(key, hash);
        let mut i = self.start(hash);
        loop {
            match self.buckets[i].seek(key, wanted, &full) {
                Seen::Found(index) => return Ok(index),
                Seen::Free(j) => return Err((i, j)),
                Seen::Full => i = self.after(i),
            }
        }
    }

    /// The index stored under `key` if there is one; else stores `index`
    /// under it. One walk of the table for both.
    pub fn find_or_insert<'a>(
        &mut self,
        key: &str,
        hash: u64,
        index: u32,
        full: impl Fn(u32) -> &'a str + Copy,
    ) -> Option<u32> {
        if !self.fits(self.len + 1) {
            self.resize(self.buckets.len() * 2, full);
        }
        match self.probe(key, hash, full) {
            Ok(found) => Some(found),
            Err((i, j)) => {
                self.buckets[i].set(j, key, hash, index);
                self.len += 1;
                None
            }
        }
    }

    /// Puts entry `j` of `from` into this table, which does not hold it.
    fn place<'a>(&mut self, from: &B, j: usize, full: impl Fn(u32) -> &'a str) {
        let mut i = self.start(from.hash_of(j, full));
        loop {
            let b = &mut self.buckets[i];
            if let Some(k) = (0..B::ENTRIES).find(|&k| b.is_empty(k)) {
                b.copy(k, from, j);
                return;
            }
            i = self.after(i);
        }
    }

    fn resize<'a>(&mut self, buckets: usize, full: impl Fn(u32) -> &'a str) {
        let old = std::mem::replace(&mut self.buckets, Buckets::new(buckets, self.huge));
        for b in old.iter() {
            for j in (0..B::ENTRIES).filter(|&j| !b.is_empty(j)) {
                self.place(b, j, &full);
            }
        }
    }
}
/// The hash every index gives `key` (the same in every index and on
/// every thread, so that one thread may hash what another looks up).
pub fn hash(key: &str) -> u64 {
    hash_bytes(key.as_bytes())
}

fn hash_bytes(key: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x005e_ed0f_d0e5).hash_one(key)
}

/// A table's buckets, each a cache line, in memory that starts at one.
struct Buckets<B: Bucket> {
    at: std::ptr::NonNull<B>,
    len: usize,
}

// SAFETY: `Buckets` owns its memory alone, as a `Vec` would; buckets are
// plain data.
unsafe impl<B: Bucket + Send> Send for Buckets<B> {}
// SAFETY: as above; shared access only reads.
unsafe impl<B: Bucket + Sync> Sync for Buckets<B> {}

impl<B: Bucket> Buckets<B> {
    /// `n` empty buckets. A city's table is tens of megabytes read at
    /// random, one bucket per visit: on Linux it is asked for in huge
    /// pages (`huge`), so that finding a bucket's page does not cost a
    /// second miss each time.
    fn new(n: usize, huge: bool) -> Self {
        let n = n.max(1);
        let layout = Self::layout(n);
        // SAFETY: the layout has a non-zero size (n >= 1, and a bucket is
        // 64 bytes).
        let Some(at) = std::ptr::NonNull::new(unsafe { std::alloc::alloc(layout) }) else {
            std::alloc::handle_alloc_error(layout)
        };
        let at = at.cast::<B>();
        // SAFETY: the block holds `n` buckets and is not yet written; it
        // is advised (when `huge`) before the first write, so the writes
        // fault in huge pages, and then every bucket is written once
        // before any is read.
        unsafe {
            if huge {
                huge_pages(std::slice::from_raw_parts_mut(
                    at.as_ptr().cast::<std::mem::MaybeUninit<B>>(),
                    n,
                ));
            }
            for i in 0..n {
                at.as_ptr().add(i).write(B::default());
            }
        }
        Buckets { at, len: n }
    }

    fn layout(n: usize) -> std::alloc::Layout {
        std::alloc::Layout::array::<B>(n)
            .and_then(|l| l.align_to(64))
            .expect("a table the size of memory")
    }
}

impl<B: Bucket> std::ops::Deref for Buckets<B> {
    type Target = [B];

    fn deref(&self) -> &[B] {
        // SAFETY: `at` holds `len` buckets, all written in `new`.
        unsafe { std::slice::from_raw_parts(self.at.as_ptr(), self.len) }
    }
}

impl<B: Bucket> std::ops::DerefMut for Buckets<B> {
    fn deref_mut(&mut self) -> &mut [B] {
        // SAFETY: as in `deref`, and `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.at.as_ptr(), self.len) }
    }
}

impl<B: Bucket> Drop for Buckets<B> {
    fn drop(&mut self) {
        // SAFETY: the block was allocated in `new` with this very layout.
        unsafe { std::alloc::dealloc(self.at.as_ptr().cast(), Self::layout(self.len)) }
    }
}

/// Advises the system to back `memory` (not yet written) with huge pages
/// when it spans some; only a hint, on Linux only.
fn huge_pages<T>(memory: &mut [T]) {
    const HUGE: usize = 2 << 20;
    let bytes = std::mem::size_of_val(memory);
    if bytes < 2 * HUGE {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let start = memory.as_mut_ptr() as usize;
        let from = start.next_multiple_of(HUGE);
        let to = (start + bytes) / HUGE * HUGE;
        if to > from {
            // SAFETY: madvise with MADV_HUGEPAGE only changes how the
            // range's pages are backed, never their contents; the range
            // lies inside memory this slice owns.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// Asks the processor to start loading `value`'s memory: a caller with a
/// batch of scattered loads to make touches them all first, so that they
/// overlap instead of queueing.
#[inline]
pub fn prefetch<T>(value: &T) {
    let at: *const T = value;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it never faults and changes nothing
    // the program can observe; the address is that of a live value.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id of `ids` is found at its own index.
    fn finds_every_id<B: Bucket>(index: &IdIndex<B>, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            let h = index.hash(id);
            assert_eq!(
                index.find(id, h, |k| &ids[k as usize]),
                Some(i as u32),
                "{id}"
            );
        }
    }

    #[test]
    fn finds_short_and_long_ids() {
        let ids: Vec<String> = (0..5000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("G{i:02}-B123-U2-1203-long-{i}")
                } else {
                    format!("H{i}")
                }
            })
            .collect();
        fn check<B: Bucket>(ids: &[String]) {
            let mut index = IdIndex::<B>::default();
            for (i, id) in ids.iter().enumerate() {
                let h = index.hash(id);
                assert_eq!(index.find(id, h, |k| &ids[k as usize]), None);
                assert_eq!(
                    index.find_or_insert(id, h, i as u32, |k| &ids[k as usize]),
                    None
                );
                assert_eq!(
                    index.find_or_insert(id, h, 99, |k| &ids[k as usize]),
                    Some(i as u32)
                );
            }
            finds_every_id(&index, ids);
            for missing in ["H5000", "", "G00-B123-U2-1203-long-1", "h1"] {
                let h = index.hash(missing);
                assert_eq!(
                    index.find(missing, h, |k| &ids[k as usize]),
                    None,
                    "{missing}"
                );
            }
        }
        check::<Inline>(&ids);
        check::<Tagged>(&ids);
    }

    /// `head` reads an id of any length as the zero-padded copy of its
    /// first 16 bytes would read.
    #[test]
    fn heads_of_every_length_are_the_padded_first_bytes() {
        let text: Vec<u8> = (1..=40u8).map(|b| b.wrapping_mul(37) | 1).collect();
        for n in 0..=text.len() {
            let mut padded = [0u8; INLINE];
            let k = n.min(INLINE);
            padded[..k].copy_from_slice(&text[..k]);
            assert_eq!(head(&text[..n]), u128::from_le_bytes(padded), "{n}");
        }
    }

    /// Ids a bucket could mistake for one another: the same first 16
    /// bytes and length (told apart through `full`), a trailing NUL byte
    /// (the same zero-padded bytes, another length), lengths past what a
    /// bucket counts, and the empty id. Each is found as itself, in a
    /// table grown step by step (every id placed again from what its
    /// bucket holds) and in one sized ahead.
    #[test]
    fn ids_alike_in_their_first_bytes_are_told_apart() {
        let mut ids: Vec<String> = Vec::new();
        for i in 0..300 {
            ids.push(format!("G01-B1-U1-1203-A{i:04}"));
            ids.push(format!("{i:0>16}"));
            ids.push(format!("{i:0>15}\0"));
            ids.push(format!("{i:0>15}"));
        }
        ids.push(String::new());
        ids.push("x".repeat(254));
        ids.push("x".repeat(255));
        ids.push("x".repeat(300));
        ids.push(format!("{}y", "x".repeat(299)));
        let full = |k: u32| ids[k as usize].as_str();
        for mut index in [
            IdIndex::<Inline>::default(),
            IdIndex::<Inline>::with_capacity(ids.len()),
        ] {
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(
                    index.find_or_insert(id, hash(id), i as u32, full),
                    None,
                    "{id:?}"
                );
            }
            assert_eq!(index.len(), ids.len());
            finds_every_id(&index, &ids);
            for missing in [
                "G01-B1-U1-1203-A0300",
                "000000000000300",
                "x",
                &"x".repeat(256),
            ] {
                assert_eq!(index.find(missing, hash(missing), full), None, "{missing}");
            }
        }
    }

    /// Ids taken by a table growing in ordinary pages, moved into one
    /// made ahead that already holds others: every id is found in it,
    /// under its own index, and the table counts them all.
    #[test]
    fn ids_moved_into_a_table_made_ahead_are_all_found() {
        let ids: Vec<String> = (0..30_000)
            .map(|i| {
                if i % 5 == 0 {
                    format!("G{}-B{}-U2-{i}-a-long-household-id", i % 7, i % 3)
                } else {
                    format!("H{i}")
                }
            })
            .collect();
        let (before, after) = ids.split_at(12_345);
        let mut small = IdIndex::<Inline>::default();
        small.in_ordinary_pages();
        let mut made = IdIndex::<Inline>::with_capacity(ids.len());
        let full = |k: u32| ids[k as usize].as_str();
        for (i, id) in before.iter().enumerate() {
            assert_eq!(small.find_or_insert(id, hash(id), i as u32, full), None);
        }
        for (i, id) in after.iter().enumerate() {
            let k = (before.len() + i) as u32;
            assert_eq!(made.find_or_insert(id, hash(id), k, full), None);
        }
        assert!(!small.huge && small.buckets.len() * 3 > 12_345);
        small.move_into(&mut made, full);
        assert_eq!(made.len(), ids.len());
        finds_every_id(&made, &ids);
        let id = &ids[77];
        assert_eq!(made.find_or_insert(id, hash(id), 5, full), Some(77));
    }

    /// Tables of any size (none a power of two), sized ahead or grown.
    #[test]
    fn tables_of_any_size_find_every_id() {
        for (ahead, n) in [
            (0, 3),
            (1, 1),
            (7, 40),
            (999, 1000),
            (1000, 4999),
            (6000, 5000),
        ] {
            let ids: Vec<String> = (0..n)
                .map(|i| format!("G{}-B{}-{i}", i % 7, i % 3))
                .collect();
            let mut index = IdIndex::<Inline>::with_capacity(ahead);
            let mut reserved = false;
            for (i, id) in ids.iter().enumerate() {
                if i == n / 2 && !reserved {
                    index.reserve(n, |k| &ids[k as usize]);
                    reserved = true;
                }
                let h = index.hash(id);
                assert_eq!(
                    index.find_or_insert(id, h, i as u32, |k| &ids[k as usize]),
                    None
                );
            }
            assert!(index.fits(index.len), "{ahead} {n}");
            finds_every_id(&index, &ids);
            let h = index.hash("missing");
            assert_eq!(index.find("missing", h, |k| &ids[k as usize]), None);
        }
    }

    #[test]
    fn buckets_are_cache_lines_and_start_empty() {
        fn check<B: Bucket>(n: usize) {
            let index = IdIndex::<B>::with_capacity(n);
            assert_eq!(index.buckets.as_ptr() as usize % 64, 0, "{n}");
            assert_eq!(std::mem::size_of::<B>(), 64);
            assert!((index.buckets.iter()).all(|b| (0..B::ENTRIES).all(|j| b.is_empty(j))));
            assert!(index.fits(n) && index.buckets.len() * B::ENTRIES >= n);
        }
        for n in [0, 1, 7, 1000, 300_000] {
            check::<Inline>(n);
            check::<Tagged>(n);
        }
    }
}
