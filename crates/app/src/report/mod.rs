//! The periodic report to the Standing Committee: one model ([`Report`]) built from one set of
//! store queries ([`Figures`]), rendered as DOCX in the Party's administrative format
//! ([`docx`], Hướng dẫn 36-HD/VPTW), an XLSX appendix with every table ([`xlsx`]), and PDF
//! ([`pdf`], the DOCX typeset by LibreOffice, so the two cannot differ). The web dashboard reads
//! the same [`Figures`].

pub mod letter;
pub mod pdf;

pub use ::report::{Cell, Chart, Report, Section, Table, chart, docx, xlsx};

use analytics::series::Daily;
use analytics::{forecast, spikes, suppress, topics};
use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, NaiveDate};
use domain::{Category, Classification, Status};
use std::collections::{BTreeMap, HashMap};
use store::Store;

pub use report::{Figures, Period, PeriodError};

pub(crate) use ::report::upper;

/// Reads every figure of the period from the store.
pub fn figures(store: &mut Store, period: &Period) -> Result<Figures> {
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let communities = store.communities()?;
    let unit_of: HashMap<i64, String> = communities
        .iter()
        .map(|c| {
            (
                c.id.0,
                c.unit.clone().unwrap_or_else(|| "(chưa gắn đơn vị)".into()),
            )
        })
        .collect();
    let locality_of: HashMap<i64, String> = communities
        .iter()
        .map(|c| {
            (
                c.id.0,
                c.locality
                    .clone()
                    .unwrap_or_else(|| "(chưa rõ địa bàn)".into()),
            )
        })
        .collect();

    // One read of the volumes covers both the period's figures and the 8 weeks of history the
    // spikes are measured against.
    let history_from = period.from - Duration::days(56);
    let history_rows = store.item_volume(&history_from.to_string(), &to)?;
    let history_flags = store.signal_volume(&history_from.to_string(), &to)?;
    let in_period = |day: &str| day >= from.as_str();
    let mut f = Figures {
        items: 0,
        reactions: 0,
        comments: 0,
        shares: 0,
        items_by_platform: BTreeMap::new(),
        items_by_day: BTreeMap::new(),
        items_by_unit: BTreeMap::new(),
        items_by_locality: BTreeMap::new(),
        items_flagged_by_category: BTreeMap::new(),
        communities: communities.len() as u64,
        communities_by_platform: BTreeMap::new(),
        communities_by_classification: BTreeMap::new(),
        communities_by_status: BTreeMap::new(),
        official_channels: 0,
        alerts_by_category: BTreeMap::new(),
        impostor_pages: Vec::new(),
        // Signed: the code of conduct in effect on the period's last day.
        coverage: store.coverage(&(period.to - Duration::days(1)).to_string())?,
        key_phrases: Vec::new(),
        clusters: Vec::new(),
        spikes: Vec::new(),
        spreading: Vec::new(),
        forecast: None,
        audit_events: 0,
        audit_head: String::new(),
        audit_ok: true,
        channel_feedback: {
            let fb = crate::sources::feedback(store, period.from, period.to - Duration::days(1))?;
            report::ChannelFeedback {
                comments: fb.comments,
                answered: fb.answered,
                most_discussed: fb
                    .most_discussed
                    .into_iter()
                    .map(|d| (d.text, d.comments))
                    .collect(),
            }
        },
    };
    for r in history_rows.iter().filter(|r| in_period(&r.day)) {
        // Saturating: a figure is never wrapped round into nonsense, whatever was stored.
        f.items = f.items.saturating_add(r.items);
        f.reactions = f.reactions.saturating_add(r.reactions);
        f.comments = f.comments.saturating_add(r.comments);
        f.shares = f.shares.saturating_add(r.shares);
        *f.items_by_platform.entry(r.platform.clone()).or_default() += r.items;
        *f.items_by_day.entry(r.day.clone()).or_default() += r.items;
        let unit = unit_of.get(&r.community_id).cloned().unwrap_or_default();
        *f.items_by_unit.entry(unit).or_default() += r.items;
        let locality = locality_of
            .get(&r.community_id)
            .cloned()
            .unwrap_or_default();
        *f.items_by_locality.entry(locality).or_default() += r.items;
    }
    for (_, category, n) in history_flags.iter().filter(|(d, _, _)| in_period(d)) {
        *f.items_flagged_by_category
            .entry(category.clone())
            .or_default() += n;
    }
    f.official_channels = official_channels(&communities);
    for c in &communities {
        *f.communities_by_platform
            .entry(c.platform.as_str().to_owned())
            .or_default() += 1;
        *f.communities_by_classification
            .entry(c.classification.as_str().to_owned())
            .or_default() += 1;
        *f.communities_by_status
            .entry(c.status.as_str().to_owned())
            .or_default() += 1;
        if matches!(
            c.status,
            Status::Impersonating | Status::Reported | Status::Removed
        ) {
            f.impostor_pages.push((
                c.name.clone(),
                c.url.clone().unwrap_or_default(),
                c.status.as_str().to_owned(),
            ));
        }
    }
    f.alerts_by_category = alerts_by_category(store, &from, &to)?;

    // Topics against the period just before, of the same length; clusters of the period. Each
    // post is folded once and read by both.
    let background_from = (period.from - Duration::days(period.days())).to_string();
    let mut now = topics::Counts::default();
    let mut clusters = topics::Clusters::default();
    let mut folded = String::new();
    store.for_each_text(&from, &to, &mut |t, c| {
        folded.clear();
        text::fold_into(t, &mut folded);
        now.add_folded(&folded);
        clusters.add(t, &folded, c);
    })?;
    let mut before = topics::Counts::default();
    store.for_each_text(&background_from, &from, &mut |t, _| before.add(t))?;
    f.key_phrases = topics::key_phrases(&now, &before, 10);
    f.clusters = clusters.top(5);
    written_forms(store, &from, &to, &mut f.key_phrases, &|_| true)?;

    // Spikes in the period against the 8 weeks before it; the forecast from the whole series.
    let mut daily: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for r in &history_rows {
        if let Ok(d) = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d") {
            *daily.entry(d).or_default() += r.items as f64;
        }
    }
    let series = Daily::from_counts("all", &daily, history_from, period.to - Duration::days(1));
    f.spikes = spikes::daily(&series, 56);
    let mut by_category: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for (d, c, n) in &history_flags {
        if let Ok(d) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            *by_category
                .entry(c.clone())
                .or_default()
                .entry(d)
                .or_default() += *n as f64;
        }
    }
    for (c, counts) in &by_category {
        let s = Daily::from_counts(
            &format!("category:{c}"),
            counts,
            history_from,
            period.to - Duration::days(1),
        );
        f.spikes.extend(spikes::daily(&s, 56));
    }
    f.forecast = forecast::daily(&series.values, 7);
    f.spreading =
        analytics::spread::spreading(&store.signal_items(&from, &to, &["false_claim", "scam"])?);

    // The audit anchor: the log read once, verified, and its last hash.
    let events = store.audit_events()?;
    let v = store::audit::verify(&events);
    f.audit_events = v.events;
    f.audit_ok = v.ok;
    f.audit_head = events.last().map(|e| e.hash.clone()).unwrap_or_default();
    Ok(f)
}

