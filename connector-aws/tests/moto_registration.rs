//! Stack registration callbacks end to end on moto (`CONNECTOR_MOTO_ENDPOINT`; skipped when
//! unset): an SNS topic, an SQS queue subscribed to it, a captured-format CloudFormation
//! custom-resource request published to the topic, read from the queue by
//! [`SqsRegistrationPoller`], verified against the certificate moto signs with (moto 5.2
//! serves it at `/SimpleNotificationService-….pem`; [`MotoCertificates`] fetches it there,
//! after the verifier checked the `SigningCertURL`), registered on the in-memory STS
//! and answered on a local server standing in for the S3 response URL.
//!
//! What this cannot show: CloudFormation invoking the custom resource's SNS token. moto's
//! CloudFormation fails on a custom resource whose `ServiceToken` is an SNS topic, so the
//! request is published in CloudFormation's captured format instead (the handler's own
//! tests cover every request type on that format).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, Region as SdkRegion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use connector_aws::{
    CertificateError, CertificateSource, HandlerError, HandlerOutcome, RegistrationHandler,
    ResponseSender, SigningCertUrl, SnsVerifier, SnsVerifyError, SqsRegistrationPoller,
};
use connector_core::BoxFuture;
use connector_core::registration::{RegistrationOutcome, RegistrationSettle, ResponseStatus};
use connector_core::testing::InMemorySts;
use connector_core::{
    ConnectionState, Connector, InMemoryConnectionStore, NewConnection, SystemClock,
};
use http_body_util::{BodyExt as _, Empty};
use serde_json::{Value, json};
use support::http_server::Server;
use trust_policy::{CrossAccountTrust, VendorPrincipal};

const ENV: &str = "CONNECTOR_MOTO_ENDPOINT";
const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/VendorConnector";
const STACK: &str =
    "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const RESPONSE_URL: &str = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111122223333%3Astack/acme/abc%7CConnectorRegistration%7Cr1?X-Amz-Signature=abc";

fn moto_endpoint(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(endpoint) if !endpoint.is_empty() => Some(endpoint),
        _ => {
            eprintln!(
                "SKIPPED {test}: {ENV} is not set. Run scripts/test (it installs and starts moto), \
                 or start `moto_server -H 127.0.0.1 -p 5000` and set {ENV}=http://127.0.0.1:5000"
            );
            None
        }
    }
}

fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(SdkRegion::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "moto-test",
        )))
        .build()
}

fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The signing certificates moto serves. moto's server picks the service of an unsigned
/// request from its `Authorization` header (without one, the GET reaches its S3 and gets
/// 404), so this test-only source names SNS in a dummy SigV4 header; the path is the
/// `SigningCertURL`'s, which the verifier checked first.
#[derive(Debug)]
struct MotoCertificates {
    endpoint: String,
}

impl CertificateSource for MotoCertificates {
    fn fetch<'a>(
        &'a self,
        url: &'a SigningCertUrl,
    ) -> BoxFuture<'a, Result<Vec<u8>, CertificateError>> {
        Box::pin(async move {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<Empty<Bytes>>();
            let request = hyper::Request::get(format!("{}{}", self.endpoint, url.as_url().path()))
                .header(
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0",
                )
                .body(Empty::new())
                .unwrap();
            let response = client
                .request(request)
                .await
                .map_err(|e| CertificateError::Unknown(e.to_string()))?;
            if response.status() != 200 {
                return Err(CertificateError::Status(response.status().as_u16()));
            }
            Ok(response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec())
        })
    }
}

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR.parse().unwrap())
}

