//! `FleetWorker`: claims due connections from the store's [`CheckQueue`], checks them with a
//! bounded number in flight and every STS call through the rate limiter, schedules each
//! one's next check, and stops gracefully. Runtime-agnostic: it needs a [`Timer`] and an
//! executor to poll its `run` future (the tokio driver is in `connector-aws`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use futures_util::future::{Either, select};
use futures_util::stream::FuturesUnordered;
use tracing::Instrument;

use super::limited::LimitedProvider;
use super::limiter::{RateLimit, RateLimiter};
use super::metrics;
use super::queue::{CheckQueue, Claim, WorkerId};
use super::schedule::FleetSchedule;
use super::shutdown::Shutdown;
use super::timer::Timer;
use crate::{
    BoxFuture, CheckOutcome, ConnectionId, ConnectionState, Connector, ConnectorError, HealthCheck,
    Probe, QueueStats,
};

/// What one finished check looked like, for a [`CheckObserver`] (tests, benchmarks, audit
/// logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    /// The connection.
    pub id: ConnectionId,
    /// The worker.
    pub worker: WorkerId,
    /// When it was due.
    pub due: SystemTime,
    /// When the check started.
    pub started: SystemTime,
    /// When it finished.
    pub finished: SystemTime,
    /// The verdict (`None`: the check failed with a store error).
    pub outcome: Option<CheckOutcome>,
    /// The state after the check.
    pub state: Option<ConnectionState>,
    /// True when the claim took over another worker's expired lease.
    pub taken_over: bool,
    /// False when the lease was lost before the check finished (another worker took it).
    pub lease_kept: bool,
}

/// Sees every finished check, on the worker's path: must not block.
pub trait CheckObserver: Send + Sync + std::fmt::Debug {
    /// A check finished.
    fn observe(&self, record: &CheckRecord);
}

/// A worker's figures so far, for a status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerStatus {
    /// Checks finished, by outcome (in [`CheckOutcome::ALL`] order).
    pub checks: [u64; 6],
    /// Checks in flight now.
    pub in_flight: usize,
    /// Expired leases of other workers taken over.
    pub takeovers: u64,
    /// Own leases lost before the check finished.
    pub leases_lost: u64,
    /// Store operations that failed (claims, finishes, statistics).
    pub store_errors: u64,
    /// The last store error (never a secret).
    pub last_error: Option<String>,
    /// The queue as last seen (every few seconds).
    pub queue: Option<QueueStats>,
    /// How late the oldest due check was then.
    pub lag: Duration,
}

impl WorkerStatus {
    /// Checks finished.
    pub fn checked(&self) -> u64 {
        self.checks.iter().sum()
    }

    /// Checks with `outcome`.
    pub fn count(&self, outcome: CheckOutcome) -> u64 {
        CheckOutcome::ALL
            .iter()
            .position(|o| *o == outcome)
            .and_then(|i| self.checks.get(i))
            .copied()
            .unwrap_or(0)
    }
}

/// Builds a [`FleetWorker`].
#[derive(Debug)]
pub struct FleetWorkerBuilder {
    connector: Connector,
    queue: Arc<dyn CheckQueue>,
    timer: Arc<dyn Timer>,
    id: Option<WorkerId>,
    schedule: FleetSchedule,
    rate: RateLimit,
    limiter: Option<Arc<RateLimiter>>,
    concurrency: usize,
    batch: usize,
    lease: Duration,
    poll: Duration,
    stats_every: Duration,
    shutdown_grace: Duration,
    probe: Option<Arc<dyn Probe>>,
    observer: Option<Arc<dyn CheckObserver>>,
}

impl FleetWorkerBuilder {
    /// The worker's name in leases (default: `fleet-` and 16 random characters).
    pub fn with_worker_id(mut self, id: WorkerId) -> Self {
        self.id = Some(id);
        self
    }

