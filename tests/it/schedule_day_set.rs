//! Day sets against the fake New York calendar, and the date-list file format.

use crate::schedule_fake_market as fake_market;

use chrono::{NaiveDate, Weekday};
use fake_market::{d, FakeMarket};
use pipec::time::schedule::{monthly_expiration, parse_date_list, DateListError, DaySet};

/// The dates of 2026 in `set`.
fn dates_2026(set: &DaySet, market: &FakeMarket) -> Vec<NaiveDate> {
    d(2026, 1, 1)
        .iter_days()
        .take_while(|x| *x <= d(2026, 12, 31))
        .filter(|x| set.contains(*x, market))
        .collect()
}

#[test]
fn every_weekdays_and_trading_days() {
    let m = FakeMarket::new_york();
    assert_eq!(dates_2026(&DaySet::Every, &m).len(), 365);
    assert_eq!(dates_2026(&DaySet::Weekdays, &m).len(), 261);
    // 261 weekdays minus the 10 listed holidays.
    assert_eq!(dates_2026(&DaySet::TradingDays, &m).len(), 251);
    assert!(
        DaySet::Weekdays.contains(d(2026, 4, 3), &m),
        "holiday is still a weekday"
    );
    assert!(!DaySet::TradingDays.contains(d(2026, 4, 3), &m));
}

#[test]
fn named_weekdays() {
    let m = FakeMarket::new_york();
    let weekend = DaySet::Named(vec![Weekday::Sat, Weekday::Sun]);
    assert_eq!(dates_2026(&weekend, &m).len(), 104);
    assert!(weekend.contains(d(2026, 3, 7), &m));
    assert!(!weekend.contains(d(2026, 3, 6), &m));
}

#[test]
fn first_and_last_trading_day_of_month() {
    let m = FakeMarket::new_york();
    let firsts = dates_2026(&DaySet::FirstTradingDayOfMonth, &m);
    assert_eq!(firsts.len(), 12);
    // Jan 1 is a holiday: Jan 2 (Friday). Feb 1 is a Sunday: Feb 2.
    assert_eq!(&firsts[..3], &[d(2026, 1, 2), d(2026, 2, 2), d(2026, 3, 2)]);
    let lasts = dates_2026(&DaySet::LastTradingDayOfMonth, &m);
    assert_eq!(lasts.len(), 12);
    // Jan 31 is a Saturday; May 31 a Sunday; Dec 31 a Thursday.
    assert_eq!(lasts[0], d(2026, 1, 30));
    assert_eq!(lasts[4], d(2026, 5, 29));
    assert_eq!(lasts[11], d(2026, 12, 31));
}

#[test]
fn first_and_last_trading_day_of_week() {
    let m = FakeMarket::new_york();
    let firsts = dates_2026(&DaySet::FirstTradingDayOfWeek, &m);
    let lasts = dates_2026(&DaySet::LastTradingDayOfWeek, &m);
    // Martin Luther King day, Monday Jan 19: the week starts on Tuesday.
    assert!(firsts.contains(&d(2026, 1, 20)));
    assert!(!firsts.contains(&d(2026, 1, 19)));
    // Good Friday Apr 3: the week ends on Thursday.
    assert!(lasts.contains(&d(2026, 4, 2)));
    // Thanksgiving week ends on the early-close Friday.
    assert!(lasts.contains(&d(2026, 11, 27)));
    // The week of Mon Dec 29 2025 starts in 2025 but ends on Fri Jan 2 2026; the week
    // of Mon Dec 28 2026 ends on Fri Jan 1 2027 (a session in the fake calendar).
    assert_eq!(firsts.len(), 52);
    assert_eq!(lasts.len(), 52);
    assert_eq!((firsts[0], lasts[0]), (d(2026, 1, 5), d(2026, 1, 2)));
    assert_eq!(firsts[51], d(2026, 12, 28));
}

#[test]
fn monthly_and_quarterly_expiration() {
    let m = FakeMarket::new_york();
    let monthly = dates_2026(&DaySet::MonthlyExpiration, &m);
    assert_eq!(monthly.len(), 12);
    assert_eq!(monthly[0], d(2026, 1, 16));
    assert!(monthly
        .iter()
        .all(|x| (15..=21).contains(&chrono::Datelike::day(x))));
    let quarterly = dates_2026(&DaySet::QuarterlyExpiration, &m);
    assert_eq!(
        quarterly,
        vec![
            d(2026, 3, 20),
            d(2026, 6, 19 - 1),
            d(2026, 9, 18),
            d(2026, 12, 18)
        ],
        "June 19 (Juneteenth) is a holiday, so June expires on Thursday the 18th"
    );
}

