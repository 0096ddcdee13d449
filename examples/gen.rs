//! Generates a city-sized `rounds` data directory for load tests: `residents.csv` and
//! `visits.csv` (no `rounds.toml`, so the default calendar policy applies), and on request
//! a roster history, `history.csv`.
//!
//!     cargo run --release --example gen -- --households 1000000 --visits 20000000 --out DIR
//!     cargo run --release --example gen -- --households 100000 --visits-per-household 20 --out DIR --seed 7
//!     cargo run --release --example gen -- --households 1000000 --history 200000 --out DIR
//!
//! The city: 50 grids `G01`..`G50`, each with buildings `B1`, `B2`, … of 2–4 units and
//! rooms floor*100+door; household ids look like `G07-B123-U2-1203`. Each grid has a
//! handful of workers (`W07-1`, `W07-2`, …), each in charge of a block of buildings.
//! About 2.3 residents per household (1–6); household levels about 5% red, 10% orange,
//! 25% yellow, 60% green (one member carries the household's level, the others the same
//! or a milder one). Names, phone numbers and ID numbers (region 9900xx, which does not
//! exist) are fake.
//!
//! The visit log covers 2023-01-01..=2024-12-31, sorted by date: every household is visited
//! at its level's pace (red weekly, orange monthly, yellow quarterly, green half-yearly),
//! scaled so that the log holds exactly the requested number of visits, with jitter and
//! some missed periods; about 2% of households are never visited.
//!
//! With `--history N`, history.csv holds exactly N changes dated within the visit log's
//! window, in date order: re-ratings (`level`, one to three per resident, a step at a
//! time), reassignments (`visitor`, every member of a household to another worker of its
//! grid on one day) and moves (`household`, `building`, `room`, and `unit` and `visitor`
//! where they differ: a resident who lived in another household of the grid until the
//! change). The chains are consistent and end at the roster's values, which the history
//! does not alter: residents.csv and visits.csv are the same with or without it.
//!
//! Files are UTF-8 without BOM, LF line endings, English headers, RFC 4180 quoting (only
//! some notes need it). The output is deterministic: the same arguments give
//! byte-identical files (std only, splitmix64 seeded per household).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::PathBuf;
use std::process;
use std::time::Instant;

const USAGE: &str =
    "usage: gen --households N (--visits M | --visits-per-household K) --out DIR [--seed S]
           [--history N]

Writes DIR/residents.csv and DIR/visits.csv: a deterministic fake city for `rounds`
(50 grids, visits 2023-01-01..=2024-12-31 sorted by date).
  --households N             households (default 10000)
  --visits M                 visit rows, exactly (default 20 per household)
  --visits-per-household K   alternative to --visits: M = round(N * K); K may be a decimal
  --out DIR                  output directory (created if missing)
  --seed S                   random seed (default 1)
  --history N                also write DIR/history.csv with N roster changes (default 0:
                             no file); residents.csv and visits.csv do not depend on it";

// ---------------------------------------------------------------------------------------
// Random numbers

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64, one independent stream per (seed, purpose, index).
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        Rng(mix(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix((stream << 48) ^ index)
        ))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in 0..n (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    fn permille(&mut self) -> u64 {
        self.below(1000)
    }
}

// ---------------------------------------------------------------------------------------
// Dates: day numbers since 1970-01-01 (Howard Hinnant's algorithms)

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Appends YYYY-MM-DD (sep = b'-') or YYYYMMDD (sep = 0).
fn put_date(out: &mut Vec<u8>, z: i64, sep: u8) {
    let (y, m, d) = civil_from_days(z);
    put_padded(out, y as u64, 4);
    if sep != 0 {
        out.push(sep);
    }
    put_padded(out, m as u64, 2);
    if sep != 0 {
        out.push(sep);
    }
    put_padded(out, d as u64, 2);
}

/// The visit log's window: day index 0 = 2023-01-01 (a Sunday), NDAYS days.
const BASE: i64 = days_from_civil(2023, 1, 1);
const NDAYS: usize = 731;
/// Old registration dates (day indexes before the window) and birth dates (day numbers).
const OLD_LO: i64 = days_from_civil(2000, 1, 1) - BASE;
const OLD_HI: i64 = days_from_civil(2022, 12, 31) - BASE;
const BIRTH_LO: i64 = days_from_civil(1930, 1, 1);
const BIRTH_HI: i64 = days_from_civil(2022, 12, 31);

// ---------------------------------------------------------------------------------------
// Number formatting

