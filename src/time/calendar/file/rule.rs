//! Date rules in calendar files: a holiday or half day written once for
//! every year (`third monday of january`, `07-04 nearest-weekday`,
//! `easter - 2`) instead of date by date.

use super::lex::{self, Token};
use crate::time::calendar::easter::easter_sunday;
use crate::time::calendar::rules::{
    add_days, last_weekday, nearest_weekday, nth_weekday, sunday_to_monday, weekend_to_monday,
};
use chrono::{NaiveDate, Weekday};
use std::ops::Range;

/// The years a rule is expanded for when it names no `from` / `until`.
pub(super) const RULE_YEARS: (i32, i32) = (1970, 2099);

/// What a rule's date is counted from, in each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    /// `MM-DD`.
    Fixed { month: u32, day: u32 },
    /// `first monday of january` .. `fifth ...`.
    Nth {
        n: u32,
        weekday: Weekday,
        month: u32,
    },
    /// `last monday of may`.
    Last { weekday: Weekday, month: u32 },
    /// `easter` (Western Easter Sunday).
    Easter,
}

/// How a date falling on a weekend moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Observance {
    /// Saturday to Friday, Sunday to Monday.
    NearestWeekday,
    /// Saturday or Sunday to the Monday after.
    NextMonday,
    /// Sunday to Monday; a Saturday stays (the weekend covers it).
    SundayToMonday,
}

/// A date in every year from `from` to `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DateRule {
    pub base: Base,
    pub offset_days: i64,
    pub observance: Option<Observance>,
    pub from: Option<i32>,
    pub until: Option<i32>,
}

impl DateRule {
    /// The rule's date in `year`, if it has one (no February 29 in 2026).
    pub(super) fn date_in(&self, year: i32) -> Option<NaiveDate> {
        let base = match self.base {
            Base::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            Base::Nth { n, weekday, month } => nth_weekday(year, month, weekday, n),
            Base::Last { weekday, month } => last_weekday(year, month, weekday),
            Base::Easter => easter_sunday(year),
        }?;
        let date = add_days(base, self.offset_days)?;
        match self.observance {
            None => Some(date),
            Some(Observance::NearestWeekday) => nearest_weekday(date),
            Some(Observance::NextMonday) => weekend_to_monday(date),
            Some(Observance::SundayToMonday) => sunday_to_monday(date),
        }
    }

    /// Every date of the rule, oldest first.
    pub(super) fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self.from.unwrap_or(RULE_YEARS.0);
        let last = self.until.unwrap_or(RULE_YEARS.1);
        (first..=last).filter_map(|year| self.date_in(year))
    }
}

/// A rule that could not be read: where, what was found, what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RuleError {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

pub(super) const RULE_FORMS: &str = "a rule: `MM-DD [nearest-weekday | next-monday | \
     sunday-to-monday]`, `third monday of january`, `last monday of may`, `easter - 2`; any \
     rule may add `+ N` / `- N` days and `from YYYY` / `until YYYY`";

fn error(token: &Token, message: String, help: &str) -> RuleError {
    RuleError {
        span: token.span.clone(),
        message,
        help: help.to_string(),
    }
}

fn ordinal(text: &str) -> Option<Option<u32>> {
    let n = match text.to_ascii_lowercase().as_str() {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" => return Some(None),
        _ => return None,
    };
    Some(Some(n))
}

fn month(text: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.to_ascii_lowercase();
    let index = MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() == 3 && m.starts_with(lower.as_str())))?;
    u32::try_from(index + 1).ok()
}

/// `MM-DD`, a valid day of that month in a leap year.
fn month_day(text: &str) -> Option<(u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b'-' {
        return None;
    }
    let month: u32 = text.get(..2)?.parse().ok()?;
    let day: u32 = text.get(3..)?.parse().ok()?;
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| (month, day))
}

fn observance(text: &str) -> Option<Observance> {
    match text.to_ascii_lowercase().as_str() {
        "nearest-weekday" => Some(Observance::NearestWeekday),
        "next-monday" => Some(Observance::NextMonday),
        "sunday-to-monday" => Some(Observance::SundayToMonday),
        _ => None,
    }
}

