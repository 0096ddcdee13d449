//! `residents.csv`: the roster. Rows become residents grouped into
//! households; every problem is collected with its line, nothing is dropped
//! in silence. Names, phones and ID numbers are kept only when the command
//! shows them (`Load`).

use std::path::Path;

use super::headers::{self, Columns};
use super::roster_sheet;
use super::table::{Ahead, Row, Rows, Table};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::model::date;
use crate::model::index::{IdIndex, Inline, Tagged};
use crate::model::roster::{HouseholdRow, Personal, ResidentRow, Roster, Span};
use crate::model::{Level, Membership, suggest_level};

pub const FILE: &str = "residents.csv";

/// What to keep of each row besides what the rules need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    /// Names, phones and ID numbers (only for human output).
    pub personal: bool,
    /// Names alone (a report's overdue list shows nothing else).
    pub names: bool,
}

/// Reads the roster at `path`. Problems (errors and warnings) are
/// pushed to `problems`; rows with errors are left out of the roster.
/// `Err` only when the file cannot be opened.
pub fn read(path: &Path, load: Load, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
    if roster_sheet::is_sheet(path) {
        return read_sheet(path, load, problems);
    }
    let Some(table) = Table::open_utf8(path)? else {
        return Err(Error::NoData {
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            file: Some(FILE.into()),
        });
    };
    // Most rosters are UTF-8: read once as such, and only a roster that
    // is not gets the pass that settles its encoding.
    let mut found = Vec::new();
    let roster = from_rows(ahead(table), load, &mut found, Ahead::ready);
    if !found.iter().any(|p| *p.reason == Reason::Encoding) {
        problems.extend(found);
        return Ok(roster);
    }
    match Table::open(path, None)? {
        Some(table) => Ok(from_rows(ahead(table), load, problems, Ahead::ready)),
        None => Err(Error::io(path, std::io::ErrorKind::NotFound.into())),
    }
}

/// Where a roster's fields are, found once from its header: a row's cells
/// are then taken by number, not looked up by the field's name.
#[derive(Clone)]
struct Cols {
    id: Option<usize>,
    household: Option<usize>,
    name: Option<usize>,
    level: Option<usize>,
    grid: Option<usize>,
    building: Option<usize>,
    unit: Option<usize>,
    room: Option<usize>,
    phone: Option<usize>,
    id_number: Option<usize>,
    visitor: Option<usize>,
    since: Option<usize>,
    until: Option<usize>,
    tags: Option<usize>,
    columns: Columns,
}

impl Cols {
    /// The columns of the header `cells`, or the problem with it.
    fn of(cells: &[String]) -> Result<Cols, Reason> {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let c = headers::map(&headers::RESIDENTS, &cells, &[])?;
        Ok(Cols {
            id: c.get("id"),
            household: c.get("household"),
            name: c.get("name"),
            level: c.get("level"),
            grid: c.get("grid"),
            building: c.get("building"),
            unit: c.get("unit"),
            room: c.get("room"),
            phone: c.get("phone"),
            id_number: c.get("id_number"),
            visitor: c.get("visitor"),
            since: c.get("since"),
            until: c.get("until"),
            tags: c.get("tags"),
            columns: c,
        })
    }
}

/// What the reading thread makes of a row before it is added: its
/// household's hash, and its membership when the row has no problem.
#[derive(Clone, Copy)]
struct Ready {
    hash: u64,
    /// Its household is not the one of the row before.
    new_household: bool,
    membership: Option<Membership>,
}

/// The roster's rows read, and made ready, on a thread of their own (a
/// city's roster is read on two cores).
fn ahead<R: std::io::Read + Send + 'static>(table: Table<R>) -> Ahead<Ready> {
    let serials = table.serials();
    Ahead::new(table, move |header| {
        let cols = header
            .as_ref()
            .ok()
            .and_then(|(_, header)| Cols::of(header).ok());
        let mut last = 0;
        move |row: &Row<'_>| {
            let Some(cols) = &cols else {
                return Ready {
                    hash: 0,
                    new_household: false,
                    membership: None,
                };
            };
            let hash = crate::model::index::hash(household_of(row, cols));
            let new_household = hash != last;
            last = hash;
            Ready {
                hash,
                new_household,
                membership: parse_row(row, cols, serials).ok().map(|p| p.membership),
            }
        }
    })
}

