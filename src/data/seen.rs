//! What rounds last saw of the roster: the tracked fields of every
//! resident (`model::history::Field`: level, household, visitor, grid,
//! building, unit, room, tags, since, until), by resident id, so that an
//! edit made in a spreadsheet (Excel or WPS) and never recorded in
//! history.csv is caught (SPEC `rounds change --record`).
//!
//! The file is `.rounds/seen` in the data directory. It is no cache: it
//! is what an edit is measured against, so it is written only as the
//! first baseline (`remember`, by the first command to read the
//! directory), after the roster's edits are recorded (`remember`, by
//! `rounds change`), and again when the roster was saved with no edit
//! (the same values under the file's new stamp). It holds no name, phone
//! or ID number, is its owner's alone (0600, in a 0700 folder) and is
//! written aside and renamed into place, so that a reader under the
//! shared lock never sees half of one.
//!
//! Its first line says which state of residents.csv and of history.csv it
//! stands for (size and modification time of each) and whether the two
//! agreed then: while neither file changed, there is no edit and nothing
//! else is read (the fast path of every command on a large roster).

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::table::{Row, Rows, Table};
use super::{headers, history};
use crate::error::{Error, Problem, Reason};
use crate::model::history::{Field, History};

/// The folder beside the data that holds what rounds keeps of it.
pub const DIR: &str = ".rounds";
/// The file in `DIR`.
pub const FILE: &str = "seen";

const MAGIC: &str = "rounds seen 1";

/// A tracked field whose value in the roster is not the one rounds last
/// saw or history.csv last recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The physical line of the resident's row in the roster.
    pub line: u64,
    pub resident: String,
    pub field: Field,
    /// The value before the edit: the `to` of the field's latest change
    /// in history.csv, else the value rounds last saw.
    pub from: String,
    /// The value the roster holds now.
    pub to: String,
}

/// The path of the seen file of data directory `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(DIR).join(FILE)
}

/// Whether `dir` has a seen file this version reads (else the next
/// reader writes the baseline).
pub fn has_baseline(dir: &Path) -> bool {
    read_head(&path(dir)).is_some()
}

/// The local date of the roster file's last modification: the day an
/// edit made in a spreadsheet is taken to be made on, until it is
/// recorded. `None` when the file cannot be looked at.
pub fn saved_on(roster_path: &Path) -> Option<NaiveDate> {
    let modified = std::fs::metadata(roster_path).ok()?.modified().ok()?;
    Some(chrono::DateTime::<chrono::Local>::from(modified).date_naive())
}

/// Every tracked field whose value in the roster at `roster_path` differs
/// (by meaning, `Field::same`) from the `to` of its latest change in
/// `history` or, for a field history.csv has no change of, from what the
/// seen file of `dir` holds (when there is one). A resident the seen file
/// does not know (added since) has no edit, nor has one gone from the
/// roster. The edits are in roster order, fields in `Field::ALL` order;
/// each is also a warning in `problems` (at the roster's line).
///
/// While neither residents.csv nor history.csv changed since the seen
/// file was written, and they agreed then, this reads nothing more than
/// the seen file's first line. A roster saved again without an edit gets
/// its new stamp written (best effort: a directory rounds cannot write to
/// is only read).
pub fn unrecorded(
    dir: &Path,
    roster_path: &Path,
    history: &History,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Edit>, Error> {
    let Some(now) = Stamps::of(dir, roster_path) else {
        return Ok(Vec::new());
    };
    let seen_path = path(dir);
    let head = read_head(&seen_path);
    if head.as_ref().is_some_and(|h| h.clean && h.stamps == now) {
        return Ok(Vec::new());
    }
    if head.is_none() && history.is_empty() {
        return Ok(Vec::new());
    }
    let seen = match head {
        Some(_) => std::fs::read_to_string(&seen_path)
            .ok()
            .and_then(Seen::parse),
        None => None,
    };
    let latest = latest_changes(history);
    let mut survey = Survey::new(seen.as_ref(), &latest, seen.is_some());
    if !survey.run(roster_path)? {
        return Ok(Vec::new());
    }
    if seen.is_some() && survey.edits.is_empty() {
        // The roster was saved with no edit: the same values under its
        // new stamp, so that the next command takes the fast path (not
        // while a spreadsheet's cells wait for recorded changes).
        let _ = write(dir, now, survey.behind.is_empty(), &survey.body);
    }
    let before = problems.len();
    for e in &survey.behind {
        problems.push(Problem::warning(
            roster_path,
            Some(e.line),
            Reason::SheetBehind {
                id: e.resident.clone(),
                field: e.field,
                value: history::shown(e.field, &e.to),
                to: history::shown(e.field, &e.from),
            },
        ));
    }
    for e in &survey.edits {
        problems.push(Problem::warning(
            roster_path,
            Some(e.line),
            Reason::UnrecordedEdit {
                id: e.resident.clone(),
                field: e.field,
                from: history::shown(e.field, &e.from),
                to: history::shown(e.field, &e.to),
            },
        ));
    }
    if let Some(rows) = &survey.sheet {
        rows.place(&mut problems[before..]);
    }
    Ok(survey.edits)
}

/// Stores the tracked fields of the roster at `roster_path` as what
/// rounds saw, with the stamps of residents.csv and history.csv (read
/// from `dir`). Call it once the roster's edits are recorded (or, with no
/// seen file yet, to make the baseline). Takes no lock of its own: the
/// file is replaced whole by a rename, which readers never see half done.
pub fn remember(dir: &Path, roster_path: &Path) -> Result<(), Error> {
    let Some(now) = Stamps::of(dir, roster_path) else {
        return Ok(());
    };
    let history = history::read(&dir.join(history::FILE), &mut Vec::new())?;
    let latest = latest_changes(&history);
    let mut survey = Survey::new(None, &latest, true);
    if !survey.run(roster_path)? {
        return Ok(());
    }
    write(
        dir,
        now,
        survey.edits.is_empty() && survey.behind.is_empty(),
        &survey.body,
    )
}

/// The size and modification time (nanoseconds) of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: i128,
}

