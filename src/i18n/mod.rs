//! Every human-facing string, in one place. A language is one file that
//! implements `Catalog`; the compiler then asks for every message. Machine
//! formats (csv, json) never pass through here: their words are fixed by
//! the SPEC.

pub(crate) mod command_line;
mod en;
mod msg;
mod words;
mod zh;

pub use msg::{ClapError, ClapProblem, ClapTip, DueCounts, Label, Msg, Similar, SimilarKind, Word};
pub use words::{ChangeWords, Definitions, HelpWords, NeedWords, ReportWords, WorkerWords};

use crate::compute::report::SpanKind;
use crate::error::{Error, Reason, Severity, Usage};
use crate::model::{Level, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

/// One language's words.
pub trait Catalog: Sync {
    fn label(&self, label: Label) -> &'static str;
    fn level(&self, level: Level) -> &'static str;
    fn status(&self, status: Status) -> &'static str;
    fn reason(&self, reason: &Reason) -> String;
    fn error(&self, error: &Error) -> String;
    /// "3 days overdue" / "due in 3 days" as the table's last column.
    fn days_overdue(&self, days: i64) -> String;
    fn days_left(&self, days: i64) -> String;
    fn due_summary(&self, counts: &DueCounts) -> String;
    fn check_summary(&self, errors: usize, warnings: usize, files: usize) -> String;
    fn report_words(&self) -> &'static ReportWords;
    /// The report's note on roster edits history.csv does not record.
    fn unrecorded_edits(&self, edits: u64) -> String;
    /// "2020年6月", "June 2020", "2020年第二季度" …
    fn period_name(&self, kind: SpanKind, first: chrono::NaiveDate) -> String;
    fn rejected_word(&self) -> &'static str;
    fn skipped_word(&self) -> &'static str;
    fn import_summary(
        &self,
        file: &str,
        rows: usize,
        imported: usize,
        skipped: usize,
        rejected: usize,
    ) -> String;
    fn rejects_written(&self, path: &str) -> String;
    fn import_total(&self, imported: usize, store: &str, dry_run: bool) -> String;
    fn lock_wait(&self, dir: &str) -> String;
    fn visit_recorded(&self, date: &str, household: &str) -> String;
    fn visit_already(&self, date: &str, household: &str) -> String;
    fn report_written(&self, path: &str) -> String;
    fn init_created(&self, path: &str) -> String;
    fn init_kept(&self, path: &str) -> String;
    fn init_next(&self, dir: &str) -> String;
    fn need_words(&self) -> &'static NeedWords;
    /// `need add` (and an import) opened a need.
    fn need_opened(&self, id: &str, household: &str) -> String;
    fn need_updated(&self, id: &str, status: crate::model::need::NeedStatus) -> String;
    fn need_followed_up(&self, id: &str, satisfaction: crate::model::need::Satisfaction) -> String;
    /// The needs an import opened (ids), or would open in a dry run.
    fn needs_imported(&self, ids: &[String], dry_run: bool) -> String;
    /// A `due` cell: how many needs are open, and for how long the oldest
    /// when that is past the limit.
    fn open_needs_cell(&self, count: u32, flagged_days: Option<i64>) -> String;
    /// The line under the `due` table when the ledger exists.
    fn open_needs_summary(&self, households: usize, flagged: usize, limit: u32) -> String;
    /// The line under the `needs` list.
    fn needs_listed(&self, listed: usize, unresolved: usize) -> String;
    /// Words of the listings, the round sheet and `rounds config`.
    fn word(&self, word: Word) -> &'static str;
    /// Bad usage, in a sentence that says what to do.
    fn usage(&self, usage: &Usage) -> String;
    /// Sentences with values: summaries, titles, notes.
    fn msg(&self, msg: &Msg) -> String;
    /// `--help` for a subcommand ("" for rounds itself), where the
    /// language has its own words; `None` keeps the English of cli.rs.
    fn help(&self, _command: &str) -> Option<&'static str> {
        None
    }
    /// `--help` of an argument: `arg` is its clap id (the field's name:
    /// `exit_code`), `command` the path of its command ("need add"; "" for
    /// rounds itself). A language with its own words writes the default,
    /// the possible values and the environment variable into the text,
    /// since clap's notes of them are English. `None` keeps cli.rs.
    fn arg_help(&self, _command: &str, _arg: &str) -> Option<&'static str> {
        None
    }
    /// clap's own words in the help; `None` keeps clap's English.
    fn help_words(&self) -> Option<&'static HelpWords> {
        None
    }
    /// A command-line error found by clap, in the language, with the
    /// usage line and the pointer to `--help`; `None` leaves it to clap,
    /// in English.
    fn clap_error(&self, _error: &ClapError) -> Option<String> {
        None
    }
}

