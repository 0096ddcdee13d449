//! The figures of the report (SPEC `rounds report`), computed in one pass
//! over the visit log: a `Tally` per period is fed each visit (through a
//! `Pass`, the bit-packed counting of `engine`) and then finished into a
//! `Report`. No I/O: the command reads, this counts, `render` prints.
//!
//! Beyond the SPEC's figures (kept as they are), a report carries what a
//! community head reads first: the compliance rate per level and per grid,
//! each worker's visits next to the households in their charge, the list
//! of overdue and never-visited households at the report date, the
//! trend month by month (the last six months of a month, a longer span's
//! own months) against the month before, and the coverage (走访覆盖率).
//!
//! - `span`: the days a report covers and its as-of date;
//! - `tally`: what each household must hold and held, finished into rows;
//! - `engine`: the counting of the visits of all tallies in one pass;
//! - `figures`: the counts, rates and changes the rows carry.

mod changes;
mod engine;
mod figures;
mod party;
mod rollup;
mod span;
mod tally;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use clap::ValueEnum;
use serde::Serialize;

pub use changes::{ChangeRow, Direction, RosterChanges, roster_changes};

/// The households carrying any of the special groups `tagged` names on
/// the day `as_of` (for `report --tag`); `None` when none is given.
pub fn carrying(
    roster: &Roster,
    tagged: &crate::compute::filter::Tagged<'_>,
    as_of: NaiveDate,
) -> Option<Vec<bool>> {
    tagged.given().then(|| {
        roster
            .households()
            .map(|h| tagged.admits(&h.on(as_of)))
            .collect()
    })
}
pub use engine::{Pass, Sheet};
pub use figures::{Compliance, Coverage, PerLevel};
pub use party::{BranchRow, PartyFigures, PartyGroupRow, WorkerInfo, join_workers};
pub use rollup::{Community, CommunityRow, Skipped, roll_up};
pub use span::{Span, SpanKind, as_of};
pub use tally::Tally;

use crate::model::Level;
use crate::model::roster::Roster;
use crate::privacy;
use crate::schedule::Rules;

/// The report of `span` as of `as_of(span, today)` and its trend: the
/// tallies are set up (on two cores), `visits` folds every visit into
/// sheets of the `Pass` it is given (and names the visitors numbers stand
/// for), and the tallies are finished. The needs section and the masking
/// are the caller's.
pub fn count<E>(
    roster: &Roster,
    rules: &Rules,
    span: Span,
    today: NaiveDate,
    keep: Option<&[bool]>,
    latest: Option<&[Option<NaiveDate>]>,
    visits: impl FnOnce(&Pass) -> Result<(Vec<Sheet>, Vec<String>), E>,
) -> Result<Report, E> {
    let as_of = as_of(span, today);
    // The tallies of the span and of the trend months (with the month
    // before them, for the change of the first), on two cores.
    let (months, ends) = tallied_months(rules, span, today);
    let (first, second) = months.split_at(months.len() / 2);
    // Households whose level stays the same over all those days (most of
    // a city's) are worked out once for every tally.
    let steady = tally::Steady::new(roster, ends);
    let month = |m: &Span| {
        let mut t = Tally::with_steady(roster, rules, *m, span::as_of(*m, today), &steady);
        if let Some(keep) = keep {
            t.restrict(keep);
        }
        t
    };
    let (mut tally, mut trend) = std::thread::scope(|scope| {
        let other = scope.spawn(|| second.iter().map(month).collect::<Vec<_>>());
        let mut tally = Tally::with_steady(roster, rules, span, as_of, &steady);
        if let Some(keep) = keep {
            tally.restrict(keep);
        }
        let mut trend: Vec<Tally<'_>> = first.iter().map(month).collect();
        trend.extend(other.join().expect("a thread panicked"));
        (tally, trend)
    });
    let mut pass = Pass::new(&tally, &trend);
    if let Some(latest) = latest {
        pass.know_latest(latest);
    }
    let (sheets, visitors) = visits(&pass)?;
    let sheet = pass.gather(sheets, &visitors);
    pass.finish(sheet, &mut tally, &mut trend);
    Ok(tally.finish(rules, &trend))
}

/// The months a report of `span` tallies besides the span itself: the
/// trend's (`Span::trend_months`) preceded by the month before them, for
/// the change of the first; and the last days of all its tallies'
/// windows.
pub(super) fn tallied_months(
    rules: &Rules,
    span: Span,
    today: NaiveDate,
) -> (Vec<Span>, Vec<NaiveDate>) {
    let as_of = as_of(span, today);
    let mut months = span.trend_months(as_of);
    months.insert(0, months[0].previous_month());
    let mut ends = tally::window_ends(rules, span, as_of);
    for m in &months {
        ends.extend(tally::window_ends(rules, *m, span::as_of(*m, today)));
    }
    (months, ends)
}

