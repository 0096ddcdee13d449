//! `households`' computation: the households a listing shows, each with
//! its level on the as-of day and its residents, in walking order.

use chrono::NaiveDate;

use super::filter::Filter;
use super::order::address_cmp;
use crate::model::roster::Roster;
use crate::model::{Level, Membership};
use crate::schedule;

/// One household's line in `rounds households`.
#[derive(Debug, Clone)]
pub struct HouseholdLine {
    /// Index into `Roster::households`.
    pub household: usize,
    /// The level on the as-of date; `None` when no resident is active.
    pub level: Option<Level>,
    pub last_visit: Option<NaiveDate>,
    /// The residents the listing shows: those active on the as-of day,
    /// or all of them.
    pub members: Vec<Member>,
}

/// A resident of a listed household.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// Index into `Roster::residents`.
    pub resident: usize,
    pub membership: Membership,
    /// Whether the resident is active on the as-of day.
    pub active: bool,
}

/// The residents of `household` active on `today`, or all of them.
pub fn members(roster: &Roster, household: usize, today: NaiveDate, all: bool) -> Vec<Member> {
    let h = roster.household(household);
    h.residents()
        .zip(h.members().iter().copied())
        .map(|(r, m)| Member {
            resident: r.index(),
            membership: m,
            active: schedule::is_active(&m, today),
        })
        .filter(|m| all || m.active)
        .collect()
}

/// The households that pass `filter`, in walking order: those with an
/// active resident on `today`, or all of them. A household that moved out
/// is filtered by its members' strictest level.
pub fn lines(
    roster: &Roster,
    last: &[Option<NaiveDate>],
    today: NaiveDate,
    filter: &Filter<'_>,
    all: bool,
) -> Vec<HouseholdLine> {
    let mut lines = Vec::new();
    for h in roster.households() {
        let on = schedule::household_on(h.members(), today);
        if on.is_none() && !all {
            continue;
        }
        let level = on
            .map(|o| o.level)
            .or_else(|| h.members().iter().map(|m| m.level).min());
        if !filter.admits(&h, level.unwrap_or(Level::Green)) {
            continue;
        }
        lines.push(HouseholdLine {
            household: h.index(),
            level: on.map(|o| o.level),
            last_visit: last[h.index()],
            members: members(roster, h.index(), today, all),
        });
    }
    lines.sort_by(|a, b| {
        address_cmp(
            &roster.household(a.household),
            &roster.household(b.household),
        )
    });
    lines
}
