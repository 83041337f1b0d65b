//! Confirming an SNS subscription (an HTTPS endpoint subscribed to the vendor's topic):
//! only a *verified* `SubscriptionConfirmation` of an *expected* topic (the verifier
//! refuses any other), only by a GET of its `SubscribeURL` on an SNS host
//! ([`SubscribeUrl`]), which must confirm that same topic.
//!
//! Decision: [`SubscriptionConfirmer`] makes the GET itself (SNS stops resending the
//! confirmation once visited, "Amazon SNS doesn't send notifications to this endpoint until
//! the subscription is confirmed", SNS Developer Guide); a vendor that prefers to confirm
//! out of band (a review step, `ConfirmSubscription` with the `Token`) calls
//! [`SubscriptionConfirmer::subscribe_url`] instead and visits the URL itself.
//! `UnsubscribeConfirmation`s are verified and logged by the handler; nothing else.

use std::time::Duration;

use super::cert_url::{SubscribeUrl, SubscribeUrlError};
use super::message::SnsMessageType;
use super::verifier::VerifiedSnsMessage;
use crate::https::{HttpClient, HttpError};

/// A subscription that was not confirmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubscriptionError {
    /// The message is not a `SubscriptionConfirmation`.
    #[error("the SNS message is a {0}, not a SubscriptionConfirmation")]
    NotAConfirmation(&'static str),
    /// The `SubscribeURL` is not an SNS confirmation of the message's topic.
    #[error(transparent)]
    Url(#[from] SubscribeUrlError),
    /// The GET failed.
    #[error("confirming the subscription failed: {0}")]
    Http(#[from] HttpError),
    /// SNS answered with another status than 200.
    #[error("SNS answered HTTP {0} to the subscription confirmation")]
    Status(u16),
}

/// Visits `SubscribeURL`s of verified confirmations.
#[derive(Debug, Clone)]
pub struct SubscriptionConfirmer {
    client: HttpClient,
    timeout: Duration,
}

impl SubscriptionConfirmer {
    /// Over HTTPS with the system's roots.
    pub fn new() -> Result<SubscriptionConfirmer, HttpError> {
        Ok(SubscriptionConfirmer {
            client: HttpClient::https_only()?,
            timeout: Duration::from_secs(10),
        })
    }

    /// **Tests only** (feature `testing`): every GET goes to `origin` (e.g. a server on
    /// 127.0.0.1) after the URL checks passed.
    #[cfg(any(test, feature = "testing"))]
    pub fn redirecting_for_tests(origin: &str) -> Result<SubscriptionConfirmer, HttpError> {
        Ok(SubscriptionConfirmer {
            client: HttpClient::redirecting_for_tests(origin)?,
            timeout: Duration::from_secs(10),
        })
    }

    /// The checked `SubscribeURL` of a verified confirmation (to visit out of band).
    pub fn subscribe_url(message: &VerifiedSnsMessage) -> Result<SubscribeUrl, SubscriptionError> {
        let message = message.message();
        if message.message_type() != SnsMessageType::SubscriptionConfirmation {
            return Err(SubscriptionError::NotAConfirmation(
                message.message_type().as_str(),
            ));
        }
        Ok(SubscribeUrl::parse(
            message.subscribe_url().unwrap_or_default(),
            message.topic_arn(),
        )?)
    }

    /// Confirms the subscription: GET of the checked `SubscribeURL`, 200 expected.
    pub async fn confirm(&self, message: &VerifiedSnsMessage) -> Result<(), SubscriptionError> {
        let url = SubscriptionConfirmer::subscribe_url(message)?;
        let answer = self
            .client
            .send(
                http::Method::GET,
                url.as_url(),
                bytes::Bytes::new(),
                64 * 1024,
                self.timeout,
            )
            .await?;
        if answer.status != http::StatusCode::OK {
            return Err(SubscriptionError::Status(answer.status.as_u16()));
        }
        tracing::info!(
            topic = message.message().topic_arn(),
            "SNS subscription confirmed"
        );
        Ok(())
    }
}
