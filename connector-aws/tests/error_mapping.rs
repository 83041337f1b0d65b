//! Every STS answer the adapter can get, mocked with `aws-smithy-mocks`, and the
//! `ProviderError` it becomes; plus what is sent, and timeouts and connection failures against
//! loopback sockets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::net::TcpListener;
use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_sts::Client;
use aws_sdk_sts::operation::assume_role::{AssumeRoleError, AssumeRoleOutput};
use aws_sdk_sts::operation::assume_role_with_web_identity::{
    AssumeRoleWithWebIdentityError, AssumeRoleWithWebIdentityOutput,
};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_sdk_sts::types::Credentials as StsCredentials;
use aws_sdk_sts::types::error::{
    ExpiredTokenException, IdpCommunicationErrorException, IdpRejectedClaimException,
    InvalidIdentityTokenException, MalformedPolicyDocumentException, PackedPolicyTooLargeException,
    RegionDisabledException,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use connector_aws::AwsStsProvider;
use connector_core::{
    Arn, AssumeRoleRequest, PolicyDocument, ProviderError, ProviderErrorKind, Region,
    RoleSessionName, StsProvider, TemporaryCredentials, WebIdentityRequest,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN";
const ROLE: &str = "arn:aws:iam::111122223333:role/vendor-access";
const EXTERNAL_ID: &str = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";

fn request() -> AssumeRoleRequest {
    AssumeRoleRequest::new(ROLE.parse().unwrap(), "vendor-sync".parse().unwrap())
        .with_external_id(EXTERNAL_ID.parse().unwrap())
}

fn sts_credentials() -> StsCredentials {
    StsCredentials::builder()
        .access_key_id("ASIAEXAMPLEEXAMPLE01")
        .secret_access_key(SECRET)
        .session_token(TOKEN)
        .expiration(aws_smithy_types::DateTime::from_secs(1_800_003_600))
        .build()
        .unwrap()
}

/// An STS (awsQuery) error document.
fn error_response(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"#
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

fn no_retries(builder: aws_sdk_sts::config::Builder) -> aws_sdk_sts::config::Builder {
    builder.retry_config(RetryConfig::disabled())
}

/// A provider whose client answers every `AssumeRole` with `status`, `code` and `message`.
async fn assume_role_answered(
    status: u16,
    code: &'static str,
    message: &'static str,
) -> ProviderError {
    let rule = mock!(Client::assume_role)
        .then_http_response(move || error_response(status, code, message));
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
    AwsStsProvider::from_client(client)
        .assume_role(&request())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn service_error_codes_map_to_kinds_keeping_code_and_message() {
    use ProviderErrorKind as K;
    let cases: [(u16, &str, K); 14] = [
        (403, "AccessDenied", K::AccessDenied),
        (403, "RegionDisabledException", K::RegionDisabled),
        (400, "MalformedPolicyDocument", K::MalformedPolicy),
        (400, "PackedPolicyTooLarge", K::PackedPolicyTooLarge),
        (400, "ExpiredTokenException", K::ExpiredToken),
        (403, "ExpiredToken", K::ExpiredToken),
        (400, "InvalidIdentityToken", K::InvalidIdentityToken),
        (400, "IDPRejectedClaim", K::InvalidIdentityToken),
        (400, "IDPCommunicationError", K::Transient),
        (400, "Throttling", K::Throttled),
        (500, "InternalFailure", K::Transient),
        (503, "ServiceUnavailable", K::Transient),
        (400, "ValidationError", K::Other),
        (400, "SomeCodeNobodyKnows", K::Other),
    ];
    for (status, code, kind) in cases {
        let error = assume_role_answered(status, code, "the message from AWS").await;
        assert_eq!(error.kind, kind, "{code}");
        assert_eq!(error.code.as_deref(), Some(code));
        assert_eq!(error.message, "the message from AWS", "{code}");
        assert!(error.to_string().contains(error.remediation()));
    }
}

#[tokio::test]
async fn the_vendors_own_bad_keys_are_not_a_customer_revocation() {
    let error = assume_role_answered(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    .await;
    assert_eq!(error.kind, ProviderErrorKind::Other);
    assert!(!error.kind.is_revocation());
    assert_eq!(error.code.as_deref(), Some("InvalidClientTokenId"));
}

#[tokio::test]
async fn unknown_codes_fall_back_on_the_http_status() {
    // A 5xx with an error document of unknown code is transient; 429 is throttling.
    let error = assume_role_answered(502, "BadGatewayOfSomeProxy", "bad gateway").await;
    assert_eq!(error.kind, ProviderErrorKind::Transient);
    let error = assume_role_answered(429, "SomethingSlow", "slow down").await;
    assert_eq!(error.kind, ProviderErrorKind::Throttled);
}

#[tokio::test]
async fn unreadable_answers_map_by_status() {
    let html = mock!(Client::assume_role).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(503).unwrap(),
            SdkBody::from("<html><body>Service Unavailable</body></html>"),
        )
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&html], no_retries);
    let error = AwsStsProvider::from_client(client)
        .assume_role(&request())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Transient, "{error}");

    let garbage = mock!(Client::assume_role).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(200).unwrap(),
            SdkBody::from("this is not XML"),
        )
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&garbage], no_retries);
    let error = AwsStsProvider::from_client(client)
        .assume_role(&request())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Other, "{error}");
    assert!(error.message.contains("AssumeRole"), "{error}");
}

