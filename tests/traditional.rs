//! Traditional Chinese headers and level names read like simplified ones:
//! a whole data directory written in traditional characters gives the same
//! results as the same community in simplified characters.

mod common;
use common::community;

const TRADITIONAL_RESIDENTS: &str = "\u{feff}編號,戶號,姓名,關注等級,網格,樓棟,單元,房號,電話,身份證號,標籤,負責人,登記日期,遷出日期
R01,H01,張三,紅,東崗網格,1棟,1單元,101,13812345678,110105196106084776,獨居,王建國,2020-01-01,
R02,H01,李四,綠,東崗網格,1棟,1單元,101,,,,王建國,,
R03,H02,王五,黃,東崗網格,1棟,2單元,201,,,,王建國,2020-03-01,
R04,H03,趙六,一級,東崗網格,2棟,1單元,102,,,,陳麗,,
R05,H04,錢七,二級,東崗網格,2棟,1單元,301,,,,陳麗,,
R06,H05,孫八,三級,東崗網格,2棟,2單元,101,,,,陳麗,,
R07,H06,周九,一般關注,東崗網格,3棟,1單元,101,,,,陳麗,,
R08,H07,吳十,紅色,東崗網格,3棟,1單元,201,,,,陳麗,,
R09,H08,鄭一,黃色,東崗網格,3棟,1單元,301,,,,陳麗,,
R10,H09,馮二,綠色,東崗網格,3棟,2單元,101,,,,陳麗,,
R11,H10,陳三,一級關注,東崗網格,4棟,1單元,101,,,,陳麗,,
R12,H11,褚四,二級關注,東崗網格,4棟,1單元,201,,,,陳麗,,
R13,H12,衛五,三級關注,東崗網格,4棟,1單元,301,,,,陳麗,2019-01-01,2020-05-01
";

const SIMPLIFIED_RESIDENTS: &str = "\u{feff}编号,户号,姓名,关注等级,网格,楼栋,单元,房号,电话,身份证号,标签,负责人,登记日期,迁出日期
R01,H01,張三,红,東崗網格,1棟,1單元,101,13812345678,110105196106084776,獨居,王建國,2020-01-01,
R02,H01,李四,绿,東崗網格,1棟,1單元,101,,,,王建國,,
R03,H02,王五,黄,東崗網格,1棟,2單元,201,,,,王建國,2020-03-01,
R04,H03,趙六,一级,東崗網格,2棟,1單元,102,,,,陳麗,,
R05,H04,錢七,二级,東崗網格,2棟,1單元,301,,,,陳麗,,
R06,H05,孫八,三级,東崗網格,2棟,2單元,101,,,,陳麗,,
R07,H06,周九,一般关注,東崗網格,3棟,1單元,101,,,,陳麗,,
R08,H07,吳十,红色,東崗網格,3棟,1單元,201,,,,陳麗,,
R09,H08,鄭一,黄色,東崗網格,3棟,1單元,301,,,,陳麗,,
R10,H09,馮二,绿色,東崗網格,3棟,2單元,101,,,,陳麗,,
R11,H10,陳三,一级关注,東崗網格,4棟,1單元,101,,,,陳麗,,
R12,H11,褚四,二级关注,東崗網格,4棟,1單元,201,,,,陳麗,,
R13,H12,衛五,三级关注,東崗網格,4棟,1單元,301,,,,陳麗,2019-01-01,2020-05-01
";

const TRADITIONAL_VISITS: &str = "走訪日期,戶號,走訪人,走訪方式,走訪情況,人數
2020-07-14,H01,王建國,入戶,情況正常,2
2020-06-30,H02,王建國,電話,,1
2020-07-01,H04,陳麗,入戶,,
2020-02-01,H06,陳麗,入戶,,1
";

const SIMPLIFIED_VISITS: &str = "走访日期,户号,走访人,走访方式,走访情况,人数
2020-07-14,H01,王建國,入戶,情況正常,2
2020-06-30,H02,王建國,電話,,1
2020-07-01,H04,陳麗,入戶,,
2020-02-01,H06,陳麗,入戶,,1
";

