//! `due` and `needs` across communities (`--data A --data B …`, or a
//! district's directory): each community is read as a single run would
//! read it (its own rounds.toml, lock and cache), and the lists are put
//! together, each row naming its community. A community whose data has
//! errors makes the command refuse, naming every community's errors,
//! unless `--skip-invalid` leaves it out and says so on stderr, as the
//! roll-up of `report` does.

use std::path::{Path, PathBuf};

use super::Ctx;
use super::context::context;
use super::report::{check_dirs, every_community, name_of};
use crate::cli::Cli;
use crate::error::{Error, Problem};
use crate::i18n::Lang;
use crate::settings::{Given, Settings};

/// What was read of one community, with its name (rounds.toml's `name`,
/// else its directory's; the directory itself when two share a name).
pub struct Community<T> {
    pub name: String,
    pub dir: PathBuf,
    pub ctx: Ctx,
    pub value: T,
}

/// The context of the first community: the output speaks as its command
/// would.
pub fn first(cli: &Cli, dirs: &[PathBuf], lang: &mut Lang) -> Result<Ctx, Error> {
    check_dirs(dirs)?;
    let env = |k: &str| std::env::var(k).ok();
    let mut given = Given::from(cli);
    given.data = Some(dirs[0].clone());
    context(Settings::resolve(given, &env, lang)?)
}

fn ctx_of(cli: &Cli, dir: &Path) -> Result<Ctx, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let mut given = Given::from(cli);
    given.data = Some(dir.to_path_buf());
    let mut lang = Lang::En;
    context(Settings::resolve(given, &env, &mut lang)?)
}

/// `f` of each directory, a few directories at a time (each community's
/// work already runs on two cores), the results in the order given.
pub fn few_at_a_time<R: Send>(dirs: &[PathBuf], f: impl Fn(&PathBuf) -> R + Sync) -> Vec<R> {
    let lanes = std::thread::available_parallelism()
        .map_or(1, |n| n.get().div_ceil(2))
        .clamp(1, dirs.len().max(1));
    let f = &f;
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..lanes)
            .map(|lane| {
                scope.spawn(move || {
                    (dirs.iter().enumerate())
                        .skip(lane)
                        .step_by(lanes)
                        .map(|(i, d)| (i, f(d)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        (handles.into_iter())
            .flat_map(|h| h.join().expect("a thread panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// One community as read: its context, its name, and what `read` made of it.
type Read<T> = (Ctx, String, Result<T, Error>);

/// Reads every community in `dirs` with `read`, a few at a time (as the
/// roll-up of `report` counts them), and keeps them in the order given. A
/// community whose data has errors (`Error::Invalid`) is left out with
/// `skip_invalid` (and named on stderr in `lang`); otherwise, or when
/// none is left, every community's errors are the answer.
pub fn read_all<T: Send>(
    cli: &Cli,
    dirs: &[PathBuf],
    lang: Lang,
    skip_invalid: bool,
    read: impl Fn(&Ctx) -> Result<T, Error> + Sync,
) -> Result<Vec<Community<T>>, Error> {
    let one = |dir: &PathBuf| -> Result<Read<T>, Error> {
        let ctx = ctx_of(cli, dir)?;
        let name = name_of(ctx.config.name.as_deref(), dir);
        let value = match &ctx.config_problem {
            Some(p) => Err(Error::Invalid(vec![p.clone()])),
            None => read(&ctx),
        };
        Ok((ctx, name, value))
    };
    let read = few_at_a_time(dirs, one);
    let mut kept = Vec::new();
    let mut problems: Vec<Vec<Problem>> = Vec::new();
    let mut skipped = Vec::new();
    for (found, dir) in read.into_iter().zip(dirs) {
        let (ctx, name, value) = found?;
        match value {
            Ok(value) => kept.push(Community {
                name,
                dir: dir.clone(),
                ctx,
                value,
            }),
            Err(Error::Invalid(found)) => {
                skipped.push((name, dir.display().to_string(), found.len()));
                problems.push(found);
            }
            Err(other) => return Err(other),
        }
    }
    if !skipped.is_empty() && (!skip_invalid || kept.is_empty()) {
        return Err(Error::Invalid(every_community(problems)));
    }
    let words = lang.rollup_words();
    for (name, dir, errors) in &skipped {
        eprintln!("{}", (words.skipped)(name, dir, *errors));
    }
    // Two directories of one name are told apart by their paths.
    let names: Vec<String> = kept.iter().map(|c| c.name.clone()).collect();
    for c in &mut kept {
        if names.iter().filter(|n| **n == c.name).count() > 1 {
            c.name = c.dir.display().to_string();
        }
    }
    Ok(kept)
}
