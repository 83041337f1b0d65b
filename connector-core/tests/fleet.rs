//! The fleet: `Connector::check` verdicts (healthy, revoked, no verdict, a probe denied, a
//! customer who fixes the role), state changes published, and the worker on tokio's paused
//! clock (schedule, rate limit, graceful shutdown, takeover of a dead worker's leases, a
//! store that fails).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use connector_core::testing::InMemorySts;
use connector_core::{
    BoxFuture, ChannelSubscriber, CheckObserver, CheckOutcome, CheckQueue, CheckRecord, Claim,
    Clock, Connection, ConnectionId, ConnectionState, ConnectionStore, Connector, ConnectorError,
    DiagnosisCode, FleetSchedule, FleetWorker, InMemoryConnectionStore, Lease, ListQuery,
    NewConnection, Page, Probe, ProbeOutcome, QueueStats, RateLimit, Shutdown,
    TemporaryCredentials, WorkerId,
};
use iam_policy::RoleArn;
use trust_policy::{CrossAccountTrust, VendorPrincipal};

mod tokio_time;
use tokio_time::{TokioClock, TokioTimer};

const VENDOR: &str = "999988887777";

fn vendor() -> VendorPrincipal {
    VendorPrincipal::account(VENDOR.parse().unwrap())
}

struct World {
    sts: InMemorySts,
    store: Arc<InMemoryConnectionStore>,
    connector: Connector,
    changes: std::sync::mpsc::Receiver<connector_core::StateChange>,
}

fn world() -> World {
    let clock = TokioClock::new();
    let sts = InMemorySts::with_seed(
        Arc::new(clock),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
        11,
    );
    let store = Arc::new(InMemoryConnectionStore::new());
    let (subscriber, changes) = ChannelSubscriber::bounded(100_000);
    let connector = Connector::builder(vendor(), store.clone(), Arc::new(sts.clone()))
        .with_clock(Arc::new(clock))
        .with_subscriber(Arc::new(subscriber))
        .build();
    World {
        sts,
        store,
        connector,
        changes,
    }
}

fn role(n: usize) -> RoleArn {
    format!("arn:aws:iam::111122223333:role/vendor-{n}")
        .parse()
        .unwrap()
}

/// `count` active connections `c-0000…`, each with its role.
async fn active(world: &World, count: usize) -> Vec<ConnectionId> {
    let mut ids = Vec::new();
    for n in 0..count {
        let id: ConnectionId = format!("c-{n:04}").parse().unwrap();
        let pending = world
            .connector
            .create(NewConnection::new(id.clone()))
            .await
            .unwrap();
        world
            .sts
            .create_role(
                role(n),
                CrossAccountTrust::new(vendor(), pending.external_id().clone())
                    .policy()
                    .unwrap(),
                Duration::from_secs(3_600),
            )
            .unwrap();
        let submitted = world.connector.submit_role(&id, role(n)).await.unwrap();
        assert_eq!(submitted.connection().state(), ConnectionState::Active);
        ids.push(id);
    }
    while world.changes.try_recv().is_ok() {}
    ids
}

#[derive(Debug)]
struct FixedProbe(ProbeOutcome);

