//! The roster cache: `.rounds-cache/roster` holds the roster of
//! residents.csv as bytes, for as long as the file is exactly as it was.
//! Only a roster without personal data is written: a cache never holds
//! names, phones or ID numbers.

use std::fs::{self, Metadata};
use std::hash::Hasher;
use std::io::Write;
use std::path::Path;

use super::DIR;
use super::file::{head, unframe, write_atomic};
use super::stamp::{Stamp, hasher, racy, samples, stamp};
use crate::data::bin;
use crate::data::roster::Load;
use crate::error::{Error, Problem};
use crate::model::asof::{Map, Place};
use crate::model::index::prefetch;
use crate::model::roster::{HouseholdRow, ResidentRow, Roster, Span};
use crate::model::tags::Tags;
use crate::model::{Level, Membership};

const ROSTER: &str = "roster";
const ROSTER_MAGIC: &[u8] = b"rounds roster cache 5\n";
const APPLIED: &str = "roster-history";
const APPLIED_MAGIC: &[u8] = b"rounds roster-history cache 3\n";

/// A roster read from residents.csv that the cache is to keep (`save`):
/// the state of the file it was read from.
pub struct Unsaved {
    stamp: Stamp,
    len: u64,
    sampled: u64,
}

/// The roster of residents.csv for a command that shows no personal data:
/// from the cache when the file is exactly as the cache saw it (same
/// stamp and length, same sampled bytes), else read; read, and with no
/// problem at all, with what the cache is to keep (`save`), for the
/// caller to write when it likes (beside work that only reads it). The
/// roster is read whole or not at all, so a roster whose stamp changed is
/// always read again.
pub fn roster(
    dir: &Path,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Result<(Roster, Option<Unsaved>), Error> {
    let meta = fs::metadata(path).ok();
    if let Some(meta) = &meta
        && let Some(roster) = load_roster(dir, path, meta)
    {
        return Ok((roster, None));
    }
    let mut found = Vec::new();
    let roster = crate::data::roster::read(path, Load::default(), &mut found)?;
    let unsaved = if found.is_empty()
        && let Some(meta) = meta
        && !racy(&meta)
        && roster.cacheable()
        && let Ok(sampled) = samples(path, meta.len())
    {
        Some(Unsaved {
            stamp: stamp(&meta),
            len: meta.len(),
            sampled,
        })
    } else {
        None
    };
    problems.extend(found);
    Ok((roster, unsaved))
}

/// Keeps `roster` in the cache; its origin (for `Roster::origin`) once
/// written.
pub fn save(dir: &Path, roster: &Roster, unsaved: &Unsaved) -> Option<u64> {
    let Unsaved {
        stamp,
        len,
        sampled,
    } = *unsaved;
    let head = head(ROSTER_MAGIC, stamp, len, sampled, 0);
    let written = write_atomic(dir, ROSTER, |out| {
        out.write_all(&head)?;
        roster.write_cache(out)
    });
    written.ok().map(|_| origin(stamp, len, sampled))
}

fn load_roster(dir: &Path, path: &Path, meta: &Metadata) -> Option<Roster> {
    let bytes = super::file::bytes(&dir.join(DIR).join(ROSTER))?;
    let f = unframe(&bytes, ROSTER_MAGIC)?;
    (f.stamp == stamp(meta) && f.covered == meta.len()).then_some(())?;
    (samples(path, f.covered).ok()? == f.sampled).then_some(())?;
    let mut roster = Roster::from_bytes(f.body)?;
    roster.origin = Some(origin(f.stamp, f.covered, f.sampled));
    Some(roster)
}

/// The roster with its history applied (`Snapshot`), from the cache when
/// residents.csv and history.csv are both exactly as the cache saw them;
/// `None` otherwise, or when the as-of day `today` (days of the common
/// era), if given, is before the history's latest change (which `check`
/// warns of).
/// Its origin is the one worked out when it was written.
pub fn applied(
    dir: &Path,
    roster_path: &Path,
    history_path: &Path,
    today: Option<i32>,
) -> Option<Roster> {
    let meta = fs::metadata(roster_path).ok()?;
    let history = fs::metadata(history_path).ok()?;
    let bytes = super::file::bytes(&dir.join(DIR).join(APPLIED))?;
    let f = unframe(&bytes, APPLIED_MAGIC)?;
    (f.stamp == stamp(&meta) && f.covered == meta.len()).then_some(())?;
    (samples(roster_path, f.covered).ok()? == f.sampled).then_some(())?;
    let mut r = bin::Reader { bytes: f.body };
    let h = history_state(history_path, &history)?;
    for v in h {
        (r.u64()? == v).then_some(())?;
    }
    let latest = r.u32()? as i32;
    (today.is_none_or(|today| latest <= today)).then_some(())?;
    let origin = r.u64()?;
    let mut roster = load_roster(dir, roster_path, &meta)?.patched(r.bytes)?;
    roster.origin = Some(origin);
    Some(roster)
}

/// Keeps the roster with its history applied (whose latest change is on
/// day `latest`), for `applied`: only when
/// neither file changed in the last moments (a later change could carry
/// the same time stamp) and the roster holds no personal data.
pub fn keep_applied(
    dir: &Path,
    roster_path: &Path,
    history_path: &Path,
    roster: &Roster,
    latest: i32,
) {
    let (Ok(meta), Ok(history)) = (fs::metadata(roster_path), fs::metadata(history_path)) else {
        return;
    };
    if racy(&meta) || racy(&history) || !roster.cacheable() {
        return;
    }
    let (Ok(sampled), Some(h), Some(origin)) = (
        samples(roster_path, meta.len()),
        history_state(history_path, &history),
        roster.origin,
    ) else {
        return;
    };
    let head = head(APPLIED_MAGIC, stamp(&meta), meta.len(), sampled, 0);
    let _ = write_atomic(dir, APPLIED, |out| {
        out.write_all(&head)?;
        let mut w = bin::Writer::default();
        for v in h {
            w.u64(v);
        }
        w.u32(latest as u32);
        w.u64(origin);
        out.write_all(&w.bytes)?;
        roster.write_applied(out)
    });
}

/// The state of history.csv: its stamp, its length and its sampled bytes.
pub(super) fn history_state(path: &Path, meta: &Metadata) -> Option<[u64; 6]> {
    let s = stamp(meta);
    let sampled = samples(path, meta.len()).ok()?;
    Some([
        s.dev,
        s.ino,
        s.mtime as u64,
        s.ctime as u64,
        meta.len(),
        sampled,
    ])
}

/// A span of `text` when it is one (in bounds, on character boundaries).
fn span_in(text: &str, start: u32, end: u32) -> Option<Span> {
    (start <= end
        && (end as usize) <= text.len()
        && text.is_char_boundary(start as usize)
        && text.is_char_boundary(end as usize))
    .then_some(Span { start, end })
}

/// The tags `write_tags` wrote, each membership's set among them.
fn read_tags(r: &mut bin::Reader<'_>, members: &[Membership]) -> Option<Tags> {
    let mut tags = Tags::default();
    for _ in 0..r.count(8)? {
        tags.words.push(r.text()?.to_string());
    }
    let words = tags.words.len() as u32;
    for _ in 0..r.count(8)? {
        let k = r.count(4)?;
        let mut set = Vec::with_capacity(k);
        for _ in 0..k {
            let w = r.u32()?;
            (w < words).then_some(())?;
            set.push(w);
        }
        tags.sets.push(set.into_boxed_slice());
    }
    let sets = tags.sets.len() as u32;
    for _ in 0..r.count(12)? {
        let (resident, from, set) = (r.u32()?, r.u32()? as i32, r.u32()?);
        (set < sets).then_some(())?;
        tags.spill.insert((resident, from), set);
    }
    let spilled = crate::model::tags::SPILLED;
    (members.iter())
        .all(|m| m.tags == spilled || u32::from(m.tags) < sets.max(1))
        .then_some(tags)
}

/// A household's row as the cache writes it (`household_row` reads it).
fn household_words(h: &HouseholdRow) -> [u32; 10] {
    [
        h.id.start,
        h.id.end,
        h.grid,
        h.building,
        h.unit,
        h.room.start,
        h.room.end,
        h.visitor,
        h.first,
        h.count,
    ]
}

/// A household's row from its 40 bytes, its spans in `text` and its
/// names among the first `names`.
fn household_row(bytes: &[u8], text: &str, names: u32) -> Option<HouseholdRow> {
    let v: [u32; 10] = std::array::from_fn(|k| u32_at(bytes, 4 * k));
    let row = HouseholdRow {
        id: span_in(text, v[0], v[1])?,
        grid: v[2],
        building: v[3],
        unit: v[4],
        room: span_in(text, v[5], v[6])?,
        visitor: v[7],
        first: v[8],
        count: v[9],
    };
    [row.grid, row.building, row.unit, row.visitor]
        .iter()
        .all(|&x| x < names)
        .then_some(row)
}

/// Writes a member in 20 bytes (`member` reads it).
fn write_member(w: &mut bin::Writer, m: &Membership, resident: u32) {
    // The level, and the tag set above it.
    w.u32(m.level.index() as u32 | u32::from(m.tags) << 16);
    w.date(m.since);
    w.date(m.until);
    w.u32(m.visitor);
    w.u32(resident);
}

/// The mark of a roster with a history (its members' spans of days are
/// written for the members that do not stand for all time; 1 was a span
/// for each member, in worker slices written before them).
const SPARSE_SPANS: u32 = 2;

/// A member and its resident from its 20 bytes and, with a roster
/// history, the 8 of its span of days; its worker among the first
/// `names`. (Its tag set and resident are checked by the caller.)
fn member(row: &[u8], span: Option<&[u8]>, names: u32) -> Option<(Membership, u32)> {
    let date = |d: u32| -> Option<Option<chrono::NaiveDate>> {
        let d = d as i32;
        if d == i32::MIN {
            return Some(None);
        }
        crate::model::date::from_days_opt(d).map(Some)
    };
    let packed = u32_at(row, 0);
    let level = *Level::ALL.get((packed & 0xffff) as usize)?;
    let (since, until) = (date(u32_at(row, 4))?, date(u32_at(row, 8))?);
    let visitor = u32_at(row, 12);
    (visitor < names).then_some(())?;
    let mut m = Membership {
        visitor,
        tags: (packed >> 16) as u16,
        ..Membership::new(level, since, until)
    };
    if let Some(span) = span {
        (m.from, m.to) = (u32_at(span, 0) as i32, u32_at(span, 4) as i32);
    }
    Some((m, u32_at(row, 16)))
}

/// The little-endian `u32` at byte `i` of `b`.
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// Names the state of residents.csv a roster was read from.
fn origin(stamp: Stamp, len: u64, sampled: u64) -> u64 {
    let mut h = hasher();
    for v in [
        stamp.dev,
        stamp.ino,
        stamp.mtime as u64,
        stamp.ctime as u64,
        len,
        sampled,
    ] {
        h.write_u64(v);
    }
    h.finish()
}

/// What a roster history adds to a cached roster (after the members'
/// spans of days): the addresses of the households it touched and the
/// residents' moves; `rest`, the bytes after them.
#[derive(Default)]
struct History<'a> {
    places: Vec<Vec<Place>>,
    place_at: Vec<u32>,
    moves: Map<u32, Vec<(i32, u32)>>,
    rest: &'a [u8],
}

