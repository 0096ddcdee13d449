//! clap in the user's language: the help of every command and argument
//! and clap's own headings, from the words of the language's file; and
//! clap's errors taken apart into the values a language words. Which
//! words, and whether a language has its own, is the catalog's.

use super::Lang;

/// Ends the process over a command line clap refused. `--help` and
/// `--version` go to stdout with status 0, as clap prints them; an error
/// goes to stderr with status 2, in `lang` if the language has the words.
pub(crate) fn exit_in(lang: Lang, error: &clap::Error) -> ! {
    use clap::error::ErrorKind;
    let text = match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => None,
        _ => clap_error(error).and_then(|e| lang.clap_error(&e)),
    };
    match text {
        Some(text) => {
            eprint!("{text}");
            std::process::exit(2)
        }
        None => error.exit(),
    }
}

/// The values of clap's error, for the languages to word; `None` for an
/// error clap gave no context (clap's English then stays).
pub fn clap_error(error: &clap::Error) -> Option<super::ClapError> {
    use super::{ClapError, ClapProblem as P, Similar, SimilarKind};
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    let string = |kind| match error.get(kind) {
        Some(V::String(s)) => Some(s.clone()),
        _ => None,
    };
    let strings = |kind| match error.get(kind) {
        Some(V::Strings(v)) => v.clone(),
        Some(V::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let number = |kind| match error.get(kind) {
        Some(V::Number(n)) => usize::try_from(*n).ok(),
        _ => None,
    };
    let arg = string(K::InvalidArg);
    let value = string(K::InvalidValue);
    let problem = match error.kind() {
        ErrorKind::UnknownArgument => P::UnknownArgument(arg?),
        ErrorKind::InvalidSubcommand => P::UnknownSubcommand(string(K::InvalidSubcommand)?),
        ErrorKind::InvalidValue => match value? {
            v if v.is_empty() => P::MissingValue {
                arg: arg?,
                possible: strings(K::ValidValue),
            },
            value => P::InvalidValue {
                arg: arg?,
                value,
                possible: strings(K::ValidValue),
            },
        },
        ErrorKind::ValueValidation => {
            use std::error::Error as _;
            use std::num::IntErrorKind;
            let source = error.source();
            let number = source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>());
            // A whole number out of the range of the argument's type: clap
            // says only in its own words ("… is not in 0..=4294967295").
            let out_of_range = source.is_some_and(|s| s.to_string().contains(" is not in "));
            match number {
                Some(n) => P::NotANumber {
                    arg: arg?,
                    value: value?,
                    too_large: *n.kind() == IntErrorKind::PosOverflow,
                },
                None if out_of_range => P::NotANumber {
                    arg: arg?,
                    value: value?,
                    too_large: true,
                },
                None => P::BadValue {
                    arg: arg?,
                    value: value?,
                },
            }
        }
        ErrorKind::MissingRequiredArgument => P::MissingArguments(strings(K::InvalidArg)),
        ErrorKind::MissingSubcommand => P::MissingSubcommand {
            command: string(K::InvalidSubcommand)?,
            subcommands: strings(K::ValidSubcommand),
        },
        ErrorKind::ArgumentConflict => {
            let arg = arg.or_else(|| string(K::InvalidSubcommand))?;
            let with = strings(K::PriorArg);
            if with == [arg.clone()] {
                P::Repeated(arg)
            } else {
                P::Conflict { arg, with }
            }
        }
        ErrorKind::NoEquals => P::NoEquals(arg?),
        ErrorKind::TooManyValues => P::UnexpectedValue {
            arg: arg?,
            value: value?,
        },
        ErrorKind::TooFewValues => P::ValueCount {
            arg: arg?,
            expected: number(K::MinValues)?,
            actual: number(K::ActualNumValues)?,
            at_least: true,
        },
        ErrorKind::WrongNumberOfValues => P::ValueCount {
            arg: arg?,
            expected: number(K::ExpectedNumValues)?,
            actual: number(K::ActualNumValues)?,
            at_least: false,
        },
        ErrorKind::InvalidUtf8 => P::InvalidUtf8,
        _ => return None,
    };
    let similar = [
        (K::SuggestedSubcommand, SimilarKind::Subcommand),
        (K::SuggestedArg, SimilarKind::Argument),
        (K::SuggestedValue, SimilarKind::Value),
    ]
    .into_iter()
    .map(|(k, kind)| Similar {
        kind,
        names: strings(k),
    })
    .find(|s| !s.names.is_empty());
    let tips = match error.get(K::Suggested) {
        Some(V::StyledStrs(tips)) => tips.iter().map(|t| clap_tip(&t.to_string())).collect(),
        _ => Vec::new(),
    };
    let usage = match error.get(K::Usage) {
        Some(V::StyledStr(u)) => {
            let u = u.to_string();
            Some(u.strip_prefix("Usage:").unwrap_or(&u).trim().to_string())
        }
        _ => None,
    };
    Some(ClapError {
        problem,
        similar,
        tips,
        usage,
    })
}

/// One of clap's tips, which clap words in English only: the names in
/// its quotes, by the shape of its sentence. A tip of another shape keeps
/// clap's words rather than be lost.
fn clap_tip(tip: &str) -> super::ClapTip {
    use super::ClapTip;
    let quoted: Vec<&str> = tip.split('\'').skip(1).step_by(2).collect();
    if tip.starts_with("to pass ") && quoted.len() == 2 {
        ClapTip::AsValue {
            value: quoted[0].to_string(),
            fix: quoted[1].to_string(),
        }
    } else if tip.starts_with("subcommand ") && tip.contains("remove the") && !quoted.is_empty() {
        ClapTip::RemoveDashes(quoted[0].to_string())
    } else if tip.ends_with(" exists") && quoted.len() == 1 {
        ClapTip::Exists(quoted[0].to_string())
    } else {
        ClapTip::Other(tip.to_string())
    }
}

/// Gives `cmd` (at `path`: "need add", "" for rounds) and its subcommands
/// the words of `lang`. The copies of the commands under `help` (`rounds
/// help need add`) take the words of the commands they copy.
pub(crate) fn localize(cmd: &mut clap::Command, path: &str, in_help: bool, lang: Lang) {
    let mut c = std::mem::replace(cmd, clap::Command::new(""));
    let words = lang.help_words();
    let is_help = in_help && c.get_name() == "help";
    if let Some(about) = match words {
        Some(w) if is_help => Some(w.help_command),
        _ => lang.help(path),
    } {
        c = c.about(about).long_about(None);
    }
    if let Some(words) = words {
        if path.is_empty() && !in_help {
            c = c.after_help(words.after_help).after_long_help(None);
        }
        c = c.mut_args(|a| {
            let text = match a.get_id().as_str() {
                "help" if a.get_long() == Some("help") => words.print_help,
                "version" if a.get_long() == Some("version") => words.print_version,
                "subcommand" if is_help => words.help_command_arg,
                id => match lang.arg_help(path, id) {
                    // The text names the default, the values and the
                    // variable, in the language.
                    Some(text) => {
                        return a
                            .help(text)
                            .long_help(None)
                            .hide_default_value(true)
                            .hide_possible_values(true)
                            .hide_env(true);
                    }
                    None => return a,
                },
            };
            a.help(text).long_help(None)
        });
        let template = help_template(&c, words);
        c = c.help_template(template);
    }
    let names: Vec<String> = c
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_in_help = in_help || name == "help";
        let sub_path = match (sub_in_help && name == "help", path.is_empty()) {
            (true, _) => path.to_string(),
            (false, true) => name.clone(),
            (false, false) => format!("{path} {name}"),
        };
        if let Some(sub) = c.find_subcommand_mut(&name) {
            localize(sub, &sub_path, sub_in_help, lang);
        }
    }
    *cmd = c;
}

