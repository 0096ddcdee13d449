//! 简体中文。

use chrono::{Datelike, NaiveDate};

use super::{
    Catalog, ClapError, ClapProblem, ClapTip, Definitions, HelpWords, Label, Msg, NeedWords,
    ReportWords, SimilarKind, Word, level_counts,
};
use crate::compute::due::DueCounts;
use crate::compute::report::SpanKind;
use crate::error::DateError;
use crate::error::{ChangeRefusal, Error, JsonKind, NeedRule, Reason, Usage};
use crate::model::{FilterField, Level, Status};

pub struct Zh;

fn field(f: &str) -> &str {
    match f {
        "id" => "编号",
        "household" => "户号",
        "name" => "姓名",
        "level" => "关注等级",
        "grid" => "网格",
        "building" => "楼栋",
        "unit" => "单元",
        "room" => "房号",
        "phone" => "联系电话",
        "id_number" => "身份证号",
        "tags" => "标签",
        "visitor" => "负责人",
        "since" => "登记日期",
        "until" => "迁出日期",
        "date" => "日期",
        "kind" => "走访方式",
        "note" => "走访情况",
        "persons" => "人数",
        "resident" => "居民编号",
        "raised" => "提出日期",
        "raised_by" => "登记人",
        "category" => "类别",
        "text" => "诉求",
        "status" => "状态",
        "started" => "办理日期",
        "resolved" => "办结日期",
        "resolution" => "办理结果",
        "follow_up" => "回访日期",
        "satisfaction" => "满意度",
        "need" => "诉求",
        "need_category" => "诉求类别",
        "role" => "职务",
        "branch" => "党支部",
        "party_group" => "党小组",
        "party_member" => "是否党员",
        "reason" => "原因",
        "by" => "经办人",
        other => other,
    }
}

/// What went wrong reading or writing a file, by its kind; a kind without
/// words here keeps the system's message.
fn io_words(kind: std::io::ErrorKind, message: &str) -> String {
    use std::io::ErrorKind as K;
    match kind {
        K::NotFound => "文件不存在".into(),
        K::PermissionDenied => "没有访问权限".into(),
        K::IsADirectory => "这是一个目录，不是文件".into(),
        K::NotADirectory => "路径中有一段不是目录".into(),
        K::AlreadyExists => "文件已存在".into(),
        K::StorageFull => "磁盘已满".into(),
        K::ReadOnlyFilesystem => "文件系统是只读的".into(),
        K::FileTooLarge => "文件太大".into(),
        K::UnexpectedEof => "文件意外结束".into(),
        K::InvalidData => format!("内容无效（{message}）"),
        _ => format!("读写失败（{message}）"),
    }
}

