//! # connector-aws
//!
//! The thin adapter between `connector-core` and AWS:
//!
//! - [`AwsStsProvider`] implements connector-core's [`StsProvider`](connector_core::StsProvider)
//!   with `aws-sdk-sts` (`AssumeRole` with External ID, session name, duration, session
//!   policies, source identity and tags; `AssumeRoleWithWebIdentity`; `GetCallerIdentity`
//!   signed with the given temporary credentials), on regional STS endpoints. Base
//!   credentials and region come from `aws-config`'s default chain unless
//!   [`AwsStsProviderBuilder`] overrides them.
//! - Every SDK and service error becomes a
//!   [`ProviderError`](connector_core::ProviderError) with AWS's error code and message.
//! - [`SessionCredentialsProvider`] hands a connection's self-refreshing credentials to any
//!   AWS SDK client.
//! - [`Fleet`], [`TokioTimer`], [`TokioClock`]: the tokio driver of connector-core's
//!   health-check workers.
//!
//! One TLS stack: the SDK crates are built without default features, with
//! `default-https-client` (rustls 0.23) and `rt-tokio`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use connector_aws::{AwsStsProvider, SessionCredentialsProvider};
//! use connector_core::{Connector, InMemoryConnectionStore, VendorPrincipal};
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sts = AwsStsProvider::from_env().await?;          // the vendor's own credentials
//! let connector = Connector::builder(
//!     VendorPrincipal::account("999988887777".parse()?),
//!     Arc::new(InMemoryConnectionStore::new()),        // a durable store in production
//!     Arc::new(sts),
//! )
//! .build();
//! // ... create, artifacts, submit_role (see connector-core) ...
//! let base = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
//! let s3_config = SessionCredentialsProvider::connected(connector.session("acme".parse()?))
//!     .sdk_config(&base);
//! // aws_sdk_s3::Client::new(&s3_config) now works as the customer's role, while the
//! // connection is live.
//! # let _ = s3_config;
//! # Ok(())
//! # }
//! ```
//!
//! # Testing against moto
//!
//! `connector-aws/tests/moto.rs` runs the adapter against moto's server (`scripts/test`
//! installs moto 5.2 into `target/py-tools`, starts `moto_server` on a free loopback port and
//! sets `CONNECTOR_MOTO_ENDPOINT`; without that variable the tests say they are skipped).
//! What moto 5.2 (5.2.5, pinned in `scripts/python-tools.txt`) does, as measured by those
//! tests:
//!
//! | behaviour | moto 5.2 | AWS / in-memory STS |
//! |---|---|---|
//! | wire format of STS `AssumeRole` and `GetCallerIdentity`, IAM `CreateRole` / `DeleteRole` / `GetRole`, S3 `CreateBucket` / `ListBuckets` | parsed and answered like AWS | |
//! | `DurationSeconds` sets the credentials' expiry (900 s and 3,600 s, within 30 s) | yes | yes |
//! | distinct access key ids per session | yes | yes |
//! | `GetCallerIdentity` with assumed-role credentials | the role's account, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, a user id ending in `:SESSION` | same |
//! | trust policy evaluated on `AssumeRole` | **no**: a wrong External ID, none at all, and a role that does not exist are all answered with credentials | `AccessDenied` |
//! | so `verify_connection` | refuses the role with the one error `EXTERNAL_ID_NOT_REQUIRED` (the check without External ID "succeeds") | verified |
//! | role deleted (IAM `GetRole` then fails), next refresh | new credentials; the connection stays `Active`, and `GetCallerIdentity` still names the deleted role | `AccessDenied`, `Disconnected` |
//! | request signatures | not checked: fake static `AKIA…` keys work for IAM and STS | checked |
//! | CloudFormation `CreateStack` with the `onboarding` template (`Ref`, `Fn::Sub`, `Fn::Split`/`Fn::Join` over a `CommaDelimitedList`, `CAPABILITY_NAMED_IAM`), then `DeleteStack` | creates the role with its trust policy and inline policy and outputs its ARN; deleting the stack deletes the role | same |
//! | YAML templates | read as YAML 1.1 (PyYAML): a plain `2012-10-17` becomes a date (the `onboarding` crate quotes such strings) | CloudFormation keeps it a string |
//! | `GetRolePolicy` on a role CloudFormation created | the document as a Python `repr` (single quotes), not URL-encoded JSON | URL-encoded JSON |
//!
//! What moto cannot show (trust policy enforcement, revocation on role deletion) is covered
//! against connector-core's in-memory STS (feature `testing`), which enforces AWS's semantics
//! (`tests/bridge.rs`: a deleted role disconnects the connection). The part both agree on is
//! the shared contract `connector_core::testing::behaviour::provider_contract`, run against
//! both (`tests/contract.rs`, `tests/moto.rs`).
#![deny(missing_docs)]

mod bridge;
mod config;
mod error_mapping;
mod fleet;
mod https;
mod provider;
mod registration_handler;
mod response_sender;
mod sns;
mod sqs_poller;
mod wire;

pub use bridge::SessionCredentialsProvider;
pub use config::{AwsStsProviderBuilder, ConfigError};
pub use connector_core;
pub use fleet::{Fleet, TokioClock, TokioTimer};
pub use https::HttpError;
pub use provider::AwsStsProvider;
pub use registration_handler::{HandlerError, HandlerOutcome, RegistrationHandler};
pub use response_sender::{Delivered, ResponseSender, SendError};
pub use sns::{
    CertificateError, CertificateSource, HttpsCertificateSource, MAX_SNS_BODY_BYTES,
    SignatureVersion, SigningCertUrl, SnsMessage, SnsMessageError, SnsMessageType, SnsVerifier,
    SnsVerifyError, StaticCertificateSource, SubscribeUrl, SubscribeUrlError,
    SubscriptionConfirmer, SubscriptionError, VerifiedSnsMessage,
};
pub use sqs_poller::{PollError, PollReport, PolledMessage, SqsRegistrationPoller};
