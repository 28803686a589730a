//! Turning an exchange-local wall-clock time into one instant, whatever the DST
//! transitions of the day.
//!
//! The rule, shared by every schedule kind that names a wall-clock time:
//! * a time that does not exist (spring-forward gap) fires once, at the first
//!   instant after the gap;
//! * a time that occurs twice (fall-back fold) fires once, at its first occurrence.
//!
//! With this rule the mapping wall time -> instant never decreases, which lets the
//! searches in this module's siblings scan wall times in order and stop at the
//! first one whose instant is late enough.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Gaps longer than this do not exist in the tz database (Samoa skipped one whole
/// day in 2011); it only bounds the search for the end of a gap.
const MAX_GAP_MINUTES: i64 = 26 * 60;

/// The instant a wall-clock time `local` in `zone` stands for, under the DST rule above.
///
/// `None` only when the wall time is outside chrono's representable range.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => gap_end(zone, local),
    }
}

/// The first instant of the local day `date` in `zone` (local midnight, or the end of
/// the gap when midnight itself is skipped).
pub(crate) fn start_of_day(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    resolve_local(zone, date.and_hms_opt(0, 0, 0)?)
}

/// The exchange-local date of an instant.
pub(crate) fn local_date(zone: Tz, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// Whether the wall time occurs at all (it is not inside a spring-forward gap).
pub(crate) fn exists(zone: Tz, local: NaiveDateTime) -> bool {
    !matches!(zone.from_local_datetime(&local), LocalResult::None)
}

/// The first instant after the gap that contains `local`.
///
/// Walks forward minute by minute to the first existing wall time (gaps in the tz
/// database all end on a minute boundary since the LMT era), then narrows the
/// last minute to the second so that even odd historic gaps resolve exactly.
fn gap_end(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let floor = local.with_second(0)?.with_nanosecond(0)?;
    let mut minute = None;
    for k in 1..=MAX_GAP_MINUTES {
        let candidate = floor.checked_add_signed(Duration::minutes(k))?;
        if exists(zone, candidate) {
            minute = Some(candidate);
            break;
        }
    }
    let first_existing_minute = minute?;
    // Smallest second s in [0, 60] such that (minute - 60s + s) exists.
    let base = first_existing_minute.checked_sub_signed(Duration::seconds(60))?;
    let (mut lo, mut hi) = (0i64, 60i64);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let t = base.checked_add_signed(Duration::seconds(mid))?;
        if exists(zone, t) && t > local {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let end = base.checked_add_signed(Duration::seconds(lo))?;
    match zone.from_local_datetime(&end) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => None,
    }
}
