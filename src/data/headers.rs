//! Header names: the SPEC's English names (matched case-insensitively after
//! trimming) and their Chinese aliases, simplified and traditional. A
//! schema lists the fields a file may have; `map` turns a header line into
//! the column of each field.

use crate::error::{FieldName, Reason};

/// A field that a file of some kind may carry.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: FieldName,
    pub aliases: &'static [&'static str],
}

/// The fields of one kind of file.
#[derive(Debug)]
pub struct Schema {
    pub fields: &'static [FieldSpec],
    pub required: &'static [FieldName],
}

/// Who is in charge of a household, or who made a visit: one field, so its
/// aliases serve in every file (SPEC "Aliases").
const VISITOR: &[&str] = &["负责人", "网格员", "走访人", "負責人", "網格員", "走訪人"];

const fn f(name: FieldName, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, aliases }
}

pub const RESIDENTS: Schema = Schema {
    fields: &[
        f("id", &["编号", "居民编号", "編號", "居民編號"]),
        f("household", &["户号", "户编号", "戶號", "戶編號"]),
        f("name", &["姓名"]),
        f("level", &["关注等级", "等级", "關注等級", "等級"]),
        f("grid", &["网格", "網格"]),
        f("building", &["楼栋", "楼号", "樓棟", "樓號"]),
        f("unit", &["单元", "單元"]),
        f("room", &["房号", "门牌号", "房號", "門牌號"]),
        f(
            "phone",
            &["电话", "联系电话", "電話", "聯繫電話", "聯絡電話"],
        ),
        f("id_number", &["身份证号", "身份證號"]),
        f("tags", &["标签", "类别", "標籤", "類別"]),
        f("visitor", VISITOR),
        f("since", &["登记日期", "登記日期"]),
        f("until", &["注销日期", "迁出日期", "註銷日期", "遷出日期"]),
    ],
    required: &["id", "level"],
};

pub const HISTORY: Schema = Schema {
    fields: &[
        f("date", &["变更日期", "日期", "變更日期"]),
        f("id", &["居民编号", "编号", "居民編號", "編號"]),
        f("field", &["变更项", "變更項"]),
        f("from", &["变更前", "原值", "變更前"]),
        f("to", &["变更后", "新值", "變更後"]),
        f("reason", &["原因", "变更原因"]),
        f("by", &["经办人", "經辦人"]),
    ],
    required: &["date", "id", "field", "from", "to"],
};

pub const VISITS: Schema = Schema {
    fields: &[
        f("date", &["日期", "走访日期", "走訪日期"]),
        f("household", &["户号", "户编号", "戶號", "戶編號"]),
        f("visitor", VISITOR),
        f("kind", &["方式", "走访方式", "走訪方式"]),
        f(
            "note",
            &["情况", "备注", "走访情况", "情況", "備註", "走訪情況"],
        ),
        f("persons", &["人数", "人數"]),
    ],
    required: &["date", "household"],
};

/// An imported log: a visit log that may name a resident instead of a
/// household.
pub const IMPORT: Schema = Schema {
    fields: &[
        f("date", &["日期", "走访日期", "走訪日期"]),
        f("household", &["户号", "户编号", "戶號", "戶編號"]),
        f("resident", &["居民编号", "居民編號"]),
        f("visitor", VISITOR),
        f("kind", &["方式", "走访方式", "走訪方式"]),
        f(
            "note",
            &["情况", "备注", "走访情况", "情況", "備註", "走訪情況"],
        ),
        f("persons", &["人数", "人數"]),
        f("need", &["诉求", "诉求内容", "訴求", "訴求內容"]),
        f("need_category", &["诉求类别", "訴求類別"]),
    ],
    // A resident may stand for the household; the importer checks that
    // one of the two is there.
    required: &["date"],
};

