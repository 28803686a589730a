//! The dashboard: server-rendered pages on the `--listen` address, from assets
//! in the binary, updating live from `/api/v1/events` (docs/dashboard.md).
//! One file per page; `layout.rs` is the frame, `html.rs` the small pieces,
//! `gantt.rs` a run's attempts on a time line. The pipeline's drawing is
//! `graph::svg`, from the same model as the Mermaid and DOT graphs.

mod calendar;
mod gantt;
mod health;
mod home;
mod html;
mod layout;
mod pipeline;
mod run;

use super::auth::Access;
use super::{ApiError, Service};
use crate::store::Store;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

type Shared = State<Arc<Service>>;

pub(super) fn routes(router: Router<Arc<Service>>) -> Router<Arc<Service>> {
    router
        .route("/", get(index))
        .route("/pipelines/{name}", get(pipeline))
        .route("/runs/{run_id}", get(run))
        .route("/health", get(health))
        .route("/calendar", get(calendar))
        .route("/assets/pipec.css", get(css))
        .route("/assets/pipec.js", get(js))
}

/// A page: its reader needs read access (the token page otherwise), and it is
/// built from the store off the async threads.
async fn render(
    s: Arc<Service>,
    headers: &HeaderMap,
    build: impl FnOnce(&Service, &Store) -> Result<String, ApiError> + Send + 'static,
) -> Response {
    if s.auth.check(headers, Access::Read).is_err() {
        return (StatusCode::UNAUTHORIZED, Html(layout::token_page())).into_response();
    }
    let service = s.clone();
    match s.with_store(move |store| build(&service, store)).await {
        Ok(page) => Html(page).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn index(State(s): Shared, headers: HeaderMap) -> Response {
    render(s, &headers, home::page).await
}

#[derive(Debug, serde::Deserialize)]
struct Paging {
    offset: Option<usize>,
}

async fn pipeline(
    State(s): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(paging): Query<Paging>,
) -> Response {
    let offset = paging.offset.unwrap_or(0);
    render(s, &headers, move |s, store| {
        pipeline::page(s, store, &name, offset)
    })
    .await
}

async fn run(State(s): Shared, headers: HeaderMap, Path(run_id): Path<String>) -> Response {
    render(s, &headers, move |s, store| run::page(s, store, &run_id)).await
}

async fn health(State(s): Shared, headers: HeaderMap) -> Response {
    render(s, &headers, health::page).await
}

async fn calendar(State(s): Shared, headers: HeaderMap) -> Response {
    render(s, &headers, |s, _| Ok(calendar::page(s))).await
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        layout::CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        layout::JS,
    )
}

/// The zone a pipeline's times are shown in: its `timezone` (UTC for a name
/// no file of the daemon declares).
fn zone_of(s: &Service, pipeline: &str) -> chrono_tz::Tz {
    s.targets
        .iter()
        .find_map(|t| {
            let id = t.program.find_pipeline(pipeline)?;
            Some(t.program.pipeline(id).timezone)
        })
        .unwrap_or(chrono_tz::UTC)
}
