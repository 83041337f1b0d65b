//! The customer's onboarding page, reached through the link `POST /v1/connections` returns
//! (`/onboarding/{token}`). The page token opens that connection's page, its role
//! submission and its state, nothing else; forms carry a CSRF token bound to the page token
//! ([`AppState::csrf_token`]) and a POST without the right one is refused (403).
//!
//! - `GET /onboarding/{token}[?method=cloudformation|terraform|manual]`: the state, the
//!   External ID, the chosen way to create the role with its artifact, the policies with
//!   "why each line" and the guarantees, the role ARN form, the disconnect steps.
//! - `GET /onboarding/{token}/state`: the live state as JSON (no secrets), polled by the
//!   page's script.
//! - `POST /onboarding/{token}/role` (form `csrf`, `role_arn`, `method`): runs the
//!   connection test and shows the result next to the field.
//! - `POST /onboarding/{token}/simulate-stack` (form `csrf`, `method`; `--simulate` only):
//!   creates the role in the simulated account and fills the form with its ARN.

mod artifacts;
mod policies;
mod state_json;
mod view;

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use connector_core::{Connection, VerificationReport};
use serde::Deserialize;

use super::layout::not_found;
use crate::api::dto::ReportView;
use crate::directory::PageTokenRecord;
use crate::directory::keys::check_page_token;
use crate::problem::Problem;
use crate::state::AppState;

pub(crate) use artifacts::Method;

/// The onboarding routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/onboarding/{token}", get(page))
        .route("/onboarding/{token}/state", get(state_json::state))
        .route("/onboarding/{token}/role", post(submit_role))
        .route("/onboarding/{token}/simulate-stack", post(simulate_stack))
}

/// The live record of the token in the path, with its connection (`None`: the token opens
/// nothing, or its connection is gone).
pub(crate) async fn open(
    state: &AppState,
    token: &str,
) -> Result<Option<(PageTokenRecord, Connection)>, Problem> {
    let Some(record) = check_page_token(state.directory(), token, state.now()).await? else {
        return Ok(None);
    };
    let id = record.connection().store_id(record.tenant())?;
    match state.connector().get(&id).await {
        Ok(connection) => Ok(Some((record, connection))),
        Err(connector_core::ConnectorError::NotFound(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// What the page shows beside the connection.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// The way to create the role the customer chose.
    pub(crate) method: Method,
    /// The text in the role ARN field.
    pub(crate) role_arn: Option<String>,
    /// Why the submitted ARN was not taken (shown next to the field).
    pub(crate) error: Option<Problem>,
    /// The connection test's report.
    pub(crate) report: Option<ReportView>,
    /// A line of news at the top (the simulated stack was created).
    pub(crate) notice: Option<String>,
}

/// The query of the page.
#[derive(Debug, Deserialize)]
struct PageParams {
    #[serde(default)]
    method: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    params: Result<Query<PageParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Some((record, connection)) = open(&state, &token).await? else {
        return Ok(not_found());
    };
    let method = params
        .ok()
        .and_then(|Query(p)| p.method)
        .as_deref()
        .map(Method::parse)
        .unwrap_or_default();
    let extra = Extra {
        method,
        ..Extra::default()
    };
    Ok(view::render(&state, &token, &record, &connection, extra)
        .await
        .into_response())
}

/// A form of the page, with its CSRF token.
#[derive(Debug, Deserialize)]
struct PageForm {
    csrf: String,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    method: Option<String>,
}

impl PageForm {
    fn method(&self) -> Method {
        self.method
            .as_deref()
            .map(Method::parse)
            .unwrap_or_default()
    }
}

fn csrf_refused() -> Response {
    Problem::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "the form's CSRF token is missing or wrong; reload the page and try again",
    )
    .into_response()
}

/// The token's record and connection with the posted form, or the page that refuses it: the
/// 404 page for a token that opens nothing, 403 for a form without the page's CSRF token.
async fn open_form(
    state: &AppState,
    token: &str,
    form: Result<Form<PageForm>, axum::extract::rejection::FormRejection>,
) -> Result<Result<(PageTokenRecord, Connection, PageForm), Response>, Problem> {
    let Some((record, connection)) = open(state, token).await? else {
        return Ok(Err(not_found()));
    };
    match form.ok().filter(|f| state.csrf_valid(record.id(), &f.csrf)) {
        Some(Form(form)) => Ok(Ok((record, connection, form))),
        None => Ok(Err(csrf_refused())),
    }
}

/// What to do about a role ARN the server could not take.
pub(crate) const ROLE_ARN_REMEDIATION: &str = "Copy the role's ARN from the stack's Outputs tab (RoleArn), the Terraform output role_arn, or IAM > Roles > the role > ARN. It looks like arn:aws:iam::123456789012:role/NAME, with your 12-digit account id.";

async fn submit_role(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<Form<PageForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let (record, connection, form) = match open_form(&state, &token, form).await? {
        Ok(opened) => opened,
        Err(refused) => return Ok(refused),
    };
    let text = form.role_arn.clone().unwrap_or_default();
    let mut extra = Extra {
        method: form.method(),
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
        view::render(&state, &token, &record, &connection, extra).await,
    )
        .into_response())
}

async fn simulate_stack(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<Form<PageForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, Problem> {
    let (record, connection, form) = match open_form(&state, &token, form).await? {
        Ok(opened) => opened,
        Err(refused) => return Ok(refused),
    };
    #[cfg(feature = "simulate")]
    {
        let role = crate::simulate::create_stack(&state, record.connection(), &connection).await?;
        let extra = Extra {
            method: form.method(),
            notice: Some(format!(
                "The simulated stack created the role {role} in the simulated account. Its ARN is filled in below: test the connection."
            )),
            role_arn: Some(role.to_string()),
            ..Extra::default()
        };
        Ok(view::render(&state, &token, &record, &connection, extra)
            .await
            .into_response())
    }
    #[cfg(not(feature = "simulate"))]
    {
        let _ = (record, connection, form);
        Ok(not_found())
    }
}
