//! The filters of the listing commands (`--grid`, `--building`,
//! `--visitor` of `due`, `households` and `needs`): which households they
//! let through, and the check that every value given names something in
//! the data. A misspelled value (`--grid 西岗` for 西岗网格) would let
//! nothing through and print the all-clear, which in cron silently stops
//! the overdue mail; it is refused instead (exit 2) with what the user
//! may have meant. A value that is in the data but matches no household
//! today is no mistake, and lists nothing as before.
//!
//! A new filter (`--tag`) is a new `FilterField`, its values in
//! `roster_values`, and a line in `Filter::check`.

use std::collections::BTreeSet;

use super::order::natural_cmp;
use crate::error::Error;
use crate::error::Usage;
use crate::model::roster::{HouseholdRef, Roster};
use crate::model::{FilterField, Level};
use crate::privacy::shown_place;

/// How many of the data's values a refusal lists when it has nothing
/// nearer to offer.
const LISTED: usize = 12;

/// How many suggestions a refusal offers at most.
const SUGGESTED: usize = 3;

/// Which households to consider; an empty list lets every value through.
pub struct Filter<'a> {
    pub grid: &'a [String],
    pub building: &'a [String],
    pub visitor: &'a [String],
    pub levels: &'a [Level],
    pub tags: Tagged<'a>,
}

/// `--tag`: the households carrying any of these special groups on their
/// day (the words as written, trimmed).
#[derive(Default)]
pub struct Tagged<'a> {
    given: &'a [String],
    words: std::sync::OnceLock<Vec<u32>>,
}

impl<'a> Tagged<'a> {
    pub fn new(given: &'a [String]) -> Tagged<'a> {
        Tagged {
            given,
            words: std::sync::OnceLock::new(),
        }
    }

    /// Whether any tag was given (an empty list lets every household through).
    pub fn given(&self) -> bool {
        self.given.iter().any(|g| !g.trim().is_empty())
    }

    /// Whether `h` passes (on its day).
    pub fn admits(&self, h: &HouseholdRef<'_>) -> bool {
        if !self.given() {
            return true;
        }
        let words = self.words.get_or_init(|| h.roster().tag_words(self.given));
        h.has_any_tag(words)
    }

    /// Refuses a tag no resident has.
    pub fn check(&self, roster: &Roster) -> Result<(), Error> {
        check(FilterField::Tag, self.given, || {
            roster.tags().words().iter().map(String::as_str)
        })
    }
}

impl Filter<'_> {
    pub fn admits(&self, h: &HouseholdRef<'_>, level: Level) -> bool {
        let one = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x.trim() == v);
        one(self.grid, h.grid())
            && one(self.building, h.building())
            && one(self.visitor, h.visitor())
            && (self.levels.is_empty() || self.levels.contains(&level))
            && self.tags.admits(h)
    }

    /// Refuses the first value that names nothing in the roster.
    pub fn check(&self, roster: &Roster) -> Result<(), Error> {
        for (field, given) in [
            (FilterField::Grid, self.grid),
            (FilterField::Building, self.building),
            (FilterField::Visitor, self.visitor),
        ] {
            check(field, given, || roster_values(roster, field))?;
        }
        self.tags.check(roster)
    }
}

/// The levels of `--level`.
pub fn levels(words: &[String]) -> Result<Vec<Level>, Error> {
    words
        .iter()
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            Level::parse(w).ok_or_else(|| {
                Error::Usage(Usage::BadLevelFlag {
                    value: w.clone(),
                    suggestion: crate::model::suggest_level(w),
                })
            })
        })
        .collect()
}