fn put_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// At least `width` digits, zero-padded.
fn put_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    while v > 0 || tmp.len() - i < width {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&tmp[i..]);
}

// ---------------------------------------------------------------------------------------
// Tables

const LEVELS: [&str; 4] = ["red", "orange", "yellow", "green"];

/// Visits per 731 days at each level's pace (×10), before scaling to the requested total.
const PACE: [u64; 4] = [1044, 240, 80, 40];

/// One CJK character (3 bytes in UTF-8) each.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏斌宇浩凯健俊帆帅旭宁亮飞彬志国海东峰成林波春梅燕琳晶雪琴云莉婷慧颖佳欣怡子轩梓涵诗雨思晨德福荣凤珍淑";

fn cjk(table: &str, k: usize) -> &[u8] {
    &table.as_bytes()[3 * k..3 * k + 3]
}

const KINDS: [&str; 3] = ["入户", "电话", "视频"];

/// Visit notes as CSV fields: index 0 is the empty note; the last COMMA_NOTES need quoting.
const NOTES: [&str; 21] = [
    "",
    "情况正常",
    "情况稳定",
    "身体状况良好",
    "家中无人",
    "已电话联系本人",
    "独居老人，状态良好",
    "子女在外地",
    "需要帮助代购药品",
    "血压偏高",
    "已提醒按时服药",
    "反映楼道灯不亮",
    "宣传防诈骗知识",
    "腿脚不便",
    "租户已更换",
    "节日慰问",
    "宣传医保缴费政策",
    "家中无人,已留联系卡",
    "血压偏高,已联系社区医生",
    "行动不便,需上门服务",
    "反映\"楼道灯不亮\",已报物业",
];
const COMMA_NOTES: usize = 4;

/// A CSV field per RFC 4180: quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> Vec<u8> {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        let mut v = vec![b'"'];
        for b in s.bytes() {
            if b == b'"' {
                v.push(b'"');
            }
            v.push(b);
        }
        v.push(b'"');
        v
    } else {
        s.as_bytes().to_vec()
    }
}

const GRIDS: usize = 50;
/// Workers per grid are at most this many (bits of the visitor index in a visit record).
const MAX_WORKERS: usize = 16;

fn workers_in_grid(households: u64) -> usize {
    (3 + households / 4000).min(12) as usize
}

// ---------------------------------------------------------------------------------------
// Output

/// A byte buffer flushed to its file in big chunks.
struct Out {
    file: File,
    buf: Vec<u8>,
    path: PathBuf,
    bytes: u64,
}

const CHUNK: usize = 8 << 20;

impl Out {
    fn create(path: PathBuf) -> Out {
        let file = File::create(&path).unwrap_or_else(|e| die(&format!("{}: {e}", path.display())));
        Out {
            file,
            buf: Vec::with_capacity(CHUNK + 4096),
            path,
            bytes: 0,
        }
    }
    fn maybe_flush(&mut self) {
        if self.buf.len() >= CHUNK {
            self.flush();
        }
    }
    fn flush(&mut self) {
        if let Err(e) = self.file.write_all(&self.buf) {
            die(&format!("{}: {e}", self.path.display()));
        }
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
    }
}

fn die(msg: &str) -> ! {
    eprintln!("gen: {msg}");
    process::exit(2);
}

// ---------------------------------------------------------------------------------------
// Arguments

struct Args {
    households: u64,
    visits: Option<u64>,
    per_household: Option<f64>,
    out: PathBuf,
    seed: u64,
    history: u64,
}

fn parse_args() -> Args {
    let mut households = 10_000u64;
    let mut visits = None;
    let mut per_household = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut history = 0u64;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            process::exit(0);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .unwrap_or_else(|| die(&format!("{name} needs a value\n{USAGE}")))
        };
        let int = |v: String| -> u64 {
            let t = v.replace('_', "");
            t.parse()
                .unwrap_or_else(|_| die(&format!("{name}: not a whole number: {v}")))
        };
        match name.as_str() {
            "--households" => households = int(value()),
            "--visits" => visits = Some(int(value())),
            "--visits-per-household" => {
                let v = value();
                let k: f64 = v
                    .parse()
                    .ok()
                    .filter(|k: &f64| k.is_finite() && *k >= 0.0)
                    .unwrap_or_else(|| die(&format!("{name}: not a number ≥ 0: {v}")));
                per_household = Some(k);
            }
            "--out" => out = Some(PathBuf::from(value())),
            "--seed" => seed = int(value()),
            "--history" => history = int(value()),
            _ => die(&format!("unknown argument: {arg}\n{USAGE}")),
        }
    }
    if visits.is_some() && per_household.is_some() {
        die("give --visits or --visits-per-household, not both");
    }
    if households > u32::MAX as u64 {
        die("--households: at most 4294967295");
    }
    let out = out.unwrap_or_else(|| die(&format!("--out DIR is required\n{USAGE}")));
    Args {
        households,
        visits,
        per_household,
        out,
        seed,
        history,
    }
}

