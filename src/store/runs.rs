//! Runs and their keys: starting a run, finding the run a key already has, and
//! deciding between resuming it, refusing, and starting afresh.

use super::plan::{Plan, PlanDiff};
use super::{stamp, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// What identifies a run: the same key means the same day's work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunKey {
    pub pipeline: String,
    /// The trigger's name; `stages:<spec>` for `--stages`; empty for all stages.
    pub trigger: String,
    pub as_of: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub run_id: String,
    pub pipeline: String,
    pub trigger: String,
    pub as_of: String,
    pub status: String,
    pub reason: Option<String>,
    pub plan_hash: String,
    pub pid: Option<i64>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub resumes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub pipeline: String,
    pub stage: String,
    pub task: String,
    pub status: String,
    pub attempts: i64,
    pub message: Option<String>,
}

/// How a run begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// No run for the key yet (or `--force`): a new run id.
    New { run_id: String },
    /// The key's run continues: completed tasks are restored, the rest run.
    Resume {
        run_id: String,
        /// 1 for the first resume, …
        resumes: i64,
        /// The status the run had (`succeeded`: everything was already done).
        previous: String,
        /// Processes of the run's earlier attempts that were still running
        /// (pipec was killed under them) and were ended before it resumed.
        ended: Vec<i32>,
    },
}

impl Begin {
    pub(crate) fn run_id(&self) -> &str {
        match self {
            Begin::New { run_id } | Begin::Resume { run_id, .. } => run_id,
        }
    }
}

/// Not the plan's tasks: a listing has no use for them, and each is as long
/// as its pipeline ([`plan_tasks`] reads them for a resume).
pub(crate) const RUN_COLUMNS: &str =
    "run_id, pipeline, trigger, as_of, status, reason, plan_hash, pid, started_at, ended_at, resumes";

pub(crate) fn run_row(r: &Row) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        run_id: r.get(0)?,
        pipeline: r.get(1)?,
        trigger: r.get(2)?,
        as_of: r.get(3)?,
        status: r.get(4)?,
        reason: r.get(5)?,
        plan_hash: r.get(6)?,
        pid: r.get(7)?,
        started_at: r.get(8)?,
        ended_at: r.get(9)?,
        resumes: r.get(10)?,
    })
}

/// The hash of each task of the plan run `run_id` started with.
fn plan_tasks(conn: &Connection, run_id: &str) -> Result<BTreeMap<String, String>, StoreError> {
    let tasks: String = conn.query_row(
        "SELECT plan_tasks FROM runs WHERE run_id = ?1",
        [run_id],
        |r| r.get(0),
    )?;
    // A damaged plan would make every resume look like a changed plan: say
    // so, and refuse the resume as a changed plan's is refused.
    serde_json::from_str(&tasks).map_err(|e| {
        StoreError::refused(format!(
            "the plan recorded for run `{run_id}` is damaged ({e}); use --force to run everything again"
        ))
    })
}

/// Is process `pid` alive? A zombie is not.
pub fn alive(pid: i64) -> bool {
    i32::try_from(pid).is_ok_and(crate::procfs::alive)
}

/// Run ids this process has begun and not let go: a second begin of one of
/// them from this same process (a daemon) is refused like one from another
/// process, instead of being taken for a run left by a crash.
static CLAIMED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn claimed() -> std::sync::MutexGuard<'static, BTreeSet<String>> {
    // A set of strings cannot be left half-changed by a panic.
    CLAIMED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The run is over in this process (the `Recorder` calls it when dropped).
pub(crate) fn release(run_id: &str) {
    claimed().remove(run_id);
    super::durable::forget(run_id);
}

fn run_in(conn: &Connection, run_id: &str) -> Result<Option<RunRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {RUN_COLUMNS} FROM runs WHERE run_id = ?1"),
            [run_id],
            run_row,
        )
        .optional()?)
}

fn run_for_key_in(conn: &Connection, key: &RunKey) -> Result<Option<RunRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE pipeline = ?1 AND trigger = ?2 AND as_of = ?3 \
                 ORDER BY started_at DESC, rowid DESC LIMIT 1"
            ),
            params![key.pipeline, key.trigger, key.as_of.to_string()],
            run_row,
        )
        .optional()?)
}

impl Store {
    pub fn run(&self, run_id: &str) -> Result<Option<RunRow>, StoreError> {
        run_in(&self.conn, run_id)
    }

