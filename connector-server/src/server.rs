//! The server: [`router`] puts the API, the pages, the operational endpoints, the SNS
//! callback and (feature `simulate`) the simulated stacks behind the security layers;
//! [`serve`] runs it on a listener until a shutdown future resolves, with the fleet worker
//! in the same process when a check queue is given.

use std::future::Future;
use std::sync::Arc;

use axum::Extension;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use connector_aws::Fleet;
use connector_core::{CheckQueue, FleetWorker};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::Layer as _;

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
        .route("/callbacks/sns", post(callbacks::sns))
        .route(
            "/.well-known/openid-configuration",
            get(crate::issuer::discovery),
        )
        .route("/.well-known/jwks.json", get(crate::issuer::jwks));
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
/// requests in flight finish (within [`SHUTDOWN_GRACE`]), and stops the fleet worker (when
/// `queue` was given: one in-process health-check worker over it, which must be the
/// connector's store). HTTP/1.1; a client that does not send its request headers within
/// [`ServerConfig::header_read_timeout`](crate::ServerConfig::header_read_timeout) is
/// disconnected, so slow clients cannot hold connections open.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    queue: Option<Arc<dyn CheckQueue>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let fleet = match queue {
        Some(queue) => {
            let worker = FleetWorker::builder(
                state.connector().clone(),
                queue,
                Arc::new(connector_aws::TokioTimer),
            )
            .build()
            .map_err(|e| std::io::Error::other(format!("fleet worker: {e}")))?;
            Some(Fleet::spawn([worker]))
        }
        None => None,
    };
    let header_timeout = state.config().header_read_timeout;
    let app = router(state);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(app.clone()));
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still in flight after the grace period were dropped");
        }
    }
    if let Some(fleet) = fleet {
        fleet.shutdown().await;
    }
    Ok(())
}

/// How long a shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
