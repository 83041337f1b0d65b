//! [`RegistrationHandler`]: one SNS delivery of a stack registration callback, end to end.
//! The raw SNS body is verified ([`SnsVerifier`]: signature, expected topic, age); a
//! `Notification`'s `Message` is parsed as a CloudFormation custom-resource request
//! ([`RegistrationRequest`], whose `ResponseURL` must be an https S3 URL);
//! [`Connector::register`] authenticates and acts; [`ResponseSender`] answers
//! CloudFormation. A `SubscriptionConfirmation` is confirmed (or its checked URL returned,
//! see [`SubscriptionConfirmer`]); an `UnsubscribeConfirmation` is verified and logged.
//!
//! Redeliveries. SNS, SQS and CloudFormation deliver at least once, and connector-core's
//! `register` is idempotent (a role submitted again to a live connection runs no test). On
//! top of that the handler remembers the last answers (bounded, 1,024 by default) by
//! `RequestId`: the same request delivered again (same stack, logical id and response URL)
//! is answered again with the remembered response, without calling `register` (no second
//! connection test, no settle wait), which also re-sends an answer whose first delivery
//! failed. A request that merely reuses a `RequestId` with another stack or URL is handled
//! afresh. Two deliveries handled at the same instant may both run `register`; the core's
//! idempotence covers that.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use connector_core::registration::{
    CustomResourceResponse, RegistrationError, RegistrationOutcome, RegistrationRequest,
    RegistrationSettle, ResponseStatus,
};
use connector_core::{Connector, ConnectorError, Timer};

use crate::TokioTimer;
use crate::response_sender::{ResponseSender, SendError};
use crate::sns::{
    SnsMessageType, SnsVerifier, SnsVerifyError, SubscribeUrl, SubscriptionConfirmer,
    SubscriptionError,
};

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandlerOutcome {
    /// A registration request was handled and answered.
    Answered {
        /// The request.
        request_id: String,
        /// What `register` did.
        outcome: RegistrationOutcome,
        /// The answer's status.
        status: ResponseStatus,
        /// Attempts the answer took.
        attempts: u32,
    },
    /// A request handled before was answered again with the remembered response
    /// (`register` not called).
    Redelivered {
        /// The request.
        request_id: String,
        /// The answer's status.
        status: ResponseStatus,
        /// Attempts the answer took.
        attempts: u32,
    },
    /// A subscription to an expected topic was confirmed.
    SubscriptionConfirmed {
        /// The topic.
        topic_arn: String,
    },
    /// A subscription to an expected topic awaits confirmation by the caller (no confirmer
    /// configured): visit this checked URL.
    SubscriptionToConfirm {
        /// The topic.
        topic_arn: String,
        /// The checked `SubscribeURL`.
        subscribe_url: SubscribeUrl,
    },
    /// An unsubscription was verified and logged.
    Unsubscribed {
        /// The topic.
        topic_arn: String,
    },
}

