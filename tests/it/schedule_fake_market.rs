//! A small fake exchange for the schedule tests, included by the other test files
//! with `#[path]`; its own tests pin down the behaviour the others rely on.
#![allow(dead_code)]

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use pipec::time::market_state::{MarketClock, MarketState, Transition};
use pipec::time::schedule::resolve_local;
use pipec::time::session::{Interval, Session, SessionCalendar};
use std::collections::{BTreeMap, BTreeSet};

/// Weekday sessions `[open, close)` in `tz`, minus holidays, with optional early
/// closes and lunch break; PRE_OPEN from `pre_open` and POST_CLOSE until `post_end`.
pub(crate) struct FakeMarket {
    pub tz: Tz,
    pub open: NaiveTime,
    pub close: NaiveTime,
    pub lunch: Option<(NaiveTime, NaiveTime)>,
    pub pre_open: NaiveTime,
    pub post_end: NaiveTime,
    pub holidays: BTreeSet<NaiveDate>,
    pub early_closes: BTreeMap<NaiveDate, NaiveTime>,
    /// No sessions at all (a calendar that never opens).
    pub never_open: bool,
    /// Sessions every day of the week, not only Monday to Friday.
    pub seven_days: bool,
}

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid test time")
}

pub(crate) fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0)
        .single()
        .expect("valid test instant")
}

/// An instant given as wall-clock time in `tz` (must exist and be unambiguous).
pub(crate) fn local(tz: Tz, y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, day, h, min, 0)
        .single()
        .expect("unambiguous test wall time")
        .with_timezone(&Utc)
}

impl FakeMarket {
    /// 09:30-16:00 New York, PRE_OPEN 04:00, POST_CLOSE to 20:00, the 2026 NYSE
    /// holidays and the two 13:00 early closes.
    pub(crate) fn new_york() -> FakeMarket {
        let holidays = [
            d(2026, 1, 1),
            d(2026, 1, 19),
            d(2026, 2, 16),
            d(2026, 4, 3),
            d(2026, 5, 25),
            d(2026, 6, 19),
            d(2026, 7, 3),
            d(2026, 9, 7),
            d(2026, 11, 26),
            d(2026, 12, 25),
        ];
        FakeMarket {
            tz: chrono_tz::America::New_York,
            open: t(9, 30),
            close: t(16, 0),
            lunch: None,
            pre_open: t(4, 0),
            post_end: t(20, 0),
            holidays: holidays.into_iter().collect(),
            early_closes: [(d(2026, 11, 27), t(13, 0)), (d(2026, 12, 24), t(13, 0))]
                .into_iter()
                .collect(),
            never_open: false,
            seven_days: false,
        }
    }

    /// 09:00-15:00 Tokyo with a lunch break 11:30-12:30, PRE_OPEN 08:00, POST_CLOSE to 16:00.
    pub(crate) fn tokyo() -> FakeMarket {
        FakeMarket {
            tz: chrono_tz::Asia::Tokyo,
            open: t(9, 0),
            close: t(15, 0),
            lunch: Some((t(11, 30), t(12, 30))),
            pre_open: t(8, 0),
            post_end: t(16, 0),
            holidays: BTreeSet::new(),
            early_closes: BTreeMap::new(),
            never_open: false,
            seven_days: false,
        }
    }

    /// A calendar with no sessions at all.
    pub(crate) fn never_open() -> FakeMarket {
        FakeMarket {
            never_open: true,
            ..FakeMarket::new_york()
        }
    }

    /// Open all day, every day, in `tz`: state SESSION from local midnight to midnight.
    pub(crate) fn always_open(tz: Tz) -> FakeMarket {
        FakeMarket {
            tz,
            open: t(0, 0),
            close: t(0, 0),
            lunch: None,
            pre_open: t(0, 0),
            post_end: t(0, 0),
            holidays: BTreeSet::new(),
            early_closes: BTreeMap::new(),
            never_open: false,
            seven_days: true,
        }
    }

    fn at(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        resolve_local(self.tz, date.and_time(time)).expect("representable")
    }

    fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(date, t(0, 0))
    }

    fn day_end(&self, date: NaiveDate) -> DateTime<Utc> {
        self.day_start(date.checked_add_days(Days::new(1)).expect("in range"))
    }

    /// Segments of constant state covering the local day, zero-length ones dropped.
    pub(crate) fn segments(
        &self,
        date: NaiveDate,
    ) -> Vec<(MarketState, DateTime<Utc>, DateTime<Utc>)> {
        let (start, end) = (self.day_start(date), self.day_end(date));
        let Some(session) = self.session(date) else {
            return vec![(MarketState::Holiday, start, end)];
        };
        let post_end = if self.post_end == t(0, 0) {
            end
        } else {
            self.at(date, self.post_end)
        };
        let mut cuts = vec![
            (MarketState::Overnight, start),
            (MarketState::PreOpen, self.at(date, self.pre_open)),
            (MarketState::Session, session.open),
        ];
        if let Some(lunch) = session.lunch {
            cuts.push((MarketState::Break, lunch.start));
            cuts.push((MarketState::Session, lunch.end));
        }
        cuts.push((MarketState::PostClose, session.close));
        cuts.push((MarketState::Overnight, post_end));
        cuts.push((MarketState::Overnight, end));
        let mut out: Vec<(MarketState, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for pair in cuts.windows(2) {
            let ((state, from), (_, to)) = (pair[0], pair[1]);
            if from < to {
                out.push((state, from, to));
            }
        }
        out
    }
}

