//! Calendars and time zones a pipeline may name.

// Until the calendar module lands on main: the codes and zones it will provide.
const CALENDARS: [(&str, &str); 6] = [
    ("XNYS", "America/New_York"),
    ("XNAS", "America/New_York"),
    ("XLON", "Europe/London"),
    ("XETR", "Europe/Berlin"),
    ("XTKS", "Asia/Tokyo"),
    ("XHKG", "Asia/Hong_Kong"),
];

/// The IANA zone of a built-in calendar.
pub fn calendar_zone(code: &str) -> Option<String> {
    CALENDARS.iter().find(|(c, _)| *c == code).map(|(_, z)| z.to_string())
}

pub fn calendar_codes() -> impl Iterator<Item = &'static str> + Clone {
    CALENDARS.iter().map(|(c, _)| *c)
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
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).chain(calendar_codes())
}
