//! `residents.csv`: the roster. Rows become residents grouped into
//! households; every problem is collected with its line, nothing is dropped
//! in silence.
//!
//! A city's roster holds millions of rows, so the roster is compact: every
//! text lives in one buffer, the few distinct grids, buildings, units and
//! workers are kept once each, ids are found through hash tables of
//! indices, and names, phones and ID numbers are kept only when the
//! command shows them (`Load::personal`).

use std::io::Read;
use std::path::Path;

use super::headers::{self, Columns};
use super::index::IdIndex;
use super::table::{Row, Table};
use super::bin;
use crate::model::date;
use crate::error::{Error, FieldName, Problem, Reason};
use crate::model::{Level, Membership};

pub const FILE: &str = "residents.csv";

/// What to keep of each row besides what the rules need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    /// Names, phones, ID numbers and tags (only for human output).
    pub personal: bool,
    /// Names alone (a report's overdue list shows nothing else).
    pub names: bool,
}

/// A text in the roster's buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy)]
struct HouseholdRow {
    id: Span,
    grid: u32,
    building: u32,
    unit: u32,
    room: Span,
    visitor: u32,
    /// Its members: `members[first..first + count]`.
    first: u32,
    count: u32,
}

#[derive(Debug, Clone, Copy)]
struct ResidentRow {
    id: Span,
    household: u32,
    line: u64,
    /// Index into `personal`, or `u32::MAX` when not kept.
    personal: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Personal {
    name: Span,
    phone: Span,
    id_number: Span,
    tags: Span,
}

#[derive(Default)]
pub struct Roster {
    text: String,
    /// Distinct grids, buildings, units and workers; 0 is "".
    names: Vec<String>,
    name_ids: hashbrown::HashMap<String, u32, foldhash::fast::FixedState>,
    households: Vec<HouseholdRow>,
    residents: Vec<ResidentRow>,
    personal: Vec<Personal>,
    /// Members grouped by household, in file order within each.
    members: Vec<Membership>,
    member_residents: Vec<u32>,
    /// Built while reading; after a snapshot, on the first lookup.
    by_household: std::sync::OnceLock<IdIndex<16>>,
    /// The household of the row added last.
    recent: Option<u32>,
    /// Which state of residents.csv this roster was read from, when the
    /// cache knows (`data::cache`): household indices are the same for
    /// every roster of the same origin.
    pub(crate) origin: Option<u64>,
    /// Built while reading only once resident ids stop coming in
    /// increasing order (while they do, none can repeat an earlier one);
    /// otherwise on the first lookup of a resident.
    by_resident: std::sync::OnceLock<IdIndex<0>>,
    /// The file could not be read to its end (bad bytes, no header, a
    /// missing required column, a broken record): the roster holds only
    /// what came before, and a household missing from it may be in the
    /// file. A problem says why.
    cut_short: bool,
}

impl std::fmt::Debug for Roster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Roster")
            .field("households", &self.households.len())
            .field("residents", &self.residents.len())
            .finish()
    }
}

/// A household of the roster.
#[derive(Clone, Copy)]
pub struct HouseholdRef<'a> {
    roster: &'a Roster,
    index: usize,
    row: &'a HouseholdRow,
}

impl<'a> HouseholdRef<'a> {
    pub fn index(&self) -> usize {
        self.index
    }
    pub fn id(&self) -> &'a str {
        self.roster.span(self.row.id)
    }
    pub fn grid(&self) -> &'a str {
        &self.roster.names[self.row.grid as usize]
    }
    pub fn building(&self) -> &'a str {
        &self.roster.names[self.row.building as usize]
    }
    pub fn unit(&self) -> &'a str {
        &self.roster.names[self.row.unit as usize]
    }
    pub fn room(&self) -> &'a str {
        self.roster.span(self.row.room)
    }
    /// The worker in charge (the first non-empty 负责人 of its members).
    pub fn visitor(&self) -> &'a str {
        &self.roster.names[self.row.visitor as usize]
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
    roster: &'a Roster,
    index: usize,
    row: &'a ResidentRow,
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
    pub fn tags(&self) -> &'a str {
        self.roster.span(self.personal().tags)
    }
}

