//! `GET /onboarding/{token}/state`: the connection's live state for the page's script, as
//! JSON. Scoped by the page token like the page; it carries the state, what it means for the
//! customer, and the diagnosis — no External ID, no token, nothing of another connection.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use connector_core::{Connection, ConnectionState};
use serde::Serialize;

use super::open;
use crate::api::dto::DiagnosisView;
use crate::problem::Problem;
use crate::state::AppState;

/// The answer.
#[derive(Debug, Serialize)]
pub(crate) struct LiveState {
    /// `pending`, `verifying`, `active`, `degraded`, `disconnected` or `removed`.
    pub(crate) state: &'static str,
    /// What the state means for the customer, in one sentence.
    pub(crate) explanation: &'static str,
    /// In the state since (Unix seconds).
    pub(crate) since: i64,
    /// The record's revision.
    pub(crate) revision: u64,
    /// The last diagnosis (code, severity, message, remediation).
    pub(crate) diagnosis: Option<DiagnosisView>,
    /// Seconds until the next look is worth it; `None` once the state will not change by
    /// itself (active, disconnected, removed).
    pub(crate) poll_seconds: Option<u32>,
}

/// How often the page looks again while the state may still change by itself.
pub(crate) const POLL_SECONDS: u32 = 3;

/// What `state` means for the customer.
pub(crate) fn explanation(state: ConnectionState) -> &'static str {
    match state {
        ConnectionState::Pending => {
            "Waiting for the role: create it with one of the ways below, then paste its ARN."
        }
        ConnectionState::Verifying => {
            "Testing the connection to your role; this page updates by itself."
        }
        ConnectionState::Active => "Connected: the vendor reaches your account through the role.",
        ConnectionState::Degraded => {
            "Connected, but the last check failed; see the diagnosis and what to do."
        }
        ConnectionState::Disconnected => {
            "Disconnected: the vendor can no longer reach your account."
        }
        ConnectionState::Removed => "This connection was removed.",
        _ => "The connection's state.",
    }
}

/// The connection's diagnosis when it is about the state it is in now: none for an active
/// or removed connection (a refused test before the role was fixed is history then), and
/// otherwise only one made since the connection entered its state.
pub(crate) fn current_diagnosis(connection: &Connection) -> Option<&connector_core::Diagnosis> {
    match connection.state() {
        ConnectionState::Active | ConnectionState::Removed => None,
        _ => connection
            .last_diagnosis()
            .filter(|d| d.at() >= connection.state_since()),
    }
}

/// True while the state may change without the customer doing anything (the connection
/// test, the stack's callback).
pub(crate) fn may_change_by_itself(state: ConnectionState) -> bool {
    matches!(state, ConnectionState::Pending | ConnectionState::Verifying)
}

impl LiveState {
    /// The live state of `connection`.
    pub(crate) fn of(connection: &Connection) -> LiveState {
        let state = connection.state();
        LiveState {
            state: state.name(),
            explanation: explanation(state),
            since: connection.state_since().0,
            revision: connection.revision(),
            diagnosis: current_diagnosis(connection).map(DiagnosisView::of),
            poll_seconds: may_change_by_itself(state).then_some(POLL_SECONDS),
        }
    }
}

/// The handler: 404 (a problem document) for a token that opens nothing.
pub(crate) async fn state(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Problem> {
    let Some((_, connection)) = open(&state, &token).await? else {
        return Err(Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not-found",
            "this onboarding link is not valid; it may have expired",
        ));
    };
    Ok(Json(LiveState::of(&connection)).into_response())
}
