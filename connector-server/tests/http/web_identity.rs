//! Web-identity connections through the server (the Nomos model): the server publishes its
//! OIDC issuer's documents, creates a connection trusting the tenant's tokens, renders the
//! OIDC artifacts, and activates it after the OIDC connection test; a customer who deletes
//! the OIDC provider gets the connection refused and disconnected; bad trust values and a
//! server without an issuer are refused naming the field.

use std::sync::Arc;
use std::time::Duration;

use connector_core::oidc::{Issuer, IssuerUrl, KeySet, SigningAlgorithm, SigningKey};
use connector_core::{SharedIssuer, WebIdentityTokens};
use serde_json::json;
use trust_policy::{OidcTrust, SubjectMatch};

use crate::harness::{CUSTOMER, SET, Server, start, start_custom};

const ISSUER: &str = "https://id.vendor.example";

fn issuer() -> Arc<SharedIssuer> {
    Arc::new(SharedIssuer::new(Issuer::new(
        IssuerUrl::parse(ISSUER).unwrap(),
        KeySet::new(SigningKey::generate(SigningAlgorithm::Es256).unwrap()),
    )))
}

/// The customer's stack on the server's STS: the OIDC provider for the issuer (AWS fetches
/// the JWKS) and the role trusting the tenant's tokens; the role's ARN.
fn customer_stack(server: &Server, issuer: &SharedIssuer) -> String {
    let customer = CUSTOMER.parse().unwrap();
    server
        .sts
        .create_oidc_provider_with_jwks(
            &customer,
            ISSUER,
            &["sts.amazonaws.com"],
            issuer.read(|i| i.jwks()),
        )
        .unwrap();
    let role = format!("arn:aws:iam::{CUSTOMER}:role/NomosAccess");
    let trust = OidcTrust::new(customer, ISSUER)
        .unwrap()
        .with_audience("sts.amazonaws.com")
        .unwrap()
        .with_subject(SubjectMatch::Exact("org/acme".into()))
        .unwrap()
        .policy()
        .unwrap();
    server
        .sts
        .create_role(role.parse().unwrap(), trust, Duration::from_secs(3600))
        .unwrap();
    role
}

async fn with_issuer(issuer: &Arc<SharedIssuer>) -> Server {
    start_custom(
        |_| {},
        None,
        |connector| {
            connector.with_web_identity_tokens(issuer.clone() as Arc<dyn WebIdentityTokens>)
        },
        |state| state.with_oidc_issuer(issuer.clone()),
    )
    .await
}

