//! JSON output: English keys, machine words, ISO dates; null for "none".

use std::io::Write;

use serde::Serialize;

use crate::model::date::iso;
use crate::model::{Level, Status};

#[derive(Serialize)]
struct DueJson<'a> {
    /// Across communities only.
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<&'a str>,
    household: &'a str,
    level: Level,
    grid: &'a str,
    building: &'a str,
    unit: &'a str,
    room: &'a str,
    visitor: &'a str,
    last_visit: Option<String>,
    deadline: Option<String>,
    status: Status,
    days_overdue: Option<i64>,
    days_left: Option<i64>,
    /// Unresolved needs, only with a needs ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    open_needs: Option<u32>,
    /// The household's special groups on the as-of date.
    tags: Vec<&'a str>,
}

/// `due` as json; with a needs ledger each row gains `open_needs`, and
/// across communities each row starts with its `community`.
pub fn due(out: &mut dyn Write, rows: &[super::DueOf<'_>]) -> std::io::Result<()> {
    let items: Vec<DueJson<'_>> = rows
        .iter()
        .map(|d| {
            let r = d.row;
            let standing = r.standing();
            let h = d.household();
            DueJson {
                community: d.community,
                household: h.id(),
                level: r.level,
                grid: h.grid(),
                building: h.building(),
                unit: h.unit(),
                room: h.room(),
                visitor: h.visitor(),
                last_visit: r.last_visit.map(iso),
                deadline: r.deadline.date().map(iso),
                status: standing.status,
                days_overdue: standing.days_overdue,
                days_left: standing.days_left,
                open_needs: d.open_needs().map(|o| o.count),
                tags: h.tags(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// `rounds needs` as json.
pub fn needs(
    out: &mut dyn Write,
    listed: &[crate::compute::needs::ListedNeed<'_>],
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, listed)?;
    writeln!(out)
}

/// `rounds needs` across communities: each item starts with its
/// `community`.
pub fn needs_across(
    out: &mut dyn Write,
    listed: &[(&str, &crate::compute::needs::ListedNeed<'_>)],
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Item<'a> {
        community: &'a str,
        #[serde(flatten)]
        need: &'a crate::compute::needs::ListedNeed<'a>,
    }
    let items: Vec<Item<'_>> = listed
        .iter()
        .map(|&(community, need)| Item { community, need })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// One need, as an object with the keys of `needs`' items.
pub fn need(
    out: &mut dyn Write,
    need: &crate::compute::needs::ListedNeed<'_>,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, need)?;
    writeln!(out)
}

/// The report with its schema version first.
pub fn report(out: &mut dyn Write, report: &crate::compute::report::Report) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Versioned<'a> {
        schema_version: u32,
        #[serde(flatten)]
        report: &'a crate::compute::report::Report,
    }
    serde_json::to_writer_pretty(
        &mut *out,
        &Versioned {
            schema_version: 1,
            report,
        },
    )?;
    writeln!(out)
}

#[derive(Serialize)]
struct ResidentJson<'a> {
    id: &'a str,
    name: Option<String>,
    level: Level,
    since: Option<String>,
    until: Option<String>,
    active: bool,
}

#[derive(Serialize)]
struct HouseholdJson<'a> {
    household: &'a str,
    /// `null` when no resident is active on the as-of date.
    level: Option<Level>,
    grid: &'a str,
    building: &'a str,
    unit: &'a str,
    room: &'a str,
    visitor: &'a str,
    last_visit: Option<String>,
    residents: Vec<ResidentJson<'a>>,
    /// The household's special groups on the as-of date.
    tags: Vec<&'a str>,
}

/// `rounds households --format json`: one object per household.
pub fn households(out: &mut dyn Write, v: &super::HouseholdsView<'_>) -> std::io::Result<()> {
    let items: Vec<HouseholdJson<'_>> = v
        .lines
        .iter()
        .map(|line| {
            let h = v.roster.household(line.household);
            HouseholdJson {
                household: h.id(),
                level: line.level,
                grid: h.grid(),
                building: h.building(),
                unit: h.unit(),
                room: h.room(),
                visitor: h.visitor(),
                last_visit: line.last_visit.map(iso),
                residents: super::residents_of(v.roster, &line.members)
                    .into_iter()
                    .map(|(r, m, active)| ResidentJson {
                        id: r.id(),
                        name: (!r.name().is_empty()).then(|| super::shown_name(&r, v.reveal)),
                        level: m.level,
                        since: m.since.map(iso),
                        until: m.until.map(iso),
                        active,
                    })
                    .collect(),
                tags: h.tags(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

#[derive(Serialize)]
struct VisitJson<'a> {
    date: String,
    household: &'a str,
    visitor: &'a str,
    kind: &'a str,
    persons: Option<u32>,
    note: &'a str,
    extra: Extra<'a>,
}

/// A visit's kept cells as `{column: cell}`, in the file's order.
struct Extra<'a>(&'a [(String, String)]);

impl Serialize for Extra<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `rounds history --format json`: the visits, newest first.
pub fn history(out: &mut dyn Write, v: &super::HistoryView<'_>) -> std::io::Result<()> {
    let id = v.roster.household(v.history.household).id();
    let items: Vec<VisitJson<'_>> = v
        .history
        .visits
        .iter()
        .map(|x| VisitJson {
            date: iso(x.date),
            household: id,
            visitor: &x.visitor,
            kind: &x.kind,
            persons: x.persons,
            note: &x.note,
            extra: Extra(&x.extra),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
