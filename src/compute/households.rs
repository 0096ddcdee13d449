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

/// The residents of `household` active on `today`, or all of them. A
/// resident the roster history gives several spans of days in it is
/// listed once, as of `today` (or as of the last span before it).
pub fn members(roster: &Roster, household: usize, today: NaiveDate, all: bool) -> Vec<Member> {
    let h = roster.household(household);
    let day = crate::model::date::days(today);
    let mut out: Vec<Member> = Vec::new();
    for (r, m) in h.residents().zip(h.members().iter().copied()) {
        let member = Member {
            resident: r.index(),
            membership: m,
            active: schedule::is_active(&m, today),
        };
        match out.last_mut() {
            // Spans of one resident stand together, in order.
            Some(last) if last.resident == member.resident => {
                if !last.membership.holds(day) && m.from <= day {
                    *last = member;
                }
            }
            _ => out.push(member),
        }
    }
    out.retain(|m| all || m.active);
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse;

    #[test]
    fn lines_in_walking_order_with_their_active_residents() {
        let roster = crate::compute::roster(
            "id,household,level,grid,building,unit,room,since,until\n\
             R1,H1,green,G,10,1,101,,\n\
             R2,H1,red,G,10,1,101,,2020-01-31\n\
             R3,H2,yellow,G,9,1,101,,\n\
             R4,H3,orange,G,9,1,102,,2020-01-31\n",
        );
        let today = parse("2020-03-04").unwrap();
        let last = vec![None; roster.households_len()];
        let none = Filter {
            grid: &[],
            building: &[],
            visitor: &[],
            levels: &[],
            tags: Default::default(),
        };
        let listed = lines(&roster, &last, today, &none, false);
        let ids: Vec<&str> = listed
            .iter()
            .map(|l| roster.household(l.household).id())
            .collect();
        assert_eq!(ids, ["H2", "H1"], "H3 moved out; building 9 first");
        let h1 = &listed[1];
        assert_eq!(h1.level, Some(Level::Green), "R2 left");
        assert_eq!(h1.members.len(), 1);
        let all = lines(&roster, &last, today, &none, true);
        assert_eq!(all.len(), 3);
        let h1 = all.iter().find(|l| l.household == h1.household).unwrap();
        assert_eq!(h1.members.iter().filter(|m| !m.active).count(), 1);
        // A household that moved out is filtered by its strictest level.
        let orange = [Level::Orange];
        let by_level = Filter {
            levels: &orange,
            tags: Default::default(),
            ..none
        };
        let moved = lines(&roster, &last, today, &by_level, true);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].level, None);
    }
}
