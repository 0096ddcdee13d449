//! The roster: residents grouped into households, as a city holds them.
//!
//! A city's roster holds millions of rows, so the roster is compact: every
//! text lives in one buffer, the few distinct grids, buildings, units and
//! workers are kept once each, ids are found through hash tables of
//! indices, and names, phones and ID numbers are kept only when the
//! command shows them. Reading it is `data::roster`'s business.

use super::Membership;
use crate::model::index::{IdIndex, Inline, Tagged};

/// A text in the roster's buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct HouseholdRow {
    pub(crate) id: Span,
    pub(crate) grid: u32,
    pub(crate) building: u32,
    pub(crate) unit: u32,
    pub(crate) room: Span,
    pub(crate) visitor: u32,
    /// Its members: `members[first..first + count]`.
    pub(crate) first: u32,
    pub(crate) count: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ResidentRow {
    pub(crate) id: Span,
    pub(crate) household: u32,
    pub(crate) line: u64,
    /// Index into `personal`, or `u32::MAX` when not kept.
    pub(crate) personal: u32,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Personal {
    pub(crate) name: Span,
    pub(crate) phone: Span,
    pub(crate) id_number: Span,
}

#[derive(Default)]
pub struct Roster {
    pub(crate) text: String,
    /// Distinct grids, buildings, units and workers; 0 is "".
    pub(crate) names: Vec<String>,
    pub(crate) name_ids: hashbrown::HashMap<String, u32, foldhash::fast::FixedState>,
    pub(crate) households: Vec<HouseholdRow>,
    pub(crate) residents: Vec<ResidentRow>,
    pub(crate) personal: Vec<Personal>,
    /// Members grouped by household, in file order within each.
    pub(crate) members: Vec<Membership>,
    pub(crate) member_residents: Vec<u32>,
    /// Built while reading; after a snapshot, on the first lookup.
    pub(crate) by_household: std::sync::OnceLock<IdIndex<Inline>>,
    /// The household of the row added last.
    pub(crate) recent: Option<u32>,
    /// Which state of residents.csv this roster was read from, when the
    /// cache knows (`data::cache`): household indices are the same for
    /// every roster of the same origin.
    pub(crate) origin: Option<u64>,
    /// Built while reading only once resident ids stop coming in
    /// increasing order (while they do, none can repeat an earlier one);
    /// otherwise on the first lookup of a resident.
    pub(crate) by_resident: std::sync::OnceLock<IdIndex<Tagged>>,
    /// The file could not be read to its end (bad bytes, no header, a
    /// missing required column, a broken record): the roster holds only
    /// what came before, and a household missing from it may be in the
    /// file. A problem says why.
    pub(crate) cut_short: bool,
    /// The day the roster is looked at by default (`HouseholdRef`'s
    /// address and worker in charge), in days of the common era; `None`:
    /// as the file lists them.
    pub(crate) day: Option<i32>,
    /// The address of each household the roster history touched, for
    /// each span of days (`model::asof`).
    pub(crate) places: Vec<Vec<super::asof::Place>>,
    /// Per household, its list in `places` (`u32::MAX`: none); empty
    /// without a history.
    pub(crate) place_at: Vec<u32>,
    /// The households of each resident whose household the history
    /// changed: (first day, household), in order.
    pub(crate) moves: super::asof::Map<u32, Vec<(i32, u32)>>,
    /// The tag words and their combinations (`model::tags`).
    pub(crate) tags: super::tags::Tags,
    /// What the roster held as listed, before its history was applied
    /// (`model::asof`): the cache keeps only what the history changed.
    pub(crate) listed: Option<Box<super::asof::Listed>>,
}

impl std::fmt::Debug for Roster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roster")
            .field("households", &self.households.len())
            .field("residents", &self.residents.len())
            .finish()
    }
}

/// A household of the roster, as of a day (the roster's, unless asked
/// for another with `Roster::household_on`).
#[derive(Clone, Copy)]
pub struct HouseholdRef<'a> {
    pub(crate) roster: &'a Roster,
    pub(crate) index: usize,
    pub(crate) row: &'a HouseholdRow,
    pub(crate) day: Option<i32>,
}