impl<'a> History<'a> {
    /// Reads them from `bytes`, checked against the roster's text (still
    /// to be checked as UTF-8 by the caller), its count of names and of
    /// households.
    fn from_bytes(bytes: &'a [u8], text: &[u8], names: u32, households: u32) -> Option<Self> {
        // `span_in` on the text's bytes: a boundary is not inside a
        // character's bytes (the text as a whole is checked elsewhere).
        let boundary = |at: u32| text.get(at as usize).is_none_or(|&b| (b as i8) >= -0x40);
        let span = |start: u32, end: u32| {
            (start <= end && (end as usize) <= text.len() && boundary(start) && boundary(end))
                .then_some(Span { start, end })
        };
        let mut r = bin::Reader { bytes };
        let mut history = History::default();
        // The places in one list first, their rooms' spans checked against
        // the text next (a few places ahead loaded meanwhile: the rooms
        // lie all over a city's text), each household's list last.
        let (mut flat, mut lists) = (Vec::new(), Vec::new());
        for _ in 0..r.count(8)? {
            let k = r.count(24)?;
            for _ in 0..k {
                let from = r.u32()? as i32;
                let (grid, building, unit) = (r.u32()?, r.u32()?, r.u32()?);
                ([grid, building, unit].iter().all(|&x| x < names)).then_some(())?;
                let (start, end) = (r.u32()?, r.u32()?);
                flat.push(Place {
                    from,
                    grid,
                    building,
                    unit,
                    room: Span { start, end },
                });
            }
            lists.push(k);
        }
        for (k, p) in flat.iter().enumerate() {
            if let Some(ahead) = flat.get(k + 16)
                && let Some(b) = text.get(ahead.room.start as usize)
            {
                prefetch(b);
            }
            span(p.room.start, p.room.end)?;
        }
        let mut flat = flat.into_iter();
        for k in lists {
            history.places.push(flat.by_ref().take(k).collect());
        }
        let places = history.places.len();
        for _ in 0..r.count(4)? {
            let at = r.u32()?;
            (at == u32::MAX || (at as usize) < places).then_some(())?;
            history.place_at.push(at);
        }
        for _ in 0..r.count(12)? {
            let resident = r.u32()?;
            let k = r.count(8)?;
            let mut list = Vec::with_capacity(k);
            for _ in 0..k {
                let from = r.u32()? as i32;
                let h = r.u32()?;
                (h < households).then_some(())?;
                list.push((from, h));
            }
            history.moves.insert(resident, list);
        }
        history.rest = r.bytes;
        Some(history)
    }
}

