//! SNS signature verification against a test CA generated per run: good version 1 and 2
//! messages of every type verify; a bad signature, a changed field, a certificate URL off
//! SNS's hosts, an unexpected topic, an expired or future timestamp, an unknown
//! `SignatureVersion`, an unobtainable or unusable certificate are each refused with their
//! own error (the URL and topic checks before any fetch); certificates are cached, bounded;
//! arbitrary bytes never panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connector_aws::{
    CertificateError, SnsMessageError, SnsMessageType, SnsVerifier, SnsVerifyError,
    StaticCertificateSource,
};
use connector_core::{Clock, ManualClock};
use proptest::prelude::*;
use serde_json::json;
use support::sns_signing::{CERT_URL, Signer, TOPIC, body, confirmation, notification, signed};

struct Fixture {
    signer: Signer,
    source: StaticCertificateSource,
    clock: ManualClock,
}

fn fixture() -> Fixture {
    let signer = Signer::new();
    let source =
        StaticCertificateSource::new().with_certificate(CERT_URL, signer.certificate_pem.clone());
    Fixture {
        signer,
        source,
        clock: ManualClock::at_unix(1_800_000_000),
    }
}

impl Fixture {
    fn verifier(&self) -> SnsVerifier {
        SnsVerifier::new(Arc::new(self.source.clone()))
            .with_topic(TOPIC)
            .with_clock(Arc::new(self.clock.clone()))
    }

    fn now(&self) -> SystemTime {
        self.clock.now()
    }
}

#[tokio::test]
async fn a_good_version_1_notification_verifies() {
    let f = fixture();
    let message = signed(&f.signer, notification("{\"a\":1}", f.now()), 1);
    let verified = f.verifier().verify(&body(&message)).await.unwrap();
    assert_eq!(verified.message().message(), "{\"a\":1}");
    assert_eq!(
        verified.message().message_type(),
        SnsMessageType::Notification
    );
}

#[tokio::test]
async fn a_good_version_2_notification_verifies() {
    let f = fixture();
    let message = signed(&f.signer, notification("hello\nworld", f.now()), 2);
    let verified = f.verifier().verify(&body(&message)).await.unwrap();
    assert_eq!(verified.message().topic_arn(), TOPIC);
    assert_eq!(
        verified.message().subject(),
        Some("AWS CloudFormation custom resource request")
    );
}

#[tokio::test]
async fn a_notification_without_subject_signs_without_it() {
    let f = fixture();
    let mut fields = notification("x", f.now());
    fields.remove("Subject");
    let message = signed(&f.signer, fields, 2);
    f.verifier().verify(&body(&message)).await.unwrap();
}

#[tokio::test]
async fn confirmations_sign_subscribe_url_and_token() {
    let f = fixture();
    for kind in ["SubscriptionConfirmation", "UnsubscribeConfirmation"] {
        for version in [1, 2] {
            let message = signed(&f.signer, confirmation(kind, f.now()), version);
            let verified = f.verifier().verify(&body(&message)).await.unwrap();
            assert!(verified.message().subscribe_url().is_some());
        }
    }
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let f = fixture();
    let impostor = Signer::new();
    let message = signed(&impostor, notification("x", f.now()), 2);
    assert_eq!(
        f.verifier().verify(&body(&message)).await,
        Err(SnsVerifyError::BadSignature)
    );
}

