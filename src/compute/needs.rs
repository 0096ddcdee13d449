//! What the needs ledger adds up to: each household's unresolved needs
//! for `due`, the list of `needs`, the needs sections of `report`, and
//! the needs a visit log raises for `import`. Pure functions of the
//! ledger, the roster and a day.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::compute::report::Span;
use crate::config::NeedsConfig;
use crate::error::{NeedRule, Reason};
use crate::model::date::iso;
use crate::model::need::{Need, NeedStatus, Satisfaction};
use crate::model::roster::Roster;
use crate::privacy::shown_value;

/// A need as `rounds needs` lists it: as it stood on --today, with its
/// household's grid.
#[derive(Debug, Serialize)]
pub struct ListedNeed<'a> {
    pub id: &'a str,
    pub household: &'a str,
    pub grid: &'a str,
    pub raised: String,
    /// The worker (often a visit's visitor): phone and ID numbers in it
    /// masked unless revealed.
    pub raised_by: std::borrow::Cow<'a, str>,
    pub category: &'a str,
    /// Phone and ID numbers in it masked unless revealed.
    pub text: std::borrow::Cow<'a, str>,
    /// On --today.
    pub status: NeedStatus,
    pub started: Option<String>,
    pub resolved: Option<String>,
    pub resolution: std::borrow::Cow<'a, str>,
    pub follow_up: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    /// Days from raising to resolution, or to --today while unresolved.
    pub days_open: i64,
}

/// A household's unresolved needs on a day, for `due`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenNeeds {
    pub count: u32,
    /// Days the oldest of them has been open.
    pub oldest_days: i64,
}

impl OpenNeeds {
    /// Whether the oldest has been open longer than `limit` days.
    pub fn flagged(&self, limit: u32) -> bool {
        self.count > 0 && self.oldest_days > i64::from(limit)
    }
}

/// The unresolved needs of each household on `today`.
pub fn open_by_household(needs: &[Need], today: NaiveDate) -> BTreeMap<&str, OpenNeeds> {
    let mut out: BTreeMap<&str, OpenNeeds> = BTreeMap::new();
    for n in needs.iter().filter(|n| n.unresolved_on(today)) {
        let e = out.entry(n.household.as_str()).or_default();
        e.count += 1;
        e.oldest_days = e.oldest_days.max(n.days_open(today));
    }
    out
}

/// What a set of needs adds up to over a report's span.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NeedCounts {
    /// Needs raised in the span.
    pub raised: u64,
    /// Of those raised in the span: where they stand at its end.
    pub raised_resolved: u64,
    pub raised_in_progress: u64,
    pub raised_open: u64,
    /// Needs resolved in the span, whenever they were raised.
    pub resolved: u64,
    /// Every need unresolved at the span's end (open and in progress).
    pub unresolved_at_end: u64,
    pub in_progress_at_end: u64,
    pub open_at_end: u64,
    /// Unresolved at the end and open longer than the flag limit.
    pub unresolved_over_limit: u64,
    /// The median of the days from raising to resolution of the needs
    /// resolved in the span.
    pub median_days_to_resolve: Option<f64>,
    /// Follow-up visits in the span that recorded a satisfaction.
    pub follow_ups: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
    /// (satisfied + basically satisfied) / follow-ups.
    pub satisfaction_rate: Option<f64>,
    /// 办结率: of the needs raised in the span, the share resolved by its
    /// end (raised_resolved / raised).
    pub resolution_rate: Option<f64>,
    #[serde(skip)]
    days_to_resolve: Vec<i64>,
}

impl NeedCounts {
    fn add(&mut self, n: &Need, first: NaiveDate, as_of: NaiveDate, limit: u32) {
        let within = |d: NaiveDate| first <= d && d <= as_of;
        let Some(at_end) = n.status_on(as_of) else {
            return;
        };
        if within(n.raised) {
            self.raised += 1;
            match at_end {
                NeedStatus::Resolved => self.raised_resolved += 1,
                NeedStatus::InProgress => self.raised_in_progress += 1,
                NeedStatus::Open => self.raised_open += 1,
            }
        }
        if let Some(r) = n.resolved.filter(|r| within(*r)) {
            self.resolved += 1;
            self.days_to_resolve.push((r - n.raised).num_days());
        }
        match at_end {
            NeedStatus::Resolved => {}
            NeedStatus::InProgress => self.in_progress_at_end += 1,
            NeedStatus::Open => self.open_at_end += 1,
        }
        if at_end != NeedStatus::Resolved {
            self.unresolved_at_end += 1;
            if n.days_open(as_of) > i64::from(limit) {
                self.unresolved_over_limit += 1;
            }
        }
        if let (Some(f), Some(s)) = (n.follow_up, n.satisfaction)
            && within(f)
        {
            self.follow_ups += 1;
            match s {
                Satisfaction::Satisfied => self.satisfied += 1,
                Satisfaction::BasicallySatisfied => self.basically_satisfied += 1,
                Satisfaction::Dissatisfied => self.dissatisfied += 1,
            }
        }
    }