/// A delivery that was not handled: nothing was answered (leave an SQS message for
/// redelivery; answer an HTTP delivery with an error status).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandlerError {
    /// The SNS message was refused (forged, replayed, unexpected topic, certificate
    /// unavailable).
    #[error(transparent)]
    Sns(#[from] SnsVerifyError),
    /// The notification's `Message` is not a usable registration request (for instance a
    /// `ResponseURL` that is not S3): nothing can be answered.
    #[error(transparent)]
    Request(#[from] RegistrationError),
    /// The connector could not act (store or provider unavailable).
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    /// The answer could not be delivered.
    #[error(transparent)]
    Send(#[from] SendError),
    /// The subscription could not be confirmed.
    #[error(transparent)]
    Subscription(#[from] SubscriptionError),
}

/// A remembered answer.
#[derive(Debug, Clone)]
struct Remembered {
    request_id: String,
    stack_id: String,
    logical_resource_id: String,
    response_url: String,
    response: CustomResourceResponse,
}

impl Remembered {
    fn matches(&self, request: &RegistrationRequest) -> bool {
        self.request_id == request.request_id()
            && self.stack_id == request.stack_id().to_string()
            && self.logical_resource_id == request.logical_resource_id()
            && self.response_url == request.response_url().as_url().as_str()
    }
}

/// Verifier + `Connector::register` + `ResponseSender` (see the module docs).
#[derive(Debug)]
pub struct RegistrationHandler {
    verifier: SnsVerifier,
    connector: Connector,
    sender: ResponseSender,
    confirmer: Option<SubscriptionConfirmer>,
    timer: Arc<dyn Timer>,
    settle: RegistrationSettle,
    capacity: usize,
    recent: Mutex<VecDeque<Remembered>>,
}

impl RegistrationHandler {
    /// A handler with tokio's timer, the default settle time, no subscription confirmer
    /// (confirmations are returned to the caller) and 1,024 remembered answers.
    pub fn new(
        verifier: SnsVerifier,
        connector: Connector,
        sender: ResponseSender,
    ) -> RegistrationHandler {
        RegistrationHandler {
            verifier,
            connector,
            sender,
            confirmer: None,
            timer: Arc::new(TokioTimer),
            settle: RegistrationSettle::default(),
            capacity: 1_024,
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// Confirms subscriptions itself.
    pub fn with_subscription_confirmer(mut self, confirmer: SubscriptionConfirmer) -> Self {
        self.confirmer = Some(confirmer);
        self
    }

    /// The timer pacing the settle retries (default tokio's).
    pub fn with_timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// How long a Create or Update retries a brand-new role.
    pub fn with_settle(mut self, settle: RegistrationSettle) -> Self {
        self.settle = settle;
        self
    }

    /// How many answers are remembered for redeliveries (default 1,024; at least 1).
    pub fn with_recent_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The connector.
    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    /// Handles one raw SNS body.
    pub async fn handle(&self, body: &[u8]) -> Result<HandlerOutcome, HandlerError> {
        let verified = self.verifier.verify(body).await?;
        let message = verified.message();
        let topic_arn = message.topic_arn().to_owned();
        match message.message_type() {
            SnsMessageType::SubscriptionConfirmation => match &self.confirmer {
                Some(confirmer) => {
                    confirmer.confirm(&verified).await?;
                    Ok(HandlerOutcome::SubscriptionConfirmed { topic_arn })
                }
                None => Ok(HandlerOutcome::SubscriptionToConfirm {
                    subscribe_url: SubscriptionConfirmer::subscribe_url(&verified)?,
                    topic_arn,
                }),
            },
            SnsMessageType::UnsubscribeConfirmation => {
                tracing::warn!(topic = %topic_arn, "SNS unsubscribe confirmation received");
                Ok(HandlerOutcome::Unsubscribed { topic_arn })
            }
            SnsMessageType::Notification => {
                let request = RegistrationRequest::parse(message.message().as_bytes())?;
                self.answer(&request).await
            }
        }
    }

    async fn answer(&self, request: &RegistrationRequest) -> Result<HandlerOutcome, HandlerError> {
        if let Some(remembered) = self.remembered(request) {
            let delivered = self
                .sender
                .send(request.response_url(), &remembered.response)
                .await?;
            tracing::info!(
                request_id = request.request_id(),
                "registration redelivered; answered again"
            );
            return Ok(HandlerOutcome::Redelivered {
                request_id: request.request_id().to_owned(),
                status: remembered.response.status(),
                attempts: delivered.attempts,
            });
        }
        let registered = self
            .connector
            .register(request, self.timer.as_ref(), self.settle)
            .await?;
        self.remember(request, registered.response().clone());
        let delivered = self
            .sender
            .send(request.response_url(), registered.response())
            .await?;
        tracing::info!(
            request_id = request.request_id(),
            outcome = ?registered.outcome(),
            "registration answered"
        );
        Ok(HandlerOutcome::Answered {
            request_id: request.request_id().to_owned(),
            outcome: registered.outcome(),
            status: registered.response().status(),
            attempts: delivered.attempts,
        })
    }

    fn remembered(&self, request: &RegistrationRequest) -> Option<Remembered> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.iter().find(|r| r.matches(request)).cloned()
    }

    fn remember(&self, request: &RegistrationRequest, response: CustomResourceResponse) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.retain(|r| r.request_id != request.request_id());
        while recent.len() >= self.capacity {
            recent.pop_front();
        }
        recent.push_back(Remembered {
            request_id: request.request_id().to_owned(),
            stack_id: request.stack_id().to_string(),
            logical_resource_id: request.logical_resource_id().to_owned(),
            response_url: request.response_url().as_url().to_string(),
            response,
        });
    }
}
