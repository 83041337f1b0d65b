//! Operational endpoints: `/healthz` (the process answers), `/readyz` (the connection store
//! and the directory answer; 503 otherwise), `/metrics` (Prometheus text format: the
//! server's request counters and everything connector-core records through the `metrics`
//! facade, when a recorder's handle was given), and the request-counting middleware.

use std::time::Instant;

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use connector_core::ListQuery;

use crate::problem::Problem;
use crate::state::AppState;

/// `GET /healthz`.
pub(crate) async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: one listing of the store (one connection) and a directory ping.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let store = state
        .connector()
        .list(&ListQuery::all().with_limit(1))
        .await;
    if let Err(error) = store {
        tracing::warn!(%error, "readyz: store unreachable");
        return Problem::unavailable("the connection store").into_response();
    }
    if let Err(error) = state.directory().ping().await {
        tracing::warn!(%error, "readyz: directory unreachable");
        return Problem::unavailable("the directory").into_response();
    }
    Json(serde_json::json!({ "status": "ready" })).into_response()
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics() {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "metrics are not enabled on this server",
        )
        .into_response(),
    }
}

/// Counts requests by route and status, and times them.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("connector_server_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("connector_server_request_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
