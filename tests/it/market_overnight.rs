//! Markets whose sessions cross midnight or run around the clock: CMES, FX,
//! CRYPTO and calendar files with overnight hours, through the state machine
//! across the DST changes of their own zone and of New York's.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use pipec::time::calendar::{builtin, parse_calendar_file, Calendar};
use pipec::time::market_state::{MarketClock, MarketHours, MarketState, Transition};
use pipec::time::session::SessionCalendar;
use MarketState::*;

fn cal(code: &str) -> &'static Calendar {
    builtin(code).expect("built-in calendar")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339 instant")
        .with_timezone(&Utc)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Every transition after `from` up to and including `until`, as
/// (UTC `YYYY-MM-DDTHH:MMZ`, local `Day HH:MM ZONE`, state).
fn walk(
    clock: &dyn MarketClock,
    tz: Tz,
    from: &str,
    until: &str,
) -> Vec<(String, String, MarketState)> {
    let until = utc(until);
    let mut at = utc(from);
    let mut out = Vec::new();
    while let Some(Transition { state, at: next }) = clock.next_transition(at) {
        if next > until {
            break;
        }
        assert_eq!(clock.state_at(next), state, "state_at agrees at {next}");
        out.push((
            next.format("%Y-%m-%dT%H:%MZ").to_string(),
            next.with_timezone(&tz).format("%a %H:%M %Z").to_string(),
            state,
        ));
        at = next;
    }
    out
}

fn rows(expected: &[(&str, &str, MarketState)]) -> Vec<(String, String, MarketState)> {
    expected
        .iter()
        .map(|(u, l, s)| ((*u).to_string(), (*l).to_string(), *s))
        .collect()
}

/// Chicago's spring change (Sunday 2025-03-09, 02:00 CST -> 03:00 CDT) falls in
/// the weekend: Friday closes at 16:00 CST (22:00Z), Sunday opens at 17:00 CDT
/// (22:00Z), Monday's trade date closes at 16:00 CDT (21:00Z).
#[test]
fn cmes_across_chicago_spring_change() {
    let chicago = chrono_tz::America::Chicago;
    let got = walk(
        cal("CMES"),
        chicago,
        "2025-03-07T12:00:00Z",
        "2025-03-11T23:59:00Z",
    );
    assert_eq!(
        got,
        rows(&[
            ("2025-03-07T22:00Z", "Fri 16:00 CST", Overnight),
            ("2025-03-08T06:00Z", "Sat 00:00 CST", Holiday),
            ("2025-03-09T22:00Z", "Sun 17:00 CDT", Session),
            ("2025-03-10T21:00Z", "Mon 16:00 CDT", Overnight),
            ("2025-03-10T22:00Z", "Mon 17:00 CDT", Session),
            ("2025-03-11T21:00Z", "Tue 16:00 CDT", Overnight),
            ("2025-03-11T22:00Z", "Tue 17:00 CDT", Session),
        ])
    );
    let monday = cal("CMES").session(day(2025, 3, 10)).expect("Monday");
    assert_eq!(monday.open, utc("2025-03-09T22:00:00Z"));
    assert_eq!(monday.close, utc("2025-03-10T21:00:00Z"));
    // Sunday before the open is no trade date; the evening belongs to Monday.
    assert!(!cal("CMES").is_session(day(2025, 3, 9)));
    let hours = MarketHours::new(cal("CMES"));
    assert_eq!(
        hours.trading_date(utc("2025-03-09T21:59:00Z")),
        day(2025, 3, 9)
    );
    assert_eq!(
        hours.trading_date(utc("2025-03-09T22:00:00Z")),
        day(2025, 3, 10)
    );
}

/// Chicago's autumn change (Sunday 2025-11-02, 02:00 CDT -> 01:00 CST).
#[test]
fn cmes_across_chicago_autumn_change() {
    let chicago = chrono_tz::America::Chicago;
    let got = walk(
        cal("CMES"),
        chicago,
        "2025-10-31T12:00:00Z",
        "2025-11-04T00:00:00Z",
    );
    assert_eq!(
        got,
        rows(&[
            ("2025-10-31T21:00Z", "Fri 16:00 CDT", Overnight),
            ("2025-11-01T05:00Z", "Sat 00:00 CDT", Holiday),
            ("2025-11-02T23:00Z", "Sun 17:00 CST", Session),
            ("2025-11-03T22:00Z", "Mon 16:00 CST", Overnight),
            ("2025-11-03T23:00Z", "Mon 17:00 CST", Session),
        ])
    );
}

