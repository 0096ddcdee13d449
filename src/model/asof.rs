//! The roster as of any day: the changes of history.csv applied to the
//! roster (SPEC "The roster as of day d").
//!
//! A resident the history touches gets one membership for each span of
//! days in which none of its tracked values changed, in the household of
//! that span; a household the history touches gets its address for each
//! span of days. Everything else stays as the roster has it, so a roster
//! without history costs nothing more.

use chrono::NaiveDate;

use super::date::{days, parse};
use super::history::{Chains, Field, History, value_on};
use super::index::prefetch;
use super::roster::{HouseholdRow, Roster, Span};
use super::{Level, Membership};

/// A resident the history leaves alone (in `apply_history`'s slots).
const UNTOUCHED: u32 = u32::MAX;

/// A map keyed by index.
pub type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;

/// A household's address from day `from` on (until the next one's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub(crate) from: i32,
    pub(crate) grid: u32,
    pub(crate) building: u32,
    pub(crate) unit: u32,
    pub(crate) room: Span,
}

/// What a roster held before its history was applied: its origin, the
/// lengths of its tables (applying only adds to them, but for the rows
/// of the households it rebuilt) and those households.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listed {
    pub(crate) origin: Option<u64>,
    pub(crate) text: usize,
    pub(crate) names: usize,
    pub(crate) households: usize,
    pub(crate) members: usize,
    pub(crate) rebuilt: Vec<u32>,
}

/// The chains of the residents, field by field.
type Fields<'a> = Vec<(Field, &'a [&'a super::history::Change])>;

/// A member of a household being regrouped: its line in the roster, the
/// membership, the resident and, for a stint, its address.
type Entry = (u64, Membership, u32, Option<Place>);

/// One span of one resident: the household and the values it holds.
struct Stint {
    household: u32,
    resident: u32,
    /// The resident's line in the roster.
    line: u64,
    membership: Membership,
    place: Place,
}

/// Stands for an id the roster does not hold (in `Found`).
const MISSING: u32 = u32::MAX;

/// The residents a roster history names: each id, in byte order and
/// once, with the resident the roster gives it.
#[derive(Debug, Default)]
pub struct Found<'i> {
    ids: Vec<&'i str>,
    at: Vec<u32>,
}

impl<'i> Found<'i> {
    /// The resident with this id, if the roster holds it.
    pub fn get(&self, id: &str) -> Option<u32> {
        let k = self.ids.binary_search(&id).ok()?;
        Some(self.at[k]).filter(|&r| r != MISSING)
    }

    /// `get` for ids asked for in byte order (as the chains of a history
    /// come): each answer starts where the one before ended.
    pub fn cursor(&self) -> impl FnMut(&str) -> Option<u32> + '_ {
        let mut k = 0;
        move |id: &str| {
            if k > 0 && id < self.ids[k - 1] {
                return self.get(id);
            }
            while k < self.ids.len() && self.ids[k] < id {
                k += 1;
            }
            let r = self.ids.get(k).filter(|&&x| x == id).map(|_| self.at[k]);
            r.filter(|&r| r != MISSING)
        }
    }
}

impl Roster {
    /// Applies the history's changes. Changes of unknown residents and
    /// chains holding a value their field cannot take are left out (`check`
    /// reports them). Tags are no part of the rules, but part of what the
    /// day's roster says (a household's special groups on the day).
    pub fn apply_history(&mut self, history: &History) {
        let chains = history.chains();
        let found = self.find_residents(chains.iter().map(|((id, _), _)| id));
        self.apply_chains(&chains, &found);
    }