impl Catalog for Zh {
    fn label(&self, label: Label) -> &'static str {
        match label {
            Label::Household => "户号",
            Label::Level => "等级",
            Label::Address => "地址",
            Label::Visitor => "负责人",
            Label::VisitedBy => "走访人",
            Label::Contact => "联系人",
            Label::Phone => "电话",
            Label::LastVisit => "上次走访",
            Label::Deadline => "截止日期",
            Label::Status => "状态",
            Label::Days => "天数",
            Label::Never => "从未走访",
            Label::NoneListed => "没有逾期或待访的住户。",
            Label::Error => "错误",
            Label::Warning => "警告",
            Label::Tags => "重点人群",
        }
    }

    fn level(&self, level: Level) -> &'static str {
        match level {
            Level::Red => "红",
            Level::Orange => "橙",
            Level::Yellow => "黄",
            Level::Green => "绿",
        }
    }

    fn status(&self, status: Status) -> &'static str {
        match status {
            Status::Overdue => "逾期",
            Status::Due => "待访",
            Status::Ok => "正常",
        }
    }

    fn reason(&self, reason: &Reason) -> String {
        match reason {
            Reason::Encoding => {
                "字节既不是 UTF-8 也不是 GB18030（文件是否有一部分用其他编码保存？请另存为 UTF-8）"
                    .into()
            }
            Reason::Utf16 => {
                "文件是 UTF-16 编码（Excel 的“Unicode 文本”），不是 UTF-8 或 GBK：请用 Excel 或 WPS 打开，另存为“CSV UTF-8(逗号分隔)”（或“CSV (逗号分隔)”）".into()
            }
            Reason::BadJson(m) => format!("不是有效的 JSON：{m}"),
            Reason::Malformed(m) => format!("无法读取的 CSV 记录：{m}"),
            Reason::MixedEncoding => "文件是 GB18030（GBK）编码，但这一行像是 UTF-8：文件是否用两种编码保存过？其中的中文可能被误读".into(),
            Reason::Unterminated => {
                "从这里开始的带引号单元格没有结束的引号（是否少了一个 \"？）".into()
            }
            Reason::TooLong => "单元格超过 16 MiB（是否有未闭合的引号？）".into(),
            Reason::NoHeader => "文件没有表头行".into(),
            Reason::MissingColumns {
                missing,
                expected,
                found,
                nearest,
            } => format!(
                "缺少列：{}（表头应为 {}）；表头中有：{}{}",
                missing
                    .iter()
                    .map(|f| format!("{}（{f}）", field(f)))
                    .collect::<Vec<_>>()
                    .join("、"),
                expected.join("、"),
                if found.is_empty() {
                    "（空）".into()
                } else {
                    found.join("、")
                },
                nearest
                    .iter()
                    .map(|(cell, name)| format!("——“{cell}”是不是 {name}？"))
                    .collect::<String>()
            ),
            Reason::NoHouseholdColumn { found } => format!(
                "缺少户号列（或居民编号列，表头应为 户号/household 或 居民编号/resident）；表头中有：{}——可用 --map 表头=household 或 rounds.toml 的 [import.columns] 指定",
                if found.is_empty() {
                    "（空）".into()
                } else {
                    found.join("、")
                }
            ),
            Reason::HeaderIsData { missing, expected } => format!(
                "第一行像是数据而不是表头：缺少列 {}（表头应为 {}）；请加上表头行",
                missing.iter().map(|f| field(f)).collect::<Vec<_>>().join("、"),
                expected.join("、")
            ),
            Reason::TooManyCells => "一行超过 16,384 个单元格（比任何表格都多）".into(),
            Reason::NotPlain(col) => format!("“{col}”是列表或对象，不是单个值"),
            Reason::NotAnObject => "这一项不是 JSON 对象".into(),
            Reason::CellError(e) => format!("单元格是表格错误值 {e}"),
            Reason::RepeatsStored => "与已有走访记录重复".into(),
            Reason::RepeatsRow { file, line } => format!("与 {file} 第 {line} 行重复"),
            Reason::StoreLacksColumn(f) => {
                // In the visit log, who made the visit is the 走访人.
                let name = if *f == "visitor" { "走访人" } else { field(f) };
                format!(
                    "visits.csv 没有{name}列，新记录的{name}会丢失；请在表头中加上“{name}”列后重新导入"
                )
            }
            Reason::DuplicateColumn {
                field: f,
                first,
                second,
            } => {
                format!("列“{first}”和“{second}”都表示{}，请只保留一列", field(f))
            }
            Reason::Empty(f) => format!("{}为空", field(f)),
            Reason::BadDate {
                field: f,
                value,
                why,
            } => match why {
                DateError::Form => format!(
                    "{}“{value}”不是日期（请用 YYYY-MM-DD、YYYY/M/D、YYYY.M.D、YYYYMMDD 或 YYYY年M月D日）",
                    field(f)
                ),
                DateError::Impossible => format!("{}“{value}”是不存在的日期", field(f)),
                DateError::Year => format!("{}“{value}”的年份超出范围", field(f)),
            },
            Reason::BadLevel { value, suggestion } => match suggestion {
                Some(s) => format!("未知的关注等级“{value}”——是不是 {s}？"),
                None => format!(
                    "未知的关注等级“{value}”（可用 红、橙、黄、绿，1–4，或 red、orange、yellow、green）"
                ),
            },
            Reason::PersonsTooLarge(v) => format!("人数“{v}”太大，不可能是人数"),
            Reason::BadPersons(v) => format!("人数“{v}”不是大于等于 0 的整数"),
            Reason::DuplicateResident { id, first_line } => {
                format!("居民编号“{id}”重复（第一次出现在第 {first_line} 行）")
            }
            Reason::ExtraCells { cells, columns } => {
                format!("这一行有 {cells} 个单元格，但表头只有 {columns} 列")
            }
            Reason::MembersDisagree {
                household,
                field: f,
                kept,
                other,
            } => format!(
                "户“{household}”的成员{}不一致（采用“{kept}”，本行为“{other}”）",
                field(f)
            ),
            Reason::NeverActive { id } => format!("居民“{id}”的登记日期晚于迁出日期，从未在册"),
            Reason::UnknownHousehold(h) => format!("户号“{h}”不在居民名册中"),
            Reason::RosterUnreadable { skipped } => format!(
                "名册无法读取：跳过了 {skipped} 项走访和诉求检查（名册能读取后，再核对其中的户号）"
            ),
            Reason::UnknownResident(r) => format!("居民编号“{r}”不在居民名册中"),
            Reason::UnknownHistoryField(f) => format!(
                "变更项“{f}”无法识别（可用：关注等级、户号、负责人、网格、楼栋、单元、房号、标签、登记日期、迁出日期）"
            ),
            Reason::BadHistoryValue { field, value, level } => {
                let what = if *level { "关注等级" } else { "日期" };
                format!("“{value}”不是{what}（变更项 {field}）")
            }
            Reason::BrokenChain {
                id,
                field,
                from,
                before,
                before_line,
            } => format!(
                "变更记录不连贯：居民“{id}”的 {field} 变更前为“{from}”，但上一条变更（第 {before_line} 行）变更后为“{before}”"
            ),
            Reason::ChangeAfterToday { date, today } => {
                format!("变更日期 {date} 晚于今天（{today}），自该日起生效")
            }
            Reason::UnrecordedEdit { id, field, from, to } => {
                let shown = |v: &str| if v.is_empty() { "（空）".to_string() } else { v.to_string() };
                format!(
                    "居民“{id}”的{}在名册中由 {} 改为 {}，history.csv 中没有记录（可用 rounds change --record 补记）",
                    field.zh(),
                    shown(from),
                    shown(to)
                )
            }
            Reason::FutureVisit { date, today } => format!("日期 {date} 晚于今天 {today}"),
            Reason::MissingFile => "文件不存在".into(),
            Reason::DuplicateNeed { id, first_line } => {
                format!("诉求编号“{id}”重复（第 {first_line} 行已使用）")
            }
            Reason::UnknownCategory { value, allowed } => format!(
                "未知的诉求类别“{value}”（可用：{}；在 rounds.toml 的 [needs] categories 中设置）",
                allowed.join("、")
            ),
            Reason::BadNeedStatus(v) => {
                format!("状态“{v}”无效（应为 open 待办理、in_progress 办理中 或 resolved 已办结）")
            }
            Reason::BadNeedUpdate(v) => {
                format!("诉求不能更新为状态“{v}”（应为 in_progress 办理中 或 resolved 已办结）")
            }
            Reason::BadSatisfaction(v) => format!("满意度“{v}”无效（应为 满意、基本满意 或 不满意）"),
            Reason::DateBefore { field: f, date, other, other_date } => format!(
                "{} {date} 早于{} {other_date}",
                field(f),
                field(other)
            ),
            Reason::NeedRule(rule) => match rule {
                NeedRule::ResolvedWithoutDate => "状态为已办结，但没有办结日期".into(),
                NeedRule::DateButNotResolved => "填了办结日期，但状态不是已办结".into(),
                NeedRule::FollowUpUnresolved => "诉求尚未办结，不能回访（请先办结）".into(),
                NeedRule::SatisfactionWithoutFollowUp => "填了满意度，但没有回访日期".into(),
                NeedRule::AlreadyResolved(d) => format!("该诉求已于 {d} 办结"),
            },
            Reason::UnknownNeed(id) => format!("没有编号为“{id}”的诉求（`rounds needs` 可列出全部）"),
            Reason::BadWorkbook(m) => format!("无法读取的 Excel 工作簿：{m}"),
            Reason::NoSheet => "工作簿中没有工作表".into(),
            Reason::UnknownSheet { name, sheets } => format!(
                "工作簿中没有名为“{name}”的工作表（现有：{}）",
                sheets.join("、")
            ),
            Reason::NotAnArray => "JSON 应是由对象组成的数组".into(),
            Reason::JsonNotALog(kind) => format!(
                "不是走访记录：文件里只有 JSON {}，走访记录应是由对象组成的数组，或每行一个对象",
                match kind {
                    JsonKind::Number => "数字",
                    JsonKind::Text => "字符串",
                    JsonKind::Boolean => "true 或 false",
                    JsonKind::Null => "null",
                    JsonKind::Array => "数组",
                }
            ),
            Reason::ConfigUnreadable { kind, message } => {
                format!("无法读取 rounds.toml：{}", io_words(*kind, message))
            }
            Reason::ConfigSyntax {
                line: Some(line),
                message,
            } => format!("rounds.toml 第 {line} 行不是有效的 TOML 设置（toml 的说明：{message}）"),
            Reason::ConfigSyntax {
                line: None,
                message,
            } => format!("rounds.toml 不是有效的 TOML 设置（toml 的说明：{message}）"),
            Reason::ConfigBadChoice { value, expected } => format!(
                "“{value}”不是这项设置可用的值（可用：{}）",
                expected.join("、")
            ),
            Reason::ConfigCategoriesEmpty => {
                "[needs]：categories 应是由非空名称组成的列表，例如 [\"生活困难\", \"其他\"]".into()
            }
            Reason::ConfigCategoryTwice(c) => format!("[needs]：类别“{c}”列出了两次"),
            Reason::ConfigUnknownKey {
                key,
                suggestion,
                expected,
            } => match suggestion {
                Some(s) => format!("未知的设置项“{key}”——是不是 {s}？"),
                None => format!("未知的设置项“{key}”（这里可用：{}）", expected.join("、")),
            },
            Reason::ConfigNotALevel { key, suggestion } => match suggestion {
                Some(s) => format!("[levels]：“{key}”不是关注等级——是不是 {s}？"),
                None => format!("[levels]：“{key}”不是关注等级（可用 red、orange、yellow、green 或 红、橙、黄、绿）"),
            },
            Reason::ConfigBadCadence {
                value,
                rolling_only: true,
            } => format!(
                "[levels]：“{value}”是间隔，只有 policy = \"rolling\" 时可用；按自然周期计算时请用 week、month、quarter、half-year 或 year"
            ),
            Reason::ConfigBadCadence {
                value,
                rolling_only: false,
            } => format!(
                "[levels]：“{value}”不是走访周期（可用 week、month、quarter、half-year、year，或在 policy = \"rolling\" 时用“30 days”这样的间隔）"
            ),
            Reason::ConfigImportField { name, fields } => format!(
                "[import.columns]：“{name}”不是走访记录的字段（可用：{}）",
                fields.join("、")
            ),
            Reason::BadCoordinate { column, value, kind, why } => {
                use crate::data::kept::{Coordinate, CoordinateError};
                let what = match kind {
                    Coordinate::Longitude => "经度（-180 到 180 之间的数）",
                    Coordinate::Latitude => "纬度（-90 到 90 之间的数）",
                    Coordinate::Pair => "“经度,纬度”形式的位置（-180 到 180，-90 到 90）",
                };
                let how = match why {
                    CoordinateError::NotANumber => "不是",
                    CoordinateError::OutOfRange => "超出范围，应为",
                };
                format!("{column}“{value}”{how}{what}")
            }
            Reason::DuplicateWorker { name, first_line } => {
                format!("工作人员“{name}”重复（第一次出现在第 {first_line} 行）")
            }
            Reason::BadPartyMember(v) => {
                format!("是否党员“{v}”无法识别（可用 是/否、yes/no、y/n、true/false、1/0）")
            }
            Reason::UnregisteredWorker { name, rows, suggestion } => {
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!("——是不是“{s}”？"))
                    .unwrap_or_default();
                format!("走访人“{name}”不在 workers.csv 中（共 {rows} 行）{hint}")
            }
            Reason::TwoRosters(files) => format!(
                "同一目录中有两份名册：{}，请只保留一份",
                files.join(" 和 ")
            ),
            Reason::SheetBehind {
                id,
                field,
                value,
                to,
            } => {
                let shown = |v: &str| if v.is_empty() { "（空）".to_string() } else { v.to_string() };
                format!(
                    "居民“{id}”的{}在名册中是 {}，history.csv 记录为 {}（rounds change）：请把该单元格改为 {}",
                    field.zh(),
                    shown(value),
                    shown(to),
                    shown(to)
                )
            }
            Reason::TagMark { tag, mark } => format!(
                "标签“{tag}”被当作一个重点人群：“{mark}”不是分隔符；几个标签请用“、”或“；”分隔"
            ),
        }
    }

    fn error(&self, error: &Error) -> String {
        match error {
            Error::Usage(u) => self.usage(u),
            Error::NoData { dir, file: None } => format!(
                "数据目录“{}”不存在；可以这样创建：rounds init {}",
                dir.display(),
                dir.display()
            ),
            Error::NoData { dir, file: Some(f) } => format!(
                "“{}”中没有 {}；可以这样创建：rounds init {}",
                dir.display(),
                f.display(),
                dir.display()
            ),
            Error::InUse(path) => format!(
                "{} 正被另一个程序（Excel 或 WPS？）打开，rounds 无法使用它：请先在那个程序里关闭它，再重新运行",
                path.display()
            ),
            Error::Io { path, source } => format!(
                "{}：{}",
                path.display(),
                io_words(source.kind(), &source.to_string())
            ),
            Error::Invalid(problems) => {
                let errors = problems.iter().filter(|p| p.is_error()).count();
                format!(
                    "已停止：数据中有 {errors} 处错误，未做任何改动（运行 `rounds check` 查看完整清单）"
                )
            }
            Error::Output(e) => format!("无法写出结果：{}", io_words(e.kind(), &e.to_string())),
            Error::BadJournal(p) => format!(
                "{}：不是 rounds 写下的日志文件（journal）；把它移到别处后即可继续",
                p.display()
            ),
            Error::Other(e) => format!("{e:#}"),
        }
    }

    fn days_overdue(&self, days: i64) -> String {
        format!("逾期 {days} 天")
    }

    fn days_left(&self, days: i64) -> String {
        match days {
            0 => "今天".into(),
            _ => format!("剩 {days} 天"),
        }
    }

    fn due_summary(&self, c: &DueCounts) -> String {
        let part = |i: usize, word: &str| {
            let total: usize = c.by_status[i].iter().sum();
            let detail = level_counts(self, &c.by_status[i], "、", |l, n| format!("{l} {n}"));
            if total == 0 {
                format!("{word} 0 户")
            } else {
                format!("{word} {total} 户（{detail}）")
            }
        };
        format!(
            "{} · {} · 列出 {} 户，在册 {} 户",
            part(0, "逾期"),
            part(1, "待访"),
            c.listed,
            c.active
        )
    }

    fn check_summary(&self, errors: usize, warnings: usize, files: usize) -> String {
        format!("{files} 个文件中有 {errors} 处错误、{warnings} 处警告")
    }

    fn unrecorded_edits(&self, edits: u64) -> String {
        format!(
            "名册有 {edits} 处修改未记入 history.csv：按名册保存之日起计，此前各日的数字可能有出入（可用 rounds change --record 补记）"
        )
    }

    fn report_words(&self) -> &'static ReportWords {
        &ReportWords {
            report: "走访工作报告",
            as_of: "截至",
            summary: "分等级完成情况",
            grids: "分网格情况",
            workers: "工作人员走访情况",
            overdue_list: "逾期及从未走访住户",
            trend: "近六个月走访趋势",
            level: "关注等级",
            households: "在册户数",
            overdue: "逾期户数",
            required: "应访户次",
            met: "已访户次",
            rate: "完成率",
            visits: "走访户次",
            households_visited: "走访户数",
            person_times: "走访人次",
            never_visited: "从未走访",
            grid: "网格",
            worker: "工作人员",
            in_charge: "负责户数",
            in_charge_visited: "其中已走访",
            household: "户号",
            address: "地址",
            contact: "联系人",
            last_visit: "上次走访",
            deadline: "截止日期",
            days_overdue: "逾期天数",
            never: "从未走访",
            month: "月份",
            none: "无。",
            total: "合计",
            chart_levels: "各等级完成率",
            chart_grids: "各网格走访户次",
            chart_trend: "近六个月走访户次与完成率",
            masked_note: "为保护居民隐私，姓名只显示姓氏。",
            trend_months: "本期逐月走访趋势",
            chart_trend_months: "本期逐月走访户次与完成率",
            coverage: "走访覆盖率",
            resolution_rate: "办结率",
            satisfaction_rate: "回访满意率",
            change: "环比",
            visits_change: "走访户次环比",
            rate_change: "完成率增减（百分点）",
            overview: "概况",
            period: "统计期",
            figure: "指标",
            value: "数值",
            numerator: "分子",
            denominator: "分母",
            definition: "说明",
            notes: "指标说明",
            define: &Definitions {
                households: "截至日有在册居民的户数，按户的关注等级分列",
                visits: "本期（至截至日）登记的走访记录条数，一次入户或电话走访记一户次",
                households_visited: "本期至少走访过一次的户数",
                person_times: "每次走访见到的人数之和；未填人数的，按该户当天在册人数计",
                coverage: "截至日在册户中本期走访过的户数 ÷ 在册户数",
                overdue: "截至日已过走访期限的户数（与 rounds due 一致）",
                never_visited: "逾期户中从未有走访记录的户数",
                required: "本期内结束且不晚于截至日的各等级走访周期，每户每周期记一户次，\
                           按周期最后一天的关注等级计",
                met: "应访户次中，周期内至少走访过一次的户次",
                rate: "已访户次 ÷ 应访户次",
                change: "与上月相比：走访户次的增减幅度（%），完成率的增减（百分点）；\
                         上月没有任何走访记录时不比较",
                resolution_rate: "本期新提出的诉求中，截至日已办结的比例（其中办结 ÷ 新提出）",
                satisfaction_rate: "本期回访中评价为满意或基本满意的比例",
                special_groups: "按人群统计截至日有成员带该标签的住户，及其走访、逾期和完成情况",
            },
            prepared_by: "制表人：",
            checked_by: "审核人：",
            date: "日期：",
            page: ["第 ", " 页，共 ", " 页"],
        }
    }

    fn period_name(&self, kind: SpanKind, first: NaiveDate) -> String {
        let y = first.year();
        match kind {
            SpanKind::Month => format!("{y}年{}月", first.month()),
            SpanKind::Quarter => {
                let q = ["一", "二", "三", "四"][first.month0() as usize / 3];
                format!("{y}年第{q}季度")
            }
            SpanKind::Half => format!(
                "{y}年{}",
                if first.month() <= 6 {
                    "上半年"
                } else {
                    "下半年"
                }
            ),
            SpanKind::Year => format!("{y}年"),
        }
    }

    fn rejected_word(&self) -> &'static str {
        "未导入"
    }

    fn skipped_word(&self) -> &'static str {
        "跳过"
    }

    fn import_summary(
        &self,
        file: &str,
        rows: usize,
        imported: usize,
        skipped: usize,
        rejected: usize,
    ) -> String {
        format!(
            "{file}：共 {rows} 行 · 导入 {imported} 行 · 重复跳过 {skipped} 行 · 未导入 {rejected} 行"
        )
    }

    fn rejects_written(&self, path: &str) -> String {
        format!("未导入的行（含行号和原因）已写入：{path}（在其中改正后导入该文件即可）")
    }

    fn import_total(&self, imported: usize, store: &str, dry_run: bool) -> String {
        if dry_run {
            format!("试运行：将向 {store} 添加 {imported} 条走访记录；未写入任何文件")
        } else {
            format!("已向 {store} 添加 {imported} 条走访记录")
        }
    }

    fn lock_wait(&self, dir: &str) -> String {
        format!("等待中：另一个 rounds 正在写入 {dir} …")
    }

    fn visit_recorded(&self, date: &str, household: &str) -> String {
        format!("已记录 {date} 对 {household} 的走访")
    }

    fn visit_already(&self, date: &str, household: &str) -> String {
        format!("已有记录：{date} 对 {household} 的走访（未重复添加）")
    }

    fn report_written(&self, path: &str) -> String {
        format!("已写入 {path}")
    }

    fn init_created(&self, path: &str) -> String {
        format!("已创建 {path}")
    }

    fn init_kept(&self, path: &str) -> String {
        format!("保留 {path}（文件已存在，未改动）")
    }

    fn init_next(&self, dir: &str) -> String {
        format!(
            "下一步：在 residents.csv 中填写居民名册（每人一行），然后运行：rounds --data {dir} check"
        )
    }

    fn need_words(&self) -> &'static NeedWords {
        &NeedWords {
            id: "编号",
            household: "户号",
            grid: "网格",
            raised: "提出日期",
            raised_by: "登记人",
            category: "类别",
            text: "诉求",
            status: "状态",
            days_open: "天数",
            resolved_on: "办结日期",
            resolution: "办理结果",
            follow_up: "回访日期",
            satisfaction: "满意度",
            open: "待办理",
            in_progress: "办理中",
            resolved: "已办结",
            satisfied: "满意",
            basically_satisfied: "基本满意",
            dissatisfied: "不满意",
            open_needs: "诉求",
            none_listed: "没有符合条件的诉求。",
            by_category: "诉求办理情况（分类别）",
            by_grid: "诉求办理情况（分网格）",
            by_worker: "服务次数与效果",
            raised_in_period: "新提出",
            of_them_resolved: "其中办结",
            of_them_in_progress: "其中在办",
            of_them_open: "其中待办",
            resolved_in_period: "本期办结",
            unresolved_at_end: "期末未结",
            over_limit: "超期未结",
            median_days: "中位办结天数",
            follow_ups: "回访",
            satisfaction_rate: "满意率",
            worker: "工作人员",
            visits: "走访户次",
            total: "合计",
        }
    }

    fn need_opened(&self, id: &str, household: &str) -> String {
        format!("已登记诉求 {id}（{household}）")
    }

    fn need_updated(&self, id: &str, status: crate::model::need::NeedStatus) -> String {
        format!("诉求 {id} 已改为{}", self.need_words().status(status))
    }

    fn need_followed_up(&self, id: &str, satisfaction: crate::model::need::Satisfaction) -> String {
        format!(
            "已记录诉求 {id} 的回访：{}",
            self.need_words().satisfaction(satisfaction)
        )
    }

    fn needs_imported(&self, ids: &[String], dry_run: bool) -> String {
        let n = ids.len();
        match (dry_run, n) {
            (true, _) => format!("试运行：将在 needs.csv 中登记 {n} 条诉求"),
            (false, 0) => "未登记新的诉求".into(),
            (false, _) => format!("已在 needs.csv 中登记 {n} 条诉求：{}", ids.join("、")),
        }
    }

    fn open_needs_cell(&self, count: u32, flagged_days: Option<i64>) -> String {
        match (count, flagged_days) {
            (0, _) => String::new(),
            (n, Some(days)) => format!("{n} 件未办结，已 {days} 天！"),
            (n, None) => format!("{n} 件未办结"),
        }
    }

    fn open_needs_summary(&self, households: usize, flagged: usize, limit: u32) -> String {
        format!(
            "有未办结诉求：列出的住户中 {households} 户（其中 {flagged} 户超过 {limit} 天，标有！）"
        )
    }

    fn needs_listed(&self, listed: usize, unresolved: usize) -> String {
        format!("列出 {listed} 条诉求，其中未办结 {unresolved} 条")
    }

    fn word(&self, word: Word) -> &'static str {
        match word {
            Word::Members => "成员",
            Word::Inactive => "已迁出",
            Word::Date => "日期",
            Word::Kind => "走访方式",
            Word::Persons => "人数",
            Word::Note => "走访情况",
            Word::Room => "房号",
            Word::NoVisits => "没有走访记录。",
            Word::RosterChange => "名册变更",
            Word::NoHouseholds => "没有符合条件的住户。",
            Word::Reading => "读取数据",
            Word::Setting => "设置",
            Word::Value => "取值",
            Word::Source => "来源",
            Word::FromFlag => "命令行",
            Word::FromToml => "rounds.toml",
            Word::FromDefault => "默认",
            Word::Clock => "（系统日期）",
            Word::EmptyValue => "（空）",
        }
    }

    fn help(&self, command: &str) -> Option<&'static str> {
        Some(match command {
            "" => "谁该走访了：社区网格员的入户走访排期工具",
            "due" => "列出逾期或即将到期、需要走访的住户",
            "import" => "把走访记录（CSV、JSON、Excel）导入 visits.csv：不丢失、不重复",
            "visit" => "在命令行记录一次走访",
            "report" => "月度报告：走访人次、覆盖情况、逾期住户和各等级完成率",
            "check" => "检查所有数据文件，列出每个问题所在的文件和行号",
            "init" => "创建数据目录：写好表头的 CSV 文件和带注释的 rounds.toml",
            "households" => "列出住户：成员、关注等级、上次走访",
            "history" => "某一户的全部走访记录，最新的在前，附走访情况",
            "config" => "列出正在使用的设置，以及每项设置的来源",
            "completions" => "输出命令行补全脚本：在 shell 的启动文件中加载它",
            "man" => "输出手册页（roff 格式）：rounds man > rounds.1，或 rounds man | man -l -",
            "need" => "登记居民的诉求及其办理进展（诉求台账 needs.csv）",
            "need add" => "登记一户提出的诉求；输出诉求编号（N0001 …）",
            "need update" => "记录办理进展：正在办理，或已办结",
            "need follow-up" => "记录已办结诉求的回访及满意度",
            "needs" => "列出诉求台账 needs.csv 中的诉求，可筛选",
            "change" => "变更居民的关注等级、户号、负责人或地址：记入 history.csv 并写入名册",
            "workers" => "列出工作人员（workers.csv）：职务、党支部、党小组和本月走访情况",
            "export" => "把数据目录导出为 Parquet 表，供数据仓库加载，每个导出日期一个分区",
            _ => return None,
        })
    }

    fn help_words(&self) -> Option<&'static HelpWords> {
        Some(&HelpWords {
            usage: "用法：",
            commands: "命令：",
            arguments: "参数：",
            options: "选项：",
            print_help: "显示帮助",
            print_version: "显示版本号",
            help_command: "显示本帮助，或所给子命令的帮助",
            help_command_arg: "要显示帮助的子命令",
            after_help: "数据目录：--data DIR，否则环境变量 $ROUNDS_DATA，否则当前目录。\n\
                退出状态：0 成功；1 `due --exit-code` 发现逾期住户；2 用法错误；\
                3 数据无效；4 文件无法读取或写入。",
        })
    }

    fn clap_error(&self, e: &ClapError) -> Option<String> {
        let list = |v: &[String]| v.join("、");
        let mut text = String::from("错误：");
        text += &match &e.problem {
            ClapProblem::UnknownArgument(arg) => format!("无法识别的参数“{arg}”"),
            ClapProblem::UnknownSubcommand(name) => format!("无法识别的子命令“{name}”"),
            ClapProblem::InvalidValue {
                arg,
                value,
                possible,
            } => {
                let mut t = format!("“{value}”不是 {arg} 的有效取值");
                if !possible.is_empty() {
                    t += &format!("\n  [可用的值：{}]", list(possible));
                }
                t
            }
            ClapProblem::MissingValue { arg, possible } => {
                let mut t = format!("{arg} 需要一个值，但没有给出");
                if !possible.is_empty() {
                    t += &format!("\n  [可用的值：{}]", list(possible));
                }
                t
            }
            ClapProblem::NotANumber {
                arg,
                value,
                too_large: false,
            } => format!("“{value}”不是 {arg} 的有效取值：需要一个非负整数"),
            ClapProblem::NotANumber {
                arg,
                value,
                too_large: true,
            } => format!("“{value}”不是 {arg} 的有效取值：数值太大"),
            ClapProblem::BadValue { arg, value } => format!("“{value}”不是 {arg} 的有效取值"),
            ClapProblem::MissingArguments(args) => {
                let mut t = String::from("缺少必需的参数：");
                for a in args {
                    t += &format!("\n  {a}");
                }
                t
            }
            ClapProblem::MissingSubcommand {
                command,
                subcommands,
            } => format!(
                "“{command}”需要一个子命令，但没有给出\n  [子命令：{}]",
                list(subcommands)
            ),
            ClapProblem::Repeated(arg) => format!("参数 {arg} 只能使用一次"),
            ClapProblem::Conflict { arg, with } if with.is_empty() => {
                format!("参数 {arg} 不能与已给出的其他参数同时使用")
            }
            ClapProblem::Conflict { arg, with } => {
                format!("参数 {arg} 不能与 {} 同时使用", list(with))
            }
            ClapProblem::NoEquals(arg) => format!("给 {arg} 赋值时需要用等号（{arg}=…）"),
            ClapProblem::UnexpectedValue { arg, value } => {
                format!("多出的值“{value}”：{arg} 不再需要更多的值")
            }
            ClapProblem::ValueCount {
                arg,
                expected,
                actual,
                at_least,
            } => {
                let need = if *at_least { "至少需要" } else { "需要" };
                format!("{arg} {need} {expected} 个值，但只给出了 {actual} 个")
            }
            ClapProblem::InvalidUtf8 => "参数中有无效的 UTF-8 字符".to_string(),
        };
        if let Some(similar) = &e.similar {
            let what = match similar.kind {
                SimilarKind::Subcommand => "子命令",
                SimilarKind::Argument => "参数",
                SimilarKind::Value => "值",
            };
            let names: Vec<String> = similar.names.iter().map(|n| format!("“{n}”")).collect();
            text += &format!("\n\n  提示：有相近的{what}：{}", names.join("、"));
        }
        if e.similar.is_none() && !e.tips.is_empty() {
            text.push('\n');
        }
        for tip in &e.tips {
            text += &match tip {
                ClapTip::AsValue { value, fix } => {
                    format!("\n  提示：若要把“{value}”作为值传入，请写成“{fix}”")
                }
                ClapTip::Exists(fix) => format!("\n  提示：这个参数属于子命令：“{fix}”"),
                ClapTip::Other(tip) => format!("\n  提示：{tip}"),
                ClapTip::RemoveDashes(sub) => {
                    format!("\n  提示：存在子命令“{sub}”；要使用它，请去掉它前面的“--”")
                }
            };
        }
        if let Some(usage) = &e.usage {
            text += &format!("\n\n用法：{usage}");
        }
        text += "\n\n更多信息请运行 --help 查看。\n";
        Some(text)
    }

    fn arg_help(&self, command: &str, arg: &str) -> Option<&'static str> {
        Some(match (command, arg) {
            // Global options, in every command.
            (_, "data") => {
                "数据目录，存放 residents.csv、visits.csv 和 rounds.toml（也可用环境变量 ROUNDS_DATA 指定）"
            }
            (_, "today") => {
                "按哪一天计算（默认：本机今天的日期）。此后的走访不计入，名册也按当天的情况（应用 history.csv 变更记录），因此可以准确重现过去任何一天。也可写 --as-of"
            }
            (_, "format") => {
                "输出格式：table 供人阅读；csv 和 json 格式固定，供脚本使用；md 和 html 用于 \
                 report，也可把 due 输出为可打印的走访单；xlsx 为 Excel 工作簿（report）"
            }
            (_, "lang") => {
                "表格和提示的语言：en 或 zh（默认：rounds.toml，否则系统语言 LC_ALL、\
                 LC_MESSAGES、LANG，都未设置时取 Windows 的显示语言；zh 开头即为中文）"
            }
            (_, "color") => {
                "何时为表格着色：auto（默认）在终端上着色，除非设置了 NO_COLOR；always 总是；never 从不"
            }
            ("due", "within") => {
                "截止日期在 N 天之内的住户列为待访（默认：rounds.toml 中的 window，否则 7）"
            }
            ("due", "all") => "列出所有在册住户，包括无需走访的",
            ("due" | "households", "grid") => "只列出该网格的住户（可重复，或用逗号分隔多个）",
            ("due" | "households", "building") => "只列出该楼栋的住户",
            ("due" | "households", "visitor") => "只列出由此人负责的住户（名册的负责人一列）",
            ("due" | "households", "level") => {
                "只列出该关注等级的住户：红/橙/黄/绿、1–4，或 red、orange、yellow、green"
            }
            ("due", "sort") => {
                "列表顺序：deadline（默认）按截止日期，最紧急的在前（从未走访的最先，\
                 同一天时等级高的在前）；address 按地址排出走访路线（网格、楼栋、单元、房号，\
                 数字按数值排序：2-101 在 2-1001 之前）"
            }
            ("due", "exit_code") => "有列出的住户逾期时以状态 1 退出（供 cron 使用）",
            ("due", "reveal") => "在表格中完整显示居民姓名和电话",
            ("due", "quiet") => {
                "除非有列出的住户逾期，否则不输出任何内容（也不显示进度）；退出状态不变。\
                 供 cron 使用：cron 只在任务有输出时发邮件"
            }
            ("import", "files") => {
                "走访记录文件：.csv（UTF-8 或 GBK）、.json（对象数组，或每行一个对象）、\
                 .xlsx/.xls/.ods（第一个工作表，或 --sheet 指定）。shell 找不到文件的通配符\
                 （空收件夹的 inbox/*.csv）视为无可导入"
            }
            ("import", "dry_run") => "检查全部内容，显示汇总和未导入的行，但不写入任何文件",
            ("import", "map") => {
                "把表头为 SOURCE 的列读作字段 FIELD（date、household、resident、visitor、\
                 kind、note、persons），例如 --map 走访时间=date。可重复；优先于 rounds.toml \
                 中的 [import.columns]"
            }
            ("import", "sheet") => "要读取的工作表（默认：第一个）",
            ("import", "verbose") => "同时列出因重复而跳过的每一行",
            ("import", "move_to") => {
                "好的行存入后，把每个记录文件移到 DIR（没有则新建），不覆盖其中的文件（再来一个 day.csv 就存为 day-2.csv）：cron 导入的收件夹里只留下新文件"
            }
            ("visit", "household") => "走访的住户（户号，或居民编号）",
            ("visit", "date") => "走访日期（默认：--today）",
            ("visit", "visitor") => "走访人（默认：该户的负责人）",
            ("visit", "kind") => "走访方式：入户、电话、视频 …",
            ("visit", "note") => "走访情况：发现了什么、做了什么",
            ("visit", "persons") => "见到的居民人数",
            ("report", "month") => {
                "报告的月份，格式 YYYY-MM（默认：--today 所在的月份）。报告按该时段的最后一天\
                 计算，若今天更早则按今天"
            }
            ("report", "quarter") => "改为报告一个季度，格式 YYYY-Qn（如 2020-Q2）",
            ("report", "half") => "改为报告半年，格式 YYYY-Hn（如 2020-H1）",
            ("report", "year") => "改为报告全年，格式 YYYY",
            ("report", "output") => {
                "把报告写入文件 FILE；未给 --format 时由扩展名决定格式\
                 （.txt、.json、.csv、.md、.html、.xlsx）"
            }
            ("report", "section") => {
                "用于 csv：只输出这一部分（summary 汇总、grids 分网格、workers 分人员、\
                 overdue 逾期、trend 趋势；有诉求台账时还有 needs、need-grids、need-workers；\
                 有名册变更记录时还有 changes 等级调整与交接、change-list 变更明细；\
                 workers.csv 登记了党支部、党小组时还有 branch 党支部、party-group 党小组；\
                 居民带有标签时还有 tags 重点人群；多个社区汇总时还有 community 各社区情况）。\
                 不指定时，-o 文件.csv 每部分写一个文件"
            }
            ("report", "reveal") => {
                "在逾期名单中完整显示居民姓名，以及走访人、负责人中写入的电话和身份证号（否则各种格式中均打码）"
            }
            ("check", "strict") => "把警告当作错误（有任何问题即以非零状态退出）",
            ("init", "dir") => "在哪里创建数据目录（默认：--data，否则当前目录）",
            ("need add", "household") => "提出诉求的住户（户号，或居民编号）",
            ("need add", "text") => "居民的诉求，用他们自己的话",
            ("need add", "category") => {
                "诉求类别（默认：rounds.toml 中 [needs] categories 的最后一项，即“其他”）"
            }
            ("need add", "date") => "提出日期（默认：--today）",
            ("need add", "by") => "登记人（默认：该户的负责人）",
            ("need update" | "need follow-up", "id") => "诉求编号，即 need add 输出的编号",
            ("need update", "status") => "新的状态：in_progress（办理中）或 resolved（已办结）",
            ("need update", "resolution") => "办理结果",
            ("need update", "date") => "状态变化的日期（默认：--today）",
            ("need follow-up", "satisfaction") => "居民的评价：满意、基本满意或不满意",
            ("need follow-up", "date") => "回访日期（默认：--today）",
            ("needs", "open") => "只列出未办结的诉求（待办理或办理中）",
            ("needs", "grid") => "只列出该网格住户的诉求（可重复，或用逗号分隔多个）",
            ("needs", "visitor") => "只列出此人登记的诉求，以及此人为负责人的住户的诉求",
            ("needs", "category") => "只列出该类别的诉求",
            ("needs", "older_than") => "只列出在 --today 之前超过 DAYS 天提出的诉求",
            ("needs", "reveal") => {
                "完整显示诉求、办理结果及登记人中的电话号码和身份证号（否则在所有格式中都打码）"
            }
            ("households", "all") => {
                "同时列出没有在册居民的住户（已迁出），以及在该日期不在册的居民"
            }
            ("households", "reveal") => "完整显示居民姓名和电话",
            ("due" | "households", "tag") => {
                "只列出在该日期带有此标签（重点人群）的住户；可重复，满足其一即可"
            }
            ("due", "output") => {
                "把名单完整写入文件 FILE（供计划任务使用）；未给 --format 时由扩展名决定格式\
                 （.txt、.csv、.json，.md 或 .html 为走访单）。csv 文件以 BOM 开头，\
                 Excel 和 WPS 会按 UTF-8 打开。无论有无逾期都会写入；加 --quiet 则不输出任何内容"
            }
            ("needs", "tag") => "只列出在该日期带有此标签（重点人群）的住户的诉求；可重复",
            ("due" | "needs", "skip_invalid") => {
                "多个社区（--data A --data B …，或其下每个子目录为一个社区的 --data 目录）：只列出数据无误的社区，并在 stderr 中列出未纳入的社区，而不是整体拒绝"
            }
            ("report", "skip_invalid") => {
                "多个社区汇总（--data A --data B …，或其下每个子目录为一个社区的 --data 目录）：只汇总数据无误的社区，并在 stderr（及 json 的 skipped）中列出未纳入的社区，而不是整体拒绝"
            }
            ("report", "tag") => {
                "只统计在所计日期带有此标签（重点人群）的住户：报告的每个数字都限于这些住户；可重复"
            }
            ("history", "reveal") => {
                "完整显示居民姓名和电话，以及走访情况、走访方式、走访人中写入的电话和身份证号（否则各种格式中均打码）"
            }
            ("history", "household") => "住户（户号，或居民编号）",
            ("change", "id") => "要变更的居民（居民编号）",
            ("change", "level") => "新的关注等级：红/橙/黄/绿、1–4，或 red、orange、yellow、green",
            ("change", "visitor") => "新的负责人",
            ("change", "household") => "居民现在所属的户（留空：独自成户）",
            ("change", "grid") => "新的网格",
            ("change", "building") => "新的楼栋",
            ("change", "unit") => "新的单元",
            ("change", "room") => "新的房号",
            ("change", "tags") => "新的标签（重点人群），用 ; 分隔",
            ("change", "since") => "新的登记日期（留空即清除）",
            ("change", "until") => "迁出或去世的日期（留空即清除）",
            ("change", "date") => "变更生效的日期（默认：--today）",
            ("change", "reason") => "变更原因，记入 history.csv",
            ("change", "by") => "经办人，记入 history.csv",
            ("change", "record") => {
                "把名册中手工改过（Excel 或 WPS）、rounds 尚未记录的各项变更记入 history.csv，\
                 日期为 --date（默认：名册文件最后修改的日期）"
            }
            ("completions", "shell") => "shell 类型：bash、zsh、fish、powershell（或 elvish）",
            ("workers", "branch") => "只列出这个党支部的工作人员（可重复，或用逗号分隔多个）",
            ("workers", "party_group") => "只列出这个党小组的工作人员（可重复，或用逗号分隔多个）",
            ("workers", "reveal") => "完整显示工作人员的电话",
            ("export", "out") => "导出表所在的目录：DIR/<表>/export_date=<日期>/<社区>.parquet",
            ("export", "reveal") => {
                "同时写入居民姓名、电话和身份证号（文件仅所有者可读），以及走访、诉求和变更记录文字中写入的电话和身份证号（否则打码）"
            }
            ("export", "skip_invalid") => {
                "多个社区（--data A --data B …，或其下每个子目录为一个社区的 --data 目录）：只导出数据无误的社区，并在 stderr 中列出未纳入的社区，而不是整体拒绝"
            }
            _ => return None,
        })
    }

    fn usage(&self, usage: &Usage) -> String {
        match usage {
            Usage::BadToday(t) => format!("--today“{t}”不是日期（请用 YYYY-MM-DD）"),
            Usage::BadLevelFlag { value, suggestion } => {
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!("——是不是 {s}？"))
                    .unwrap_or_default();
                format!(
                    "--level“{value}”不是关注等级{hint}（可用 红/橙/黄/绿，1–4，或 red、orange、yellow、green）"
                )
            }
            Usage::FormatNotHere { format, allowed } => {
                format!("这个命令不支持 --format {format}；可用的格式：{allowed}")
            }
            Usage::UnknownFilterValue {
                field,
                value,
                suggestions,
                known,
                total,
            } => {
                let what = match field {
                    FilterField::Grid => "网格",
                    FilterField::Building => "楼栋",
                    FilterField::Visitor => "网格员",
                    FilterField::Tag => "重点人群标签",
                };
                let flag = field.flag();
                let hint = match (suggestions.split_last(), known.is_empty()) {
                    (Some((last, [])), _) => format!("——是不是 {last}？"),
                    (Some((last, rest)), _) => {
                        format!("——是不是 {} 或 {last}？", rest.join("、"))
                    }
                    (None, true) => format!("（数据中没有填写{what}）"),
                    (None, false) if *total > known.len() => {
                        format!("（现有{what} {total} 个：{}……）", known.join("、"))
                    }
                    (None, false) => format!("（现有{what}：{}）", known.join("、")),
                };
                format!("--{flag}“{value}”：数据中没有这个{what}{hint}")
            }
            Usage::NoSuchHousehold { id, suggestion } => match suggestion {
                Some(s) => format!("居民名册中没有户号或居民编号“{id}”——是不是 {s}？"),
                None => format!("居民名册中没有户号或居民编号“{id}”"),
            },
            Usage::BadSpan { flag, text, form } => {
                format!("--{flag}“{text}”无效（请用 {form}）")
            }
            Usage::SpanAfterToday { span, today } => {
                format!("{span}在今天（{today}）之后才开始；报告只能回顾过去")
            }
            Usage::UnknownExtension(p) => format!(
                "无法从扩展名判断“{p}”的格式：请用 .txt、.json、.csv、.md、.html 或 .xlsx，或者指定 --format"
            ),
            Usage::WorkbookToTerminal => {
                "Excel 工作簿不能输出到终端：请加上 -o 文件名.xlsx（或重定向到文件）".into()
            }
            Usage::BadMap(m) => {
                format!("--map“{m}”：请用 表头=字段 的形式，例如 --map 走访时间=date")
            }
            Usage::BadMapField { map, fields } => {
                format!("--map“{map}”：不是走访记录的字段（可用：{fields}）")
            }
            Usage::BadSwitch {
                var,
                value,
                accepted,
            } => format!("环境变量 {var} 的值“{value}”无法识别（可用：{accepted}）"),
            Usage::Refused(reason) => self.reason(reason),
            Usage::NoSuchResident { id, suggestion } => match suggestion {
                Some(s) => format!("居民名册中没有居民编号“{id}”——是不是 {s}？"),
                None => format!("居民名册中没有居民编号“{id}”"),
            },
            Usage::Change(refusal) => change_refusal(refusal),
            Usage::FastPathDeclined => "ROUNDS_FAST=must：快速读取未能读取这个文件".into(),
            Usage::SeveralData => {
                "只有 report、due 和 needs 可以多次给出 --data（多个社区）：请只给一个数据目录"
                    .into()
            }
            Usage::SameCommunityTwice(dir) => {
                format!("{dir} 给了两次：汇总中每个社区只计一次")
            }
        }
    }

    fn msg(&self, msg: &Msg) -> String {
        match msg {
            Msg::HouseholdsSummary {
                households,
                residents,
            } => format!("共 {households} 户 · {residents} 人"),
            Msg::MembersLine(list) => format!("成员：{list}"),
            Msg::HistorySummary { visits } => format!("共 {visits} 次走访"),
            Msg::SheetTitle { visitor, today } => match visitor {
                Some(v) => format!("{v} 走访单 · {today}"),
                None => format!("走访单 · {today}"),
            },
            Msg::MoreProblems(n) => format!("… 另有 {n} 处（运行 `rounds check` 查看全部）"),
            Msg::FromEnv(var) => format!("环境变量（{var}）"),
            Msg::FromLocale(var) => format!("系统语言（{var}）"),
            Msg::FromTomlLine(line) => format!("rounds.toml 第 {line} 行"),
            Msg::NothingMatches(pattern) => format!("没有与 {pattern} 匹配的文件：无可导入"),
            Msg::OwnerFileSkipped(path) => {
                format!(
                    "已跳过 {path}：这是 Excel 或 WPS 打开工作簿时放在旁边的锁文件，不是走访记录"
                )
            }
            Msg::MovedTo(path) => format!("已移到 {path}"),
            Msg::KeptColumn {
                name,
                place,
                personal,
                dry_run,
            } => {
                use crate::data::ingest::KeptPlace;
                let place = match (place, dry_run) {
                    (KeptPlace::Present, _) => "visits.csv 已有此列",
                    (KeptPlace::Added, false) => "visits.csv 新增此列",
                    (KeptPlace::Added, true) => "visits.csv 将新增此列",
                    (KeptPlace::NotAdded, _) => "要写入的行在此列都没有值，visits.csv 不新增此列",
                };
                let personal = if *personal {
                    "（个人信息：输出中打码，除非 --reveal）"
                } else {
                    ""
                };
                format!("保留列“{name}”：{place}{personal}")
            }
            Msg::NothingToRecord => "名册中的修改均已记入 history.csv，无需补记".into(),
            Msg::ChangeRecorded {
                id,
                field,
                from,
                to,
                date,
            } => format!("已记录：{id} {}：{from} → {to}，自 {date} 起", field.zh()),
            Msg::UpdateCell { cell, to } => format!("请把 {cell} 改为 {to}"),
        }
    }
}

