//! Reading workers.csv (工作人员名册): the people who visit, with their
//! role, party branch (党支部) and party group (党小组), and checking the
//! visitor names of the roster and the visit log against it (SPEC
//! "workers.csv"). Read whole and never cached: it holds phones.

use std::collections::HashMap;
use std::path::Path;

use super::headers;
use super::table::Table;
use crate::error::{Error, Problem, Reason};

pub const FILE: &str = "workers.csv";

/// One person who visits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Worker {
    /// The physical line of the row (the header being line 1).
    pub line: u64,
    pub name: String,
    /// Personal data: masked in output unless revealed.
    pub phone: String,
    pub role: String,
    pub grid: String,
    pub building: String,
    pub branch: String,
    pub party_group: String,
    /// `None` when the cell is empty.
    pub party_member: Option<bool>,
}

/// workers.csv as read: the valid rows in file order, and whether the
/// file has the optional columns that group workers.
#[derive(Debug, Clone, Default)]
pub struct Workers {
    pub list: Vec<Worker>,
    by_name: HashMap<String, usize>,
}

impl Workers {
    pub fn new(list: Vec<Worker>) -> Workers {
        let by_name = list
            .iter()
            .enumerate()
            .map(|(i, w)| (w.name.clone(), i))
            .collect();
        Workers { list, by_name }
    }

    pub fn get(&self, name: &str) -> Option<&Worker> {
        self.by_name.get(name.trim()).map(|&i| &self.list[i])
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name.trim())
    }

    /// Whether any worker names a party branch.
    pub fn has_branches(&self) -> bool {
        self.list.iter().any(|w| !w.branch.is_empty())
    }

    /// Whether any worker names a party group.
    pub fn has_party_groups(&self) -> bool {
        self.list.iter().any(|w| !w.party_group.is_empty())
    }

    /// The registered name nearest to `name` (few characters differ), for
    /// "did you mean".
    pub fn nearest(&self, name: &str) -> Option<&str> {
        let wanted = name.trim();
        let limit = (wanted.chars().count() / 2).max(1);
        self.list
            .iter()
            .map(|w| {
                (
                    strsim::osa_distance(wanted, &w.name),
                    w.line,
                    w.name.as_str(),
                )
            })
            .filter(|(d, _, _)| *d <= limit)
            .min_by_key(|(d, line, _)| (*d, *line))
            .map(|(_, _, n)| n)
    }
}

/// Reads a `party_member` cell: 是/否, yes/no, y/n, true/false, 1/0 (in
/// any case); `Some(None)` for an empty cell, `None` for anything else.
pub fn party_member(cell: &str) -> Option<Option<bool>> {
    let t = cell.trim().to_lowercase();
    Some(match t.as_str() {
        "" => None,
        "是" | "yes" | "y" | "true" | "1" => Some(true),
        "否" | "no" | "n" | "false" | "0" => Some(false),
        _ => return None,
    })
}

/// Reads `dir`'s workers.csv; `Ok(None)` when there is none. Rows with
/// errors (an empty name, a name listed twice, a `party_member` that is
/// not yes or no) are reported and left out.
pub fn read(dir: &Path, problems: &mut Vec<Problem>) -> Result<Option<Workers>, Error> {
    let path = dir.join(FILE);
    let Some(mut table) = Table::open(&path, None)? else {
        return Ok(None);
    };
    problems.extend(table.encoding_warning());
    let cols = match table.header() {
        Ok((line, header)) => {
            let cells: Vec<&str> = header.iter().map(String::as_str).collect();
            match headers::map(&headers::WORKERS, &cells, &[]) {
                Ok(c) => c,
                Err(reason) => {
                    problems.push(Problem::error(&path, Some(line), reason));
                    return Ok(Some(Workers::default()));
                }
            }
        }
        Err(p) => {
            problems.push(p);
            return Ok(Some(Workers::default()));
        }
    };
    let mut list: Vec<Worker> = Vec::new();
    let mut first: HashMap<String, u64> = HashMap::new();
    loop {
        let row = match table.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                break;
            }
        };
        let get = |f| row.get(cols.get(f)).to_string();
        let mut reasons = Vec::new();
        let name = get("name");
        if name.is_empty() {
            reasons.push(Reason::Empty("name"));
        } else if let Some(&first_line) = first.get(&name) {
            reasons.push(Reason::DuplicateWorker {
                name: name.clone(),
                first_line,
            });
        }
        let member = get("party_member");
        let party_member = match party_member(&member) {
            Some(m) => m,
            None => {
                reasons.push(Reason::BadPartyMember(crate::privacy::shown_value(&member)));
                None
            }
        };
        reasons.extend(cols.extra_cells(row.used_len()));
        if !name.is_empty() {
            first.entry(name.clone()).or_insert(row.line);
        }
        if !reasons.is_empty() {
            for r in reasons {
                problems.push(Problem::error(&path, Some(row.line), r));
            }
            continue;
        }
        list.push(Worker {
            line: row.line,
            name,
            phone: get("phone"),
            role: get("role"),
            grid: get("grid"),
            building: get("building"),
            branch: get("branch"),
            party_group: get("party_group"),
            party_member,
        });
    }
    Ok(Some(Workers::new(list)))
}

