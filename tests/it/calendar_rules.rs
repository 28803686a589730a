//! Built-in calendars: registry, names, hours history, named holidays,
//! observance rules, moving feasts and one-off closures.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use pipec::time::calendar::{builtin, easter_sunday, Calendar, BUILTIN_CODES};
use pipec::time::session::SessionCalendar;

fn cal(code: &str) -> &'static Calendar {
    builtin(code).expect("built-in calendar")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

fn name(code: &str, date: NaiveDate) -> Option<&'static str> {
    cal(code).holiday_name(date)
}

#[test]
fn registry() {
    assert_eq!(BUILTIN_CODES.len(), 30);
    for code in BUILTIN_CODES {
        let c = cal(code);
        assert_eq!(c.code(), *code);
        if *code == "CRYPTO" {
            // No holidays to get wrong, in any year.
            assert_eq!(c.valid_years(), 1..=9999);
            continue;
        }
        assert_eq!(*c.valid_years().start(), 2005, "{code}");
        // Calendars whose holidays are announced year by year end with the
        // last year announced; the others are projected to 2035.
        let last = if ["XSHG", "XSES", "XBOM"].contains(code) {
            2026
        } else {
            2035
        };
        assert_eq!(*c.valid_years().end(), last, "{code}");
    }
    assert!(
        std::ptr::eq(cal("XNYS"), cal("xnys")),
        "built once, case-insensitive"
    );
    assert!(builtin("XXXX").is_none());
    assert_eq!(cal("XNYS").name(), "New York Stock Exchange");
    assert_eq!(cal("XTKS").tz(), chrono_tz::Asia::Tokyo);
    assert_eq!(cal("XETR").tz(), chrono_tz::Europe::Berlin);
}

#[test]
fn easter_computus() {
    for (y, m, d) in [
        (2005, 3, 27),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2038, 4, 25),
    ] {
        assert_eq!(easter_sunday(y), Some(day(y, m, d)));
    }
}

#[test]
fn nyse_holidays_and_observance() {
    assert_eq!(name("XNYS", day(2026, 7, 3)), Some("Independence Day")); // Saturday July 4
    assert_eq!(name("XNYS", day(2027, 12, 24)), Some("Christmas Day")); // Saturday Christmas
    assert_eq!(name("XNYS", day(2023, 1, 2)), Some("New Year's Day")); // Sunday New Year
                                                                       // A Saturday New Year's Day is not moved to Friday.
    assert!(cal("XNYS").is_session(day(2021, 12, 31)));
    assert_eq!(name("XNYS", day(2026, 4, 3)), Some("Good Friday"));
    assert_eq!(
        name("XNYS", day(2022, 6, 20)),
        Some("Juneteenth National Independence Day")
    );
    assert!(
        cal("XNYS").is_session(day(2021, 6, 18)),
        "no Juneteenth before 2022"
    );
    assert_eq!(name("XNYS", day(2026, 11, 28)), Some("weekend"));
    assert_eq!(name("XNYS", day(2026, 11, 24)), None);
}

#[test]
fn nyse_one_off_closures() {
    for (d, n) in [
        (day(2007, 1, 2), "National Day of Mourning for Gerald Ford"),
        (day(2012, 10, 29), "Hurricane Sandy"),
        (day(2012, 10, 30), "Hurricane Sandy"),
        (
            day(2018, 12, 5),
            "National Day of Mourning for George H. W. Bush",
        ),
        (day(2025, 1, 9), "National Day of Mourning for Jimmy Carter"),
    ] {
        assert_eq!(name("XNYS", d), Some(n));
        assert_eq!(name("XNAS", d), Some(n));
    }
}

#[test]
fn nyse_half_days() {
    let c = cal("XNYS");
    for d in [
        day(2026, 11, 27),
        day(2026, 12, 24),
        day(2025, 7, 3),
        day(2019, 7, 3),
    ] {
        let s = c.session(d).expect("session");
        assert!(s.early_close, "{d}");
        let ny = chrono_tz::America::New_York;
        assert_eq!(
            s.close,
            ny.from_local_datetime(&d.and_time(hm(13, 0))).unwrap()
        );
    }
    // July 3 2026 is the observed holiday itself; July 2 is a full day.
    assert!(!c.session(day(2026, 7, 2)).expect("session").early_close);
    assert_eq!(
        c.special_session_name(day(2026, 12, 24)),
        Some("Christmas Eve")
    );
}

