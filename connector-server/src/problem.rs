//! Problem documents (RFC 9457, `application/problem+json`): every error the server answers
//! is one, with `type`, `title`, `status`, `detail`, and for bad input the offending `field`
//! and the `rule` it broke. Details never carry a secret, a store id (`TENANT_NAME`) or
//! another connection's External ID: errors from the core are mapped by kind, not echoed.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use connector_core::ConnectorError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::{DirectoryError, InvalidName};

/// A problem document.
///
/// ```
/// use axum::http::StatusCode;
/// use connector_server::Problem;
/// let bad = Problem::invalid("role_arn", "an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME");
/// assert_eq!((bad.status(), bad.field(), bad.kind()),
///            (422, Some("role_arn"), "urn:connector-server:problem:invalid-input"));
/// let busy = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "retry").with_retry_after(2);
/// assert_eq!(busy.retry_after(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:connector-server:problem:SLUG`).
    #[serde(rename = "type")]
    kind: String,
    /// A short summary of the kind.
    title: String,
    /// The HTTP status.
    status: u16,
    /// What happened, for people.
    detail: String,
    /// The offending input field (bad input only).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// The rule it broke (bad input only).
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    /// Seconds to wait before retrying (429, 503), also sent as `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

impl Problem {
    /// A problem of `status` with the kind `slug`.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:connector-server:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            rule: None,
            retry_after: None,
        }
    }

    /// Bad input (422 unless `status` says otherwise): `field` broke `rule`.
    pub fn invalid(field: &str, rule: impl Into<String>) -> Problem {
        let rule = rule.into();
        Problem {
            field: Some(field.to_owned()),
            detail: format!("{field}: {rule}"),
            rule: Some(rule),
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", "")
        }
    }

    /// The kind, a URI (`urn:connector-server:problem:SLUG`).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The status's summary.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What happened, for people.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The offending input field (bad input only).
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The rule the field broke (bad input only).
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// Seconds to wait before retrying (429, 503).
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// Names the offending `field` and the `rule` it broke (the detail is kept).
    pub fn with_field(mut self, field: &str, rule: impl Into<String>) -> Problem {
        self.field = Some(field.to_owned());
        self.rule = Some(rule.into());
        self
    }

    /// Asks the client to wait `seconds` (at least 1) before retrying; sent as `Retry-After`.
    pub fn with_retry_after(mut self, seconds: u64) -> Problem {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// With another status.
    pub fn with_status(mut self, status: StatusCode) -> Problem {
        self.status = status.as_u16();
        self.title = status.canonical_reason().unwrap_or("Error").to_owned();
        self
    }

    /// 401: no valid API key.
    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required: Authorization: Bearer ck.…",
        )
    }

    /// 404: no such connection — the same document whether it is missing, another
    /// tenant's, or one this key may not see.
    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no connection of that name is visible to this caller",
        )
    }

    /// 403: the key sees the connection but lacks `needed`.
    pub fn forbidden(needed: &str) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this action needs {needed} access to the connection"),
        )
    }

    /// 429 with the wait.
    pub fn rate_limited(retry_after: u64) -> Problem {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many requests; retry after the time in Retry-After",
        )
        .with_retry_after(retry_after)
    }

    /// 503: a dependency did not answer.
    pub fn unavailable(what: &str) -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            format!("{what} is unavailable; nothing was changed by this request, retry"),
        )
        .with_retry_after(1)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<DirectoryError> for Problem {
    fn from(error: DirectoryError) -> Problem {
        tracing::warn!(%error, "directory unavailable");
        Problem::unavailable("the directory")
    }
}

impl From<InvalidName> for Problem {
    fn from(error: InvalidName) -> Problem {
        Problem::invalid(error.field(), error.rule())
    }
}

impl From<ConnectorError> for Problem {
    fn from(error: ConnectorError) -> Problem {
        match error {
            ConnectorError::InvalidValue { field, rule, .. } => {
                Problem::invalid(&field.replace(' ', "_"), rule)
            }
            ConnectorError::InvalidTransition { state, event, .. } => Problem::new(
                StatusCode::CONFLICT,
                "invalid-transition",
                format!("{event} is not possible while the connection is {state}"),
            ),
            ConnectorError::Conflict { .. } | ConnectorError::LeaseLost { .. } => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "the connection changed concurrently; reload and retry",
            )
            .with_retry_after(1),
            ConnectorError::NotFound(_) => Problem::not_found(),
            ConnectorError::AlreadyExists(_) => Problem::new(
                StatusCode::CONFLICT,
                "already-exists",
                "a connection of this name already exists",
            )
            .with_field("name", "unique within the tenant"),
            ConnectorError::NotLive { state, .. } => Problem::new(
                StatusCode::CONFLICT,
                "not-live",
                format!("the connection is {state}"),
            ),
            ConnectorError::StoreUnavailable { message } => {
                tracing::warn!(%message, "store unavailable");
                Problem::unavailable("the connection store")
            }
            ConnectorError::StoreMisconfigured { message } => {
                tracing::error!(%message, "store misconfigured");
                Problem::unavailable("the connection store")
            }
            ConnectorError::CorruptRecord { .. } => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "corrupt-record",
                "the connection is stored in a form that cannot be read",
            ),
            ConnectorError::Policy(e) => Problem::invalid("role_arn", e.to_string()),
            ConnectorError::Onboarding(e) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "artifacts",
                format!("the artifacts cannot be made: {e}"),
            ),
            // The customer's account refused the role (deleted, trust changed, or the IAM
            // OIDC provider of a web-identity connection deleted): the connection has been
            // moved as the refusal says, and nothing is handed out.
            ConnectorError::Provider(e) if e.kind.is_customer_refusal() => {
                tracing::info!(error = %e, "the customer's account refused the role");
                Problem::new(
                    StatusCode::CONFLICT,
                    "access-refused",
                    "the customer's account refused the role; the connection needs the customer",
                )
            }
            ConnectorError::Provider(e) if e.is_retryable() => {
                tracing::warn!(error = %e, "provider error, retryable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "provider-unavailable",
                    "STS is throttling or out of reach; retry",
                )
                .with_retry_after(1)
            }
            ConnectorError::Provider(e) => {
                tracing::warn!(error = %e, "provider error");
                Problem::new(StatusCode::BAD_GATEWAY, "provider", "the STS call failed")
            }
            other => {
                tracing::error!(error = %other, "unexpected connector error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the request could not be completed",
                )
            }
        }
    }
}
