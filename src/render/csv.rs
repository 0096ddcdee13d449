//! CSV output: English headers, machine words, ISO dates, and cells that
//! a spreadsheet would run as formulas written so that it shows them as
//! text.

use std::io::Write;

use crate::guard::safe_cell;

use crate::compute::needs::ListedNeed;
use crate::model::date::iso;
use crate::model::need::Satisfaction;

/// The columns of `rounds due --format csv` (SPEC's at least, in order,
/// then the address and worker).
pub const DUE_COLUMNS: [&str; 12] = [
    "household",
    "level",
    "grid",
    "building",
    "unit",
    "room",
    "visitor",
    "last_visit",
    "deadline",
    "status",
    "days_overdue",
    "days_left",
];

/// A csv error as the io error it wraps, so that a closed pipe stays a
/// closed pipe (and ends the program quietly).
pub fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// `due` as csv. With a needs ledger (`needs`) each row ends with
/// `open_needs`, the count of its unresolved needs: a column added last,
/// so scripts that read the SPEC's columns keep working. Across
/// communities (`community`) a `community` column comes first.
pub fn due(
    out: &mut dyn Write,
    rows: &[super::DueOf<'_>],
    community: bool,
    needs: bool,
) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let mut header = Vec::new();
    if community {
        header.push("community");
    }
    header.extend(DUE_COLUMNS);
    if needs {
        header.push("open_needs");
    }
    header.push("tags");
    w.write_record(&header).map_err(io_error)?;
    for d in rows {
        let r = d.row;
        let h = d.household();
        let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let open = needs.then(|| {
            d.open_needs()
                .map(|o| o.count.to_string())
                .unwrap_or_default()
        });
        let tags = safe_cell(&h.tags().join(";")).into_owned();
        let name = community.then(|| safe_cell(d.community.unwrap_or_default()).into_owned());
        w.write_record(
            name.as_deref()
                .into_iter()
                .chain([
                    safe_cell(h.id()).as_ref(),
                    r.level.word(),
                    &safe_cell(h.grid()),
                    &safe_cell(h.building()),
                    &safe_cell(h.unit()),
                    &safe_cell(h.room()),
                    &safe_cell(h.visitor()),
                    &r.last_visit.map(iso).unwrap_or_default(),
                    &r.deadline.date().map(iso).unwrap_or_default(),
                    r.standing.status.word(),
                    &num(r.standing.days_overdue),
                    &num(r.standing.days_left),
                ])
                .chain(open.as_deref())
                .chain([tags.as_str()]),
        )
        .map_err(io_error)?;
    }
    w.flush()
}

/// The columns of `rounds needs --format csv`.
pub const NEEDS_COLUMNS: [&str; 14] = [
    "id",
    "household",
    "grid",
    "raised",
    "raised_by",
    "category",
    "text",
    "status",
    "started",
    "resolved",
    "resolution",
    "follow_up",
    "satisfaction",
    "days_open",
];