/// The Windows user's display language (`zh-CN`, `zh-TW` … are Chinese).
#[cfg(windows)]
fn system_language() -> Option<(&'static str, Lang)> {
    let tag = sys_locale::get_locale()?;
    let lang = match tag.to_ascii_lowercase().starts_with("zh") {
        true => Lang::Zh,
        false => Lang::En,
    };
    Some(("Windows", lang))
}

#[cfg(not(windows))]
fn system_language() -> Option<(&'static str, Lang)> {
    None
}

impl Lang {
    fn catalog(self) -> &'static dyn Catalog {
        match self {
            Lang::En => &en::En,
            Lang::Zh => &zh::Zh,
        }
    }

    /// The language from the environment's locale: `zh*` means Chinese.
    /// `LC_ALL` wins over `LC_MESSAGES`, which wins over `LANG`; where
    /// none is set (as on Windows), the system's display language.
    pub fn from_env() -> Lang {
        Self::locale_source(|k| std::env::var(k).ok()).map_or(Lang::En, |(_, lang)| lang)
    }

    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = var(key).filter(|v| !v.is_empty()) {
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    pub fn label(self, label: Label) -> &'static str {
        self.catalog().label(label)
    }
    pub fn level(self, level: Level) -> &'static str {
        self.catalog().level(level)
    }
    pub fn status(self, status: Status) -> &'static str {
        self.catalog().status(status)
    }
    pub fn reason(self, reason: &Reason) -> String {
        self.catalog().reason(reason)
    }
    pub fn error(self, error: &Error) -> String {
        self.catalog().error(error)
    }
    pub fn severity(self, s: Severity) -> &'static str {
        match s {
            Severity::Error => self.label(Label::Error),
            Severity::Warning => self.label(Label::Warning),
        }
    }
    pub fn days_overdue(self, days: i64) -> String {
        self.catalog().days_overdue(days)
    }
    pub fn days_left(self, days: i64) -> String {
        self.catalog().days_left(days)
    }
    pub fn due_summary(self, counts: &DueCounts) -> String {
        self.catalog().due_summary(counts)
    }
    pub fn check_summary(self, errors: usize, warnings: usize, files: usize) -> String {
        self.catalog().check_summary(errors, warnings, files)
    }
    pub fn report_words(self) -> &'static ReportWords {
        self.catalog().report_words()
    }
    pub fn unrecorded_edits(self, edits: u64) -> String {
        self.catalog().unrecorded_edits(edits)
    }
    pub fn period_name(self, kind: SpanKind, first: chrono::NaiveDate) -> String {
        self.catalog().period_name(kind, first)
    }
    pub fn rejected_word(self) -> &'static str {
        self.catalog().rejected_word()
    }
    pub fn skipped_word(self) -> &'static str {
        self.catalog().skipped_word()
    }
    pub fn import_summary(
        self,
        file: &str,
        rows: usize,
        imported: usize,
        skipped: usize,
        rejected: usize,
    ) -> String {
        self.catalog()
            .import_summary(file, rows, imported, skipped, rejected)
    }
    pub fn rejects_written(self, path: &str) -> String {
        self.catalog().rejects_written(path)
    }
    pub fn import_total(self, imported: usize, store: &str, dry_run: bool) -> String {
        self.catalog().import_total(imported, store, dry_run)
    }
    pub fn lock_wait(self, dir: &str) -> String {
        self.catalog().lock_wait(dir)
    }
    pub fn visit_recorded(self, date: &str, household: &str) -> String {
        self.catalog().visit_recorded(date, household)
    }
    pub fn visit_already(self, date: &str, household: &str) -> String {
        self.catalog().visit_already(date, household)
    }
    pub fn report_written(self, path: &str) -> String {
        self.catalog().report_written(path)
    }
    /// `export` wrote a table of `rows` rows.
    pub fn export_written(self, path: &str, rows: usize) -> String {
        match self {
            Lang::En => en::export_written(path, rows),
            Lang::Zh => zh::export_written(path, rows),
        }
    }
    pub fn init_created(self, path: &str) -> String {
        self.catalog().init_created(path)
    }
    pub fn init_kept(self, path: &str) -> String {
        self.catalog().init_kept(path)
    }
    pub fn init_next(self, dir: &str) -> String {
        self.catalog().init_next(dir)
    }
    pub fn need_words(self) -> &'static NeedWords {
        self.catalog().need_words()
    }
    pub fn need_opened(self, id: &str, household: &str) -> String {
        self.catalog().need_opened(id, household)
    }
    pub fn need_updated(self, id: &str, status: crate::model::need::NeedStatus) -> String {
        self.catalog().need_updated(id, status)
    }
    pub fn need_followed_up(
        self,
        id: &str,
        satisfaction: crate::model::need::Satisfaction,
    ) -> String {
        self.catalog().need_followed_up(id, satisfaction)
    }
    pub fn needs_imported(self, ids: &[String], dry_run: bool) -> String {
        self.catalog().needs_imported(ids, dry_run)
    }
    pub fn open_needs_cell(self, count: u32, flagged_days: Option<i64>) -> String {
        self.catalog().open_needs_cell(count, flagged_days)
    }
    pub fn open_needs_summary(self, households: usize, flagged: usize, limit: u32) -> String {
        self.catalog()
            .open_needs_summary(households, flagged, limit)
    }
    pub fn needs_listed(self, listed: usize, unresolved: usize) -> String {
        self.catalog().needs_listed(listed, unresolved)
    }
    pub fn word(self, word: Word) -> &'static str {
        self.catalog().word(word)
    }
    pub fn msg(self, msg: &Msg) -> String {
        self.catalog().msg(msg)
    }
    pub fn usage(self, usage: &Usage) -> String {
        self.catalog().usage(usage)
    }
    pub fn help(self, command: &str) -> Option<&'static str> {
        self.catalog().help(command)
    }
    pub fn arg_help(self, command: &str, arg: &str) -> Option<&'static str> {
        self.catalog().arg_help(command, arg)
    }
    pub fn help_words(self) -> Option<&'static HelpWords> {
        self.catalog().help_words()
    }
    pub fn clap_error(self, error: &ClapError) -> Option<String> {
        self.catalog().clap_error(error)
    }

    /// The language `--lang` gives in raw arguments, before clap has
    /// parsed them (for `--help` and clap's errors).
    pub fn in_args(args: &[std::ffi::OsString]) -> Option<Lang> {
        match flag_value(args, "lang").as_deref() {
            Some("zh") => Some(Lang::Zh),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// The locale variable that decides the language, and what it says.
    /// Where none of LC_ALL, LC_MESSAGES, LANG is set, Windows has the
    /// user's display language (a Chinese Windows: Chinese); elsewhere
    /// `None`.
    pub fn locale_source(var: impl Fn(&str) -> Option<String>) -> Option<(&'static str, Lang)> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .find_map(|key| {
                var(key)
                    .filter(|v| !v.is_empty())
                    .map(|_| (key, Lang::from_locale(&var)))
            })
            .or_else(system_language)
    }

    /// How the language orders people's names in a list for people:
    /// Chinese by pinyin (the Unicode CLDR collation for zh, through
    /// ICU4X: 陈, 李, 刘, 王 …), English by code point as it always has.
    /// Names the collation finds equal keep their code point order.
    pub fn name_order(self, a: &str, b: &str) -> std::cmp::Ordering {
        match (self, pinyin()) {
            (Lang::Zh, Some(collator)) => collator.compare(a, b).then_with(|| a.cmp(b)),
            _ => a.cmp(b),
        }
    }

    /// The code of the language, as `--lang` and rounds.toml write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// The Chinese collation, made once (its data is compiled in; were it
