//! Schedules against the real NYSE calendar: holidays, early closes and
//! special days as a trading desk meets them.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use pipec::time::calendar;
use pipec::time::market_state::{MarketHours, MarketState};
use pipec::time::schedule::{monthly_expiration, Anchor, DaySet, Schedule};
use pipec::time::session::SessionCalendar;

fn xnys() -> &'static calendar::Calendar {
    calendar::builtin("XNYS").expect("XNYS is built in")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an instant")
        .with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

#[test]
fn monthly_expiration_moves_before_good_friday() {
    // The third Friday of April 2025 was Good Friday: options expired on Thursday.
    assert_eq!(monthly_expiration(2025, 4, xnys()), Some(date(2025, 4, 17)));
    assert_eq!(
        monthly_expiration(2026, 11, xnys()),
        Some(date(2026, 11, 20))
    );
}

#[test]
fn first_trading_day_of_the_year_skips_new_years_day() {
    let cal = xnys();
    assert!(!DaySet::FirstTradingDayOfMonth.contains(date(2026, 1, 1), cal));
    assert!(DaySet::FirstTradingDayOfMonth.contains(date(2026, 1, 2), cal));
    assert!(DaySet::LastTradingDayOfMonth.contains(date(2026, 11, 30), cal));
}

#[test]
fn a_close_relative_trigger_follows_the_early_close() {
    let cal = xnys();
    let clock = MarketHours::new(cal);
    let schedule = Schedule::SessionRelative {
        anchor: Anchor::Close,
        offset: -600,
        days: DaySet::TradingDays,
    };
    // From Wednesday before Thanksgiving: Wednesday 15:50, then (no Thursday) Friday 12:50 EST.
    let firings = schedule.next_n(utc("2026-11-25T12:00:00Z"), 2, cal, &clock);
    assert_eq!(
        firings,
        vec![utc("2026-11-25T20:50:00Z"), utc("2026-11-27T17:50:00Z")]
    );
}

#[test]
fn minute_bars_during_the_session_count_the_session() {
    let cal = xnys();
    let clock = MarketHours::new(cal);
    let every_minute = Schedule::Every {
        interval: 60,
        from: MarketState::Session,
        to: MarketState::Session,
        days: DaySet::TradingDays,
    };
    let count = |from: &str, to: &str| {
        every_minute
            .firings_in(utc(from)..utc(to), cal, &clock)
            .count()
    };
    // 09:30 to 16:00 is 390 minutes; the day after Thanksgiving closes at 13:00.
    assert_eq!(count("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"), 390);
    assert_eq!(count("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"), 0);
    assert_eq!(count("2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"), 210);
}

#[test]
fn a_wall_clock_trigger_skips_holidays_and_keeps_new_york_time_across_dst() {
    let cal = xnys();
    let clock = MarketHours::new(cal);
    let premarket = Schedule::At {
        time: NaiveTime::from_hms_opt(6, 0, 0).expect("a time"),
        zone: chrono_tz::America::New_York,
        days: DaySet::TradingDays,
    };
    let firings = premarket.next_n(utc("2026-03-06T12:00:00Z"), 2, cal, &clock);
    assert_eq!(
        firings,
        vec![utc("2026-03-09T10:00:00Z"), utc("2026-03-10T10:00:00Z")]
    );
    assert!(!cal.is_session(date(2026, 4, 3)), "Good Friday 2026");
    let around_good_friday = premarket.next_n(utc("2026-04-02T12:00:00Z"), 1, cal, &clock);
    assert_eq!(around_good_friday, vec![utc("2026-04-06T10:00:00Z")]);
}
