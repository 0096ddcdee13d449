//! The roster's change log (history.csv, 名册变更记录): what each change
//! says, and the roster as of any day that follows from it (SPEC "The
//! roster as of day d"). Reading the file is `data::history`'s business.

use chrono::NaiveDate;

use super::Level;
use super::date;

/// A field of the roster that history.csv tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Level,
    Household,
    Visitor,
    Grid,
    Building,
    Unit,
    Room,
    Tags,
    Since,
    Until,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Level,
        Field::Household,
        Field::Visitor,
        Field::Grid,
        Field::Building,
        Field::Unit,
        Field::Room,
        Field::Tags,
        Field::Since,
        Field::Until,
    ];

    /// The SPEC's name, as history.csv writes it.
    pub fn word(self) -> &'static str {
        match self {
            Field::Level => "level",
            Field::Household => "household",
            Field::Visitor => "visitor",
            Field::Grid => "grid",
            Field::Building => "building",
            Field::Unit => "unit",
            Field::Room => "room",
            Field::Tags => "tags",
            Field::Since => "since",
            Field::Until => "until",
        }
    }

    /// The Chinese header of the roster's column.
    pub fn zh(self) -> &'static str {
        match self {
            Field::Level => "关注等级",
            Field::Household => "户号",
            Field::Visitor => "负责人",
            Field::Grid => "网格",
            Field::Building => "楼栋",
            Field::Unit => "单元",
            Field::Room => "房号",
            Field::Tags => "标签",
            Field::Since => "登记日期",
            Field::Until => "迁出日期",
        }
    }

    /// A field as history.csv names it: the SPEC's word (any case) or the
    /// Chinese header of the roster's column (its aliases too).
    pub fn parse(text: &str) -> Option<Field> {
        let t = text.trim();
        Field::ALL
            .into_iter()
            .find(|f| t.eq_ignore_ascii_case(f.word()) || f.aliases().contains(&t))
    }

    /// The Chinese headers of the roster's column (as residents.csv
    /// accepts them), simplified and traditional.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Level => &["关注等级", "等级", "關注等級", "等級"],
            Field::Household => &["户号", "户编号", "戶號", "戶編號"],
            Field::Visitor => &["负责人", "网格员", "負責人", "網格員"],
            Field::Grid => &["网格", "網格"],
            Field::Building => &["楼栋", "楼号", "樓棟", "樓號"],
            Field::Unit => &["单元", "單元"],
            Field::Room => &["房号", "门牌号", "房號", "門牌號"],
            Field::Tags => &["标签", "类别", "標籤", "類別"],
            Field::Since => &["登记日期", "登記日期"],
            Field::Until => &["注销日期", "迁出日期", "註銷日期", "遷出日期"],
        }
    }

    /// Whether some values are none this field can hold (`valid`).
    pub fn checked(self) -> bool {
        matches!(self, Field::Level | Field::Since | Field::Until)
    }

    /// Whether a value is one this field can hold (a level for `level`, a
    /// date or nothing for `since` and `until`).
    pub fn valid(self, value: &str) -> bool {
        match self {
            Field::Level => Level::parse(value).is_some(),
            Field::Since | Field::Until => value.trim().is_empty() || date::parse(value).is_ok(),
            _ => true,
        }
    }

    /// Whether two values mean the same: levels by rank, dates as dates,
    /// the rest as trimmed text.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            Field::Level => match (Level::parse(a), Level::parse(b)) {
                (Some(x), Some(y)) => x == y,
                _ => a.trim() == b.trim(),
            },
            Field::Since | Field::Until => match (a.trim(), b.trim()) {
                ("", "") => true,
                (x, y) => match (date::parse(x), date::parse(y)) {
                    (Ok(p), Ok(q)) => p == q,
                    _ => x == y,
                },
            },
            _ => a.trim() == b.trim(),
        }
    }
}

/// One row of history.csv: from `date` on, the resident's `field` is
/// `to`; before it, it was `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The physical line where the row starts (the header is line 1).
    pub line: u64,
    pub date: NaiveDate,
    pub resident: Text,
    pub field: Field,
    pub from: Text,
    pub to: Text,
    pub reason: Text,
    pub by: Text,
}

/// A value of a change, kept in place up to 24 bytes (an id, a level, an
/// address, a reason of a few words): a city's history of hundreds of
/// thousands of changes is then one block of memory, not five small
/// ones a change.
pub type Text = compact_str::CompactString;

/// The changes of history.csv, in file order.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub changes: Vec<Change>,
}

