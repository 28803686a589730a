//! Calendars and time zones a pipeline may name.

use crate::time::calendar;

/// The zone of a built-in calendar.
pub(crate) fn calendar_zone(code: &str) -> Option<chrono_tz::Tz> {
    calendar::builtin(code).map(super::super::time::session::SessionCalendar::tz)
}

pub(crate) fn calendar_codes() -> impl Iterator<Item = &'static str> + Clone {
    calendar::BUILTIN_CODES.iter().copied()
}

/// A zone, or a calendar code standing for its calendar's zone.
pub(crate) fn resolve_zone(name: &str) -> Option<chrono_tz::Tz> {
    name.parse::<chrono_tz::Tz>()
        .ok()
        .or_else(|| calendar_zone(name))
}

/// Zone names to suggest from: the calendars' codes and zones.
pub(crate) fn zone_suggestions() -> impl Iterator<Item = &'static str> + Clone {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .chain(calendar_codes())
}