/// A visitor name as the roster or the visit log writes it, with the
/// first place it is found and on how many rows.
#[derive(Debug, Clone)]
pub struct Seen {
    pub file: std::path::PathBuf,
    pub line: u64,
    pub rows: u64,
}

/// Notes the visitor names of one file (in file order) that `workers`
/// lacks: the first line of each and how many rows name it.
#[derive(Debug, Default)]
pub struct Unregistered {
    order: Vec<String>,
    seen: HashMap<String, Seen>,
}

impl Unregistered {
    pub fn see(&mut self, workers: &Workers, file: &Path, line: u64, name: &str) {
        let name = name.trim();
        if name.is_empty() || workers.contains(name) {
            return;
        }
        match self.seen.get_mut(name) {
            Some(s) => s.rows += 1,
            None => {
                self.order.push(name.to_string());
                self.seen.insert(
                    name.to_string(),
                    Seen {
                        file: file.to_path_buf(),
                        line,
                        rows: 1,
                    },
                );
            }
        }
    }

    /// `warnings`, after the needs ledger's workers (file, line, name).
    pub fn warnings_with(
        mut self,
        workers: &Workers,
        needs: Vec<(std::path::PathBuf, u64, String)>,
    ) -> Vec<Problem> {
        for (file, line, name) in needs {
            self.see(workers, &file, line, &name);
        }
        self.warnings(workers)
    }

    /// One warning per name, at its first line, with the nearest
    /// registered name.
    pub fn warnings(self, workers: &Workers) -> Vec<Problem> {
        let Unregistered { order, mut seen } = self;
        order
            .into_iter()
            .map(|name| {
                let s = seen.remove(&name).expect("seen");
                // Phone and ID numbers written into a name are masked, as
                // the report masks them.
                let masked = |n: &str| crate::privacy::mask_numbers_in(n).into_owned();
                let suggestion = workers.nearest(&name).map(masked);
                Problem::warning(
                    s.file,
                    Some(s.line),
                    Reason::UnregisteredWorker {
                        name: masked(&name),
                        rows: s.rows,
                        suggestion,
                    },
                )
            })
            .collect()
    }
}

/// Every worker in charge the roster names, one per resident and name
/// (a resident the history handed over names each of its workers), by the
/// resident's line.
pub fn roster_visitors(roster: &crate::model::roster::Roster) -> Vec<(u64, &str)> {
    let mut out: Vec<(u64, u32, &str)> = roster
        .members
        .iter()
        .zip(&roster.member_residents)
        .filter(|(m, _)| m.visitor != 0)
        .map(|(m, &r)| {
            let line = roster.residents[r as usize].line;
            (line, m.visitor, roster.names[m.visitor as usize].as_str())
        })
        .collect();
    out.sort_unstable_by_key(|(line, v, _)| (*line, *v));
    out.dedup_by_key(|(line, v, _)| (*line, *v));
    out.into_iter()
        .map(|(line, _, name)| (line, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Option<Workers>, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let mut problems = Vec::new();
        let w = read(dir.path(), &mut problems).unwrap();
        (w, problems)
    }

    #[test]
    fn chinese_headers_and_party_member_words() {
        let (w, problems) = read_text(
            "姓名,手机,职务,所属党支部,党小组,是否党员\n王芳,13800001111,网格员,第一党支部,1栋党小组,是\n李强,,楼栋长,,,否\n赵敏,,党员志愿者,第二党支部,,Yes\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let w = w.unwrap();
        assert_eq!(w.list.len(), 3);
        let wang = w.get("王芳").unwrap();
        assert_eq!(
            (wang.phone.as_str(), wang.branch.as_str(), wang.party_member),
            ("13800001111", "第一党支部", Some(true))
        );
        assert_eq!(w.get("李强").unwrap().party_member, Some(false));
        assert_eq!(w.get("赵敏").unwrap().party_member, Some(true));
        assert!(w.has_branches() && w.has_party_groups());
        assert_eq!(w.nearest("王方"), Some("王芳"));
        assert_eq!(w.nearest("孙悟空"), None);
    }

    #[test]
    fn errors_with_lines() {
        let (w, problems) = read_text("name,party_member\nWang,yes\n,no\nWang,no\nLi,maybe\n");
        let lines: Vec<(Option<u64>, Reason)> = problems
            .iter()
            .map(|p| (p.line, (*p.reason).clone()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(3), Reason::Empty("name")),
                (
                    Some(4),
                    Reason::DuplicateWorker {
                        name: "Wang".into(),
                        first_line: 2
                    }
                ),
                (Some(5), Reason::BadPartyMember("maybe".into())),
            ]
        );
        assert_eq!(w.unwrap().list.len(), 1);
        let (_, problems) = read_text("phone,role\n1,2\n");
        assert!(matches!(*problems[0].reason, Reason::MissingColumns { .. }));
        assert_eq!(problems[0].line, Some(1));
    }
}
