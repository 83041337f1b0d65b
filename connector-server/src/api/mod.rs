//! The REST API under `/v1`: JSON in and out, problem documents for errors, an OpenAPI
//! document generated from these handlers at `/v1/openapi.json` (the one route without a
//! key). Every other route needs `Authorization: Bearer ck.…` (401 otherwise).

mod artifacts;
mod body;
pub(crate) mod connections;
mod credentials;
pub mod dto;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use secrecy::ExposeSecret as _;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::auth::Caller;
use crate::directory::keys::rotate_key;
use crate::problem::Problem;
use crate::state::AppState;
use dto::{PermissionSetView, RotatedKey};

pub(crate) use artifacts::onboarding as connection_onboarding;
pub(crate) use artifacts::render as artifacts_of;
pub(crate) use connections::parse_role;

/// The permission sets offered, each line with why.
#[utoipa::path(get, path = "/v1/permission-sets", tag = "permission-sets",
    responses((status = 200, body = [PermissionSetView]), (status = 401, body = Problem)),
    security(("api_key" = [])))]
async fn permission_sets(
    State(state): State<AppState>,
    _caller: Caller,
) -> Json<Vec<PermissionSetView>> {
    Json(
        state
            .connector()
            .permission_sets()
            .map(PermissionSetView::of)
            .collect(),
    )
}

/// Rotates the calling key: a new key (shown once) with the same access; the calling key
/// stops working.
#[utoipa::path(post, path = "/v1/keys/rotate", tag = "keys",
    responses((status = 200, body = RotatedKey), (status = 401, body = Problem)),
    security(("api_key" = [])))]
async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<RotatedKey>, Problem> {
    let issued = rotate_key(state.directory(), caller.key(), state.now()).await?;
    Ok(Json(RotatedKey {
        key_id: issued.id().to_owned(),
        api_key: issued.key().expose_secret().into(),
    }))
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A tenant API key, `ck.ID.SECRET`"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document of the API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "connector-server", description = "Connections to customers' AWS accounts through cross-account IAM roles."),
    paths(
        connections::create, connections::list, connections::get, connections::get_artifacts,
        connections::submit_role, connections::verify, credentials::issue, connections::disconnect,
        connections::remove, connections::start_rotation, connections::complete_rotation,
        connections::onboarding_link, permission_sets, rotate
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// The `/v1` routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/openapi.json", get(openapi))
        .route(
            "/v1/connections",
            post(connections::create).get(connections::list),
        )
        .route(
            "/v1/connections/{name}",
            get(connections::get).delete(connections::remove),
        )
        .route(
            "/v1/connections/{name}/artifacts",
            get(connections::get_artifacts),
        )
        .route(
            "/v1/connections/{name}/role",
            post(connections::submit_role),
        )
        .route("/v1/connections/{name}/verify", post(connections::verify))
        .route(
            "/v1/connections/{name}/credentials",
            post(credentials::issue),
        )
        .route(
            "/v1/connections/{name}/disconnect",
            post(connections::disconnect),
        )
        .route(
            "/v1/connections/{name}/rotation",
            post(connections::start_rotation),
        )
        .route(
            "/v1/connections/{name}/rotation/complete",
            post(connections::complete_rotation),
        )
        .route(
            "/v1/connections/{name}/onboarding-link",
            post(connections::onboarding_link),
        )
        .route("/v1/permission-sets", get(permission_sets))
        .route("/v1/keys/rotate", post(rotate))
}
