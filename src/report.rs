//! The figures of the report (SPEC `rounds report`), computed in one pass
//! over the visit log: a `Tally` per period is fed each visit and then
//! finished into a `Report`. No I/O: the command reads, this counts,
//! `render` prints.
//!
//! Beyond the SPEC's figures (kept as they are), a report carries what a
//! community head reads first: the compliance rate per level and per grid,
//! each worker's visits next to the households in their charge, the list
//! of overdue and never-visited households at the report date, the
//! trend month by month (the last six months of a month, a longer span's
//! own months) against the month before, and the coverage (走访覆盖率).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::model::date::iso;
use crate::model::roster::Roster;
use crate::model::{Level, Status};
use crate::privacy;
use crate::schedule::{self, Deadline, Rules};

/// How long a report's span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Month,
    Quarter,
    Half,
    Year,
}

/// The days a report covers: a month, a quarter, a half-year or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub kind: SpanKind,
    pub first: NaiveDate,
}

impl Span {
    fn months(self) -> u32 {
        match self.kind {
            SpanKind::Month => 1,
            SpanKind::Quarter => 3,
            SpanKind::Half => 6,
            SpanKind::Year => 12,
        }
    }

    pub fn last(self) -> NaiveDate {
        (self.first + Months::new(self.months()))
            .pred_opt()
            .expect("dates in range")
    }

    /// `2020-06`, `2020-Q2`, `2020-H1`, `2020`.
    pub fn label(self) -> String {
        let (y, m) = (self.first.year(), self.first.month());
        match self.kind {
            SpanKind::Month => format!("{y:04}-{m:02}"),
            SpanKind::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            SpanKind::Half => format!("{y:04}-H{}", (m - 1) / 6 + 1),
            SpanKind::Year => format!("{y:04}"),
        }
    }

    pub fn month_of(d: NaiveDate) -> Span {
        Span {
            kind: SpanKind::Month,
            first: d.with_day(1).expect("day 1 exists"),
        }
    }

    /// `YYYY-MM`.
    pub fn parse_month(text: &str) -> Option<Span> {
        let (y, m) = text.trim().split_once('-')?;
        (m.len() <= 2).then_some(())?;
        Span::from_parts(SpanKind::Month, y, m.parse().ok()?, 12)
    }

    /// `YYYY-Qn` (also `YYYYQn`).
    pub fn parse_quarter(text: &str) -> Option<Span> {
        let t = text.trim().to_ascii_uppercase();
        let (y, q) = t.split_once('Q')?;
        Span::from_parts(
            SpanKind::Quarter,
            y.trim_end_matches('-'),
            q.parse().ok()?,
            4,
        )
    }

    /// `YYYY-Hn` (also `YYYYHn`).
    pub fn parse_half(text: &str) -> Option<Span> {
        let t = text.trim().to_ascii_uppercase();
        let (y, h) = t.split_once('H')?;
        Span::from_parts(SpanKind::Half, y.trim_end_matches('-'), h.parse().ok()?, 2)
    }

    /// `YYYY`.
    pub fn parse_year(text: &str) -> Option<Span> {
        Span::from_parts(SpanKind::Year, text.trim(), 1, 1)
    }

    fn from_parts(kind: SpanKind, year: &str, n: u32, max: u32) -> Option<Span> {
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || !(1..=max).contains(&n) {
            return None;
        }
        let y: i32 = year.parse().ok().filter(|y| *y >= 1000)?;
        let month = 1 + (n - 1) * (12 / max);
        NaiveDate::from_ymd_opt(y, month, 1).map(|first| Span { kind, first })
    }

    /// The months of the trend: for a month, the six months that end with
    /// it; for a longer span, its own months. Either way up to the month of
    /// `as_of` when the span is still running.
    pub fn trend_months(self, as_of: NaiveDate) -> Vec<Span> {
        let last = Span::month_of(self.last().min(as_of));
        let count = match self.kind {
            SpanKind::Month => 6,
            _ => {
                let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
                (months(last.first) - months(self.first) + 1).max(1) as u32
            }
        };
        (0..count)
            .rev()
            .map(|i| Span {
                kind: SpanKind::Month,
                first: last.first - Months::new(i),
            })
            .collect()
    }

    /// The month before this one (for a month).
    pub fn previous_month(self) -> Span {
        Span {
            kind: SpanKind::Month,
            first: self.first - Months::new(1),
        }
    }
}

/// The as-of date of a report made on `today`.
pub fn as_of(span: Span, today: NaiveDate) -> NaiveDate {
    span.last().min(today)
}

/// Counts per level, serialized as `{"red": n, "orange": n, ...}`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PerLevel<T>(pub [T; 4]);