// ---------------------------------------------------------------------------------------
// The city

/// What the visit log needs to know about a household.
#[derive(Clone, Copy)]
struct Household {
    /// grid * MAX_WORKERS + the worker in charge
    worker: u16,
    level: u8,
    size: u8,
    /// Visits fall in day indexes start..end of the visit window.
    start: u16,
    end: u16,
    never: bool,
}

/// No date (a sentinel day index).
const NONE: i64 = i64::MIN;

/// One resident: level, and `since`/`until` as day indexes of the visit window (negative
/// before 2023-01-01) or NONE.
struct Member {
    level: u8,
    since: i64,
    until: i64,
}

/// Draws a household and its members; returns (level, never visited).
fn family(r: &mut Rng, members: &mut Vec<Member>) -> (u8, bool) {
    let level = match r.permille() {
        0..=49 => 0u8,
        50..=149 => 1,
        150..=399 => 2,
        _ => 3,
    };
    let size = match r.permille() {
        0..=279 => 1,
        280..=639 => 2,
        640..=849 => 3,
        850..=949 => 4,
        950..=989 => 5,
        _ => 6,
    };
    // This member carries the household's level; the others the same or a milder one.
    let key = r.below(size);
    // Registration: 2.5% of households moved in during the window, 13% have an old
    // registration date, the others none (except a few members).
    let mode = r.permille();
    let (new_home, old_home) = (mode < 25, (25..155).contains(&mode));
    let since_h = if new_home {
        r.below(700) as i64
    } else if old_home {
        OLD_LO + r.below((OLD_HI - OLD_LO + 1) as u64) as i64
    } else {
        NONE
    };
    // 1.2% of households move out entirely during the window.
    let mut until_h = NONE;
    if r.permille() < 12 {
        let lo = if new_home { since_h + 30 } else { 30 };
        if lo < NDAYS as i64 {
            until_h = lo + r.below(NDAYS as u64 - lo as u64) as i64;
        }
    }
    let never = r.permille() < 20;
    members.clear();
    for i in 0..size {
        let lv = if i == key || r.permille() < 500 {
            level
        } else {
            level + r.below(4 - level as u64) as u8
        };
        let mut since = since_h;
        if since_h == NONE {
            let p = r.permille();
            if p < 12 {
                // A new member (born or moved in), before the household left.
                let hi = if until_h == NONE {
                    NDAYS as i64
                } else {
                    until_h
                };
                since = r.below(hi as u64) as i64;
            } else if p < 40 {
                since = OLD_LO + r.below((OLD_HI - OLD_LO + 1) as u64) as i64;
            }
        }
        // 2% of the other residents move out (or die) during the window.
        let mut until = until_h;
        if until_h == NONE && r.permille() < 20 {
            let lo = since.max(0) + 1;
            if lo < NDAYS as i64 {
                until = lo + r.below(NDAYS as u64 - lo as u64) as i64;
            }
        }
        members.push(Member {
            level: lv,
            since,
            until,
        });
    }
    (level, never)
}

/// Where a household lives, as roster cells.
struct Address<'a> {
    grid: usize,
    grid_name: &'a [u8],
    building_name: &'a [u8],
    unit: u64,
    room: u64,
    visitor: &'a [u8],
}