/// Reads a roster kept as a spreadsheet (`roster_sheet`): its problems
/// name the sheet, the row and the column.
fn read_sheet(path: &Path, load: Load, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory, not a file",
                ),
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoData {
                dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                file: path.file_name().map(Into::into),
            });
        }
        Err(e) => return Err(Error::io(path, e)),
    }
    let rows = roster_sheet::SheetRows::open(path);
    let (sheet, cols) = (rows.sheet.clone(), rows.cols.clone());
    let before = problems.len();
    let roster = from_table(rows, load, problems);
    roster_sheet::place(path, &sheet, cols.as_ref(), &mut problems[before..]);
    Ok(roster)
}

pub fn from_table(table: impl Rows, load: Load, problems: &mut Vec<Problem>) -> Roster {
    from_rows(table, load, problems, |_, _| None)
}

/// `from_table`, where `ready(table, k)` may tell what a reading thread
/// already made of the row `k` rows after the one `next_row` gave last
/// (1: the row it gives next).
fn from_rows<T: Rows>(
    mut table: T,
    load: Load,
    problems: &mut Vec<Problem>,
    ready: impl Fn(&T, usize) -> Option<&Ready>,
) -> Roster {
    let mut roster = Roster {
        by_household: IdIndex::default().into(),
        ..Roster::default()
    };
    roster.names.push(String::new());
    roster.name_ids.insert(String::new(), 0);
    let path = table.path().to_path_buf();
    problems.extend(table.encoding_warning());
    let cols = match table.header() {
        Ok((line, header)) => match Cols::of(&header) {
            Ok(c) => c,
            Err(reason) => {
                problems.push(Problem::error(&path, Some(line), reason));
                roster.cut_short = true;
                return roster;
            }
        },
        Err(p) => {
            problems.push(p);
            roster.cut_short = true;
            return roster;
        }
    };
    let serials = table.serials();
    // The members, grouped by household. While each row's household is
    // the row before's or a new one (as most rosters list them), the
    // members come grouped already and go straight into place; after the
    // first that is not, they wait in file order for a counting sort.
    let mut members = Members::Grouped;
    let mut index: Option<IdIndex<Tagged>> = None;
    let mut sample = Sample {
        file_bytes: table.bytes_hint(),
        ..Sample::default()
    };
    let mut coming = Coming::default();
    loop {
        // A household a few rows on, if not the one of the row before it,
        // is likely new: start loading its place in the index now.
        if let Some(ahead) = ready(&table, AHEAD + 1) {
            if ahead.new_household {
                roster.touch_household(ahead.hash);
            }
        } else if let Some(ahead) = table.peek(AHEAD) {
            let id = household_of(&ahead, &cols);
            if table
                .peek(AHEAD - 1)
                .is_none_or(|r| household_of(&r, &cols) != id)
            {
                roster.touch_household(roster.household_hash(id));
            }
        }
        // What was made ready of the row about to be read (none past the
        // rows at hand: that row is then parsed here).
        let now = ready(&table, 1).copied();
        let row = match table.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                roster.cut_short = true;
                break;
            }
        };
        if let Some(room) = sample.take(&row, roster.households.len()) {
            coming.make(&mut roster, room.households);
            roster.make_room(room.households, room.rows);
        }
        coming.take_if_ready(&mut roster);
        let parsed = match now.and_then(|r| r.membership) {
            Some(membership) => Ok(Parsed {
                id: row.get(cols.id),
                household: household_of(&row, &cols),
                membership,
                hash: now.map(|r| r.hash),
            }),
            None => parse_row(&row, &cols, serials),
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err(reasons) => {
                for r in reasons {
                    problems.push(Problem::error(&path, Some(row.line), r));
                }
                continue;
            }
        };
        // An id above every earlier one repeats none of them; only an id
        // out of order needs the index.
        let in_order = index.is_none()
            && roster
                .residents
                .last()
                .is_none_or(|last| roster.span(last.id).as_bytes() < parsed.id.as_bytes());
        let earlier = if in_order {
            None
        } else {
            let index = index.get_or_insert_with(|| roster.resident_index());
            let hash = index.hash(parsed.id);
            let next = roster.residents.len() as u32;
            let (residents, text) = (&roster.residents, &roster.text);
            index.find_or_insert(parsed.id, hash, next, |x| {
                let s = residents[x as usize].id;
                &text[s.start as usize..s.end as usize]
            })
        };
        if let Some(first) = earlier.map(|r| r as usize) {
            problems.push(Problem::error(
                &path,
                Some(row.line),
                Reason::DuplicateResident {
                    id: parsed.id.to_string(),
                    first_line: roster.residents[first].line,
                },
            ));
            continue;
        }
        if let (Some(s), Some(u)) = (parsed.membership.since, parsed.membership.until)
            && s > u
        {
            problems.push(Problem::warning(
                &path,
                Some(row.line),
                Reason::NeverActive {
                    id: parsed.id.to_string(),
                },
            ));
        }
        let households = roster.households.len();
        let (h, visitor) = roster.add(&parsed, &row, &cols, load, &path, problems);
        let mut membership = Membership {
            visitor,
            ..parsed.membership
        };
        let resident = roster.residents.len() as u32 - 1;
        let tags = roster.tags.intern(row.get(cols.tags));
        roster.tags.assign(&mut membership, resident, tags);
        let new = roster.households.len() > households;
        members.push(&mut roster, h, new, membership, resident);
    }
    problems.extend(table.take_problems());
    coming.take_if_ready(&mut roster);
    if let Some(index) = index {
        let _ = roster.by_resident.set(index);
    }
    let Members::Pending(pending) = members else {
        return roster;
    };
    // Group the members by household, keeping file order within each
    // (a counting sort: every household's place is known once counted).
    for (h, _, _) in &pending {
        roster.households[*h as usize].count += 1;
    }
    let mut next = 0u32;
    for row in &mut roster.households {
        row.first = next;
        next += row.count;
    }
    let mut fill: Vec<u32> = roster.households.iter().map(|r| r.first).collect();
    let blank = Membership::new(Level::Green, None, None);
    roster.members = vec![blank; pending.len()];
    roster.member_residents = vec![0; pending.len()];
    for (h, m, r) in pending {
        let at = fill[h as usize] as usize;
        fill[h as usize] += 1;
        roster.members[at] = m;
        roster.member_residents[at] = r;
    }
    roster
}

