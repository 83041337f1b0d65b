//! The contract every [`CheckQueue`] keeps (the health-check schedule beside a store's
//! records), as one suite: run it on the in-memory store here and on each durable store in
//! its own tests.
//!
//! Checks, in order:
//! - `schedule_follows_writes`: a pending record is not on the schedule; once a write makes
//!   it health-checked it is due at its update time; a vendor disconnect takes it off;
//! - `claim_order_and_limit`: claims take due connections earliest first, at most the limit,
//!   never one that is not due yet;
//! - `claims_are_exclusive`: workers claiming at the same moment (in parallel with a
//!   spawner) never get the same connection, and together get every due one;
//! - `finish_reschedules`: a finished connection is not due again before its next due time,
//!   and is after; `None` takes it off the schedule;
//! - `expired_lease_taken_over`: once a lease expires another worker claims the connection
//!   (reported as a takeover), and the first worker's `finish` is `LeaseLost`;
//! - `finish_keeps_unscheduled_out`: a connection removed while leased does not come back
//!   when its lease is finished;
//! - `request_check`: brings a due time forward (never back); false for a connection not on
//!   the schedule;
//! - `queue_stats`: due, leased, oldest due and state counts as seen at a time.
//!
//! The suite's records are stamped in 2001 and its clock stands then, so a store holding
//! other (later) records can run it; ids start with the fixture's prefix. Run one queue
//! suite at a time per store.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::store::{JoinAll, Spawner};
use super::{ContractReport, ContractViolation, violation};
use crate::{
    BoxFuture, CheckQueue, Claim, Connection, ConnectionEvent, ConnectionId, ConnectionState,
    ConnectorError, Timestamp, WorkerId, from_unix_millis,
};

/// The suite's time: 2001-09-09, before any real record.
const T0: i64 = 1_000_000_000;

fn at(seconds_after: i64) -> SystemTime {
    from_unix_millis((T0 + seconds_after) * 1_000)
}

/// What the queue suite runs against.
///
/// ```
/// use std::sync::Arc;
/// use connector_core::InMemoryConnectionStore;
/// use connector_core::testing::behaviour::{QueueFixture, queue_contract};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let fixture = QueueFixture::new(Arc::new(InMemoryConnectionStore::new()));
/// let report = tokio::runtime::Builder::new_current_thread().build()?.block_on(queue_contract(&fixture))?;
/// assert!(report.checks.contains(&"claims_are_exclusive"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct QueueFixture {
    /// The store.
    pub store: Arc<dyn CheckQueue>,
    /// Runs the competing workers in parallel; without one they interleave on one task.
    pub spawner: Option<Spawner>,
    /// The prefix of every id the suite creates (1 to 20 letters, digits, `-`, `_`).
    pub prefix: String,
}

impl std::fmt::Debug for QueueFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueFixture")
            .field("store", &self.store)
            .field("spawner", &self.spawner.is_some())
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl QueueFixture {
    /// A fixture for `store`, ids prefixed `queue`.
    pub fn new(store: Arc<dyn CheckQueue>) -> QueueFixture {
        QueueFixture {
            store,
            spawner: None,
            prefix: "queue".to_owned(),
        }
    }

    /// Runs the competing workers with `spawner`.
    pub fn with_spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Another id prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn id(&self, check: &'static str, name: &str) -> Result<ConnectionId, ContractViolation> {
        ConnectionId::new(&format!("{}-{name}", self.prefix)).map_err(|e| violation(check, e))
    }
}

