//! The connection state machine: every accepted and every refused transition, revisions,
//! compare-and-swap conflicts, concurrent updates without lost writes, serde and schema.

use std::sync::Arc;

use connector_core::{
    Connection, ConnectionEvent, ConnectionState, ConnectionStore, ConnectorError, Diagnosis,
    InMemoryConnectionStore, Timestamp, update,
};
use proptest::prelude::*;

fn diagnosis() -> Diagnosis {
    Diagnosis {
        code: "THROTTLED".into(),
        message: "Rate exceeded".into(),
        remediation: "Retry with backoff.".into(),
        at: Timestamp(5),
    }
}

fn events() -> Vec<(&'static str, ConnectionEvent)> {
    vec![
        (
            "role_submitted",
            ConnectionEvent::RoleSubmitted {
                role_arn: "arn:aws:iam::111122223333:role/vendor".parse().unwrap(),
            },
        ),
        (
            "verification_succeeded",
            ConnectionEvent::VerificationSucceeded,
        ),
        (
            "verification_failed",
            ConnectionEvent::VerificationFailed {
                diagnosis: diagnosis(),
            },
        ),
        ("refresh_succeeded", ConnectionEvent::RefreshSucceeded),
        (
            "refresh_failed_retryable",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis(),
                retryable: true,
            },
        ),
        (
            "refresh_failed_final",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis(),
                retryable: false,
            },
        ),
        (
            "access_revoked",
            ConnectionEvent::AccessRevoked {
                diagnosis: diagnosis(),
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
        ("disconnect_requested", ConnectionEvent::DisconnectRequested),
        ("remove_requested", ConnectionEvent::RemoveRequested),
    ]
}

fn event(name: &str) -> ConnectionEvent {
    events().into_iter().find(|(n, _)| *n == name).unwrap().1
}

fn pending() -> Connection {
    Connection::new(
        "acme-prod",
        "Acme production",
        "111122223333".parse().unwrap(),
        "ext-id-123".parse().unwrap(),
        Timestamp(0),
    )
    .unwrap()
}

/// A connection in each state, reached through accepted events.
fn in_state(name: &str) -> Connection {
    let path: &[&str] = match name {
        "pending" => &[],
        "verifying" => &["role_submitted"],
        "active" => &["role_submitted", "verification_succeeded"],
        "degraded" => &[
            "role_submitted",
            "verification_succeeded",
            "refresh_failed_retryable",
        ],
        "disconnected" => &["role_submitted", "verification_succeeded", "access_revoked"],
        "removed" => &["remove_requested"],
        other => panic!("{other}"),
    };
    path.iter().enumerate().fold(pending(), |c, (i, e)| {
        c.apply(event(e), Timestamp(i as i64 + 1)).unwrap()
    })
}

/// Every accepted (state, event) pair and the state it leads to; everything else is refused.
const ACCEPTED: &[(&str, &str, &str)] = &[
    ("pending", "role_submitted", "verifying"),
    ("pending", "disconnect_requested", "disconnected"),
    ("pending", "remove_requested", "removed"),
    ("verifying", "role_submitted", "verifying"),
    ("verifying", "verification_succeeded", "active"),
    ("verifying", "verification_failed", "pending"),
    ("verifying", "disconnect_requested", "disconnected"),
    ("verifying", "remove_requested", "removed"),
    ("active", "refresh_succeeded", "active"),
    ("active", "refresh_failed_retryable", "degraded"),
    ("active", "refresh_failed_final", "disconnected"),
    ("active", "access_revoked", "disconnected"),
    ("active", "rotation_started", "active"),
    ("active", "disconnect_requested", "disconnected"),
    ("active", "remove_requested", "removed"),
    ("degraded", "refresh_succeeded", "active"),
    ("degraded", "refresh_failed_retryable", "degraded"),
    ("degraded", "refresh_failed_final", "disconnected"),
    ("degraded", "access_revoked", "disconnected"),
    ("degraded", "rotation_started", "degraded"),
    ("degraded", "disconnect_requested", "disconnected"),
    ("degraded", "remove_requested", "removed"),
    ("disconnected", "reconnect_requested", "verifying"),
    ("disconnected", "remove_requested", "removed"),
];