/// The members of a roster being read (see `from_rows`).
enum Members {
    /// In the roster's members already, grouped by household, each
    /// household's `first` and `count` set.
    Grouped,
    /// (household, membership, resident), in file order.
    Pending(Vec<(u32, Membership, u32)>),
}

impl Members {
    /// The member `resident` of household `h` (`new`: just added).
    fn push(&mut self, roster: &mut Roster, h: u32, new: bool, m: Membership, resident: u32) {
        if let Members::Grouped = self {
            // Grouped so far, the row before's household is the last.
            let last = roster.households.len() as u32 - 1;
            if new || h == last {
                let row = &mut roster.households[h as usize];
                if new {
                    row.first = roster.members.len() as u32;
                }
                row.count += 1;
                roster.members.push(m);
                roster.member_residents.push(resident);
                return;
            }
            *self = Members::Pending(Self::ungroup(roster));
        }
        if let Members::Pending(pending) = self {
            pending.push((h, m, resident));
        }
    }

    /// The members grouped so far, in file order (which grouped they
    /// were in), for the counting sort; the roster's let go.
    fn ungroup(roster: &mut Roster) -> Vec<(u32, Membership, u32)> {
        let mut pending = Vec::with_capacity(roster.members.capacity());
        for (h, row) in roster.households.iter_mut().enumerate() {
            let (a, n) = (row.first as usize, row.count as usize);
            for k in a..a + n {
                pending.push((h as u32, roster.members[k], roster.member_residents[k]));
            }
            row.first = 0;
            row.count = 0;
        }
        roster.members.clear();
        roster.member_residents.clear();
        pending
    }
}

/// The household index sized for the whole roster, made on a thread of
/// its own: a city's is tens of megabytes, and faulting them in takes a
/// good part of a second on a machine whose memory comes fresh from its
/// host (0.3 s at 1M households). Meanwhile the reading goes on, its
/// households put into the index at hand; once the one made is ready,
/// they move into it, and it is the roster's.
#[derive(Default)]
struct Coming(Option<std::thread::JoinHandle<IdIndex<Inline>>>);

impl Coming {
    /// Starts making an index for `households` households (else makes
    /// room in the roster's own index when no thread can be had).
    fn make(&mut self, roster: &mut Roster, households: usize) {
        let made = std::thread::Builder::new()
            .name("household index".into())
            .spawn(move || IdIndex::with_capacity(households));
        let (index, ids) = roster.household_index_and_ids();
        match made {
            Ok(handle) => {
                index.in_ordinary_pages();
                self.0 = Some(handle);
            }
            Err(_) => index.reserve(households, ids),
        }
    }

