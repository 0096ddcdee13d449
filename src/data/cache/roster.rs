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
use crate::model::roster::{HouseholdRow, ResidentRow, Roster, Span};
use crate::model::{Level, Membership};

const ROSTER: &str = "roster";
const ROSTER_MAGIC: &[u8] = b"rounds roster cache 5\n";
const APPLIED: &str = "roster-history";
const APPLIED_MAGIC: &[u8] = b"rounds roster-history cache 2\n";

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
    let mut roster = Roster::from_bytes(r.bytes)?;
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
        roster.write_cache(out)
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
        for _ in 0..r.count(8)? {
            let k = r.count(24)?;
            let mut list = Vec::with_capacity(k);
            for _ in 0..k {
                let from = r.u32()? as i32;
                let (grid, building, unit) = (r.u32()?, r.u32()?, r.u32()?);
                ([grid, building, unit].iter().all(|&x| x < names)).then_some(())?;
                let room = span(r.u32()?, r.u32()?)?;
                list.push(Place {
                    from,
                    grid,
                    building,
                    unit,
                    room,
                });
            }
            history.places.push(list);
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
            for v in [
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
            ] {
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
            // The level, and the tag set above it.
            w.u32(m.level.index() as u32 | u32::from(m.tags) << 16);
            w.date(m.since);
            w.date(m.until);
            w.u32(m.visitor);
            w.u32(*r);
            w.spill(out)?;
        }
        // What a roster history adds: each member's span of days, the
        // addresses of the households it touched, the residents' moves.
        let history = self.has_history();
        w.u32(u32::from(history));
        if history {
            for m in &self.members {
                w.u32(m.from as u32);
                w.u32(m.to as u32);
                w.spill(out)?;
            }
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
        }
        // The tag words, their sets and the sets no membership could hold.
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
        out.write_all(&w.bytes)
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
        // A roster history's span of days for each member follows them.
        let history = r.u32()?;
        (history <= 1).then_some(())?;
        let span_bytes = if history == 1 { r.take(n * 8)? } else { &[] };
        let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let households_len = (household_bytes.len() / 40) as u32;
        let rest = r.bytes;
        let (text, households, residents, members, history) = std::thread::scope(|s| {
            let history = s.spawn(|| {
                if history == 1 {
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
                let date = |d: u32| -> Option<Option<chrono::NaiveDate>> {
                    let d = d as i32;
                    if d == i32::MIN {
                        return Some(None);
                    }
                    chrono::NaiveDate::from_num_days_from_ce_opt(d).map(Some)
                };
                let mut spans = span_bytes.chunks_exact(8);
                for row in member_bytes.chunks_exact(20) {
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
                    if let Some(span) = spans.next() {
                        (m.from, m.to) = (u32_at(span, 0) as i32, u32_at(span, 4) as i32);
                    }
                    out.push(m);
                    of.push(u32_at(row, 16));
                }
                Some((out, of))
            });
            let text = std::str::from_utf8(text_bytes).ok().map(str::to_string);
            let households = text.as_deref().and_then(|text| {
                let span = |start: u32, end: u32| span_in(text, start, end);
                let mut out = Vec::with_capacity(household_bytes.len() / 40);
                for row in household_bytes.chunks_exact(40) {
                    let v: [u32; 10] = std::array::from_fn(|k| u32_at(row, 4 * k));
                    let row = HouseholdRow {
                        id: span(v[0], v[1])?,
                        grid: v[2],
                        building: v[3],
                        unit: v[4],
                        room: span(v[5], v[6])?,
                        visitor: v[7],
                        first: v[8],
                        count: v[9],
                    };
                    if [row.grid, row.building, row.unit, row.visitor]
                        .iter()
                        .any(|&x| x >= names)
                    {
                        return None;
                    }
                    out.push(row);
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
        let tags = &mut roster.tags;
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
        (roster.members.iter())
            .all(|m| m.tags == spilled || u32::from(m.tags) < sets.max(1))
            .then_some(())?;
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.csv");
        fs::write(&path, history).unwrap();
        let mut problems = Vec::new();
        let history = crate::data::history::read(&path, &mut problems).unwrap();
        let table = Table::from_bytes(Path::new("residents.csv"), roster.as_bytes());
        let mut roster = from_table(table, Load::default(), &mut problems);
        roster.apply_history(&history);
        assert!(problems.is_empty(), "{problems:?}");
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
}
