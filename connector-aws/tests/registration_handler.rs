//! The registration handler end to end on captured-format requests: a signed SNS
//! notification carrying a CloudFormation custom-resource request is verified, registered
//! on the in-memory STS and answered on a local server standing in for the S3 response URL
//! (exact body). Redeliveries answer again without a second connection test; forged
//! messages, non-S3 response URLs and unauthenticated requests change nothing.

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

use connector_aws::{
    HandlerError, HandlerOutcome, RegistrationHandler, ResponseSender, SendError, SnsVerifier,
    SnsVerifyError, StaticCertificateSource, SubscriptionConfirmer,
};
use connector_core::registration::{
    RegistrationError, RegistrationOutcome, RegistrationSettle, ResponseStatus,
};
use connector_core::testing::InMemorySts;
use connector_core::{
    Clock, ConnectionState, Connector, ExternalId, InMemoryConnectionStore, ManualClock,
    NewConnection,
};
use serde_json::{Value, json};
use support::http_server::Server;
use support::sns_signing::{CERT_URL, Signer, TOPIC, body, confirmation, notification, signed};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/VendorConnector";
const STACK: &str =
    "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const RESPONSE_URL: &str = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111122223333%3Astack/acme/abc%7CConnectorRegistration%7Cr1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc";

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR.parse().unwrap())
}

/// A captured-format custom-resource request (as CloudFormation sends it through SNS).
fn request(kind: &str, external_id: &str, request_id: &str) -> Value {
    let mut request = json!({
        "RequestType": kind,
        "ServiceToken": TOPIC,
        "ResponseURL": RESPONSE_URL,
        "StackId": STACK,
        "RequestId": request_id,
        "ResourceType": "Custom::ConnectorRegistration",
        "LogicalResourceId": "ConnectorRegistration",
        "ResourceProperties": {
            "ServiceToken": TOPIC,
            "ServiceTimeout": "600",
            "RoleArn": ROLE,
            "ExternalId": external_id,
            "AccountId": "111122223333",
            "Region": "us-east-1",
            "PermissionSet": "aws:read-only-access@1",
            "TemplateVersion": "1",
            "ConnectionId": "acme"
        }
    });
    if kind != "Create" {
        request["PhysicalResourceId"] = json!("connector-registration:acme");
    }
    request
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    signer: Signer,
    server: Server,
    external_id: ExternalId,
    handler: RegistrationHandler,
}

async fn world(script: &[u16], role: bool) -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
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
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    let external_id = pending.external_id().clone();
    if role {
        sts.create_role(
            ROLE.parse().unwrap(),
            CrossAccountTrust::new(vendor(), external_id.clone())
                .policy()
                .unwrap(),
            Duration::from_secs(3_600),
        )
        .unwrap();
    }
    let signer = Signer::new();
    let verifier = SnsVerifier::new(Arc::new(
        StaticCertificateSource::new().with_certificate(CERT_URL, signer.certificate_pem.clone()),
    ))
    .with_topic(TOPIC)
    .with_clock(Arc::new(clock.clone()));
    let server = Server::start(script).await;
    let sender = ResponseSender::redirecting_for_tests(&server.origin)
        .unwrap()
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20));
    let handler =
        RegistrationHandler::new(verifier, connector, sender).with_settle(RegistrationSettle {
            within: Duration::ZERO,
            every: Duration::from_millis(1),
        });
    World {
        clock,
        sts,
        signer,
        server,
        external_id,
        handler,
    }
}

impl World {
    /// The SNS delivery of `request`, signed.
    fn delivery(&self, request: &Value) -> Vec<u8> {
        body(&signed(
            &self.signer,
            notification(&request.to_string(), self.clock.now()),
            2,
        ))
    }

    async fn state(&self) -> ConnectionState {
        self.handler
            .connector()
            .get(&"acme".parse().unwrap())
            .await
            .unwrap()
            .state()
    }
}

#[tokio::test]
async fn create_through_sns_activates_and_answers_the_exact_body() {
    let w = world(&[], true).await;
    let outcome = w
        .handler
        .handle(&w.delivery(&request("Create", w.external_id.as_str(), "r-1")))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        HandlerOutcome::Answered {
            request_id: "r-1".into(),
            outcome: RegistrationOutcome::Activated,
            status: ResponseStatus::Success,
            attempts: 1
        }
    );
    assert_eq!(w.state().await, ConnectionState::Active);
    let puts = w.server.requests();
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].method, "PUT");
    assert!(puts[0].path_and_query.ends_with("X-Amz-Signature=abc"));
    let answer: Value = serde_json::from_str(&puts[0].body).unwrap();
    assert_eq!(
        answer,
        json!({
            "Status": "SUCCESS",
            "Reason": "Connected.",
            "PhysicalResourceId": "connector-registration:acme",
            "StackId": STACK,
            "RequestId": "r-1",
            "LogicalResourceId": "ConnectorRegistration"
        })
    );
}