    fn finish(&mut self) {
        self.median_days_to_resolve = median(&mut self.days_to_resolve);
        self.satisfaction_rate = (self.follow_ups > 0).then(|| {
            let r = (self.satisfied + self.basically_satisfied) as f64 / self.follow_ups as f64;
            (r * 10_000.0).round() / 10_000.0
        });
        self.resolution_rate = (self.raised > 0).then(|| {
            let r = self.raised_resolved as f64 / self.raised as f64;
            (r * 10_000.0).round() / 10_000.0
        });
    }

    /// Adds the counts of another community's needs (a roll-up): the
    /// counts are summed, the median and the rates worked out again from
    /// the days and counts of both.
    pub fn merge(&mut self, other: &NeedCounts) {
        self.raised += other.raised;
        self.raised_resolved += other.raised_resolved;
        self.raised_in_progress += other.raised_in_progress;
        self.raised_open += other.raised_open;
        self.resolved += other.resolved;
        self.unresolved_at_end += other.unresolved_at_end;
        self.in_progress_at_end += other.in_progress_at_end;
        self.open_at_end += other.open_at_end;
        self.unresolved_over_limit += other.unresolved_over_limit;
        self.follow_ups += other.follow_ups;
        self.satisfied += other.satisfied;
        self.basically_satisfied += other.basically_satisfied;
        self.dissatisfied += other.dissatisfied;
        self.days_to_resolve
            .extend_from_slice(&other.days_to_resolve);
        self.finish();
    }

    /// Whether anything happened or stands open.
    fn is_empty(&self) -> bool {
        self.raised == 0
            && self.resolved == 0
            && self.unresolved_at_end == 0
            && self.follow_ups == 0
    }
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryNeeds {
    pub category: String,
    #[serde(flatten)]
    pub counts: NeedCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridNeeds {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub grid: String,
    #[serde(flatten)]
    pub counts: NeedCounts,
}

/// A worker's visits in the span next to the needs they took up
/// (服务次数与效果).
#[derive(Debug, Clone, Serialize)]
pub struct WorkerNeeds {
    /// The community, in a roll-up of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub worker: String,
    pub visits: u64,
    #[serde(flatten)]
    pub counts: NeedCounts,
}

/// The needs section of a report.
#[derive(Debug, Clone, Serialize)]
pub struct NeedsSection {
    /// The flag limit in days that `unresolved_over_limit` uses.
    pub flag_after_days: u32,
    #[serde(flatten)]
    pub total: NeedCounts,
    pub by_category: Vec<CategoryNeeds>,
    pub by_grid: Vec<GridNeeds>,
    pub workers: Vec<WorkerNeeds>,
}

/// What the report needs to know besides the ledger.
pub struct SectionInput<'a> {
    pub first: NaiveDate,
    pub as_of: NaiveDate,
    /// The configured categories, in the order to list them.
    pub categories: &'a [String],
    pub flag_after_days: u32,
    /// Each worker's visits in the span (the report's `visits_by_visitor`).
    pub visits_by_visitor: &'a BTreeMap<String, u64>,
}

/// Counts the ledger for a report. `grid_of` gives a household's grid, or
/// `None` for a household missing from the roster, whose needs are left
/// out (as its visits are). Rows with nothing to count are left out.
pub fn section<'a>(
    needs: &[Need],
    grid_of: impl Fn(&str) -> Option<&'a str>,
    input: &SectionInput<'_>,
) -> NeedsSection {
    let (first, as_of, limit) = (input.first, input.as_of, input.flag_after_days);
    let mut total = NeedCounts::default();
    let mut categories: BTreeMap<&str, NeedCounts> = BTreeMap::new();
    let mut grids: BTreeMap<&str, NeedCounts> = BTreeMap::new();
    let mut workers: BTreeMap<&str, NeedCounts> = BTreeMap::new();
    for n in needs {
        let Some(grid) = grid_of(&n.household) else {
            continue;
        };
        total.add(n, first, as_of, limit);
        categories
            .entry(&n.category)
            .or_default()
            .add(n, first, as_of, limit);
        grids.entry(grid).or_default().add(n, first, as_of, limit);
        workers
            .entry(&n.raised_by)
            .or_default()
            .add(n, first, as_of, limit);
    }
    total.finish();
    let mut by_category = Vec::new();
    // The configured order first, then any other (the ledger is checked
    // against the configuration, so normally there is none).
    let order = input
        .categories
        .iter()
        .map(String::as_str)
        .chain(
            categories
                .keys()
                .copied()
                .filter(|c| !input.categories.iter().any(|k| k == c)),
        )
        .collect::<Vec<_>>();
    for c in order {
        if let Some(mut counts) = categories.remove(c).filter(|c| !c.is_empty()) {
            counts.finish();
            by_category.push(CategoryNeeds {
                category: c.to_string(),
                counts,
            });
        }
    }
    let by_grid = grids
        .into_iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(g, mut counts)| {
            counts.finish();
            GridNeeds {
                community: None,
                grid: g.to_string(),
                counts,
            }
        })
        .collect();
    let mut names: Vec<&str> = workers.keys().copied().collect();
    names.extend(
        input
            .visits_by_visitor
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, _)| k.as_str()),
    );
    names.sort_unstable();
    names.dedup();
    let workers = names
        .into_iter()
        .filter_map(|w| {
            let visits = input.visits_by_visitor.get(w).copied().unwrap_or(0);
            let mut counts = workers.remove(w).unwrap_or_default();
            if visits == 0 && counts.is_empty() {
                return None;
            }
            counts.finish();
            Some(WorkerNeeds {
                community: None,
                worker: w.to_string(),
                visits,
                counts,
            })
        })
        .collect();
    NeedsSection {
        flag_after_days: limit,
        total,
        by_category,
        by_grid,
        workers,
    }
}

