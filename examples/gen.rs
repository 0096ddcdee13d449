//! Generates a city-sized `rounds` data directory for load tests: `residents.csv` and
//! `visits.csv` (no `rounds.toml`, so the default calendar policy applies).
//!
//!     cargo run --release --example gen -- --households 1000000 --visits 20000000 --out DIR
//!     cargo run --release --example gen -- --households 100000 --visits-per-household 20 --out DIR --seed 7
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
//! Files are UTF-8 without BOM, LF line endings, English headers, RFC 4180 quoting (only
//! some notes need it). The output is deterministic: the same arguments give
//! byte-identical files (std only, splitmix64 seeded per household).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process;
use std::time::Instant;

const USAGE: &str =
    "usage: gen --households N (--visits M | --visits-per-household K) --out DIR [--seed S]

Writes DIR/residents.csv and DIR/visits.csv: a deterministic fake city for `rounds`
(50 grids, visits 2023-01-01..=2024-12-31 sorted by date).
  --households N             households (default 10000)
  --visits M                 visit rows, exactly (default 20 per household)
  --visits-per-household K   alternative to --visits: M = round(N * K); K may be a decimal
  --out DIR                  output directory (created if missing)
  --seed S                   random seed (default 1)";

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
}

fn parse_args() -> Args {
    let mut households = 10_000u64;
    let mut visits = None;
    let mut per_household = None;
    let mut out = None;
    let mut seed = 1u64;
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