    /// The schedule (default: every 5 minutes, see [`FleetSchedule`]).
    pub fn with_schedule(mut self, schedule: FleetSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// The STS rate of this worker's checks per (vendor account, Region) (default 100/s).
    pub fn with_rate(mut self, rate: RateLimit) -> Self {
        self.rate = rate;
        self
    }

    /// Token buckets shared with other workers of this process (their checks together stay
    /// under the limiter's rate); overrides [`with_rate`](Self::with_rate).
    pub fn with_shared_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// At most this many checks in flight (default 32, at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How long a claim holds a connection (default 60 seconds): a dead worker's
    /// connections are checked by the others within one lease. A check that takes more than
    /// half the lease (a hung probe, say) is cut short as inconclusive and retried later, so
    /// the lease never expires under a running check.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How often the queue is asked again when nothing was due (default 1 second).
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// How often queue statistics are read for metrics and the status (default 5 seconds).
    pub fn with_stats_every(mut self, every: Duration) -> Self {
        self.stats_every = every;
        self
    }

    /// How long a shutdown waits for checks in flight before giving their leases back
    /// (default 10 seconds).
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// A product-defined probe run with the credentials of each live connection.
    pub fn with_probe(mut self, probe: Arc<dyn Probe>) -> Self {
        self.probe = Some(probe);
        self
    }

    /// Sees every finished check.
    pub fn with_observer(mut self, observer: Arc<dyn CheckObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The worker. Refuses a queue that is not the connector's store (the schedule and the
    /// records must be one), a lease under one second or not longer than the poll.
    pub fn build(self) -> Result<FleetWorker, ConnectorError> {
        let queue_ptr = Arc::as_ptr(&self.queue).cast::<()>();
        let store_ptr = Arc::as_ptr(self.connector.store()).cast::<()>();
        if queue_ptr != store_ptr {
            return Err(ConnectorError::invalid(
                "queue",
                "",
                "the queue must be the connector's own store (the same Arc), so the schedule and the records are one",
            ));
        }
        if self.lease < Duration::from_secs(1) || self.lease <= self.poll {
            return Err(ConnectorError::invalid(
                "lease",
                &format!("{:?}", self.lease),
                "at least one second, and longer than the poll interval",
            ));
        }
        let id = match self.id {
            Some(id) => id,
            None => WorkerId::generate("fleet")?,
        };
        let limiter = self
            .limiter
            .unwrap_or_else(|| Arc::new(RateLimiter::new(self.rate)));
        let limited = LimitedProvider::new(
            Arc::clone(self.connector.provider()),
            Arc::clone(&limiter),
            Arc::clone(&self.timer),
            Arc::clone(self.connector.clock()),
            self.connector.vendor().account_id().clone(),
        );
        let connector = self.connector.with_provider(Arc::new(limited));
        Ok(FleetWorker {
            inner: Arc::new(Inner {
                id,
                connector,
                queue: self.queue,
                timer: self.timer,
                schedule: self.schedule,
                limiter,
                concurrency: self.concurrency,
                batch: self.batch,
                lease: self.lease,
                poll: self.poll,
                stats_every: self.stats_every,
                shutdown_grace: self.shutdown_grace,
                probe: self.probe,
                observer: self.observer,
                status: Mutex::new(WorkerStatus::default()),
            }),
        })
    }
}

/// A health-check worker: run several (in one process or many) against one store and each
/// due connection is checked by exactly one of them per interval. Cheap to clone.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use connector_core::testing::InMemorySts;
/// use connector_core::{BoxFuture, CheckQueue, ConnectionStore, Connector, FleetWorker, InMemoryConnectionStore, ManualClock, Shutdown, Timer};
/// use trust_policy::VendorPrincipal;
/// # #[derive(Debug)] struct TokioTimer;
/// # impl Timer for TokioTimer { fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> { Box::pin(tokio::time::sleep(d)) } }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = Arc::new(InMemoryConnectionStore::new());
/// let sts = InMemorySts::new(Arc::new(connector_core::SystemClock), "arn:aws:sts::999988887777:assumed-role/vendor/worker".parse()?);
/// let connector = Connector::builder(
///     VendorPrincipal::account("999988887777".parse()?),
///     store.clone(),
///     Arc::new(sts),
/// ).build();
/// let worker = FleetWorker::builder(connector, store, Arc::new(TokioTimer)).build()?;
/// let shutdown = Shutdown::new();
/// # tokio::runtime::Builder::new_current_thread().enable_time().build()?.block_on(async {
/// let running = tokio::spawn({ let (worker, shutdown) = (worker.clone(), shutdown.clone()); async move { worker.run(shutdown).await } });
/// // ... later:
/// shutdown.request();
/// running.await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FleetWorker {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    id: WorkerId,
    connector: Connector,
    queue: Arc<dyn CheckQueue>,
    timer: Arc<dyn Timer>,
    schedule: FleetSchedule,
    limiter: Arc<RateLimiter>,
    concurrency: usize,
    batch: usize,
    lease: Duration,
    poll: Duration,
    stats_every: Duration,
    shutdown_grace: Duration,
    probe: Option<Arc<dyn Probe>>,
    observer: Option<Arc<dyn CheckObserver>>,
    status: Mutex<WorkerStatus>,
}

/// The leases of the checks in flight, given back if a shutdown cuts them short.
type Held = Mutex<HashMap<ConnectionId, Claim>>;

impl FleetWorker {
    /// A worker checking the connections of `connector`'s store, which must be `queue` (the
    /// same `Arc`), waiting with `timer`.
    pub fn builder(
        connector: Connector,
        queue: Arc<dyn CheckQueue>,
        timer: Arc<dyn Timer>,
    ) -> FleetWorkerBuilder {
        FleetWorkerBuilder {
            connector,
            queue,
            timer,
            id: None,
            schedule: FleetSchedule::default(),
            rate: RateLimit::default(),
            limiter: None,
            concurrency: 32,
            batch: 64,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            stats_every: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(10),
            probe: None,
            observer: None,
        }
    }

