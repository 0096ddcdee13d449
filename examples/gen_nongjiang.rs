//! Generates the bundled example community 农江社区 (Nongjiang, a fictional state-farm
//! community) for `rounds`: `residents.csv`, `visits.csv`, `needs.csv` (the needs ledger),
//! `history.csv` (the roster's change log), `rounds.toml` and `README.md`.
//!
//! Three grids, 25 buildings, about 600 households and 1,400 residents with all four
//! attention levels (四级关注), and the visit log of 2020-01-01..=2020-07-20 kept by eight
//! in-service party members (在职党员). Everything is fictional: names are drawn at random,
//! phone numbers are random and ID numbers use the nonexistent region 2399xx.
//! The CSV files look like sheets exported by Excel/WPS: UTF-8 with BOM, CRLF, Chinese
//! headers, mixed level words and date forms.
//!
//! The output is deterministic (std only, splitmix64 with a fixed seed): running it twice
//! gives byte-identical files.
//!
//!     cargo run --example gen_nongjiang -- examples/nongjiang
//!     rustc --edition 2021 -O examples/gen_nongjiang.rs -o /tmp/gen_nongjiang && /tmp/gen_nongjiang DIR
//!
//! A neighbour for a district's roll-up: the same kind of community drawn with another
//! seed, under another name (rounds.toml `name`; no README.md). Its grids, and so many
//! of its household ids, are those of 农江社区, which a roll-up keeps apart:
//!
//!     cargo run --example gen_nongjiang -- --seed 2 --name 清河社区 /tmp/district/清河社区

use std::fs;
use std::path::Path;

/// splitmix64: small, fast and good enough for fake data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let mut r = self.below(xs.iter().map(|x| x.1 as usize).sum()) as u32;
        for &(x, w) in xs {
            if r < w {
                return x;
            }
            r -= w;
        }
        unreachable!()
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

// ---- dates as day numbers (days since 1970-01-01, proleptic Gregorian) ----
fn day(y: i64, m: i64, d: i64) -> i64 {
    let (y, m) = (y + (m - 1).div_euclid(12), (m - 1).rem_euclid(12) + 1);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
}
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (
        doy - (153 * mp + 2) / 5 + 1,
        if mp < 10 { mp + 3 } else { mp - 9 },
    );
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}
fn iso(z: i64) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}
/// A date the way a hand-kept sheet has it: mostly ISO, often 2016/4/9, 2017年5月3日, 20180102.
fn sheet_date(rng: &mut Rng, z: i64) -> String {
    let (y, m, d) = civil(z);
    match rng.weighted(&[(0, 40), (1, 25), (2, 20), (3, 10), (4, 5)]) {
        0 => iso(z),
        1 => format!("{y}/{m}/{d}"),
        2 => format!("{y}年{m}月{d}日"),
        3 => format!("{y:04}{m:02}{d:02}"),
        _ => format!("{y}.{m}.{d}"),
    }
}
fn weekday(z: i64) -> i64 {
    (z + 3).rem_euclid(7)
} // 0 = Monday

const SEED: u64 = 0x4E4A_2020_0720_0001;

/// The seed in force: `SEED`, or one drawn from it and `--seed N`.
static SEED_IN_FORCE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

fn seed() -> u64 {
    *SEED_IN_FORCE.get().unwrap_or(&SEED)
}
fn first() -> i64 {
    day(2020, 1, 1)
}
fn today() -> i64 {
    day(2020, 7, 20)
}
fn lockdown(z: i64) -> bool {
    (day(2020, 1, 25)..=day(2020, 2, 29)).contains(&z)
}

const GRIDS: [(&str, &str, u32); 3] = [
    ("东岗网格", "DG", 9),
    ("西岗网格", "XG", 8),
    ("河湾网格", "HW", 8),
];
/// (name, Party branch, grid, first building, last building, how their sheet writes levels)
const WORKERS: [(&str, &str, usize, u32, u32, usize); 8] = [
    ("王建国", "农场机关党支部", 0, 1, 3, 0),
    ("李秀兰", "学校党支部", 0, 4, 6, 1),
    ("张志强", "医院党支部", 0, 7, 9, 0),
    ("刘桂芳", "供电所党支部", 1, 1, 3, 2),
    ("陈海涛", "农场机关党支部", 1, 4, 6, 3),
    ("杨丽娟", "学校党支部", 1, 7, 8, 1),
    ("赵卫东", "医院党支部", 2, 1, 4, 0),
    ("周晓梅", "供电所党支部", 2, 5, 8, 2),
];
const STYLES: [[&str; 4]; 4] = [
    ["红色", "橙色", "黄色", "绿色"],
    ["一级关注", "二级关注", "三级关注", "一般关注"],
    ["红", "橙", "黄", "绿"],
    ["一级", "二级", "三级", "一般"],
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "姜",
    "范", "石", "姚", "谭", "邹", "金", "陆", "孔", "白", "崔", "康", "毛", "秦", "史", "顾", "侯",
    "孟", "段", "钱", "尹", "常", "武", "乔", "贺", "龚", "牛", "关",
];
/// Given names by generation (born <1965, <1990, later) and sex.
const GIVEN: [[&[&str]; 2]; 3] = [
    [
        &[
            "秀英", "桂兰", "玉珍", "淑芬", "凤兰", "桂芝", "秀珍", "玉梅", "淑琴", "素芳", "翠花",
            "春梅", "丽华", "金凤", "桂香", "凤琴",
        ],
        &[
            "建国", "国庆", "德胜", "福山", "永贵", "长林", "树林", "宝山", "玉林", "振华", "文斌",
            "志明", "庆丰", "保国", "立新", "卫东", "满仓", "有才",
        ],
    ],
    [
        &[
            "芳", "丽", "静", "艳", "娟", "敏", "燕", "红梅", "晓燕", "丽娜", "雪梅", "海燕",
            "春燕", "琳", "玲", "倩", "秀云", "冬梅",
        ],
        &[
            "伟", "强", "军", "磊", "勇", "涛", "斌", "刚", "海波", "志强", "建军", "晓东", "鹏",
            "宏伟", "国栋", "大伟", "明", "亮", "超", "春雷",
        ],
    ],
    [
        &[
            "欣怡", "子涵", "雨桐", "梓萱", "思琪", "佳怡", "诗涵", "一诺", "可欣", "梦琪", "雨欣",
            "婉清", "佳琪", "若曦",
        ],
        &[
            "浩然", "子轩", "宇航", "俊杰", "梓豪", "一鸣", "博文", "子墨", "浩宇", "天佑", "家乐",
            "明轩", "嘉豪", "思远",
        ],
    ],
];
/// 备注 in the roster, for the elderly and for other adults.
const OLD_NOTES: &[&str] = &[
    "子女在外地,每月回来一次",
    "女儿在哈尔滨工作，常打电话",
    "耳背，电话沟通困难，请入户",
    "行动不便\n需上门服务",
    "自称\"老农垦\"，爱讲过去的事",
    "农场退休职工",
    "儿子在大庆，女儿在本场",
];
const ADULT_NOTES: &[&str] = &[
    "租户，房东电话另存",
    "外出务工,春节返乡",
    "养狗，入户前先打电话",
    "需协助办理\"一卡通\"",
    "在场部上班，白天不在家",
];

struct Person {
    id: String,
    name: String,
    male: bool,
    birth: i64,
    level: u8,
    tags: Vec<&'static str>,
    phone: String,
    idno: String,
    since: Option<i64>,
    until: Option<i64>,
    note: String,
    house: usize,
}
impl Person {
    fn age(&self) -> i64 {
        (today() - self.birth) * 400 / 146097
    }
    fn active(&self, z: i64) -> bool {
        self.since.is_none_or(|s| s <= z) && self.until.is_none_or(|u| z < u)
    }
}
#[derive(Clone, Copy, PartialEq)]
enum Class {
    Normal,
    Lag,
    Never,
}
struct House {
    grid: usize,
    bld: u32,
    unit: u32,
    room: u32,
    worker: usize,
    level: u8,
    members: Vec<usize>,
    key: String,
    keyed_by_resident: bool,
    class: Class,
    since: Option<i64>,
}

