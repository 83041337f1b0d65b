//! The one HTTP client of the registration transports (the SNS signing certificate, the
//! `SubscribeURL`, the response URL): hyper 1 through hyper-rustls on rustls 0.23 with the
//! aws-lc-rs provider and the system's root certificates, the stack the AWS SDK already
//! builds. Production clients speak https only; plain http exists only for tests
//! (feature `testing`), towards servers on the loopback interface.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A request that got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The client could not be built (no root certificates, say).
    #[error("the HTTPS client could not be built: {0}")]
    Setup(String),
    /// The request could not be built from the URL.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Connection, TLS or protocol failure (retryable).
    #[error("network error: {0}")]
    Network(String),
    /// No answer in time (retryable).
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The answer's body was larger than allowed.
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
}

/// An answer: the status and the body.
#[derive(Debug, Clone)]
pub(crate) struct HttpAnswer {
    pub(crate) status: http::StatusCode,
    pub(crate) body: Bytes,
}

/// hyper's pooled client over rustls.
#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
    /// Tests only: every request goes to this origin instead (scheme, host and port
    /// replaced; path and query kept). `None` in every production client.
    redirect: Option<url::Url>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpClient {
    /// https only, the system's roots, rustls on aws-lc-rs.
    pub(crate) fn https_only() -> Result<HttpClient, HttpError> {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(std::sync::Arc::new(
                rustls::crypto::aws_lc_rs::default_provider(),
            ))
            .map_err(|e| HttpError::Setup(e.to_string()))?
            .https_only()
            .enable_http1()
            .build();
        Ok(HttpClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
            redirect: None,
        })
    }

    /// Tests only: plain http allowed (https with no trusted root at all), and every
    /// request sent to `origin` (e.g. `http://127.0.0.1:PORT`) instead of the URL's own
    /// scheme, host and port.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn redirecting_for_tests(origin: &str) -> Result<HttpClient, HttpError> {
        let origin = url::Url::parse(origin).map_err(|e| HttpError::Setup(e.to_string()))?;
        let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::Setup(e.to_string()))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(HttpClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
            redirect: Some(origin),
        })
    }

    /// Sends one request with `body` (no `Content-Type`), and reads at most `limit` bytes
    /// of the answer, all within `timeout`.
    pub(crate) async fn send(
        &self,
        method: http::Method,
        url: &url::Url,
        body: Bytes,
        limit: usize,
        timeout: Duration,
    ) -> Result<HttpAnswer, HttpError> {
        let target = self.target(url)?;
        let request = http::Request::builder()
            .method(method)
            .uri(target.as_str())
            .body(Full::new(body))
            .map_err(|e| HttpError::InvalidRequest(e.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| HttpError::Network(error_chain(&e)))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), limit)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        HttpError::TooLarge(limit)
                    } else {
                        HttpError::Network(e.to_string())
                    }
                })?
                .to_bytes();
            Ok(HttpAnswer { status, body })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| HttpError::Timeout(timeout))?
    }
}

impl HttpClient {
    fn target(&self, url: &url::Url) -> Result<url::Url, HttpError> {
        let Some(origin) = &self.redirect else {
            return Ok(url.clone());
        };
        let mut target = origin.clone();
        target.set_path(url.path());
        target.set_query(url.query());
        Ok(target)
    }
}

/// The error and its sources, one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn production_clients_never_speak_plain_http() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = url::Url::parse(&format!("http://{}/x", listener.local_addr().unwrap())).unwrap();
        let client = HttpClient::https_only().unwrap();
        let result = client
            .send(
                http::Method::GET,
                &url,
                Bytes::new(),
                1_024,
                Duration::from_secs(5),
            )
            .await;
        assert!(matches!(result, Err(HttpError::Network(_))), "{result:?}");
        let accepted = tokio::time::timeout(Duration::from_millis(100), listener.accept()).await;
        assert!(accepted.is_err(), "no connection was even opened");
    }
}