/// Appends the household's roster rows; `residents` counts the rows written so far.
fn write_members(
    r: &mut Rng,
    b: &mut Vec<u8>,
    residents: &mut u64,
    hid: &[u8],
    at: &Address,
    members: &[Member],
) {
    let n_sur = (SURNAMES.len() / 3) as u64;
    let n_given = (GIVEN.len() / 3) as u64;
    let surname = r.below(n_sur) as usize;
    for (i, mb) in members.iter().enumerate() {
        *residents += 1;
        b.push(b'R');
        put_padded(b, *residents, 7);
        b.push(b',');
        b.extend_from_slice(hid);
        b.push(b',');
        // Most members share the family's surname.
        let s = if i == 0 || r.permille() < 700 {
            surname
        } else {
            r.below(n_sur) as usize
        };
        b.extend_from_slice(cjk(SURNAMES, s));
        b.extend_from_slice(cjk(GIVEN, r.below(n_given) as usize));
        if r.permille() < 700 {
            b.extend_from_slice(cjk(GIVEN, r.below(n_given) as usize));
        }
        b.push(b',');
        b.extend_from_slice(LEVELS[mb.level as usize].as_bytes());
        b.push(b',');
        b.extend_from_slice(at.grid_name);
        b.push(b',');
        b.extend_from_slice(at.building_name);
        b.extend_from_slice(b",U");
        put_u64(b, at.unit);
        b.push(b',');
        put_u64(b, at.room);
        b.push(b',');
        if r.permille() < 920 {
            b.push(b'1');
            b.push([b'3', b'5', b'8'][r.below(3) as usize]);
            put_padded(b, r.below(1_000_000_000), 9);
        }
        b.push(b',');
        // ID number: region 9900GG (fictional), birth date, sequence, ISO 7064 check.
        let start = b.len();
        b.extend_from_slice(b"9900");
        put_padded(b, at.grid as u64 + 1, 2);
        put_date(
            b,
            BIRTH_LO + r.below((BIRTH_HI - BIRTH_LO + 1) as u64) as i64,
            0,
        );
        put_padded(b, r.below(1000), 3);
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = b[start..start + 17]
            .iter()
            .zip(W)
            .map(|(&c, w)| (c - b'0') as u32 * w)
            .sum();
        b.push(b"10X98765432"[(sum % 11) as usize]);
        b.push(b',');
        b.extend_from_slice(at.visitor);
        b.push(b',');
        if mb.since != NONE {
            put_date(b, BASE + mb.since, b'-');
        }
        b.push(b',');
        if mb.until != NONE {
            put_date(b, BASE + mb.until, b'-');
        }
        b.push(b'\n');
    }
}

/// The roster, as the visit log needs it.
struct City {
    /// Household ids back to back: household h is ids[id_end[h-1]..id_end[h]].
    ids: Vec<u8>,
    id_end: Vec<u32>,
    households: Vec<Household>,
    /// Indexed by grid * MAX_WORKERS + worker.
    worker_names: Vec<Vec<u8>>,
    grid_workers: [usize; GRIDS],
    residents: u64,
    level_counts: [u64; 4],
    bytes: u64,
    /// Households grid_first[g]..grid_first[g + 1] are grid g's.
    grid_first: [usize; GRIDS + 1],
    /// Every resident in roster order, kept only for the history.
    people: Vec<Person>,
}

/// What the history needs to know about a resident (resident k is `R` k+1, 7 digits).
#[derive(Clone, Copy)]
struct Person {
    household: u32,
    level: u8,
    /// Day indexes, or NONE.
    since: i64,
    until: i64,
}

impl City {
    fn id(&self, h: usize) -> &[u8] {
        let start = if h == 0 {
            0
        } else {
            self.id_end[h - 1] as usize
        };
        &self.ids[start..self.id_end[h] as usize]
    }
}

