//! The needs sections, when the community keeps a needs ledger: by
//! category, by grid, and each worker's visits next to the needs they took
//! up.

use super::{Audience, Table, Value, by_name, text, with_community};
use crate::compute::needs::NeedCounts;
use crate::compute::report::{Report, Section};
use crate::i18n::Lang;

/// The figures of a set of needs, in the columns of `needs_header`.
fn need_counts(c: &NeedCounts, who: Audience) -> Vec<Value> {
    let mut row = vec![
        Value::Count(c.raised),
        Value::Count(c.raised_resolved),
        Value::Count(c.raised_in_progress),
        Value::Count(c.raised_open),
    ];
    if let Audience::People(_) = who {
        row.push(Value::Rate(c.resolution_rate));
    }
    row.extend([Value::Count(c.resolved), Value::Count(c.unresolved_at_end)]);
    if let Audience::Scripts = who {
        row.extend([
            Value::Count(c.in_progress_at_end),
            Value::Count(c.open_at_end),
        ]);
    }
    row.extend([
        Value::Count(c.unresolved_over_limit),
        Value::Decimal(c.median_days_to_resolve),
    ]);
    row.extend(follow_ups(c, who));
    // For scripts the column added last, after those they knew.
    if let Audience::Scripts = who {
        row.push(Value::Rate(c.resolution_rate));
    }
    row
}

/// The follow-ups and their satisfaction rate (for scripts also each
/// answer's count).
fn follow_ups(c: &NeedCounts, who: Audience) -> Vec<Value> {
    let mut row = vec![Value::Count(c.follow_ups)];
    if let Audience::Scripts = who {
        row.extend([
            Value::Count(c.satisfied),
            Value::Count(c.basically_satisfied),
            Value::Count(c.dissatisfied),
        ]);
    }
    row.push(Value::Rate(c.satisfaction_rate));
    row
}

fn needs_header(first: (&str, &str), who: Audience) -> Vec<String> {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    who.header(
        &[
            first.0,
            n.raised_in_period,
            n.of_them_resolved,
            n.of_them_in_progress,
            n.of_them_open,
            who.words().resolution_rate,
            n.resolved_in_period,
            n.unresolved_at_end,
            n.over_limit,
            n.median_days,
            n.follow_ups,
            n.satisfaction_rate,
        ],
        &[
            first.1,
            "raised",
            "raised_resolved",
            "raised_in_progress",
            "raised_open",
            "resolved",
            "unresolved_at_end",
            "in_progress_at_end",
            "open_at_end",
            "unresolved_over_limit",
            "median_days_to_resolve",
            "follow_ups",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "satisfaction_rate",
            "resolution_rate",
        ],
    )
}

/// The needs by category (with the total last; for scripts a total row
/// with an empty category) or by grid.
pub fn needs(r: &Report, section: Section, who: Audience) -> Table {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    let by_grid = section == Section::NeedGrids;
    let (title, first) = if by_grid {
        (n.by_grid, (n.grid, "grid"))
    } else {
        (n.by_category, (n.category, "category"))
    };
    let mut rows: Vec<Vec<Value>> = Vec::new();
    if let Some(s) = &r.needs {
        let keyed: Vec<(&str, &NeedCounts)> = if by_grid {
            s.by_grid
                .iter()
                .map(|g| (g.grid.as_str(), &g.counts))
                .collect()
        } else {
            s.by_category
                .iter()
                .map(|c| (c.category.as_str(), &c.counts))
                .collect()
        };
        for (name, counts) in keyed {
            let mut row = vec![text(name)];
            row.extend(need_counts(counts, who));
            rows.push(row);
        }
        if !by_grid || matches!(who, Audience::People(_)) {
            let total = match who {
                Audience::People(_) => n.total,
                Audience::Scripts => "",
            };
            let mut row = vec![text(total)];
            row.extend(need_counts(&s.total, who));
            rows.push(row);
        }
    }
    let table = Table {
        title: title.into(),
        header: needs_header(first, who),
        rows,
    };
    if !by_grid {
        return table;
    }
    let of = (r.needs.iter())
        .flat_map(|s| &s.by_grid)
        .map(|g| g.community.as_deref());
    with_community(table, r, who, of)
}

/// Each worker's visits next to the needs they took up (服务次数与效果).
pub fn need_workers(r: &Report, who: Audience) -> Table {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    let rows = r
        .needs
        .iter()
        .flat_map(|s| &s.workers)
        .map(|x| {
            let c = &x.counts;
            let mut row = vec![
                text(&x.worker),
                Value::Count(x.visits),
                Value::Count(c.raised),
                Value::Count(c.resolved),
                Value::Count(c.unresolved_at_end),
            ];
            row.extend(follow_ups(c, who));
            row
        })
        .collect();
    let table = Table {
        title: n.by_worker.into(),
        header: who.header(
            &[
                n.worker,
                n.visits,
                n.raised_in_period,
                n.resolved_in_period,
                n.unresolved_at_end,
                n.follow_ups,
                n.satisfaction_rate,
            ],
            &[
                "worker",
                "visits",
                "raised",
                "resolved",
                "unresolved_at_end",
                "follow_ups",
                "satisfied",
                "basically_satisfied",
                "dissatisfied",
                "satisfaction_rate",
            ],
        ),
        rows,
    };
    let of = (r.needs.iter())
        .flat_map(|s| &s.workers)
        .map(|x| x.community.as_deref());
    let mut table = with_community(table, r, who, of);
    table.rows = by_name(std::mem::take(&mut table.rows), who, &r.communities);
    table
}