impl Roster {
    /// Whether the roster may be cached: it holds no personal data.
    pub fn cacheable(&self) -> bool {
        self.personal.is_empty()
    }

    /// Writes the roster for `from_bytes` (only when `cacheable`).
    pub fn write_cache(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        assert!(self.cacheable(), "a cache never holds personal data");
        let mut w = bin::Writer::default();
        out.write_all(&(self.text.len() as u64).to_le_bytes())?;
        out.write_all(self.text.as_bytes())?;
        w.u64(self.names.len() as u64);
        for n in &self.names {
            w.text(n);
        }
        w.u64(self.households.len() as u64);
        for h in &self.households {
            for v in household_words(h) {
                w.u32(v);
            }
        }
        w.u64(self.residents.len() as u64);
        for r in &self.residents {
            w.u32(r.id.start);
            w.u32(r.id.end);
            w.u32(r.household);
            w.u64(r.line);
            w.spill(out)?;
        }
        w.u64(self.members.len() as u64);
        for (m, r) in self.members.iter().zip(&self.member_residents) {
            write_member(&mut w, m, *r);
            w.spill(out)?;
        }
        // What a roster history adds: the members' spans of days, the
        // addresses of the households it touched, the residents' moves.
        // A history touches a few of a city's residents: only the spans
        // of members that do not stand for all time are written, each
        // with its member's place (`SPARSE_SPANS`).
        let history = self.has_history();
        w.u32(if history { SPARSE_SPANS } else { 0 });
        if history {
            let bounded = |m: &&Membership| m.from != i32::MIN || m.to != i32::MAX;
            w.u64(self.members.iter().filter(bounded).count() as u64);
            for (i, m) in self.members.iter().enumerate() {
                if bounded(&m) {
                    w.u32(i as u32);
                    w.u32(m.from as u32);
                    w.u32(m.to as u32);
                    w.spill(out)?;
                }
            }
            self.write_places(&mut w, out)?;
        }
        self.write_tags(&mut w, out)?;
        out.write_all(&w.bytes)
    }

