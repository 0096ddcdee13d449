//! `rounds.toml`: the optional settings of a data directory. Unknown keys
//! are errors that name the key and the line, so a typo never silently
//! changes the rules.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::data::headers;
use crate::error::{FieldName, Problem, Reason};
use crate::i18n::Lang;
use crate::model::Level;
use crate::schedule::{Cadence, Interval, Period, Policy, Rules};

pub const FILE: &str = "rounds.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    /// The community's name, for report titles.
    name: Option<String>,
    policy: Option<Policy>,
    window: Option<u32>,
    lang: Option<Lang>,
    /// The day the community began keeping its visits here (rule 4c): a
    /// TOML date or a date in any accepted form.
    start: Option<toml::Value>,
    #[serde(default)]
    levels: BTreeMap<String, String>,
    #[serde(default)]
    import: RawImport,
    #[serde(default)]
    needs: RawNeeds,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeeds {
    /// The categories a need may have, in the order reports list them.
    categories: Option<Vec<String>>,
    /// Days after which an unresolved need is flagged in `due`.
    flag_after_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImport {
    /// Header of a log -> the field it holds, e.g. "走访时间" = "date".
    #[serde(default)]
    columns: BTreeMap<String, String>,
}

/// The settings in force from `rounds.toml` (defaults where it is silent).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The community's name (report titles).
    pub name: Option<String>,
    pub rules: Rules,
    /// The `due` window in days (`--within` overrides it).
    pub window: Option<u32>,
    pub lang: Option<Lang>,
    /// Extra header names of imported logs (`[import.columns]`).
    pub import_columns: Vec<(String, FieldName)>,
    /// Whether the file existed.
    pub present: bool,
    /// `[needs]`: the categories of the needs ledger and the age at which
    /// an unresolved need is flagged.
    pub needs: NeedsConfig,
    /// The text of the file, for telling the line a setting came from.
    pub text: Option<String>,
}

/// The settings of the needs ledger (`[needs]` in rounds.toml).
#[derive(Debug, Clone)]
pub struct NeedsConfig {
    /// The categories a need may have; the last one is the default.
    pub categories: Vec<String>,
    /// An unresolved need older than this many days is flagged.
    pub flag_after_days: u32,
}

impl Default for NeedsConfig {
    fn default() -> Self {
        NeedsConfig {
            categories: crate::model::need::DEFAULT_CATEGORIES
                .iter()
                .map(|c| c.to_string())
                .collect(),
            flag_after_days: crate::model::need::DEFAULT_FLAG_AFTER_DAYS,
        }
    }
}

impl NeedsConfig {
    /// The category a need gets when none is given.
    pub fn default_category(&self) -> &str {
        self.categories.last().map_or("", String::as_str)
    }
}

impl Config {
    /// Reads `dir/rounds.toml`; a missing file gives the defaults.
    pub fn load(dir: &Path) -> Result<Config, Problem> {
        let path = dir.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                let e = crate::error::plainly(&path, e);
                let reason = Reason::ConfigUnreadable {
                    kind: e.kind(),
                    message: e.to_string(),
                };
                return Err(Problem::error(&path, None, reason));
            }
        };
        let text = match crate::data::decode::decode_all(&text) {
            Ok((t, _)) => t,
            Err(e) => return Err(Problem::error(&path, Some(e.line), e.reason())),
        };
        Config::parse(&text).map_err(|(line, reason)| Problem::error(&path, line, reason))
    }

    /// Parses the text of a `rounds.toml`; errors carry the line.
    pub fn parse(text: &str) -> Result<Config, (Option<u64>, Reason)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
            (line, toml_reason(line, e.message().trim()))
        })?;
        let mut rules = Rules {
            policy: raw.policy.unwrap_or_default(),
            ..Rules::default()
        };
        for (key, value) in &raw.levels {
            let line = line_of_key(text, key);
            let level = Level::parse(key).ok_or_else(|| {
                (
                    line,
                    Reason::ConfigNotALevel {
                        key: key.clone(),
                        suggestion: crate::model::suggest_level(key),
                    },
                )
            })?;
            let cadence = parse_cadence(value, rules.policy).map_err(|r| (line, r))?;
            rules.cadence[level.index()] = cadence;
        }
        if let Some(value) = &raw.start {
            let line = line_of_key(text, "start");
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) => d.to_string(),
                other => other.to_string(),
            };
            let day = crate::model::date::parse(&text).map_err(|why| {
                (
                    line,
                    Reason::BadDate {
                        field: "start",
                        value: text.clone(),
                        why,
                    },
                )
            })?;
            rules.start = Some(day);
        }
        let mut import_columns = Vec::new();
        for (header, field) in &raw.import.columns {
            let line = line_of_key(text, header);
            let field = import_field(field).map_err(|_| {
                (
                    line,
                    Reason::ConfigImportField {
                        name: field.clone(),
                        fields: headers::IMPORT.fields.iter().map(|f| f.name).collect(),
                    },
                )
            })?;
            import_columns.push((header.clone(), field));
        }
        let mut needs = NeedsConfig::default();
        if let Some(categories) = raw.needs.categories {
            let line = line_of_key(text, "categories");
            let categories: Vec<String> = categories.iter().map(|c| c.trim().to_string()).collect();
            if categories.is_empty() || categories.iter().any(String::is_empty) {
                return Err((line, Reason::ConfigCategoriesEmpty));
            }
            if let Some(dup) = categories
                .iter()
                .enumerate()
                .find(|(i, c)| categories[..*i].contains(c))
            {
                return Err((line, Reason::ConfigCategoryTwice(dup.1.clone())));
            }
            needs.categories = categories;
        }
        if let Some(days) = raw.needs.flag_after_days {
            needs.flag_after_days = days;
        }
        Ok(Config {
            name: raw.name.filter(|n| !n.trim().is_empty()),
            rules,
            window: raw.window,
            lang: raw.lang,
            import_columns,
            present: true,
            needs,
            text: Some(text.to_string()),
        })
    }
}

