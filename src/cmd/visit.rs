//! `rounds visit HOUSEHOLD [--date D] [--visitor V] [--kind K] [--note N] [--persons N]`
//!
//! Records one visit from the command line, through the same validation,
//! duplicate check and safe append as `import`. The household may be given
//! by a resident's id; without `--visitor` the visit is the household's
//! worker in charge's (as `need add` takes a need up). Exit status 0 when
//! stored or already stored, 1 when the visit is rejected (a date after
//! today, a bad `--persons` …), 2 for a household the roster lacks (refused
//! in the words of `need add` and `history`).

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::VisitArgs;
use crate::data::headers::{self, IMPORT};
use crate::data::ingest;
use crate::data::logs::{LogKind, LogRow};
use crate::data::roster::Load;
use crate::error::Error;
use crate::model::date::iso;

pub fn run(ctx: &Ctx, args: &VisitArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut problems = Vec::new();
    let roster = { ctx.snapshot()?.roster(Load::default(), &mut problems)? };
    ctx.fail_on_errors(problems)?;
    let house = roster.household(crate::compute::filter::household(&roster, &args.household)?);
    let visitor = args
        .visitor
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(house.visitor());
    let date = args.date.clone().unwrap_or_else(|| iso(ctx.today));
    let header = [
        "date",
        "household",
        "resident",
        "visitor",
        "kind",
        "note",
        "persons",
    ];
    let cells = [
        date.as_str(),
        house.id(),
        "",
        visitor,
        args.kind.as_deref().unwrap_or(""),
        args.note.as_deref().unwrap_or(""),
        args.persons.as_deref().unwrap_or(""),
    ];
    let cols = headers::map(&IMPORT, &header, &[]).expect("the fields of a visit log");
    let row = LogRow {
        line: 1,
        cells: cells.iter().map(|c| c.to_string()).collect(),
        unreadable: None,
    };
    let candidate = match ingest::validate(&row, &cols, LogKind::Csv, &roster, ctx.today) {
        Ok(c) => c,
        Err(reasons) => {
            let reasons: Vec<String> = reasons.iter().map(|r| ctx.lang.reason(r)).collect();
            eprintln!(
                "rounds: {}: {}",
                ctx.lang.rejected_word(),
                reasons.join("; ")
            );
            return Ok(Outcome::Flagged);
        }
    };
    let id = roster.household(candidate.household).id().to_string();
    let day = iso(candidate.date);
    let stored = {
        let snapshot = ctx.snapshot_for_write()?;
        ingest::store_one(&snapshot, &roster, &candidate, ctx.lang)?
    };
    let line = if stored {
        ctx.lang.visit_recorded(&day, &id)
    } else {
        ctx.lang.visit_already(&day, &id)
    };
    writeln!(out, "{line}").map_err(Error::Output)?;
    Ok(Outcome::Success)
}