impl Probe for FixedProbe {
    fn probe<'a>(
        &'a self,
        _: &'a Connection,
        _: &'a TemporaryCredentials,
    ) -> BoxFuture<'a, ProbeOutcome> {
        Box::pin(std::future::ready(self.0.clone()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_healthy_check_writes_nothing_and_a_revoked_role_disconnects_with_an_event() {
    let world = world();
    let ids = active(&world, 1).await;
    let before = world.store.get(&ids[0]).await.unwrap().unwrap();
    let check = world.connector.check(&ids[0], None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    let after = world.store.get(&ids[0]).await.unwrap().unwrap();
    assert_eq!(after.revision(), before.revision(), "a healthy check wrote");
    assert!(world.changes.try_recv().is_err());

    world.sts.delete_role(&role(0)).unwrap();
    let check = world.connector.check(&ids[0], None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Refused);
    assert!(check.changed_state());
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
    let change = world.changes.try_recv().unwrap();
    assert_eq!(
        (change.id(), change.from(), change.to()),
        (
            &ids[0],
            ConnectionState::Active,
            ConnectionState::Disconnected
        )
    );
    assert_eq!(
        change.diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::AccessDenied)
    );
    // Checked again while still revoked: nothing written, no event.
    let revision = check.connection().revision();
    let again = world.connector.check(&ids[0], None).await.unwrap();
    assert_eq!(again.outcome(), CheckOutcome::Refused);
    assert_eq!(again.connection().revision(), revision);
    assert!(world.changes.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn a_throttled_check_is_no_verdict_and_changes_nothing() {
    let world = world();
    let ids = active(&world, 1).await;
    let before = world.store.get(&ids[0]).await.unwrap().unwrap();
    world.sts.throttle_next(1);
    let check = world.connector.check(&ids[0], None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Inconclusive);
    assert_eq!(
        check.diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::Throttled)
    );
    let after = world.store.get(&ids[0]).await.unwrap().unwrap();
    assert_eq!(after, before, "a check with no verdict changed the record");
    assert!(world.changes.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn a_denied_probe_degrades_and_an_inconclusive_probe_changes_nothing() {
    let world = world();
    let ids = active(&world, 1).await;
    let unsure = FixedProbe(ProbeOutcome::Inconclusive {
        message: "timed out".into(),
    });
    let check = world.connector.check(&ids[0], Some(&unsure)).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Inconclusive);
    assert_eq!(check.connection().state(), ConnectionState::Active);

    let denied = FixedProbe(ProbeOutcome::Denied {
        message: "s3:ListBucket denied".into(),
    });
    let check = world.connector.check(&ids[0], Some(&denied)).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Failed);
    assert_eq!(check.connection().state(), ConnectionState::Degraded);
    assert_eq!(
        check.connection().last_diagnosis().map(|d| d.code()),
        Some(DiagnosisCode::ProbeDenied)
    );
    // The customer restores the policy: back to active.
    let passed = FixedProbe(ProbeOutcome::Passed);
    let check = world.connector.check(&ids[0], Some(&passed)).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    assert_eq!(check.connection().state(), ConnectionState::Active);
}

#[tokio::test(start_paused = true)]
async fn a_customer_who_fixes_the_role_reconnects_but_a_vendor_disconnect_stays() {
    let world = world();
    let ids = active(&world, 2).await;
    let external_id = world
        .store
        .get(&ids[0])
        .await
        .unwrap()
        .unwrap()
        .external_id()
        .clone();
    world.sts.delete_role(&role(0)).unwrap();
    assert_eq!(
        world
            .connector
            .check(&ids[0], None)
            .await
            .unwrap()
            .outcome(),
        CheckOutcome::Refused
    );
    // The customer recreates the stack.
    world
        .sts
        .create_role(
            role(0),
            CrossAccountTrust::new(vendor(), external_id)
                .policy()
                .unwrap(),
            Duration::from_secs(3_600),
        )
        .unwrap();
    while world.changes.try_recv().is_ok() {}
    let check = world.connector.check(&ids[0], None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::Healthy);
    assert_eq!(check.connection().state(), ConnectionState::Active);
    // The events of the reconnect say no reason: the old diagnosis stays on the record as
    // history, not as why the connection is verifying or active again.
    let changes: Vec<_> = std::iter::from_fn(|| world.changes.try_recv().ok()).collect();
    let moves: Vec<_> = changes.iter().map(|c| (c.from(), c.to())).collect();
    assert_eq!(
        moves,
        [
            (ConnectionState::Disconnected, ConnectionState::Verifying),
            (ConnectionState::Verifying, ConnectionState::Active)
        ]
    );
    assert!(
        changes.iter().all(|c| c.diagnosis().is_none()),
        "{changes:?}"
    );
    assert!(
        check.connection().last_diagnosis().is_some(),
        "history kept"
    );

    // The vendor disconnects the other: a check never undoes it, and makes no STS call.
    world.connector.disconnect(&ids[1]).await.unwrap();
    let calls = world.sts.calls().total();
    let check = world.connector.check(&ids[1], None).await.unwrap();
    assert_eq!(check.outcome(), CheckOutcome::NotChecked);
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
    assert_eq!(world.sts.calls().total(), calls);
}

/// Records every finished check.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<CheckRecord>>);

impl CheckObserver for Recorder {
    fn observe(&self, record: &CheckRecord) {
        self.0.lock().unwrap().push(record.clone());
    }
}

fn worker(world: &World, name: &str, interval: Duration, rate: f64) -> FleetWorker {
    FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id(name.parse().unwrap())
    .with_schedule(FleetSchedule::default().with_interval(interval).unwrap())
    .with_rate(RateLimit::new(rate).unwrap())
    .with_lease(Duration::from_secs(20))
    .build()
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn two_workers_check_every_connection_once_per_interval_under_the_rate() {
    let world = world();
    let ids = active(&world, 200).await;
    let recorder = Arc::new(Recorder::default());
    let interval = Duration::from_secs(60);
    let shutdown = Shutdown::new();
    let mut tasks = Vec::new();
    for name in ["w1", "w2"] {
        let w = FleetWorker::builder(
            world.connector.clone(),
            world.store.clone(),
            Arc::new(TokioTimer),
        )
        .with_worker_id(name.parse().unwrap())
        .with_schedule(FleetSchedule::default().with_interval(interval).unwrap())
        .with_rate(RateLimit::new(20.0).unwrap())
        .with_observer(recorder.clone())
        .build()
        .unwrap();
        let s = shutdown.clone();
        tasks.push(tokio::spawn(async move { w.run(s).await }));
    }
    let start = tokio::time::Instant::now();
    world.sts.reset_counters();
    tokio::time::sleep(interval * 4).await;
    shutdown.request();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = start.elapsed();
    let records = recorder.0.lock().unwrap().clone();
    let mut by_id: HashMap<ConnectionId, Vec<SystemTime>> = HashMap::new();
    for record in &records {
        assert_eq!(record.outcome, Some(CheckOutcome::Healthy));
        by_id
            .entry(record.id.clone())
            .or_default()
            .push(record.started);
    }
    assert_eq!(
        by_id.len(),
        ids.len(),
        "some connections were never checked"
    );
    for (id, mut times) in by_id {
        times.sort();
        // The first check comes at once (new connections are due), then once per interval.
        assert!(
            times.len() >= 4 && times.len() <= 5,
            "{id}: {} checks in 4 intervals",
            times.len()
        );
        for pair in times.windows(2).skip(1) {
            let gap = pair[1].duration_since(pair[0]).unwrap();
            assert!(
                gap >= interval - Duration::from_secs(2)
                    && gap <= interval + Duration::from_secs(10),
                "{id}: checks {gap:?} apart"
            );
        }
    }
    // Two workers at 20 calls/s each: never above 40/s on average over the run, plus bursts.
    let calls = world.sts.calls().total() as f64;
    assert!(
        calls <= 40.0 * elapsed.as_secs_f64() + 40.0,
        "{calls} STS calls in {elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_revocation_is_noticed_within_an_interval_and_check_now_at_once() {
    let world = world();
    let ids = active(&world, 50).await;
    let interval = Duration::from_secs(60);
    let w = worker(&world, "w1", interval, 50.0);
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (w, s) = (w.clone(), shutdown.clone());
        async move { w.run(s).await }
    });
    tokio::time::sleep(interval * 2).await;
    while world.changes.try_recv().is_ok() {}
    world.sts.delete_role(&role(7)).unwrap();
    let revoked_at = tokio::time::Instant::now();
    let change = loop {
        if let Ok(change) = world.changes.try_recv() {
            break change;
        }
        assert!(
            revoked_at.elapsed() <= interval + Duration::from_secs(10),
            "not noticed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        (change.id(), change.to()),
        (&ids[7], ConnectionState::Disconnected)
    );

    // check_now: at once, without waiting for the schedule.
    world.sts.delete_role(&role(8)).unwrap();
    let started = tokio::time::Instant::now();
    let check = w.check_now(&ids[8]).await.unwrap();
    assert_eq!(check.connection().state(), ConnectionState::Disconnected);
    assert!(started.elapsed() < Duration::from_secs(1));
    shutdown.request();
    task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_dead_workers_connections_are_taken_over_within_a_lease_and_shutdown_gives_leases_back() {
    let world = world();
    let ids = active(&world, 30).await;
    // Every check is slow: a worker holds its leases for a while.
    let recorder = Arc::new(Recorder::default());
    let slow = FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id("doomed".parse().unwrap())
    .with_lease(Duration::from_secs(20))
    .with_probe(Arc::new(SleepyProbe(Duration::from_secs(3_600))))
    .build()
    .unwrap();
    let doomed = tokio::spawn({
        let slow = slow.clone();
        async move { slow.run(Shutdown::new()).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let held = world.store.queue_stats(now()).await.unwrap().leased();
    assert_eq!(held, 30, "the slow worker should hold every connection");
    doomed.abort(); // a crash: nothing given back
    let _ = doomed.await;
    let survivor = FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id("survivor".parse().unwrap())
    .with_lease(Duration::from_secs(20))
    .with_observer(recorder.clone())
    .build()
    .unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (s, sd) = (survivor.clone(), shutdown.clone());
        async move { s.run(sd).await }
    });
    tokio::time::sleep(Duration::from_secs(25)).await;
    let records = recorder.0.lock().unwrap().clone();
    let taken: std::collections::HashSet<_> = records
        .iter()
        .filter(|r| r.taken_over)
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(
        taken.len(),
        ids.len(),
        "within one lease every connection was taken over"
    );
    assert!(survivor.status().takeovers >= 30);
    shutdown.request();
    task.await.unwrap();

    // A graceful shutdown cut short gives its leases back: due as before, claimable at once.
    let slow = FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id("graceful".parse().unwrap())
    .with_probe(Arc::new(SleepyProbe(Duration::from_secs(3_600))))
    .with_shutdown_grace(Duration::from_secs(2))
    .build()
    .unwrap();
    for id in &ids {
        world.store.request_check(id, now()).await.unwrap();
    }
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (s, sd) = (slow.clone(), shutdown.clone());
        async move { s.run(sd).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(world.store.queue_stats(now()).await.unwrap().leased() > 0);
    shutdown.request();
    task.await.unwrap();
    let stats = world.store.queue_stats(now()).await.unwrap();
    assert_eq!(
        stats.leased(),
        0,
        "leases left behind after a graceful shutdown"
    );
    assert_eq!(stats.due(), 30);
}

fn now() -> SystemTime {
    TokioClock::new().now()
}

/// A probe that takes its time.
#[derive(Debug)]
struct SleepyProbe(Duration);

impl Probe for SleepyProbe {
    fn probe<'a>(
        &'a self,
        _: &'a Connection,
        _: &'a TemporaryCredentials,
    ) -> BoxFuture<'a, ProbeOutcome> {
        let d = self.0;
        Box::pin(async move {
            tokio::time::sleep(d).await;
            ProbeOutcome::Passed
        })
    }
}

/// A store whose schedule operations fail (the database is down); records still work.
#[derive(Debug, Default)]
struct Unreachable(InMemoryConnectionStore);

impl ConnectionStore for Unreachable {
    fn create<'a>(&'a self, c: &'a Connection) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.0.create(c)
    }
    fn get<'a>(
        &'a self,
        id: &'a ConnectionId,
    ) -> BoxFuture<'a, Result<Option<Connection>, ConnectorError>> {
        self.0.get(id)
    }
    fn compare_and_swap<'a>(
        &'a self,
        expected: u64,
        new: &'a Connection,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        self.0.compare_and_swap(expected, new)
    }
    fn delete<'a>(&'a self, id: &'a ConnectionId) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        self.0.delete(id)
    }
    fn list<'a>(&'a self, q: &'a ListQuery) -> BoxFuture<'a, Result<Page, ConnectorError>> {
        self.0.list(q)
    }
}

