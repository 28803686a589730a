//! The market-state machine on built-in calendars: ordinary days, half days,
//! lunch breaks, holidays, DST change days, and `next_transition` walks.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use pipec::time::calendar::{builtin, Calendar, ExtendedHours, BUILTIN_CODES};
use pipec::time::market_state::{
    follow_the_sun, MarketClock, MarketHours, MarketState, Transition,
};
use pipec::time::session::SessionCalendar;
use MarketState::*;

fn cal(code: &str) -> &'static Calendar {
    builtin(code).expect("built-in calendar")
}

/// An exchange-local wall time as a UTC instant.
fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

/// The (local HH:MM, state) transitions of one local day, starting at `from`.
fn local_day(code: &str, date: NaiveDate) -> Vec<(String, MarketState)> {
    let c = cal(code);
    MarketHours::new(c)
        .day_states(date)
        .into_iter()
        .map(|(at, s)| (at.with_timezone(&c.tz()).format("%H:%M").to_string(), s))
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn expect(pairs: &[(&str, MarketState)]) -> Vec<(String, MarketState)> {
    pairs.iter().map(|(t, s)| ((*t).to_string(), *s)).collect()
}

#[test]
fn new_york_ordinary_day() {
    assert_eq!(
        local_day("XNYS", day(2026, 11, 24)),
        expect(&[
            ("00:00", Overnight),
            ("04:00", PreOpen),
            ("09:30", Session),
            ("16:00", PostClose),
            ("20:00", Overnight),
        ])
    );
    let ny = chrono_tz::America::New_York;
    let c = cal("XNYS");
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 3, 59)), Overnight);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 4, 0)), PreOpen);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 9, 29)), PreOpen);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 9, 30)), Session);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 15, 59)), Session);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 16, 0)), PostClose);
    assert_eq!(c.state_at(local(ny, 2026, 11, 24, 20, 0)), Overnight);
}

#[test]
fn new_york_half_day_after_thanksgiving() {
    // Thanksgiving 2026-11-26 is a holiday; Friday closes at 13:00 and
    // after-hours starts there.
    assert_eq!(
        local_day("XNYS", day(2026, 11, 26)),
        expect(&[("00:00", Holiday)])
    );
    assert_eq!(
        local_day("XNYS", day(2026, 11, 27)),
        expect(&[
            ("00:00", Overnight),
            ("04:00", PreOpen),
            ("09:30", Session),
            ("13:00", PostClose),
            ("17:00", Overnight),
        ])
    );
    let s = cal("XNYS").session(day(2026, 11, 27)).expect("session");
    assert!(s.early_close);
}

#[test]
fn weekend_is_holiday_all_day() {
    assert_eq!(
        local_day("XNYS", day(2026, 11, 28)),
        expect(&[("00:00", Holiday)])
    );
    let ny = chrono_tz::America::New_York;
    // Friday 20:00 Overnight -> Saturday 00:00 Holiday -> Monday 00:00 Overnight.
    let c = cal("XNYS");
    let t = c
        .next_transition(local(ny, 2026, 12, 4, 21, 0))
        .expect("transition");
    assert_eq!(
        t,
        Transition {
            state: Holiday,
            at: local(ny, 2026, 12, 5, 0, 0)
        }
    );
    let t = c.next_transition(t.at).expect("transition");
    assert_eq!(
        t,
        Transition {
            state: Overnight,
            at: local(ny, 2026, 12, 7, 0, 0)
        }
    );
}

#[test]
fn tokyo_lunch_break_and_new_close() {
    assert_eq!(
        local_day("XTKS", day(2026, 11, 24)),
        expect(&[
            ("00:00", Overnight),
            ("08:00", PreOpen),
            ("09:00", Session),
            ("11:30", Break),
            ("12:30", Session),
            ("15:30", PostClose),
            ("16:00", Overnight),
        ])
    );
    // Before 2024-11-05 the close was 15:00.
    let before = cal("XTKS").session(day(2024, 11, 1)).expect("session");
    assert_eq!(
        before.close,
        local(chrono_tz::Asia::Tokyo, 2024, 11, 1, 15, 0)
    );
}

