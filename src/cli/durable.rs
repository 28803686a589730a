//! `pipec run`'s durable side: the run key, the state store, resume and
//! `--force`. The interpreter stays store-agnostic; this wires a `Recorder`
//! into it as observer and memo.

use chrono::NaiveDate;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use pipec::clock::Clock;
use pipec::health::{Level, StaleOnly};
use pipec::ir::{PipelineId, Program, StageId};
use pipec::run::{Interrupt, Memo};
use pipec::store::durable::{Claim, Keep};
use pipec::store::{self, Begin, RunKey, Store};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(super) struct DurableArgs {
    /// The state database (default: `.pipec/state.db` beside the pipeline file).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Run everything again as a new run, even if this run key already ran or its plan changed.
    #[arg(long)]
    pub force: bool,
    /// Continue this run: its completed tasks are restored, the rest run.
    #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["force", "as_of"])]
    pub resume: Option<String>,
    /// The file at --state is not a usable store (empty, another program's, damaged): move it aside to `<path>.bad-<time>-<random>` and start a new one (a store that opens fine is never moved).
    #[arg(long, conflicts_with_all = ["resume"])]
    pub new_store: bool,
    /// On resume, run again the tasks that ended warned, defaulted or skipped by their policy (by default their results are kept, like completed ones).
    #[arg(long, conflicts_with_all = ["force"])]
    pub rerun_incomplete: bool,
    /// Record nothing and resume nothing: an experiment, or a benchmark of the interpreter alone.
    #[arg(long, conflicts_with_all = ["state", "force", "resume", "stale", "new_store", "rerun_incomplete"])]
    pub no_state: bool,
    /// Re-run only the producers of stale data sources (see `pipec health`); the other tasks of their stages are restored from their last success.
    #[arg(long, conflicts_with_all = ["resume", "trigger", "stages"])]
    pub stale: bool,
    /// With --stale: the least staleness that counts.
    #[arg(
        long,
        default_value = "yellow",
        value_parser = PossibleValuesParser::new(Level::ALL.map(Level::label)).try_map(|s| s.parse::<Level>()),
        requires = "stale"
    )]
    pub min_staleness: Level,
}

/// What `--stale` runs.
pub(super) struct Stale {
    pub stages: Vec<StageId>,
    /// The producers to run again (of the run's pipeline).
    pub producers: HashSet<String>,
    /// `source (level, producer)` for the message.
    pub sources: Vec<String>,
}

/// `None` without `--stale`.
pub(super) fn stale(
    args: &DurableArgs,
    file: &Path,
    program: &Program,
    pipeline: PipelineId,
    clock: &dyn Clock,
) -> Result<Option<Stale>, String> {
    if !args.stale {
        return Ok(None);
    }
    let p = program.pipeline(pipeline);
    let path = state_path(args, file);
    let db = Store::open(&path).map_err(|e| e.to_string())?;
    let all = pipec::health::assess(program, &db, Some(&p.name), clock.now())
        .map_err(|e| e.to_string())?;
    let mut stages = Vec::new();
    let mut producers = HashSet::new();
    let mut sources = Vec::new();
    for h in &all {
        if h.level < args.min_staleness {
            continue;
        }
        // A shared source may be produced here by another task than the one
        // that last produced it, or by several: each of them is rerun.
        for s in p.sources.iter().filter(|s| s.name == h.source) {
            let producer = p.task(s.producer);
            if !stages.contains(&producer.stage) {
                stages.push(producer.stage);
            }
            producers.insert(producer.name.clone());
        }
        sources.push(format!(
            "{} ({}, producer {})",
            h.source,
            h.level.label(),
            h.producer
        ));
    }
    stages.sort();
    Ok(Some(Stale {
        stages,
        producers,
        sources,
    }))
}

/// A claimed durable run, as `pipec run` uses it.
pub(super) struct Durable {
    pub run: store::durable::Durable,
    /// What restores finished tasks: the recorder, or `--stale`'s wrapper of it.
    pub memo: Arc<dyn Memo>,
    /// What to tell the user before the run starts.
    pub note: Option<String>,
}

