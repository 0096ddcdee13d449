//! A tally: the periods of each level that end within a report's span
//! (its windows), which of them each household must hold a visit in, and,
//! once a `Pass` has counted the visits, the report's rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::engine::Counts;
use super::figures::{Compliance, Coverage, PerLevel, rounded};
use super::span::{Span, SpanKind};
use super::{GridRow, OverdueRow, PeriodInfo, Report, TagRow, TrendRow, WorkerRow};
use crate::model::roster::{HouseholdRef, Roster};
use crate::model::{Level, Status, date};
use crate::schedule::{self, Deadline, Rules, Standing};

/// One period of one level that ends within the span, on or before as_of.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub(super) level: Level,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
}

/// The periods of each level that a tally of `span` counts: those whose
/// last day falls in the span (a week belongs to the month that holds its
/// Sunday), up to `as_of`.
fn windows(rules: &Rules, span: Span, as_of: NaiveDate) -> Vec<Window> {
    let mut windows = Vec::new();
    let end_of_span = span.last().min(as_of);
    for level in Level::ALL {
        let period = rules.period(level);
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
    windows
}

/// The last days of the windows of a tally of `span`, as of `as_of`.
pub fn window_ends(rules: &Rules, span: Span, as_of: NaiveDate) -> Vec<NaiveDate> {
    windows(rules, span, as_of).iter().map(|w| w.end).collect()
}

/// The households' levels on the last days of a report's windows (of
/// its span and the months of its trend), worked out once for all its
/// tallies. Most of a city's households keep one level over all those
/// days: they must hold a visit in every window of that level.
pub struct Steady {
    /// The windows' last days, in order.
    ends: Vec<NaiveDate>,
    /// Per household: its level's index, `INACTIVE`, or `VARIES`.
    levels: Vec<u8>,
    /// For each household that `VARIES`, in order: its level's index (or
    /// `INACTIVE`) on each of `ends`.
    varied: Vec<u8>,
}

/// A household with no active member on any of the days.
const INACTIVE: u8 = 4;
/// A household whose level or activity changes between the days.
const VARIES: u8 = u8::MAX;

impl Steady {
    /// The households' levels on `ends`, on every core. A household keeps
    /// one when no member's `since`, `until` or span of days begins or
    /// ends after the first of them and on or before the last.
    pub fn new(roster: &Roster, mut ends: Vec<NaiveDate>) -> Steady {
        ends.sort_unstable();
        ends.dedup();
        let (Some(&first), Some(&last)) = (ends.first(), ends.last()) else {
            return Steady {
                ends,
                levels: vec![INACTIVE; roster.households_len()],
                varied: Vec::new(),
            };
        };
        let (lo, hi) = (date::days(first), date::days(last));
        let within = |d: i32| lo < d && d <= hi;
        let level = |l: Option<Level>| l.map_or(INACTIVE, |l| l.index() as u8);
        let parts = crate::cores::in_parts(roster.households_len(), |range| {
            let mut levels = Vec::with_capacity(range.len());
            let mut varied = Vec::new();
            for h in range {
                let members = roster.household(h).members();
                let changes = members.iter().any(|m| {
                    m.since.is_some_and(|s| within(date::days(s)))
                        || m.until.is_some_and(|u| within(date::days(u)))
                        || within(m.from)
                        || within(m.to)
                });
                if changes {
                    levels.push(VARIES);
                    varied.extend(ends.iter().map(|&d| level(schedule::level_on(members, d))));
                } else {
                    levels.push(level(schedule::level_on(members, first)));
                }
            }
            (levels, varied)
        });
        let (mut levels, mut varied) = (Vec::new(), Vec::new());
        for (l, v) in parts {
            levels.extend(l);
            varied.extend(v);
        }
        Steady {
            ends,
            levels,
            varied,
        }
    }
}

/// Counts one span; see the module docs.
pub struct Tally<'a> {
    pub(super) roster: &'a Roster,
    pub(super) span: Span,
    pub(super) as_of: NaiveDate,
    pub(super) windows: Vec<Window>,
    /// Per household: bit i set when it must hold a visit in window i.
    required: Vec<u32>,
    /// The first day a visit counts for anything but the last visit.
    pub(super) earliest: NaiveDate,
    /// Per day from `earliest` to `as_of`: bit i set when window i holds it.
    pub(super) by_day: Vec<u32>,
    /// Per level: bit i set when window i is one of its periods.
    of_level: Vec<Vec<u32>>,
    pub(super) counts: Counts,
    /// With `--tag`: per household, whether the report counts it.
    pub(super) keep: Option<&'a [bool]>,
}