    /// Runs, newest first; of one pipeline when given.
    pub fn runs(&self, pipeline: Option<&str>, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE (?1 IS NULL OR pipeline = ?1) \
             ORDER BY started_at DESC, rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![pipeline, limit as i64], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn tasks(&self, run_id: &str) -> Result<Vec<TaskRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, stage, task, status, attempts, message FROM tasks \
             WHERE run_id = ?1 ORDER BY COALESCE(started_at, ended_at, ''), rowid",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(TaskRow {
                pipeline: r.get(0)?,
                stage: r.get(1)?,
                task: r.get(2)?,
                status: r.get(3)?,
                attempts: r.get(4)?,
                message: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starts or continues the run of `key`, in one transaction that takes
    /// the database's write lock before it reads the key: of two processes
    /// (or two calls in one process) claiming one key at once, exactly one
    /// runs it and the other is refused.
    ///
    /// - a run of the key still `running` in a live process: refused;
    /// - one left `running` by a dead process (crash, `kill -9`): marked
    ///   interrupted with its unfinished tasks, then resumed;
    /// - a recorded plan different from `plan`: refused with what changed,
    ///   unless `force`;
    /// - `force`: always a new run (everything runs again).
    pub(crate) fn begin(
        &mut self,
        key: &RunKey,
        plan: &Plan,
        force: bool,
        new_run_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Begin, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing = run_for_key_in(&tx, key)?;
        begin_in(tx, key, existing, plan, force, new_run_id, now)
    }

    /// Continues a given run (`pipec run --resume RUN_ID`).
    pub(crate) fn resume(
        &mut self,
        run_id: &str,
        plan: &Plan,
        force: bool,
        now: DateTime<Utc>,
    ) -> Result<Begin, StoreError> {
        if force {
            return Err(StoreError::new(
                "--force starts a new run; it cannot be combined with --resume",
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(run) = run_in(&tx, run_id)? else {
            return Err(StoreError::new(format!(
                "no run `{run_id}` in the state store"
            )));
        };
        let key = RunKey {
            pipeline: run.pipeline.clone(),
            trigger: run.trigger.clone(),
            as_of: run.as_of.parse().map_err(|_| {
                StoreError::new(format!(
                    "run `{run_id}` has a malformed as-of date `{}`",
                    run.as_of
                ))
            })?,
        };
        begin_in(tx, &key, Some(run), plan, false, run_id, now)
    }
}

/// The claim itself, inside the transaction that read `existing`.
fn begin_in(
    tx: Transaction,
    key: &RunKey,
    existing: Option<RunRow>,
    plan: &Plan,
    force: bool,
    new_run_id: &str,
    now: DateTime<Utc>,
) -> Result<Begin, StoreError> {
    let me = i64::from(std::process::id());
    // Held until the claim is committed: of two claims of one key in this
    // process, the second sees the first's.
    let mut claims = claimed();
    if let Some(run) = existing
        .as_ref()
        .filter(|r| !crate::run::is_run_id(&r.run_id))
    {
        return Err(StoreError::new(format!(
            "the store holds a run id `{}` that pipec never makes (damaged or edited?); \
             refusing to use it as a folder name",
            run.run_id.escape_debug()
        )));
    }
    if let Some(run) = &existing {
        if run.status == "running" {
            let holder_runs_it = match run.pid {
                Some(pid) if pid == me => claims.contains(&run.run_id),
                Some(pid) => alive(pid),
                None => false,
            };
            if holder_runs_it {
                return Err(StoreError::refused(format!(
                    "run `{}` of {} is already running (pid {}); not starting it twice",
                    run.run_id,
                    describe_key(key),
                    run.pid.unwrap_or_default()
                )));
            }
            mark_dead(&tx, &run.run_id, now)?;
        }
    }
    // Whatever an earlier process of this run left running (it was killed
    // under its handlers) ends before anything of the run runs again.
    let ended = match &existing {
        Some(run) if run.status != "succeeded" => end_leftovers(&tx, &run.run_id)?,
        _ => Vec::new(),
    };
    let resumable = existing.filter(|_| !force);
    let begin = match resumable {
        Some(run) => {
            if run.plan_hash != plan.hash {
                // A damaged recorded plan is refused too (`plan_tasks`).
                let diff = if run.plan_hash.starts_with(super::plan::HASH_PREFIX) {
                    plan_tasks(&tx, &run.run_id)
                        .map(|before| PlanDiff::between(&before, &plan.tasks).describe())
                } else {
                    Ok(
                        "its plan was hashed by an older pipec, in a form this one cannot compare"
                            .to_string(),
                    )
                };
                // The dead run stays marked interrupted (its leftovers are
                // ended) although the resume is refused.
                tx.commit()?;
                return Err(StoreError::refused(format!(
                    "the plan of {} changed since run `{}` started ({}); \
                     refusing to mix two plans: use --force to run everything again",
                    describe_key(key),
                    run.run_id,
                    diff?
                )));
            }
            tx.execute(
                "UPDATE runs SET status = 'running', reason = NULL, pid = ?2, ended_at = NULL, \
                 resumes = resumes + 1 WHERE run_id = ?1",
                params![run.run_id, me],
            )?;
            Begin::Resume {
                run_id: run.run_id.clone(),
                resumes: run.resumes + 1,
                previous: run.status.clone(),
                ended,
            }
        }
        None => {
            let tasks = serde_json::to_string(&plan.tasks).unwrap_or_default();
            tx.execute(
                "INSERT INTO runs (run_id, pipeline, trigger, as_of, status, plan_hash, plan_tasks, pid, started_at) \
                 VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8)",
                params![
                    new_run_id,
                    key.pipeline,
                    key.trigger,
                    key.as_of.to_string(),
                    plan.hash,
                    tasks,
                    me,
                    stamp(now)
                ],
            )?;
            Begin::New {
                run_id: new_run_id.to_string(),
            }
        }
    };
    tx.commit()?;
    claims.insert(begin.run_id().to_string());
    Ok(begin)
}

impl Store {
    /// Marks runs left `running` by dead processes as interrupted (used by
    /// `status`, so what it shows is true).
    pub fn reap_dead(&mut self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let running: Vec<(String, Option<i64>)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT run_id, pid FROM runs WHERE status = 'running'")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut n = 0;
        for (run_id, pid) in running {
            if pid.is_some_and(alive) {
                continue;
            }
            let tx = self.conn.transaction()?;
            mark_dead(&tx, &run_id, now)?;
            tx.commit()?;
            n += 1;
        }
        Ok(n)
    }
}

/// Ends the processes a run's earlier attempts left running: those recorded
/// under their identity (pid and start time) and any carrying its run id.
fn end_leftovers(conn: &Connection, run_id: &str) -> Result<Vec<i32>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT pid, start_ticks FROM attempts WHERE run_id = ?1 AND pid IS NOT NULL \
         AND status IN ('running', 'interrupted')",
    )?;
    let recorded = stmt
        .query_map([run_id], |r| {
            let pid: i64 = r.get(0)?;
            let ticks: Option<i64> = r.get(1)?;
            Ok((pid, ticks))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter_map(|(pid, ticks)| {
            Some((
                i32::try_from(pid).ok()?,
                ticks.and_then(|t| u64::try_from(t).ok()),
            ))
        })
        .collect::<Vec<_>>();
    Ok(crate::run::end_leftovers(run_id, &recorded))
}

pub(crate) const DIED: &str = "the pipec process died while it ran (crash or kill)";

/// A run whose process died: it and whatever was unfinished are interrupted.
fn mark_dead(tx: &rusqlite::Transaction, run_id: &str, now: DateTime<Utc>) -> rusqlite::Result<()> {
    let now = stamp(now);
    tx.execute(
        "UPDATE runs SET status = 'interrupted', reason = ?2, ended_at = ?3 WHERE run_id = ?1",
        params![run_id, DIED, now],
    )?;
    tx.execute(
        "INSERT INTO endings (kind, run_id, pipeline, task, status, at) \
         SELECT 'run', run_id, pipeline, NULL, 'interrupted', ?2 FROM runs WHERE run_id = ?1 \
         UNION ALL SELECT 'task', run_id, pipeline, task, 'interrupted', ?2 FROM tasks \
         WHERE run_id = ?1 AND status IN ('queued', 'running', 'retrying')",
        params![run_id, now],
    )?;
    tx.execute(
        "UPDATE tasks SET status = 'interrupted', message = ?2, ended_at = ?3 \
         WHERE run_id = ?1 AND status IN ('queued', 'running', 'retrying')",
        params![run_id, DIED, now],
    )?;
    tx.execute(
        "UPDATE attempts SET status = 'interrupted', error = ?2, ended_at = ?3 \
         WHERE run_id = ?1 AND status = 'running'",
        params![run_id, DIED, now],
    )?;
    tx.execute(
        "UPDATE stages SET status = 'interrupted', reason = ?2, ended_at = ?3 \
         WHERE run_id = ?1 AND status = 'running'",
        params![run_id, DIED, now],
    )?;
    Ok(())
}

pub(crate) fn describe_key(key: &RunKey) -> String {
    let trigger = if key.trigger.is_empty() {
        "all stages".to_string()
    } else {
        key.trigger.clone()
    };
    format!("{} ({trigger}) as of {}", key.pipeline, key.as_of)
}

/// One task attempt as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    pub pipeline: String,
    pub task: String,
    pub attempt: i64,
    pub status: String,
    pub error: Option<String>,
    pub exit_code: Option<i64>,
}

impl Store {
    pub fn attempts(&self, run_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, task, attempt, status, error, exit_code FROM attempts \
             WHERE run_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(AttemptRow {
                pipeline: r.get(0)?,
                task: r.get(1)?,
                attempt: r.get(2)?,
                status: r.get(3)?,
                error: r.get(4)?,
                exit_code: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
