//! Calendars and time zones a pipeline may name.

use crate::time::calendar;
use crate::time::session::SessionCalendar;

/// The IANA zone of a built-in calendar.
pub fn calendar_zone(code: &str) -> Option<String> {
    calendar::builtin(code).map(|c| c.tz().name().to_string())
}

pub fn calendar_codes() -> impl Iterator<Item = &'static str> + Clone {
    calendar::BUILTIN_CODES.iter().copied()
}

/// An IANA zone name (`America/New_York`, `UTC`).
pub fn is_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// A zone or a calendar code, as the zone's IANA name.
pub fn resolve_zone(name: &str) -> Option<String> {
    if is_zone(name) {
        Some(name.to_string())
    } else {
        calendar_zone(name)
    }
}

/// Zone names to suggest from: the calendars' codes and zones.
pub fn zone_suggestions() -> impl Iterator<Item = &'static str> + Clone {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .chain(calendar_codes())
}