#[derive(Debug, Clone, Copy)]
struct Step(&'static str);

impl Step {
    fn ok<T>(self, result: Result<T, ConnectorError>) -> Result<T, ContractViolation> {
        result.map_err(|e| violation(self.0, format_args!("the store failed: {e}")))
    }

    fn worker(self, name: &str) -> Result<WorkerId, ContractViolation> {
        self.ok(WorkerId::new(name))
    }

    fn expect(self, holds: bool, detail: impl std::fmt::Display) -> Result<(), ContractViolation> {
        if holds {
            Ok(())
        } else {
            Err(violation(self.0, detail))
        }
    }
}

fn external_id() -> Result<trust_policy::ExternalId, ConnectorError> {
    Ok("queue-external-id".parse()?)
}

/// A connection created pending at `T0 + seconds` and moved to `Verifying` (health-checked,
/// due at its update time) in the store. Returns the stored record.
async fn scheduled(
    fixture: &QueueFixture,
    check: &'static str,
    name: &str,
    seconds: i64,
) -> Result<Connection, ContractViolation> {
    let step = Step(check);
    let stamp = Timestamp(T0 + seconds);
    let pending =
        step.ok(
            Connection::builder(fixture.id(check, name)?, step.ok(external_id())?).build(stamp),
        )?;
    step.ok(fixture.store.create(&pending).await)?;
    let verifying = step.ok(pending.apply(
        ConnectionEvent::RoleSubmitted {
            role_arn: step.ok("arn:aws:iam::111122223333:role/queue"
                .parse()
                .map_err(ConnectorError::from))?,
        },
        stamp,
    ))?;
    step.ok(fixture.store.compare_and_swap(0, &verifying).await)?;
    Ok(verifying)
}

/// The ids among `claims` that belong to this fixture's check `name` prefix.
fn ids(claims: &[Claim]) -> Vec<String> {
    claims.iter().map(|c| c.id().to_string()).collect()
}

/// Finishes every claim with `next` (returns them to the schedule).
async fn finish_all(
    store: &dyn CheckQueue,
    step: Step,
    claims: &[Claim],
    next: Option<SystemTime>,
) -> Result<(), ContractViolation> {
    for claim in claims {
        step.ok(store.finish(claim.lease(), next).await)?;
    }
    Ok(())
}

/// Runs the contract against the fixture's store. Returns the checks that passed, or the
/// first violation.
pub async fn queue_contract(fixture: &QueueFixture) -> Result<ContractReport, ContractViolation> {
    let mut report = ContractReport {
        checks: Vec::new(),
        skipped: Vec::new(),
    };
    schedule_follows_writes(fixture).await?;
    report.checks.push("schedule_follows_writes");
    claim_order_and_limit(fixture).await?;
    report.checks.push("claim_order_and_limit");
    claims_are_exclusive(fixture).await?;
    report.checks.push("claims_are_exclusive");
    finish_reschedules(fixture).await?;
    report.checks.push("finish_reschedules");
    expired_lease_taken_over(fixture).await?;
    report.checks.push("expired_lease_taken_over");
    finish_keeps_unscheduled_out(fixture).await?;
    report.checks.push("finish_keeps_unscheduled_out");
    request_check(fixture).await?;
    report.checks.push("request_check");
    queue_stats(fixture).await?;
    report.checks.push("queue_stats");
    Ok(report)
}

/// What one competing worker claimed, or why it failed.
type WorkerClaims = Result<Vec<Claim>, String>;

const LEASE: Duration = Duration::from_secs(60);

async fn schedule_follows_writes(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "schedule_follows_writes";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    let pending = step.ok(Connection::builder(
        fixture.id(CHECK, "pending")?,
        step.ok(external_id())?,
    )
    .build(Timestamp(T0)))?;
    step.ok(store.create(&pending).await)?;
    let claims = step.ok(store.claim_due(&worker, at(10), LEASE, 1_000).await)?;
    step.expect(
        claims.is_empty(),
        format_args!("a pending connection was claimed: {:?}", ids(&claims)),
    )?;
    let verifying = scheduled(fixture, CHECK, "verifying", 5).await?;
    // Not before its update time.
    let early = step.ok(store.claim_due(&worker, at(4), LEASE, 1_000).await)?;
    step.expect(
        early.is_empty(),
        format_args!("claimed before it was due: {:?}", ids(&early)),
    )?;
    let claims = step.ok(store.claim_due(&worker, at(5), LEASE, 1_000).await)?;
    step.expect(
        ids(&claims) == [verifying.id().to_string()],
        format_args!(
            "a verifying connection updated at T0+5 was not due at T0+5: got {:?}",
            ids(&claims)
        ),
    )?;
    step.expect(
        claims.iter().all(|c| c.due() == at(5) && !c.taken_over()),
        "the claim reports another due time, or a takeover of a free connection",
    )?;
    finish_all(store, step, &claims, Some(at(6))).await?;
    // A vendor disconnect takes it off the schedule.
    let disconnected =
        step.ok(verifying.apply(ConnectionEvent::DisconnectRequested, Timestamp(T0 + 6)))?;
    step.ok(store.compare_and_swap(1, &disconnected).await)?;
    let after = step.ok(store.claim_due(&worker, at(1_000), LEASE, 1_000).await)?;
    step.expect(
        after.is_empty(),
        format_args!(
            "a connection the vendor disconnected is still claimed: {:?}",
            ids(&after)
        ),
    )?;
    for id in [pending.id(), disconnected.id()] {
        step.ok(store.delete(id).await)?;
    }
    Ok(())
}

async fn claim_order_and_limit(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "claim_order_and_limit";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    // Created out of order: due at T0+30, +10, +20, +40.
    let mut created = Vec::new();
    for (name, seconds) in [("c", 30), ("a", 10), ("b", 20), ("d", 40)] {
        created.push(scheduled(fixture, CHECK, &format!("order-{name}"), seconds).await?);
    }
    let first = step.ok(store.claim_due(&worker, at(35), LEASE, 2).await)?;
    let expected = [fixture.id(CHECK, "order-a")?, fixture.id(CHECK, "order-b")?];
    step.expect(
        ids(&first) == expected.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        format_args!(
            "a claim of 2 at T0+35 should take a (due +10) and b (+20), got {:?}",
            ids(&first)
        ),
    )?;
    let rest = step.ok(store.claim_due(&worker, at(35), LEASE, 10).await)?;
    step.expect(
        ids(&rest) == [fixture.id(CHECK, "order-c")?.to_string()],
        format_args!(
            "the next claim at T0+35 should take only c (d is due at +40), got {:?}",
            ids(&rest)
        ),
    )?;
    finish_all(store, step, &first, None).await?;
    finish_all(store, step, &rest, None).await?;
    for connection in &created {
        step.ok(store.delete(connection.id()).await)?;
    }
    Ok(())
}

async fn claims_are_exclusive(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "claims_are_exclusive";
    const COUNT: usize = 60;
    const WORKERS: usize = 4;
    let step = Step(CHECK);
    let mut created = Vec::new();
    for i in 0..COUNT {
        created.push(scheduled(fixture, CHECK, &format!("exclusive-{i:03}"), 1).await?);
    }
    let results: Arc<std::sync::Mutex<Vec<WorkerClaims>>> = Arc::default();
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let (store, results) = (Arc::clone(&fixture.store), Arc::clone(&results));
        let worker = step.worker(&format!("contract-{w}"))?;
        let task: BoxFuture<'static, ()> = Box::pin(async move {
            let mut mine = Vec::new();
            let outcome = loop {
                match store.claim_due(&worker, at(2), LEASE, 7).await {
                    Ok(claims) if claims.is_empty() => break Ok(mine),
                    Ok(claims) => mine.extend(claims),
                    Err(e) => break Err(e.to_string()),
                }
            };
            results
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(outcome);
        });
        tasks.push(match &fixture.spawner {
            Some(spawn) => spawn(task),
            None => task,
        });
    }
    JoinAll(tasks.into_iter().map(Some).collect()).await;
    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    let mut all: Vec<Claim> = Vec::new();
    for result in results {
        all.extend(result.map_err(|e| violation(CHECK, e))?);
    }
    let mut seen: Vec<String> = ids(&all);
    seen.sort();
    let before = seen.len();
    seen.dedup();
    step.expect(
        before == seen.len(),
        format_args!(
            "{} connections were claimed by two workers at once",
            before - seen.len()
        ),
    )?;
    step.expect(
        seen.len() == COUNT,
        format_args!(
            "{WORKERS} workers claimed {} of {COUNT} due connections",
            seen.len()
        ),
    )?;
    finish_all(fixture.store.as_ref(), step, &all, None).await?;
    for connection in &created {
        step.ok(fixture.store.delete(connection.id()).await)?;
    }
    Ok(())
}

