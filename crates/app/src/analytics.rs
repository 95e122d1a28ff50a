//! The analytics of a period, for the browser and the API: posts and flagged posts by day, the
//! spikes of the period against the eight weeks before it, next week's forecast band, posts by
//! platform, flagged posts by category, the period's key phrases against the period before, and
//! the claims and scams that spread — for every unit or one. Aggregates only, never per person;
//! a count under the minimum group size is withheld (`None`, "< 5"), as in the report, and
//! so is a forecast expecting fewer than that on any day.

use crate::{Actor, App, Error, ErrorKind};
use ::report::Period;
use analytics::series::Daily;
use analytics::{forecast, spikes, suppress, topics};
use chrono::{Duration, NaiveDate};
use domain::{Category, Permission};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::Store;

/// The analytics of a period (and a unit, when one was chosen).
#[derive(Clone, Debug, Serialize)]
pub struct Analytics {
    /// The period as asked ("2026-11"), its label, first day and the day after its last; the
    /// unit's name when one was chosen.
    pub period: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub unit: Option<String>,
    pub days: Vec<Day>,
    pub spikes: Vec<spikes::Spike>,
    pub forecast: Vec<ForecastDay>,
    pub topics: Vec<Topic>,
    pub by_platform: Vec<Count>,
    pub flagged_by_category: Vec<Count>,
    pub spreading: Vec<analytics::spread::Spread>,
    /// The public's feedback on the official channels in the period (office-wide, aggregate).
    pub channel_feedback: crate::sources::Feedback,
}

/// One day of the period: posts published, and posts with at least one signal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Day {
    pub date: String,
    pub posts: Option<u64>,
    pub flagged: Option<u64>,
}

/// One day after the period's last: the expected posts and the band they should fall in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastDay {
    pub date: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// A key phrase of the period as its posts write it; `score` is Dunning's G² against the
/// period before, `posts` how many posts of the period carry it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topic {
    pub phrase: String,
    pub score: f64,
    pub posts: u64,
}

/// A count under a name (a platform, a category).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: Option<u64>,
}

/// How many weeks of history a spike is measured against.
const HISTORY_DAYS: i64 = 56;

impl App {
    /// The analytics of `period` ("2026-11", "2026-Q4", "2026"), for one unit (its id) or all.
    pub fn analytics(
        &self,
        actor: &Actor,
        period: &str,
        unit: Option<i64>,
    ) -> Result<Analytics, Error> {
        actor.require(Permission::ViewDetection)?;
        let parsed = Period::parse(period).map_err(|_| {
            Error::new(
                ErrorKind::Invalid { field: "period" },
                "Kỳ không hợp lệ: một tháng (2026-11), một quý (2026-Q4) hoặc một năm (2026).",
            )
        })?;
        let mut store = self.store()?;
        let scope = match unit {
            None => None,
            Some(id) => {
                let units = store.units()?;
                let Some(u) = units.iter().find(|u| u.id.0 == id) else {
                    return Err(Error::new(
                        ErrorKind::Invalid { field: "unit" },
                        format!("Không có đơn vị số {id}."),
                    ));
                };
                Some((u.name.clone(), crate::register::subtree(&units, u.id)))
            }
        };
        let mut a = of(&mut store, &parsed, scope.as_ref())?;
        a.period = period.trim().to_owned();
        Ok(a)
    }

    /// Spikes on every series between two days (each against the eight weeks before).
    pub fn spikes(
        &self,
        actor: &Actor,
        since: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> Result<Vec<analytics::spikes::Spike>, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(crate::report::spikes_between(
            &mut *self.store()?,
            since,
            until,
        )?)
    }