/// clap's help layout, with the headings in the language: only the
/// sections the command has.
fn help_template(cmd: &clap::Command, words: &super::HelpWords) -> clap::builder::StyledStr {
    use std::fmt::Write;
    let styles = cmd.get_styles();
    let (h, u) = (styles.get_header(), styles.get_usage());
    let mut t = clap::builder::StyledStr::new();
    let _ = write!(
        t,
        "{{before-help}}{{about-with-newline}}\n{u}{}{u:#}{{usage}}",
        words.usage
    );
    let visible = |positional: bool| {
        cmd.get_arguments()
            .any(|a| a.is_positional() == positional && !a.is_hide_set())
    };
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        let _ = write!(t, "\n\n{h}{}{h:#}\n{{subcommands}}", words.commands);
    }
    if visible(true) {
        let _ = write!(t, "\n\n{h}{}{h:#}\n{{positionals}}", words.arguments);
    }
    if visible(false) {
        let _ = write!(t, "\n\n{h}{}{h:#}\n{{options}}", words.options);
    }
    t.push_str("{after-help}");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_tips_by_their_shape() {
        use crate::i18n::ClapTip;
        assert_eq!(
            clap_tip("to pass '--foo' as a value, use '-- --foo'"),
            ClapTip::AsValue {
                value: "--foo".into(),
                fix: "-- --foo".into()
            }
        );
        assert_eq!(
            clap_tip("'due --within' exists"),
            ClapTip::Exists("due --within".into())
        );
        assert_eq!(
            clap_tip("subcommand 'due' exists; to use it, remove the '--' before it"),
            ClapTip::RemoveDashes("due".into())
        );
        assert_eq!(
            clap_tip("something new"),
            ClapTip::Other("something new".into())
        );
    }
}
