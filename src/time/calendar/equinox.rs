//! Japan's equinox holidays (Shunbun no Hi, Shūbun no Hi).
//!
//! The dates are fixed each February by Cabinet announcement from the National
//! Astronomical Observatory of Japan's ephemeris. The closed-form
//! approximation below reproduces the NAOJ dates for 1980-2099, so it is used
//! as the rule instead of a table; outside that range it gives `None`.

use chrono::NaiveDate;

fn equinox_day(year: i32, base: f64) -> Option<NaiveDate> {
    if !(1980..=2099).contains(&year) {
        return None;
    }
    let y = f64::from(year - 1980);
    let day = (base + 0.242194 * y).floor() - (y / 4.0).floor();
    let month = if base < 22.0 { 3 } else { 9 };
    // The expression lies between 19 and 24 over the valid range.
    NaiveDate::from_ymd_opt(year, month, day as u32)
}

/// Vernal Equinox Day.
pub(crate) fn vernal(year: i32) -> Option<NaiveDate> {
    equinox_day(year, 20.8431)
}

/// Autumnal Equinox Day.
pub(crate) fn autumnal(year: i32) -> Option<NaiveDate> {
    equinox_day(year, 23.2488)
}
