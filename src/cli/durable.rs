//! `pipec run`'s durable side: the run key, the state store, resume and
//! `--force`. The interpreter stays store-agnostic; this wires a `Recorder`
//! into it as observer and memo.

use chrono::NaiveDate;
use pipec::ir::{PipelineId, Program};
use pipec::run::{Clock, Interrupt};
use pipec::store::{self, Begin, Recorder, RunKey, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct DurableArgs {
    /// The state database (default: `.pipec/state.db` beside the pipeline file).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Run everything again as a new run, even if this run key already ran or its plan changed.
    #[arg(long)]
    pub force: bool,
    /// Continue this run: its completed tasks are restored, the rest run.
    #[arg(long, value_name = "RUN_ID", conflicts_with_all = ["force", "as_of"])]
    pub resume: Option<String>,
}

pub struct Durable {
    pub run_id: String,
    pub as_of: NaiveDate,
    /// 0 for a new run.
    pub resumes: i64,
    pub recorder: Arc<Recorder>,
    /// What to tell the user before the run starts.
    pub note: Option<String>,
}

pub fn state_path(args: &DurableArgs, file: &Path) -> PathBuf {
    args.state
        .clone()
        .unwrap_or_else(|| store::default_path(file))
}

#[allow(clippy::too_many_arguments)]
pub fn begin(
    args: &DurableArgs,
    file: &Path,
    program: &Program,
    pipeline: PipelineId,
    trigger: String,
    as_of: NaiveDate,
    clock: &dyn Clock,
    interrupt: Interrupt,
) -> Result<Durable, String> {
    let path = state_path(args, file);
    let mut db = Store::open(&path).map_err(|e| e.to_string())?;
    let plan = store::plan_of(program, pipeline);
    let name = program.pipeline(pipeline).name.clone();
    let ctx = |e: store::StoreError| e.context_string(&path);
    let (begin, as_of) = match &args.resume {
        Some(id) => {
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
            let as_of = run.as_of.parse().unwrap_or(as_of);
            (
                db.resume(id, &plan, false, clock.now()).map_err(ctx)?,
                as_of,
            )
        }
        None => {
            let key = RunKey {
                pipeline: name,
                trigger,
                as_of,
            };
            let new_id = pipec::run::new_run_id(clock);
            (
                db.begin(&key, &plan, args.force, &new_id, clock.now())
                    .map_err(ctx)?,
                as_of,
            )
        }
    };
    let (resumes, note) = match &begin {
        Begin::New { .. } => (0, None),
        Begin::Resume {
            run_id,
            resumes,
            previous,
        } => {
            let note = if previous == "succeeded" {
                format!("already run: run `{run_id}` succeeded for this key; completed tasks are restored, not re-run (--force runs everything again)")
            } else {
                format!("resuming run `{run_id}` ({previous}): completed tasks are restored, the rest run")
            };
            (*resumes, Some(note))
        }
    };
    let run_id = begin.run_id().to_string();
    let recorder = Arc::new(Recorder::new(db, &run_id, program, interrupt));
    Ok(Durable {
        run_id,
        as_of,
        resumes,
        recorder,
        note,
    })
}

/// The run key's trigger part: how the stages were chosen.
pub fn trigger_label(trigger: Option<&str>, stages: Option<&str>) -> String {
    match (trigger, stages) {
        (Some(t), _) => t.to_string(),
        (None, Some(s)) if s != "all" => format!("stages:{s}"),
        _ => String::new(),
    }
}