/// For `due`: each household's unresolved needs on `today`, by the
/// roster's household index.
pub fn open_needs(needs: &[Need], roster: &Roster, today: NaiveDate) -> Vec<OpenNeeds> {
    let mut out = vec![OpenNeeds::default(); roster.households_len()];
    for (household, open) in open_by_household(needs, today) {
        if let Some(h) = roster.find(household) {
            out[h] = open;
        }
    }
    out
}

/// For `report`: the needs section of a span, as of `as_of`.
pub fn report_section(
    needs: &[Need],
    roster: &Roster,
    span: Span,
    as_of: NaiveDate,
    config: &NeedsConfig,
    visits_by_visitor: &BTreeMap<String, u64>,
) -> NeedsSection {
    section(
        needs,
        |h| roster.find(h).map(|i| roster.household(i).grid()),
        &SectionInput {
            first: span.first,
            as_of,
            categories: &config.categories,
            flag_after_days: config.flag_after_days,
            visits_by_visitor,
        },
    )
}

/// A need a visit log's `need` column raised, waiting to be opened.
#[derive(Debug, Clone)]
pub struct Raised {
    pub household: usize,
    pub date: NaiveDate,
    pub visitor: String,
    pub category: String,
    pub text: String,
}

/// The needs of `raised` that `needs` does not hold yet (same household,
/// day, worker and text), each once, with new ids.
pub fn unrecorded(
    needs: &[Need],
    roster: &Roster,
    raised: &[Raised],
    default_category: &str,
) -> Vec<Need> {
    let mut seen: HashSet<(String, NaiveDate, String, String)> = needs
        .iter()
        .map(|n| {
            (
                n.household.clone(),
                n.raised,
                n.raised_by.clone(),
                n.text.clone(),
            )
        })
        .collect();
    let mut ids: Vec<String> = needs.iter().map(|n| n.id.clone()).collect();
    let mut out = Vec::new();
    for r in raised {
        let house = roster.household(r.household);
        let by = if r.visitor.is_empty() {
            house.visitor().to_string()
        } else {
            r.visitor.clone()
        };
        let key = (house.id().to_string(), r.date, by.clone(), r.text.clone());
        if !seen.insert(key) {
            continue;
        }
        let id = crate::model::need::next_id(ids.iter().map(String::as_str));
        ids.push(id.clone());
        let category = if r.category.is_empty() {
            default_category.to_string()
        } else {
            r.category.clone()
        };
        out.push(Need::open(
            id,
            house.id().to_string(),
            r.date,
            by,
            category,
            r.text.clone(),
        ));
    }
    out
}

