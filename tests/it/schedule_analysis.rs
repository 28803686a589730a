//! The compiler's helpers: can a trigger ever fire, in which market states does it
//! fire; and the iteration helpers and termination of searches that find nothing.

use crate::schedule_fake_market as fake_market;

use chrono::{Duration, Weekday};
use fake_market::{local, t, utc, FakeMarket};
use pipec::time::market_state::MarketState::{self, *};
use pipec::time::schedule::{Anchor, CronExpr, DaySet, Schedule};
use std::collections::BTreeSet;
use std::time::Instant;

fn year_2026() -> std::ops::Range<chrono::DateTime<chrono::Utc>> {
    utc(2026, 1, 1, 0, 0)..utc(2027, 1, 1, 0, 0)
}

fn states(list: &[MarketState]) -> BTreeSet<MarketState> {
    list.iter().copied().collect()
}

#[test]
fn saturday_trigger_fires_only_on_holiday_state() {
    let m = FakeMarket::new_york();
    let s = Schedule::At {
        time: t(10, 0),
        zone: m.tz,
        days: DaySet::Named(vec![Weekday::Sat]),
    };
    assert_eq!(s.states_at_firings(&m, &m, year_2026()), states(&[Holiday]));
}

#[test]
fn weekday_morning_trigger_sees_holidays_too() {
    let m = FakeMarket::new_york();
    let s = Schedule::At {
        time: t(10, 0),
        zone: m.tz,
        days: DaySet::Weekdays,
    };
    assert_eq!(
        s.states_at_firings(&m, &m, year_2026()),
        states(&[Holiday, Session])
    );
    let trading = Schedule::At {
        time: t(10, 0),
        zone: m.tz,
        days: DaySet::TradingDays,
    };
    assert_eq!(
        trading.states_at_firings(&m, &m, year_2026()),
        states(&[Session])
    );
}

#[test]
fn every_second_over_a_year_is_cheap_and_exact() {
    let m = FakeMarket::tokyo();
    let whole_day = Schedule::Every {
        interval: 1,
        from: PreOpen,
        to: PostClose,
        days: DaySet::TradingDays,
    };
    let started = Instant::now();
    let seen = whole_day.states_at_firings(&m, &m, year_2026());
    assert_eq!(seen, states(&[PreOpen, Session, Break, PostClose]));
    assert!(
        started.elapsed().as_secs() < 20,
        "jumps transition to transition"
    );
    let session_only = Schedule::Every {
        interval: 1,
        from: Session,
        to: Session,
        days: DaySet::TradingDays,
    };
    assert_eq!(
        session_only.states_at_firings(&m, &m, year_2026()),
        states(&[Session])
    );
}

#[test]
fn cron_every_minute_sees_every_state() {
    let m = FakeMarket::new_york();
    let s = Schedule::Cron {
        expr: CronExpr::parse("* * * * *").expect("valid"),
        zone: m.tz,
    };
    let week = utc(2026, 3, 9, 0, 0)..utc(2026, 3, 16, 0, 0);
    assert_eq!(
        s.states_at_firings(&m, &m, week),
        states(&[Holiday, Overnight, PreOpen, Session, PostClose])
    );
}

#[test]
fn a_firing_exactly_at_a_transition_is_seen_in_the_new_state() {
    let m = FakeMarket::new_york();
    let at_open = Schedule::SessionRelative {
        anchor: Anchor::Open,
        offset: 0,
        days: DaySet::TradingDays,
    };
    assert_eq!(
        at_open.states_at_firings(&m, &m, year_2026()),
        states(&[Session])
    );
    let at_close = Schedule::SessionRelative {
        anchor: Anchor::Close,
        offset: 0,
        days: DaySet::TradingDays,
    };
    assert_eq!(
        at_close.states_at_firings(&m, &m, year_2026()),
        states(&[PostClose])
    );
}

