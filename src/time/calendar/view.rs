//! One month of a calendar, day by day, for `pipec calendar CODE YYYY-MM`.

use super::model::{Calendar, WEEKEND_NAME};
use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Serialize;
use std::fmt;

/// What kind of day a [`DayView`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Session,
    Holiday,
    Weekend,
}

/// One day of a [`MonthView`]. Times are exchange-local `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayView {
    pub date: NaiveDate,
    /// `Mon` .. `Sun`.
    pub weekday: String,
    pub kind: DayKind,
    pub open: Option<String>,
    pub close: Option<String>,
    /// `HH:MM-HH:MM`.
    pub lunch: Option<String>,
    pub early_close: bool,
    /// The holiday's name, or the name of a special session (e.g. a half day).
    pub note: Option<String>,
}

/// A month of one calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthView {
    pub code: String,
    pub name: String,
    pub tz: String,
    pub year: i32,
    pub month: u32,
    /// Whether `year` is within the calendar's known-good years.
    pub in_valid_years: bool,
    pub days: Vec<DayView>,
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The month `year-month` of `cal`; empty `days` if the month does not exist.
pub fn month_view(cal: &Calendar, year: i32, month: u32) -> MonthView {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let days = first
        .into_iter()
        .flat_map(|f| f.iter_days())
        .take_while(|d| d.month() == month && d.year() == year)
        .map(|date| day_view(cal, date))
        .collect();
    MonthView {
        code: cal.code.clone(),
        name: cal.name.clone(),
        tz: cal.tz.name().to_string(),
        year,
        month,
        in_valid_years: cal.valid_years.contains(&year),
        days,
    }
}

fn day_view(cal: &Calendar, date: NaiveDate) -> DayView {
    let weekday = date.format("%a").to_string();
    match cal.local_hours(date) {
        Some((hours, early_close)) => DayView {
            date,
            weekday,
            kind: DayKind::Session,
            open: Some(hhmm(hours.open)),
            close: Some(hhmm(hours.close)),
            lunch: hours.lunch.map(|(a, b)| format!("{}-{}", hhmm(a), hhmm(b))),
            early_close,
            note: cal.special_session_name(date).map(str::to_string),
        },
        None => {
            let name = cal.holiday_name(date).unwrap_or("closed");
            DayView {
                date,
                weekday,
                kind: if name == WEEKEND_NAME {
                    DayKind::Weekend
                } else {
                    DayKind::Holiday
                },
                open: None,
                close: None,
                lunch: None,
                early_close: false,
                note: (name != WEEKEND_NAME).then(|| name.to_string()),
            }
        }
    }
}

impl fmt::Display for MonthView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} {:04}-{:02} (times in {})",
            self.code, self.name, self.year, self.month, self.tz
        )?;
        if !self.in_valid_years {
            writeln!(
                f,
                "warning: {} is outside the years this calendar is known for",
                self.year
            )?;
        }
        writeln!(
            f,
            "{:<10}  {:<3}  {:<5}  {:<5}  {:<11}  note",
            "date", "day", "open", "close", "lunch"
        )?;
        for d in &self.days {
            let dash = || "-".to_string();
            let note = match (d.kind, &d.note) {
                (DayKind::Weekend, _) => "weekend".to_string(),
                (_, Some(n)) if d.early_close => format!("early close: {n}"),
                (_, None) if d.early_close => "early close".to_string(),
                (_, Some(n)) => n.clone(),
                (_, None) => String::new(),
            };
            let line = format!(
                "{}  {:<3}  {:<5}  {:<5}  {:<11}  {}",
                d.date,
                d.weekday,
                d.open.clone().unwrap_or_else(dash),
                d.close.clone().unwrap_or_else(dash),
                d.lunch.clone().unwrap_or_else(dash),
                note
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}
