//! English.

use chrono::{Datelike, NaiveDate};

use super::{Catalog, Definitions, Label, Msg, NeedWords, ReportWords, Word, level_counts};
use crate::compute::due::DueCounts;
use crate::compute::report::SpanKind;
use crate::error::DateError;
use crate::error::{ChangeRefusal, Error, JsonKind, NeedRule, Reason, Usage};
use crate::model::{FilterField, Level, Status};

pub struct En;

impl Catalog for En {
    fn label(&self, label: Label) -> &'static str {
        match label {
            Label::Household => "household",
            Label::Level => "level",
            Label::Address => "address",
            Label::Visitor => "worker in charge",
            Label::VisitedBy => "visitor",
            Label::Contact => "contact",
            Label::Phone => "phone",
            Label::LastVisit => "last visit",
            Label::Deadline => "deadline",
            Label::Status => "status",
            Label::Days => "days",
            Label::Never => "never",
            Label::NoneListed => "No household is overdue or due.",
            Label::Error => "error",
            Label::Warning => "warning",
            Label::Tags => "special groups",
        }
    }

    fn level(&self, level: Level) -> &'static str {
        level.word()
    }

    fn status(&self, status: Status) -> &'static str {
        status.word()
    }

    fn reason(&self, reason: &Reason) -> String {
        match reason {
            Reason::Encoding => {
                "bytes that are neither UTF-8 nor GB18030 (was part of the file saved in another encoding? save it again as UTF-8)".into()
            }
            Reason::Utf16 => {
                "the file is UTF-16 (Excel's \"Unicode text\"), not UTF-8 or GBK: open it in Excel or WPS and save it as \"CSV UTF-8 (Comma delimited)\" (or CSV)".into()
            }
            Reason::BadJson(m) => format!("not readable JSON: {m}"),
            Reason::Malformed(m) => format!("not a readable CSV record: {m}"),
            Reason::MixedEncoding => "the file is GB18030 (GBK) but this line reads as UTF-8: was the file saved in two encodings? its Chinese text may be misread".into(),
            Reason::Unterminated => "a quoted cell starts here and is never closed (a missing \" ?)".into(),
            Reason::TooLong => "a cell longer than 16 MiB (a quote that is never closed?)".into(),
            Reason::NoHeader => "the file has no header line".into(),
            Reason::MissingColumns { missing, expected, found, nearest } => format!(
                "missing column{} {} (expected a header named {}); the header has: {}{}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                expected.join(" and "),
                if found.is_empty() { "(nothing)".into() } else { found.join(", ") },
                nearest
                    .iter()
                    .map(|(cell, name)| format!(" — did you mean {name} for '{cell}'?"))
                    .collect::<String>()
            ),
            Reason::NoHouseholdColumn { found } => format!(
                "missing column household (or resident; expected a header named household/户号 or resident/居民编号); the header has: {} — map another header with --map HEADER=household or [import.columns] in rounds.toml",
                if found.is_empty() { "(nothing)".into() } else { found.join(", ") }
            ),
            Reason::HeaderIsData { missing, expected } => format!(
                "the first line looks like a row of data, not a header: missing column{} {} (expected a header named {}); add the header line",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                expected.join(" and ")
            ),
            Reason::TooManyCells => "more than 16,384 cells in one row (more than a spreadsheet has)".into(),
            Reason::NotPlain(col) => format!("'{col}' holds a list or an object, not a plain value"),
            Reason::NotAnObject => "the entry is not a JSON object".into(),
            Reason::CellError(e) => format!("a cell holds the spreadsheet error {e}"),
            Reason::RepeatsStored => "repeats a stored visit".into(),
            Reason::RepeatsRow { file, line } => format!("repeats {file} line {line}"),
            Reason::StoreLacksColumn(f) => format!(
                "visits.csv has no {f} column, so the new rows' {f} would be lost; add a column named {f} to its header and import again"
            ),
            Reason::DuplicateColumn { field, first, second } => {
                format!("columns '{first}' and '{second}' both mean {field}; keep one")
            }
            Reason::Empty(field) => format!("empty {field}"),
            Reason::BadDate { field, value, why } => match why {
                DateError::Form => format!(
                    "{field} '{value}' is not a date (use YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD or YYYY年M月D日)"
                ),
                DateError::Impossible => format!("invalid date '{value}' in {field}: no such day"),
                DateError::Year => format!("{field} '{value}': the year is out of range"),
            },
            Reason::BadLevel { value, suggestion } => match suggestion {
                Some(s) => format!("unknown level '{value}' — did you mean {s}?"),
                None => format!(
                    "unknown level '{value}' (use red, orange, yellow, green, 1–4 or 红, 橙, 黄, 绿)"
                ),
            },
            Reason::PersonsTooLarge(v) => format!("persons '{v}' is too large to be a count of people"),
            Reason::BadPersons(v) => format!("persons '{v}' is not a whole number of 0 or more"),
            Reason::DuplicateResident { id, first_line } => {
                format!("resident id '{id}' is used again (first on line {first_line})")
            }
            Reason::ExtraCells { cells, columns } => {
                format!("{cells} cells but the header has {columns} columns")
            }
            Reason::MembersDisagree { household, field, kept, other } => format!(
                "household '{household}': members disagree on {field} ('{kept}' is used, this row says '{other}')"
            ),
            Reason::NeverActive { id } => {
                format!("resident '{id}' moved out before registering (since is after until): never active")
            }
            Reason::UnknownHousehold(h) => format!("unknown household '{h}'"),
            Reason::RosterUnreadable { skipped } => format!(
                "roster unreadable: {skipped} visit and need checks skipped (which households they name is checked once the roster reads)"
            ),
            Reason::UnknownResident(r) => format!("unknown resident '{r}'"),
            Reason::UnknownHistoryField(f) => format!(
                "unknown field '{f}' (level, household, visitor, grid, building, unit, room, tags, since, until, or the roster's Chinese header)"
            ),
            Reason::BadHistoryValue { field, value, level } => {
                let what = if *level { "a level" } else { "a date" };
                format!("'{value}' is not {what} (field {field})")
            }
            Reason::BrokenChain {
                id,
                field,
                from,
                before,
                before_line,
            } => format!(
                "broken chain: {id}'s {field} changes from '{from}', but the change before it (line {before_line}) made it '{before}'"
            ),
            Reason::ChangeAfterToday { date, today } => {
                format!("change dated {date}, after today ({today}): it applies from that day on")
            }
            Reason::UnrecordedEdit { id, field, from, to } => {
                let shown = |v: &str| if v.is_empty() { "(empty)".to_string() } else { v.to_string() };
                format!(
                    "{id}'s {} changed {} → {} in the roster without a record in history.csv (rounds change --record records it)",
                    field.word(),
                    shown(from),
                    shown(to)
                )
            }
            Reason::FutureVisit { date, today } => format!("date {date} is after today {today}"),
            Reason::MissingFile => "the file is missing".into(),
            Reason::BadWorkbook(m) => format!("not a readable workbook: {m}"),
            Reason::NoSheet => "the workbook has no sheet".into(),
            Reason::UnknownSheet { name, sheets } => format!(
                "the workbook has no sheet '{name}' (its sheets: {})",
                sheets.join(", ")
            ),
            Reason::NotAnArray => "expected an array of objects".into(),
            Reason::JsonNotALog(kind) => format!(
                "not a visit log: the file holds a bare JSON {}, not an array of objects or one object per line",
                match kind {
                    JsonKind::Number => "number",
                    JsonKind::Text => "string",
                    JsonKind::Boolean => "true or false",
                    JsonKind::Null => "null",
                    JsonKind::Array => "array",
                }
            ),
            Reason::ConfigUnreadable { message, .. } => message.clone(),
            Reason::ConfigSyntax { message, .. } => message.clone(),
            Reason::ConfigBadChoice { value, expected } => format!(
                "'{value}' is not a value of this setting (use {})",
                expected.join(" or ")
            ),
            Reason::ConfigCategoriesEmpty => {
                "[needs]: categories must be a list of non-empty names, e.g. [\"生活困难\", \"其他\"]".into()
            }
            Reason::ConfigCategoryTwice(c) => format!("[needs]: category '{c}' is listed twice"),
            Reason::DuplicateNeed { id, first_line } => {
                format!("need id '{id}' is used again (first on line {first_line})")
            }
            Reason::UnknownCategory { value, allowed } => format!(
                "unknown category '{value}' (use one of {}; [needs] categories in rounds.toml sets them)",
                allowed.join(", ")
            ),
            Reason::BadNeedStatus(v) => {
                format!("status '{v}' is not a need's status (use open, in_progress or resolved)")
            }
            Reason::BadNeedUpdate(v) => {
                format!("status '{v}' is not one a need can be updated to (use in_progress or resolved)")
            }
            Reason::BadSatisfaction(v) => {
                format!("satisfaction '{v}' is not one of 满意, 基本满意, 不满意 (satisfied, basically satisfied, dissatisfied)")
            }
            Reason::DateBefore { field, date, other, other_date } => {
                format!("{field} {date} is before {other} {other_date}")
            }
            Reason::NeedRule(rule) => match rule {
                NeedRule::ResolvedWithoutDate => "status resolved without a resolved date".into(),
                NeedRule::DateButNotResolved => {
                    "a resolved date, but the status is not resolved".into()
                }
                NeedRule::FollowUpUnresolved => {
                    "a follow-up of a need that is not resolved (resolve it first)".into()
                }
                NeedRule::SatisfactionWithoutFollowUp => {
                    "a satisfaction without the date of the follow-up visit".into()
                }
                NeedRule::AlreadyResolved(d) => format!("the need was already resolved on {d}"),
            },
            Reason::UnknownNeed(id) => {
                format!("no need has the id '{id}' (`rounds needs` lists them)")
            }
            Reason::ConfigUnknownKey { key, suggestion, expected } => match suggestion {
                Some(s) => format!("unknown key '{key}' — did you mean {s}?"),
                None => format!("unknown key '{key}' (known here: {})", expected.join(", ")),
            },
            Reason::ConfigNotALevel { key, suggestion } => match suggestion {
                Some(s) => format!("[levels]: '{key}' is not a level — did you mean {s}?"),
                None => format!("[levels]: '{key}' is not a level (use red, orange, yellow or green)"),
            },
            Reason::ConfigBadCadence { value, rolling_only: true } => format!(
                "[levels]: '{value}' is an interval, which only the rolling policy uses; with the calendar policy use week, month, quarter, half-year or year"
            ),
            Reason::ConfigBadCadence { value, rolling_only: false } => format!(
                "[levels]: '{value}' is not a cadence (use week, month, quarter, half-year, year, or with policy = \"rolling\" an interval such as \"30 days\")"
            ),
            Reason::ConfigImportField { name, fields } => format!(
                "[import.columns]: '{name}' is not a field of a visit log (use one of {})",
                fields.join(", ")
            ),
            Reason::BadCoordinate { column, value, kind, why } => {
                use crate::data::kept::{Coordinate, CoordinateError};
                let what = match kind {
                    Coordinate::Longitude => "a longitude (a number from -180 to 180)",
                    Coordinate::Latitude => "a latitude (a number from -90 to 90)",
                    Coordinate::Pair => {
                        "a position as \"longitude,latitude\" (-180 to 180, -90 to 90)"
                    }
                };
                let how = match why {
                    CoordinateError::NotANumber => "is not",
                    CoordinateError::OutOfRange => "is out of range for",
                };
                format!("{column} '{value}' {how} {what}")
            }
            Reason::DuplicateWorker { name, first_line } => {
                format!("worker '{name}' is listed again (first on line {first_line})")
            }
            Reason::BadPartyMember(v) => format!(
                "party_member '{v}' is not yes or no (use 是/否, yes/no, y/n, true/false or 1/0)"
            ),
            Reason::UnregisteredWorker { name, rows, suggestion } => {
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!(" — did you mean '{s}'?"))
                    .unwrap_or_default();
                let rows_word = if *rows == 1 { "row" } else { "rows" };
                format!("visitor '{name}' is not in workers.csv ({rows} {rows_word}){hint}")
            }
            Reason::TwoRosters(files) => format!(
                "two rosters in one directory: {}; keep one",
                files.join(" and ")
            ),
            Reason::SheetBehind {
                id,
                field,
                value,
                to,
            } => {
                let shown = |v: &str| if v.is_empty() { "(empty)".to_string() } else { v.to_string() };
                format!(
                    "{id}'s {} is {} in the roster but {} in history.csv (rounds change): update the cell to {}",
                    field.word(),
                    shown(value),
                    shown(to),
                    shown(to)
                )
            }
            Reason::TagMark { tag, mark } => format!(
                "tags: '{tag}' is one special group, as '{mark}' separates none; \
                 to mean several, separate them with 、 or ；"
            ),
        }
    }

    fn error(&self, error: &Error) -> String {
        match error {
            Error::Usage(u) => self.usage(u),
            Error::NoData { dir, file: None } => format!(
                "no data directory at '{}'; create one with: rounds init {}",
                dir.display(),
                dir.display()
            ),
            Error::NoData { dir, file: Some(f) } => format!(
                "'{}' has no {}; create the files with: rounds init {}",
                dir.display(),
                f.display(),
                dir.display()
            ),
            Error::InUse(path) => format!(
                "{} is open in another program (Excel or WPS?), which keeps rounds from using it: \
                 close it there, then run rounds again",
                path.display()
            ),
            Error::Io { path, source } => format!("{}: {}", path.display(), source),
            Error::Invalid(problems) => {
                let errors = problems.iter().filter(|p| p.is_error()).count();
                format!(
                    "stopped: {errors} error{} in the data, nothing was changed (`rounds check` lists every problem)",
                    if errors == 1 { "" } else { "s" }
                )
            }
            Error::Output(e) => format!("cannot write the output: {e}"),
            Error::BadJournal(p) => {
                format!(
                    "{}: not a rounds journal; move it away to go on",
                    p.display()
                )
            }
            Error::Other(e) => format!("{e:#}"),
        }
    }

    fn days_overdue(&self, days: i64) -> String {
        format!("{days} d overdue")
    }

    fn days_left(&self, days: i64) -> String {
        match days {
            0 => "today".into(),
            _ => format!("{days} d left"),
        }
    }

    fn due_summary(&self, c: &DueCounts) -> String {
        let part = |i: usize, word: &str| {
            let total: usize = c.by_status[i].iter().sum();
            let detail = level_counts(self, &c.by_status[i], ", ", |l, n| format!("{l} {n}"));
            if total == 0 {
                format!("{word} 0")
            } else {
                format!("{word} {total} ({detail})")
            }
        };
        format!(
            "{} · {} · {} listed of {} active households",
            part(0, "overdue"),
            part(1, "due"),
            c.listed,
            c.active
        )
    }

    fn check_summary(&self, errors: usize, warnings: usize, files: usize) -> String {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{errors} error{}, {warnings} warning{} in {files} file{}",
            s(errors),
            s(warnings),
            s(files)
        )
    }

    fn unrecorded_edits(&self, edits: u64) -> String {
        let (s, are) = if edits == 1 { ("", "is") } else { ("s", "are") };
        format!(
            "{edits} edit{s} of the roster {are} not recorded in history.csv: counted from the day the roster was saved, so figures for earlier days may differ (rounds change --record records them)"
        )
    }

    fn report_words(&self) -> &'static ReportWords {
        &ReportWords {
            report: "visits report",
            as_of: "as of",
            summary: "By level",
            grids: "By grid",
            workers: "By worker",
            overdue_list: "Overdue and never visited",
            trend: "The last six months",
            level: "level",
            households: "households",
            overdue: "overdue",
            required: "required",
            met: "met",
            rate: "compliance",
            visits: "visits",
            households_visited: "households visited",
            person_times: "persons met",
            never_visited: "never visited",
            grid: "grid",
            worker: "worker",
            in_charge: "households in charge",
            in_charge_visited: "of them visited",
            household: "household",
            address: "address",
            contact: "contact",
            last_visit: "last visit",
            deadline: "deadline",
            days_overdue: "days overdue",
            never: "never",
            month: "month",
            none: "None.",
            total: "total",
            chart_levels: "Compliance by level",
            chart_grids: "Visits by grid",
            chart_trend: "Visits and compliance, month by month",
            masked_note: "Names are shortened to protect residents' privacy.",
            trend_months: "Month by month",
            chart_trend_months: "Visits and compliance, month by month",
            coverage: "coverage",
            resolution_rate: "resolution rate",
            satisfaction_rate: "follow-up satisfaction",
            change: "change",
            visits_change: "visits change",
            rate_change: "compliance change (pts)",
            overview: "Overview",
            period: "period",
            figure: "figure",
            value: "value",
            numerator: "numerator",
            denominator: "denominator",
            definition: "meaning",
            notes: "What the figures mean",
            define: &Definitions {
                households: "households with a resident on the as-of date, by the household's level",
                visits: "visit records dated in the period up to the as-of date; each visit, \
                         at the door or by phone, counts once",
                households_visited: "households with at least one visit in the period",
                person_times: "the persons met on each visit, added up; where a visit does not \
                               say, the household's residents that day",
                coverage: "of the households on the as-of date, the share visited in the period",
                overdue: "households past their visit deadline on the as-of date \
                          (as rounds due counts them)",
                never_visited: "overdue households with no visit on record",
                required: "each level's visit periods that ended in the period by the as-of \
                           date, one per household of that level on the period's last day",
                met: "of those, the household-periods that held at least one visit",
                rate: "met ÷ required",
                change: "against the month before: visits in percent, compliance in \
                         percentage points; none when the month before has no visit on record",
                resolution_rate: "of the needs raised in the period, the share resolved by \
                                  the as-of date",
                satisfaction_rate: "of the follow-ups in the period, the share satisfied or \
                                    basically satisfied",
                special_groups: "per group, the households with a member carrying it on the \
                                 as-of date, and their visits, overdue and compliance",
            },
            prepared_by: "Prepared by:",
            checked_by: "Checked by:",
            date: "Date:",
            page: ["Page ", " of ", ""],
        }
    }

    fn period_name(&self, kind: SpanKind, first: NaiveDate) -> String {
        let y = first.year();
        match kind {
            SpanKind::Month => first.format("%B %Y").to_string(),
            SpanKind::Quarter => format!("{y} Q{}", first.month0() / 3 + 1),
            SpanKind::Half => format!("{y} H{}", first.month0() / 6 + 1),
            SpanKind::Year => y.to_string(),
        }
    }

    fn rejected_word(&self) -> &'static str {
        "rejected"
    }

    fn skipped_word(&self) -> &'static str {
        "skipped"
    }

    fn import_summary(
        &self,
        file: &str,
        rows: usize,
        imported: usize,
        skipped: usize,
        rejected: usize,
    ) -> String {
        let (rows_word, duplicates) = (
            if rows == 1 { "row" } else { "rows" },
            if skipped == 1 {
                "duplicate"
            } else {
                "duplicates"
            },
        );
        format!(
            "{file}: {rows} {rows_word} · {imported} imported · {skipped} {duplicates} skipped · {rejected} rejected"
        )
    }

    fn rejects_written(&self, path: &str) -> String {
        format!(
            "rejected rows, with their line and reason: {path} (fix them there and import that file)"
        )
    }

    fn import_total(&self, imported: usize, store: &str, dry_run: bool) -> String {
        let visits = if imported == 1 { "visit" } else { "visits" };
        if dry_run {
            format!("dry run: {imported} {visits} would be added to {store}; nothing was written")
        } else {
            format!("{imported} {visits} added to {store}")
        }
    }

    fn lock_wait(&self, dir: &str) -> String {
        format!("waiting: another rounds is writing to {dir} …")
    }

    fn visit_recorded(&self, date: &str, household: &str) -> String {
        format!("recorded the visit of {date} to {household}")
    }

    fn visit_already(&self, date: &str, household: &str) -> String {
        format!("already recorded: the visit of {date} to {household} (nothing added)")
    }

    fn report_written(&self, path: &str) -> String {
        format!("wrote {path}")
    }

    fn init_created(&self, path: &str) -> String {
        format!("created {path}")
    }

    fn init_kept(&self, path: &str) -> String {
        format!("kept {path} (it already exists)")
    }

    fn init_next(&self, dir: &str) -> String {
        format!(
            "Next: fill residents.csv (one row per person), then run: rounds --data {dir} check"
        )
    }

    fn need_words(&self) -> &'static NeedWords {
        &NeedWords {
            id: "id",
            household: "household",
            grid: "grid",
            raised: "raised",
            raised_by: "raised by",
            category: "category",
            text: "need",
            status: "status",
            days_open: "days",
            resolved_on: "resolved",
            resolution: "resolution",
            follow_up: "follow-up",
            satisfaction: "satisfaction",
            open: "open",
            in_progress: "in progress",
            resolved: "resolved",
            satisfied: "satisfied",
            basically_satisfied: "basically satisfied",
            dissatisfied: "dissatisfied",
            open_needs: "needs",
            none_listed: "No need is listed.",
            by_category: "Needs by category",
            by_grid: "Needs by grid",
            by_worker: "Service and results by worker",
            raised_in_period: "raised",
            of_them_resolved: "of them resolved",
            of_them_in_progress: "in progress",
            of_them_open: "open",
            resolved_in_period: "resolved in period",
            unresolved_at_end: "unresolved at end",
            over_limit: "open too long",
            median_days: "median days",
            follow_ups: "follow-ups",
            satisfaction_rate: "satisfied",
            worker: "worker",
            visits: "visits",
            total: "total",
        }
    }

    fn need_opened(&self, id: &str, household: &str) -> String {
        format!("opened need {id} for {household}")
    }

    fn need_updated(&self, id: &str, status: crate::model::need::NeedStatus) -> String {
        format!("need {id} is now {}", self.need_words().status(status))
    }

    fn need_followed_up(&self, id: &str, satisfaction: crate::model::need::Satisfaction) -> String {
        format!(
            "recorded the follow-up of need {id}: {}",
            self.need_words().satisfaction(satisfaction)
        )
    }

    fn needs_imported(&self, ids: &[String], dry_run: bool) -> String {
        let n = ids.len();
        let s = if n == 1 { "" } else { "s" };
        match (dry_run, n) {
            (true, _) => format!("dry run: {n} need{s} would be opened in needs.csv"),
            (false, 0) => "0 needs opened".into(),
            (false, _) => format!("{n} need{s} opened in needs.csv: {}", ids.join(", ")),
        }
    }

    fn open_needs_cell(&self, count: u32, flagged_days: Option<i64>) -> String {
        match (count, flagged_days) {
            (0, _) => String::new(),
            (n, Some(days)) => format!("{n} open, {days} d!"),
            (n, None) => format!("{n} open"),
        }
    }

    fn open_needs_summary(&self, households: usize, flagged: usize, limit: u32) -> String {
        format!(
            "open needs: {households} listed household{} ({flagged} open more than {limit} days, marked !)",
            if households == 1 { "" } else { "s" }
        )
    }

    fn needs_listed(&self, listed: usize, unresolved: usize) -> String {
        format!("{listed} listed, {unresolved} of them unresolved")
    }

    fn word(&self, word: Word) -> &'static str {
        match word {
            Word::Members => "residents",
            Word::Inactive => "moved out",
            Word::Date => "date",
            Word::Kind => "kind",
            Word::Persons => "persons",
            Word::Note => "note",
            Word::Room => "room",
            Word::NoVisits => "No visit recorded.",
            Word::RosterChange => "roster change",
            Word::NoHouseholds => "No household matches.",
            Word::Reading => "reading",
            Word::Setting => "setting",
            Word::Value => "value",
            Word::Source => "from",
            Word::FromFlag => "command line",
            Word::FromToml => "rounds.toml",
            Word::FromDefault => "default",
            Word::Clock => "(the clock)",
            Word::EmptyValue => "(empty)",
        }
    }

    fn usage(&self, usage: &Usage) -> String {
        match usage {
            Usage::BadToday(t) => format!("--today '{t}' is not a date (use YYYY-MM-DD)"),
            Usage::BadLevelFlag { value, suggestion } => {
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!(" — did you mean {s}?"))
                    .unwrap_or_default();
                format!(
                    "--level '{value}' is not a level{hint} (use red, orange, yellow, green, 1–4 or 红/橙/黄/绿)"
                )
            }
            Usage::FormatNotHere { format, allowed } => {
                format!("--format {format} is not for this command; it writes {allowed}")
            }
            Usage::UnknownFilterValue {
                field,
                value,
                suggestions,
                known,
                total,
            } => {
                let (one, many) = match field {
                    FilterField::Grid => ("grid", "grids"),
                    FilterField::Building => ("building", "buildings"),
                    FilterField::Visitor => ("worker", "workers"),
                    FilterField::Tag => ("special group", "special groups"),
                };
                let flag = field.flag();
                let hint = match (suggestions.split_last(), known.is_empty()) {
                    (Some((last, [])), _) => format!(" — did you mean {last}?"),
                    (Some((last, rest)), _) => {
                        format!(" — did you mean {} or {last}?", rest.join(", "))
                    }
                    (None, true) => format!(" (the data names no {one})"),
                    (None, false) if *total > known.len() => {
                        format!(" (there are {total} {many}: {}, …)", known.join(", "))
                    }
                    (None, false) => format!(" (the {many} there are: {})", known.join(", ")),
                };
                format!("--{flag} '{value}' names no {one} in the data{hint}")
            }
            Usage::NoSuchHousehold { id, suggestion } => match suggestion {
                Some(s) => {
                    format!("no household or resident '{id}' in the roster — did you mean {s}?")
                }
                None => format!("no household or resident '{id}' in the roster"),
            },
            Usage::BadSpan { flag, text, form } => {
                format!("--{flag} '{text}' is not valid (use {form})")
            }
            Usage::SpanAfterToday { span, today } => {
                format!("{span} starts after today ({today}); a report can only look back")
            }
            Usage::UnknownExtension(p) => format!(
                "cannot tell the format of '{p}' from its extension: use .txt, .json, .csv, .md, .html or .xlsx, or give --format"
            ),
            Usage::WorkbookToTerminal => {
                "a workbook is not for the terminal: add -o FILE.xlsx (or pipe it to a file)".into()
            }
            Usage::BadMap(m) => format!("--map '{m}': use SOURCE=FIELD, e.g. --map 走访时间=date"),
            Usage::BadMapField { map, fields } => {
                format!("--map '{map}': not a field of a visit log (use one of {fields})")
            }
            Usage::BadSwitch {
                var,
                value,
                accepted,
            } => format!(
                "environment variable {var}='{value}' is not understood (use one of {accepted})"
            ),
            Usage::Refused(reason) => self.reason(reason),
            Usage::NoSuchResident { id, suggestion } => match suggestion {
                Some(s) => format!("no resident '{id}' in the roster — did you mean {s}?"),
                None => format!("no resident '{id}' in the roster"),
            },
            Usage::Change(refusal) => change_refusal(refusal),
            Usage::FastPathDeclined => "ROUNDS_FAST=must: the fast path declined this file".into(),
            Usage::SeveralData => {
                "only `report`, `due` and `needs` take --data more than once (several communities): give one data directory".into()
            }
            Usage::SameCommunityTwice(dir) => {
                format!("{dir} is given twice: a roll-up counts each community once")
            }
        }
    }

    fn msg(&self, msg: &Msg) -> String {
        match msg {
            Msg::HouseholdsSummary {
                households,
                residents,
            } => format!(
                "{households} household{} · {residents} resident{}",
                if *households == 1 { "" } else { "s" },
                if *residents == 1 { "" } else { "s" }
            ),
            Msg::MembersLine(list) => format!("residents: {list}"),
            Msg::HistorySummary { visits } => {
                format!("{visits} visit{}", if *visits == 1 { "" } else { "s" })
            }
            Msg::SheetTitle { visitor, today } => match visitor {
                Some(v) => format!("Round sheet of {v}, {today}"),
                None => format!("Round sheet, {today}"),
            },
            Msg::MoreProblems(n) => format!("… and {n} more (`rounds check` lists them all)"),
            Msg::FromEnv(var) => format!("environment ({var})"),
            Msg::FromLocale(var) => format!("locale ({var})"),
            Msg::FromTomlLine(line) => format!("rounds.toml line {line}"),
            Msg::NothingMatches(pattern) => {
                format!("no file matches {pattern}: nothing to import from it")
            }
            Msg::OwnerFileSkipped(path) => format!(
                "skipped {path}: the lock file Excel or WPS keeps beside a workbook it has open, not a log"
            ),
            Msg::MovedTo(path) => format!("moved to {path}"),
            Msg::KeptColumn {
                name,
                place,
                personal,
                dry_run,
            } => {
                use crate::data::ingest::KeptPlace;
                let place = match (place, dry_run) {
                    (KeptPlace::Present, _) => "visits.csv has this column",
                    (KeptPlace::Added, false) => "added to visits.csv",
                    (KeptPlace::Added, true) => "would be added to visits.csv",
                    (KeptPlace::NotAdded, _) => {
                        "not added to visits.csv: no row to store has a value in it"
                    }
                };
                let personal = if *personal {
                    " (personal data: masked in output unless --reveal)"
                } else {
                    ""
                };
                format!("kept column '{name}': {place}{personal}")
            }
            Msg::NothingToRecord => {
                "every value of the roster has its record in history.csv: nothing to record".into()
            }
            Msg::ChangeRecorded {
                id,
                field,
                from,
                to,
                date,
            } => format!(
                "recorded: {id} {}: {from} → {to}, from {date}",
                field.word()
            ),
            Msg::UpdateCell { cell, to } => format!("update {cell} to {to}"),
        }
    }
}

