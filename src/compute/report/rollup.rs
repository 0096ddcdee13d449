//! A district's roll-up: the reports of several communities, each counted
//! on its own roster with the same engine (so a household `H1` of one is
//! never the `H1` of another), added up into one. Every count is the sum
//! of the communities' counts; every rate is worked out again from the
//! summed counts, never averaged. Lists keep their rows, each naming its
//! community; what several communities share by name (the special groups,
//! the needs' categories, the directions of re-ratings) is added up.

use std::collections::BTreeMap;

use serde::Serialize;

use super::figures::rounded;
use super::{Compliance, Coverage, PerLevel, Report, RosterChanges, TagRow};
use crate::compute::needs::{CategoryNeeds, NeedCounts, NeedsSection};
use crate::model::Level;

/// One community's report, with its name (rounds.toml's `name`, else its
/// directory's) and directory.
pub struct Community {
    pub name: String,
    pub directory: String,
    pub report: Report,
}

/// One community's figures in a roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct CommunityRow {
    pub community: String,
    pub directory: String,
    /// Active households on the as-of date.
    pub households: u64,
    pub visits: u64,
    pub households_visited: u64,
    pub person_times: u64,
    /// Overdue households on the as-of date.
    pub overdue: u64,
    pub never_visited: u64,
    /// Household-periods of the span, all levels together.
    pub required: u64,
    pub met: u64,
    pub compliance_rate: Option<f64>,
    pub coverage_rate: Option<f64>,
    /// With a needs ledger: needs raised in the span, and resolved in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_raised: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_resolved: Option<u64>,
}

/// A community a roll-up left out (--skip-invalid), and how many errors
/// its data holds.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub community: String,
    pub directory: String,
    pub errors: u64,
}

/// The roll-up of `communities` (at least one), which were counted for
/// the same span and as-of date. Names are in full: `Report::mask` masks
/// them.
pub fn roll_up(communities: Vec<Community>) -> Report {
    let first = &communities
        .first()
        .expect("a roll-up of at least one community")
        .report;
    let mut out = empty_like(first);
    // The month before the trend's first, for the change of the first.
    let mut before_visits = 0u64;
    let mut before_compliance = Compliance::default();
    for c in communities {
        let name = c.name;
        let r = c.report;
        let some = || Some(name.clone());
        out.communities.push(name.clone());
        out.by_community.push(row_of(&name, c.directory, &r));
        for l in Level::ALL {
            out.households[l] += r.households[l];
            out.overdue[l] += r.overdue[l];
        }
        out.visits += r.visits;
        out.households_visited += r.households_visited;
        out.person_times += r.person_times;
        out.never_visited += r.never_visited;
        out.unrecorded_edits += r.unrecorded_edits;
        out.compliance.add(&r.compliance);
        for (grid, n) in &r.visits_by_grid {
            *out.visits_by_grid
                .entry(format!("{name}/{grid}"))
                .or_insert(0) += n;
        }
        for (visitor, n) in &r.visits_by_visitor {
            *out.visits_by_visitor
                .entry(format!("{name}/{visitor}"))
                .or_insert(0) += n;
        }
        out.grids.extend(r.grids.into_iter().map(|mut g| {
            g.community = some();
            g
        }));
        out.workers.extend(r.workers.into_iter().map(|mut w| {
            w.community = some();
            w
        }));
        out.overdue_list
            .extend(r.overdue_list.into_iter().map(|mut o| {
                o.community = some();
                o
            }));
        for (i, (sum, t)) in out.trend.iter_mut().zip(&r.trend).enumerate() {
            sum.visits += t.visits;
            sum.households_visited += t.households_visited;
            sum.compliance.add(&t.compliance);
            if i == 0 {
                // No change means the month before had no visit.
                if let Some(change) = t.visits_change {
                    before_visits += (t.visits as i64 - change).max(0) as u64;
                }
                before_compliance.add(t.compliance_before.unwrap_or_default());
            }
        }
        out.coverage.households += r.coverage.households;
        out.coverage.visited += r.coverage.visited;
        if let Some(n) = r.needs {
            add_needs(&mut out.needs, n, &name);
        }
        if let Some(changes) = r.roster_changes {
            add_changes(
                out.roster_changes.get_or_insert_with(Default::default),
                changes,
                &name,
            );
        }
        if let Some(rows) = r.by_branch {
            let all = out.by_branch.get_or_insert_with(Vec::new);
            all.extend(rows.into_iter().map(|mut b| {
                b.community = some();
                b
            }));
        }
        if let Some(rows) = r.by_party_group {
            let all = out.by_party_group.get_or_insert_with(Vec::new);
            all.extend(rows.into_iter().map(|mut g| {
                g.community = some();
                g
            }));
        }
        for t in r.by_tag {
            add_tag(&mut out.by_tag, t);
        }
    }
    out.compliance_rate = out.compliance.rates();
    out.coverage = Coverage::new(out.coverage.households, out.coverage.visited);
    for i in 0..out.trend.len() {
        let (before, now) = out.trend.split_at_mut(i);
        let row = &mut now[0];
        row.compliance_rate = rounded(row.compliance.total().rate());
        match before.last() {
            Some(b) => row.against(b),
            None => row.against_counts(before_visits, before_compliance),
        }
    }
    for t in &mut out.by_tag {
        t.compliance_rate = rounded(t.compliance.rate());
    }
    if let Some(c) = &mut out.roster_changes {
        // Stricter re-ratings first (to red first), then lighter ones, as
        // one community's report orders them.
        let key = |d: &super::Direction| {
            let (from, to) = (Level::parse(&d.from), Level::parse(&d.to));
            (to > from, to, from)
        };
        c.re_ratings.sort_by_key(key);
        c.reassignments.sort_by_key(|d| std::cmp::Reverse(d.count));
    }
    out
}