#[tokio::test]
async fn every_signed_field_changed_is_refused() {
    let f = fixture();
    let good = signed(
        &f.signer,
        notification("{\"RequestType\":\"Create\"}", f.now()),
        2,
    );
    for (field, value) in [
        ("Message", json!("{\"RequestType\":\"Delete\"}")),
        ("MessageId", json!("another")),
        ("Subject", json!("another")),
        (
            "Timestamp",
            json!(support::sns_signing::sns_time(
                f.now() - Duration::from_secs(1)
            )),
        ),
        ("Type", json!("SubscriptionConfirmation")),
    ] {
        let mut changed = good.clone();
        changed.insert(field.to_owned(), value);
        if field == "Type" {
            changed.insert("SubscribeURL".into(), json!(format!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=t")));
            changed.insert("Token".into(), json!("t"));
        }
        assert_eq!(
            f.verifier().verify(&body(&changed)).await,
            Err(SnsVerifyError::BadSignature),
            "{field}"
        );
    }
    // Another expected topic: the signature still covers TopicArn.
    let mut moved = good.clone();
    moved.insert(
        "TopicArn".into(),
        json!("arn:aws:sns:eu-west-1:999988887777:connector-registrations"),
    );
    assert_eq!(
        f.verifier()
            .with_topic("arn:aws:sns:eu-west-1:999988887777:connector-registrations")
            .verify(&body(&moved))
            .await,
        Err(SnsVerifyError::BadSignature)
    );
    // A version 2 signature presented as version 1 does not verify either.
    let mut downgraded = good.clone();
    downgraded.insert("SignatureVersion".into(), json!("1"));
    assert_eq!(
        f.verifier().verify(&body(&downgraded)).await,
        Err(SnsVerifyError::BadSignature)
    );
}

#[tokio::test]
async fn certificate_urls_off_sns_hosts_are_refused_before_any_fetch() {
    let f = fixture();
    for url in [
        "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
        "http://sns.us-east-1.amazonaws.com/cert.pem",
        "https://s3.us-east-1.amazonaws.com/cert.pem",
        "https://sqs.us-east-1.amazonaws.com/cert.pem",
        "https://evil.example/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
        "https://user@sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com/cert.pem?x=1",
        "https://sns.us-east-1.amazonaws.com/cert.txt",
        "https://sns.amazonaws.com/cert.pem",
        "https://127.0.0.1/cert.pem",
        "file:///etc/passwd",
    ] {
        let mut fields = notification("x", f.now());
        fields.insert("SigningCertURL".into(), json!(url));
        let message = signed(&f.signer, fields, 2);
        match f.verifier().verify(&body(&message)).await {
            Err(SnsVerifyError::Malformed(SnsMessageError::CertUrlRefused { .. })) => {}
            other => panic!("{url}: {other:?}"),
        }
    }
    assert_eq!(f.source.fetches(), 0);
}

#[tokio::test]
async fn china_certificate_urls_are_accepted() {
    let f = fixture();
    let url = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem";
    let source =
        StaticCertificateSource::new().with_certificate(url, f.signer.certificate_pem.clone());
    let mut fields = notification("x", f.now());
    fields.insert("SigningCertURL".into(), json!(url));
    let message = signed(&f.signer, fields, 2);
    SnsVerifier::new(Arc::new(source))
        .with_topic(TOPIC)
        .with_clock(Arc::new(f.clock.clone()))
        .verify(&body(&message))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unexpected_topic_is_refused_before_any_fetch() {
    let f = fixture();
    let mut fields = notification("x", f.now());
    fields.insert(
        "TopicArn".into(),
        json!("arn:aws:sns:us-east-1:111122223333:someone-else"),
    );
    let message = signed(&f.signer, fields, 2);
    assert!(matches!(
        f.verifier().verify(&body(&message)).await,
        Err(SnsVerifyError::UnexpectedTopic(t)) if t.ends_with(":someone-else")
    ));
    // A verifier that expects no topic refuses everything.
    let good = signed(&f.signer, notification("x", f.now()), 2);
    assert!(matches!(
        SnsVerifier::new(Arc::new(f.source.clone()))
            .verify(&body(&good))
            .await,
        Err(SnsVerifyError::UnexpectedTopic(_))
    ));
    assert_eq!(f.source.fetches(), 0);
}

#[tokio::test]
async fn an_expired_timestamp_is_refused_as_a_replay() {
    let f = fixture();
    let message = signed(&f.signer, notification("x", f.now()), 2);
    f.clock.advance(Duration::from_secs(3_601));
    assert!(matches!(
        f.verifier().verify(&body(&message)).await,
        Err(SnsVerifyError::Expired { age, max_age }) if age > max_age && max_age == Duration::from_secs(3_600)
    ));
    // Within a configured bound it verifies.
    f.verifier()
        .with_max_age(Duration::from_secs(7_200))
        .verify(&body(&message))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_timestamp_far_in_the_future_is_refused() {
    let f = fixture();
    let message = signed(
        &f.signer,
        notification("x", f.now() + Duration::from_secs(600)),
        2,
    );
    assert!(matches!(
        f.verifier().verify(&body(&message)).await,
        Err(SnsVerifyError::FromTheFuture(_))
    ));
    // A little clock skew is fine.
    let message = signed(
        &f.signer,
        notification("x", f.now() + Duration::from_secs(30)),
        2,
    );
    f.verifier().verify(&body(&message)).await.unwrap();
}

#[tokio::test]
async fn an_unknown_signature_version_is_refused() {
    let f = fixture();
    for version in ["3", "0", "", "2 ", "SHA256"] {
        let mut message = signed(&f.signer, notification("x", f.now()), 2);
        message.insert("SignatureVersion".into(), json!(version));
        let result = f.verifier().verify(&body(&message)).await;
        assert!(
            matches!(
                result,
                Err(SnsVerifyError::Malformed(
                    SnsMessageError::UnsupportedSignatureVersion(_)
                        | SnsMessageError::InvalidField {
                            field: "SignatureVersion",
                            ..
                        }
                ))
            ),
            "{version:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_certificate_that_cannot_be_fetched_means_not_verified() {
    let f = fixture();
    let message = signed(&f.signer, notification("x", f.now()), 2);
    let verifier = SnsVerifier::new(Arc::new(StaticCertificateSource::new()))
        .with_topic(TOPIC)
        .with_clock(Arc::new(f.clock.clone()));
    assert!(matches!(
        verifier.verify(&body(&message)).await,
        Err(SnsVerifyError::CertificateUnavailable(
            CertificateError::Unknown(_)
        ))
    ));
    assert_eq!(verifier.cached_certificates(), 0);
}

#[tokio::test]
async fn an_unusable_certificate_means_not_verified() {
    let f = fixture();
    let message = signed(&f.signer, notification("x", f.now()), 2);
    let expired = Signer::with_params(|p| {
        p.not_before = rcgen::date_time_ymd(2000, 1, 1);
        p.not_after = rcgen::date_time_ymd(2001, 1, 1);
    });
    let ec_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let ec_cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&ec_key)
        .unwrap()
        .pem();
    let mut truncated = f.signer.certificate_pem.clone();
    truncated.truncate(truncated.len() / 2);
    for (pem, rule) in [
        (
            "not a certificate".to_owned(),
            "not a PEM X.509 certificate",
        ),
        (truncated, "not a PEM X.509 certificate"),
        (ec_cert, "not an RSA key"),
        (
            expired.certificate_pem.clone(),
            "outside its validity period",
        ),
    ] {
        let source = StaticCertificateSource::new().with_certificate(CERT_URL, pem);
        let verifier = SnsVerifier::new(Arc::new(source))
            .with_topic(TOPIC)
            .with_clock(Arc::new(f.clock.clone()));
        let signer = if rule == "outside its validity period" {
            &expired
        } else {
            &f.signer
        };
        let message = signed(signer, notification("x", f.now()), 2);
        assert_eq!(
            verifier.verify(&body(&message)).await,
            Err(SnsVerifyError::CertificateInvalid(rule))
        );
    }
    drop(message);
}

#[tokio::test]
async fn certificates_are_cached_by_url_and_bounded() {
    let f = fixture();
    let other_url = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem";
    let source = f
        .source
        .clone()
        .with_certificate(other_url, f.signer.certificate_pem.clone());
    let verifier = SnsVerifier::new(Arc::new(source.clone()))
        .with_topic(TOPIC)
        .with_clock(Arc::new(f.clock.clone()))
        .with_cache_capacity(1);
    let first = signed(&f.signer, notification("1", f.now()), 2);
    let mut other = notification("2", f.now());
    other.insert("SigningCertURL".into(), json!(other_url));
    let other = signed(&f.signer, other, 2);
    verifier.verify(&body(&first)).await.unwrap();
    verifier.verify(&body(&first)).await.unwrap();
    assert_eq!(source.fetches(), 1, "the second message used the cache");
    verifier.verify(&body(&other)).await.unwrap();
    assert_eq!(verifier.cached_certificates(), 1, "bounded to one");
    verifier.verify(&body(&first)).await.unwrap();
    assert_eq!(source.fetches(), 3, "the first URL was evicted");
}

#[tokio::test]
async fn missing_fields_are_named() {
    let f = fixture();
    let good = signed(&f.signer, notification("x", f.now()), 2);
    for field in [
        "Type",
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "Signature",
        "SigningCertURL",
        "SignatureVersion",
    ] {
        let mut message = good.clone();
        message.remove(field);
        let result = f.verifier().verify(&body(&message)).await;
        assert!(
            matches!(result, Err(SnsVerifyError::Malformed(SnsMessageError::InvalidField { field: named, .. })) if named == field),
            "{field}: {result:?}"
        );
    }
    let good = signed(
        &f.signer,
        confirmation("SubscriptionConfirmation", f.now()),
        2,
    );
    for field in ["SubscribeURL", "Token"] {
        let mut message = good.clone();
        message.remove(field);
        assert!(matches!(
            f.verifier().verify(&body(&message)).await,
            Err(SnsVerifyError::Malformed(SnsMessageError::InvalidField { field: named, .. })) if named == field
        ));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn only_sns_hosts_pass_the_certificate_url_check(
        scheme in prop_oneof![Just("https"), Just("http"), Just("ftp")],
        host in prop_oneof![
            "[a-z0-9.-]{0,40}",
            "sns\\.[a-z0-9-]{0,20}\\.amazonaws\\.com(\\.cn)?[a-z.]{0,10}",
        ],
        path in "/[A-Za-z0-9._/-]{0,40}(\\.pem)?",
    ) {
        let text = format!("{scheme}://{host}{path}");
        if connector_aws::SigningCertUrl::parse(&text).is_ok() {
            let url = url::Url::parse(&text).unwrap();
            let host = url.host_str().unwrap();
            prop_assert_eq!(url.scheme(), "https");
            prop_assert!(host.starts_with("sns."));
            prop_assert!(host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
            prop_assert_eq!(host.matches('.').count(), if host.ends_with(".cn") { 4 } else { 3 });
            prop_assert!(url.path().ends_with(".pem"));
        }
        let _ = connector_aws::SubscribeUrl::parse(&text, TOPIC);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2_048)) {
        let _ = connector_aws::SnsMessage::parse(&bytes);
    }

    #[test]
    fn arbitrary_string_fields_never_panic_nor_verify(
        fields in proptest::collection::btree_map(
            prop_oneof![
                Just("Type"), Just("MessageId"), Just("TopicArn"), Just("Message"),
                Just("Timestamp"), Just("SignatureVersion"), Just("Signature"),
                Just("SigningCertURL"), Just("SubscribeURL"), Just("Token"), Just("Subject"),
            ],
            ".{0,80}",
            0..11,
        )
    ) {
        let body = serde_json::to_vec(&fields).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let source = StaticCertificateSource::new();
        let verifier = SnsVerifier::new(Arc::new(source)).with_topic(TOPIC);
        prop_assert!(runtime.block_on(verifier.verify(&body)).is_err());
    }
}

#[tokio::test]
async fn duplicate_fields_are_refused() {
    // A second `Message` after the signed one: JSON parsers disagree on which wins, so the
    // message is refused rather than verified over one value and acted on with the other.
    let f = fixture();
    let good = signed(&f.signer, notification("signed", f.now()), 2);
    let text = String::from_utf8(body(&good)).unwrap();
    let doubled = format!("{},\"Message\":\"forged\"}}", text.trim_end_matches('}'));
    assert!(matches!(
        f.verifier().verify(doubled.as_bytes()).await,
        Err(SnsVerifyError::Malformed(SnsMessageError::NotJson(_)))
    ));
}