/// The stamps of the roster and of history.csv (`None`: no such file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamps {
    roster: Stamp,
    history: Option<Stamp>,
}

/// A file changed this recently may change again within the same
/// timestamp on a coarse file system: its stamp is not trusted.
const RACY_SECS: u64 = 2;

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        let racy = std::time::SystemTime::now()
            .duration_since(modified)
            .map_or(true, |age| age.as_secs() < RACY_SECS);
        let mtime = match modified.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        // A racy stamp is stored as one no file has, so that the next
        // look compares the values.
        Some(Stamp {
            len: meta.len(),
            mtime: if racy { i128::MIN } else { mtime },
        })
    }

    fn text(stamp: Option<Stamp>) -> String {
        match stamp {
            Some(s) => format!("{} {}", s.len, s.mtime),
            None => "- -".into(),
        }
    }
}

impl Stamps {
    fn of(dir: &Path, roster_path: &Path) -> Option<Stamps> {
        Some(Stamps {
            roster: Stamp::of(roster_path)?,
            history: Stamp::of(&dir.join(history::FILE)),
        })
    }
}

/// The first line of a seen file.
struct Head {
    stamps: Stamps,
    /// The roster agreed with history.csv's latest changes.
    clean: bool,
}

fn parse_head(line: &str) -> Option<Head> {
    let rest = line.strip_prefix(MAGIC)?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [rl, rm, hl, hm, clean] = words[..] else {
        return None;
    };
    let stamp = |l: &str, m: &str| -> Option<Option<Stamp>> {
        if l == "-" {
            return Some(None);
        }
        Some(Some(Stamp {
            len: l.parse().ok()?,
            mtime: m.parse().ok()?,
        }))
    };
    Some(Head {
        stamps: Stamps {
            roster: stamp(rl, rm)??,
            history: stamp(hl, hm)?,
        },
        clean: clean == "clean",
    })
}

/// The first line of the seen file at `path`, if it is one.
fn read_head(path: &Path) -> Option<Head> {
    let file = std::fs::File::open(path).ok()?;
    let mut line = String::new();
    std::io::BufReader::new(file.take(4096))
        .read_line(&mut line)
        .ok()?;
    parse_head(line.trim_end())
}

/// Writes the seen file whole: aside, then renamed into place, owner-only.
fn write(dir: &Path, stamps: Stamps, clean: bool, body: &str) -> Result<(), Error> {
    let folder = dir.join(DIR);
    create_private_dir(&folder).map_err(|e| Error::io(&folder, e))?;
    let head = format!(
        "{MAGIC} {} {} {}\n",
        Stamp::text(Some(stamps.roster)),
        Stamp::text(stamps.history),
        if clean { "clean" } else { "edited" }
    );
    // The body (a city's is a hundred megabytes) is not copied to join it.
    crate::store::replace_with(&folder.join(FILE), crate::store::Access::Private, |f| {
        use std::io::Write;
        f.write_all(head.as_bytes())?;
        crate::store::write_pieces(f, body.as_bytes())
    })
}

fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(folder)
}

