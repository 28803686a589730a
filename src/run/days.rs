//! `when` day conditions, evaluated on the run's as-of date.

use crate::ir::{CalendarChoice, DayCondition, DayRef, Pipeline, Program};
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Whether the exchange trades on `date`.
///
/// The one place the interpreter asks the calendar. Until the calendar module
/// lands this is Monday to Friday for every calendar; switching it to the real
/// calendar changes `trading_days`, `market_closed`, the first/last trading day
/// sets and the opex dates together.
pub fn is_trading_day(_calendar: Option<&CalendarChoice>, date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `Ok` when every condition holds on `date`, else why the task does not run.
pub fn check_when(
    program: &Program,
    pipeline: &Pipeline,
    when: &[DayCondition],
    date: NaiveDate,
) -> Result<(), String> {
    for condition in when {
        if !holds(program, pipeline, condition, date) {
            return Err(format!(
                "`when {}` does not hold on {} ({})",
                describe(program, condition),
                date,
                date.format("%A")
            ));
        }
    }
    Ok(())
}

pub fn holds(
    program: &Program,
    pipeline: &Pipeline,
    condition: &DayCondition,
    date: NaiveDate,
) -> bool {
    let calendar = pipeline.calendar.as_ref();
    let any = condition
        .any_of
        .iter()
        .any(|day| in_set(program, calendar, day, date));
    any != condition.negated
}

pub fn describe(program: &Program, condition: &DayCondition) -> String {
    let names: Vec<String> = condition
        .any_of
        .iter()
        .map(|day| match day {
            DayRef::Listed(id) => program.day_set(*id).name.clone(),
            other => DayRef::BUILTIN
                .iter()
                .find(|(_, d)| d == other)
                .map_or_else(|| "?".to_string(), |(n, _)| (*n).to_string()),
        })
        .collect();
    format!(
        "{}{}",
        if condition.negated { "not " } else { "" },
        names.join(", ")
    )
}

fn in_set(
    program: &Program,
    calendar: Option<&CalendarChoice>,
    day: &DayRef,
    date: NaiveDate,
) -> bool {
    let trading = |d: NaiveDate| is_trading_day(calendar, d);
    match day {
        DayRef::EveryDay => true,
        DayRef::Weekdays => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        DayRef::TradingDays => trading(date),
        DayRef::MarketClosed => !trading(date),
        DayRef::Weekday(w) => date.weekday() == *w,
        DayRef::FirstTradingDayOfMonth => {
            trading(date)
                && days_between(date.with_day(1).unwrap_or(date), date).all(|d| !trading(d))
        }
        DayRef::LastTradingDayOfMonth => {
            trading(date) && after_in(date, |d| d.month() == date.month()).all(|d| !trading(d))
        }
        DayRef::FirstTradingDayOfWeek => {
            let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
            trading(date) && days_between(monday, date).all(|d| !trading(d))
        }
        DayRef::LastTradingDayOfWeek => {
            let iso = date.iso_week();
            trading(date) && after_in(date, |d| d.iso_week() == iso).all(|d| !trading(d))
        }
        DayRef::MonthlyOpex => monthly_opex(calendar, date.year(), date.month()) == Some(date),
        DayRef::TripleWitching => {
            matches!(date.month(), 3 | 6 | 9 | 12)
                && monthly_opex(calendar, date.year(), date.month()) == Some(date)
        }
        DayRef::Listed(id) => program.day_set(*id).dates.contains(&date),
    }
}

/// The days from `from` up to, not including, `to`.
fn days_between(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d < to)
}

/// The days after `date` while `keep` holds.
fn after_in(date: NaiveDate, keep: impl Fn(NaiveDate) -> bool) -> impl Iterator<Item = NaiveDate> {
    date.iter_days().skip(1).take_while(move |d| keep(*d))
}

/// The third Friday, or the trading day before it when it is a holiday.
fn monthly_opex(calendar: Option<&CalendarChoice>, year: i32, month: u32) -> Option<NaiveDate> {
    let third_friday = NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Fri, 3)?;
    let mut day = third_friday;
    for _ in 0..10 {
        if is_trading_day(calendar, day) {
            return Some(day);
        }
        day = day.pred_opt()?;
    }
    None
}
