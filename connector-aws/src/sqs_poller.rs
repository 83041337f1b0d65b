//! [`SqsRegistrationPoller`]: stack registration callbacks read from an SQS queue
//! subscribed to the vendor's SNS topic, for vendors who prefer not to expose an HTTPS
//! endpoint. Each message body is the SNS envelope (the subscription must *not* use raw
//! message delivery: the signature fields are what make the message verifiable); it goes
//! to the [`RegistrationHandler`] like an HTTPS delivery would.
//!
//! A message is deleted only after it was handled, that is answered (or, for a
//! subscription or unsubscription, acted on). Anything else (a refused signature, a
//! malformed request, a store or network failure, an answer not delivered) leaves it in the
//! queue: SQS makes it visible again after the visibility timeout and it is redelivered.
//! Give the queue a redrive policy (a dead-letter queue with a `maxReceiveCount`) so a
//! message that can never be handled (forged, malformed) is moved aside instead of being
//! received until its retention period ends. The visibility timeout requested on each
//! receive (default 300 s) covers the settle time of a new role (60 s) plus the answer's
//! deadline (90 s), so a message is not redelivered to another poller while still handled;
//! if it were, the handler's redelivery path answers it again without a second test.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use connector_core::Shutdown;
use futures_util::future::{Either, join_all, select};

use crate::registration_handler::{HandlerError, HandlerOutcome, RegistrationHandler};

/// The queue could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("receiving from the registration queue failed: {0}")]
pub struct PollError(String);

/// What happened to one message.
#[derive(Debug)]
pub struct PolledMessage {
    /// SQS's message id.
    pub message_id: Option<String>,
    /// The handler's verdict.
    pub result: Result<HandlerOutcome, HandlerError>,
    /// Whether the message was deleted from the queue.
    pub deleted: bool,
}

/// One receive and what became of each message.
#[derive(Debug, Default)]
pub struct PollReport {
    /// Each message received, in order.
    pub messages: Vec<PolledMessage>,
}

impl PollReport {
    /// Messages deleted (handled).
    pub fn deleted(&self) -> usize {
        self.messages.iter().filter(|m| m.deleted).count()
    }

    /// Messages left in the queue for redelivery.
    pub fn left(&self) -> usize {
        self.messages.len() - self.deleted()
    }
}

/// Long-polls a queue and hands each message to the handler (see the module docs).
#[derive(Debug, Clone)]
pub struct SqsRegistrationPoller {
    client: aws_sdk_sqs::Client,
    queue_url: String,
    handler: Arc<RegistrationHandler>,
    wait_time: Duration,
    max_messages: i32,
    visibility_timeout: Duration,
}

impl SqsRegistrationPoller {
    /// Polls `queue_url` with 20 s long polls, up to 10 messages at a time, each hidden for
    /// 300 s while handled.
    pub fn new(
        client: aws_sdk_sqs::Client,
        queue_url: impl Into<String>,
        handler: Arc<RegistrationHandler>,
    ) -> SqsRegistrationPoller {
        SqsRegistrationPoller {
            client,
            queue_url: queue_url.into(),
            handler,
            wait_time: Duration::from_secs(20),
            max_messages: 10,
            visibility_timeout: Duration::from_secs(300),
        }
    }

    /// The long-poll wait (0 to 20 s, SQS's `WaitTimeSeconds` range; default 20 s).
    pub fn with_wait_time(mut self, wait: Duration) -> Self {
        self.wait_time = wait.min(Duration::from_secs(20));
        self
    }

    /// Messages per receive (1 to 10, SQS's `MaxNumberOfMessages` range; default 10).
    pub fn with_max_messages(mut self, max: u8) -> Self {
        self.max_messages = i32::from(max.clamp(1, 10));
        self
    }

    /// How long a received message stays hidden while handled (default 300 s).
    pub fn with_visibility_timeout(mut self, timeout: Duration) -> Self {
        self.visibility_timeout = timeout;
        self
    }

