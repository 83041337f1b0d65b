//! The vendor's OIDC issuer documents, served from this server when it is the issuer's
//! host (`AppStateBuilder::with_oidc_issuer`): `GET /.well-known/openid-configuration` and
//! `GET /.well-known/jwks.json`, what AWS fetches to verify the tokens of web-identity
//! connections. Public (they hold only public keys), cached briefly: a rotation publishes
//! the next key before the switch, so a cache of five minutes never misses a key in use.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;
use crate::state::AppState;

/// How long clients may cache the documents.
const CACHE: &str = "public, max-age=300";

fn not_published() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "this server publishes no OIDC issuer",
    )
    .into_response()
}

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn discovery(State(state): State<AppState>) -> Response {
    match state.oidc_issuer() {
        Some(issuer) => (
            [(header::CACHE_CONTROL, CACHE)],
            Json(issuer.read(|i| i.discovery())),
        )
            .into_response(),
        None => not_published(),
    }
}

/// `GET /.well-known/jwks.json`.
pub(crate) async fn jwks(State(state): State<AppState>) -> Response {
    match state.oidc_issuer() {
        Some(issuer) => (
            [(header::CACHE_CONTROL, CACHE)],
            Json(issuer.read(|i| i.jwks())),
        )
            .into_response(),
        None => not_published(),
    }
}
