//! A ready task: skipped (a failed dependency, a day condition, its market's
//! state), restored from earlier in the run key, completed inline, or spawned.

use super::job::Job;
use super::{Msg, Outcome, PipelineRun, Ready, Started, Unit};
use crate::ir::{Pipeline, StageId, TaskId};
use crate::run::context;
use crate::run::events::{EventKind, SkipCause};
use crate::run::executor::{self, Attempt, Failure};
use crate::run::market::{self, Verdict};
use crate::run::status::TaskStatus;
use crate::run::{days, ids};
use serde_json::{Map, Value};
use std::sync::Arc;
use tokio::sync::mpsc;

impl PipelineRun {
    pub(super) fn start<'p>(
        &mut self,
        p: &'p Pipeline,
        sid: StageId,
        t: TaskId,
        tx: &mpsc::UnboundedSender<Msg>,
        ready: &mut Ready<'p>,
    ) -> Started {
        let task = p.task(t);
        if let Some(d) = p.dependencies(t).find(|d| self.state[d.index()].blocked) {
            let reason = format!(
                "dependency `{}` {}",
                p.task(d).name,
                self.state[d.index()].status.label().replace('_', " ")
            );
            self.skip(p, t, reason, SkipCause::Dependency, true);
            return Started::Done;
        }
        if let Err(reason) =
            days::check_when(&self.shared.program, p, &task.when, self.shared.as_of)
        {
            self.skip(p, t, reason, SkipCause::Condition, false);
            return Started::Done;
        }
        let joined = self.joined(p, t);
        self.state[t.index()].started = Some(self.shared.clock.monotonic());
        let (merged, dropped) = match context::resolve(p, &joined, p.merge, task.joins) {
            Ok(resolved) => resolved,
            Err(collision) => {
                self.state[t.index()].joined = Some(joined);
                let outcome = Outcome::Failed {
                    failure: Failure::Error(collision.message()),
                    attempts: 0,
                    span: None,
                };
                self.finish(p, t, outcome);
                return Started::Done;
            }
        };
        let st = &mut self.state[t.index()];
        st.joined = Some(joined);
        st.dropped = dropped;
        let restored = self.shared.memo.as_ref();
        if let Some(earlier) = restored.and_then(|m| m.restore(&p.name, &task.name)) {
            self.finish(p, t, Outcome::Restored(earlier));
            return Started::Done;
        }
        let mut market_wait = None;
        if !task.requires.is_empty() && !self.shared.ignore_market_state {
            let market = self.market.get_or_init(|| crate::ir::Market::load(p, None));
            match market::judge(market, task, self.shared.clock.now()) {
                Verdict::Run => {}
                Verdict::Wait(wait) => market_wait = Some(wait),
                Verdict::Skip(reason) => {
                    self.skip(p, t, reason, SkipCause::MarketState, false);
                    return Started::Done;
                }
            }
        }
        let unit = Unit {
            task: t,
            instance: None,
        };
        if task.fan_out.is_none() {
            if let Some(outcome) = self.answer_now(p, unit, market_wait) {
                self.state[t.index()].attempts = 1;
                self.finish(p, t, outcome);
                return Started::Done;
            }
        }
        let mut input = context::overlay(&self.context, merged);
        if let Some(fan_out) = &task.fan_out {
            return self.fan_out(p, t, fan_out, input, market_wait, ready);
        }
        if task.joins {
            let branches: Map<String, Value> = p
                .dependencies(t)
                .filter(|d| p.task(*d).stage == sid)
                .map(|d| {
                    let own = self.state[d.index()]
                        .own
                        .as_ref()
                        .map(|o| (**o).clone())
                        .unwrap_or_default();
                    (p.task(d).name.clone(), Value::Object(own))
                })
                .collect();
            input.insert("branches".into(), Value::Object(branches));
        }
        let job = Job {
            shared: self.shared.clone(),
            pid: self.pid,
            sid,
            unit,
            name: task.name.clone(),
            item: None,
            input: Arc::new(Value::Object(input)),
            market_wait,
        };
        tokio::spawn(job.work(tx.clone()));
        Started::Running
    }

    /// Work that answers at once (a `noop`) completes inline: no task to
    /// spawn, no slot held. Not while it waits for its market state.
    pub(super) fn answer_now(
        &self,
        p: &Pipeline,
        unit: Unit,
        market_wait: Option<std::time::Duration>,
    ) -> Option<Outcome> {
        if market_wait.is_some() {
            return None;
        }
        let task = p.task(unit.task);
        let answer = executor::route(&self.shared, task.work, task.executor)
            .instant(&self.shared, task.work)?;
        let span = ids::span_id();
        self.emit(
            Some(&span),
            EventKind::TaskStarted {
                stage: p.stage(task.stage).name.clone(),
                task: self.unit_name(p, unit),
                attempt: 1,
            },
        );
        let span = Some(span);
        Some(match answer {
            Attempt::Ok(output) => Outcome::Ok {
                output,
                attempts: 1,
                span,
            },
            Attempt::Failed(failure) => Outcome::Failed {
                failure,
                attempts: 1,
                span,
            },
            Attempt::Cancelled(stop) => Outcome::Cancelled {
                reason: stop.describe(),
                attempts: 1,
                span,
            },
        })
    }

    pub(super) fn skip(
        &mut self,
        p: &Pipeline,
        t: TaskId,
        reason: String,
        cause: SkipCause,
        blocked: bool,
    ) {
        let joined = self.joined(p, t);
        let st = &mut self.state[t.index()];
        st.status = TaskStatus::Skipped;
        st.blocked = blocked;
        st.message = Some(reason.clone());
        st.out = joined;
        let task = p.task(t);
        self.emit(
            None,
            EventKind::TaskSkipped {
                stage: p.stage(task.stage).name.clone(),
                task: task.name.clone(),
                reason,
                cause,
                exit_code: None,
            },
        );
    }
}