#[tokio::test]
async fn modeled_errors_map_even_without_metadata() {
    use ProviderErrorKind as K;
    let assume: [(AssumeRoleError, K, &str); 4] = [
        (
            AssumeRoleError::RegionDisabledException(RegionDisabledException::builder().build()),
            K::RegionDisabled,
            "RegionDisabledException",
        ),
        (
            AssumeRoleError::MalformedPolicyDocumentException(
                MalformedPolicyDocumentException::builder()
                    .message("Syntax errors in policy.")
                    .build(),
            ),
            K::MalformedPolicy,
            "MalformedPolicyDocument",
        ),
        (
            AssumeRoleError::PackedPolicyTooLargeException(
                PackedPolicyTooLargeException::builder().build(),
            ),
            K::PackedPolicyTooLarge,
            "PackedPolicyTooLarge",
        ),
        (
            AssumeRoleError::ExpiredTokenException(ExpiredTokenException::builder().build()),
            K::ExpiredToken,
            "ExpiredTokenException",
        ),
    ];
    for (error, kind, code) in assume {
        let error = std::sync::Mutex::new(Some(error));
        let rule = mock!(Client::assume_role)
            .then_error(move || error.lock().unwrap().take().expect("one call"));
        let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
        let mapped = AwsStsProvider::from_client(client)
            .assume_role(&request())
            .await
            .unwrap_err();
        assert_eq!(mapped.kind, kind, "{code}");
        assert_eq!(mapped.code.as_deref(), Some(code));
        assert!(!mapped.message.is_empty());
    }

    type E = AssumeRoleWithWebIdentityError;
    let web: [(E, K, &str); 4] = [
        (
            E::IdpCommunicationErrorException(IdpCommunicationErrorException::builder().build()),
            K::Transient,
            "IDPCommunicationError",
        ),
        (
            E::IdpRejectedClaimException(IdpRejectedClaimException::builder().build()),
            K::InvalidIdentityToken,
            "IDPRejectedClaim",
        ),
        (
            E::InvalidIdentityTokenException(InvalidIdentityTokenException::builder().build()),
            K::InvalidIdentityToken,
            "InvalidIdentityToken",
        ),
        (
            E::ExpiredTokenException(ExpiredTokenException::builder().build()),
            K::ExpiredToken,
            "ExpiredTokenException",
        ),
    ];
    let web_request = WebIdentityRequest::new(
        ROLE.parse().unwrap(),
        "agent".parse().unwrap(),
        "eyJhbGciOi.token".into(),
    );
    for (error, kind, code) in web {
        let error = std::sync::Mutex::new(Some(error));
        let rule = mock!(Client::assume_role_with_web_identity)
            .then_error(move || error.lock().unwrap().take().expect("one call"));
        let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
        let mapped = AwsStsProvider::from_client(client)
            .assume_role_with_web_identity(&web_request)
            .await
            .unwrap_err();
        assert_eq!(mapped.kind, kind, "{code}");
        assert_eq!(mapped.code.as_deref(), Some(code));
    }
}

