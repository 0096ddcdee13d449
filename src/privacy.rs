//! Personal data in human output: phone and ID numbers are masked, names
//! shortened to the surname, unless the user asks to see them in full.

/// 13812345678 -> 138****5678: the first three and last four characters.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// 110105196106084776 -> 110***********4776.
pub fn mask_id_number(id: &str) -> String {
    mask_middle(id, 3, 4)
}

/// Free text (a need, a note) with the phone and ID numbers typed into it
/// masked: an 11-digit mobile number (1 and ten digits) as `mask_phone`
/// does, an 18-character ID number (17 digits and a digit or X) as
/// `mask_id_number` does. Other numbers (dates, room numbers, amounts)
/// stay as they are.
pub fn mask_numbers_in(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        let end = if digits == 17 && matches!(bytes.get(i), Some(b'X' | b'x')) {
            i + 1
        } else {
            i
        };
        let number = &text[start..end];
        let masked = match end - start {
            11 if bytes[start] == b'1' => mask_phone(number),
            18 => mask_id_number(number),
            _ => continue,
        };
        out.push_str(&text[copied..start]);
        out.push_str(&masked);
        copied = end;
        i = end;
    }
    if copied == 0 {
        text.into()
    } else {
        out.push_str(&text[copied..]);
        out.into()
    }
}

/// 张三丰 -> 张**: the first character, the rest starred.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

/// A cell value as an error message may show it. Messages name ids, never
/// personal data, but a shifted column can put a name or a phone number
/// where a level or a date belongs: a value with a run of seven or more
/// digits (a phone or ID number; not a compact date) is masked in its middle, and one without
/// any digit (a name, say) keeps only its first character, unless it is a
/// short plain English word (a typo such as "purpel" is shown as typed).
pub fn shown_value(value: &str) -> String {
    let v = value.trim();
    let longest_run = v
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    // Seven digits make a landline number; eight that read as a year,
    // month and day are a compact date, shown as typed.
    let compact_date =
        v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()) && matches!(&v[..2], "19" | "20");
    let long = longest_run >= 9 || (longest_run >= 7 && !compact_date);
    // Letters beside a long number (a name typed with a phone number, say)
    // are personal too: only the first character is kept. An ID number's
    // check letter X is part of the number.
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    let id_number = letters == 1 && v.ends_with(['X', 'x']);
    if long && letters > 0 && !id_number {
        mask_name(v)
    } else if long {
        mask_middle(v, 3, 4)
    } else if v.len() <= 10 && v.bytes().all(|b| b.is_ascii_lowercase()) {
        v.to_string()
    } else if !v.chars().any(|c| c.is_ascii_digit()) {
        mask_name(v)
    } else {
        v.to_string()
    }
}

/// A grid, building or worker's name as a message shows it: as written,
/// unless a shifted column put a phone or ID number there (a run of seven
/// or more digits), which is masked in its middle.
pub fn shown_place(value: &str) -> String {
    let v = value.trim();
    if v.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 7)
    {
        mask_middle(v, 3, 4)
    } else {
        v.to_string()
    }
}

/// Whether a cell looks like a value rather than a column name: a phone or
/// ID number, a date, a level word.
pub fn looks_like_value(cell: &str) -> bool {
    let c = cell.trim();
    c.split(|ch: char| !ch.is_ascii_digit())
        .any(|run| run.len() >= 7)
        || crate::model::date::parse(c).is_ok()
        || crate::model::Level::parse(c).is_some()
}

fn mask_middle(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= head + tail {
        // Too short to keep both ends: keep only what cannot identify.
        let keep = chars.len() / 3;
        return chars[..keep].iter().collect::<String>() + &"*".repeat(chars.len() - keep);
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_messages() {
        assert_eq!(shown_value("13812345678"), "138****5678");
        assert_eq!(shown_value("110105196106084776"), "110***********4776");
        assert_eq!(shown_value("李四"), "李*");
        assert_eq!(
            shown_value("王秀英13812345678"),
            format!("王{}", "*".repeat(13))
        );
        assert_eq!(
            shown_value("Li 13812345678"),
            format!("L{}", "*".repeat(13))
        );
        assert_eq!(shown_value("11010219380311304X"), "110***********304X");
        assert_eq!(shown_value("+8613812345678"), "+86*******5678");
        assert_eq!(shown_value("purple"), "purple");
        assert_eq!(shown_value("Zhang San"), "Z********");
        assert_eq!(shown_value("2020-02-30"), "2020-02-30");
        assert_eq!(shown_value("20201301"), "20201301");
        assert_eq!(shown_value("62345678"), "623*5678");
        assert_eq!(shown_value("1381234"), "13*****");
        assert_eq!(shown_value("-1"), "-1");
        assert_eq!(shown_place("东岗"), "东岗");
        assert_eq!(shown_place("3栋"), "3栋");
        let masked = format!("138{}1234", "*".repeat(23));
        assert_eq!(shown_place("13812345678(110101199001011234"), masked);
        assert!(looks_like_value("13812345678"));
        assert!(looks_like_value("2020/7/3"));
        assert!(looks_like_value("红色"));
        assert!(!looks_like_value("走访时间"));
        assert!(!looks_like_value("姓名"));
    }

    #[test]
    fn numbers_in_free_text() {
        assert_eq!(
            mask_numbers_in("请回电13812345678，王阿姨"),
            "请回电138****5678，王阿姨"
        );
        assert_eq!(
            mask_numbers_in("身份证110105196106084776补办"),
            "身份证110***********4776补办"
        );
        assert_eq!(
            mask_numbers_in("ID 11010219380311304X, tel 15900001111."),
            "ID 110***********304X, tel 159****1111."
        );
        // Dates, rooms, amounts and numbers of other lengths stay.
        for plain in [
            "2020-06-29 暖气不热",
            "3号楼2-1001",
            "补贴 1200 元",
            "23812345678",
            "138123456789",
            "1101051961060847",
            "",
        ] {
            assert_eq!(mask_numbers_in(plain), plain);
        }
        assert!(matches!(
            mask_numbers_in("暖气不热"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn masks() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_id_number("110105196106084776"), "110***********4776");
        assert_eq!(mask_id_number("11010219380311304X"), "110***********304X");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳明"), "欧**");
        assert_eq!(mask_name("张"), "张*");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("12345"), "1****");
        assert!(!mask_phone("1234567").contains("4567"));
    }
}