/// Lays out the grids, buildings and households and writes the roster; `keep_people`
/// keeps every resident in `City::people`.
fn build_city(seed: u64, n: u64, path: PathBuf, keep_people: bool) -> City {
    let mut city = City {
        ids: Vec::with_capacity(n as usize * 17),
        id_end: Vec::with_capacity(n as usize),
        households: Vec::with_capacity(n as usize),
        worker_names: vec![Vec::new(); GRIDS * MAX_WORKERS],
        grid_workers: [0; GRIDS],
        residents: 0,
        level_counts: [0; 4],
        bytes: 0,
        grid_first: [0; GRIDS + 1],
        people: Vec::new(),
    };
    let mut res = Out::create(path);
    res.buf.extend_from_slice(
        b"id,household,name,level,grid,building,unit,room,phone,id_number,visitor,since,until\n",
    );
    let mut members: Vec<Member> = Vec::with_capacity(6);
    for g in 0..GRIDS {
        city.grid_first[g] = city.households.len();
        let n_g = n / GRIDS as u64 + u64::from((g as u64) < n % GRIDS as u64);
        let workers = workers_in_grid(n_g);
        city.grid_workers[g] = workers;
        for w in 0..workers {
            city.worker_names[g * MAX_WORKERS + w] =
                format!("W{:02}-{}", g + 1, w + 1).into_bytes();
        }
        let grid_name = format!("G{:02}", g + 1);
        let mut layout = Rng::new(seed, 0, g as u64);
        let mut placed = 0u64;
        let mut building = 0u64;
        while placed < n_g {
            building += 1;
            // A block of buildings per worker, by the position of the building's first household.
            let worker = (placed * workers as u64 / n_g) as usize;
            let units = 2 + layout.below(3);
            let floors = if layout.permille() < 400 {
                11 + layout.below(23)
            } else {
                5 + layout.below(3)
            };
            let doors = match layout.permille() {
                0..=599 => 2,
                600..=849 => 3,
                _ => 4,
            };
            let building_name = format!("B{building}");
            'building: for unit in 1..=units {
                for floor in 1..=floors {
                    for door in 1..=doors {
                        if placed == n_g {
                            break 'building;
                        }
                        placed += 1;
                        let h = city.households.len();
                        let room = floor * 100 + door;
                        let ids = &mut city.ids;
                        let id_start = ids.len();
                        ids.extend_from_slice(grid_name.as_bytes());
                        ids.push(b'-');
                        ids.extend_from_slice(building_name.as_bytes());
                        ids.extend_from_slice(b"-U");
                        put_u64(ids, unit);
                        ids.push(b'-');
                        put_u64(ids, room);
                        city.id_end.push(ids.len() as u32);

                        let mut r = Rng::new(seed, 1, h as u64);
                        let (level, never) = family(&mut r, &mut members);
                        // Visits fall between the first registration and the last departure.
                        let start = if members.iter().all(|x| x.since != NONE) {
                            members.iter().map(|x| x.since).min().unwrap().max(0)
                        } else {
                            0
                        };
                        let end = if members.iter().all(|x| x.until != NONE) {
                            members.iter().map(|x| x.until).max().unwrap()
                        } else {
                            NDAYS as i64
                        };
                        city.households.push(Household {
                            worker: (g * MAX_WORKERS + worker) as u16,
                            level,
                            size: members.len() as u8,
                            start: start as u16,
                            end: end.max(start) as u16,
                            never,
                        });
                        city.level_counts[level as usize] += 1;
                        if keep_people {
                            city.people.extend(members.iter().map(|m| Person {
                                household: h as u32,
                                level: m.level,
                                since: m.since,
                                until: m.until,
                            }));
                        }
                        let at = Address {
                            grid: g,
                            grid_name: grid_name.as_bytes(),
                            building_name: building_name.as_bytes(),
                            unit,
                            room,
                            visitor: &city.worker_names[g * MAX_WORKERS + worker],
                        };
                        write_members(
                            &mut r,
                            &mut res.buf,
                            &mut city.residents,
                            &city.ids[id_start..],
                            &at,
                            &members,
                        );
                        res.maybe_flush();
                    }
                }
            }
        }
    }
    res.flush();
    city.grid_first[GRIDS] = city.households.len();
    city.bytes = res.bytes;
    city
}

