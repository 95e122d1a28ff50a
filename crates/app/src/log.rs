//! The server's log: one line per event on stderr, as `key=value` pairs (logfmt) that journald,
//! `journalctl -o json` and any log shipper read without a parser of their own.
//!
//! Under systemd (stderr connected to the journal: `JOURNAL_STREAM` is set) each line starts with
//! its syslog priority (`<3>` error, `<4>` warning, `<6>` info), which journald turns into the
//! entry's `PRIORITY` and strips; elsewhere the line starts with the time (UTC, RFC 3339). What a
//! caller logs is an event's name and a few fields: references, counts, kinds, durations —
//! never a person's name, a password, a token, a post's text or a query (the callers' rule; the
//! tests of the places that log check their lines).

use std::fmt::Write as _;
use std::io::Write as _;

/// How much an event matters (the syslog levels journald knows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    fn priority(self) -> u8 {
        match self {
            Level::Error => 3,
            Level::Warning => 4,
            Level::Info => 6,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// Writes one event: `level=… event=… key=value …`, a value quoted when it holds a space, a
/// quote, `=` or a control character (those escaped, so an event is always one line).
pub fn event(level: Level, name: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    let journal = std::env::var_os("JOURNAL_STREAM").is_some();
    let line = line(level, name, fields, journal, &now());
    // A log that cannot be written must not take a request down with it.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The line [`event`] writes (with its newline).
pub fn line(
    level: Level,
    name: &str,
    fields: &[(&str, &dyn std::fmt::Display)],
    journal: bool,
    time: &str,
) -> String {
    let mut out = String::new();
    if journal {
        let _ = write!(out, "<{}>", level.priority());
    } else {
        let _ = write!(out, "time={time} ");
    }
    let _ = write!(out, "level={} event=", level.word());
    value(&mut out, name);
    for (key, v) in fields {
        let _ = write!(out, " {key}=");
        value(&mut out, &v.to_string());
    }
    out.push('\n');
    out
}

fn value(out: &mut String, v: &str) {
    let plain = !v.is_empty()
        && !v
            .chars()
            .any(|c| c == ' ' || c == '"' || c == '=' || c == '\\' || c.is_control());
    if plain {
        out.push_str(v);
        return;
    }
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn now() -> String {
    crate::now_utc()
}

/// An error's whole chain on one line (`a: b: c`), for a log field.
pub fn chain(e: &anyhow::Error) -> String {
    format!("{e:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_logfmt_line_with_its_priority_under_journald() {
        let reference = "7F3A2C";
        let detail = "không mở được \"sokenh.db\": disk I/O error\nat line 2";
        let fields: [(&str, &dyn std::fmt::Display); 3] =
            [("ref", &reference), ("status", &500), ("detail", &detail)];
        assert_eq!(
            line(Level::Error, "http.internal", &fields, true, "unused"),
            "<3>level=error event=http.internal ref=7F3A2C status=500 detail=\"không mở được \\\"sokenh.db\\\": disk I/O error\\nat line 2\"\n"
        );
        assert_eq!(
            line(
                Level::Info,
                "serve.start",
                &[("address", &"127.0.0.1:8443")],
                false,
                "2026-12-01T04:00:00.000Z"
            ),
            "time=2026-12-01T04:00:00.000Z level=info event=serve.start address=127.0.0.1:8443\n"
        );
        // Empty values and odd characters stay readable and on one line.
        assert_eq!(
            line(
                Level::Warning,
                "x",
                &[("a", &""), ("b", &"k=v\u{1}")],
                true,
                ""
            ),
            "<4>level=warning event=x a=\"\" b=\"k=v\\u{1}\"\n"
        );
    }
}
