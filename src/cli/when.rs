//! Instants and dates as users type them on the command line.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// `now`, an RFC 3339 instant (`2026-11-20T14:30:00Z`), a local date-time in
/// `zone` (`2026-11-20T09:30` or `2026-11-20 09:30`) or a date (its midnight in `zone`).
pub(super) fn parse_instant(
    text: &str,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    if text == "now" {
        return Ok(now);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok_or_else(|| {
            format!("`{text}` is not a time: use `now`, `2026-11-20`, `2026-11-20T09:30` or `2026-11-20T14:30:00Z`")
        })?;
    // A local time in a DST gap does not exist: it is read as the end of the
    // gap (the first instant after it), as triggers read it; one that occurs
    // twice is its first occurrence.
    pipec::time::schedule::resolve_local(zone, local)
        .ok_or_else(|| format!("`{text}` does not exist in {}", zone.name()))
}

/// `2026-11` as a year and month.
pub(super) fn parse_month(text: &str) -> Result<(i32, u32), String> {
    let error = || format!("`{text}` is not a month: write it `2026-11`");
    let (year, month) = text.split_once('-').ok_or_else(error)?;
    let year: i32 = year.parse().map_err(|_| error())?;
    let month: u32 = month.parse().map_err(|_| error())?;
    if (1..=12).contains(&month) {
        Ok((year, month))
    } else {
        Err(error())
    }
}