/// The figures the dashboard shows of a period — its posts, its flagged posts by category, the
/// official channels, its alerts by category, the declarations' coverage — the same numbers
/// [`figures`] gives for them, and nothing else (the other fields empty): without `figures`'
/// reading of every text of the period and the one before (key phrases, clusters), its eight
/// weeks of history (spikes) and the whole audit log (its anchor). On a province's ten million
/// posts `figures` of a month takes seconds, which each server paid once a minute for the
/// dashboard (`cargo xtask bench-province`).
pub fn dashboard_figures(store: &mut Store, period: &Period) -> Result<Figures> {
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let mut f = Figures {
        items: store
            .hourly_volume(&from, &to)?
            .iter()
            .fold(0u64, |n, (_, items)| n.saturating_add(*items)),
        official_channels: official_channels(&store.communities()?),
        alerts_by_category: alerts_by_category(store, &from, &to)?,
        coverage: store.coverage(&(period.to - Duration::days(1)).to_string())?,
        audit_ok: true,
        ..Figures::default()
    };
    for (_, category, n) in store.signal_volume(&from, &to)? {
        *f.items_flagged_by_category.entry(category).or_default() += n;
    }
    Ok(f)
}

/// The official channels: pages classified official and said whose they are.
fn official_channels(communities: &[domain::Community]) -> u64 {
    communities
        .iter()
        .filter(|c| c.classification == Classification::Official && c.official_of.is_some())
        .count() as u64
}

/// The alerts first seen in `[from, to)`, by category.
fn alerts_by_category(store: &mut Store, from: &str, to: &str) -> Result<BTreeMap<String, u64>> {
    let mut by = BTreeMap::new();
    for a in store.alerts()? {
        if a.first_at.as_str() >= from && a.first_at.as_str() < to {
            *by.entry(a.category.as_str().to_owned()).or_default() += 1;
        }
    }
    Ok(by)
}

