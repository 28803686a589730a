//! Triggers: AST to IR, with their zones, days and stage selections checked.

use super::declare::Scope;
use super::range::{self, DAY_MILLIS};
use super::resolve::{lower_day_ref, lower_state, lower_zone};
use super::seen::Seen;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    self, At, CalendarChoice, DayCondition, DayRef, Missed, Pipeline, StageId, Timing, Trigger,
};
use crate::syntax::ast::{self, TriggerSetting};
use crate::time::schedule::CronExpr;

const WEEK_MILLIS: u64 = 7 * DAY_MILLIS;

/// `calendar_named`: the pipeline names a calendar, which may have failed to
/// load (reported already): then no trigger is told it lacks one.
pub(crate) fn lower(
    decl: &ast::Trigger,
    pipeline: &Pipeline,
    calendar_named: bool,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<Trigger> {
    let mut seen = Seen::default();
    let mut timings = Vec::new();
    let mut zone = None;
    let mut calendar = match &pipeline.calendar {
        Some(CalendarChoice::Builtin(code)) => Some(code.clone()),
        _ => None,
    };
    let mut days = Vec::new();
    let mut stages = None;
    let mut missed = Missed::Skip;
    let mut ok = true;
    for setting in &decl.settings {
        let span = setting.span;
        match &setting.node {
            TriggerSetting::At(at) => {
                let at = match at {
                    ast::At::Clock(t) => At::Clock { time: t.node },
                    ast::At::Open(offset) | ast::At::Close(offset) => {
                        let magnitude = offset.unsigned_abs();
                        ok &= range::duration(
                            magnitude,
                            0,
                            DAY_MILLIS,
                            "session offset",
                            span,
                            diagnostics,
                        );
                        if matches!(at, ast::At::Open(_)) {
                            At::Open {
                                offset_millis: *offset,
                            }
                        } else {
                            At::Close {
                                offset_millis: *offset,
                            }
                        }
                    }
                };
                timings.push((Timing::At(at), span));
            }
            TriggerSetting::Every { interval, from, to } => {
                ok &= range::duration(
                    interval.node.millis,
                    1_000,
                    DAY_MILLIS,
                    "interval",
                    interval.span,
                    diagnostics,
                );
                let (from, to) = (lower_state(from, diagnostics), lower_state(to, diagnostics));
                if let (Some(from), Some(to)) = (from, to) {
                    timings.push((
                        Timing::Every {
                            interval_millis: interval.node.millis,
                            from,
                            to,
                        },
                        span,
                    ));
                } else {
                    ok = false;
                }
            }
            TriggerSetting::Cron(expr) => {
                if let Err(error) = CronExpr::parse(&expr.node) {
                    let label = match error.field {
                        Some(field) => format!("the {} field", field.name()),
                        None => "here".to_string(),
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::BadCron, format!("invalid cron expression: {}", error.message))
                            .label(expr.span, label)
                            .help("five fields: minute hour day-of-month month day-of-week, e.g. \"*/15 9-16 * * MON-FRI\""),
                    );
                    ok = false;
                }
                timings.push((
                    Timing::Cron {
                        expr: expr.node.clone(),
                    },
                    span,
                ));
            }
            TriggerSetting::In(name) if seen.first("in", span, diagnostics) => {
                zone = lower_zone(name, diagnostics);
                ok &= zone.is_some();
            }
            TriggerSetting::On(names) if seen.first("on", span, diagnostics) => {
                let refs: Vec<DayRef> = names
                    .iter()
                    .filter_map(|n| lower_day_ref(n, scope, diagnostics))
                    .collect();
                ok &= refs.len() == names.len();
                days.push(DayCondition {
                    any_of: refs,
                    negated: false,
                });
            }
            TriggerSetting::Stages(selection) if seen.first("stages", span, diagnostics) => {
                stages = lower_stages(selection, pipeline, diagnostics);
                ok &= stages.is_some();
            }
            TriggerSetting::Missed(m) if seen.first("missed", span, diagnostics) => {
                missed = match m {
                    ast::Missed::Skip => Missed::Skip,
                    ast::Missed::RunLate(d) => {
                        ok &= range::duration(
                            d.node.millis,
                            1,
                            WEEK_MILLIS,
                            "late-run window",
                            d.span,
                            diagnostics,
                        );
                        Missed::RunLate {
                            within_millis: d.node.millis,
                        }
                    }
                };
            }
            TriggerSetting::Calendar(ast::CalendarRef::Builtin(code))
                if seen.first("calendar", span, diagnostics) =>
            {
                calendar = super::calendar::builtin_calendar(code, diagnostics);
                ok &= calendar.is_some();
            }
            TriggerSetting::Calendar(ast::CalendarRef::File(path)) => {
                diagnostics.push(
                    Diagnostic::new(Code::UnknownCalendar, "a trigger names a built-in calendar; calendar files belong to the pipeline")
                        .label(path.span, "a file here")
                        .help("write `calendar \"…\"` in the pipeline, and leave the trigger's calendar out"),
                );
                ok = false;
            }
            _ => {}
        }
    }
    // A timing written but refused (an unknown state, a bad cron) was reported.
    let timing_written = decl.settings.iter().any(|s| {
        matches!(
            s.node,
            TriggerSetting::At(_) | TriggerSetting::Every { .. } | TriggerSetting::Cron(_)
        )
    });
    let timing = match timings.len() {
        1 => timings.remove(0).0,
        0 if timing_written => return None,
        0 => {
            diagnostics.push(
                Diagnostic::new(
                    Code::TriggerTiming,
                    format!("trigger `{}` never says when it fires", decl.name.text),
                )
                .label(decl.name.span, "no `at`, `every` or `cron`")
                .help(
                    "add e.g. `at 09:30`, `every 5m during SESSION` or `cron \"0 9 * * MON-FRI\"`",
                ),
            );
            return None;
        }
        _ => {
            let mut d = Diagnostic::new(
                Code::TriggerTiming,
                format!(
                    "trigger `{}` says when it fires more than once",
                    decl.name.text
                ),
            );
            for (_, span) in &timings {
                d = d.label(*span, "a timing");
            }
            diagnostics.push(
                d.help("one trigger, one timing: declare a second trigger for the other time"),
            );
            return None;
        }
    };
    let needs_calendar = matches!(
        timing,
        Timing::Every { .. } | Timing::At(At::Open { .. } | At::Close { .. })
    );
    if needs_calendar && calendar.is_none() && calendar_named && pipeline.calendar.is_none() {
        return None; // its calendar did not load: reported there
    }
    if needs_calendar
        && calendar.is_none()
        && !matches!(pipeline.calendar, Some(CalendarChoice::File(_)))
    {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownCalendar,
                format!(
                    "trigger `{}` follows the market but no calendar is named",
                    decl.name.text
                ),
            )
            .label(decl.name.span, "needs a calendar")
            .help("add `calendar XNYS` to the pipeline or the trigger"),
        );
        return None;
    }
    let has_calendar = calendar.is_some() || pipeline.calendar.is_some();
    if matches!(timing, Timing::Cron { .. }) {
        if let Some(on) = decl
            .settings
            .iter()
            .find(|s| matches!(s.node, TriggerSetting::On(_)))
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::TriggerTiming,
                    "a cron trigger takes its days from its own fields",
                )
                .label(on.span, "`on` cannot be combined with `cron`")
                .help("put the days in the cron expression's day-of-month and day-of-week fields"),
            );
            return None;
        }
    } else if days.is_empty() {
        let default = if has_calendar {
            DayRef::TradingDays
        } else {
            DayRef::Weekdays
        };
        days.push(DayCondition {
            any_of: vec![default],
            negated: false,
        });
    }
    let needs_calendar_days = days
        .iter()
        .flat_map(|c| &c.any_of)
        .any(DayRef::needs_calendar);
    if !has_calendar && needs_calendar_days && calendar_named {
        return None; // its calendar did not load: reported there
    }
    if !has_calendar && needs_calendar_days {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownCalendar,
                format!(
                    "trigger `{}` follows trading days but no calendar is named",
                    decl.name.text
                ),
            )
            .label(decl.name.span, "needs a calendar")
            .help("add `calendar XNYS` to the pipeline or the trigger, or use `weekdays`"),
        );
        return None;
    }
    let zone = zone.unwrap_or(pipeline.timezone);
    let stages = stages.unwrap_or_else(|| (0..pipeline.stages.len() as u32).map(StageId).collect());
    ok.then_some(ir::Trigger {
        name: decl.name.text.clone(),
        timing,
        zone,
        calendar,
        days,
        stages,
        missed,
        span: decl.name.span,
    })
}

