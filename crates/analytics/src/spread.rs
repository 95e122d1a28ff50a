//! The spread of one claim or one scam across communities: the posts a detector matched to the
//! same fact-check entry or the same rule, in time order. A claim is spreading when it reaches at
//! least [`MIN_COMMUNITIES`] distinct communities within [`WINDOW_HOURS`]; the timeline (new
//! communities reached per day) is what the chart shows.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;

pub const WINDOW_HOURS: i64 = 72;
pub const MIN_COMMUNITIES: usize = 3;

/// One matched post: (category, reference, community id, published_at RFC 3339, item source id).
pub type Matched = (String, String, i64, String, String);

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub category: String,
    /// The fact-check entry or rule the posts matched.
    pub reference: String,
    /// Distinct communities reached within the window that made it spreading.
    pub communities: usize,
    pub first_at: String,
    /// When the threshold was crossed.
    pub at: String,
    pub last_at: String,
    /// (day, communities reached for the first time that day), in order.
    pub timeline: Vec<(String, usize)>,
    /// The posts behind it (source ids).
    pub items: Vec<String>,
}

/// A matched post in time: when, where, as written, which item.
type Timed<'a> = (DateTime<FixedOffset>, i64, &'a str, &'a str);

/// Claims and scams that spread, in the order they crossed the threshold.
pub fn spreading(matched: &[Matched]) -> Vec<Spread> {
    let mut groups: BTreeMap<(&str, &str), Vec<Timed<'_>>> = BTreeMap::new();
    for (category, reference, community, at, item) in matched {
        if let Ok(t) = DateTime::parse_from_rfc3339(at) {
            groups
                .entry((category, reference))
                .or_default()
                .push((t, *community, at, item));
        }
    }
    let mut out = Vec::new();
    for ((category, reference), mut posts) in groups {
        posts.sort_by_key(|p| p.0);
        // Sliding window over time: distinct communities within WINDOW_HOURS.
        let mut crossed = None;
        let mut lo = 0;
        for hi in 0..posts.len() {
            while posts[hi].0 - posts[lo].0 > chrono::Duration::hours(WINDOW_HOURS) {
                lo += 1;
            }
            let mut distinct: Vec<i64> = posts[lo..=hi].iter().map(|p| p.1).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() >= MIN_COMMUNITIES {
                crossed = Some((hi, distinct.len()));
                break;
            }
        }
        let Some((at, communities)) = crossed else {
            continue;
        };
        let mut seen: Vec<i64> = Vec::new();
        let mut timeline: BTreeMap<String, usize> = BTreeMap::new();
        for p in &posts {
            let day = p.2.get(..10).unwrap_or(p.2).to_owned();
            let entry = timeline.entry(day).or_default();
            if !seen.contains(&p.1) {
                seen.push(p.1);
                *entry += 1;
            }
        }
        out.push(Spread {
            category: category.to_owned(),
            reference: reference.to_owned(),
            communities,
            first_at: posts[0].2.to_owned(),
            at: posts[at].2.to_owned(),
            last_at: posts[posts.len() - 1].2.to_owned(),
            timeline: timeline.into_iter().collect(),
            items: posts.iter().map(|p| p.3.to_owned()).collect(),
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(c: &str, r: &str, community: i64, at: &str, id: &str) -> Matched {
        (c.into(), r.into(), community, at.into(), id.into())
    }

    #[test]
    fn three_communities_in_three_days_is_spreading_two_is_not() {
        let rows = vec![
            m("false_claim", "fc-1", 1, "2026-11-01T08:00:00+07:00", "a"),
            m("false_claim", "fc-1", 1, "2026-11-01T09:00:00+07:00", "b"),
            m("false_claim", "fc-1", 2, "2026-11-02T08:00:00+07:00", "c"),
            m("false_claim", "fc-1", 3, "2026-11-03T20:00:00+07:00", "d"),
            m("scam", "scam.easy_job", 1, "2026-11-01T08:00:00+07:00", "e"),
            m("scam", "scam.easy_job", 2, "2026-11-10T08:00:00+07:00", "f"),
            m("scam", "scam.easy_job", 3, "2026-11-20T08:00:00+07:00", "g"),
        ];
        let s = spreading(&rows);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(
            (s[0].reference.as_str(), s[0].communities, s[0].at.as_str()),
            ("fc-1", 3, "2026-11-03T20:00:00+07:00")
        );
        assert_eq!(
            s[0].timeline,
            [
                ("2026-11-01".to_owned(), 1),
                ("2026-11-02".to_owned(), 1),
                ("2026-11-03".to_owned(), 1)
            ]
        );
        assert_eq!(s[0].items, ["a", "b", "c", "d"]);
    }
}
