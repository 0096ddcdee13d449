//! `rounds due` and `rounds needs` across communities (--data A --data B
//! …, or a district's directory): one list, each row naming its
//! community first, checked against each community's own list.

mod common;

use std::collections::BTreeMap;

use common::{Run, Workdir};

/// 东社区: H1 red, H2 green.
const EAST: &str = "\
id,household,level,grid
E1,H1,red,G1
E2,H2,green,G1
";
const EAST_VISITS: &str = "\
date,household,visitor,persons
2020-06-01,H1,王,
2020-06-20,H1,王,
2020-06-05,H2,王,
";

/// west (no rounds.toml: named after its directory), with households H1
/// and H2 as 东社区 has, and H3 of grid G2 (a grid only west has).
const WEST: &str = "\
id,household,level,grid
W1,H1,orange,G1
W2,H2,orange,G1
W3,H3,yellow,G2
";
const WEST_VISITS: &str = "\
date,household,visitor,persons
2020-06-10,H1,李,
2020-06-11,H3,李,3
";

/// 南社区: one green household never visited.
const SOUTH: &str = "\
id,household,level
S1,H9,green
";

const NEEDS_HEADER: &str = "id,household,raised,raised_by,category,text,status,started,resolved,resolution,follow_up,satisfaction\n";

/// A district of three communities under `district/`; 东社区 and west
/// keep a needs ledger, both with a need N0001.
fn district() -> Workdir {
    let wd = Workdir::new();
    wd.write("district/east/rounds.toml", "name = \"东社区\"\n")
        .write("district/east/residents.csv", EAST)
        .write("district/east/visits.csv", EAST_VISITS)
        .write(
            "district/east/needs.csv",
            format!(
                "{NEEDS_HEADER}\
                 N0001,H1,2020-06-02,王,生活困难,暖气不热,resolved,2020-06-03,2020-06-12,换阀门,,\n\
                 N0002,H2,2020-07-01,王,其他,讲座,open,,,,,\n"
            ),
        )
        .write("district/west/residents.csv", WEST)
        .write("district/west/visits.csv", WEST_VISITS)
        .write(
            "district/west/needs.csv",
            format!(
                "{NEEDS_HEADER}\
                 N0001,H3,2020-06-11,李,环境设施,楼道灯,open,,,,,\n"
            ),
        )
        .write("district/south/rounds.toml", "name = \"南社区\"\n")
        .write("district/south/residents.csv", SOUTH)
        .write(
            "district/south/visits.csv",
            "date,household,visitor,persons\n",
        );
    wd
}

/// The communities of the district by hand, in name order, with the
/// names their rows carry.
const THREE: [(&str, &str); 3] = [
    ("district/east", "东社区"),
    ("district/south", "南社区"),
    ("district/west", "west"),
];

/// `rounds --data D… --today 2020-07-10 ARGS`.
fn run(wd: &Workdir, dirs: &[&str], args: &[&str]) -> Run {
    let mut all: Vec<String> = Vec::new();
    for d in dirs {
        all.extend(["--data".to_string(), d.to_string()]);
    }
    all.extend(["--today", "2020-07-10"].map(String::from));
    all.extend(args.iter().map(|s| s.to_string()));
    wd.run_raw(&all, &[])
}

type Row = BTreeMap<String, String>;

/// Each community's own csv rows of `args`, its community prepended.
fn union_of_singles(wd: &Workdir, args: &[&str]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (dir, name) in THREE {
        for mut row in run(wd, &[dir], args).ok().csv() {
            assert!(!row.contains_key("community"), "{row:?}");
            row.insert("community".into(), name.into());
            rows.push(row);
        }
    }
    rows
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}

