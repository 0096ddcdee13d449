//! The one loader: a consistent view of the data directory for a command.
//!
//! A `Snapshot` holds the directory's lock for as long as it lives (shared
//! for reading, exclusive for a command that writes), so that no write is
//! seen half done; taking it rolls back an append a killed writer left
//! unfinished. It is the only place that chooses how a file is read: the
//! simple reader, the parallel fast path (`data::fast`) or the caches
//! (`data::cache`). Commands ask it for what they need and never learn
//! which path answered; every path gives the same answer.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{cache, fast, history, ingest, needs, roster, seen, visits, workers};
use crate::error::{Error, Problem, Usage};
use crate::model::history::{Chains, Change};
use crate::model::roster::Roster;
use crate::model::{VisitSeen, Visitor};
use crate::settings::FastPath;
use crate::store::{self, DirLock};

/// How the snapshot may read: the settings `ROUNDS_FAST` and
/// `ROUNDS_CACHE` as in force.
#[derive(Debug, Clone, Copy)]
pub struct Paths {
    pub fast_path: FastPath,
    pub cache: bool,
    /// The as-of date: the roster is looked at as of this day, and the
    /// roster history's changes after it are worth a warning.
    pub today: NaiveDate,
}

/// The data directory under its lock; see the module docs.
pub struct Snapshot {
    dir: PathBuf,
    /// The roster: residents.csv or a spreadsheet (`roster_sheet::locate`).
    roster: PathBuf,
    paths: Paths,
    lock: Option<DirLock>,
    /// Set when the roster was read with no problem at all (what the
    /// worker slices are cut from).
    clean: std::sync::OnceLock<()>,
    /// The roster with its history applied is to be kept beside the
    /// visit log's reading (`beside_keeping`), not when it is made.
    keep_later: std::sync::atomic::AtomicBool,
    /// Kept for later: the day of the history's latest change.
    applied_unkept: std::sync::Mutex<Option<i32>>,
}

/// A worker's slice of the roster (`cache::slices`) with the latest visit
/// of each of its households.
pub struct WorkerSlice {
    pub roster: Roster,
    pub last: Vec<Option<NaiveDate>>,
    /// Where each resident's line starts in the roster file.
    pub offsets: Vec<u64>,
}

/// Every visit of a span folded on all cores: the states the workers
/// filled, and the visitors that `Visitor::Number` stands for.
pub struct Folded<S> {
    pub states: Vec<S>,
    pub visitors: Vec<String>,
}

impl Snapshot {
    /// Takes the shared lock of `dir` for reading (`waiting` is called
    /// once if a writer holds it for more than a second). Without write
    /// access to the directory it reads unlocked, up to the committed
    /// length of each journaled file.
    pub fn read(dir: &Path, paths: Paths, waiting: impl FnOnce()) -> Result<Snapshot, Error> {
        let roster = super::roster_sheet::locate(dir)?;
        let lock = store::read_lock(dir, waiting)?;
        Ok(Snapshot {
            dir: dir.to_path_buf(),
            roster,
            paths,
            lock,
            clean: Default::default(),
            keep_later: Default::default(),
            applied_unkept: Default::default(),
        })
    }

    /// Takes the exclusive lock of `dir`, for a command that writes.
    pub fn write(dir: &Path, paths: Paths, waiting: impl FnOnce()) -> Result<Snapshot, Error> {
        let roster = super::roster_sheet::locate(dir)?;
        let lock = store::write_lock(dir, waiting)?;
        Ok(Snapshot {
            dir: dir.to_path_buf(),
            roster,
            paths,
            lock: Some(lock),
            clean: Default::default(),
            keep_later: Default::default(),
            applied_unkept: Default::default(),
        })
    }