    /// Writes the addresses of the households a history touched and the
    /// residents' moves (read by `History::from_bytes`).
    fn write_places(
        &self,
        w: &mut bin::Writer,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        w.u64(self.places.len() as u64);
        for list in &self.places {
            w.u64(list.len() as u64);
            for p in list {
                for v in [
                    p.from as u32,
                    p.grid,
                    p.building,
                    p.unit,
                    p.room.start,
                    p.room.end,
                ] {
                    w.u32(v);
                }
            }
            w.spill(out)?;
        }
        w.u64(self.place_at.len() as u64);
        for &at in &self.place_at {
            w.u32(at);
        }
        w.u64(self.moves.len() as u64);
        for (r, list) in &self.moves {
            w.u32(*r);
            w.u64(list.len() as u64);
            for &(from, h) in list {
                w.u32(from as u32);
                w.u32(h);
            }
            w.spill(out)?;
        }
        Ok(())
    }

    /// Writes the tag words, their sets and the sets no membership could
    /// hold (read by `read_tags`).
    fn write_tags(
        &self,
        w: &mut bin::Writer,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        let tags = &self.tags;
        w.u64(tags.words.len() as u64);
        for word in &tags.words {
            w.text(word);
        }
        w.u64(tags.sets.len() as u64);
        for set in &tags.sets {
            w.u64(set.len() as u64);
            for &word in set.iter() {
                w.u32(word);
            }
            w.spill(out)?;
        }
        w.u64(tags.spill.len() as u64);
        for (&(r, from), &set) in &tags.spill {
            w.u32(r);
            w.u32(from as u32);
            w.u32(set);
        }
        Ok(())
    }

