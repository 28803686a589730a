//! W006: a trigger whose work, at its worst, cannot end before a deadline it
//! must meet. The worst case of a stage is its longest chain of dependencies,
//! each task at its timeout on every attempt plus the longest backoff waits
//! between them; stages run one after another. Judged for `at` triggers
//! (once a day) at their next firing from the day of the check.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Deadline, Market, Pipeline, Policy, Program, StageId, Timing, Trigger, Work};
use crate::run::plan::longest_chain;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

pub(crate) fn check(program: &Program, today: NaiveDate, diagnostics: &mut Diagnostics) {
    for p in &program.pipelines {
        let Ok(market) = Market::load(p, None) else {
            continue;
        };
        for trigger in &p.triggers {
            let Timing::At(_) = trigger.timing else {
                continue;
            };
            let Some(schedule) = trigger.schedule(program) else {
                continue;
            };
            let Some(midnight) = today.and_hms_opt(0, 0, 0) else {
                continue;
            };
            let after = Utc.from_utc_datetime(&midnight);
            let Some(fires) =
                market.with_clock(|calendar, clock| schedule.next_after(after, calendar, clock))
            else {
                continue;
            };
            let as_of = fires.with_timezone(&trigger.zone).date_naive();
            // The pipeline's deadline covers every stage the trigger runs; a
            // stage's, the trigger's stages up to it.
            let mut targets: Vec<(&Deadline, &[StageId])> = Vec::new();
            if let Some(d) = &p.deadline {
                targets.push((d, &trigger.stages));
            }
            for (i, sid) in trigger.stages.iter().enumerate() {
                if let Some(d) = &p.stage(*sid).deadline {
                    targets.push((d, &trigger.stages[..=i]));
                }
            }
            for (deadline, stages) in targets {
                let Some(due) = deadline.on(&market, as_of) else {
                    continue;
                };
                let worst: u64 = stages.iter().map(|s| stage_worst(program, p, *s)).sum();
                let worst_end = fires
                    + chrono::Duration::milliseconds(i64::try_from(worst).unwrap_or(i64::MAX));
                if worst_end > due {
                    diagnostics.push(too_late(trigger, deadline, fires, due, worst));
                }
            }
        }
    }
}

fn too_late(
    trigger: &Trigger,
    deadline: &Deadline,
    fires: DateTime<Utc>,
    due: DateTime<Utc>,
    worst: u64,
) -> Diagnostic {
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&trigger.zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    };
    Diagnostic::new(
        Code::DeadlineCannotFit,
        format!(
            "trigger `{}` fires at {}, and the worst case of its work until this deadline takes {}: it could end after the deadline, {}",
            trigger.name,
            local(fires),
            crate::ir::words::duration(worst),
            local(due),
        ),
    )
    .label(deadline.span, "the deadline")
    .label(trigger.span, "the trigger")
    .help("give the work less time (timeouts, retries, backoff), fire earlier, or move the deadline")
}

/// A stage at its worst: the longest chain of its tasks' worst cases.
fn stage_worst(program: &Program, p: &Pipeline, sid: StageId) -> u64 {
    let chain = longest_chain(p, sid, |t| {
        let task = p.task(t);
        let own = match task.work {
            // A sub-pipeline has no timeout of its own: its stages, one after
            // another, at their worst.
            Work::Pipeline(sub) => {
                let sub = program.pipeline(sub);
                (0..sub.stages.len())
                    .map(|i| stage_worst(program, sub, StageId(i as u32)))
                    .sum()
            }
            Work::Handler(_) => task_worst(task.timeout_millis, &task.policy),
        };
        i64::try_from(own).unwrap_or(i64::MAX)
    });
    u64::try_from(chain).unwrap_or(0)
}

/// Every attempt at its timeout, and the longest wait before each retry.
fn task_worst(timeout_millis: u64, policy: &Policy) -> u64 {
    let retries = policy.retries();
    let waits: u64 = match policy {
        Policy::Retry { backoff, .. } => (1..=retries).map(|r| backoff.wait_millis(r)).sum(),
        Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip | Policy::Default { .. } => 0,
    };
    timeout_millis
        .saturating_mul(u64::from(retries) + 1)
        .saturating_add(waits)
}