    /// `apply_history` with the history's chains and the residents they
    /// name (`find_residents`) worked out by the caller.
    pub fn apply_chains(&mut self, chains: &Chains<'_>, found: &Found<'_>) {
        self.listed = Some(Box::new(Listed {
            origin: self.origin,
            text: self.text.len(),
            names: self.names.len(),
            households: self.households.len(),
            members: self.members.len(),
            rebuilt: Vec::new(),
        }));
        // The chains come grouped by resident: one run of them for each,
        // as `fields[start..end]`.
        let mut fields: Fields<'_> = Vec::new();
        let mut touched: Vec<(u32, usize, usize)> = Vec::new();
        let mut resident = found.cursor();
        for ((id, field), chain) in chains.iter() {
            if field.checked()
                && chain
                    .iter()
                    .any(|c| !field.valid(&c.from) || !field.valid(&c.to))
            {
                continue;
            }
            let Some(r) = resident(id) else { continue };
            match touched.last_mut() {
                Some((last, _, end)) if *last == r => *end += 1,
                _ => touched.push((r, fields.len(), fields.len() + 1)),
            }
            fields.push((field, chain));
        }
        if touched.is_empty() {
            return;
        }
        // Where each touched resident stands in the roster today: a
        // resident's slot in `touched`, `UNTOUCHED` for the others (a flat
        // table, as every member of a household regrouped is looked up).
        let mut slot = vec![UNTOUCHED; self.residents.len()];
        for (k, (r, _, _)) in touched.iter().enumerate() {
            slot[*r as usize] = k as u32;
        }
        // Each touched resident's line, household and that household's
        // row, gathered first: the loads do not wait on each other, so
        // they overlap (a city's roster is far larger than the caches).
        let (lines, homes): (Vec<u64>, Vec<u32>) = touched
            .iter()
            .map(|(r, _, _)| {
                let row = &self.residents[*r as usize];
                (row.line, row.household)
            })
            .unzip();
        let rows: Vec<HouseholdRow> = homes.iter().map(|&h| self.households[h as usize]).collect();
        // Its membership today, among its household's members.
        let today: Vec<Membership> = touched
            .iter()
            .zip(&rows)
            .map(|((r, _, _), row)| {
                let (a, c) = (row.first as usize, row.count as usize);
                (a..a + c)
                    .find(|&i| self.member_residents[i] == *r)
                    .map_or(Membership::new(Level::Green, None, None), |i| {
                        self.members[i]
                    })
            })
            .collect();
        let mut known = self.households_named(&touched, &fields);
        let mut stints: Vec<Stint> = Vec::with_capacity(fields.len() + touched.len());
        let mut breaks: Vec<NaiveDate> = Vec::new();
        for (k, &(r, start, end)) in touched.iter().enumerate() {
            let fields = &fields[start..end];
            let base = today[k];
            let (home, row, line) = (homes[k], rows[k], lines[k]);
            breaks.clear();
            breaks.extend(
                fields
                    .iter()
                    .flat_map(|(_, chain)| chain.iter().map(|c| c.date)),
            );
            breaks.sort_unstable();
            breaks.dedup();
            let mut moves = Vec::new();
            for k in 0..=breaks.len() {
                // On a day of span k: before the first change, or on a break.
                let day = if k == 0 {
                    NaiveDate::MIN
                } else {
                    breaks[k - 1]
                };
                let from = if k == 0 { i32::MIN } else { days(day) };
                let to = breaks.get(k).map_or(i32::MAX, |&d| days(d));
                let value = |f: Field| {
                    fields
                        .iter()
                        .find(|(field, _)| *field == f)
                        .and_then(|(_, chain)| value_on(chain, day))
                };
                let date_of = |f: Field, base: Option<NaiveDate>| match value(f) {
                    Some(v) => parse(v).ok(),
                    None => base,
                };
                let level = value(Field::Level)
                    .and_then(Level::parse)
                    .unwrap_or(base.level);
                let name_of = |roster: &mut Roster, f: Field, base: u32| match value(f) {
                    Some(v) if v.trim().is_empty() => 0,
                    Some(v) => roster.name_id(v.trim()),
                    None => base,
                };
                let visitor = name_of(self, Field::Visitor, base.visitor);
                let grid = name_of(self, Field::Grid, row.grid);
                let building = name_of(self, Field::Building, row.building);
                let unit = name_of(self, Field::Unit, row.unit);
                let room = match value(Field::Room) {
                    Some(v) => self.push_text(v.trim()),
                    None => row.room,
                };
                let household = match value(Field::Household) {
                    Some(h) => {
                        let h = match h.trim() {
                            "" => self.span(self.residents[r as usize].id).to_string(),
                            h => h.to_string(),
                        };
                        self.household_for(&h, &mut known)
                    }
                    None => home,
                };
                if value(Field::Household).is_some() {
                    moves.push((from, household));
                }
                let tags = match value(Field::Tags) {
                    Some(v) => self.tags.intern(v),
                    None => self.tags.of(&base, r),
                };
                let mut membership = Membership {
                    level,
                    since: date_of(Field::Since, base.since),
                    until: date_of(Field::Until, base.until),
                    visitor,
                    from,
                    to,
                    tags: 0,
                };
                self.tags.assign(&mut membership, r, tags);
                stints.push(Stint {
                    household,
                    resident: r,
                    line,
                    membership,
                    place: Place {
                        from,
                        grid,
                        building,
                        unit,
                        room,
                    },
                });
            }
            if !moves.is_empty() {
                self.moves.insert(r, moves);
            }
        }
        self.regroup(&slot, homes, stints);
    }