/// A holiday halt closes the trade date at 12:00 and the next one opens at
/// 17:00 as usual; a closed trade date (Good Friday) is HOLIDAY from midnight
/// until Sunday's open.
#[test]
fn cmes_holiday_halt_and_good_friday() {
    let chicago = chrono_tz::America::Chicago;
    let mlk = walk(
        cal("CMES"),
        chicago,
        "2025-01-20T12:00:00Z",
        "2025-01-21T00:00:00Z",
    );
    assert_eq!(
        mlk,
        rows(&[
            ("2025-01-20T18:00Z", "Mon 12:00 CST", Overnight),
            ("2025-01-20T23:00Z", "Mon 17:00 CST", Session),
        ])
    );
    let (_, early) = cal("CMES").local_hours(day(2025, 1, 20)).expect("session");
    assert!(early);
    let good_friday = walk(
        cal("CMES"),
        chicago,
        "2025-04-17T12:00:00Z",
        "2025-04-21T00:00:00Z",
    );
    assert_eq!(
        good_friday,
        rows(&[
            ("2025-04-17T21:00Z", "Thu 16:00 CDT", Overnight),
            ("2025-04-18T05:00Z", "Fri 00:00 CDT", Holiday),
            ("2025-04-20T22:00Z", "Sun 17:00 CDT", Session),
        ])
    );
}

/// CMES's hours written in New York time (18:00-17:00 ET, holiday halt 13:00
/// ET) give the same instants for every session 2005-2035 and the same states:
/// no session edge falls in the hour between the two zones' DST changes.
#[test]
fn cmes_written_in_new_york_time_is_the_same_market() {
    let text = "calendar CMESNY\nbase CMES\nzone America/New_York\n\
                hours 18:00-17:00 early 13:00\n";
    let ny = parse_calendar_file(text).expect("valid calendar file");
    let chicago = cal("CMES");
    let mut sessions = 0;
    for date in day(2005, 1, 1)
        .iter_days()
        .take_while(|d| *d <= day(2035, 12, 31))
    {
        assert_eq!(ny.session(date), chicago.session(date), "{date}");
        sessions += usize::from(chicago.is_session(date));
    }
    assert_eq!(sessions, 7995);
    let walk_ny = walk(
        &ny,
        chrono_tz::America::New_York,
        "2025-03-07T12:00:00Z",
        "2025-03-11T23:59:00Z",
    );
    let walk_chicago = walk(
        chicago,
        chrono_tz::America::Chicago,
        "2025-03-07T12:00:00Z",
        "2025-03-11T23:59:00Z",
    );
    assert_eq!(
        walk_ny[2],
        ("2025-03-09T22:00Z".into(), "Sun 18:00 EDT".into(), Session)
    );
    // The weekend's HOLIDAY starts at each zone's own midnight, an hour apart;
    // every other change is at the same instant.
    assert_eq!(
        walk_ny[1],
        ("2025-03-08T05:00Z".into(), "Sat 00:00 EST".into(), Holiday)
    );
    assert_eq!(walk_chicago[1].0, "2025-03-08T06:00Z");
    let without_holiday = |w: &[(String, String, MarketState)]| {
        w.iter()
            .filter(|(_, _, s)| *s != Holiday)
            .map(|(u, _, s)| (u.clone(), *s))
            .collect::<Vec<_>>()
    };
    assert_eq!(without_holiday(&walk_ny), without_holiday(&walk_chicago));
}

/// FX's week opens Sunday 17:00 New York time, so its UTC open moves with New
/// York's changes, and runs without a transition until Friday 17:00.
#[test]
fn fx_sunday_open_across_new_york_changes() {
    let ny = chrono_tz::America::New_York;
    let spring = walk(
        cal("FX"),
        ny,
        "2025-03-07T12:00:00Z",
        "2025-03-15T00:00:00Z",
    );
    assert_eq!(
        spring,
        rows(&[
            ("2025-03-07T22:00Z", "Fri 17:00 EST", Overnight),
            ("2025-03-08T05:00Z", "Sat 00:00 EST", Holiday),
            ("2025-03-09T21:00Z", "Sun 17:00 EDT", Session),
            ("2025-03-14T21:00Z", "Fri 17:00 EDT", Overnight),
        ])
    );
    let autumn = walk(
        cal("FX"),
        ny,
        "2025-10-31T12:00:00Z",
        "2025-11-08T00:00:00Z",
    );
    assert_eq!(
        autumn,
        rows(&[
            ("2025-10-31T21:00Z", "Fri 17:00 EDT", Overnight),
            ("2025-11-01T04:00Z", "Sat 00:00 EDT", Holiday),
            ("2025-11-02T22:00Z", "Sun 17:00 EST", Session),
            ("2025-11-07T22:00Z", "Fri 17:00 EST", Overnight),
        ])
    );
    // Each weekday is one 24-hour session, 17:00 to 17:00, back to back.
    let monday = cal("FX").session(day(2025, 3, 10)).expect("Monday");
    let tuesday = cal("FX").session(day(2025, 3, 11)).expect("Tuesday");
    assert_eq!(monday.open, utc("2025-03-09T21:00:00Z"));
    assert_eq!(monday.close, tuesday.open);
}

