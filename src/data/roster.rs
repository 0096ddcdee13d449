//! `residents.csv`: the roster. Rows become residents grouped into
//! households; every problem is collected with its line, nothing is dropped
//! in silence.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::date;
use super::headers::{self, Columns};
use super::table::{Row, Table};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::model::{Household, Level, Membership, Resident};

pub const FILE: &str = "residents.csv";

/// What to keep of each row besides what the rules need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    /// Names, phones, ID numbers and tags (only for human output).
    pub personal: bool,
}

#[derive(Debug, Default)]
pub struct Roster {
    pub residents: Vec<Resident>,
    pub households: Vec<Household>,
    by_household: HashMap<String, usize>,
    by_resident: HashMap<String, usize>,
}

impl Roster {
    pub fn household(&self, id: &str) -> Option<usize> {
        self.by_household.get(id).copied()
    }

    /// The household of a resident id.
    pub fn household_of_resident(&self, id: &str) -> Option<usize> {
        self.by_resident
            .get(id)
            .map(|&r| self.residents[r].household)
    }

    /// Reads the roster at `path`. Problems (errors and warnings) are
    /// pushed to `problems`; rows with errors are left out of the roster.
    /// `Err` only when the file cannot be opened.
    pub fn read(path: &Path, load: Load, problems: &mut Vec<Problem>) -> Result<Roster, Error> {
        let Some(table) = Table::open(path, None)? else {
            return Err(Error::NoData {
                dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                file: Some(FILE.into()),
            });
        };
        Ok(Roster::from_table(table, load, problems))
    }

    pub fn from_table<R: Read>(
        mut table: Table<R>,
        load: Load,
        problems: &mut Vec<Problem>,
    ) -> Roster {
        let mut roster = Roster::default();
        let path = table.path().to_path_buf();
        problems.extend(table.encoding_warning());
        let cols = match table.header() {
            Ok((line, header)) => {
                let cells: Vec<&str> = header.iter().map(String::as_str).collect();
                match headers::map(&headers::RESIDENTS, &cells, &[]) {
                    Ok(c) => c,
                    Err(reason) => {
                        problems.push(Problem::error(&path, Some(line), reason));
                        return roster;
                    }
                }
            }
            Err(p) => {
                problems.push(p);
                return roster;
            }
        };
        let mut first_line: HashMap<String, u64> = HashMap::new();
        loop {
            let row = match table.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(p) => {
                    problems.push(p);
                    break;
                }
            };
            match parse_row(&row, &cols, load) {
                Ok((resident, household_id, membership, place)) => {
                    if let Some(&first) = first_line.get(&resident.id) {
                        problems.push(Problem::error(
                            &path,
                            Some(row.line),
                            Reason::DuplicateResident {
                                id: resident.id.clone(),
                                first_line: first,
                            },
                        ));
                        continue;
                    }
                    if let (Some(s), Some(u)) = (membership.since, membership.until)
                        && s > u
                    {
                        problems.push(Problem::warning(
                            &path,
                            Some(row.line),
                            Reason::NeverActive {
                                id: resident.id.clone(),
                            },
                        ));
                    }
                    first_line.insert(resident.id.clone(), row.line);
                    roster.add(
                        resident,
                        household_id,
                        membership,
                        place,
                        &path,
                        row.line,
                        problems,
                    );
                }
                Err(reasons) => {
                    for r in reasons {
                        problems.push(Problem::error(&path, Some(row.line), r));
                    }
                }
            }
        }
        roster
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        mut resident: Resident,
        household_id: String,
        membership: Membership,
        place: Place,
        path: &Path,
        line: u64,
        problems: &mut Vec<Problem>,
    ) {
        let h = match self.by_household.get(&household_id) {
            Some(&h) => h,
            None => {
                self.households.push(Household {
                    id: household_id.clone(),
                    ..Household::default()
                });
                self.by_household
                    .insert(household_id, self.households.len() - 1);
                self.households.len() - 1
            }
        };
        let index = self.residents.len();
        resident.household = h;
        self.by_resident.insert(resident.id.clone(), index);
        self.residents.push(resident);
        let house = &mut self.households[h];
        house.residents.push(index);
        house.members.push(membership);
        // The first non-empty value among the members, in file order; a
        // member who says otherwise is worth a warning for grid and building.
        let fields: [(&mut String, String, Option<FieldName>); 5] = [
            (&mut house.grid, place.grid, Some("grid")),
            (&mut house.building, place.building, Some("building")),
            (&mut house.unit, place.unit, None),
            (&mut house.room, place.room, None),
            (&mut house.visitor, place.visitor, None),
        ];
        for (kept, value, warn) in fields {
            if value.is_empty() {
                continue;
            }
            if kept.is_empty() {
                *kept = value;
            } else if *kept != value
                && let Some(field) = warn
            {
                problems.push(Problem::warning(
                    path,
                    Some(line),
                    Reason::MembersDisagree {
                        household: house.id.clone(),
                        field,
                        kept: kept.clone(),
                        other: value,
                    },
                ));
            }
        }
    }
}

