//! The roster changes of a report's span (history.csv): re-ratings and
//! reassignments counted per direction, and the list of every change of a
//! level, a worker in charge or a household dated in the span.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Span;
use crate::model::Level;
use crate::model::history::{Field, History};
use crate::model::roster::Roster;

/// The span's roster changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RosterChanges {
    /// Residents re-rated to a stricter level, and to a lighter one.
    pub stricter: u64,
    pub lighter: u64,
    /// Re-ratings per direction (from, to), stricter first.
    pub re_ratings: Vec<Direction>,
    /// Handovers from one worker in charge to another, per direction.
    pub reassignments: Vec<Direction>,
    /// Every change of a level, a worker in charge or a household, by date.
    pub list: Vec<ChangeRow>,
}

/// How many changes went from one value to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Direction {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub from: String,
    pub to: String,
    pub count: u64,
}

/// One change in the report's list.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(with = "super::iso")]
    pub date: NaiveDate,
    /// The resident's household on the day (after the change).
    pub household: String,
    pub resident: String,
    /// The SPEC's name of the field.
    pub field: &'static str,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub by: String,
    #[serde(skip)]
    pub kind: Field,
}

/// The changes dated in `span` on or before `as_of`; `None` without a
/// roster history.
pub fn roster_changes(
    history: &History,
    roster: &Roster,
    span: Span,
    as_of: NaiveDate,
) -> Option<RosterChanges> {
    if history.is_empty() {
        return None;
    }
    let mut out = RosterChanges::default();
    let in_span = |d: NaiveDate| d >= span.first && d <= span.last() && d <= as_of;
    // The residents of the span's changes, found in one pass (a city's
    // roster read from the cache has no index of residents).
    let found = roster.find_residents(
        history
            .changes
            .iter()
            .filter(|c| in_span(c.date))
            .map(|c| c.resident.as_str()),
    );
    let mut levels: BTreeMap<(Level, Level), u64> = BTreeMap::new();
    let mut workers: BTreeMap<(String, String), u64> = BTreeMap::new();
    for c in &history.changes {
        if !in_span(c.date) {
            continue;
        }
        match c.field {
            Field::Level => {
                let (Some(from), Some(to)) = (Level::parse(&c.from), Level::parse(&c.to)) else {
                    continue;
                };
                if from == to {
                    continue;
                }
                *levels.entry((from, to)).or_default() += 1;
                if to < from {
                    out.stricter += 1;
                } else {
                    out.lighter += 1;
                }
            }
            Field::Visitor => {
                *workers
                    .entry((c.from.trim().to_string(), c.to.trim().to_string()))
                    .or_default() += 1;
            }
            Field::Household => {}
            _ => continue,
        }
        let household = found
            .get(c.resident.as_str())
            .map(|r| roster.household_of_on(r as usize, c.date))
            .map(|h| roster.household(h).id().to_string())
            .unwrap_or_default();
        out.list.push(ChangeRow {
            community: None,
            date: c.date,
            household,
            resident: c.resident.to_string(),
            field: c.field.word(),
            from: c.from.to_string(),
            to: c.to.to_string(),
            reason: crate::privacy::mask_numbers_in(&c.reason).into_owned(),
            by: c.by.to_string(),
            kind: c.field,
        });
    }
    out.list.sort_by(|a, b| {
        (a.date, &a.household, &a.resident).cmp(&(b.date, &b.household, &b.resident))
    });
    // Stricter re-ratings first (to red first), then lighter ones.
    let mut re: Vec<((Level, Level), u64)> = levels.into_iter().collect();
    re.sort_by_key(|((from, to), _)| (to > from, *to, *from));
    out.re_ratings = re
        .into_iter()
        .map(|((from, to), count)| Direction {
            community: None,
            from: from.word().to_string(),
            to: to.word().to_string(),
            count,
        })
        .collect();
    out.reassignments = workers
        .into_iter()
        .map(|((from, to), count)| Direction {
            community: None,
            from,
            to,
            count,
        })
        .collect();
    out.reassignments
        .sort_by_key(|d| std::cmp::Reverse(d.count));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse;
    use crate::model::history::Change;

    fn change(date: &str, id: &str, field: Field, from: &str, to: &str) -> Change {
        Change {
            line: 2,
            date: parse(date).unwrap(),
            resident: id.into(),
            field,
            from: from.into(),
            to: to.into(),
            reason: Default::default(),
            by: Default::default(),
        }
    }

    #[test]
    fn counts_per_direction_within_the_span() {
        let roster =
            crate::compute::roster("id,household,level\nR1,H1,red\nR2,H2,green\nR3,H3,red\n");
        let history = History {
            changes: vec![
                change("2020-05-13", "R1", Field::Level, "green", "red"),
                change("2020-05-20", "R3", Field::Level, "绿", "红"),
                change("2020-05-02", "R2", Field::Level, "red", "green"),
                change("2020-04-30", "R2", Field::Level, "orange", "red"),
                change("2020-05-15", "R2", Field::Visitor, "王", "李"),
                change("2020-05-15", "R2", Field::Grid, "东", "西"),
            ],
        };
        let span = Span::month_of(parse("2020-05-01").unwrap());
        let c = roster_changes(&history, &roster, span, parse("2020-05-31").unwrap()).unwrap();
        assert_eq!((c.stricter, c.lighter), (2, 1));
        assert_eq!(
            c.re_ratings[0],
            Direction {
                community: None,
                from: "green".into(),
                to: "red".into(),
                count: 2
            }
        );
        assert_eq!(c.reassignments.len(), 1);
        assert_eq!(
            c.list.len(),
            4,
            "grid changes are not listed; April's is out"
        );
        assert_eq!(c.list[0].household, "H2");
        // As of the 14th, only what happened by then.
        let c = roster_changes(&history, &roster, span, parse("2020-05-14").unwrap()).unwrap();
        assert_eq!((c.stricter, c.lighter), (1, 1));
        assert!(
            roster_changes(
                &History::default(),
                &roster,
                span,
                parse("2020-05-14").unwrap()
            )
            .is_none()
        );
    }
}