/// Plans exactly `m` visits (none when no household can be visited) and returns them sorted
/// by day as records: day (10 bits) | household (32) | visitor (10) | kind (2) | note (6) |
/// persons (4, 0 for empty); and the number of households never visited.
fn plan_visits(city: &City, seed: u64, m: u64) -> (Vec<u64>, u64) {
    // Each household's share of the total is proportional to its level's pace × its active
    // days × a personal factor (0.7–1.3); cumulative rounding makes the shares add up to m.
    let weights: Vec<u32> = city
        .households
        .iter()
        .enumerate()
        .map(|(h, x)| {
            if x.never || x.end <= x.start {
                return 0;
            }
            let mut r = Rng::new(seed, 2, h as u64);
            (PACE[x.level as usize] * u64::from(x.end - x.start) * (70 + r.below(61)) / 100) as u32
        })
        .collect();
    let total: u128 = weights.iter().map(|&w| w as u128).sum();
    let m = if total == 0 { 0 } else { m };

    let mut recs: Vec<u64> = Vec::with_capacity(m as usize);
    let mut per_day = [0usize; NDAYS];
    let mut never_visited = 0u64;
    let mut cum: u128 = 0;
    let mut days: Vec<u16> = Vec::new();
    for (h, x) in city.households.iter().enumerate() {
        let before = (cum * m as u128).checked_div(total).unwrap_or(0);
        cum += weights[h] as u128;
        let after = (cum * m as u128).checked_div(total).unwrap_or(0);
        let count = (after - before) as u64;
        if count == 0 {
            never_visited += 1;
            continue;
        }
        let mut r = Rng::new(seed, 3, h as u64);
        let (start, end) = (x.start as u64, x.end as u64);
        let len = end - start;
        // Spread the visits over evenly sized slots, ~10% more slots than visits: the slots
        // left out (chosen by selection sampling) are the missed periods.
        let mut slots = count;
        for _ in 0..count {
            if r.permille() < 100 {
                slots += 1;
            }
        }
        days.clear();
        let mut need = count;
        for i in 0..slots {
            if r.below(slots - i) >= need {
                continue;
            }
            need -= 1;
            let lo = start + i * len / slots;
            let hi = start + (i + 1) * len / slots;
            let w = hi - lo;
            let mut d = (lo + w / 4 + r.below(w / 2 + 1)).min(end - 1);
            // Fewer visits at weekends (day 0, 2023-01-01, is a Sunday); at most one visit
            // a day (a Sunday moved to Monday pushes a Monday visit on).
            let prev = days.last().map(|&p| p as u64);
            match (d + 6) % 7 {
                5 if d > start && prev.is_none_or(|p| p + 1 < d) && r.permille() < 600 => d -= 1,
                6 if d + 1 < end && r.permille() < 600 => d += 1,
                _ => {}
            }
            if let Some(p) = prev.filter(|&p| d <= p && p + 1 < end) {
                d = p + 1;
            }
            days.push(d as u16);
        }
        let grid = x.worker as usize / MAX_WORKERS;
        let workers = city.grid_workers[grid] as u64;
        for &d in &days {
            // Sometimes a colleague of the same grid goes.
            let visitor = if workers > 1 && r.permille() < 80 {
                (grid * MAX_WORKERS) as u64 + r.below(workers)
            } else {
                x.worker as u64
            };
            let kind = match r.permille() {
                0..=849 => 0u64,
                850..=949 => 1,
                _ => 2,
            };
            let note = match r.permille() {
                0..=779 => 0u64,
                780..=989 => 1 + r.below((NOTES.len() - 1 - COMMA_NOTES) as u64),
                _ => (NOTES.len() - COMMA_NOTES) as u64 + r.below(COMMA_NOTES as u64),
            };
            let p = r.permille();
            let persons = if p < 80 {
                0
            } else if kind != 0 {
                1
            } else {
                let k = match p {
                    80..=499 => 1,
                    500..=819 => 2,
                    820..=969 => 3,
                    _ => 4,
                };
                k.min(x.size as u64)
            };
            per_day[d as usize] += 1;
            recs.push(
                (d as u64) << 54
                    | (h as u64) << 22
                    | visitor << 12
                    | kind << 10
                    | note << 4
                    | persons,
            );
        }
    }
    drop(weights);

    // Counting sort by day (stable: within a day, households in roster order).
    let mut offset = [0usize; NDAYS];
    for d in 1..NDAYS {
        offset[d] = offset[d - 1] + per_day[d - 1];
    }
    let mut sorted = vec![0u64; recs.len()];
    for &rec in &recs {
        let d = (rec >> 54) as usize;
        sorted[offset[d]] = rec;
        offset[d] += 1;
    }
    (sorted, never_visited)
}

/// Writes the visit log; returns its size in bytes.
fn write_visits(city: &City, visits: &[u64], path: PathBuf) -> u64 {
    let iso: Vec<Vec<u8>> = (0..NDAYS)
        .map(|d| {
            let mut v = Vec::with_capacity(11);
            put_date(&mut v, BASE + d as i64, b'-');
            v.push(b',');
            v
        })
        .collect();
    let kinds: Vec<Vec<u8>> = KINDS
        .iter()
        .map(|k| format!(",{k},").into_bytes())
        .collect();
    let notes: Vec<Vec<u8>> = NOTES.iter().map(|s| csv_field(s)).collect();
    let persons: [&[u8]; 8] = [
        b",\n", b",1\n", b",2\n", b",3\n", b",4\n", b",5\n", b",6\n", b",7\n",
    ];
    let mut out = Out::create(path);
    out.buf
        .extend_from_slice(b"date,household,visitor,kind,note,persons\n");
    for &rec in visits {
        let b = &mut out.buf;
        b.extend_from_slice(&iso[(rec >> 54) as usize]);
        b.extend_from_slice(city.id(((rec >> 22) & 0xFFFF_FFFF) as usize));
        b.push(b',');
        b.extend_from_slice(&city.worker_names[((rec >> 12) & 0x3FF) as usize]);
        b.extend_from_slice(&kinds[((rec >> 10) & 3) as usize]);
        b.extend_from_slice(&notes[((rec >> 4) & 0x3F) as usize]);
        b.extend_from_slice(persons[(rec & 0xF) as usize]);
        out.maybe_flush();
    }
    out.flush();
    out.bytes
}