#[tokio::test]
async fn the_server_publishes_its_issuer_and_onboards_a_web_identity_connection() {
    let issuer = issuer();
    let server = with_issuer(&issuer).await;

    // The documents AWS fetches: public, briefly cached, public keys only.
    let discovery = server
        .send("GET", "/.well-known/openid-configuration", None, None)
        .await;
    assert_eq!(discovery.status, 200);
    assert_eq!(
        discovery.header("cache-control"),
        Some("public, max-age=300")
    );
    let document = discovery.json();
    assert_eq!(document["issuer"], ISSUER);
    assert_eq!(
        document["jwks_uri"],
        format!("{ISSUER}/.well-known/jwks.json")
    );
    let jwks = server
        .send("GET", "/.well-known/jwks.json", None, None)
        .await;
    assert_eq!(jwks.status, 200);
    let keys = jwks.json();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);
    assert!(!jwks.text().contains("\"d\""), "no private key");

    // A web-identity connection for the tenant.
    let created = server
        .send(
            "POST",
            "/v1/connections",
            Some(&server.acme),
            Some(&json!({
                "name": "nomos", "permission_set": SET, "account_id": CUSTOMER,
                "trust": "web_identity"
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    assert_eq!(created["connection"]["trust"], "web_identity");
    assert_eq!(created["connection"]["subject"], "org/acme");
    // No External ID: the role trusts the tenant's tokens.
    assert!(created["external_id"].is_null(), "{created}");
    assert!(created["connection"]["external_id"].is_null(), "{created}");
    let template = server
        .send(
            "GET",
            "/v1/connections/nomos/artifacts?format=cloudformation",
            Some(&server.acme),
            None,
        )
        .await;
    assert_eq!(template.status, 200);
    let template = template.text();
    assert!(template.contains("AWS::IAM::OIDCProvider"), "{template}");
    assert!(template.contains("org/acme") && template.contains(ISSUER));

    let role = customer_stack(&server, &issuer);
    let submitted = server
        .send(
            "POST",
            "/v1/connections/nomos/role",
            Some(&server.acme),
            Some(&json!({ "role_arn": role })),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text());
    let submitted = submitted.json();
    assert_eq!(submitted["connection"]["state"], "active", "{submitted}");
    assert_eq!(server.sts.calls().assume_role, 0, "no AssumeRole at all");

    // The onboarding page speaks of the tokens, not of an External ID.
    let page = crate::harness::path_of(created["onboarding_url"].as_str().unwrap());
    let html = server.send("GET", &page, None, None).await.text();
    assert!(html.contains("org/acme"), "{html}");
    assert!(!html.contains("Your External ID"));

    let unknown = server
        .send(
            "POST",
            "/v1/connections",
            Some(&server.acme),
            Some(&json!({ "name": "other", "trust": "oauth" })),
        )
        .await
        .problem(422);
    assert_eq!(unknown["field"], "trust");
}

#[tokio::test]
async fn a_server_without_an_issuer_publishes_nothing_and_refuses_web_identity() {
    let server = start().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/jwks.json",
    ] {
        let answer = server.send("GET", path, None, None).await;
        assert_eq!(answer.status, 404, "{path}");
    }
    let refused = server
        .send(
            "POST",
            "/v1/connections",
            Some(&server.acme),
            Some(&json!({ "name": "nomos", "trust": "web_identity" })),
        )
        .await
        .problem(422);
    assert_eq!(refused["field"], "trust");
    assert!(refused["rule"].as_str().unwrap().contains("OIDC issuer"));
    // Nothing was created.
    let missing = server
        .send("GET", "/v1/connections/nomos", Some(&server.acme), None)
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_deleted_oidc_provider_refuses_credentials_and_disconnects() {
    let issuer = issuer();
    let server = with_issuer(&issuer).await;
    let created = server
        .send(
            "POST",
            "/v1/connections",
            Some(&server.acme),
            Some(&json!({
                "name": "nomos", "permission_set": SET, "account_id": CUSTOMER,
                "trust": "web_identity"
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let role = customer_stack(&server, &issuer);
    let submitted = server
        .send(
            "POST",
            "/v1/connections/nomos/role",
            Some(&server.acme),
            Some(&json!({ "role_arn": role })),
        )
        .await
        .json();
    assert_eq!(submitted["connection"]["state"], "active", "{submitted}");

    // The customer deletes the provider: the session's first call is refused.
    server
        .sts
        .delete_oidc_provider(&CUSTOMER.parse().unwrap(), ISSUER)
        .unwrap();
    let refused = server
        .send(
            "POST",
            "/v1/connections/nomos/credentials",
            Some(&server.acme),
            None,
        )
        .await;
    let problem = refused.problem(409);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("access-refused"),
        "{problem}"
    );
    assert!(!refused.text().contains("SecretAccessKey"), "{problem}");
    let state = server
        .send("GET", "/v1/connections/nomos", Some(&server.acme), None)
        .await
        .json();
    assert_eq!(state["state"], "disconnected", "{state}");
    assert_eq!(
        state["diagnosis"]["code"], "OIDC_PROVIDER_MISSING",
        "{state}"
    );
    assert!(
        state["diagnosis"]["remediation"]
            .as_str()
            .unwrap()
            .contains("sts.amazonaws.com"),
        "{state}"
    );
}
