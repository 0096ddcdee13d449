//! The scheduling rules of SPEC.md: which households are active, their level
//! and start on a day, and the deadline and status of a household given its
//! last visit. Pure functions of their arguments: no I/O and no clock, so
//! `--today` and the tests are exact. This is the only place that knows what
//! "red means weekly" means.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Deserialize;

use crate::model::{Level, Membership, Status};

/// How deadlines are computed (SPEC "Scheduling rules" 6 and 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Each level has calendar periods (ISO week, month, quarter, half-year)
    /// that must each contain a visit.
    #[default]
    Calendar,
    /// Each level has an interval that may pass after the last visit.
    Rolling,
}

/// A calendar period kind. Under the rolling policy it also names the
/// interval (a week is 7 days, a month 1 month, a quarter 3 months …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Period {
    pub fn word(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::HalfYear => "half-year",
            Period::Year => "year",
        }
    }

    /// The period of this kind that contains `d`, as (first day, last day).
    pub fn bounds(self, d: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Week => {
                let start = d - Days::new(u64::from(d.weekday().num_days_from_monday()));
                (start, start + Days::new(6))
            }
            Period::Month => months_bounds(d, 1),
            Period::Quarter => months_bounds(d, 3),
            Period::HalfYear => months_bounds(d, 6),
            Period::Year => months_bounds(d, 12),
        }
    }

    pub fn start(self, d: NaiveDate) -> NaiveDate {
        self.bounds(d).0
    }

    pub fn end(self, d: NaiveDate) -> NaiveDate {
        self.bounds(d).1
    }

    /// The last day of the period after the one containing `d`.
    pub fn end_of_next(self, d: NaiveDate) -> NaiveDate {
        let next_start = self.end(d) + Days::new(1);
        self.end(next_start)
    }

    /// The same length as a rolling interval.
    pub fn interval(self) -> Interval {
        match self {
            Period::Week => Interval::Days(7),
            Period::Month => Interval::Months(1),
            Period::Quarter => Interval::Months(3),
            Period::HalfYear => Interval::Months(6),
            Period::Year => Interval::Months(12),
        }
    }
}

/// Calendar periods of `n` months aligned to January.
fn months_bounds(d: NaiveDate, n: u32) -> (NaiveDate, NaiveDate) {
    let first_month = (d.month0() / n) * n + 1;
    let start = NaiveDate::from_ymd_opt(d.year(), first_month, 1).expect("month start exists");
    let end = start
        .checked_add_months(Months::new(n))
        .and_then(|next| next.pred_opt())
        .expect("dates in range");
    (start, end)
}

/// A rolling interval: days, or months that keep the day of the month and
/// clamp it to the month's end (Jan 31 + 1 month = Feb 28 or 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Days(u32),
    Months(u32),
}

impl Interval {
    pub fn after(self, d: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Days(n) => d.checked_add_days(Days::new(u64::from(n))),
            Interval::Months(n) => d.checked_add_months(Months::new(n)),
        }
    }
}

/// How often one level must be visited: its calendar period, and its rolling
/// interval (by default the period's length, but a community may set any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cadence {
    pub period: Period,
    pub interval: Interval,
}

impl Cadence {
    pub fn of_period(period: Period) -> Cadence {
        Cadence {
            period,
            interval: period.interval(),
        }
    }
}

/// The rules in force for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub policy: Policy,
    /// Indexed by `Level::index`.
    pub cadence: [Cadence; 4],
    /// `start` in rounds.toml: the day the community began keeping its
    /// visits here (rule 4c).
    pub start: Option<NaiveDate>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            policy: Policy::Calendar,
            cadence: [
                Cadence::of_period(Period::Week),
                Cadence::of_period(Period::Month),
                Cadence::of_period(Period::Quarter),
                Cadence::of_period(Period::HalfYear),
            ],
            start: None,
        }
    }
}

impl Rules {
    pub fn cadence(&self, level: Level) -> Cadence {
        self.cadence[level.index()]
    }

