//! Standard five-field cron expressions: parsing and matching wall-clock times.
//!
//! Supported: `*`, numbers, names (`JAN`-`DEC`, `SUN`-`SAT`, any case), ranges
//! `a-b`, steps `*/n`, `a-b/n` and `a/n` (= `a-max/n`), comma lists, day-of-week 7
//! as Sunday, and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`,
//! `@daily`, `@midnight`, `@hourly`. When both day fields are restricted (neither
//! starts with `*`) a date matches if either matches — the Vixie cron rule.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A field of a cron expression, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CronField {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

impl CronField {
    const ALL: [CronField; 5] = [
        CronField::Minute,
        CronField::Hour,
        CronField::DayOfMonth,
        CronField::Month,
        CronField::DayOfWeek,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            CronField::Minute => "minute",
            CronField::Hour => "hour",
            CronField::DayOfMonth => "day-of-month",
            CronField::Month => "month",
            CronField::DayOfWeek => "day-of-week",
        }
    }

    /// Inclusive bounds of the values written in the field.
    fn bounds(self) -> (u32, u32) {
        match self {
            CronField::Minute => (0, 59),
            CronField::Hour => (0, 23),
            CronField::DayOfMonth => (1, 31),
            CronField::Month => (1, 12),
            CronField::DayOfWeek => (0, 7),
        }
    }

    fn names(self) -> &'static [&'static str] {
        const MONTHS: [&str; 12] = [
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        match self {
            CronField::Month => &MONTHS,
            CronField::DayOfWeek => &DAYS,
            _ => &[],
        }
    }

    /// The value of the first name, e.g. JAN = 1, SUN = 0.
    fn first_name_value(self) -> u32 {
        match self {
            CronField::Month => 1,
            _ => 0,
        }
    }
}

/// Why a cron expression was rejected; `field` is `None` for whole-expression problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CronError {
    pub field: Option<CronField>,
    pub message: String,
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "{} field: {}", field.name(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CronError {}

/// A parsed cron expression. Serialized as its source text, so the IR stays readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CronExpr {
    source: String,
    minutes: u64,
    hours: u32,
    days_of_month: u32,
    months: u16,
    /// Bit 0 = Sunday ... bit 6 = Saturday (7 is folded onto 0).
    days_of_week: u8,
    dom_restricted: bool,
    dow_restricted: bool,
    /// The hour field is `*` or a step of it (`*/2`): the expression repeats
    /// through the day, so a slot a DST gap skips is not made up (see
    /// `skips_gaps`).
    every_hour: bool,
}

impl TryFrom<String> for CronExpr {
    type Error = CronError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CronExpr::parse(&text)
    }
}

impl From<CronExpr> for String {
    fn from(expr: CronExpr) -> String {
        expr.source
    }
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn macro_expansion(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => Some("0 0 1 1 *"),
        "@monthly" => Some("0 0 1 * *"),
        "@weekly" => Some("0 0 * * 0"),
        "@daily" | "@midnight" => Some("0 0 * * *"),
        "@hourly" => Some("0 * * * *"),
        _ => None,
    }
}

impl CronExpr {
    pub fn parse(text: &str) -> Result<CronExpr, CronError> {
        let trimmed = text.trim();
        let expanded = if trimmed.starts_with('@') {
            macro_expansion(trimmed).ok_or_else(|| CronError {
                field: None,
                message: format!(
                    "unknown macro `{trimmed}` (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"
                ),
            })?
        } else {
            trimmed
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(CronError {
                field: None,
                message: format!(
                    "expected 5 fields (minute hour day-of-month month day-of-week), found {} in `{trimmed}`",
                    parts.len()
                ),
            });
        }
        let mut bits = [0u64; 5];
        for ((field, part), slot) in CronField::ALL.iter().zip(&parts).zip(bits.iter_mut()) {
            *slot = parse_field(*field, part).map_err(|message| CronError {
                field: Some(*field),
                message: format!("`{part}`: {message}"),
            })?;
        }
        let dow = bits[4];
        // Day-of-week 7 is another spelling of Sunday.
        let dow = (dow | (dow >> 7)) & 0x7f;
        Ok(CronExpr {
            source: trimmed.to_string(),
            minutes: bits[0],
            hours: bits[1] as u32,
            days_of_month: bits[2] as u32,
            months: bits[3] as u16,
            days_of_week: dow as u8,
            dom_restricted: !parts[2].starts_with('*'),
            dow_restricted: !parts[4].starts_with('*'),
            every_hour: parts[1].starts_with('*'),
        })
    }

