//! Next firing of triggers tied to the session's open or close.

use super::day_set::DaySet;
use crate::time::session::{Session, SessionCalendar};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The session edge a session-relative trigger is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Open,
    Close,
}

impl Anchor {
    pub(crate) fn instant(self, session: &Session) -> DateTime<Utc> {
        match self {
            Anchor::Open => session.open,
            Anchor::Close => session.close,
        }
    }
}

/// Next instant strictly after `after` at `anchor + offset_seconds` of a session whose
/// date is in `days`, considering session dates up to `last_date`.
///
/// Sessions are ordered by date and the offset is the same for all of them, so the
/// first candidate after `after` in date order is the earliest one.
pub(crate) fn next_session_relative(
    anchor: Anchor,
    offset_seconds: i64,
    days: &DaySet,
    after: DateTime<Utc>,
    last_date: NaiveDate,
    cal: &dyn SessionCalendar,
) -> Option<DateTime<Utc>> {
    let offset = Duration::try_seconds(offset_seconds)?;
    // A session labelled D can open the evening before D (overnight markets) and a
    // large negative offset reaches further back: start early enough to see it.
    let back_days = 2 + offset_seconds.unsigned_abs() / 86_400;
    let first_date = after
        .with_timezone(&cal.tz())
        .date_naive()
        .checked_sub_days(Days::new(back_days))?;
    first_date
        .iter_days()
        .take_while(|d| *d <= last_date)
        .filter_map(|date| {
            // A cheap day set rejects most dates before the (possibly costly) session lookup.
            let cheap = days.is_calendar_free();
            if cheap && !days.contains(date, cal) {
                return None;
            }
            let session = cal.session(date)?;
            let fire = anchor.instant(&session).checked_add_signed(offset)?;
            (fire > after && (cheap || days.contains(date, cal))).then_some(fire)
        })
        .next()
}
