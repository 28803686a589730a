//! Counting trading sessions for ages in `sessions`.

use crate::time::session::SessionCalendar;
use chrono::{DateTime, Days, Utc};

/// How many sessions closed in `(from, to]`, counting at most `cap` (enough
/// to decide a threshold; keeps a years-old mark cheap). A pipeline without
/// an exchange has no sessions: every day counts as one, closing at midnight
/// UTC, so thresholds in sessions still mean something.
pub(crate) fn closed_between(
    cal: &dyn SessionCalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cap: u32,
) -> u32 {
    if to <= from {
        return 0;
    }
    let tz = cal.tz();
    let first = from.with_timezone(&tz).date_naive();
    let last = to.with_timezone(&tz).date_naive();
    // `NoExchange`, the calendar of a pipeline that follows no exchange.
    let no_exchange = cal.code() == "NONE";
    let mut n = 0u32;
    let mut day = first;
    while day <= last && n < cap {
        let close = if no_exchange {
            day.succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        } else {
            cal.session(day).map(|s| s.close)
        };
        if let Some(close) = close {
            if close > from && close <= to {
                n += 1;
            }
        }
        match day.checked_add_days(Days::new(1)) {
            Some(d) => day = d,
            None => break,
        }
    }
    n
}