/// A section of the report, as one tidy table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Section {
    /// Households, visits, overdue and compliance per level.
    Summary,
    /// The same per grid.
    Grids,
    /// Each worker's visits and the households in their charge.
    Workers,
    /// The overdue and never-visited households at the report date.
    Overdue,
    /// Visits and compliance month by month (the last six months of a
    /// month, a longer span's own months), each against the month before.
    Trend,
    /// Needs raised, resolved and unresolved, by category and in total
    /// (only with a needs ledger).
    Needs,
    /// The same by grid.
    NeedGrids,
    /// Each worker's visits next to the needs they took up and resolved.
    NeedWorkers,
    /// Re-ratings and reassignments per direction (only with a roster
    /// history).
    Changes,
    /// Every re-rating, reassignment and move of the span (only with a
    /// roster history).
    ChangeList,
    /// What the members of each party branch did (only with a workers.csv
    /// that names branches).
    Branch,
    /// The same per party group.
    PartyGroup,
    /// Households, visited, overdue and compliance per special group
    /// (only when residents carry tags).
    Tags,
    /// Each community's figures (only in a roll-up of several).
    Community,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Summary,
        Section::Grids,
        Section::Workers,
        Section::Overdue,
        Section::Trend,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::Grids => "grids",
            Section::Workers => "workers",
            Section::Overdue => "overdue",
            Section::Trend => "trend",
            Section::Needs => "needs",
            Section::NeedGrids => "need-grids",
            Section::NeedWorkers => "need-workers",
            Section::Changes => "changes",
            Section::ChangeList => "change-list",
            Section::Branch => "branch",
            Section::PartyGroup => "party-group",
            Section::Tags => "tags",
            Section::Community => "community",
        }
    }
}

/// Dates in the report's JSON as they are stored (`YYYY-MM-DD`).
mod iso {
    use chrono::NaiveDate;

    pub fn serialize<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::model::date::iso(*d))
    }

    /// A day that may be missing, as `null`.
    pub mod option {
        use chrono::NaiveDate;

        pub fn serialize<S: serde::Serializer>(
            d: &Option<NaiveDate>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }
    }

    /// A month, by its first day, as `YYYY-MM`.
    pub mod month {
        use chrono::NaiveDate;

        pub fn serialize<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&super::super::Span::month_of(*d).label())
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    pub kind: SpanKind,
    pub label: String,
    #[serde(with = "iso")]
    pub first: NaiveDate,
    #[serde(with = "iso")]
    pub last: NaiveDate,
}

/// One grid's figures.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub grid: String,
    pub households: u64,
    pub visits: u64,
    pub households_visited: u64,
    pub overdue: u64,
    pub compliance: PerLevel<Compliance>,
    pub compliance_rate: Option<f64>,
}

/// One worker: the visits they made (by the log's visitor), next to the
/// households in their charge (by the roster's visitor).
#[derive(Debug, Clone, Serialize)]
pub struct WorkerRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub worker: String,
    pub visits: u64,
    pub households_in_charge: u64,
    pub households_in_charge_visited: u64,
    pub overdue_in_charge: u64,
    pub compliance_in_charge: Compliance,
    pub compliance_rate: Option<f64>,
    /// The person-times of their visits (for the party sections).
    #[serde(skip)]
    pub person_times: u64,
    /// What workers.csv says of them, when the community keeps one.
    #[serde(flatten)]
    pub registered: Option<WorkerInfo>,
}

/// An overdue household at the report date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueRow {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub household: String,
    pub level: Level,
    pub grid: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub visitor: String,
    /// The first active resident's name (masked by `Report::mask`).
    pub contact: String,
    /// That resident (an index into the roster's residents), whose name a
    /// roster read without names gets afterwards (`name_contacts`).
    #[serde(skip)]
    pub contact_resident: Option<usize>,
    #[serde(with = "iso::option")]
    pub last_visit: Option<NaiveDate>,
    /// None for a −∞ deadline (never visited, start unknown).
    #[serde(with = "iso::option")]
    pub deadline: Option<NaiveDate>,
    pub days_overdue: Option<i64>,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    /// The month, by its first day.
    #[serde(with = "iso::month")]
    pub month: NaiveDate,
    #[serde(with = "iso")]
    pub as_of: NaiveDate,
    pub visits: u64,
    pub households_visited: u64,
    pub compliance: PerLevel<Compliance>,
    pub compliance_rate: Option<f64>,
    /// Against the month before (环比): the visits' difference, and that
    /// difference as a share of the month before's visits.
    pub visits_change: Option<i64>,
    pub visits_change_rate: Option<f64>,
    /// The compliance rate's difference from the month before's, as a
    /// share (0.021 is 2.1 percentage points); none when either month
    /// required nothing.
    pub compliance_rate_change: Option<f64>,
    /// The month before's household-periods, for a change as people read
    /// it: the difference of the two rates as shown.
    #[serde(skip)]
    pub compliance_before: Option<Compliance>,
}