    /// Moves the households indexed so far into the index made, once it
    /// is ready, and makes it the roster's. (An index not ready when the
    /// roster ends is let go: the one at hand holds every household.)
    fn take_if_ready(&mut self, roster: &mut Roster) {
        if !self.0.as_ref().is_some_and(|h| h.is_finished()) {
            return;
        }
        let Some(Ok(mut made)) = self.0.take().map(|h| h.join()) else {
            return;
        };
        let (index, ids) = roster.household_index_and_ids();
        std::mem::swap(index, &mut made);
        made.move_into(index, ids);
    }
}

/// How many rows on a household is looked up ahead of its row.
const AHEAD: usize = 8;

/// The first rows of a roster, to tell from the file's size how many
/// households are to come, so that the index is sized once, not grown
/// step by step (each step rewrites the whole table).
#[derive(Default)]
struct Sample {
    file_bytes: Option<u64>,
    rows: u64,
    bytes: u64,
}

impl Sample {
    const ROWS: u64 = 4096;

    /// The households and rows to make room for, once, when the sample
    /// is full.
    fn take(&mut self, row: &Row<'_>, households: usize) -> Option<Room> {
        if self.rows >= Self::ROWS {
            return None;
        }
        self.rows += 1;
        self.bytes += row.bytes() as u64;
        if self.rows < Self::ROWS || self.bytes == 0 {
            return None;
        }
        let file = self.file_bytes?;
        let rows = file * Self::ROWS / self.bytes;
        // A few percent over, so that a roster a little denser further on
        // does not make the table grow once at the end after all; but
        // never more than a household for every 32 bytes of the file (the
        // table then takes at most twice the file), however short the
        // first rows are against the rest.
        let households = (households as u64 * rows / Self::ROWS) * 21 / 20;
        let most = (file / 32).min(u32::MAX as u64);
        Some(Room {
            households: households.min(most) as usize,
            rows: (rows * 21 / 20).min(most) as usize,
        })
    }
}

/// What `Sample` tells to make room for.
#[derive(Debug, PartialEq)]
struct Room {
    households: usize,
    rows: usize,
}

impl Roster {
    /// The household index being made, and the ids of its households by
    /// index (for ids it does not hold whole).
    fn household_index_and_ids<'r>(
        &'r mut self,
    ) -> (&'r mut IdIndex<Inline>, impl Fn(u32) -> &'r str + Copy) {
        self.household_index_mut()
            .expect("the index is made before the first row")
    }

    /// Adds a resident; returns its household's index and the name id
    /// of the worker the row names (0: none).
    fn add(
        &mut self,
        p: &Parsed<'_>,
        row: &Row<'_>,
        cols: &Cols,
        load: Load,
        path: &Path,
        problems: &mut Vec<Problem>,
    ) -> (u32, u32) {
        // Members of a household mostly stand together: the household of
        // the row before needs no lookup.
        let same = self
            .recent
            .filter(|&h| self.span(self.households[h as usize].id) == p.household);
        let next = self.households.len() as u32;
        let found = same.or_else(|| {
            let (index, ids) = self.household_index_and_ids();
            let hash = p.hash.unwrap_or_else(|| index.hash(p.household));
            index.find_or_insert(p.household, hash, next, ids)
        });
        let h = match found {
            Some(h) => h,
            None => {
                let id = self.push_text(p.household);
                let h = next;
                self.households.push(HouseholdRow {
                    id,
                    grid: 0,
                    building: 0,
                    unit: 0,
                    room: Span::default(),
                    visitor: 0,
                    first: 0,
                    count: 0,
                });
                h
            }
        };
        self.recent = Some(h);
        let personal = if load.personal || load.names {
            let all = load.personal;
            let mut keep = |col: Option<usize>| {
                if all {
                    self.push_text(row.get(col))
                } else {
                    Span::default()
                }
            };
            let phone = keep(cols.phone);
            let id_number = keep(cols.id_number);
            let personal = Personal {
                name: self.push_text(row.get(cols.name)),
                phone,
                id_number,
            };
            self.personal.push(personal);
            self.personal.len() as u32 - 1
        } else {
            u32::MAX
        };
        // (Its id is in the index if the duplicate check built one.)
        let id = self.push_text(p.id);
        self.residents.push(ResidentRow {
            id,
            household: h,
            line: row.line,
            personal,
        });
        // The first non-empty value among the members, in file order; a
        // member who says otherwise is worth a warning for grid and building.
        let names = [
            (row.get(cols.grid), Some("grid")),
            (row.get(cols.building), Some("building")),
            (row.get(cols.unit), None),
            (row.get(cols.visitor), None),
        ];
        let mut visitor = 0;
        for (k, (value, warn)) in names.into_iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            // Members mostly repeat what the household has: no lookup then.
            let kept = {
                let house = &self.households[h as usize];
                [house.grid, house.building, house.unit, house.visitor][k]
            };
            let id = if kept != 0 && self.names[kept as usize] == value {
                kept
            } else {
                self.name_id(value)
            };
            if k == 3 {
                visitor = id;
            }
            let house = &mut self.households[h as usize];
            let house_id = house.id;
            let slot = match k {
                0 => &mut house.grid,
                1 => &mut house.building,
                2 => &mut house.unit,
                _ => &mut house.visitor,
            };
            if *slot == 0 {
                *slot = id;
            } else if *slot != id
                && let Some(field) = warn
            {
                let kept_id = *slot as usize;
                let kept = crate::privacy::shown_place(&self.names[kept_id]);
                let household = self.span(house_id).to_string();
                problems.push(Problem::warning(
                    path,
                    Some(row.line),
                    Reason::MembersDisagree {
                        household,
                        field,
                        kept,
                        other: crate::privacy::shown_place(value),
                    },
                ));
            }
        }
        let room = row.get(cols.room);
        if !room.is_empty() && self.households[h as usize].room == Span::default() {
            let span = self.push_text(room);
            self.households[h as usize].room = span;
        }
        (h, visitor)
    }
}