/// Shows each phrase as the period's posts write it (with diacritics): the first post (of a
/// community `keep` keeps) that carries it says how.
pub(crate) fn written_forms(
    store: &mut Store,
    from: &str,
    to: &str,
    phrases: &mut [topics::Phrase],
    keep: &dyn Fn(i64) -> bool,
) -> Result<()> {
    let mut unresolved: Vec<usize> = (0..phrases.len()).collect();
    if unresolved.is_empty() {
        return Ok(());
    }
    let folded_phrases: Vec<String> = phrases.iter().map(|p| p.phrase.clone()).collect();
    let mut written: Vec<Option<String>> = vec![None; phrases.len()];
    let mut folded = String::new();
    store.for_each_text(from, to, &mut |t, c| {
        if unresolved.is_empty() || !keep(c) {
            return;
        }
        folded.clear();
        text::fold_into(t, &mut folded);
        unresolved.retain(|&k| {
            let padded = format!(" {folded} ");
            if !padded.contains(&format!(" {} ", folded_phrases[k])) {
                return true;
            }
            written[k] = topics::written_form(&folded_phrases[k], t);
            written[k].is_none()
        });
    })?;
    for (p, w) in phrases.iter_mut().zip(written) {
        if let Some(w) = w {
            p.phrase = w;
        }
    }
    Ok(())
}

fn category_label(c: &str) -> String {
    Category::parse_word(c).map_or_else(|| c.to_owned(), |c| c.label_vi().to_owned())
}

fn platform_label(p: &str) -> String {
    domain::Platform::parse_word(p).map_or_else(|| p.to_owned(), |p| p.label_vi().to_owned())
}

/// Who writes: the place (the root unit's ward, or its name), the province, and the Party
/// Committee's name ("Đảng ủy xã Thạch Quảng").
pub(crate) struct Letterhead {
    pub place: String,
    pub province: String,
    pub issuer_name: String,
}

pub(crate) fn letterhead(store: &mut Store) -> Result<Letterhead> {
    let units = store.units()?;
    let root = units
        .iter()
        .find(|u| u.parent.is_none())
        .context("chưa có đơn vị gốc: nhập sổ đăng ký hoặc chạy demo trước")?;
    let ward = root.locality_code.and_then(domain::ward_by_code);
    Ok(Letterhead {
        place: ward
            .map(|w| {
                w.ward_name
                    .trim_start_matches("Xã ")
                    .trim_start_matches("Phường ")
                    .to_owned()
            })
            .unwrap_or_else(|| root.name.clone()),
        province: ward.map(|w| w.province_name.clone()).unwrap_or_default(),
        issuer_name: root.name.replacen("Đảng bộ", "Đảng ủy", 1),
    })
}

/// Builds the report for a period; `today` is the date on the place-and-date line.
/// The report's words on the public's feedback on the official channels (aggregate only: no
/// figure about fewer than five comments).
fn channel_feedback(fb: &report::ChannelFeedback) -> String {
    let n = |x: u64| text::thousands(x as i64);
    if fb.comments < analytics::MIN_GROUP {
        return "6. Phản hồi trên kênh chính thức: chưa đủ bình luận của người dân (dưới 5) để tổng hợp, hoặc chưa có nguồn đọc qua API.".into();
    }
    let mut s = format!(
        "6. Phản hồi trên kênh chính thức: {} bình luận của người dân; {} được chính kênh trả lời ({}%).",
        n(fb.comments),
        n(fb.answered),
        fb.answered * 100 / fb.comments
    );
    if let Some((text, count)) = fb.most_discussed.first() {
        s.push_str(&format!(
            " Bài được bàn nhiều nhất: «{text}» ({} bình luận).",
            n(*count)
        ));
    }
    s
}

