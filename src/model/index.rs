//! Finding a household (or resident) by its id, fast enough for twenty
//! million visits: an open-addressing table whose slots hold the id's
//! hash and its first 16 bytes, so a lookup usually touches one slot and
//! nothing else, and `touch` lets a caller start the memory loads of many
//! lookups at once before doing them.

use std::hash::BuildHasher;

#[derive(Clone, Copy)]
struct Slot<const INLINE: usize> {
    /// The id's hash with the low bit set; 0 is an empty slot.
    tag: u64,
    len: u32,
    index: u32,
    head: [u8; INLINE],
}

impl<const INLINE: usize> Default for Slot<INLINE> {
    fn default() -> Self {
        Slot {
            tag: 0,
            len: 0,
            index: 0,
            head: [0; INLINE],
        }
    }
}

/// The first `INLINE` bytes of an id, zero-padded: compared as one value.
fn head<const INLINE: usize>(bytes: &[u8]) -> [u8; INLINE] {
    let mut h = [0u8; INLINE];
    let n = bytes.len().min(INLINE);
    h[..n].copy_from_slice(&bytes[..n]);
    h
}

/// Ids up to `INLINE` bytes long are compared in the slot itself; longer
/// ones also through `full`. Households, looked up for every visit, keep
/// 16 bytes inline; residents, looked up rarely, none (16-byte slots).
pub struct IdIndex<const INLINE: usize = 16> {
    /// Any number of slots, at most two thirds of them used (a walk from
    /// a household's first slot then mostly stays in its cache line or
    /// the next; at three quarters the walks grew slower): a hash picks
    /// its first slot by multiplying into the count (no power of two
    /// needed, so a table sized ahead is no bigger than asked).
    slots: Slots<INLINE>,
    len: usize,
    /// Whether the table, once large, asks for huge pages (see `Slots`).
    huge: bool,
}

impl<const INLINE: usize> Default for IdIndex<INLINE> {
    fn default() -> Self {
        IdIndex {
            slots: Slots::new(16, false),
            len: 0,
            huge: true,
        }
    }
}

impl<const INLINE: usize> IdIndex<INLINE> {
    /// An index that takes `n` ids without growing.
    pub fn with_capacity(n: usize) -> Self {
        IdIndex {
            slots: Slots::new(Self::slots_for(n), true),
            ..Self::default()
        }
    }

    fn slots_for(n: usize) -> usize {
        n.max(8) * 3 / 2 + 2
    }

    /// Makes room for `n` ids in all, in one move, when the table would
    /// otherwise grow on its way there.
    pub fn reserve(&mut self, n: usize) {
        let slots = Self::slots_for(n);
        if slots > self.slots.len() {
            self.resize(slots);
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
    pub fn move_into(self, into: &mut Self) {
        into.reserve(into.len + self.len);
        for s in self.slots.iter().filter(|s| s.tag != 0) {
            into.place(*s);
        }
        into.len += self.len;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot a walk for `hash` starts at.
    fn start(&self, hash: u64) -> usize {
        ((u128::from(hash) * self.slots.len() as u128) >> 64) as usize
    }

    fn after(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() { 0 } else { i + 1 }
    }

    pub fn hash(&self, key: &str) -> u64 {
        hash(key)
    }

    /// Asks the processor to start loading the slot where `hash` would be
    /// found, so that the loads of a batch of lookups overlap.
    pub fn touch(&self, hash: u64) {
        prefetch(&self.slots[self.start(hash)]);
    }

    /// The index stored under `key`; `full` gives the whole id of an index
    /// for ids longer than 16 bytes.
    pub fn find<'a>(&self, key: &str, hash: u64, full: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.probe(key, hash, full).ok()
    }

    /// Walks the slots from `hash`: `Ok(index)` where `key` is, or
    /// `Err(slot)`, the empty slot where it would go.
    fn probe<'a>(&self, key: &str, hash: u64, full: impl Fn(u32) -> &'a str) -> Result<u32, usize> {
        let bytes = key.as_bytes();
        let wanted: [u8; INLINE] = head(bytes);
        let mut i = self.start(hash);
        loop {
            let s = &self.slots[i];
            if s.tag == 0 {
                return Err(i);
            }
            if s.tag == hash
                && s.len as usize == bytes.len()
                && s.head == wanted
                && (bytes.len() <= INLINE || full(s.index) == key)
            {
                return Ok(s.index);
            }
            i = self.after(i);
        }
    }

    /// The index stored under `key` if there is one; else stores `index`
    /// under it. One walk of the table for both.
    pub fn find_or_insert<'a>(
        &mut self,
        key: &str,
        hash: u64,
        index: u32,
        full: impl Fn(u32) -> &'a str,
    ) -> Option<u32> {
        if (self.len + 1) * 3 > self.slots.len() * 2 {
            self.grow();
        }
        match self.probe(key, hash, full) {
            Ok(found) => Some(found),
            Err(slot) => {
                let bytes = key.as_bytes();
                self.slots[slot] = Slot {
                    tag: hash,
                    len: bytes.len() as u32,
                    index,
                    head: head(bytes),
                };
                self.len += 1;
                None
            }
        }
    }

    fn place(&mut self, slot: Slot<INLINE>) {
        let mut i = self.start(slot.tag);
        while self.slots[i].tag != 0 {
            i = self.after(i);
        }
        self.slots[i] = slot;
    }

