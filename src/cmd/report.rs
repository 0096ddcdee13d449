//! `rounds report [--month YYYY-MM | --quarter YYYY-Qn | --half YYYY-Hn | --year YYYY]
//!                [--format table|json|csv|md|html|xlsx] [-o FILE] [--section NAME] [--reveal]`
//!
//! The report of a span as of min(its last day, --today): the SPEC's
//! figures (households and overdue per level, visits, households visited,
//! person-times, visits per grid and per visitor, compliance per level),
//! the compliance rate per level and grid, each worker's visits next to
//! the households in their charge, the overdue and never-visited households
//! (names masked unless --reveal, as are phone and ID
//! numbers written into a worker's name), and the trend month by month (the last
//! six months of a month, a longer span's own months), each against the
//! month before. The key rates (走访覆盖率, 完成率, 办结率, 回访满意率) stand
//! beside their counts, and every figure is defined once. json is the
//! stable contract (English keys, a schema_version); table, md, html and
//! xlsx speak the user's language; csv gives one tidy table per section.
//! `-o FILE` writes the file whole and picks the format from its
//! extension; a report over an old file keeps the old file's mode, a new
//! one follows the umask, and one with `--reveal` is owner-only (0600).

mod output;
mod rollup;

use std::io::{IsTerminal, Write};

use super::{Ctx, Outcome};
use crate::cli::ReportArgs;
use crate::compute::report::{self, Span};
use crate::error::Error;
use crate::error::Usage;
use crate::model::date::iso;
use crate::render::Format;
use output::{format_of, render_report, write_file};
pub(crate) use rollup::{check_dirs, every_community, name_of};
pub use rollup::{communities, run_rollup};

fn span_of(ctx: &Ctx, args: &ReportArgs) -> Result<Span, Error> {
    let bad = |flag: &'static str, text: &str, form: &'static str| {
        Error::Usage(Usage::BadSpan {
            flag,
            text: text.to_string(),
            form,
        })
    };
    let span = if let Some(t) = &args.quarter {
        Span::parse_quarter(t).ok_or_else(|| bad("quarter", t, "YYYY-Qn, e.g. 2020-Q2"))?
    } else if let Some(t) = &args.half {
        Span::parse_half(t).ok_or_else(|| bad("half", t, "YYYY-Hn, e.g. 2020-H1"))?
    } else if let Some(t) = &args.year {
        Span::parse_year(t).ok_or_else(|| bad("year", t, "YYYY"))?
    } else if let Some(t) = &args.month {
        Span::parse_month(t).ok_or_else(|| bad("month", t, "YYYY-MM"))?
    } else {
        Span::month_of(ctx.today)
    };
    if span.first > ctx.today {
        return Err(Error::Usage(Usage::SpanAfterToday {
            span: span.label(),
            today: iso(ctx.today),
        }));
    }
    Ok(span)
}

pub fn run(ctx: &Ctx, args: &ReportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let span = span_of(ctx, args)?;
    let format = format_of(ctx, args.output.as_deref())?;
    let progress = ctx.progress(false, &[]);
    let mut report = count(ctx, args, span, true)?;
    if !args.reveal {
        report.mask();
    }
    drop(progress);
    show(ctx, args, &report, format, out)
}

