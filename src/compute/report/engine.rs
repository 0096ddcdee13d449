//! The counting engine: the visits of a report's tallies (its span and
//! the months of the trend) added up in one pass over the visit log, with
//! the windows of every tally packed into bits, so that a visit costs a
//! few word operations whatever the number of tallies and periods.

use chrono::NaiveDate;

use super::tally::Tally;
use crate::cores::lanes;
use crate::model::date::{days, from_days};
use crate::model::roster::Roster;
use crate::model::{VisitSeen, Visitor};
use crate::schedule;

/// What the visits add up to for one span (filled by a `Pass`).
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    /// Per household: bit i set when it held a visit in window i (whether
    /// or not the window is required of it).
    pub(super) met: Vec<u32>,
    pub(super) visited: Vec<bool>,
    pub(super) visits: u64,
    pub(super) person_times: u64,
    /// The rest only for a full report.
    pub(super) last: Vec<Option<NaiveDate>>,
    pub(super) visits_per_household: Vec<u32>,
    /// Per visitor: visits and person-times.
    pub(super) by_visitor: hashbrown::HashMap<String, [u64; 2], foldhash::fast::FixedState>,
    /// The visits in the span to households the roster history moved:
    /// (household, day), for the grid of the visit's day.
    pub(super) moved: Vec<(u32, i32)>,
}

/// A report's tallies (its span and the months of the trend) counted in
/// one pass. Each household has one row of words: its last visit, its
/// visits in the span, the tallies it was visited in and every tally's
/// window bits, so that a visit touches one row of memory instead of one
/// array per tally and figure. Threads count into their own `Sheet`s.
pub struct Pass {
    /// The first and last day (days from the common era) any tally counts.
    first: i32,
    last: i32,
    /// The main tally's as-of date.
    as_of: i32,
    /// Words of window bits of all tallies; tally t's start at `offsets[t]`.
    words: usize,
    offsets: Vec<usize>,
    widths: Vec<usize>,
    /// Per day from `first` to `last`: the words of window bits holding it.
    by_day: Vec<u32>,
    /// Words of tally bits (one per 32 tallies).
    tallies: usize,
    /// Per day: the words of tally bits, bit t set when tally t counts the
    /// visits of that day.
    counted: Vec<u32>,
    households: usize,
    /// With `--tag`: per household, whether its visits count.
    keep: Option<Vec<bool>>,
    /// Per household, its latest visit, when it is known before the pass
    /// (see `know_latest`).
    known: Option<Vec<i32>>,
    /// See `bucket_shift`.
    shift: u32,
}

/// One thread's counts of a `Pass`.
pub struct Sheet {
    rows: Vec<u32>,
    /// Per household, its last visit on or before the as-of date (days
    /// from the common era): apart from the rows, small enough to stay in
    /// the processor's cache for the many visits older than any window.
    last: Vec<i32>,
    /// Visits per day of the pass.
    day_visits: Vec<u64>,
    person_times: u64,
    /// Per visitor: visits and person-times.
    by_visitor: hashbrown::HashMap<String, [u64; 2], foldhash::fast::FixedState>,
    /// Visits and person-times by a visitor's number, where rows name
    /// visitors so (see `Pass::name_visitors`).
    by_number: Vec<[u64; 2]>,
    /// Visits waiting to be added, in buckets of households (see
    /// `Pass::bucket_shift`): the household within its bucket and the
    /// day of the pass, in 16 bits each (a bucket holds fewer than 2^16
    /// households and a pass spans fewer than 2^16 days).
    pending: Vec<Vec<(u16, u16)>>,
    /// See `Counts::moved`.
    moved: Vec<(u32, i32)>,
}

/// Visits are added in batches: the rows of a whole batch are prefetched
/// first, so that their memory loads overlap.
const BATCH: usize = 32;

/// The bytes of rows in a bucket: few enough to stay in a core's own
/// cache while the bucket's visits are added.
const BUCKET_BYTES: usize = 128 << 10;

/// Row layout: visits in the span, then the words of the tallies visited
/// (`Pass::tallies` of them), then the words of window bits.
const ROW_VISITS: usize = 0;
const ROW_VISITED: usize = 1;
const NEVER: i32 = i32::MIN;

