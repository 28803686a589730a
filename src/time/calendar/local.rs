//! Exchange-local wall-clock time to UTC, total over DST gaps and overlaps.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The UTC instant of the wall-clock `time` on `date` in `tz`.
///
/// A wall time inside a DST gap does not exist; we move forward to the first
/// wall time that does, which is where a clock set to that time would fire.
/// A wall time repeated by a DST overlap takes its first occurrence.
pub fn local_to_utc(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut naive = date.and_time(time);
    // Real gaps are at most a few hours; a day of 15-minute steps is ample.
    for _ in 0..96 {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => match naive.checked_add_signed(Duration::minutes(15)) {
                Some(later) => naive = later,
                None => break,
            },
        }
    }
    // No zone in the tz database has a day-long gap; read the wall clock as UTC
    // rather than fail so callers stay total.
    Utc.from_utc_datetime(&date.and_time(time))
}

/// The instant the exchange-local day `date` begins.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, date, NaiveTime::MIN)
}
