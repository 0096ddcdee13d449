//! `rounds check [--strict]`
//!
//! Validates every data file (rounds.toml, residents.csv, visits.csv, and
//! the roster history history.csv and the needs ledger needs.csv when
//! there are ones) and
//! prints each problem as `file:line: error|warning: reason`, all of them,
//! not only the first. Errors: anything that breaks the SPEC. Warnings:
//! members of one household who disagree on grid or building, visits to
//! households missing from the roster, visits dated after the as-of date,
//! residents who are never active, changes dated after the as-of date,
//! and each tracked field of the roster edited (in a spreadsheet) without
//! a record in history.csv (`data::seen`), and with a workers.csv each
//! visitor name (of the roster, the visit log or the needs ledger) it
//! lacks, once, with the nearest registered name. Exit status 3 when there are errors
//! (with `--strict`, also when there are warnings), else 0.
//!
//! A roster that cannot be read to its end (bad bytes, no header, a
//! missing required column) is one error; the visits and needs are then
//! not checked against it (each household it lacks may be in the part
//! that could not be read), and one line says how many checks that skips.

use std::io::Write;

use serde::Serialize;

use super::{Ctx, Outcome};
use crate::cli::CheckArgs;
use crate::data::roster::Load;
use crate::data::visits;
use crate::error::{Error, Problem, Reason, Severity};
use crate::model::date::iso;
use crate::render::ListFormat;