    /// Whether a matching wall time inside a spring-forward gap is skipped
    /// rather than fired at the end of the gap. An expression whose hour field
    /// is `*` (or `*/N`) repeats through the day: its next slot after the gap
    /// fires on time, and making up the skipped one would fire twice within
    /// one interval (`30 * * * *` at 03:00 and 03:30). One with named hours
    /// (`30 2 * * *`) is a job for that hour, which must not be lost: it fires
    /// once, at the end of the gap. This is Vixie cron's and croniter's rule.
    pub fn skips_gaps(&self) -> bool {
        self.every_hour
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the date passes the month and day fields (with the Vixie either-day rule).
    pub(crate) fn matches_date(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.days_of_month & (1 << date.day()) != 0;
        let dow = self.days_of_week & (1 << date.weekday().num_days_from_sunday()) != 0;
        if self.dom_restricted && self.dow_restricted {
            dom || dow
        } else {
            dom && dow
        }
    }

    /// Whether the wall-clock time (to the minute) matches every field.
    pub fn matches(&self, local: NaiveDateTime) -> bool {
        self.matches_date(local.date())
            && self.hours & (1 << local.hour()) != 0
            && self.minutes & (1 << local.minute()) != 0
    }

    /// The first matching wall-clock minute at or after `from` (rounded up to a whole
    /// minute), on a date no later than `last_date`.
    pub fn next_local_on_or_after(
        &self,
        from: NaiveDateTime,
        last_date: NaiveDate,
    ) -> Option<NaiveDateTime> {
        let mut date = from.date();
        let mut start_minute = from.hour() * 60 + from.minute();
        if from.second() != 0 || from.nanosecond() != 0 {
            start_minute += 1;
        }
        while date <= last_date {
            if self.months & (1 << date.month()) == 0 {
                // Skip the whole month: `0 0 29 2 *` must not walk every day of 8 years.
                date = first_of_next_month(date)?;
                start_minute = 0;
                continue;
            }
            if self.matches_date(date) {
                if let Some(time) = self.first_time_from(start_minute) {
                    return Some(date.and_time(time));
                }
            }
            date = date.checked_add_days(Days::new(1))?;
            start_minute = 0;
        }
        None
    }

    /// The first matching time of day at or after minute-of-day `from`.
    fn first_time_from(&self, from: u32) -> Option<NaiveTime> {
        let (mut hour, mut minute) = (from / 60, from % 60);
        while hour < 24 {
            let h = next_bit(u64::from(self.hours), hour)?;
            if h != hour {
                minute = 0;
            }
            if let Some(m) = next_bit(self.minutes, minute) {
                return NaiveTime::from_hms_opt(h, m, 0);
            }
            hour = h + 1;
            minute = 0;
        }
        None
    }
}

fn first_of_next_month(date: NaiveDate) -> Option<NaiveDate> {
    if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    }
}

/// The lowest set bit at position >= `from`.
fn next_bit(bits: u64, from: u32) -> Option<u32> {
    if from >= 64 {
        return None;
    }
    let masked = bits & (u64::MAX << from);
    (masked != 0).then(|| masked.trailing_zeros())
}

fn parse_field(field: CronField, text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("empty field".to_string());
    }
    let mut bits = 0u64;
    for item in text.split(',') {
        bits |= parse_item(field, item)?;
    }
    Ok(bits)
}

fn parse_item(field: CronField, item: &str) -> Result<u64, String> {
    let (min, max) = field.bounds();
    if item.is_empty() {
        return Err("empty list item (stray comma?)".to_string());
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => {
            let step: u32 = step
                .parse()
                .map_err(|_| format!("step `{step}` is not a positive number"))?;
            if step == 0 {
                return Err("step must be at least 1".to_string());
            }
            (range, Some(step))
        }
        None => (item, None),
    };
    let (lo, hi) = if range == "*" {
        (min, max)
    } else if let Some((a, b)) = range.split_once('-') {
        let (a, b) = (parse_value(field, a)?, parse_value(field, b)?);
        if a > b {
            return Err(format!(
                "range {a}-{b} is backwards (start must not exceed end)"
            ));
        }
        (a, b)
    } else {
        let a = parse_value(field, range)?;
        // `a/n` means from a to the end of the field, as in most crons.
        (a, if step.is_some() { max } else { a })
    };
    let step = step.unwrap_or(1);
    let mut bits = 0u64;
    let mut v = lo;
    while v <= hi {
        bits |= 1 << v;
        match v.checked_add(step) {
            Some(next) => v = next,
            None => break,
        }
    }
    Ok(bits)
}

/// Quartz's extensions: `L` (last), `W` (nearest weekday), `LW`, `?`, and
/// their forms with a number (`L5`, `L-3`, `15W`, `5L`, `6#3`).
fn quartz(upper: &str) -> bool {
    let letters = upper.trim_matches(|c: char| c.is_ascii_digit() || c == '-');
    matches!(upper, "?") || upper.contains('#') || matches!(letters, "L" | "W" | "LW")
}

fn parse_value(field: CronField, text: &str) -> Result<u32, String> {
    let (min, max) = field.bounds();
    if let Ok(v) = text.parse::<u32>() {
        if v < min || v > max {
            return Err(format!("value {v} is out of range {min}-{max}"));
        }
        return Ok(v);
    }
    let upper = text.to_ascii_uppercase();
    if let Some(index) = field.names().iter().position(|n| *n == upper) {
        return Ok(index as u32 + field.first_name_value());
    }
    if quartz(&upper) {
        return Err(format!(
            "`{text}` (a Quartz extension) is not supported in standard cron"
        ));
    }
    let hint = match field {
        CronField::Month => " or a name JAN-DEC",
        CronField::DayOfWeek => " or a name SUN-SAT",
        _ => "",
    };
    Err(format!("`{text}` is not a number {min}-{max}{hint}"))
}