/// What `rounds needs` keeps (`--open`, `--grid`, `--visitor`,
/// `--category`, `--older-than`); an empty list keeps every value.
pub struct Wanted<'a> {
    pub open: bool,
    pub grid: &'a [String],
    pub visitor: &'a [String],
    pub category: &'a [String],
    pub older_than: Option<u32>,
    pub reveal: bool,
    /// `--tag`: needs of households carrying one of these on `today`.
    pub tags: super::filter::Tagged<'a>,
}

/// The needs as `rounds needs` lists them on `today`: those raised by
/// then that `wanted` keeps, in the order they were raised.
pub fn listing<'a>(
    needs: &'a [Need],
    roster: &'a Roster,
    wanted: &Wanted<'_>,
    today: NaiveDate,
) -> Vec<ListedNeed<'a>> {
    let one = |list: &[String], v: &str| list.iter().any(|x| x.trim() == v);
    let mut rows: Vec<(&Need, NeedStatus, &str)> = needs
        .iter()
        .filter_map(|n| {
            let status = n.status_on(today)?;
            let house = roster.find(&n.household).map(|h| roster.household(h));
            let grid = house.map_or("", |h| h.grid());
            let in_charge = house.map_or("", |h| h.visitor());
            let keep = (!wanted.open || status != NeedStatus::Resolved)
                && (wanted.grid.is_empty() || one(wanted.grid, grid))
                && (wanted.visitor.is_empty()
                    || one(wanted.visitor, &n.raised_by)
                    || one(wanted.visitor, in_charge))
                && (wanted.category.is_empty() || one(wanted.category, &n.category))
                && wanted
                    .older_than
                    .is_none_or(|days| (today - n.raised).num_days() > i64::from(days))
                && (!wanted.tags.given()
                    || house.is_some_and(|h| wanted.tags.admits(&h.on(today))));
            keep.then_some((n, status, grid))
        })
        .collect();
    rows.sort_by(|a, b| (a.0.raised, &a.0.id).cmp(&(b.0.raised, &b.0.id)));
    rows.iter()
        .map(|(n, status, grid)| listed(n, *status, grid, today, wanted.reveal))
        .collect()
}

/// A need as it stood on `today` with `status`, for listing: phone and ID
/// numbers in its text, resolution and worker masked unless `reveal`, in every
/// format: as `due`'s csv and json hold no phone number, neither do these
/// unless asked.
pub fn listed<'a>(
    n: &'a Need,
    status: NeedStatus,
    grid: &'a str,
    today: NaiveDate,
    reveal: bool,
) -> ListedNeed<'a> {
    let shown = |t: &'a str| {
        if reveal {
            t.into()
        } else {
            crate::privacy::mask_numbers_in(t)
        }
    };
    ListedNeed {
        id: &n.id,
        household: &n.household,
        grid,
        raised: iso(n.raised),
        raised_by: shown(&n.raised_by),
        category: &n.category,
        text: shown(&n.text),
        status,
        started: n.started.filter(|d| *d <= today).map(iso),
        resolved: n.resolved.filter(|d| *d <= today).map(iso),
        resolution: if status == NeedStatus::Resolved {
            shown(&n.resolution)
        } else {
            "".into()
        },
        follow_up: n.follow_up.filter(|d| *d <= today).map(iso),
        satisfaction: n
            .satisfaction
            .filter(|_| n.follow_up.is_some_and(|d| d <= today)),
        days_open: n.days_open(today),
    }
}

