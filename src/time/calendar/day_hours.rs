//! A trading day's hours in exchange-local wall-clock time, including sessions
//! that open the evening before their date and sessions lasting all day.

use chrono::{Days, NaiveDate, NaiveTime, Timelike};

/// The regular hours of a trading day, in exchange-local wall-clock time.
///
/// A session is labelled by the date it closes on, as exchanges label their
/// trade dates. When `close` is not after `open` (`17:00-16:00`, `17:00-17:00`)
/// the session opens on the day before its date. A `close` of 00:00 is the
/// midnight that ends the day (written `24:00`), so `00:00-24:00` is a whole
/// day and `18:00-24:00` ends at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    pub open: NaiveTime,
    pub close: NaiveTime,
    /// `[start, end)` of the lunch break.
    pub lunch: Option<(NaiveTime, NaiveTime)>,
    /// The close on a half day.
    pub early_close: NaiveTime,
}

const DAY_MINUTES: i32 = 24 * 60;

/// Minutes since midnight of a wall-clock time.
fn minute_of_day(t: NaiveTime) -> i32 {
    // At most 1439, so the cast is exact.
    i32::try_from(t.hour() * 60 + t.minute()).unwrap_or(0)
}

impl DayHours {
    /// Whether the session opens on the day before its date.
    pub fn opens_day_before(&self) -> bool {
        self.close != NaiveTime::MIN && self.close <= self.open
    }

    /// The open in minutes from midnight starting the session's date:
    /// negative when it opens the day before.
    pub fn open_minute(&self) -> i32 {
        let open = minute_of_day(self.open);
        if self.opens_day_before() {
            open - DAY_MINUTES
        } else {
            open
        }
    }

    /// The close in minutes from midnight starting the session's date
    /// (1440 for `24:00`).
    pub fn close_minute(&self) -> i32 {
        self.minute_of_close(self.close)
    }

    /// Where the wall-clock time `t` falls in this session, in minutes from
    /// the midnight starting the session's date: a time at or after the open
    /// of a session that opens the day before is on that day.
    pub fn minute_in_session(&self, t: NaiveTime) -> i32 {
        let minute = minute_of_day(t);
        if self.opens_day_before() && t >= self.open {
            minute - DAY_MINUTES
        } else {
            minute
        }
    }

    /// Like [`DayHours::minute_in_session`] for a closing time: 00:00 is the
    /// midnight ending the day, and a close at the open's own time ends a
    /// whole day's session on its date.
    pub fn minute_of_close(&self, t: NaiveTime) -> i32 {
        let minute = minute_of_day(t);
        if t == NaiveTime::MIN {
            DAY_MINUTES
        } else if self.opens_day_before() && t > self.open {
            minute - DAY_MINUTES
        } else {
            minute
        }
    }

    /// The local date and wall-clock time at `minute` from midnight starting `date`.
    pub fn local_at(date: NaiveDate, minute: i32) -> (NaiveDate, NaiveTime) {
        let day = minute.div_euclid(DAY_MINUTES);
        let rest = u32::try_from(minute.rem_euclid(DAY_MINUTES)).unwrap_or(0);
        let date = match day {
            d if d < 0 => date.checked_sub_days(Days::new(u64::from(d.unsigned_abs()))),
            d => date.checked_add_days(Days::new(u64::from(d.unsigned_abs()))),
        }
        .unwrap_or(date);
        let time = NaiveTime::from_hms_opt(rest / 60, rest % 60, 0).unwrap_or(NaiveTime::MIN);
        (date, time)
    }

    /// These hours closing early at `t`, without a lunch break, when `t` lies
    /// inside the session on the session's date.
    pub fn closing_early_at(&self, t: NaiveTime) -> Option<DayHours> {
        let early = DayHours {
            close: t,
            lunch: None,
            ..*self
        };
        let minute = early.close_minute();
        (early.open_minute() == self.open_minute()
            && self.open_minute() < minute
            && minute < self.close_minute())
        .then_some(early)
    }

    /// `HH:MM` of a closing time, `24:00` for the midnight ending the day.
    pub fn close_text(t: NaiveTime) -> String {
        if t == NaiveTime::MIN {
            "24:00".to_string()
        } else {
            t.format("%H:%M").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn hours(open: NaiveTime, close: NaiveTime) -> DayHours {
        DayHours {
            open,
            close,
            lunch: None,
            early_close: close,
        }
    }

    #[test]
    fn overnight_whole_day_and_ordinary_sessions() {
        let globex = hours(hm(17, 0), hm(16, 0));
        assert!(globex.opens_day_before());
        assert_eq!((globex.open_minute(), globex.close_minute()), (-420, 960));
        assert_eq!(globex.minute_in_session(hm(20, 0)), -240);
        assert_eq!(globex.minute_in_session(hm(2, 0)), 120);
        let fx = hours(hm(17, 0), hm(17, 0));
        assert!(fx.opens_day_before());
        assert_eq!(fx.close_minute() - fx.open_minute(), 1440);
        let all_day = hours(NaiveTime::MIN, NaiveTime::MIN);
        assert!(!all_day.opens_day_before());
        assert_eq!((all_day.open_minute(), all_day.close_minute()), (0, 1440));
        let nyse = hours(hm(9, 30), hm(16, 0));
        assert!(!nyse.opens_day_before());
        assert_eq!((nyse.open_minute(), nyse.close_minute()), (570, 960));
    }

    #[test]
    fn local_at_crosses_midnight_both_ways() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        let (day, t) = DayHours::local_at(d, -420);
        assert_eq!(
            (day, t),
            (NaiveDate::from_ymd_opt(2025, 3, 9).unwrap(), hm(17, 0))
        );
        let (day, t) = DayHours::local_at(d, 1440);
        assert_eq!(
            (day, t),
            (NaiveDate::from_ymd_opt(2025, 3, 11).unwrap(), hm(0, 0))
        );
        assert_eq!(DayHours::local_at(d, 570), (d, hm(9, 30)));
    }
}