#[test]
fn every_transition_is_accepted_or_refused_as_specified() {
    let states = [
        "pending",
        "verifying",
        "active",
        "degraded",
        "disconnected",
        "removed",
    ];
    let mut accepted = 0;
    for state in states {
        for (name, ev) in events() {
            let before = in_state(state);
            assert_eq!(before.state.name(), state);
            let expected = ACCEPTED
                .iter()
                .find(|(s, e, _)| *s == state && *e == name)
                .map(|(_, _, to)| *to);
            match (before.apply(ev, Timestamp(100)), expected) {
                (Ok(after), Some(to)) => {
                    accepted += 1;
                    assert_eq!(after.state.name(), to, "{state} + {name}");
                    assert_eq!(after.revision, before.revision + 1);
                    assert_eq!(after.updated_at, Timestamp(100));
                    if after.state.name() != state {
                        assert_eq!(after.state_since, Timestamp(100));
                    }
                }
                (
                    Err(ConnectorError::InvalidTransition {
                        state: s, event, ..
                    }),
                    None,
                ) => {
                    assert_eq!(s, state);
                    assert_eq!(
                        event,
                        name.trim_end_matches("_retryable")
                            .trim_end_matches("_final")
                    );
                }
                (result, expected) => {
                    panic!("{state} + {name}: got {result:?}, expected {expected:?}")
                }
            }
        }
    }
    assert_eq!(accepted, ACCEPTED.len());
}

#[test]
fn rotation_and_reconnect_details() {
    let active = in_state("active");
    let rotating = active
        .apply(event("rotation_started"), Timestamp(10))
        .unwrap();
    assert_eq!(
        rotating.next_external_id.as_ref().unwrap().as_str(),
        "next-external-id"
    );
    assert!(
        rotating
            .apply(event("rotation_started"), Timestamp(11))
            .is_err(),
        "one rotation at a time"
    );
    let rotated = rotating
        .apply(event("rotation_completed"), Timestamp(12))
        .unwrap();
    assert_eq!(rotated.external_id.as_str(), "next-external-id");
    assert!(rotated.next_external_id.is_none());
    // Degraded keeps the time trouble started.
    let degraded = in_state("degraded");
    let still = degraded
        .apply(event("refresh_failed_retryable"), Timestamp(500))
        .unwrap();
    assert_eq!(still.state, degraded.state);
    assert!(
        matches!(still.state, ConnectionState::Degraded { since, .. } if since == Timestamp(3))
    );
    assert_eq!(still.last_diagnosis.as_ref().unwrap().code, "THROTTLED");
}

#[test]
fn compare_and_swap_refuses_a_stale_writer() {
    let store = InMemoryConnectionStore::default();
    let c = pending();
    store.create(c.clone()).unwrap();
    assert!(matches!(
        store.create(c.clone()),
        Err(ConnectorError::AlreadyExists(_))
    ));
    let a = c.apply(event("role_submitted"), Timestamp(1)).unwrap();
    let b = c
        .apply(event("disconnect_requested"), Timestamp(1))
        .unwrap();
    store.compare_and_swap(c.revision, a).unwrap();
    match store.compare_and_swap(c.revision, b) {
        Err(ConnectorError::Conflict {
            expected: 0,
            actual: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.get(&c.id).unwrap().unwrap().state,
        ConnectionState::Verifying
    );
}

#[test]
fn concurrent_updates_lose_nothing() {
    let store = Arc::new(InMemoryConnectionStore::default());
    let c = in_state("active");
    let id = c.id.clone();
    let start = c.revision;
    store.create(c).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let id = id.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    update(store.as_ref(), &id, Timestamp(i), 1_000, |_| {
                        ConnectionEvent::RefreshSucceeded
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.get(&id).unwrap().unwrap().revision, start + 800);
}

#[test]
fn records_serialize_without_secrets_and_have_a_schema() {
    let c = in_state("degraded");
    let json = serde_json::to_string(&c).unwrap();
    let back: Connection = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let shown = format!("{json} {c:?}").to_ascii_lowercase();
    for word in ["secret", "session_token", "credential", "password"] {
        assert!(!shown.contains(word), "{word} in {shown}");
    }
    let schema = serde_json::to_value(schemars::schema_for!(Connection))
        .unwrap()
        .to_string();
    assert!(schema.contains("revision") && schema.contains("degraded"));
    assert!(serde_json::from_str::<Connection>(&json.replace("acme-prod", "bad id!")).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_event_sequences_keep_the_invariants(choices in proptest::collection::vec(0usize..12, 0..40)) {
        let all = events();
        let mut c = pending();
        let mut accepted = 0u64;
        let mut removed = false;
        for (t, i) in choices.into_iter().enumerate() {
            match c.apply(all[i].1.clone(), Timestamp(t as i64)) {
                Ok(next) => {
                    prop_assert!(!removed, "nothing leaves Removed");
                    accepted += 1;
                    removed = next.state == ConnectionState::Removed;
                    c = next;
                }
                Err(e) => {
                    let refused = matches!(e, ConnectorError::InvalidTransition { .. });
                    prop_assert!(refused, "unexpected error {:?}", e);
                }
            }
            prop_assert_eq!(c.revision, accepted);
        }
    }
}
