//! The report's sections from workers.csv: what the members of each party
//! branch (党支部) and party group (党小组) did (服务次数与效果).

use super::{Audience, Table, Value, text};
use crate::compute::report::{PartyFigures, Report};
use crate::i18n::{Lang, WorkerWords};

pub(super) fn words(who: Audience) -> &'static WorkerWords {
    match who {
        Audience::People(lang) => WorkerWords::of(lang),
        Audience::Scripts => WorkerWords::of(Lang::En),
    }
}

/// The figures' headers, after the name columns; the needs' only with a
/// needs ledger.
fn figure_header(w: &WorkerWords, who: Audience, needs: bool) -> Vec<String> {
    let mut people = vec![
        w.members,
        w.serving,
        w.party_members_serving,
        w.households,
        w.visits,
        w.person_times,
        w.required,
        w.met,
        w.rate,
    ];
    let mut scripts = vec![
        "members",
        "members_serving",
        "party_members_serving",
        "households_in_charge",
        "visits",
        "person_times",
        "required",
        "met",
        "compliance_rate",
    ];
    if needs {
        people.extend([w.needs_raised, w.needs_resolved]);
        scripts.extend(["needs_raised", "needs_resolved"]);
    }
    who.header(&people, &scripts)
}

fn figures(f: &PartyFigures, needs: bool) -> Vec<Value> {
    let mut row = vec![
        Value::Count(f.members),
        Value::Count(f.members_serving),
        Value::Count(f.party_members_serving),
        Value::Count(f.households_in_charge),
        Value::Count(f.visits),
        Value::Count(f.person_times),
        Value::Count(f.compliance_in_charge.required),
        Value::Count(f.compliance_in_charge.met),
        Value::Rate(f.compliance_in_charge.rate()),
    ];
    if needs {
        row.push(Value::Count(f.needs_raised.unwrap_or(0)));
        row.push(Value::Count(f.needs_resolved.unwrap_or(0)));
    }
    row
}

/// Each party branch: its members serving, the households in their
/// charge, their visits, compliance and needs.
pub fn branches(r: &Report, who: Audience) -> Table {
    let w = words(who);
    let list = r.by_branch.as_deref().unwrap_or_default();
    let needs = list.iter().any(|b| b.figures.needs_raised.is_some());
    let mut header = who.header(&[w.branch], &["branch"]);
    header.extend(figure_header(w, who, needs));
    let table = Table {
        title: w.branch_title.into(),
        header,
        rows: list
            .iter()
            .map(|b| {
                let mut row = vec![text(&b.branch)];
                row.extend(figures(&b.figures, needs));
                row
            })
            .collect(),
    };
    let of = list.iter().map(|b| b.community.as_deref());
    super::with_community(table, r, who, of)
}

/// The same per party group.
pub fn party_groups(r: &Report, who: Audience) -> Table {
    let w = words(who);
    let list = r.by_party_group.as_deref().unwrap_or_default();
    let needs = list.iter().any(|g| g.figures.needs_raised.is_some());
    let mut header = who.header(&[w.party_group], &["party_group"]);
    header.extend(figure_header(w, who, needs));
    let table = Table {
        title: w.group_title.into(),
        header,
        rows: list
            .iter()
            .map(|g| {
                let mut row = vec![text(&g.party_group)];
                row.extend(figures(&g.figures, needs));
                row
            })
            .collect(),
    };
    let of = list.iter().map(|g| g.community.as_deref());
    super::with_community(table, r, who, of)
}
