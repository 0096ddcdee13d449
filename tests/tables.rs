//! Tables for people in a narrow terminal: at 80 columns (`COLUMNS`, as a
//! terminal of that width) `due`, `households`, `history` and `needs` of the
//! example community never break an id, a date, a masked phone, a name, a
//! level or a status across lines; a column empty in every row is left out,
//! and so is the worker column when `--visitor` names one worker. The
//! round sheet (html) keeps the same tokens on one line.

mod common;
use common::Workdir;
use rounds::render::fit::width;

const TODAY: [&str; 2] = ["--today", "2020-07-20"];

/// `rounds --data examples/nongjiang --today 2020-07-20 ARGS` with
/// `COLUMNS` set to `columns`, or unset (every row on one line).
fn example(columns: Option<&str>, args: &[&str]) -> String {
    let mut all: Vec<String> = vec![
        "--data".into(),
        common::example("nongjiang").display().to_string(),
    ];
    all.extend(TODAY.iter().chain(args).map(|s| s.to_string()));
    let env: Vec<(&str, &str)> = columns.map(|c| ("COLUMNS", c)).into_iter().collect();
    Workdir::new().run_raw(&all, &env).ok().stdout()
}

/// The words of a text: what the table's cells are made of.
fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Every word of the narrow table is a whole word of the same table on one
/// line a row: nothing was cut (`2020-`, `04-27`, `HW03-2`, `赵卫`, `159**`).
fn nothing_cut(narrow: &str, wide: &str) {
    let whole = words(wide);
    for word in words(narrow) {
        // The rule under the header is as wide as each column.
        if word.chars().all(|c| c == '─') {
            continue;
        }
        assert!(
            whole.contains(&word),
            "{word:?} is a piece of a word:\n{narrow}"
        );
    }
}

/// Every line fits in `columns` display columns.
fn fits(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(
            width(line) <= columns,
            "wider than {columns}: {line:?}\n{text}"
        );
    }
}

#[test]
fn listings_at_80_columns_never_cut_a_token() {
    for lang in ["en", "zh"] {
        for args in [
            &["due"][..],
            &["due", "--visitor", "赵卫东"],
            &["due", "--all", "--grid", "西岗网格"],
            &["households", "--grid", "河湾网格"],
            &["households", "--visitor", "周晓梅", "--all"],
        ] {
            let args: Vec<&str> = ["--lang", lang].iter().chain(args).copied().collect();
            let narrow = example(Some("80"), &args);
            fits(&narrow, 80);
            nothing_cut(&narrow, &example(None, &args));
            // And at 160, every row on one line, as without a width.
            let wide = example(Some("160"), &args);
            fits(&wide, 160);
            assert_eq!(
                wide.lines().count(),
                example(None, &args).lines().count(),
                "{wide}"
            );
        }
    }
}

#[test]
fn free_text_takes_the_wrapping() {
    // The notes of a visit history and the texts of the needs may break,
    // anything else may not: every date, id, name and status is whole.
    for lang in ["en", "zh"] {
        let history = example(Some("80"), &["--lang", lang, "history", "HW01-1-0202"]);
        fits(&history, 80);
        for token in ["2020-04-27", "2020-01-08", "赵卫东", "HW01-1-0202"] {
            assert!(history.contains(token), "{token}:\n{history}");
        }
        let needs = example(Some("80"), &["--lang", lang, "needs"]);
        fits(&needs, 80);
        let csv = example(None, &["needs", "--format", "csv"]);
        let mut rows = 0;
        for line in csv.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let (id, household, raised) = (cells[0], cells[1], cells[3]);
            let row = needs
                .lines()
                .find(|l| l.split_whitespace().next() == Some(id))
                .unwrap_or_else(|| panic!("{id}:\n{needs}"));
            assert!(row.contains(household) && row.contains(raised), "{row}");
            rows += 1;
        }
        assert!(rows > 40, "{csv}");
        // A need's text does break (it takes the wrapping).
        assert!(needs.lines().count() > rows + 10, "{needs}");
    }
}