impl<T: Serialize> Serialize for PerLevel<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        for level in Level::ALL {
            m.serialize_entry(level.word(), &self.0[level.index()])?;
        }
        m.end()
    }
}

impl<T> std::ops::Index<Level> for PerLevel<T> {
    type Output = T;
    fn index(&self, level: Level) -> &T {
        &self.0[level.index()]
    }
}

impl<T> std::ops::IndexMut<Level> for PerLevel<T> {
    fn index_mut(&mut self, level: Level) -> &mut T {
        &mut self.0[level.index()]
    }
}

/// Household-periods that had to hold a visit, and those that did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub required: u64,
    pub met: u64,
}

impl Compliance {
    /// The share met, when anything was required.
    pub fn rate(&self) -> Option<f64> {
        (self.required > 0).then(|| self.met as f64 / self.required as f64)
    }

    fn add(&mut self, other: Compliance) {
        self.required += other.required;
        self.met += other.met;
    }
}

impl PerLevel<Compliance> {
    /// All levels together.
    pub fn total(&self) -> Compliance {
        self.0.iter().fold(Compliance::default(), |mut t, c| {
            t.add(*c);
            t
        })
    }
}

/// A rate rounded to four decimals, for JSON.
fn rounded(rate: Option<f64>) -> Option<f64> {
    rate.map(|r| (r * 10_000.0).round() / 10_000.0)
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    pub kind: SpanKind,
    pub label: String,
    pub first: String,
    pub last: String,
}

/// One grid's figures.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub grid: String,
    pub households: u64,
    pub visits: u64,
    pub households_visited: u64,
    pub overdue: u64,
    pub compliance: PerLevel<Compliance>,
    pub compliance_rate: Option<f64>,
}

/// One worker: the visits they made (by the log's visitor), next to the
/// households in their charge (by the roster's visitor).
#[derive(Debug, Clone, Serialize)]
pub struct WorkerRow {
    pub worker: String,
    pub visits: u64,
    pub households_in_charge: u64,
    pub households_in_charge_visited: u64,
    pub overdue_in_charge: u64,
    pub compliance_in_charge: Compliance,
    pub compliance_rate: Option<f64>,
}

/// An overdue household at the report date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueRow {
    pub household: String,
    pub level: Level,
    pub grid: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub visitor: String,
    /// The first active resident's name, masked unless revealed.
    pub contact: String,
    pub last_visit: Option<String>,
    pub deadline: Option<String>,
    pub days_overdue: Option<i64>,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub month: String,
    pub as_of: String,
    pub visits: u64,
    pub households_visited: u64,
    pub compliance: PerLevel<Compliance>,
    pub compliance_rate: Option<f64>,
    /// Against the month before (环比): the visits' difference, and that
    /// difference as a share of the month before's visits.
    pub visits_change: Option<i64>,
    pub visits_change_rate: Option<f64>,
    /// The compliance rate's difference from the month before's, as a
    /// share (0.021 is 2.1 percentage points); none when either month
    /// required nothing.
    pub compliance_rate_change: Option<f64>,
    /// The month before's household-periods, for a change as people read
    /// it: the difference of the two rates as shown.
    #[serde(skip)]
    pub compliance_before: Option<Compliance>,
}

impl TrendRow {
    /// Fills the change against `before`, the month before this one. A
    /// month without a single visit record (before the records began) is
    /// nothing to compare with: the changes stay none.
    fn against(&mut self, before: &TrendRow) {
        if before.visits == 0 {
            return;
        }
        self.visits_change = Some(self.visits as i64 - before.visits as i64);
        self.visits_change_rate = rounded(Some(self.visits as f64 / before.visits as f64 - 1.0));
        self.compliance_before = Some(before.compliance.total());
        self.compliance_rate_change = match (
            self.compliance.total().rate(),
            before.compliance.total().rate(),
        ) {
            (Some(now), Some(then)) => rounded(Some(now - then)),
            _ => None,
        };
    }
}

/// 走访覆盖率: how many of the households active on the as-of date were
/// visited in the span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Households active on the as-of date (the sum of `households`).
    pub households: u64,
    /// Of them, those with at least one visit in the span.
    pub visited: u64,
    pub rate: Option<f64>,
}

impl Coverage {
    fn new(households: u64, visited: u64) -> Coverage {
        Coverage {
            households,
            visited,
            rate: rounded((households > 0).then(|| visited as f64 / households as f64)),
        }
    }
}