#[test]
fn london_bank_holidays_and_half_days() {
    assert_eq!(name("XLON", day(2026, 4, 6)), Some("Easter Monday"));
    assert_eq!(
        name("XLON", day(2026, 5, 4)),
        Some("Early May Bank Holiday")
    );
    assert_eq!(name("XLON", day(2026, 5, 25)), Some("Spring Bank Holiday"));
    assert_eq!(name("XLON", day(2026, 8, 31)), Some("Summer Bank Holiday"));
    assert_eq!(
        name("XLON", day(2022, 9, 19)),
        Some("State Funeral of Queen Elizabeth II")
    );
    // Christmas on Saturday 2027: Monday 27th and Tuesday 28th are substitutes.
    assert!(name("XLON", day(2027, 12, 27)).is_some());
    assert!(name("XLON", day(2027, 12, 28)).is_some());
    assert!(cal("XLON").is_session(day(2027, 12, 29)));
    // Christmas Eve 2022 was a Saturday: Friday 23rd was the half day, at 12:30.
    let s = cal("XLON").session(day(2022, 12, 23)).expect("session");
    assert!(s.early_close);
    assert_eq!(
        s.close,
        Utc.with_ymd_and_hms(2022, 12, 23, 12, 30, 0).unwrap()
    );
}

#[test]
fn xetra_holidays() {
    assert_eq!(name("XETR", day(2026, 12, 24)), Some("Christmas Eve"));
    assert_eq!(name("XETR", day(2026, 12, 31)), Some("New Year's Eve"));
    assert_eq!(
        name("XETR", day(2017, 10, 31)),
        Some("Reformation Day (500th anniversary)")
    );
    assert!(
        cal("XETR").is_session(day(2026, 5, 25)),
        "open on Whit Monday since 2022"
    );
    assert_eq!(name("XETR", day(2019, 6, 10)), Some("Whit Monday"));
    let s = cal("XETR").session(day(2026, 12, 30)).expect("session");
    assert!(s.early_close);
}

#[test]
fn tokyo_hours_history() {
    let c = cal("XTKS");
    assert_eq!(
        c.local_hours(day(2011, 11, 18)).expect("s").0.lunch,
        Some((hm(11, 0), hm(12, 30)))
    );
    assert_eq!(
        c.local_hours(day(2011, 11, 21)).expect("s").0.lunch,
        Some((hm(11, 30), hm(12, 30)))
    );
    assert_eq!(
        c.local_hours(day(2024, 11, 1)).expect("s").0.close,
        hm(15, 0)
    );
    assert_eq!(
        c.local_hours(day(2024, 11, 5)).expect("s").0.close,
        hm(15, 30)
    );
}

#[test]
fn tokyo_holiday_rules() {
    // Equinoxes, Golden Week, Silver Week (citizens' holiday), substitutes.
    assert_eq!(name("XTKS", day(2026, 3, 20)), Some("Vernal Equinox Day"));
    assert_eq!(name("XTKS", day(2026, 9, 23)), Some("Autumnal Equinox Day"));
    assert_eq!(name("XTKS", day(2026, 9, 22)), Some("Citizens' Holiday"));
    assert_eq!(name("XTKS", day(2026, 5, 6)), Some("Substitute Holiday")); // May 3 Sunday
    assert_eq!(name("XTKS", day(2026, 5, 4)), Some("Greenery Day"));
    assert_eq!(name("XTKS", day(2019, 5, 2)), Some("Citizens' Holiday"));
    assert_eq!(
        name("XTKS", day(2019, 10, 22)),
        Some("Enthronement Ceremony Day")
    );
    assert_eq!(name("XTKS", day(2021, 7, 23)), Some("Sports Day"));
    assert_eq!(name("XTKS", day(2027, 1, 4)), None);
    assert_eq!(name("XTKS", day(2027, 1, 1)), Some("New Year's Day"));
    assert_eq!(name("XTKS", day(2026, 12, 31)), Some("New Year Holiday"));
    assert_eq!(
        name("XTKS", day(2020, 10, 1)),
        Some("Trading system failure")
    );
}

