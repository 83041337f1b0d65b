//! The connection state machine: every accepted and every refused transition, revisions,
//! payload checks, compare-and-swap conflicts, bounded retries, writes skipped when nothing
//! changed, concurrent updates without lost writes, serde, schema, and no secrets in the
//! record.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll, Waker};

use connector_core::{
    BoxFuture, Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore,
    ConnectorError, Diagnosis, DiagnosisCode, InMemoryConnectionStore, ListQuery, Page, Timestamp,
    apply_event,
};
use iam_policy::{Region, Severity};
use permission_sets::PermissionSetRef;
use proptest::prelude::*;

const ROLE: &str = "arn:aws:iam::111122223333:role/vendor";
const OTHER_ROLE: &str = "arn:aws:iam::111122223333:role/vendor-v2";
const FOREIGN_ROLE: &str = "arn:aws:iam::999988887777:role/vendor";

fn diagnosis(code: DiagnosisCode) -> Diagnosis {
    Diagnosis::with_remediation(
        code,
        format!("{code} happened"),
        "Do the thing.",
        Timestamp(5),
    )
}

/// One event of every kind and variant, by label.
fn events() -> Vec<(&'static str, ConnectionEvent)> {
    vec![
        (
            "role_submitted",
            ConnectionEvent::RoleSubmitted {
                role_arn: OTHER_ROLE.parse().unwrap(),
            },
        ),
        (
            "verification_succeeded",
            ConnectionEvent::VerificationSucceeded,
        ),
        (
            "verification_failed",
            ConnectionEvent::VerificationFailed {
                diagnosis: diagnosis(DiagnosisCode::ExternalIdNotRequired),
            },
        ),
        (
            "verification_inconclusive",
            ConnectionEvent::VerificationInconclusive {
                diagnosis: diagnosis(DiagnosisCode::AssumeRoleInconclusive),
            },
        ),
        ("refresh_succeeded", ConnectionEvent::RefreshSucceeded),
        (
            "refresh_failed_throttled",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis(DiagnosisCode::Throttled),
            },
        ),
        (
            "refresh_failed_vendor_side",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis(DiagnosisCode::StsError),
            },
        ),
        (
            "access_revoked",
            ConnectionEvent::AccessRevoked {
                diagnosis: diagnosis(DiagnosisCode::AccessDenied),
            },
        ),
        (
            "rotation_started",
            ConnectionEvent::RotationStarted {
                next_external_id: "next-external-id".parse().unwrap(),
            },
        ),
        ("rotation_completed", ConnectionEvent::RotationCompleted),
        (
            "reconnect_requested",
            ConnectionEvent::ReconnectRequested { role_arn: None },
        ),
        (
            "reconnect_requested_new_role",
            ConnectionEvent::ReconnectRequested {
                role_arn: Some(OTHER_ROLE.parse().unwrap()),
            },
        ),
        ("disconnect_requested", ConnectionEvent::DisconnectRequested),
        ("remove_requested", ConnectionEvent::RemoveRequested),
    ]
}

fn event(label: &str) -> ConnectionEvent {
    events()
        .into_iter()
        .find(|(l, _)| *l == label)
        .unwrap_or_else(|| panic!("no event {label}"))
        .1
}

fn id(text: &str) -> ConnectionId {
    text.parse().unwrap()
}

fn region(text: &str) -> Region {
    text.parse().unwrap()
}

fn pending() -> Connection {
    Connection::builder(id("acme-prod"), "ext-id-123".parse().unwrap())
        .with_display_name("Acme production")
        .with_account("111122223333".parse().unwrap())
        .build(Timestamp(0))
        .unwrap()
}

fn submit(role: &str) -> ConnectionEvent {
    ConnectionEvent::RoleSubmitted {
        role_arn: role.parse().unwrap(),
    }
}

fn run(mut c: Connection, path: &[ConnectionEvent]) -> Connection {
    for e in path {
        let t = Timestamp(c.updated_at().0 + 1);
        c = c.apply(e.clone(), t).unwrap();
    }
    c
}

const STATES: [&str; 6] = [
    "pending",
    "verifying",
    "active",
    "degraded",
    "disconnected",
    "removed",
];

/// The accepted events that lead from a new connection to each state.
fn path_to(name: &str) -> Vec<ConnectionEvent> {
    match name {
        "pending" => vec![],
        "verifying" => vec![submit(ROLE)],
        "active" => vec![submit(ROLE), event("verification_succeeded")],
        "degraded" => vec![
            submit(ROLE),
            event("verification_succeeded"),
            event("refresh_failed_throttled"),
        ],
        "disconnected" => vec![
            submit(ROLE),
            event("verification_succeeded"),
            event("access_revoked"),
        ],
        "removed" => vec![event("remove_requested")],
        other => panic!("{other}"),
    }
}

/// A connection in each state, reached through accepted events.
fn in_state(name: &str) -> Connection {
    let c = run(pending(), &path_to(name));
    assert_eq!(c.state().name(), name);
    c
}