/// Why `change` refused, in a sentence that says what to do.
fn change_refusal(refusal: &ChangeRefusal) -> String {
    match refusal {
        ChangeRefusal::NoField => "nothing to change: give at least one of --level, --visitor, \
            --household, --grid, --building, --unit, --room, --tags, --since, --until"
            .into(),
        ChangeRefusal::DateAfterToday { date, today } => {
            format!(
                "--date {date} is after today ({today}); a change is recorded on or before today"
            )
        }
        ChangeRefusal::BeforeRecorded {
            field,
            date,
            latest,
            line,
        } => format!(
            "--date {date} is before the latest recorded change of {} ({latest}, history.csv line {line}); give a date on or after it",
            field.word()
        ),
        ChangeRefusal::Unchanged { field, value } => {
            format!(
                "{} is already '{value}' on that day: nothing to change",
                field.word()
            )
        }
        ChangeRefusal::RosterLacks(field) => format!(
            "the roster has no {} column: add the column (header '{}') to the roster first",
            field.word(),
            field.word()
        ),
        ChangeRefusal::HistoryLacks(column) => format!(
            "history.csv has no '{column}' column for the value given: add the column, or leave --{column} out"
        ),
        ChangeRefusal::RosterUnreadable => {
            "residents.csv cannot be rewritten cell by cell (run rounds check)".into()
        }
    }
}

/// `export` wrote a table.
pub(super) fn export_written(path: &str, rows: usize) -> String {
    let s = if rows == 1 { "" } else { "s" };
    format!("wrote {path} ({rows} row{s})")
}