/// The household a command's argument names (`visit`, `need add`,
/// `history`): a household id, or a resident's id standing for their
/// household. One the roster lacks is refused (exit 2) in the same
/// words by every command, with the nearest household id if one is near.
pub fn household(roster: &Roster, text: &str) -> Result<usize, Error> {
    let wanted = text.trim();
    roster
        .find(wanted)
        .or_else(|| {
            let day = roster.day().map(crate::model::date::from_days);
            match day {
                Some(d) => roster.household_of_resident_on(wanted, d),
                None => roster.household_of_resident(wanted),
            }
        })
        .ok_or_else(|| {
            Error::Usage(Usage::NoSuchHousehold {
                id: crate::privacy::shown_value(wanted),
                suggestion: nearest_household(roster, wanted),
            })
        })
}

/// The household id nearest to a mistyped one, if one is near (at most a
/// third of its characters differ).
fn nearest_household(roster: &Roster, id: &str) -> Option<String> {
    let limit = (id.chars().count() / 3).max(1);
    roster
        .households()
        .map(|h| (strsim::osa_distance(id, h.id()), h.id()))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, h)| h.to_string())
}

/// The values of `field` the roster's households hold (with repeats).
pub fn roster_values(roster: &Roster, field: FilterField) -> impl Iterator<Item = &str> {
    roster.households().map(move |h| match field {
        FilterField::Grid => h.grid(),
        FilterField::Building => h.building(),
        FilterField::Visitor => h.visitor(),
        FilterField::Tag => "",
    })
}

/// Refuses the first value of `given` (trimmed; empty ones are not
/// checked) that is none of `values`, with the values it nearly spells,
/// or else the values there are. `values` is walked once per value given
/// while they are found, and in full only to word a refusal.
pub fn check<'a, I>(
    field: FilterField,
    given: &[String],
    values: impl Fn() -> I,
) -> Result<(), Error>
where
    I: Iterator<Item = &'a str>,
{
    for value in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        if values().any(|k| k == value) {
            continue;
        }
        let known: BTreeSet<&str> = values().filter(|k| !k.is_empty()).collect();
        let suggestions = suggest(value, &known);
        let mut listed: Vec<&str> = if suggestions.is_empty() {
            known.iter().copied().collect()
        } else {
            Vec::new()
        };
        listed.sort_by(|a, b| natural_cmp(a, b));
        listed.truncate(LISTED);
        return Err(Error::Usage(Usage::UnknownFilterValue {
            field,
            value: shown_place(value),
            suggestions: suggestions.iter().map(|s| shown_place(s)).collect(),
            known: listed.iter().map(|s| shown_place(s)).collect(),
            total: known.len(),
        }));
    }
    Ok(())
}

/// What a value that names nothing may have meant, best first: the same
/// value but for case and spaces; else the values that contain it or that
/// it contains, never splitting a number (`西岗` → 西岗网格, `3` → 3栋 but
/// not 13栋), or that carry the same numbers (`3号楼` → 3栋); else a near
/// spelling with the same numbers (`赵卫冬` → 赵卫东, never 4栋 for 3栋).
/// At most a few, and nothing for a value too short or too long to judge.
pub fn suggest<'a>(value: &str, known: &BTreeSet<&'a str>) -> Vec<&'a str> {
    let v = fold(value);
    let len = v.chars().count();
    if len == 0 || len > 64 {
        return Vec::new();
    }
    let numbers = numbers_of(&v);
    let same_but_case: Vec<&str> = known.iter().copied().filter(|k| fold(k) == v).collect();
    if !same_but_case.is_empty() {
        return best(same_but_case, &v);
    }
    // A part is telling when it holds a number or two characters or more
    // (`栋` alone is in every building).
    let telling = |part: &str| part.chars().count() >= 2 || !numbers_of(part).is_empty();
    let related: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| {
            let k = fold(k);
            (telling(&v) && contains_whole(&k, &v))
                || (telling(&k) && contains_whole(&v, &k))
                || (!numbers.is_empty() && numbers_of(&k) == numbers)
        })
        .collect();
    if !related.is_empty() {
        return best(related, &v);
    }
    if len < 2 {
        return Vec::new();
    }
    let limit = (len / 3).max(1);
    let near: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| {
            let k = fold(k);
            numbers_of(&k) == numbers && strsim::osa_distance(&k, &v) <= limit
        })
        .collect();
    best(near, &v)
}

