//! `analytics`: what the public is talking about, in aggregate and never per person — volumes by
//! day and hour ([`series`]), spikes against a robust baseline that knows the weekly rhythm
//! ([`spikes`]), the next week's volume with an interval ([`forecast`]), the period's key phrases
//! against a background period and clusters of near-identical posts ([`topics`]), and the charts
//! people look at ([`svg`]).
//!
//! Architecture Invariant: pure. Counts and texts in, figures out; no IO, no clock. A figure from
//! fewer than [`MIN_GROUP`] items is not shown ([`suppress`]).

pub mod forecast;
pub mod series;
pub mod spikes;
pub mod spread;
pub mod svg;
pub mod topics;

/// Below this many items a figure is not shown (it could point at a person).
pub const MIN_GROUP: u64 = 5;

/// A count as it may be shown: itself when at least [`MIN_GROUP`], otherwise `None` ("< 5").
pub fn suppress(count: u64) -> Option<u64> {
    (count >= MIN_GROUP).then_some(count)
}

/// Median of a slice (mean of the two middle values when even); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Median absolute deviation from the median.
pub fn mad(values: &[f64]) -> f64 {
    let m = median(values);
    let dev: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    median(&dev)
}
