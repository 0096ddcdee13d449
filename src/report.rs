//! The figures of the monthly report (SPEC `rounds report`), computed in one
//! pass over the visit log: a `Tally` is fed each visit and then finished
//! into a `Report`. No I/O: the command reads, this counts, `render` prints.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::data::roster::Roster;
use crate::model::{Level, Status};
use crate::schedule::{self, Period, Rules};

/// A calendar month such as 2020-06.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub first: NaiveDate,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || !(1..=2).contains(&m.len()) {
            return None;
        }
        let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        if y < 1000 {
            return None;
        }
        NaiveDate::from_ymd_opt(y, m, 1).map(|first| Month { first })
    }

    pub fn of(d: NaiveDate) -> Month {
        Month {
            first: d.with_day(1).expect("day 1 exists"),
        }
    }

    pub fn last(self) -> NaiveDate {
        Period::Month.end(self.first)
    }

    pub fn label(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    pub fn minus(self, n: u32) -> Month {
        Month {
            first: self.first - Months::new(n),
        }
    }
}

/// Counts per level, serialized as `{"red": n, "orange": n, ...}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
}

/// The SPEC's figures for one month.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub month: String,
    pub as_of: String,
    /// Active households on `as_of`, per level.
    pub households: PerLevel<u64>,
    /// Visit records dated in the month up to `as_of`.
    pub visits: u64,
    pub households_visited: u64,
    pub person_times: u64,
    /// Overdue households on `as_of`, as `due` counts them.
    pub overdue: PerLevel<u64>,
    pub visits_by_grid: BTreeMap<String, u64>,
    pub visits_by_visitor: BTreeMap<String, u64>,
    pub compliance: PerLevel<Compliance>,
}

/// One period of one level that ends within the month, on or before as_of.
#[derive(Debug, Clone, Copy)]
struct Window {
    level: Level,
    start: NaiveDate,
    end: NaiveDate,
}

/// Feeds on visits; see the module docs.
pub struct Tally<'a> {
    roster: &'a Roster,
    rules: &'a Rules,
    month: Month,
    as_of: NaiveDate,
    windows: Vec<Window>,
    /// Per household: bit i set when it must hold a visit in window i.
    required: Vec<u32>,
    /// Per household: bit i set when it did.
    met: Vec<u32>,
    last: Vec<Option<NaiveDate>>,
    visited: Vec<bool>,
    visits: u64,
    person_times: u64,
    by_grid: BTreeMap<String, u64>,
    by_visitor: BTreeMap<String, u64>,
}

/// The as-of date of a month's report made on `today`.
pub fn as_of(month: Month, today: NaiveDate) -> NaiveDate {
    month.last().min(today)
}

impl<'a> Tally<'a> {
    pub fn new(roster: &'a Roster, rules: &'a Rules, month: Month, as_of: NaiveDate) -> Self {
        let mut windows = Vec::new();
        for level in Level::ALL {
            let period = rules.period(level);
            // Every period whose last day falls in the month (a week belongs
            // to the month that holds its Sunday), up to as_of.
            let mut start = period.start(month.first);
            loop {
                let end = period.end(start);
                if end > month.last() || end > as_of {
                    break;
                }
                if end >= month.first {
                    windows.push(Window { level, start, end });
                }
                start = end.succ_opt().expect("dates in range");
            }
        }
        assert!(windows.len() <= 32, "at most 32 periods end in a month");
        let required = roster
            .households
            .iter()
            .map(|h| {
                windows.iter().enumerate().fold(0u32, |bits, (i, w)| {
                    match schedule::household_on(&h.members, w.end) {
                        Some(on) if on.level == w.level => bits | (1 << i),
                        _ => bits,
                    }
                })
            })
            .collect();
        let n = roster.households.len();
        Tally {
            roster,
            rules,
            month,
            as_of,
            windows,
            required,
            met: vec![0; n],
            last: vec![None; n],
            visited: vec![false; n],
            visits: 0,
            person_times: 0,
            by_grid: BTreeMap::new(),
            by_visitor: BTreeMap::new(),
        }
    }

