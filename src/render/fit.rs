//! How a table for people fits a width: how wide each column is and where
//! its cells break. An id, a date, a name, a level or a status is never
//! broken across lines; an address or a contact is broken only between
//! its words; free text (a visit note, a need) takes the wrapping. When
//! even that does not fit, the table is wider than the width rather than
//! breaking a token. Widths are display widths: a Chinese character is two
//! columns of a terminal.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where a column's cells may break across lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// Never: an id, a date, a name, a level, a status, a number.
    Never,
    /// Only between words (at spaces): an address, a name and a phone.
    Words,
    /// Free text: between words and between Chinese characters, never
    /// inside a run of letters and digits (a date, a number) that fits.
    Text,
}

/// A free-text column is made no narrower than this unless its text is
/// narrower, or the table would not fit otherwise ...
const TEXT_FLOOR: usize = 16;
/// ... and then no narrower than this ...
const TEXT_LEAST: usize = 8;
/// ... nor than its longest run of letters and digits, up to this (a masked
/// ID number is 18 wide).
const TEXT_RUN: usize = 18;

/// The display width of `text` in a terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// A column to lay out: its header, where its cells break, and the cells.
#[derive(Debug, Clone)]
pub struct Column<'a> {
    pub header: &'a str,
    pub wrap: Wrap,
    pub cells: Vec<&'a str>,
}

/// How much room a column wants: its widest line (`max`), the width it
/// reads well at (`soft`), and the least it can have without breaking
/// what `wrap` keeps whole (`hard`; below `soft` for free text only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    hard: usize,
    soft: usize,
    max: usize,
}

impl Column<'_> {
    /// The room it wants. The header is broken between its words only.
    fn span(&self) -> Span {
        let longest = |text: &str, wrap: Wrap| {
            pieces(text, wrap)
                .iter()
                .map(|p| width(&p.text))
                .max()
                .unwrap_or(0)
        };
        let mut least = longest(self.header, Wrap::Words);
        let mut max = width(self.header);
        let mut run = 0;
        for cell in &self.cells {
            max = max.max(width(cell));
            match self.wrap {
                Wrap::Never => least = least.max(width(cell)),
                Wrap::Words => least = least.max(longest(cell, Wrap::Words)),
                Wrap::Text => run = run.max(longest(cell, Wrap::Text).min(TEXT_RUN)),
            }
        }
        let at_least = |floor: usize| least.max(run.max(floor).min(max));
        match self.wrap {
            Wrap::Text => Span {
                hard: at_least(TEXT_LEAST),
                soft: at_least(TEXT_FLOOR),
                max,
            },
            _ => Span {
                hard: least,
                soft: least,
                max,
            },
        }
    }

    /// How many lines the header and then each cell take at `width`.
    fn heights(&self, width: usize) -> Vec<usize> {
        std::iter::once(lines(self.header, Wrap::Words, width).len())
            .chain(self.cells.iter().map(|c| lines(c, self.wrap, width).len()))
            .collect()
    }
}