fn down<T: Send + 'static>() -> BoxFuture<'static, Result<T, ConnectorError>> {
    Box::pin(std::future::ready(Err(ConnectorError::StoreUnavailable {
        message: "connection refused".into(),
    })))
}

impl CheckQueue for Unreachable {
    fn claim_due<'a>(
        &'a self,
        _: &'a WorkerId,
        _: SystemTime,
        _: Duration,
        _: usize,
    ) -> BoxFuture<'a, Result<Vec<Claim>, ConnectorError>> {
        down()
    }
    fn finish<'a>(
        &'a self,
        _: &'a Lease,
        _: Option<SystemTime>,
    ) -> BoxFuture<'a, Result<(), ConnectorError>> {
        down()
    }
    fn request_check<'a>(
        &'a self,
        _: &'a ConnectionId,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<bool, ConnectorError>> {
        down()
    }
    fn queue_stats<'a>(
        &'a self,
        _: SystemTime,
    ) -> BoxFuture<'a, Result<QueueStats, ConnectorError>> {
        down()
    }
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_store_is_counted_and_backed_off_never_a_panic() {
    let store = Arc::new(Unreachable::default());
    let clock = TokioClock::new();
    let sts = InMemorySts::new(
        Arc::new(clock),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(vendor(), store.clone(), Arc::new(sts))
        .with_clock(Arc::new(clock))
        .build();
    let w = FleetWorker::builder(connector, store, Arc::new(TokioTimer))
        .with_lease(Duration::from_secs(60))
        .build()
        .unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (w, s) = (w.clone(), shutdown.clone());
        async move { w.run(s).await }
    });
    tokio::time::sleep(Duration::from_secs(120)).await;
    shutdown.request();
    task.await.unwrap();
    let status = w.status();
    assert!(status.store_errors > 0);
    assert!(
        status
            .last_error
            .as_deref()
            .unwrap()
            .contains("unavailable")
    );
    // Backed off: claims every 1, 2, 4 … up to 30 seconds, plus statistics every 5 seconds;
    // far fewer than one a second.
    assert!(
        status.store_errors < 60,
        "{} store errors in 120 s",
        status.store_errors
    );
    assert_eq!(status.checked(), 0);
}

