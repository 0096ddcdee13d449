//! `rounds history HOUSEHOLD [--reveal]`
//!
//! Every visit to one household (named by its id, or by a resident's id),
//! newest first, with who visited, how, how many residents were met and
//! the note. Visits after the as-of date are left out, as everywhere. The
//! table starts with the household's address, level and residents (names
//! masked unless `--reveal`); csv and json give the visits alone.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::HistoryArgs;
use crate::data::roster::{self, Load, Roster};
use crate::error::Error;
use crate::i18n::Msg;
use crate::model::VisitLine;
use crate::render::{self, ListFormat};

pub fn run(ctx: &Ctx, args: &HistoryArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    let progress = ctx.progress(false, &[]);
    let _lock = ctx.read_lock()?;
    let mut problems = Vec::new();
    let load = Load {
        personal: true,
        names: true,
    };
    let roster = Roster::read(&ctx.path(roster::FILE), load, &mut problems)?;
    ctx.fail_on_errors(std::mem::take(&mut problems))?;
    let wanted = args.household.trim();
    let Some(index) = roster
        .find(wanted)
        .or_else(|| roster.household_of_resident(wanted))
    else {
        return Err(Error::Usage(ctx.lang.msg(&Msg::NoSuchHousehold {
            id: wanted.to_string(),
            suggestion: nearest_household(&roster, wanted),
        })));
    };
    let id = roster.household(index).id();
    let mut visits = Vec::new();
    ctx.scan_visits(&mut problems, |v| {
        if v.household == id && v.date <= ctx.today {
            visits.push(VisitLine {
                date: v.date,
                visitor: v.visitor.to_string(),
                kind: v.kind.to_string(),
                persons: v.persons,
                note: v.note.to_string(),
                line: v.line,
            });
        }
    })?;
    ctx.fail_on_errors(problems)?;
    visits.sort_by_key(|v| std::cmp::Reverse((v.date, v.line)));
    drop(progress);
    let view = render::HistoryView {
        roster: &roster,
        household: index,
        visits: &visits,
        today: ctx.today,
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

/// The household id nearest to a mistyped one, if one is near (at most a
/// third of its characters differ).
fn nearest_household(roster: &Roster, id: &str) -> Option<String> {
    let limit = (id.chars().count() / 3).max(1);
    roster
        .households()
        .map(|h| (strsim::osa_distance(id, h.id()), h.id()))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, h)| h.to_string())
}
