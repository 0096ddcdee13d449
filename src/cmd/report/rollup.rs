//! `rounds report --data A --data B …`: a district's roll-up. Each
//! community is read and counted as its own `report` would (its own
//! rounds.toml, lock and cache), a few at a time, and the reports are
//! added up (`compute::report::roll_up`). A community whose data has errors
//! makes the roll-up refuse, naming every community's errors, unless
//! `--skip-invalid` leaves it out and says so.
//!
//! `--data DIR` where DIR holds no roster but sub-directories that each
//! hold one stands for those sub-directories, in name order.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Outcome, count, format_of, show, span_of};
use crate::cli::{Cli, ReportArgs};
use crate::cmd::context::context;
use crate::compute::report::{self, Community, Skipped};
use crate::error::{Error, Problem, Usage};
use crate::i18n::Lang;
use crate::settings::{Given, Settings};

/// Whether `dir` holds a roster.
fn holds_roster(dir: &Path) -> bool {
    crate::data::roster_sheet::FILES
        .iter()
        .any(|f| dir.join(f).is_file())
}

/// The sub-directories of `dir` that hold a roster, in name order, when
/// `dir` holds none itself.
fn district(dir: &Path) -> Option<Vec<PathBuf>> {
    if !dir.is_dir() || holds_roster(dir) {
        return None;
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && holds_roster(p))
        .collect();
    subs.sort();
    (!subs.is_empty()).then_some(subs)
}

/// The communities a report covers when it is a roll-up: several --data,
/// or one that names a district's directory. `None` for one community's
/// report.
pub fn communities(data: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let mut expanded = false;
    let mut dirs = Vec::new();
    for d in data {
        match district(d) {
            Some(subs) => {
                expanded = true;
                dirs.extend(subs);
            }
            None => dirs.push(d.clone()),
        }
    }
    (dirs.len() > 1 || expanded).then_some(dirs)
}

/// A community's name: rounds.toml's `name`, else its directory's.
pub(crate) fn name_of(configured: Option<&str>, dir: &Path) -> String {
    configured.map(str::to_string).unwrap_or_else(|| {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string())
    })
}

/// One community's report, or why there is none.
struct Counted {
    name: String,
    dir: PathBuf,
    report: Result<report::Report, Error>,
}

/// Reads and counts one community.
fn count_community(cli: &Cli, args: &ReportArgs, dir: &Path) -> Result<Counted, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let mut given = Given::from(cli);
    given.data = Some(dir.to_path_buf());
    let mut lang = Lang::En;
    let settings = Settings::resolve(given, &env, &mut lang)?;
    let ctx = context(settings)?;
    let name = name_of(ctx.config.name.as_deref(), dir);
    let report = match &ctx.config_problem {
        Some(p) => Err(Error::Invalid(vec![p.clone()])),
        None => span_of(&ctx, args).and_then(|span| count(&ctx, args, span, false)),
    };
    Ok(Counted {
        name,
        dir: dir.to_path_buf(),
        report,
    })
}

/// Counts the communities, a few at a time, in the order given.
fn count_all(cli: &Cli, args: &ReportArgs, dirs: &[PathBuf]) -> Result<Vec<Counted>, Error> {
    super::super::across::few_at_a_time(dirs, |d| count_community(cli, args, d))
        .into_iter()
        .collect()
}

/// Refuses a community's directory that is missing or named twice.
pub(crate) fn check_dirs(dirs: &[PathBuf]) -> Result<(), Error> {
    let mut seen = std::collections::BTreeSet::new();
    for d in dirs {
        if !d.is_dir() {
            return Err(Error::NoData {
                dir: d.clone(),
                file: None,
            });
        }
        let real = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        if !seen.insert(real) {
            return Err(Error::Usage(Usage::SameCommunityTwice(
                d.display().to_string(),
            )));
        }
    }
    Ok(())
}

/// The roll-up of the communities in `dirs`.
pub fn run_rollup(
    cli: &Cli,
    dirs: &[PathBuf],
    args: &ReportArgs,
    out: &mut dyn Write,
    lang: &mut Lang,
) -> Result<Outcome, Error> {
    check_dirs(dirs)?;
    // The output speaks as the first community's report would.
    let env = |k: &str| std::env::var(k).ok();
    let mut given = Given::from(cli);
    given.data = Some(dirs[0].clone());
    let ctx = context(Settings::resolve(given, &env, lang)?)?;
    let span = span_of(&ctx, args)?;
    let format = format_of(&ctx, args.output.as_deref())?;

    let counted = count_all(cli, args, dirs)?;
    let mut problems: Vec<Vec<Problem>> = Vec::new();
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for c in counted {
        match c.report {
            Ok(report) => kept.push(Community {
                name: c.name,
                directory: c.dir.display().to_string(),
                report,
            }),
            Err(Error::Invalid(found)) => {
                skipped.push(Skipped {
                    community: c.name,
                    directory: c.dir.display().to_string(),
                    errors: found.len() as u64,
                });
                problems.push(found);
            }
            Err(other) => return Err(other),
        }
    }
    if !skipped.is_empty() && (!args.skip_invalid || kept.is_empty()) {
        return Err(Error::Invalid(every_community(problems)));
    }
    let words = ctx.lang.rollup_words();
    for s in &skipped {
        eprintln!(
            "{}",
            (words.skipped)(&s.community, &s.directory, s.errors as usize)
        );
    }
    // Two directories of one name are told apart by their paths.
    let names: Vec<String> = kept.iter().map(|c| c.name.clone()).collect();
    for c in &mut kept {
        if names.iter().filter(|n| **n == c.name).count() > 1 {
            c.name = c.directory.clone();
        }
    }
    let mut report = report::roll_up(kept);
    // A special group is the district's word: refused when no community
    // has it.
    crate::compute::filter::check(crate::error::FilterField::Tag, &args.tag, || {
        report.by_tag.iter().map(|t| t.tag.as_str())
    })?;
    report.skipped = skipped;
    // Every community was counted for the same span.
    debug_assert_eq!(report.period.first, span.first);
    if !args.reveal {
        report.mask();
    }
    show(&ctx, args, &report, format, out)
}

/// The errors of the communities, each community's together; when there
/// are more than a failing command prints, taken in turns, so that every
/// community is named among the first.
pub(crate) fn every_community(mut found: Vec<Vec<Problem>>) -> Vec<Problem> {
    let total: usize = found.iter().map(Vec::len).sum();
    if total <= 20 {
        return found.into_iter().flatten().collect();
    }
    let mut out = Vec::with_capacity(total);
    found.iter_mut().for_each(|f| f.reverse());
    while out.len() < total {
        for f in &mut found {
            out.extend(f.pop());
        }
    }
    out
}
