//! The report's figures: counts per level, household-periods required and
//! met, the coverage, and the rates and changes derived from them (rounded
//! to four decimals for JSON).

use serde::Serialize;

use super::{GridRow, TrendRow, WorkerRow};
use crate::model::Level;

/// Counts per level, serialized as `{"red": n, "orange": n, ...}`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PerLevel<T>(pub [T; 4]);

impl<T: Serialize> Serialize for PerLevel<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        for level in Level::ALL {
            m.serialize_entry(level.word(), &self.0[level.index()])?;
        }
        m.end()
    }
}

impl<T> std::ops::Index<Level> for PerLevel<T> {
    type Output = T;
    fn index(&self, level: Level) -> &T {
        &self.0[level.index()]
    }
}

impl<T> std::ops::IndexMut<Level> for PerLevel<T> {
    fn index_mut(&mut self, level: Level) -> &mut T {
        &mut self.0[level.index()]
    }
}

/// Household-periods that had to hold a visit, and those that did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub required: u64,
    pub met: u64,
}

impl Compliance {
    /// The share met, when anything was required.
    pub fn rate(&self) -> Option<f64> {
        (self.required > 0).then(|| self.met as f64 / self.required as f64)
    }

    pub(super) fn add(&mut self, other: Compliance) {
        self.required += other.required;
        self.met += other.met;
    }
}

impl PerLevel<Compliance> {
    /// All levels together.
    pub fn total(&self) -> Compliance {
        self.0.iter().fold(Compliance::default(), |mut t, c| {
            t.add(*c);
            t
        })
    }

    /// Adds another's figures, level by level.
    pub(super) fn add(&mut self, other: &PerLevel<Compliance>) {
        for level in Level::ALL {
            self[level].add(other[level]);
        }
    }

    /// Each level's rate, rounded.
    pub(super) fn rates(&self) -> PerLevel<Option<f64>> {
        PerLevel(self.0.map(|c| rounded(c.rate())))
    }
}

/// A rate rounded to four decimals, for JSON.
pub(super) fn rounded(rate: Option<f64>) -> Option<f64> {
    rate.map(|r| (r * 10_000.0).round() / 10_000.0)
}

/// 走访覆盖率: how many of the households active on the as-of date were
/// visited in the span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Households active on the as-of date (the sum of `households`).
    pub households: u64,
    /// Of them, those with at least one visit in the span.
    pub visited: u64,
    pub rate: Option<f64>,
}

impl Coverage {
    pub(super) fn new(households: u64, visited: u64) -> Coverage {
        Coverage {
            households,
            visited,
            rate: rounded((households > 0).then(|| visited as f64 / households as f64)),
        }
    }
}

impl GridRow {
    /// Fills the grid's rate from its figures.
    pub(super) fn rate(&mut self) {
        self.compliance_rate = rounded(self.compliance.total().rate());
    }
}

impl WorkerRow {
    /// Fills the worker's rate from the figures of their households.
    pub(super) fn rate(&mut self) {
        self.compliance_rate = rounded(self.compliance_in_charge.rate());
    }
}

impl TrendRow {
    /// Fills the change against `before`, the month before this one. A
    /// month without a single visit record (before the records began) is
    /// nothing to compare with: the changes stay none.
    pub(super) fn against(&mut self, before: &TrendRow) {
        self.against_counts(before.visits, before.compliance.total());
    }

    /// The same from the month before's visits and household-periods,
    /// which are kept (a roll-up adds them up for its first month).
    pub(super) fn against_counts(&mut self, visits: u64, compliance: Compliance) {
        self.compliance_before = Some(compliance);
        if visits == 0 {
            return;
        }
        self.visits_change = Some(self.visits as i64 - visits as i64);
        self.visits_change_rate = rounded(Some(self.visits as f64 / visits as f64 - 1.0));
        self.compliance_rate_change = match (self.compliance.total().rate(), compliance.rate()) {
            (Some(now), Some(then)) => rounded(Some(now - then)),
            _ => None,
        };
    }
}
