//! Residents' names read on their own, for a roster read without them
//! (from the cache): a report's overdue list needs nothing else.

use std::path::Path;

use super::headers;
use super::table::{Rows, Table};
use crate::error::Error;
use crate::model::roster::{Personal, Roster};

impl Roster {
    /// Reads the residents' names from `path`, the file this roster was
    /// read from without them (through the cache, say). `Ok(false)` when
    /// the file no longer matches the roster, row for row: the caller reads
    /// the roster whole.
    pub fn read_names(&mut self, path: &Path) -> Result<bool, Error> {
        if super::roster_sheet::is_sheet(path) {
            return Ok(self.names_from(super::roster_sheet::SheetRows::open(path)));
        }
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
        let Some(table) = Table::open(path, None)? else {
            return Ok(false);
        };
        Ok(self.names_from(table))
    }

    /// The names of `table`, row for row the roster's (`false`: it is not).
    fn names_from(&mut self, mut table: impl Rows) -> bool {
        let Ok((_, header)) = table.header() else {
            return false;
        };
        let cells: Vec<&str> = header.iter().map(String::as_str).collect();
        let Ok(cols) = headers::map(&headers::RESIDENTS, &cells, &[]) else {
            return false;
        };
        let mut personal = Vec::with_capacity(self.residents.len());
        let mut k = 0;
        while let Ok(Some(row)) = table.next_row() {
            let Some(resident) = self.residents.get(k) else {
                return false;
            };
            if row.line != resident.line || row.get(cols.get("id")) != self.span(resident.id) {
                return false;
            }
            let name = self.push_text(row.get(cols.get("name")));
            personal.push(Personal {
                name,
                ..Personal::default()
            });
            k += 1;
        }
        if k != self.residents.len() {
            return false;
        }
        for (i, r) in self.residents.iter_mut().enumerate() {
            r.personal = i as u32;
        }
        self.personal = personal;
        true
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

/// Where the line of each resident of `roster` in `wanted` starts in the
/// file at `path` (by resident index; `u64::MAX` for the others and for a
/// resident with no line), for reading a resident's personal data alone
/// (`Roster::personal_at`). `None` for a spreadsheet, or a file with a
/// lone CR (which the roster's reader counts as a line break).
pub fn line_starts(
    path: &Path,
    roster: &Roster,
    wanted: impl Iterator<Item = usize>,
) -> std::io::Result<Option<Vec<u64>>> {
    // A city's roster is looked through in parts, a core (of up to eight)
    // each.
    let parts = match std::fs::metadata(path) {
        Ok(m) if m.len() >= 16 << 20 => crate::cores::cores(8),
        _ => 1,
    };
    line_starts_in(path, roster, wanted, parts, 4 << 20)
}

/// `line_starts`, the file looked through in `parts` parts at once, read
/// `block` bytes at a time.
fn line_starts_in(
    path: &Path,
    roster: &Roster,
    wanted: impl Iterator<Item = usize>,
    parts: usize,
    block: usize,
) -> std::io::Result<Option<Vec<u64>>> {
    if super::roster_sheet::is_sheet(path) {
        return Ok(None);
    }
    let mut lines: Vec<(u64, u32)> = wanted
        .map(|r| (roster.residents[r].line, r as u32))
        .filter(|&(line, _)| line > 0)
        .collect();
    lines.sort_unstable();
    let mut out = vec![u64::MAX; roster.residents.len()];
    if lines.is_empty() {
        return Ok(Some(out));
    }
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    // Parts of under 2 GiB, so that a break's place in its part is a u32.
    let parts = (parts.max(1) as u64).max((len >> 31) + 1);
    let size = len.div_ceil(parts).max(1);
    let found = crate::cores::in_n_parts(parts as usize, parts as usize, |k| {
        let k = k.start as u64;
        breaks(&file, (k * size).min(len), ((k + 1) * size).min(len), block)
    });
    // Line 1 starts the file; line n + 1 starts after the file's n-th
    // break, which is in the part whose breaks and those before it reach n.
    let mut next = 0;
    while next < lines.len() && lines[next].0 == 1 {
        out[lines[next].1 as usize] = 0;
        next += 1;
    }
    let mut before = 0u64;
    for (k, part) in (0u64..).zip(found) {
        let Some(part) = part? else {
            return Ok(None);
        };
        while let Some(&(line, r)) = lines.get(next) {
            let Some(&at) = (line - 2)
                .checked_sub(before)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| part.get(i))
            else {
                break;
            };
            out[r as usize] = k * size + u64::from(at) + 1;
            next += 1;
        }
        before += part.len() as u64;
    }
    Ok(Some(out))
}

/// Where the line breaks between `from` and `to` in `file` are, from
/// `from`; `None` when a CR there is not followed by a line feed.
fn breaks(
    file: &std::fs::File,
    from: u64,
    to: u64,
    size: usize,
) -> std::io::Result<Option<Vec<u32>>> {
    let mut block = vec![0u8; size + 1];
    let mut found = Vec::new();
    let mut pos = from;
    while pos < to {
        let want = usize::try_from(to - pos).map_or(size, |n| n.min(size));
        // A byte more: what follows a CR at the end of the block.
        let n = read_at(file, &mut block[..want + 1], pos)?;
        let b = &block[..n.min(want)];
        if memchr::memchr_iter(b'\r', b).any(|i| i + 1 < n && block[i + 1] != b'\n') {
            return Ok(None);
        }
        let at = (pos - from) as u32;
        found.extend(memchr::memchr_iter(b'\n', b).map(|i| at + i as u32));
        if n < want || b.is_empty() {
            break;
        }
        pos += b.len() as u64;
    }
    Ok(Some(found))
}

/// A file read a line at a time at given offsets, through a window.
struct Lines<'f> {
    file: &'f std::fs::File,
    window: Vec<u8>,
    at: u64,
    /// The window reaches the end of the file.
    eof: bool,
}