fn lower_stages(
    selection: &ast::StageSelection,
    pipeline: &Pipeline,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<StageId>> {
    let find = |name: &ast::Name, diagnostics: &mut Diagnostics| {
        let found = pipeline.stages.iter().position(|s| s.name == name.text);
        if found.is_none() {
            let mut d = Diagnostic::new(
                Code::TriggerUnknownStage,
                format!("pipeline `{}` has no stage `{}`", pipeline.name, name.text),
            )
            .label(name.span, "unknown stage");
            d = d.help(
                did_you_mean(&name.text, pipeline.stages.iter().map(|s| s.name.as_str()))
                    .unwrap_or_else(|| {
                        let names: Vec<_> = pipeline
                            .stages
                            .iter()
                            .map(|s| format!("`{}`", s.name))
                            .collect();
                        format!("stages are {}", names.join(", "))
                    }),
            );
            diagnostics.push(d);
        }
        found
    };
    match selection {
        ast::StageSelection::Range(from, to) => {
            let (a, b) = (find(from, diagnostics), find(to, diagnostics));
            let (a, b) = (a?, b?);
            if a > b {
                diagnostics.push(
                    Diagnostic::new(
                        Code::TriggerStageRangeReversed,
                        format!("stage range `{}..{}` runs backwards", from.text, to.text),
                    )
                    .label(
                        from.span.to(to.span),
                        "the first stage comes after the last",
                    )
                    .help(format!("write `{}..{}`", to.text, from.text)),
                );
                return None;
            }
            Some((a..=b).map(|i| StageId(i as u32)).collect())
        }
        ast::StageSelection::List(names) => {
            if let [only] = names.as_slice() {
                if only.text == "all" && find_quiet(pipeline, "all").is_none() {
                    return Some((0..pipeline.stages.len() as u32).map(StageId).collect());
                }
            }
            let found: Vec<Option<usize>> = names.iter().map(|n| find(n, diagnostics)).collect();
            let mut ids: Vec<StageId> = found
                .into_iter()
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .map(|i| StageId(i as u32))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            Some(ids)
        }
    }
}

fn find_quiet(pipeline: &Pipeline, name: &str) -> Option<usize> {
    pipeline.stages.iter().position(|s| s.name == name)
}