pub fn build(store: &mut Store, period: &Period, today: NaiveDate) -> Result<Report> {
    let f = figures(store, period)?;
    let Letterhead {
        place,
        province,
        issuer_name,
    } = letterhead(store)?;

    let mut tables = Vec::new();
    let mut charts = Vec::new();

    // 1. Posts by platform.
    let mut rows = Vec::new();
    for (p, n) in &f.items_by_platform {
        rows.push(vec![Cell::text(platform_label(p)), Cell::public(*n)]);
    }
    tables.push(Table {
        sheet: "Bai dang".into(),
        title: format!("Bài đăng công khai theo nền tảng, {}", period.label),
        header: vec!["Nền tảng".into(), "Số bài đăng".into()],
        rows,
        total: Some(vec![Cell::text("Tổng cộng"), Cell::public(f.items)]),
    });
    // 2. The register.
    let rows: Vec<Vec<Cell>> = f
        .communities_by_platform
        .iter()
        .map(|(p, n)| vec![Cell::text(platform_label(p)), Cell::count(*n)])
        .collect();
    tables.push(Table {
        sheet: "So dang ky".into(),
        title: "Trang, kênh, hội, nhóm trong sổ đăng ký theo nền tảng".into(),
        header: vec!["Nền tảng".into(), "Số trang, kênh, hội, nhóm".into()],
        rows,
        total: Some(vec![Cell::text("Tổng cộng"), Cell::count(f.communities)]),
    });
    // 3. Declarations and commitments.
    let rows: Vec<Vec<Cell>> = f
        .coverage
        .iter()
        .map(|c| {
            vec![
                Cell::text(c.unit.clone()),
                Cell::count(c.members),
                Cell::count(c.declared),
                Cell::count(c.signed),
            ]
        })
        .collect();
    let sum = |g: fn(&domain::Coverage) -> u64| f.coverage.iter().map(g).sum::<u64>();
    let (members, declared, signed) = (sum(|c| c.members), sum(|c| c.declared), sum(|c| c.signed));
    tables.push(Table {
        sheet: "Ke khai cam ket".into(),
        title: "Kê khai tài khoản và ký cam kết của cán bộ, đảng viên theo đơn vị".into(),
        header: vec![
            "Đơn vị".into(),
            "Số người".into(),
            "Đã kê khai".into(),
            "Đã ký cam kết".into(),
        ],
        rows,
        total: Some(vec![
            Cell::text("Tổng cộng"),
            Cell::count(members),
            Cell::count(declared),
            Cell::count(signed),
        ]),
    });
    // 4. Flagged posts and alerts by category.
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let rows: Vec<Vec<Cell>> = categories
        .iter()
        .map(|c| {
            vec![
                Cell::text(category_label(c)),
                Cell::count(f.items_flagged_by_category.get(*c).copied().unwrap_or(0)),
                Cell::count(f.alerts_by_category.get(*c).copied().unwrap_or(0)),
            ]
        })
        .collect();
    tables.push(Table {
        sheet: "Canh bao".into(),
        title: format!(
            "Bài đăng có dấu hiệu và cảnh báo theo loại, {}",
            period.label
        ),
        header: vec![
            "Loại".into(),
            "Bài đăng có dấu hiệu".into(),
            "Cảnh báo".into(),
        ],
        rows,
        total: Some(vec![
            Cell::text("Tổng cộng"),
            Cell::count(f.items_flagged_by_category.values().sum()),
            Cell::count(f.alerts_by_category.values().sum()),
        ]),
    });
    // 5. Impersonating pages.
    let rows: Vec<Vec<Cell>> = f
        .impostor_pages
        .iter()
        .map(|(n, u, s)| {
            vec![
                Cell::text(n.clone()),
                Cell::text(u.clone()),
                Cell::text(Status::parse_word(s).map_or(s.as_str(), |s| s.label_vi())),
            ]
        })
        .collect();
    tables.push(Table {
        sheet: "Trang gia mao".into(),
        title: "Trang giả mạo, đã báo cáo nền tảng, đã gỡ bỏ".into(),
        header: vec!["Tên trang".into(), "Đường dẫn".into(), "Tình trạng".into()],
        rows,
        total: None,
    });
    // 6. Topics.
    let rows: Vec<Vec<Cell>> = f
        .key_phrases
        .iter()
        .map(|p| {
            vec![
                Cell::text(p.phrase.clone()),
                Cell::public(p.count),
                Cell::Number(p.expected),
                Cell::Number(p.score),
            ]
        })
        .collect();
    tables.push(Table {
        sheet: "Chu de".into(),
        title: format!("Chủ đề nổi bật {} so với kỳ trước", period.label),
        header: vec![
            "Cụm từ".into(),
            "Số bài".into(),
            "Kỳ trước (quy đổi)".into(),
            "Điểm nổi bật (G²)".into(),
        ],
        rows,
        total: None,
    });
    // 7. Spikes.
    let rows: Vec<Vec<Cell>> = f
        .spikes
        .iter()
        .map(|s| {
            let series = match s.series.strip_prefix("category:") {
                Some(c) => category_label(c),
                None => "Tất cả bài đăng".into(),
            };
            vec![
                Cell::text(series),
                Cell::text(s.at.clone()),
                Cell::Number(s.value),
                Cell::Number(s.baseline),
                Cell::Number(s.score),
            ]
        })
        .collect();
    tables.push(Table {
        sheet: "Dot bien".into(),
        title: "Ngày tăng đột biến".into(),
        header: vec![
            "Chuỗi số liệu".into(),
            "Ngày".into(),
            "Số bài".into(),
            "Mức thường".into(),
            "Mức độ".into(),
        ],
        rows,
        total: None,
    });
    // 8. Forecast.
    let rows: Vec<Vec<Cell>> = f
        .forecast
        .iter()
        .flat_map(|fc| fc.points.iter())
        .map(|p| {
            let day = period.to + Duration::days(p.ahead as i64 - 1);
            vec![
                Cell::text(day.format("%d/%m/%Y").to_string()),
                Cell::Number(p.value),
                Cell::Number(p.low),
                Cell::Number(p.high),
            ]
        })
        .collect();
    tables.push(Table {
        sheet: "Du bao".into(),
        title: "Dự báo số bài đăng 7 ngày tới (khoảng tin cậy 95%)".into(),
        header: vec!["Ngày".into(), "Dự báo".into(), "Thấp".into(), "Cao".into()],
        rows,
        total: None,
    });

    // Charts.
    let days: Vec<String> = {
        let mut d = period.from;
        let mut v = Vec::new();
        while d < period.to {
            v.push(d.format("%d/%m").to_string());
            d += Duration::days(1);
        }
        v
    };
    let values: Vec<f64> = {
        let mut d = period.from;
        let mut v = Vec::new();
        while d < period.to {
            v.push(f.items_by_day.get(&d.to_string()).copied().unwrap_or(0) as f64);
            d += Duration::days(1);
        }
        v
    };
    let spike_idx: Vec<usize> = f
        .spikes
        .iter()
        .filter(|s| s.series == "all")
        .filter_map(|s| NaiveDate::parse_from_str(&s.at, "%Y-%m-%d").ok())
        .map(|d| (d - period.from).num_days() as usize)
        .collect();
    let band: Vec<(f64, f64, f64)> = f
        .forecast
        .iter()
        .flat_map(|fc| fc.points.iter())
        .map(|p| (p.value, p.low, p.high))
        .collect();
    let mut labels = days.clone();
    for p in f.forecast.iter().flat_map(|fc| fc.points.iter()) {
        labels.push(
            (period.to + Duration::days(p.ahead as i64 - 1))
                .format("%d/%m")
                .to_string(),
        );
    }
    let title = format!(
        "Số bài đăng theo ngày, {} (chấm đỏ: đột biến; nét đứt: dự báo)",
        period.label
    );
    charts.push(Chart {
        svg: analytics::svg::line(&title, &labels, &values, &spike_idx, &band),
        title,
    });
    let cat_rows: Vec<(String, Option<f64>)> = categories
        .iter()
        .map(|c| {
            (
                category_label(c),
                Some(f.items_flagged_by_category.get(*c).copied().unwrap_or(0) as f64),
            )
        })
        .collect();
    let title = "Bài đăng có dấu hiệu theo loại".to_owned();
    charts.push(Chart {
        svg: analytics::svg::bars(&title, &cat_rows),
        title,
    });
    let cov_rows: Vec<(String, Option<f64>)> = f
        .coverage
        .iter()
        .filter(|c| c.members > 0)
        .map(|c| {
            (
                c.unit.clone(),
                Some((100.0 * c.signed as f64 / c.members as f64).round()),
            )
        })
        .collect();
    let title = "Tỷ lệ ký cam kết theo đơn vị (%)".to_owned();
    charts.push(Chart {
        svg: analytics::svg::bars(&title, &cov_rows),
        title,
    });
    let mut spread_chart = None;
    let mut topic_chart = None;
    if let Some(sp) = f.spreading.first() {
        spread_chart = Some(charts.len());
        let title = format!(
            "Nội dung «{}» lan qua các trang, nhóm (số trang, nhóm cộng dồn)",
            sp.reference
        );
        charts.push(Chart {
            svg: spread_svg(&title, sp),
            title,
        });
    }
    if !f.key_phrases.is_empty() {
        topic_chart = Some(charts.len());
        let rows: Vec<(String, Option<f64>)> = f
            .key_phrases
            .iter()
            .map(|p| (p.phrase.clone(), suppress(p.count).map(|n| n as f64)))
            .collect();
        let title = "Chủ đề nổi bật (số bài)".to_owned();
        charts.push(Chart {
            svg: analytics::svg::bars(&title, &rows),
            title,
        });
    }

    // Narrative: figures in sentences the office can edit.
    let n = |x: u64| text::thousands(x as i64);
    let platforms: Vec<String> = f
        .items_by_platform
        .iter()
        .map(|(p, c)| format!("{} {}", platform_label(p), Cell::public(*c).shown()))
        .collect();
    let mut situation = vec![format!(
        "Trong {}, hệ thống ghi nhận {} bài đăng công khai trên các trang, kênh, hội, nhóm có liên quan đến địa phương ({}), với {} lượt bày tỏ cảm xúc, {} bình luận và {} lượt chia sẻ.",
        period.label,
        n(f.items),
        if platforms.is_empty() {
            "chưa có dữ liệu".into()
        } else {
            platforms.join("; ")
        },
        n(f.reactions),
        n(f.comments),
        n(f.shares)
    )];
    if !f.key_phrases.is_empty() {
        let top: Vec<String> = f
            .key_phrases
            .iter()
            .take(5)
            .map(|p| format!("«{}»", p.phrase))
            .collect();
        situation.push(format!(
            "Các chủ đề được nhắc đến nhiều hơn kỳ trước: {}.",
            top.join(", ")
        ));
    }
    let all_spikes: Vec<&spikes::Spike> = f.spikes.iter().filter(|s| s.series == "all").collect();
    situation.push(if all_spikes.is_empty() {
        "Không có ngày nào số bài đăng tăng đột biến so với mức thường của các tuần trước.".into()
    } else {
        let days: Vec<String> = all_spikes
            .iter()
            .map(|s| format!("{} ({} bài, mức thường {})", s.at, s.value, s.baseline))
            .collect();
        format!(
            "Số bài đăng tăng đột biến vào các ngày: {}.",
            days.join("; ")
        )
    });
    if let Some(c) = f.clusters.first() {
        situation.push(format!(
            "Có {} nhóm bài đăng gần như trùng nhau (đăng lặp lại từ 5 lần trở lên); nhóm lớn nhất gồm {} bài trên {} trang, nhóm.",
            f.clusters.len(),
            c.count,
            c.communities
        ));
    }
    let flagged: u64 = f.items_flagged_by_category.values().sum();
    let status = |s: Status| {
        f.communities_by_status
            .get(s.as_str())
            .copied()
            .unwrap_or(0)
    };
    let sections = vec![
        Section { heading: "I. TÌNH HÌNH CHUNG".into(), paragraphs: situation, tables: vec![0, 5, 6], charts: std::iter::once(0).chain(topic_chart).collect() },
        Section {
            heading: "II. KẾT QUẢ THỰC HIỆN".into(),
            paragraphs: vec![
                format!(
                    "1. Sổ đăng ký trang, kênh, hội, nhóm: toàn xã đã đăng ký {} trang, kênh, hội, nhóm; trong đó {} trang, kênh chính thức của các đơn vị.",
                    n(f.communities),
                    n(f.official_channels)
                ),
                format!(
                    "2. Kê khai và ký cam kết: {} cán bộ, đảng viên; {} người đã kê khai tài khoản, {} người đã ký cam kết.",
                    n(members),
                    n(declared),
                    n(signed)
                ),
                format!(
                    "3. Phát hiện và cảnh báo: {} bài đăng có dấu hiệu vi phạm được phát hiện và đưa vào xem xét; {} cảnh báo được lập.",
                    n(flagged),
                    n(f.alerts_by_category.values().sum())
                ),
                format!(
                    "4. Trang giả mạo: {} trang đang xác định giả mạo, {} trang đã báo cáo nền tảng, {} trang đã bị gỡ bỏ.",
                    n(status(Status::Impersonating)),
                    n(status(Status::Reported)),
                    n(status(Status::Removed))
                ),
                format!(
                    "5. Lừa đảo và thông tin sai sự thật: {} bài đăng có dấu hiệu lừa đảo, {} bài trùng với thông tin đã được xác minh là sai; {} nội dung lan qua từ 3 trang, nhóm trở lên trong 72 giờ.",
                    n(f.items_flagged_by_category.get("scam").copied().unwrap_or(0)),
                    n(f.items_flagged_by_category.get("false_claim").copied().unwrap_or(0)),
                    n(f.spreading.len() as u64)
                ),
                channel_feedback(&f.channel_feedback),
            ],
            tables: vec![1, 2, 3, 4],
            charts: [1, 2].into_iter().chain(spread_chart).collect(),
        },
        Section {
            heading: "III. HẠN CHẾ".into(),
            paragraphs: vec![
                if members > signed {
                    format!("Còn {} cán bộ, đảng viên chưa ký cam kết.", n(members - signed))
                } else {
                    "Toàn bộ cán bộ, đảng viên đã ký cam kết.".into()
                },
                "(Văn phòng bổ sung nhận định về hạn chế, nguyên nhân.)".into(),
            ],
            tables: vec![],
            charts: vec![],
        },
        Section {
            heading: "IV. NHIỆM VỤ THỜI GIAN TỚI".into(),
            paragraphs: vec![
                match &f.forecast {
                    Some(fc) => format!(
                        "Dự báo 7 ngày tới có khoảng {} bài đăng (từ {} đến {} bài), theo nhịp các tuần trước.",
                        n(fc.points.iter().map(|p| p.value).sum::<f64>().round() as u64),
                        n(fc.points.iter().map(|p| p.low).sum::<f64>().round() as u64),
                        n(fc.points.iter().map(|p| p.high).sum::<f64>().round() as u64)
                    ),
                    None => "Chưa đủ số liệu (cần ít nhất 3 tuần) để dự báo.".into(),
                },
                "Tiếp tục rà soát, cập nhật sổ đăng ký; đôn đốc cán bộ, đảng viên chưa kê khai, chưa ký cam kết; xử lý kịp thời trang giả mạo và thông tin sai sự thật.".into(),
                "(Văn phòng bổ sung nhiệm vụ cụ thể.)".into(),
            ],
            tables: vec![7],
            charts: vec![],
        },
    ];
    if tables.len() != 8 {
        bail!(
            "internal: the report has {} tables, expected 8",
            tables.len()
        );
    }
    Ok(Report {
        period: period.clone(),
        superior: if province.is_empty() {
            String::new()
        } else {
            upper(&format!("Đảng bộ tỉnh {province}"))
        },
        issuer: upper(&issuer_name),
        number: "Số       -BC/ĐU".into(),
        place_date: format!(
            "{place}, ngày {} tháng {} năm {}",
            today.day(),
            today.month(),
            today.year()
        ),
        title: "BÁO CÁO".into(),
        subject: format!(
            "Kết quả quản lý trang, kênh, hội, nhóm trên không gian mạng {}",
            period.label
        ),
        sections,
        tables,
        charts,
        recipients: vec![
            format!("Ban Thường vụ Tỉnh ủy {province} (để báo cáo),"),
            "Các đồng chí Ủy viên Ban Thường vụ,".into(),
            "Lưu Văn phòng Đảng ủy.".into(),
        ],
        signature_on_behalf: "T/M BAN THƯỜNG VỤ".into(),
        signature_role: "BÍ THƯ".into(),
        figures: f,
    })
}

