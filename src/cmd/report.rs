//! `rounds report [--month YYYY-MM]`
//!
//! The monthly report as of min(the month's last day, --today): active
//! households and overdue households per level, visits (人次), households
//! visited, person-times, visits per grid and per worker, and compliance
//! per level (of the household-periods that ended in the month, how many
//! held a visit). `--format json` is the stable contract of the SPEC.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::ReportArgs;
use crate::data::roster::{self, Load, Roster};
use crate::error::Error;
use crate::render::{self, Format};
use crate::report::{self, Month, Tally};

pub fn run(ctx: &Ctx, args: &ReportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let month = match &args.month {
        Some(text) => Month::parse(text).ok_or_else(|| {
            Error::Usage(format!("--month '{text}' is not a month (use YYYY-MM)"))
        })?,
        None => Month::of(ctx.today),
    };
    if month > Month::of(ctx.today) {
        return Err(Error::Usage(format!(
            "--month {} is after the month of today ({}); a report can only look back",
            month.label(),
            crate::data::date::iso(ctx.today)
        )));
    }
    let as_of = report::as_of(month, ctx.today);
    let _lock = ctx.read_lock()?;
    let mut problems = Vec::new();
    let roster = Roster::read(&ctx.path(roster::FILE), Load::default(), &mut problems)?;
    let mut tally = Tally::new(&roster, &ctx.config.rules, month, as_of);
    ctx.scan_visits(&mut problems, |v| {
        if let Some(h) = roster.household(v.household) {
            tally.add(h, v.date, v.visitor, v.persons);
        }
    })?;
    ctx.fail_on_errors(problems)?;
    let report = tally.finish();
    let written = match ctx.format() {
        Format::Json => render::json::report(out, &report),
        Format::Csv => render::csv::report(out, &report),
        Format::Table => render::table::report(out, &report, ctx.lang, ctx.color, ctx.terminal),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}
