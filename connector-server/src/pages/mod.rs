//! Server-rendered HTML pages (maud, no inline script, works without JavaScript). The mount
//! point for the customer's onboarding page and the operator page.
//!
//! Now: the customer's onboarding page at `/onboarding/{token}`, reached through the link
//! `POST /v1/connections` returns. The page token (see
//! [`check_page_token`](crate::directory::keys::check_page_token)) opens that connection's
//! page and its role submission, nothing else. Forms carry a CSRF token bound to the page
//! token ([`AppState::csrf_token`]); a POST without the right one is refused (403).
//!
//! - `GET /onboarding/{token}`: the state, the External ID, the trust policy, the
//!   quick-create link (when configured), the role ARN form; with `--simulate`, a "Launch
//!   stack (simulated)" button.
//! - `POST /onboarding/{token}/role` (form `csrf`, `role_arn`): runs the connection test and
//!   shows its report.
//! - `POST /onboarding/{token}/simulate-stack` (form `csrf`): creates the role in the
//!   simulated account and fills the form with its ARN.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use connector_core::{Connection, VerificationReport};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::api::dto::ReportView;
use crate::directory::PageTokenRecord;
use crate::directory::keys::check_page_token;
use crate::problem::Problem;
use crate::state::AppState;

/// The pages' routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/onboarding/{token}", get(page))
        .route("/onboarding/{token}/role", post(submit_role))
        .route("/onboarding/{token}/simulate-stack", post(simulate_stack))
}

fn layout(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                }
                body { main { (body) } }
            }
        }
        .into_string(),
    )
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        layout(
            "Link not valid",
            html! { h1 { "This onboarding link is not valid" } p { "It may have expired. Ask your vendor for a new link." } },
        ),
    )
        .into_response()
}

/// The live record of the token in the path, with its connection.
async fn open(
    state: &AppState,
    token: &str,
) -> Result<Option<(PageTokenRecord, Connection)>, Problem> {
    let Some(record) = check_page_token(state.directory(), token, state.now()).await? else {
        return Ok(None);
    };
    let id = record.connection.store_id(&record.tenant)?;
    match state.connector().get(&id).await {
        Ok(connection) => Ok(Some((record, connection))),
        Err(connector_core::ConnectorError::NotFound(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// What the page shows beside the connection.
#[derive(Default)]
struct Extra {
    role_arn: Option<String>,
    error: Option<Problem>,
    report: Option<ReportView>,
}

async fn render(
    state: &AppState,
    token: &str,
    record: &PageTokenRecord,
    connection: &Connection,
    extra: Extra,
) -> Html<String> {
    let csrf = state.csrf_token(&record.id);
    let onboarding = crate::api::connection_onboarding(state, connection)
        .await
        .ok();
    let trust = onboarding
        .as_ref()
        .map(|o| o.trust_policy().to_json_pretty());
    let state_name = connection.state().name();
    layout(
        "Connect your AWS account",
        html! {
            h1 { "Connect your AWS account" }
            p { "Connection " strong { (record.connection) } ": " strong id="state" { (state_name) } }
            @if let Some(diagnosis) = connection.last_diagnosis() {
                p id="diagnosis" { (diagnosis.code().to_string()) ": " (diagnosis.message()) " — " (diagnosis.remediation()) }
            }
            h2 { "1. Create the role" }
            p { "External ID: " code id="external-id" { (connection.external_id().as_str()) } }
            @if let Some(trust) = trust {
                details { summary { "Trust policy" } pre { code { (trust) } } }
            }
            @if state.simulated() {
                form method="post" action={ "/onboarding/" (token) "/simulate-stack" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Launch stack (simulated account)" }
                }
            }
            h2 { "2. Paste the role ARN" }
            form method="post" action={ "/onboarding/" (token) "/role" } {
                input type="hidden" name="csrf" value=(csrf);
                label for="role_arn" { "Role ARN" }
                input id="role_arn" name="role_arn" type="text" required
                    placeholder="arn:aws:iam::111122223333:role/VendorConnector"
                    value=(extra.role_arn.clone().or_else(|| connection.role_arn().map(ToString::to_string)).unwrap_or_default());
                button type="submit" { "Test connection" }
            }
            @if let Some(error) = &extra.error {
                p id="error" role="alert" { (error.detail) }
            }
            @if let Some(report) = &extra.report {
                section id="report" {
                    h2 { "Connection test: " (report.outcome) }
                    ul {
                        @for finding in &report.findings {
                            li { strong { (finding.code) } " " (finding.message) " — " (finding.remediation) }
                        }
                    }
                }
            }
        },
    )
}

async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Problem> {
    let Some((record, connection)) = open(&state, &token).await? else {
        return Ok(not_found());
    };
    Ok(
        render(&state, &token, &record, &connection, Extra::default())
            .await
            .into_response(),
    )
}

/// A form with the CSRF token.
#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: String,
    #[serde(default)]
    role_arn: Option<String>,
}

fn csrf_refused() -> Response {
    Problem::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "the form's CSRF token is missing or wrong; reload the page and try again",
    )
    .into_response()
}

async fn submit_role(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let Some((record, connection)) = open(&state, &token).await? else {
        return Ok(not_found());
    };
    let Some(Form(form)) = form.ok().filter(|f| state.csrf_valid(&record.id, &f.csrf)) else {
        return Ok(csrf_refused());
    };
    let text = form.role_arn.unwrap_or_default();
    let mut extra = Extra {
        role_arn: Some(text.clone()),
        ..Extra::default()
    };
    let connection = match crate::api::parse_role(&text) {
        Err(problem) => {
            extra.error = Some(problem);
            connection
        }
        Ok(role) => match state.connector().submit_role(connection.id(), role).await {
            Ok(done) => {
                extra.report = done
                    .report()
                    .map(|r: &VerificationReport| ReportView::of(r));
                done.into_connection()
            }
            Err(error) => {
                extra.error = Some(error.into());
                connection
            }
        },
    };
    let status = if extra.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(&state, &token, &record, &connection, extra).await,
    )
        .into_response())
}

async fn simulate_stack(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let Some((record, connection)) = open(&state, &token).await? else {
        return Ok(not_found());
    };
    if !form.is_ok_and(|Form(f)| state.csrf_valid(&record.id, &f.csrf)) {
        return Ok(csrf_refused());
    }
    #[cfg(feature = "simulate")]
    {
        let role = crate::simulate::create_stack(&state, &record.connection, &connection).await?;
        let extra = Extra {
            role_arn: Some(role.to_string()),
            ..Extra::default()
        };
        Ok(render(&state, &token, &record, &connection, extra)
            .await
            .into_response())
    }
    #[cfg(not(feature = "simulate"))]
    {
        let _ = connection;
        Ok(not_found())
    }
}
