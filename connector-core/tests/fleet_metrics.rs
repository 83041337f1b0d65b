//! The fleet's metrics reach the `metrics` facade under their documented names and labels:
//! checks by outcome, STS calls and latency, connections per state, due and lag, lease
//! takeovers (a recorder installed for this test binary alone).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may panic"
)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connector_core::testing::InMemorySts;
use connector_core::{Connector, FleetWorker, InMemoryConnectionStore, NewConnection, Shutdown};
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use trust_policy::{CrossAccountTrust, VendorPrincipal};

mod tokio_time;
use tokio_time::{TokioClock, TokioTimer};

/// Every metric's last value (counters summed), by name and sorted labels.
#[derive(Debug, Default, Clone)]
struct Values(Arc<Mutex<BTreeMap<String, f64>>>);

impl Values {
    fn get(&self, key: &str) -> f64 {
        self.0.lock().unwrap().get(key).copied().unwrap_or(0.0)
    }
}

struct Cell {
    values: Values,
    key: String,
}

impl metrics::CounterFn for Cell {
    fn increment(&self, value: u64) {
        *self
            .values
            .0
            .lock()
            .unwrap()
            .entry(self.key.clone())
            .or_default() += value as f64;
    }
    fn absolute(&self, value: u64) {
        self.values
            .0
            .lock()
            .unwrap()
            .insert(self.key.clone(), value as f64);
    }
}

impl metrics::GaugeFn for Cell {
    fn increment(&self, value: f64) {
        *self
            .values
            .0
            .lock()
            .unwrap()
            .entry(self.key.clone())
            .or_default() += value;
    }
    fn decrement(&self, value: f64) {
        *self
            .values
            .0
            .lock()
            .unwrap()
            .entry(self.key.clone())
            .or_default() -= value;
    }
    fn set(&self, value: f64) {
        self.values
            .0
            .lock()
            .unwrap()
            .insert(self.key.clone(), value);
    }
}

impl metrics::HistogramFn for Cell {
    fn record(&self, _: f64) {
        *self
            .values
            .0
            .lock()
            .unwrap()
            .entry(self.key.clone())
            .or_default() += 1.0;
    }
}

struct TestRecorder(Values);

fn name(key: &Key) -> String {
    let mut labels: Vec<String> = key
        .labels()
        .map(|l| format!("{}={}", l.key(), l.value()))
        .collect();
    labels.sort();
    if labels.is_empty() {
        key.name().to_owned()
    } else {
        format!("{}{{{}}}", key.name(), labels.join(","))
    }
}

impl Recorder for TestRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(Arc::new(Cell {
            values: self.0.clone(),
            key: name(key),
        }))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(Arc::new(Cell {
            values: self.0.clone(),
            key: name(key),
        }))
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Cell {
            values: self.0.clone(),
            key: name(key),
        }))
    }
}

#[tokio::test(start_paused = true)]
async fn checks_sts_calls_states_and_lag_are_published() {
    let values = Values::default();
    metrics::set_global_recorder(TestRecorder(values.clone())).unwrap();
    let clock = TokioClock::new();
    let sts = InMemorySts::new(
        Arc::new(clock),
        "arn:aws:sts::999988887777:assumed-role/connector/worker"
            .parse()
            .unwrap(),
    );
    let store = Arc::new(InMemoryConnectionStore::new());
    let vendor = VendorPrincipal::account("999988887777".parse().unwrap());
    let connector = Connector::builder(vendor.clone(), store.clone(), Arc::new(sts.clone()))
        .with_clock(Arc::new(clock))
        .build();
    for n in 0..3 {
        let id = format!("c{n}");
        let pending = connector
            .create(NewConnection::new(id.parse().unwrap()))
            .await
            .unwrap();
        let role: iam_policy::RoleArn = format!("arn:aws:iam::111122223333:role/r{n}")
            .parse()
            .unwrap();
        sts.create_role(
            role.clone(),
            CrossAccountTrust::new(vendor.clone(), pending.external_id().clone())
                .policy()
                .unwrap(),
            Duration::from_secs(3_600),
        )
        .unwrap();
        connector.submit_role(pending.id(), role).await.unwrap();
    }
    sts.delete_role(&"arn:aws:iam::111122223333:role/r2".parse().unwrap())
        .unwrap();
    let worker = FleetWorker::builder(connector, store, Arc::new(TokioTimer))
        .build()
        .unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (w, s) = (worker.clone(), shutdown.clone());
        async move { w.run(s).await }
    });
    tokio::time::sleep(Duration::from_secs(12)).await;
    shutdown.request();
    task.await.unwrap();

    assert_eq!(
        values.get("connector_fleet_checks_total{outcome=healthy}"),
        2.0
    );
    assert_eq!(
        values.get("connector_fleet_checks_total{outcome=refused}"),
        1.0
    );
    assert_eq!(values.get("connector_fleet_check_seconds"), 3.0);
    assert_eq!(
        values.get("connector_fleet_sts_calls_total{operation=AssumeRole,result=ok}"),
        2.0
    );
    assert_eq!(
        values.get("connector_fleet_sts_calls_total{operation=AssumeRole,result=refused}"),
        1.0
    );
    assert_eq!(
        values.get("connector_fleet_sts_latency_seconds{operation=AssumeRole}"),
        3.0
    );
    assert_eq!(values.get("connector_fleet_connections{state=active}"), 2.0);
    assert_eq!(
        values.get("connector_fleet_connections{state=disconnected}"),
        1.0
    );
    assert_eq!(values.get("connector_fleet_due"), 0.0);
    assert_eq!(values.get("connector_fleet_queue_lag_seconds"), 0.0);
    assert_eq!(values.get("connector_fleet_lease_takeovers_total"), 0.0);
    // Nothing but the documented names.
    for key in values.0.lock().unwrap().keys() {
        assert!(key.starts_with("connector_fleet_"), "{key}");
    }
}