    /// One visit to household `h` (an index into the roster).
    pub fn add(&mut self, h: usize, date: NaiveDate, visitor: &str, persons: Option<u32>) {
        if date > self.as_of {
            return;
        }
        if self.last[h].is_none_or(|d| d < date) {
            self.last[h] = Some(date);
        }
        let req = self.required[h];
        if req != 0 {
            for (i, w) in self.windows.iter().enumerate() {
                if req & (1 << i) != 0 && w.start <= date && date <= w.end {
                    self.met[h] |= 1 << i;
                }
            }
        }
        if date < self.month.first {
            return;
        }
        let house = &self.roster.households[h];
        self.visits += 1;
        self.visited[h] = true;
        self.person_times += u64::from(persons.unwrap_or_else(|| {
            schedule::household_on(&house.members, date).map_or(0, |on| on.active)
        }));
        *self.by_grid.entry(house.grid.clone()).or_default() += 1;
        *self.by_visitor.entry(visitor.to_string()).or_default() += 1;
    }

    pub fn finish(self) -> Report {
        let mut households = PerLevel::<u64>::default();
        let mut overdue = PerLevel::<u64>::default();
        for (i, h) in self.roster.households.iter().enumerate() {
            let Some(on) = schedule::household_on(&h.members, self.as_of) else {
                continue;
            };
            households[on.level] += 1;
            let deadline = self.rules.deadline(on.level, on.start, self.last[i]);
            if schedule::standing(deadline, self.as_of, 0).status == Status::Overdue {
                overdue[on.level] += 1;
            }
        }
        let mut compliance = PerLevel::<Compliance>::default();
        for (req, met) in self.required.iter().zip(&self.met) {
            for (i, w) in self.windows.iter().enumerate() {
                if req & (1 << i) != 0 {
                    compliance[w.level].required += 1;
                    if met & (1 << i) != 0 {
                        compliance[w.level].met += 1;
                    }
                }
            }
        }
        Report {
            month: self.month.label(),
            as_of: crate::data::date::iso(self.as_of),
            households,
            visits: self.visits,
            households_visited: self.visited.iter().filter(|v| **v).count() as u64,
            person_times: self.person_times,
            overdue,
            visits_by_grid: self.by_grid,
            visits_by_visitor: self.by_visitor,
            compliance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months() {
        let m = Month::parse("2020-02").unwrap();
        assert_eq!(m.last(), d("2020-02-29"));
        assert_eq!(m.label(), "2020-02");
        assert_eq!(Month::parse("2020-2").unwrap().label(), "2020-02");
        assert!(Month::parse("2020-13").is_none());
        assert!(Month::parse("2020").is_none());
        assert!(Month::parse("20-01").is_none());
        assert_eq!(Month::parse("2020-01").unwrap().minus(1).label(), "2019-12");
        assert_eq!(as_of(m, d("2020-02-20")), d("2020-02-20"));
        assert_eq!(as_of(m, d("2020-04-01")), d("2020-02-29"));
    }

    #[test]
    fn a_week_belongs_to_the_month_of_its_sunday() {
        let roster = Roster::default();
        let rules = Rules::default();
        let t = Tally::new(
            &roster,
            &rules,
            Month::parse("2021-01").unwrap(),
            d("2021-01-31"),
        );
        let weeks: Vec<_> = t
            .windows
            .iter()
            .filter(|w| w.level == Level::Red)
            .map(|w| (w.start, w.end))
            .collect();
        // The week of 2020-12-28 ends on Sunday 2021-01-03.
        assert_eq!(weeks.first(), Some(&(d("2020-12-28"), d("2021-01-03"))));
        assert_eq!(weeks.len(), 5);
        // Quarters and half-years end in March, June, September, December.
        assert!(
            t.windows
                .iter()
                .all(|w| w.level == Level::Red || w.level == Level::Orange)
        );
        // Only periods that ended by as_of count.
        let t = Tally::new(
            &roster,
            &rules,
            Month::parse("2020-06").unwrap(),
            d("2020-06-20"),
        );
        let levels: Vec<_> = t.windows.iter().map(|w| (w.level, w.end)).collect();
        assert_eq!(
            levels,
            vec![(Level::Red, d("2020-06-07")), (Level::Red, d("2020-06-14"))]
        );
    }
}