/// Every accepted (state, event) pair and the state it leads to; everything else is refused.
const ACCEPTED: &[(&str, &str, &str)] = &[
    ("pending", "role_submitted", "verifying"),
    ("pending", "disconnect_requested", "disconnected"),
    ("pending", "remove_requested", "removed"),
    ("verifying", "role_submitted", "verifying"),
    ("verifying", "verification_succeeded", "active"),
    ("verifying", "verification_failed", "pending"),
    ("verifying", "verification_inconclusive", "verifying"),
    ("verifying", "disconnect_requested", "disconnected"),
    ("verifying", "remove_requested", "removed"),
    ("active", "refresh_succeeded", "active"),
    ("active", "refresh_failed_throttled", "degraded"),
    ("active", "refresh_failed_vendor_side", "degraded"),
    ("active", "access_revoked", "disconnected"),
    ("active", "rotation_started", "active"),
    ("active", "disconnect_requested", "disconnected"),
    ("active", "remove_requested", "removed"),
    ("degraded", "refresh_succeeded", "active"),
    ("degraded", "refresh_failed_throttled", "degraded"),
    ("degraded", "refresh_failed_vendor_side", "degraded"),
    ("degraded", "access_revoked", "disconnected"),
    ("degraded", "rotation_started", "degraded"),
    ("degraded", "disconnect_requested", "disconnected"),
    ("degraded", "remove_requested", "removed"),
    ("disconnected", "reconnect_requested", "verifying"),
    ("disconnected", "reconnect_requested_new_role", "verifying"),
    ("disconnected", "remove_requested", "removed"),
];

#[test]
fn every_pair_is_accepted_or_refused_as_the_table_says() {
    let mut accepted = 0;
    for state in STATES {
        for (label, ev) in events() {
            let before = in_state(state);
            let carries_diagnosis = ev.diagnosis().cloned();
            let expected = ACCEPTED
                .iter()
                .find(|(s, e, _)| *s == state && *e == label)
                .map(|(_, _, to)| *to);
            match (before.apply(ev.clone(), Timestamp(100)), expected) {
                (Ok(after), Some(to)) => {
                    accepted += 1;
                    assert_eq!(after.state().name(), to, "{state} + {label}");
                    assert_eq!(after.revision(), before.revision() + 1, "{state} + {label}");
                    assert_eq!(after.updated_at(), Timestamp(100));
                    assert_eq!(after.created_at(), before.created_at());
                    if to == state {
                        assert_eq!(
                            after.state_since(),
                            before.state_since(),
                            "{state} + {label}"
                        );
                    } else {
                        assert_eq!(after.state_since(), Timestamp(100), "{state} + {label}");
                    }
                    match (carries_diagnosis, &ev) {
                        (Some(d), _) => assert_eq!(after.last_diagnosis(), Some(&d)),
                        // A vendor disconnect records why, at the time it happened.
                        (None, ConnectionEvent::DisconnectRequested) => {
                            let d = after.last_diagnosis().expect("a disconnect says why");
                            assert_eq!(d.code(), DiagnosisCode::DisconnectRequested);
                            assert_eq!(d.severity(), Severity::Warning);
                            assert_eq!(d.at(), Timestamp(100));
                            assert!(!d.message().is_empty() && !d.remediation().is_empty());
                        }
                        (None, _) => assert_eq!(after.last_diagnosis(), before.last_diagnosis()),
                    }
                    after.validate().unwrap();
                }
                (
                    Err(ConnectorError::InvalidTransition {
                        connection,
                        state: s,
                        event,
                    }),
                    None,
                ) => {
                    assert_eq!(connection, "acme-prod");
                    // Guards add a note, e.g. "active (no External ID rotation in progress)".
                    assert!(s.starts_with(state), "{s} for {state} + {label}");
                    assert_eq!(event, ev.name());
                }
                (result, expected) => {
                    panic!("{state} + {label}: got {result:?}, expected {expected:?}")
                }
            }
        }
    }
    assert_eq!(accepted, ACCEPTED.len());
    // The table's entries are distinct and name real states and events.
    let labels: BTreeSet<&str> = events().iter().map(|(l, _)| *l).collect();
    let pairs: BTreeSet<(&str, &str)> = ACCEPTED.iter().map(|(s, e, _)| (*s, *e)).collect();
    assert_eq!(pairs.len(), ACCEPTED.len());
    assert!(
        ACCEPTED
            .iter()
            .all(|(s, e, to)| STATES.contains(s) && STATES.contains(to) && labels.contains(e))
    );
    // The labels cover every state the enum has.
    let names: BTreeSet<&str> = ConnectionState::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(names, STATES.into_iter().collect());
}

#[test]
fn refusals_name_the_state_and_the_event() {
    let err = in_state("removed")
        .apply(event("reconnect_requested"), Timestamp(9))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "connection acme-prod: reconnect_requested is not possible while the connection is removed"
    );
}

#[test]
fn roles_must_be_in_the_connections_account() {
    for before in [pending(), in_state("verifying")] {
        match before.apply(submit(FOREIGN_ROLE), Timestamp(9)) {
            Err(ConnectorError::InvalidValue { field, value, rule }) => {
                assert_eq!(field, "role ARN");
                assert_eq!(value, FOREIGN_ROLE);
                assert!(rule.contains("111122223333"), "{rule}");
            }
            other => panic!("{other:?}"),
        }
    }
    let reconnect = ConnectionEvent::ReconnectRequested {
        role_arn: Some(FOREIGN_ROLE.parse().unwrap()),
    };
    assert!(matches!(
        in_state("disconnected").apply(reconnect, Timestamp(9)),
        Err(ConnectorError::InvalidValue {
            field: "role ARN",
            ..
        })
    ));
}

