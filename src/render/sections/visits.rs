//! The five sections of every report: the summary per level (for scripts
//! the key figures), the grids, the workers, the overdue households and
//! the trend.

use super::{Audience, Table, Value, by_name, text, with_community};
use crate::compute::report::{Report, SpanKind, TrendRow};
use crate::model::Level;
use crate::model::date::iso;

/// The per-level table (people) or the key figures, one per row (scripts).
pub fn summary(r: &Report, who: Audience) -> Table {
    let w = who.words();
    match who {
        Audience::People(_) => {
            let mut rows: Vec<Vec<Value>> = Level::ALL
                .iter()
                .map(|l| {
                    let c = r.compliance[*l];
                    vec![
                        who.level(*l),
                        Value::Count(r.households[*l]),
                        Value::Count(r.overdue[*l]),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                    ]
                })
                .collect();
            let t = r.compliance.total();
            rows.push(vec![
                text(w.total),
                Value::Count(r.households.0.iter().sum()),
                Value::Count(r.overdue.0.iter().sum()),
                Value::Count(t.required),
                Value::Count(t.met),
                Value::Rate(t.rate()),
            ]);
            Table {
                title: w.summary.into(),
                header: vec![w.level, w.households, w.overdue, w.required, w.met, w.rate]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                rows,
            }
        }
        Audience::Scripts => {
            let mut rows = Vec::new();
            let mut put =
                |metric: &str, level: &str, v: Value| rows.push(vec![text(metric), text(level), v]);
            put("as_of", "", Value::Text(iso(r.as_of)));
            put("visits", "", Value::Count(r.visits));
            put("households_visited", "", Value::Count(r.households_visited));
            put("person_times", "", Value::Count(r.person_times));
            put("never_visited", "", Value::Count(r.never_visited));
            for l in Level::ALL {
                put("households", l.word(), Value::Count(r.households[l]));
            }
            for l in Level::ALL {
                put("overdue", l.word(), Value::Count(r.overdue[l]));
            }
            for l in Level::ALL {
                put("required", l.word(), Value::Count(r.compliance[l].required));
                put("met", l.word(), Value::Count(r.compliance[l].met));
                put(
                    "compliance_rate",
                    l.word(),
                    Value::Rate(r.compliance[l].rate()),
                );
            }
            put("coverage_visited", "", Value::Count(r.coverage.visited));
            put("coverage_rate", "", Value::Rate(r.coverage.rate));
            if let Some(n) = &r.needs {
                put("resolution_rate", "", Value::Rate(n.total.resolution_rate));
                put(
                    "satisfaction_rate",
                    "",
                    Value::Rate(n.total.satisfaction_rate),
                );
            }
            Table {
                title: "summary".into(),
                header: vec!["metric".into(), "level".into(), "value".into()],
                rows,
            }
        }
    }
}

pub fn grids(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let table = Table {
        title: w.grids.into(),
        header: who.header(
            &[
                w.grid,
                w.households,
                w.visits,
                w.households_visited,
                w.overdue,
                w.required,
                w.met,
                w.rate,
            ],
            &[
                "grid",
                "households",
                "visits",
                "households_visited",
                "overdue",
                "required",
                "met",
                "compliance_rate",
            ],
        ),
        rows: r
            .grids
            .iter()
            .map(|g| {
                let c = g.compliance.total();
                vec![
                    text(&g.grid),
                    Value::Count(g.households),
                    Value::Count(g.visits),
                    Value::Count(g.households_visited),
                    Value::Count(g.overdue),
                    Value::Count(c.required),
                    Value::Count(c.met),
                    Value::Rate(c.rate()),
                ]
            })
            .collect(),
    };
    let of = r.grids.iter().map(|g| g.community.as_deref());
    with_community(table, r, who, of)
}

pub fn workers(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let mut table = Table {
        title: w.workers.into(),
        header: who.header(
            &[
                w.worker,
                w.visits,
                w.in_charge,
                w.in_charge_visited,
                w.overdue,
                w.required,
                w.met,
                w.rate,
            ],
            &[
                "worker",
                "visits",
                "households_in_charge",
                "households_in_charge_visited",
                "overdue_in_charge",
                "required",
                "met",
                "compliance_rate",
            ],
        ),
        rows: r
            .workers
            .iter()
            .map(|x| {
                vec![
                    text(&x.worker),
                    Value::Count(x.visits),
                    Value::Count(x.households_in_charge),
                    Value::Count(x.households_in_charge_visited),
                    Value::Count(x.overdue_in_charge),
                    Value::Count(x.compliance_in_charge.required),
                    Value::Count(x.compliance_in_charge.met),
                    Value::Rate(x.compliance_in_charge.rate()),
                ]
            })
            .collect(),
    };
    // With a workers.csv: what it says of each worker, in columns of its
    // own at the end (for scripts also whether a party member).
    if r.workers.iter().any(|x| x.registered.is_some()) {
        let pw = super::party::words(who);
        let info = |x: &crate::compute::report::WorkerRow| x.registered.clone().unwrap_or_default();
        match who {
            Audience::People(_) => {
                let role = |i: &crate::compute::report::WorkerInfo| {
                    if i.registered {
                        text(&i.role)
                    } else {
                        text(pw.not_registered)
                    }
                };
                table
                    .header
                    .extend([pw.role, pw.branch, pw.party_group].map(String::from));
                for (row, x) in table.rows.iter_mut().zip(&r.workers) {
                    let i = info(x);
                    row.extend([role(&i), text(&i.branch), text(&i.party_group)]);
                }
            }
            Audience::Scripts => {
                table
                    .header
                    .extend(["role", "branch", "party_group", "party_member"].map(String::from));
                for (row, x) in table.rows.iter_mut().zip(&r.workers) {
                    let i = info(x);
                    let member = match i.party_member {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "",
                    };
                    row.extend([
                        text(&i.role),
                        text(&i.branch),
                        text(&i.party_group),
                        text(member),
                    ]);
                }
            }
        }
    }
    let of = r.workers.iter().map(|x| x.community.as_deref());
    let mut table = with_community(table, r, who, of);
    table.rows = by_name(table.rows, who, &r.communities);
    table
}