/// One resident; `male` is the chance of a man.
fn person(rng: &mut Rng, surname: &str, male: f64, age: i64) -> Person {
    let birth = today() - age * 365 - age / 4 - rng.range(1, 364);
    born(rng, surname, male, birth)
}
fn born(rng: &mut Rng, surname: &str, male: f64, birth: i64) -> Person {
    let male = rng.chance(male);
    let age = (today() - birth) * 400 / 146097;
    let gen_idx = match civil(birth).0 {
        y if y < 1965 => 0,
        y if y < 1990 => 1,
        _ => 2,
    };
    let name = format!("{surname}{}", rng.pick(GIVEN[gen_idx][male as usize]));
    let (y, m, d) = civil(birth);
    let sex = rng.pick(if male {
        &[1, 3, 5, 7, 9]
    } else {
        &[0, 2, 4, 6, 8]
    });
    let body = format!(
        "{}{y:04}{m:02}{d:02}{:02}{sex}",
        rng.pick(&["239901", "239902", "239903", "239911"]),
        rng.range(0, 99)
    );
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    let idno = format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char);
    let phone = if age >= 16 && rng.chance(if age >= 75 { 0.6 } else { 0.92 }) {
        format!(
            "1{}{}{:08}",
            rng.pick(&[3, 5, 8]),
            rng.range(0, 9),
            rng.next() % 100_000_000
        )
    } else {
        String::new()
    };
    Person {
        id: String::new(),
        name,
        male,
        birth,
        level: 3,
        tags: vec![],
        phone,
        idno,
        since: None,
        until: None,
        note: String::new(),
        house: 0,
    }
}

/// A plausible family of `size` people (head first).
fn family(rng: &mut Rng, size: usize) -> Vec<Person> {
    let sur = rng.pick(SURNAMES);
    let other = |rng: &mut Rng| rng.pick(SURNAMES);
    let couple = |rng: &mut Rng, lo: i64, hi: i64| -> Vec<Person> {
        let h = rng.range(lo, hi);
        let w = (h - rng.range(0, 4)).max(lo - 2);
        let s2 = other(rng);
        vec![person(rng, sur, 1.0, h), person(rng, s2, 0.0, w)]
    };
    let kid = |rng: &mut Rng, mother: i64| -> Person {
        let a = mother - rng.range(22, 32);
        let a = if a < 0 { rng.range(0, 4) } else { a };
        person(rng, sur, 0.5, a)
    };
    match size {
        1 => {
            let old = rng.chance(0.7);
            let age = if old {
                rng.range(62, 92)
            } else {
                rng.range(24, 58)
            };
            vec![person(rng, sur, 0.45, age)]
        }
        2 => match rng.below(100) {
            0..=54 => couple(rng, 58, 88),
            55..=79 => couple(rng, 38, 60),
            _ => {
                let a = rng.range(36, 56);
                let p = person(rng, sur, 0.4, a);
                let a = p.age();
                vec![p, kid(rng, a)]
            }
        },
        _ => {
            let r = rng.below(100);
            if size == 3 && r < 15 {
                // grandparents raising a grandchild whose parents work elsewhere
                let mut v = couple(rng, 60, 78);
                let a = rng.range(6, 15);
                v.push(person(rng, sur, 0.5, a));
                return v;
            }
            if size == 3 && r < 35 {
                let mut v = couple(rng, 58, 80);
                let a = v[1].age();
                v.push(kid(rng, a));
                return v;
            }
            let mut v = couple(rng, 28, 52);
            let mother = v[1].age();
            let kids = if size == 3 || (size == 4 && r < 20) {
                1
            } else {
                2
            };
            for _ in 0..kids {
                v.push(kid(rng, mother));
            }
            while v.len() < size {
                let a = (v[0].age() + rng.range(24, 32)).min(94);
                v.push(person(rng, sur, 0.4, a));
            }
            v
        }
    }
}

/// Give the household its level: one member carries it with fitting tags, the others are
/// no stricter.
fn assign_level(rng: &mut Rng, fam: &mut [Person], level: u8) {
    let n = fam.len();
    let ages: Vec<i64> = fam.iter().map(|p| p.age()).collect();
    let eldest = (0..n).max_by_key(|&i| ages[i]).unwrap();
    let adults: Vec<usize> = (0..n).filter(|&i| ages[i] >= 18).collect();
    let adult = if adults.is_empty() {
        eldest
    } else {
        rng.pick(&adults)
    };
    let all_old = ages.iter().all(|&a| a >= 60);
    let kid = (0..n).rev().find(|&i| ages[i] < 16);
    let left_behind = kid.is_some() && !ages.iter().any(|&a| (20..=55).contains(&a));
    type Tags = &'static [&'static str];
    let (focal, tags): (usize, Tags) = match level {
        0 if n == 1 && ages[0] >= 60 => (
            0,
            rng.pick(&[&["独居老人", "慢性病"][..], &["独居老人", "残疾人"]]),
        ),
        0 => rng.pick(&[
            (adult, &["重点人员"][..]),
            (eldest, &["残疾人", "低保"]),
            (eldest, &["慢性病", "残疾人"]),
        ]),
        1 if n == 1 && ages[0] >= 60 => (0, &["独居老人"]),
        1 if all_old => (
            eldest,
            rng.pick(&[&["空巢老人", "慢性病"][..], &["空巢老人"]]),
        ),
        1 => rng.pick(&[
            (eldest, &["慢性病", "低保"][..]),
            (adult, &["残疾人"]),
            (0, &["低保"]),
        ]),
        2 => {
            let mut opts: Vec<(usize, Tags)> =
                vec![(eldest, &["慢性病"]), (0, &["低保"]), (adult, &["残疾人"])];
            if let Some(&m) = adults.iter().find(|&&i| fam[i].male) {
                opts.push((m, &["退役军人"]));
            }
            if let (true, Some(k)) = (left_behind, kid) {
                opts.push((k, &["留守儿童"]));
                opts.push((k, &["留守儿童"]));
            }
            if all_old {
                opts.push((eldest, &["空巢老人"]));
            }
            rng.pick(&opts)
        }
        _ if rng.chance(0.12) => (adult, rng.pick(&[&["退役军人"][..], &["慢性病"]])),
        _ => (0, &[]),
    };
    for (i, p) in fam.iter_mut().enumerate() {
        if i == focal {
            p.level = level;
            p.tags = tags.to_vec();
        } else if level <= 1 && ages[i] >= 65 && rng.chance(0.4) {
            p.level = 2;
            p.tags = vec!["慢性病"];
        }
    }
}

/// A resident's special groups as the roster writes them: those that go with the level, and
/// those the office keeps besides (高龄 from 80, 独居老人 for one living alone from 60, and a
/// share of 低保, 残疾人, 退役军人 and 独居老人 drawn apart from everything else, so that the
/// rest of the example does not change with them).
fn special_groups(p: &Person, living: usize) -> Vec<&'static str> {
    let mut tags = p.tags.clone();
    let seed = p.id.bytes().fold(seed() ^ 0x7A65_6E64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    let mut own = Rng(seed);
    let age = p.age();
    let mut add = |t: &'static str| {
        if !tags.contains(&t) {
            tags.push(t);
        }
    };
    if age >= 80 {
        add("高龄");
    }
    if living == 1 && age >= 60 {
        add("独居老人");
    }
    if age >= 18 && own.chance(0.03) {
        add("低保");
    }
    if own.chance(0.015) {
        add("残疾人");
    }
    if p.male && (40..=75).contains(&age) && own.chance(0.05) {
        add("退役军人");
    }
    tags
}