    /// Claims and scams spreading across pages between two days.
    pub fn spreading(
        &self,
        actor: &Actor,
        since: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> Result<Vec<analytics::spread::Spread>, Error> {
        actor.require(Permission::ViewDetection)?;
        Ok(crate::report::spreading_between(
            &mut *self.store()?,
            since,
            until,
        )?)
    }

    /// The early-warning watch: alerts raised for the spikes by category and the content
    /// spreading between two days, each alert's chart written beside the data
    /// (`charts/alert-<category>-<day>.svg`) for whoever triages it.
    pub fn watch(
        &self,
        actor: &Actor,
        since: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> Result<Watch, Error> {
        actor.require_province(Permission::Triage)?;
        let mut store = self.store()?;
        let spikes = crate::report::spikes_between(&mut store, since, until)?;
        let spreading = crate::report::spreading_between(&mut store, since, until)?;
        let found = crate::report::early_warning_alerts(&mut store, &spikes, &spreading)?;
        let list: Vec<domain::StoredAlert> = found.iter().map(|(a, _)| a.clone()).collect();
        let raised = store.raise_alerts(&actor.name, &list)?;
        let charts = self.data_dir().join("charts");
        std::fs::create_dir_all(&charts).map_err(anyhow::Error::from)?;
        let mut alerts = Vec::with_capacity(found.len());
        for (a, svg) in found {
            let day = a.first_at.get(..10).unwrap_or("x");
            let path = charts.join(format!("alert-{}-{day}.svg", a.category.as_str()));
            std::fs::write(&path, svg).map_err(anyhow::Error::from)?;
            alerts.push((a, path));
        }
        Ok(Watch {
            spikes,
            spreading,
            alerts,
            raised,
        })
    }
}

/// What the early-warning watch found and raised.
#[derive(Debug)]
pub struct Watch {
    pub spikes: Vec<analytics::spikes::Spike>,
    pub spreading: Vec<analytics::spread::Spread>,
    /// Each alert found, and its chart's path.
    pub alerts: Vec<(domain::StoredAlert, std::path::PathBuf)>,
    /// How many were new (the others were raised before).
    pub raised: u64,
}

/// The analytics of a period from the store; for one unit (its name, and the names of it and
/// the units under it) or all.
pub fn of(
    store: &mut Store,
    period: &Period,
    unit: Option<&(String, HashSet<String>)>,
) -> anyhow::Result<Analytics> {
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let last = period.to - Duration::days(1);
    let history_from = period.from - Duration::days(HISTORY_DAYS);
    let unit_of: HashMap<i64, Option<String>> = store
        .communities()?
        .into_iter()
        .map(|c| (c.id.0, c.unit))
        .collect();
    let kept = |community: i64| match unit {
        None => true,
        Some((_, names)) => unit_of
            .get(&community)
            .and_then(|x| x.as_deref())
            .is_some_and(|u| names.contains(u)),
    };

    // Posts by day (the history too, for spikes and the forecast) and by platform.
    let mut posts: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut by_platform: BTreeMap<String, u64> = BTreeMap::new();
    for r in store.item_volume(&history_from.to_string(), &to)? {
        if !kept(r.community_id) {
            continue;
        }
        let Ok(day) = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d") else {
            continue;
        };
        *posts.entry(day).or_default() += r.items as f64;
        if day >= period.from {
            *by_platform.entry(r.platform).or_default() += r.items;
        }
    }

    // Flagged posts: an item counts once a day however many signals it has, and once a category.
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let mut flagged_items: HashSet<(NaiveDate, String)> = HashSet::new();
    let mut by_category: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut category_days: BTreeMap<String, HashMap<NaiveDate, HashSet<String>>> = BTreeMap::new();
    let signals = store.signal_items(&history_from.to_string(), &to, &categories)?;
    for (category, _, community, published_at, item) in &signals {
        if !kept(*community) {
            continue;
        }
        let Some(day) = ingest::posts::parse_time(published_at)
            .map(|t| t.with_timezone(&ingest::posts::vietnam()).date_naive())
        else {
            continue;
        };
        category_days
            .entry(category.clone())
            .or_default()
            .entry(day)
            .or_default()
            .insert(item.clone());
        if day >= period.from {
            flagged_items.insert((day, item.clone()));
            by_category
                .entry(category.clone())
                .or_default()
                .insert(item.clone());
        }
    }
    let mut flagged: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for (day, _) in &flagged_items {
        *flagged.entry(*day).or_default() += 1;
    }

    let days = (0..period.days())
        .map(|i| period.from + Duration::days(i))
        .map(|d| Day {
            date: d.to_string(),
            posts: suppress(posts.get(&d).copied().unwrap_or(0.0) as u64),
            flagged: suppress(flagged.get(&d).copied().unwrap_or(0)),
        })
        .collect();

    // Spikes of the period (posts, and flagged posts by category) against the weeks before.
    let series = Daily::from_counts("posts", &posts, history_from, last);
    let mut found = spikes::daily(&series, HISTORY_DAYS as usize);
    for (category, by_day) in &category_days {
        let counts: BTreeMap<NaiveDate, f64> = by_day
            .iter()
            .map(|(d, items)| (*d, items.len() as f64))
            .collect();
        let s = Daily::from_counts(&format!("category:{category}"), &counts, history_from, last);
        found.extend(spikes::daily(&s, HISTORY_DAYS as usize));
    }
    // A forecast of a few posts a day says nothing and would reveal counts under the minimum
    // group size: none unless every day it expects is at least that.
    let forecast = forecast::daily(&series.values, 7)
        .filter(|f| {
            f.points
                .iter()
                .all(|p| p.value >= analytics::MIN_GROUP as f64)
        })
        .map(|f| {
            f.points
                .iter()
                .map(|p| ForecastDay {
                    date: (last + Duration::days(p.ahead as i64)).to_string(),
                    value: p.value.max(0.0),
                    low: p.low.max(0.0),
                    high: p.high.max(0.0),
                })
                .collect()
        })
        .unwrap_or_default();

    // Key phrases against the period just before, of the same length.
    let background_from = (period.from - Duration::days(period.days())).to_string();
    let mut now = topics::Counts::default();
    store.for_each_text(&from, &to, &mut |t, c| {
        if kept(c) {
            now.add(t);
        }
    })?;
    let mut before = topics::Counts::default();
    store.for_each_text(&background_from, &from, &mut |t, c| {
        if kept(c) {
            before.add(t);
        }
    })?;
    let mut phrases = topics::key_phrases(&now, &before, 10);
    crate::report::written_forms(store, &from, &to, &mut phrases, &kept)?;

    let matched: Vec<_> = store
        .signal_items(&from, &to, &["false_claim", "scam"])?
        .into_iter()
        .filter(|s| kept(s.2))
        .collect();

    Ok(Analytics {
        period: period.code.clone(),
        label: period.label.clone(),
        from,
        to,
        unit: unit.map(|(name, _)| name.clone()),
        days,
        spikes: found,
        forecast,
        topics: phrases
            .into_iter()
            .map(|p| Topic {
                phrase: p.phrase,
                score: p.score,
                posts: p.count,
            })
            .collect(),
        by_platform: by_platform
            .into_iter()
            .map(|(key, n)| Count {
                key,
                count: suppress(n),
            })
            .collect(),
        flagged_by_category: by_category
            .into_iter()
            .map(|(key, items)| Count {
                key,
                count: suppress(items.len() as u64),
            })
            .collect(),
        spreading: analytics::spread::spreading(&matched),
        channel_feedback: crate::sources::feedback(store, period.from, last)?,
    })
}