pub fn overdue(r: &Report, who: Audience) -> Table {
    let w = who.words();
    // The worker in charge of each household, as `due` says it.
    let in_charge = match who {
        Audience::People(lang) => lang.label(crate::i18n::Label::Visitor),
        Audience::Scripts => "visitor",
    };
    let rows = r.overdue_list.iter().map(|o| {
        let address = [&o.grid, &o.building, &o.unit, &o.room]
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        match who {
            Audience::People(_) => vec![
                text(&o.household),
                who.level(o.level),
                text(&address),
                text(&o.visitor),
                text(&o.contact),
                Value::Date(o.last_visit, w.never),
                Value::Date(o.deadline, "—"),
                Value::Days(o.days_overdue),
            ],
            Audience::Scripts => vec![
                text(&o.household),
                who.level(o.level),
                text(&o.grid),
                text(&o.building),
                text(&o.unit),
                text(&o.room),
                text(&o.visitor),
                text(&o.contact),
                Value::Date(o.last_visit, ""),
                Value::Date(o.deadline, ""),
                Value::Days(o.days_overdue),
            ],
        }
    });
    let table = Table {
        title: w.overdue_list.into(),
        header: who.header(
            &[
                w.household,
                w.level,
                w.address,
                in_charge,
                w.contact,
                w.last_visit,
                w.deadline,
                w.days_overdue,
            ],
            &[
                "household",
                "level",
                "grid",
                "building",
                "unit",
                "room",
                "visitor",
                "contact",
                "last_visit",
                "deadline",
                "days_overdue",
            ],
        ),
        rows: rows.collect(),
    };
    let of = r.overdue_list.iter().map(|o| o.community.as_deref());
    with_community(table, r, who, of)
}

/// A month's visits against the month before's, from the counts (not
/// from the rounded share of the JSON).
fn shown_change(t: &TrendRow) -> Option<f64> {
    let change = t.visits_change?;
    let before = t.visits as i64 - change;
    (before > 0).then(|| t.visits as f64 / before as f64 - 1.0)
}

/// A month's compliance rate against the month before's as people check
/// it: the difference of the two rates as shown (to 0.1%).
fn shown_points(t: &TrendRow) -> Option<f64> {
    t.compliance_rate_change?;
    let shown = |rate: f64| (rate * 1000.0).round();
    let (now, before) = (t.compliance.total().rate()?, t.compliance_before?.rate()?);
    Some((shown(now) - shown(before)) / 1000.0)
}

/// The trend: the last six months of a month, a longer span's own months;
/// for people each month's change against the one before sits beside
/// its figure, for scripts the changes come last.
pub fn trend(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let title = match (who, r.period.kind) {
        (Audience::Scripts, _) | (_, SpanKind::Month) => w.trend,
        _ => w.trend_months,
    };
    Table {
        title: title.into(),
        header: who.header(
            &[
                w.month,
                w.visits,
                w.visits_change,
                w.households_visited,
                w.required,
                w.met,
                w.rate,
                w.rate_change,
            ],
            &[
                "month",
                "visits",
                "households_visited",
                "required",
                "met",
                "compliance_rate",
                "visits_change",
                "visits_change_rate",
                "compliance_rate_change",
            ],
        ),
        rows: r
            .trend
            .iter()
            .map(|t| {
                let c = t.compliance.total();
                let month = t.month;
                match who {
                    Audience::People(_) => vec![
                        Value::Month(month),
                        Value::Count(t.visits),
                        Value::Change(shown_change(t)),
                        Value::Count(t.households_visited),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                        Value::Points(shown_points(t)),
                    ],
                    Audience::Scripts => vec![
                        Value::Month(month),
                        Value::Count(t.visits),
                        Value::Count(t.households_visited),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                        Value::Delta(t.visits_change),
                        Value::Change(t.visits_change_rate),
                        Value::Points(t.compliance_rate_change),
                    ],
                }
            })
            .collect(),
    }
}
