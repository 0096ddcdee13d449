//! The last-visit cache: `.rounds-cache/last-visits` in the data
//! directory holds the latest visit date of every household id in
//! visits.csv, up to a byte offset of the file. visits.csv only grows (an
//! import appends), so a later command validates the cache against the
//! file (`super::stamp`) and reads only the rows appended since. It holds
//! household ids and dates only, no personal data.

use std::fs::{self, Metadata};
use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::DIR;
use super::file::{head, unframe, write_atomic};
use super::stamp::{Prefix, hash_on, racy, samples, stamp, still_matches};
use crate::data::{bin, fast};
use crate::error::Error;
use crate::model::roster::Roster;

const VISITS: &str = "last-visits";
const VISITS_MAGIC: &[u8] = b"rounds last-visits cache 2\n";
/// The caches that stand for the visit log: this one and the visit rows.
pub(super) const LOG_CACHES: [(&str, &[u8]); 2] = [
    (VISITS, VISITS_MAGIC),
    (super::rows::ROWS, super::rows::ROWS_MAGIC),
];
/// Past this many ids that the roster lacks, no cache is written.
const MAX_OTHERS: usize = 100_000;

/// The latest visit on or before `today` of each household of the roster,
/// through the cache when it matches the file. `Ok(None)`: the fast path
/// does not take the file; the caller reads it the simple way.
pub fn last_visits(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Vec<Option<NaiveDate>>>, Error> {
    let Some(seen) = read(dir, visits, limit, roster, today)? else {
        return Ok(None);
    };
    if seen.max.is_none_or(|m| m <= today) {
        return Ok(Some(seen.seen.latest));
    }
    if seen.whole {
        return Ok(Some(seen.seen.upto));
    }
    // Visits after the as-of date (a past day replayed): this cache knows
    // only the latest visits, but the visit rows cache holds every visit's
    // day, ten bytes each, and spares parsing the CSV (which it does, and
    // then keeps the rows, when it has none yet).
    past_last_visits(dir, visits, limit, roster, today)
}

/// The latest visit on or before `today` of each household, folded from
/// the visit rows (`super::rows`) on all cores.
fn past_last_visits(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Vec<Option<NaiveDate>>>, Error> {
    let n = roster.households_len();
    let until = today.num_days_from_ce();
    let found = super::rows::rows(
        dir,
        visits,
        limit,
        roster,
        i32::MIN..=until,
        || vec![i32::MIN; n],
        |last, v| {
            if v.day <= until && last[v.household] < v.day {
                last[v.household] = v.day;
            }
        },
    )?;
    Ok(found.map(|rows| {
        let mut it = rows.states.into_iter();
        let mut last = it.next().unwrap_or_else(|| vec![i32::MIN; n]);
        for other in it {
            for (a, b) in last.iter_mut().zip(other) {
                *a = (*a).max(b);
            }
        }
        last.into_iter()
            .map(|d| {
                (d != i32::MIN)
                    .then(|| crate::model::date::from_days_opt(d))
                    .flatten()
            })
            .collect()
    }))
}

/// Whether every visit is to a household of the roster and on or before
/// `today`, every row valid (what `check` asks of a clean log). `None`:
/// the fast path does not take the file.
pub fn clean(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<bool>, Error> {
    Ok(read(dir, visits, limit, roster, today)?
        .map(|s| s.others == 0 && s.max.is_none_or(|m| m <= today)))
}

/// From the cache alone, when it matches the file: the length of the
/// file it covers, and the latest visit of each household within it.
pub fn latest(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
) -> Option<(u64, Vec<Option<NaiveDate>>)> {
    let meta = fs::metadata(visits).ok()?;
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    load(dir, visits, &meta, end, roster).map(|c| (c.covered, c.seen.latest))
}

/// What visits.csv says, the cache and the rows after it together.
struct Found {
    seen: Seen,
    /// Whether every row was read now (so `seen.upto` is complete).
    whole: bool,
    max: Option<NaiveDate>,
    /// How many ids the roster lacks (at least).
    others: usize,
}

fn read(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    roster: &Roster,
    today: NaiveDate,
) -> Result<Option<Found>, Error> {
    let meta = fs::metadata(visits).ok();
    let end = limit
        .unwrap_or(u64::MAX)
        .min(meta.as_ref().map_or(u64::MAX, Metadata::len));
    let mut cached = meta
        .as_ref()
        .and_then(|meta| load(dir, visits, meta, end, roster));
    let from = cached.as_ref().map_or(0, |c| c.covered);
    // A new cache is written for what is read now; the hash of the bytes
    // it covers is taken before they are parsed, so that it never vouches
    // for bytes that changed after the hash (they differ from the hash).
    let writing = meta.as_ref().is_some_and(|m| !racy(m)) && (cached.is_none() || from < end);
    let whole_hash = if writing {
        hash_on(cached.as_mut().and_then(|c| c.prefix.take()), visits, end)
    } else {
        None
    };
    let n = roster.households_len();
    let Some(states) = fast::scan_from(
        visits,
        from,
        Some(end),
        roster,
        || Seen::new(n),
        |s: &mut Seen, v| s.add(v, today),
    )?
    else {
        return Ok(None);
    };
    let mut seen = states
        .into_iter()
        .reduce(Seen::merge)
        .unwrap_or_else(|| Seen::new(n));
    let whole = cached.is_none();
    if let Some(c) = cached {
        seen = seen.merge(c.seen);
    }
    if let Some(meta) = meta
        && let Some(whole_hash) = whole_hash
        && !seen.overflow
    {
        // A cache that cannot be written (a read-only folder) is no loss.
        let _ = store(dir, visits, &meta, end, whole_hash, &seen, roster);
    }
    Ok(Some(Found {
        whole,
        max: seen.max,
        others: if seen.overflow {
            usize::MAX
        } else {
            seen.others.len()
        },
        seen,
    }))
}

/// What a run of visits says of each household.
struct Seen {
    /// The latest visit of each roster household.
    latest: Vec<Option<NaiveDate>>,
    /// The latest on or before the as-of date (complete only when the
    /// whole file was read).
    upto: Vec<Option<NaiveDate>>,
    /// The latest visit of each id the roster lacks.
    others: hashbrown::HashMap<String, NaiveDate, foldhash::fast::FixedState>,
    overflow: bool,
    max: Option<NaiveDate>,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            latest: vec![None; n],
            upto: vec![None; n],
            others: Default::default(),
            overflow: false,
            max: None,
        }
    }

    fn add(&mut self, v: &fast::FastVisit<'_>, today: NaiveDate) {
        let day = Some(v.date);
        if day > self.max {
            self.max = day;
        }
        match v.household {
            Some(h) => {
                if day > self.latest[h] {
                    self.latest[h] = day;
                }
                if v.date <= today && day > self.upto[h] {
                    self.upto[h] = day;
                }
            }
            None => self.other(v.key, v.date),
        }
    }

    fn other(&mut self, key: &str, date: NaiveDate) {
        let full = self.others.len() >= MAX_OTHERS;
        match self.others.get_mut(key) {
            Some(d) => *d = (*d).max(date),
            None if !full => {
                self.others.insert(key.to_string(), date);
            }
            None => self.overflow = true,
        }
    }

    fn merge(mut self, other: Seen) -> Seen {
        for (a, b) in self.latest.iter_mut().zip(other.latest) {
            *a = (*a).max(b);
        }
        for (a, b) in self.upto.iter_mut().zip(other.upto) {
            *a = (*a).max(b);
        }
        for (k, d) in other.others {
            self.other(&k, d);
        }
        self.overflow |= other.overflow;
        self.max = self.max.max(other.max);
        self
    }
}

struct Cached {
    covered: u64,
    seen: Seen,
    /// The hash of the covered bytes, when they were hashed to trust the
    /// cache (a new cache hashes on from there).
    prefix: Option<Prefix>,
}

/// The cache file's content when it stands for the first bytes of the
/// file (up to `end`), with the hash of them when they had to be hashed.
fn matching<'a>(
    bytes: &'a [u8],
    visits: &Path,
    meta: &Metadata,
    end: u64,
) -> Option<(super::file::Framed<'a>, Option<super::stamp::Prefix>)> {
    let f = unframe(bytes, VISITS_MAGIC)?;
    let prefix = still_matches(
        visits,
        f.stamp,
        stamp(meta),
        meta.len(),
        end,
        f.covered,
        f.sampled,
        f.whole,
    )?;
    Some((f, prefix))
}