/// The nearest few of `found`, in order of distance, then natural order.
fn best<'a>(mut found: Vec<&'a str>, v: &str) -> Vec<&'a str> {
    found.sort_by(|a, b| {
        strsim::osa_distance(&fold(a), v)
            .cmp(&strsim::osa_distance(&fold(b), v))
            .then_with(|| natural_cmp(a, b))
    });
    found.truncate(SUGGESTED);
    found
}

/// A value as compared for suggestions: lower case, without spaces.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `outer` holds `inner` (shorter, not empty) at a place where no
/// number is cut: `3` is in 3栋 and B3, not in 13栋 or 30栋.
fn contains_whole(outer: &str, inner: &str) -> bool {
    if inner.is_empty() || inner.len() >= outer.len() {
        return false;
    }
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    outer.match_indices(inner).any(|(at, _)| {
        let before = outer[..at].chars().next_back();
        let after = outer[at + inner.len()..].chars().next();
        let cuts_before = digit(before) && digit(inner.chars().next());
        let cuts_after = digit(after) && digit(inner.chars().next_back());
        !cuts_before && !cuts_after
    })
}

/// The numbers a value carries, as written (`3号楼2单元` → [3, 2]).
fn numbers_of(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggested(value: &str, known: &[&'static str]) -> Vec<&'static str> {
        suggest(value, &known.iter().copied().collect())
    }

    #[test]
    fn suggestions_are_what_a_person_meant() {
        let grids = ["东岗网格", "河湾网格", "西岗网格"];
        assert_eq!(suggested("西岗", &grids), ["西岗网格"]);
        assert_eq!(suggested("西刚网格", &grids), ["西岗网格"]);
        assert_eq!(suggested("西岗网格社区", &grids), ["西岗网格"]);
        assert_eq!(suggested("网格", &grids), grids);
        assert!(suggested("北山", &grids).is_empty());
        let buildings = ["1栋", "2栋", "3栋", "13栋", "23栋", "30栋"];
        assert_eq!(suggested("3", &buildings), ["3栋"]);
        assert_eq!(suggested("3号楼", &buildings), ["3栋"]);
        assert_eq!(suggested("3 栋", &buildings), ["3栋"]);
        assert!(suggested("4栋", &buildings).is_empty());
        assert!(suggested("4", &buildings).is_empty());
        assert!(suggested("栋", &buildings).is_empty());
        assert_eq!(suggested("栋", &["1栋", "2栋", "3栋", "5栋"]).len(), 0);
        assert_eq!(suggested("楼", &["1楼"]).len(), 0);
        assert_eq!(
            suggested("网格", &["A网格", "B网格", "C网格", "D网格"]).len(),
            SUGGESTED
        );
        let workers = ["赵卫东", "马春英", "赵丽"];
        assert_eq!(suggested("赵卫", &workers), ["赵卫东"]);
        assert_eq!(suggested("赵卫冬", &workers), ["赵卫东"]);
        assert!(suggested("王", &workers).is_empty());
        assert_eq!(suggested("g1", &["G1", "G2"]), ["G1"]);
        assert!(suggested("G3", &["G1", "G2"]).is_empty());
        assert!(suggested("", &["G1"]).is_empty());
        assert!(suggested(&"x".repeat(100), &["x"]).is_empty());
    }

    #[test]
    fn numbers_are_never_cut() {
        assert!(contains_whole("3栋", "3"));
        assert!(contains_whole("b3", "3"));
        assert!(!contains_whole("13栋", "3"));
        assert!(!contains_whole("30栋", "3"));
        assert!(contains_whole("西岗网格", "西岗"));
        assert!(!contains_whole("3", "3"));
        assert_eq!(numbers_of("3号楼2单元"), ["3", "2"]);
    }
}