#[test]
fn a_worker_refuses_a_queue_that_is_not_the_connectors_store() {
    let sts = InMemorySts::new(
        Arc::new(connector_core::SystemClock),
        format!("arn:aws:sts::{VENDOR}:assumed-role/connector/worker")
            .parse()
            .unwrap(),
    );
    let connector = Connector::builder(
        vendor(),
        Arc::new(InMemoryConnectionStore::new()),
        Arc::new(sts),
    )
    .build();
    let other = Arc::new(InMemoryConnectionStore::new());
    let err = FleetWorker::builder(connector, other, Arc::new(TokioTimer))
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConnectorError::InvalidValue { field: "queue", .. }
    ));
}

#[tokio::test(start_paused = true)]
async fn throttled_checks_back_off_and_come_back_spread_not_in_a_storm() {
    let world = world();
    let ids = active(&world, 40).await;
    let recorder = Arc::new(Recorder::default());
    let w = FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id("w1".parse().unwrap())
    .with_rate(RateLimit::new(100.0).unwrap())
    .with_observer(recorder.clone())
    .build()
    .unwrap();
    // STS throttles the first 20 calls.
    world.sts.throttle_next(20);
    world.sts.reset_counters();
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (w, s) = (w.clone(), shutdown.clone());
        async move { w.run(s).await }
    });
    tokio::time::sleep(Duration::from_secs(50)).await;
    let records = recorder.0.lock().unwrap().clone();
    let throttled: Vec<&CheckRecord> = records
        .iter()
        .filter(|r| r.outcome == Some(CheckOutcome::Inconclusive))
        .collect();
    assert_eq!(throttled.len(), 20);
    assert_eq!(records.len(), ids.len(), "no retry within 50 s");
    // The bucket halved its rate after throttling (and is still climbing back).
    let key = (VENDOR.parse().unwrap(), None);
    assert!(w.limiter().current_rate(&key) < 100.0);
    tokio::time::sleep(Duration::from_secs(60)).await;
    shutdown.request();
    task.await.unwrap();
    let records = recorder.0.lock().unwrap().clone();
    let retries: Vec<SystemTime> = records
        .iter()
        .skip(40)
        .filter(|r| r.outcome == Some(CheckOutcome::Healthy))
        .map(|r| r.started)
        .collect();
    assert_eq!(retries.len(), 20, "every throttled check came back");
    // Spread over 30 seconds, not one burst: no second holds more than a few.
    let mut per_second: HashMap<u64, usize> = HashMap::new();
    for t in &retries {
        let s = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        *per_second.entry(s).or_default() += 1;
    }
    assert!(
        per_second.len() >= 8,
        "retries in {} distinct seconds",
        per_second.len()
    );
    // Nothing was written by a throttled check.
    for id in &ids {
        let c = world.store.get(id).await.unwrap().unwrap();
        assert_eq!(c.state(), ConnectionState::Active);
    }
}

