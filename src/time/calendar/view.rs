//! A calendar day by day: one month for `pipec calendar CODE YYYY-MM`, or any
//! range of dates for `pipec calendar CODE --from DATE --to DATE`.

use super::model::{Calendar, DayHours, WEEKEND_NAME};
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
    /// The local date of the open, when the session opens on an earlier date
    /// than its own (the evening before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_date: Option<NaiveDate>,
    /// `HH:MM`; `24:00` for the midnight ending the day.
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
    /// Set when `year` is outside the calendar's valid years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    pub days: Vec<DayView>,
}

/// The days `from..=to` of one calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeView {
    pub code: String,
    pub name: String,
    pub tz: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether every day shown is within the calendar's known-good years.
    pub in_valid_years: bool,
    /// Set when any day shown is outside the calendar's valid years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    pub days: Vec<DayView>,
}

/// The warning for dates from year `first` to year `last` (inclusive), when
/// any of them is outside `cal`'s valid years; it names the years outside.
pub fn valid_years_warning(cal: &Calendar, first: i32, last: i32) -> Option<String> {
    let (start, end) = (*cal.valid_years.start(), *cal.valid_years.end());
    let span = |a: i32, b: i32| {
        (a <= b).then(|| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
    };
    let outside: Vec<String> = [
        span(first, last.min(start - 1)),
        span(first.max(end + 1), last),
    ]
    .into_iter()
    .flatten()
    .collect();
    if outside.is_empty() {
        return None;
    }
    let many = outside.len() > 1 || outside[0].contains('-');
    Some(format!(
        "{} {} outside the years {} is known for ({start}-{end})",
        outside.join(" and "),
        if many { "are" } else { "is" },
        cal.code,
    ))
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
        warning: valid_years_warning(cal, year, year),
        days,
    }
}

/// The days `from..=to` of `cal` (empty when `from > to`).
pub fn range_view(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> RangeView {
    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| day_view(cal, date))
        .collect();
    let warning = valid_years_warning(cal, from.year(), to.year());
    RangeView {
        code: cal.code.clone(),
        name: cal.name.clone(),
        tz: cal.tz.name().to_string(),
        from,
        to,
        in_valid_years: warning.is_none(),
        warning,
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
            open_date: hours.opens_day_before().then(|| date.pred_opt()).flatten(),
            close: Some(DayHours::close_text(hours.close)),
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
                open_date: None,
                close: None,
                lunch: None,
                early_close: false,
                note: (name != WEEKEND_NAME).then(|| name.to_string()),
            }
        }
    }
}

fn write_days(f: &mut fmt::Formatter<'_>, warning: Option<&str>, days: &[DayView]) -> fmt::Result {
    if let Some(warning) = warning {
        writeln!(f, "warning: {warning}")?;
    }
    // A session opening the evening before shows that evening's weekday, so
    // the open column widens only when a day shown does so.
    let open_width = if days.iter().any(|d| d.open_date.is_some()) {
        9
    } else {
        5
    };
    writeln!(
        f,
        "{:<10}  {:<3}  {:<open_width$}  {:<5}  {:<11}  note",
        "date", "day", "open", "close", "lunch"
    )?;
    for d in days {
        let dash = || "-".to_string();
        let note = match (d.kind, &d.note) {
            (DayKind::Weekend, _) => "weekend".to_string(),
            (_, Some(n)) if d.early_close => format!("early close: {n}"),
            (_, None) if d.early_close => "early close".to_string(),
            (_, Some(n)) => n.clone(),
            (_, None) => String::new(),
        };
        let open = match (&d.open, d.open_date) {
            (Some(open), Some(day)) => format!("{} {open}", day.format("%a")),
            (Some(open), None) => open.clone(),
            (None, _) => dash(),
        };
        let line = format!(
            "{}  {:<3}  {:<open_width$}  {:<5}  {:<11}  {}",
            d.date,
            d.weekday,
            open,
            d.close.clone().unwrap_or_else(dash),
            d.lunch.clone().unwrap_or_else(dash),
            note
        );
        writeln!(f, "{}", line.trim_end())?;
    }
    Ok(())
}

impl fmt::Display for MonthView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} {:04}-{:02} (times in {})",
            self.code, self.name, self.year, self.month, self.tz
        )?;
        write_days(f, self.warning.as_deref(), &self.days)
    }
}

impl fmt::Display for RangeView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} {}..{} (times in {})",
            self.code, self.name, self.from, self.to, self.tz
        )?;
        write_days(f, self.warning.as_deref(), &self.days)
    }
}
