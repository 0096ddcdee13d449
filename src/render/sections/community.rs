//! A district's roll-up: each community's figures, and the community
//! named at the head of every list's rows.

use super::{Audience, Table, Value, text};
use crate::compute::report::Report;

/// Each community's figures, then the district's total.
pub fn communities(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let rw = match who {
        Audience::People(lang) => lang.rollup_words(),
        Audience::Scripts => crate::i18n::Lang::En.rollup_words(),
    };
    let needs = r.by_community.iter().any(|c| c.needs_raised.is_some());
    let mut people = vec![
        rw.community,
        w.households,
        w.visits,
        w.households_visited,
        w.person_times,
        w.overdue,
        w.never_visited,
        w.required,
        w.met,
        w.rate,
        rw.coverage,
    ];
    let mut scripts = vec![
        "community",
        "households",
        "visits",
        "households_visited",
        "person_times",
        "overdue",
        "never_visited",
        "required",
        "met",
        "compliance_rate",
        "coverage_rate",
    ];
    if needs {
        people.extend([rw.needs_raised, rw.needs_resolved]);
        scripts.extend(["needs_raised", "needs_resolved"]);
    }
    let count = |n: Option<u64>| Value::Count(n.unwrap_or(0));
    let mut rows: Vec<Vec<Value>> = (r.by_community.iter())
        .map(|c| {
            let mut row = vec![
                text(&c.community),
                Value::Count(c.households),
                Value::Count(c.visits),
                Value::Count(c.households_visited),
                Value::Count(c.person_times),
                Value::Count(c.overdue),
                Value::Count(c.never_visited),
                Value::Count(c.required),
                Value::Count(c.met),
                Value::Rate(c.compliance_rate),
                Value::Rate(c.coverage_rate),
            ];
            if needs {
                row.extend([count(c.needs_raised), count(c.needs_resolved)]);
            }
            row
        })
        .collect();
    // People read the district's total last; scripts add it up themselves.
    if let Audience::People(_) = who {
        let t = r.compliance.total();
        let mut row = vec![
            text(w.total),
            Value::Count(r.households.0.iter().sum()),
            Value::Count(r.visits),
            Value::Count(r.households_visited),
            Value::Count(r.person_times),
            Value::Count(r.overdue.0.iter().sum()),
            Value::Count(r.never_visited),
            Value::Count(t.required),
            Value::Count(t.met),
            Value::Rate(t.rate()),
            Value::Rate(r.coverage.rate),
        ];
        if needs {
            let n = r.needs.as_ref().map(|n| &n.total);
            row.extend([count(n.map(|n| n.raised)), count(n.map(|n| n.resolved))]);
        }
        rows.push(row);
    }
    Table {
        title: rw.by_community.into(),
        header: who.header(&people, &scripts),
        rows,
    }
}

/// In a roll-up, `table` with a first column naming each row's community
/// (`of` gives them in the rows' order); one community's report is left
/// as it is.
pub(super) fn with_community<'a>(
    mut table: Table,
    r: &Report,
    who: Audience,
    of: impl IntoIterator<Item = Option<&'a str>>,
) -> Table {
    if r.communities.is_empty() {
        return table;
    }
    let head = match who {
        Audience::People(lang) => lang.rollup_words().community,
        Audience::Scripts => "community",
    };
    table.header.insert(0, head.to_string());
    let mut of = of.into_iter();
    for row in &mut table.rows {
        row.insert(0, text(of.next().flatten().unwrap_or("")));
    }
    table
}
