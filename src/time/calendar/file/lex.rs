//! Splitting a calendar-file line into words and quoted strings, and reading
//! the value types (dates, times, ranges) out of them.

use chrono::{Duration, NaiveDate, NaiveTime, Weekday};
use std::ops::Range;

/// A word or quoted string with its byte range in the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub text: String,
    pub span: Range<usize>,
    pub quoted: bool,
}

/// The tokens of one line (comments removed), or the byte range of an
/// unterminated quote.
pub(crate) fn tokenize(line: &str, offset: usize) -> Result<Vec<Token>, Range<usize>> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c == '#' {
            break;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut text = String::new();
            let mut end = None;
            for (i, ch) in chars.by_ref() {
                if ch == '"' {
                    end = Some(i + 1);
                    break;
                }
                text.push(ch);
            }
            let Some(end) = end else {
                return Err(offset + start..offset + line.len());
            };
            tokens.push(Token {
                text,
                span: offset + start..offset + end,
                quoted: true,
            });
            continue;
        }
        let mut end = start;
        while let Some(&(i, ch)) = chars.peek() {
            if ch.is_whitespace() || ch == '"' || ch == '#' {
                break;
            }
            end = i + ch.len_utf8();
            chars.next();
        }
        tokens.push(Token {
            text: line[start..end].to_string(),
            span: offset + start..offset + end,
            quoted: false,
        });
    }
    Ok(tokens)
}

pub(crate) fn date(text: &str) -> Option<NaiveDate> {
    // Strict shape first: chrono also accepts e.g. "2026-1-5".
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `DATE` or `DATE..DATE` (inclusive).
pub(crate) fn date_range(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    match text.split_once("..") {
        Some((a, b)) => Some((date(a)?, date(b)?)),
        None => date(text).map(|d| (d, d)),
    }
}

pub(crate) fn time(text: &str) -> Option<NaiveTime> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// `HH:MM-HH:MM`; the close may be `24:00`, read as 00:00 (see `DayHours`).
pub(crate) fn time_range(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = text.split_once('-')?;
    let close = if b == "24:00" {
        NaiveTime::MIN
    } else {
        time(b)?
    };
    Some((time(a)?, close))
}

/// A length written `HH:MM`, at most 23:59.
pub(crate) fn duration(text: &str) -> Option<Duration> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    (h < 24 && m < 60).then(|| Duration::minutes(h * 60 + m))
}

/// `YYYY..YYYY`.
pub(crate) fn year_range(text: &str) -> Option<(i32, i32)> {
    let (a, b) = text.split_once("..")?;
    let year = |s: &str| (s.len() == 4).then(|| s.parse::<i32>().ok()).flatten();
    Some((year(a)?, year(b)?))
}

pub(crate) fn weekday(text: &str) -> Option<Weekday> {
    let lower = text.to_ascii_lowercase();
    let day = match lower.as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

pub(crate) fn code(text: &str) -> bool {
    (1..=16).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