#[test]
fn an_unknown_account_is_learnt_from_the_first_role_and_then_enforced() {
    let unknown = Connection::builder(id("acme-prod"), "ext-id-123".parse().unwrap())
        .build(Timestamp(0))
        .unwrap();
    assert!(unknown.account_id().is_none());
    let verifying = unknown.apply(submit(FOREIGN_ROLE), Timestamp(1)).unwrap();
    assert_eq!(
        verifying.account_id().map(|a| a.as_str()),
        Some("999988887777")
    );
    assert_eq!(verifying.role_arn().unwrap().to_string(), FOREIGN_ROLE);
    // From then on, a role in another account is refused, whatever the event.
    match verifying.apply(submit(ROLE), Timestamp(2)) {
        Err(ConnectorError::InvalidValue { field, value, rule }) => {
            assert_eq!((field, value.as_str()), ("role ARN", ROLE));
            assert!(rule.contains("999988887777"), "{rule}");
        }
        other => panic!("{other:?}"),
    }
    let disconnected = run(
        verifying,
        &[
            event("verification_succeeded"),
            event("disconnect_requested"),
        ],
    );
    assert!(matches!(
        disconnected.apply(
            ConnectionEvent::ReconnectRequested {
                role_arn: Some(ROLE.parse().unwrap())
            },
            Timestamp(9)
        ),
        Err(ConnectorError::InvalidValue {
            field: "role ARN",
            ..
        })
    ));
    // A disconnect before any role keeps the account unknown.
    let never = unknown
        .apply(event("disconnect_requested"), Timestamp(1))
        .unwrap();
    assert!(never.account_id().is_none());
}