    /// The residents with these ids. A roster in the order of its ids (as
    /// most are kept) is looked through once beside the ids in order; one
    /// with an index of its residents asks it; any other is looked through
    /// once with the ids hashed. Each is cheaper than indexing every
    /// resident of a city for a history that names a few of them.
    pub fn find_residents<'i>(&self, ids: impl Iterator<Item = &'i str>) -> Found<'i> {
        let mut ids: Vec<&'i str> = ids.collect();
        ids.sort_unstable();
        ids.dedup();
        let at = if ids.is_empty() {
            Vec::new()
        } else if let Some(index) = self.by_resident.get() {
            ids.iter()
                .map(|id| {
                    index
                        .find(id, index.hash(id), |r| {
                            self.span(self.residents[r as usize].id)
                        })
                        .unwrap_or(MISSING)
                })
                .collect()
        } else {
            self.found_in_order(&ids)
                .unwrap_or_else(|| self.found_hashed(&ids))
        };
        Found { ids, at }
    }

    /// `find_residents` of `ids` (in byte order, each once) when the
    /// roster's residents are in the order of their ids too: each core
    /// walks a part of the roster beside them. `None` for a roster out of
    /// order.
    fn found_in_order(&self, ids: &[&str]) -> Option<Vec<u32>> {
        let id = |r: usize| self.span(self.residents[r].id);
        let parts = crate::cores::in_parts(self.residents.len(), |range| {
            let mut found = Vec::new();
            let mut before = range.start.checked_sub(1).map(id);
            let mut k = range.start.checked_sub(1).map_or(0, |r| {
                let last = id(r);
                ids.partition_point(|&x| x <= last)
            });
            for r in range {
                let here = id(r);
                if before.is_some_and(|b| b >= here) {
                    return None;
                }
                before = Some(here);
                while k < ids.len() && ids[k] < here {
                    k += 1;
                }
                if k < ids.len() && ids[k] == here {
                    found.push((k, r as u32));
                    k += 1;
                }
            }
            Some(found)
        });
        let mut at = vec![MISSING; ids.len()];
        for part in parts {
            for (k, r) in part? {
                at[k] = r;
            }
        }
        Some(at)
    }

    /// `find_residents` of `ids` (in byte order, each once) in a roster
    /// in any order: each core hashes the ids of a part of the roster.
    fn found_hashed(&self, ids: &[&str]) -> Vec<u32> {
        let wanted: Map<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(k, &id)| (id, k as u32))
            .collect();
        let parts = crate::cores::in_parts(self.residents.len(), |range| {
            let start = range.start;
            let mut found = Vec::new();
            for (r, row) in self.residents[range].iter().enumerate() {
                if let Some(&k) = wanted.get(self.span(row.id)) {
                    found.push((k, (start + r) as u32));
                }
            }
            found
        });
        let mut at = vec![MISSING; ids.len()];
        for (k, r) in parts.into_iter().flatten() {
            at[k as usize] = at[k as usize].min(r);
        }
        at
    }

    /// The index of the household with this id, added when new.
    fn household_for(&mut self, id: &str, known: &mut Map<String, u32>) -> u32 {
        if let Some(&h) = known.get(id) {
            return h;
        }
        if self.by_household.get().is_some()
            && let Some(h) = self.find(id)
        {
            return h as u32;
        }
        let span = self.push_text(id);
        let h = self.households.len() as u32;
        self.households.push(HouseholdRow {
            id: span,
            grid: 0,
            building: 0,
            unit: 0,
            room: Span::default(),
            visitor: 0,
            first: 0,
            count: 0,
        });
        known.insert(id.to_string(), h);
        // An index built already learns it; one built later finds it.
        if let Some((index, ids)) = self.household_index_mut() {
            index.find_or_insert(id, index.hash(id), h, ids);
        }
        h
    }

    /// The households the history's household changes name, found in one
    /// pass when the roster has no index of households yet (a roster read
    /// from the cache): cheaper than indexing a city's households.
    fn households_named(
        &self,
        touched: &[(u32, usize, usize)],
        fields: &Fields<'_>,
    ) -> Map<String, u32> {
        let mut known: Map<String, u32> = Map::default();
        if self.by_household.get().is_some() {
            return known;
        }
        for (r, start, end) in touched {
            for (field, chain) in &fields[*start..*end] {
                if *field != Field::Household {
                    continue;
                }
                for c in chain.iter() {
                    for v in [c.from.trim(), c.to.trim()] {
                        let id = match v {
                            "" => self.span(self.residents[*r as usize].id),
                            v => v,
                        };
                        known.insert(id.to_string(), u32::MAX);
                    }
                }
            }
        }
        if known.is_empty() {
            return known;
        }
        for (h, row) in self.households.iter().enumerate() {
            if let Some(slot) = known.get_mut(self.span(row.id))
                && *slot == u32::MAX
            {
                *slot = h as u32;
            }
        }
        known.retain(|_, h| *h != u32::MAX);
        known
    }

    /// Starts loading what `regroup` reads of household `h`: its row
    /// (step 0), where its members start (1), their residents (2).
    fn load_ahead(
        &self,
        h: u32,
        step: u8,
        members: &[Membership],
        member_residents: &[u32],
        slot: &[u32],
    ) {
        let row = &self.households[h as usize];
        if step == 0 {
            return prefetch(row);
        }
        let (a, c) = (row.first as usize, row.count as usize);
        let Some(of) = member_residents.get(a..a + c).filter(|of| !of.is_empty()) else {
            return;
        };
        if step == 1 {
            prefetch(&of[0]);
            return prefetch(&members[a]);
        }
        for &r in of {
            prefetch(&self.residents[r as usize]);
            prefetch(&slot[r as usize]);
        }
    }

    /// Puts the stints in place of the touched residents' memberships,
    /// members in file order within each household, and works out the
    /// address of every household a stint touched for each span of days.
    /// `slot` is `UNTOUCHED` for each resident the history leaves alone.
    fn regroup(&mut self, slot: &[u32], homes: Vec<u32>, mut stints: Vec<Stint>) {
        let touched = |r: u32| slot.get(r as usize).is_some_and(|&k| k != UNTOUCHED);
        // The stints of each household together, in the order of the
        // households (their lines and days are put in order below).
        stints.sort_unstable_by_key(|s| s.household);
        // Only the households a stint is in, and those the touched
        // residents are in today, change: their members are written anew
        // at the end; every other household keeps its place.
        let mut rebuild: Vec<u32> = stints.iter().map(|s| s.household).chain(homes).collect();
        rebuild.sort_unstable();
        rebuild.dedup();
        if let Some(listed) = &mut self.listed {
            listed.rebuilt.clone_from(&rebuild);
        }
        let mut members = std::mem::take(&mut self.members);
        let mut member_residents = std::mem::take(&mut self.member_residents);
        // (line, membership, resident, place of a stint) of a household's
        // members; the days its members change on; its members on a day.
        let mut list: Vec<Entry> = Vec::new();
        let mut edges: Vec<i32> = Vec::new();
        let mut here: Vec<Place> = Vec::new();
        let mut next = stints.iter().peekable();
        // The households to rebuild lie all over a city's roster: each one's
        // row, members and their residents are loaded a few households
        // ahead, a step at a time, so that the loads overlap.
        for (k, &h) in rebuild.iter().enumerate() {
            for (step, by) in [(0, 24), (1, 12), (2, 6)] {
                if let Some(&h) = rebuild.get(k + by) {
                    self.load_ahead(h, step, &members, &member_residents, slot);
                }
            }
            let row = self.households[h as usize];
            let (a, c) = (row.first as usize, row.count as usize);
            list.clear();
            while let Some(s) = next.next_if(|s| s.household == h) {
                list.push((s.line, s.membership, s.resident, Some(s.place)));
            }
            let stays = list.is_empty();
            for i in a..a + c {
                let r = member_residents[i];
                if !touched(r) {
                    let line = self.residents[r as usize].line;
                    list.push((line, members[i], r, None));
                }
            }
            let first = members.len() as u32;
            if stays {
                // Only left by a touched resident: the others, in order.
                for &(_, m, r, _) in &list {
                    members.push(m);
                    member_residents.push(r);
                }
                let row = &mut self.households[h as usize];
                row.first = first;
                row.count = members.len() as u32 - first;
                continue;
            }
            list.sort_by_key(|(line, m, _, _)| (*line, m.from));
            let today = Place {
                from: i32::MIN,
                grid: row.grid,
                building: row.building,
                unit: row.unit,
                room: row.room,
            };
            edges.clear();
            edges.extend(
                list.iter()
                    .flat_map(|(_, m, _, _)| [m.from, m.to])
                    .filter(|&d| d != i32::MAX),
            );
            edges.push(i32::MIN);
            edges.sort_unstable();
            edges.dedup();
            let mut places: Vec<Place> = Vec::new();
            for &from in &edges {
                here.clear();
                here.extend(
                    list.iter()
                        .filter(|(_, m, _, _)| m.holds(from))
                        .map(|(_, _, _, p)| p.unwrap_or(today)),
                );
                // A household nobody lives in keeps its last address.
                if here.is_empty() {
                    continue;
                }
                let pick =
                    |get: fn(&Place) -> u32| here.iter().map(get).find(|&v| v != 0).unwrap_or(0);
                let place = Place {
                    from,
                    grid: pick(|p| p.grid),
                    building: pick(|p| p.building),
                    unit: pick(|p| p.unit),
                    room: here
                        .iter()
                        .map(|p| p.room)
                        .find(|r| r.start != r.end)
                        .unwrap_or_default(),
                };
                let same = places.last().is_some_and(|p| {
                    (p.grid, p.building, p.unit, p.room)
                        == (place.grid, place.building, place.unit, place.room)
                });
                if !same {
                    places.push(place);
                }
            }
            for &(_, m, r, _) in &list {
                members.push(m);
                member_residents.push(r);
            }
            if places.is_empty() {
                places.push(today);
            }
            let last = *places.last().expect("a place");
            let row = &mut self.households[h as usize];
            row.first = first;
            row.count = members.len() as u32 - first;
            if row.count > 0 && (row.grid, row.building, row.unit) == (0, 0, 0) {
                (row.grid, row.building, row.unit, row.room) =
                    (last.grid, last.building, last.unit, last.room);
            }
            if self.place_at.len() < self.households.len() {
                self.place_at.resize(self.households.len(), u32::MAX);
            }
            self.place_at[h as usize] = self.places.len() as u32;
            self.places.push(places);
        }
        self.members = members;
        self.member_residents = member_residents;
    }
}

