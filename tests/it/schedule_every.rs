//! Interval triggers: anchoring at the window start, exclusive end, BREAK pausing.

use crate::schedule_fake_market as fake_market;

use chrono::{DateTime, Duration, Utc};
use fake_market::{local, utc, FakeMarket};
use pipec::time::market_state::MarketState::{self, *};
use pipec::time::schedule::{DaySet, Schedule};

fn every(seconds: u64, from: MarketState, to: MarketState) -> Schedule {
    Schedule::Every {
        interval: seconds,
        from,
        to,
        days: DaySet::TradingDays,
    }
}

fn day_fires(s: &Schedule, m: &FakeMarket, y: i32, mo: u32, day: u32) -> Vec<DateTime<Utc>> {
    let start = local(m.tz, y, mo, day, 0, 0);
    s.firings_in(start..start + Duration::hours(24), m, m)
        .collect()
}

#[test]
fn every_minute_in_session_starts_at_open_and_excludes_the_close() {
    let m = FakeMarket::new_york();
    let fires = day_fires(&every(60, Session, Session), &m, 2026, 3, 10);
    assert_eq!(fires.len(), 390);
    assert_eq!(fires[0], local(m.tz, 2026, 3, 10, 9, 30));
    assert_eq!(fires[389], local(m.tz, 2026, 3, 10, 15, 59));
}

#[test]
fn ticks_are_anchored_at_the_window_start() {
    let m = FakeMarket::new_york();
    let s = every(7 * 60, Session, Session);
    let fires = day_fires(&s, &m, 2026, 3, 10);
    assert_eq!(fires[1], local(m.tz, 2026, 3, 10, 9, 37));
    // 390 minutes / 7 = 55.7: the last tick is 09:30 + 55 * 7m = 15:55.
    assert_eq!(fires.last(), Some(&local(m.tz, 2026, 3, 10, 15, 55)));
    // Strictly after the last tick: the next day's open, not a tick at the close.
    assert_eq!(
        s.next_after(local(m.tz, 2026, 3, 10, 15, 55), &m, &m),
        Some(local(m.tz, 2026, 3, 11, 9, 30))
    );
    // From the middle of a gap between ticks.
    assert_eq!(
        s.next_after(local(m.tz, 2026, 3, 10, 9, 40), &m, &m),
        Some(local(m.tz, 2026, 3, 10, 9, 44))
    );
}

#[test]
fn pre_open_to_post_close_spans_the_whole_extended_day() {
    let m = FakeMarket::new_york();
    let fires = day_fires(&every(300, PreOpen, PostClose), &m, 2026, 3, 10);
    assert_eq!(fires.len(), 16 * 12);
    assert_eq!(fires[0], local(m.tz, 2026, 3, 10, 4, 0));
    assert_eq!(fires.last(), Some(&local(m.tz, 2026, 3, 10, 19, 55)));
}

#[test]
fn a_break_pauses_a_session_window_on_the_same_grid() {
    let m = FakeMarket::tokyo();
    let fires = day_fires(&every(8 * 60, Session, Session), &m, 2026, 3, 10);
    let lunch = local(m.tz, 2026, 3, 10, 11, 30)..local(m.tz, 2026, 3, 10, 12, 30);
    assert!(fires.iter().all(|f| !lunch.contains(f)));
    let before = fires.iter().rfind(|f| **f < lunch.start).copied();
    let after = fires.iter().find(|f| **f >= lunch.end).copied();
    assert_eq!(before, Some(local(m.tz, 2026, 3, 10, 11, 24)));
    assert_eq!(
        after,
        Some(local(m.tz, 2026, 3, 10, 12, 36)),
        "09:00 + 27 * 8m"
    );
    assert!(fires.iter().all(|f| m_state(&m, *f) == Session));
}

#[test]
fn a_window_spanning_the_break_keeps_firing_through_it() {
    let m = FakeMarket::tokyo();
    let fires = day_fires(&every(30 * 60, PreOpen, PostClose), &m, 2026, 3, 10);
    assert!(fires.contains(&local(m.tz, 2026, 3, 10, 12, 0)));
    assert_eq!(fires.len(), 16, "08:00 to 16:00 every 30 minutes");
}

#[test]
fn holidays_are_skipped_and_early_closes_shorten_the_window() {
    let m = FakeMarket::new_york();
    let hourly = every(3600, Session, Session);
    // After Thursday's last tick (15:30), Good Friday and the weekend are skipped.
    assert_eq!(
        hourly.next_after(local(m.tz, 2026, 4, 2, 15, 30), &m, &m),
        Some(local(m.tz, 2026, 4, 6, 9, 30))
    );
    let half_hourly = every(1800, Session, Session);
    let fires = day_fires(&half_hourly, &m, 2026, 11, 27);
    assert_eq!(fires.last(), Some(&local(m.tz, 2026, 11, 27, 12, 30)));
    // POST_CLOSE follows the early close.
    let extended = day_fires(&every(1800, Session, PostClose), &m, 2026, 11, 27);
    assert!(extended.contains(&local(m.tz, 2026, 11, 27, 13, 0)));
    assert_eq!(extended.last(), Some(&local(m.tz, 2026, 11, 27, 19, 30)));
}

#[test]
fn holiday_state_windows_fire_on_closed_days() {
    let m = FakeMarket::new_york();
    let s = Schedule::Every {
        interval: 6 * 3600,
        from: Holiday,
        to: Holiday,
        days: DaySet::Every,
    };
    let fires = s.next_n(utc(2026, 3, 13, 12, 0), 5, &m, &m);
    let sat = |h| local(m.tz, 2026, 3, 14, h, 0);
    assert_eq!(fires[..4], [sat(0), sat(6), sat(12), sat(18)]);
    assert_eq!(fires[4], local(m.tz, 2026, 3, 15, 0, 0));
}

#[test]
fn degenerate_windows_never_fire() {
    let m = FakeMarket::new_york();
    let start = utc(2026, 3, 10, 0, 0);
    assert_eq!(every(0, Session, Session).next_after(start, &m, &m), None);
    assert_eq!(
        every(60, PostClose, PreOpen).next_after(start, &m, &m),
        None
    );
    assert_eq!(
        every(60, Session, Session).next_after(start, &FakeMarket::never_open(), &m),
        None
    );
}

#[test]
fn interval_longer_than_the_window_fires_once_at_its_start() {
    let m = FakeMarket::new_york();
    let fires = day_fires(&every(24 * 3600, Session, Session), &m, 2026, 3, 10);
    assert_eq!(fires, vec![local(m.tz, 2026, 3, 10, 9, 30)]);
}

fn m_state(m: &FakeMarket, at: DateTime<Utc>) -> MarketState {
    pipec::time::market_state::MarketClock::state_at(m, at)
}
