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
    let mut header = Vec::new();
    if community {
        header.push("community");
    }
    header.extend(DUE_COLUMNS);
    if needs {
        header.push("open_needs");
    }
    header.push("tags");
    let mut head = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            head.push(b',');
        }
        cell(&mut head, h);
    }
    head.push(b'\n');
    out.write_all(&head)?;
    // A city's list is a million rows: made on every core, a part each,
    // and written in order a round of parts at a time (so that no more
    // than a round is held).
    const PART: usize = 1 << 16;
    let lanes = crate::cores::cores(8);
    let parts: Vec<&[super::DueOf<'_>]> = rows.chunks(PART).collect();
    let make = |part: &&[super::DueOf<'_>]| {
        let mut buf = Vec::with_capacity(part.len() * 80);
        for (k, d) in part.iter().enumerate() {
            // The rows are in order of urgency, their households all over
            // a city's roster: loaded some rows ahead.
            if let Some(a) = part.get(k + 2 * AHEAD) {
                a.roster.prefetch_household(a.row.household(), false);
            }
            if let Some(a) = part.get(k + AHEAD) {
                a.roster.prefetch_household(a.row.household(), true);
            }
            due_line(&mut buf, d, community, needs);
        }
        buf
    };
    crate::cores::in_rounds(&parts, lanes, 1, make, |_, buf| {
        crate::store::write_pieces(out, &buf)
    })?;
    out.flush()
}

/// How many rows ahead a row's household is loaded (twice as far, its
/// row; this far, what the row points to).
const AHEAD: usize = 8;

/// One row of `due`'s csv, as the `csv` crate writes it (a cell quoted
/// only when it holds a comma, a quote or a line break).
fn due_line(buf: &mut Vec<u8>, d: &super::DueOf<'_>, community: bool, needs: bool) {
    let r = d.row;
    let h = d.household();
    if community {
        cell(buf, &safe_cell(d.community.unwrap_or_default()));
        buf.push(b',');
    }
    for text in [
        h.id(),
        r.level.word(),
        h.grid(),
        h.building(),
        h.unit(),
        h.room(),
        h.visitor(),
    ] {
        cell(buf, &safe_cell(text));
        buf.push(b',');
    }
    for date in [r.last_visit, r.deadline.date()] {
        if let Some(date) = date {
            crate::model::date::write_iso(buf, date);
        }
        buf.push(b',');
    }
    let standing = r.standing();
    buf.extend_from_slice(standing.status.word().as_bytes());
    for n in [standing.days_overdue, standing.days_left] {
        buf.push(b',');
        if let Some(n) = n {
            number(buf, n);
        }
    }
    if needs {
        buf.push(b',');
        if let Some(o) = d.open_needs() {
            number(buf, i64::from(o.count));
        }
    }
    buf.push(b',');
    let tags = h.tags();
    if !tags.is_empty() {
        cell(buf, &safe_cell(&tags.join(";")));
    }
    buf.push(b'\n');
}

/// A whole number in decimal.
fn number(buf: &mut Vec<u8>, n: i64) {
    if n < 0 {
        buf.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        k -= 1;
        digits[k] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[k..]);
}

/// A cell as the `csv` crate writes it: in quotes, quotes doubled, when
/// it holds a comma, a quote or a line break.
fn cell(buf: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if memchr::memchr3(b',', b'"', b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_none()
    {
        buf.extend_from_slice(bytes);
        return;
    }
    buf.push(b'"');
    for &b in bytes {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
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