fn periods(level: u8) -> Vec<(i64, i64)> {
    let (a, t) = (first(), today());
    let mut v = vec![];
    if level == 0 {
        let mut s = day(2019, 12, 30); // Monday of ISO week 2020-W01
        while s <= t {
            v.push((s.max(a), (s + 6).min(t)));
            s += 7;
        }
    } else {
        let step = [0, 1, 3, 6][level as usize];
        let mut m = 1;
        while day(2020, m, 1) <= t {
            v.push((day(2020, m, 1), (day(2020, m + step, 1) - 1).min(t)));
            m += step;
        }
    }
    v
}

struct Visit {
    date: i64,
    worker: usize,
    key: String,
    kind: &'static str,
    note: String,
    persons: String,
}

const NOBODY: &str = "家中无人，改约下周";
fn visit_note(rng: &mut Rng, tags: &[&str], z: i64, kind: &str) -> String {
    let m = civil(z).1;
    if lockdown(z) && rng.chance(0.7) {
        return rng
            .pick(&[
                "电话询问健康状况，体温正常",
                "提醒居家隔离，不串门",
                "宣传防疫知识，戴口罩勤洗手",
                "代购生活物资，已送到门口",
                "无发热、咳嗽等症状",
            ])
            .into();
    }
    let comma_note = if z < day(2020, 1, 20) {
        "情况正常,已提醒冬季用电用火安全"
    } else {
        "情况正常,已宣传防疫知识"
    };
    let r = rng.below(100);
    if r < 30 && !tags.is_empty() {
        let t = rng.pick(tags);
        let pool: &[&str] = match t {
            "慢性病" => &[
                "血压偏高，已提醒按时服药",
                "血糖控制一般，建议复查",
                "协助预约场部医院复诊",
                "送药上门",
            ],
            "低保" if (4..=6).contains(&m) => &["协助办理低保年审", "核实家庭收入情况"],
            "低保" => &[
                "发放慰问品",
                "核实家庭收入情况",
                "了解生活困难，已向社区反映",
            ],
            "独居老人" | "空巢老人" => &[
                "帮忙打扫卫生",
                "送药上门",
                "老人身体硬朗，精神好",
                "老人说\"一切都好，别惦记\"",
            ],
            "残疾人" => &["协助申请残疾人两项补贴", "轮椅需维修，已联系残联"],
            "留守儿童" => &["了解孩子学习情况，网课正常", "孩子父母在外务工，已电话沟通"],
            "退役军人" => &["悬挂光荣牌", "了解优抚政策落实情况"],
            _ => &["情绪稳定，按时服药", "家属反映近期睡眠不好，已联系医生"],
        };
        return rng.pick(pool).into();
    }
    if r < 40 && kind == "入户" {
        let heating = if m <= 4 {
            "反映暖气不热，已报供热站"
        } else {
            "反映楼上漏水，已协调"
        };
        return rng
            .pick(&[
                "反映楼道灯坏了，已报物业",
                "反映下水道堵塞，已联系维修",
                heating,
                "调解邻里纠纷",
                "反映两件事：\n1.楼道灯坏了\n2.单元门锁坏了，已报物业",
            ])
            .into();
    }
    match kind {
        "电话" => rng
            .pick(&["电话回访，情况正常", "电话联系，身体状况良好", "情况正常"])
            .into(),
        "视频" => rng
            .pick(&["视频通话，精神状态好", "微信视频，情况正常"])
            .into(),
        _ => rng
            .weighted(&[
                ("情况正常", 10),
                ("身体状况良好", 3),
                ("情况稳定，无特殊需求", 3),
                ("了解家庭近况，无异常", 2),
                ("宣传防范电信诈骗", 2),
                ("宣传垃圾分类", 1),
                (comma_note, 1),
            ])
            .into(),
    }
}

/// Records one visit (and a follow-up a week later when nobody was home).
fn add_visit(
    rng: &mut Rng,
    ps: &[Person],
    h: &House,
    z: i64,
    kind: Option<&'static str>,
    note: Option<&str>,
    out: &mut Vec<Visit>,
) {
    let kind = kind.unwrap_or_else(|| {
        let (home, phone) = if lockdown(z) {
            (15, 72)
        } else if civil(z).1 == 3 {
            (50, 44)
        } else {
            (82, 15)
        };
        rng.weighted(&[
            ("入户", home),
            ("电话", phone),
            ("视频", 100 - home - phone),
        ])
    });
    let act = h.members.iter().filter(|&&i| ps[i].active(z)).count() as i64;
    let tags: Vec<&str> = h
        .members
        .iter()
        .flat_map(|&i| ps[i].tags.iter().copied())
        .collect();
    let nobody = note.is_none() && kind == "入户" && rng.chance(0.04);
    let note = if nobody {
        NOBODY.to_string()
    } else {
        note.map(String::from)
            .unwrap_or_else(|| visit_note(rng, &tags, z, kind))
    };
    let persons = if nobody {
        "0".to_string()
    } else if rng.chance(0.1) {
        String::new()
    } else {
        match kind {
            _ if note.starts_with("疫情") => act,
            "入户" if act > 2 => rng.range(1, act),
            "入户" => act,
            "视频" => rng.range(1, act.clamp(1, 2)),
            _ => 1,
        }
        .to_string()
    };
    out.push(Visit {
        date: z,
        worker: h.worker,
        key: h.key.clone(),
        kind,
        note,
        persons,
    });
    if nobody {
        let z2 = z + rng.range(5, 9);
        if z2 <= today()
            && !out.iter().any(|v| v.date == z2)
            && h.members.iter().any(|&i| ps[i].active(z2))
        {
            add_visit(rng, ps, h, z2, Some("入户"), None, out);
        }
    }
}

/// A day in lo..=hi when the household is active and not yet visited: few Sundays, and
/// mostly not within the `quiet` spans (Spring Festival, lockdown).
fn pick_day(
    rng: &mut Rng,
    ps: &[Person],
    h: &House,
    lo: i64,
    hi: i64,
    done: &[Visit],
    quiet: &[(i64, i64)],
) -> Option<i64> {
    let lo = lo.max(h.since.unwrap_or(lo));
    if lo > hi {
        return None;
    }
    for _ in 0..40 {
        let z = rng.range(lo, hi);
        if done.iter().any(|v| v.date == z) || !h.members.iter().any(|&i| ps[i].active(z)) {
            continue;
        }
        if weekday(z) == 6 && rng.chance(0.6) {
            continue;
        }
        if quiet.iter().any(|&(a, b)| (a..=b).contains(&z)) && rng.chance(0.85) {
            continue;
        }
        return Some(z);
    }
    None
}

