//! The report's roster-changes sections (with a roster history): the
//! re-ratings and reassignments per direction, and the list.

use super::{Audience, Table, Value, text};
use crate::compute::report::Report;
use crate::i18n::{ChangeWords, Lang};
use crate::model::Level;
use crate::model::history::Field;

fn words(who: Audience) -> &'static ChangeWords {
    match who {
        Audience::People(lang) => ChangeWords::of(lang),
        Audience::Scripts => ChangeWords::of(Lang::En),
    }
}

/// A level word of history.csv as the audience reads it.
fn level(value: &str, who: Audience) -> Value {
    match Level::parse(value) {
        Some(l) => who.level(l),
        None => text(value),
    }
}

/// Re-ratings (stricter first) and handovers, per direction.
pub fn changes(r: &Report, who: Audience) -> Table {
    let w = words(who);
    let mut rows = Vec::new();
    if let Some(c) = &r.roster_changes {
        let kind = |people: &str, script: &str| match who {
            Audience::People(_) => text(people),
            Audience::Scripts => text(script),
        };
        for d in &c.re_ratings {
            rows.push(vec![
                kind(w.re_rating, "re-rating"),
                level(&d.from, who),
                level(&d.to, who),
                Value::Count(d.count),
            ]);
        }
        for d in &c.reassignments {
            rows.push(vec![
                kind(w.reassignment, "reassignment"),
                text(&d.from),
                text(&d.to),
                Value::Count(d.count),
            ]);
        }
    }
    let table = Table {
        title: w.changes_title.into(),
        header: who.header(
            &[w.kind, w.from, w.to, w.count],
            &["change", "from", "to", "residents"],
        ),
        rows,
    };
    // Re-ratings are the district's; a handover is within a community.
    let of = (r.roster_changes.iter()).flat_map(|c| {
        (c.re_ratings.iter().map(|_| None))
            .chain(c.reassignments.iter().map(|d| d.community.as_deref()))
    });
    super::with_community(table, r, who, of)
}

/// Every change of a level, a worker in charge or a household, by date.
pub fn change_list(r: &Report, who: Audience) -> Table {
    let w = words(who);
    let rows = r
        .roster_changes
        .iter()
        .flat_map(|c| &c.list)
        .map(|c| {
            let (kind, from, to) = match c.kind {
                Field::Level => (w.re_rating, level(&c.from, who), level(&c.to, who)),
                Field::Visitor => (w.reassignment, text(&c.from), text(&c.to)),
                _ => (w.moved, text(&c.from), text(&c.to)),
            };
            let kind = match who {
                Audience::People(_) => text(kind),
                Audience::Scripts => text(c.field),
            };
            vec![
                Value::Date(Some(c.date), ""),
                text(&c.household),
                text(&c.resident),
                kind,
                from,
                to,
                text(&c.reason),
                text(&c.by),
            ]
        })
        .collect();
    let table = Table {
        title: w.list_title.into(),
        header: who.header(
            &[
                w.date,
                w.household,
                w.resident,
                w.kind,
                w.from,
                w.to,
                w.reason,
                w.by,
            ],
            &[
                "date",
                "household",
                "resident",
                "field",
                "from",
                "to",
                "reason",
                "by",
            ],
        ),
        rows,
    };
    let of = (r.roster_changes.iter())
        .flat_map(|c| &c.list)
        .map(|c| c.community.as_deref());
    super::with_community(table, r, who, of)
}