/// ever missing, names would keep their code point order).
fn pinyin() -> Option<&'static icu_collator::CollatorBorrowed<'static>> {
    static ZH: std::sync::LazyLock<Option<icu_collator::CollatorBorrowed<'static>>> =
        std::sync::LazyLock::new(|| {
            icu_collator::Collator::try_new(
                icu_locale_core::locale!("zh").into(),
                icu_collator::options::CollatorOptions::default(),
            )
            .ok()
        });
    ZH.as_ref()
}

/// The value of `--NAME VALUE` or `--NAME=VALUE` in raw arguments.
pub fn flag_value(args: &[std::ffi::OsString], name: &str) -> Option<String> {
    let (flag, prefix) = (format!("--{name}"), format!("--{name}="));
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.iter().enumerate().find_map(|(i, a)| match a {
        a if *a == flag => args.get(i + 1).cloned(),
        a => a.strip_prefix(&prefix).map(str::to_string),
    })
}

/// An error in English, for logs and `anyhow` chains; `main` renders it
/// in the user's language.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Lang::En.error(self))
    }
}

impl std::error::Error for Error {}

/// The words of a problem list such as "green 3, red 1", skipping zeros.
pub(crate) fn level_counts(
    lang: &dyn Catalog,
    counts: &[usize; 4],
    sep: &str,
    fmt: impl Fn(&str, usize) -> String,
) -> String {
    Level::ALL
        .iter()
        .filter(|l| counts[l.index()] > 0)
        .map(|l| fmt(lang.level(*l), counts[l.index()]))
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reasons hard to meet from the command line (a workbook without a
    /// sheet, a JSON text starting `[` that is no array) still speak each
    /// language.
    #[test]
    fn rare_reasons_in_both_languages() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for reason in [
            Reason::NoSheet,
            Reason::NotAnArray,
            Reason::JsonNotALog(crate::error::JsonKind::Array),
            Reason::BadWorkbook("Zip error".into()),
            Reason::ConfigSyntax {
                line: None,
                message: "expected `=`".into(),
            },
        ] {
            let (en, zh) = (Lang::En.reason(&reason), Lang::Zh.reason(&reason));
            assert!(chinese(&zh), "{zh}");
            assert!(!chinese(&en), "{en}");
        }
        assert_eq!(Lang::Zh.reason(&Reason::NoSheet), "工作簿中没有工作表");
        assert_eq!(
            Lang::En.reason(&Reason::NoSheet),
            "the workbook has no sheet"
        );
    }

    #[test]
    fn names_in_pinyin_order_under_zh() {
        let mut names = vec![
            "王建国",
            "李秀兰",
            "张志强",
            "赵卫东",
            "周晓梅",
            "刘桂芳",
            "杨丽娟",
            "陈海涛",
            "",
        ];
        names.sort_by(|a, b| Lang::Zh.name_order(a, b));
        assert_eq!(
            names,
            [
                "",
                "陈海涛",
                "李秀兰",
                "刘桂芳",
                "王建国",
                "杨丽娟",
                "张志强",
                "赵卫东",
                "周晓梅"
            ]
        );
        // English keeps the code point order.
        names.sort_by(|a, b| Lang::En.name_order(a, b));
        assert_eq!(
            names,
            [
                "",
                "刘桂芳",
                "周晓梅",
                "张志强",
                "李秀兰",
                "杨丽娟",
                "王建国",
                "赵卫东",
                "陈海涛"
            ]
        );
    }

    #[test]
    fn locale_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "en_US"), ("LC_MESSAGES", "zh_TW")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "zh_CN")])),
            Lang::Zh
        );
    }
}