    pub fn period(&self, level: Level) -> Period {
        self.cadence(level).period
    }

    /// The deadline of a household of `level` with start `start` (S) whose
    /// latest visit on or before the as-of date is `last`.
    pub fn deadline(
        &self,
        level: Level,
        start: Option<NaiveDate>,
        last: Option<NaiveDate>,
    ) -> Deadline {
        let cadence = self.cadence(level);
        match self.policy {
            Policy::Calendar => {
                let p = cadence.period;
                match last {
                    Some(l) if start.is_none_or(|s| p.start(l) >= p.start(s)) => {
                        Deadline::On(p.end_of_next(l))
                    }
                    // Never visited, or not since the start period: the
                    // period in which a resident was registered must hold a visit.
                    _ => start.map_or(Deadline::Never, |s| Deadline::On(p.end(s))),
                }
            }
            Policy::Rolling => {
                let anchor = match (last, start) {
                    (Some(l), Some(s)) => Some(l.max(s)),
                    (l, s) => l.or(s),
                };
                match anchor {
                    // Past the end of the calendar: nothing can be due.
                    Some(a) => cadence
                        .interval
                        .after(a)
                        .map_or(Deadline::On(NaiveDate::MAX), Deadline::On),
                    None => Deadline::Never,
                }
            }
        }
    }
}

/// A household's deadline; `Never` is −∞ (never visited, start unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deadline {
    Never,
    On(NaiveDate),
}

impl Deadline {
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Deadline::Never => None,
            Deadline::On(d) => Some(d),
        }
    }
}

/// A household's standing on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    pub days_overdue: Option<i64>,
    pub days_left: Option<i64>,
}

/// Status rule 8: overdue when the deadline is before `today`, due when it
/// falls within `within` days, ok otherwise.
pub fn standing(deadline: Deadline, today: NaiveDate, within: u32) -> Standing {
    match deadline {
        Deadline::Never => Standing {
            status: Status::Overdue,
            days_overdue: None,
            days_left: None,
        },
        Deadline::On(d) => {
            let diff = (d - today).num_days();
            if diff < 0 {
                Standing {
                    status: Status::Overdue,
                    days_overdue: Some(-diff),
                    days_left: None,
                }
            } else {
                let status = if diff <= i64::from(within) {
                    Status::Due
                } else {
                    Status::Ok
                };
                Standing {
                    status,
                    days_overdue: None,
                    days_left: Some(diff),
                }
            }
        }
    }
}

/// Rule 1: a resident is active on `d` when registered on or before `d` and
/// not yet moved out (`until` is the first inactive day), with the values
/// of the membership that holds on `d`.
pub fn is_active(m: &Membership, d: NaiveDate) -> bool {
    m.since.is_none_or(|s| s <= d)
        && m.until.is_none_or(|u| d < u)
        && (m.always() || m.holds(crate::model::date::days(d)))
}

/// Rule 3: the household's level on `d`; `None` when it is inactive.
pub fn level_on(members: &[Membership], d: NaiveDate) -> Option<Level> {
    members
        .iter()
        .filter(|m| is_active(m, d))
        .map(|m| m.level)
        .min()
}