impl<'f> Lines<'f> {
    fn new(file: &'f std::fs::File) -> Self {
        Lines {
            file,
            window: Vec::new(),
            at: 0,
            eof: false,
        }
    }

    /// The bytes of the line starting at `offset` (without its line
    /// break); `None` past the end or for a line longer than a record may be.
    /// `ahead`: how far on the next line wanted starts (a read of the
    /// file takes in that one too when it is near: a read costs about as
    /// much as copying a few kilobytes more).
    fn line(&mut self, offset: u64, ahead: u64) -> std::io::Result<Option<&[u8]>> {
        /// What a read takes in at least: a roster's line, most often.
        const LINE: u64 = 512;
        /// How near the next line wanted is taken in by the same read.
        const NEAR: u64 = 4 << 10;
        let mut want = match ahead.saturating_add(LINE) {
            both if both <= NEAR => both as usize,
            _ => LINE as usize,
        };
        let range = loop {
            let from = offset
                .checked_sub(self.at)
                .and_then(|d| usize::try_from(d).ok())
                .filter(|&d| d < self.window.len());
            if let Some(from) = from {
                match memchr::memchr(b'\n', &self.window[from..]) {
                    Some(i) => break from..from + i,
                    None if self.eof => break from..self.window.len(),
                    None => {}
                }
            }
            if want > super::records::MAX_RECORD {
                return Ok(None);
            }
            self.window.resize(want, 0);
            let n = read_at(self.file, &mut self.window, offset)?;
            self.window.truncate(n);
            self.at = offset;
            self.eof = self.window.len() < want;
            if self.window.is_empty() {
                return Ok(None);
            }
            if from.is_some() || memchr::memchr(b'\n', &self.window).is_none() {
                // Up to the longest record the roster's reader takes,
                // then once past it (refused above).
                want = match want {
                    w if w >= super::records::MAX_RECORD => w + 1,
                    w => (w * 4).min(super::records::MAX_RECORD),
                };
            }
        };
        Ok(Some(&self.window[range]))
    }
}