#[tokio::test(start_paused = true)]
async fn a_hung_check_is_cut_short_as_no_verdict_before_its_lease_expires() {
    let world = world();
    let ids = active(&world, 3).await;
    let recorder = Arc::new(Recorder::default());
    let hung = FleetWorker::builder(
        world.connector.clone(),
        world.store.clone(),
        Arc::new(TokioTimer),
    )
    .with_worker_id("hung".parse().unwrap())
    .with_lease(Duration::from_secs(20))
    .with_probe(Arc::new(SleepyProbe(Duration::from_secs(3_600))))
    .with_observer(recorder.clone())
    .build()
    .unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn({
        let (w, s) = (hung.clone(), shutdown.clone());
        async move { w.run(s).await }
    });
    tokio::time::sleep(Duration::from_secs(15)).await;
    shutdown.request();
    task.await.unwrap();
    let records = recorder.0.lock().unwrap().clone();
    assert_eq!(records.len(), ids.len());
    for record in &records {
        assert_eq!(record.outcome, Some(CheckOutcome::Inconclusive));
        assert!(record.lease_kept, "the lease expired under a running check");
        let took = record.finished.duration_since(record.started).unwrap();
        assert!(
            took >= Duration::from_secs(10) && took < Duration::from_secs(11),
            "{took:?}"
        );
    }
    assert_eq!(hung.status().leases_lost, 0);
    for id in &ids {
        assert_eq!(
            world.store.get(id).await.unwrap().unwrap().state(),
            ConnectionState::Active
        );
    }
}