/// The household's visits of 2020-01-01..=2020-07-20, in no particular order.
fn visits_for(rng: &mut Rng, ps: &[Person], h: &House) -> Vec<Visit> {
    let mut out = vec![];
    if h.class == Class::Never {
        return out;
    }
    let lv = h.level as usize;
    // Spring Festival calls on red and orange households
    if let Some(z) = (lv <= 1)
        .then(|| pick_day(rng, ps, h, day(2020, 1, 15), day(2020, 1, 23), &out, &[]))
        .flatten()
    {
        add_visit(
            rng,
            ps,
            h,
            z,
            Some("入户"),
            Some("春节慰问，送米面油"),
            &mut out,
        );
    }
    // Covid-19 screening by phone, late January to early February
    let mut screened = false;
    if let Some(z) = (lv < 3 || rng.chance(0.88))
        .then(|| pick_day(rng, ps, h, day(2020, 1, 27), day(2020, 2, 9), &out, &[]))
        .flatten()
    {
        let note = rng.pick(&[
            "疫情排查：无外出史，无发热症状",
            "登记返乡人员信息，居家观察中",
            "疫情排查，全家体温正常",
            "疫情排查，已宣传防疫知识",
        ]);
        let kind = if rng.chance(0.9) { "电话" } else { "入户" };
        add_visit(rng, ps, h, z, Some(kind), Some(note), &mut out);
        screened = true;
    }
    // flood season: the river-bend grid checks its houses before the rains
    let flood = GRIDS[h.grid].1 == "HW" && h.class == Class::Normal && rng.chance(0.5);
    if let Some(z) = flood
        .then(|| pick_day(rng, ps, h, day(2020, 7, 1), day(2020, 7, 17), &out, &[]))
        .flatten()
    {
        let note = rng.pick(&[
            "汛期前排查，提醒防汛安全",
            "检查房屋漏雨情况，无隐患",
            "汛期安全提醒,已留应急电话",
        ]);
        add_visit(rng, ps, h, z, Some("入户"), Some(note), &mut out);
    }
    let ps_list = periods(h.level);
    let n = ps_list.len();
    // routine visits avoid the Spring Festival holiday; green ones also the February lockdown
    let festival = (day(2020, 1, 24), day(2020, 1, 30));
    let quiet: &[(i64, i64)] = if lv == 3 {
        &[festival, (day(2020, 2, 1), day(2020, 2, 29))]
    } else {
        &[festival]
    };
    const BASE: [f64; 4] = [0.9, 0.92, 0.9, 1.0];
    const CURRENT: [f64; 4] = [0.3, 0.45, 0.2, 0.1];
    const EXTRA: [f64; 4] = [0.0, 0.3, 0.25, 0.25];
    for (i, &(lo, hi_day)) in ps_list.iter().enumerate() {
        let p = match (h.class, i) {
            (Class::Lag, i) if i + 2 >= n => 0.0,
            (Class::Lag, i) if i + 3 == n => 0.5,
            (_, i) if i + 1 == n => CURRENT[lv],
            (_, i) if i + 2 == n => {
                if lv == 3 && screened {
                    0.6
                } else {
                    1.0
                }
            }
            _ => BASE[lv],
        };
        if !rng.chance(p) {
            continue;
        }
        let k = 1
            + rng.chance(EXTRA[lv]) as usize
            + (lv <= 1 && civil(lo).1 == 2 && rng.chance(0.7)) as usize;
        for _ in 0..k {
            if let Some(z) = pick_day(rng, ps, h, lo, hi_day, &out, quiet) {
                add_visit(rng, ps, h, z, None, None, &mut out);
            }
        }
    }
    out
}

/// One changed field of one resident in history.csv (名册变更记录).
struct Change {
    date: i64,
    person: usize,
    field: &'static str,
    from: String,
    to: String,
    reason: &'static str,
    by: String,
}

const LEVEL_WORDS: [&str; 4] = ["红色", "橙色", "黄色", "绿色"];

/// The roster's history of 2020: re-ratings both ways (with the visits a stricter level
/// asks for from that day on), households handed to another worker, a family moving to
/// another building and a resident moving out. Changes `ps`, `houses` and `visits` so
/// that the roster holds the latest values, and returns the changes in date order.
/// Drawn with its own generator so that the other files stay as they were.
fn history(
    ps: &mut [Person],
    houses: &mut Vec<House>,
    vacant: &[House],
    visits: &mut Vec<Visit>,
) -> Vec<Change> {
    let mut rng = Rng(seed() ^ 0x6869_7374_6f72);
    let mut out: Vec<Change> = vec![];
    let mut used: Vec<usize> = vec![];
    // households whose members all lived there the whole half-year
    let steady = |ps: &[Person], h: &House| {
        h.class == Class::Normal
            && h.since.is_none()
            && h.members
                .iter()
                .all(|&m| ps[m].until.is_none() && ps[m].since.is_none_or(|s| s < first()))
    };
    let mut order: Vec<usize> = (0..houses.len()).collect();
    rng.shuffle(&mut order);
    // a working day in lo..=hi outside the Spring Festival, else lo
    let weekday_in = |rng: &mut Rng, lo: i64, hi: i64| {
        (0..60)
            .map(|_| rng.range(lo, hi))
            .find(|&z| weekday(z) < 5 && !(day(2020, 1, 24)..=day(2020, 2, 2)).contains(&z))
            .unwrap_or(lo)
    };

    // 1. re-ratings: (from, to, how many, reasons); the first is the README's example
    const UP: &[&str] = &["病情加重", "家庭变故", "病情加重", "生活困难"];
    const DOWN: &[&str] = &["复评降级", "病情好转", "复评降级", "子女返乡照料"];
    let plan: [(u8, u8, usize, &[&str]); 10] = [
        (3, 0, 1, &["病情加重"]),
        (3, 2, 6, &["病情加重", "新增慢性病", "家庭变故"]),
        (2, 1, 5, UP),
        (1, 0, 3, UP),
        (3, 1, 2, &["家庭变故", "配偶去世，独居"]),
        (0, 1, 3, DOWN),
        (1, 2, 4, DOWN),
        (2, 3, 5, &["复评降级", "已就业", "病情好转"]),
        (2, 1, 2, &["病情加重"]), // and back again later in the year
        (3, 2, 1, &["家庭变故"]), // and back again later in the year
    ];
    let mut reratings: Vec<(usize, i64, u8)> = vec![]; // (household, day, new household level)
    for (k, &(from, to, n, reasons)) in plan.iter().enumerate() {
        let mut left = n;
        for &i in &order {
            if left == 0 {
                break;
            }
            let h = &houses[i];
            if used.contains(&i) || h.level != from || !steady(ps, h) {
                continue;
            }
            // the member who carries the level, alone at it
            let carriers: Vec<usize> = h
                .members
                .iter()
                .copied()
                .filter(|&m| ps[m].level == from)
                .collect();
            if carriers.len() != 1 || (k == 0 && GRIDS[h.grid].1 != "HW") {
                continue;
            }
            let m = carriers[0];
            let z = if k == 0 {
                day(2020, 5, 13)
            } else if k >= 8 {
                weekday_in(&mut rng, day(2020, 2, 24), day(2020, 4, 10))
            } else {
                weekday_in(&mut rng, day(2020, 2, 3), day(2020, 7, 10))
            };
            let by = WORKERS[h.worker].0.to_string();
            out.push(Change {
                date: z,
                person: m,
                field: "关注等级",
                from: LEVEL_WORDS[from as usize].into(),
                to: LEVEL_WORDS[to as usize].into(),
                reason: rng.pick(reasons),
                by: by.clone(),
            });
            ps[m].level = to;
            if k >= 8 {
                // re-rated back after the next review
                let z2 = weekday_in(&mut rng, day(2020, 6, 1), day(2020, 7, 10));
                out.push(Change {
                    date: z2,
                    person: m,
                    field: "关注等级",
                    from: LEVEL_WORDS[to as usize].into(),
                    to: LEVEL_WORDS[from as usize].into(),
                    reason: "复评降级",
                    by,
                });
                ps[m].level = from;
                reratings.push((i, z, to));
                reratings.push((i, z2, from));
            } else {
                reratings.push((i, z, to));
            }
            used.push(i);
            left -= 1;
        }
        assert_eq!(left, 0, "no household left for re-rating {from}->{to}");
    }
    // a stricter level asks for visits from its first day on: the worker calls the day of
    // the re-rating (the README's household first on Friday), then in every period
    let mut extra: Vec<Visit> = vec![];
    for (n, &(i, z, level)) in reratings.iter().enumerate() {
        let next = reratings[n + 1..]
            .iter()
            .find(|r| r.0 == i)
            .map_or(today() + 1, |r| r.1);
        let h = &houses[i];
        let mut s = z;
        let mut first_call = true;
        while s < next {
            let (lo, hi) = period_of(level, s);
            if hi > today() {
                break; // the period under way
            }
            let done = visits
                .iter()
                .chain(&extra)
                .any(|v| v.key == h.key && (s..=hi).contains(&v.date));
            if !done {
                let when = if first_call && n == 0 {
                    z + 2
                } else if first_call {
                    z
                } else if s.max(lo) <= hi.min(next - 1) {
                    weekday_in(&mut rng, s.max(lo), hi.min(next - 1))
                } else {
                    next
                };
                let clash = visits
                    .iter()
                    .chain(&extra)
                    .any(|v| v.key == h.key && v.date == when);
                if !clash && when < next {
                    let note = first_call.then_some("复评后首次走访，已告知走访安排");
                    add_visit(&mut rng, ps, h, when, Some("入户"), note, &mut extra);
                }
            }
            first_call = false;
            s = hi + 1;
        }
    }
    visits.extend(extra);

    // 2. households handed to another worker: (grid, building, how many, to worker, day, reason)
    let handover = [
        (0usize, 3u32, 3usize, 1usize, day(2020, 4, 1), "网格调整"),
        (1, 6, 2, 5, day(2020, 6, 1), "人员调整"),
    ];
    for &(g, b, n, to, z, reason) in &handover {
        let mut left = n;
        for &i in &order {
            if left == 0 {
                break;
            }
            let h = &houses[i];
            if used.contains(&i) || h.grid != g || h.bld != b || !steady(ps, h) {
                continue;
            }
            let from = h.worker;
            for &m in &h.members {
                out.push(Change {
                    date: z,
                    person: m,
                    field: "负责人",
                    from: WORKERS[from].0.into(),
                    to: WORKERS[to].0.into(),
                    reason,
                    by: "社区居委会".into(),
                });
            }
            for v in visits.iter_mut().filter(|v| v.key == h.key && v.date >= z) {
                v.worker = to;
            }
            houses[i].worker = to;
            used.push(i);
            left -= 1;
        }
        assert_eq!(left, 0, "no household left to hand over");
    }

    // 3. a family moves from 东岗 2栋 into an empty flat of 东岗 4–6栋 (another worker's)
    let z = day(2020, 6, 6);
    let i = order
        .iter()
        .copied()
        .find(|&i| {
            let h = &houses[i];
            !used.contains(&i)
                && h.grid == 0
                && h.bld == 2
                && h.members.len() == 3
                && !h.keyed_by_resident
                && steady(ps, h)
        })
        .expect("a family in 东岗 2栋");
    let flat = vacant
        .iter()
        .filter(|f| f.grid == 0 && (4..=6).contains(&f.bld))
        .min_by_key(|f| (f.unit != houses[i].unit, f.bld, f.unit, f.room))
        .expect("an empty flat in 东岗 4–6栋");
    let old = &houses[i];
    let mut new = House {
        grid: flat.grid,
        bld: flat.bld,
        unit: flat.unit,
        room: flat.room,
        worker: WORKERS
            .iter()
            .position(|w| w.2 == flat.grid && (w.3..=w.4).contains(&flat.bld))
            .unwrap(),
        level: old.level,
        members: old.members.clone(),
        key: String::new(),
        keyed_by_resident: false,
        class: Class::Normal,
        since: None,
    };
    new.key = format!(
        "{}{:02}-{}-{:04}",
        GRIDS[new.grid].1, new.bld, new.unit, new.room
    );
    let by = WORKERS[old.worker].0.to_string();
    for &m in &old.members {
        for (field, from, to) in [
            ("户号", old.key.clone(), new.key.clone()),
            ("楼栋", format!("{}栋", old.bld), format!("{}栋", new.bld)),
            (
                "单元",
                format!("{}单元", old.unit),
                format!("{}单元", new.unit),
            ),
            ("房号", old.room.to_string(), new.room.to_string()),
            (
                "负责人",
                WORKERS[old.worker].0.to_string(),
                WORKERS[new.worker].0.to_string(),
            ),
        ] {
            if from == to {
                continue;
            }
            out.push(Change {
                date: z,
                person: m,
                field,
                from,
                to,
                reason: "搬迁",
                by: by.clone(),
            });
        }
    }
    for v in visits
        .iter_mut()
        .filter(|v| v.key == old.key && v.date >= z)
    {
        (v.key, v.worker) = (new.key.clone(), new.worker);
    }
    let hi = houses.len();
    for &m in &old.members {
        ps[m].house = hi;
    }
    used.push(i);
    houses.push(new);

    // 4. a grown-up child moves away (迁出日期)
    let z = day(2020, 6, 22);
    let (i, m) = order
        .iter()
        .copied()
        .filter(|&i| !used.contains(&i) && houses[i].members.len() >= 3 && steady(ps, &houses[i]))
        .find_map(|i| {
            let h = &houses[i];
            let lv = h.members.iter().map(|&m| ps[m].level).min().unwrap();
            h.members
                .iter()
                .copied()
                .find(|&m| ps[m].level > lv && (20..=35).contains(&ps[m].age()))
                .map(|m| (i, m))
        })
        .expect("a grown-up child");
    out.push(Change {
        date: z,
        person: m,
        field: "迁出日期",
        from: String::new(),
        to: iso(z),
        reason: "迁往外地工作",
        by: WORKERS[houses[i].worker].0.into(),
    });
    ps[m].until = Some(z);
    ps[m].note = "迁往外地工作".into();

    visits.sort_by(|a, b| (a.date, a.worker, &a.key).cmp(&(b.date, b.worker, &b.key)));
    out.sort_by_key(|c| c.date); // stable: each resident's changes keep their order
    out
}