/// How many lines the header and the rows of `columns` take at `widths`
/// (a row is as tall as its tallest cell).
pub fn height(columns: &[Column<'_>], widths: &[usize]) -> usize {
    let heights: Vec<Vec<usize>> = columns
        .iter()
        .zip(widths)
        .map(|(c, &w)| c.heights(w))
        .collect();
    total(&heights)
}

fn total(heights: &[Vec<usize>]) -> usize {
    let rows = heights.iter().map(Vec::len).max().unwrap_or(0);
    (0..rows)
        .map(|r| {
            heights
                .iter()
                .filter_map(|h| h.get(r))
                .max()
                .copied()
                .unwrap_or(1)
        })
        .sum()
}

/// Whether `columns` fit in `room` display columns (the width less the
/// space between columns) without breaking a token.
pub fn fits(columns: &[Column<'_>], room: usize) -> bool {
    columns.iter().map(|c| c.span().hard).sum::<usize>() <= room
}

/// The width of each column in `room` display columns. Every column gets
/// its widest line when that fits; else the width it reads well at, and
/// the room left goes where it saves the most lines; else free text is
/// narrowed down to its least. When even that does not fit, the table is
/// wider than `room`, its rows compact (each column at the width it reads
/// well at).
pub fn widths(columns: &[Column<'_>], room: usize) -> Vec<usize> {
    let spans: Vec<Span> = columns.iter().map(Column::span).collect();
    let sum = |f: fn(&Span) -> usize| spans.iter().map(f).sum::<usize>();
    if sum(|s| s.max) <= room {
        return spans.iter().map(|s| s.max).collect();
    }
    let mut widths: Vec<usize>;
    if sum(|s| s.soft) <= room || !fits(columns, room) {
        widths = spans.iter().map(|s| s.soft).collect();
        let mut left = room.saturating_sub(widths.iter().sum());
        spend(columns, &spans, &mut widths, &mut left);
        // What saves no line: to free text first, then to the rest.
        for wrap in [Wrap::Text, Wrap::Words] {
            let group: Vec<usize> = (0..spans.len())
                .filter(|&i| columns[i].wrap == wrap)
                .collect();
            fill(&mut widths, |i| spans[i].max, &group, &mut left);
        }
    } else {
        widths = spans.iter().map(|s| s.hard).collect();
        let mut left = room - widths.iter().sum::<usize>();
        let all: Vec<usize> = (0..spans.len()).collect();
        fill(&mut widths, |i| spans[i].soft, &all, &mut left);
    }
    widths
}

/// Gives `left` away a little at a time, each time to the column where it
/// saves the most lines of the whole table per column of width (a row is
/// as tall as its tallest cell), until nothing more is saved.
fn spend(columns: &[Column<'_>], spans: &[Span], widths: &mut [usize], left: &mut usize) {
    let mut heights: Vec<Vec<usize>> = columns
        .iter()
        .zip(widths.iter())
        .map(|(c, &w)| c.heights(w))
        .collect();
    let mut now = total(&heights);
    while *left > 0 {
        // The best step: (column, more width, lines saved, its heights).
        let mut best: Option<(usize, usize, usize, Vec<usize>)> = None;
        for (i, column) in columns.iter().enumerate() {
            for more in 1..=(*left).min(spans[i].max - widths[i]) {
                let tried = column.heights(widths[i] + more);
                let saved = {
                    let kept = std::mem::replace(&mut heights[i], tried);
                    let saved = now.saturating_sub(total(&heights));
                    let tried = std::mem::replace(&mut heights[i], kept);
                    (saved, tried)
                };
                if saved.0 > 0 {
                    let better = best
                        .as_ref()
                        .is_none_or(|(_, m, s, _)| saved.0 * m > s * more);
                    if better {
                        best = Some((i, more, saved.0, saved.1));
                    }
                    break;
                }
            }
        }
        let Some((i, more, saved, tried)) = best else {
            break;
        };
        widths[i] += more;
        *left -= more;
        heights[i] = tried;
        now -= saved;
    }
}

/// Shares `left` among the columns of `group` evenly, none beyond `top`.
fn fill(widths: &mut [usize], top: impl Fn(usize) -> usize, group: &[usize], left: &mut usize) {
    let mut open: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| widths[i] < top(i))
        .collect();
    while *left > 0 && !open.is_empty() {
        let share = (*left / open.len()).max(1);
        for &i in &open {
            let more = share.min(top(i) - widths[i]).min(*left);
            widths[i] += more;
            *left -= more;
        }
        open.retain(|&i| widths[i] < top(i));
    }
}

/// A piece of text kept on one line, and whether a space stands before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    text: String,
    spaced: bool,
}

/// Punctuation that never starts a line (it stays with what it follows).
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '》'
            | '】'
            | '”'
            | '’'
            | '…'
            | '·'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '%'
    )
}

/// Punctuation that never ends a line (it stays with what follows).
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '【' | '“' | '‘' | '(' | '[')
}

/// The pieces of `text` that `wrap` keeps whole.
fn pieces(text: &str, wrap: Wrap) -> Vec<Piece> {
    if wrap != Wrap::Text {
        // Between words, and after a Chinese comma.
        let mut out = Vec::new();
        for (i, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
            let mut spaced = i > 0;
            for part in word.split_inclusive(['，', '、', '；']) {
                out.push(Piece {
                    text: part.to_string(),
                    spaced,
                });
                spaced = false;
            }
        }
        return out;
    }
    let mut out: Vec<Piece> = Vec::new();
    let mut spaced = false;
    // The last character opened a bracket, or was part of a run of
    // letters and digits: the next one stays with it.
    let (mut opened, mut in_run) = (false, false);
    for c in text.chars() {
        if c == ' ' {
            spaced = !out.is_empty();
            (opened, in_run) = (false, false);
            continue;
        }
        let wide = c.width().unwrap_or(0) > 1;
        let attach =
            !spaced && !out.is_empty() && (closes(c) || opened || (in_run && !wide && !opens(c)));
        if attach {
            out.last_mut().expect("a piece").text.push(c);
        } else {
            out.push(Piece {
                text: c.to_string(),
                spaced,
            });
        }
        spaced = false;
        opened = opens(c);
        in_run = !wide && !opened;
    }
    out
}

