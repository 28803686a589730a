//! Turning the text of literal tokens into values. Every function answers with
//! an error message instead of panicking: the grammar admits `99:99`.

use super::ast::Duration;
use chrono::{NaiveDate, NaiveTime};

/// `1h30m`, `500ms`: the sum of each number-and-unit part.
pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    let mut millis: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{text}` is too long a duration"))?;
        rest = &rest[digits..];
        let (unit, factor) = if rest.starts_with("ms") {
            ("ms", 1)
        } else {
            let unit = rest.get(..1).unwrap_or("");
            let factor = match unit {
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => return Err(format!("`{text}` has an unknown unit")),
            };
            (unit, factor)
        };
        rest = &rest[unit.len()..];
        millis = number
            .checked_mul(factor)
            .and_then(|part| millis.checked_add(part))
            .ok_or_else(|| format!("`{text}` is too long a duration"))?;
    }
    Ok(Duration { millis })
}

/// The canonical text of a duration, the inverse of [`duration`]: largest unit
/// first, hours at most (`90s` is `1m30s`, `2d` is `48h`). Every place that
/// shows a duration to a user (diagnostics, graphs, the formatter) uses it.
pub(crate) fn format_duration(millis: u64) -> String {
    const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];
    if millis == 0 {
        return "0s".to_string();
    }
    let mut rest = millis;
    let mut out = String::new();
    for (unit, size) in UNITS {
        let count = rest / size;
        if count > 0 {
            out.push_str(&count.to_string());
            out.push_str(unit);
            rest -= count * size;
        }
    }
    out
}

/// `512KB`, `1MB`: sizes are powers of 1024.
pub(crate) fn size(text: &str) -> Result<u64, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = text[..digits]
        .parse()
        .map_err(|_| format!("`{text}` is too large a size"))?;
    let factor: u64 = match &text[digits..] {
        "B" => 1,
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        other => return Err(format!("`{other}` is not a size unit")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large a size"))
}

pub(crate) fn time_of_day(text: &str) -> Result<NaiveTime, String> {
    let format = if text.len() > 5 { "%H:%M:%S" } else { "%H:%M" };
    NaiveTime::parse_from_str(text, format)
        .map_err(|_| format!("`{text}` is not a time of day (00:00 to 23:59:59)"))
}

pub(crate) fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a calendar date"))
}

pub(crate) fn integer(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is too large a number"))
}

/// The inside of a string literal, with `\"`, `\\`, `\n` and `\t` decoded.
pub(crate) fn string(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => return Err(format!("`\\{other}` is not an escape pipec knows")),
            None => return Err("a string cannot end with `\\`".to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_add_their_parts() {
        assert_eq!(duration("1h30m").map(|d| d.millis), Ok(5_400_000));
        assert_eq!(duration("500ms").map(|d| d.millis), Ok(500));
        assert_eq!(duration("2d").map(|d| d.millis), Ok(172_800_000));
        assert!(duration("99999999999999999999s").is_err());
    }

    #[test]
    fn times_reject_impossible_clock_readings() {
        assert!(time_of_day("24:00").is_err());
        assert!(time_of_day("09:30").is_ok());
        assert!(time_of_day("09:30:61").is_err());
    }

    #[test]
    fn strings_decode_escapes_and_reject_unknown_ones() {
        assert_eq!(string(r#"a\"b\\c\n"#).as_deref(), Ok("a\"b\\c\n"));
        assert!(string(r"\q").is_err());
    }

    #[test]
    fn sizes_are_binary() {
        assert_eq!(size("1MB"), Ok(1 << 20));
        assert_eq!(size("3B"), Ok(3));
    }
}
