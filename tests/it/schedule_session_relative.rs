//! Session-relative triggers: `at open + 5m`, `at close - 10m`.

use crate::schedule_fake_market as fake_market;

use fake_market::{local, utc, FakeMarket};
use pipec::time::schedule::{Anchor, DaySet, Schedule};

fn rel(anchor: Anchor, offset: i64, days: DaySet) -> Schedule {
    Schedule::SessionRelative {
        anchor,
        offset,
        days,
    }
}

#[test]
fn open_plus_five_minutes() {
    let m = FakeMarket::new_york();
    let s = rel(Anchor::Open, 300, DaySet::TradingDays);
    let fires = s.next_n(utc(2026, 3, 5, 12, 0), 3, &m, &m);
    assert_eq!(
        fires,
        vec![
            local(m.tz, 2026, 3, 5, 9, 35),
            local(m.tz, 2026, 3, 6, 9, 35),
            // Across the DST change the local time stays 09:35: 13:35 UTC instead of 14:35.
            local(m.tz, 2026, 3, 9, 9, 35),
        ]
    );
    assert_eq!(fires[2], utc(2026, 3, 9, 13, 35));
}

#[test]
fn close_minus_ten_minutes_follows_early_closes() {
    let m = FakeMarket::new_york();
    let s = rel(Anchor::Close, -600, DaySet::TradingDays);
    let fires = s.next_n(local(m.tz, 2026, 11, 25, 16, 0), 2, &m, &m);
    // Thanksgiving is skipped; Friday closes at 13:00.
    assert_eq!(
        fires,
        vec![
            local(m.tz, 2026, 11, 27, 12, 50),
            local(m.tz, 2026, 11, 30, 15, 50)
        ]
    );
}

#[test]
fn strictly_after_and_offsets_before_the_open() {
    let m = FakeMarket::new_york();
    let s = rel(Anchor::Open, -3600, DaySet::TradingDays);
    let fire = local(m.tz, 2026, 3, 10, 8, 30);
    assert_eq!(
        s.next_after(fire, &m, &m),
        Some(local(m.tz, 2026, 3, 11, 8, 30))
    );
    // A large negative offset reaches into the previous day: Wednesday's open minus
    // 24 hours is Tuesday 09:30, and Monday's open minus 24 hours is a Sunday.
    let eve = rel(Anchor::Open, -24 * 3600, DaySet::TradingDays);
    let from = local(m.tz, 2026, 3, 10, 8, 0);
    assert_eq!(
        eve.next_after(from, &m, &m),
        Some(local(m.tz, 2026, 3, 10, 9, 30))
    );
    let sunday = eve.next_after(local(m.tz, 2026, 3, 13, 10, 0), &m, &m);
    assert_eq!(sunday, Some(local(m.tz, 2026, 3, 15, 9, 30)));
}

#[test]
fn day_set_filters_sessions() {
    let m = FakeMarket::new_york();
    let s = rel(Anchor::Close, 0, DaySet::LastTradingDayOfMonth);
    assert_eq!(
        s.next_after(utc(2026, 1, 1, 0, 0), &m, &m),
        Some(local(m.tz, 2026, 1, 30, 16, 0))
    );
    // A day set of non-trading days has no sessions to anchor to.
    let never = rel(Anchor::Open, 0, DaySet::Not(Box::new(DaySet::TradingDays)));
    assert_eq!(never.next_after(utc(2026, 1, 1, 0, 0), &m, &m), None);
}

#[test]
fn lunch_break_does_not_move_the_close() {
    let m = FakeMarket::tokyo();
    let s = rel(Anchor::Close, -300, DaySet::TradingDays);
    assert_eq!(
        s.next_after(local(m.tz, 2026, 3, 10, 12, 0), &m, &m),
        Some(local(m.tz, 2026, 3, 10, 14, 55))
    );
}

#[test]
fn calendar_without_sessions_returns_none() {
    let m = FakeMarket::never_open();
    let s = rel(Anchor::Open, 0, DaySet::Every);
    assert_eq!(s.next_after(utc(2026, 1, 1, 0, 0), &m, &m), None);
}
