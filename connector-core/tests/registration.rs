//! Stack registration callbacks: requests parsed field by field (hostile input refused with
//! the field named, never a panic), authenticated before anything changes, Create activating
//! the connection (after the settle retries a brand-new role needs), Delete disconnecting at
//! once and never failing, redeliveries changing nothing twice, and the exact answer body.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_core::registration::{
    RegistrationError, RegistrationOutcome, RegistrationRequest, RegistrationSettle, RequestType,
    ResponseStatus, ResponseUrl,
};
use connector_core::testing::InMemorySts;
use connector_core::{
    BoxFuture, ConnectionState, Connector, DiagnosisCode, InMemoryConnectionStore, ManualClock,
    NewConnection, Timer,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use trust_policy::{CrossAccountTrust, ExternalId, VendorPrincipal};

const VENDOR: &str = "999988887777";
const ROLE: &str = "arn:aws:iam::111122223333:role/VendorConnector";
const RESPONSE_URL: &str = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111122223333%3Astack/acme/abc%7CConnectorRegistration%7Cr1?X-Amz-Signature=abc";

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR.parse().unwrap())
}

fn request(kind: &str, external_id: &str, extra: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut body = json!({
        "RequestType": kind,
        "ServiceToken": "arn:aws:sns:us-east-1:999988887777:connector-registrations",
        "ResponseURL": RESPONSE_URL,
        "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "RequestId": "5f1d8c42-1111-2222-3333-444455556666",
        "ResourceType": "Custom::ConnectorRegistration",
        "LogicalResourceId": "ConnectorRegistration",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:sns:us-east-1:999988887777:connector-registrations",
            "ServiceTimeout": "600",
            "RoleArn": ROLE,
            "ExternalId": external_id,
            "AccountId": "111122223333",
            "Region": "us-east-1",
            "PermissionSet": "aws:read-only-access@1",
            "TemplateVersion": "1",
            "ConnectionId": "acme"
        }
    });
    if kind != "Create" {
        body["PhysicalResourceId"] = json!("connector-registration:acme");
    }
    extra(&mut body);
    serde_json::to_vec(&body).unwrap()
}

/// A timer that runs a hook on each sleep (the customer's IAM catching up) and moves the
/// manual clock.
/// What happens on each wait.
type Hook = Box<dyn FnMut() + Send>;

#[derive(Clone)]
struct HookTimer {
    clock: ManualClock,
    hook: Arc<Mutex<Option<Hook>>>,
    sleeps: Arc<Mutex<u32>>,
}

impl std::fmt::Debug for HookTimer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookTimer")
    }
}

impl Timer for HookTimer {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.clock.advance(d);
        *self.sleeps.lock().unwrap() += 1;
        if let Some(hook) = self.hook.lock().unwrap().as_mut() {
            hook();
        }
        Box::pin(std::future::ready(()))
    }
}

struct World {
    clock: ManualClock,
    sts: InMemorySts,
    connector: Connector,
    external_id: ExternalId,
    timer: HookTimer,
}

async fn world() -> World {
    let clock = ManualClock::at_unix(1_800_000_000);
    let sts = InMemorySts::new(
        Arc::new(clock.clone()),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts.clone()),
    )
    .with_clock(Arc::new(clock.clone()))
    .build();
    let pending = connector
        .create(NewConnection::new("acme".parse().unwrap()))
        .await
        .unwrap();
    let timer = HookTimer {
        clock: clock.clone(),
        hook: Arc::new(Mutex::new(None)),
        sleeps: Arc::new(Mutex::new(0)),
    };
    World {
        clock,
        sts,
        connector,
        external_id: pending.external_id().clone(),
        timer,
    }
}

fn create_role(world: &World) {
    world
        .sts
        .create_role(
            ROLE.parse().unwrap(),
            CrossAccountTrust::new(vendor(), world.external_id.clone())
                .policy()
                .unwrap(),
            Duration::from_secs(3_600),
        )
        .unwrap();
}

