//! What each fuzz target does with one input, and what must hold after it.
//! The fuzz targets (tests/fuzz/fuzz_targets/) and the regression test over
//! the kept corpus (tests/fuzz_corpus.rs) both call these, so a crash the
//! fuzzer found fails `cargo test` until it is fixed.

#![allow(dead_code)]

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use rounds::cmd::check::render_problem;
use rounds::data::headers;
use rounds::data::ingest::{self, Batch};
use rounds::data::logs::{self, LogKind};
use rounds::data::roster::{self, Load};
use rounds::data::table::Table;
use rounds::data::visits;
use rounds::error::{FieldName, Problem};
use rounds::i18n::Lang;
use rounds::model::Level;
use rounds::model::date;
use rounds::model::roster::Roster;

/// The date parser: whatever it accepts is a real day of the years this
/// tool takes, and reads back the same in every accepted form.
pub fn date(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(d) = date::parse(&text) {
        assert!((1000..=9999).contains(&d.year()), "{text:?} -> {d}");
        let (y, m, day) = (d.year(), d.month(), d.day());
        for form in [
            date::iso(d),
            format!("{y}/{m}/{day}"),
            format!("{y}.{m}.{day}"),
            format!("{y:04}{m:02}{day:02}"),
            format!("{y}年{m}月{day}日"),
        ] {
            assert_eq!(date::parse(&form), Ok(d), "{form:?} from {text:?}");
        }
        // What was accepted had the digits of the day it gave.
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        assert!(digits.starts_with(&format!("{y}")), "{text:?} -> {d}");
    }
    // Excel serials: from the text, and from the raw bits of a float.
    let serials = [
        text.trim().parse::<f64>().ok(),
        bytes
            .get(..8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes"))),
    ];
    for serial in serials.into_iter().flatten() {
        if let Some(d) = date::from_excel_serial(serial) {
            assert!((1900..=9999).contains(&d.year()), "{serial} -> {d}");
            let back = d - NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
            assert_eq!(back.num_days(), serial.floor() as i64, "{serial}");
        }
    }
}

/// The level parser and its suggestions.
pub fn level(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(level) = Level::parse(&text) {
        let t = text.trim();
        let spelled = Level::spellings()
            .iter()
            .any(|(s, l)| *l == level && s.eq_ignore_ascii_case(t));
        let numbered = [
            char::from(b'1' + level.index() as u8).to_string(),
            char::from_u32('１' as u32 + level.index() as u32)
                .expect("a digit")
                .to_string(),
        ]
        .contains(&t.to_string());
        assert!(spelled || numbered, "{text:?} read as {level:?}");
        assert_eq!(Level::parse(level.word()), Some(level));
    }
    if let Some(s) = rounds::model::suggest_level(&text) {
        assert!(Level::parse(&s).is_some(), "suggested {s:?} for {text:?}");
    }
}

/// The header mapper, over every schema: a line of cells, and extra names
/// (`--map` or `rounds.toml`) from a first line of `name=field` pairs.
pub fn header(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (extra_line, header_line) = match text.split_once('\n') {
        Some((a, b)) => (a, b),
        None => ("", text.as_ref()),
    };
    let cells: Vec<&str> = header_line.split(',').collect();
    for schema in [&headers::RESIDENTS, &headers::VISITS, &headers::IMPORT] {
        let extra: Vec<(String, FieldName)> = extra_line
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .filter_map(|(name, field)| {
                let f = schema.fields.iter().find(|f| f.name == field.trim())?;
                Some((name.to_string(), f.name))
            })
            .collect();
        match headers::map(schema, &cells, &extra) {
            Ok(cols) => {
                let mut used = Vec::new();
                for f in schema.fields {
                    let Some(c) = cols.get(f.name) else {
                        assert!(!schema.required.contains(&f.name), "{} missing", f.name);
                        continue;
                    };
                    assert!(c < cells.len());
                    assert!(!used.contains(&c), "column {c} mapped twice");
                    used.push(c);
                    let cell = cells[c].trim();
                    let by_extra = extra.iter().any(|(k, v)| k.trim() == cell && *v == f.name);
                    assert!(
                        by_extra || headers::field_of(schema, cell) == Some(f.name),
                        "{cell:?} mapped to {}",
                        f.name
                    );
                }
                assert_eq!(cols.width, cells.len());
            }
            Err(reason) => shown(&[Problem::error("log.csv", Some(1), reason)], &[]),
        }
    }
}

/// The whole read path. The input is a control byte, then a roster, a
/// visit log and a log to import, separated by `%%\n`; the control byte's
/// two low bits pick the import log's kind.
pub fn read(bytes: &[u8]) {
    let Some((&control, rest)) = bytes.split_first() else {
        return;
    };
    let mut parts = split(rest, b"%%\n").into_iter();
    let roster_bytes = parts.next().unwrap_or_default();
    let visit_bytes = parts.next().unwrap_or_default();
    let log_bytes = parts.next().unwrap_or_default();
    let kind = match control & 3 {
        0 | 3 => LogKind::Csv,
        1 => LogKind::Json,
        _ => LogKind::Sheet,
    };
    let today = NaiveDate::from_ymd_opt(2020, 7, 31).expect("a date");

    let mut problems = Vec::new();
    let load = Load {
        personal: true,
        names: true,
    };
    let roster = roster::from_table(
        Table::from_bytes(Path::new("residents.csv"), roster_bytes),
        load,
        &mut problems,
    );
    for h in roster.households() {
        assert!(!h.id().is_empty());
        assert!(!h.members().is_empty());
        assert_eq!(h.members().len(), h.residents().count());
        assert_eq!(roster.find(h.id()), Some(h.index()));
        for r in h.residents() {
            assert!(!r.id().is_empty());
            assert_eq!(r.household(), h.index());
        }
    }
    // The personal cells of the roster, which no problem may show.
    let personal: Vec<String> = (0..roster.residents_len())
        .map(|i| roster.resident(i))
        .flat_map(|r| [r.phone(), r.id_number()])
        .filter(|v| v.len() >= 7 && v.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect();

    let visits_path = Path::new("visits.csv");
    let mut accepted = Vec::new();
    let before = problems.len();
    visits::scan_table(
        Table::from_bytes(visits_path, visit_bytes),
        &mut problems,
        |v| {
            assert!(!v.household.is_empty());
            assert!(v.line >= 2);
            accepted.push((
                v.date,
                roster.find(v.household),
                v.visitor.to_string(),
                v.persons,
            ));
        },
    );
    let simple_clean = !problems[before..]
        .iter()
        .any(|p| p.severity == rounds::error::Severity::Error);
    fast_agrees(visit_bytes, &roster, &accepted, simple_clean);
    let accepted = accepted.len();
    // Every valid row has a key; the duplicate scan sees at least those.
    let mut keys = 0usize;
    let stopped = visits::scan_keys(Table::from_bytes(visits_path, visit_bytes), |_, h, _| {
        assert!(!h.is_empty());
        keys += 1;
    });
    assert!(keys >= accepted || stopped.is_some(), "{keys} < {accepted}");

    let log_path = Path::new(match kind {
        LogKind::Csv => "log.csv",
        LogKind::Json => "log.json",
        LogKind::Sheet => "log.xlsx",
    });
    match logs::parse(log_path, kind, log_bytes, None) {
        Ok(mut log) => {
            let cells: Vec<&str> = log.header.iter().map(String::as_str).collect();
            match headers::map(&headers::IMPORT, &cells, &[]) {
                Ok(cols) => {
                    let mut batch = Batch::default();
                    let mut last_line = log.header_line;
                    loop {
                        match log.next_row() {
                            Ok(Some(row)) => {
                                assert!(row.line > last_line || kind == LogKind::Json);
                                last_line = row.line;
                                match ingest::validate(&row, &cols, log.kind, &roster, today) {
                                    Ok(c) => {
                                        assert!(c.date <= today);
                                        assert!(c.household < roster.households_len());
                                        let before = batch.candidates.len();
                                        let repeat = batch.offer(&c, 0, Vec::new());
                                        assert_eq!(
                                            batch.candidates.len(),
                                            before + usize::from(repeat.is_none())
                                        );
                                    }
                                    Err(reasons) => {
                                        assert!(!reasons.is_empty(), "rejected without a reason");
                                        problems.extend(
                                            reasons.into_iter().map(|r| {
                                                Problem::error(log_path, Some(row.line), r)
                                            }),
                                        );
                                    }
                                }
                            }
                            Ok(None) => break,
                            Err(p) => {
                                problems.push(p);
                                break;
                            }
                        }
                    }
                }
                Err(reason) => problems.push(Problem::error(log_path, Some(1), reason)),
            }
        }
        Err(p) => problems.push(p),
    }
    shown(&problems, &personal);
}

/// The parallel fast path over visits.csv, where it takes the file, reads
/// the same visits as the simple reader, and only from a file the simple
/// reader finds no error in.
fn fast_agrees(bytes: &[u8], roster: &Roster, simple: &[Visit], simple_clean: bool) {
    if bytes.is_empty() {
        return;
    }
    let path = std::env::temp_dir().join(format!("rounds-fuzz-{}.csv", std::process::id()));
    std::fs::write(&path, bytes).expect("a temporary file");
    let fast = rounds::data::fast::scan(&path, None, roster, Vec::new, |seen, v| {
        seen.push((v.date, v.household, v.visitor.to_string(), v.persons))
    });
    let _ = std::fs::remove_file(&path);
    if let Ok(Some(parts)) = fast {
        assert!(simple_clean, "the fast path took a file with errors");
        let mut fast: Vec<Visit> = parts.concat();
        let mut simple = simple.to_vec();
        fast.sort();
        simple.sort();
        assert_eq!(fast, simple, "the fast path read other visits");
    }
}

type Visit = (NaiveDate, Option<usize>, String, Option<u32>);

/// Every problem renders in both languages with its file and a line of
/// at least 1, and shows none of `personal`.
fn shown(problems: &[Problem], personal: &[String]) {
    for p in problems {
        assert!(p.line.is_none_or(|l| l >= 1), "{p:?}");
        for lang in [Lang::En, Lang::Zh] {
            let text = render_problem(lang, p);
            assert!(text.starts_with(&p.file.display().to_string()));
            for value in personal {
                assert!(!text.contains(value.as_str()), "{text:?} shows {value}");
            }
        }
    }
}

fn split<'a>(bytes: &'a [u8], marker: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(marker.len()).position(|w| w == marker) {
        parts.push(&rest[..at]);
        rest = &rest[at + marker.len()..];
    }
    parts.push(rest);
    parts
}

/// Runs the check a target's name stands for.
pub fn by_name(target: &str) -> fn(&[u8]) {
    match target {
        "date" => date,
        "level" => level,
        "header" => header,
        "read" => read,
        other => panic!("no fuzz target {other}"),
    }
}
