//! `history`'s computation: one household's visits and roster changes,
//! newest first.

use chrono::NaiveDate;

use super::households::{Member, members};
use crate::model::Level;
use crate::model::history::{Change, History};
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
    /// (column, cell) of the columns kept from logs, non-empty cells
    /// only, as shown (masked unless revealed).
    pub extra: Vec<(String, String)>,
}

/// What `history` shows of a household: its level on the as-of day (none
/// when nobody is active), every resident, its visits newest first and
/// the roster changes that touched it, newest first.
#[derive(Debug, Clone)]
pub struct HouseholdHistory {
    /// Index into `Roster::households`.
    pub household: usize,
    pub level: Option<Level>,
    pub members: Vec<Member>,
    pub visits: Vec<VisitLine>,
    pub changes: Vec<Change>,
}

/// The changes of the roster history on or before `today` that touched
/// `household`: those of a resident who was its member on the day of the
/// change or the day before (so a move shows in both households).
pub fn changes(roster: &Roster, household: usize, log: &History, today: NaiveDate) -> Vec<Change> {
    let ids: std::collections::BTreeSet<&str> = roster
        .household(household)
        .residents()
        .map(|r| r.id())
        .collect();
    let of_household =
        |id: &str, d: NaiveDate| roster.household_of_resident_on(id, d) == Some(household);
    let mut out: Vec<Change> = log
        .changes
        .iter()
        .filter(|c| c.date <= today && ids.contains(c.resident.as_str()))
        .filter(|c| {
            of_household(&c.resident, c.date)
                || c.date
                    .pred_opt()
                    .is_some_and(|d| of_household(&c.resident, d))
        })
        .cloned()
        .collect();
    // Newest first; a day's changes resident by resident, in file order.
    out.sort_by(|a, b| (b.date, &a.resident, a.line).cmp(&(a.date, &b.resident, b.line)));
    out
}

/// The history of `household` on `today` from its visits (any order).
pub fn history(
    roster: &Roster,
    household: usize,
    today: NaiveDate,
    mut visits: Vec<VisitLine>,
    changes: Vec<Change>,
) -> HouseholdHistory {
    visits.sort_by_key(|v| std::cmp::Reverse((v.date, v.line)));
    HouseholdHistory {
        changes,
        household,
        level: schedule::household_on(roster.household(household).members(), today)
            .map(|on| on.level),
        members: members(roster, household, today, true),
        visits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse;

    fn visit(date: &str, line: u64) -> VisitLine {
        VisitLine {
            date: parse(date).unwrap(),
            visitor: String::new(),
            kind: String::new(),
            persons: None,
            note: String::new(),
            line,
            extra: Vec::new(),
        }
    }

    #[test]
    fn newest_first_and_later_lines_first_within_a_day() {
        let roster = crate::compute::roster(
            "id,household,level,since,until\nR1,H1,red,,\nR2,H1,green,,2020-01-01\n",
        );
        let today = parse("2020-03-04").unwrap();
        let h = history(
            &roster,
            0,
            today,
            vec![
                visit("2020-02-01", 2),
                visit("2020-03-01", 3),
                visit("2020-02-01", 4),
            ],
            Vec::new(),
        );
        let order: Vec<u64> = h.visits.iter().map(|v| v.line).collect();
        assert_eq!(order, [3, 4, 2]);
        assert_eq!(h.level, Some(Level::Red));
        assert_eq!(h.members.len(), 2, "every resident, active or not");
    }
}
