//! The command line: every subcommand and flag, documented where it is
//! defined, so that `--help` is the manual. No logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::compute::due::Sort;
use crate::compute::report::Section;
use crate::i18n::{Lang, command_line};
use crate::settings::{self, ColorChoice, Format, Given};

#[derive(Debug, Parser)]
#[command(
    name = "rounds",
    // `rounds` in the usage and the errors, whatever the program file is
    // called (`rounds.exe` on Windows).
    bin_name = "rounds",
    version,
    about = "Who is due a visit: household visit rounds for community grid workers",
    long_about = "Who is due a visit: household visit rounds for community grid workers.\n\n\
        A community's roster (residents.csv) gives every resident an attention level: \
        red households are visited every week, orange every month, yellow every quarter, \
        green every half-year. The visit log (visits.csv) records the visits. `rounds due` \
        lists the households that are overdue or due; `rounds check` validates the files; \
        `rounds init` creates a new data directory.",
    after_help = "Data directory: --data DIR, else $ROUNDS_DATA, else the current directory.\n\
        Exit status: 0 success; 1 `due --exit-code` found overdue households; \
        2 bad usage; 3 invalid data; 4 files that cannot be read or written."
)]
pub struct Cli {
    /// The data directory holding residents.csv, visits.csv and rounds.toml.
    #[arg(long, global = true, env = "ROUNDS_DATA", value_name = "DIR", action = clap::ArgAction::Append)]
    pub data: Vec<PathBuf>,

    /// The as-of date (default: today's local date). Visits after it are
    /// ignored and the roster is read as of that day (its history.csv
    /// applied), so any past day can be replayed exactly. Also `--as-of`.
    #[arg(long, global = true, alias = "as-of", value_name = "YYYY-MM-DD")]
    pub today: Option<String>,

    /// Output format: table for people; csv and json are stable for scripts;
    /// md and html for `report`, and for `due` as a printable round sheet.
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Language of tables and messages (default: rounds.toml, else the
    /// locale: LC_ALL, LC_MESSAGES, LANG, where none is set Windows'
    /// display language; zh* means Chinese).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// When to colour tables: auto colours on a terminal unless NO_COLOR is set.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,

    /// Where --data and --color came from (set by `Cli::parse_with_origins`).
    #[arg(skip)]
    pub origins: Origins,
}

/// Where a global option's value came from, for `rounds config`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    #[default]
    Default,
    Flag,
    Env,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Origins {
    pub data: Origin,
    pub color: Origin,
}

/// What the command line gave for the settings, as `settings` resolves
/// them.
impl From<&Cli> for Given {
    fn from(cli: &Cli) -> Given {
        let origin = |o: Origin, env: &'static str| match o {
            Origin::Flag => settings::Origin::Flag,
            Origin::Env => settings::Origin::Env(env),
            Origin::Default => settings::Origin::Default,
        };
        Given {
            data: cli.data.first().cloned(),
            data_origin: origin(cli.origins.data, "ROUNDS_DATA"),
            today: cli.today.clone(),
            format: cli.format,
            lang: cli.lang,
            color: cli.color,
            // --color is never taken from the environment (NO_COLOR only
            // turns colour off when it was not given).
            color_origin: match cli.origins.color {
                Origin::Flag | Origin::Env => settings::Origin::Flag,
                Origin::Default => settings::Origin::Default,
            },
        }
    }
}

impl Cli {
    /// Parses the command line, remembering where --data and --color
    /// came from (clap knows it only while it holds the matches).
    pub fn parse_with_origins() -> Cli {
        use clap::FromArgMatches;
        use clap::parser::ValueSource;
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        // A command line that parses needs no language. One that does not
        // (an error, --help, --version) is parsed again by the command in
        // its language, which then says why, or prints the help.
        let matches = match Cli::command_in(Lang::En).try_get_matches_from(&args) {
            Ok(matches) => matches,
            Err(_) => {
                let lang = help_lang(&args);
                match Cli::command_in(lang).try_get_matches_from(&args) {
                    Ok(matches) => matches,
                    Err(e) => crate::render::help::exit(lang, &e),
                }
            }
        };
        let mut cli = Cli::from_arg_matches(&matches)
            .unwrap_or_else(|e| command_line::exit_in(help_lang(&args), &e));
        let origin = |id: &str| match matches.value_source(id) {
            Some(ValueSource::CommandLine) => Origin::Flag,
            Some(ValueSource::EnvVariable) => Origin::Env,
            _ => Origin::Default,
        };
        cli.origins = Origins {
            data: origin("data"),
            color: origin("color"),
        };
        cli
    }