// ---------------------------------------------------------------------------------------
// The roster history

/// One row of history.csv before it is written.
struct Change {
    /// Day index in the visit window.
    day: u16,
    resident: u32,
    field: &'static str,
    from: Vec<u8>,
    to: Vec<u8>,
    reason: &'static str,
    /// Who recorded it: grid * MAX_WORKERS + worker.
    by: u16,
}

/// The building, unit and room of a household id such as `G07-B123-U2-1203`, as the
/// roster's cells write them.
fn address_of(id: &[u8]) -> [&[u8]; 3] {
    let mut parts = id.split(|&b| b == b'-').skip(1);
    let mut next = || parts.next().expect("household ids have four parts");
    [next(), next(), next()]
}

/// A level one step away from `level` (a re-rating rarely jumps two).
fn step(r: &mut Rng, level: u8) -> u8 {
    match level {
        0 => 1,
        3 => 2,
        _ if r.permille() < 500 => level - 1,
        _ => level + 1,
    }
}

/// Draws exactly `n` changes of the city's roster, in date order (drawing order on equal
/// dates). Each (resident, field) gets at most one chain, which ends at the roster's value.
fn plan_history(city: &City, seed: u64, n: u64) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::with_capacity(n as usize);
    let people = city.people.len() as u64;
    let households = city.households.len() as u64;
    if n == 0 || people == 0 {
        return out;
    }
    // Household h's members are residents first[h]..first[h + 1].
    let mut first = Vec::with_capacity(city.households.len() + 1);
    let mut k = 0u32;
    for x in &city.households {
        first.push(k);
        k += u32::from(x.size);
    }
    first.push(k);
    let mut used: HashSet<(u32, &'static str)> = HashSet::with_capacity(n as usize);
    let give_up = n.saturating_mul(100).saturating_add(10_000);
    let mut event = 0u64;
    while (out.len() as u64) < n {
        if event == give_up {
            die(&format!(
                "--history {n}: the roster has too few residents for that many changes"
            ));
        }
        let left = n - out.len() as u64;
        let mut r = Rng::new(seed, 4, event);
        event += 1;
        let kind = r.permille();
        // 2023-01-02..=2024-12-31: every member of a household is on the roster the day before.
        let day = 1 + r.below(NDAYS as u64 - 1) as i64;
        match kind {
            // A re-rating: one to three changes of a resident's level, a step at a time.
            0..=549 => {
                let p = r.below(people) as u32;
                if !used.insert((p, "level")) {
                    continue;
                }
                let want = match r.permille() {
                    0..=699 => 1,
                    700..=899 => 2,
                    _ => 3,
                }
                .min(left);
                let mut days: Vec<i64> = (0..want)
                    .map(|_| 1 + r.below(NDAYS as u64 - 1) as i64)
                    .collect();
                days.sort_unstable();
                days.dedup();
                // levels[i] holds before days[i], levels[i + 1] from it on.
                let mut levels = vec![city.people[p as usize].level; days.len() + 1];
                for i in (0..days.len()).rev() {
                    levels[i] = step(&mut r, levels[i + 1]);
                }
                let by = city.households[city.people[p as usize].household as usize].worker;
                for (i, &d) in days.iter().enumerate() {
                    out.push(Change {
                        day: d as u16,
                        resident: p,
                        field: "level",
                        from: LEVELS[levels[i] as usize].as_bytes().to_vec(),
                        to: LEVELS[levels[i + 1] as usize].as_bytes().to_vec(),
                        reason: "复评",
                        by,
                    });
                }
            }
            // A reassignment: every member of a household to this worker, from another
            // worker of the grid.
            550..=849 => {
                let h = r.below(households) as usize;
                let x = city.households[h];
                let (a, b) = (first[h], first[h + 1]);
                if u64::from(b - a) > left || (a..b).any(|p| used.contains(&(p, "visitor"))) {
                    continue;
                }
                let grid = x.worker as usize / MAX_WORKERS;
                let workers = city.grid_workers[grid];
                let now = x.worker as usize % MAX_WORKERS;
                if workers < 2 {
                    continue;
                }
                let mut before = r.below(workers as u64 - 1) as usize;
                if before >= now {
                    before += 1;
                }
                let before = (grid * MAX_WORKERS + before) as u16;
                for p in a..b {
                    used.insert((p, "visitor"));
                    out.push(Change {
                        day: day as u16,
                        resident: p,
                        field: "visitor",
                        from: city.worker_names[before as usize].clone(),
                        to: city.worker_names[x.worker as usize].clone(),
                        reason: "工作调整",
                        by: before,
                    });
                }
            }
            // A move: the resident lived in another household of the grid, in another
            // building, until `day`.
            _ => {
                let p = r.below(people) as u32;
                let person = city.people[p as usize];
                if (person.since != NONE && person.since >= day)
                    || (person.until != NONE && person.until <= day)
                {
                    continue;
                }
                let h = person.household as usize;
                let x = city.households[h];
                let grid = x.worker as usize / MAX_WORKERS;
                let (lo, hi) = (city.grid_first[grid], city.grid_first[grid + 1]);
                let old = lo + r.below((hi - lo) as u64) as usize;
                let (to_id, from_id) = (city.id(h), city.id(old));
                let (to_at, from_at) = (address_of(to_id), address_of(from_id));
                if to_at[0] == from_at[0] {
                    continue;
                }
                let old_worker = city.households[old].worker;
                let mut fields: Vec<(&'static str, &[u8], &[u8])> = vec![
                    ("household", from_id, to_id),
                    ("building", from_at[0], to_at[0]),
                    ("unit", from_at[1], to_at[1]),
                    ("room", from_at[2], to_at[2]),
                    (
                        "visitor",
                        &city.worker_names[old_worker as usize],
                        &city.worker_names[x.worker as usize],
                    ),
                ];
                fields.retain(|(_, from, to)| from != to);
                if fields.len() as u64 > left
                    || fields.iter().any(|(f, _, _)| used.contains(&(p, *f)))
                {
                    continue;
                }
                for (field, from, to) in fields {
                    used.insert((p, field));
                    out.push(Change {
                        day: day as u16,
                        resident: p,
                        field,
                        from: from.to_vec(),
                        to: to.to_vec(),
                        reason: "搬迁",
                        by: x.worker,
                    });
                }
            }
        }
    }
    // A stable sort: on equal dates, the order drawn (a resident's chain stays in order).
    out.sort_by_key(|c| c.day);
    out
}