#[test]
fn due_lists_every_community_s_households_with_its_community_first() {
    let wd = district();
    let dirs: Vec<&str> = THREE.iter().map(|(d, _)| *d).collect();
    let args = ["due", "--all", "--format", "csv"];
    let across = run(&wd, &dirs, &args).ok();
    let text = across.stdout();
    assert!(
        text.starts_with("community,household,level,grid,"),
        "{text}"
    );
    let rows = across.csv();
    // 2 + 1 + 3 households.
    assert_eq!(rows.len(), 6, "{text}");
    // 南社区 keeps no needs ledger: its own list has no open_needs
    // column, and its rows leave the district's empty.
    let mut singles = union_of_singles(&wd, &args);
    for row in &mut singles {
        row.entry("open_needs".into()).or_default();
    }
    assert_eq!(sorted(rows.clone()), sorted(singles));
    assert_eq!(
        (rows.iter())
            .filter(|r| r["community"] == "南社区")
            .map(|r| r["open_needs"].as_str())
            .collect::<Vec<_>>(),
        [""]
    );
    // H1 and H2 of 东社区 and of west stay apart.
    let h1: Vec<&str> = (rows.iter())
        .filter(|r| r["household"] == "H1")
        .map(|r| r["community"].as_str())
        .collect();
    assert_eq!(h1.len(), 2);
    assert!(h1.contains(&"东社区") && h1.contains(&"west"), "{h1:?}");
    // Most urgent first: by deadline across communities.
    let deadlines: Vec<&str> = rows.iter().map(|r| r["deadline"].as_str()).collect();
    let mut in_order = deadlines.clone();
    in_order.sort();
    assert_eq!(deadlines, in_order, "{text}");

    // The district's directory stands for its communities, in name order.
    let district = run(&wd, &["district"], &args).ok().stdout();
    assert_eq!(district, text);
}

#[test]
fn due_json_and_table_name_the_community_and_sum_the_counts() {
    let wd = district();
    let json = run(&wd, &["district"], &["due", "--all", "--format", "json"])
        .ok()
        .json();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|i| i["community"].is_string()), "{json}");
    let text = run(&wd, &["district"], &["due", "--all", "--format", "json"])
        .ok()
        .stdout();
    assert!(text.starts_with("[\n  {\n    \"community\": "), "{text}");

    let table = run(&wd, &["district"], &["due", "--all"]).ok().stdout();
    let header = table.lines().find(|l| l.contains("household")).unwrap();
    let community = header.find("community").expect(&table);
    assert!(community < header.find("household").unwrap(), "{table}");
    for name in ["东社区", "南社区", "west"] {
        assert!(table.contains(name), "{table}");
    }
    // The summary counts every community's households: 2 + 1 + 3, as
    // their own summaries say.
    for (dir, n) in [
        ("district/east", 2),
        ("district/south", 1),
        ("district/west", 3),
    ] {
        run(&wd, &[dir], &["due", "--all"])
            .ok()
            .stdout_has(&format!("{n} listed of {n} active households"));
    }
    assert!(table.contains("6 listed of 6 active households"), "{table}");
}

#[test]
fn due_filters_apply_in_each_community() {
    let wd = district();
    // G2 is west's only: the other communities list nothing.
    let rows = run(
        &wd,
        &["district"],
        &["due", "--all", "--grid", "G2", "--format", "csv"],
    )
    .ok()
    .csv();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["community"], "west");
    assert_eq!(rows[0]["household"], "H3");
    // A grid no community has is refused.
    run(&wd, &["district"], &["due", "--grid", "G9"])
        .expect(2)
        .stderr_has("G9");
    // Green households: 东社区's H2 and 南社区's H9.
    let rows = run(
        &wd,
        &["district"],
        &["due", "--all", "--level", "green", "--format", "csv"],
    )
    .ok()
    .csv();
    let mut got: Vec<(String, String)> = (rows.iter())
        .map(|r| (r["community"].clone(), r["household"].clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("东社区".into(), "H2".into()),
            ("南社区".into(), "H9".into())
        ]
    );
}

#[test]
fn due_exit_code_flags_an_overdue_household_of_any_community() {
    let wd = district();
    // 南社区's H9 has never been visited: overdue.
    run(&wd, &["district"], &["due", "--exit-code", "-q"]).expect(1);
    run(&wd, &["district/south"], &["due", "--exit-code", "-q"]).expect(1);
}

