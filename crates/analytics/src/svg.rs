//! Charts as SVG, drawn here (no charting crate): a time series with its spikes marked and an
//! optional forecast band, and horizontal bars. Plain shapes and text, readable in a browser, in
//! LibreOffice and in Word; labels are escaped.

use std::fmt::Write;

const FONT: &str = "font-family=\"Liberation Sans, DejaVu Sans, Arial, sans-serif\"";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * p {
            return m * p;
        }
    }
    10.0 * p
}

/// A time series: `labels[i]` under point `i` (every few shown), `spikes` are indices to mark,
/// `forecast` (value, low, high) continues the line after the last point.
pub fn line(
    title: &str,
    labels: &[String],
    values: &[f64],
    spikes: &[usize],
    forecast: &[(f64, f64, f64)],
) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 300.0, 48.0, 16.0, 36.0, 40.0);
    let n = values.len() + forecast.len();
    let max = nice_max(
        values
            .iter()
            .chain(forecast.iter().map(|f| &f.2))
            .copied()
            .fold(0.0, f64::max),
    );
    let x = |i: usize| left + (w - left - right) * i as f64 / (n.max(2) - 1) as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" {FONT} font-size=\"12\">"
    );
    let _ = write!(
        s,
        "<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/><text x=\"{left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#1a1a1a\">{}</text>",
        esc(title)
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let (x2, yv, lx) = (w - right, y(v), left - 6.0);
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{yv:.1}\" y2=\"{yv:.1}\" stroke=\"#ddd\"/><text x=\"{lx}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{v}</text>",
            yv + 4.0
        );
    }
    if !forecast.is_empty() {
        let start = values.len();
        let mut band = String::new();
        for (k, f) in forecast.iter().enumerate() {
            let _ = write!(band, "{:.1},{:.1} ", x(start + k), y(f.2));
        }
        for (k, f) in forecast.iter().enumerate().rev() {
            let _ = write!(band, "{:.1},{:.1} ", x(start + k), y(f.1));
        }
        let _ = write!(s, "<polygon points=\"{band}\" fill=\"#c9dcf2\"/>");
        let mut line = format!(
            "{:.1},{:.1} ",
            x(start - 1),
            y(*values.last().unwrap_or(&0.0))
        );
        for (k, f) in forecast.iter().enumerate() {
            let _ = write!(line, "{:.1},{:.1} ", x(start + k), y(f.0));
        }
        let _ = write!(
            s,
            "<polyline points=\"{line}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>"
        );
    }
    let points: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1} ", x(i), y(*v)))
        .collect();
    let _ = write!(
        s,
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>"
    );
    for &i in spikes {
        if let Some(v) = values.get(i) {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#c62828\"><title>{}: {v}</title></circle>",
                x(i),
                y(*v),
                esc(labels.get(i).map_or("", String::as_str))
            );
        }
    }
    let step = (labels.len() / 8).max(1);
    for (i, l) in labels.iter().enumerate().step_by(step) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            x(i),
            h - bottom + 18.0,
            esc(l)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, largest first as given; `None` values show as "< 5" (suppressed).
pub fn bars(title: &str, rows: &[(String, Option<f64>)]) -> String {
    let row_h = 26.0;
    let (w, left, top) = (720.0, 260.0, 36.0);
    let h = top + row_h * rows.len() as f64 + 12.0;
    let max = nice_max(rows.iter().filter_map(|r| r.1).fold(0.0, f64::max));
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" {FONT} font-size=\"12\">"
    );
    let _ = write!(
        s,
        "<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/><text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#1a1a1a\">{}</text>",
        esc(title)
    );
    for (k, (label, value)) in rows.iter().enumerate() {
        let y = top + row_h * k as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1a1a1a\">{}</text>",
            left - 8.0,
            y + 17.0,
            esc(label)
        );
        match value {
            Some(v) => {
                let bw = (w - left - 70.0) * v / max;
                let _ = write!(
                    s,
                    "<rect x=\"{left}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{}\" fill=\"#1f5fa8\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1a1a1a\">{v}</text>",
                    y + 4.0,
                    row_h - 8.0,
                    left + bw + 6.0,
                    y + 17.0
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<text x=\"{left}\" y=\"{:.1}\" fill=\"#777\">&lt; {}</text>",
                    y + 17.0,
                    crate::MIN_GROUP
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}