/// The period of the level that holds day z, clipped to 2020-01-01.
fn period_of(level: u8, z: i64) -> (i64, i64) {
    if level == 0 {
        let mon = z - weekday(z);
        return (mon.max(first()), mon + 6);
    }
    let step = [0, 1, 3, 6][level as usize];
    let (y, m, _) = civil(z);
    let m0 = (m - 1) / step * step + 1;
    (day(y, m0, 1), day(y, m0 + step, 1) - 1)
}

fn csv(path: &Path, header: &str, rows: &[Vec<String>]) {
    let mut s = String::from("\u{feff}");
    s += header;
    s += "\r\n";
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        s += &cells.join(",");
        s += "\r\n";
    }
    fs::write(path, s).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// What residents raise in one category, and how it is resolved.
struct NeedKind {
    category: &'static str,
    weight: u32,
    texts: &'static [&'static str],
    /// The resolution of each text.
    resolutions: &'static [&'static str],
    /// Days from raising to resolution, at least and at most.
    days: (i64, i64),
}

const NEEDS: [NeedKind; 6] = [
    NeedKind {
        category: "生活困难",
        weight: 22,
        texts: &[
            "暖气片不热，屋里只有十二三度",
            "老人独居，冬季取暖煤不够",
            "家中失业，申请临时救助",
            "残疾人两项补贴迟迟未到账",
            "想找一份离家近的零工",
            "冬季买菜不便，需要送菜上门",
        ],
        resolutions: &[
            "联系热力站更换阀门，室温回升到十八度",
            "协调农场工会送煤一吨",
            "协助提交临时救助申请，已发放救助金",
            "联系民政核实，补贴已补发",
            "推荐到农场食堂帮工",
            "联系超市每周送菜一次",
        ],
        days: (4, 28),
    },
    NeedKind {
        category: "矛盾纠纷",
        weight: 18,
        texts: &[
            "楼上漏水泡坏楼下吊顶，双方争执",
            "邻居在楼道堆放杂物，引发口角",
            "宅前菜地边界不清，两户争吵",
            "养狗扰民，邻里关系紧张",
            "赡养老人费用兄弟间有分歧",
            "装修噪音扰民",
        ],
        resolutions: &[
            "经调解室调解，楼上赔偿维修费，双方签订调解协议",
            "调解后清理楼道杂物，双方和好",
            "会同网格长现场丈量，重新划定边界",
            "调解后约定遛狗拴绳、夜间关窗",
            "组织家庭会议，兄弟按月分担费用",
            "约定施工时间，双方认可",
        ],
        days: (2, 21),
    },
    NeedKind {
        category: "政策咨询",
        weight: 20,
        texts: &[
            "咨询医保缴费和异地就医备案",
            "咨询养老保险补缴",
            "咨询孩子入学需要的材料",
            "咨询新冠疫情期间返岗证明怎么开",
            "咨询高龄津贴申领条件",
        ],
        resolutions: &[
            "讲解政策并协助在手机上办理",
            "陪同到社保窗口办理",
            "提供材料清单，已办好",
            "协助开具证明",
            "已符合条件，协助申领",
        ],
        days: (1, 7),
    },
    NeedKind {
        category: "医疗健康",
        weight: 16,
        texts: &[
            "老人慢性病需要定期送药",
            "术后需要上门换药",
            "想办理家庭医生签约",
            "行动不便，需要上门测血压血糖",
        ],
        resolutions: &[
            "联系卫生室每月送药上门",
            "联系农场医院护士上门换药",
            "已与家庭医生团队签约",
            "卫生室每周上门测量一次",
        ],
        days: (2, 14),
    },
    NeedKind {
        category: "环境设施",
        weight: 18,
        texts: &[
            "单元门禁坏了，陌生人随意进出",
            "楼道灯不亮，老人上下楼不安全",
            "下水道堵塞，污水外溢",
            "楼前路面塌陷，雨天积水",
            "屋顶漏雨，需要维修防水",
        ],
        resolutions: &[
            "物业更换门禁锁",
            "更换声控灯",
            "物业疏通下水管道",
            "农场基建科回填修补路面",
            "房管所维修屋面防水",
        ],
        days: (3, 45),
    },
    NeedKind {
        category: "其他",
        weight: 6,
        texts: &["希望组织老年人健康讲座", "想参加社区志愿服务"],
        resolutions: &["已纳入本月活动安排", "已登记为志愿者"],
        days: (3, 20),
    },
];

