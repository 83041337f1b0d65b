//! [`ResponseSender`]: the answer to a custom-resource request, `PUT` to its pre-signed
//! `ResponseURL` (an https Amazon S3 URL, checked by [`ResponseUrl`]).
//!
//! The custom resource provider "sends the JSON file to the presigned URL" and "the total
//! size of the response body can't exceed 4096 bytes" (CloudFormation User Guide, "Custom
//! resource response objects"). The URL is pre-signed without a content type, so no
//! `Content-Type` header is sent (AWS's own `cfn-response` module sends an empty one for the
//! same reason). Network errors,
//! timeouts and 5xx answers are retried with exponential backoff, a bounded number of
//! times and within a total deadline well inside the resource's `ServiceTimeout`
//! (`onboarding` sets 600 s; CloudFormation's default is one hour), and so are 408 and 429;
//! any other 4xx (an expired or altered URL) is final.

use std::time::Duration;

use connector_core::registration::{CustomResourceResponse, ResponseUrl};

use crate::https::{HttpClient, HttpError};

/// The answer was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The client could not be built.
    #[error(transparent)]
    Setup(HttpError),
    /// S3 refused the answer (a 4xx other than 408 and 429: the URL expired or does not
    /// match): not retried.
    #[error("the response URL refused the answer with HTTP {status} after {attempts} attempt(s)")]
    Refused {
        /// The status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// Every attempt failed (network errors, timeouts or 5xx), or the deadline passed.
    #[error("the answer was not delivered after {attempts} attempt(s): {last}")]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
}

/// A delivered answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// Attempts it took (1 when the first one succeeded).
    pub attempts: u32,
}

/// `PUT`s answers to response URLs, with bounded retries (see the module docs).
#[derive(Debug, Clone)]
pub struct ResponseSender {
    client: HttpClient,
    attempts: u32,
    first_backoff: Duration,
    max_backoff: Duration,
    attempt_timeout: Duration,
    deadline: Duration,
}

impl ResponseSender {
    /// Over HTTPS with the system's roots: 5 attempts, backoff 1 s doubling to 8 s, 15 s
    /// per attempt, 90 s in all.
    pub fn new() -> Result<ResponseSender, SendError> {
        Ok(ResponseSender::with_client(
            HttpClient::https_only().map_err(SendError::Setup)?,
        ))
    }

    fn with_client(client: HttpClient) -> ResponseSender {
        ResponseSender {
            client,
            attempts: 5,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            attempt_timeout: Duration::from_secs(15),
            deadline: Duration::from_secs(90),
        }
    }

    /// **Tests only** (feature `testing`): every `PUT` goes to `origin` (e.g.
    /// `http://127.0.0.1:PORT`, plain http allowed) with the response URL's path and query.
    /// The response URL itself is still a checked [`ResponseUrl`].
    #[cfg(any(test, feature = "testing"))]
    pub fn redirecting_for_tests(origin: &str) -> Result<ResponseSender, SendError> {
        Ok(ResponseSender::with_client(
            HttpClient::redirecting_for_tests(origin).map_err(SendError::Setup)?,
        ))
    }

    /// The most attempts (at least 1; default 5).
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The first wait between attempts, doubled each time up to `max` (default 1 s, 8 s).
    pub fn with_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// The longest wait for one attempt (default 15 s).
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The total time allowed, attempts and waits included (default 90 s).
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// `PUT`s `response.to_json()` to `url`, retrying as configured.
    pub async fn send(
        &self,
        url: &ResponseUrl,
        response: &CustomResourceResponse,
    ) -> Result<Delivered, SendError> {
        let body = bytes::Bytes::from(response.to_json());
        let started = tokio::time::Instant::now();
        let mut backoff = self.first_backoff;
        let mut last = String::from("no attempt made");
        for attempt in 1..=self.attempts {
            let left = self.deadline.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(SendError::GaveUp {
                    attempts: attempt - 1,
                    last: format!("deadline of {:?} passed; {last}", self.deadline),
                });
            }
            match self
                .client
                .send(
                    http::Method::PUT,
                    url.as_url(),
                    body.clone(),
                    64 * 1024,
                    self.attempt_timeout.min(left),
                )
                .await
            {
                Ok(answer) if answer.status.is_success() => {
                    return Ok(Delivered { attempts: attempt });
                }
                Ok(answer)
                    if answer.status.is_client_error()
                        && answer.status != http::StatusCode::REQUEST_TIMEOUT
                        && answer.status != http::StatusCode::TOO_MANY_REQUESTS =>
                {
                    return Err(SendError::Refused {
                        status: answer.status.as_u16(),
                        attempts: attempt,
                    });
                }
                Ok(answer) => last = format!("HTTP {}", answer.status.as_u16()),
                Err(error) => last = error.to_string(),
            }
            tracing::warn!(attempt, last = %last, "custom-resource answer not delivered; retrying");
            if attempt < self.attempts {
                let wait = backoff.min(self.deadline.saturating_sub(started.elapsed()));
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(self.max_backoff);
            }
        }
        Err(SendError::GaveUp {
            attempts: self.attempts,
            last,
        })
    }
}
