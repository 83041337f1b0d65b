//! The server: [`router`] puts the API, the pages, the operational endpoints, the SNS
//! callback and (feature `simulate`) the simulated stacks behind the security layers;
//! [`serve`] runs it on a listener until a shutdown future resolves, with the fleet worker
//! in the same process when a check queue is given.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use connector_aws::{Fleet, TokioTimer};
use connector_core::{CheckQueue, FleetWorker};
use tokio::net::TcpListener;

use crate::problem::Problem;
use crate::security::{headers, limits, rate_limit};
use crate::state::AppState;
use crate::{api, callbacks, ops, pages};
use axum::http::StatusCode;

/// Every route, with the security layers: strict headers on every response, the per-IP rate
/// limit, the body limit, the timeout, and request metrics.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(api::router())
        .merge(pages::router())
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/callbacks/sns", post(callbacks::sns));
    #[cfg(feature = "simulate")]
    let routes = routes.route("/simulate/stacks/{name}", post(crate::simulate::stacks));
    let routes = routes
        .fallback(no_route)
        .method_not_allowed_fallback(no_method);
    let max_body = state.config().max_body_bytes;
    routes
        .layer(from_fn(ops::track))
        .layer(from_fn_with_state(state.clone(), limits::timeout))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(from_fn_with_state(state.clone(), limits::body_limit))
        .layer(from_fn_with_state(state.clone(), rate_limit::per_ip))
        .layer(from_fn(headers::security_headers))
        .with_state(state)
}

/// An unknown route: a problem document like every other error.
async fn no_route() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "not-found", "no such route")
}

/// A known route with another method.
async fn no_method() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this route does not take this method",
    )
}

/// Serves `state` on `listener` until `shutdown` resolves, then stops accepting, lets
/// requests in flight finish, and stops the fleet worker (when `queue` was given: one
/// in-process health-check worker over it, which must be the connector's store).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    queue: Option<Arc<dyn CheckQueue>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let fleet = match queue {
        Some(queue) => {
            let worker =
                FleetWorker::builder(state.connector().clone(), queue, Arc::new(TokioTimer))
                    .build()
                    .map_err(|e| std::io::Error::other(format!("fleet worker: {e}")))?;
            Some(Fleet::spawn([worker]))
        }
        None => None,
    };
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    if let Some(fleet) = fleet {
        fleet.shutdown().await;
    }
    result
}
