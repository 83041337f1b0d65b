//! The connection endpoints under `/v1/connections`: create, list, get, artifacts, submit a
//! role, run the connection test, disconnect, remove, start and complete an External ID
//! rotation, and issue a new onboarding-page link. Every write goes through the
//! [`Connector`](connector_core::Connector) (the store's compare-and-swap).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use connector_core::{
    AccountId, ConnectionState, ListCursor, ListQuery, NewConnection, Region, RoleArn, TokenSubject,
};
use secrecy::ExposeSecret as _;
use serde::Deserialize;
use utoipa::IntoParams;

use super::artifacts;
use super::body::ApiJson;
use super::dto::{
    ArtifactLinks, ConnectionView, CreateConnection, Created, ListView, OnboardingLink, ReportView,
    SubmissionView, SubmitRole,
};
use crate::auth::Caller;
use crate::directory::keys::{self, issue_page_token};
use crate::directory::{Access, ConnectionName};
use crate::problem::Problem;
use crate::state::AppState;

fn submission(name: &ConnectionName, submission: &connector_core::Submission) -> SubmissionView {
    SubmissionView {
        connection: ConnectionView::of(name, submission.connection()),
        report: submission.report().map(ReportView::of),
    }
}

fn links(state: &AppState, name: &ConnectionName) -> ArtifactLinks {
    let base = format!(
        "{}/v1/connections/{name}/artifacts?format=",
        state.config().public_url
    );
    ArtifactLinks {
        cloudformation: format!("{base}cloudformation"),
        stacksets: format!("{base}stacksets"),
        terraform: format!("{base}terraform"),
        manual: format!("{base}manual"),
    }
}

/// The onboarding-page URL of a token.
pub(crate) fn page_url(state: &AppState, token: &str) -> String {
    format!("{}/onboarding/{token}", state.config().public_url)
}

fn permission_set(
    state: &AppState,
    text: &str,
) -> Result<connector_core::PermissionSetRef, Problem> {
    let matches: Vec<_> = state
        .connector()
        .permission_sets()
        .filter(|set| set.reference().to_string() == text || set.name() == text)
        .map(|set| set.reference().clone())
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(Problem::invalid(
            "permission_set",
            "one of the permission sets offered (GET /v1/permission-sets), as name or name@version",
        )),
    }
}

/// Creates a pending connection with a fresh External ID.
#[utoipa::path(post, path = "/v1/connections", tag = "connections",
    request_body = CreateConnection,
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 401, body = crate::problem::Problem), (status = 403, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateConnection>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    if !caller.key().may_create() {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this API key may not create connections",
        ));
    }
    let tenant = caller.key().tenant();
    let name = ConnectionName::parse(tenant, &body.name)?;
    let id = name.store_id(tenant)?;
    let mut new = NewConnection::new(id.clone())
        .with_display_name(body.display_name.unwrap_or_else(|| name.to_string()));
    if let Some(account) = &body.account_id {
        let account: AccountId = account
            .parse()
            .map_err(|_| Problem::invalid("account_id", "a 12-digit AWS account id"))?;
        new = new.with_account(account);
    }
    let mut regions = Vec::new();
    for (i, region) in body.regions.iter().enumerate() {
        regions.push(region.parse::<Region>().map_err(|_| {
            Problem::invalid(
                &format!("regions[{i}]"),
                "an AWS Region name such as us-east-1",
            )
        })?);
    }
    new = new.with_regions(regions);
    if let Some(set) = &body.permission_set {
        new = new.with_permission_set(permission_set(&state, set)?);
    }
    match body.trust.as_deref() {
        None | Some("external_id") => {}
        Some("web_identity") => {
            if state.connector().web_identity_tokens().is_none() {
                return Err(Problem::invalid(
                    "trust",
                    "web_identity needs the server's OIDC issuer (connector serve --oidc-issuer URL --oidc-key FILE)",
                ));
            }
            let subject = TokenSubject::for_tenant(tenant.as_str())
                .map_err(|_| Problem::invalid("trust", "the tenant makes no token subject"))?;
            new = new.with_web_identity(subject);
        }
        Some(_) => return Err(Problem::invalid("trust", "external_id or web_identity")),
    }
    let connection = state.connector().create(new).await?;
    // The creator manages what it created; without its grant and page link the connection
    // is removed again, so nothing half-made is left visible.
    let now = state.now();
    let ttl = state.config().page_token_ttl.as_secs();
    let finish = async {
        state
            .directory()
            .set_grant(tenant, &name, &caller.key().grantee(), Some(Access::Manage))
            .await?;
        issue_page_token(state.directory(), tenant, &name, ttl, now).await
    };
    let token = match finish.await {
        Ok(token) => token,
        Err(error) => {
            let _ = state.connector().remove(&id).await;
            return Err(error.into());
        }
    };
    let quick_create_link = match artifacts::onboarding(&state, &connection).await {
        Ok(onboarding) => artifacts::quick_create_link(&state, &onboarding).unwrap_or(None),
        Err(_) => None,
    };
    metrics::counter!("connector_server_connections_created_total").increment(1);
    Ok((
        StatusCode::CREATED,
        Json(Created {
            external_id: super::dto::external_id_of(&connection),
            connection: ConnectionView::of(&name, &connection),
            quick_create_link,
            artifacts: links(&state, &name),
            onboarding_url: page_url(&state, token.token().expose_secret()).into(),
            onboarding_url_expires_at: token.expires_at(),
        }),
    ))
}