impl<'a> HouseholdRef<'a> {
    pub fn index(&self) -> usize {
        self.index
    }
    pub fn roster(&self) -> &'a Roster {
        self.roster
    }
    pub fn id(&self) -> &'a str {
        self.roster.span(self.row.id)
    }
    /// Its address on the day, when the roster history moved it.
    fn place(&self) -> Option<&'a super::asof::Place> {
        let at = *self.roster.place_at.get(self.index)?;
        let day = self.day?;
        let places = self.roster.places.get(at as usize)?;
        let n = places.partition_point(|p| p.from <= day);
        places.get(n.checked_sub(1)?)
    }
    pub fn grid(&self) -> &'a str {
        let id = self.place().map_or(self.row.grid, |p| p.grid);
        &self.roster.names[id as usize]
    }
    pub fn building(&self) -> &'a str {
        let id = self.place().map_or(self.row.building, |p| p.building);
        &self.roster.names[id as usize]
    }
    pub fn unit(&self) -> &'a str {
        let id = self.place().map_or(self.row.unit, |p| p.unit);
        &self.roster.names[id as usize]
    }
    pub fn room(&self) -> &'a str {
        self.roster
            .span(self.place().map_or(self.row.room, |p| p.room))
    }
    /// The worker in charge on the day (SPEC "Worker in charge"); without
    /// a day, the first non-empty 负责人 of its members.
    pub fn visitor(&self) -> &'a str {
        let id = match self.day {
            Some(d) => crate::schedule::in_charge(self.members(), super::date::from_days(d)),
            None => self.row.visitor,
        };
        &self.roster.names[id as usize]
    }
    /// The same household as of day `d`.
    pub fn on(&self, d: chrono::NaiveDate) -> HouseholdRef<'a> {
        HouseholdRef {
            day: Some(super::date::days(d)),
            ..*self
        }
    }
    /// The rule-relevant dates of each member, in file order.
    pub fn members(&self) -> &'a [Membership] {
        let (a, n) = (self.row.first as usize, self.row.count as usize);
        &self.roster.members[a..a + n]
    }
    /// Its residents, in file order (parallel to `members`).
    pub fn residents(&self) -> impl Iterator<Item = ResidentRef<'a>> + 'a {
        let (a, n) = (self.row.first as usize, self.row.count as usize);
        let roster = self.roster;
        roster.member_residents[a..a + n]
            .iter()
            .map(move |&r| roster.resident(r as usize))
    }
    /// A walking address such as "红旗网格 1栋 1单元 101".
    pub fn address(&self) -> String {
        let parts = [self.grid(), self.building(), self.unit(), self.room()];
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A resident of the roster.
#[derive(Clone, Copy)]
pub struct ResidentRef<'a> {
    pub(crate) roster: &'a Roster,
    pub(crate) index: usize,
    pub(crate) row: &'a ResidentRow,
}

impl<'a> ResidentRef<'a> {
    pub fn index(&self) -> usize {
        self.index
    }
    pub fn id(&self) -> &'a str {
        self.roster.span(self.row.id)
    }
    pub fn household(&self) -> usize {
        self.row.household as usize
    }
    fn personal(&self) -> Personal {
        self.roster
            .personal
            .get(self.row.personal as usize)
            .copied()
            .unwrap_or_default()
    }
    pub fn name(&self) -> &'a str {
        self.roster.span(self.personal().name)
    }
    pub fn phone(&self) -> &'a str {
        self.roster.span(self.personal().phone)
    }
    pub fn id_number(&self) -> &'a str {
        self.roster.span(self.personal().id_number)
    }
}

impl Roster {
    pub(crate) fn span(&self, s: Span) -> &str {
        &self.text[s.start as usize..s.end as usize]
    }