pub(super) fn state_path(args: &DurableArgs, file: &Path) -> PathBuf {
    args.state
        .clone()
        .unwrap_or_else(|| store::default_path(file))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn begin(
    args: &DurableArgs,
    file: &Path,
    program: &Program,
    pipeline: PipelineId,
    trigger: String,
    as_of: NaiveDate,
    clock: &dyn Clock,
    interrupt: Interrupt,
    stale: Option<&Stale>,
) -> Result<Durable, String> {
    let path = state_path(args, file);
    let db = if args.new_store {
        let (db, moved) = Store::start_anew(&path, clock.now()).map_err(|e| e.to_string())?;
        if let Some(moved) = moved {
            eprintln!(
                "note: moved the old state store aside to `{}`",
                moved.display()
            );
        }
        db
    } else {
        Store::open(&path).map_err(|e| e.to_string())?
    };
    let name = program.pipeline(pipeline).name.clone();
    let ctx = |e: store::StoreError| e.context_string(&path);
    if let Some(id) = &args.resume {
        let run = db
            .run(id)
            .map_err(ctx)?
            .ok_or_else(|| format!("no run `{id}` in the state store `{}`", path.display()))?;
        if run.pipeline != name {
            return Err(format!(
                "run `{id}` is of pipeline `{}`; add --pipeline {}",
                run.pipeline, run.pipeline
            ));
        }
        if run.trigger != trigger {
            let how = match run.trigger.strip_prefix("stages:") {
                Some(s) => format!("--stages {s}"),
                None if run.trigger.is_empty() => "neither --trigger nor --stages".into(),
                None => format!("--trigger {}", run.trigger),
            };
            return Err(format!("run `{id}` ran other stages; use {how}"));
        }
    }
    let previous = match stale {
        Some(_) => last_outputs(&db, program, pipeline).map_err(ctx)?,
        None => HashMap::new(),
    };
    let claim = match &args.resume {
        Some(run_id) => Claim::Run {
            run_id: run_id.clone(),
        },
        None => Claim::Key {
            key: RunKey {
                pipeline: name.clone(),
                trigger,
                as_of,
            },
            // A `--stale` run is about now, not about a day's work: always new.
            force: args.force || stale.is_some(),
        },
    };
    let keep = if args.rerun_incomplete {
        Keep::Completed
    } else {
        Keep::Settled
    };
    let run =
        store::durable::begin(db, program, pipeline, claim, clock, interrupt, keep).map_err(ctx)?;
    let memo: Arc<dyn Memo> = match stale {
        Some(s) => Arc::new(StaleOnly::new(
            run.recorder.clone(),
            &name,
            s.producers.clone(),
            previous,
        )),
        None => run.recorder.clone(),
    };
    let note = resume_note(&run.begin);
    Ok(Durable { run, memo, note })
}

/// What to say before a resumed run starts.
fn resume_note(begin: &Begin) -> Option<String> {
    let Begin::Resume {
        run_id,
        previous,
        ended,
        ..
    } = begin
    else {
        return None;
    };
    let mut note = if previous == "succeeded" {
        format!("already run: run `{run_id}` succeeded for this key; finished tasks are restored, not re-run (--force runs everything again)")
    } else {
        format!("resuming run `{run_id}` ({previous}): finished tasks (completed, warned, defaulted, skipped by policy) are restored, the rest run")
    };
    if !ended.is_empty() {
        let pids: Vec<String> = ended.iter().map(ToString::to_string).collect();
        note.push_str(&format!(
            "; first ended {} process(es) the run's dead pipec left running (pid {})",
            ended.len(),
            pids.join(", ")
        ));
    }
    Some(note)
}

/// (pipeline, task) → an output.
type Outputs = HashMap<(String, String), serde_json::Map<String, serde_json::Value>>;

/// Each task's last successful output, for `--stale` to restore.
fn last_outputs(
    db: &Store,
    program: &Program,
    pipeline: PipelineId,
) -> Result<Outputs, store::StoreError> {
    let p = program.pipeline(pipeline);
    let mut out = HashMap::new();
    for t in p.dag.node_indices() {
        let name = &p.task(t).name;
        if let Some(stats) = db.task_stats(&p.name, name)? {
            if let Some(serde_json::Value::Object(m)) = stats.last_output {
                out.insert((p.name.clone(), name.clone()), m);
            }
        }
    }
    Ok(out)
}