/// `text` broken into lines of at most `width` display columns where
/// `wrap` allows; a piece wider than `width` (free text only) is cut.
pub fn lines(text: &str, wrap: Wrap, width: usize) -> Vec<String> {
    if self::width(text) <= width || wrap == Wrap::Never {
        return vec![text.to_string()];
    }
    let width = width.max(2);
    let mut out = Vec::new();
    let mut line = String::new();
    for piece in pieces(text, wrap) {
        let gap = usize::from(piece.spaced && !line.is_empty());
        if self::width(&line) + gap + self::width(&piece.text) <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(&piece.text);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in piece.text.chars() {
            if self::width(&line) + c.width().unwrap_or(0) > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        pieces(text, Wrap::Text)
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn free_text_breaks_between_characters_not_inside_numbers() {
        assert_eq!(
            texts("复诊 2020-04-27，电话 138****5678。"),
            ["复", "诊", "2020-04-27，", "电", "话", "138****5678。"]
        );
        assert_eq!(texts("（已办）好"), ["（已", "办）", "好"]);
        assert_eq!(
            lines("疫情排查：无外出史，无发热症状", Wrap::Text, 10),
            ["疫情排查：", "无外出史，", "无发热症状"]
        );
        assert_eq!(
            lines("协助预约 2020-04-27 复诊", Wrap::Text, 12),
            ["协助预约", "2020-04-27", "复诊"]
        );
    }

    #[test]
    fn words_break_only_at_spaces_and_tokens_never() {
        assert_eq!(
            lines("河湾网格 3栋 2单元 502", Wrap::Words, 12),
            ["河湾网格 3栋", "2单元 502"]
        );
        assert_eq!(
            lines("叶** 159****1425", Wrap::Words, 11),
            ["叶**", "159****1425"]
        );
        assert_eq!(lines("HW03-2-0502", Wrap::Never, 4), ["HW03-2-0502"]);
        // A piece wider than the column is cut only in free text.
        assert_eq!(lines("abcdefgh", Wrap::Text, 3), ["abc", "def", "gh"]);
    }

    fn column<'a>(wrap: Wrap, header: &'a str, cells: &[&'a str]) -> Column<'a> {
        Column {
            header,
            wrap,
            cells: cells.to_vec(),
        }
    }

    #[test]
    fn spans_keep_tokens_whole() {
        let span = |wrap, header, cells| column(wrap, header, cells).span();
        let s = span(Wrap::Never, "last visit", &["2020-04-27", "never"]);
        assert_eq!((s.hard, s.soft, s.max), (10, 10, 10));
        let s = span(Wrap::Words, "address", &["河湾网格 3栋 2单元 502"]);
        assert_eq!((s.hard, s.soft, s.max), (8, 8, 22));
        let s = span(Wrap::Words, "needs", &["1 件未办结，已 45 天！"]);
        assert_eq!((s.hard, s.max), (10, 22));
        let s = span(Wrap::Text, "note", &["短"]);
        assert_eq!((s.hard, s.soft, s.max), (4, 4, 4));
        let s = span(
            Wrap::Text,
            "note",
            &["血糖控制一般，建议复查血糖控制一般，建议复查"],
        );
        assert_eq!((s.hard, s.soft, s.max), (TEXT_LEAST, TEXT_FLOOR, 44));
    }

    #[test]
    fn room_goes_where_it_saves_lines() {
        let id = column(Wrap::Never, "id", &["HW03-2-0502", "HW03-2-0502"]);
        let address = column(
            Wrap::Words,
            "address",
            &["河湾网格 3栋 2单元 502", "河湾网格 3栋 2单元 502"],
        );
        let contact = column(Wrap::Words, "contact", &["叶** 159****1425", "史*"]);
        let note = column(
            Wrap::Text,
            "note",
            &["血糖控制一般，建议复查血糖控制一般，建议复查", "好"],
        );
        // All of it fits: every column its widest line.
        assert_eq!(widths(&[id.clone(), address.clone()], 40), [11, 22]);
        // The address on two lines and the contact on two: better than a
        // contact on one line beside an address on four.
        let w = widths(&[id.clone(), address.clone(), contact.clone()], 36);
        assert_eq!(w.iter().sum::<usize>(), 36);
        assert_eq!(lines("河湾网格 3栋 2单元 502", Wrap::Words, w[1]).len(), 2);
        assert_eq!(lines("叶** 159****1425", Wrap::Words, w[2]).len(), 2);
        // The room left after the words goes to free text.
        assert_eq!(
            widths(&[id.clone(), address.clone(), note.clone()], 60),
            [11, 22, 27]
        );
        // Free text narrower than it reads well at, before the table is wider.
        assert_eq!(
            widths(&[id.clone(), address.clone(), note.clone()], 30),
            [11, 8, 11]
        );
        assert!(fits(&[id.clone(), address.clone(), note.clone()], 27));
        // Too narrow even for that: wider than the room, rows compact.
        assert!(!fits(&[id.clone(), address.clone(), note.clone()], 20));
        assert_eq!(widths(&[id, address, note], 20), [11, 8, 16]);
    }
}