impl SessionCalendar for FakeMarket {
    fn code(&self) -> &str {
        "FAKE"
    }

    fn tz(&self) -> Tz {
        self.tz
    }

    fn session(&self, date: NaiveDate) -> Option<Session> {
        use chrono::Datelike;
        if self.never_open
            || self.holidays.contains(&date)
            || (!self.seven_days && date.weekday().num_days_from_monday() >= 5)
        {
            return None;
        }
        let open = self.at(date, self.open);
        let close_time = self.early_closes.get(&date).copied().unwrap_or(self.close);
        let close = if close_time == t(0, 0) {
            self.day_end(date)
        } else {
            self.at(date, close_time)
        };
        let lunch = self.lunch.map(|(s, e)| Interval {
            start: self.at(date, s),
            end: self.at(date, e),
        });
        Some(Session {
            date,
            open,
            close,
            lunch,
            early_close: self.early_closes.contains_key(&date),
        })
    }
}

impl MarketClock for FakeMarket {
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState {
        let date = instant.with_timezone(&self.tz).date_naive();
        self.segments(date)
            .into_iter()
            .find(|(_, from, to)| *from <= instant && instant < *to)
            .map_or(MarketState::Overnight, |(state, _, _)| state)
    }

    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        let first = instant.with_timezone(&self.tz).date_naive();
        let mut previous = None;
        for date in first.iter_days().take(30) {
            for (state, from, _) in self.segments(date) {
                if from > instant && previous != Some(state) {
                    return Some(Transition { state, at: from });
                }
                previous = Some(state);
            }
        }
        None
    }
}

/// A change of UTC offset: the first instant with the new offset, and both offsets in seconds.
pub(crate) struct OffsetChange {
    pub at: DateTime<Utc>,
    pub before: i64,
    pub after: i64,
}

pub(crate) fn offset_seconds(zone: Tz, instant: DateTime<Utc>) -> i64 {
    i64::from(
        zone.offset_from_utc_datetime(&instant.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// Every change of UTC offset in [2005, 2036), to the second.
pub(crate) fn transitions(zone: Tz) -> Vec<OffsetChange> {
    let mut out = Vec::new();
    let mut day = utc(2005, 1, 1, 0, 0);
    let end = utc(2036, 1, 1, 0, 0);
    while day < end {
        let next = day + Duration::days(1);
        let (before, after) = (offset_seconds(zone, day), offset_seconds(zone, next));
        if before != after {
            // Binary search the first second with the new offset.
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + Duration::seconds((hi - lo).num_seconds() / 2);
                if offset_seconds(zone, mid) == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(OffsetChange {
                at: hi,
                before,
                after,
            });
        }
        day = next;
    }
    out
}

#[test]
fn fake_new_york_has_holidays_weekends_and_early_closes() {
    let m = FakeMarket::new_york();
    assert!(
        m.session(d(2026, 4, 3)).is_none(),
        "Good Friday is a holiday"
    );
    assert!(m.session(d(2026, 3, 7)).is_none(), "Saturday");
    let s = m
        .session(d(2026, 11, 27))
        .expect("day after Thanksgiving trades");
    assert!(s.early_close);
    assert_eq!(s.close, utc(2026, 11, 27, 18, 0));
    let s = m.session(d(2026, 3, 9)).expect("Monday after DST trades");
    assert_eq!(s.open, utc(2026, 3, 9, 13, 30), "09:30 EDT");
}

#[test]
fn fake_clock_walks_through_the_day() {
    let m = FakeMarket::new_york();
    let day = d(2026, 3, 10);
    let states: Vec<MarketState> = m.segments(day).into_iter().map(|s| s.0).collect();
    use MarketState::*;
    assert_eq!(
        states,
        vec![Overnight, PreOpen, Session, PostClose, Overnight]
    );
    assert_eq!(m.state_at(utc(2026, 3, 10, 14, 0)), Session);
    let next = m.next_transition(utc(2026, 3, 10, 14, 0)).expect("close");
    assert_eq!(
        next,
        Transition {
            state: PostClose,
            at: utc(2026, 3, 10, 20, 0)
        }
    );
    // Friday night OVERNIGHT runs into Saturday's HOLIDAY at midnight.
    let next = m.next_transition(utc(2026, 3, 14, 1, 0)).expect("weekend");
    assert_eq!(
        next,
        Transition {
            state: Holiday,
            at: utc(2026, 3, 14, 4, 0)
        }
    );
}

#[test]
fn fake_tokyo_has_a_lunch_break() {
    let m = FakeMarket::tokyo();
    let tk = m.tz;
    assert_eq!(
        m.state_at(local(tk, 2026, 3, 10, 12, 0)),
        MarketState::Break
    );
    assert_eq!(
        m.state_at(local(tk, 2026, 3, 10, 12, 30)),
        MarketState::Session
    );
}

#[test]
fn always_open_has_no_transitions() {
    let m = FakeMarket::always_open(chrono_tz::Europe::London);
    assert_eq!(m.state_at(utc(2026, 3, 29, 1, 30)), MarketState::Session);
    assert_eq!(m.next_transition(utc(2026, 3, 29, 1, 30)), None);
}
