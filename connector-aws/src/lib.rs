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
//! - Stack registration callbacks (the transports of `connector_core::registration`): the
//!   customer's stack notifies the vendor's SNS topic; [`RegistrationHandler`] takes the raw
//!   SNS body (from an HTTPS endpoint, or from SQS through [`SqsRegistrationPoller`]),
//!   verifies it with [`SnsVerifier`] (signature version 1 or 2 against the signing
//!   certificate, whose URL must be `https://sns.REGION.amazonaws.com/….pem`, fetched by a
//!   [`CertificateSource`] and cached; expected topics only; a replay bound), runs
//!   `Connector::register`, and answers CloudFormation with [`ResponseSender`] (a `PUT` to
//!   the S3 response URL, retried within a deadline). [`SubscriptionConfirmer`] confirms a
//!   verified subscription of an expected topic. The same request delivered twice is
//!   answered again from a bounded memory of recent answers, without a second connection
//!   test.
//!
//! One TLS stack: the SDK crates are built without default features, with
//! `default-https-client` (rustls 0.23) and `rt-tokio`; the registration transports use the
//! same hyper 1 / hyper-rustls / rustls (aws-lc-rs) crates, https only. Plain http to a
//! local server exists only in constructors behind the `testing` feature
//! (`ResponseSender::redirecting_for_tests`, `SubscriptionConfirmer::redirecting_for_tests`),
//! which keep every URL check and only change where the request goes.
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
//! | SNS `Publish` to a topic with an SQS subscription (not raw) | the SQS body is the SNS envelope with `SignatureVersion` `"2"`, a real SHA256withRSA signature under a key moto generates, and a `SigningCertURL` `https://sns.REGION.amazonaws.com/SimpleNotificationService-….pem` whose certificate moto serves at that path (its server routes the GET to SNS only with an `Authorization` header naming `sns`) | signed by SNS's own certificate |
//! | moto's string to sign | omits `Subject`: a message published with a subject does not verify (refused, and left in the queue); without a subject it verifies | includes `Subject` when present |
//! | SQS long polling, `VisibilityTimeout` on receive, `DeleteMessage` | as AWS: a message not deleted is received again once its visibility timeout passes | same |
//! | CloudFormation `CreateStack` with a custom resource whose `ServiceToken` is an SNS topic | **fails**: moto treats the token as a Lambda function (`ResourceNotFoundException: Function not found`) and publishes nothing | CloudFormation publishes the request to the topic |
//!
//! Stack registration on moto (`tests/moto_registration.rs`) therefore publishes a
//! captured-format custom-resource request to the topic itself (without a subject), reads
//! it from SQS, verifies moto's signature against moto's certificate (fetched by a test-only
//! [`CertificateSource`]) and answers on a local server standing in for the S3 response URL;
//! the CloudFormation → SNS step is covered by the captured format
//! (`tests/registration_handler.rs`, and connector-core's `tests/registration.rs`).
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