impl<'a> Tally<'a> {
    pub fn new(roster: &'a Roster, rules: &Rules, span: Span, as_of: NaiveDate) -> Self {
        let steady = Steady::new(roster, window_ends(rules, span, as_of));
        Tally::with_steady(roster, rules, span, as_of, &steady)
    }

    /// `new`, given the households' `Steady` levels over a range of days
    /// (a report's many tallies share them): where the range does not hold
    /// every window's last day, they are not used.
    pub fn with_steady(
        roster: &'a Roster,
        rules: &Rules,
        span: Span,
        as_of: NaiveDate,
        steady: &Steady,
    ) -> Self {
        let windows = windows(rules, span, as_of);
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
        // Each window's last day among the steady levels' days; the day by
        // day rule where one is not among them.
        let at: Option<Vec<usize>> = (windows.iter())
            .map(|w| steady.ends.binary_search(&w.end).ok())
            .collect();
        let at = at.filter(|_| steady.levels.len() == n);
        let mut varied = steady.varied.chunks_exact(steady.ends.len().max(1));
        for (h, bits) in required.chunks_exact_mut(words).enumerate() {
            let Some(at) = &at else {
                let members = roster.household(h).members();
                for (i, w) in windows.iter().enumerate() {
                    if schedule::level_on(members, w.end) == Some(w.level) {
                        bits[i / 32] |= 1 << (i % 32);
                    }
                }
                continue;
            };
            let level = steady.levels[h];
            if let Some(of) = of_level.get(usize::from(level)) {
                bits.copy_from_slice(of);
            } else if level == VARIES {
                let on = varied.next().expect("a row for each household that varies");
                for (i, w) in windows.iter().enumerate() {
                    if on[at[i]] == w.level.index() as u8 {
                        bits[i / 32] |= 1 << (i % 32);
                    }
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
            keep: None,
        }
    }

    /// Counts only the households `keep` marks: the others require
    /// nothing, and the pass leaves their visits out.
    pub fn restrict(&mut self, keep: &'a [bool]) {
        let words = self.words();
        for (h, _) in keep.iter().enumerate().filter(|(_, k)| !**k) {
            self.required[h * words..(h + 1) * words].fill(0);
        }
        self.keep = Some(keep);
    }

    fn kept(&self, h: usize) -> bool {
        self.keep.is_none_or(|k| k[h])
    }

    pub(super) fn words(&self) -> usize {
        self.windows.len().div_ceil(32).max(1)
    }

    /// Per level, the household-periods required and met, for each household.
    pub(super) fn compliance_of(&self, h: usize) -> PerLevel<Compliance> {
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

    /// The household-periods required and met per level, summed over the
    /// households `range`: what adding up their `compliance_of` gives, in
    /// one pass over their words a level, with no figure made per
    /// household (a trend adds up a city's households for each month).
    fn compliance_sum(&self, range: std::ops::Range<usize>) -> PerLevel<Compliance> {
        let words = self.words();
        let required = &self.required[range.start * words..range.end * words];
        let met = &self.counts.met[range.start * words..range.end * words];
        let mut c = PerLevel::<Compliance>::default();
        for level in Level::ALL {
            let of = &self.of_level[level.index()];
            let (mut req, mut got) = (0u64, 0u64);
            if let [of] = of[..] {
                // One word a household, as most spans have.
                for (r, m) in required.iter().zip(met) {
                    req += u64::from((r & of).count_ones());
                    got += u64::from((r & m & of).count_ones());
                }
            } else {
                for (rs, ms) in required.chunks_exact(words).zip(met.chunks_exact(words)) {
                    for ((r, m), of) in rs.iter().zip(ms).zip(of) {
                        req += u64::from((r & of).count_ones());
                        got += u64::from((r & m & of).count_ones());
                    }
                }
            }
            c[level].required += req;
            c[level].met += got;
        }
        c
    }

    /// The month's figures only (for the trend).
    fn trend_row(&self) -> TrendRow {
        // A city's households in parts on every core, added up after.
        let parts = crate::cores::in_parts(self.roster.households_len(), |range| {
            self.compliance_sum(range)
        });
        let mut compliance = PerLevel::<Compliance>::default();
        for part in &parts {
            compliance.add(part);
        }
        TrendRow {
            month: self.span.first,
            as_of: self.as_of,
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
    /// `Span::trend_months`) preceded by the month before them. Names are
    /// in full: `Report::mask` masks them.
    pub fn finish(mut self, rules: &Rules, trend: &[Tally<'_>]) -> Report {
        let by_visitor_both: BTreeMap<String, [u64; 2]> =
            std::mem::take(&mut self.counts.by_visitor)
                .into_iter()
                .collect();
        let by_visitor: BTreeMap<String, u64> = by_visitor_both
            .iter()
            .map(|(k, n)| (k.clone(), n[0]))
            .collect();
        self.counts.moved.sort_unstable();
        // A city's households in parts on every core, each part in
        // household order, the parts added up in order.
        let this = &self;
        let mut parts = crate::cores::in_parts(self.roster.households_len(), |range| {
            let mut all = Households::default();
            let mut deadlines = crate::compute::Deadlines::default();
            for h in range {
                if this.kept(h) {
                    let house = this.roster.household(h);
                    this.add_household(&mut all, house.on(this.as_of), rules, &mut deadlines);
                }
            }
            all
        });
        let mut all = parts.remove(0);
        for other in parts {
            all.absorb(other);
        }
        let Households {
            households,
            overdue,
            compliance,
            never_visited,
            active_visited,
            grids,
            workers,
            overdue_list,
        } = all;
        let grids = grid_rows(grids);
        let workers = worker_rows(workers, &by_visitor_both);
        let by_tag = self.tag_rows(rules);
        Report {
            month: (self.span.kind == SpanKind::Month).then(|| self.span.label()),
            as_of: self.as_of,
            households,
            visits: self.counts.visits,
            households_visited: self.counts.visited.iter().filter(|v| **v).count() as u64,
            person_times: self.counts.person_times,
            overdue,
            visits_by_grid: visits_by_grid(&grids),
            visits_by_visitor: by_visitor,
            compliance,
            period: self.period(),
            compliance_rate: compliance.rates(),
            never_visited,
            grids,
            workers,
            overdue_list: overdue_rows(overdue_list),
            trend: Tally::trend_rows(trend),
            coverage: Coverage::new(households.0.iter().sum(), active_visited),
            needs: None,
            roster_changes: None,
            unrecorded_edits: 0,
            by_branch: None,
            by_party_group: None,
            by_tag,
            only_tags: Vec::new(),
            communities: Vec::new(),
            by_community: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// The figures of each special group: the households active on the
    /// as-of date that carry it that day.
    fn tag_rows(&self, rules: &Rules) -> Vec<TagRow> {
        let tags = self.roster.tags();
        if tags.is_empty() {
            return Vec::new();
        }
        let mut rows: Vec<TagRow> = tags
            .words()
            .iter()
            .map(|t| TagRow {
                tag: t.clone(),
                households: 0,
                households_visited: 0,
                overdue: 0,
                compliance: Compliance::default(),
                compliance_rate: None,
            })
            .collect();
        for house in self.roster.households() {
            if !self.kept(house.index()) {
                continue;
            }
            let house = house.on(self.as_of);
            let carried = house.tags();
            if carried.is_empty() {
                continue;
            }
            let Some(on) = schedule::household_on(house.members(), self.as_of) else {
                continue;
            };
            let h = house.index();
            let c = self.compliance_of(h).total();
            let last = self.counts.last[h];
            let start = schedule::start(rules, house.members(), &on, self.as_of);
            let deadline = rules.deadline(on.level, start, last);
            let overdue = schedule::standing(deadline, self.as_of, 0).status == Status::Overdue;
            for t in carried {
                let Some(k) = tags.word(t) else { continue };
                let row = &mut rows[k as usize];
                row.households += 1;
                row.households_visited += u64::from(self.counts.visited[h]);
                row.overdue += u64::from(overdue);
                row.compliance.add(c);
            }
        }
        rows.retain(|r| r.households > 0);
        for r in &mut rows {
            r.compliance_rate = rounded(r.compliance.rate());
        }
        rows
    }

    /// Adds one household to its grid, and, when it is active on the
    /// as-of date, to the households of its level, to its worker in charge
    /// and, when overdue, to the overdue list.
    fn add_household<'k>(
        &self,
        all: &mut Households<'k>,
        house: HouseholdRef<'k>,
        rules: &Rules,
        deadlines: &mut crate::compute::Deadlines<Deadline>,
    ) {
        let h = house.index();
        let c = self.compliance_of(h);
        let visited = u64::from(self.counts.visited[h]);
        all.compliance.add(&c);
        self.credit_periods(all, house, &c);
        if self.roster.moved(h) {
            // Each visit to the grid of its day (`moved` is in household order).
            let moved = &self.counts.moved;
            let from = moved.partition_point(|(x, _)| (*x as usize) < h);
            let to = moved.partition_point(|(x, _)| (*x as usize) <= h);
            for &(_, day) in &moved[from..to] {
                let name = house.on(crate::model::date::from_days(day)).grid();
                all.grids.get(name, || GridRow::named(name)).visits += 1;
            }
        }
        let grid = all.grids.get(house.grid(), || GridRow::named(house.grid()));
        grid.compliance.add(&c);
        if !self.roster.moved(h) {
            grid.visits += u64::from(self.counts.visits_per_household[h]);
        }
        grid.households_visited += visited;
        let Some(on) = schedule::household_on(house.members(), self.as_of) else {
            return;
        };
        let last = self.counts.last[h];
        let start = schedule::start(rules, house.members(), &on, self.as_of);
        let deadline = deadlines.get(on.level, start, last, |level, start, last| {
            rules.deadline(level, start, last)
        });
        let standing = schedule::standing(deadline, self.as_of, 0);
        let is_overdue = standing.status == Status::Overdue;
        all.households[on.level] += 1;
        all.active_visited += visited;
        grid.households += 1;
        if is_overdue {
            all.overdue[on.level] += 1;
            grid.overdue += 1;
            all.never_visited += u64::from(last.is_none());
            let row = self.overdue_row(house, on.level, last, deadline, standing);
            all.overdue_list.push((deadline, on.level, row));
        }
        // The worker in charge of an active household.
        let w = all
            .workers
            .get(house.visitor(), || WorkerRow::named(house.visitor()));
        w.households_in_charge += 1;
        w.households_in_charge_visited += visited;
        w.overdue_in_charge += u64::from(is_overdue);
    }

    /// Credits each period the household had to hold a visit in to the
    /// worker in charge on the period's last day (SPEC "Worker in
    /// charge"), so that a household handed over mid-month is counted once
    /// and nobody answers for weeks before it was theirs.
    fn credit_periods<'k>(
        &self,
        all: &mut Households<'k>,
        house: HouseholdRef<'k>,
        c: &PerLevel<Compliance>,
    ) {
        let total = c.total();
        if total.required == 0 {
            return;
        }
        let members = house.members();
        let one_worker = members.windows(2).all(|m| m[0].visitor == m[1].visitor);
        if one_worker {
            let name = house.visitor();
            let w = all.workers.get(name, || WorkerRow::named(name));
            w.compliance_in_charge.add(total);
            return;
        }
        let words = self.words();
        let h = house.index();
        let required = &self.required[h * words..(h + 1) * words];
        let met = &self.counts.met[h * words..(h + 1) * words];
        for (i, window) in self.windows.iter().enumerate() {
            let bit = 1 << (i % 32);
            if required[i / 32] & bit == 0 {
                continue;
            }
            let name = house.on(window.end).visitor();
            let w = all.workers.get(name, || WorkerRow::named(name));
            w.compliance_in_charge.required += 1;
            w.compliance_in_charge.met += u64::from(met[i / 32] & bit != 0);
        }
    }

    /// An overdue household's row, with its first active resident's name
    /// (in full) to ask for.
    fn overdue_row(
        &self,
        house: HouseholdRef<'_>,
        level: Level,
        last: Option<NaiveDate>,
        deadline: Deadline,
        standing: Standing,
    ) -> OverdueRow {
        let resident = house
            .residents()
            .zip(house.members())
            .find(|(_, m)| schedule::is_active(m, self.as_of))
            .map(|(r, _)| r);
        let contact = resident.map(|r| r.name().to_string()).unwrap_or_default();
        OverdueRow {
            community: None,
            household: house.id().to_string(),
            level,
            grid: house.grid().to_string(),
            building: house.building().to_string(),
            unit: house.unit().to_string(),
            room: house.room().to_string(),
            visitor: house.visitor().to_string(),
            contact,
            contact_resident: resident.map(|r| r.index()),
            last_visit: last,
            deadline: deadline.date(),
            days_overdue: standing.days_overdue,
        }
    }

    fn period(&self) -> PeriodInfo {
        PeriodInfo {
            kind: self.span.kind,
            label: self.span.label(),
            first: self.span.first,
            last: self.span.last(),
        }
    }
}

/// What the households add up to on the as-of date.
#[derive(Default)]
struct Households<'k> {
    /// Active households, per level.
    households: PerLevel<u64>,
    overdue: PerLevel<u64>,
    compliance: PerLevel<Compliance>,
    never_visited: u64,
    /// Active households visited in the span.
    active_visited: u64,
    grids: Keyed<'k, GridRow>,
    workers: Keyed<'k, WorkerRow>,
    /// With each row its deadline and level, to sort by.
    overdue_list: Vec<(Deadline, Level, OverdueRow)>,
}

impl<'k> Households<'k> {
    /// Adds the figures of the households after these.
    fn absorb(&mut self, other: Households<'k>) {
        for l in Level::ALL {
            self.households[l] += other.households[l];
            self.overdue[l] += other.overdue[l];
        }
        self.compliance.add(&other.compliance);
        self.never_visited += other.never_visited;
        self.active_visited += other.active_visited;
        for (name, g) in other.grids.rows {
            let mine = self.grids.get(name, || GridRow::named(name));
            mine.households += g.households;
            mine.visits += g.visits;
            mine.households_visited += g.households_visited;
            mine.overdue += g.overdue;
            mine.compliance.add(&g.compliance);
        }
        for (name, w) in other.workers.rows {
            let mine = self.workers.get(name, || WorkerRow::named(name));
            mine.visits += w.visits;
            mine.households_in_charge += w.households_in_charge;
            mine.households_in_charge_visited += w.households_in_charge_visited;
            mine.overdue_in_charge += w.overdue_in_charge;
            mine.compliance_in_charge.add(w.compliance_in_charge);
            mine.person_times += w.person_times;
        }
        self.overdue_list.extend(other.overdue_list);
    }
}

impl GridRow {
    fn named(grid: &str) -> GridRow {
        GridRow {
            community: None,
            grid: grid.to_string(),
            households: 0,
            visits: 0,
            households_visited: 0,
            overdue: 0,
            compliance: PerLevel::default(),
            compliance_rate: None,
        }
    }
}

impl WorkerRow {
    fn named(worker: &str) -> WorkerRow {
        WorkerRow {
            community: None,
            worker: worker.to_string(),
            visits: 0,
            households_in_charge: 0,
            households_in_charge_visited: 0,
            overdue_in_charge: 0,
            compliance_in_charge: Compliance::default(),
            compliance_rate: None,
            person_times: 0,
            registered: None,
        }
    }
}

/// The grids by name, with their rates.
fn grid_rows(grids: Keyed<'_, GridRow>) -> Vec<GridRow> {
    let mut grids = grids.into_sorted();
    grids.iter_mut().for_each(GridRow::rate);
    grids
}

/// The visits per grid, of the grids visited.
fn visits_by_grid(grids: &[GridRow]) -> BTreeMap<String, u64> {
    grids
        .iter()
        .filter(|g| g.visits > 0)
        .map(|g| (g.grid.clone(), g.visits))
        .collect()
}

/// The workers by name, with the visits they made and their rates.
fn worker_rows<'k>(
    mut workers: Keyed<'k, WorkerRow>,
    by_visitor: &'k BTreeMap<String, [u64; 2]>,
) -> Vec<WorkerRow> {
    for (name, n) in by_visitor {
        let w = workers.get(name, || WorkerRow::named(name));
        w.visits += n[0];
        w.person_times += n[1];
    }
    let mut workers = workers.into_sorted();
    workers.iter_mut().for_each(WorkerRow::rate);
    workers
}

/// The overdue list in `due`'s order.
fn overdue_rows(mut list: Vec<(Deadline, Level, OverdueRow)>) -> Vec<OverdueRow> {
    list.sort_by(|a, b| {
        schedule::due_order((a.0, a.1, &a.2.household), (b.0, b.1, &b.2.household))
    });
    list.into_iter().map(|(_, _, r)| r).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::report::{Pass, as_of};
    use chrono::Months;

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
    fn steady_levels_stand_for_the_level_on_every_window() {
        use crate::model::history::{Change, Field, History};
        // Residents arriving, leaving and re-rated on the edges of
        // February to March 2024 and within it; one household of each.
        let mut roster = crate::compute::roster(
            "id,household,level,since,until\n\
             R1,H1,red,,\nR2,H1,green,,\n\
             R3,H2,orange,2024-02-01,\nR4,H3,orange,2024-02-02,\n\
             R5,H4,red,,2024-04-01\nR6,H5,red,,2024-03-31\n\
             R7,H6,yellow,2024-04-01,\nR8,H7,green,,2024-02-01\n\
             R9,H8,red,,\nR10,H9,red,,\nR11,H10,green,2024-03-10,2024-03-20\n\
             R12,H10,yellow,,\nR13,H11,green,,\nR14,H12,red,,\n",
        );
        let change = |resident: &str, date: &str, to: &str| Change {
            line: 2,
            date: d(date),
            resident: resident.into(),
            field: Field::Level,
            from: "red".into(),
            to: to.into(),
            reason: Default::default(),
            by: Default::default(),
        };
        // R14 moves from H12 to H11 on March 20.
        let moved = Change {
            field: Field::Household,
            from: "H12".into(),
            ..change("R14", "2024-03-20", "H11")
        };
        roster.apply_history(&History {
            changes: vec![
                change("R9", "2024-03-15", "green"),
                change("R10", "2024-04-01", "green"),
                moved,
            ],
        });
        let rules = Rules::default();
        let today = d("2024-04-10");
        let required = |t: &Tally<'_>| (t.words(), t.required.clone());
        for label in ["2024-02", "2024-03", "2024-Q1"] {
            let span = Span::parse_month(label)
                .or_else(|| Span::parse_quarter(label))
                .unwrap();
            let as_of = as_of(span, today);
            // The household of each window worked out day by day.
            let unsteady = Steady {
                ends: Vec::new(),
                levels: Vec::new(),
                varied: Vec::new(),
            };
            let slow = Tally::with_steady(&roster, &rules, span, as_of, &unsteady);
            assert!(!slow.windows.is_empty());
            let own = window_ends(&rules, span, as_of);
            let months = |labels: &[&str]| -> Vec<NaiveDate> {
                (labels.iter())
                    .map(|m| Span::parse_month(m).unwrap())
                    .flat_map(|m| window_ends(&rules, m, crate::compute::report::as_of(m, today)))
                    .chain(own.iter().copied())
                    .collect()
            };
            for ends in [
                own.clone(),
                [own.clone(), vec![d("2024-01-01"), d("2024-04-30")]].concat(),
                months(&["2024-02", "2024-03"]),
                months(&["2024-01", "2024-04"]),
            ] {
                let steady = Steady::new(&roster, ends.clone());
                let fast = Tally::with_steady(&roster, &rules, span, as_of, &steady);
                assert_eq!(required(&fast), required(&slow), "{label} {ends:?}");
            }
            assert_eq!(
                required(&Tally::new(&roster, &rules, span, as_of)),
                required(&slow)
            );
        }
        // The steady ones, over March, and the levels of one that varies.
        let steady = Steady::new(&roster, vec![d("2024-03-31"), d("2024-03-01")]);
        let red = Level::Red.index() as u8;
        let orange = Level::Orange.index() as u8;
        let h = |id: &str| steady.levels[roster.find(id).unwrap()];
        assert_eq!(
            [h("H1"), h("H2"), h("H3"), h("H4"), h("H5")],
            [red, orange, orange, red, VARIES]
        );
        assert_eq!(
            [h("H6"), h("H7"), h("H8"), h("H9")],
            [INACTIVE, INACTIVE, VARIES, red]
        );
        assert_eq!([h("H10"), h("H11"), h("H12")], [VARIES; 3]);
        // On March 1 and 31: H5 (red until March 31), H8 (red, then green
        // from March 15), H10 (yellow, and green from March 10 to 19), H11
        // (green, and red from March 20) and H12 (red until March 20).
        let yellow = Level::Yellow.index() as u8;
        let green = Level::Green.index() as u8;
        assert_eq!(
            steady.varied,
            [
                red, INACTIVE, red, green, yellow, yellow, green, red, red, INACTIVE
            ]
        );
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

    mod reference {
        //! The report's compliance restated day by day from the SPEC (report,
        //! calendar policy): of each level's periods that end within the
        //! span and on or before as_of, the household-periods that had to
        //! hold a visit (the household active and of that level on the
        //! period's last day) and those that held one. Checked against the
        //! tallies on random rosters, visit logs, spans and rules.
        use super::*;
        use chrono::Datelike;
        use proptest::prelude::*;

        use crate::schedule::{Cadence, Period};

        /// The period of kind `p` that holds `d`, named so that two days
        /// share a name exactly when they share the period.
        fn period_of(p: Period, d: NaiveDate) -> (i32, u32) {
            match p {
                Period::Week => (d.iso_week().year(), d.iso_week().week()),
                Period::Month => (d.year(), d.month()),
                Period::Quarter => (d.year(), (d.month() - 1) / 3),
                Period::HalfYear => (d.year(), (d.month() - 1) / 6),
                Period::Year => (d.year(), 0),
            }
        }

        /// Per household, per level: the household-periods required and met.
        fn reference(
            roster: &Roster,
            rules: &Rules,
            visits: &[(usize, NaiveDate)],
            span: Span,
            as_of: NaiveDate,
        ) -> Vec<PerLevel<Compliance>> {
            let mut out = vec![PerLevel::<Compliance>::default(); roster.households_len()];
            for level in Level::ALL {
                let p = rules.period(level);
                // Every day of the span up to as_of that is the last day of
                // one of the level's periods.
                let mut end = span.first;
                while end <= span.last() && end <= as_of {
                    let next = end.succ_opt().unwrap();
                    if period_of(p, next) != period_of(p, end) {
                        let mut start = end;
                        while period_of(p, start.pred_opt().unwrap()) == period_of(p, end) {
                            start = start.pred_opt().unwrap();
                        }
                        for house in roster.households() {
                            let h = house.index();
                            let on = schedule::household_on(house.members(), end);
                            if on.is_some_and(|on| on.level == level) {
                                out[h][level].required += 1;
                                if visits
                                    .iter()
                                    .any(|&(v, d)| v == h && start <= d && d <= end)
                                {
                                    out[h][level].met += 1;
                                }
                            }
                        }
                    }
                    end = next;
                }
            }
            out
        }

        fn day(n: i64) -> NaiveDate {
            d("2019-01-01") + chrono::Duration::days(n)
        }

        fn period(n: usize) -> Period {
            [
                Period::Week,
                Period::Month,
                Period::Quarter,
                Period::HalfYear,
                Period::Year,
            ][n]
        }

        /// `YYYY-MM`, `YYYY-Qn`, `YYYY-Hn` or `YYYY` of 2019 to 2021.
        fn span_of(kind: usize, year: i32, n: u32) -> Span {
            match kind {
                0 => Span::parse_month(&format!("{year}-{:02}", n % 12 + 1)),
                1 => Span::parse_quarter(&format!("{year}-Q{}", n % 4 + 1)),
                2 => Span::parse_half(&format!("{year}-H{}", n % 2 + 1)),
                _ => Span::parse_year(&format!("{year}")),
            }
            .unwrap()
        }

        /// A resident: household, level, since and until (days from
        /// 2019-01-01; none when negative).
        type Row = (usize, usize, i64, i64);

        fn roster_of(rows: &[Row]) -> Roster {
            let date = |n: i64| if n < 0 { String::new() } else { iso(day(n)) };
            let mut text = String::from("id,household,level,since,until\n");
            for (i, &(h, level, since, until)) in rows.iter().enumerate() {
                // until on or after since: a resident may leave the day
                // they arrive (never active), not before.
                let until = if since >= 0 && until >= 0 {
                    until.max(since)
                } else {
                    until
                };
                let level = Level::ALL[level].word();
                text += &format!("R{i},H{h},{level},{},{}\n", date(since), date(until));
            }
            let mut problems = Vec::new();
            let table = Table::from_bytes(std::path::Path::new("residents.csv"), text.as_bytes());
            let roster = crate::data::roster::from_table(table, Load::default(), &mut problems);
            assert!(problems.is_empty(), "{problems:?}");
            roster
        }

        use crate::data::roster::Load;
        use crate::data::table::Table;
        use crate::model::date::iso;

        fn rows() -> impl Strategy<Value = Vec<Row>> {
            // Most residents have no since or until (the household keeps one
            // level), some arrive, leave or both within the three years.
            let edge = prop_oneof![3 => Just(-1i64), 2 => 0i64..1095];
            proptest::collection::vec((0usize..5, 0usize..4, edge.clone(), edge), 1..12)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            #[test]
            fn compliance_matches_the_day_by_day_reference(
                rows in rows(),
                visits in proptest::collection::vec((0usize..5, 0i64..1100), 0..60),
                periods in proptest::collection::vec(0usize..5, 4),
                kind in 0usize..4,
                year in 2019i32..2022,
                n in 0u32..12,
                late in 0i64..400,
            ) {
                let roster = roster_of(&rows);
                let mut rules = Rules::default();
                for (level, p) in Level::ALL.iter().zip(&periods) {
                    rules.cadence[level.index()] = Cadence::of_period(period(*p));
                }
                let span = span_of(kind, year, n);
                // Any day from the span's first on: within it or after it.
                let today = span.first + chrono::Duration::days(late);
                let as_of = as_of(span, today);
                let visits: Vec<(usize, NaiveDate)> = visits
                    .iter()
                    .filter_map(|&(h, n)| Some((roster.find(&format!("H{h}"))?, day(n))))
                    .collect();
                // The tallies of a report: the span, and the trend's months
                // preceded by the month before them, sharing the steady
                // households' levels over all their days.
                let (months, ends) = crate::compute::report::tallied_months(&rules, span, today);
                let steady = Steady::new(&roster, ends);
                let tally = |s: Span| {
                    Tally::with_steady(&roster, &rules, s, super::as_of(s, today), &steady)
                };
                let mut main = tally(span);
                let mut trend: Vec<Tally<'_>> = months.iter().map(|m| tally(*m)).collect();
                // Counted in two sheets, as two threads would, then merged.
                let pass = Pass::new(&main, &trend);
                let (mut a, mut b) = (pass.sheet(), pass.sheet());
                for (i, &(h, date)) in visits.iter().enumerate() {
                    let sheet = if i % 2 == 0 { &mut a } else { &mut b };
                    pass.visit(sheet, &roster, h, date, "w", None);
                }
                pass.finish(pass.merge(a, b), &mut main, &mut trend);
                for t in std::iter::once(&main).chain(&trend) {
                    let slow = reference(&roster, &rules, &visits, t.span, t.as_of);
                    for (h, slow) in slow.iter().enumerate() {
                        prop_assert_eq!(&t.compliance_of(h), slow, "{} H{}", t.span.label(), h);
                    }
                }
                let mut total = PerLevel::<Compliance>::default();
                for c in reference(&roster, &rules, &visits, span, as_of) {
                    total.add(&c);
                }
                let report = main.finish(&rules, &trend);
                prop_assert_eq!(report.compliance, total);
            }
        }
    }
}
