//! Calendars and time zones a pipeline may name.

use crate::time::calendar;
use crate::time::session::SessionCalendar;

/// The zone of a built-in calendar.
pub fn calendar_zone(code: &str) -> Option<chrono_tz::Tz> {
    calendar::builtin(code).map(|c| c.tz())
}

pub fn calendar_codes() -> impl Iterator<Item = &'static str> + Clone {
    calendar::BUILTIN_CODES.iter().copied()
}

/// A zone, or a calendar code standing for its calendar's zone.
pub fn resolve_zone(name: &str) -> Option<chrono_tz::Tz> {
    name.parse::<chrono_tz::Tz>()
        .ok()
        .or_else(|| calendar_zone(name))
}

/// Zone names to suggest from: the calendars' codes and zones.
pub fn zone_suggestions() -> impl Iterator<Item = &'static str> + Clone {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .chain(calendar_codes())
}
