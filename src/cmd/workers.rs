//! `rounds workers [--branch B] [--party-group G] [--reveal]`
//!
//! The people who visit: each worker of workers.csv (工作人员名册) in the
//! file's order, with their role, party branch and party group, then each
//! visitor name of the roster or the visit log that the file lacks (marked
//! as not registered); without a workers.csv, every such name. Beside
//! each: the households in their charge on the as-of date T, and this
//! month's figures so far (as `report` counts them for the month as of T):
//! the visits they made, the households in their charge overdue on T, and
//! the compliance of the periods credited to them. Phones (csv and json
//! only), and phone and ID numbers written into a name, are masked unless
//! `--reveal`.

use std::collections::HashSet;
use std::io::Write;

use serde::Serialize;

use super::{Ctx, Outcome};
use crate::cli::WorkersArgs;
use crate::compute::report::{self, Compliance, Span, WorkerRow};
use crate::data::workers::{Worker, roster_visitors};
use crate::error::Error;
use crate::i18n::WorkerWords;
use crate::model::Visitor;
use crate::render::ListFormat;
use crate::render::sections::{Table, Value};

/// One line of the list.
#[derive(Debug, Serialize)]
pub struct Line {
    pub name: String,
    pub registered: bool,
    pub phone: String,
    pub role: String,
    pub grid: String,
    pub building: String,
    pub branch: String,
    pub party_group: String,
    pub party_member: Option<bool>,
    pub households_in_charge: u64,
    pub visits: u64,
    pub overdue_in_charge: u64,
    pub compliance_in_charge: Compliance,
    pub compliance_rate: Option<f64>,
}

/// The names of every visitor seen in the visit log, by name or by the
/// number the cache gives it.
#[derive(Default)]
struct Names {
    names: HashSet<String>,
    numbers: Vec<bool>,
}