/// Rule 4b: the first day of the household's level run on `t`, the latest
/// day c ≤ t on which its level differs from its level on c − 1; `None`
/// when its level on `t` has held for all time (or it is inactive on `t`).
///
/// The level can change only on a day some member's `since`, `until` or
/// span of days begins or ends, so only those days are tried.
pub fn run_start(members: &[Membership], t: NaiveDate) -> Option<NaiveDate> {
    // Nobody arrives or leaves: one level for all time.
    if members
        .iter()
        .all(|m| m.since.is_none() && m.until.is_none() && m.always())
    {
        return None;
    }
    let now = level_on(members, t)?;
    if let [m] = members
        && m.always()
    {
        // One resident: the run starts when they became active.
        return m.since.filter(|&s| s <= t);
    }
    // Nobody leaves before t: the level changes only when a member
    // stricter than all who came before arrives.
    if members
        .iter()
        .all(|m| m.always() && m.until.is_none_or(|u| u > t))
    {
        let mut start = None;
        for m in members {
            let Some(s) = m.since.filter(|&s| s <= t) else {
                continue;
            };
            let before = members
                .iter()
                .filter(|o| o.since.is_none_or(|x| x < s))
                .map(|o| o.level)
                .min();
            if before.is_none_or(|b| m.level < b) {
                start = start.max(Some(s));
            }
        }
        return start;
    }
    // The days a level can change on, on the stack for a household of
    // the usual size.
    let mut small = [NaiveDate::MIN; 16];
    let mut large = Vec::new();
    let days: &mut [NaiveDate] = if members.len() * 4 <= small.len() {
        let mut n = 0;
        for c in candidates(members, t) {
            small[n] = c;
            n += 1;
        }
        &mut small[..n]
    } else {
        large.extend(candidates(members, t));
        &mut large
    };
    days.sort_unstable_by(|a, b| b.cmp(a));
    // Walking back from t, the level stays `now` until the run's first day.
    let mut last = None;
    for &c in days.iter() {
        if last == Some(c) {
            continue;
        }
        last = Some(c);
        if c.pred_opt()
            .is_none_or(|before| level_on(members, before) != Some(now))
            && level_on(members, c) == Some(now)
        {
            return Some(c);
        }
    }
    None
}

/// The days on or before `t` on which a member's `since`, `until` or span
/// of days begins or ends: at most four for each.
fn candidates(members: &[Membership], t: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
    members
        .iter()
        .flat_map(|m| {
            let edge =
                |d: i32| (d != i32::MIN && d != i32::MAX).then(|| crate::model::date::from_days(d));
            [m.since, m.until, edge(m.from), edge(m.to)]
        })
        .flatten()
        .filter(move |&c| c <= t)
}

/// Rule 4: the household's start S on `t`, the latest of (a) the earliest
/// `since` of its members active on `t` when all have one (`on.start`),
/// (b) the first day of its current level run and (c) the `start` setting.
pub fn start(
    rules: &Rules,
    members: &[Membership],
    on: &HouseholdOn,
    t: NaiveDate,
) -> Option<NaiveDate> {
    [on.start, run_start(members, t), rules.start]
        .into_iter()
        .flatten()
        .max()
}

/// The worker in charge of a household on `d`: the first non-empty
/// visitor among its members active on `d`, in file order. A household
/// with no member active that day is in the charge of the first worker
/// its members on `d` name, else of the first any member names.
pub fn in_charge(members: &[Membership], d: NaiveDate) -> u32 {
    // Members who all name the same worker (or none): whoever is active.
    if let Some(first) = members.first()
        && members.iter().all(|m| m.visitor == first.visitor)
    {
        return first.visitor;
    }
    let day = crate::model::date::days(d);
    let first = |keep: &dyn Fn(&Membership) -> bool| {
        members
            .iter()
            .filter(|m| m.visitor != 0 && keep(m))
            .map(|m| m.visitor)
            .next()
    };
    first(&|m| is_active(m, d))
        .or_else(|| first(&|m| m.holds(day)))
        .or_else(|| first(&|_| true))
        .unwrap_or(0)
}

/// What rules 2–4 say of a household on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdOn {
    /// The strictest level among the residents active that day.
    pub level: Level,
    /// The earliest `since` of the active residents; `None` when any of them
    /// has no `since` (start unknown).
    pub start: Option<NaiveDate>,
    /// How many residents are active that day.
    pub active: u32,
}