/// The report of one community's data directory, names in full.
/// `check_tags`: a --tag that no resident carries is refused (a roll-up
/// refuses it only when no community has it).
fn count(
    ctx: &Ctx,
    args: &ReportArgs,
    span: Span,
    check_tags: bool,
) -> Result<report::Report, Error> {
    let as_of = report::as_of(span, ctx.today);
    let rules = &ctx.config.rules;
    let mut problems = Vec::new();
    let report = {
        let snapshot = ctx.snapshot()?;
        // Names are needed for the overdue list (masked unless revealed):
        // through the cache, only those of the households listed are
        // read, once the list is known.
        let cached = snapshot.may_read_personal_later();
        snapshot.hash_visits_ahead();
        snapshot.keep_roster_later();
        let mut roster = if cached {
            snapshot.roster_quiet(crate::data::roster::Load::default(), &mut problems)?
        } else {
            snapshot.roster_with_names(&mut problems)?
        };
        let tagged = crate::compute::filter::Tagged::new(&args.tag);
        if tagged.given() {
            if problems.iter().any(crate::error::Problem::is_error) {
                ctx.fail_on_errors(problems.clone())?;
            }
            if check_tags {
                tagged.check(&roster)?;
            }
        }
        let keep = report::carrying(&roster, &tagged, as_of);
        let latest = snapshot.latest_cached(&roster);
        // The roster changes of the span (history.csv read again: the
        // roster may come from the cache) worked out beside the counting.
        let (counted, changes) = snapshot.beside_keeping(&roster, || {
            std::thread::scope(|s| {
                let changes = s.spawn(|| {
                    let mut found = Vec::new();
                    let history = snapshot.history(&mut found)?;
                    let changes = report::roster_changes(&history, &roster, span, as_of);
                    Ok::<_, Error>((changes, found))
                });
                let counted = report::count(
                    &roster,
                    rules,
                    span,
                    ctx.today,
                    keep.as_deref(),
                    latest.as_deref(),
                    |pass| {
                        let folded = snapshot.fold_visits(
                            &roster,
                            &mut problems,
                            pass.wanted(),
                            || pass.sheet(),
                            |sheet, h| pass.touch(sheet, h),
                            |sheet, v| pass.see(sheet, &roster, v),
                        )?;
                        Ok::<_, Error>((folded.states, folded.visitors))
                    },
                );
                (counted, changes.join().expect("the roster changes' thread"))
            })
        });
        let mut report = counted?;
        let (changes, found) = changes?;
        problems.extend(found);
        report.only_tags = (args.tag.iter())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        report.roster_changes = changes;
        let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
        let workers = snapshot.workers(&mut problems)?;
        report.unrecorded_edits = problems
            .iter()
            .filter(|p| matches!(*p.reason, crate::error::Reason::UnrecordedEdit { .. }))
            .count() as u64;
        ctx.fail_on_errors(problems)?;
        report.needs = ledger.as_ref().map(|l| {
            let needs = &ctx.config.needs;
            // With --tag, the needs of the households counted.
            let kept: Vec<_> = match &keep {
                Some(keep) => (l.needs.iter())
                    .filter(|n| roster.find(&n.household).is_some_and(|h| keep[h]))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            };
            let all = if keep.is_some() { &kept } else { &l.needs };
            crate::compute::needs::report_section(
                all,
                &roster,
                span,
                as_of,
                needs,
                &report.visits_by_visitor,
            )
        });
        if let Some(w) = &workers {
            let needs = ledger.as_ref().map(|l| l.needs.as_slice());
            report::join_workers(&mut report, w, needs, &roster, span.first);
        }
        if cached {
            name_contacts(&snapshot, &mut roster, &mut report)?;
        }
        report
    };
    Ok(report)
}

/// Gives the overdue list, counted over a roster read without names, the
/// names of its contacts: read from their own lines of the roster file,
/// else from the file's names column, else from the roster read whole
/// (whose residents are in the same order).
fn name_contacts(
    snapshot: &crate::data::snapshot::Snapshot,
    roster: &mut crate::model::roster::Roster,
    report: &mut report::Report,
) -> Result<(), Error> {
    let residents: Vec<usize> = (report.overdue_list.iter())
        .filter_map(|o| o.contact_resident)
        .collect();
    if residents.is_empty() {
        return Ok(());
    }
    let whole;
    let named = if snapshot.personal_for(roster, &residents)?
        || roster.read_names(snapshot.roster_path())?
    {
        &*roster
    } else {
        let load = crate::data::roster::Load {
            personal: false,
            names: true,
        };
        whole = snapshot.roster_from_file(load, &mut Vec::new())?;
        &whole
    };
    for o in &mut report.overdue_list {
        if let Some(r) = o.contact_resident.filter(|&r| r < named.residents_len()) {
            o.contact = named.resident(r).name().to_string();
        }
    }
    Ok(())
}

/// Writes the report, to stdout or to `-o FILE`.
fn show(
    ctx: &Ctx,
    args: &ReportArgs,
    report: &report::Report,
    format: Format,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    match &args.output {
        Some(path) => write_file(ctx, args, report, format, path, out),
        None => {
            if format == Format::Xlsx && std::io::stdout().is_terminal() {
                return Err(Error::Usage(Usage::WorkbookToTerminal));
            }
            let bytes = render_report(ctx, args, report, format, args.section)?;
            out.write_all(&bytes).map_err(Error::Output)?;
            Ok(Outcome::Success)
        }
    }
}
