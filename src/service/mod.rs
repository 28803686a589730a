//! The operations service: `pipec daemon --listen ADDR` serves, on the
//! daemon's runtime, a JSON API under `/api/v1/` (docs/api.md), Prometheus
//! `/metrics`, `/healthz` and `/readyz`. Answers come from the state store,
//! opened per request (WAL: readers never block the runs), and from the
//! compiled pipelines; a run started here is a durable run with the same
//! run-key rules as `pipec run`. One file per concern: `auth.rs` (the bearer
//! token), `reads.rs`, `writes.rs`, `feed.rs` (live events), `metrics.rs`,
//! `json.rs` (the public response types, separate from the store's rows).

mod auth;
mod feed;
mod json;
mod metrics;
mod pages;
mod reads;
mod writes;

pub use auth::Auth;

use crate::clock::Clock;
use crate::daemon::Target;
use crate::store::{Store, StoreError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// What the service answers from.
pub struct Service {
    pub targets: Vec<Arc<Target>>,
    /// The state store's path.
    pub state: PathBuf,
    pub auth: Auth,
    /// The daemon's clock (virtual in tests).
    pub clock: Arc<dyn Clock>,
    pub started: DateTime<Utc>,
    /// Set while the daemon's loop runs.
    pub alive: Arc<AtomicBool>,
    /// Between SIGTERM and SIGKILL for runs started here.
    pub grace: std::time::Duration,
}

/// Every route.
pub(crate) fn router(service: Arc<Service>) -> Router {
    let router = Router::new()
        .route("/healthz", get(reads::healthz))
        .route("/readyz", get(reads::readyz))
        .route("/metrics", get(metrics::scrape))
        .route("/api/v1/pipelines", get(reads::pipelines))
        .route("/api/v1/pipelines/{name}/runs", post(writes::start_run))
        .route("/api/v1/pipelines/{name}/pause", post(writes::pause))
        .route("/api/v1/pipelines/{name}/resume", post(writes::resume))
        .route("/api/v1/runs", get(reads::runs))
        .route("/api/v1/runs/{run_id}", get(reads::run))
        .route("/api/v1/runs/{run_id}/cancel", post(writes::cancel_run))
        .route("/api/v1/runs/{run_id}/retry", post(writes::retry_run))
        .route(
            "/api/v1/runs/{run_id}/attempts/{pipeline}/{task}/{attempt}/{stream}",
            get(reads::attempt_log),
        )
        .route("/api/v1/tasks", get(reads::task_stats))
        .route("/api/v1/markets", get(reads::markets))
        .route("/api/v1/firings", get(reads::firings))
        .route("/api/v1/events", get(feed::events));
    pages::routes(router).with_state(service)
}

/// Serves until `stop` turns true.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    axum::serve(listener, router(service))
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
}

impl Service {
    pub(crate) fn alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Opens the store and asks it, off the async threads.
    pub(crate) async fn with_store<T: Send + 'static>(
        &self,
        ask: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let path = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&path).map_err(ApiError::store)?;
            ask(&store)
        })
        .await
        .map_err(|e| ApiError::internal(format!("the store query stopped: {e}")))?
    }
}

/// An error answer: a status and `{"error": "…"}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl std::fmt::Display) -> ApiError {
        ApiError {
            status,
            message: message.to_string(),
        }
    }

    pub(crate) fn not_found(message: impl std::fmt::Display) -> ApiError {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn bad_request(message: impl std::fmt::Display) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn internal(error: impl std::fmt::Display) -> ApiError {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, error)
    }

    pub(crate) fn store(e: StoreError) -> ApiError {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