/// Rules 2–4: `None` when no resident of the household is active on `d`.
pub fn household_on(members: &[Membership], d: NaiveDate) -> Option<HouseholdOn> {
    let mut out: Option<HouseholdOn> = None;
    let mut start_unknown = false;
    for m in members.iter().filter(|m| is_active(m, d)) {
        start_unknown |= m.since.is_none();
        out = Some(match out {
            None => HouseholdOn {
                level: m.level,
                start: m.since,
                active: 1,
            },
            Some(h) => HouseholdOn {
                level: h.level.min(m.level),
                start: match (h.start, m.since) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                },
                active: h.active + 1,
            },
        });
    }
    out.map(|h| HouseholdOn {
        start: if start_unknown { None } else { h.start },
        ..h
    })
}

/// Default order of `due` (SPEC): deadline ascending with −∞ first, then the
/// stricter level, then the household id in byte order.
pub fn due_order(a: (Deadline, Level, &str), b: (Deadline, Level, &str)) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then(a.1.cmp(&b.1))
        .then_with(|| a.2.as_bytes().cmp(b.2.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn on(s: &str) -> Deadline {
        Deadline::On(d(s))
    }

    fn calendar() -> Rules {
        Rules::default()
    }

    fn rolling() -> Rules {
        Rules {
            policy: Policy::Rolling,
            ..Rules::default()
        }
    }

    fn member(level: Level, since: Option<&str>, until: Option<&str>) -> Membership {
        Membership::new(level, since.map(d), until.map(d))
    }

    #[test]
    fn iso_weeks_cross_year_ends() {
        // 2020-W53 runs Mon 2020-12-28 to Sun 2021-01-03.
        assert_eq!(
            Period::Week.bounds(d("2021-01-01")),
            (d("2020-12-28"), d("2021-01-03"))
        );
        assert_eq!(
            Period::Week.bounds(d("2020-12-28")),
            (d("2020-12-28"), d("2021-01-03"))
        );
        // 2026-W53 runs Mon 2026-12-28 to Sun 2027-01-03.
        assert_eq!(
            Period::Week.bounds(d("2027-01-03")),
            (d("2026-12-28"), d("2027-01-03"))
        );
        // A visit in 2020-W53 is due again by the end of 2021-W01.
        assert_eq!(
            calendar().deadline(Level::Red, None, Some(d("2020-12-31"))),
            on("2021-01-10")
        );
        // 2019-12-30 is a Monday in 2020-W01.
        assert_eq!(
            calendar().deadline(Level::Red, None, Some(d("2019-12-29"))),
            on("2020-01-05")
        );
        assert_eq!(
            calendar().deadline(Level::Red, None, Some(d("2019-12-30"))),
            on("2020-01-12")
        );
    }

    #[test]
    fn months_quarters_and_half_years() {
        let r = calendar();
        assert_eq!(
            r.deadline(Level::Orange, None, Some(d("2020-01-31"))),
            on("2020-02-29")
        );
        assert_eq!(
            r.deadline(Level::Orange, None, Some(d("2019-01-01"))),
            on("2019-02-28")
        );
        assert_eq!(
            r.deadline(Level::Orange, None, Some(d("2020-12-01"))),
            on("2021-01-31")
        );
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2020-03-31"))),
            on("2020-06-30")
        );
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2020-04-01"))),
            on("2020-09-30")
        );
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2020-11-15"))),
            on("2021-03-31")
        );
        assert_eq!(
            r.deadline(Level::Green, None, Some(d("2020-06-30"))),
            on("2020-12-31")
        );
        assert_eq!(
            r.deadline(Level::Green, None, Some(d("2020-07-01"))),
            on("2021-06-30")
        );
    }

    #[test]
    fn rolling_months_clamp_to_month_end() {
        let r = rolling();
        assert_eq!(
            r.deadline(Level::Orange, None, Some(d("2020-01-31"))),
            on("2020-02-29")
        );
        assert_eq!(
            r.deadline(Level::Orange, None, Some(d("2019-01-31"))),
            on("2019-02-28")
        );
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2019-11-30"))),
            on("2020-02-29")
        );
        assert_eq!(
            r.deadline(Level::Green, None, Some(d("2020-08-31"))),
            on("2021-02-28")
        );
        assert_eq!(
            r.deadline(Level::Red, None, Some(d("2020-02-26"))),
            on("2020-03-04")
        );
        // Leap day plus a year's worth of months lands on Feb 28.
        assert_eq!(
            Interval::Months(12).after(d("2020-02-29")),
            Some(d("2021-02-28"))
        );
    }

    #[test]
    fn never_visited_with_and_without_since() {
        let r = calendar();
        assert_eq!(r.deadline(Level::Green, None, None), Deadline::Never);
        // The period in which the resident was registered must hold a visit.
        assert_eq!(
            r.deadline(Level::Green, Some(d("2020-05-18")), None),
            on("2020-06-30")
        );
        assert_eq!(
            r.deadline(Level::Red, Some(d("2020-02-29")), None),
            on("2020-03-01")
        );
        assert_eq!(
            rolling().deadline(Level::Green, None, None),
            Deadline::Never
        );
        assert_eq!(
            rolling().deadline(Level::Green, Some(d("2020-05-18")), None),
            on("2020-11-18")
        );
    }

    #[test]
    fn since_after_the_last_visit() {
        // A visit in a period before the start period does not count.
        let r = calendar();
        assert_eq!(
            r.deadline(Level::Yellow, Some(d("2020-04-06")), Some(d("2020-03-20"))),
            on("2020-06-30")
        );
        // A visit in the start period itself does.
        assert_eq!(
            r.deadline(Level::Yellow, Some(d("2020-04-06")), Some(d("2020-04-01"))),
            on("2020-09-30")
        );
        // Rolling: the later of last and since anchors.
        assert_eq!(
            rolling().deadline(Level::Orange, Some(d("2020-04-06")), Some(d("2020-03-20"))),
            on("2020-05-06")
        );
        assert_eq!(
            rolling().deadline(Level::Orange, Some(d("2020-03-01")), Some(d("2020-03-20"))),
            on("2020-04-20")
        );
    }

    #[test]
    fn activity_level_and_start() {
        let m = [
            member(Level::Green, Some("2010-01-01"), None),
            member(Level::Red, Some("2020-03-01"), Some("2020-05-21")),
            member(Level::Yellow, Some("2020-05-21"), Some("2020-05-21")),
        ];
        // Before the red resident arrives.
        let h = household_on(&m, d("2020-02-01")).unwrap();
        assert_eq!(
            (h.level, h.start, h.active),
            (Level::Green, Some(d("2010-01-01")), 1)
        );
        // The strictest member sets the level.
        let h = household_on(&m, d("2020-03-01")).unwrap();
        assert_eq!(
            (h.level, h.start, h.active),
            (Level::Red, Some(d("2010-01-01")), 2)
        );
        // `until` is the first inactive day; since == until is never active.
        let h = household_on(&m, d("2020-05-21")).unwrap();
        assert_eq!((h.level, h.active), (Level::Green, 1));
        // One member without `since` makes the start unknown.
        let m2 = [
            member(Level::Green, Some("2010-01-01"), None),
            member(Level::Green, None, None),
        ];
        assert_eq!(household_on(&m2, d("2020-01-01")).unwrap().start, None);
        // Nobody active: the household is inactive.
        let gone = [member(Level::Red, None, Some("2020-01-01"))];
        assert_eq!(household_on(&gone, d("2020-01-01")), None);
        assert!(household_on(&gone, d("2019-12-31")).is_some());
    }

    #[test]
    fn window_edges() {
        let t = d("2020-07-01");
        let s = standing(on("2020-06-30"), t, 7);
        assert_eq!(
            (s.status, s.days_overdue, s.days_left),
            (Status::Overdue, Some(1), None)
        );
        let s = standing(on("2020-07-01"), t, 7);
        assert_eq!(
            (s.status, s.days_overdue, s.days_left),
            (Status::Due, None, Some(0))
        );
        let s = standing(on("2020-07-08"), t, 7);
        assert_eq!((s.status, s.days_left), (Status::Due, Some(7)));
        let s = standing(on("2020-07-09"), t, 7);
        assert_eq!((s.status, s.days_left), (Status::Ok, Some(8)));
        let s = standing(on("2020-07-01"), t, 0);
        assert_eq!(s.status, Status::Due);
        let s = standing(Deadline::Never, t, 7);
        assert_eq!(
            (s.status, s.days_overdue, s.days_left),
            (Status::Overdue, None, None)
        );
    }

    #[test]
    fn overridden_cadence() {
        let mut r = calendar();
        r.cadence[Level::Yellow.index()] = Cadence::of_period(Period::Month);
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2020-01-15"))),
            on("2020-02-29")
        );
        let mut r = rolling();
        r.cadence[Level::Yellow.index()].interval = Interval::Days(30);
        assert_eq!(
            r.deadline(Level::Yellow, None, Some(d("2020-01-15"))),
            on("2020-02-14")
        );
    }

    #[test]
    fn order_puts_never_and_strict_first() {
        use std::cmp::Ordering::*;
        assert_eq!(
            due_order(
                (Deadline::Never, Level::Green, "A"),
                (on("1900-01-01"), Level::Red, "A")
            ),
            Less
        );
        assert_eq!(
            due_order(
                (on("2020-01-01"), Level::Red, "Z"),
                (on("2020-01-01"), Level::Green, "A")
            ),
            Less
        );
        assert_eq!(
            due_order(
                (on("2020-01-01"), Level::Red, "G10"),
                (on("2020-01-01"), Level::Red, "G2")
            ),
            Less
        );
    }

    mod reference {
        //! A plainly written, day-by-day restatement of the rules, to check
        //! the closed forms above against on random histories.
        use super::*;
        use proptest::prelude::*;

        /// Calendar: walk the periods from the start (or the last visit's
        /// period) forward; the deadline is the end of the first period
        /// that must hold a visit and holds none.
        fn calendar_reference(
            period: Period,
            start: Option<NaiveDate>,
            visits: &[NaiveDate],
            today: NaiveDate,
        ) -> Deadline {
            let seen: Vec<NaiveDate> = visits.iter().copied().filter(|v| *v <= today).collect();
            let last = seen.iter().max().copied();
            // The first period that needs a visit: the start period.
            let Some(first) = start.or(last) else {
                return Deadline::Never;
            };
            // Day by day from the first day of that period, remember the
            // last period that held a visit at or after the start period.
            let mut day = period.start(first);
            let mut last_visited_end: Option<NaiveDate> = None;
            let end_of_look = last.unwrap_or(first).max(first);
            while day <= end_of_look {
                if seen.contains(&day) {
                    last_visited_end = Some(period.end(day));
                }
                day = day.succ_opt().unwrap();
            }
            match last_visited_end {
                Some(end) => Deadline::On(period.end(end.succ_opt().unwrap())),
                None => Deadline::On(period.end(first)),
            }
        }

        fn rolling_reference(
            interval: Interval,
            start: Option<NaiveDate>,
            visits: &[NaiveDate],
            today: NaiveDate,
        ) -> Deadline {
            let mut anchor = start;
            for v in visits.iter().filter(|v| **v <= today) {
                if anchor.is_none_or(|a| *v > a) {
                    anchor = Some(*v);
                }
            }
            match anchor {
                None => Deadline::Never,
                Some(a) => {
                    // Count forward day by day to the same day n months or
                    // days later, clamping as the SPEC says.
                    let target = match interval {
                        Interval::Days(n) => {
                            let mut x = a;
                            for _ in 0..n {
                                x = x.succ_opt().unwrap();
                            }
                            x
                        }
                        Interval::Months(n) => {
                            let total = a.year() * 12 + a.month0() as i32 + n as i32;
                            let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
                            let mut day = a.day();
                            loop {
                                if let Some(x) = NaiveDate::from_ymd_opt(y, m, day) {
                                    break x;
                                }
                                day -= 1;
                            }
                        }
                    };
                    Deadline::On(target)
                }
            }
        }

        fn date_in(lo: i32, hi: i32) -> impl Strategy<Value = NaiveDate> {
            (lo..hi).prop_map(|n| d("2019-01-01") + chrono::Duration::days(n as i64))
        }

        proptest! {
            #[test]
            fn calendar_matches_reference(
                level in 0usize..4,
                start in proptest::option::of(date_in(0, 900)),
                visits in proptest::collection::vec(date_in(0, 900), 0..12),
                today in date_in(0, 1000),
            ) {
                let level = Level::ALL[level];
                let rules = calendar();
                let last = visits.iter().copied().filter(|v| *v <= today).max();
                let fast = rules.deadline(level, start, last);
                let slow = calendar_reference(rules.period(level), start, &visits, today);
                prop_assert_eq!(fast, slow);
            }

            #[test]
            fn rolling_matches_reference(
                level in 0usize..4,
                start in proptest::option::of(date_in(0, 900)),
                visits in proptest::collection::vec(date_in(0, 900), 0..12),
                today in date_in(0, 1000),
            ) {
                let level = Level::ALL[level];
                let rules = rolling();
                let last = visits.iter().copied().filter(|v| *v <= today).max();
                let fast = rules.deadline(level, start, last);
                let slow = rolling_reference(rules.cadence(level).interval, start, &visits, today);
                prop_assert_eq!(fast, slow);
            }

            #[test]
            fn run_start_matches_day_by_day(
                members in proptest::collection::vec(
                    (
                        0usize..4,
                        proptest::option::of(date_in(0, 700)),
                        proptest::option::of(date_in(0, 700)),
                        proptest::option::of((0i32..700, 1i32..400)),
                    ),
                    1..5,
                ),
                today in date_in(0, 800),
            ) {
                let base = crate::model::date::days(d("2019-01-01"));
                let members: Vec<Membership> = members
                    .iter()
                    .map(|&(level, since, until, span)| {
                        let (from, to) = span
                            .map_or((i32::MIN, i32::MAX), |(a, n)| (base + a, base + a + n));
                        Membership {
                            from,
                            to,
                            ..Membership::new(Level::ALL[level], since, until)
                        }
                    })
                    .collect();
                // The level on a day, straight from the rules' words.
                let level = |day: NaiveDate| {
                    let n = crate::model::date::days(day);
                    members
                        .iter()
                        .filter(|m| m.from <= n && n < m.to)
                        .filter(|m| m.since.is_none_or(|s| s <= day) && m.until.is_none_or(|u| day < u))
                        .map(|m| m.level)
                        .min()
                };
                let now = level(today);
                let mut slow = None;
                if now.is_some() {
                    // Walk back day by day to well before any date drawn.
                    let mut c = today;
                    while c > d("2018-06-01") {
                        let before = c.pred_opt().unwrap();
                        if level(before) != now {
                            slow = Some(c);
                            break;
                        }
                        c = before;
                    }
                }
                prop_assert_eq!(run_start(&members, today), slow);
            }

            #[test]
            fn status_matches_day_count(
                deadline in date_in(0, 900),
                today in date_in(0, 900),
                within in 0u32..40,
            ) {
                let s = standing(Deadline::On(deadline), today, within);
                // Count the days from today to the deadline one by one.
                let mut n = 0i64;
                let (mut x, step_back) = if deadline >= today { (today, false) } else { (deadline, true) };
                let target = if step_back { today } else { deadline };
                while x < target { x = x.succ_opt().unwrap(); n += 1; }
                if step_back {
                    prop_assert_eq!(s.status, Status::Overdue);
                    prop_assert_eq!(s.days_overdue, Some(n));
                } else {
                    prop_assert_eq!(s.days_left, Some(n));
                    prop_assert_eq!(s.status, if n <= within as i64 { Status::Due } else { Status::Ok });
                }
            }
        }
    }
}