    /// Writes what applying its history changed of the roster as listed
    /// (`Listed`), for `patched`: the text, names, household rows and
    /// members it added, the rows it rebuilt, the households' addresses,
    /// the moves and the tags. A city's history touches a fraction of its
    /// roster, and the roster as listed is in the cache already.
    pub fn write_applied(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        assert!(self.cacheable(), "a cache never holds personal data");
        let listed = self
            .listed
            .as_deref()
            .filter(|l| l.origin.is_some())
            .ok_or_else(|| std::io::Error::other("no roster as listed to apply to"))?;
        let mut w = bin::Writer::default();
        w.u64(listed.origin.unwrap_or_default());
        for n in [
            listed.text,
            listed.names,
            listed.households,
            listed.members,
            self.residents.len(),
        ] {
            w.u64(n as u64);
        }
        w.u64((self.text.len() - listed.text) as u64);
        out.write_all(&w.bytes)?;
        w.bytes.clear();
        out.write_all(&self.text.as_bytes()[listed.text..])?;
        w.u64((self.names.len() - listed.names) as u64);
        for n in &self.names[listed.names..] {
            w.text(n);
        }
        let rebuilt: Vec<u32> = (listed.rebuilt.iter().copied())
            .filter(|&h| (h as usize) < listed.households)
            .collect();
        w.u64(rebuilt.len() as u64);
        for h in rebuilt {
            w.u32(h);
            for v in household_words(&self.households[h as usize]) {
                w.u32(v);
            }
            w.spill(out)?;
        }
        w.u64((self.households.len() - listed.households) as u64);
        for h in &self.households[listed.households..] {
            for v in household_words(h) {
                w.u32(v);
            }
            w.spill(out)?;
        }
        let added = listed.members..self.members.len();
        w.u64(added.len() as u64);
        for i in added.clone() {
            write_member(&mut w, &self.members[i], self.member_residents[i]);
            w.spill(out)?;
        }
        for m in &self.members[added] {
            w.u32(m.from as u32);
            w.u32(m.to as u32);
            w.spill(out)?;
        }
        self.write_places(&mut w, out)?;
        self.write_tags(&mut w, out)?;
        out.write_all(&w.bytes)
    }