    /// The exclusive lock of a snapshot taken with `write`, to append or
    /// replace under.
    pub fn write_lock(&self) -> &DirLock {
        self.lock
            .as_ref()
            .expect("a snapshot taken for writing holds the lock")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// The roster's path: residents.csv, or the spreadsheet kept instead.
    pub fn roster_path(&self) -> &Path {
        &self.roster
    }

    fn committed(&self, file: &str) -> Option<u64> {
        store::committed_len(&self.dir, file)
    }

    fn fast(&self) -> bool {
        self.paths.fast_path != FastPath::Off
    }

    /// The fast path declined a file: an error when it is required.
    fn declined(&self) -> Result<(), Error> {
        if self.paths.fast_path == FastPath::Must {
            return Err(Error::Usage(Usage::FastPathDeclined));
        }
        Ok(())
    }

    /// The roster with what `load` asks for. Problems (errors and
    /// warnings) are added to `problems`.
    pub fn roster(&self, load: roster::Load, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
        self.roster_on(load, problems, false)
    }

    /// `roster`, for a command that shows no warnings (`due`, `report`):
    /// the roster with its history applied may also come from the cache
    /// for a day before the history's latest change. The roster is the
    /// same for every day (each change holds from its date on); only the
    /// warning of changes after the as-of day, which `check` shows, is not
    /// worked out.
    pub fn roster_quiet(
        &self,
        load: roster::Load,
        problems: &mut Vec<Problem>,
    ) -> Result<Roster, Error> {
        self.roster_on(load, problems, true)
    }

    fn roster_on(
        &self,
        load: roster::Load,
        problems: &mut Vec<Problem>,
        any_day: bool,
    ) -> Result<Roster, Error> {
        if !load.personal
            && !load.names
            && let Some(roster) = self.applied_from_cache(any_day)
        {
            return Ok(roster);
        }
        self.with_history_beside(problems, |problems| self.roster_as_listed(load, problems))
    }

    /// The roster with its history applied, from the cache, when the
    /// cache may answer and residents.csv and history.csv are exactly as
    /// when it was written (it is written only when they had no problem
    /// at all: no error, no warning, no edit without a record).
    /// `any_day`: for any as-of day (`roster_quiet`), else for one not
    /// before the history's latest change.
    fn applied_from_cache(&self, any_day: bool) -> Option<Roster> {
        if !(self.paths.cache && self.fast()) {
            return None;
        }
        let today = (!any_day).then(|| crate::model::date::days(self.paths.today));
        let mut roster = cache::applied(&self.dir, &self.roster, &self.path(history::FILE), today)?;
        let _ = self.clean.set(());
        roster.set_day(self.paths.today);
        Some(roster)
    }

    /// The roster as residents.csv lists it, from the cache when it may
    /// answer; with what the cache is to keep of it (`cache::save_roster`).
    fn roster_as_listed(
        &self,
        load: roster::Load,
        problems: &mut Vec<Problem>,
    ) -> Result<(Roster, Option<cache::Unsaved>), Error> {
        let path = &self.roster;
        if self.paths.cache && self.fast() && !load.personal && !load.names {
            cache::roster(&self.dir, path, problems)
        } else {
            Ok((roster::read(path, load, problems)?, None))
        }
    }

    /// The roster read from residents.csv itself, never from the cache.
    pub fn roster_from_file(
        &self,
        load: roster::Load,
        problems: &mut Vec<Problem>,
    ) -> Result<Roster, Error> {
        self.with_history_beside(problems, |problems| {
            Ok((roster::read(&self.roster, load, problems)?, None))
        })
    }

    /// history.csv as it is (empty when missing); its problems are the
    /// roster's to report.
    pub fn history(
        &self,
        problems: &mut Vec<Problem>,
    ) -> Result<crate::model::history::History, Error> {
        history::read(&self.path(history::FILE), problems)
    }

    /// The roster history read, checked against the roster as listed and
    /// applied to it, with the roster's edits that history.csv does not
    /// record (`seen::unrecorded`, each a warning) applied as changes of
    /// their own; then the roster looked at as of the as-of date. A
    /// roster of a cached origin gets an origin of its own for each
    /// history, so that no cache answers for another history.
    fn with_history(&self, roster: Roster, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
        let mut found = Vec::new();
        let history = history::read(&self.path(history::FILE), &mut found)?;
        self.with_history_read((roster, None), history, found, problems)
    }

    /// The roster `read` gives, with history.csv read beside it on another
    /// core (reading a city's roster leaves the others part idle), then
    /// applied (`with_history`); with what the cache is to keep of it.
    fn with_history_beside(
        &self,
        problems: &mut Vec<Problem>,
        read: impl FnOnce(&mut Vec<Problem>) -> Result<(Roster, Option<cache::Unsaved>), Error>,
    ) -> Result<Roster, Error> {
        let path = self.path(history::FILE);
        let (roster, (history, found)) = std::thread::scope(|scope| {
            let history = scope.spawn(|| {
                let mut found = Vec::new();
                (history::read(&path, &mut found), found)
            });
            let roster = read(problems);
            (
                roster,
                history.join().expect("the history's reading thread"),
            )
        });
        let roster = roster?;
        self.with_history_read(roster, history?, found, problems)
    }

    /// `with_history`, history.csv read already (`found`: its problems).
    /// A roster the cache is to keep (`unsaved`) is written while the
    /// roster's unrecorded edits are found and the history is checked
    /// against it (all only read it): a city's roster is a few hundred
    /// megabytes to write, the check a pass over it.
    fn with_history_read(
        &self,
        (mut roster, unsaved): (Roster, Option<cache::Unsaved>),
        mut history: crate::model::history::History,
        found: Vec<Problem>,
        problems: &mut Vec<Problem>,
    ) -> Result<Roster, Error> {
        let path = self.path(history::FILE);
        let before = problems.len();
        problems.extend(found);
        let history_read = &mut history;
        let (checked, saved) = std::thread::scope(|s| {
            let saving = unsaved.as_ref().map(|unsaved| {
                let roster = &roster;
                s.spawn(move || cache::save_roster(&self.dir, roster, unsaved))
            });
            let checked = self.checked(history_read, &roster, &path, problems);
            let saved = saving.and_then(|t| t.join().expect("the roster cache's writing thread"));
            (checked, saved)
        });
        roster.origin = saved.or(roster.origin);
        if let Some((chains, residents)) = checked? {
            roster.apply_chains(&chains, &residents);
            if let Some(origin) = roster.origin {
                use std::hash::{BuildHasher, Hash, Hasher};
                let mut h = foldhash::fast::FixedState::with_seed(origin).build_hasher();
                for c in &history.changes {
                    (c.line, &c.date, &c.resident, c.field, &c.from, &c.to).hash(&mut h);
                }
                roster.origin = Some(h.finish() | 1);
            }
            // Kept for the next command, when it read the roster from the
            // cache and nothing at all was wrong (no edit without a record).
            let clean = problems.len() == before && history.changes.iter().all(|c| c.line != 0);
            let latest = history.changes.iter().map(|c| c.date).max();
            if clean && let Some(latest) = latest.map(crate::model::date::days) {
                let _ = self.clean.set(());
                if roster.origin.is_some() && self.may_cache() {
                    if self.keep_later.load(std::sync::atomic::Ordering::Relaxed) {
                        *self.applied_unkept.lock().expect("not poisoned") = Some(latest);
                    } else {
                        cache::keep_applied(&self.dir, &self.roster, &path, &roster, latest);
                    }
                }
            }
        } else if problems.len() == before {
            let _ = self.clean.set(());
        }
        roster.set_day(self.paths.today);
        Ok(roster)
    }

    /// The roster's edits history.csv does not record added to `history`
    /// (`add_unrecorded`); with any change at all, its chains and the
    /// residents they name, checked against the roster.
    fn checked<'h>(
        &self,
        history: &'h mut crate::model::history::History,
        roster: &Roster,
        path: &Path,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<(Chains<'h>, crate::model::asof::Found<'h>)>, Error> {
        self.add_unrecorded(history, problems)?;
        if history.is_empty() {
            return Ok(None);
        }
        history.sort_by_chains();
        let history: &'h crate::model::history::History = history;
        let chains = history.chains();
        let residents = roster.find_residents(chains.iter().map(|((id, _), _)| id));
        history::check(
            path,
            history,
            &chains,
            &residents,
            roster,
            self.paths.today,
            problems,
        );
        Ok(Some((chains, residents)))
    }

    /// Has the roster with its history applied, when the cache is to keep
    /// it, kept by `beside_keeping` instead of when it is made: a command
    /// that reads the visit log next calls this before the roster.
    pub fn keep_roster_later(&self) {
        self.keep_later
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// `work`, with the roster left to keep (`keep_roster_later`) written
    /// on a thread of its own meanwhile: a city's roster with its history
    /// is a couple of hundred megabytes to write, the visit log's reading
    /// a second of work it need not wait for.
    pub fn beside_keeping<T>(&self, roster: &Roster, work: impl FnOnce() -> T) -> T {
        let unkept = self.applied_unkept.lock().expect("not poisoned").take();
        std::thread::scope(|s| {
            if let Some(latest) = unkept {
                let history = self.path(history::FILE);
                s.spawn(move || {
                    cache::keep_applied(&self.dir, &self.roster, &history, roster, latest);
                });
            }
            work()
        })
    }

    /// Starts hashing the visit log for the cache, when it will need it,
    /// on a thread of its own (`cache::hash_visits_ahead`): called before
    /// the roster is read, by the commands that read the log after it.
    pub fn hash_visits_ahead(&self) {
        if self.may_cache() {
            let path = self.path(visits::FILE);
            cache::hash_visits_ahead(&self.dir, &path, self.committed(visits::FILE));
        }
    }

    /// Whether the cache may answer (`ROUNDS_CACHE`, `ROUNDS_FAST`).
    pub fn may_cache(&self) -> bool {
        self.paths.cache && self.fast()
    }

    /// Whether a roster may be read without personal data and given that
    /// of the rows a list shows afterwards (`personal_for`): not when the
    /// simple reader is asked for (`ROUNDS_FAST=0`).
    pub fn may_read_personal_later(&self) -> bool {
        self.fast()
    }

    /// The slice of the roster `worker` may be in charge of, with the
    /// latest visits of its households, when the cache answers for the
    /// files as they are (see `cache::slices`; for `due`, which shows no
    /// warnings, as `roster_quiet`).
    pub fn worker_slice(&self, worker: &str) -> Result<Option<WorkerSlice>, Error> {
        if !self.may_cache() {
            return Ok(None);
        }
        let history = self.path(history::FILE);
        let Some(slice) = cache::slice(&self.dir, &self.roster, &history, worker) else {
            return Ok(None);
        };
        let visits = self.path(visits::FILE);
        let limit = self.committed(visits::FILE);
        let found = cache::slice_latest(&self.dir, &visits, limit, &slice, self.paths.today)?;
        Ok(found.map(|last| {
            let mut roster = slice.roster;
            roster.set_day(self.paths.today);
            WorkerSlice {
                roster,
                last,
                offsets: slice.offsets,
            }
        }))
    }

    /// Keeps the workers' slices of `roster` (as this snapshot read it)
    /// for a later worker's list, when it came from the cache with no
    /// problem at all and the cache holds none for the files as they are.
    pub fn keep_slices(&self, roster: &Roster) {
        if self.clean.get().is_none()
            || !self.may_cache()
            || roster.origin.is_none()
            || !roster.personal.is_empty()
        {
            return;
        }
        let history = self.path(history::FILE);
        if !cache::slices_fresh(&self.dir, &self.roster, &history) {
            cache::keep_slices(&self.dir, &self.roster, &history, roster);
        }
    }

    /// Reads the names, phones and ID numbers of `residents` of a roster
    /// read without them, from their lines at `offsets` in the roster
    /// file; `Ok(false)`: they cannot be read so (read the roster whole).
    pub fn personal_at(
        &self,
        roster: &mut Roster,
        offsets: &[u64],
        residents: &[usize],
    ) -> Result<bool, Error> {
        roster.personal_at(&self.roster, offsets, residents)
    }

    /// `personal_at`, finding the residents' lines first: kept in the
    /// cache beside the workers' slices, else by reading the file.
    pub fn personal_for(&self, roster: &mut Roster, residents: &[usize]) -> Result<bool, Error> {
        let kept = (self.paths.cache && self.fast())
            .then(|| {
                cache::roster_lines(&self.dir, &self.roster, &self.path(history::FILE), roster)
            })
            .flatten();
        let found = match kept {
            Some(lines) => Some(lines),
            None => super::names::line_starts(&self.roster, roster, residents.iter().copied())
                .map_err(|e| Error::io(&self.roster, e))?,
        };
        match found {
            Some(offsets) => roster.personal_at(&self.roster, &offsets, residents),
            None => Ok(false),
        }
    }

    /// Adds to `history` the roster's unrecorded edits as changes (line
    /// 0: no row of history.csv), after `check` has seen the file's own.
    /// The roster is the truth of the as-of day: an edit counts from the
    /// day the roster was saved, or from the as-of day when that is
    /// earlier (a replay with `--today`), and never before the field's
    /// latest recorded change. The first reader of a directory stores
    /// what it sees of the roster (`seen::remember`), best effort: a
    /// directory it cannot write to is only read.
    fn add_unrecorded(
        &self,
        history: &mut crate::model::history::History,
        problems: &mut Vec<Problem>,
    ) -> Result<(), Error> {
        let roster_path = self.roster.clone();
        let edits = seen::unrecorded(&self.dir, &roster_path, history, problems)?;
        if !seen::has_baseline(&self.dir) {
            let _ = seen::remember(&self.dir, &roster_path);
        }
        if edits.is_empty() {
            return Ok(());
        }
        let today = self.paths.today;
        let saved = seen::saved_on(&roster_path).map_or(today, |d| d.min(today));
        let mut latest: std::collections::HashMap<(&str, _), NaiveDate> = Default::default();
        for c in &history.changes {
            let day = latest
                .entry((c.resident.as_str(), c.field))
                .or_insert(c.date);
            *day = (*day).max(c.date);
        }
        let implicit: Vec<Change> = edits
            .into_iter()
            .map(|e| Change {
                line: 0,
                date: latest
                    .get(&(e.resident.as_str(), e.field))
                    .map_or(saved, |&d| d.max(saved)),
                resident: e.resident.into(),
                field: e.field,
                from: e.from.into(),
                to: e.to.into(),
                reason: Default::default(),
                by: Default::default(),
            })
            .collect();
        history.changes.extend(implicit);
        Ok(())
    }

    /// The roster with the residents' names and nothing else personal.
    pub fn roster_with_names(&self, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
        let path = self.roster.clone();
        let load = roster::Load {
            personal: false,
            names: true,
        };
        if self.paths.cache && self.fast() {
            // The cache holds no names: they are read on their own, a
            // fraction of the whole roster's cost.
            if let Some(mut roster) = self.applied_from_cache(false)
                && roster.read_names(&path)?
            {
                return Ok(roster);
            }
            let before = problems.len();
            let (mut from_cache, unsaved) =
                self.roster_as_listed(roster::Load::default(), problems)?;
            // Kept before the names make it a roster no cache may hold.
            if let Some(unsaved) = unsaved {
                from_cache.origin =
                    cache::save_roster(&self.dir, &from_cache, &unsaved).or(from_cache.origin);
            }
            if from_cache.read_names(&path)? {
                return self.with_history(from_cache, problems);
            }
            problems.truncate(before);
        }
        self.with_history_beside(problems, |problems| {
            Ok((roster::read(&path, load, problems)?, None))
        })
    }

    /// The latest visit on or before `today` of each household of the
    /// roster. Visits to households missing from the roster are ignored
    /// (SPEC).
    pub fn last_visits(
        &self,
        roster: &Roster,
        today: NaiveDate,
        problems: &mut Vec<Problem>,
    ) -> Result<Vec<Option<NaiveDate>>, Error> {
        if self.fast() {
            let path = self.path(visits::FILE);
            let limit = self.committed(visits::FILE);
            let found = if self.paths.cache {
                cache::last_visits(&self.dir, &path, limit, roster, today)?
            } else {
                fast::last_visits(&path, limit, roster, today)?
            };
            if let Some(last) = found {
                return Ok(last);
            }
            self.declined()?;
        }
        let mut last: Vec<Option<NaiveDate>> = vec![None; roster.households_len()];
        self.each_visit(problems, |v| {
            if v.date > today {
                return;
            }
            if let Some(h) = roster.find(v.household) {
                let slot = &mut last[h];
                if slot.is_none_or(|d| d < v.date) {
                    *slot = Some(v.date);
                }
            }
        })?;
        Ok(last)
    }

    /// Every valid row of the visit log, in the file's order, with every
    /// column; invalid rows become problems. `Ok(false)`: there is no log.
    pub fn each_visit(
        &self,
        problems: &mut Vec<Problem>,
        f: impl FnMut(&visits::Visit<'_>),
    ) -> Result<bool, Error> {
        let limit = self.committed(visits::FILE);
        visits::scan(&self.path(visits::FILE), limit, problems, f)
    }

    /// Removes from `batch` the visits that visits.csv holds already (up
    /// to `format.limit`) and returns them, settling `format`'s encoding
    /// (see `ingest::Batch::drop_stored`).
    pub fn drop_stored(
        &self,
        batch: &mut ingest::Batch,
        format: &mut ingest::StoreFormat,
        roster: &Roster,
    ) -> Result<Vec<ingest::Candidate>, Error> {
        let fast = self.fast();
        let known = (fast && self.paths.cache)
            .then(|| cache::latest(&self.dir, &format.path, format.limit, roster))
            .flatten();
        batch.drop_stored(format, roster, fast, known)
    }

    /// Each household's latest visit in the whole visit log, from the
    /// cache alone and only when it covers the whole file; `None` (nothing
    /// is read to find out) otherwise.
    pub fn latest_cached(&self, roster: &Roster) -> Option<Vec<Option<NaiveDate>>> {
        if !(self.fast() && self.paths.cache) {
            return None;
        }
        let path = self.path(visits::FILE);
        let limit = self.committed(visits::FILE);
        let end = limit
            .unwrap_or(u64::MAX)
            .min(std::fs::metadata(&path).ok()?.len());
        let (covered, latest) = cache::latest(&self.dir, &path, limit, roster)?;
        (covered == end).then_some(latest)
    }

    /// Every visit to a household of the roster, folded into states made
    /// by `init` (on all cores where the fast path takes the file, else in
    /// one). The order of the visits is not the file's. Visits on days
    /// outside `wanted` (days from the common era) may be left out.
    pub fn fold_visits<S: Send>(
        &self,
        roster: &Roster,
        problems: &mut Vec<Problem>,
        wanted: std::ops::RangeInclusive<i32>,
        init: impl Fn() -> S + Sync,
        touch: impl Fn(&S, usize) + Sync,
        visit: impl Fn(&mut S, &VisitSeen<'_>) + Sync,
    ) -> Result<Folded<S>, Error> {
        let path = self.path(visits::FILE);
        let limit = self.committed(visits::FILE);
        if self.fast() {
            let found = if self.paths.cache {
                cache::rows(&self.dir, &path, limit, roster, wanted, &init, |s, v| {
                    visit(
                        s,
                        &VisitSeen {
                            household: v.household,
                            day: v.day,
                            visitor: Visitor::Number(v.visitor),
                            persons: v.persons,
                        },
                    )
                })?
                .map(|rows| Folded {
                    states: rows.states,
                    visitors: rows.visitors,
                })
            } else {
                fast::scan_touching(&path, limit, roster, &init, &touch, |s, v| {
                    if let Some(h) = v.household {
                        visit(
                            s,
                            &VisitSeen {
                                household: h,
                                day: crate::model::date::days(v.date),
                                visitor: Visitor::Name(v.visitor),
                                persons: v.persons,
                            },
                        )
                    }
                })?
                .map(|states| Folded {
                    states,
                    visitors: Vec::new(),
                })
            };
            if let Some(folded) = found {
                return Ok(folded);
            }
            self.declined()?;
        }
        let mut state = init();
        visits::scan(&path, limit, problems, |v| {
            if let Some(h) = roster.find(v.household) {
                visit(
                    &mut state,
                    &VisitSeen {
                        household: h,
                        day: crate::model::date::days(v.date),
                        visitor: Visitor::Name(v.visitor),
                        persons: v.persons,
                    },
                )
            }
        })?;
        Ok(Folded {
            states: vec![state],
            visitors: Vec::new(),
        })
    }

    /// The needs ledger, if the community keeps one; its problems are
    /// added to `problems`.
    pub fn needs(
        &self,
        categories: &[String],
        problems: &mut Vec<Problem>,
    ) -> Result<Option<needs::Ledger>, Error> {
        let ledger = needs::read(&self.dir, categories)?;
        Ok(ledger.map(|mut l| {
            problems.append(&mut l.problems);
            l
        }))
    }

    /// workers.csv (工作人员名册), if the community keeps one, read under
    /// the snapshot's lock; its problems are added to `problems`.
    pub fn workers(&self, problems: &mut Vec<Problem>) -> Result<Option<workers::Workers>, Error> {
        workers::read(&self.dir, problems)
    }
}
