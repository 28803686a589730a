//! A stage's end: its tasks' writes merged, its gates evaluated, its report;
//! and the pipeline's cleanup handler when a run fails.

use super::{millis, PipelineRun, CLEANUP_TIMEOUT_MILLIS};
use crate::ir::{Pipeline, StageId, TaskId, Work};
use crate::run::context::{self, Delta};
use crate::run::events::EventKind;
use crate::run::executor::{self, Attempt, Call};
use crate::run::plan::task_order;
use crate::run::report::TaskReport;
use crate::run::status::TaskStatus;
use crate::run::stop::Interrupt;
use crate::run::{gate, ids};
use serde_json::Value;
use std::sync::Arc;

impl PipelineRun {
    /// Merges what the stage's tasks wrote into the run's context.
    pub(super) fn merge_stage(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        // The sinks' deltas hold everything upstream of them.
        let sinks: Vec<&Delta> = stage
            .tasks
            .iter()
            .filter(|t| !p.dependents(**t).any(|d| p.task(d).stage == sid))
            .map(|t| &self.state[t.index()].out)
            .collect();
        let all = context::join(p, &sinks);
        let (merged, _) = context::resolve(p, &all, p.merge, false).map_err(|c| c.message())?;
        self.context = context::overlay(&self.context, merged);
        Ok(())
    }

    pub(super) fn gates(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        for g in &stage.gates {
            let status = |t: TaskId| self.state[t.index()].status;
            let why_absent = |key: &str| self.why_absent(p, key);
            let env = gate::Env {
                context: &self.context,
                pipeline: p,
                stage,
                status: &status,
                why_absent: &why_absent,
                now: self.shared.clock.now(),
            };
            match gate::check(g, &env) {
                Ok(()) => self.emit(
                    None,
                    EventKind::GatePassed {
                        stage: stage.name.clone(),
                        gate: g.name.clone(),
                    },
                ),
                Err(message) => {
                    self.emit(
                        None,
                        EventKind::GateFailed {
                            stage: stage.name.clone(),
                            gate: g.name.clone(),
                            message: message.clone(),
                        },
                    );
                    return Err(message);
                }
            }
        }
        Ok(())
    }

    pub(super) fn why_absent(&self, p: &Pipeline, key: &str) -> String {
        let writers: Vec<String> = p
            .dag
            .node_indices()
            .filter(|t| p.task(*t).writes.iter().any(|w| w == key))
            .map(|t: TaskId| {
                let st = &self.state[t.index()];
                let how = match (st.status, &st.message) {
                    (TaskStatus::Pending, _) => "did not run in this run".to_string(),
                    (s, Some(m)) => format!("ended {} ({m})", s.label()),
                    (s, None) => format!("ended {}", s.label()),
                };
                format!("`{}`, which writes it, {how}", p.task(t).name)
            })
            .collect();
        if writers.is_empty() {
            "no task of the pipeline writes it".to_string()
        } else {
            writers.join("; ")
        }
    }

    pub(super) fn report(&self, p: &Pipeline, sid: StageId) {
        let stage = p.stage(sid);
        let rows = task_order(p, sid).into_iter().map(|t| {
            let st = &self.state[t.index()];
            TaskReport {
                pipeline: p.name.clone(),
                stage: stage.name.clone(),
                task: p.task(t).name.clone(),
                status: st.status,
                attempts: st.attempts,
                duration_ms: st.duration.map(millis),
                message: st.message.clone(),
                restored: st.restored,
            }
        });
        crate::sync::lock(&self.shared.reports, "the run's task reports").extend(rows);
    }

    /// The pipeline's `cleanup` handler, once, on the context at the failure.
    /// A fresh stop handle: the abort that failed the run must not cancel it.
    pub(super) async fn cleanup(&self, p: &Pipeline, h: crate::ir::HandlerId) {
        let name = self.shared.program.handler(h).name.clone();
        self.emit(
            None,
            EventKind::CleanupStarted {
                handler: name.clone(),
            },
        );
        let input = Arc::new(Value::Object(self.context.clone()));
        let span = ids::span_id();
        let call = Call {
            pipeline: p,
            stage: "",
            task: "cleanup",
            work: Work::Handler(h),
            executor: None,
            item: None,
            args: &[],
            timeout_millis: CLEANUP_TIMEOUT_MILLIS,
            attempt: 1,
            span: &span,
            input: &input,
            // The cleanup runs after the run's stages: nothing resumes it.
            spawned: Box::new(|_, _| {}),
        };
        let error = match executor::run(&self.shared, call, Interrupt::new().subscribe()).await {
            Attempt::Ok(_) => None,
            Attempt::Failed(f) => Some(f.text()),
            Attempt::Cancelled(stop) => Some(stop.describe()),
        };
        self.emit(
            Some(&span),
            EventKind::CleanupFinished {
                handler: name,
                error,
            },
        );
    }
}
