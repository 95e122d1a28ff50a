//! The impersonation scan over the register: official channels of our units against every other
//! community, with avatars and name history from the store. Benchmarks call [`scan`] too.

use anyhow::Result;
use detect::impersonation::{Channel, Finding, Places, Scanner};
use domain::{Classification, Community};
use serde::Serialize;
use store::Store;

/// A finding as the CLI prints it.
#[derive(Debug, Serialize)]
pub struct Reported {
    pub candidate: Side,
    pub official: Side,
    pub score: f64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Side {
    pub id: i64,
    pub name: String,
    pub url: Option<String>,
    pub platform: &'static str,
    pub unit: Option<String>,
}

fn side(c: &Community) -> Side {
    Side {
        id: c.id.0,
        name: c.name.clone(),
        url: c.url.clone(),
        platform: c.platform.as_str(),
        unit: c.unit.clone(),
    }
}

fn parse_pdq(hex: &str) -> Option<[u16; 16]> {
    if hex.len() != 64 {
        return None;
    }
    let mut w = [0u16; 16];
    for (i, chunk) in hex.as_bytes().chunks(4).enumerate() {
        w[15 - i] = u16::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(w)
}

/// Scans the register: findings at or above `min_score`, best first.
pub fn scan(store: &mut Store, min_score: f64, threads: usize) -> Result<Vec<Reported>> {
    let communities = store.communities()?;
    let avatars: std::collections::HashMap<i64, ([u16; 16], u8)> = store
        .avatars()?
        .into_iter()
        .filter_map(|(id, a)| parse_pdq(&a.pdq).map(|h| (id.0, (h, a.quality))))
        .collect();
    let channel = |c: &Community| Channel {
        name: c.name.clone(),
        url: c.url.clone(),
        platform: Some(c.platform),
        avatar: avatars.get(&c.id.0).copied(),
        renamed_from: Vec::new(),
    };
    // Officials: our units' own channels. Everything else — neighbours' official pages included —
    // is a candidate.
    let (officials, others): (Vec<&Community>, Vec<&Community>) = communities
        .iter()
        .partition(|c| c.classification == Classification::Official && c.official_of.is_some());
    let official_channels: Vec<Channel> = officials.iter().map(|c| channel(c)).collect();
    let mut candidates: Vec<Channel> = others.iter().map(|c| channel(c)).collect();
    let places = Places::gso();
    let scanner = Scanner::new(&official_channels, &places);
    // A rename can add at most 0.3 by noisy-or (s' = 0.3 + 0.7 s): scan without history at the
    // lowest score that could reach `min_score` with it, then bring the history of those only.
    let floor = ((min_score - 0.3) / 0.7).max(0.0);
    let first = scanner.scan(&candidates, floor, threads);
    let mut rescan: Vec<usize> = first.iter().map(|f| f.candidate).collect();
    rescan.sort_unstable();
    rescan.dedup();
    let mut findings: Vec<Finding> = Vec::new();
    for k in rescan {
        let history = store.name_history(others[k].id)?;
        candidates[k].renamed_from = history
            .into_iter()
            .map(|(at, old, _new)| (at, old))
            .collect();
        for (official, score, reasons) in scanner.scan_one(&candidates[k], min_score) {
            findings.push(Finding {
                candidate: k,
                official,
                score,
                reasons,
            });
        }
    }
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.candidate.cmp(&b.candidate))
    });
    Ok(findings
        .into_iter()
        .map(|f| Reported {
            candidate: side(others[f.candidate]),
            official: side(officials[f.official]),
            score: f.score,
            reasons: f.reasons,
        })
        .collect())
}
