//! The write endpoints: start a run of a pipeline, cancel a run. A run
//! started here is a durable run with the same rules as `pipec run`: its run
//! key claimed atomically, the day refused when no trigger fires on it
//! (unless `any_day`), secrets read first; it runs on the daemon's runtime.

use super::auth::Access;
use super::json;
use super::{ApiError, Service};
use crate::daemon::Target;
use crate::ir::{PipelineId, StageId};
use crate::run::{self, RunOptions, Secrets};
use crate::store::durable::{self, Claim, Keep};
use crate::store::{Begin, RunKey, Store};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::Arc;

/// `POST /api/v1/pipelines/NAME/runs`; `{}` for the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartRun {
    /// `YYYY-MM-DD`; default: today on the daemon's clock (UTC).
    as_of: Option<NaiveDate>,
    /// Run the stages this trigger runs.
    trigger: Option<String>,
    /// `a..b`, `a,b`, `a` or `all`.
    stages: Option<String>,
    /// Run everything again as a new run of the key.
    #[serde(default)]
    force: bool,
    /// Run for a day none of the pipeline's triggers fires on.
    #[serde(default)]
    any_day: bool,
}

pub(crate) async fn start_run(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Option<Json<StartRun>>,
) -> Result<(StatusCode, Json<json::Started>), ApiError> {
    s.auth.check(&headers, Access::Write)?;
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let (target, id) = s
        .targets
        .iter()
        .find_map(|t| t.program.find_pipeline(&name).map(|id| (t.clone(), id)))
        .ok_or_else(|| ApiError::not_found(format!("no pipeline `{name}`")))?;
    let program = target.program.clone();
    let p = program.pipeline(id);
    if request.trigger.is_some() && request.stages.is_some() {
        return Err(ApiError::bad_request(
            "give `trigger` or `stages`, not both",
        ));
    }
    let stages = match (&request.trigger, &request.stages) {
        (Some(t), _) => run::plan::trigger_stages(p, t),
        (None, Some(spec)) => run::plan::select_stages(p, spec),
        (None, None) => run::plan::select_stages(p, "all"),
    }
    .map_err(ApiError::bad_request)?;
    let as_of = request.as_of.unwrap_or_else(|| s.clock.now().date_naive());
    if !request.any_day {
        crate::run_day::check(&program, id, request.trigger.as_deref(), as_of)
            .map_err(ApiError::bad_request)?;
    }
    let key = RunKey {
        pipeline: p.name.clone(),
        trigger: durable::trigger_label(
            request.trigger.as_deref(),
            request.stages.as_deref(),
            false,
        ),
        as_of,
    };
    let claim = Claim::Key {
        key,
        force: request.force,
    };
    launch(&s, &target, id, stages, claim).await
}