/// The needs ledger (`needs.csv`): one row per need a resident raised.
pub const NEEDS: Schema = Schema {
    fields: &[
        f("id", &["编号", "诉求编号", "編號", "訴求編號"]),
        f("household", &["户号", "户编号", "戶號", "戶編號"]),
        f("raised", &["提出日期", "反映日期", "登记日期", "登記日期"]),
        f(
            "raised_by",
            &[
                "登记人",
                "受理人",
                "负责人",
                "网格员",
                "走访人",
                "登記人",
                "負責人",
                "網格員",
                "走訪人",
            ],
        ),
        f("category", &["类别", "诉求类别", "類別", "訴求類別"]),
        f("text", &["诉求", "诉求内容", "訴求", "訴求內容"]),
        f("status", &["状态", "办理状态", "狀態", "辦理狀態"]),
        f("started", &["办理日期", "受理日期", "辦理日期"]),
        f(
            "resolved",
            &["办结日期", "解决日期", "辦結日期", "解決日期"],
        ),
        f(
            "resolution",
            &["办理结果", "处理结果", "办结情况", "辦理結果", "處理結果"],
        ),
        f("follow_up", &["回访日期", "回訪日期"]),
        f(
            "satisfaction",
            &["满意度", "回访满意度", "滿意度", "回訪滿意度"],
        ),
    ],
    required: &["id", "household", "raised"],
};

/// The people who visit (`workers.csv`, 工作人员名册): one row each.
pub const WORKERS: Schema = Schema {
    fields: &[
        f("name", &["姓名"]),
        f(
            "phone",
            &[
                "电话",
                "联系电话",
                "手机",
                "電話",
                "聯繫電話",
                "聯絡電話",
                "手機",
            ],
        ),
        f("role", &["职务", "岗位", "職務", "崗位"]),
        f("grid", &["网格", "網格"]),
        f("building", &["楼栋", "楼号", "樓棟", "樓號"]),
        f("branch", &["党支部", "所属党支部", "黨支部", "所屬黨支部"]),
        f("party_group", &["党小组", "黨小組"]),
        f("party_member", &["是否党员", "党员", "是否黨員", "黨員"]),
    ],
    required: &["name"],
};

/// Which column holds each field of a schema (by the schema's field order).
#[derive(Debug, Clone)]
pub struct Columns {
    cols: Vec<Option<usize>>,
    fields: &'static [FieldSpec],
    /// How many columns the header has.
    pub width: usize,
}

impl Columns {
    /// The problem of a row using `used` cells (not counting empty ones at
    /// its end) when the header has fewer columns.
    pub fn extra_cells(&self, used: usize) -> Option<Reason> {
        (used > self.width).then_some(Reason::ExtraCells {
            cells: used,
            columns: self.width,
        })
    }

    /// Whether column `col` holds a field of the schema.
    pub fn holds(&self, col: usize) -> bool {
        self.cols.contains(&Some(col))
    }

    pub fn get(&self, name: FieldName) -> Option<usize> {
        // Field names are the schema's own literals: their address settles
        // most lookups before any byte is compared.
        let i = self
            .fields
            .iter()
            .position(|f| std::ptr::eq(f.name, name))
            .or_else(|| self.fields.iter().position(|f| f.name == name))?;
        self.cols[i]
    }
}

/// The canonical field a header cell means in `schema`, if any.
pub fn field_of(schema: &Schema, header: &str) -> Option<FieldName> {
    let h = header.trim();
    schema
        .fields
        .iter()
        .find(|f| h.eq_ignore_ascii_case(f.name) || f.aliases.contains(&h))
        .map(|f| f.name)
}