async fn finish_reschedules(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "finish_reschedules";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    let connection = scheduled(fixture, CHECK, "reschedule", 1).await?;
    let claims = step.ok(store.claim_due(&worker, at(1), LEASE, 10).await)?;
    step.expect(claims.len() == 1, "the due connection was not claimed")?;
    finish_all(store, step, &claims, Some(at(301))).await?;
    let early = step.ok(store.claim_due(&worker, at(300), LEASE, 10).await)?;
    step.expect(
        early.is_empty(),
        "claimed again before the next due time it was finished with",
    )?;
    let again = step.ok(store.claim_due(&worker, at(301), LEASE, 10).await)?;
    step.expect(
        again.len() == 1 && again.iter().all(|c| c.due() == at(301)),
        "not due again at the next due time it was finished with",
    )?;
    finish_all(store, step, &again, None).await?;
    let gone = step.ok(store.claim_due(&worker, at(100_000), LEASE, 10).await)?;
    step.expect(
        gone.is_empty(),
        "finished with no next due time, it was claimed again",
    )?;
    step.ok(store.delete(connection.id()).await)?;
    Ok(())
}

async fn expired_lease_taken_over(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "expired_lease_taken_over";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let (first, second) = (step.worker("contract-a")?, step.worker("contract-b")?);
    let connection = scheduled(fixture, CHECK, "takeover", 1).await?;
    let held = step.ok(store.claim_due(&first, at(1), LEASE, 10).await)?;
    step.expect(held.len() == 1, "the due connection was not claimed")?;
    let during = step.ok(store.claim_due(&second, at(60), LEASE, 10).await)?;
    step.expect(
        during.is_empty(),
        "another worker claimed a connection while its lease was live",
    )?;
    let taken = step.ok(store.claim_due(&second, at(61), LEASE, 10).await)?;
    step.expect(
        taken.len() == 1 && taken.iter().all(Claim::taken_over),
        "once the lease expired, another worker did not take the connection over (or the claim did not say it was a takeover)",
    )?;
    for claim in &held {
        match store.finish(claim.lease(), Some(at(500))).await {
            Err(ConnectorError::LeaseLost { .. }) => {}
            other => {
                return Err(violation(
                    CHECK,
                    format_args!(
                        "finishing a lease another worker took over should be LeaseLost, got {other:?}"
                    ),
                ));
            }
        }
    }
    finish_all(store, step, &taken, None).await?;
    step.ok(store.delete(connection.id()).await)?;
    Ok(())
}

