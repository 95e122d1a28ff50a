//! The takedown request letter of a case ("công văn đề nghị gỡ bỏ"): the case's facts — the page
//! and its address, what was found and when, the evidence with each file's SHA-256 — addressed to
//! the platform's operator, in the same administrative layout as the report ([`super::docx`]).
//! The letter names the page, never the people who wrote on it: authors are pseudonyms here.

use super::{Letterhead, letterhead, upper};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use domain::{Platform, StoredAlert};
use store::Store;

pub use ::report::Letter;

/// Who runs the platform, as a letter addresses it.
fn operator(platform: Platform, url: Option<&str>) -> String {
    match platform {
        Platform::Facebook => "Công ty Meta Platforms, Inc. (mạng xã hội Facebook)".into(),
        Platform::Youtube => "Công ty Google LLC (nền tảng YouTube)".into(),
        Platform::Tiktok => "Công ty TikTok Pte. Ltd. (nền tảng TikTok)".into(),
        Platform::Telegram => "Telegram Messenger Inc. (ứng dụng Telegram)".into(),
        Platform::Zalo => "Công ty Cổ phần VNG (ứng dụng Zalo)".into(),
        Platform::Website | Platform::Other => match url {
            Some(u) => format!("Đơn vị quản lý trang {u}"),
            None => "Đơn vị quản lý nền tảng".into(),
        },
    }
}

fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} byte")
    }
}

fn vn_date(rfc3339: &str) -> String {
    match (rfc3339.get(0..4), rfc3339.get(5..7), rfc3339.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => rfc3339.to_owned(),
    }
}

/// The letter for case `id`, dated `today`.
pub fn takedown(store: &mut Store, id: i64, today: NaiveDate) -> Result<Letter> {
    let case = store
        .case(id)?
        .with_context(|| format!("không có hồ sơ #{id}"))?;
    let Letterhead {
        place,
        province,
        issuer_name,
    } = letterhead(store)?;
    let community = match case.community {
        Some(c) => store.community(c)?,
        None => None,
    };
    let alerts: Vec<StoredAlert> = store.alerts_with_ids(&case.alert_ids)?;
    let evidence = store.evidence(id)?;

    let what = case.category.label_vi().to_lowercase();
    // The pages the posts were on, when the case is not about one page.
    let sources: Vec<String> = alerts
        .iter()
        .flat_map(|a| a.item_ids.iter().cloned())
        .collect();
    let items = store.alert_items(&sources)?;
    let (page, platform, url) = match &community {
        Some(c) => (
            format!("trang/kênh «{}»", c.name),
            c.platform,
            c.url.clone(),
        ),
        None => {
            let mut ids: Vec<i64> = items.iter().map(|(i, _)| i.community_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let communities = store.communities()?;
            let names: Vec<String> = ids
                .iter()
                .filter_map(|id| communities.iter().find(|c| c.id.0 == *id))
                .map(|c| match &c.url {
                    // A page the register learnt from its posts is named by its address.
                    Some(u) if *u != c.name => format!("«{}» ({u})", c.name),
                    _ => format!("«{}»", c.name),
                })
                .collect();
            let platform = match items.first() {
                Some((first, _)) if items.iter().all(|(i, _)| i.platform == first.platform) => {
                    first.platform
                }
                _ => Platform::Other,
            };
            let page = if names.is_empty() {
                "các nội dung".to_owned()
            } else {
                format!("các bài đăng trên {}", names.join(", "))
            };
            (page, platform, None)
        }
    };
    let mut paragraphs = vec![format!(
        "Qua rà soát trên không gian mạng, {issuer_name} phát hiện {page}{} có dấu hiệu vi phạm: {what} (hồ sơ số {id}: «{}»).",
        url.as_deref()
            .map(|u| format!(" (địa chỉ: {u})"))
            .unwrap_or_default(),
        case.title
    )];
    if !alerts.is_empty() {
        let first = alerts
            .iter()
            .map(|a| a.first_at.as_str())
            .min()
            .unwrap_or("");
        let last = alerts
            .iter()
            .map(|a| a.last_at.as_str())
            .max()
            .unwrap_or("");
        let posts: usize = alerts.iter().map(|a| a.item_ids.len()).sum();
        let mut ids: Vec<&str> = alerts
            .iter()
            .flat_map(|a| a.item_ids.iter().map(String::as_str))
            .collect();
        ids.truncate(10);
        let (first, last) = (vn_date(first), vn_date(last));
        let when = if first == last {
            format!("Ngày {first}")
        } else {
            format!("Từ ngày {first} đến ngày {last}")
        };
        paragraphs.push(format!(
            "{when}, hệ thống ghi nhận {posts} bài đăng liên quan (mã bài trên nền tảng: {}{}). Căn cứ nhận định: {}",
            ids.join(", "),
            if posts > ids.len() { ", …" } else { "" },
            alerts
                .iter()
                .map(|a| a.explanation.trim_end_matches('.').to_owned())
                .collect::<Vec<_>>()
                .join("; ")
                + "."
        ));
    }
    paragraphs.push(format!(
        "Căn cứ Luật An ninh mạng năm 2018 và Nghị định số 147/2024/NĐ-CP ngày 09/11/2024 của Chính phủ về quản lý, cung cấp, sử dụng dịch vụ Internet và thông tin trên mạng, {issuer_name} đề nghị {} xem xét, ngăn chặn và gỡ bỏ {page} và các nội dung nêu trên; thông báo kết quả xử lý về {issuer_name} để theo dõi.",
        operator(platform, url.as_deref())
    ));
    let evidence_lines: Vec<String> = evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            format!(
                "{}. {} ({}; SHA-256: {})",
                i + 1,
                e.file_name,
                size_label(e.size),
                e.sha256
            )
        })
        .collect();
    let mut addressees = vec![operator(platform, url.as_deref())];
    if !province.is_empty() {
        addressees.push(format!(
            "Công an tỉnh {province} (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)"
        ));
    }
    Ok(Letter {
        superior: if province.is_empty() {
            String::new()
        } else {
            upper(&format!("Đảng bộ tỉnh {province}"))
        },
        issuer: upper(&issuer_name),
        number: "Số       -CV/ĐU".into(),
        about: format!(
            "V/v đề nghị gỡ bỏ {} có dấu hiệu {what}",
            if community.is_some() {
                page.as_str()
            } else {
                "nội dung"
            }
        ),
        place_date: format!(
            "{place}, ngày {} tháng {} năm {}",
            today.day(),
            today.month(),
            today.year()
        ),
        addressees,
        paragraphs,
        evidence: evidence_lines,
        closing: "Trân trọng đề nghị./.".into(),
        recipients: vec![
            "Như trên,".into(),
            "Thường trực Đảng ủy (để báo cáo),".into(),
            format!("Lưu hồ sơ số {id}, Văn phòng Đảng ủy."),
        ],
        on_behalf: "T/M BAN THƯỜNG VỤ".into(),
        role: "PHÓ BÍ THƯ".into(),
    })
}

/// The letter of case `id` as DOCX, with its audit event on the case's timeline (`case.letter`,
/// by `actor`): what the web page and `sokenh case letter` both give.
pub fn docx_for_case(store: &mut Store, id: i64, today: NaiveDate, actor: &str) -> Result<Vec<u8>> {
    let letter = takedown(store, id, today)?;
    let bytes = super::docx::letter(&letter)?;
    store.record_about(
        actor,
        "case.letter",
        "case",
        &id.to_string(),
        serde_json::json!({"bytes": bytes.len()}),
    )?;
    Ok(bytes)
}