/// toml's message as a reason: an unknown key (toml says "unknown field
/// `windw`, expected one of `name`, `policy` …") gets the nearest known
/// key, a word that is not one of a setting's ("unknown variant `fr`,
/// expected `en` or `zh`") the words it takes; anything else is toml's
/// own words at the line.
fn toml_reason(line: Option<u64>, message: &str) -> Reason {
    let quoted: Vec<String> = message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    match quoted.split_first() {
        Some((key, expected)) if message.starts_with("unknown field") => {
            let suggestion = expected
                .iter()
                .map(|k| (strsim::osa_distance(key, k), k))
                .filter(|(d, k)| *d <= (k.chars().count() / 2).max(1))
                .min_by_key(|(d, _)| *d)
                .map(|(_, k)| k.clone());
            Reason::ConfigUnknownKey {
                key: key.clone(),
                suggestion,
                expected: expected.to_vec(),
            }
        }
        Some((value, expected)) if message.starts_with("unknown variant") => {
            Reason::ConfigBadChoice {
                value: value.clone(),
                expected: expected.to_vec(),
            }
        }
        _ => Reason::ConfigSyntax {
            line,
            message: message.to_string(),
        },
    }
}

/// The field of an imported log that `name` (a field or one of its
/// aliases) means.
pub fn import_field(name: &str) -> Result<FieldName, String> {
    headers::field_of(&headers::IMPORT, name).ok_or_else(|| {
        let names: Vec<&str> = headers::IMPORT.fields.iter().map(|f| f.name).collect();
        format!(
            "'{name}' is not a field of a visit log (use one of {})",
            names.join(", ")
        )
    })
}

/// The line of `key` in the table `section` (`None`: the top level) of a
/// rounds.toml text, for telling where a setting came from.
pub fn key_line(text: &str, section: Option<&str>, key: &str) -> Option<u64> {
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            current = Some(name.trim().to_string());
            continue;
        }
        let Some((k, _)) = l.split_once('=') else {
            continue;
        };
        let k = k.trim().trim_matches('"').trim_matches('\'');
        if k == key && current.as_deref() == section {
            return Some(i as u64 + 1);
        }
    }
    None
}

fn line_of_key(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) || l.starts_with(&format!("\"{key}\""))
        })
        .map(|i| i as u64 + 1)
}

/// A level's cadence: a calendar period (`week`, `month`, `quarter`,
/// `half-year`, `year`, or 周/月/季度/半年/年), or under the rolling policy
/// also an interval such as `30 days`, `2 weeks` or `2 months`.
pub fn parse_cadence(value: &str, policy: Policy) -> Result<Cadence, Reason> {
    let v = value.trim().to_ascii_lowercase();
    let period = match v.as_str() {
        "week" | "weekly" | "周" | "每周" => Some(Period::Week),
        "month" | "monthly" | "月" | "每月" => Some(Period::Month),
        "quarter" | "quarterly" | "季度" | "每季度" => Some(Period::Quarter),
        "half-year" | "half" | "halfyear" | "half-yearly" | "半年" | "每半年" => {
            Some(Period::HalfYear)
        }
        "year" | "yearly" | "年" | "每年" => Some(Period::Year),
        _ => None,
    };
    if let Some(p) = period {
        return Ok(Cadence::of_period(p));
    }
    let interval = parse_interval(&v).ok_or_else(|| Reason::ConfigBadCadence {
        value: value.to_string(),
        rolling_only: false,
    })?;
    match policy {
        Policy::Rolling => {
            // The calendar period stays the level's default-sized one that
            // best matches, for reports that count calendar periods.
            let period = match interval {
                Interval::Days(n) if n <= 7 => Period::Week,
                Interval::Days(n) if n <= 31 => Period::Month,
                Interval::Days(n) if n <= 92 => Period::Quarter,
                Interval::Days(n) if n <= 184 => Period::HalfYear,
                Interval::Days(_) => Period::Year,
                Interval::Months(n) if n <= 1 => Period::Month,
                Interval::Months(n) if n <= 3 => Period::Quarter,
                Interval::Months(n) if n <= 6 => Period::HalfYear,
                Interval::Months(_) => Period::Year,
            };
            Ok(Cadence { period, interval })
        }
        Policy::Calendar => Err(Reason::ConfigBadCadence {
            value: value.to_string(),
            rolling_only: true,
        }),
    }
}

