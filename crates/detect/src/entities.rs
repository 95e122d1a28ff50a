//! Detectors on extracted entities: `secret_leak` from classification markings and internal
//! document numbers, `personal_data` from citizen ID, bank account and phone numbers. Every
//! piece of personal data is masked in what a signal shows.

use crate::signal::{Evidence, Signal, mask};
use domain::Category;
use text::{Entity, EntityKind};

pub const VERSION: &str = "entities-2026.11.1";

/// Symbols of Party and state documents that are internal by nature (issued to Party
/// organisations), as opposed to public legal documents (NĐ-CP, TT, QĐ-UBND).
/// Kinds of Party documents (Hướng dẫn 36-HD/VPTW): công văn, thông báo, báo cáo, kế hoạch,
/// quyết định, nghị quyết, chỉ thị, kết luận, tờ trình, hướng dẫn, quy chế, quy định, chương
/// trình, đề án, phương án, biên bản.
const PARTY_KINDS: &[&str] = &[
    "CV", "TB", "BC", "KH", "QĐ", "NQ", "CT", "KL", "TTR", "HD", "QC", "QĐI", "CTR", "ĐA", "PA",
    "BB", "TTRI",
];

/// Issuers of Party documents: committees of every level and their boards (Đảng ủy, Tỉnh ủy,
/// Huyện ủy, Quận ủy, Thành ủy, Trung ương, the inspection, propaganda and mass mobilisation,
/// organisation boards and offices).
const PARTY_ISSUERS: &[&str] = &[
    "ĐU", "TU", "HU", "QU", "THU", "TW", "UBKT", "BTG", "BDV", "BTC", "VPTW", "VPTU", "VPHU",
    "VPĐU", "BCĐ", "BCS", "ĐĐ", "ĐUK", "ĐTN", "BTGTW", "BDVTW", "BTCTW", "UBKTTW", "BTGTU",
    "BDVTU", "BTCTU", "UBKTTU", "UBKTHU", "BTGHU", "BDVHU", "BTCHU", "UBKTĐU",
];

/// Whether a document symbol ("125-CV/ĐU", "12-TTr/BTG", "07-BC/UBKTTU") is a Party one.
pub fn is_party_symbol(symbol: &str) -> bool {
    let upper = symbol.to_uppercase();
    let Some((_, rest)) = upper.split_once('-') else {
        return false;
    };
    let Some((kind, issuer)) = rest.split_once('/') else {
        return false;
    };
    let issuer = issuer.split(['/', '-']).next().unwrap_or("");
    PARTY_KINDS.contains(&kind) && PARTY_ISSUERS.contains(&issuer)
}

fn signal(
    category: Category,
    score: f32,
    evidence: Vec<Evidence>,
    explanation: String,
    reference: &str,
) -> Signal {
    Signal {
        category,
        score,
        evidence,
        explanation,
        detector: "entities",
        reference: reference.into(),
        version: VERSION.into(),
        shadow: false,
        role: None,
    }
}

/// Words around a leaked document, folded.
const LEAK_WORDS: &[&str] = &[
    "ro ri",
    "lo van ban",
    "anh chup",
    "chup tu",
    "chup lai",
    "ban day du",
    "ai can ban",
    "chua cong bo",
    "dang len",
    "xem anh",
    "ban goc",
    "noi bo",
];

/// Words of a list of public contact numbers (a commune's hotline list, a directory of taxis and
/// repair services is not a leak).
const CONTACT_LIST: &[&str] = &[
    "duong day nong",
    "hotline",
    "so dien thoai lien he",
    "truc ban",
    "can thi goi",
    "lien he khi can",
    "so khan cap",
    "danh ba",
    "taxi",
    "xe om",
    "cuu ho",
    "tong dai",
];