pub fn run(ctx: &Ctx, args: &CheckArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let progress = ctx.progress(false, &[]);
    let mut problems: Vec<Problem> = ctx.config_problem.iter().cloned().collect();
    let snapshot = match ctx.snapshot() {
        Ok(s) => s,
        // Two rosters: listed as any problem, and nothing more is read.
        Err(Error::Invalid(found)) => {
            drop(progress);
            problems.extend(found);
            return finish(ctx, args, problems, out);
        }
        Err(e) => return Err(e),
    };
    let roster = snapshot.roster(Load::default(), &mut problems)?;
    // The needs ledger, when there is one (small: read whole, either path).
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    // workers.csv, when there is one: every visitor name of the roster,
    // the visit log and the needs ledger should be in it.
    let workers = snapshot.workers(&mut problems)?;
    let mut unregistered = crate::data::workers::Unregistered::default();
    if let Some(w) = &workers {
        let path = ctx.path(crate::data::roster::FILE);
        for (line, name) in crate::data::workers::roster_visitors(&roster) {
            unregistered.see(w, &path, line, name);
        }
    }
    let need_names: Vec<(std::path::PathBuf, u64, String)> = match (&workers, &ledger) {
        (Some(_), Some(l)) => l
            .needs
            .iter()
            .map(|n| (l.path.clone(), n.line, n.raised_by.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut skipped = ledger.map_or(0, |l| l.check_households(&roster, &mut problems));
    tag_marks(&roster, &ctx.path(crate::data::roster::FILE), &mut problems);
    let visits_path = ctx.path(visits::FILE);
    let today = ctx.today;
    let mut visit_problems = Vec::new();
    // The fast path answers for a clean log: every row valid, every
    // household known, nothing after today. Otherwise the simple reader
    // names each problem and its line.
    if ctx.fast_path != super::FastPath::Off && visits_path.exists() && !roster.cut_short() {
        let limit = crate::store::committed_len(&ctx.dir, visits::FILE);
        let clean = if ctx.cache {
            crate::data::cache::clean(&ctx.dir, &visits_path, limit, &roster, today)?
                .unwrap_or(false)
        } else {
            crate::data::fast::scan(
                &visits_path,
                limit,
                &roster,
                || true,
                |ok, v| {
                    *ok &= v.household.is_some() && v.date <= today;
                },
            )?
            .is_some_and(|states| states.into_iter().all(|ok| ok))
        };
        if clean {
            if let Some(w) = &workers {
                let mut ignored = Vec::new();
                snapshot.each_visit(&mut ignored, |v| {
                    unregistered.see(w, &visits_path, v.line, v.visitor);
                })?;
                problems.extend(unregistered.warnings_with(w, need_names));
            }
            drop(progress);
            return finish(ctx, args, problems, out);
        }
    }
    let found = snapshot.each_visit(&mut visit_problems, |v| {
        if let Some(w) = &workers {
            unregistered.see(w, &visits_path, v.line, v.visitor);
        }
        if roster.cut_short() {
            skipped += 1;
        } else if roster.find(v.household).is_none() {
            problems.push(Problem::warning(
                &visits_path,
                Some(v.line),
                Reason::UnknownHousehold(v.household.to_string()),
            ));
        }
        if v.date > today {
            problems.push(Problem::warning(
                &visits_path,
                Some(v.line),
                Reason::FutureVisit {
                    date: iso(v.date),
                    today: iso(today),
                },
            ));
        }
    })?;
    problems.extend(visit_problems);
    if let Some(w) = &workers {
        problems.extend(unregistered.warnings_with(w, need_names));
    }
    drop(progress);
    if !found {
        problems.push(Problem::warning(&visits_path, None, Reason::MissingFile));
    }
    if roster.cut_short() {
        // Said once, after the roster's own error (sorted by file).
        problems.push(Problem::warning(
            &visits_path,
            None,
            Reason::RosterUnreadable { skipped },
        ));
    }
    finish(ctx, args, problems, out)
}

/// Prints the problems and the summary; the exit status says whether there
/// were errors.
/// A warning for each tag word holding a mark that looks like a separator
/// and is none, on the first line of residents.csv that writes it.
fn tag_marks(
    roster: &crate::model::roster::Roster,
    path: &std::path::Path,
    problems: &mut Vec<Problem>,
) {
    const MARKS: [char; 4] = ['，', '/', '／', '\\'];
    let tags = roster.tags();
    let marked: Vec<(u32, char)> = (tags.words().iter().zip(0u32..))
        .filter_map(|(w, k)| {
            let mark = w.chars().find(|c| MARKS.contains(c))?;
            Some((k, mark))
        })
        .collect();
    for (word, mark) in marked {
        let line = roster
            .residents_with_tag(word)
            .map(|r| roster.resident_line(r))
            .min();
        problems.push(Problem::warning(
            path,
            line,
            Reason::TagMark {
                tag: tags.words()[word as usize].clone(),
                mark,
            },
        ));
    }
}

fn finish(
    ctx: &Ctx,
    args: &CheckArgs,
    mut problems: Vec<Problem>,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    // In file order, then line order.
    problems.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    if args.strict {
        for p in &mut problems {
            p.severity = Severity::Error;
        }
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let ledger = ctx.path(crate::data::needs::FILE).exists();
    let history = ctx.path(crate::data::history::FILE).exists();
    let workers = ctx.path(crate::data::workers::FILE).exists();
    let files = 2
        + usize::from(ctx.config.present)
        + usize::from(ledger)
        + usize::from(history)
        + usize::from(workers);
    match ctx.format()? {
        ListFormat::Table => {
            for p in &problems {
                writeln!(out, "{}", render_problem(ctx.lang, p)).map_err(Error::Output)?;
            }
            writeln!(out, "{}", ctx.lang.check_summary(errors, warnings, files))
                .map_err(Error::Output)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let io = |e: csv::Error| Error::Output(crate::render::csv::io_error(e));
            w.write_record(["file", "line", "severity", "reason"])
                .map_err(io)?;
            for p in &problems {
                let line = p.line.map(|l| l.to_string()).unwrap_or_default();
                let file = p.file.display().to_string();
                let reason = crate::i18n::Lang::En.reason(&p.reason);
                w.write_record([
                    crate::guard::safe_cell(&file).as_ref(),
                    &line,
                    severity_word(p.severity),
                    &crate::guard::safe_cell(&reason),
                ])
                .map_err(io)?;
            }
            w.flush().map_err(Error::Output)?;
        }
        ListFormat::Json => {
            #[derive(Serialize)]
            struct J {
                file: String,
                line: Option<u64>,
                severity: &'static str,
                reason: String,
                /// In a spreadsheet: the sheet and cell (`Sheet1!D12`).
                #[serde(skip_serializing_if = "Option::is_none")]
                cell: Option<String>,
            }
            let items: Vec<J> = problems
                .iter()
                .map(|p| J {
                    file: p.file.display().to_string(),
                    line: p.line,
                    severity: severity_word(p.severity),
                    reason: crate::i18n::Lang::En.reason(&p.reason),
                    cell: p.cell.as_ref().map(|c| c.shown(p.line)),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items).map_err(|e| Error::Output(e.into()))?;
            writeln!(out).map_err(Error::Output)?;
        }
    }
    Ok(if errors > 0 {
        Outcome::InvalidData
    } else {
        Outcome::Success
    })
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `file:line: error: reason`, in the user's language.
pub fn render_problem(lang: crate::i18n::Lang, p: &Problem) -> String {
    let place = p.place();
    format!(
        "{place}: {}: {}",
        lang.severity(p.severity),
        lang.reason(&p.reason)
    )
}
