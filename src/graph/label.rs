//! The words on the drawing, as plain text lines shared by both formats.
//!
//! Nothing here is escaped: each back end escapes every line for its own syntax
//! (see `escape`) and joins the lines with its own line break, so what a node says
//! is decided once and Mermaid and DOT cannot drift apart.

use crate::ir::words::{day_condition, timing};
use crate::ir::{
    CalendarChoice, DayCondition, DayRef, Missed, Pipeline, Policy, Program, Stage, Task, Timing,
    Trigger, Work,
};

/// The priority tasks get unless someone says otherwise (`standard`).
const DEFAULT_PRIORITY: u8 = 50;

/// A task: its name, what it runs, how it fails and when it gives up, and its
/// priority when that is not the default.
pub(crate) fn task(program: &Program, task: &Task) -> Vec<String> {
    // A fan-out is drawn once, named like its instances (`score[symbol]`).
    let mut lines = vec![match &task.fan_out {
        Some(fan_out) => format!("{}[{}]", task.name, fan_out.binding),
        None => task.name.clone(),
    }];
    lines.push(match task.work {
        Work::Handler(id) => match program.handlers.get(id.0 as usize) {
            Some(handler) => format!("run {}", handler.name),
            None => "run ?".to_string(),
        },
        Work::Pipeline(id) => match program.pipelines.get(id.0 as usize) {
            Some(pipeline) => format!("run pipeline {}", pipeline.name),
            None => "run pipeline ?".to_string(),
        },
    });
    lines.push(format!(
        "{} · timeout {}",
        policy(&task.policy),
        duration(task.timeout_millis)
    ));
    if task.priority != DEFAULT_PRIORITY {
        lines.push(format!("priority {}", priority(task.priority)));
    }
    if task.joins {
        lines.push("merge step".to_string());
    }
    if let Some(fan_out) = &task.fan_out {
        let mut line = format!("for each {} in {}", fan_out.binding, fan_out.over.join("."));
        if let Some(key) = &fan_out.gather {
            line.push_str(&format!(" → {key}"));
        }
        lines.push(line);
    }
    lines
}

/// A gate: its name, then what it checks in words when the author wrote them.
pub(crate) fn gate(gate: &crate::ir::Gate) -> Vec<String> {
    let mut lines = vec![format!("gate {}", gate.name)];
    if let Some(description) = &gate.description {
        // A `\n` the author wrote in the description is a line break they meant.
        lines.extend(description.lines().map(str::to_string));
    }
    lines
}

/// A stage's title; a best-effort stage says so, since its failure does not stop the run.
pub(crate) fn stage(stage: &Stage) -> String {
    let title = stage.title.as_deref().unwrap_or(&stage.name);
    if stage.best_effort {
        format!("{title} (best effort)")
    } else {
        title.to_string()
    }
}

pub(crate) fn pipeline(pipeline: &Pipeline) -> String {
    pipeline
        .title
        .as_deref()
        .unwrap_or(&pipeline.name)
        .to_string()
}

/// The legend of a pipeline's triggers, one line each; empty when it has none.
pub(crate) fn triggers(program: &Program, pipeline: &Pipeline) -> Vec<String> {
    if pipeline.triggers.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["triggers".to_string()];
    lines.extend(
        pipeline
            .triggers
            .iter()
            .map(|t| trigger(program, pipeline, t)),
    );
    lines
}

fn trigger(program: &Program, pipeline: &Pipeline, trigger: &Trigger) -> String {
    // The checker fills in every default; only what differs from the pipeline's
    // own settings and the language's defaults is worth a place in the legend.
    let mut text = format!("{}: {}", trigger.name, timing(&trigger.timing));
    if trigger.zone != pipeline.timezone {
        text.push_str(&format!(" in {}", trigger.zone));
    }
    let default_days = match trigger.timing {
        Timing::Cron { .. } => vec![],
        Timing::At(_) | Timing::Every { .. } => vec![DayCondition {
            any_of: vec![DayRef::TradingDays],
            negated: false,
        }],
    };
    if !trigger.days.is_empty() && trigger.days != default_days {
        let days: Vec<String> = trigger
            .days
            .iter()
            .map(|d| day_condition(program, d))
            .collect();
        text.push_str(&format!(" on {}", days.join(", ")));
    }
    if let Some(calendar) = &trigger.calendar {
        if pipeline.calendar != Some(CalendarChoice::Builtin(calendar.clone())) {
            text.push_str(&format!(" calendar {calendar}"));
        }
    }
    // Every stage is the default: saying so would only add noise.
    if trigger.stages.len() != pipeline.stages.len() {
        text.push_str(&format!(" · stages {}", stage_list(pipeline, trigger)));
    }
    if let Missed::RunLate { within_millis } = trigger.missed {
        text.push_str(&format!(
            " · missed run_late within {}",
            duration(within_millis)
        ));
    }
    text
}

/// The stages a trigger runs, with consecutive runs written `a..b` as in `.pipe`.
fn stage_list(pipeline: &Pipeline, trigger: &Trigger) -> String {
    let name = |i: u32| {
        pipeline
            .stages
            .get(i as usize)
            .map_or("?", |s| s.name.as_str())
    };
    let mut parts = Vec::new();
    let mut i = 0;
    let ids = &trigger.stages;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1].0 == ids[j].0 + 1 {
            j += 1;
        }
        if j > i {
            parts.push(format!("{}..{}", name(ids[i].0), name(ids[j].0)));
        } else {
            parts.push(name(ids[i].0).to_string());
        }
        i = j + 1;
    }
    parts.join(", ")
}

/// A failure policy as a chain: `retry 3 → abort`.
pub(crate) fn policy(policy: &Policy) -> String {
    match policy {
        Policy::Retry { retries, then, .. } => format!("retry {retries} → {}", self::policy(then)),
        Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip | Policy::Default { .. } => {
            policy.name().to_string()
        }
    }
}

/// A priority by its `.pipe` name when it has one, else its number.
pub(crate) fn priority(value: u8) -> String {
    match value {
        100 => "critical".to_string(),
        75 => "high".to_string(),
        50 => "standard".to_string(),
        25 => "low".to_string(),
        0 => "optional".to_string(),
        n => n.to_string(),
    }
}

pub(crate) use crate::ir::words::duration;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Backoff;

    #[test]
    fn durations_read_like_the_source() {
        assert_eq!(duration(30_000), "30s");
        assert_eq!(duration(90_000), "1m30s");
        assert_eq!(duration(1_500), "1s500ms");
        assert_eq!(duration(0), "0s");
    }

    #[test]
    fn retries_chain_to_their_last_policy() {
        let retry = |then| Policy::Retry {
            retries: 3,
            backoff: Box::new(Backoff::Fixed {
                millis: vec![1_000],
            }),
            then: Box::new(then),
        };
        assert_eq!(policy(&retry(Policy::Abort)), "retry 3 → abort");
        assert_eq!(
            policy(&retry(retry(Policy::Warn))),
            "retry 3 → retry 3 → warn"
        );
        assert_eq!(
            policy(&Policy::Default {
                value: Box::new(serde_json::json!({}))
            }),
            "default"
        );
    }

    #[test]
    fn priorities_use_their_names() {
        assert_eq!(priority(100), "critical");
        assert_eq!(priority(60), "60");
    }
}
