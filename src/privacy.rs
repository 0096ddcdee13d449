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