#[test]
fn can_ever_fire() {
    let ny = FakeMarket::new_york();
    let closed = FakeMarket::never_open();
    let open = Schedule::SessionRelative {
        anchor: Anchor::Open,
        offset: 300,
        days: DaySet::TradingDays,
    };
    assert!(open.can_ever_fire(&ny, &ny, year_2026()));
    assert!(!open.can_ever_fire(&closed, &closed, year_2026()));
    let feb30 = Schedule::Cron {
        expr: CronExpr::parse("0 0 30 2 *").expect("valid"),
        zone: ny.tz,
    };
    assert!(!feb30.can_ever_fire(&ny, &ny, utc(2026, 1, 1, 0, 0)..utc(2040, 1, 1, 0, 0)));
    let leap = Schedule::Cron {
        expr: CronExpr::parse("0 0 29 2 *").expect("valid"),
        zone: ny.tz,
    };
    assert!(!leap.can_ever_fire(&ny, &ny, year_2026()));
    assert!(leap.can_ever_fire(&ny, &ny, utc(2026, 1, 1, 0, 0)..utc(2029, 1, 1, 0, 0)));
    assert_eq!(
        leap.next_after(utc(2026, 1, 1, 0, 0), &ny, &ny),
        Some(local(ny.tz, 2028, 2, 29, 0, 0))
    );
    // An empty range holds no firing.
    let any = Schedule::At {
        time: t(0, 0),
        zone: ny.tz,
        days: DaySet::Every,
    };
    assert!(!any.can_ever_fire(&ny, &ny, utc(2026, 1, 1, 0, 0)..utc(2026, 1, 1, 0, 0)));
}

#[test]
fn searches_that_find_nothing_terminate_quickly() {
    let closed = FakeMarket::never_open();
    let schedules = [
        Schedule::At {
            time: t(8, 0),
            zone: closed.tz,
            days: DaySet::TradingDays,
        },
        Schedule::At {
            time: t(8, 0),
            zone: closed.tz,
            days: DaySet::QuarterlyExpiration,
        },
        Schedule::SessionRelative {
            anchor: Anchor::Close,
            offset: -600,
            days: DaySet::Every,
        },
        Schedule::Every {
            interval: 60,
            from: Session,
            to: Session,
            days: DaySet::Every,
        },
        Schedule::Cron {
            expr: CronExpr::parse("0 0 31 4 *").expect("valid"),
            zone: closed.tz,
        },
    ];
    for s in &schedules {
        let started = Instant::now();
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), &closed, &closed),
            None,
            "{s:?}"
        );
        assert!(started.elapsed().as_secs() < 5, "{s:?}");
    }
}

#[test]
fn the_horizon_is_two_years() {
    let m = FakeMarket::new_york();
    let far = Schedule::At {
        time: t(12, 0),
        zone: m.tz,
        days: DaySet::Dates([fake_market::d(2029, 6, 1)].into_iter().collect()),
    };
    assert_eq!(far.next_after(utc(2026, 1, 1, 0, 0), &m, &m), None);
    assert_eq!(
        far.next_after(utc(2028, 1, 1, 0, 0), &m, &m),
        Some(local(m.tz, 2029, 6, 1, 12, 0))
    );
    // Ranges are searched to their end, however long.
    assert_eq!(
        far.firings_in(utc(2026, 1, 1, 0, 0)..utc(2030, 1, 1, 0, 0), &m, &m)
            .count(),
        1
    );
}

#[test]
fn iteration_helpers_agree_with_next_after() {
    let m = FakeMarket::new_york();
    let s = Schedule::SessionRelative {
        anchor: Anchor::Close,
        offset: -600,
        days: DaySet::TradingDays,
    };
    let start = utc(2026, 3, 1, 0, 0);
    let n = s.next_n(start, 10, &m, &m);
    let mut cursor = start;
    for fire in &n {
        let next = s.next_after(cursor, &m, &m).expect("fires");
        assert_eq!(next, *fire);
        cursor = next;
    }
    // `firings_in` includes its start and excludes its end.
    let range: Vec<_> = s.firings_in(n[2]..n[5], &m, &m).collect();
    assert_eq!(range, n[2..5].to_vec());
    let just_after: Vec<_> = s
        .firings_in(
            n[2] + Duration::nanoseconds(1)..n[5] + Duration::nanoseconds(1),
            &m,
            &m,
        )
        .collect();
    assert_eq!(just_after, n[3..6].to_vec());
    assert_eq!(s.firings(start, &m, &m).take(10).collect::<Vec<_>>(), n);
}

#[test]
fn a_range_to_the_end_of_time_terminates() {
    let closed = FakeMarket::never_open();
    let s = Schedule::At {
        time: t(8, 0),
        zone: closed.tz,
        days: DaySet::TradingDays,
    };
    let started = Instant::now();
    assert!(!s.can_ever_fire(
        &closed,
        &closed,
        utc(2026, 1, 1, 0, 0)..chrono::DateTime::<chrono::Utc>::MAX_UTC
    ));
    assert!(started.elapsed().as_secs() < 20);
}