const NO_PROVIDER: &str =
    "No OpenIDConnect provider found in your account for https://id.auto-nomos.com";

fn web_request() -> WebIdentityRequest {
    WebIdentityRequest::new(
        ROLE.parse().unwrap(),
        "agent".parse().unwrap(),
        "eyJhbGciOi.token".into(),
    )
}

/// The `AssumeRoleWithWebIdentity` error a client answering `error` maps to.
async fn web_identity_failed_with(error: AssumeRoleWithWebIdentityError) -> ProviderError {
    let error = std::sync::Mutex::new(Some(error));
    let rule = mock!(Client::assume_role_with_web_identity)
        .then_error(move || error.lock().unwrap().take().expect("one call"));
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
    AwsStsProvider::from_client(client)
        .assume_role_with_web_identity(&web_request())
        .await
        .unwrap_err()
}

/// The `AssumeRoleWithWebIdentity` error an HTTP answer with `code` and `message` maps to.
async fn web_identity_answered(code: &'static str, message: &'static str) -> ProviderError {
    let rule = mock!(Client::assume_role_with_web_identity)
        .then_http_response(move || error_response(400, code, message));
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
    AwsStsProvider::from_client(client)
        .assume_role_with_web_identity(&web_request())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_missing_oidc_provider_is_its_own_kind_from_the_modeled_exception() {
    let mapped = web_identity_failed_with(
        AssumeRoleWithWebIdentityError::InvalidIdentityTokenException(
            InvalidIdentityTokenException::builder()
                .message(NO_PROVIDER)
                .build(),
        ),
    )
    .await;
    assert_eq!(mapped.kind, ProviderErrorKind::OidcProviderMissing);
    assert!(mapped.kind.is_customer_refusal());
    assert_eq!(mapped.code.as_deref(), Some("InvalidIdentityToken"));
    assert_eq!(mapped.message, NO_PROVIDER);
}

#[tokio::test]
async fn a_missing_oidc_provider_is_its_own_kind_from_the_wire() {
    // The awsQuery error document is parsed into the modeled exception; an unmodeled code
    // variant (`...Exception`) takes the by-code path.
    for code in ["InvalidIdentityToken", "InvalidIdentityTokenException"] {
        let mapped = web_identity_answered(code, NO_PROVIDER).await;
        assert_eq!(
            mapped.kind,
            ProviderErrorKind::OidcProviderMissing,
            "{code}"
        );
        assert_eq!(mapped.code.as_deref(), Some(code));
        assert_eq!(mapped.message, NO_PROVIDER);
    }
}

#[tokio::test]
async fn other_invalid_identity_token_messages_stay_invalid_identity_token() {
    let others = [
        "Incorrect token audience",
        "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
        "The web identity token could not be validated.",
        "Error: No OpenIDConnect provider found in your account for https://id.auto-nomos.com",
    ];
    for message in others {
        let modeled = web_identity_failed_with(
            AssumeRoleWithWebIdentityError::InvalidIdentityTokenException(
                InvalidIdentityTokenException::builder()
                    .message(message)
                    .build(),
            ),
        )
        .await;
        assert_eq!(
            modeled.kind,
            ProviderErrorKind::InvalidIdentityToken,
            "{message}"
        );
        for code in ["InvalidIdentityToken", "InvalidIdentityTokenException"] {
            let mapped = web_identity_answered(code, message).await;
            assert_eq!(
                mapped.kind,
                ProviderErrorKind::InvalidIdentityToken,
                "{code}: {message}"
            );
            assert!(!mapped.kind.is_customer_refusal());
        }
    }
    // The message only counts on an InvalidIdentityToken: the same words under another code
    // keep that code's kind.
    let denied = web_identity_answered("AccessDenied", NO_PROVIDER).await;
    assert_eq!(denied.kind, ProviderErrorKind::AccessDenied);
    let claim =
        web_identity_failed_with(AssumeRoleWithWebIdentityError::IdpRejectedClaimException(
            IdpRejectedClaimException::builder()
                .message("Token claims rejected")
                .build(),
        ))
        .await;
    assert_eq!(claim.kind, ProviderErrorKind::InvalidIdentityToken);
}

#[tokio::test]
async fn every_parameter_is_sent_and_credentials_come_back() {
    let policy: PolicyDocument = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#
        .parse()
        .unwrap();
    let managed: Arn = "arn:aws:iam::aws:policy/ReadOnlyAccess".parse().unwrap();
    let rule = mock!(Client::assume_role)
        .match_requests(|req| {
            req.role_arn() == Some(ROLE)
                && req.role_session_name() == Some("vendor-sync")
                && req.external_id() == Some(EXTERNAL_ID)
                && req.duration_seconds() == Some(900)
                && req.policy().is_some_and(|p| p.contains("s3:GetObject"))
                && req.policy_arns().len() == 1
                && req.policy_arns()[0].arn() == Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
                && req.source_identity() == Some("alice@example.com")
                && req.tags().len() == 2
                && req.tags()[0].key() == "team"
                && req.tags()[0].value() == "data"
        })
        .then_output(|| {
            AssumeRoleOutput::builder()
                .credentials(sts_credentials())
                .build()
        });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
    let request = request()
        .with_duration(Duration::from_secs(900))
        .with_session_policy(policy)
        .with_policy_arns(vec![managed])
        .with_source_identity("alice@example.com")
        .with_tag("team", "data")
        .with_tag("cost-center", "42")
        .with_region("eu-west-1".parse().unwrap());
    let credentials = AwsStsProvider::from_client(client)
        .assume_role(&request)
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAEXAMPLEEXAMPLE01");
    assert_eq!(
        credentials.expiration(),
        UNIX_EPOCH + Duration::from_secs(1_800_003_600)
    );
    let shown = format!("{credentials:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn web_identity_sends_the_token_and_never_shows_it() {
    let rule = mock!(Client::assume_role_with_web_identity)
        .match_requests(|req| {
            req.web_identity_token() == Some("eyJhbGciOi.secret-token")
                && req.role_session_name() == Some("agent")
                && req.duration_seconds() == Some(3600)
        })
        .then_output(|| {
            AssumeRoleWithWebIdentityOutput::builder()
                .credentials(sts_credentials())
                .build()
        });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&rule], no_retries);
    let provider = AwsStsProvider::from_client(client);
    let request = WebIdentityRequest::new(
        ROLE.parse().unwrap(),
        "agent".parse().unwrap(),
        "eyJhbGciOi.secret-token".into(),
    );
    assert!(!format!("{request:?}").contains("secret-token"));
    let credentials = provider
        .assume_role_with_web_identity(&request)
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAEXAMPLEEXAMPLE01");
}