/// A day given for a change to a need (default: `today`); refused when it
/// is not a date or is after `today`.
pub fn day_given(text: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Reason> {
    let Some(text) = text else {
        return Ok(today);
    };
    let d = crate::model::date::parse(text).map_err(|why| Reason::BadDate {
        field: "date",
        value: shown_value(text),
        why,
    })?;
    if d > today {
        return Err(Reason::FutureVisit {
            date: iso(d),
            today: iso(today),
        });
    }
    Ok(d)
}

/// A category given (trimmed); refused when it is none of `allowed`.
pub fn category_given(allowed: &[String], text: &str) -> Result<String, Reason> {
    let c = text.trim();
    if allowed.iter().any(|a| a == c) {
        Ok(c.to_string())
    } else {
        Err(Reason::UnknownCategory {
            value: shown_value(c),
            allowed: allowed.to_vec(),
        })
    }
}

/// `need` moved on to `status` (in progress or resolved) on `day`, with
/// its resolution if given; refused when it is resolved already or the
/// change does not hold together (a day before it was raised …).
pub fn updated(
    need: &Need,
    status: NeedStatus,
    day: NaiveDate,
    resolution: Option<&str>,
) -> Result<Need, Reason> {
    let mut need = need.clone();
    if let (NeedStatus::Resolved, Some(r)) = (need.status, need.resolved) {
        return Err(Reason::NeedRule(NeedRule::AlreadyResolved(iso(r))));
    }
    match status {
        NeedStatus::InProgress => {
            // The day work began is the first one recorded.
            if need.status == NeedStatus::Open {
                need.started = Some(day);
            }
        }
        NeedStatus::Resolved => need.resolved = Some(day),
        NeedStatus::Open => unreachable!("an update never reopens a need"),
    }
    need.status = status;
    if let Some(r) = resolution.map(str::trim) {
        need.resolution = r.to_string();
    }
    holding(need)
}

/// `need` followed up on `day` with what the residents said; refused
/// when the change does not hold together.
pub fn followed_up(
    need: &Need,
    day: NaiveDate,
    satisfaction: Satisfaction,
) -> Result<Need, Reason> {
    let mut need = need.clone();
    need.follow_up = Some(day);
    need.satisfaction = Some(satisfaction);
    holding(need)
}

/// The need, or the first reason it does not hold together.
fn holding(need: Need) -> Result<Need, Reason> {
    match need.problems().into_iter().next() {
        Some(reason) => Err(reason),
        None => Ok(need),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::need::DEFAULT_CATEGORIES;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn need(id: &str, raised: &str) -> Need {
        Need::open(
            id.into(),
            "H1".into(),
            d(raised),
            "王".into(),
            "其他".into(),
            "x".into(),
        )
    }

    #[test]
    fn a_section_adds_up() {
        let mut a = need("N1", "2020-06-03");
        a.status = NeedStatus::Resolved;
        a.resolved = Some(d("2020-06-13"));
        a.follow_up = Some(d("2020-06-20"));
        a.satisfaction = Some(Satisfaction::BasicallySatisfied);
        let mut b = need("N2", "2020-06-10");
        b.status = NeedStatus::InProgress;
        let c = need("N3", "2020-04-01");
        let mut e = need("N4", "2020-05-01");
        e.status = NeedStatus::Resolved;
        e.resolved = Some(d("2020-06-04"));
        e.category = "矛盾纠纷".into();
        let late = need("N5", "2020-07-02");
        let visits = BTreeMap::from([("王".to_string(), 7), ("李".to_string(), 3)]);
        let categories: Vec<String> = DEFAULT_CATEGORIES.iter().map(|c| c.to_string()).collect();
        let s = section(
            &[a, b, c, e, late],
            |_| Some("东岗"),
            &SectionInput {
                first: d("2020-06-01"),
                as_of: d("2020-06-30"),
                categories: &categories,
                flag_after_days: 30,
                visits_by_visitor: &visits,
            },
        );
        let t = &s.total;
        assert_eq!(t.raised, 2);
        assert_eq!(
            t.raised,
            t.raised_resolved + t.raised_in_progress + t.raised_open
        );
        assert_eq!((t.raised_resolved, t.raised_in_progress), (1, 1));
        assert_eq!(t.resolved, 2);
        assert_eq!(t.median_days_to_resolve, Some((10.0 + 34.0) / 2.0));
        assert_eq!((t.unresolved_at_end, t.open_at_end), (2, 1));
        assert_eq!(t.unresolved_over_limit, 1, "N3, open 90 days");
        assert_eq!((t.follow_ups, t.satisfaction_rate), (1, Some(1.0)));
        let names: Vec<&str> = s.by_category.iter().map(|c| c.category.as_str()).collect();
        assert_eq!(names, ["矛盾纠纷", "其他"]);
        assert_eq!(s.workers.len(), 2);
        assert_eq!(
            (s.workers[0].worker.as_str(), s.workers[0].visits),
            ("李", 3)
        );
        assert_eq!(s.workers[1].counts.resolved, 2);
    }
}