/// The query of `GET /v1/connections`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// Only connections in this state.
    state: Option<String>,
    /// Resume after this cursor (the previous page's `next_cursor`).
    cursor: Option<String>,
    /// At most this many (1 to 1000, default 100).
    limit: Option<usize>,
}

/// One page of the tenant's connections the key can see, by name.
#[utoipa::path(get, path = "/v1/connections", tag = "connections", params(ListParams),
    responses((status = 200, body = ListView), (status = 401, body = crate::problem::Problem),
        (status = 422, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ListView>, Problem> {
    let Query(params) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let tenant = caller.key().tenant();
    let states: Vec<ConnectionState> = match &params.state {
        Some(text) => vec![
            ConnectionState::ALL
                .into_iter()
                .find(|s| s.name() == text)
                .ok_or_else(|| {
                    Problem::invalid(
                        "state",
                        "one of pending, verifying, active, degraded, disconnected, removed",
                    )
                })?,
        ],
        None => Vec::new(),
    };
    let limit = params.limit.unwrap_or(ListQuery::DEFAULT_LIMIT);
    if !(1..=ListQuery::MAX_LIMIT).contains(&limit) {
        return Err(Problem::invalid("limit", "a whole number from 1 to 1000"));
    }
    // The tenant's connections are the ids `TENANT_…`: one contiguous range, starting just
    // after `TENANT_` itself.
    let start = match &params.cursor {
        Some(text) => ConnectionName::parse(tenant, text)
            .and_then(|name| name.store_id(tenant))
            .map_err(|_| Problem::invalid("cursor", "a cursor from a previous page"))?,
        None => connector_core::ConnectionId::new(&format!("{tenant}_"))
            .map_err(|_| Problem::invalid("tenant", "a tenant id"))?,
    };
    let granted = if caller.key().default_access().is_some() {
        None
    } else {
        Some(keys::granted(state.directory(), caller.key()).await?)
    };
    let mut query = ListQuery::in_states(states.clone())
        .with_limit(limit)
        .with_cursor(Some(ListCursor::after(start)));
    let mut found = Vec::new();
    let mut more = true;
    'pages: while found.len() < limit {
        let page = state.connector().list(&query).await?;
        for connection in page.connections() {
            let Some(name) = ConnectionName::of_store_id(tenant, connection.id()) else {
                more = false;
                break 'pages;
            };
            let visible = granted.as_ref().is_none_or(|g| g.contains_key(&name));
            if visible {
                found.push(ConnectionView::of(&name, connection));
                if found.len() == limit {
                    break 'pages;
                }
            }
        }
        match page.next() {
            Some(next) => query = query.with_cursor(Some(next.clone())),
            None => {
                more = false;
                break;
            }
        }
    }
    let next_cursor = if more && found.len() == limit {
        found.last().map(|c| c.name.clone())
    } else {
        None
    };
    Ok(Json(ListView {
        connections: found,
        next_cursor,
    }))
}

/// A connection's state and diagnosis.
#[utoipa::path(get, path = "/v1/connections/{name}", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = ConnectionView), (status = 401, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<ConnectionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::View).await?;
    Ok(Json(ConnectionView::of(
        resolved.name(),
        resolved.connection(),
    )))
}