/// The visits cache, if there is one and it matches the file.
fn load(dir: &Path, visits: &Path, meta: &Metadata, end: u64, roster: &Roster) -> Option<Cached> {
    let bytes = super::file::bytes(&dir.join(DIR).join(VISITS))?;
    let (f, prefix) = matching(&bytes, visits, meta, end)?;
    let mut r = bin::Reader { bytes: f.body };
    let mut seen = Seen::new(roster.households_len());
    seen.max = r.date()?;
    // Written for a roster of the same origin, the dates are in its order.
    let origin = r.u64()?;
    let aligned = roster.origin == Some(origin) && origin != 0;
    let ordered = r.count(12)?;
    if aligned && ordered != roster.households_len() {
        return None;
    }
    for k in 0..ordered {
        let date = r.date()?;
        let id = r.text()?;
        if aligned {
            seen.latest[k] = date;
        } else if let Some(date) = date {
            match roster.find(id) {
                Some(h) => seen.latest[h] = Some(date),
                None => seen.other(id, date),
            }
        }
    }
    for _ in 0..r.count(12)? {
        let date = r.date()??;
        let id = r.text()?;
        match roster.find(id) {
            Some(h) => seen.latest[h] = Some(date),
            None => seen.other(id, date),
        }
    }
    (r.bytes.is_empty() && !seen.overflow).then_some(Cached {
        covered: f.covered,
        seen,
        prefix,
    })
}

