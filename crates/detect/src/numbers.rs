//! Known scammers' numbers: phone numbers (`+84…`) and bank accounts (digits) an officer
//! confirmed or another office shared, matched against the numbers the text layer extracts from
//! a post. A match says which number and where the entry came from; a number quoted in a
//! warning is kept as a weak signal (the office may act on it) but raises no alert.
//!
//! Numbers shared with a wide audience may come as keyed hashes (HMAC-SHA-256 of the canonical
//! number under a key the publishing office gave its partners): with the key, a post's number
//! is hashed and looked up; without it, the entry matches nothing and says nothing.

use crate::signal::{Evidence, Signal};
use domain::Category;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`, in lower-case hex.
pub fn keyed_hash(key: &[u8], message: &str) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| block.iter().map(|k| k ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

pub const VERSION: &str = "numbers-2026.12.1";

/// Phone numbers and bank accounts, each with where it came from.
#[derive(Debug, Clone, Default)]
pub struct KnownNumbers {
    /// (`phone` or `bank_account`, canonical value) -> source.
    entries: HashMap<(&'static str, String), String>,
    /// Keys held, by id (with their name); and keyed hashes by (kind, key id, hex) -> source.
    keys: Vec<(String, String, Vec<u8>)>,
    hashed: HashMap<(&'static str, String, String), String>,
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

    /// A key this office holds (its id, its name): the keyed hashes under it can match.
    pub fn add_key(&mut self, id: &str, name: &str, key: &[u8]) {
        self.keys
            .push((id.to_owned(), name.to_owned(), key.to_vec()));
    }

    /// Adds a keyed hash: `kind` is `phone_hash` or `bank_account_hash`, `value` is
    /// `KEY_ID:HEX`; other kinds or shapes are ignored.
    pub fn add_hashed(&mut self, kind: &str, value: &str, source: &str) {
        let kind = match kind {
            "phone_hash" => "phone",
            "bank_account_hash" => "bank_account",
            _ => return,
        };
        if let Some((key, hex)) = value.split_once(':') {
            self.hashed
                .insert((kind, key.to_owned(), hex.to_owned()), source.to_owned());
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len() + self.hashed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.hashed.is_empty()
    }

    /// The entry a number matches: (reference, source, the key's name for a keyed hash).
    fn find(&self, kind: &'static str, number: &str) -> Option<(String, &str, Option<&str>)> {
        if let Some(source) = self.entries.get(&(kind, number.to_owned())) {
            return Some((format!("known:{kind}:{number}"), source, None));
        }
        if self.hashed.is_empty() {
            return None;
        }
        self.keys.iter().find_map(|(id, name, key)| {
            let hex = keyed_hash(key, number);
            self.hashed
                .get(&(kind, id.clone(), hex.clone()))
                .map(|source| {
                    (
                        format!("known:{kind}_hash:{id}:{hex}"),
                        source.as_str(),
                        Some(name.as_str()),
                    )
                })
        })
    }

    /// A scam signal for each extracted phone number or account that is a known scammer's.
    pub fn screen(&self, entities: &[text::Entity]) -> Vec<Signal> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for e in entities {
            let (kind, label) = match e.kind {
                text::EntityKind::Phone => ("phone", "Số điện thoại"),
                text::EntityKind::BankAccount => ("bank_account", "Số tài khoản"),
                _ => continue,
            };
            let Some((reference, source, key)) = self.find(kind, &e.normalized) else {
                continue;
            };
            let how = key.map_or(String::new(), |k| format!(", khớp dạng băm có khóa «{k}»"));
            out.push(Signal {
                category: Category::Scam,
                score: 0.9,
                evidence: vec![Evidence {
                    start: e.start,
                    end: e.end,
                    shown: e.text.clone(),
                }],
                explanation: format!(
                    "{label} «{}» là của đối tượng lừa đảo đã được xác nhận (nguồn: {source}{how}) (điểm 0.90)",
                    e.text
                ),
                detector: "numbers",
                reference,
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

    #[test]
    fn a_keyed_hash_matches_only_with_its_key() {
        // RFC 4231 test case 2.
        assert_eq!(
            keyed_hash(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = [7u8; 32];
        let mut k = KnownNumbers::default();
        k.add_hashed(
            "phone_hash",
            &format!("k1:{}", keyed_hash(&key, "+84356111222")),
            "chỉ báo chia sẻ từ Tỉnh",
        );
        let text = "Vay nhanh gọi 0356 111 222";
        assert!(
            k.screen(&text::extract(text)).is_empty(),
            "no key, no match"
        );
        k.add_key("k2", "khóa khác", &[8u8; 32]);
        assert!(k.screen(&text::extract(text)).is_empty(), "another key");
        k.add_key("k1", "Tỉnh Thanh Hóa 2026", &key);
        let s = k.screen(&text::extract(text));
        assert_eq!(s.len(), 1);
        assert!(s[0].reference.starts_with("known:phone_hash:k1:"));
        assert!(
            s[0].explanation.contains(
                "nguồn: chỉ báo chia sẻ từ Tỉnh, khớp dạng băm có khóa «Tỉnh Thanh Hóa 2026»"
            ),
            "{}",
            s[0].explanation
        );
    }
}
