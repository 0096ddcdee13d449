//! `history`'s computation: one household's visits, newest first.

use chrono::NaiveDate;

use super::households::{Member, members};
use crate::model::Level;
use crate::model::roster::Roster;
use crate::schedule;

/// One visit in `rounds history`.
#[derive(Debug, Clone)]
pub struct VisitLine {
    pub date: NaiveDate,
    pub visitor: String,
    pub kind: String,
    pub persons: Option<u32>,
    pub note: String,
    /// Its line in visits.csv (later lines come first among one day's).
    pub line: u64,
}

/// What `history` shows of a household: its level on the as-of day (none
/// when nobody is active), every resident, and its visits newest first.
#[derive(Debug, Clone)]
pub struct HouseholdHistory {
    /// Index into `Roster::households`.
    pub household: usize,
    pub level: Option<Level>,
    pub members: Vec<Member>,
    pub visits: Vec<VisitLine>,
}

/// The history of `household` on `today` from its visits (any order).
pub fn history(
    roster: &Roster,
    household: usize,
    today: NaiveDate,
    mut visits: Vec<VisitLine>,
) -> HouseholdHistory {
    visits.sort_by_key(|v| std::cmp::Reverse((v.date, v.line)));
    HouseholdHistory {
        household,
        level: schedule::household_on(roster.household(household).members(), today)
            .map(|on| on.level),
        members: members(roster, household, today, true),
        visits,
    }
}