/// Writes the visits cache for the first `covered` bytes of the file,
/// whose hash is `whole`.
fn store(
    dir: &Path,
    visits: &Path,
    meta: &Metadata,
    covered: u64,
    whole: u64,
    seen: &Seen,
    roster: &Roster,
) -> std::io::Result<()> {
    if racy(meta) {
        return Ok(());
    }
    let sampled = samples(visits, covered)?;
    let head = head(VISITS_MAGIC, stamp(meta), covered, sampled, whole);
    write_atomic(dir, VISITS, |out| {
        out.write_all(&head)?;
        let mut w = bin::Writer::default();
        w.date(seen.max);
        // Every household of the roster in its order (a later roster of
        // the same origin takes the dates as they are; any other looks up
        // the ids), then the ids the roster lacks.
        w.u64(roster.origin.unwrap_or(0));
        w.u64(roster.households_len() as u64);
        for h in roster.households() {
            w.date(seen.latest[h.index()]);
            w.text(h.id());
            w.spill(out)?;
        }
        w.u64(seen.others.len() as u64);
        for (id, d) in &seen.others {
            w.date(Some(*d));
            w.text(id);
            w.spill(out)?;
        }
        out.write_all(&w.bytes)
    })
}

/// The latest visit on or before `today` of each household of a worker's
/// slice (`super::slices`): the cached dates of the whole roster at the
/// slice's households, with the rows appended since folded in. `None`
/// when the cache does not stand for the file or was written for another
/// roster, or when a visit is after `today` (a past day replayed: the
/// whole roster's way answers it).
pub fn slice_latest(
    dir: &Path,
    visits: &Path,
    limit: Option<u64>,
    slice: &super::Slice,
    today: NaiveDate,
) -> Result<Option<Vec<Option<NaiveDate>>>, Error> {
    let Ok(meta) = fs::metadata(visits) else {
        return Ok(None);
    };
    let end = limit.unwrap_or(u64::MAX).min(meta.len());
    let Some((covered, mut max, mut latest)) = aligned(dir, visits, &meta, end, slice) else {
        return Ok(None);
    };
    if covered < end {
        let n = slice.roster.households_len();
        let fold = |s: &mut (Vec<Option<NaiveDate>>, Option<NaiveDate>),
                    v: &fast::FastVisit<'_>| {
            s.1 = s.1.max(Some(v.date));
            if let Some(h) = v.household {
                s.0[h] = s.0[h].max(Some(v.date));
            }
        };
        let Some(states) = fast::scan_from(
            visits,
            covered,
            Some(end),
            &slice.roster,
            || (vec![None; n], None),
            fold,
        )?
        else {
            return Ok(None);
        };
        for (dates, m) in states {
            max = max.max(m);
            for (a, b) in latest.iter_mut().zip(dates) {
                *a = (*a).max(b);
            }
        }
    }
    Ok(max.is_none_or(|m| m <= today).then_some(latest))
}

/// From the last-visit cache, when it stands for the file's first bytes
/// and was written for the slice's whole roster: the length it covers,
/// the latest visit in it, and the latest visit of each of the slice's
/// households.
fn aligned(
    dir: &Path,
    visits: &Path,
    meta: &Metadata,
    end: u64,
    slice: &super::Slice,
) -> Option<(u64, Option<NaiveDate>, Vec<Option<NaiveDate>>)> {
    let bytes = super::file::bytes(&dir.join(DIR).join(VISITS))?;
    let (f, _) = matching(&bytes, visits, meta, end)?;
    let mut r = bin::Reader { bytes: f.body };
    let max = r.date()?;
    (r.u64()? == slice.origin && slice.origin != 0).then_some(())?;
    (r.count(12)? == slice.whole).then_some(())?;
    let mut wanted = slice.households.iter().peekable();
    let mut latest = Vec::with_capacity(slice.households.len());
    for k in 0..slice.whole as u32 {
        let date = r.date()?;
        let n = usize::try_from(r.u64()?).ok()?;
        r.take(n)?;
        if wanted.peek() == Some(&&k) {
            latest.push(date);
            wanted.next();
        }
    }
    (latest.len() == slice.households.len()).then_some((f.covered, max, latest))
}
