//! clap's help fitted to the terminal. clap wraps help only at spaces,
//! and Chinese has none: a line it leaves wider than the terminal has its
//! help text broken again as free text is in a table (`fit::lines`:
//! between Chinese characters, never before a closing mark or inside a
//! word), each further line starting at the column the help text starts.

use std::io::{IsTerminal, Write};

use super::fit::{Wrap, lines};
use crate::i18n::{Lang, command_line};
use crate::settings::ColorChoice;

/// The width help is laid out in: `COLUMNS`, else the terminal's (help
/// piped to `less` or `head` keeps it), else clap's own 100. clap is told
/// it (`Command::term_width`) and `fit` keeps to it.
pub fn width() -> usize {
    crate::settings::table_width(false)
        .map(usize::from)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .filter(|&w| w > 0)
        .unwrap_or(100)
}

/// Whether help is coloured, as clap decides it: `NO_COLOR`, then
/// `CLICOLOR_FORCE`, then `CLICOLOR=0`, then a terminal that reads colour
/// codes (not `TERM=dumb`).
fn colour(terminal: bool) -> bool {
    use anstyle_query as query;
    let clicolor = query::clicolor();
    if query::no_color() {
        false
    } else if query::clicolor_force() {
        true
    } else if clicolor == Some(false) {
        false
    } else {
        let reads = query::term_supports_color() || clicolor == Some(true) || query::is_ci();
        ColorChoice::Auto.enabled(terminal && reads, false)
    }
}

/// Ends the process over a command line clap refused: help goes out
/// fitted to the terminal (on stdout with status 0, or on stderr with
/// status 2 for a command given without its subcommand); anything else
/// as `command_line::exit_in` says it.
pub fn exit(lang: Lang, error: &clap::Error) -> ! {
    use clap::error::ErrorKind;
    if !matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        command_line::exit_in(lang, error)
    }
    let on_stderr = error.use_stderr();
    let terminal = if on_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let help = error.render();
    let help = if colour(terminal) {
        help.ansi().to_string()
    } else {
        help.to_string()
    };
    let help = fit(&help, width());
    // A closed pipe (`rounds --help | head`) is no failure.
    let _ = if on_stderr {
        let mut err = std::io::stderr().lock();
        err.write_all(help.as_bytes()).and_then(|()| err.flush())
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(help.as_bytes()).and_then(|()| out.flush())
    };
    std::process::exit(error.exit_code())
}

/// `help` (as clap renders it, colour codes and all) with its lines
/// fitted to `width` columns where their help text can break.
fn fit(help: &str, width: usize) -> String {
    let mut fitted: Vec<String> = Vec::new();
    let mut lines = help.split('\n').peekable();
    while let Some(line) = lines.next() {
        // The lines clap broke a help text into at spaces: each goes on at
        // the text's column with a word that did not fit on the line
        // before, as clap measures (a character a column: clap's `unicode`
        // feature is off). Taken as one text when one of them is too wide,
        // so that it is broken anew as a whole.
        let column = shown_width(&line[..help_start(line)]);
        let mut group = vec![line];
        while let Some(&next) = lines.peek() {
            let text = next.trim_start_matches(' ');
            let word = text.split(' ').next().unwrap_or("");
            let before = shown(group.last().expect("a line")).chars().count();
            if next.len() - text.len() != column
                || word.is_empty()
                || next.contains('\u{1b}')
                || before + 1 + word.chars().count() <= width
            {
                break;
            }
            group.push(next);
            lines.next();
        }
        let whole: Vec<&str> = (group.iter().enumerate())
            .map(|(i, l)| {
                if i == 0 {
                    *l
                } else {
                    l.trim_start_matches(' ')
                }
            })
            .collect();
        match group.iter().any(|l| shown_width(l) > width) {
            true => match fit_line(&whole.join(" "), width) {
                Some(line) => fitted.push(line),
                None => fitted.extend(group.iter().map(|l| l.to_string())),
            },
            false => fitted.extend(group.iter().map(|l| l.to_string())),
        }
    }
    fitted.join("\n")
}

/// `line` broken to fit `width` under its help column; `None` when it
/// cannot be (colour codes in its help text, or a column past the middle).
fn fit_line(line: &str, width: usize) -> Option<String> {
    let (head, text) = line.split_at(help_start(line));
    let column = shown_width(head);
    // Colour codes are clap's, on names and headings, not in help text.
    if text.contains('\u{1b}') || column * 2 >= width {
        return None;
    }
    let mut out = String::with_capacity(line.len() + 32);
    for (i, piece) in lines(text, Wrap::Text, width - column).iter().enumerate() {
        if i == 0 {
            out.push_str(head);
        } else {
            out.push('\n');
            out.push_str(&" ".repeat(column));
        }
        out.push_str(piece);
    }
    Some(out)
}

/// `text` without its colour codes (`ESC [ … m`).
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((_, c)) = chars.next() {
        if c == '\u{1b}' {
            skip_code(&mut chars);
        } else {
            out.push(c);
        }
    }
    out
}

fn shown_width(text: &str) -> usize {
    super::fit::width(&shown(text))
}

/// Where a line's help text starts: after the first run of two or more
/// spaces that follows a name or flags (`  -d, --data <DIR>  数据目录…`),
/// or at the first character of a line that is text throughout.
fn help_start(line: &str) -> usize {
    let mut first = None;
    let mut spaces = 0;
    let mut chars = line.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\u{1b}' => skip_code(&mut chars),
            ' ' => spaces += 1,
            _ if first.is_none() => {
                first = Some(at);
                spaces = 0;
            }
            _ if spaces >= 2 => return at,
            _ => spaces = 0,
        }
    }
    first.unwrap_or(line.len())
}

