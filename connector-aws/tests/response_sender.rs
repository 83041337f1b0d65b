//! The answer to CloudFormation, `PUT` to a local server standing in for the pre-signed S3
//! URL (through the test-only redirect; the `ResponseUrl` itself is the strict S3 one): the
//! exact body, no `Content-Type`, the URL's path and query; 5xx and network errors retried
//! with backoff, a 4xx final, attempts and the deadline bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use std::time::{Duration, Instant};

use connector_aws::{ResponseSender, SendError};
use connector_core::registration::{CustomResourceResponse, RegistrationRequest, ResponseStatus};
use serde_json::{Value, json};
use support::http_server::Server;

const RESPONSE_URL: &str = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111122223333%3Astack/acme/abc%7CConnectorRegistration%7Cr1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc";

fn request() -> RegistrationRequest {
    RegistrationRequest::parse(
        json!({
            "RequestType": "Create",
            "ResponseURL": RESPONSE_URL,
            "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "RequestId": "5f1d8c42-1111-2222-3333-444455556666",
            "ResourceType": "Custom::ConnectorRegistration",
            "LogicalResourceId": "ConnectorRegistration",
            "ResourceProperties": {
                "ServiceToken": "arn:aws:sns:us-east-1:999988887777:connector-registrations",
                "RoleArn": "arn:aws:iam::111122223333:role/VendorConnector",
                "ExternalId": "f3b9c2e1-7a4d-4e8b-9c6f-2d1a0b3e5f7a",
                "AccountId": "111122223333",
                "Region": "us-east-1",
                "TemplateVersion": "1",
                "ConnectionId": "acme"
            }
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap()
}

fn response(request: &RegistrationRequest) -> CustomResourceResponse {
    CustomResourceResponse::new(
        request,
        ResponseStatus::Success,
        "Connected.",
        "connector-registration:acme",
    )
}

fn quick(sender: ResponseSender) -> ResponseSender {
    sender.with_backoff(Duration::from_millis(10), Duration::from_millis(40))
}

#[tokio::test]
async fn the_answer_is_put_with_the_exact_body_and_no_content_type() {
    let server = Server::start(&[]).await;
    let request = request();
    let delivered = ResponseSender::redirecting_for_tests(&server.origin)
        .unwrap()
        .send(request.response_url(), &response(&request))
        .await
        .unwrap();
    assert_eq!(delivered.attempts, 1);
    let received = server.requests();
    assert_eq!(received.len(), 1);
    let put = &received[0];
    assert_eq!(put.method, "PUT");
    let url = url::Url::parse(RESPONSE_URL).unwrap();
    assert_eq!(
        put.path_and_query,
        format!("{}?{}", url.path(), url.query().unwrap())
    );
    assert_eq!(put.header("content-type"), None);
    assert_eq!(
        put.header("content-length"),
        Some(put.body.len().to_string().as_str())
    );
    assert_eq!(put.body, response(&request).to_json());
    let body: Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(
        body,
        json!({
            "Status": "SUCCESS",
            "Reason": "Connected.",
            "PhysicalResourceId": "connector-registration:acme",
            "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "RequestId": "5f1d8c42-1111-2222-3333-444455556666",
            "LogicalResourceId": "ConnectorRegistration"
        })
    );
}

#[tokio::test]
async fn a_5xx_or_throttling_is_retried_with_backoff_until_delivered() {
    let server = Server::start(&[500, 429, 503]).await;
    let request = request();
    let delivered = quick(ResponseSender::redirecting_for_tests(&server.origin).unwrap())
        .send(request.response_url(), &response(&request))
        .await
        .unwrap();
    assert_eq!(delivered.attempts, 4);
    let received = server.requests();
    assert_eq!(received.len(), 4);
    assert!(
        received
            .iter()
            .all(|r| r.body == response(&request).to_json())
    );
}

#[tokio::test]
async fn a_4xx_is_final() {
    let server = Server::start(&[403, 403]).await;
    let request = request();
    assert_eq!(
        quick(ResponseSender::redirecting_for_tests(&server.origin).unwrap())
            .send(request.response_url(), &response(&request))
            .await,
        Err(SendError::Refused {
            status: 403,
            attempts: 1
        })
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Server::start(&[500; 10]).await;
    let request = request();
    let result = quick(ResponseSender::redirecting_for_tests(&server.origin).unwrap())
        .with_attempts(4)
        .send(request.response_url(), &response(&request))
        .await;
    assert!(
        matches!(&result, Err(SendError::GaveUp { attempts: 4, last }) if last == "HTTP 500"),
        "{result:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn network_errors_are_retried_and_the_deadline_holds() {
    // A port nothing listens on: connection refused, every attempt.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let request = request();
    let result = quick(ResponseSender::redirecting_for_tests(&origin).unwrap())
        .with_attempts(3)
        .send(request.response_url(), &response(&request))
        .await;
    assert!(
        matches!(&result, Err(SendError::GaveUp { attempts: 3, last }) if last.contains("network")),
        "{result:?}"
    );

    // A server that accepts and never answers: each attempt times out, and the total
    // deadline stops the retries.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", silent.local_addr().unwrap());
    let _keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let started = Instant::now();
    let result = quick(ResponseSender::redirecting_for_tests(&origin).unwrap())
        .with_attempts(100)
        .with_attempt_timeout(Duration::from_millis(200))
        .with_deadline(Duration::from_millis(700))
        .send(request.response_url(), &response(&request))
        .await;
    let took = started.elapsed();
    assert!(
        matches!(result, Err(SendError::GaveUp { .. })),
        "{result:?}"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}