impl History {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes of each (resident, field), each list in date order
    /// (file order for equal dates): the chains the rules read.
    pub fn chains(&self) -> Chains<'_> {
        let sorted: Vec<&Change> = self
            .chain_order()
            .into_iter()
            .map(|k| &self.changes[k as usize])
            .collect();
        let mut runs = Vec::new();
        let mut start = 0;
        for k in 1..=sorted.len() {
            let same = k < sorted.len()
                && sorted[k].resident == sorted[start].resident
                && sorted[k].field == sorted[start].field;
            if !same {
                runs.push((start as u32, k as u32));
                start = k;
            }
        }
        Chains { sorted, runs }
    }

    /// Puts the changes in the order of their chains (`chains`), each
    /// keeping its line: every pass over the chains then reads the
    /// changes one after the other, not all over a city's history.
    pub fn sort_by_chains(&mut self) {
        let order = self.chain_order();
        if order.iter().enumerate().all(|(i, &k)| i == k as usize) {
            return;
        }
        let mut old: Vec<Option<Change>> = std::mem::take(&mut self.changes)
            .into_iter()
            .map(Some)
            .collect();
        self.changes = order
            .into_iter()
            .map(|k| old[k as usize].take().expect("each change once"))
            .collect();
    }

    /// The changes' indices in the order of (resident, field, date, file
    /// order). Each is sorted by a key of its own holding the resident's
    /// first 16 bytes, so that most comparisons read no change at all.
    fn chain_order(&self) -> Vec<u32> {
        struct Key {
            head: u128,
            len: u32,
            field: Field,
            date: NaiveDate,
            at: u32,
        }
        let mut keys: Vec<Key> = self
            .changes
            .iter()
            .enumerate()
            .map(|(at, c)| {
                let id = c.resident.as_bytes();
                let mut head = [0u8; 16];
                let n = id.len().min(16);
                head[..n].copy_from_slice(&id[..n]);
                Key {
                    head: u128::from_be_bytes(head),
                    len: id.len() as u32,
                    field: c.field,
                    date: c.date,
                    at: at as u32,
                }
            })
            .collect();
        let id = |k: &Key| self.changes[k.at as usize].resident.as_bytes();
        keys.sort_unstable_by(|a, b| {
            // Ids within 16 bytes compare by their heads, then the shorter
            // first (a prefix comes first); longer ones as a whole.
            a.head
                .cmp(&b.head)
                .then_with(|| {
                    if a.len <= 16 && b.len <= 16 {
                        a.len.cmp(&b.len)
                    } else {
                        id(a).cmp(id(b))
                    }
                })
                .then(a.field.cmp(&b.field))
                .then(a.date.cmp(&b.date))
                .then(a.at.cmp(&b.at))
        });
        keys.into_iter().map(|k| k.at).collect()
    }
}

/// The changes of history.csv grouped by (resident, field), in the order
/// of their keys; each chain in date order, file order for equal dates.
#[derive(Debug, Default)]
pub struct Chains<'a> {
    sorted: Vec<&'a Change>,
    runs: Vec<(u32, u32)>,
}