    pub(crate) fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len() as u32,
        }
    }

    pub(crate) fn name_id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(text) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(text.to_string());
        self.name_ids.insert(text.to_string(), id);
        id
    }

    /// Whether the file could not be read to its end: the roster lacks
    /// households that may be in it, so no visit or need can be called
    /// a visit to an unknown household.
    pub fn cut_short(&self) -> bool {
        self.cut_short
    }

    pub fn households_len(&self) -> usize {
        self.households.len()
    }

    pub fn residents_len(&self) -> usize {
        self.residents.len()
    }

    pub fn household(&self, index: usize) -> HouseholdRef<'_> {
        HouseholdRef {
            roster: self,
            index,
            row: &self.households[index],
            day: self.day,
        }
    }

    /// Starts loading what showing household `index` reads: its row, or
    /// with `parts` (the row asked for some steps before) its id, room
    /// and members. A caller that goes through a city's households in an
    /// order of its own (most urgent first) asks a few rows ahead, so that
    /// their loads overlap instead of each waiting on memory in turn.
    pub fn prefetch_household(&self, index: usize, parts: bool) {
        use super::index::prefetch;
        let Some(row) = self.households.get(index) else {
            return;
        };
        if !parts {
            prefetch(row);
            return;
        }
        for at in [row.id.start, row.room.start] {
            if let Some(b) = self.text.as_bytes().get(at as usize) {
                prefetch(b);
            }
        }
        if let Some(m) = self.members.get(row.first as usize) {
            prefetch(m);
        }
    }

    /// Lets go of the index of household ids, for a caller that will look
    /// up none (a later lookup builds it again).
    pub fn forget_household_index(&mut self) {
        self.by_household = std::sync::OnceLock::new();
    }

    /// A household as of day `d`.
    pub fn household_on(&self, index: usize, d: chrono::NaiveDate) -> HouseholdRef<'_> {
        self.household(index).on(d)
    }

    /// The day the roster is looked at by default, if set.
    pub fn day(&self) -> Option<i32> {
        self.day
    }

    /// Looks at the roster as of `d` by default.
    pub fn set_day(&mut self, d: chrono::NaiveDate) {
        self.day = Some(super::date::days(d));
    }

    /// Whether the roster history changed the household's address.
    pub fn moved(&self, household: usize) -> bool {
        self.place_at
            .get(household)
            .and_then(|&at| self.places.get(at as usize))
            .is_some_and(|p| p.len() > 1)
    }

    /// Makes room, once, for about `households` households and `rows`
    /// residents being read, so that a city's roster is not copied as it
    /// grows. In ordinary pages: these are written once, front to back,
    /// and a huge page fresh from the system costs far more to fault in
    /// than its 512 small ones (on a virtual machine that hands memory
    /// back to its host, 1.9 s against 2.6 s for `due` at 1M households
    /// with no cache); only the household index, read at random, is
    /// worth its huge pages.
    pub(crate) fn make_room(&mut self, households: usize, rows: usize) {
        fn room<T>(v: &mut Vec<T>, n: usize) {
            v.reserve_exact(n.saturating_sub(v.len()));
        }
        room(&mut self.households, households);
        room(&mut self.residents, rows);
        room(&mut self.members, rows);
        room(&mut self.member_residents, rows);
    }

    /// Whether a roster history was applied to it.
    pub fn has_history(&self) -> bool {
        !self.places.is_empty() || self.members.iter().any(|m| !m.always())
    }

    pub fn households(&self) -> impl Iterator<Item = HouseholdRef<'_>> {
        (0..self.households.len()).map(|i| self.household(i))
    }

    pub fn resident(&self, index: usize) -> ResidentRef<'_> {
        ResidentRef {
            roster: self,
            index,
            row: &self.residents[index],
        }
    }

    /// The household with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.find_hashed(id, self.household_hash(id))
    }

    /// The hash `find_hashed` takes (see `touch_household`).
    pub fn household_hash(&self, id: &str) -> u64 {
        self.household_index().hash(id)
    }

    /// Starts loading what finding a household of this hash reads; a
    /// caller with many ids to find touches them all first.
    pub fn touch_household(&self, hash: u64) {
        self.household_index().touch(hash)
    }

    pub fn find_hashed(&self, id: &str, hash: u64) -> Option<usize> {
        self.household_index()
            .find(id, hash, |h| self.span(self.households[h as usize].id))
            .map(|h| h as usize)
    }

    /// The household index, if made, to add to; with the ids of its
    /// households by index (for ids it does not hold whole).
    pub(crate) fn household_index_mut<'r>(
        &'r mut self,
    ) -> Option<(&'r mut IdIndex<Inline>, impl Fn(u32) -> &'r str + Copy)> {
        let (households, text) = (&self.households, &self.text);
        let ids = move |x: u32| {
            let s = households[x as usize].id;
            &text[s.start as usize..s.end as usize]
        };
        self.by_household.get_mut().map(|index| (index, ids))
    }

    pub(crate) fn household_index(&self) -> &IdIndex<Inline> {
        self.by_household.get_or_init(|| {
            let mut index = IdIndex::<Inline>::with_capacity(self.households.len());
            for (h, row) in self.households.iter().enumerate() {
                let id = self.span(row.id);
                let hash = index.hash(id);
                index.find_or_insert(id, hash, h as u32, |x| {
                    self.span(self.households[x as usize].id)
                });
            }
            index
        })
    }

    /// The index of the resident with this id.
    pub fn find_resident_id(&self, id: &str) -> Option<usize> {
        self.find_resident(id)
    }

    /// The household of a resident id, as the roster lists it today.
    pub fn household_of_resident(&self, id: &str) -> Option<usize> {
        self.find_resident(id)
            .map(|r| self.residents[r].household as usize)
    }

    /// The household of a resident id on day `d` (the roster history's
    /// moves applied).
    pub fn household_of_resident_on(&self, id: &str, d: chrono::NaiveDate) -> Option<usize> {
        let r = self.find_resident(id)?;
        Some(self.household_of_on(r, d))
    }

    /// The household of resident `r` on day `d`.
    pub fn household_of_on(&self, r: usize, d: chrono::NaiveDate) -> usize {
        let Some(moves) = self.moves.get(&(r as u32)) else {
            return self.residents[r].household as usize;
        };
        let day = super::date::days(d);
        let n = moves.partition_point(|(from, _)| *from <= day);
        moves
            .get(n.saturating_sub(1))
            .map_or(self.residents[r].household as usize, |&(_, h)| h as usize)
    }

    pub(crate) fn find_resident(&self, id: &str) -> Option<usize> {
        let index = self.by_resident.get_or_init(|| self.resident_index());
        let hash = index.hash(id);
        index
            .find(id, hash, |r| self.span(self.residents[r as usize].id))
            .map(|r| r as usize)
    }

    /// An index of every resident read so far.
    pub(crate) fn resident_index(&self) -> IdIndex<Tagged> {
        let mut index = IdIndex::<Tagged>::default();
        for (r, row) in self.residents.iter().enumerate() {
            let id = self.span(row.id);
            let hash = index.hash(id);
            index.find_or_insert(id, hash, r as u32, |x| {
                self.span(self.residents[x as usize].id)
            });
        }
        index
    }
}