/// The query of the artifacts endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArtifactParams {
    /// One artifact as text: `cloudformation`, `stacksets`, `terraform`, `manual` or
    /// `trust-policy`; without it, all of them as JSON.
    format: Option<String>,
}

/// The connection's onboarding artifacts.
#[utoipa::path(get, path = "/v1/connections/{name}/artifacts", tag = "connections",
    params(("name" = String, Path, description = "The connection's name"), ArtifactParams),
    responses((status = 200, body = crate::api::dto::ArtifactsView), (status = 401, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn get_artifacts(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    params: Result<Query<ArtifactParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let resolved = caller.connection(&state, &name, Access::View).await?;
    let onboarding = artifacts::onboarding(&state, resolved.connection()).await?;
    let all = artifacts::render(&state, &onboarding)?;
    let (text, media) = match params.format.as_deref() {
        None => return Ok(Json(all).into_response()),
        Some("cloudformation") => (all.cloudformation, "application/yaml"),
        Some("stacksets") => (all.stacksets, "application/yaml"),
        Some("terraform") => (all.terraform, "text/plain; charset=utf-8"),
        Some("manual") => (all.manual, "text/plain; charset=utf-8"),
        Some("trust-policy") => (all.trust_policy, "application/json"),
        Some(_) => {
            return Err(Problem::invalid(
                "format",
                "one of cloudformation, stacksets, terraform, manual, trust-policy",
            ));
        }
    };
    Ok(([(header::CONTENT_TYPE, media)], text).into_response())
}

/// Records the customer's role and runs the connection test. A refused or inconclusive
/// test is still 200: the report says why and what to do.
#[utoipa::path(post, path = "/v1/connections/{name}/role", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    request_body = SubmitRole,
    responses((status = 200, body = SubmissionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn submit_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<SubmitRole>,
) -> Result<Json<SubmissionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let role = parse_role(&body.role_arn)?;
    let done = state.connector().submit_role(resolved.id(), role).await?;
    Ok(Json(submission(resolved.name(), &done)))
}

/// Checks a role ARN as the API and the pages take it.
pub(crate) fn parse_role(text: &str) -> Result<RoleArn, Problem> {
    text.trim()
        .parse::<RoleArn>()
        .map_err(|e| Problem::invalid("role_arn", e.to_string()))
}

/// Runs the connection test again.
#[utoipa::path(post, path = "/v1/connections/{name}/verify", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = SubmissionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<SubmissionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Use).await?;
    let done = state.connector().verify(resolved.id()).await?;
    Ok(Json(submission(resolved.name(), &done)))
}

/// Disconnects: no credentials from the next call on.
#[utoipa::path(post, path = "/v1/connections/{name}/disconnect", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = ConnectionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn disconnect(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<ConnectionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let after = state.connector().disconnect(resolved.id()).await?;
    Ok(Json(ConnectionView::of(resolved.name(), &after)))
}

/// Removes the connection (terminal; the record stays as `removed`).
#[utoipa::path(delete, path = "/v1/connections/{name}", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = ConnectionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<ConnectionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let after = state.connector().remove(resolved.id()).await?;
    Ok(Json(ConnectionView::of(resolved.name(), &after)))
}

/// Starts an External ID rotation: the artifacts now accept the current and the next id.
#[utoipa::path(post, path = "/v1/connections/{name}/rotation", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = ConnectionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn start_rotation(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<ConnectionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let after = state.connector().start_rotation(resolved.id()).await?;
    Ok(Json(ConnectionView::of(resolved.name(), &after)))
}

/// Completes the rotation once the customer's role accepts the next External ID.
#[utoipa::path(post, path = "/v1/connections/{name}/rotation/complete", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = SubmissionView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn complete_rotation(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<SubmissionView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let done = state.connector().complete_rotation(resolved.id()).await?;
    Ok(Json(submission(resolved.name(), &done)))
}

/// Issues a new onboarding-page link for the connection (earlier links keep working until
/// they expire).
#[utoipa::path(post, path = "/v1/connections/{name}/onboarding-link", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = OnboardingLink), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn onboarding_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<OnboardingLink>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Manage).await?;
    let token = issue_page_token(
        state.directory(),
        caller.key().tenant(),
        resolved.name(),
        state.config().page_token_ttl.as_secs(),
        state.now(),
    )
    .await?;
    Ok(Json(OnboardingLink {
        url: page_url(&state, token.token().expose_secret()).into(),
        expires_at: token.expires_at(),
    }))
}