/// The needs ledger (诉求台账): needs raised on home visits of the first half-year, with
/// their handling, resolution and follow-up visit (回访). Drawn with its own generator so
/// that the other files stay as they were.
fn needs_rows(visits: &[Visit]) -> Vec<Vec<String>> {
    let mut rng = Rng(seed() ^ 0x6E65_6564_7300);
    let home: Vec<&Visit> = visits
        .iter()
        .filter(|v| v.kind == "入户" && v.note != NOBODY && v.date <= day(2020, 6, 30))
        .collect();
    let mut picked: Vec<usize> = vec![];
    while picked.len() < 42 {
        let i = rng.below(home.len());
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    let weights: Vec<(usize, u32)> = NEEDS
        .iter()
        .enumerate()
        .map(|(i, n)| (i, n.weight))
        .collect();
    let mut rows = vec![];
    for (k, &i) in picked.iter().enumerate() {
        let v = home[i];
        let c = rng.weighted(&weights);
        let NeedKind {
            category,
            texts,
            resolutions,
            days: (lo, hi),
            ..
        } = NEEDS[c];
        // Heating and winter needs only in the heating season (until mid-April).
        let wintry = |t: &str| t.contains("暖气") || t.contains("取暖") || t.contains("冬季");
        let mut which = rng.below(texts.len());
        while wintry(texts[which]) && v.date > day(2020, 4, 15) {
            which = rng.below(texts.len());
        }
        // About one need in eight waits on money or another office and stays open.
        let stuck = rng.chance(0.12);
        let started = v.date + rng.range(0, 2);
        let resolved = v.date + rng.range(lo, hi);
        // The status in the words the tool writes under a Chinese header.
        let (status, started, resolved) = if stuck {
            if rng.chance(0.5) {
                ("办理中", Some(started), None)
            } else {
                ("待办理", None, None)
            }
        } else if resolved > today() {
            ("办理中", Some(started.min(today())), None)
        } else {
            ("已办结", Some(started.min(resolved)), Some(resolved))
        };
        // Every mediated dispute is followed up; most other resolved needs too.
        let follow_up = resolved
            .filter(|_| c == 1 || rng.chance(0.7))
            .map(|r| r + rng.range(3, 15))
            .filter(|&f| f <= today());
        let satisfaction =
            follow_up.map(|_| rng.weighted(&[("满意", 80), ("基本满意", 16), ("不满意", 4)]));
        rows.push(vec![
            format!("N{:04}", k + 1),
            v.key.clone(),
            iso(v.date),
            WORKERS[v.worker].0.to_string(),
            category.to_string(),
            texts[which].to_string(),
            status.to_string(),
            started.map(iso).unwrap_or_default(),
            resolved.map(iso).unwrap_or_default(),
            resolved
                .map(|_| resolutions[which].to_string())
                .unwrap_or_default(),
            follow_up.map(iso).unwrap_or_default(),
            satisfaction.unwrap_or("").to_string(),
        ]);
    }
    rows
}

fn main() {
    let mut dir = "examples/nongjiang".to_string();
    let mut name: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let n: u64 = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--seed takes a number");
                if n != 0 {
                    let _ = SEED_IN_FORCE.set(SEED ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                }
            }
            "--name" => name = Some(args.next().expect("--name takes a name")),
            _ => dir = arg,
        }
    }
    let dir = Path::new(&dir);
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let mut rng = Rng(seed());

    // 1. buildings, units and rooms; about 7% of the flats stand empty
    let mut houses: Vec<House> = vec![];
    let mut vacant = vec![];
    for (g, &(_, _, blds)) in GRIDS.iter().enumerate() {
        for b in 1..=blds {
            let worker = WORKERS
                .iter()
                .position(|w| w.2 == g && (w.3..=w.4).contains(&b))
                .unwrap();
            let units = if rng.chance(0.15) { 3 } else { 2 };
            for unit in 1..=units {
                for floor in 1..=6 {
                    for r in 1..=2 {
                        let h = House {
                            grid: g,
                            bld: b,
                            unit,
                            room: floor * 100 + r,
                            worker,
                            level: 3,
                            members: vec![],
                            key: String::new(),
                            keyed_by_resident: false,
                            class: Class::Normal,
                            since: None,
                        };
                        if rng.chance(0.07) {
                            vacant.push(h)
                        } else {
                            houses.push(h)
                        }
                    }
                }
            }
        }
    }
    // 2. families, and the household levels: ~2% red, 7% orange, 15% yellow
    let mut fams: Vec<Vec<Person>> = houses
        .iter()
        .map(|_| {
            let s = rng.weighted(&[(1, 25), (2, 35), (3, 22), (4, 12), (5, 6)]);
            family(&mut rng, s)
        })
        .collect();
    let mut order: Vec<usize> = (0..houses.len()).collect();
    rng.shuffle(&mut order);
    let nh = houses.len() as f64;
    let cut = [
        (nh * 0.02).round() as usize,
        (nh * 0.09).round() as usize,
        (nh * 0.24).round() as usize,
    ];
    for (k, &i) in order.iter().enumerate() {
        let level = cut.iter().position(|&c| k < c).unwrap_or(3) as u8;
        houses[i].level = level;
        assign_level(&mut rng, &mut fams[i], level);
    }
    // registration dates: ~40% of households carry one from years ago
    for f in fams.iter_mut() {
        if !rng.chance(0.4) {
            continue;
        }
        let base = rng.range(day(2005, 1, 1), day(2019, 12, 31));
        for p in f.iter_mut() {
            if rng.chance(0.1) {
                continue;
            }
            p.since = Some(if p.birth > base {
                (p.birth + rng.range(5, 60)).min(day(2020, 7, 10))
            } else {
                base
            });
        }
    }
    for f in fams.iter_mut() {
        let alone = f.len() == 1;
        for p in f.iter_mut().filter(|p| p.age() >= 18) {
            if !rng.chance(0.12) {
                continue;
            }
            p.note = if p.age() < 60 {
                rng.pick(ADULT_NOTES).into()
            } else if alone && rng.chance(0.3) {
                "独居，钥匙放邻居家".into()
            } else {
                rng.pick(OLD_NOTES).into()
            };
        }
    }
    let mut ps: Vec<Person> = vec![];
    for (hi, f) in fams.into_iter().enumerate() {
        for mut p in f {
            p.house = hi;
            houses[hi].members.push(ps.len());
            ps.push(p);
        }
    }
    // 3. who lags behind, who was never visited
    let mut order: Vec<usize> = (0..houses.len()).collect();
    rng.shuffle(&mut order);
    let mut quota = [(2, 0), (7, 1), (17, 1), (0, 20)]; // (lagging, never visited) per level
    for &i in &order {
        let q = &mut quota[houses[i].level as usize];
        if q.0 > 0 {
            q.0 -= 1;
            houses[i].class = Class::Lag;
        } else if q.1 > 0 {
            q.1 -= 1;
            houses[i].class = Class::Never;
        }
    }
    // 4. moves and deaths during the half-year (never the member who carries the level)
    let strictest =
        |ps: &[Person], h: &House| h.members.iter().map(|&i| ps[i].level).min().unwrap();
    let mut moved = 0;
    for &i in &order {
        let h = &houses[i];
        if h.class != Class::Normal || h.members.len() < 3 || moved >= 9 {
            continue;
        }
        let lv = strictest(&ps, h);
        let m = *h
            .members
            .iter()
            .rev()
            .find(|&&m| ps[m].level > lv && ps[m].age() >= 18)
            .unwrap_or(&usize::MAX);
        if m == usize::MAX {
            continue;
        }
        let until = rng.range(day(2020, 1, 10), day(2020, 7, 15));
        let (_, mo, _) = civil(until);
        ps[m].until = Some(until);
        ps[m].note = match ps[m].age() {
            70.. => format!("2020年{mo}月病故"),
            55.. => "随子女迁往大庆".into(),
            _ => rng
                .pick(&["迁往外地工作", "婚后迁往外地", "户口迁往哈尔滨"])
                .into(),
        };
        moved += 1;
    }
    let single_old = order
        .iter()
        .copied()
        .find(|&i| {
            houses[i].level == 1
                && houses[i].members.len() == 1
                && houses[i].class == Class::Normal
                && ps[houses[i].members[0]].age() >= 75
        })
        .unwrap();
    let p = houses[single_old].members[0];
    ps[p].until = Some(day(2020, 4, 12));
    ps[p].note = "2020年4月病故".into();
    let couple = order
        .iter()
        .copied()
        .find(|&i| {
            houses[i].level == 3 && houses[i].members.len() == 2 && houses[i].class == Class::Normal
        })
        .unwrap();
    for &m in &houses[couple].members.clone() {
        ps[m].until = Some(day(2020, 6, 15));
        ps[m].note = "举家迁往外地".into();
    }
    let mut same_day = 0; // registered and deregistered on the same day: never active
    for &i in order.iter().rev() {
        let h = &houses[i];
        if same_day == 2 || h.members.len() < 4 {
            continue;
        }
        let m = *h.members.last().unwrap();
        if ps[m].level != 3 || ps[m].until.is_some() {
            continue;
        }
        let z = if same_day == 0 {
            day(2019, 9, 3)
        } else {
            day(2020, 3, 16)
        };
        (ps[m].since, ps[m].until, ps[m].note) = (Some(z), Some(z), "重复登记，当日注销".into());
        same_day += 1;
    }
    // 5. rows added during 2020 go to the bottom of the sheet: babies, then new households
    let mut babies = 0;
    for &i in order.iter().take(200) {
        if babies == 3 {
            break;
        }
        let mother = houses[i]
            .members
            .iter()
            .copied()
            .find(|&m| !ps[m].male && (24..=36).contains(&ps[m].age()));
        let Some(mother) = mother else { continue };
        if houses[i].class != Class::Normal || ps[mother].until.is_some() {
            continue;
        }
        let sur: String = ps[houses[i].members[0]].name.chars().take(1).collect();
        let birth = rng.range(day(2020, 2, 1), day(2020, 6, 20));
        let mut baby = born(&mut rng, &sur, 0.5, birth);
        baby.since = Some(baby.birth + rng.range(3, 25));
        baby.note = "新生儿".into();
        baby.house = i;
        houses[i].members.push(ps.len());
        ps.push(baby);
        babies += 1;
    }
    let newcomers = [
        (day(2020, 1, 13), 2, Class::Normal),
        (day(2020, 3, 9), 3, Class::Normal),
        (day(2020, 4, 15), 2, Class::Lag),
        (day(2020, 5, 20), 1, Class::Normal),
        (day(2020, 6, 2), 3, Class::Normal),
        (day(2020, 7, 6), 3, Class::Normal),
    ];
    for (k, &(since, level, class)) in newcomers.iter().enumerate() {
        let mut h = vacant.remove(rng.below(vacant.len()));
        let size = rng.range(2, 4) as usize;
        let mut fam = family(&mut rng, size);
        assign_level(&mut rng, &mut fam, level);
        (h.level, h.class, h.since) = (level, class, Some(since));
        let hi = houses.len();
        for mut p in fam {
            p.since = Some(since);
            p.house = hi;
            if k % 2 == 0 {
                p.note = "2020年新迁入".into();
            }
            h.members.push(ps.len());
            ps.push(p);
        }
        houses.push(h);
    }
    // 6. ids; about 20 single-person households leave 户号 empty (the resident id is the household)
    for (i, p) in ps.iter_mut().enumerate() {
        p.id = format!("NJ{:04}", i + 1);
    }
    for h in houses.iter_mut() {
        h.key = format!("{}{:02}-{}-{:04}", GRIDS[h.grid].1, h.bld, h.unit, h.room);
    }
    let singles: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| houses[i].members.len() == 1)
        .take(20)
        .collect();
    for i in singles {
        houses[i].keyed_by_resident = true;
        houses[i].key = ps[houses[i].members[0]].id.clone();
    }

    // 7. visits, in the order the households were filed
    let mut visits: Vec<Visit> = houses
        .iter()
        .flat_map(|h| visits_for(&mut rng, &ps, h))
        .collect();
    visits.sort_by(|a, b| (a.date, a.worker, &a.key).cmp(&(b.date, b.worker, &b.key)));
    let need_rows = needs_rows(&visits);

    // 8. the roster's history of 2020; the roster holds the values after it
    let changes = history(&mut ps, &mut houses, &vacant, &mut visits);

    // 9. write
    let rows: Vec<Vec<String>> = ps
        .iter()
        .map(|p| {
            let h = &houses[p.house];
            let style = WORKERS[h.worker].5;
            let level = if rng.chance(0.03) {
                (p.level + 1).to_string()
            } else if rng.chance(0.1) {
                rng.pick(&STYLES)[p.level as usize].into()
            } else {
                STYLES[style][p.level as usize].into()
            };
            // One draw as ever (the rest of the file stays as it was); only
            // the SPEC's separators.
            let sep = match rng.weighted(&[("、", 7), (",", 2), ("，", 1)]) {
                "，" => "；",
                sep => sep,
            };
            let tags = special_groups(p, houses[p.house].members.len()).join(sep);
            let until = p
                .until
                .map(|z| {
                    if rng.chance(0.7) {
                        iso(z)
                    } else {
                        sheet_date(&mut rng, z)
                    }
                })
                .unwrap_or_default();
            let since = p.since.map(|z| sheet_date(&mut rng, z)).unwrap_or_default();
            vec![
                p.id.clone(),
                if h.keyed_by_resident {
                    String::new()
                } else {
                    h.key.clone()
                },
                p.name.clone(),
                level,
                GRIDS[h.grid].0.into(),
                format!("{}栋", h.bld),
                format!("{}单元", h.unit),
                h.room.to_string(),
                p.phone.clone(),
                p.idno.clone(),
                tags,
                WORKERS[h.worker].0.into(),
                since,
                until,
                p.note.clone(),
            ]
        })
        .collect();
    csv(
        &dir.join("residents.csv"),
        "编号,户号,姓名,关注等级,网格,楼栋,单元,房号,联系电话,身份证号,标签,负责人,登记日期,迁出日期,备注",
        &rows,
    );
    let rows: Vec<Vec<String>> = visits
        .iter()
        .map(|v| {
            vec![
                iso(v.date),
                v.key.clone(),
                WORKERS[v.worker].0.into(),
                v.kind.into(),
                v.note.clone(),
                v.persons.clone(),
            ]
        })
        .collect();
    csv(
        &dir.join("visits.csv"),
        "日期,户号,走访人,走访方式,走访情况,人数",
        &rows,
    );
    csv(
        &dir.join("needs.csv"),
        "编号,户号,提出日期,登记人,类别,诉求,状态,办理日期,办结日期,办理结果,回访日期,满意度",
        &need_rows,
    );
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                iso(c.date),
                ps[c.person].id.clone(),
                c.field.into(),
                c.from.clone(),
                c.to.clone(),
                c.reason.into(),
                c.by.clone(),
            ]
        })
        .collect();
    csv(
        &dir.join("history.csv"),
        "变更日期,编号,变更项,变更前,变更后,原因,经办人",
        &rows,
    );
    let toml = "# 农江社区走访设置 (Nongjiang community visit settings)\n\
        # calendar: 按自然周/月/季度/半年 (ISO week, month, quarter, half-year); rolling: 按间隔 (7 days, 1/3/6 months)\n\
        name = \"农江社区\"\n\
        policy = \"calendar\"\n";
    let toml = match &name {
        Some(n) => toml
            .replace("农江社区", n)
            .replace(" (Nongjiang community visit settings)", ""),
        None => toml.to_string(),
    };
    fs::write(dir.join("rounds.toml"), toml).expect("write rounds.toml");
    let mut readme = String::from(
        "# 农江社区示例数据 / Nongjiang example community\n\n\
        农江社区是一个**虚构**的农场社区：3 个网格、25 栋楼、约 600 户、1,400 名居民，按四级关注（红·周必访、橙·月必访、黄·季必访、绿·半年必访）\
        安排走访；`visits.csv` 是 2020-01-01 至 2020-07-20 的走访记录（含春节和新冠疫情期间以电话走访为主）。\
        姓名均为随机生成，电话号码和身份证号都是假的（身份证号地区码 2399xx 并不存在）。\n\n\
        A **fictional** farm community for trying `rounds`: 3 grids, 25 buildings, about 600 households and 1,400 residents with\n\
        four attention levels, and the visit log from 2020-01-01 to 2020-07-20. Names are random; phone and ID numbers are fake.\n\
        Try it with `rounds --data examples/nongjiang --today 2020-07-20 due`.\n\n\
        `needs.csv` 是诉求台账：走访中居民提出的诉求（生活困难、矛盾纠纷、政策咨询等）及其办理、办结和回访满意度。\n\
        `needs.csv` is the needs ledger: needs raised on the visits, their handling, resolution and follow-up satisfaction.\n\n\
        `history.csv` 是名册变更记录：2020 年 1–7 月的调级（病情加重、家庭变故、复评降级等）、负责人调整、一户从东岗 2栋搬到 6栋、一人迁出；\
        `residents.csv` 是变更后的名册。\n\
        `history.csv` is the roster's change log: re-ratings both ways, households handed to another worker, a family moving\n\
        building and a resident moving out, January to July 2020; `residents.csv` holds the values after them.\n\n\
        `logs/` 是 2020 年 7 月 21 日以后交来的走访记录，供 `rounds import` 试用（不由本程序生成）：\
        `clean.csv`（UTF-8，含诉求列）、`gbk.csv`（GBK 编码，Excel/WPS 中文系统导出的样子）、\
        `bad.csv`（含未知户号、不存在的日期、未来日期和重复记录）、`visits.xlsx`（Excel 表格，日期为日期单元格）。\n\
        `logs/` holds visit logs of the days after 2020-07-20 to try `rounds import` on (not written by this program):\n\
        a clean UTF-8 CSV, a GBK one as Excel or WPS export it in Chinese, one with bad rows, and an Excel sheet:\n\
        `rounds --data examples/nongjiang --today 2020-07-31 import examples/nongjiang/logs/*.csv`.\n\n\
        重新生成 / Regenerate (deterministic, byte-identical output):\n\n    cargo run --example gen_nongjiang -- examples/nongjiang\n\n\
        网格 / Grids: 东岗网格 (DG, 1–9栋), 西岗网格 (XG, 1–8栋), 河湾网格 (HW, 1–8栋)\n\n\
        负责人（在职党员）/ Workers in charge (in-service party members):\n\n",
    );
    for w in WORKERS {
        readme += &format!("- {}（{}）— {} {}–{}栋\n", w.0, w.1, GRIDS[w.2].0, w.3, w.4);
    }
    if name.is_none() {
        fs::write(dir.join("README.md"), readme).expect("write README.md");
    }
    workers_csv(dir);
    eprintln!(
        "wrote {} residents in {} households and {} visits to {}",
        ps.len(),
        houses.len(),
        visits.len(),
        dir.display()
    );
}

