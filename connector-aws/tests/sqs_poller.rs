//! The SQS poller on a mocked SQS client (`aws-smithy-mocks`), so it runs without moto: a
//! handled message is deleted (by its receipt handle), a refused, body-less or unanswered
//! one is left for redelivery, a failed delete leaves it too (it will be answered again),
//! a failed receive is an error, and `run` stops on shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::operation::delete_message::{DeleteMessageError, DeleteMessageOutput};
use aws_sdk_sqs::operation::receive_message::{ReceiveMessageError, ReceiveMessageOutput};
use aws_sdk_sqs::types::Message;
use aws_sdk_sqs::types::error::QueueDoesNotExist;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use connector_aws::{
    HandlerError, HandlerOutcome, RegistrationHandler, ResponseSender, SnsVerifier,
    SqsRegistrationPoller, StaticCertificateSource,
};
use connector_core::registration::{RegistrationSettle, ResponseStatus};
use connector_core::testing::InMemorySts;
use connector_core::{
    Clock, Connector, ExternalId, InMemoryConnectionStore, ManualClock, NewConnection, Shutdown,
};
use serde_json::json;
use support::http_server::Server;
use support::sns_signing::{CERT_URL, Signer, TOPIC, body, notification, signed};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

const QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/999988887777/registrations";
const ROLE: &str = "arn:aws:iam::111122223333:role/VendorConnector";

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account("999988887777".parse().unwrap())
}

struct World {
    clock: ManualClock,
    signer: Signer,
    server: Server,
    external_id: ExternalId,
    handler: Arc<RegistrationHandler>,
}

async fn world(script: &[u16]) -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        "arn:aws:sts::999988887777:assumed-role/connector/worker"
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts.clone()),
    )
    .with_clock(Arc::new(clock.clone()))
    .build();
    let external_id = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap()
        .external_id()
        .clone();
    sts.create_role(
        ROLE.parse().unwrap(),
        CrossAccountTrust::new(vendor(), external_id.clone())
            .policy()
            .unwrap(),
        Duration::from_secs(3_600),
    )
    .unwrap();
    let signer = Signer::new();
    let verifier = SnsVerifier::new(Arc::new(
        StaticCertificateSource::new().with_certificate(CERT_URL, signer.certificate_pem.clone()),
    ))
    .with_topic(TOPIC)
    .with_clock(Arc::new(clock.clone()));
    let server = Server::start(script).await;
    let sender = ResponseSender::redirecting_for_tests(&server.origin)
        .unwrap()
        .with_attempts(1);
    let handler =
        RegistrationHandler::new(verifier, connector, sender).with_settle(RegistrationSettle {
            within: Duration::ZERO,
            every: Duration::from_millis(1),
        });
    World {
        clock,
        signer,
        server,
        external_id,
        handler: Arc::new(handler),
    }
}

impl World {
    fn create(&self, request_id: &str) -> String {
        let request = json!({
            "RequestType": "Create",
            "ResponseURL": "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc",
            "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "RequestId": request_id,
            "ResourceType": "Custom::ConnectorRegistration",
            "LogicalResourceId": "ConnectorRegistration",
            "ResourceProperties": {
                "RoleArn": ROLE,
                "ExternalId": self.external_id.as_str(),
                "AccountId": "111122223333",
                "Region": "us-east-1",
                "TemplateVersion": "1",
                "ConnectionId": "acme"
            }
        });
        String::from_utf8(body(&signed(
            &self.signer,
            notification(&request.to_string(), self.clock.now()),
            2,
        )))
        .unwrap()
    }
}

fn message(id: &str, body: Option<String>) -> Message {
    Message::builder()
        .message_id(id)
        .receipt_handle(format!("receipt-{id}"))
        .set_body(body)
        .build()
}