#[test]
fn hong_kong_half_day_has_no_lunch() {
    // Christmas Eve 2026 is a Thursday: morning session only, no BREAK.
    assert_eq!(
        local_day("XHKG", day(2026, 12, 24)),
        expect(&[
            ("00:00", Overnight),
            ("09:00", PreOpen),
            ("09:30", Session),
            ("12:00", PostClose),
            ("12:10", Overnight),
        ])
    );
    let ordinary = local_day("XHKG", day(2026, 12, 23));
    assert!(ordinary.contains(&("12:00".to_string(), Break)));
    assert!(ordinary.contains(&("13:00".to_string(), Session)));
}

#[test]
fn new_york_dst_days() {
    // Both change days are Sundays, so HOLIDAY all day, 23 and 25 hours long.
    for (d, hours) in [(day(2026, 3, 8), 23), (day(2026, 11, 1), 25)] {
        let hours_cal = MarketHours::new(cal("XNYS"));
        let start = hours_cal.day_states(d)[0].0;
        let next = hours_cal.next_transition(start).expect("transition");
        assert_eq!(next.state, Overnight);
        assert_eq!(next.at - start, Duration::hours(hours), "{d}");
    }
    // The Monday after: the open is 13:30 UTC in summer time, 14:30 in winter.
    let after_spring = cal("XNYS").session(day(2026, 3, 9)).expect("session");
    assert_eq!(
        after_spring.open,
        Utc.with_ymd_and_hms(2026, 3, 9, 13, 30, 0).unwrap()
    );
    let after_fall = cal("XNYS").session(day(2026, 11, 2)).expect("session");
    assert_eq!(
        after_fall.open,
        Utc.with_ymd_and_hms(2026, 11, 2, 14, 30, 0).unwrap()
    );
}

#[test]
fn london_dst_days() {
    // 2026-03-29 and 2026-10-25 are Sundays; the Monday after opens at 08:00
    // local, which is 07:00 UTC in summer and 08:00 UTC in winter.
    let lon = cal("XLON");
    assert_eq!(lon.holiday_name(day(2026, 3, 29)), Some("weekend"));
    let s = lon.session(day(2026, 3, 30)).expect("session");
    assert_eq!(s.open, Utc.with_ymd_and_hms(2026, 3, 30, 7, 0, 0).unwrap());
    let s = lon.session(day(2026, 10, 26)).expect("session");
    assert_eq!(s.open, Utc.with_ymd_and_hms(2026, 10, 26, 8, 0, 0).unwrap());
    // The Friday before the spring change: states in local time are unchanged.
    assert_eq!(
        local_day("XLON", day(2026, 3, 27)),
        expect(&[
            ("00:00", Overnight),
            ("07:00", PreOpen),
            ("08:00", Session),
            ("16:30", PostClose),
            ("17:15", Overnight),
        ])
    );
}

#[test]
fn dst_change_on_a_trading_day_with_windows_crossing_the_gap() {
    // A calendar with a session on the Sunday of the US spring change and a
    // pre-open window reaching back across 02:00-03:00, which does not exist.
    let text = "calendar SUNDESK\nzone America/New_York\nweekend none\nhours 03:30-16:00\n";
    let c = pipec::time::calendar::parse_calendar_file(text).expect("valid file");
    let hours = MarketHours::with_windows(
        &c,
        ExtendedHours {
            pre_open: Duration::hours(2),
            post_close: Duration::zero(),
        },
    );
    let states = hours.day_states(day(2026, 3, 8));
    let ny = chrono_tz::America::New_York;
    // 03:30 EDT is 07:30 UTC; two hours before is 05:30 UTC = 00:30 EST.
    assert_eq!(states[0], (local(ny, 2026, 3, 8, 0, 0), Overnight));
    assert_eq!(
        states[1],
        (Utc.with_ymd_and_hms(2026, 3, 8, 5, 30, 0).unwrap(), PreOpen)
    );
    assert_eq!(states[2], (local(ny, 2026, 3, 8, 3, 30), Session));
}

