//! A schedule that reaches past the years a calendar is known to be right for
//! would run on guessed holidays: warn about it.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{DayRef, Pipeline, Program};
use crate::time::calendar;
use chrono::Datelike;

/// `today` is passed in so the check is deterministic in tests.
pub(crate) fn check(
    pipeline: &Pipeline,
    program: &Program,
    today: chrono::NaiveDate,
    diagnostics: &mut Diagnostics,
) {
    for trigger in &pipeline.triggers {
        let Some(cal) = trigger.calendar.as_deref().and_then(calendar::builtin) else {
            continue;
        };
        let valid = cal.valid_years();
        if today.year() > *valid.end() {
            diagnostics.push(
                Diagnostic::new(
                    Code::CalendarRangeExceeded,
                    format!(
                        "calendar `{}` is known to be right only until {}",
                        cal.name(),
                        valid.end()
                    ),
                )
                .label(trigger.span, format!("fires in {}", today.year()))
                .help("update pipec, or extend the calendar with a calendar file"),
            );
        }
        let listed = trigger
            .days
            .iter()
            .flat_map(|c| &c.any_of)
            .filter_map(|d| match d {
                DayRef::Listed(id) => Some(program.day_set(*id)),
                _ => None,
            });
        for set in listed {
            if let Some(late) = set.dates.iter().find(|d| !valid.contains(&d.year())) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::CalendarRangeExceeded,
                        format!(
                            "trigger `{}` fires on {late}, outside the years calendar `{}` is known for ({}..={})",
                            trigger.name,
                            cal.name(),
                            valid.start(),
                            valid.end()
                        ),
                    )
                    .label(trigger.span, "this trigger")
                    .label(set.span, format!("lists {late}"))
                    .help("dates outside the calendar's years use guessed holidays and hours"),
                );
            }
        }
    }
}