    /// The command in `lang`: the descriptions of the commands and their
    /// arguments, and clap's own headings, where the language has its
    /// words (English keeps the doc comments above and clap's words).
    pub fn command_in(lang: Lang) -> clap::Command {
        use clap::CommandFactory;
        // clap lays help out in the width its lines are then fitted to.
        let mut cmd = Cli::command().term_width(crate::render::help::width());
        if lang.help_words().is_some() {
            // Builds the `help` flags and subcommands, so that they too
            // can be given the language's words.
            cmd.build();
        }
        command_line::localize(&mut cmd, "", false, lang);
        cmd
    }
}

/// The language of `--help` and of clap's errors, which come before the
/// command line is parsed: `--lang` if the arguments give it, else `lang`
/// in the rounds.toml of the data directory they name (or $ROUNDS_DATA,
/// or the current directory) if it can be read, else the locale.
fn help_lang(args: &[std::ffi::OsString]) -> Lang {
    Lang::in_args(args)
        .or_else(|| {
            let dir = crate::i18n::flag_value(args, "data")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("ROUNDS_DATA").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("."));
            crate::config::Config::load(&dir).ok()?.lang
        })
        .unwrap_or_else(Lang::from_env)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the households that are overdue or due for a visit.
    Due(DueArgs),
    /// Import visit logs (CSV, JSON, Excel) into visits.csv: nothing lost, nothing doubled.
    Import(ImportArgs),
    /// Record one visit from the command line.
    Visit(VisitArgs),
    /// The monthly report: visits, coverage, overdue households and compliance per level.
    Report(ReportArgs),
    /// Validate every data file and print each problem with its file and line.
    Check(CheckArgs),
    /// Create a data directory with the file headers and a commented rounds.toml.
    Init(InitArgs),
    /// Record a resident's need (诉求) and its progress in the ledger needs.csv.
    Need(NeedArgs),
    /// List the needs of the ledger needs.csv, with filters.
    Needs(NeedsArgs),
    /// List households: who lives there, their levels, the last visit.
    Households(HouseholdsArgs),
    /// Every visit to one household, newest first, with the notes.
    History(HistoryArgs),
    /// Change a resident's level, household, worker or address: recorded in
    /// history.csv and written into the roster.
    Change(ChangeArgs),
    /// Print the settings in force and where each came from.
    Config,
    /// Print a shell completion script: source it from your shell's start-up file.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `rounds man > rounds.1`, or `rounds man | man -l -`.
    Man,
    /// List the workers (workers.csv) with their party branch and this month's figures.
    Workers(WorkersArgs),
    /// Write the data directory as Parquet tables for a warehouse, a
    /// partition per export date.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct NeedArgs {
    #[command(subcommand)]
    pub action: NeedAction,
}

#[derive(Debug, Subcommand)]
pub enum NeedAction {
    /// Open a need raised by a household; prints its id (N0001 …).
    Add(NeedAddArgs),
    /// Record progress: the need is being handled, or it is resolved.
    Update(NeedUpdateArgs),
    /// Record the follow-up visit (回访) of a resolved need and its satisfaction.
    FollowUp(NeedFollowUpArgs),
}

#[derive(Debug, Args)]
pub struct NeedAddArgs {
    /// The household that raised it (a household id, or a resident's id).
    pub household: String,

    /// What the residents need, in their words.
    #[arg(long, value_name = "T")]
    pub text: String,

    /// The category (default: the last of [needs] categories in rounds.toml, 其他).
    #[arg(long, value_name = "C")]
    pub category: Option<String>,

    /// The day it was raised (default: --today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// The worker who took it up (default: the household's worker in charge).
    #[arg(long, value_name = "V")]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct NeedUpdateArgs {
    /// The need's id, as `need add` printed it.
    pub id: String,

    /// The new status: in_progress (being handled) or resolved.
    #[arg(long, value_name = "S")]
    pub status: String,

    /// What was done (办理结果).
    #[arg(long, value_name = "R")]
    pub resolution: Option<String>,

    /// The day of the change (default: --today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct NeedFollowUpArgs {
    /// The need's id.
    pub id: String,

    /// What the residents said: 满意, 基本满意 or 不满意 (satisfied,
    /// basically-satisfied, dissatisfied).
    #[arg(long, value_name = "S")]
    pub satisfaction: String,

    /// The day of the follow-up visit (default: --today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct NeedsArgs {
    /// Only needs not resolved (open or in progress).
    #[arg(long)]
    pub open: bool,

    /// Only needs of households of this grid (repeat or separate by commas).
    #[arg(long, value_name = "G", value_delimiter = ',')]
    pub grid: Vec<String>,