/// Claims a run (in the store, off the async threads) and runs it on the
/// daemon's runtime; answers `202` with its id.
async fn launch(
    s: &Arc<Service>,
    target: &Arc<Target>,
    id: PipelineId,
    stages: Vec<StageId>,
    claim: Claim,
) -> Result<(StatusCode, Json<json::Started>), ApiError> {
    let program = target.program.clone();
    Secrets::load(&program, id).map_err(ApiError::bad_request)?;
    let claim_program = program.clone();
    let state = s.state.clone();
    let clock = s.clock.clone();
    let interrupt = run::Interrupt::new();
    let claim_interrupt = interrupt.clone();
    let claimed = tokio::task::spawn_blocking(move || {
        let db = Store::open(&state)?;
        durable::begin(
            db,
            &claim_program,
            id,
            claim,
            &*clock,
            claim_interrupt,
            Keep::Settled,
        )
    })
    .await
    .map_err(|e| ApiError::internal(format!("the claim stopped: {e}")))?
    .map_err(|e| {
        if e.is_refusal() {
            ApiError::new(StatusCode::CONFLICT, e.to_string())
        } else {
            ApiError::store(e)
        }
    })?;
    let started = json::Started {
        run_id: claimed.run_id.clone(),
        begin: match claimed.begin {
            Begin::New { .. } => "new",
            Begin::Resume { .. } => "resumed",
        }
        .to_string(),
        as_of: claimed.as_of.to_string(),
    };
    let mut options = RunOptions::new(id, claimed.default_folder(&target.file));
    options.stages = Some(stages);
    options.clock = s.clock.clone();
    options.interrupt = interrupt;
    options.grace = s.grace;
    claimed.wire(&mut options);
    options.observers.push(run::hub::hub());
    options.observers.push(target.notices.observer());
    tokio::spawn(execute(program, options, claimed));
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// `POST /api/v1/runs/RUN_ID/retry`: the run again, resumed: what did not
/// finish runs (a failed task and what it blocked), what finished is kept.
pub(crate) async fn retry_run(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    Path(run_id): Path<String>,
) -> Result<(StatusCode, Json<json::Started>), ApiError> {
    s.auth.check(&headers, Access::Write)?;
    let lookup = run_id.clone();
    let row = s
        .with_store(move |store| {
            store
                .run(&lookup)
                .map_err(ApiError::store)?
                .ok_or_else(|| ApiError::not_found(format!("no run `{lookup}`")))
        })
        .await?;
    let (target, id) = s
        .targets
        .iter()
        .find_map(|t| {
            t.program
                .find_pipeline(&row.pipeline)
                .map(|id| (t.clone(), id))
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "run `{run_id}` is of pipeline `{}`, which this daemon does not drive",
                row.pipeline
            ))
        })?;
    let p = target.program.pipeline(id);
    // The stages it ran, from its run key's trigger part.
    let stages = match row.trigger.strip_prefix("stages:") {
        Some(spec) => run::plan::select_stages(p, spec),
        None if row.trigger.is_empty() => run::plan::select_stages(p, "all"),
        None => {
            let trigger = row.trigger.split('@').next().unwrap_or_default();
            run::plan::trigger_stages(p, trigger)
        }
    }
    .map_err(ApiError::bad_request)?;
    launch(&s, &target, id, stages, Claim::Run { run_id }).await
}

/// `POST /api/v1/pipelines/NAME/pause` and `…/resume`: its triggers' firings
/// are recorded `paused` and start nothing, until resumed.
pub(crate) async fn pause(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    set_paused(s, &headers, name, true).await
}

pub(crate) async fn resume(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    set_paused(s, &headers, name, false).await
}

/// The pause is kept in the store, so it outlives this daemon.
async fn set_paused(
    s: Arc<Service>,
    headers: &HeaderMap,
    name: String,
    paused: bool,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.auth.check(headers, Access::Write)?;
    if !s
        .targets
        .iter()
        .any(|t| t.program.find_pipeline(&name).is_some())
    {
        return Err(ApiError::not_found(format!("no pipeline `{name}`")));
    }
    let now = s.clock.now();
    let pipeline = name.clone();
    let changed = s
        .with_store(move |store| {
            if paused {
                store.pause(&pipeline, now)
            } else {
                store.resume_triggers(&pipeline)
            }
            .map_err(ApiError::store)
        })
        .await?;
    Ok(Json(serde_json::json!({
        "pipeline": name,
        "paused": paused,
        "changed": changed,
    })))
}

/// Runs to the end; the recorder (and the run's claim) is dropped after.
async fn execute(program: Arc<crate::ir::Program>, options: RunOptions, claimed: durable::Durable) {
    // Its outcome is in the store; an error before it started is not
    // (a run folder that cannot be made): mark the run so it is not left `running`.
    let clock = options.clock.clone();
    if let Err(e) = run::execute(program, options).await {
        claimed.recorder.fail_to_start(&e.to_string(), clock.now());
    }
}

pub(crate) async fn cancel_run(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    Path(run_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.auth.check(&headers, Access::Write)?;
    if durable::cancel(&run_id, "cancelled through the API") {
        Ok(Json(
            serde_json::json!({ "run_id": run_id, "cancelled": true }),
        ))
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("run `{run_id}` is not running in this daemon"),
        ))
    }
}
