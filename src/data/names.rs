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