    /// Only needs raised by V, or of households whose worker in charge is V.
    #[arg(long, value_name = "V", value_delimiter = ',')]
    pub visitor: Vec<String>,

    /// Only needs of this category.
    #[arg(long, value_name = "C", value_delimiter = ',')]
    pub category: Vec<String>,

    /// Only needs raised more than DAYS days before --today.
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u32>,

    /// Show phone and ID numbers written in a need, its resolution or its
    /// worker in full (masked otherwise, in every format).
    #[arg(long)]
    pub reveal: bool,

    /// Only needs of households carrying this special group (tags, 重点人群)
    /// on the as-of date; repeat for any of several.
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,

    /// Across communities (--data A --data B …, or --data DIR whose
    /// sub-directories hold a community each): list the communities whose
    /// data is valid and name on stderr those left out, instead of refusing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// List households whose deadline falls within N days as due
    /// (default: `window` in rounds.toml, else 7).
    #[arg(long, value_name = "N")]
    pub within: Option<u32>,

    /// List every active household, including those that are ok.
    #[arg(long)]
    pub all: bool,

    /// Only households of this grid (repeat or separate by commas for several).
    #[arg(long, value_name = "G", value_delimiter = ',')]
    pub grid: Vec<String>,

    /// Only households of this building.
    #[arg(long, value_name = "B", value_delimiter = ',')]
    pub building: Vec<String>,

    /// Only households whose worker in charge is V (the roster's visitor /
    /// 负责人 column).
    #[arg(long, value_name = "V", value_delimiter = ',')]
    pub visitor: Vec<String>,

    /// Only households of this level: red, orange, yellow, green, 1–4 or 红/橙/黄/绿.
    #[arg(long, value_name = "L", value_delimiter = ',')]
    pub level: Vec<String>,

    /// Order of the list: by deadline (most urgent first), or by address
    /// for a walking order (grid, building, unit, room; numbers as numbers).
    #[arg(long, value_enum, default_value = "deadline")]
    pub sort: Sort,

    /// Exit with status 1 when any listed household is overdue (for cron).
    #[arg(long)]
    pub exit_code: bool,

    /// Show residents' names and phone numbers in full in the table.
    #[arg(long)]
    pub reveal: bool,

    /// Print nothing (and draw no progress) unless a listed household is
    /// overdue; the exit status is unchanged. For cron, which mails only
    /// what a job prints.
    #[arg(short, long)]
    pub quiet: bool,

    /// Only households carrying this special group (tags, 重点人群) on the
    /// as-of date; repeat for any of several.
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,

    /// Write the list to FILE, whole (for a scheduled task); its extension
    /// picks the format unless --format is given (.txt, .csv, .json, and
    /// .md or .html for the round sheet). A csv file starts with a BOM, so
    /// that Excel and WPS open it as UTF-8. Written whatever is overdue;
    /// --quiet then prints nothing.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Across communities (--data A --data B …, or --data DIR whose
    /// sub-directories hold a community each): list the communities whose
    /// data is valid and name on stderr those left out, instead of refusing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Visit logs: .csv (UTF-8 or GBK), .json (an array of objects, or one
    /// object per line), .xlsx/.xls/.ods (the first sheet, or --sheet). A
    /// pattern the shell found no file for (inbox/*.csv of an empty inbox)
    /// is nothing to import.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Check everything and show the summary and the rejects, but write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Read the column headed SOURCE as FIELD (date, household, resident,
    /// visitor, kind, note, persons), e.g. --map 走访时间=date. Repeatable;
    /// comes before [import.columns] in rounds.toml.
    #[arg(long, value_name = "SOURCE=FIELD")]
    pub map: Vec<String>,

    /// The sheet of a workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Also list every row skipped as a repeat.
    #[arg(short, long)]
    pub verbose: bool,

    /// Once the good rows are stored, move each log into DIR (made if
    /// missing), never over a file there (a second day.csv becomes
    /// day-2.csv): an inbox that cron imports holds only what is new.
    #[arg(long, value_name = "DIR")]
    pub move_to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// The resident whose roster row changes (their id).
    #[arg(required_unless_present = "record")]
    pub id: Option<String>,

    /// The new attention level: red, orange, yellow, green, 1–4 or 红/橙/黄/绿.
    #[arg(long, value_name = "L")]
    pub level: Option<String>,

    /// The new worker in charge.
    #[arg(long, value_name = "V")]
    pub visitor: Option<String>,

    /// The household the resident now belongs to (empty: a household of one).
    #[arg(long, value_name = "H")]
    pub household: Option<String>,