/// Spikes on every daily series — all posts, each platform, each unit, each signal category —
/// on the days from `since` to `until` (inclusive), against the 8 weeks before; and on the hourly
/// series of all posts over the last two days of that span.
pub fn spikes_between(
    store: &mut Store,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<spikes::Spike>> {
    let history_from = since - Duration::days(56);
    let to = (until + Duration::days(1)).to_string();
    let unit_of: HashMap<i64, String> = store
        .communities()?
        .into_iter()
        .map(|c| (c.id.0, c.unit.unwrap_or_else(|| "(chưa gắn đơn vị)".into())))
        .collect();
    let mut series: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for r in store.item_volume(&history_from.to_string(), &to)? {
        let Ok(d) = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d") else {
            continue;
        };
        let n = r.items as f64;
        *series
            .entry("all".into())
            .or_default()
            .entry(d)
            .or_default() += n;
        *series
            .entry(format!("platform:{}", r.platform))
            .or_default()
            .entry(d)
            .or_default() += n;
        if let Some(u) = unit_of.get(&r.community_id) {
            *series
                .entry(format!("unit:{u}"))
                .or_default()
                .entry(d)
                .or_default() += n;
        }
    }
    for (d, c, n) in store.signal_volume(&history_from.to_string(), &to)? {
        if let Ok(d) = NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            *series
                .entry(format!("category:{c}"))
                .or_default()
                .entry(d)
                .or_default() += n as f64;
        }
    }
    let mut out = Vec::new();
    for (name, counts) in &series {
        let s = Daily::from_counts(name, counts, history_from, until);
        out.extend(spikes::daily(&s, 56));
    }
    // Hourly: the last two days, against the 14 days before them.
    let hour_from = until - Duration::days(15);
    let mut hours: BTreeMap<chrono::NaiveDateTime, f64> = BTreeMap::new();
    for (h, n) in store.hourly_volume(&hour_from.to_string(), &to)? {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&format!("{h}:00"), "%Y-%m-%dT%H:%M") {
            hours.insert(t, n as f64);
        }
    }
    let start = hour_from.and_hms_opt(0, 0, 0).context("start hour")?;
    let end = until.and_hms_opt(23, 0, 0).context("end hour")?;
    let h = analytics::series::Hourly::from_counts("all:hourly", &hours, start, end);
    let last_two_days = h.values.len().saturating_sub(48);
    out.extend(spikes::hourly(&h, last_two_days));
    out.retain(|s| s.at.as_str() >= since.to_string().as_str());
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.series.cmp(&b.series)));
    Ok(out)
}