/// Skips the rest of a colour code (`ESC [ … m`) after its ESC.
fn skip_code(chars: &mut impl Iterator<Item = (usize, char)>) {
    if chars.next().is_some_and(|(_, c)| c == '[') {
        for (_, c) in chars.by_ref() {
            if ('@'..='~').contains(&c) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(text: &str) -> Vec<usize> {
        text.lines().map(shown_width).collect()
    }

    /// The text without the spaces: what a reader reads.
    fn bare(text: &str) -> String {
        shown(text).split_whitespace().collect()
    }

    #[test]
    fn chinese_help_breaks_between_characters_under_its_column() {
        let line = "  -w, --within <N>  截止日期在 N 天之内的住户列为待访（默认：rounds.toml 中的 window，否则 7）";
        let fitted = fit(line, 50);
        assert!(widths(&fitted).iter().all(|&w| w <= 50), "{fitted}");
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.len() > 1, "{fitted}");
        assert!(lines[0].starts_with("  -w, --within <N>  截止"), "{fitted}");
        for l in &lines[1..] {
            assert_eq!(l.len() - l.trim_start().len(), 20, "{fitted}");
            assert!(!l.trim_start().starts_with(['，', '）', '：']), "{fitted}");
        }
        assert!(lines.iter().all(|l| !l.ends_with('（')), "{fitted}");
        assert!(fitted.contains("rounds.toml"), "{fitted}");
        assert_eq!(bare(&fitted), bare(line));
    }

    #[test]
    fn a_line_of_text_keeps_its_indent_and_one_that_fits_is_untouched() {
        let line = format!(
            "{}{}",
            " ".repeat(10),
            "数据目录，存放 residents.csv、visits.csv 和 rounds.toml（也可用环境变量 ROUNDS_DATA 指定）"
        );
        let fitted = fit(&line, 80);
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines.len(), 2, "{fitted}");
        assert!(
            lines.iter().all(|l| l.starts_with(&" ".repeat(10))),
            "{fitted}"
        );
        assert!(widths(&fitted).iter().all(|&w| w <= 80), "{fitted}");
        assert_eq!(bare(&fitted), bare(&line));
        let short = "  due     列出逾期或待访的住户\nUsage: rounds due [OPTIONS]\n";
        assert_eq!(fit(short, 80), short);
    }

    #[test]
    fn the_lines_clap_broke_a_text_into_are_broken_anew_as_one() {
        // As clap leaves it at 60 columns (counting a character a column):
        // a run of Chinese too long for the line, then, at a space, the
        // words that did not fit after it.
        let pad = " ".repeat(10);
        let run = "按哪一天计算默认是本机今天的日期此后的走访不计入名册也按当天的情况".repeat(2);
        let clap = format!("{pad}{run}\n{pad}history.csv 变更记录，也可写\n\n{pad}下一项");
        let fitted = fit(&clap, 60);
        assert!(widths(&fitted).iter().all(|&w| w <= 60), "{fitted}");
        // As many lines as the text takes broken as one, the words after
        // the run on the line its end is on.
        let joined = format!("{run} history.csv 变更记录，也可写");
        let text_lines = fitted.lines().take_while(|l| !l.is_empty()).count();
        assert_eq!(text_lines, lines(&joined, Wrap::Text, 50).len(), "{fitted}");
        assert!(fitted.contains("情况 history.csv"), "{fitted}");
        assert!(fitted.ends_with(&format!("\n\n{pad}下一项")), "{fitted}");
        assert_eq!(bare(&fitted), bare(&clap));
    }

    #[test]
    fn lines_the_help_itself_breaks_stay_apart() {
        // Two lines of an epilogue, the first nearly as wide as the
        // terminal (in columns, not in characters).
        let help = "数据目录：--data DIR，否则 $ROUNDS_DATA，否则当前目录。\n退出状态：0 成功；1 有逾期住户；2 用法错误";
        for width in [50, 60, 64, 70, 75] {
            let fitted = fit(help, width);
            assert!(
                fitted.ends_with("\n退出状态：0 成功；1 有逾期住户；2 用法错误"),
                "{width}:\n{fitted}"
            );
        }
    }

    #[test]
    fn a_text_that_cannot_be_broken_is_left_as_clap_broke_it() {
        let head = "  -x, --a-very-long-flag-name-that-takes-the-column <VALUE>  ";
        let help = format!(
            "{head}说明文字说明文字说明文字\n{}说明文字",
            " ".repeat(head.len())
        );
        assert_eq!(fit(&help, 70), help);
    }

    #[test]
    fn colour_codes_take_no_room_and_stay_on_the_names() {
        let line = "\u{1b}[1m  -d, --data <DIR>\u{1b}[0m  数据目录，存放住户名册、走访记录和设置文件，也可以用环境变量指定";
        let fitted = fit(line, 50);
        assert!(fitted.lines().count() > 1, "{fitted:?}");
        assert!(widths(&fitted).iter().all(|&w| w <= 50), "{fitted:?}");
        assert!(
            fitted.starts_with("\u{1b}[1m  -d, --data <DIR>\u{1b}[0m  数据"),
            "{fitted:?}"
        );
        assert_eq!(bare(&fitted), bare(line));
    }
}
