//! [`ApiJson`]: a JSON request body whose errors are problem documents — 415 for another
//! media type, 413 past the size limit, 400 for broken JSON, 422 naming the field (its
//! path) and the rule for a value of the wrong shape or an unknown field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::problem::Problem;
use crate::security::limits::too_large;
use crate::state::AppState;

/// A JSON body of `T`.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &AppState) -> Result<ApiJson<T>, Problem> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "media-type",
                "the body must be JSON (Content-Type: application/json)",
            )
            .with_field("Content-Type", "application/json"));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large(state.config().max_body_bytes)
                } else {
                    Problem::new(
                        StatusCode::BAD_REQUEST,
                        "body",
                        "the body could not be read",
                    )
                }
            })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => Ok(ApiJson(value)),
            Err(error) => {
                let inner = error.inner();
                if inner.is_syntax() || inner.is_eof() {
                    return Err(Problem::new(
                        StatusCode::BAD_REQUEST,
                        "json",
                        format!(
                            "the body is not valid JSON: line {}, column {}",
                            inner.line(),
                            inner.column()
                        ),
                    ));
                }
                let path = error.path().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                Err(Problem::invalid(&field, inner.to_string()))
            }
        }
    }
}