/// Fills `buf` from the file at `offset` (one call a read, no seek): the
/// bytes read, fewer only at the end of the file.
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    use std::os::unix::fs::FileExt;
    #[cfg(windows)]
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        #[cfg(unix)]
        let n = file.read_at(&mut buf[done..], offset + done as u64);
        #[cfg(windows)]
        let n = file.seek_read(&mut buf[done..], offset + done as u64);
        match n {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

impl Roster {
    /// Reads the names, phones and ID numbers of `residents` (indices)
    /// from their lines in `path` (`offsets[r]`: where resident r's line
    /// starts), the file this roster was read from without them.
    /// `Ok(false)` when a line is not plain (quotes, another encoding) or
    /// not the resident's: the caller reads the roster whole.
    pub fn personal_at(
        &mut self,
        path: &Path,
        offsets: &[u64],
        residents: &[usize],
    ) -> Result<bool, Error> {
        // A long list (a city's overdue households) is read in parts, a
        // core (of up to four) each: each line is a read of its own, and
        // reads wait.
        let parts = match residents.len() {
            n if n < 4096 => 1,
            _ => crate::cores::cores(4),
        };
        self.personal_at_in(path, offsets, residents, parts)
    }

    /// `personal_at`, the lines read in `parts` parts at once.
    fn personal_at_in(
        &mut self,
        path: &Path,
        offsets: &[u64],
        residents: &[usize],
        parts: usize,
    ) -> Result<bool, Error> {
        let io = |e| Error::io(path, e);
        let Ok(file) = std::fs::File::open(path) else {
            return Ok(false);
        };
        let mut first = Lines::new(&file);
        let Some(header) = first.line(0, 0).map_err(io)? else {
            return Ok(false);
        };
        let Some(header) = std::str::from_utf8(header).ok().and_then(plain_line) else {
            return Ok(false);
        };
        let header = header.strip_prefix('\u{feff}').unwrap_or(header);
        let cells: Vec<&str> = header.split(',').map(super::table::trim).collect();
        let Ok(cols) = headers::map(&headers::RESIDENTS, &cells, &[]) else {
            return Ok(false);
        };
        let Some(id_col) = cols.get("id") else {
            return Ok(false);
        };
        let mut order: Vec<usize> = residents.to_vec();
        order.sort_unstable_by_key(|&r| offsets.get(r).copied().unwrap_or(u64::MAX));
        order.dedup();
        let wanted = Wanted {
            file: &file,
            offsets,
            id_col,
            fields: [cols.get("name"), cols.get("phone"), cols.get("id_number")],
            roster: self,
        };
        let read = crate::cores::in_n_parts(order.len(), parts, |range| wanted.read(&order[range]));
        let mut found = Vec::with_capacity(order.len());
        for part in read {
            match part.map_err(io)? {
                Some(part) => found.extend(part),
                None => return Ok(false),
            }
        }
        for (r, [name, phone, id_number]) in found {
            let personal = Personal {
                name: self.push_text(&name),
                phone: self.push_text(&phone),
                id_number: self.push_text(&id_number),
            };
            self.residents[r].personal = self.personal.len() as u32;
            self.personal.push(personal);
        }
        Ok(true)
    }
}

/// A resident and its name, phone and ID number.
type Found = (usize, [String; 3]);

/// Residents' lines to read the personal data from, by their offsets.
struct Wanted<'a> {
    file: &'a std::fs::File,
    offsets: &'a [u64],
    id_col: usize,
    /// The name, phone and ID number columns.
    fields: [Option<usize>; 3],
    roster: &'a Roster,
}