#[test]
fn empty_columns_and_the_one_worker_are_left_out() {
    // On 2020-07-20 no household listed as due has a need open: no needs
    // column, in a terminal or not.
    for columns in [None, Some("80"), Some("160")] {
        let due = example(columns, &["due"]);
        let header = due.lines().next().unwrap();
        assert!(
            header.contains("household") && !header.contains("needs"),
            "{due}"
        );
        assert!(header.contains("worker"), "{due}");
        for (args, header_word) in [
            (&["due", "--visitor", "赵卫东"][..], "worker"),
            (&["households", "--visitor", "赵卫东"], "worker"),
            (&["--lang", "zh", "due", "--visitor", "赵卫东"], "负责人"),
        ] {
            let out = example(columns, args);
            let header = out.lines().next().unwrap();
            assert!(!header.contains(header_word), "{args:?}\n{out}");
            assert!(!out.contains("赵卫东"), "{args:?}\n{out}");
        }
        // Two workers named: the column says who.
        let two = example(columns, &["due", "--visitor", "赵卫东,周晓梅"]);
        assert!(two.lines().next().unwrap().contains("worker"), "{two}");
        assert!(two.contains("赵卫东") && two.contains("周晓梅"), "{two}");
    }
    // A history whose visits name no kind and no persons.
    let w = Workdir::new();
    w.write(
        "residents.csv",
        "id,household,name,level,visitor\nA1,H1,张三丰,red,马春英\n",
    )
    .write(
        "visits.csv",
        "date,household,visitor,kind,note,persons\n2020-07-01,H1,马春英,,情况正常,\n",
    );
    let out = w
        .run(&["--today", "2020-07-20", "history", "H1"])
        .ok()
        .stdout();
    let header = out.lines().find(|l| l.contains("date")).unwrap();
    assert!(header.contains("note"), "{out}");
    assert!(
        !header.contains("kind") && !header.contains("persons"),
        "{out}"
    );
}

#[test]
fn round_sheet_keeps_tokens_on_one_line() {
    let html = example(
        None,
        &[
            "due",
            "--visitor",
            "赵卫东",
            "--format",
            "html",
            "--lang",
            "zh",
        ],
    );
    // Cells keep their text on one line, but for those broken between
    // words (room, contact), each word kept whole; the note column wraps.
    assert!(html.contains("th, td { white-space: nowrap; }"), "{html}");
    assert!(html.contains("td.w { white-space: normal; }"), "{html}");
    assert!(html.contains(".t { white-space: nowrap; }"), "{html}");
    assert!(html.contains("<td>HW01-1-0202</td>"), "{html}");
    assert!(html.contains("<td>2020-04-27</td>"), "{html}");
    assert!(
        html.contains(
            "<td class=\"w\"><span class=\"t\">孙*</span> <span class=\"t\">183****0782</span></td>"
        ),
        "{html}"
    );
    assert!(html.contains("td.note { width: 30%; min-width: 8em; white-space: normal; }"));
}

/// The month's report at 80 columns: a section too wide for the terminal
/// (the workers with their party branch and group, the party branches'
/// twelve figures) is printed in parts, each repeating the first column,
/// so no line runs over; at 160 the same sections are whole.
#[test]
fn a_wide_report_section_comes_in_parts_at_80_columns() {
    for lang in ["en", "zh"] {
        let args = ["--lang", lang, "report", "--month", "2020-06"];
        let narrow = example(Some("80"), &args);
        fits(&narrow, 80);
        let branch = "供电所党支部";
        // The branch is the first column of both parts of its section.
        let rows = |text: &str| {
            text.lines()
                .filter(|l| l.trim_start().starts_with(branch))
                .count()
        };
        assert_eq!(rows(&narrow), 2, "{narrow}");
        let wide = example(Some("160"), &args);
        fits(&wide, 160);
        assert_eq!(rows(&wide), 1, "{wide}");
        // A worker's row, in two parts at 80 (figures, then role, branch
        // and party group), whole at 160.
        let worker = |text: &str| {
            text.lines()
                .filter(|l| l.trim_start().starts_with("王建国 "))
                .count()
        };
        assert!(worker(&narrow) > worker(&wide), "{narrow}");
    }
}