/// Claims and scams spreading across communities between `since` and `until` (inclusive).
pub fn spreading_between(
    store: &mut Store,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<analytics::spread::Spread>> {
    let to = (until + Duration::days(1)).to_string();
    let matched = store.signal_items(&since.to_string(), &to, &["false_claim", "scam"])?;
    Ok(analytics::spread::spreading(&matched))
}

/// The alerts early warning raises: a spike of a category's flagged posts, and a claim or scam
/// spreading — each with the posts behind it. Volume spikes that are not about a category of the
/// taxonomy are reported (`analytics spikes`, the report), not raised as alerts.
pub fn early_warning_alerts(
    store: &mut Store,
    spikes: &[spikes::Spike],
    spreads: &[analytics::spread::Spread],
) -> Result<Vec<(domain::StoredAlert, String)>> {
    let mut alerts = Vec::new();
    for s in spikes {
        let Some(category) = s
            .series
            .strip_prefix("category:")
            .and_then(Category::parse_word)
        else {
            continue;
        };
        let Ok(day) = NaiveDate::parse_from_str(&s.at, "%Y-%m-%d") else {
            continue;
        };
        let items: Vec<String> = store
            .signal_items(
                &day.to_string(),
                &(day + Duration::days(1)).to_string(),
                &[category.as_str()],
            )?
            .into_iter()
            .map(|r| r.4)
            .collect();
        // The chart: the category's flagged posts per day over the four weeks up to the spike.
        let from = day - Duration::days(27);
        let mut counts: BTreeMap<String, f64> = BTreeMap::new();
        for (d, c, n) in
            store.signal_volume(&from.to_string(), &(day + Duration::days(1)).to_string())?
        {
            if c == category.as_str() {
                counts.insert(d, n as f64);
            }
        }
        let (labels, values): (Vec<String>, Vec<f64>) = (0..28)
            .map(|k| {
                let d = from + Duration::days(k);
                (
                    d.format("%d/%m").to_string(),
                    counts.get(&d.to_string()).copied().unwrap_or(0.0),
                )
            })
            .unzip();
        let chart = analytics::svg::line(
            &format!(
                "Bài «{}» theo ngày — đột biến ngày {}",
                category.label_vi(),
                day.format("%d/%m/%Y")
            ),
            &labels,
            &values,
            &[27],
            &[],
        );
        alerts.push((
            domain::StoredAlert {
                id: 0,
                category,
                severity: if s.score >= 8.0 {
                    "high".into()
                } else {
                    "medium".into()
                },
                score: (s.score / 10.0).min(1.0) as f32,
                count: items.len() as u64,
                item_ids: items,
                first_at: format!("{}T00:00:00+07:00", s.at),
                last_at: format!("{}T23:59:59+07:00", s.at),
                explanation: format!(
                    "Đột biến: ngày {} có {} bài «{}», mức thường {} (mức độ {:.1})",
                    s.at,
                    s.value,
                    category.label_vi(),
                    s.baseline,
                    s.score
                ),
                status: "open".into(),
            },
            chart,
        ));
    }
    for sp in spreads {
        let Some(category) = Category::parse_word(&sp.category) else {
            continue;
        };
        let chart = spread_svg(
            &format!("«{}»: số trang, nhóm đã xuất hiện (cộng dồn)", sp.reference),
            sp,
        );
        alerts.push((
            domain::StoredAlert {
                id: 0,
                category,
                severity: "high".into(),
                score: 0.9,
                count: sp.items.len() as u64,
                item_ids: sp.items.clone(),
                first_at: sp.first_at.clone(),
                last_at: sp.last_at.clone(),
                explanation: format!(
                    "Lan rộng: nội dung khớp «{}» xuất hiện ở {} trang, nhóm trong {} giờ (đến {})",
                    sp.reference,
                    sp.communities,
                    analytics::spread::WINDOW_HOURS,
                    sp.at
                ),
                status: "open".into(),
            },
            chart,
        ));
    }
    Ok(alerts)
}

/// A claim's spread as a chart: communities reached, cumulated day by day.
fn spread_svg(title: &str, sp: &analytics::spread::Spread) -> String {
    let mut total = 0;
    let (labels, values): (Vec<String>, Vec<f64>) = sp
        .timeline
        .iter()
        .map(|(d, n)| {
            total += n;
            (d.get(5..).unwrap_or(d).to_owned(), total as f64)
        })
        .unzip();
    analytics::svg::line(title, &labels, &values, &[], &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboard's few figures are the report's for them, read without the rest.
    #[test]
    fn the_dashboards_figures_are_the_reports() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::db::open(dir.path(), None).unwrap();
        let texts = [
            ("2026-10-30T08:00:00+07:00", "Chợ phiên sáng nay đông vui"),
            (
                "2026-11-02T08:00:00+07:00",
                "Trúng thưởng xe máy, chuyển khoản phí 500k vào số tài khoản 0123456789 để nhận quà",
            ),
            (
                "2026-11-02T09:00:00+07:00",
                "Trúng thưởng iPhone, chuyển khoản phí nhận quà ngay vào số tài khoản 0123456789",
            ),
            (
                "2026-11-15T20:00:00+07:00",
                "Lịch tiêm chủng tuần này ở trạm y tế xã",
            ),
            ("2026-12-01T08:00:00+07:00", "Tháng mới, họp thôn"),
        ];
        let posts: Vec<domain::NewItem> = texts
            .iter()
            .enumerate()
            .map(|(k, (at, text))| crate::testing::post(&format!("p{k}"), at, text))
            .collect();
        store.ingest_items("t", "test", &posts, 3).unwrap();
        crate::screening::scan(&mut store, dir.path(), false).unwrap();
        let period = Period::parse("2026-11").unwrap();
        let whole = figures(&mut store, &period).unwrap();
        let few = dashboard_figures(&mut store, &period).unwrap();
        assert_eq!(few.items, 3);
        assert!(
            !few.items_flagged_by_category.is_empty() && !few.alerts_by_category.is_empty(),
            "{few:?}"
        );
        assert_eq!(
            (
                few.items,
                &few.items_flagged_by_category,
                few.official_channels,
                &few.alerts_by_category,
                &few.coverage
            ),
            (
                whole.items,
                &whole.items_flagged_by_category,
                whole.official_channels,
                &whole.alerts_by_category,
                &whole.coverage
            )
        );
    }
}
