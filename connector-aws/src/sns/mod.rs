//! Amazon SNS messages (issue 16, transports): parsing, signature verification against the
//! signing certificate, and the URLs a message may make the vendor fetch.

mod cert_url;
mod certificate;
mod message;
mod subscription;
mod timestamp;
mod verifier;

pub use cert_url::{SigningCertUrl, SubscribeUrl, SubscribeUrlError};
pub use certificate::{
    CertificateError, CertificateSource, HttpsCertificateSource, StaticCertificateSource,
};
pub use message::{
    MAX_SNS_BODY_BYTES, SignatureVersion, SnsMessage, SnsMessageError, SnsMessageType,
};
pub use subscription::{SubscriptionConfirmer, SubscriptionError};
pub use verifier::{SnsVerifier, SnsVerifyError, VerifiedSnsMessage};