/// `change` 拒绝的原因，并说明该怎么做。
fn change_refusal(refusal: &ChangeRefusal) -> String {
    match refusal {
        ChangeRefusal::NoField => "没有要变更的项：请至少给出 --level、--visitor、--household、\
            --grid、--building、--unit、--room、--tags、--since、--until 之一"
            .into(),
        ChangeRefusal::DateAfterToday { date, today } => {
            format!("--date {date} 晚于今天（{today}）；变更只能记在今天或之前")
        }
        ChangeRefusal::BeforeRecorded {
            field,
            date,
            latest,
            line,
        } => format!(
            "--date {date} 早于{}最近一次记录的变更（{latest}，history.csv 第 {line} 行）；请给出不早于它的日期",
            field.zh()
        ),
        ChangeRefusal::Unchanged { field, value } => {
            format!("{}在那一天已经是“{value}”，无需变更", field.zh())
        }
        ChangeRefusal::RosterLacks(field) => {
            format!("名册没有“{}”一列：请先在名册中添加这一列", field.zh())
        }
        ChangeRefusal::HistoryLacks(column) => format!(
            "history.csv 没有“{}”一列，无法记下所给的值：请添加这一列，或不用 --{column}",
            field(column)
        ),
        ChangeRefusal::RosterUnreadable => {
            "residents.csv 无法逐格改写（请运行 rounds check）".into()
        }
    }
}

/// `export` wrote a table.
pub(super) fn export_written(path: &str, rows: usize) -> String {
    format!("已写入 {path}（{rows} 行）")
}