    /// The roster as listed (read from the cache) with what
    /// `write_applied` wrote of its history applied; `None` for bytes
    /// that are not that, or not for this roster.
    pub fn patched(mut self, bytes: &[u8]) -> Option<Roster> {
        let mut r = bin::Reader { bytes };
        (self.origin == Some(r.u64()?)).then_some(())?;
        for n in [
            self.text.len(),
            self.names.len(),
            self.households.len(),
            self.members.len(),
            self.residents.len(),
        ] {
            (r.u64()? == n as u64).then_some(())?;
        }
        let n = usize::try_from(r.u64()?).ok()?;
        self.text.push_str(std::str::from_utf8(r.take(n)?).ok()?);
        for _ in 0..r.count(8)? {
            let n = r.text()?.to_string();
            self.name_ids.insert(n.clone(), self.names.len() as u32);
            self.names.push(n);
        }
        let names = self.names.len() as u32;
        let listed = self.households.len();
        let mut rows = Vec::new();
        let n = r.count(44)?;
        let rebuilt = r.take(n * 44)?;
        for (k, bytes) in rebuilt.chunks_exact(44).enumerate() {
            // The rows lie all over a city's roster, and their spans all
            // over its text: those of a row a few on are loaded meanwhile.
            if let Some(ahead) = rebuilt.get((k + 8) * 44..(k + 9) * 44) {
                let text = self.text.as_bytes();
                for at in [u32_at(ahead, 4), u32_at(ahead, 24)] {
                    if let Some(b) = text.get(at as usize) {
                        prefetch(b);
                    }
                }
                if let Some(row) = self.households.get(u32_at(ahead, 0) as usize) {
                    prefetch(row);
                }
            }
            let h = u32_at(bytes, 0) as usize;
            (h < listed).then_some(())?;
            self.households[h] = household_row(&bytes[4..], &self.text, names)?;
            rows.push(h);
        }
        for _ in 0..r.count(40)? {
            rows.push(self.households.len());
            self.households
                .push(household_row(r.take(40)?, &self.text, names)?);
        }
        let n = r.count(28)?;
        let (member_bytes, span_bytes) = (r.take(n * 20)?, r.take(n * 8)?);
        let (listed_members, residents) = (self.members.len(), self.residents.len());
        self.members.reserve(n);
        self.member_residents.reserve(n);
        let (members, member_residents) = (&mut self.members, &mut self.member_residents);
        let mut added = move || {
            let rows = member_bytes.chunks_exact(20);
            for (row, span) in rows.zip(span_bytes.chunks_exact(8)) {
                let (m, resident) = member(row, Some(span), names)?;
                ((resident as usize) < residents).then_some(())?;
                members.push(m);
                member_residents.push(resident);
            }
            Some(())
        };
        // The members added and the addresses read side by side, for a
        // city's history.
        let households = self.households.len() as u32;
        let text = self.text.as_bytes();
        let places = || History::from_bytes(r.bytes, text, names, households);
        let (added, history) = if crate::cores::lanes(n) > 1 {
            std::thread::scope(|s| {
                let added = s.spawn(added);
                let history = places();
                (added.join().ok().flatten(), history)
            })
        } else {
            (added(), places())
        };
        let ((), history) = (added?, history?);
        (self.places, self.place_at, self.moves) =
            (history.places, history.place_at, history.moves);
        let mut r = bin::Reader {
            bytes: history.rest,
        };
        // The tags replace the listed roster's, and hold all its sets: only
        // the members added are checked against them.
        let listed_sets = self.tags.sets.len();
        self.tags = read_tags(&mut r, &self.members[listed_members..])?;
        (self.tags.sets.len() >= listed_sets).then_some(())?;
        let members = self.members.len() as u64;
        let whole = rows.iter().all(|&h| {
            let h = &self.households[h];
            u64::from(h.first) + u64::from(h.count) <= members
        });
        (whole && r.bytes.is_empty()).then_some(self)
    }

