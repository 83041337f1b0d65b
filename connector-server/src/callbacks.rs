//! `POST /callbacks/sns`: the raw SNS delivery of a stack registration callback, handed to
//! [`connector_aws::RegistrationHandler`] (signature, topic and age checked there; a
//! registration's connection tested and CloudFormation answered). Enabled by configuration;
//! 404 otherwise. A refused message is 400 (SNS does not retry it); a failure to act is 503
//! (SNS retries).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use connector_aws::{HandlerError, HandlerOutcome};

use crate::problem::Problem;
use crate::state::AppState;

/// The handler.
pub(crate) async fn sns(State(state): State<AppState>, body: Bytes) -> Response {
    let Some(handler) = state.registration() else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "the SNS callback endpoint is not enabled on this server",
        )
        .into_response();
    };
    match handler.handle(&body).await {
        Ok(outcome) => {
            let kind = match outcome {
                HandlerOutcome::Answered { .. } => "answered",
                HandlerOutcome::Redelivered { .. } => "redelivered",
                HandlerOutcome::SubscriptionConfirmed { .. } => "subscription_confirmed",
                HandlerOutcome::SubscriptionToConfirm { .. } => "subscription_to_confirm",
                HandlerOutcome::Unsubscribed { .. } => "unsubscribed",
                _ => "handled",
            };
            metrics::counter!("connector_server_sns_callbacks_total", "outcome" => kind)
                .increment(1);
            Json(serde_json::json!({ "outcome": kind })).into_response()
        }
        Err(error @ (HandlerError::Sns(_) | HandlerError::Request(_))) => {
            tracing::warn!(%error, "SNS callback refused");
            metrics::counter!("connector_server_sns_callbacks_total", "outcome" => "refused")
                .increment(1);
            Problem::new(
                StatusCode::BAD_REQUEST,
                "sns-refused",
                "the SNS message was refused (signature, topic, age or content)",
            )
            .into_response()
        }
        Err(error) => {
            tracing::warn!(%error, "SNS callback not handled");
            metrics::counter!("connector_server_sns_callbacks_total", "outcome" => "failed")
                .increment(1);
            Problem::unavailable("the registration handler").into_response()
        }
    }
}
