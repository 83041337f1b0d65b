//! Subscription confirmation: only a verified `SubscriptionConfirmation` of the expected
//! topic is confirmed, by a GET of its `SubscribeURL`, and only when that URL is an SNS
//! confirmation of the same topic (a local server stands in for SNS through the test-only
//! redirect; the URL checks run first).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use std::sync::Arc;

use connector_aws::{
    SnsVerifier, StaticCertificateSource, SubscribeUrl, SubscriptionConfirmer, SubscriptionError,
};
use connector_core::{Clock, ManualClock};
use serde_json::json;
use support::http_server::Server;
use support::sns_signing::{CERT_URL, Signer, TOPIC, body, confirmation, notification, signed};

fn verifier(signer: &Signer, clock: &ManualClock) -> SnsVerifier {
    SnsVerifier::new(Arc::new(
        StaticCertificateSource::new().with_certificate(CERT_URL, signer.certificate_pem.clone()),
    ))
    .with_topic(TOPIC)
    .with_clock(Arc::new(clock.clone()))
}

#[tokio::test]
async fn a_verified_confirmation_is_confirmed_by_a_get_of_its_subscribe_url() {
    let (signer, clock) = (Signer::new(), ManualClock::at_unix(1_800_000_000));
    let message = signed(
        &signer,
        confirmation("SubscriptionConfirmation", clock.now()),
        2,
    );
    let verified = verifier(&signer, &clock)
        .verify(&body(&message))
        .await
        .unwrap();
    let server = Server::start(&[]).await;
    SubscriptionConfirmer::redirecting_for_tests(&server.origin)
        .unwrap()
        .confirm(&verified)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    let expected = url::Url::parse(message["SubscribeURL"].as_str().unwrap()).unwrap();
    assert_eq!(
        requests[0].path_and_query,
        format!("/?{}", expected.query().unwrap())
    );
}

#[tokio::test]
async fn only_confirmations_are_confirmed() {
    let (signer, clock) = (Signer::new(), ManualClock::at_unix(1_800_000_000));
    let server = Server::start(&[]).await;
    let confirmer = SubscriptionConfirmer::redirecting_for_tests(&server.origin).unwrap();
    for fields in [
        notification("x", clock.now()),
        confirmation("UnsubscribeConfirmation", clock.now()),
    ] {
        let verified = verifier(&signer, &clock)
            .verify(&body(&signed(&signer, fields, 2)))
            .await
            .unwrap();
        assert!(matches!(
            confirmer.confirm(&verified).await,
            Err(SubscriptionError::NotAConfirmation(_))
        ));
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_subscribe_url_off_sns_or_for_another_topic_is_never_visited() {
    let (signer, clock) = (Signer::new(), ManualClock::at_unix(1_800_000_000));
    let server = Server::start(&[]).await;
    let confirmer = SubscriptionConfirmer::redirecting_for_tests(&server.origin).unwrap();
    for url in [
        format!("https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=t"),
        format!("http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=t"),
        format!("https://sqs.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=t"),
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:111122223333:other&Token=t".to_owned(),
        format!("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&TopicArn={TOPIC}&Token=t"),
        format!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}"),
    ] {
        let mut fields = confirmation("SubscriptionConfirmation", clock.now());
        fields.insert("SubscribeURL".into(), json!(url));
        let verified = verifier(&signer, &clock)
            .verify(&body(&signed(&signer, fields, 2)))
            .await
            .unwrap();
        assert!(
            matches!(confirmer.confirm(&verified).await, Err(SubscriptionError::Url(_))),
            "{url}"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_refused_confirmation_is_an_error() {
    let (signer, clock) = (Signer::new(), ManualClock::at_unix(1_800_000_000));
    let message = signed(
        &signer,
        confirmation("SubscriptionConfirmation", clock.now()),
        1,
    );
    let verified = verifier(&signer, &clock)
        .verify(&body(&message))
        .await
        .unwrap();
    let server = Server::start(&[403]).await;
    assert_eq!(
        SubscriptionConfirmer::redirecting_for_tests(&server.origin)
            .unwrap()
            .confirm(&verified)
            .await,
        Err(SubscriptionError::Status(403))
    );
    // The URL can also be handed to the caller, checked, to visit out of band.
    let url: SubscribeUrl = SubscriptionConfirmer::subscribe_url(&verified).unwrap();
    assert_eq!(url.as_url().host_str(), Some("sns.us-east-1.amazonaws.com"));
}