#[tokio::test]
async fn only_handled_messages_are_deleted() {
    let w = world(&[]).await;
    let impostor = Signer::new();
    let forged = String::from_utf8(body(&signed(
        &impostor,
        notification("{}", w.clock.now()),
        2,
    )))
    .unwrap();
    let batch = vec![
        message("good", Some(w.create("r-1"))),
        message("forged", Some(forged)),
        message("empty", None),
    ];
    let receive = mock!(Client::receive_message)
        .match_requests(|r| {
            r.wait_time_seconds() == Some(20)
                && r.max_number_of_messages() == Some(10)
                && r.visibility_timeout() == Some(300)
        })
        .then_output(move || {
            ReceiveMessageOutput::builder()
                .set_messages(Some(batch.clone()))
                .build()
        });
    let delete = mock!(Client::delete_message)
        .match_requests(|r| {
            r.receipt_handle() == Some("receipt-good") && r.queue_url() == Some(QUEUE)
        })
        .then_output(|| DeleteMessageOutput::builder().build());
    let client = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &[&receive, &delete]);
    let poller = SqsRegistrationPoller::new(client, QUEUE, w.handler.clone());
    let report = poller.poll_once().await.unwrap();
    assert_eq!(report.messages.len(), 3);
    assert_eq!(report.deleted(), 1);
    assert_eq!(report.left(), 2);
    assert_eq!(delete.num_calls(), 1);
    assert!(report.messages[0].deleted);
    assert!(matches!(
        report.messages[0].result,
        Ok(HandlerOutcome::Answered {
            status: ResponseStatus::Success,
            ..
        })
    ));
    assert!(matches!(
        report.messages[1].result,
        Err(HandlerError::Sns(_))
    ));
    assert!(matches!(
        report.messages[2].result,
        Err(HandlerError::Sns(_))
    ));
    assert_eq!(w.server.requests().len(), 1);
}

#[tokio::test]
async fn an_unanswered_message_is_left_and_answered_on_redelivery() {
    // The response server refuses the first answer: nothing deleted; the redelivery is
    // answered from the remembered response, then deleted.
    let w = world(&[503]).await;
    let good = message("good", Some(w.create("r-1")));
    let receive = mock!(Client::receive_message).then_output(move || {
        ReceiveMessageOutput::builder()
            .messages(good.clone())
            .build()
    });
    let delete =
        mock!(Client::delete_message).then_output(|| DeleteMessageOutput::builder().build());
    let client = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &[&receive, &delete]);
    let poller = SqsRegistrationPoller::new(client, QUEUE, w.handler.clone());
    let first = poller.poll_once().await.unwrap();
    assert!(matches!(
        first.messages[0].result,
        Err(HandlerError::Send(_))
    ));
    assert_eq!(first.deleted(), 0);
    assert_eq!(delete.num_calls(), 0);
    let second = poller.poll_once().await.unwrap();
    assert!(matches!(
        second.messages[0].result,
        Ok(HandlerOutcome::Redelivered { .. })
    ));
    assert_eq!(second.deleted(), 1);
    assert_eq!(delete.num_calls(), 1);
}

#[tokio::test]
async fn a_failed_delete_leaves_the_message() {
    let w = world(&[]).await;
    let good = message("good", Some(w.create("r-1")));
    let receive = mock!(Client::receive_message).then_output(move || {
        ReceiveMessageOutput::builder()
            .messages(good.clone())
            .build()
    });
    let delete = mock!(Client::delete_message)
        .then_error(|| DeleteMessageError::QueueDoesNotExist(QueueDoesNotExist::builder().build()));
    let client = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &[&receive, &delete]);
    let report = SqsRegistrationPoller::new(client, QUEUE, w.handler.clone())
        .poll_once()
        .await
        .unwrap();
    assert!(report.messages[0].result.is_ok());
    assert!(!report.messages[0].deleted);
}

#[tokio::test]
async fn a_failed_receive_is_an_error_and_run_stops_on_shutdown() {
    let w = world(&[]).await;
    let receive = mock!(Client::receive_message).then_error(|| {
        ReceiveMessageError::QueueDoesNotExist(QueueDoesNotExist::builder().build())
    });
    let client = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &[&receive]);
    let poller = SqsRegistrationPoller::new(client, QUEUE, w.handler.clone());
    assert!(poller.poll_once().await.is_err());
    let shutdown = Shutdown::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.request();
    });
    tokio::time::timeout(Duration::from_secs(5), poller.run(&shutdown))
        .await
        .expect("run returns once shutdown is requested, even while backing off");
    assert!(receive.num_calls() >= 2);
}