#[test]
fn expiration_moves_before_a_holiday_friday() {
    let mut m = FakeMarket::new_york();
    m.holidays.insert(d(2026, 5, 15));
    assert_eq!(monthly_expiration(2026, 5, &m), Some(d(2026, 5, 14)));
    assert!(DaySet::MonthlyExpiration.contains(d(2026, 5, 14), &m));
    assert!(!DaySet::MonthlyExpiration.contains(d(2026, 5, 15), &m));
    assert_eq!(monthly_expiration(2026, 5, &FakeMarket::never_open()), None);
}

#[test]
fn listed_dates_and_combinators() {
    let m = FakeMarket::new_york();
    let fomc = DaySet::Dates([d(2026, 1, 28), d(2026, 3, 18)].into_iter().collect());
    assert_eq!(dates_2026(&fomc, &m), vec![d(2026, 1, 28), d(2026, 3, 18)]);
    let closed = DaySet::Not(Box::new(DaySet::TradingDays));
    assert_eq!(dates_2026(&closed, &m).len(), 365 - 251);
    let both = DaySet::AllOf(vec![DaySet::TradingDays, DaySet::Named(vec![Weekday::Fri])]);
    assert!(!both.contains(d(2026, 4, 3), &m));
    assert!(both.contains(d(2026, 4, 10), &m));
    let either = DaySet::AnyOf(vec![fomc, DaySet::Named(vec![Weekday::Sun])]);
    assert!(either.contains(d(2026, 1, 28), &m) && either.contains(d(2026, 3, 1), &m));
    assert!(!DaySet::AnyOf(vec![]).contains(d(2026, 3, 1), &m));
    assert!(DaySet::AllOf(vec![]).contains(d(2026, 3, 1), &m));
}

#[test]
fn trading_day_sets_are_empty_on_a_calendar_that_never_opens() {
    let m = FakeMarket::never_open();
    for set in [
        DaySet::TradingDays,
        DaySet::FirstTradingDayOfMonth,
        DaySet::LastTradingDayOfMonth,
        DaySet::FirstTradingDayOfWeek,
        DaySet::LastTradingDayOfWeek,
        DaySet::MonthlyExpiration,
        DaySet::QuarterlyExpiration,
    ] {
        assert!(dates_2026(&set, &m).is_empty(), "{set:?}");
    }
}

#[test]
fn date_list_parses_dates_comments_and_blank_lines() {
    let text = "# FOMC 2026\n2026-01-28\n\n2026-03-18   # March meeting\n  2026-04-29\n";
    let dates = parse_date_list(text).expect("valid list");
    assert_eq!(
        dates.into_iter().collect::<Vec<_>>(),
        vec![d(2026, 1, 28), d(2026, 3, 18), d(2026, 4, 29)]
    );
    assert_eq!(parse_date_list("").map(|s| s.len()), Ok(0));
}

#[test]
fn date_list_collects_every_error_with_its_line() {
    let text = "2026-01-28\n2026-02-30\nnext tuesday\n2026-1-5\n2026-01-28\n# fine\n20260301\n";
    let errors = parse_date_list(text).expect_err("bad lines");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 7]);
    assert!(
        errors[0].message.contains("2026-02-30"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[1].message.contains("one date per line"),
        "{}",
        errors[1].message
    );
    assert!(
        errors[3].message.contains("more than once"),
        "{}",
        errors[3].message
    );
    let shown = DateListError {
        line: 2,
        message: "x".into(),
    }
    .to_string();
    assert_eq!(shown, "line 2: x");
}

#[test]
fn calendar_free_sets_are_recognised() {
    assert!(DaySet::Named(vec![Weekday::Sat]).is_calendar_free());
    assert!(DaySet::Not(Box::new(DaySet::Weekdays)).is_calendar_free());
    assert!(!DaySet::AnyOf(vec![DaySet::Every, DaySet::TradingDays]).is_calendar_free());
    assert!(!DaySet::MonthlyExpiration.is_calendar_free());
    // A calendar-free set gives the same answer on any calendar.
    let set = DaySet::AllOf(vec![
        DaySet::Weekdays,
        DaySet::Not(Box::new(DaySet::Named(vec![Weekday::Mon]))),
    ]);
    let (open, closed) = (FakeMarket::new_york(), FakeMarket::never_open());
    for date in d(2026, 1, 1).iter_days().take(60) {
        assert_eq!(set.contains(date, &open), set.contains(date, &closed));
    }
}