/// Maps a header line. `extra` maps more header names to fields (from
/// `rounds.toml` or `--map`); it is consulted first.
pub fn map(
    schema: &Schema,
    header: &[&str],
    extra: &[(String, FieldName)],
) -> Result<Columns, Reason> {
    let mut cols: Vec<Option<usize>> = vec![None; schema.fields.len()];
    for (i, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let field = extra
            .iter()
            .find(|(k, _)| k.trim() == cell)
            .map(|(_, f)| *f)
            .or_else(|| field_of(schema, cell));
        let Some(field) = field else { continue };
        let slot = schema
            .fields
            .iter()
            .position(|f| f.name == field)
            .expect("field of the schema");
        if let Some(first) = cols[slot] {
            return Err(Reason::DuplicateColumn {
                field,
                first: header[first].trim().to_string(),
                second: cell.to_string(),
            });
        }
        cols[slot] = Some(i);
    }
    let missing: Vec<FieldName> = schema
        .required
        .iter()
        .copied()
        .filter(|r| {
            let slot = schema.fields.iter().position(|f| f.name == *r).unwrap();
            cols[slot].is_none()
        })
        .collect();
    if !missing.is_empty() {
        let expected = missing
            .iter()
            .map(|m| {
                let spec = schema.fields.iter().find(|f| f.name == *m).unwrap();
                std::iter::once(spec.name)
                    .chain(spec.aliases.iter().copied())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        // A first line of data (no header) is not echoed: its cells may
        // be a name and a phone number.
        let found: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        if found.iter().any(|c| crate::privacy::looks_like_value(c)) {
            return Err(Reason::HeaderIsData { missing, expected });
        }
        let nearest = missing
            .iter()
            .filter_map(|m| nearest_header(schema, m, header, &cols))
            .collect();
        return Err(Reason::MissingColumns {
            missing,
            expected,
            found,
            nearest,
        });
    }
    Ok(Columns {
        cols,
        fields: schema.fields,
        width: header.len(),
    })
}

/// The header cell, not mapped to any field, that nearly spells one of the
/// names of `field` (at most half its characters differ), with that name.
fn nearest_header(
    schema: &Schema,
    field: FieldName,
    header: &[&str],
    cols: &[Option<usize>],
) -> Option<(String, String)> {
    let spec = schema.fields.iter().find(|f| f.name == field)?;
    let names = std::iter::once(spec.name).chain(spec.aliases.iter().copied());
    let cells: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.trim().is_empty() && !cols.contains(&Some(*i)))
        .map(|(i, c)| (i, c.trim().to_lowercase()))
        .collect();
    names
        .flat_map(|name| {
            cells.iter().map(move |(i, cell)| {
                let limit = (name.chars().count() / 2).max(1);
                (strsim::osa_distance(cell, name), *i, name, limit)
            })
        })
        .filter(|(d, _, _, limit)| d <= limit)
        .min_by_key(|(d, i, _, _)| (*d, *i))
        .map(|(_, i, name, _)| (header[i].trim().to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_chinese_and_traditional_headers() {
        let c = map(
            &RESIDENTS,
            &[" ID ", "户号", "關注等級", "Grid", "備註"],
            &[],
        )
        .unwrap();
        assert_eq!(c.get("id"), Some(0));
        assert_eq!(c.get("household"), Some(1));
        assert_eq!(c.get("level"), Some(2));
        assert_eq!(c.get("grid"), Some(3));
        assert_eq!(c.get("name"), None);
        // 备注 means note in a visit log, and nothing in the roster.
        let v = map(&VISITS, &["走访日期", "户号", "备注"], &[]).unwrap();
        assert_eq!(v.get("note"), Some(2));
    }

    #[test]
    fn missing_and_duplicate_columns() {
        match map(&RESIDENTS, &["姓名", "等级"], &[]) {
            Err(Reason::MissingColumns { missing, found, .. }) => {
                assert_eq!(missing, vec!["id"]);
                assert_eq!(found, vec!["姓名", "等级"]);
            }
            other => panic!("{other:?}"),
        }
        match map(&RESIDENTS, &["編號", "關注登記"], &[]) {
            Err(Reason::MissingColumns { nearest, .. }) => {
                assert_eq!(nearest, vec![("關注登記".into(), "關注等級".into())]);
            }
            other => panic!("{other:?}"),
        }
        match map(&RESIDENTS, &["ID", "Levle"], &[]) {
            Err(Reason::MissingColumns { nearest, .. }) => {
                assert_eq!(nearest, vec![("Levle".into(), "level".into())]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            map(&RESIDENTS, &["id", "level", "等级"], &[]),
            Err(Reason::DuplicateColumn { field: "level", .. })
        ));
    }

    #[test]
    fn extra_names_come_first() {
        let extra = vec![("走访时间".to_string(), "date")];
        let v = map(&VISITS, &["走访时间", "户号"], &extra).unwrap();
        assert_eq!(v.get("date"), Some(0));
    }
}