#[test]
fn hong_kong_hours_history() {
    let c = cal("XHKG");
    let h = c.local_hours(day(2011, 3, 4)).expect("s").0;
    assert_eq!(
        (h.open, h.lunch),
        (hm(10, 0), Some((hm(12, 30), hm(14, 30))))
    );
    let h = c.local_hours(day(2011, 3, 7)).expect("s").0;
    assert_eq!(
        (h.open, h.lunch),
        (hm(9, 30), Some((hm(12, 0), hm(13, 30))))
    );
    let h = c.local_hours(day(2012, 3, 5)).expect("s").0;
    assert_eq!((h.open, h.lunch), (hm(9, 30), Some((hm(12, 0), hm(13, 0)))));
    // Half days: 12:30 before the reform, 12:00 after; no lunch.
    let (h, early) = c.local_hours(day(2010, 12, 24)).expect("s");
    assert!(early && h.lunch.is_none());
    assert_eq!(h.close, hm(12, 30));
    let (h, early) = c.local_hours(day(2027, 2, 5)).expect("s"); // Lunar New Year's Eve
    assert!(early);
    assert_eq!(h.close, hm(12, 0));
}

#[test]
fn hong_kong_moving_feasts_and_closures() {
    assert_eq!(name("XHKG", day(2026, 2, 17)), Some("Lunar New Year's Day"));
    assert_eq!(
        name("XHKG", day(2026, 2, 19)),
        Some("Third day of Lunar New Year")
    );
    // 2023: New Year on Sunday 22 Jan; the fourth day replaces it.
    assert_eq!(
        name("XHKG", day(2023, 1, 25)),
        Some("Fourth day of Lunar New Year")
    );
    assert_eq!(name("XHKG", day(2026, 5, 25)), Some("Buddha's Birthday"));
    assert_eq!(name("XHKG", day(2026, 6, 19)), Some("Tuen Ng Festival"));
    assert_eq!(
        name("XHKG", day(2026, 9, 26)),
        Some("Day following Mid-Autumn Festival")
    );
    assert_eq!(
        name("XHKG", day(2026, 10, 19)),
        Some("Chung Yeung Festival")
    );
    // Ching Ming on Easter Sunday 2026: Easter Monday and the day after.
    assert!(name("XHKG", day(2026, 4, 6)).is_some());
    assert!(name("XHKG", day(2026, 4, 7)).is_some());
    assert!(cal("XHKG").is_session(day(2026, 4, 8)));
    assert_eq!(name("XHKG", day(2023, 9, 1)), Some("Typhoon Saola"));
    assert_eq!(name("XHKG", day(2023, 9, 8)), Some("Black rainstorm"));
}

#[test]
fn hong_kong_sessions_in_utc() {
    let s = cal("XHKG").session(day(2026, 11, 24)).expect("session");
    assert_eq!(
        s.open,
        Utc.with_ymd_and_hms(2026, 11, 24, 1, 30, 0).unwrap()
    );
    assert_eq!(
        s.close,
        Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap()
    );
    let lunch = s.lunch.expect("lunch");
    assert_eq!(
        lunch.start,
        Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap()
    );
    assert!(!s.early_close);
}

#[test]
fn session_search_helpers() {
    let c = cal("XNYS");
    // Christmas 2026 is a Friday: the next session is Monday 28th.
    assert_eq!(
        c.session_on_or_after(day(2026, 12, 25), 10).map(|s| s.date),
        Some(day(2026, 12, 28))
    );
    assert_eq!(
        c.session_on_or_before(day(2026, 12, 27), 10)
            .map(|s| s.date),
        Some(day(2026, 12, 24))
    );
}

#[test]
fn london_substitute_names() {
    // 2021: Christmas Saturday, Boxing Day Sunday.
    assert_eq!(
        name("XLON", day(2021, 12, 27)),
        Some("Christmas Day (substitute)")
    );
    assert_eq!(
        name("XLON", day(2021, 12, 28)),
        Some("Boxing Day (substitute)")
    );
    // 2020: Boxing Day Saturday only.
    assert_eq!(
        name("XLON", day(2020, 12, 28)),
        Some("Boxing Day (substitute)")
    );
    assert!(cal("XLON").is_session(day(2020, 12, 29)));
}