    /// The new grid.
    #[arg(long, value_name = "G")]
    pub grid: Option<String>,

    /// The new building.
    #[arg(long, value_name = "B")]
    pub building: Option<String>,

    /// The new unit.
    #[arg(long, value_name = "U")]
    pub unit: Option<String>,

    /// The new room.
    #[arg(long, value_name = "R")]
    pub room: Option<String>,

    /// The new tags (重点人群), separated by `;`.
    #[arg(long, value_name = "T")]
    pub tags: Option<String>,

    /// The new registration date (empty to clear it).
    #[arg(long, value_name = "D")]
    pub since: Option<String>,

    /// The day the resident moved out or died (empty to clear it).
    #[arg(long, value_name = "D")]
    pub until: Option<String>,

    /// The day the change takes effect (default: --today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Why it changed (原因), kept in history.csv.
    #[arg(long, value_name = "R")]
    pub reason: Option<String>,

    /// Who made the change (经办人), kept in history.csv.
    #[arg(long, value_name = "B")]
    pub by: Option<String>,

    /// Record every tracked field edited in the roster by hand since rounds
    /// last saw it, dated --date (default: the day the roster was last modified).
    #[arg(long, conflicts_with_all = [
        "id", "level", "visitor", "household", "grid", "building", "unit", "room",
        "tags", "since", "until", "reason", "by",
    ])]
    pub record: bool,
}

#[derive(Debug, Args)]
pub struct VisitArgs {
    /// The household visited (a household id, or a resident's id).
    pub household: String,

    /// The day of the visit (default: --today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Who visited (default: the household's worker in charge).
    #[arg(long, value_name = "NAME")]
    pub visitor: Option<String>,

    /// How: 入户 (home visit), 电话 (phone), 视频 (video) …
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// What was found or done.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// How many residents were met.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub persons: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("span").args(["month", "quarter", "half", "year"])))]
pub struct ReportArgs {
    /// The month to report, as YYYY-MM (default: the month of --today). A
    /// report is as of the span's last day, or today if that is earlier.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,

    /// A quarter instead, as YYYY-Qn (2020-Q2).
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,

    /// A half-year instead, as YYYY-Hn (2020-H1).
    #[arg(long, value_name = "YYYY-Hn")]
    pub half: Option<String>,

    /// A whole year instead, as YYYY.
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,

    /// Write the report to FILE; its extension picks the format unless
    /// --format is given (.txt, .json, .csv, .md, .html, .xlsx).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With csv: the one section to write (summary, grids, workers, overdue,
    /// trend; needs, need-grids and need-workers with a needs ledger; branch and
    /// party-group with a workers.csv naming them; tags when residents carry special
    /// groups; community in a roll-up of several). Without it, -o FILE.csv writes one
    /// file per section.
    #[arg(long, value_enum, value_name = "NAME")]
    pub section: Option<Section>,

    /// Show residents' names in the overdue list, and phone and ID numbers
    /// written into a worker's name (a visit's visitor, the worker in
    /// charge), in full (masked otherwise, in every format).
    #[arg(long)]
    pub reveal: bool,

    /// Only households carrying this special group (tags, 重点人群) on the
    /// day counted: every figure of the report; repeat for any of several.
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,

