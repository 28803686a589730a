//! The read endpoints: health, pipelines, runs, one run, an attempt's logs,
//! task statistics, markets, firings.

use super::auth::Access;
use super::json;
use super::{ApiError, Service};
use crate::firings::timeline;
use crate::ir::{CalendarChoice, Market, PipelineId};
use crate::store::RunFilter;
use crate::time::session::SessionCalendar;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

type Shared = State<Arc<Service>>;

/// The daemon's loop runs and the store answers.
pub(crate) async fn healthz(State(s): Shared) -> Result<impl IntoResponse, ApiError> {
    s.with_store(|store| {
        store.schema_version().map_err(ApiError::store)?;
        Ok(())
    })
    .await?;
    if !s.alive() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the daemon's loop has stopped",
        ));
    }
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

/// Ready to take work: the daemon's loop runs.
pub(crate) async fn readyz(State(s): Shared) -> Result<impl IntoResponse, ApiError> {
    if s.alive() {
        Ok(Json(serde_json::json!({ "status": "ready" })))
    } else {
        Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not ready"))
    }
}

pub(crate) async fn pipelines(
    State(s): Shared,
    headers: HeaderMap,
) -> Result<Json<Vec<json::Pipeline>>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    let now = s.clock.now();
    let service = s.clone();
    s.with_store(move |store| pipeline_views(&service, store, now))
        .await
        .map(Json)
}

/// Every pipeline of the daemon's files as the API and the pages show it.
pub(super) fn pipeline_views(
    service: &Service,
    store: &crate::store::Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<json::Pipeline>, ApiError> {
    let mut out = Vec::new();
    for target in &service.targets {
        let program = &target.program;
        let health =
            crate::health::assess(program, store, None, now).map_err(ApiError::internal)?;
        for (i, p) in program.pipelines.iter().enumerate() {
            let id = PipelineId(u32::try_from(i).unwrap_or(u32::MAX));
            let market_state = Market::load(p, None)
                .map(|m| m.with_clock(|_, clock| clock.state_at(now).name().to_string()))
                .map_err(ApiError::internal)?;
            let upcoming = timeline(program, &[id], now, None, 2 * p.triggers.len().max(1))
                .map_err(ApiError::internal)?;
            out.push(json::Pipeline {
                name: p.name.clone(),
                file: target.file.display().to_string(),
                calendar: p.calendar.as_ref().map(|c| match c {
                    CalendarChoice::Builtin(code) => code.clone(),
                    CalendarChoice::File(path) => path.display().to_string(),
                }),
                market_state,
                next_firings: upcoming
                    .into_iter()
                    .map(|f| json::NextFiring {
                        trigger: f.trigger,
                        at: crate::store::stamp(f.at),
                        local: f.at.with_timezone(&f.zone).to_rfc3339(),
                        stages: f.stages,
                    })
                    .collect(),
                sources: health
                    .iter()
                    // Its own sources, and the shared ones it produces
                    // (judged once, whoever produced them last).
                    .filter(|h| {
                        p.sources
                            .iter()
                            .any(|s| s.name == h.source && (s.shared || h.pipeline == p.name))
                    })
                    .map(|h| json::Source {
                        name: h.source.clone(),
                        producer: h.producer.clone(),
                        level: h.level.label().to_string(),
                        produced_at: h.produced_at.map(crate::store::stamp),
                        age_seconds: h.age_millis.map(|ms| ms / 1000),
                        age_sessions: h.age_sessions,
                    })
                    .collect(),
                paused_since: store.paused_since(&p.name).map_err(ApiError::store)?,
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
pub(crate) struct RunQuery {
    pipeline: Option<String>,
    status: Option<String>,
    as_of: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// The most runs one page holds.
const MAX_PAGE: usize = 500;

pub(crate) async fn runs(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<RunQuery>,
) -> Result<Json<json::RunPage>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {MAX_PAGE}"
        )));
    }
    let filter = RunFilter {
        pipeline: q.pipeline,
        status: q.status,
        as_of: q.as_of,
        limit,
        offset: q.offset.unwrap_or(0),
    };
    s.with_store(move |store| {
        let (rows, total) = store.runs_page(&filter).map_err(ApiError::store)?;
        Ok(json::RunPage {
            runs: rows.into_iter().map(json::Run::from).collect(),
            total,
            limit: filter.limit,
            offset: filter.offset,
        })
    })
    .await
    .map(Json)
}

pub(crate) async fn run(
    State(s): Shared,
    headers: HeaderMap,
    Path(run_id): Path<String>,
) -> Result<Json<json::RunDetail>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    s.with_store(move |store| {
        let row = store
            .run(&run_id)
            .map_err(ApiError::store)?
            .ok_or_else(|| ApiError::not_found(format!("no run `{run_id}`")))?;
        Ok(json::RunDetail {
            run: row.into(),
            stages: store.stage_details(&run_id).map_err(ApiError::store)?,
            tasks: store.task_details(&run_id).map_err(ApiError::store)?,
            attempts: store.attempt_details(&run_id).map_err(ApiError::store)?,
            gates: store.gate_details(&run_id).map_err(ApiError::store)?,
        })
    })
    .await
    .map(Json)
}

/// An attempt's stdout or stderr log, as pipec wrote it (secrets masked).
/// The file is found from what the store recorded, never from the URL.
pub(crate) async fn attempt_log(
    State(s): Shared,
    headers: HeaderMap,
    Path((run_id, pipeline, task, attempt, stream)): Path<(String, String, String, i64, String)>,
) -> Result<impl IntoResponse, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    if stream != "stdout" && stream != "stderr" {
        return Err(ApiError::not_found("the stream is `stdout` or `stderr`"));
    }
    let found = s
        .with_store(move |store| {
            let attempts = store.attempt_details(&run_id).map_err(ApiError::store)?;
            attempts
                .into_iter()
                .find(|a| a.pipeline == pipeline && a.task == task && a.attempt == attempt)
                .ok_or_else(|| ApiError::not_found("no such attempt in that run"))
        })
        .await?;
    let Some(dir) = found.run_dir else {
        return Err(ApiError::not_found(
            "the store does not know where this attempt's logs are",
        ));
    };
    let path = std::path::Path::new(&dir)
        .join("logs")
        .join(&found.pipeline)
        .join(format!("{}.{}.{stream}", found.task, found.attempt));
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok((
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            bytes,
        )),
        // A silent stream leaves no file: it printed nothing.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            Vec::new(),
        )),
        Err(e) => Err(ApiError::internal(format!(
            "cannot read `{}`: {e}",
            path.display()
        ))),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct PipelineQuery {
    pipeline: Option<String>,
}

