//! Known scammers' numbers: phone numbers (`+84…`) and bank accounts (digits) an officer
//! confirmed or another office shared, matched against the numbers the text layer extracts from
//! a post. A match says which number and where the entry came from; a number quoted in a
//! warning is kept as a weak signal (the office may act on it) but raises no alert.

use crate::signal::{Evidence, Signal};
use domain::Category;
use std::collections::HashMap;

pub const VERSION: &str = "numbers-2026.12.1";

/// Phone numbers and bank accounts, each with where it came from.
#[derive(Debug, Clone, Default)]
pub struct KnownNumbers {
    /// (`phone` or `bank_account`, canonical value) -> source.
    entries: HashMap<(&'static str, String), String>,
}

impl KnownNumbers {
    /// Adds a number: `kind` is `phone` (value `+84…`) or `bank_account` (digits); other kinds
    /// are ignored.
    pub fn add(&mut self, kind: &str, value: &str, source: &str) {
        let kind = match kind {
            "phone" => "phone",
            "bank_account" => "bank_account",
            _ => return,
        };
        self.entries
            .insert((kind, value.to_owned()), source.to_owned());
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A scam signal for each extracted phone number or account that is a known scammer's.
    pub fn screen(&self, entities: &[text::Entity]) -> Vec<Signal> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for e in entities {
            let (kind, label) = match e.kind {
                text::EntityKind::Phone => ("phone", "Số điện thoại"),
                text::EntityKind::BankAccount => ("bank_account", "Số tài khoản"),
                _ => continue,
            };
            let Some(source) = self.entries.get(&(kind, e.normalized.clone())) else {
                continue;
            };
            out.push(Signal {
                category: Category::Scam,
                score: 0.9,
                evidence: vec![Evidence {
                    start: e.start,
                    end: e.end,
                    shown: e.text.clone(),
                }],
                explanation: format!(
                    "{label} «{}» là của đối tượng lừa đảo đã được xác nhận (nguồn: {source}) (điểm 0.90)",
                    e.text
                ),
                detector: "numbers",
                reference: format!("known:{kind}:{}", e.normalized),
                version: VERSION.into(),
                shadow: false,
                role: None,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_number_is_found_however_it_is_written_and_names_its_source() {
        let mut k = KnownNumbers::default();
        k.add("phone", "+84912345678", "chỉ báo chia sẻ từ Xã A");
        k.add("bank_account", "0123456789", "chỉ báo đơn vị đã xác nhận");
        k.add("domain", "x.vn", "ignored");
        assert_eq!(k.len(), 2);
        let text = "Liên hệ 0912.345.678 hoặc chuyển khoản STK 0123456789 Vietcombank";
        let s = k.screen(&text::extract(text));
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].reference, "known:phone:+84912345678");
        assert_eq!(
            s[0].explanation,
            "Số điện thoại «0912.345.678» là của đối tượng lừa đảo đã được xác nhận (nguồn: chỉ báo chia sẻ từ Xã A) (điểm 0.90)"
        );
        assert_eq!(
            &text[s[0].evidence[0].start..s[0].evidence[0].end],
            "0912.345.678"
        );
        assert_eq!(s[1].reference, "known:bank_account:0123456789");
        assert!(k.screen(&text::extract("Gọi 0987 654 321")).is_empty());
    }
}
