//! `rounds init [DIR]`
//!
//! Creates a data directory: residents.csv and visits.csv with their
//! headers (Chinese headers with --lang zh, with a BOM so that Excel and
//! WPS open them as UTF-8) and a commented rounds.toml whose `start` is
//! the day it was made (rule 4c). A Chinese
//! rounds.toml sets `lang = "zh"`, so that the community stays in Chinese
//! whatever the locale of the next colleague's machine; an English one
//! leaves the line commented. It never overwrites a file that exists; it
//! says which it kept.

use std::io::Write;
use std::path::Path;

use super::Outcome;
use crate::error::Error;
use crate::i18n::Lang;
use crate::store;

const RESIDENTS_ZH: &str = "编号,户号,姓名,关注等级,网格,楼栋,单元,房号,联系电话,身份证号,标签,负责人,登记日期,迁出日期\r\n";
const RESIDENTS_EN: &str =
    "id,household,name,level,grid,building,unit,room,phone,id_number,tags,visitor,since,until\r\n";
const VISITS_ZH: &str = "日期,户号,走访人,走访方式,走访情况,人数\r\n";
const VISITS_EN: &str = "date,household,visitor,kind,note,persons\r\n";

pub(crate) const TOML_ZH: &str = r#"# rounds.toml：本数据目录的设置（均可省略）。
#
# 社区名称，用于报告标题：
# name = "某某社区"
#
# 截止日期的算法：
#   "calendar"（默认）：每个周期内都要走访一次
#                       红：每个自然周（周一至周日），橙：每月，黄：每季度，绿：每半年
#   "rolling"：上次走访后，间隔期满即到期
# policy = "calendar"
#
# 本社区开始用 rounds 记录走访的日期（规则 4c）：此前登记的住户不会因为
# 这一天之前没有走访记录而逾期。rounds init 写入建立目录的当天：
start = {TODAY}
#
# `rounds due` 把几天内到期的住户列为“待访”（同 --within）：
# window = 7
#
# 表格和提示的语言："zh" 或 "en"。本目录用中文建立，所以这里写明 "zh"，
# 别人的电脑是英文系统也照样用中文；删去这一行则跟随系统语言。
lang = "zh"
#
# 可以改某一等级的周期，例如黄色住户每月走访：
# [levels]
# yellow = "month"   # week、month、quarter、half-year、year；rolling 时也可写 "30 days"
#
# 诉求台账 needs.csv 的类别（最后一个是默认类别），以及诉求未办结超过多少天在
# `rounds due` 中标出：
# [needs]
# categories = ["生活困难", "矛盾纠纷", "政策咨询", "医疗健康", "环境设施", "其他"]
# flag_after_days = 30
"#;

pub(crate) const TOML_EN: &str = r#"# rounds.toml: settings of this data directory (all optional).
#
# The community's name, for report titles:
# name = "Riverside Community"
#
# How deadlines are computed:
#   "calendar" (default): every period of the level must hold a visit
#                         red: ISO week (Mon-Sun), orange: month, yellow: quarter, green: half-year
#   "rolling": the next visit is due one interval after the last one
# policy = "calendar"
#
# The day the community began keeping its visits here (rule 4c): households
# registered before it are not overdue for the time before it. `rounds init`
# writes the day the directory was made:
start = {TODAY}
#
# How many days ahead `rounds due` lists households as due (as --within):
# window = 7
#
# Language of tables and messages: "zh" or "en" (default: from the locale)
# lang = "en"
#
# A level's period can be changed, e.g. yellow households visited monthly:
# [levels]
# yellow = "month"   # week, month, quarter, half-year, year; with "rolling" also "30 days"
#
# The categories of the needs ledger needs.csv (the last one is the default), and
# after how many days `rounds due` flags a need that is not resolved:
# [needs]
# categories = ["生活困难", "矛盾纠纷", "政策咨询", "医疗健康", "环境设施", "其他"]
# flag_after_days = 30
"#;

pub fn run(
    dir: &Path,
    lang: Lang,
    today: chrono::NaiveDate,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let start = crate::model::date::iso(today);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let bom = "\u{feff}";
    let files: [(&str, String); 3] = match lang {
        Lang::Zh => [
            ("residents.csv", format!("{bom}{RESIDENTS_ZH}")),
            ("visits.csv", format!("{bom}{VISITS_ZH}")),
            ("rounds.toml", TOML_ZH.replace("{TODAY}", &start)),
        ],
        Lang::En => [
            ("residents.csv", format!("{bom}{RESIDENTS_EN}")),
            ("visits.csv", format!("{bom}{VISITS_EN}")),
            ("rounds.toml", TOML_EN.replace("{TODAY}", &start)),
        ],
    };
    for (name, content) in files {
        // A roster kept as a workbook is the roster: no residents.csv beside it.
        let name = match name {
            "residents.csv" => crate::data::roster_sheet::FILES
                .into_iter()
                .find(|f| dir.join(f).exists())
                .unwrap_or(name),
            _ => name,
        };
        let path = dir.join(name);
        let shown = path.display().to_string();
        let line = if store::create_new(&path, content.as_bytes())? {
            lang.init_created(&shown)
        } else {
            lang.init_kept(&shown)
        };
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    writeln!(out, "{}", lang.init_next(&dir.display().to_string())).map_err(Error::Output)?;
    Ok(Outcome::Success)
}