#[test]
fn due_writes_a_file_across_communities() {
    let wd = district();
    run(&wd, &["district"], &["due", "--all", "-o", "all.csv"]).ok();
    let text = String::from_utf8(wd.read("all.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    assert!(text.starts_with("community,household,"), "{text}");
    assert_eq!(text.lines().count(), 7, "{text}");
}

#[test]
fn the_round_sheet_groups_by_community_first() {
    let wd = district();
    let md = run(&wd, &["district"], &["due", "--all", "--format", "md"])
        .ok()
        .stdout();
    let east = md.find("\n## 东社区\n").expect(&md);
    let south = md.find("\n## 南社区\n").expect(&md);
    let west = md.find("\n## west\n").expect(&md);
    assert!(east < south && south < west, "{md}");
    // The buildings come under their community.
    assert!(md[east..south].contains("\n### "), "{md}");
    assert_eq!(
        md.matches("\n# ").count() + usize::from(md.starts_with("# ")),
        1
    );
    let html = run(&wd, &["district"], &["due", "--all", "--format", "html"])
        .ok()
        .stdout();
    assert!(
        html.contains("<h2 class=\"community\">东社区</h2>"),
        "{html}"
    );
    assert!(html.contains("<h3>"), "{html}");
    assert_eq!(html.matches("<html").count(), 1);
}

#[test]
fn needs_lists_every_community_s_needs_with_its_community_first() {
    let wd = district();
    let dirs: Vec<&str> = THREE.iter().map(|(d, _)| *d).collect();
    let args = ["needs", "--format", "csv"];
    let across = run(&wd, &dirs, &args).ok();
    let text = across.stdout();
    assert!(text.starts_with("community,id,household,"), "{text}");
    let rows = across.csv();
    // 东社区's two needs and west's one; 南社区 keeps no ledger.
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(sorted(rows.clone()), sorted(union_of_singles(&wd, &args)));
    let n1: Vec<&str> = (rows.iter())
        .filter(|r| r["id"] == "N0001")
        .map(|r| r["community"].as_str())
        .collect();
    assert_eq!(n1, ["东社区", "west"]);
    // --open: 东社区's N0002 and west's N0001.
    let open = run(&wd, &["district"], &["needs", "--open", "--format", "json"])
        .ok()
        .json();
    let got: Vec<(String, String)> = (open.as_array().unwrap().iter())
        .map(|n| {
            (
                n["community"].as_str().unwrap().to_string(),
                n["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("东社区".into(), "N0002".into()),
            ("west".into(), "N0001".into())
        ]
    );
    let table = run(&wd, &["district"], &["needs", "--lang", "zh"])
        .ok()
        .stdout();
    assert!(table.contains("社区"), "{table}");
    assert!(table.contains("west"), "{table}");
}

/// The district with `north` (a level no one knows) added.
fn with_invalid() -> Workdir {
    let wd = district();
    wd.write(
        "district/north/residents.csv",
        "id,household,level\nN1,H1,purple\n",
    )
    .write("district/north/visits.csv", "date,household\n");
    wd
}

#[test]
fn a_community_with_errors_stops_the_lists_unless_skipped() {
    let wd = with_invalid();
    for cmd in ["due", "needs"] {
        let run_ = run(&wd, &["district"], &[cmd, "--format", "csv"])
            .expect(3)
            .stdout_is_empty();
        let err = run_.stderr();
        assert!(err.contains("district/north/residents.csv"), "{cmd}: {err}");
        assert!(err.contains("purple"), "{cmd}: {err}");
    }
    let skipped = run(
        &wd,
        &["district"],
        &["due", "--all", "--format", "csv", "--skip-invalid"],
    )
    .ok();
    assert!(
        skipped
            .stderr()
            .contains("left out: north (district/north)"),
        "{}",
        skipped.stderr()
    );
    assert_eq!(skipped.csv().len(), 6);
    let needs = run(
        &wd,
        &["district"],
        &["needs", "--format", "csv", "--skip-invalid"],
    )
    .ok();
    assert_eq!(needs.csv().len(), 3);
}

#[test]
fn one_data_directory_lists_as_it_always_did() {
    let wd = district();
    let out = run(
        &wd,
        &["district/east"],
        &["due", "--all", "--format", "csv"],
    )
    .ok()
    .stdout();
    assert!(out.starts_with("household,level,"), "{out}");
    let out = run(&wd, &["district/east"], &["needs", "--format", "json"])
        .ok()
        .stdout();
    assert!(!out.contains("community"), "{out}");
    // Other commands still take one data directory.
    run(&wd, &["district/east", "district/west"], &["households"]).expect(2);
}
