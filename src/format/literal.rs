//! Tokens in their canonical spelling. Each function prints text the grammar
//! reads back as the same value: the formatter may respell, never change.

use crate::syntax::ast::{Duration, Name};
use chrono::{NaiveDate, NaiveTime, Timelike};

/// A string literal with `\\`, `"`, newline and tab escaped (the only escapes
/// the grammar knows); every other character is written as itself.
pub(crate) fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// Durations are written largest unit first, hours at most: `90s` becomes
/// `1m30s`, `2d` becomes `48h` (a `24h` freshness window reads better than `1d`).
pub(crate) fn duration(d: Duration) -> String {
    crate::syntax::format_duration(d.millis)
}

/// A byte count in the largest unit that divides it exactly: `1048576` is `1MB`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    for (unit, factor) in UNITS {
        if bytes != 0 && bytes % factor == 0 {
            return format!("{}{unit}", bytes / factor);
        }
    }
    format!("{bytes}B")
}

/// The shortest text that reads back as the same `f64`, always with a point
/// so that it stays a float (`1.0`, never `1`, which would be an integer).
pub(crate) fn float(value: f64) -> String {
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// A number that may be whole or not (an executor's `num_cpus`): the
/// shortest text that reads back as the same `f64`, `2` rather than `2.0`.
pub(crate) fn number(value: f64) -> String {
    value.to_string()
}

/// `06:00`, or `06:00:30` when there are seconds.
pub(crate) fn time(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An object key: bare when the grammar reads it as a name, quoted otherwise
/// (the AST does not say how it was written; both spellings mean the same).
pub(crate) fn key(name: &Name) -> String {
    if is_bare_name(&name.text) {
        name.text.clone()
    } else {
        string(&name.text)
    }
}

const KEYWORDS: [&str; 7] = ["and", "or", "not", "in", "true", "false", "null"];

fn is_bare_name(text: &str) -> bool {
    let mut chars = text.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !KEYWORDS.contains(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_largest_unit_first() {
        let d = |millis| duration(Duration { millis });
        assert_eq!(d(90_000), "1m30s");
        assert_eq!(d(86_400_000), "24h");
        assert_eq!(d(1_500), "1s500ms");
        assert_eq!(d(0), "0s");
    }

    #[test]
    fn floats_keep_their_point() {
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(0.6), "0.6");
        assert_eq!(float(1e20), "100000000000000000000.0");
    }

    #[test]
    fn strings_escape_what_the_grammar_escapes() {
        assert_eq!(string("a\"b\\c\n\t"), r#""a\"b\\c\n\t""#);
    }

    #[test]
    fn sizes_use_the_largest_exact_unit() {
        assert_eq!(size(1 << 20), "1MB");
        assert_eq!(size(1536), "1536B");
        assert_eq!(size(0), "0B");
        assert_eq!(size(2048), "2KB");
    }

    #[test]
    fn keys_are_quoted_only_when_needed() {
        let k = |text: &str| {
            key(&Name {
                text: text.to_string(),
                span: crate::span::Span::default(),
            })
        };
        assert_eq!(k("regime"), "regime");
        assert_eq!(k("and"), "\"and\"");
        assert_eq!(k("a-b"), "\"a-b\"");
        assert_eq!(k("android"), "android");
    }
}
