//! Spike detection evaluated on synthetic series (weekly seasonal Poisson counts): precision and
//! recall on injected spikes at the chosen threshold, and false alarms on spike-free series.

use analytics::series::Daily;
use analytics::spikes::{self, synthetic};
use chrono::NaiveDate;

fn run(seed: u64, level: f64, every: usize, factor: f64) -> (usize, usize, usize, usize) {
    let (values, injected) = synthetic::daily(seed, 365, level, every, factor);
    let s = Daily {
        name: "test".into(),
        start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        values,
    };
    let found: Vec<usize> = spikes::daily(&s, 28)
        .iter()
        .map(|sp| {
            (NaiveDate::parse_from_str(&sp.at, "%Y-%m-%d").unwrap() - s.start).num_days() as usize
        })
        .collect();
    let tp = found.iter().filter(|d| injected.contains(d)).count();
    (tp, found.len() - tp, injected.len() - tp, 365 - 28)
}

#[test]
fn injected_spikes_are_found_and_quiet_series_stay_quiet() {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for seed in 1..=40 {
        for level in [20.0, 60.0, 200.0] {
            let (a, b, c, _) = run(seed, level, 30, 3.0);
            tp += a;
            fp += b;
            fn_ += c;
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    println!("injected 3×: tp {tp} fp {fp} fn {fn_}: precision {precision:.3} recall {recall:.3}");
    assert!(precision >= 0.9, "precision {precision}");
    assert!(recall >= 0.9, "recall {recall}");

    let (mut alarms, mut days) = (0, 0);
    for seed in 100..140 {
        for level in [5.0, 20.0, 60.0, 200.0] {
            let (_, b, _, d) = run(seed, level, 0, 1.0);
            alarms += b;
            days += d;
        }
    }
    let rate = alarms as f64 / days as f64;
    println!(
        "spike-free: {alarms} alarms in {days} series-days ({:.2} per 1000)",
        rate * 1000.0
    );
    assert!(rate <= 0.002, "false-alarm rate {rate}");
}