async fn finish_keeps_unscheduled_out(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "finish_keeps_unscheduled_out";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    let connection = scheduled(fixture, CHECK, "removed", 1).await?;
    let claims = step.ok(store.claim_due(&worker, at(1), LEASE, 10).await)?;
    step.expect(claims.len() == 1, "the due connection was not claimed")?;
    let removed = step.ok(connection.apply(ConnectionEvent::RemoveRequested, Timestamp(T0 + 2)))?;
    step.ok(store.compare_and_swap(1, &removed).await)?;
    finish_all(store, step, &claims, Some(at(3))).await?;
    let after = step.ok(store.claim_due(&worker, at(100_000), LEASE, 10).await)?;
    step.expect(
        after.is_empty(),
        "a connection removed while leased came back on the schedule when its lease was finished",
    )?;
    step.ok(store.delete(connection.id()).await)?;
    // Finishing a lease of a deleted connection is NotFound.
    for claim in &claims {
        match store.finish(claim.lease(), Some(at(3))).await {
            Err(ConnectorError::NotFound(_)) => {}
            other => {
                return Err(violation(
                    CHECK,
                    format_args!("finishing a lease of a deleted connection: {other:?}"),
                ));
            }
        }
    }
    Ok(())
}

async fn request_check(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "request_check";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    let connection = scheduled(fixture, CHECK, "request", 1).await?;
    let claims = step.ok(store.claim_due(&worker, at(1), LEASE, 10).await)?;
    finish_all(store, step, &claims, Some(at(10_000))).await?;
    let requested = step.ok(store.request_check(connection.id(), at(100)).await)?;
    step.expect(requested, "a scheduled connection was not on the schedule")?;
    // A later request never pushes it back.
    step.ok(store.request_check(connection.id(), at(5_000)).await)?;
    let due = step.ok(store.claim_due(&worker, at(100), LEASE, 10).await)?;
    step.expect(
        due.len() == 1 && due.iter().all(|c| c.due() == at(100)),
        format_args!(
            "after request_check(T0+100) and then (T0+5000) it should be due at T0+100, got {:?}",
            due.iter().map(Claim::due).collect::<Vec<_>>()
        ),
    )?;
    finish_all(store, step, &due, None).await?;
    let off = step.ok(store.request_check(connection.id(), at(100)).await)?;
    step.expect(
        !off,
        "request_check put a connection back that had left the schedule",
    )?;
    let missing = fixture.id(CHECK, "missing")?;
    let none = step.ok(store.request_check(&missing, at(100)).await)?;
    step.expect(!none, "request_check of a missing connection said true")?;
    step.ok(store.delete(connection.id()).await)?;
    Ok(())
}

async fn queue_stats(fixture: &QueueFixture) -> Result<(), ContractViolation> {
    const CHECK: &str = "queue_stats";
    let step = Step(CHECK);
    let store = fixture.store.as_ref();
    let worker = step.worker("contract-a")?;
    let mut created = Vec::new();
    for (name, seconds) in [("s1", 10), ("s2", 20), ("s3", 30)] {
        created.push(scheduled(fixture, CHECK, name, seconds).await?);
    }
    let held = step.ok(store.claim_due(&worker, at(10), LEASE, 1).await)?;
    let stats = step.ok(store.queue_stats(at(25)).await)?;
    step.expect(
        stats.due() == 1 && stats.leased() == 1 && stats.oldest_due() == Some(at(20)),
        format_args!(
            "at T0+25 with s1 leased, s2 due (+20) and s3 not yet (+30): expected 1 due (oldest +20) and 1 leased, got {} due (oldest {:?}), {} leased",
            stats.due(),
            stats.oldest_due(),
            stats.leased()
        ),
    )?;
    step.expect(
        stats.count(ConnectionState::Verifying) >= 3,
        format_args!(
            "3 verifying connections were counted as {}",
            stats.count(ConnectionState::Verifying)
        ),
    )?;
    finish_all(store, step, &held, None).await?;
    for connection in &created {
        step.ok(store.delete(connection.id()).await)?;
    }
    Ok(())
}
