//! [`SnsVerifier`]: an SNS message is accepted only when every check passes, in this order:
//! it parses (a supported `SignatureVersion`, an SNS `SigningCertURL`); its `TopicArn` is
//! one the vendor expects ("Reject any message with an unexpected TopicArn to prevent
//! spoofing", SNS Developer Guide, "Verifying the signatures of Amazon SNS messages"); its
//! `Timestamp` is recent (not a replay); the signing certificate can be fetched, parsed, is
//! an RSA key and within its validity period; and the signature over the string to sign
//! verifies (SHA1withRSA for version 1, SHA256withRSA for version 2). Anything that cannot
//! reach a verdict (a certificate that cannot be fetched or parsed) is a refusal.
//!
//! Where the trust comes from: the certificate is fetched over HTTPS from an SNS host only
//! (the URL check runs before any fetch; TLS authenticates `sns.REGION.amazonaws.com`
//! against the system's roots), as the SNS guide asks ("Always retrieve the signing
//! certificate using HTTPS", "The certificate should come from an SNS-signed URL"). The
//! certificate's own chain is not re-validated (the HTTPS fetch from an SNS host is the
//! trust anchor); its key type and validity period are
//! checked.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connector_core::{Clock, SystemClock};
use x509_cert::der::DecodePem as _;

use super::certificate::{CertificateCache, CertificateError, CertificateSource};
use super::message::{SignatureVersion, SnsMessage, SnsMessageError};

