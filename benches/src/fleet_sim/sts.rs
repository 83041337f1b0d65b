//! The simulated STS: connector-core's in-memory STS (trust policies evaluated, External IDs
//! enforced, deleted roles refused) behind a realistic network latency, each call counted on
//! the millisecond of simulated time it reached STS, so the call rate can be checked against
//! the limit.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use connector_core::{
    AssumeRoleRequest, BoxFuture, CallerIdentity, Clock, ProviderError, StsProvider,
    TemporaryCredentials, Timer,
};
use iam_policy::Region;

use super::rng::SimRng;

/// Calls counted per millisecond of simulated time from the simulation's start.
#[derive(Debug)]
pub struct CallLog {
    origin: SystemTime,
    per_ms: Vec<AtomicU32>,
    outside: AtomicU64,
}

impl CallLog {
    /// Room for `span` of simulated time from `origin` (calls outside it are counted apart).
    pub fn new(origin: SystemTime, span: Duration) -> CallLog {
        let len = usize::try_from(span.as_millis()).unwrap_or(usize::MAX);
        let per_ms: Vec<AtomicU32> = (0..len).map(|_| AtomicU32::new(0)).collect();
        CallLog {
            origin,
            per_ms,
            outside: AtomicU64::new(0),
        }
    }

    /// A call reached STS at `at`.
    pub fn record(&self, at: SystemTime) {
        let slot = at
            .duration_since(self.origin)
            .ok()
            .and_then(|d| usize::try_from(d.as_millis()).ok())
            .and_then(|ms| self.per_ms.get(ms));
        match slot {
            Some(count) => {
                count.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                self.outside.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Calls counted (inside and outside the span).
    pub fn total(&self) -> u64 {
        let inside: u64 = self
            .per_ms
            .iter()
            .map(|c| u64::from(c.load(Ordering::Relaxed)))
            .sum();
        inside + self.outside.load(Ordering::Relaxed)
    }

    /// Calls outside the span (not in the window figures).
    pub fn outside(&self) -> u64 {
        self.outside.load(Ordering::Relaxed)
    }

    /// The most calls in one whole second of simulated time (windows `[s, s + 1)` from the
    /// start).
    pub fn max_fixed_second(&self) -> u64 {
        self.busiest_second().1
    }

    /// The second `s` (from the start) with the most calls, and how many.
    pub fn busiest_second(&self) -> (u64, u64) {
        self.per_ms
            .chunks(1_000)
            .map(|second| {
                second
                    .iter()
                    .map(|c| u64::from(c.load(Ordering::Relaxed)))
                    .sum::<u64>()
            })
            .enumerate()
            .fold(
                (0, 0),
                |best, (s, n)| if n > best.1 { (s as u64, n) } else { best },
            )
    }

    /// The most calls in any 1-second window (sliding by the millisecond): the stricter
    /// figure.
    pub fn max_sliding_second(&self) -> u64 {
        let counts: Vec<u64> = self
            .per_ms
            .iter()
            .map(|c| u64::from(c.load(Ordering::Relaxed)))
            .collect();
        let mut window: u64 = 0;
        let mut best: u64 = 0;
        for (i, count) in counts.iter().enumerate() {
            window += count;
            if let Some(old) = i.checked_sub(1_000).and_then(|j| counts.get(j)) {
                window -= old;
            }
            best = best.max(window);
        }
        best
    }
}

/// An STS (the in-memory STS, or the [`TableSts`](super::TableSts) of memory runs) with a latency drawn (seeded) from `[min, max]` per call, slept on the
/// simulation's timer before the call is answered; every call is counted in a [`CallLog`].
#[derive(Debug)]
pub struct LatencySts {
    inner: Arc<dyn StsProvider>,
    clock: Arc<dyn Clock>,
    timer: Arc<dyn Timer>,
    min: Duration,
    max: Duration,
    rng: Mutex<SimRng>,
    log: Arc<CallLog>,
}

impl LatencySts {
    /// `inner` behind a latency in `[min, max]`, counting into `log`.
    pub fn new(
        inner: Arc<dyn StsProvider>,
        clock: Arc<dyn Clock>,
        timer: Arc<dyn Timer>,
        (min, max): (Duration, Duration),
        seed: u64,
        log: Arc<CallLog>,
    ) -> LatencySts {
        LatencySts {
            inner,
            clock,
            timer,
            min: min.min(max),
            max: max.max(min),
            rng: Mutex::new(SimRng::new(seed)),
            log,
        }
    }

    fn latency(&self) -> Duration {
        let spread = u64::try_from((self.max - self.min).as_millis()).unwrap_or(0);
        let extra = self
            .rng
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .below(spread + 1);
        self.min + Duration::from_millis(extra)
    }

    /// The call reaches STS now (counted) and its answer comes after the latency. Runs when
    /// the call's future is first polled: the fleet's rate limiter creates the future before
    /// it waits for a token.
    async fn arrive(&self) {
        self.log.record(self.clock.now());
        self.timer.sleep(self.latency()).await;
    }
}

impl StsProvider for LatencySts {
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProviderError>> {
        Box::pin(async move {
            self.arrive().await;
            self.inner.assume_role(request).await
        })
    }

    fn caller_identity<'a>(
        &'a self,
        credentials: &'a TemporaryCredentials,
        region: Option<&'a Region>,
    ) -> BoxFuture<'a, Result<CallerIdentity, ProviderError>> {
        Box::pin(async move {
            self.arrive().await;
            self.inner.caller_identity(credentials, region).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_fixed_seconds_and_the_busiest_sliding_second() {
        let origin = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let log = CallLog::new(origin, Duration::from_secs(3));
        // 3 calls late in second 0, 4 early in second 1: 4 in a fixed second, 7 sliding.
        for ms in [900, 950, 999, 1_000, 1_001, 1_050, 1_100] {
            log.record(origin + Duration::from_millis(ms));
        }
        log.record(origin + Duration::from_secs(10));
        assert_eq!(log.max_fixed_second(), 4);
        assert_eq!(log.busiest_second(), (1, 4));
        assert_eq!(log.max_sliding_second(), 7);
        assert_eq!(log.total(), 8);
        assert_eq!(log.outside(), 1);
    }
}
