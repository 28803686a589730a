//! The DST rule on every transition 2005-2035 of five zones, enumerated from the tz
//! database: wall-clock triggers (At, Cron) fire once at the first instant after a
//! gap and once at the first occurrence of a repeated time; interval triggers keep
//! their spacing in real time.

use crate::schedule_fake_market as fake_market;

use chrono::{DateTime, Duration, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use fake_market::{transitions, FakeMarket};
use pipec::time::market_state::MarketState;
use pipec::time::schedule::{resolve_local, CronExpr, DaySet, Schedule};

const ZONES: [Tz; 5] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Berlin,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Asia::Hong_Kong,
];

fn wall(zone: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&zone).naive_local()
}

fn at(zone: Tz, w: NaiveDateTime) -> Schedule {
    Schedule::At {
        time: w.time(),
        zone,
        days: DaySet::Every,
    }
}

fn cron(zone: Tz, w: NaiveDateTime) -> Schedule {
    let text = format!("{} {} * * *", w.minute(), w.hour());
    Schedule::Cron {
        expr: CronExpr::parse(&text).expect("valid"),
        zone,
    }
}

#[test]
fn the_enumeration_finds_the_known_transitions() {
    let counts: Vec<usize> = ZONES.iter().map(|z| transitions(*z).len()).collect();
    // Two a year for 31 years in the DST zones; Tokyo and Hong Kong keep standard time.
    assert_eq!(counts, vec![62, 62, 62, 0, 0]);
    let ny = transitions(chrono_tz::America::New_York);
    let march_2026 = ny
        .iter()
        .find(|t| t.at.date_naive() == fake_market::d(2026, 3, 8));
    assert_eq!(
        march_2026.map(|t| t.at),
        Some(fake_market::utc(2026, 3, 8, 7, 0))
    );
}

#[test]
fn the_brief_example_fires_at_three_edt() {
    let ny = chrono_tz::America::New_York;
    let market = FakeMarket::new_york();
    let s = Schedule::At {
        time: fake_market::t(2, 30),
        zone: ny,
        days: DaySet::Every,
    };
    let fire = s.next_after(fake_market::utc(2026, 3, 8, 0, 0), &market, &market);
    assert_eq!(fire, Some(fake_market::utc(2026, 3, 8, 7, 0)));
}

#[test]
fn gap_times_fire_once_at_the_end_of_the_gap() {
    let mut checked = 0;
    for zone in ZONES {
        let market = FakeMarket::always_open(zone);
        for tr in transitions(zone).iter().filter(|t| t.after > t.before) {
            let gap = Duration::seconds(tr.after - tr.before);
            let gap_start = wall(zone, tr.at) - gap; // the first skipped wall time
            let before = tr.at - Duration::hours(6);
            for schedule in [
                at(zone, gap_start),
                at(zone, gap_start + gap / 2),
                cron(zone, gap_start),
                cron(zone, gap_start + gap / 2),
                at(zone, gap_start + gap), // the first wall time after the gap
            ] {
                let fire = schedule.next_after(before, &market, &market);
                assert_eq!(fire, Some(tr.at), "{zone} {:?} {schedule:?}", tr.at);
                // Once only: the next firing is the next day's.
                let next = schedule
                    .next_after(tr.at, &market, &market)
                    .expect("next day");
                assert!(next - tr.at > Duration::hours(20), "{zone} {:?}", tr.at);
            }
            // The minute before the gap is ordinary.
            let just_before = gap_start - Duration::minutes(1);
            let fire = at(zone, just_before).next_after(before, &market, &market);
            assert_eq!(fire, Some(tr.at - Duration::minutes(1)));
            checked += 1;
        }
    }
    assert_eq!(checked, 93, "31 spring-forward days in each of three zones");
}