impl Wanted<'_> {
    /// The personal data of `order` (residents by their lines' order);
    /// `None` when a line is not plain or not the resident's.
    fn read(&self, order: &[usize]) -> std::io::Result<Option<Vec<Found>>> {
        let mut lines = Lines::new(self.file);
        let mut found = Vec::with_capacity(order.len());
        for (k, &r) in order.iter().enumerate() {
            let Some(&offset) = self.offsets.get(r).filter(|&&o| o != u64::MAX) else {
                return Ok(None);
            };
            let next = (order.get(k + 1)).and_then(|&n| self.offsets.get(n).copied());
            let ahead = next.map_or(0, |n| n.saturating_sub(offset));
            let Some(line) = lines.line(offset, ahead)? else {
                return Ok(None);
            };
            let Some(line) = std::str::from_utf8(line).ok().and_then(plain_line) else {
                return Ok(None);
            };
            let cells: Vec<&str> = line.split(',').map(super::table::trim).collect();
            let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).copied().unwrap_or("");
            if cell(Some(self.id_col)) != self.roster.span(self.roster.residents[r].id) {
                return Ok(None);
            }
            found.push((r, self.fields.map(|f| cell(f).to_string())));
        }
        Ok(Some(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::roster::{Load, from_table};

    /// A roster of `n` residents, some lines far longer than a read takes
    /// in at first; the personal data of resident k is made from k.
    fn roster_text(n: usize) -> String {
        let mut text = String::from("id,household,name,level,phone,id_number\n");
        for k in 0..n {
            let name = if k % 997 == 0 {
                format!("长名{}", "字".repeat(3000 + k % 7))
            } else {
                format!("名{k}")
            };
            text += &format!("R{k:06},H{:05},{name},red,139{k:08},ID{k:012}\n", k / 3);
        }
        text
    }

    fn read(path: &Path) -> Roster {
        let table = Table::open(path, None).unwrap().unwrap();
        from_table(table, Load::default(), &mut Vec::new())
    }

    #[test]
    fn line_starts_are_the_same_found_in_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("residents.csv");
        // Lines of every length, CRLF and LF, blank lines, and a quoted
        // field over two lines.
        let mut text = String::from("id,household,name,level\r\n");
        for k in 0..3000 {
            let name = match k {
                502 => "\"名\n字\"".to_string(),
                _ => "名".repeat(k % 13),
            };
            text += &format!("R{k:05},H{},{name},red", k / 4);
            text += match k % 5 {
                0 => "\r\n",
                1 => "\n\n",
                _ => "\n",
            };
        }
        std::fs::write(&path, &text).unwrap();
        let roster = read(&path);
        assert_eq!(roster.residents.len(), 3000);
        let all = || 0..roster.residents.len();
        const BLOCK: usize = 4 << 20;
        let one = line_starts_in(&path, &roster, all(), 1, BLOCK)
            .unwrap()
            .unwrap();
        for (r, &at) in one.iter().enumerate() {
            let id = roster.span(roster.residents[r].id);
            assert!(text[at as usize..].starts_with(id), "resident {r} at {at}");
        }
        // In parts, and read a little at a time (blocks of 1,000 bytes).
        for (parts, block) in [(1, 1000), (2, BLOCK), (3, 1000), (7, BLOCK), (64, 1000)] {
            let found = line_starts_in(&path, &roster, all(), parts, block).unwrap();
            assert_eq!(found.as_ref(), Some(&one), "in {parts} parts");
            let few = line_starts_in(&path, &roster, [2999, 0, 1500].into_iter(), parts, block);
            let few = few.unwrap().unwrap();
            assert_eq!(
                [few[0], few[1500], few[2999]],
                [one[0], one[1500], one[2999]]
            );
            assert_eq!(few.iter().filter(|&&at| at != u64::MAX).count(), 3);
        }
        // A lone CR is a line break the roster's reader counts and these do
        // not: none are given. Here on the last byte of a part or of a block,
        // where what follows it is read with the next.
        for (parts, block) in [(1, 1000), (2, BLOCK), (3, BLOCK), (7, 1000)] {
            let mut lone = text.clone().into_bytes();
            let at = match block {
                BLOCK => lone.len().div_ceil(parts) - 1,
                _ => 2 * block - 1,
            };
            lone[at] = b'\r';
            if lone[at + 1] == b'\n' {
                lone[at + 1] = b'x';
            }
            std::fs::write(&path, &lone).unwrap();
            let found = line_starts_in(&path, &roster, all(), parts, block).unwrap();
            assert_eq!(found, None, "in {parts} parts of {block}-byte blocks");
        }
    }

    #[test]
    fn personal_data_is_read_from_the_lines_alone_in_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("residents.csv");
        let text = roster_text(12_000);
        std::fs::write(&path, &text).unwrap();
        let all: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        // Few (read on one core) and many (in parts), out of order and
        // repeated, the first line and the last among them.
        let many: Vec<usize> = (0..12_000)
            .rev()
            .filter(|k| k % 2 == 0 || k % 997 == 0)
            .collect();
        for wanted in [vec![11_999, 0, 5, 5, 997, 998], many] {
            let mut roster = read(&path);
            let offsets = line_starts(&path, &roster, 0..roster.residents.len())
                .unwrap()
                .unwrap();
            assert!(roster.personal_at_in(&path, &offsets, &wanted, 3).unwrap());
            for &r in &wanted {
                let resident = roster.resident(r);
                let row = &all[r];
                assert_eq!(
                    [resident.name(), resident.phone(), resident.id_number()],
                    [row[2], row[4], row[5]],
                    "resident {r}"
                );
            }
            // An offset that stands for another roster: refused, whichever
            // of the three parts its line falls in.
            let mut sorted = wanted.clone();
            sorted.sort_unstable();
            for r in [
                sorted[1],
                sorted[sorted.len() / 2],
                sorted[sorted.len() - 1],
            ] {
                let mut shifted = offsets.clone();
                shifted[r] = offsets[r - 1];
                let mut roster = read(&path);
                assert!(
                    !roster.personal_at_in(&path, &shifted, &wanted, 3).unwrap(),
                    "{r}"
                );
            }
        }
    }
}