/// Whether `token` starts a rule rather than a date.
pub(super) fn starts_rule(token: &Token) -> bool {
    !token.quoted
        && (month_day(&token.text).is_some()
            || ordinal(&token.text).is_some()
            || token.text.eq_ignore_ascii_case("easter")
            || token.text.to_ascii_lowercase().starts_with("easter"))
}

/// Reads a rule from the start of `args`: the base date, an offset and an
/// observance. Returns the rule (with no years yet) and the tokens left.
pub(super) fn parse<'a>(
    keyword: &Token,
    args: &'a [Token],
) -> Result<(DateRule, &'a [Token]), RuleError> {
    let Some((first, mut rest)) = args.split_first() else {
        return Err(error(
            keyword,
            format!("`{}` needs a date or rule", keyword.text),
            RULE_FORMS,
        ));
    };
    let lower = first.text.to_ascii_lowercase();
    let mut offset_days = 0;
    let base = if let Some((month, day)) = month_day(&first.text) {
        Base::Fixed { month, day }
    } else if let Some(n) = ordinal(&first.text) {
        let [weekday, of, month_token, tail @ ..] = rest else {
            return Err(error(
                first,
                format!(
                    "`{}` must be followed by a weekday, `of` and a month",
                    first.text
                ),
                "e.g. `third monday of january`, `last monday of may`",
            ));
        };
        let Some(weekday_value) = lex::weekday(&weekday.text) else {
            return Err(error(
                weekday,
                format!("expected a day of the week, found `{}`", weekday.text),
                "monday .. sunday (or mon .. sun), e.g. `third monday of january`",
            ));
        };
        if !of.text.eq_ignore_ascii_case("of") {
            return Err(error(
                of,
                format!("expected `of`, found `{}`", of.text),
                "e.g. `third monday of january`",
            ));
        }
        let Some(month_value) = month(&month_token.text) else {
            return Err(error(
                month_token,
                format!("expected a month, found `{}`", month_token.text),
                "january .. december (or jan .. dec)",
            ));
        };
        rest = tail;
        match n {
            Some(n) => Base::Nth {
                n,
                weekday: weekday_value,
                month: month_value,
            },
            None => Base::Last {
                weekday: weekday_value,
                month: month_value,
            },
        }
    } else if let Some(tail) = lower.strip_prefix("easter") {
        // `easter-2` written as one word.
        if !tail.is_empty() {
            offset_days = signed_days(first, tail)?;
        }
        Base::Easter
    } else {
        return Err(error(
            first,
            format!("expected a date or rule, found `{}`", first.text),
            RULE_FORMS,
        ));
    };
    // `+ N` / `- N` (or `+N` / `-N`).
    if let Some((sign, tail)) = rest.split_first() {
        if sign.text == "+" || sign.text == "-" {
            let Some((n, tail)) = tail.split_first() else {
                return Err(error(
                    sign,
                    format!("`{}` needs a number of days", sign.text),
                    "e.g. `easter - 2`, `fourth thursday of november + 1`",
                ));
            };
            offset_days += signed_days(n, &format!("{}{}", sign.text, n.text))?;
            rest = tail;
        } else if (sign.text.starts_with('+') || sign.text.starts_with('-')) && !sign.quoted {
            offset_days += signed_days(sign, &sign.text)?;
            rest = tail;
        }
    }
    let mut observance_value = None;
    if let Some((word, tail)) = rest.split_first() {
        if let Some(o) = observance(&word.text).filter(|_| !word.quoted) {
            observance_value = Some(o);
            rest = tail;
        }
    }
    let rule = DateRule {
        base,
        offset_days,
        observance: observance_value,
        from: None,
        until: None,
    };
    Ok((rule, rest))
}

fn signed_days(token: &Token, text: &str) -> Result<i64, RuleError> {
    let bad = || {
        error(
            token,
            format!("expected a number of days, found `{}`", token.text),
            "a whole number up to 366, e.g. `easter - 2`",
        )
    };
    let (negative, digits) = match text.split_at(1) {
        ("+", d) => (false, d),
        ("-", d) => (true, d),
        _ => return Err(bad()),
    };
    let days: i64 = digits.parse().map_err(|_| bad())?;
    if !(0..=366).contains(&days) || digits.starts_with('+') {
        return Err(bad());
    }
    Ok(if negative { -days } else { days })
}

/// A four-digit year after `from` / `until`.
pub(super) fn year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}
