//! Numbers as Vietnamese offices write them: "1.234" (dot for thousands), "2,5K", "1,2 triệu",
//! "12 nghìn", "khoảng 300", "500+".

/// The most members a page, channel or group can have: more than any platform's largest. A
/// larger figure in a sheet or a form is a slip or a forgery, and is refused.
pub const MAX_MEMBERS: u64 = 5_000_000_000;

/// Reads a count, or None when the text holds no readable number.
pub fn parse_count(s: &str) -> Option<u64> {
    let f = text::fold(s);
    if f.is_empty() {
        return None;
    }
    // Keep the number and what follows it; drop words like "khoang", "tren", "thanh vien".
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == ' '))
        .unwrap_or(rest.len());
    let number = rest[..num_end].trim();
    let suffix = text::fold(&rest[num_end..]);
    let multiplier: u64 = match suffix.split(' ').next().unwrap_or("") {
        "k" | "n" | "nghin" | "ngan" => 1_000,
        "tr" | "trieu" | "m" => 1_000_000,
        "ty" | "b" => 1_000_000_000,
        _ => 1,
    };
    // Spaces inside the number group thousands ("12 345") unless a multiplier follows.
    let number: String = number.chars().filter(|c| *c != ' ').collect();
    let seps: Vec<(usize, char)> = number
        .char_indices()
        .filter(|(_, c)| *c == '.' || *c == ',')
        .collect();
    let value: f64 = if seps.is_empty() {
        number.parse().ok()?
    } else if multiplier > 1 && seps.len() == 1 {
        number.replace(',', ".").parse().ok()?
    } else {
        // Thousands separators when every group after a separator has three digits.
        let groups_of_three = number.split(['.', ',']).skip(1).all(|g| g.len() == 3);
        if groups_of_three {
            number.replace(['.', ','], "").parse().ok()?
        } else if seps.len() == 1 {
            number.replace(',', ".").parse().ok()?
        } else {
            return None;
        }
    };
    let total = value * multiplier as f64;
    (0.0..1e15).contains(&total).then(|| total.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn office_numbers() {
        let cases = [
            ("1.234", Some(1234)),
            ("1,234", Some(1234)),
            ("12.345.678", Some(12_345_678)),
            ("2,5K", Some(2500)),
            ("2.5k", Some(2500)),
            ("1,2 triệu", Some(1_200_000)),
            ("1,2 tr", Some(1_200_000)),
            ("12 nghìn", Some(12_000)),
            ("3 ngàn", Some(3000)),
            ("khoảng 300 thành viên", Some(300)),
            ("500+", Some(500)),
            ("850", Some(850)),
            ("12 345", Some(12345)),
            ("1234.0", Some(1234)),
            ("", None),
            ("không rõ", None),
            ("1.2.3", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_count(s), want, "{s}");
        }
    }
}