    /// A roster from `to_bytes`; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Roster> {
        let mut r = bin::Reader { bytes };
        let text_bytes = {
            let n = usize::try_from(r.u64()?).ok()?;
            r.take(n)?
        };
        let mut roster = Roster::default();
        for _ in 0..r.count(8)? {
            let n = r.text()?.to_string();
            roster.name_ids.insert(n.clone(), roster.names.len() as u32);
            roster.names.push(n);
        }
        let names = roster.names.len() as u32;
        // The three large tables have fixed-width rows: cut out first, then
        // read side by side (a city's roster is millions of rows).
        let n = r.count(40)?;
        let household_bytes = r.take(n * 40)?;
        let n = r.count(20)?;
        let resident_bytes = r.take(n * 20)?;
        let n = r.count(20)?;
        let member_bytes = r.take(n * 20)?;
        // With a roster history, the spans of days of the members that do
        // not stand for all time follow them.
        let history = r.u32()?;
        (history == 0 || history == SPARSE_SPANS).then_some(())?;
        let bounded = if history == SPARSE_SPANS {
            let k = r.count(12)?;
            r.take(k * 12)?
        } else {
            &[]
        };
        let households_len = (household_bytes.len() / 40) as u32;
        let rest = r.bytes;
        let (text, households, residents, members, history) = std::thread::scope(|s| {
            let history = s.spawn(|| {
                if history != 0 {
                    History::from_bytes(rest, text_bytes, names, households_len)
                } else {
                    Some(History {
                        rest,
                        ..History::default()
                    })
                }
            });
            let residents = s.spawn(|| {
                let text = std::str::from_utf8(text_bytes).ok()?;
                let span = |start: u32, end: u32| span_in(text, start, end);
                let mut out = Vec::with_capacity(resident_bytes.len() / 20);
                for row in resident_bytes.chunks_exact(20) {
                    out.push(ResidentRow {
                        id: span(u32_at(row, 0), u32_at(row, 4))?,
                        household: u32_at(row, 8),
                        line: u64::from_le_bytes(row[12..20].try_into().ok()?),
                        personal: u32::MAX,
                    });
                }
                Some(out)
            });
            let members = s.spawn(|| {
                let mut out = Vec::with_capacity(member_bytes.len() / 20);
                let mut of = Vec::with_capacity(member_bytes.len() / 20);
                for row in member_bytes.chunks_exact(20) {
                    let (m, r) = member(row, None, names)?;
                    out.push(m);
                    of.push(r);
                }
                // The spans not for all time, by their members' indices
                // (in order, each once).
                let mut after = None;
                for span in bounded.chunks_exact(12) {
                    let i = u32_at(span, 0) as usize;
                    (after < Some(i)).then_some(())?;
                    after = Some(i);
                    let m: &mut Membership = out.get_mut(i)?;
                    (m.from, m.to) = (u32_at(span, 4) as i32, u32_at(span, 8) as i32);
                }
                Some((out, of))
            });
            let text = std::str::from_utf8(text_bytes).ok().map(str::to_string);
            let households = text.as_deref().and_then(|text| {
                let mut out = Vec::with_capacity(household_bytes.len() / 40);
                for row in household_bytes.chunks_exact(40) {
                    out.push(household_row(row, text, names)?);
                }
                Some(out)
            });
            (
                text,
                households,
                residents.join().ok().flatten(),
                members.join().ok().flatten(),
                history.join().ok().flatten(),
            )
        });
        let text = text?;
        roster.households = households?;
        roster.residents = residents?;
        let (members, member_residents) = members?;
        let households = roster.households.len() as u32;
        (roster.residents.iter())
            .all(|r| r.household < households)
            .then_some(())?;
        (member_residents.iter())
            .all(|&r| (r as usize) < roster.residents.len())
            .then_some(())?;
        roster.members = members;
        roster.member_residents = member_residents;
        let history = history?;
        (roster.places, roster.place_at, roster.moves) =
            (history.places, history.place_at, history.moves);
        let mut r = bin::Reader {
            bytes: history.rest,
        };
        roster.tags = read_tags(&mut r, &roster.members)?;
        let members = roster.members.len() as u64;
        let whole = roster
            .households
            .iter()
            .all(|h| u64::from(h.first) + u64::from(h.count) <= members);
        (whole && r.bytes.is_empty()).then_some(())?;
        roster.text = text;
        Some(roster)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::roster::from_table;
    use crate::data::table::Table;