/// Christmas on a Thursday: the session of December 25 (from Wednesday 17:00)
/// does not trade.
#[test]
fn fx_christmas() {
    let ny = chrono_tz::America::New_York;
    let got = walk(
        cal("FX"),
        ny,
        "2025-12-24T12:00:00Z",
        "2025-12-27T00:00:00Z",
    );
    assert_eq!(
        got,
        rows(&[
            ("2025-12-24T22:00Z", "Wed 17:00 EST", Overnight),
            ("2025-12-25T05:00Z", "Thu 00:00 EST", Holiday),
            ("2025-12-25T22:00Z", "Thu 17:00 EST", Session),
            ("2025-12-26T22:00Z", "Fri 17:00 EST", Overnight),
        ])
    );
    assert_eq!(
        cal("FX").holiday_name(day(2025, 12, 25)),
        Some("Christmas Day")
    );
    // A weekend holiday moves nothing: Christmas 2027 is a Saturday.
    assert!(cal("FX").is_session(day(2027, 12, 24)));
    assert!(cal("FX").is_session(day(2027, 12, 27)));
}

#[test]
fn crypto_is_always_in_session() {
    let c = cal("CRYPTO");
    for instant in [
        "2025-01-01T00:00:00Z",
        "2025-03-09T07:00:00Z",
        "2025-12-25T23:59:59Z",
        "2028-02-29T12:00:00Z",
    ] {
        assert_eq!(c.state_at(utc(instant)), Session, "{instant}");
        assert_eq!(c.next_transition(utc(instant)), None, "{instant}");
    }
    let s = c.session(day(2025, 3, 9)).expect("Sunday trades");
    assert_eq!(
        (s.open, s.close),
        (utc("2025-03-09T00:00:00Z"), utc("2025-03-10T00:00:00Z"))
    );
    assert_eq!(c.holiday_name(day(2025, 12, 25)), None);
}

/// A session crossing midnight on New York's DST nights: 22:00-06:00 lasts 7
/// hours on the spring night and 9 on the autumn night; the trading day starts
/// with the PRE_OPEN window the evening before.
#[test]
fn overnight_file_session_on_dst_nights() {
    let text = "calendar NIGHT\nzone America/New_York\nweekend none\nhours 22:00-06:00\n";
    let c = parse_calendar_file(text).expect("valid calendar file");
    let spring = c.session(day(2025, 3, 9)).expect("session");
    assert_eq!(spring.open, utc("2025-03-09T03:00:00Z")); // Sat 22:00 EST
    assert_eq!(spring.close, utc("2025-03-09T10:00:00Z")); // Sun 06:00 EDT
    let autumn = c.session(day(2025, 11, 2)).expect("session");
    assert_eq!(autumn.open, utc("2025-11-02T02:00:00Z")); // Sat 22:00 EDT
    assert_eq!(autumn.close, utc("2025-11-02T11:00:00Z")); // Sun 06:00 EST
    assert_eq!((spring.close - spring.open).num_hours(), 7);
    assert_eq!((autumn.close - autumn.open).num_hours(), 9);

    let ny = chrono_tz::America::New_York;
    let got = walk(&c, ny, "2025-03-08T12:00:00Z", "2025-03-09T23:59:00Z");
    assert_eq!(
        got,
        rows(&[
            ("2025-03-09T02:00Z", "Sat 21:00 EST", PreOpen),
            ("2025-03-09T03:00Z", "Sat 22:00 EST", Session),
            ("2025-03-09T10:00Z", "Sun 06:00 EDT", PostClose),
            ("2025-03-09T11:00Z", "Sun 07:00 EDT", Overnight),
        ])
    );
    let hours = MarketHours::new(&c);
    assert_eq!(
        hours.trading_day(day(2025, 3, 9)),
        (utc("2025-03-09T02:00:00Z"), utc("2025-03-10T01:00:00Z"))
    );
}

/// Round the clock in a file: `00:00-24:00` with no weekend is SESSION at
/// every instant, also across DST changes, with the file's default windows
/// leaving no gap to fill.
#[test]
fn whole_day_file_sessions_never_change_state() {
    let text = "calendar ALLDAY\nzone America/New_York\nweekend none\nhours 00:00-24:00\n";
    let c = parse_calendar_file(text).expect("valid calendar file");
    let spring = c.session(day(2025, 3, 9)).expect("session");
    assert_eq!((spring.close - spring.open).num_hours(), 23);
    for instant in [
        "2025-03-09T06:59:00Z",
        "2025-03-09T07:00:00Z",
        "2025-11-02T05:30:00Z",
    ] {
        assert_eq!(c.state_at(utc(instant)), Session, "{instant}");
        assert_eq!(c.next_transition(utc(instant)), None, "{instant}");
    }
}