#[test]
fn holidays_are_holiday_all_day() {
    let ny = chrono_tz::America::New_York;
    let c = cal("XNYS");
    assert_eq!(c.state_at(local(ny, 2026, 12, 25, 12, 0)), Holiday);
    assert_eq!(c.state_at(local(ny, 2025, 1, 9, 10, 0)), Holiday);
    let hk = chrono_tz::Asia::Hong_Kong;
    assert_eq!(cal("XHKG").state_at(local(hk, 2023, 9, 8, 10, 0)), Holiday);
}

/// Walks `next_transition` from `start` for `days` days and checks every step
/// against `state_at`.
fn walk(code: &str, start: DateTime<Utc>, days: i64) -> Vec<Transition> {
    let c = cal(code);
    let end = start + Duration::days(days);
    let mut at = start;
    let mut seen = Vec::new();
    let mut state = c.state_at(at);
    while let Some(t) = c.next_transition(at) {
        if t.at > end {
            break;
        }
        assert!(t.at > at, "{code}: {t:?} not after {at}");
        assert_ne!(t.state, state, "{code}: {t:?} changes nothing");
        assert_eq!(
            c.state_at(t.at),
            t.state,
            "{code}: state_at disagrees at {}",
            t.at
        );
        let just_before = t.at - Duration::seconds(1);
        assert_eq!(
            c.state_at(just_before),
            state,
            "{code}: state before {}",
            t.at
        );
        // Nothing changes between two transitions.
        let mid = at + (t.at - at) / 2;
        assert_eq!(
            c.state_at(mid),
            state,
            "{code}: state changed before {}",
            t.at
        );
        state = t.state;
        at = t.at;
        seen.push(t);
    }
    seen
}

#[test]
fn next_transition_walks_a_week_in_every_market() {
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    for code in BUILTIN_CODES.iter().copied() {
        let seen = walk(code, start, 7);
        match code {
            // Open around the clock: CMES halts 16:00-17:00 (12:00-17:00 on
            // Thanksgiving and the day after) and closes for the weekend; FX
            // only for the weekend; CRYPTO never.
            "CMES" => assert_eq!(seen.len(), 11, "{code}: {seen:?}"),
            "FX" => assert_eq!(seen.len(), 3, "{code}: {seen:?}"),
            "CRYPTO" => assert!(seen.is_empty(), "{code}: {seen:?}"),
            // Five weekdays of at least four changes each, Thanksgiving aside.
            _ => assert!(seen.len() >= 16, "{code}: only {} transitions", seen.len()),
        }
    }
}

#[test]
fn next_transition_walks_across_dst_and_holiday_weeks() {
    walk(
        "XNYS",
        Utc.with_ymd_and_hms(2026, 3, 5, 0, 0, 0).unwrap(),
        7,
    );
    walk(
        "XNYS",
        Utc.with_ymd_and_hms(2026, 10, 29, 0, 0, 0).unwrap(),
        7,
    );
    walk(
        "XLON",
        Utc.with_ymd_and_hms(2026, 3, 26, 0, 0, 0).unwrap(),
        7,
    );
    walk(
        "XLON",
        Utc.with_ymd_and_hms(2026, 10, 22, 0, 0, 0).unwrap(),
        7,
    );
    walk(
        "XLON",
        Utc.with_ymd_and_hms(2026, 12, 21, 0, 0, 0).unwrap(),
        14,
    );
    walk(
        "XHKG",
        Utc.with_ymd_and_hms(2027, 2, 3, 0, 0, 0).unwrap(),
        10,
    );
    walk(
        "XTKS",
        Utc.with_ymd_and_hms(2026, 4, 27, 0, 0, 0).unwrap(),
        10,
    );
}