    /// The worker's name in leases.
    pub fn id(&self) -> &WorkerId {
        &self.inner.id
    }

    /// The schedule.
    pub fn schedule(&self) -> &FleetSchedule {
        &self.inner.schedule
    }

    /// The token buckets (shared by every check of this worker).
    pub fn limiter(&self) -> &Arc<RateLimiter> {
        &self.inner.limiter
    }

    /// The figures so far.
    pub fn status(&self) -> WorkerStatus {
        self.inner
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Checks one connection now, outside the schedule (a "check now" button, a support
    /// tool), through the same rate limiter and probe; its next scheduled check stays.
    pub async fn check_now(&self, id: &ConnectionId) -> Result<HealthCheck, ConnectorError> {
        let probe = self.inner.probe.as_deref();
        let started = self.now();
        let check = self
            .inner
            .connector
            .check(id, probe)
            .instrument(tracing::info_span!("connector.fleet.check_now", connection = %id))
            .await;
        if let Ok(check) = &check {
            metrics::check(check.outcome(), self.since(started));
            self.count(check.outcome());
        }
        check
    }

    /// Runs until `shutdown`: claims due connections (as many as free slots allow), checks
    /// them, schedules their next check. On shutdown it stops claiming, waits for the checks
    /// in flight up to the grace period, and gives the leases of any cut short back
    /// (due as before), so another worker takes them at once.
    pub async fn run(&self, shutdown: Shutdown) {
        let inner = &self.inner;
        let held: Held = Mutex::new(HashMap::new());
        let mut in_flight: FuturesUnordered<BoxFuture<'_, ()>> = FuturesUnordered::new();
        let mut next_claim = self.now();
        let mut next_stats = self.now();
        let mut store_backoff = inner.poll;
        while !shutdown.is_requested() {
            let now = self.now();
            if now >= next_stats {
                while_checking(self.read_stats(now), &mut in_flight).await;
                next_stats = now + inner.stats_every;
            }
            let free = inner.concurrency.saturating_sub(in_flight.len());
            if free > 0 && now >= next_claim {
                let asked = free.min(inner.batch);
                let claim = inner.queue.claim_due(&inner.id, now, inner.lease, asked);
                match while_checking(claim, &mut in_flight).await {
                    Ok(claims) => {
                        store_backoff = inner.poll;
                        let full = claims.len() == asked;
                        let takeovers = claims.iter().filter(|c| c.taken_over()).count();
                        metrics::takeovers(u64::try_from(takeovers).unwrap_or(0));
                        self.update(|s| s.takeovers += u64::try_from(takeovers).unwrap_or(0));
                        for claim in claims {
                            lock(&held).insert(claim.id().clone(), claim.clone());
                            in_flight.push(Box::pin(self.run_claim(claim, &held)));
                        }
                        next_claim = if full { now } else { now + inner.poll };
                    }
                    Err(error) => {
                        self.store_error(&error);
                        next_claim = now + store_backoff;
                        store_backoff = (store_backoff * 2).min(inner.lease / 2);
                    }
                }
            }
            self.update(|s| s.in_flight = in_flight.len());
            let now = self.now();
            let free = inner.concurrency.saturating_sub(in_flight.len());
            let wake = if free > 0 {
                next_claim.min(next_stats)
            } else {
                next_stats
            };
            let wait = wake.duration_since(now).unwrap_or_default();
            if in_flight.is_empty() {
                if !wait.is_zero() {
                    let _ = select(inner.timer.sleep(wait), shutdown.requested()).await;
                }
            } else if wait.is_zero() && free > 0 {
                // More may be claimed at once; let the checks in flight make progress first
                // without waiting for any of them.
                let _ = select(in_flight.next(), std::future::ready(())).await;
            } else {
                let stop = select(inner.timer.sleep(wait), shutdown.requested());
                let _ = select(in_flight.next(), stop).await;
            }
        }
        // Graceful: no more claims; finish what is in flight within the grace period.
        let deadline = self.now() + inner.shutdown_grace;
        while !in_flight.is_empty() {
            let left = deadline.duration_since(self.now()).unwrap_or_default();
            if left.is_zero() {
                break;
            }
            if let Either::Right(_) = select(in_flight.next(), inner.timer.sleep(left)).await {
                break;
            }
        }
        drop(in_flight);
        let cut_short: Vec<Claim> = lock(&held).drain().map(|(_, claim)| claim).collect();
        for claim in cut_short {
            if let Err(error) = inner.queue.finish(claim.lease(), Some(claim.due())).await {
                self.store_error(&error);
            }
        }
        self.update(|s| s.in_flight = 0);
    }

    /// Checks one claimed connection and schedules its next check.
    async fn run_claim(&self, claim: Claim, held: &Held) {
        let inner = &self.inner;
        let id = claim.id().clone();
        let started = self.now();
        let span = tracing::info_span!(
            "connector.fleet.check",
            connection = %id,
            worker = %inner.id,
            taken_over = claim.taken_over(),
            outcome = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let check = inner
            .connector
            .check(&id, inner.probe.as_deref())
            .instrument(span.clone());
        // A check that outlives half its lease is cut short: no verdict, retried later, and
        // the lease is still ours when it is finished (another worker never checks the same
        // connection at the same time).
        let limit = inner.timer.sleep(inner.lease / 2);
        let result = match select(Box::pin(check), limit).await {
            Either::Left((result, _)) => Some(result),
            Either::Right(_) => {
                tracing::warn!(parent: &span, "the check took longer than half its lease; no verdict");
                None
            }
        };
        let finished = self.now();
        let (outcome, state, next_due) = match &result {
            None => (
                Some(CheckOutcome::Inconclusive),
                None,
                Some(finished + inner.schedule.retry_after()),
            ),
            Some(result) => match result {
                Ok(check) => (
                    Some(check.outcome()),
                    Some(check.connection().state()),
                    inner
                        .schedule
                        .next_due(check.connection(), check.outcome(), finished),
                ),
                // Gone: nothing to schedule.
                Err(ConnectorError::NotFound(_)) => (None, None, None),
                // The store or the record failed: try again after the retry delay.
                Err(error) => {
                    self.store_error(error);
                    (None, None, Some(finished + inner.schedule.retry_after()))
                }
            },
        };
        let took = finished.duration_since(started).unwrap_or_default();
        span.record("latency_ms", took.as_millis() as u64);
        if let Some(outcome) = outcome {
            span.record("outcome", outcome.name());
            metrics::check(outcome, took);
            self.count(outcome);
        }
        let lease_kept = match inner.queue.finish(claim.lease(), next_due).await {
            Ok(()) | Err(ConnectorError::NotFound(_)) => true,
            Err(ConnectorError::LeaseLost { .. }) => {
                metrics::lease_lost();
                self.update(|s| s.leases_lost += 1);
                tracing::warn!(parent: &span, "the lease expired before the check finished; another worker took the connection over");
                false
            }
            Err(error) => {
                // The lease expires and the connection is claimed again: nothing is lost.
                self.store_error(&error);
                true
            }
        };
        lock(held).remove(&id);
        if let Some(observer) = &inner.observer {
            observer.observe(&CheckRecord {
                id,
                worker: inner.id.clone(),
                due: claim.due(),
                started,
                finished,
                outcome,
                state,
                taken_over: claim.taken_over(),
                lease_kept,
            });
        }
    }

    async fn read_stats(&self, now: SystemTime) {
        match self.inner.queue.queue_stats(now).await {
            Ok(stats) => {
                let lag = stats.lag(now);
                metrics::queue(&stats, lag);
                self.update(|s| {
                    s.queue = Some(stats);
                    s.lag = lag;
                });
            }
            Err(error) => self.store_error(&error),
        }
    }

    fn now(&self) -> SystemTime {
        self.inner.connector.clock().now()
    }

    fn since(&self, started: SystemTime) -> Duration {
        self.now().duration_since(started).unwrap_or_default()
    }

    fn count(&self, outcome: CheckOutcome) {
        if let Some(i) = CheckOutcome::ALL.iter().position(|o| *o == outcome) {
            self.update(|s| {
                if let Some(n) = s.checks.get_mut(i) {
                    *n += 1;
                }
            });
        }
    }

    fn store_error(&self, error: &ConnectorError) {
        tracing::warn!(worker = %self.inner.id, %error, "fleet store operation failed");
        self.update(|s| {
            s.store_errors += 1;
            s.last_error = Some(error.to_string());
        });
    }

    fn update(&self, change: impl FnOnce(&mut WorkerStatus)) {
        change(&mut self.inner.status.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

/// Awaits `operation` (a claim, the statistics) while the checks in flight keep running: a
/// check may hold one of the store's pooled connections mid-query, and if it were not polled
/// until the operation finished, an operation waiting for a free connection would wait for
/// it forever (a deadlock once the checks in flight hold every connection of the pool).
async fn while_checking<T>(
    operation: impl std::future::Future<Output = T>,
    in_flight: &mut FuturesUnordered<BoxFuture<'_, ()>>,
) -> T {
    let mut operation = std::pin::pin!(operation);
    loop {
        if in_flight.is_empty() {
            return operation.await;
        }
        match select(operation.as_mut(), in_flight.next()).await {
            Either::Left((value, _)) => return value,
            Either::Right(_) => {}
        }
    }
}

fn lock(held: &Held) -> std::sync::MutexGuard<'_, HashMap<ConnectionId, Claim>> {
    held.lock().unwrap_or_else(|p| p.into_inner())
}