#[test]
fn a_traditional_directory_reads_like_a_simplified_one() {
    let trad = community(TRADITIONAL_RESIDENTS, TRADITIONAL_VISITS);
    let simp = community(SIMPLIFIED_RESIDENTS, SIMPLIFIED_VISITS);
    trad.run(&["--today", "2020-07-20", "check"])
        .ok()
        .stdout_has("0 errors, 0 warnings");
    for args in [
        &["--today", "2020-07-20", "due", "--all", "--format", "csv"][..],
        &[
            "--today",
            "2020-07-20",
            "report",
            "--month",
            "2020-07",
            "--format",
            "json",
        ],
        &[
            "--today",
            "2020-07-20",
            "households",
            "--all",
            "--format",
            "json",
        ],
        &["--today", "2020-07-20", "history", "H01", "--format", "csv"],
    ] {
        let a = trad.run(args).ok().stdout();
        let b = simp.run(args).ok().stdout();
        assert_eq!(a, b, "{args:?}");
    }
}

#[test]
fn traditional_levels_and_columns_mean_what_they_say() {
    let trad = community(TRADITIONAL_RESIDENTS, TRADITIONAL_VISITS);
    let rows = trad
        .run(&["--today", "2020-07-20", "due", "--all", "--format", "csv"])
        .ok()
        .csv();
    let level = |h: &str| {
        rows.iter()
            .find(|r| r["household"] == h)
            .unwrap_or_else(|| panic!("{h} listed"))["level"]
            .clone()
    };
    // 紅 beats 綠 in H01; 一級/紅色/一級關注 red, 二級… orange, 三級… yellow, 一般關注/綠色 green.
    let expected = [
        ("H01", "red"),
        ("H02", "yellow"),
        ("H03", "red"),
        ("H04", "orange"),
        ("H05", "yellow"),
        ("H06", "green"),
        ("H07", "red"),
        ("H08", "yellow"),
        ("H09", "green"),
        ("H10", "red"),
        ("H11", "orange"),
    ];
    for (h, l) in expected {
        assert_eq!(level(h), l, "{h}");
    }
    // H12 moved out (遷出日期) before today: not listed.
    assert!(!rows.iter().any(|r| r["household"] == "H12"));
    let h01 = rows.iter().find(|r| r["household"] == "H01").unwrap();
    assert_eq!(
        (
            h01["grid"].as_str(),
            h01["building"].as_str(),
            h01["unit"].as_str(),
            h01["room"].as_str(),
            h01["visitor"].as_str(),
            h01["last_visit"].as_str()
        ),
        ("東崗網格", "1棟", "1單元", "101", "王建國", "2020-07-14")
    );
    // 電話 is the phone: shown masked in the table.
    trad.run(&["--today", "2020-07-20", "due", "--all"])
        .ok()
        .stdout_has("138****5678")
        .never_says("13812345678");
    // 人數 is persons, 走訪情況 the note.
    let visits = trad
        .run(&["--today", "2020-07-20", "history", "H01", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(visits[0]["persons"], "2");
    assert_eq!(visits[0]["note"], "情況正常");
}

#[test]
fn a_near_miss_gets_a_suggestion() {
    let w = community("編號,關注等級\nR1,紅色色\nR2,黄黄\n", "日期,戶號\n");
    let run = w.run(&["check"]).expect(3);
    run.stdout_has("unknown level '紅色色' — did you mean 紅色?")
        .stdout_has("did you mean 黄?");
    w.run(&["due", "--level", "紅黃"])
        .expect(2)
        .stderr_has("did you mean");
    // An unknown header next to a required one names the nearest.
    let w = community("編號,關注登記\nR1,紅\n", "日期,戶號\n");
    w.run(&["check"]).expect(3).stdout_has("did you mean");
}
