//! `holiday RULE ...` and `early-close RULE ...`: the directives' rule forms,
//! and laying the rules' dates into the calendar.

use super::lex::{self, Token};
use super::rule::{self, DateRule};
use super::{fmt, Parser, Place};
use crate::time::calendar::model::{Calendar, DayHours, DayOverride};
use chrono::{NaiveDate, NaiveTime};
use std::collections::BTreeSet;
use std::ops::Range;

/// A holiday or half-day rule as written.
pub(super) struct RuleEntry {
    pub rule: DateRule,
    /// `Closed` or `EarlyClose` with the name (and the close, if given).
    pub day: DayOverride,
    pub place: Place,
    pub span: Range<usize>,
}

impl Parser<'_> {
    /// The rule form of `holiday` / `closed` (`half_day` false) and
    /// `early-close` (`half_day` true).
    pub(super) fn rule_line(
        &mut self,
        place: Place,
        keyword: &Token,
        args: &[Token],
        half_day: bool,
    ) {
        let (mut rule, mut rest) = match rule::parse(keyword, args) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.error(place, e.span, e.message, Some(e.help));
                return;
            }
        };
        let mut close: Option<NaiveTime> = None;
        let mut name = None;
        let mut end = args.first().map_or(keyword.span.end, |t| t.span.end);
        while let Some((token, tail)) = rest.split_first() {
            end = token.span.end;
            rest = tail;
            let word = token.text.to_ascii_lowercase();
            if token.quoted && tail.is_empty() {
                name = Some(token.text.clone());
            } else if !token.quoted && (word == "from" || word == "until") {
                let Some((year_token, tail)) = rest.split_first() else {
                    self.error(
                        place,
                        token.span.clone(),
                        format!("`{word}` needs a year"),
                        Some(format!("e.g. `{word} 2022`")),
                    );
                    return;
                };
                let Some(year) = rule::year(&year_token.text) else {
                    self.error(
                        place,
                        year_token.span.clone(),
                        format!(
                            "expected a year YYYY after `{word}`, found `{}`",
                            year_token.text
                        ),
                        None,
                    );
                    return;
                };
                end = year_token.span.end;
                rest = tail;
                if word == "from" {
                    rule.from = Some(year);
                } else {
                    rule.until = Some(year);
                }
            } else if half_day
                && close.is_none()
                && !token.quoted
                && lex::time(&token.text).is_some()
            {
                close = lex::time(&token.text);
            } else {
                let expected = if half_day {
                    "`HH:MM`, `from YYYY`, `until YYYY`, then a quoted name"
                } else {
                    "`from YYYY`, `until YYYY`, then a quoted name"
                };
                self.error(
                    place,
                    token.span.clone(),
                    format!("unexpected `{}` in a rule", token.text),
                    Some(format!("after the date rule: {expected}")),
                );
                return;
            }
        }
        if let (Some(from), Some(until)) = (rule.from, rule.until) {
            if from > until {
                self.error(
                    place,
                    args.first()
                        .map_or(keyword.span.clone(), |t| t.span.start..end),
                    format!("the rule runs from {from} until {until}"),
                    Some("give the first year first".into()),
                );
                return;
            }
        }
        let span = args
            .first()
            .map_or(keyword.span.clone(), |t| t.span.start..end);
        let day = if half_day {
            DayOverride::EarlyClose {
                close,
                name: name.unwrap_or_else(|| "early close".into()),
            }
        } else {
            DayOverride::Closed {
                name: name.unwrap_or_else(|| "holiday".into()),
            }
        };
        self.rules.push(RuleEntry {
            rule,
            day,
            place,
            span,
        });
    }

    /// Lays the rules' dates into `cal`, before the file's own dates (which
    /// win). Holiday rules go first, in file order, so the first rule to close
    /// a date names it; a half-day rule skips a date that is closed anyway.
    pub(super) fn apply_rules(&mut self, cal: &mut Calendar) {
        let rules = std::mem::take(&mut self.rules);
        let mut by_rule: BTreeSet<NaiveDate> = BTreeSet::new();
        for entry in rules
            .iter()
            .filter(|e| matches!(e.day, DayOverride::Closed { .. }))
        {
            for date in entry.rule.dates() {
                if !self.days.contains_key(&date) && by_rule.insert(date) {
                    cal.days.insert(date, entry.day.clone());
                }
            }
        }
        for entry in &rules {
            let DayOverride::EarlyClose { close, .. } = &entry.day else {
                continue;
            };
            for date in entry.rule.dates() {
                if self.days.contains_key(&date)
                    || by_rule.contains(&date)
                    || cal.holiday_name(date).is_some()
                {
                    continue;
                }
                let regular = cal.regular_hours(date);
                if let (Some(t), Some(h)) = (close, regular) {
                    if h.closing_early_at(*t).is_none() {
                        self.error(
                            entry.place,
                            entry.span.clone(),
                            format!(
                                "early close {} on {date} is not inside the session",
                                fmt(*t)
                            ),
                            Some(format!(
                                "regular hours that day are {}-{}",
                                fmt(h.open),
                                DayHours::close_text(h.close)
                            )),
                        );
                        break;
                    }
                }
                by_rule.insert(date);
                cal.days.insert(date, entry.day.clone());
            }
        }
    }
}