#[tokio::test]
async fn create_activates_and_answers_success_with_the_exact_body() {
    let world = world().await;
    create_role(&world);
    let request =
        RegistrationRequest::parse(&request("Create", world.external_id.as_str(), |_| {})).unwrap();
    assert_eq!(request.request_type(), RequestType::Create);
    let registered = world
        .connector
        .register(&request, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Activated);
    assert_eq!(
        registered.connection().unwrap().state(),
        ConnectionState::Active
    );
    let body: Value = serde_json::from_str(&registered.response().to_json()).unwrap();
    assert_eq!(
        body,
        json!({
            "Status": "SUCCESS",
            "Reason": "Connected.",
            "PhysicalResourceId": "connector-registration:acme",
            "StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/acme/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "RequestId": "5f1d8c42-1111-2222-3333-444455556666",
            "LogicalResourceId": "ConnectorRegistration"
        })
    );
    // Redelivered: no second connection test.
    let calls = world.sts.calls().total();
    let again = world
        .connector
        .register(&request, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(again.outcome(), RegistrationOutcome::Activated);
    assert_eq!(world.sts.calls().total(), calls);
}

#[tokio::test]
async fn a_brand_new_role_is_retried_until_iam_catches_up() {
    let world = world().await;
    let request =
        RegistrationRequest::parse(&request("Create", world.external_id.as_str(), |_| {})).unwrap();
    // The role becomes assumable after the second wait.
    let (sts, external_id) = (world.sts.clone(), world.external_id.clone());
    let mut waits = 0;
    *world.timer.hook.lock().unwrap() = Some(Box::new(move || {
        waits += 1;
        if waits == 2 {
            sts.create_role(
                ROLE.parse().unwrap(),
                CrossAccountTrust::new(vendor(), external_id.clone())
                    .policy()
                    .unwrap(),
                Duration::from_secs(3_600),
            )
            .unwrap();
        }
    }));
    let registered = world
        .connector
        .register(&request, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Activated);
    assert_eq!(*world.timer.sleeps.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_role_that_never_works_fails_the_stack_with_the_reason_after_the_settle_time() {
    let world = world().await;
    let request =
        RegistrationRequest::parse(&request("Create", world.external_id.as_str(), |_| {})).unwrap();
    let registered = world
        .connector
        .register(
            &request,
            &world.timer,
            RegistrationSettle {
                within: Duration::from_secs(30),
                every: Duration::from_secs(10),
            },
        )
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Refused);
    assert_eq!(registered.response().status(), ResponseStatus::Failed);
    assert!(
        registered
            .response()
            .reason()
            .contains("not authorized to perform: sts:AssumeRole"),
        "{}",
        registered.response().reason()
    );
    assert_eq!(*world.timer.sleeps.lock().unwrap(), 3);
    assert_eq!(
        registered.connection().unwrap().state(),
        ConnectionState::Pending
    );
    let _ = &world.clock;
}

#[tokio::test]
async fn unauthenticated_requests_change_nothing() {
    let world = world().await;
    create_role(&world);
    let wrong_id = "WrongExternalId0123456789abcdef";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("wrong External ID", request("Create", wrong_id, |_| {})),
        (
            "role in another account",
            request("Create", world.external_id.as_str(), |b| {
                b["ResourceProperties"]["RoleArn"] =
                    json!("arn:aws:iam::444455556666:role/VendorConnector");
            }),
        ),
        (
            "stack in another account",
            request("Create", world.external_id.as_str(), |b| {
                b["StackId"] = json!("arn:aws:cloudformation:us-east-1:444455556666:stack/acme/x");
            }),
        ),
        (
            "stack in another Region",
            request("Create", world.external_id.as_str(), |b| {
                b["StackId"] = json!("arn:aws:cloudformation:eu-west-1:111122223333:stack/acme/x");
            }),
        ),
        (
            "unknown connection",
            request("Create", world.external_id.as_str(), |b| {
                b["ResourceProperties"]["ConnectionId"] = json!("someone-else");
            }),
        ),
    ];
    for (case, body) in cases {
        let request = RegistrationRequest::parse(&body).unwrap();
        let registered = world
            .connector
            .register(&request, &world.timer, RegistrationSettle::default())
            .await
            .unwrap();
        assert_eq!(
            registered.outcome(),
            RegistrationOutcome::Unauthenticated,
            "{case}"
        );
        assert_eq!(
            registered.response().status(),
            ResponseStatus::Failed,
            "{case}"
        );
        assert!(
            !registered
                .response()
                .reason()
                .contains(world.external_id.as_str())
        );
        let stored = world.connector.get(&"acme".parse().unwrap()).await.unwrap();
        assert_eq!(stored.state(), ConnectionState::Pending, "{case}");
        assert_eq!(stored.revision(), 0, "{case}");
    }
    // A forged Delete is answered SUCCESS (never block a deletion) and disconnects nothing.
    let forged = RegistrationRequest::parse(&request("Delete", wrong_id, |_| {})).unwrap();
    let registered = world
        .connector
        .register(&forged, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Unchanged);
    assert_eq!(registered.response().status(), ResponseStatus::Success);
}

#[tokio::test]
async fn delete_disconnects_at_once_and_a_redelivery_changes_nothing() {
    let world = world().await;
    create_role(&world);
    let create =
        RegistrationRequest::parse(&request("Create", world.external_id.as_str(), |_| {})).unwrap();
    world
        .connector
        .register(&create, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    let delete =
        RegistrationRequest::parse(&request("Delete", world.external_id.as_str(), |_| {})).unwrap();
    let calls = world.sts.calls().total();
    let registered = world
        .connector
        .register(&delete, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Disconnected);
    assert_eq!(registered.response().status(), ResponseStatus::Success);
    let connection = registered.connection().unwrap();
    assert_eq!(connection.state(), ConnectionState::Disconnected);
    assert_eq!(
        connection.last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::StackDeleted)
    );
    assert_eq!(
        world.sts.calls().total(),
        calls,
        "a deletion needs no STS call"
    );
    let revision = connection.revision();
    let again = world
        .connector
        .register(&delete, &world.timer, RegistrationSettle::default())
        .await
        .unwrap();
    assert_eq!(again.outcome(), RegistrationOutcome::Unchanged);
    assert_eq!(again.response().status(), ResponseStatus::Success);
    assert_eq!(again.connection().unwrap().revision(), revision);
}

#[test]
fn malformed_requests_name_the_field() {
    let good = request("Create", "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4", |_| {});
    assert!(RegistrationRequest::parse(&good).is_ok());
    let field = |body: Vec<u8>| match RegistrationRequest::parse(&body) {
        Err(RegistrationError::InvalidValue { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let external = "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4";
    assert_eq!(field(b"not json".to_vec()), "request");
    assert_eq!(field(vec![b' '; 70_000]), "request");
    assert_eq!(field(request("Destroy", external, |_| {})), "RequestType");
    assert_eq!(
        field(request("Create", external, |b| {
            b.as_object_mut().unwrap().remove("RequestId");
        })),
        "RequestId"
    );
    assert_eq!(
        field(request("Create", external, |b| {
            b["ResourceProperties"]["RoleArn"] = json!("arn:aws:iam::111122223333:user/bob");
        })),
        "RoleArn"
    );
    assert_eq!(
        field(request("Create", external, |b| {
            b["ResourceProperties"]["AccountId"] = json!(111122223333u64);
        })),
        "AccountId"
    );
    assert_eq!(
        field(request("Create", external, |b| {
            b["StackId"] = json!("arn:aws:s3:::bucket");
        })),
        "StackId"
    );
    // The External ID is never quoted back.
    match RegistrationRequest::parse(&request("Create", "bad id with spaces", |_| {})) {
        Err(RegistrationError::InvalidValue { field, value, .. }) => {
            assert_eq!(field, "ExternalId");
            assert!(!value.contains("spaces"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_https_amazon_s3_response_urls_are_accepted() {
    for ok in [
        RESPONSE_URL,
        "https://cloudformation-custom-resource-response-apeast1.s3.ap-east-1.amazonaws.com/x?y=z",
        "https://s3.amazonaws.com/bucket/key",
        "https://bucket.s3-eu-west-1.amazonaws.com/key",
        "https://bucket.s3.dualstack.us-west-2.amazonaws.com/key",
        "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/k",
    ] {
        assert!(ResponseUrl::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://bucket.s3.amazonaws.com/key",
        "https://bucket.s3.amazonaws.com.evil.example/key",
        "https://s3.amazonaws.com@evil.example/key",
        "https://user:pw@bucket.s3.amazonaws.com/key",
        "https://bucket.s3.amazonaws.com:8443/key",
        "https://169.254.169.254/latest/meta-data",
        "https://sts.amazonaws.com/",
        "https://bucket.s3.not-a-region.amazonaws.com/key",
        "https://evil.example/s3.amazonaws.com",
        "file:///etc/passwd",
    ] {
        assert!(ResponseUrl::parse(bad).is_err(), "{bad}");
    }
}

proptest! {
    /// Whatever arrives, parsing answers (a request or a typed error), never panics.
    #[test]
    fn hostile_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = RegistrationRequest::parse(&body);
    }

    /// Mutating any top-level field of a good request to an arbitrary JSON string never
    /// panics either.
    #[test]
    fn hostile_fields_never_panic(key in "(RequestType|ResponseURL|StackId|RequestId|LogicalResourceId|PhysicalResourceId)", value in ".{0,80}") {
        let body = request("Update", "q3VfX0oJ8m2TzL7cRk1NwY5aHbE6dGs4", |b| { b[key.as_str()] = json!(value); });
        let _ = RegistrationRequest::parse(&body);
    }
}

const TENANT_TOKEN: &str = "acme-org-token-0123456789abcdefghijk";

fn org_request(kind: &str, account: &str, token: &str, external_id: &str) -> Vec<u8> {
    request(kind, external_id, |b| {
        let props = b["ResourceProperties"].as_object_mut().unwrap();
        props.remove("ConnectionId");
        props.insert("RegistrationToken".into(), json!(token));
        props.insert("AccountId".into(), json!(account));
        props.insert(
            "RoleArn".into(),
            json!(format!("arn:aws:iam::{account}:role/VendorConnector")),
        );
        b["StackId"] = json!(format!(
            "arn:aws:cloudformation:us-east-1:{account}:stack/StackSet-acme-0a1b/0a1b2c3d"
        ));
    })
}

#[tokio::test]
async fn an_organization_registers_each_account_once_with_the_tenant_token() {
    use connector_core::registration::{InMemoryTenants, Tenant};
    let world = world().await;
    let org_external: ExternalId = "OrgWideExternalId0123456789abcd".parse().unwrap();
    let tenants = InMemoryTenants::new().with_tenant(
        secrecy::SecretString::from(TENANT_TOKEN),
        Tenant::new("acme", org_external.clone()).unwrap(),
    );
    for account in ["111122223333", "444455556666"] {
        world
            .sts
            .create_role(
                format!("arn:aws:iam::{account}:role/VendorConnector")
                    .parse()
                    .unwrap(),
                CrossAccountTrust::new(vendor(), org_external.clone())
                    .policy()
                    .unwrap(),
                Duration::from_secs(3_600),
            )
            .unwrap();
        let request = RegistrationRequest::parse(&org_request(
            "Create",
            account,
            TENANT_TOKEN,
            org_external.as_str(),
        ))
        .unwrap();
        for _ in 0..2 {
            let registered = world
                .connector
                .register_with_tenants(
                    &request,
                    &tenants,
                    &world.timer,
                    RegistrationSettle::default(),
                )
                .await
                .unwrap();
            assert_eq!(
                registered.outcome(),
                RegistrationOutcome::Activated,
                "{account}"
            );
            assert_eq!(
                registered.connection().unwrap().id().as_str(),
                format!("acme-{account}")
            );
            assert_eq!(
                registered.response().physical_resource_id(),
                format!("connector-registration:organization:{account}")
            );
        }
    }
    let all = world
        .connector
        .list(&connector_core::ListQuery::all())
        .await
        .unwrap();
    assert_eq!(
        all.connections().len(),
        3,
        "acme (single) and one per account"
    );

    // A wrong token, or the right token with another External ID: nothing is created.
    for (token, external) in [
        (
            "someone-elses-token-0123456789abcdefg",
            org_external.as_str(),
        ),
        (TENANT_TOKEN, "AnotherExternalId0123456789abcd"),
    ] {
        let request =
            RegistrationRequest::parse(&org_request("Create", "777788889999", token, external))
                .unwrap();
        let registered = world
            .connector
            .register_with_tenants(
                &request,
                &tenants,
                &world.timer,
                RegistrationSettle::default(),
            )
            .await
            .unwrap();
        assert_eq!(registered.outcome(), RegistrationOutcome::Unauthenticated);
    }
    // Without a directory, a token request is not authenticated.
    let request = RegistrationRequest::parse(&org_request(
        "Create",
        "111122223333",
        TENANT_TOKEN,
        org_external.as_str(),
    ))
    .unwrap();
    assert_eq!(
        world
            .connector
            .register(&request, &world.timer, RegistrationSettle::default())
            .await
            .unwrap()
            .outcome(),
        RegistrationOutcome::Unauthenticated
    );
    let all = world
        .connector
        .list(&connector_core::ListQuery::all())
        .await
        .unwrap();
    assert_eq!(all.connections().len(), 3);

    // One account leaves (its stack instance is deleted): only its connection disconnects.
    let delete = RegistrationRequest::parse(&org_request(
        "Delete",
        "444455556666",
        TENANT_TOKEN,
        org_external.as_str(),
    ))
    .unwrap();
    let registered = world
        .connector
        .register_with_tenants(
            &delete,
            &tenants,
            &world.timer,
            RegistrationSettle::default(),
        )
        .await
        .unwrap();
    assert_eq!(registered.outcome(), RegistrationOutcome::Disconnected);
    let other = world
        .connector
        .get(&"acme-111122223333".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(other.state(), ConnectionState::Active);
}
