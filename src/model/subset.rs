//! A part of the roster: some of its households with their members,
//! residents, addresses over time and special groups, as a roster of its
//! own. A worker's list is worked out from the households the worker may
//! be in charge of (`data::cache`'s worker slices) without the whole city.

use super::asof::Map;
use super::roster::{HouseholdRow, ResidentRow, Roster};

impl Roster {
    /// The households `keep` (indices, in increasing order) as a roster of
    /// their own, in the same order: their members in theirs, the residents
    /// the members stand for in the roster's order. Every name and tag word
    /// is kept (they are few), so that names compare as in the whole. A
    /// resident's moves keep the days spent in kept households; a resident
    /// listed in a household that is not kept is listed in the first kept
    /// one its memberships name. No personal data is carried over.
    pub fn subset(&self, keep: &[u32]) -> Roster {
        let mut out = Roster {
            tags: self.tags.clone(),
            ..Roster::default()
        };
        // The names it uses, renumbered ("" stays 0).
        out.name_id("");
        let mut names: Map<u32, u32> = Map::default();
        let mut name = |out: &mut Roster, id: u32| -> u32 {
            *names
                .entry(id)
                .or_insert_with(|| out.name_id(&self.names[id as usize]))
        };
        let mut new_household: Map<u32, u32> = Map::default();
        for (k, &h) in keep.iter().enumerate() {
            new_household.insert(h, k as u32);
        }
        // The residents the kept members stand for, in the roster's order.
        let mut wanted: Vec<u32> = keep
            .iter()
            .flat_map(|&h| {
                let row = &self.households[h as usize];
                let (a, n) = (row.first as usize, row.count as usize);
                self.member_residents[a..a + n].iter().copied()
            })
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut new_resident: Map<u32, u32> = Map::default();
        for (k, &r) in wanted.iter().enumerate() {
            new_resident.insert(r, k as u32);
        }
        let mut first_home: Map<u32, u32> = Map::default();
        for (k, &h) in keep.iter().enumerate() {
            let row = self.households[h as usize];
            let (a, n) = (row.first as usize, row.count as usize);
            let first = out.members.len() as u32;
            for i in a..a + n {
                let r = self.member_residents[i];
                first_home.entry(r).or_insert(k as u32);
                let mut m = self.members[i];
                m.visitor = name(&mut out, m.visitor);
                out.members.push(m);
                out.member_residents.push(new_resident[&r]);
            }
            let id = out.push_text(self.span(row.id));
            let room = out.push_text(self.span(row.room));
            let (grid, building) = (name(&mut out, row.grid), name(&mut out, row.building));
            let (unit, visitor) = (name(&mut out, row.unit), name(&mut out, row.visitor));
            out.households.push(HouseholdRow {
                id,
                grid,
                building,
                unit,
                room,
                visitor,
                first,
                count: n as u32,
            });
        }
        for &r in &wanted {
            let row = self.residents[r as usize];
            let household = new_household
                .get(&row.household)
                .copied()
                .unwrap_or(first_home[&r]);
            let id = out.push_text(self.span(row.id));
            out.residents.push(ResidentRow {
                id,
                household,
                line: row.line,
                personal: u32::MAX,
            });
        }
        if !self.place_at.is_empty() {
            for &h in keep {
                let at = self.place_at.get(h as usize).copied().unwrap_or(u32::MAX);
                let Some(list) = self.places.get(at as usize) else {
                    out.place_at.push(u32::MAX);
                    continue;
                };
                let list = list
                    .iter()
                    .map(|p| super::asof::Place {
                        from: p.from,
                        grid: name(&mut out, p.grid),
                        building: name(&mut out, p.building),
                        unit: name(&mut out, p.unit),
                        room: out.push_text(self.span(p.room)),
                    })
                    .collect();
                out.place_at.push(out.places.len() as u32);
                out.places.push(list);
            }
        }
        for (&r, list) in &self.moves {
            let Some(&nr) = new_resident.get(&r) else {
                continue;
            };
            let kept: Vec<(i32, u32)> = list
                .iter()
                .filter_map(|&(from, h)| new_household.get(&h).map(|&k| (from, k)))
                .collect();
            if !kept.is_empty() {
                out.moves.insert(nr, kept);
            }
        }
        out.tags.spill = self
            .tags
            .spill
            .iter()
            .filter_map(|(&(r, from), &set)| new_resident.get(&r).map(|&nr| ((nr, from), set)))
            .collect();
        out
    }

    /// The residents household `h`'s members stand for, in its order.
    pub(crate) fn member_residents_of(&self, h: usize) -> &[u32] {
        let row = &self.households[h];
        &self.member_residents[row.first as usize..(row.first + row.count) as usize]
    }

    /// Each worker the roster names with the households (in order) any
    /// of whose members names them, or that the file lists them for: the
    /// households they may be in charge of on some day.
    pub(crate) fn households_by_worker(&self) -> Vec<(&str, Vec<u32>)> {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.names.len()];
        for (h, row) in self.households.iter().enumerate() {
            let (a, n) = (row.first as usize, row.count as usize);
            let named = self.members[a..a + n].iter().map(|m| m.visitor);
            for v in std::iter::once(row.visitor).chain(named) {
                if v != 0 && lists[v as usize].last() != Some(&(h as u32)) {
                    lists[v as usize].push(h as u32);
                }
            }
        }
        (self.names.iter().map(String::as_str))
            .zip(lists)
            .filter(|(_, list)| !list.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::data::roster::Load;
    use crate::model::Membership;

    fn roster(text: &str) -> crate::model::roster::Roster {
        let mut problems = Vec::new();
        let t = crate::data::table::Table::from_bytes(
            std::path::Path::new("residents.csv"),
            text.as_bytes(),
        );
        crate::data::roster::from_table(t, Load::default(), &mut problems)
    }

    #[test]
    fn a_subset_keeps_its_households_members_and_names() {
        let r = roster(
            "id,household,level,grid,building,visitor\n\
             A1,H1,red,G1,B1,W1\nA2,H2,green,G1,B2,W2\nA3,H1,yellow,G1,B1,W2\nA4,H3,orange,G2,B9,W1\n",
        );
        let s = r.subset(&[0, 2]);
        assert_eq!(s.households_len(), 2);
        let ids: Vec<&str> = s.households().map(|h| h.id()).collect();
        assert_eq!(ids, ["H1", "H3"]);
        let h1 = s.household(0);
        let members: Vec<&str> = h1.residents().map(|r| r.id()).collect();
        assert_eq!(members, ["A1", "A3"]);
        let levels: Vec<_> = h1.members().iter().map(|m: &Membership| m.level).collect();
        assert_eq!(
            levels,
            [crate::model::Level::Red, crate::model::Level::Yellow]
        );
        assert_eq!(
            (s.household(1).grid(), s.household(1).building()),
            ("G2", "B9")
        );
        assert_eq!(s.household(1).visitor(), "W1");
        assert_eq!(s.find("H3"), Some(1));
        assert_eq!(s.find("H2"), None);
        assert_eq!(s.resident(2).household(), 1);
    }
}
