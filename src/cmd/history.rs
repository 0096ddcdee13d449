//! `rounds history HOUSEHOLD [--reveal]`
//!
//! Every visit to one household (named by its id, or by a resident's id),
//! newest first, with who visited, how, how many residents were met and
//! the note. Visits after the as-of date are left out, as everywhere. The
//! table starts with the household's address, level and residents (names
//! masked unless `--reveal`); csv and json give the visits alone. A phone
//! or ID number typed into a visit's note, kind or visitor is masked in
//! every format unless `--reveal`. The cells of the columns import kept
//! from the logs (照片, 经度 …) show under the note (csv: columns after
//! it; json: an `extra` object); a personal column's (姓名, 电话,
//! 身份证号) masked as the roster's are unless `--reveal`.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::HistoryArgs;
use crate::compute::history::{self, VisitLine};
use crate::data::roster::Load;
use crate::error::Error;
use crate::render::{self, ListFormat};

pub fn run(ctx: &Ctx, args: &HistoryArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    let progress = ctx.progress(false, &[]);
    let snapshot = ctx.snapshot()?;
    let mut problems = Vec::new();
    let load = Load {
        personal: true,
        names: true,
    };
    let roster = snapshot.roster_from_file(load, &mut problems)?;
    ctx.fail_on_errors(std::mem::take(&mut problems))?;
    let index = crate::compute::filter::household(&roster, &args.household)?;
    let id = roster.household(index).id();
    let mut visits = Vec::new();
    // A phone or ID number typed into a visit's texts is masked in every
    // format unless revealed, as in a need's text; visits.csv keeps it.
    let shown = |text: &str| {
        if args.reveal {
            text.to_string()
        } else {
            crate::privacy::mask_numbers_in(text).into_owned()
        }
    };
    snapshot.each_visit(&mut problems, |v| {
        if v.household == id && v.date <= ctx.today {
            visits.push(VisitLine {
                date: v.date,
                visitor: shown(v.visitor),
                kind: shown(v.kind),
                persons: v.persons,
                note: shown(v.note),
                line: v.line,
                extra: v
                    .extra
                    .cells()
                    .map(|(name, cell)| {
                        let cell = crate::data::kept::shown(name, cell, args.reveal);
                        (name.to_string(), cell)
                    })
                    .collect(),
            });
        }
    })?;
    ctx.fail_on_errors(problems)?;
    let mut problems = Vec::new();
    let log = snapshot.history(&mut problems)?;
    ctx.fail_on_errors(problems)?;
    let changes = history::changes(&roster, index, &log, ctx.today);
    let history = history::history(&roster, index, ctx.today, visits, changes);
    drop(progress);
    let view = render::HistoryView {
        roster: &roster,
        history: &history,
        reveal: args.reveal,
        lang: ctx.lang,
        width: ctx.width,
        color: ctx.color,
    };
    let written = match format {
        ListFormat::Table => render::table::history(out, &view),
        ListFormat::Csv => render::csv::history(out, &view),
        ListFormat::Json => render::json::history(out, &view),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}