/// The OID of `rsaEncryption` (RFC 8017), the key type SNS signs with.
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// Why an SNS message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnsVerifyError {
    /// Not an SNS message, an unsupported `SignatureVersion`, or a `SigningCertURL` that is
    /// not SNS's (refused before any fetch).
    #[error(transparent)]
    Malformed(#[from] SnsMessageError),
    /// The topic is not one this verifier expects.
    #[error("SNS message from unexpected topic {0:?}")]
    UnexpectedTopic(String),
    /// Older than the replay bound.
    #[error("SNS message is {age:?} old, more than the {max_age:?} accepted (a replay?)")]
    Expired {
        /// Its age.
        age: Duration,
        /// The bound.
        max_age: Duration,
    },
    /// Dated further in the future than clock skew explains.
    #[error("SNS message is dated {0:?} in the future")]
    FromTheFuture(Duration),
    /// The signing certificate could not be obtained: not verified.
    #[error(transparent)]
    CertificateUnavailable(#[from] CertificateError),
    /// The signing certificate is unusable: not verified.
    #[error("the SNS signing certificate is unusable: {0}")]
    CertificateInvalid(&'static str),
    /// The signature does not match the message.
    #[error("the SNS message signature does not verify")]
    BadSignature,
}

/// A signing key taken from a certificate: the RSA public key and the validity period.
#[derive(Debug)]
struct SigningKey {
    rsa_public_key: Vec<u8>,
    not_before: SystemTime,
    not_after: SystemTime,
}

fn signing_key(pem: &[u8]) -> Result<SigningKey, SnsVerifyError> {
    let certificate = x509_cert::Certificate::from_pem(pem)
        .map_err(|_| SnsVerifyError::CertificateInvalid("not a PEM X.509 certificate"))?;
    let tbs = &certificate.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    if spki.algorithm.oid.to_string() != RSA_ENCRYPTION {
        return Err(SnsVerifyError::CertificateInvalid("not an RSA key"));
    }
    let rsa_public_key = spki
        .subject_public_key
        .as_bytes()
        .ok_or(SnsVerifyError::CertificateInvalid("malformed public key"))?
        .to_vec();
    let time = |t: &x509_cert::time::Time| UNIX_EPOCH.checked_add(t.to_unix_duration());
    Ok(SigningKey {
        rsa_public_key,
        not_before: time(&tbs.validity.not_before)
            .ok_or(SnsVerifyError::CertificateInvalid("validity out of range"))?,
        not_after: time(&tbs.validity.not_after)
            .ok_or(SnsVerifyError::CertificateInvalid("validity out of range"))?,
    })
}

/// A message whose signature, topic and age were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSnsMessage(SnsMessage);

impl VerifiedSnsMessage {
    /// The message.
    pub fn message(&self) -> &SnsMessage {
        &self.0
    }
}

/// Verifies SNS messages for a set of expected topics (see the module docs).
///
/// ```no_run
/// use std::sync::Arc;
/// use connector_aws::{HttpsCertificateSource, SnsVerifier};
/// # async fn demo(body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = SnsVerifier::new(Arc::new(HttpsCertificateSource::new()?))
///     .with_topic("arn:aws:sns:us-east-1:999988887777:connector-registrations");
/// let message = verifier.verify(body).await?;
/// println!("{}", message.message().message());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SnsVerifier {
    topics: BTreeSet<String>,
    source: Arc<dyn CertificateSource>,
    cache: CertificateCache<SigningKey>,
    max_age: Duration,
    max_skew: Duration,
    clock: Arc<dyn Clock>,
}

impl SnsVerifier {
    /// A verifier fetching certificates from `source`, expecting no topic yet (every
    /// message is refused until [`with_topic`](Self::with_topic)), accepting messages up to
    /// 1 hour old and 5 minutes ahead, caching 32 certificates.
    pub fn new(source: Arc<dyn CertificateSource>) -> SnsVerifier {
        SnsVerifier {
            topics: BTreeSet::new(),
            source,
            cache: CertificateCache::new(32),
            max_age: Duration::from_secs(3_600),
            max_skew: Duration::from_secs(300),
            clock: Arc::new(SystemClock),
        }
    }

    /// Accepts messages from `topic_arn` (one per Region the vendor serves).
    pub fn with_topic(mut self, topic_arn: impl Into<String>) -> Self {
        self.topics.insert(topic_arn.into());
        self
    }

    /// The replay bound: older messages are refused (default 1 hour).
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The clock (default the system's).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How many certificates are kept (default 32; at least 1).
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache = CertificateCache::new(capacity);
        self
    }

    /// How many certificates are cached.
    pub fn cached_certificates(&self) -> usize {
        self.cache.len()
    }

    /// Parses and verifies `body`.
    pub async fn verify(&self, body: &[u8]) -> Result<VerifiedSnsMessage, SnsVerifyError> {
        let message = SnsMessage::parse(body)?;
        if !self.topics.contains(message.topic_arn()) {
            return Err(SnsVerifyError::UnexpectedTopic(
                message.topic_arn().chars().take(200).collect(),
            ));
        }
        let now = self.clock.now();
        match now.duration_since(message.timestamp()) {
            Ok(age) if age > self.max_age => {
                return Err(SnsVerifyError::Expired {
                    age,
                    max_age: self.max_age,
                });
            }
            Ok(_) => {}
            Err(ahead) if ahead.duration() > self.max_skew => {
                return Err(SnsVerifyError::FromTheFuture(ahead.duration()));
            }
            Err(_) => {}
        }
        let key = match self.cache.get(message.signing_cert_url()) {
            Some(key) => key,
            None => {
                let pem = self.source.fetch(message.signing_cert_url()).await?;
                let key = Arc::new(signing_key(&pem)?);
                self.cache
                    .insert(message.signing_cert_url().clone(), Arc::clone(&key));
                key
            }
        };
        if now < key.not_before || now > key.not_after {
            return Err(SnsVerifyError::CertificateInvalid(
                "outside its validity period",
            ));
        }
        let algorithm: &dyn aws_lc_rs::signature::VerificationAlgorithm =
            match message.signature_version() {
                SignatureVersion::V1 => {
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
                }
                SignatureVersion::V2 => &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            };
        aws_lc_rs::signature::UnparsedPublicKey::new(algorithm, &key.rsa_public_key)
            .verify(message.string_to_sign().as_bytes(), message.signature())
            .map_err(|_| SnsVerifyError::BadSignature)?;
        Ok(VerifiedSnsMessage(message))
    }
}
