//! What the simulation measures, from the workers' [`CheckObserver`]: every finished check
//! is validated as it arrives (fixed-size state per connection, allocated before the run, so
//! the observer adds no memory while the fleet runs):
//!
//! - exactly once per interval: two consecutive checks of a connection at least half an
//!   interval apart (else a double), never more than an interval plus the tolerance apart,
//!   the first within the first interval plus the tolerance, and the last within an interval
//!   plus the tolerance of the end (else a miss); a check that took over a dead worker's
//!   lease is measured against the kill instead;
//! - queue lag: started − due, per check, to the millisecond;
//! - detection: when a revoked connection is first seen `Disconnected`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use connector_core::{
    CheckObserver, CheckOutcome, CheckRecord, ConnectionId, ConnectionState, unix_millis,
};
use serde::Serialize;

/// Connection ids of the simulation: this prefix and the connection's index.
pub const ID_PREFIX: &str = "sim-";

/// The id of connection `index`.
pub fn connection_id(index: usize) -> String {
    format!("{ID_PREFIX}{index:07}")
}

/// The index of a simulation connection id.
pub fn connection_index(id: &ConnectionId) -> Option<usize> {
    id.as_str().strip_prefix(ID_PREFIX)?.parse().ok()
}

/// Lags up to this many milliseconds are kept exactly; longer ones only count and set the
/// maximum.
const LAG_HISTOGRAM_MS: usize = 120_000;
/// Examples kept of each kind of violation.
const EXAMPLES: usize = 10;

/// The observer's findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckFindings {
    /// Checks with a verdict.
    pub checks: u64,
    /// Checks by outcome name (store failures as `store_error`).
    pub outcomes: BTreeMap<String, u64>,
    /// Checks by worker.
    pub per_worker: BTreeMap<String, u64>,
    /// Connections checked twice within half an interval.
    pub doubles: u64,
    /// Intervals a connection went unchecked for longer than the interval plus the tolerance
    /// (the end counted).
    pub missed: u64,
    /// A few of each (connection, what happened).
    pub examples: Vec<String>,
    /// Queue lag (started − due), milliseconds of simulated time.
    pub lag_ms: Percentiles,
    /// How long checks took (finished − started, rate-limit waits included), milliseconds.
    pub check_ms: Percentiles,
    /// Checks that took over a dead worker's lease.
    pub takeovers: u64,
    /// The longest a taken-over connection waited after the kill, milliseconds.
    pub takeover_after_kill_ms_max: Option<i64>,
    /// Checks whose lease was lost before they finished.
    pub leases_lost: u64,
    /// Detection latencies (first seen `Disconnected` − revocation), milliseconds.
    pub detection_ms: Percentiles,
    /// Revoked connections never seen `Disconnected`.
    pub undetected: u64,
}

/// p50, p99 and the maximum of a set of milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Percentiles {
    /// How many.
    pub count: u64,
    /// The median.
    pub p50: i64,
    /// The 99th percentile.
    pub p99: i64,
    /// The largest.
    pub max: i64,
}

impl Percentiles {
    /// Of `values` (sorted here).
    pub fn of(values: &mut [i64]) -> Percentiles {
        values.sort_unstable();
        let at = |q: f64| {
            let n = values.len();
            if n == 0 {
                return 0;
            }
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            values.get(rank - 1).copied().unwrap_or(0)
        };
        Percentiles {
            count: values.len() as u64,
            p50: at(0.50),
            p99: at(0.99),
            max: values.last().copied().unwrap_or(0),
        }
    }
}

/// p50, p99 and max of a histogram of milliseconds (the last bucket: that long or longer).
fn histogram_percentiles(histogram: &[u32]) -> Percentiles {
    let total: u64 = histogram.iter().map(|n| u64::from(*n)).sum();
    if total == 0 {
        return Percentiles::default();
    }
    let pick = |q: f64| {
        let wanted = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (ms, n) in histogram.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= wanted {
                return ms as i64;
            }
        }
        histogram.len() as i64
    };
    let max = histogram.iter().rposition(|n| *n > 0).unwrap_or(0) as i64;
    Percentiles {
        count: total,
        p50: pick(0.50),
        p99: pick(0.99),
        max,
    }
}