/// A seen file's values: each resident's line, in the order it was
/// written (the roster's), found by position first and by id after.
struct Seen {
    text: String,
    /// (id, the rest of the line) as byte ranges of `text`.
    lines: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl Seen {
    fn parse(text: String) -> Option<Seen> {
        let (head, _) = text.split_once('\n')?;
        parse_head(head)?;
        let mut lines = Vec::new();
        let mut at = head.len() + 1;
        for line in text[at..].split_inclusive('\n') {
            let start = at;
            at += line.len();
            let line = line.strip_suffix('\n').unwrap_or(line);
            let Some(tab) = line.find('\t') else { continue };
            lines.push((start..start + tab, start + tab + 1..start + line.len()));
        }
        Some(Seen { text, lines })
    }

    fn id(&self, i: usize) -> &str {
        &self.text[self.lines[i].0.clone()]
    }

    fn values(&self, i: usize) -> &str {
        &self.text[self.lines[i].1.clone()]
    }
}

/// Finds a resident's line in a seen file: the next one in order when
/// the ids follow the roster's (the usual case, no hashing), else by id.
struct Finder<'a> {
    seen: &'a Seen,
    next: usize,
    by_id: Option<hashbrown::HashMap<&'a str, usize, foldhash::fast::FixedState>>,
}

impl<'a> Finder<'a> {
    fn find(&mut self, id: &str) -> Option<&'a str> {
        let seen = self.seen;
        if self.by_id.is_none() && self.next < seen.lines.len() && seen.id(self.next) == id {
            self.next += 1;
            return Some(seen.values(self.next - 1));
        }
        let by_id = self.by_id.get_or_insert_with(|| {
            let mut map =
                hashbrown::HashMap::with_capacity_and_hasher(seen.lines.len(), Default::default());
            for i in 0..seen.lines.len() {
                // A repeated id (an error of the roster) keeps its first.
                map.entry(seen.id(i)).or_insert(i);
            }
            map
        });
        by_id.get(id).map(|&i| seen.values(i))
    }
}

/// The `to` of the latest change of each (resident, field) of history.csv.
type Latest<'h> = hashbrown::HashMap<&'h str, Vec<(Field, &'h str)>, foldhash::fast::FixedState>;

fn latest_changes(history: &History) -> Latest<'_> {
    let mut latest = Latest::default();
    for ((id, field), chain) in history.chains().iter() {
        if let Some(last) = chain.last() {
            latest
                .entry(id)
                .or_default()
                .push((field, last.to.as_str()));
        }
    }
    latest
}

/// One pass over the roster: its tracked values compared with the seen
/// file and the history, and written out as a seen file's body.
struct Survey<'a> {
    finder: Option<Finder<'a>>,
    latest: &'a Latest<'a>,
    keep_body: bool,
    body: String,
    edits: Vec<Edit>,
    /// A spreadsheet roster's fields whose cells still hold the value
    /// rounds last saw while history.csv records a change since (`rounds
    /// change` never writes a spreadsheet): no edit, a cell to update.
    behind: Vec<Edit>,
    /// The spreadsheet the roster is, if one (emptied of its rows).
    sheet: Option<super::roster_sheet::SheetRows>,
    /// Whether the roster is a spreadsheet.
    sheet_rows: bool,
}

impl<'a> Survey<'a> {
    fn new(seen: Option<&'a Seen>, latest: &'a Latest<'a>, keep_body: bool) -> Self {
        Survey {
            finder: seen.map(|seen| Finder {
                seen,
                next: 0,
                by_id: None,
            }),
            latest,
            keep_body,
            body: String::new(),
            edits: Vec::new(),
            behind: Vec::new(),
            sheet: None,
            sheet_rows: false,
        }
    }

    /// Reads the roster (UTF-8 first, then as the whole file's encoding
    /// settles when it is not). `Ok(false)`: no roster, or one without a
    /// usable header (the roster's reader reports it).
    fn run(&mut self, roster_path: &Path) -> Result<bool, Error> {
        if super::roster_sheet::is_sheet(roster_path) {
            if !roster_path.exists() {
                return Ok(false);
            }
            let mut rows = super::roster_sheet::SheetRows::open(roster_path);
            self.sheet_rows = true;
            let done = matches!(self.scan(&mut rows), Scan::Done);
            self.sheet = Some(rows);
            return Ok(done);
        }
        let Some(table) = Table::open_utf8(roster_path)? else {
            return Ok(false);
        };
        match self.scan(table) {
            Scan::Done => return Ok(true),
            Scan::Unusable => return Ok(false),
            Scan::NotUtf8 => {}
        }
        self.body.clear();
        self.edits.clear();
        if let Some(f) = &mut self.finder {
            f.next = 0;
        }
        let Some(table) = Table::open(roster_path, None)? else {
            return Ok(false);
        };
        Ok(matches!(self.scan(table), Scan::Done))
    }

