//! The report joined with workers.csv (工作人员名册): each worker's role,
//! party branch and party group beside their figures, and what the
//! members of each party branch (党支部) and party group (党小组) did
//! (服务次数与效果). Every figure is a sum of the workers' own: the
//! households in their charge as of the report date, the periods credited
//! to the worker in charge on each period's last day, the visits each
//! made, so that a household handed over between branches mid-month is
//! counted once.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::figures::rounded;
use super::{Compliance, Report};
use crate::data::workers::Workers;
use crate::model::need::Need;
use crate::model::roster::Roster;

/// What workers.csv says of a worker of the report (all empty for a
/// visitor it lacks).
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkerInfo {
    /// Whether workers.csv lists them.
    pub registered: bool,
    pub role: String,
    pub branch: String,
    pub party_group: String,
    /// `null` when workers.csv does not say.
    pub party_member: Option<bool>,
}

/// What the members of a branch or a party group did in the span.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PartyFigures {
    /// Its workers in workers.csv.
    pub members: u64,
    /// Of them, those who made at least one visit in the span, and the
    /// party members among those.
    pub members_serving: u64,
    pub party_members_serving: u64,
    /// Active households in their charge on the report date.
    pub households_in_charge: u64,
    /// Visits they made in the span, and the person-times of those.
    pub visits: u64,
    pub person_times: u64,
    /// The periods of the households in their charge on each period's
    /// last day, and how many held a visit.
    pub compliance_in_charge: Compliance,
    pub compliance_rate: Option<f64>,
    /// With a needs ledger: needs raised in the span that are theirs (by
    /// `raised_by`, else the worker in charge of the household on the day
    /// it was raised), and their needs resolved in the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_raised: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_resolved: Option<u64>,
}

/// One party branch (党支部).
#[derive(Debug, Clone, Serialize)]
pub struct BranchRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub branch: String,
    #[serde(flatten)]
    pub figures: PartyFigures,
}

/// One party group (党小组), such as a building's, whose members may come
/// from several branches.
#[derive(Debug, Clone, Serialize)]
pub struct PartyGroupRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub party_group: String,
    #[serde(flatten)]
    pub figures: PartyFigures,
}

/// Joins workers.csv to the report: each worker row gains what the file
/// says of them, and the report its branches and party groups (when the
/// file names some). `needs` is the needs ledger, when there is one.
/// Call it before `Report::mask`.
pub fn join_workers(
    report: &mut Report,
    workers: &Workers,
    needs: Option<&[Need]>,
    roster: &Roster,
    first: NaiveDate,
) {
    let as_of = report.as_of;
    for row in &mut report.workers {
        row.registered = Some(match workers.get(&row.worker) {
            Some(w) => WorkerInfo {
                registered: true,
                role: w.role.clone(),
                branch: w.branch.clone(),
                party_group: w.party_group.clone(),
                party_member: w.party_member,
            },
            None => WorkerInfo::default(),
        });
    }
    let rows: HashMap<&str, &super::WorkerRow> = report
        .workers
        .iter()
        .map(|r| (r.worker.as_str(), r))
        .collect();
    // Each need to the worker it belongs to.
    let mut raised: HashMap<&str, u64> = HashMap::new();
    let mut resolved: HashMap<&str, u64> = HashMap::new();
    for n in needs.unwrap_or_default() {
        let within = |d: NaiveDate| first <= d && d <= as_of;
        let owner = match n.raised_by.trim() {
            "" => match roster.find(&n.household) {
                Some(h) => roster.household_on(h, n.raised).visitor(),
                None => continue,
            },
            name => name,
        };
        if within(n.raised) {
            *raised.entry(owner).or_default() += 1;
        }
        if n.resolved.is_some_and(within) {
            *resolved.entry(owner).or_default() += 1;
        }
    }
    let mut branches: BTreeMap<&str, PartyFigures> = BTreeMap::new();
    let mut groups: BTreeMap<&str, PartyFigures> = BTreeMap::new();
    for w in &workers.list {
        let add = |f: &mut PartyFigures| {
            f.members += 1;
            if let Some(r) = rows.get(w.name.as_str()) {
                if r.visits > 0 {
                    f.members_serving += 1;
                    f.party_members_serving += u64::from(w.party_member == Some(true));
                }
                f.households_in_charge += r.households_in_charge;
                f.visits += r.visits;
                f.person_times += r.person_times;
                f.compliance_in_charge.add(r.compliance_in_charge);
            }
            if needs.is_some() {
                *f.needs_raised.get_or_insert(0) +=
                    raised.get(w.name.as_str()).copied().unwrap_or(0);
                *f.needs_resolved.get_or_insert(0) +=
                    resolved.get(w.name.as_str()).copied().unwrap_or(0);
            }
        };
        if !w.branch.is_empty() {
            add(branches.entry(&w.branch).or_default());
        }
        if !w.party_group.is_empty() {
            add(groups.entry(&w.party_group).or_default());
        }
    }
    let finish = |mut f: PartyFigures| {
        f.compliance_rate = rounded(f.compliance_in_charge.rate());
        f
    };
    if workers.has_branches() {
        report.by_branch = Some(
            branches
                .into_iter()
                .map(|(b, f)| BranchRow {
                    community: None,
                    branch: b.to_string(),
                    figures: finish(f),
                })
                .collect(),
        );
    }
    if workers.has_party_groups() {
        report.by_party_group = Some(
            groups
                .into_iter()
                .map(|(g, f)| PartyGroupRow {
                    community: None,
                    party_group: g.to_string(),
                    figures: finish(f),
                })
                .collect(),
        );
    }
}