    /// The roster of `residents` (with origin `origin`) as the cache
    /// keeps it as listed, and with `history` applied; each file read
    /// without a problem.
    fn listed_and_applied(residents: &str, history: &str, origin: u64) -> (Vec<u8>, Roster) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.csv");
        fs::write(&path, history).unwrap();
        let mut problems = Vec::new();
        let history = crate::data::history::read(&path, &mut problems).unwrap();
        let table = Table::from_bytes(Path::new("residents.csv"), residents.as_bytes());
        let mut roster = from_table(table, Load::default(), &mut problems);
        roster.origin = Some(origin);
        let mut listed = Vec::new();
        roster.write_cache(&mut listed).unwrap();
        roster.apply_history(&history);
        assert!(
            problems.is_empty(),
            "{} problems: {:?}",
            problems.len(),
            problems.first()
        );
        (listed, roster)
    }

    /// Everything of a roster a cache keeps, as text.
    fn kept(r: &Roster) -> String {
        let mut moves: Vec<_> = r.moves.iter().collect();
        moves.sort();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{moves:?}\n{:?}\n{:?}",
            r.text,
            r.names,
            r.households,
            r.residents,
            r.members,
            r.member_residents,
            r.places
                .iter()
                .map(|l| format!("{l:?}"))
                .collect::<Vec<_>>(),
            r.place_at,
            r.tags.words(),
            r.tags.sets,
        )
    }

    #[test]
    fn a_roster_with_its_history_applied_is_read_back_as_written() {
        let roster = "id,household,level,grid,building,room,visitor,tags\n\
            R1,H1,red,一网格,1栋,101,王,独居老人\n\
            R2,H1,green,一网格,1栋,101,王,\n\
            R3,H2,orange,二网格,2栋,202,李,低保;残疾人\n\
            R4,H3,yellow,二网格,3栋,303,李,\n";
        let history = "date,id,field,from,to\n\
            2024-02-01,R1,level,orange,red\n\
            2024-03-01,R2,household,H2,H1\n\
            2024-04-01,R3,visitor,王,李\n\
            2024-05-01,R4,household,H9,H3\n\
            2024-05-01,R4,room,909,303\n\
            2024-06-01,R3,tags,低保,低保;残疾人\n";
        let (listed, roster) = listed_and_applied(roster, history, 7);
        // What the history changed, applied to the roster as listed.
        let mut delta = Vec::new();
        roster.write_applied(&mut delta).unwrap();
        let base = || {
            let mut base = Roster::from_bytes(&listed).expect("a roster");
            base.origin = Some(7);
            base
        };
        let back = base().patched(&delta).expect("a roster");
        assert_eq!(kept(&back), kept(&roster));
        assert!(back.name_ids.len() == back.names.len());
        for cut in 0..delta.len() {
            assert!(base().patched(&delta[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = delta.clone();
        longer.push(0);
        assert!(base().patched(&longer).is_none());
        let mut other = base();
        other.origin = Some(8);
        assert!(other.patched(&delta).is_none());
        assert!(roster.has_history() && !roster.places.is_empty() && !roster.moves.is_empty());
        let mut bytes = Vec::new();
        roster.write_cache(&mut bytes).unwrap();
        let back = Roster::from_bytes(&bytes).expect("a roster");
        assert_eq!(kept(&back), kept(&roster));
        // Cut short anywhere, or with anything after it, it is no roster.
        for cut in 0..bytes.len() {
            assert!(Roster::from_bytes(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        bytes.push(0);
        assert!(Roster::from_bytes(&bytes).is_none());
    }

    #[test]
    fn what_a_history_changed_is_kept_not_the_whole_roster() {
        let mut text = String::from("id,household,level,grid,building,room,visitor\n");
        for k in 0..2000 {
            text += &format!("R{k:04},H{:04},green,一网格,{}栋,{k},王\n", k / 2, k / 100);
        }
        let history = "date,id,field,from,to\n2024-02-01,R0007,level,orange,green\n";
        let (listed, roster) = listed_and_applied(&text, history, 1);
        let (mut whole, mut delta) = (Vec::new(), Vec::new());
        roster.write_cache(&mut whole).unwrap();
        roster.write_applied(&mut delta).unwrap();
        assert!(
            delta.len() * 20 < whole.len(),
            "{} of {}",
            delta.len(),
            whole.len()
        );
        // Written whole (as in a worker's slice), the roster with its
        // history holds the spans of days of the few members the history
        // touched, not one for each member (8 bytes each).
        assert!(
            whole.len() < listed.len() + roster.members.len() * 4,
            "{} bytes, {} as listed, {} members",
            whole.len(),
            listed.len(),
            roster.members.len()
        );
        let back = Roster::from_bytes(&whole).expect("a roster");
        assert_eq!(kept(&back), kept(&roster));
    }

    #[test]
    fn a_city_s_history_is_read_back_on_every_core() {
        // Enough members added (two stints for each resident re-rated,
        // and their households' other members) to be read on a thread.
        let mut text = String::from("id,household,level,grid,room\n");
        let mut history = String::from("date,id,field,from,to\n");
        for k in 0..40_000 {
            text += &format!("R{k:05},H{:05},green,G{},{k}\n", k / 2, k / 2 % 7);
            if k % 4 != 3 {
                history += &format!("2024-0{}-01,R{k:05},level,red,green\n", 1 + k % 9);
            }
        }
        let (listed, roster) = listed_and_applied(&text, &history, 3);
        let added = roster.members.len() - roster.residents.len();
        assert!(
            crate::cores::lanes(added) > 1 || crate::cores::cores(2) == 1,
            "{added}"
        );
        let mut delta = Vec::new();
        roster.write_applied(&mut delta).unwrap();
        let mut base = Roster::from_bytes(&listed).expect("a roster");
        base.origin = Some(3);
        let back = base.patched(&delta).expect("a roster");
        assert_eq!(kept(&back), kept(&roster));
    }
}