#[test]
fn role_arns_are_recorded_and_replaced() {
    let verifying = in_state("verifying");
    assert_eq!(verifying.role_arn().unwrap().to_string(), ROLE);
    let corrected = verifying.apply(submit(OTHER_ROLE), Timestamp(9)).unwrap();
    assert_eq!(corrected.role_arn().unwrap().to_string(), OTHER_ROLE);
    // A failed verification keeps the ARN for the customer to fix.
    let failed = verifying
        .apply(event("verification_failed"), Timestamp(9))
        .unwrap();
    assert_eq!(failed.state(), ConnectionState::Pending);
    assert!(failed.role_arn().is_some());
    assert_eq!(
        failed.last_diagnosis().unwrap().code(),
        DiagnosisCode::ExternalIdNotRequired
    );
    // A test with no verdict keeps the connection verifying, the ARN and why.
    let inconclusive = verifying
        .apply(event("verification_inconclusive"), Timestamp(9))
        .unwrap();
    assert_eq!(inconclusive.state(), ConnectionState::Verifying);
    assert_eq!(inconclusive.role_arn(), verifying.role_arn());
    assert_eq!(inconclusive.state_since(), verifying.state_since());
    assert_eq!(
        inconclusive.last_diagnosis().unwrap().code(),
        DiagnosisCode::AssumeRoleInconclusive
    );

    let disconnected = in_state("disconnected");
    let same = disconnected
        .apply(event("reconnect_requested"), Timestamp(9))
        .unwrap();
    assert_eq!(same.role_arn().unwrap().to_string(), ROLE);
    let replaced = disconnected
        .apply(event("reconnect_requested_new_role"), Timestamp(9))
        .unwrap();
    assert_eq!(replaced.role_arn().unwrap().to_string(), OTHER_ROLE);

    // Disconnected before any role was submitted: a reconnect has to bring one.
    let never = run(pending(), &[event("disconnect_requested")]);
    match never.apply(event("reconnect_requested"), Timestamp(9)) {
        Err(ConnectorError::InvalidValue { field, rule, .. }) => {
            assert_eq!(field, "role ARN");
            assert!(rule.contains("none was submitted"), "{rule}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        never
            .apply(event("reconnect_requested_new_role"), Timestamp(9))
            .unwrap()
            .state(),
        ConnectionState::Verifying
    );
}

#[test]
fn degraded_keeps_the_time_trouble_started_and_disconnected_says_why() {
    let degraded = in_state("degraded");
    assert_eq!(degraded.state(), ConnectionState::Degraded);
    let why = degraded.last_diagnosis().unwrap();
    assert_eq!(
        (degraded.state_since(), why.code(), why.message()),
        (Timestamp(3), DiagnosisCode::Throttled, "THROTTLED happened")
    );
    let still = degraded
        .apply(event("refresh_failed_throttled"), Timestamp(500))
        .unwrap();
    assert_eq!(still.state(), ConnectionState::Degraded);
    assert_eq!(still.state_since(), Timestamp(3));
    assert_eq!(still.state_since(), degraded.state_since());
    assert_eq!(still.updated_at(), Timestamp(500));
    let recovered = still
        .apply(event("refresh_succeeded"), Timestamp(600))
        .unwrap();
    assert_eq!(recovered.state(), ConnectionState::Active);
    assert_eq!(recovered.state_since(), Timestamp(600));
    // The diagnosis stays as a record of the last problem.
    assert_eq!(
        recovered.last_diagnosis().unwrap().code(),
        DiagnosisCode::Throttled
    );

    let revoked = in_state("disconnected");
    assert_eq!(revoked.state(), ConnectionState::Disconnected);
    let why = revoked.last_diagnosis().unwrap();
    assert_eq!(why.code(), DiagnosisCode::AccessDenied);
    assert_eq!(why.message(), "ACCESS_DENIED happened");
    assert_eq!(why.severity(), Severity::Error);
}

#[test]
fn time_never_moves_backwards() {
    let active = in_state("active");
    assert_eq!(active.updated_at(), Timestamp(2));
    // A skewed clock: the event is accepted at the record's last update time.
    let degraded = active
        .apply(event("refresh_failed_throttled"), Timestamp(-50))
        .unwrap();
    assert_eq!(degraded.updated_at(), Timestamp(2));
    assert_eq!(degraded.state_since(), Timestamp(2));
    assert!(degraded.state_since() >= degraded.created_at());
    degraded.validate().unwrap();
}

#[test]
fn external_id_rotation_takes_two_steps() {
    let active = in_state("active");
    let rotating = active
        .apply(event("rotation_started"), Timestamp(10))
        .unwrap();
    assert_eq!(rotating.external_id().as_str(), "ext-id-123");
    assert_eq!(
        rotating.next_external_id().unwrap().as_str(),
        "next-external-id"
    );
    match rotating.apply(event("rotation_started"), Timestamp(11)) {
        Err(ConnectorError::InvalidTransition { state, .. }) => {
            assert_eq!(state, "active (an External ID rotation is in progress)");
        }
        other => panic!("one rotation at a time: {other:?}"),
    }
    let rotated = rotating
        .apply(event("rotation_completed"), Timestamp(12))
        .unwrap();
    assert_eq!(rotated.external_id().as_str(), "next-external-id");
    assert!(rotated.next_external_id().is_none());
    assert_eq!(rotated.state_since(), active.state_since());

    // Rotating to the id in use is a bad value, not a state problem.
    let same = ConnectionEvent::RotationStarted {
        next_external_id: "ext-id-123".parse().unwrap(),
    };
    assert!(matches!(
        active.apply(same, Timestamp(13)),
        Err(ConnectorError::InvalidValue {
            field: "next external id",
            ..
        })
    ));

    // The customer switched their trust policy to the new id before the platform completed
    // the rotation: the connection was disconnected, completing it and reconnecting recovers.
    let cut_off = rotating
        .apply(event("access_revoked"), Timestamp(20))
        .unwrap();
    let completed = cut_off
        .apply(event("rotation_completed"), Timestamp(21))
        .unwrap();
    assert_eq!(completed.state(), ConnectionState::Disconnected);
    assert_eq!(completed.external_id().as_str(), "next-external-id");
    let back = run(
        completed,
        &[
            event("reconnect_requested"),
            event("verification_succeeded"),
        ],
    );
    assert_eq!(back.state(), ConnectionState::Active);
    assert_eq!(back.revision(), active.revision() + 5);
}

#[test]
fn the_revision_never_overflows_into_a_panic() {
    // Only a stored record can be at the last revision: read one back.
    let mut json = serde_json::to_value(in_state("active")).unwrap();
    json["revision"] = serde_json::json!(u64::MAX);
    let c: Connection = serde_json::from_value(json).unwrap();
    assert_eq!(c.revision(), u64::MAX);
    assert!(matches!(
        c.apply(event("refresh_succeeded"), Timestamp(9)),
        Err(ConnectorError::InvalidValue {
            field: "revision",
            ..
        })
    ));
}

#[test]
fn constructors_check_their_input() {
    let external = || "ext-id-123".parse().unwrap();
    for bad in ["", "acme prod", "acme/prod", &*"a".repeat(65)] {
        match ConnectionId::new(bad) {
            Err(ConnectorError::InvalidValue { field, rule, .. }) => {
                assert_eq!(field, "connection id", "{bad:?}");
                assert!(!rule.is_empty());
            }
            other => panic!("{bad:?}: {other:?}"),
        }
        assert!(bad.parse::<ConnectionId>().is_err(), "{bad:?}");
        assert!(serde_json::from_value::<ConnectionId>(serde_json::json!(bad)).is_err());
    }
    for name in ["", "   ", "Acme\nInc", &*"n".repeat(257)] {
        match Connection::builder(id("acme"), external())
            .with_display_name(name)
            .build(Timestamp(0))
        {
            Err(ConnectorError::InvalidValue { field, rule, .. }) => {
                assert_eq!(field, "display name", "{name:?}");
                assert!(!rule.is_empty());
            }
            other => panic!("{name:?}: {other:?}"),
        }
    }
    assert!(ConnectionId::new(&"a".repeat(64)).is_ok());
    let longest = Connection::builder(id("a"), external())
        .with_display_name("n".repeat(256))
        .build(Timestamp(0))
        .unwrap();
    assert_eq!(longest.display_name().chars().count(), 256);
    // Without a display name, the id is the name.
    let unnamed = Connection::builder(id("acme"), external())
        .build(Timestamp(0))
        .unwrap();
    assert_eq!(unnamed.display_name(), "acme");
    assert_eq!(unnamed.state(), ConnectionState::Pending);
    assert_eq!(unnamed.revision(), 0);
    assert_eq!(
        (
            unnamed.created_at(),
            unnamed.updated_at(),
            unnamed.state_since()
        ),
        (Timestamp(0), Timestamp(0), Timestamp(0))
    );
    assert!(unnamed.role_arn().is_none() && unnamed.last_diagnosis().is_none());
    assert!(unnamed.live().is_none());

    for bad in [
        "us-east",
        "us_east_1",
        "US-EAST-1",
        "us-east-123",
        "us--1",
        "",
        "1-2-3",
    ] {
        match bad.parse::<Region>() {
            Err(iam_policy::Error::InvalidValue { field, value, .. }) => {
                assert_eq!((field, value.as_str()), ("region", bad));
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let regions = Connection::builder(id("acme"), external())
        .with_regions(
            [
                "us-east-1",
                "us-gov-west-1",
                "cn-north-1",
                "us-isob-east-1",
                "us-east-1",
            ]
            .map(region),
        )
        .build(Timestamp(0))
        .unwrap()
        .regions()
        .to_vec();
    assert_eq!(
        regions,
        ["us-east-1", "us-gov-west-1", "cn-north-1", "us-isob-east-1"].map(region)
    );
}

/// An active connection with regions and a permission set.
fn active_with_everything() -> Connection {
    let base = Connection::builder(id("acme-prod"), "ext-id-123".parse().unwrap())
        .with_display_name("Acme production")
        .with_account("111122223333".parse().unwrap())
        .with_regions(["us-east-1", "eu-west-1"].map(region))
        .with_permission_set(PermissionSetRef::new("acme:read-only", "1.2.3").unwrap())
        .build(Timestamp(0))
        .unwrap();
    run(base, &path_to("active"))
}

#[test]
fn validate_and_deserialize_refuse_broken_records() {
    let good = active_with_everything();
    good.validate().unwrap();
    assert_eq!(
        good.permission_set().map(ToString::to_string).as_deref(),
        Some("acme:read-only@1.2.3")
    );
    let json = serde_json::to_value(&good).unwrap();
    assert_eq!(
        serde_json::from_value::<Connection>(json.clone()).unwrap(),
        good
    );

    use serde_json::{Value, json};
    let broken: [(&str, &str, Value); 12] = [
        ("region", "regions", json!(["moon-1"])),
        ("region", "regions", json!(["us-east-1", "us-east-1"])),
        ("display name", "display_name", json!("\u{7}")),
        ("role ARN", "role_arn", json!(FOREIGN_ROLE)),
        ("role ARN", "role_arn", Value::Null),
        ("account id", "account_id", Value::Null),
        ("role ARN", "account_id", json!("999988887777")),
        ("next external id", "next_external_id", json!("ext-id-123")),
        (
            "permission set name",
            "permission_set",
            json!({"name": "Read Only", "version": "1.0.0"}),
        ),
        (
            "permission set version",
            "permission_set",
            json!({"name": "acme:read-only", "version": "v1"}),
        ),
        ("updated at", "updated_at", json!(-1)),
        ("updated at", "state_since", json!(-1)),
    ];
    for (field, key, value) in broken {
        let mut j = json.clone();
        j[key] = value;
        let err = serde_json::from_value::<Connection>(j).unwrap_err();
        assert!(
            err.to_string().contains(&format!("invalid {field} ")),
            "{field}: {err}"
        );
    }
    // Wrong types, bad identifiers, missing parts and unknown fields fail in serde, without
    // panicking.
    for (key, value) in [
        ("id", json!("bad id!")),
        ("account_id", json!("1234")),
        ("external_id", json!("")),
        ("revision", json!(-1)),
        ("state", json!("sleeping")),
        ("state", json!({"state": "degraded", "since": 3})),
        ("permission_set", json!({"name": "acme:read-only"})),
        ("permission_set", json!("acme:read-only")),
        (
            "last_diagnosis",
            json!({"code": "NOT_A_CODE", "message": "m", "remediation": "r", "at": 1}),
        ),
        ("secret_access_key", json!("x")),
    ] {
        let mut j = json.clone();
        j[key] = value;
        assert!(serde_json::from_value::<Connection>(j).is_err(), "{key}");
    }
}

/// Drives a future to completion on this thread (the in-memory store's futures are ready at
/// once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

#[tokio::test]
async fn stores_refuse_invalid_records() {
    let store = InMemoryConnectionStore::new();
    // A broken record cannot be made, so it cannot reach a store.
    let bad_name = Connection::builder(id("acme-prod"), "ext-id-123".parse().unwrap())
        .with_display_name("\u{7}")
        .build(Timestamp(0));
    assert!(matches!(
        bad_name,
        Err(ConnectorError::InvalidValue {
            field: "display name",
            ..
        })
    ));
    assert!(store.is_empty());

    // A swap must bring exactly the next revision.
    let c = pending();
    store.create(&c).await.unwrap();
    for (expected, new) in [
        (0, c.clone()),
        (
            0,
            run(c.clone(), &[submit(ROLE), event("verification_succeeded")]),
        ),
        (1, c.apply(submit(ROLE), Timestamp(1)).unwrap()),
        (u64::MAX, c.apply(submit(ROLE), Timestamp(1)).unwrap()),
    ] {
        assert!(
            matches!(
                store.compare_and_swap(expected, &new).await,
                Err(ConnectorError::InvalidValue {
                    field: "revision",
                    ..
                })
            ),
            "{expected} -> {}",
            new.revision()
        );
    }
    assert_eq!(store.get(c.id()).await.unwrap(), Some(c));
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn compare_and_swap_refuses_a_stale_writer() {
    let store = InMemoryConnectionStore::default();
    let c = pending();
    store.create(&c).await.unwrap();
    assert!(matches!(
        store.create(&c).await,
        Err(ConnectorError::AlreadyExists(id)) if id == "acme-prod"
    ));
    // Two writers read revision 0.
    let a = c.apply(submit(ROLE), Timestamp(1)).unwrap();
    let b = c
        .apply(event("disconnect_requested"), Timestamp(1))
        .unwrap();
    store.compare_and_swap(c.revision(), &a).await.unwrap();
    match store.compare_and_swap(c.revision(), &b).await {
        Err(ConnectorError::Conflict {
            connection,
            expected: 0,
            actual: 1,
        }) => assert_eq!(connection, "acme-prod"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.get(c.id()).await.unwrap().unwrap().state(),
        ConnectionState::Verifying
    );

    let ghost = Connection::builder(id("ghost"), "ext-id-123".parse().unwrap())
        .build(Timestamp(0))
        .unwrap()
        .apply(submit(ROLE), Timestamp(1))
        .unwrap();
    assert!(matches!(
        store.compare_and_swap(0, &ghost).await,
        Err(ConnectorError::NotFound(id)) if id == "ghost"
    ));
    assert!(store.get(ghost.id()).await.unwrap().is_none());
    assert!(!store.delete(ghost.id()).await.unwrap());
    assert!(store.delete(c.id()).await.unwrap());
    assert!(
        store
            .list(&ListQuery::all())
            .await
            .unwrap()
            .connections()
            .is_empty()
    );
}

/// A store whose swaps always lose, counting the attempts.
#[derive(Debug, Default)]
struct AlwaysLosing {
    inner: InMemoryConnectionStore,
    swaps: AtomicU32,
}

impl ConnectionStore for AlwaysLosing {
    fn create<'a>(
        &'a self,
        connection: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.inner.create(connection)
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.inner.get(id)
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.swaps.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(Err(ConnectorError::Conflict {
            connection: new.id().to_string(),
            expected,
            actual: expected + 1,
        })))
    }
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.inner.delete(id)
    }
    fn list<'a>(&'a self, query: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        self.inner.list(query)
    }
}

#[tokio::test]
async fn apply_event_retries_a_bounded_number_of_times_then_reports_the_conflict() {
    let store = AlwaysLosing::default();
    let c = pending();
    store.create(&c).await.unwrap();
    let result = apply_event(&store, c.id(), Timestamp(1), 5, |_| {
        Ok(event("disconnect_requested"))
    })
    .await;
    assert!(matches!(result, Err(ConnectorError::Conflict { .. })));
    assert_eq!(store.swaps.load(Ordering::SeqCst), 5);
    // Zero attempts still makes one.
    store.swaps.store(0, Ordering::SeqCst);
    assert!(
        apply_event(&store, c.id(), Timestamp(1), 0, |_| Ok(event(
            "disconnect_requested"
        )))
        .await
        .is_err()
    );
    assert_eq!(store.swaps.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn apply_event_stops_at_once_on_refusals_and_missing_connections() {
    let store = InMemoryConnectionStore::new();
    let c = pending();
    store.create(&c).await.unwrap();
    assert!(matches!(
        apply_event(&store, c.id(), Timestamp(1), 5, |_| Ok(event(
            "refresh_succeeded"
        )))
        .await,
        Err(ConnectorError::InvalidTransition { .. })
    ));
    assert_eq!(store.get(c.id()).await.unwrap().unwrap(), c);
    // The caller's own refusal (e.g. the connection is no longer what it acted on) is
    // returned as it is, and nothing is written.
    let refusal = ConnectorError::Conflict {
        connection: "acme-prod".into(),
        expected: 7,
        actual: 0,
    };
    let calls = AtomicU32::new(0);
    assert_eq!(
        apply_event(&store, c.id(), Timestamp(1), 5, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(refusal.clone())
        })
        .await,
        Err(refusal.clone())
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "no retry");
    assert_eq!(store.get(c.id()).await.unwrap().unwrap(), c);
    let missing = ConnectionId::new("missing").unwrap();
    assert!(matches!(
        apply_event(&store, &missing, Timestamp(1), 5, |_| Ok(event("remove_requested"))).await,
        Err(ConnectorError::NotFound(id)) if id == "missing"
    ));
}

#[tokio::test]
async fn apply_event_skips_writes_that_change_nothing_but_bookkeeping() {
    // Every write is counted (and loses): a skipped write succeeds without a swap.
    let active = in_state("active");
    let store = AlwaysLosing::default();
    store.create(&active).await.unwrap();
    let same = apply_event(&store, active.id(), Timestamp(50), 3, |_| {
        Ok(ConnectionEvent::RefreshSucceeded)
    })
    .await
    .unwrap();
    assert_eq!(same, active, "the stored record, bookkeeping untouched");
    assert_eq!(store.swaps.load(Ordering::SeqCst), 0);

    // The same trouble seen again later is not news either.
    let degraded = in_state("degraded");
    let store = AlwaysLosing::default();
    store.create(&degraded).await.unwrap();
    let again = Diagnosis::with_remediation(
        DiagnosisCode::Throttled,
        "THROTTLED happened",
        "Do the thing.",
        Timestamp(60),
    );
    let same = apply_event(&store, degraded.id(), Timestamp(60), 3, |_| {
        Ok(ConnectionEvent::RefreshFailed {
            diagnosis: again.clone(),
        })
    })
    .await
    .unwrap();
    assert_eq!(same, degraded);
    assert_eq!(store.swaps.load(Ordering::SeqCst), 0);

    // Another diagnosis, or another state, is written.
    let other = Diagnosis::new(DiagnosisCode::Transient, "connection reset", Timestamp(70));
    assert!(matches!(
        apply_event(&store, degraded.id(), Timestamp(70), 1, |_| {
            Ok(ConnectionEvent::RefreshFailed {
                diagnosis: other.clone(),
            })
        })
        .await,
        Err(ConnectorError::Conflict { .. })
    ));
    assert_eq!(store.swaps.load(Ordering::SeqCst), 1);
    assert!(
        apply_event(&store, degraded.id(), Timestamp(70), 1, |_| {
            Ok(ConnectionEvent::RefreshSucceeded)
        })
        .await
        .is_err()
    );
    assert_eq!(store.swaps.load(Ordering::SeqCst), 2);

    // And with a store that takes writes: the revision moves only for news.
    let store = InMemoryConnectionStore::new();
    store.create(&degraded).await.unwrap();
    let skipped = apply_event(&store, degraded.id(), Timestamp(80), 3, |_| {
        Ok(ConnectionEvent::RefreshFailed {
            diagnosis: again.clone(),
        })
    })
    .await
    .unwrap();
    assert_eq!(skipped.revision(), degraded.revision());
    let written = apply_event(&store, degraded.id(), Timestamp(90), 3, |_| {
        Ok(ConnectionEvent::RefreshFailed {
            diagnosis: other.clone(),
        })
    })
    .await
    .unwrap();
    assert_eq!(written.revision(), degraded.revision() + 1);
    assert_eq!(written.state_since(), degraded.state_since());
    assert_eq!(written.updated_at(), Timestamp(90));
    assert_eq!(store.get(degraded.id()).await.unwrap(), Some(written));
}

#[test]
fn concurrent_updates_lose_nothing() {
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
    let c = pending();
    let id = c.id().clone();
    block_on(store.create(&c)).unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (store, id, calls) = (store.clone(), id.clone(), calls.clone());
            std::thread::spawn(move || {
                for i in 0..100 {
                    // The event depends on the state read, so a retry must see fresh data;
                    // every event changes the state, so every call writes once.
                    block_on(apply_event(
                        store.as_ref(),
                        &id,
                        Timestamp(i),
                        10_000,
                        |current| {
                            calls.fetch_add(1, Ordering::Relaxed);
                            Ok(match current.state() {
                                ConnectionState::Pending => submit(ROLE),
                                ConnectionState::Verifying => {
                                    ConnectionEvent::VerificationSucceeded
                                }
                                ConnectionState::Active => event("refresh_failed_throttled"),
                                _ => ConnectionEvent::RefreshSucceeded,
                            })
                        },
                    ))
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let last = block_on(store.get(&id)).unwrap().unwrap();
    assert_eq!(last.revision(), 800);
    assert!(calls.load(Ordering::Relaxed) >= 800);
    last.validate().unwrap();
}

fn full_record() -> Connection {
    run(
        active_with_everything(),
        &[event("rotation_started"), event("refresh_failed_throttled")],
    )
}

#[test]
fn every_state_round_trips_through_json() {
    let mut all: Vec<Connection> = STATES.iter().map(|s| in_state(s)).collect();
    all.push(full_record());
    all.push(
        Connection::builder(id("no-account"), "ext-id-123".parse().unwrap())
            .build(Timestamp(0))
            .unwrap(),
    );
    for c in all {
        let json = serde_json::to_string_pretty(&c).unwrap();
        let back: Connection = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c, "{json}");
    }
    let json = serde_json::to_value(in_state("degraded")).unwrap();
    // The state is one flat word; since when and why are beside it.
    assert_eq!(json["state"], "degraded");
    assert_eq!(json["state_since"], 3);
    assert_eq!(json["last_diagnosis"]["code"], "THROTTLED");
    assert_eq!(json["last_diagnosis"]["severity"], "WARNING");
    assert_eq!(json["last_diagnosis"]["message"], "THROTTLED happened");
    assert_eq!(json["role_arn"], ROLE);
    assert_eq!(json["account_id"], "111122223333");
    assert_eq!(json["external_id"], "ext-id-123");
    let full = serde_json::to_value(full_record()).unwrap();
    assert_eq!(
        full["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );
    assert_eq!(
        full["permission_set"],
        serde_json::json!({"name": "acme:read-only", "version": "1.2.3"})
    );
    assert_eq!(full["next_external_id"], "next-external-id");
}

fn keys(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.to_ascii_lowercase());
                keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// Every string a schema allows as a value (`enum` members and `const`s), recursively.
fn allowed_values(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("enum", serde_json::Value::Array(items)) => out.extend(
                        items
                            .iter()
                            .filter_map(|i| i.as_str().map(ToOwned::to_owned)),
                    ),
                    ("const", serde_json::Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    _ => allowed_values(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| allowed_values(v, out)),
        _ => {}
    }
}

#[test]
fn the_schema_describes_the_serialized_record() {
    let schema = serde_json::to_value(schemars::schema_for!(Connection)).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    let record = serde_json::to_value(full_record()).unwrap();
    for key in record.as_object().unwrap().keys() {
        assert!(
            properties.contains_key(key),
            "{key} missing from the schema"
        );
    }
    // An External ID record leaves out only its kind (records written before kinds existed
    // look the same).
    let missing: Vec<&String> = properties
        .keys()
        .filter(|key| !record.as_object().unwrap().contains_key(key.as_str()))
        .collect();
    assert_eq!(missing, ["kind"]);
    let text = schema.to_string();
    assert!(text.contains("^[A-Za-z0-9_-]{1,64}$"), "{text}");
    for state in STATES {
        assert!(text.contains(&format!("\"{state}\"")), "{state} in {text}");
    }
    // The state schema allows exactly the six flat words.
    let state = serde_json::to_value(schemars::schema_for!(ConnectionState)).unwrap();
    let mut words = BTreeSet::new();
    allowed_values(&state, &mut words);
    assert_eq!(
        words,
        STATES
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        "{state}"
    );
    // The diagnosis schema lists its codes.
    let diagnosis = serde_json::to_value(schemars::schema_for!(Diagnosis)).unwrap();
    let mut codes = BTreeSet::new();
    allowed_values(&diagnosis, &mut codes);
    for code in DiagnosisCode::ALL {
        assert!(codes.contains(code.as_str()), "{code} in {diagnosis}");
    }
}

#[test]
fn records_hold_no_secrets() {
    let c = full_record();
    let forbidden = [
        "secret",
        "token",
        "credential",
        "password",
        "access_key",
        "private",
    ];
    let mut names = BTreeSet::new();
    keys(&serde_json::to_value(&c).unwrap(), &mut names);
    keys(
        &serde_json::to_value(schemars::schema_for!(Connection)).unwrap()["properties"],
        &mut names,
    );
    let debug = format!("{c:?} {:?}", c.state()).to_ascii_lowercase();
    let json = serde_json::to_string(&c).unwrap().to_ascii_lowercase();
    for word in forbidden {
        assert!(
            !names.iter().any(|n| n.contains(word)),
            "{word} in {names:?}"
        );
        assert!(!debug.contains(word), "{word} in {debug}");
        assert!(!json.contains(word), "{word} in {json}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_event_sequences_keep_the_invariants(
        choices in proptest::collection::vec((0usize..17, -2i64..3), 0..60),
    ) {
        let mut all: Vec<ConnectionEvent> = events().into_iter().map(|(_, e)| e).collect();
        all.push(submit(FOREIGN_ROLE));
        all.push(ConnectionEvent::RotationStarted { next_external_id: "ext-id-123".parse().unwrap() });
        all.push(ConnectionEvent::ReconnectRequested { role_arn: Some(FOREIGN_ROLE.parse().unwrap()) });
        prop_assert_eq!(all.len(), 17);
        let mut c = pending();
        // The clock may step back (skew): records never do.
        let mut now = 0;
        let mut accepted = 0u64;
        for (i, step) in choices {
            now += step;
            let before = c.clone();
            match c.apply(all[i].clone(), Timestamp(now)) {
                Ok(next) => {
                    prop_assert!(!before.state().is_terminal(), "nothing leaves Removed");
                    accepted += 1;
                    prop_assert!(next.validate().is_ok(), "{:?}", next.validate());
                    prop_assert!(next.state_since() <= next.updated_at());
                    prop_assert!(next.created_at() <= next.state_since());
                    prop_assert_eq!(next.updated_at(), before.updated_at().max(Timestamp(now)));
                    if next.state() == before.state() {
                        prop_assert_eq!(next.state_since(), before.state_since());
                    } else {
                        prop_assert_eq!(next.state_since(), next.updated_at());
                    }
                    if let Some(d) = all[i].diagnosis() {
                        prop_assert_eq!(next.last_diagnosis(), Some(d));
                    }
                    prop_assert_eq!(next.live().is_some(), next.state().is_live());
                    c = next;
                }
                Err(e) => {
                    let typed = matches!(
                        e,
                        ConnectorError::InvalidTransition { .. } | ConnectorError::InvalidValue { .. }
                    );
                    prop_assert!(typed, "unexpected error {:?}", e);
                    prop_assert_eq!(&c, &before);
                }
            }
            prop_assert_eq!(c.revision(), accepted);
        }
        let back: Connection = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        prop_assert_eq!(back, c);
    }
}