impl Pass {
    /// The pass for `main` (the report's span) and `trend`, any number of
    /// tallies of any number of windows.
    pub fn new(main: &Tally<'_>, trend: &[Tally<'_>]) -> Pass {
        let all: Vec<&Tally<'_>> = std::iter::once(main).chain(trend).collect();
        let tallies = all.len().div_ceil(32);
        let first = all.iter().map(|t| days(t.earliest)).min().expect("a tally");
        let last = all.iter().map(|t| days(t.as_of)).max().expect("a tally");
        let mut offsets = Vec::new();
        let mut widths = Vec::new();
        let mut words = 0;
        for t in &all {
            offsets.push(words);
            widths.push(t.words());
            words += t.words();
        }
        let n_days = (last - first + 1).max(0) as usize;
        // A report's span and its trend months, with their windows, cover
        // a few years: the days of a pass fit in 16 bits (`Sheet::pending`).
        assert!(n_days <= 1 << 16, "a report spans {n_days} days");
        let mut by_day = vec![0u32; n_days * words];
        let mut counted = vec![0u32; n_days * tallies];
        for (i, t) in all.iter().enumerate() {
            let (from, to) = (days(t.earliest), days(t.as_of));
            let w = t.words();
            for d in from.max(first)..=to {
                let k = (d - first) as usize;
                let own = (d - from) as usize;
                by_day[k * words + offsets[i]..k * words + offsets[i] + w]
                    .copy_from_slice(&t.by_day[own * w..(own + 1) * w]);
                if d >= days(t.span.first) {
                    counted[k * tallies + i / 32] |= 1 << (i % 32);
                }
            }
        }
        Pass {
            first,
            last,
            as_of: days(main.as_of),
            words,
            offsets,
            widths,
            by_day,
            tallies,
            counted,
            households: main.roster.households_len(),
            keep: main.keep.map(<[bool]>::to_vec),
            known: None,
            shift: 0,
        }
        .with_shift()
    }

    /// Tells the pass each household's latest visit in the whole log, when
    /// none is after the as-of date: the last visits are then known, and
    /// a visit before the first day any tally counts changes nothing (it
    /// is skipped, about half a city's log for a month's report). A latest
    /// visit after the as-of date: nothing is known.
    pub fn know_latest(&mut self, latest: &[Option<NaiveDate>]) {
        if latest.len() != self.households || latest.iter().flatten().any(|&d| days(d) > self.as_of)
        {
            return;
        }
        self.known = Some(latest.iter().map(|d| d.map_or(NEVER, days)).collect());
    }

    /// The days of the visits that change the counts: none after the
    /// last day any tally counts, and, once the latest visits are known
    /// (`know_latest`), none before the first.
    pub fn wanted(&self) -> std::ops::RangeInclusive<i32> {
        let first = if self.known.is_some() {
            self.first
        } else {
            i32::MIN
        };
        first..=self.last
    }

    /// Where a row's window bits start.
    fn bits_at(&self) -> usize {
        ROW_VISITED + self.tallies
    }

    fn stride(&self) -> usize {
        self.bits_at() + self.words
    }

    /// The words of tally bits of day `k` of the pass.
    fn counted_on(&self, k: usize) -> &[u32] {
        &self.counted[k * self.tallies..(k + 1) * self.tallies]
    }

    /// Empty counts, for a thread to fill.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            rows: written(self.households * self.stride()),
            last: vec![NEVER; self.households],
            day_visits: vec![0; self.counted.len() / self.tallies],
            person_times: 0,
            by_visitor: Default::default(),
            by_number: Vec::new(),
            pending: vec![Vec::new(); self.households.div_ceil(1 << self.bucket_shift()).max(1)],
            moved: Vec::new(),
        }
    }

    /// Whether a visit on `day` (days from the common era) falls in the
    /// report's span, where its visitor and persons count.
    #[inline]
    pub fn in_span(&self, day: i32) -> bool {
        day >= self.first
            && day <= self.last
            && self.counted[(day - self.first) as usize * self.tallies] & 1 != 0
    }

    /// Whether the visits of household `h` count (all, without `--tag`).
    #[inline]
    fn counts(&self, h: usize) -> bool {
        self.keep.as_ref().is_none_or(|k| k[h])
    }

    /// One visit to household `h` on `day`, in its batch.
    #[inline]
    pub fn add(&self, s: &mut Sheet, h: usize, day: i32) {
        // Known latest visits are the last ones (`gather`).
        if self.known.is_none() {
            if day <= self.as_of && day > s.last[h] {
                s.last[h] = day;
            }
        } else if day < self.first {
            return;
        }
        if day < self.first || day > self.last {
            return;
        }
        let shift = self.bucket_shift();
        let b = h >> shift;
        let cap = 2 << shift;
        let bucket = &mut s.pending[b];
        if bucket.capacity() == 0 {
            bucket.reserve_exact(cap);
        }
        let within = h & ((1 << shift) - 1);
        bucket.push((within as u16, (day - self.first) as u16));
        if bucket.len() == cap {
            self.flush_bucket(s, b);
        }
    }

    /// Households are bucketed by their index shifted right by this: a
    /// bucket's rows take about `BUCKET_BYTES`. A bucket's visits wait
    /// until there are twice as many as its households, so that a city's
    /// rows, far larger than any cache, are mostly found in one when
    /// added to (not in memory, a miss each).
    fn bucket_shift(&self) -> u32 {
        self.shift
    }

    /// The pass with its `bucket_shift` worked out once, not at every
    /// visit.
    fn with_shift(mut self) -> Pass {
        self.shift = (BUCKET_BYTES / (self.stride() * 4))
            .clamp(1, 1 << 16)
            .ilog2();
        self
    }

    /// Adds the visits waiting, and lets their buckets go.
    fn flush(&self, s: &mut Sheet) {
        for b in 0..s.pending.len() {
            self.flush_bucket(s, b);
            s.pending[b] = Vec::new();
        }
    }

    /// Adds the visits of bucket `b`, a batch at a time.
    fn flush_bucket(&self, s: &mut Sheet, b: usize) {
        let stride = self.stride();
        let base = b << self.bucket_shift();
        let mut pending = std::mem::take(&mut s.pending[b]);
        for batch in pending.chunks(BATCH) {
            for &(h, _) in batch {
                crate::model::index::prefetch(&s.rows[(base + h as usize) * stride]);
            }
            for &(h, k) in batch {
                self.add_now(s, base + h as usize, k as usize);
            }
        }
        pending.clear();
        s.pending[b] = pending;
    }

    /// Adds a visit to household `h` on day `k` of the pass.
    fn add_now(&self, s: &mut Sheet, h: usize, k: usize) {
        let stride = self.stride();
        let row = &mut s.rows[h * stride..(h + 1) * stride];
        let holding = &self.by_day[k * self.words..(k + 1) * self.words];
        let (head, bits) = row.split_at_mut(self.bits_at());
        for (m, b) in bits.iter_mut().zip(holding) {
            *m |= b;
        }
        let counted = self.counted_on(k);
        if counted.iter().all(|c| *c == 0) {
            return;
        }
        for (v, c) in head[ROW_VISITED..].iter_mut().zip(counted) {
            *v |= c;
        }
        s.day_visits[k] += 1;
        if counted[0] & 1 != 0 {
            head[ROW_VISITS] += 1;
        }
    }

    /// A visit of the span: its persons (as recorded, else the household's
    /// active residents that day), which it returns.
    #[inline]
    pub fn persons(
        &self,
        s: &mut Sheet,
        roster: &Roster,
        h: usize,
        day: i32,
        persons: Option<u32>,
    ) -> u64 {
        let n = u64::from(persons.unwrap_or_else(|| {
            schedule::household_on(roster.household(h).members(), from_days(day))
                .map_or(0, |on| on.active)
        }));
        s.person_times += n;
        if roster.moved(h) {
            s.moved.push((h as u32, day));
        }
        n
    }

    /// A visit of the span: its visitor, as the log writes it, with its
    /// visits and person-times.
    #[inline]
    pub fn visitor(s: &mut Sheet, visitor: &str, n: [u64; 2]) {
        if let Some(k) = s.by_visitor.get_mut(visitor) {
            k[0] += n[0];
            k[1] += n[1];
        } else {
            s.by_visitor.insert(visitor.to_string(), n);
        }
    }

    /// `add`, `persons` and `visitor` of one visit.
    pub fn visit(
        &self,
        s: &mut Sheet,
        roster: &Roster,
        h: usize,
        date: NaiveDate,
        visitor: &str,
        persons: Option<u32>,
    ) {
        let day = days(date);
        if !self.counts(h) {
            return;
        }
        if self.in_span(day) {
            let n = self.persons(s, roster, h, day, persons);
            Pass::visitor(s, visitor, [1, n]);
        }
        self.add(s, h, day);
    }

    /// Starts loading what a visit to household `h` reads of the sheet
    /// (see `fast::scan_touching`).
    #[inline]
    pub fn touch(&self, s: &Sheet, h: usize) {
        if self.known.is_none() {
            crate::model::index::prefetch(&s.last[h]);
        }
        crate::model::index::prefetch(&s.pending[h >> self.bucket_shift()]);
    }

    /// One visit as the loader hands it over.
    #[inline]
    pub fn see(&self, s: &mut Sheet, roster: &Roster, v: &VisitSeen<'_>) {
        if !self.counts(v.household) {
            return;
        }
        match v.visitor {
            Visitor::Number(n) => {
                self.visit_numbered(s, roster, v.household, v.day, n, v.persons);
            }
            Visitor::Name(name) => {
                if self.in_span(v.day) {
                    let n = self.persons(s, roster, v.household, v.day, v.persons);
                    Pass::visitor(s, name, [1, n]);
                }
                self.add(s, v.household, v.day);
            }
        }
    }

    /// The sheets the threads filled, as one, with the visitors that
    /// numbers stand for named.
    pub fn gather(&self, mut sheets: Vec<Sheet>, visitors: &[String]) -> Sheet {
        // The visits each sheet holds waiting, added on a core each.
        std::thread::scope(|scope| {
            for sheet in &mut sheets {
                scope.spawn(|| self.flush(sheet));
            }
        });
        let mut sheet = sheets
            .into_iter()
            .reduce(|a, b| self.merge(a, b))
            .unwrap_or_else(|| self.sheet());
        if let Some(known) = &self.known {
            for (h, (p, q)) in sheet.last.iter_mut().zip(known).enumerate() {
                if self.counts(h) {
                    *p = (*p).max(*q);
                }
            }
        }
        Pass::name_visitors(&mut sheet, visitors);
        sheet
    }

    /// `visit`, for a visitor named by number.
    pub fn visit_numbered(
        &self,
        s: &mut Sheet,
        roster: &Roster,
        h: usize,
        day: i32,
        visitor: u32,
        persons: Option<u32>,
    ) {
        if !self.counts(h) {
            return;
        }
        if self.in_span(day) {
            let n = self.persons(s, roster, h, day, persons);
            let k = visitor as usize;
            if s.by_number.len() <= k {
                s.by_number.resize(k + 1, [0, 0]);
            }
            s.by_number[k][0] += 1;
            s.by_number[k][1] += n;
        }
        self.add(s, h, day);
    }

    /// Counts the visits by number under the visitors' names.
    pub fn name_visitors(s: &mut Sheet, names: &[String]) {
        for (k, n) in std::mem::take(&mut s.by_number).into_iter().enumerate() {
            if n[0] > 0 {
                Pass::visitor(s, &names[k], n);
            }
        }
    }

    /// Adds what another thread counted.
    pub fn merge(&self, mut a: Sheet, mut b: Sheet) -> Sheet {
        self.flush(&mut a);
        self.flush(&mut b);
        let stride = self.stride();
        // The rows in parts of households, on every core.
        let part = self.households.div_ceil(lanes(self.households)).max(1) * stride;
        std::thread::scope(|scope| {
            for (xs, ys) in a.rows.chunks_mut(part).zip(b.rows.chunks(part)) {
                scope.spawn(move || {
                    for (x, y) in xs.chunks_exact_mut(stride).zip(ys.chunks_exact(stride)) {
                        x[ROW_VISITS] += y[ROW_VISITS];
                        for (p, q) in x[ROW_VISITED..].iter_mut().zip(&y[ROW_VISITED..]) {
                            *p |= q;
                        }
                    }
                });
            }
        });
        for (p, q) in a.last.iter_mut().zip(b.last) {
            *p = (*p).max(q);
        }
        for (p, q) in a.day_visits.iter_mut().zip(b.day_visits) {
            *p += q;
        }
        a.person_times += b.person_times;
        a.moved.extend(b.moved);
        for (k, n) in b.by_visitor {
            Pass::visitor(&mut a, &k, n);
        }
        if a.by_number.len() < b.by_number.len() {
            a.by_number.resize(b.by_number.len(), [0, 0]);
        }
        for (p, q) in a.by_number.iter_mut().zip(b.by_number) {
            p[0] += q[0];
            p[1] += q[1];
        }
        a
    }

    /// Hands the counts to the tallies they were made for.
    pub fn finish<'a>(&self, mut sheet: Sheet, main: &mut Tally<'a>, trend: &mut [Tally<'a>]) {
        self.flush(&mut sheet);
        let stride = self.stride();
        let n = self.households;
        let rows = &sheet.rows;
        let bits = self.bits_at();
        // Each tally's bits out of the rows, in one pass over them: the
        // households in parts on every core, each part writing its own
        // stretch of every tally's figures.
        let all = self.offsets.len();
        let mut tallies: Vec<(Vec<u32>, Vec<bool>)> = (0..all)
            .map(|i| (vec![0u32; n * self.widths[i]], vec![false; n]))
            .collect();
        let mut per_household = vec![0u32; n];
        let part = n.div_ceil(lanes(n)).max(1);
        // Per part: its rows, its stretch of the visits per household, and
        // its stretch of each tally's bits and visited flags.
        type Stretch<'s> = (
            &'s [u32],
            &'s mut [u32],
            Vec<(&'s mut [u32], &'s mut [bool])>,
        );
        let mut parts: Vec<Stretch<'_>> = rows
            .chunks(part * stride)
            .zip(per_household.chunks_mut(part))
            .map(|(r, v)| (r, v, Vec::with_capacity(all)))
            .collect();
        for (i, (met, visited)) in tallies.iter_mut().enumerate() {
            let w = self.widths[i];
            for (p, (m, v)) in parts
                .iter_mut()
                .zip(met.chunks_mut(part * w).zip(visited.chunks_mut(part)))
            {
                p.2.push((m, v));
            }
        }
        let (offsets, widths) = (&self.offsets, &self.widths);
        std::thread::scope(|scope| {
            for (rows, visits, mut out) in parts {
                scope.spawn(move || {
                    for (k, (row, v)) in rows.chunks_exact(stride).zip(visits).enumerate() {
                        *v = row[ROW_VISITS];
                        for (i, (met, visited)) in out.iter_mut().enumerate() {
                            let (o, w) = (offsets[i], widths[i]);
                            met[k * w..(k + 1) * w].copy_from_slice(&row[bits + o..bits + o + w]);
                            visited[k] = row[ROW_VISITED + i / 32] & (1 << (i % 32)) != 0;
                        }
                    }
                });
            }
        });
        let mut per_household = Some(per_household);
        for ((i, t), (met, visited)) in std::iter::once(main)
            .chain(trend.iter_mut())
            .enumerate()
            .zip(tallies)
        {
            let bit = 1 << (i % 32);
            let mut c = Counts {
                met,
                visited,
                ..Counts::default()
            };
            c.visits = self
                .counted
                .chunks_exact(self.tallies)
                .zip(&sheet.day_visits)
                .filter(|(m, _)| m[i / 32] & bit != 0)
                .map(|(_, v)| v)
                .sum();
            if i == 0 {
                c.last = sheet
                    .last
                    .iter()
                    .map(|&d| (d != NEVER).then(|| from_days(d)))
                    .collect();
                c.visits_per_household = per_household.take().unwrap_or_default();
                c.person_times = sheet.person_times;
                c.by_visitor = sheet.by_visitor.clone();
                c.moved = sheet.moved.clone();
            }
            t.counts = c;
        }
    }
}

/// `n` zeros, written now. Asked for as `vec![0; n]`, a city's rows would
/// be pages the system gives lazily, each faulting twice (read, then
/// written) at the first visit to it, and on a machine of several cores
/// each second fault stops the other cores for a moment.
#[allow(
    clippy::slow_vector_initialization,
    reason = "the zeros are to be written now, not left to the pages' first fault"
)]
fn written(n: usize) -> Vec<u32> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, 0u32);
    v
}