    fn grow(&mut self) {
        self.resize(self.slots.len() * 2);
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, Slots::new(slots, self.huge));
        for s in old.iter().filter(|s| s.tag != 0) {
            self.place(*s);
        }
    }
}

/// The hash every index gives `key` (the same in every index and on
/// every thread, so that one thread may hash what another looks up).
pub fn hash(key: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x005e_ed0f_d0e5).hash_one(key.as_bytes()) | 1
}

/// A table's slots, in memory that starts at a cache line: a household's
/// slot (32 bytes) then always lies in one line, which one load brings
/// in (from the allocator, a large block starts 16 bytes into a page, and
/// every other slot would straddle two lines).
struct Slots<const INLINE: usize> {
    at: std::ptr::NonNull<Slot<INLINE>>,
    len: usize,
}

// SAFETY: `Slots` owns its memory alone, as a `Vec` would; slots are
// plain data.
unsafe impl<const INLINE: usize> Send for Slots<INLINE> {}
// SAFETY: as above; shared access only reads.
unsafe impl<const INLINE: usize> Sync for Slots<INLINE> {}

impl<const INLINE: usize> Slots<INLINE> {
    /// `n` empty slots. A city's table is tens of megabytes read at
    /// random, one slot per visit: on Linux it is asked for in huge pages
    /// (`huge`), so that finding a slot's page does not cost a second miss
    /// each time.
    fn new(n: usize, huge: bool) -> Self {
        let n = n.max(1);
        let layout = Self::layout(n);
        // SAFETY: the layout has a non-zero size (n >= 1, and a slot is at
        // least 16 bytes).
        let Some(at) = std::ptr::NonNull::new(unsafe { std::alloc::alloc(layout) }) else {
            std::alloc::handle_alloc_error(layout)
        };
        let at = at.cast::<Slot<INLINE>>();
        // SAFETY: the block holds `n` slots and is not yet written; it is
        // advised (when `huge`) before the first write, so the writes fault
        // in huge pages, and then every slot is written once before any is
        // read.
        unsafe {
            if huge {
                huge_pages(std::slice::from_raw_parts_mut(
                    at.as_ptr().cast::<std::mem::MaybeUninit<Slot<INLINE>>>(),
                    n,
                ));
            }
            for i in 0..n {
                at.as_ptr().add(i).write(Slot::default());
            }
        }
        Slots { at, len: n }
    }

    fn layout(n: usize) -> std::alloc::Layout {
        std::alloc::Layout::array::<Slot<INLINE>>(n)
            .and_then(|l| l.align_to(64))
            .expect("a table the size of memory")
    }
}

impl<const INLINE: usize> std::ops::Deref for Slots<INLINE> {
    type Target = [Slot<INLINE>];

    fn deref(&self) -> &[Slot<INLINE>] {
        // SAFETY: `at` holds `len` slots, all written in `new`.
        unsafe { std::slice::from_raw_parts(self.at.as_ptr(), self.len) }
    }
}

impl<const INLINE: usize> std::ops::DerefMut for Slots<INLINE> {
    fn deref_mut(&mut self) -> &mut [Slot<INLINE>] {
        // SAFETY: as in `deref`, and `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.at.as_ptr(), self.len) }
    }
}

impl<const INLINE: usize> Drop for Slots<INLINE> {
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
    fn finds_every_id<const N: usize>(index: &IdIndex<N>, ids: &[String]) {
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
        fn check<const N: usize>(ids: &[String]) {
            let mut index = IdIndex::<N>::default();
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
        check::<16>(&ids);
        check::<0>(&ids);
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
        let mut small = IdIndex::<16>::default();
        small.in_ordinary_pages();
        let mut made = IdIndex::<16>::with_capacity(ids.len());
        let full = |k: u32| ids[k as usize].as_str();
        for (i, id) in before.iter().enumerate() {
            assert_eq!(small.find_or_insert(id, hash(id), i as u32, full), None);
        }
        for (i, id) in after.iter().enumerate() {
            let k = (before.len() + i) as u32;
            assert_eq!(made.find_or_insert(id, hash(id), k, full), None);
        }
        assert!(!small.huge && small.slots.len() > 12_345);
        small.move_into(&mut made);
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
            let mut index = IdIndex::<16>::with_capacity(ahead);
            let mut reserved = false;
            for (i, id) in ids.iter().enumerate() {
                if i == n / 2 && !reserved {
                    index.reserve(n);
                    reserved = true;
                }
                let h = index.hash(id);
                assert_eq!(
                    index.find_or_insert(id, h, i as u32, |k| &ids[k as usize]),
                    None
                );
            }
            assert!(index.len * 3 <= index.slots.len() * 2, "{ahead} {n}");
            finds_every_id(&index, &ids);
            let h = index.hash("missing");
            assert_eq!(index.find("missing", h, |k| &ids[k as usize]), None);
        }
    }

    #[test]
    fn slots_start_at_a_cache_line_and_are_empty() {
        for n in [0, 1, 7, 1000, 300_000] {
            let index = IdIndex::<16>::with_capacity(n);
            assert_eq!(index.slots.as_ptr() as usize % 64, 0, "{n}");
            assert!(index.slots.iter().all(|s| s.tag == 0 && s.index == 0));
            let residents = IdIndex::<0>::with_capacity(n);
            assert_eq!(std::mem::size_of_val(&residents.slots[0]), 16);
        }
    }
}