    /// A district's roll-up (--data A --data B …, or --data DIR whose
    /// sub-directories hold a community each): report the communities whose
    /// data is valid and name on stderr (and in the json, `skipped`) those
    /// left out, instead of refusing the whole roll-up.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Treat warnings as errors (exit non-zero on any problem).
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the data directory (default: --data, else the current directory).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HouseholdsArgs {
    /// Only households of this grid (repeat or separate by commas for several).
    #[arg(long, value_name = "G", value_delimiter = ',')]
    pub grid: Vec<String>,

    /// Only households of this building.
    #[arg(long, value_name = "B", value_delimiter = ',')]
    pub building: Vec<String>,

    /// Only households whose worker in charge is V (the roster's visitor /
    /// 负责人 column).
    #[arg(long, value_name = "V", value_delimiter = ',')]
    pub visitor: Vec<String>,

    /// Only households of this level: red, orange, yellow, green, 1–4 or 红/橙/黄/绿.
    #[arg(long, value_name = "L", value_delimiter = ',')]
    pub level: Vec<String>,

    /// Also list households with no active resident (moved out), and
    /// residents who are not active on the as-of date.
    #[arg(long)]
    pub all: bool,

    /// Show residents' names and phone numbers in full.
    #[arg(long)]
    pub reveal: bool,

    /// Only households carrying this special group (tags, 重点人群) on the
    /// as-of date; repeat for any of several.
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The household (a household id, or a resident's id).
    pub household: String,

    /// Show residents' names and phone numbers in full, and phone and ID
    /// numbers written into a visit's note, kind or visitor (masked
    /// otherwise, in every format).
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell (or elvish).
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The language to speak before rounds.toml has been read.
pub fn early_lang(cli: &Cli) -> Lang {
    cli.lang.unwrap_or_else(Lang::from_env)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command of `cmd`'s tree, with its path ("need add").
    fn walk<'a>(cmd: &'a clap::Command, path: String, out: &mut Vec<(String, &'a clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name()).trim().to_string();
            walk(sub, sub_path, out);
        }
        out.push((path, cmd));
    }

    fn text(s: Option<&clap::builder::StyledStr>) -> String {
        s.map(|s| s.to_string()).unwrap_or_default()
    }

    /// A flag added without its Chinese help fails here: every visible
    /// argument and command of every subcommand has words of its own in
    /// Chinese, and they name what clap's hidden notes said (the
    /// default, the possible values, the environment variable).
    #[test]
    fn every_argument_and_command_has_its_chinese_help() {
        let zh = Cli::command_in(Lang::Zh);
        let mut en = Cli::command_in(Lang::En);
        en.build();
        let (mut zh_cmds, mut en_cmds) = (Vec::new(), Vec::new());
        walk(&zh, String::new(), &mut zh_cmds);
        walk(&en, String::new(), &mut en_cmds);
        assert!(zh_cmds.len() > 20, "{} commands", zh_cmds.len());
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let mut missing = Vec::new();
        for (path, cmd) in &zh_cmds {
            if !chinese(&text(cmd.get_about())) {
                missing.push(format!("about of `{path}`"));
            }
            let en_cmd = en_cmds.iter().find(|(p, _)| p == path).map(|(_, c)| *c);
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let id = arg.get_id().as_str();
                let help = text(arg.get_help());
                let english = en_cmd
                    .and_then(|c| c.get_arguments().find(|a| a.get_id() == arg.get_id()))
                    .map(|a| text(a.get_help()));
                if !chinese(&help) || english.as_deref() == Some(help.as_str()) {
                    missing.push(format!("`{path}` {id}: {help:?}"));
                    continue;
                }
                if arg.get_long_help().is_some() {
                    missing.push(format!("`{path}` {id}: an English long help"));
                }
                if !arg.get_action().takes_values() {
                    continue;
                }
                let mut named: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                named.extend(
                    arg.get_default_values()
                        .iter()
                        .map(|v| v.to_string_lossy().into_owned()),
                );
                named.extend(arg.get_env().map(|v| v.to_string_lossy().into_owned()));
                for word in named {
                    if !help.contains(&word) {
                        missing.push(format!("`{path}` {id}: does not name {word}"));
                    }
                }
            }
        }
        assert!(chinese(&text(zh.get_after_help())));
        assert!(
            missing.is_empty(),
            "without Chinese help:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn english_help_keeps_the_doc_comments() {
        use clap::CommandFactory;
        let en = Cli::command_in(Lang::En);
        let plain = Cli::command();
        assert_eq!(en.get_about(), plain.get_about());
        let due = en.find_subcommand("due").unwrap();
        let help = due
            .get_arguments()
            .find(|a| a.get_id() == "exit_code")
            .and_then(|a| a.get_help())
            .map(|h| h.to_string());
        assert_eq!(
            help.as_deref(),
            Some("Exit with status 1 when any listed household is overdue (for cron)")
        );
    }
}

#[derive(Debug, Args)]
pub struct WorkersArgs {
    /// Only workers of this party branch (党支部; repeat or separate by commas for several).
    #[arg(long, value_name = "B", value_delimiter = ',')]
    pub branch: Vec<String>,

    /// Only workers of this party group (党小组; repeat or separate by commas for several).
    #[arg(long = "party-group", value_name = "G", value_delimiter = ',')]
    pub party_group: Vec<String>,

    /// Show workers' phone numbers in full.
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The directory of the tables: DIR/<table>/export_date=<date>/<community>.parquet.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write residents' names, phone and ID numbers (the file is then
    /// owner-only), and phone and ID numbers typed into the visits', needs' and
    /// changes' texts (masked otherwise).
    #[arg(long)]
    pub reveal: bool,

    /// Across communities (--data A --data B …, or --data DIR whose
    /// sub-directories hold a community each): export the communities whose
    /// data is valid and name on stderr those left out, instead of refusing.
    #[arg(long)]
    pub skip_invalid: bool,
}