pub fn run(ctx: &Ctx, args: &WorkersArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    let progress = ctx.progress(false, &[]);
    let span = Span::month_of(ctx.today);
    let mut problems = Vec::new();
    let (workers, rows, mut seen) = {
        let snapshot = ctx.snapshot()?;
        let roster = snapshot.roster(Default::default(), &mut problems)?;
        let mut seen: Vec<String> = Vec::new();
        let r = report::count(
            &roster,
            &ctx.config.rules,
            span,
            ctx.today,
            None,
            None,
            |pass| {
                // Every visitor of the log is named: every day is wanted.
                let folded = snapshot.fold_visits(
                    &roster,
                    &mut problems,
                    i32::MIN..=i32::MAX,
                    || (pass.sheet(), Names::default()),
                    |(sheet, _), h| pass.touch(sheet, h),
                    |(sheet, names), v| {
                        pass.see(sheet, &roster, v);
                        match v.visitor {
                            Visitor::Name(n) => {
                                if !names.names.contains(n) {
                                    names.names.insert(n.to_string());
                                }
                            }
                            Visitor::Number(k) => {
                                let k = k as usize;
                                if names.numbers.len() <= k {
                                    names.numbers.resize(k + 1, false);
                                }
                                names.numbers[k] = true;
                            }
                        }
                    },
                )?;
                let mut sheets = Vec::new();
                for (sheet, names) in folded.states {
                    sheets.push(sheet);
                    seen.extend(names.names);
                    for (k, on) in names.numbers.into_iter().enumerate() {
                        if on && let Some(n) = folded.visitors.get(k) {
                            seen.push(n.clone());
                        }
                    }
                }
                Ok::<_, Error>((sheets, folded.visitors))
            },
        )?;
        seen.extend(
            roster_visitors(&roster)
                .into_iter()
                .map(|(_, n)| n.to_string()),
        );
        let workers = snapshot.workers(&mut problems)?;
        ctx.fail_on_errors(problems)?;
        (workers, r.workers, seen)
    };
    drop(progress);
    let by_name: std::collections::HashMap<&str, &WorkerRow> =
        rows.iter().map(|r| (r.worker.as_str(), r)).collect();
    let line = |w: &Worker, registered: bool| {
        let r = by_name.get(w.name.as_str());
        let compliance = r.map(|r| r.compliance_in_charge).unwrap_or_default();
        Line {
            name: w.name.clone(),
            registered,
            phone: if args.reveal {
                w.phone.clone()
            } else {
                crate::privacy::mask_phone(&w.phone)
            },
            role: w.role.clone(),
            grid: w.grid.clone(),
            building: w.building.clone(),
            branch: w.branch.clone(),
            party_group: w.party_group.clone(),
            party_member: w.party_member,
            households_in_charge: r.map_or(0, |r| r.households_in_charge),
            visits: r.map_or(0, |r| r.visits),
            overdue_in_charge: r.map_or(0, |r| r.overdue_in_charge),
            compliance_in_charge: compliance,
            compliance_rate: r.and_then(|r| r.compliance_rate),
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    let workers = workers.unwrap_or_default();
    for w in &workers.list {
        lines.push(line(w, true));
    }
    // The names the file lacks, in the order people read names.
    seen.extend(rows.iter().map(|r| r.worker.clone()));
    seen.retain(|n| !n.trim().is_empty() && !workers.contains(n));
    seen.sort_by(|a, b| ctx.lang.name_order(a, b));
    seen.dedup();
    for name in seen {
        let w = Worker {
            name,
            ..Worker::default()
        };
        lines.push(line(&w, false));
    }
    let filtered = !args.branch.is_empty() || !args.party_group.is_empty();
    if filtered {
        lines.retain(|l| {
            (args.branch.is_empty() || args.branch.iter().any(|b| b.trim() == l.branch))
                && (args.party_group.is_empty()
                    || args.party_group.iter().any(|g| g.trim() == l.party_group))
        });
    }
    if !args.reveal {
        for l in &mut lines {
            l.name = crate::privacy::mask_numbers_in(&l.name).into_owned();
        }
    }
    let written = match format {
        ListFormat::Json => serde_json::to_writer_pretty(&mut *out, &lines)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        ListFormat::Csv => csv_out(out, &lines),
        ListFormat::Table => table_out(ctx, out, &lines, !workers.list.is_empty()),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}

fn member_word(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn csv_out(out: &mut dyn Write, lines: &[Line]) -> std::io::Result<()> {
    let io = crate::render::csv::io_error;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record([
        "name",
        "registered",
        "phone",
        "role",
        "grid",
        "building",
        "branch",
        "party_group",
        "party_member",
        "households_in_charge",
        "visits",
        "overdue_in_charge",
        "required",
        "met",
        "compliance_rate",
    ])
    .map_err(io)?;
    for l in lines {
        let cells = [
            l.name.clone(),
            if l.registered { "yes" } else { "no" }.to_string(),
            l.phone.clone(),
            l.role.clone(),
            l.grid.clone(),
            l.building.clone(),
            l.branch.clone(),
            l.party_group.clone(),
            member_word(l.party_member).to_string(),
            l.households_in_charge.to_string(),
            l.visits.to_string(),
            l.overdue_in_charge.to_string(),
            l.compliance_in_charge.required.to_string(),
            l.compliance_in_charge.met.to_string(),
            Value::Rate(l.compliance_rate).machine(),
        ];
        w.write_record(
            cells
                .iter()
                .map(|c| crate::guard::safe_cell(c).into_owned()),
        )
        .map_err(io)?;
    }
    w.flush()
}

/// The list for people; `file`: whether workers.csv lists anybody (else
/// nobody is marked as not registered).
fn table_out(ctx: &Ctx, out: &mut dyn Write, lines: &[Line], file: bool) -> std::io::Result<()> {
    let w = WorkerWords::of(ctx.lang);
    if lines.is_empty() {
        return writeln!(out, "{}", w.none_listed);
    }
    let text = |s: &str| Value::Text(s.to_string());
    let report = ctx.lang.report_words();
    writeln!(
        out,
        "{} · {} ({} {})",
        w.list_title,
        Span::month_of(ctx.today).label(),
        report.as_of,
        crate::model::date::iso(ctx.today)
    )?;
    let table = Table {
        title: w.list_title.into(),
        header: [
            w.worker,
            w.role,
            w.branch,
            w.party_group,
            w.list_heads[0],
            w.list_heads[1],
            w.list_heads[2],
            w.rate,
        ]
        .map(String::from)
        .to_vec(),
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    text(&l.name),
                    if l.registered || !file {
                        text(&l.role)
                    } else {
                        text(w.not_registered)
                    },
                    text(&l.branch),
                    text(&l.party_group),
                    Value::Count(l.households_in_charge),
                    Value::Count(l.visits),
                    Value::Count(l.overdue_in_charge),
                    Value::Rate(l.compliance_in_charge.rate()),
                ]
            })
            .collect(),
    };
    crate::render::table::values(out, &table, ctx.color, ctx.width)?;
    writeln!(out, "{}", w.list_note)
}