#[test]
fn next_transition_gives_the_exact_open() {
    let ny = chrono_tz::America::New_York;
    let t = cal("XNYS")
        .next_transition(local(ny, 2026, 11, 24, 5, 0))
        .expect("transition");
    assert_eq!(
        t,
        Transition {
            state: Session,
            at: local(ny, 2026, 11, 24, 9, 30)
        }
    );
}

#[test]
fn follow_the_sun_lists_every_market() {
    // 2026-11-24 02:00 UTC: Auckland to Hong Kong trading, Bombay closed for
    // Guru Nanak Jayanti, Europe and the Americas at night.
    let instant = Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap();
    let board = follow_the_sun(instant);
    let states: Vec<(&str, MarketState)> = board.iter().map(|s| (s.code, s.state)).collect();
    assert_eq!(
        states,
        vec![
            ("XNZE", Session),
            ("XASX", Session),
            ("XTKS", Session),
            ("XKRX", Session),
            ("XTAI", Session),
            ("XSES", Session),
            ("XSHG", Session),
            ("XHKG", Session),
            ("XBOM", Holiday),
            ("XJSE", Overnight),
            ("XHEL", Overnight),
            ("XSTO", Overnight),
            ("XWBO", Overnight),
            ("XCSE", Overnight),
            ("XOSL", Overnight),
            ("XMIL", Overnight),
            ("XETR", Overnight),
            ("XSWX", Overnight),
            ("XAMS", Overnight),
            ("XBRU", Overnight),
            ("XPAR", Overnight),
            ("XMAD", Overnight),
            ("XLON", Overnight),
            ("XLIS", Overnight),
            ("XNYS", Overnight),
            ("XNAS", Overnight),
            ("XTSE", Overnight),
            // Monday 20:00 in Chicago and 21:00 in New York: Tuesday's trade date.
            ("CMES", Session),
            ("FX", Session),
            ("CRYPTO", Session),
        ]
    );
    for snap in &board {
        let Some(next) = snap.next else {
            assert_eq!(snap.code, "CRYPTO", "only CRYPTO never changes state");
            continue;
        };
        assert!(next.at > instant);
        assert_eq!(next, cal(snap.code).next_transition(instant).expect("same"));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Anywhere in 2000-2050, in every market: the next transition is
        /// strictly later, changes the state, and `state_at` agrees with it.
        #[test]
        fn next_transition_agrees_with_state_at(secs in 946_684_800i64..2_556_144_000i64, which in 0usize..6) {
            let code = pipec::time::calendar::BUILTIN_CODES[which];
            let c = cal(code);
            let t = Utc.timestamp_opt(secs, 0).single().expect("in range");
            let now = c.state_at(t);
            let next = c.next_transition(t).expect("a transition within 400 days");
            prop_assert!(next.at > t);
            prop_assert_ne!(next.state, now);
            prop_assert_eq!(c.state_at(next.at), next.state);
            prop_assert_eq!(c.state_at(next.at - Duration::seconds(1)), now);
        }

        /// Arbitrary windows never panic and keep states in order.
        #[test]
        fn arbitrary_windows_never_panic(pre in -100_000i64..100_000, post in -100_000i64..100_000, d in 0i64..3000) {
            let c = cal("XHKG");
            let hours = MarketHours::with_windows(
                c,
                ExtendedHours { pre_open: Duration::minutes(pre), post_close: Duration::minutes(post) },
            );
            let date = day(2020, 1, 1) + Duration::days(d);
            let states = hours.day_states(date);
            prop_assert!(!states.is_empty());
            prop_assert!(states.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 != w[1].1));
        }
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for code in pipec::time::calendar::BUILTIN_CODES {
            let c = cal(code);
            for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                let _ = c.state_at(t);
                let _ = c.next_transition(t);
            }
        }
    }
}