/// The report. The SPEC's keys come first, unchanged; the rest is added.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    pub as_of: String,
    /// Active households on `as_of`, per level.
    pub households: PerLevel<u64>,
    /// Visit records dated in the span up to `as_of`.
    pub visits: u64,
    pub households_visited: u64,
    pub person_times: u64,
    /// Overdue households on `as_of`, as `due` counts them.
    pub overdue: PerLevel<u64>,
    pub visits_by_grid: BTreeMap<String, u64>,
    pub visits_by_visitor: BTreeMap<String, u64>,
    pub compliance: PerLevel<Compliance>,
    pub period: PeriodInfo,
    pub compliance_rate: PerLevel<Option<f64>>,
    /// Overdue households with no visit at all on or before `as_of`.
    pub never_visited: u64,
    pub grids: Vec<GridRow>,
    pub workers: Vec<WorkerRow>,
    pub overdue_list: Vec<OverdueRow>,
    pub trend: Vec<TrendRow>,
    pub coverage: Coverage,
    /// The needs section, when the community keeps a needs ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<crate::compute::needs::NeedsSection>,
}

impl Report {
    /// Phone and ID numbers written into a worker's name (a visit's
    /// visitor, the roster's worker in charge, a need's worker) masked,
    /// as `privacy::mask_numbers_in` masks a visit's note, wherever the
    /// report names a worker, so that no format shows them unless
    /// revealed. Visits under two names that mask alike are added up.
    pub fn mask_numbers_in_names(&mut self) {
        let mask = |name: &mut String| {
            if let std::borrow::Cow::Owned(masked) = privacy::mask_numbers_in(name) {
                *name = masked;
            }
        };
        let mut by_visitor = BTreeMap::new();
        for (mut name, n) in std::mem::take(&mut self.visits_by_visitor) {
            mask(&mut name);
            *by_visitor.entry(name).or_insert(0) += n;
        }
        self.visits_by_visitor = by_visitor;
        self.workers.iter_mut().for_each(|w| mask(&mut w.worker));
        self.overdue_list
            .iter_mut()
            .for_each(|o| mask(&mut o.visitor));
        if let Some(needs) = &mut self.needs {
            needs.workers.iter_mut().for_each(|w| mask(&mut w.worker));
        }
    }
}

/// One period of one level that ends within the span, on or before as_of.
#[derive(Debug, Clone, Copy)]
struct Window {
    level: Level,
    start: NaiveDate,
    end: NaiveDate,
}

/// Counts one span; see the module docs.
pub struct Tally<'a> {
    roster: &'a Roster,
    span: Span,
    as_of: NaiveDate,
    windows: Vec<Window>,
    /// Per household: bit i set when it must hold a visit in window i.
    required: Vec<u32>,
    /// The first day a visit counts for anything but the last visit.
    earliest: NaiveDate,
    /// Per day from `earliest` to `as_of`: bit i set when window i holds it.
    by_day: Vec<u32>,
    /// Per level: bit i set when window i is one of its periods.
    of_level: Vec<Vec<u32>>,
    counts: Counts,
}

/// What the visits add up to for one span (filled by a `Pass`).
#[derive(Debug, Clone, Default)]
struct Counts {
    /// Per household: bit i set when it held a visit in window i (whether
    /// or not the window is required of it).
    met: Vec<u32>,
    visited: Vec<bool>,
    visits: u64,
    person_times: u64,
    /// The rest only for a full report.
    last: Vec<Option<NaiveDate>>,
    visits_per_household: Vec<u32>,
    by_visitor: hashbrown::HashMap<String, u64, foldhash::fast::FixedState>,
}

/// Rows kept by a name (a grid's, a worker's), in the order of the names
/// at the end. Households come grouped, so the last name looked up is
/// remembered.
struct Keyed<'k, T> {
    index: hashbrown::HashMap<&'k str, usize, foldhash::fast::FixedState>,
    rows: Vec<(&'k str, T)>,
    last: Option<(&'k str, usize)>,
}

impl<T> Default for Keyed<'_, T> {
    fn default() -> Self {
        Keyed {
            index: Default::default(),
            rows: Vec::new(),
            last: None,
        }
    }
}

impl<'k, T> Keyed<'k, T> {
    fn get(&mut self, key: &'k str, make: impl FnOnce() -> T) -> &mut T {
        let at = match self.last {
            Some((k, at)) if k == key => at,
            _ => {
                let at = match self.index.get(key) {
                    Some(&at) => at,
                    None => {
                        self.rows.push((key, make()));
                        self.index.insert(key, self.rows.len() - 1);
                        self.rows.len() - 1
                    }
                };
                self.last = Some((key, at));
                at
            }
        };
        &mut self.rows[at].1
    }