    /// One long poll; the messages received are handled concurrently, and each handled
    /// one deleted.
    pub async fn poll_once(&self) -> Result<PollReport, PollError> {
        let messages = self.receive().await?;
        Ok(self.handle_all(messages).await)
    }

    async fn receive(&self) -> Result<Vec<aws_sdk_sqs::types::Message>, PollError> {
        let received = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(self.max_messages)
            .wait_time_seconds(i32::try_from(self.wait_time.as_secs()).unwrap_or(20))
            .visibility_timeout(
                i32::try_from(self.visibility_timeout.as_secs()).unwrap_or(i32::MAX),
            )
            .send()
            .await
            .map_err(|e| {
                PollError(aws_smithy_types::error::display::DisplayErrorContext(e).to_string())
            })?;
        Ok(received.messages.unwrap_or_default())
    }

    async fn handle_all(&self, messages: Vec<aws_sdk_sqs::types::Message>) -> PollReport {
        PollReport {
            messages: join_all(messages.into_iter().map(|message| self.one(message))).await,
        }
    }

    async fn one(&self, message: aws_sdk_sqs::types::Message) -> PolledMessage {
        let message_id = message.message_id.clone();
        let result = match message.body.as_deref() {
            Some(body) => self.handler.handle(body.as_bytes()).await,
            None => Err(HandlerError::Sns(crate::SnsVerifyError::Malformed(
                crate::SnsMessageError::NotJson("an SQS message without a body".to_owned()),
            ))),
        };
        let handled = matches!(
            result,
            Ok(HandlerOutcome::Answered { .. }
                | HandlerOutcome::Redelivered { .. }
                | HandlerOutcome::SubscriptionConfirmed { .. }
                | HandlerOutcome::Unsubscribed { .. })
        );
        let mut deleted = false;
        if handled && let Some(receipt) = message.receipt_handle.as_deref() {
            match self
                .client
                .delete_message()
                .queue_url(&self.queue_url)
                .receipt_handle(receipt)
                .send()
                .await
            {
                Ok(_) => deleted = true,
                Err(e) => tracing::warn!(
                    message_id = message_id.as_deref().unwrap_or_default(),
                    error = %aws_smithy_types::error::display::DisplayErrorContext(e),
                    "handled registration message not deleted; it will be redelivered and answered again"
                ),
            }
        }
        match &result {
            Ok(HandlerOutcome::SubscriptionToConfirm { subscribe_url, .. }) => tracing::warn!(
                url = %subscribe_url.as_url(),
                "SNS subscription confirmation left in the queue: configure a SubscriptionConfirmer or visit the URL"
            ),
            Err(error) => tracing::warn!(
                message_id = message_id.as_deref().unwrap_or_default(),
                %error,
                "registration message not handled; left for redelivery"
            ),
            Ok(_) => {}
        }
        PolledMessage {
            message_id,
            result,
            deleted,
        }
    }

    /// Polls until `shutdown` is requested (a receive in progress is abandoned; messages
    /// being handled are finished first). A failed receive is retried after a backoff that
    /// doubles from 1 s to 60 s.
    pub async fn run(&self, shutdown: &Shutdown) {
        let mut backoff = Duration::from_secs(1);
        while !shutdown.is_requested() {
            let received = {
                let receive = pin!(self.receive());
                match select(pin!(shutdown.requested()), receive).await {
                    Either::Left(_) => return,
                    Either::Right((received, _)) => received,
                }
            };
            match received {
                Ok(messages) => {
                    self.handle_all(messages).await;
                    backoff = Duration::from_secs(1);
                }
                Err(error) => {
                    tracing::warn!(%error, "registration queue unreachable; backing off");
                    let sleep = pin!(tokio::time::sleep(backoff));
                    if let Either::Left(_) = select(pin!(shutdown.requested()), sleep).await {
                        return;
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                }
            }
        }
    }
}
