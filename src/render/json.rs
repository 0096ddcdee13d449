//! JSON output: English keys, machine words, ISO dates; null for "none".

use std::io::Write;

use serde::Serialize;

use crate::data::date::iso;
use crate::data::roster::Roster;
use crate::model::{DueRow, Level, Status};

#[derive(Serialize)]
struct DueJson<'a> {
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
}

/// `due` as json; with a needs ledger each row gains `open_needs`.
pub fn due(
    out: &mut dyn Write,
    roster: &Roster,
    rows: &[DueRow],
    needs: Option<&[crate::needs::OpenNeeds]>,
) -> std::io::Result<()> {
    let items: Vec<DueJson<'_>> = rows
        .iter()
        .map(|r| {
            let h = roster.household(r.household);
            DueJson {
                household: h.id(),
                level: r.level,
                grid: h.grid(),
                building: h.building(),
                unit: h.unit(),
                room: h.room(),
                visitor: h.visitor(),
                last_visit: r.last_visit.map(iso),
                deadline: r.deadline.date().map(iso),
                status: r.standing.status,
                days_overdue: r.standing.days_overdue,
                days_left: r.standing.days_left,
                open_needs: needs.map(|n| n[r.household].count),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// `rounds needs` as json.
pub fn needs(out: &mut dyn Write, listed: &[crate::needs::ListedNeed<'_>]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, listed)?;
    writeln!(out)
}

/// The report with its schema version first.
pub fn report(out: &mut dyn Write, report: &crate::report::Report) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Versioned<'a> {
        schema_version: u32,
        #[serde(flatten)]
        report: &'a crate::report::Report,
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
