//! The connection state machine: every accepted and every refused transition, revisions,
//! payload checks, compare-and-swap conflicts, bounded retries, concurrent updates without
//! lost writes, serde, schema, and no secrets in the record.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use connector_core::{
    Connection, ConnectionEvent, ConnectionId, ConnectionState, ConnectionStore, ConnectorError,
    Diagnosis, InMemoryConnectionStore, Timestamp, update,
};
use proptest::prelude::*;

const ROLE: &str = "arn:aws:iam::111122223333:role/vendor";
const OTHER_ROLE: &str = "arn:aws:iam::111122223333:role/vendor-v2";
const FOREIGN_ROLE: &str = "arn:aws:iam::999988887777:role/vendor";

fn diagnosis(code: &str) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        message: format!("{code} happened"),
        remediation: "Do the thing.".into(),
        at: Timestamp(5),
    }
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
                diagnosis: diagnosis("TRUST_POLICY_MISSING_EXTERNAL_ID"),
            },
        ),
        ("refresh_succeeded", ConnectionEvent::RefreshSucceeded),
        (
            "refresh_failed_retryable",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis("THROTTLED"),
                retryable: true,
            },
        ),
        (
            "refresh_failed_final",
            ConnectionEvent::RefreshFailed {
                diagnosis: diagnosis("OTHER"),
                retryable: false,
            },
        ),
        (
            "access_revoked",
            ConnectionEvent::AccessRevoked {
                diagnosis: diagnosis("ACCESS_DENIED"),
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

fn submit(role: &str) -> ConnectionEvent {
    ConnectionEvent::RoleSubmitted {
        role_arn: role.parse().unwrap(),
    }
}

fn run(mut c: Connection, path: &[ConnectionEvent]) -> Connection {
    for e in path {
        let t = Timestamp(c.updated_at.0 + 1);
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

/// A connection in each state, reached through accepted events.
fn in_state(name: &str) -> Connection {
    let path: Vec<ConnectionEvent> = match name {
        "pending" => vec![],
        "verifying" => vec![submit(ROLE)],
        "active" => vec![submit(ROLE), event("verification_succeeded")],
        "degraded" => vec![
            submit(ROLE),
            event("verification_succeeded"),
            event("refresh_failed_retryable"),
        ],
        "disconnected" => vec![
            submit(ROLE),
            event("verification_succeeded"),
            event("access_revoked"),
        ],
        "removed" => vec![event("remove_requested")],
        other => panic!("{other}"),
    };
    let c = run(pending(), &path);
    assert_eq!(c.state.name(), name);
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
                    assert_eq!(after.state.name(), to, "{state} + {label}");
                    assert_eq!(after.revision, before.revision + 1, "{state} + {label}");
                    assert_eq!(after.updated_at, Timestamp(100));
                    assert_eq!(after.created_at, before.created_at);
                    if to == state {
                        assert_eq!(after.state_since, before.state_since, "{state} + {label}");
                    } else {
                        assert_eq!(after.state_since, Timestamp(100), "{state} + {label}");
                    }
                    match carries_diagnosis {
                        Some(d) => assert_eq!(after.last_diagnosis, Some(d)),
                        None => assert_eq!(after.last_diagnosis, before.last_diagnosis),
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
fn role_arns_are_recorded_and_replaced() {
    let verifying = in_state("verifying");
    assert_eq!(verifying.role_arn.as_ref().unwrap().to_string(), ROLE);
    let corrected = verifying.apply(submit(OTHER_ROLE), Timestamp(9)).unwrap();
    assert_eq!(corrected.role_arn.unwrap().to_string(), OTHER_ROLE);
    // A failed verification keeps the ARN for the customer to fix.
    let failed = verifying
        .apply(event("verification_failed"), Timestamp(9))
        .unwrap();
    assert_eq!(failed.state, ConnectionState::Pending);
    assert!(failed.role_arn.is_some());
    assert_eq!(
        failed.last_diagnosis.unwrap().code,
        "TRUST_POLICY_MISSING_EXTERNAL_ID"
    );

    let disconnected = in_state("disconnected");
    let same = disconnected
        .apply(event("reconnect_requested"), Timestamp(9))
        .unwrap();
    assert_eq!(same.role_arn.unwrap().to_string(), ROLE);
    let replaced = disconnected
        .apply(event("reconnect_requested_new_role"), Timestamp(9))
        .unwrap();
    assert_eq!(replaced.role_arn.unwrap().to_string(), OTHER_ROLE);

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
            .state,
        ConnectionState::Verifying
    );
}

#[test]
fn degraded_keeps_the_time_trouble_started_and_disconnected_says_why() {
    let degraded = in_state("degraded");
    let ConnectionState::Degraded { since, reason } = &degraded.state else {
        panic!("{:?}", degraded.state)
    };
    assert_eq!(
        (*since, reason.as_str()),
        (Timestamp(3), "THROTTLED happened")
    );
    let still = degraded
        .apply(event("refresh_failed_retryable"), Timestamp(500))
        .unwrap();
    assert!(
        matches!(still.state, ConnectionState::Degraded { since, .. } if since == Timestamp(3))
    );
    assert_eq!(still.state_since, degraded.state_since);
    let recovered = still
        .apply(event("refresh_succeeded"), Timestamp(600))
        .unwrap();
    assert_eq!(recovered.state, ConnectionState::Active);
    assert_eq!(recovered.state_since, Timestamp(600));
    // The diagnosis stays as a record of the last problem.
    assert_eq!(recovered.last_diagnosis.unwrap().code, "THROTTLED");

    let revoked = in_state("disconnected");
    assert_eq!(
        revoked.state,
        ConnectionState::Disconnected {
            reason: "ACCESS_DENIED happened".into()
        }
    );
    assert_eq!(revoked.last_diagnosis.unwrap().code, "ACCESS_DENIED");
}

#[test]
fn external_id_rotation_takes_two_steps() {
    let active = in_state("active");
    let rotating = active
        .apply(event("rotation_started"), Timestamp(10))
        .unwrap();
    assert_eq!(rotating.external_id.as_str(), "ext-id-123");
    assert_eq!(
        rotating.next_external_id.as_ref().unwrap().as_str(),
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
    assert_eq!(rotated.external_id.as_str(), "next-external-id");
    assert!(rotated.next_external_id.is_none());
    assert_eq!(rotated.state_since, active.state_since);

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
    assert!(matches!(
        completed.state,
        ConnectionState::Disconnected { .. }
    ));
    assert_eq!(completed.external_id.as_str(), "next-external-id");
    let back = run(
        completed,
        &[
            event("reconnect_requested"),
            event("verification_succeeded"),
        ],
    );
    assert_eq!(back.state, ConnectionState::Active);
    assert_eq!(back.revision, active.revision + 5);
}

#[test]
fn the_revision_never_overflows_into_a_panic() {
    let mut c = in_state("active");
    c.revision = u64::MAX;
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
    let account = || "111122223333".parse().unwrap();
    let external = || "ext-id-123".parse().unwrap();
    for (id, name, field) in [
        ("", "Acme", "connection id"),
        ("acme prod", "Acme", "connection id"),
        ("acme/prod", "Acme", "connection id"),
        (&*"a".repeat(65), "Acme", "connection id"),
        ("acme", "", "display name"),
        ("acme", "   ", "display name"),
        ("acme", "Acme\nInc", "display name"),
        ("acme", &*"n".repeat(257), "display name"),
    ] {
        match Connection::new(id, name, account(), external(), Timestamp(0)) {
            Err(ConnectorError::InvalidValue { field: f, rule, .. }) => {
                assert_eq!(f, field, "{id:?} {name:?}");
                assert!(!rule.is_empty());
            }
            other => panic!("{id:?} {name:?}: {other:?}"),
        }
    }
    assert!(ConnectionId::new(&"a".repeat(64)).is_ok());
    assert!(Connection::new("a", &"n".repeat(256), account(), external(), Timestamp(0)).is_ok());

    for bad in [
        "us-east",
        "us_east_1",
        "US-EAST-1",
        "us-east-123",
        "us--1",
        "",
        "1-2-3",
    ] {
        match pending().with_regions([bad]) {
            Err(ConnectorError::InvalidValue { field, value, .. }) => {
                assert_eq!((field, value.as_str()), ("region", bad));
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let regions = pending()
        .with_regions([
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "us-east-1",
        ])
        .unwrap()
        .regions;
    assert_eq!(
        regions,
        ["us-east-1", "us-gov-west-1", "cn-north-1", "us-isob-east-1"]
    );
}

#[test]
fn validate_and_deserialize_refuse_broken_records() {
    let good = in_state("active")
        .with_regions(["us-east-1"])
        .unwrap()
        .with_permission_set("acme:read-only", "1.0.0");
    good.validate().unwrap();
    let json = serde_json::to_value(&good).unwrap();

    use serde_json::{Value, json};
    let broken: [(&str, &str, Value); 9] = [
        ("region", "regions", json!(["moon-1"])),
        ("region", "regions", json!(["us-east-1", "us-east-1"])),
        ("display name", "display_name", json!("\u{7}")),
        ("role ARN", "role_arn", json!(FOREIGN_ROLE)),
        ("role ARN", "role_arn", Value::Null),
        ("next external id", "next_external_id", json!("ext-id-123")),
        ("permission set name", "permission_set", json!("Read Only")),
        (
            "permission set version",
            "permission_set_version",
            json!("v1"),
        ),
        ("permission set", "permission_set_version", Value::Null),
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
    // Wrong types and bad identifiers fail in serde, without panicking.
    for (key, value) in [
        ("id", serde_json::json!("bad id!")),
        ("account_id", serde_json::json!("1234")),
        ("external_id", serde_json::json!("")),
        ("revision", serde_json::json!(-1)),
        ("state", serde_json::json!({"state": "sleeping"})),
    ] {
        let mut j = json.clone();
        j[key] = value;
        assert!(serde_json::from_value::<Connection>(j).is_err(), "{key}");
    }
}

#[test]
fn stores_refuse_invalid_records() {
    let store = InMemoryConnectionStore::new();
    let mut c = pending();
    c.regions = vec!["nowhere".into()];
    assert!(matches!(
        store.create(c),
        Err(ConnectorError::InvalidValue {
            field: "region",
            ..
        })
    ));
    assert!(store.is_empty());
}

#[test]
fn compare_and_swap_refuses_a_stale_writer() {
    let store = InMemoryConnectionStore::default();
    let c = pending();
    store.create(c.clone()).unwrap();
    assert!(matches!(
        store.create(c.clone()),
        Err(ConnectorError::AlreadyExists(id)) if id == "acme-prod"
    ));
    // Two writers read revision 0.
    let a = c.apply(submit(ROLE), Timestamp(1)).unwrap();
    let b = c
        .apply(event("disconnect_requested"), Timestamp(1))
        .unwrap();
    store.compare_and_swap(c.revision, a).unwrap();
    match store.compare_and_swap(c.revision, b) {
        Err(ConnectorError::Conflict {
            connection,
            expected: 0,
            actual: 1,
        }) => assert_eq!(connection, "acme-prod"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.get(&c.id).unwrap().unwrap().state,
        ConnectionState::Verifying
    );

    let mut ghost = pending().apply(submit(ROLE), Timestamp(1)).unwrap();
    ghost.id = ConnectionId::new("ghost").unwrap();
    assert!(matches!(
        store.compare_and_swap(0, ghost.clone()),
        Err(ConnectorError::NotFound(id)) if id == "ghost"
    ));
    assert!(store.get(&ghost.id).unwrap().is_none());
    assert!(!store.delete(&ghost.id).unwrap());
    assert!(store.delete(&c.id).unwrap());
    assert!(store.list().unwrap().is_empty());
}

/// A store whose swaps always lose, counting the attempts.
#[derive(Debug, Default)]
struct AlwaysLosing {
    inner: InMemoryConnectionStore,
    swaps: AtomicU32,
}

impl ConnectionStore for AlwaysLosing {
    fn create(&self, connection: Connection) -> Result<(), ConnectorError> {
        self.inner.create(connection)
    }
    fn get(&self, id: &ConnectionId) -> Result<Option<Connection>, ConnectorError> {
        self.inner.get(id)
    }
    fn list(&self) -> Result<Vec<Connection>, ConnectorError> {
        self.inner.list()
    }
    fn compare_and_swap(&self, expected: u64, new: Connection) -> Result<(), ConnectorError> {
        self.swaps.fetch_add(1, Ordering::SeqCst);
        Err(ConnectorError::Conflict {
            connection: new.id.to_string(),
            expected,
            actual: expected + 1,
        })
    }
    fn delete(&self, id: &ConnectionId) -> Result<bool, ConnectorError> {
        self.inner.delete(id)
    }
}

#[test]
fn update_retries_a_bounded_number_of_times_then_reports_the_conflict() {
    let store = AlwaysLosing::default();
    let c = pending();
    store.create(c.clone()).unwrap();
    let result = update(&store, &c.id, Timestamp(1), 5, |_| {
        event("disconnect_requested")
    });
    assert!(matches!(result, Err(ConnectorError::Conflict { .. })));
    assert_eq!(store.swaps.load(Ordering::SeqCst), 5);
    // Zero attempts still makes one.
    store.swaps.store(0, Ordering::SeqCst);
    assert!(
        update(&store, &c.id, Timestamp(1), 0, |_| event(
            "disconnect_requested"
        ))
        .is_err()
    );
    assert_eq!(store.swaps.load(Ordering::SeqCst), 1);
}

#[test]
fn update_stops_at_once_on_refusals_and_missing_connections() {
    let store = InMemoryConnectionStore::new();
    let c = pending();
    store.create(c.clone()).unwrap();
    assert!(matches!(
        update(&store, &c.id, Timestamp(1), 5, |_| event(
            "refresh_succeeded"
        )),
        Err(ConnectorError::InvalidTransition { .. })
    ));
    assert_eq!(store.get(&c.id).unwrap().unwrap(), c);
    let missing = ConnectionId::new("missing").unwrap();
    assert!(matches!(
        update(&store, &missing, Timestamp(1), 5, |_| event("remove_requested")),
        Err(ConnectorError::NotFound(id)) if id == "missing"
    ));
}

#[test]
fn concurrent_updates_lose_nothing() {
    let store: Arc<dyn ConnectionStore> = Arc::new(InMemoryConnectionStore::default());
    let c = pending();
    let id = c.id.clone();
    store.create(c).unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (store, id, calls) = (store.clone(), id.clone(), calls.clone());
            std::thread::spawn(move || {
                for i in 0..100 {
                    // The event depends on the state read, so a retry must see fresh data.
                    update(store.as_ref(), &id, Timestamp(i), 10_000, |current| {
                        calls.fetch_add(1, Ordering::Relaxed);
                        match current.state {
                            ConnectionState::Pending => submit(ROLE),
                            ConnectionState::Verifying => ConnectionEvent::VerificationSucceeded,
                            ConnectionState::Active => event("refresh_failed_retryable"),
                            _ => ConnectionEvent::RefreshSucceeded,
                        }
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let last = store.get(&id).unwrap().unwrap();
    assert_eq!(last.revision, 800);
    assert!(calls.load(Ordering::Relaxed) >= 800);
    last.validate().unwrap();
}

fn full_record() -> Connection {
    run(
        in_state("active")
            .with_regions(["us-east-1", "eu-west-1"])
            .unwrap()
            .with_permission_set("acme:read-only", "1.2.3"),
        &[event("rotation_started"), event("refresh_failed_retryable")],
    )
}

#[test]
fn every_state_round_trips_through_json() {
    let mut all: Vec<Connection> = STATES.iter().map(|s| in_state(s)).collect();
    all.push(full_record());
    for c in all {
        let json = serde_json::to_string_pretty(&c).unwrap();
        let back: Connection = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c, "{json}");
    }
    let json = serde_json::to_value(in_state("degraded")).unwrap();
    assert_eq!(json["state"]["state"], "degraded");
    assert_eq!(json["state"]["since"], 3);
    assert_eq!(json["role_arn"], ROLE);
    assert_eq!(json["external_id"], "ext-id-123");
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
    assert_eq!(properties.len(), record.as_object().unwrap().len());
    let text = schema.to_string();
    assert!(text.contains("^[A-Za-z0-9_-]{1,64}$"), "{text}");
    for state in STATES {
        assert!(text.contains(&format!("\"{state}\"")), "{state} in {text}");
    }
    let state = serde_json::to_value(schemars::schema_for!(ConnectionState)).unwrap();
    assert!(
        state["oneOf"]
            .as_array()
            .is_some_and(|v| v.len() == STATES.len()),
        "{state}"
    );
    let _ = schemars::schema_for!(Diagnosis);
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
    let debug = format!("{c:?} {:?}", c.state).to_ascii_lowercase();
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
        choices in proptest::collection::vec((0usize..16, 0i64..3), 0..60),
    ) {
        let mut all: Vec<ConnectionEvent> = events().into_iter().map(|(_, e)| e).collect();
        all.push(submit(FOREIGN_ROLE));
        all.push(ConnectionEvent::RotationStarted { next_external_id: "ext-id-123".parse().unwrap() });
        all.push(ConnectionEvent::ReconnectRequested { role_arn: Some(FOREIGN_ROLE.parse().unwrap()) });
        prop_assert_eq!(all.len(), 16);
        let mut c = pending();
        let mut now = 0;
        let mut accepted = 0u64;
        for (i, step) in choices {
            now += step;
            let before = c.clone();
            match c.apply(all[i].clone(), Timestamp(now)) {
                Ok(next) => {
                    prop_assert!(!before.state.is_terminal(), "nothing leaves Removed");
                    accepted += 1;
                    prop_assert!(next.validate().is_ok(), "{:?}", next.validate());
                    prop_assert!(next.state_since <= next.updated_at);
                    prop_assert_eq!(next.updated_at, Timestamp(now));
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
            prop_assert_eq!(c.revision, accepted);
        }
        let back: Connection = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        prop_assert_eq!(back, c);
    }
}