/// `len` copies of `value`, each written (so the pages are resident before the run and the
/// memory figures of the run do not include them).
fn resident<T: Clone>(len: usize, value: T) -> Vec<T> {
    let mut values = Vec::with_capacity(len);
    values.resize(len, value);
    values
}

#[derive(Debug)]
struct State {
    last_started: Vec<i64>,
    revoked_at: Vec<i64>,
    detected: Vec<bool>,
    checked_now: Vec<bool>,
    detections: Vec<i64>,
    lag_histogram: Vec<u32>,
    lag_over: u64,
    lag_max: i64,
    durations: Vec<u32>,
    kill_at: Option<i64>,
    findings: CheckFindings,
}

/// The simulation's [`CheckObserver`].
#[derive(Debug)]
pub struct FleetObserver {
    origin: i64,
    interval: i64,
    tolerance: i64,
    state: Mutex<State>,
}

impl FleetObserver {
    /// For `connections` connections checked every `interval` from `origin`, a gap allowed
    /// `tolerance` beyond the interval; room for `revocations` detections.
    pub fn new(
        connections: usize,
        origin: SystemTime,
        interval: Duration,
        tolerance: Duration,
        revocations: usize,
    ) -> FleetObserver {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        FleetObserver {
            origin: unix_millis(origin),
            interval: ms(interval),
            tolerance: ms(tolerance),
            state: Mutex::new(State {
                last_started: resident(connections, -1),
                revoked_at: resident(connections, -1),
                detected: resident(connections, false),
                checked_now: resident(connections, false),
                detections: Vec::with_capacity(revocations + 1),
                lag_histogram: resident(LAG_HISTOGRAM_MS + 1, 0),
                lag_over: 0,
                lag_max: 0,
                durations: resident(LAG_HISTOGRAM_MS + 1, 0),
                kill_at: None,
                findings: CheckFindings::default(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connection `index`'s role was deleted at `at`.
    pub fn revoked(&self, index: usize, at: SystemTime) {
        if let Some(slot) = self.state().revoked_at.get_mut(index) {
            *slot = unix_millis(at);
        }
    }

    /// Connection `index` was revoked and found disconnected by a check now, outside the
    /// schedule (left out of the detection figures and the end-of-run check).
    pub fn checked_now(&self, index: usize) {
        if let Some(slot) = self.state().checked_now.get_mut(index) {
            *slot = true;
        }
    }

    /// A worker was killed at `at`.
    pub fn killed(&self, at: SystemTime) {
        self.state().kill_at = Some(unix_millis(at));
    }

    /// The findings, the run having ended at `end`.
    pub fn findings(&self, end: SystemTime) -> CheckFindings {
        let end = unix_millis(end);
        let mut state = self.state();
        let mut findings = state.findings.clone();
        let limit = self.interval + self.tolerance;
        for (index, last) in state.last_started.iter().enumerate() {
            let revoked = state.revoked_at.get(index).is_some_and(|at| *at >= 0);
            let gone = state.detected.get(index).copied().unwrap_or(false)
                || state.checked_now.get(index).copied().unwrap_or(false);
            if revoked && gone {
                continue;
            }
            let late = if *last < 0 {
                Some(format!("{}: never checked", connection_id(index)))
            } else if end - last > limit {
                Some(format!(
                    "{}: last checked {} ms before the end",
                    connection_id(index),
                    end - last
                ))
            } else {
                None
            };
            if let Some(example) = late {
                findings.missed += 1;
                if findings.examples.len() < EXAMPLES * 2 {
                    findings.examples.push(example);
                }
            }
            if revoked && !gone {
                findings.undetected += 1;
            }
        }
        let total: u64 = state.lag_histogram.iter().map(|n| u64::from(*n)).sum();
        let rank = |q: f64| ((q * (total + state.lag_over) as f64).ceil() as u64).max(1);
        let pick = |wanted: u64| {
            let mut seen = 0u64;
            for (ms, n) in state.lag_histogram.iter().enumerate() {
                seen += u64::from(*n);
                if seen >= wanted {
                    return ms as i64;
                }
            }
            state.lag_max
        };
        if total + state.lag_over > 0 {
            findings.lag_ms = Percentiles {
                count: total + state.lag_over,
                p50: pick(rank(0.50)),
                p99: pick(rank(0.99)),
                max: state.lag_max,
            };
        }
        findings.check_ms = histogram_percentiles(&state.durations);
        findings.detection_ms = Percentiles::of(&mut state.detections);
        findings
    }

    fn violation(findings: &mut CheckFindings, double: bool, example: String) {
        if double {
            findings.doubles += 1;
        } else {
            findings.missed += 1;
        }
        if findings.examples.len() < EXAMPLES * 2 {
            findings.examples.push(example);
        }
    }
}

impl CheckObserver for FleetObserver {
    fn observe(&self, record: &CheckRecord) {
        let started = unix_millis(record.started);
        let finished = unix_millis(record.finished);
        let due = unix_millis(record.due);
        let mut guard = self.state();
        let state = &mut *guard;
        let name = record.outcome.map_or("store_error", CheckOutcome::name);
        *state.findings.outcomes.entry(name.to_owned()).or_insert(0) += 1;
        if !record.lease_kept {
            state.findings.leases_lost += 1;
        }
        let took = (finished - started).max(0);
        match usize::try_from(took)
            .ok()
            .and_then(|ms| state.durations.get_mut(ms))
        {
            Some(n) => *n += 1,
            None => {
                if let Some(last) = state.durations.last_mut() {
                    *last += 1;
                }
            }
        }
        // Lag of every claimed check, verdict or not.
        let lag = (started - due).max(0);
        state.lag_max = state.lag_max.max(lag);
        match usize::try_from(lag)
            .ok()
            .and_then(|ms| state.lag_histogram.get_mut(ms))
        {
            Some(n) => *n += 1,
            None => state.lag_over += 1,
        }
        if record.taken_over {
            state.findings.takeovers += 1;
            if let Some(kill) = state.kill_at {
                let after = started - kill;
                let max = state
                    .findings
                    .takeover_after_kill_ms_max
                    .get_or_insert(after);
                *max = (*max).max(after);
            }
        }
        // A check without a verdict (a store failure, throttling) is tried again soon; it
        // does not count as the interval's check.
        let verdict = matches!(
            record.outcome,
            Some(CheckOutcome::Healthy | CheckOutcome::Refused | CheckOutcome::Failed)
        );
        let Some(index) = connection_index(&record.id) else {
            return;
        };
        if !verdict {
            return;
        }
        state.findings.checks += 1;
        *state
            .findings
            .per_worker
            .entry(record.worker.to_string())
            .or_insert(0) += 1;
        let revoked_at = state.revoked_at.get(index).copied().unwrap_or(-1);
        let already_gone = state.detected.get(index).copied().unwrap_or(false)
            || state.checked_now.get(index).copied().unwrap_or(false);
        let Some(last) = state.last_started.get(index).copied() else {
            return;
        };
        if !already_gone {
            let (gap, from) = if last < 0 {
                (started - self.origin, "the start")
            } else {
                (started - last, "the previous check")
            };
            if last >= 0 && gap < self.interval / 2 {
                let example = format!("{}: checked again {gap} ms after {from}", record.id);
                FleetObserver::violation(&mut state.findings, true, example);
            } else if gap > self.interval + self.tolerance && !record.taken_over {
                let example = format!("{}: checked {gap} ms after {from}", record.id);
                FleetObserver::violation(&mut state.findings, false, example);
            }
        }
        if revoked_at >= 0 && !already_gone && record.state == Some(ConnectionState::Disconnected) {
            state.detections.push(finished - revoked_at);
            if let Some(flag) = state.detected.get_mut(index) {
                *flag = true;
            }
        }
        if let Some(slot) = state.last_started.get_mut(index) {
            *slot = started;
        }
    }
}