    fn scan(&mut self, mut table: impl Rows) -> Scan {
        let cols = match table.header() {
            Ok((_, header)) => {
                let cells: Vec<&str> = header.iter().map(String::as_str).collect();
                match headers::map(&headers::RESIDENTS, &cells, &[]) {
                    Ok(c) => c,
                    Err(_) => return Scan::Unusable,
                }
            }
            Err(p) if *p.reason == Reason::Encoding => return Scan::NotUtf8,
            Err(_) => return Scan::Unusable,
        };
        let columns: Vec<Option<usize>> = Field::ALL.iter().map(|f| cols.get(f.word())).collect();
        let id_col = cols.get("id");
        loop {
            match table.next_row() {
                Ok(Some(row)) => self.row(&row, id_col, &columns),
                Ok(None) => return Scan::Done,
                Err(p) if *p.reason == Reason::Encoding => return Scan::NotUtf8,
                // A roster that cannot be read to its end (its reader
                // reports why) is compared as far as it goes.
                Err(_) => return Scan::Done,
            }
        }
    }

    fn row(&mut self, row: &Row<'_>, id_col: Option<usize>, columns: &[Option<usize>]) {
        let id = row.get(id_col);
        if id.is_empty() {
            return;
        }
        let value = |k: usize| match (Field::ALL[k], row.get(columns[k])) {
            // No household: a household of one, under the resident's id.
            (Field::Household, "") => id,
            (_, v) => v,
        };
        if self.keep_body {
            escape_into(&mut self.body, id);
            for k in 0..Field::ALL.len() {
                self.body.push('\t');
                escape_into(&mut self.body, value(k));
            }
            self.body.push('\n');
        }
        let recorded = self.latest.get(id);
        let seen = match &mut self.finder {
            Some(f) => f.find(id),
            None => None,
        };
        if recorded.is_none() && seen.is_none() {
            return;
        }
        let mut seen_values = seen.map(|s| s.split('\t'));
        for (k, field) in Field::ALL.into_iter().enumerate() {
            let seen_value = seen_values.as_mut().and_then(|s| s.next());
            let before = match recorded.and_then(|r| r.iter().find(|(f, _)| *f == field)) {
                Some((_, to)) => std::borrow::Cow::Borrowed(*to),
                None => match seen_value {
                    Some(v) => unescape(v),
                    None => continue,
                },
            };
            let now = value(k);
            if before != now && !field.same(&before, now) {
                // A spreadsheet's cell as rounds last saw it, under a
                // change recorded since: the cell waits to be updated.
                let untouched = self.sheet_rows
                    && recorded.is_some_and(|r| r.iter().any(|(f, _)| *f == field))
                    && seen_value.is_some_and(|v| {
                        let v = unescape(v);
                        v == now || field.same(&v, now)
                    });
                let edit = Edit {
                    line: row.line,
                    resident: id.to_string(),
                    field,
                    from: before.into_owned(),
                    to: now.to_string(),
                };
                if untouched {
                    self.behind.push(edit);
                } else {
                    self.edits.push(edit);
                }
            }
        }
    }
}

enum Scan {
    Done,
    /// Bytes that are not UTF-8: read again in the file's encoding.
    NotUtf8,
    Unusable,
}

/// A value on a seen file's line: tabs, line ends and backslashes
/// escaped, so that any cell keeps to its place.
fn escape_into(out: &mut String, value: &str) {
    if !value.contains(['\\', '\t', '\n', '\r']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn unescape(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains('\\') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_escaping() {
        for v in ["", "plain", "a\tb", "line\nbreak\r", "back\\slash", "红色"] {
            let mut out = String::new();
            escape_into(&mut out, v);
            assert!(!out.contains(['\t', '\n', '\r']));
            assert_eq!(unescape(&out), v);
        }
    }

    #[test]
    fn heads_read_back() {
        let stamps = Stamps {
            roster: Stamp {
                len: 10,
                mtime: 1_600_000_000_123_456_789,
            },
            history: None,
        };
        let line = format!(
            "{MAGIC} {} {} clean",
            Stamp::text(Some(stamps.roster)),
            Stamp::text(stamps.history)
        );
        let head = parse_head(&line).unwrap();
        assert_eq!(head.stamps, stamps);
        assert!(head.clean);
        assert!(parse_head("rounds seen 2 1 2 - - clean").is_none());
        assert!(parse_head("rounds seen 1 1 2 - -").is_none());
    }

    #[test]
    fn lines_are_found_in_order_or_by_id() {
        let text = format!("{MAGIC} 1 1 - - clean\nA1\tred\nA2\tgreen\nA3\tyellow\n");
        let seen = Seen::parse(text).unwrap();
        let mut f = Finder {
            seen: &seen,
            next: 0,
            by_id: None,
        };
        assert_eq!(f.find("A1"), Some("red"));
        assert_eq!(f.find("A3"), Some("yellow"));
        assert_eq!(f.find("A2"), Some("green"));
        assert_eq!(f.find("A9"), None);
    }
}