/// Whether a "MẬT" marking is the everyday word: honey, password, secret, density, molasses.
fn everyday_mat(text: &str, e: &Entity) -> bool {
    if e.normalized != "MẬT" {
        return false;
    }
    let next = text[e.end..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .map(text::fold)
        .unwrap_or_default();
    let prev = text[..e.start]
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .map(text::fold)
        .unwrap_or_default();
    matches!(
        next.as_str(),
        "ong" | "khau" | "ma" | "do" | "mia" | "thiet" | "bao"
    ) || matches!(prev.as_str(), "bi" | "tuyet" | "than")
}

pub fn screen(text: &str, entities: &[Entity]) -> Vec<Signal> {
    let mut out = Vec::new();
    let marks: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Marking)
        .collect();
    let docs: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::DocNumber && is_party_symbol(&e.normalized))
        .collect();
    let classified: Vec<&&Entity> = marks
        .iter()
        // A bare "MAT" in capitals without diacritics is as likely "MẬT ONG" or "MẤT" as a mark,
        // and "MẬT" is a mark only when it is not part of "MẬT ONG", "MẬT KHẨU", "BÍ MẬT"….
        .filter(|e| e.normalized.contains("MẬT") && e.text != "MAT" && !everyday_mat(text, e))
        .collect();
    let internal: Vec<&&Entity> = marks
        .iter()
        .filter(|e| e.normalized == "LƯU HÀNH NỘI BỘ")
        .collect();
    if !classified.is_empty() || !internal.is_empty() || !docs.is_empty() {
        // Independent cues combine (noisy-or): a marking alone is strong, a document number alone weak.
        let mut p_none: f32 = 1.0;
        let mut parts = Vec::new();
        if let Some(m) = classified.first() {
            p_none *= 1.0 - 0.85;
            parts.push(format!("dấu mật «{}»", m.text));
        }
        if let Some(m) = internal.first() {
            p_none *= 1.0 - 0.6;
            parts.push(format!("dấu «{}»", m.text));
        }
        if let Some(d) = docs.first() {
            // A Party document's number alone is often a notice citing it; with the words of a
            // leak around it ("ảnh chụp", "rò rỉ", "ai cần bản đầy đủ") it is the document itself.
            let folded = text::fold(text);
            let leaked = LEAK_WORDS.iter().any(|w| folded.contains(w));
            p_none *= 1.0 - if leaked { 0.6 } else { 0.35 };
            parts.push(format!("số hiệu văn bản nội bộ «{}»", d.text));
        }
        let score = 1.0 - p_none;
        let evidence = classified
            .iter()
            .map(|e| **e)
            .chain(internal.iter().map(|e| **e))
            .chain(docs.iter().copied())
            .map(|e| Evidence {
                start: e.start,
                end: e.end,
                shown: e.text.clone(),
            })
            .collect();
        out.push(signal(
            Category::SecretLeak,
            score,
            evidence,
            format!(
                "Có dấu hiệu văn bản mật/nội bộ bị đăng: {} (điểm {score:.2})",
                parts.join(", ")
            ),
            "entities.secret_marking",
        ));
    }
    let ids: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::CitizenId)
        .collect();
    let banks: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::BankAccount)
        .collect();
    let phones: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Phone)
        .collect();
    let contact_list = phones.len() >= 3 && ids.is_empty() && banks.is_empty() && {
        let folded = text::fold(text);
        CONTACT_LIST.iter().any(|w| folded.contains(w))
    };
    if !contact_list && (!ids.is_empty() || !banks.is_empty() || phones.len() >= 3) {
        let mut p_none: f32 = 1.0;
        let mut parts = Vec::new();
        let mut evidence = Vec::new();
        for e in &ids {
            evidence.push(Evidence {
                start: e.start,
                end: e.end,
                shown: mask(&e.text, 3, 4),
            });
        }
        for e in &banks {
            evidence.push(Evidence {
                start: e.start,
                end: e.end,
                shown: mask(&e.text, 4, 4),
            });
        }
        for e in &phones {
            evidence.push(Evidence {
                start: e.start,
                end: e.end,
                shown: mask(&e.text, 4, 3),
            });
        }
        if !ids.is_empty() {
            p_none *= 1.0 - 0.8;
            parts.push(format!("{} số căn cước công dân", ids.len()));
        }
        if !banks.is_empty() {
            // One account is usually where to pay; a list of them is people's data.
            p_none *= 1.0 - if banks.len() >= 2 { 0.6 } else { 0.4 };
            parts.push(format!("{} số tài khoản ngân hàng", banks.len()));
        }
        // Several phone numbers in one post look like a list of people; one is usually a contact.
        if phones.len() >= 3 {
            p_none *= 1.0 - 0.5;
            parts.push(format!("{} số điện thoại", phones.len()));
        }
        let score = 1.0 - p_none;
        let shown: Vec<&str> = evidence.iter().map(|e| e.shown.as_str()).collect();
        out.push(signal(
            Category::PersonalData,
            score,
            evidence.clone(),
            format!(
                "Bài đăng có dữ liệu cá nhân: {} ({}) (điểm {score:.2})",
                parts.join(", "),
                shown.join(", ")
            ),
            "entities.personal_numbers",
        ));
    }
    out
}
