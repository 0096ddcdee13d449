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

/// The chains of one resident, field by field.
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
    pub fn apply_chains(&mut self, chains: &Chains<'_>, found: &Map<&str, u32>) {
        // The chains come grouped by resident: one entry for each.
        let mut touched: Vec<(u32, Fields<'_>)> = Vec::new();
        for ((id, field), chain) in chains.iter() {
            if chain
                .iter()
                .any(|c| !field.valid(&c.from) || !field.valid(&c.to))
            {
                continue;
            }
            let Some(&r) = found.get(id) else { continue };
            match touched.last_mut() {
                Some((last, fields)) if *last == r => fields.push((field, chain)),
                _ => touched.push((r, vec![(field, chain)])),
            }
        }
        if touched.is_empty() {
            return;
        }
        // Where each touched resident stands in the roster today: a
        // resident's slot in `today`, `UNTOUCHED` for the others (a flat
        // table, as every member of a city's roster is looked up).
        let mut slot = vec![UNTOUCHED; self.residents.len()];
        for (k, (r, _)) in touched.iter().enumerate() {
            slot[*r as usize] = k as u32;
        }
        let mut today = vec![Membership::new(Level::Green, None, None); touched.len()];
        for (m, r) in self.members.iter().zip(&self.member_residents) {
            if let Some(&k) = slot.get(*r as usize).filter(|&&k| k != UNTOUCHED) {
                today[k as usize] = *m;
            }
        }
        // Each touched resident's line, household and that household's
        // row, gathered first: the loads do not wait on each other, so
        // they overlap (a city's roster is far larger than the caches).
        let (lines, homes): (Vec<u64>, Vec<u32>) = touched
            .iter()
            .map(|(r, _)| {
                let row = &self.residents[*r as usize];
                (row.line, row.household)
            })
            .unzip();
        let rows: Vec<HouseholdRow> = homes.iter().map(|&h| self.households[h as usize]).collect();
        let mut known = self.households_named(&touched);
        let mut stints: Vec<Stint> = Vec::new();
        for (k, (r, fields)) in touched.iter().enumerate() {
            let base = today[k];
            let (home, row, line) = (homes[k], rows[k], lines[k]);
            let mut breaks: Vec<NaiveDate> = fields
                .iter()
                .flat_map(|(_, chain)| chain.iter().map(|c| c.date))
                .collect();
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
                            "" => self.span(self.residents[*r as usize].id).to_string(),
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
                    None => self.tags.of(&base, *r),
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
                self.tags.assign(&mut membership, *r, tags);
                stints.push(Stint {
                    household,
                    resident: *r,
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
                self.moves.insert(*r, moves);
            }
        }
        self.regroup(&slot, homes, stints);
    }

    /// The residents with these ids: one pass over the roster, which a
    /// city's roster read from the cache makes cheaper than indexing every
    /// resident for a history that names a few of them.
    pub fn find_residents<'i>(&self, ids: impl Iterator<Item = &'i str>) -> Map<&'i str, u32> {
        let mut wanted: Map<&'i str, u32> = Map::default();
        for id in ids {
            wanted.insert(id, u32::MAX);
        }
        if wanted.is_empty() {
            return wanted;
        }
        // Each core looks for them in a part of the roster (an id is one
        // resident's: the roster's reader refuses a repeated one).
        let found = crate::cores::in_parts(self.residents.len(), |range| {
            let start = range.start;
            let mut found = Vec::new();
            for (r, row) in self.residents[range].iter().enumerate() {
                if let Some((&id, _)) = wanted.get_key_value(self.span(row.id)) {
                    found.push((id, (start + r) as u32));
                }
            }
            found
        });
        for (id, r) in found.into_iter().flatten() {
            let slot = wanted.get_mut(id).expect("looked for");
            *slot = (*slot).min(r);
        }
        wanted.retain(|_, r| *r != u32::MAX);
        wanted
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
        if let Some(index) = self.by_household.get_mut() {
            let hash = index.hash(id);
            let (households, text) = (&self.households, &self.text);
            index.find_or_insert(id, hash, h, |x| {
                let s = households[x as usize].id;
                &text[s.start as usize..s.end as usize]
            });
        }
        h
    }

    /// The households the history's household changes name, found in one
    /// pass when the roster has no index of households yet (a roster read
    /// from the cache): cheaper than indexing a city's households.
    fn households_named(&self, touched: &[(u32, Fields<'_>)]) -> Map<String, u32> {
        let mut known: Map<String, u32> = Map::default();
        if self.by_household.get().is_some() {
            return known;
        }
        for (r, fields) in touched {
            for (field, chain) in fields {
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

    /// Puts the stints in place of the touched residents' memberships,
    /// members in file order within each household, and works out the
    /// address of every household a stint touched for each span of days.
    /// `slot` is `UNTOUCHED` for each resident the history leaves alone.
    fn regroup(&mut self, slot: &[u32], homes: Vec<u32>, stints: Vec<Stint>) {
        let touched = |r: u32| slot.get(r as usize).is_some_and(|&k| k != UNTOUCHED);
        // (line, from, membership, resident, place) of each household.
        let mut extra: Map<u32, Vec<Entry>> = Map::default();
        for s in stints {
            extra.entry(s.household).or_default().push((
                s.line,
                s.membership,
                s.resident,
                Some(s.place),
            ));
        }
        // Only the households a stint is in, and those the touched
        // residents are in today, change: their members are written anew
        // at the end; every other household keeps its place.
        let mut rebuild: Vec<u32> = extra.keys().copied().chain(homes).collect();
        rebuild.sort_unstable();
        rebuild.dedup();
        let mut members = std::mem::take(&mut self.members);
        let mut member_residents = std::mem::take(&mut self.member_residents);
        for h in rebuild {
            let h = h as usize;
            let row = self.households[h];
            let (a, c) = (row.first as usize, row.count as usize);
            let mut list = extra.remove(&(h as u32)).unwrap_or_default();
            let stays = list.is_empty();
            for i in a..a + c {
                let r = member_residents[i];
                if !touched(r) {
                    let line = self.residents[r as usize].line;
                    list.push((line, members[i], r, None));
                }
            }
            if stays {
                // Only left by a touched resident: the others, in order.
                let first = members.len() as u32;
                for (_, m, r, _) in list {
                    members.push(m);
                    member_residents.push(r);
                }
                self.households[h].first = first;
                self.households[h].count = members.len() as u32 - first;
                continue;
            }
            list.sort_by_key(|(line, m, _, _)| (*line, m.from));
            let first = members.len() as u32;
            let today = Place {
                from: i32::MIN,
                grid: row.grid,
                building: row.building,
                unit: row.unit,
                room: row.room,
            };
            let mut edges: Vec<i32> = list
                .iter()
                .flat_map(|(_, m, _, _)| [m.from, m.to])
                .filter(|&d| d != i32::MAX)
                .collect();
            edges.push(i32::MIN);
            edges.sort_unstable();
            edges.dedup();
            let mut places: Vec<Place> = Vec::with_capacity(edges.len());
            for &from in &edges {
                let here: Vec<Place> = list
                    .iter()
                    .filter(|(_, m, _, _)| m.holds(from))
                    .map(|(_, _, _, p)| p.unwrap_or(today))
                    .collect();
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
            for (_, m, r, _) in list {
                members.push(m);
                member_residents.push(r);
            }
            if places.is_empty() {
                places.push(today);
            }
            let last = *places.last().expect("a place");
            let row = &mut self.households[h];
            row.first = first;
            row.count = members.len() as u32 - first;
            if row.count > 0 && (row.grid, row.building, row.unit) == (0, 0, 0) {
                (row.grid, row.building, row.unit, row.room) =
                    (last.grid, last.building, last.unit, last.room);
            }
            if self.place_at.len() < self.households.len() {
                self.place_at.resize(self.households.len(), u32::MAX);
            }
            self.place_at[h] = self.places.len() as u32;
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

    #[test]
    fn residents_are_found_in_every_part_of_a_city_roster() {
        // Enough residents to be looked through on every core.
        let n = 70_000;
        let mut text = String::from("id,household,level\n");
        for k in 0..n {
            text += &format!("R{k:06},H{:06},green\n", k / 2);
        }
        let path = std::path::Path::new("residents.csv");
        let roster = from_table(
            Table::from_bytes(path, text.as_bytes()),
            Load::default(),
            &mut Vec::new(),
        );
        let wanted = [
            "R069999", "R000000", "R035000", "R034999", "R900000", "R000001",
        ];
        let found = roster.find_residents(wanted.iter().copied());
        let mut got: Vec<(&str, u32)> = found.into_iter().collect();
        got.sort_unstable();
        assert_eq!(
            got,
            [
                ("R000000", 0),
                ("R000001", 1),
                ("R034999", 34_999),
                ("R035000", 35_000),
                ("R069999", 69_999)
            ]
        );
    }
}
