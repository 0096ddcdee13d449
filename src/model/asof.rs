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
use super::history::{Field, History, value_on};
use super::roster::{HouseholdRow, Roster, Span};
use super::{Level, Membership};

/// A resident the history leaves alone (in `apply_history`'s slots).
const UNTOUCHED: u32 = u32::MAX;

/// A map keyed by index.
pub(crate) type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;

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
type Chains<'a> = Vec<(Field, Vec<&'a super::history::Change>)>;

/// A member of a household being regrouped: its line in the roster, the
/// membership, the resident and, for a stint, its address.
type Entry = (u64, Membership, u32, Option<Place>);

/// One span of one resident: the household and the values it holds.
struct Stint {
    household: u32,
    resident: u32,
    membership: Membership,
    place: Place,
}

impl Roster {
    /// Applies the history's changes. Changes of unknown residents and
    /// chains holding a value their field cannot take are left out (`check`
    /// reports them); tags are not part of the rules.
    pub fn apply_history(&mut self, history: &History) {
        let mut touched: Vec<(u32, Chains<'_>)> = Vec::new();
        {
            let mut per: std::collections::BTreeMap<u32, Vec<_>> = Default::default();
            for ((id, field), chain) in history.chains() {
                if field == Field::Tags
                    || chain
                        .iter()
                        .any(|c| !field.valid(&c.from) || !field.valid(&c.to))
                {
                    continue;
                }
                if let Some(r) = self.find_resident(id) {
                    per.entry(r as u32)
                        .or_insert_with(Vec::new)
                        .push((field, chain));
                }
            }
            touched.extend(per);
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
        let mut stints: Vec<Stint> = Vec::new();
        for (k, (r, fields)) in touched.iter().enumerate() {
            let base = today[k];
            let home = self.residents[*r as usize].household;
            let row = self.households[home as usize];
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
                        self.household_for(&h)
                    }
                    None => home,
                };
                if value(Field::Household).is_some() {
                    moves.push((from, household));
                }
                stints.push(Stint {
                    household,
                    resident: *r,
                    membership: Membership {
                        level,
                        since: date_of(Field::Since, base.since),
                        until: date_of(Field::Until, base.until),
                        visitor,
                        from,
                        to,
                    },
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
        self.regroup(&slot, stints);
    }

    /// The index of the household with this id, added when new.
    fn household_for(&mut self, id: &str) -> u32 {
        if let Some(h) = self.find(id) {
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
        let index = self.by_household.get_mut().expect("`find` built the index");
        let hash = index.hash(id);
        let (households, text) = (&self.households, &self.text);
        index.find_or_insert(id, hash, h, |x| {
            let s = households[x as usize].id;
            &text[s.start as usize..s.end as usize]
        });
        h
    }

    /// Puts the stints in place of the touched residents' memberships,
    /// members in file order within each household, and works out the
    /// address of every household a stint touched for each span of days.
    /// `slot` is `UNTOUCHED` for each resident the history leaves alone.
    fn regroup(&mut self, slot: &[u32], stints: Vec<Stint>) {
        let n = self.households.len();
        let touched = |r: u32| slot.get(r as usize).is_some_and(|&k| k != UNTOUCHED);
        // (line, from, membership, resident, place) of each household.
        let mut extra: Map<u32, Vec<Entry>> = Map::default();
        let mut has_extra = vec![false; n];
        for s in stints {
            if let Some(flag) = has_extra.get_mut(s.household as usize) {
                *flag = true;
            }
            let line = self.residents[s.resident as usize].line;
            extra.entry(s.household).or_default().push((
                line,
                s.membership,
                s.resident,
                Some(s.place),
            ));
        }
        let mut members = Vec::with_capacity(self.members.len() + extra.len());
        let mut member_residents = Vec::with_capacity(members.capacity());
        for (h, &flagged) in has_extra.iter().enumerate() {
            let row = self.households[h];
            let (a, c) = (row.first as usize, row.count as usize);
            let found = if flagged {
                extra.remove(&(h as u32))
            } else {
                None
            };
            let Some(mut list) = found else {
                let first = members.len() as u32;
                for i in a..a + c {
                    if !touched(self.member_residents[i]) {
                        members.push(self.members[i]);
                        member_residents.push(self.member_residents[i]);
                    }
                }
                self.households[h].first = first;
                self.households[h].count = members.len() as u32 - first;
                continue;
            };
            for i in a..a + c {
                let r = self.member_residents[i];
                if !touched(r) {
                    let line = self.residents[r as usize].line;
                    list.push((line, self.members[i], r, None));
                }
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
            self.places.insert(h as u32, places);
        }
        self.members = members;
        self.member_residents = member_residents;
    }
}
