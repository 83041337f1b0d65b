//! The operator page: the fleet at a glance, for the vendor's operators only.
//!
//! - `GET /operator`: counts by state, the connections in trouble with their diagnosis,
//!   the recent state changes. Needs an operator (see [`session`]): without one, a browser
//!   is sent to the login form (303); a bearer credential that is no operator key (a tenant
//!   key) is 401.
//! - `GET /operator/login`, `POST /operator/login` (form `csrf`, `key`): sets the session
//!   cookie and goes to `/operator`; a wrong key is 401 with the form again.
//! - `POST /operator/logout` (form `csrf`): removes the cookie.
//! - `POST /operator/connections/{id}/check` and `…/disconnect` (form `csrf`): only for an
//!   operator key issued with `may_act` (403 otherwise); "check now" runs the health check
//!   ([`Connector::check`](connector_core::Connector::check)).

mod credential;
mod fleet;
mod recent;
mod session;
mod time;
mod view;

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use connector_core::ConnectionId;
use serde::Deserialize;

pub use credential::OperatorKey;
pub use recent::RecentChanges;
use session::{Denied, Operator};

use crate::problem::Problem;
use crate::state::AppState;

/// The operator routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/operator", get(dashboard))
        .route("/operator/login", get(login_form).post(login))
        .route("/operator/logout", post(logout))
        .route("/operator/connections/{id}/check", post(check))
        .route("/operator/connections/{id}/disconnect", post(disconnect))
}

fn denied(denied: Denied) -> Response {
    match denied {
        Denied::Login => Redirect::to("/operator/login").into_response(),
        Denied::BadBearer => Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the operator page needs an operator key: Authorization: Bearer op.…",
        )
        .into_response(),
    }
}

fn forbidden(detail: &str) -> Response {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", detail).into_response()
}

async fn dashboard(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Problem> {
    let operator = match session::operator(&state, &headers) {
        Ok(operator) => operator,
        Err(why) => return Ok(denied(why)),
    };
    let fleet = fleet::scan(&state).await?;
    Ok(view::dashboard(&state, &operator, &fleet, None).into_response())
}

async fn login_form(State(state): State<AppState>) -> Response {
    view::login(&session::login_csrf(&state), false).into_response()
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
struct LoginForm {
    csrf: String,
    key: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(Form(form)) = form
        .ok()
        .filter(|f| session::same_site(&headers) && state.csrf_valid("operator-login", &f.csrf))
    else {
        return forbidden(
            "the form's CSRF token is missing or wrong; reload the page and try again",
        );
    };
    let key = credential::authenticate(&state.pages().operators, form.key.trim()).cloned();
    let Some(key) = key else {
        tracing::info!("operator login refused");
        return (
            StatusCode::UNAUTHORIZED,
            view::login(&session::login_csrf(&state), true),
        )
            .into_response();
    };
    tracing::info!(operator = %key.label(), "operator logged in");
    let value = session::new_session(&state, &key, state.now());
    let mut response = Redirect::to("/operator").into_response();
    if let Some(cookie) = session::set_cookie(&state, Some(&value)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// The operator of a form POST, with a valid CSRF token (bearer: none needed).
fn form_operator(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Operator, Response> {
    let operator = session::operator(state, headers).map_err(denied)?;
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if operator.session.is_some()
        && !(session::same_site(headers) && operator.csrf_valid(state, &csrf))
    {
        return Err(forbidden(
            "the form's CSRF token is missing or wrong; reload the page and try again",
        ));
    }
    Ok(operator)
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Err(response) = form_operator(&state, &headers, form) {
        return response;
    }
    let mut response = Redirect::to("/operator/login").into_response();
    if let Some(cookie) = session::set_cookie(&state, None) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The operator of an action: may act, with a valid CSRF token.
fn acting_operator(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Operator, Response> {
    let operator = form_operator(state, headers, form)?;
    if !operator.key.may_act() {
        return Err(forbidden("this operator key is read-only"));
    }
    Ok(operator)
}

fn connection_id(text: &str) -> Result<ConnectionId, Problem> {
    ConnectionId::new(text).map_err(|_| Problem::not_found())
}

async fn after_action(
    state: &AppState,
    operator: &Operator,
    notice: &str,
) -> Result<Response, Problem> {
    let fleet = fleet::scan(state).await?;
    Ok(view::dashboard(state, operator, &fleet, Some(notice)).into_response())
}

async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let operator = match acting_operator(&state, &headers, form) {
        Ok(operator) => operator,
        Err(response) => return Ok(response),
    };
    let id = connection_id(&id)?;
    let checked = state.connector().check(&id, None).await?;
    tracing::info!(operator = %operator.key.label(), connection = %id, outcome = checked.outcome().name(), "operator checked a connection");
    let notice = format!(
        "Checked {id}: {} ({} → {}).",
        checked.outcome().name(),
        checked.state_before().name(),
        checked.connection().state().name()
    );
    after_action(&state, &operator, &notice).await
}

async fn disconnect(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let operator = match acting_operator(&state, &headers, form) {
        Ok(operator) => operator,
        Err(response) => return Ok(response),
    };
    let id = connection_id(&id)?;
    let after = state.connector().disconnect(&id).await?;
    tracing::info!(operator = %operator.key.label(), connection = %id, "operator disconnected a connection");
    let notice = format!("Disconnected {id} (now {}).", after.state().name());
    after_action(&state, &operator, &notice).await
}