#[tokio::test]
async fn a_redelivered_request_is_answered_again_without_a_second_test() {
    let w = world(&[], true).await;
    let delivery = w.delivery(&request("Create", w.external_id.as_str(), "r-1"));
    w.handler.handle(&delivery).await.unwrap();
    let calls = w.sts.calls().total();
    let again = w.handler.handle(&delivery).await.unwrap();
    assert_eq!(
        again,
        HandlerOutcome::Redelivered {
            request_id: "r-1".into(),
            status: ResponseStatus::Success,
            attempts: 1
        }
    );
    assert_eq!(w.sts.calls().total(), calls, "no second connection test");
    let puts = w.server.requests();
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].body, puts[1].body);
}

#[tokio::test]
async fn an_answer_that_failed_is_sent_again_on_redelivery() {
    let w = world(&[403], true).await;
    let delivery = w.delivery(&request("Create", w.external_id.as_str(), "r-1"));
    assert!(matches!(
        w.handler.handle(&delivery).await,
        Err(HandlerError::Send(SendError::Refused { status: 403, .. }))
    ));
    let calls = w.sts.calls().total();
    assert!(matches!(
        w.handler.handle(&delivery).await.unwrap(),
        HandlerOutcome::Redelivered {
            status: ResponseStatus::Success,
            ..
        }
    ));
    assert_eq!(w.sts.calls().total(), calls);
}

#[tokio::test]
async fn a_reused_request_id_for_another_stack_is_handled_afresh() {
    let w = world(&[], true).await;
    w.handler
        .handle(&w.delivery(&request("Create", w.external_id.as_str(), "r-1")))
        .await
        .unwrap();
    let mut other = request("Create", "wrong-external-id-000000", "r-1");
    other["StackId"] = json!(
        "arn:aws:cloudformation:us-east-1:111122223333:stack/other/11111111-2222-3333-4444-555555555555"
    );
    let outcome = w.handler.handle(&w.delivery(&other)).await.unwrap();
    assert!(matches!(
        outcome,
        HandlerOutcome::Answered {
            outcome: RegistrationOutcome::Unauthenticated,
            status: ResponseStatus::Failed,
            ..
        }
    ));
}

#[tokio::test]
async fn delete_disconnects_and_answers_success() {
    let w = world(&[], true).await;
    w.handler
        .handle(&w.delivery(&request("Create", w.external_id.as_str(), "r-1")))
        .await
        .unwrap();
    let outcome = w
        .handler
        .handle(&w.delivery(&request("Delete", w.external_id.as_str(), "r-2")))
        .await
        .unwrap();
    assert!(matches!(
        outcome,
        HandlerOutcome::Answered {
            outcome: RegistrationOutcome::Disconnected,
            status: ResponseStatus::Success,
            ..
        }
    ));
    assert_eq!(w.state().await, ConnectionState::Disconnected);
    let answer: Value = serde_json::from_str(&w.server.requests()[1].body).unwrap();
    assert_eq!(answer["Status"], "SUCCESS");
    assert_eq!(answer["RequestId"], "r-2");
}

#[tokio::test]
async fn a_wrong_external_id_is_answered_failed_and_changes_nothing() {
    let w = world(&[], true).await;
    let outcome = w
        .handler
        .handle(&w.delivery(&request("Create", "wrong-external-id-000000", "r-1")))
        .await
        .unwrap();
    assert!(matches!(
        outcome,
        HandlerOutcome::Answered {
            outcome: RegistrationOutcome::Unauthenticated,
            status: ResponseStatus::Failed,
            ..
        }
    ));
    assert_eq!(w.state().await, ConnectionState::Pending);
    assert_eq!(w.sts.calls().total(), 0);
}