/// One special group's figures (tags, 重点人群): the households carrying
/// it on the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct TagRow {
    pub tag: String,
    /// Active households carrying it on the as-of date.
    pub households: u64,
    /// Those of them with a visit in the span.
    pub households_visited: u64,
    /// Those of them overdue on the as-of date.
    pub overdue: u64,
    /// Their household-periods of the span, required and met, as the
    /// per-level compliance counts them.
    pub compliance: Compliance,
    pub compliance_rate: Option<f64>,
}

/// The report. The SPEC's keys come first, unchanged; the rest is added.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(with = "iso")]
    pub as_of: NaiveDate,
    /// Active households on `as_of`, per level.
    pub households: PerLevel<u64>,
    /// Visit records dated in the span up to `as_of`.
    pub visits: u64,
    pub households_visited: u64,
    pub person_times: u64,
    /// Overdue households on `as_of`, as `due` counts them.
    pub overdue: PerLevel<u64>,
    pub visits_by_grid: BTreeMap<String, u64>,
    pub visits_by_visitor: BTreeMap<String, u64>,
    pub compliance: PerLevel<Compliance>,
    pub period: PeriodInfo,
    pub compliance_rate: PerLevel<Option<f64>>,
    /// Overdue households with no visit at all on or before `as_of`.
    pub never_visited: u64,
    pub grids: Vec<GridRow>,
    pub workers: Vec<WorkerRow>,
    pub overdue_list: Vec<OverdueRow>,
    pub trend: Vec<TrendRow>,
    pub coverage: Coverage,
    /// The needs section, when the community keeps a needs ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<crate::compute::needs::NeedsSection>,
    /// The span's re-ratings and reassignments, with a roster history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roster_changes: Option<RosterChanges>,
    /// Edits of the roster that history.csv does not record: each is
    /// counted from the day the roster was saved, so the figures of days
    /// before it may not be what they were (the caller's to set).
    #[serde(skip_serializing_if = "is_zero")]
    pub unrecorded_edits: u64,
    /// Per party branch (党支部) and per party group (党小组), with a
    /// workers.csv that names them: what their members did (服务次数与效果).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_branch: Option<Vec<BranchRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_party_group: Option<Vec<PartyGroupRow>>,
    /// Per special group, in the order the roster first names them (only
    /// when residents carry tags).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_tag: Vec<TagRow>,
    /// The special groups of `--tag`, when the report is restricted to
    /// the households carrying any of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_tags: Vec<String>,
    /// A roll-up of several communities (`rollup`): their names, in the
    /// order given; empty for one community's report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<String>,
    /// A roll-up: each community's own figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_community: Vec<CommunityRow>,
    /// A roll-up with --skip-invalid: the communities left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Report {
    /// The report as shown unless revealed: residents' names in the
    /// overdue list masked (`张*`), and phone and ID numbers written into
    /// a worker's name masked as `privacy::mask_numbers_in` masks a visit's
    /// note. Call it once the needs section is in.
    pub fn mask(&mut self) {
        for o in &mut self.overdue_list {
            o.contact = privacy::mask_name(&o.contact);
        }
        self.mask_numbers_in_names();
    }

    /// Phone and ID numbers in a worker's name (a visit's visitor, the
    /// roster's worker in charge, a need's worker) masked wherever the
    /// report names a worker, so that no format shows them. Visits under
    /// two names that mask alike are added up.
    fn mask_numbers_in_names(&mut self) {
        let mask = |name: &mut String| {
            if let std::borrow::Cow::Owned(masked) = privacy::mask_numbers_in(name) {
                *name = masked;
            }
        };
        let mut by_visitor = BTreeMap::new();
        for (mut name, n) in std::mem::take(&mut self.visits_by_visitor) {
            mask(&mut name);
            *by_visitor.entry(name).or_insert(0) += n;
        }
        self.visits_by_visitor = by_visitor;
        self.workers.iter_mut().for_each(|w| mask(&mut w.worker));
        self.overdue_list
            .iter_mut()
            .for_each(|o| mask(&mut o.visitor));
        if let Some(needs) = &mut self.needs {
            needs.workers.iter_mut().for_each(|w| mask(&mut w.worker));
        }
        if let Some(changes) = &mut self.roster_changes {
            for d in &mut changes.reassignments {
                mask(&mut d.from);
                mask(&mut d.to);
            }
            for c in &mut changes.list {
                mask(&mut c.by);
                if c.kind == crate::model::history::Field::Visitor {
                    mask(&mut c.from);
                    mask(&mut c.to);
                }
            }
        }
    }
}
