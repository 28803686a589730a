//! The API's answers, as documented in docs/api.md and pinned by its contract
//! test. Fields are only ever added within `/api/v1/`.

use crate::store::{AttemptDetail, GateDetail, RunRow, StageDetail, TaskDetail, TaskStats};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct Run {
    pub run_id: String,
    pub pipeline: String,
    /// The trigger's name; `stages:<spec>` for chosen stages; empty for all stages.
    pub trigger: String,
    pub as_of: String,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub status: String,
    pub reason: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub resumes: i64,
}

impl From<RunRow> for Run {
    fn from(r: RunRow) -> Run {
        Run {
            run_id: r.run_id,
            pipeline: r.pipeline,
            trigger: r.trigger,
            as_of: r.as_of,
            status: r.status,
            reason: r.reason,
            started_at: r.started_at,
            ended_at: r.ended_at,
            resumes: r.resumes,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct RunPage {
    pub runs: Vec<Run>,
    /// How many runs match the filter in all.
    pub total: i64,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct RunDetail {
    #[serde(flatten)]
    pub run: Run,
    pub stages: Vec<StageDetail>,
    pub tasks: Vec<TaskDetail>,
    pub attempts: Vec<AttemptDetail>,
    pub gates: Vec<GateDetail>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Pipeline {
    pub name: String,
    pub file: String,
    pub calendar: Option<String>,
    /// The market's state now, on the daemon's clock (`HOLIDAY` without a calendar).
    pub market_state: String,
    pub next_firings: Vec<NextFiring>,
    pub sources: Vec<Source>,
    /// Since when its triggers are paused (`null`: they fire).
    pub paused_since: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct NextFiring {
    pub trigger: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// The same instant in the trigger's zone.
    pub local: String,
    pub stages: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Source {
    pub name: String,
    pub producer: String,
    /// `green`, `yellow` or `red`.
    pub level: String,
    pub produced_at: Option<String>,
    pub age_seconds: Option<i64>,
    pub age_sessions: Option<u32>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Market {
    pub calendar: String,
    pub zone: String,
    pub state: String,
    /// The next change of state, if the calendar knows one.
    pub next_state: Option<String>,
    pub next_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaskStatsList {
    pub tasks: Vec<TaskStats>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Firing {
    pub pipeline: String,
    pub trigger: String,
    pub fire_at: String,
    pub run_id: Option<String>,
    pub status: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Started {
    pub run_id: String,
    /// `new`, or `resumed` when the run key already had a run.
    pub begin: String,
    pub as_of: String,
}