/// A report of `like`'s span and as-of date with nothing counted yet.
fn empty_like(like: &Report) -> Report {
    Report {
        month: like.month.clone(),
        as_of: like.as_of,
        households: PerLevel::default(),
        visits: 0,
        households_visited: 0,
        person_times: 0,
        overdue: PerLevel::default(),
        visits_by_grid: BTreeMap::new(),
        visits_by_visitor: BTreeMap::new(),
        compliance: PerLevel::default(),
        period: like.period.clone(),
        compliance_rate: PerLevel::default(),
        never_visited: 0,
        grids: Vec::new(),
        workers: Vec::new(),
        overdue_list: Vec::new(),
        trend: (like.trend.iter())
            .map(|t| super::TrendRow {
                month: t.month,
                as_of: t.as_of,
                visits: 0,
                households_visited: 0,
                compliance: PerLevel::default(),
                compliance_rate: None,
                visits_change: None,
                visits_change_rate: None,
                compliance_rate_change: None,
                compliance_before: None,
            })
            .collect(),
        coverage: Coverage::default(),
        needs: None,
        roster_changes: None,
        unrecorded_edits: 0,
        by_branch: None,
        by_party_group: None,
        by_tag: Vec::new(),
        only_tags: like.only_tags.clone(),
        communities: Vec::new(),
        by_community: Vec::new(),
        skipped: Vec::new(),
    }
}

fn row_of(name: &str, directory: String, r: &Report) -> CommunityRow {
    let c = r.compliance.total();
    CommunityRow {
        community: name.to_string(),
        directory,
        households: r.households.0.iter().sum(),
        visits: r.visits,
        households_visited: r.households_visited,
        person_times: r.person_times,
        overdue: r.overdue.0.iter().sum(),
        never_visited: r.never_visited,
        required: c.required,
        met: c.met,
        compliance_rate: rounded(c.rate()),
        coverage_rate: r.coverage.rate,
        needs_raised: r.needs.as_ref().map(|n| n.total.raised),
        needs_resolved: r.needs.as_ref().map(|n| n.total.resolved),
    }
}

/// Adds a community's needs: the totals and the categories summed, the
/// grids and workers listed with their community.
fn add_needs(all: &mut Option<NeedsSection>, n: NeedsSection, name: &str) {
    let all = all.get_or_insert_with(|| NeedsSection {
        flag_after_days: n.flag_after_days,
        total: NeedCounts::default(),
        by_category: Vec::new(),
        by_grid: Vec::new(),
        workers: Vec::new(),
    });
    all.total.merge(&n.total);
    for c in n.by_category {
        match all
            .by_category
            .iter_mut()
            .find(|a| a.category == c.category)
        {
            Some(a) => a.counts.merge(&c.counts),
            None => all.by_category.push(CategoryNeeds {
                category: c.category,
                counts: c.counts,
            }),
        }
    }
    all.by_grid.extend(n.by_grid.into_iter().map(|mut g| {
        g.community = Some(name.to_string());
        g
    }));
    all.workers.extend(n.workers.into_iter().map(|mut w| {
        w.community = Some(name.to_string());
        w
    }));
}

/// Adds a community's roster changes: the counts per direction of
/// re-rating summed; handovers between its workers and its list of
/// changes kept with their community.
fn add_changes(all: &mut RosterChanges, c: RosterChanges, name: &str) {
    all.stricter += c.stricter;
    all.lighter += c.lighter;
    for d in c.re_ratings {
        match (all.re_ratings.iter_mut()).find(|a| a.from == d.from && a.to == d.to) {
            Some(a) => a.count += d.count,
            None => all.re_ratings.push(d),
        }
    }
    all.reassignments
        .extend(c.reassignments.into_iter().map(|mut d| {
            d.community = Some(name.to_string());
            d
        }));
    all.list.extend(c.list.into_iter().map(|mut row| {
        row.community = Some(name.to_string());
        row
    }));
}

/// Adds a community's figures of a special group to the group of that
/// name (special groups are the district's words: 独居老人 is 独居老人 in
/// every community).
fn add_tag(all: &mut Vec<TagRow>, t: TagRow) {
    match all.iter_mut().find(|a| a.tag == t.tag) {
        Some(a) => {
            a.households += t.households;
            a.households_visited += t.households_visited;
            a.overdue += t.overdue;
            a.compliance.add(t.compliance);
        }
        None => all.push(t),
    }
}