/// `rounds needs` as csv.
pub fn needs(out: &mut dyn Write, listed: &[ListedNeed<'_>]) -> std::io::Result<()> {
    let rows: Vec<(Option<&str>, &ListedNeed<'_>)> = listed.iter().map(|l| (None, l)).collect();
    needs_of(out, &rows, false)
}

/// `rounds needs` across communities: a `community` column first.
pub fn needs_across(
    out: &mut dyn Write,
    listed: &[(&str, &ListedNeed<'_>)],
) -> std::io::Result<()> {
    let rows: Vec<(Option<&str>, &ListedNeed<'_>)> =
        listed.iter().map(|(c, l)| (Some(*c), *l)).collect();
    needs_of(out, &rows, true)
}

fn needs_of(
    out: &mut dyn Write,
    listed: &[(Option<&str>, &ListedNeed<'_>)],
    community: bool,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = Vec::new();
    if community {
        header.push("community");
    }
    header.extend(NEEDS_COLUMNS);
    w.write_record(&header).map_err(io_error)?;
    for (c, l) in listed {
        let o = |d: &Option<String>| d.clone().unwrap_or_default();
        let name = community.then(|| safe_cell(c.unwrap_or_default()).into_owned());
        w.write_record(name.as_deref().into_iter().chain([
            safe_cell(l.id).as_ref(),
            &safe_cell(l.household),
            &safe_cell(l.grid),
            &l.raised,
            &safe_cell(&l.raised_by),
            &safe_cell(l.category),
            &safe_cell(&l.text),
            l.status.word(),
            &o(&l.started),
            &o(&l.resolved),
            &safe_cell(&l.resolution),
            &o(&l.follow_up),
            l.satisfaction.map_or("", Satisfaction::word),
            &l.days_open.to_string(),
        ]))
        .map_err(io_error)?;
    }
    w.flush()
}

/// One section of the report as a tidy table, for scripts.
pub fn report_section(
    out: &mut dyn Write,
    r: &crate::compute::report::Report,
    section: crate::compute::report::Section,
) -> std::io::Result<()> {
    use super::sections::{self, Audience};
    let table = sections::section(r, section, Audience::Scripts);
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(&table.header).map_err(io_error)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|v| safe_cell(&v.machine()).into_owned()))
            .map_err(io_error)?;
    }
    w.flush()
}

/// `rounds households --format csv`: one row per resident, the
/// household's columns repeated (names masked unless revealed).
pub fn households(out: &mut dyn Write, v: &super::HouseholdsView<'_>) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record([
        "household",
        "household_level",
        "grid",
        "building",
        "unit",
        "room",
        "visitor",
        "last_visit",
        "resident",
        "name",
        "level",
        "since",
        "until",
        "active",
        "tags",
    ])
    .map_err(io_error)?;
    for line in v.lines {
        let h = v.roster.household(line.household);
        let tags = safe_cell(&h.tags().join(";")).into_owned();
        for (r, m, active) in super::residents_of(v.roster, &line.members) {
            let name = if r.name().is_empty() {
                String::new()
            } else {
                super::shown_name(&r, v.reveal)
            };
            w.write_record([
                safe_cell(h.id()).as_ref(),
                line.level.map_or("", |l| l.word()),
                &safe_cell(h.grid()),
                &safe_cell(h.building()),
                &safe_cell(h.unit()),
                &safe_cell(h.room()),
                &safe_cell(h.visitor()),
                &line.last_visit.map(iso).unwrap_or_default(),
                &safe_cell(r.id()),
                &safe_cell(&name),
                m.level.word(),
                &m.since.map(iso).unwrap_or_default(),
                &m.until.map(iso).unwrap_or_default(),
                if active { "true" } else { "false" },
                &tags,
            ])
            .map_err(io_error)?;
        }
    }
    w.flush()
}

/// `rounds history --format csv`: the visits, newest first.
pub fn history(out: &mut dyn Write, v: &super::HistoryView<'_>) -> std::io::Result<()> {
    let id = v.roster.household(v.history.household).id();
    let mut w = csv::WriterBuilder::new().from_writer(out);
    // The columns kept from logs, after the note, in order of appearance.
    let mut kept: Vec<&str> = Vec::new();
    for (name, _) in v.history.visits.iter().flat_map(|x| &x.extra) {
        if !kept.contains(&name.as_str()) {
            kept.push(name);
        }
    }
    let mut header = vec!["date", "household", "visitor", "kind", "persons", "note"];
    header.extend(&kept);
    w.write_record(header.iter().map(|h| safe_cell(h).into_owned()))
        .map_err(io_error)?;
    for visit in &v.history.visits {
        let mut row = vec![
            iso(visit.date),
            safe_cell(id).into_owned(),
            safe_cell(&visit.visitor).into_owned(),
            safe_cell(&visit.kind).into_owned(),
            visit.persons.map(|n| n.to_string()).unwrap_or_default(),
            safe_cell(&visit.note).into_owned(),
        ];
        row.extend(kept.iter().map(|k| {
            let cell = visit.extra.iter().find(|(n, _)| n == k);
            safe_cell(cell.map_or("", |(_, c)| c.as_str())).into_owned()
        }));
        w.write_record(&row).map_err(io_error)?;
    }
    w.flush()
}