#[test]
fn repeated_times_fire_once_at_the_first_occurrence() {
    let mut checked = 0;
    for zone in ZONES {
        let market = FakeMarket::always_open(zone);
        for tr in transitions(zone).iter().filter(|t| t.after < t.before) {
            let fold = Duration::seconds(tr.before - tr.after);
            let fold_start = wall(zone, tr.at); // the first repeated wall time
            let middle = fold_start + fold / 2;
            let first = tr.at - fold / 2;
            let second = tr.at + fold / 2;
            assert_eq!(wall(zone, first), middle);
            assert_eq!(wall(zone, second), middle);
            for schedule in [at(zone, middle), cron(zone, middle)] {
                let fire = schedule.next_after(tr.at - Duration::hours(6), &market, &market);
                assert_eq!(fire, Some(first), "{zone} {:?} {schedule:?}", tr.at);
                let next = schedule
                    .next_after(first, &market, &market)
                    .expect("next day");
                assert_ne!(next, second, "{zone}: fires a second time in the fold");
                assert!(next - first > Duration::hours(20));
                // Starting inside the second occurrence does not fire it either.
                let from_inside = schedule.next_after(tr.at, &market, &market);
                assert_eq!(from_inside, Some(next));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 93, "31 fall-back days in each of three zones");
}

#[test]
fn interval_triggers_keep_real_time_spacing_on_every_transition() {
    let step = Duration::minutes(15);
    for zone in ZONES {
        let market = FakeMarket::always_open(zone);
        let schedule = Schedule::Every {
            interval: 15 * 60,
            from: MarketState::Session,
            to: MarketState::Session,
            days: DaySet::Every,
        };
        for tr in transitions(zone) {
            let fires: Vec<DateTime<Utc>> = schedule
                .firings_in(
                    tr.at - Duration::hours(3)..tr.at + Duration::hours(3),
                    &market,
                    &market,
                )
                .collect();
            assert_eq!(fires.len(), 24, "{zone} {:?}", tr.at);
            assert!(
                fires.windows(2).all(|w| w[1] - w[0] == step),
                "{zone} {:?}",
                tr.at
            );
            // The whole transition day has one tick per 15 real minutes: 92 or 100.
            let date = wall(zone, tr.at).date();
            let day_start = resolve_local(zone, date.and_hms_opt(0, 0, 0).expect("midnight"))
                .expect("day start");
            let day_end = resolve_local(
                zone,
                date.succ_opt()
                    .expect("next")
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight"),
            )
            .expect("day end");
            let day_fires = schedule
                .firings_in(day_start..day_end, &market, &market)
                .count();
            let expected = ((day_end - day_start).num_minutes() / 15) as usize;
            assert_eq!(day_fires, expected, "{zone} {date}");
            assert_ne!(expected, 96, "{zone} {date} is a 23- or 25-hour day");
        }
    }
}

#[test]
fn zones_without_dst_fire_at_a_constant_utc_time() {
    for (zone, utc_hour) in [
        (chrono_tz::Asia::Tokyo, 17),
        (chrono_tz::Asia::Hong_Kong, 18),
    ] {
        let market = FakeMarket::always_open(zone);
        let s = Schedule::At {
            time: fake_market::t(2, 30),
            zone,
            days: DaySet::Every,
        };
        for fire in s.next_n(fake_market::utc(2005, 1, 1, 0, 0), 400, &market, &market) {
            assert_eq!((fire.hour(), fire.minute()), (utc_hour, 30), "{zone}");
        }
    }
}

#[test]
fn cron_counts_on_dst_days_follow_the_wall_clock() {
    let ny = chrono_tz::America::New_York;
    let market = FakeMarket::always_open(ny);
    let day = |y, m, d| {
        let start = resolve_local(ny, fake_market::d(y, m, d).and_hms_opt(0, 0, 0).expect("t"))
            .expect("start");
        let end = resolve_local(
            ny,
            fake_market::d(y, m, d + 1).and_hms_opt(0, 0, 0).expect("t"),
        )
        .expect("end");
        start..end
    };
    let hourly = Schedule::Cron {
        expr: CronExpr::parse("0 * * * *").expect("valid"),
        zone: ny,
    };
    assert_eq!(
        hourly.firings_in(day(2026, 3, 8), &market, &market).count(),
        23
    );
    assert_eq!(
        hourly
            .firings_in(day(2026, 11, 1), &market, &market)
            .count(),
        24
    );
    // Four wall times inside the gap collapse into one firing at 03:00 EDT.
    let in_gap = Schedule::Cron {
        expr: CronExpr::parse("*/15 2 * * *").expect("valid"),
        zone: ny,
    };
    let fires: Vec<_> = in_gap
        .firings_in(day(2026, 3, 8), &market, &market)
        .collect();
    assert_eq!(fires, vec![fake_market::utc(2026, 3, 8, 7, 0)]);
}

/// A cron expression whose hour field is `*` (or `*/N`) repeats through the day,
/// so a slot a gap skips is not made up at the end of the gap: one firing per
/// existing slot, never two within one interval, across every transition
/// 2005-2035 of New York, London, Berlin and Sydney.
#[test]
fn a_repeating_cron_skips_gap_slots_and_never_fires_twice_within_its_interval() {
    let zones = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::London,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Sydney,
    ];
    for (text, minute, every_hours) in [("30 * * * *", 30, 1), ("10 */2 * * *", 10, 2)] {
        let expr = CronExpr::parse(text).expect("valid");
        for zone in zones {
            let market = FakeMarket::always_open(zone);
            let schedule = Schedule::Cron {
                expr: expr.clone(),
                zone,
            };
            let found = transitions(zone);
            assert_eq!(found.len(), 62, "{zone}");
            for tr in found {
                let window = tr.at - Duration::hours(6)..tr.at + Duration::hours(6);
                let fires: Vec<_> = schedule
                    .firings_in(window.clone(), &market, &market)
                    .collect();
                for pair in fires.windows(2) {
                    assert!(
                        pair[1] - pair[0] >= Duration::hours(1),
                        "{text} in {zone} near {}: {} then {}",
                        tr.at,
                        pair[0],
                        pair[1]
                    );
                    assert!(
                        wall(zone, pair[0]) < wall(zone, pair[1]),
                        "a wall time twice"
                    );
                }
                // Every slot that exists fires, at its first occurrence, and
                // nothing else does.
                let mut expected = Vec::new();
                let mut u = window.start;
                while u < window.end {
                    let w = wall(zone, u);
                    let first = resolve_local(zone, w) == Some(u);
                    if w.minute() == minute && w.hour() % every_hours == 0 && first {
                        expected.push(u);
                    }
                    u += Duration::minutes(1);
                }
                assert_eq!(fires, expected, "{text} in {zone} near {}", tr.at);
            }
        }
    }
}