fn request(kind: &str, external_id: &str, request_id: &str, topic: &str) -> Value {
    let mut request = json!({
        "RequestType": kind,
        "ServiceToken": topic,
        "ResponseURL": RESPONSE_URL,
        "StackId": STACK,
        "RequestId": request_id,
        "ResourceType": "Custom::ConnectorRegistration",
        "LogicalResourceId": "ConnectorRegistration",
        "ResourceProperties": {
            "ServiceToken": topic,
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

struct Queue {
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
    topic: String,
    queue_url: String,
}

/// A topic and a queue subscribed to it (SNS envelope delivery, not raw).
async fn queue(endpoint: &str) -> Queue {
    let config = sdk_config(endpoint);
    let sns = aws_sdk_sns::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let topic = sns
        .create_topic()
        .name(unique("registrations"))
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let queue_url = sqs
        .create_queue()
        .queue_name(unique("registrations"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .unwrap();
    Queue {
        sns,
        sqs,
        topic,
        queue_url,
    }
}

#[tokio::test]
async fn a_registration_published_to_sns_is_read_from_sqs_verified_and_answered() {
    let Some(endpoint) =
        moto_endpoint("a_registration_published_to_sns_is_read_from_sqs_verified_and_answered")
    else {
        return;
    };
    let q = queue(&endpoint).await;

    // The vendor's side: a pending connection, the customer's role in place.
    let clock = Arc::new(SystemClock);
    let sts = InMemorySts::new(
        clock.clone(),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts.clone()),
    )
    .with_clock(clock)
    .build();
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    let external_id = pending.external_id().clone();
    sts.create_role(
        ROLE.parse().unwrap(),
        CrossAccountTrust::new(vendor(), external_id.clone())
            .policy()
            .unwrap(),
        Duration::from_secs(3_600),
    )
    .unwrap();

    let server = Server::start(&[]).await;
    let verifier = SnsVerifier::new(Arc::new(MotoCertificates {
        endpoint: endpoint.clone(),
    }))
    .with_topic(&q.topic);
    let handler = Arc::new(
        RegistrationHandler::new(
            verifier,
            connector,
            ResponseSender::redirecting_for_tests(&server.origin).unwrap(),
        )
        .with_settle(RegistrationSettle {
            within: Duration::ZERO,
            every: Duration::from_millis(1),
        }),
    );
    let poller = SqsRegistrationPoller::new(q.sqs.clone(), &q.queue_url, handler.clone())
        .with_wait_time(Duration::from_secs(2))
        .with_visibility_timeout(Duration::from_secs(1));

    // Create, published as CloudFormation's SNS token would (moto's CloudFormation cannot).
    let create = request("Create", external_id.as_str(), "r-create", &q.topic);
    q.sns
        .publish()
        .topic_arn(&q.topic)
        .message(create.to_string())
        .send()
        .await
        .unwrap();
    let report = poller.poll_once().await.unwrap();
    assert_eq!(report.messages.len(), 1);
    assert!(
        matches!(
            report.messages[0].result,
            Ok(HandlerOutcome::Answered {
                outcome: RegistrationOutcome::Activated,
                status: ResponseStatus::Success,
                ..
            })
        ),
        "{:?}",
        report.messages[0].result
    );
    assert_eq!(report.deleted(), 1);
    let puts = server.requests();
    assert_eq!(puts.len(), 1);
    let answer: Value = serde_json::from_str(&puts[0].body).unwrap();
    assert_eq!(
        answer,
        json!({
            "Status": "SUCCESS",
            "Reason": "Connected.",
            "PhysicalResourceId": "connector-registration:acme",
            "StackId": STACK,
            "RequestId": "r-create",
            "LogicalResourceId": "ConnectorRegistration"
        })
    );
    let id = "acme".parse().unwrap();
    assert_eq!(
        handler.connector().get(&id).await.unwrap().state(),
        ConnectionState::Active
    );
    // Deleted: nothing comes back after the visibility timeout.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert!(poller.poll_once().await.unwrap().messages.is_empty());

    // Delete.
    let delete = request("Delete", external_id.as_str(), "r-delete", &q.topic);
    q.sns
        .publish()
        .topic_arn(&q.topic)
        .message(delete.to_string())
        .send()
        .await
        .unwrap();
    let report = poller.poll_once().await.unwrap();
    assert!(matches!(
        report.messages[0].result,
        Ok(HandlerOutcome::Answered {
            outcome: RegistrationOutcome::Disconnected,
            status: ResponseStatus::Success,
            ..
        })
    ));
    assert_eq!(report.deleted(), 1);
    assert_eq!(
        handler.connector().get(&id).await.unwrap().state(),
        ConnectionState::Disconnected
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_message_that_is_not_handled_stays_in_the_queue() {
    let Some(endpoint) = moto_endpoint("a_message_that_is_not_handled_stays_in_the_queue") else {
        return;
    };
    let q = queue(&endpoint).await;
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(InMemorySts::new(
            Arc::new(SystemClock),
            format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
                .parse()
                .unwrap(),
        )),
    )
    .build();
    let server = Server::start(&[]).await;
    let handler = Arc::new(RegistrationHandler::new(
        SnsVerifier::new(Arc::new(MotoCertificates {
            endpoint: endpoint.clone(),
        }))
        .with_topic(&q.topic),
        connector,
        ResponseSender::redirecting_for_tests(&server.origin).unwrap(),
    ));
    let poller = SqsRegistrationPoller::new(q.sqs.clone(), &q.queue_url, handler)
        .with_wait_time(Duration::from_secs(2))
        .with_visibility_timeout(Duration::from_secs(1));
    // moto 5.2 signs a notification without its Subject (its string to sign omits the
    // field), so a message published with a subject does not verify: it is refused, and
    // left in the queue.
    q.sns
        .publish()
        .topic_arn(&q.topic)
        .subject("AWS CloudFormation custom resource request")
        .message(
            request(
                "Create",
                "f3b9c2e1-7a4d-4e8b-9c6f-2d1a0b3e5f7a",
                "r-1",
                &q.topic,
            )
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let report = poller.poll_once().await.unwrap();
    assert_eq!(report.messages.len(), 1);
    assert!(
        matches!(
            report.messages[0].result,
            Err(HandlerError::Sns(SnsVerifyError::BadSignature))
        ),
        "{:?}",
        report.messages[0].result
    );
    assert_eq!(report.left(), 1);
    // Visible again after the visibility timeout: redelivered, refused again.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let again = poller.poll_once().await.unwrap();
    assert_eq!(again.messages.len(), 1);
    assert_eq!(again.left(), 1);
    assert!(server.requests().is_empty());
}