impl<'a> Chains<'a> {
    /// Each chain with its (resident, field).
    pub fn iter(&self) -> impl Iterator<Item = ((&'a str, Field), &[&'a Change])> + '_ {
        self.runs.iter().map(|&(a, b)| {
            let chain = &self.sorted[a as usize..b as usize];
            ((chain[0].resident.as_str(), chain[0].field), chain)
        })
    }

    /// The chain of one resident's field, if it has changes.
    pub fn get(&self, key: &(&str, Field)) -> Option<&[&'a Change]> {
        let k = self
            .runs
            .binary_search_by(|&(a, _)| {
                let c = self.sorted[a as usize];
                (c.resident.as_str(), c.field).cmp(key)
            })
            .ok()?;
        let (a, b) = self.runs[k];
        Some(&self.sorted[a as usize..b as usize])
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// The value of a field on day `d`, given its chain (in date order): the
/// `to` of the last change dated on or before `d`, else the `from` of the
/// first; `None` without changes (the roster's value holds).
pub fn value_on<'a>(chain: &[&'a Change], d: NaiveDate) -> Option<&'a str> {
    let first = chain.first()?;
    let before = chain.partition_point(|c| c.date <= d);
    Some(match before {
        0 => first.from.as_str(),
        n => chain[n - 1].to.as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(line: u64, date: &str, field: Field, from: &str, to: &str) -> Change {
        Change {
            line,
            date: date::parse(date).unwrap(),
            resident: "R1".into(),
            field,
            from: from.into(),
            to: to.into(),
            reason: Default::default(),
            by: Default::default(),
        }
    }

    #[test]
    fn fields_by_english_or_chinese_name() {
        assert_eq!(Field::parse("Level"), Some(Field::Level));
        assert_eq!(Field::parse("关注等级"), Some(Field::Level));
        assert_eq!(Field::parse("户号"), Some(Field::Household));
        assert_eq!(Field::parse("负责人"), Some(Field::Visitor));
        assert_eq!(Field::parse("迁出日期"), Some(Field::Until));
        assert_eq!(Field::parse("注销日期"), Some(Field::Until));
        assert_eq!(Field::parse("姓名"), None);
        assert_eq!(Field::parse("name"), None);
    }

    #[test]
    fn values_compare_by_meaning() {
        assert!(Field::Level.same("红", "red"));
        assert!(Field::Level.same("一般关注", "4"));
        assert!(!Field::Level.same("红", "orange"));
        assert!(Field::Until.same("2020/1/5", "2020-01-05"));
        assert!(Field::Since.same("", " "));
        assert!(!Field::Grid.same("东岗", "西岗"));
    }

    #[test]
    fn the_value_on_a_day_follows_the_chain() {
        let a = change(2, "2020-03-01", Field::Level, "green", "red");
        let b = change(3, "2020-06-01", Field::Level, "red", "yellow");
        let chain = vec![&a, &b];
        let on = |d: &str| value_on(&chain, date::parse(d).unwrap());
        assert_eq!(on("2020-02-29"), Some("green"));
        assert_eq!(on("2020-03-01"), Some("red"));
        assert_eq!(on("2020-05-31"), Some("red"));
        assert_eq!(on("2020-06-01"), Some("yellow"));
        assert_eq!(value_on(&[], date::parse("2020-06-01").unwrap()), None);
    }

    #[test]
    fn equal_dates_keep_file_order() {
        let h = History {
            changes: vec![
                change(5, "2020-06-01", Field::Level, "red", "yellow"),
                change(2, "2020-03-01", Field::Level, "green", "red"),
                change(6, "2020-06-01", Field::Level, "yellow", "orange"),
            ],
        };
        let chains = h.chains();
        let chain = chains.get(&("R1", Field::Level)).unwrap();
        let lines: Vec<u64> = chain.iter().map(|c| c.line).collect();
        assert_eq!(lines, [2, 5, 6]);
        assert_eq!(
            value_on(chain, date::parse("2020-06-01").unwrap()),
            Some("orange")
        );
    }

    proptest::proptest! {
        /// Chains come in the order of (resident, field, date, file
        /// order) however long the ids and whatever bytes they share, and
        /// a history sorted by its chains has the same chains.
        #[test]
        fn chains_follow_the_ids_byte_order(
            rows in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "R1", "R1\u{0}", "R10", "R2", "", "R1000000000000000",
                        "R10000000000000000", "R100000000000000000", "R1000000000000000a",
                        "R100000000000000\u{0}", "户1", "R1000000000000001",
                    ]),
                    0..3usize,
                    0..4u32,
                ),
                0..40,
            )
        ) {
            let fields = [Field::Level, Field::Visitor, Field::Room];
            let mut history = History::default();
            for (line, (id, field, day)) in rows.iter().enumerate() {
                let mut c = change(line as u64 + 2, "2020-03-01", fields[*field], "a", "b");
                c.resident = (*id).into();
                c.date = c.date + chrono::Days::new(u64::from(*day));
                history.changes.push(c);
            }
            let mut naive: Vec<&Change> = history.changes.iter().collect();
            naive.sort_by(|a, b| {
                (a.resident.as_str(), a.field, a.date).cmp(&(b.resident.as_str(), b.field, b.date))
            });
            let lines = |chains: &Chains<'_>| -> Vec<u64> {
                chains.iter().flat_map(|(_, chain)| chain.iter().map(|c| c.line)).collect()
            };
            let chains = history.chains();
            let expected: Vec<u64> = naive.iter().map(|c| c.line).collect();
            proptest::prop_assert_eq!(lines(&chains), expected.clone());
            for ((id, field), chain) in chains.iter() {
                proptest::prop_assert!(chain.iter().all(|c| c.resident == id && c.field == field));
            }
            let mut sorted = history.clone();
            sorted.sort_by_chains();
            let in_order: Vec<u64> = sorted.changes.iter().map(|c| c.line).collect();
            proptest::prop_assert_eq!(&in_order, &expected);
            proptest::prop_assert_eq!(lines(&sorted.chains()), expected);
        }
    }
}