struct Place {
    grid: String,
    building: String,
    unit: String,
    room: String,
    visitor: String,
}

type Parsed = (Resident, String, Membership, Place);

fn parse_row(row: &Row<'_>, cols: &Columns, load: Load) -> Result<Parsed, Vec<Reason>> {
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
    if row.used_len() > cols.width {
        reasons.push(Reason::ExtraCells {
            cells: row.used_len(),
            columns: cols.width,
        });
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let household = match get("household") {
        "" => id,
        h => h,
    };
    let personal = |f: FieldName| {
        if load.personal {
            get(f).to_string()
        } else {
            String::new()
        }
    };
    let resident = Resident {
        id: id.to_string(),
        household: 0,
        name: personal("name"),
        phone: personal("phone"),
        id_number: personal("id_number"),
        tags: personal("tags"),
        line: row.line,
    };
    let membership = Membership {
        level: level.expect("checked above"),
        since,
        until,
    };
    let place = Place {
        grid: get("grid").to_string(),
        building: get("building").to_string(),
        unit: get("unit").to_string(),
        room: get("room").to_string(),
        visitor: get("visitor").to_string(),
    };
    Ok((resident, household.to_string(), membership, place))
}

/// The accepted spelling nearest to an unknown level word, if any is near.
pub fn suggest_level(text: &str) -> Option<String> {
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
        let r = Roster::from_table(t, Load { personal: true }, &mut problems);
        (r, problems)
    }

    #[test]
    fn households_group_members_and_take_first_values() {
        let (r, p) = read(
            "编号,户号,姓名,关注等级,网格,楼栋\nA1,H1,张三,绿,东岗,1栋\nA2,H1,李四,红,,2栋\nA3,,王五,3,西岗,5栋\n",
        );
        assert_eq!(r.households.len(), 2);
        let h1 = &r.households[r.household("H1").unwrap()];
        assert_eq!((h1.grid.as_str(), h1.building.as_str()), ("东岗", "1栋"));
        assert_eq!(h1.members.len(), 2);
        // A resident with no household is a household of one, keyed by id.
        assert!(r.household("A3").is_some());
        assert_eq!(r.household_of_resident("A2"), r.household("H1"));
        // The disagreement on building is a warning on line 3.
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].is_error()), (Some(3), false));
    }

    #[test]
    fn every_bad_row_is_reported() {
        let (r, p) = read(
            "id,level,since\nA1,purple,\n,red,\nA3,red,2020-02-30\nA4,red,\nA4,green,\nA5,,\n",
        );
        assert_eq!(r.residents.len(), 1);
        let lines: Vec<_> = p.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 3, 4, 6, 7]);
        assert!(matches!(
            *p[3].reason,
            Reason::DuplicateResident { first_line: 5, .. }
        ));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_level("rde").as_deref(), Some("red"));
        assert_eq!(suggest_level("Gren").as_deref(), Some("green"));
        assert_eq!(suggest_level("红红").as_deref(), Some("红"));
        assert_eq!(suggest_level("purple"), None);
    }
}