    fn into_sorted(mut self) -> Vec<T> {
        self.rows.sort_by(|a, b| a.0.cmp(b.0));
        self.rows.into_iter().map(|(_, t)| t).collect()
    }
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
    by_visitor: hashbrown::HashMap<String, u64, foldhash::fast::FixedState>,
    /// Visits by a visitor's number, where rows name visitors so (see
    /// `Pass::name_visitors`).
    by_number: Vec<u64>,
    /// Visits (household, day) waiting to be added as a batch.
    pending: Vec<(usize, i32)>,
}

/// Visits are added in batches: the rows of a whole batch are prefetched
/// first, so that their memory loads overlap.
const BATCH: usize = 32;

/// Row layout: visits in the span, then the words of the tallies visited
/// (`Pass::tallies` of them), then the words of window bits.
const ROW_VISITS: usize = 0;
const ROW_VISITED: usize = 1;
const NEVER: i32 = i32::MIN;

pub fn days(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

fn from_days(d: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).expect("a day of a date")
}

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
        }
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
            rows: vec![0u32; self.households * self.stride()],
            last: vec![NEVER; self.households],
            day_visits: vec![0; self.counted.len() / self.tallies],
            person_times: 0,
            by_visitor: Default::default(),
            by_number: Vec::new(),
            pending: Vec::with_capacity(BATCH),
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

    /// One visit to household `h` on `day`, in its batch.
    #[inline]
    pub fn add(&self, s: &mut Sheet, h: usize, day: i32) {
        if day <= self.as_of && day > s.last[h] {
            s.last[h] = day;
        }
        if day < self.first || day > self.last {
            return;
        }
        s.pending.push((h, day));
        if s.pending.len() == BATCH {
            self.flush(s);
        }
    }

    /// Adds the visits of the batch.
    fn flush(&self, s: &mut Sheet) {
        let stride = self.stride();
        for &(h, _) in &s.pending {
            crate::model::index::prefetch(&s.rows[h * stride]);
        }
        let mut pending = std::mem::take(&mut s.pending);
        for (h, day) in pending.drain(..) {
            self.add_now(s, h, day);
        }
        s.pending = pending;
    }

    fn add_now(&self, s: &mut Sheet, h: usize, day: i32) {
        let stride = self.stride();
        let row = &mut s.rows[h * stride..(h + 1) * stride];
        let k = (day - self.first) as usize;
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
    /// active residents that day).
    #[inline]
    pub fn persons(
        &self,
        s: &mut Sheet,
        roster: &Roster,
        h: usize,
        day: i32,
        persons: Option<u32>,
    ) {
        s.person_times += u64::from(persons.unwrap_or_else(|| {
            schedule::household_on(roster.household(h).members(), from_days(day))
                .map_or(0, |on| on.active)
        }));
    }

    /// A visit of the span: its visitor, as the log writes it.
    #[inline]
    pub fn visitor(s: &mut Sheet, visitor: &str, n: u64) {
        if let Some(k) = s.by_visitor.get_mut(visitor) {
            *k += n;
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
        if self.in_span(day) {
            self.persons(s, roster, h, day, persons);
            Pass::visitor(s, visitor, 1);
        }
        self.add(s, h, day);
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
        if self.in_span(day) {
            self.persons(s, roster, h, day, persons);
            let k = visitor as usize;
            if s.by_number.len() <= k {
                s.by_number.resize(k + 1, 0);
            }
            s.by_number[k] += 1;
        }
        self.add(s, h, day);
    }

    /// Counts the visits by number under the visitors' names.
    pub fn name_visitors(s: &mut Sheet, names: &[String]) {
        for (k, n) in std::mem::take(&mut s.by_number).into_iter().enumerate() {
            if n > 0 {
                Pass::visitor(s, &names[k], n);
            }
        }
    }

    /// Adds what another thread counted.
    pub fn merge(&self, mut a: Sheet, mut b: Sheet) -> Sheet {
        self.flush(&mut a);
        self.flush(&mut b);
        let stride = self.stride();
        for (x, y) in a
            .rows
            .chunks_exact_mut(stride)
            .zip(b.rows.chunks_exact(stride))
        {
            x[ROW_VISITS] += y[ROW_VISITS];
            for (p, q) in x[ROW_VISITED..].iter_mut().zip(&y[ROW_VISITED..]) {
                *p |= q;
            }
        }
        for (p, q) in a.last.iter_mut().zip(b.last) {
            *p = (*p).max(q);
        }
        for (p, q) in a.day_visits.iter_mut().zip(b.day_visits) {
            *p += q;
        }
        a.person_times += b.person_times;
        for (k, n) in b.by_visitor {
            Pass::visitor(&mut a, &k, n);
        }
        if a.by_number.len() < b.by_number.len() {
            a.by_number.resize(b.by_number.len(), 0);
        }
        for (p, q) in a.by_number.iter_mut().zip(b.by_number) {
            *p += q;
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
        for (i, t) in std::iter::once(main).chain(trend.iter_mut()).enumerate() {
            let (o, w) = (self.offsets[i], self.widths[i]);
            let (word, bit) = (ROW_VISITED + i / 32, 1 << (i % 32));
            let mut c = Counts {
                met: Vec::with_capacity(n * w),
                visited: Vec::with_capacity(n),
                ..Counts::default()
            };
            for row in rows.chunks_exact(stride) {
                c.met.extend_from_slice(&row[bits + o..bits + o + w]);
                c.visited.push(row[word] & bit != 0);
            }
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
                c.visits_per_household = rows.chunks_exact(stride).map(|r| r[ROW_VISITS]).collect();
                c.person_times = sheet.person_times;
                c.by_visitor = sheet.by_visitor.clone();
            }
            t.counts = c;
        }
    }
}

impl<'a> Tally<'a> {
    pub fn new(roster: &'a Roster, rules: &Rules, span: Span, as_of: NaiveDate) -> Self {
        let mut windows = Vec::new();
        let end_of_span = span.last().min(as_of);
        for level in Level::ALL {
            let period = rules.period(level);
            // Every period whose last day falls in the span (a week belongs
            // to the month that holds its Sunday), up to as_of.
            let mut start = period.start(span.first);
            loop {
                let end = period.end(start);
                if end > end_of_span {
                    break;
                }
                if end >= span.first {
                    windows.push(Window { level, start, end });
                }
                start = end.succ_opt().expect("dates in range");
            }
        }
        // Any number of windows: a year of four weekly levels holds 212.
        let words = windows.len().div_ceil(32).max(1);
        let n = roster.households_len();
        let mut required = vec![0u32; n * words];
        // The windows of each level, as bits: a household whose members
        // never arrive or leave has one level on every day.
        let mut of_level = vec![vec![0u32; words]; 4];
        for (i, w) in windows.iter().enumerate() {
            of_level[w.level.index()][i / 32] |= 1 << (i % 32);
        }
        for house in roster.households() {
            let h = house.index();
            let members = house.members();
            let bits = &mut required[h * words..(h + 1) * words];
            if members
                .iter()
                .all(|m| m.since.is_none() && m.until.is_none())
            {
                let level = members
                    .iter()
                    .map(|m| m.level)
                    .min()
                    .expect("a household has members");
                bits.copy_from_slice(&of_level[level.index()]);
                continue;
            }
            for (i, w) in windows.iter().enumerate() {
                if let Some(on) = schedule::household_on(members, w.end)
                    && on.level == w.level
                {
                    bits[i / 32] |= 1 << (i % 32);
                }
            }
        }
        let earliest = windows
            .iter()
            .map(|w| w.start)
            .min()
            .unwrap_or(span.first)
            .min(span.first);
        let days = (as_of - earliest).num_days().max(-1) + 1;
        let mut by_day = vec![0u32; days as usize * words];
        for (i, w) in windows.iter().enumerate() {
            let mut d = w.start.max(earliest);
            while d <= w.end && d <= as_of {
                let k = (d - earliest).num_days() as usize;
                by_day[k * words + i / 32] |= 1 << (i % 32);
                d = d.succ_opt().expect("dates in range");
            }
        }
        Tally {
            roster,
            span,
            as_of,
            windows,
            required,
            earliest,
            by_day,
            of_level,
            counts: Counts::default(),
        }
    }

    /// A month of the trend: only what its row shows is counted.
    pub fn for_trend(roster: &'a Roster, rules: &Rules, span: Span, as_of: NaiveDate) -> Self {
        Tally::new(roster, rules, span, as_of)
    }

    fn words(&self) -> usize {
        self.windows.len().div_ceil(32).max(1)
    }

    /// Per level, the household-periods required and met, for each household.
    fn compliance_of(&self, h: usize) -> PerLevel<Compliance> {
        let words = self.words();
        let required = &self.required[h * words..(h + 1) * words];
        let met = &self.counts.met[h * words..(h + 1) * words];
        let mut c = PerLevel::<Compliance>::default();
        for level in Level::ALL {
            for ((r, m), of) in required.iter().zip(met).zip(&self.of_level[level.index()]) {
                c[level].required += u64::from((r & of).count_ones());
                c[level].met += u64::from((r & m & of).count_ones());
            }
        }
        c
    }

    /// The month's figures only (for the trend).
    fn trend_row(&self) -> TrendRow {
        let mut compliance = PerLevel::<Compliance>::default();
        for h in 0..self.roster.households_len() {
            let c = self.compliance_of(h);
            for level in Level::ALL {
                compliance[level].add(c[level]);
            }
        }
        TrendRow {
            month: self.span.label(),
            as_of: iso(self.as_of),
            visits: self.counts.visits,
            households_visited: self.counts.visited.iter().filter(|v| **v).count() as u64,
            compliance_rate: rounded(compliance.total().rate()),
            compliance,
            visits_change: None,
            visits_change_rate: None,
            compliance_rate_change: None,
            compliance_before: None,
        }
    }

    /// The trend's rows: `trend` are its months preceded by the month
    /// before them, counted only for the change of the first.
    fn trend_rows(trend: &[Tally<'_>]) -> Vec<TrendRow> {
        let mut rows: Vec<TrendRow> = trend.iter().map(Tally::trend_row).collect();
        for i in 1..rows.len() {
            let (before, now) = rows.split_at_mut(i);
            now[0].against(&before[i - 1]);
        }
        rows.into_iter().skip(1).collect()
    }

    /// The report; `trend` are the monthly tallies of the trend (see
    /// `Span::trend_months`) preceded by the month before them, and
    /// `reveal` shows names in the overdue list in full.
    pub fn finish(mut self, rules: &Rules, trend: &[Tally<'_>], reveal: bool) -> Report {
        let roster = self.roster;
        let mut households = PerLevel::<u64>::default();
        let mut overdue = PerLevel::<u64>::default();
        let mut compliance = PerLevel::<Compliance>::default();
        let by_visitor: BTreeMap<String, u64> = std::mem::take(&mut self.counts.by_visitor)
            .into_iter()
            .collect();
        let mut grids: Keyed<'_, GridRow> = Keyed::default();
        let mut workers: Keyed<'_, WorkerRow> = Keyed::default();
        let mut overdue_list: Vec<(Deadline, Level, OverdueRow)> = Vec::new();
        let mut never_visited = 0;
        let mut active_visited = 0;
        let worker = |name: &str| WorkerRow {
            worker: name.to_string(),
            visits: 0,
            households_in_charge: 0,
            households_in_charge_visited: 0,
            overdue_in_charge: 0,
            compliance_in_charge: Compliance::default(),
            compliance_rate: None,
        };
        for house in roster.households() {
            let h = house.index();
            let c = self.compliance_of(h);
            let grid = grids.get(house.grid(), || GridRow {
                grid: house.grid().to_string(),
                households: 0,
                visits: 0,
                households_visited: 0,
                overdue: 0,
                compliance: PerLevel::default(),
                compliance_rate: None,
            });
            for level in Level::ALL {
                compliance[level].add(c[level]);
                grid.compliance[level].add(c[level]);
            }
            let visits = u64::from(self.counts.visits_per_household[h]);
            grid.visits += visits;
            grid.households_visited += u64::from(self.counts.visited[h]);
            let on = schedule::household_on(house.members(), self.as_of);
            let is_overdue = on.is_some_and(|on| {
                let deadline = rules.deadline(on.level, on.start, self.counts.last[h]);
                schedule::standing(deadline, self.as_of, 0).status == Status::Overdue
            });
            if let Some(on) = on {
                households[on.level] += 1;
                active_visited += u64::from(self.counts.visited[h]);
                grid.households += 1;
                if is_overdue {
                    overdue[on.level] += 1;
                    grid.overdue += 1;
                    let deadline = rules.deadline(on.level, on.start, self.counts.last[h]);
                    let standing = schedule::standing(deadline, self.as_of, 0);
                    never_visited += u64::from(self.counts.last[h].is_none());
                    let contact = house
                        .residents()
                        .zip(house.members())
                        .find(|(_, m)| schedule::is_active(m, self.as_of))
                        .map(|(r, _)| {
                            if reveal {
                                r.name().to_string()
                            } else {
                                privacy::mask_name(r.name())
                            }
                        })
                        .unwrap_or_default();
                    overdue_list.push((
                        deadline,
                        on.level,
                        OverdueRow {
                            household: house.id().to_string(),
                            level: on.level,
                            grid: house.grid().to_string(),
                            building: house.building().to_string(),
                            unit: house.unit().to_string(),
                            room: house.room().to_string(),
                            visitor: house.visitor().to_string(),
                            contact,
                            last_visit: self.counts.last[h].map(iso),
                            deadline: deadline.date().map(iso),
                            days_overdue: standing.days_overdue,
                        },
                    ));
                }
                // The worker in charge of an active household.
                let w = workers.get(house.visitor(), || worker(house.visitor()));
                w.households_in_charge += 1;
                w.households_in_charge_visited += u64::from(self.counts.visited[h]);
                w.overdue_in_charge += u64::from(is_overdue);
                w.compliance_in_charge.add(c.total());
            }
        }
        for (name, n) in &by_visitor {
            workers.get(name, || worker(name)).visits += n;
        }
        overdue_list.sort_by(|a, b| {
            schedule::due_order((a.0, a.1, &a.2.household), (b.0, b.1, &b.2.household))
        });
        let mut grids: Vec<GridRow> = grids.into_sorted();
        for g in &mut grids {
            g.compliance_rate = rounded(g.compliance.total().rate());
        }
        let visits_by_grid: BTreeMap<String, u64> = grids
            .iter()
            .filter(|g| g.visits > 0)
            .map(|g| (g.grid.clone(), g.visits))
            .collect();
        let mut workers: Vec<WorkerRow> = workers.into_sorted();
        for w in &mut workers {
            w.compliance_rate = rounded(w.compliance_in_charge.rate());
        }
        let mut rate = PerLevel::<Option<f64>>::default();
        for level in Level::ALL {
            rate[level] = rounded(compliance[level].rate());
        }
        Report {
            month: (self.span.kind == SpanKind::Month).then(|| self.span.label()),
            as_of: iso(self.as_of),
            households,
            visits: self.counts.visits,
            households_visited: self.counts.visited.iter().filter(|v| **v).count() as u64,
            person_times: self.counts.person_times,
            overdue,
            visits_by_grid,
            visits_by_visitor: by_visitor,
            compliance,
            period: PeriodInfo {
                kind: self.span.kind,
                label: self.span.label(),
                first: iso(self.span.first),
                last: iso(self.span.last()),
            },
            compliance_rate: rate,
            never_visited,
            grids,
            workers,
            overdue_list: overdue_list.into_iter().map(|(_, _, r)| r).collect(),
            trend: Tally::trend_rows(trend),
            coverage: Coverage::new(households.0.iter().sum(), active_visited),
            needs: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The periods of `level` a tally counts.
    fn ends(t: &Tally<'_>, level: Level) -> Vec<(NaiveDate, NaiveDate)> {
        t.windows
            .iter()
            .filter(|w| w.level == level)
            .map(|w| (w.start, w.end))
            .collect()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn spans() {
        let m = Span::parse_month("2020-02").unwrap();
        assert_eq!(m.last(), d("2020-02-29"));
        assert_eq!(m.label(), "2020-02");
        assert_eq!(Span::parse_month("2020-2").unwrap().label(), "2020-02");
        assert!(Span::parse_month("2020-13").is_none());
        assert!(Span::parse_month("2020").is_none());
        assert!(Span::parse_month("20-01").is_none());
        let q = Span::parse_quarter("2020-Q2").unwrap();
        assert_eq!(
            (q.first, q.last(), q.label()),
            (d("2020-04-01"), d("2020-06-30"), "2020-Q2".into())
        );
        assert_eq!(
            Span::parse_quarter("2020q4").unwrap().last(),
            d("2020-12-31")
        );
        assert!(Span::parse_quarter("2020-Q5").is_none());
        let h = Span::parse_half("2020-H2").unwrap();
        assert_eq!((h.first, h.last()), (d("2020-07-01"), d("2020-12-31")));
        let y = Span::parse_year("2020").unwrap();
        assert_eq!(
            (y.first, y.last(), y.label()),
            (d("2020-01-01"), d("2020-12-31"), "2020".into())
        );
        assert!(Span::parse_year("20").is_none());
        let trend = |span: Span, as_of: &str| -> Vec<String> {
            span.trend_months(d(as_of))
                .iter()
                .map(|s| s.label())
                .collect()
        };
        // A month: the six months that end with it.
        assert_eq!(
            trend(m, "2020-07-20"),
            [
                "2019-09", "2019-10", "2019-11", "2019-12", "2020-01", "2020-02"
            ]
        );
        // A longer span: its own months, up to today's while it runs.
        assert_eq!(trend(q, "2020-08-01"), ["2020-04", "2020-05", "2020-06"]);
        assert_eq!(trend(q, "2020-05-10"), ["2020-04", "2020-05"]);
        assert_eq!(
            trend(h, "2020-12-31"),
            [
                "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12"
            ]
        );
        assert_eq!(
            trend(y, "2020-07-20"),
            [
                "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"
            ]
        );
        assert_eq!(trend(y, "2021-03-01").len(), 12);
        assert_eq!(trend(y, "2020-01-01"), ["2020-01"]);
        assert_eq!(m.previous_month().label(), "2020-01");
        assert_eq!(
            Span::parse_month("2020-01")
                .unwrap()
                .previous_month()
                .label(),
            "2019-12"
        );
        assert_eq!(as_of(m, d("2020-02-20")), d("2020-02-20"));
        assert_eq!(as_of(m, d("2020-04-01")), d("2020-02-29"));
    }

    /// What a tally counted, for comparing passes.
    fn counted(t: &Tally<'_>) -> (u64, Vec<bool>, Vec<u32>, PerLevel<Compliance>) {
        let mut total = PerLevel::<Compliance>::default();
        for h in 0..t.roster.households_len() {
            let c = t.compliance_of(h);
            for level in Level::ALL {
                total[level].add(c[level]);
            }
        }
        (
            t.counts.visits,
            t.counts.visited.clone(),
            t.counts.met.clone(),
            total,
        )
    }

    #[test]
    fn a_pass_counts_any_number_of_tallies_and_windows() {
        use crate::data::roster::Load;
        use crate::data::table::Table;
        use crate::schedule::{Cadence, Period};
        let text = "id,household,level,since,until\n\
            R1,H1,red,,\nR2,H2,orange,,\nR3,H3,yellow,2018-03-01,\n\
            R4,H4,green,,2020-05-01\nR5,H4,red,2019-06-10,\n";
        let mut problems = Vec::new();
        let table = Table::from_bytes(std::path::Path::new("residents.csv"), text.as_bytes());
        let roster = crate::data::roster::from_table(table, Load::default(), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        // Every level weekly: 212 windows in the year, seven words a row.
        let rules = Rules {
            cadence: [Cadence::of_period(Period::Week); 4],
            ..Rules::default()
        };
        let today = d("2021-02-01");
        let year = Span::parse_year("2020").unwrap();
        let tally = |span: Span| Tally::new(&roster, &rules, span, as_of(span, today));
        let main = tally(year);
        assert_eq!(main.windows.len(), 4 * 52);
        // Forty months after it: 41 tallies, two words of tally bits.
        let months: Vec<Span> = (0..40)
            .map(|i| Span::month_of(d("2017-10-01") + Months::new(i)))
            .collect();
        let mut trend: Vec<Tally<'_>> = months.iter().map(|m| tally(*m)).collect();
        let mut main = main;
        let visits: Vec<(usize, NaiveDate)> = (0..400)
            .map(|i| {
                (
                    i % 4,
                    d("2017-09-25") + chrono::Days::new(i as u64 * 3 + i as u64 % 5),
                )
            })
            .collect();
        let pass = Pass::new(&main, &trend);
        let mut sheet = pass.sheet();
        for &(h, date) in &visits {
            pass.visit(&mut sheet, &roster, h, date, "w", None);
        }
        pass.finish(sheet, &mut main, &mut trend);
        // Each tally counted alone, in a pass of its own, says the same.
        for t in std::iter::once(&main).chain(&trend) {
            let mut alone = tally(t.span);
            let pass = Pass::new(&alone, &[]);
            let mut sheet = pass.sheet();
            for &(h, date) in &visits {
                pass.visit(&mut sheet, &roster, h, date, "w", None);
            }
            pass.finish(sheet, &mut alone, &mut []);
            assert_eq!(counted(t), counted(&alone), "{}", t.span.label());
        }
        assert!(counted(&main).3.total().met > 0);
    }

    #[test]
    fn a_week_belongs_to_the_month_of_its_sunday() {
        let roster = Roster::default();
        let rules = Rules::default();
        let t = Tally::new(
            &roster,
            &rules,
            Span::parse_month("2021-01").unwrap(),
            d("2021-01-31"),
        );
        let weeks = ends(&t, Level::Red);
        // The week of 2020-12-28 ends on Sunday 2021-01-03.
        assert_eq!(weeks.first(), Some(&(d("2020-12-28"), d("2021-01-03"))));
        assert_eq!(weeks.len(), 5);
        assert!(ends(&t, Level::Yellow).is_empty() && ends(&t, Level::Green).is_empty());
        // Only periods that ended by as_of count.
        let t = Tally::new(
            &roster,
            &rules,
            Span::parse_month("2020-06").unwrap(),
            d("2020-06-20"),
        );
        assert_eq!(ends(&t, Level::Red).len(), 2);
        assert!(ends(&t, Level::Orange).is_empty());
        // A year: the 52 weeks whose Sunday falls in 2020 (2020-W53 ends on
        // 2021-01-03 and counts for 2021), 12 months, 4 quarters, 2 halves.
        let t = Tally::new(
            &roster,
            &rules,
            Span::parse_year("2020").unwrap(),
            d("2021-06-01"),
        );
        assert_eq!(ends(&t, Level::Red).len(), 52);
        assert_eq!(ends(&t, Level::Orange).len(), 12);
        assert_eq!(ends(&t, Level::Yellow).len(), 4);
        assert_eq!(ends(&t, Level::Green).len(), 2);
    }
}