#[cfg(test)]
mod tests {
    use crate::data::roster::{Load, from_table};
    use crate::data::table::Table;

    /// A city's roster of `n` residents, two to a household, with ids in
    /// the order `id` gives them.
    fn city(n: usize, id: impl Fn(usize) -> String) -> crate::model::roster::Roster {
        let mut text = String::from("id,household,level\n");
        for k in 0..n {
            text += &format!("{},H{:06},green\n", id(k), k / 2);
        }
        let path = std::path::Path::new("residents.csv");
        from_table(
            Table::from_bytes(path, text.as_bytes()),
            Load::default(),
            &mut Vec::new(),
        )
    }

    /// What `find_residents` finds of `wanted`, in the order asked.
    fn found(roster: &crate::model::roster::Roster, wanted: &[&str]) -> Vec<Option<u32>> {
        let found = roster.find_residents(wanted.iter().copied());
        let mut cursor = found.cursor();
        let mut sorted: Vec<&str> = wanted.to_vec();
        sorted.sort_unstable();
        for id in sorted {
            assert_eq!(cursor(id), found.get(id), "{id}");
        }
        wanted.iter().map(|id| found.get(id)).collect()
    }

    #[test]
    fn residents_are_found_in_every_part_of_a_city_roster() {
        // Enough residents to be looked through on every core, in the
        // order of their ids.
        let roster = city(70_000, |k| format!("R{k:06}"));
        assert!(roster.by_resident.get().is_none());
        let wanted = [
            "R069999", "R000000", "R035000", "R034999", "R900000", "R000001", "R", "R0350000",
            "R035000",
        ];
        assert_eq!(
            found(&roster, &wanted),
            [
                Some(69_999),
                Some(0),
                Some(35_000),
                Some(34_999),
                None,
                Some(1),
                None,
                None,
                Some(35_000)
            ]
        );
    }

    #[test]
    fn residents_are_found_in_a_roster_out_of_order() {
        // Ids unpadded: R10 comes before R9 in byte order. Read from the
        // file, the roster has an index of its residents; from the cache,
        // none, and is looked through with the ids hashed.
        let mut roster = city(70_000, |k| format!("R{k}"));
        let wanted = ["R69999", "R0", "R35000", "R9", "R10", "R70000", "R34999"];
        let expected = [
            Some(69_999),
            Some(0),
            Some(35_000),
            Some(9),
            Some(10),
            None,
            Some(34_999),
        ];
        assert!(roster.by_resident.get().is_some());
        assert_eq!(found(&roster, &wanted), expected);
        roster.by_resident = Default::default();
        assert_eq!(found(&roster, &wanted), expected);
        // Out of order only where the roster's parts meet.
        let mut roster = city(70_000, |k| {
            if k == 35_000 {
                "R000000x".to_string()
            } else {
                format!("R{k:06}")
            }
        });
        roster.by_resident = Default::default();
        let wanted = ["R000000x", "R035001", "R034999", "R035000"];
        assert_eq!(
            found(&roster, &wanted),
            [Some(35_000), Some(35_001), Some(34_999), None]
        );
    }
}