#[tokio::test]
async fn caller_identity_answers_and_missing_fields() {
    let full = mock!(Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("111122223333")
            .arn("arn:aws:sts::111122223333:assumed-role/vendor-access/vendor-sync")
            .user_id("AROAEXAMPLE:vendor-sync")
            .build()
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, &[&full], no_retries);
    let provider = AwsStsProvider::from_client(client);
    let credentials = TemporaryCredentials::new(
        "ASIAEXAMPLEEXAMPLE01",
        SECRET,
        TOKEN,
        UNIX_EPOCH + Duration::from_secs(4_000_000_000),
    );
    let region: Region = "eu-west-1".parse().unwrap();
    let identity = provider
        .caller_identity(&credentials, Some(&region))
        .await
        .unwrap();
    assert_eq!(identity.account, "111122223333");
    assert_eq!(identity.user_id, "AROAEXAMPLE:vendor-sync");

    let partial = mock!(Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("111122223333")
            .build()
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, &[&partial], no_retries);
    let error = AwsStsProvider::from_client(client)
        .caller_identity(&credentials, None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Other);
    assert!(error.message.contains("without Arn"), "{error}");

    // Credentials STS never issued grant nothing: AccessDenied, like the in-memory STS.
    let invalid = mock!(Client::get_caller_identity).then_http_response(|| {
        error_response(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, &[&invalid], no_retries);
    let error = AwsStsProvider::from_client(client)
        .caller_identity(&credentials, None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::AccessDenied);
    assert!(!error.to_string().contains(SECRET) && !error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn bad_requests_are_refused_before_sending() {
    // No rule: any call that reached the client would fail with the mock's 418.
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[], no_retries);
    let provider = AwsStsProvider::from_client(client);

    let too_short = request().with_duration(Duration::from_secs(60));
    let error = provider.assume_role(&too_short).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::InvalidRequest);
    assert!(error.message.starts_with("DurationSeconds"), "{error}");

    let bad_tag = request().with_tag("", "x");
    let error = provider.assume_role(&bad_tag).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::InvalidRequest);
    assert!(error.message.starts_with("Tags"), "{error}");

    let web = WebIdentityRequest::new(
        ROLE.parse().unwrap(),
        "agent".parse().unwrap(),
        "token".into(),
    )
    .with_duration(Duration::from_secs(10));
    let error = provider
        .assume_role_with_web_identity(&web)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::InvalidRequest);
    assert!(error.message.starts_with("DurationSeconds"), "{error}");
}

