//! One durable run, started the same way by `pipec run` and the daemon: its
//! run key claimed in the store (a new run, or the key's run resumed), the
//! recorder that writes it, and its run folder.

use super::{plan_of, Begin, Recorder, RunKey, Store, StoreError};
use crate::clock::Clock;
use crate::ir::{PipelineId, Program};
use crate::run::{Interrupt, RunOptions};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The interrupt of every durable run going on in this process, by run id,
/// so that a run can be cancelled by its id (the operations service).
static RUNNING: Mutex<BTreeMap<String, Interrupt>> = Mutex::new(BTreeMap::new());

/// Stops the run `run_id` if this process runs it; `false` if it does not.
pub(crate) fn cancel(run_id: &str, why: &str) -> bool {
    match crate::sync::lock(&RUNNING, "the runs of this process").get(run_id) {
        Some(interrupt) => {
            interrupt.interrupt(why);
            true
        }
        None => false,
    }
}

/// Stops every durable run of this process (a daemon that stops) and waits,
/// at most `within`, until each has ended. Returns how many were left.
pub async fn stop_all(why: &str, within: std::time::Duration) -> usize {
    for interrupt in crate::sync::lock(&RUNNING, "the runs of this process").values() {
        interrupt.interrupt(why);
    }
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = crate::sync::lock(&RUNNING, "the runs of this process").len();
        if left == 0 || tokio::time::Instant::now() >= deadline {
            return left;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The run is over here (its recorder was dropped).
pub(crate) fn forget(run_id: &str) {
    crate::sync::lock(&RUNNING, "the runs of this process").remove(run_id);
}

/// What to claim.
pub enum Claim {
    /// The latest run of a key, resumed; or a new run when it has none (or `force`).
    Key { key: RunKey, force: bool },
    /// A given run, resumed (`--resume RUN_ID`).
    Run { run_id: String },
}

/// A claimed run, ready to execute.
pub struct Durable {
    pub run_id: String,
    pub as_of: NaiveDate,
    pub begin: Begin,
    pub recorder: Arc<Recorder>,
    /// The average runtimes of the pipeline's tasks before this run.
    averages: Arc<crate::run::Averages>,
}

/// What a resume keeps of earlier attempts of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Completed, warned, defaulted and policy-skipped tasks (the default).
    Settled,
    /// Completed tasks only (`--rerun-incomplete`).
    Completed,
}

/// Claims the run in `db` (atomically: see `Store::begin`) and wraps the
/// store in its recorder.
pub fn begin(
    mut db: Store,
    program: &Program,
    pipeline: PipelineId,
    claim: Claim,
    clock: &dyn Clock,
    interrupt: Interrupt,
    keep: Keep,
) -> Result<Durable, StoreError> {
    let plan = plan_of(program, pipeline);
    let begin = match claim {
        Claim::Key { key, force } => {
            let new_id = crate::run::new_run_id(clock);
            db.begin(&key, &plan, force, &new_id, clock.now())?
        }
        Claim::Run { run_id } => db.resume(&run_id, &plan, false, clock.now())?,
    };
    let run_id = begin.run_id().to_string();
    let as_of = match db.run(&run_id) {
        Ok(Some(row)) => row.as_of.parse().ok(),
        Ok(None) | Err(_) => None,
    };
    let Some(as_of) = as_of else {
        // Claimed but unable to go on: let the claim go, so the key is not
        // blocked for the life of this process.
        super::runs::release(&run_id);
        return Err(StoreError::new(format!(
            "run `{run_id}` has no readable as-of date"
        )));
    };
    // Without them the run cannot tell stuck tasks or deadlines at risk,
    // which is no reason to refuse it.
    let averages = db
        .averages(&program.pipeline(pipeline).name)
        .unwrap_or_default();
    let recorder = match Recorder::new(db, &run_id, program, interrupt.clone()) {
        Ok(recorder) => recorder,
        Err(e) => {
            super::runs::release(&run_id);
            return Err(e);
        }
    };
    crate::sync::lock(&RUNNING, "the runs of this process").insert(run_id.clone(), interrupt);
    let recorder = match &begin {
        Begin::New { .. } => recorder.for_new_run(),
        Begin::Resume { .. } => recorder,
    };
    let recorder = Arc::new(match keep {
        Keep::Settled => recorder,
        Keep::Completed => recorder.restore_only_completed(),
    });
    Ok(Durable {
        run_id,
        as_of,
        begin,
        recorder,
        averages: Arc::new(averages),
    })
}

impl Durable {
    /// 0 for a new run, 1 for its first resume, …
    pub(crate) fn resumes(&self) -> i64 {
        match &self.begin {
            Begin::New { .. } => 0,
            Begin::Resume { resumes, .. } => *resumes,
        }
    }

    /// The run's options as durable: its id, its as-of date, the recorder as
    /// observer and as the memo that restores what the key already did.
    pub fn wire(&self, options: &mut RunOptions) {
        options.run_id = Some(self.run_id.clone());
        options.as_of = Some(self.as_of);
        options.memo = Some(self.recorder.clone());
        options.observers.push(self.recorder.clone());
        options.averages = self.averages.clone();
    }

    /// The default run folder: `.pipec/runs/<run_id>` beside the pipeline
    /// file, `.resume-N` for the Nth resume.
    pub fn default_folder(&self, pipeline_file: &Path) -> PathBuf {
        run_folder(pipeline_file, &self.run_id, self.resumes())
    }
}

/// `.pipec/runs/<run_id>[.resume-N]` beside the pipeline file.
pub fn run_folder(pipeline_file: &Path, run_id: &str, resumes: i64) -> PathBuf {
    let base = pipeline_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder = match resumes {
        0 => run_id.to_string(),
        n => format!("{run_id}.resume-{n}"),
    };
    base.join(".pipec").join("runs").join(folder)
}

/// The run key's trigger part: how the stages were chosen.
pub fn trigger_label(trigger: Option<&str>, stages: Option<&str>, stale: bool) -> String {
    match (trigger, stages) {
        _ if stale => "stale".to_string(),
        (Some(t), _) => t.to_string(),
        (None, Some(s)) if s != "all" => format!("stages:{s}"),
        _ => String::new(),
    }
}