#[tokio::test]
async fn a_role_that_cannot_be_assumed_fails_the_stack_with_the_reason() {
    let w = world(&[], false).await;
    let outcome = w
        .handler
        .handle(&w.delivery(&request("Create", w.external_id.as_str(), "r-1")))
        .await
        .unwrap();
    assert!(matches!(
        outcome,
        HandlerOutcome::Answered {
            outcome: RegistrationOutcome::Refused,
            status: ResponseStatus::Failed,
            ..
        }
    ));
    let answer: Value = serde_json::from_str(&w.server.requests()[0].body).unwrap();
    assert_eq!(answer["Status"], "FAILED");
    assert!(!answer["Reason"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_forged_message_changes_nothing_and_answers_nothing() {
    let w = world(&[], true).await;
    let impostor = Signer::new();
    let forged = body(&signed(
        &impostor,
        notification(
            &request("Create", w.external_id.as_str(), "r-1").to_string(),
            w.clock.now(),
        ),
        2,
    ));
    assert!(matches!(
        w.handler.handle(&forged).await,
        Err(HandlerError::Sns(SnsVerifyError::BadSignature))
    ));
    // Replayed: a genuine delivery, too old.
    let genuine = w.delivery(&request("Create", w.external_id.as_str(), "r-1"));
    w.clock.advance(Duration::from_secs(7_200));
    assert!(matches!(
        w.handler.handle(&genuine).await,
        Err(HandlerError::Sns(SnsVerifyError::Expired { .. }))
    ));
    assert_eq!(w.state().await, ConnectionState::Pending);
    assert!(w.server.requests().is_empty());
    assert_eq!(w.sts.calls().total(), 0);
}

#[tokio::test]
async fn a_request_whose_response_url_is_not_s3_is_never_answered() {
    let w = world(&[], true).await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/x",
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.evil.example/x",
    ] {
        let mut hostile = request("Create", w.external_id.as_str(), "r-1");
        hostile["ResponseURL"] = json!(url);
        assert!(
            matches!(
                w.handler.handle(&w.delivery(&hostile)).await,
                Err(HandlerError::Request(RegistrationError::InvalidValue {
                    field: "ResponseURL",
                    ..
                }))
            ),
            "{url}"
        );
    }
    assert!(w.server.requests().is_empty());
    assert_eq!(w.state().await, ConnectionState::Pending);
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_refused() {
    let w = world(&[], true).await;
    for message in [
        "not json".to_owned(),
        "{}".to_owned(),
        json!({"RequestType": "Create"}).to_string(),
        format!(
            "{{\"RequestType\":\"Create\",\"x\":\"{}\"}}",
            "a".repeat(70 * 1024)
        ),
    ] {
        let delivery = body(&signed(&w.signer, notification(&message, w.clock.now()), 2));
        assert!(matches!(
            w.handler.handle(&delivery).await,
            Err(HandlerError::Request(_))
        ));
    }
    assert!(w.server.requests().is_empty());
}

#[tokio::test]
async fn subscriptions_are_confirmed_or_handed_back_and_unsubscribes_logged() {
    let w = world(&[], true).await;
    let confirm = body(&signed(
        &w.signer,
        confirmation("SubscriptionConfirmation", w.clock.now()),
        2,
    ));
    match w.handler.handle(&confirm).await.unwrap() {
        HandlerOutcome::SubscriptionToConfirm {
            topic_arn,
            subscribe_url,
        } => {
            assert_eq!(topic_arn, TOPIC);
            assert_eq!(
                subscribe_url.as_url().host_str(),
                Some("sns.us-east-1.amazonaws.com")
            );
        }
        other => panic!("{other:?}"),
    }
    let unsubscribe = body(&signed(
        &w.signer,
        confirmation("UnsubscribeConfirmation", w.clock.now()),
        1,
    ));
    assert_eq!(
        w.handler.handle(&unsubscribe).await.unwrap(),
        HandlerOutcome::Unsubscribed {
            topic_arn: TOPIC.into()
        }
    );
    assert!(w.server.requests().is_empty());

    // With a confirmer, the handler visits the URL itself.
    let World {
        handler, server, ..
    } = w;
    let handler = handler.with_subscription_confirmer(
        SubscriptionConfirmer::redirecting_for_tests(&server.origin).unwrap(),
    );
    assert_eq!(
        handler.handle(&confirm).await.unwrap(),
        HandlerOutcome::SubscriptionConfirmed {
            topic_arn: TOPIC.into()
        }
    );
    let visits = server.requests();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].method, "GET");
    assert!(
        visits[0]
            .path_and_query
            .contains("Action=ConfirmSubscription")
    );
}

#[tokio::test]
async fn a_redelivered_refusal_does_not_test_the_role_again() {
    // Without the remembered answers the core would test a refused (pending) role again.
    let w = world(&[], false).await;
    let delivery = w.delivery(&request("Create", w.external_id.as_str(), "r-1"));
    w.handler.handle(&delivery).await.unwrap();
    let calls = w.sts.calls().total();
    assert!(calls > 0);
    assert!(matches!(
        w.handler.handle(&delivery).await.unwrap(),
        HandlerOutcome::Redelivered {
            status: ResponseStatus::Failed,
            ..
        }
    ));
    assert_eq!(w.sts.calls().total(), calls);
    // Once forgotten (capacity 1, another request in between), it is handled afresh.
    let w = World {
        handler: w.handler.with_recent_capacity(1),
        ..w
    };
    w.handler.handle(&delivery).await.unwrap();
    w.handler
        .handle(&w.delivery(&request("Create", w.external_id.as_str(), "r-2")))
        .await
        .unwrap();
    let before = w.sts.calls().total();
    assert!(matches!(
        w.handler.handle(&delivery).await.unwrap(),
        HandlerOutcome::Answered { .. }
    ));
    assert!(w.sts.calls().total() > before);
}