#[test]
fn a_bad_session_name_or_region_cannot_make_a_request() {
    // What the adapter used to refuse before sending can no longer be built at all: the
    // session name and the region are checked when they are parsed.
    for bad in ["bad name!", "x", &"a".repeat(65)] {
        let error = bad.parse::<RoleSessionName>().unwrap_err();
        assert_eq!(error.kind, ProviderErrorKind::InvalidRequest, "{bad}");
        assert!(error.message.starts_with("RoleSessionName"), "{error}");
        assert_eq!(RoleSessionName::new(bad).unwrap_err(), error);
    }
    let error = "eu west 1".parse::<Region>().unwrap_err();
    assert!(error.to_string().contains("region"), "{error}");
}

/// A provider on a real HTTP client against `endpoint`, with fake static keys.
fn loopback_provider(endpoint: &str, timeouts: TimeoutConfig) -> AwsStsProvider {
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    AwsStsProvider::builder()
        .with_region("us-east-1".parse().unwrap())
        .with_endpoint_url(endpoint)
        .with_credentials_provider(aws_credential_types::Credentials::for_tests())
        .with_timeout_config(timeouts)
        .with_retry_config(RetryConfig::disabled())
        .build_from(&sdk)
        .unwrap()
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_transient() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    // Accepts the connection (the kernel backlog does) and never answers.
    let provider = loopback_provider(
        &endpoint,
        TimeoutConfig::builder()
            .operation_timeout(Duration::from_millis(300))
            .build(),
    );
    let error = provider.assume_role(&request()).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Transient, "{error}");
    assert!(error.is_retryable());
    assert!(error.message.contains("timed out"), "{error}");
    drop(listener);

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let provider = loopback_provider(
        &endpoint,
        TimeoutConfig::builder()
            .read_timeout(Duration::from_millis(300))
            .build(),
    );
    let error = provider.assume_role(&request()).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Transient, "{error}");
    drop(listener);
}

#[tokio::test]
async fn a_refused_connection_is_a_transient_dispatch_failure() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let provider = loopback_provider(
        &format!("http://127.0.0.1:{port}"),
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(2))
            .build(),
    );
    let error = provider.assume_role(&request()).await.unwrap_err();
    assert_eq!(error.kind, ProviderErrorKind::Transient, "{error}");
    assert!(error.message.contains("could not be sent"), "{error}");
    assert!(error.code.is_none());
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(&"AKIA".repeat(2)));
}

#[tokio::test]
async fn a_truncated_answer_never_leaks_the_secret_it_held() {
    let truncated = mock!(Client::assume_role).then_http_response(|| {
        let body = format!(
            "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId>\
             <SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}"
        );
        HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&truncated], no_retries);
    let error = AwsStsProvider::from_client(client)
        .assume_role(&request())
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
}
