//! Special groups (重点人群): the `tags` of residents.csv, kept compactly.
//!
//! A city's roster has a few dozen distinct tag words and a few hundred
//! distinct combinations of them: each word is kept once (a number), each
//! combination once (a set of numbers, in the order written), and each
//! membership holds the number of its set (`Membership::tags`). Tags are
//! no personal data: they are always read, and kept in the roster cache.
//!
//! SPEC: a cell's words are separated by `;`, `；`, `、`, `,` (inside a
//! quoted cell) or `|`; a household carries the union of the tags of its
//! members active on the day, here in roster order, each word once.

use super::Membership;
use super::asof::Map;
use super::roster::{HouseholdRef, Roster};

/// The characters that separate the words of a `tags` cell.
pub const SEPARATORS: [char; 5] = [';', '；', '、', ',', '|'];

/// Set numbers from this one on do not fit a membership: the membership
/// holds `SPILLED` and the set is in `Tags::spill`.
pub(crate) const SPILLED: u16 = u16::MAX;

/// The tag words and their combinations of a roster.
#[derive(Default, Clone)]
pub struct Tags {
    /// Each distinct word, as written (trimmed).
    pub(crate) words: Vec<String>,
    /// Each distinct combination, as word numbers in written order; set 0
    /// is the empty one (once any set is made).
    pub(crate) sets: Vec<Box<[u32]>>,
    /// The set of a membership holding `SPILLED`: by (resident, first day).
    pub(crate) spill: Map<(u32, i32), u32>,
    word_ids: Map<String, u32>,
    set_ids: Map<Box<[u32]>, u32>,
    /// Cells already seen, as written: most rows repeat a cell.
    by_text: Map<String, u32>,
}

/// The words of a `tags` cell, trimmed, in order, each once.
pub fn split(cell: &str) -> Vec<&str> {
    let mut words: Vec<&str> = Vec::new();
    for w in cell.split(SEPARATORS).map(str::trim) {
        if !w.is_empty() && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

impl Tags {
    /// Whether no resident has a tag.
    pub fn is_empty(&self) -> bool {
        self.sets.len() <= 1
    }

    /// The number of a word, if any resident has it.
    pub fn word(&self, text: &str) -> Option<u32> {
        if self.word_ids.len() == self.words.len() {
            return self.word_ids.get(text).copied();
        }
        self.words.iter().position(|w| w == text).map(|i| i as u32)
    }

    /// Every word, in the order first met.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The words of set `set`.
    pub fn set(&self, set: u32) -> &[u32] {
        self.sets.get(set as usize).map_or(&[], |s| s)
    }

    /// The set of a cell's words (0 for none).
    pub fn intern(&mut self, cell: &str) -> u32 {
        if cell.trim().is_empty() {
            return 0;
        }
        if let Some(&s) = self.by_text.get(cell) {
            return s;
        }
        self.reindex();
        let mut ids: Vec<u32> = Vec::new();
        for w in split(cell) {
            let id = match self.word_ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.words.push(w.to_string());
                    self.word_ids.insert(w.to_string(), id);
                    id
                }
            };
            ids.push(id);
        }
        let set = self.set_of(ids);
        self.by_text.insert(cell.to_string(), set);
        set
    }

    fn set_of(&mut self, ids: Vec<u32>) -> u32 {
        if ids.is_empty() {
            return 0;
        }
        if self.sets.is_empty() {
            self.sets.push(Box::new([]));
        }
        let ids = ids.into_boxed_slice();
        if let Some(&s) = self.set_ids.get(&ids) {
            return s;
        }
        let s = self.sets.len() as u32;
        self.sets.push(ids.clone());
        self.set_ids.insert(ids, s);
        s
    }

    /// Builds the look-ups again after reading from the cache.
    fn reindex(&mut self) {
        if self.word_ids.len() != self.words.len() {
            self.word_ids = (self.words.iter().cloned()).zip(0..).collect();
        }
        if self.set_ids.len() + 1 != self.sets.len() && !self.sets.is_empty() {
            self.set_ids = (self.sets.iter().cloned()).zip(0..).skip(1).collect();
        }
    }

    /// Gives a membership of resident `r` set `set`.
    pub fn assign(&mut self, m: &mut Membership, r: u32, set: u32) {
        if set < u32::from(SPILLED) {
            m.tags = set as u16;
        } else {
            m.tags = SPILLED;
            self.spill.insert((r, m.from), set);
        }
    }

    /// The set of a membership of resident `r`.
    pub fn of(&self, m: &Membership, r: u32) -> u32 {
        if m.tags == SPILLED {
            self.spill.get(&(r, m.from)).copied().unwrap_or(0)
        } else {
            u32::from(m.tags)
        }
    }
}