pub(crate) async fn task_stats(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<PipelineQuery>,
) -> Result<Json<json::TaskStatsList>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    s.with_store(move |store| {
        let tasks = store
            .all_task_stats(q.pipeline.as_deref())
            .map_err(ApiError::store)?;
        Ok(json::TaskStatsList { tasks })
    })
    .await
    .map(Json)
}

/// The state of every calendar the pipelines use, on the daemon's clock.
pub(crate) async fn markets(
    State(s): Shared,
    headers: HeaderMap,
) -> Result<Json<Vec<json::Market>>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    let now = s.clock.now();
    let mut out: Vec<json::Market> = Vec::new();
    for target in &s.targets {
        for p in &target.program.pipelines {
            let market = Market::load(p, None).map_err(ApiError::internal)?;
            let Some(code) = market.calendar().map(|c| c.code().to_string()) else {
                continue;
            };
            if out.iter().any(|m| m.calendar == code) {
                continue;
            }
            out.push(market.with_clock(|calendar, clock| {
                let next = clock.next_transition(now);
                json::Market {
                    calendar: code.clone(),
                    zone: calendar.tz().name().to_string(),
                    state: clock.state_at(now).name().to_string(),
                    next_state: next.map(|t| t.state.name().to_string()),
                    next_at: next.map(|t| crate::store::stamp(t.at)),
                }
            }));
        }
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FiringQuery {
    status: Option<String>,
}

/// Firings the daemon handled, newest last; `?status=missed` for the missed ones.
pub(crate) async fn firings(
    State(s): Shared,
    headers: HeaderMap,
    Query(q): Query<FiringQuery>,
) -> Result<Json<Vec<json::Firing>>, ApiError> {
    s.auth.check(&headers, Access::Read)?;
    s.with_store(move |store| {
        Ok(store
            .firings()
            .map_err(ApiError::store)?
            .into_iter()
            .filter(|f| q.status.as_deref().map_or(true, |st| st == f.status))
            .map(|f| json::Firing {
                pipeline: f.pipeline,
                trigger: f.trigger,
                fire_at: f.fire_at,
                run_id: f.run_id,
                status: f.status,
            })
            .collect())
    })
    .await
    .map(Json)
}
