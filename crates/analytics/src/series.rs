//! Daily and hourly series: contiguous buckets (missing ones are zero), keyed by a name such as
//! `platform:facebook`, `community:12`, `category:scam` or `all`.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// A daily series from `start`, one value per day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Daily {
    pub name: String,
    pub start: NaiveDate,
    pub values: Vec<f64>,
}

impl Daily {
    /// From (day, count) pairs: days without a count are zero, from `start` to `end` inclusive.
    pub fn from_counts(
        name: &str,
        counts: &BTreeMap<NaiveDate, f64>,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Daily {
        let days = (end - start).num_days().max(-1) + 1;
        let values = (0..days)
            .map(|d| {
                counts
                    .get(&(start + Duration::days(d)))
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect();
        Daily {
            name: name.to_owned(),
            start,
            values,
        }
    }

    pub fn day(&self, i: usize) -> NaiveDate {
        self.start + Duration::days(i as i64)
    }

    pub fn total(&self) -> f64 {
        self.values.iter().sum()
    }
}

/// An hourly series from `start` (a whole hour), one value per hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hourly {
    pub name: String,
    pub start: NaiveDateTime,
    pub values: Vec<f64>,
}

impl Hourly {
    pub fn from_counts(
        name: &str,
        counts: &BTreeMap<NaiveDateTime, f64>,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Hourly {
        let hours = (end - start).num_hours().max(-1) + 1;
        let values = (0..hours)
            .map(|h| {
                counts
                    .get(&(start + Duration::hours(h)))
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect();
        Hourly {
            name: name.to_owned(),
            start,
            values,
        }
    }

    pub fn hour(&self, i: usize) -> NaiveDateTime {
        self.start + Duration::hours(i as i64)
    }
}
