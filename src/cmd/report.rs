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

use std::io::{IsTerminal, Write};

use super::{Ctx, Outcome};
use crate::cli::ReportArgs;
use crate::compute::report::{self, Pass, Span, Tally};
use crate::data::roster::{self, Load};
use crate::error::Error;
use crate::error::Usage;
use crate::model::date::iso;
use crate::render::Format;
use crate::store;
use output::{format_of, render_report, write_file};

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
    let as_of = report::as_of(span, ctx.today);
    let rules = &ctx.config.rules;
    let mut problems = Vec::new();
    let report = {
        let _lock = ctx.read_lock()?;
        // Names are needed for the overdue list (masked unless revealed).
        let path = ctx.path(roster::FILE);
        let names = Load {
            personal: false,
            names: true,
        };
        let roster = if ctx.cache && ctx.fast_path != super::FastPath::Off {
            // The cache holds no names: they are read on their own, a
            // fraction of the whole roster's cost.
            let mut roster = ctx.roster(Load::default(), &mut problems)?;
            if roster.read_names(&path)? {
                roster
            } else {
                problems.clear();
                crate::data::roster::read(&path, names, &mut problems)?
            }
        } else {
            crate::data::roster::read(&path, names, &mut problems)?
        };
        // The tallies of the span and of the trend months (with the month
        // before them, for the change of the first), on two cores.
        let mut months = span.trend_months(as_of);
        months.insert(0, months[0].previous_month());
        let (first, second) = months.split_at(months.len() / 2);
        let month = |m: &Span| Tally::for_trend(&roster, rules, *m, report::as_of(*m, ctx.today));
        let (mut tally, mut trend) = std::thread::scope(|scope| {
            let other = scope.spawn(|| second.iter().map(month).collect::<Vec<_>>());
            let tally = Tally::new(&roster, rules, span, as_of);
            let mut trend: Vec<Tally<'_>> = first.iter().map(month).collect();
            trend.extend(other.join().expect("a thread panicked"));
            (tally, trend)
        });
        let pass = Pass::new(&tally, &trend);
        let fast = if ctx.fast_path == super::FastPath::Off {
            None
        } else if ctx.cache {
            // Through the cache of visit rows, which this keeps.
            let path = ctx.path(crate::data::visits::FILE);
            let limit = store::committed_len(&ctx.dir, crate::data::visits::FILE);
            crate::data::cache::rows(
                &ctx.dir,
                &path,
                limit,
                &roster,
                || pass.sheet(),
                |sheet, v| {
                    pass.visit_numbered(sheet, &roster, v.household, v.day, v.visitor, v.persons);
                },
            )?
            .map(|rows| {
                let mut sheet = rows.states.into_iter().reduce(|a, b| pass.merge(a, b));
                if let Some(sheet) = &mut sheet {
                    Pass::name_visitors(sheet, &rows.visitors);
                }
                sheet
            })
        } else {
            let path = ctx.path(crate::data::visits::FILE);
            let limit = store::committed_len(&ctx.dir, crate::data::visits::FILE);
            crate::data::fast::scan(
                &path,
                limit,
                &roster,
                || pass.sheet(),
                |sheet, v| {
                    if let Some(h) = v.household {
                        pass.visit(sheet, &roster, h, v.date, v.visitor, v.persons);
                    }
                },
            )?
            .map(|sheets| sheets.into_iter().reduce(|a, b| pass.merge(a, b)))
        };
        let sheet = match fast {
            Some(sheet) => sheet.unwrap_or_else(|| pass.sheet()),
            None if ctx.fast_path == super::FastPath::Must => {
                return Err(Error::Usage(Usage::FastPathDeclined));
            }
            None => {
                let mut sheet = pass.sheet();
                ctx.scan_visits(&mut problems, |v| {
                    if let Some(h) = roster.find(v.household) {
                        pass.visit(&mut sheet, &roster, h, v.date, v.visitor, v.persons);
                    }
                })?;
                sheet
            }
        };
        pass.finish(sheet, &mut tally, &mut trend);
        let ledger = super::need::load(ctx, &mut problems)?;
        ctx.fail_on_errors(problems)?;
        let mut report = tally.finish(rules, &trend);
        report.needs = ledger.map(|l| {
            super::need::report_section(ctx, &l, &roster, span, as_of, &report.visits_by_visitor)
        });
        if !args.reveal {
            report.mask();
        }
        report
    };
    drop(progress);
    match &args.output {
        Some(path) => write_file(ctx, args, &report, format, path, out),
        None => {
            if format == Format::Xlsx && std::io::stdout().is_terminal() {
                return Err(Error::Usage(Usage::WorkbookToTerminal));
            }
            let bytes = render_report(ctx, args, &report, format, args.section)?;
            out.write_all(&bytes).map_err(Error::Output)?;
            Ok(Outcome::Success)
        }
    }
}
