//! Spikes: is this day (hour) far above what the weeks before it make normal?
//!
//! Daily: the last 14 days before the day, each divided by its weekday's factor (the weekday's
//! median over the past 8 weeks against the overall median, so a quiet Sunday is not compared with
//! a busy Monday), give a robust baseline (median) and spread (1.4826 × MAD, at least the Poisson
//! √baseline, at least 1). Hourly: the last hour against the 12 before it, the same way, with an
//! hour-of-day factor from the past 14 days. The score is (value − baseline) / spread; a spike
//! needs a score of at least [`THRESHOLD`], at least [`crate::MIN_GROUP`] items, and 1.5× the
//! baseline — the way listening tools compare the last hour with the past 12 and the last day
//! with the past 14. A series with fewer than half of those days (hours) active has no normal
//! yet and raises nothing.

use crate::series::{Daily, Hourly};
use crate::{mad, median};
use serde::Serialize;

/// Score at or above which a point is a spike.
pub const THRESHOLD: f64 = 4.0;

/// One spike: which series, when, how many, against what, how far out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spike {
    pub series: String,
    /// `YYYY-MM-DD` for a day, `YYYY-MM-DDTHH:00` for an hour (Vietnam time).
    pub at: String,
    pub value: f64,
    pub baseline: f64,
    pub score: f64,
}

fn judge(value: f64, history: &[f64], factor: f64) -> Option<(f64, f64)> {
    // A series with fewer than half its history days active has no "normal" yet: a source that
    // has just started is not a spike.
    if history.len() < 7 || history.iter().filter(|v| **v > 0.0).count() * 2 < history.len() {
        return None;
    }
    let baseline = median(history) * factor;
    let spread = (1.4826 * mad(history) * factor)
        .max(baseline.sqrt())
        .max(1.0);
    let score = (value - baseline) / spread;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    (score >= THRESHOLD && value >= crate::MIN_GROUP as f64 && value >= 1.5 * baseline)
        .then(|| (round(baseline), round(score)))
}

/// Weekday factors from the `weeks` × 7 days before index `t` (1.0 where there is too little).
fn weekday_factors(values: &[f64], t: usize, weeks: usize) -> [f64; 7] {
    let from = t.saturating_sub(weeks * 7);
    let window = &values[from..t];
    let overall = median(window);
    let mut f = [1.0; 7];
    // Too short, or too sparse (a source that started recently): no rhythm to learn.
    let empty = window.iter().filter(|v| **v == 0.0).count();
    if window.len() < 21 || overall <= 0.0 || empty * 4 > window.len() {
        return f;
    }
    for (w, slot) in f.iter_mut().enumerate() {
        let same: Vec<f64> = (from..t)
            .filter(|i| i % 7 == w)
            .map(|i| values[i])
            .collect();
        let m = median(&same);
        if same.len() >= 3 && m > 0.0 {
            *slot = m / overall;
        }
    }
    f
}

/// Spikes of a daily series on the days from index `from` on.
pub fn daily(series: &Daily, from: usize) -> Vec<Spike> {
    let v = &series.values;
    let mut out = Vec::new();
    for t in from.max(14)..v.len() {
        let f = weekday_factors(v, t, 8);
        let history: Vec<f64> = (t - 14..t).map(|i| v[i] / f[i % 7]).collect();
        if let Some((baseline, score)) = judge(v[t], &history, f[t % 7]) {
            out.push(Spike {
                series: series.name.clone(),
                at: series.day(t).to_string(),
                value: v[t],
                baseline,
                score,
            });
        }
    }
    out
}

/// Spikes of an hourly series on the hours from index `from` on.
pub fn hourly(series: &Hourly, from: usize) -> Vec<Spike> {
    let v = &series.values;
    let mut out = Vec::new();
    for t in from.max(12)..v.len() {
        // Hour-of-day factor from the past 14 days, when there are that many.
        let factor = |i: usize| -> f64 {
            if i < 24 * 7 {
                return 1.0;
            }
            let lo = i.saturating_sub(24 * 14);
            let all = median(&v[lo..i]);
            let same: Vec<f64> = (lo..i).filter(|k| k % 24 == i % 24).map(|k| v[k]).collect();
            let m = median(&same);
            if all > 0.0 && m > 0.0 { m / all } else { 1.0 }
        };
        let history: Vec<f64> = (t - 12..t).map(|i| v[i] / factor(i)).collect();
        if let Some((baseline, score)) = judge(v[t], &history, factor(t)) {
            let at = series.hour(t).format("%Y-%m-%dT%H:00").to_string();
            out.push(Spike {
                series: series.name.clone(),
                at,
                value: v[t],
                baseline,
                score,
            });
        }
    }
    out
}

/// Synthetic series for evaluation: weekly seasonal Poisson counts, with spikes injected.
pub mod synthetic {
    /// A small deterministic generator (xorshift64*).
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub fn uniform(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
        /// Poisson by inversion (Knuth) for small means, normal approximation above 30.
        pub fn poisson(&mut self, mean: f64) -> f64 {
            if mean > 30.0 {
                let (u1, u2) = (self.uniform().max(1e-12), self.uniform());
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                return (mean + z * mean.sqrt()).round().max(0.0);
            }
            let l = (-mean).exp();
            let (mut k, mut p) = (0.0, 1.0);
            loop {
                p *= self.uniform();
                if p <= l {
                    return k;
                }
                k += 1.0;
            }
        }
    }

    /// `days` of daily counts around `level` with a weekly rhythm (weekends quieter), and the
    /// indices where a spike of `factor`× was injected (one in `every` days after the first 28).
    pub fn daily(
        seed: u64,
        days: usize,
        level: f64,
        every: usize,
        factor: f64,
    ) -> (Vec<f64>, Vec<usize>) {
        let mut rng = Rng::new(seed);
        let weekly = [1.1, 1.15, 1.1, 1.05, 1.0, 0.7, 0.6];
        let mut values = Vec::with_capacity(days);
        let mut injected = Vec::new();
        for d in 0..days {
            let mut mean = level * weekly[d % 7];
            if every > 0 && d >= 28 && rng.uniform() < 1.0 / every as f64 {
                mean *= factor;
                injected.push(d);
            }
            values.push(rng.poisson(mean));
        }
        (values, injected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_tripled_day_is_a_spike_and_a_quiet_sunday_is_not() {
        let start = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(); // a Monday
        let mut values: Vec<f64> = (0..42)
            .map(|d| if d % 7 >= 5 { 20.0 } else { 40.0 })
            .collect();
        values[40] = 120.0;
        let s = Daily {
            name: "all".into(),
            start,
            values,
        };
        let spikes = daily(&s, 28);
        assert_eq!(spikes.len(), 1);
        assert_eq!(
            (spikes[0].at.as_str(), spikes[0].value, spikes[0].baseline),
            ("2026-11-14", 120.0, 20.0)
        );
    }
}
