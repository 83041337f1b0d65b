//! `POST /v1/connections/{name}/credentials`: short-lived credentials for the connection's
//! role, for the keys that may use it. The answer is in the AWS SDKs' `credential_process`
//! format, so a worker in any language (or the AWS CLI) can take them as they are; the
//! connector's shared session answers, so a thousand workers asking make one STS call.

use axum::Json;
use axum::extract::{Path, State};

use super::dto::CredentialsView;
use crate::auth::Caller;
use crate::directory::Access;
use crate::problem::Problem;
use crate::state::AppState;

/// Short-lived credentials for the connection's role (its default session), while the
/// connection is active or degraded. `Cache-Control: no-store`, like every answer.
#[utoipa::path(post, path = "/v1/connections/{name}/credentials", tag = "connections",
    params(("name" = String, Path, description = "The connection's name")),
    responses((status = 200, body = CredentialsView), (status = 401, body = crate::problem::Problem),
        (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
        (status = 409, description = "The connection is not active or degraded", body = crate::problem::Problem),
        (status = 502, description = "STS refused or failed", body = crate::problem::Problem)),
    security(("api_key" = [])))]
pub(crate) async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<CredentialsView>, Problem> {
    let resolved = caller.connection(&state, &name, Access::Use).await?;
    let credentials = state.connector().credentials(resolved.id()).await?;
    metrics::counter!("connector_server_credentials_issued_total").increment(1);
    tracing::info!(
        connection = %resolved.name(),
        key = %caller.key().id(),
        access_key_id = credentials.access_key_id(),
        "credentials issued"
    );
    Ok(Json(CredentialsView::of(&credentials)))
}