impl<'a> HouseholdRef<'a> {
    /// The sets of the members active on the household's day (all of
    /// them without a day).
    fn tag_sets(&self) -> impl Iterator<Item = u32> + 'a {
        let roster = self.roster;
        let (a, n) = (self.row.first as usize, self.row.count as usize);
        let day = self.day.map(super::date::from_days);
        roster.members[a..a + n]
            .iter()
            .zip(&roster.member_residents[a..a + n])
            .filter(move |(m, _)| {
                m.tags != 0 && day.is_none_or(|d| crate::schedule::is_active(m, d))
            })
            .map(move |(m, &r)| roster.tags.of(m, r))
    }

    /// Its special groups on its day: the union of its active members'
    /// tags, in roster order, each once.
    pub fn tags(&self) -> Vec<&'a str> {
        let tags = &self.roster.tags;
        if tags.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        for s in self.tag_sets() {
            for &w in tags.set(s) {
                if !ids.contains(&w) {
                    ids.push(w);
                }
            }
        }
        ids.iter()
            .map(|&w| tags.words[w as usize].as_str())
            .collect()
    }

    /// Whether it carries any of these words (`Tags::word`) on its day.
    pub fn has_any_tag(&self, words: &[u32]) -> bool {
        if words.is_empty() || self.roster.tags.is_empty() {
            return false;
        }
        let tags = &self.roster.tags;
        self.tag_sets()
            .any(|s| tags.set(s).iter().any(|w| words.contains(w)))
    }
}

impl Roster {
    /// The tag words and sets of the roster.
    pub fn tags(&self) -> &Tags {
        &self.tags
    }

    /// The residents with tag word `word` on some day.
    pub fn residents_with_tag(&self, word: u32) -> impl Iterator<Item = usize> + '_ {
        self.members
            .iter()
            .zip(&self.member_residents)
            .filter(move |(m, r)| self.tags.set(self.tags.of(m, **r)).contains(&word))
            .map(|(_, &r)| r as usize)
    }

    /// The line of residents.csv of resident `r`.
    pub fn resident_line(&self, r: usize) -> u64 {
        self.residents[r].line
    }

    /// The numbers of these tag words (trimmed; those no resident has are
    /// left out: `Filter::check` refuses them).
    pub fn tag_words(&self, given: &[String]) -> Vec<u32> {
        given
            .iter()
            .filter_map(|g| self.tags.word(g.trim()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_separator_of_the_spec_and_no_other() {
        assert_eq!(
            split("独居老人;低保；残疾人、党员,高龄|退役军人"),
            ["独居老人", "低保", "残疾人", "党员", "高龄", "退役军人"]
        );
        assert_eq!(split(" 低保 ; ;低保"), ["低保"]);
        assert_eq!(split("低保，残疾人"), ["低保，残疾人"]);
        assert_eq!(split("低保/残疾人"), ["低保/残疾人"]);
        assert!(split("  ").is_empty());
    }

    #[test]
    fn the_roster_cache_keeps_them() {
        use crate::data::roster::{Load, from_table};
        use crate::data::table::Table;
        let text = "id,household,level,tags,until\nR1,H1,red,独居老人;低保,\nR2,H1,green,党员,2020-01-01\nR3,H2,red,,\n";
        let table = Table::from_bytes(std::path::Path::new("residents.csv"), text.as_bytes());
        let mut problems = Vec::new();
        let roster = from_table(table, Load::default(), &mut problems);
        let mut bytes = Vec::new();
        roster.write_cache(&mut bytes).unwrap();
        let mut back = Roster::from_bytes(&bytes).expect("a roster");
        let day = |d| crate::model::date::parse(d).unwrap();
        back.set_day(day("2019-06-01"));
        assert_eq!(back.household(0).tags(), ["独居老人", "低保", "党员"]);
        back.set_day(day("2020-06-01"));
        assert_eq!(back.household(0).tags(), ["独居老人", "低保"]);
        assert!(back.household(1).tags().is_empty());
        assert_eq!(back.tag_words(&["党员".into(), "x".into()]), [2]);
        // New sets after the cache are numbered after its own.
        assert_eq!(back.tags.intern("党员"), 2);
        assert_eq!(back.tags.intern("党员、低保"), 3);
    }

    #[test]
    fn a_membership_is_no_larger_for_its_tags() {
        // The rules walk every membership of a city: the set's number
        // fits in what the other fields leave.
        assert_eq!(std::mem::size_of::<Membership>(), 24);
    }

    #[test]
    fn words_and_sets_are_kept_once() {
        let mut t = Tags::default();
        assert_eq!(t.intern(""), 0);
        let a = t.intern("低保;残疾人");
        let b = t.intern("低保、残疾人");
        let c = t.intern("残疾人;低保");
        assert_eq!(a, b);
        assert_ne!(a, c, "the order written is kept");
        assert_eq!(t.words(), ["低保", "残疾人"]);
        assert_eq!(t.word("残疾人"), Some(1));
        assert_eq!(t.word("党员"), None);
        let mut m = Membership::new(super::super::Level::Red, None, None);
        t.assign(&mut m, 7, 70_000);
        assert_eq!((m.tags, t.of(&m, 7)), (SPILLED, 70_000));
    }
}