struct Parsed<'a> {
    id: &'a str,
    household: &'a str,
    membership: Membership,
    /// The household's hash, when the reading thread made it.
    hash: Option<u64>,
}

/// A row's household: as written, or else the resident's own id (a
/// household of one).
fn household_of<'a>(row: &Row<'a>, cols: &Cols) -> &'a str {
    match row.get(cols.household) {
        "" => row.get(cols.id),
        h => h,
    }
}

fn parse_row<'a>(row: &Row<'a>, cols: &Cols, serials: bool) -> Result<Parsed<'a>, Vec<Reason>> {
    let mut reasons = Vec::new();
    let id = row.get(cols.id);
    if id.is_empty() {
        reasons.push(Reason::Empty("id"));
    }
    let level_text = row.get(cols.level);
    let level = if level_text.is_empty() {
        reasons.push(Reason::Empty("level"));
        None
    } else {
        let level = Level::parse(level_text);
        if level.is_none() {
            let suggestion = suggest_level(level_text);
            // Near a level word it is a typo, not someone's name.
            let value = match suggestion {
                Some(_) => level_text.to_string(),
                None => crate::privacy::shown_value(level_text),
            };
            reasons.push(Reason::BadLevel { value, suggestion });
        }
        level
    };
    let mut date_of = |f: FieldName, col: Option<usize>| {
        let text = row.get(col);
        if text.is_empty() {
            return None;
        }
        match date::parse(text) {
            Ok(d) => Some(d),
            Err(why) => {
                // A number left in a spreadsheet's date column is a serial
                // no day has (a good one was read as its date).
                let why = match text.parse::<f64>() {
                    Ok(_) if serials => crate::error::DateError::Year,
                    _ => why,
                };
                reasons.push(Reason::BadDate {
                    field: f,
                    value: crate::privacy::shown_value(text),
                    why,
                });
                None
            }
        }
    };
    let since = date_of("since", cols.since);
    let until = date_of("until", cols.until);
    reasons.extend(cols.columns.extra_cells(row.used_len()));
    match level {
        Some(level) if reasons.is_empty() => Ok(Parsed {
            id,
            household: household_of(row, cols),
            membership: Membership::new(level, since, until),
            hash: None,
        }),
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Roster, Vec<Problem>) {
        let mut problems = Vec::new();
        let t = Table::from_bytes(Path::new("residents.csv"), text.as_bytes());
        let r = from_table(
            t,
            Load {
                personal: true,
                names: true,
            },
            &mut problems,
        );
        (r, problems)
    }

    #[test]
    fn households_group_members_and_take_first_values() {
        let (r, p) = read(
            "编号,户号,姓名,关注等级,网格,楼栋\nA1,H1,张三,绿,东岗,1栋\nA3,,王五,3,西岗,5栋\nA2,H1,李四,红,,2栋\n",
        );
        assert_eq!(r.households_len(), 2);
        let h1 = r.household(r.find("H1").unwrap());
        assert_eq!((h1.grid(), h1.building()), ("东岗", "1栋"));
        assert_eq!(h1.members().len(), 2);
        let names: Vec<&str> = h1.residents().map(|x| x.name()).collect();
        assert_eq!(names, ["张三", "李四"]);
        assert_eq!(h1.members()[1].level, Level::Red);
        // A resident with no household is a household of one, keyed by id.
        let a3 = r.household(r.find("A3").unwrap());
        assert_eq!((a3.id(), a3.grid(), a3.members().len()), ("A3", "西岗", 1));
        assert_eq!(r.household_of_resident("A2"), r.find("H1"));
        assert_eq!(r.find("H9"), None);
        // The index let go, a lookup builds it again.
        let mut r = r;
        let (h1, a3) = (r.find("H1"), r.find("A3"));
        r.forget_household_index();
        assert!(r.by_household.get().is_none());
        assert_eq!((r.find("H1"), r.find("A3"), r.find("H9")), (h1, a3, None));
        // The disagreement on building is a warning on line 4.
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].is_error()), (Some(4), false));
    }

    proptest::proptest! {
        /// Members grouped while they come grouped, then sorted once a
        /// household comes back: each household's residents are its rows
        /// in file order, whatever the order of the rows.
        #[test]
        fn members_are_grouped_in_file_order(homes in proptest::collection::vec(0u8..6, 0..40)) {
            let mut text = String::from("id,household,level\n");
            for (i, h) in homes.iter().enumerate() {
                let level = ["red", "orange", "yellow", "green"][i % 4];
                text.push_str(&format!("R{i:03},H{h},{level}\n"));
            }
            let (r, p) = read(&text);
            proptest::prop_assert!(p.is_empty());
            let mut seen = Vec::new();
            for h in &homes {
                if !seen.contains(h) {
                    seen.push(*h);
                }
            }
            proptest::prop_assert_eq!(r.households_len(), seen.len());
            for (k, h) in seen.iter().enumerate() {
                let house = r.household(k);
                proptest::prop_assert_eq!(house.id(), format!("H{h}"));
                let want: Vec<String> = (homes.iter().enumerate())
                    .filter(|(_, x)| *x == h)
                    .map(|(i, _)| format!("R{i:03}"))
                    .collect();
                let got: Vec<&str> = house.residents().map(|x| x.id()).collect();
                proptest::prop_assert_eq!(&got, &want);
                let levels: Vec<Level> = house.members().iter().map(|m| m.level).collect();
                let want: Vec<Level> = (homes.iter().enumerate())
                    .filter(|(_, x)| *x == h)
                    .map(|(i, _)| [Level::Red, Level::Orange, Level::Yellow, Level::Green][i % 4])
                    .collect();
                proptest::prop_assert_eq!(levels, want);
            }
        }
    }

    /// A roster long enough for the index to be sized from its first rows:
    /// households whose members are spread over the file (more households
    /// than the first rows suggest, then fewer), each found with all its
    /// members in file order.
    #[test]
    fn households_are_found_whatever_the_first_rows_suggest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("residents.csv");
        for (rows, household_of) in [
            // The first rows all of a few households, then all new ones.
            (
                12_000usize,
                &(|i: usize| if i < 5000 { i % 10 } else { i }) as &dyn Fn(usize) -> usize,
            ),
            // Every row a new household at first, then the old ones again.
            (12_000, &|i: usize| i % 6000),
            // Members standing together, as most rosters have them.
            (9_000, &|i: usize| i / 3),
        ] {
            let mut text = String::from("id,household,level\n");
            for i in 0..rows {
                text.push_str(&format!("R{i:06},H{},red\n", household_of(i)));
            }
            std::fs::write(&path, &text).unwrap();
            let mut problems = Vec::new();
            let r = super::read(&path, Load::default(), &mut problems).unwrap();
            assert!(problems.is_empty(), "{problems:?}");
            let mut want: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
            for i in 0..rows {
                want.entry(household_of(i)).or_default().push(i);
            }
            assert_eq!(r.households_len(), want.len());
            for (h, members) in want {
                let found = r.household(r.find(&format!("H{h}")).unwrap());
                let ids: Vec<String> = found.residents().map(|x| x.id().to_string()).collect();
                let expected: Vec<String> = members.iter().map(|i| format!("R{i:06}")).collect();
                assert_eq!(ids, expected, "H{h}");
            }
        }
    }

    /// The index made on its own thread takes over the households put
    /// into the one at hand meanwhile, and only once it is ready; a roster
    /// that ends first keeps the one at hand.
    #[test]
    fn the_index_made_ahead_takes_the_households_found_meanwhile() {
        let mut roster = Roster {
            by_household: IdIndex::default().into(),
            ..Roster::default()
        };
        let ids: Vec<String> = (0..20_000).map(|i| format!("H{i}")).collect();
        let put = |roster: &mut Roster, range: std::ops::Range<usize>| {
            let index = roster.by_household.get_mut().unwrap();
            for i in range {
                let id = &ids[i];
                let found = index.find_or_insert(id, index.hash(id), i as u32, |_| unreachable!());
                assert_eq!(found, None);
            }
        };
        let mut coming = Coming::default();
        put(&mut roster, 0..100);
        coming.make(&mut roster, ids.len());
        put(&mut roster, 100..5000);
        while !coming.0.as_ref().unwrap().is_finished() {
            std::thread::yield_now();
        }
        coming.take_if_ready(&mut roster);
        assert!(coming.0.is_none());
        put(&mut roster, 5000..ids.len());
        let index = roster.by_household.get().unwrap();
        assert_eq!(index.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                index.find(id, index.hash(id), |_| unreachable!()),
                Some(i as u32)
            );
        }
        // Not ready yet (a thread that waits): the index at hand stays.
        let mut coming = Coming(Some(std::thread::spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            IdIndex::with_capacity(10)
        })));
        coming.take_if_ready(&mut roster);
        assert!(coming.0.is_some());
        assert_eq!(roster.by_household.get().unwrap().len(), ids.len());
    }

    /// The households made room for are the first rows' share of the
    /// file, but never more than one for every 32 bytes of it.
    #[test]
    fn room_is_made_from_the_first_rows_within_a_bound() {
        let text = "R0000001H0000001red";
        let ends = [8, 16, 19];
        let row = Row::new(2, text, &ends);
        let take = |file_bytes: u64, households: usize| {
            let mut sample = Sample {
                file_bytes: Some(file_bytes),
                ..Sample::default()
            };
            let mut made = Vec::new();
            for _ in 0..Sample::ROWS + 10 {
                made.extend(sample.take(&row, households));
            }
            made
        };
        let room = |households, rows| Room { households, rows };
        // 22 bytes a row: a file of 100,000 rows, half as many households
        // (the rows held to one for every 32 bytes too).
        assert_eq!(take(2_200_000, 2048), [room(52_500, 68_750)]);
        // Rows of 44 bytes: 50,000 of them, and room for 52,500.
        let long = "R0000001H0000001red".to_string() + &" ".repeat(22);
        let long_row = Row::new(2, &long, &[8, 16, 41]);
        let mut sample = Sample {
            file_bytes: Some(2_200_000),
            ..Sample::default()
        };
        let made: Vec<Room> = (0..Sample::ROWS)
            .filter_map(|_| sample.take(&long_row, 1024))
            .collect();
        assert_eq!(made, [room(13_125, 52_500)]);
        // First rows far shorter than the rest of the file would suggest
        // a household for every 22 bytes of it: held to one for every 32.
        assert_eq!(take(1 << 30, 4096), [room((1 << 30) / 32, (1 << 30) / 32)]);
        // Without the file's size, no guess.
        let mut sample = Sample::default();
        for _ in 0..Sample::ROWS {
            assert_eq!(sample.take(&row, 10), None);
        }
    }

    /// A roster's households as the tests compare them: id, place,
    /// worker, members and their residents.
    fn households(r: &Roster) -> Vec<String> {
        r.households()
            .map(|h| {
                let residents: Vec<_> = h
                    .residents()
                    .map(|r| (r.id(), r.name(), r.phone()))
                    .collect();
                format!(
                    "{} {} {} {} {} {:?} {residents:?}",
                    h.id(),
                    h.grid(),
                    h.building(),
                    h.room(),
                    h.visitor(),
                    h.members()
                )
            })
            .collect()
    }

    #[test]
    fn rows_made_ready_ahead_read_as_rows_read_here() {
        // Over several batches: bad rows of each kind, a repeated id out
        // of order, members who disagree, households of one, and a roster
        // whose header does not map (made ready as nothing).
        let mut text = String::from(
            "id,household,name,level,grid,building,room,phone,visitor,since,until,tags\n",
        );
        for i in 0..13_000 {
            let h = i / 3;
            let row = match i % 1009 {
                0 => format!("R{i},H{h},名{i},purple,G1,B1,101,138,W1,,,\n"),
                1 => format!(",H{h},名,red,G1,B1,101,138,W1,,,\n"),
                2 => format!("R{i},H{h},名,red,G1,B1,101,138,W1,2020-02-30,,\n"),
                3 => format!("R{},H{h},名,red,G1,B1,101,138,W1,,,\n", i - 500),
                4 => format!("R{i},H{h},名,red,G2,B1,101,138,W2,,,独居老人,x\n"),
                5 => format!("R{i},,名,yellow,G1,B1,,138,W1,2021-01-01,2020-01-01,\n"),
                6 => format!("\"R{i}\",\"H{h}\",\"名, 某\",红,G1,B1,101,138,W1,,,低保\n"),
                _ => format!(
                    "R{i},H{h},名{i},orange,G1,B{},10{},1380000{i},W{},,,\n",
                    h % 7,
                    i % 3,
                    h % 5
                ),
            };
            text.push_str(&row);
        }
        let load = Load {
            personal: true,
            names: true,
        };
        for text in [text.clone(), text.replace("level", "等级x")] {
            let bytes: &'static [u8] = Box::leak(text.into_bytes().into_boxed_slice());
            let path = Path::new("residents.csv");
            let (mut here, mut ahead) = (Vec::new(), Vec::new());
            let a = from_table(Table::from_bytes(path, bytes), load, &mut here);
            let b = from_rows(
                super::ahead(Table::from_bytes(path, bytes)),
                load,
                &mut ahead,
                Ahead::ready,
            );
            assert!(!here.is_empty());
            assert_eq!(here, ahead);
            assert_eq!(a.cut_short(), b.cut_short());
            assert_eq!(households(&a), households(&b));
            // The households are found by their ids as every lookup
            // hashes them.
            for h in b.households() {
                assert_eq!(b.find(h.id()), Some(h.index()), "{}", h.id());
            }
        }
    }

    #[test]
    fn every_bad_row_is_reported() {
        let (r, p) = read(
            "id,level,since\nA1,purple,\n,red,\nA3,red,2020-02-30\nA4,red,\nA4,green,\nA5,,\n",
        );
        assert_eq!(r.residents_len(), 1);
        let lines: Vec<_> = p.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 3, 4, 6, 7]);
        assert!(matches!(
            *p[3].reason,
            Reason::DuplicateResident { first_line: 5, .. }
        ));
    }

    #[test]
    fn repeated_ids_are_found_in_order_and_out_of_order() {
        // In increasing order no index is needed; resident lookups build it.
        let (r, p) = read("id,household,level\nA1,H1,red\nA2,H1,red\nA3,H2,red\n");
        assert!(p.is_empty());
        assert_eq!(r.household_of_resident("A3"), r.find("H2"));
        assert_eq!(r.household_of_resident("A4"), None);
        // Out of order, and repeats before and after the order breaks.
        let (r, p) = read(
            "id,household,level\nA1,H1,red\nA3,H1,red\nA2,H2,red\nA3,H3,red\nA1,H4,red\nA9,H5,red\nA9,H6,red\n",
        );
        let dups: Vec<(u64, u64)> = p
            .iter()
            .map(|p| match &*p.reason {
                Reason::DuplicateResident { first_line, .. } => (p.line.unwrap(), *first_line),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(dups, [(5, 3), (6, 2), (8, 7)]);
        assert_eq!(r.residents_len(), 4);
        assert_eq!(r.household_of_resident("A2"), r.find("H2"));
        assert_eq!(r.find("H3"), None, "a repeated row adds nothing");
    }

    #[test]
    fn personal_data_only_when_asked() {
        let mut problems = Vec::new();
        let t = Table::from_bytes(
            Path::new("r.csv"),
            "id,name,phone,level\nA1,张三,13812345678,red\n".as_bytes(),
        );
        let r = from_table(t, Load::default(), &mut problems);
        let a1 = r.household(0).residents().next().unwrap();
        assert_eq!((a1.id(), a1.name(), a1.phone()), ("A1", "", ""));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_level("rde").as_deref(), Some("red"));
        assert_eq!(suggest_level("Gren").as_deref(), Some("green"));
        assert_eq!(suggest_level("红红").as_deref(), Some("红"));
        assert_eq!(suggest_level("purple"), None);
    }
}