fn parse_interval(v: &str) -> Option<Interval> {
    let (n, unit) = v.split_once(char::is_whitespace)?;
    let n: u32 = n.parse().ok().filter(|n| (1..=3660).contains(n))?;
    match unit.trim() {
        "day" | "days" | "天" => Some(Interval::Days(n)),
        "week" | "weeks" | "周" => Some(Interval::Days(n.checked_mul(7)?)),
        "month" | "months" | "个月" | "月" => Some(Interval::Months(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::parse(
            "# comment\npolicy = \"rolling\"\nwindow = 3\n[levels]\nyellow = \"month\"\n",
        )
        .unwrap();
        assert_eq!(c.rules.policy, Policy::Rolling);
        assert_eq!(c.window, Some(3));
        assert_eq!(c.rules.period(Level::Yellow), Period::Month);
        assert_eq!(c.rules.cadence(Level::Yellow).interval, Interval::Months(1));
        assert_eq!(c.rules.period(Level::Red), Period::Week);
        let c = Config::parse("policy = \"rolling\"\n[levels]\n\"红\" = \"10 days\"\n").unwrap();
        assert_eq!(c.rules.cadence(Level::Red).interval, Interval::Days(10));
    }

    #[test]
    fn import_columns() {
        let c = Config::parse("[import.columns]\n\"走访时间\" = \"date\"\n\"门牌\" = \"户号\"\n")
            .unwrap();
        assert_eq!(
            c.import_columns,
            vec![
                ("走访时间".to_string(), "date"),
                ("门牌".to_string(), "household")
            ]
        );
        let (line, reason) = Config::parse("[import.columns]\n\"x\" = \"when\"\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(
            matches!(&reason, Reason::ConfigImportField { name, .. } if name == "when"),
            "{reason:?}"
        );
    }

    #[test]
    fn key_lines() {
        let text = "# c\nlang = \"zh\"\n[levels]\n\"红\" = \"week\"\nlang = 1\n";
        assert_eq!(key_line(text, None, "lang"), Some(2));
        assert_eq!(key_line(text, Some("levels"), "红"), Some(4));
        assert_eq!(key_line(text, Some("levels"), "lang"), Some(5));
        assert_eq!(key_line(text, None, "window"), None);
    }

    #[test]
    fn errors_name_the_line() {
        let (line, reason) = Config::parse("policy = \"calendar\"\npolicey = 1\n").unwrap_err();
        assert_eq!(line, Some(2));
        match reason {
            Reason::ConfigUnknownKey {
                key, suggestion, ..
            } => assert_eq!(
                (key.as_str(), suggestion.as_deref()),
                ("policey", Some("policy"))
            ),
            other => panic!("{other:?}"),
        }
        let (line, reason) = Config::parse("[levels]\nyellow = \"30 days\"\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert_eq!(
            reason,
            Reason::ConfigBadCadence {
                value: "30 days".into(),
                rolling_only: true
            }
        );
        let (line, reason) = Config::parse("[levels]\nyelow = \"month\"\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert_eq!(
            reason,
            Reason::ConfigNotALevel {
                key: "yelow".into(),
                suggestion: Some("yellow".into())
            }
        );
        let (line, _) = Config::parse("policy = \"weekly\"\n").unwrap_err();
        assert_eq!(line, Some(1));
        let (line, msg) =
            Config::parse("[needs]\ncategories = [\"a\"]\nflag_after = 3\n").unwrap_err();
        assert_eq!(line, Some(3));
        assert!(
            matches!(&msg, Reason::ConfigUnknownKey { key, .. } if key == "flag_after"),
            "{msg:?}"
        );
    }

    #[test]
    fn needs_settings() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.needs.categories.len(), 6);
        assert_eq!(c.needs.default_category(), "其他");
        assert_eq!(c.needs.flag_after_days, 30);
        let c = Config::parse("[needs]\ncategories = [\"水电\", \"其它\"]\nflag_after_days = 14\n")
            .unwrap();
        assert_eq!(c.needs.categories, ["水电", "其它"]);
        assert_eq!(c.needs.flag_after_days, 14);
        let (line, _) = Config::parse("[needs]\ncategories = [\"a\", \"a\"]\n").unwrap_err();
        assert_eq!(line, Some(2));
        // The [needs] lines of the rounds.toml `init` writes, uncommented.
        for template in [crate::cmd::init::TOML_ZH, crate::cmd::init::TOML_EN] {
            let needs = &template[template.find("# [needs]").unwrap()..];
            let c = Config::parse(&needs.replace("# ", "")).unwrap();
            assert_eq!(c.needs.categories, Config::default().needs.categories);
            assert_eq!(c.needs.flag_after_days, 30);
        }
    }
}
