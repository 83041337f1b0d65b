//! A test SNS signer: a CA and a signing certificate generated per run (RSA 2048 through
//! rcgen on aws-lc-rs), messages built and signed the way SNS documents it ("Verifying the
//! signatures of Amazon SNS messages"), written here independently of the library's own
//! string to sign. Version 2 (SHA256withRSA) signs with aws-lc-rs; version 1 (SHA1withRSA)
//! with the `openssl` CLI, as aws-lc-rs offers no SHA-1 signing.

#![allow(dead_code, reason = "each test file uses part of the support module")]

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use connector_core::Timestamp;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PKCS_RSA_SHA256};
use serde_json::{Map, Value, json};

pub(crate) const CERT_URL: &str =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";
pub(crate) const TOPIC: &str = "arn:aws:sns:us-east-1:999988887777:connector-registrations";

pub(crate) struct Signer {
    pub(crate) certificate_pem: String,
    key: KeyPair,
    key_pem: String,
}

impl Signer {
    /// A signing certificate issued by a test CA, valid from 1975 to 4096.
    pub(crate) fn new() -> Signer {
        Signer::with_params(|_| {})
    }

    /// The same with the leaf's parameters adjusted.
    pub(crate) fn with_params(adjust: impl FnOnce(&mut CertificateParams)) -> Signer {
        let ca_key = KeyPair::generate_for(&PKCS_RSA_SHA256).unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate_for(&PKCS_RSA_SHA256).unwrap();
        let mut params = CertificateParams::new(vec!["sns.amazonaws.com".to_owned()]).unwrap();
        adjust(&mut params);
        let certificate = params.signed_by(&key, &issuer).unwrap();
        Signer {
            certificate_pem: certificate.pem(),
            key_pem: key.serialize_pem(),
            key,
        }
    }

    /// SHA256withRSA.
    pub(crate) fn sign_v2(&self, data: &[u8]) -> Vec<u8> {
        let pair = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(&self.key.serialize_der()).unwrap();
        let mut signature = vec![0; pair.public_modulus_len()];
        pair.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            data,
            &mut signature,
        )
        .unwrap();
        signature
    }

    /// SHA1withRSA, through `openssl dgst -sha1 -sign`.
    pub(crate) fn sign_v1(&self, data: &[u8]) -> Vec<u8> {
        let path = std::env::temp_dir().join(format!(
            "sns-test-key-{}-{}.pem",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::write(&path, &self.key_pem).unwrap();
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha1", "-sign"])
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the openssl CLI signs the version 1 (SHA1withRSA) test messages");
        child.stdin.take().unwrap().write_all(data).unwrap();
        let output = child.wait_with_output().unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(output.status.success(), "openssl dgst failed");
        output.stdout
    }
}

/// SNS's `Timestamp` format, with milliseconds.
pub(crate) fn sns_time(at: SystemTime) -> String {
    let d = at.duration_since(UNIX_EPOCH).unwrap();
    let whole = Timestamp(i64::try_from(d.as_secs()).unwrap()).to_string();
    format!("{}.{:03}Z", whole.trim_end_matches('Z'), d.subsec_millis())
}

/// The documented string to sign of a message's fields.
pub(crate) fn string_to_sign(fields: &Map<String, Value>) -> String {
    let names: &[&str] = if fields["Type"] == "Notification" {
        &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ]
    } else {
        &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ]
    };
    let mut out = String::new();
    for name in names {
        if let Some(value) = fields.get(*name).and_then(Value::as_str) {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
    }
    out
}

/// A notification of `message` on TOPIC at `at`.
pub(crate) fn notification(message: &str, at: SystemTime) -> Map<String, Value> {
    json!({
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Subject": "AWS CloudFormation custom resource request",
        "Message": message,
        "Timestamp": sns_time(at),
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:999988887777:connector-registrations:c9135db0",
    })
    .as_object()
    .unwrap()
    .clone()
}

/// A subscription (or unsubscribe) confirmation on TOPIC at `at`.
pub(crate) fn confirmation(kind: &str, at: SystemTime) -> Map<String, Value> {
    let token = "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736";
    json!({
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": token,
        "TopicArn": TOPIC,
        "Message": format!("You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
        "SubscribeURL": format!("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={token}"),
        "Timestamp": sns_time(at),
        "SigningCertURL": CERT_URL,
    })
    .as_object()
    .unwrap()
    .clone()
}

/// Signs `fields` with `version` (1 or 2) and returns the JSON body.
pub(crate) fn signed(
    signer: &Signer,
    mut fields: Map<String, Value>,
    version: u8,
) -> Map<String, Value> {
    let data = string_to_sign(&fields);
    let signature = match version {
        1 => signer.sign_v1(data.as_bytes()),
        _ => signer.sign_v2(data.as_bytes()),
    };
    fields.insert("SignatureVersion".into(), json!(version.to_string()));
    fields.insert(
        "Signature".into(),
        json!(base64::engine::general_purpose::STANDARD.encode(signature)),
    );
    fields
}

pub(crate) fn body(fields: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(fields).unwrap()
}