/// `workers.csv` (工作人员名册): the eight grid workers (网格员, in-service party members of
/// their units' branches), and for each of their building party groups (楼栋党小组) a
/// building head (楼栋长) per building and party-member volunteers (党员志愿者) from several
/// branches. Drawn from a random stream of its own, so the other files stay as they are.
fn workers_csv(dir: &Path) {
    const BRANCHES: [&str; 6] = [
        "农场机关党支部",
        "学校党支部",
        "医院党支部",
        "供电所党支部",
        "农机站党支部",
        "社区退休党支部",
    ];
    const GIVEN_NAMES: [&str; 24] = [
        "建华", "秀英", "春生", "玉兰", "国庆", "红梅", "志刚", "淑珍", "卫国", "丽华", "德明",
        "桂英", "海波", "晓燕", "振东", "素芬", "永强", "凤霞", "立新", "翠兰", "文斌", "美玲",
        "宏伟", "金凤",
    ];
    let mut rng = Rng(seed() ^ 0x5745_524B_4552_5321);
    let mut taken: Vec<String> = WORKERS.iter().map(|w| w.0.to_string()).collect();
    let mut name = |rng: &mut Rng| loop {
        let n = format!("{}{}", rng.pick(SURNAMES), rng.pick(&GIVEN_NAMES));
        if !taken.contains(&n) {
            taken.push(n.clone());
            return n;
        }
    };
    let phone = |rng: &mut Rng| {
        format!(
            "1{}{:08}",
            rng.pick(&[35, 36, 37, 38, 39, 50, 51, 58, 86, 87]),
            rng.range(0, 99_999_999)
        )
    };
    let short = |g: usize| GRIDS[g].0.trim_end_matches("网格");
    let mut rows: Vec<Vec<String>> = vec![];
    let row = |name: String,
               phone: String,
               role: &str,
               g: usize,
               bld: String,
               branch: &str,
               group: &str,
               member: bool| {
        vec![
            name,
            phone,
            role.to_string(),
            GRIDS[g].0.to_string(),
            bld,
            branch.to_string(),
            group.to_string(),
            if member { "是" } else { "否" }.to_string(),
        ]
    };
    let group_of = |w: &(&str, &str, usize, u32, u32, usize)| {
        format!("{}{}至{}栋党小组", short(w.2), w.3, w.4)
    };
    for w in WORKERS {
        let p = phone(&mut rng);
        rows.push(row(
            w.0.to_string(),
            p,
            "网格员",
            w.2,
            String::new(),
            w.1,
            &group_of(&w),
            true,
        ));
    }
    for w in WORKERS {
        let group = group_of(&w);
        for b in w.3..=w.4 {
            let member = rng.chance(0.6);
            let branch = if member { rng.pick(&BRANCHES) } else { "" };
            let (n, p) = (name(&mut rng), phone(&mut rng));
            rows.push(row(
                n,
                p,
                "楼栋长",
                w.2,
                format!("{b}栋"),
                branch,
                if member { &group } else { "" },
                member,
            ));
        }
        for _ in 0..2 + rng.below(2) {
            let (n, p) = (name(&mut rng), phone(&mut rng));
            let b = rng.range(w.3 as i64, w.4 as i64);
            rows.push(row(
                n,
                p,
                "党员志愿者",
                w.2,
                format!("{b}栋"),
                rng.pick(&BRANCHES),
                &group,
                true,
            ));
        }
    }
    csv(
        &dir.join("workers.csv"),
        "姓名,联系电话,职务,网格,楼栋,党支部,党小组,是否党员",
        &rows,
    );
}