impl Roster {
    fn span(&self, s: Span) -> &str {
        &self.text[s.start as usize..s.end as usize]
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len() as u32,
        }
    }

    fn name_id(&mut self, text: &str) -> u32 {
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
        }
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

    fn household_index(&self) -> &IdIndex<16> {
        self.by_household.get_or_init(|| {
            let mut index = IdIndex::<16>::with_capacity(self.households.len());
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

    /// The household of a resident id.
    pub fn household_of_resident(&self, id: &str) -> Option<usize> {
        self.find_resident(id)
            .map(|r| self.residents[r].household as usize)
    }

    fn find_resident(&self, id: &str) -> Option<usize> {
        let index = self.by_resident.get_or_init(|| self.resident_index());
        let hash = index.hash(id);
        index
            .find(id, hash, |r| self.span(self.residents[r as usize].id))
            .map(|r| r as usize)
    }

    /// An index of every resident read so far.
    fn resident_index(&self) -> IdIndex<0> {
        let mut index = IdIndex::<0>::default();
        for (r, row) in self.residents.iter().enumerate() {
            let id = self.span(row.id);
            let hash = index.hash(id);
            index.find_or_insert(id, hash, r as u32, |x| {
                self.span(self.residents[x as usize].id)
            });
        }
        index
    }

    /// Reads the roster at `path`. Problems (errors and warnings) are
    /// pushed to `problems`; rows with errors are left out of the roster.
    /// `Err` only when the file cannot be opened.
    pub fn read(path: &Path, load: Load, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
        let Some(table) = Table::open_utf8(path)? else {
            return Err(Error::NoData {
                dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                file: Some(FILE.into()),
            });
        };
        // Most rosters are UTF-8: read once as such, and only a roster that
        // is not gets the pass that settles its encoding.
        let mut found = Vec::new();
        let roster = Roster::from_table(table, load, &mut found);
        if !found.iter().any(|p| *p.reason == Reason::Encoding) {
            problems.extend(found);
            return Ok(roster);
        }
        match Table::open(path, None)? {
            Some(table) => Ok(Roster::from_table(table, load, problems)),
            None => Err(Error::io(path, std::io::ErrorKind::NotFound.into())),
        }
    }

    pub fn from_table<R: Read>(
        mut table: Table<R>,
        load: Load,
        problems: &mut Vec<Problem>,
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
            Ok((line, header)) => {
                let cells: Vec<&str> = header.iter().map(String::as_str).collect();
                match headers::map(&headers::RESIDENTS, &cells, &[]) {
                    Ok(c) => c,
                    Err(reason) => {
                        problems.push(Problem::error(&path, Some(line), reason));
                        roster.cut_short = true;
                        return roster;
                    }
                }
            }
            Err(p) => {
                problems.push(p);
                roster.cut_short = true;
                return roster;
            }
        };
        // (household, membership, resident), in file order.
        let mut pending: Vec<(u32, Membership, u32)> = Vec::new();
        let mut index: Option<IdIndex<0>> = None;
        loop {
            let row = match table.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(p) => {
                    problems.push(p);
                    roster.cut_short = true;
                    break;
                }
            };
            let parsed = match parse_row(&row, &cols) {
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
            let h = roster.add(&parsed, &row, &cols, load, &path, problems);
            pending.push((h, parsed.membership, roster.residents.len() as u32 - 1));
        }
        if let Some(index) = index {
            let _ = roster.by_resident.set(index);
        }
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
        let blank = Membership {
            level: Level::Green,
            since: None,
            until: None,
        };
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

    /// Adds a resident; returns its household's index.
    fn add(
        &mut self,
        p: &Parsed<'_>,
        row: &Row<'_>,
        cols: &Columns,
        load: Load,
        path: &Path,
        problems: &mut Vec<Problem>,
    ) -> u32 {
        // Members of a household mostly stand together: the household of
        // the row before needs no lookup.
        let same = self
            .recent
            .filter(|&h| self.span(self.households[h as usize].id) == p.household);
        let next = self.households.len() as u32;
        let found = same.or_else(|| {
            let index = self
                .by_household
                .get_mut()
                .expect("the index is made before the first row");
            let hash = index.hash(p.household);
            let (households, text) = (&self.households, &self.text);
            index.find_or_insert(p.household, hash, next, |x| {
                let s = households[x as usize].id;
                &text[s.start as usize..s.end as usize]
            })
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
        let get = |f: FieldName| row.get(cols.get(f));
        let personal = if load.personal || load.names {
            let all = load.personal;
            let mut keep = |f: FieldName| {
                if all {
                    self.push_text(get(f))
                } else {
                    Span::default()
                }
            };
            let phone = keep("phone");
            let id_number = keep("id_number");
            let tags = keep("tags");
            let personal = Personal {
                name: self.push_text(get("name")),
                phone,
                id_number,
                tags,
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
            (get("grid"), Some("grid")),
            (get("building"), Some("building")),
            (get("unit"), None),
            (get("visitor"), None),
        ];
        for (k, (value, warn)) in names.into_iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let id = self.name_id(value);
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
        let room = get("room");
        if !room.is_empty() && self.households[h as usize].room == Span::default() {
            let span = self.push_text(room);
            self.households[h as usize].room = span;
        }
        h
    }
}

impl Roster {
    /// Reads the residents' names from `path`, the file this roster was
    /// read from without them (through the cache, say). `Ok(false)` when
    /// the file no longer matches the roster, row for row: the caller reads
    /// the roster whole.
    pub fn read_names(&mut self, path: &Path) -> Result<bool, Error> {
        // Plain files (UTF-8, no quotes) are read line by line; anything
        // else, or any doubt, the way the roster itself was read.
        if let Some((names, ends)) = self.plain_names(path).map_err(|e| Error::io(path, e))? {
            let mut personal = Vec::with_capacity(ends.len());
            let mut start = 0;
            for end in ends {
                personal.push(Personal {
                    name: self.push_text(&names[start..end]),
                    ..Personal::default()
                });
                start = end;
            }
            for (i, r) in self.residents.iter_mut().enumerate() {
                r.personal = i as u32;
            }
            self.personal = personal;
            return Ok(true);
        }
        let Some(mut table) = Table::open(path, None)? else {
            return Ok(false);
        };
        let Ok((_, header)) = table.header() else {
            return Ok(false);
        };
        let cells: Vec<&str> = header.iter().map(String::as_str).collect();
        let Ok(cols) = headers::map(&headers::RESIDENTS, &cells, &[]) else {
            return Ok(false);
        };
        let mut personal = Vec::with_capacity(self.residents.len());
        let mut k = 0;
        while let Ok(Some(row)) = table.next_row() {
            let Some(resident) = self.residents.get(k) else {
                return Ok(false);
            };
            if row.line != resident.line || row.get(cols.get("id")) != self.span(resident.id) {
                return Ok(false);
            }
            let name = self.push_text(row.get(cols.get("name")));
            personal.push(Personal {
                name,
                ..Personal::default()
            });
            k += 1;
        }
        if k != self.residents.len() {
            return Ok(false);
        }
        for (i, r) in self.residents.iter_mut().enumerate() {
            r.personal = i as u32;
        }
        self.personal = personal;
        Ok(true)
    }
}

impl Roster {
    /// The name of every resident from a plain residents.csv (UTF-8, no
    /// quote, no CR but at a line's end), checked line by line against the
    /// roster: `None` for any other file or any disagreement.
    fn plain_names(&self, path: &Path) -> std::io::Result<Option<(String, Vec<usize>)>> {
        use std::io::Read;
        let Ok(mut file) = std::fs::File::open(path) else {
            return Ok(None);
        };
        const BLOCK: usize = 4 << 20;
        let mut block: Vec<u8> = Vec::with_capacity(BLOCK);
        let mut names = String::new();
        let mut ends = Vec::with_capacity(self.residents.len());
        let mut cols: Option<(usize, usize)> = None;
        let mut line_no = 0u64;
        let mut k = 0;
        let mut eof = false;
        while !eof {
            // A block of whole lines; what follows is kept for the next.
            let old = block.len();
            block.resize(old + BLOCK, 0);
            let mut n = old;
            while n < block.len() {
                match file.read(&mut block[n..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(m) => n += m,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            block.truncate(n);
            let cut = if eof {
                block.len()
            } else {
                match memchr::memrchr(b'\n', &block) {
                    Some(i) => i + 1,
                    None => continue,
                }
            };
            let rest = block.split_off(cut);
            let Ok(text) = simdutf8::basic::from_utf8(&block) else {
                return Ok(None);
            };
            for line in text.split_inclusive('\n') {
                line_no += 1;
                let Some(line) = plain_line(line) else {
                    return Ok(None);
                };
                let line = if line_no == 1 {
                    line.strip_prefix('\u{feff}').unwrap_or(line)
                } else {
                    line
                };
                let Some((id_col, name_col)) = cols else {
                    let cells: Vec<&str> = line.split(',').map(super::table::trim).collect();
                    let Ok(mapped) = headers::map(&headers::RESIDENTS, &cells, &[]) else {
                        return Ok(None);
                    };
                    let (Some(id), Some(name)) = (mapped.get("id"), mapped.get("name")) else {
                        return Ok(None);
                    };
                    cols = Some((id, name));
                    continue;
                };
                let (mut id, mut name) = ("", "");
                let mut from = 0;
                let last = id_col.max(name_col);
                for (i, comma) in memchr::memchr_iter(b',', line.as_bytes())
                    .chain(std::iter::once(line.len()))
                    .enumerate()
                {
                    // Commas are ASCII: every cut falls between characters.
                    let cell = super::table::trim(&line[from..comma]);
                    if i == id_col {
                        id = cell;
                    }
                    if i == name_col {
                        name = cell;
                    }
                    if i == last {
                        break;
                    }
                    from = comma + 1;
                }
                if id.is_empty() && line.split(',').all(|c| c.trim().is_empty()) {
                    continue; // a blank row
                }
                let Some(resident) = self.residents.get(k) else {
                    return Ok(None);
                };
                if line_no != resident.line || id != self.span(resident.id) {
                    return Ok(None);
                }
                names.push_str(name);
                ends.push(names.len());
                k += 1;
            }
            block = rest;
        }
        if k != self.residents.len() {
            return Ok(None);
        }
        Ok(Some((names, ends)))
    }
}

/// A line (with its line break, if any) when it is plain: no quote, no
/// CR but one ending it; without the line break.
fn plain_line(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    memchr::memchr2(b'"', b'\r', line.as_bytes())
        .is_none()
        .then_some(line)
}

/// The roster as bytes for the cache (`data::cache`), and back. Only a
/// roster without personal data is written: a cache never holds names,
/// phones or ID numbers.
impl Roster {
    /// Whether the roster may be cached: it holds no personal data.
    pub fn cacheable(&self) -> bool {
        self.personal.is_empty()
    }

    /// Writes the roster for `from_bytes` (only when `cacheable`).
    pub fn write_cache(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        assert!(self.cacheable(), "a cache never holds personal data");
        let mut w = bin::Writer::default();
        out.write_all(&(self.text.len() as u64).to_le_bytes())?;
        out.write_all(self.text.as_bytes())?;
        w.u64(self.names.len() as u64);
        for n in &self.names {
            w.text(n);
        }
        w.u64(self.households.len() as u64);
        for h in &self.households {
            for v in [
                h.id.start,
                h.id.end,
                h.grid,
                h.building,
                h.unit,
                h.room.start,
                h.room.end,
                h.visitor,
                h.first,
                h.count,
            ] {
                w.u32(v);
            }
        }
        w.u64(self.residents.len() as u64);
        for r in &self.residents {
            w.u32(r.id.start);
            w.u32(r.id.end);
            w.u32(r.household);
            w.u64(r.line);
            w.spill(out)?;
        }
        w.u64(self.members.len() as u64);
        for (m, r) in self.members.iter().zip(&self.member_residents) {
            w.u32(m.level.index() as u32);
            w.date(m.since);
            w.date(m.until);
            w.u32(*r);
            w.spill(out)?;
        }
        out.write_all(&w.bytes)
    }

    /// A roster from `to_bytes`; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Roster> {
        let mut r = bin::Reader { bytes };
        let text = r.text()?.to_string();
        let span = |start: u32, end: u32| {
            (start <= end
                && text.is_char_boundary(start as usize)
                && text.is_char_boundary(end as usize)
                && (end as usize) <= text.len())
            .then_some(Span { start, end })
        };
        let mut roster = Roster::default();
        for _ in 0..r.count(8)? {
            let n = r.text()?.to_string();
            roster.name_ids.insert(n.clone(), roster.names.len() as u32);
            roster.names.push(n);
        }
        let names = roster.names.len() as u32;
        let n = r.count(40)?;
        roster.households.reserve_exact(n);
        for _ in 0..n {
            let mut v = [0u32; 10];
            for x in &mut v {
                *x = r.u32()?;
            }
            let row = HouseholdRow {
                id: span(v[0], v[1])?,
                grid: v[2],
                building: v[3],
                unit: v[4],
                room: span(v[5], v[6])?,
                visitor: v[7],
                first: v[8],
                count: v[9],
            };
            if [row.grid, row.building, row.unit, row.visitor]
                .iter()
                .any(|&x| x >= names)
            {
                return None;
            }
            roster.households.push(row);
        }
        let households = roster.households.len() as u32;
        let n = r.count(20)?;
        roster.residents.reserve_exact(n);
        for _ in 0..n {
            let row = ResidentRow {
                id: span(r.u32()?, r.u32()?)?,
                household: r.u32()?,
                line: r.u64()?,
                personal: u32::MAX,
            };
            (row.household < households).then_some(())?;
            roster.residents.push(row);
        }
        let n = r.count(16)?;
        roster.members.reserve_exact(n);
        roster.member_residents.reserve_exact(n);
        for _ in 0..n {
            let level = *Level::ALL.get(r.u32()? as usize)?;
            let (since, until) = (r.date()?, r.date()?);
            let resident = r.u32()?;
            ((resident as usize) < roster.residents.len()).then_some(())?;
            roster.members.push(Membership {
                level,
                since,
                until,
            });
            roster.member_residents.push(resident);
        }
        let members = roster.members.len() as u64;
        let whole = roster
            .households
            .iter()
            .all(|h| u64::from(h.first) + u64::from(h.count) <= members);
        (whole && r.bytes.is_empty()).then_some(())?;
        roster.text = text;
        Some(roster)
    }
}

struct Parsed<'a> {
    id: &'a str,
    household: &'a str,
    membership: Membership,
}

fn parse_row<'a>(row: &Row<'a>, cols: &Columns) -> Result<Parsed<'a>, Vec<Reason>> {
    let mut reasons = Vec::new();
    let get = |f: FieldName| row.get(cols.get(f));
    let id = get("id");
    if id.is_empty() {
        reasons.push(Reason::Empty("id"));
    }
    let level_text = get("level");
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
    let mut date_of = |f: FieldName| {
        let text = get(f);
        if text.is_empty() {
            return None;
        }
        match date::parse(text) {
            Ok(d) => Some(d),
            Err(why) => {
                reasons.push(Reason::BadDate {
                    field: f,
                    value: crate::privacy::shown_value(text),
                    why,
                });
                None
            }
        }
    };
    let since = date_of("since");
    let until = date_of("until");
    reasons.extend(cols.extra_cells(row.used_len()));
    match level {
        Some(level) if reasons.is_empty() => Ok(Parsed {
            id,
            household: match get("household") {
                "" => id,
                h => h,
            },
            membership: Membership {
                level,
                since,
                until,
            },
        }),
        _ => Err(reasons),
    }
}

/// The accepted spelling nearest to an unknown level word, if any is near.
pub fn suggest_level(text: &str) -> Option<String> {
    // A spelling is suggested within half the word's length, so nothing
    // is near a word more than twice as long as the longest spelling (and
    // a runaway cell is not compared at all).
    if text.trim().len() > 64 {
        return None;
    }
    let t = text.trim().to_lowercase();
    let len = t.chars().count();
    Level::spellings()
        .iter()
        .map(|(s, _)| (strsim::osa_distance(&t, s), *s))
        .filter(|(d, _)| *d <= (len / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Roster, Vec<Problem>) {
        let mut problems = Vec::new();
        let t = Table::from_bytes(Path::new("residents.csv"), text.as_bytes());
        let r = Roster::from_table(
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
        // The disagreement on building is a warning on line 4.
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].is_error()), (Some(4), false));
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
        let r = Roster::from_table(t, Load::default(), &mut problems);
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
