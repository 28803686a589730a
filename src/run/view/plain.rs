//! One line per event, for logs and pipes.

use super::duration;
use crate::run::events::{Event, EventKind, Observer};
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

pub struct PlainView<W: Write + Send> {
    out: Mutex<W>,
    started: Instant,
}

impl<W: Write + Send> PlainView<W> {
    pub fn new(out: W) -> Self {
        Self {
            out: Mutex::new(out),
            started: Instant::now(),
        }
    }
}

/// The line for an event, or `None` for events not worth a line (queued).
pub(crate) fn line(event: &Event) -> Option<String> {
    let p = &event.pipeline;
    Some(match &event.kind {
        EventKind::RunStarted {
            as_of,
            tasks,
            stages,
            run_dir,
            ignore_market_state,
        } => format!(
            "run {} of `{p}` as of {as_of}: {tasks} tasks in {} stages (run folder {}){}",
            event.run_id,
            stages.len(),
            run_dir.display(),
            if *ignore_market_state {
                "; market states are NOT enforced (--ignore-market-state)"
            } else {
                ""
            }
        ),
        EventKind::RunCompleted { duration_ms } => {
            format!("run succeeded in {}", duration(*duration_ms))
        }
        EventKind::RunFailed {
            reason,
            duration_ms,
        } => format!("run failed after {}: {reason}", duration(*duration_ms)),
        EventKind::RunInterrupted {
            reason,
            interrupted,
            ..
        } => {
            format!(
                "run {reason}; interrupted: {}",
                if interrupted.is_empty() {
                    "none".into()
                } else {
                    interrupted.join(", ")
                }
            )
        }
        EventKind::StageStarted { stage, tasks } => {
            format!("{p}/{stage}: stage started ({tasks} tasks)")
        }
        EventKind::StageCompleted { stage, duration_ms } => {
            format!("{p}/{stage}: stage completed in {}", duration(*duration_ms))
        }
        EventKind::StageFailed {
            reason,
            best_effort,
            ..
        } => {
            format!(
                "{p}: {reason}{}",
                if *best_effort { " (best effort)" } else { "" }
            )
        }
        EventKind::StageSkipped { stage, reason } => {
            format!("{p}/{stage}: stage skipped: {reason}")
        }
        EventKind::GatePassed { stage, gate } => format!("{p}/{stage}: gate `{gate}` passed"),
        EventKind::GateFailed { stage, message, .. } => format!("{p}/{stage}: {message}"),
        EventKind::TaskQueued { .. } | EventKind::TaskProcess { .. } => return None,
        EventKind::TaskStarted {
            stage,
            task,
            attempt,
        } => format!("{p}/{stage}/{task}: started (attempt {attempt})"),
        EventKind::TaskRetrying {
            stage,
            task,
            attempt,
            error,
            wait_ms,
            ..
        } => {
            format!(
                "{p}/{stage}/{task}: attempt {attempt} failed: {error}; retrying in {}",
                duration(*wait_ms)
            )
        }
        EventKind::TaskCompleted {
            stage,
            task,
            duration_ms,
            ..
        } => {
            format!(
                "{p}/{stage}/{task}: completed in {}",
                duration(*duration_ms)
            )
        }
        EventKind::TaskWarned {
            stage, task, error, ..
        } => format!("{p}/{stage}/{task}: warned: {error}"),
        EventKind::TaskDefaulted {
            stage, task, error, ..
        } => format!("{p}/{stage}/{task}: defaulted: {error}"),
        EventKind::TaskFailed {
            stage, task, error, ..
        } => format!("{p}/{stage}/{task}: failed: {error}"),
        EventKind::TaskTimedOut {
            stage,
            task,
            timeout_ms,
            ..
        } => {
            format!(
                "{p}/{stage}/{task}: timed out after {}",
                duration(*timeout_ms)
            )
        }
        EventKind::TaskSkipped {
            stage,
            task,
            reason,
            ..
        } => format!("{p}/{stage}/{task}: skipped: {reason}"),
        EventKind::TaskRestored {
            stage,
            task,
            status,
        } => {
            format!(
                "{p}/{stage}/{task}: already {} for this run key, result restored",
                status.label().replace('_', " ")
            )
        }
        EventKind::TaskCancelled {
            stage,
            task,
            reason,
            ..
        } => format!("{p}/{stage}/{task}: cancelled: {reason}"),
        EventKind::TaskSubmitted {
            stage,
            task,
            attempt,
            executor,
            job,
            reattached,
        } => format!(
            "{p}/{stage}/{task}: attempt {attempt} runs on `{executor}` as job {job}{}",
            if *reattached {
                " (found running, followed)"
            } else {
                ""
            }
        ),
        EventKind::TaskStuck {
            stage,
            task,
            running_ms,
            average_ms,
        } => format!(
            "{p}/{stage}/{task}: stuck: running for {}, three times its average of {}",
            duration(*running_ms),
            duration(*average_ms)
        ),
        EventKind::DeadlineMissed { stage, deadline } => {
            format!("{}: deadline {deadline} missed", scope(p, stage.as_deref()))
        }
        EventKind::DeadlineAtRisk {
            stage,
            deadline,
            expected_end,
        } => format!(
            "{}: deadline {deadline} at risk: at the average pace the work ends at {expected_end}",
            scope(p, stage.as_deref())
        ),
        EventKind::CleanupStarted { handler } => format!("{p}: cleanup `{handler}` started"),
        EventKind::CleanupFinished {
            handler,
            error: None,
        } => format!("{p}: cleanup `{handler}` done"),
        EventKind::CleanupFinished {
            handler,
            error: Some(e),
        } => format!("{p}: cleanup `{handler}` failed: {e}"),
    })
}

/// `pipeline` or `pipeline/stage`.
fn scope(pipeline: &str, stage: Option<&str>) -> String {
    match stage {
        Some(stage) => format!("{pipeline}/{stage}"),
        None => pipeline.to_string(),
    }
}

impl<W: Write + Send> Observer for PlainView<W> {
    fn event(&self, event: &Event) {
        let Some(text) = line(event) else { return };
        let elapsed = self.started.elapsed();
        let mut out = crate::sync::lock(&self.out, "the progress lines");
        // A closed terminal or pipe must not stop the run.
        let _ = writeln!(
            out,
            "[{:>4}.{:03}] {text}",
            elapsed.as_secs(),
            elapsed.subsec_millis()
        );
    }

    fn flush(&self) {
        let _ = crate::sync::lock(&self.out, "the progress lines").flush();
    }
}
