//! `POST /v1/connections/{name}/credentials`: refused until the connection is live, then the
//! role's credentials in the `credential_process` format from one shared session; refused
//! again after a disconnect or when the customer's account refuses the role; STS trouble is
//! a retryable 503, never credentials.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connector_core::{Clock, ManualClock, ProviderError, ProviderErrorKind, RoleArn};
use serde_json::json;

use crate::harness::{Server, start, start_custom};

/// Creates `name`, "creates the stack" in the simulated account and submits the role: an
/// active connection. Returns the role ARN.
async fn active(server: &Server, name: &str) -> String {
    server.create(&server.acme, name).await;
    let stack = server
        .send(
            "POST",
            &format!("/simulate/stacks/{name}"),
            Some(&server.acme),
            None,
        )
        .await;
    assert_eq!(stack.status, 200, "{}", stack.text());
    let role = stack.json()["role_arn"].as_str().unwrap().to_owned();
    let submitted = server
        .send(
            "POST",
            &format!("/v1/connections/{name}/role"),
            Some(&server.acme),
            Some(&json!({ "role_arn": role })),
        )
        .await;
    assert_eq!(submitted.json()["connection"]["state"], "active");
    role
}

/// `POST /v1/connections/prod/credentials` with acme's key.
async fn credentials(server: &Server) -> crate::harness::Answer {
    server
        .send(
            "POST",
            "/v1/connections/prod/credentials",
            Some(&server.acme),
            None,
        )
        .await
}

#[tokio::test]
async fn a_pending_connection_has_no_credentials_and_makes_no_sts_call() {
    let server = start().await;
    server.create(&server.acme, "prod").await;
    let before = server.sts.calls();
    let refused = credentials(&server).await;
    let problem = refused.problem(409);
    assert_eq!(
        problem["type"].as_str().map(|t| t.ends_with("not-live")),
        Some(true),
        "{problem}"
    );
    assert_eq!(server.sts.calls(), before);
}

#[tokio::test]
async fn an_active_connection_gets_credential_process_json_from_one_shared_session() {
    let server = start().await;
    active(&server, "prod").await;
    let calls = server.sts.calls().assume_role;
    let answer = credentials(&server).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let body = answer.json();
    // The credential_process format, exactly: these five fields and no other.
    let fields: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        {
            let mut f = fields.clone();
            f.sort_unstable();
            f
        },
        [
            "AccessKeyId",
            "Expiration",
            "SecretAccessKey",
            "SessionToken",
            "Version"
        ]
    );
    assert_eq!(body["Version"], 1);
    for field in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    let expiration = body["Expiration"].as_str().unwrap();
    assert!(
        expiration.len() == 20 && expiration.ends_with('Z') && expiration.contains('T'),
        "{expiration}"
    );
    assert!(
        expiration
            > connector_core::Timestamp::from_system(SystemTime::now())
                .to_string()
                .as_str()
    );
    assert_eq!(server.sts.calls().assume_role, calls + 1);

    // A second caller gets the same session: no second STS call.
    let again = credentials(&server).await.json();
    assert_eq!(again["AccessKeyId"], body["AccessKeyId"]);
    assert_eq!(server.sts.calls().assume_role, calls + 1);

    // Disconnected: refused at once.
    server
        .send(
            "POST",
            "/v1/connections/prod/disconnect",
            Some(&server.acme),
            None,
        )
        .await;
    credentials(&server).await.problem(409);
}

/// A server whose connector runs on a manual clock set to now, so a test can move it into the
/// credentials' refresh window.
async fn with_manual_clock() -> (Server, Arc<ManualClock>) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let clock = Arc::new(ManualClock::at_unix(now));
    let for_connector: Arc<dyn Clock> = clock.clone();
    let server = start_custom(|_| {}, None, |b| b.with_clock(for_connector), |b| b).await;
    (server, clock)
}

#[tokio::test]
async fn a_role_the_customer_deleted_is_refused_at_the_next_refresh_and_disconnects() {
    let (server, clock) = with_manual_clock().await;
    let role = active(&server, "prod").await;
    credentials(&server).await.json();
    server
        .sts
        .delete_role(&role.parse::<RoleArn>().unwrap())
        .unwrap();
    // Inside the refresh window: the session calls STS, which refuses.
    clock.advance(Duration::from_secs(58 * 60));
    let refused = credentials(&server).await;
    let problem = refused.problem(409);
    assert!(!refused.text().contains("SecretAccessKey"), "{problem}");
    let state = server
        .send("GET", "/v1/connections/prod", Some(&server.acme), None)
        .await
        .json();
    assert_eq!(state["state"], "disconnected", "{state}");
}

#[tokio::test]
async fn sts_trouble_is_a_retryable_503_and_hands_out_nothing() {
    let (server, _clock) = with_manual_clock().await;
    active(&server, "prod").await;
    // The first session of the connection meets a throttled STS.
    server.sts.throttle_next(10);
    let throttled = credentials(&server).await;
    throttled.problem(503);
    assert_eq!(throttled.header("retry-after"), Some("1"));
    server.sts.clear_faults();
    server
        .sts
        .fail_next(ProviderError::new(ProviderErrorKind::Other, "boom"));
    let failed = credentials(&server).await;
    assert!(failed.status >= 500, "{}", failed.text());
    assert!(!failed.text().contains("SecretAccessKey"));
}

#[test]
fn the_views_with_secrets_redact_them_in_debug_and_write_them_only_in_the_answer() {
    use connector_server::api::dto::{CredentialsView, RotatedKey};
    let credentials = connector_core::TemporaryCredentials::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI-secret",
        "FwoGZXIvYXdz-token",
        UNIX_EPOCH + Duration::from_secs(1_795_370_213),
    );
    let view = CredentialsView::of(&credentials);
    let shown = format!("{view:?}");
    assert!(
        !shown.contains("wJalrXUtnFEMI") && !shown.contains("FwoGZXIvYXdz"),
        "{shown}"
    );
    let written = serde_json::to_value(&view).unwrap();
    assert_eq!(
        written,
        json!({
            "Version": 1,
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "wJalrXUtnFEMI-secret",
            "SessionToken": "FwoGZXIvYXdz-token",
            "Expiration": "2026-11-22T17:56:53Z",
        })
    );
    let rotated = RotatedKey {
        key_id: "k1".into(),
        api_key: "ck.k1.very-secret".into(),
    };
    assert!(!format!("{rotated:?}").contains("very-secret"));
    assert_eq!(
        serde_json::to_value(&rotated).unwrap()["api_key"],
        "ck.k1.very-secret"
    );
}