/// Writes history.csv; returns its size in bytes.
fn write_history(city: &City, changes: &[Change], path: PathBuf) -> u64 {
    let mut out = Out::create(path);
    out.buf
        .extend_from_slice(b"date,id,field,from,to,reason,by\n");
    for c in changes {
        let b = &mut out.buf;
        put_date(b, BASE + i64::from(c.day), b'-');
        b.extend_from_slice(b",R");
        put_padded(b, u64::from(c.resident) + 1, 7);
        for cell in [c.field.as_bytes(), &c.from, &c.to, c.reason.as_bytes()] {
            b.push(b',');
            b.extend_from_slice(cell);
        }
        b.push(b',');
        b.extend_from_slice(&city.worker_names[c.by as usize]);
        b.push(b'\n');
        out.maybe_flush();
    }
    out.flush();
    out.bytes
}

fn main() {
    let t0 = Instant::now();
    let args = parse_args();
    let n = args.households;
    let m = match (args.visits, args.per_household) {
        (Some(v), _) => v,
        (None, Some(k)) => (n as f64 * k).round() as u64,
        (None, None) => n * 20,
    };
    for t in [SURNAMES, GIVEN] {
        assert!(t.chars().all(|c| c.len_utf8() == 3));
    }
    if let Err(e) = fs::create_dir_all(&args.out) {
        die(&format!("{}: {e}", args.out.display()));
    }
    let city = build_city(
        args.seed,
        n,
        args.out.join("residents.csv"),
        args.history > 0,
    );
    let (visits, never_visited) = plan_visits(&city, args.seed, m);
    let visits_bytes = write_visits(&city, &visits, args.out.join("visits.csv"));
    let visit_count = visits.len();
    drop(visits);
    let mut history = String::new();
    if args.history > 0 {
        let changes = plan_history(&city, args.seed, args.history);
        let bytes = write_history(&city, &changes, args.out.join("history.csv"));
        history = format!(
            " history={} history.csv={:.1}MB",
            changes.len(),
            bytes as f64 / 1e6
        );
    }
    let _ = writeln!(
        std::io::stdout(),
        "households={n} residents={} visits={} never_visited={never_visited} red={} orange={} yellow={} green={} residents.csv={:.1}MB visits.csv={:.1}MB{history} seconds={:.2} out={}",
        city.residents,
        visit_count,
        city.level_counts[0],
        city.level_counts[1],
        city.level_counts[2],
        city.level_counts[3],
        city.bytes as f64 / 1e6,
        visits_bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64(),
        args.out.display(),
    );
}
