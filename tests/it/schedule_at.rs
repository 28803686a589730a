//! Wall-clock triggers: `At { time, zone, days }`.

use crate::schedule_fake_market as fake_market;

use chrono::{Duration, Weekday};
use fake_market::{local, t, utc, FakeMarket};
use pipec::time::schedule::{DaySet, Schedule};

fn at(h: u32, m: u32, zone: chrono_tz::Tz, days: DaySet) -> Schedule {
    Schedule::At {
        time: t(h, m),
        zone,
        days,
    }
}

#[test]
fn fires_at_the_wall_time_strictly_after() {
    let m = FakeMarket::new_york();
    let ny = m.tz;
    let s = at(8, 0, ny, DaySet::Every);
    let nine_am = local(ny, 2026, 3, 10, 8, 0);
    assert_eq!(
        s.next_after(nine_am - Duration::seconds(1), &m, &m),
        Some(nine_am)
    );
    // Strictly after: the firing instant itself is not repeated.
    assert_eq!(
        s.next_after(nine_am, &m, &m),
        Some(local(ny, 2026, 3, 11, 8, 0))
    );
}

#[test]
fn trading_days_skip_weekends_and_holidays() {
    let m = FakeMarket::new_york();
    let ny = m.tz;
    let s = at(8, 0, ny, DaySet::TradingDays);
    // Thursday Apr 2 after 08:00: Good Friday and the weekend are skipped.
    let fire = s.next_after(local(ny, 2026, 4, 2, 9, 0), &m, &m);
    assert_eq!(fire, Some(local(ny, 2026, 4, 6, 8, 0)));
    let fires = s.next_n(local(ny, 2026, 3, 30, 0, 0), 5, &m, &m);
    let days: Vec<u32> = fires
        .iter()
        .map(|f| chrono::Datelike::day(&f.with_timezone(&ny)))
        .collect();
    assert_eq!(days, vec![30, 31, 1, 2, 6]);
}

#[test]
fn saturday_trigger() {
    let m = FakeMarket::new_york();
    let s = at(10, 0, m.tz, DaySet::Named(vec![Weekday::Sat]));
    assert_eq!(
        s.next_after(utc(2026, 3, 9, 0, 0), &m, &m),
        Some(local(m.tz, 2026, 3, 14, 10, 0))
    );
}

#[test]
fn zone_of_the_trigger_not_of_the_exchange() {
    // 08:00 Tokyo on New York trading days: the day set reads the Tokyo date.
    let m = FakeMarket::new_york();
    let tokyo = chrono_tz::Asia::Tokyo;
    let s = at(8, 0, tokyo, DaySet::TradingDays);
    // Friday Apr 3 (Good Friday in New York) is skipped, Monday Apr 6 fires.
    let fire = s.next_after(utc(2026, 4, 2, 0, 0), &m, &m);
    assert_eq!(
        fire,
        Some(utc(2026, 4, 5, 23, 0)),
        "08:00 JST Monday = 23:00 UTC Sunday"
    );
}

#[test]
fn seconds_and_sub_second_starts() {
    let m = FakeMarket::new_york();
    let s = Schedule::At {
        time: chrono::NaiveTime::from_hms_opt(12, 0, 30).expect("time"),
        zone: chrono_tz::UTC,
        days: DaySet::Every,
    };
    let start = utc(2026, 3, 10, 12, 0) + Duration::seconds(30) - Duration::nanoseconds(1);
    assert_eq!(
        s.next_after(start, &m, &m),
        Some(start + Duration::nanoseconds(1))
    );
}

#[test]
fn never_firing_day_set_returns_none() {
    let m = FakeMarket::never_open();
    let s = at(8, 0, m.tz, DaySet::TradingDays);
    assert_eq!(s.next_after(utc(2026, 1, 1, 0, 0), &m, &m), None);
    let listed = at(8, 0, m.tz, DaySet::Dates(Default::default()));
    assert_eq!(listed.next_after(utc(2026, 1, 1, 0, 0), &m, &m), None);
}
